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
        assert!(r.body.contains("Đặng"), "{}", r.body);
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
            assert!(r.body.contains(&app.hh_in), "{}", r.body);
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
        assert!(vi.body.contains("/20"), "{}", vi.body);
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
            assert!(en.body.contains(&giamngheo_web::html::esc(why)));
        }
        let admin = app.login("admin").await;
        let log = app.get("/audit", Some(&admin)).await;
        assert!(log.body.contains(&format!("household {}", app.hh_in)));
    });
}

#[test]
fn dashboard_reports_and_public_page() {
    let app = app();
    run(async {
        let xa = app.login("xa").await;
        let d = app.get("/dashboard", Some(&xa)).await;
        assert!(d.body.contains("<svg class=\"chart\""));
        assert!(d.body.contains("Tỷ lệ hộ nghèo"));
        assert!(d.body.contains("Xã chậm tiến độ"));
        let csv = app
            .get(
                &format!("/reports/rates.csv?unit={}&from=2016&to=2019", app.commune),
                Some(&xa),
            )
            .await;
        assert!(csv.body.starts_with(
            "unit_code,unit_name,year,standard,households,poor,poor_rate,near_poor,near_poor_rate\n"
        ));
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
    });
}

#[test]
fn trend_chart_svg() {
    let svg = giamngheo_web::html::trend_svg(
        giamngheo_core::Lang::Vi,
        &[2015, 2016, 2017],
        &[
            ("Tỷ lệ hộ nghèo (%)", "poor", vec![7.42, 5.1, 3.0]),
            ("Cận nghèo <b>", "near", vec![4.0, 3.5, 3.1]),
        ],
    );
    insta::assert_snapshot!(svg);
}
