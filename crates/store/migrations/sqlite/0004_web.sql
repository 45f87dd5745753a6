-- The web app: accounts bound to a unit, the units each account may see (materialised at login on that
-- day's boundaries), the access log (reads of personal data, account changes, refusals) until the audit log
-- takes them, and feedback sent from the public commune page.

CREATE TABLE account (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('administrator', 'province_staff', 'commune_officer', 'village_reviewer', 'auditor')),
    unit_id INTEGER REFERENCES unit (id),
    password_hash TEXT NOT NULL,
    created_on TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE account_scope (
    account_id INTEGER NOT NULL REFERENCES account (id),
    unit_id INTEGER NOT NULL REFERENCES unit (id),
    PRIMARY KEY (account_id, unit_id)
);

CREATE TABLE access_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    account_id INTEGER,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX access_log_at ON access_log (at);

CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    commune_id INTEGER NOT NULL REFERENCES unit (id),
    received_at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('feedback', 'complaint')),
    name TEXT NOT NULL,
    contact TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new'
);
CREATE INDEX feedback_commune ON feedback (commune_id, received_at);
