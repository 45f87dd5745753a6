//! What lists show inside an account's units, chosen in SQL through `account_scope`: the rounds list.

use giamngheo_store::Store;
use giamngheo_store::accounts::Role;

use crate::harness::{App, PASSWORD, app};
use crate::run;

/// A link to round `id` on the rounds list (the exact cell, so round 1 is not found inside round 12).
fn round_link(id: i64) -> String {
    format!("<a href=\"/rounds/{id}\">{id}</a>")
}

/// Adds an account bound to a unit (by code) straight in the store, with the harness's password.
fn add_account(app: &App, name: &str, role: Role, unit_code: &str) {
    let mut s = Store::open(&app.path.display().to_string()).unwrap();
    let today = giamngheo_web::today();
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
        assert!(r.body.contains(&round_link(app.round_out)), "{}", r.body);
        assert!(!r.body.contains(&round_link(app.round_in)), "{}", r.body);
    });
}
