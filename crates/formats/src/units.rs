//! The official unit lists and their lineage, as CSV (`data/units/`).

use giamngheo_core::ids::{UnitCode, UnitLevel};
use giamngheo_core::units::{LineageKind, ReformLink, UnitRecord};

use crate::error::{CsvError, CsvErrorKind};
use crate::table::{Table, read_csv};

fn column(t: &Table, name: &str) -> Result<usize, CsvError> {
    t.header
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| CsvError {
            row: Some(1),
            column: Some((name.to_owned(), 0)),
            ..CsvError::file(&t.file, CsvErrorKind::MissingColumn { suggestion: None })
        })
}

fn bad(t: &Table, row: u64, col: &str, pos: usize, value: &str) -> CsvError {
    CsvError {
        row: Some(row),
        column: Some((col.to_owned(), pos + 1)),
        ..CsvError::file(&t.file, CsvErrorKind::BadValue(value.to_owned()))
    }
}

/// `level,code,name,short_name,parent_code,lat,lon`.
pub fn read_units(text: &str, file: &str) -> Result<Vec<UnitRecord>, CsvError> {
    let t = read_csv(text.as_bytes(), file)?;
    let [lv, cd, nm, sn, pc, la, lo] = [
        "level",
        "code",
        "name",
        "short_name",
        "parent_code",
        "lat",
        "lon",
    ]
    .map(|c| column(&t, c));
    let (lv, cd, nm, sn, pc, la, lo) = (lv?, cd?, nm?, sn?, pc?, la?, lo?);
    let mut out = Vec::with_capacity(t.rows.len());
    for (row, cells) in &t.rows {
        let cell = |i: usize| cells.get(i).map(String::as_str).unwrap_or("");
        let level =
            UnitLevel::parse(cell(lv)).ok_or_else(|| bad(&t, *row, "level", lv, cell(lv)))?;
        let code =
            UnitCode::parse(level, cell(cd)).ok_or_else(|| bad(&t, *row, "code", cd, cell(cd)))?;
        let parent = match (level, cell(pc)) {
            (_, "") => None,
            (UnitLevel::Commune, p) => Some(
                UnitCode::parse(UnitLevel::District, p)
                    .or_else(|| UnitCode::parse(UnitLevel::Province, p))
                    .ok_or_else(|| bad(&t, *row, "parent_code", pc, p))?,
            ),
            (_, p) => Some(
                UnitCode::parse(UnitLevel::Province, p)
                    .ok_or_else(|| bad(&t, *row, "parent_code", pc, p))?,
            ),
        };
        out.push(UnitRecord {
            level,
            code,
            name: cell(nm).to_owned(),
            short_name: cell(sn).to_owned(),
            parent,
            lat: cell(la).parse().ok(),
            lon: cell(lo).parse().ok(),
        });
    }
    Ok(out)
}

/// `old_commune_code,new_commune_code,kind,default_successor`.
pub fn read_lineage(text: &str, file: &str) -> Result<Vec<ReformLink>, CsvError> {
    let t = read_csv(text.as_bytes(), file)?;
    let (oc, nc, kd, ds) = (
        column(&t, "old_commune_code")?,
        column(&t, "new_commune_code")?,
        column(&t, "kind")?,
        column(&t, "default_successor")?,
    );
    let mut out = Vec::with_capacity(t.rows.len());
    for (row, cells) in &t.rows {
        let cell = |i: usize| cells.get(i).map(String::as_str).unwrap_or("");
        let old = UnitCode::parse(UnitLevel::Commune, cell(oc))
            .ok_or_else(|| bad(&t, *row, "old_commune_code", oc, cell(oc)))?;
        let new = UnitCode::parse(UnitLevel::Commune, cell(nc))
            .ok_or_else(|| bad(&t, *row, "new_commune_code", nc, cell(nc)))?;
        let kind =
            LineageKind::parse(cell(kd)).ok_or_else(|| bad(&t, *row, "kind", kd, cell(kd)))?;
        let default_successor = match cell(ds) {
            "1" => true,
            "0" | "" => false,
            v => return Err(bad(&t, *row, "default_successor", ds, v)),
        };
        out.push(ReformLink {
            old,
            new,
            kind,
            default_successor,
        });
    }
    Ok(out)
}

/// The national unit lists shipped in `data/units/`, compiled in.
pub struct NationalUnits {
    pub before: Vec<UnitRecord>,
    pub after: Vec<UnitRecord>,
    pub links: Vec<ReformLink>,
}

/// The date of the 2025 reform the shipped lists describe.
pub fn reform_2025() -> giamngheo_core::date::Date {
    giamngheo_core::date::Date::new(2025, 7, 1).unwrap_or_else(|_| unreachable!("a valid date"))
}

/// Parses the shipped lists; they are checked by the tests, so an error here is a broken build.
pub fn national() -> Result<NationalUnits, CsvError> {
    Ok(NationalUnits {
        before: read_units(
            include_str!("../../../data/units/units-before-2025-07-01.csv"),
            "data/units/units-before-2025-07-01.csv",
        )?,
        after: read_units(
            include_str!("../../../data/units/units-from-2025-07-01.csv"),
            "data/units/units-from-2025-07-01.csv",
        )?,
        links: read_lineage(
            include_str!("../../../data/units/lineage-2025-07-01.csv"),
            "data/units/lineage-2025-07-01.csv",
        )?,
    })
}
