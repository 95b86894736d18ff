#pragma once

#include <optional>
#include <string>

#include "cli/settings.hpp"

namespace terrier::cli {

struct ServeArgs {
  std::string listen = "127.0.0.1:8080";
  int threads = 4;
  std::size_t pool_size = 8;
  int statement_timeout_ms = 5000;
  long long exact_count_limit = 100000;
};

// `terrier serve`: runs until SIGTERM or SIGINT, then drains and exits 0.
int serve(const Settings& settings, const ServeArgs& args);

struct TokenArgs {
  std::string role;
  std::optional<std::string> territory;
  std::string name;
  long long revoke_id = 0;
};

int token_create(const Settings& settings, const TokenArgs& args);
int token_revoke(const Settings& settings, const TokenArgs& args);

}  // namespace terrier::cli

namespace terrier::cli {

struct ExportArgs {
  std::string territory;
  std::string format = "geojson";
  std::string layers;
  std::string output;
};

// `terrier export`: the territory's map to a file, written beside it first
// and renamed, so that a failure leaves no partial file.
int export_territory(const Settings& settings, const ExportArgs& args);

}  // namespace terrier::cli
