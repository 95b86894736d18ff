-- Extensions and helper functions used by the data model.
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Accent- and case-insensitive form of a text ("Béthune" -> "bethune"), for
-- search and for indexes (unaccent() itself is only STABLE).
CREATE FUNCTION terrier_fold(t text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN lower(public.unaccent('public.unaccent'::regdictionary, t));

-- The vocabularies users know, in French, as domains so that columns and
-- arrays share one definition.
CREATE DOMAIN territory_level AS text
  CHECK (VALUE IN ('commune', 'epci', 'departement', 'circle'));

CREATE DOMAIN place_kind AS text
  CHECK (VALUE IN ('tiers-lieu', 'fablab', 'café associatif', 'recyclerie', 'ressourcerie',
                   'coworking', 'résidence seniors', 'jardin partagé', 'lieu culturel',
                   'épicerie solidaire', 'autre'));

CREATE DOMAIN opportunity_kind AS text
  CHECK (VALUE IN ('bureau', 'atelier', 'entrepôt', 'commerce', 'terrain', 'bâtiment mixte',
                   'friche', 'logement'));

CREATE DOMAIN tenure AS text
  CHECK (VALUE IN ('vente', 'location', 'bcus', 'bail emphytéotique', 'occupation temporaire',
                   'mise à disposition'));

CREATE DOMAIN owner_kind AS text
  CHECK (VALUE IN ('collectivité', 'bailleur social', 'état', 'privé', 'association',
                   'foncière'));

CREATE DOMAIN opportunity_status AS text
  CHECK (VALUE IN ('disponible', 'en discussion', 'attribuée', 'retirée'));

CREATE DOMAIN visibility AS text
  CHECK (VALUE IN ('public', 'réseau', 'confidentiel'));

CREATE DOMAIN need_status AS text
  CHECK (VALUE IN ('active', 'satisfaite', 'close'));

CREATE DOMAIN match_status AS text
  CHECK (VALUE IN ('proposé', 'contacté', 'visite', 'accord', 'refusé'));

CREATE DOMAIN location_precision AS text
  CHECK (VALUE IN ('exact', 'adresse', 'commune'));

CREATE DOMAIN surface_m2 AS numeric CHECK (VALUE > 0 AND VALUE < 1e9);
CREATE DOMAIN amount_eur AS numeric CHECK (VALUE >= 0 AND VALUE < 1e12);
