-- A cache of the counts the rates reports sum (issue 5: a province of 1 million households, ten years, in under
-- 200 ms): resident households per review day and place, and periodic reviews per year and place, each filled
-- the first time a report asks for that day or year. Any change to the tables they count from empties
-- rate_cached (and the results computed from it), so a stale count is never read; the next report recounts.
CREATE TABLE rate_households (
    day TEXT NOT NULL,
    commune_id BIGINT NOT NULL,
    village_id BIGINT,
    area TEXT NOT NULL,
    -- The head's ethnicity on that day (NULL: no head then); judged minority or not by the program.
    ethnicity TEXT,
    households BIGINT NOT NULL
);
CREATE INDEX rate_households_day ON rate_households (day);

CREATE TABLE rate_reviews (
    year BIGINT NOT NULL,
    commune_id BIGINT NOT NULL,
    village_id BIGINT,
    area TEXT NOT NULL,
    ethnic_minority BIGINT NOT NULL,
    class TEXT NOT NULL,
    standard_id TEXT NOT NULL,
    reviews BIGINT NOT NULL
);
CREATE INDEX rate_reviews_year ON rate_reviews (year);

-- The rates of one unit on one boundary date, per year and review day, as a report computed them from the
-- counts above: read back while those counts are valid (their marks in rate_cached), emptied with them.
CREATE TABLE rate_results (
    unit_id BIGINT NOT NULL,
    boundaries TEXT NOT NULL,
    year BIGINT NOT NULL,
    day TEXT NOT NULL,
    standard_id TEXT,
    households BIGINT NOT NULL,
    poor BIGINT NOT NULL,
    near_poor BIGINT NOT NULL,
    urban_households BIGINT NOT NULL,
    urban_poor BIGINT NOT NULL,
    urban_near_poor BIGINT NOT NULL,
    rural_households BIGINT NOT NULL,
    rural_poor BIGINT NOT NULL,
    rural_near_poor BIGINT NOT NULL,
    em_households BIGINT NOT NULL,
    em_poor BIGINT NOT NULL,
    em_near_poor BIGINT NOT NULL,
    PRIMARY KEY (unit_id, boundaries, year, day)
);

-- Which days ('households') and years ('reviews') the two tables hold valid counts for.
CREATE TABLE rate_cached (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
-- Statement triggers: one clearing per statement, whatever the number of rows.
CREATE FUNCTION rate_cache_clear() RETURNS trigger AS $$
BEGIN
    DELETE FROM rate_cached;
    DELETE FROM rate_results;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rate_cache_residence AFTER INSERT OR UPDATE OR DELETE ON residence
FOR EACH STATEMENT EXECUTE FUNCTION rate_cache_clear();
CREATE TRIGGER rate_cache_membership AFTER INSERT OR UPDATE OR DELETE ON membership
FOR EACH STATEMENT EXECUTE FUNCTION rate_cache_clear();
CREATE TRIGGER rate_cache_person AFTER INSERT OR UPDATE OR DELETE ON person
FOR EACH STATEMENT EXECUTE FUNCTION rate_cache_clear();
CREATE TRIGGER rate_cache_review AFTER INSERT OR UPDATE OR DELETE ON review
FOR EACH STATEMENT EXECUTE FUNCTION rate_cache_clear();
CREATE TRIGGER rate_cache_unit_parent AFTER INSERT OR UPDATE OR DELETE ON unit_parent
FOR EACH STATEMENT EXECUTE FUNCTION rate_cache_clear();
