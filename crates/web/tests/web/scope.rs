//! What lists show inside an account's units, chosen in SQL through `account_scope`: the rounds list and the
//! audit log viewer.

use giamngheo_store::accounts::Role;

use crate::harness::{App, PASSWORD, app};
use crate::run;

/// A link to round `id` on the rounds list (the exact cell, so round 1 is not found inside round 12).
fn round_link(id: i64) -> String {
    format!("<a href=\"/rounds/{id}\">{id}</a>")
}

/// An audit row's target cell.
/// An audit entry's target as the viewer shows it: the entity in words (Vietnamese, the default), then its id.
fn target(entity: &str, id: &str) -> String {
    let word =
        giamngheo_core::audit::entity_name(entity, giamngheo_core::Lang::Vi).unwrap_or(entity);
    format!("<td>{word} {id}</td>")
}

/// Adds an account bound to a unit (by code) straight in the store, with the harness's password.
fn add_account(app: &App, name: &str, role: Role, unit_code: &str) {
    let today = giamngheo_web::today();
    app.with_store(|s| {
        let unit = [
            giamngheo_core::ids::UnitLevel::Province,
            giamngheo_core::ids::UnitLevel::Commune,
        ]
        .into_iter()
        .flat_map(|l| s.find_units(l, unit_code, today).unwrap())
        .find(|u| u.code == unit_code)
        .unwrap();
        let by = giamngheo_store::audit::Actor::new("test", Role::Administrator, "cli");
        s.add_account(
            &by,
            name,
            role,
            Some(unit.id),
            &giamngheo_web::auth::hash_password(PASSWORD),
        )
        .unwrap();
    });
}

#[test]
fn the_rounds_list_holds_the_rounds_of_the_accounts_units_only() {
    let app = app();
    run(async {
        for (who, sees_in, sees_out) in [
            ("admin", true, true),
            ("tinh", true, false),
            ("xa", true, false),
            // A village reviewer works in the round of their village's commune.
            ("thon", true, false),
            ("kiemtoan", true, false),
        ] {
            let c = app.login(who).await;
            let r = app.get("/rounds", Some(&c)).await;
            assert_eq!(r.status.as_u16(), 200, "{who}");
            assert_eq!(
                r.body.contains(&round_link(app.round_in)),
                sees_in,
                "{who} and round {}: {}",
                app.round_in,
                r.body
            );
            assert_eq!(
                r.body.contains(&round_link(app.round_out)),
                sees_out,
                "{who} and round {}: {}",
                app.round_out,
                r.body
            );
        }
        // An account of another commune sees that commune's round and not the first.
        add_account(&app, "xa-khac", Role::CommuneOfficer, &app.commune_out);
        let c = app.login("xa-khac").await;
        let r = app.get("/rounds", Some(&c)).await;
        r.assert_says(&round_link(app.round_out));
        assert!(!r.body.contains(&round_link(app.round_in)), "{}", r.body);
    });
}

#[test]
fn an_auditor_of_one_province_does_not_see_anothers_audit_entries() {
    let app = app();
    run(async {
        // Entries about households and rounds on both sides: the administrator reads them all.
        let admin = app.login("admin").await;
        for uri in [
            format!("/households/{}", app.hh_in),
            format!("/households/{}", app.hh_out),
            format!("/rounds/{}", app.round_in),
            format!("/rounds/{}", app.round_out),
        ] {
            assert_eq!(app.get(&uri, Some(&admin)).await.status.as_u16(), 200);
        }
        let inside = [
            target("household", &app.hh_in),
            target("review_round", &app.round_in.to_string()),
        ];
        let outside = [
            target("household", &app.hh_out),
            target("review_round", &app.round_out.to_string()),
        ];
        let all = app.get("/audit?lang=vi", Some(&admin)).await;
        for t in inside.iter().chain(&outside) {
            assert!(all.body.contains(t.as_str()), "admin misses {t}");
        }
        // Entries without a unit (the accounts) and the security log: administrators only.
        all.assert_says("<td>tài khoản kiemtoan</td>");
        assert!(!all.body.contains("scope-note"));
        assert!(all.body.contains("class=\"security\""));

        add_account(&app, "kiemtoan-tinh", Role::Auditor, &app.province);
        for who in ["kiemtoan-tinh", "tinh"] {
            let c = app.login(who).await;
            let r = app.get("/audit?lang=vi", Some(&c)).await;
            assert_eq!(r.status.as_u16(), 200, "{who}");
            for t in &inside {
                assert!(r.body.contains(t.as_str()), "{who} misses {t}: {}", r.body);
            }
            for t in &outside {
                assert!(!r.body.contains(t.as_str()), "{who} sees {t}: {}", r.body);
            }
            assert!(!r.body.contains("<td>tài khoản "), "{who}: {}", r.body);
            assert!(!r.body.contains("class=\"security\""), "{who}");
            assert!(
                r.body.contains("chỉ quản trị viên xem được"),
                "{who}: the note on entries without a unit"
            );
        }
        // The other province's auditor sees the other side only.
        let other_province = app.with_store(|s| {
            let today = giamngheo_web::today();
            let mut u = s
                .find_units(
                    giamngheo_core::ids::UnitLevel::Commune,
                    &app.commune_out,
                    today,
                )
                .unwrap()
                .remove(0);
            while let Some(p) = s.parent_at(u.id, today).unwrap() {
                u = p;
            }
            u.code
        });
        add_account(
            &app,
            "kiemtoan-khac",
            Role::Auditor,
            other_province.as_str(),
        );
        let c = app.login("kiemtoan-khac").await;
        let r = app.get("/audit?lang=vi", Some(&c)).await;
        for t in &outside {
            assert!(r.body.contains(t.as_str()), "misses {t}: {}", r.body);
        }
        for t in &inside {
            assert!(!r.body.contains(t.as_str()), "sees {t}: {}", r.body);
        }
        assert!(r.body.contains("chỉ quản trị viên xem được"));
    });
}
