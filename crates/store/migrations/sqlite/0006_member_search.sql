-- Household search (issue 6: under 20 ms at the 99th percentile on 1 million households). Searching person by
-- folded name and then checking each candidate's membership, residence and the account's scope walked
-- thousands of candidates for a prefix common in the country but rare in the commune. This table holds one row
-- per current member of a household with the household's current commune and village, so a scoped search is
-- one index range on (commune, folded name) or (village, folded name).
--
-- Invariant: member_search = { (m.household_id, m.person_id, r.commune_id, r.village_id, p.name_fold) } for
-- every membership m still open, r the household's open residence, p the person. The triggers below keep it
-- after every write; a bulk import or reform pauses them (a row in member_search_paused, inside its own
-- transaction) and rebuilds the table at its end instead (`households::rebuild_member_search`).
CREATE TABLE member_search (
    household_id INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    commune_id INTEGER NOT NULL,
    village_id INTEGER,
    name_fold TEXT NOT NULL,
    PRIMARY KEY (household_id, person_id)
) WITHOUT ROWID;
CREATE INDEX member_search_commune ON member_search (commune_id, name_fold);
CREATE INDEX member_search_village ON member_search (village_id, name_fold);
CREATE INDEX member_search_name ON member_search (name_fold);

CREATE TABLE member_search_paused (paused INTEGER NOT NULL);

INSERT OR IGNORE INTO member_search (household_id, person_id, commune_id, village_id, name_fold)
SELECT m.household_id, m.person_id, r.commune_id, r.village_id, p.name_fold
FROM membership m JOIN residence r ON r.household_id = m.household_id AND r.valid_until IS NULL
JOIN person p ON p.id = m.person_id
WHERE m.valid_until IS NULL;

-- A membership changed: its (household, person) pair is computed again.
CREATE TRIGGER member_search_membership_insert AFTER INSERT ON membership
WHEN NOT EXISTS (SELECT 1 FROM member_search_paused)
BEGIN
    DELETE FROM member_search WHERE household_id = NEW.household_id AND person_id = NEW.person_id;
    INSERT OR REPLACE INTO member_search (household_id, person_id, commune_id, village_id, name_fold)
    SELECT m.household_id, m.person_id, r.commune_id, r.village_id, p.name_fold
    FROM membership m JOIN residence r ON r.household_id = m.household_id AND r.valid_until IS NULL
    JOIN person p ON p.id = m.person_id
    WHERE m.household_id = NEW.household_id AND m.person_id = NEW.person_id AND m.valid_until IS NULL;
END;
CREATE TRIGGER member_search_membership_update AFTER UPDATE ON membership
WHEN NOT EXISTS (SELECT 1 FROM member_search_paused)
BEGIN
    DELETE FROM member_search WHERE household_id = OLD.household_id AND person_id = OLD.person_id;
    DELETE FROM member_search WHERE household_id = NEW.household_id AND person_id = NEW.person_id;
    INSERT OR REPLACE INTO member_search (household_id, person_id, commune_id, village_id, name_fold)
    SELECT m.household_id, m.person_id, r.commune_id, r.village_id, p.name_fold
    FROM membership m JOIN residence r ON r.household_id = m.household_id AND r.valid_until IS NULL
    JOIN person p ON p.id = m.person_id
    WHERE m.valid_until IS NULL AND ((m.household_id = OLD.household_id AND m.person_id = OLD.person_id)
        OR (m.household_id = NEW.household_id AND m.person_id = NEW.person_id));
END;
CREATE TRIGGER member_search_membership_delete AFTER DELETE ON membership
WHEN NOT EXISTS (SELECT 1 FROM member_search_paused)
BEGIN
    DELETE FROM member_search WHERE household_id = OLD.household_id AND person_id = OLD.person_id;
    INSERT OR REPLACE INTO member_search (household_id, person_id, commune_id, village_id, name_fold)
    SELECT m.household_id, m.person_id, r.commune_id, r.village_id, p.name_fold
    FROM membership m JOIN residence r ON r.household_id = m.household_id AND r.valid_until IS NULL
    JOIN person p ON p.id = m.person_id
    WHERE m.household_id = OLD.household_id AND m.person_id = OLD.person_id AND m.valid_until IS NULL;
END;

-- A residence changed: the whole household is computed again.
CREATE TRIGGER member_search_residence_insert AFTER INSERT ON residence
WHEN NOT EXISTS (SELECT 1 FROM member_search_paused)
BEGIN
    DELETE FROM member_search WHERE household_id = NEW.household_id;
    INSERT OR REPLACE INTO member_search (household_id, person_id, commune_id, village_id, name_fold)
    SELECT m.household_id, m.person_id, r.commune_id, r.village_id, p.name_fold
    FROM membership m JOIN residence r ON r.household_id = m.household_id AND r.valid_until IS NULL
    JOIN person p ON p.id = m.person_id
    WHERE m.household_id = NEW.household_id AND m.valid_until IS NULL;
END;
CREATE TRIGGER member_search_residence_update AFTER UPDATE ON residence
WHEN NOT EXISTS (SELECT 1 FROM member_search_paused)
BEGIN
    DELETE FROM member_search WHERE household_id IN (OLD.household_id, NEW.household_id);
    INSERT OR REPLACE INTO member_search (household_id, person_id, commune_id, village_id, name_fold)
    SELECT m.household_id, m.person_id, r.commune_id, r.village_id, p.name_fold
    FROM membership m JOIN residence r ON r.household_id = m.household_id AND r.valid_until IS NULL
    JOIN person p ON p.id = m.person_id
    WHERE m.household_id IN (OLD.household_id, NEW.household_id) AND m.valid_until IS NULL;
END;
CREATE TRIGGER member_search_residence_delete AFTER DELETE ON residence
WHEN NOT EXISTS (SELECT 1 FROM member_search_paused)
BEGIN
    DELETE FROM member_search WHERE household_id = OLD.household_id;
    INSERT OR REPLACE INTO member_search (household_id, person_id, commune_id, village_id, name_fold)
    SELECT m.household_id, m.person_id, r.commune_id, r.village_id, p.name_fold
    FROM membership m JOIN residence r ON r.household_id = m.household_id AND r.valid_until IS NULL
    JOIN person p ON p.id = m.person_id
    WHERE m.household_id = OLD.household_id AND m.valid_until IS NULL;
END;

-- A renamed person: the name in each of their rows.
CREATE TRIGGER member_search_person_update AFTER UPDATE OF name_fold ON person
WHEN NOT EXISTS (SELECT 1 FROM member_search_paused)
BEGIN
    UPDATE member_search SET name_fold = NEW.name_fold
    WHERE person_id = NEW.id AND household_id IN (SELECT household_id FROM membership WHERE person_id = NEW.id);
END;
CREATE TRIGGER member_search_person_delete AFTER DELETE ON person
WHEN NOT EXISTS (SELECT 1 FROM member_search_paused)
BEGIN
    DELETE FROM member_search
    WHERE person_id = OLD.id AND household_id IN (SELECT household_id FROM membership WHERE person_id = OLD.id);
END;
