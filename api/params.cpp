#include "api/params.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <memory>
#include <utility>

#include "api/field_problem.hpp"
#include "api/problem.hpp"
#include "core/text.hpp"
#include "core/vocabulary.hpp"
#include "db/cql2.hpp"
#include "importers/fields.hpp"

namespace terrier::api {
namespace {

// An importer parser's refusal in French (none for a blank value).
std::string refusal(const std::optional<importers::Reason>& reason) {
  return reason ? importers::french(*reason) : std::string("valeur vide");
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

double parse_double(const std::string& name, const std::string& value) {
  double v = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(v)) {
    throw bad_request(fmt::format("{}: '{}' is not a number", name, value));
  }
  return v;
}

std::size_t parse_count(const std::string& name, const std::string& value, std::size_t max) {
  std::size_t v = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size()) {
    throw bad_request(fmt::format("{}: '{}' is not a whole number", name, value));
  }
  if (v > max) throw bad_request(fmt::format("{}: {} is more than the maximum {}", name, v, max));
  return v;
}

std::array<double, 4> parse_bbox(const std::string& value, int srid) {
  auto parts = text::split_any(value, {","});
  if (parts.size() != 4) {
    throw bad_request("bbox: expected 4 numbers minX,minY,maxX,maxY (lon/lat unless bbox-crs)");
  }
  std::array<double, 4> b{};
  for (int i = 0; i < 4; ++i) b[i] = parse_double("bbox", parts[i]);
  if (srid != 4326) {
    if (b[0] > b[2] || b[1] > b[3])
      throw bad_request("bbox: each minimum must be at most its maximum");
    // Lambert-93 is defined over metropolitan France: far outside, PROJ
    // cannot transform the box back to lon/lat.
    if (b[0] < -1'000'000 || b[2] > 2'500'000 || b[1] < 5'000'000 || b[3] > 8'000'000) {
      throw bad_request(
          "bbox: Lambert-93 coordinates must lie in x [-1000000, 2500000], "
          "y [5000000, 8000000] metres");
    }
    return b;
  }
  if (b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 || b[0] > b[2] || b[1] > b[3]) {
    throw bad_request(
        "bbox: longitudes must be in [-180, 180], latitudes in [-90, 90], "
        "and each minimum at most its maximum");
  }
  return b;
}

std::vector<std::string> terms(const std::string& name, const std::string& value,
                               const importers::Vocabulary& vocabulary) {
  std::vector<std::string> out;
  for (const auto& piece : text::split_any(value, {","})) {
    auto p = vocabulary.parse(piece);
    if (!p.ok() || !p.value) throw bad_request(fmt::format("{}: {}", name, refusal(p.error)));
    out.push_back(*p.value);
  }
  return out;
}

// Parameters that take a comma-separated list of values.
const std::vector<std::string> kListParameters = {"kind", "tenure", "status", "level", "layers"};

const std::vector<std::string> kCommon = {"bbox", "bbox-crs", "crs", "limit", "offset", "f"};

// A property's name as sortby and properties take it.
bool property_name(std::string_view s) {
  if (s.empty() || s.size() > 64 ||
      !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// "-built_surface_m2,title": each key a property, "-" before it for a
// descending order, "+" (or the space a '+' decodes to) for an ascending one.
std::vector<db::SortKey> parse_sortby(const std::string& value) {
  std::vector<db::SortKey> out;
  for (const auto& piece : text::split_any(value, {","})) {
    std::string key = text::trim(piece);
    db::SortKey k;
    if (!key.empty() && (key[0] == '-' || key[0] == '+')) {
      k.descending = key[0] == '-';
      key = text::trim(key.substr(1));
    }
    if (!property_name(key)) {
      throw field_error("sortby", fmt::format("sortby : « {} » n'est pas un nom de propriété (par "
                                              "exemple sortby=-built_surface_m2,title)",
                                              db::cql2::clip(piece, 80)));
    }
    k.property = key;
    out.push_back(std::move(k));
  }
  if (out.empty() || out.size() > kMaxSortKeys) {
    throw field_error("sortby", fmt::format("sortby : de 1 à {} propriétés", kMaxSortKeys));
  }
  return out;
}

// "title,kind": the properties each feature keeps ("" keeps none).
std::vector<std::string> parse_property_names(const std::string& value) {
  std::vector<std::string> out;
  if (value.empty()) return out;
  for (const auto& piece : text::split_any(value, {","})) {
    std::string name = text::trim(piece);
    if (!property_name(name)) {
      throw field_error("properties", fmt::format("properties : « {} » n'est pas un nom de "
                                                  "propriété",
                                                  db::cql2::clip(piece, 80)));
    }
    out.push_back(name);
  }
  if (out.size() > 100) throw field_error("properties", "properties : au plus 100 propriétés");
  return out;
}

// filter, filter-lang and filter-crs: the CQL2 filter's tree.
std::shared_ptr<const db::cql2::Node> parse_filter(
    const std::map<std::string, std::string>& params) {
  auto find = [&](const char* name) -> const std::string* {
    auto it = params.find(name);
    return it == params.end() ? nullptr : &it->second;
  };
  const std::string* lang = find("filter-lang");
  if (lang && *lang != "cql2-text" && *lang != "cql2-json") {
    throw field_error("filter-lang", fmt::format("filter-lang : « {} » n'est pas cql2-text ni "
                                                 "cql2-json",
                                                 db::cql2::clip(*lang, 80)));
  }
  if (const std::string* crs = find("filter-crs"); crs && *crs != kCrs84) {
    throw field_error("filter-crs", fmt::format("filter-crs : les géométries d'un filtre sont en "
                                                "{}",
                                                kCrs84));
  }
  const std::string* filter = find("filter");
  if (!filter) return nullptr;
  auto parsed =
      lang && *lang == "cql2-json" ? db::cql2::parse_json(*filter) : db::cql2::parse_text(*filter);
  if (!parsed.filter) throw field_error("filter", parsed.error);
  return std::make_shared<const db::cql2::Node>(std::move(*parsed.filter));
}

}  // namespace

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) throw bad_request("malformed %-escape in the URL");
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) throw bad_request("malformed %-escape in the URL");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  if (!text::is_valid_utf8(out)) throw bad_request("the URL is not valid UTF-8");
  return out;
}

int parse_crs(const std::string& name, const std::string& uri) {
  if (uri == kCrs84) return 4326;
  if (uri == kLambert93) return 2154;
  throw bad_request(
      fmt::format("{}: '{}' is not served ({} or {})", name, uri, kCrs84, kLambert93));
}

std::string crs_uri(int srid) {
  return srid == 2154 ? kLambert93 : kCrs84;
}

std::map<std::string, std::string> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  for (const auto& pair : text::split_any(query, {"&"})) {
    auto eq = pair.find('=');
    std::string name = percent_decode(pair.substr(0, eq));
    std::string value = eq == std::string::npos ? "" : percent_decode(pair.substr(eq + 1));
    if (name.find('\0') != std::string::npos || value.find('\0') != std::string::npos) {
      throw bad_request(
          fmt::format("{}: the URL holds a NUL byte (%00)", name.substr(0, name.find('\0'))));
    }
    auto [it, inserted] = out.emplace(name, value);
    if (inserted) continue;
    // A repeated list filter means any of its values, as a comma list does;
    // any other parameter given twice is refused, never reduced to one.
    if (std::find(kListParameters.begin(), kListParameters.end(), name) == kListParameters.end()) {
      throw bad_request(fmt::format("{}: given more than once", name));
    }
    it->second += "," + value;
  }
  return out;
}

const std::vector<std::string>& filter_names(db::Collection collection) {
  static const std::vector<std::string> opportunities = {
      "kind",      "tenure",           "status",    "surface_min", "surface_max", "rent_max",
      "price_max", "available_before", "territory", "q",           "to_reverify"};
  static const std::vector<std::string> places = {"kind", "territory", "competence", "q"};
  static const std::vector<std::string> needs = {"status", "territory", "q"};
  static const std::vector<std::string> territories = {"level", "q"};
  switch (collection) {
    case db::Collection::opportunities:
      return opportunities;
    case db::Collection::places:
      return places;
    case db::Collection::needs:
      return needs;
    case db::Collection::territories:
      return territories;
  }
  return opportunities;
}

db::FeatureQuery parse_items_query(db::Collection collection,
                                   const std::map<std::string, std::string>& params,
                                   const Limits& limits) {
  db::FeatureQuery q;
  q.collection = collection;
  q.limit = limits.default_limit;
  q.exact_count_limit = limits.exact_count_limit;
  q.exact_count_cost = limits.exact_count_cost;
  q.reverify_months = limits.reverify_months;
  const auto& filters = filter_names(collection);
  for (const auto& [name, value] : params) {
    bool known = std::find(kCommon.begin(), kCommon.end(), name) != kCommon.end() ||
                 std::find(kPart3Parameters.begin(), kPart3Parameters.end(), name) !=
                     kPart3Parameters.end() ||
                 std::find(filters.begin(), filters.end(), name) != filters.end();
    if (!known) {
      throw bad_request(
          fmt::format("unknown parameter '{}' for {}", name, db::collection_name(collection)));
    }
  }
  auto get = [&](const char* name) -> const std::string* {
    auto it = params.find(name);
    return it == params.end() ? nullptr : &it->second;
  };
  if (auto v = get("f"); v && *v != "json" && *v != "geojson") {
    throw bad_request(fmt::format("f: '{}' is not served (json)", *v));
  }
  if (auto v = get("crs")) q.output_srid = parse_crs("crs", *v);
  if (auto v = get("bbox-crs")) q.bbox_srid = parse_crs("bbox-crs", *v);
  if (auto v = get("bbox")) q.bbox = parse_bbox(*v, q.bbox_srid);
  if (auto v = get("limit")) {
    q.limit = parse_count("limit", *v, limits.max_limit);
    if (q.limit == 0) throw bad_request("limit: must be at least 1");
  }
  if (auto v = get("offset")) q.offset = parse_count("offset", *v, 100'000'000);
  q.cql2_filter = parse_filter(params);
  if (auto v = get("sortby")) q.sortby = parse_sortby(*v);
  if (auto v = get("properties")) q.properties = parse_property_names(*v);
  if (auto v = get("skipGeometry")) {
    if (*v != "true" && *v != "false") {
      throw field_error("skipGeometry", "skipGeometry : true ou false");
    }
    q.skip_geometry = *v == "true";
  }
  if (auto v = get("maxAllowableOffset")) {
    double d = parse_double("maxAllowableOffset", *v);
    if (!(d >= 0 && d <= kMaxAllowableOffset)) {
      throw field_error("maxAllowableOffset",
                        "maxAllowableOffset : une distance entre 0 et 10000, dans les unités du "
                        "système de coordonnées de la réponse (degrés en CRS84, mètres en "
                        "Lambert-93)");
    }
    q.max_allowable_offset = d;
  }

  auto& f = q.filters;
  bool opps = collection == db::Collection::opportunities;
  if (auto v = get("kind")) {
    f.kinds = terms("kind", *v, opps ? importers::opportunity_kinds() : importers::place_kinds());
  }
  if (auto v = get("tenure")) f.tenures = terms("tenure", *v, importers::tenures());
  if (auto v = get("status")) {
    f.statuses =
        terms("status", *v, opps ? importers::opportunity_statuses() : importers::need_statuses());
  }
  if (auto v = get("level")) {
    for (const auto& l : text::split_any(*v, {","})) {
      if (std::find(kTerritoryLevels.begin(), kTerritoryLevels.end(), l) ==
          kTerritoryLevels.end()) {
        throw bad_request(
            fmt::format("level: '{}' is not circle, epci, commune or departement", l));
      }
      f.levels.push_back(l);
    }
  }
  if (auto v = get("surface_min")) f.surface_min = parse_double("surface_min", *v);
  if (auto v = get("surface_max")) f.surface_max = parse_double("surface_max", *v);
  if (auto v = get("rent_max")) f.rent_max = parse_double("rent_max", *v);
  if (auto v = get("price_max")) f.price_max = parse_double("price_max", *v);
  if (auto v = get("available_before")) {
    auto d = importers::parse_date(*v);
    if (!d.ok() || !d.value) throw bad_request("available_before: " + refusal(d.error));
    f.available_before = d.value->iso();
  }
  if (auto v = get("territory")) f.territory = text::trim(*v);
  if (auto v = get("competence")) f.competence = text::trim(*v);
  if (auto v = get("to_reverify")) {
    if (*v != "true" && *v != "false") throw bad_request("to_reverify: true or false");
    f.to_reverify = *v == "true";
  }
  if (auto v = get("q")) {
    if (v->size() > kMaxSearchBytes) {
      throw bad_request(fmt::format("q: at most {} characters", kMaxSearchBytes));
    }
    f.q = text::trim(*v);
  }
  return q;
}

ItemParams parse_item_params(const std::map<std::string, std::string>& params) {
  ItemParams out;
  for (const auto& [name, value] : params) {
    if (name == "crs") {
      out.srid = parse_crs("crs", value);
    } else if (name != "f") {
      throw bad_request(fmt::format("unknown parameter '{}' for an item", name));
    }
  }
  return out;
}

TileParams parse_tile_params(db::Collection collection, const std::string& z, const std::string& x,
                             const std::string& y, const std::map<std::string, std::string>& params,
                             const Limits& limits) {
  auto number = [](const std::string& s, const char* what) {
    if (s.empty() || s.size() > 8 || s.find_first_not_of("0123456789") != std::string::npos) {
      throw bad_request(fmt::format("{}: '{}' is not a tile coordinate", what, s));
    }
    return std::stoi(s);
  };
  TileParams out;
  out.z = number(z, "z");
  out.x = number(x, "x");
  out.y = number(y, "y");
  if (out.z > 22 || out.x >= (1 << out.z) || out.y >= (1 << out.z)) {
    throw bad_request(fmt::format("tile {}/{}/{} does not exist", out.z, out.x, out.y));
  }
  for (const char* paging : {"limit", "offset", "bbox"}) {
    if (params.count(paging)) throw bad_request(fmt::format("{}: not used by tiles", paging));
  }
  for (const auto& name : kPart3Parameters) {
    if (params.count(name)) {
      throw field_error(name, fmt::format("{} : réservé aux pages d'objets (/ogcapi/collections/"
                                          "{{id}}/items), pas aux tuiles",
                                          name));
    }
  }
  out.query = parse_items_query(collection, params, limits);
  return out;
}

ExportRequest parse_export_params(const std::string& territory,
                                  std::map<std::string, std::string> params, const Limits& limits) {
  ExportRequest out;
  out.territory = territory;
  std::string format = params.count("format") ? params["format"] : "geojson";
  std::string layers = params.count("layers") ? params["layers"] : "";
  params.erase("format");
  params.erase("layers");
  for (const auto& name : kPart3Parameters) {
    if (params.count(name)) {
      throw field_error(name, fmt::format("{} : réservé aux pages d'objets (/ogcapi/collections/"
                                          "{{id}}/items), pas aux exports",
                                          name));
    }
  }
  parse_export_options(format, layers, out);
  out.filters = parse_items_query(db::Collection::opportunities, params, limits).filters;
  return out;
}

WhiteZoneParams parse_white_zone_params(const std::map<std::string, std::string>& params) {
  WhiteZoneParams out;
  for (const auto& [name, value] : params) {
    if (name == "distance_km") {
      std::string v = value;
      std::replace(v.begin(), v.end(), ',', '.');
      double d = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
      if (v.empty() || ec != std::errc() || end != v.data() + v.size() || !std::isfinite(d) ||
          d < 0.5 || d > 100) {
        throw field_error("distance_km",
                          fmt::format("« {} » : une distance en kilomètres, de 0,5 à 100", value));
      }
      out.distance_km = d;
    } else if (name == "format") {
      // A copy: clang 14 (the fuzzers' build) captures no structured binding.
      const std::string format = value;
      if (std::find_if(kWhiteZoneFormats.begin(), kWhiteZoneFormats.end(),
                       [&](const char* f) { return format == f; }) == kWhiteZoneFormats.end()) {
        throw field_error("format",
                          fmt::format("« {} » : geojson, csv, gpkg, kml, xlsx ou ods", value));
      }
      out.format = value;
    } else {
      throw bad_request(fmt::format("unknown parameter '{}' (distance_km, format)", name));
    }
  }
  return out;
}

DashboardParams parse_dashboard_params(const std::map<std::string, std::string>& params) {
  DashboardParams out;
  for (const auto& [name, value] : params) {
    if (name != "format") throw bad_request(fmt::format("unknown parameter '{}' (format)", name));
    if (value != "json" && value != "csv") {
      throw field_error("format", fmt::format("« {} » : json ou csv", value));
    }
    out.format = value;
  }
  return out;
}

AssignmentParams parse_assignment_params(const std::map<std::string, std::string>& params) {
  for (const auto& [name, value] : params) {
    if (name != "territory") throw bad_request(fmt::format("unknown parameter '{}'", name));
  }
  auto it = params.find("territory");
  if (it == params.end()) {
    throw bad_request("territory: a circle, EPCI, commune or département slug");
  }
  return {it->second};
}

db::FollowupQuery parse_followup_params(const std::map<std::string, std::string>& params) {
  db::FollowupQuery query;
  const auto& statuses = vocabulary::kMatchStatuses;
  for (const auto& [name, value] : params) {
    if (name == "circle") {
      query.circle = value;
    } else if (name == "status") {
      for (auto& s : text::split_any(value, {","})) {
        if (std::find(statuses.begin(), statuses.end(), s) == statuses.end()) {
          throw field_error("status",
                            fmt::format("« {} » n'est pas un suivi : proposé, contacté, visite, "
                                        "accord, refusé ou abandonné",
                                        s));
        }
        query.statuses.push_back(s);
      }
    } else if (name == "limit") {
      if (value.empty() || value.size() > 5 ||
          value.find_first_not_of("0123456789") != std::string::npos || std::stoul(value) == 0 ||
          std::stoul(value) > 5000) {
        throw field_error("limit", "limit est un nombre entre 1 et 5000");
      }
      query.limit = std::stoul(value);
    } else {
      throw bad_request(fmt::format("unknown parameter '{}'", name));
    }
  }
  return query;
}

namespace {

std::string date_param(const char* name, const std::string& value) {
  auto d = importers::parse_date(value);
  if (!d.ok() || !d.value)
    throw field_error(name, fmt::format("{} : une date comme 2025-03-12", name));
  return d.value->iso();
}

std::size_t count_param(const char* name, const std::string& value, std::size_t max) {
  if (value.empty() || value.size() > 9 ||
      value.find_first_not_of("0123456789") != std::string::npos || std::stoul(value) > max) {
    throw field_error(name, fmt::format("{} : un nombre entre 0 et {}", name, max));
  }
  return std::stoul(value);
}

// "ouverte,close": each value one of `values`.
template <typename Values>
std::vector<std::string> vocabulary_list(const char* name, const std::string& value,
                                         const Values& values) {
  std::vector<std::string> out;
  for (auto& v : text::split_any(value, {","})) {
    if (std::find(values.begin(), values.end(), v) == values.end()) {
      std::string accepted;
      for (std::string_view a : values) accepted += (accepted.empty() ? "" : ", ") + std::string(a);
      throw field_error(
          name, fmt::format("{} : « {} » n'est pas l'une des valeurs {}", name, v, accepted));
    }
    out.push_back(v);
  }
  return out;
}

}  // namespace

RequestListParams parse_request_list_params(const std::map<std::string, std::string>& params,
                                            RequestListUse use) {
  RequestListParams out;
  auto& f = out.filter;
  const bool list = use == RequestListUse::list;
  for (const auto& [name, value] : params) {
    if (name == "status") {
      f.statuses = vocabulary_list("status", value, vocabulary::kRequestStatuses);
    } else if (name == "channel") {
      f.channels = vocabulary_list("channel", value, vocabulary::kRequestChannels);
    } else if (name == "circle") {
      f.circle = value;
    } else if (name == "from") {
      f.from = date_param("from", value);
    } else if (name == "to") {
      f.to = date_param("to", value);
    } else if (name == "q") {
      if (value.size() > 200) throw field_error("q", "q : au plus 200 caractères");
      f.q = text::trim(value);
    } else if (list && name == "limit") {
      f.limit = count_param("limit", value, 5000);
      if (f.limit == 0) throw field_error("limit", "limit : au moins 1");
    } else if (list && name == "offset") {
      f.offset = count_param("offset", value, 100'000'000);
    } else if (!list && name == "format") {
      if (value != "csv" && value != "xlsx" && value != "ods")
        throw field_error("format", "format : csv, xlsx ou ods");
      out.format = value;
    } else {
      throw bad_request(fmt::format("unknown parameter '{}'", name));
    }
  }
  if (f.q && f.q->empty()) f.q.reset();
  return out;
}

// A saved search's query: what the page wrote in its address. Its filters
// are the opportunities' items filters, read by the same parser; the page's
// other parameters (layers, colours, base map, the feature it showed) say
// nothing about which opportunities fit, and are kept but not read.
db::FeatureFilters parse_saved_query(std::string_view query, const Limits& limits) {
  if (!query.empty() && query.front() == '?') query.remove_prefix(1);
  const auto& names = filter_names(db::Collection::opportunities);
  std::map<std::string, std::string> filters;
  for (auto& [name, value] : parse_query(query)) {
    if (std::find(names.begin(), names.end(), name) != names.end()) filters[name] = value;
  }
  return parse_items_query(db::Collection::opportunities, filters, limits).filters;
}

}  // namespace terrier::api
