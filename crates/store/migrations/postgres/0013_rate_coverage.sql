-- A year's rates cover the communes that reported and say how many they are of the unit's communes (issue 13:
-- one commune's results must never read as a province's rate). The remembered results are recomputed.
ALTER TABLE rate_results ADD COLUMN communes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rate_results ADD COLUMN communes_reported INTEGER NOT NULL DEFAULT 0;
DELETE FROM rate_results;
