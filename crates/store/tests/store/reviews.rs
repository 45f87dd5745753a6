use giamngheo_core::Class;
use giamngheo_store::StoreError;
use giamngheo_store::reviews::NewReview;

use crate::harness::{date, on_both, review_of, seed_registry};

fn review(household_id: i64, commune_id: i64, year: i32, class: Class) -> NewReview {
    NewReview {
        members: 3,
        income_per_capita: Some(650_000),
        deprivations: 0b101,
        reason: "thu nhập 650.000 đ ≤ chuẩn nghèo nông thôn 700.000 đ".into(),
        ..review_of(household_id, commune_id, year, "vn-2016-2020", class)
    }
}

#[test]
fn decided_reviews_are_immutable_and_corrections_are_new_records() {
    on_both("reviews", |db| {
        seed_registry(&mut db.store);
        let h = db.store.household_history("XH-001").unwrap();
        let commune = h.residences[0].commune_id;
        let id = db
            .store
            .insert_reviews(
                &giamngheo_store::audit::Actor::system(),
                &[review(h.id, commune, 2019, Class::Poor)],
            )
            .unwrap();
        // Undecided: may still be edited and removed.
        db.store
            .set_review_reason(&giamngheo_store::audit::Actor::system(), id, "sửa lý do")
            .unwrap();
        db.store
            .decide_review(
                &giamngheo_store::audit::Actor::system(),
                id,
                Class::Poor,
                date("2019-12-10"),
            )
            .unwrap();
        assert!(matches!(
            db.store.decide_review(
                &giamngheo_store::audit::Actor::system(),
                id,
                Class::NearPoor,
                date("2019-12-11")
            ),
            Err(StoreError::NotFound { .. })
        ));
        assert_eq!(
            db.store.set_review_reason(
                &giamngheo_store::audit::Actor::system(),
                id,
                "sửa sau quyết định"
            ),
            Err(StoreError::Immutable),
            "{}",
            db.name
        );
        assert_eq!(
            db.store
                .delete_review(&giamngheo_store::audit::Actor::system(), id),
            Err(StoreError::Immutable),
            "{}",
            db.name
        );
        let fixed = db
            .store
            .correct_review(
                &giamngheo_store::audit::Actor::system(),
                id,
                review(h.id, commune, 2019, Class::NearPoor),
            )
            .unwrap();
        let h = db.store.household_history("XH-001").unwrap();
        assert_eq!(h.reviews.len(), 2);
        assert_eq!(h.reviews[0].reason, "sửa lý do");
        assert_eq!(h.reviews[0].decided_class, Some(Class::Poor));
        assert_eq!(h.reviews[1].id, fixed);
        assert_eq!(h.reviews[1].corrects_id, Some(id), "{}", db.name);
    });
}

#[test]
fn imported_reviews_are_classified_replaced_while_undecided_and_refused_once_decided() {
    use giamngheo_core::standard::builtin;
    use giamngheo_core::{Classifier, DeprivationSet, Income};
    use giamngheo_store::RejectionKind;
    use giamngheo_store::reviews::ReviewInput;
    on_both("reviews_import", |db| {
        seed_registry(&mut db.store);
        let c = Classifier::new(builtin::for_year(2019).unwrap());
        let input = |row: u64, code: &str, income: i64, decided: bool| ReviewInput {
            row,
            household_code: giamngheo_core::ids::HouseholdCode::parse(code).unwrap(),
            income: Income::Vnd(income),
            deprivations: DeprivationSet(0b111),
            area: None,
            decided: decided.then(|| (Class::Poor, date("2019-12-10"))),
        };
        let day = date("2019-11-15");
        let first = [
            input(2, "XH-001", 650_000, false),
            input(3, "XH-002", 900_000, true),
        ];
        let import = |s: &mut giamngheo_store::Store, rows: &[ReviewInput]| {
            s.import_reviews(
                &giamngheo_store::audit::Actor::system(),
                2019,
                day,
                &c,
                rows,
            )
        };
        let s = import(&mut db.store, &first).unwrap();
        assert_eq!((s.added, s.replaced, s.unchanged), (2, 0, 0), "{}", db.name);
        assert_eq!(s.by_class[0], 2, "both poor under the two-tier rule");
        let s = import(&mut db.store, &first).unwrap();
        assert_eq!((s.added, s.replaced, s.unchanged), (0, 0, 2), "{}", db.name);
        let s = import(&mut db.store, &[input(2, "XH-001", 800_000, false)]).unwrap();
        assert_eq!((s.added, s.replaced), (0, 1), "{}", db.name);
        let err = import(
            &mut db.store,
            &[
                input(5, "XH-002", 1_900_000, true),
                input(6, "NOPE", 1, false),
            ],
        )
        .unwrap_err();
        let StoreError::Rejected(list) = err else {
            panic!("{err:?}")
        };
        assert!(
            matches!(list[0].kind, RejectionKind::AlreadyDecided { .. }),
            "{}",
            db.name
        );
        assert!(matches!(
            list[1].kind,
            RejectionKind::UnknownHousehold { .. }
        ));
        let rows = db.store.export_reviews(2019).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].income_per_capita, Some(800_000));
        assert!(rows[0].reason.contains("800.000 đ"), "{}", rows[0].reason);
    });
}
