-- Places of the network, property opportunities and collectives' needs.
-- Confidential fields live in separate *_private tables, so that a query that
-- does not join them cannot leak them.

CREATE TABLE places (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source             text NOT NULL CHECK (source <> ''),
  external_id        text,
  content_hash       text NOT NULL,
  name               text NOT NULL CHECK (name <> ''),
  kind               place_kind NOT NULL,
  address            text,
  commune_insee      text CHECK (commune_insee ~ '^[0-9][0-9AB][0-9]{3}$'),
  geom               geometry(Point, 4326),
  location_precision location_precision,
  website            text,
  description        text,
  competences        text[] NOT NULL DEFAULT '{}',
  circle_id          bigint REFERENCES territories (id) ON DELETE SET NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  -- A place is either located (with a precision) or not located at all.
  CHECK ((geom IS NULL) = (location_precision IS NULL)),
  CHECK (geom IS NULL OR NOT ST_IsEmpty(geom))
);
CREATE UNIQUE INDEX places_source_external_id_key ON places (source, external_id)
  WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX places_source_hash_key ON places (source, content_hash)
  WHERE external_id IS NULL;
CREATE INDEX places_geom_idx ON places USING gist (geom);
CREATE INDEX places_circle_idx ON places (circle_id);

CREATE TABLE opportunities (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source             text NOT NULL CHECK (source <> ''),
  external_id        text,
  content_hash       text NOT NULL,
  title              text NOT NULL CHECK (title <> ''),
  kind               opportunity_kind NOT NULL,
  address            text,
  commune_insee      text CHECK (commune_insee ~ '^[0-9][0-9AB][0-9]{3}$'),
  -- A point, or the footprint of the building or land.
  geom               geometry(Geometry, 4326) NOT NULL
                     CHECK (GeometryType(geom) IN ('POINT', 'POLYGON', 'MULTIPOLYGON')
                            AND NOT ST_IsEmpty(geom) AND ST_IsValid(geom)),
  -- The point used for distances and labels (the point itself, or a point
  -- inside the footprint).
  point              geometry(Point, 4326) GENERATED ALWAYS AS (
                       CASE WHEN GeometryType(geom) = 'POINT' THEN geom
                            ELSE ST_PointOnSurface(geom) END) STORED,
  location_precision location_precision NOT NULL,
  geom_repaired      boolean NOT NULL DEFAULT false,
  built_surface_m2   surface_m2,
  land_surface_m2    surface_m2,
  tenures            tenure[] NOT NULL DEFAULT '{}',  -- empty: not known yet
  price_eur          amount_eur,
  rent_eur_month     amount_eur,
  available_from     date,
  available_until    date,
  owner_kind         owner_kind,
  status             opportunity_status NOT NULL DEFAULT 'disponible',
  visibility         visibility NOT NULL DEFAULT 'réseau',
  last_verified      date,
  source_status      text,      -- the source's own status (Cartofriches: "friche sans projet")
  source_checked     boolean,   -- the source's own verification flag
  attributes         jsonb NOT NULL DEFAULT '{}',
  duplicate_of       bigint REFERENCES opportunities (id) ON DELETE SET NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK (available_until IS NULL OR available_from IS NULL OR available_until >= available_from),
  CHECK (duplicate_of IS NULL OR duplicate_of <> id)
);
CREATE UNIQUE INDEX opportunities_source_external_id_key ON opportunities (source, external_id)
  WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX opportunities_source_hash_key ON opportunities (source, content_hash)
  WHERE external_id IS NULL;
CREATE INDEX opportunities_geom_idx ON opportunities USING gist (geom);
CREATE INDEX opportunities_point_idx ON opportunities USING gist (point);
CREATE INDEX opportunities_status_kind_idx ON opportunities (status, kind);
CREATE INDEX opportunities_tenures_idx ON opportunities USING gin (tenures);
CREATE INDEX opportunities_text_idx ON opportunities
  USING gin ((terrier_fold(title || ' ' || coalesce(address, ''))) gin_trgm_ops);

-- Owner details and notes: foundations and admins only.
CREATE TABLE opportunity_private (
  opportunity_id bigint PRIMARY KEY REFERENCES opportunities (id) ON DELETE CASCADE,
  owner_name     text,
  owner_contact  text,
  notes          text
);

CREATE TABLE needs (
  id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source                text NOT NULL CHECK (source <> ''),
  external_id           text,
  content_hash          text NOT NULL,
  collective_name       text NOT NULL CHECK (collective_name <> ''),
  place_id              bigint REFERENCES places (id) ON DELETE SET NULL,
  surface_min_m2        surface_m2,
  surface_ideal_m2      surface_m2,
  surface_max_m2        surface_m2,
  surface_tolerance_pct numeric NOT NULL DEFAULT 10 CHECK (surface_tolerance_pct BETWEEN 0 AND 100),
  kinds_wanted          opportunity_kind[] NOT NULL DEFAULT '{}',  -- empty: any kind
  tenures_accepted      tenure[] NOT NULL DEFAULT '{}',            -- in order of preference
  rent_max_eur_month    amount_eur,
  price_max_eur         amount_eur,
  -- The search area: a territory, a point and a radius, or a polygon.
  search_territory_id   bigint REFERENCES territories (id) ON DELETE RESTRICT,
  search_center         geometry(Point, 4326),
  search_radius_m       numeric CHECK (search_radius_m > 0 AND search_radius_m <= 300000),
  search_polygon        geometry(MultiPolygon, 4326)
                        CHECK (search_polygon IS NULL OR ST_IsValid(search_polygon)),
  needed_from           date,
  description           text,
  status                need_status NOT NULL DEFAULT 'active',
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CHECK (surface_min_m2 IS NULL OR surface_max_m2 IS NULL OR surface_min_m2 <= surface_max_m2),
  CHECK (surface_ideal_m2 IS NULL OR surface_min_m2 IS NULL OR surface_min_m2 <= surface_ideal_m2),
  CHECK (surface_ideal_m2 IS NULL OR surface_max_m2 IS NULL OR surface_ideal_m2 <= surface_max_m2),
  CHECK ((search_center IS NULL) = (search_radius_m IS NULL)),
  CHECK (num_nonnulls(search_territory_id, search_center, search_polygon) = 1)
);
CREATE UNIQUE INDEX needs_source_external_id_key ON needs (source, external_id)
  WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX needs_source_hash_key ON needs (source, content_hash)
  WHERE external_id IS NULL;
CREATE INDEX needs_search_center_idx ON needs USING gist (search_center);
CREATE INDEX needs_search_polygon_idx ON needs USING gist (search_polygon);
CREATE INDEX needs_status_idx ON needs (status);

-- A collective's contact and the land group's notes: not public.
CREATE TABLE need_private (
  need_id bigint PRIMARY KEY REFERENCES needs (id) ON DELETE CASCADE,
  contact text,
  notes   text
);
