//! A sheet of text cells read from CSV or XLSX, row by row, with the row numbers a spreadsheet shows.

use std::io::Read;

use calamine::{Data, Reader};
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

/// Reads a CSV file (UTF-8, optional BOM) into a table of NFC text.
pub fn read_csv<R: Read>(input: R, file: &str) -> Result<Table, CsvError> {
    let io = |e: std::io::Error| CsvError::file(file, CsvErrorKind::Read(e.to_string()));
    let mut reader = BlockReader::new(input, 1 << 20);
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut row_no = 0u64;
    let mut first = true;
    while let Some(mut block) = reader.next_block().map_err(io)? {
        if first {
            if block.starts_with(&[0xFF, 0xFE]) || block.starts_with(&[0xFE, 0xFF]) {
                return Err(CsvError {
                    row: Some(1),
                    ..CsvError::file(file, CsvErrorKind::Utf16)
                });
            }
            if block.starts_with(&[0xEF, 0xBB, 0xBF]) {
                block.drain(..3);
            }
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
                cells.push(nfc(text.trim()));
                if matches!(end, FieldEnd::Record) {
                    break;
                }
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
/// `dd/mm/yyyy`.
pub fn read_xlsx(path: &std::path::Path, file: &str) -> Result<Table, CsvError> {
    let fail = |m: String| CsvError::file(file, CsvErrorKind::Read(m));
    let mut wb = calamine::open_workbook_auto(path).map_err(|e| fail(e.to_string()))?;
    let sheet = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| CsvError::file(file, CsvErrorKind::Empty))?;
    let range = wb
        .worksheet_range(&sheet)
        .map_err(|e| fail(e.to_string()))?;
    let (start_row, _) = range.start().unwrap_or((0, 0));
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    for (i, r) in range.rows().enumerate() {
        let row_no = u64::from(start_row) + i as u64 + 1;
        let cells: Vec<String> = r.iter().map(cell_text).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        match &header {
            None => header = Some(cells),
            Some(_) => rows.push((row_no, cells)),
        }
    }
    let header = header.ok_or_else(|| CsvError::file(file, CsvErrorKind::Empty))?;
    Ok(Table {
        file: file.to_owned(),
        sheet: Some(sheet),
        header,
        rows,
    })
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => nfc(s.trim()),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
        Data::DateTime(dt) => {
            // Excel serial day 25569 is 1970-01-01.
            let days = dt.as_f64().floor() as i64 - 25_569;
            giamngheo_core::date::Date::from_unix_days(days).vi()
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}
