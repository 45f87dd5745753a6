//! Sync between a commune's database (SQLite, offline) and its province's server (issue 16).
//!
//! **Records, not operations.** A commune's data is a set of records, each a small aggregate of rows that
//! change together: a village (its unit and its parents), a household (its row, residences, memberships,
//! people and events), a review, a support given, a round (its cases, meetings, votes, complaints,
//! certificates and reopenings); from the server also the support programmes and the commune's accounts. A
//! record's hash is the SHA-256 of its rows in a canonical text; ids are the same on both sides because each
//! database takes its ids from its own block (`row_ids`).
//!
//! **Three hashes decide.** Each side keeps, per record, the hash both held at the last sync (`sync_base`). A
//! record whose hash differs from its base changed on that side. The commune sends its changed records with
//! their base; the server applies one when its own hash is still that base, acknowledges one it already holds
//! (a bundle sent twice, or a sync cut after the server's commit), and otherwise keeps its version and records
//! the commune's beside it as a conflict (a round: refused, with the reason). The server answers with the
//! records it changed since what the commune last acknowledged, and the open conflicts; the commune applies a
//! record it did not change, and for one it did, keeps its own version in the same conflict record and takes
//! the server's, so that both sides hold the same rows (equal digests) and the conflict waits for an officer.
//! Nothing is applied twice and nothing is lost: a bundle replayed, or a sync interrupted at any point,
//! changes nothing more, since every step compares hashes in one transaction.
//!
//! The bundle itself (signing, compression, files, HTTP) belongs to the front ends; this module reads and
//! writes the database.

use std::collections::{BTreeMap, HashMap};

use giamngheo_core::audit::hex;
use sha2::{Digest, Sha256};

use giamngheo_core::round::Action;
use giamngheo_core::sync::ConflictReason;

pub mod audit;
mod cache;

use crate::Store;
use crate::audit::{Actor, Change};
use crate::db::{Conn, Row, Value};
use crate::error::StoreError;

/// The kinds of record that sync, in the order they are applied (a record's rows refer only to records of
/// kinds before it, or of its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Entity {
    Programme,
    Account,
    /// The plan targets of one unit: the commune's own and those of the units above it.
    Target,
    Village,
    Household,
    Review,
    Support,
    Round,
}

/// One table of a record: its columns, the columns that identify a row (none: the record's rows of that
/// table are replaced as a whole), and the condition that selects the record's rows with `$1` its key.
struct TableSpec {
    table: &'static str,
    /// The columns, as they stand in SQL: "id, code, …".
    columns: &'static str,
    key: &'static [&'static str],
    of_record: &'static str,
    /// For a table reached through another (a household's people, a meeting's votes): the joins from the
    /// records' keys `k` to its rows `t`, the same rows as `of_record`, for reading many records at once
    /// (PostgreSQL runs `t.id IN (SELECT … WHERE household_id = k.key)` as a join condition against every
    /// row of the table: minutes for a commune of 40,000 households among a million).
    through: Option<&'static str>,
}

const fn spec(
    table: &'static str,
    columns: &'static str,
    key: &'static [&'static str],
    of_record: &'static str,
) -> TableSpec {
    TableSpec {
        table,
        columns,
        key,
        of_record,
        through: None,
    }
}

/// [`spec`] of a table reached through another (see `TableSpec::through`).
const fn spec_through(
    table: &'static str,
    columns: &'static str,
    key: &'static [&'static str],
    of_record: &'static str,
    through: &'static str,
) -> TableSpec {
    TableSpec {
        through: Some(through),
        ..spec(table, columns, key, of_record)
    }
}

/// A record's own row, found by its id.
const fn own_row(table: &'static str, columns: &'static str) -> TableSpec {
    spec(table, columns, &["id"], "id = $1")
}

const PROGRAMME: &[TableSpec] = &[
    own_row(
        "support_programme",
        "id, code, name_vi, name_en, indicator, unit_id",
    ),
    spec(
        "programme_cost",
        "programme_id, unit_id, year, cost_vnd, note, set_on",
        &[],
        "programme_id = $1",
    ),
];
const TARGET: &[TableSpec] = &[spec(
    "plan_target",
    "unit_id, year, poor_rate, near_poor_rate, note, set_on",
    &["unit_id", "year"],
    "unit_id = $1",
)];
const ACCOUNT: &[TableSpec] = &[own_row(
    "account",
    "id, name, role, unit_id, password_hash, created_on, disabled, name_key",
)];
const VILLAGE: &[TableSpec] = &[
    own_row(
        "unit",
        "id, level, code, name, short_name, name_fold, valid_from, valid_until, lat, lon",
    ),
    spec(
        "unit_parent",
        "unit_id, parent_id, valid_from, valid_until",
        &[],
        "unit_id = $1",
    ),
];
const HOUSEHOLD: &[TableSpec] = &[
    spec_through(
        "person",
        "id, full_name, name_fold, sex, birth_date, ethnicity, citizen_id, death_date",
        &["id"],
        "id IN (SELECT person_id FROM membership WHERE household_id = $1)",
        "JOIN membership mm ON mm.household_id = k.key JOIN person t ON t.id = mm.person_id",
    ),
    own_row("household", "id, code, registered_on, version"),
    spec(
        "residence",
        "household_id, valid_from, valid_until, commune_id, village_id, area, address",
        &[],
        "household_id = $1",
    ),
    spec(
        "membership",
        "person_id, household_id, relation, valid_from, valid_until, citizen_id",
        &[],
        "household_id = $1",
    ),
    spec(
        "household_event",
        "id, household_id, person_id, date, kind, note",
        &["id"],
        "household_id = $1",
    ),
];
const REVIEW: &[TableSpec] = &[own_row(
    "review",
    "id, household_id, year, round, review_date, commune_id, village_id, area, ethnic_minority, members, standard_id, income_per_capita, income_score, deprivations, deprivation_count, computed_class, reason, decided_class, decided_on, corrects_id, facts",
)];
const SUPPORT: &[TableSpec] = &[own_row(
    "support",
    "id, programme_id, household_id, person_id, received_on, amount_vnd, quantity, provider, indicator, note",
)];
/// The position of `review_id` among `round_case`'s columns below.
const ROUND_CASE_REVIEW: usize = 9;
const ROUND: &[TableSpec] = &[
    own_row(
        "review_round",
        "id, commune_id, kind, year, month, procedure_id, standard_id, opened_on, status, posted_on, posting_ends, posting_places, district_opinion_on, decided_on, decision_number, signed_by, version",
    ),
    spec(
        "round_case",
        "id, round_id, household_id, village_id, source, requested_on, previous_class, poor_earlier, state, review_id, transition, version",
        &["id"],
        "round_id = $1",
    ),
    spec(
        "village_meeting",
        "id, round_id, village_id, held_on, chair, secretary, attendees, minutes",
        &["id"],
        "round_id = $1",
    ),
    spec_through(
        "meeting_vote",
        "meeting_id, case_id, votes_for, votes_against, agreed",
        &["meeting_id", "case_id"],
        "meeting_id IN (SELECT id FROM village_meeting WHERE round_id = $1)",
        "JOIN village_meeting vm ON vm.round_id = k.key JOIN meeting_vote t ON t.meeting_id = vm.id",
    ),
    spec(
        "complaint",
        "id, round_id, case_id, received_on, complainant, channel, content, answer, answered_on, outcome, version, village_id, copies, merge_key",
        &["id"],
        "round_id = $1",
    ),
    spec(
        "certificate",
        "id, round_id, case_id, household_id, number, class, issued_on",
        &["id"],
        "round_id = $1",
    ),
    spec(
        "round_reopening",
        "id, round_id, reopened_on, actor, role, reason",
        &["id"],
        "round_id = $1",
    ),
];

impl TableSpec {
    fn cols(&self) -> impl Iterator<Item = &'static str> {
        self.columns.split(", ")
    }
}

impl Entity {
    pub const ALL: [Entity; 8] = [
        Entity::Programme,
        Entity::Account,
        Entity::Target,
        Entity::Village,
        Entity::Household,
        Entity::Review,
        Entity::Support,
        Entity::Round,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Entity::Programme => "programme",
            Entity::Account => "account",
            Entity::Target => "target",
            Entity::Village => "village",
            Entity::Household => "household",
            Entity::Review => "review",
            Entity::Support => "support",
            Entity::Round => "round",
        }
    }

    pub fn parse(code: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.code() == code)
    }

    /// Vietnamese and English words for the conflict lists.
    pub fn name(self, lang: giamngheo_core::Lang) -> &'static str {
        match self {
            Entity::Programme => lang.pick("chương trình hỗ trợ", "support programme"),
            Entity::Account => lang.pick("tài khoản", "account"),
            Entity::Target => lang.pick("chỉ tiêu kế hoạch", "plan targets"),
            Entity::Village => lang.pick("thôn", "village"),
            Entity::Household => lang.pick("hộ", "household"),
            Entity::Review => lang.pick("phiếu rà soát", "review"),
            Entity::Support => lang.pick("hỗ trợ", "support"),
            Entity::Round => lang.pick("đợt rà soát", "review round"),
        }
    }

    /// Whether a commune's database sends this kind up; programmes, accounts and targets only come down.
    pub fn goes_up(self) -> bool {
        !matches!(self, Entity::Programme | Entity::Account | Entity::Target)
    }

    /// The table whose row is the record itself (the others hang from it).
    fn main_table(self) -> &'static str {
        match self {
            Entity::Household => "household",
            Entity::Village => "unit",
            _ => self.tables()[0].table,
        }
    }

    fn tables(self) -> &'static [TableSpec] {
        match self {
            Entity::Programme => PROGRAMME,
            Entity::Account => ACCOUNT,
            Entity::Target => TARGET,
            Entity::Village => VILLAGE,
            Entity::Household => HOUSEHOLD,
            Entity::Review => REVIEW,
            Entity::Support => SUPPORT,
            Entity::Round => ROUND,
        }
    }

    /// The keys of this kind in a commune's data (`$1` the commune's id).
    fn keys_of_commune(self) -> &'static str {
        match self {
            // Every programme: support of the commune may be of any; `$1` compared only to type it.
            Entity::Programme => {
                "SELECT id FROM support_programme WHERE unit_id IS NULL OR unit_id <> $1 OR unit_id = $1"
            }
            Entity::Account => {
                "SELECT id FROM account WHERE unit_id = $1 OR unit_id IN (SELECT unit_id FROM unit_parent WHERE parent_id = $1)"
            }
            // The commune's own, and those of the units above it (a district until 2025, the province).
            Entity::Target => {
                "SELECT DISTINCT unit_id FROM plan_target WHERE unit_id = $1 \
                 OR unit_id IN (SELECT parent_id FROM unit_parent WHERE unit_id = $1) \
                 OR unit_id IN (SELECT p2.parent_id FROM unit_parent p1 JOIN unit_parent p2 ON p2.unit_id = p1.parent_id WHERE p1.unit_id = $1)"
            }
            Entity::Village => {
                "SELECT DISTINCT p.unit_id FROM unit_parent p JOIN unit u ON u.id = p.unit_id WHERE p.parent_id = $1 AND u.level = 'village'"
            }
            Entity::Household => {
                "SELECT DISTINCT household_id FROM residence WHERE commune_id = $1"
            }
            Entity::Review => {
                "SELECT id FROM review WHERE household_id IN (SELECT household_id FROM residence WHERE commune_id = $1)"
            }
            Entity::Support => {
                "SELECT id FROM support WHERE household_id IN (SELECT household_id FROM residence WHERE commune_id = $1)"
            }
            Entity::Round => "SELECT id FROM review_round WHERE commune_id = $1",
        }
    }
}

/// One record's rows, by table, each table's rows in a canonical order.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub entity: Entity,
    pub key: i64,
    pub tables: BTreeMap<String, Vec<Row>>,
}

/// A value in the canonical text: the same on SQLite and PostgreSQL for the same row.
fn canonical(v: &Value, out: &mut String) {
    use std::fmt::Write;
    match v {
        Value::Null => out.push('~'),
        Value::Int(i) => {
            let _ = write!(out, "i{i}");
        }
        Value::Real(r) => {
            let _ = write!(out, "r{r}");
        }
        other => {
            let t = other.text().unwrap_or_default();
            let _ = write!(out, "t{}:{t}", t.len());
        }
    }
}

impl Record {
    /// Each table's rows in the order of their canonical text: the same on both backends, whatever order
    /// each database returned them in.
    fn sort_rows(&mut self) {
        for rows in self.tables.values_mut() {
            rows.sort_by_cached_key(|r| {
                let mut k = String::new();
                for v in r {
                    canonical(v, &mut k);
                    k.push('|');
                }
                k
            });
        }
    }

    /// The SHA-256 of the record's canonical text.
    pub fn hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.to_text().as_bytes());
        hex(&h.finalize())
    }

    /// The record's canonical text: what its hash is of, what a bundle carries, and how the conflict list keeps
    /// the version that was not kept.
    pub fn to_text(&self) -> String {
        let mut out = format!("{}:{}\n", self.entity.code(), self.key);
        for (table, rows) in &self.tables {
            out.push('#');
            out.push_str(table);
            out.push('\n');
            for r in rows {
                for v in r {
                    canonical(v, &mut out);
                    out.push('|');
                }
                out.push('\n');
            }
        }
        out
    }

    /// Reads [`Record::to_text`] back: a table's name after `#` on a line of its own, then its rows, each a
    /// line of values ended by `|` (text values carry their length, so they may hold any character).
    pub fn from_text(text: &str) -> Option<Record> {
        let (head, mut rest) = text.split_once('\n')?;
        let (entity, key) = head.split_once(':')?;
        let mut rec = Record {
            entity: Entity::parse(entity)?,
            key: key.parse().ok()?,
            tables: BTreeMap::new(),
        };
        let mut table: Option<String> = None;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('#') {
                let (name, after) = after.split_once('\n')?;
                rec.tables.entry(name.to_owned()).or_default();
                table = Some(name.to_owned());
                rest = after;
                continue;
            }
            let (row, after) = parse_row(rest)?;
            rec.tables.get_mut(table.as_ref()?)?.push(row);
            rest = after;
        }
        Some(rec)
    }
}

/// One row of [`Record::to_text`], and what follows its line.
fn parse_row(mut line: &str) -> Option<(Row, &str)> {
    let mut row = Vec::new();
    loop {
        if let Some(after) = line.strip_prefix('\n') {
            return Some((row, after));
        }
        let (v, rest) = match line.as_bytes().first()? {
            b'~' => (Value::Null, &line[1..]),
            b'i' | b'r' => {
                let end = line.find('|')?;
                let text = &line[1..end];
                let v = if line.starts_with('i') {
                    Value::Int(text.parse().ok()?)
                } else {
                    Value::Real(text.parse().ok()?)
                };
                (v, &line[end..])
            }
            b't' => {
                let colon = line.find(':')?;
                let len: usize = line[1..colon].parse().ok()?;
                let start = colon + 1;
                let text = line.get(start..start + len)?;
                (Value::Text(text.to_owned()), &line[start + len..])
            }
            _ => return None,
        };
        line = rest.strip_prefix('|')?;
        row.push(v);
    }
}

/// Reads a record; None if its main row is not here.
pub(crate) fn read_record(
    c: &mut Conn,
    entity: Entity,
    key: i64,
) -> Result<Option<Record>, StoreError> {
    let mut tables = BTreeMap::new();
    for t in entity.tables() {
        let sql = format!(
            "SELECT {} FROM {} WHERE {} ORDER BY {}",
            t.columns,
            t.table,
            t.of_record,
            (1..=t.cols().count())
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let rows = c.query_built(&sql, &[key.into()])?;
        tables.insert(t.table.to_owned(), rows);
    }
    let main = entity.main_table();
    if tables.get(main).is_none_or(Vec::is_empty) {
        return Ok(None);
    }
    let mut rec = Record {
        entity,
        key,
        tables,
    };
    rec.sort_rows();
    Ok(Some(rec))
}

/// Writes a record's rows over what this database holds of it: rows of identified tables are inserted or
/// updated, and those no longer in the record removed (children first); other tables' rows are replaced.
pub(crate) fn write_record(c: &mut Conn, rec: &Record) -> Result<(), StoreError> {
    let specs = rec.entity.tables();
    // Rows that are gone, and whole tables to replace, from the last table back (children before parents).
    for t in specs.iter().rev() {
        let incoming = rec.tables.get(t.table).map(Vec::as_slice).unwrap_or(&[]);
        if t.key.is_empty() {
            c.execute_built(
                &format!("DELETE FROM {} WHERE {}", t.table, t.of_record),
                &[rec.key.into()],
            )?;
            continue;
        }
        let positions: Vec<usize> = t
            .key
            .iter()
            .filter_map(|k| t.cols().position(|c| c == *k))
            .collect();
        let keep: std::collections::HashSet<Vec<String>> =
            incoming.iter().map(|r| key_of(r, &positions)).collect();
        let here = c.query_built(
            &format!(
                "SELECT {} FROM {} WHERE {}",
                t.key.join(", "),
                t.table,
                t.of_record
            ),
            &[rec.key.into()],
        )?;
        for row in here {
            let k: Vec<String> = row.iter().map(key_text).collect();
            if keep.contains(&k) {
                continue;
            }
            let cond: Vec<String> = t
                .key
                .iter()
                .enumerate()
                .map(|(i, k)| format!("{k} = ${}", i + 1))
                .collect();
            c.execute_built(
                &format!("DELETE FROM {} WHERE {}", t.table, cond.join(" AND ")),
                &row,
            )?;
        }
    }
    for t in specs {
        let rows = rec.tables.get(t.table).map(Vec::as_slice).unwrap_or(&[]);
        let marks: Vec<String> = (1..=t.cols().count()).map(|i| format!("${i}")).collect();
        let mut sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            t.table,
            t.columns,
            marks.join(", ")
        );
        if !t.key.is_empty() {
            let set: Vec<String> = t
                .cols()
                .filter(|col| !t.key.contains(col))
                .map(|col| format!("{col} = excluded.{col}"))
                .collect();
            sql.push_str(&format!(
                " ON CONFLICT ({}) DO UPDATE SET {}",
                t.key.join(", "),
                set.join(", ")
            ));
        }
        for r in rows {
            if r.len() != t.cols().count() {
                return Err(StoreError::Sync(SyncProblem::Malformed(format!(
                    "{} {}: a row of {} has {} values, not {}",
                    rec.entity.code(),
                    rec.key,
                    t.table,
                    r.len(),
                    t.cols().count()
                ))));
            }
            c.execute_built(&sql, r)?;
        }
    }
    Ok(())
}

fn key_text(v: &Value) -> String {
    let mut s = String::new();
    canonical(v, &mut s);
    s
}

fn key_of(row: &Row, positions: &[usize]) -> Vec<String> {
    positions
        .iter()
        .map(|&i| row.get(i).map(key_text).unwrap_or_default())
        .collect()
}

/// What a bundle was refused for, or found wrong in.
#[derive(Clone, Debug, PartialEq)]
pub enum SyncProblem {
    /// No sync with that peer is set up here.
    UnknownPeer(String),
    /// The bundle is for another commune than this peer's.
    OtherCommune { expected: String, got: String },
    /// The bundle's signature does not match its contents or the peer's key: changed on the way, or forged.
    Tampered,
    /// The bundle cannot be read.
    Malformed(String),
    /// A commune's database already set up, or a database with a registry of its own, asked to be made anew.
    NotEmpty,
    /// A record a commune may not send (outside its commune, or a kind that only comes down).
    OutsideCommune { entity: &'static str, key: i64 },
    /// No open conflict with that id.
    NoConflict(String),
    /// The commune's audit entries do not continue the chain the server holds, or differ from entries it
    /// took before.
    AuditChain(giamngheo_core::audit::ChainBreak),
}

/// A record sent in a bundle with the hash its sender last agreed with the receiver (None: new to it).
#[derive(Clone, Debug, PartialEq)]
pub struct Sent {
    pub base: Option<String>,
    pub record: Record,
}

/// A conflict (or refusal) as both sides keep it.
#[derive(Clone, Debug, PartialEq)]
pub struct ConflictRecord {
    pub id: String,
    pub entity: Entity,
    pub key: i64,
    pub refused: bool,
    pub kept_hash: Option<String>,
    /// The commune's version, not kept.
    pub theirs: Record,
    pub reason: ConflictReason,
    pub detected_at: String,
    pub resolved_at: Option<String>,
    /// Some(true): the commune's version was taken; Some(false): the kept one stays.
    pub took_theirs: Option<bool>,
}

/// What one side sends the other.
#[derive(Clone, Debug, PartialEq)]
pub struct Bundle {
    pub commune_id: i64,
    pub commune_code: String,
    /// The sender's origin (0: the server).
    pub from_origin: i64,
    pub records: Vec<Sent>,
    /// A commune's database: the records it took from the server's last bundle, with their hashes.
    pub acks: Vec<(Entity, i64, String)>,
    /// Every conflict of the commune the sender holds, open or resolved (a choice made on one side closes
    /// the conflict on the other).
    pub conflicts: Vec<ConflictRecord>,
    /// The sender's digest of the commune's data when it made the bundle.
    pub digest: String,
    /// A commune's database: its audit entries the server does not hold yet, oldest first (the columns of
    /// `audit_log`).
    pub audit: Vec<Row>,
    /// The server: the last entry of the commune database's audit chain it holds.
    pub audit_held: i64,
}

/// What a bundle did to this database.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncReport {
    pub applied: usize,
    pub already: usize,
    pub conflicts: usize,
    pub refused: usize,
    /// The server: the commune's audit entries it took.
    pub audit_entries: usize,
}

/// A sync's peer, as this database knows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Peer {
    pub peer: String,
    pub is_server: bool,
    pub commune_id: i64,
    pub commune_code: String,
    pub origin: i64,
    pub key_hex: String,
    /// On the server: the account the commune's device syncs as.
    pub account_id: Option<i64>,
    /// On a commune's database: the server's address, when it was made over HTTP.
    pub url: Option<String>,
    pub log: PeerLog,
    /// On a commune's database: the last entry of its audit chain the server holds.
    pub audit_held: i64,
    /// On the server: the id of the key it derived for the commune database's audit chain.
    pub audit_key_id: Option<String>,
}

/// What the last exchanges with a peer left: when a bundle last went and came, and the digest of the
/// commune's data the other side sent with it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PeerLog {
    pub last_sent_at: Option<String>,
    pub last_received_at: Option<String>,
    pub their_digest: Option<String>,
}

/// Where a commune's sync stands.
#[derive(Clone, Debug, PartialEq)]
pub struct SyncStatus {
    pub peer: Peer,
    /// Records changed here since the last sync, by kind.
    pub pending: BTreeMap<Entity, usize>,
    pub open_conflicts: usize,
    pub digest: String,
    /// A commune's database: its audit entries the server does not hold yet.
    pub audit_waiting: i64,
}

fn now() -> String {
    crate::audit::now_utc()
}

/// From this many records to send, a bundle reads the whole commune at once rather than a record at a time.
const READ_WHOLE_ABOVE: usize = 300;

/// Every record of a commune here, read a table at a time for all the commune's records of a kind (one
/// statement per table, each record's condition joined to the kind's keys), not a record at a time.
fn commune_hashes(
    c: &mut Conn,
    commune_id: i64,
) -> Result<BTreeMap<(Entity, i64), Record>, StoreError> {
    let mut out = BTreeMap::new();
    for e in Entity::ALL {
        let mut records: BTreeMap<i64, Record> = c
            .query_built(e.keys_of_commune(), &[commune_id.into()])?
            .into_iter()
            .filter_map(|r| r[0].int())
            .map(|k| {
                let tables = e
                    .tables()
                    .iter()
                    .map(|t| (t.table.to_owned(), Vec::new()))
                    .collect();
                (
                    k,
                    Record {
                        entity: e,
                        key: k,
                        tables,
                    },
                )
            })
            .collect();
        for t in e.tables() {
            let cols: Vec<String> = t.cols().map(|col| format!("t.{col}")).collect();
            let sql = match t.through {
                Some(via) => format!(
                    "WITH k(key) AS ({}) SELECT DISTINCT k.key, {} FROM k {via}",
                    e.keys_of_commune(),
                    cols.join(", "),
                ),
                None => format!(
                    "WITH k(key) AS ({}) SELECT k.key, {} FROM k JOIN {} t ON {}",
                    e.keys_of_commune(),
                    cols.join(", "),
                    t.table,
                    t.of_record.replace("$1", "k.key")
                ),
            };
            for mut row in c.query_built(&sql, &[commune_id.into()])? {
                let key = row.first().and_then(Value::int).unwrap_or(0);
                row.remove(0);
                if let Some(rows) = records
                    .get_mut(&key)
                    .and_then(|r| r.tables.get_mut(t.table))
                {
                    rows.push(row);
                }
            }
        }
        let main = e.main_table();
        for (k, mut r) in records {
            if r.tables.get(main).is_none_or(Vec::is_empty) {
                continue;
            }
            r.sort_rows();
            out.insert((e, k), r);
        }
    }
    Ok(out)
}

/// The digest of a commune's data: the SHA-256 of every record's kind, key and hash, in order.
fn digest_of(records: &BTreeMap<(Entity, i64), String>) -> String {
    let mut h = Sha256::new();
    for ((e, k), hash) in records {
        h.update(format!("{}:{k}:{hash}\n", e.code()).as_bytes());
    }
    hex(&h.finalize())
}

fn bases(c: &mut Conn, peer: &str) -> Result<HashMap<(Entity, i64), String>, StoreError> {
    let mut out = HashMap::new();
    for r in c.query(
        "SELECT entity, key, hash FROM sync_base WHERE peer = $1",
        &[peer.into()],
    )? {
        if let (Some(e), Some(k), Some(h)) =
            (r[0].text().and_then(Entity::parse), r[1].int(), r[2].text())
        {
            out.insert((e, k), h.to_owned());
        }
    }
    Ok(out)
}

fn set_base(c: &mut Conn, peer: &str, e: Entity, key: i64, hash: &str) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO sync_base (peer, entity, key, hash) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (peer, entity, key) DO UPDATE SET hash = excluded.hash",
        &[peer.into(), e.code().into(), key.into(), hash.into()],
    )?;
    Ok(())
}

fn peer_of(c: &mut Conn, peer: &str) -> Result<Peer, StoreError> {
    let r = c
        .query_one(
            "SELECT p.peer, p.role, p.commune_id, u.code, p.origin, p.key_hex, p.account_id, p.url, p.last_sent_at, p.last_received_at, p.their_digest, p.audit_held, p.audit_key_id \
             FROM sync_peer p JOIN unit u ON u.id = p.commune_id WHERE p.peer = $1",
            &[peer.into()],
        )?
        .ok_or_else(|| StoreError::Sync(SyncProblem::UnknownPeer(peer.to_owned())))?;
    let mut it = r.into_iter();
    let mut next = || it.next().unwrap_or(Value::Null);
    Ok(Peer {
        peer: next().into_text().unwrap_or_default(),
        is_server: next().text() == Some("server"),
        commune_id: next().int().unwrap_or(0),
        commune_code: next().into_text().unwrap_or_default(),
        origin: next().int().unwrap_or(0),
        key_hex: next().into_text().unwrap_or_default(),
        account_id: next().int(),
        url: next().into_text(),
        log: PeerLog {
            last_sent_at: next().into_text(),
            last_received_at: next().into_text(),
            their_digest: next().into_text(),
        },
        audit_held: next().int().unwrap_or(0),
        audit_key_id: next().into_text(),
    })
}

fn conflict_id(e: Entity, key: i64, theirs_hash: &str) -> String {
    format!(
        "{}-{key}-{}",
        e.code(),
        &theirs_hash[..16.min(theirs_hash.len())]
    )
}

fn conflicts_of(
    c: &mut Conn,
    commune_id: i64,
    open_only: bool,
) -> Result<Vec<ConflictRecord>, StoreError> {
    let rows = c.query(
        "SELECT id, entity, key, kind, kept_hash, theirs, reason, detected_at, resolved_at, resolution \
         FROM sync_conflict WHERE commune_id = $1 AND ($2 = 0 OR resolved_at IS NULL) ORDER BY detected_at, id",
        &[commune_id.into(), i64::from(open_only).into()],
    )?;
    rows.into_iter()
        .map(|r| {
            let theirs = r[5]
                .text()
                .and_then(Record::from_text)
                .ok_or(StoreError::Corrupt {
                    table: "sync_conflict",
                    column: "theirs",
                    value: r[0].text().unwrap_or_default().to_owned(),
                })?;
            Ok(ConflictRecord {
                id: r[0].text().unwrap_or_default().to_owned(),
                entity: theirs.entity,
                key: r[2].int().unwrap_or(0),
                refused: r[3].text() == Some("refused"),
                kept_hash: r[4].text().map(str::to_owned),
                theirs,
                reason: r[6]
                    .clone()
                    .decode("sync_conflict", "reason", ConflictReason::parse)?,
                detected_at: r[7].text().unwrap_or_default().to_owned(),
                resolved_at: r[8].text().map(str::to_owned),
                took_theirs: r[9].text().map(|t| t == "theirs"),
            })
        })
        .collect()
}

fn keep_conflict(c: &mut Conn, commune_id: i64, k: &ConflictRecord) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO sync_conflict (id, commune_id, entity, key, kind, kept_hash, theirs_hash, theirs, reason, detected_at, resolved_at, resolution) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (id) DO UPDATE SET resolved_at = coalesce(sync_conflict.resolved_at, excluded.resolved_at), \
         resolution = coalesce(sync_conflict.resolution, excluded.resolution)",
        &[
            k.id.clone().into(),
            commune_id.into(),
            k.entity.code().into(),
            k.key.into(),
            if k.refused { "refused" } else { "conflict" }.into(),
            k.kept_hash.clone().into(),
            k.theirs.hash().into(),
            k.theirs.to_text().into(),
            k.reason.code().into(),
            k.detected_at.clone().into(),
            k.resolved_at.clone().into(),
            k.took_theirs.map(|t| if t { "theirs" } else { "kept" }).into(),
        ],
    )?;
    Ok(())
}

impl Store {
    /// The server: sets up a commune's database-to-be (its origin, the next free one, and a new signing key),
    /// syncing as `account` when it comes over HTTP, and returns its peer.
    pub fn sync_add_commune(
        &mut self,
        actor: &Actor,
        commune_id: i64,
        account: Option<i64>,
    ) -> Result<Peer, StoreError> {
        // A commune's officer sets up the commune's own device; whoever may change the registry everywhere
        // (the command line, an administrator) any commune's.
        crate::scope::permit_unit(
            actor,
            Action::EditRegistry,
            commune_id,
            "commune",
            &commune_id.to_string(),
        )?;
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| StoreError::Db(format!("random key: {e}")))?;
        let key_hex = hex(&key);
        let peer = self.conn.transaction(|c| {
            let origin = c
                .query_int("SELECT coalesce(max(origin), 0) + 1 FROM sync_peer WHERE role = 'commune'", &[])?
                .unwrap_or(1);
            let code = c
                .query_one("SELECT code FROM unit WHERE id = $1 AND level = 'commune'", &[commune_id.into()])?
                .and_then(|r| r[0].text().map(str::to_owned))
                .ok_or(StoreError::NotFound {
                    what: "commune",
                    key: commune_id.to_string(),
                })?;
            let peer = format!("commune-{code}-{origin}");
            let server_key = c.audit_key.for_write()?.cloned();
            let chain_key = audit::new_key(
                server_key.as_ref(),
                &Peer {
                    peer: peer.clone(),
                    key_hex: key_hex.clone(),
                    ..Peer::default()
                },
            )?;
            c.execute(
                "INSERT INTO sync_peer (peer, role, commune_id, origin, key_hex, account_id, created_at, audit_key_id) VALUES ($1, 'commune', $2, $3, $4, $5, $6, $7)",
                &[peer.clone().into(), commune_id.into(), origin.into(), key_hex.clone().into(), account.into(), now().into(), chain_key.id().into()],
            )?;
            crate::audit::record_one(
                c,
                actor,
                Change {
                    action: "sync_add_commune",
                    entity: "sync_peer",
                    entity_id: peer.clone(),
                    old_value: None,
                    new_value: Some(format!("{code} origin {origin}")),
                    reason: None,
                },
            )?;
            Ok(peer)
        })?;
        self.sync_peer(&peer)
    }

    /// A sync peer by name.
    pub fn sync_peer(&mut self, peer: &str) -> Result<Peer, StoreError> {
        peer_of(&mut self.conn, peer)
    }

    /// The server: the commune database of this origin, if one was set up.
    pub fn sync_peer_of_origin(&mut self, origin: i64) -> Result<Option<Peer>, StoreError> {
        Ok(self
            .sync_peers()?
            .into_iter()
            .find(|p| !p.is_server && p.origin == origin))
    }

    /// The peers set up here: the server on a commune's database, the communes on a server.
    pub fn sync_peers(&mut self) -> Result<Vec<Peer>, StoreError> {
        let names: Vec<String> = self
            .conn
            .query("SELECT peer FROM sync_peer ORDER BY peer", &[])?
            .into_iter()
            .filter_map(|r| r[0].text().map(str::to_owned))
            .collect();
        names.iter().map(|p| peer_of(&mut self.conn, p)).collect()
    }

    /// What this database sends `peer`: the records of the commune changed here since the last sync (a
    /// commune's database sends only the kinds that go up), with their bases; the records it took from the
    /// other side since its last bundle; and the commune's conflicts.
    pub fn sync_bundle(&mut self, peer: &str) -> Result<Bundle, StoreError> {
        let p = self.sync_peer(peer)?;
        let c = &mut self.conn;
        let cache::Kept { hashes: here, read } = cache::hashes(c, p.commune_id)?;
        let bases = bases(c, peer)?;
        let changed: Vec<(Entity, i64, Option<String>)> = here
            .iter()
            .filter(|((e, _), _)| !p.is_server || e.goes_up())
            .filter_map(|((e, k), hash)| {
                let base = bases.get(&(*e, *k)).cloned();
                (base.as_deref() != Some(hash.as_str())).then_some((*e, *k, base))
            })
            .collect();
        // Read now (a write since the hashes were taken only marks the record for the next sync): a record
        // at a time, or the whole commune at once when most of it goes (a first sync).
        let mut whole = match read {
            Some(all) => all,
            None if changed.len() > READ_WHOLE_ABOVE => commune_hashes(c, p.commune_id)?,
            None => BTreeMap::new(),
        };
        let mut records = Vec::with_capacity(changed.len());
        for (e, k, base) in changed {
            let record = match whole.remove(&(e, k)) {
                Some(r) => Some(r),
                None => read_record(c, e, k)?,
            };
            if let Some(record) = record {
                records.push(Sent { base, record });
            }
        }
        // What this side took from the other since its last bundle: told once (a lost bundle only makes the
        // other side send those records again, which this side then acknowledges again).
        let acks = c
            .query(
                "SELECT entity, key, hash FROM sync_ack WHERE peer = $1",
                &[peer.into()],
            )?
            .into_iter()
            .filter_map(|r| {
                Some((
                    r[0].text().and_then(Entity::parse)?,
                    r[1].int()?,
                    r[2].text()?.to_owned(),
                ))
            })
            .collect();
        c.execute("DELETE FROM sync_ack WHERE peer = $1", &[peer.into()])?;
        // Both ways: the server's new conflicts go down, an officer's choice made on either side goes across.
        let conflicts = conflicts_of(c, p.commune_id, false)?;
        c.execute(
            "UPDATE sync_peer SET last_sent_at = $2 WHERE peer = $1",
            &[peer.into(), now().into()],
        )?;
        let (audit, audit_held) = if p.is_server {
            (audit::to_send(c, p.audit_held)?, 0)
        } else {
            (Vec::new(), audit::held(c, p.origin)?)
        };
        Ok(Bundle {
            audit,
            audit_held,
            commune_id: p.commune_id,
            commune_code: p.commune_code,
            from_origin: self.origin()?,
            records,
            acks,
            conflicts,
            digest: digest_of(&here),
        })
    }

    /// Applies a bundle from `peer` in one transaction (see the module's notes for the rules).
    pub fn sync_receive(
        &mut self,
        actor: &Actor,
        peer: &str,
        b: &Bundle,
    ) -> Result<SyncReport, StoreError> {
        let p = self.sync_peer(peer)?;
        if b.commune_id != p.commune_id || b.commune_code != p.commune_code {
            return Err(StoreError::Sync(SyncProblem::OtherCommune {
                expected: p.commune_code,
                got: b.commune_code.clone(),
            }));
        }
        // From a commune: only the kinds that go up, and only the commune's (checked again after applying).
        let from_commune = !p.is_server;
        if let Some(s) = b
            .records
            .iter()
            .find(|s| from_commune && !s.record.entity.goes_up())
        {
            return Err(StoreError::Sync(SyncProblem::OutsideCommune {
                entity: s.record.entity.code(),
                key: s.record.key,
            }));
        }
        crate::scope::permit_unit(
            actor,
            Action::EditRegistry,
            p.commune_id,
            "commune",
            &p.commune_code,
        )?;
        let mut sorted: Vec<&Sent> = b.records.iter().collect();
        sorted.sort_by_key(|s| (s.record.entity, s.record.key));
        self.conn.transaction(|c| {
            // One bundle of a peer at a time: a sync retried while the server still applies the one its
            // killed client sent would otherwise rewrite the same rows beside it (PostgreSQL; SQLite lets
            // one writer in anyway).
            if c.backend() == crate::db::Backend::Postgres {
                c.batch(&format!(
                    "SELECT pg_advisory_xact_lock(hashtext('sync ' || current_schema()), {})",
                    p.origin
                ))?;
            }
            let mut report = SyncReport::default();
            let bases = bases(c, peer)?;
            if from_commune {
                // A commune changes only its own records, and makes new ones only with ids of its own block.
                let before: std::collections::HashSet<(Entity, i64)> =
                    cache::hashes_within(c, p.commune_id)?
                        .hashes
                        .into_keys()
                        .collect();
                for s in &sorted {
                    let (e, k) = (s.record.entity, s.record.key);
                    let exists = read_record(c, e, k)?.is_some();
                    let inside = if exists {
                        before.contains(&(e, k))
                    } else {
                        k / crate::row_ids::BLOCK == p.origin
                    };
                    if !inside {
                        return Err(StoreError::Sync(SyncProblem::OutsideCommune {
                            entity: e.code(),
                            key: k,
                        }));
                    }
                }
            }
            for (e, k, h) in &b.acks {
                set_base(c, peer, *e, *k, h)?;
            }
            // A round the server refuses takes its reviews with it: a decision made offline in a round that
            // was reopened or decided at the province meanwhile is not applied, even where the review itself
            // is new to the server.
            let mut in_refused_round = std::collections::HashSet::new();
            if from_commune {
                for s in sorted.iter().filter(|s| s.record.entity == Entity::Round) {
                    let here = read_record(c, Entity::Round, s.record.key)?.map(|r| r.hash());
                    if here.is_some() && here != Some(s.record.hash()) && here != s.base {
                        in_refused_round.extend(
                            s.record
                                .tables
                                .get("round_case")
                                .into_iter()
                                .flatten()
                                .filter_map(|row| row.get(ROUND_CASE_REVIEW).and_then(Value::int)),
                        );
                    }
                }
            }
            for s in &sorted {
                let rec = &s.record;
                let incoming = rec.hash();
                let local = read_record(c, rec.entity, rec.key)?;
                let local_hash = local.as_ref().map(Record::hash);
                if local_hash.as_deref() == Some(incoming.as_str()) {
                    set_base(c, peer, rec.entity, rec.key, &incoming)?;
                    remember_ack(c, peer, rec.entity, rec.key, &incoming)?;
                    report.already += 1;
                    continue;
                }
                // What only comes down (programmes, accounts, targets) is the server's alone: a commune's
                // database takes it whatever it held (a new database holds the programmes it was made with).
                if !from_commune && !rec.entity.goes_up() {
                    write_record(c, rec)?;
                    set_base(c, peer, rec.entity, rec.key, &incoming)?;
                    remember_ack(c, peer, rec.entity, rec.key, &incoming)?;
                    report.applied += 1;
                    continue;
                }
                // Unchanged here since the last sync: from a commune, against the base it sent; from the
                // server, against this database's own base.
                let base_here = if from_commune {
                    s.base.clone()
                } else {
                    bases.get(&(rec.entity, rec.key)).cloned()
                };
                let decided_review = rec.entity == Entity::Review
                    && local
                        .as_ref()
                        .and_then(|l| l.tables.get("review"))
                        .and_then(|rows| rows.first())
                        .is_some_and(|r| r.get(17).is_some_and(|v| *v != Value::Null));
                let with_refused_round =
                    rec.entity == Entity::Review && in_refused_round.contains(&rec.key);
                if local_hash == base_here && !decided_review && !with_refused_round {
                    write_record(c, rec)?;
                    set_base(c, peer, rec.entity, rec.key, &incoming)?;
                    remember_ack(c, peer, rec.entity, rec.key, &incoming)?;
                    report.applied += 1;
                    continue;
                }
                // Changed on both sides. The server's version is kept on both; the commune's goes to the list.
                let refused = rec.entity == Entity::Round || decided_review || with_refused_round;
                let (theirs, kept) = if from_commune {
                    (rec.clone(), local_hash.clone())
                } else {
                    match &local {
                        Some(l) => (l.clone(), Some(incoming.clone())),
                        None => (rec.clone(), Some(incoming.clone())),
                    }
                };
                let reason = if rec.entity == Entity::Round {
                    ConflictReason::RoundChangedOnServer
                } else if decided_review {
                    ConflictReason::DecidedReview
                } else if with_refused_round {
                    ConflictReason::InRefusedRound
                } else {
                    ConflictReason::BothChanged
                };
                let k = ConflictRecord {
                    id: conflict_id(rec.entity, rec.key, &theirs.hash()),
                    entity: rec.entity,
                    key: rec.key,
                    refused,
                    kept_hash: kept,
                    theirs,
                    reason,
                    detected_at: now(),
                    resolved_at: None,
                    took_theirs: None,
                };
                keep_conflict(c, p.commune_id, &k)?;
                if refused {
                    report.refused += 1;
                } else {
                    report.conflicts += 1;
                }
                if from_commune {
                    // The server's version goes down in its answer, whatever the commune last acknowledged.
                    c.execute(
                        "DELETE FROM sync_base WHERE peer = $1 AND entity = $2 AND key = $3",
                        &[peer.into(), rec.entity.code().into(), rec.key.into()],
                    )?;
                } else {
                    // The server's version, here too.
                    write_record(c, rec)?;
                    set_base(c, peer, rec.entity, rec.key, &incoming)?;
                    remember_ack(c, peer, rec.entity, rec.key, &incoming)?;
                }
            }
            for k in &b.conflicts {
                keep_conflict(c, p.commune_id, k)?;
            }
            if !from_commune {
                // A record the server refused and does not hold (a review made offline in a refused round)
                // leaves the commune's registry too, so that both sides hold the same; it stays in the
                // conflict list, whole. Last, from the latest kind back, once the server's versions of what
                // refers to it are in.
                let mut gone: Vec<&ConflictRecord> = b
                    .conflicts
                    .iter()
                    .filter(|k| k.refused && k.kept_hash.is_none() && k.resolved_at.is_none())
                    .collect();
                gone.sort_by_key(|k| std::cmp::Reverse((k.entity, k.key)));
                for k in gone {
                    let here = read_record(c, k.entity, k.key)?;
                    if here.is_some_and(|r| r.hash() == k.theirs.hash()) {
                        if k.entity == Entity::Review {
                            c.execute(
                                "INSERT INTO sync_withdrawn (review_id, conflict_id, withdrawn_at) VALUES ($1, $2, $3) \
                                 ON CONFLICT (review_id) DO NOTHING",
                                &[k.key.into(), k.id.clone().into(), now().into()],
                            )?;
                        }
                        crate::audit::record_one(
                            c,
                            actor,
                            Change {
                                action: "sync_withdraw",
                                entity: k.entity.code(),
                                entity_id: k.key.to_string(),
                                old_value: Some(k.theirs.hash()),
                                new_value: None,
                                reason: Some(k.reason.name(giamngheo_core::Lang::Vi).to_owned()),
                            },
                        )?;
                        write_record(
                            c,
                            &Record {
                                entity: k.entity,
                                key: k.key,
                                tables: BTreeMap::new(),
                            },
                        )?;
                        c.execute(
                            "DELETE FROM sync_base WHERE peer = $1 AND entity = $2 AND key = $3",
                            &[peer.into(), k.entity.code().into(), k.key.into()],
                        )?;
                    }
                }
            }
            if from_commune {
                // Every record the commune sent must now lie inside the commune.
                let after: std::collections::HashSet<(Entity, i64)> =
                    cache::hashes_within(c, p.commune_id)?
                        .hashes
                        .into_keys()
                        .collect();
                for s in &b.records {
                    let (e, k) = (s.record.entity, s.record.key);
                    if !after.contains(&(e, k)) && read_record(c, e, k)?.is_some() {
                        return Err(StoreError::Sync(SyncProblem::OutsideCommune {
                            entity: e.code(),
                            key: k,
                        }));
                    }
                }
            }
            c.execute(
                "UPDATE sync_peer SET last_received_at = $2, their_digest = $3 WHERE peer = $1",
                &[peer.into(), now().into(), b.digest.clone().into()],
            )?;
            if from_commune {
                report.audit_entries = audit::take(c, &p, &b.audit)?;
            } else {
                c.execute(
                    "UPDATE sync_peer SET audit_held = $2 WHERE peer = $1 AND audit_held < $2",
                    &[peer.into(), b.audit_held.into()],
                )?;
            }
            crate::audit::record_one(
                c,
                actor,
                Change {
                    action: "sync_receive",
                    entity: "sync_peer",
                    entity_id: peer.to_owned(),
                    old_value: None,
                    new_value: Some(format!(
                        "applied {}, already {}, conflicts {}, refused {}",
                        report.applied, report.already, report.conflicts, report.refused
                    )),
                    reason: None,
                },
            )?;
            Ok(report)
        })
    }

    /// Where the sync with `peer` stands: records changed here since, open conflicts, this side's digest.
    pub fn sync_status(&mut self, peer: &str) -> Result<SyncStatus, StoreError> {
        let p = self.sync_peer(peer)?;
        let here = cache::hashes(&mut self.conn, p.commune_id)?.hashes;
        let bases = bases(&mut self.conn, peer)?;
        let mut pending = BTreeMap::new();
        for ((e, k), hash) in &here {
            if (p.is_server && !e.goes_up())
                || bases.get(&(*e, *k)).map(String::as_str) == Some(hash.as_str())
            {
                continue;
            }
            *pending.entry(*e).or_insert(0) += 1;
        }
        let open_conflicts = conflicts_of(&mut self.conn, p.commune_id, true)?.len();
        let audit_waiting = if p.is_server {
            self.conn
                .query_int(
                    "SELECT count(*) FROM audit_log WHERE seq > $1",
                    &[p.audit_held.into()],
                )?
                .unwrap_or(0)
        } else {
            0
        };
        Ok(SyncStatus {
            audit_waiting,
            peer: p,
            pending,
            open_conflicts,
            digest: digest_of(&here),
        })
    }

    /// The conflicts of a commune (open ones only, or all).
    pub fn sync_conflicts(
        &mut self,
        commune_id: i64,
        open_only: bool,
    ) -> Result<Vec<ConflictRecord>, StoreError> {
        conflicts_of(&mut self.conn, commune_id, open_only)
    }

    /// An officer's choice on an open conflict: keep the version both sides hold, or take the commune's
    /// (written here as a change of its own, which the next sync carries to the other side). A refused round
    /// cannot be taken: it is done again after the server's change.
    pub fn sync_resolve(
        &mut self,
        actor: &Actor,
        id: &str,
        take_theirs: bool,
    ) -> Result<(), StoreError> {
        self.conn.transaction(|c| {
            let row = c
                .query_int(
                    "SELECT commune_id FROM sync_conflict WHERE id = $1 AND resolved_at IS NULL",
                    &[id.into()],
                )?
                .ok_or_else(|| StoreError::Sync(SyncProblem::NoConflict(id.to_owned())))?;
            let k = conflicts_of(c, row, true)?
                .into_iter()
                .find(|k| k.id == id)
                .ok_or_else(|| StoreError::Sync(SyncProblem::NoConflict(id.to_owned())))?;
            crate::scope::permit_unit(
                actor,
                Action::EditRegistry,
                row,
                "commune",
                &row.to_string(),
            )?;
            if take_theirs {
                if k.refused {
                    return Err(StoreError::Sync(SyncProblem::NoConflict(id.to_owned())));
                }
                write_record(c, &k.theirs)?;
            }
            c.execute(
                "UPDATE sync_conflict SET resolved_at = $2, resolution = $3 WHERE id = $1",
                &[
                    id.into(),
                    now().into(),
                    if take_theirs { "theirs" } else { "kept" }.into(),
                ],
            )?;
            crate::audit::record_one(
                c,
                actor,
                Change {
                    action: "sync_resolve",
                    entity: k.entity.code(),
                    entity_id: k.key.to_string(),
                    old_value: k.kept_hash.clone(),
                    new_value: Some(if take_theirs { "theirs" } else { "kept" }.to_owned()),
                    reason: Some(k.reason.name(giamngheo_core::Lang::Vi).to_owned()),
                },
            )?;
            Ok(())
        })
    }
}

/// Each side remembers what it took from the other, to tell it in its next bundle (the other side's base).
fn remember_ack(
    c: &mut Conn,
    peer: &str,
    e: Entity,
    key: i64,
    hash: &str,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO sync_ack (peer, entity, key, hash) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (peer, entity, key) DO UPDATE SET hash = excluded.hash",
        &[peer.into(), e.code().into(), key.into(), hash.into()],
    )?;
    Ok(())
}

/// What the server sends to make a commune's database: the country's units as the server holds them (same
/// ids), the commune's origin and signing key, and a first bundle with every record of the commune.
#[derive(Clone, Debug, PartialEq)]
pub struct Init {
    pub origin: i64,
    pub key_hex: String,
    /// The key of the new database's audit chain, derived by the server (which can then check it).
    pub audit_key_hex: String,
    /// `unit`, `unit_parent` and `unit_lineage`, whole.
    pub units: BTreeMap<String, Vec<Row>>,
    pub bundle: Bundle,
}

const UNIT_TABLES: &[(&str, &str)] = &[
    (
        "unit",
        "id, level, code, name, short_name, name_fold, valid_from, valid_until, lat, lon",
    ),
    ("unit_parent", "unit_id, parent_id, valid_from, valid_until"),
    (
        "unit_lineage",
        "from_id, to_id, date, kind, share, default_successor",
    ),
];

/// The peer name a commune's database gives its server.
pub const SERVER_PEER: &str = "server";

impl Store {
    /// The server: what makes `peer`'s database (see [`Init`]).
    pub fn sync_init_bundle(&mut self, peer: &str) -> Result<Init, StoreError> {
        let p = self.sync_peer(peer)?;
        if p.is_server {
            return Err(StoreError::Sync(SyncProblem::UnknownPeer(peer.to_owned())));
        }
        let mut units = BTreeMap::new();
        for (table, cols) in UNIT_TABLES {
            let rows = self
                .conn
                .query_built(&format!("SELECT {cols} FROM {table} ORDER BY {cols}"), &[])?;
            units.insert((*table).to_owned(), rows);
        }
        let chain_key = audit::key_of(&mut self.conn, &p)?;
        Ok(Init {
            origin: p.origin,
            key_hex: p.key_hex.clone(),
            audit_key_hex: chain_key.to_hex(),
            units,
            bundle: self.sync_bundle(peer)?,
        })
    }

    /// A commune's database, new and empty: made from its server's [`Init`]. Its origin, its server as a peer
    /// (named [`SERVER_PEER`]), the units and every record of the commune, in one transaction.
    pub fn sync_init(
        &mut self,
        actor: &Actor,
        init: &Init,
        url: Option<&str>,
    ) -> Result<SyncReport, StoreError> {
        let empty = self
            .conn
            .query_int(
                "SELECT (SELECT count(*) FROM unit) + (SELECT count(*) FROM household) + (SELECT count(*) FROM sync_peer)",
                &[],
            )?
            == Some(0);
        if !empty {
            return Err(StoreError::Sync(SyncProblem::NotEmpty));
        }
        let chain_key = giamngheo_core::audit::ChainKey::from_hex(&init.audit_key_hex)
            .ok_or_else(|| StoreError::Sync(SyncProblem::Malformed("the audit key".into())))?;
        self.conn.audit_key.adopt(chain_key)?;
        self.conn.transaction(|c| {
            for (table, cols) in UNIT_TABLES {
                let n = cols.split(", ").count();
                let marks: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
                let sql = format!("INSERT INTO {table} ({cols}) VALUES ({})", marks.join(", "));
                for r in init.units.get(*table).map(Vec::as_slice).unwrap_or(&[]) {
                    if r.len() != n {
                        return Err(StoreError::Sync(SyncProblem::Malformed(format!("a row of {table}"))));
                    }
                    c.execute_built(&sql, r)?;
                }
            }
            c.execute("UPDATE database_origin SET origin = $1", &[init.origin.into()])?;
            c.execute(
                "INSERT INTO sync_peer (peer, role, commune_id, origin, key_hex, url, created_at) VALUES ($1, 'server', $2, 0, $3, $4, $5)",
                &[SERVER_PEER.into(), init.bundle.commune_id.into(), init.key_hex.clone().into(), url.into(), now().into()],
            )?;
            Ok(())
        })?;
        let report = self.sync_receive(actor, SERVER_PEER, &init.bundle)?;
        // The hashes the next syncs start from, read once now as part of the first sync.
        cache::hashes(&mut self.conn, init.bundle.commune_id)?;
        Ok(report)
    }
}

/// The text of bundles: a line a field, records and rows as length-prefixed blocks of their canonical text,
/// so that any byte of a name or note passes unchanged.
pub mod text {
    use super::*;

    const MAGIC: &str = "giamngheo-sync 1";

    fn block(out: &mut String, head: &str, body: &str) {
        out.push_str(&format!("{head} {}\n{body}\n", body.len()));
    }

    pub fn bundle_to_text(b: &Bundle, init: Option<&Init>) -> String {
        let mut out = format!(
            "{MAGIC}\ncommune {} {}\norigin {}\ndigest {}\n",
            b.commune_id, b.commune_code, b.from_origin, b.digest
        );
        if let Some(i) = init {
            out.push_str(&format!(
                "init {} {} {}\n",
                i.origin, i.key_hex, i.audit_key_hex
            ));
            for (table, rows) in &i.units {
                let rec = Record {
                    entity: Entity::Village,
                    key: 0,
                    tables: BTreeMap::from([(table.clone(), rows.clone())]),
                };
                block(&mut out, &format!("units {table}"), &rec.to_text());
            }
        }
        for (e, k, h) in &b.acks {
            out.push_str(&format!("ack {} {k} {h}\n", e.code()));
        }
        out.push_str(&format!("audit_held {}\n", b.audit_held));
        if !b.audit.is_empty() {
            let rec = Record {
                entity: Entity::Village,
                key: 0,
                tables: BTreeMap::from([("audit_log".to_owned(), b.audit.clone())]),
            };
            block(&mut out, "audit", &rec.to_text());
        }
        for s in &b.records {
            block(
                &mut out,
                &format!("record {}", s.base.as_deref().unwrap_or("-")),
                &s.record.to_text(),
            );
        }
        for k in &b.conflicts {
            block(&mut out, &format!("reason {}", k.id), k.reason.code());
            block(
                &mut out,
                &format!(
                    "conflict {} {} {} {} {} {}",
                    k.id,
                    u8::from(k.refused),
                    k.kept_hash.as_deref().unwrap_or("-"),
                    k.detected_at,
                    k.resolved_at.as_deref().unwrap_or("-"),
                    match k.took_theirs {
                        Some(true) => "theirs",
                        Some(false) => "kept",
                        None => "-",
                    }
                ),
                &k.theirs.to_text(),
            );
        }
        out.push_str("end\n");
        out
    }

    /// The sender's origin from a bundle's head, to find the key its seal is checked with.
    pub fn sender_origin(text: &str) -> Result<i64, StoreError> {
        text.lines()
            .take(5)
            .find_map(|l| l.strip_prefix("origin "))
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| bad("no sender in the head"))
    }

    fn bad(what: &str) -> StoreError {
        StoreError::Sync(SyncProblem::Malformed(what.to_owned()))
    }

    /// Reads [`bundle_to_text`]; the init part, if the bundle makes a database.
    pub fn bundle_from_text(text: &str) -> Result<(Bundle, Option<Init>), StoreError> {
        let mut rest = text
            .strip_prefix(MAGIC)
            .and_then(|r| r.strip_prefix('\n'))
            .ok_or_else(|| bad("not a giamngheo sync bundle"))?;
        let mut b = Bundle {
            commune_id: 0,
            commune_code: String::new(),
            from_origin: 0,
            records: Vec::new(),
            acks: Vec::new(),
            conflicts: Vec::new(),
            digest: String::new(),
            audit: Vec::new(),
            audit_held: 0,
        };
        let mut init: Option<Init> = None;
        let mut reason = None;
        loop {
            let (line, after) = rest.split_once('\n').ok_or_else(|| bad("cut short"))?;
            rest = after;
            let words: Vec<&str> = line.split(' ').collect();
            // A block: its length is the head's last word; its text follows, then a newline.
            let take_block = |rest: &mut &str| -> Result<String, StoreError> {
                let len: usize = words
                    .last()
                    .and_then(|w| w.parse().ok())
                    .ok_or_else(|| bad(line))?;
                let body = rest.get(..len).ok_or_else(|| bad("cut short"))?.to_owned();
                *rest = rest
                    .get(len..)
                    .and_then(|r| r.strip_prefix('\n'))
                    .ok_or_else(|| bad("cut short"))?;
                Ok(body)
            };
            let record = |t: &str| Record::from_text(t).ok_or_else(|| bad("a record"));
            match words.as_slice() {
                ["end"] => break,
                ["commune", id, code] => {
                    b.commune_id = id.parse().map_err(|_| bad(line))?;
                    b.commune_code = (*code).to_owned();
                }
                ["origin", n] => b.from_origin = n.parse().map_err(|_| bad(line))?,
                ["digest", d] => b.digest = (*d).to_owned(),
                ["init", origin, key, audit_key] => {
                    init = Some(Init {
                        origin: origin.parse().map_err(|_| bad(line))?,
                        key_hex: (*key).to_owned(),
                        audit_key_hex: (*audit_key).to_owned(),
                        units: BTreeMap::new(),
                        bundle: b.clone(),
                    })
                }
                ["units", table, _] => {
                    let body = take_block(&mut rest)?;
                    let rec = record(&body)?;
                    let rows = rec.tables.get(*table).cloned().unwrap_or_default();
                    init.as_mut()
                        .ok_or_else(|| bad("units outside an init"))?
                        .units
                        .insert((*table).to_owned(), rows);
                }
                ["audit_held", n] => b.audit_held = n.parse().map_err(|_| bad(line))?,
                ["audit", _] => {
                    // Entries keep their order (a record's text keeps its rows' order).
                    let body = take_block(&mut rest)?;
                    b.audit = record(&body)?
                        .tables
                        .remove("audit_log")
                        .ok_or_else(|| bad("the audit entries"))?;
                }
                ["ack", e, k, h] => b.acks.push((
                    Entity::parse(e).ok_or_else(|| bad(line))?,
                    k.parse().map_err(|_| bad(line))?,
                    (*h).to_owned(),
                )),
                ["record", base, _] => {
                    let body = take_block(&mut rest)?;
                    b.records.push(Sent {
                        base: (*base != "-").then(|| (*base).to_owned()),
                        record: record(&body)?,
                    });
                }
                ["reason", _, _] => reason = ConflictReason::parse(&take_block(&mut rest)?),
                ["conflict", id, refused, kept, detected, resolved, took, _] => {
                    let body = take_block(&mut rest)?;
                    let theirs = record(&body)?;
                    b.conflicts.push(ConflictRecord {
                        id: (*id).to_owned(),
                        entity: theirs.entity,
                        key: theirs.key,
                        refused: *refused == "1",
                        kept_hash: (*kept != "-").then(|| (*kept).to_owned()),
                        theirs,
                        reason: reason
                            .take()
                            .ok_or_else(|| bad("a conflict without its reason"))?,
                        detected_at: (*detected).to_owned(),
                        resolved_at: (*resolved != "-").then(|| (*resolved).to_owned()),
                        took_theirs: match *took {
                            "theirs" => Some(true),
                            "kept" => Some(false),
                            _ => None,
                        },
                    });
                }
                _ => return Err(bad(line)),
            }
        }
        if let Some(i) = init.as_mut() {
            i.bundle = b.clone();
        }
        Ok((b, init))
    }
}

/// One commune database's sync, as its server sees it (the province's page of its communes).
#[derive(Clone, Debug, PartialEq)]
pub struct CommuneSync {
    pub commune_id: i64,
    pub commune_code: String,
    pub commune_name: String,
    pub origin: i64,
    /// When its last bundle arrived (None: set up, never synced since).
    pub last_received_at: Option<String>,
    pub open_conflicts: i64,
}

impl Store {
    /// The server: every commune database set up for a commune among `communes` (the units a page shows),
    /// with its last sync and its open conflicts, by commune code.
    pub fn sync_overview(&mut self, communes: &[i64]) -> Result<Vec<CommuneSync>, StoreError> {
        let mut out = Vec::new();
        for &c in communes {
            let rows = self.conn.query(
                "SELECT p.commune_id, u.code, u.name, p.origin, p.last_received_at, \
                 (SELECT count(*) FROM sync_conflict k WHERE k.commune_id = p.commune_id AND k.resolved_at IS NULL) \
                 FROM sync_peer p JOIN unit u ON u.id = p.commune_id \
                 WHERE p.role = 'commune' AND p.commune_id = $1 ORDER BY p.origin",
                &[c.into()],
            )?;
            for r in rows {
                let mut it = r.into_iter();
                let mut next = || it.next().unwrap_or(Value::Null);
                out.push(CommuneSync {
                    commune_id: next().int().unwrap_or(0),
                    commune_code: next().into_text().unwrap_or_default(),
                    commune_name: next().into_text().unwrap_or_default(),
                    origin: next().int().unwrap_or(0),
                    last_received_at: next().into_text(),
                    open_conflicts: next().int().unwrap_or(0),
                });
            }
        }
        out.sort_by(|a, b| (&a.commune_code, a.origin).cmp(&(&b.commune_code, b.origin)));
        Ok(out)
    }
}
