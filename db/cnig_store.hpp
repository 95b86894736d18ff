#pragma once

// The opportunities a role may read, as the CNIG Friches export needs them:
// streamed through a cursor, with the commune (given or found by location)
// and, only for roles that see confidential fields, the owner's name.

#include <functional>
#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "core/roles.hpp"

namespace terrier::db {

struct CnigSite {
  long long id = 0;
  std::optional<std::string> external_id;
  std::string source, title, kind, status;
  std::optional<std::string> address, source_status, commune_insee, commune_name, last_verified;
  std::optional<double> built_surface_m2, land_surface_m2;
  std::string created_on, updated_on;      // ISO dates
  std::string attributes;                  // JSON object
  double lon = 0, lat = 0;                 // the point (a polygon's point on surface)
  std::optional<std::string> surface_wkt;  // the polygon, lon lat, 6 decimals
  std::optional<std::string> owner_name;   // only when the role sees confidential fields
};

// Every opportunity `role` may read, inside the territory `slug` when given,
// in id order.
void for_each_cnig_site(pqxx::connection_base& conn, Role role, const std::string& slug,
                        const std::function<void(const CnigSite&)>& sink);

}  // namespace terrier::db
