//! A commune officer's year in Chromium, once in Vietnamese and once in English (switched with the page's
//! language link): log in; import the officer's own spreadsheet (a title row above Vietnamese headers);
//! take two households' requests and survey the round's households; the village meeting; the posting; a
//! complaint through the public form and its answer; the decision, confirmed; the certificates. Each step
//! asserts what the officer sees and leaves a screenshot (`target/screenshots/<lang>-NN-step.png`).
//!
//! The posting period cannot pass during a test, and no step may be dated ahead of today: once the
//! complaint is answered, the test moves the round's posting into the past, as the calendar would.

use std::path::PathBuf;

use giamngheo_core::Lang;
use giamngheo_core::date::Date;
use rust_xlsxwriter::{Format, Workbook};

use super::{Driver, serve};
use crate::harness::{App, PASSWORD, app};

/// The officer's spreadsheet: the commune's title over two rows, then the header as officers write it
/// (accents, "Thôn/xóm", "Ngày, tháng, năm sinh", "Số CCCD"), then two households of two members.
fn officers_workbook(commune: &str, codes: [&str; 2]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Danh sách").unwrap();
    let title = Format::new().set_bold();
    ws.merge_range(
        0,
        0,
        0,
        10,
        "DANH SÁCH HỘ GIA ĐÌNH ĐỀ NGHỊ RÀ SOÁT NĂM 2026",
        &title,
    )
    .unwrap();
    ws.merge_range(
        1,
        0,
        1,
        10,
        "(Kèm theo giấy đề nghị của các hộ)",
        &Format::new(),
    )
    .unwrap();
    let header = [
        "Mã hộ",
        "Mã xã",
        "Thôn/xóm",
        "Khu vực",
        "Địa chỉ",
        "Họ và tên",
        "Quan hệ với chủ hộ",
        "Giới tính",
        "Ngày, tháng, năm sinh",
        "Dân tộc",
        "Số CCCD",
    ];
    let rows = [
        [
            codes[0],
            commune,
            "Thôn Bãi Sậy",
            "Nông thôn",
            "Xóm trên",
            "Lò Văn Páo",
            "Chủ hộ",
            "Nam",
            "12/03/1979",
            "Thái",
            "011079001234",
        ],
        [
            codes[0],
            commune,
            "Thôn Bãi Sậy",
            "Nông thôn",
            "Xóm trên",
            "Lò Thị Xuân",
            "Vợ",
            "Nữ",
            "02/09/1982",
            "Thái",
            "011182005678",
        ],
        [
            codes[1],
            commune,
            "Thôn Bãi Sậy",
            "Nông thôn",
            "Xóm dưới",
            "Hà Văn Thắng",
            "Chủ hộ",
            "Nam",
            "30/11/1990",
            "Kinh",
            "",
        ],
        [
            codes[1],
            commune,
            "Thôn Bãi Sậy",
            "Nông thôn",
            "Xóm dưới",
            "Hà Minh Anh",
            "Con",
            "Nữ",
            "05/01/2015",
            "Kinh",
            "",
        ],
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *h, &title)
            .unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(4 + r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// One language's walk: the texts the officer must see, in that language.
struct Walk {
    lang: Lang,
    /// Prefix of the screenshots' names.
    tag: &'static str,
}

impl Walk {
    fn t<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(vi, en)
    }

    fn shot(&self, d: &Driver, n: u32, step: &str) {
        d.screenshot(&format!("{}-{n:02}-{step}", self.tag));
    }

    /// Shows `shown`, takes screenshot `n` of `step`, sends the form `form` and waits for `done`.
    fn shoot_and_send(
        &self,
        d: &Driver,
        (shown, form): (&str, &str),
        (n, step): (u32, &str),
        done: &str,
    ) -> String {
        d.scroll_to(shown);
        self.shot(d, n, step);
        d.click(&format!("{form} button[type=submit]"));
        d.wait_source(done)
    }

    /// A step that cannot be undone: its form `form` (`#post`, `#decide`) confirmed, then shot and sent.
    fn confirm_and_send(
        &self,
        d: &Driver,
        form: &str,
        (n, step): (u32, &str),
        done: &str,
    ) -> String {
        d.scroll_to(form);
        d.click(&format!("{form} input[name=confirm]"));
        self.shoot_and_send(d, (form, form), (n, step), done)
    }
}

fn walk_the_year(w: &Walk) {
    let app = app();
    let base = serve(&app);
    let downloads =
        std::env::temp_dir().join(format!("giamngheo-year-{}-{}", w.tag, std::process::id()));
    std::fs::create_dir_all(&downloads).unwrap();
    let d = Driver::start_in(&downloads, w.lang.pick("vi-VN", "en-US"));
    d.resize(1024, 900);

    // 1. Log in, in the language chosen on the login page itself.
    d.go(&format!("{base}/login"));
    d.wait_source("Đăng nhập");
    if w.lang == Lang::En {
        d.click("a[hreflang=en]");
        d.wait_url("lang=en");
        d.wait_source("Log in");
    }
    d.type_into("#name", "xa");
    d.type_into("#password", PASSWORD);
    w.shot(&d, 1, "login");
    d.click("button[type=submit]");
    d.wait_url("/dashboard");
    d.wait_source(w.t("Tổng quan", "Dashboard"));
    w.shot(&d, 2, "dashboard");

    // 2. Import the officer's spreadsheet, title row and all.
    let codes = ["BS-001", "BS-002"];
    let xlsx: PathBuf = downloads.join("danh-sach-ho-bai-say.xlsx");
    std::fs::write(&xlsx, officers_workbook(&app.commune, codes)).unwrap();
    d.click("nav a[href='/import']");
    d.wait_url("/import");
    d.wait_source(w.t("Nhập hộ từ tệp", "Import households"));
    d.type_into("#file", &xlsx.display().to_string());
    w.shot(&d, 3, "import");
    d.click("form.box button[type=submit]");
    let done = d.wait_source(w.t("Đã nhập", "Imported"));
    assert!(done.contains(w.t("2 hộ mới", "2 new households")), "{done}");
    w.shot(&d, 4, "imported");

    // 3. The households' requests, then every household of the round surveyed: poor under the standard.
    let round = format!("{base}/rounds/{}", app.round_in);
    d.go(&format!("{base}/rounds"));
    d.click(&format!("a[href='/rounds/{}']", app.round_in));
    d.wait_url(&format!("/rounds/{}", app.round_in));
    d.wait_source(w.t("Việc cần làm", "What is left to do"));
    for code in codes {
        d.type_into("#household_code", code);
        d.click("#request button[type=submit]");
        d.wait_source(&format!(
            "{} {code}",
            w.t("Đã ghi nhận hộ", "Recorded household")
        ));
        d.go(&round);
    }
    let page = d.wait_source(w.t("Việc cần làm", "What is left to do"));
    assert!(
        page.contains(w.t("4 hộ chưa rà soát", "Households still to survey: 4")),
        "the two imported households and the round's two: {page}"
    );
    w.shot(&d, 5, "round-todo");
    let households = [
        codes[0],
        codes[1],
        app.hh_in.as_str(),
        app.hh_other_village.as_str(),
    ];
    for (i, code) in households.iter().enumerate() {
        d.go(&format!("{round}/survey/{code}"));
        d.wait_source(w.t("Thu nhập bình quân", "Income per person"));
        d.type_into("#income", "1200000");
        for box_ in ["input[name=d0]", "input[name=d2]", "input[name=d5]"] {
            d.click(box_);
        }
        if i == 0 {
            w.shot(&d, 6, "survey");
        }
        d.click("form.box button[type=submit]");
        let result = d.wait_source(w.t("Đã ghi phiếu rà soát hộ", "Survey recorded for household"));
        assert!(result.contains(w.t("1.200.000", "1,200,000")), "{result}");
        if i == 0 {
            w.shot(&d, 7, "surveyed");
        }
    }

    // 4. The village meeting: everyone's result put to the vote.
    d.go(&round);
    d.wait_source(w.t("Họp dân", "Village meeting"));
    d.type_into("#attendees", "32");
    d.type_into("#chair", "Lò Văn Thanh");
    d.type_into("#secretary", "Hà Thị Mai");
    for code in households {
        d.type_into(&format!("#meeting input[name='for_{code}']"), "30");
        d.type_into(&format!("#meeting input[name='against_{code}']"), "2");
    }
    let done = w.shoot_and_send(
        &d,
        ("#meeting", "#meeting"),
        (8, "meeting"),
        w.t(
            "Đã ghi biên bản họp dân: 4 hộ được thống nhất",
            "Meeting recorded: 4 households agreed",
        ),
    );
    assert!(!done.contains("error"), "{done}");

    // 5. The posting: refused without its box ticked (the browser will not send the form), then posted.
    d.go(&round);
    d.wait_source(w.t("Niêm yết công khai", "Public posting"));
    d.scroll_to("#post");
    d.click("#post button[type=submit]");
    unticked_sends_nothing(&d, &app);
    assert!(app.with_store(|s| s.round(app.round_in).unwrap().posted_on.is_none()));
    // A fresh page: the browser's "tick this box" bubble would otherwise sit in the screenshot.
    d.go(&round);
    w.confirm_and_send(
        &d,
        "#post",
        (9, "posting"),
        w.t(
            "Đã niêm yết công khai đến hết ngày",
            "Posted until the end of",
        ),
    );

    // 6. A citizen's complaint through the commune's public page, during the posting.
    d.go(&format!("{base}/public/{}", app.commune));
    let public = d.wait_source(w.t("Danh sách niêm yết công khai năm", "Posted list of"));
    assert!(public.contains("L. V. P."), "initials only: {public}");
    assert!(!public.contains("Lò Văn Páo"), "no full names: {public}");
    d.click("input[name=kind][value=complaint]");
    d.type_into("#household", codes[0]);
    d.type_into("#name", "Lò Thị Xuân");
    d.type_into(
        "#message",
        w.t(
            "Nhà tôi có xe máy cũ, đề nghị xem lại kết quả.",
            "We have an old motorbike; please look at the result again.",
        ),
    );
    w.shoot_and_send(
        &d,
        ("form.box", "form.box"),
        (10, "public-complaint"),
        w.t("Đã nhận. Cảm ơn bạn", "Received. Thank you"),
    );

    // 7. The complaint on the round's page, and its answer.
    d.go(&round);
    let page = d.wait_source(w.t(
        "1 khiếu nại, phản ánh cần trả lời",
        "Complaints to answer: 1",
    ));
    assert!(
        page.contains("xe máy") || page.contains("motorbike"),
        "{page}"
    );
    d.type_into(
        "form[id^=complaint] textarea",
        w.t(
            "Đã xác minh tại nhà: xe máy không làm thay đổi kết quả.",
            "Checked at home: the motorbike does not change the result.",
        ),
    );
    w.shoot_and_send(
        &d,
        ("#complaints", "form[id^=complaint]"),
        (11, "complaint"),
        w.t("Đã trả lời khiếu nại.", "The complaint is answered."),
    );

    // The posting period passes.
    move_posting_into_the_past(&app);

    // 8. The decision: refused without its box ticked, then recorded; the round is locked.
    d.go(&round);
    d.wait_source(w.t("Quyết định công nhận", "The decision"));
    d.type_into("#number", "125/QĐ-UBND");
    d.type_into("#signed_by", "Lường Văn Chung");
    d.click("#decide button[type=submit]");
    unticked_sends_nothing(&d, &app);
    assert!(app.with_store(|s| s.round(app.round_in).unwrap().decided_on.is_none()));
    d.go(&round);
    d.type_into("#number", "125/QĐ-UBND");
    d.type_into("#signed_by", "Lường Văn Chung");
    w.confirm_and_send(
        &d,
        "#decide",
        (12, "decision"),
        w.t(
            "Đã ghi quyết định: 4 hộ được công nhận; đợt rà soát đã khóa.",
            "Decision recorded: 4 households recognised; the round is locked.",
        ),
    );
    d.go(&round);
    let page = d.wait_source("125/QĐ-UBND");
    assert!(page.contains("Lường Văn Chung"), "{page}");
    assert!(
        !page.contains("id=\"decide\""),
        "no decision form once decided"
    );

    // 9. The certificates.
    let done = w.confirm_and_send(
        &d,
        "#certificates",
        (13, "certificates"),
        w.t("giấy chứng nhận (Mẫu 03)", "certificates (form 03) issued"),
    );
    assert!(
        !done.contains(w.t("Đã cấp 0 ", ">0 certificates")),
        "certificates were issued: {done}"
    );
    w.shot(&d, 14, "certified");

    // 10. The reports.
    d.click("nav a[href='/reports']");
    d.wait_url("/reports");
    d.wait_source(w.t("Báo cáo", "Reports"));
    w.shot(&d, 15, "reports");
    drop(d);
    let _ = std::fs::remove_dir_all(&downloads);
}

/// A step whose confirmation box is not ticked: the browser keeps the form (the box is `required`), so the
/// page stays the round's.
fn unticked_sends_nothing(d: &Driver, app: &App) {
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(
        d.url().ends_with(&format!("/rounds/{}", app.round_in)),
        "an unticked confirmation sends nothing: {}",
        d.url()
    );
}

/// Moves the round's posting back so that it ended yesterday: the decision is taken after the period.
fn move_posting_into_the_past(app: &App) {
    let today = giamngheo_web::today();
    let (from, to): (Date, Date) = (today.add_days(-14), today.add_days(-1));
    app.store()
        .conn()
        .batch(&format!(
            "UPDATE review_round SET posted_on = '{}', posting_ends = '{}' WHERE id = {}",
            from.iso(),
            to.iso(),
            app.round_in
        ))
        .unwrap();
}

#[test]
fn an_officers_year_in_chromium_in_vietnamese() {
    walk_the_year(&Walk {
        lang: Lang::Vi,
        tag: "vi",
    });
}

#[test]
fn an_officers_year_in_chromium_in_english() {
    walk_the_year(&Walk {
        lang: Lang::En,
        tag: "en",
    });
}
