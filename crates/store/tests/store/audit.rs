//! Registry changes are audited in the same transaction as the change, by the actor the store was given;
//! a change that fails leaves no entry.

use giamngheo_core::Class;
use giamngheo_core::audit::{AuditEntry, ChainBreak, ChainKey, GENESIS};
use giamngheo_core::registry::Relation;
use giamngheo_core::round::Role;
use giamngheo_store::audit::{Actor, Change, KeyProblem};
use giamngheo_store::checkpoint::{CheckpointOutcome, SigningKey};
use giamngheo_store::db::{Backend, Value};
use giamngheo_store::{Store, StoreError};

use crate::harness::{date, import_as, on_both, on_both_with_units, review_of};
use crate::households::{member, three_households};

#[test]
fn registry_changes_are_audited_by_their_actor() {
    on_both_with_units("audit", |db| {
        let lan = Actor::new("Phạm Thị Lan", Role::CommuneOfficer, "10.1.2.3");
        import_as(&mut db.store, &lan, &three_households(), "2019-10-01").unwrap();
        db.store
            .record_birth(
                &lan,
                "XH-001",
                &member("Lê Thị Hoa", Relation::Child, "2020-03-01", None),
                date("2020-03-01"),
            )
            .unwrap();
        // A failed change: no entry.
        assert!(
            db.store
                .record_death(&lan, "XH-001", 999_999, date("2020-04-01"))
                .is_err()
        );
        let h = db.store.household_history("XH-002").unwrap();
        let commune = h.residences[0].commune_id;
        let id = db
            .store
            .insert_reviews(
                &lan,
                &[giamngheo_store::reviews::NewReview {
                    income_per_capita: Some(600_000),
                    ..review_of(h.id, commune, 2020, "vn-2016-2020", Class::Poor)
                }],
            )
            .unwrap();
        db.store
            .decide_review(&lan, id, Class::Poor, date("2020-12-10"))
            .unwrap();
        let log = db.store.audit_entries(1, 100, None).unwrap();
        let got: Vec<(&str, &str, &str, &str)> = log
            .iter()
            .map(|(e, _)| {
                (
                    e.action.as_str(),
                    e.entity.as_str(),
                    e.actor.as_str(),
                    e.origin.as_str(),
                )
            })
            .collect();
        // The first entry is the unit lists loaded by the unnamed system actor.
        assert_eq!(
            got,
            [
                ("load_units", "unit", "hệ thống", "local"),
                ("import_households", "household", "Phạm Thị Lan", "10.1.2.3"),
                ("birth", "household", "Phạm Thị Lan", "10.1.2.3"),
                ("insert_reviews", "review", "Phạm Thị Lan", "10.1.2.3"),
                ("decide_review", "review", "Phạm Thị Lan", "10.1.2.3"),
            ],
            "{}",
            db.name
        );
        assert!(
            log[1].0.new_value.as_deref().unwrap().contains("added=3"),
            "{:?}",
            log[1].0
        );
        assert_eq!(db.store.verify_audit().unwrap(), Ok(5));
    });
}

/// A stored row of the log: the entry, its hash, the id of its key (None: plain).
type Row = (AuditEntry, String, Option<String>);

fn rows(s: &mut Store) -> Vec<Row> {
    s.conn()
        .query(
            "SELECT seq, at, actor, role, origin, action, entity, entity_id, old_value, new_value, reason, hash, key_id \
             FROM audit_log ORDER BY seq",
            &[],
        )
        .unwrap()
        .into_iter()
        .map(|r| {
            let t = |i: usize| r[i].text().map(str::to_owned);
            (
                AuditEntry {
                    seq: r[0].int().unwrap(),
                    at: t(1).unwrap(),
                    actor: t(2).unwrap(),
                    role: t(3).unwrap(),
                    origin: t(4).unwrap(),
                    action: t(5).unwrap(),
                    entity: t(6).unwrap(),
                    entity_id: t(7).unwrap(),
                    old_value: t(8),
                    new_value: t(9),
                    reason: t(10),
                },
                t(11).unwrap(),
                t(12),
            )
        })
        .collect()
}

fn insert(s: &mut Store, (e, hash, key_id): Row) {
    s.conn()
        .execute(
            "INSERT INTO audit_log (seq, at, actor, role, origin, action, entity, entity_id, old_value, new_value, reason, hash, key_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            &giamngheo_store::audit::entry_row(e, hash, key_id),
        )
        .unwrap();
}

/// What an attacker with write access to the database does: keeps the first `keep` entries as stored, edits
/// the rest, numbers them on from `keep + 1` and hashes them again, under `key` (an attacker holding the chain
/// key) or plainly (one without it).
fn rewrite(s: &mut Store, keep: usize, key: Option<&ChainKey>, edit: fn(&mut Vec<AuditEntry>)) {
    let all = rows(s);
    let mut prev = if keep == 0 {
        GENESIS.to_owned()
    } else {
        all[keep - 1].1.clone()
    };
    let mut tail: Vec<AuditEntry> = all[keep..].iter().map(|r| r.0.clone()).collect();
    edit(&mut tail);
    s.conn()
        .execute(
            "DELETE FROM audit_log WHERE seq > $1",
            &[Value::Int(keep as i64)],
        )
        .unwrap();
    for (i, mut e) in tail.into_iter().enumerate() {
        e.seq = (keep + i + 1) as i64;
        let (hash, id) = match key {
            Some(k) => (e.keyed_hash(k, &prev), Some(k.id())),
            None => (e.hash(&prev), None),
        };
        prev = hash.clone();
        insert(s, (e, hash, id));
    }
}

fn delete(s: &mut Store, which: &str) {
    s.conn()
        .batch(&format!("DELETE FROM audit_log WHERE {which}"))
        .unwrap();
}

fn change(n: i64) -> Change<'static> {
    Change {
        action: "survey",
        entity: "round_case",
        entity_id: n.to_string(),
        old_value: None,
        new_value: Some(format!("surveyed {n}")),
        reason: None,
    }
}

/// An attacker's own signing key: checkpoints it signs are valid, but not the province's.
fn attacker() -> SigningKey {
    SigningKey::from_seed([66; 32])
}

#[test]
fn audit_tampering_is_detected_by_key_and_checkpoints() {
    on_both("audit-tamper", |db| {
        let officer = Actor::new("Phạm Thị Lan", Role::CommuneOfficer, "cli");
        let key = ChainKey::from_bytes([42; 32]);
        let signing = SigningKey::from_seed([7; 32]);
        // Entries 1-3 from before the key (the plain chain) and a checkpoint of them (stored #1), 4-8 keyed, a
        // checkpoint of 8 (stored #2, and the file sent to the province), then 9-10.
        db.store.set_audit_key(None);
        for n in 1..=3 {
            db.store.record(&officer, change(n)).unwrap();
        }
        db.store.audit_checkpoint(&signing).unwrap().unwrap();
        db.store.set_audit_key(Some(key.clone()));
        for n in 4..=8 {
            db.store.record(&officer, change(n)).unwrap();
        }
        let signed = db.store.audit_checkpoint(&signing).unwrap().unwrap();
        assert_eq!(signed.checkpoint.entries, 8, "{}", db.name);
        for n in 9..=10 {
            db.store.record(&officer, change(n)).unwrap();
        }
        let file = vec![("province.checkpoint".to_owned(), signed.to_text())];
        let trusted = vec![signing.public_hex()];
        assert_eq!(db.store.verify_audit().unwrap(), Ok(10), "{}", db.name);
        let drop_guards = match db.store.backend() {
            Backend::Sqlite => {
                "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; \
                 DROP TRIGGER audit_checkpoint_no_update; DROP TRIGGER audit_checkpoint_no_delete; \
                 DROP TRIGGER audit_database_no_update;"
            }
            Backend::Postgres => {
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only; \
                 ALTER TABLE audit_checkpoint DISABLE TRIGGER audit_checkpoint_append_only; \
                 ALTER TABLE audit_database DISABLE TRIGGER audit_database_append_only;"
            }
        };
        use CheckpointOutcome::*;
        type Tamper = fn(&mut Store, &ChainKey);
        // (what the attacker does; where the chain breaks; the verdicts of the province's file (of 8 entries),
        // then of the checkpoints stored in the database: #1 of 3 entries, #2 of 8, and any the attacker adds)
        let cases: &[(&str, Tamper, Result<(), ChainBreak>, &[CheckpointOutcome])] = &[
            ("untouched", |_, _| {}, Ok(()), &[Holds, Holds, Holds]),
            (
                "last 5 entries deleted (cut below the checkpoint)",
                |s, _| delete(s, "seq > 5"),
                Ok(()),
                &[Truncated { have: 5 }, Holds, Truncated { have: 5 }],
            ),
            (
                // The documented limit: entries after the last checkpoint are guarded by the key alone.
                "last 2 entries deleted (cut after the checkpoint: not detectable)",
                |s, _| delete(s, "seq > 8"),
                Ok(()),
                &[Holds, Holds, Holds],
            ),
            (
                "entry 5 edited, every later hash recomputed without the key",
                |s, _| rewrite(s, 4, None, |t| t[0].actor = "Trần Thị Bình".into()),
                Err(ChainBreak::Unkeyed { seq: 5 }),
                &[NotReached, Holds, NotReached],
            ),
            (
                "entry 5 edited, every later hash recomputed with the key",
                |s, k| rewrite(s, 4, Some(k), |t| t[0].new_value = Some("decided".into())),
                Ok(()),
                &[HeadDiffers { since: 3 }, Holds, HeadDiffers { since: 3 }],
            ),
            (
                "forged entry appended with a correct plain hash",
                |s, _| {
                    let mut all = rows(s);
                    let (mut e, prev, _) = all.pop().unwrap();
                    e.seq = 11;
                    e.new_value = Some("forged".into());
                    let hash = e.hash(&prev);
                    insert(s, (e, hash, None));
                },
                Err(ChainBreak::Unkeyed { seq: 11 }),
                &[Holds, Holds, Holds],
            ),
            (
                "middle entry deleted",
                |s, _| delete(s, "seq = 6"),
                Err(ChainBreak::Gap { after: 5, found: 7 }),
                &[NotReached, Holds, NotReached],
            ),
            (
                "middle entry deleted, later entries renumbered and rehashed with the key",
                |s, k| {
                    rewrite(s, 5, Some(k), |t| {
                        t.remove(0);
                    })
                },
                Ok(()),
                &[HeadDiffers { since: 3 }, Holds, HeadDiffers { since: 3 }],
            ),
            (
                "entries 6 and 7 swapped, renumbered and rehashed with the key",
                |s, k| rewrite(s, 5, Some(k), |t| t.swap(0, 1)),
                Ok(()),
                &[HeadDiffers { since: 3 }, Holds, HeadDiffers { since: 3 }],
            ),
            (
                // Without the key, a log rewritten as a plain chain from the start reads like a log from before
                // the key: only the checkpoints show it.
                "entry 2 edited, the whole log rehashed as a plain chain",
                |s, _| rewrite(s, 1, None, |t| t[0].actor = "Trần Thị Bình".into()),
                Ok(()),
                &[
                    HeadDiffers { since: 0 },
                    HeadDiffers { since: 0 },
                    HeadDiffers { since: 0 },
                ],
            ),
            (
                "entry 6 edited, the whole log rehashed as a plain chain",
                |s, _| rewrite(s, 0, None, |t| t[5].actor = "Trần Thị Bình".into()),
                Ok(()),
                &[HeadDiffers { since: 3 }, Holds, HeadDiffers { since: 3 }],
            ),
            (
                "rewritten with the key and checkpointed again with the attacker's own signing key",
                |s, k| {
                    rewrite(s, 4, Some(k), |t| t[0].new_value = Some("decided".into()));
                    s.audit_checkpoint(&attacker()).unwrap().unwrap();
                },
                Ok(()),
                &[
                    HeadDiffers { since: 3 },
                    Holds,
                    HeadDiffers { since: 3 },
                    Untrusted,
                ],
            ),
            (
                // Checkpoints of "another database" are not silently skipped: they fail.
                "the database's identity changed",
                |s, _| {
                    s.conn()
                        .batch("UPDATE audit_database SET id = 'ffff'")
                        .unwrap();
                },
                Ok(()),
                &[OtherDatabase, OtherDatabase, OtherDatabase],
            ),
            (
                "stored checkpoint's count altered",
                |s, _| {
                    s.conn()
                        .batch("UPDATE audit_checkpoint SET text = replace(text, 'entries: 8', 'entries: 5')")
                        .unwrap();
                },
                Ok(()),
                &[Holds, Holds, BadSignature],
            ),
        ];
        for (what, tamper, chain, outcomes) in cases {
            db.store.conn().batch("BEGIN").unwrap();
            db.store.conn().batch(drop_guards).unwrap();
            tamper(&mut db.store, &key);
            let check = db.store.verify_audit_anchored(&file, &trusted).unwrap();
            db.store.conn().batch("ROLLBACK").unwrap();
            let got: Vec<CheckpointOutcome> = check
                .checkpoints
                .iter()
                .map(|c| c.outcome.clone())
                .collect();
            assert_eq!(
                (&check.chain, got.as_slice()),
                (chain, *outcomes),
                "{what} on {}",
                db.name
            );
            assert_eq!(
                check.is_intact(),
                chain.is_ok() && outcomes.iter().all(|o| *o == Holds),
                "{what}"
            );
        }
        // A broken chain is not signed: a checkpoint would bless the tampering.
        db.store.conn().batch("BEGIN").unwrap();
        db.store.conn().batch(drop_guards).unwrap();
        delete(&mut db.store, "seq = 6");
        let refused = db.store.audit_checkpoint(&signing).unwrap().map(|_| ());
        let stored = db.store.audit_checkpoints().unwrap().len();
        db.store.conn().batch("ROLLBACK").unwrap();
        assert_eq!(
            (refused, stored),
            (Err(ChainBreak::Gap { after: 5, found: 7 }), 2),
            "{}",
            db.name
        );
        // Rolled back: the log is whole again, plain entries 1-3 before the keyed ones.
        let check = db.store.verify_audit_anchored(&file, &trusted).unwrap();
        assert!(check.is_intact(), "{}: {check:?}", db.name);
        assert_eq!((check.entries, check.keyed_from), (10, Some(4)));
    });
}

#[test]
fn a_keyed_chain_is_written_only_with_its_key() {
    on_both("audit-key", |db| {
        let officer = Actor::new("Phạm Thị Lan", Role::CommuneOfficer, "cli");
        let key = ChainKey::from_bytes([42; 32]);
        db.store.set_audit_key(Some(key.clone()));
        db.store.record(&officer, change(1)).unwrap();
        // (the key the writer holds, what it is told)
        let cases: &[(Option<ChainKey>, KeyProblem)] = &[
            (None, KeyProblem::Missing),
            (
                Some(ChainKey::from_bytes([43; 32])),
                KeyProblem::Other {
                    chain: key.id(),
                    given: ChainKey::from_bytes([43; 32]).id(),
                },
            ),
        ];
        for (given, problem) in cases {
            db.store.set_audit_key(given.clone());
            match db.store.record(&officer, change(2)) {
                Err(StoreError::AuditKey { problem: p, .. }) => {
                    assert_eq!(&p, problem, "{}", db.name)
                }
                other => panic!("{}: {problem:?} expected, got {other:?}", db.name),
            }
            // Checking with the wrong key (or none) is a break too, not a pass.
            assert!(db.store.verify_audit().unwrap().is_err(), "{}", db.name);
        }
        db.store.set_audit_key(Some(key));
        db.store.record(&officer, change(2)).unwrap();
        assert_eq!(db.store.verify_audit().unwrap(), Ok(2), "{}", db.name);
    });
}
