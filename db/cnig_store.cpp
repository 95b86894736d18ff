#include "db/cnig_store.hpp"

#include "core/text.hpp"

namespace terrier::db {
namespace {

std::optional<std::string> opt(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::string>();
}

std::optional<double> opt_number(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<double>();
}

}  // namespace

void for_each_cnig_site(pqxx::connection_base& conn, Role role, const std::string& slug,
                        const std::function<void(const CnigSite&)>& sink) {
  // The commune: the row's own code, else the one its point lies in.
  const char* sql =
      "DECLARE cnig_cursor NO SCROLL CURSOR FOR "
      "SELECT o.id, o.external_id, o.source, o.title, o.kind, o.status, o.address, "
      "o.source_status, coalesce(o.commune_insee, c.code), c.name, o.last_verified::text, "
      "o.built_surface_m2::float8, "
      "o.land_surface_m2::float8, o.created_at::date::text, o.updated_at::date::text, "
      "o.attributes::text, ST_X(o.point), ST_Y(o.point), "
      "CASE WHEN GeometryType(o.geom) <> 'POINT' THEN ST_AsText(o.geom, 6) END, "
      "CASE WHEN $3 THEN p.owner_name END "
      "FROM opportunities o "
      "LEFT JOIN opportunity_private p ON p.opportunity_id = o.id "
      "LEFT JOIN LATERAL (SELECT t.code, t.name FROM territories t WHERE t.level = 'commune' AND "
      "  (t.code = o.commune_insee OR (o.commune_insee IS NULL AND ST_Intersects(t.geom, "
      "o.point))) "
      "  ORDER BY t.code = o.commune_insee DESC LIMIT 1) c ON true "
      "WHERE o.visibility = ANY($1::text[]) "
      "AND ($2 = '' OR ST_Intersects(o.point, (SELECT geom FROM territories WHERE slug = $2))) "
      "ORDER BY o.id";
  pqxx::work tx(conn);
  tx.exec_params(sql, text::pg_array_literal(readable_visibilities(role)), slug,
                 sees_confidential(role));
  for (;;) {
    auto rows = tx.exec("FETCH 1000 FROM cnig_cursor");
    if (rows.empty()) break;
    for (const auto& r : rows) {
      CnigSite s;
      s.id = r[0].as<long long>();
      s.external_id = opt(r[1]);
      s.source = r[2].as<std::string>();
      s.title = r[3].as<std::string>();
      s.kind = r[4].as<std::string>();
      s.status = r[5].as<std::string>();
      s.address = opt(r[6]);
      s.source_status = opt(r[7]);
      s.commune_insee = opt(r[8]);
      s.commune_name = opt(r[9]);
      s.last_verified = opt(r[10]);
      s.built_surface_m2 = opt_number(r[11]);
      s.land_surface_m2 = opt_number(r[12]);
      s.created_on = r[13].as<std::string>();
      s.updated_on = r[14].as<std::string>();
      s.attributes = r[15].as<std::string>();
      s.lon = r[16].as<double>();
      s.lat = r[17].as<double>();
      s.surface_wkt = opt(r[18]);
      s.owner_name = opt(r[19]);
      sink(s);
    }
  }
  tx.exec("CLOSE cnig_cursor");
  tx.commit();
}

}  // namespace terrier::db
