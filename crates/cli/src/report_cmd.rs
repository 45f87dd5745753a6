//! `giamngheo report rates` and `report trend`: the poor-household rate of a unit year by year, on the
//! boundaries of any date, and its average annual reduction.

use std::path::PathBuf;

use giamngheo_core::date::Date;
use giamngheo_core::ids::UnitLevel;
use giamngheo_core::{Lang, vi_format};
use giamngheo_store::Store;
use giamngheo_store::rates::YearRate;
use giamngheo_store::units::Unit;

use crate::errors::CliError;
use crate::output::AtomicFile;
use crate::registry_cmd::{open, parse_date, today};

fn arg(name: &'static str, value: &str, vi: &str, en: &str) -> CliError {
    CliError::Argument {
        name,
        value: value.to_owned(),
        vi: vi.to_owned(),
        en: en.to_owned(),
    }
}

/// `2015-2019` → (2015, 2019).
pub fn parse_years(s: &str) -> Result<(i32, i32), CliError> {
    let bad = || {
        arg(
            "years",
            s,
            "cần dạng NĂM-NĂM, ví dụ 2015-2019",
            "expected FROM-TO, e.g. 2015-2019",
        )
    };
    let (a, b) = s.split_once('-').ok_or_else(bad)?;
    let (a, b): (i32, i32) = (
        a.trim().parse().map_err(|_| bad())?,
        b.trim().parse().map_err(|_| bad())?,
    );
    if a > b || !(1990..=2100).contains(&a) || !(1990..=2100).contains(&b) {
        return Err(bad());
    }
    Ok((a, b))
}

/// A unit by code or name, as it stood on the boundary date.
fn find_unit(store: &mut Store, key: &str, on: Date) -> Result<Unit, CliError> {
    let mut found = Vec::new();
    for level in [
        UnitLevel::Province,
        UnitLevel::District,
        UnitLevel::Commune,
        UnitLevel::Village,
    ] {
        found.extend(store.find_units(level, key, on)?);
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(arg(
            "unit",
            key,
            &format!("không có đơn vị nào mã hoặc tên này vào ngày {}", on.vi()),
            &format!("no unit has this code or name on {}", on.vi()),
        )),
        _ => {
            let list: Vec<String> = found
                .iter()
                .take(10)
                .map(|u| format!("{} {}", u.code, u.name))
                .collect();
            Err(arg(
                "unit",
                key,
                &format!("nhiều đơn vị trùng, hãy dùng mã: {}", list.join("; ")),
                &format!("several units match, use a code: {}", list.join("; ")),
            ))
        }
    }
}

/// The rates, refusing years without any review in the unit.
fn rates(
    store: &mut Store,
    unit: &Unit,
    on: Date,
    from: i32,
    to: i32,
) -> Result<Vec<YearRate>, CliError> {
    let years: Vec<(i32, Date)> = (from..=to)
        .map(|y| {
            (
                y,
                Date::new(y, 11, 15).unwrap_or_else(|_| unreachable!("a valid date")),
            )
        })
        .collect();
    let rates = store.rates(unit.id, on, &years)?;
    if let Some(r) = rates.iter().find(|r| r.standard_id.is_none()) {
        return Err(arg(
            "years",
            &r.year.to_string(),
            &format!(
                "năm {} không có kết quả rà soát nào ở {}",
                r.year, unit.name
            ),
            &format!("no review in {} in {}", unit.name, r.year),
        ));
    }
    Ok(rates)
}

pub fn report_rates(
    db: &str,
    unit: &str,
    years: &str,
    boundaries: Option<&str>,
    output: Option<PathBuf>,
    lang: Lang,
) -> Result<(), CliError> {
    let (from, to) = parse_years(years)?;
    let on = match boundaries {
        Some(d) => parse_date("as-of-boundaries", d)?,
        None => today(),
    };
    let mut store = open(db)?;
    let u = find_unit(&mut store, unit, on)?;
    let rates = rates(&mut store, &u, on, from, to)?;
    let header = [
        "unit_code",
        "unit_name",
        "year",
        "standard",
        "households",
        "poor",
        "poor_rate",
        "near_poor",
        "near_poor_rate",
    ];
    let rows: Vec<[String; 9]> = rates
        .iter()
        .map(|r| {
            [
                u.code.clone(),
                u.name.clone(),
                r.year.to_string(),
                r.standard_id.clone().unwrap_or_default(),
                r.households.to_string(),
                r.poor.to_string(),
                format!("{:.2}", r.poor_rate()),
                r.near_poor.to_string(),
                format!("{:.2}", r.near_poor_rate()),
            ]
        })
        .collect();
    match output {
        Some(path)
            if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) =>
        {
            let out = AtomicFile::create(&path)?;
            let fail = |e: rust_xlsxwriter::XlsxError| CliError::File {
                path: path.display().to_string(),
                error: std::io::Error::other(e.to_string()),
            };
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            ws.set_name("Tỷ lệ hộ nghèo").map_err(fail)?;
            for (c, h) in header.iter().enumerate() {
                ws.write_string(0, c as u16, *h).map_err(fail)?;
            }
            for (r, row) in rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    // Counts and rates as numbers, so the province can compute with them.
                    match (c, v.parse::<f64>()) {
                        (2 | 4..=8, Ok(x)) => {
                            ws.write_number(r as u32 + 1, c as u16, x).map(|_| ())
                        }
                        _ => ws.write_string(r as u32 + 1, c as u16, v).map(|_| ()),
                    }
                    .map_err(fail)?;
                }
            }
            let tmp = out.path().to_owned();
            wb.save(&tmp).map_err(fail)?;
            out.commit_written()?;
        }
        Some(path) => {
            let mut out = AtomicFile::create(&path)?;
            write_csv(out.writer(), &header, &rows).map_err(|error| CliError::File {
                path: path.display().to_string(),
                error,
            })?;
            out.commit()?;
        }
        None => {
            let mut out = crate::output::stdout();
            write_csv(&mut out, &header, &rows).map_err(|error| CliError::File {
                path: "<stdout>".into(),
                error,
            })?;
            std::io::Write::flush(&mut out).map_err(|error| CliError::File {
                path: "<stdout>".into(),
                error,
            })?;
        }
    }
    let _ = lang;
    Ok(())
}

fn write_csv<W: std::io::Write>(
    out: &mut W,
    header: &[&str],
    rows: &[[String; 9]],
) -> std::io::Result<()> {
    writeln!(out, "{}", header.join(","))?;
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .map(|c| {
                if c.contains([',', '"', '\n']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.clone()
                }
            })
            .collect();
        writeln!(out, "{}", cells.join(","))?;
    }
    Ok(())
}

/// The average annual reduction over a span: (rate at the end of the first year − rate at the end of the
/// last) ÷ (years between them), in percentage points, rates rounded to two decimals as published.
pub fn report_trend(
    db: &str,
    unit: &str,
    years: &str,
    boundaries: Option<&str>,
    lang: Lang,
) -> Result<(), CliError> {
    let (from, to) = parse_years(years)?;
    if from == to {
        return Err(arg(
            "years",
            years,
            "cần ít nhất hai năm",
            "a span of at least two years is needed",
        ));
    }
    let on = match boundaries {
        Some(d) => parse_date("as-of-boundaries", d)?,
        None => today(),
    };
    let mut store = open(db)?;
    let u = find_unit(&mut store, unit, on)?;
    let rates = rates(&mut store, &u, on, from, to)?;
    let round2 = |x: f64| (x * 100.0).round() / 100.0;
    let (first, last) = (&rates[0], &rates[rates.len() - 1]);
    let (a, b) = (round2(first.poor_rate()), round2(last.poor_rate()));
    let per_year = (a - b) / f64::from(to - from);
    let standards: std::collections::BTreeSet<&str> = rates
        .iter()
        .filter_map(|r| r.standard_id.as_deref())
        .collect();
    let d = |x: f64| vi_format::decimal(x, 2, lang);
    match lang {
        Lang::Vi => println!(
            "{} ({}), địa giới ngày {}: tỷ lệ hộ nghèo {} % cuối năm {from}, {} % cuối năm {to}; giảm bình quân {} điểm %/năm.",
            u.name,
            u.code,
            on.vi(),
            d(a),
            d(b),
            d(per_year)
        ),
        Lang::En => println!(
            "{} ({}), boundaries of {}: poor-household rate {} % at the end of {from}, {} % at the end of {to}; average reduction {} points a year.",
            u.name,
            u.code,
            on.vi(),
            d(a),
            d(b),
            d(per_year)
        ),
    }
    if standards.len() > 1 {
        let list: Vec<&str> = standards.into_iter().collect();
        println!(
            "{}",
            match lang {
                Lang::Vi => format!(
                    "Lưu ý: khoảng này có đổi chuẩn nghèo ({}); các tỷ lệ không so sánh trực tiếp được.",
                    list.join(" → ")
                ),
                Lang::En => format!(
                    "Note: the standard changed within the span ({}); the rates are not directly comparable.",
                    list.join(" → ")
                ),
            }
        );
    }
    Ok(())
}
