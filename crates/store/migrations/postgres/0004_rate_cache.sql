-- A cache of the counts the rates reports sum (issue 5: a province of 1 million households, ten years, in under
-- 200 ms): resident households per review day and place, and periodic reviews per year and place, each filled
-- the first time a report asks for that day or year. Any change to the tables they count from empties
-- rate_cached, so a stale count is never read; the next report recounts.
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
