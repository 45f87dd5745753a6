//! Household import files: every problem named by row and column; CSV and XLSX round trips.

use giamngheo_core::Lang;
use giamngheo_core::date::Date;
use giamngheo_core::messages::Localized;
use giamngheo_core::registry::MemberRow;
use giamngheo_formats::households::{read_households, write_households_csv, write_households_xlsx};
use giamngheo_formats::table::{CsvRows, read_csv, read_xlsx};

const HEADER: &str = "household_code,commune_code,village,area,address,full_name,relation,sex,birth_date,ethnicity,citizen_id";

fn today() -> Date {
    Date::new(2026, 11, 29).unwrap()
}

fn problems(csv: &str) -> Vec<String> {
    let mut t = CsvRows::open(csv.as_bytes(), "ho.csv").unwrap();
    match read_households(&mut t, today()) {
        Ok(r) => panic!("expected problems, read {} households", r.len()),
        Err(list) => list.iter().map(|p| p.message(Lang::En)).collect(),
    }
}

#[test]
fn reads_households_grouping_member_rows_with_vietnamese_headers() {
    let csv = "Mã hộ,Mã xã,Thôn,Khu vực,Địa chỉ,Họ và tên,Quan hệ với chủ hộ,Giới tính,Ngày sinh,Dân tộc,Số định danh cá nhân\n\
               XH-001,15493,Thôn 1,nông thôn,,Lê Văn Hùng,Chủ hộ,Nam,02/03/1975,Kinh,038075000111\n\
               XH-002,15493,Thôn 2,nông thôn,,Trịnh Văn Đức,chủ hộ,nam,11/11/1960,Kinh,\n\
               XH-001,15493,Thôn 1,nông thôn,,Nguyễn Thị Mai,Vợ,Nữ,15/08/1978,Kinh,038178000222\n";
    let mut t = CsvRows::open(csv.as_bytes(), "ho.csv").unwrap();
    let hh = read_households(&mut t, today()).unwrap();
    assert_eq!(hh.len(), 2);
    let (row, first) = &hh[0];
    assert_eq!(*row, 2);
    assert_eq!(first.code.as_str(), "XH-001");
    assert_eq!(first.members().len(), 2);
    assert_eq!(first.head().name.as_str(), "Lê Văn Hùng");
    assert_eq!(
        first.members()[1].citizen_id.as_ref().unwrap().as_str(),
        "038178000222"
    );
}

/// Officers' spreadsheets as they are: a title above the header row, headers written the ways communes write
/// them ("Thôn/xóm", "Ngày, tháng, năm sinh", "Số CCCD/định danh"), and an ID whose leading 0 Excel dropped,
/// which is refused with the fix rather than guessed.
#[test]
fn a_title_above_the_header_and_the_headers_communes_write_are_read() {
    use giamngheo_formats::table::Table;
    let header: Vec<String> = [
        "STT",
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
        "Số CCCD/định danh",
    ]
    .map(str::to_owned)
    .to_vec();
    let row = |cells: &[&str]| cells.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
    let table = |id: &str| Table {
        file: "ho.xlsx".into(),
        sheet: Some("Sheet1".into()),
        header: row(&["DANH SÁCH HỘ GIA ĐÌNH XÃ XUÂN HỒNG NĂM 2026"]),
        rows: vec![
            (2, row(&["(Kèm theo Kế hoạch số 12/KH-UBND)"])),
            (4, header.clone()),
            (
                5,
                row(&[
                    "1",
                    "XH-001",
                    "15493",
                    "Thôn 1",
                    "nông thôn",
                    "",
                    "Lê Văn Hùng",
                    "Chủ hộ",
                    "Nam",
                    "02/03/1975",
                    "Kinh",
                    id,
                ]),
            ),
        ],
    };
    let mut t = table("038075000111");
    let hh = read_households(&mut t, today()).unwrap();
    assert_eq!(hh.len(), 1);
    assert_eq!(hh[0].0, 5, "rows keep the numbers the spreadsheet shows");
    assert_eq!(hh[0].1.village.as_deref(), Some("Thôn 1"));
    assert_eq!(hh[0].1.head().birth_date.vi(), "02/03/1975");
    let mut t = table("38075000111");
    let problems = read_households(&mut t, today()).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].column.as_deref(), Some("citizen_id"));
    assert!(
        problems[0].message(Lang::Vi).contains("Excel đã bỏ số 0"),
        "{}",
        problems[0].message(Lang::Vi)
    );
    // No row names every column: the missing ones are named as the spreadsheet would name them.
    let mut t = Table {
        file: "ho.xlsx".into(),
        sheet: None,
        header: row(&["Mã hộ", "Họ và tên"]),
        rows: vec![],
    };
    let problems = read_households(&mut t, today()).unwrap_err();
    let text: Vec<String> = problems.iter().map(|p| p.message(Lang::Vi)).collect();
    assert!(
        text.iter()
            .any(|m| m.contains("\"Mã xã\"") && m.contains("dòng tiêu đề")),
        "{text:?}"
    );
}

/// The same spreadsheet saved as CSV: the title rows (with the empty cells Excel writes after them, and an
/// empty line) are skipped by both readers, and rows keep the numbers of the file's lines.
#[test]
fn a_csv_with_a_title_above_the_header_is_read_by_both_readers() {
    use giamngheo_formats::households::read_households_csv;
    let header = "STT,Mã hộ,Mã xã,Thôn/xóm,Khu vực,Địa chỉ,Họ và tên,Quan hệ với chủ hộ,Giới tính,\"Ngày, tháng, năm sinh\",Dân tộc,Số CCCD";
    let member = |sex: &str| {
        format!(
            "1,XH-001,15493,Thôn 1,nông thôn,,Lê Văn Hùng,Chủ hộ,{sex},02/03/1975,Kinh,038075000111"
        )
    };
    // (name, the file, the first household's row or the problem's row and column)
    let cases: [(&str, String, Result<u64, (u64, &str)>); 5] = [
        ("no title", format!("{header}\n{}\n", member("Nam")), Ok(2)),
        (
            "a title and a subtitle",
            format!(
                "DANH SÁCH HỘ GIA ĐÌNH XÃ XUÂN HỒNG NĂM 2026,,,,\n(Kèm theo Kế hoạch số 12/KH-UBND)\n\n{header}\n{}\n",
                member("Nam")
            ),
            Ok(5),
        ),
        (
            "a problem below the title keeps its line",
            format!("DANH SÁCH HỘ\n{header}\n{}\n", member("cái")),
            Err((3, "sex")),
        ),
        (
            "a header below the rows searched is not found",
            format!("{}{header}\n{}\n", "Tiêu đề\n".repeat(12), member("Nam")),
            Err((1, "household_code")),
        ),
        (
            "no header at all",
            format!("DANH SÁCH HỘ\n{}\n", member("Nam")),
            Err((1, "household_code")),
        ),
    ];
    for (name, csv, expected) in cases {
        let mut t = CsvRows::open(csv.as_bytes(), "ho.csv").unwrap();
        let one = read_households(&mut t, today());
        let many = read_households_csv(csv.as_bytes(), "ho.csv", today(), 2);
        assert_eq!(one, many, "{name}: both readers agree");
        match (one, expected) {
            (Ok(hh), Ok(row)) => {
                assert_eq!(hh.len(), 1, "{name}");
                assert_eq!(hh[0].0, row, "{name}");
                assert_eq!(hh[0].1.village.as_deref(), Some("Thôn 1"), "{name}");
            }
            (Err(problems), Err((row, column))) => {
                assert!(
                    problems
                        .iter()
                        .any(|p| p.row == row && p.column.as_deref() == Some(column)),
                    "{name}: {problems:?}"
                );
            }
            (got, want) => panic!("{name}: {got:?}, expected {want:?}"),
        }
    }
}

#[test]
fn every_problem_is_named_by_row_and_column() {
    let rows = [
        "XH-001,15493,Thôn 1,rural,,Lê Văn Hùng,head,male,31/02/1975,Kinh,",
        "XH-002,154930,Thôn 1,rural,,Lê Văn B,head,male,01/02/1975,Kinh,12345",
        "XH-003,15493,Thôn 1,moon,,Lê Văn C,head,male,01/02/1975,Kinh,",
        "XH-004,15493,Thôn 1,rural,,Lê Văn D,head,male,01/02/1975,Kinh,",
        "XH-004,15493,Thôn 1,rural,,Lê Thị E,head,female,01/02/1979,Kinh,",
        "XH-005,15493,Thôn 1,rural,,Lê Văn F,son,male,01/02/2030,Kinh,",
        "XH-006,15493,Thôn 1,rural,,,head,x,01/02/1990,Kinh,",
        "XH-007,15493,Thôn 1,rural,,Lê Văn G,child,male,01/02/2000,Kinh,",
        "XH 8,15493,Thôn 1,rural,,Lê Văn H,head,male,01/02/2000,Kinh,",
        "XH-009,15493,Thôn 1,rural,,Lê Văn I,head,male,01/02/2000,Kinh,",
        "XH-009,15496,Thôn 1,rural,,Lê Văn K,child,male,01/02/2010,Kinh,",
        "XH-010,15493,Thôn 1,rural,,Lê\u{200B}Văn L,head,male,01/02/2000,Kinh,",
        "XH-011,15493,Thôn\u{202E}1,rural,,Lê Văn M,head,male,01/02/2000,Kinh,",
    ];
    let csv = format!("{HEADER}\n{}\n", rows.join("\n"));
    let got = problems(&csv);
    let expect = [
        "row 2, column birth_date: date '31/02/1975' is not valid (dd/mm/yyyy)",
        "row 3, column commune_code: commune code '154930' is not valid (5 digits)",
        "row 3, column citizen_id: citizen ID '12345' must have exactly 12 digits",
        "row 4, column area: area 'moon' is not valid: rural or urban",
        "row 6, column relation: the household has two heads (the first on row 5)",
        "row 7, column relation: relation 'son' is not valid",
        "row 7, column birth_date: birth date '01/02/2030' is in the future",
        "row 8, column full_name: the cell is empty",
        "row 8, column sex: sex 'x' is not valid: male or female",
        "row 9, column relation: the household has no head",
        "row 10, column household_code: household code 'XH 8' is not valid",
        "row 12, column commune_code: '15496' differs from '15493' on row 11 of the same household",
        "row 13, column full_name: holds an invisible or direction-changing character (U+200B)",
        "row 14, column village: holds an invisible or direction-changing character (U+202E)",
    ];
    for e in expect {
        assert!(
            got.iter().any(|g| g.contains(e)),
            "missing {e:?} in\n{}",
            got.join("\n")
        );
    }
    assert!(
        got.iter().all(|g| g.starts_with("File ho.csv, row ")),
        "{got:?}"
    );
}

#[test]
fn missing_columns_are_all_listed() {
    let got = problems("household_code,full_name\nX,Y\n");
    let missing: Vec<&str> = got
        .iter()
        .filter_map(|g| g.split("column ").nth(1))
        .map(|s| s.split(':').next().unwrap())
        .collect();
    assert_eq!(
        missing,
        [
            "commune_code",
            "area",
            "relation",
            "sex",
            "birth_date",
            "ethnicity"
        ]
    );
}

pub(crate) fn sample_rows() -> Vec<MemberRow> {
    let row = |code: &str, name: &str, rel: &str, sex: &str, born: &str, cid: &str| MemberRow {
        household_code: code.into(),
        commune_code: "15493".into(),
        village: "Thôn 1".into(),
        area: "rural".into(),
        address: "Xóm Đông, \"ngõ 3\"".into(),
        full_name: name.into(),
        relation: rel.into(),
        sex: sex.into(),
        birth_date: born.into(),
        ethnicity: "Kinh".into(),
        citizen_id: cid.into(),
    };
    vec![
        row(
            "XH-001",
            "Lê Văn Hùng",
            "head",
            "male",
            "02/03/1975",
            "038075000111",
        ),
        row(
            "XH-001",
            "Nguyễn Thị Mai",
            "spouse",
            "female",
            "15/08/1978",
            "038178000222",
        ),
        row("XH-002", "Đặng Thị Ánh", "head", "female", "01/01/1950", ""),
    ]
}

fn dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("giamngheo-formats-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn csv_export_reads_back_to_the_same_records() {
    let rows = sample_rows();
    let mut out = Vec::new();
    write_households_csv(&mut out, &rows).unwrap();
    insta::assert_snapshot!(String::from_utf8(out.clone()).unwrap());
    let mut t = read_csv(out.as_slice(), "x.csv").unwrap();
    let hh = read_households(&mut t, today()).unwrap();
    let mut streamed = CsvRows::open(out.as_slice(), "x.csv").unwrap();
    assert_eq!(read_households(&mut streamed, today()).unwrap(), hh);
    assert_eq!(hh.len(), 2);
    assert_eq!(hh[0].1.address, "Xóm Đông, \"ngõ 3\"");
    assert_eq!(hh[0].1.members()[1].name.as_str(), "Nguyễn Thị Mai");
}

#[test]
fn xlsx_export_reads_back_cell_by_cell() {
    let rows = sample_rows();
    let d = dir("xlsx");
    let path = d.join("ho.xlsx");
    write_households_xlsx(&path, &rows).unwrap();
    let mut t = read_xlsx(&path, "ho.xlsx").unwrap();
    assert_eq!(t.sheet.as_deref(), Some("Hộ gia đình"));
    assert_eq!(t.header[0], "Mã hộ");
    assert_eq!(t.header[10], "Số định danh cá nhân");
    assert_eq!(t.rows.len(), rows.len());
    for ((row_no, cells), expect) in t.rows.iter().zip(&rows) {
        let expect: Vec<&str> = expect.cells().to_vec();
        let mut got: Vec<&str> = cells.iter().map(String::as_str).collect();
        got.resize(expect.len(), "");
        assert_eq!(got, expect, "row {row_no}");
    }
    assert_eq!(t.rows[0].0, 2);
    let hh = read_households(&mut t, today()).unwrap();
    assert_eq!(hh.len(), 2);
    assert_eq!(
        hh[0].1.members()[0].citizen_id.as_ref().unwrap().as_str(),
        "038075000111"
    );
}

#[test]
fn a_broken_xlsx_names_the_file() {
    let d = dir("broken");
    let path = d.join("hong.xlsx");
    std::fs::write(&path, b"PK\x03\x04 not really a zip").unwrap();
    let e = read_xlsx(&path, "hong.xlsx").unwrap_err();
    assert!(
        e.message(Lang::En)
            .starts_with("File hong.xlsx: the file is not an XLSX workbook or is damaged"),
        "{}",
        e.message(Lang::En)
    );
}

/// A file of several blocks read on several threads: the same households as one thread, and a problem far
/// down the file keeps its own row number.
#[test]
fn parallel_reading_numbers_rows_across_blocks() {
    use giamngheo_formats::households::read_households_csv;
    let mut csv = format!("{HEADER}\n");
    let n = 30_000;
    for i in 0..n {
        // Quoted addresses with commas, so block boundaries are found outside quotes.
        csv.push_str(&format!("H{i:05},15493,Thôn {},rural,\"Xóm {i}, ngõ 2\",Lê Văn Hùng,head,male,01/02/1970,Kinh,\n", i % 9));
        csv.push_str(&format!("H{i:05},15493,Thôn {},rural,\"Xóm {i}, ngõ 2\",Lê Thị Mai,spouse,female,01/02/1972,Kinh,\n", i % 9));
    }
    assert!(csv.len() > 2 << 20, "at least three blocks");
    let one = read_households(
        &mut CsvRows::open(csv.as_bytes(), "x.csv").unwrap(),
        today(),
    )
    .unwrap();
    for threads in [1, 2, 3] {
        let many = read_households_csv(csv.as_bytes(), "x.csv", today(), threads).unwrap();
        assert_eq!(many, one, "{threads} threads");
    }
    assert_eq!(one.len(), n);
    assert_eq!(one[n - 1].0, 2 * n as u64);
    let bad = csv.replacen(
        "H29999,15493,Thôn 2,rural,\"Xóm 29999, ngõ 2\",Lê Thị Mai,spouse,female",
        "H29999,15493,Thôn 2,rural,\"Xóm 29999, ngõ 2\",Lê Thị Mai,spouse,cái",
        1,
    );
    let e = read_households_csv(bad.as_bytes(), "x.csv", today(), 2).unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(
        (e[0].row, e[0].column.as_deref()),
        (2 * n as u64 + 1, Some("sex"))
    );
}
