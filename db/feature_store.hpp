#pragma once

// Features for the API: GeoJSON built by PostGIS (RFC 7946, 6 decimals),
// with the columns each role may see. Confidential tables are joined only
// for roles that may read them, so no other path can reach their columns.

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/roles.hpp"
#include "db/connection.hpp"

namespace terrier::db {

enum class Collection { places, opportunities, needs, territories };

struct OpportunitySnapshot;  // db/tile_snapshot.hpp
namespace cql2 {
struct Node;  // db/cql2.hpp
}

const char* collection_name(Collection c);
// The entity of a collection's rows, as the field catalogue, ETags and the
// audit log name it ("opportunity", "need", "place"); nullptr for
// territories, which have none.
const char* entity_name(Collection c);
std::optional<Collection> parse_collection(const std::string& name);

// Filters, already validated by the API (vocabularies, numbers, dates).
struct FeatureFilters {
  std::vector<std::string> kinds, tenures, statuses, levels;
  std::optional<double> surface_min, surface_max, rent_max, price_max;
  std::optional<std::string> available_before;  // ISO date
  std::optional<std::string> territory;         // slug or name, accents ignored
  std::optional<std::string> competence;
  std::optional<std::string> q;
  std::optional<std::string> slug;  // territories: exactly this one
  bool to_reverify = false;         // opportunities not verified for reverify_months
};

// Opportunities not verified (last_verified, else created_at) for this many
// months are "à revérifier" (to_reverify in items and tiles).
inline constexpr int kDefaultReverifyMonths = 6;

// A property's type, for CQL2 filters, sorting, queryables and schemas.
enum class ValueType { string, number, integer, boolean, date, text_array, json };

struct PropertyInfo {
  std::string name;
  ValueType type;
};

// The properties of a collection's features that a role may read, in the
// features' order (the same list the features are written from).
std::vector<PropertyInfo> readable_properties(Collection c, Role role);

// One key of sortby: a property, ascending unless descending.
struct SortKey {
  std::string property;
  bool descending = false;
};

struct FeatureQuery {
  Collection collection = Collection::opportunities;
  Role role = Role::anonymous;
  std::optional<std::array<double, 4>> bbox;  // in bbox_srid
  int bbox_srid = 4326;
  int output_srid = 4326;  // 4326 (CRS84) or 2154 (Lambert-93)
  // numberMatched is an exact count when the planner expects at most this
  // many rows and reading them costs at most exact_count_cost (its cost
  // units: a page read at random is 4); the planner's estimate otherwise,
  // unless the page itself is the last one. Counting 60,000 rows of a dense
  // bbox took a second, for a page that took 8 ms.
  long long exact_count_limit = 100000;
  double exact_count_cost = 5000;
  // A table the planner thinks holds at most this many rows is counted
  // exactly without asking the planner first (no EXPLAIN round trip).
  long long small_table_rows = 20000;
  std::size_t limit = 100;
  std::size_t offset = 0;
  int reverify_months = kDefaultReverifyMonths;
  FeatureFilters filters;
  // for_each_feature only, for spreadsheets: each point's exact coordinates
  // ("exact_lonlat", not rounded to 6 decimals) and, for the roles that see
  // confidential fields, the "attributes" (the columns of its file that feed
  // no field), so that a sheet re-imports unchanged.
  bool spreadsheet = false;
  // The tiles' copy of the opportunities, when the server keeps one: how
  // many points a bbox holds is read there instead of asking PostGIS's
  // statistics (a round trip per page; the choice it feeds, how to count
  // and order, does not change the answer, so a copy a write has not yet
  // reached only makes a page slower).
  std::shared_ptr<const OpportunitySnapshot> snapshot;
  // OGC API – Features Part 3 and the sorting draft (Part 8), items pages
  // only: a CQL2 filter over the properties the role may read, the order
  // (the id last), the properties each feature keeps (all when unset) and
  // whether it keeps its geometry. query_refusal says whether the role may
  // ask them; without them a page takes the same path as before.
  std::shared_ptr<const cql2::Node> cql2_filter;
  std::vector<SortKey> sortby;
  std::optional<std::vector<std::string>> properties;
  bool skip_geometry = false;
  // maxAllowableOffset (as ldproxy and ArcGIS name it): each geometry
  // simplified within this distance, in the output CRS's units (degrees in
  // CRS84, metres in Lambert-93), its topology kept; 0: as stored. A map of
  // a whole region asks its territories' outlines to the pixel, not to the
  // metre.
  double max_allowable_offset = 0;
};

// Why a query's filter, sortby or properties cannot be answered for its
// role: the parameter and a French detail. A property the role may not read
// is refused with the same words as one that does not exist, so that a
// refusal tells nothing of confidential fields.
struct QueryRefusal {
  std::string parameter;
  std::string detail;
};
std::optional<QueryRefusal> query_refusal(const FeatureQuery& query);

struct FeaturePage {
  std::vector<std::string> features;  // GeoJSON Feature objects
  long long matched = 0;
  bool matched_is_estimate = false;
};

FeaturePage query_features(pqxx::connection_base& conn, const FeatureQuery& query);
// One feature by id, if the role may see it.
// One feature by id (a number, or a slug for territories), if the role may
// see it.
std::optional<std::string> feature_by_id(pqxx::connection_base& conn, Collection collection,
                                         Role role, const std::string& id, int output_srid = 4326,
                                         int reverify_months = kDefaultReverifyMonths);
// lon/lat extent of a collection as the role sees it, for /collections.
std::optional<std::array<double, 4>> collection_extent(pqxx::connection_base& conn,
                                                       Collection collection, Role role);
// A Mapbox vector tile (ST_AsMVT) of a collection, with the query's role
// and filters (bbox, limit and offset are ignored). Tiles carry no
// confidential field, whatever the role.
std::string query_tile(pqxx::connection_base& conn, const FeatureQuery& query, int z, int x, int y);
// The attributes query_tile gives a collection's features, with their
// TileJSON types ("String", "Number", "Boolean"), in its columns' order.
std::vector<std::pair<std::string, std::string>> tile_fields(Collection c);

// Every feature the query matches (limit and offset ignored), read through a
// server-side cursor a thousand at a time, so that memory stays flat.
// Features are those of the territory only when filters.territory is set.
void for_each_feature(pqxx::connection_base& conn, const FeatureQuery& query,
                      const std::function<void(const std::string&)>& sink);

// Stored matches as a GeoJSON FeatureCollection: of a need (features are the
// opportunities the role may see) or of an opportunity (features are the
// needs; nullopt when the role may not see the opportunity). Best first.
std::optional<std::string> need_matches(pqxx::connection_base& conn, long long need_id, Role role);
std::optional<std::string> opportunity_matches(pqxx::connection_base& conn,
                                               long long opportunity_id, Role role);

// Whether a territory slug or name is known.
bool territory_known(pqxx::connection_base& conn, const std::string& slug_or_name);

}  // namespace terrier::db
