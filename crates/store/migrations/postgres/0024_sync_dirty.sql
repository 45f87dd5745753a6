-- Incremental sync: see the SQLite migration of the same number. Statement triggers with transition tables,
-- so that a bulk write marks its records in one statement, and does nothing where no sync is set up.
CREATE TABLE sync_dirty (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity TEXT NOT NULL,
    key BIGINT NOT NULL
);
CREATE TABLE sync_record (
    commune_id BIGINT NOT NULL,
    entity TEXT NOT NULL,
    key BIGINT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (commune_id, entity, key)
);
CREATE INDEX sync_record_key ON sync_record (entity, key);
CREATE TABLE sync_built (commune_id BIGINT PRIMARY KEY);
CREATE FUNCTION sync_dirty_support_programme() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sync_peer) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'programme', R.id FROM new_rows R;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'programme', R.id FROM old_rows R;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sync_dirty_support_programme_insert AFTER INSERT ON support_programme REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_support_programme();
CREATE TRIGGER sync_dirty_support_programme_update AFTER UPDATE ON support_programme REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_support_programme();
CREATE TRIGGER sync_dirty_support_programme_delete AFTER DELETE ON support_programme REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_support_programme();
CREATE FUNCTION sync_dirty_programme_cost() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sync_peer) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'programme', R.programme_id FROM new_rows R;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'programme', R.programme_id FROM old_rows R;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sync_dirty_programme_cost_insert AFTER INSERT ON programme_cost REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_programme_cost();
CREATE TRIGGER sync_dirty_programme_cost_update AFTER UPDATE ON programme_cost REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_programme_cost();
CREATE TRIGGER sync_dirty_programme_cost_delete AFTER DELETE ON programme_cost REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_programme_cost();
CREATE FUNCTION sync_dirty_plan_target() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sync_peer) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'target', R.unit_id FROM new_rows R;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'target', R.unit_id FROM old_rows R;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sync_dirty_plan_target_insert AFTER INSERT ON plan_target REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_plan_target();
CREATE TRIGGER sync_dirty_plan_target_update AFTER UPDATE ON plan_target REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_plan_target();
CREATE TRIGGER sync_dirty_plan_target_delete AFTER DELETE ON plan_target REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_plan_target();
CREATE FUNCTION sync_dirty_account() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sync_peer) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'account', R.id FROM new_rows R;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'account', R.id FROM old_rows R;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sync_dirty_account_insert AFTER INSERT ON account REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_account();
CREATE TRIGGER sync_dirty_account_update AFTER UPDATE ON account REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_account();
CREATE TRIGGER sync_dirty_account_delete AFTER DELETE ON account REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_account();
CREATE FUNCTION sync_dirty_unit() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sync_peer) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'village', R.id FROM new_rows R;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'village', R.id FROM old_rows R;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sync_dirty_unit_insert AFTER INSERT ON unit REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_unit();
CREATE TRIGGER sync_dirty_unit_update AFTER UPDATE ON unit REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_unit();
CREATE TRIGGER sync_dirty_unit_delete AFTER DELETE ON unit REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_unit();
CREATE FUNCTION sync_dirty_unit_parent() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sync_peer) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'village', R.unit_id FROM new_rows R;
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'account', x.id FROM new_rows R JOIN account x ON x.unit_id = R.unit_id;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'village', R.unit_id FROM old_rows R;
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'account', x.id FROM old_rows R JOIN account x ON x.unit_id = R.unit_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sync_dirty_unit_parent_insert AFTER INSERT ON unit_parent REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_unit_parent();
CREATE TRIGGER sync_dirty_unit_parent_update AFTER UPDATE ON unit_parent REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_unit_parent();
CREATE TRIGGER sync_dirty_unit_parent_delete AFTER DELETE ON unit_parent REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_unit_parent();
CREATE FUNCTION sync_dirty_person() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sync_peer) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'household', x.household_id FROM new_rows R JOIN membership x ON x.person_id = R.id;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'household', x.household_id FROM old_rows R JOIN membership x ON x.person_id = R.id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sync_dirty_person_insert AFTER INSERT ON person REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_person();
CREATE TRIGGER sync_dirty_person_update AFTER UPDATE ON person REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_person();
CREATE TRIGGER sync_dirty_person_delete AFTER DELETE ON person REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_person();
CREATE FUNCTION sync_dirty_household() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sync_peer) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'household', R.id FROM new_rows R;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'household', R.id FROM old_rows R;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sync_dirty_household_insert AFTER INSERT ON household REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_household();
CREATE TRIGGER sync_dirty_household_update AFTER UPDATE ON household REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_household();
CREATE TRIGGER sync_dirty_household_delete AFTER DELETE ON household REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_household();
CREATE FUNCTION sync_dirty_residence() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sync_peer) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'household', R.household_id FROM new_rows R;
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'review', x.id FROM new_rows R JOIN review x ON x.household_id = R.household_id;
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'support', x.id FROM new_rows R JOIN support x ON x.household_id = R.household_id;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'household', R.household_id FROM old_rows R;
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'review', x.id FROM old_rows R JOIN review x ON x.household_id = R.household_id;
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'support', x.id FROM old_rows R JOIN support x ON x.household_id = R.household_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sync_dirty_residence_insert AFTER INSERT ON residence REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_residence();
CREATE TRIGGER sync_dirty_residence_update AFTER UPDATE ON residence REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_residence();
CREATE TRIGGER sync_dirty_residence_delete AFTER DELETE ON residence REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_residence();
CREATE FUNCTION sync_dirty_membership() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sync_peer) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'household', R.household_id FROM new_rows R;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'household', R.household_id FROM old_rows R;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sync_dirty_membership_insert AFTER INSERT ON membership REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_membership();
CREATE TRIGGER sync_dirty_membership_update AFTER UPDATE ON membership REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_membership();
CREATE TRIGGER sync_dirty_membership_delete AFTER DELETE ON membership REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_membership();
CREATE FUNCTION sync_dirty_household_event() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sync_peer) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'household', R.household_id FROM new_rows R;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'household', R.household_id FROM old_rows R;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sync_dirty_household_event_insert AFTER INSERT ON household_event REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_household_event();
CREATE TRIGGER sync_dirty_household_event_update AFTER UPDATE ON household_event REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_household_event();
CREATE TRIGGER sync_dirty_household_event_delete AFTER DELETE ON household_event REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_household_event();
CREATE FUNCTION sync_dirty_review() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sync_peer) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'review', R.id FROM new_rows R;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'review', R.id FROM old_rows R;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sync_dirty_review_insert AFTER INSERT ON review REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_review();
CREATE TRIGGER sync_dirty_review_update AFTER UPDATE ON review REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_review();
CREATE TRIGGER sync_dirty_review_delete AFTER DELETE ON review REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_review();
CREATE FUNCTION sync_dirty_support() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sync_peer) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'support', R.id FROM new_rows R;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'support', R.id FROM old_rows R;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sync_dirty_support_insert AFTER INSERT ON support REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_support();
CREATE TRIGGER sync_dirty_support_update AFTER UPDATE ON support REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_support();
CREATE TRIGGER sync_dirty_support_delete AFTER DELETE ON support REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_support();
CREATE FUNCTION sync_dirty_review_round() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sync_peer) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'round', R.id FROM new_rows R;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'round', R.id FROM old_rows R;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sync_dirty_review_round_insert AFTER INSERT ON review_round REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_review_round();
CREATE TRIGGER sync_dirty_review_round_update AFTER UPDATE ON review_round REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_review_round();
CREATE TRIGGER sync_dirty_review_round_delete AFTER DELETE ON review_round REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_review_round();
CREATE FUNCTION sync_dirty_round_case() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sync_peer) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'round', R.round_id FROM new_rows R;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'round', R.round_id FROM old_rows R;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sync_dirty_round_case_insert AFTER INSERT ON round_case REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_round_case();
CREATE TRIGGER sync_dirty_round_case_update AFTER UPDATE ON round_case REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_round_case();
CREATE TRIGGER sync_dirty_round_case_delete AFTER DELETE ON round_case REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_round_case();
CREATE FUNCTION sync_dirty_village_meeting() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sync_peer) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'round', R.round_id FROM new_rows R;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'round', R.round_id FROM old_rows R;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sync_dirty_village_meeting_insert AFTER INSERT ON village_meeting REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_village_meeting();
CREATE TRIGGER sync_dirty_village_meeting_update AFTER UPDATE ON village_meeting REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_village_meeting();
CREATE TRIGGER sync_dirty_village_meeting_delete AFTER DELETE ON village_meeting REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_village_meeting();
CREATE FUNCTION sync_dirty_meeting_vote() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sync_peer) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'round', x.round_id FROM new_rows R JOIN village_meeting x ON x.id = R.meeting_id;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'round', x.round_id FROM old_rows R JOIN village_meeting x ON x.id = R.meeting_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sync_dirty_meeting_vote_insert AFTER INSERT ON meeting_vote REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_meeting_vote();
CREATE TRIGGER sync_dirty_meeting_vote_update AFTER UPDATE ON meeting_vote REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_meeting_vote();
CREATE TRIGGER sync_dirty_meeting_vote_delete AFTER DELETE ON meeting_vote REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_meeting_vote();
CREATE FUNCTION sync_dirty_complaint() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sync_peer) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'round', R.round_id FROM new_rows R;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'round', R.round_id FROM old_rows R;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sync_dirty_complaint_insert AFTER INSERT ON complaint REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_complaint();
CREATE TRIGGER sync_dirty_complaint_update AFTER UPDATE ON complaint REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_complaint();
CREATE TRIGGER sync_dirty_complaint_delete AFTER DELETE ON complaint REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_complaint();
CREATE FUNCTION sync_dirty_certificate() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sync_peer) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'round', R.round_id FROM new_rows R;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'round', R.round_id FROM old_rows R;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sync_dirty_certificate_insert AFTER INSERT ON certificate REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_certificate();
CREATE TRIGGER sync_dirty_certificate_update AFTER UPDATE ON certificate REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_certificate();
CREATE TRIGGER sync_dirty_certificate_delete AFTER DELETE ON certificate REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_certificate();
CREATE FUNCTION sync_dirty_round_reopening() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sync_peer) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'round', R.round_id FROM new_rows R;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO sync_dirty (entity, key) SELECT DISTINCT 'round', R.round_id FROM old_rows R;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sync_dirty_round_reopening_insert AFTER INSERT ON round_reopening REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_round_reopening();
CREATE TRIGGER sync_dirty_round_reopening_update AFTER UPDATE ON round_reopening REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_round_reopening();
CREATE TRIGGER sync_dirty_round_reopening_delete AFTER DELETE ON round_reopening REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION sync_dirty_round_reopening();
