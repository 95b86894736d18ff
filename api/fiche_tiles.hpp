#pragma once

// The raster tiles under a fiche's map extract, fetched with libcurl from the
// base map's template ({z}, {x}, {y}: the page's own plan layer) within one
// time budget for the whole fiche: a server that cannot reach the tile
// service prints the fiche without them, a moment later, never an error.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace terrier::api {

class TileFetcher {
 public:
  // An empty template fetches nothing.
  TileFetcher(std::string url_template, std::chrono::milliseconds budget);

  // The tile's bytes (a PNG or a JPEG as the service sends them), or nullopt
  // once the budget is spent or after the first failure (an unreachable
  // service fails every tile: the fiche does not wait for each).
  std::optional<std::string> get(int z, int x, int y);

  // The URL of one tile, from the template.
  static std::string tile_url(const std::string& url_template, int z, int x, int y);

 private:
  std::string template_;
  std::chrono::steady_clock::time_point deadline_;
  bool failed_ = false;
  struct EasyDeleter {
    void operator()(void* easy) const;
  };
  // One easy handle (a CURL*): its connection is reused tile after tile.
  std::unique_ptr<void, EasyDeleter> curl_;
};

}  // namespace terrier::api
