//! Every route for every role, in and out of the role's units: one table of expected statuses.
//! Accounts: admin (whole country), tinh (province staff of {province}), xa (commune officer of {commune}),
//! thon (village reviewer of {village}, in {commune}), kiemtoan (auditor of {commune}); "-" is anonymous.

use crate::harness::app;
use crate::run;

const CASES: &[(&str, &str, u16)] = &[
    // Anonymous: pages send to the login form, the API says 401, the public page is open.
    ("-", "/", 303),
    ("-", "/dashboard", 303),
    ("-", "/households?q=nguyen", 303),
    ("-", "/households/{hh_in}", 303),
    ("-", "/api/me", 401),
    ("-", "/api/households/{hh_in}", 401),
    ("-", "/public/{commune}", 200),
    ("-", "/public/{village}", 404),
    ("-", "/login", 200),
    ("-", "/api/openapi.json", 200),
    ("-", "/static/app.css", 200),
    ("-", "/no-such-page", 404),
    // Dashboards: the unit must be inside the account's units.
    ("admin", "/dashboard", 200),
    ("admin", "/dashboard?unit={commune_out}", 200),
    ("tinh", "/dashboard", 200),
    ("tinh", "/dashboard?unit={commune}", 200),
    ("tinh", "/dashboard?unit={commune_out}", 403),
    ("xa", "/dashboard", 200),
    ("xa", "/dashboard?unit={province}", 403),
    ("xa", "/dashboard?unit={commune_out}", 403),
    ("thon", "/dashboard", 200),
    ("thon", "/dashboard?unit={commune}", 403),
    ("kiemtoan", "/dashboard?unit={commune}", 200),
    ("kiemtoan", "/dashboard?unit={commune_out}", 403),
    // Households: personal data; outside the units is 404, as if it did not exist.
    ("admin", "/households?q=nguyen", 200),
    ("admin", "/households/{hh_in}", 200),
    ("admin", "/households/{hh_out}", 200),
    ("tinh", "/households/{hh_in}", 200),
    ("tinh", "/households/{hh_out}", 404),
    ("xa", "/households", 200),
    ("xa", "/households/{hh_in}", 200),
    ("xa", "/households/{hh_other_village}", 200),
    ("xa", "/households/{hh_out}", 404),
    ("thon", "/households?q=nguyen", 200),
    ("thon", "/households/{hh_in}", 200),
    ("thon", "/households/{hh_other_village}", 404),
    ("thon", "/households/{hh_out}", 404),
    ("kiemtoan", "/households/{hh_in}", 200),
    ("kiemtoan", "/households/{hh_out}", 404),
    ("xa", "/households/NO-SUCH-CODE", 404),
    // Units and their lineage are not personal: any account.
    ("thon", "/units/{commune_out}", 200),
    ("xa", "/units/{province}", 200),
    ("xa", "/units/99999", 404),
    // Imports: administrators and commune officers.
    ("admin", "/import", 200),
    ("tinh", "/import", 403),
    ("xa", "/import", 200),
    ("thon", "/import", 403),
    ("xa", "/import/template.xlsx", 200),
    ("tinh", "/import/template.xlsx", 403),
    ("-", "/import/template.xlsx", 303),
    ("kiemtoan", "/import", 403),
    // Reports: not village reviewers; the unit must be inside the account's units.
    ("admin", "/reports", 200),
    ("tinh", "/reports", 200),
    ("xa", "/reports", 200),
    ("thon", "/reports", 403),
    ("kiemtoan", "/reports", 200),
    (
        "admin",
        "/reports/rates.csv?unit={commune_out}&from=2015&to=2020",
        200,
    ),
    (
        "tinh",
        "/reports/rates.csv?unit={commune}&from=2015&to=2020",
        200,
    ),
    (
        "tinh",
        "/reports/rates.xlsx?unit={commune_out}&from=2015&to=2020",
        403,
    ),
    (
        "xa",
        "/reports/rates.xlsx?unit={commune}&from=2015&to=2020",
        200,
    ),
    (
        "xa",
        "/reports/rates.csv?unit={commune_out}&from=2015&to=2020",
        403,
    ),
    ("xa", "/reports/rates.csv?unit={commune}&from=abc", 400),
    (
        "thon",
        "/reports/rates.csv?unit={village}&from=2015&to=2020",
        403,
    ),
    (
        "kiemtoan",
        "/reports/rates.csv?unit={commune}&from=2015&to=2020",
        200,
    ),
    (
        "xa",
        "/reports/rates.pdf?unit={commune}&from=2015&to=2020",
        200,
    ),
    (
        "tinh",
        "/reports/rates.pdf?unit={commune_out}&from=2015&to=2020",
        403,
    ),
    (
        "thon",
        "/reports/rates.pdf?unit={village}&from=2015&to=2020",
        403,
    ),
    ("-", "/reports/rates.pdf?unit={commune}", 303),
    // Looking ahead: the forecast under the next standard and the graduation plan, as the reports.
    ("xa", "/forecast", 200),
    ("xa", "/forecast?unit={commune}", 200),
    (
        "xa",
        "/forecast?unit={commune}&growth=5&standard=vn-2026-2030",
        200,
    ),
    ("xa", "/forecast?unit={commune}&growth=abc", 400),
    ("xa", "/forecast?unit={commune}&standard=vn-2099", 400),
    ("xa", "/forecast?unit={commune_out}", 403),
    ("xa", "/forecast.xlsx?unit={commune}", 200),
    ("tinh", "/forecast?unit={province}", 200),
    ("tinh", "/forecast.xlsx?unit={commune_out}", 403),
    ("thon", "/forecast?unit={village}", 403),
    ("-", "/forecast?unit={commune}", 303),
    ("xa", "/plan", 200),
    (
        "xa",
        "/plan?unit={commune}&budget=500.000.000&target=1,5",
        200,
    ),
    ("xa", "/plan?unit={commune}&budget=nhiều", 400),
    ("xa", "/plan?unit={commune}&target=150", 400),
    ("xa", "/plan?unit={commune_out}", 403),
    ("xa", "/plan.xlsx?unit={commune}", 200),
    ("thon", "/plan?unit={village}", 403),
    ("kiemtoan", "/plan?unit={commune}", 200),
    // The logs: whoever the procedure lets read the audit log (administrators, province staff, auditors).
    ("admin", "/audit", 200),
    ("tinh", "/audit", 200),
    ("xa", "/audit", 403),
    ("thon", "/audit", 403),
    ("kiemtoan", "/audit", 200),
    // Feedback from the public pages: names and contacts of citizens, not for village reviewers.
    ("admin", "/feedback", 200),
    ("tinh", "/feedback", 200),
    ("xa", "/feedback", 200),
    ("thon", "/feedback", 403),
    ("kiemtoan", "/feedback", 200),
    ("-", "/feedback", 303),
    // The API: the same rules.
    ("admin", "/api/me", 200),
    ("xa", "/api/households?q=nguyen", 200),
    ("xa", "/api/households/{hh_in}", 200),
    ("xa", "/api/households/{hh_out}", 404),
    ("thon", "/api/households/{hh_other_village}", 404),
    ("tinh", "/api/households/{hh_out}", 404),
    ("admin", "/api/households/{hh_out}", 200),
    ("xa", "/api/units/{commune}/rates", 200),
    ("xa", "/api/units/{commune_out}/rates", 403),
    ("thon", "/api/units/{commune}/rates", 403),
    ("admin", "/api/units/{commune_out}/rates", 200),
    ("kiemtoan", "/api/units/{commune_out}", 200),
    // Review rounds: the round's commune must be in the account's units (a village reviewer sees their
    // village's households); the survey form needs a role the procedure lets survey.
    ("-", "/rounds", 303),
    ("admin", "/rounds", 200),
    ("xa", "/rounds", 200),
    ("thon", "/rounds", 200),
    ("admin", "/rounds/{round_out}", 200),
    ("tinh", "/rounds/{round_in}", 200),
    ("tinh", "/rounds/{round_out}", 404),
    ("xa", "/rounds/{round_in}", 200),
    ("xa", "/rounds/{round_out}", 404),
    ("xa", "/rounds/999999", 404),
    ("thon", "/rounds/{round_in}", 200),
    ("thon", "/rounds/{round_out}", 404),
    ("kiemtoan", "/rounds/{round_in}", 200),
    ("admin", "/rounds/{round_in}/survey/{hh_in}", 200),
    ("xa", "/rounds/{round_in}/survey/{hh_in}", 200),
    ("xa", "/rounds/{round_in}/survey/{hh_out}", 404),
    ("xa", "/rounds/{round_out}/survey/{hh_out}", 404),
    ("thon", "/rounds/{round_in}/survey/{hh_in}", 200),
    ("thon", "/rounds/{round_in}/survey/{hh_other_village}", 404),
    ("tinh", "/rounds/{round_in}/survey/{hh_in}", 403),
    ("kiemtoan", "/rounds/{round_in}/survey/{hh_in}", 403),
    // The round's forms as PDF: the round must be decided (400 with the reason before), the decision and the
    // certificates cover the commune (403 for a village reviewer); a household's exit request (Mẫu 04) only
    // where it asked to leave the lists. The decided round's downloads are in `forms`.
    ("xa", "/rounds/{round_in}/decision.pdf", 400),
    ("kiemtoan", "/rounds/{round_in}/certificates.pdf", 400),
    ("thon", "/rounds/{round_in}/decision.pdf", 403),
    ("xa", "/rounds/{round_out}/decision.pdf", 404),
    ("tinh", "/rounds/{round_out}/certificates.pdf", 404),
    ("admin", "/rounds/{round_in}/exit/{hh_in}", 404),
    ("-", "/rounds/{round_in}/decision.pdf", 303),
];

#[test]
fn every_route_for_every_role_in_and_out_of_its_units() {
    let app = app();
    run(async {
        let mut cookies = std::collections::HashMap::new();
        for name in ["admin", "tinh", "xa", "thon", "kiemtoan"] {
            cookies.insert(name, app.login(name).await);
        }
        let mut failures = Vec::new();
        for (who, route, expected) in CASES {
            let uri = app.fill(route);
            let cookie = cookies.get(who).map(String::as_str);
            let r = app.get(&uri, cookie).await;
            if r.status.as_u16() != *expected {
                failures.push(format!(
                    "{who} GET {uri}: expected {expected}, got {}",
                    r.status
                ));
            }
            // A refusal never carries the household's data.
            if *expected >= 400 && route.contains("{hh_") {
                assert!(
                    !r.body.contains("members"),
                    "{who} {uri} leaked: {}",
                    r.body
                );
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    });
}
