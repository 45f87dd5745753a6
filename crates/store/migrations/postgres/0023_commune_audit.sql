-- The audit entries of the communes' databases on their server: see the SQLite migration of the same number.
CREATE TABLE audit_commune (
    database_origin BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    origin TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    reason TEXT,
    hash TEXT NOT NULL,
    key_id TEXT,
    PRIMARY KEY (database_origin, seq)
);
CREATE TRIGGER audit_commune_append_only BEFORE UPDATE OR DELETE ON audit_commune
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
ALTER TABLE sync_peer ADD COLUMN audit_held BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sync_peer ADD COLUMN audit_key_id TEXT;
CREATE TABLE sync_withdrawn (
    review_id BIGINT PRIMARY KEY,
    conflict_id TEXT NOT NULL,
    withdrawn_at TEXT NOT NULL
);
CREATE OR REPLACE FUNCTION review_decided_is_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.decided_on IS NOT NULL AND NOT (TG_OP = 'DELETE'
        AND EXISTS (SELECT 1 FROM sync_withdrawn WHERE review_id = OLD.id)) THEN
        RAISE EXCEPTION 'giamngheo: decided review records are immutable';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
