//! From TOML text to a checked [`Standard`]: parse, merge a provincial file onto the national one it
//! extends, then check every invariant the classifier relies on.

use super::schema::{self, File, OneOrMany};
use super::*;
use crate::rules::{Rule, RuleError};
use crate::text::nfc;

/// A standard file that cannot be used, naming the file and the field.
#[derive(Clone, Debug, PartialEq)]
pub struct StandardError {
    /// The file name or built-in id the text came from.
    pub origin: String,
    pub kind: StandardErrorKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StandardErrorKind {
    /// The TOML does not parse or does not have the expected shape (the message is the parser's, in English).
    Syntax(String),
    /// `extends` names a standard that is not built in.
    UnknownBase(String),
    /// A value breaks a rule of standards: `field` is its path, `problem` says which rule.
    Invalid { field: String, problem: Problem },
    /// An indicator's rule does not parse.
    Rule {
        indicator: String,
        error: Box<RuleError>,
    },
    /// No built-in standard has this id.
    UnknownId { id: String, known: Vec<String> },
    /// No built-in standard governs this review year.
    NoStandardForYear(u16),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    NotPositive,
    NotAbove {
        other: String,
    },
    MissingForTwoTier,
    NotAllowedForSingleTier,
    UnknownCombining(String),
    Duplicate(String),
    UnknownDimension(String),
    TooManyIndicators,
    NoIndicators,
    BadId,
    YearsReversed,
    /// `same_as` is not `standard:indicator` of another standard.
    BadSameAs(String),
}

impl Standard {
    /// Reads a standard from the text of a TOML file. `origin` names the file in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Standard, StandardError> {
        let err = |kind| StandardError {
            origin: origin.to_owned(),
            kind,
        };
        let mut value: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| err(StandardErrorKind::Syntax(e.to_string())))?;
        if let Some(base) = value
            .get("extends")
            .and_then(|v| v.as_str())
            .map(str::to_owned)
        {
            let base_text = builtin::source(&base)
                .ok_or_else(|| err(StandardErrorKind::UnknownBase(base.clone())))?;
            let mut merged: toml::Table = base_text
                .parse()
                .map_err(|e: toml::de::Error| err(StandardErrorKind::Syntax(e.to_string())))?;
            merge(&mut merged, value);
            value = merged;
        }
        let file: File = value
            .try_into()
            .map_err(|e: toml::de::Error| err(StandardErrorKind::Syntax(e.to_string())))?;
        check(file).map_err(err)
    }
}

/// Tables merge key by key; anything else (numbers, strings, arrays such as `indicators`) is replaced whole.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

fn invalid(field: impl Into<String>, problem: Problem) -> StandardErrorKind {
    StandardErrorKind::Invalid {
        field: field.into(),
        problem,
    }
}

fn sourced<T, U>(v: schema::Value<T>, f: impl FnOnce(T) -> U) -> Sourced<U> {
    Sourced {
        value: f(v.value),
        verified: v.verified,
        source: nfc(&v.source),
    }
}

fn money(v: schema::Value<i64>, field: &str) -> Result<Sourced<Vnd>, StandardErrorKind> {
    if v.value <= 0 {
        return Err(invalid(field, Problem::NotPositive));
    }
    let amount = Vnd::new(v.value).map_err(|_| invalid(field, Problem::NotPositive))?;
    Ok(sourced(v, |_| amount))
}

fn check_id(id: &str, field: &str) -> Result<(), StandardErrorKind> {
    let ok = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        && id.as_bytes()[0].is_ascii_lowercase();
    if ok {
        Ok(())
    } else {
        Err(invalid(field, Problem::BadId))
    }
}

/// A near-poverty line is required by the two-tier rule and not allowed by the single-tier one; `field`
/// names it in the error (built only when there is one).
fn near_poverty_fits(
    combining: CombiningRule,
    present: bool,
    field: impl FnOnce() -> String,
) -> Result<(), StandardErrorKind> {
    match (combining, present) {
        (CombiningRule::TwoTier, false) => Err(invalid(field(), Problem::MissingForTwoTier)),
        (CombiningRule::SingleTier, true) => {
            Err(invalid(field(), Problem::NotAllowedForSingleTier))
        }
        _ => Ok(()),
    }
}

/// The id of the `i`th entry of `list` (`dimensions`, `indicators`): well formed, and not one of `taken`.
fn check_new_id<'a>(
    id: &str,
    list: &str,
    i: usize,
    mut taken: impl Iterator<Item = &'a str>,
) -> Result<(), StandardErrorKind> {
    let field = format!("{list}[{i}].id");
    check_id(id, &field)?;
    if taken.any(|t| t == id) {
        return Err(invalid(field, Problem::Duplicate(id.to_owned())));
    }
    Ok(())
}

/// The ids of a whole list, in order, each checked by [`check_new_id`] against those before it.
fn check_ids(list: &str, ids: &[&str]) -> Result<(), StandardErrorKind> {
    for (i, id) in ids.iter().enumerate() {
        check_new_id(id, list, i, ids[..i].iter().copied())?;
    }
    Ok(())
}

fn check(f: File) -> Result<Standard, StandardErrorKind> {
    check_id(&f.id, "id")?;
    let combining = match f.combining.value.as_str() {
        "two_tier" => CombiningRule::TwoTier,
        "single_tier" => CombiningRule::SingleTier,
        other => {
            return Err(invalid(
                "combining",
                Problem::UnknownCombining(other.to_owned()),
            ));
        }
    };
    if f.min_deprivations.value == 0 {
        return Err(invalid("min_deprivations", Problem::NotPositive));
    }
    if f.years.first > f.years.last {
        return Err(invalid("years", Problem::YearsReversed));
    }

    let mut income = Vec::with_capacity(2);
    for (area, raw) in [("rural", f.income.rural), ("urban", f.income.urban)] {
        let at = |k: &str| format!("income.{area}.{k}");
        let poverty = money(raw.poverty, &at("poverty"))?;
        let near_poverty = raw
            .near_poverty
            .map(|v| money(v, &at("near_poverty")))
            .transpose()?;
        let middle_income = raw
            .middle_income
            .map(|v| money(v, &at("middle_income")))
            .transpose()?;
        near_poverty_fits(combining, near_poverty.is_some(), || at("near_poverty"))?;
        let mut below = ("poverty", poverty.value);
        for (name, line) in [
            ("near_poverty", &near_poverty),
            ("middle_income", &middle_income),
        ] {
            if let Some(line) = line {
                if line.value <= below.1 {
                    return Err(invalid(at(name), Problem::NotAbove { other: at(below.0) }));
                }
                below = (name, line.value);
            }
        }
        income.push(IncomeLines {
            poverty,
            near_poverty,
            middle_income,
        });
    }
    let income: [IncomeLines; 2] = income
        .try_into()
        .map_err(|_| invalid("income", Problem::NotPositive))?;

    let score = match f.score {
        None => None,
        Some(s) => {
            if s.points_per_deprivation.value == 0 {
                return Err(invalid(
                    "score.points_per_deprivation",
                    Problem::NotPositive,
                ));
            }
            let mut lines = Vec::with_capacity(2);
            for (area, raw) in [("rural", s.rural), ("urban", s.urban)] {
                let at = |k: &str| format!("score.{area}.{k}");
                near_poverty_fits(combining, raw.near_poverty.is_some(), || at("near_poverty"))?;
                if let Some(near) = &raw.near_poverty
                    && near.value <= raw.poverty.value
                {
                    return Err(invalid(
                        at("near_poverty"),
                        Problem::NotAbove {
                            other: at("poverty"),
                        },
                    ));
                }
                lines.push(ScoreLines {
                    poverty: sourced(raw.poverty, |v| v),
                    near_poverty: raw.near_poverty.map(|v| sourced(v, |v| v)),
                });
            }
            Some(ScoreRules {
                points_per_deprivation: sourced(s.points_per_deprivation, |v| v),
                deprivation_threshold: sourced(s.deprivation_threshold, |v| v),
                lines: lines
                    .try_into()
                    .map_err(|_| invalid("score", Problem::NotPositive))?,
            })
        }
    };

    let ids: Vec<&str> = f.dimensions.iter().map(|d| d.id.as_str()).collect();
    check_ids("dimensions", &ids)?;
    let dimensions: Vec<Dimension> = f
        .dimensions
        .into_iter()
        .map(|d| Dimension {
            id: d.id,
            name_vi: nfc(&d.name_vi),
            name_en: d.name_en,
        })
        .collect();

    if f.indicators.is_empty() {
        return Err(invalid("indicators", Problem::NoIndicators));
    }
    if f.indicators.len() > 32 {
        return Err(invalid("indicators", Problem::TooManyIndicators));
    }
    let mut indicators: Vec<Indicator> = Vec::with_capacity(f.indicators.len());
    for (i, ind) in f.indicators.into_iter().enumerate() {
        check_new_id(
            &ind.id,
            "indicators",
            i,
            indicators.iter().map(|x| x.id.as_str()),
        )?;
        if !dimensions.iter().any(|d| d.id == ind.dimension) {
            return Err(invalid(
                format!("indicators.{}.dimension", ind.id),
                Problem::UnknownDimension(ind.dimension),
            ));
        }
        let lines = match ind.rule {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        };
        let same_as = match ind.same_as {
            None => None,
            Some(text) => {
                let field = format!("indicators.{}.same_as", ind.id);
                match IndicatorRef::parse(&text) {
                    Some(r) if r.standard != f.id => Some(r),
                    _ => return Err(invalid(field, Problem::BadSameAs(text))),
                }
            }
        };
        let rule = Rule::parse(&lines).map_err(|error| StandardErrorKind::Rule {
            indicator: ind.id.clone(),
            error: Box::new(error),
        })?;
        indicators.push(Indicator {
            id: ind.id,
            dimension: ind.dimension,
            short_vi: nfc(ind.short_vi.as_deref().unwrap_or(&ind.name_vi)),
            short_en: ind.short_en.unwrap_or_else(|| ind.name_en.clone()),
            name_vi: nfc(&ind.name_vi),
            name_en: ind.name_en,
            deprived_vi: nfc(&ind.deprived_vi),
            deprived_en: ind.deprived_en,
            rule,
            same_as,
            verified: ind.verified,
            source: nfc(&ind.source),
        });
    }

    Ok(Standard {
        id: f.id,
        name_vi: nfc(&f.name_vi),
        name_en: f.name_en,
        extends: f.extends,
        instrument: Instrument {
            code: nfc(&f.instrument.code),
            name_vi: nfc(&f.instrument.name_vi),
            source: nfc(&f.instrument.source),
            ..f.instrument
        },
        years: Sourced {
            value: (f.years.first, f.years.last),
            verified: f.years.verified,
            source: nfc(&f.years.source),
        },
        early_reviews: f.years.early_reviews,
        combining: sourced(f.combining, |_| combining),
        min_deprivations: sourced(f.min_deprivations, |v| v),
        income,
        score,
        dimensions,
        indicators,
    })
}
