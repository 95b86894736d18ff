#include "db/project_store.hpp"

namespace terrier::db {

std::optional<TerritoryFrame> territory_frame(pqxx::connection_base& conn,
                                              const std::string& slug) {
  pqxx::read_transaction r(conn);
  auto rows = r.exec_params(
      "SELECT name, ST_XMin(e) AS min_x, ST_YMin(e) AS min_y, ST_XMax(e) AS max_x, "
      "ST_YMax(e) AS max_y FROM ("
      "SELECT name, ST_Transform(geom, 2154)::box2d AS e FROM territories "
      "WHERE geom IS NOT NULL AND (slug = $1 OR name_folded = terrier_fold($1)) "
      "ORDER BY slug = $1 DESC LIMIT 1) t",
      slug);
  if (rows.empty()) return std::nullopt;
  const auto& row = rows[0];
  return TerritoryFrame{row["name"].as<std::string>(), row["min_x"].as<double>(),
                        row["min_y"].as<double>(), row["max_x"].as<double>(),
                        row["max_y"].as<double>()};
}

}  // namespace terrier::db
