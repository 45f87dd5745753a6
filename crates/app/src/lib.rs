//! giamngheo-app: the use cases that the web app and the command line share, so that each exists once —
//! the forms' models, the report tables, the clock. It takes typed arguments and the acting person
//! explicitly, and returns typed results; the front ends parse their input and render what comes back.

pub mod accounts;
pub mod catalog;
pub mod forecast;
pub mod forms;
pub mod plan;
pub mod reports;
pub mod sync_file;
pub mod sync_http;
mod table;
pub mod units;

/// Today in Vietnam: the one clock of giamngheo (see `giamngheo_store::today`).
pub use giamngheo_store::today;
