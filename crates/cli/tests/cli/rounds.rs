//! A periodic round run from the command line with files, as a commune without the web app runs it.

use std::path::Path;

use crate::{giamngheo, scratch, text};

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
    ok(&db, &["demo", "--households", "800"]);
    // Thọ Xuân's commune 15493 merged into 15499 on 1 July 2025.
    let opened = ok(
        &db,
        &[
            "round",
            "open",
            "--commune",
            "15499",
            "--year",
            "2026",
            "--date",
            "01/09/2026",
        ],
    );
    assert!(opened.contains("Đã mở đợt rà soát số 1"), "{opened}");
    assert!(opened.contains("không còn cấp huyện"), "{opened}");
    let again = refused(
        &db,
        &[
            "round",
            "open",
            "--commune",
            "15499",
            "--year",
            "2026",
            "--date",
            "02/09/2026",
        ],
    );
    assert!(
        again.contains("vừa được người khác sửa") || again.contains("đợt rà soát"),
        "{again}"
    );

    // Requests (Mẫu 01) add households to the list; one already on it keeps its place.
    for n in 1..=5 {
        let code = format!("15493-{n:05}");
        let out = ok(
            &db,
            &[
                "round",
                "request",
                "1",
                "--household",
                &code,
                "--date",
                "05/09/2026",
            ],
        );
        assert!(out.contains(&code), "{out}");
    }
    let err = refused(
        &db,
        &[
            "round",
            "request",
            "1",
            "--household",
            "99999-00001",
            "--date",
            "05/09/2026",
        ],
    );
    assert!(err.contains("99999-00001"), "{err}");
    let sheet = dir.join("phieu.csv");
    let filled = dir.join("ket-qua.csv");
    ok(&db, &["round", "sheet", "1", "-o", sheet.to_str().unwrap()]);
    let (poor, other) = fill(&sheet, &filled);
    assert!(
        poor > 0 && other > 0,
        "{poor} poor, {other} other on the list"
    );
    let out = ok(
        &db,
        &[
            "round",
            "survey",
            "--as",
            "Đỗ Văn Minh",
            "--role",
            "village-reviewer",
            "1",
            filled.to_str().unwrap(),
            "--date",
            "01/10/2026",
        ],
    );
    assert!(
        out.contains(&format!("Đã ghi kết quả rà soát {} hộ", poor + other)),
        "{out}"
    );
    // Twice in one round: refused, naming the row.
    let err = refused(
        &db,
        &[
            "round",
            "survey",
            "1",
            filled.to_str().unwrap(),
            "--date",
            "02/10/2026",
        ],
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
            "1",
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
    let out = ok(&db, &["round", "post", "1", "--date", "12/11/2026"]);
    assert!(out.contains("đến hết ngày 16/11/2026"), "{out}");
    let err = refused(
        &db,
        &[
            "round",
            "decide",
            "1",
            "--date",
            "16/11/2026",
            "--number",
            "88/QĐ-UBND",
            "--signed-by",
            "Nguyễn Văn Chủ",
        ],
    );
    assert!(err.contains("chưa hết thời gian niêm yết"), "{err}");
    let err = refused(
        &db,
        &[
            "round",
            "decide",
            "1",
            "--role",
            "auditor",
            "--date",
            "17/11/2026",
            "--number",
            "88/QĐ-UBND",
            "--signed-by",
            "Nguyễn Văn Chủ",
        ],
    );
    assert!(err.contains("không được ra quyết định công nhận"), "{err}");
    let out = ok(
        &db,
        &[
            "round",
            "decide",
            "1",
            "--date",
            "17/11/2026",
            "--number",
            "88/QĐ-UBND",
            "--signed-by",
            "Nguyễn Văn Chủ",
        ],
    );
    assert!(
        out.contains(&format!("{poor} hộ nghèo")) && out.contains("1  thoát nghèo"),
        "{out}"
    );
    let out = ok(&db, &["round", "certificates", "1", "--date", "18/11/2026"]);
    assert!(
        out.contains(&format!("Đã cấp {poor} giấy chứng nhận")),
        "{out}"
    );

    let lists = dir.join("danh-sach.xlsx");
    let out = ok(&db, &["round", "lists", "1", "-o", lists.to_str().unwrap()]);
    assert!(out.contains(&format!("{poor} hộ nghèo")), "{out}");
    let csv = dir.join("danh-sach.csv");
    ok(&db, &["round", "lists", "1", "-o", csv.to_str().unwrap()]);
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

    let status = ok(&db, &["round", "status", "1"]);
    assert!(
        status.contains("[x] Chủ tịch UBND xã ra quyết định công nhận")
            && status.contains("88/QĐ-UBND"),
        "{status}"
    );
    let audit = ok(&db, &["audit", "verify"]);
    assert!(audit.contains("Nhật ký kiểm toán toàn vẹn"), "{audit}");
    let export = dir.join("audit.csv");
    ok(&db, &["audit", "export", "-o", export.to_str().unwrap()]);
    let log = std::fs::read_to_string(&export).unwrap();
    assert!(
        log.contains("Đỗ Văn Minh,village_reviewer,cli,survey,round_case"),
        "{}",
        &log[..log.len().min(2000)]
    );
}
