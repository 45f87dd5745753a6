//! The first sheet of an XLSX workbook, read as a stream under the limits of `limits`.
//!
//! A general XLSX crate trusts what the file declares: it allocates the sheet's `<dimension>` (a cell at A1
//! and one at XFD1048576 is 17 billion cells) and the shared strings' declared count, and reads each part
//! whole, so a 1.5 KB upload could abort the server. Here nothing declared is trusted: the archive's
//! directory is checked before it is parsed, each part is inflated through a counter, the XML is read one
//! event at a time, and the cells kept are counted as they are stored.

use std::borrow::Cow;
use std::cell::Cell;
use std::io::{BufReader, Read, Seek, SeekFrom};

use giamngheo_core::text::nfc;
use quick_xml::events::{BytesStart, Event};

use crate::error::{CsvError, CsvErrorKind};
use crate::limits::{self, Limit};
use crate::table::Table;

/// Reads the first sheet of the workbook at `path`; `file` is the name errors give.
pub fn read_first_sheet(path: &std::path::Path, file: &str) -> Result<Table, CsvError> {
    let f = std::fs::File::open(path)
        .map_err(|e| CsvError::file(file, CsvErrorKind::Read(e.to_string())))?;
    read_workbook(f, file)
}

/// Reads the first sheet of a workbook from any seekable source (an upload held in memory, a test's bytes).
pub fn read_workbook<R: Read + Seek>(mut input: R, file: &str) -> Result<Table, CsvError> {
    let io = |e: std::io::Error| CsvError::file(file, CsvErrorKind::Read(e.to_string()));
    let len = input.seek(SeekFrom::End(0)).map_err(io)?;
    if len > limits::MAX_XLSX_FILE_BYTES {
        return Err(limit(file, Limit::XlsxFileBytes));
    }
    check_directory(&mut input, len, file)?;
    input.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut zip = zip::ZipArchive::new(BufReader::new(input)).map_err(|e| bad(file, e))?;
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.replace('\\', "/")).unwrap_or_default())
        .collect();
    let budget = Budget::default();
    let mut wb = Workbook {
        zip: &mut zip,
        names: &names,
        budget: &budget,
        file,
    };

    let (sheet_name, sheet_rid, date1904) = wb.first_sheet()?;
    let rels = wb.relationships()?;
    let target = |rid: &str, kind: &str, default: &str| -> String {
        rels.iter()
            .find(|r| {
                if rid.is_empty() {
                    r.kind.ends_with(kind)
                } else {
                    r.id == rid
                }
            })
            .map_or_else(|| default.to_owned(), |r| part_path(&r.target))
    };
    let sheet_path = target(&sheet_rid, "/worksheet", "xl/worksheets/sheet1.xml");
    let strings_path = target("", "/sharedStrings", "xl/sharedStrings.xml");
    let styles_path = target("", "/styles", "xl/styles.xml");
    let dates = wb.date_styles(&styles_path)?;
    let shared = wb.shared_strings(&strings_path)?;
    let cells = Cells {
        shared: &shared,
        dates: &dates,
        date1904,
    };
    let (header, rows) = wb.sheet(&sheet_path, &cells)?;
    let header = header.ok_or_else(|| CsvError::file(file, CsvErrorKind::Empty))?;
    Ok(Table {
        file: file.to_owned(),
        sheet: Some(sheet_name),
        header,
        rows,
    })
}

fn limit(file: &str, l: Limit) -> CsvError {
    CsvError::file(file, CsvErrorKind::Limit(l))
}

fn bad(file: &str, e: impl std::fmt::Display) -> CsvError {
    CsvError::file(file, CsvErrorKind::BadXlsx(e.to_string()))
}

/// Checks the archive's end record before the zip reader builds its list of entries from it: the list's
/// memory follows the entry count and directory size the file declares.
fn check_directory<R: Read + Seek>(input: &mut R, len: u64, file: &str) -> Result<(), CsvError> {
    let io = |e: std::io::Error| CsvError::file(file, CsvErrorKind::Read(e.to_string()));
    let tail_len = len.min(22 + 65_535);
    input.seek(SeekFrom::Start(len - tail_len)).map_err(io)?;
    let mut tail = vec![0u8; tail_len as usize];
    input.read_exact(&mut tail).map_err(io)?;
    let Some(at) = memchr::memmem::rfind(&tail, b"PK\x05\x06") else {
        return Err(bad(file, "no ZIP directory"));
    };
    let end = &tail[at..];
    if end.len() < 22 {
        return Err(bad(file, "ZIP directory cut short"));
    }
    let entries = u64::from(u16::from_le_bytes([end[10], end[11]]));
    let size = u64::from(u32::from_le_bytes([end[12], end[13], end[14], end[15]]));
    // A ZIP64 locator before the end record would replace both figures with 64-bit ones; a workbook under
    // the file limit never needs one.
    if at >= 20 && &tail[at - 20..at - 16] == b"PK\x06\x07" {
        return Err(limit(file, Limit::ZipEntries));
    }
    if entries > limits::MAX_ZIP_ENTRIES {
        return Err(limit(file, Limit::ZipEntries));
    }
    if size > limits::MAX_ZIP_DIRECTORY_BYTES {
        return Err(limit(file, Limit::ZipDirectoryBytes));
    }
    Ok(())
}

/// Bytes inflated so far, shared by every part of one workbook, and the limit that stopped a read.
#[derive(Default)]
struct Budget {
    total: Cell<u64>,
    /// Bytes pulled since the XML reader last returned an event.
    event: Cell<u64>,
    tripped: Cell<Option<Limit>>,
}

/// An inflated part, counted as it is read: its declared size is never looked at.
struct Metered<'b, R> {
    inner: R,
    part: u64,
    budget: &'b Budget,
}

/// The XML reader reads ahead this much; an event's count includes it.
const XML_BUFFER: usize = 64 << 10;

impl<R: Read> Read for Metered<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let b = self.budget;
        self.part += n as u64;
        b.total.set(b.total.get() + n as u64);
        b.event.set(b.event.get() + n as u64);
        let over = if self.part > limits::MAX_PART_BYTES {
            Some(Limit::PartBytes)
        } else if b.total.get() > limits::MAX_TOTAL_BYTES {
            Some(Limit::TotalBytes)
        } else if b.event.get() > limits::MAX_XML_EVENT_BYTES + XML_BUFFER as u64 {
            Some(Limit::XmlEventBytes)
        } else {
            None
        };
        if let Some(l) = over {
            b.tripped.set(Some(l));
            return Err(std::io::Error::other("limit"));
        }
        Ok(n)
    }
}

/// One part's XML, event by event, with its nesting depth.
struct Xml<'b, R: Read> {
    reader: quick_xml::Reader<BufReader<Metered<'b, R>>>,
    buf: Vec<u8>,
    depth: u64,
    budget: &'b Budget,
    file: &'b str,
    part: &'b str,
}

fn xml_error(budget: &Budget, file: &str, part: &str, e: impl std::fmt::Display) -> CsvError {
    match budget.tripped.get() {
        Some(l) => limit(file, l),
        None => bad(file, format!("{part}: {e}")),
    }
}

impl<R: Read> Xml<'_, R> {
    fn next(&mut self) -> Result<Event<'_>, CsvError> {
        self.buf.clear();
        self.budget.event.set(0);
        let ev = self
            .reader
            .read_event_into(&mut self.buf)
            .map_err(|e| xml_error(self.budget, self.file, self.part, e))?;
        match &ev {
            Event::Start(_) => {
                self.depth += 1;
                if self.depth > limits::MAX_XML_DEPTH {
                    return Err(limit(self.file, Limit::XmlDepth));
                }
            }
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        Ok(ev)
    }
}

/// Text of a text-like event, with character and predefined entity references resolved.
fn push_text(out: &mut String, ev: &Event<'_>) -> Result<(), String> {
    match ev {
        Event::Text(t) => out.push_str(&t.xml10_content()),
        Event::CData(t) => out.push_str(t),
        Event::GeneralRef(r) => match r.resolve_char_ref() {
            Ok(Some(c)) => out.push(c),
            Ok(None) => match quick_xml::escape::resolve_predefined_entity(r) {
                Some(s) => out.push_str(s),
                None => return Err(format!("unknown entity &{};", &**r)),
            },
            Err(e) => return Err(e.to_string()),
        },
        _ => {}
    }
    Ok(())
}

/// An attribute's value by its full name (`r`, `t`, `r:id`), unescaped.
fn attr<'a>(e: &'a BytesStart<'_>, name: &str) -> Option<Cow<'a, str>> {
    e.attributes().flatten().find_map(|a| {
        (a.key.as_ref() == name)
            .then(|| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
            .flatten()
    })
}

/// The relationship id of a `<sheet>`, whatever prefix its namespace was given.
fn rel_id(e: &BytesStart<'_>) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        let key = a.key.as_ref();
        (key.ends_with(":id") && key != "xml:id")
            .then(|| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned())
            })
            .flatten()
    })
}

fn local<'a>(e: &'a BytesStart<'_>) -> &'a str {
    e.local_name().into_inner()
}

/// A relationship's target as a path in the archive (relative ones are relative to `xl/`).
fn part_path(target: &str) -> String {
    match target.strip_prefix('/') {
        Some(abs) => abs.to_owned(),
        None => format!("xl/{}", target.trim_start_matches("./")),
    }
}

struct Rel {
    id: String,
    target: String,
    kind: String,
}

struct Workbook<'a, R: Read + Seek> {
    zip: &'a mut zip::ZipArchive<BufReader<R>>,
    names: &'a [String],
    budget: &'a Budget,
    file: &'a str,
}

impl<R: Read + Seek> Workbook<'_, R> {
    fn index(&self, path: &str) -> Option<usize> {
        self.names
            .iter()
            .position(|n| n.trim_start_matches('/').eq_ignore_ascii_case(path))
    }

    /// Calls `f` with each event of the part at `path`; `Ok(false)` when the archive has no such part.
    fn each_event(
        &mut self,
        path: &str,
        f: &mut dyn FnMut(&Event<'_>, u64) -> Result<(), CsvError>,
    ) -> Result<bool, CsvError> {
        let Some(i) = self.index(path) else {
            return Ok(false);
        };
        let file = self.file;
        let entry = self.zip.by_index(i).map_err(|e| bad(file, e))?;
        let metered = Metered {
            inner: entry,
            part: 0,
            budget: self.budget,
        };
        let mut xml = Xml {
            reader: quick_xml::Reader::from_reader(BufReader::with_capacity(XML_BUFFER, metered)),
            buf: Vec::new(),
            depth: 0,
            budget: self.budget,
            file,
            part: path,
        };
        loop {
            let depth = xml.depth;
            let ev = xml.next()?;
            if matches!(ev, Event::Eof) {
                return Ok(true);
            }
            f(&ev, depth)?;
        }
    }

    /// The first sheet's name and relationship id, and whether dates count from 1904.
    fn first_sheet(&mut self) -> Result<(String, String, bool), CsvError> {
        let mut sheet = None;
        let mut date1904 = false;
        let found = self.each_event("xl/workbook.xml", &mut |ev, _| {
            if let Event::Start(e) | Event::Empty(e) = ev {
                match local(e) {
                    "sheet" if sheet.is_none() => {
                        let name = attr(e, "name").unwrap_or_default().into_owned();
                        sheet = Some((name, rel_id(e).unwrap_or_default()));
                    }
                    "workbookPr" => {
                        date1904 = matches!(attr(e, "date1904").as_deref(), Some("1" | "true"));
                    }
                    _ => {}
                }
            }
            Ok(())
        })?;
        if !found {
            return Err(bad(self.file, "no xl/workbook.xml"));
        }
        let (name, rid) = sheet.ok_or_else(|| CsvError::file(self.file, CsvErrorKind::Empty))?;
        Ok((name, rid, date1904))
    }

    fn relationships(&mut self) -> Result<Vec<Rel>, CsvError> {
        let mut rels = Vec::new();
        self.each_event("xl/_rels/workbook.xml.rels", &mut |ev, _| {
            if let Event::Start(e) | Event::Empty(e) = ev
                && local(e) == "Relationship"
                && rels.len() < limits::MAX_ZIP_ENTRIES as usize
            {
                rels.push(Rel {
                    id: attr(e, "Id").unwrap_or_default().into_owned(),
                    target: attr(e, "Target").unwrap_or_default().into_owned(),
                    kind: attr(e, "Type").unwrap_or_default().into_owned(),
                });
            }
            Ok(())
        })?;
        Ok(rels)
    }

    /// Whether each cell style (`s` attribute) shows its number as a date.
    fn date_styles(&mut self, path: &str) -> Result<Vec<bool>, CsvError> {
        // Excel has at most 64,000 cell styles; more are read as not dates.
        const MAX_STYLES: usize = 65_536;
        let mut custom: Vec<(u32, bool)> = Vec::new();
        let mut xfs: Vec<u32> = Vec::new();
        let mut in_xfs = false;
        self.each_event(path, &mut |ev, _| {
            match ev {
                Event::Start(e) if local(e) == "cellXfs" => in_xfs = true,
                Event::End(e) if e.local_name().into_inner() == "cellXfs" => in_xfs = false,
                Event::Start(e) | Event::Empty(e) => match local(e) {
                    "numFmt" if custom.len() < MAX_STYLES => {
                        let id = attr(e, "numFmtId").and_then(|v| v.parse().ok());
                        let code = attr(e, "formatCode").unwrap_or_default();
                        if let Some(id) = id {
                            custom.push((id, is_date_format(&code)));
                        }
                    }
                    "xf" if in_xfs && xfs.len() < MAX_STYLES => {
                        xfs.push(
                            attr(e, "numFmtId")
                                .and_then(|v| v.parse().ok())
                                .unwrap_or(0),
                        );
                    }
                    _ => {}
                },
                _ => {}
            }
            Ok(())
        })?;
        Ok(xfs
            .iter()
            .map(|id| match custom.iter().find(|(c, _)| c == id) {
                Some((_, date)) => *date,
                None => is_builtin_date(*id),
            })
            .collect())
    }

    fn shared_strings(&mut self, path: &str) -> Result<Shared, CsvError> {
        let file = self.file;
        let mut strings = Shared::default();
        let mut bytes = 0u64;
        let mut cur: Option<String> = None;
        // Depth of the `<t>` being read, and of a phonetic run (`<rPh>`) whose text is not the cell's.
        let mut in_t = false;
        let mut in_rph = false;
        self.each_event(path, &mut |ev, _| {
            match ev {
                Event::Start(e) => match local(e) {
                    "si" => cur = Some(String::new()),
                    "t" => in_t = true,
                    "rPh" => in_rph = true,
                    _ => {}
                },
                Event::Empty(e) if local(e) == "si" => {
                    cur = None;
                    push_shared(&mut strings, String::new(), file)?;
                }
                Event::End(e) => match e.local_name().into_inner() {
                    "si" => {
                        if let Some(s) = cur.take() {
                            push_shared(&mut strings, s, file)?;
                        }
                    }
                    "t" => in_t = false,
                    "rPh" => in_rph = false,
                    _ => {}
                },
                Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) if in_t && !in_rph => {
                    if let Some(s) = cur.as_mut() {
                        let before = s.len();
                        push_text(s, ev).map_err(|m| bad(file, format!("{path}: {m}")))?;
                        bytes += (s.len() - before) as u64;
                        if bytes > limits::MAX_SHARED_STRING_BYTES {
                            return Err(limit(file, Limit::SharedStringBytes));
                        }
                    }
                }
                _ => {}
            }
            Ok(())
        })?;
        Ok(strings)
    }

    /// The header (the first row with a value) and the data rows after it, numbered as Excel numbers them.
    #[allow(clippy::type_complexity)]
    fn sheet(
        &mut self,
        path: &str,
        cells: &Cells<'_>,
    ) -> Result<(Option<Vec<String>>, Vec<(u64, Vec<String>)>), CsvError> {
        let file = self.file;
        let mut s = SheetState::default();
        let found = self.each_event(path, &mut |ev, _| s.event(ev, cells, file))?;
        if !found {
            return Err(bad(file, format!("no {path}")));
        }
        Ok(s.finish())
    }
}

/// The shared strings end to end in one buffer, with where each ends: four bytes a string rather than a
/// `String`'s twenty-four and its allocation.
#[derive(Default)]
struct Shared {
    text: String,
    ends: Vec<u32>,
}

impl Shared {
    fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.text.get(start..end)
    }
}

fn push_shared(strings: &mut Shared, s: String, file: &str) -> Result<(), CsvError> {
    if strings.ends.len() as u64 >= limits::MAX_SHARED_STRINGS {
        return Err(limit(file, Limit::SharedStrings));
    }
    strings.text.push_str(&s);
    strings.ends.push(strings.text.len() as u32);
    Ok(())
}

/// Number formats 14-22 and 45-47 are Excel's built-in dates and times; 27-36 and 50-58 are the East Asian
/// ones.
fn is_builtin_date(id: u32) -> bool {
    matches!(id, 14..=22 | 27..=36 | 45..=47 | 50..=58)
}

/// Whether a custom number format shows a date or time: a d, m, y, h or s outside quoted text, escapes and
/// bracketed colours or conditions.
fn is_date_format(code: &str) -> bool {
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                }
            }
            '[' => {
                for c in chars.by_ref() {
                    if c == ']' {
                        break;
                    }
                }
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            'd' | 'D' | 'm' | 'M' | 'y' | 'Y' | 'h' | 'H' | 's' | 'S' => return true,
            _ => {}
        }
    }
    false
}

/// What a cell's value means: the shared strings, which styles are dates, and the date system.
struct Cells<'a> {
    shared: &'a Shared,
    dates: &'a [bool],
    date1904: bool,
}

/// Where the sheet reader is: the row being read and the cell inside it.
#[derive(Default)]
struct SheetState {
    header: Option<Vec<String>>,
    rows: Vec<(u64, Vec<String>)>,
    /// The row being read and its number.
    row: Vec<String>,
    row_no: u64,
    /// The cell being read: column (1-based), type, style, and its value's text so far.
    col: u64,
    kind: String,
    style: usize,
    value: String,
    in_value: bool,
    in_rph: bool,
    /// The widest row kept and the first column holding a value in any row kept.
    width: usize,
    first_col: usize,
    /// Bytes of text in the cells kept.
    text_bytes: u64,
}

impl SheetState {
    fn at(&self, file: &str, kind: CsvErrorKind) -> CsvError {
        CsvError {
            row: Some(self.row_no),
            column: (self.col > 0).then(|| (String::new(), self.col as usize)),
            ..CsvError::file(file, kind)
        }
    }

    fn event(&mut self, ev: &Event<'_>, cells: &Cells<'_>, file: &str) -> Result<(), CsvError> {
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev, Event::Empty(_));
                match local(e) {
                    "row" => {
                        self.end_row(file)?;
                        let no = match attr(e, "r") {
                            Some(r) => r
                                .trim()
                                .parse::<u64>()
                                .map_err(|_| bad(file, format!("row number '{r}'")))?,
                            None => self.row_no + 1,
                        };
                        // Rows come in order in every workbook Excel writes; a number going back would
                        // merge rows the reader has already kept.
                        if no <= self.row_no {
                            return Err(bad(file, format!("row {no} after row {}", self.row_no)));
                        }
                        self.row_no = no;
                        self.col = 0;
                        if no > limits::MAX_ROWS {
                            return Err(self.at(file, CsvErrorKind::Limit(Limit::Rows)));
                        }
                    }
                    "c" => {
                        let col = match attr(e, "r") {
                            Some(r) => {
                                let (col, row) = parse_ref(&r)
                                    .ok_or_else(|| bad(file, format!("cell reference '{r}'")))?;
                                if row != 0 && row != self.row_no {
                                    if row > limits::MAX_ROWS {
                                        self.row_no = row;
                                        return Err(self.at(file, CsvErrorKind::Limit(Limit::Rows)));
                                    }
                                    return Err(bad(
                                        file,
                                        format!("cell {r} in row {}", self.row_no),
                                    ));
                                }
                                col
                            }
                            None => self.col + 1,
                        };
                        self.col = col;
                        self.kind = attr(e, "t").map(Cow::into_owned).unwrap_or_default();
                        self.style = attr(e, "s").and_then(|s| s.parse().ok()).unwrap_or(0);
                        self.value.clear();
                        if empty {
                            self.store(cells, file)?;
                        }
                    }
                    "v" | "t" if !empty => self.in_value = true,
                    "rPh" if !empty => self.in_rph = true,
                    _ => {}
                }
            }
            Event::End(e) => match e.local_name().into_inner() {
                "v" | "t" => self.in_value = false,
                "rPh" => self.in_rph = false,
                "c" => self.store(cells, file)?,
                "row" => self.end_row(file)?,
                _ => {}
            },
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_)
                if self.in_value && !self.in_rph =>
            {
                push_text(&mut self.value, ev).map_err(|m| bad(file, m))?;
                if self.value.len() as u64 > limits::MAX_CELL_CHARS * 4 {
                    return Err(self.at(file, CsvErrorKind::Limit(Limit::CellChars)));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Keeps the cell just read, if it has a value.
    fn store(&mut self, cells: &Cells<'_>, file: &str) -> Result<(), CsvError> {
        let text = self.text(cells, file)?;
        self.value.clear();
        if text.is_empty() {
            return Ok(());
        }
        if self.col > limits::MAX_COLUMNS {
            return Err(self.at(file, CsvErrorKind::Limit(Limit::Columns)));
        }
        if text.chars().count() as u64 > limits::MAX_CELL_CHARS {
            return Err(self.at(file, CsvErrorKind::Limit(Limit::CellChars)));
        }
        self.text_bytes += text.len() as u64;
        if self.text_bytes > limits::MAX_SHEET_TEXT_BYTES {
            return Err(self.at(file, CsvErrorKind::Limit(Limit::SheetTextBytes)));
        }
        let i = self.col as usize - 1;
        if self.row.len() <= i {
            self.row.resize(i + 1, String::new());
        }
        self.row[i] = text;
        Ok(())
    }

    /// A cell's text as the readers expect it: strings trimmed and NFC, whole numbers without decimals,
    /// dates as dd/mm/yyyy, booleans as 1 or 0.
    fn text(&self, cells: &Cells<'_>, file: &str) -> Result<String, CsvError> {
        let v = self.value.as_str();
        if v.trim().is_empty() {
            return Ok(String::new());
        }
        Ok(match self.kind.as_str() {
            "s" => {
                let i: usize = v.trim().parse().map_err(|_| {
                    self.at(file, CsvErrorKind::BadXlsx(format!("string index '{v}'")))
                })?;
                let s = cells.shared.get(i).ok_or_else(|| {
                    self.at(file, CsvErrorKind::BadXlsx(format!("no shared string {i}")))
                })?;
                nfc(s.trim())
            }
            "inlineStr" | "str" => nfc(v.trim()),
            "b" => match v.trim() {
                "1" | "true" => "1".to_owned(),
                "" => String::new(),
                _ => "0".to_owned(),
            },
            "e" | "d" => v.trim().to_owned(),
            _ => {
                let t = v.trim();
                match t.parse::<f64>() {
                    Ok(f) if cells.dates.get(self.style).copied().unwrap_or(false) => {
                        excel_date(f, cells.date1904).unwrap_or_else(|| number(f))
                    }
                    Ok(f) => number(f),
                    Err(_) => nfc(t),
                }
            }
        })
    }

    fn end_row(&mut self, file: &str) -> Result<(), CsvError> {
        if self.row.is_empty() {
            return Ok(());
        }
        let row = std::mem::take(&mut self.row);
        let first = row.iter().position(|c| !c.is_empty()).unwrap_or(0);
        self.first_col = if self.rows.is_empty() && self.header.is_none() {
            first
        } else {
            self.first_col.min(first)
        };
        self.width = self.width.max(row.len());
        let kept = self.rows.len() as u64 + 2;
        if kept.saturating_mul(self.width as u64) > limits::MAX_CELLS {
            return Err(self.at(file, CsvErrorKind::Limit(Limit::Cells)));
        }
        match self.header {
            None => self.header = Some(row),
            Some(_) => self.rows.push((self.row_no, row)),
        }
        Ok(())
    }

    /// Rows as a range of cells from the first column with a value to the widest row, as Excel shows them.
    fn finish(mut self) -> (Option<Vec<String>>, Vec<(u64, Vec<String>)>) {
        let (skip, width) = (self.first_col, self.width);
        let shape = |r: &mut Vec<String>| {
            r.resize(width, String::new());
            r.drain(..skip);
        };
        if let Some(h) = self.header.as_mut() {
            shape(h);
        }
        for (_, r) in &mut self.rows {
            shape(r);
        }
        (self.header, self.rows)
    }
}

fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// An Excel serial day as dd/mm/yyyy; `None` outside Excel's dates (years 1900 to 9999).
fn excel_date(serial: f64, date1904: bool) -> Option<String> {
    if !(0.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // Serial day 25569 is 1970-01-01 (1904 system: 24107).
    let epoch = if date1904 { 24_107 } else { 25_569 };
    let days = serial.floor() as i64 - epoch;
    Some(giamngheo_core::date::Date::from_unix_days(days).vi())
}

/// `B12` → (2, 12); a reference without a row number (`B`) gives row 0. Columns past 16,384 saturate, so
/// the caller's limit refuses them.
fn parse_ref(r: &str) -> Option<(u64, u64)> {
    let r = r.trim();
    let split = r.find(|c: char| c.is_ascii_digit()).unwrap_or(r.len());
    let (letters, digits) = r.split_at(split);
    if letters.is_empty() || !letters.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut col = 0u64;
    for b in letters.bytes() {
        col = (col * 26 + u64::from(b.to_ascii_uppercase() - b'A' + 1)).min(u64::from(u32::MAX));
    }
    let row = if digits.is_empty() {
        0
    } else {
        digits.parse::<u64>().ok()?
    };
    Some((col, row))
}
