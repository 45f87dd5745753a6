-- Search from any word of a name as one index range: for each row of member_search, the name's tail from each
-- later word ("thi xuan", "xuan"). See the SQLite migration of the same number for the why and the invariant.
CREATE TABLE search_position (i INTEGER PRIMARY KEY);
INSERT INTO search_position (i) SELECT generate_series(1, 200);

CREATE TABLE member_word (
    household_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    word_at INTEGER NOT NULL,
    commune_id BIGINT NOT NULL,
    village_id BIGINT,
    tail TEXT NOT NULL,
    PRIMARY KEY (household_id, person_id, word_at)
);

INSERT INTO member_word (household_id, person_id, word_at, commune_id, village_id, tail)
SELECT ms.household_id, ms.person_id, s.i, ms.commune_id, ms.village_id, substr(ms.name_fold, s.i + 1)
FROM member_search ms JOIN search_position s ON s.i < length(ms.name_fold)
WHERE substr(ms.name_fold, s.i, 1) = ' ';

-- The household and person last, as SQLite's indexes of a table keyed by them hold them: a search reads each
-- range in the same order on both backends, so both show the same first page.
CREATE INDEX member_word_commune ON member_word (commune_id, tail COLLATE "C", village_id NULLS FIRST, household_id, person_id);
CREATE INDEX member_word_village ON member_word (village_id, tail COLLATE "C", commune_id, household_id, person_id);
CREATE INDEX member_word_tail ON member_word (tail COLLATE "C", household_id, person_id);

CREATE FUNCTION member_search_word() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM member_word WHERE household_id = OLD.household_id AND person_id = OLD.person_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        DELETE FROM member_word WHERE household_id = NEW.household_id AND person_id = NEW.person_id;
        INSERT INTO member_word (household_id, person_id, word_at, commune_id, village_id, tail)
        SELECT NEW.household_id, NEW.person_id, s.i, NEW.commune_id, NEW.village_id, substr(NEW.name_fold, s.i + 1)
        FROM search_position s WHERE s.i < length(NEW.name_fold) AND substr(NEW.name_fold, s.i, 1) = ' ';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER member_search_word AFTER INSERT OR UPDATE OR DELETE ON member_search
FOR EACH ROW EXECUTE FUNCTION member_search_word();
