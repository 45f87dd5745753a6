//! `giamngheo forecast`: a unit's households under another standard (issue 15), and `giamngheo support cost`:
//! the unit costs that price the support it implies. The use case is `giamngheo_app::forecast`; this is the
//! command line's arguments and output.

use std::path::{Path, PathBuf};

use clap::Args;
use giamngheo_app::forecast::{ForecastRequest, forecast};
use giamngheo_core::Lang;
use giamngheo_core::forecast::Growth;
use giamngheo_core::standard::builtin;
use giamngheo_store::costs::ProgrammeCost;

use crate::errors::CliError;
use crate::errors::arg;
use crate::output::{outln, write_file};
use crate::registry_cmd::{date_or_today, open, today};
use crate::report_cmd::{Format, emit, emit_all, find_unit, report_error};

#[derive(Args)]
pub struct ForecastArgs {
    /// The unit (code or name): a province, a district, a commune.
    #[arg(long)]
    unit: String,
    /// The last year whose decided reviews count (default: last year).
    #[arg(long = "from-year")]
    from_year: Option<u16>,
    /// The standard to forecast under (default: the next standard after the one in force, vn-2026-2030).
    #[arg(long, default_value = "vn-2026-2030")]
    standard: String,
    /// Income growth a year, percent (default 0; may be negative).
    #[arg(
        long = "income-growth",
        default_value_t = 0.0,
        allow_negative_numbers = true
    )]
    income_growth: f64,
    /// Which table for CSV: units (default), drivers, support, survey. XLSX and PDF hold them all.
    #[arg(long, default_value = "units")]
    table: String,
    /// csv (default), xlsx, pdf, or svg (the chart alone); also taken from the output's extension.
    #[arg(long)]
    format: Option<String>,
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// The boundaries to count on (default today).
    #[arg(long = "as-of-boundaries")]
    as_of_boundaries: Option<String>,
}

pub fn run(a: ForecastArgs, db: &str, lang: Lang) -> Result<(), CliError> {
    let growth = Growth::percent(a.income_growth).ok_or_else(|| {
        arg(
            "income-growth",
            &a.income_growth.to_string(),
            "tăng trưởng thu nhập phải là một số phần trăm lớn hơn -100 và không quá 1000",
            "the income growth must be a percentage above -100 and at most 1000",
        )
    })?;
    let target = builtin::get(&a.standard).map_err(|_| {
        let known: Vec<&str> = builtin::ids().collect();
        arg(
            "standard",
            &a.standard,
            &format!("không có chuẩn này; có: {}", known.join(", ")),
            &format!("no such standard; there are: {}", known.join(", ")),
        )
    })?;
    let table = a.table.to_ascii_lowercase();
    if !["units", "drivers", "support", "survey"].contains(&table.as_str()) {
        return Err(arg(
            "table",
            &a.table,
            "bảng phải là units, drivers, support hoặc survey",
            "the table must be units, drivers, support or survey",
        ));
    }
    let svg = a
        .format
        .as_deref()
        .is_some_and(|f| f.eq_ignore_ascii_case("svg"))
        || (a.format.is_none()
            && a.output
                .as_deref()
                .and_then(Path::extension)
                .is_some_and(|e| e.eq_ignore_ascii_case("svg")));
    let format = if svg {
        Format::Csv
    } else {
        Format::pick(a.format.as_deref(), a.output.as_deref())?
    };
    let on = date_or_today("as-of-boundaries", a.as_of_boundaries.as_deref())?;
    let from_year = a.from_year.map_or(today().year() - 1, i32::from);
    let mut store = open(db)?;
    let unit = find_unit(&mut store, &a.unit, on)?;
    let result = forecast(
        &mut store,
        ForecastRequest {
            unit,
            on,
            from_year,
            target,
            growth,
            // The list of households to survey is read only for the outputs that show it.
            survey_list: !svg && (format != Format::Csv || table == "survey"),
        },
    )
    .map_err(report_error)?;
    let unverified = result.target.unverified();
    if !unverified.is_empty() {
        eprintln!(
            "{}",
            match lang {
                Lang::Vi => format!(
                    "Lưu ý: {} giá trị của {} chưa kiểm chứng với văn bản gốc (giamngheo standards show {}).",
                    unverified.len(),
                    result.target.id,
                    result.target.id
                ),
                Lang::En => format!(
                    "Note: {} values of {} are not verified against the legal text (giamngheo standards show {}).",
                    unverified.len(),
                    result.target.id,
                    result.target.id
                ),
            }
        );
    }
    let tables = result.tables(lang);
    if svg {
        let svg = result.chart(lang).to_svg();
        match a.output.as_deref() {
            Some(path) => {
                write_file(path, svg.as_bytes())?;
            }
            None => outln!("{svg}"),
        }
        eprintln!("{}", result.headline(lang));
        return Ok(());
    }
    match format {
        Format::Csv => {
            let t = match table.as_str() {
                "drivers" => &tables[1],
                "support" => &tables[2],
                "survey" => &tables[3],
                _ => &tables[0],
            };
            emit(t, format, a.output.as_deref(), &[], lang)?;
        }
        Format::Xlsx | Format::Pdf => {
            emit_all(
                &tables,
                format,
                a.output.as_deref(),
                &[result.chart(lang)],
                lang,
            )?;
        }
    }
    if a.output.is_some() || format != Format::Csv {
        outln!("{}", result.headline(lang));
    } else {
        eprintln!("{}", result.headline(lang));
    }
    Ok(())
}

#[derive(Args)]
pub struct CostArgs {
    /// The programme's code (giamngheo support programmes lists them).
    #[arg(long)]
    programme: String,
    /// The unit the cost applies to (code or name); units under it use it unless they have their own.
    #[arg(long)]
    unit: String,
    #[arg(long)]
    year: u16,
    /// Đồng per household supported.
    #[arg(long, allow_negative_numbers = true)]
    vnd: i64,
    /// Where the figure comes from (a plan, a decision).
    #[arg(long)]
    note: Option<String>,
}

/// `giamngheo support cost`: sets a programme's unit cost for a unit and a year.
pub fn set_cost(
    db: &str,
    who: &giamngheo_store::audit::Actor,
    a: CostArgs,
    lang: Lang,
) -> Result<(), CliError> {
    if a.vnd < 0 {
        return Err(arg(
            "vnd",
            &a.vnd.to_string(),
            "định mức không được âm",
            "a cost cannot be negative",
        ));
    }
    let mut store = open(db)?;
    let unit = find_unit(&mut store, &a.unit, today())?;
    store.set_programme_costs(
        who,
        &[ProgrammeCost {
            programme_code: a.programme.trim().to_owned(),
            unit_id: unit.id,
            year: i32::from(a.year),
            cost_vnd: a.vnd,
            note: a
                .note
                .map(|n| giamngheo_core::text::nfc(&n))
                .unwrap_or_default(),
        }],
    )?;
    let amount = giamngheo_core::vi_format::int(a.vnd, lang);
    match lang {
        Lang::Vi => outln!(
            "Đã đặt định mức {} năm {} cho {}: {amount} đ/hộ.",
            a.programme,
            a.year,
            unit.name
        ),
        Lang::En => outln!(
            "Cost of {} in {} set for {}: {amount} VND a household.",
            a.programme,
            a.year,
            unit.name
        ),
    }
    Ok(())
}

#[derive(Args)]
pub struct PlanArgs {
    /// The unit (code or name): a commune, or a district or province for all its communes at once.
    #[arg(long)]
    unit: String,
    /// The review year the plan starts from (default: last year).
    #[arg(long)]
    year: Option<u16>,
    /// The budget in đồng (default: no limit, every household cheapest first).
    #[arg(long, allow_negative_numbers = true)]
    budget: Option<i64>,
    /// A poor-rate target in percent (default: the unit's plan target for the next year, if set).
    #[arg(long = "target-rate")]
    target_rate: Option<f64>,
    /// Which table for CSV: households (default) or summary. XLSX and PDF hold both.
    #[arg(long, default_value = "households")]
    table: String,
    #[arg(long)]
    format: Option<String>,
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// `giamngheo plan`: the graduation plan of a unit's poor and near-poor households.
pub fn run_plan(a: PlanArgs, db: &str, lang: Lang) -> Result<(), CliError> {
    if a.budget.is_some_and(|b| b < 0) {
        return Err(arg(
            "budget",
            &a.budget.unwrap_or_default().to_string(),
            "kinh phí không được âm",
            "a budget cannot be negative",
        ));
    }
    if let Some(t) = a.target_rate
        && !(0.0..=100.0).contains(&t)
    {
        return Err(arg(
            "target-rate",
            &t.to_string(),
            "chỉ tiêu phải là tỷ lệ phần trăm từ 0 đến 100",
            "the target must be a percentage from 0 to 100",
        ));
    }
    let table = a.table.to_ascii_lowercase();
    if !["households", "summary"].contains(&table.as_str()) {
        return Err(arg(
            "table",
            &a.table,
            "bảng phải là households hoặc summary",
            "the table must be households or summary",
        ));
    }
    let format = Format::pick(a.format.as_deref(), a.output.as_deref())?;
    let on = today();
    let year = a.year.map_or(on.year() - 1, i32::from);
    let mut store = open(db)?;
    let unit = find_unit(&mut store, &a.unit, on)?;
    let result = giamngheo_app::plan::plan(
        &mut store,
        giamngheo_app::plan::PlanRequest {
            unit,
            on,
            year,
            budget: a.budget,
            target_rate: a.target_rate,
        },
    )
    .map_err(report_error)?;
    let tables = [result.households_table(lang), result.summary_table(lang)];
    match (format, a.output.as_deref()) {
        (Format::Csv, output) => {
            let t = if table == "summary" {
                &tables[1]
            } else {
                &tables[0]
            };
            emit(t, format, output, &[], lang)?;
        }
        (_, Some(path)) => {
            let chart = giamngheo_report::chart::BarChart {
                title: match lang {
                    Lang::Vi => format!("{}: tỷ lệ nghèo trước và sau kế hoạch", result.unit.name),
                    Lang::En => {
                        format!("{}: poor rate before and after the plan", result.unit.name)
                    }
                },
                value_label: lang.pick("Tỷ lệ hộ nghèo (%)", "Poor rate (%)").to_owned(),
                bars: vec![
                    (lang.pick("Hiện nay", "Now").to_owned(), result.rate_now()),
                    (
                        lang.pick("Sau kế hoạch", "After the plan").to_owned(),
                        result.rate_after(),
                    ),
                ],
            }
            .draw(lang);
            emit_all(&tables, format, Some(path), &[chart], lang)?;
        }
        // Refused by `emit_all` with the option named.
        (_, None) => emit_all(&tables, format, None, &[], lang)?,
    }
    if a.output.is_some() {
        outln!("{}", result.headline(lang));
    } else {
        eprintln!("{}", result.headline(lang));
    }
    Ok(())
}
