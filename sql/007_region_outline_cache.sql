-- The region's outline with a margin, against which the importers and the
-- API's writes test coordinates. Computing it (the union of the
-- départements, buffered) took a third of a second per import and per API
-- write; it is kept here and forgotten whenever a territory changes.
CREATE TABLE region_outline_cache (
  margin_m double precision PRIMARY KEY,
  wkb      bytea  -- NULL: no département is loaded
);

CREATE FUNCTION terrier_forget_region_outline() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM region_outline_cache;
  RETURN NULL;
END
$$;

CREATE TRIGGER territories_forget_region_outline
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON territories
  FOR EACH STATEMENT EXECUTE FUNCTION terrier_forget_region_outline();
