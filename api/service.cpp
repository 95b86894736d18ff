#include "api/service.hpp"

#include <fmt/core.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <functional>
#include <pqxx/except>
#include <regex>
#include <sstream>

#include "api/export.hpp"
#include "api/ogc.hpp"
#include "api/problem.hpp"
#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "db/connection.hpp"
#include "db/feature_store.hpp"
#include "db/import_store.hpp"
#include "db/match_store.hpp"
#include "importers/importer.hpp"
#include "importers/json_rows.hpp"
#include "importers/rows.hpp"
#include "db/token_store.hpp"
#include "matching/assignment.hpp"
#include "matching/engine.hpp"

namespace terrier::api {
namespace {

Response json_response(std::string body, const char* type = "application/json") {
  Response r;
  r.content_type = type;
  r.body = std::move(body);
  return r;
}

Response problem_response(int status, const std::string& title, const std::string& detail) {
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = problem_json(status, title, detail);
  return r;
}

struct Context {
  const Request& request;
  std::vector<std::string> segments;
  std::map<std::string, std::string> params;
  Role role = Role::anonymous;
  std::string base_url;  // scheme://host, for links
  std::string who = "public";  // the token's name, for the records of writes
  std::optional<std::string> territory;  // an animator's circle
};

long long id_or_404(const std::string& s, const char* what) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) {
    throw not_found(fmt::format("no {} '{}'", what, s));
  }
  return std::stoll(s);
}

Response need_matches(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  auto conn = pool.acquire();
  auto doc = db::need_matches(*conn, id_or_404(ctx.segments[2], "need"), ctx.role);
  if (!doc) throw not_found(fmt::format("no need '{}'", ctx.segments[2]));
  return json_response(*doc, "application/geo+json");
}

Response opportunity_matches(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  auto conn = pool.acquire();
  auto doc = db::opportunity_matches(*conn, id_or_404(ctx.segments[2], "opportunity"), ctx.role);
  if (!doc) throw not_found(fmt::format("no opportunity '{}'", ctx.segments[2]));
  return json_response(*doc, "application/geo+json");
}

// The land group (members), foundations and admins set a match's status.
Response patch_match(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  if (ctx.role == Role::anonymous) throw Problem(401, "Unauthorized", "a token is needed to change a match");
  if (ctx.role == Role::animator) throw Problem(403, "Forbidden", "animators do not change matches");
  long long id = id_or_404(ctx.segments[2], "match");
  std::string status;
  try {
    auto body = nlohmann::json::parse(ctx.request.body);
    status = body.at("status").get<std::string>();
  } catch (const nlohmann::json::exception&) {
    throw bad_request("the body must be JSON: {\"status\": \"contacté\"}");
  }
  static const std::vector<std::string> statuses = {"proposé", "contacté", "visite", "accord", "refusé"};
  if (std::find(statuses.begin(), statuses.end(), status) == statuses.end()) {
    throw bad_request(fmt::format("status: '{}' is not proposé, contacté, visite, accord or refusé", status));
  }
  auto conn = pool.acquire();
  db::MatchStore store(*conn);
  try {
    store.set_status(id, status, ctx.who);
  } catch (const DbError&) {
    throw not_found(fmt::format("no match '{}'", id));
  }
  return json_response(nlohmann::json{{"id", id}, {"status", status}}.dump());
}

// A territory's map for circle animators (their own circle) and foundations.
Response export_territory(Context& ctx, ConnectionPool& pool, const ServiceConfig& config) {
  const std::string& slug = ctx.segments[2];
  if (ctx.role == Role::anonymous) throw Problem(401, "Unauthorized", "exports need a token");
  if (ctx.role == Role::member) throw Problem(403, "Forbidden", "members do not export; ask your circle's animator");
  if (ctx.role == Role::animator && ctx.territory != slug) {
    throw Problem(403, "Forbidden", fmt::format("an animator exports its own circle ({})",
                                                ctx.territory.value_or("none")));
  }
  ExportRequest request;
  request.territory = slug;
  request.role = ctx.role;
  auto params = ctx.params;
  std::string format = params.count("format") ? params["format"] : "geojson";
  std::string layers = params.count("layers") ? params["layers"] : "";
  params.erase("format");
  params.erase("layers");
  parse_export_options(format, layers, request);
  request.filters = parse_items_query(db::Collection::opportunities, params, config.limits).filters;
  auto conn = pool.acquire();
  db::MatchStore store(*conn);
  if (!store.territory_exists(slug)) throw not_found(fmt::format("no territory '{}'", slug));
  // The extension matters to GDAL's drivers (CSV makes a folder without it).
  std::string suffix = "." + request.format;
  std::string tmpl =
      (std::filesystem::temp_directory_path() / ("terrier-download-XXXXXX" + suffix)).string();
  int fd = mkstemps(tmpl.data(), static_cast<int>(suffix.size()));
  if (fd < 0) throw Error("cannot create a temporary file for the export");
  close(fd);
  write_export(*conn, request, tmpl);
  Response r;
  r.content_type = export_content_type(request.format);
  r.file = tmpl;
  r.headers.emplace_back("Content-Disposition",
                         fmt::format("attachment; filename=\"{}\"", export_file_name(request)));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// Writes: opportunities by admins; needs by admins and by an animator inside
// its circle. Each goes through the importers' validation and the audit log.
struct WriteTarget {
  importers::ImportKind kind;
  const db::TableSpec* spec;
  const char* entity;
};

WriteTarget write_target(const std::string& segment) {
  if (segment == "opportunities") return {importers::ImportKind::opportunities, &importers::opportunity_spec(), "opportunity"};
  if (segment == "needs") return {importers::ImportKind::needs, &importers::need_spec(), "need"};
  throw not_found(fmt::format("no resource /api/{}", segment));
}

void require_writer(const Context& ctx, const WriteTarget& target) {
  if (ctx.role == Role::anonymous) throw Problem(401, "Unauthorized", "writing needs a token");
  bool allowed = ctx.role == Role::admin ||
                 (ctx.role == Role::animator && target.kind == importers::ImportKind::needs);
  if (!allowed) {
    throw Problem(403, "Forbidden", fmt::format("the {} role cannot write {}s", role_name(ctx.role),
                                                target.entity));
  }
}

// An animator's need must lie in its circle: checked inside the transaction.
void require_in_circle(const Context& ctx, db::ImportStore& store, long long id) {
  if (ctx.role == Role::animator && (!ctx.territory || !store.need_in_territory(id, *ctx.territory))) {
    throw Problem(403, "Forbidden", fmt::format("an animator writes needs inside its circle ({})",
                                                ctx.territory.value_or("none")));
  }
}

db::StagedRow validated(const WriteTarget& target, const std::string& body, db::ImportStore& store) {
  importers::JsonRow json_row;
  try {
    json_row = importers::validate_json_row(target.kind, body, store);
  } catch (const Error& e) {
    throw bad_request(e.what());
  }
  if (!json_row.row) {
    std::string detail;
    for (const auto& i : json_row.issues) {
      if (i.kind != importers::RowIssue::Kind::rejected) continue;
      detail += (detail.empty() ? "" : "; ") + i.column + (i.value.empty() ? "" : " '" + i.value + "'") +
                ": " + i.reason;
    }
    throw bad_request(detail);
  }
  return *json_row.row;
}

Response create_row(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  auto target = write_target(ctx.segments[1]);
  require_writer(ctx, target);
  auto conn = pool.acquire();
  db::ImportStore store(*conn);
  auto row = validated(target, ctx.request.body, store);
  if (!row.external_id) {
    row.external_id = "api-" + random_hex(8);
  }
  long long id = store.insert_row(*target.spec, "api", row);
  require_in_circle(ctx, store, id);
  auto after = store.row_json(*target.spec, id);
  store.record_audit(ctx.who, "create", target.entity, id, std::nullopt, after);
  store.commit();
  Response r = json_response(nlohmann::json{{"id", id}}.dump());
  r.status = 201;
  r.headers.emplace_back("Location", fmt::format("/ogcapi/collections/{}/items/{}", ctx.segments[1], id));
  return r;
}

Response update_row(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  auto target = write_target(ctx.segments[1]);
  require_writer(ctx, target);
  long long id = id_or_404(ctx.segments[2], target.entity);
  auto conn = pool.acquire();
  db::ImportStore store(*conn);
  auto before = store.row_json(*target.spec, id);
  if (!before) throw not_found(fmt::format("no {} '{}'", target.entity, id));
  require_in_circle(ctx, store, id);
  std::string merged;
  try {
    merged = importers::merge_json_objects(*before, ctx.request.body);
  } catch (const Error& e) {
    throw bad_request(e.what());
  }
  auto row = validated(target, merged, store);
  store.update_row(*target.spec, id, row);
  require_in_circle(ctx, store, id);
  auto after = store.row_json(*target.spec, id);
  store.record_audit(ctx.who, "update", target.entity, id, before, after);
  store.commit();
  return json_response(after.value_or("{}"));
}

Response delete_row(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  auto target = write_target(ctx.segments[1]);
  require_writer(ctx, target);
  long long id = id_or_404(ctx.segments[2], target.entity);
  auto conn = pool.acquire();
  db::ImportStore store(*conn);
  auto before = store.row_json(*target.spec, id);
  if (!before) throw not_found(fmt::format("no {} '{}'", target.entity, id));
  require_in_circle(ctx, store, id);
  store.delete_row(*target.spec, id);
  store.record_audit(ctx.who, "delete", target.entity, id, before, std::nullopt);
  store.commit();
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

// POST /api/imports?kind=...&format=csv: the body is a file, run through the
// importer; its report comes back. Admins only.
Response import_file(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  if (ctx.role == Role::anonymous) throw Problem(401, "Unauthorized", "imports need a token");
  if (ctx.role != Role::admin) throw Problem(403, "Forbidden", "only admins import files");
  for (const auto& [name, value] : ctx.params) {
    if (name != "kind" && name != "format" && name != "source" && name != "strict") {
      throw bad_request(fmt::format("unknown parameter '{}'", name));
    }
  }
  auto kind_it = ctx.params.find("kind");
  auto kind = kind_it == ctx.params.end() ? std::nullopt : importers::parse_kind(kind_it->second);
  if (!kind || (*kind != importers::ImportKind::opportunities && *kind != importers::ImportKind::places &&
                *kind != importers::ImportKind::needs)) {
    throw bad_request("kind: opportunities, places or needs");
  }
  std::string format = ctx.params.count("format") ? ctx.params.at("format") : "csv";
  static const std::vector<std::string> formats = {"csv", "geojson", "gpkg", "kml", "xlsx", "ods"};
  if (std::find(formats.begin(), formats.end(), format) == formats.end()) {
    throw bad_request("format: csv, geojson, gpkg, kml, xlsx or ods");
  }
  if (ctx.request.body.empty()) throw bad_request("the body is empty: send the file itself");
  std::string suffix = "." + format;
  std::string path =
      (std::filesystem::temp_directory_path() / ("terrier-upload-XXXXXX" + suffix)).string();
  int fd = mkstemps(path.data(), static_cast<int>(suffix.size()));
  if (fd < 0) throw Error("cannot store the upload");
  struct Remove {
    std::string p;
    ~Remove() { std::remove(p.c_str()); }
  } remove_upload{path};
  bool written = write(fd, ctx.request.body.data(), ctx.request.body.size()) ==
                 static_cast<ssize_t>(ctx.request.body.size());
  close(fd);
  if (!written) throw Error("cannot store the upload (disk full?)");

  importers::ImportOptions options;
  options.kind = *kind;
  options.file = path;
  options.source = ctx.params.count("source") ? ctx.params.at("source") : "api-" + ctx.who;
  options.strict = ctx.params.count("strict") && ctx.params.at("strict") == "true";
  options.user = ctx.who;
  auto conn = pool.acquire();
  importers::ImportReport report;
  try {
    report = importers::run_import(*conn, options);
  } catch (const ImportError& e) {
    std::string message = e.what();  // names the temporary file: name the upload instead
    for (auto at = message.find(path); at != std::string::npos; at = message.find(path)) {
      message.replace(at, path.size(), "upload");
    }
    throw Problem(422, "Unprocessable Entity", message);
  }
  nlohmann::json issues = nlohmann::json::array();
  for (const auto& i : report.issues) {
    issues.push_back({{report.position_name, i.position}, {"column", i.column}, {"value", i.value},
                      {"reason", i.reason},
                      {"type", i.kind == importers::RowIssue::Kind::rejected  ? "rejected"
                               : i.kind == importers::RowIssue::Kind::warning ? "warning"
                                                                                : "flagged"}});
  }
  nlohmann::json out = {{"summary", report.summary()}, {"committed", report.committed},
                        {"read", report.read}, {"inserted", report.inserted},
                        {"updated", report.updated}, {"unchanged", report.unchanged},
                        {"rejected", report.rejected}, {"issues", issues}};
  if (report.committed) {
    db::ImportStore audit(*conn);
    audit.record_audit(ctx.who, "import", importers::kind_name(*kind), std::nullopt, std::nullopt,
                       nlohmann::json{{"source", *options.source}, {"summary", report.summary()}}.dump());
    audit.commit();
  }
  Response r = json_response(out.dump());
  r.status = report.committed ? 200 : 422;
  return r;
}

// One building per collective over a territory, best total score.
Response assignment(Context& ctx, ConnectionPool& pool, const ServiceConfig& config) {
  for (const auto& [name, value] : ctx.params) {
    if (name != "territory") throw bad_request(fmt::format("unknown parameter '{}'", name));
  }
  auto it = ctx.params.find("territory");
  if (it == ctx.params.end()) throw bad_request("territory: a circle, EPCI, commune or département slug");
  auto conn = pool.acquire();
  db::MatchStore store(*conn);
  if (!store.territory_exists(it->second)) {
    throw bad_request(fmt::format("territory: no territory has the slug '{}'", it->second));
  }
  auto visible = readable_visibilities(ctx.role);
  std::vector<matching::Opportunity> opportunities;
  for (auto& o : store.available_opportunities(it->second)) {
    if (std::find(visible.begin(), visible.end(), o.visibility) != visible.end()) {
      opportunities.push_back(std::move(o));
    }
  }
  matching::MatchEngine engine(std::move(opportunities), config.matching);
  std::vector<matching::Match> pairs;
  for (const auto& n : store.active_needs(it->second)) {
    auto all = engine.matches_for_need(n);
    pairs.insert(pairs.end(), all.begin(), all.end());
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& m : matching::assign(pairs)) {
    out.push_back({{"need_id", m.need_id}, {"opportunity_id", m.opportunity_id},
                   {"score", m.score}, {"reliability", m.reliability}, {"reasons", m.reasons}});
  }
  return json_response(nlohmann::json{{"territory", it->second}, {"assignment", out}}.dump());
}

using Handler = std::function<Response(Context&, ConnectionPool&, const ServiceConfig&)>;

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  for (const auto& s : text::split_any(path, {"/"})) out.push_back(percent_decode(s));
  return out;
}

db::Collection collection_or_404(const std::string& id) {
  auto c = db::parse_collection(id);
  if (!c) throw not_found(fmt::format("no collection '{}'", id));
  return *c;
}

Response items(Context& ctx, ConnectionPool& pool, const ServiceConfig& config) {
  auto collection = collection_or_404(ctx.segments[2]);
  auto query = parse_items_query(collection, ctx.params, config.limits);
  query.role = ctx.role;
  auto conn = pool.acquire();
  if (query.filters.territory && !db::territory_known(*conn, *query.filters.territory)) {
    throw bad_request(fmt::format("territory: no circle, EPCI, commune or département '{}'",
                                  *query.filters.territory));
  }
  auto page = db::query_features(*conn, query);
  Response r = json_response(items_document(ctx.base_url, collection, query, ctx.params, page),
                             "application/geo+json");
  r.headers.emplace_back("Content-Crs", "<" + crs_uri(query.output_srid) + ">");
  return r;
}

Response item(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  auto collection = collection_or_404(ctx.segments[2]);
  int srid = 4326;
  for (const auto& [name, value] : ctx.params) {
    if (name == "crs") {
      srid = parse_crs("crs", value);
    } else if (name != "f") {
      throw bad_request(fmt::format("unknown parameter '{}' for an item", name));
    }
  }
  auto conn = pool.acquire();
  auto feature = db::feature_by_id(*conn, collection, ctx.role, ctx.segments[4], srid);
  if (!feature) throw not_found(fmt::format("no feature '{}' in {}", ctx.segments[4], ctx.segments[2]));
  Response r = json_response(item_document(ctx.base_url, collection, ctx.segments[4], *feature),
                             "application/geo+json");
  r.headers.emplace_back("Content-Crs", "<" + crs_uri(srid) + ">");
  return r;
}

// /tiles/{collection}/{z}/{x}/{y}.mvt with the items' filters.
Response tile(Context& ctx, ConnectionPool& pool, const ServiceConfig& config) {
  auto collection = collection_or_404(ctx.segments[1]);
  auto number = [](const std::string& s, const char* what) {
    if (s.empty() || s.size() > 8 || s.find_first_not_of("0123456789") != std::string::npos) {
      throw bad_request(fmt::format("{}: '{}' is not a tile coordinate", what, s));
    }
    return std::stoi(s);
  };
  std::string last = ctx.segments[4];
  if (last.size() < 5 || last.substr(last.size() - 4) != ".mvt") throw not_found("tiles end in .mvt");
  int z = number(ctx.segments[2], "z"), x = number(ctx.segments[3], "x"),
      y = number(last.substr(0, last.size() - 4), "y");
  if (z > 22 || x >= (1 << z) || y >= (1 << z)) {
    throw bad_request(fmt::format("tile {}/{}/{} does not exist", z, x, y));
  }
  auto params = ctx.params;
  for (const char* paging : {"limit", "offset", "bbox"}) {
    if (params.count(paging)) throw bad_request(fmt::format("{}: not used by tiles", paging));
  }
  auto query = parse_items_query(collection, params, config.limits);
  query.role = ctx.role;
  auto conn = pool.acquire();
  Response r;
  r.content_type = "application/vnd.mapbox-vector-tile";
  r.body = db::query_tile(*conn, query, z, x, y);
  return r;
}

Response healthz(Context&, ConnectionPool& pool, const ServiceConfig&) {
  auto conn = pool.acquire();
  db::ping(*conn);
  return json_response(R"({"status":"ok","database":"reachable"})");
}

std::string content_type_for(const std::filesystem::path& p) {
  static const std::map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json"}, {".png", "image/png"}, {".svg", "image/svg+xml"},
      {".pbf", "application/x-protobuf"}};
  auto it = types.find(p.extension().string());
  return it == types.end() ? "application/octet-stream" : it->second;
}

Response static_file(Context& ctx, ConnectionPool&, const ServiceConfig& config) {
  namespace fs = std::filesystem;
  fs::path rel;
  for (const auto& s : ctx.segments) {
    if (s == ".." || s == "." || s.find('\0') != std::string::npos) throw not_found("no such file");
    rel /= s;
  }
  if (rel.empty()) rel = "index.html";
  fs::path file = config.web_root / rel;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) throw not_found(fmt::format("no file '{}'", rel.string()));
  std::ifstream in(file, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  Response r = json_response(body.str(), "");
  r.content_type = content_type_for(file);
  r.headers.emplace_back("Cache-Control", rel == "index.html" ? "no-cache" : "public, max-age=300");
  return r;
}

// The one table of routes: method, path pattern, handler. Segments in
// braces match any one segment.
struct Route {
  const char* method;
  std::vector<const char*> pattern;
  Handler handler;
};

const std::vector<Route>& routes() {
  static const std::vector<Route> table = {
      {"GET", {"healthz"}, healthz},
      {"GET", {"ogcapi"}, [](Context& c, ConnectionPool&, const ServiceConfig&) {
         return json_response(landing_document(c.base_url));
       }},
      {"GET", {"ogcapi", "conformance"}, [](Context&, ConnectionPool&, const ServiceConfig&) {
         return json_response(conformance_document());
       }},
      {"GET", {"ogcapi", "api"}, [](Context& c, ConnectionPool&, const ServiceConfig& cfg) {
         return json_response(openapi_document(c.base_url, cfg.limits),
                              "application/vnd.oai.openapi+json;version=3.0");
       }},
      {"GET", {"ogcapi", "collections"}, [](Context& c, ConnectionPool& pool, const ServiceConfig&) {
         auto conn = pool.acquire();
         return json_response(collections_document(c.base_url, *conn, c.role));
       }},
      {"GET", {"ogcapi", "collections", "{}"},
       [](Context& c, ConnectionPool& pool, const ServiceConfig&) {
         auto collection = collection_or_404(c.segments[2]);
         auto conn = pool.acquire();
         return json_response(collection_document(c.base_url, *conn, collection, c.role));
       }},
      {"GET", {"ogcapi", "collections", "{}", "items"}, items},
      {"GET", {"ogcapi", "collections", "{}", "items", "{}"}, item},
      {"GET", {"tiles", "{}", "{}", "{}", "{}"}, tile},
      {"GET", {"api", "needs", "{}", "matches"}, need_matches},
      {"GET", {"api", "opportunities", "{}", "matches"}, opportunity_matches},
      {"PATCH", {"api", "matches", "{}"}, patch_match},
      {"GET", {"api", "assignment"}, assignment},
      {"GET", {"api", "territories", "{}", "export"}, export_territory},
      {"POST", {"api", "imports"}, import_file},
      {"POST", {"api", "opportunities"}, create_row},
      {"POST", {"api", "needs"}, create_row},
      {"PATCH", {"api", "opportunities", "{}"}, update_row},
      {"PATCH", {"api", "needs", "{}"}, update_row},
      {"DELETE", {"api", "opportunities", "{}"}, delete_row},
      {"DELETE", {"api", "needs", "{}"}, delete_row},
  };
  return table;
}

bool matches(const Route& route, const Context& ctx) {
  if (route.pattern.size() != ctx.segments.size()) return false;
  for (std::size_t i = 0; i < route.pattern.size(); ++i) {
    if (std::string(route.pattern[i]) != "{}" && route.pattern[i] != ctx.segments[i]) return false;
  }
  return true;
}

void authenticate(const Request& request, ConnectionPool& pool, Context& ctx) {
  auto it = request.headers.find("authorization");
  if (it == request.headers.end()) return;
  static const std::regex bearer(R"(^Bearer ([A-Za-z0-9_\-]{1,200})$)");
  std::smatch m;
  if (!std::regex_match(it->second, m, bearer)) {
    throw Problem(401, "Unauthorized", "the Authorization header must be 'Bearer <token>'");
  }
  auto conn = pool.acquire();
  auto token = db::find_token(*conn, m[1].str());
  if (!token) throw Problem(401, "Unauthorized", "unknown or revoked token");
  ctx.role = token->role;
  ctx.who = token->name;
  ctx.territory = token->territory_slug;
}

void add_cache_headers(const Request& request, Response& r) {
  if (r.status != 200 || !r.file.empty()) return;
  std::string etag = "\"" + sha256_hex(r.body).substr(0, 32) + "\"";
  r.headers.emplace_back("ETag", etag);
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

}  // namespace

void ServiceConfig::validate() const {
  if (limits.default_limit == 0 || limits.default_limit > limits.max_limit) {
    throw ConfigError("the default limit must be between 1 and the maximum limit");
  }
}

Service::Service(ServiceConfig config, ConnectionPool& pool) : config_(std::move(config)), pool_(pool) {
  config_.validate();
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
  try {
    if (draining_) throw Problem(503, "Service Unavailable", "the server is shutting down");
    if (request.body.size() > config_.max_body_bytes) {
      throw Problem(413, "Payload Too Large",
                    fmt::format("the body is larger than {} bytes", config_.max_body_bytes));
    }
    Context ctx{request, split_path(request.path), parse_query(request.query), Role::anonymous, "", "public", {}};
    auto host = request.headers.find("host");
    ctx.base_url = "http://" + (host == request.headers.end() ? std::string("localhost") : host->second);
    const Route* found = nullptr;
    bool path_known = false;
    for (const auto& route : routes()) {
      if (matches(route, ctx)) {
        path_known = true;
        if (request.method == route.method) found = &route;
      }
    }
    if (!found && path_known) throw Problem(405, "Method Not Allowed", request.method + " is not allowed here");
    if (found) {
      route_label.clear();
      for (const char* s : found->pattern) route_label += std::string("/") + s;
    }
    if (request.method == "GET" && ctx.segments.size() == 1 && ctx.segments[0] == "metrics") {
      Response m;
      m.content_type = "text/plain; version=0.0.4";
      m.body = metrics_.render(pool_.in_use(), pool_.size(), in_flight_.load());
      return m;
    }
    authenticate(request, pool_, ctx);
    if (found) {
      response = found->handler(ctx, pool_, config_);
    } else if (request.method == "GET" &&
               (ctx.segments.empty() ||
                (ctx.segments[0] != "ogcapi" && ctx.segments[0] != "api" && ctx.segments[0] != "tiles"))) {
      response = static_file(ctx, pool_, config_);
    } else {
      throw not_found(fmt::format("no resource at {}", request.path));
    }
    add_cache_headers(request, response);
  } catch (const Problem& p) {
    response = problem_response(p.status(), p.title(), p.what());
  } catch (const DatabaseUnavailable& e) {
    response = problem_response(503, "Service Unavailable", "the database is not reachable; try again");
    response.headers.emplace_back("Retry-After", "2");
  } catch (const pqxx::broken_connection& e) {
    response = problem_response(503, "Service Unavailable", "the database connection was lost; try again");
    response.headers.emplace_back("Retry-After", "2");
  } catch (const std::exception& e) {
    log::error("{} {}: {}", request.method, request.path, first_line(e.what()));
    response = problem_response(500, "Internal Server Error", "the request failed; it was logged");
  }
  metrics_.record(route_label, response.status,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return response;
}

}  // namespace terrier::api
