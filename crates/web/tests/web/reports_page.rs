//! The reports page: every report of the command line on screen with its downloads, the unit picked by name,
//! refusals said on the page.

use axum::http::StatusCode;

use crate::harness::app;
use crate::run;

#[test]
fn every_report_of_the_command_line_is_on_the_page_and_in_its_files() {
    let app = app();
    run(async {
        let tinh = app.login("tinh").await;
        // (kind, what the page must hold besides a table, a chart expected)
        let cases: &[(&str, &str, bool)] = &[
            ("rates", "Tỷ lệ hộ nghèo, cận nghèo theo năm", true),
            ("transitions", "Biến động", false),
            ("profile", "Thiếu hụt dịch vụ xã hội cơ bản", true),
            ("compare", "So sánh các đơn vị trực thuộc", false),
            ("ranking", "Xếp hạng các xã", true),
            ("summary", "Tổng hợp kết quả rà soát", false),
            ("poor", "Danh sách hộ nghèo", false),
            ("near-poor", "Danh sách hộ cận nghèo", false),
        ];
        for (kind, words, chart) in cases {
            let q = format!("kind={kind}&unit={}&from=2020&to=2024", app.province);
            let page = app.get(&format!("/reports?{q}"), Some(&tinh)).await;
            assert_eq!(page.status, StatusCode::OK, "{kind}");
            let body = &page.body;
            assert!(!body.contains("role=\"alert\""), "{kind}: {body}");
            assert!(body.contains(words), "{kind}: {body}");
            assert!(body.contains("<table class=\"data\">"), "{kind}: {body}");
            assert_eq!(body.contains("<svg"), *chart, "{kind}: chart");
            // The unit stays chosen by name; the kind stays selected.
            assert!(body.contains(&format!("({})\"", app.province)), "{kind}");
            assert!(
                body.contains(&format!("value=\"{kind}\" selected")),
                "{kind}"
            );
            let csv = app
                .get(&format!("/reports/download.csv?{q}"), Some(&tinh))
                .await;
            assert_eq!(csv.status, StatusCode::OK, "{kind}: {}", csv.body);
            assert!(csv.body.lines().count() > 1, "{kind}: {}", csv.body);
            let xlsx = app
                .get(&format!("/reports/download.xlsx?{q}"), Some(&tinh))
                .await;
            assert_eq!(&xlsx.bytes[..2], b"PK", "{kind}");
            let pdf = app
                .get(&format!("/reports/download.pdf?{q}"), Some(&tinh))
                .await;
            assert_eq!(&pdf.bytes[..5], b"%PDF-", "{kind}");
        }
        // Targets before any are set: said on the page, not an error page.
        let none = app
            .get(
                &format!(
                    "/reports?kind=targets&unit={}&from=2020&to=2024",
                    app.province
                ),
                Some(&tinh),
            )
            .await;
        assert_eq!(none.status, StatusCode::OK);
        none.assert_says("chưa có chỉ tiêu");
        // In English: the names of the reports and the table's labels.
        let en = app
            .get(
                &format!(
                    "/reports?kind=ranking&unit={}&from=2020&to=2024&lang=en",
                    app.province
                ),
                Some(&tinh),
            )
            .await;
        en.assert_says("Communes ranked by reduction");
    });
}

#[test]
fn a_unit_is_picked_by_name_and_refusals_are_said_on_the_page() {
    let app = app();
    run(async {
        let xa = app.login("xa").await;
        // The officer's own commune without typing anything.
        let own = app.get("/reports", Some(&xa)).await;
        own.assert_says("<svg");
        let commune_name = app.with_store(|s| {
            s.unit_by_code(&app.commune, giamngheo_web::today())
                .unwrap()
                .unwrap()
                .name
        });
        // (unit typed, what the page says)
        let cases: Vec<(String, StatusCode, &str)> = vec![
            // By its name without diacritics, and as the list offers it ("Name (code)").
            (
                giamngheo_core::text::fold(&commune_name),
                StatusCode::OK,
                "<figure class=\"chart\">",
            ),
            (
                format!("{commune_name} ({})", app.commune),
                StatusCode::OK,
                "<figure class=\"chart\">",
            ),
            // Nothing of that name.
            (
                "Xã Không Có".into(),
                StatusCode::OK,
                "Không có đơn vị nào tên hoặc mã",
            ),
        ];
        for (typed, status, says) in &cases {
            let q = format!("/reports?kind=rates&unit={}", urlencode(typed));
            let page = app.get(&q, Some(&xa)).await;
            assert_eq!(page.status, *status, "{typed}");
            assert!(page.body.contains(says), "{typed}: {}", page.body);
        }
        // A year without any review: said above the form, the form kept.
        let page = app
            .get(
                &format!("/reports?kind=rates&unit={}&from=2031&to=2032", app.commune),
                Some(&xa),
            )
            .await;
        page.assert_says("role=\"alert\"");
        page.assert_says("không có kết quả rà soát");
        page.assert_says("value=\"2031\"");
        // A unit outside the account's area is refused, on the page and for the files.
        for path in ["/reports", "/reports/download.csv"] {
            let r = app
                .get(
                    &format!("{path}?kind=rates&unit={}", app.commune_out),
                    Some(&xa),
                )
                .await;
            assert!(
                r.status == StatusCode::FORBIDDEN || r.body.contains("role=\"alert\""),
                "{path}: {} {}",
                r.status,
                r.body
            );
            assert!(!r.body.contains("<table class=\"data\">"), "{path}");
        }
    });
}

#[test]
fn several_units_of_one_name_are_offered_to_choose_from() {
    let app = app();
    run(async {
        let tinh = app.login("tinh").await;
        // Villages are named alike across communes: "Thôn 1" names several in the province.
        let page = app
            .get("/reports?kind=rates&unit=Th%C3%B4n%201", Some(&tinh))
            .await;
        page.assert_says("Nhiều đơn vị trùng tên");
        assert!(
            page.body
                .matches("href=\"/reports?kind=rates&amp;unit=")
                .count()
                >= 2
        );
        // The download cannot choose for the officer.
        let csv = app
            .get(
                "/reports/download.csv?kind=rates&unit=Th%C3%B4n%201",
                Some(&tinh),
            )
            .await;
        assert_eq!(csv.status, StatusCode::BAD_REQUEST);
    });
}

fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
