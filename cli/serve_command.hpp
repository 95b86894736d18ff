#pragma once

// `terrier serve`: the HTTP server, its pool and its signals.

#include <optional>
#include <string>
#include <vector>

#include "cli/settings.hpp"

namespace terrier::cli {

struct ServeArgs {
  std::string listen = "127.0.0.1:8080";
  int threads = 4;
  std::size_t pool_size = 8;
  int statement_timeout_ms = 5000;
  long long exact_count_limit = 100000;
  int import_workers = 2;
  int import_grace_s = 10;
  int cluster_max_zoom = 11;  // opportunities' tiles carry clusters up to this zoom
  std::size_t tile_cache_mb = 16;
  std::string geocoder_url;  // over TERRIER_GEOCODER_URL ("none": none)
  int alerts_every_min = 0;  // e-mail digests every this many minutes (0: never)  // SIGTERM waits
                             // this long for running imports, then cancels them
  std::vector<std::string> read_urls;  // --read-url, added to TERRIER_READ_DATABASE_URLS
  double max_replica_lag_s = 5;
};

// `terrier serve`: runs until SIGTERM or SIGINT, then drains and exits 0.
int serve(const Settings& settings, const ServeArgs& args);

}  // namespace terrier::cli
