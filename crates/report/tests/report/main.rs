//! Report output: tables, charts and PDFs, checked as text snapshots.

mod chart;
mod pdf;
mod table;
