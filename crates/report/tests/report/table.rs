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

/// A part of a written workbook, as text.
fn part(path: &std::path::Path, name: &str) -> Option<String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut f = zip.by_name(name).ok()?;
    let mut s = String::new();
    std::io::Read::read_to_string(&mut f, &mut s).unwrap();
    Some(s)
}

#[test]
fn xlsx_columns_fit_their_contents_and_a_chart_is_drawn_from_the_cells() {
    use giamngheo_report::table::SheetChart;
    let path = std::env::temp_dir().join(format!("giamngheo-chart-{}.xlsx", std::process::id()));
    // (chart asked for, a chart part expected)
    for (chart, drawn) in [(false, false), (true, true)] {
        let mut t = sample();
        if chart {
            t.chart = Some(SheetChart {
                title: "Tỷ lệ hộ nghèo".into(),
                bars: false,
                category: 1,
                values: vec![3],
            });
        }
        t.write_xlsx(&path).unwrap();
        let sheet = part(&path, "xl/worksheets/sheet1.xml").unwrap();
        // The first column holds "Xã \"Mới\", Thọ Xuân" (18 characters, and a margin): wider than the default 8.43.
        assert!(
            sheet.contains("<col min=\"1\" max=\"1\" width=\"20."),
            "{sheet}"
        );
        let chart_xml = part(&path, "xl/charts/chart1.xml");
        assert_eq!(chart_xml.is_some(), drawn);
        if let Some(xml) = chart_xml {
            // The series reads the sheet's own cells: the rates in D4:D5 over the years in B4:B5.
            assert!(
                xml.contains("$D$4:$D$5") && xml.contains("$B$4:$B$5"),
                "{xml}"
            );
        }
    }
    let _ = std::fs::remove_file(&path);
}
