//! The review procedure's rules: every household move allowed or refused, the meeting rule, who may do
//! what, the procedures by date, and the audit chain.

use giamngheo_core::Lang;
use giamngheo_core::audit::{AuditEntry, ChainBreak, GENESIS, verify};
use giamngheo_core::date::Date;
use giamngheo_core::round::{
    Action, CaseEvent, CaseState, Role, RoundError, RoundKind, Step, meeting_agrees, procedure_on,
    procedures,
};

use crate::audit::entry;

#[test]
fn every_case_move_allowed_or_refused() {
    use CaseEvent as E;
    use CaseState as S;
    // The full table: every state × every event; None means refused.
    let allowed: &[(CaseState, CaseEvent, CaseState)] = &[
        (S::Listed, E::Survey, S::Surveyed),
        (S::Resurvey, E::Survey, S::Surveyed),
        (S::Decided, E::Survey, S::Surveyed),
        (S::Surveyed, E::MeetingAgreed, S::Agreed),
        (S::Surveyed, E::MeetingDisagreed, S::Resurvey),
        (S::Agreed, E::Posted, S::Posted),
        (S::Posted, E::ComplaintUpheld, S::Resurvey),
        (S::Posted, E::Decided, S::Decided),
    ];
    let events = [
        E::Survey,
        E::MeetingAgreed,
        E::MeetingDisagreed,
        E::Posted,
        E::Decided,
        E::ComplaintUpheld,
    ];
    let mut refused = 0;
    for from in CaseState::ALL {
        for event in events {
            let want = allowed
                .iter()
                .find(|(f, e, _)| *f == from && *e == event)
                .map(|t| t.2);
            match (from.after(event), want) {
                (Ok(got), Some(want)) => assert_eq!(got, want, "{from:?} {event:?}"),
                (Err(RoundError::BadTransition { from: f, event: e }), None) => {
                    assert_eq!((f, e), (from, event));
                    refused += 1;
                    let vi = RoundError::BadTransition { from, event }.message(Lang::Vi);
                    assert!(vi.contains(from.name(Lang::Vi)), "{vi}");
                }
                (got, want) => panic!("{from:?} {event:?}: got {got:?}, want {want:?}"),
            }
        }
        assert_eq!(CaseState::parse(from.code()), Some(from));
    }
    assert_eq!(refused, 6 * 6 - allowed.len());
    // Surveyed twice in one round is refused, naming the step.
    let twice = CaseState::Surveyed.after(CaseEvent::Survey).unwrap_err();
    assert!(
        twice.message(Lang::En).contains("already surveyed"),
        "{}",
        twice.message(Lang::En)
    );
}

#[test]
fn meeting_rule() {
    // (attendees, for, against, quorum %, result)
    let cases: &[(u32, u32, u32, u32, Result<bool, RoundError>)] = &[
        (40, 20, 20, 50, Ok(true)),
        (40, 19, 0, 50, Ok(false)),
        (41, 21, 0, 50, Ok(true)),
        (41, 20, 21, 50, Ok(false)),
        (10, 10, 0, 50, Ok(true)),
        (1, 1, 0, 50, Ok(true)),
        (
            30,
            20,
            11,
            50,
            Err(RoundError::VotesExceedAttendance {
                attendees: 30,
                votes: 31,
            }),
        ),
        (0, 0, 0, 50, Err(RoundError::NoAttendees)),
        (10, 6, 0, 60, Ok(true)),
        (10, 5, 0, 60, Ok(false)),
    ];
    for &(attendees, yes, no, quorum, ref want) in cases {
        assert_eq!(
            &meeting_agrees(attendees, yes, no, quorum),
            want,
            "{attendees} {yes} {no}"
        );
    }
}

#[test]
fn who_may_do_what() {
    use Action as A;
    let cases: &[(Role, &[Action], &[Action])] = &[
        (
            Role::VillageReviewer,
            &[
                A::Survey,
                A::AddRequest,
                A::RecordComplaint,
                A::ReadHouseholds,
            ],
            &[
                A::Decide,
                A::Reopen,
                A::Post,
                A::ReadAudit,
                A::EditRegistry,
                A::SetTargets,
                A::ReadReports,
                A::ReadFeedback,
            ],
        ),
        (
            Role::CommuneOfficer,
            &[
                A::OpenRound,
                A::Survey,
                A::RecordMeeting,
                A::Post,
                A::Decide,
                A::IssueCertificates,
                A::RecordSupport,
                A::EditRegistry,
                A::SetTargets,
                A::ReadHouseholds,
                A::ReadReports,
                A::ReadFeedback,
            ],
            &[
                A::Reopen,
                A::ReadAudit,
                A::ManageProgrammes,
                A::ManageUnits,
                A::ManageAccounts,
            ],
        ),
        (
            Role::ProvinceStaff,
            &[
                A::Reopen,
                A::ReadAudit,
                A::ManageProgrammes,
                A::SetTargets,
                A::ReadHouseholds,
                A::ReadReports,
                A::ReadFeedback,
            ],
            &[A::Decide, A::Survey, A::EditRegistry, A::ManageUnits],
        ),
        (
            Role::Auditor,
            &[
                A::ReadAudit,
                A::ReadHouseholds,
                A::ReadReports,
                A::ReadFeedback,
            ],
            &[
                A::Survey,
                A::Decide,
                A::Reopen,
                A::RecordSupport,
                A::EditRegistry,
            ],
        ),
        (
            Role::Administrator,
            &[
                A::Reopen,
                A::Decide,
                A::ReadAudit,
                A::EditRegistry,
                A::ManageUnits,
                A::ManageAccounts,
            ],
            &[],
        ),
    ];
    for (role, yes, no) in cases {
        for a in *yes {
            assert!(role.may(*a), "{role:?} should {a:?}");
        }
        for a in *no {
            assert!(!role.may(*a), "{role:?} should not {a:?}");
        }
        assert_eq!(Role::parse(role.code()), Some(*role));
    }
    assert_eq!(Role::parse("commune-officer"), Some(Role::CommuneOfficer));
    assert_eq!(RoundKind::parse("in-year"), Some(RoundKind::InYear));
}

#[test]
fn procedures_by_date() {
    let d = |s: &str| Date::parse(s).unwrap();
    let cases = [
        ("2019-10-01", "tt17-2016", true),
        ("2022-09-01", "qd24-2021", true),
        ("2025-06-30", "qd24-2021", true),
        ("2025-07-01", "qd24-2021-after-2025-reform", false),
        ("2026-11-29", "qd24-2021-after-2025-reform", false),
    ];
    for (day, id, district) in cases {
        let p = procedure_on(d(day)).unwrap_or_else(|| panic!("no procedure on {day}"));
        assert_eq!(p.id, id, "{day}");
        assert_eq!(p.has(Step::DistrictOpinion), district, "{day}");
        assert_eq!(p.steps.first(), Some(&Step::List));
        assert!(p.steps.ends_with(&[Step::Decision, Step::Certificates]));
    }
    assert!(procedure_on(d("2010-01-01")).is_none());
    // Periods follow each other without gaps or overlaps.
    let all = procedures();
    for pair in all.windows(2) {
        let end = d(pair[0].valid_to.as_deref().unwrap());
        assert_eq!(
            end.add_days(1),
            d(&pair[1].valid_from),
            "{} → {}",
            pair[0].id,
            pair[1].id
        );
    }
    let p = procedure_on(d("2026-09-01")).unwrap();
    // Posted on a Thursday for 3 working days: Thu, Fri, Mon.
    assert_eq!(
        p.posting_ends(d("2026-11-26"), p.posting_working_days.value),
        d("2026-11-30")
    );
    assert_eq!(
        p.decision_deadline(RoundKind::Periodic, 2026, d("2026-09-01")),
        d("2026-12-14")
    );
    assert_eq!(
        p.decision_deadline(RoundKind::InYear, 2026, d("2026-03-15")),
        d("2026-03-30")
    );
    assert_eq!(p.monthly_report_deadline(2026, 3), d("2026-04-05"));
    assert_eq!(p.monthly_report_deadline(2026, 12), d("2027-01-05"));
    assert!(
        !p.posting_working_days.verified,
        "the posting period is not verified"
    );
}

#[test]
fn audit_chain_detects_tampering() {
    let mut entries: Vec<AuditEntry> = (1..=5).map(|i| entry(i, "surveyed")).collect();
    let mut hashes = Vec::new();
    let mut prev = GENESIS.to_owned();
    for e in &entries {
        prev = e.hash(&prev);
        hashes.push(prev.clone());
    }
    let check = |entries: &[AuditEntry], hashes: &[String]| {
        verify(
            GENESIS,
            entries.iter().zip(hashes.iter().map(String::as_str)),
        )
    };
    assert_eq!(check(&entries, &hashes), Ok(5));
    // None and an empty value hash differently.
    let mut empty = entry(1, "");
    assert_ne!(empty.hash(GENESIS), {
        empty.new_value = None;
        empty.hash(GENESIS)
    });
    // (what is done to the log, where verification fails)
    type Tamper = fn(&mut Vec<AuditEntry>, &mut Vec<String>);
    let cases: &[(&str, Tamper, ChainBreak)] = &[
        (
            "value altered",
            |e, _| e[2].new_value = Some("decided".into()),
            ChainBreak::HashMismatch { seq: 3 },
        ),
        (
            "actor altered",
            |e, _| e[0].actor = "Trần Thị Bình".into(),
            ChainBreak::HashMismatch { seq: 1 },
        ),
        (
            "row removed",
            |e, h| {
                e.remove(1);
                h.remove(1);
            },
            ChainBreak::Gap { after: 1, found: 3 },
        ),
        (
            "first row removed",
            |e, h| {
                e.remove(0);
                h.remove(0);
            },
            ChainBreak::Gap { after: 0, found: 2 },
        ),
        (
            "row altered and rehashed alone",
            |e, h| {
                e[3].reason = Some("x".into());
                h[3] = e[3].hash(&h[2]);
            },
            ChainBreak::HashMismatch { seq: 5 },
        ),
    ];
    for (what, tamper, want) in cases {
        let (mut e, mut h) = (entries.clone(), hashes.clone());
        tamper(&mut e, &mut h);
        assert_eq!(check(&e, &h), Err(want.clone()), "{what}");
    }
    entries.truncate(0);
    assert_eq!(check(&entries, &[]), Ok(0));
}

#[test]
fn a_rounds_status_reads_back_from_its_code() {
    use giamngheo_core::Lang;
    use giamngheo_core::round::RoundStatus;
    let cases = [
        (RoundStatus::Open, "open", "đang rà soát"),
        (RoundStatus::Posted, "posted", "đang niêm yết"),
        (RoundStatus::Decided, "decided", "đã có quyết định (khóa)"),
    ];
    for (status, code, vi) in cases {
        assert_eq!(status.code(), code);
        assert_eq!(RoundStatus::parse(code), Some(status));
        assert_eq!(status.name(Lang::Vi), vi);
    }
    assert_eq!(RoundStatus::parse("closed"), None);
}

#[test]
fn complaint_codes_read_back_and_have_a_name_in_each_language() {
    use giamngheo_core::Lang;
    use giamngheo_core::complaint::{ComplaintChannel, ComplaintOutcome, FeedbackKind};
    // (code, parsed back, Vietnamese, English) for every variant of each enum.
    let channels = [
        (
            ComplaintChannel::InPerson,
            "in_person",
            "trực tiếp",
            "in person",
        ),
        (ComplaintChannel::Letter, "letter", "đơn, thư", "letter"),
        (ComplaintChannel::Phone, "phone", "điện thoại", "phone"),
        (
            ComplaintChannel::Web,
            "web",
            "trang công khai",
            "public page",
        ),
    ];
    for (c, code, vi, en) in channels {
        assert_eq!(c.code(), code);
        assert_eq!(ComplaintChannel::parse(code), Some(c));
        assert_eq!((c.name(Lang::Vi), c.name(Lang::En)), (vi, en));
    }
    assert_eq!(channels.len(), ComplaintChannel::ALL.len());
    let outcomes = [
        (ComplaintOutcome::Upheld, "upheld", "chấp nhận", "upheld"),
        (
            ComplaintOutcome::Rejected,
            "rejected",
            "không chấp nhận",
            "rejected",
        ),
        (
            ComplaintOutcome::Withdrawn,
            "withdrawn",
            "rút lại",
            "withdrawn",
        ),
    ];
    for (o, code, vi, en) in outcomes {
        assert_eq!(o.code(), code);
        assert_eq!(ComplaintOutcome::parse(code), Some(o));
        assert_eq!((o.name(Lang::Vi), o.name(Lang::En)), (vi, en));
    }
    assert_eq!(outcomes.len(), ComplaintOutcome::ALL.len());
    let kinds = [
        (FeedbackKind::Feedback, "feedback", "góp ý", "feedback"),
        (
            FeedbackKind::Complaint,
            "complaint",
            "khiếu nại",
            "complaint",
        ),
    ];
    for (k, code, vi, en) in kinds {
        assert_eq!(k.code(), code);
        assert_eq!(FeedbackKind::parse(code), Some(k));
        assert_eq!((k.name(Lang::Vi), k.name(Lang::En)), (vi, en));
    }
    assert_eq!(kinds.len(), FeedbackKind::ALL.len());
    // Codes are exact: no trimming, no case folding, no names.
    for bad in ["", "Web", " web", "email", "trực tiếp"] {
        assert_eq!(ComplaintChannel::parse(bad), None, "{bad:?}");
    }
    for bad in ["", "Upheld", "accepted", "chấp nhận"] {
        assert_eq!(ComplaintOutcome::parse(bad), None, "{bad:?}");
    }
    for bad in ["", "Complaint", "question"] {
        assert_eq!(FeedbackKind::parse(bad), None, "{bad:?}");
    }
}
