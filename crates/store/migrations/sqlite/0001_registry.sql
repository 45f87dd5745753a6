-- The registry: units over time, households, people, memberships, events, reviews.
-- Dates are ISO text (YYYY-MM-DD): text order is date order. valid_from NULL = since before the records;
-- valid_until NULL = still valid; both inclusive.

CREATE TABLE unit (
    id INTEGER PRIMARY KEY,
    level TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune', 'village')),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    short_name TEXT NOT NULL,
    name_fold TEXT NOT NULL,
    valid_from TEXT,
    valid_until TEXT,
    lat REAL,
    lon REAL
);
CREATE UNIQUE INDEX unit_level_code_from ON unit (level, code, coalesce(valid_from, ''));
CREATE INDEX unit_code ON unit (code);

CREATE TABLE unit_parent (
    unit_id INTEGER NOT NULL REFERENCES unit (id),
    parent_id INTEGER NOT NULL REFERENCES unit (id),
    valid_from TEXT,
    valid_until TEXT
);
CREATE INDEX unit_parent_unit ON unit_parent (unit_id);
CREATE INDEX unit_parent_parent ON unit_parent (parent_id);

CREATE TABLE unit_lineage (
    from_id INTEGER NOT NULL REFERENCES unit (id),
    to_id INTEGER NOT NULL REFERENCES unit (id),
    date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('merge', 'split', 'rename', 'reparent')),
    share REAL,
    default_successor INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (from_id, to_id, date)
);

CREATE TABLE household (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    registered_on TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE residence (
    household_id INTEGER NOT NULL REFERENCES household (id),
    valid_from TEXT NOT NULL,
    valid_until TEXT,
    commune_id INTEGER NOT NULL REFERENCES unit (id),
    village_id INTEGER REFERENCES unit (id),
    area TEXT NOT NULL CHECK (area IN ('rural', 'urban')),
    address TEXT NOT NULL
);
CREATE INDEX residence_household ON residence (household_id, valid_from);
CREATE INDEX residence_commune ON residence (commune_id);
CREATE INDEX residence_village ON residence (village_id);

CREATE TABLE person (
    id INTEGER PRIMARY KEY,
    full_name TEXT NOT NULL,
    name_fold TEXT NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    birth_date TEXT NOT NULL,
    ethnicity TEXT NOT NULL,
    citizen_id TEXT,
    death_date TEXT
);
CREATE INDEX person_name_fold ON person (name_fold);
CREATE INDEX person_citizen_id ON person (citizen_id);

CREATE TABLE membership (
    person_id INTEGER NOT NULL REFERENCES person (id),
    household_id INTEGER NOT NULL REFERENCES household (id),
    relation TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_until TEXT
);
CREATE INDEX membership_household ON membership (household_id, valid_from);
CREATE INDEX membership_person ON membership (person_id);

CREATE TABLE household_event (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES household (id),
    person_id INTEGER REFERENCES person (id),
    date TEXT NOT NULL,
    kind TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX household_event_household ON household_event (household_id, date);

CREATE TABLE review (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES household (id),
    year INTEGER NOT NULL,
    round TEXT NOT NULL CHECK (round IN ('periodic', 'in_year')),
    review_date TEXT NOT NULL,
    commune_id INTEGER NOT NULL REFERENCES unit (id),
    village_id INTEGER REFERENCES unit (id),
    area TEXT NOT NULL,
    ethnic_minority INTEGER NOT NULL,
    members INTEGER NOT NULL,
    standard_id TEXT NOT NULL,
    income_per_capita INTEGER,
    income_score INTEGER,
    deprivations INTEGER NOT NULL,
    deprivation_count INTEGER NOT NULL,
    computed_class TEXT NOT NULL,
    reason TEXT NOT NULL,
    decided_class TEXT,
    decided_on TEXT,
    corrects_id INTEGER REFERENCES review (id),
    facts TEXT
);
CREATE INDEX review_household ON review (household_id, year);
CREATE INDEX review_year_commune ON review (year, commune_id);
CREATE INDEX review_corrects ON review (corrects_id);

-- A decided review is a legal record: it is never changed or removed; a correction is a new record.
CREATE TRIGGER review_decided_is_immutable BEFORE UPDATE ON review
WHEN OLD.decided_on IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'giamngheo: decided review records are immutable');
END;
CREATE TRIGGER review_decided_is_not_deleted BEFORE DELETE ON review
WHEN OLD.decided_on IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'giamngheo: decided review records are immutable');
END;
