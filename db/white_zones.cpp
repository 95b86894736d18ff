#include "db/white_zones.hpp"

#include <fmt/core.h>

#include <pqxx/pqxx>

#include "core/text.hpp"
#include "core/vocabulary.hpp"
#include "db/feature_sql.hpp"

namespace terrier::db {

using feature_sql::Where;

std::optional<std::string> white_zones(pqxx::connection_base& conn, const std::string& slug,
                                       double distance_km, Role role) {
  pqxx::read_transaction r(conn);
  if (r.exec_params("SELECT 1 FROM territories WHERE slug = $1", slug).empty()) {
    return std::nullopt;
  }
  Where w;
  const std::string slug_param = w.param(slug);
  const std::string distance_param = w.param(fmt::format("{}", distance_km * 1000.0));
  // What the role reads: the needs' point (their territory filter's), the
  // opportunities' visibility.
  const feature_sql::Sql needs = feature_sql::sql_for(Collection::needs, role);
  const std::string visibilities = w.param(text::pg_array_literal(readable_visibilities(role)));
  const std::string available = w.param(std::string(vocabulary::kAvailable));
  const std::string sql = fmt::format(
      R"(WITH area AS (
  SELECT geom FROM territories WHERE slug = {slug} AND geom IS NOT NULL),
communes AS (
  SELECT c.code, c.name, c.population, c.geom,
         CASE WHEN c.attributes->>'pos_lon' ~ '^-?[0-9]+(\.[0-9]+)?$'
                AND c.attributes->>'pos_lat' ~ '^-?[0-9]+(\.[0-9]+)?$'
              THEN ST_SetSRID(ST_MakePoint((c.attributes->>'pos_lon')::float8,
                                           (c.attributes->>'pos_lat')::float8), 4326)
              ELSE ST_PointOnSurface(c.geom) END AS centre
    FROM territories c, area a
   WHERE c.level = 'commune' AND ST_Intersects(a.geom, ST_PointOnSurface(c.geom))),
zones AS (
  SELECT c.*, near.distance_m, near.place
    FROM communes c
    LEFT JOIN LATERAL (
      -- The nearest few on the sphere (the index's order), the nearest of
      -- them on the spheroid.
      SELECT * FROM (
        SELECT ST_Distance(p.geom::geography, c.centre::geography) AS distance_m,
               p.name AS place
          FROM places p WHERE p.geom IS NOT NULL
         ORDER BY p.geom::geography <-> c.centre::geography LIMIT 4) k
       ORDER BY distance_m LIMIT 1) near ON true
   WHERE near.distance_m IS NULL OR near.distance_m > {distance}::float8)
SELECT json_build_object(
  'type', 'FeatureCollection',
  'territory', {slug}::text,
  'distance_km', {distance}::float8 / 1000,
  'features', coalesce(json_agg(json_build_object(
    'type', 'Feature',
    'id', z.code,
    'geometry', ST_AsGeoJSON(ST_SimplifyPreserveTopology(z.geom, 0.0005), 5)::json,
    'properties', json_build_object(
      'insee', z.code,
      'name', z.name,
      'population', z.population,
      'distance_km', round((z.distance_m / 1000)::numeric, 2),
      'nearest_place', z.place,
      'centre', json_build_array(round(ST_X(z.centre)::numeric, 5),
                                 round(ST_Y(z.centre)::numeric, 5)),
      'needs', (SELECT coalesce(json_agg(json_build_object('id', o.id,
                                                           'collective_name', o.collective_name)
                                         ORDER BY o.id), '[]')
                  FROM needs o WHERE ST_Intersects(z.geom, {need_point})),
      'opportunities', (SELECT coalesce(json_agg(json_build_object('id', o.id, 'title', o.title)
                                                 ORDER BY o.id), '[]')
                          FROM opportunities o
                         WHERE o.status = {available} AND o.visibility = ANY({visibilities}::text[])
                           AND ST_Intersects(z.geom, o.geom))))
    ORDER BY z.population DESC NULLS LAST, z.name), '[]'::json))
  FROM zones z)",
      fmt::arg("slug", slug_param), fmt::arg("distance", distance_param),
      fmt::arg("need_point", needs.point), fmt::arg("available", available),
      fmt::arg("visibilities", visibilities));
  return r.exec_params1(sql, pqxx::prepare::make_dynamic_params(w.params()))[0].as<std::string>();
}

}  // namespace terrier::db
