//! The round page's forms: the PDF downloads of a decided round (Mẫu 02, 03, 04), the quick screening
//! (Phiếu A) and the requests (Mẫu 01, Mẫu 04), each for the roles and units allowed them.

use giamngheo_core::round::{CaseState, Role};
use giamngheo_store::Store;
use giamngheo_store::audit::Actor;
use giamngheo_store::rounds::CaseSource;

use crate::harness::{App, Reply, app};
use crate::run;

fn store(app: &App) -> Store {
    app.store()
}

/// Households living now in the test commune and not on the test round, the poor or near-poor ones (by their
/// last decided class) first.
fn others_in_commune(app: &App) -> Vec<(String, bool)> {
    let mut s = store(app);
    let commune = s.whereabouts(&app.hh_in).unwrap().unwrap().commune_id;
    let mut out: Vec<(String, bool)> = s
        .list_households(None, "", 100_000)
        .unwrap()
        .into_iter()
        .filter(|f| {
            f.commune_id == commune && f.code != app.hh_in && f.code != app.hh_other_village
        })
        .map(|f| {
            let h = s.household_history(f.code.as_str()).unwrap();
            let listed = h
                .reviews
                .iter()
                .rev()
                .find_map(|r| r.decided_class)
                .is_some_and(|c| {
                    matches!(
                        c,
                        giamngheo_core::Class::Poor | giamngheo_core::Class::NearPoor
                    )
                });
            (f.code.to_string(), listed)
        })
        .collect();
    out.sort_by_key(|(_, listed)| !listed);
    out
}

fn fields(f: &[(&str, &str)]) -> Vec<(String, String)> {
    f.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn assert_pdf(r: &Reply, what: &str) {
    assert_eq!(r.status.as_u16(), 200, "{what}: {}", r.body);
    assert_eq!(
        r.headers.get("content-type").unwrap(),
        "application/pdf",
        "{what}"
    );
    assert!(r.bytes.starts_with(b"%PDF-"), "{what}");
    assert!(
        r.headers
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\""),
        "{what}"
    );
}

/// Takes the test round through survey, meeting, posting and decision in the store, with `exit` asking to
/// leave the lists (Mẫu 04).
fn decide_round_in(app: &App, exit: &str) {
    let mut s = store(app);
    let today = giamngheo_web::today();
    let officer = Actor::new("test", Role::CommuneOfficer, "cli");
    let round = s.round(app.round_in).unwrap();
    s.add_request(
        &officer,
        app.round_in,
        exit,
        CaseSource::ExitRequest,
        round.opened_on,
    )
    .unwrap();
    let [hh_in, other] = app.in_round();
    // Each step a day after the one before, from the round's opening; the posting is long over by today.
    app.post_round_in(&[hh_in, other, exit], |n| round.opened_on.add_days(n));
    s.decide_round(&officer, app.round_in, today, "7/QĐ-UBND", "Chủ tịch")
        .unwrap();
}

#[test]
fn a_decided_rounds_forms_download_as_pdf_for_the_accounts_that_see_its_commune() {
    let app = app();
    let (exit, listed) = others_in_commune(&app)
        .into_iter()
        .next()
        .expect("another household in the test commune");
    assert!(
        listed,
        "the demo has a poor or near-poor household in the test commune"
    );
    let id = app.round_in;
    run(async {
        // Before the decision: no form 02 yet, and the reason names the round.
        let xa = app.login("xa").await;
        let r = app
            .get(&format!("/rounds/{id}/decision.pdf"), Some(&xa))
            .await;
        assert_eq!(r.status.as_u16(), 400, "{}", r.body);
        assert!(r.body.contains("(round)") && r.body.contains("chưa có quyết định"));
    });
    decide_round_in(&app, &exit);
    run(async {
        let xa = app.login("xa").await;
        let page = app.get(&format!("/rounds/{id}"), Some(&xa)).await;
        for needle in [
            format!("href=\"/rounds/{id}/decision.pdf\""),
            format!("action=\"/rounds/{id}/certificates\""),
            format!("href=\"/rounds/{id}/exit/{exit}\""),
        ] {
            assert!(page.body.contains(&needle), "{needle}: {}", page.body);
        }
        assert!(!page.body.contains("certificates.pdf"), "none issued yet");
        let r = app
            .get(&format!("/rounds/{id}/certificates.pdf?lang=en"), Some(&xa))
            .await;
        assert_eq!(r.status.as_u16(), 400);
        r.assert_says("(round) has issued no certificates");

        // A province officer may not issue certificates; the commune officer does, from the page.
        let tinh = app.login("tinh").await;
        let tp = app.get(&format!("/rounds/{id}"), Some(&tinh)).await;
        assert!(
            !tp.body
                .contains(&format!("action=\"/rounds/{id}/certificates\""))
        );
        let t = tp.form_token();
        let f = [("csrf", t.as_str())];
        let denied = app
            .post_form(&format!("/rounds/{id}/certificates"), &tinh, &f)
            .await;
        assert_eq!(denied.status.as_u16(), 403);
        let page = app.get(&format!("/rounds/{id}"), Some(&xa)).await;
        let t = page.form_token();
        let f = [("csrf", t.as_str()), ("confirm", "1")];
        let issued = app
            .post_form(&format!("/rounds/{id}/certificates"), &xa, &f)
            .await;
        assert_eq!(issued.status.as_u16(), 200, "{}", issued.body);
        issued.assert_says("giấy chứng nhận (Mẫu 03)");
        let page = app.get(&format!("/rounds/{id}"), Some(&xa)).await;
        assert!(
            page.body
                .contains(&format!("href=\"/rounds/{id}/certificates.pdf\""))
        );

        assert_pdf(
            &app.get(&format!("/rounds/{id}/decision.pdf"), Some(&xa))
                .await,
            "decision",
        );
        assert_pdf(
            &app.get(&format!("/rounds/{id}/certificates.pdf"), Some(&xa))
                .await,
            "certificates",
        );
        assert_pdf(
            &app.get(&format!("/rounds/{id}/exit/{exit}"), Some(&xa))
                .await,
            "exit request",
        );
        assert_pdf(
            &app.get(
                &format!("/reports/rates.pdf?unit={}&from=2016&to=2019", app.commune),
                Some(&xa),
            )
            .await,
            "rates",
        );
        // A household on the round by a review request (Mẫu 01) has no exit request to print.
        let r = app
            .get(&format!("/rounds/{id}/exit/{}", app.hh_in), Some(&xa))
            .await;
        assert_eq!(r.status.as_u16(), 404);

        // Who may download what, in and out of their units.
        let mut cookies = std::collections::HashMap::new();
        for who in ["admin", "tinh", "xa", "thon", "kiemtoan"] {
            cookies.insert(who, app.login(who).await);
        }
        let out = app.round_out;
        for (who, uri, expected) in [
            ("admin", format!("/rounds/{id}/decision.pdf"), 200),
            ("tinh", format!("/rounds/{id}/decision.pdf"), 200),
            ("tinh", format!("/rounds/{id}/certificates.pdf"), 200),
            ("kiemtoan", format!("/rounds/{id}/certificates.pdf"), 200),
            // The lists cover the whole commune: not for a village's reviewer.
            ("thon", format!("/rounds/{id}/decision.pdf"), 403),
            ("thon", format!("/rounds/{id}/certificates.pdf"), 403),
            ("xa", format!("/rounds/{out}/decision.pdf"), 404),
            ("tinh", format!("/rounds/{out}/certificates.pdf"), 404),
            ("xa", format!("/rounds/{out}/exit/{}", app.hh_out), 404),
            ("-", format!("/rounds/{id}/decision.pdf"), 303),
            ("-", format!("/rounds/{id}/exit/{exit}"), 303),
        ] {
            let r = app.get(&uri, cookies.get(who).map(String::as_str)).await;
            assert_eq!(r.status.as_u16(), expected, "{who} GET {uri}");
            if expected != 200 {
                assert!(!r.bytes.starts_with(b"%PDF"), "{who} GET {uri}");
            }
        }
    });
    // Each download is in the audit log.
    let mut s = store(&app);
    let log = s
        .audit_entries(1, 100_000, Some(("review_round", &id.to_string())))
        .unwrap();
    let downloads: Vec<&str> = log
        .iter()
        .filter(|(e, _)| e.action == "download")
        .filter_map(|(e, _)| e.reason.as_deref())
        .collect();
    assert!(downloads.contains(&"decision.pdf") && downloads.contains(&"certificates.pdf"));
}

#[test]
fn screening_and_requests_on_the_round_page_name_the_field_they_refuse() {
    let app = app();
    let (newcomer, _) = others_in_commune(&app)
        .into_iter()
        .next()
        .expect("another household in the test commune");
    let id = app.round_in;
    run(async {
        let xa = app.login("xa").await;
        let page = app.get(&format!("/rounds/{id}"), Some(&xa)).await;
        page.assert_says("Nhận diện nhanh (Phiếu A)");
        assert!(page.body.contains("Giấy đề nghị của hộ"));
        assert!(
            page.body
                .contains(&format!("name=\"screen_{}\"", app.hh_in))
        );
        let request = |token: String, code: &str, kind: &str, date: &str| {
            fields(&[
                ("csrf", &token),
                ("household_code", code),
                ("kind", kind),
                ("date", date),
            ])
        };
        let post = |uri: String, cookie: String, fields: Vec<(String, String)>| {
            let app = &app;
            async move {
                let f: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                app.post_form(&uri, &cookie, &f).await
            }
        };
        let token = |cookie: String| {
            let app = &app;
            async move {
                app.get(&format!("/rounds/{id}"), Some(&cookie))
                    .await
                    .form_token()
            }
        };
        let req_uri = format!("/rounds/{id}/request");
        let screen_uri = format!("/rounds/{id}/screen");

        // Refusals: each names its field, and writes nothing.
        for (code, kind, date, field) in [
            (app.hh_out.as_str(), "request", "", "(household_code)"),
            ("KHÔNG-CÓ", "exit", "", "(household_code)"),
            ("", "request", "", "(household_code)"),
            (newcomer.as_str(), "bogus", "", "(kind)"),
            (newcomer.as_str(), "request", "31/02/2026", "(date)"),
        ] {
            let r = post(
                req_uri.clone(),
                xa.clone(),
                request(token(xa.clone()).await, code, kind, date),
            )
            .await;
            assert_eq!(r.status.as_u16(), 422, "{code} {kind} {date}: {}", r.body);
            assert!(r.body.contains(field), "{field}: {}", r.body);
        }
        // A household outside the units reads exactly as one that does not exist.
        let outside = post(
            req_uri.clone(),
            xa.clone(),
            request(token(xa.clone()).await, &app.hh_out, "request", ""),
        )
        .await;
        assert!(!outside.body.contains(&app.commune_out));
        assert!(
            !app.with_store(|s| s.round_cases(id).unwrap())
                .iter()
                .any(|c| c.household_code == newcomer),
            "nothing written"
        );

        // A review request (Mẫu 01) from the page puts the household on the round's list.
        let ok = post(
            req_uri.clone(),
            xa.clone(),
            request(token(xa.clone()).await, &newcomer, "request", ""),
        )
        .await;
        assert_eq!(ok.status.as_u16(), 200, "{}", ok.body);
        assert!(ok.body.contains("Đã ghi nhận hộ") && ok.body.contains("Mẫu 01"));
        let cases = app.with_store(|s| s.round_cases(id).unwrap());
        let case = cases.iter().find(|c| c.household_code == newcomer).unwrap();
        assert_eq!(case.source, CaseSource::Request);

        // The screening: nothing ticked, or a household not on the list, is refused with the field.
        let r = post(
            screen_uri.clone(),
            xa.clone(),
            fields(&[("csrf", &token(xa.clone()).await), ("date", "")]),
        )
        .await;
        assert_eq!(r.status.as_u16(), 422);
        r.assert_says("(household_code)");
        let r = post(
            screen_uri.clone(),
            xa.clone(),
            fields(&[
                ("csrf", &token(xa.clone()).await),
                ("date", ""),
                ("screen_KHÔNG-CÓ", "1"),
            ]),
        )
        .await;
        assert_eq!(r.status.as_u16(), 422);
        r.assert_says("KHÔNG-CÓ (household_code)");

        // A village reviewer screens their village's households, not another village's.
        let thon = app.login("thon").await;
        let tp = app.get(&format!("/rounds/{id}"), Some(&thon)).await;
        assert!(tp.body.contains(&format!("name=\"screen_{}\"", app.hh_in)));
        assert!(
            !tp.body
                .contains(&format!("name=\"screen_{}\"", app.hh_other_village))
        );
        let r = post(
            screen_uri.clone(),
            thon.clone(),
            fields(&[
                ("csrf", &token(thon.clone()).await),
                ("date", ""),
                (&format!("screen_{}", app.hh_other_village), "1"),
            ]),
        )
        .await;
        assert_eq!(r.status.as_u16(), 422, "{}", r.body);
        let r = post(
            req_uri.clone(),
            thon.clone(),
            request(token(thon.clone()).await, &app.hh_other_village, "exit", ""),
        )
        .await;
        assert_eq!(r.status.as_u16(), 422, "{}", r.body);
        assert!(r.body.contains("(household_code)"));
        let r = post(
            screen_uri.clone(),
            thon.clone(),
            fields(&[
                ("csrf", &token(thon.clone()).await),
                ("date", ""),
                (&format!("screen_{}", app.hh_in), "1"),
            ]),
        )
        .await;
        assert_eq!(r.status.as_u16(), 200, "{}", r.body);
        r.assert_says("Phiếu A");
        let cases = app.with_store(|s| s.round_cases(id).unwrap());
        let state = |code: &str| cases.iter().find(|c| c.household_code == code).unwrap();
        assert_eq!(state(&app.hh_in).state, CaseState::Surveyed);
        assert_eq!(
            state(&app.hh_in).computed_class,
            Some(giamngheo_core::Class::NotPoor)
        );
        assert_eq!(state(&app.hh_other_village).state, CaseState::Listed);

        // Roles the procedure does not let survey or add requests see no such forms and are refused.
        for who in ["kiemtoan", "tinh"] {
            let c = app.login(who).await;
            let p = app.get(&format!("/rounds/{id}"), Some(&c)).await;
            assert!(
                !p.body.contains("Phiếu A") && !p.body.contains("Giấy đề nghị của hộ"),
                "{who}"
            );
            let t = p.form_token();
            let r = post(screen_uri.clone(), c.clone(), fields(&[("csrf", &t)])).await;
            assert_eq!(r.status.as_u16(), 403, "{who}");
            let r = post(
                req_uri.clone(),
                c.clone(),
                request(token(c.clone()).await, &newcomer, "exit", ""),
            )
            .await;
            assert_eq!(r.status.as_u16(), 403, "{who}");
        }
        // Another commune's round: not found.
        let r = post(
            format!("/rounds/{}/request", app.round_out),
            xa.clone(),
            request(token(xa.clone()).await, &app.hh_out, "request", ""),
        )
        .await;
        assert_eq!(r.status.as_u16(), 404);
    });
}
