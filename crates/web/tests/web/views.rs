//! The HTML of the main pages, whole, as the accounts see them on the test registry: the pages' markup is pinned
//! here so that a change of how pages are written (by hand or through templates) shows as a diff. What changes
//! from run to run (one-time tokens, the clock, the hash chain's head, the rounds' ids) is replaced by a
//! placeholder before the comparison.

use crate::harness::{App, app};
use crate::run;

/// The page with its run-to-run values replaced, one element a line for readable diffs.
fn normalise(app: &App, html: &str) -> String {
    let mut s = blank_after(html, "name=\"csrf\" value=\"", '"', "[token]");
    s = blank_after(&s, "name=\"version\" value=\"", '"', "[version]");
    s = blank_dates(&s);
    // The months a commune is late with grow with the calendar.
    for marker in ["báo cáo tháng ", "monthly reports for "] {
        s = blank_run(
            &s,
            marker,
            |c| c.is_ascii_digit() || c == ',' || c == ' ',
            "[months]",
        );
    }
    // The chain's head: entries · the first 12 hex digits of a hash over times.
    s = blank_after(&s, "đầu chuỗi <code>", '<', "[head]");
    for (id, name) in [(app.round_in, "[round_in]"), (app.round_out, "[round_out]")] {
        for (before, after) in [
            ("/rounds/", "/"),
            ("/rounds/", "\""),
            ("/rounds/", "?"),
            ("#", "<"),
        ] {
            s = s.replace(
                &format!("{before}{id}{after}"),
                &format!("{before}{name}{after}"),
            );
        }
    }
    s = blank_ids(&s, "<option value=\"");
    // The days left of a posting period depend on the weekday the test runs.
    s = blank_after(&s, "<strong>còn ", ' ', "[n]");
    s.replace("><", ">\n<")
}

/// Replaces a number right after each `marker` and before a quote (a unit's id in a filter's options) with
/// `[id]`.
fn blank_ids(s: &str, marker: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(marker) {
        out.push_str(&rest[..i + marker.len()]);
        rest = &rest[i + marker.len()..];
        let j = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if j > 0 && rest[j..].starts_with('"') {
            out.push_str("[id]");
            rest = &rest[j..];
        }
    }
    out.push_str(rest);
    out
}

/// Replaces what follows each `marker` up to `end` with `with`.
fn blank_after(s: &str, marker: &str, end: char, with: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(marker) {
        out.push_str(&rest[..i + marker.len()]);
        rest = &rest[i + marker.len()..];
        let j = rest.find(end).unwrap_or(rest.len());
        out.push_str(with);
        rest = &rest[j..];
    }
    out.push_str(rest);
    out
}

/// Replaces the run of characters matching `keep` after each `marker` with `with`.
fn blank_run(s: &str, marker: &str, keep: impl Fn(char) -> bool, with: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(marker) {
        out.push_str(&rest[..i + marker.len()]);
        rest = &rest[i + marker.len()..];
        let j = rest.find(|c: char| !keep(c)).unwrap_or(rest.len());
        out.push_str(with);
        rest = &rest[j..];
    }
    out.push_str(rest);
    out
}

/// Today as `[today]`, other dates from the demo's last year on (the rounds the tests open relative to today) as
/// `[date]`, and times of the logs as `[moment]`: the demo's history before stays as it is.
fn blank_dates(s: &str) -> String {
    let today = giamngheo_web::today();
    let (today_vi, today_iso) = (today.vi(), today.iso());
    let b = s.as_bytes();
    let digits = |from: usize, n: usize| {
        b.len() >= from + n && b[from..from + n].iter().all(u8::is_ascii_digit)
    };
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        // dd/mm/yyyy, and hh:mm:ss after it
        if digits(i, 2)
            && b.get(i + 2) == Some(&b'/')
            && digits(i + 3, 2)
            && b.get(i + 5) == Some(&b'/')
            && digits(i + 6, 4)
            && s[i + 6..i + 10] >= *"2026"
            && (i == 0 || !b[i - 1].is_ascii_digit())
        {
            let mut end = i + 10;
            let mut with = if s[i..end] == today_vi {
                "[today]"
            } else {
                "[date]"
            };
            if b.get(end) == Some(&b' ')
                && digits(end + 1, 2)
                && b.get(end + 3) == Some(&b':')
                && digits(end + 4, 2)
                && b.get(end + 6) == Some(&b':')
                && digits(end + 7, 2)
            {
                end += 9;
                with = "[moment]";
            }
            out.push_str(&s[copied..i]);
            out.push_str(with);
            i = end;
            copied = end;
            continue;
        }
        // yyyy-mm-dd, with a time after a T
        if digits(i, 4)
            && b.get(i + 4) == Some(&b'-')
            && digits(i + 5, 2)
            && b.get(i + 7) == Some(&b'-')
            && digits(i + 8, 2)
            && s[i..i + 4] >= *"2026"
            && (i == 0 || !b[i - 1].is_ascii_digit())
        {
            let mut end = i + 10;
            while end < b.len() && (b[end].is_ascii_digit() || matches!(b[end], b'T' | b':' | b'Z'))
            {
                end += 1;
            }
            out.push_str(&s[copied..i]);
            out.push_str(if end == i + 10 && s[i..end] == today_iso {
                "[today]"
            } else {
                "[date]"
            });
            i = end;
            copied = end;
            continue;
        }
        i += 1;
    }
    out.push_str(&s[copied..]);
    out
}

async fn page(app: &App, uri: &str, cookie: Option<&str>, status: u16) -> String {
    let r = app.get(&app.fill(uri), cookie).await;
    assert_eq!(r.status.as_u16(), status, "{uri}: {}", r.body);
    normalise(app, &r.body)
}

#[test]
fn staff_pages() {
    let app = app();
    run(async {
        let [xa, tinh, admin, kiemtoan] = app.logins(["xa", "tinh", "admin", "kiemtoan"]).await;
        insta::assert_snapshot!("login", page(&app, "/login", None, 200).await);
        insta::assert_snapshot!("dashboard", page(&app, "/dashboard", Some(&xa), 200).await);
        insta::assert_snapshot!(
            "dashboard_province_en",
            page(&app, "/dashboard?lang=en", Some(&tinh), 200).await
        );
        insta::assert_snapshot!(
            "dashboard_country",
            page(&app, "/dashboard", Some(&admin), 200).await
        );
        insta::assert_snapshot!(
            "households",
            page(&app, "/households?q=nguyen", Some(&xa), 200).await
        );
        insta::assert_snapshot!(
            "household",
            page(&app, "/households/{hh_in}", Some(&xa), 200).await
        );
        insta::assert_snapshot!("unit", page(&app, "/units/{commune}", Some(&xa), 200).await);
        insta::assert_snapshot!("import", page(&app, "/import", Some(&xa), 200).await);
        insta::assert_snapshot!("reports", page(&app, "/reports", Some(&xa), 200).await);
        insta::assert_snapshot!("rounds", page(&app, "/rounds", Some(&xa), 200).await);
        insta::assert_snapshot!(
            "round",
            page(&app, "/rounds/{round_in}", Some(&xa), 200).await
        );
        insta::assert_snapshot!(
            "survey_form",
            page(&app, "/rounds/{round_in}/survey/{hh_in}", Some(&xa), 200).await
        );
        insta::assert_snapshot!(
            "feedback_empty",
            page(&app, "/feedback", Some(&xa), 200).await
        );
        insta::assert_snapshot!(
            "not_found",
            page(&app, "/households/NONE", Some(&xa), 404).await
        );
        insta::assert_snapshot!(
            "not_found_en",
            page(&app, "/nowhere?lang=en", None, 404).await
        );
        insta::assert_snapshot!(
            "audit_commune",
            page(&app, "/audit", Some(&kiemtoan), 200).await
        );
        insta::assert_snapshot!("audit", page(&app, "/audit", Some(&admin), 200).await);
    });
}

/// The test round run to its posting today, and a complaint sent from the public page.
#[test]
fn posted_round_and_public_pages() {
    let app = app();
    app.post_round_today();
    run(async {
        let p = app.get(&app.fill("/public/{commune}"), None).await;
        insta::assert_snapshot!("public", normalise(&app, &p.body));
        let sent = app.complain(&p, "Bà <b>Hoa</b> & \"Lan\"").await;
        assert_eq!(sent.status.as_u16(), 200, "{}", sent.body);
        insta::assert_snapshot!("public_sent", normalise(&app, &sent.body));
        let xa = app.login("xa").await;
        insta::assert_snapshot!(
            "round_posted",
            page(&app, "/rounds/{round_in}", Some(&xa), 200).await
        );
        insta::assert_snapshot!("feedback", page(&app, "/feedback", Some(&xa), 200).await);
        insta::assert_snapshot!(
            "household_en",
            page(&app, "/households/{hh_in}?lang=en", Some(&xa), 200).await
        );
    });
}
