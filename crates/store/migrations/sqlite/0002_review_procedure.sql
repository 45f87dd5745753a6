-- The review procedure: rounds per commune, each household's case in a round, village meetings and their
-- votes, complaints, certificates, reopenings, support programmes and what households received, reports sent
-- upward, and the append-only, hash-chained audit log.

CREATE TABLE review_round (
    id INTEGER PRIMARY KEY,
    commune_id INTEGER NOT NULL REFERENCES unit (id),
    kind TEXT NOT NULL CHECK (kind IN ('periodic', 'in_year')),
    year INTEGER NOT NULL,
    month INTEGER,
    procedure_id TEXT NOT NULL,
    standard_id TEXT NOT NULL,
    opened_on TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'posted', 'decided')),
    posted_on TEXT,
    posting_ends TEXT,
    posting_places TEXT,
    district_opinion_on TEXT,
    decided_on TEXT,
    decision_number TEXT,
    signed_by TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX review_round_periodic ON review_round (commune_id, year) WHERE kind = 'periodic';
CREATE UNIQUE INDEX review_round_in_year ON review_round (commune_id, year, month) WHERE kind = 'in_year';

CREATE TABLE round_case (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES review_round (id),
    household_id INTEGER NOT NULL REFERENCES household (id),
    village_id INTEGER REFERENCES unit (id),
    source TEXT NOT NULL CHECK (source IN ('poor_list', 'near_poor_list', 'request', 'exit_request')),
    requested_on TEXT,
    previous_class TEXT,
    poor_earlier INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    review_id INTEGER REFERENCES review (id),
    transition TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (round_id, household_id)
);
CREATE INDEX round_case_household ON round_case (household_id);

CREATE TABLE village_meeting (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES review_round (id),
    village_id INTEGER REFERENCES unit (id),
    held_on TEXT NOT NULL,
    chair TEXT NOT NULL,
    secretary TEXT NOT NULL,
    attendees INTEGER NOT NULL CHECK (attendees > 0),
    minutes TEXT
);

CREATE TABLE meeting_vote (
    meeting_id INTEGER NOT NULL REFERENCES village_meeting (id),
    case_id INTEGER NOT NULL REFERENCES round_case (id),
    votes_for INTEGER NOT NULL,
    votes_against INTEGER NOT NULL,
    agreed INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, case_id)
);

CREATE TABLE complaint (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES review_round (id),
    case_id INTEGER REFERENCES round_case (id),
    received_on TEXT NOT NULL,
    complainant TEXT NOT NULL,
    channel TEXT NOT NULL,
    content TEXT NOT NULL,
    answer TEXT,
    answered_on TEXT,
    outcome TEXT CHECK (outcome IN ('upheld', 'rejected', 'withdrawn')),
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX complaint_round ON complaint (round_id);

CREATE TABLE certificate (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES review_round (id),
    case_id INTEGER NOT NULL UNIQUE REFERENCES round_case (id),
    household_id INTEGER NOT NULL REFERENCES household (id),
    number TEXT NOT NULL,
    class TEXT NOT NULL,
    issued_on TEXT NOT NULL
);

CREATE TABLE round_reopening (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES review_round (id),
    reopened_on TEXT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    reason TEXT NOT NULL
);

CREATE TABLE support_programme (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    indicator TEXT,
    unit_id INTEGER REFERENCES unit (id)
);
INSERT INTO support_programme (id, code, name_vi, name_en, indicator) VALUES
    (1, 'health_insurance', 'Thẻ bảo hiểm y tế', 'Health insurance card', 'health_insurance'),
    (2, 'tuition', 'Miễn, giảm học phí', 'Tuition exemption or reduction', 'child_schooling'),
    (3, 'housing', 'Hỗ trợ nhà ở', 'Housing support', 'housing_quality'),
    (4, 'credit', 'Tín dụng ưu đãi (Ngân hàng Chính sách xã hội)', 'Preferential credit (Vietnam Bank for Social Policies)', NULL),
    (5, 'livelihood', 'Mô hình sinh kế, đa dạng hóa sinh kế', 'Livelihood model', 'employment'),
    (6, 'vocational_training', 'Đào tạo nghề', 'Vocational training', 'employment'),
    (7, 'water_sanitation', 'Hỗ trợ nước sinh hoạt, nhà tiêu hợp vệ sinh', 'Clean water and sanitation support', 'water'),
    (8, 'information', 'Hỗ trợ tiếp cận thông tin', 'Access to information', 'information_means');

CREATE TABLE support (
    id INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES support_programme (id),
    household_id INTEGER NOT NULL REFERENCES household (id),
    person_id INTEGER REFERENCES person (id),
    received_on TEXT NOT NULL,
    amount_vnd INTEGER,
    quantity INTEGER,
    provider TEXT NOT NULL,
    indicator TEXT,
    note TEXT
);
CREATE INDEX support_household ON support (household_id, received_on);

CREATE TABLE upward_report (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES unit (id),
    kind TEXT NOT NULL CHECK (kind IN ('monthly', 'preliminary', 'official')),
    year INTEGER NOT NULL,
    month INTEGER NOT NULL DEFAULT 0,
    submitted_on TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    UNIQUE (unit_id, kind, year, month)
);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
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
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

-- The log is append-only: the database refuses changes; the hash chain shows changes made around it.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'giamngheo: the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'giamngheo: the audit log is append-only');
END;
