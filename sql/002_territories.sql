-- Communes, EPCIs, départements and the network's circles. A circle's
-- geometry is the union of its members' polygons (terrier_refresh_circle).
CREATE TABLE territories (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  level       territory_level NOT NULL,
  code        text NOT NULL CHECK (code <> ''),  -- INSEE, SIREN, département code, circle id
  slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name        text NOT NULL CHECK (name <> ''),
  name_folded text GENERATED ALWAYS AS (terrier_fold(name)) STORED,
  postcodes   text[] NOT NULL DEFAULT '{}',
  population  integer CHECK (population >= 0),
  parent_code text,                                -- EPCI SIREN of a commune, for instance
  attributes  jsonb NOT NULL DEFAULT '{}',
  source      text NOT NULL,
  geom        geometry(MultiPolygon, 4326),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (level, code),
  -- Only a circle without members yet may lack a geometry.
  CHECK (geom IS NOT NULL OR level = 'circle'),
  CHECK (geom IS NULL OR (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)))
);
CREATE INDEX territories_geom_idx ON territories USING gist (geom);
CREATE INDEX territories_name_folded_idx ON territories USING gin (name_folded gin_trgm_ops);
CREATE INDEX territories_postcodes_idx ON territories USING gin (postcodes);

-- Membership of a circle: communes or whole EPCIs.
CREATE TABLE circle_members (
  circle_id bigint NOT NULL REFERENCES territories (id) ON DELETE CASCADE,
  member_id bigint NOT NULL REFERENCES territories (id) ON DELETE CASCADE,
  source    text NOT NULL,
  PRIMARY KEY (circle_id, member_id),
  CHECK (circle_id <> member_id)
);
CREATE INDEX circle_members_member_idx ON circle_members (member_id);

-- Recomputes a circle's outline from its members.
CREATE FUNCTION terrier_refresh_circle(p_circle_id bigint) RETURNS void
LANGUAGE sql AS $$
  UPDATE territories c
     SET geom = (SELECT ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Union(m.geom)), 3))
                   FROM circle_members cm JOIN territories m ON m.id = cm.member_id
                  WHERE cm.circle_id = c.id),
         updated_at = now()
   WHERE c.id = p_circle_id AND c.level = 'circle';
$$;
