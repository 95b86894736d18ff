-- Progress of an import running in a server process, for the page's bar:
-- the page names the import with a random key, sends the file, and asks any
-- server process how far it got (the rows read are written here, outside
-- the import's transaction, as the file is read). Rows older than a day are
-- removed by the next import.
CREATE TABLE import_progress (
  key        text PRIMARY KEY CHECK (key ~ '^[0-9a-f]{16,64}$'),
  actor      text NOT NULL,
  kind       text NOT NULL,
  state      text NOT NULL DEFAULT 'reading'
             CHECK (state IN ('reading', 'merging', 'done', 'failed')),
  rows_read  bigint NOT NULL DEFAULT 0 CHECK (rows_read >= 0),
  fraction   double precision CHECK (fraction IS NULL OR (fraction >= 0 AND fraction <= 1)),
  summary    text,
  started_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX import_progress_started_idx ON import_progress (started_at);
