-- The rates cache (0005) emptied itself on any change to the registry, so the first report after one survey
-- entry recounted the whole country (20-34 s on 1 million households). Now a change marks only the communes it
-- touches; the next report recounts those communes' rows of the cache and forgets the remembered results of
-- the units that hold them (`rates::refresh_stale`). A change to the units' tree still empties everything.
CREATE TABLE rate_stale (commune_id INTEGER PRIMARY KEY);

DROP TRIGGER rate_cache_residence_insert;
DROP TRIGGER rate_cache_residence_update;
DROP TRIGGER rate_cache_residence_delete;
DROP TRIGGER rate_cache_membership_update;
DROP TRIGGER rate_cache_membership_delete;
DROP TRIGGER rate_cache_person_update;
DROP TRIGGER rate_cache_person_delete;
DROP TRIGGER rate_cache_review_insert;
DROP TRIGGER rate_cache_review_update;
DROP TRIGGER rate_cache_review_delete;

CREATE TRIGGER rate_stale_residence_insert AFTER INSERT ON residence
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    INSERT OR IGNORE INTO rate_stale (commune_id) VALUES (NEW.commune_id);
END;
CREATE TRIGGER rate_stale_residence_update AFTER UPDATE ON residence
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    INSERT OR IGNORE INTO rate_stale (commune_id) VALUES (OLD.commune_id), (NEW.commune_id);
END;
CREATE TRIGGER rate_stale_residence_delete AFTER DELETE ON residence
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    INSERT OR IGNORE INTO rate_stale (commune_id) VALUES (OLD.commune_id);
END;
-- A membership or a person counts through the head's ethnicity, on every day the household lived anywhere.
-- As in 0005, a new membership alone changes no count (a new head comes with the old head's membership closed).
CREATE TRIGGER rate_stale_membership_update AFTER UPDATE ON membership
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    INSERT OR IGNORE INTO rate_stale (commune_id)
    SELECT commune_id FROM residence WHERE household_id IN (OLD.household_id, NEW.household_id);
END;
CREATE TRIGGER rate_stale_membership_delete AFTER DELETE ON membership
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    INSERT OR IGNORE INTO rate_stale (commune_id)
    SELECT commune_id FROM residence WHERE household_id = OLD.household_id;
END;
CREATE TRIGGER rate_stale_person_update AFTER UPDATE ON person
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    INSERT OR IGNORE INTO rate_stale (commune_id)
    SELECT r.commune_id FROM membership m JOIN residence r ON r.household_id = m.household_id WHERE m.person_id = NEW.id;
END;
CREATE TRIGGER rate_stale_person_delete AFTER DELETE ON person
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    INSERT OR IGNORE INTO rate_stale (commune_id)
    SELECT r.commune_id FROM membership m JOIN residence r ON r.household_id = m.household_id WHERE m.person_id = OLD.id;
END;
-- A review counts in its own commune; a correction also takes the record it corrects out of that one's.
CREATE TRIGGER rate_stale_review_insert AFTER INSERT ON review
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    INSERT OR IGNORE INTO rate_stale (commune_id) VALUES (NEW.commune_id);
    INSERT OR IGNORE INTO rate_stale (commune_id) SELECT commune_id FROM review WHERE id = NEW.corrects_id;
END;
CREATE TRIGGER rate_stale_review_update AFTER UPDATE ON review
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    INSERT OR IGNORE INTO rate_stale (commune_id) VALUES (OLD.commune_id), (NEW.commune_id);
    INSERT OR IGNORE INTO rate_stale (commune_id) SELECT commune_id FROM review WHERE id IN (OLD.corrects_id, NEW.corrects_id);
END;
CREATE TRIGGER rate_stale_review_delete AFTER DELETE ON review
WHEN EXISTS (SELECT 1 FROM rate_cached)
BEGIN
    INSERT OR IGNORE INTO rate_stale (commune_id) VALUES (OLD.commune_id);
    INSERT OR IGNORE INTO rate_stale (commune_id) SELECT commune_id FROM review WHERE id = OLD.corrects_id;
END;
