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
    /// [lang][score mode][area]
    phrases: [[[Phrases; 2]; 2]; 2],
    /// [lang][indicator]
    indicator_names: [Vec<String>; 2],
    words_have_quotes: bool,
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
        let by_area = |lang, score| Area::ALL.map(|a| phrases(&standard, lang, score, a));
        let by_mode = |lang| [by_area(lang, false), by_area(lang, true)];
        let phrases = [by_mode(Lang::Vi), by_mode(Lang::En)];
        let indicator_names: [Vec<String>; 2] = [Lang::Vi, Lang::En].map(|l| {
            standard
                .indicators
                .iter()
                .map(|i| i.short_name(l).to_owned())
                .collect()
        });
        let words_have_quotes = indicator_names.iter().flatten().any(|n| n.contains('"'))
            || phrases.iter().flatten().flatten().any(|p| {
                p.poverty.contains('"')
                    || p.near.as_deref().is_some_and(|n| n.contains('"'))
                    || p.middle.as_deref().is_some_and(|n| n.contains('"'))
            });
        Classifier {
            words_have_quotes,
            phrases,
            indicator_names,
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

    /// The income lines for an area (poverty, near-poverty, middle-income), đồng a person a month.
    pub fn income_lines(&self, area: Area) -> [Option<i64>; 3] {
        let l = self.income[area.index()];
        [Some(l.poverty), l.near, l.middle]
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
    pub fn write_reason<S: ReasonSink + ?Sized>(&self, o: &Outcome, lang: Lang, out: &mut S) {
        self.write_measure(o, lang, out);
        self.write_verdict(o, lang, out);
    }

    /// The first part of the explanation: the household's own measure ("thu nhập 1.200.000 đ").
    pub fn write_measure<S: ReasonSink + ?Sized>(&self, o: &Outcome, lang: Lang, out: &mut S) {
        let words = Words::of(lang);
        let mut buf = [0u8; 32];
        match o.income {
            Income::Vnd(v) => {
                out.put(words.income);
                match lang {
                    Lang::Vi => {
                        out.put_ascii(vi_format::format_ascii(&mut buf, v, lang));
                        out.put(" đ");
                    }
                    Lang::En => {
                        out.put("VND ");
                        out.put_ascii(vi_format::format_ascii(&mut buf, v, lang));
                    }
                }
            }
            Income::Score(sc) => {
                out.put(words.score);
                out.put_ascii(vi_format::format_ascii(&mut buf, i64::from(sc), lang));
            }
        }
    }

    /// The rest of the explanation: the line that decided and, where they decided, the deprivations. It
    /// depends only on [`Self::verdict_key`], so callers writing millions of rows can reuse it.
    pub fn write_verdict<S: ReasonSink + ?Sized>(&self, o: &Outcome, lang: Lang, out: &mut S) {
        let score_mode = matches!(o.income, Income::Score(_));
        let ph = &self.phrases[lang as usize][usize::from(score_mode)][o.area.index()];
        let words = Words::of(lang);
        let mut buf = [0u8; 32];
        match o.basis {
            Basis::AtOrBelowPoverty => {
                out.put(" ≤ ");
                out.put(&ph.poverty);
                return;
            }
            Basis::NearPovertyBand => {
                out.put(" > ");
                out.put(&ph.poverty);
                if let Some(n) = &ph.near {
                    out.put(" ≤ ");
                    out.put(n);
                }
            }
            Basis::AtOrBelowLine => {
                out.put(" ≤ ");
                out.put(&ph.poverty);
            }
            Basis::MiddleBand => {
                out.put(" > ");
                out.put(ph.near.as_deref().unwrap_or(&ph.poverty));
                if let Some(m) = &ph.middle {
                    out.put(" ≤ ");
                    out.put(m);
                }
                return;
            }
            Basis::AboveLines => {
                out.put(" > ");
                out.put(
                    ph.middle
                        .as_deref()
                        .or(ph.near.as_deref())
                        .unwrap_or(&ph.poverty),
                );
                return;
            }
        }
        // The count of deprivations decided between poor and near-poor.
        let n = o.deprivations.count();
        let deprived = o.class == Class::Poor;
        out.put("; ");
        if score_mode {
            out.put(words.deprivation_score);
            out.put_ascii(vi_format::format_ascii(
                &mut buf,
                i64::from(n * self.points_per_deprivation),
                lang,
            ));
            out.put(if deprived { " ≥ " } else { " < " });
            out.put_ascii(vi_format::format_ascii(
                &mut buf,
                i64::from(self.deprivation_threshold),
                lang,
            ));
        } else {
            out.put(words.deprived_on);
            out.put_ascii(vi_format::format_ascii(&mut buf, i64::from(n), lang));
            out.put(if deprived { " ≥ " } else { " < " });
            out.put_ascii(vi_format::format_ascii(
                &mut buf,
                i64::from(self.min_deprivations),
                lang,
            ));
            out.put(words.indicators);
        }
        if n > 0 {
            out.put(": ");
            let names = &self.indicator_names[lang as usize];
            for (k, i) in o.deprivations.iter().enumerate() {
                if k > 0 {
                    out.put(", ");
                }
                out.put(names.get(i).map_or("?", String::as_str));
            }
        }
    }

    /// Everything [`Self::write_verdict`] depends on, as one number.
    pub fn verdict_key(o: &Outcome) -> u64 {
        let deprivations_matter = matches!(o.basis, Basis::NearPovertyBand | Basis::AtOrBelowLine);
        let mask = if deprivations_matter {
            u64::from(o.deprivations.0)
        } else {
            0
        };
        (o.area as u64)
            | (o.basis as u64) << 1
            | (o.class as u64) << 4
            | u64::from(matches!(o.income, Income::Score(_))) << 7
            | mask << 8
    }

    /// The explanation as a new string.
    pub fn reason(&self, o: &Outcome, lang: Lang) -> String {
        let mut s = String::with_capacity(96);
        self.write_reason(o, lang, &mut s);
        s
    }
}

/// Where an explanation is written: a `String`, or a CSV cell being built ([`CsvQuotedSink`]).
pub trait ReasonSink {
    fn put(&mut self, s: &str);
    /// Digits and separators only.
    fn put_ascii(&mut self, b: &[u8]) {
        self.put(std::str::from_utf8(b).unwrap_or_default());
    }
}

impl ReasonSink for String {
    fn put(&mut self, s: &str) {
        self.push_str(s);
    }
}

/// Writes into a quoted CSV field. Quotes are doubled only when the standard's own words contain one (a
/// provincial standard may name an indicator with a quote); numbers never do.
pub struct CsvQuotedSink<'a> {
    out: &'a mut Vec<u8>,
    escape: bool,
}

impl<'a> CsvQuotedSink<'a> {
    pub fn new(out: &'a mut Vec<u8>, classifier: &Classifier) -> CsvQuotedSink<'a> {
        CsvQuotedSink {
            out,
            escape: classifier.words_have_quotes,
        }
    }
}

impl ReasonSink for CsvQuotedSink<'_> {
    #[inline]
    fn put(&mut self, s: &str) {
        if self.escape && s.as_bytes().contains(&b'"') {
            for b in s.bytes() {
                if b == b'"' {
                    self.out.push(b'"');
                }
                self.out.push(b);
            }
        } else {
            self.out.extend_from_slice(s.as_bytes());
        }
    }

    #[inline]
    fn put_ascii(&mut self, b: &[u8]) {
        self.out.extend_from_slice(b);
    }
}

struct Words {
    income: &'static str,
    score: &'static str,
    deprivation_score: &'static str,
    deprived_on: &'static str,
    indicators: &'static str,
}

impl Words {
    fn of(lang: Lang) -> Words {
        match lang {
            Lang::Vi => Words {
                income: "thu nhập ",
                score: "điểm thu nhập ",
                deprivation_score: "điểm thiếu hụt ",
                deprived_on: "thiếu hụt ",
                indicators: " chỉ số",
            },
            Lang::En => Words {
                income: "income ",
                score: "income score ",
                deprivation_score: "deprivation score ",
                deprived_on: "deprived on ",
                indicators: " indicators",
            },
        }
    }
}

/// The lines of one area in one language and measure, written out once: "chuẩn nghèo nông thôn 1.500.000 đ".
#[derive(Clone, Debug, Default)]
struct Phrases {
    poverty: String,
    near: Option<String>,
    middle: Option<String>,
}

fn phrases(standard: &Standard, lang: Lang, score_mode: bool, area: Area) -> Phrases {
    let area_name = area.name(lang);
    let line = |name: &str, value: i64, verified: bool| {
        let mut s = format!("{name} {area_name} ");
        if score_mode {
            vi_format::push_int(&mut s, value, lang);
        } else {
            push_money(&mut s, value, lang);
        }
        if !verified {
            s.push_str(lang.pick(" (chưa xác minh)", " (unverified)"));
        }
        s
    };
    let names = |which: LineName| -> &'static str {
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
    // Each line's value and whether it is verified: points in score mode, đồng otherwise.
    let (poverty, near, middle) = if score_mode {
        let Some(sc) = &standard.score else {
            return Phrases::default();
        };
        let l = &sc.lines[area.index()];
        let s = |v: &Sourced<u32>| (i64::from(v.value), v.verified);
        (s(&l.poverty), l.near_poverty.as_ref().map(s), None)
    } else {
        let l = standard.lines(area);
        let m = |v: &Sourced<crate::Vnd>| (v.value.get(), v.verified);
        let middle = l.middle_income.as_ref().map(m);
        (m(&l.poverty), l.near_poverty.as_ref().map(m), middle)
    };
    let phrase =
        |which: LineName, (value, verified): (i64, bool)| line(names(which), value, verified);
    Phrases {
        poverty: phrase(LineName::Poverty, poverty),
        near: near.map(|n| phrase(LineName::Near, n)),
        middle: middle.map(|n| phrase(LineName::Middle, n)),
    }
}

#[derive(Clone, Copy)]
enum LineName {
    Poverty,
    Near,
    Middle,
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
