//! `giamngheo report rates` and `report trend`: the poor-household rate of a unit year by year, on the
//! boundaries of any date, and its average annual reduction.

use crate::output::outln;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};

use giamngheo_core::date::Date;
use giamngheo_core::ids::UnitLevel;
use giamngheo_core::{Lang, trend, vi_format};
use giamngheo_report::chart::Drawing;
use giamngheo_report::table::Table;
use giamngheo_store::Store;
use giamngheo_store::targets::Target;
use giamngheo_store::units::Unit;

use crate::errors::{CliError, arg};
use crate::output::AtomicFile;
use crate::registry_cmd::{date_or_today, open};
use giamngheo_app::catalog::{self, ReportKind, ReportRequest};

/// `2015-2019` → (2015, 2019).
#[derive(Args)]
pub struct SpanArgs {
    /// A unit code or name (province, district, commune, village).
    #[arg(long)]
    unit: String,
    /// FROM-TO, e.g. 2015-2019.
    #[arg(long)]
    years: String,
    /// Count on the boundaries of this date (default today; old districts exist before 01/07/2025).
    #[arg(long)]
    as_of_boundaries: Option<String>,
}

impl SpanArgs {
    fn span(&self) -> Span<'_> {
        Span {
            unit: &self.unit,
            years: &self.years,
            boundaries: self.as_of_boundaries.as_deref(),
        }
    }
}

#[derive(Subcommand)]
pub enum ReportCommand {
    /// unit_code,unit_name,year,households,poor,poor_rate,near_poor,near_poor_rate (rates in percent), then the
    /// standard, its change, and urban, rural and ethnic-minority households.
    Rates {
        #[command(flatten)]
        span: SpanArgs,
        /// csv, xlsx, pdf (default: from the output's extension, else CSV).
        #[arg(long)]
        format: Option<String>,
        /// The output file (default: CSV on standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Each year's plan target against the reviewed rate, or the projected one for years not yet reviewed.
    Targets {
        #[command(flatten)]
        span: SpanArgs,
        #[arg(long)]
        format: Option<String>,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Per year: households escaped, newly poor, re-poor, stayed… since their previous review.
    Transitions {
        #[command(flatten)]
        span: SpanArgs,
        #[arg(long)]
        format: Option<String>,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Per year and indicator: the share of reviewed households deprived, and poor and deprived.
    Profile {
        #[command(flatten)]
        span: SpanArgs,
        #[arg(long)]
        format: Option<String>,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Localities side by side: rates year by year, average reduction, escaped, newly poor, re-poor.
    Compare {
        /// Unit codes or names separated by commas.
        #[arg(long)]
        units: String,
        #[arg(long)]
        years: String,
        #[arg(long)]
        as_of_boundaries: Option<String>,
        #[arg(long)]
        format: Option<String>,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// The communes under a unit ranked by average annual reduction, fastest first.
    Ranking {
        #[command(flatten)]
        span: SpanArgs,
        #[arg(long)]
        format: Option<String>,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// A chart as SVG: trend (rates by year, targets dashed), communes (rates in the last year), contributions
    /// (indicators' shares of the deprivations of poor households in the last year).
    Chart {
        kind: ChartKind,
        #[command(flatten)]
        span: SpanArgs,
        /// The SVG file (default: standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// The review summary table of a year: the unit, urban, rural, then each unit under it.
    Summary {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        year: u16,
        #[arg(long)]
        as_of_boundaries: Option<String>,
        #[arg(long)]
        format: Option<String>,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// The list of poor or near-poor households of a year.
    List {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        year: u16,
        #[arg(long, default_value = "poor")]
        class: ListClass,
        #[arg(long)]
        as_of_boundaries: Option<String>,
        #[arg(long)]
        format: Option<String>,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// The average annual reduction of the poor-household rate over a span, in percentage points.
    Trend {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        years: String,
        #[arg(long)]
        as_of_boundaries: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum TargetCommand {
    /// Sets the poor-household rate (percent) a unit plans to reach at the end of a year.
    Set {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        year: u16,
        #[arg(long)]
        poor_rate: f64,
        #[arg(long)]
        near_poor_rate: Option<f64>,
        /// Where the target comes from (a resolution, a plan).
        #[arg(long)]
        note: Option<String>,
        /// Find the unit on the boundaries of this date (default today).
        #[arg(long)]
        as_of_boundaries: Option<String>,
    },
}

pub fn run(command: ReportCommand, db: &str, lang: Lang) -> Result<(), CliError> {
    match command {
        ReportCommand::Rates {
            span,
            format,
            output,
        } => report_rates(db, &span.span(), format.as_deref(), output, lang),
        ReportCommand::Trend {
            unit,
            years,
            as_of_boundaries,
        } => report_trend(db, &unit, &years, as_of_boundaries.as_deref(), lang),
        ReportCommand::Targets {
            span,
            format,
            output,
        } => report_targets(db, &span.span(), format.as_deref(), output, lang),
        ReportCommand::Transitions {
            span,
            format,
            output,
        } => report_transitions(db, &span.span(), format.as_deref(), output, lang),
        ReportCommand::Profile {
            span,
            format,
            output,
        } => report_profile(db, &span.span(), format.as_deref(), output, lang),
        ReportCommand::Compare {
            units,
            years,
            as_of_boundaries,
            format,
            output,
        } => report_compare(
            db,
            &units,
            &years,
            as_of_boundaries.as_deref(),
            format.as_deref(),
            output,
            lang,
        ),
        ReportCommand::Ranking {
            span,
            format,
            output,
        } => report_ranking(db, &span.span(), format.as_deref(), output, lang),
        ReportCommand::Chart { kind, span, output } => {
            report_chart(db, kind, &span.span(), output, lang)
        }
        ReportCommand::Summary {
            unit,
            year,
            as_of_boundaries,
            format,
            output,
        } => report_summary(
            db,
            &unit,
            year,
            as_of_boundaries.as_deref(),
            format.as_deref(),
            output,
            lang,
        ),
        ReportCommand::List {
            unit,
            year,
            class,
            as_of_boundaries,
            format,
            output,
        } => report_list(
            db,
            &YearArgs {
                unit: &unit,
                year,
                boundaries: as_of_boundaries.as_deref(),
            },
            class,
            format.as_deref(),
            output,
            lang,
        ),
    }
}

pub fn run_target(command: TargetCommand, db: &str, lang: Lang) -> Result<(), CliError> {
    match command {
        TargetCommand::Set {
            unit,
            year,
            poor_rate,
            near_poor_rate,
            note,
            as_of_boundaries,
        } => target_set(
            db,
            &TargetArgs {
                unit: &unit,
                year,
                poor_rate,
                near_poor_rate,
                note: note.as_deref(),
                boundaries: as_of_boundaries.as_deref(),
            },
            lang,
        ),
    }
}

pub fn parse_years(s: &str) -> Result<(i32, i32), CliError> {
    let bad = || {
        arg(
            "years",
            s,
            "cần dạng NĂM-NĂM hoặc một năm, ví dụ 2015-2019 hay 2025",
            "expected FROM-TO or one year, e.g. 2015-2019 or 2025",
        )
    };
    // One year is the range of that year alone.
    let (a, b) = s.split_once('-').unwrap_or((s, s));
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
pub(crate) fn find_unit(store: &mut Store, key: &str, on: Date) -> Result<Unit, CliError> {
    find_unit_in(store, key, on, &giamngheo_app::units::ALL_LEVELS, "unit")
}

/// A unit of one of `levels` by code or name on `on`; none or several is an error naming the option.
pub(crate) fn find_unit_in(
    store: &mut Store,
    key: &str,
    on: Date,
    levels: &[UnitLevel],
    option: &'static str,
) -> Result<Unit, CliError> {
    let mut found = giamngheo_app::units::find(store, key, on, levels)?;
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(arg(
            option,
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
                option,
                key,
                &format!("nhiều đơn vị trùng, hãy dùng mã: {}", list.join("; ")),
                &format!("several units match, use a code: {}", list.join("; ")),
            ))
        }
    }
}

/// The output of a report: its format from `--format`, else from the output's extension, else CSV.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Format {
    Csv,
    Xlsx,
    Pdf,
}

impl Format {
    pub fn pick(format: Option<&str>, output: Option<&Path>) -> Result<Format, CliError> {
        let ext = output
            .and_then(|p| p.extension())
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match format
            .map(str::to_ascii_lowercase)
            .as_deref()
            .or(ext.as_deref())
        {
            Some("xlsx") => Ok(Format::Xlsx),
            Some("pdf") => Ok(Format::Pdf),
            Some("csv") | None => Ok(Format::Csv),
            Some(_) if format.is_none() => Ok(Format::Csv),
            Some(other) => Err(arg(
                "format",
                other,
                "định dạng phải là csv, xlsx hoặc pdf",
                "the format must be csv, xlsx or pdf",
            )),
        }
    }
}

/// Writes a table to the output file (atomically) or CSV to standard output; a PDF shows the charts after the
/// table.
pub fn emit(
    table: &Table,
    format: Format,
    output: Option<&Path>,
    charts: &[Drawing],
    lang: Lang,
) -> Result<(), CliError> {
    emit_all(std::slice::from_ref(table), format, output, charts, lang)
}

/// Writes tables to the output file (atomically): a sheet each in XLSX, one after the other in a PDF with the
/// charts after the first. CSV holds one table (the first), to the file or to standard output.
pub fn emit_all(
    tables: &[Table],
    format: Format,
    output: Option<&Path>,
    charts: &[Drawing],
    lang: Lang,
) -> Result<(), CliError> {
    let file_err = |path: &Path, error| CliError::File {
        path: path.display().to_string(),
        error,
    };
    let Some(first) = tables.first() else {
        return Ok(());
    };
    match (format, output) {
        (Format::Xlsx | Format::Pdf, None) => Err(arg(
            "output",
            "",
            "XLSX và PDF cần --output TỆP",
            "XLSX and PDF need --output FILE",
        )),
        (Format::Pdf, Some(path)) => {
            let bytes = giamngheo_report::bundle::pdf(tables, charts, lang);
            crate::output::write_file(path, &bytes)
        }
        (Format::Xlsx, Some(path)) => {
            let bytes = giamngheo_report::bundle::workbook(tables)
                .map_err(|e| file_err(path, std::io::Error::other(e.to_string())))?;
            crate::output::write_file(path, &bytes)
        }
        (Format::Csv, Some(path)) => {
            let mut out = AtomicFile::create(path)?;
            first
                .write_csv(out.writer())
                .map_err(|e| file_err(path, e))?;
            out.commit()
        }
        (Format::Csv, None) => {
            let mut out = crate::output::stdout();
            let std = Path::new("<stdout>");
            first.write_csv(&mut out).map_err(|e| file_err(std, e))?;
            std::io::Write::flush(&mut out).map_err(|e| file_err(std, e))
        }
    }
}

pub struct Span<'a> {
    pub unit: &'a str,
    pub years: &'a str,
    pub boundaries: Option<&'a str>,
}

/// Opens the store and resolves the unit, the years and the boundary date.
fn resolve(db: &str, span: &Span) -> Result<(Store, Unit, Date, i32, i32), CliError> {
    let (from, to) = parse_years(span.years)?;
    let on = date_or_today("as-of-boundaries", span.boundaries)?;
    let mut store = open(db)?;
    let u = find_unit(&mut store, span.unit, on)?;
    Ok((store, u, on, from, to))
}

pub fn report_rates(
    db: &str,
    span: &Span,
    format: Option<&str>,
    output: Option<PathBuf>,
    lang: Lang,
) -> Result<(), CliError> {
    report_kind(db, span, ReportKind::Rates, format, output, lang)
}

/// One report of the catalogue (the same the web's reports page shows) to the output.
fn report_kind(
    db: &str,
    span: &Span,
    kind: ReportKind,
    format: Option<&str>,
    output: Option<PathBuf>,
    lang: Lang,
) -> Result<(), CliError> {
    let format = Format::pick(format, output.as_deref())?;
    let (mut store, unit, on, from, to) = resolve(db, span)?;
    let request = ReportRequest {
        kind,
        unit,
        on,
        from,
        to,
    };
    let built = catalog::build(&mut store, &request, lang).map_err(report_error)?;
    emit_all(
        &built.tables,
        format,
        output.as_deref(),
        &built.charts,
        lang,
    )
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
    let on = date_or_today("as-of-boundaries", boundaries)?;
    let mut store = open(db)?;
    let u = find_unit(&mut store, unit, on)?;
    let rates = catalog::reviewed_rates(&mut store, &u, on, from, to).map_err(report_error)?;
    let (first, last) = (&rates[0], &rates[rates.len() - 1]);
    let (a, b) = (
        trend::round2(first.poor_rate()),
        trend::round2(last.poor_rate()),
    );
    let per_year = trend::average_annual_reduction((from, a), (to, b)).unwrap_or_default();
    let standards: std::collections::BTreeSet<&str> = rates
        .iter()
        .filter_map(|r| r.standard_id.as_deref())
        .collect();
    let d = |x: f64| vi_format::decimal(x, 2, lang);
    match lang {
        Lang::Vi => outln!(
            "{} ({}), địa giới ngày {}: tỷ lệ hộ nghèo {} % cuối năm {from}, {} % cuối năm {to}; giảm bình quân {} điểm %/năm.",
            u.name,
            u.code,
            on.vi(),
            d(a),
            d(b),
            d(per_year)
        ),
        Lang::En => outln!(
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
        let changes = standards.into_iter().collect::<Vec<&str>>().join(" → ");
        outln!(
            "{}",
            match lang {
                Lang::Vi => format!(
                    "Lưu ý: khoảng này có đổi chuẩn nghèo ({changes}); các tỷ lệ không so sánh trực tiếp được."
                ),
                Lang::En => format!(
                    "Note: the standard changed within the span ({changes}); the rates are not directly comparable."
                ),
            }
        );
    }
    // The plan targets of the span, judged as `report targets` does.
    let actual: Vec<(i32, f64)> = rates.iter().map(|r| (r.year, r.poor_rate())).collect();
    for t in store.targets(u.id, from, to)? {
        let (status, by) = trend::target_status(t.year, t.poor_rate, &actual);
        let by = by.map_or(String::new(), |r| format!(" ({} %)", d(r)));
        match lang {
            Lang::Vi => outln!(
                "Chỉ tiêu năm {}: tỷ lệ hộ nghèo {} %: {}{by}.",
                t.year,
                d(t.poor_rate),
                status.name(lang)
            ),
            Lang::En => outln!(
                "Target for {}: poor-household rate {} %: {}{by}.",
                t.year,
                d(t.poor_rate),
                status.name(lang)
            ),
        }
    }
    Ok(())
}

fn check_rate(name: &'static str, r: f64) -> Result<f64, CliError> {
    if (0.0..=100.0).contains(&r) {
        Ok(r)
    } else {
        Err(arg(
            name,
            &r.to_string(),
            "tỷ lệ phải từ 0 đến 100 (%)",
            "a rate must be between 0 and 100 (%)",
        ))
    }
}

pub struct TargetArgs<'a> {
    pub unit: &'a str,
    pub year: u16,
    pub poor_rate: f64,
    pub near_poor_rate: Option<f64>,
    pub note: Option<&'a str>,
    pub boundaries: Option<&'a str>,
}

/// `giamngheo target set`: one unit's plan target for one year.
pub fn target_set(db: &str, a: &TargetArgs, lang: Lang) -> Result<(), CliError> {
    let poor_rate = check_rate("poor-rate", a.poor_rate)?;
    let near_poor_rate = a
        .near_poor_rate
        .map(|r| check_rate("near-poor-rate", r))
        .transpose()?;
    let on = date_or_today("as-of-boundaries", a.boundaries)?;
    let mut store = open(db)?;
    let u = find_unit(&mut store, a.unit, on)?;
    let year = i32::from(a.year);
    store.set_targets(
        &planner(),
        &[Target {
            unit_id: u.id,
            year,
            poor_rate,
            near_poor_rate,
            note: a.note.map(giamngheo_core::text::nfc).unwrap_or_default(),
        }],
    )?;
    let r = vi_format::decimal(poor_rate, 2, lang);
    match lang {
        Lang::Vi => outln!(
            "Đã đặt chỉ tiêu {} ({}) năm {year}: tỷ lệ hộ nghèo {r} %.",
            u.name,
            u.code
        ),
        Lang::En => outln!(
            "Target set for {} ({}) in {year}: poor-household rate {r} %.",
            u.name,
            u.code
        ),
    }
    Ok(())
}

/// `giamngheo import targets FILE`: every row checked and its unit found before anything is written.
pub fn import_targets(
    db: &str,
    file: &Path,
    boundaries: Option<&str>,
    lang: Lang,
) -> Result<(), CliError> {
    use giamngheo_formats::error::{CsvError, CsvErrorKind};
    let on = date_or_today("as-of-boundaries", boundaries)?;
    let name = file.display().to_string();
    let table = if file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    {
        giamngheo_formats::table::read_xlsx(file, &name)?
    } else {
        let f = std::fs::File::open(file).map_err(|error| CliError::File {
            path: name.clone(),
            error,
        })?;
        giamngheo_formats::table::read_csv(f, &name)?
    };
    let rows = giamngheo_formats::targets::read_targets(&table)?;
    let unit_c = table
        .header
        .iter()
        .position(|h| h.eq_ignore_ascii_case("unit_code") || h.eq_ignore_ascii_case("unit"))
        .unwrap_or(0);
    let mut store = open(db)?;
    let mut targets = Vec::with_capacity(rows.len());
    for r in &rows {
        // An unknown or ambiguous unit is a problem of this cell of the file.
        let u = find_unit(&mut store, &r.unit, on).map_err(|e| match e {
            CliError::Argument { .. } => CliError::Csv(CsvError {
                row: Some(r.row),
                column: Some((table.header[unit_c].clone(), unit_c + 1)),
                ..CsvError::file(&name, CsvErrorKind::BadValue(r.unit.clone()))
            }),
            other => other,
        })?;
        targets.push(Target {
            unit_id: u.id,
            year: r.year,
            poor_rate: r.poor_rate,
            near_poor_rate: r.near_poor_rate,
            note: r.note.clone(),
        });
    }
    store.set_targets(&planner(), &targets)?;
    match lang {
        Lang::Vi => outln!("Đã nhập {} chỉ tiêu từ {name}.", targets.len()),
        Lang::En => outln!("Imported {} targets from {name}.", targets.len()),
    }
    Ok(())
}

pub fn report_targets(
    db: &str,
    span: &Span,
    format: Option<&str>,
    output: Option<PathBuf>,
    lang: Lang,
) -> Result<(), CliError> {
    report_kind(db, span, ReportKind::Targets, format, output, lang)
}

/// `giamngheo report transitions`: per year, how the unit's reviewed households moved since their previous
/// review (escaped, newly poor, re-poor, stayed…).
pub fn report_transitions(
    db: &str,
    span: &Span,
    format: Option<&str>,
    output: Option<PathBuf>,
    lang: Lang,
) -> Result<(), CliError> {
    report_kind(db, span, ReportKind::Transitions, format, output, lang)
}

/// A report the app could not make, as the command line says it: a year without reviews is the `--years`
/// argument's fault.
pub(crate) fn report_error(e: giamngheo_app::reports::ReportError) -> CliError {
    use giamngheo_app::reports::ReportError;
    use giamngheo_core::messages::Localized;
    match e {
        ReportError::Store(e) => CliError::Store(e),
        ReportError::Standard(e) => CliError::Standard(e),
        ReportError::NotReviewed { year, .. } => arg(
            "years",
            &year.to_string(),
            &e.message(Lang::Vi),
            &e.message(Lang::En),
        ),
        ReportError::NoTargets { .. } | ReportError::SpanTooShort => {
            arg("years", "", &e.message(Lang::Vi), &e.message(Lang::En))
        }
        ReportError::NothingUnder { .. } => {
            arg("unit", "", &e.message(Lang::Vi), &e.message(Lang::En))
        }
    }
}

/// `giamngheo report profile`: per year and indicator, the share of reviewed households deprived in it and the
/// share both poor and deprived, in percent.
pub fn report_profile(
    db: &str,
    span: &Span,
    format: Option<&str>,
    output: Option<PathBuf>,
    lang: Lang,
) -> Result<(), CliError> {
    report_kind(db, span, ReportKind::Profile, format, output, lang)
}

/// `giamngheo report compare`: units side by side, one row each: the poor-household rate of every year, the
/// average annual reduction, the households that escaped, became poor and fell back over the span.
pub fn report_compare(
    db: &str,
    units: &str,
    years: &str,
    boundaries: Option<&str>,
    format: Option<&str>,
    output: Option<PathBuf>,
    lang: Lang,
) -> Result<(), CliError> {
    let format = Format::pick(format, output.as_deref())?;
    let keys: Vec<&str> = units
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .collect();
    if keys.len() < 2 {
        return Err(arg(
            "units",
            units,
            "cần ít nhất hai đơn vị, cách nhau bởi dấu phẩy",
            "at least two units are needed, separated by commas",
        ));
    }
    let first = Span {
        unit: keys[0],
        years,
        boundaries,
    };
    let (mut store, u0, on, from, to) = resolve(db, &first)?;
    if from == to {
        return Err(arg(
            "years",
            years,
            "cần ít nhất hai năm",
            "a span of at least two years is needed",
        ));
    }
    let mut list = vec![u0];
    for k in &keys[1..] {
        list.push(find_unit(&mut store, k, on)?);
    }
    let t = giamngheo_app::reports::compare_table(&mut store, list, on, from, to, lang)
        .map_err(report_error)?;
    emit(&t, format, output.as_deref(), &[], lang)
}

/// `giamngheo report ranking`: the communes under a unit ranked by their average annual reduction (fastest
/// first); communes without a review at both ends of the span are listed last, unranked.
pub fn report_ranking(
    db: &str,
    span: &Span,
    format: Option<&str>,
    output: Option<PathBuf>,
    lang: Lang,
) -> Result<(), CliError> {
    report_kind(db, span, ReportKind::Ranking, format, output, lang)
}

/// `trend`: poor and near-poor rates by year, with the targets; `communes`: the poor rate of each commune
/// under the unit in the last year of the span; `contributions`: each indicator's share of the deprivations of
/// poor households in the last year. (Said here rather than on each variant, where clap would make them the
/// possible values' help and turn `--help` into its long form.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ChartKind {
    Trend,
    Communes,
    Contributions,
}

/// `giamngheo report chart KIND`: one chart as SVG (to a file, or standard output).
pub fn report_chart(
    db: &str,
    kind: ChartKind,
    span: &Span,
    output: Option<PathBuf>,
    lang: Lang,
) -> Result<(), CliError> {
    let (mut store, u, on, from, to) = resolve(db, span)?;
    let drawing = match kind {
        ChartKind::Trend => {
            let rates =
                catalog::reviewed_rates(&mut store, &u, on, from, to).map_err(report_error)?;
            let targets = store.targets(u.id, from, to)?;
            catalog::trend_chart(&u, &rates, &targets, lang).draw(lang)
        }
        ChartKind::Communes => {
            catalog::communes_chart(&mut store, &u, on, to, lang).map_err(report_error)?
        }
        ChartKind::Contributions => {
            catalog::contributions_chart(&mut store, &u, on, to, lang).map_err(report_error)?
        }
    };
    let svg = drawing.to_svg();
    match output {
        Some(path) => crate::output::write_file(&path, svg.as_bytes()),
        None => {
            let mut out = crate::output::stdout();
            std::io::Write::write_all(&mut out, svg.as_bytes())
                .and_then(|()| std::io::Write::flush(&mut out))
                .map_err(|error| CliError::File {
                    path: "<stdout>".into(),
                    error,
                })
        }
    }
}

/// `giamngheo report summary`: the review summary table of one year, the layout of the official summary
/// (rows: the unit, urban, rural, then each unit under it; columns: households, poor and near-poor, ethnic
/// minority, movements). Modelled on the summary annexes of the review procedure; column order not verified
/// against the legal form.
pub fn report_summary(
    db: &str,
    unit: &str,
    year: u16,
    boundaries: Option<&str>,
    format: Option<&str>,
    output: Option<PathBuf>,
    lang: Lang,
) -> Result<(), CliError> {
    let years = format!("{year}-{year}");
    let span = Span {
        unit,
        years: &years,
        boundaries,
    };
    report_kind(db, &span, ReportKind::Summary, format, output, lang)
}

/// `giamngheo report list`: the list of poor (or near-poor) households of a year, as the commune posts it.
pub struct YearArgs<'a> {
    pub unit: &'a str,
    pub year: u16,
    pub boundaries: Option<&'a str>,
}

/// The households `report list` lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListClass {
    Poor,
    NearPoor,
}

pub fn report_list(
    db: &str,
    a: &YearArgs,
    class: ListClass,
    format: Option<&str>,
    output: Option<PathBuf>,
    lang: Lang,
) -> Result<(), CliError> {
    let years = format!("{}-{}", a.year, a.year);
    let span = Span {
        unit: a.unit,
        years: &years,
        boundaries: a.boundaries,
    };
    let kind = match class {
        ListClass::Poor => ReportKind::PoorList,
        ListClass::NearPoor => ReportKind::NearPoorList,
    };
    report_kind(db, &span, kind, format, output, lang)
}

/// The command line's user setting plan targets (the province's planning work).
fn planner() -> giamngheo_store::audit::Actor {
    crate::registry_cmd::cli_actor(giamngheo_core::round::Role::ProvinceStaff)
}
