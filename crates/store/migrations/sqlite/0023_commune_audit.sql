-- The audit entries of the communes' databases on their province's server (issue 16): each commune database's
-- chain as it wrote it (its own numbers, times, actors and addresses), kept beside the server's own chain and
-- checked by `audit verify` with the key the server derived for that database. Append-only like the log.
CREATE TABLE audit_commune (
    database_origin INTEGER NOT NULL,
    seq INTEGER NOT NULL,
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
CREATE TRIGGER audit_commune_no_update BEFORE UPDATE ON audit_commune
BEGIN
    SELECT RAISE(ABORT, 'giamngheo: the audit log is append-only');
END;
CREATE TRIGGER audit_commune_no_delete BEFORE DELETE ON audit_commune
BEGIN
    SELECT RAISE(ABORT, 'giamngheo: the audit log is append-only');
END;
-- On a commune's database: the last entry of its chain the server holds (entries after it go up next).
ALTER TABLE sync_peer ADD COLUMN audit_held INTEGER NOT NULL DEFAULT 0;
-- On the server: the id of the key it derived for the commune database's chain.
ALTER TABLE sync_peer ADD COLUMN audit_key_id TEXT;
-- On a commune's database: decided reviews withdrawn because the server refused the offline decision they
-- belong to (its round had changed there). A decided review is otherwise never deleted; the one exception
-- goes through this table, which keeps each id, and the conflict list keeps the review whole.
CREATE TABLE sync_withdrawn (
    review_id INTEGER PRIMARY KEY,
    conflict_id TEXT NOT NULL,
    withdrawn_at TEXT NOT NULL
);
DROP TRIGGER review_decided_is_not_deleted;
CREATE TRIGGER review_decided_is_not_deleted BEFORE DELETE ON review
WHEN OLD.decided_on IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sync_withdrawn WHERE review_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'giamngheo: decided review records are immutable');
END;
