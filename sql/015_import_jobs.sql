-- Background imports as rows that any server's worker claims (issue 25):
-- the upload's bytes and what the import needs from its request (the
-- parameters, the role, the person, their circle), written by the server
-- that received the file. A worker claims the oldest row nobody runs, or one
-- whose worker stopped beating (it died: its transaction rolled back, so the
-- import runs again), with FOR UPDATE SKIP LOCKED; it beats while it runs
-- and deletes the row when the import's answer is in import_progress.
CREATE TABLE import_jobs (
  key          text PRIMARY KEY REFERENCES import_progress (key) ON DELETE CASCADE,
  actor        text NOT NULL,
  call         jsonb NOT NULL,
  format       text NOT NULL,
  file         bytea NOT NULL,
  claimed_by   text,
  heartbeat_at timestamptz,
  attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  created_at   timestamptz NOT NULL DEFAULT now(),
  CHECK ((claimed_by IS NULL) = (heartbeat_at IS NULL))
);
-- Spreadsheets and GeoPackages are compressed already, or soon read: stored
-- as they are, without the CPU of compressing them.
ALTER TABLE import_jobs ALTER COLUMN file SET STORAGE EXTERNAL;
CREATE INDEX import_jobs_created_idx ON import_jobs (created_at);
CREATE INDEX import_jobs_actor_idx ON import_jobs (actor);
