use giamngheo_formats::error::CsvErrorKind;
use giamngheo_formats::table::read_csv;
use giamngheo_formats::targets::read_targets;

#[test]
fn target_files_are_read_with_either_decimal_mark_or_refused_at_the_cell() {
    // (file body, Ok(rows as (unit, year, poor, near, note)) or Err((row, column, value)))
    type Row = (&'static str, i32, f64, Option<f64>, &'static str);
    let cases: &[(&str, Result<Vec<Row>, (u64, &str, &str)>)] = &[
        (
            "unit_code,year,poor_rate,near_poor_rate,note\n395,2024,\"1,5\",3.25,NQ 12\nHuyện Hiệp Đức,2025,7,,\n",
            Ok(vec![
                ("395", 2024, 1.5, Some(3.25), "NQ 12"),
                ("Huyện Hiệp Đức", 2025, 7.0, None, ""),
            ]),
        ),
        (
            "YEAR,Unit,Poor_Rate\n2024,512,0\n",
            Ok(vec![("512", 2024, 0.0, None, "")]),
        ),
        (
            "unit_code,year,poor_rate\n395,2024,100.5\n",
            Err((2, "poor_rate", "100.5")),
        ),
        (
            "unit_code,year,poor_rate\n395,2024,-1\n",
            Err((2, "poor_rate", "-1")),
        ),
        (
            "unit_code,year,poor_rate\n395,24,1\n",
            Err((2, "year", "24")),
        ),
        (
            "unit_code,year,poor_rate\n395,2024,1\n,2025,1\n",
            Err((3, "unit_code", "")),
        ),
        (
            "unit_code,year,poor_rate,near_poor_rate\n395,2024,1,nhiều\n",
            Err((2, "near_poor_rate", "nhiều")),
        ),
        ("unit_code,poor_rate\n395,1\n", Err((1, "year", ""))),
    ];
    for (body, expect) in cases {
        let table = read_csv(body.as_bytes(), "chi-tieu.csv").unwrap();
        match (read_targets(&table), expect) {
            (Ok(rows), Ok(want)) => {
                let got: Vec<(String, i32, f64, Option<f64>, String)> = rows
                    .into_iter()
                    .map(|r| (r.unit, r.year, r.poor_rate, r.near_poor_rate, r.note))
                    .collect();
                let want: Vec<(String, i32, f64, Option<f64>, String)> = want
                    .iter()
                    .map(|w| (w.0.to_owned(), w.1, w.2, w.3, w.4.to_owned()))
                    .collect();
                assert_eq!(got, want, "{body}");
            }
            (Err(e), Err((row, column, value))) => {
                assert_eq!(e.row, Some(*row), "{body}");
                assert_eq!(
                    e.column.as_ref().map(|c| c.0.to_ascii_lowercase()),
                    Some(column.to_string()),
                    "{body}"
                );
                match &e.kind {
                    CsvErrorKind::BadValue(v) => assert_eq!(v, value, "{body}"),
                    CsvErrorKind::MissingColumn { .. } => assert_eq!(*value, "", "{body}"),
                    other => panic!("{body}: {other:?}"),
                }
            }
            (got, _) => panic!("{body}: {got:?}"),
        }
    }
}
