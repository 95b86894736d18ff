-- Bulk loader for the benchmark's serving and matching measurements: puts the
-- generated opportunities CSV (already COPYed into bench_stage by
-- scripts/bench) into `opportunities` with plain SQL, bypassing
-- `terrier import`. The import itself is measured separately; this only makes
-- a 1,000,000-row database quickly and with the same values the importer
-- would store (same vocabularies, same columns, source 'bench') and in the
-- same physical order: numbered in the file's order, written in the order of
-- their geohash, as db/staging_store.cpp inserts new rows (issue 21).
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO opportunities (id, source, external_id, content_hash, title, kind, address, commune_insee,
                           geom, location_precision, built_surface_m2, land_surface_m2, tenures,
                           price_eur, rent_eur_month, available_from, available_until,
                           owner_kind, status, visibility, last_verified)
OVERRIDING SYSTEM VALUE
SELECT new_id, 'bench', ref, md5(concat_ws(';', ref, title, kind, lat, lon)), title, kind, address, insee,
       ST_SetSRID(ST_MakePoint(lon::float8, lat::float8), 4326), 'exact',
       nullif(built, '')::numeric, nullif(land, '')::numeric,
       string_to_array(lower(tenures), ' / ')::tenure[],
       nullif(price, '')::numeric, nullif(rent, '')::numeric,
       to_date(nullif(available_from, ''), 'DD/MM/YYYY'),
       to_date(nullif(available_until, ''), 'DD/MM/YYYY'),
       owner_kind, status, visibility, to_date(nullif(last_verified, ''), 'DD/MM/YYYY')
FROM (SELECT nextval(pg_get_serial_sequence('opportunities', 'id')) AS new_id, *
      FROM bench_stage) s
ORDER BY ST_GeoHash(ST_MakePoint(lon::float8, lat::float8), 12), new_id;
INSERT INTO opportunity_private (opportunity_id, owner_name, owner_contact)
SELECT o.id, s.owner_name, s.owner_contact
FROM bench_stage s JOIN opportunities o ON o.source = 'bench' AND o.external_id = s.ref;
DROP TABLE bench_stage;
COMMIT;
ANALYZE opportunities;
ANALYZE opportunity_private;
