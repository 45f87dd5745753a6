//! The Alkire-Foster measures of a CSV of 0/1 indicators (`giamngheo mpi`): for the whole population, for
//! each subgroup of some columns, and their change between two years. Blocks of whole records are summed on
//! every core ([`crate::blocks`]); the sums merge, and the first error in file order is the one reported, with
//! its row counted from the top of the file.

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::ops::ControlFlow;

use giamngheo_core::mpi::{MpiAccumulator, MpiSpec, PatternTally};

use crate::blocks::{Block, Reading, Source};
use crate::csv_scan::SharedBlocks;
use crate::indicator_csv::{Plan, Role, Sums};
use crate::table::{CsvRows, Rows};
use crate::{CsvError, CsvErrorKind};

/// Blocks read by position: larger ones leave a core idle at the end, smaller ones cost more in the kernel
/// (1 MB: 24 ms for 1 M rows; 256 KB: 27 ms; 64 KB: 39 ms, with twice the system time).
const POSITIONAL_BLOCK: u64 = 1 << 20;

/// What to measure.
pub struct MpiQuery<'a> {
    pub spec: &'a MpiSpec,
    /// Poverty cutoffs in percent.
    pub ks: &'a [u8],
    /// Subgroup columns.
    pub over: &'a [String],
    /// A column of sampling weights.
    pub weight: Option<&'a str>,
    /// A column of years: measures per year (a subgroup column too) and their change.
    pub time: Option<&'a str>,
}

/// The sums of a whole file: the population's, and each subgroup column's by value.
pub struct MpiTotals {
    pub all: MpiAccumulator,
    /// Per subgroup column (the `--over` ones, then the time column if it is not among them): its name and
    /// its values' sums.
    pub groups: Vec<(String, BTreeMap<String, MpiAccumulator>)>,
}

/// One row of the output: k, over, subgroup, measure, indicator, value.
#[derive(Clone, Debug, PartialEq)]
pub struct MeasureRow {
    pub k: u8,
    pub over: String,
    pub subgroup: String,
    pub measure: &'static str,
    pub indicator: String,
    pub value: f64,
}

impl MeasureRow {
    /// The row's text fields (over, subgroup, indicator), each written through `escape` (CSV quoting, JSON
    /// escaping).
    fn texts(&self, escape: impl Fn(&str) -> String) -> [String; 3] {
        [&self.over, &self.subgroup, &self.indicator].map(|s| escape(s))
    }
}

/// Why the change between two years cannot be measured.
#[derive(Clone, Debug, PartialEq)]
pub enum ChangeError {
    /// The time column holds fewer than two years.
    TooFewYears,
    /// One of the two years asked for has no rows.
    NoRows { from: i32, to: i32 },
}

struct Part {
    all: MpiAccumulator,
    groups: Vec<BTreeMap<String, MpiAccumulator>>,
    sums: Option<Sums>,
    records: u64,
    error: Option<CsvError>,
}

impl Part {
    /// Adds a record of weight `w` and deprivations `g` to subgroup `key` of the `over` column `gi`, which
    /// starts at its first record.
    fn add_to_subgroup(
        &mut self,
        gi: usize,
        key: &str,
        w: f64,
        g: &[bool],
        spec: &MpiSpec,
        ks: &[u8],
    ) {
        match self.groups[gi].get_mut(key) {
            Some(acc) => acc.add(w, g),
            None => {
                let mut acc = MpiAccumulator::new(spec, ks);
                acc.add(w, g);
                self.groups[gi].insert(key.to_owned(), acc);
            }
        }
    }
}

/// What the blocks add up to, folded in file order as they arrive; the first problem in file order stops
/// the folding, its row counted from the top.
#[derive(Clone)]
struct Totals {
    all: MpiAccumulator,
    groups: Vec<BTreeMap<String, MpiAccumulator>>,
    tally: Option<PatternTally>,
    tally_groups: Vec<HashMap<Vec<u8>, PatternTally>>,
    /// Records before the next block: the header's, then each block's.
    base: u64,
    error: Option<CsvError>,
}

impl Totals {
    fn fold(&mut self, part: Part) -> ControlFlow<()> {
        if let Some(mut e) = part.error {
            e.row = e.row.map(|r| r + self.base);
            self.error = Some(e);
            return ControlFlow::Break(());
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
        ControlFlow::Continue(())
    }
}

/// Reads a CSV of 0/1 indicators and sums it on `threads` threads. `file` is a second handle on `input` when
/// it is a regular file, read by position.
pub fn measure<R: Read + Send>(
    input: R,
    file: Option<std::fs::File>,
    name: &str,
    q: &MpiQuery<'_>,
    threads: usize,
) -> Result<MpiTotals, CsvError> {
    let (spec, ks) = (q.spec, q.ks);
    let rows = CsvRows::open(input, name)?;
    let header: Vec<String> = rows.header().iter().map(|h| h.trim().to_owned()).collect();
    let col = |c: &str| header.iter().position(|h| h == c);
    let missing = |c: &str| CsvError {
        row: Some(1),
        column: Some((c.to_owned(), 0)),
        ..CsvError::file(name, CsvErrorKind::MissingColumn { suggestion: None })
    };
    let mut ind_cols = Vec::with_capacity(spec.indicators.len());
    for (ind, _, _) in &spec.indicators {
        ind_cols.push(col(ind).ok_or_else(|| missing(ind))?);
    }
    let mut over_names = q.over.to_vec();
    // Measures per year are measures by the time column; the change compares two of its subgroups.
    if let Some(t) = q.time
        && !over_names.iter().any(|o| o == t)
    {
        over_names.push(t.to_owned());
    }
    let over_cols: Vec<(String, usize)> = over_names
        .iter()
        .map(|o| col(o).map(|c| (o.clone(), c)).ok_or_else(|| missing(o)))
        .collect::<Result<_, _>>()?;
    let weight_col = match q.weight {
        Some(w) => Some(col(w).ok_or_else(|| missing(w))?),
        None => None,
    };
    let (first, mut reader, header_rows) = rows.into_blocks();
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
        all: MpiAccumulator::new(spec, ks),
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
        if crate::csv_scan::has_quote(block) {
            return None;
        }
        let mut g = vec![false; n_ind];
        let mut fields: Vec<&[u8]> = Vec::with_capacity(header.len());
        let clean = crate::indicator_csv::plain_value;
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
                part.add_to_subgroup(gi, key, w, &g, spec, ks);
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
            ..CsvError::file(name, kind)
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
                part.add_to_subgroup(gi, key, w, &g, spec, ks);
            }
            Ok(())
        };
        // The usual file (no quotes, ASCII cells, exact 0/1): lines and fields split on bytes, no text per
        // cell. Anything else sends the block to the general reader, which also names any problem.
        if let Some(p) = sum_plain(block, begin, quote_free) {
            return p;
        }
        let block = &block[begin..];
        let scanned = crate::table::scan_rows(block, name, 0, false, &mut |row, cells| {
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
    // By position only where the plan reads the lines: its sums are exact, so the cut of the blocks cannot
    // show in the last digits (the accumulators of the other readers add in floating point).
    #[cfg(unix)]
    let positional: Option<Box<dyn SharedBlocks>> = file
        .filter(|_| plan.is_some())
        .and_then(|f| {
            crate::csv_scan::PositionalBlocks::new(f, reader.position(), POSITIONAL_BLOCK)
        })
        .map(|b| Box::new(b) as Box<dyn SharedBlocks>);
    #[cfg(not(unix))]
    let positional: Option<Box<dyn SharedBlocks>> = {
        drop(file);
        None
    };
    let totals = Totals {
        all: MpiAccumulator::new(spec, ks),
        groups: vec![BTreeMap::new(); over_cols.len()],
        tally: None,
        tally_groups: vec![HashMap::new(); over_cols.len()],
        base: header_rows,
        error: None,
    };
    let source = Source {
        first,
        reader: &mut reader,
    };
    let work = |_: &mut (), b: Block<'_>| sum_block(b.buf, b.begin, b.quote_free);
    let folded = match positional.as_deref() {
        Some(blocks) => crate::blocks::fold_by_position(
            source,
            blocks,
            threads,
            || (),
            work,
            totals,
            Totals::fold,
        ),
        None => crate::blocks::fold_in_order(
            source,
            threads,
            Reading::Workers,
            || (),
            work,
            totals,
            Totals::fold,
        ),
    };
    // A problem in the file comes first: the blocks folded lie before any block a failed read left out.
    if let Some(e) = folded.acc.error {
        return Err(e);
    }
    if let Some(e) = folded.read_error {
        return Err(CsvError::io(name, e));
    }
    let Totals {
        mut all,
        mut groups,
        tally,
        tally_groups,
        ..
    } = folded.acc;
    if let Some(t) = tally {
        t.add_to(&mut all, n_ind);
    }
    for (gi, map) in tally_groups.into_iter().enumerate() {
        for (key, t) in map {
            // The plain path keeps only ASCII keys, so they are text.
            let acc = groups[gi]
                .entry(String::from_utf8_lossy(&key).into_owned())
                .or_insert_with(|| MpiAccumulator::new(spec, ks));
            t.add_to(acc, n_ind);
        }
    }
    Ok(MpiTotals {
        all,
        groups: over_cols.into_iter().map(|(o, _)| o).zip(groups).collect(),
    })
}

impl MpiTotals {
    /// The measures: the population first, then each subgroup.
    pub fn rows(&self, spec: &MpiSpec, ks: &[u8]) -> Vec<MeasureRow> {
        let mut out = Vec::new();
        for m in self.all.measures(spec, ks) {
            out.push(MeasureRow {
                k: m.k,
                over: String::new(),
                subgroup: String::new(),
                measure: m.measure,
                indicator: m.indicator,
                value: m.value,
            });
        }
        for (over, groups) in &self.groups {
            for (value, acc) in groups {
                for m in acc.measures(spec, ks) {
                    out.push(MeasureRow {
                        k: m.k,
                        over: over.clone(),
                        subgroup: value.clone(),
                        measure: m.measure,
                        indicator: m.indicator,
                        value: m.value,
                    });
                }
            }
        }
        out
    }

    /// The change of H, A, M0 and the headcounts between two years of the time column (default its first and
    /// last): absolute, relative and annualised, as rows of subgroup `FROM-TO`.
    pub fn change_rows(
        &self,
        spec: &MpiSpec,
        ks: &[u8],
        time: &str,
        change: Option<(i32, i32)>,
    ) -> Result<Vec<MeasureRow>, ChangeError> {
        let empty = BTreeMap::new();
        let by_value = self
            .groups
            .iter()
            .find(|(o, _)| o == time)
            .map_or(&empty, |(_, g)| g);
        let years: BTreeMap<i32, &MpiAccumulator> = by_value
            .iter()
            .filter_map(|(v, acc)| v.trim().parse::<i32>().ok().map(|y| (y, acc)))
            .collect();
        let (from, to) = match change {
            Some(pair) => pair,
            None => match (years.keys().next(), years.keys().next_back()) {
                (Some(a), Some(b)) if a < b => (*a, *b),
                _ => return Err(ChangeError::TooFewYears),
            },
        };
        let (Some(a), Some(b)) = (years.get(&from), years.get(&to)) else {
            return Err(ChangeError::NoRows { from, to });
        };
        let span = f64::from(to - from);
        let later = b.measures(spec, ks);
        let mut out = Vec::new();
        for (m0, m1) in a.measures(spec, ks).iter().zip(&later) {
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
                    out.push(MeasureRow {
                        k: m0.k,
                        over: time.to_owned(),
                        subgroup: format!("{from}-{to}"),
                        measure: change_name(m0.measure, suffix),
                        indicator: m0.indicator.clone(),
                        value: v,
                    });
                }
            }
        }
        Ok(out)
    }
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

/// The rows as CSV: `k,over,subgroup,measure,indicator,value`.
pub fn write_csv<W: Write>(out: &mut W, rows: &[MeasureRow]) -> std::io::Result<()> {
    out.write_all(b"k,over,subgroup,measure,indicator,value\n")?;
    let q = |s: &str| {
        let mut o = Vec::new();
        crate::csv_scan::push_text_field(&mut o, s.as_bytes());
        String::from_utf8(o).unwrap_or_default()
    };
    for r in rows {
        let [over, subgroup, indicator] = r.texts(q);
        let (k, measure, value) = (r.k, r.measure, r.value);
        writeln!(out, "{k},{over},{subgroup},{measure},{indicator},{value}")?;
    }
    Ok(())
}

/// The rows as a JSON array of objects, one a line.
pub fn write_json<W: Write>(out: &mut W, rows: &[MeasureRow]) -> std::io::Result<()> {
    out.write_all(b"[\n")?;
    for (i, r) in rows.iter().enumerate() {
        let sep = if i + 1 < rows.len() { "," } else { "" };
        let [over, subgroup, indicator] = r.texts(json_escape);
        let (k, measure, value) = (r.k, r.measure, r.value);
        writeln!(
            out,
            "  {{\"k\": {k}, \"over\": \"{over}\", \"subgroup\": \"{subgroup}\", \"measure\": \"{measure}\", \"indicator\": \"{indicator}\", \"value\": {value}}}{sep}"
        )?;
    }
    out.write_all(b"]\n")
}

/// Every character JSON does not allow raw (quote, backslash, controls) escaped: always valid JSON.
fn json_escape(s: &str) -> String {
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
}
