//! Sync between a commune's database and its province's server (issue 16), on both backends: ids that never
//! collide.

use giamngheo_store::StoreError;
use giamngheo_store::accounts::Role;
use giamngheo_store::audit::Actor;
use giamngheo_store::db::Value;
use giamngheo_store::row_ids::BLOCK;

use crate::harness::{import, load_units, on_both};
use crate::households::{household, member, three_households};

/// Three households of two members each, coded `{p}-001` to `{p}-003`, without citizen IDs (those of
/// `three_households` are taken).
fn three_more(p: &str) -> Vec<(u64, giamngheo_core::registry::HouseholdRecord)> {
    use giamngheo_core::registry::Relation;
    (1..=3)
        .map(|i| {
            let members = vec![
                member("Đỗ Văn Tài", Relation::Head, "1970-01-02", None),
                member("Vũ Thị Lan", Relation::Spouse, "1972-03-04", None),
            ];
            (
                i + 1,
                household(&format!("{p}-00{i}"), "15493", "Thôn 1", members),
            )
        })
        .collect()
}

fn ids(db: &mut crate::harness::TestDb, sql: &'static str) -> Vec<i64> {
    db.store
        .conn()
        .query(sql, &[])
        .unwrap()
        .into_iter()
        .filter_map(|r| r[0].int())
        .collect()
}

#[test]
fn each_database_takes_ids_from_its_own_block() {
    on_both("sync_ids", |db| {
        load_units(&mut db.store);
        assert_eq!(db.store.origin().unwrap(), 0, "{}: a new database", db.name);
        import(&mut db.store, &three_households(), "2019-10-01");
        // A household another database made (origin 7) arrives: this database's next ids stay in its block.
        db.store
            .conn()
            .execute(
                "INSERT INTO household (id, code, registered_on) VALUES ($1, 'K7-001', '2019-10-01')",
                &[Value::Int(7 * BLOCK + 1)],
            )
            .unwrap();
        import(&mut db.store, &three_more("YB"), "2019-10-02");
        let by = Actor::new("quản trị", Role::Administrator, "cli");
        let account = db
            .store
            .add_account(&by, "cán bộ", Role::Auditor, None, "h")
            .unwrap();
        // Given its origin, a commune's database takes ids of block 9.
        db.store.set_origin(9).unwrap();
        import(&mut db.store, &three_more("ZC"), "2019-10-03");
        let later = db
            .store
            .add_account(&by, "cán bộ 2", Role::Auditor, None, "h")
            .unwrap();
        for (what, sql, block, count) in [
            (
                "households before the origin",
                "SELECT id FROM household WHERE code NOT LIKE 'ZC%' AND code <> 'K7-001'",
                0,
                6,
            ),
            (
                "households after",
                "SELECT id FROM household WHERE code LIKE 'ZC%'",
                9,
                3,
            ),
            (
                "their people",
                "SELECT p.id FROM person p JOIN membership m ON m.person_id = p.id JOIN household h ON h.id = m.household_id WHERE h.code LIKE 'ZC%'",
                9,
                6,
            ),
        ] {
            let got = ids(db, sql);
            assert_eq!(got.len(), count, "{}: {what}: {got:?}", db.name);
            assert!(
                got.iter().all(|id| id / BLOCK == block),
                "{}: {what} in block {block}: {got:?}",
                db.name
            );
        }
        assert_eq!(
            (account / BLOCK, later / BLOCK),
            (0, 9),
            "{}: accounts",
            db.name
        );
        // An origin is given once, and only from 1 to 2^23 - 1.
        for (origin, held) in [(9, None), (10, Some(9)), (0, None), (1 << 23, None)] {
            let got = db.store.set_origin(origin);
            match held {
                None if origin == 9 => assert_eq!(got, Ok(()), "{}: the same again", db.name),
                _ => assert_eq!(
                    got,
                    Err(StoreError::Origin {
                        given: origin,
                        held
                    }),
                    "{}: origin {origin}",
                    db.name
                ),
            }
        }
    });
}
