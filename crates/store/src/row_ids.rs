//! Ids of the rows a database creates, from its own block (migration 0020): `[origin × 2^40, (origin + 1) ×
//! 2^40)`. A commune's offline database and its province's server then never give one id to two different
//! households, people, reviews or rounds, and a row keeps its id on both sides after a sync (issue 16).
//!
//! Every insert into a table below names its id from [`next_id`]: neither SQLite's `max(rowid) + 1` nor a
//! PostgreSQL sequence knows about blocks, and both would carry on from a row another database made.

use crate::Store;
use crate::db::Conn;
use crate::error::StoreError;

/// The ids of one origin: 2^40 (a trillion) rows a table.
pub const BLOCK: i64 = 1 << 40;
/// Origins 0 to 2^23 - 1 fill an i64.
pub const ORIGINS: i64 = 1 << 23;

/// The tables whose rows a database creates with ids of its own block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdTable {
    Unit,
    Household,
    Person,
    HouseholdEvent,
    Review,
    ReviewRound,
    RoundCase,
    VillageMeeting,
    Complaint,
    Certificate,
    RoundReopening,
    Support,
    UpwardReport,
    Feedback,
    Account,
}

impl IdTable {
    const ALL: [IdTable; 15] = [
        IdTable::Unit,
        IdTable::Household,
        IdTable::Person,
        IdTable::HouseholdEvent,
        IdTable::Review,
        IdTable::ReviewRound,
        IdTable::RoundCase,
        IdTable::VillageMeeting,
        IdTable::Complaint,
        IdTable::Certificate,
        IdTable::RoundReopening,
        IdTable::Support,
        IdTable::UpwardReport,
        IdTable::Feedback,
        IdTable::Account,
    ];

    pub fn name(self) -> &'static str {
        match self {
            IdTable::Unit => "unit",
            IdTable::Household => "household",
            IdTable::Person => "person",
            IdTable::HouseholdEvent => "household_event",
            IdTable::Review => "review",
            IdTable::ReviewRound => "review_round",
            IdTable::RoundCase => "round_case",
            IdTable::VillageMeeting => "village_meeting",
            IdTable::Complaint => "complaint",
            IdTable::Certificate => "certificate",
            IdTable::RoundReopening => "round_reopening",
            IdTable::Support => "support",
            IdTable::UpwardReport => "upward_report",
            IdTable::Feedback => "feedback",
            IdTable::Account => "account",
        }
    }

    /// The next id of this database's block: the last one there plus one (one index probe from the block's
    /// end), or the block's first.
    fn sql(self) -> &'static str {
        static SQL: [std::sync::OnceLock<String>; IdTable::ALL.len()] =
            [const { std::sync::OnceLock::new() }; IdTable::ALL.len()];
        let i = IdTable::ALL.iter().position(|t| *t == self).unwrap_or(0);
        SQL[i].get_or_init(|| {
            let base = format!("(SELECT origin FROM database_origin) * {BLOCK}");
            format!(
                "SELECT coalesce(max(id), {base}) + 1 FROM {t} WHERE id >= {base} AND id < {base} + {BLOCK}",
                t = self.name()
            )
        })
    }
}

/// The next free id of `table` in this database's block. Inside a write transaction it stays free until the
/// transaction ends (SQLite lets one writer in; PostgreSQL's writers take the audit chain's lock first).
pub(crate) fn next_id(conn: &mut Conn, table: IdTable) -> Result<i64, StoreError> {
    crate::audit::lock_writers(conn)?;
    Ok(conn
        .query_built(table.sql(), &[])?
        .first()
        .and_then(|r| r[0].int())
        .unwrap_or(1))
}

impl Store {
    /// This database's origin: 0 for a province's server and every database made before sync.
    pub fn origin(&mut self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_int("SELECT origin FROM database_origin", &[])?
            .unwrap_or(0))
    }
}

impl Store {
    /// Gives this database its origin (a commune's database, made from its province's server): the rows it
    /// creates from now on take ids of that block. Given once: a database that has an origin keeps it.
    pub fn set_origin(&mut self, origin: i64) -> Result<(), StoreError> {
        if !(1..ORIGINS).contains(&origin) {
            return Err(StoreError::Origin {
                given: origin,
                held: None,
            });
        }
        self.conn.transaction(|c| {
            let now = c
                .query_int("SELECT origin FROM database_origin", &[])?
                .unwrap_or(0);
            if now != 0 && now != origin {
                return Err(StoreError::Origin {
                    given: origin,
                    held: Some(now),
                });
            }
            c.execute("UPDATE database_origin SET origin = $1", &[origin.into()])?;
            Ok(())
        })
    }
}
