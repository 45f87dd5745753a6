use giamngheo_core::Lang;
use giamngheo_report::table::{Cell, Table};

fn sample() -> Table {
    let mut t = Table::new(
        "Tỷ lệ hộ nghèo",
        &["unit_name", "year", "households", "poor_rate"],
    );
    t.rows = vec![
        vec![
            Cell::text("Huyện Thọ Xuân"),
            Cell::Plain(2021),
            Cell::Int(65_012),
            Cell::rate(1.234),
        ],
        vec![
            Cell::text("Xã \"Mới\", Thọ Xuân"),
            Cell::Plain(2022),
            Cell::Int(1_300),
            Cell::rate(2.925),
        ],
    ];
    t.breaks = vec![1];
    t
}

#[test]
fn csv_keeps_machine_numbers_and_quotes_what_needs_it() {
    let mut out = Vec::new();
    sample().write_csv(&mut out).unwrap();
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}

#[test]
fn cells_display_the_vietnamese_way_or_the_english_way() {
    for (cell, vi, en) in [
        (Cell::Int(1_234_567), "1.234.567", "1,234,567"),
        (Cell::Plain(2025), "2025", "2025"),
        (Cell::rate(7.4199), "7,42", "7.42"),
        (Cell::Num(-0.5, 1), "-0,5", "-0.5"),
        (Cell::Num(-0.001, 2), "0,00", "0.00"),
        (Cell::Num(1234.5, 2), "1.234,50", "1,234.50"),
        (Cell::text("Thọ Xuân"), "Thọ Xuân", "Thọ Xuân"),
        (Cell::Empty, "", ""),
    ] {
        assert_eq!(cell.display(Lang::Vi), vi, "{cell:?}");
        assert_eq!(cell.display(Lang::En), en, "{cell:?}");
    }
}

/// Every cell of every sheet as `sheet!A1 = value (type)`, for snapshots.
pub fn dump_xlsx(path: &std::path::Path) -> String {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    let mut out = String::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        let (y0, x0) = range.start().unwrap_or((0, 0));
        for (y, row) in range.rows().enumerate() {
            for (x, v) in row.iter().enumerate() {
                if matches!(v, calamine::Data::Empty) {
                    continue;
                }
                let col = (b'A' + (x0 as usize + x) as u8) as char;
                out.push_str(&format!("{name}!{col}{} = {v:?}\n", y0 as usize + y + 1));
            }
        }
    }
    out
}

#[test]
fn xlsx_has_numbers_as_numbers_under_the_title() {
    let path = std::env::temp_dir().join(format!("giamngheo-report-{}.xlsx", std::process::id()));
    sample().write_xlsx(&path).unwrap();
    let dump = dump_xlsx(&path);
    let _ = std::fs::remove_file(&path);
    insta::assert_snapshot!(dump);
}
