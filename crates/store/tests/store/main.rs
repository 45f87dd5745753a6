//! The store suite: every test runs on SQLite and on PostgreSQL (127.0.0.1:5432, database `test`, one schema
//! per test, dropped afterwards). Set GIAMNGHEO_TEST_PG to use another server.

mod analytics;
mod audit;
mod concurrency;
mod harness;
mod households;
mod reviews;
mod rounds;
mod scope;
mod sync;
mod trust;
mod units;
mod web;
