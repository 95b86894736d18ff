#pragma once

// `terrier export`: a territory's map (or the requests) to a file.

#include <string>

#include "cli/settings.hpp"

namespace terrier::cli {

struct ExportArgs {
  std::string territory;
  std::string format = "geojson";
  std::string layers;
  std::string output;
};

// The territory's map to a file, written beside it first and renamed, so
// that a failure leaves no partial file.
int export_territory(const Settings& settings, const ExportArgs& args);

}  // namespace terrier::cli
