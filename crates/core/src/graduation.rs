//! What would lift a poor or near-poor household out of its class: the income gap to the line, the
//! deprivations counted, and the cheapest support (programmes tied to those indicators, at the unit costs the
//! province entered) that moves it to a better class, with the class after. A commune's plan orders its
//! households by that cost and spends a budget from the cheapest up.
//!
//! Classes depend on the income and the count of deprivations, so the cheapest way to remove `k` deprivations
//! is the `k` cheapest to fix, and the search is small: every `k`, with the income as it is or raised to just
//! above each line. Raising the income is priced as the gap itself over a year (what the household lacks,
//! whichever programme closes it): no programme here has a measured effect on income.

use crate::{Area, Class, Classifier, DeprivationSet, Income};

/// A way to fix one indicator: the programme tied to it and what it costs for one household.
#[derive(Clone, Debug, PartialEq)]
pub struct Fix {
    pub indicator: usize,
    pub programme: String,
    pub cost_vnd: i64,
}

/// One household as the plan reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct Household {
    pub area: Area,
    pub members: u32,
    /// Income per person per month, đồng.
    pub income_per_capita: i64,
    pub deprivations: DeprivationSet,
    pub class: Class,
}

/// The cheapest way out of the household's class.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// Indicators to fix, with their programmes, cheapest first.
    pub fixes: Vec<Fix>,
    /// Income to add per person per month (0 if none).
    pub income_gap_per_capita: i64,
    /// The class after the support.
    pub class_after: Class,
    /// The fixes' costs plus the income gap over a year for the household.
    pub cost_vnd: i64,
}

impl Route {
    /// The income gap for the household over a year.
    pub fn income_gap_per_year(&self, members: u32) -> i64 {
        self.income_gap_per_capita
            .saturating_mul(i64::from(members.max(1)))
            .saturating_mul(12)
    }
}

/// What keeps a household in its class, and the cheapest way out.
#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    /// Income per person per month still needed to pass the line that holds it (0 if its income is above).
    pub income_gap_per_capita: i64,
    /// The deprivations counted, and those no programme with a cost can fix.
    pub deprived: DeprivationSet,
    pub unfixable: DeprivationSet,
    /// The cheapest route to a better class, if any exists with the costs known.
    pub route: Option<Route>,
}

/// Assesses one household: `fixes` lists, for each indicator that a costed programme fixes, the cheapest one.
pub fn assess(classifier: &Classifier, h: &Household, fixes: &[Fix]) -> Assessment {
    let mut available: Vec<&Fix> = fixes
        .iter()
        .filter(|f| h.deprivations.contains(f.indicator))
        .collect();
    available.sort_by(|a, b| {
        a.cost_vnd
            .cmp(&b.cost_vnd)
            .then(a.indicator.cmp(&b.indicator))
    });
    let mut unfixable = h.deprivations;
    for f in &available {
        unfixable.0 &= !(1 << f.indicator);
    }
    let lines: Vec<i64> = classifier
        .income_lines(h.area)
        .into_iter()
        .flatten()
        .collect();
    // The line whose crossing would change the class: the lowest line at or above the income.
    let income_gap_per_capita = lines
        .iter()
        .filter(|l| h.income_per_capita <= **l)
        .min()
        .map_or(0, |l| l - h.income_per_capita + 1);
    let mut incomes = vec![h.income_per_capita];
    for l in &lines {
        if *l >= h.income_per_capita {
            incomes.push(l + 1);
        }
    }
    let members = i64::from(h.members.max(1));
    let mut best: Option<Route> = None;
    for &income in &incomes {
        let gap = income - h.income_per_capita;
        let mut set = h.deprivations;
        let mut fix_cost = 0i64;
        for k in 0..=available.len() {
            if k > 0 {
                let f = available[k - 1];
                set.0 &= !(1 << f.indicator);
                fix_cost = fix_cost.saturating_add(f.cost_vnd);
            }
            let Ok(o) = classifier.classify(h.area, Income::Vnd(income), set) else {
                continue;
            };
            if o.class <= h.class {
                continue;
            }
            let cost = fix_cost.saturating_add(gap.saturating_mul(members).saturating_mul(12));
            let better = match &best {
                None => true,
                // Cheaper first; at the same cost, the better class.
                Some(b) => cost < b.cost_vnd || (cost == b.cost_vnd && o.class > b.class_after),
            };
            if better {
                best = Some(Route {
                    fixes: available[..k].iter().map(|f| (*f).clone()).collect(),
                    income_gap_per_capita: gap,
                    class_after: o.class,
                    cost_vnd: cost,
                });
            }
            // More fixes at this income only cost more once the class has moved.
            break;
        }
    }
    Assessment {
        income_gap_per_capita,
        deprived: h.deprivations,
        unfixable,
        route: best,
    }
}

/// A budget spent on the cheapest routes first: which households it lifts (by index into `costs`) and what
/// it spends. Households without a route are skipped.
pub fn spend(costs: &[Option<i64>], budget: Option<i64>) -> (Vec<usize>, i64) {
    let mut order: Vec<usize> = (0..costs.len()).filter(|i| costs[*i].is_some()).collect();
    order.sort_by_key(|i| (costs[*i], *i));
    let mut chosen = Vec::new();
    let mut spent = 0i64;
    for i in order {
        let c = costs[i].unwrap_or(0);
        if budget.is_some_and(|b| spent.saturating_add(c) > b) {
            break;
        }
        spent = spent.saturating_add(c);
        chosen.push(i);
    }
    (chosen, spent)
}
