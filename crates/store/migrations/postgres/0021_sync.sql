-- Sync between a commune's database and its province's server: see the SQLite migration of the same number.
-- The other side of each sync: on the server, one row for each commune database it made (its origin, its
-- commune and the key their bundles are signed with); on a commune's database, one row for its server.
CREATE TABLE sync_peer (
    peer TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('server', 'commune')),
    commune_id BIGINT NOT NULL REFERENCES unit (id),
    origin BIGINT NOT NULL,
    key_hex TEXT NOT NULL,
    -- On the server: the account the commune's device syncs as (its role and units bound every change).
    account_id BIGINT REFERENCES account (id),
    created_at TEXT NOT NULL,
    -- On a commune's database: the server's address, when it was made over HTTP.
    url TEXT,
    last_sent_at TEXT,
    last_received_at TEXT,
    -- The other side's digest of the commune's data, as its last bundle gave it.
    their_digest TEXT
);
-- What both sides held of each record at the last sync (the hash of its rows): a record whose hash here differs
-- from its base changed here since.
CREATE TABLE sync_base (
    peer TEXT NOT NULL,
    entity TEXT NOT NULL,
    key BIGINT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (peer, entity, key)
);
-- On a commune's database: the records taken from the server's last bundle, told back to it in the next one
-- (the server then knows what the commune holds).
CREATE TABLE sync_ack (
    peer TEXT NOT NULL,
    entity TEXT NOT NULL,
    key BIGINT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (peer, entity, key)
);
-- A record changed on both sides: the server's version is kept on both, the commune's is here, until an
-- officer chooses. A round changed on the server while the commune decided it offline is refused (kind
-- 'refused'), with the reason. The same rows on both sides (the id is derived from what they hold).
CREATE TABLE sync_conflict (
    id TEXT PRIMARY KEY,
    commune_id BIGINT NOT NULL,
    entity TEXT NOT NULL,
    key BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('conflict', 'refused')),
    kept_hash TEXT,
    theirs_hash TEXT NOT NULL,
    theirs TEXT NOT NULL,
    reason TEXT NOT NULL,
    detected_at TEXT NOT NULL,
    resolved_at TEXT,
    resolution TEXT CHECK (resolution IN ('kept', 'theirs'))
);
CREATE INDEX sync_conflict_open ON sync_conflict (commune_id, resolved_at);
