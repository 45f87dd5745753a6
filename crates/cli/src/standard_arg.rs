//! `--standard ID|PATH` or `--year YYYY` to a checked standard.

use std::path::Path;

use giamngheo_core::Standard;
use giamngheo_core::standard::builtin;

use crate::StandardChoice;
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
