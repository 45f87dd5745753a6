//! Issue 12 at the web app's doors: login throttled by account and by address only when many accounts fail
//! there, the public form (server-issued one-time tokens, rate limits, a subject in the commune, merged
//! complaints), village reviewers' view of complaints, framework errors in our words, and HSTS.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};

use crate::harness::{App, PASSWORD, Reply, app, form_post};
use crate::run;

const OFFICE: &str = "203.0.113.7";

/// A request as the server sees it from a client at `ip`.
async fn from(app: &App, ip: &str, mut req: Request<Body>) -> Reply {
    let addr: SocketAddr = format!("{ip}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    app.request(req).await
}

/// One login attempt from `ip`: its status.
async fn login_from(app: &App, ip: &str, name: &str, password: &str) -> u16 {
    let form = from(app, ip, Request::get("/login").body(Body::empty()).unwrap()).await;
    let pre = form.cookie("gn_pre").unwrap();
    let token = form.form_token();
    let r = from(
        app,
        ip,
        form_post(
            "/login",
            &format!("gn_pre={pre}"),
            &[("csrf", &token), ("name", name), ("password", password)],
        ),
    )
    .await;
    r.status.as_u16()
}

/// Each (address, name, password, status), in order: one login attempt and the status it must get.
async fn logins(app: &App, cases: &[(&str, &str, &str, u16)]) {
    for &(ip, name, password, status) in cases {
        assert_eq!(
            login_from(app, ip, name, password).await,
            status,
            "{ip} {name:?}"
        );
    }
}

#[test]
fn one_accounts_typos_do_not_lock_out_its_office() {
    let app = app();
    run(async {
        for _ in 0..5 {
            assert_eq!(login_from(&app, OFFICE, "xa", "sai mật khẩu").await, 401);
        }
        // (address, name, password, status): the account is slowed from every address and under every
        // spelling of its name; a colleague at the same office logs in.
        logins(
            &app,
            &[
                (OFFICE, "xa", PASSWORD, 429),
                ("198.51.100.20", "xa", PASSWORD, 429),
                (OFFICE, "XA", PASSWORD, 429),
                (OFFICE, "Xã", PASSWORD, 429),
                (OFFICE, "tinh", PASSWORD, 303),
                (OFFICE, "thon", PASSWORD, 303),
            ],
        )
        .await;
    });
}

#[test]
fn an_address_is_throttled_only_when_many_accounts_fail_from_it() {
    let app = app();
    run(async {
        // Nineteen accounts mistyped from one address: the office still logs in.
        for i in 0..19 {
            assert_eq!(
                login_from(&app, OFFICE, &format!("khach{i}"), "x").await,
                401
            );
        }
        assert_eq!(login_from(&app, OFFICE, "tinh", PASSWORD).await, 303);
        // The twentieth: the address is closed to every account for a while; elsewhere nothing changes.
        assert_eq!(login_from(&app, OFFICE, "khach19", "x").await, 401);
        logins(
            &app,
            &[
                (OFFICE, "xa", PASSWORD, 429),
                (OFFICE, "tinh", PASSWORD, 429),
                ("198.51.100.20", "xa", PASSWORD, 303),
            ],
        )
        .await;
    });
}

#[test]
fn account_names_log_in_without_regard_to_case_and_diacritics() {
    let app = app();
    run(async {
        let ip = "198.51.100.30";
        logins(
            &app,
            &[
                (ip, "xa", PASSWORD, 303),
                (ip, "XA", PASSWORD, 303),
                (ip, "Xã", PASSWORD, 303),
                (ip, " xa ", PASSWORD, 303),
                (ip, "xa1", PASSWORD, 401),
            ],
        )
        .await;
    });
}

/// Shows the commune's public page to `ip` and posts its form with these fields: the answer.
async fn public_post(app: &App, ip: &str, commune: &str, fields: &[(&str, &str)]) -> Reply {
    let page = from(
        app,
        ip,
        Request::get(format!("/public/{commune}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let token = page.form_token();
    let mut all = vec![("csrf", token.as_str())];
    all.extend_from_slice(fields);
    from(
        app,
        ip,
        form_post(
            &format!("/public/{}/feedback", app.commune),
            &format!("gn_pre={token}"),
            &all,
        ),
    )
    .await
}

fn queue(app: &App) -> Vec<giamngheo_store::rounds::ComplaintView> {
    app.with_store(|s| s.complaints(app.round_in).unwrap())
}

#[test]
fn a_flood_of_complaints_stops_at_the_limits() {
    let app = app();
    run(async {
        // Thirty posts from one address: three taken, the rest answered 429 in both languages.
        let mut statuses = Vec::new();
        for i in 0..30 {
            let text = format!("Khiếu nại số {i}");
            let r = public_post(
                &app,
                OFFICE,
                &app.commune,
                &[
                    ("kind", "complaint"),
                    ("household", &app.hh_in),
                    ("message", &text),
                ],
            )
            .await;
            if r.status == StatusCode::TOO_MANY_REQUESTS {
                r.assert_says("Hãy thử lại sau 10 phút");
            }
            statuses.push(r.status.as_u16());
        }
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            3,
            "{statuses:?}"
        );
        assert_eq!(
            statuses.iter().filter(|s| **s == 429).count(),
            27,
            "{statuses:?}"
        );
        assert_eq!(queue(&app).len(), 3);
        // Forty addresses: the commune takes thirty posts an hour in all.
        let mut taken = 3;
        for i in 0..40 {
            let text = format!("Khiếu nại từ máy {i}");
            let r = public_post(
                &app,
                &format!("198.51.100.{}", 100 + i),
                &app.commune,
                &[
                    ("kind", "complaint"),
                    ("household", &app.hh_in),
                    ("message", &text),
                ],
            )
            .await;
            match r.status.as_u16() {
                200 => taken += 1,
                429 => assert!(r.body.contains("Xã đã nhận rất nhiều góp ý"), "{}", r.body),
                s => panic!("{s}: {}", r.body),
            }
        }
        assert_eq!(taken, 30);
        assert_eq!(queue(&app).len(), 30);
    });
}

/// Posts a complaint about `hh_in` with this token and cookie from `ip`.
async fn post_with(app: &App, ip: &str, token: &str, cookie: &str) -> Reply {
    let fields = [
        ("csrf", token),
        ("kind", "complaint"),
        ("household", app.hh_in.as_str()),
        ("message", "Hộ tôi bị xếp sai"),
    ];
    from(
        app,
        ip,
        form_post(
            &format!("/public/{}/feedback", app.commune),
            cookie,
            &fields,
        ),
    )
    .await
}

#[test]
fn public_form_tokens_are_the_servers_and_are_spent_once() {
    let mut app = app();
    let (page, other_page) = run(async {
        let get = |c: &str| {
            Request::get(format!("/public/{c}"))
                .body(Body::empty())
                .unwrap()
        };
        (
            from(&app, "198.51.100.1", get(&app.commune)).await,
            from(&app, "198.51.100.1", get(&app.commune_out)).await,
        )
    });
    let token = page.form_token();
    let other = other_page.form_token();
    let mut tampered = token.clone();
    tampered.pop();
    tampered.push(if token.ends_with('0') { '1' } else { '0' });
    let cookie = |t: &str| format!("gn_pre={t}");
    run(async {
        // (token, cookie): a token the client chose, another commune's, one altered, or a cookie that does not
        // carry it: refused before anything is stored.
        for (t, c) in [
            (
                "chosen-by-the-client".to_owned(),
                cookie("chosen-by-the-client"),
            ),
            (other.clone(), cookie(&other)),
            (tampered.clone(), cookie(&tampered)),
            (token.clone(), cookie("other")),
            (token.clone(), String::new()),
        ] {
            let r = post_with(&app, "198.51.100.2", &t, &c).await;
            assert_eq!(r.status.as_u16(), 403, "{t} {c}: {}", r.body);
        }
        assert!(queue(&app).is_empty());
        let ok = post_with(&app, "198.51.100.2", &token, &cookie(&token)).await;
        assert_eq!(ok.status.as_u16(), 200, "{}", ok.body);
        // Replayed, from another address: refused.
        let again = post_with(&app, "198.51.100.3", &token, &cookie(&token)).await;
        assert_eq!(again.status.as_u16(), 403);
    });
    // And after a restart (the spent token is in the database, the signing secret too).
    app.restart();
    run(async {
        let again = post_with(&app, "198.51.100.4", &token, &cookie(&token)).await;
        assert_eq!(again.status.as_u16(), 403);
        let fresh = public_post(
            &app,
            "198.51.100.4",
            &app.commune,
            &[("kind", "feedback"), ("message", "Cảm ơn xã")],
        )
        .await;
        assert_eq!(fresh.status.as_u16(), 200, "{}", fresh.body);
    });
    assert_eq!(queue(&app).len(), 1);
}

#[test]
fn a_complaint_names_a_household_or_village_of_the_commune_and_identical_ones_merge() {
    let app = app();
    let (village_out, other_village) = app.with_store(|s| {
        let out = s
            .whereabouts(&app.hh_out)
            .unwrap()
            .unwrap()
            .village_id
            .unwrap();
        let other = s
            .whereabouts(&app.hh_other_village)
            .unwrap()
            .unwrap()
            .village_id
            .unwrap();
        (
            s.unit(out).unwrap().unwrap().code,
            s.unit(other).unwrap().unwrap().code,
        )
    });
    let spaced = format!(" {} ", app.hh_in);
    run(async {
        // (kind, household, village, message, status); each from its own address.
        let rows: Vec<(&str, &str, &str, &str, u16)> = vec![
            ("complaint", "", "", "Không nói hộ nào", 400),
            ("complaint", &app.hh_out, "", "Hộ ở tỉnh khác", 400),
            ("complaint", "XX-0000-404", "", "Hộ không có", 400),
            (
                "complaint",
                "",
                village_out.as_str(),
                "Thôn của xã khác",
                400,
            ),
            ("complaint", "", &app.commune, "Mã xã, không phải thôn", 400),
            ("feedback", "", "", "Góp ý chung, không cần hộ", 200),
            (
                "complaint",
                "",
                other_village.as_str(),
                "Thôn bị bỏ sót",
                200,
            ),
            ("complaint", &app.hh_in, "", "Hộ tôi bị xếp sai", 200),
            // The same words again, spaced and cased otherwise, from other people: one entry.
            ("complaint", &app.hh_in, "", "  hộ tôi  BỊ xếp sai ", 200),
            ("complaint", &spaced, "", "Hộ tôi bị xếp sai", 200),
        ];
        for (i, (kind, household, village, message, status)) in rows.iter().enumerate() {
            let r = public_post(
                &app,
                &format!("198.51.100.{}", 10 + i),
                &app.commune,
                &[
                    ("kind", kind),
                    ("household", household),
                    ("village", village),
                    ("message", message),
                ],
            )
            .await;
            assert_eq!(r.status.as_u16(), *status, "{message}: {}", r.body);
            if *status == 400 {
                // The refusal names the fields, and never says where a household lives.
                r.assert_says("Mã hộ");
                r.assert_says("Thôn");
                assert!(!r.body.contains(&app.commune_out), "{}", r.body);
            }
        }
        let q = queue(&app);
        assert_eq!(q.len(), 2, "{q:?}");
        let xa = app.login("xa").await;
        let page = app.round_page(&xa).await;
        page.assert_says("gửi 3 lần");
        page.assert_says("Thôn bị bỏ sót");
    });
}

#[test]
fn a_village_reviewer_sees_only_the_complaints_of_their_villages() {
    let app = app();
    run(async {
        for (ip, household, contact, message) in [
            (
                "198.51.100.40",
                &app.hh_in,
                "0912 111 222",
                "Khiếu nại trong thôn",
            ),
            (
                "198.51.100.41",
                &app.hh_other_village,
                "0913 333 444",
                "Khiếu nại thôn khác",
            ),
        ] {
            let r = public_post(
                &app,
                ip,
                &app.commune,
                &[
                    ("kind", "complaint"),
                    ("household", household),
                    ("name", "Ông Ba"),
                    ("contact", contact),
                    ("message", message),
                ],
            )
            .await;
            assert_eq!(r.status.as_u16(), 200, "{}", r.body);
        }
        // (account, sees its own village's complaint, sees the other village's)
        for (account, own, other) in [
            ("thon", true, false),
            ("xa", true, true),
            ("tinh", true, true),
            ("admin", true, true),
        ] {
            let c = app.login(account).await;
            let page = app.round_page(&c).await;
            assert_eq!(page.status.as_u16(), 200, "{account}");
            for (text, phone, shown) in [
                ("Khiếu nại trong thôn", "0912 111 222", own),
                ("Khiếu nại thôn khác", "0913 333 444", other),
            ] {
                assert_eq!(page.body.contains(text), shown, "{account}: {text}");
                assert_eq!(page.body.contains(phone), shown, "{account}: {phone}");
            }
        }
    });
}

/// Texts of axum's rejections that must never reach a user.
const FRAMEWORK: [&str; 6] = [
    "Cannot parse",
    "missing field",
    "Failed to deserialize",
    "Failed to buffer",
    "Expected request with",
    "i64",
];

#[test]
fn framework_rejections_are_answered_in_our_words() {
    let app = app();
    run(async {
        let xa = app.login("xa").await;
        let big = format!("csrf=x&name=xa&password={}", "a".repeat(70 * 1024));
        // (method, uri, content type, body, logged in, status, JSON)
        let rows: Vec<(&str, String, &str, String, bool, u16, bool)> = vec![
            (
                "GET",
                "/rounds/abc".into(),
                "",
                String::new(),
                true,
                400,
                false,
            ),
            (
                "GET",
                "/rounds/99999999999999999999".into(),
                "",
                String::new(),
                true,
                400,
                false,
            ),
            (
                "GET",
                "/rounds/abc/decision.pdf".into(),
                "",
                String::new(),
                true,
                400,
                false,
            ),
            (
                "GET",
                "/rounds/x/exit/y".into(),
                "",
                String::new(),
                true,
                400,
                false,
            ),
            (
                "POST",
                "/rounds/abc/screen".into(),
                "application/x-www-form-urlencoded",
                "csrf=x".into(),
                true,
                400,
                false,
            ),
            (
                "POST",
                "/login".into(),
                "application/x-www-form-urlencoded",
                "name=xa".into(),
                false,
                400,
                false,
            ),
            (
                "POST",
                "/login".into(),
                "application/json",
                "{}".into(),
                false,
                400,
                false,
            ),
            (
                "POST",
                "/login".into(),
                "application/x-www-form-urlencoded",
                big.clone(),
                false,
                413,
                false,
            ),
            (
                "POST",
                format!("/public/{}/feedback", app.commune),
                "application/x-www-form-urlencoded",
                big,
                false,
                413,
                false,
            ),
            (
                "POST",
                format!("/public/{}/feedback", app.commune),
                "application/x-www-form-urlencoded",
                "kind=complaint".into(),
                false,
                400,
                false,
            ),
            (
                "POST",
                "/logout".into(),
                "application/x-www-form-urlencoded",
                "x=1".into(),
                true,
                400,
                false,
            ),
            (
                "DELETE",
                "/login".into(),
                "",
                String::new(),
                false,
                405,
                false,
            ),
            (
                "GET",
                "/reports/rates.csv?from=abc".into(),
                "",
                String::new(),
                true,
                400,
                false,
            ),
            (
                "GET",
                "/api/households/%FF%FE".into(),
                "",
                String::new(),
                true,
                400,
                true,
            ),
            ("POST", "/api/me".into(), "", String::new(), true, 405, true),
        ];
        for (method, uri, ctype, body, logged_in, status, json) in rows {
            let mut b = Request::builder()
                .method(method)
                .uri(&uri)
                .header("host", "localhost")
                .header("origin", "http://localhost");
            if !ctype.is_empty() {
                b = b.header("content-type", ctype);
            }
            if logged_in {
                b = b.header("cookie", &xa);
            }
            let r = app.request(b.body(Body::from(body)).unwrap()).await;
            assert_eq!(r.status.as_u16(), status, "{method} {uri}: {}", r.body);
            for text in FRAMEWORK {
                assert!(!r.body.contains(text), "{method} {uri}: {}", r.body);
            }
            if json {
                let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
                assert_eq!(v["status"], status, "{uri}");
                assert!(
                    v["error"]["vi"].as_str().is_some_and(|s| !s.is_empty()),
                    "{}",
                    r.body
                );
                assert!(
                    v["error"]["en"].as_str().is_some_and(|s| !s.is_empty()),
                    "{}",
                    r.body
                );
            } else {
                assert!(r.body.contains("<html"), "{method} {uri}: {}", r.body);
                assert!(
                    r.body.contains(&format!("{status} Lỗi")),
                    "{method} {uri}: {}",
                    r.body
                );
            }
        }
    });
}

#[test]
fn hsts_is_sent_when_served_over_tls() {
    let app = app();
    let proxy = "10.0.0.2";
    let router = |hsts: bool| {
        let pool = giamngheo_web::pool::Pool::open(&app.url, 1).unwrap();
        giamngheo_web::router(giamngheo_web::AppState::new(pool).with_trust(
            giamngheo_web::auth::Trust {
                hsts,
                proxies: vec![proxy.parse().unwrap()],
            },
        ))
    };
    let (plain, forced) = (router(false), router(true));
    run(async {
        use tower::ServiceExt;
        // (forced, peer, X-Forwarded-Proto, HSTS sent)
        for (force, peer, proto, sent) in [
            (false, proxy, Some("https"), true),
            (false, proxy, Some("HTTPS"), true),
            (false, proxy, Some("http"), false),
            (false, proxy, None, false),
            // Anyone else saying https is not believed.
            (false, "198.51.100.9", Some("https"), false),
            (true, "198.51.100.9", None, true),
        ] {
            for uri in ["/login", "/rounds/abc", "/nowhere"] {
                let mut req = Request::get(uri);
                if let Some(p) = proto {
                    req = req.header("x-forwarded-proto", p);
                }
                let mut req = req.body(Body::empty()).unwrap();
                let addr: SocketAddr = format!("{peer}:40000").parse().unwrap();
                req.extensions_mut().insert(ConnectInfo(addr));
                let router = if force { &forced } else { &plain };
                let r = router.clone().oneshot(req).await.unwrap();
                assert_eq!(
                    r.headers()
                        .get("strict-transport-security")
                        .map(|v| v.to_str().unwrap().to_owned()),
                    sent.then(|| "max-age=31536000".to_owned()),
                    "{force} {peer} {proto:?} {uri}"
                );
            }
        }
    });
}
