-- pgbench script, the reference for the Features API benchmark: the GeoJSON
-- FeatureCollection of a random 0.1° × 0.1° bbox (same distribution as
-- bench/bbox.lua), 500 features at most, built in PostgreSQL with the
-- properties of db/feature_store.cpp opportunities_sql for the public role.
-- Unlike the API it does not count the matched features (numberMatched) nor
-- add links: one query per request where the API runs EXPLAIN, count(*) and
-- the page.
\set minx random(14000, 41000) / 10000.0
\set miny random(490000, 510000) / 10000.0
SELECT json_build_object('type', 'FeatureCollection', 'features',
                         coalesce(json_agg(f.feature), '[]'))::text
FROM (
  SELECT jsonb_build_object('type', 'Feature', 'id', o.id,
           'geometry', ST_AsGeoJSON(o.geom, 6)::jsonb,
           'properties', jsonb_build_object(
             'title', o.title, 'kind', o.kind, 'address', o.address,
             'commune_insee', o.commune_insee, 'location_precision', o.location_precision,
             'built_surface_m2', o.built_surface_m2, 'land_surface_m2', o.land_surface_m2,
             'tenures', to_jsonb(o.tenures::text[]), 'price_eur', o.price_eur,
             'rent_eur_month', o.rent_eur_month, 'available_from', o.available_from,
             'available_until', o.available_until, 'owner_kind', o.owner_kind,
             'status', o.status, 'visibility', o.visibility, 'last_verified', o.last_verified,
             'source', o.source, 'source_status', o.source_status,
             'duplicate_of', o.duplicate_of)) AS feature
  FROM opportunities o
  WHERE o.visibility = 'public'
    AND o.geom && ST_MakeEnvelope(:minx, :miny, :minx + 0.1, :miny + 0.1, 4326)
  ORDER BY o.id
  LIMIT 500) f;
