/// What went wrong in the store. Database messages are kept as text; the kinds the user can act on are
/// separate variants so the web and CLI can say what to do.
#[derive(Clone, Debug, PartialEq)]
pub enum StoreError {
    /// The database cannot be opened (a bad URL, a file that is not a database, a server that is down).
    Open {
        url: String,
        message: String,
    },
    NotFound {
        what: &'static str,
        key: String,
    },
    /// A decided review was to be changed: corrections are new records.
    Immutable,
    /// An audit log entry was to be changed or removed.
    AppendOnly,
    /// The audit chain's key (`path`: its file, empty when none is configured).
    AuditKey {
        path: String,
        problem: crate::audit::KeyProblem,
    },
    /// Someone else changed the record since it was read.
    Conflict {
        what: &'static str,
        key: String,
    },
    /// Input that refers to things the registry does not have, found before anything was written.
    Rejected(Vec<Rejection>),
    /// A step of the review procedure refused (role, state, lock, dates).
    Procedure(giamngheo_core::round::RoundError),
    /// Survey results classified under another standard than the round's.
    WrongStandard {
        expected: String,
        got: String,
    },
    Db(String),
}

/// One problem with one input record, with the row it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejection {
    pub row: u64,
    pub field: &'static str,
    pub kind: RejectionKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RejectionKind {
    /// No unit with this code existed on the date.
    UnknownUnit { code: String, date: String },
    /// The same citizen ID is in another household.
    CitizenIdElsewhere {
        citizen_id: String,
        household: String,
    },
    /// The same household code twice in one file.
    DuplicateHousehold { code: String, first_row: u64 },
    /// No household with this code lived in a commune on the date.
    UnknownHousehold { code: String, date: String },
    /// The household's review of the year is decided and differs: only a correction may change it.
    AlreadyDecided { code: String, year: i32 },
    /// Income scores under a standard without score lines.
    NoScoreLines,
    /// The household is not on the round's list (a request, Mẫu 01, adds it).
    NotOnList { code: String },
    /// The procedure refuses this household's step.
    Procedure {
        code: String,
        error: giamngheo_core::round::RoundError,
    },
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        let msg = e.to_string();
        if msg.contains("giamngheo: decided review records are immutable") {
            StoreError::Immutable
        } else if msg.contains("giamngheo: the audit log is append-only") {
            StoreError::AppendOnly
        } else {
            StoreError::Db(msg)
        }
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        let msg = match e.as_db_error() {
            Some(db) => db.message().to_owned(),
            None => e.to_string(),
        };
        if msg.contains("giamngheo: decided review records are immutable") {
            StoreError::Immutable
        } else if msg.contains("giamngheo: the audit log is append-only") {
            StoreError::AppendOnly
        } else {
            StoreError::Db(msg)
        }
    }
}
