#pragma once

// The SQL of the features endpoints, built without a database: each
// collection's feature JSON and tables (sql_for), what a role may see
// (restrict_to_role), the items' filters (add_filters) and their order.
// Every value goes into Where's parameters, never into the SQL text.
// Internal to db/ (db/feature_store.cpp); its own header so that the
// builders are tested apart (tests/db/feature_sql_test.cpp).

#include <optional>
#include <string>
#include <vector>

#include "core/roles.hpp"
#include "db/feature_store.hpp"
#include "db/geojson_writer.hpp"
#include "db/like_pattern.hpp"

namespace terrier::db::feature_sql {

// Parameters collected while the WHERE clause is built.
class Where {
 public:
  // "$n" for a new parameter holding `value`.
  std::string param(std::string value);
  void add(std::string condition);
  // " WHERE a AND b", or "" without a condition.
  std::string sql() const;
  const std::vector<std::string>& params() const { return params_; }

 private:
  std::vector<std::string> params_;
  std::vector<std::string> conditions_;
};

// One property of a collection's features: its key, its SQL expression
// (over the collection's alias o, and p for the private table), and how
// its column's text becomes JSON.
struct Property {
  std::string name;
  std::string expr;
  JsonKind kind;
};

// A collection's features and what they are read from: the feature as one
// jsonb expression (select: exports, one feature), the same feature as
// columns for append_feature (columns, layout: items pages); its geometry,
// the point a territory filter tests, its id.
struct Sql {
  std::string select;
  std::string from;
  std::string geom;   // for bbox
  std::string point;  // for territory
  std::string id;     // for order
  std::string feature_id;
  JsonKind feature_id_kind = JsonKind::number;
  std::vector<Property> properties;  // what the role may read, in order
  std::string columns;
  FeatureColumns layout;
};

// A property's type: its JSON kind, and for numbers and strings the column's
// own (whole numbers, dates).
ValueType value_type(const Property& p);
// Keeps only the properties named (all when unset), in the collection's
// order, and the geometry in `srid` unless `geometry` is false (null),
// simplified within `tolerance` (its units; 0: as stored).
void select_properties(Sql& s, const std::optional<std::vector<std::string>>& names, bool geometry,
                       int srid, double tolerance = 0);

std::string number(double v);
// Whether an opportunity (o) was last verified, or else created, more than
// `months` ago (a validated integer from the configuration).
std::string to_reverify_sql(int months);
// The territory a slug or a name designates: circles first, then EPCIs,
// communes and départements.
std::string territory_geom(Where& w, const std::string& slug_or_name);
// GeoJSON of a geometry in the output CRS: WGS84 lon/lat with 6 decimals
// (RFC 7946), or Lambert-93 metres to the centimetre (OGC API Part 2);
// simplified within `tolerance` in those units when it is above 0 (a
// validated number, written into the statement).
std::string output_geometry(const std::string& expr, int srid, double tolerance = 0);
// The collection's SQL for the role (confidential columns and joins only
// for the roles that read them), its geometry in `srid`.
Sql sql_for(Collection c, Role role, int srid = 4326, int reverify_months = kDefaultReverifyMonths);
// What a role may see of a collection, before any filter.
void restrict_to_role(Where& w, Collection c, Role role);
void add_filters(Where& w, const Sql& s, Collection c, const FeatureFilters& f,
                 int reverify_months);
// With q, the best matches first: the name itself, then names that start
// with it ("Lens" before "Selens"); otherwise, and then, by id.
std::string order_by(Where& w, const Sql& s, Collection c, const FeatureFilters& f);

}  // namespace terrier::db::feature_sql
