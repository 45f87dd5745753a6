//! A sheet of text cells read from CSV or XLSX, row by row, with the row numbers a spreadsheet shows.

use std::io::Read;

use giamngheo_core::text::nfc;

use crate::csv_scan::{BlockReader, FieldEnd, Scanner};
use crate::error::{CsvError, CsvErrorKind};

/// Rows of cells; `rows[i].0` is the row number as Excel shows it (the header is row 1).
#[derive(Debug)]
pub struct Table {
    pub file: String,
    pub sheet: Option<String>,
    pub header: Vec<String>,
    pub rows: Vec<(u64, Vec<String>)>,
}

/// Drops a UTF-8 byte order mark from a file's first block; a UTF-16 one is refused (the file must be saved
/// as UTF-8).
pub(crate) fn strip_bom(block: &mut Vec<u8>, file: &str) -> Result<(), CsvError> {
    if block.starts_with(&[0xFF, 0xFE]) || block.starts_with(&[0xFE, 0xFF]) {
        return Err(CsvError {
            row: Some(1),
            ..CsvError::file(file, CsvErrorKind::Utf16)
        });
    }
    if block.starts_with(&[0xEF, 0xBB, 0xBF]) {
        block.drain(..3);
    }
    Ok(())
}

/// Refuses a row once it has as many fields as a row may have: a runaway row (a stray quote, a binary
/// file) stops there instead of filling the memory.
pub(crate) fn check_field_count(fields: usize, row_no: u64, file: &str) -> Result<(), CsvError> {
    if fields as u64 >= crate::limits::MAX_CSV_FIELDS {
        return Err(CsvError {
            row: Some(row_no),
            ..CsvError::file(file, CsvErrorKind::Limit(crate::limits::Limit::CsvFields))
        });
    }
    Ok(())
}

/// Reads a CSV file (UTF-8, optional BOM) into a table of NFC text.
pub fn read_csv<R: Read>(input: R, file: &str) -> Result<Table, CsvError> {
    let io = |e: std::io::Error| CsvError::io(file, e);
    let mut reader = BlockReader::new(input, 1 << 20);
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut row_no = 0u64;
    let mut first = true;
    while let Some(mut block) = reader.next_block().map_err(io)? {
        if first {
            strip_bom(&mut block, file)?;
            first = false;
        }
        let mut scan = Scanner::new(&block);
        while !scan.at_end() {
            row_no += 1;
            let mut cells = Vec::new();
            loop {
                let col = cells.len();
                let (f, end) = scan.field().map_err(|_| CsvError {
                    row: Some(row_no),
                    column: Some((String::new(), col + 1)),
                    ..CsvError::file(file, CsvErrorKind::UnterminatedQuote)
                })?;
                let text = std::str::from_utf8(&f).map_err(|_| CsvError {
                    row: Some(row_no),
                    column: Some((String::new(), col + 1)),
                    ..CsvError::file(file, CsvErrorKind::NotUtf8)
                })?;
                cells.push(nfc(giamngheo_core::text::csv_unescape_formula(text.trim())));
                if matches!(end, FieldEnd::Record) {
                    break;
                }
                check_field_count(cells.len(), row_no, file)?;
            }
            if cells.iter().all(String::is_empty) {
                continue;
            }
            match &header {
                None => header = Some(cells),
                Some(_) => rows.push((row_no, cells)),
            }
        }
    }
    let header = header.ok_or_else(|| CsvError::file(file, CsvErrorKind::Empty))?;
    Ok(Table {
        file: file.to_owned(),
        sheet: None,
        header,
        rows,
    })
}

/// Reads the first sheet of an XLSX workbook. Numbers that hold codes keep no decimals; dates become
/// `dd/mm/yyyy`. Every limit in `limits` holds: a hostile workbook is refused before its memory is spent.
pub fn read_xlsx(path: &std::path::Path, file: &str) -> Result<Table, CsvError> {
    crate::xlsx::read_first_sheet(path, file)
}

/// Rows of text cells with their spreadsheet row numbers, read once from the start.
pub trait Rows {
    fn file(&self) -> &str;
    fn sheet(&self) -> Option<&str>;
    fn header(&self) -> &[String];
    /// The header's names trimmed and in lower case, as columns are looked up by name.
    fn header_keys(&self) -> Vec<String> {
        self.header()
            .iter()
            .map(|h| h.trim().to_lowercase())
            .collect()
    }
    /// Calls `f` with each data row (empty rows skipped). Stops at the first unreadable part of the file.
    fn each(&mut self, f: &mut dyn FnMut(u64, &[&str])) -> Result<(), CsvError>;

    /// Makes the first of the next `rows` rows that `is_header` accepts the header, dropping the rows above it
    /// (a title above the header row). False if none is accepted or the reader cannot look ahead.
    fn promote_header(&mut self, _rows: usize, _is_header: &dyn Fn(&[String]) -> bool) -> bool {
        false
    }
}

impl Rows for Table {
    fn file(&self) -> &str {
        &self.file
    }

    fn sheet(&self) -> Option<&str> {
        self.sheet.as_deref()
    }

    fn header(&self) -> &[String] {
        &self.header
    }

    fn each(&mut self, f: &mut dyn FnMut(u64, &[&str])) -> Result<(), CsvError> {
        let mut cells: Vec<&str> = Vec::new();
        for (row, r) in &self.rows {
            cells.clear();
            cells.extend(r.iter().map(String::as_str));
            f(*row, &cells);
        }
        Ok(())
    }

    fn promote_header(&mut self, rows: usize, is_header: &dyn Fn(&[String]) -> bool) -> bool {
        let Some(at) = self.rows.iter().take(rows).position(|(_, r)| is_header(r)) else {
            return false;
        };
        let mut rest = self.rows.split_off(at);
        let (_, header) = rest.remove(0);
        self.header = header;
        self.rows = rest;
        true
    }
}

/// A CSV file read row by row: cells are borrowed from the block being read (and NFC-normalised only when
/// they are not NFC already), so a file of millions of rows never becomes millions of strings.
pub struct CsvRows<R> {
    pub(crate) file: String,
    pub(crate) header: Vec<String>,
    pub(crate) reader: BlockReader<R>,
    /// The rest of the first block after the header.
    pub(crate) first: Vec<u8>,
    /// Records read so far (the header and any empty lines before it).
    pub(crate) row_no: u64,
}

impl<R: Read> CsvRows<R> {
    pub fn open(input: R, file: &str) -> Result<CsvRows<R>, CsvError> {
        let io = |e: std::io::Error| CsvError::io(file, e);
        let mut reader = BlockReader::new(input, 1 << 20);
        let mut block = reader.next_block().map_err(io)?.unwrap_or_default();
        strip_bom(&mut block, file)?;
        let mut rows = CsvRows {
            file: file.to_owned(),
            header: Vec::new(),
            reader,
            first: Vec::new(),
            row_no: 0,
        };
        // The header is the first row that is not empty.
        let mut header = None;
        let consumed = rows.scan_block(&block, true, &mut |_, cells| {
            header = Some(
                cells
                    .iter()
                    .map(|c| (*c).to_owned())
                    .collect::<Vec<String>>(),
            );
        })?;
        rows.header = header.ok_or_else(|| CsvError::file(file, CsvErrorKind::Empty))?;
        rows.first = block.split_off(consumed);
        Ok(rows)
    }

    fn scan_block(
        &mut self,
        block: &[u8],
        only_first: bool,
        f: &mut dyn FnMut(u64, &[&str]),
    ) -> Result<usize, CsvError> {
        let (consumed, records) = scan_rows(block, &self.file, self.row_no, only_first, f)?;
        self.row_no += records;
        Ok(consumed)
    }
}

/// Scans the records of a block of whole records, numbering them from `base + 1`; with `only_first`, stops
/// after the first record that is not empty. Returns the bytes consumed and the records seen.
pub fn scan_rows(
    block: &[u8],
    file: &str,
    base: u64,
    only_first: bool,
    f: &mut dyn FnMut(u64, &[&str]),
) -> Result<(usize, u64), CsvError> {
    use std::borrow::Cow;
    let mut scan = Scanner::new(block);
    let mut cells: Vec<Cow<str>> = Vec::new();
    let mut row_no = base;
    while !scan.at_end() {
        row_no += 1;
        cells.clear();
        loop {
            let col = cells.len();
            let at = |kind| CsvError {
                row: Some(row_no),
                column: Some((String::new(), col + 1)),
                ..CsvError::file(file, kind)
            };
            let (field, end) = scan
                .field()
                .map_err(|_| at(CsvErrorKind::UnterminatedQuote))?;
            let cell: Cow<str> = match field {
                Cow::Borrowed(b) => {
                    let text = std::str::from_utf8(b)
                        .map_err(|_| at(CsvErrorKind::NotUtf8))?
                        .trim();
                    let text = giamngheo_core::text::csv_unescape_formula(text);
                    if unicode_normalization::is_nfc(text) {
                        Cow::Borrowed(text)
                    } else {
                        Cow::Owned(nfc(text))
                    }
                }
                Cow::Owned(v) => {
                    let text = String::from_utf8(v).map_err(|_| at(CsvErrorKind::NotUtf8))?;
                    Cow::Owned(nfc(giamngheo_core::text::csv_unescape_formula(text.trim())))
                }
            };
            cells.push(cell);
            if matches!(end, FieldEnd::Record) {
                break;
            }
            check_field_count(cells.len(), row_no, file)?;
        }
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        // Up to 32 cells are passed from the stack; a wider row pays for one vector.
        let mut small: [&str; 32] = [""; 32];
        if cells.len() <= small.len() {
            for (slot, c) in small.iter_mut().zip(&cells) {
                *slot = c.as_ref();
            }
            f(row_no, &small[..cells.len()]);
        } else {
            let refs: Vec<&str> = cells.iter().map(|c| c.as_ref()).collect();
            f(row_no, &refs);
        }
        if only_first {
            return Ok((scan.pos, row_no - base));
        }
    }
    Ok((scan.pos, row_no - base))
}

impl<R: Read> CsvRows<R> {
    /// The rest of the input as blocks of whole records, for readers that spread blocks over threads: the
    /// bytes after the header, the reader of the blocks after them, and the records the header took.
    pub fn into_blocks(self) -> (Vec<u8>, BlockReader<R>, u64) {
        (self.first, self.reader, self.row_no)
    }
}

impl<R: Read> Rows for CsvRows<R> {
    fn file(&self) -> &str {
        &self.file
    }

    fn sheet(&self) -> Option<&str> {
        None
    }

    fn header(&self) -> &[String] {
        &self.header
    }

    fn each(&mut self, f: &mut dyn FnMut(u64, &[&str])) -> Result<(), CsvError> {
        let first = std::mem::take(&mut self.first);
        self.scan_block(&first, false, f)?;
        loop {
            let block = self
                .reader
                .next_block()
                .map_err(|e| CsvError::io(&self.file, e))?;
            let Some(block) = block else { return Ok(()) };
            self.scan_block(&block, false, f)?;
        }
    }

    /// Makes the first of the next `rows` rows for which `is_header` holds the header (a title above the
    /// header row, as in an officer's spreadsheet saved as CSV), dropping the rows above it; their records
    /// still count, so rows keep their numbers in the file. A row that cannot be read ends the search
    /// (the file's reading reports it where it is).
    fn promote_header(&mut self, rows: usize, is_header: &dyn Fn(&[String]) -> bool) -> bool {
        let (mut offset, mut row_no) = (0, self.row_no);
        for _ in 0..rows {
            let mut found = None;
            let Ok((consumed, records)) = scan_rows(
                &self.first[offset..],
                &self.file,
                row_no,
                true,
                &mut |_, cells| {
                    found = Some(
                        cells
                            .iter()
                            .map(|c| (*c).to_owned())
                            .collect::<Vec<String>>(),
                    );
                },
            ) else {
                return false;
            };
            let Some(row) = found else {
                return false;
            };
            offset += consumed;
            row_no += records;
            if is_header(&row) {
                self.header = row;
                self.first.drain(..offset);
                self.row_no = row_no;
                return true;
            }
        }
        false
    }
}
