#pragma once

#include <optional>
#include <string>

#include "cli/settings.hpp"
#include "importers/importer.hpp"

namespace terrier::cli {

struct ImportArgs {
  std::string kind;
  importers::ImportOptions options;
  // --geocode: rows with an address and a commune but no coordinates are
  // placed by the geocoder (TERRIER_GEOCODER_URL, IGN's by default).
  bool geocode = false;
};

// Runs `terrier import`; exit 0, 1 (file unreadable), 2 (--strict with
// rejected rows, nothing loaded).
int import_file(const Settings& settings, ImportArgs args);

}  // namespace terrier::cli
