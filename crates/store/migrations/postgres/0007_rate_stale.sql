-- Changes mark the communes they touch instead of emptying the whole rates cache: see the SQLite migration of
-- the same number. Statement triggers with transition tables: one pass per statement, whatever its rows.
CREATE TABLE rate_stale (commune_id BIGINT PRIMARY KEY);

DROP TRIGGER rate_cache_residence ON residence;
DROP TRIGGER rate_cache_membership ON membership;
DROP TRIGGER rate_cache_person ON person;
DROP TRIGGER rate_cache_review ON review;

CREATE FUNCTION rate_stale_residence() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM rate_cached) THEN RETURN NULL; END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO rate_stale (commune_id) SELECT DISTINCT commune_id FROM old_rows ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO rate_stale (commune_id) SELECT DISTINCT commune_id FROM new_rows ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rate_stale_residence_insert AFTER INSERT ON residence
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rate_stale_residence();
CREATE TRIGGER rate_stale_residence_update AFTER UPDATE ON residence
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rate_stale_residence();
CREATE TRIGGER rate_stale_residence_delete AFTER DELETE ON residence
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rate_stale_residence();

-- A membership counts through the head's ethnicity, on every day the household lived anywhere; as in 0005, a
-- new membership alone changes no count.
CREATE FUNCTION rate_stale_membership() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM rate_cached) THEN RETURN NULL; END IF;
    INSERT INTO rate_stale (commune_id) SELECT DISTINCT r.commune_id FROM residence r
    WHERE r.household_id IN (SELECT household_id FROM old_rows) ON CONFLICT DO NOTHING;
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO rate_stale (commune_id) SELECT DISTINCT r.commune_id FROM residence r
        WHERE r.household_id IN (SELECT household_id FROM new_rows) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rate_stale_membership_update AFTER UPDATE ON membership
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rate_stale_membership();
CREATE TRIGGER rate_stale_membership_delete AFTER DELETE ON membership
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rate_stale_membership();

CREATE FUNCTION rate_stale_person() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM rate_cached) THEN RETURN NULL; END IF;
    INSERT INTO rate_stale (commune_id) SELECT DISTINCT r.commune_id FROM membership m
    JOIN residence r ON r.household_id = m.household_id WHERE m.person_id IN (SELECT id FROM old_rows)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rate_stale_person_update AFTER UPDATE ON person
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rate_stale_person();
CREATE TRIGGER rate_stale_person_delete AFTER DELETE ON person
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rate_stale_person();

-- A review counts in its own commune; a correction also takes the record it corrects out of that one's.
CREATE FUNCTION rate_stale_review() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM rate_cached) THEN RETURN NULL; END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO rate_stale (commune_id) SELECT DISTINCT commune_id FROM old_rows ON CONFLICT DO NOTHING;
        INSERT INTO rate_stale (commune_id) SELECT DISTINCT v.commune_id FROM review v
        WHERE v.id IN (SELECT corrects_id FROM old_rows) ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO rate_stale (commune_id) SELECT DISTINCT commune_id FROM new_rows ON CONFLICT DO NOTHING;
        INSERT INTO rate_stale (commune_id) SELECT DISTINCT v.commune_id FROM review v
        WHERE v.id IN (SELECT corrects_id FROM new_rows) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rate_stale_review_insert AFTER INSERT ON review
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rate_stale_review();
CREATE TRIGGER rate_stale_review_update AFTER UPDATE ON review
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rate_stale_review();
CREATE TRIGGER rate_stale_review_delete AFTER DELETE ON review
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rate_stale_review();
