//! The report tables both front ends show and download: built here once, so the command line's CSV and the
//! web app's are the same table.

use giamngheo_core::Lang;
use giamngheo_core::date::Date;
use giamngheo_report::table::{Cell, Table};
use giamngheo_store::rates::{Counts, YearRate, standard_breaks};
use giamngheo_store::units::Unit;

/// The rates table: the required columns first, then the standard and its break, then urban, rural
/// and ethnic-minority households.
pub fn rates_table(u: &Unit, on: Date, rates: &[YearRate], lang: Lang) -> Table {
    let mut columns: Vec<String> = [
        "unit_code",
        "unit_name",
        "year",
        "households",
        "poor",
        "poor_rate",
        "near_poor",
        "near_poor_rate",
        "standard",
        "standard_changed",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let mut labels: Vec<String> = match lang {
        Lang::Vi => [
            "Mã",
            "Đơn vị",
            "Năm",
            "Số hộ",
            "Hộ nghèo",
            "Tỷ lệ nghèo (%)",
            "Hộ cận nghèo",
            "Tỷ lệ cận nghèo (%)",
            "Chuẩn nghèo",
            "Đổi chuẩn",
        ],
        Lang::En => [
            "Code",
            "Unit",
            "Year",
            "Households",
            "Poor",
            "Poor rate (%)",
            "Near-poor",
            "Near-poor rate (%)",
            "Standard",
            "New standard",
        ],
    }
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for (group, vi, en) in [
        ("urban", "thành thị", "urban"),
        ("rural", "nông thôn", "rural"),
        ("ethnic_minority", "DTTS", "ethnic minority"),
    ] {
        for (field, lvi, len) in [
            ("households", "Số hộ", "Households"),
            ("poor", "Hộ nghèo", "Poor"),
            ("poor_rate", "Tỷ lệ nghèo (%)", "Poor rate (%)"),
            ("near_poor", "Hộ cận nghèo", "Near-poor"),
            (
                "near_poor_rate",
                "Tỷ lệ cận nghèo (%)",
                "Near-poor rate (%)",
            ),
        ] {
            columns.push(format!("{group}_{field}"));
            labels.push(match lang {
                Lang::Vi => format!("{lvi} {vi}"),
                Lang::En => format!("{len}, {en}"),
            });
        }
    }
    let mut t = Table {
        title: match lang {
            Lang::Vi => format!(
                "Tỷ lệ hộ nghèo, cận nghèo: {} (địa giới ngày {})",
                u.name,
                on.vi()
            ),
            Lang::En => format!(
                "Poor and near-poor households: {} (boundaries of {})",
                u.name,
                on.vi()
            ),
        },
        columns,
        labels,
        ..Table::default()
    };
    let breaks = standard_breaks(rates);
    for (i, r) in rates.iter().enumerate() {
        let mut row = vec![
            Cell::text(&u.code),
            Cell::text(&u.name),
            Cell::Plain(r.year.into()),
        ];
        push_counts(&mut row, &r.all());
        row.push(Cell::text(r.standard_id.clone().unwrap_or_default()));
        row.push(Cell::Plain(breaks[i].into()));
        for c in [&r.urban, &r.rural, &r.ethnic_minority] {
            push_counts(&mut row, c);
        }
        if breaks[i] {
            t.breaks.push(i);
        }
        t.rows.push(row);
    }
    note_breaks(&mut t, rates, lang);
    t
}

fn push_counts(row: &mut Vec<Cell>, c: &Counts) {
    row.extend([
        Cell::Int(c.households),
        Cell::Int(c.poor),
        Cell::rate(c.poor_rate()),
        Cell::Int(c.near_poor),
        Cell::rate(c.near_poor_rate()),
    ]);
}

pub fn note_breaks(t: &mut Table, rates: &[YearRate], lang: Lang) {
    let breaks = standard_breaks(rates);
    for (i, r) in rates.iter().enumerate().filter(|(i, _)| breaks[*i]) {
        t.notes.push(match lang {
            Lang::Vi => format!(
                "Từ năm {} áp dụng chuẩn {} (trước đó {}): tỷ lệ trước và sau không so sánh trực tiếp được.",
                r.year,
                r.standard_id.as_deref().unwrap_or(""),
                rates[i - 1].standard_id.as_deref().unwrap_or("")
            ),
            Lang::En => format!(
                "From {} the standard is {} (before: {}): rates before and after are not directly comparable.",
                r.year,
                r.standard_id.as_deref().unwrap_or(""),
                rates[i - 1].standard_id.as_deref().unwrap_or("")
            ),
        });
    }
}
