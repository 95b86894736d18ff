#include "db/fiche_store.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

namespace terrier::db {
namespace {

// Simplified to a tolerance under a printed point at a commune's scale.
constexpr const char* kFicheMap =
    "SELECT ST_X(p.pt), ST_Y(p.pt), t.name, "
    "ST_AsGeoJSON(ST_SimplifyPreserveTopology(ST_Transform(t.geom, 3857), 10), 1) "
    "FROM (SELECT ST_Transform(o.point, 3857) AS pt, o.commune_insee FROM opportunities o "
    "WHERE o.id = $1) p "
    "LEFT JOIN territories t ON t.level = 'commune' AND t.code = p.commune_insee";

MercatorPoint point_of(const nlohmann::json& xy) {
  return {xy.at(0).get<double>(), xy.at(1).get<double>()};
}

// The rings of a GeoJSON Polygon or MultiPolygon.
std::vector<std::vector<MercatorPoint>> rings_of(const std::string& geojson) {
  std::vector<std::vector<MercatorPoint>> out;
  auto g = nlohmann::json::parse(geojson);
  auto add_polygon = [&out](const nlohmann::json& polygon) {
    for (const auto& ring : polygon) {
      std::vector<MercatorPoint> points;
      for (const auto& xy : ring) points.push_back(point_of(xy));
      out.push_back(std::move(points));
    }
  };
  if (g.at("type") == "Polygon") add_polygon(g.at("coordinates"));
  if (g.at("type") == "MultiPolygon") {
    for (const auto& polygon : g.at("coordinates")) add_polygon(polygon);
  }
  return out;
}

}  // namespace

std::optional<FicheMap> fiche_map(pqxx::connection_base& conn, long long opportunity_id) {
  pqxx::read_transaction tx(conn);
  auto rows = tx.exec_params(kFicheMap, opportunity_id);
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  FicheMap map;
  map.point = {r[0].as<double>(), r[1].as<double>()};
  if (!r[2].is_null()) map.commune = r[2].as<std::string>();
  if (!r[3].is_null()) map.rings = rings_of(r[3].as<std::string>());
  return map;
}

}  // namespace terrier::db
