//! `giamngheo classify`: households with indicator flags in, classes with reasons out, as CSV.
//!
//! The input is read in blocks of whole records; blocks are classified on every core and written back in
//! their original order ([`crate::blocks`]), so memory stays at a few blocks whatever the size of the file.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::ops::ControlFlow;
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Mutex};

use giamngheo_core::classify::CsvQuotedSink;
use giamngheo_core::text::{closest, nfc};
use giamngheo_core::{Area, Class, Classifier, DeprivationSet, Income, Lang, Outcome, Vnd};

use crate::blocks::{Reading, Source};
use crate::csv_scan::{BlockReader, FieldEnd, Scanner, push_text_field};
use crate::error::{CsvError, CsvErrorKind};

const BLOCK_SIZE: usize = 1 << 20;

#[derive(Clone, Copy, Debug)]
pub struct ClassifyOptions {
    pub lang: Lang,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// Bytes per block handed to a worker. Small values exist for tests of block boundaries.
    pub block_size: usize,
}

impl Default for ClassifyOptions {
    fn default() -> Self {
        ClassifyOptions {
            lang: Lang::Vi,
            threads: 0,
            block_size: BLOCK_SIZE,
        }
    }
}

/// What a run classified.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClassifySummary {
    pub households: u64,
    /// Households per class, in the order of [`Class::ALL`].
    pub by_class: [u64; 4],
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Role {
    Id,
    Area,
    Income,
    Score,
    Indicator(u8),
    Ignored,
}

/// The header, read into the role of each column.
struct Layout {
    roles: Vec<Role>,
    names: Vec<String>,
    /// The longest run of consecutive indicator columns: (first column, indicator of each), read in one
    /// stride on the fast path since each is one character.
    flag_run: (usize, Vec<u8>),
}

const ID: &str = "household_id";
const AREA: &str = "area";
const INCOME: &str = "income_per_capita";
const SCORE: &str = "income_score";

impl Layout {
    fn from_header(
        names: Vec<String>,
        classifier: &Classifier,
        file: &str,
    ) -> Result<Layout, CsvError> {
        let std = classifier.standard();
        let err = |kind, col: Option<(String, usize)>| CsvError {
            file: file.to_owned(),
            row: Some(1),
            column: col,
            kind,
        };
        let mut roles = Vec::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            let role = match name.as_str() {
                ID => Role::Id,
                AREA => Role::Area,
                INCOME => Role::Income,
                SCORE => Role::Score,
                other => match std.indicator(other) {
                    Some((k, _)) => Role::Indicator(k as u8),
                    None => Role::Ignored,
                },
            };
            if role != Role::Ignored && roles.contains(&role) {
                return Err(err(
                    CsvErrorKind::DuplicateColumn,
                    Some((name.clone(), i + 1)),
                ));
            }
            roles.push(role);
        }
        let has = |r: Role| roles.contains(&r);
        let mut required: Vec<&str> = vec![ID, AREA];
        required.extend(std.indicators.iter().map(|i| i.id.as_str()));
        let ignored: Vec<&str> = names
            .iter()
            .zip(&roles)
            .filter(|(_, r)| **r == Role::Ignored)
            .map(|(n, _)| n.as_str())
            .collect();
        for want in required {
            let present = match want {
                ID => has(Role::Id),
                AREA => has(Role::Area),
                _ => std
                    .indicator(want)
                    .is_some_and(|(k, _)| has(Role::Indicator(k as u8))),
            };
            if !present {
                // A misspelled column is the likely cause: name the column that looks like it.
                let suggestion = ignored
                    .iter()
                    .copied()
                    .find(|n| closest(n, [want]).is_some())
                    .map(str::to_owned);
                return Err(err(
                    CsvErrorKind::MissingColumn { suggestion },
                    Some((want.to_owned(), 0)),
                ));
            }
        }
        match (has(Role::Income), has(Role::Score)) {
            (false, false) => return Err(err(CsvErrorKind::NoIncomeColumn, None)),
            (true, true) => return Err(err(CsvErrorKind::BothIncomeColumns, None)),
            (false, true) if !classifier.has_score_lines() => {
                return Err(err(
                    CsvErrorKind::NoScoreLines {
                        standard: std.id.clone(),
                    },
                    None,
                ));
            }
            _ => {}
        }
        let mut flag_run = (0, Vec::new());
        let mut i = 0;
        while i < roles.len() {
            let start = i;
            let mut ks = Vec::new();
            while let Some(Role::Indicator(k)) = roles.get(i) {
                ks.push(*k);
                i += 1;
            }
            if ks.len() > flag_run.1.len() {
                flag_run = (start, ks);
            }
            i = i.max(start + 1);
        }
        Ok(Layout {
            roles,
            names,
            flag_run,
        })
    }
}

/// A problem found while classifying a block, before its absolute row number is known.
struct BlockError {
    /// Records before the bad one in this block.
    record: u64,
    column: Option<usize>,
    kind: CsvErrorKind,
}

struct BlockResult {
    out: Vec<u8>,
    /// Households classified.
    records: u64,
    /// Physical records read, blank lines included: what numbers the rows.
    lines: u64,
    by_class: [u64; 4],
    error: Option<BlockError>,
}

/// Classifies every household of a CSV stream and writes the result as CSV.
///
/// On error, output written so far is incomplete: write to a temporary file and rename it on success.
pub fn classify<R, W>(
    input: R,
    file: &str,
    output: &mut W,
    classifier: &Classifier,
    opts: ClassifyOptions,
) -> Result<ClassifySummary, CsvError>
where
    R: Read + Send,
    W: Write,
{
    run(input, file, Out::Stream(output), classifier, opts)
}

/// The same, into a file written at known offsets by two threads, so that copying a result of gigabytes into
/// the page cache runs on both cores while the workers classify.
pub fn classify_to_file<R: Read + Send>(
    input: R,
    file: &str,
    output: &std::fs::File,
    classifier: &Classifier,
    opts: ClassifyOptions,
) -> Result<ClassifySummary, CsvError> {
    run::<R, std::io::Sink>(input, file, Out::File(output), classifier, opts)
}

enum Out<'a, W> {
    Stream(&'a mut W),
    File(&'a std::fs::File),
}

impl<W: Write> Out<'_, W> {
    fn write_at(&mut self, offset: u64, data: &[u8]) -> std::io::Result<()> {
        match self {
            Out::Stream(w) => w.write_all(data),
            Out::File(f) => std::os::unix::fs::FileExt::write_all_at(*f, data, offset),
        }
    }
}

fn run<R, W>(
    input: R,
    file: &str,
    mut output: Out<'_, W>,
    classifier: &Classifier,
    opts: ClassifyOptions,
) -> Result<ClassifySummary, CsvError>
where
    R: Read + Send,
    W: Write,
{
    let io = |e: std::io::Error| CsvError::io(file, e);
    let write_failed = |e: std::io::Error| {
        let broken_pipe = e.kind() == std::io::ErrorKind::BrokenPipe;
        CsvError::file(
            file,
            CsvErrorKind::Write {
                message: e.to_string(),
                broken_pipe,
            },
        )
    };
    let mut reader = BlockReader::new(input, opts.block_size.max(16));
    let Some(mut first) = reader.next_block().map_err(io)? else {
        return Err(CsvError::file(file, CsvErrorKind::Empty));
    };
    crate::table::strip_bom(&mut first, file)?;
    let mut scan = Scanner::new(&first);
    let mut names = Vec::new();
    loop {
        let (f, end) = scan.field().map_err(|_| CsvError {
            row: Some(1),
            ..CsvError::file(file, CsvErrorKind::UnterminatedQuote)
        })?;
        let text = std::str::from_utf8(&f).map_err(|_| CsvError {
            row: Some(1),
            ..CsvError::file(file, CsvErrorKind::NotUtf8)
        })?;
        names.push(nfc(text.trim()).to_lowercase());
        if matches!(end, FieldEnd::Record) {
            break;
        }
        crate::table::check_field_count(names.len(), 1, file)?;
    }
    if names.iter().all(String::is_empty) {
        return Err(CsvError::file(file, CsvErrorKind::Empty));
    }
    let header_len = scan.pos;
    let layout = Layout::from_header(names, classifier, file)?;
    let rest = first.split_off(header_len);
    drop(first);

    const HEADER: &[u8] = b"household_id,deprivations,class,reason\n";
    output.write_at(0, HEADER).map_err(write_failed)?;
    let mut offset = HEADER.len() as u64;

    let threads = match opts.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let mut summary = ClassifySummary::default();
    let mut first_error: Option<(u64, BlockError)> = None;
    let mut read_error: Option<std::io::Error> = None;
    let mut write_error: Option<std::io::Error> = None;

    let writer_error: Arc<Mutex<Option<std::io::Error>>> = Arc::new(Mutex::new(None));
    std::thread::scope(|s| {
        // A file is written by two threads at offsets given here in order; a stream in order by this thread.
        let (write_tx, write_rx) = sync_channel::<(u64, Vec<u8>)>(threads * 2);
        let write_rx = Arc::new(Mutex::new(write_rx));
        let parallel_file = match &output {
            Out::File(f) => Some(*f),
            Out::Stream(_) => None,
        };
        if let Some(f) = parallel_file {
            for _ in 0..2 {
                let write_rx = Arc::clone(&write_rx);
                let writer_error = Arc::clone(&writer_error);
                s.spawn(move || {
                    loop {
                        let next = match write_rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        let Ok((at, buf)) = next else { return };
                        if let Err(e) = std::os::unix::fs::FileExt::write_all_at(f, &buf, at)
                            && let Ok(mut slot) = writer_error.lock()
                        {
                            slot.get_or_insert(e);
                        }
                    }
                });
            }
        }
        // Blocks are written back in order; the first error stops the reading.
        let mut rows_before = 0u64;
        let folded = crate::blocks::fold_in_order(
            Source {
                first: rest,
                reader: &mut reader,
            },
            threads,
            Reading::Thread,
            Verdicts::default,
            |verdicts, block| {
                classify_block(block.records(), &layout, classifier, opts.lang, verdicts)
            },
            (),
            |_, r: BlockResult| {
                if let Some(e) = r.error {
                    first_error = Some((rows_before, e));
                    return ControlFlow::Break(());
                }
                let len = r.out.len() as u64;
                if parallel_file.is_some() {
                    if write_tx.send((offset, r.out)).is_err() {
                        write_error = Some(std::io::Error::other("writer stopped"));
                        return ControlFlow::Break(());
                    }
                } else if let Err(e) = output.write_at(offset, &r.out) {
                    write_error = Some(e);
                    return ControlFlow::Break(());
                }
                offset += len;
                rows_before += r.lines;
                summary.households += r.records;
                for (t, n) in summary.by_class.iter_mut().zip(r.by_class) {
                    *t += n;
                }
                ControlFlow::Continue(())
            },
        );
        drop(write_tx);
        read_error = folded.read_error;
        // The scope joins the writers; their first error, if any, is the write error.
        let _ = &writer_error;
    });
    if write_error.is_none()
        && let Ok(mut slot) = writer_error.lock()
    {
        write_error = slot.take();
    }

    if let Some((rows_before, e)) = first_error {
        let column = e
            .column
            .map(|c| (layout.names.get(c).cloned().unwrap_or_default(), c + 1));
        // Row 1 is the header; the first household is row 2.
        return Err(CsvError {
            file: file.to_owned(),
            row: Some(rows_before + e.record + 2),
            column,
            kind: e.kind,
        });
    }
    if let Some(e) = read_error {
        return Err(io(e));
    }
    if let Some(e) = write_error {
        return Err(write_failed(e));
    }
    if let Out::Stream(w) = &mut output {
        w.flush().map_err(write_failed)?;
    }
    Ok(summary)
}

/// A hasher for small integer keys: one multiplication instead of SipHash's rounds.
#[derive(Default, Clone, Copy)]
struct IntHasher(u64);

impl std::hash::Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 =
                (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// The second half of each explanation, by [`Classifier::verdict_key`]: written once per worker, copied after.
type Verdicts = HashMap<u64, Vec<u8>, std::hash::BuildHasherDefault<IntHasher>>;

fn classify_block(
    block: &[u8],
    layout: &Layout,
    classifier: &Classifier,
    lang: Lang,
    verdicts: &mut Verdicts,
) -> BlockResult {
    // The reason makes a row of output about three times its input.
    let mut out = Vec::with_capacity(block.len() * 4);
    let mut by_class = [0u64; 4];
    let mut records = 0u64;
    let fail = |records: u64, column: Option<usize>, kind: CsvErrorKind, out: Vec<u8>, by_class| {
        BlockResult {
            out,
            records,
            lines: records,
            by_class,
            error: Some(BlockError {
                record: records.saturating_sub(1),
                column,
                kind,
            }),
        }
    };
    if let Err(e) = std::str::from_utf8(block) {
        // The records before the one holding the bad byte are read first: a problem in them comes first in
        // the file, whichever way the file was cut into blocks.
        let at = e.valid_up_to();
        let line_start = crate::csv_scan::last_boundary(&block[..at]).unwrap_or(0);
        let column = memchr::memchr_iter(b',', &block[line_start..at]).count();
        let head = classify_block(&block[..line_start], layout, classifier, lang, verdicts);
        if head.error.is_some() {
            return head;
        }
        return fail(
            head.lines + 1,
            Some(column),
            CsvErrorKind::NotUtf8,
            head.out,
            head.by_class,
        );
    }
    if memchr::memchr(b'"', block).is_none() {
        let mark = out.len();
        if let Some((records, lines, by_class)) =
            classify_plain(block, layout, classifier, lang, verdicts, &mut out)
        {
            return BlockResult {
                out,
                records,
                lines,
                by_class,
                error: None,
            };
        }
        out.truncate(mark);
    }
    let n_cols = layout.roles.len();
    let mut scan = Scanner::new(block);
    // Physical records (blank lines too) number the rows; households count the output.
    let mut lines = 0u64;
    while !scan.at_end() {
        lines += 1;
        let mut all_empty = true;
        let mut id: Cow<[u8]> = Cow::Borrowed(&[]);
        let mut area = Area::Rural;
        let mut income = Income::Vnd(0);
        let mut d = DeprivationSet(0);
        let mut col = 0usize;
        loop {
            let Ok((field, end)) = scan.field() else {
                return fail(
                    lines,
                    Some(col),
                    CsvErrorKind::UnterminatedQuote,
                    out,
                    by_class,
                );
            };
            if !field.is_empty() {
                all_empty = false;
            }
            let Some(role) = layout.roles.get(col) else {
                // Count the extra fields for the message.
                let mut found = col + 1;
                let mut end = end;
                while matches!(end, FieldEnd::Comma) {
                    match scan.field() {
                        Ok((_, e)) => {
                            found += 1;
                            end = e;
                        }
                        Err(_) => break,
                    }
                }
                let kind = CsvErrorKind::TooManyFields {
                    expected: n_cols,
                    found,
                };
                return fail(lines, None, kind, out, by_class);
            };
            match role {
                Role::Indicator(k) => match &*field {
                    b"1" => d.insert(usize::from(*k)),
                    b"0" => {}
                    other => match trim(other) {
                        b"1" => d.insert(usize::from(*k)),
                        b"0" => {}
                        _ => {
                            let kind = CsvErrorKind::NotZeroOne(lossy(other));
                            return fail(lines, Some(col), kind, out, by_class);
                        }
                    },
                },
                Role::Id => id = field,
                Role::Area => {
                    area = match &*field {
                        b"rural" => Area::Rural,
                        b"urban" => Area::Urban,
                        other => match Area::parse(&lossy(other)) {
                            Some(a) => a,
                            None => {
                                return fail(
                                    lines,
                                    Some(col),
                                    CsvErrorKind::BadArea(lossy(other)),
                                    out,
                                    by_class,
                                );
                            }
                        },
                    }
                }
                Role::Income => match Vnd::parse_bytes(trim(&field)) {
                    Ok(v) => income = Income::Vnd(v.get()),
                    Err(why) => {
                        let kind = CsvErrorKind::BadIncome {
                            value: lossy(&field),
                            why,
                        };
                        return fail(lines, Some(col), kind, out, by_class);
                    }
                },
                Role::Score => match parse_score(trim(&field)) {
                    Some(s) => income = Income::Score(s),
                    None => {
                        return fail(
                            lines,
                            Some(col),
                            CsvErrorKind::BadScore(lossy(&field)),
                            out,
                            by_class,
                        );
                    }
                },
                Role::Ignored => {}
            }
            if let FieldEnd::Record = end {
                break;
            }
            col += 1;
        }
        if col + 1 < n_cols {
            // A blank line is not a household.
            if col == 0 && all_empty {
                continue;
            }
            let kind = CsvErrorKind::TooFewFields {
                expected: n_cols,
                found: col + 1,
            };
            return fail(lines, None, kind, out, by_class);
        }
        let outcome = match classifier.classify(area, income, d) {
            Ok(o) => o,
            Err(e) => {
                return fail(
                    lines,
                    None,
                    CsvErrorKind::NoScoreLines {
                        standard: e.standard,
                    },
                    out,
                    by_class,
                );
            }
        };
        emit(&mut out, &id, &outcome, classifier, lang, verdicts);
        by_class[class_index(outcome.class)] += 1;
        records += 1;
    }
    BlockResult {
        out,
        records,
        lines,
        by_class,
        error: None,
    }
}

/// Writes one output row: id, count of deprivations, class, and the quoted reason.
#[inline]
fn emit(
    out: &mut Vec<u8>,
    id: &[u8],
    outcome: &Outcome,
    classifier: &Classifier,
    lang: Lang,
    verdicts: &mut Verdicts,
) {
    push_text_field(out, id);
    out.push(b',');
    push_small(out, outcome.deprivations.count());
    out.push(b',');
    out.extend_from_slice(outcome.class.code().as_bytes());
    out.extend_from_slice(b",\"");
    classifier.write_measure(outcome, lang, &mut CsvQuotedSink::new(out, classifier));
    let verdict = verdicts
        .entry(Classifier::verdict_key(outcome))
        .or_insert_with(|| {
            let mut v = Vec::with_capacity(128);
            classifier.write_verdict(outcome, lang, &mut CsvQuotedSink::new(&mut v, classifier));
            v.extend_from_slice(b"\"\n");
            v
        });
    out.extend_from_slice(verdict);
}

/// The fast path for a block without quotes (the usual export from Excel): one pass over each line, no
/// allocation. Anything unexpected returns `None`, and the general path reads the block again to say
/// exactly what is wrong and where.
fn classify_plain(
    block: &[u8],
    layout: &Layout,
    classifier: &Classifier,
    lang: Lang,
    verdicts: &mut Verdicts,
    out: &mut Vec<u8>,
) -> Option<(u64, u64, [u64; 4])> {
    let roles = &layout.roles;
    let n_cols = roles.len();
    let mut by_class = [0u64; 4];
    let mut records = 0u64;
    let mut lines = 0u64;
    let mut rest = block;
    while !rest.is_empty() {
        lines += 1;
        let nl = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        let mut line = &rest[..nl];
        rest = rest.get(nl + 1..).unwrap_or(&[]);
        if let [head @ .., b'\r'] = line {
            line = head;
        }
        if line.is_empty() {
            continue;
        }
        let mut id: &[u8] = &[];
        let mut area = Area::Rural;
        let mut income = Income::Vnd(0);
        let mut d = DeprivationSet(0);
        let mut pos = 0usize;
        let (run_start, run) = (&layout.flag_run.0, &layout.flag_run.1);
        let mut col = 0usize;
        while col < n_cols {
            if col == *run_start && !run.is_empty() {
                // "0,1,0,…": each flag one character followed by a comma (or the end of the line).
                let bytes = line.get(pos..pos + 2 * run.len() - 1)?;
                for (j, k) in run.iter().enumerate() {
                    match bytes[2 * j] {
                        b'1' => d.insert(usize::from(*k)),
                        b'0' => {}
                        _ => return None,
                    }
                    if j + 1 < run.len() && bytes[2 * j + 1] != b',' {
                        return None;
                    }
                }
                pos += 2 * run.len() - 1;
                col += run.len();
                let last = col == n_cols;
                match line.get(pos) {
                    None if last => {}
                    Some(b',') if !last => pos += 1,
                    _ => return None,
                }
                continue;
            }
            let role = &roles[col];
            col += 1;
            let start = pos;
            let stop = if start < line.len()
                && line[start] != b','
                && line.get(start + 1).is_none_or(|&b| b == b',')
            {
                start + 1
            } else {
                start
                    + line
                        .get(start..)?
                        .iter()
                        .position(|&b| b == b',')
                        .unwrap_or(line.len() - start)
            };
            let last = col == n_cols;
            if last != (stop >= line.len()) {
                return None;
            }
            let field = &line[start..stop];
            pos = stop + 1;
            match role {
                Role::Indicator(k) => match field {
                    b"1" => d.insert(usize::from(*k)),
                    b"0" => {}
                    _ => return None,
                },
                Role::Id => id = field,
                Role::Area => {
                    area = match field {
                        b"rural" => Area::Rural,
                        b"urban" => Area::Urban,
                        other => Area::parse(std::str::from_utf8(other).ok()?)?,
                    }
                }
                Role::Income => income = Income::Vnd(Vnd::parse_bytes(field).ok()?.get()),
                Role::Score => income = Income::Score(parse_score(field)?),
                Role::Ignored => {}
            }
        }
        let outcome = classifier.classify(area, income, d).ok()?;
        emit(out, id, &outcome, classifier, lang, verdicts);
        by_class[class_index(outcome.class)] += 1;
        records += 1;
    }
    Some((records, lines, by_class))
}

fn class_index(c: Class) -> usize {
    c as usize
}

fn push_small(out: &mut Vec<u8>, n: u32) {
    if n < 10 {
        out.push(b'0' + n as u8);
    } else {
        out.extend_from_slice(n.to_string().as_bytes());
    }
}

fn trim(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &b[start..end]
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn parse_score(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 6 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(b).ok()?.parse().ok()
}
