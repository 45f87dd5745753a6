//! Every reader of a user's file against the hostile corpus: each file refused with the kind of error that
//! names its problem, and refused early (the readers return; memory is measured by bench/hostile_uploads.sh).

use giamngheo_core::Lang;
use giamngheo_core::date::Date;
use giamngheo_core::messages::Localized;
use giamngheo_core::standard::builtin;
use giamngheo_formats::table::{CsvRows, Rows, read_csv, read_xlsx};
use giamngheo_formats::xlsx::read_workbook;
use giamngheo_formats::{ClassifyOptions, CsvError, classify};

use crate::corpus::{self, Case};

fn kind(e: &CsvError) -> String {
    format!("{:?}", e.kind)
}

fn check(case: &Case, reader: &str, r: Result<(), CsvError>) {
    let e = match r {
        Ok(()) => panic!("{reader} accepted {}", case.name),
        Err(e) => e,
    };
    assert!(
        kind(&e).starts_with(case.kind),
        "{reader} on {}: expected {}, got {:?}",
        case.name,
        case.kind,
        e
    );
    assert_eq!(e.file, case.name, "{reader}: the message names the file");
    let vi = e.message(Lang::Vi);
    assert!(vi.starts_with(&format!("Tệp {}", case.name)), "{vi}");
}

#[test]
fn every_hostile_workbook_is_refused_with_its_own_error() {
    let dir = std::env::temp_dir().join(format!("giamngheo-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for case in corpus::xlsx_cases() {
        let path = dir.join(case.name);
        std::fs::write(&path, &case.bytes).unwrap();
        check(&case, "read_xlsx", read_xlsx(&path, case.name).map(|_| ()));
        let mem = std::io::Cursor::new(&case.bytes);
        check(
            &case,
            "read_workbook",
            read_workbook(mem, case.name).map(|_| ()),
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A file larger than the limit is refused from its length alone (a sparse file: nothing is written).
#[test]
fn a_workbook_past_the_file_limit_is_refused_unread() {
    let dir = std::env::temp_dir().join(format!("giamngheo-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.xlsx");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(giamngheo_formats::limits::MAX_XLSX_FILE_BYTES + 1)
        .unwrap();
    let e = read_xlsx(&path, "big.xlsx").unwrap_err();
    assert_eq!(kind(&e), "Limit(XlsxFileBytes)");
    assert_eq!(
        e.message(Lang::En),
        "File big.xlsx: the XLSX file is larger than 64 MB"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// What a workbook declares is not believed either way: a whole-sheet dimension and a shared-strings count
/// of four billion read as the few cells that are there.
#[test]
fn declared_sizes_are_ignored_when_the_content_is_small() {
    let cases: &[(&str, Vec<u8>)] = &[
        ("stored.xlsx", corpus::valid_workbook(false)),
        ("deflated.xlsx", corpus::valid_workbook(true)),
    ];
    for (name, bytes) in cases {
        let t = read_workbook(std::io::Cursor::new(bytes), name).unwrap();
        assert_eq!(t.header, ["household_code", "commune_code"], "{name}");
        let rows: Vec<(u64, Vec<&str>)> = t
            .rows
            .iter()
            .map(|(n, r)| (*n, r.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            rows,
            [(2, vec!["XH-1", "15493"]), (3, vec!["XH-2", "1.5"])],
            "{name}"
        );
    }
}

/// Each CSV reader that takes a user's file, run on a case: `Ok` when it read the whole file.
fn csv_readers() -> Vec<(&'static str, fn(&Case) -> Result<(), CsvError>)> {
    fn table(c: &Case) -> Result<(), CsvError> {
        read_csv(c.bytes.as_slice(), c.name).map(|_| ())
    }
    fn streamed(c: &Case) -> Result<(), CsvError> {
        let mut rows = CsvRows::open(c.bytes.as_slice(), c.name)?;
        rows.each(&mut |_, _| {})
    }
    fn households(c: &Case) -> Result<(), CsvError> {
        let today = Date::new(2026, 12, 5).unwrap();
        match giamngheo_formats::households::read_households_csv(
            c.bytes.as_slice(),
            c.name,
            today,
            2,
        ) {
            Ok(_) => Ok(()),
            Err(list) => match list.into_iter().next().map(|p| p.kind) {
                Some(giamngheo_formats::households::ProblemKind::Unreadable(kind)) => {
                    Err(CsvError::file(c.name, kind))
                }
                other => panic!("households on {}: {other:?}", c.name),
            },
        }
    }
    vec![
        ("read_csv", table),
        ("CsvRows", streamed),
        ("read_households_csv", households),
    ]
}

#[test]
fn every_hostile_csv_is_refused_by_every_reader() {
    for case in corpus::csv_cases() {
        for (reader, read) in csv_readers() {
            check(&case, reader, read(&case));
        }
    }
}

/// classify reads its own header: the same problems under a classification header.
#[test]
fn classify_refuses_the_hostile_csv_files() {
    let header = "household_id,area,income_per_capita,employment,dependants,nutrition,health_insurance,adult_education,child_schooling,housing_quality,floor_area,water,sanitation,telecom,information_means";
    let row = "H1,nông thôn,1000000,0,0,0,0,0,0,0,0,0,0,0,0";
    let long = format!("{header}\n{row}\nH2,nông thôn,{}\n", "9".repeat(10 << 20));
    let mut latin = format!("{header}\nH1,n").into_bytes();
    latin.extend_from_slice(b"\xF4ng th\xF4n,1,0,0,0,0,0,0,0,0,0,0,0,0\n");
    let cases = [
        ("long.csv", long.into_bytes(), "Limit(CsvRecordBytes"),
        (
            "wide.csv",
            format!("{}\n", ",".repeat(1_000_000)).into_bytes(),
            "Limit(CsvFields",
        ),
        (
            "cr.csv",
            format!("{header}\r{row}\r").into_bytes(),
            "CrLineEndings",
        ),
        ("latin.csv", latin, "NotUtf8"),
    ];
    let c = giamngheo_core::Classifier::new(builtin::get("vn-2022-2025").unwrap());
    for (name, bytes, want) in cases {
        let mut out = Vec::new();
        let opts = ClassifyOptions {
            threads: 2,
            ..ClassifyOptions::default()
        };
        let e = classify(bytes.as_slice(), name, &mut out, &c, opts).unwrap_err();
        assert!(kind(&e).starts_with(want), "{name}: {e:?}");
        if want == "NotUtf8" {
            assert_eq!(e.row, Some(2), "{name}: the row is named");
            assert!(e.column.is_some(), "{name}: the column is named");
        }
    }
}

/// Text a spreadsheet would run as a formula goes out with a `'` and comes back as it was; numbers stay.
#[test]
fn formula_text_is_neutralised_in_csv_and_read_back() {
    use giamngheo_core::text::{csv_safe, csv_unescape_formula};
    let cases = [
        ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
        ("+84912345678", "'+84912345678"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("-5", "-5"),
        ("-1.234.567,5", "-1.234.567,5"),
        ("Xóm = 3", "Xóm = 3"),
        ("", ""),
    ];
    for (text, written) in cases {
        assert_eq!(csv_safe(text), written, "{text:?}");
        assert_eq!(csv_unescape_formula(&csv_safe(text)), text, "{text:?}");
    }
}

/// The streaming reader keeps the cell semantics of the reader it replaced: dates in a date format become
/// dd/mm/yyyy, whole numbers lose their decimals, booleans are 1 or 0, text is trimmed.
#[test]
fn cells_read_as_before_from_a_written_workbook() {
    use rust_xlsxwriter::{Format, Workbook};
    let dir = std::env::temp_dir().join(format!("giamngheo-cells-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("o.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let iso = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let money = Format::new().set_num_format("#,##0 \"đ\"");
    let header = ["date", "iso", "money", "whole", "fraction", "flag", "text"];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_number_with_format(1, 0, 45000.0, &date).unwrap();
    ws.write_number_with_format(1, 1, 45000.75, &iso).unwrap();
    ws.write_number_with_format(1, 2, 1_500_000.0, &money)
        .unwrap();
    ws.write_number(1, 3, 38_075_000_111.0).unwrap();
    ws.write_number(1, 4, 2.25).unwrap();
    ws.write_boolean(1, 5, true).unwrap();
    ws.write_string(1, 6, "  Lê Văn Hùng ").unwrap();
    wb.save(&path).unwrap();
    let t = read_xlsx(&path, "o.xlsx").unwrap();
    assert_eq!(t.header, header);
    assert_eq!(
        t.rows[0].1,
        [
            "15/03/2023",
            "15/03/2023",
            "1500000",
            "38075000111",
            "2.25",
            "1",
            "Lê Văn Hùng"
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Writes the corpus into `$HOSTILE_CORPUS_DIR` for bench/hostile_uploads.py, which uploads it to a running
/// server and reads the server's peak memory.
#[test]
#[ignore = "writes the corpus for bench/hostile_uploads.py"]
fn write_corpus() {
    let dir = std::env::var("HOSTILE_CORPUS_DIR").expect("HOSTILE_CORPUS_DIR");
    std::fs::create_dir_all(&dir).unwrap();
    for case in corpus::xlsx_cases().into_iter().chain(corpus::csv_cases()) {
        std::fs::write(std::path::Path::new(&dir).join(case.name), &case.bytes).unwrap();
    }
}

/// What the fuzzer found, kept: the first problem in the file is named whatever the block size, and a
/// CR-only file is recognised even when its first line is longer than a block.
#[test]
fn classify_names_the_first_problem_whatever_the_blocks() {
    let header = "household_id,area,income_per_capita,employment,dependants,nutrition,health_insurance,adult_education,child_schooling,housing_quality,floor_area,water,sanitation,telecom,information_means";
    let row = "H1,nông thôn,1000000,0,0,0,0,0,0,0,0,0,0,0,0";
    let mut late_latin =
        format!("{header}\n{row}\nH2,rur,1,0,0,0,0,0,0,0,0,0,0,0,0\n{row}\n{row}\n").into_bytes();
    late_latin.extend_from_slice(b"H5,n\xF4ng th\xF4n,1,0,0,0,0,0,0,0,0,0,0,0,0\n");
    let cases: [(&str, Vec<u8>, &str, Option<u64>); 2] = [
        ("late-latin.csv", late_latin, "BadArea", Some(3)),
        (
            "cr.csv",
            format!("{header}\r{row}\r").into_bytes(),
            "CrLineEndings",
            Some(1),
        ),
    ];
    let c = giamngheo_core::Classifier::new(builtin::get("vn-2022-2025").unwrap());
    for (name, bytes, want, row) in &cases {
        for block_size in [16, 64, 1 << 20] {
            let opts = ClassifyOptions {
                threads: 2,
                block_size,
                ..ClassifyOptions::default()
            };
            let e = classify(bytes.as_slice(), name, &mut Vec::new(), &c, opts).unwrap_err();
            assert!(
                kind(&e).starts_with(want),
                "{name}, blocks of {block_size}: {e:?}"
            );
            assert_eq!(e.row, *row, "{name}, blocks of {block_size}");
        }
    }
}

/// The fast indicator reader leaves a block holding bytes that are not UTF-8 to the general reader, which
/// refuses them, even in a column nobody reads.
#[test]
fn the_fast_indicator_reader_leaves_non_utf8_to_the_general_reader() {
    use giamngheo_formats::indicator_csv::{Plan, Role};
    let plan = Plan::new(&[vec![Role::Indicator(0)], vec![]]).unwrap();
    let cases: [(&[u8], bool); 3] = [
        (b"1,note\n0,x\n", true),
        (b"1,n\xF4te\n0,x\n", false),
        (b"1,n\xC3\xB4te\n0,x\n", true),
    ];
    for (text, summed) in cases {
        let mut block = text.to_vec();
        assert_eq!(plan.sum(&mut block, 0).is_some(), summed, "{text:?}");
    }
}
