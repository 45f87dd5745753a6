//! `--standard ID|PATH` or `--year YYYY` to a checked standard.

use std::path::Path;

use clap::Args;
use giamngheo_core::Standard;
use giamngheo_core::standard::builtin;

use crate::errors::CliError;

pub fn resolve(choice: &StandardChoice) -> Result<Standard, CliError> {
    match (&choice.standard, choice.year) {
        (Some(s), _) => load(s),
        (None, Some(year)) => Ok(builtin::for_year(year)?),
        (None, None) => unreachable!("clap requires one of --standard and --year"),
    }
}

/// A built-in id, or else a file path.
pub fn load(s: &str) -> Result<Standard, CliError> {
    if builtin::source(s).is_some() {
        return Ok(builtin::get(s)?);
    }
    let path = Path::new(s);
    let looks_like_file =
        s.ends_with(".toml") || s.contains('/') || s.contains('\\') || path.exists();
    if !looks_like_file {
        // Not a file name: most likely a misspelled id.
        return Ok(builtin::get(s)?);
    }
    let text = crate::output::read_text_file(path)?;
    Ok(Standard::from_toml(&text, s)?)
}

/// Which standard to use: an id or a file, or the one in force in a review year.
#[derive(Args, Clone)]
#[group(required = true, multiple = false)]
pub struct StandardChoice {
    /// A built-in standard id (vn-2016-2020, vn-2022-2025, vn-2026-2030) or a standard file (.toml).
    #[arg(long, value_name = "ID|PATH")]
    standard: Option<String>,
    /// The review year: uses the standard in force that year.
    #[arg(long, value_name = "YYYY")]
    year: Option<u16>,
}
