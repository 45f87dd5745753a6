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
