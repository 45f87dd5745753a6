//! A commune database's audit chain on its province's server. The commune's entries go up with its bundles in
//! the order they were written, keep their number, time, actor and address, and are checked link by link as
//! they arrive with the key the server derived for that database; `audit verify` on the server walks every
//! commune's chain as well as its own. The commune never holds the server's key, nor the server a key it
//! could not derive again.

use giamngheo_core::audit::{ChainBreak, ChainKey, ChainWalk, GENESIS, unhex};

use super::{Peer, SyncProblem};
use crate::Store;
use crate::db::{BatchInsert, Conn, Row, Value};
use crate::error::StoreError;

/// An entry's columns, in `audit_log` and `audit_commune` alike (the latter first names the database).
pub(crate) const COLUMNS: &str = "seq, at, actor, role, origin, action, entity, entity_id, old_value, new_value, reason, hash, key_id";
const COUNT: usize = 13;

fn label(peer: &str) -> String {
    format!("giamngheo commune audit chain\0{peer}")
}

fn sync_key(p: &Peer) -> Result<ChainKey, StoreError> {
    unhex::<32>(&p.key_hex)
        .map(ChainKey::from_bytes)
        .ok_or(StoreError::Corrupt {
            table: "sync_peer",
            column: "key_hex",
            value: p.peer.clone(),
        })
}

/// The server: the key for commune database `p`'s chain, made when the database is set up. From the server's
/// own chain key where it has one (held outside its database, so that an edit of the commune's entries with
/// SQL alone still shows), else from the commune's sync key.
pub(crate) fn new_key(server: Option<&ChainKey>, p: &Peer) -> Result<ChainKey, StoreError> {
    Ok(match server {
        Some(k) => k.derive(&label(&p.peer)),
        None => sync_key(p)?.derive(&label(&p.peer)),
    })
}

/// The server: commune database `p`'s chain key, made again the way it was first made (its id is stored).
pub(crate) fn key_of(c: &mut Conn, p: &Peer) -> Result<ChainKey, StoreError> {
    let server = c.audit_key.for_read()?.cloned();
    let mut made = vec![new_key(None, p)?];
    if let Some(k) = &server {
        made.insert(0, new_key(Some(k), p)?);
    }
    if let Some(i) = made.iter().position(|k| Some(k.id()) == p.audit_key_id) {
        return Ok(made.swap_remove(i));
    }
    let tried: Vec<String> = made.iter().map(ChainKey::id).collect();
    Err(StoreError::AuditKey {
        path: format!("{} ({})", c.audit_key.path(), p.peer),
        problem: crate::audit::KeyProblem::Other {
            chain: p.audit_key_id.clone().unwrap_or_default(),
            given: tried.join(", "),
        },
    })
}

/// A commune's database: its entries the server does not hold yet, oldest first.
pub(crate) fn to_send(c: &mut Conn, held: i64) -> Result<Vec<Row>, StoreError> {
    c.query_built(
        &format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq"),
        &[held.into()],
    )
}

/// The server: the last entry it holds of commune database `origin`'s chain.
pub(crate) fn held(c: &mut Conn, origin: i64) -> Result<i64, StoreError> {
    Ok(c.query_int(
        "SELECT coalesce(max(seq), 0) FROM audit_commune WHERE database_origin = $1",
        &[origin.into()],
    )?
    .unwrap_or(0))
}

fn broken(b: ChainBreak) -> StoreError {
    StoreError::Sync(SyncProblem::AuditChain(b))
}

/// The server: takes the entries commune database `p` sent, each checked against the one before it (the last
/// one held, for the first); entries it holds already must be the same. Returns how many are new.
pub(crate) fn take(c: &mut Conn, p: &Peer, rows: &[Row]) -> Result<usize, StoreError> {
    if rows.is_empty() {
        return Ok(0);
    }
    let key = key_of(c, p)?;
    let tail = c.query_one(
        "SELECT seq, hash, key_id FROM audit_commune WHERE database_origin = $1 ORDER BY seq DESC LIMIT 1",
        &[p.origin.into()],
    )?;
    let (last, head, keyed) = match tail {
        Some(r) => (
            r[0].int().unwrap_or(0),
            r[1].text().unwrap_or(GENESIS).to_owned(),
            r[2].text().is_some(),
        ),
        None => (0, GENESIS.to_owned(), false),
    };
    let mut walk = ChainWalk::resume(Some(&key), last, &head, keyed);
    let mut batch = BatchInsert::new(
        c.backend(),
        &format!("INSERT INTO audit_commune (database_origin, {COLUMNS})"),
        COUNT + 1,
    );
    let mut new = 0;
    for r in rows {
        if r.len() != COUNT {
            return Err(StoreError::Sync(SyncProblem::Malformed(format!(
                "an audit entry of {} values, not {COUNT}",
                r.len()
            ))));
        }
        let (entry, stored) = crate::audit::entry_of(r);
        if entry.seq <= last {
            // Sent again (the answer to the last sync was lost): it must be the entry already held.
            let had = c.query_one(
                "SELECT hash FROM audit_commune WHERE database_origin = $1 AND seq = $2",
                &[p.origin.into(), entry.seq.into()],
            )?;
            if had.as_ref().and_then(|h| h[0].text()) != Some(stored.as_str()) {
                return Err(broken(ChainBreak::HashMismatch { seq: entry.seq }));
            }
            continue;
        }
        walk.push(&entry, &stored, r[12].text()).map_err(broken)?;
        batch.push(
            c,
            std::iter::once(Value::Int(p.origin)).chain(r.iter().cloned()),
        )?;
        new += 1;
    }
    batch.flush(c)?;
    Ok(new)
}

/// One commune database's chain as its server holds it, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct CommuneChain {
    pub peer: String,
    pub commune_code: String,
    pub origin: i64,
    /// The entries that verify, or where the chain breaks.
    pub verified: Result<u64, ChainBreak>,
}

impl Store {
    /// The server: walks every commune database's chain it holds with the key it derived for it.
    pub fn verify_commune_audits(&mut self) -> Result<Vec<CommuneChain>, StoreError> {
        let mut out = Vec::new();
        for p in self.sync_peers()? {
            if p.is_server {
                continue;
            }
            let key = key_of(&mut self.conn, &p)?;
            let mut walk = ChainWalk::new(Some(&key));
            let broken = crate::audit::walk_rows(
                &mut self.conn,
                &format!(
                    "SELECT {COLUMNS} FROM audit_commune WHERE database_origin = $1 ORDER BY seq"
                ),
                &[p.origin.into()],
                &mut walk,
                &mut |_| {},
            )?;
            out.push(CommuneChain {
                verified: match broken {
                    Some(b) => Err(b),
                    None => Ok(walk.count() as u64),
                },
                peer: p.peer,
                commune_code: p.commune_code,
                origin: p.origin,
            });
        }
        Ok(out)
    }
}
