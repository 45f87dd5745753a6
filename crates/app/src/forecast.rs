//! The forecast of a unit under another standard (issue 15): each household's last decided review reclassified
//! by `giamngheo_core::forecast`, counted per unit as ranges, with the indicators that drive the change, the
//! households whose class depends on what nobody has surveyed (and the sample that would settle the rate), and
//! the support the forecast implies, priced where the province has entered unit costs. The command line and the
//! web app both call [`forecast`] and render [`ForecastResult::tables`].

use std::collections::HashMap;

use giamngheo_core::date::Date;
use giamngheo_core::facts::HouseholdFacts;
use giamngheo_core::forecast::{Bridge, Carried, Driver, Growth, Range, Tally, sample_size};
use giamngheo_core::ids::HouseholdCode;
use giamngheo_core::ids::UnitLevel;
use giamngheo_core::standard::{Standard, builtin};
use giamngheo_core::{Class, Classifier, DeprivationSet, Lang, vi_format};
use giamngheo_report::chart::{BarChart, Drawing};
use giamngheo_report::table::{Cell, Table};
use giamngheo_store::Store;
use giamngheo_store::costs::ProgrammeCost;
use giamngheo_store::support::Programme;
use giamngheo_store::units::Unit;

use crate::reports::ReportError;
use crate::table::labelled;

/// The margin the survey sample aims at: the poor-household rate to within half a percentage point.
pub const MARGIN_POINTS: f64 = 0.5;

/// What to forecast.
pub struct ForecastRequest {
    pub unit: Unit,
    /// The boundaries the unit and its children are taken on.
    pub on: Date,
    /// The last year whose decided reviews count.
    pub from_year: i32,
    pub target: Standard,
    pub growth: Growth,
    /// List the households whose class depends on an unknown (their codes and places are read for it); the
    /// count and the sample are given either way.
    pub survey_list: bool,
}

/// A household whose class under the target depends on indicators nobody has surveyed.
#[derive(Clone, Debug, PartialEq)]
pub struct Unsettled {
    pub household_code: HouseholdCode,
    pub commune: String,
    pub village: String,
    pub now: Class,
    pub worst: Class,
    pub best: Class,
    /// Target indicators to survey.
    pub unknown: DeprivationSet,
    /// No income was recorded (a review by score alone).
    pub income_unknown: bool,
}

/// A programme's share of the forecast: the households it would serve and, with a unit cost, the budget.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgrammeNeed {
    pub programme: Programme,
    /// Whether the target standard has the programme's indicator (a programme with none serves every listed
    /// household).
    pub indicator_in_target: bool,
    pub households: Range,
    pub cost: Option<ProgrammeCost>,
    /// The unit whose cost was used (the unit itself or one above it).
    pub cost_unit: Option<String>,
}

impl ProgrammeNeed {
    /// The budget range in đồng, with a unit cost.
    pub fn budget(&self) -> Option<(i64, i64)> {
        self.cost.as_ref().map(|c| {
            (
                c.cost_vnd.saturating_mul(self.households.low as i64),
                c.cost_vnd.saturating_mul(self.households.high as i64),
            )
        })
    }
}

pub struct ForecastResult {
    pub unit: Unit,
    pub on: Date,
    pub from_year: i32,
    /// The year of the decided reviews read (the latest up to `from_year`), if any.
    pub data_year: Option<i32>,
    pub target: Standard,
    pub growth: Growth,
    /// The standards the reviews read were made under.
    pub sources: Vec<String>,
    /// Reviews made under a standard this build does not carry: not forecast.
    pub skipped: u64,
    pub total: Tally,
    /// Each unit under the unit (communes, or a commune's villages), with its tally.
    pub children: Vec<(Unit, Tally)>,
    pub unsettled: Vec<Unsettled>,
    pub support: Vec<ProgrammeNeed>,
    /// The year whose unit costs price the support.
    pub cost_year: i32,
}

impl ForecastResult {
    /// The smallest sample of the unsettled households that estimates the unit's poor rate to ±0.5 points.
    pub fn sample(&self) -> u64 {
        sample_size(self.total.unsettled, self.total.households, MARGIN_POINTS)
    }
}

/// The units directly under `unit` and, for each commune and village under them, the index of the child it
/// counts under.
pub(crate) fn children_index(
    store: &mut Store,
    unit: &Unit,
    on: Date,
) -> Result<(Vec<Unit>, HashMap<i64, usize>), ReportError> {
    let children = store.children_at(unit.id, on)?;
    let mut child_of: HashMap<i64, usize> = HashMap::new();
    for (i, c) in children.iter().enumerate() {
        match c.level {
            UnitLevel::Village => {
                child_of.insert(c.id, i);
            }
            _ => {
                // A review names its commune as it was then and its village; after a merger only the village
                // still lies under the unit, so both count.
                for commune in crate::reports::communes_under(store, c, on)? {
                    for village in store.children_at(commune.id, on)? {
                        child_of.insert(village.id, i);
                    }
                    child_of.insert(commune.id, i);
                }
            }
        }
    }
    Ok((children, child_of))
}

/// The unit and every unit above it on `on`, nearest first: where a figure entered higher up applies.
pub(crate) fn unit_and_above(
    store: &mut Store,
    unit: &Unit,
    on: Date,
) -> Result<Vec<Unit>, ReportError> {
    let mut chain = vec![unit.clone()];
    while let Some(p) = store.parent_at(chain[chain.len() - 1].id, on)? {
        chain.push(p);
    }
    Ok(chain)
}

/// Households living on the review day of `year` in the unit and in each of `children`: the denominator of
/// a rate, reviewed or not (from the rates cache).
pub(crate) fn resident_households(
    store: &mut Store,
    unit: &Unit,
    children: &[Unit],
    on: Date,
    year: i32,
) -> Result<(u64, Vec<u64>), ReportError> {
    let day = giamngheo_core::calendar::review_day(year);
    let total = store
        .rates(unit.id, on, &[(year, day)])?
        .first()
        .map_or(0, |r| r.households.max(0) as u64);
    let by_child: HashMap<i64, u64> = store
        .child_rates(unit.id, on, year, day)?
        .into_iter()
        .map(|(id, r)| (id, r.households.max(0) as u64))
        .collect();
    let each = children
        .iter()
        .map(|c| by_child.get(&c.id).copied().unwrap_or(0))
        .collect();
    Ok((total, each))
}

/// The child a review counts under: its village's, else its commune's.
pub(crate) fn child_for(
    child_of: &HashMap<i64, usize>,
    commune_id: i64,
    village_id: Option<i64>,
) -> Option<usize> {
    village_id
        .and_then(|v| child_of.get(&v))
        .or_else(|| child_of.get(&commune_id))
        .copied()
}

/// Forecasts a unit under the target standard.
pub fn forecast(store: &mut Store, req: ForecastRequest) -> Result<ForecastResult, ReportError> {
    let ForecastRequest {
        unit,
        on,
        from_year,
        target,
        growth,
        survey_list,
    } = req;
    let classifier = Classifier::new(target.clone());
    let first_target_year = i32::from(target.years.value.0);
    // Which child each commune (or, for a commune, each village) counts under.
    let (children, child_of) = children_index(store, &unit, on)?;
    let mut tallies: Vec<Tally> = children
        .iter()
        .map(|_| Tally::new(target.indicators.len()))
        .collect();
    let mut total = Tally::new(target.indicators.len());
    let data_year = store.last_decided_year(unit.id, on, from_year)?;
    let mut bridges: HashMap<String, Option<(Standard, Bridge)>> = HashMap::new();
    let mut sources = Vec::new();
    let mut skipped = 0u64;
    let mut unsettled_rows = Vec::new();
    if let Some(data_year) = data_year {
        // A household reviewed the year before (a commune a year behind) still counts; older ones have left.
        store.last_decided_reviews(unit.id, on, data_year - 1, from_year, &mut |r| {
            if !bridges.contains_key(&r.standard_id) {
                let b = builtin::get(&r.standard_id).ok().map(|s| {
                    let b = Bridge::new(&s, &target);
                    (s, b)
                });
                bridges.insert(r.standard_id.clone(), b);
            }
            let Some(Some((_, bridge))) = bridges.get(&r.standard_id) else {
                skipped += 1;
                return;
            };
            if !sources.contains(&r.standard_id) {
                sources.push(r.standard_id.clone());
            }
            let facts = r
                .facts
                .as_deref()
                .and_then(|t| HouseholdFacts::from_toml(t).ok());
            let f = giamngheo_core::forecast::forecast(
                bridge,
                &classifier,
                &Carried {
                    area: r.area,
                    income_per_capita: r.income_per_capita,
                    deprivations: DeprivationSet(r.deprivations),
                    facts: facts.as_ref(),
                    years: u32::try_from(first_target_year - r.year).unwrap_or(0),
                    now: r.class,
                },
                growth,
            );
            total.add(&f);
            if let Some(i) = child_for(&child_of, r.commune_id, r.village_id) {
                tallies[i].add(&f);
            }
            if survey_list && !f.settled() {
                unsettled_rows.push((
                    r.household_id,
                    r.commune_id,
                    r.village_id,
                    f.now,
                    f.worst(),
                    f.best(),
                    f.unknown,
                    f.drivers.contains(&Driver::IncomeUnknown),
                ));
            }
        })?;
    }
    // Names of the places of the unsettled households, each unit read once.
    let mut names: HashMap<i64, String> = HashMap::new();
    let mut name_of = |store: &mut Store, id: Option<i64>| -> Result<String, ReportError> {
        let Some(id) = id else {
            return Ok(String::new());
        };
        if let Some(n) = names.get(&id) {
            return Ok(n.clone());
        }
        let n = store.unit(id)?.map(|u| u.name).unwrap_or_default();
        names.insert(id, n.clone());
        Ok(n)
    };
    let ids: Vec<i64> = unsettled_rows.iter().map(|r| r.0).collect();
    let mut codes = store.household_codes(&ids)?;
    let mut unsettled = Vec::with_capacity(unsettled_rows.len());
    for (id, commune, village, now, worst, best, unknown, income_unknown) in unsettled_rows {
        unsettled.push(Unsettled {
            household_code: codes.remove(&id).ok_or_else(|| missing_household(id))?,
            commune: name_of(store, Some(commune))?,
            village: name_of(store, village)?,
            now,
            worst,
            best,
            unknown,
            income_unknown,
        });
    }
    unsettled.sort_by(|a, b| {
        (&a.commune, &a.village, &a.household_code).cmp(&(
            &b.commune,
            &b.village,
            &b.household_code,
        ))
    });
    // The rates' denominator: every household living in the unit on the review day, reviewed or not.
    if let Some(y) = data_year {
        let (resident, each) = resident_households(store, &unit, &children, on, y)?;
        total.add_not_reviewed(resident.saturating_sub(total.households));
        for (resident, t) in each.into_iter().zip(tallies.iter_mut()) {
            t.add_not_reviewed(resident.saturating_sub(t.households));
        }
    }
    let cost_year = first_target_year;
    let support = programme_needs(store, &unit, on, &target, &total, cost_year)?;
    let mut children_out: Vec<(Unit, Tally)> = children.into_iter().zip(tallies).collect();
    children_out.retain(|(_, t)| t.households > 0);
    Ok(ForecastResult {
        unit,
        on,
        from_year,
        data_year,
        target,
        growth,
        sources,
        skipped,
        total,
        children: children_out,
        unsettled,
        support,
        cost_year,
    })
}

/// Households per programme from the indicators it addresses, priced by the cost entered for the unit or the
/// nearest unit above it.
fn programme_needs(
    store: &mut Store,
    unit: &Unit,
    on: Date,
    target: &Standard,
    total: &Tally,
    year: i32,
) -> Result<Vec<ProgrammeNeed>, ReportError> {
    let chain = unit_and_above(store, unit, on)?;
    let mut costs: Vec<(Unit, Vec<ProgrammeCost>)> = Vec::new();
    for u in chain {
        let c = store.programme_costs(u.id, year)?;
        costs.push((u, c));
    }
    let mut out = Vec::new();
    for p in store.programmes()? {
        let (indicator_in_target, households) = match &p.indicator {
            None => (true, total.listed),
            Some(id) => match target.indicators.iter().position(|i| &i.id == id) {
                Some(i) => (true, total.deprived[i]),
                None => (false, Range::default()),
            },
        };
        let found = costs.iter().find_map(|(u, list)| {
            list.iter()
                .find(|c| c.programme_code == p.code)
                .map(|c| (u.name.clone(), c.clone()))
        });
        let (cost_unit, cost) = found.map_or((None, None), |(u, c)| (Some(u), Some(c)));
        out.push(ProgrammeNeed {
            programme: p,
            indicator_in_target,
            households,
            cost,
            cost_unit,
        });
    }
    Ok(out)
}

fn range_text(r: Range, lang: Lang) -> String {
    if r.low == r.high {
        vi_format::int(r.low as i64, lang)
    } else {
        format!(
            "{}–{}",
            vi_format::int(r.low as i64, lang),
            vi_format::int(r.high as i64, lang)
        )
    }
}

fn classes_text(worst: Class, best: Class, lang: Lang) -> String {
    if worst == best {
        worst.name(lang).to_owned()
    } else {
        format!("{} – {}", worst.name(lang), best.name(lang))
    }
}

impl ForecastResult {
    fn indicator_name(&self, i: usize, lang: Lang) -> String {
        self.target
            .indicators
            .get(i)
            .map(|ind| ind.short_name(lang).to_owned())
            .unwrap_or_default()
    }

    fn driver_name(&self, d: Driver, lang: Lang) -> String {
        let source = self.sources.first().and_then(|s| builtin::get(s).ok());
        match d {
            Driver::IncomeLine => lang
                .pick(
                    "Thu nhập (đã tính tăng trưởng) nằm ở phía khác của chuẩn thu nhập mới",
                    "Income (grown) on the other side of the new income line",
                )
                .to_owned(),
            Driver::IncomeUnknown => lang
                .pick(
                    "Chưa có thu nhập bình quân (chỉ có điểm thu nhập)",
                    "No income per person recorded (score only)",
                )
                .to_owned(),
            Driver::Dropped(i) => {
                let name = source
                    .and_then(|s| {
                        s.indicators
                            .get(i)
                            .map(|ind| ind.short_name(lang).to_owned())
                    })
                    .unwrap_or_default();
                match lang {
                    Lang::Vi => format!("Chỉ số bị bỏ: {name}"),
                    Lang::En => format!("Indicator dropped: {name}"),
                }
            }
            Driver::AddedUnknown(i) => match lang {
                Lang::Vi => format!("Chỉ số mới, chưa rà soát: {}", self.indicator_name(i, lang)),
                Lang::En => format!(
                    "New indicator, not surveyed: {}",
                    self.indicator_name(i, lang)
                ),
            },
            Driver::AddedDeprived(i) => match lang {
                Lang::Vi => format!("Chỉ số mới, hộ thiếu hụt: {}", self.indicator_name(i, lang)),
                Lang::En => format!("New indicator, deprived: {}", self.indicator_name(i, lang)),
            },
        }
    }

    fn title(&self, what_vi: &str, what_en: &str, lang: Lang) -> String {
        match lang {
            Lang::Vi => format!(
                "{what_vi}: {} theo {} (từ kết quả đến năm {})",
                self.unit.name, self.target.name_vi, self.from_year
            ),
            Lang::En => format!(
                "{what_en}: {} under the {} (results up to {})",
                self.unit.name, self.target.name_en, self.from_year
            ),
        }
    }

    fn row(u: &Unit, t: &Tally) -> Vec<Cell> {
        let (poor_low, poor_high) = t.poor.rates(t.households);
        let (near_low, near_high) = t.near_poor.rates(t.households);
        let int = |n: u64| Cell::Int(n as i64);
        vec![
            Cell::text(&u.code),
            Cell::text(&u.name),
            int(t.households),
            int(t.poor_now),
            int(t.near_poor_now),
            int(t.poor.low),
            int(t.poor.high),
            int(t.near_poor.low),
            int(t.near_poor.high),
            Cell::rate(poor_low),
            Cell::rate(poor_high),
            Cell::rate(near_low),
            Cell::rate(near_high),
            int(t.entering_poor.low),
            int(t.entering_poor.high),
            int(t.leaving_poor.low),
            int(t.leaving_poor.high),
            int(t.unsettled),
            int(sample_size(t.unsettled, t.households, MARGIN_POINTS)),
        ]
    }

    /// The standards the reviews read were held under, by name.
    fn source_names(&self, lang: Lang) -> String {
        self.sources
            .iter()
            .map(|id| builtin::name(id, lang).unwrap_or(id))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The notes every table of the forecast carries: what was read, the growth assumed, what is unverified.
    fn notes(&self, lang: Lang) -> Vec<String> {
        let mut notes = Vec::new();
        notes.push(match (self.data_year, lang) {
            (Some(y), Lang::Vi) => format!(
                "Mỗi hộ lấy kết quả rà soát đã có quyết định gần nhất (năm {y}, hoặc {} với xã chậm một năm), theo {}. Tỷ lệ tính trên mọi hộ đang sống trên địa bàn; {} hộ không có kết quả rà soát được tính là không nghèo, không cận nghèo (rà soát không đưa vào danh sách).",
                y - 1,
                self.source_names(lang),
                vi_format::int(self.total.not_reviewed as i64, Lang::Vi)
            ),
            (Some(y), Lang::En) => format!(
                "Each household's last decided review ({y}, or {} for a commune a year behind), under {}. Rates are of every household living in the unit; the {} households without a review count as neither poor nor near-poor (the review did not list them).",
                y - 1,
                self.source_names(lang),
                vi_format::int(self.total.not_reviewed as i64, Lang::En)
            ),
            (None, Lang::Vi) => format!(
                "Không có kết quả rà soát nào đã có quyết định đến năm {}.",
                self.from_year
            ),
            (None, Lang::En) => format!("No decided review up to {}.", self.from_year),
        });
        let growth = vi_format::decimal(self.growth.pct(), 1, lang);
        let first_year = self.target.years.value.0;
        notes.push(match lang {
            Lang::Vi => format!(
                "Thu nhập tăng {growth} %/năm đến năm {first_year} (năm đầu áp dụng chuẩn mới); 0 % nếu không nêu."
            ),
            Lang::En => format!(
                "Incomes grown {growth} % a year to {first_year} (the new standard's first year); 0 % unless stated."
            ),
        });
        notes.push(lang.pick(
            "Khoảng thấp–cao: chỉ số chuẩn mới có mà chưa ai rà soát được tính là không thiếu hụt (thấp) và thiếu hụt (cao).",
            "Low–high ranges: indicators the new standard adds that nobody surveyed are counted as not deprived (low) and deprived (high).",
        ).to_owned());
        if self.skipped > 0 {
            let skipped = self.skipped;
            notes.push(match lang {
                Lang::Vi => format!(
                    "{skipped} kết quả theo chuẩn không có trong chương trình không được tính."
                ),
                Lang::En => format!(
                    "{skipped} reviews under a standard this program does not carry are not counted."
                ),
            });
        }
        let unverified = self.target.unverified();
        if !unverified.is_empty() {
            let paths: Vec<String> = unverified
                .iter()
                .map(|u| self.target.value_name(&u.path, lang))
                .collect();
            let (count, target, paths) =
                (unverified.len(), self.target.name(lang), paths.join(", "));
            notes.push(match lang {
                Lang::Vi => {
                    format!(
                        "Chưa kiểm chứng với văn bản gốc ({count} giá trị của {target}): {paths}."
                    )
                }
                Lang::En => {
                    format!(
                        "Not verified against the legal text ({count} values of {target}): {paths}."
                    )
                }
            });
        }
        notes
    }

    /// The forecast by unit: the unit itself, then each unit under it. The CSV columns are the issue's.
    pub fn units_table(&self, lang: Lang) -> Table {
        let columns = [
            ("unit_code", "Mã", "Code"),
            ("unit_name", "Đơn vị", "Unit"),
            ("households", "Số hộ", "Households"),
            ("poor_now", "Hộ nghèo hiện nay", "Poor now"),
            ("near_poor_now", "Hộ cận nghèo hiện nay", "Near-poor now"),
            ("poor_low", "Hộ nghèo dự báo (thấp)", "Poor forecast (low)"),
            ("poor_high", "Hộ nghèo dự báo (cao)", "Poor forecast (high)"),
            (
                "near_poor_low",
                "Hộ cận nghèo dự báo (thấp)",
                "Near-poor forecast (low)",
            ),
            (
                "near_poor_high",
                "Hộ cận nghèo dự báo (cao)",
                "Near-poor forecast (high)",
            ),
            (
                "poor_rate_low",
                "Tỷ lệ nghèo (thấp, %)",
                "Poor rate (low, %)",
            ),
            (
                "poor_rate_high",
                "Tỷ lệ nghèo (cao, %)",
                "Poor rate (high, %)",
            ),
            (
                "near_poor_rate_low",
                "Tỷ lệ cận nghèo (thấp, %)",
                "Near-poor rate (low, %)",
            ),
            (
                "near_poor_rate_high",
                "Tỷ lệ cận nghèo (cao, %)",
                "Near-poor rate (high, %)",
            ),
            (
                "entering_poor_low",
                "Vào diện nghèo (thấp)",
                "Entering poor (low)",
            ),
            (
                "entering_poor_high",
                "Vào diện nghèo (cao)",
                "Entering poor (high)",
            ),
            (
                "leaving_poor_low",
                "Ra khỏi diện nghèo (thấp)",
                "Leaving poor (low)",
            ),
            (
                "leaving_poor_high",
                "Ra khỏi diện nghèo (cao)",
                "Leaving poor (high)",
            ),
            ("unsettled", "Hộ cần rà soát thêm", "Households to survey"),
            (
                "sample",
                "Mẫu cần khảo sát (±0,5 điểm)",
                "Sample needed (±0.5 points)",
            ),
        ];
        let mut t = labelled(
            self.title("Dự báo hộ nghèo", "Forecast of poor households", lang),
            &columns,
            lang,
        );
        t.rows.push(Self::row(&self.unit, &self.total));
        for (u, tally) in &self.children {
            t.rows.push(Self::row(u, tally));
        }
        if !self.children.is_empty() {
            t.breaks.push(1);
        }
        t.notes = self.notes(lang);
        t
    }

    /// What drives the change: each driver with the households it may move.
    pub fn drivers_table(&self, lang: Lang) -> Table {
        let mut t = labelled(
            self.title("Nguyên nhân thay đổi", "What drives the change", lang),
            &[
                ("driver", "Nguyên nhân", "Driver"),
                (
                    "households",
                    "Số hộ có thể thay đổi",
                    "Households it may move",
                ),
            ],
            lang,
        );
        let mut drivers = self.total.drivers.clone();
        drivers.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        for (d, n) in drivers {
            t.rows.push(vec![
                Cell::text(self.driver_name(d, lang)),
                Cell::Int(n as i64),
            ]);
        }
        t.notes.push(
            lang.pick(
                "Một hộ được tính ở mỗi nguyên nhân có thể làm thay đổi nhóm của hộ.",
                "A household counts under each driver that may change its class.",
            )
            .to_owned(),
        );
        t
    }

    /// The support implied: households per programme and, with unit costs, the budget.
    pub fn support_table(&self, lang: Lang) -> Table {
        let columns = [
            ("programme", "Chương trình", "Programme"),
            ("households_low", "Số hộ (thấp)", "Households (low)"),
            ("households_high", "Số hộ (cao)", "Households (high)"),
            (
                "cost_per_household",
                "Định mức/hộ (đ)",
                "Cost per household (VND)",
            ),
            ("budget_low", "Kinh phí (thấp, đ)", "Budget (low, VND)"),
            ("budget_high", "Kinh phí (cao, đ)", "Budget (high, VND)"),
            ("cost_source", "Nguồn định mức", "Cost source"),
        ];
        let mut t = labelled(
            self.title("Hỗ trợ cần có", "Support implied", lang),
            &columns,
            lang,
        );
        let mut priced = 0;
        for need in &self.support {
            let budget = need.budget();
            priced += usize::from(budget.is_some());
            let source = match (&need.cost, &need.cost_unit) {
                (Some(c), Some(u)) if c.note.is_empty() => u.clone(),
                (Some(c), Some(u)) => format!("{u}: {}", c.note),
                _ => lang.pick("chưa nhập", "not entered").to_owned(),
            };
            t.rows.push(vec![
                Cell::text(lang.pick(&need.programme.name_vi, &need.programme.name_en)),
                Cell::Int(need.households.low as i64),
                Cell::Int(need.households.high as i64),
                need.cost
                    .as_ref()
                    .map_or(Cell::Empty, |c| Cell::Int(c.cost_vnd)),
                budget.map_or(Cell::Empty, |b| Cell::Int(b.0)),
                budget.map_or(Cell::Empty, |b| Cell::Int(b.1)),
                Cell::text(source),
            ]);
        }
        t.notes.push(lang.pick(
            "Số hộ: hộ nghèo, cận nghèo theo dự báo thiếu hụt chỉ số mà chương trình hỗ trợ; chương trình không gắn chỉ số tính mọi hộ nghèo, cận nghèo.",
            "Households: poor and near-poor households in the forecast deprived on the programme's indicator; a programme with no indicator counts every poor and near-poor household.",
        ).to_owned());
        let missing: Vec<&str> = self
            .support
            .iter()
            .filter(|n| n.indicator_in_target && n.cost.is_none())
            .map(|n| n.programme.code.as_str())
            .collect();
        if priced == 0 || !missing.is_empty() {
            notes_costs(&mut t, self.cost_year, &missing, lang);
        }
        let gone: Vec<&str> = self
            .support
            .iter()
            .filter(|n| !n.indicator_in_target)
            .map(|n| n.programme.code.as_str())
            .collect();
        if !gone.is_empty() {
            let gone = gone.join(", ");
            t.notes.push(match lang {
                Lang::Vi => format!("Chương trình gắn với chỉ số chuẩn mới không còn: {gone}."),
                Lang::En => {
                    format!("Programmes tied to an indicator the new standard drops: {gone}.")
                }
            });
        }
        t
    }

    /// The households whose class depends on what nobody surveyed, with what to survey.
    pub fn survey_table(&self, lang: Lang) -> Table {
        let columns = [
            ("household_code", "Mã hộ", "Household"),
            ("commune", "Xã", "Commune"),
            ("village", "Thôn", "Village"),
            ("class_now", "Hiện nay", "Now"),
            ("forecast", "Dự báo", "Forecast"),
            ("to_survey", "Cần rà soát", "To survey"),
        ];
        let mut t = labelled(
            self.title("Hộ cần rà soát thêm", "Households to survey", lang),
            &columns,
            lang,
        );
        for u in &self.unsettled {
            let mut what: Vec<String> = u
                .unknown
                .iter()
                .map(|i| self.indicator_name(i, lang))
                .collect();
            if u.income_unknown {
                what.push(lang.pick("thu nhập", "income").to_owned());
            }
            t.rows.push(vec![
                Cell::text(u.household_code.as_str()),
                Cell::text(&u.commune),
                Cell::text(&u.village),
                Cell::text(u.now.name(lang)),
                Cell::text(classes_text(u.worst, u.best, lang)),
                Cell::text(what.join(", ")),
            ]);
        }
        t.notes.push(match lang {
            Lang::Vi => format!(
                "{} hộ; khảo sát ngẫu nhiên {} hộ trong số này đủ ước tính tỷ lệ nghèo của {} với sai số ±0,5 điểm phần trăm (độ tin cậy 95 %).",
                vi_format::int(self.unsettled.len() as i64, lang),
                vi_format::int(self.sample() as i64, lang),
                self.unit.name
            ),
            Lang::En => format!(
                "{} households; a random sample of {} of them estimates {}'s poor rate to ±0.5 percentage points (95 % confidence).",
                vi_format::int(self.unsettled.len() as i64, lang),
                vi_format::int(self.sample() as i64, lang),
                self.unit.name
            ),
        });
        t
    }

    /// Every table, the units first.
    pub fn tables(&self, lang: Lang) -> Vec<Table> {
        vec![
            self.units_table(lang),
            self.drivers_table(lang),
            self.support_table(lang),
            self.survey_table(lang),
        ]
    }

    /// Households now and in the forecast, as bars: now, low, high for the poor and the near-poor.
    pub fn chart(&self, lang: Lang) -> Drawing {
        let t = &self.total;
        let rate = |n: u64| {
            if t.households == 0 {
                0.0
            } else {
                n as f64 * 100.0 / t.households as f64
            }
        };
        let (name, target) = (&self.unit.name, self.target.name(lang));
        BarChart {
            title: match lang {
                Lang::Vi => format!("{name}: tỷ lệ hiện nay và dự báo theo {target}"),
                Lang::En => format!("{name}: rates now and forecast under the {target}"),
            },
            value_label: lang.pick("Tỷ lệ (%)", "Rate (%)").to_owned(),
            bars: [
                ("Nghèo hiện nay", "Poor now", t.poor_now),
                ("Nghèo dự báo (thấp)", "Poor forecast (low)", t.poor.low),
                ("Nghèo dự báo (cao)", "Poor forecast (high)", t.poor.high),
                ("Cận nghèo hiện nay", "Near-poor now", t.near_poor_now),
                (
                    "Cận nghèo dự báo (thấp)",
                    "Near-poor forecast (low)",
                    t.near_poor.low,
                ),
                (
                    "Cận nghèo dự báo (cao)",
                    "Near-poor forecast (high)",
                    t.near_poor.high,
                ),
            ]
            .into_iter()
            .map(|(vi, en, n)| (lang.pick(vi, en).to_owned(), rate(n)))
            .collect(),
        }
        .draw(lang)
    }

    /// One line for a terminal or a page heading: the poor rate now and forecast.
    pub fn headline(&self, lang: Lang) -> String {
        let t = &self.total;
        let (now, _) = Range {
            low: t.poor_now,
            high: t.poor_now,
        }
        .rates(t.households);
        let (low, high) = t.poor.rates(t.households);
        let pct = |x: f64| vi_format::decimal(x, 2, lang);
        let (now, low, high) = (pct(now), pct(low), pct(high));
        let int = |n: u64| vi_format::int(n as i64, lang);
        let (households, poor_now, unsettled) =
            (int(t.households), int(t.poor_now), int(t.unsettled));
        let (poor, near_poor) = (range_text(t.poor, lang), range_text(t.near_poor, lang));
        let (name, target) = (&self.unit.name, self.target.name(lang));
        match lang {
            Lang::Vi => format!(
                "{name}: {households} hộ; nghèo hiện nay {poor_now} ({now} %); theo {target}: {poor} hộ ({low}–{high} %); cận nghèo {near_poor} hộ; {unsettled} hộ cần rà soát thêm."
            ),
            Lang::En => format!(
                "{name}: {households} households; poor now {poor_now} ({now} %); under {target}: {poor} ({low}–{high} %); near-poor {near_poor}; {unsettled} households to survey."
            ),
        }
    }
}

fn notes_costs(t: &mut Table, year: i32, missing: &[&str], lang: Lang) {
    t.notes.push(match lang {
        Lang::Vi => format!(
            "Chưa nhập định mức năm {year} cho: {} (giamngheo support cost --programme MÃ --unit ĐƠN_VỊ --year {year} --vnd SỐ_TIỀN).",
            missing.join(", ")
        ),
        Lang::En => format!(
            "No unit cost for {year} entered for: {} (giamngheo support cost --programme CODE --unit UNIT --year {year} --vnd AMOUNT).",
            missing.join(", ")
        ),
    });
}

/// A household id the store just returned with no code: the registry changed under the query.
pub(crate) fn missing_household(id: i64) -> ReportError {
    ReportError::Store(giamngheo_store::StoreError::NotFound {
        what: "household",
        key: id.to_string(),
    })
}
