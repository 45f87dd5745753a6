//! The national standards, compiled into the binary so that a commune laptop needs no data files.

use super::{Standard, StandardError, StandardErrorKind};

const SOURCES: &[(&str, &str)] = &[
    (
        "vn-2016-2020",
        include_str!("../../../../standards/vn-2016-2020.toml"),
    ),
    (
        "vn-2022-2025",
        include_str!("../../../../standards/vn-2022-2025.toml"),
    ),
    (
        "vn-2026-2030",
        include_str!("../../../../standards/vn-2026-2030.toml"),
    ),
];

/// The ids of the built-in standards, oldest first.
pub fn ids() -> impl Iterator<Item = &'static str> {
    SOURCES.iter().map(|(id, _)| *id)
}

/// The TOML text of a built-in standard.
pub fn source(id: &str) -> Option<&'static str> {
    SOURCES.iter().find(|(i, _)| *i == id).map(|(_, s)| *s)
}

/// A built-in standard by id.
pub fn get(id: &str) -> Result<Standard, StandardError> {
    match source(id) {
        Some(text) => Standard::from_toml(text, id),
        None => Err(StandardError {
            origin: id.to_owned(),
            kind: StandardErrorKind::UnknownId {
                id: id.to_owned(),
                known: ids().map(str::to_owned).collect(),
            },
        }),
    }
}

/// All built-in standards, oldest first.
pub fn all() -> Result<Vec<Standard>, StandardError> {
    ids().map(get).collect()
}

/// The built-in standard that governs a review year.
pub fn for_year(year: u16) -> Result<Standard, StandardError> {
    for s in all()? {
        if s.governs(year) {
            return Ok(s);
        }
    }
    Err(StandardError {
        origin: year.to_string(),
        kind: StandardErrorKind::NoStandardForYear(year),
    })
}

/// The name of a built-in standard in words ("Chuẩn nghèo đa chiều giai đoạn 2022-2025"), for pages and
/// reports that hold only its id; None for an id that is not built in. The standards are read once.
pub fn name(id: &str, lang: crate::Lang) -> Option<&'static str> {
    static NAMES: std::sync::OnceLock<Vec<(String, String, String)>> = std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| {
        all()
            .unwrap_or_default()
            .into_iter()
            .map(|s| (s.id, s.name_vi, s.name_en))
            .collect()
    });
    names
        .iter()
        .find(|(i, _, _)| i == id)
        .map(|(_, vi, en)| lang.pick(vi.as_str(), en.as_str()))
}

#[cfg(test)]
mod name_tests {
    #[test]
    fn every_built_in_standard_has_a_name_in_both_languages() {
        for id in super::ids() {
            let vi = super::name(id, crate::Lang::Vi).unwrap();
            let en = super::name(id, crate::Lang::En).unwrap();
            assert!(vi.starts_with("Chuẩn nghèo") && !en.is_empty(), "{id}");
        }
        assert_eq!(super::name("vn-1999", crate::Lang::Vi), None);
    }
}
