-- Columns of an input file that feed no field are kept with the row, so that
-- an import never loses what people wrote.
ALTER TABLE places ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}';
ALTER TABLE needs ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}';

-- An opportunity flagged as a probable duplicate is listed for review.
CREATE INDEX opportunities_duplicate_idx ON opportunities (duplicate_of)
  WHERE duplicate_of IS NOT NULL;
