#pragma once

// The API's requests and responses, independent of the HTTP library: the
// server turns Pistache requests into Request and sends back Response.
// Routes are registered in one table (routes.cpp); handlers parse, validate,
// call the data-access layer and render.

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/basemap.hpp"
#include "api/metrics.hpp"
#include "api/params.hpp"
#include "api/pool.hpp"
#include "matching/model.hpp"

namespace terrier::api {

// IGN's Géoplateforme geocoder (the national address base, no key).
inline constexpr std::string_view kIgnGeocoderUrl = "https://data.geopf.fr/geocodage";

// "https://host[:port]" of an http(s) URL, or "" when it is not one.
std::string url_origin(const std::string& url);

struct ServiceConfig {
  Limits limits;
  std::filesystem::path web_root;  // static files served at /
  std::size_t max_body_bytes = 20 * 1024 * 1024;
  matching::MatchConfig matching;
  // The page's raster base layers (IGN by default); with none the page
  // draws the project's own boundaries only.
  BasemapConfig basemap;
  // Origins allowed to call the API from another site's pages (CORS); empty:
  // none (the default), "*": any.
  std::vector<std::string> cors_origins;
  // TERRIER_TRUST_PROXY=1: a reverse proxy in front says the scheme, host and
  // client (X-Forwarded-Proto, -Host, -For); cookies are then Secure over
  // https.
  bool trust_proxy = false;
  // Tiles of opportunities up to this zoom carry clusters, not points
  // (-1: never); told to the page by /api/map-config.
  int cluster_max_zoom = 11;
  // The address geocoder the page's forms ask (IGN's Géoplateforme by
  // default: GET {url}/search?q=…&autocomplete=1), told to the page by
  // /api/map-config and allowed by its CSP; empty: none.
  std::string geocoder_url = std::string(kIgnGeocoderUrl);

  void validate() const;  // throws ConfigError
};

struct Request {
  std::string method;                          // GET, POST, ...
  std::string path;                            // without the query
  std::string query;                           // raw, without '?'
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string peer;  // the client's address, as the socket sees it
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the body is this file (an export written to disk), read back,
  // sent and then deleted.
  std::string file;
};

class ImportRunner;
class UploadRegistry;
class TileService;
class ReadReplicas;
struct Route;
struct Context;

class Service {
 public:
  // `imports` runs the imports sent with async=true (none: they are refused);
  // `tiles` answers /tiles with clusters and a cache (none: every tile by
  // PostGIS, uncached); `replicas` answers the read-only routes (none: the
  // primary answers everything).
  Service(ServiceConfig config, ConnectionPool& pool, ImportRunner* imports = nullptr,
          TileService* tiles = nullptr, ReadReplicas* replicas = nullptr);
  ~Service();

  // Never throws: every failure becomes a problem-details response.
  Response handle(const Request& request);

  // Requests being handled, for graceful shutdown and /metrics.
  std::size_t in_flight() const { return in_flight_.load(); }
  void start_draining() { draining_ = true; }
  bool draining() const { return draining_.load(); }

 private:
  // The one place where a request's pool is chosen: a replica for the routes
  // api/replicas names, the primary for the rest.
  Response answer(const Route& route, Context& ctx);
  Response answer_on_replica(const Route& route, Context& ctx);

  ServiceConfig config_;
  ConnectionPool& pool_;
  ImportRunner* imports_;
  TileService* tiles_;
  ReadReplicas* replicas_;
  std::unique_ptr<UploadRegistry> uploads_;  // files sent in pieces, until imported
  Metrics metrics_;
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<bool> draining_{false};
};

}  // namespace terrier::api
