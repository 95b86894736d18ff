-- pgbench script, the reference for the vector tiles benchmark: the SQL of
-- db/feature_store.cpp query_tile for opportunities (public role), for a
-- random tile of zoom :z in the range scripts/bench passes with -D (the
-- same tiles as bench/tiles.lua), with the same random filter: surface_min
-- from 0 to 100 m² to the centimetre.
\set x random(:xmin, :xmax)
\set y random(:ymin, :ymax)
\set cents random(0, 10000)
SELECT ST_AsMVT(t.*, 'opportunities', 4096, 'geom') FROM (
  SELECT ST_AsMVTGeom(ST_Transform(o.geom, 3857), ST_TileEnvelope(:z, :x, :y), 4096, 64, true) AS geom,
         o.id, o.title, o.kind, o.status, o.visibility, o.tenures[1]::text AS tenure,
         array_to_string(o.tenures, ',') AS tenures, o.built_surface_m2::float8 AS built_surface_m2,
         o.land_surface_m2::float8 AS land_surface_m2, o.rent_eur_month::float8 AS rent_eur_month,
         o.price_eur::float8 AS price_eur, o.location_precision
  FROM opportunities o
  WHERE o.visibility = 'public'
    AND (CASE WHEN o.kind IN ('terrain', 'friche') THEN o.land_surface_m2 ELSE o.built_surface_m2 END)
        >= (:cents / 100.0)::numeric
    AND o.geom && ST_Transform(ST_TileEnvelope(:z, :x, :y), 4326)) t
WHERE t.geom IS NOT NULL;
