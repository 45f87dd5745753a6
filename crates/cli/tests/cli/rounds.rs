//! A periodic round run from the command line with files, as a commune without the web app runs it.

use std::path::Path;

use crate::{giamngheo, scratch, text, words};

fn ok(db: &str, args: &[&str]) -> String {
    let mut all = vec!["--db", db];
    all.extend_from_slice(args);
    let o = giamngheo(&all);
    assert!(o.status.success(), "{args:?}: {}", text(&o.stderr));
    text(&o.stdout)
}

fn refused(db: &str, args: &[&str]) -> String {
    let mut all = vec!["--db", db];
    all.extend_from_slice(args);
    let o = giamngheo(&all);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{args:?} should be refused: {}",
        text(&o.stdout)
    );
    text(&o.stderr)
}

/// [`ok`] of `command`, its words split at spaces.
fn ok_words(db: &str, command: &str) -> String {
    ok(db, &words(command, &[]))
}

/// [`refused`] of `command`, its words split at spaces.
fn refused_words(db: &str, command: &str) -> String {
    refused(db, &words(command, &[]))
}

/// Fills the survey sheet: the households on the poor list stay poor (low income, three deprivations)
/// but the first, which escapes; the others report an income above every line.
fn fill(sheet: &Path, filled: &Path) -> (usize, usize) {
    let text = std::fs::read_to_string(sheet).unwrap();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    let header = lines.next().unwrap();
    let cols: Vec<&str> = header.split(',').collect();
    let income = cols.iter().position(|c| *c == "income_per_capita").unwrap();
    let first_indicator = income + 1;
    let mut out = vec![header.to_owned()];
    let (mut poor, mut other, mut escaped) = (0, 0, false);
    for line in lines {
        let mut cells: Vec<String> = line.split(',').map(str::to_owned).collect();
        let was_poor = cells[4] == "hộ nghèo" && (poor != 0 || escaped);
        if cells[4] == "hộ nghèo" && !was_poor {
            escaped = true;
        }
        cells[income] = if was_poor { "1100000" } else { "3500000" }.into();
        for (i, cell) in cells.iter_mut().enumerate().skip(first_indicator) {
            *cell = if was_poor && i < first_indicator + 3 {
                "1"
            } else {
                "0"
            }
            .into();
        }
        if was_poor {
            poor += 1;
        } else {
            other += 1;
        }
        out.push(cells.join(","));
    }
    std::fs::write(filled, out.join("\n") + "\n").unwrap();
    (poor, other)
}

#[test]
fn a_round_from_the_sheet_to_the_certificates_with_files() {
    let dir = scratch("round");
    let db = dir.join("demo.db").to_str().unwrap().to_owned();
    ok_words(&db, "demo --households 800");
    // Thọ Xuân's commune 15502 merged into 15505 on 1 July 2025 (the demo's own round is in 15499).
    let opened = ok_words(
        &db,
        "round open --commune 15505 --year 2026 --date 01/09/2026",
    );
    assert!(opened.contains("Đã mở đợt rà soát số 2"), "{opened}");
    assert!(opened.contains("không còn cấp huyện"), "{opened}");
    let again = refused_words(
        &db,
        "round open --commune 15505 --year 2026 --date 02/09/2026",
    );
    assert!(
        again.contains("vừa được người khác sửa") || again.contains("đợt rà soát"),
        "{again}"
    );

    // Requests (Mẫu 01) add households to the list; one already on it keeps its place.
    for n in 1..=5 {
        let code = format!("15502-{n:05}");
        let out = ok(
            &db,
            &words(
                "round request 2 --household",
                &[&code, "--date", "05/09/2026"],
            ),
        );
        assert!(out.contains(&code), "{out}");
    }
    let err = refused_words(
        &db,
        "round request 2 --household 99999-00001 --date 05/09/2026",
    );
    assert!(err.contains("99999-00001"), "{err}");
    let sheet = dir.join("phieu.csv");
    let filled = dir.join("ket-qua.csv");
    ok(&db, &words("round sheet 2 -o", &[sheet.to_str().unwrap()]));
    let (poor, other) = fill(&sheet, &filled);
    assert!(
        poor > 0 && other > 0,
        "{poor} poor, {other} other on the list"
    );
    let out = ok(
        &db,
        &words(
            "round survey --as",
            &[
                "Đỗ Văn Minh",
                "--role",
                "village-reviewer",
                "2",
                filled.to_str().unwrap(),
                "--date",
                "01/10/2026",
            ],
        ),
    );
    assert!(
        out.contains(&format!("Đã ghi kết quả rà soát {} hộ", poor + other)),
        "{out}"
    );
    // Twice in one round: refused, naming the row.
    let err = refused(
        &db,
        &words(
            "round survey 2",
            &[filled.to_str().unwrap(), "--date", "02/10/2026"],
        ),
    );
    assert!(
        err.contains("dòng 2") && err.contains("đã rà soát trong đợt này"),
        "{err}"
    );

    // The meeting: one file of votes; more votes than attendees refuses the whole file.
    let codes: Vec<String> = std::fs::read_to_string(&filled)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_owned())
        .collect();
    let votes = dir.join("bieu-quyet.csv");
    let mut v = String::from("household_code,votes_for,votes_against\n");
    for (i, c) in codes.iter().enumerate() {
        v.push_str(&format!("{c},{},2\n", if i == 0 { 40 } else { 25 }));
    }
    std::fs::write(&votes, &v).unwrap();
    let meeting = |attendees: &'static str| {
        vec![
            "round",
            "meeting",
            "2",
            votes.to_str().unwrap(),
            "--date",
            "20/10/2026",
            "--attendees",
            attendees,
            "--chair",
            "Lê Văn Tám",
            "--secretary",
            "Nguyễn Thị Hoa",
        ]
    };
    let err = refused(&db, &meeting("40"));
    assert!(
        err.contains("dòng 2, cột votes_for")
            && err.contains("số phiếu (42) lớn hơn số người dự họp (40)"),
        "{err}"
    );
    let out = ok(&db, &meeting("45"));
    assert!(
        out.contains(&format!("{} hộ được thống nhất", codes.len())),
        "{out}"
    );

    // Posted on Thursday 12/11/2026 for 3 working days: the decision comes on Tuesday 17/11 at the earliest.
    let out = ok_words(&db, "round post 2 --date 12/11/2026");
    assert!(out.contains("đến hết ngày 16/11/2026"), "{out}");
    // The chairman's decision no. 88/QĐ-UBND on round 2, with `flags` (its date, a role).
    let decision = |flags: &[&'static str]| -> Vec<&str> {
        let signed = ["--number", "88/QĐ-UBND", "--signed-by", "Nguyễn Văn Chủ"];
        [&["round", "decide", "2"][..], flags, &signed].concat()
    };
    let err = refused(&db, &decision(&["--date", "16/11/2026"]));
    assert!(err.contains("chưa hết thời gian niêm yết"), "{err}");
    let err = refused(
        &db,
        &decision(&["--role", "auditor", "--date", "17/11/2026"]),
    );
    assert!(err.contains("không được ra quyết định công nhận"), "{err}");
    let out = ok(&db, &decision(&["--date", "17/11/2026"]));
    assert!(
        out.contains(&format!("{poor} hộ nghèo")) && out.contains("1  thoát nghèo"),
        "{out}"
    );
    let out = ok_words(&db, "round certificates 2 --date 18/11/2026");
    assert!(
        out.contains(&format!("Đã cấp {poor} giấy chứng nhận")),
        "{out}"
    );

    // The forms as PDF: the decision with its lists, the certificates, an exit request.
    let decision = dir.join("quyet-dinh.pdf");
    ok(
        &db,
        &words("round decision 2 -o", &[decision.to_str().unwrap()]),
    );
    let certs = dir.join("giay-chung-nhan.pdf");
    let out = ok(
        &db,
        &words("round certificates-pdf 2 -o", &[certs.to_str().unwrap()]),
    );
    assert!(out.contains(&format!("{poor} giấy chứng nhận")), "{out}");
    for pdf in [&decision, &certs] {
        assert!(std::fs::read(pdf).unwrap().starts_with(b"%PDF-"));
    }
    if let Ok(o) = std::process::Command::new("pdftotext")
        .arg(&decision)
        .arg("-")
        .output()
    {
        let t = text(&o.stdout);
        assert!(
            t.contains("QUYẾT ĐỊNH")
                && t.contains("Số: 88/QĐ-UBND")
                && t.contains("Danh sách hộ nghèo"),
            "{t}"
        );
    }
    let poor_code = std::fs::read_to_string(&filled)
        .unwrap()
        .lines()
        .skip(1)
        .find(|l| l.contains(",1100000,"))
        .map(|l| l.split(',').next().unwrap().to_owned())
        .unwrap();
    // Support received before the round, and the transitions with it.
    let support = dir.join("ho-tro.csv");
    std::fs::write(
        &support,
        format!("household_code,programme,received_on,amount_vnd,provider\n{poor_code},livelihood,01/03/2026,8000000,Hội Nông dân\n{poor_code},credit,01/04/2026,30000000,NHCSXH\n"),
    )
    .unwrap();
    let out = ok(&db, &["support", "import", support.to_str().unwrap()]);
    assert!(out.contains("Đã ghi 2 lượt hỗ trợ"), "{out}");
    let bad = dir.join("ho-tro-sai.csv");
    std::fs::write(
        &bad,
        "household_code,programme,received_on\nX,livelihood,31/02/2026\n",
    )
    .unwrap();
    let err = refused(&db, &["support", "import", bad.to_str().unwrap()]);
    assert!(err.contains("dòng 2, cột received_on"), "{err}");
    let transitions = dir.join("bien-dong.csv");
    let out = ok(
        &db,
        &words("round transitions 2 -o", &[transitions.to_str().unwrap()]),
    );
    assert!(out.contains("vẫn nghèo (1 hộ được hỗ trợ)"), "{out}");
    let t = std::fs::read_to_string(&transitions).unwrap();
    let row = t.lines().find(|l| l.starts_with(&poor_code)).unwrap();
    assert!(row.ends_with(",2,38000000,livelihood credit"), "{row}");
    let form = dir.join("mau-04.pdf");
    ok(
        &db,
        &words(
            "round exit-form --household",
            &[
                &poor_code,
                "--date",
                "20/11/2026",
                "-o",
                form.to_str().unwrap(),
            ],
        ),
    );
    // A household not on either list has no exit request to make.
    let other_code = std::fs::read_to_string(&filled)
        .unwrap()
        .lines()
        .skip(1)
        .find(|l| l.contains(",3500000,") && !l.contains("hộ nghèo"))
        .map(|l| l.split(',').next().unwrap().to_owned())
        .unwrap();
    let err = refused(
        &db,
        &words(
            "round exit-form --household",
            &[
                &other_code,
                "--date",
                "20/11/2026",
                "-o",
                form.to_str().unwrap(),
            ],
        ),
    );
    assert!(err.contains("không thuộc danh sách hộ nghèo"), "{err}");
    let lists = dir.join("danh-sach.xlsx");
    let out = ok(&db, &words("round lists 2 -o", &[lists.to_str().unwrap()]));
    assert!(out.contains(&format!("{poor} hộ nghèo")), "{out}");
    let csv = dir.join("danh-sach.csv");
    ok(&db, &words("round lists 2 -o", &[csv.to_str().unwrap()]));
    let listed = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(
        listed.lines().filter(|l| l.starts_with("poor,")).count(),
        poor,
        "{listed}"
    );
    assert!(
        listed
            .lines()
            .filter(|l| l.starts_with("poor,"))
            .all(|l| l.contains("/GCN-HN.HCN")),
        "{listed}"
    );

    let status = ok_words(&db, "round status 2");
    assert!(
        status.contains("[x] Chủ tịch UBND xã ra quyết định công nhận")
            && status.contains("88/QĐ-UBND"),
        "{status}"
    );
    // Late: on 20/12 the commune has decided its round but sent no monthly report.
    let late = ok_words(
        &db,
        "round late --unit 15505 --year 2026 --as-of 20/12/2026",
    );
    assert!(
        late.starts_with("commune_code,commune_name,what,deadline,round_open\n"),
        "{late}"
    );
    assert!(
        !late.contains("chưa có quyết định rà soát định kỳ")
            && late.contains("chưa gửi báo cáo tháng 08/2026"),
        "{late}"
    );
    let err = refused(
        &db,
        &words("round late --unit", &["Không Có Nơi Này", "--year", "2026"]),
    );
    assert!(err.contains("--unit"), "{err}");
    let audit = ok(&db, &["audit", "verify"]);
    assert!(audit.contains("Nhật ký kiểm toán toàn vẹn"), "{audit}");
    let export = dir.join("audit.csv");
    ok(&db, &words("audit export -o", &[export.to_str().unwrap()]));
    let log = std::fs::read_to_string(&export).unwrap();
    assert!(
        log.contains("Đỗ Văn Minh,village_reviewer,cli,survey,round_case"),
        "{}",
        &log[..log.len().min(2000)]
    );
}

#[test]
fn income_scores_from_a_point_table_and_answers_that_are_not_on_it() {
    let dir = scratch("score");
    let out = dir.join("diem.csv");
    let o = giamngheo(&[
        "score",
        "--output",
        out.to_str().unwrap(),
        "samples/score-answers.csv",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let written = std::fs::read_to_string(&out).unwrap();
    let scores: Vec<(&str, &str)> = written
        .lines()
        .skip(1)
        .map(|l| {
            let mut c = l.split(',');
            (c.next().unwrap(), c.nth(1).unwrap())
        })
        .collect();
    // 40 + 5 + 10 + 20 + 0 in NT2; 0 + 0 + 0 + 0 + 0; urban 55 + 15 + 0 + 10 + 5.
    assert_eq!(
        scores,
        [("TX-XH-001", "75"), ("TX-XH-002", "0"), ("HD-TT-001", "85")],
        "{written}"
    );
    assert!(
        written.contains("Số nhân khẩu của hộ: 3 người (40)"),
        "{written}"
    );
    assert!(
        text(&o.stderr).contains("bảng điểm minh họa, KHÔNG phải bảng chính thức"),
        "{}",
        text(&o.stderr)
    );

    let bad = dir.join("sai.csv");
    std::fs::write(
        &bad,
        "household_code,region,household_size\nA,nt2,3\nB,nt9,3\nC,nt1,mười\n",
    )
    .unwrap();
    let o = giamngheo(&[
        "score",
        "--output",
        out.to_str().unwrap(),
        bad.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("dòng 3, cột region") && err.contains("'nt9'"),
        "{err}"
    );
    assert!(
        err.contains("dòng 4, cột household_size") && err.contains("'mười'"),
        "{err}"
    );
    assert!(
        std::fs::read_to_string(&out).unwrap() == written,
        "the earlier output is left as it was"
    );
}
