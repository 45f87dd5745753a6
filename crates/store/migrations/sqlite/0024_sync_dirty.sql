-- Incremental sync (issue 16): the records a write touched are marked in sync_dirty by triggers (only where a
-- sync is set up), and sync_record keeps each record's hash for the communes whose records were read once
-- (sync_built), so that a sync reads only what changed since instead of every record of the commune.
-- A record's communes follow the store's own definition (sync.rs, keys_of_commune); a residence marks its
-- household's reviews and support too, since they belong to the communes the household lived in.
CREATE TABLE sync_dirty (
    seq INTEGER PRIMARY KEY,
    entity TEXT NOT NULL,
    key INTEGER NOT NULL
);
-- commune_id 0: a record of every commune (the support programmes).
CREATE TABLE sync_record (
    commune_id INTEGER NOT NULL,
    entity TEXT NOT NULL,
    key INTEGER NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (commune_id, entity, key)
);
CREATE INDEX sync_record_key ON sync_record (entity, key);
CREATE TABLE sync_built (commune_id INTEGER PRIMARY KEY);
CREATE TRIGGER sync_dirty_support_programme_insert AFTER INSERT ON support_programme
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('programme', NEW.id);
END;
CREATE TRIGGER sync_dirty_support_programme_update AFTER UPDATE ON support_programme
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('programme', OLD.id);
    INSERT INTO sync_dirty (entity, key) VALUES ('programme', NEW.id);
END;
CREATE TRIGGER sync_dirty_support_programme_delete AFTER DELETE ON support_programme
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('programme', OLD.id);
END;
CREATE TRIGGER sync_dirty_programme_cost_insert AFTER INSERT ON programme_cost
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('programme', NEW.programme_id);
END;
CREATE TRIGGER sync_dirty_programme_cost_update AFTER UPDATE ON programme_cost
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('programme', OLD.programme_id);
    INSERT INTO sync_dirty (entity, key) VALUES ('programme', NEW.programme_id);
END;
CREATE TRIGGER sync_dirty_programme_cost_delete AFTER DELETE ON programme_cost
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('programme', OLD.programme_id);
END;
CREATE TRIGGER sync_dirty_plan_target_insert AFTER INSERT ON plan_target
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('target', NEW.unit_id);
END;
CREATE TRIGGER sync_dirty_plan_target_update AFTER UPDATE ON plan_target
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('target', OLD.unit_id);
    INSERT INTO sync_dirty (entity, key) VALUES ('target', NEW.unit_id);
END;
CREATE TRIGGER sync_dirty_plan_target_delete AFTER DELETE ON plan_target
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('target', OLD.unit_id);
END;
CREATE TRIGGER sync_dirty_account_insert AFTER INSERT ON account
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('account', NEW.id);
END;
CREATE TRIGGER sync_dirty_account_update AFTER UPDATE ON account
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('account', OLD.id);
    INSERT INTO sync_dirty (entity, key) VALUES ('account', NEW.id);
END;
CREATE TRIGGER sync_dirty_account_delete AFTER DELETE ON account
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('account', OLD.id);
END;
CREATE TRIGGER sync_dirty_unit_insert AFTER INSERT ON unit
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('village', NEW.id);
END;
CREATE TRIGGER sync_dirty_unit_update AFTER UPDATE ON unit
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('village', OLD.id);
    INSERT INTO sync_dirty (entity, key) VALUES ('village', NEW.id);
END;
CREATE TRIGGER sync_dirty_unit_delete AFTER DELETE ON unit
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('village', OLD.id);
END;
CREATE TRIGGER sync_dirty_unit_parent_insert AFTER INSERT ON unit_parent
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('village', NEW.unit_id);
    INSERT INTO sync_dirty (entity, key) SELECT 'account', x.id FROM account x WHERE x.unit_id = NEW.unit_id;
END;
CREATE TRIGGER sync_dirty_unit_parent_update AFTER UPDATE ON unit_parent
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('village', OLD.unit_id);
    INSERT INTO sync_dirty (entity, key) SELECT 'account', x.id FROM account x WHERE x.unit_id = OLD.unit_id;
    INSERT INTO sync_dirty (entity, key) VALUES ('village', NEW.unit_id);
    INSERT INTO sync_dirty (entity, key) SELECT 'account', x.id FROM account x WHERE x.unit_id = NEW.unit_id;
END;
CREATE TRIGGER sync_dirty_unit_parent_delete AFTER DELETE ON unit_parent
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('village', OLD.unit_id);
    INSERT INTO sync_dirty (entity, key) SELECT 'account', x.id FROM account x WHERE x.unit_id = OLD.unit_id;
END;
CREATE TRIGGER sync_dirty_person_insert AFTER INSERT ON person
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) SELECT 'household', x.household_id FROM membership x WHERE x.person_id = NEW.id;
END;
CREATE TRIGGER sync_dirty_person_update AFTER UPDATE ON person
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) SELECT 'household', x.household_id FROM membership x WHERE x.person_id = OLD.id;
    INSERT INTO sync_dirty (entity, key) SELECT 'household', x.household_id FROM membership x WHERE x.person_id = NEW.id;
END;
CREATE TRIGGER sync_dirty_person_delete AFTER DELETE ON person
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) SELECT 'household', x.household_id FROM membership x WHERE x.person_id = OLD.id;
END;
CREATE TRIGGER sync_dirty_household_insert AFTER INSERT ON household
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('household', NEW.id);
END;
CREATE TRIGGER sync_dirty_household_update AFTER UPDATE ON household
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('household', OLD.id);
    INSERT INTO sync_dirty (entity, key) VALUES ('household', NEW.id);
END;
CREATE TRIGGER sync_dirty_household_delete AFTER DELETE ON household
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('household', OLD.id);
END;
CREATE TRIGGER sync_dirty_residence_insert AFTER INSERT ON residence
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('household', NEW.household_id);
    INSERT INTO sync_dirty (entity, key) SELECT 'review', x.id FROM review x WHERE x.household_id = NEW.household_id;
    INSERT INTO sync_dirty (entity, key) SELECT 'support', x.id FROM support x WHERE x.household_id = NEW.household_id;
END;
CREATE TRIGGER sync_dirty_residence_update AFTER UPDATE ON residence
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('household', OLD.household_id);
    INSERT INTO sync_dirty (entity, key) SELECT 'review', x.id FROM review x WHERE x.household_id = OLD.household_id;
    INSERT INTO sync_dirty (entity, key) SELECT 'support', x.id FROM support x WHERE x.household_id = OLD.household_id;
    INSERT INTO sync_dirty (entity, key) VALUES ('household', NEW.household_id);
    INSERT INTO sync_dirty (entity, key) SELECT 'review', x.id FROM review x WHERE x.household_id = NEW.household_id;
    INSERT INTO sync_dirty (entity, key) SELECT 'support', x.id FROM support x WHERE x.household_id = NEW.household_id;
END;
CREATE TRIGGER sync_dirty_residence_delete AFTER DELETE ON residence
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('household', OLD.household_id);
    INSERT INTO sync_dirty (entity, key) SELECT 'review', x.id FROM review x WHERE x.household_id = OLD.household_id;
    INSERT INTO sync_dirty (entity, key) SELECT 'support', x.id FROM support x WHERE x.household_id = OLD.household_id;
END;
CREATE TRIGGER sync_dirty_membership_insert AFTER INSERT ON membership
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('household', NEW.household_id);
END;
CREATE TRIGGER sync_dirty_membership_update AFTER UPDATE ON membership
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('household', OLD.household_id);
    INSERT INTO sync_dirty (entity, key) VALUES ('household', NEW.household_id);
END;
CREATE TRIGGER sync_dirty_membership_delete AFTER DELETE ON membership
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('household', OLD.household_id);
END;
CREATE TRIGGER sync_dirty_household_event_insert AFTER INSERT ON household_event
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('household', NEW.household_id);
END;
CREATE TRIGGER sync_dirty_household_event_update AFTER UPDATE ON household_event
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('household', OLD.household_id);
    INSERT INTO sync_dirty (entity, key) VALUES ('household', NEW.household_id);
END;
CREATE TRIGGER sync_dirty_household_event_delete AFTER DELETE ON household_event
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('household', OLD.household_id);
END;
CREATE TRIGGER sync_dirty_review_insert AFTER INSERT ON review
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('review', NEW.id);
END;
CREATE TRIGGER sync_dirty_review_update AFTER UPDATE ON review
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('review', OLD.id);
    INSERT INTO sync_dirty (entity, key) VALUES ('review', NEW.id);
END;
CREATE TRIGGER sync_dirty_review_delete AFTER DELETE ON review
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('review', OLD.id);
END;
CREATE TRIGGER sync_dirty_support_insert AFTER INSERT ON support
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('support', NEW.id);
END;
CREATE TRIGGER sync_dirty_support_update AFTER UPDATE ON support
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('support', OLD.id);
    INSERT INTO sync_dirty (entity, key) VALUES ('support', NEW.id);
END;
CREATE TRIGGER sync_dirty_support_delete AFTER DELETE ON support
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('support', OLD.id);
END;
CREATE TRIGGER sync_dirty_review_round_insert AFTER INSERT ON review_round
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('round', NEW.id);
END;
CREATE TRIGGER sync_dirty_review_round_update AFTER UPDATE ON review_round
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('round', OLD.id);
    INSERT INTO sync_dirty (entity, key) VALUES ('round', NEW.id);
END;
CREATE TRIGGER sync_dirty_review_round_delete AFTER DELETE ON review_round
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('round', OLD.id);
END;
CREATE TRIGGER sync_dirty_round_case_insert AFTER INSERT ON round_case
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('round', NEW.round_id);
END;
CREATE TRIGGER sync_dirty_round_case_update AFTER UPDATE ON round_case
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('round', OLD.round_id);
    INSERT INTO sync_dirty (entity, key) VALUES ('round', NEW.round_id);
END;
CREATE TRIGGER sync_dirty_round_case_delete AFTER DELETE ON round_case
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('round', OLD.round_id);
END;
CREATE TRIGGER sync_dirty_village_meeting_insert AFTER INSERT ON village_meeting
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('round', NEW.round_id);
END;
CREATE TRIGGER sync_dirty_village_meeting_update AFTER UPDATE ON village_meeting
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('round', OLD.round_id);
    INSERT INTO sync_dirty (entity, key) VALUES ('round', NEW.round_id);
END;
CREATE TRIGGER sync_dirty_village_meeting_delete AFTER DELETE ON village_meeting
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('round', OLD.round_id);
END;
CREATE TRIGGER sync_dirty_meeting_vote_insert AFTER INSERT ON meeting_vote
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) SELECT 'round', x.round_id FROM village_meeting x WHERE x.id = NEW.meeting_id;
END;
CREATE TRIGGER sync_dirty_meeting_vote_update AFTER UPDATE ON meeting_vote
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) SELECT 'round', x.round_id FROM village_meeting x WHERE x.id = OLD.meeting_id;
    INSERT INTO sync_dirty (entity, key) SELECT 'round', x.round_id FROM village_meeting x WHERE x.id = NEW.meeting_id;
END;
CREATE TRIGGER sync_dirty_meeting_vote_delete AFTER DELETE ON meeting_vote
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) SELECT 'round', x.round_id FROM village_meeting x WHERE x.id = OLD.meeting_id;
END;
CREATE TRIGGER sync_dirty_complaint_insert AFTER INSERT ON complaint
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('round', NEW.round_id);
END;
CREATE TRIGGER sync_dirty_complaint_update AFTER UPDATE ON complaint
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('round', OLD.round_id);
    INSERT INTO sync_dirty (entity, key) VALUES ('round', NEW.round_id);
END;
CREATE TRIGGER sync_dirty_complaint_delete AFTER DELETE ON complaint
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('round', OLD.round_id);
END;
CREATE TRIGGER sync_dirty_certificate_insert AFTER INSERT ON certificate
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('round', NEW.round_id);
END;
CREATE TRIGGER sync_dirty_certificate_update AFTER UPDATE ON certificate
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('round', OLD.round_id);
    INSERT INTO sync_dirty (entity, key) VALUES ('round', NEW.round_id);
END;
CREATE TRIGGER sync_dirty_certificate_delete AFTER DELETE ON certificate
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('round', OLD.round_id);
END;
CREATE TRIGGER sync_dirty_round_reopening_insert AFTER INSERT ON round_reopening
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('round', NEW.round_id);
END;
CREATE TRIGGER sync_dirty_round_reopening_update AFTER UPDATE ON round_reopening
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('round', OLD.round_id);
    INSERT INTO sync_dirty (entity, key) VALUES ('round', NEW.round_id);
END;
CREATE TRIGGER sync_dirty_round_reopening_delete AFTER DELETE ON round_reopening
WHEN EXISTS (SELECT 1 FROM sync_peer)
BEGIN
    INSERT INTO sync_dirty (entity, key) VALUES ('round', OLD.round_id);
END;
