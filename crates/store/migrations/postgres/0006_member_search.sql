-- Household search: one row per current member with the household's current commune and village, kept by
-- row triggers; paused by a bulk import or reform, which rebuilds it at its end. See the SQLite migration of the
-- same number for the why and the invariant.
CREATE TABLE member_search (
    household_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    commune_id BIGINT NOT NULL,
    village_id BIGINT,
    name_fold TEXT NOT NULL,
    PRIMARY KEY (household_id, person_id)
);
CREATE INDEX member_search_commune ON member_search (commune_id, name_fold COLLATE "C");
CREATE INDEX member_search_village ON member_search (village_id, name_fold COLLATE "C");
CREATE INDEX member_search_name ON member_search (name_fold COLLATE "C");

CREATE TABLE member_search_paused (paused INTEGER NOT NULL);

INSERT INTO member_search (household_id, person_id, commune_id, village_id, name_fold)
SELECT m.household_id, m.person_id, r.commune_id, r.village_id, p.name_fold
FROM membership m JOIN residence r ON r.household_id = m.household_id AND r.valid_until IS NULL
JOIN person p ON p.id = m.person_id
WHERE m.valid_until IS NULL
ON CONFLICT DO NOTHING;

-- The rows of one household (person NULL: all its members), computed again.
CREATE FUNCTION member_search_refresh(hh BIGINT, who BIGINT) RETURNS void AS $$
BEGIN
    DELETE FROM member_search WHERE household_id = hh AND (who IS NULL OR person_id = who);
    INSERT INTO member_search (household_id, person_id, commune_id, village_id, name_fold)
    SELECT m.household_id, m.person_id, r.commune_id, r.village_id, p.name_fold
    FROM membership m JOIN residence r ON r.household_id = m.household_id AND r.valid_until IS NULL
    JOIN person p ON p.id = m.person_id
    WHERE m.household_id = hh AND (who IS NULL OR m.person_id = who) AND m.valid_until IS NULL
    ON CONFLICT DO NOTHING;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION member_search_membership() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM member_search_paused) THEN RETURN NULL; END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM member_search_refresh(OLD.household_id, OLD.person_id); END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM member_search_refresh(NEW.household_id, NEW.person_id); END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER member_search_membership AFTER INSERT OR UPDATE OR DELETE ON membership
FOR EACH ROW EXECUTE FUNCTION member_search_membership();

CREATE FUNCTION member_search_residence() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM member_search_paused) THEN RETURN NULL; END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM member_search_refresh(OLD.household_id, NULL); END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM member_search_refresh(NEW.household_id, NULL); END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER member_search_residence AFTER INSERT OR UPDATE OR DELETE ON residence
FOR EACH ROW EXECUTE FUNCTION member_search_residence();

CREATE FUNCTION member_search_person() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM member_search_paused) THEN RETURN NULL; END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NEW.name_fold IS DISTINCT FROM OLD.name_fold THEN
            UPDATE member_search SET name_fold = NEW.name_fold WHERE person_id = NEW.id
            AND household_id IN (SELECT household_id FROM membership WHERE person_id = NEW.id);
        END IF;
    ELSE
        DELETE FROM member_search WHERE person_id = OLD.id
        AND household_id IN (SELECT household_id FROM membership WHERE person_id = OLD.id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER member_search_person AFTER UPDATE OR DELETE ON person
FOR EACH ROW EXECUTE FUNCTION member_search_person();
