//! The formats crate's one integration-test binary.

mod blocks;
mod classify_csv;
mod corpus;
mod fuzz;
mod hostile;
mod households;
mod indicator_csv;
mod targets;
