-- Every write through the API and every import: who, what, when, before and
-- after.
CREATE TABLE audit_log (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT now(),
  actor     text NOT NULL,
  action    text NOT NULL CHECK (action IN ('create', 'update', 'delete', 'import')),
  entity    text NOT NULL,
  entity_id bigint,
  before    jsonb,
  after     jsonb
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
