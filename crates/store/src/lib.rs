//! The registry's storage: SQLite embedded by default (one file, WAL), PostgreSQL when the URL says so.
//!
//! The store is synchronous: the command line calls it directly and the web app from a blocking pool. Every
//! write that must be all-or-nothing runs in one transaction; migrations are embedded and applied on open.

pub mod accounts;
pub mod analytics;
pub mod audit;
pub mod checkpoint;
mod connect;
pub mod costs;
pub mod db;
pub mod error;
pub mod feedback;
pub mod households;
pub mod messages;
mod migrate;
pub mod public_feedback;
pub mod rates;
pub mod reviews;
pub mod rounds;
pub mod row_ids;
pub mod scope;
pub mod search;
pub mod sessions;
pub mod support;
pub mod sync;
pub mod targets;
pub mod units;

pub use connect::{SchemaBuild, without_password};
use db::{Backend, Conn};
pub use error::{ConnectCause, Rejection, RejectionKind, StoreError};
pub use migrate::today;

pub struct Store {
    conn: Conn,
    /// Villages' display names, kept between calls (see `units::VillageLabels`).
    village_labels: units::VillageLabels,
}

impl Store {
    /// Opens a database: `postgres://…` or `postgresql://…` for PostgreSQL; anything else is a SQLite file
    /// path (`sqlite:` prefix optional; `:memory:` for a throwaway database).
    pub fn open(url: &str) -> Result<Store, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Store::open_postgres(url, None);
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        let open_err = |e: rusqlite::Error| StoreError::Open {
            url: url.to_owned(),
            message: e.to_string(),
        };
        let c = rusqlite::Connection::open(path).map_err(open_err)?;
        // WAL lets the web app read while an import writes; NORMAL sync is safe with WAL (no corruption, at most
        // the last transactions lost on power failure). A writer waits up to five minutes for another's
        // transaction (a million-household import writes for about a minute on a modest laptop) rather than
        // failing with "database is locked" while the other is still at work.
        // Pages are read through a memory map (up to SQLite's limit of 2 GiB): the web server's connections
        // share the operating system's cache instead of copying each page into their own, which on 1 million
        // households took an eighth of a search's time (bench/web.sh).
        c.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
             PRAGMA busy_timeout = 300000; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; PRAGMA threads = 2; \
             PRAGMA mmap_size = 2147418112;",
        )
        .map_err(|e| StoreError::Open {
            url: url.to_owned(),
            message: e.to_string(),
        })?;
        c.set_prepared_statement_cache_capacity(256);
        let mut store = Store {
            conn: Conn::sqlite(c, std::path::Path::new(path)),
            village_labels: Default::default(),
        };
        store.conn.audit_key = audit::KeySlot::default_for(path);
        store.migrate()?;
        Ok(store)
    }

    /// Opens PostgreSQL, optionally inside its own schema (created if missing): tests use one schema each.
    pub fn open_postgres(url: &str, schema: Option<&str>) -> Result<Store, StoreError> {
        let client = connect::connect(url)?;
        let mut conn = Conn::postgres(client);
        conn.audit_key = audit::KeySlot::default_for(url);
        if let Some(schema) = schema {
            if !schema
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return Err(StoreError::Open {
                    url: without_password(url),
                    message: format!("bad schema name {schema}"),
                });
            }
            conn.batch(&format!(
                "CREATE SCHEMA IF NOT EXISTS {schema}; SET search_path TO {schema}"
            ))?;
        }
        conn.batch("SET client_min_messages TO WARNING")?;
        let mut store = Store {
            conn,
            village_labels: Default::default(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// SQLite: commits on this connection no longer copy the write-ahead log back into the database file (an
    /// automatic checkpoint, with its fsync, fell on whichever request committed at the wrong moment: pauses
    /// of 150-600 ms in the web's 99th percentile). Whoever calls this calls [`Store::checkpoint`] from
    /// elsewhere, as the web server does once a second on a connection of its own. PostgreSQL: nothing.
    pub fn defer_checkpoints(&mut self) -> Result<(), StoreError> {
        match self.backend() {
            Backend::Sqlite => self.conn.batch("PRAGMA wal_autocheckpoint = 0"),
            Backend::Postgres => Ok(()),
        }
    }

    /// SQLite: copies what it can of the write-ahead log into the database file without waiting for readers or
    /// blocking writers (a passive checkpoint). Under a steady load a passive checkpoint never finds the log
    /// all copied with no reader on it, so the log is never started over and grows (800 MB in 45 s of page
    /// requests): past 64 MB, a truncating checkpoint waits for the readers and writers of the moment and
    /// empties it, a pause of that moment's length once in a while. PostgreSQL: nothing.
    pub fn checkpoint(&mut self) -> Result<(), StoreError> {
        match self.backend() {
            Backend::Sqlite => {
                let r = self.conn.query("PRAGMA wal_checkpoint(PASSIVE)", &[])?;
                let frames = r
                    .first()
                    .and_then(|r| r.get(1))
                    .and_then(db::Value::int)
                    .unwrap_or(0);
                if frames > 16_384 {
                    self.conn.query("PRAGMA wal_checkpoint(TRUNCATE)", &[])?;
                }
                Ok(())
            }
            Backend::Postgres => Ok(()),
        }
    }

    pub fn backend(&self) -> Backend {
        self.conn.backend()
    }

    /// The raw connection, for tests only (feature `test-support`): every read and write of the program goes
    /// through the store's own functions, which check the acting person.
    #[cfg(feature = "test-support")]
    pub fn conn(&mut self) -> &mut Conn {
        &mut self.conn
    }
}
