//! The formats crate's one integration-test binary.

mod classify_csv;
mod households;
mod indicator_csv;
mod targets;
