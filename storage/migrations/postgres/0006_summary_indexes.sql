-- The provincial summary reads numbers with one GROUP BY; the rare rows that are not numbers (not applicable,
-- skipped) and the rare notes are read through these small partial indexes instead of a second scan.
CREATE INDEX values_not_numbers ON "values" (period_id) WHERE answer <> 'value';
CREATE INDEX values_with_notes ON "values" (period_id) WHERE note IS NOT NULL;
