//! `giamngheo mpi`: the Alkire-Foster measures of a CSV of 0/1 indicators, for the whole population and for
//! each subgroup of the `--over` columns.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use giamngheo_core::Lang;
use giamngheo_core::mpi::{MpiSpec, MpiSpecError};
use giamngheo_formats::mpi_csv::{self, ChangeError, MpiQuery};

use crate::errors::CliError;
use crate::output::{AtomicFile, stdout};

#[derive(Args)]
pub struct MpiArgs {
    /// The dimensions and indicators (TOML): [[dimensions]] name, indicators, optional weights.
    #[arg(long)]
    spec: PathBuf,
    /// Poverty cutoffs in percent (poor when the weighted deprivation score is at least k/100); repeatable.
    #[arg(long = "k", value_parser = clap::value_parser!(u8).range(1..=100))]
    ks: Vec<u8>,
    /// Subgroup columns; repeatable.
    #[arg(long)]
    over: Vec<String>,
    /// A column of sampling weights.
    #[arg(long)]
    weight: Option<String>,
    #[arg(long, default_value = "csv")]
    format: MpiFormat,
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// A column of years: measures per year, and their change (absolute, relative, annualised).
    #[arg(long)]
    time: Option<String>,
    /// The two years to compare, FROM-TO (default the first and last years of --time).
    #[arg(long, requires = "time")]
    change: Option<String>,
    #[arg(default_value = "-")]
    input: String,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MpiFormat {
    Csv,
    Json,
}

fn spec_error(path: &str, e: MpiSpecError) -> CliError {
    let (vi, en) = match e {
        MpiSpecError::Syntax(m) => (
            format!("không đọc được: {m}"),
            format!("cannot be read: {m}"),
        ),
        MpiSpecError::NoIndicators => ("không có chỉ số nào".into(), "names no indicator".into()),
        MpiSpecError::WeightsSum(s) => (
            format!("tổng trọng số là {s}, phải bằng 1"),
            format!("the weights sum to {s}, not 1"),
        ),
        MpiSpecError::BadWeight(i) => (
            format!("trọng số của {i} phải trong (0, 1]"),
            format!("the weight of {i} must be in (0, 1]"),
        ),
        MpiSpecError::DuplicateIndicator(i) => (
            format!("chỉ số {i} xuất hiện hai lần"),
            format!("indicator {i} appears twice"),
        ),
        MpiSpecError::MissingWeight(i) => (
            format!("thiếu trọng số của {i}"),
            format!("no weight for {i}"),
        ),
    };
    CliError::Argument {
        name: "spec",
        value: path.to_owned(),
        vi,
        en,
    }
}

pub fn run(args: MpiArgs, _lang: Lang) -> Result<(), CliError> {
    let change = args
        .change
        .as_deref()
        .map(crate::report_cmd::parse_years)
        .transpose()?;
    let spec_path = args.spec.display().to_string();
    let text = crate::output::read_text_file(&args.spec)?;
    let spec = MpiSpec::from_toml(&text).map_err(|e| spec_error(&spec_path, e))?;
    let ks = if args.ks.is_empty() {
        vec![33]
    } else {
        args.ks.clone()
    };
    let mut input_file = None;
    let (input, name): (Box<dyn std::io::Read + Send>, String) = if args.input == "-" {
        (Box::new(std::io::stdin()), "<stdin>".into())
    } else {
        let f = std::fs::File::open(&args.input).map_err(|error| CliError::File {
            path: args.input.clone(),
            error,
        })?;
        // A second handle for reading by position; a regular file only (not a pipe or a device).
        input_file = f
            .metadata()
            .is_ok_and(|m| m.is_file())
            .then(|| f.try_clone().ok())
            .flatten();
        (Box::new(f), args.input.clone())
    };
    let query = MpiQuery {
        spec: &spec,
        ks: &ks,
        over: &args.over,
        weight: args.weight.as_deref(),
        time: args.time.as_deref(),
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let totals = mpi_csv::measure(input, input_file, &name, &query, threads)?;
    let mut rows = totals.rows(&spec, &ks);
    if let Some(time) = &args.time {
        let bad_years = |vi: String, en: String| CliError::Argument {
            name: "change",
            value: change.map(|(a, b)| format!("{a}-{b}")).unwrap_or_default(),
            vi,
            en,
        };
        match totals.change_rows(&spec, &ks, time, change) {
            Ok(change) => rows.extend(change),
            Err(ChangeError::TooFewYears) => {
                return Err(bad_years(
                    format!("cột {time} cần ít nhất hai năm"),
                    format!("the column {time} needs at least two years"),
                ));
            }
            Err(ChangeError::NoRows { from, to }) => {
                return Err(bad_years(
                    format!("cột {time} không có năm {from} hoặc năm {to}"),
                    format!("the column {time} has no rows for {from} or {to}"),
                ));
            }
        }
    }
    // The whole output is made before a file is opened for it; a vector takes every write.
    let mut buf = Vec::new();
    let _ = if args.format == MpiFormat::Json {
        mpi_csv::write_json(&mut buf, &rows)
    } else {
        mpi_csv::write_csv(&mut buf, &rows)
    };
    match &args.output {
        Some(path) => {
            let mut out = AtomicFile::create(path)?;
            out.writer()
                .write_all(&buf)
                .map_err(|error| CliError::File {
                    path: path.display().to_string(),
                    error,
                })?;
            out.commit()?;
        }
        None => {
            let mut out = stdout();
            out.write_all(&buf)
                .and_then(|_| out.flush())
                .map_err(|error| CliError::File {
                    path: "<stdout>".into(),
                    error,
                })?;
        }
    }
    Ok(())
}
