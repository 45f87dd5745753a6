//! The audit log: every change with who, when, from where, the old and new values and the reason, written in
//! the same transaction as the change, append-only (the database refuses updates and deletes) and
//! hash-chained (core `audit`) so that a change made around the database's refusal still shows.
//!
//! The chain is keyed (HMAC-SHA256, core `audit::ChainKey`) with a key the database does not hold: the
//! connection carries it ([`KeySlot`]). Where it comes from: `GIAMNGHEO_AUDIT_KEY_FILE`, or
//! [`Store::set_audit_key_file`] (the command line's `--audit-key`), or, for a SQLite file, `<db>.audit-key`
//! beside it. A missing key file is created (0600) at the first write, with a warning: beside the database it
//! guards against edits made with SQL alone, but whoever copies the directory has both, so in production it
//! belongs elsewhere. PostgreSQL has no file to sit beside: without a configured key its chain stays plain
//! until one is given; once an entry is keyed, writing without the key (or with another) is refused.

use std::path::{Path, PathBuf};

use giamngheo_core::audit::{AuditEntry, ChainBreak, ChainKey, ChainWalk, GENESIS};
use giamngheo_core::round::Role;

use crate::Store;
use crate::db::{Backend, BatchInsert, Conn, Value};
use crate::error::StoreError;
use crate::scope::Scope;

/// Who is acting: passed to every write, which checks the role and the units (`crate::scope`) and records
/// the change under this name in the same transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub role: Role,
    /// "cli", or the web client's address.
    pub origin: String,
    /// The web account behind the change; None for the command line and the system.
    pub account_id: Option<i64>,
    /// The units the actor may change.
    pub scope: Scope,
}

impl Actor {
    /// The actor of a store nobody has named: "hệ thống" (the system), acting locally.
    pub fn system() -> Actor {
        Actor::new("hệ thống", Role::Administrator, "local")
    }

    /// An actor whose scope is the whole country (the command line, the demo).
    pub fn new(name: &str, role: Role, origin: &str) -> Actor {
        Actor {
            name: giamngheo_core::text::nfc(name),
            role,
            origin: origin.to_owned(),
            account_id: None,
            scope: Scope::Everywhere,
        }
    }

    /// A web account acting inside its units.
    pub fn account(mut self, account_id: i64, scope: Scope) -> Actor {
        self.account_id = Some(account_id);
        self.scope = scope;
        self
    }
}

/// One change to record.
pub struct Change<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: Option<String>,
}

/// The current time, UTC, to the second.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let day = giamngheo_core::date::Date::from_unix_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        day.iso(),
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// Appends entries inside the caller's transaction. The tail (last sequence number and hash) is read once
/// per transaction; on PostgreSQL an advisory lock held to the end of the transaction keeps two writers from
/// chaining onto the same tail (SQLite's write lock does that already). Entries are written in batches:
/// [`AuditWriter::finish`] must be called before the transaction commits (the store's tests count entries).
#[must_use = "call finish() before the transaction commits"]
pub struct AuditWriter {
    seq: i64,
    hash: String,
    at: String,
    /// The chain's key and its id; None while the chain is plain and no key is configured.
    key: Option<(ChainKey, String)>,
    batch: BatchInsert,
}

/// PostgreSQL: the lock a write transaction holds from the first id it takes or audit entry it writes to its
/// end, so that writers take ids and chain entries one after another (SQLite lets one writer in anyway).
pub(crate) fn lock_writers(c: &mut Conn) -> Result<(), StoreError> {
    schema_lock(c, 716_041)
}

/// PostgreSQL: a transaction lock for `purpose` in this database's schema only, so that registries kept in
/// schemas of one server (a province each, or the tests) never wait on each other.
pub(crate) fn schema_lock(c: &mut Conn, purpose: i32) -> Result<(), StoreError> {
    if c.backend() == Backend::Postgres {
        c.batch(&format!(
            "SELECT pg_advisory_xact_lock({purpose}, hashtext(current_schema()))"
        ))?;
    }
    Ok(())
}

impl AuditWriter {
    pub fn start(c: &mut Conn) -> Result<AuditWriter, StoreError> {
        lock_writers(c)?;
        let tail = c.query_one(
            "SELECT seq, hash, key_id FROM audit_log ORDER BY seq DESC LIMIT 1",
            &[],
        )?;
        let (seq, hash, tail_key) = match tail {
            Some(r) => (
                r[0].int().unwrap_or(0),
                r[1].text().unwrap_or(GENESIS).to_owned(),
                r[2].text().map(str::to_owned),
            ),
            None => (0, GENESIS.to_owned(), None),
        };
        let key = c.audit_key.for_write()?.map(|k| (k.clone(), k.id()));
        // A keyed chain continues only under its own key: a plain entry after it would read as a forgery, and
        // one under another key could never be verified with the first.
        match (&tail_key, &key) {
            (Some(_), None) => {
                return Err(StoreError::AuditKey {
                    path: c.audit_key.path(),
                    problem: KeyProblem::Missing,
                });
            }
            (Some(want), Some((_, id))) if want != id => {
                return Err(StoreError::AuditKey {
                    path: c.audit_key.path(),
                    problem: KeyProblem::Other {
                        chain: want.clone(),
                        given: id.clone(),
                    },
                });
            }
            _ => {}
        }
        Ok(AuditWriter {
            seq,
            hash,
            at: now_utc(),
            key,
            batch: BatchInsert::new(
                c.backend(),
                "INSERT INTO audit_log (seq, at, actor, role, origin, action, entity, entity_id, old_value, new_value, reason, hash, key_id)",
                13,
            ),
        })
    }

    /// Writes the entries still buffered.
    pub fn finish(mut self, c: &mut Conn) -> Result<(), StoreError> {
        self.batch.flush(c)
    }

    pub fn record(
        &mut self,
        c: &mut Conn,
        actor: &Actor,
        change: Change<'_>,
    ) -> Result<i64, StoreError> {
        let entry = AuditEntry {
            seq: self.seq + 1,
            at: self.at.clone(),
            actor: actor.name.clone(),
            role: actor.role.code().to_owned(),
            origin: actor.origin.clone(),
            action: change.action.to_owned(),
            entity: change.entity.to_owned(),
            entity_id: change.entity_id,
            old_value: change.old_value,
            new_value: change.new_value,
            reason: change.reason,
        };
        let (hash, key_id) = match &self.key {
            Some((key, id)) => (entry.keyed_hash(key, &self.hash), Some(id.clone())),
            None => (entry.hash(&self.hash), None),
        };
        let seq = entry.seq;
        self.batch.push(c, entry_row(entry, hash.clone(), key_id))?;
        self.seq = seq;
        self.hash = hash;
        Ok(self.seq)
    }
}

/// Records one change in its own small transaction step (for callers that write one thing).
pub fn record_one(c: &mut Conn, actor: &Actor, change: Change<'_>) -> Result<i64, StoreError> {
    let mut w = AuditWriter::start(c)?;
    let seq = w.record(c, actor, change)?;
    w.finish(c)?;
    Ok(seq)
}

/// Records what was done to `entity` `entity_id` (a birth, a merge), said in `done`: no old value, no reason.
pub fn record_done(
    c: &mut Conn,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: String,
    done: String,
) -> Result<i64, StoreError> {
    record_one(
        c,
        actor,
        Change {
            action,
            entity,
            entity_id,
            old_value: None,
            new_value: Some(done),
            reason: None,
        },
    )
}

/// Records a change to many rows of `entity` at once (an import, a load): `*` for the id, what was done in
/// `summary`.
pub fn record_bulk(
    c: &mut Conn,
    actor: &Actor,
    action: &str,
    entity: &str,
    summary: String,
) -> Result<i64, StoreError> {
    record_done(c, actor, action, entity, "*".to_owned(), summary)
}

/// An entry as its `audit_log` row: its columns in the table's order, then its hash and the key that made
/// it (none for an unkeyed hash).
pub fn entry_row(entry: AuditEntry, hash: String, key_id: Option<String>) -> [Value; 13] {
    [
        Value::Int(entry.seq),
        entry.at.into(),
        entry.actor.into(),
        entry.role.into(),
        entry.origin.into(),
        entry.action.into(),
        entry.entity.into(),
        entry.entity_id.into(),
        entry.old_value.into(),
        entry.new_value.into(),
        entry.reason.into(),
        hash.into(),
        key_id.into(),
    ]
}

pub(crate) fn entry_of(r: &[Value]) -> (AuditEntry, String) {
    let t = |i: usize| r[i].text().unwrap_or_default().to_owned();
    (
        AuditEntry {
            seq: r[0].int().unwrap_or(0),
            at: t(1),
            actor: t(2),
            role: t(3),
            origin: t(4),
            action: t(5),
            entity: t(6),
            entity_id: t(7),
            old_value: r[8].text().map(str::to_owned),
            new_value: r[9].text().map(str::to_owned),
            reason: r[10].text().map(str::to_owned),
        },
        t(11),
    )
}

/// The condition that an audit entry is about a unit of the set `sc(unit_id)` (an account's units, or a unit
/// and every unit ever under it). An entry names its entity (`entity`, `entity_id`); the unit is derived from
/// that in SQL: a household (by code: where it lived on the entry's day, or lives now), a round and what
/// belongs to it (its cases, meetings, complaints: the round's commune), support (the household's), a unit
/// (by id, or by code for the web's reports), a province's programme, a citizen's feedback (its commune), and
/// reviews (one id, or a range `first..end` only when every review of it lies inside). Entries that name no
/// unit (accounts, the unit lists, imports as a whole, standards) never match. `id` and `end` are the
/// backend's way of reading the leading id and the range's end out of `entity_id`.
fn about_units(id: &str, end: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM sc s WHERE (\
         (a.entity IN ('household', 'survey') AND EXISTS (SELECT 1 FROM household h JOIN residence r ON r.household_id = h.id \
          WHERE h.code = a.entity_id AND (r.commune_id = s.unit_id OR r.village_id = s.unit_id) \
          AND (r.valid_until IS NULL OR (r.valid_from <= substr(a.at, 1, 10) AND r.valid_until >= substr(a.at, 1, 10))))) \
         OR (a.entity = 'review_round' AND EXISTS (SELECT 1 FROM review_round r WHERE r.id = {id} AND r.commune_id = s.unit_id)) \
         OR (a.entity = 'round_case' AND EXISTS (SELECT 1 FROM round_case k JOIN review_round r ON r.id = k.round_id \
          WHERE k.id = {id} AND r.commune_id = s.unit_id)) \
         OR (a.entity = 'village_meeting' AND EXISTS (SELECT 1 FROM village_meeting m JOIN review_round r ON r.id = m.round_id \
          WHERE m.id = {id} AND r.commune_id = s.unit_id)) \
         OR (a.entity = 'complaint' AND EXISTS (SELECT 1 FROM complaint c JOIN review_round r ON r.id = c.round_id \
          WHERE c.id = {id} AND r.commune_id = s.unit_id)) \
         OR (a.entity = 'feedback' AND EXISTS (SELECT 1 FROM feedback f WHERE f.id = {id} AND f.commune_id = s.unit_id)) \
         OR (a.entity = 'support' AND EXISTS (SELECT 1 FROM support p JOIN residence r ON r.household_id = p.household_id \
          WHERE p.id = {id} AND (r.commune_id = s.unit_id OR r.village_id = s.unit_id) \
          AND (r.valid_until IS NULL OR (r.valid_from <= p.received_on AND r.valid_until >= p.received_on)))) \
         OR (a.entity = 'support_programme' AND EXISTS (SELECT 1 FROM support_programme p WHERE p.id = {id} AND p.unit_id = s.unit_id)) \
         OR (a.entity = 'unit' AND a.entity_id <> '*' AND s.unit_id = {id}) \
         OR (a.entity = 'rates' AND EXISTS (SELECT 1 FROM unit u WHERE u.code = a.entity_id AND u.id = s.unit_id)) \
         OR (a.entity = 'review' AND a.action <> 'import_reviews' AND a.entity_id NOT LIKE '%..%' \
          AND EXISTS (SELECT 1 FROM review v WHERE v.id = {id} AND (v.commune_id = s.unit_id OR v.village_id = s.unit_id))) \
         OR (a.entity = 'review' AND a.entity_id LIKE '%..%' AND EXISTS (SELECT 1 FROM review v WHERE v.id = {id} \
          AND (v.commune_id = s.unit_id OR v.village_id = s.unit_id)) \
          AND NOT EXISTS (SELECT 1 FROM review v WHERE v.id >= {id} AND v.id < {end} \
          AND NOT EXISTS (SELECT 1 FROM sc t WHERE t.unit_id = v.commune_id OR t.unit_id = v.village_id)))))"
    )
}

/// SQLite reads an integer prefix with CAST ("12 post" is 12, "XH-001" is 0: no row has id 0).
/// PostgreSQL refuses to CAST text that is not a number, so the digits are cut out first (NULL if none).
fn about_units_sql(backend: Backend) -> String {
    match backend {
        Backend::Sqlite => about_units(
            "CAST(a.entity_id AS INTEGER)",
            "CAST(substr(a.entity_id, instr(a.entity_id, '..') + 2) AS INTEGER)",
        ),
        Backend::Postgres => about_units(
            "CAST(substring(a.entity_id from '^[0-9]{1,18}') AS BIGINT)",
            "CAST(substring(a.entity_id from '\\.\\.([0-9]{1,18})$') AS BIGINT)",
        ),
    }
}

/// What the audit viewer asks for. Every filter is optional; the page holds at most `limit` entries, newest
/// first, either the latest, those before (`before`: older than that sequence number) or those after
/// (`after`: newer).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// An account's units (`account_scope`): only entries about them. None: the whole log.
    pub account: Option<i64>,
    /// The actor's name, exactly as recorded.
    pub actor: Option<String>,
    /// The action's code.
    pub action: Option<String>,
    /// Entries about this unit or a unit that was ever under it (the log records the entity, and the unit
    /// is derived from it: see `about_units`).
    pub unit: Option<i64>,
    /// UTC bounds on `at`, ISO text: from (inclusive) and until (exclusive).
    pub from: Option<String>,
    pub until: Option<String>,
    pub before: Option<i64>,
    pub after: Option<i64>,
    pub limit: i64,
}

/// One page of the log: entries newest first, and the sequence numbers the "older" and "newer" links start
/// from, when there are entries that way.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub older: Option<i64>,
    pub newer: Option<i64>,
}

/// The query of a page: a sequence condition and direction on top of the filters. Filters are fragments
/// joined with AND and tested walking the log by sequence number from the page's end (the log has no other
/// index: each would be paid by every read the log records, migration 0018); the number of distinct statements
/// stays small (one per combination of filters) for the prepared cache.
fn audit_page_sql(
    backend: Backend,
    f: &AuditFilter,
    seq: Option<(&str, i64)>,
    desc: bool,
    limit: i64,
) -> (String, Vec<Value>) {
    let mut params: Vec<Value> = Vec::new();
    let mut param = |v: Value| {
        params.push(v);
        format!("${}", params.len())
    };
    let mut with = String::new();
    let mut conds: Vec<String> = Vec::new();
    if f.account.is_some() || f.unit.is_some() {
        let scope = f.account.map(|a| {
            format!(
                "SELECT unit_id FROM account_scope WHERE account_id = {}",
                param(a.into())
            )
        });
        let sc = match (f.unit, scope) {
            (Some(u), scope) => {
                // The unit and every unit ever under it, whatever the boundaries' date.
                with.push_str(&format!(
                    "WITH RECURSIVE sub(unit_id) AS (SELECT id FROM unit WHERE id = {} \
                     UNION SELECT p.unit_id FROM unit_parent p JOIN sub ON p.parent_id = sub.unit_id), ",
                    param(u.into())
                ));
                match scope {
                    Some(scope) => format!("SELECT unit_id FROM sub WHERE unit_id IN ({scope})"),
                    None => "SELECT unit_id FROM sub".to_owned(),
                }
            }
            (None, Some(scope)) => {
                with.push_str("WITH ");
                scope
            }
            (None, None) => unreachable!(),
        };
        with.push_str(&format!("sc(unit_id) AS ({sc}) "));
        conds.push(about_units_sql(backend));
    }
    if let Some(actor) = &f.actor {
        conds.push(format!("a.actor = {}", param(actor.as_str().into())));
    }
    if let Some(action) = &f.action {
        conds.push(format!("a.action = {}", param(action.as_str().into())));
    }
    if let Some(from) = &f.from {
        conds.push(format!("a.at >= {}", param(from.as_str().into())));
    }
    if let Some(until) = &f.until {
        conds.push(format!("a.at < {}", param(until.as_str().into())));
    }
    if let Some((op, n)) = seq {
        conds.push(format!("a.seq {op} {}", param(n.into())));
    }
    let sql = format!(
        "{with}SELECT a.seq, a.at, a.actor, a.role, a.origin, a.action, a.entity, a.entity_id, a.old_value, \
         a.new_value, a.reason, a.hash FROM audit_log a{}{} ORDER BY a.seq {} LIMIT {}",
        if conds.is_empty() { "" } else { " WHERE " },
        conds.join(" AND "),
        if desc { "DESC" } else { "ASC" },
        param(limit.into()),
    );
    (sql, params)
}

impl Store {
    /// Entries from `from_seq` on, oldest first, at most `limit`, with their stored hashes; optionally only
    /// those about one entity.
    pub fn audit_entries(
        &mut self,
        from_seq: i64,
        limit: i64,
        entity: Option<(&str, &str)>,
    ) -> Result<Vec<(AuditEntry, String)>, StoreError> {
        let rows = match entity {
            None => self.conn.query(
                "SELECT seq, at, actor, role, origin, action, entity, entity_id, old_value, new_value, reason, hash \
                 FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2",
                &[from_seq.into(), limit.into()],
            )?,
            Some((e, id)) => self.conn.query(
                "SELECT seq, at, actor, role, origin, action, entity, entity_id, old_value, new_value, reason, hash \
                 FROM audit_log WHERE seq >= $1 AND entity = $3 AND entity_id = $4 ORDER BY seq LIMIT $2",
                &[from_seq.into(), limit.into(), e.into(), id.into()],
            )?,
        };
        Ok(rows.iter().map(|r| entry_of(r)).collect())
    }

    /// The latest `limit` entries, newest first, that an account may read: all of them for `scope` None (the
    /// whole country), otherwise those about a unit inside the account's `account_scope` (see
    /// `about_units`). Entries are read as stored: the chain's content is untouched.
    pub fn audit_entries_in_scope(
        &mut self,
        scope: Option<i64>,
        limit: i64,
    ) -> Result<Vec<(AuditEntry, String)>, StoreError> {
        let f = AuditFilter {
            account: scope,
            limit,
            ..Default::default()
        };
        let (sql, params) = audit_page_sql(self.backend(), &f, None, true, limit);
        Ok(self
            .conn
            .query_built(&sql, &params)?
            .iter()
            .map(|r| entry_of(r))
            .collect())
    }

    /// A page of the audit viewer (see [`AuditFilter`]). The links are keyed by sequence number, so a page
    /// costs the same far back in the log as at its head.
    pub fn audit_page(&mut self, f: &AuditFilter) -> Result<AuditPage, StoreError> {
        let backend = self.backend();
        let limit = f.limit.max(1);
        let mut read =
            |seq: Option<(&str, i64)>, desc: bool, n: i64| -> Result<Vec<AuditEntry>, StoreError> {
                let (sql, params) = audit_page_sql(backend, f, seq, desc, n);
                Ok(self
                    .conn
                    .query_built(&sql, &params)?
                    .iter()
                    .map(|r| entry_of(r).0)
                    .collect())
            };
        // One more than a page tells whether there is more that way; one entry the other way, whether the
        // link back is needed.
        let (mut entries, more_older, more_newer) = match (f.after, f.before) {
            (Some(after), _) => {
                let mut e = read(Some((">", after)), false, limit + 1)?;
                let more = e.len() as i64 > limit;
                e.truncate(limit as usize);
                e.reverse();
                let older = !read(Some(("<=", after)), true, 1)?.is_empty();
                (e, older, more)
            }
            (None, before) => {
                let mut e = read(before.map(|b| ("<", b)), true, limit + 1)?;
                let more = e.len() as i64 > limit;
                e.truncate(limit as usize);
                let newer = match before {
                    Some(b) => !read(Some((">=", b)), false, 1)?.is_empty(),
                    None => false,
                };
                (e, more, newer)
            }
        };
        entries.shrink_to_fit();
        Ok(AuditPage {
            older: more_older.then(|| entries.last().map(|e| e.seq)).flatten(),
            newer: more_newer.then(|| entries.first().map(|e| e.seq)).flatten(),
            entries,
        })
    }

    /// Walks the whole chain with the connection's key; returns the number of entries, or where it breaks.
    pub fn verify_audit(&mut self) -> Result<Result<u64, ChainBreak>, StoreError> {
        let key = self.conn.audit_key.for_read()?.cloned();
        let mut walk = ChainWalk::new(key.as_ref());
        let broken = walk_chain(&mut self.conn, &mut walk, &mut |_| {})?;
        Ok(match broken {
            Some(b) => Err(b),
            None => Ok(walk.count() as u64),
        })
    }

    /// Where the chain's key comes from from now on: a file (read at the first need, created at the first
    /// write if missing). The command line's `--audit-key`.
    pub fn set_audit_key_file(&mut self, path: &Path) {
        self.conn.audit_key = KeySlot {
            key: None,
            file: Some(path.to_owned()),
            loaded: false,
            named: true,
        };
    }

    /// The chain's key, given directly (tests, and callers that keep the key elsewhere than in a file).
    pub fn set_audit_key(&mut self, key: Option<ChainKey>) {
        self.conn.audit_key = KeySlot {
            key,
            file: None,
            loaded: true,
            named: true,
        };
    }

    /// The last entry's number and hash as stored (not verified): the head shown on forms.
    pub fn audit_head(&mut self) -> Result<(i64, String), StoreError> {
        let tail = self.conn.query_one(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            &[],
        )?;
        Ok(match tail {
            Some(r) => (
                r[0].int().unwrap_or(0),
                r[1].text().unwrap_or(GENESIS).to_owned(),
            ),
            None => (0, GENESIS.to_owned()),
        })
    }

    /// Records one change, read or refusal in its own transaction (for what changes nothing else: the web
    /// app's reads of personal data and refusals).
    pub fn record(&mut self, actor: &Actor, change: Change<'_>) -> Result<(), StoreError> {
        self.conn
            .transaction(|c| record_one(c, actor, change).map(|_| ()))
    }
}

/// Streams the chain through `walk`, oldest first, calling `after` with the walk after each entry it accepts;
/// returns where the chain breaks, if it does (the walk then holds the entries before the break).
pub(crate) fn walk_chain(
    c: &mut Conn,
    walk: &mut ChainWalk<'_>,
    after: &mut dyn FnMut(&ChainWalk<'_>),
) -> Result<Option<ChainBreak>, StoreError> {
    walk_rows(
        c,
        &format!(
            "SELECT {} FROM audit_log ORDER BY seq",
            crate::sync::audit::COLUMNS
        ),
        &[],
        walk,
        after,
    )
}

/// [`walk_chain`] over the entries `sql` selects (the columns of `audit_log`, oldest first).
pub(crate) fn walk_rows(
    c: &mut Conn,
    sql: &str,
    params: &[Value],
    walk: &mut ChainWalk<'_>,
    after: &mut dyn FnMut(&ChainWalk<'_>),
) -> Result<Option<ChainBreak>, StoreError> {
    let mut broken: Option<ChainBreak> = None;
    c.query_each_built(sql, params, &mut |r| {
        if broken.is_some() {
            return Ok(());
        }
        let (entry, stored) = entry_of(&r);
        match walk.push(&entry, &stored, r[12].text()) {
            Ok(()) => after(walk),
            Err(b) => broken = Some(b),
        }
        Ok(())
    })?;
    Ok(broken)
}

/// What is wrong with the chain's key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyProblem {
    /// The chain is keyed and no key is configured.
    Missing,
    /// The file cannot be read or created.
    Unreadable(String),
    /// The file does not hold a key (64 hex digits).
    Malformed,
    /// The chain is keyed with `chain`, the key given is `given` (ids, not keys).
    Other { chain: String, given: String },
}

/// The connection's chain key: given, or read from a file at the first need (created at the first write if
/// missing), or none.
#[derive(Default)]
pub struct KeySlot {
    key: Option<ChainKey>,
    file: Option<PathBuf>,
    loaded: bool,
    /// The file was named by the user (`--audit-key`, the environment): missing when read, it is an error
    /// (a mistyped path), not a database whose key is elsewhere.
    named: bool,
}

static KEY_FILE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// The chain key's file for every store this process opens from now on (the command line's `--audit-key`):
/// set once, so the web server's pool, which opens its own stores, uses it too. False if already set.
pub fn use_key_file(path: PathBuf) -> bool {
    KEY_FILE.set(path).is_ok()
}

/// Where a store opened on `url` looks for its chain key: the file given to [`use_key_file`], else
/// `GIAMNGHEO_AUDIT_KEY_FILE`, else `<db>.audit-key` beside a SQLite file; None for PostgreSQL without either.
pub fn key_file_for(url: &str) -> Option<PathBuf> {
    if let Some(f) = KEY_FILE.get() {
        return Some(f.clone());
    }
    if let Some(f) = std::env::var_os("GIAMNGHEO_AUDIT_KEY_FILE").filter(|f| !f.is_empty()) {
        return Some(PathBuf::from(f));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return None;
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    (!path.is_empty() && path != ":memory:" && !path.starts_with("file:"))
        .then(|| PathBuf::from(format!("{path}.audit-key")))
}

impl KeySlot {
    /// The key a store opened on `url` uses (see [`key_file_for`]).
    pub(crate) fn default_for(url: &str) -> KeySlot {
        KeySlot {
            key: None,
            file: key_file_for(url),
            loaded: false,
            named: KEY_FILE.get().is_some()
                || std::env::var_os("GIAMNGHEO_AUDIT_KEY_FILE").is_some_and(|f| !f.is_empty()),
        }
    }

    pub(crate) fn path(&self) -> String {
        self.file
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    }

    /// The key for checking: read from its file if the file exists.
    /// A new commune database takes the chain key its server derived for it: written to the key's file,
    /// which must not hold another key, or held by the connection where there is no file.
    pub(crate) fn adopt(&mut self, key: ChainKey) -> Result<(), StoreError> {
        let held = match &self.file {
            Some(path) if path.exists() => self.load(false)?.cloned(),
            Some(path) => {
                write_key_file(path, &key).map_err(|e| StoreError::AuditKey {
                    path: self.path(),
                    problem: KeyProblem::Unreadable(e),
                })?;
                Some(key.clone())
            }
            // No file to keep it in (PostgreSQL without --audit-key): the next connection would not have it.
            None if self.key.is_none() => {
                return Err(StoreError::AuditKey {
                    path: self.path(),
                    problem: KeyProblem::Missing,
                });
            }
            None => self.key.clone(),
        };
        match held {
            Some(k) if k.id() != key.id() => Err(StoreError::AuditKey {
                path: self.path(),
                problem: KeyProblem::Other {
                    chain: key.id(),
                    given: k.id(),
                },
            }),
            _ => {
                self.key = Some(key);
                self.loaded = true;
                Ok(())
            }
        }
    }

    pub(crate) fn for_read(&mut self) -> Result<Option<&ChainKey>, StoreError> {
        self.load(false)
    }

    /// The key for writing: read, or created if its file does not exist yet.
    pub(crate) fn for_write(&mut self) -> Result<Option<&ChainKey>, StoreError> {
        self.load(true)
    }

    fn load(&mut self, create: bool) -> Result<Option<&ChainKey>, StoreError> {
        if !self.loaded
            && let Some(path) = self.file.clone()
        {
            let err = |problem| StoreError::AuditKey {
                path: path.display().to_string(),
                problem,
            };
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    self.key = Some(ChainKey::from_hex(&text).ok_or(err(KeyProblem::Malformed))?);
                    self.loaded = true;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                    self.key =
                        Some(create_key_file(&path).map_err(|e| err(KeyProblem::Unreadable(e)))?);
                    self.loaded = true;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && !self.named => {}
                Err(e) => return Err(err(KeyProblem::Unreadable(e.to_string()))),
            }
        }
        Ok(self.key.as_ref())
    }
}

/// Writes `key` to a new file `path` that only its owner can read.
fn write_key_file(path: &Path, key: &ChainKey) -> Result<(), String> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path).map_err(|e| e.to_string())?;
    f.write_all(format!("{}\n", key.to_hex()).as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| e.to_string())
}

/// Writes a new random key to `path` (owner-only), or reads the one another process created first.
fn create_key_file(path: &Path) -> Result<ChainKey, String> {
    use std::io::Write;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
    let key = ChainKey::from_bytes(bytes);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut f) => {
            f.write_all(format!("{}\n", key.to_hex()).as_bytes())
                .and_then(|()| f.sync_all())
                .map_err(|e| e.to_string())?;
            // Said once, where the key appears: the library's only message to the terminal, because whichever
            // front end (command line, web server) wrote first must tell its operator.
            eprintln!(
                "Cảnh báo: đã tạo khoá nhật ký kiểm toán {p}; hãy cất giữ nó ở nơi khác ngoài máy chứa cơ sở dữ liệu (--audit-key).\n\
                 Warning: created the audit log key {p}; in production keep it away from the database (--audit-key).",
                p = path.display()
            );
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            // Another process created it a moment ago and may still be writing it: wait up to a second.
            for _ in 0..20 {
                let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
                if let Some(key) = ChainKey::from_hex(&text) {
                    return Ok(key);
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err("not a key".to_owned())
        }
        Err(e) => Err(e.to_string()),
    }
}
