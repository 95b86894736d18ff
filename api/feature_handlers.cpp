#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "api/edit_rights.hpp"
#include "api/etag.hpp"
#include "api/field_problem.hpp"
#include "api/handlers.hpp"
#include "api/ogc.hpp"
#include "api/replicas.hpp"
#include "api/tile_service.hpp"
#include "core/error.hpp"
#include "core/map_style.hpp"
#include "core/roles.hpp"
#include "core/vocabulary.hpp"
#include "db/connection.hpp"
#include "db/feature_store.hpp"
#include "importers/field_table.hpp"

namespace terrier::api {

Response json_response(std::string body, const char* type) {
  Response r;
  r.content_type = type;
  r.body = std::move(body);
  return r;
}

Response problem_response(int status, const std::string& title, const std::string& detail,
                          const std::string& extensions) {
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = problem_json(status, title, detail, extensions);
  return r;
}

long long id_or_404(const std::string& s, const char* what) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) {
    throw not_found(fmt::format("no {} '{}'", what, s));
  }
  return std::stoll(s);
}
Response created(const nlohmann::json& body) {
  Response r = json_response(body.dump());
  r.status = 201;
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response no_content() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

long long require_person(const Context& ctx) {
  if (ctx.role == Role::anonymous) throw Problem(401, "Unauthorized", "Connectez-vous d'abord.");
  if (!ctx.user_id) {
    throw Problem(403, "Forbidden",
                  "Ce jeton n'appartient à personne : connectez-vous avec un compte.");
  }
  return *ctx.user_id;
}

db::Collection collection_or_404(const std::string& id) {
  auto c = db::parse_collection(id);
  if (!c) throw not_found(fmt::format("no collection '{}'", id));
  return *c;
}

namespace {

std::string content_type_for(const std::filesystem::path& p) {
  static const std::map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".png", "image/png"},
      {".svg", "image/svg+xml"},
      {".pbf", "application/x-protobuf"}};
  auto it = types.find(p.extension().string());
  return it == types.end() ? "application/octet-stream" : it->second;
}

}  // namespace

Response items(Context& ctx, ConnectionPool& pool, const ServiceConfig& config) {
  auto collection = collection_or_404(ctx.segments[2]);
  auto query = parse_items_query(collection, ctx.params, config.limits);
  query.role = ctx.role;
  if (auto refusal = db::query_refusal(query))
    throw field_error(refusal->parameter, refusal->detail);
  if (collection == db::Collection::opportunities && ctx.tiles) {
    query.snapshot = ctx.tiles->snapshot();
  }
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

Response item(Context& ctx, ConnectionPool& pool, const ServiceConfig& config) {
  auto collection = collection_or_404(ctx.segments[2]);
  const int srid = parse_item_params(ctx.params).srid;
  auto conn = pool.acquire();
  auto feature = db::feature_by_id(*conn, collection, ctx.role, ctx.segments[4], srid,
                                   config.limits.reverify_months);
  if (!feature)
    throw not_found(fmt::format("no feature '{}' in {}", ctx.segments[4], ctx.segments[2]));
  Response r = json_response(
      item_document(ctx.base_url, collection, ctx.segments[4],
                    with_edit_rights(ctx, *conn, collection, ctx.segments[4], *feature)),
      "application/geo+json");
  r.headers.emplace_back("Content-Crs", "<" + crs_uri(srid) + ">");
  if (auto etag = item_etag(*conn, collection, ctx.segments[4], ctx.role); etag && srid == 4326) {
    r.headers.emplace_back("ETag", *etag);  // the one PATCH and DELETE take in If-Match
  }
  return r;
}

// /tiles/{collection}/{z}/{x}/{y}.mvt with the items' filters.
Response tile(Context& ctx, ConnectionPool& pool, const ServiceConfig& config) {
  auto collection = collection_or_404(ctx.segments[1]);
  const std::string& last = ctx.segments[4];
  if (last.size() < 5 || last.substr(last.size() - 4) != ".mvt")
    throw not_found("tiles end in .mvt");
  auto tile = parse_tile_params(collection, ctx.segments[2], ctx.segments[3],
                                last.substr(0, last.size() - 4), ctx.params, config.limits);
  tile.query.role = ctx.role;
  Response r;
  r.content_type = "application/vnd.mapbox-vector-tile";
  if (!ctx.tiles) {
    auto conn = pool.acquire();
    r.body = db::query_tile(*conn, tile.query, tile.z, tile.x, tile.y);
    return r;
  }
  // The cache's key: the tile, its filters in one order, what the role may
  // read (roles that read the same visibilities share their tiles) and the
  // day (to_reverify moves with it).
  std::string key =
      fmt::format("{}/{}/{}/{}?", db::collection_name(collection), tile.z, tile.x, tile.y);
  for (const auto& [name, value] : ctx.params) key += name + "=" + value + "&";
  for (const auto& v : readable_visibilities(ctx.role)) key += "|" + v;
  key += fmt::format("|{}", std::chrono::duration_cast<std::chrono::days>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
  std::string etag = ctx.tiles->etag(key);
  r.headers.emplace_back("ETag", etag);
  auto inm = ctx.request.headers.find("if-none-match");
  if (inm != ctx.request.headers.end() && inm->second == etag) {
    r.status = 304;  // nothing computed, nothing read
    r.headers.emplace_back("Cache-Control", "no-cache");
    return r;
  }
  r.body = *ctx.tiles->tile(pool, tile.query, tile.z, tile.x, tile.y, key);
  return r;
}

Response healthz(Context& ctx, ConnectionPool& pool, const ServiceConfig&) {
  auto conn = pool.acquire();
  db::ping(*conn);
  if (!ctx.replicas) return json_response(R"({"status":"ok","database":"reachable"})");
  // The replicas' states as the checker last saw them: /healthz asks no
  // replica itself, so a balancer's checks cost the primary one ping.
  return json_response(fmt::format(
      R"({{"status":"ok","database":"reachable","primary":{{"state":"up"}},"replicas":{}}})",
      ctx.replicas->health_json()));
}

namespace {
std::vector<std::string> values_of(vocabulary::Values values) {
  return {values.begin(), values.end()};
}

// Stored values whose label differs ("bcus" reads "BCUS"), and what an
// acronym stands for.
nlohmann::ordered_json vocabulary_labels() {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& domain : vocabulary::kDomains) {
    for (std::string_view v : domain.values) {
      if (vocabulary::label(v) != v) out[std::string(v)] = std::string(vocabulary::label(v));
    }
  }
  return out;
}

nlohmann::ordered_json vocabulary_descriptions() {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& domain : vocabulary::kDomains) {
    for (std::string_view v : domain.values) {
      if (!vocabulary::description(v).empty()) {
        out[std::string(v)] = std::string(vocabulary::description(v));
      }
    }
  }
  return out;
}

// The field catalogue (importers/field_table.cpp) as the page builds its
// forms, panels, lists and import report from it: per entity, its fields in
// order, and per import kind every field's label.
nlohmann::ordered_json page_fields() {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const char* entity : importers::page_entities()) {
    auto& list = out[entity] = nlohmann::ordered_json::array();
    for (const auto& f : importers::page_fields(entity)) {
      list.push_back(nlohmann::ordered_json{{"name", f.field},
                                            {"label", f.label},
                                            {"labelled", importers::labelled(f)},
                                            {"unit", f.unit},
                                            {"control", importers::control_name(f.control)},
                                            {"vocabulary", f.vocabulary},
                                            {"required", f.required},
                                            {"panel", f.panel},
                                            {"maxlength", f.maxlength},
                                            {"placeholder", f.placeholder},
                                            {"confidential", confidential_field(entity, f.field)}});
    }
  }
  return out;
}

nlohmann::ordered_json import_labels() {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (auto kind : {importers::ImportKind::opportunities, importers::ImportKind::needs,
                    importers::ImportKind::places, importers::ImportKind::requests}) {
    auto& labels = out[importers::kind_name(kind)] = nlohmann::ordered_json::object();
    for (const auto& f : importers::table_for(kind)) {
      labels[f.field] = importers::form_label(kind, f.field);
    }
    if (kind != importers::ImportKind::requests)
      labels["row_source"] = importers::form_label(kind, "row_source");
  }
  return out;
}

template <std::size_t N, typename T>
nlohmann::ordered_json by_value(const std::array<std::string_view, N>& values,
                                const std::array<T, N>& styles) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < N; ++i) out[std::string(values[i])] = styles[i];
  return out;
}

// How the map draws the vocabularies (core/map_style.hpp).
nlohmann::ordered_json map_styles() {
  nlohmann::ordered_json statuses = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < vocabulary::kOpportunityStatuses.size(); ++i) {
    const auto& s = map_style::kStatusStyles[i];
    statuses[std::string(vocabulary::kOpportunityStatuses[i])] = {{"opacity", s.opacity},
                                                                  {"stroke", s.stroke},
                                                                  {"stroke_width", s.stroke_width},
                                                                  {"legend", s.legend}};
  }
  nlohmann::ordered_json needs = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < vocabulary::kNeedStatuses.size(); ++i) {
    needs[std::string(vocabulary::kNeedStatuses[i])] = {
        {"fill_opacity", map_style::kNeedFillOpacity[i]}};
  }
  return {{"kind_colors", by_value(vocabulary::kOpportunityKinds, map_style::kKindColors)},
          {"tenure_colors", by_value(vocabulary::kTenures, map_style::kTenureColors)},
          {"opportunity_statuses", statuses},
          {"need_statuses", needs},
          {"layer_colors",
           {{"circle", map_style::kCircleColor},
            {"place", map_style::kPlaceColor},
            {"need", map_style::kNeedColor},
            {"match", map_style::kMatchColor},
            {"cluster", map_style::kClusterColor},
            {"other", map_style::kOtherColor}}}};
}
}  // namespace

// What the page needs before drawing: the French vocabularies of its filters
// and legend, and the optional basemap.
Response map_config(Context&, ConnectionPool&, const ServiceConfig& config) {
  nlohmann::ordered_json vocabularies = nlohmann::ordered_json::object();
  for (const auto& domain : vocabulary::kDomains) {
    vocabularies[std::string(domain.list_name)] = values_of(domain.values);
  }
  for (const auto& list : vocabulary::kReadLists) {
    vocabularies[std::string(list.list_name)] = values_of(list.values);
  }
  nlohmann::ordered_json j = {
      {"vocabularies", vocabularies},
      {"labels", vocabulary_labels()},
      {"descriptions", vocabulary_descriptions()},
      {"fields", page_fields()},
      {"import_labels", import_labels()},
      {"styles", map_styles()},
      {"basemap", basemap_json(config.basemap)},
      {"cluster_max_zoom", config.cluster_max_zoom},
      {"geocoder", config.geocoder_url.empty() ? nlohmann::ordered_json()
                                               : nlohmann::ordered_json(config.geocoder_url)}};
  return json_response(j.dump());
}

Response static_file(Context& ctx, ConnectionPool&, const ServiceConfig& config) {
  namespace fs = std::filesystem;
  fs::path rel;
  for (const auto& s : ctx.segments) {
    // Segments are percent-decoded: "%2F" must not make one absolute or
    // climb out of the web root; no hidden files either.
    if (s.empty() || s[0] == '.' || s.find_first_of(std::string("/\\\0", 3)) != std::string::npos) {
      throw not_found("no such file");
    }
    rel /= s;
  }
  if (rel.empty()) rel = "index.html";
  std::error_code ec;
  fs::path root = fs::weakly_canonical(config.web_root, ec);
  fs::path file = fs::weakly_canonical(root / rel, ec);
  auto [r_end, f_it] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  if (ec || r_end != root.end() || !fs::is_regular_file(file, ec)) throw not_found("no such file");
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
}  // namespace terrier::api
