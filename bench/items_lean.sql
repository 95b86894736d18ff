-- pgbench script, the lean reference for the Features API benchmark (issue
-- 21): the same rows as bench/items.sql (a random 0.1° × 0.1° bbox, the
-- distribution of bench/bbox.lua, 500 public features at most, by id) and
-- the properties the API gives the public role, built with json_build_object
-- (text JSON, no jsonb per row) around ST_AsGeoJSON: the least PostgreSQL
-- can do to write that answer itself. No count, no links.
\set minx random(14000, 41000) / 10000.0
\set miny random(490000, 510000) / 10000.0
SELECT json_build_object('type', 'FeatureCollection', 'features',
                         coalesce(json_agg(f.feature), '[]'))::text
FROM (
  SELECT json_build_object('type', 'Feature', 'id', o.id,
           'geometry', ST_AsGeoJSON(o.geom, 6)::json,
           'properties', json_build_object(
             'external_id', o.external_id, 'title', o.title, 'kind', o.kind,
             'address', o.address, 'commune_insee', o.commune_insee,
             'location_precision', o.location_precision,
             'built_surface_m2', o.built_surface_m2, 'land_surface_m2', o.land_surface_m2,
             'tenures', o.tenures, 'price_eur', o.price_eur,
             'rent_eur_month', o.rent_eur_month, 'available_from', o.available_from,
             'available_until', o.available_until, 'owner_kind', o.owner_kind,
             'status', o.status, 'visibility', o.visibility, 'last_verified', o.last_verified,
             'source', o.source, 'source_status', o.source_status,
             'duplicate_of', o.duplicate_of,
             'to_reverify', coalesce(o.last_verified, o.created_at::date)
                              < current_date - make_interval(months => 6))) AS feature
  FROM opportunities o
  WHERE o.visibility = 'public'
    AND o.geom && ST_MakeEnvelope(:minx, :miny, :minx + 0.1, :miny + 0.1, 4326)
  ORDER BY o.id
  LIMIT 500) f;
