//! The web app's tables and reads, on both backends: accounts, scopes, search inside a scope, the access log,
//! feedback.

use giamngheo_store::StoreError;
use giamngheo_store::accounts::Role;

use crate::harness::{date, demo_district, on_both, seed_registry};

#[test]
fn accounts_scopes_and_search_within_them() {
    on_both("web_scope", |db| {
        let s = &mut db.store;
        seed_registry(s);
        let on = date("2019-10-02");
        let all = s.search_members(None, "", 10).unwrap();
        assert!(all.is_empty(), "{}: an empty query finds nothing", db.name);
        // Folded search from the start of the name or of any later word: no accents, no case, đ as d.
        for (q, expect) in [
            ("le van", "Lê Văn Hùng"),
            ("TRINH VAN D", "Trịnh Văn Đức"),
            ("Hồ Thị", "Hồ Thị Sen"),
            ("sen", "Hồ Thị Sen"),
            ("van hung", "Lê Văn Hùng"),
            ("Văn Đ", "Trịnh Văn Đức"),
        ] {
            let f = s.search_members(None, q, 10).unwrap();
            assert!(
                f.iter().any(|f| f.name == expect),
                "{}: {q} → {f:?}",
                db.name
            );
        }
        // Inside a word is not a match; a name found from its start is not found twice.
        for (q, found) in [("an hung", 0), ("thi s", 1), ("le van hung", 1), ("en", 0)] {
            assert_eq!(
                s.search_members(None, q, 10).unwrap().len(),
                found,
                "{}: {q}",
                db.name
            );
        }
        let f = s.search_members(None, "038075000111", 10).unwrap();
        assert_eq!(f.len(), 1, "{}", db.name);
        let home = s.whereabouts(f[0].code.as_str()).unwrap().unwrap();
        let commune = s.unit(home.commune_id).unwrap().unwrap();
        let other = s
            .units_at_level(giamngheo_core::ids::UnitLevel::Commune, on)
            .unwrap()
            .into_iter()
            .find(|u| u.id != commune.id)
            .unwrap();
        let by = giamngheo_store::audit::Actor::new("quản trị", Role::Administrator, "cli");
        let inside = s
            .add_account(
                &by,
                "Cán bộ xã",
                Role::CommuneOfficer,
                Some(commune.id),
                "h",
            )
            .unwrap();
        let outside = s
            .add_account(&by, "khác", Role::CommuneOfficer, Some(other.id), "h")
            .unwrap();
        assert!(matches!(
            s.add_account(&by, "Cán bộ xã", Role::Auditor, None, "h"),
            Err(StoreError::NameTaken { .. })
        ));
        let scope = s.refresh_scope(inside, on).unwrap();
        assert!(scope.contains(&commune.id), "{}", db.name);
        assert!(
            scope.contains(&home.village_id.unwrap()),
            "{}: villages under the commune",
            db.name
        );
        s.refresh_scope(outside, on).unwrap();
        assert_eq!(
            s.search_members(Some(inside), "le van", 10).unwrap().len(),
            2,
            "{}",
            db.name
        );
        assert!(
            s.search_members(Some(outside), "le van", 10)
                .unwrap()
                .is_empty(),
            "{}",
            db.name
        );
        // A village reviewer's scope holds villages alone: searched village by village.
        let village = home.village_id.unwrap();
        let reviewer = s
            .add_account(
                &by,
                "trưởng thôn",
                Role::VillageReviewer,
                Some(village),
                "h",
            )
            .unwrap();
        s.refresh_scope(reviewer, on).unwrap();
        for (q, found) in [("le van", 2), ("trinh van duc", 0), ("nguyen thi mai", 1)] {
            assert_eq!(
                s.search_members(Some(reviewer), q, 10).unwrap().len(),
                found,
                "{}: {q} in the reviewer's village",
                db.name
            );
        }
        assert_eq!(
            s.search_members(Some(inside), "trinh van duc", 10)
                .unwrap()
                .len(),
            1,
            "{}: the commune officer finds the other village's household",
            db.name
        );
        assert!(
            s.list_households(Some(outside), "", 10).unwrap().is_empty(),
            "{}",
            db.name
        );
        assert_eq!(
            s.list_households(Some(inside), "", 10).unwrap().len(),
            2,
            "{}",
            db.name
        );
        let a = s.account_by_name("Cán bộ xã").unwrap().unwrap();
        // Account creation is in the audit log, whose chain holds.
        let log = s.audit_entries(1, 10, Some(("account", "khác"))).unwrap();
        assert_eq!(log.len(), 1, "{}", db.name);
        // The unit lists, the households and the three accounts.
        assert_eq!(s.verify_audit().unwrap(), Ok(5));
        assert_eq!(
            (a.role, a.unit_id),
            (Role::CommuneOfficer, Some(commune.id))
        );
        s.log_access(Some(inside), "read", "household XH-001", "")
            .unwrap();
        s.log_access(None, "login_failed", "login", "x").unwrap();
        let log = s.access_log(10).unwrap();
        assert_eq!(log[0].action, "login_failed");
        assert_eq!(log[1].account.as_deref(), Some("Cán bộ xã"));
        s.add_public_post(
            &giamngheo_store::public_feedback::PublicPost {
                commune_id: commune.id,
                nonce: "n-1",
                address: "a-1",
                now: 1_700_000_000,
                received_on: giamngheo_core::date::Date::new(2026, 11, 1).unwrap(),
                complaint: None,
                name: "Bà Hoa",
                contact: "",
                message: "Nhà tôi bị xếp sai",
                origin: "test",
            },
            giamngheo_store::public_feedback::PublicLimits::default(),
        )
        .unwrap();
        let fb = s.feedback_of(commune.id).unwrap();
        assert_eq!(
            (fb.len(), fb[0].kind),
            (1, giamngheo_core::complaint::FeedbackKind::Feedback),
            "{}",
            db.name
        );
        feedback_answered_inside_the_scope_only(db.name, s, fb[0].id, inside, outside, on);
    });
}

#[test]
fn child_rates_in_one_pass_equal_rates_of_each_child() {
    on_both("web_child_rates", |db| {
        let s = &mut db.store;
        demo_district(s);
        let on = date("2026-01-01");
        let provinces = s
            .units_at_level(giamngheo_core::ids::UnitLevel::Province, on)
            .unwrap();
        let mut compared = 0;
        for year in [2016, 2023] {
            let review_date = giamngheo_core::date::Date::new(year, 11, 15).unwrap();
            for p in &provinces {
                let fast = s.child_rates(p.id, on, year, review_date).unwrap();
                for c in s.children_at(p.id, on).unwrap() {
                    let slow = s.rates(c.id, on, &[(year, review_date)]).unwrap().remove(0);
                    let got = fast
                        .iter()
                        .find(|(id, _)| *id == c.id)
                        .map(|(_, r)| r.clone());
                    if slow.standard_id.is_none() {
                        assert!(got.is_none(), "{}: {}", db.name, c.code);
                        continue;
                    }
                    // The dashboard's one pass gives the totals; the urban, rural and ethnic-minority
                    // breakdowns are `rates`' own.
                    let totals = |r: &giamngheo_store::rates::YearRate| {
                        (
                            r.year,
                            r.standard_id.clone(),
                            r.households,
                            r.poor,
                            r.near_poor,
                        )
                    };
                    assert_eq!(
                        got.as_ref().map(totals),
                        Some(totals(&slow)),
                        "{}: {} {year}",
                        db.name,
                        c.code
                    );
                    // And one level down: the villages of a commune.
                    let villages = s.child_rates(c.id, on, year, review_date).unwrap();
                    for (v, r) in villages.iter().take(3) {
                        assert_eq!(
                            totals(&s.rates(*v, on, &[(year, review_date)]).unwrap()[0]),
                            totals(r),
                            "{}",
                            db.name
                        );
                    }
                    compared += 1;
                }
            }
        }
        assert!(compared > 2, "{}: {compared}", db.name);
    });
}

/// Rounds and audit entries read inside an account's units, filtered in SQL through `account_scope`.
#[test]
fn rounds_and_audit_entries_within_an_accounts_units() {
    use giamngheo_core::Class;
    use giamngheo_core::round::RoundKind;
    use giamngheo_store::audit::{Actor, Change};
    use giamngheo_store::rounds::NewRound;

    use crate::rounds::decided_2023;

    on_both("web_scope_lists", |db| {
        let s = &mut db.store;
        seed_registry(s);
        let on = date("2024-09-03");
        let a = s.whereabouts("XH-001").unwrap().unwrap();
        let b = s.whereabouts("HD-001").unwrap().unwrap();
        let province_of = |s: &mut giamngheo_store::Store, unit: i64| {
            let mut u = s.unit(unit).unwrap().unwrap();
            while let Some(p) = s.parent_at(u.id, on).unwrap() {
                u = p;
            }
            u.id
        };
        let (pa, pb) = (province_of(s, a.commune_id), province_of(s, b.commune_id));
        assert_ne!(
            pa, pb,
            "{}: the sample's households lie in two provinces",
            db.name
        );
        let by = Actor::new("quản trị", Role::Administrator, "cli");
        let inside = s
            .add_account(&by, "kiểm toán A", Role::Auditor, Some(pa), "h")
            .unwrap();
        let outside = s
            .add_account(&by, "kiểm toán B", Role::Auditor, Some(pb), "h")
            .unwrap();
        let village = s
            .add_account(&by, "thôn A", Role::VillageReviewer, a.village_id, "h")
            .unwrap();
        for id in [inside, outside, village] {
            s.refresh_scope(id, on).unwrap();
        }
        let officer = Actor::new("Phạm Thị Lan", Role::CommuneOfficer, "cli");
        let mut open = |commune_id| {
            s.open_round(
                &officer,
                &NewRound {
                    commune_id,
                    kind: RoundKind::Periodic,
                    year: 2024,
                    month: None,
                    opened_on: on,
                    standard_id: "vn-2022-2025".into(),
                },
            )
            .unwrap()
        };
        let (round_a, round_b) = (open(a.commune_id), open(b.commune_id));

        let ids = |v: Vec<giamngheo_store::rounds::RoundView>| -> Vec<i64> {
            v.into_iter().map(|r| r.id).collect()
        };
        let mut all = ids(s.rounds_in_scope(None, on).unwrap());
        all.sort();
        assert_eq!(all, vec![round_a, round_b], "{}", db.name);
        assert_eq!(
            ids(s.rounds_in_scope(Some(inside), on).unwrap()),
            vec![round_a],
            "{}",
            db.name
        );
        assert_eq!(
            ids(s.rounds_in_scope(Some(outside), on).unwrap()),
            vec![round_b],
            "{}",
            db.name
        );
        // A village reviewer works in the round of the commune their village lies in.
        assert_eq!(
            ids(s.rounds_in_scope(Some(village), on).unwrap()),
            vec![round_a],
            "{}",
            db.name
        );

        // Reviews in one province (a range), and a range across both: the latter names no single unit.
        let h1 = s.household_history("XH-001").unwrap().id;
        let h3 = s.household_history("HD-001").unwrap().id;
        let first_a = s
            .insert_reviews(
                &giamngheo_store::audit::Actor::system(),
                &[decided_2023(h1, a.commune_id, Class::Poor)],
            )
            .unwrap();
        let first_mixed = s
            .insert_reviews(
                &giamngheo_store::audit::Actor::system(),
                &[
                    decided_2023(h1, a.commune_id, Class::Poor),
                    decided_2023(h3, b.commune_id, Class::Poor),
                ],
            )
            .unwrap();
        let web = Actor::new("kiểm toán A", Role::Auditor, "web");
        for (entity, id) in [("household", "XH-001"), ("household", "HD-001")] {
            s.record(
                &web,
                Change {
                    action: "read",
                    entity,
                    entity_id: id.to_owned(),
                    old_value: None,
                    new_value: None,
                    reason: None,
                },
            )
            .unwrap();
        }
        let targets = |s: &mut giamngheo_store::Store, scope| -> Vec<String> {
            s.audit_entries_in_scope(scope, 1000)
                .unwrap()
                .into_iter()
                .map(|(e, _)| format!("{} {}", e.entity, e.entity_id))
                .collect()
        };
        let everything = targets(s, None);
        let seen_a = targets(s, Some(inside));
        let seen_b = targets(s, Some(outside));
        let range_a = format!("review {first_a}..{}", first_a + 1);
        let range_mixed = format!("review {first_mixed}..{}", first_mixed + 2);
        let round = |id: i64| format!("review_round {id}");
        for t in [&range_a, &range_mixed, &round(round_a), &round(round_b)] {
            assert!(everything.contains(t), "{}: {t} in {everything:?}", db.name);
        }
        assert!(everything.iter().any(|t| t.starts_with("account ")));
        for t in [&range_a, &round(round_a), &"household XH-001".to_owned()] {
            assert!(seen_a.contains(t), "{}: A misses {t}: {seen_a:?}", db.name);
            assert!(!seen_b.contains(t), "{}: B sees {t}: {seen_b:?}", db.name);
        }
        for t in [&round(round_b), &"household HD-001".to_owned()] {
            assert!(seen_b.contains(t), "{}: B misses {t}: {seen_b:?}", db.name);
            assert!(!seen_a.contains(t), "{}: A sees {t}: {seen_a:?}", db.name);
        }
        for seen in [&seen_a, &seen_b] {
            assert!(!seen.contains(&range_mixed), "{}: {seen:?}", db.name);
            assert!(
                !seen
                    .iter()
                    .any(|t| t.starts_with("account ") || t.ends_with(" *")),
                "{}: entries without a unit are for administrators: {seen:?}",
                db.name
            );
        }
        // Newest first, and the chain is untouched by reading.
        assert!(everything.len() > seen_a.len() + seen_b.len());
        assert!(s.verify_audit().unwrap().is_ok());
    });
}

/// Web sessions (migration 0007): created, resumed while not idle, their form tokens used once, ended.
#[test]
fn sessions_and_their_form_tokens() {
    on_both("web_sessions", |db| {
        let s = &mut db.store;
        let by = giamngheo_store::audit::Actor::new("quản trị", Role::Administrator, "cli");
        let a = s
            .add_account(&by, "xa", Role::CommuneOfficer, None, "h")
            .unwrap();
        let (now, idle) = (1_800_000_000, 8 * 3600);
        s.create_session("h1", a, "csrf-1", now, idle).unwrap();
        s.create_session("h2", a, "csrf-2", now, idle).unwrap();
        let got = s.resume_session("h1", now + 10, idle).unwrap().unwrap();
        assert_eq!(
            (
                got.account_id,
                got.csrf_token.as_str(),
                got.created_at,
                got.last_seen
            ),
            (a, "csrf-1", now, now),
            "{}",
            db.name
        );
        assert!(s.resume_session("nope", now, idle).unwrap().is_none());
        // A form token: once per session; a gone session uses none.
        assert!(
            s.use_form_token("h1", "n1", now + 20).unwrap(),
            "{}",
            db.name
        );
        assert!(
            !s.use_form_token("h1", "n1", now + 21).unwrap(),
            "{}",
            db.name
        );
        assert!(
            s.use_form_token("h2", "n1", now + 21).unwrap(),
            "{}",
            db.name
        );
        assert!(!s.use_form_token("nope", "n2", now).unwrap(), "{}", db.name);
        // Seen at now + 10: still alive just under the limit from then, over at it.
        s.touch_session("h1", now + 10).unwrap();
        assert!(
            s.resume_session("h1", now + 10 + idle - 1, idle)
                .unwrap()
                .is_some()
        );
        assert!(
            s.resume_session("h2", now + idle, idle).unwrap().is_none(),
            "{}: idle since {now}",
            db.name
        );
        assert!(
            s.resume_session("h2", now, idle).unwrap().is_none(),
            "deleted"
        );
        s.end_session("h1").unwrap();
        assert!(s.resume_session("h1", now + 11, idle).unwrap().is_none());
        assert!(!s.use_form_token("h1", "n3", now + 12).unwrap());
        // A login sweeps idle sessions away.
        s.create_session("h3", a, "c", now, idle).unwrap();
        s.create_session("h4", a, "c", now + idle, idle).unwrap();
        assert!(
            s.resume_session("h3", now, idle).unwrap().is_none(),
            "{}",
            db.name
        );
    });
}

/// Taking a feedback in hand and answering it: refused to a role without the right and outside the account's
/// units (not found, nothing written), audited in the same transaction, and counted by status in the inbox.
fn feedback_answered_inside_the_scope_only(
    name: &str,
    s: &mut giamngheo_store::Store,
    id: i64,
    inside: i64,
    outside: i64,
    on: giamngheo_core::date::Date,
) {
    use giamngheo_core::feedback::FeedbackStatus as F;
    use giamngheo_store::audit::Actor;
    use giamngheo_store::scope::Scope;
    let officer = |s: &mut giamngheo_store::Store, account: i64, role: Role| {
        let units = s.refresh_scope(account, on).unwrap();
        Actor::new("cán bộ", role, "test").account(account, Scope::units(units))
    };
    let mine = officer(s, inside, Role::CommuneOfficer);
    let stranger = officer(s, outside, Role::CommuneOfficer);
    let reviewer = officer(s, inside, Role::VillageReviewer);
    let chain = s.verify_audit().unwrap().unwrap();
    for (who, answer, refused) in [
        (&stranger, Some("Trả lời"), "not found"),
        (&stranger, None, "not found"),
        (&reviewer, Some("Trả lời"), "not allowed"),
    ] {
        let got = s.update_feedback(who, id, answer);
        let ok = match refused {
            "not found" => matches!(got, Err(StoreError::NotFound { .. })),
            _ => matches!(got, Err(StoreError::Procedure(_))),
        };
        assert!(ok, "{name}: {refused}: {got:?}");
    }
    assert_eq!(
        s.verify_audit().unwrap(),
        Ok(chain),
        "{name}: refusals write nothing"
    );
    let counts = |s: &mut giamngheo_store::Store, account| {
        s.feedback_inbox(Some(account), None, 10).unwrap().counts
    };
    assert_eq!(
        counts(s, inside),
        vec![(F::New, 1), (F::Handling, 0), (F::Answered, 0)]
    );
    let f = s.update_feedback(&mine, id, Some("   ")).unwrap();
    assert_eq!(
        f.status,
        F::Handling,
        "{name}: a blank answer only takes it in hand"
    );
    let f = s
        .update_feedback(&mine, id, Some("  Xa\u{301} đã kiểm tra lại.\n"))
        .unwrap();
    assert_eq!(f.status, F::Answered);
    let stored = &s.feedback_of(f.commune_id).unwrap()[0];
    let answer = stored.answer.as_ref().unwrap();
    assert_eq!(
        (stored.status, answer.text.as_str(), answer.by.as_str()),
        (F::Answered, "Xá đã kiểm tra lại.", "cán bộ"),
        "{name}: trimmed and NFC"
    );
    assert!(
        matches!(
            s.update_feedback(&mine, id, None),
            Err(StoreError::Conflict { .. })
        ),
        "{name}: an answer is not taken back"
    );
    assert_eq!(
        counts(s, inside),
        vec![(F::New, 0), (F::Handling, 0), (F::Answered, 1)]
    );
    assert_eq!(
        counts(s, outside),
        vec![(F::New, 0), (F::Handling, 0), (F::Answered, 0)]
    );
    let inbox = s.feedback_inbox(Some(inside), Some(F::New), 10).unwrap();
    assert!(inbox.items.is_empty(), "{name}: filtered by status");
    assert_eq!(s.verify_audit().unwrap(), Ok(chain + 2), "{name}");
    let log = s
        .audit_entries(1, 10, Some(("feedback", &id.to_string())))
        .unwrap();
    let actions: Vec<_> = log.iter().map(|(e, _)| e.action.as_str()).collect();
    assert_eq!(actions, ["handle_feedback", "answer_feedback"], "{name}");
    // The officer's own units see the entries about the feedback; the other commune's officer does not.
    let seen = |s: &mut giamngheo_store::Store, account| {
        s.audit_entries_in_scope(Some(account), 100)
            .unwrap()
            .iter()
            .filter(|(e, _)| e.entity == "feedback")
            .count()
    };
    assert_eq!((seen(s, inside), seen(s, outside)), (2, 0), "{name}");
}

#[test]
fn audit_viewer_filters_and_pages_by_sequence() {
    use giamngheo_store::audit::{Actor, AuditFilter, Change};
    on_both("audit_viewer", |db| {
        let s = &mut db.store;
        seed_registry(s);
        let on = date("2019-10-02");
        let home = s.whereabouts("XH-001").unwrap().unwrap();
        let commune = home.commune_id;
        let mut province = s.unit(commune).unwrap().unwrap();
        while let Some(p) = s.parent_at(province.id, on).unwrap() {
            province = p;
        }
        let other = s
            .units_at_level(giamngheo_core::ids::UnitLevel::Commune, on)
            .unwrap()
            .into_iter()
            .find(|u| u.id != commune)
            .unwrap();
        for i in 0..25 {
            for (who, action, entity, id) in [
                ("An", "read", "household", "XH-001".to_owned()),
                ("Bình", "set_target", "unit", other.id.to_string()),
            ] {
                s.record(
                    &Actor::new(who, Role::ProvinceStaff, "test"),
                    Change {
                        action,
                        entity,
                        entity_id: id,
                        old_value: None,
                        new_value: Some(i.to_string()),
                        reason: None,
                    },
                )
                .unwrap();
            }
        }
        let page = |s: &mut giamngheo_store::Store, f: &AuditFilter| s.audit_page(f).unwrap();
        let base = AuditFilter {
            limit: 1000,
            ..Default::default()
        };
        let count = |s: &mut giamngheo_store::Store, f: AuditFilter| page(s, &f).entries.len();
        let today = giamngheo_store::today().iso();
        // Each case: its name, the filter's actor, action, unit and UTC bounds, and how many entries it finds.
        // A day is Vietnam's: it begins at 17:00 UTC the day before.
        let day = |d: &str| {
            Some(giamngheo_core::calendar::vietnam_day_starts(
                giamngheo_core::date::Date::parse(d).unwrap(),
            ))
        };
        let none = || [None, None];
        #[rustfmt::skip]
        let cases = [
            ("who", Some("An"), None, None, none(), 25),
            ("what", None, Some("set_target"), None, none(), 25),
            ("who and what", Some("An"), Some("set_target"), None, none(), 0),
            ("commune", Some("An"), None, Some(commune), none(), 25),
            ("province, units under it", Some("An"), None, Some(province.id), none(), 25),
            ("another commune", Some("An"), None, Some(other.id), none(), 0),
            ("its entries", Some("Bình"), None, Some(other.id), none(), 25),
            ("long ago", Some("An"), None, None, [day("2000-01-01"), day("2000-01-02")], 0),
            ("from today", Some("An"), None, None, [day(&today), None], 25),
            ("until today", Some("An"), None, None, [None, day(&today)], 0),
        ];
        for (what, actor, action, unit, [from, until], n) in cases {
            let f = AuditFilter {
                actor: actor.map(Into::into),
                action: action.map(Into::into),
                unit,
                from,
                until,
                ..base.clone()
            };
            let got = page(s, &f);
            assert_eq!(got.entries.len(), n, "{}: {what}", db.name);
            for e in &got.entries {
                if let Some(a) = &f.actor {
                    assert_eq!(&e.actor, a, "{}: {what}", db.name);
                }
                if let Some(a) = &f.action {
                    assert_eq!(&e.action, a, "{}: {what}", db.name);
                }
            }
            assert!(
                got.entries.windows(2).all(|w| w[0].seq > w[1].seq),
                "{}: newest first",
                db.name
            );
        }
        // An account sees only its units, whatever unit it asks for.
        let by = Actor::new(
            "quản trị",
            giamngheo_store::accounts::Role::Administrator,
            "cli",
        );
        let inside = s
            .add_account(&by, "xã", Role::CommuneOfficer, Some(commune), "h")
            .unwrap();
        s.refresh_scope(inside, on).unwrap();
        let scoped = AuditFilter {
            account: Some(inside),
            ..base.clone()
        };
        assert_eq!(
            count(
                s,
                AuditFilter {
                    actor: Some("An".into()),
                    ..scoped.clone()
                }
            ),
            25,
            "{}",
            db.name
        );
        assert_eq!(
            count(
                s,
                AuditFilter {
                    actor: Some("Bình".into()),
                    ..scoped.clone()
                }
            ),
            0,
            "{}",
            db.name
        );
        assert_eq!(
            count(
                s,
                AuditFilter {
                    unit: Some(other.id),
                    ..scoped.clone()
                }
            ),
            0,
            "{}",
            db.name
        );
        // Pages of 10 keyed by sequence: older to the end, then newer back, the same entries.
        let f = AuditFilter {
            actor: Some("An".into()),
            limit: 10,
            ..Default::default()
        };
        let all: Vec<i64> = page(
            s,
            &AuditFilter {
                limit: 100,
                ..f.clone()
            },
        )
        .entries
        .iter()
        .map(|e| e.seq)
        .collect();
        let mut pages = vec![page(s, &f)];
        while let Some(before) = pages.last().unwrap().older {
            pages.push(page(
                s,
                &AuditFilter {
                    before: Some(before),
                    ..f.clone()
                },
            ));
        }
        let sizes: Vec<_> = pages
            .iter()
            .map(|p| (p.entries.len(), p.newer.is_some(), p.older.is_some()))
            .collect();
        assert_eq!(
            sizes,
            [(10, false, true), (10, true, true), (5, true, false)],
            "{}",
            db.name
        );
        let walked: Vec<i64> = pages
            .iter()
            .flat_map(|p| p.entries.iter().map(|e| e.seq))
            .collect();
        assert_eq!(walked, all, "{}", db.name);
        let back = page(
            s,
            &AuditFilter {
                after: pages[2].newer,
                ..f.clone()
            },
        );
        assert_eq!(
            back, pages[1],
            "{}: newer from the last page is the middle one",
            db.name
        );
        let back = page(
            s,
            &AuditFilter {
                after: pages[1].newer,
                ..f.clone()
            },
        );
        assert_eq!(back, pages[0], "{}: and then the first", db.name);
    });
}

#[test]
fn villages_that_share_a_name_after_a_merger_are_told_apart_by_their_former_commune() {
    on_both("village_labels", |db| {
        let s = &mut db.store;
        demo_district(s);
        let mut merged = 0;
        for (on, after_reform) in [(date("2026-01-01"), true), (date("2024-01-01"), false)] {
            for commune in s
                .units_at_level(giamngheo_core::ids::UnitLevel::Commune, on)
                .unwrap()
            {
                let villages = s.villages_labelled(commune.id, on).unwrap();
                let mut labels: Vec<&str> = villages.iter().map(|(_, l)| l.as_str()).collect();
                labels.sort();
                let n = labels.len();
                labels.dedup();
                assert_eq!(
                    labels.len(),
                    n,
                    "{}: {} on {on:?}: {labels:?}",
                    db.name,
                    commune.name
                );
                for (v, label) in &villages {
                    let twins = villages.iter().filter(|(w, _)| w.name == v.name).count();
                    if twins == 1 {
                        assert_eq!(label, &v.name, "{}: a name alone stays plain", db.name);
                    } else {
                        assert!(after_reform, "{}: {label} before the reform", db.name);
                        assert!(
                            label.starts_with(&format!("{} (xã ", v.name))
                                || label.starts_with(&format!("{} (phường ", v.name))
                                || label.starts_with(&format!("{} (thị trấn ", v.name)),
                            "{}: {label}",
                            db.name
                        );
                        merged += 1;
                    }
                }
                let ids: Vec<i64> = villages.iter().map(|(v, _)| v.id).collect();
                let one_by_one = s.village_labels(&ids, on).unwrap();
                for (v, label) in &villages {
                    assert_eq!(one_by_one.get(&v.id), Some(label), "{}", db.name);
                }
            }
        }
        assert!(
            merged > 0,
            "{}: the demo merges communes with villages of one name",
            db.name
        );
    });
}
