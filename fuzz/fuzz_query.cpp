// Fuzzes the query string of the features endpoints: percent-decoding,
// parse_query, then parse_items_query for every collection (bbox, bbox-crs,
// crs, limit, offset, vocabularies, numbers, dates, and Part 3's filter,
// sortby and properties). A 400 (Problem) is an expected outcome; anything
// else thrown, a crash or a sanitizer report is a bug. Accepted queries must
// keep the promises the SQL layer relies on.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "api/params.hpp"
#include "api/problem.hpp"
#include "core/text.hpp"

namespace {

using namespace terrier;

void check(bool condition, const char* promise) {
  if (!condition) {
    std::fprintf(stderr, "fuzz_query: broken promise: %s\n", promise);
    std::abort();
  }
}

void check_query(const db::FeatureQuery& q, const api::Limits& limits) {
  check(q.limit >= 1 && q.limit <= limits.max_limit, "1 <= limit <= max_limit");
  check(q.bbox_srid == 4326 || q.bbox_srid == 2154, "bbox-crs is CRS84 or Lambert-93");
  check(q.output_srid == 4326 || q.output_srid == 2154, "crs is CRS84 or Lambert-93");
  if (q.bbox) {
    const auto& b = *q.bbox;
    for (double v : b) check(std::isfinite(v), "bbox numbers are finite");
    check(b[0] <= b[2] && b[1] <= b[3], "bbox minimums are at most maximums");
    if (q.bbox_srid == 4326) {
      check(b[0] >= -180 && b[2] <= 180 && b[1] >= -90 && b[3] <= 90, "bbox in lon/lat range");
    }
  }
  const auto& f = q.filters;
  for (const auto* v : {&f.surface_min, &f.surface_max, &f.rent_max, &f.price_max}) {
    if (*v) check(std::isfinite(**v), "numeric filters are finite");
  }
  if (f.available_before) check(f.available_before->size() == 10, "available_before is ISO");
  if (f.q) check(f.q->size() <= 200, "q is at most 200 bytes");
  for (const auto* s : {&f.territory, &f.competence, &f.q}) {
    if (*s) check(text::is_valid_utf8(**s), "text filters are UTF-8");
  }
  check(q.sortby.size() <= api::kMaxSortKeys, "sortby has at most kMaxSortKeys keys");
  for (const auto& k : q.sortby) {
    check(!k.property.empty() && k.property.size() <= 64, "sortby names a property");
  }
  if (q.properties) check(q.properties->size() <= 100, "properties names at most 100");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view query(reinterpret_cast<const char*>(data), size);
  std::map<std::string, std::string> params;
  try {
    params = api::parse_query(query);
  } catch (const api::Problem& p) {
    check(p.status() == 400, "parse_query refuses with 400");
    return 0;
  }
  for (const auto& [name, value] : params) {
    check(text::is_valid_utf8(name) && text::is_valid_utf8(value), "decoded pairs are UTF-8");
  }
  const api::Limits limits;
  for (auto collection : {db::Collection::places, db::Collection::opportunities,
                          db::Collection::needs, db::Collection::territories}) {
    try {
      check_query(api::parse_items_query(collection, params, limits), limits);
    } catch (const api::Problem& p) {
      check(p.status() == 400, "parse_items_query refuses with 400");
    }
  }
  return 0;
}
