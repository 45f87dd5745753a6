//! Poverty standards as data: the legal lines, thresholds, indicators and rules of one period, each value with
//! its source and whether it is verified.
//!
//! A standard is read from a TOML file ([`schema`]) and checked once, on load, into a [`Standard`] that cannot
//! be inconsistent: lines ordered, indicators unique and at most 32, every rule parsed. The national standards
//! are built in ([`builtin`]); a province's standard is a file that may `extends` a national one.

pub mod builtin;
mod load;
mod schema;

pub use load::StandardError;
pub use load::{Problem, StandardErrorKind};

use crate::rules::Rule;
use crate::{Area, Lang, Vnd};

/// A legal value with where it comes from and whether its text was read in a legal source.
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sourced<T> {
    pub value: T,
    pub verified: bool,
    pub source: String,
}

impl<T> Sourced<T> {
    /// Whether the value is verified, and where it comes from.
    pub fn provenance(&self) -> (bool, &str) {
        (self.verified, &self.source)
    }
}

/// How income and the count of deprivations combine into a class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CombiningRule {
    /// 2016-2020: income at or below the poverty line is poor whatever the deprivations; between the poverty
    /// and near-poverty lines the count of deprivations decides between poor and near-poor.
    TwoTier,
    /// 2022 onward: at or below the one line, the count of deprivations decides between poor and near-poor.
    SingleTier,
}

impl CombiningRule {
    pub fn code(self) -> &'static str {
        match self {
            CombiningRule::TwoTier => "two_tier",
            CombiningRule::SingleTier => "single_tier",
        }
    }
}

/// The income lines of one area, in đồng per person per month, all inclusive ("từ … trở xuống").
#[derive(Clone, Debug, PartialEq)]
pub struct IncomeLines {
    pub poverty: Sourced<Vnd>,
    /// Only two-tier standards have a separate near-poverty line.
    pub near_poverty: Option<Sourced<Vnd>>,
    /// The ceiling of the middle-income band, where known.
    pub middle_income: Option<Sourced<Vnd>>,
}

/// The income score (proxy-means points) lines of one area, used when the review scores instead of measuring.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoreLines {
    pub poverty: Sourced<u32>,
    pub near_poverty: Option<Sourced<u32>>,
}

/// The scoring used by the review forms: points per deprived indicator and the deprivation cut-off in points.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoreRules {
    pub points_per_deprivation: Sourced<u32>,
    pub deprivation_threshold: Sourced<u32>,
    pub lines: [ScoreLines; 2],
}

/// The survey instrument (the forms' circular). The standard file's `[instrument]` table reads straight into it.
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub signed: String,
    pub verified: bool,
    pub source: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Dimension {
    pub id: String,
    pub name_vi: String,
    pub name_en: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Indicator {
    pub id: String,
    pub dimension: String,
    pub name_vi: String,
    pub name_en: String,
    /// Short names for explanations and table headers ("BHYT"); the full name where none is given.
    pub short_vi: String,
    pub short_en: String,
    /// The legal definition of "deprived", as text for people.
    pub deprived_vi: String,
    pub deprived_en: String,
    /// The same definition as a rule over household facts.
    pub rule: Rule,
    /// The indicator of another standard that this one continues (`same_as = "vn-2022-2025:telecom"` in the
    /// file): a deprivation recorded under that one counts for this one. `None`: the indicator is new in this
    /// standard, and a household reviewed under an earlier standard has no answer for it.
    pub same_as: Option<IndicatorRef>,
    pub verified: bool,
    pub source: String,
}

/// An indicator of a named standard, written `standard:indicator`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IndicatorRef {
    pub standard: String,
    pub indicator: String,
}

impl IndicatorRef {
    /// Reads `standard:indicator`; `None` unless both parts are well-formed ids.
    pub fn parse(text: &str) -> Option<IndicatorRef> {
        let (standard, indicator) = text.split_once(':')?;
        let id = |s: &str| {
            s.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        };
        (id(standard) && id(indicator)).then(|| IndicatorRef {
            standard: standard.to_owned(),
            indicator: indicator.to_owned(),
        })
    }
}

impl std::fmt::Display for IndicatorRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.standard, self.indicator)
    }
}

impl Indicator {
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_vi, &self.name_en)
    }

    pub fn short_name(&self, lang: Lang) -> &str {
        lang.pick(&self.short_vi, &self.short_en)
    }
}

/// One poverty standard, checked and ready to classify with.
#[derive(Clone, Debug, PartialEq)]
pub struct Standard {
    pub id: String,
    pub name_vi: String,
    pub name_en: String,
    /// The national standard a provincial one extends, if any.
    pub extends: Option<String>,
    pub instrument: Instrument,
    /// The review years this standard governs, inclusive.
    pub years: Sourced<(u16, u16)>,
    /// Earlier reviews held under this standard before its period began (the first multidimensional review at
    /// the end of 2015 set the 2016 lists).
    pub early_reviews: Vec<u16>,
    pub combining: Sourced<CombiningRule>,
    /// Deprived on at least this many indicators counts as "deprived" for the combining rule.
    pub min_deprivations: Sourced<u32>,
    pub income: [IncomeLines; 2],
    pub score: Option<ScoreRules>,
    pub dimensions: Vec<Dimension>,
    pub indicators: Vec<Indicator>,
}

/// One value of a standard that is not verified, for warnings and `standards show`.
#[derive(Clone, Debug, PartialEq)]
pub struct Unverified {
    /// Where the value sits, e.g. `income.rural.middle_income`.
    pub path: String,
    pub source: String,
}

impl Standard {
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_vi, &self.name_en)
    }

    pub fn lines(&self, area: Area) -> &IncomeLines {
        &self.income[area.index()]
    }

    pub fn governs(&self, year: u16) -> bool {
        let (first, last) = self.years.value;
        (first..=last).contains(&year) || self.early_reviews.contains(&year)
    }

    pub fn indicator(&self, id: &str) -> Option<(usize, &Indicator)> {
        self.indicators.iter().enumerate().find(|(_, i)| i.id == id)
    }

    /// Whether this standard is `id` or extends it (a provincial standard answers for its national base).
    pub fn is_or_extends(&self, id: &str) -> bool {
        self.id == id || self.extends.as_deref() == Some(id)
    }

    /// This standard's indicators that continue one of `earlier`'s, each with that one's position and id:
    /// a deprivation recorded under `earlier` answers them.
    pub fn shared_with<'a>(
        &'a self,
        earlier: &'a Standard,
    ) -> Vec<(&'a Indicator, usize, &'a str)> {
        self.indicators
            .iter()
            .filter_map(|i| {
                let r = i.same_as.as_ref()?;
                if !earlier.is_or_extends(&r.standard) {
                    return None;
                }
                let (at, e) = earlier.indicator(&r.indicator)?;
                Some((i, at, e.id.as_str()))
            })
            .collect()
    }

    /// This standard's indicators that no indicator of `earlier` answers: a household last reviewed under
    /// `earlier` was never asked about them.
    pub fn added_since<'a>(&'a self, earlier: &Standard) -> Vec<&'a Indicator> {
        let shared = self.shared_with(earlier);
        self.indicators
            .iter()
            .filter(|i| !shared.iter().any(|(s, _, _)| s.id == i.id))
            .collect()
    }

    /// `earlier`'s indicators that no indicator of this standard continues (dropped, or replaced by a new one).
    pub fn not_continued<'a>(&self, earlier: &'a Standard) -> Vec<&'a Indicator> {
        let shared = self.shared_with(earlier);
        earlier
            .indicators
            .iter()
            .filter(|e| !shared.iter().any(|(_, _, id)| *id == e.id))
            .collect()
    }

    /// The unverified values a classification from given deprivation flags relies on: every one but the
    /// indicator definitions (the flags are given, so the rules are not applied). What `classify` warns about.
    pub fn unverified_for_flags(&self) -> Vec<Unverified> {
        self.unverified()
            .into_iter()
            .filter(|u| !u.path.starts_with("indicators."))
            .collect()
    }

    /// Where an unverified value sits, in words for an officer ("chuẩn nghèo thu nhập, nông thôn", the
    /// indicator's name) rather than its path in the standard's file.
    pub fn value_name(&self, path: &str, lang: Lang) -> String {
        let area = |a: &str| {
            Area::ALL
                .into_iter()
                .find(|x| x.code() == a)
                .map_or(a.to_owned(), |x| x.name(lang).to_lowercase())
        };
        let line = |l: &str| -> String {
            match l {
                "poverty" => lang.pick("chuẩn nghèo", "poverty line"),
                "near_poverty" => lang.pick("chuẩn cận nghèo", "near-poverty line"),
                "middle_income" => lang.pick("mức sống trung bình", "middle-income line"),
                _ => l,
            }
            .to_owned()
        };
        let parts: Vec<&str> = path.split('.').collect();
        match parts.as_slice() {
            ["instrument"] => lang
                .pick("văn bản ban hành", "the legal instrument")
                .to_owned(),
            ["years"] => lang
                .pick("thời gian áp dụng", "the years it applies")
                .to_owned(),
            ["combining"] => lang
                .pick(
                    "cách kết hợp thu nhập và thiếu hụt",
                    "how income and deprivations combine",
                )
                .to_owned(),
            ["min_deprivations"] => lang
                .pick(
                    "số chỉ số thiếu hụt tối thiểu",
                    "the minimum count of deprivations",
                )
                .to_owned(),
            [by @ ("income" | "score"), a, l] => {
                let by = match *by {
                    "income" => lang.pick("theo thu nhập", "by income"),
                    _ => lang.pick("theo điểm", "by score"),
                };
                format!("{} {by} ({})", line(l), area(a))
            }
            ["score", "points_per_deprivation"] => lang
                .pick("điểm cho mỗi chỉ số thiếu hụt", "points per deprivation")
                .to_owned(),
            ["score", "deprivation_threshold"] => lang
                .pick(
                    "ngưỡng điểm thiếu hụt",
                    "the deprivation threshold in points",
                )
                .to_owned(),
            ["indicators", id] => match self.indicator(id) {
                Some((_, i)) => format!(
                    "{} “{}”",
                    lang.pick("chỉ số", "indicator"),
                    lang.pick(&i.name_vi, &i.name_en)
                ),
                None => (*id).to_owned(),
            },
            _ => path.to_owned(),
        }
    }

    /// Every value of the standard that is not verified, in file order.
    pub fn unverified(&self) -> Vec<Unverified> {
        let mut out = Vec::new();
        let mut note = |path: String, (verified, source): (bool, &str)| {
            if !verified {
                out.push(Unverified {
                    path,
                    source: source.to_owned(),
                });
            }
        };
        let instrument = &self.instrument;
        note(
            "instrument".into(),
            (instrument.verified, &instrument.source),
        );
        note("years".into(), self.years.provenance());
        note("combining".into(), self.combining.provenance());
        note(
            "min_deprivations".into(),
            self.min_deprivations.provenance(),
        );
        for area in Area::ALL {
            let l = self.lines(area);
            let a = area.code();
            let lines = [
                ("poverty", Some(&l.poverty)),
                ("near_poverty", l.near_poverty.as_ref()),
                ("middle_income", l.middle_income.as_ref()),
            ];
            for (name, v) in lines {
                if let Some(v) = v {
                    note(format!("income.{a}.{name}"), v.provenance());
                }
            }
        }
        if let Some(s) = &self.score {
            let points = s.points_per_deprivation.provenance();
            note("score.points_per_deprivation".into(), points);
            let threshold = s.deprivation_threshold.provenance();
            note("score.deprivation_threshold".into(), threshold);
            for area in Area::ALL {
                let l = &s.lines[area.index()];
                let a = area.code();
                note(format!("score.{a}.poverty"), l.poverty.provenance());
                if let Some(v) = &l.near_poverty {
                    note(format!("score.{a}.near_poverty"), v.provenance());
                }
            }
        }
        for i in &self.indicators {
            note(format!("indicators.{}", i.id), (i.verified, &i.source));
        }
        out
    }
}
