//! Rules that hold when two writers start together: the checks run inside the write transaction and the
//! database backs them (a unique index on the citizen IDs of current members).

use giamngheo_core::registry::{HouseholdRecord, Relation};
use giamngheo_store::StoreError;
use giamngheo_store::audit::Actor;

use crate::harness::{date, import, import_as, on_both_with_units};
use crate::households::{head_only, household, member};

#[test]
fn two_imports_started_together_never_store_one_citizen_id_twice() {
    on_both_with_units("concurrent_cid", |db| {
        for round in 0..20 {
            let cid = format!("0380750{round:05}");
            let files: Vec<_> = ["A", "B"]
                .iter()
                .map(|side| {
                    vec![(
                        2u64,
                        household(
                            &format!("K{round:02}-{side}"),
                            "15493",
                            "Thôn 1",
                            vec![member(
                                "Lê Văn Trùng",
                                Relation::Head,
                                "1975-03-02",
                                Some(&cid),
                            )],
                        ),
                    )]
                })
                .collect();
            let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
            let results: Vec<Result<_, StoreError>> = std::thread::scope(|t| {
                let handles: Vec<_> = files
                    .iter()
                    .map(|rows| {
                        let mut store = db.second();
                        let barrier = barrier.clone();
                        t.spawn(move || {
                            barrier.wait();
                            import_as(&mut store, &Actor::system(), rows, "2019-10-01")
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            let ok = results.iter().filter(|r| r.is_ok()).count();
            assert_eq!(ok, 1, "{} round {round}: {results:?}", db.name);
            let refused = results.iter().find_map(|r| r.as_ref().err()).unwrap();
            assert!(
                matches!(refused, StoreError::Rejected(list) if list.len() == 1 && list[0].field == "citizen_id")
                    || matches!(refused, StoreError::CitizenIdTaken),
                "{} round {round}: {refused:?}",
                db.name
            );
            let holders = ["A", "B"]
                .iter()
                .filter(|side| {
                    db.store
                        .household_history(&format!("K{round:02}-{side}"))
                        .is_ok()
                })
                .count();
            assert_eq!(holders, 1, "{} round {round}", db.name);
        }
    });
}

/// A household of Thôn 1 (commune 15493) whose one member, the head Lê Văn Một, holds `citizen_id`.
fn mot_household(code: &str, citizen_id: &str) -> HouseholdRecord {
    household(
        code,
        "15493",
        "Thôn 1",
        vec![member(
            "Lê Văn Một",
            Relation::Head,
            "1975-03-02",
            Some(citizen_id),
        )],
    )
}

#[test]
fn the_same_file_imported_twice_at_once_is_stored_once() {
    on_both_with_units("concurrent_same", |db| {
        let rows = vec![(2u64, mot_household("K-SAME", "038075099999"))];
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let results: Vec<_> = std::thread::scope(|t| {
            let handles: Vec<_> = (0..2)
                .map(|_| {
                    let mut store = db.second();
                    let barrier = barrier.clone();
                    let rows = &rows;
                    t.spawn(move || {
                        barrier.wait();
                        import_as(&mut store, &Actor::system(), rows, "2019-10-01")
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        // Both succeed: the second finds the household the first wrote and leaves it unchanged.
        let sums: Vec<_> = results.into_iter().map(|r| r.unwrap()).collect();
        assert_eq!(sums.iter().map(|s| s.added).sum::<u64>(), 1, "{}", db.name);
        assert_eq!(
            sums.iter().map(|s| s.unchanged).sum::<u64>(),
            1,
            "{}",
            db.name
        );
    });
}

/// A birth that would give a newborn a citizen ID already held by a current member elsewhere is refused by
/// the database itself, whatever path writes it.
#[test]
fn a_citizen_id_held_elsewhere_is_refused_on_every_path() {
    on_both_with_units("cid_backstop", |db| {
        let sys = Actor::system();
        let rows = vec![
            (2u64, mot_household("K-1", "038075011111")),
            (
                3u64,
                head_only("K-2", "15493", "Thôn 1", "Lê Văn Hai", "1976-03-02"),
            ),
        ];
        import(&mut db.store, &rows, "2019-10-01");
        let err = db
            .store
            .record_birth(
                &sys,
                "K-2",
                &member(
                    "Lê Văn Ba",
                    Relation::Child,
                    "2019-11-01",
                    Some("038075011111"),
                ),
                date("2019-11-01"),
            )
            .unwrap_err();
        assert_eq!(err, StoreError::CitizenIdTaken, "{}", db.name);
        // Once the holder has died, nobody holds it as a current member (a new ID would be issued anyway).
        let h = db.store.household_history("K-1").unwrap();
        db.store
            .record_death(&sys, "K-1", h.members[0].person_id, date("2019-12-01"))
            .unwrap();
        assert_eq!(
            db.store.household_history("K-2").unwrap().members.len(),
            1,
            "{}",
            db.name
        );
    });
}
