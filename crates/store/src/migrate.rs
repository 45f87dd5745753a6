//! Embedded, append-only migrations, one list per backend, applied in order inside one transaction.

use crate::Store;
use crate::db::{Backend, Value};
use crate::error::StoreError;

const SQLITE: &[(i64, &str)] = &[
    (1, include_str!("../migrations/sqlite/0001_registry.sql")),
    (
        2,
        include_str!("../migrations/sqlite/0002_review_procedure.sql"),
    ),
    (3, include_str!("../migrations/sqlite/0003_targets.sql")),
    (4, include_str!("../migrations/sqlite/0004_web.sql")),
    (5, include_str!("../migrations/sqlite/0005_rate_cache.sql")),
    (
        6,
        include_str!("../migrations/sqlite/0006_member_search.sql"),
    ),
    (7, include_str!("../migrations/sqlite/0007_rate_stale.sql")),
    (
        8,
        include_str!("../migrations/sqlite/0008_web_sessions.sql"),
    ),
    (
        9,
        include_str!("../migrations/sqlite/0009_rate_place_index.sql"),
    ),
    (
        10,
        include_str!("../migrations/sqlite/0010_citizen_id_holder.sql"),
    ),
    (11, include_str!("../migrations/sqlite/0011_web_trust.sql")),
    (
        12,
        include_str!("../migrations/sqlite/0012_audit_anchor.sql"),
    ),
    (
        13,
        include_str!("../migrations/sqlite/0013_rate_coverage.sql"),
    ),
    (
        14,
        include_str!("../migrations/sqlite/0014_programme_cost.sql"),
    ),
    (
        15,
        include_str!("../migrations/sqlite/0015_feedback_answer.sql"),
    ),
    (
        16,
        include_str!("../migrations/sqlite/0016_review_decided_cover.sql"),
    ),
    (
        17,
        include_str!("../migrations/sqlite/0017_member_search_cover.sql"),
    ),
    (
        18,
        include_str!("../migrations/sqlite/0018_audit_log_lean.sql"),
    ),
    (
        19,
        include_str!("../migrations/sqlite/0019_member_word.sql"),
    ),
    (
        20,
        include_str!("../migrations/sqlite/0020_database_origin.sql"),
    ),
    (21, include_str!("../migrations/sqlite/0021_sync.sql")),
    (
        22,
        include_str!("../migrations/sqlite/0022_search_order.sql"),
    ),
    (
        23,
        include_str!("../migrations/sqlite/0023_commune_audit.sql"),
    ),
    (24, include_str!("../migrations/sqlite/0024_sync_dirty.sql")),
];
const POSTGRES: &[(i64, &str)] = &[
    (1, include_str!("../migrations/postgres/0001_registry.sql")),
    (
        2,
        include_str!("../migrations/postgres/0002_review_procedure.sql"),
    ),
    (3, include_str!("../migrations/postgres/0003_targets.sql")),
    (4, include_str!("../migrations/postgres/0004_web.sql")),
    (
        5,
        include_str!("../migrations/postgres/0005_rate_cache.sql"),
    ),
    (
        6,
        include_str!("../migrations/postgres/0006_member_search.sql"),
    ),
    (
        7,
        include_str!("../migrations/postgres/0007_rate_stale.sql"),
    ),
    (
        8,
        include_str!("../migrations/postgres/0008_web_sessions.sql"),
    ),
    (
        9,
        include_str!("../migrations/postgres/0009_rate_place_index.sql"),
    ),
    (
        10,
        include_str!("../migrations/postgres/0010_citizen_id_holder.sql"),
    ),
    (
        11,
        include_str!("../migrations/postgres/0011_web_trust.sql"),
    ),
    (
        12,
        include_str!("../migrations/postgres/0012_audit_anchor.sql"),
    ),
    (
        13,
        include_str!("../migrations/postgres/0013_rate_coverage.sql"),
    ),
    (
        14,
        include_str!("../migrations/postgres/0014_programme_cost.sql"),
    ),
    (
        15,
        include_str!("../migrations/postgres/0015_feedback_answer.sql"),
    ),
    (
        16,
        include_str!("../migrations/postgres/0016_review_decided_cover.sql"),
    ),
    (
        17,
        include_str!("../migrations/postgres/0017_member_search_cover.sql"),
    ),
    (
        18,
        include_str!("../migrations/postgres/0018_audit_log_lean.sql"),
    ),
    (
        19,
        include_str!("../migrations/postgres/0019_member_word.sql"),
    ),
    (
        20,
        include_str!("../migrations/postgres/0020_database_origin.sql"),
    ),
    (21, include_str!("../migrations/postgres/0021_sync.sql")),
    (
        22,
        include_str!("../migrations/postgres/0022_search_order.sql"),
    ),
    (
        23,
        include_str!("../migrations/postgres/0023_commune_audit.sql"),
    ),
    (
        24,
        include_str!("../migrations/postgres/0024_sync_dirty.sql"),
    ),
];

impl Store {
    pub(crate) fn migrate(&mut self) -> Result<(), StoreError> {
        let list = match self.backend() {
            Backend::Sqlite => SQLITE,
            Backend::Postgres => POSTGRES,
        };
        self.conn.batch("CREATE TABLE IF NOT EXISTS schema_migration (version BIGINT PRIMARY KEY, applied_on TEXT NOT NULL)")?;
        self.conn.transaction(|c| {
            if c.backend() == Backend::Postgres {
                c.batch("LOCK TABLE schema_migration IN EXCLUSIVE MODE")?;
            }
            let done: Vec<i64> = c.query_ints("SELECT version FROM schema_migration", &[])?;
            for (version, sql) in list {
                if done.contains(version) {
                    continue;
                }
                c.batch(sql)?;
                if *version == 11 {
                    // Account names' folded keys: computed in Rust (see the migration's comment).
                    crate::accounts::fill_name_keys(c)?;
                }
                c.execute(
                    "INSERT INTO schema_migration (version, applied_on) VALUES ($1, $2)",
                    &[Value::Int(*version), Value::from(today().iso())],
                )?;
            }
            Ok(())
        })
    }
}

/// Today in Vietnam, from the system clock: the one place giamngheo reads the date (the web app, the command
/// line and the store's checks of a step's date all ask here).
pub fn today() -> giamngheo_core::date::Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    giamngheo_core::calendar::vietnam_date(secs)
}
