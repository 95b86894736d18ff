#include "api/service.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <limits>
#include <pqxx/except>
#include <regex>

#include "api/auth.hpp"
#include "api/field_problem.hpp"
#include "api/handlers.hpp"
#include "api/problem.hpp"
#include "api/replicas.hpp"
#include "api/routes.hpp"
#include "api/upload_registry.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "db/replication.hpp"

namespace terrier::api {
namespace {

// A feed's address is its secret: never in a log.
std::string loggable_path(const std::string& path) {
  return path.starts_with("/feeds/") ? std::string("/feeds/***") : path;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  for (const auto& s : text::split_any(path, {"/"})) out.push_back(percent_decode(s));
  return out;
}

void add_cache_headers(const Request& request, Response& r) {
  if (r.status != 200 || !r.file.empty()) return;
  // A validator, not a secret: a 64-bit hash and the length, at memory
  // speed (SHA-256 of a 500-feature page cost a millisecond).
  std::string etag;
  for (const auto& [k, v] : r.headers) {
    if (k == "ETag") etag = v;  // an object's version, set by its handler
  }
  if (etag.empty()) {
    etag = fmt::format("\"{:016x}-{:x}\"", std::hash<std::string_view>{}(r.body), r.body.size());
    r.headers.emplace_back("ETag", etag);
  }
  // Revalidate every time: an edit is visible at once, an unchanged map
  // costs a 304.
  bool has_cache_control = false;
  for (const auto& [k, v] : r.headers) has_cache_control |= k == "Cache-Control";
  if (!has_cache_control) r.headers.emplace_back("Cache-Control", "no-cache");
  auto inm = request.headers.find("if-none-match");
  if (inm != request.headers.end() && inm->second == etag) {
    r.status = 304;
    r.body.clear();
  }
}

// Routes whose answer is about the caller whoever asks: accounts, sessions,
// tokens, invitations, requests, histories, the follow-up, imports.
bool personal_route(const std::vector<std::string>& segments) {
  if (segments.size() < 2 || segments[0] != "api") return false;
  static const std::vector<std::string> roots = {"session",     "users",    "tokens",
                                                 "invitations", "requests", "followup",
                                                 "matches",     "imports",  "uploads"};
  return std::find(roots.begin(), roots.end(), segments[1]) != roots.end() ||
         segments.back() == "history";
}

// Whether the request carries credentials (a bearer token, or a session
// cookie of the right shape, live or not).
bool carries_credentials(const Request& request) {
  return request.headers.count("authorization") > 0 || session_cookie(request).has_value();
}

// An answer that depends on who asks, beyond what the public sees: no cache
// keeps it (a shared computer's browser after sign-out, a proxy), and one
// that would is told it varies with the credentials. Its ETag stays: writes
// send it back in If-Match.
void make_private(Response& r) {
  r.headers.erase(std::remove_if(r.headers.begin(), r.headers.end(),
                                 [](const auto& h) { return h.first == "Cache-Control"; }),
                  r.headers.end());
  r.headers.emplace_back("Cache-Control", "private, no-store");
  r.headers.emplace_back("Vary", "Cookie, Authorization");
}

// Headers every response carries; the page also gets a CSP that allows this
// server only (plus the base layers' origins: IGN's by default): no inline
// script, no framing. OpenStreetMap's tiles want the page's origin as
// Referer; nothing else gets one.
void add_security_headers(const ServiceConfig& config, Response& r) {
  bool html = r.content_type.rfind("text/html", 0) == 0;
  r.headers.emplace_back("Referrer-Policy",
                         html && config.basemap.needs_referrer ? "strict-origin" : "no-referrer");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  if (html) {
    std::string basemap;
    for (const auto& origin : config.basemap.origins()) basemap += " " + origin;
    // The forms' address suggestions come from the geocoder (IGN's, by
    // default the base map's origin already).
    const std::string origin = url_origin(config.geocoder_url);
    const auto listed = config.basemap.origins();
    const std::string geocoder =
        origin.empty() || std::find(listed.begin(), listed.end(), origin) != listed.end()
            ? ""
            : " " + origin;
    r.headers.emplace_back(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:" +
            basemap + "; connect-src 'self'" + basemap + geocoder +
            "; worker-src 'self' blob:; child-src 'self' blob:; font-src 'self'; object-src "
            "'none'; "
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  }
}

const std::string* allowed_origin(const ServiceConfig& config, const Request& request) {
  auto origin = request.headers.find("origin");
  if (origin == request.headers.end() || config.cors_origins.empty()) return nullptr;
  for (const auto& o : config.cors_origins) {
    if (o == "*" || o == origin->second) return &origin->second;
  }
  return nullptr;
}

void add_cors_headers(const ServiceConfig& config, const Request& request, Response& r) {
  const std::string* origin = allowed_origin(config, request);
  if (!origin) return;
  r.headers.emplace_back("Access-Control-Allow-Origin", *origin);
  auto vary = std::find_if(r.headers.begin(), r.headers.end(),
                           [](const auto& h) { return h.first == "Vary"; });
  if (vary == r.headers.end()) {
    r.headers.emplace_back("Vary", "Origin");
  } else {
    vary->second += ", Origin";
  }
  r.headers.emplace_back("Access-Control-Expose-Headers", "ETag, Content-Disposition, Retry-After");
}

}  // namespace

std::string url_origin(const std::string& url) {
  std::size_t scheme = url.rfind("https://", 0) == 0 ? 8 : url.rfind("http://", 0) == 0 ? 7 : 0;
  if (scheme == 0) return "";
  std::size_t end = url.find_first_of("/?#", scheme);
  std::string origin = url.substr(0, end);
  return origin.size() > scheme ? origin : "";
}

void ServiceConfig::validate() const {
  if (!geocoder_url.empty() && url_origin(geocoder_url).empty()) {
    throw ConfigError("the geocoder's address must be an http(s) URL: " + geocoder_url);
  }
  if (limits.default_limit == 0 || limits.default_limit > limits.max_limit) {
    throw ConfigError("the default limit must be between 1 and the maximum limit");
  }
}

Service::Service(ServiceConfig config, ConnectionPool& pool, ImportRunner* imports,
                 TileService* tiles, ReadReplicas* replicas)
    : config_(std::move(config)),
      pool_(pool),
      imports_(imports),
      tiles_(tiles),
      replicas_(replicas),
      uploads_(std::make_unique<UploadRegistry>()) {
  config_.validate();
}

Service::~Service() = default;

Response Service::answer(const Route& route, Context& ctx) {
  const Request& request = ctx.request;
  if (!replicas_) return route.handler(ctx, pool_, config_);
  if (replica_route(request.method, ctx.segments)) return answer_on_replica(route, ctx);
  Response response = route.handler(ctx, pool_, config_);
  bool write = request.method != "GET" && request.method != "HEAD";
  if (write && response.status < 300) {
    // The write is committed: whoever made it reads, from now on, from a
    // replica that has replayed this far, or from the primary.
    // Without the position (the pool busy, the primary gone after the
    // commit) the write still stands: that person reads from the primary.
    std::uint64_t lsn = std::numeric_limits<std::uint64_t>::max();
    try {
      auto conn = pool_.acquire();
      lsn = db::current_wal_lsn(*conn);
      // Kept on the primary too, for a client that sends no cookie back.
      replicas_->remember_position(*conn, request, lsn);
    } catch (const std::exception& e) {
      log::warn("{} {}: the write's WAL position: {}", request.method, loggable_path(request.path),
                first_line(e.what()));
    }
    response.headers.emplace_back(
        "Set-Cookie", replicas_->read_position_cookie(lsn, secure_request(request, config_)));
  }
  return response;
}

Response Service::answer_on_replica(const Route& route, Context& ctx) {
  std::uint64_t position = replicas_->read_position(ctx.request);
  constexpr auto kUnknown = std::numeric_limits<std::uint64_t>::max();
  if (position != kUnknown) {
    // A token's last write, as the primary keeps it (one lookup by key
    // there, like the token's own): a script without cookies reads its
    // writes too. Not known: the primary answers.
    try {
      position = std::max(position, replicas_->remembered_position(pool_, ctx.request));
    } catch (const std::exception& e) {
      log::warn("{} {}: the token's read position: {}", ctx.request.method,
                loggable_path(ctx.request.path), first_line(e.what()));
      position = kUnknown;
    }
  }
  ConnectionPool* replica = replicas_->choose(position);
  if (!replica) return route.handler(ctx, pool_, config_);
  std::string why;
  bool gone = true;  // the replica, not only this query
  try {
    return route.handler(ctx, *replica, config_);
  } catch (const DatabaseUnavailable& e) {
    why = e.what();
  } catch (const pqxx::broken_connection& e) {
    why = first_line(e.what());
  } catch (const pqxx::sql_error& e) {
    // The replica went away under the query (08, 57 but a statement
    // timeout), cancelled it for a conflict with recovery (40001), or the
    // route wrote after all (25006): the primary answers instead. Anything
    // else is the query's own fault.
    const std::string& state = e.sqlstate();
    gone = state.rfind("08", 0) == 0 || (state.rfind("57", 0) == 0 && state != "57014");
    if (!gone && state != "40001" && state != "25006") throw;
    why = fmt::format("[{}] {}", state, first_line(e.what()));
  } catch (const pqxx::failure& e) {
    // libpq's own failures on a connection the replica dropped (no SQLSTATE).
    why = first_line(e.what());
  }
  if (gone) replicas_->mark_down(replica, why);
  replicas_->count_primary_read();
  return route.handler(ctx, pool_, config_);
}

Response Service::handle(const Request& request) {
  struct InFlight {
    std::atomic<std::size_t>& n;
    explicit InFlight(std::atomic<std::size_t>& c) : n(c) { ++n; }
    ~InFlight() { --n; }
  } in_flight(in_flight_);
  Response response;
  auto started = std::chrono::steady_clock::now();
  std::string route_label = "other";
  // The page's own files are the same for everyone; any other answer to a
  // request with credentials, or of a personal route, is private.
  bool personal = false;
  try {
    if (draining_) throw Problem(503, "Service Unavailable", "the server is shutting down");
    if (request.body.size() > config_.max_body_bytes) {
      throw Problem(413, "Payload Too Large",
                    fmt::format("the body is larger than {} bytes", config_.max_body_bytes));
    }
    Context ctx{request,
                split_path(request.path),
                parse_query(request.query),
                Role::anonymous,
                "",
                "public",
                {}};
    auto host = request.headers.find("host");
    ctx.base_url =
        "http://" + (host == request.headers.end() ? std::string("localhost") : host->second);
    const Route* found = nullptr;
    bool path_known = false;
    for (const auto& route : routes()) {
      if (route_matches(route, ctx.segments)) {
        path_known = true;
        if (request.method == route.method && !found) found = &route;
      }
    }
    if (request.method == "OPTIONS" && allowed_origin(config_, request)) {
      // A CORS preflight from an allowed origin.
      response.status = 204;
      response.content_type.clear();
      response.headers = {
          {"Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE"},
          {"Access-Control-Allow-Headers", "Authorization, Content-Type, If-None-Match, If-Match"},
          {"Access-Control-Max-Age", "600"}};
      add_cors_headers(config_, request, response);
      return response;
    }
    if (request.method == "OPTIONS" && path_known &&
        request.headers.find("access-control-request-method") == request.headers.end()) {
      // What a client may do here: QGIS's OAPIF provider (3.32 and later)
      // asks it of an OGC collection's items and of an item before it offers
      // to edit them (OGC API – Features Part 4). Not a browser's preflight
      // from an origin not allowed above: that one stays refused.
      std::string allow;
      for (const auto& route : routes()) {
        if (route_matches(route, ctx.segments)) allow += std::string(route.method) + ", ";
      }
      response.status = 204;
      response.content_type.clear();
      response.headers = {{"Allow", allow + "OPTIONS"}};
      return response;
    }
    if (!found && path_known)
      throw Problem(405, "Method Not Allowed", request.method + " is not allowed here");
    if (found) {
      route_label.clear();
      for (const char* s : found->pattern) route_label += std::string("/") + s;
      personal =
          route_label != "/**" && (carries_credentials(request) || personal_route(ctx.segments));
    }
    authenticate(request, pool_, config_, ctx);
    if (found) {
      ctx.metrics = &metrics_;
      ctx.in_flight = in_flight_.load();
      ctx.imports = imports_;
      ctx.uploads = uploads_.get();
      ctx.tiles = tiles_;
      ctx.replicas = replicas_;
      response = answer(*found, ctx);
    } else {
      throw not_found(fmt::format("no resource at {}", request.path));
    }
    add_cache_headers(request, response);
  } catch (const Problem& p) {
    response = problem_response(p.status(), p.title(), p.what(), p.extensions());
  } catch (const DatabaseUnavailable& e) {
    response =
        problem_response(503, "Service Unavailable", "the database is not reachable; try again");
    response.headers.emplace_back("Retry-After", "2");
  } catch (const pqxx::broken_connection& e) {
    response =
        problem_response(503, "Service Unavailable", "the database connection was lost; try again");
    response.headers.emplace_back("Retry-After", "2");
  } catch (const pqxx::in_doubt_error& e) {
    // The connection broke during the COMMIT (the primary died, a standby
    // takes over): the write may or may not be saved, and nobody can say.
    log::warn("{} {}: {}", request.method, loggable_path(request.path), first_line(e.what()));
    response = problem_response(
        503, "Service Unavailable",
        "la connexion à la base de données a été perdue pendant l'enregistrement : vérifiez si "
        "la modification a été enregistrée avant de la renvoyer");
    response.headers.emplace_back("Retry-After", "2");
  } catch (const pqxx::sql_error& e) {
    // A statement timeout (57014) or a backend stopped under the request
    // (57P01 and the rest of class 57) is temporary: 503, and the client
    // may try again. Anything else is a fault of ours: 500. Neither says
    // which statement or table was involved.
    log::error("{} {}: [{}] {}", request.method, loggable_path(request.path), e.sqlstate(),
               first_line(e.what()));
    if (e.sqlstate().rfind("57", 0) == 0) {
      response = problem_response(503, "Service Unavailable",
                                  "the database did not answer in time; try again");
      response.headers.emplace_back("Retry-After", "2");
    } else {
      response =
          problem_response(500, "Internal Server Error", "the request failed; it was logged");
    }
  } catch (const std::exception& e) {
    log::error("{} {}: {}", request.method, loggable_path(request.path), first_line(e.what()));
    response = problem_response(500, "Internal Server Error", "the request failed; it was logged");
  }
  if (personal) make_private(response);
  add_security_headers(config_, response);
  add_cors_headers(config_, request, response);
  metrics_.record(
      route_label, response.status,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return response;
}

}  // namespace terrier::api
