-- A cache of the counts the rates reports sum (issue 5: a province of 1 million households, ten years, in under
-- 200 ms): resident households per review day and place, and periodic reviews per year and place, each filled
-- the first time a report asks for that day or year. Any change to the tables they count from empties
-- rate_cached (and the results computed from it), so a stale count is never read; the next report recounts.
CREATE TABLE rate_households (
    day TEXT NOT NULL,
    commune_id INTEGER NOT NULL,
    village_id INTEGER,
    area TEXT NOT NULL,
    -- The head's ethnicity on that day (NULL: no head then); judged minority or not by the program.
    ethnicity TEXT,
    households INTEGER NOT NULL
);
CREATE INDEX rate_households_day ON rate_households (day);

CREATE TABLE rate_reviews (
    year INTEGER NOT NULL,
    commune_id INTEGER NOT NULL,
    village_id INTEGER,
    area TEXT NOT NULL,
    ethnic_minority INTEGER NOT NULL,
    class TEXT NOT NULL,
    standard_id TEXT NOT NULL,
    reviews INTEGER NOT NULL
);
CREATE INDEX rate_reviews_year ON rate_reviews (year);

-- The rates of one unit on one boundary date, per year and review day, as a report computed them from the
-- counts above: read back while those counts are valid (their marks in rate_cached), emptied with them.
CREATE TABLE rate_results (
    unit_id INTEGER NOT NULL,
    boundaries TEXT NOT NULL,
    year INTEGER NOT NULL,
    day TEXT NOT NULL,
    standard_id TEXT,
    households INTEGER NOT NULL,
    poor INTEGER NOT NULL,
    near_poor INTEGER NOT NULL,
    urban_households INTEGER NOT NULL,
    urban_poor INTEGER NOT NULL,
    urban_near_poor INTEGER NOT NULL,
    rural_households INTEGER NOT NULL,
    rural_poor INTEGER NOT NULL,
    rural_near_poor INTEGER NOT NULL,
    em_households INTEGER NOT NULL,
    em_poor INTEGER NOT NULL,
    em_near_poor INTEGER NOT NULL,
    PRIMARY KEY (unit_id, boundaries, year, day)
);

-- Which days ('households') and years ('reviews') the two tables hold valid counts for.
CREATE TABLE rate_cached (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
-- Row triggers cost a check per row written, and an import writes millions: a new person or membership alone
-- never changes a count (a new household brings a residence; a new head comes with the old head's membership
-- closed or changed, an update), so inserts into person and membership have no trigger.
CREATE TRIGGER rate_cache_residence_insert AFTER INSERT ON residence
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    DELETE FROM rate_cached;
    DELETE FROM rate_results;
END;
CREATE TRIGGER rate_cache_residence_update AFTER UPDATE ON residence
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    DELETE FROM rate_cached;
    DELETE FROM rate_results;
END;
CREATE TRIGGER rate_cache_residence_delete AFTER DELETE ON residence
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    DELETE FROM rate_cached;
    DELETE FROM rate_results;
END;
CREATE TRIGGER rate_cache_membership_update AFTER UPDATE ON membership
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    DELETE FROM rate_cached;
    DELETE FROM rate_results;
END;
CREATE TRIGGER rate_cache_membership_delete AFTER DELETE ON membership
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    DELETE FROM rate_cached;
    DELETE FROM rate_results;
END;
CREATE TRIGGER rate_cache_person_update AFTER UPDATE ON person
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    DELETE FROM rate_cached;
    DELETE FROM rate_results;
END;
CREATE TRIGGER rate_cache_person_delete AFTER DELETE ON person
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    DELETE FROM rate_cached;
    DELETE FROM rate_results;
END;
CREATE TRIGGER rate_cache_review_insert AFTER INSERT ON review
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    DELETE FROM rate_cached;
    DELETE FROM rate_results;
END;
CREATE TRIGGER rate_cache_review_update AFTER UPDATE ON review
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    DELETE FROM rate_cached;
    DELETE FROM rate_results;
END;
CREATE TRIGGER rate_cache_review_delete AFTER DELETE ON review
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    DELETE FROM rate_cached;
    DELETE FROM rate_results;
END;
CREATE TRIGGER rate_cache_unit_parent_insert AFTER INSERT ON unit_parent
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    DELETE FROM rate_cached;
    DELETE FROM rate_results;
END;
CREATE TRIGGER rate_cache_unit_parent_update AFTER UPDATE ON unit_parent
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    DELETE FROM rate_cached;
    DELETE FROM rate_results;
END;
CREATE TRIGGER rate_cache_unit_parent_delete AFTER DELETE ON unit_parent
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    DELETE FROM rate_cached;
    DELETE FROM rate_results;
END;
