//! What a household's last decided review becomes under another standard, before anyone surveys it again.
//!
//! A review records the income and the deprivations counted under the standard of its day. Under a new standard
//! an indicator the two share keeps its recorded deprivation; one the new standard adds is read from the
//! recorded survey answers when the review kept them, and is otherwise **unknown**. Each household therefore
//! gets the set of classes it could be in: its class if none of its unknown indicators is deprived (the best
//! case) and if all are (the worst), and what lies between. Nothing is guessed: counts are given as ranges, and
//! the households whose class depends on an unknown are listed, with the survey that would settle them.
//!
//! Incomes are carried forward by a stated yearly growth (0 % unless the user says otherwise).

use crate::facts::HouseholdFacts;
use crate::standard::Standard;
use crate::{Area, Class, Classifier, DeprivationSet, Income};

/// How the indicators of a standard the reviews were made under map onto those of the target standard: an
/// indicator continues one of the source when the target's data says so (`same_as`), never by its id alone (the
/// 2026-2030 `telecom` keeps the id but asks something else).
#[derive(Clone, Debug)]
pub struct Bridge {
    /// For each target indicator, the source indicator it continues, if any.
    from_source: Vec<Option<usize>>,
    /// Source indicators the target does not continue.
    dropped: DeprivationSet,
    /// Target indicators the source did not have.
    added: DeprivationSet,
    /// The source standard's income lines by area: (poverty, near-poverty), for the income driver.
    source_lines: [(i64, Option<i64>); 2],
}

impl Bridge {
    pub fn new(source: &Standard, target: &Standard) -> Bridge {
        let shared = target.shared_with(source);
        let from_source: Vec<Option<usize>> = target
            .indicators
            .iter()
            .map(|t| {
                shared
                    .iter()
                    .find(|(i, _, _)| i.id == t.id)
                    .map(|(_, at, _)| *at)
            })
            .collect();
        let mut dropped = DeprivationSet::default();
        for i in 0..source.indicators.len() {
            if !shared.iter().any(|(_, at, _)| *at == i) {
                dropped.insert(i);
            }
        }
        let mut added = DeprivationSet::default();
        for (i, f) in from_source.iter().enumerate() {
            if f.is_none() {
                added.insert(i);
            }
        }
        let lines = |a: Area| {
            let l = &source.income[a.index()];
            (
                l.poverty.value.get(),
                l.near_poverty.as_ref().map(|v| v.value.get()),
            )
        };
        Bridge {
            from_source,
            dropped,
            added,
            source_lines: [lines(Area::Rural), lines(Area::Urban)],
        }
    }

    /// Target indicators the source standard did not have.
    pub fn added(&self) -> DeprivationSet {
        self.added
    }

    /// Source indicators the target standard does not have.
    pub fn dropped(&self) -> DeprivationSet {
        self.dropped
    }
}

/// A household's last decided review, as the forecast reads it.
#[derive(Clone, Debug)]
pub struct Carried<'a> {
    pub area: Area,
    /// Income per person per month in đồng, if the review measured it (a review by income score alone did not).
    pub income_per_capita: Option<i64>,
    /// Deprivations under the source standard (bit `i` is its indicator `i`).
    pub deprivations: DeprivationSet,
    /// The survey answers, when the review kept them: every target indicator is then known.
    pub facts: Option<&'a HouseholdFacts>,
    /// Years from the review to the forecast (income growth is applied this many times).
    pub years: u32,
    /// The class decided at the review.
    pub now: Class,
}

/// Why a household's class may differ under the target standard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Driver {
    /// Its income (carried forward) falls on the other side of the target's line than it did of the source's.
    IncomeLine,
    /// It was deprived on an indicator the target drops (the source's indicator index).
    Dropped(usize),
    /// An indicator the target adds is unknown for it (the target's indicator index).
    AddedUnknown(usize),
    /// Its recorded survey answers show it deprived on an indicator the target adds (target index).
    AddedDeprived(usize),
    /// No income was recorded (a review by score alone): the target's income side is unknown.
    IncomeUnknown,
}

/// One household under the target standard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forecast {
    /// Income per person per month carried forward, if known.
    pub income: Option<i64>,
    /// Target indicators known to be deprived.
    pub known: DeprivationSet,
    /// Target indicators nobody has surveyed for this household.
    pub unknown: DeprivationSet,
    /// The classes the household could be in, by [`Class`] order (poorest first).
    pub possible: [bool; 4],
    pub now: Class,
    /// Why it could differ from `now` (empty when it cannot).
    pub drivers: Vec<Driver>,
}

impl Forecast {
    /// The best case: no unknown indicator deprived, income at its highest candidate.
    pub fn best(&self) -> Class {
        Class::ALL
            .into_iter()
            .rev()
            .find(|c| self.possible[*c as usize])
            .unwrap_or(self.now)
    }

    /// The worst case: every unknown indicator deprived.
    pub fn worst(&self) -> Class {
        Class::ALL
            .into_iter()
            .find(|c| self.possible[*c as usize])
            .unwrap_or(self.now)
    }

    pub fn can_be(&self, c: Class) -> bool {
        self.possible[c as usize]
    }

    /// Only one class is possible.
    pub fn settled(&self) -> bool {
        self.possible.iter().filter(|p| **p).count() == 1
    }
}

/// Income growth a year, in percent (may be negative, not below -100).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Growth(f64);

impl Growth {
    pub const NONE: Growth = Growth(0.0);

    /// None if the percentage is not a finite number above -100.
    pub fn percent(pct: f64) -> Option<Growth> {
        (pct.is_finite() && pct > -100.0 && pct <= 1000.0).then_some(Growth(pct))
    }

    pub fn pct(self) -> f64 {
        self.0
    }

    /// `income` after `years` of growth, rounded to the đồng.
    pub fn carry(self, income: i64, years: u32) -> i64 {
        if self.0 == 0.0 || years == 0 {
            return income;
        }
        let factor = (1.0 + self.0 / 100.0).powi(years as i32);
        (income as f64 * factor).round() as i64
    }
}

/// Reclassifies one household's last decided review under `target`.
pub fn forecast(bridge: &Bridge, target: &Classifier, h: &Carried<'_>, growth: Growth) -> Forecast {
    let mut known = DeprivationSet::default();
    let mut unknown = DeprivationSet::default();
    let mut drivers = Vec::new();
    match h.facts {
        Some(facts) => {
            known = target.deprivations(facts);
            for i in bridge.added.iter().filter(|i| known.contains(*i)) {
                drivers.push(Driver::AddedDeprived(i));
            }
        }
        None => {
            for (i, from) in bridge.from_source.iter().enumerate() {
                match from {
                    Some(s) if h.deprivations.contains(*s) => known.insert(i),
                    Some(_) => {}
                    None => {
                        unknown.insert(i);
                        drivers.push(Driver::AddedUnknown(i));
                    }
                }
            }
        }
    }
    for s in bridge
        .dropped
        .iter()
        .filter(|s| h.deprivations.contains(*s))
    {
        drivers.push(Driver::Dropped(s));
    }
    let income = h.income_per_capita.map(|i| growth.carry(i, h.years));
    // The incomes to try: the carried income, or when none was recorded one on each side of every line.
    let candidates: Vec<i64> = match income {
        Some(i) => vec![i],
        None => {
            drivers.push(Driver::IncomeUnknown);
            let mut c = vec![0];
            for line in target.income_lines(h.area).into_iter().flatten() {
                c.push(line);
                c.push(line.saturating_add(1));
            }
            c
        }
    };
    let mut possible = [false; 4];
    let extra: Vec<usize> = unknown.iter().collect();
    for &x in &candidates {
        // Classes depend on the count of deprivations alone, so adding the unknowns one by one covers every case.
        let mut set = known;
        for k in 0..=extra.len() {
            if k > 0 {
                set.insert(extra[k - 1]);
            }
            if let Ok(o) = target.classify(h.area, Income::Vnd(x), set) {
                possible[o.class as usize] = true;
            }
        }
    }
    if let Some(x) = income {
        let (p, near) = bridge.source_lines[h.area.index()];
        let src = target.income_lines(h.area);
        let under_source = x <= near.unwrap_or(p);
        let under_target = src[1].or(src[0]).is_some_and(|l| x <= l);
        if under_source != under_target {
            drivers.push(Driver::IncomeLine);
        }
    }
    let f = Forecast {
        income,
        known,
        unknown,
        possible,
        now: h.now,
        drivers,
    };
    if f.settled() && f.worst() == h.now {
        return Forecast {
            drivers: Vec::new(),
            ..f
        };
    }
    f
}

/// The counts of a forecast over many households, each a range: `low` counts the households that are in the
/// class whatever the unknowns turn out to be, `high` those that could be.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub households: u64,
    pub poor_now: u64,
    pub near_poor_now: u64,
    pub poor: Range,
    pub near_poor: Range,
    /// Households not poor now that will be (low) or may be (high) poor; likewise near-poor.
    pub entering_poor: Range,
    pub entering_near_poor: Range,
    /// Households poor now that will not (low) or may not (high) be poor; likewise near-poor.
    pub leaving_poor: Range,
    pub leaving_near_poor: Range,
    /// Households whose class depends on an unknown.
    pub unsettled: u64,
    /// Households of the unit without a decided review (counted in `households`): the review never listed
    /// them, so they count as not poor and not near-poor, now and in the forecast.
    pub not_reviewed: u64,
    /// How many households each driver may move (a household counts once per driver).
    pub drivers: Vec<(Driver, u64)>,
    /// For each target indicator: households poor or near-poor in the forecast and deprived on it; low: known
    /// deprived and surely poor or near-poor; high: deprived or unknown, and possibly poor or near-poor.
    pub deprived: Vec<Range>,
    /// Households surely (low) or possibly (high) poor or near-poor: the support lists.
    pub listed: Range,
}

/// A count known to lie between `low` and `high`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Range {
    pub low: u64,
    pub high: u64,
}

impl Range {
    fn add(&mut self, sure: bool, maybe: bool) {
        self.low += u64::from(sure);
        self.high += u64::from(maybe);
    }

    /// The range as percentages of `whole`.
    pub fn rates(self, whole: u64) -> (f64, f64) {
        if whole == 0 {
            return (0.0, 0.0);
        }
        let w = whole as f64;
        (self.low as f64 * 100.0 / w, self.high as f64 * 100.0 / w)
    }
}

/// Counts `f` into `class`'s flows: entering it when the household is not in it now, else leaving it.
fn count_flow(entering: &mut Range, leaving: &mut Range, f: &Forecast, class: Class) {
    let only = f.settled() && f.can_be(class);
    if f.now != class {
        entering.add(only, f.can_be(class));
    } else {
        leaving.add(!f.can_be(class), !only);
    }
}

impl Tally {
    pub fn new(indicators: usize) -> Tally {
        Tally {
            deprived: vec![Range::default(); indicators],
            ..Tally::default()
        }
    }

    pub fn add(&mut self, f: &Forecast) {
        let only = |c: Class| f.settled() && f.can_be(c);
        self.households += 1;
        self.poor_now += u64::from(f.now == Class::Poor);
        self.near_poor_now += u64::from(f.now == Class::NearPoor);
        self.poor.add(only(Class::Poor), f.can_be(Class::Poor));
        self.near_poor
            .add(only(Class::NearPoor), f.can_be(Class::NearPoor));
        count_flow(
            &mut self.entering_poor,
            &mut self.leaving_poor,
            f,
            Class::Poor,
        );
        count_flow(
            &mut self.entering_near_poor,
            &mut self.leaving_near_poor,
            f,
            Class::NearPoor,
        );
        self.unsettled += u64::from(!f.settled());
        for d in &f.drivers {
            match self.drivers.iter_mut().find(|(k, _)| k == d) {
                Some((_, n)) => *n += 1,
                None => self.drivers.push((*d, 1)),
            }
        }
        let surely_listed = f.best() <= Class::NearPoor;
        let maybe_listed = f.worst() <= Class::NearPoor;
        self.listed.add(surely_listed, maybe_listed);
        for (i, r) in self.deprived.iter_mut().enumerate() {
            r.add(
                surely_listed && f.known.contains(i),
                maybe_listed && (f.known.contains(i) || f.unknown.contains(i)),
            );
        }
    }

    /// Counts `n` households the review never listed: not poor, not near-poor, in both cases.
    pub fn add_not_reviewed(&mut self, n: u64) {
        self.households += n;
        self.not_reviewed += n;
    }
}

/// The smallest simple random sample of the `unsettled` households (out of `households` in all) that estimates
/// the poor-household rate to within `margin_points` percentage points at 95 % confidence: the rate's
/// uncertainty is the unsettled households' share times the uncertainty of the proportion of them that are
/// poor, taken at its worst (one half), with the finite-population correction. 0 when nothing is unsettled.
pub fn sample_size(unsettled: u64, households: u64, margin_points: f64) -> u64 {
    if unsettled == 0 || households == 0 || margin_points <= 0.0 {
        return 0;
    }
    let share = unsettled as f64 / households as f64;
    let e = margin_points / 100.0 / share;
    let n0 = (1.96_f64 * 0.5 / e).powi(2);
    let m = unsettled as f64;
    let n = n0 / (1.0 + (n0 - 1.0) / m);
    (n.ceil() as u64).clamp(1, unsettled)
}
