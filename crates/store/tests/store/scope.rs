//! The scope matrix: every role × every write path × where the household lives (the account's own village,
//! another village of its commune, another commune of its province, another province) × a new or an existing
//! household. A write is accepted exactly where the role may take the action and the household lives (now,
//! and after the change) inside the account's units; an accepted write is audited under the account's name,
//! a refused one writes nothing and names nothing outside the account's units.

use giamngheo_core::complaint::ComplaintChannel;
use giamngheo_core::date::Date;
use giamngheo_core::ids::{HouseholdCode, UnitLevel};
use giamngheo_core::messages::Localized;
use giamngheo_core::registry::Relation;
use giamngheo_core::round::{Action, Role, RoundKind};
use giamngheo_core::{Class, Lang};
use giamngheo_store::audit::Actor;
use giamngheo_store::rounds::{NewComplaint, NewRound};
use giamngheo_store::scope::Scope;
use giamngheo_store::support::NewSupport;
use giamngheo_store::{Store, StoreError};

use crate::harness::{date, import, import_as, on_both_with_units, review_of};
use crate::households::{head_only, household, member};

const OWN: &str = "15493"; // Xã Xuân Hồng, Thọ Xuân, Thanh Hóa
const NEIGHBOUR: &str = "15499"; // Thị trấn Thọ Xuân, same province
const FAR: &str = "20764"; // Xã Quế Thọ, Quảng Nam

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Where {
    OwnVillage,
    OtherVillage,
    OtherCommune,
    OtherProvince,
}

impl Where {
    const ALL: [Where; 4] = [
        Where::OwnVillage,
        Where::OtherVillage,
        Where::OtherCommune,
        Where::OtherProvince,
    ];

    fn commune(self) -> &'static str {
        match self {
            Where::OwnVillage | Where::OtherVillage => OWN,
            Where::OtherCommune => NEIGHBOUR,
            Where::OtherProvince => FAR,
        }
    }

    fn village(self) -> &'static str {
        match self {
            Where::OwnVillage => "Thôn 1",
            _ => "Thôn 2",
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Path {
    /// A new household registered in the place.
    ImportNew,
    /// An existing household of the place, imported again with the account's own commune in the row (the
    /// attack that moved a household across provinces).
    ImportExistingIntoOwn,
    Birth,
    Death,
    Split,
    Merge,
    Support,
    ReviewRecord,
    Request,
    Complaint,
}

impl Path {
    const ALL: [Path; 10] = [
        Path::ImportNew,
        Path::ImportExistingIntoOwn,
        Path::Birth,
        Path::Death,
        Path::Split,
        Path::Merge,
        Path::Support,
        Path::ReviewRecord,
        Path::Request,
        Path::Complaint,
    ];

    fn action(self) -> Action {
        match self {
            Path::Support => Action::RecordSupport,
            Path::Request => Action::AddRequest,
            Path::Complaint => Action::RecordComplaint,
            _ => Action::EditRegistry,
        }
    }
}

/// The account's units, as `refresh_scope` materialises them at login.
fn account(store: &mut Store, name: &str, role: Role, unit: Option<i64>) -> Actor {
    let id = store
        .add_account(&Actor::system(), name, role, unit, "x")
        .unwrap();
    let on = date("2019-10-01");
    let scope = match unit {
        None => Scope::Everywhere,
        Some(_) => Scope::units(store.refresh_scope(id, on).unwrap()),
    };
    Actor::new(name, role, "10.0.0.9").account(id, scope)
}

/// An in-year round of the commune opened on `on`, a round of that month, under `standard`.
fn in_year_round(commune_id: i64, on: Date, standard: &str) -> NewRound {
    NewRound {
        commune_id,
        kind: RoundKind::InYear,
        year: on.year(),
        month: Some(on.month()),
        opened_on: on,
        standard_id: standard.into(),
    }
}

fn commune_id(store: &mut Store, code: &str) -> i64 {
    crate::harness::unit_id(store, UnitLevel::Commune, code, "2019-10-01")
}

/// Whether the place is inside the account's units as the brief's scope reads: a commune's officer holds
/// the commune's villages, a village's reviewer only its village, the province's staff the province.
fn inside(role_unit: &str, place: Where) -> bool {
    match role_unit {
        "country" => true,
        "province" => place != Where::OtherProvince,
        "commune" => matches!(place, Where::OwnVillage | Where::OtherVillage),
        "village" => place == Where::OwnVillage,
        _ => false,
    }
}

#[test]
fn every_write_path_holds_every_role_to_its_units() {
    on_both_with_units("scope_matrix", |db| {
        let sys = Actor::system();
        let s = &mut db.store;
        let as_of = date("2019-10-01");
        // The villages exist once a household lives in them.
        let seed = vec![
            (
                2,
                head_only("SEED-1", OWN, "Thôn 1", "Hạt Giống Một", "1970-01-01"),
            ),
            (
                3,
                head_only("SEED-2", OWN, "Thôn 2", "Hạt Giống Hai", "1970-01-01"),
            ),
        ];
        s.import_households(&sys, &seed, as_of, &mut |_| {})
            .unwrap();
        let own = commune_id(s, OWN);
        let village1 = s.find_village(own, "Thôn 1").unwrap().unwrap();
        let province = s
            .unit_at(UnitLevel::Province, "38", as_of)
            .unwrap()
            .unwrap()
            .id;
        // In-year rounds of October 2019 in the three communes, where requests and complaints go.
        let mut rounds = std::collections::HashMap::new();
        for code in [OWN, NEIGHBOUR, FAR] {
            let commune_id = commune_id(s, code);
            let round = in_year_round(commune_id, date("2019-10-15"), "vn-2016-2020");
            let id = s.open_round(&sys, &round).unwrap();
            rounds.insert(code, id);
        }
        let programme = s.programmes().unwrap()[0].code.clone();
        let accounts = [
            ("country", account(s, "quản trị", Role::Administrator, None)),
            (
                "province",
                account(s, "sở tỉnh", Role::ProvinceStaff, Some(province)),
            ),
            (
                "commune",
                account(s, "cán bộ xã", Role::CommuneOfficer, Some(own)),
            ),
            (
                "village",
                account(s, "rà soát thôn", Role::VillageReviewer, Some(village1)),
            ),
            (
                "country-auditor",
                account(s, "kiểm toán", Role::Auditor, None),
            ),
        ];
        let mut n = 0;
        let mut failures = Vec::new();
        for (unit, actor) in &accounts {
            for path in Path::ALL {
                for place in Where::ALL {
                    n += 1;
                    // Each case has households of its own, written by the system first.
                    let code = format!("C{n:04}");
                    let other = format!("D{n:04}");
                    let cid = format!("0380{n:08}");
                    if !matches!(path, Path::ImportNew) {
                        let rows = vec![
                            (
                                2,
                                household(
                                    &code,
                                    place.commune(),
                                    place.village(),
                                    vec![
                                        member(
                                            "Người Chủ Hộ",
                                            Relation::Head,
                                            "1970-01-01",
                                            Some(&cid),
                                        ),
                                        member("Người Con", Relation::Child, "2000-01-01", None),
                                    ],
                                ),
                            ),
                            (
                                3,
                                head_only(
                                    &other,
                                    place.commune(),
                                    place.village(),
                                    "Người Khác",
                                    "1971-01-01",
                                ),
                            ),
                        ];
                        s.import_households(&sys, &rows, as_of, &mut |_| {})
                            .unwrap();
                    }
                    let before = s.audit_entries(1, 1_000_000, None).unwrap().len();
                    let head_id = s.household_history(&code).ok().map(|h| {
                        h.members
                            .iter()
                            .find(|m| m.relation == giamngheo_core::registry::Relation::Head)
                            .unwrap()
                            .person_id
                    });
                    let result: Result<(), StoreError> = match path {
                        Path::ImportNew => s
                            .import_households(
                                actor,
                                &[(
                                    2,
                                    head_only(
                                        &code,
                                        place.commune(),
                                        place.village(),
                                        "Hộ Mới",
                                        "1980-05-05",
                                    ),
                                )],
                                as_of,
                                &mut |_| {},
                            )
                            .map(|_| ()),
                        Path::ImportExistingIntoOwn => import_as(
                            s,
                            actor,
                            &[(
                                2,
                                head_only(&code, OWN, "Thôn 1", "Kẻ Chiếm Hộ", "1980-05-05"),
                            )],
                            "2019-10-02",
                        )
                        .map(|_| ()),
                        Path::Birth => s
                            .record_birth(
                                actor,
                                &code,
                                &member("Em Bé", Relation::Child, "2019-10-03", None),
                                date("2019-10-03"),
                            )
                            .map(|_| ()),
                        Path::Death => {
                            s.record_death(actor, &code, head_id.unwrap(), date("2019-10-03"))
                        }
                        Path::Split => {
                            let h = s.household_history(&code).unwrap();
                            let child = h
                                .members
                                .iter()
                                .find(|m| m.relation == giamngheo_core::registry::Relation::Child)
                                .unwrap()
                                .person_id;
                            s.split_household(
                                actor,
                                &code,
                                &format!("S{n:04}"),
                                &[child],
                                child,
                                date("2019-10-03"),
                            )
                            .map(|_| ())
                        }
                        Path::Merge => s.merge_households(actor, &other, &code, date("2019-10-03")),
                        Path::Support => s
                            .record_support(
                                actor,
                                &[NewSupport {
                                    programme_code: programme.clone(),
                                    household_code: HouseholdCode::parse(&code).unwrap(),
                                    person_citizen_id: None,
                                    received_on: date("2019-10-03"),
                                    amount_vnd: Some(100_000),
                                    quantity: None,
                                    provider: "UBND xã".into(),
                                    note: None,
                                }],
                            )
                            .map(|_| ()),
                        Path::ReviewRecord => {
                            let h = s.household_history(&code).unwrap();
                            let r = &h.residences[0];
                            s.insert_reviews(
                                actor,
                                &[giamngheo_store::reviews::NewReview {
                                    village_id: r.village_id,
                                    members: 2,
                                    income_per_capita: Some(600_000),
                                    ..review_of(
                                        h.id,
                                        r.commune_id,
                                        2019,
                                        "vn-2016-2020",
                                        Class::Poor,
                                    )
                                }],
                            )
                            .map(|_| ())
                        }
                        Path::Request => s
                            .add_request(
                                actor,
                                rounds[place.commune()],
                                &code,
                                giamngheo_store::rounds::CaseSource::Request,
                                date("2019-10-16"),
                            )
                            .map(|_| ()),
                        Path::Complaint => {
                            // A complaint about a household on the round's list (put there by the system).
                            s.add_request(
                                &sys,
                                rounds[place.commune()],
                                &code,
                                giamngheo_store::rounds::CaseSource::Request,
                                date("2019-10-16"),
                            )
                            .unwrap();
                            let before_complaint =
                                s.audit_entries(1, 1_000_000, None).unwrap().len();
                            let r = s
                                .add_complaint(
                                    actor,
                                    rounds[place.commune()],
                                    &NewComplaint {
                                        household_code: Some(HouseholdCode::parse(&code).unwrap()),
                                        received_on: date("2019-10-17"),
                                        complainant: "Người dân".into(),
                                        channel: ComplaintChannel::InPerson,
                                        content: "Hộ này không đúng".into(),
                                    },
                                )
                                .map(|_| ());
                            // The system's own request is not the write under test.
                            if r.is_err() {
                                let after = s.audit_entries(1, 1_000_000, None).unwrap().len();
                                assert_eq!(
                                    after, before_complaint,
                                    "{} {unit} {path:?} {place:?}",
                                    db.name
                                );
                            }
                            r
                        }
                    };
                    let may = actor.role.may(path.action());
                    // The import of an existing household into the account's own commune needs both ends
                    // inside: where it lives now and where the row would put it.
                    let expected = may
                        && inside(unit, place)
                        && match path {
                            Path::ImportExistingIntoOwn => inside(unit, Where::OwnVillage),
                            _ => true,
                        };
                    let after = s.audit_entries(1, 1_000_000, None).unwrap();
                    match (&result, expected) {
                        (Ok(()), true) => {
                            let last = &after.last().unwrap().0;
                            if last.actor != actor.name {
                                failures.push(format!(
                                    "{unit} {path:?} {place:?}: audited as {}",
                                    last.actor
                                ));
                            }
                        }
                        (Err(e), false) => {
                            // Nothing written beyond the system's own setup, and nothing named outside.
                            let written = after.len() - before;
                            let setup = usize::from(matches!(path, Path::Complaint));
                            if written != setup {
                                failures.push(format!("{unit} {path:?} {place:?}: refused but {written} entries written"));
                            }
                            let text = e.message(Lang::En);
                            // The codes the account typed may be echoed; where the household lives may not.
                            if matches!(path, Path::ImportExistingIntoOwn)
                                && place.commune() != OWN
                                && text.contains(place.commune())
                            {
                                failures.push(format!("{unit} {path:?} {place:?}: message names what is outside: {text}"));
                            }
                        }
                        (Ok(()), false) => failures.push(format!(
                            "{unit} {path:?} {place:?}: ACCEPTED outside the scope"
                        )),
                        (Err(e), true) => {
                            failures.push(format!("{unit} {path:?} {place:?}: refused: {e:?}"))
                        }
                    }
                    // The household the attack aimed at still lives where it lived.
                    if matches!(path, Path::ImportExistingIntoOwn) && !expected {
                        let h = s.household_history(&code).unwrap();
                        let open = h.residences.iter().find(|r| r.until.is_none()).unwrap();
                        assert_eq!(
                            open.commune_id,
                            commune_id(s, place.commune()),
                            "{}",
                            db.name
                        );
                        assert_eq!(
                            h.members.iter().filter(|m| m.until.is_none()).count(),
                            2,
                            "{}",
                            db.name
                        );
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} ({n} cases):\n{}",
            db.name,
            failures.join("\n")
        );
        assert_eq!(n, 5 * 10 * 4, "{}", db.name);
    });
}

/// The attack of the issue, step by step: a commune officer imports a one-row file whose household code
/// belongs to another province's commune, with the officer's own commune in the row.
#[test]
fn an_officer_cannot_take_a_household_of_another_province_by_import() {
    on_both_with_units("scope_takeover", |db| {
        let s = &mut db.store;
        let rows = vec![(
            2,
            household(
                "20764-00001",
                FAR,
                "Thôn Trung An",
                vec![member(
                    "Phan Văn Thật",
                    Relation::Head,
                    "1960-02-02",
                    Some("049060000123"),
                )],
            ),
        )];
        import(s, &rows, "2019-10-01");
        let own = commune_id(s, OWN);
        let officer = account(s, "cán bộ xã", Role::CommuneOfficer, Some(own));
        let attack = vec![(
            2,
            head_only("20764-00001", OWN, "Thôn 1", "Kẻ Giả Mạo", "1990-01-01"),
        )];
        let err = import_as(s, &officer, &attack, "2020-01-01").unwrap_err();
        let StoreError::Rejected(list) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(list.len(), 1, "{}", db.name);
        assert_eq!(list[0].field, "household_code");
        let h = s.household_history("20764-00001").unwrap();
        assert_eq!(h.members.len(), 1, "{}", db.name);
        assert!(h.members[0].until.is_none(), "{}", db.name);
        // A citizen ID held outside the officer's area is refused without naming where.
        let probe = vec![(
            2,
            household(
                "15493-00077",
                OWN,
                "Thôn 1",
                vec![member(
                    "Người Dò Tìm",
                    Relation::Head,
                    "1960-02-02",
                    Some("049060000123"),
                )],
            ),
        )];
        let err = import_as(s, &officer, &probe, "2020-01-01").unwrap_err();
        for lang in [Lang::Vi, Lang::En] {
            let text = err.message(lang);
            assert!(!text.contains("20764"), "{}: {text}", db.name);
            assert!(text.contains("049060000123"), "{}: {text}", db.name);
        }
    });
}

/// A step may not be dated after today: a round decided ahead of its posting's end, or a complaint from
/// tomorrow, is refused.
#[test]
fn steps_dated_in_the_future_are_refused() {
    on_both_with_units("scope_future", |db| {
        let sys = Actor::system();
        let s = &mut db.store;
        let tomorrow = Date::from_unix_days(
            (std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs() as i64
                + 7 * 3600)
                / 86_400
                + 1,
        );
        let commune_id = commune_id(s, OWN);
        let err = s
            .open_round(&sys, &in_year_round(commune_id, tomorrow, "vn-2022-2025"))
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Procedure(giamngheo_core::round::RoundError::InFuture { .. })
            ),
            "{}: {err:?}",
            db.name
        );
    });
}
