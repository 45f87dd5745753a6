//! Report output: tables, charts and PDFs, checked as text snapshots.

mod chart;
mod forms;
mod pdf;
mod table;
