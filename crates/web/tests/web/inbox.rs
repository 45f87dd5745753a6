//! Issue 13's staff pages: the feedback inbox (status, taking in hand, answering, inside the account's units),
//! the audit viewer's filters and pages, the administrator's home with the country's figures, and standards
//! named in words on the pages.

use crate::harness::{App, app};
use crate::run;

/// The text of a page as a reader sees it: tags (and their attributes) dropped.
fn visible(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The body rows of the first table of this class, each as its cells' visible text.
fn table_rows(html: &str, class: &str) -> Vec<Vec<String>> {
    let Some(start) = html.find(&format!("<table class=\"{class}\"")) else {
        return Vec::new();
    };
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    let body = &table[table.find("<tbody>").unwrap()..];
    body.split("<tr>")
        .skip(1)
        .map(|r| {
            r.split("<td>")
                .skip(1)
                .map(|c| {
                    visible(&c[..c.find("</td>").unwrap_or(c.len())])
                        .trim()
                        .to_owned()
                })
                .collect()
        })
        .collect()
}

/// A feedback sent from a commune's public page, through the store as the public form sends it.
fn post_feedback(app: &App, commune: &str, message: &str, n: u32) -> i64 {
    let commune = commune.to_owned();
    let message = message.to_owned();
    app.with_store(move |s| {
        let id = s
            .unit_by_code(&commune, giamngheo_web::today())
            .unwrap()
            .unwrap()
            .id;
        let got = s
            .add_public_post(
                &giamngheo_store::public_feedback::PublicPost {
                    commune_id: id,
                    nonce: &format!("inbox-{n}"),
                    address: &format!("address-{n}"),
                    now: 1_900_000_000 + i64::from(n),
                    received_on: giamngheo_web::today(),
                    complaint: None,
                    name: "Bà Hoa",
                    contact: "",
                    message: &message,
                    origin: "test",
                },
                giamngheo_store::public_feedback::PublicLimits::default(),
            )
            .unwrap();
        match got {
            giamngheo_store::public_feedback::PublicOutcome::Accepted { feedback_id, .. } => {
                feedback_id
            }
            other => panic!("{other:?}"),
        }
    })
}

#[test]
fn the_inbox_takes_feedback_in_hand_and_answers_it_inside_the_units_only() {
    let app = app();
    run(async {
        let mine = post_feedback(&app, &app.commune, "Đường vào thôn hỏng", 1);
        let theirs = post_feedback(&app, &app.commune_out, "Góp ý của xã khác", 2);
        let [xa, kiemtoan] = app.logins(["xa", "kiemtoan"]).await;
        let inbox = app.get("/feedback", Some(&xa)).await;
        assert_eq!(inbox.status.as_u16(), 200);
        assert!(inbox.body.contains("Đường vào thôn hỏng"));
        assert!(!inbox.body.contains("Góp ý của xã khác"));
        assert!(inbox.body.contains("mới (") && inbox.body.contains("Nhận xử lý"));
        // The auditor reads but does not answer.
        let read = app.get("/feedback", Some(&kiemtoan)).await;
        assert!(read.body.contains("Đường vào thôn hỏng") && !read.body.contains("Gửi trả lời"));
        let token = read.form_token();
        let r = app
            .post_form(
                &format!("/feedback/{mine}"),
                &kiemtoan,
                &[("csrf", &token), ("step", "handle")],
            )
            .await;
        assert_eq!(r.status.as_u16(), 403);
        // Steps: (feedback, step, answer, status, where it goes).
        let cases: &[(i64, &str, &str, u16, &str)] = &[
            (theirs, "answer", "Không phải xã này", 404, ""),
            (mine, "answer", "   ", 400, ""),
            (mine, "close", "", 400, ""),
            (mine, "handle", "", 303, "/feedback?status=handling"),
            (
                mine,
                "answer",
                "Xã đã báo huyện sửa đường.",
                303,
                "/feedback?status=answered",
            ),
        ];
        for &(id, step, answer, status, to) in cases {
            let token = app.get("/feedback", Some(&xa)).await.form_token();
            let r = app
                .post_form(
                    &format!("/feedback/{id}"),
                    &xa,
                    &[("csrf", &token), ("step", step), ("answer", answer)],
                )
                .await;
            assert_eq!(r.status.as_u16(), status, "{step} {id}: {}", r.body);
            if status == 303 {
                let location = r.headers["location"].to_str().unwrap();
                assert!(location.starts_with(to), "{location}");
            }
        }
        // Without a token nothing happens.
        let r = app
            .post_form(&format!("/feedback/{mine}"), &xa, &[("step", "handle")])
            .await;
        assert_eq!(r.status.as_u16(), 403);
        let answered = app
            .get("/feedback?status=answered&lang=vi", Some(&xa))
            .await;
        let rows = table_rows(&answered.body, "feedback");
        let row = rows
            .iter()
            .find(|r| r[5] == "Đường vào thôn hỏng")
            .expect("the answered item");
        assert_eq!(row[6], "đã trả lời");
        assert!(
            row[7].starts_with("Xã đã báo huyện sửa đường.") && row[7].contains("xa"),
            "{row:?}"
        );
        assert!(
            !answered.body.contains("Gửi trả lời"),
            "an answered item has no form"
        );
        assert!(answered.body.contains("đã trả lời (1)"));
        let fresh = app.get("/feedback?status=new", Some(&xa)).await;
        assert!(!fresh.body.contains("Đường vào thôn hỏng"));
        let en = app
            .get("/feedback?status=answered&lang=en", Some(&xa))
            .await;
        assert!(en.body.contains("answered (1)") && en.body.contains(">answered<"));
        assert_eq!(
            app.get("/feedback?status=done", Some(&xa))
                .await
                .status
                .as_u16(),
            400
        );
        // Both steps are in the audit log, in words.
        let admin = app.login("admin").await;
        let log = app
            .get("/audit?what=answer_feedback&lang=vi", Some(&admin))
            .await;
        let rows = table_rows(&log.body, "log");
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(
            (rows[0][2].as_str(), rows[0][5].as_str()),
            ("xa", "trả lời góp ý")
        );
    });
}

#[test]
fn the_audit_viewer_filters_and_pages_by_sequence() {
    let app = app();
    run(async {
        let [admin, tinh] = app.logins(["admin", "tinh"]).await;
        let today = giamngheo_web::today();
        // More entries than a page holds.
        app.with_store(|s| {
            let who = giamngheo_store::audit::Actor::new(
                "đọc thử",
                giamngheo_store::accounts::Role::Auditor,
                "test",
            );
            for i in 0..150 {
                s.record(
                    &who,
                    giamngheo_store::audit::Change {
                        action: "read",
                        entity: "unit",
                        entity_id: "*".to_owned(),
                        old_value: None,
                        new_value: None,
                        reason: Some(i.to_string()),
                    },
                )
                .unwrap();
            }
        });
        let seqs = |body: &str| -> Vec<i64> {
            table_rows(body, "log")
                .iter()
                .map(|r| r[0].parse().unwrap())
                .collect()
        };
        // The demo's log is longer than a page: older, then newer back.
        let first = app.get("/audit", Some(&admin)).await;
        let page1 = seqs(&first.body);
        assert_eq!(page1.len(), 100);
        assert!(first.body.contains("Cũ hơn") && !first.body.contains("Mới hơn"));
        let older = format!("/audit?before={}", page1[99]);
        assert!(
            first.body.contains(&format!("href=\"{older}\"")),
            "the link is keyed by sequence"
        );
        let second = app.get(&older, Some(&admin)).await;
        let page2 = seqs(&second.body);
        assert_eq!(
            page2[0],
            page1[99] - 1,
            "the next older entry, none skipped"
        );
        assert!(second.body.contains("Mới hơn"));
        let back = app
            .get(&format!("/audit?after={}", page2[0]), Some(&admin))
            .await;
        assert_eq!(seqs(&back.body), page1);
        // Filters: (query, account, status, every row satisfies).
        let vi = today.vi();
        let cases: Vec<(String, &str, u16, fn(&[String]) -> bool)> = vec![
            ("who=admin".into(), "admin", 200, |r| r[2] == "admin"),
            ("what=login".into(), "admin", 200, |r| r[5] == "đăng nhập"),
            (format!("from={vi}&to={vi}&what=login"), "admin", 200, |r| {
                r[5] == "đăng nhập"
            }),
            (
                format!("from={}&to={}", today.iso(), today.iso()),
                "admin",
                200,
                |_| true,
            ),
            ("from=01/01/2000&to=02/01/2000".into(), "admin", 200, |_| {
                false
            }),
            ("from=31/02/2020".into(), "admin", 400, |_| false),
            ("unit=XX-404".into(), "admin", 400, |_| false),
            (format!("unit={}", app.commune_out), "tinh", 403, |_| false),
            (
                format!("unit={}&what=add_request", app.commune),
                "tinh",
                200,
                |r| r[5] == "nhận đề nghị rà soát",
            ),
        ];
        for (q, who, status, holds) in cases {
            let cookie = if who == "admin" { &admin } else { &tinh };
            let r = app.get(&format!("/audit?lang=vi&{q}"), Some(cookie)).await;
            assert_eq!(r.status.as_u16(), status, "{q}: {}", r.body);
            if status == 200 {
                let rows = table_rows(&r.body, "log");
                for row in &rows {
                    assert!(holds(row), "{q}: {row:?}");
                }
                if q.contains("2000") {
                    assert!(
                        rows.is_empty() && r.body.contains("Không có mục nào khớp."),
                        "{q}"
                    );
                } else {
                    assert!(!rows.is_empty(), "{q}: some entries");
                }
            }
        }
        // The unit filter: the commune's own entries are under its province, not under another commune.
        let (mine, theirs) = (
            app.get(
                &format!("/audit?what=add_request&unit={}", app.province),
                Some(&admin),
            )
            .await,
            app.get(
                &format!("/audit?what=add_request&unit={}", app.commune_out),
                Some(&admin),
            )
            .await,
        );
        let (mine, theirs) = (seqs(&mine.body), seqs(&theirs.body));
        assert!(!mine.is_empty() && !theirs.is_empty());
        assert!(
            mine.iter().all(|s| !theirs.contains(s)),
            "two provinces share no entry"
        );
        // Filters stay on the paging links.
        let login = app.get("/audit?what=login", Some(&admin)).await;
        if login.body.contains("Cũ hơn") {
            assert!(login.body.contains("href=\"/audit?what=login&amp;before="));
        }
    });
}

#[test]
fn the_administrators_home_shows_the_country_and_every_province() {
    let app = app();
    run(async {
        let admin = app.login("admin").await;
        let home = app.get("/dashboard?lang=vi", Some(&admin)).await;
        assert_eq!(home.status.as_u16(), 200);
        let provinces = table_rows(&home.body, "provinces");
        assert_eq!(provinces.len(), 34, "every province after the 2025 reform");
        let with_data: Vec<&Vec<String>> = provinces.iter().filter(|r| r[1] == "có").collect();
        assert_eq!(
            with_data.len(),
            2,
            "the demo's two provinces: {with_data:?}"
        );
        assert!(
            provinces
                .iter()
                .filter(|r| r[1] == "chưa có")
                .all(|r| r[2].is_empty())
        );
        let number = |s: &str| -> i64 { s.replace('.', "").parse().unwrap() };
        let households: i64 = with_data.iter().map(|r| number(&r[2])).sum();
        let poor: i64 = with_data.iter().map(|r| number(&r[3])).sum();
        let national = table_rows(
            &home.body.replace("<th>", "<td>").replace("</th>", "</td>"),
            "figures",
        );
        assert_eq!(number(&national[0][1]), households, "{national:?}");
        assert_eq!(
            number(national[1][1].split(' ').next().unwrap()),
            poor,
            "{national:?}"
        );
        assert!(visible(&home.body).contains("2/34 tỉnh, thành phố có kết quả rà soát năm"));
        assert!(
            home.body
                .contains(&format!("href=\"/dashboard?unit={}\"", app.province))
        );
        let en = app.get("/dashboard?lang=en", Some(&admin)).await;
        assert!(visible(&en.body).contains("2 of 34 provinces have review results for"));
    });
}

#[test]
fn standards_are_named_in_words_on_the_pages() {
    let app = app();
    run(async {
        let [admin, xa] = app.logins(["admin", "xa"]).await;
        for lang in ["vi", "en"] {
            for (uri, cookie) in [
                ("/dashboard".to_owned(), Some(&admin)),
                (format!("/dashboard?unit={}", app.province), Some(&admin)),
                (format!("/dashboard?unit={}", app.commune), Some(&xa)),
                (format!("/public/{}", app.commune), None),
                (format!("/forecast?unit={}", app.commune), Some(&xa)),
                ("/reports".to_owned(), Some(&xa)),
                (format!("/households/{}", app.hh_in), Some(&xa)),
                ("/feedback".to_owned(), Some(&xa)),
            ] {
                let sep = if uri.contains('?') { '&' } else { '?' };
                let r = app
                    .get(
                        &format!("{uri}{sep}lang={lang}"),
                        cookie.map(String::as_str),
                    )
                    .await;
                assert_eq!(r.status.as_u16(), 200, "{uri}: {}", r.body);
                let text = visible(&r.body);
                assert!(
                    !text.contains("vn-20"),
                    "{uri} ({lang}) shows a standard's id"
                );
            }
        }
        let forecast = app
            .get(
                &format!("/forecast?unit={}&lang=vi", app.commune),
                Some(&xa),
            )
            .await;
        assert!(
            visible(&forecast.body).contains("Chuẩn nghèo đa chiều quốc gia giai đoạn 2026-2030")
        );
    });
}

#[test]
fn villages_of_one_name_are_shown_with_their_former_commune() {
    let app = app();
    run(async {
        // A commune of today holding two villages of one name (the demo's merged communes), and a household
        // living in one of them.
        let (commune, twins, household) = app.with_store(|s| {
            let today = giamngheo_web::today();
            for c in s
                .units_at_level(giamngheo_core::ids::UnitLevel::Commune, today)
                .unwrap()
            {
                let villages = s.villages_labelled(c.id, today).unwrap();
                let Some((v, label)) = villages
                    .iter()
                    .find(|(v, _)| villages.iter().filter(|(w, _)| w.name == v.name).count() > 1)
                else {
                    continue;
                };
                let labels: Vec<String> = villages
                    .iter()
                    .filter(|(w, _)| w.name == v.name)
                    .map(|(_, l)| l.clone())
                    .collect();
                let home = s
                    .list_households(None, "", 100_000)
                    .unwrap()
                    .into_iter()
                    .find(|f| f.village_id == Some(v.id))
                    .map(|f| (f.code, label.clone()));
                return (c.code, labels, home);
            }
            panic!("the demo merges communes with villages of one name");
        });
        assert!(twins.iter().all(|l| l.contains(" (")), "{twins:?}");
        let page = app.get(&format!("/public/{commune}"), None).await;
        assert_eq!(page.status.as_u16(), 200);
        for label in &twins {
            assert!(
                page.body.contains(&format!(">{label}</option>")),
                "{label} in the picker"
            );
        }
        if let Some((code, label)) = household {
            let admin = app.login("admin").await;
            let record = app.get(&format!("/households/{code}"), Some(&admin)).await;
            assert!(
                record.body.contains(&label),
                "{label} on the household's page"
            );
        }
    });
}

#[test]
fn the_province_page_shows_its_communes_sync() {
    let app = app();
    run(async {
        let admin = app.login("admin").await;
        let page = |lang: &'static str| {
            let uri = format!("/dashboard?unit={}&lang={lang}", app.province);
            let admin = admin.clone();
            let app = &app;
            async move { app.get(&uri, Some(&admin)).await }
        };
        assert!(
            table_rows(&page("vi").await.body, "syncs").is_empty(),
            "no section before a commune is set up"
        );
        let commune = app.commune.clone();
        app.with_store(move |s| {
            let id = s
                .unit_by_code(&commune, giamngheo_store::today())
                .unwrap()
                .unwrap()
                .id;
            let by = giamngheo_store::audit::Actor::new(
                "quản trị",
                giamngheo_core::round::Role::Administrator,
                "cli",
            );
            s.sync_add_commune(&by, id, None).unwrap();
        });
        for (lang, never) in [("vi", "chưa đồng bộ lần nào"), ("en", "never synced")] {
            let body = page(lang).await.body;
            let rows = table_rows(&body, "syncs");
            assert_eq!(rows.len(), 1, "{lang}: {rows:?}");
            assert_eq!(
                (
                    rows[0][1].as_str(),
                    rows[0][2].as_str(),
                    rows[0][3].as_str()
                ),
                ("1", never, "0"),
                "{lang}: origin, last sync, open conflicts: {rows:?}"
            );
        }
    });
}

/// A conflict on `hh` between the app's database (the province's server) and a commune database made from
/// it: a birth on each side, then the commune's bundle received by the server.
fn conflict_on(app: &crate::harness::App, commune: &str, hh: &str) {
    let (commune, hh) = (commune.to_owned(), hh.to_owned());
    app.with_store(move |server| {
        use giamngheo_core::registry::{MemberRecord, Relation};
        let today = giamngheo_store::today();
        let by = giamngheo_store::audit::Actor::new(
            "quản trị",
            giamngheo_core::round::Role::Administrator,
            "cli",
        );
        let id = server.unit_by_code(&commune, today).unwrap().unwrap().id;
        let peer = server.sync_add_commune(&by, id, None).unwrap();
        let init = server.sync_init_bundle(&peer.peer).unwrap();
        let path = std::env::temp_dir().join(format!(
            "giamngheo-web-conflict-{}-{}.db",
            std::process::id(),
            peer.origin
        ));
        for suffix in ["", "-wal", "-shm", ".audit-key"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let mut laptop = giamngheo_store::Store::open(path.to_str().unwrap()).unwrap();
        laptop.sync_init(&by, &init, None).unwrap();
        let baby = |name: &str| {
            MemberRecord::new(
                giamngheo_core::ids::PersonName::parse(name).unwrap(),
                giamngheo_core::facts::Sex::Female,
                today,
                "Kinh",
                None,
                Relation::Child,
            )
        };
        laptop
            .record_birth(&by, &hh, &baby("Trần Thị Xã"), today)
            .unwrap();
        server
            .record_birth(&by, &hh, &baby("Trần Thị Tỉnh"), today)
            .unwrap();
        let up = laptop
            .sync_bundle(giamngheo_store::sync::SERVER_PEER)
            .unwrap();
        let got = server.sync_receive(&by, &peer.peer, &up).unwrap();
        assert_eq!(got.conflicts, 1, "{got:?}");
    });
}

#[test]
fn an_officer_chooses_on_a_sync_conflict_in_the_browser() {
    let app = app();
    run(async {
        let xa = app.login("xa").await;
        let page = app
            .get(
                &format!("/sync/conflicts?unit={}&lang=vi", app.commune),
                Some(&xa),
            )
            .await;
        assert_eq!(page.status.as_u16(), 200, "{}", page.body);
        page.assert_says("Không có xung đột nào đang chờ.");
        conflict_on(&app, &app.commune, &app.hh_in);
        let page = app
            .get(
                &format!("/sync/conflicts?unit={}&lang=vi", app.commune),
                Some(&xa),
            )
            .await;
        let rows = table_rows(&page.body, "conflicts");
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert!(
            rows[0][1].contains("Trần Thị Xã"),
            "the commune's version shown: {rows:?}"
        );
        let action = {
            let i = page
                .body
                .find("action=\"/sync/conflicts/")
                .expect("a choice form")
                + 8;
            let rest = &page.body[i..];
            rest[..rest.find('"').unwrap()].to_owned()
        };
        let done = app
            .post_form(
                &action,
                &xa,
                &[
                    ("csrf", &page.form_token()),
                    ("step", "take"),
                    ("unit", &app.commune),
                ],
            )
            .await;
        assert_eq!(done.status.as_u16(), 303, "{}", done.body);
        let after = app
            .get(
                &format!("/sync/conflicts?unit={}&lang=en", app.commune),
                Some(&xa),
            )
            .await;
        after.assert_says("No conflict is waiting.");
        let hh = app.hh_in.clone();
        let names: Vec<String> = app.with_store(move |s| {
            s.household_history(&hh)
                .unwrap()
                .members
                .iter()
                .map(|m| m.name.clone())
                .collect()
        });
        assert!(
            names.contains(&"Trần Thị Xã".to_owned()),
            "the commune's version taken: {names:?}"
        );
    });
}
