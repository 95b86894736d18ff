-- The reference for `terrier match --all`: the same top-10 ranking of every
-- active need, in one PostGIS query, stored in a table. It follows
-- matching/rules.cpp (hard constraints, the five score components with the
-- default weights 35/25/20/10/10, reliability as the first tie-break) and
-- matching/engine.cpp (candidates from the need's bounding box through the
-- GiST index on opportunities.point, then the exact area test).
-- Differences: no French "reasons" texts, no jsonb components, no
-- per-need UPSERT into `matches` (one CREATE TABLE AS instead), and the
-- reference point ignores the collective's current place (the benchmark's
-- needs have none).
\set ON_ERROR_STOP on
DROP TABLE IF EXISTS sql_matches;
CREATE TABLE sql_matches AS
WITH nd AS (
  SELECT n.*, a.area, r.ref,
         -- The candidates' bounding box: the radius' box (1 % wider, as the
         -- engine does), or the area's box.
         CASE WHEN a.area IS NULL THEN
           ST_Expand(r.ref, n.search_radius_m::float8 / 111320 * 1.01
                              / greatest(0.01, cos(radians(ST_Y(r.ref)))),
                     n.search_radius_m::float8 / 111320 * 1.01)
         ELSE ST_Envelope(a.area) END AS box,
         coalesce(n.surface_min_m2, 0) * (100 - n.surface_tolerance_pct) / 100 AS lo,
         n.surface_max_m2 * (100 + n.surface_tolerance_pct) / 100 AS hi,
         coalesce(n.search_radius_m, 25000) AS scale
  FROM needs n
  LEFT JOIN territories t ON t.id = n.search_territory_id
  CROSS JOIN LATERAL (SELECT coalesce(t.geom, n.search_polygon) AS area) a
  CROSS JOIN LATERAL (SELECT coalesce(n.search_center, ST_PointOnSurface(a.area)) AS ref) r
  WHERE n.status = 'active'
)
SELECT nd.id AS need_id, m.opportunity_id, m.score, m.reliability
FROM nd CROSS JOIN LATERAL (
  SELECT o.id AS opportunity_id,
         round((35 * su.c + 25 * greatest(0, 1 - d.m / nd.scale) + 20 * b.c + 10 * te.c
                + 10 * ti.c)::numeric, 2) AS score,
         10 - CASE WHEN s.v IS NULL THEN 3 ELSE 0 END
            - CASE WHEN tc.t IS NULL THEN 2 ELSE 0 END
            - CASE WHEN tc.t IS NOT NULL AND tc.cost IS NULL AND tc.budget IS NOT NULL THEN 2 ELSE 0 END
            - CASE WHEN o.location_precision = 'commune' THEN 2 ELSE 0 END
            - CASE WHEN nd.needed_from IS NOT NULL AND o.available_from IS NOT NULL THEN 0
                   WHEN o.available_from IS NULL THEN 1 ELSE 0 END AS reliability
  FROM opportunities o
  CROSS JOIN LATERAL (SELECT CASE WHEN o.kind IN ('terrain', 'friche') THEN o.land_surface_m2
                                  ELSE o.built_surface_m2 END AS v) s
  -- The first tenure, in the need's order, that the opportunity offers and
  -- the budget allows.
  LEFT JOIN LATERAL (
    SELECT w.t, w.i, CASE WHEN w.t = 'vente' THEN o.price_eur ELSE o.rent_eur_month END AS cost,
           CASE WHEN w.t = 'vente' THEN nd.price_max_eur ELSE nd.rent_max_eur_month END AS budget
    FROM unnest(CASE WHEN cardinality(nd.tenures_accepted) > 0 THEN nd.tenures_accepted::text[]
                     ELSE o.tenures::text[] END) WITH ORDINALITY w(t, i)
    WHERE w.t = ANY (o.tenures::text[])
      AND NOT coalesce(CASE WHEN w.t = 'vente' THEN o.price_eur > nd.price_max_eur
                            ELSE o.rent_eur_month > nd.rent_max_eur_month END, false)
    ORDER BY w.i LIMIT 1) tc ON true
  CROSS JOIN LATERAL (SELECT ST_Distance(o.point::geography, nd.ref::geography) AS m) d
  CROSS JOIN LATERAL (
    SELECT coalesce(nd.surface_ideal_m2,
                    CASE WHEN nd.surface_min_m2 IS NOT NULL AND nd.surface_max_m2 IS NOT NULL
                         THEN (nd.surface_min_m2 + nd.surface_max_m2) / 2 END,
                    nd.surface_min_m2, nd.surface_max_m2, s.v) AS ideal) id
  CROSS JOIN LATERAL (
    SELECT CASE WHEN s.v <= id.ideal THEN id.ideal - nd.lo
                WHEN nd.hi IS NOT NULL THEN nd.hi - id.ideal ELSE id.ideal END AS span) sp
  CROSS JOIN LATERAL (
    SELECT CASE WHEN s.v IS NULL THEN 0.5 WHEN sp.span > 0
                THEN greatest(0, least(1, 1 - 0.7 * abs(s.v - id.ideal) / sp.span)) ELSE 1 END AS c) su
  CROSS JOIN LATERAL (
    SELECT CASE WHEN tc.t IS NULL THEN 0.5
                WHEN cardinality(nd.tenures_accepted) <= 1 THEN 1
                ELSE 1 - 0.5 * (tc.i - 1) / (cardinality(nd.tenures_accepted) - 1) END AS c) te
  CROSS JOIN LATERAL (
    SELECT CASE WHEN tc.t IS NULL THEN 0.5
                WHEN tc.cost IS NOT NULL AND tc.budget IS NOT NULL
                  THEN CASE WHEN tc.budget > 0 THEN 0.5 + 0.5 * (1 - tc.cost / tc.budget) ELSE 1 END
                WHEN tc.cost IS NOT NULL THEN 0.75 ELSE 0.5 END AS c) b
  CROSS JOIN LATERAL (
    SELECT CASE WHEN nd.needed_from IS NOT NULL AND o.available_from IS NOT NULL
                THEN CASE WHEN o.available_from <= nd.needed_from THEN 1
                          ELSE 1 - 0.5 * (o.available_from - nd.needed_from) / 90.0 END
                ELSE 0.7 END AS c) ti
  WHERE o.point && nd.box
    AND CASE WHEN nd.area IS NULL
             THEN ST_DWithin(o.point::geography, nd.ref::geography, nd.search_radius_m::float8)
             ELSE ST_Intersects(nd.area, o.point) END
    AND o.status = 'disponible'
    AND (cardinality(nd.kinds_wanted) = 0 OR o.kind::text = ANY (nd.kinds_wanted::text[]))
    AND (s.v IS NULL OR (s.v >= nd.lo * (1 - 1e-9) AND (nd.hi IS NULL OR s.v <= nd.hi * (1 + 1e-9))))
    AND (cardinality(o.tenures) = 0 OR tc.t IS NOT NULL)
    AND NOT coalesce(o.available_until < nd.needed_from, false)
    AND NOT coalesce(o.available_from - nd.needed_from > 90, false)
  ORDER BY 2 DESC, 3 DESC, o.id
  LIMIT 10) m;
