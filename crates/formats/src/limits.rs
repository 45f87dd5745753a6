//! Every limit on a user's file, in one place. A file is refused as soon as it passes one, before the memory
//! it asks for is spent: the web app reads uploads with these in the same process that serves every user.
//!
//! The figures leave room for a province's real files (Excel's own limits where it has them) and bound what
//! one read can hold: the stored cells of an XLSX sheet (`MAX_CELLS` of at most `MAX_CELL_CHARS`), one XML
//! event, one CSV record.

/// The largest XLSX file read at all (bytes on disk or uploaded).
pub const MAX_XLSX_FILE_BYTES: u64 = 64 << 20;
/// Entries in the workbook's archive (a real one has a few dozen).
pub const MAX_ZIP_ENTRIES: u64 = 10_000;
/// Bytes of the archive's central directory (its list of entries).
pub const MAX_ZIP_DIRECTORY_BYTES: u64 = 4 << 20;
/// Bytes one part of the archive may inflate to. Declared sizes are never trusted: the inflated stream
/// itself is counted.
pub const MAX_PART_BYTES: u64 = 256 << 20;
/// Bytes all the parts read may inflate to together.
pub const MAX_TOTAL_BYTES: u64 = 512 << 20;
/// Strings in the shared-strings table (its declared count is ignored).
pub const MAX_SHARED_STRINGS: u64 = 1_000_000;
/// Bytes of text in the shared-strings table.
pub const MAX_SHARED_STRING_BYTES: u64 = 32 << 20;
/// The last row an XLSX cell may sit on (Excel's own limit); the sheet's `<dimension>` is ignored.
pub const MAX_ROWS: u64 = 1_048_576;
/// The last column a cell with a value may sit in (AMJ). Household, review and round sheets have a few
/// dozen; a wider row would be padded to this width in every row.
pub const MAX_COLUMNS: u64 = 1_024;
/// Cells kept from one sheet, counting the empty ones that pad rows to the sheet's width (24 bytes each).
pub const MAX_CELLS: u64 = 2_000_000;
/// Bytes of text kept from one sheet: a shared string is stored once in the file but copied into every cell
/// that uses it, so without this a 30 KB string used by a million cells would be 30 GB.
pub const MAX_SHEET_TEXT_BYTES: u64 = 64 << 20;
/// Characters in one cell (Excel's own limit).
pub const MAX_CELL_CHARS: u64 = 32_767;
/// Nesting depth of XML elements (a sheet needs 5).
pub const MAX_XML_DEPTH: u64 = 64;
/// Bytes of one XML event (a tag with its attributes, or a run of text).
pub const MAX_XML_EVENT_BYTES: u64 = 1 << 20;
/// Bytes of one CSV record (a line, or several when a quoted field holds line breaks).
pub const MAX_CSV_RECORD_BYTES: u64 = 1 << 20;
/// Fields of one CSV record.
pub const MAX_CSV_FIELDS: u64 = 1_024;
/// Bytes of a TOML file (a standard, an MPI specification, a score table, a household's facts).
pub const MAX_TOML_BYTES: u64 = 1 << 20;

/// Which limit a file passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    XlsxFileBytes,
    ZipEntries,
    ZipDirectoryBytes,
    PartBytes,
    TotalBytes,
    SharedStrings,
    SharedStringBytes,
    Rows,
    Columns,
    Cells,
    SheetTextBytes,
    CellChars,
    XmlDepth,
    XmlEventBytes,
    CsvRecordBytes,
    CsvFields,
    TomlBytes,
}

impl Limit {
    pub fn max(self) -> u64 {
        use Limit::*;
        match self {
            XlsxFileBytes => MAX_XLSX_FILE_BYTES,
            ZipEntries => MAX_ZIP_ENTRIES,
            ZipDirectoryBytes => MAX_ZIP_DIRECTORY_BYTES,
            PartBytes => MAX_PART_BYTES,
            TotalBytes => MAX_TOTAL_BYTES,
            SharedStrings => MAX_SHARED_STRINGS,
            SharedStringBytes => MAX_SHARED_STRING_BYTES,
            Rows => MAX_ROWS,
            Columns => MAX_COLUMNS,
            Cells => MAX_CELLS,
            SheetTextBytes => MAX_SHEET_TEXT_BYTES,
            CellChars => MAX_CELL_CHARS,
            XmlDepth => MAX_XML_DEPTH,
            XmlEventBytes => MAX_XML_EVENT_BYTES,
            CsvRecordBytes => MAX_CSV_RECORD_BYTES,
            CsvFields => MAX_CSV_FIELDS,
            TomlBytes => MAX_TOML_BYTES,
        }
    }
}

/// A size in bytes as people read it: 256 MB, 1 MB, 512 KB.
pub fn human_bytes(n: u64) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KB", n >> 10)
    } else {
        format!("{n} B")
    }
}
