use giamngheo_core::messages::Localized;
use giamngheo_core::standard::builtin;
use giamngheo_core::{Classifier, Lang};
use giamngheo_formats::{ClassifyOptions, ClassifySummary, CsvError, classify};

const HEADER_2022: &str = "household_id,area,income_per_capita,employment,dependants,nutrition,health_insurance,adult_education,child_schooling,housing_quality,floor_area,water,sanitation,telecom,information_means";

fn run(
    standard: &str,
    input: &[u8],
    opts: ClassifyOptions,
) -> Result<(String, ClassifySummary), CsvError> {
    let c = Classifier::new(builtin::get(standard).unwrap());
    let mut out = Vec::new();
    let summary = classify(input, "ho.csv", &mut out, &c, opts)?;
    Ok((String::from_utf8(out).unwrap(), summary))
}

fn ok(standard: &str, input: &str) -> String {
    run(standard, input.as_bytes(), ClassifyOptions::default())
        .unwrap_or_else(|e| panic!("{}", e.bilingual()))
        .0
}

fn err(standard: &str, input: &[u8]) -> String {
    match run(standard, input, ClassifyOptions::default()) {
        Ok((out, _)) => panic!("expected an error, got {out}"),
        Err(e) => e.message(Lang::En),
    }
}

#[test]
fn classifies_the_shipped_sample() {
    let input = include_str!("../../../../samples/households-2024.csv");
    insta::assert_snapshot!(ok("vn-2022-2025", input));
}

#[test]
fn english_reasons_and_score_mode() {
    let input = "household_id,area,income_score,health_access,health_insurance,adult_education,child_schooling,housing_quality,floor_area,water,sanitation,telecom,information_assets\n\
                 A,rural,120,0,0,0,0,0,0,0,0,0,0\n\
                 B,rural,121,1,1,1,0,0,0,0,0,0,0\n\
                 C,urban,175,0,0,0,0,0,0,0,0,0,1\n\
                 D,urban,176,1,1,1,1,1,1,1,1,1,1\n";
    let c = Classifier::new(builtin::get("vn-2016-2020").unwrap());
    let mut out = Vec::new();
    classify(
        input.as_bytes(),
        "x.csv",
        &mut out,
        &c,
        ClassifyOptions {
            lang: Lang::En,
            ..Default::default()
        },
    )
    .unwrap();
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}

#[test]
fn csv_details_bom_crlf_quotes_blank_lines_and_extra_columns() {
    let row = |id: &str| format!("{id},rural,1000000,1,1,1,0,0,0,0,0,0,0,0,0");
    let cases: Vec<(String, &str)> = vec![
        (format!("\u{feff}{HEADER_2022}\n{}\n", row("A")), "A,3,poor"),
        (format!("{HEADER_2022}\r\n{}\r\n", row("A")), "A,3,poor"),
        (format!("{HEADER_2022}\n{}", row("A")), "A,3,poor"),
        (format!("{HEADER_2022}\n\n{}\n\n", row("A")), "A,3,poor"),
        (
            format!("{HEADER_2022}\n{}\n", row("\"Hộ \"\"Lò\"\", bản 2\"")),
            "\"Hộ \"\"Lò\"\", bản 2\",3,poor",
        ),
        (
            format!("{HEADER_2022}\n{}\n", row("\"dòng\nmới\"")),
            "\"dòng\nmới\",3,poor",
        ),
        (
            format!("ho_ten,{HEADER_2022}\nNguyễn Văn A,{}\n", row("A")),
            "A,3,poor",
        ),
        (
            format!("{}\n{}\n", HEADER_2022.to_uppercase(), row("A")),
            "A,3,poor",
        ),
        (
            format!("{HEADER_2022}\nA,Nông thôn,1000000, 1,1 ,1,0,0,0,0,0,0,0,0,0\n"),
            "A,3,poor",
        ),
    ];
    for (input, expect) in cases {
        let out = ok("vn-2022-2025", &input);
        let body = out.split_once('\n').unwrap().1;
        assert!(body.starts_with(expect), "input {input:?}\ngave {out:?}");
        assert_eq!(body.matches(",poor,").count(), 1, "{input:?}");
    }
}

#[test]
fn bad_input_names_file_row_and_column() {
    let h = HEADER_2022;
    let good = "A,rural,1000000,0,0,0,0,0,0,0,0,0,0,0,0";
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            b"".to_vec(),
            "File ho.csv: the file is empty: no header row",
        ),
        (
            h.replace("sanitation", "sanitaton").into_bytes(),
            "File ho.csv, row 1, column sanitation: the column is missing; there is a column 'sanitaton': is it misspelled?",
        ),
        (
            h.replace(",telecom", "").into_bytes(),
            "row 1, column telecom: the column is missing from the header row",
        ),
        (
            h.replace("income_per_capita", "thu_nhap").into_bytes(),
            "a column income_per_capita or income_score is needed",
        ),
        (
            format!("{h},income_score").into_bytes(),
            "use only one of the columns",
        ),
        (
            format!("{h},water").into_bytes(),
            "row 1, column water (P): this column appears twice",
        ),
        (
            format!("{h}\n{good}\nB,rural,1000000,0,0,2,0,0,0,0,0,0,0,0,0\n").into_bytes(),
            "row 3, column nutrition (F): '2' is not valid",
        ),
        (
            format!("{h}\n{good}\nB,rural,1000000,0,0,,0,0,0,0,0,0,0,0,0\n").into_bytes(),
            "row 3, column nutrition (F): '' is not valid",
        ),
        (
            format!("{h}\nB,rural,,0,0,0,0,0,0,0,0,0,0,0,0\n").into_bytes(),
            "row 2, column income_per_capita (C): income '' empty",
        ),
        (
            format!("{h}\nB,rural,-5,0,0,0,0,0,0,0,0,0,0,0,0\n").into_bytes(),
            "row 2, column income_per_capita (C): income '-5' is negative",
        ),
        (
            format!("{h}\nB,rural,1.500.000,0,0,0,0,0,0,0,0,0,0,0,0\n").into_bytes(),
            "income '1.500.000' is not a whole number",
        ),
        (
            format!("{h}\nB,city,100,0,0,0,0,0,0,0,0,0,0,0,0\n").into_bytes(),
            "row 2, column area (B): area 'city' is not valid",
        ),
        (
            format!("{h}\n\"B,rural,100,0,0,0,0,0,0,0,0,0,0,0,0\n").into_bytes(),
            "row 2, column household_id (A): a quoted field is never closed",
        ),
        (
            format!("{h}\n{good}\n{good},1\n").into_bytes(),
            "row 3: the row has 16 fields, the header 15",
        ),
        (
            format!("{h}\n{good}\nA,rural,1000000\n").into_bytes(),
            "row 3: the row has only 3 fields, the header 15",
        ),
        (
            [
                format!("{h}\n{good}\nB,n\u{f4}ng th\u{f4}n,1,0,0,0,0,0,0,0,0,0,0,0,0\n")
                    .into_bytes()
                    .as_slice(),
                b"",
            ]
            .concat()
            .iter()
            .copied()
            .map(|b| if b == 0xC3 { 0xF4 } else { b })
            .collect(),
            "row 3, column area (B): the file is not UTF-8",
        ),
        (
            vec![0xFF, 0xFE, b'h', 0],
            "File ho.csv, row 1: the file is UTF-16",
        ),
        // Blank lines count as rows, as in a spreadsheet.
        (
            format!("{h}\n\n{good}\n\nB,city,1,0,0,0,0,0,0,0,0,0,0,0,0\n").into_bytes(),
            "row 5, column area (B): area 'city' is not valid",
        ),
        (
            format!("{h}\n\"x\"\n\nB,city,1,0,0,0,0,0,0,0,0,0,0,0,0\n").into_bytes(),
            "row 2: the row has only 1 fields",
        ),
        // Two empty fields side by side are two fields, on the fast path too.
        (
            format!("{h}\nA,rural,1000000,0,0,0,0,0,0,0,0,0,0,0,0,,\n").into_bytes(),
            "row 2: the row has 17 fields, the header 15",
        ),
        (
            format!("{h}\n,,rural,1000000,0,0,0,0,0,0,0,0,0,0,0\n").into_bytes(),
            "row 2, column area (B): area '' is not valid",
        ),
    ];
    for (input, expect) in cases {
        let msg = err("vn-2022-2025", &input);
        assert!(
            msg.contains(expect),
            "input {:?}\nexpected {expect:?}\nin {msg:?}",
            String::from_utf8_lossy(&input)
        );
    }
}

#[test]
fn score_mode_under_a_standard_without_score_lines_is_refused() {
    let h = HEADER_2022
        .replace("income_per_capita", "income_score")
        .replace("information_means", "waste");
    let msg = err("vn-2026-2030", format!("{h}\n").as_bytes());
    assert!(
        msg.contains("standard vn-2026-2030 has no income score lines"),
        "{msg}"
    );
}

#[test]
fn vietnamese_messages_name_row_and_column() {
    let input = format!("{HEADER_2022}\nB,rural,100,0,0,0,0,0,0,0,0,0,0,0,x\n");
    let e = run("vn-2022-2025", input.as_bytes(), ClassifyOptions::default()).unwrap_err();
    assert_eq!(
        e.message(Lang::Vi),
        "Tệp ho.csv, dòng 2, cột information_means (O): giá trị 'x' không hợp lệ: chỉ số thiếu hụt ghi 1 (thiếu hụt) hoặc 0"
    );
}

/// Many small blocks on several threads: the output is the same, in order, and errors keep their row.
#[test]
fn block_boundaries_and_threads_do_not_change_the_result() {
    let mut input = format!("{HEADER_2022}\n");
    for i in 0..2000 {
        let income = (i * 7919) % 3_500_000;
        let flags: Vec<&str> = (0..12)
            .map(|k| if (i * 31 + k * 17) % 5 == 0 { "1" } else { "0" })
            .collect();
        let id = if i % 97 == 0 {
            format!("\"H,{i}\nx\"")
        } else {
            format!("H{i}")
        };
        let area = if i % 3 == 0 { "urban" } else { "rural" };
        input.push_str(&format!("{id},{area},{income},{}\n", flags.join(",")));
    }
    let reference = run(
        "vn-2022-2025",
        input.as_bytes(),
        ClassifyOptions {
            threads: 1,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(reference.1.households, 2000);
    for (threads, block_size) in [(1, 64), (2, 64), (2, 1000), (3, 4096), (2, 1 << 20)] {
        let got = run(
            "vn-2022-2025",
            input.as_bytes(),
            ClassifyOptions {
                threads,
                block_size,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(got, reference, "threads {threads}, block {block_size}");
    }
    // An error near the end is reported at its own row, after blocks that succeeded.
    let bad = input.replace(&format!("H1990,{}", "rural"), "H1990,moon");
    for (threads, block_size) in [(1, 64), (2, 64), (2, 1 << 20)] {
        let e = run(
            "vn-2022-2025",
            bad.as_bytes(),
            ClassifyOptions {
                threads,
                block_size,
                ..Default::default()
            },
        )
        .unwrap_err();
        // Row 1 is the header, household i is on row i + 2 (quoted line breaks do not count).
        assert_eq!(e.row, Some(1992), "threads {threads}, block {block_size}");
    }
}
