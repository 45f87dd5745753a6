//! `giamngheo mpi`: the Alkire-Foster measures of a CSV of 0/1 indicators, for the whole population and for
//! each subgroup of the `--over` columns.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use giamngheo_core::Lang;
use giamngheo_core::mpi::{MpiAccumulator, MpiSpec, MpiSpecError};
use giamngheo_formats::table::{CsvRows, Rows};
use giamngheo_formats::{CsvError, CsvErrorKind};

use crate::errors::CliError;
use crate::output::{AtomicFile, stdout};

pub struct MpiArgs {
    pub spec: PathBuf,
    pub ks: Vec<u8>,
    pub over: Vec<String>,
    pub weight: Option<String>,
    pub json: bool,
    pub output: Option<PathBuf>,
    pub input: String,
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
    let spec_path = args.spec.display().to_string();
    let text = std::fs::read_to_string(&args.spec).map_err(|error| CliError::File {
        path: spec_path.clone(),
        error,
    })?;
    let spec = MpiSpec::from_toml(&text).map_err(|e| spec_error(&spec_path, e))?;
    let ks = if args.ks.is_empty() {
        vec![33]
    } else {
        args.ks.clone()
    };
    let (input, name): (Box<dyn std::io::Read + Send>, String) = if args.input == "-" {
        (Box::new(std::io::stdin()), "<stdin>".into())
    } else {
        let f = std::fs::File::open(&args.input).map_err(|error| CliError::File {
            path: args.input.clone(),
            error,
        })?;
        (Box::new(f), args.input.clone())
    };
    let mut rows = CsvRows::open(input, &name)?;
    let header: Vec<String> = rows.header().iter().map(|h| h.trim().to_owned()).collect();
    let col = |c: &str| header.iter().position(|h| h == c);
    let missing = |c: &str| CsvError {
        row: Some(1),
        column: Some((c.to_owned(), 0)),
        ..CsvError::file(&name, CsvErrorKind::MissingColumn { suggestion: None })
    };
    let mut ind_cols = Vec::with_capacity(spec.indicators.len());
    for (ind, _, _) in &spec.indicators {
        ind_cols.push(col(ind).ok_or_else(|| missing(ind))?);
    }
    let over_cols: Vec<(String, usize)> = args
        .over
        .iter()
        .map(|o| col(o).map(|c| (o.clone(), c)).ok_or_else(|| missing(o)))
        .collect::<Result<_, _>>()?;
    let weight_col = match &args.weight {
        Some(w) => Some(col(w).ok_or_else(|| missing(w))?),
        None => None,
    };
    let mut all = MpiAccumulator::new(&spec, &ks);
    let mut groups: Vec<BTreeMap<String, MpiAccumulator>> = vec![BTreeMap::new(); over_cols.len()];
    let mut g = vec![false; spec.indicators.len()];
    let mut failure: Option<CsvError> = None;
    let at = |row: u64, c: usize, kind: CsvErrorKind| CsvError {
        row: Some(row),
        column: Some((header.get(c).cloned().unwrap_or_default(), c + 1)),
        ..CsvError::file(&name, kind)
    };
    rows.each(&mut |row, cells| {
        if failure.is_some() {
            return;
        }
        for (j, &c) in ind_cols.iter().enumerate() {
            match cells.get(c).copied().unwrap_or("") {
                "1" => g[j] = true,
                "0" => g[j] = false,
                v => {
                    failure = Some(at(row, c, CsvErrorKind::NotZeroOne(v.to_owned())));
                    return;
                }
            }
        }
        let w = match weight_col {
            None => 1.0,
            Some(c) => match cells.get(c).copied().unwrap_or("").parse::<f64>() {
                Ok(w) if w >= 0.0 && w.is_finite() => w,
                _ => {
                    failure = Some(at(
                        row,
                        c,
                        CsvErrorKind::BadValue(cells.get(c).copied().unwrap_or("").to_owned()),
                    ));
                    return;
                }
            },
        };
        all.add(w, &g);
        for (gi, (_, c)) in over_cols.iter().enumerate() {
            let key = cells.get(*c).copied().unwrap_or("").to_owned();
            groups[gi]
                .entry(key)
                .or_insert_with(|| MpiAccumulator::new(&spec, &ks))
                .add(w, &g);
        }
    })?;
    if let Some(e) = failure {
        return Err(e.into());
    }
    // Rows: k, over, subgroup, measure, indicator, value — the population first, then each subgroup.
    let mut out_rows: Vec<(u8, String, String, &'static str, String, f64)> = Vec::new();
    for m in all.measures(&spec, &ks) {
        out_rows.push((
            m.k,
            String::new(),
            String::new(),
            m.measure,
            m.indicator,
            m.value,
        ));
    }
    for (gi, (over, _)) in over_cols.iter().enumerate() {
        for (value, acc) in &groups[gi] {
            for m in acc.measures(&spec, &ks) {
                out_rows.push((
                    m.k,
                    over.clone(),
                    value.clone(),
                    m.measure,
                    m.indicator,
                    m.value,
                ));
            }
        }
    }
    let mut buf = Vec::new();
    if args.json {
        buf.extend_from_slice(b"[\n");
        let esc = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        for (i, (k, over, sub, measure, ind, v)) in out_rows.iter().enumerate() {
            let sep = if i + 1 < out_rows.len() { "," } else { "" };
            let _ = writeln!(
                buf,
                "  {{\"k\": {k}, \"over\": \"{}\", \"subgroup\": \"{}\", \"measure\": \"{measure}\", \"indicator\": \"{}\", \"value\": {v}}}{sep}",
                esc(over),
                esc(sub),
                esc(ind)
            );
        }
        buf.extend_from_slice(b"]\n");
    } else {
        buf.extend_from_slice(b"k,over,subgroup,measure,indicator,value\n");
        let q = |s: &str| {
            if s.contains([',', '"', '\n']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_owned()
            }
        };
        for (k, over, sub, measure, ind, v) in &out_rows {
            let _ = writeln!(buf, "{k},{},{},{measure},{},{v}", q(over), q(sub), q(ind));
        }
    }
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
