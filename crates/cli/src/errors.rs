//! The command line's one error type: every boundary's error, printed in Vietnamese then English.

use giamngheo_core::messages::Localized;
use giamngheo_core::{Lang, StandardError};
use giamngheo_formats::{CsvError, CsvErrorKind};

pub enum CliError {
    Standard(StandardError),
    Store(giamngheo_store::StoreError),
    /// Every problem found in an import file; nothing was written.
    Import(Vec<giamngheo_formats::households::ImportProblem>),
    Demo(String, String),
    Csv(CsvError),
    /// A file could not be opened, created or renamed.
    File {
        path: String,
        error: std::io::Error,
    },
    NoScoreLines(giamngheo_core::classify::NoScoreLines),
    /// A household facts file that does not parse.
    Facts {
        path: String,
        message: String,
    },
    /// A command-line value that is not valid.
    Argument {
        name: &'static str,
        value: String,
        vi: String,
        en: String,
    },
    /// A file given on the command line that cannot be used as it is (too large, not UTF-8).
    Input {
        path: String,
        vi: String,
        en: String,
    },
    /// The reader of our standard output went away (`| head`): not an error.
    BrokenPipe,
    /// `audit verify` found the audit log broken or a checkpoint that disagrees (Vietnamese, English): exit 3,
    /// neither bad input (2) nor the machine failing (1), so a province's script can tell tampering apart.
    AuditBroken(String, String),
    /// The sync server could not be reached (exit 1) or refused (exit 2): Vietnamese, English.
    Remote {
        refused: bool,
        vi: String,
        en: String,
    },
}

/// A command-line value that is not valid: `--name value`, and why in both languages.
pub(crate) fn arg(name: &'static str, value: &str, vi: &str, en: &str) -> CliError {
    CliError::Argument {
        name,
        value: value.to_owned(),
        vi: vi.to_owned(),
        en: en.to_owned(),
    }
}

impl From<StandardError> for CliError {
    fn from(e: StandardError) -> Self {
        CliError::Standard(e)
    }
}

impl From<giamngheo_store::StoreError> for CliError {
    fn from(e: giamngheo_store::StoreError) -> Self {
        CliError::Store(e)
    }
}

impl From<CsvError> for CliError {
    fn from(e: CsvError) -> Self {
        match e.kind {
            CsvErrorKind::Write {
                broken_pipe: true, ..
            } => CliError::BrokenPipe,
            _ => CliError::Csv(e),
        }
    }
}

impl CliError {
    /// 2 for anything the user can fix in their input; 1 for the machine's own failures; 3 for an audit log
    /// found tampered with.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::AuditBroken(..) => 3,
            CliError::File { .. } => 1,
            CliError::Store(
                giamngheo_store::StoreError::Db(_)
                | giamngheo_store::StoreError::Open { .. }
                | giamngheo_store::StoreError::Connect { .. },
            ) => 1,
            CliError::Demo(..) => 1,
            CliError::Remote { refused, .. } => {
                if *refused {
                    2
                } else {
                    1
                }
            }
            CliError::Csv(CsvError {
                kind: CsvErrorKind::Read(_) | CsvErrorKind::Write { .. },
                ..
            }) => 1,
            _ => 2,
        }
    }
}

impl Localized for CliError {
    fn message(&self, lang: Lang) -> String {
        let prefix = lang.pick("Lỗi: ", "Error: ");
        let body = match self {
            CliError::Standard(e) => e.message(lang),
            CliError::Csv(e) => e.message(lang),
            CliError::Store(e) => e.message(lang),
            CliError::Import(list) => {
                let head = lang.pick(
                    "Không ghi gì vì tệp có lỗi:",
                    "Nothing was written; the file has these problems:",
                );
                let lines: Vec<String> = list
                    .iter()
                    .take(200)
                    .map(|p| format!("  - {}", p.message(lang)))
                    .collect();
                let more = if list.len() > 200 {
                    format!("\n  … {}", list.len() - 200)
                } else {
                    String::new()
                };
                format!("{head}\n{}{more}", lines.join("\n"))
            }
            CliError::Demo(vi, en) | CliError::AuditBroken(vi, en) => lang.pick(vi, en).to_owned(),
            CliError::Remote { vi, en, .. } => lang.pick(vi, en).to_owned(),
            CliError::NoScoreLines(e) => e.message(lang),
            CliError::File { path, error } => match lang {
                Lang::Vi => format!("Không mở hoặc ghi được tệp {path}: {error}"),
                Lang::En => format!("Cannot open or write file {path}: {error}"),
            },
            CliError::Facts { path, message } => match lang {
                Lang::Vi => format!("Tệp thông tin hộ {path} không hợp lệ: {message}"),
                Lang::En => format!("Household facts file {path} is not valid: {message}"),
            },
            CliError::Argument {
                name,
                value,
                vi,
                en,
            } => match lang {
                Lang::Vi => format!("Tham số --{name} '{value}': {vi}"),
                Lang::En => format!("Option --{name} '{value}': {en}"),
            },
            CliError::Input { path, vi, en } => match lang {
                Lang::Vi => format!("Tệp {path}: {vi}"),
                Lang::En => format!("File {path}: {en}"),
            },
            CliError::BrokenPipe => String::new(),
        };
        format!("{prefix}{body}")
    }
}
