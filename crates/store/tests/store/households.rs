use giamngheo_core::Area;
use giamngheo_core::facts::Sex;
use giamngheo_core::ids::{CitizenId, HouseholdCode, PersonName, UnitCode, UnitLevel};
use giamngheo_core::registry::{HouseholdRecord, MemberRecord, Relation};
use giamngheo_store::{RejectionKind, StoreError};

use crate::harness::{date, import, import_as, on_both, on_both_with_units, seed_registry};

pub fn member(name: &str, relation: Relation, born: &str, cid: Option<&str>) -> MemberRecord {
    let sex = if name.contains("Thị") {
        Sex::Female
    } else {
        Sex::Male
    };
    MemberRecord::new(
        PersonName::parse(name).unwrap(),
        sex,
        date(born),
        "Kinh",
        cid.map(|c| CitizenId::parse(c).unwrap()),
        relation,
    )
}

/// A household whose one member is its head, `name`, born on `born`, with no citizen ID.
pub fn head_only(
    code: &str,
    commune: &str,
    village: &str,
    name: &str,
    born: &str,
) -> HouseholdRecord {
    household(
        code,
        commune,
        village,
        vec![member(name, Relation::Head, born, None)],
    )
}

pub fn household(
    code: &str,
    commune: &str,
    village: &str,
    members: Vec<MemberRecord>,
) -> HouseholdRecord {
    HouseholdRecord::new(
        HouseholdCode::parse(code).unwrap(),
        UnitCode::parse(UnitLevel::Commune, commune).unwrap(),
        Some(village.to_owned()),
        Area::Rural,
        "",
        members,
    )
    .unwrap()
}

pub fn three_households() -> Vec<(u64, HouseholdRecord)> {
    vec![
        (
            2,
            household(
                "XH-001",
                "15493",
                "Thôn 1",
                vec![
                    member(
                        "Lê Văn Hùng",
                        Relation::Head,
                        "1975-03-02",
                        Some("038075000111"),
                    ),
                    member(
                        "Nguyễn Thị Mai",
                        Relation::Spouse,
                        "1978-08-15",
                        Some("038178000222"),
                    ),
                    member("Lê Văn Nam", Relation::Child, "2008-01-20", None),
                ],
            ),
        ),
        (
            5,
            head_only("XH-002", "15493", "Thôn 2", "Trịnh Văn Đức", "1960-11-11"),
        ),
        (
            6,
            household(
                "HD-001",
                "20764",
                "Thôn Trung An",
                vec![
                    member(
                        "Hồ Văn Lâm",
                        Relation::Head,
                        "1982-05-05",
                        Some("049082000333"),
                    ),
                    member("Hồ Thị Sen", Relation::Child, "2012-09-09", None),
                ],
            ),
        ),
    ]
}

/// Lê Thị Hoa is born on 1 March 2020 into household `code`; returns her person id.
fn hoa_is_born(db: &mut crate::harness::TestDb, code: &str) -> i64 {
    db.store
        .record_birth(
            &giamngheo_store::audit::Actor::system(),
            code,
            &member("Lê Thị Hoa", Relation::Child, "2020-03-01", None),
            date("2020-03-01"),
        )
        .unwrap()
}

#[test]
fn import_is_idempotent_and_changes_become_history() {
    on_both_with_units("hh_import", |db| {
        // An import's counts: households added, updated, unchanged, members added.
        let counts = |s: giamngheo_store::households::ImportSummary| {
            (s.added, s.updated, s.unchanged, s.members_added)
        };
        let recs = three_households();
        let s = counts(import(&mut db.store, &recs, "2019-10-01"));
        assert_eq!(s, (3, 0, 0, 6), "{}", db.name);
        let again = import(&mut db.store, &recs, "2020-10-01");
        assert_eq!(
            (again.added, again.updated, again.unchanged),
            (0, 0, 3),
            "{}",
            db.name
        );

        // In 2021 XH-001's son leaves, a baby is born, and the household moves to another village.
        let mut changed = recs.clone();
        let mut members = recs[0].1.members()[..2].to_vec();
        assert_eq!(members[1].relation, Relation::Spouse, "the parents stay");
        members.push(member("Lê Thị Hoa", Relation::Child, "2021-04-01", None));
        changed[0].1 = household("XH-001", "15493", "Thôn 3", members);
        let s = counts(import(&mut db.store, &changed, "2021-10-01"));
        assert_eq!(s, (0, 1, 2, 1), "{}", db.name);

        let h = db.store.household_history("XH-001").unwrap();
        assert_eq!(h.version, 2);
        let kinds: Vec<&str> = h.events.iter().map(|e| e.kind.code()).collect();
        assert_eq!(
            kinds,
            ["registered", "moved", "member_joined", "member_left"],
            "{}",
            db.name
        );
        // (day, the village, the members' names)
        for (day, village, names) in [
            (
                "2020-01-01",
                "Thôn 1",
                ["Lê Văn Hùng", "Nguyễn Thị Mai", "Lê Văn Nam"],
            ),
            (
                "2022-01-01",
                "Thôn 3",
                ["Lê Văn Hùng", "Nguyễn Thị Mai", "Lê Thị Hoa"],
            ),
        ] {
            let (res, members) = h.as_of(date(day)).unwrap();
            assert_eq!(res.village_name.as_deref(), Some(village), "{day}");
            let got: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
            assert_eq!(got, names, "{} {day}", db.name);
        }
        assert!(h.as_of(date("2019-09-30")).is_none(), "not registered yet");

        // The export on a date reads the registry as it was.
        let rows = db.store.export_members(date("2020-01-01")).unwrap();
        assert_eq!(rows.len(), 6);
        assert_eq!(rows[0].household_code, "HD-001");
        assert_eq!(
            rows.iter()
                .filter(|r| r.household_code == "XH-001")
                .map(|r| r.full_name.as_str())
                .collect::<Vec<_>>(),
            ["Lê Văn Hùng", "Nguyễn Thị Mai", "Lê Văn Nam"]
        );
        assert_eq!(rows[0].birth_date, "05/05/1982");
    });
}

#[test]
fn bad_imports_write_nothing_and_name_every_row() {
    on_both("hh_reject", |db| {
        seed_registry(&mut db.store);
        let before = db.store.household_count().unwrap();
        let bad = vec![
            // A commune that no longer exists on the import date (15499 is the new Xã Thọ Xuân).
            (
                2,
                head_only("NEW-1", "15493", "Thôn 1", "Phạm Văn A", "1990-01-01"),
            ),
            // A citizen ID that belongs to another household.
            (
                3,
                household(
                    "NEW-2",
                    "15499",
                    "Thôn 1",
                    vec![member(
                        "Phạm Văn B",
                        Relation::Head,
                        "1990-01-01",
                        Some("038075000111"),
                    )],
                ),
            ),
            // The same household twice.
            (
                4,
                head_only("NEW-3", "15499", "Thôn 1", "Phạm Văn C", "1990-01-01"),
            ),
            (
                5,
                head_only("NEW-3", "15499", "Thôn 1", "Phạm Văn C", "1990-01-01"),
            ),
        ];
        let err = import_as(
            &mut db.store,
            &giamngheo_store::audit::Actor::system(),
            &bad,
            "2025-08-01",
        )
        .unwrap_err();
        let StoreError::Rejected(list) = err else {
            panic!("{err:?}")
        };
        let got: Vec<(u64, &str)> = list.iter().map(|r| (r.row, r.field)).collect();
        assert_eq!(
            got,
            [
                (2, "commune_code"),
                (3, "citizen_id"),
                (5, "household_code")
            ],
            "{}",
            db.name
        );
        assert!(
            matches!(&list[1].kind, RejectionKind::CitizenIdElsewhere { household, .. } if household == "XH-001")
        );
        assert_eq!(
            db.store.household_count().unwrap(),
            before,
            "nothing written ({})",
            db.name
        );
    });
}

#[test]
fn namesakes_with_the_same_birth_date_are_flagged_not_refused() {
    on_both("hh_dupes", |db| {
        seed_registry(&mut db.store);
        let other = vec![(
            9,
            head_only("XH-009", "15493", "Thôn 4", "Le Van Hung", "1975-03-02"),
        )];
        let s = import(&mut db.store, &other, "2019-10-01");
        assert_eq!(s.added, 1);
        assert_eq!(s.possible_duplicates.len(), 1, "{}", db.name);
        assert_eq!(
            s.possible_duplicates[0].other_household.as_deref(),
            Some("XH-001")
        );
        assert_eq!(s.possible_duplicates[0].row, 9);
    });
}

#[test]
fn a_bulk_import_rebuilds_its_indexes_and_keeps_every_row() {
    on_both_with_units("hh_bulk", |db| {
        let n = giamngheo_store::households::BULK_MIN + 200;
        let recs: Vec<(u64, HouseholdRecord)> = (0..n)
            .map(|i| {
                let cid = format!("038090{:06}", i);
                let members = vec![
                    member("Lê Văn Hùng", Relation::Head, "1975-03-02", Some(&cid)),
                    member("Nguyễn Thị Mai", Relation::Spouse, "1978-08-15", None),
                ];
                (
                    i as u64 + 2,
                    household(
                        &format!("B-{i:05}"),
                        "15493",
                        &format!("Thôn {}", i % 7 + 1),
                        members,
                    ),
                )
            })
            .collect();
        let s = import(&mut db.store, &recs, "2019-10-01");
        assert_eq!(
            (s.added, s.members_added),
            (n as u64, 2 * n as u64),
            "{}",
            db.name
        );
        // Every household shares its members' names and birth dates with the others: all flagged.
        assert_eq!(s.possible_duplicates.len(), 2 * (n - 1), "{}", db.name);
        let sql = match db.name {
            "sqlite" => {
                "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('person_name_fold', 'person_citizen_id', 'residence_commune', 'residence_village')"
            }
            _ => {
                "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN ('person_name_fold', 'person_citizen_id', 'residence_commune', 'residence_village')"
            }
        };
        let indexes = db.store.conn().query(sql, &[]).unwrap()[0][0].int();
        assert_eq!(indexes, Some(4), "{}", db.name);
        let h = db.store.household_history("B-00042").unwrap();
        assert_eq!(h.members.len(), 2);
        assert_eq!(h.members[0].citizen_id.as_deref(), Some("038090000042"));
        // Left stale by the bulk import: the search still answers, from the registry tables.
        assert_eq!(
            db.store
                .search_members(None, "le van hung", 5)
                .unwrap()
                .len(),
            5,
            "{}",
            db.name
        );
        crate::harness::assert_member_search_kept(db, "a bulk import");
        assert_eq!(
            db.store
                .search_members(None, "le van hung", 5)
                .unwrap()
                .len(),
            5
        );
        // Its triggers run again after the rebuild.
        hoa_is_born(db, "B-00007");
        crate::harness::assert_member_search_kept(db, "a birth after a bulk import");
        // Foreign keys are back on for SQLite after the bulk path.
        if db.name == "sqlite" {
            let fk = db.store.conn().query("PRAGMA foreign_keys", &[]).unwrap()[0][0].int();
            assert_eq!(fk, Some(1));
        }
    });
}

#[test]
fn births_deaths_splits_and_merges_are_history() {
    on_both("hh_events", |db| {
        seed_registry(&mut db.store);
        crate::harness::assert_member_search_kept(db, "the import");
        let born = hoa_is_born(db, "XH-001");
        let grandpa = db.store.household_history("XH-002").unwrap().members[0].person_id;
        crate::harness::assert_member_search_kept(db, "a birth");
        db.store
            .record_death(
                &giamngheo_store::audit::Actor::system(),
                "XH-002",
                grandpa,
                date("2021-06-30"),
            )
            .unwrap();
        crate::harness::assert_member_search_kept(db, "a death");
        // The son of XH-001 founds his own household in 2022.
        let h = db.store.household_history("XH-001").unwrap();
        let son = h
            .members
            .iter()
            .find(|m| m.name == "Lê Văn Nam")
            .unwrap()
            .person_id;
        db.store
            .split_household(
                &giamngheo_store::audit::Actor::system(),
                "XH-001",
                "XH-001B",
                &[son],
                son,
                date("2022-01-15"),
            )
            .unwrap();
        crate::harness::assert_member_search_kept(db, "a split");
        // And HD-001 joins XH-001B (a made-up case across communes, to test the mechanics).
        db.store
            .merge_households(
                &giamngheo_store::audit::Actor::system(),
                "HD-001",
                "XH-001B",
                date("2023-05-01"),
            )
            .unwrap();
        crate::harness::assert_member_search_kept(db, "a merge across communes");
        assert_eq!(
            db.store.search_members(None, "ho thi sen", 10).unwrap()[0].code,
            "XH-001B",
            "{}: found in the household she joined",
            db.name
        );

        let names = |code: &str, day: &str, db: &mut crate::harness::TestDb| -> Vec<String> {
            let h = db.store.household_history(code).unwrap();
            h.as_of(date(day))
                .map(|(_, m)| m.into_iter().map(|m| m.name).collect())
                .unwrap_or_default()
        };
        assert_eq!(
            names("XH-001", "2020-01-01", db),
            ["Lê Văn Hùng", "Nguyễn Thị Mai", "Lê Văn Nam"]
        );
        assert_eq!(
            names("XH-001", "2021-01-01", db),
            ["Lê Văn Hùng", "Nguyễn Thị Mai", "Lê Văn Nam", "Lê Thị Hoa"]
        );
        assert_eq!(
            names("XH-001", "2022-02-01", db),
            ["Lê Văn Hùng", "Nguyễn Thị Mai", "Lê Thị Hoa"]
        );
        assert_eq!(names("XH-001B", "2022-02-01", db), ["Lê Văn Nam"]);
        assert_eq!(
            names("XH-001B", "2023-06-01", db),
            ["Lê Văn Nam", "Hồ Văn Lâm", "Hồ Thị Sen"],
            "{}",
            db.name
        );
        assert_eq!(names("HD-001", "2023-06-01", db), Vec::<String>::new());
        assert_eq!(names("XH-002", "2021-06-30", db), ["Trịnh Văn Đức"]);
        assert_eq!(names("XH-002", "2021-07-01", db), Vec::<String>::new());
        let kinds = |code: &str, db: &mut crate::harness::TestDb| -> Vec<String> {
            db.store
                .household_history(code)
                .unwrap()
                .events
                .into_iter()
                .map(|e| e.kind.code().to_owned())
                .collect()
        };
        assert_eq!(
            kinds("XH-001", db),
            ["registered", "birth", "member_left"],
            "{}",
            db.name
        );
        assert_eq!(kinds("XH-001B", db), ["split_from", "member_joined"]);
        assert_eq!(kinds("HD-001", db), ["registered", "merged_into"]);
        assert_eq!(kinds("XH-002", db), ["registered", "death"]);
        assert!(born > 0);
        // Refused: a split into an existing code, a death of someone not in the household.
        assert!(matches!(
            db.store.split_household(
                &giamngheo_store::audit::Actor::system(),
                "XH-001",
                "XH-002",
                &[born],
                born,
                date("2024-01-01")
            ),
            Err(StoreError::Conflict { .. })
        ));
        assert!(matches!(
            db.store.record_death(
                &giamngheo_store::audit::Actor::system(),
                "XH-001",
                grandpa,
                date("2024-01-01")
            ),
            Err(StoreError::NotFound { .. })
        ));
    });
}

/// An import dated before a household's later change (a birth, a move) would end a membership before it
/// began: it is refused with the date to use, and nothing is written.
#[test]
fn an_import_dated_before_a_later_change_is_refused() {
    on_both("import_before_birth", |db| {
        seed_registry(&mut db.store);
        let sys = giamngheo_store::audit::Actor::system();
        db.store
            .record_birth(
                &sys,
                "XH-002",
                &member("Trịnh Thị Bé", Relation::Child, "2020-03-01", None),
                date("2020-03-01"),
            )
            .unwrap();
        let again = vec![(
            7,
            head_only("XH-002", "15493", "Thôn 2", "Trịnh Văn Đức", "1960-11-11"),
        )];
        let err = import_as(&mut db.store, &sys, &again, "2020-01-01").unwrap_err();
        let StoreError::Rejected(list) = &err else {
            panic!("{}: {err:?}", db.name)
        };
        assert!(
            matches!(&list[0].kind, RejectionKind::ChangedAfter { code, date } if code == "XH-002" && date == "01/03/2020"),
            "{}: {list:?}",
            db.name
        );
        assert_eq!(list[0].row, 7);
        let h = db.store.household_history("XH-002").unwrap();
        assert_eq!(
            h.members.iter().filter(|m| m.until.is_none()).count(),
            2,
            "{}",
            db.name
        );
        // Dated after the birth, the same file applies: the child's membership ends the day before.
        import(&mut db.store, &again, "2020-04-01");
        let h = db.store.household_history("XH-002").unwrap();
        let child = h.members.iter().find(|m| m.name == "Trịnh Thị Bé").unwrap();
        assert_eq!(child.until, Some(date("2020-03-31")), "{}", db.name);
    });
}

#[test]
fn a_stored_value_core_refuses_is_an_error_not_a_default() {
    on_both("hh_corrupt", |db| {
        seed_registry(&mut db.store);
        // Written behind the store's back: no check constraint guards these two columns.
        db.store
            .conn()
            .batch("UPDATE membership SET relation = 'boss' WHERE person_id = (SELECT id FROM person WHERE citizen_id = '038075000111')")
            .unwrap();
        let corrupt = |column: &'static str, value: &str| StoreError::Corrupt {
            table: "membership",
            column,
            value: value.to_owned(),
        };
        assert_eq!(
            db.store.household_history("XH-001"),
            Err(corrupt("relation", "boss")),
            "{}",
            db.name
        );
        assert_eq!(
            db.store.search_members(None, "038075000111", 10),
            Err(corrupt("relation", "boss")),
            "{}",
            db.name
        );
        // The other households read as before.
        assert!(db.store.household_history("XH-002").is_ok(), "{}", db.name);
    });
}
