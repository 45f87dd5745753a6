//! The hashes of a commune's records, kept so that a sync reads only what changed (migration 0024). Triggers
//! mark each record a write touches (`sync_dirty`); before a sync reads a commune, the marked records are
//! read and hashed again for every commune whose hashes are kept (`sync_built`), and a commune read for the
//! first time is read whole once. A record's communes here are the ones `Entity::keys_of_commune` gives it.

use std::collections::{BTreeMap, HashSet};

use super::{Entity, Record, commune_hashes, read_record};
use crate::db::{BatchInsert, Conn};
use crate::error::StoreError;

/// Above this many marks (a bulk import, a round decided across a province), the kept hashes are dropped
/// and each commune is read whole again at its next sync: cheaper than a record at a time.
const REBUILD_ABOVE: i64 = 50_000;

/// The communes of a record (`$1` its key), the inverse of `Entity::keys_of_commune`; 0 for every commune.
fn communes_of(e: Entity) -> &'static str {
    match e {
        Entity::Programme => "SELECT 0 FROM support_programme WHERE id = $1",
        Entity::Account => {
            "SELECT unit_id FROM account WHERE id = $1 AND unit_id IS NOT NULL \
             UNION SELECT p.parent_id FROM unit_parent p JOIN account a ON a.unit_id = p.unit_id WHERE a.id = $1"
        }
        Entity::Target => {
            "SELECT id FROM unit WHERE id = $1 \
             UNION SELECT unit_id FROM unit_parent WHERE parent_id = $1 \
             UNION SELECT p1.unit_id FROM unit_parent p1 JOIN unit_parent p2 ON p2.unit_id = p1.parent_id WHERE p2.parent_id = $1"
        }
        Entity::Village => {
            "SELECT p.parent_id FROM unit_parent p JOIN unit u ON u.id = p.unit_id WHERE p.unit_id = $1 AND u.level = 'village'"
        }
        Entity::Household => "SELECT DISTINCT commune_id FROM residence WHERE household_id = $1",
        Entity::Review => {
            "SELECT DISTINCT r.commune_id FROM residence r JOIN review v ON v.household_id = r.household_id WHERE v.id = $1"
        }
        Entity::Support => {
            "SELECT DISTINCT r.commune_id FROM residence r JOIN support s ON s.household_id = r.household_id WHERE s.id = $1"
        }
        Entity::Round => "SELECT commune_id FROM review_round WHERE id = $1",
    }
}

/// Folds the marks into the kept hashes. In a transaction: on PostgreSQL it takes the writers' lock, so
/// that no write commits a mark between the read of the marks and their deletion.
fn refresh(c: &mut Conn) -> Result<(), StoreError> {
    crate::audit::lock_writers(c)?;
    let top = c
        .query_int("SELECT coalesce(max(seq), 0) FROM sync_dirty", &[])?
        .unwrap_or(0);
    if top == 0 {
        return Ok(());
    }
    let built: HashSet<i64> = c
        .query_ints("SELECT commune_id FROM sync_built", &[])?
        .into_iter()
        .collect();
    let marks = c
        .query_int("SELECT count(*) FROM sync_dirty", &[])?
        .unwrap_or(0);
    if built.is_empty() || marks > REBUILD_ABOVE {
        c.batch("DELETE FROM sync_record; DELETE FROM sync_built")?;
    } else {
        let touched = c.query(
            "SELECT DISTINCT entity, key FROM sync_dirty WHERE seq <= $1",
            &[top.into()],
        )?;
        for r in touched {
            let (Some(e), Some(key)) = (r[0].text().and_then(Entity::parse), r[1].int()) else {
                continue;
            };
            c.execute(
                "DELETE FROM sync_record WHERE entity = $1 AND key = $2",
                &[e.code().into(), key.into()],
            )?;
            let communes: Vec<i64> = c
                .query_ints(communes_of(e), &[key.into()])?
                .into_iter()
                .filter(|cm| *cm == 0 || built.contains(cm))
                .collect();
            if communes.is_empty() {
                continue;
            }
            if let Some(rec) = read_record(c, e, key)? {
                let hash = rec.hash();
                for cm in communes {
                    c.execute(
                        "INSERT INTO sync_record (commune_id, entity, key, hash) VALUES ($1, $2, $3, $4)",
                        &[cm.into(), e.code().into(), key.into(), hash.clone().into()],
                    )?;
                }
            }
        }
    }
    c.execute("DELETE FROM sync_dirty WHERE seq <= $1", &[top.into()])?;
    Ok(())
}

/// Reads commune `commune_id` whole and keeps its hashes, the first time; returns what it read then.
fn build(
    c: &mut Conn,
    commune_id: i64,
) -> Result<Option<BTreeMap<(Entity, i64), Record>>, StoreError> {
    if c.query_int(
        "SELECT count(*) FROM sync_built WHERE commune_id = $1",
        &[commune_id.into()],
    )? != Some(0)
    {
        return Ok(None);
    }
    let all = commune_hashes(c, commune_id)?;
    c.execute(
        "DELETE FROM sync_record WHERE commune_id = $1",
        &[commune_id.into()],
    )?;
    let mut batch = BatchInsert::new(
        c.backend(),
        "INSERT INTO sync_record (commune_id, entity, key, hash)",
        4,
    );
    for ((e, key), rec) in &all {
        if *e == Entity::Programme {
            c.execute(
                "INSERT INTO sync_record (commune_id, entity, key, hash) VALUES (0, $1, $2, $3) \
                 ON CONFLICT (commune_id, entity, key) DO UPDATE SET hash = excluded.hash",
                &[e.code().into(), (*key).into(), rec.hash().into()],
            )?;
            continue;
        }
        batch.push(
            c,
            [
                commune_id.into(),
                e.code().into(),
                (*key).into(),
                rec.hash().into(),
            ],
        )?;
    }
    batch.flush(c)?;
    c.execute(
        "INSERT INTO sync_built (commune_id) VALUES ($1)",
        &[commune_id.into()],
    )?;
    Ok(Some(all))
}

/// A commune's records with their hashes, current.
pub(crate) struct Kept {
    pub hashes: BTreeMap<(Entity, i64), String>,
    /// The records themselves, when this call read the commune whole (its first time): a first sync sends
    /// them without reading them again.
    pub read: Option<BTreeMap<(Entity, i64), Record>>,
}

/// Every record of a commune here with its hash, current: the marks folded in, the commune read whole if
/// it never was. In its own transaction.
pub(crate) fn hashes(c: &mut Conn, commune_id: i64) -> Result<Kept, StoreError> {
    c.transaction(|c| hashes_within(c, commune_id))
}

/// [`hashes`] inside the caller's transaction (a receive checks the records it takes against them).
pub(crate) fn hashes_within(c: &mut Conn, commune_id: i64) -> Result<Kept, StoreError> {
    refresh(c)?;
    let read = build(c, commune_id)?;
    let mut out = BTreeMap::new();
    for r in c.query(
        "SELECT entity, key, hash FROM sync_record WHERE commune_id = $1 OR commune_id = 0",
        &[commune_id.into()],
    )? {
        if let (Some(e), Some(k), Some(h)) =
            (r[0].text().and_then(Entity::parse), r[1].int(), r[2].text())
        {
            out.insert((e, k), h.to_owned());
        }
    }
    Ok(Kept { hashes: out, read })
}

impl crate::Store {
    /// Whether the kept hashes of a commune are those of its records read whole (the store's tests check it
    /// after every kind of sync step).
    #[cfg(any(test, feature = "test-support"))]
    pub fn sync_hashes_are_current(&mut self, commune_id: i64) -> Result<bool, StoreError> {
        let kept = hashes(&mut self.conn, commune_id)?.hashes;
        let read: BTreeMap<(Entity, i64), String> = commune_hashes(&mut self.conn, commune_id)?
            .into_iter()
            .map(|(k, r)| (k, r.hash()))
            .collect();
        Ok(kept == read)
    }
}
