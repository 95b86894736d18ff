-- Follow-up of matches, edits made through the API (so that a re-import
-- does not undo them), and the land group's requests ("sollicitations").

-- A match may also be given up.
ALTER DOMAIN match_status DROP CONSTRAINT match_status_check;
ALTER DOMAIN match_status ADD CONSTRAINT match_status_check
  CHECK (VALUE IN ('proposé', 'contacté', 'visite', 'accord', 'refusé', 'abandonné'));

-- The note given with the last status change (the history keeps every one).
ALTER TABLE matches ADD COLUMN status_note text;
CREATE INDEX matches_status_idx ON matches (status);

-- Fields changed through the API since the row's last import, by column: an
-- import keeps these values when the file brings others, unless told to
-- prefer the file. Rows are identified by entity and id; ids are never
-- reused, so a deleted row's edits are inert.
CREATE TABLE row_edits (
  entity    text NOT NULL CHECK (entity IN ('opportunity', 'need', 'place')),
  entity_id bigint NOT NULL,
  field     text NOT NULL CHECK (field ~ '^[a-z_0-9]+$'),
  edited_at timestamptz NOT NULL DEFAULT now(),
  edited_by text NOT NULL,
  PRIMARY KEY (entity, entity_id, field)
);

CREATE DOMAIN request_channel AS text
  CHECK (VALUE IN ('téléphone', 'e-mail', 'courrier', 'rencontre', 'formulaire', 'autre'));
CREATE DOMAIN request_status AS text
  CHECK (VALUE IN ('ouverte', 'orientée', 'close'));

-- Incoming requests the land group logs: who asks, about what, what it was
-- told. The requester's contact and the notes live in request_private.
CREATE TABLE requests (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source        text NOT NULL DEFAULT 'api' CHECK (source <> ''),
  external_id   text,
  received_on   date NOT NULL,
  requester     text NOT NULL CHECK (requester <> ''),
  organisation  text,
  commune_code  text CHECK (commune_code ~ '^[0-9][0-9AB][0-9]{3}$'),
  commune_name  text,
  subject       text NOT NULL CHECK (subject <> ''),
  channel       request_channel,
  orientation   text,
  status        request_status NOT NULL DEFAULT 'ouverte',
  need_id       bigint REFERENCES needs (id) ON DELETE SET NULL,
  place_id      bigint REFERENCES places (id) ON DELETE SET NULL,
  -- The circle of the commune, for the circle filter.
  circle_id     bigint REFERENCES territories (id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX requests_source_external_id_key ON requests (source, external_id)
  WHERE external_id IS NOT NULL;
CREATE INDEX requests_received_on_idx ON requests (received_on);
CREATE INDEX requests_status_idx ON requests (status);

CREATE TABLE request_private (
  request_id bigint PRIMARY KEY REFERENCES requests (id) ON DELETE CASCADE,
  contact    text,
  notes      text
);
