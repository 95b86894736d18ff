-- Read-your-writes for scripts with a token (issue 25): the primary's WAL
-- position after the last write made with a bearer token, keyed by a keyed
-- hash of the token (a browser's session sends the cookie back), so that a
-- client that keeps no cookie (a script with a token) also reads its own writes
-- whichever server answers next. Read and written on the primary only; a
-- position older than any lag a replica may have is of no use, and is
-- dropped at the next write.
CREATE TABLE read_positions (
  credential text PRIMARY KEY,
  lsn        pg_lsn NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX read_positions_written_at_idx ON read_positions (written_at);
