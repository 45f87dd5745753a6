-- Search from any word of a name (issue 13: "xuan" and "thi xuan" find "Nguyễn Thị Xuân") as one index range.
-- Migration 0017 tested every name of the account's commune for a later word starting with the query: 40 ms in
-- a commune of 111,383 households, and 377 searches a second at 16 connections. This table holds, for each
-- row of member_search, the name's tail from each later word ("thi xuan", "xuan"), so the search from a later
-- word reads (commune, tail) or (village, tail) like the search from the first word reads member_search.
--
-- Invariant: member_word = { (ms.household_id, ms.person_id, i, ms.commune_id, ms.village_id,
-- substr(ms.name_fold, i + 1)) } for every row ms of member_search and every position i of a space in its
-- name. Kept by the triggers on member_search below (so whatever keeps member_search keeps this table); a bulk
-- write drops or disables them with member_search's own (their names share its prefix) and the rebuild fills
-- both tables (`households::rebuild_member_search`).
CREATE TABLE search_position (i INTEGER PRIMARY KEY);
-- A person's name has at most 100 characters; folding can lengthen a few letters, so twice that.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
INSERT INTO search_position (i) SELECT i FROM n;

CREATE TABLE member_word (
    household_id INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    word_at INTEGER NOT NULL,
    commune_id INTEGER NOT NULL,
    village_id INTEGER,
    tail TEXT NOT NULL,
    PRIMARY KEY (household_id, person_id, word_at)
) WITHOUT ROWID;

INSERT INTO member_word (household_id, person_id, word_at, commune_id, village_id, tail)
SELECT ms.household_id, ms.person_id, s.i, ms.commune_id, ms.village_id, substr(ms.name_fold, s.i + 1)
FROM member_search ms JOIN search_position s ON s.i < length(ms.name_fold)
WHERE substr(ms.name_fold, s.i, 1) = ' ';

CREATE INDEX member_word_commune ON member_word (commune_id, tail, village_id);
CREATE INDEX member_word_village ON member_word (village_id, tail, commune_id);
CREATE INDEX member_word_tail ON member_word (tail);

-- The rows of a member_search row, computed again (a REPLACE into member_search fires no delete trigger, so
-- the insert clears first).
CREATE TRIGGER member_search_word_insert AFTER INSERT ON member_search
BEGIN
    DELETE FROM member_word WHERE household_id = NEW.household_id AND person_id = NEW.person_id;
    INSERT INTO member_word (household_id, person_id, word_at, commune_id, village_id, tail)
    SELECT NEW.household_id, NEW.person_id, s.i, NEW.commune_id, NEW.village_id, substr(NEW.name_fold, s.i + 1)
    FROM search_position s WHERE s.i < length(NEW.name_fold) AND substr(NEW.name_fold, s.i, 1) = ' ';
END;
CREATE TRIGGER member_search_word_update AFTER UPDATE ON member_search
BEGIN
    DELETE FROM member_word WHERE household_id = OLD.household_id AND person_id = OLD.person_id;
    DELETE FROM member_word WHERE household_id = NEW.household_id AND person_id = NEW.person_id;
    INSERT INTO member_word (household_id, person_id, word_at, commune_id, village_id, tail)
    SELECT NEW.household_id, NEW.person_id, s.i, NEW.commune_id, NEW.village_id, substr(NEW.name_fold, s.i + 1)
    FROM search_position s WHERE s.i < length(NEW.name_fold) AND substr(NEW.name_fold, s.i, 1) = ' ';
END;
CREATE TRIGGER member_search_word_delete AFTER DELETE ON member_search
BEGIN
    DELETE FROM member_word WHERE household_id = OLD.household_id AND person_id = OLD.person_id;
END;
