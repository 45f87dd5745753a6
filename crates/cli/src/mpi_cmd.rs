//! `giamngheo mpi`: the Alkire-Foster measures of a CSV of 0/1 indicators, for the whole population and for
//! each subgroup of the `--over` columns.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::PathBuf;

use giamngheo_core::Lang;
use giamngheo_core::mpi::{MpiAccumulator, MpiSpec, MpiSpecError, PatternTally};
use giamngheo_formats::csv_scan::{Positioned, SharedBlocks};
use giamngheo_formats::indicator_csv::{Plan, Role, Sums};
use giamngheo_formats::table::{CsvRows, Rows};
use giamngheo_formats::{CsvError, CsvErrorKind};

use crate::errors::CliError;
use crate::output::{AtomicFile, stdout};

/// Blocks read by position: larger ones leave a core idle at the end, smaller ones cost more in the kernel
/// (1 MB: 24 ms for 1 M rows; 256 KB: 27 ms; 64 KB: 39 ms, with twice the system time).
const POSITIONAL_BLOCK: u64 = 1 << 20;

pub struct MpiArgs {
    pub spec: PathBuf,
    pub ks: Vec<u8>,
    pub over: Vec<String>,
    pub weight: Option<String>,
    pub json: bool,
    pub output: Option<PathBuf>,
    pub input: String,
    /// A column of years: measures per year and their change between two of them.
    pub time: Option<String>,
    /// The two years to compare (default the first and the last in the file).
    pub change: Option<(i32, i32)>,
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
    let rows = CsvRows::open(input, &name)?;
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
    let mut over_names = args.over.clone();
    // Measures per year are measures by the time column; the change compares two of its subgroups.
    if let Some(t) = &args.time
        && !over_names.contains(t)
    {
        over_names.push(t.clone());
    }
    let over_cols: Vec<(String, usize)> = over_names
        .iter()
        .map(|o| col(o).map(|c| (o.clone(), c)).ok_or_else(|| missing(o)))
        .collect::<Result<_, _>>()?;
    let weight_col = match &args.weight {
        Some(w) => Some(col(w).ok_or_else(|| missing(w))?),
        None => None,
    };
    // Blocks of whole records are summed on every core; the sums merge, and the first error in file order
    // is the one reported, with its row counted from the top of the file.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (first, mut reader, header_rows) = rows.into_blocks();
    struct Part {
        all: MpiAccumulator,
        groups: Vec<BTreeMap<String, MpiAccumulator>>,
        sums: Option<Sums>,
        records: u64,
        error: Option<CsvError>,
    }
    /// What the blocks add up to, folded in file order as they arrive, so that only the blocks that came
    /// early wait in memory; the first problem in file order stops the folding, its row counted from the top.
    #[derive(Clone)]
    struct Totals {
        all: MpiAccumulator,
        groups: Vec<BTreeMap<String, MpiAccumulator>>,
        tally: Option<PatternTally>,
        tally_groups: Vec<HashMap<Vec<u8>, PatternTally>>,
        /// Records before the next block: the header's, then each block's.
        base: u64,
        /// The next block to fold.
        next: u64,
        error: Option<CsvError>,
    }
    impl Totals {
        fn fold(&mut self, part: Part) {
            if self.error.is_some() {
                return;
            }
            self.next += 1;
            if let Some(mut e) = part.error {
                e.row = e.row.map(|r| r + self.base);
                self.error = Some(e);
                return;
            }
            self.base += part.records;
            if let Some(sums) = part.sums {
                match &mut self.tally {
                    Some(total) => total.merge(&sums.total),
                    None => self.tally = Some(sums.total),
                }
                for (gi, map) in sums.groups.into_iter().enumerate() {
                    for (key, t) in map.list {
                        self.tally_groups[gi]
                            .entry(key)
                            .and_modify(|total| total.merge(&t))
                            .or_insert(t);
                    }
                }
            }
            self.all.merge(&part.all);
            for (gi, map) in part.groups.into_iter().enumerate() {
                for (key, acc) in map {
                    self.groups[gi]
                        .entry(key)
                        .and_modify(|a| a.merge(&acc))
                        .or_insert(acc);
                }
            }
        }
    }
    let n_ind = spec.indicators.len();
    // What each column of a line feeds, for the one-pass readers.
    let mut roles: Vec<Vec<Role>> = vec![Vec::new(); header.len()];
    for (j, &c) in ind_cols.iter().enumerate() {
        roles[c].push(Role::Indicator(j));
    }
    if let Some(c) = weight_col {
        roles[c].push(Role::Weight);
    }
    for (gi, (_, c)) in over_cols.iter().enumerate() {
        roles[*c].push(Role::Group(gi));
    }
    let plan = Plan::new(&roles);
    let empty_part = || Part {
        all: MpiAccumulator::new(&spec, &ks),
        groups: vec![BTreeMap::new(); over_cols.len()],
        sums: None,
        records: 0,
        error: None,
    };
    let sum_plain = |block: &mut Vec<u8>, begin: usize, quote_free: bool| -> Option<Part> {
        let mut part = empty_part();
        // One pass over each line by the plan; the first surprise gives the block to the general reader.
        if let Some(plan) = &plan {
            let sums = if quote_free {
                plan.sum_quote_free(block, begin)?
            } else {
                plan.sum(block, begin)?
            };
            part.records = sums.records;
            part.sums = Some(sums);
            return Some(part);
        }
        // More indicators than a tally holds, or a column with two roles: lines split on bytes, each added
        // to accumulators.
        let block = &block[begin..];
        if block.is_empty() {
            return Some(part);
        }
        if giamngheo_formats::csv_scan::has_quote(block) {
            return None;
        }
        let mut g = vec![false; n_ind];
        let mut fields: Vec<&[u8]> = Vec::with_capacity(header.len());
        let clean = giamngheo_formats::indicator_csv::plain_value;
        for line in block.split(|&b| b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            part.records += 1;
            fields.clear();
            fields.extend(line.split(|&b| b == b','));
            if fields.iter().all(|f| f.is_empty()) {
                continue;
            }
            for (j, &c) in ind_cols.iter().enumerate() {
                g[j] = match fields.get(c).copied() {
                    Some(b"1") => true,
                    Some(b"0") => false,
                    _ => return None,
                };
            }
            let w = match weight_col {
                None => 1.0,
                Some(c) => {
                    let v = fields.get(c).copied().filter(|v| clean(v))?;
                    let w: f64 = std::str::from_utf8(v).ok()?.parse().ok()?;
                    if !(w >= 0.0 && w.is_finite()) {
                        return None;
                    }
                    w
                }
            };
            part.all.add(w, &g);
            for (gi, (_, c)) in over_cols.iter().enumerate() {
                let key =
                    std::str::from_utf8(fields.get(*c).copied().filter(|v| clean(v))?).ok()?;
                match part.groups[gi].get_mut(key) {
                    Some(acc) => acc.add(w, &g),
                    None => {
                        let mut acc = MpiAccumulator::new(&spec, &ks);
                        acc.add(w, &g);
                        part.groups[gi].insert(key.to_owned(), acc);
                    }
                }
            }
        }
        // A block ends with a line break: the empty piece after it is not a record.
        if block.ends_with(b"\n") {
            part.records -= 1;
        }
        Some(part)
    };
    // The lines of `block[begin..]`; `quote_free` when they were found to hold no quote.
    let sum_block = |block: &mut Vec<u8>, begin: usize, quote_free: bool| -> Part {
        let mut part = empty_part();
        let mut g = vec![false; n_ind];
        let at = |row: u64, c: usize, kind: CsvErrorKind| CsvError {
            row: Some(row),
            column: Some((header.get(c).cloned().unwrap_or_default(), c + 1)),
            ..CsvError::file(&name, kind)
        };
        let mut add = |part: &mut Part, row: u64, cells: &[&str]| -> Result<(), CsvError> {
            for (j, &c) in ind_cols.iter().enumerate() {
                g[j] = match cells.get(c).copied().unwrap_or("") {
                    "1" => true,
                    "0" => false,
                    v => return Err(at(row, c, CsvErrorKind::NotZeroOne(v.to_owned()))),
                };
            }
            let w = match weight_col {
                None => 1.0,
                Some(c) => {
                    let v = cells.get(c).copied().unwrap_or("");
                    match v.parse::<f64>() {
                        Ok(w) if w >= 0.0 && w.is_finite() => w,
                        _ => return Err(at(row, c, CsvErrorKind::BadValue(v.to_owned()))),
                    }
                }
            };
            part.all.add(w, &g);
            for (gi, (_, c)) in over_cols.iter().enumerate() {
                let key = cells.get(*c).copied().unwrap_or("");
                match part.groups[gi].get_mut(key) {
                    Some(acc) => acc.add(w, &g),
                    None => {
                        let mut acc = MpiAccumulator::new(&spec, &ks);
                        acc.add(w, &g);
                        part.groups[gi].insert(key.to_owned(), acc);
                    }
                }
            }
            Ok(())
        };
        // The usual file (no quotes, ASCII cells, exact 0/1): lines and fields split on bytes, no text per
        // cell. Anything else sends the block to the general reader, which also names any problem.
        if let Some(p) = sum_plain(block, begin, quote_free) {
            return p;
        }
        let block = &block[begin..];
        let scanned =
            giamngheo_formats::table::scan_rows(block, &name, 0, false, &mut |row, cells| {
                if part.error.is_none()
                    && let Err(e) = add(&mut part, row, cells)
                {
                    part.error = Some(e);
                }
            });
        match scanned {
            Ok((_, records)) => part.records = records,
            Err(e) => {
                part.error.get_or_insert(e);
            }
        }
        part
    };
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, Ordering};
    // The workers take turns at the reader (no reader thread of its own to share the cores with): each
    // takes the next block with its number, hands back the block it finished for refilling, sums. From a
    // file, they first read blocks by position instead, each its own, holding no lock while they read; a
    // quote anywhere (or a file that changes size) sends them back to the reader, which cuts blocks in order
    // and knows where a quoted field ends.
    struct Source<'a, R> {
        reader: &'a mut R,
        first: Option<Vec<u8>>,
        seq: u64,
        error: Option<std::io::Error>,
    }
    // By position only where the plan reads the lines: its sums are exact, so the cut of the blocks cannot
    // show in the last digits (the accumulators of the other readers add in floating point).
    #[cfg(unix)]
    let positional: Option<Box<dyn SharedBlocks>> = input_file
        .filter(|_| plan.is_some())
        .and_then(|f| {
            giamngheo_formats::csv_scan::PositionalBlocks::new(
                f,
                reader.position(),
                POSITIONAL_BLOCK,
            )
        })
        .map(|b| Box::new(b) as Box<dyn SharedBlocks>);
    #[cfg(not(unix))]
    let positional: Option<Box<dyn SharedBlocks>> = {
        drop(input_file);
        None
    };
    let source = Mutex::new(Source {
        reader: &mut reader,
        first: (!first.is_empty()).then_some(first),
        seq: 0,
        error: None,
    });
    let quoted = AtomicBool::new(false);
    let stage = |positional: Option<&dyn SharedBlocks>, totals: &mut Totals| {
        let mut early: BTreeMap<u64, Part> = BTreeMap::new();
        std::thread::scope(|s| {
            use std::sync::mpsc::sync_channel;
            let (done_tx, done_rx) = sync_channel::<(u64, Part)>(threads * 2);
            for _ in 0..threads {
                let (source, done_tx, sum_block, quoted) =
                    (&source, done_tx.clone(), &sum_block, &quoted);
                s.spawn(move || {
                    let mut spare: Option<Vec<u8>> = None;
                    loop {
                        let first = match source.lock() {
                            Ok(mut src) => src.first.take().map(|b| {
                                src.seq += 1;
                                (src.seq - 1, b)
                            }),
                            Err(_) => return,
                        };
                        let (seq, mut block, begin, quote_free) = match (first, positional) {
                            (Some((seq, b)), _) => (seq, b, 0, false),
                            (None, Some(blocks)) => {
                                let mut buf = spare.take().unwrap_or_default();
                                if quoted.load(Ordering::Relaxed) {
                                    return;
                                }
                                match blocks.next(&mut buf) {
                                    // After the first block (number 0) the positional ones.
                                    Ok(Positioned::Block { index, begin }) => {
                                        (index + 1, buf, begin, true)
                                    }
                                    Ok(Positioned::InOrder) => {
                                        quoted.store(true, Ordering::Relaxed);
                                        return;
                                    }
                                    Ok(Positioned::Done) => return,
                                    Err(e) => {
                                        if let Ok(mut src) = source.lock() {
                                            src.error.get_or_insert(e);
                                        }
                                        return;
                                    }
                                }
                            }
                            (None, None) => {
                                let Ok(mut src) = source.lock() else { return };
                                if let Some(b) = spare.take() {
                                    src.reader.recycle(b);
                                }
                                if src.error.is_some() {
                                    return;
                                }
                                match src.reader.next_block() {
                                    Ok(Some(b)) => {
                                        src.seq += 1;
                                        (src.seq - 1, b, 0, false)
                                    }
                                    Ok(None) => return,
                                    Err(e) => {
                                        src.error = Some(e);
                                        return;
                                    }
                                }
                            }
                        };
                        let part = sum_block(&mut block, begin, quote_free);
                        spare = Some(block);
                        if done_tx.send((seq, part)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(done_tx);
            for (seq, part) in done_rx.iter() {
                early.insert(seq, part);
                while let Some(part) = early.remove(&totals.next) {
                    totals.fold(part);
                }
            }
        });
    };
    let mut totals = Totals {
        all: MpiAccumulator::new(&spec, &ks),
        groups: vec![BTreeMap::new(); over_cols.len()],
        tally: None,
        tally_groups: vec![HashMap::new(); over_cols.len()],
        base: header_rows,
        next: 0,
        error: None,
    };
    if positional.is_some() {
        // The first block is the reader's whatever happens next: folded alone, it is where a fallback
        // starts again from.
        let first = source.lock().ok().and_then(|mut src| {
            src.seq = 1;
            src.first.take()
        });
        match first {
            Some(mut block) => totals.fold(sum_block(&mut block, 0, false)),
            None => totals.next = 1,
        }
        let after_first = totals.clone();
        stage(positional.as_deref(), &mut totals);
        if quoted.load(Ordering::Relaxed) {
            // The rest again, in order, numbered after the first block.
            totals = after_first;
            stage(None, &mut totals);
        }
    } else {
        stage(None, &mut totals);
    }
    // A problem in the file comes first: the blocks folded lie before any block a failed read left out.
    if let Some(e) = totals.error {
        return Err(e.into());
    }
    let read_error = source.into_inner().ok().and_then(|src| src.error);
    if let Some(e) = read_error {
        return Err(CsvError::io(&name, e).into());
    }
    let Totals {
        mut all,
        mut groups,
        tally,
        tally_groups,
        ..
    } = totals;
    if let Some(t) = tally {
        t.add_to(&mut all, n_ind);
    }
    for (gi, map) in tally_groups.into_iter().enumerate() {
        for (key, t) in map {
            // The plain path keeps only ASCII keys, so they are text.
            let acc = groups[gi]
                .entry(String::from_utf8_lossy(&key).into_owned())
                .or_insert_with(|| MpiAccumulator::new(&spec, &ks));
            t.add_to(acc, n_ind);
        }
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
    if let Some(time) = &args.time {
        let gi = over_cols
            .iter()
            .position(|(o, _)| o == time)
            .unwrap_or_else(|| unreachable!("the time column is among the subgroups"));
        let years: BTreeMap<i32, &MpiAccumulator> = groups[gi]
            .iter()
            .filter_map(|(v, acc)| v.trim().parse::<i32>().ok().map(|y| (y, acc)))
            .collect();
        let bad_years = |vi: String, en: String| CliError::Argument {
            name: "change",
            value: args
                .change
                .map(|(a, b)| format!("{a}-{b}"))
                .unwrap_or_default(),
            vi,
            en,
        };
        let (from, to) = match args.change {
            Some(pair) => pair,
            None => match (years.keys().next(), years.keys().next_back()) {
                (Some(a), Some(b)) if a < b => (*a, *b),
                _ => {
                    return Err(bad_years(
                        format!("cột {time} cần ít nhất hai năm"),
                        format!("the column {time} needs at least two years"),
                    ));
                }
            },
        };
        let (Some(a), Some(b)) = (years.get(&from), years.get(&to)) else {
            return Err(bad_years(
                format!("cột {time} không có năm {from} hoặc năm {to}"),
                format!("the column {time} has no rows for {from} or {to}"),
            ));
        };
        let span = f64::from(to - from);
        let later = b.measures(&spec, &ks);
        for (m0, m1) in a.measures(&spec, &ks).iter().zip(&later) {
            if !matches!(m0.measure, "H" | "A" | "M0" | "hd" | "hdk") {
                continue;
            }
            let c = giamngheo_core::mpi::change(m0.value, m1.value, span);
            for (suffix, v) in [
                ("abs", Some(c.absolute)),
                ("abs_ann", Some(c.annualised_absolute)),
                ("rel", c.relative),
                ("rel_ann", c.annualised_relative),
            ] {
                if let Some(v) = v {
                    out_rows.push((
                        m0.k,
                        time.clone(),
                        format!("{from}-{to}"),
                        change_name(m0.measure, suffix),
                        m0.indicator.clone(),
                        v,
                    ));
                }
            }
        }
    }
    let mut buf = Vec::new();
    if args.json {
        buf.extend_from_slice(b"[\n");
        // Every character JSON does not allow raw (quote, backslash, controls) escaped: always valid JSON.
        let esc = |s: &str| {
            let mut o = String::with_capacity(s.len());
            for c in s.chars() {
                match c {
                    '"' => o.push_str("\\\""),
                    '\\' => o.push_str("\\\\"),
                    '\n' => o.push_str("\\n"),
                    '\r' => o.push_str("\\r"),
                    '\t' => o.push_str("\\t"),
                    c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                        o.push_str(&format!("\\u{:04x}", u32::from(c)));
                    }
                    c => o.push(c),
                }
            }
            o
        };
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
            let mut o = Vec::new();
            giamngheo_formats::csv_scan::push_text_field(&mut o, s.as_bytes());
            String::from_utf8(o).unwrap_or_default()
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

/// `M0_abs`, `H_rel_ann`…: the measure and the kind of change, as static names for the output rows.
fn change_name(measure: &str, suffix: &str) -> &'static str {
    const NAMES: [[&str; 4]; 5] = [
        ["H_abs", "H_abs_ann", "H_rel", "H_rel_ann"],
        ["A_abs", "A_abs_ann", "A_rel", "A_rel_ann"],
        ["M0_abs", "M0_abs_ann", "M0_rel", "M0_rel_ann"],
        ["hd_abs", "hd_abs_ann", "hd_rel", "hd_rel_ann"],
        ["hdk_abs", "hdk_abs_ann", "hdk_rel", "hdk_rel_ann"],
    ];
    let row = ["H", "A", "M0", "hd", "hdk"]
        .iter()
        .position(|m| *m == measure)
        .unwrap_or(0);
    let col = ["abs", "abs_ann", "rel", "rel_ann"]
        .iter()
        .position(|s| *s == suffix)
        .unwrap_or(0);
    NAMES[row][col]
}
