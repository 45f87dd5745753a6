//! The classifier: standard + area + income (or income score) + deprivations → class, with the reason.
//!
//! It is a pure function over a few integers, so the CSV reader can call it tens of millions of times a
//! second; the explanation is a separate step that writes into a buffer the caller owns.

use crate::facts::HouseholdFacts;
use crate::standard::{CombiningRule, Sourced, Standard};
use crate::{Area, Class, Lang, vi_format};

/// The set of indicators a household is deprived on: bit `i` is the standard's indicator `i`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DeprivationSet(pub u32);

impl DeprivationSet {
    pub fn count(self) -> u32 {
        self.0.count_ones()
    }

    pub fn contains(self, i: usize) -> bool {
        self.0 & (1 << i) != 0
    }

    pub fn insert(&mut self, i: usize) {
        self.0 |= 1 << i;
    }

    pub fn iter(self) -> impl Iterator<Item = usize> {
        (0..32).filter(move |i| self.contains(*i))
    }
}

/// What the household's means were measured by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Income {
    /// Per-capita income, đồng per person per month.
    Vnd(i64),
    /// The income score of the review form (proxy-means points).
    Score(u32),
}

impl Income {
    fn amount(self) -> i64 {
        match self {
            Income::Vnd(v) => v,
            Income::Score(s) => i64::from(s),
        }
    }
}

/// Which line decided, in the terms the explanation names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// Two-tier: at or below the poverty line, poor whatever the deprivations.
    AtOrBelowPoverty,
    /// Two-tier: above the poverty line, at or below the near-poverty line; deprivations decided.
    NearPovertyBand,
    /// Single-tier: at or below the line; deprivations decided.
    AtOrBelowLine,
    /// Above the poverty (or near-poverty) line and at or below the middle-income ceiling.
    MiddleBand,
    /// Above every line the standard has for this measure.
    AboveLines,
}

/// The result of classifying one household.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub class: Class,
    pub basis: Basis,
    pub area: Area,
    pub income: Income,
    pub deprivations: DeprivationSet,
}

/// Classification in score mode was asked of a standard that has no score lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoScoreLines {
    pub standard: String,
}

#[derive(Clone, Copy, Debug)]
struct Lines {
    poverty: i64,
    near: Option<i64>,
    middle: Option<i64>,
}

/// A standard prepared for fast classification and explanation.
#[derive(Clone, Debug)]
pub struct Classifier {
    standard: Standard,
    income: [Lines; 2],
    score: Option<[Lines; 2]>,
    min_deprivations: u32,
    points_per_deprivation: u32,
    deprivation_threshold: u32,
}

impl Classifier {
    pub fn new(standard: Standard) -> Classifier {
        let lines = |l: &crate::standard::IncomeLines| Lines {
            poverty: l.poverty.value.get(),
            near: l.near_poverty.as_ref().map(|v| v.value.get()),
            middle: l.middle_income.as_ref().map(|v| v.value.get()),
        };
        let income = [lines(&standard.income[0]), lines(&standard.income[1])];
        let score = standard.score.as_ref().map(|s| {
            s.lines.clone().map(|l| Lines {
                poverty: i64::from(l.poverty.value),
                near: l.near_poverty.map(|v| i64::from(v.value)),
                middle: None,
            })
        });
        let (points_per_deprivation, deprivation_threshold) = standard
            .score
            .as_ref()
            .map(|s| {
                (
                    s.points_per_deprivation.value,
                    s.deprivation_threshold.value,
                )
            })
            .unwrap_or((10, 10 * standard.min_deprivations.value));
        Classifier {
            min_deprivations: standard.min_deprivations.value,
            income,
            score,
            points_per_deprivation,
            deprivation_threshold,
            standard,
        }
    }

    pub fn standard(&self) -> &Standard {
        &self.standard
    }

    pub fn has_score_lines(&self) -> bool {
        self.score.is_some()
    }

    /// Whether the count of deprivations makes the household "deprived" under the combining rule. In score
    /// mode the comparison is made in points, as on the review form.
    fn deprived_enough(&self, income: Income, d: DeprivationSet) -> bool {
        match income {
            Income::Vnd(_) => d.count() >= self.min_deprivations,
            Income::Score(_) => {
                d.count() * self.points_per_deprivation >= self.deprivation_threshold
            }
        }
    }

    /// Classifies one household. Lines are inclusive: income equal to a line is at the line.
    pub fn classify(
        &self,
        area: Area,
        income: Income,
        deprivations: DeprivationSet,
    ) -> Result<Outcome, NoScoreLines> {
        let lines = match income {
            Income::Vnd(_) => self.income[area.index()],
            Income::Score(_) => match &self.score {
                Some(s) => s[area.index()],
                None => {
                    return Err(NoScoreLines {
                        standard: self.standard.id.clone(),
                    });
                }
            },
        };
        let x = income.amount();
        let deprived = self.deprived_enough(income, deprivations);
        let by_deprivation = if deprived {
            Class::Poor
        } else {
            Class::NearPoor
        };
        let (class, basis) = match self.standard.combining.value {
            CombiningRule::TwoTier if x <= lines.poverty => (Class::Poor, Basis::AtOrBelowPoverty),
            CombiningRule::TwoTier if lines.near.is_some_and(|n| x <= n) => {
                (by_deprivation, Basis::NearPovertyBand)
            }
            CombiningRule::SingleTier if x <= lines.poverty => {
                (by_deprivation, Basis::AtOrBelowLine)
            }
            _ if lines.middle.is_some_and(|m| x <= m) => (Class::MiddleIncome, Basis::MiddleBand),
            _ => (Class::NotPoor, Basis::AboveLines),
        };
        Ok(Outcome {
            class,
            basis,
            area,
            income,
            deprivations,
        })
    }

    /// The indicators a household is deprived on, by the rules of the standard.
    pub fn deprivations(&self, facts: &HouseholdFacts) -> DeprivationSet {
        let mut d = DeprivationSet::default();
        for (i, ind) in self.standard.indicators.iter().enumerate() {
            if ind.rule.deprived(facts) {
                d.insert(i);
            }
        }
        d
    }

    /// Writes the short explanation of an outcome: the measure, the line that decided and, where the count of
    /// deprivations decided, the indicators. Unverified values are marked where they are used.
    pub fn write_reason(&self, o: &Outcome, lang: Lang, out: &mut String) {
        let std = &self.standard;
        let score_mode = matches!(o.income, Income::Score(_));
        let area = o.area;
        let l = std.lines(area);
        let (poverty, near, middle): (Line, Option<Line>, Option<Line>) =
            if let Some(s) = std.score.as_ref().filter(|_| score_mode) {
                let sl = &s.lines[area.index()];
                (
                    Line::score(&sl.poverty),
                    sl.near_poverty.as_ref().map(Line::score),
                    None,
                )
            } else {
                (
                    Line::money(&l.poverty),
                    l.near_poverty.as_ref().map(Line::money),
                    l.middle_income.as_ref().map(Line::money),
                )
            };
        let area_name = match lang {
            Lang::Vi => area.name_vi(),
            Lang::En => area.code(),
        };
        // The measure of this household.
        match o.income {
            Income::Vnd(v) => {
                out.push_str(lang.pick("thu nhập ", "income "));
                push_money(out, v, lang);
            }
            Income::Score(s) => {
                out.push_str(lang.pick("điểm thu nhập ", "income score "));
                vi_format::push_int(out, i64::from(s), lang);
            }
        }
        let line_name = |which: LineName| -> &'static str {
            match (which, score_mode, lang) {
                (LineName::Poverty, false, Lang::Vi) => "chuẩn nghèo",
                (LineName::Poverty, false, Lang::En) => "poverty line",
                (LineName::Poverty, true, Lang::Vi) => "ngưỡng điểm nghèo",
                (LineName::Poverty, true, Lang::En) => "poverty score line",
                (LineName::Near, false, Lang::Vi) => "chuẩn cận nghèo",
                (LineName::Near, false, Lang::En) => "near-poverty line",
                (LineName::Near, true, Lang::Vi) => "ngưỡng điểm cận nghèo",
                (LineName::Near, true, Lang::En) => "near-poverty score line",
                (LineName::Middle, _, Lang::Vi) => "mức sống trung bình",
                (LineName::Middle, _, Lang::En) => "middle-income ceiling",
            }
        };
        let push_line = |out: &mut String, rel: &str, which: LineName, line: &Line| {
            out.push_str(rel);
            out.push_str(line_name(which));
            out.push(' ');
            out.push_str(area_name);
            out.push(' ');
            if score_mode {
                vi_format::push_int(out, line.value, lang);
            } else {
                push_money(out, line.value, lang);
            }
            if !line.verified {
                out.push_str(lang.pick(" (chưa xác minh)", " (unverified)"));
            }
        };
        let le = " ≤ ";
        let above = lang.pick(" > ", " > ");
        match o.basis {
            Basis::AtOrBelowPoverty => {
                push_line(out, le, LineName::Poverty, &poverty);
                return;
            }
            Basis::NearPovertyBand => {
                push_line(out, above, LineName::Poverty, &poverty);
                if let Some(n) = &near {
                    push_line(out, le, LineName::Near, n);
                }
            }
            Basis::AtOrBelowLine => push_line(out, le, LineName::Poverty, &poverty),
            Basis::MiddleBand => {
                match &near {
                    Some(n) => push_line(out, above, LineName::Near, n),
                    None => push_line(out, above, LineName::Poverty, &poverty),
                }
                if let Some(m) = &middle {
                    push_line(out, le, LineName::Middle, m);
                }
                return;
            }
            Basis::AboveLines => {
                match (&middle, &near) {
                    (Some(m), _) => push_line(out, above, LineName::Middle, m),
                    (None, Some(n)) => push_line(out, above, LineName::Near, n),
                    (None, None) => push_line(out, above, LineName::Poverty, &poverty),
                }
                return;
            }
        }
        // The count of deprivations decided between poor and near-poor.
        let n = o.deprivations.count();
        let deprived = o.class == Class::Poor;
        out.push_str("; ");
        if score_mode {
            out.push_str(lang.pick("điểm thiếu hụt ", "deprivation score "));
            vi_format::push_int(out, i64::from(n * self.points_per_deprivation), lang);
            out.push_str(if deprived { " ≥ " } else { " < " });
            vi_format::push_int(out, i64::from(self.deprivation_threshold), lang);
        } else {
            out.push_str(lang.pick("thiếu hụt ", "deprived on "));
            vi_format::push_int(out, i64::from(n), lang);
            out.push_str(if deprived { " ≥ " } else { " < " });
            vi_format::push_int(out, i64::from(self.min_deprivations), lang);
            out.push_str(lang.pick(" chỉ số", " indicators"));
        }
        if n > 0 {
            out.push_str(": ");
            for (k, i) in o.deprivations.iter().enumerate() {
                if k > 0 {
                    out.push_str(", ");
                }
                match std.indicators.get(i) {
                    Some(ind) => out.push_str(ind.name(lang)),
                    None => out.push('?'),
                }
            }
        }
    }

    /// The explanation as a new string.
    pub fn reason(&self, o: &Outcome, lang: Lang) -> String {
        let mut s = String::with_capacity(96);
        self.write_reason(o, lang, &mut s);
        s
    }
}

#[derive(Clone, Copy)]
enum LineName {
    Poverty,
    Near,
    Middle,
}

struct Line {
    value: i64,
    verified: bool,
}

impl Line {
    fn money(s: &Sourced<crate::Vnd>) -> Line {
        Line {
            value: s.value.get(),
            verified: s.verified,
        }
    }

    fn score(s: &Sourced<u32>) -> Line {
        Line {
            value: i64::from(s.value),
            verified: s.verified,
        }
    }
}

fn push_money(out: &mut String, v: i64, lang: Lang) {
    match lang {
        Lang::Vi => {
            vi_format::push_int(out, v, lang);
            out.push_str(" đ");
        }
        Lang::En => {
            out.push_str("VND ");
            vi_format::push_int(out, v, lang);
        }
    }
}
