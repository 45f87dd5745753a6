//! A report's tables and charts as one file: the workbook (a sheet a table) and the PDF (the tables one after
//! the other, the charts after the first). The command line writes these bytes to a file, the web sends them.

use giamngheo_core::Lang;

use crate::chart::Drawing;
use crate::pdf::{Document, Orientation};
use crate::table::Table;

/// The tables as a workbook, a sheet each.
pub fn workbook(tables: &[Table]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for t in tables {
        t.add_sheet(&mut wb)?;
    }
    wb.save_to_buffer()
}

/// The tables as a PDF, the charts after the first; landscape when the first table is wide.
pub fn pdf(tables: &[Table], charts: &[Drawing], lang: Lang) -> Vec<u8> {
    let Some(first) = tables.first() else {
        return Document::new("", Orientation::Portrait, lang).finish();
    };
    let mut doc = Document::new(&first.title, Orientation::for_table(first, lang), lang);
    for (i, t) in tables.iter().enumerate() {
        doc.heading(&t.title);
        doc.table(t);
        if i == 0 {
            for c in charts {
                doc.drawing(c);
            }
        }
    }
    doc.finish()
}
