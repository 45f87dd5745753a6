//! The pages on the screens people have: the public page on a phone (360 px wide) and the staff pages on a
//! tablet (1024 px). Nothing may run off the screen (the page is never wider than the window), the chart's
//! text stays legible once the SVG is scaled to the phone, and every menu entry is on the screen. Screenshots:
//! `target/screenshots/phone-*.png` and `tablet-*.png`.

use super::{Driver, serve};
use crate::harness::{PASSWORD, app};

/// The smallest text of the page's charts as drawn on the screen, in CSS pixels (the SVG's font size times
/// its scale).
fn smallest_chart_text(d: &Driver) -> f64 {
    let v = d.script(
        "let min = 1e9; for (const t of document.querySelectorAll('.chart svg text')) { \
           const ctm = t.ownerSVGElement.getScreenCTM(); \
           if (!t.textContent.trim() || !ctm || !t.getClientRects().length) continue; \
           const scale = ctm.a; \
           min = Math.min(min, parseFloat(getComputedStyle(t).fontSize) * scale); } \
         return min;",
    );
    v.as_f64().unwrap()
}

/// The lines a cell's text takes, for the widest of the cells `css` matches.
fn most_lines(d: &Driver, css: &str) -> f64 {
    let js = format!(
        "let most = 0; for (const c of document.querySelectorAll({})) {{ \
           const r = document.createRange(); r.selectNodeContents(c); \
           const lh = parseFloat(getComputedStyle(c).lineHeight) || 20; \
           most = Math.max(most, r.getBoundingClientRect().height / lh); }} \
         return most;",
        serde_json::json!(css)
    );
    d.script(&js).as_f64().unwrap()
}

/// A browser whose window is `width` × `height` CSS pixels, the size of a `name` (phone, tablet).
fn screen(width: u32, height: u32, name: &str) -> Driver {
    let d = Driver::start(&std::env::temp_dir());
    d.resize(width, height);
    let inner = d.script("return window.innerWidth;").as_i64().unwrap();
    assert_eq!(inner, i64::from(width), "the window is a {name}'s width");
    d
}

/// Every menu entry inside the window.
fn menu_off_screen(d: &Driver) -> Vec<String> {
    let v = d.script(
        "return [...document.querySelectorAll('header.top a, header.top button')] \
           .filter(a => { const r = a.getBoundingClientRect(); return r.left < 0 || r.right > window.innerWidth; }) \
           .map(a => a.textContent.trim());",
    );
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn the_public_page_fits_a_phone_and_its_chart_is_legible_in_chromium() {
    let app = app();
    let base = serve(&app);
    let d = screen(360, 780, "phone");
    for (lang, query) in [("vi", ""), ("en", "?lang=en")] {
        d.go(&format!("{base}/public/{}{query}", app.commune));
        d.wait_source("<svg");
        d.screenshot(&format!("phone-public-{lang}"));
        assert_eq!(
            d.overflow(),
            None,
            "{lang}: the public page runs off a phone"
        );
        let smallest = smallest_chart_text(&d);
        // The axes and the legend are drawn at 10 units, the standard-change mark at 9.
        assert!(
            smallest >= 9.0,
            "{lang}: the chart's smallest text is {smallest:.1} px on a phone"
        );
        let lines = most_lines(&d, "table.rates td:nth-child(2)");
        assert!(
            lines < 2.5,
            "{lang}: a standard's name takes {lines:.1} lines on a phone"
        );
        d.scroll_to("table.rates");
        d.screenshot(&format!("phone-public-table-{lang}"));
    }
}

#[test]
fn staff_pages_fit_a_tablet_in_chromium() {
    let app = app();
    let base = serve(&app);
    let d = screen(1024, 768, "tablet");
    // (account, pages): the officer's pages, and the province's and the administrator's wider ones.
    let cases: [(&str, Vec<String>); 3] = [
        (
            "xa",
            vec![
                "/dashboard".into(),
                "/households".into(),
                format!("/households/{}", app.hh_in),
                "/rounds".into(),
                format!("/rounds/{}", app.round_in),
                format!("/rounds/{}/survey/{}", app.round_in, app.hh_in),
                "/import".into(),
                "/reports".into(),
                "/forecast".into(),
                "/plan".into(),
                "/feedback".into(),
                format!("/units/{}", app.commune),
            ],
        ),
        (
            "tinh",
            vec![
                "/dashboard".into(),
                format!("/units/{}", app.province),
                "/reports".into(),
            ],
        ),
        ("admin", vec!["/dashboard".into(), "/audit".into()]),
    ];
    for (account, pages) in cases {
        d.go(&format!("{base}/login"));
        d.type_into("#name", account);
        d.type_into("#password", PASSWORD);
        d.click("button[type=submit]");
        d.wait_url("/dashboard");
        // In Vietnamese, then in English (longer menu labels); the language is kept by a cookie.
        for lang in ["vi", "en"] {
            for (i, page) in pages.iter().enumerate() {
                let switch = if i == 0 {
                    format!("?lang={lang}")
                } else {
                    String::new()
                };
                d.go(&format!("{base}{page}{switch}"));
                d.wait_source("</main>");
                let name = page.trim_start_matches('/').replace('/', "-");
                d.screenshot(&format!("tablet-{lang}-{account}-{name}"));
                assert_eq!(
                    d.overflow(),
                    None,
                    "{lang} {account} {page}: the page runs off a tablet"
                );
                assert_eq!(
                    menu_off_screen(&d),
                    Vec::<String>::new(),
                    "{lang} {account} {page}: menu entries off the screen"
                );
            }
        }
        d.go(&format!("{base}/dashboard?lang=vi"));
        d.click("header.top form button");
        d.wait_url("/login");
    }
}
