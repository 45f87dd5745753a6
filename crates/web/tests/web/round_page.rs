//! The round's page, task first: what is left to do with its counts, the households filtered and paged,
//! confirmations before the steps that cannot be undone, forms that keep what was typed, and a decided round
//! that can only be read.

use crate::harness::{Reply, app, officer};
use crate::run;

fn fields<'a>(f: &'a [(&'a str, String)]) -> Vec<(&'a str, &'a str)> {
    f.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// The household rows of the page's table.
fn rows(page: &Reply) -> usize {
    page.body
        .matches("<td class=\"code\"><a href=\"/households/")
        .count()
}

/// The value of the `<option>` whose text is `text`.
fn option_value(page: &Reply, text: &str) -> String {
    let end = page
        .body
        .find(&format!("\">{text}</option>"))
        .unwrap_or_else(|| panic!("option {text}: {}", page.body));
    let start = page.body[..end].rfind("value=\"").unwrap() + "value=\"".len();
    page.body[start..end].to_owned()
}

#[test]
fn a_posted_round_with_a_complaint_says_what_is_left_and_refuses_posting_again() {
    let app = app();
    let today = giamngheo_web::today();
    app.post_round_today();
    app.store()
        .add_complaint(
            &officer(),
            app.round_in,
            &giamngheo_store::rounds::NewComplaint {
                household_code: Some(
                    giamngheo_core::ids::HouseholdCode::parse(&app.hh_in).unwrap(),
                ),
                received_on: today,
                complainant: "Bà Hoa".into(),
                channel: giamngheo_core::complaint::ComplaintChannel::InPerson,
                content: "Đề nghị xem lại.".into(),
            },
        )
        .unwrap();
    let round = format!("/rounds/{}", app.round_in);
    run(async {
        let xa = app.login("xa").await;
        let page = app.get(&round, Some(&xa)).await;
        assert_eq!(page.status.as_u16(), 200);
        let ends = app.with_store(|s| s.round(app.round_in).unwrap().posting_ends.unwrap());
        let left = today.days_until(ends) + 1;
        for text in [
            "Việc cần làm".to_owned(),
            "Bước hiện tại: <strong>Chủ tịch UBND xã ra quyết định công nhận</strong>".to_owned(),
            "<a href=\"#complaints\">1 khiếu nại, phản ánh cần trả lời</a>".to_owned(),
            format!(
                "{}: <strong>còn {left} ngày, kể cả hôm nay</strong>",
                ends.vi()
            ),
            format!("ghi từ ngày {}", ends.add_days(1).vi()),
            "(sau khi trả lời hết khiếu nại)".to_owned(),
            "<h2 id=\"complaints\">".to_owned(),
            "trực tiếp".to_owned(),
        ] {
            assert!(page.body.contains(&text), "{text}: {}", page.body);
        }
        for absent in [
            "chưa rà soát</a>",
            "in_person",
            "Niêm yết công khai từ hôm nay",
            "qd24",
        ] {
            assert!(!page.body.contains(absent), "{absent}: {}", page.body);
        }
        let en = app.get(&format!("{round}?lang=en"), Some(&xa)).await;
        for text in [
            "What is left to do".to_owned(),
            "Current step: <strong>".to_owned(),
            "<a href=\"#complaints\">Complaints to answer: 1</a>".to_owned(),
            format!("<strong>days left, today included: {left}</strong>"),
            "in person".to_owned(),
        ] {
            assert!(en.body.contains(&text), "{text}: {}", en.body);
        }
        for absent in ["in_person", "Việc cần làm", "khiếu nại"] {
            assert!(!en.body.contains(absent), "{absent}: {}", en.body);
        }
        // Posting again from a stale page or a crafted post: refused by the server, in both languages.
        let post = format!("{round}/post");
        for (lang, said) in [
            ("", "kết quả đã được niêm yết công khai"),
            ("?lang=en", "the results are already posted"),
        ] {
            let page = app.get(&format!("{round}{lang}"), Some(&xa)).await;
            let f = [
                ("csrf", page.form_token()),
                ("places", "Nhà văn hóa".to_owned()),
                ("confirm", "1".to_owned()),
            ];
            let r = app
                .post_form(&format!("{post}{lang}"), &xa, &fields(&f))
                .await;
            assert_eq!(r.status.as_u16(), 422, "{}", r.body);
            assert!(r.body.contains(said), "{said}: {}", r.body);
        }
        assert_eq!(
            app.with_store(|s| s.round(app.round_in).unwrap().posting_ends),
            Some(ends),
            "the posting period did not restart"
        );
    });
}

#[test]
fn households_are_filtered_by_village_and_result_and_paged_in_counting_order() {
    let app = app();
    // 55 households in "Xóm 10" and 3 in "Xóm 2", imported today and put on the round.
    let mut csv = String::from(
        "household_code,commune_code,village,area,address,full_name,relation,sex,birth_date,ethnicity,citizen_id\n",
    );
    let mut codes = Vec::new();
    for i in 0..58 {
        let village = if i < 55 { "Xóm 10" } else { "Xóm 2" };
        let code = format!("XOM-{i:03}");
        // Names of letters only: a name with digits is refused.
        let given = [
            "An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Khoa", "Long", "Minh", "Nam",
        ];
        let middle = ["Văn", "Đức", "Hữu", "Quang", "Minh", "Thanh"];
        csv.push_str(&format!(
            "{code},{},{village},rural,,Trần {} {},head,male,1980-01-01,Kinh,\n",
            app.commune,
            middle[i / 10],
            given[i % 10]
        ));
        codes.push(code);
    }
    run(async {
        let xa = app.login("xa").await;
        let r = app.import(&xa, "xom.csv", csv.as_bytes()).await;
        assert_eq!(r.status.as_u16(), 200, "{}", r.body);
    });
    let today = giamngheo_web::today();
    {
        let mut s = app.store();
        for code in &codes {
            s.add_request(
                &officer(),
                app.round_in,
                code,
                giamngheo_store::rounds::CaseSource::Request,
                today,
            )
            .unwrap();
        }
    }
    app.survey(&["XOM-055", "XOM-056"], today);
    let round = format!("/rounds/{}", app.round_in);
    run(async {
        let xa = app.login("xa").await;
        let page = app.get(&round, Some(&xa)).await;
        // Villages in counting order, household codes on one line.
        let two = page.body.find(">Xóm 2</option>").expect("Xóm 2");
        let ten = page.body.find(">Xóm 10</option>").expect("Xóm 10");
        assert!(two < ten, "Xóm 2 before Xóm 10");
        assert_eq!(rows(&page), 50, "the first page of 60 households");
        page.assert_says("Trang 1/2");
        let xom2 = option_value(&page, "Xóm 2");
        let xom10 = option_value(&page, "Xóm 10");
        // (query, rows on the page, a text the page shows)
        let cases = [
            (format!("village={xom10}"), 50, "Hộ 1–50 trên 55"),
            (format!("village={xom10}&page=2"), 5, "Hộ 51–55 trên 55"),
            (format!("village={xom10}&page=9"), 5, "Trang 2/2"),
            (format!("village={xom2}"), 3, "Hộ 1–3 trên 3"),
            (format!("village={xom2}&result=poor"), 2, "Hộ 1–2 trên 2"),
            (format!("village={xom2}&result=todo"), 1, "XOM-057"),
            (
                format!("village={xom10}&result=poor"),
                0,
                "Không có hộ nào khớp bộ lọc.",
            ),
            ("result=todo&page=2".to_owned(), 8, "Hộ 51–58 trên 58"),
            ("village=x&result=nonsense".to_owned(), 50, "Trang 1/2"),
        ];
        for (query, n, text) in cases {
            let p = app.get(&format!("{round}?{query}"), Some(&xa)).await;
            assert_eq!(p.status.as_u16(), 200, "{query}");
            assert_eq!(rows(&p), n, "{query}");
            assert!(p.body.contains(text), "{query}: {text}: {}", p.body);
        }
        // The pager keeps the filters.
        let p = app
            .get(&format!("{round}?village={xom10}"), Some(&xa))
            .await;
        assert!(
            p.body.contains(&format!(
                "href=\"/rounds/{}?village={xom10}&amp;page=2#households\"",
                app.round_in
            )),
            "{}",
            p.body
        );
        assert!(
            p.body
                .contains("<td class=\"code\"><a href=\"/households/XOM-000\">")
        );
    });
}

#[test]
fn a_decided_round_can_only_be_read() {
    let app = app();
    let opened = app.store().round(app.round_in).unwrap().opened_on;
    app.post_round_in(&app.in_round(), |n| opened.add_days(n));
    let round = format!("/rounds/{}", app.round_in);
    run(async {
        let xa = app.login("xa").await;
        let page = app.get(&round, Some(&xa)).await;
        // The decision needs its box ticked; refused, the form comes back as typed with the reason beside.
        let f = [
            ("csrf", page.form_token()),
            ("date", String::new()),
            ("number", "12/QĐ-UBND".to_owned()),
            ("signed_by", "Nguyễn Văn Chủ".to_owned()),
        ];
        let r = app
            .post_form(&format!("{round}/decide"), &xa, &fields(&f))
            .await;
        assert_eq!(r.status.as_u16(), 422, "{}", r.body);
        for text in [
            "Hãy đánh dấu ô xác nhận (confirm)",
            "value=\"12/QĐ-UBND\"",
            "value=\"Nguyễn Văn Chủ\"",
        ] {
            assert!(r.body.contains(text), "{text}: {}", r.body);
        }
        assert!(app.with_store(|s| s.round(app.round_in).unwrap().decided_on.is_none()));
        // A missing signatory: the number stays, the reason sits beside the signatory's field.
        let f = [
            ("csrf", r.form_token()),
            ("number", "12/QĐ-UBND".to_owned()),
            ("signed_by", " ".to_owned()),
            ("confirm", "1".to_owned()),
        ];
        let r = app
            .post_form(&format!("{round}/decide"), &xa, &fields(&f))
            .await;
        assert_eq!(r.status.as_u16(), 422, "{}", r.body);
        r.assert_says("<p class=\"error\" role=\"alert\">Cần ghi người ký (signed_by).</p><input id=\"signed_by\"");
        assert!(r.body.contains("value=\"12/QĐ-UBND\""));
        let f = [
            ("csrf", r.form_token()),
            ("number", "12/QĐ-UBND".to_owned()),
            ("signed_by", "Nguyễn Văn Chủ".to_owned()),
            ("confirm", "1".to_owned()),
        ];
        let r = app
            .post_form(&format!("{round}/decide"), &xa, &fields(&f))
            .await;
        assert_eq!(r.status.as_u16(), 200, "{}", r.body);
        // Once decided: the number, the date and the signatory at the top; no form but the certificates'.
        let today = giamngheo_web::today();
        let page = app.get(&round, Some(&xa)).await;
        page.assert_says(&format!(
            "số <span class=\"code\">12/QĐ-UBND</span> ngày {}, người ký Nguyễn Văn Chủ",
            today.vi()
        ));
        for absent in [
            "Nhập phiếu",
            "/screen\"",
            "/request\"",
            "/post\"",
            "/decide\"",
            "/meeting\"",
        ] {
            assert!(!page.body.contains(absent), "{absent}: {}", page.body);
        }
        // The survey of a household: values to read, no form, no button.
        let survey = app
            .get(&format!("{round}/survey/{}", app.hh_in), Some(&xa))
            .await;
        assert_eq!(survey.status.as_u16(), 200, "{}", survey.body);
        let main = &survey.body[survey.body.find("<main>").unwrap()..];
        assert!(
            !main.contains("<form") && !main.contains("<button"),
            "{main}"
        );
        assert!(
            main.contains("phiếu chỉ để xem") && main.contains("hộ nghèo"),
            "{main}"
        );
        // Certificates need their box ticked too.
        let f = [("csrf", page.form_token())];
        let r = app
            .post_form(&format!("{round}/certificates"), &xa, &fields(&f))
            .await;
        assert_eq!(r.status.as_u16(), 422, "{}", r.body);
        r.assert_says("Hãy đánh dấu ô xác nhận");
    });
}

#[test]
fn refused_survey_and_answer_forms_keep_what_was_typed() {
    let app = app();
    let round = format!("/rounds/{}", app.round_in);
    let survey = format!("{round}/survey/{}", app.hh_in);
    run(async {
        let xa = app.login("xa").await;
        // A survey with an income that is not a number: the form comes back filled, the reason beside it.
        let page = app.get(&survey, Some(&xa)).await;
        page.assert_says("<button type=\"submit\">");
        let needle = "name=\"version\" value=\"";
        let i = page.body.find(needle).unwrap() + needle.len();
        let version = page.body[i..i + page.body[i..].find('"').unwrap()].to_owned();
        let f = [
            ("csrf", page.form_token()),
            ("version", version),
            ("area", "urban".to_owned()),
            ("income", "hai triệu".to_owned()),
            ("d1", "1".to_owned()),
        ];
        let r = app.post_form(&survey, &xa, &fields(&f)).await;
        assert_eq!(r.status.as_u16(), 422, "{}", r.body);
        for text in [
            "value=\"hai triệu\"",
            "<option value=\"urban\" selected>",
            "name=\"d1\" value=\"1\" checked>",
        ] {
            assert!(r.body.contains(text), "{text}: {}", r.body);
        }
        let error = r
            .body
            .find("role=\"alert\">Thu nhập bình quân")
            .expect("the reason");
        let field = r.body.find("<input id=\"income\"").unwrap();
        let label = r.body.find("<label for=\"income\">").unwrap();
        assert!(
            label < error && error < field,
            "the reason beside the income: {}",
            r.body
        );
    });
    let today = giamngheo_web::today();
    app.post_round_today();
    let complaint = app
        .store()
        .add_complaint(
            &officer(),
            app.round_in,
            &giamngheo_store::rounds::NewComplaint {
                household_code: None,
                received_on: today,
                complainant: "Ông Ba".into(),
                channel: giamngheo_core::complaint::ComplaintChannel::Web,
                content: "Xem lại.".into(),
            },
        )
        .unwrap();
    run(async {
        let xa = app.login("xa").await;
        let page = app.get(&round, Some(&xa)).await;
        // An answer with no outcome chosen: the typed answer comes back, the reason beside the outcome.
        let f = [
            ("csrf", page.form_token()),
            ("complaint", complaint.to_string()),
            ("answer", "Đã xác minh <tại nhà>".to_owned()),
            ("outcome", String::new()),
        ];
        let r = app
            .post_form(&format!("{round}/answer"), &xa, &fields(&f))
            .await;
        assert_eq!(r.status.as_u16(), 422, "{}", r.body);
        assert!(
            r.body.contains("Đã xác minh &lt;tại nhà&gt;</textarea>"),
            "{}",
            r.body
        );
        r.assert_says("Cần chọn kết quả (outcome).</p><select");
        // Past the survey step: the household's survey can only be read.
        let s = app.get(&survey, Some(&xa)).await;
        s.assert_says("phiếu chỉ để xem");
    });
}
