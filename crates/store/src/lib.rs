//! The registry's storage: SQLite embedded by default (one file, WAL), PostgreSQL when the URL says so.
//!
//! The store is synchronous: the command line calls it directly and the web app from a blocking pool. Every
//! write that must be all-or-nothing runs in one transaction; migrations are embedded and applied on open.

pub mod accounts;
pub mod analytics;
pub mod audit;
pub mod db;
pub mod error;
pub mod households;
pub mod messages;
mod migrate;
pub mod rates;
pub mod reviews;
pub mod rounds;
pub mod search;
pub mod sessions;
pub mod support;
pub mod targets;
pub mod units;

use db::{Backend, Conn};
pub use error::{Rejection, RejectionKind, StoreError};
pub use migrate::today;

pub struct Store {
    conn: Conn,
    /// Who the registry's changes are recorded as in the audit log (see [`Store::set_actor`]).
    actor: audit::Actor,
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
        // the last transactions lost on power failure).
        c.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
             PRAGMA busy_timeout = 10000; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; PRAGMA threads = 2;",
        )
        .map_err(|e| StoreError::Open {
            url: url.to_owned(),
            message: e.to_string(),
        })?;
        c.set_prepared_statement_cache_capacity(256);
        let mut store = Store {
            conn: Conn::Sqlite(c),
            actor: audit::Actor::system(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// Opens PostgreSQL, optionally inside its own schema (created if missing): tests use one schema each.
    pub fn open_postgres(url: &str, schema: Option<&str>) -> Result<Store, StoreError> {
        let client =
            postgres::Client::connect(url, postgres::NoTls).map_err(|e| StoreError::Open {
                url: url.to_owned(),
                message: e.to_string(),
            })?;
        let mut conn = Conn::Postgres {
            client: Box::new(client),
            sql: Default::default(),
        };
        if let Some(schema) = schema {
            if !schema
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return Err(StoreError::Open {
                    url: url.to_owned(),
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
            actor: audit::Actor::system(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// Who the registry's changes (imports, births, deaths, splits, merges, reviews) are recorded as in the
    /// audit log from now on: the command line sets its user, the web app each request's account.
    pub fn set_actor(&mut self, actor: audit::Actor) {
        self.actor = actor;
    }

    pub fn actor(&self) -> &audit::Actor {
        &self.actor
    }

    pub fn backend(&self) -> Backend {
        self.conn.backend()
    }

    /// The raw connection, for the crates that build on the store's tables (reports).
    pub fn conn(&mut self) -> &mut Conn {
        &mut self.conn
    }
}
