#pragma once

// Query parameters of the features endpoints, parsed and validated into a
// struct before any database work. Unknown parameters are refused (400).

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "db/feature_store.hpp"

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

// OGC API Part 2: the CRS URIs served, and their SRIDs.
inline constexpr const char* kCrs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
inline constexpr const char* kLambert93 = "http://www.opengis.net/def/crs/EPSG/0/2154";
// 4326 for CRS84, 2154 for Lambert-93; throws Problem 400 naming the parameter.
int parse_crs(const std::string& name, const std::string& uri);
std::string crs_uri(int srid);

// Names of the filters a collection accepts, for the OpenAPI document.
const std::vector<std::string>& filter_names(db::Collection collection);

}  // namespace terrier::api
