//! Registry changes are audited in the same transaction as the change, by the actor the store was given;
//! a change that fails leaves no entry.

use giamngheo_core::Class;
use giamngheo_core::registry::Relation;
use giamngheo_core::round::Role;
use giamngheo_store::audit::Actor;

use crate::harness::{date, load_units, on_both};
use crate::households::{member, three_households};

#[test]
fn registry_changes_are_audited_by_their_actor() {
    on_both("audit", |db| {
        load_units(&mut db.store);
        let lan = Actor::new("Phạm Thị Lan", Role::CommuneOfficer, "10.1.2.3");
        db.store
            .import_households(&lan, &three_households(), date("2019-10-01"), &mut |_| {})
            .unwrap();
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
                    household_id: h.id,
                    year: 2020,
                    round: giamngheo_store::reviews::Round::Periodic,
                    review_date: date("2020-11-15"),
                    commune_id: commune,
                    village_id: None,
                    area: "rural".into(),
                    ethnic_minority: false,
                    members: 1,
                    standard_id: "vn-2016-2020".into(),
                    income_per_capita: Some(600_000),
                    income_score: None,
                    deprivations: 0,
                    computed_class: Class::Poor,
                    reason: String::new(),
                    decided: None,
                    corrects: None,
                    facts: None,
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
