use giamngheo_core::money::VndError;

/// Bad input in a CSV file, with where it is. Rows count like a spreadsheet's: the header is row 1.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvError {
    pub file: String,
    pub row: Option<u64>,
    /// The column's header name and its 1-based position.
    pub column: Option<(String, usize)>,
    pub kind: CsvErrorKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CsvErrorKind {
    /// The input could not be read.
    Read(String),
    /// The output could not be written; `broken_pipe` when its reader went away (`| head`).
    Write {
        message: String,
        broken_pipe: bool,
    },
    /// The file has no header row.
    Empty,
    /// UTF-16 or another encoding that is not UTF-8.
    Utf16,
    NotUtf8,
    MissingColumn {
        suggestion: Option<String>,
    },
    DuplicateColumn,
    NoIncomeColumn,
    BothIncomeColumns,
    /// An indicator column that holds something other than 0 or 1.
    NotZeroOne(String),
    BadArea(String),
    BadIncome {
        value: String,
        why: VndError,
    },
    BadScore(String),
    UnterminatedQuote,
    TooManyFields {
        expected: usize,
        found: usize,
    },
    TooFewFields {
        expected: usize,
        found: usize,
    },
    /// A value that is not valid for its column.
    BadValue(String),
    /// Classifying by income score under a standard that has no score lines.
    NoScoreLines {
        standard: String,
    },
    /// The file passed one of the limits in `limits`.
    Limit(crate::limits::Limit),
    /// An XLSX file that is not a workbook or is damaged: a broken archive, a missing part, XML that does
    /// not parse.
    BadXlsx(String),
    /// Lines end in a bare carriage return (old Mac "CSV"): every reader would see one long line.
    CrLineEndings,
}

impl CsvError {
    /// A read error of `file`; a refusal raised inside the block reader (a record too long, CR-only line
    /// endings) keeps its own kind, so it exits 2 with its own message.
    pub fn io(file: &str, e: std::io::Error) -> CsvError {
        match e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<crate::csv_scan::Refusal>())
        {
            Some(r) => CsvError {
                row: r.row,
                ..CsvError::file(file, r.kind.clone())
            },
            None => CsvError::file(file, CsvErrorKind::Read(e.to_string())),
        }
    }

    pub fn file(file: &str, kind: CsvErrorKind) -> CsvError {
        CsvError {
            file: file.to_owned(),
            row: None,
            column: None,
            kind,
        }
    }
}
