-- Matches between needs and opportunities, import runs and API tokens.

CREATE TABLE matches (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  need_id           bigint NOT NULL REFERENCES needs (id) ON DELETE CASCADE,
  opportunity_id    bigint NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
  score             numeric(5, 2) NOT NULL CHECK (score BETWEEN 0 AND 100),
  reliability       numeric(3, 1) NOT NULL CHECK (reliability BETWEEN 0 AND 10),
  components        jsonb NOT NULL DEFAULT '{}',
  reasons           text[] NOT NULL DEFAULT '{}',
  status            match_status NOT NULL DEFAULT 'proposé',
  status_changed_at timestamptz,
  status_changed_by text,
  -- false when the pair no longer meets the hard constraints after a change;
  -- the row stays so that the status people set is not lost.
  still_valid       boolean NOT NULL DEFAULT true,
  computed_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (need_id, opportunity_id)
);
CREATE INDEX matches_opportunity_idx ON matches (opportunity_id);

CREATE TABLE import_runs (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('territories', 'circles', 'places', 'opportunities',
                                                'needs')),
  source      text NOT NULL,
  file_name   text NOT NULL,
  file_sha256 text NOT NULL CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
  user_name   text NOT NULL,
  dry_run     boolean NOT NULL DEFAULT false,
  started_at  timestamptz NOT NULL,
  finished_at timestamptz NOT NULL DEFAULT now(),
  rows_read      integer NOT NULL CHECK (rows_read >= 0),
  rows_inserted  integer NOT NULL CHECK (rows_inserted >= 0),
  rows_updated   integer NOT NULL CHECK (rows_updated >= 0),
  rows_unchanged integer NOT NULL CHECK (rows_unchanged >= 0),
  rows_rejected  integer NOT NULL CHECK (rows_rejected >= 0),
  rows_deleted   integer NOT NULL DEFAULT 0 CHECK (rows_deleted >= 0),
  rows_flagged   integer NOT NULL DEFAULT 0 CHECK (rows_flagged >= 0)
);

CREATE TABLE api_tokens (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text NOT NULL CHECK (name <> ''),
  role         text NOT NULL CHECK (role IN ('public', 'member', 'foundation', 'animator', 'admin')),
  territory_id bigint REFERENCES territories (id) ON DELETE CASCADE,
  token_sha256 bytea NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz,
  last_used_at timestamptz,
  -- An animator works on one circle.
  CHECK (role <> 'animator' OR territory_id IS NOT NULL)
);
