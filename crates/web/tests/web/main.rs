//! The web suite: the real router over a fresh demo registry (SQLite, or PostgreSQL with
//! `GIAMNGHEO_WEB_TEST_BACKEND=postgres`) with an account of every role.
//! `routes` is the table of who may open what, in and out of their units; `security` the attacks;
//! `pages` what the pages say.

mod browser;
#[path = "../../../formats/tests/formats/corpus.rs"]
mod corpus;
mod forms;
mod harness;
mod hostile;
mod inbox;
mod pages;
mod reports_page;
mod round_page;
mod routes;
mod scope;
mod security;
mod takeover;
mod trust;
mod views;
mod words;

/// Runs an async test body on a runtime with blocking threads, as the server does.
pub fn run<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}
