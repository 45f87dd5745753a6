//! The core's one integration-test binary: every module's tests, as tables of cases.

mod audit;
mod boundaries;
mod calendar;
mod forecast;
mod graduation;
mod legal_data;
mod mpi;
mod properties;
mod rounds;
mod rules;
mod score_tables;
mod standards;
mod text;
mod transitions;
mod trend;
mod units;
