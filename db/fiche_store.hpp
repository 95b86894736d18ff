#pragma once

// The map extract of a funder's fiche: an opportunity's point and its
// commune's outline in Web Mercator (EPSG:3857), simplified for a page.
// What the fiche says of the opportunity comes from the items' readers
// (feature_store), which apply the role's columns; this store is asked
// only after them, for an opportunity the role may read.

#include <optional>
#include <string>
#include <vector>

#include "db/connection.hpp"

namespace terrier::db {

struct MercatorPoint {
  double x = 0;
  double y = 0;
};

struct FicheMap {
  MercatorPoint point;                            // the building's point
  std::vector<std::vector<MercatorPoint>> rings;  // the commune's outline, empty if unknown
  std::string commune;                            // its name, empty if unknown
};

// nullopt when there is no opportunity `id`.
std::optional<FicheMap> fiche_map(pqxx::connection_base& conn, long long opportunity_id);

}  // namespace terrier::db
