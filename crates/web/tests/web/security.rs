//! Attacks and bad input: refused or escaped, logged, nothing changed, nothing leaked.

use axum::body::Body;
use axum::http::Request;

use crate::harness::{App, app};
use crate::run;

async fn count_households(app: &App, cookie: &str) -> usize {
    let r = app.get("/api/households", Some(cookie)).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    v["items"].as_array().unwrap().len()
}

#[test]
fn wrong_passwords_are_refused_then_rate_limited_and_logged() {
    let app = app();
    run(async {
        for attempt in 0..7 {
            let r = app.try_login("xa", "wrong password").await;
            let expected = if attempt < 5 { 401 } else { 429 };
            assert_eq!(r.status.as_u16(), expected, "attempt {attempt}");
            assert!(r.cookie("gn_session").is_none());
        }
        // An unknown name is refused the same way.
        let r = app.try_login("nobody", "x").await;
        assert_eq!(r.status.as_u16(), 401);
        let admin = app.login("admin").await;
        let log = app.get("/audit", Some(&admin)).await;
        assert!(log.body.contains("login_failed"));
        assert!(log.body.contains("rate limit xa"));
    });
}

#[test]
fn forged_cross_site_and_replayed_posts_are_refused() {
    let app = app();
    run(async {
        // Login without the cookie that came with the form, or with another form's token.
        let form = app.get("/login", None).await;
        let r = app
            .post_form(
                "/login",
                "gn_pre=forged",
                &[
                    ("csrf", &form.form_token()),
                    ("name", "xa"),
                    ("password", crate::harness::PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status.as_u16(), 403);
        let xa = app.login("xa").await;
        // Logout needs a one-time token of this session.
        assert_eq!(
            app.post_form("/logout", &xa, &[("csrf", "forged")])
                .await
                .status
                .as_u16(),
            403
        );
        let page = app.get("/dashboard", Some(&xa)).await;
        let token = page.form_token();
        // From another site, even with a good token.
        let req = Request::post("/logout")
            .header("cookie", &xa)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("host", "localhost")
            .header("origin", "https://evil.example")
            .header("sec-fetch-site", "cross-site")
            .body(Body::from(format!("csrf={token}")))
            .unwrap();
        assert_eq!(app.request(req).await.status.as_u16(), 403);
        // Still logged in: nothing changed.
        assert_eq!(app.get("/dashboard", Some(&xa)).await.status.as_u16(), 200);
        let page = app.get("/dashboard", Some(&xa)).await;
        let token = page.form_token();
        // Tokens are spent by use: the same post twice is a replay.
        let import = app.get("/import", Some(&xa)).await;
        let t = import.form_token();
        let csv = format!(
            "household_code,commune_code,village,area,address,full_name,relation,sex,birth_date,ethnicity,citizen_id\nREPLAY-1,{},Thôn 1,rural,,Trần Văn Bình,head,male,1980-01-01,Kinh,\n",
            app.commune
        );
        let first = app.upload(&xa, &t, "a.csv", csv.as_bytes()).await;
        let again = app.upload(&xa, &t, "a.csv", csv.as_bytes()).await;
        assert_eq!((first.status.as_u16(), again.status.as_u16()), (200, 403));
        assert_eq!(
            app.post_form("/logout", &xa, &[("csrf", &token)])
                .await
                .status
                .as_u16(),
            303
        );
        // The session is gone: its cookie no longer opens anything.
        assert_eq!(app.get("/dashboard", Some(&xa)).await.status.as_u16(), 303);
        let admin = app.login("admin").await;
        assert!(app.get("/audit", Some(&admin)).await.body.contains("csrf"));
    });
}

#[test]
fn script_in_a_name_is_shown_as_text() {
    let app = app();
    run(async {
        let xa = app.login("xa").await;
        let csv = format!(
            "household_code,commune_code,village,area,address,full_name,relation,sex,birth_date,ethnicity,citizen_id\n\
             XSS-1,{},Thôn 1,rural,\"<img src=x onerror=alert(1)>\",<script>alert(document.cookie)</script>,head,male,1980-01-01,Kinh,\n",
            app.commune
        );
        let r = app.import(&xa, "x.csv", csv.as_bytes()).await;
        assert_eq!(r.status.as_u16(), 200, "{}", r.body);
        let page = app.get("/households/XSS-1", Some(&xa)).await;
        assert_eq!(page.status.as_u16(), 200);
        assert!(
            page.body
                .contains("&lt;script&gt;alert(document.cookie)&lt;/script&gt;")
        );
        assert!(!page.body.contains("<script"));
        assert!(!page.body.contains("<img src=x"));
        let found = app.get("/households?q=%3Cscript", Some(&xa)).await;
        assert!(!found.body.contains("<script"));
    });
}

#[test]
fn imports_outside_the_units_oversized_or_malformed_change_nothing() {
    let app = app();
    run(async {
        let [xa, admin] = app.logins(["xa", "admin"]).await;
        let before = count_households(&app, &admin).await;
        let header = "household_code,commune_code,village,area,address,full_name,relation,sex,birth_date,ethnicity,citizen_id\n";
        // Another province's commune.
        let csv = format!(
            "{header}OUT-1,{},Thôn 1,rural,,Trần Văn Bình,head,male,1980-01-01,Kinh,\n",
            app.commune_out
        );
        let r = app.import(&xa, "out.csv", csv.as_bytes()).await;
        assert_eq!(r.status.as_u16(), 422);
        assert!(r.body.contains("commune_code"));
        // Every problem with its row and column, nothing imported.
        let csv = format!(
            "{header}BAD-1,{c},Thôn 1,rural,,Trần Văn Bình,head,male,31/02/1980,Kinh,\nBAD-2,{c},Thôn 1,rural,,Lê Thị Hoa,chief,female,1980-01-01,Kinh,12\n",
            c = app.commune
        );
        let r = app.import(&xa, "bad.csv", csv.as_bytes()).await;
        assert_eq!(r.status.as_u16(), 422);
        for needle in [
            "<td>2</td>",
            "<td>3</td>",
            "birth_date",
            "relation",
            "citizen_id",
        ] {
            assert!(r.body.contains(needle), "{needle} in {}", r.body);
        }
        // Over the upload limit.
        let t = app.get("/import", Some(&xa)).await.form_token();
        let big = vec![b'a'; giamngheo_web::MAX_UPLOAD + 1024];
        let r = app.upload(&xa, &t, "big.csv", &big).await;
        assert_eq!(r.status.as_u16(), 413);
        // A form that is not one.
        let req = Request::post("/import")
            .header("cookie", &xa)
            .header("content-type", "multipart/form-data; boundary=nope")
            .header("host", "localhost")
            .body(Body::from("garbage"))
            .unwrap();
        assert_eq!(app.request(req).await.status.as_u16(), 400);
        let req = Request::post("/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from("%%%=&&"))
            .unwrap();
        assert_eq!(app.request(req).await.status.as_u16(), 400);
        assert_eq!(count_households(&app, &admin).await, before);
        // A reviewer cannot import at all, even with a token from someone else's page.
        let thon = app.login("thon").await;
        assert_eq!(
            app.upload(&thon, &t, "x.csv", b"x").await.status.as_u16(),
            403
        );
    });
}

#[test]
fn session_cookies_are_http_only_strict_and_secure() {
    let app = app();
    run(async {
        let r = app.try_login("xa", crate::harness::PASSWORD).await;
        let set: Vec<&str> = r
            .headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let session = set.iter().find(|c| c.starts_with("gn_session=")).unwrap();
        for attr in ["HttpOnly", "Secure", "SameSite=Strict"] {
            assert!(session.contains(attr), "{session}");
        }
        // The login form itself carries the page policy.
        let form = app.get("/login", None).await;
        assert!(form.headers.get("content-security-policy").is_some());
    });
}

/// Sessions live in the database: a restart logs no one out and a form rendered before it still posts once;
/// the database holds only a hash of the token; logout and idleness end a session for good.
#[test]
fn sessions_survive_a_restart_but_not_logout_or_idleness() {
    let mut app = app();
    let rounds = format!("/rounds/{}", app.round_in);
    let post_uri = format!("/rounds/{}/post", app.round_in);
    let (xa, before) = run(async {
        let xa = app.login("xa").await;
        let page = app.get(&rounds, Some(&xa)).await;
        (xa, page.form_token())
    });
    let token = xa.trim_start_matches("gn_session=").to_owned();
    {
        let mut s = app.store();
        let count = |s: &mut giamngheo_store::Store, v: &str| {
            s.conn()
                .query(
                    "SELECT count(*) FROM web_session WHERE token_hash = $1 OR csrf_token = $1",
                    &[v.into()],
                )
                .unwrap()[0][0]
                .int()
        };
        assert_eq!(
            count(&mut s, &token),
            Some(0),
            "the token itself is not stored"
        );
        assert_eq!(
            count(&mut s, &giamngheo_web::auth::token_hash(&token)),
            Some(1)
        );
    }
    app.restart();
    run(async {
        let d = app.get("/dashboard", Some(&xa)).await;
        assert_eq!(d.status.as_u16(), 200, "still logged in after a restart");
        assert!(d.body.contains("xa"));
        // The form from before the restart posts (the step itself is refused: households to survey).
        let f = [("csrf", before.as_str()), ("places", "Nhà văn hóa")];
        let r = app.post_form(&post_uri, &xa, &f).await;
        assert_eq!(r.status.as_u16(), 422, "{}", r.body);
        // Once only, here and after another restart.
        assert_eq!(app.post_form(&post_uri, &xa, &f).await.status.as_u16(), 403);
    });
    app.restart();
    run(async {
        let f = [("csrf", before.as_str()), ("places", "Nhà văn hóa")];
        assert_eq!(app.post_form(&post_uri, &xa, &f).await.status.as_u16(), 403);
        // A token of this session with another's signature is refused.
        let other = app.login("tinh").await;
        let theirs = app.get("/dashboard", Some(&other)).await.form_token();
        let f = [("csrf", theirs.as_str()), ("places", "x")];
        assert_eq!(app.post_form(&post_uri, &xa, &f).await.status.as_u16(), 403);
        // Logout ends the session, in the database too.
        let t = app.get("/dashboard", Some(&xa)).await.form_token();
        let out = app.post_form("/logout", &xa, &[("csrf", &t)]).await;
        assert_eq!(out.status.as_u16(), 303);
        assert_eq!(app.get("/dashboard", Some(&xa)).await.status.as_u16(), 303);
    });
    app.restart();
    let tinh = run(async {
        assert_eq!(app.get("/dashboard", Some(&xa)).await.status.as_u16(), 303);
        app.login("tinh").await
    });
    // Idle for longer than the limit (8 h): over, after a restart as before one.
    {
        let mut s = app.store();
        s.conn()
            .execute(
                "UPDATE web_session SET last_seen = last_seen - $1",
                &[(giamngheo_web::auth::IDLE.as_secs() as i64).into()],
            )
            .unwrap();
    }
    app.restart();
    run(async {
        assert_eq!(
            app.get("/dashboard", Some(&tinh)).await.status.as_u16(),
            303
        );
    });
    let mut s = app.store();
    let left = s
        .conn()
        .query(
            "SELECT count(*) FROM web_session WHERE token_hash = $1",
            &[giamngheo_web::auth::token_hash(tinh.trim_start_matches("gn_session=")).into()],
        )
        .unwrap()[0][0]
        .int();
    assert_eq!(left, Some(0), "the idle session is deleted");
}
