use giamngheo_core::Lang;
use giamngheo_report::chart::{BarChart, LineChart, Series, Shape};

fn trend() -> LineChart {
    LineChart {
        title: "Tỷ lệ hộ nghèo <Thọ Xuân> & cận nghèo".into(),
        y_label: "%".into(),
        years: (2019..=2023).collect(),
        series: vec![
            Series {
                name: "Hộ nghèo".into(),
                values: vec![Some(1.77), Some(1.46), Some(1.23), Some(2.92), Some(2.23)],
                dashed: false,
            },
            Series {
                name: "Chỉ tiêu".into(),
                values: vec![None, None, Some(1.2), Some(2.5), Some(2.0)],
                dashed: true,
            },
        ],
        breaks: vec![(2022, "vn-2022-2025".into())],
    }
}

#[test]
fn trend_lines_break_where_the_standard_changed() {
    let d = trend().draw(Lang::Vi);
    // The poor-rate line is two polylines (2019-2021 and 2022-2023), never one across the break.
    let lines: Vec<usize> = d
        .shapes
        .iter()
        .filter_map(|s| match s {
            Shape::Polyline { points, .. } => Some(points.len()),
            _ => None,
        })
        .collect();
    assert_eq!(lines, [3, 2, 2]);
    let svg = d.to_svg();
    assert!(svg.contains("Đổi chuẩn: vn-2022-2025"));
    assert!(svg.contains("&lt;Thọ Xuân&gt; &amp;"), "text is escaped");
    insta::assert_snapshot!(svg);
}

#[test]
fn bars_with_vietnamese_numbers_or_english_ones() {
    let chart = BarChart {
        title: "Tỷ lệ hộ nghèo theo xã".into(),
        value_label: "%".into(),
        bars: vec![
            ("Xã Xuân Hồng".into(), 10.34),
            ("Thị trấn Lam Sơn".into(), 3.7),
            ("Xã Bắc Lương".into(), 0.0),
        ],
    };
    let vi = chart.draw(Lang::Vi).to_svg();
    assert!(vi.contains(">10,34<") && vi.contains(">3,70<"), "{vi}");
    assert!(chart.draw(Lang::En).to_svg().contains(">10.34<"));
    insta::assert_snapshot!(vi);
}

#[test]
fn a_chart_goes_into_a_pdf_with_its_text() {
    let mut doc = giamngheo_report::pdf::Document::new(
        "Biểu đồ",
        giamngheo_report::pdf::Orientation::Portrait,
        Lang::Vi,
    );
    doc.drawing(&trend().draw(Lang::Vi));
    let text = crate::pdf::pdf_text(&doc.finish());
    for expect in [
        "Đổi chuẩn: vn-2022-2025\n",
        "Hộ nghèo\n",
        "2023\n",
        "Trang 1/1\n",
    ] {
        assert!(text.contains(expect), "{expect}: {text}");
    }
}
