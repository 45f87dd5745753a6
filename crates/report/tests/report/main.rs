//! Report output: tables, charts and PDFs, checked as text snapshots.

mod table;
