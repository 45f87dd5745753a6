//! Writes a sample PDF (a wide table and a chart) to the path given: for looking at the layout by eye.

use giamngheo_core::Lang;
use giamngheo_report::chart::{BarChart, LineChart, Series};
use giamngheo_report::pdf::{Document, Orientation};
use giamngheo_report::table::{Cell, Table};

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "sample.pdf".into());
    let cols: Vec<String> = (0..24).map(|i| format!("cột_{i}")).collect();
    let refs: Vec<&str> = cols.iter().map(String::as_str).collect();
    let mut t = Table::new(
        "Bảng rộng: tỷ lệ hộ nghèo theo thành thị, nông thôn và dân tộc thiểu số",
        &refs,
    );
    t.labels = (0..24)
        .map(|i| format!("Tỷ lệ hộ nghèo nông thôn {i} (%)"))
        .collect();
    for r in 0..30 {
        let mut row = vec![Cell::text("Huyện Thọ Xuân, tỉnh Thanh Hóa")];
        row.extend((1..24).map(|c| Cell::rate((r * c) as f64 / 7.0)));
        t.rows.push(row);
    }
    t.breaks = vec![7];
    t.notes = vec!["Từ năm 2022 áp dụng chuẩn vn-2022-2025.".into()];
    let mut d = Document::new(&t.title, Orientation::for_table(&t, Lang::Vi), Lang::Vi);
    d.heading(&t.title);
    d.table(&t);
    let chart = LineChart {
        title: "Tỷ lệ hộ nghèo, Huyện Thọ Xuân".into(),
        y_label: "%".into(),
        years: (2015..=2025).collect(),
        series: vec![
            Series {
                name: "Hộ nghèo".into(),
                values: (0..11)
                    .map(|i| Some(7.4 - 0.6 * i as f64 + if i >= 7 { 2.0 } else { 0.0 }))
                    .collect(),
                dashed: false,
            },
            Series {
                name: "Chỉ tiêu".into(),
                values: (0..11)
                    .map(|i| {
                        if i > 5 {
                            Some(3.0 - 0.3 * i as f64 + 1.5)
                        } else {
                            None
                        }
                    })
                    .collect(),
                dashed: true,
            },
        ],
        breaks: vec![(2022, "vn-2022-2025".into())],
    };
    d.drawing(&chart.draw(Lang::Vi));
    let bars = BarChart {
        title: "Tỷ lệ hộ nghèo theo xã, 2019".into(),
        value_label: "%".into(),
        bars: vec![
            ("Xã Xuân Hồng".into(), 10.34),
            ("Thị trấn Lam Sơn".into(), 3.7),
            ("Xã Bắc Lương".into(), 2.17),
        ],
    };
    d.drawing(&bars.draw(Lang::Vi));
    std::fs::write(&path, d.finish()).unwrap();
    std::fs::write(format!("{path}.svg"), chart.draw(Lang::Vi).to_svg()).unwrap();
}
