//! File formats of giamngheo. Every reader names the file, row and column of bad input, and nothing here
//! decides where output lands: callers write to a temporary file and rename it, so a failed run leaves nothing.

pub mod blocks;
pub mod classify_csv;
pub mod csv_scan;
pub mod error;
pub mod households;
pub mod indicator_csv;
pub mod limits;
pub mod messages;
pub mod mpi_csv;
pub mod reviews;
pub mod rounds;
pub mod table;
pub mod targets;
pub mod template;
pub mod units;
pub mod xlsx;

pub use classify_csv::{ClassifyOptions, ClassifySummary, classify};
pub use error::{CsvError, CsvErrorKind};
