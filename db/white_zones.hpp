#pragma once

// White zones: the communes of a territory whose centre lies farther than a
// distance from every located place of the network (geodesic, on WGS 84),
// with the needs and the available opportunities inside each, as a role
// reads them. The centre is the town hall's position when the communes'
// file gave one (attributes pos_lon/pos_lat), else a point on the commune's
// surface. The nearest place comes from a KNN search on the places'
// geography index (sql/014).

#include <optional>
#include <string>

#include "core/roles.hpp"
#include "db/connection.hpp"

namespace terrier::db {

// A GeoJSON FeatureCollection, communes by population (largest first), or
// nullopt when no territory has the slug. Each feature: the commune's
// outline (simplified to about 50 m) and insee, name, population,
// distance_km, nearest_place, centre [lon, lat], needs [{id,
// collective_name}], opportunities [{id, title}].
std::optional<std::string> white_zones(pqxx::connection_base& conn, const std::string& slug,
                                       double distance_km, Role role);

}  // namespace terrier::db
