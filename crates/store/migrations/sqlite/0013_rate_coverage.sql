-- A year's rates cover the communes that reported and say how many they are of the unit's communes, and how
-- many of the reviews counted are not decided yet (issue 13: one commune's results must never read as a
-- province's rate, nor a round still in its posting period as decided). The cache is counted again.
ALTER TABLE rate_results ADD COLUMN communes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rate_results ADD COLUMN communes_reported INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rate_results ADD COLUMN undecided INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rate_reviews ADD COLUMN decided INTEGER NOT NULL DEFAULT 1;
DELETE FROM rate_results;
DELETE FROM rate_reviews;
DELETE FROM rate_cached WHERE kind = 'reviews';
