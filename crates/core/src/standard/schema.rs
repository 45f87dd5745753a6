//! The TOML shape of a standard file, exactly as written. [`super::load`] turns it into a checked `Standard`.

use super::Instrument;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct File {
    pub id: String,
    pub name_vi: String,
    pub name_en: String,
    #[serde(default)]
    pub extends: Option<String>,
    pub instrument: Instrument,
    pub years: Years,
    pub combining: Value<String>,
    pub min_deprivations: Value<u32>,
    pub income: PerArea<IncomeLines>,
    #[serde(default)]
    pub score: Option<Score>,
    pub dimensions: Vec<Dimension>,
    pub indicators: Vec<Indicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Years {
    pub first: u16,
    pub last: u16,
    #[serde(default)]
    pub early_reviews: Vec<u16>,
    pub verified: bool,
    pub source: String,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub(super) struct Value<T> {
    pub value: T,
    pub verified: bool,
    pub source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PerArea<T> {
    pub rural: T,
    pub urban: T,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct IncomeLines {
    pub poverty: Value<i64>,
    #[serde(default)]
    pub near_poverty: Option<Value<i64>>,
    #[serde(default)]
    pub middle_income: Option<Value<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Score {
    pub points_per_deprivation: Value<u32>,
    pub deprivation_threshold: Value<u32>,
    pub rural: ScoreLines,
    pub urban: ScoreLines,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ScoreLines {
    pub poverty: Value<u32>,
    #[serde(default)]
    pub near_poverty: Option<Value<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Dimension {
    pub id: String,
    pub name_vi: String,
    pub name_en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Indicator {
    pub id: String,
    pub dimension: String,
    pub name_vi: String,
    pub name_en: String,
    #[serde(default)]
    pub short_vi: Option<String>,
    #[serde(default)]
    pub short_en: Option<String>,
    pub deprived_vi: String,
    pub deprived_en: String,
    pub rule: OneOrMany,
    #[serde(default)]
    pub same_as: Option<String>,
    pub verified: bool,
    pub source: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum OneOrMany {
    One(String),
    Many(Vec<String>),
}
