//! Sync between a commune's database and its province's server (issue 16), on both backends: ids that never
//! collide.

use giamngheo_store::StoreError;
use giamngheo_store::accounts::Role;
use giamngheo_store::audit::Actor;
use giamngheo_store::db::Value;
use giamngheo_store::row_ids::BLOCK;
use giamngheo_store::sync;

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
            let got = db.store.conn().query_ints(sql, &[]).unwrap();
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

/// A commune's database beside the test's server database: SQLite, in a file of its own.
fn commune_db(test: &str) -> (giamngheo_store::Store, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!(
        "giamngheo-store-{test}-{}-commune.db",
        std::process::id()
    ));
    for suffix in ["", "-wal", "-shm", ".audit-key"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    (
        giamngheo_store::Store::open(path.to_str().unwrap()).unwrap(),
        path,
    )
}

/// A bundle as it travels: written as text and read back.
fn carried(b: &sync::Bundle) -> sync::Bundle {
    sync::text::bundle_from_text(&sync::text::bundle_to_text(b, None))
        .unwrap()
        .0
}

/// The digest a side shows; the hashes it keeps of the commune's records (read only where marked changed)
/// are first checked against the records read whole.
fn digest(s: &mut giamngheo_store::Store, peer: &str) -> String {
    let commune = s.sync_peer(peer).unwrap().commune_id;
    assert!(
        s.sync_hashes_are_current(commune).unwrap(),
        "the kept hashes of the commune are stale"
    );
    s.sync_status(peer).unwrap().digest
}

#[test]
fn a_commune_works_offline_and_both_sides_end_with_the_same_data() {
    on_both("sync_flow", |db| {
        let admin = Actor::new("quản trị", Role::Administrator, "cli");
        load_units(&mut db.store);
        import(&mut db.store, &three_households(), "2019-10-01");
        let on = giamngheo_core::date::Date::parse("2019-10-01").unwrap();
        let commune = db.store.unit_by_code("15493", on).unwrap().unwrap();
        let server = &mut db.store;
        // Setting up a commune's device is a write like any other: an officer of another unit cannot.
        let elsewhere = Actor::new("cán bộ xã khác", Role::CommuneOfficer, "web")
            .account(1, giamngheo_store::scope::Scope::units([commune.id + 1]));
        assert!(
            matches!(
                server.sync_add_commune(&elsewhere, commune.id, None),
                Err(StoreError::NotFound { .. })
            ),
            "{}",
            db.name
        );
        // The commune's plan target, and the province's (a unit above it) after the device is set up.
        let target = |unit_id: i64, year: i32, rate: f64| giamngheo_store::targets::Target {
            unit_id,
            year,
            poor_rate: rate,
            near_poor_rate: Some(rate + 0.75),
            note: "Nghị quyết".into(),
        };
        let above = server
            .conn()
            .query_int(
                "SELECT parent_id FROM unit_parent WHERE unit_id = $1",
                &[commune.id.into()],
            )
            .unwrap()
            .unwrap();
        server
            .set_targets(&admin, &[target(commune.id, 2025, 1.5)])
            .unwrap();
        let peer = server.sync_add_commune(&admin, commune.id, None).unwrap();
        assert_eq!(peer.origin, 1, "{}: the first commune's origin", db.name);
        let init = server.sync_init_bundle(&peer.peer).unwrap();
        let text = sync::text::bundle_to_text(&init.bundle, Some(&init));
        let (_, init) = sync::text::bundle_from_text(&text).unwrap();
        let init = init.expect("an init bundle");

        let (mut village, path) = commune_db(&format!("sync_flow_{}", db.name));
        let made = village.sync_init(&admin, &init, None).unwrap();
        assert_eq!(made.conflicts + made.refused, 0, "{}", db.name);
        // The villages came with the units; the households and the targets are written.
        assert_eq!(
            made.applied, 3,
            "{}: XH-001, XH-002 and the commune's targets: {made:?}",
            db.name
        );
        assert_eq!(
            digest(&mut village, sync::SERVER_PEER),
            digest(server, &peer.peer),
            "{}: the commune's database holds the commune as the server does",
            db.name
        );
        assert_eq!(village.origin().unwrap(), 1, "{}", db.name);
        assert_eq!(
            village.targets(commune.id, 2025, 2025).unwrap(),
            vec![target(commune.id, 2025, 1.5)],
            "{}: the commune's target came down",
            db.name
        );
        server
            .set_targets(&admin, &[target(above, 2026, 1.2)])
            .unwrap();
        assert!(
            village.household_history("HD-001").is_err(),
            "{}: another commune's household stays on the server",
            db.name
        );

        // Offline: the commune registers three households and a birth in XH-001; the server records a death in
        // XH-001 (a conflict) and a birth in XH-002.
        import(&mut village, &three_more("KC"), "2025-03-02");
        let baby = |name: &str| {
            member(
                name,
                giamngheo_core::registry::Relation::Child,
                "2025-02-01",
                None,
            )
        };
        let day = giamngheo_core::date::Date::parse("2025-03-03").unwrap();
        village
            .record_birth(&admin, "XH-001", &baby("Lê Văn Khôi"), day)
            .unwrap();
        let head = server.household_history("XH-001").unwrap();
        let person = head.members.first().map(|m| m.person_id).unwrap();
        server.record_death(&admin, "XH-001", person, day).unwrap();
        server
            .record_birth(&admin, "XH-002", &baby("Trịnh Thị Hoa"), day)
            .unwrap();
        assert!(
            village.sync_hashes_are_current(commune.id).unwrap()
                && server.sync_hashes_are_current(commune.id).unwrap(),
            "{}: the kept hashes follow the offline writes",
            db.name
        );
        let pending = village.sync_status(sync::SERVER_PEER).unwrap().pending;
        assert_eq!(
            pending.get(&sync::Entity::Household),
            Some(&4),
            "{}: three new households and XH-001 wait to go up: {pending:?}",
            db.name
        );

        // The sync: up, then down, then the acknowledgements up once more.
        let up = carried(&village.sync_bundle(sync::SERVER_PEER).unwrap());
        // XH-001 changed on both sides: a conflict, and the new households written; the same bundle again (a
        // sync repeated, or the file imported twice) changes nothing more.
        let mut digests = Vec::new();
        for (what, written) in [("the bundle", 3), ("the same bundle again", 0)] {
            let got = server.sync_receive(&admin, &peer.peer, &up).unwrap();
            let counts = (got.applied, got.conflicts, got.refused);
            assert_eq!(counts, (written, 1, 0), "{}: {what}: {got:?}", db.name);
            digests.push(digest(server, &peer.peer));
        }
        assert_eq!(digests[0], digests[1], "{}", db.name);
        let down = carried(&server.sync_bundle(&peer.peer).unwrap());
        let took = village
            .sync_receive(&admin, sync::SERVER_PEER, &down)
            .unwrap();
        assert_eq!(
            took.conflicts, 1,
            "{}: the commune keeps its version in the conflict: {took:?}",
            db.name
        );
        let acks = carried(&village.sync_bundle(sync::SERVER_PEER).unwrap());
        assert!(
            acks.records.is_empty(),
            "{}: nothing left to send: {:?}",
            db.name,
            acks.records
        );
        server.sync_receive(&admin, &peer.peer, &acks).unwrap();
        assert_eq!(
            digest(&mut village, sync::SERVER_PEER),
            digest(server, &peer.peer),
            "{}: after the sync both sides hold the same data",
            db.name
        );
        assert!(
            server.sync_bundle(&peer.peer).unwrap().records.is_empty(),
            "{}: nothing left to send down",
            db.name
        );
        for (side, store) in [("server", &mut *server), ("commune", &mut village)] {
            let open = store.sync_conflicts(commune.id, true).unwrap();
            assert_eq!(
                open.len(),
                1,
                "{}: {side}: the conflict waits for the officer",
                db.name
            );
            assert_eq!(
                (open[0].entity, open[0].refused),
                (sync::Entity::Household, false),
                "{}: {side}",
                db.name
            );
        }
        // The server's version is kept on both sides (the death), the commune's (the baby) waits in the list.
        let names = |s: &mut giamngheo_store::Store| -> Vec<String> {
            s.household_history("XH-001")
                .unwrap()
                .members
                .iter()
                .map(|m| m.name.clone())
                .collect()
        };
        let (here, there) = (names(&mut village), names(server));
        assert!(
            !here.contains(&"Lê Văn Khôi".to_owned()) && here == there,
            "{}: {here:?} {there:?}",
            db.name
        );
        assert_eq!(
            village.targets(above, 2026, 2026).unwrap(),
            vec![target(above, 2026, 1.2)],
            "{}: the province's target came down",
            db.name
        );
        assert_eq!(
            village.household_history("XH-002").unwrap().members.len(),
            2,
            "{}: the server's birth reached the commune",
            db.name
        );
        assert!(
            server.household_history("KC-002").is_ok(),
            "{}: the commune's households reached the server",
            db.name
        );

        // The officer takes the commune's version; the next sync carries it up and closes the conflict there.
        let id = village.sync_conflicts(commune.id, true).unwrap()[0]
            .id
            .clone();
        village.sync_resolve(&admin, &id, true).unwrap();
        assert!(
            names(&mut village).contains(&"Lê Văn Khôi".to_owned()),
            "{}",
            db.name
        );
        let up = carried(&village.sync_bundle(sync::SERVER_PEER).unwrap());
        let got = server.sync_receive(&admin, &peer.peer, &up).unwrap();
        assert_eq!((got.applied, got.conflicts), (1, 0), "{}: {got:?}", db.name);
        let down = carried(&server.sync_bundle(&peer.peer).unwrap());
        village
            .sync_receive(&admin, sync::SERVER_PEER, &down)
            .unwrap();
        assert!(
            names(server).contains(&"Lê Văn Khôi".to_owned()),
            "{}",
            db.name
        );
        assert_eq!(
            digest(&mut village, sync::SERVER_PEER),
            digest(server, &peer.peer),
            "{}: the same data after the resolution",
            db.name
        );

        // The commune's audit entries are on the server with their own actor and time, and its chain verifies
        // there with the key the server derived for it; an entry changed on the way is refused, the whole
        // bundle with it, and the server's chain of the commune does not move.
        let chain = |s: &mut giamngheo_store::Store| {
            let chains = s.verify_commune_audits().unwrap();
            assert_eq!(chains.len(), 1, "{chains:?}");
            chains[0].verified.clone()
        };
        let held = chain(server).unwrap_or_else(|b| panic!("{}: {b:?}", db.name));
        assert!(held >= 3, "{}: {held} entries came up", db.name);
        let births: i64 = server
            .conn()
            .query_int(
                "SELECT count(*) FROM audit_commune WHERE action = 'birth' AND actor = 'quản trị' AND origin = 'cli'",
                &[],
            )
            .unwrap()
            .unwrap_or(0);
        assert_eq!(
            births, 1,
            "{}: the commune's birth, as the commune recorded it",
            db.name
        );
        let mut forged = village.sync_bundle(sync::SERVER_PEER).unwrap();
        assert!(
            !forged.audit.is_empty(),
            "{}: the last sync's own entry waits",
            db.name
        );
        forged.audit[0][2] = "kẻ giả mạo".into();
        let got = server.sync_receive(&admin, &peer.peer, &forged);
        assert!(
            matches!(got, Err(StoreError::Sync(sync::SyncProblem::AuditChain(_)))),
            "{}: {got:?}",
            db.name
        );
        assert_eq!(chain(server), Ok(held), "{}", db.name);
        let honest = carried(&village.sync_bundle(sync::SERVER_PEER).unwrap());
        server.sync_receive(&admin, &peer.peer, &honest).unwrap();
        assert!(chain(server).unwrap() > held, "{}", db.name);

        // The province's page: the commune's device, its last sync, no conflict left open.
        let overview = server.sync_overview(&[commune.id]).unwrap();
        assert_eq!(overview.len(), 1, "{}: {overview:?}", db.name);
        assert_eq!(
            (
                overview[0].origin,
                overview[0].open_conflicts,
                overview[0].last_received_at.is_some()
            ),
            (1, 0, true),
            "{}: {overview:?}",
            db.name
        );

        // A bundle for another commune, or sending another commune's household, is refused whole.
        let mut other = village.sync_bundle(sync::SERVER_PEER).unwrap();
        other.commune_code = "20764".into();
        let mut intrude = village.sync_bundle(sync::SERVER_PEER).unwrap();
        let mut rec = up.records[0].clone();
        rec.record.key = server.household_history("HD-001").unwrap().id;
        intrude.records = vec![rec];
        for (what, bundle, outside) in [
            ("another commune's bundle", other, false),
            ("a foreign household", intrude, true),
        ] {
            let got = server.sync_receive(&admin, &peer.peer, &bundle);
            let refused = match got {
                Err(StoreError::Sync(sync::SyncProblem::OutsideCommune { .. })) => outside,
                Err(StoreError::Sync(sync::SyncProblem::OtherCommune { .. })) => !outside,
                _ => false,
            };
            assert!(refused, "{}: {what}: {got:?}", db.name);
        }
        for suffix in ["", "-wal", "-shm", ".audit-key"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    });
}
