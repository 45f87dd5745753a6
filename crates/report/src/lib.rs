//! Report output shared by the command line, the web app and the PDFs: a table model written to CSV, XLSX
//! and PDF, and a chart model rendered to SVG. No database here: callers fill the models.

pub mod bundle;
pub mod chart;
pub mod fonts;
pub mod forms;
pub mod pdf;
pub mod table;
