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

/// Drawn narrow for a phone: text of the same size, every text inside the drawing (the standard-change mark
/// turned to the left of its line when it would run past the edge), the legend in one column, and the
/// years labelled every other one when eleven would touch.
#[test]
fn a_narrow_trend_keeps_its_text_inside_and_legible() {
    let fonts = giamngheo_report::fonts::face(giamngheo_report::fonts::Weight::Regular);
    // (years, break year, width, year labels expected)
    let cases = [
        ((2019..=2023).collect::<Vec<i32>>(), 2022, 320.0, 5),
        ((2016..=2026).collect(), 2026, 320.0, 6),
        ((2016..=2026).collect(), 2022, 640.0, 11),
    ];
    for (years, break_year, width, labelled) in cases {
        let n = years.len();
        let mut chart = trend();
        chart.years = years.clone();
        for s in &mut chart.series {
            s.values = (0..n).map(|i| Some(1.0 + i as f64 / 4.0)).collect();
        }
        chart.breaks = vec![(break_year, "vn-2022-2025".into())];
        let d = chart.draw_width(Lang::Vi, width);
        assert_eq!(d.width, width);
        let mut year_labels = 0;
        let mut legend_x = Vec::new();
        for s in &d.shapes {
            if let Shape::Text {
                at,
                text,
                size,
                anchor,
                ..
            } = s
            {
                assert!(*size >= 9.0, "{text}: {size}");
                let w = fonts.width(text, *size);
                let (left, right) = match anchor {
                    giamngheo_report::chart::Anchor::Start => (at.0, at.0 + w),
                    giamngheo_report::chart::Anchor::Middle => (at.0 - w / 2.0, at.0 + w / 2.0),
                    giamngheo_report::chart::Anchor::End => (at.0 - w, at.0),
                };
                assert!(
                    left >= 0.0 && right <= width,
                    "{width} {break_year}: {text} from {left} to {right}"
                );
                if years.iter().any(|y| y.to_string() == *text) {
                    year_labels += 1;
                }
                if chart.series.iter().any(|s| s.name == *text) {
                    legend_x.push(at.0);
                }
            }
        }
        assert_eq!(year_labels, labelled, "{width}: {n} years");
        let one_column = legend_x.windows(2).all(|w| w[0] == w[1]);
        assert_eq!(one_column, width < 400.0, "{width}: legend {legend_x:?}");
    }
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
