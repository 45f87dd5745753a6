/// What went wrong in the store. Database messages are kept as text; the kinds the user can act on are
/// separate variants so the web and CLI can say what to do.
#[derive(Clone, Debug, PartialEq)]
pub enum StoreError {
    /// The database cannot be opened (a bad URL, a file that is not a database, a server that is down).
    Open {
        url: String,
        message: String,
    },
    /// PostgreSQL could not be reached or refused us, with the cause named (the URL shown without its password).
    Connect {
        url: String,
        cause: ConnectCause,
    },
    /// A PostgreSQL schema holds tables that are not a giamngheo registry: never replaced by the demo.
    NotOurSchema {
        url: String,
        schema: String,
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
    /// A database's origin (the block its new rows take ids from) out of range, or a second one.
    Origin {
        given: i64,
        /// The origin the database already has, if any.
        held: Option<i64>,
    },
    /// A sync bundle refused, or a sync step that cannot be taken.
    Sync(crate::sync::SyncProblem),
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
    /// A name already taken, compared without regard to case and diacritics (accounts).
    NameTaken {
        what: &'static str,
        key: String,
    },
    /// A citizen ID already held by a current member of another household: the database's unique index
    /// refused it (two writers at once; the store's own check names the row when it can).
    CitizenIdTaken,
    /// Another writer held the database longer than the wait allows (SQLite's busy timeout).
    Busy,
    /// A value the database holds that core's type refuses (a sex, a date, a relation…): written by hand or
    /// by another program. Reported rather than read as a default, so a wrong word never reaches a page.
    Corrupt {
        table: &'static str,
        column: &'static str,
        value: String,
    },
    Db(String),
}

use giamngheo_core::ids::{HouseholdCode, UnitCode};

/// One problem with one input record, with the row it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejection {
    pub row: u64,
    pub field: &'static str,
    pub kind: RejectionKind,
}

impl Rejection {
    /// Remembers `code`'s first row in `seen`; a later row of the same household is rejected, naming the first.
    pub(crate) fn repeated<'a>(
        seen: &mut std::collections::HashMap<&'a str, u64>,
        code: &'a HouseholdCode,
        row: u64,
    ) -> Option<Rejection> {
        let first = seen.insert(code.as_str(), row)?;
        Some(Rejection {
            row,
            field: "household_code",
            kind: RejectionKind::DuplicateHousehold {
                code: code.clone(),
                first_row: first,
            },
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum RejectionKind {
    /// No unit with this code existed on the date.
    UnknownUnit { code: UnitCode, date: String },
    /// The same citizen ID is in another household.
    CitizenIdElsewhere {
        citizen_id: String,
        household: HouseholdCode,
    },
    /// A citizen ID held by a current member of a household outside the actor's units (which is not named).
    CitizenIdOutsideScope { citizen_id: String },
    /// A household that exists and lives outside the actor's units.
    HouseholdOutsideScope { code: HouseholdCode },
    /// A commune outside the actor's units.
    CommuneOutsideScope { code: UnitCode },
    /// The household changed (a member joined, it moved) after the import's date.
    ChangedAfter { code: HouseholdCode, date: String },
    /// The same household code twice in one file.
    DuplicateHousehold { code: HouseholdCode, first_row: u64 },
    /// No household with this code lived in a commune on the date.
    UnknownHousehold { code: HouseholdCode, date: String },
    /// The household's review of the year is decided and differs: only a correction may change it.
    AlreadyDecided { code: HouseholdCode, year: i32 },
    /// Income scores under a standard without score lines.
    NoScoreLines,
    /// The household is not on the round's list (a request, Mẫu 01, adds it).
    NotOnList { code: HouseholdCode },
    /// The procedure refuses this household's step.
    Procedure {
        code: HouseholdCode,
        error: giamngheo_core::round::RoundError,
    },
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(f, _) = &e
            && f.code == rusqlite::ErrorCode::DatabaseBusy
        {
            return StoreError::Busy;
        }
        classify(e.to_string())
    }
}

/// The database's refusals that the store's own rules stand behind, recognised by their text (the triggers'
/// messages) or the constraint's name; anything else stays a database error.
fn classify(msg: String) -> StoreError {
    if msg.contains("giamngheo: decided review records are immutable") {
        StoreError::Immutable
    } else if msg.contains("giamngheo: the audit log is append-only") {
        StoreError::AppendOnly
    } else if msg.contains("membership.citizen_id") || msg.contains("membership_citizen_id") {
        StoreError::CitizenIdTaken
    } else if msg.contains("household.code") || msg.contains("household_code_key") {
        StoreError::Conflict {
            what: "household",
            key: String::new(),
        }
    } else {
        StoreError::Db(msg)
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        let msg = match e.as_db_error() {
            Some(db) => format!(
                "{}{}",
                db.message(),
                db.constraint()
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default()
            ),
            None => e.to_string(),
        };
        classify(msg)
    }
}

/// Why a PostgreSQL server could not be used: what a newcomer must fix, not the driver's "db error".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectCause {
    /// The server runs but has no database of that name.
    NoDatabase { name: String },
    /// The server refused the user name or password.
    Authentication { user: String },
    /// Nothing listens at that address and port (the server is stopped, or another port).
    Refused { address: String },
    /// The host name does not resolve.
    UnknownHost { host: String },
    /// The server did not answer in time.
    TimedOut { address: String },
    /// The URL itself cannot be read.
    BadUrl { message: String },
    /// Anything else, as the server or driver said it.
    Other { message: String },
}
