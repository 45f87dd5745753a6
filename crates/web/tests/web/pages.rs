//! What the pages say: Vietnamese first, folded search, Vietnamese order, explanations, reports, the public
//! page and its feedback form, reads of personal data in the access log.

use crate::harness::app;
use crate::run;

#[test]
fn search_ignores_accents_and_case_and_sorts_in_vietnamese_order() {
    let app = app();
    run(async {
        let admin = app.login("admin").await;
        for q in ["nguyen van", "NGUYỄN VĂN", "Nguyễn Văn"] {
            let r = app
                .get(
                    &format!("/api/households?q={}", giamngheo_web::html::url(q)),
                    Some(&admin),
                )
                .await;
            let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
            let names: Vec<&str> = v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["name"].as_str().unwrap())
                .collect();
            assert!(!names.is_empty(), "{q}");
            assert!(
                names.iter().all(|n| n.starts_with("Nguyễn Văn")),
                "{q}: {names:?}"
            );
            let mut sorted = names.clone();
            giamngheo_web::collate::sort_by_name(&mut sorted, |s| s);
            assert_eq!(names, sorted);
        }
        // "d" finds "Đ".
        let r = app.get("/api/households?q=dang", Some(&admin)).await;
        r.assert_says("Đặng");
        // A citizen ID finds its person.
        let h = app
            .get(&format!("/api/households/{}", app.hh_in), Some(&admin))
            .await;
        let v: serde_json::Value = serde_json::from_str(&h.body).unwrap();
        if let Some(cid) = v["members"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|m| m["citizen_id"].as_str())
        {
            let r = app
                .get(&format!("/api/households?q={cid}"), Some(&admin))
                .await;
            r.assert_says(&app.hh_in);
        }
    });
}

#[test]
fn household_page_in_both_languages_and_the_read_is_logged() {
    let app = app();
    run(async {
        let xa = app.login("xa").await;
        let vi = app
            .get(&format!("/households/{}", app.hh_in), Some(&xa))
            .await;
        assert!(vi.body.contains("<html lang=\"vi\">"));
        assert!(vi.body.contains("Thành viên") && vi.body.contains("Kết quả rà soát"));
        assert!(vi.body.contains("chủ hộ"));
        // Dates dd/mm/yyyy.
        vi.assert_says("/20");
        let en = app
            .get(&format!("/households/{}?lang=en", app.hh_in), Some(&xa))
            .await;
        assert!(en.body.contains("Members") && en.body.contains("Reviews"));
        assert!(
            en.headers
                .get_all("set-cookie")
                .iter()
                .any(|c| c.to_str().unwrap().starts_with("lang=en"))
        );
        // Explained in English by the classifier (the stored reason is Vietnamese).
        let api = app
            .get(&format!("/api/households/{}?lang=en", app.hh_in), Some(&xa))
            .await;
        let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
        for r in v["reviews"].as_array().unwrap() {
            let why = r["explanation"].as_str().unwrap();
            assert!(why.contains("income") || why.contains("score"), "{why}");
            assert!(en.body.contains(&maud::html! { (why) }.into_string()));
        }
        let admin = app.login("admin").await;
        let log = app.get("/audit", Some(&admin)).await;
        assert!(
            log.body.contains(&format!("hộ {}", app.hh_in)),
            "the read, its target in words"
        );
        // The chain's head as the checkpoints name it (entries · the hash's first 12 hex digits): the head of
        // the log when the page was made, so entry number `count` of the log has that hash.
        log.assert_says("Chuỗi băm nguyên vẹn");
        let shown = log.body.split("đầu chuỗi <code>").nth(1).unwrap();
        let shown = &shown[..shown.find("</code>").unwrap()];
        let (count, short) = shown.split_once(" · ").unwrap();
        let count: i64 = count.parse().unwrap();
        let entries = app.with_store(|s| s.audit_entries(count, 1, None).unwrap());
        assert_eq!(entries[0].0.seq, count);
        assert_eq!(&entries[0].1[..12], short);
    });
}

#[test]
fn dashboard_reports_and_public_page() {
    let app = app();
    run(async {
        let xa = app.login("xa").await;
        let d = app.get("/dashboard", Some(&xa)).await;
        assert!(d.body.contains("<div class=\"chart wide\"><svg"));
        assert!(d.body.contains("Tỷ lệ hộ nghèo"));
        assert!(d.body.contains("Xã chậm tiến độ"));
        let csv = app
            .get(
                &format!("/reports/rates.csv?unit={}&from=2016&to=2019", app.commune),
                Some(&xa),
            )
            .await;
        // The command line's table (giamngheo_app::reports::rates_table): the required columns, then urban,
        // rural and ethnic-minority households.
        assert!(
            csv.body.starts_with(
                "unit_code,unit_name,year,households,poor,poor_rate,near_poor,near_poor_rate,standard,standard_changed,urban_households,"
            ),
            "{}",
            csv.body
        );
        assert_eq!(csv.body.lines().count(), 5, "{}", csv.body);
        let xlsx = app
            .get(
                &format!("/reports/rates.xlsx?unit={}&from=2016&to=2019", app.commune),
                Some(&xa),
            )
            .await;
        assert_eq!(&xlsx.bytes[..2], b"PK");
        // The public page: figures, no names, no ID numbers, and a form that works once.
        let p = app.get(&format!("/public/{}", app.commune), None).await;
        assert!(p.body.contains("Tỷ lệ hộ nghèo"));
        assert!(!p.body.contains("Nguyễn"));
        let pre = p.cookie("gn_pre").unwrap();
        let fields = [
            ("csrf", p.form_token()),
            ("kind", "complaint".into()),
            ("household", app.hh_in.clone()),
            ("name", "Bà <b>Hoa</b>".into()),
            ("contact", "".into()),
            ("message", "Nhà tôi bị xếp sai".into()),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let uri = format!("/public/{}/feedback", app.commune);
        let ok = app.post_form(&uri, &format!("gn_pre={pre}"), &fields).await;
        assert_eq!(ok.status.as_u16(), 200, "{}", ok.body);
        // The answer replaces the cookie: the same post again is refused.
        let new_pre = ok.cookie("gn_pre").unwrap();
        assert_eq!(
            app.post_form(&uri, &format!("gn_pre={new_pre}"), &fields)
                .await
                .status
                .as_u16(),
            403
        );
        assert_eq!(app.post_form(&uri, "", &fields).await.status.as_u16(), 403);
        // The commune sees it, escaped, and so does its province.
        let list = app.get("/feedback", Some(&xa)).await;
        assert!(list.body.contains("Nhà tôi bị xếp sai"));
        assert!(list.body.contains("Bà &lt;b&gt;Hoa&lt;/b&gt;"));
        let tinh = app.login("tinh").await;
        assert!(
            app.get("/feedback", Some(&tinh))
                .await
                .body
                .contains("Nhà tôi bị xếp sai")
        );
    });
}

#[test]
fn rates_section_html() {
    let rate =
        |year, standard: &str, households, poor, near_poor| giamngheo_store::rates::YearRate {
            year,
            standard_id: Some(standard.to_owned()),
            households,
            poor,
            near_poor,
            urban: Default::default(),
            rural: Default::default(),
            ethnic_minority: Default::default(),
            communes: 3,
            communes_reported: 3,
            undecided: 0,
        };
    let rates = [
        rate(2020, "vn-2016-2020", 12_345, 916, 700),
        rate(2021, "vn-2016-2020", 12_400, 620, 650),
        rate(2022, "vn-2022-2025", 12_480, 1_010, 820),
    ];
    let html = giamngheo_web::layout::rates_section(giamngheo_core::Lang::Vi, &rates).into_string();
    // Vietnamese numbers (12.345; 7,42) and the change of standard named.
    for needle in ["12.345", "7,42", "2021 → 2022"] {
        assert!(html.contains(needle), "{needle}: {html}");
    }
    insta::assert_snapshot!(html.replace("><", ">\n<"));
}

#[test]
fn a_survey_entered_in_the_browser_names_a_bad_field_then_shows_the_class_explained() {
    let app = app();
    run(async {
        let xa = app.login("xa").await;
        let round = app.round_page(&xa).await;
        round.assert_says(&app.hh_in);
        round.assert_says("Nhập phiếu");
        let uri = format!("/rounds/{}/survey/{}", app.round_in, app.hh_in);
        let form = app.get(&uri, Some(&xa)).await;
        let version = {
            let i = form.body.find("name=\"version\" value=\"").unwrap();
            let rest = &form.body[i + 22..];
            rest[..rest.find('"').unwrap()].to_owned()
        };
        let post = |token: String, income: &'static str| {
            vec![
                ("csrf", token),
                ("version", version.clone()),
                ("area", "rural".to_owned()),
                ("income", income.to_owned()),
                ("d0", "1".to_owned()),
                ("d2", "1".to_owned()),
                ("d5", "1".to_owned()),
            ]
        };
        let fields = post(form.form_token(), "1,2 triệu");
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let bad = app.post_form(&uri, &xa, &f).await;
        assert_eq!(bad.status.as_u16(), 422, "{}", bad.body);
        bad.assert_says("Thu nhập bình quân đầu người (income)");
        assert!(
            bad.body.contains("value=\"1,2 triệu\""),
            "the form comes back as it was sent"
        );
        let fields = post(bad.form_token(), "1200000");
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let ok = app.post_form(&uri, &xa, &f).await;
        assert_eq!(ok.status.as_u16(), 200, "{}", ok.body);
        ok.assert_says("hộ nghèo");
        assert!(
            ok.body.contains("1.200.000"),
            "the reason names the income against the line: {}",
            ok.body
        );
        // The same form sent again (another officer's stale copy): told, nothing changed.
        let again = app.get(&uri, Some(&xa)).await;
        let fields = post(again.form_token(), "3000000");
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let stale = app.post_form(&uri, &xa, &f).await;
        assert_eq!(stale.status.as_u16(), 422, "{}", stale.body);
        stale.assert_says("vừa được người khác sửa");
        let round = app.round_page(&xa).await;
        round.assert_says("đã rà soát, chờ họp dân");
        // The village meeting from the round's page: more votes than attendees is refused, then agreed.
        let uri = format!("/rounds/{}/meeting", app.round_in);
        let (for_key, against_key) = (
            format!("for_{}", app.hh_in),
            format!("against_{}", app.hh_in),
        );
        let meeting = |token: String, yes: &str| {
            vec![
                ("csrf".to_owned(), token),
                ("date".to_owned(), String::new()),
                ("attendees".to_owned(), "30".to_owned()),
                ("chair".to_owned(), "Trưởng thôn".to_owned()),
                ("secretary".to_owned(), "Thư ký".to_owned()),
                (for_key.clone(), yes.to_owned()),
                (against_key.clone(), "5".to_owned()),
            ]
        };
        let fields = meeting(round.form_token(), "26");
        let f: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let over = app.post_form(&uri, &xa, &f).await;
        assert_eq!(over.status.as_u16(), 422, "{}", over.body);
        assert!(
            over.body
                .contains("số phiếu (31) lớn hơn số người dự họp (30)"),
            "{}",
            over.body
        );
        let round = app.round_page(&xa).await;
        let fields = meeting(round.form_token(), "20");
        let f: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let agreed = app.post_form(&uri, &xa, &f).await;
        assert_eq!(agreed.status.as_u16(), 200, "{}", agreed.body);
        agreed.assert_says("1 hộ được thống nhất");
    });
}

#[test]
fn the_public_page_posts_the_list_masked_and_takes_complaints_into_the_round() {
    use giamngheo_core::round::Role;
    use giamngheo_store::audit::Actor;
    let app = app();
    let today = giamngheo_web::today();
    // Run the test round to its posting, today.
    app.post_round_today();
    run(async {
        let p = app.get(&format!("/public/{}", app.commune), None).await;
        p.assert_says("Danh sách niêm yết công khai năm");
        p.assert_says("hộ nghèo");
        assert!(
            !p.body.contains("Nguyễn") && !p.body.contains("Lê ") && !p.body.contains("Trần "),
            "names are masked"
        );
        assert!(!p.body.contains(&app.hh_in), "no household codes either");
        let ok = app.complain(&p, "Bà Hoa").await;
        assert_eq!(ok.status.as_u16(), 200, "{}", ok.body);
    });
    let mut s = app.store();
    let complaints = s.complaints(app.round_in).unwrap();
    assert_eq!(complaints.len(), 1);
    assert!(complaints[0].complainant.starts_with("Bà Hoa") && complaints[0].outcome.is_none());
    // Ten days later, as it were: the posting period is over (a decision cannot be dated in the future, so
    // the round's posting is moved into the past instead of the decision into the future).
    s.conn()
        .execute(
            "UPDATE review_round SET posted_on = $1, posting_ends = $2 WHERE id = $3",
            &[
                today.add_days(-10).iso().into(),
                today.add_days(-5).iso().into(),
                app.round_in.into(),
            ],
        )
        .unwrap();
    // The decision now waits for the answer.
    let refused = s.decide_round(
        &Actor::new("test", Role::CommuneOfficer, "cli"),
        app.round_in,
        today,
        "1/QĐ-UBND",
        "Chủ tịch",
    );
    assert!(
        matches!(
            refused,
            Err(giamngheo_store::StoreError::Procedure(
                giamngheo_core::round::RoundError::OpenComplaints { count: 1 }
            ))
        ),
        "{refused:?}"
    );
    drop(s);
    // The commune officer answers it from the round's page; then the decision goes through.
    run(async {
        let xa = app.login("xa").await;
        let page = app.round_page(&xa).await;
        page.assert_says("Bà Hoa");
        page.assert_says("Gửi trả lời");
        let needle = "name=\"complaint\" value=\"";
        let i = page.body.find(needle).unwrap();
        let rest = &page.body[i + needle.len()..];
        let complaint = rest[..rest.find('"').unwrap()].to_owned();
        let fields = [
            ("csrf", page.form_token()),
            ("complaint", complaint),
            ("outcome", "rejected".to_owned()),
            ("answer", "Hộ đã được rà soát đúng quy định".to_owned()),
        ];
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app
            .post_form(&format!("/rounds/{}/answer", app.round_in), &xa, &f)
            .await;
        assert_eq!(r.status.as_u16(), 200, "{}", r.body);
        // Another round's URL for the same complaint: not found.
        let again = app.round_page(&xa).await;
        let fields = [
            ("csrf", again.form_token()),
            ("complaint", f[1].1.to_owned()),
            ("outcome", "upheld".to_owned()),
            ("answer", "x".to_owned()),
        ];
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app
            .post_form(&format!("/rounds/{}/answer", app.round_out), &xa, &f)
            .await;
        assert_eq!(r.status.as_u16(), 404, "{}", r.body);
    });
    let mut s = app.store();
    assert_eq!(
        s.complaints(app.round_in).unwrap()[0].outcome,
        Some(giamngheo_core::complaint::ComplaintOutcome::Rejected)
    );
    let decided = s
        .decide_round(
            &Actor::new("test", Role::CommuneOfficer, "cli"),
            app.round_in,
            today,
            "1/QĐ-UBND",
            "Chủ tịch",
        )
        .unwrap();
    assert_eq!(decided.decided, 2);
}

#[test]
fn round_steps_in_the_browser_are_refused_with_their_reason() {
    let app = app();
    run(async {
        let xa = app.login("xa").await;
        let page = app.round_page(&xa).await;
        page.assert_says("Niêm yết công khai từ hôm nay");
        let uri = format!("/rounds/{}/post", app.round_in);
        let fields = [
            ("csrf", page.form_token()),
            ("places", "Nhà văn hóa".to_owned()),
            ("confirm", "1".to_owned()),
        ];
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        // Households still to survey: the posting is refused, with the count and the step named.
        let r = app.post_form(&uri, &xa, &f).await;
        assert_eq!(r.status.as_u16(), 422, "{}", r.body);
        r.assert_says("còn 2 hộ ở bước");
        // The same token again: refused as a replay.
        assert_eq!(app.post_form(&uri, &xa, &f).await.status.as_u16(), 403);
        // A village reviewer sees no such form and may not post.
        let thon = app.login("thon").await;
        let page = app.round_page(&thon).await;
        assert!(!page.body.contains("Niêm yết công khai từ hôm nay"));
        let fields = [("csrf", page.form_token()), ("places", "x".to_owned())];
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(app.post_form(&uri, &thon, &f).await.status.as_u16(), 403);
        // Another commune's round: not found.
        let other = format!("/rounds/{}/post", app.round_out);
        let page = app.round_page(&xa).await;
        let fields = [("csrf", page.form_token()), ("places", "x".to_owned())];
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(app.post_form(&other, &xa, &f).await.status.as_u16(), 404);
    });
}

#[test]
fn moments_are_shown_in_vietnams_time() {
    let cases = [
        ("2026-12-05T08:02:33Z", "05/12/2026 15:02:33"),
        ("2026-12-04T17:00:00Z", "05/12/2026 00:00:00"),
        ("2026-12-31T23:59:59Z", "01/01/2027 06:59:59"),
        ("not a time", "not a time"),
    ];
    for (utc, shown) in cases {
        assert_eq!(giamngheo_web::html::moment(utc), shown, "{utc}");
    }
    use giamngheo_core::Lang;
    use giamngheo_core::complaint::{ComplaintChannel, ComplaintOutcome};
    assert_eq!(ComplaintOutcome::Rejected.name(Lang::Vi), "không chấp nhận");
    assert_eq!(ComplaintChannel::InPerson.name(Lang::Vi), "trực tiếp");
    assert_eq!(ComplaintChannel::Web.name(Lang::En), "public page");
}

/// The forecast and the plan pages show the app's tables, the chart and the headline, in both languages.
#[test]
fn forecast_and_plan_pages_show_the_tables_the_command_line_writes() {
    let app = app();
    run(async {
        let xa = app.login("xa").await;
        let r = app
            .get(&app.fill("/forecast?unit={commune}&growth=3"), Some(&xa))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        for text in [
            "Dự báo hộ nghèo",
            "Nguyên nhân thay đổi",
            "Hỗ trợ cần có",
            "Hộ cần rà soát thêm",
            "<svg",
            "Thu nhập tăng 3,0 %/năm",
        ] {
            assert!(r.body.contains(text), "{text}");
        }
        let r = app
            .get(&app.fill("/plan?unit={commune}&lang=en"), Some(&xa))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        for text in ["Graduation plan", "Cheapest way", "Poor rate after (%)"] {
            assert!(r.body.contains(text), "{text}");
        }
    });
}
