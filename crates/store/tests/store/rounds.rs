//! A full periodic round for a village, from the list to the certificates, with every refusal on the way,
//! the audit chain, support and late communes: on SQLite and PostgreSQL.

use giamngheo_core::complaint::{ComplaintChannel, ComplaintOutcome};
use giamngheo_core::round::{Action, CaseState, Role, RoundError, RoundKind, Step};
use giamngheo_core::transition::Transition;
use giamngheo_core::{
    Class, Classifier, DeprivationSet, Income, audit::ChainBreak, registry::ReviewInput,
};
use giamngheo_store::audit::Actor;
use giamngheo_store::db::Backend;
use giamngheo_store::reviews::NewReview;
use giamngheo_store::rounds::{
    CaseSource, NewComplaint, NewMeeting, NewRound, SurveyInput, VoteInput,
};
use giamngheo_store::support::{NewSupport, ReportKind};
use giamngheo_store::{RejectionKind, StoreError};

use crate::harness::{TestDb, date, hh, on_both, review_of, seed_registry};

pub fn decided_2023(household_id: i64, commune_id: i64, class: Class) -> NewReview {
    NewReview {
        members: 3,
        income_per_capita: Some(1_400_000),
        deprivations: 0b1,
        decided: Some((class, date("2023-12-10"))),
        ..review_of(household_id, commune_id, 2023, "vn-2022-2025", class)
    }
}

/// The commune's periodic round of 2024 under the 2022-2025 standard, opened on `on`.
fn periodic_2024(commune_id: i64, on: &str) -> NewRound {
    NewRound {
        commune_id,
        kind: RoundKind::Periodic,
        year: 2024,
        month: None,
        opened_on: date(on),
        standard_id: "vn-2022-2025".into(),
    }
}

/// The classifier of the 2022-2025 standard, the one the 2024 rounds use.
fn classifier_2022() -> Classifier {
    Classifier::new(giamngheo_core::standard::builtin::get("vn-2022-2025").unwrap())
}

fn survey(row: u64, code: &str, income: i64, deprivations: u32) -> SurveyInput {
    SurveyInput {
        input: ReviewInput {
            row,
            household_code: hh(code),
            income: Income::Vnd(income),
            deprivations: DeprivationSet(deprivations),
            area: None,
            decided: None,
        },
        expected_version: None,
    }
}

/// Trần Văn Khải's complaint, in person on 15 November 2024, about household `code`.
fn khai_complains(code: &str, content: &str) -> NewComplaint {
    NewComplaint {
        household_code: Some(hh(code)),
        received_on: date("2024-11-15"),
        complainant: "Trần Văn Khải".into(),
        channel: ComplaintChannel::InPerson,
        content: content.into(),
    }
}

/// The survey of both listed households on 1 October 2024: XH-001 at 2.5 million and no deprivation, XH-002
/// at 1.2 million and three.
fn survey_both(
    db: &mut TestDb,
    reviewer: &Actor,
    round: i64,
    classifier: &Classifier,
) -> Vec<giamngheo_store::rounds::Surveyed> {
    db.store
        .record_survey(
            reviewer,
            round,
            classifier,
            date("2024-10-01"),
            &[
                survey(2, "XH-001", 2_500_000, 0),
                survey(3, "XH-002", 1_200_000, 0b111),
            ],
        )
        .unwrap()
}

fn meeting(held_on: &str, attendees: u32, votes: &[(&str, u32, u32)]) -> NewMeeting {
    NewMeeting {
        village_id: None,
        held_on: date(held_on),
        chair: "Trưởng thôn Lê Văn Tám".into(),
        secretary: "Nguyễn Thị Hoa".into(),
        attendees,
        minutes: Some("Biên bản họp dân thôn 1".into()),
        votes: votes
            .iter()
            .enumerate()
            .map(|(i, (code, yes, no))| VoteInput {
                row: i as u64 + 2,
                household_code: hh(code),
                votes_for: *yes,
                votes_against: *no,
            })
            .collect(),
    }
}

/// The village of `three_households` with the households of `listed` decided in 2023 as given, and the
/// 2024 periodic round opened by `who` on 3 September (vn-2022-2025): the round's id.
fn round_of_2024(db: &mut TestDb, who: &Actor, listed: &[(&str, Class)]) -> i64 {
    seed_registry(&mut db.store);
    let mut commune = 0;
    let mut reviews = Vec::new();
    for (code, class) in listed {
        let h = db.store.household_history(code).unwrap();
        commune = h.residences[0].commune_id;
        reviews.push(decided_2023(h.id, commune, *class));
    }
    db.store
        .insert_reviews(&giamngheo_store::audit::Actor::system(), &reviews)
        .unwrap();
    db.store
        .open_round(who, &periodic_2024(commune, "2024-09-03"))
        .unwrap()
}

fn refused(r: Result<impl std::fmt::Debug, StoreError>) -> RoundError {
    match r {
        Err(StoreError::Procedure(e)) => e,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn states(db: &mut TestDb, round: i64) -> Vec<(String, CaseState)> {
    db.store
        .round_cases(round)
        .unwrap()
        .into_iter()
        .map(|c| (c.household_code.to_string(), c.state))
        .collect()
}

#[test]
fn a_full_round_from_the_list_to_the_certificates() {
    on_both("round", |db| {
        seed_registry(&mut db.store);
        let h1 = db.store.household_history("XH-001").unwrap();
        let h2 = db.store.household_history("XH-002").unwrap();
        let commune = h1.residences[0].commune_id;
        db.store
            .insert_reviews(
                &giamngheo_store::audit::Actor::system(),
                &[
                    decided_2023(h1.id, commune, Class::Poor),
                    decided_2023(h2.id, commune, Class::NearPoor),
                ],
            )
            .unwrap();
        let officer = Actor::new("Phạm Thị Lan", Role::CommuneOfficer, "cli");
        let reviewer = Actor::new("Đỗ Văn Minh", Role::VillageReviewer, "cli");
        let province = Actor::new("Hoàng Văn Sơn", Role::ProvinceStaff, "cli");
        let auditor = Actor::new("Kiểm toán viên", Role::Auditor, "cli");
        let classifier = classifier_2022();
        let open = |db: &mut TestDb, who: &Actor, on: &str| {
            db.store.open_round(who, &periodic_2024(commune, on))
        };

        // Opening: only inside the window, only by the commune, once a year.
        assert!(matches!(
            refused(open(db, &officer, "2024-08-15")),
            RoundError::OutsideWindow { .. }
        ));
        assert_eq!(
            refused(open(db, &auditor, "2024-09-03")),
            RoundError::NotAllowed {
                role: Role::Auditor,
                action: Action::OpenRound
            }
        );
        // An in-year round opens from the 15th of its month; requests then fill it.
        let in_year = |on: &str| NewRound {
            commune_id: commune,
            kind: RoundKind::InYear,
            year: 2024,
            month: Some(3),
            opened_on: date(on),
            standard_id: "vn-2022-2025".into(),
        };
        assert!(matches!(
            refused(db.store.open_round(&officer, &in_year("2024-03-10"))),
            RoundError::OutsideWindow { .. }
        ));
        let monthly = db
            .store
            .open_round(&officer, &in_year("2024-03-15"))
            .unwrap();
        assert!(db.store.round_cases(monthly).unwrap().is_empty());
        assert_eq!(
            db.store.round(monthly).unwrap().deadline(),
            date("2024-03-30")
        );
        let round = open(db, &officer, "2024-09-03").unwrap();
        // Rows entered by the village reviewer on `day`, under the round's standard.
        let survey_on = |db: &mut TestDb, day: &str, rows: &[SurveyInput]| {
            db.store
                .record_survey(&reviewer, round, &classifier, date(day), rows)
        };
        assert!(matches!(
            open(db, &officer, "2024-09-04"),
            Err(StoreError::Conflict { .. })
        ));
        let cases = db.store.round_cases(round).unwrap();
        let listed: Vec<(&str, CaseSource, Option<Class>)> = cases
            .iter()
            .map(|c| (c.household_code.as_str(), c.source, c.previous_class))
            .collect();
        assert_eq!(
            listed,
            [
                ("XH-001", CaseSource::PoorList, Some(Class::Poor)),
                ("XH-002", CaseSource::NearPoorList, Some(Class::NearPoor))
            ],
            "{}",
            db.name
        );
        assert_eq!(cases[0].head_name.as_deref(), Some("Lê Văn Hùng"));

        // A household not on the list, and one twice in a file: nothing is written.
        let rows = [
            survey(2, "XH-001", 2_500_000, 0),
            survey(3, "HD-001", 900_000, 0),
            survey(4, "XH-001", 1, 0),
        ];
        let err = survey_on(db, "2024-10-01", &rows).unwrap_err();
        let StoreError::Rejected(list) = err else {
            panic!("{err:?}")
        };
        assert!(matches!(&list[0].kind, RejectionKind::NotOnList { code } if code == "HD-001"));
        assert!(matches!(
            &list[1].kind,
            RejectionKind::DuplicateHousehold { first_row: 2, .. }
        ));
        assert!(
            states(db, round)
                .iter()
                .all(|(_, s)| *s == CaseState::Listed)
        );
        // A request (Mẫu 01) puts a household on the list; a household of another commune is not found.
        assert!(matches!(
            db.store.add_request(
                &reviewer,
                round,
                "HD-001",
                CaseSource::Request,
                date("2024-09-20")
            ),
            Err(StoreError::NotFound { .. })
        ));

        let surveyed = survey_both(db, &reviewer, round, &classifier);
        // The write returns each household's class as it recorded it, in the order given.
        let stored: Vec<_> = ["XH-001", "XH-002"]
            .into_iter()
            .map(|code| {
                let cases = db.store.round_cases(round).unwrap();
                let case = cases.iter().find(|k| k.household_code == code).unwrap();
                (hh(code), case.computed_class)
            })
            .collect();
        let returned: Vec<_> = surveyed
            .iter()
            .map(|d| (d.household_code.clone(), Some(d.outcome.class)))
            .collect();
        assert_eq!(returned, stored, "{}", db.name);
        // Surveyed twice in one round.
        let err = survey_on(db, "2024-10-02", &[survey(2, "XH-001", 2_600_000, 0)]).unwrap_err();
        assert!(
            matches!(&err, StoreError::Rejected(l) if matches!(l[0].kind, RejectionKind::Procedure { error: RoundError::BadTransition { from: CaseState::Surveyed, .. }, .. })),
            "{err:?}"
        );
        // Another standard than the round's.
        let other =
            Classifier::new(giamngheo_core::standard::builtin::get("vn-2016-2020").unwrap());
        assert!(matches!(
            db.store
                .record_survey(&reviewer, round, &other, date("2024-10-02"), &[]),
            Err(StoreError::WrongStandard { .. })
        ));

        // The meeting: more votes than attendees is refused whole; under half sends back to the survey.
        assert_eq!(
            refused_row(db.store.record_meeting(
                &officer,
                round,
                &meeting("2024-10-20", 30, &[("XH-001", 20, 5), ("XH-002", 20, 11)])
            )),
            RoundError::VotesExceedAttendance {
                attendees: 30,
                votes: 31
            }
        );
        assert_eq!(
            refused(
                db.store
                    .record_meeting(&reviewer, round, &meeting("2024-10-20", 30, &[]))
            ),
            RoundError::NotAllowed {
                role: Role::VillageReviewer,
                action: Action::RecordMeeting
            }
        );
        let m = db
            .store
            .record_meeting(
                &officer,
                round,
                &meeting("2024-10-20", 30, &[("XH-001", 20, 5), ("XH-002", 14, 10)]),
            )
            .unwrap();
        assert_eq!((m.agreed, m.disagreed), (1, 1));
        assert_eq!(
            refused(db.store.post_results(
                &officer,
                round,
                date("2024-11-14"),
                "Nhà văn hóa thôn 1"
            )),
            RoundError::Unfinished {
                count: 1,
                state: CaseState::Resurvey
            }
        );
        survey_on(db, "2024-10-25", &[survey(2, "XH-002", 1_200_000, 0b111)]).unwrap();
        db.store
            .record_meeting(
                &officer,
                round,
                &meeting("2024-11-01", 28, &[("XH-002", 15, 3)]),
            )
            .unwrap();

        // Posting on a Thursday for 3 working days: Thursday, Friday, Monday.
        let ends = db
            .store
            .post_results(
                &officer,
                round,
                date("2024-11-14"),
                "Nhà văn hóa thôn 1, trụ sở UBND xã",
            )
            .unwrap();
        assert_eq!(ends, date("2024-11-18"));
        // Posting again with nothing newly agreed would only restart the period: refused.
        assert_eq!(
            refused(db.store.post_results(
                &officer,
                round,
                date("2024-11-15"),
                "Nhà văn hóa thôn 1"
            )),
            RoundError::AlreadyPosted { ends }
        );
        let complaint = db
            .store
            .add_complaint(
                &reviewer,
                round,
                &khai_complains("XH-001", "Hộ XH-001 vẫn còn khó khăn"),
            )
            .unwrap();
        // The decision on `day`, numbered and signed as the commune's chairman signs it.
        let decide = |db: &mut TestDb, day: &str| {
            db.store
                .decide_round(&officer, round, date(day), "125/QĐ-UBND", "Nguyễn Văn Chủ")
        };
        assert_eq!(
            refused(decide(db, "2024-11-18")),
            RoundError::PostingNotOver { ends }
        );
        assert_eq!(
            refused(decide(db, "2024-11-19")),
            RoundError::OpenComplaints { count: 1 }
        );
        db.store
            .answer_complaint(
                &officer,
                complaint,
                "Thu nhập đã vượt chuẩn cận nghèo",
                date("2024-11-18"),
                ComplaintOutcome::Rejected,
            )
            .unwrap();
        // Before 1 July 2025 the district chairman gives an opinion first.
        assert_eq!(
            refused(decide(db, "2024-11-19")),
            RoundError::StepNotDone {
                step: Step::DistrictOpinion
            }
        );
        db.store
            .record_district_opinion(&officer, round, date("2024-11-19"))
            .unwrap();
        let decision = decide(db, "2024-11-20").unwrap();
        assert_eq!(decision.decided, 2);
        assert_eq!(
            decision.transitions,
            [(Transition::Escaped, 1), (Transition::NewlyPoor, 1)],
            "{}",
            db.name
        );

        // Locked once decided.
        assert_eq!(
            refused(db.store.add_complaint(
                &reviewer,
                round,
                &NewComplaint {
                    household_code: None,
                    received_on: date("2024-11-21"),
                    complainant: "Ai đó".into(),
                    channel: ComplaintChannel::Web,
                    content: "x".into()
                }
            )),
            RoundError::Locked
        );
        assert_eq!(
            refused(db.store.record_survey(
                &reviewer,
                round,
                &classifier,
                date("2024-11-21"),
                &[survey(2, "XH-001", 1, 0)]
            )),
            RoundError::Locked
        );

        // Certificates only for the poor and near-poor.
        assert_eq!(
            refused(db.store.issue_certificates(
                &officer,
                round,
                date("2024-11-22"),
                Some("XH-001")
            )),
            RoundError::NotCertifiable
        );
        assert_eq!(
            db.store
                .issue_certificates(&officer, round, date("2024-11-22"), None)
                .unwrap(),
            1
        );
        assert_eq!(
            db.store
                .issue_certificates(&officer, round, date("2024-11-22"), None)
                .unwrap(),
            0,
            "issued once"
        );
        let cases = db.store.round_cases(round).unwrap();
        let listed: Vec<(&str, Option<Class>, Option<Transition>, Option<&str>)> = cases
            .iter()
            .map(|c| {
                (
                    c.household_code.as_str(),
                    c.decided_class,
                    c.transition,
                    c.certificate.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            listed,
            [
                (
                    "XH-001",
                    Some(Class::NotPoor),
                    Some(Transition::Escaped),
                    None
                ),
                (
                    "XH-002",
                    Some(Class::Poor),
                    Some(Transition::NewlyPoor),
                    Some("1/GCN-HN.HCN")
                )
            ]
        );
        // The decided review records are the registry's, and immutable.
        let reviews = db.store.household_history("XH-002").unwrap().reviews;
        assert_eq!(reviews.last().unwrap().decided_class, Some(Class::Poor));

        // Reopening needs a higher role and a reason; a new survey corrects the decided record.
        assert_eq!(
            refused(
                db.store
                    .reopen_round(&officer, round, date("2024-12-01"), "sai sót")
            ),
            RoundError::NotAllowed {
                role: Role::CommuneOfficer,
                action: Action::Reopen
            }
        );
        assert_eq!(
            refused(
                db.store
                    .reopen_round(&province, round, date("2024-12-01"), "  ")
            ),
            RoundError::NoReason
        );
        db.store
            .reopen_round(
                &province,
                round,
                date("2024-12-01"),
                "Khiếu nại vượt cấp của hộ XH-001",
            )
            .unwrap();
        db.store
            .record_survey(
                &reviewer,
                round,
                &classifier,
                date("2024-12-02"),
                &[survey(2, "XH-001", 1_450_000, 0b111)],
            )
            .unwrap();
        let reviews = db.store.household_history("XH-001").unwrap().reviews;
        let last = reviews.last().unwrap();
        assert_eq!(
            (last.computed_class, last.decided_class),
            (Class::Poor, None)
        );
        assert_eq!(last.corrects_id, Some(reviews[reviews.len() - 2].id));

        // Support received, with the deprivation it addresses.
        db.store
            .record_support(
                &officer,
                &[NewSupport {
                    programme_code: "health_insurance".into(),
                    household_code: hh("XH-002"),
                    person_citizen_id: None,
                    received_on: date("2025-01-05"),
                    amount_vnd: Some(1_105_000),
                    quantity: Some(1),
                    provider: "BHXH huyện Thọ Xuân".into(),
                    note: None,
                }],
            )
            .unwrap();
        db.store
            .record_support(
                &officer,
                &[NewSupport {
                    programme_code: "livelihood".into(),
                    household_code: hh("XH-001"),
                    person_citizen_id: Some("038075000111".into()),
                    received_on: date("2024-06-01"),
                    amount_vnd: Some(5_000_000),
                    quantity: None,
                    provider: "Hội Nông dân xã".into(),
                    note: Some("bò giống".into()),
                }],
            )
            .unwrap();
        // Between the 2023 decision and this round's: XH-001's livelihood support; XH-002's card came later.
        let between = db.store.support_between_reviews(round).unwrap();
        let cases = db.store.round_cases(round).unwrap();
        assert_eq!(
            between.get(&cases[0].id),
            Some(&(1, 5_000_000, vec!["livelihood".to_owned()])),
            "{}",
            db.name
        );
        assert_eq!(between.get(&cases[1].id), None);
        let got = db.store.support_of("XH-002").unwrap();
        assert_eq!(
            (
                got[0].programme_code.as_str(),
                got[0].indicator.as_deref(),
                got[0].amount_vnd
            ),
            (
                "health_insurance",
                Some("health_insurance"),
                Some(1_105_000)
            )
        );
        assert!(matches!(
            refused(db.store.record_support(&auditor, &[])),
            RoundError::NotAllowed { .. }
        ));

        // Late communes: the round is open again after the deadline; monthly reports missing but one.
        for month in (1..=8).filter(|m| *m != 3) {
            db.store
                .submit_report(&officer, commune, 2024, Some(month), date("2024-09-30"))
                .unwrap();
        }
        let late = db
            .store
            .late_communes(commune, 2024, date("2024-12-20"))
            .unwrap();
        let late: Vec<(ReportKind, Option<u8>, bool)> = late
            .iter()
            .map(|l| (l.kind, l.month, l.round_open))
            .collect();
        assert_eq!(
            late,
            [
                (ReportKind::Periodic, None, true),
                (ReportKind::Monthly, Some(3), false)
            ]
        );

        // The audit log: the chain verifies; the database refuses edits; an edit made around it shows.
        let n = db.store.verify_audit().unwrap().unwrap();
        assert!(n >= 15, "{n} entries");
        let entries = db.store.audit_entries(1, 1000, None).unwrap();
        assert!(entries.iter().any(|(e, _)| e.action == "reopen"
            && e.actor == "Hoàng Văn Sơn"
            && e.reason.as_deref() == Some("Khiếu nại vượt cấp của hộ XH-001")));
        assert_eq!(
            db.store
                .conn()
                .execute("UPDATE audit_log SET new_value = 'x' WHERE seq = 3", &[]),
            Err(StoreError::AppendOnly)
        );
        match db.store.backend() {
            Backend::Sqlite => db
                .store
                .conn()
                .batch("DROP TRIGGER audit_log_no_update")
                .unwrap(),
            Backend::Postgres => db
                .store
                .conn()
                .batch("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
                .unwrap(),
        }
        db.store
            .conn()
            .execute("UPDATE audit_log SET new_value = 'x' WHERE seq = 3", &[])
            .unwrap();
        assert_eq!(
            db.store.verify_audit().unwrap(),
            Err(ChainBreak::HashMismatch { seq: 3 }),
            "{}",
            db.name
        );
    });
}

fn refused_row(r: Result<impl std::fmt::Debug, StoreError>) -> RoundError {
    match r {
        Err(StoreError::Rejected(list)) => match &list[0].kind {
            RejectionKind::Procedure { error, .. } => error.clone(),
            other => panic!("{other:?}"),
        },
        other => panic!("expected a rejected row, got {other:?}"),
    }
}

#[test]
fn two_officers_on_one_household_the_second_is_told() {
    on_both("round_conflict", |db| {
        let a = Actor::new("Cán bộ A", Role::CommuneOfficer, "10.0.0.1");
        let b = Actor::new("Cán bộ B", Role::CommuneOfficer, "10.0.0.2");
        let classifier = classifier_2022();
        let round = round_of_2024(db, &a, &[("XH-001", Class::Poor)]);
        // Both read the household's case at the same version.
        let seen = db.store.round_cases(round).unwrap()[0].version;
        let mut other_desk = db.second();
        let mut b_input = survey(2, "XH-001", 1_000_000, 0b111);
        b_input.expected_version = Some(seen);
        other_desk
            .record_survey(&b, round, &classifier, date("2024-10-01"), &[b_input])
            .unwrap();
        let mut a_input = survey(2, "XH-001", 2_500_000, 0);
        a_input.expected_version = Some(seen);
        let err = db
            .store
            .record_survey(&a, round, &classifier, date("2024-10-01"), &[a_input])
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
        // B's survey stands, nothing of A's was written.
        let case = &db.store.round_cases(round).unwrap()[0];
        assert_eq!(
            (case.state, case.computed_class),
            (CaseState::Surveyed, Some(Class::Poor)),
            "{}",
            db.name
        );
        // Units, households, last year's reviews, the opening and B's survey; nothing of A's.
        assert_eq!(db.store.verify_audit().unwrap(), Ok(5));
    });
}

#[test]
fn quick_screening_and_the_provinces_reports_to_the_ministry() {
    on_both("round_screen", |db| {
        let officer = Actor::new("Phạm Thị Lan", Role::CommuneOfficer, "cli");
        let round = round_of_2024(
            db,
            &officer,
            &[("XH-001", Class::Poor), ("XH-002", Class::NearPoor)],
        );
        let err = db
            .store
            .record_screening(
                &officer,
                round,
                date("2024-09-10"),
                &[(2, hh("XH-002")), (3, hh("HD-001"))],
            )
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::Rejected(l) if l.len() == 1 && l[0].row == 3),
            "{err:?}"
        );
        assert_eq!(
            db.store
                .record_screening(&officer, round, date("2024-09-10"), &[(2, hh("XH-002"))])
                .unwrap(),
            1
        );
        let cases = db.store.round_cases(round).unwrap();
        let screened = cases.iter().find(|c| c.household_code == "XH-002").unwrap();
        assert_eq!(
            (screened.state, screened.computed_class),
            (CaseState::Surveyed, Some(Class::NotPoor)),
            "{}",
            db.name
        );
        assert!(screened.reason.as_deref().unwrap().contains("Phiếu A"));

        // The province (Thanh Hóa) owes the ministry its preliminary (before 15/11) and official (20/12) results.
        let commune = db.store.round(round).unwrap().commune_id;
        let province = crate::harness::parent(&mut db.store, commune, "2024-12-01");
        let province = db
            .store
            .parent_at(province.id, date("2024-12-01"))
            .unwrap()
            .unwrap_or(province);
        let provincial = |db: &mut TestDb| -> Vec<ReportKind> {
            db.store
                .late_communes(province.id, 2024, date("2024-12-21"))
                .unwrap()
                .into_iter()
                .filter(|l| l.commune_code == province.code)
                .map(|l| l.kind)
                .collect()
        };
        assert_eq!(
            provincial(db),
            [ReportKind::Preliminary, ReportKind::Official],
            "{}",
            db.name
        );
        let staff = Actor::new("Sở Nội vụ", Role::ProvinceStaff, "cli");
        db.store
            .submit_province_report(&staff, province.id, 2024, true, date("2024-11-14"))
            .unwrap();
        assert_eq!(provincial(db), [ReportKind::Official]);
    });
}

/// A complaint upheld during the posting sends its household back to the survey, and only that household;
/// the round cannot be decided until it has been surveyed, met on and posted again.
#[test]
fn an_upheld_complaint_sends_the_household_back_to_the_survey() {
    on_both("upheld", |db| {
        let officer = Actor::new("Phạm Thị Lan", Role::CommuneOfficer, "cli");
        let reviewer = Actor::new("Đỗ Văn Minh", Role::VillageReviewer, "cli");
        let classifier = classifier_2022();
        let round = round_of_2024(
            db,
            &officer,
            &[("XH-001", Class::Poor), ("XH-002", Class::NearPoor)],
        );
        survey_both(db, &reviewer, round, &classifier);
        db.store
            .record_meeting(
                &officer,
                round,
                &meeting("2024-10-20", 30, &[("XH-001", 20, 5), ("XH-002", 20, 3)]),
            )
            .unwrap();
        db.store
            .post_results(&officer, round, date("2024-11-14"), "Nhà văn hóa thôn 1")
            .unwrap();
        let complaint = db
            .store
            .add_complaint(
                &reviewer,
                round,
                &khai_complains("XH-002", "Hộ XH-002 đã có việc làm ổn định"),
            )
            .unwrap();
        db.store
            .answer_complaint(
                &officer,
                complaint,
                "Rà soát lại hộ XH-002",
                date("2024-11-18"),
                ComplaintOutcome::Upheld,
            )
            .unwrap();
        assert_eq!(
            states(db, round),
            [
                ("XH-001".to_owned(), CaseState::Posted),
                ("XH-002".to_owned(), CaseState::Resurvey)
            ],
            "{}",
            db.name
        );
        assert!(matches!(
            refused(db.store.decide_round(
                &officer,
                round,
                date("2024-11-20"),
                "126/QĐ-UBND",
                "Nguyễn Văn Chủ"
            )),
            RoundError::Unfinished { .. }
        ));
    });
}

/// A household registered after the round opened (imported since, then put on the round by its request) is
/// listed with its head, as the posted list and the decision's lists need it.
#[test]
fn a_household_registered_after_the_opening_is_listed_with_its_head() {
    on_both("round_late_head", |db| {
        let officer = Actor::new("Phạm Thị Lan", Role::CommuneOfficer, "cli");
        let round = round_of_2024(db, &officer, &[("XH-001", Class::Poor)]);
        let late = crate::households::household(
            "XH-009",
            "15493",
            "Thôn 1",
            vec![crate::households::member(
                "Lò Văn Páo",
                giamngheo_core::registry::Relation::Head,
                "1979-03-12",
                None,
            )],
        );
        db.store
            .import_households(
                &giamngheo_store::audit::Actor::system(),
                &[(2, late)],
                date("2024-10-01"),
                &mut |_| {},
            )
            .unwrap();
        db.store
            .add_request(
                &officer,
                round,
                "XH-009",
                CaseSource::Request,
                date("2024-10-02"),
            )
            .unwrap();
        let heads: Vec<(String, Option<String>)> = db
            .store
            .round_cases(round)
            .unwrap()
            .into_iter()
            .map(|c| (c.household_code.to_string(), c.head_name))
            .collect();
        for (code, head) in [("XH-001", "Lê Văn Hùng"), ("XH-009", "Lò Văn Páo")] {
            assert!(
                heads.contains(&(code.to_owned(), Some(head.to_owned()))),
                "{code}: {heads:?}"
            );
        }
    });
}

/// A complaint's channel reads back as core's type; a word the store never writes, put there behind its
/// back, is reported as corrupt rather than shown as it is.
#[test]
fn a_complaints_channel_reads_back_typed_and_a_foreign_one_is_corrupt() {
    on_both("complaint_channel", |db| {
        let officer = Actor::new("Phạm Thị Lan", Role::CommuneOfficer, "cli");
        let round = round_of_2024(db, &officer, &[("XH-001", Class::Poor)]);
        let cases = [
            (ComplaintChannel::InPerson, Some("XH-001")),
            (ComplaintChannel::Letter, None),
            (ComplaintChannel::Phone, Some("XH-001")),
            (ComplaintChannel::Web, None),
        ];
        for (channel, household) in cases {
            db.store
                .add_complaint(
                    &officer,
                    round,
                    &NewComplaint {
                        household_code: household.map(hh),
                        received_on: date("2024-10-15"),
                        complainant: "Trần Văn Khải".into(),
                        channel,
                        content: "Hộ vẫn còn khó khăn".into(),
                    },
                )
                .unwrap();
        }
        let read: Vec<_> = db
            .store
            .complaints(round)
            .unwrap()
            .into_iter()
            .map(|k| (k.channel, k.household_code, k.outcome))
            .collect();
        let want: Vec<_> = cases.iter().map(|&(c, h)| (c, h.map(hh), None)).collect();
        assert_eq!(read, want, "{}", db.name);

        for foreign in ["fax", "Web", ""] {
            db.store
                .conn()
                .execute(
                    "UPDATE complaint SET channel = $1 WHERE round_id = $2",
                    &[foreign.into(), round.into()],
                )
                .unwrap();
            assert_eq!(
                db.store.complaints(round).map(|_| ()),
                Err(StoreError::Corrupt {
                    table: "complaint",
                    column: "channel",
                    value: foreign.to_owned(),
                }),
                "{} {foreign:?}",
                db.name
            );
        }
    });
}
