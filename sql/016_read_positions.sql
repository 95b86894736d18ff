-- Read-your-writes for every credential (issue 25): the primary's WAL
-- position after a person's last write, keyed by a hash of the credential
-- that wrote (the bearer token, or the session cookie), so that a client
-- that keeps no cookie (a script with a token) also reads its own writes
-- whichever server answers next. Read and written on the primary only; a
-- position older than any lag a replica may have is of no use, and is
-- dropped at the next write.
CREATE TABLE read_positions (
  credential text PRIMARY KEY,
  lsn        pg_lsn NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX read_positions_written_at_idx ON read_positions (written_at);
