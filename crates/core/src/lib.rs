//! The pure domain core of giamngheo.
//!
//! Poverty standards are data ([`standard`]); the classifier ([`classify`]) is a pure function of a standard,
//! an area, an income (or income score) and a set of deprivations, and it explains itself. Household survey
//! answers ([`facts`]) are turned into deprivations by rules written in the standard file ([`rules`]).
//!
//! Nothing here does IO, spawns threads or allocates more than the answer needs: every other crate depends on
//! this one, and it must stay cheap to build and impossible to misuse.

pub mod area;
pub mod audit;
pub mod calendar;
pub mod class;
pub mod classify;
pub mod complaint;
pub mod date;
pub mod facts;
pub mod feedback;
pub mod forecast;
pub mod graduation;
pub mod ids;
pub mod lang;
pub mod messages;
pub mod money;
pub mod mpi;
pub mod password;
pub mod registry;
pub mod round;
pub mod rules;
pub mod score_table;
pub mod standard;
pub mod sync;
pub mod text;
pub mod transition;
pub mod trend;
pub mod units;
pub mod vi_format;

pub use area::Area;
pub use class::Class;
pub use classify::{Basis, Classifier, DeprivationSet, Income, Outcome};
pub use lang::Lang;
pub use money::Vnd;
pub use standard::{Standard, StandardError};
