-- Background imports (POST /api/imports?async=true): the progress record
-- ends with the import's whole answer, the JSON a synchronous import
-- returns (state 'done') or its problem details (state 'failed'), with the
-- HTTP status it would have had. One import at a time per person is held by
-- a session-level advisory lock of the importing process (namespace 3,
-- hashtext(actor)), released with the session when a server dies; these
-- rows only report.
ALTER TABLE import_progress
  ADD COLUMN answer text,
  ADD COLUMN status integer CHECK (status IS NULL OR status BETWEEN 200 AND 599);
CREATE INDEX import_progress_actor_idx ON import_progress (actor) WHERE state IN ('reading', 'merging');

-- Imported requests are recorded like the other kinds.
ALTER TABLE import_runs DROP CONSTRAINT import_runs_kind_check;
ALTER TABLE import_runs ADD CONSTRAINT import_runs_kind_check
  CHECK (kind IN ('territories', 'circles', 'places', 'opportunities', 'needs', 'requests'));
