//! A report table: typed cells, so CSV stays machine-readable (`7.42`), XLSX gets numbers a province can
//! compute with, and PDF shows them the Vietnamese way (`7,42`).

use std::io::{self, Write};
use std::path::Path;

use giamngheo_core::{Lang, vi_format};

#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// An integer shown without separators: a year, a rank.
    Plain(i64),
    /// A number shown with a fixed number of decimals.
    Num(f64, u8),
    /// A code that machines read (CSV) and people read in words (XLSX, PDF, the page): a standard's id and
    /// its name.
    Coded {
        code: String,
        words: String,
    },
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A rate in percent, two decimals as published.
    pub fn rate(x: f64) -> Cell {
        Cell::Num(x, 2)
    }

    /// The machine form: `1234`, `7.42`.
    pub fn plain(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Coded { code, .. } => code.clone(),
            Cell::Int(n) | Cell::Plain(n) => n.to_string(),
            Cell::Num(x, d) => format!("{x:.*}", *d as usize),
            Cell::Empty => String::new(),
        }
    }

    /// The reader's form: `1.234`, `7,42` in Vietnamese.
    pub fn display(&self, lang: Lang) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Coded { words, .. } => words.clone(),
            Cell::Int(n) => vi_format::int(*n, lang),
            Cell::Plain(n) => n.to_string(),
            Cell::Num(x, d) => grouped(*x, *d as usize, lang),
            Cell::Empty => String::new(),
        }
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Plain(_) | Cell::Num(..))
    }
}

/// `1.234,50` (vi) or `1,234.50` (en): the integer part grouped like counts.
fn grouped(x: f64, places: usize, lang: Lang) -> String {
    let plain = format!("{:.places$}", x.abs());
    let (int, frac) = plain.split_once('.').unwrap_or((&plain, ""));
    let mut s = String::new();
    if x < 0.0 && plain.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        s.push('-');
    }
    s.push_str(&vi_format::int(int.parse().unwrap_or(0), lang));
    if !frac.is_empty() {
        s.push(match lang {
            Lang::Vi => ',',
            Lang::En => '.',
        });
        s.push_str(frac);
    }
    s
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    /// Shown above the table in XLSX and PDF; the sheet name is its first 31 characters.
    pub title: String,
    /// Machine column names (CSV header).
    pub columns: Vec<String>,
    /// Column titles for readers (XLSX and PDF); the machine names when empty.
    pub labels: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Rows drawn with a rule above them: where the poverty standard changed.
    pub breaks: Vec<usize>,
    /// Lines under the table (notes, sources).
    pub notes: Vec<String>,
    /// A chart the workbook draws from the sheet's own cells (Excel's native chart, so it follows edits).
    pub chart: Option<SheetChart>,
}

/// A native chart of a sheet: one series per value column over the category column, by column index.
#[derive(Clone, Debug, PartialEq)]
pub struct SheetChart {
    pub title: String,
    pub bars: bool,
    pub category: usize,
    pub values: Vec<usize>,
}

impl Table {
    pub fn new(title: impl Into<String>, columns: &[&str]) -> Table {
        Table {
            title: title.into(),
            columns: columns.iter().map(|c| (*c).to_owned()).collect(),
            ..Table::default()
        }
    }

    pub fn labels(&self) -> &[String] {
        if self.labels.len() == self.columns.len() {
            &self.labels
        } else {
            &self.columns
        }
    }

    /// RFC 4180 CSV with the machine header; notes are not written (a CSV is data).
    pub fn write_csv<W: Write>(&self, out: &mut W) -> io::Result<()> {
        write_csv_row(out, self.columns.iter().map(String::as_str))?;
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(Cell::plain).collect();
            write_csv_row(out, cells.iter().map(String::as_str))?;
        }
        Ok(())
    }

    /// One sheet: the title, the column titles, the rows (numbers as numbers), a thick rule above each break
    /// row, the notes.
    pub fn write_xlsx(&self, path: &Path) -> Result<(), rust_xlsxwriter::XlsxError> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        self.add_sheet(&mut wb)?;
        wb.save(path)
    }

    pub fn add_sheet(
        &self,
        wb: &mut rust_xlsxwriter::Workbook,
    ) -> Result<(), rust_xlsxwriter::XlsxError> {
        use rust_xlsxwriter::{Format, FormatBorder};
        let ws = wb.add_worksheet();
        let name: String = self
            .title
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        if !name.is_empty() {
            ws.set_name(name)?;
        }
        let bold = Format::new().set_bold();
        let head = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_border(FormatBorder::Thin);
        let rule = Format::new().set_border_top(FormatBorder::Medium);
        // Columns as wide as their longest cell or title word, within reason, so a sheet opens readable.
        for (c, label) in self.labels().iter().enumerate() {
            let longest_word = label
                .split_whitespace()
                .map(|w| w.chars().count())
                .max()
                .unwrap_or(0);
            let longest_cell = self
                .rows
                .iter()
                .filter_map(|r| r.get(c))
                .map(|cell| cell.display(Lang::Vi).chars().count())
                .max()
                .unwrap_or(0);
            let width = longest_word.max(longest_cell).clamp(6, 48) + 2;
            ws.set_column_width(c as u16, width as f64)?;
        }
        ws.write_string_with_format(0, 0, &self.title, &bold)?;
        for (c, h) in self.labels().iter().enumerate() {
            ws.write_string_with_format(2, c as u16, h, &head)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let y = r as u32 + 3;
            let broken = self.breaks.contains(&r);
            for (c, cell) in row.iter().enumerate() {
                let x = c as u16;
                let f = match cell {
                    Cell::Num(_, d) => {
                        let pattern = if *d == 0 {
                            "#,##0".to_owned()
                        } else {
                            format!("0.{}", "0".repeat(*d as usize))
                        };
                        let f = Format::new().set_num_format(pattern);
                        if broken {
                            f.set_border_top(FormatBorder::Medium)
                        } else {
                            f
                        }
                    }
                    _ if broken => rule.clone(),
                    _ => Format::new(),
                };
                match cell {
                    Cell::Text(s) | Cell::Coded { words: s, .. } => {
                        ws.write_string_with_format(y, x, s, &f)?
                    }
                    Cell::Int(n) | Cell::Plain(n) => {
                        ws.write_number_with_format(y, x, *n as f64, &f)?
                    }
                    Cell::Num(v, _) => ws.write_number_with_format(y, x, *v, &f)?,
                    Cell::Empty => ws.write_blank(y, x, &f)?,
                };
            }
        }
        for (y, n) in (self.rows.len() as u32 + 4..).zip(&self.notes) {
            ws.write_string(y, 0, n)?;
        }
        if let Some(spec) = self.chart.as_ref().filter(|_| !self.rows.is_empty()) {
            use rust_xlsxwriter::{Chart, ChartType};
            let sheet = ws.name();
            let (first, last) = (3u32, self.rows.len() as u32 + 2);
            let mut chart = Chart::new(if spec.bars {
                ChartType::Bar
            } else {
                ChartType::Line
            });
            chart.title().set_name(&spec.title);
            for &v in &spec.values {
                let name = self.labels().get(v).cloned().unwrap_or_default();
                chart
                    .add_series()
                    .set_name(name.as_str())
                    .set_categories((
                        sheet.as_str(),
                        first,
                        spec.category as u16,
                        last,
                        spec.category as u16,
                    ))
                    .set_values((sheet.as_str(), first, v as u16, last, v as u16));
            }
            // Below the notes, clear of the table.
            let below = self.rows.len() as u32 + 5 + self.notes.len() as u32;
            ws.insert_chart(below, 0, &chart)?;
        }
        Ok(())
    }
}

fn write_csv_row<'a, W: Write>(
    out: &mut W,
    cells: impl Iterator<Item = &'a str>,
) -> io::Result<()> {
    for (i, c) in cells.enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        let c = giamngheo_core::text::csv_safe(c);
        if c.contains([',', '"', '\n', '\r']) {
            write!(out, "\"{}\"", c.replace('"', "\"\""))?;
        } else {
            out.write_all(c.as_bytes())?;
        }
    }
    out.write_all(b"\n")
}
