//! Connecting to PostgreSQL with the cause of a failure named, and the URL shown without its password.

use std::time::Duration;

use crate::error::{ConnectCause, StoreError};

/// Connects to the server a `postgres://` URL names. A URL without `connect_timeout` waits 10 s at most: a
/// commune laptop on a poor line should hear "did not answer" rather than hang.
pub(crate) fn connect(url: &str) -> Result<postgres::Client, StoreError> {
    let shown = without_password(url);
    let fail = |cause| StoreError::Connect {
        url: shown.clone(),
        cause,
    };
    let mut config: postgres::Config = url.parse().map_err(|e: postgres::Error| {
        fail(ConnectCause::BadUrl {
            message: e.to_string(),
        })
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    config
        .connect(postgres::NoTls)
        .map_err(|e| fail(cause_of(&config, &e)))
}

fn cause_of(config: &postgres::Config, e: &postgres::Error) -> ConnectCause {
    let user = config.get_user().unwrap_or_default().to_owned();
    if let Some(db) = e.as_db_error() {
        return match db.code().code() {
            "3D000" => ConnectCause::NoDatabase {
                name: config.get_dbname().unwrap_or(&user).to_owned(),
            },
            "28P01" | "28000" => ConnectCause::Authentication { user },
            _ => ConnectCause::Other {
                message: db.message().to_owned(),
            },
        };
    }
    let address = address(config);
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                std::io::ErrorKind::ConnectionRefused => ConnectCause::Refused { address },
                std::io::ErrorKind::TimedOut => ConnectCause::TimedOut { address },
                _ if io.to_string().contains("lookup address") => {
                    ConnectCause::UnknownHost { host: host(config) }
                }
                _ => ConnectCause::Other {
                    message: io.to_string(),
                },
            };
        }
        source = s.source();
    }
    if e.to_string().contains("timed out") {
        return ConnectCause::TimedOut { address };
    }
    ConnectCause::Other {
        message: e.to_string(),
    }
}

fn host(config: &postgres::Config) -> String {
    match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        Some(postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_owned(),
    }
}

fn address(config: &postgres::Config) -> String {
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!("{}:{port}", host(config))
}

/// The URL with its password replaced by `***`, for messages and logs.
pub fn without_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_owned();
    };
    match rest[..at].find(':') {
        Some(colon) => format!(
            "{}{}:***{}",
            &url[..scheme_end],
            &rest[..colon],
            &rest[at..]
        ),
        None => url.to_owned(),
    }
}

/// Building a whole database on PostgreSQL without leaving it half-built (the demo): the build goes into a
/// schema of its own, and [`SchemaBuild::finish`] swaps it for the schema the URL works in, in one transaction.
/// A schema that holds tables but no registry of ours is never replaced.
pub struct SchemaBuild {
    url: String,
    /// The schema the URL's connections work in (`current_schema()`), replaced at the end.
    pub target: String,
    /// Where the build goes meanwhile.
    pub building: String,
}

impl SchemaBuild {
    pub fn start(url: &str) -> Result<SchemaBuild, StoreError> {
        let mut client = connect(url)?;
        let db = |e: postgres::Error| StoreError::Db(e.to_string());
        let target: Option<String> = client
            .query_one("SELECT current_schema()", &[])
            .map_err(db)?
            .get(0);
        let target = target.unwrap_or_else(|| "public".to_owned());
        let count = |client: &mut postgres::Client, sql: &str| -> Result<i64, StoreError> {
            client
                .query_one(sql, &[&target])
                .map_err(db)
                .map(|r| r.get(0))
        };
        let tables = count(
            &mut client,
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1",
        )?;
        let ours = count(
            &mut client,
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'schema_migration'",
        )?;
        if tables > 0 && ours == 0 {
            return Err(StoreError::NotOurSchema {
                url: without_password(url),
                schema: target,
            });
        }
        let building = format!("giamngheo_build_{}", std::process::id());
        client
            .batch_execute(&format!("DROP SCHEMA IF EXISTS {building} CASCADE"))
            .map_err(db)?;
        Ok(SchemaBuild {
            url: url.to_owned(),
            target,
            building,
        })
    }

    /// Replaces the target schema with the one built, in one transaction: readers see the old registry or the
    /// new one, never a mixture.
    pub fn finish(self) -> Result<(), StoreError> {
        let mut client = connect(&self.url)?;
        let target = quote_ident(&self.target);
        client
            .batch_execute(&format!(
                "BEGIN; DROP SCHEMA IF EXISTS {target} CASCADE; ALTER SCHEMA {} RENAME TO {target}; COMMIT;",
                self.building
            ))
            .map_err(|e| StoreError::Db(e.to_string()))
    }

    /// Drops what was built (after a failure).
    pub fn abandon(self) {
        if let Ok(mut client) = connect(&self.url) {
            let _ =
                client.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.building));
        }
    }
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
