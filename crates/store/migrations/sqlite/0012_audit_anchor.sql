-- The audit chain anchored outside its table (issue 12, point 11): entries hashed with a key the database does
-- not hold, and signed checkpoints of the chain's head.

-- The id of the key whose HMAC-SHA256 is the entry's hash (core `audit::ChainKey::id`); NULL for the plain
-- SHA-256 chain of the entries written before the key, which still verify as they were.
ALTER TABLE audit_log ADD COLUMN key_id TEXT;

-- The database's identity, named in every checkpoint so that a checkpoint is never held against another
-- database (or a copy of a different history).
CREATE TABLE audit_database (id TEXT PRIMARY KEY);
INSERT INTO audit_database (id) VALUES (lower(hex(randomblob(16))));

-- The checkpoints made here, each as its signed text (the file sent to the province); `audit verify` checks the
-- chain against all of them and against any given as files.
CREATE TABLE audit_checkpoint (
    id INTEGER PRIMARY KEY,
    entries INTEGER NOT NULL,
    head TEXT NOT NULL,
    at TEXT NOT NULL,
    public_key TEXT NOT NULL,
    text TEXT NOT NULL
);

CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON audit_checkpoint
BEGIN
    SELECT RAISE(ABORT, 'giamngheo: the audit log is append-only');
END;
CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint
BEGIN
    SELECT RAISE(ABORT, 'giamngheo: the audit log is append-only');
END;
CREATE TRIGGER audit_database_no_update BEFORE UPDATE ON audit_database
BEGIN
    SELECT RAISE(ABORT, 'giamngheo: the audit log is append-only');
END;
CREATE TRIGGER audit_database_no_delete BEFORE DELETE ON audit_database
BEGIN
    SELECT RAISE(ABORT, 'giamngheo: the audit log is append-only');
END;
