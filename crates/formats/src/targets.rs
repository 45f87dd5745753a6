//! Plan target files: `unit_code,year,poor_rate[,near_poor_rate][,note]`, one row per unit and year, rates in
//! percent (`1.5` or `1,5`).

use crate::error::{CsvError, CsvErrorKind};
use crate::table::Table;

#[derive(Clone, Debug, PartialEq)]
pub struct TargetRow {
    /// The spreadsheet row, for messages about this target (the unit may still be unknown).
    pub row: u64,
    /// A unit code or name, resolved by the caller.
    pub unit: String,
    pub year: i32,
    pub poor_rate: f64,
    pub near_poor_rate: Option<f64>,
    pub note: String,
}

/// Reads every row; the first problem is returned with its row and column.
pub fn read_targets(t: &Table) -> Result<Vec<TargetRow>, CsvError> {
    let col = |names: &[&str]| {
        t.header
            .iter()
            .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
    };
    let missing = |name: &str| CsvError {
        row: Some(1),
        column: Some((name.to_owned(), 0)),
        ..CsvError::file(&t.file, CsvErrorKind::MissingColumn { suggestion: None })
    };
    let unit_c = col(&["unit_code", "unit"]).ok_or_else(|| missing("unit_code"))?;
    let year_c = col(&["year"]).ok_or_else(|| missing("year"))?;
    let poor_c = col(&["poor_rate"]).ok_or_else(|| missing("poor_rate"))?;
    let near_c = col(&["near_poor_rate"]);
    let note_c = col(&["note"]);
    let mut out = Vec::with_capacity(t.rows.len());
    for (row, cells) in &t.rows {
        let cell = |c: usize| cells.get(c).map_or("", String::as_str);
        let bad = |c: usize| CsvError {
            row: Some(*row),
            column: Some((t.header[c].clone(), c + 1)),
            ..CsvError::file(&t.file, CsvErrorKind::BadValue(cell(c).to_owned()))
        };
        let rate = |c: usize| {
            cell(c)
                .replace(',', ".")
                .parse::<f64>()
                .ok()
                .filter(|r| (0.0..=100.0).contains(r))
                .ok_or_else(|| bad(c))
        };
        if cell(unit_c).is_empty() {
            return Err(bad(unit_c));
        }
        let year = cell(year_c)
            .parse::<i32>()
            .ok()
            .filter(|y| (1990..=2100).contains(y))
            .ok_or_else(|| bad(year_c))?;
        out.push(TargetRow {
            row: *row,
            unit: cell(unit_c).to_owned(),
            year,
            poor_rate: rate(poor_c)?,
            near_poor_rate: match near_c {
                Some(c) if !cell(c).is_empty() => Some(rate(c)?),
                _ => None,
            },
            note: note_c.map(|c| cell(c).to_owned()).unwrap_or_default(),
        });
    }
    Ok(out)
}
