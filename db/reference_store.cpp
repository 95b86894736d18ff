#include "db/reference_store.hpp"

#include <pqxx/pqxx>

namespace terrier::db {

std::vector<CommuneRow> ReferenceStore::communes() {
  std::vector<CommuneRow> out;
  auto rows = tx_.work().exec(
      "SELECT code, name, array_to_string(postcodes, ','), ST_X(p), ST_Y(p) "
      "FROM (SELECT code, name, postcodes, ST_PointOnSurface(geom) AS p FROM territories "
      "      WHERE level = 'commune') c");
  out.reserve(rows.size());
  for (const auto& r : rows) {
    CommuneRow c;
    c.insee = r[0].as<std::string>();
    c.name = r[1].as<std::string>();
    std::string pcs = r[2].as<std::string>();
    for (std::size_t start = 0; start < pcs.size();) {
      auto comma = pcs.find(',', start);
      if (comma == std::string::npos) comma = pcs.size();
      if (comma > start) c.postcodes.push_back(pcs.substr(start, comma - start));
      start = comma + 1;
    }
    c.lon = r[3].as<double>();
    c.lat = r[4].as<double>();
    out.push_back(std::move(c));
  }
  return out;
}

std::optional<std::string> ReferenceStore::region_outline_wkb(double margin_m) {
  // Kept in region_outline_cache (sql/007) until a territory changes.
  auto cached =
      tx_.work().exec_params("SELECT wkb FROM region_outline_cache WHERE margin_m = $1", margin_m);
  pqxx::row r =
      !cached.empty()
          ? cached[0]
          : tx_.work().exec_params1(
                "INSERT INTO region_outline_cache (margin_m, wkb) "
                "SELECT $1, ST_AsBinary(ST_Buffer(ST_Union(geom)::geography, $1)::geometry) "
                "FROM territories WHERE level = 'departement' "
                "ON CONFLICT (margin_m) DO UPDATE SET wkb = EXCLUDED.wkb RETURNING wkb",
                margin_m);
  if (r[0].is_null()) return std::nullopt;
  return pqxx::binarystring(r[0]).str();
}

std::map<std::string, long long> ReferenceStore::territory_ids_by_slug() {
  std::map<std::string, long long> out;
  for (const auto& r : tx_.work().exec("SELECT slug, id FROM territories")) {
    out.emplace(r[0].as<std::string>(), r[1].as<long long>());
  }
  return out;
}

std::vector<TerritoryKey> ReferenceStore::territory_keys() {
  std::vector<TerritoryKey> out;
  for (const auto& r :
       tx_.work().exec("SELECT id, level::text, code, slug, name FROM territories")) {
    out.push_back({r[0].as<long long>(), r[1].as<std::string>(), r[2].as<std::string>(),
                   r[3].as<std::string>(), r[4].as<std::string>()});
  }
  return out;
}

std::map<std::string, std::string> ReferenceStore::territory_slug_owners() {
  std::map<std::string, std::string> out;
  for (const auto& r : tx_.work().exec("SELECT slug, level || ' ' || code FROM territories")) {
    out.emplace(r[0].as<std::string>(), r[1].as<std::string>());
  }
  return out;
}

std::map<std::string, long long> ReferenceStore::place_ids_by_external_id() {
  std::map<std::string, long long> out;
  for (const auto& r :
       tx_.work().exec("SELECT external_id, id FROM places WHERE external_id IS NOT NULL "
                       "UNION ALL SELECT '#' || id, id FROM places")) {
    out.emplace(r[0].as<std::string>(), r[1].as<long long>());
  }
  return out;
}

}  // namespace terrier::db
