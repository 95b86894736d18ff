#pragma once

// Each route's parameters, parsed and validated into a struct before any
// database work: the features endpoints (items, item, tiles), the export,
// the assignment and the follow-up board. Unknown parameters are refused
// (400), and every refusal names its parameter.

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/export.hpp"
#include "db/feature_store.hpp"
#include "db/followup_store.hpp"
#include "db/request_store.hpp"

namespace terrier::api {

struct Limits {
  std::size_t default_limit = 100;
  std::size_t max_limit = 10000;
  long long exact_count_limit = 100000;  // numberMatched is estimated above
  double exact_count_cost = 5000;        // or when counting would cost more (db/feature_store.hpp)
  int reverify_months = db::kDefaultReverifyMonths;  // TERRIER_REVERIFY_MONTHS
};

// Percent-decoding of a URL component ('+' is a space); throws Problem 400
// on a malformed escape or invalid UTF-8.
std::string percent_decode(std::string_view s);

// Raw query string "a=1&b=2" -> decoded pairs. A repeated list filter
// (kind, tenure, status, level, layers) means any of its values
// ("kind=a&kind=b" is "kind=a,b"); any other repeated name is a 400.
std::map<std::string, std::string> parse_query(std::string_view query);

// Items parameters of one collection: bbox, limit, offset and the
// collection's filters. Throws Problem 400 naming the parameter.
db::FeatureQuery parse_items_query(db::Collection collection,
                                   const std::map<std::string, std::string>& params,
                                   const Limits& limits);

// A saved search's query (the page's query string, '?' optional): its
// opportunities' filters, read as the items read them; the page's own
// parameters (layers, color, …) are ignored. Throws Problem 400 like the items.
db::FeatureFilters parse_saved_query(std::string_view query, const Limits& limits);

// One item (/ogcapi/collections/{c}/items/{id}): its output CRS ("crs");
// "f" is the format, always JSON.
struct ItemParams {
  int srid = 4326;
};
ItemParams parse_item_params(const std::map<std::string, std::string>& params);

// /tiles/{c}/{z}/{x}/{y}.mvt: the tile (400 when it does not exist) and the
// items' filters, without paging (limit, offset and bbox are refused). The
// path's ".mvt" is the router's business: `y` comes without it.
struct TileParams {
  int z = 0, x = 0, y = 0;
  db::FeatureQuery query;
};
TileParams parse_tile_params(db::Collection collection, const std::string& z, const std::string& x,
                             const std::string& y, const std::map<std::string, std::string>& params,
                             const Limits& limits);

// /api/export/{territory}: the format, the layers and the opportunities'
// filters; the caller sets the role.
ExportRequest parse_export_params(const std::string& territory,
                                  std::map<std::string, std::string> params, const Limits& limits);

// /api/territories/{slug}/white-zones?distance_km=10&format=csv: the
// distance from 0.5 to 100 km (10 by default, a decimal comma accepted), the
// format geojson (the default) or a layer file's (csv, gpkg, kml, xlsx, ods).
struct WhiteZoneParams {
  double distance_km = 10;
  std::string format = "geojson";
};
inline constexpr std::array<const char*, 6> kWhiteZoneFormats = {"geojson", "csv",  "gpkg",
                                                                 "kml",     "xlsx", "ods"};
WhiteZoneParams parse_white_zone_params(const std::map<std::string, std::string>& params);

// /api/territories/{slug}/dashboard?format=csv: the figures as JSON (the
// default) or as a French CSV.
struct DashboardParams {
  std::string format = "json";
};
inline constexpr std::array<const char*, 2> kDashboardFormats = {"json", "csv"};
DashboardParams parse_dashboard_params(const std::map<std::string, std::string>& params);

// /api/assignment?territory=SLUG: the territory is required.
struct AssignmentParams {
  std::string territory;
};
AssignmentParams parse_assignment_params(const std::map<std::string, std::string>& params);

// /api/followup?circle=SLUG&status=contacté,visite&limit=N: statuses from
// the match statuses, limit 1 to 5000; refusals carry "field" and French.
db::FollowupQuery parse_followup_params(const std::map<std::string, std::string>& params);

// /api/requests?status=&channel=&circle=&from=&to=&q=&limit=&offset= (the
// list) and /api/requests/export (the same filters, with format=csv|xlsx|ods
// instead of limit and offset: every row they select). status and channel
// are lists from core/vocabulary; refusals carry "field" and French.
enum class RequestListUse { list, export_file };
struct RequestListParams {
  db::RequestFilter filter;
  std::string format = "csv";  // export_file only
};
RequestListParams parse_request_list_params(const std::map<std::string, std::string>& params,
                                            RequestListUse use);

// OGC API Part 2: the CRS URIs served, and their SRIDs.
inline constexpr const char* kCrs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
inline constexpr const char* kLambert93 = "http://www.opengis.net/def/crs/EPSG/0/2154";
// 4326 for CRS84, 2154 for Lambert-93; throws Problem 400 naming the parameter.
int parse_crs(const std::string& name, const std::string& uri);
std::string crs_uri(int srid);

// The territories' levels, the values of the "level" filter.
inline constexpr std::array<std::string_view, 4> kTerritoryLevels = {"circle", "epci", "commune",
                                                                     "departement"};
// The items pages' parameters of OGC API – Features Part 3 and of the
// sorting draft (filter, filter-lang, filter-crs, sortby, properties,
// skipGeometry), and maxAllowableOffset (geometries simplified, as ldproxy
// and ArcGIS name it): refused by tiles and exports.
inline const std::vector<std::string> kPart3Parameters = {
    "filter",     "filter-lang",  "filter-crs",        "sortby",
    "properties", "skipGeometry", "maxAllowableOffset"};
// The largest maxAllowableOffset, in the output CRS's units (degrees or
// metres): beyond it an outline is no longer the territory's.
inline constexpr double kMaxAllowableOffset = 10'000;
inline constexpr std::size_t kMaxSortKeys = 8;

// The longest free-text search ("q"), in bytes.
inline constexpr std::size_t kMaxSearchBytes = 200;

// Names of the filters a collection accepts, for the OpenAPI document.
const std::vector<std::string>& filter_names(db::Collection collection);

}  // namespace terrier::api
