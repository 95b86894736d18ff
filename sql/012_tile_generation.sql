-- The tiles' generation: a number that every statement changing what a tile
-- draws (opportunities, needs, places, territories) moves on, announced to
-- every server process on commit (NOTIFY terrier_generation, payload
-- "<generation>:<table>"). The servers drop their cached tiles and reload
-- their snapshot of the opportunities when it moves. A sequence, not a row:
-- concurrent writers do not queue on it, and a rolled-back statement only
-- skips a number (its NOTIFY is never sent).
CREATE SEQUENCE tile_generation;

CREATE FUNCTION terrier_bump_tile_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('terrier_generation', nextval('tile_generation')::text || ':' || TG_TABLE_NAME);
  RETURN NULL;
END
$$;

-- Statement-level: an import of a million rows bumps it once per statement.
CREATE TRIGGER opportunities_tile_generation
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON opportunities
  FOR EACH STATEMENT EXECUTE FUNCTION terrier_bump_tile_generation();
CREATE TRIGGER needs_tile_generation
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON needs
  FOR EACH STATEMENT EXECUTE FUNCTION terrier_bump_tile_generation();
CREATE TRIGGER places_tile_generation
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON places
  FOR EACH STATEMENT EXECUTE FUNCTION terrier_bump_tile_generation();
CREATE TRIGGER territories_tile_generation
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON territories
  FOR EACH STATEMENT EXECUTE FUNCTION terrier_bump_tile_generation();
