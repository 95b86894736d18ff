-- Alerts: people's saved searches, each with a private Atom feed and an
-- optional e-mail digest; the feeds of a need's new matches; what each
-- digest sent. Feed secrets are stored as their SHA-256, like every other
-- secret (008).

-- When an opportunity last changed in a way an alert reports, and how: a
-- new row, or a change of what decides whether it fits a search (status,
-- visibility, tenures, rent, price, surfaces). Inserts take the default;
-- updates go through the trigger below, which fires only on such a change.
ALTER TABLE opportunities
  ADD COLUMN alert_changed_at timestamptz,
  ADD COLUMN alert_changes text[] NOT NULL DEFAULT '{}';
UPDATE opportunities SET alert_changed_at = created_at;
ALTER TABLE opportunities
  ALTER COLUMN alert_changed_at SET DEFAULT now(),
  ALTER COLUMN alert_changed_at SET NOT NULL;
CREATE INDEX opportunities_alert_changed_idx ON opportunities (alert_changed_at);

CREATE FUNCTION terrier_note_alert_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changes text[] := '{}';
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status THEN changes := changes || 'status'::text; END IF;
  IF NEW.visibility IS DISTINCT FROM OLD.visibility THEN
    changes := changes || 'visibility'::text;
  END IF;
  IF NEW.tenures IS DISTINCT FROM OLD.tenures THEN changes := changes || 'tenures'::text; END IF;
  IF NEW.rent_eur_month IS DISTINCT FROM OLD.rent_eur_month THEN
    changes := changes || 'rent_eur_month'::text;
  END IF;
  IF NEW.price_eur IS DISTINCT FROM OLD.price_eur THEN
    changes := changes || 'price_eur'::text;
  END IF;
  IF NEW.built_surface_m2 IS DISTINCT FROM OLD.built_surface_m2 THEN
    changes := changes || 'built_surface_m2'::text;
  END IF;
  IF NEW.land_surface_m2 IS DISTINCT FROM OLD.land_surface_m2 THEN
    changes := changes || 'land_surface_m2'::text;
  END IF;
  NEW.alert_changed_at := now();
  NEW.alert_changes := changes;
  RETURN NEW;
END
$$;

CREATE TRIGGER opportunities_alert_change
  BEFORE UPDATE ON opportunities
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status
        OR OLD.visibility IS DISTINCT FROM NEW.visibility
        OR OLD.tenures IS DISTINCT FROM NEW.tenures
        OR OLD.rent_eur_month IS DISTINCT FROM NEW.rent_eur_month
        OR OLD.price_eur IS DISTINCT FROM NEW.price_eur
        OR OLD.built_surface_m2 IS DISTINCT FROM NEW.built_surface_m2
        OR OLD.land_surface_m2 IS DISTINCT FROM NEW.land_surface_m2)
  EXECUTE FUNCTION terrier_note_alert_change();

-- A person's saved search: the page's query string (its filters, circle
-- included), read again at each use by the items' parser.
CREATE TABLE saved_searches (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name        text NOT NULL CHECK (name <> '' AND length(name) <= 200),
  query       text NOT NULL CHECK (length(query) <= 4000),
  email       boolean NOT NULL DEFAULT false,
  feed_sha256 bytea NOT NULL UNIQUE CHECK (length(feed_sha256) = 32),
  created_at  timestamptz NOT NULL DEFAULT now(),
  -- The page's counter: what changed since the person last opened it.
  seen_at     timestamptz NOT NULL DEFAULT now(),
  -- The last digest that went out for it.
  mailed_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX saved_searches_user_idx ON saved_searches (user_id);

-- What each digest sent, so that an item is mailed once per search even when
-- a write that started before a digest commits after it (a digest looks back
-- an hour before its last one and skips what is here).
CREATE TABLE alert_deliveries (
  search_id      bigint NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
  opportunity_id bigint NOT NULL,
  changed_at     timestamptz NOT NULL,
  sent_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (search_id, opportunity_id, changed_at)
);

-- When a pair was first proposed: a need's feed lists its new matches.
ALTER TABLE matches ADD COLUMN first_computed_at timestamptz;
UPDATE matches SET first_computed_at = computed_at;
ALTER TABLE matches
  ALTER COLUMN first_computed_at SET DEFAULT now(),
  ALTER COLUMN first_computed_at SET NOT NULL;

-- The feed of a need's new matches at or above a score, for the collective
-- and its animator.
CREATE TABLE need_feeds (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  need_id     bigint NOT NULL REFERENCES needs (id) ON DELETE CASCADE,
  min_score   numeric(5, 2) NOT NULL CHECK (min_score BETWEEN 0 AND 100),
  feed_sha256 bytea NOT NULL UNIQUE CHECK (length(feed_sha256) = 32),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX need_feeds_user_idx ON need_feeds (user_id);
