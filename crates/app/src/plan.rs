//! Graduation plans (issue 15): for each poor and near-poor household of a unit, what keeps it in its class
//! and the cheapest support that would move it out (`giamngheo_core::graduation`), in words an officer can read
//! out at the village meeting; the households ordered by that cost; what a budget buys and the poor rate it
//! would reach, set against the unit's plan target.

use std::collections::HashMap;

use giamngheo_core::date::Date;
use giamngheo_core::graduation::{Assessment, Fix, Household, assess, spend};
use giamngheo_core::ids::HouseholdCode;
use giamngheo_core::standard::{Standard, builtin};
use giamngheo_core::{Class, Classifier, DeprivationSet, Lang, vi_format};
use giamngheo_report::table::{Cell, Table};
use giamngheo_store::Store;
use giamngheo_store::units::Unit;

use crate::reports::ReportError;

pub struct PlanRequest {
    pub unit: Unit,
    pub on: Date,
    /// The review year the plan starts from (its decided results, or the latest before it).
    pub year: i32,
    /// The budget in đồng; none: every household, cheapest first.
    pub budget: Option<i64>,
    /// A poor-rate target in percent, overriding the unit's plan target.
    pub target_rate: Option<f64>,
}

/// One household of the plan.
pub struct PlannedHousehold {
    pub code: HouseholdCode,
    pub head: String,
    pub commune: String,
    pub village: String,
    pub members: u32,
    pub income_per_capita: i64,
    pub class: Class,
    pub standard: usize,
    pub assessment: Assessment,
    /// Bought by the budget.
    pub in_plan: bool,
    /// The unit under the plan's unit it lives in (an index into `PlanResult::children`).
    pub child: Option<usize>,
}

/// One unit under the plan's unit: its households and poor now, and its target.
pub struct ChildPlan {
    pub unit: Unit,
    pub households: u64,
    pub poor_now: u64,
    pub target: Option<f64>,
}

pub struct PlanResult {
    pub unit: Unit,
    pub year: i32,
    /// The year of the decided reviews read.
    pub data_year: Option<i32>,
    pub budget: Option<i64>,
    /// The standards of the reviews read (households point into it).
    pub standards: Vec<Standard>,
    /// Households living in the unit on the review day (the rate's denominator).
    pub households: u64,
    pub poor_now: u64,
    /// Poor and near-poor households, cheapest route first.
    pub planned: Vec<PlannedHousehold>,
    pub spent: i64,
    /// The target rate and where it comes from (the unit's plan for the next year, or the request).
    pub target: Option<(f64, String)>,
    /// The year whose unit costs were used.
    pub cost_year: Option<i32>,
    /// Each unit under the plan's unit (`PlannedHousehold::child` points here).
    pub children: Vec<ChildPlan>,
}

impl PlanResult {
    /// Poor households the plan lifts out of poverty.
    pub fn poor_lifted(&self) -> u64 {
        self.planned
            .iter()
            .filter(|p| p.in_plan && p.class == Class::Poor)
            .count() as u64
    }

    pub fn rate_now(&self) -> f64 {
        giamngheo_store::rates::percent(self.poor_now as i64, self.households as i64)
    }

    pub fn rate_after(&self) -> f64 {
        giamngheo_store::rates::percent(
            (self.poor_now - self.poor_lifted()) as i64,
            self.households as i64,
        )
    }
}

pub fn plan(store: &mut Store, req: PlanRequest) -> Result<PlanResult, ReportError> {
    let PlanRequest {
        unit,
        on,
        year,
        budget,
        target_rate,
    } = req;
    let data_year = store.last_decided_year(unit.id, on, year)?;
    let mut standards: Vec<Standard> = Vec::new();
    let mut standard_of: HashMap<String, Option<usize>> = HashMap::new();
    let mut rows = Vec::new();
    let mut households = 0u64;
    let mut poor_now = 0u64;
    let (children, child_of) = crate::forecast::children_index(store, &unit, on)?;
    let mut child_poor = vec![0u64; children.len()];
    if let Some(y) = data_year {
        store.last_decided_reviews(unit.id, on, y - 1, year, &mut |r| {
            households += 1;
            poor_now += u64::from(r.class == Class::Poor);
            if r.class == Class::Poor
                && let Some(i) = crate::forecast::child_for(&child_of, r.commune_id, r.village_id)
            {
                child_poor[i] += 1;
            }
            if r.class > Class::NearPoor {
                return;
            }
            let s = *standard_of.entry(r.standard_id.clone()).or_insert_with(|| {
                builtin::get(&r.standard_id).ok().map(|s| {
                    standards.push(s);
                    standards.len() - 1
                })
            });
            if let Some(s) = s {
                rows.push((r, s));
            }
        })?;
    }
    // The rate's denominator: every household living in the unit on the review day, reviewed or not.
    let mut child_households = vec![0u64; children.len()];
    if let Some(y) = data_year {
        let (resident, each) =
            crate::forecast::resident_households(store, &unit, &children, on, y)?;
        households = households.max(resident);
        child_households = each;
    }
    // Unit costs: the year after the review (when the support is given), else the review's year; the unit's
    // own, else the nearest unit above it.
    let chain = crate::forecast::unit_and_above(store, &unit, on)?;
    let programmes = store.programmes()?;
    let mut cost_year = None;
    let mut costs: HashMap<String, i64> = HashMap::new();
    'years: for y in [year + 1, year] {
        for u in &chain {
            for c in store.programme_costs(u.id, y)? {
                costs.entry(c.programme_code.clone()).or_insert(c.cost_vnd);
            }
        }
        if !costs.is_empty() {
            cost_year = Some(y);
            break 'years;
        }
    }
    // For each standard, the cheapest costed programme per indicator.
    let fixes: Vec<Vec<Fix>> = standards
        .iter()
        .map(|s| {
            let mut out: Vec<Fix> = Vec::new();
            for p in &programmes {
                let (Some(ind), Some(cost)) = (&p.indicator, costs.get(&p.code)) else {
                    continue;
                };
                let Some(i) = s.indicators.iter().position(|x| &x.id == ind) else {
                    continue;
                };
                match out.iter_mut().find(|f| f.indicator == i) {
                    Some(f) if f.cost_vnd <= *cost => {}
                    Some(f) => {
                        f.programme = p.code.clone();
                        f.cost_vnd = *cost;
                    }
                    None => out.push(Fix {
                        indicator: i,
                        programme: p.code.clone(),
                        cost_vnd: *cost,
                    }),
                }
            }
            out
        })
        .collect();
    let classifiers: Vec<Classifier> = standards.iter().cloned().map(Classifier::new).collect();
    // Codes, and heads and places by code from the year's lists (the year before only for a household it
    // misses: a commune a year behind).
    let ids: Vec<i64> = rows.iter().map(|(r, _)| r.household_id).collect();
    let mut codes = store.household_codes(&ids)?;
    let mut heads: HashMap<HouseholdCode, (String, String, String)> = HashMap::new();
    if let Some(y) = data_year {
        for yr in [y, y - 1] {
            if yr < y && codes.values().all(|c| heads.contains_key(c)) {
                break;
            }
            for class in [Class::Poor, Class::NearPoor] {
                for l in store.household_list(unit.id, on, yr, class)? {
                    heads
                        .entry(l.code)
                        .or_insert((l.head, l.commune, l.village));
                }
            }
        }
    }
    let mut planned: Vec<PlannedHousehold> = rows
        .into_iter()
        .map(|(r, s)| {
            let income = r.income_per_capita.unwrap_or(0);
            let members = u32::try_from(r.members).unwrap_or(1).max(1);
            let assessment = assess(
                &classifiers[s],
                &Household {
                    area: r.area,
                    members,
                    income_per_capita: income,
                    deprivations: DeprivationSet(r.deprivations),
                    class: r.class,
                },
                &fixes[s],
            );
            let code = codes
                .remove(&r.household_id)
                .ok_or_else(|| crate::forecast::missing_household(r.household_id))?;
            let (head, commune, village) = heads.remove(&code).unwrap_or_default();
            let child = crate::forecast::child_for(&child_of, r.commune_id, r.village_id);
            Ok(PlannedHousehold {
                code,
                head,
                commune,
                village,
                members,
                income_per_capita: income,
                class: r.class,
                standard: s,
                assessment,
                in_plan: false,
                child,
            })
        })
        .collect::<Result<_, ReportError>>()?;
    planned.sort_by(|a, b| {
        let cost =
            |p: &PlannedHousehold| p.assessment.route.as_ref().map_or(i64::MAX, |r| r.cost_vnd);
        cost(a).cmp(&cost(b)).then_with(|| a.code.cmp(&b.code))
    });
    let route_costs: Vec<Option<i64>> = planned
        .iter()
        .map(|p| p.assessment.route.as_ref().map(|r| r.cost_vnd))
        .collect();
    let (chosen, spent) = spend(&route_costs, budget);
    for i in chosen {
        planned[i].in_plan = true;
    }
    let target = match target_rate {
        Some(r) => Some((r, "--target-rate".to_owned())),
        None => store
            .targets(unit.id, year + 1, year + 1)?
            .into_iter()
            .next()
            .map(|t| (t.poor_rate, format!("{} {}", unit.name, year + 1))),
    };
    let mut children_out = Vec::new();
    for ((c, households), poor_now) in children.into_iter().zip(child_households).zip(child_poor) {
        let target = store
            .targets(c.id, year + 1, year + 1)?
            .into_iter()
            .next()
            .map(|t| t.poor_rate);
        children_out.push((c, households, poor_now, target));
    }
    Ok(PlanResult {
        unit,
        year,
        data_year,
        budget,
        standards,
        households,
        poor_now,
        planned,
        spent,
        target,
        cost_year,
        children: children_out
            .into_iter()
            .map(|(unit, households, poor_now, target)| ChildPlan {
                unit,
                households,
                poor_now,
                target,
            })
            .collect(),
    })
}

impl PlanResult {
    fn names(&self, s: usize, set: DeprivationSet, lang: Lang) -> String {
        set.iter()
            .filter_map(|i| self.standards[s].indicators.get(i))
            .map(|i| i.short_name(lang).to_owned())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// What an officer reads out for one household.
    pub fn explain(&self, p: &PlannedHousehold, lang: Lang) -> String {
        let int = |n: i64| vi_format::int(n, lang);
        let a = &p.assessment;
        let mut out = String::new();
        if a.income_gap_per_capita > 0 {
            out.push_str(&match lang {
                Lang::Vi => format!(
                    "Thu nhập {} đ/người/tháng, còn thiếu {} đ so với chuẩn. ",
                    int(p.income_per_capita),
                    int(a.income_gap_per_capita)
                ),
                Lang::En => format!(
                    "Income {} VND a person a month, {} VND short of the line. ",
                    int(p.income_per_capita),
                    int(a.income_gap_per_capita)
                ),
            });
        }
        if a.deprived.count() > 0 {
            out.push_str(&match lang {
                Lang::Vi => format!(
                    "Thiếu hụt {} chỉ số: {}. ",
                    a.deprived.count(),
                    self.names(p.standard, a.deprived, lang)
                ),
                Lang::En => format!(
                    "Deprived on {}: {}. ",
                    a.deprived.count(),
                    self.names(p.standard, a.deprived, lang)
                ),
            });
        }
        let Some(r) = &a.route else {
            out.push_str(lang.pick(
                "Chưa tìm được cách hỗ trợ với định mức đã nhập.",
                "No route out with the costs entered.",
            ));
            return out;
        };
        let mut steps = Vec::new();
        if !r.fixes.is_empty() {
            let list: Vec<String> = r
                .fixes
                .iter()
                .map(|f| {
                    let name = self.standards[p.standard]
                        .indicators
                        .get(f.indicator)
                        .map(|i| i.short_name(lang).to_owned())
                        .unwrap_or_default();
                    format!("{name} ({} đ)", int(f.cost_vnd))
                })
                .collect();
            steps.push(match lang {
                Lang::Vi => format!("hỗ trợ {}", list.join(", ")),
                Lang::En => format!("support for {}", list.join(", ")),
            });
        }
        if r.income_gap_per_capita > 0 {
            steps.push(match lang {
                Lang::Vi => format!(
                    "tăng thu nhập thêm {} đ/người/tháng ({} đ/năm cho {} người, qua sinh kế, việc làm, vay vốn)",
                    int(r.income_gap_per_capita),
                    int(r.income_gap_per_year(p.members)),
                    p.members
                ),
                Lang::En => format!(
                    "raise income by {} VND a person a month ({} VND a year for {} people, through livelihood, work or credit)",
                    int(r.income_gap_per_capita),
                    int(r.income_gap_per_year(p.members)),
                    p.members
                ),
            });
        }
        out.push_str(&match lang {
            Lang::Vi => format!(
                "Cách ít tốn nhất: {}; hộ ra khỏi diện {}, thành {}. Chi phí {} đ.",
                steps.join(" và "),
                p.class.name(lang),
                r.class_after.name(lang),
                int(r.cost_vnd)
            ),
            Lang::En => format!(
                "Cheapest way: {}; the household leaves the {} list and becomes {}. Cost {} VND.",
                steps.join(" and "),
                p.class.name(lang),
                r.class_after.name(lang),
                int(r.cost_vnd)
            ),
        });
        out
    }

    /// The households, cheapest route first, with the plan the budget buys.
    pub fn households_table(&self, lang: Lang) -> Table {
        let columns = [
            ("rank", "TT", "No."),
            ("household_code", "Mã hộ", "Household"),
            ("head", "Chủ hộ", "Head"),
            ("commune", "Xã", "Commune"),
            ("village", "Thôn", "Village"),
            ("class_now", "Hiện nay", "Now"),
            (
                "income_gap_per_capita",
                "Thiếu so với chuẩn (đ/người/tháng)",
                "Gap to the line (VND a person a month)",
            ),
            ("deprivations", "Thiếu hụt", "Deprivations"),
            ("support", "Hỗ trợ", "Support"),
            ("cost_vnd", "Chi phí (đ)", "Cost (VND)"),
            ("class_after", "Sau hỗ trợ", "After"),
            ("in_plan", "Trong kế hoạch", "In the plan"),
            ("explanation", "Giải thích", "Explanation"),
        ];
        let mut t = crate::table::labelled(
            match lang {
                Lang::Vi => format!(
                    "Kế hoạch thoát nghèo: {} (từ kết quả năm {})",
                    self.unit.name, self.year
                ),
                Lang::En => format!(
                    "Graduation plan: {} (from the {} results)",
                    self.unit.name, self.year
                ),
            },
            &columns,
            lang,
        );
        for (i, p) in self.planned.iter().enumerate() {
            let route = p.assessment.route.as_ref();
            let support = route.map_or_else(String::new, |r| {
                let mut s: Vec<String> = r.fixes.iter().map(|f| f.programme.clone()).collect();
                if r.income_gap_per_capita > 0 {
                    s.push(lang.pick("thu nhập", "income").to_owned());
                }
                s.join(", ")
            });
            t.rows.push(vec![
                Cell::Plain(i as i64 + 1),
                Cell::text(p.code.as_str()),
                Cell::text(&p.head),
                Cell::text(&p.commune),
                Cell::text(&p.village),
                Cell::text(p.class.name(lang)),
                Cell::Int(p.assessment.income_gap_per_capita),
                Cell::text(self.names(p.standard, p.assessment.deprived, lang)),
                Cell::text(support),
                route.map_or(Cell::Empty, |r| Cell::Int(r.cost_vnd)),
                route.map_or(Cell::Empty, |r| Cell::text(r.class_after.name(lang))),
                Cell::text(if p.in_plan {
                    lang.pick("có", "yes")
                } else {
                    ""
                }),
                Cell::text(self.explain(p, lang)),
            ]);
        }
        t.notes = self.notes(lang);
        t
    }

    /// The plan in one table: households, poor now, what the budget lifts, the rate reached, the target.
    pub fn summary_table(&self, lang: Lang) -> Table {
        let columns = [
            ("unit_code", "Mã", "Code"),
            ("unit_name", "Đơn vị", "Unit"),
            ("households", "Số hộ", "Households"),
            ("poor_now", "Hộ nghèo", "Poor"),
            ("poor_rate_now", "Tỷ lệ nghèo (%)", "Poor rate (%)"),
            ("budget", "Kinh phí (đ)", "Budget (VND)"),
            ("spent", "Sử dụng (đ)", "Spent (VND)"),
            (
                "households_in_plan",
                "Số hộ được hỗ trợ",
                "Households supported",
            ),
            ("poor_lifted", "Hộ thoát nghèo", "Poor lifted"),
            (
                "poor_rate_after",
                "Tỷ lệ nghèo sau (%)",
                "Poor rate after (%)",
            ),
            ("target_rate", "Chỉ tiêu (%)", "Target (%)"),
            ("meets_target", "Đạt chỉ tiêu", "Meets the target"),
        ];
        let mut t = crate::table::labelled(
            match lang {
                Lang::Vi => format!("Tóm tắt kế hoạch thoát nghèo: {}", self.unit.name),
                Lang::En => format!("Graduation plan in brief: {}", self.unit.name),
            },
            &columns,
            lang,
        );
        let row = |u: &Unit,
                   households: u64,
                   poor_now: u64,
                   budget: Option<i64>,
                   planned: &mut dyn Iterator<Item = &PlannedHousehold>,
                   target: Option<f64>| {
            let (mut spent, mut supported, mut lifted) = (0i64, 0i64, 0u64);
            for p in planned.filter(|p| p.in_plan) {
                spent += p.assessment.route.as_ref().map_or(0, |r| r.cost_vnd);
                supported += 1;
                lifted += u64::from(p.class == Class::Poor);
            }
            let pct = |n: u64| giamngheo_store::rates::percent(n as i64, households as i64);
            let after = pct(poor_now.saturating_sub(lifted));
            vec![
                Cell::text(&u.code),
                Cell::text(&u.name),
                Cell::Int(households as i64),
                Cell::Int(poor_now as i64),
                Cell::rate(pct(poor_now)),
                budget.map_or(Cell::Empty, Cell::Int),
                Cell::Int(spent),
                Cell::Int(supported),
                Cell::Int(lifted as i64),
                Cell::rate(after),
                target.map_or(Cell::Empty, Cell::rate),
                target.map_or(Cell::Empty, |r| {
                    Cell::text(if after <= r {
                        lang.pick("đạt", "yes")
                    } else {
                        lang.pick("chưa đạt", "no")
                    })
                }),
            ]
        };
        t.rows.push(row(
            &self.unit,
            self.households,
            self.poor_now,
            self.budget,
            &mut self.planned.iter(),
            self.target.as_ref().map(|(r, _)| *r),
        ));
        for (i, c) in self.children.iter().enumerate() {
            if c.households == 0 && c.poor_now == 0 {
                continue;
            }
            t.rows.push(row(
                &c.unit,
                c.households,
                c.poor_now,
                None,
                &mut self.planned.iter().filter(|p| p.child == Some(i)),
                c.target,
            ));
        }
        if t.rows.len() > 1 {
            t.breaks.push(1);
        }
        t.notes = self.notes(lang);
        t
    }

    fn notes(&self, lang: Lang) -> Vec<String> {
        let mut notes = Vec::new();
        notes.push(match (self.data_year, lang) {
            (Some(y), Lang::Vi) => format!(
                "Hộ nghèo, cận nghèo theo kết quả rà soát đã có quyết định gần nhất (năm {y}); tỷ lệ tính trên {} hộ đang sống trên địa bàn.",
                vi_format::int(self.households as i64, lang)
            ),
            (Some(y), Lang::En) => format!(
                "Poor and near-poor households by their last decided review ({y}); rates are of the {} households living in the unit.",
                vi_format::int(self.households as i64, lang)
            ),
            (None, Lang::Vi) => format!("Không có kết quả rà soát nào đã có quyết định đến năm {}.", self.year),
            (None, Lang::En) => format!("No decided review up to {}.", self.year),
        });
        notes.push(match (self.cost_year, lang) {
            (Some(y), Lang::Vi) => format!(
                "Chi phí theo định mức năm {y} đã nhập; phần thu nhập tính bằng số tiền còn thiếu trong một năm (chưa có chương trình nào đo được tác động lên thu nhập)."
            ),
            (Some(y), Lang::En) => format!(
                "Costs at the unit costs entered for {y}; income is priced as the shortfall over a year (no programme has a measured effect on income)."
            ),
            (None, Lang::Vi) => format!(
                "Chưa nhập định mức năm {} hoặc {} nên chỉ tính đường thu nhập (giamngheo support cost …).",
                self.year + 1,
                self.year
            ),
            (None, Lang::En) => format!(
                "No unit costs entered for {} or {}: only the income route is priced (giamngheo support cost …).",
                self.year + 1,
                self.year
            ),
        });
        if let Some((r, from)) = &self.target {
            notes.push(match lang {
                Lang::Vi => format!("Chỉ tiêu {} % ({from}).", vi_format::decimal(*r, 2, lang)),
                Lang::En => format!("Target {} % ({from}).", vi_format::decimal(*r, 2, lang)),
            });
        }
        notes
    }

    /// One line for a terminal: what the budget buys.
    pub fn headline(&self, lang: Lang) -> String {
        let pct = |x: f64| vi_format::decimal(x, 2, lang);
        let int = |n: i64| vi_format::int(n, lang);
        let in_plan = self.planned.iter().filter(|p| p.in_plan).count() as i64;
        match lang {
            Lang::Vi => format!(
                "{}: {} hộ nghèo, cận nghèo; kế hoạch hỗ trợ {} hộ, {} đ; {} hộ thoát nghèo; tỷ lệ nghèo {} % → {} %{}.",
                self.unit.name,
                int(self.planned.len() as i64),
                int(in_plan),
                int(self.spent),
                int(self.poor_lifted() as i64),
                pct(self.rate_now()),
                pct(self.rate_after()),
                self.target
                    .as_ref()
                    .map_or_else(String::new, |(r, _)| format!(" (chỉ tiêu {} %)", pct(*r)))
            ),
            Lang::En => format!(
                "{}: {} poor and near-poor households; the plan supports {}, {} VND; {} leave poverty; poor rate {} % → {} %{}.",
                self.unit.name,
                int(self.planned.len() as i64),
                int(in_plan),
                int(self.spent),
                int(self.poor_lifted() as i64),
                pct(self.rate_now()),
                pct(self.rate_after()),
                self.target
                    .as_ref()
                    .map_or_else(String::new, |(r, _)| format!(" (target {} %)", pct(*r)))
            ),
        }
    }
}
