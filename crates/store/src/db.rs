//! One connection type over SQLite and PostgreSQL, so every query of the store is written once.
//!
//! SQL is written with PostgreSQL's `$1` placeholders; for SQLite they become `?1`, which SQLite reads as the
//! same positional parameter. Values cross the boundary as [`Value`], rows come back as `Vec<Value>`.

use std::collections::HashMap;

use bytes::BytesMut;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};

use crate::error::StoreError;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    /// Text shared by many rows of one import (a date, a code) without a copy per row.
    Shared(std::sync::Arc<str>),
    Static(&'static str),
}

impl Value {
    pub fn int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Real(r) => Some(*r as i64),
            _ => None,
        }
    }

    pub fn real(&self) -> Option<f64> {
        match self {
            Value::Real(r) => Some(*r),
            Value::Int(i) => Some(*i as f64),
            _ => None,
        }
    }

    pub fn text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            Value::Shared(s) => Some(s),
            Value::Static(s) => Some(s),
            _ => None,
        }
    }

    pub fn into_text(self) -> Option<String> {
        match self {
            Value::Text(s) => Some(s),
            Value::Shared(s) => Some(s.to_string()),
            Value::Static(s) => Some(s.to_owned()),
            _ => None,
        }
    }

    /// The column's text read into core's type by `parse`. The store wrote it from that type, so a value
    /// `parse` refuses (or NULL) means the database was changed behind the store's back: an error, never a
    /// default.
    pub(crate) fn decode<T>(
        self,
        table: &'static str,
        column: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<T, StoreError> {
        match self.text().and_then(parse) {
            Some(v) => Ok(v),
            None => Err(StoreError::Corrupt {
                table,
                column,
                value: match self {
                    Value::Null => "NULL".to_owned(),
                    Value::Int(i) => i.to_string(),
                    Value::Real(r) => r.to_string(),
                    v => v.into_text().unwrap_or_default(),
                },
            }),
        }
    }

    /// [`Value::decode`] of a nullable column: NULL is `None`.
    pub(crate) fn decode_opt<T>(
        self,
        table: &'static str,
        column: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<Option<T>, StoreError> {
        match self {
            Value::Null => Ok(None),
            v => v.decode(table, column, parse).map(Some),
        }
    }
}

/// [`Date::parse`](giamngheo_core::date::Date::parse) as [`Value::decode`] takes it.
pub(crate) fn parse_date(s: &str) -> Option<giamngheo_core::date::Date> {
    giamngheo_core::date::Date::parse(s).ok()
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int(i64::from(v))
    }
}

impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Int(i64::from(v))
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(i64::from(v))
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Real(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                _ => i.to_sql(ty, out),
            },
            Value::Real(r) => r.to_sql(ty, out),
            Value::Text(s) => s.as_str().to_sql(ty, out),
            Value::Shared(s) => ToSql::to_sql(&&**s, ty, out),
            Value::Static(s) => s.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Value::Real(r) => ToSqlOutput::Borrowed(ValueRef::Real(*r)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Shared(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Static(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
    }
}

pub type Row = Vec<Value>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection, and the audit chain's key, which lives with the connection rather than in the database so
/// that every writer of audit entries (they are handed only a `&mut Conn`) finds it.
pub struct Conn {
    link: Link,
    pub(crate) audit_key: crate::audit::KeySlot,
    /// SQLite: the queue of this process's writers to the same file (see [`writer_queue`]).
    writers: Option<std::sync::Arc<std::sync::Mutex<()>>>,
}

/// The one queue of write transactions for a SQLite file in this process. SQLite lets one writer in at a time
/// and makes the others retry after sleeps of 1, 2, 5, 10 ms and more (its busy handler): under the web
/// server's load each search's access record waited so, and those sleeps made the 99th percentile. Writers of
/// one process take this lock first and follow each other at once; other processes (the command line beside
/// the server) still meet SQLite's own lock.
fn writer_queue(path: &std::path::Path) -> std::sync::Arc<std::sync::Mutex<()>> {
    use std::sync::{Arc, Mutex, OnceLock, Weak};
    static QUEUES: OnceLock<Mutex<HashMap<std::path::PathBuf, Weak<Mutex<()>>>>> = OnceLock::new();
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    let mut queues = QUEUES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    queues.retain(|_, q| q.strong_count() > 0);
    if let Some(q) = queues.get(&key).and_then(Weak::upgrade) {
        return q;
    }
    let q = Arc::new(Mutex::new(()));
    queues.insert(key, Arc::downgrade(&q));
    q
}

enum Link {
    Sqlite(rusqlite::Connection),
    Postgres {
        client: Box<postgres::Client>,
        sql: HashMap<String, postgres::Statement>,
    },
}

/// `$1` → `?1` for SQLite (outside string literals).
fn sqlite_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut in_str = false;
    for c in sql.chars() {
        if c == '\'' {
            in_str = !in_str;
        }
        if c == '$' && !in_str {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

impl Conn {
    /// A SQLite connection to the file at `path` (its writers queue with this process's others on that file).
    pub(crate) fn sqlite(c: rusqlite::Connection, path: &std::path::Path) -> Conn {
        Conn {
            link: Link::Sqlite(c),
            audit_key: Default::default(),
            writers: Some(writer_queue(path)),
        }
    }

    pub(crate) fn postgres(client: postgres::Client) -> Conn {
        Conn {
            link: Link::Postgres {
                client: Box::new(client),
                sql: HashMap::new(),
            },
            audit_key: Default::default(),
            writers: None,
        }
    }

    pub fn backend(&self) -> Backend {
        match self.link {
            Link::Sqlite(_) => Backend::Sqlite,
            Link::Postgres { .. } => Backend::Postgres,
        }
    }

    /// Runs several statements without parameters (migrations, transaction control).
    pub fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        match &mut self.link {
            Link::Sqlite(c) => c.execute_batch(sql).map_err(StoreError::from),
            Link::Postgres { client, .. } => client.batch_execute(sql).map_err(StoreError::from),
        }
    }

    /// Runs one statement; returns the rows it changed. `sql` is a literal so its prepared form can be cached.
    pub fn execute(&mut self, sql: &'static str, params: &[Value]) -> Result<u64, StoreError> {
        match self.backend() {
            Backend::Sqlite => self.execute_native(&sqlite_sql(sql), params),
            Backend::Postgres => self.execute_native(sql, params),
        }
    }

    /// Runs a statement assembled from fixed parts (a table's columns, as sync does), in `$n` syntax; cached like
    /// [`Conn::query_built`].
    pub fn execute_built(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        match self.backend() {
            Backend::Sqlite => self.execute_native(&sqlite_sql(sql), params),
            Backend::Postgres => self.execute_native(sql, params),
        }
    }

    /// Runs a statement already in this connection's placeholder syntax (`?1` for SQLite), cached.
    pub fn execute_native(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        match &mut self.link {
            Link::Sqlite(c) => {
                let mut st = c.prepare_cached(sql)?;
                Ok(st.execute(rusqlite::params_from_iter(params.iter()))? as u64)
            }
            Link::Postgres { client, sql: cache } => {
                let st = pg_statement(client, cache, sql)?;
                let p: Vec<&(dyn ToSql + Sync)> =
                    params.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
                Ok(client.execute(&st, &p)?)
            }
        }
    }

    /// Runs a query and hands each row to `f` as it arrives, so a million rows never sit in memory at once.
    pub fn query_each(
        &mut self,
        sql: &'static str,
        params: &[Value],
        f: &mut dyn FnMut(Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.each_row(sql, params, f)
    }

    /// [`Self::query_each`] of a query assembled from fixed fragments, like [`Self::query_built`]'s.
    pub fn query_each_built(
        &mut self,
        sql: &str,
        params: &[Value],
        f: &mut dyn FnMut(Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.each_row(sql, params, f)
    }

    /// A query assembled from fixed fragments (a filter form's), in `$n` syntax. Its variants must be few
    /// (one per combination of fragments): each is prepared once and kept for the connection's life.
    pub fn query_built(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        let mut out = Vec::new();
        self.each_row(sql, params, &mut |r| {
            out.push(r);
            Ok(())
        })?;
        Ok(out)
    }

    /// `sql` in `$n` syntax, prepared once per connection (cached by its text), its rows streamed to `f`.
    fn each_row(
        &mut self,
        sql: &str,
        params: &[Value],
        f: &mut dyn FnMut(Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        match &mut self.link {
            Link::Sqlite(c) => {
                let mut st = c.prepare_cached(&sqlite_sql(sql))?;
                let n = st.column_count();
                let mut rows = st.query(rusqlite::params_from_iter(params.iter()))?;
                while let Some(r) = rows.next()? {
                    f(sqlite_row(r, n)?)?;
                }
                Ok(())
            }
            Link::Postgres { client, sql: cache } => {
                use postgres::fallible_iterator::FallibleIterator;
                let st = pg_statement(client, cache, sql)?;
                let mut it = client.query_raw(&st, params.iter())?;
                while let Some(r) = it.next()? {
                    f(pg_row(&r)?)?;
                }
                Ok(())
            }
        }
    }

    pub fn query(&mut self, sql: &'static str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        self.query_built(sql, params)
    }

    /// The first column of each row, as integers (ids, years); NULLs are left out.
    /// The first column of the first row as a whole number, if there is such a row and value.
    pub fn query_int(
        &mut self,
        sql: &'static str,
        params: &[Value],
    ) -> Result<Option<i64>, StoreError> {
        Ok(self.query_one(sql, params)?.and_then(|r| r[0].int()))
    }

    pub fn query_ints(
        &mut self,
        sql: &'static str,
        params: &[Value],
    ) -> Result<Vec<i64>, StoreError> {
        Ok(self
            .query(sql, params)?
            .into_iter()
            .filter_map(|r| r[0].int())
            .collect())
    }

    pub fn query_one(
        &mut self,
        sql: &'static str,
        params: &[Value],
    ) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// Runs `f` in a transaction: committed if it returns `Ok`, rolled back otherwise (and on panic, by the
    /// database, since the connection is dropped with the transaction open).
    pub fn transaction<T>(
        &mut self,
        f: impl FnOnce(&mut Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // SQLite: take the write lock at the start, so two writers queue (busy_timeout) instead of the second
        // failing when it first writes after reading; this process's writers queue before that.
        let queue = self.writers.clone();
        let _turn = queue
            .as_ref()
            .map(|q| q.lock().unwrap_or_else(|e| e.into_inner()));
        match self.backend() {
            Backend::Sqlite => self.batch("BEGIN IMMEDIATE")?,
            Backend::Postgres => self.batch("BEGIN")?,
        }
        match f(self) {
            Ok(v) => match self.batch("COMMIT") {
                Ok(()) => Ok(v),
                Err(e) => {
                    let _ = self.batch("ROLLBACK");
                    Err(e)
                }
            },
            Err(e) => {
                let _ = self.batch("ROLLBACK");
                Err(e)
            }
        }
    }
}

fn pg_statement(
    client: &mut postgres::Client,
    cache: &mut HashMap<String, postgres::Statement>,
    sql: &str,
) -> Result<postgres::Statement, StoreError> {
    if let Some(st) = cache.get(sql) {
        return Ok(st.clone());
    }
    let st = client.prepare(sql)?;
    cache.insert(sql.to_owned(), st.clone());
    Ok(st)
}

/// Inserts many rows with multi-row `INSERT … VALUES (…), (…)` statements: one round trip per batch.
pub struct BatchInsert {
    head: String,
    columns: usize,
    rows_per_batch: usize,
    pending: Vec<Value>,
    /// The statement for a full batch, in the connection's own placeholder syntax.
    full: Option<String>,
}

impl BatchInsert {
    /// `head` is `INSERT INTO t (a, b, c)`.
    pub fn new(backend: Backend, head: &str, columns: usize) -> BatchInsert {
        // PostgreSQL: many rows a statement save round trips. SQLite: one row a statement is fastest (a cached
        // prepared statement, and no statement journal, which multi-row statements need). Measured: 190,245
        // households in 14.2 s with 500 rows a statement, 11.9 s with one. GIAMNGHEO_BATCH_ROWS overrides.
        let default = match backend {
            Backend::Sqlite => 1,
            Backend::Postgres => 500,
        };
        let rows_per_batch = std::env::var("GIAMNGHEO_BATCH_ROWS")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(default)
            .min(8000 / columns)
            .max(1);
        BatchInsert {
            head: head.to_owned(),
            columns,
            rows_per_batch,
            pending: Vec::new(),
            full: None,
        }
    }

    pub fn push(
        &mut self,
        conn: &mut Conn,
        row: impl IntoIterator<Item = Value>,
    ) -> Result<(), StoreError> {
        let before = self.pending.len();
        self.pending.extend(row);
        debug_assert_eq!(self.pending.len() - before, self.columns);
        if self.pending.len() >= self.columns * self.rows_per_batch {
            self.flush(conn)?;
        }
        Ok(())
    }

    /// Adds a row without flushing: for batches of tables that reference each other, flushed together in
    /// dependency order when any of them [`Self::is_full`].
    pub fn add(&mut self, row: impl IntoIterator<Item = Value>) {
        self.pending.extend(row);
    }

    pub fn is_full(&self) -> bool {
        self.pending.len() >= self.columns * self.rows_per_batch
    }

    pub fn flush(&mut self, conn: &mut Conn) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let rows = self.pending.len() / self.columns;
        let mark = if conn.backend() == Backend::Sqlite {
            '?'
        } else {
            '$'
        };
        let build = |rows: usize| {
            let mut sql = String::with_capacity(self.head.len() + rows * self.columns * 6);
            sql.push_str(&self.head);
            sql.push_str(" VALUES ");
            let mut n = 1;
            for r in 0..rows {
                if r > 0 {
                    sql.push(',');
                }
                sql.push('(');
                for c in 0..self.columns {
                    if c > 0 {
                        sql.push(',');
                    }
                    sql.push(mark);
                    sql.push_str(&n.to_string());
                    n += 1;
                }
                sql.push(')');
            }
            sql
        };
        if rows == self.rows_per_batch {
            let sql = self.full.get_or_insert_with(|| build(rows));
            conn.execute_native(sql, &self.pending)?;
        } else {
            conn.execute_native(&build(rows), &self.pending)?;
        }
        self.pending.clear();
        Ok(())
    }
}

fn sqlite_row(r: &rusqlite::Row, n: usize) -> Result<Row, StoreError> {
    use rusqlite::types::ValueRef;
    let mut row = Vec::with_capacity(n);
    for i in 0..n {
        row.push(match r.get_ref(i)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Int(i),
            ValueRef::Real(f) => Value::Real(f),
            ValueRef::Text(t) | ValueRef::Blob(t) => {
                Value::Text(String::from_utf8_lossy(t).into_owned())
            }
        });
    }
    Ok(row)
}

/// A row's cells in column order, one a call; past the last, NULL.
pub(crate) fn cells(r: Row) -> impl FnMut() -> Value {
    let mut it = r.into_iter();
    move || it.next().unwrap_or(Value::Null)
}

fn pg_row(r: &postgres::Row) -> Result<Row, StoreError> {
    let mut row = Vec::with_capacity(r.len());
    for (i, col) in r.columns().iter().enumerate() {
        let v = match *col.type_() {
            Type::INT8 => pg_cell(r, i, Value::Int)?,
            Type::INT4 => pg_cell(r, i, |v: i32| Value::Int(i64::from(v)))?,
            Type::INT2 => pg_cell(r, i, |v: i16| Value::Int(i64::from(v)))?,
            Type::BOOL => pg_cell(r, i, |v: bool| Value::Int(i64::from(v)))?,
            Type::FLOAT8 => pg_cell(r, i, Value::Real)?,
            Type::FLOAT4 => pg_cell(r, i, |v: f32| Value::Real(f64::from(v)))?,
            _ => pg_cell(r, i, Value::Text)?,
        };
        row.push(v);
    }
    Ok(row)
}

/// Column `i` read as a `T` and turned into a value by `to_value`; NULL stays NULL.
fn pg_cell<'a, T: postgres::types::FromSql<'a>>(
    r: &'a postgres::Row,
    i: usize,
    to_value: impl FnOnce(T) -> Value,
) -> Result<Value, StoreError> {
    Ok(r.try_get::<_, Option<T>>(i)?.map_or(Value::Null, to_value))
}
