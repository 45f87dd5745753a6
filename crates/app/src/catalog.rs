//! Every report of the command line as one use case, by kind: the tables and charts of a unit over a span of
//! years. The web's reports page and `giamngheo report …` both build through here, so what an officer sees
//! on screen is what the file holds.

use giamngheo_core::Lang;
use giamngheo_core::date::Date;
use giamngheo_report::chart::{BarChart, Drawing, LineChart, Series};
use giamngheo_report::table::Table;
use giamngheo_store::Store;
use giamngheo_store::rates::{YearRate, standard_breaks};
use giamngheo_store::targets::Target;
use giamngheo_store::units::Unit;

use crate::reports::{self, ReportError};

/// The reports an officer can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportKind {
    Rates,
    Targets,
    Transitions,
    Profile,
    Compare,
    Ranking,
    Summary,
    PoorList,
    NearPoorList,
}

impl ReportKind {
    pub const ALL: [ReportKind; 9] = [
        ReportKind::Rates,
        ReportKind::Targets,
        ReportKind::Transitions,
        ReportKind::Profile,
        ReportKind::Compare,
        ReportKind::Ranking,
        ReportKind::Summary,
        ReportKind::PoorList,
        ReportKind::NearPoorList,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReportKind::Rates => "rates",
            ReportKind::Targets => "targets",
            ReportKind::Transitions => "transitions",
            ReportKind::Profile => "profile",
            ReportKind::Compare => "compare",
            ReportKind::Ranking => "ranking",
            ReportKind::Summary => "summary",
            ReportKind::PoorList => "poor",
            ReportKind::NearPoorList => "near-poor",
        }
    }

    pub fn parse(code: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            ReportKind::Rates => lang.pick(
                "Tỷ lệ hộ nghèo, cận nghèo theo năm",
                "Poor and near-poor rates by year",
            ),
            ReportKind::Targets => lang.pick("Chỉ tiêu và thực hiện", "Targets and results"),
            ReportKind::Transitions => lang.pick(
                "Biến động: thoát nghèo, nghèo mới, tái nghèo",
                "Movements: escaped, newly poor, re-poor",
            ),
            ReportKind::Profile => lang.pick(
                "Thiếu hụt dịch vụ xã hội cơ bản",
                "Deprivation in basic social services",
            ),
            ReportKind::Compare => lang.pick(
                "So sánh các đơn vị trực thuộc",
                "The units under it compared",
            ),
            ReportKind::Ranking => lang.pick(
                "Xếp hạng các xã theo mức giảm nghèo",
                "Communes ranked by reduction",
            ),
            ReportKind::Summary => lang.pick("Tổng hợp kết quả rà soát", "Review summary"),
            ReportKind::PoorList => lang.pick("Danh sách hộ nghèo", "List of poor households"),
            ReportKind::NearPoorList => {
                lang.pick("Danh sách hộ cận nghèo", "List of near-poor households")
            }
        }
    }

    /// Reports of one year (the last of the span).
    pub fn one_year(self) -> bool {
        matches!(
            self,
            ReportKind::Summary | ReportKind::PoorList | ReportKind::NearPoorList
        )
    }

    /// Reports that measure a reduction and need two years at least.
    pub fn needs_two_years(self) -> bool {
        matches!(self, ReportKind::Compare | ReportKind::Ranking)
    }
}

pub struct ReportRequest {
    pub kind: ReportKind,
    pub unit: Unit,
    /// The boundaries the unit and the places under it are taken on.
    pub on: Date,
    pub from: i32,
    pub to: i32,
}

/// What a report shows: its tables (the first is the report; the CSV holds it) and its charts.
pub struct Built {
    pub tables: Vec<Table>,
    pub charts: Vec<Drawing>,
}

pub fn build(store: &mut Store, req: &ReportRequest, lang: Lang) -> Result<Built, ReportError> {
    let ReportRequest {
        kind,
        unit: u,
        on,
        from,
        to,
    } = req;
    let (on, from, to) = (*on, *from, *to);
    if kind.needs_two_years() && from >= to {
        return Err(ReportError::SpanTooShort);
    }
    let one = |t: Table| Built {
        tables: vec![t],
        charts: Vec::new(),
    };
    Ok(match kind {
        ReportKind::Rates => {
            let rates = reviewed_rates(store, u, on, from, to)?;
            let targets = store.targets(u.id, from, to)?;
            let chart = trend_chart(u, &rates, &targets, lang);
            let mut table = reports::rates_table(u, on, &rates, lang);
            // The workbook draws the same trend from its own cells.
            let column = |name: &str| table.columns.iter().position(|c| c == name);
            if let (Some(year), Some(poor), Some(near)) = (
                column("year"),
                column("poor_rate"),
                column("near_poor_rate"),
            ) {
                table.chart = Some(giamngheo_report::table::SheetChart {
                    title: chart.title.clone(),
                    bars: false,
                    category: year,
                    values: vec![poor, near],
                });
            }
            Built {
                charts: vec![chart.draw(lang)],
                tables: vec![table],
            }
        }
        ReportKind::Targets => {
            let targets = store.targets(u.id, from, to)?;
            if targets.is_empty() {
                return Err(ReportError::NoTargets {
                    unit: u.name.clone(),
                });
            }
            let actual: Vec<(i32, f64)> = store
                .rates(u.id, on, &review_days(from, to))?
                .iter()
                .filter(|r| r.standard_id.is_some())
                .map(|r| (r.year, r.poor_rate()))
                .collect();
            one(reports::targets_table(u, on, &targets, &actual, lang))
        }
        ReportKind::Transitions => {
            let years = store.transitions(u.id, on, from, to)?;
            if let Some(y) = years.iter().find(|y| y.reviewed == 0) {
                return Err(not_reviewed(u, y.year));
            }
            one(reports::transitions_table(u, on, &years, lang))
        }
        ReportKind::Profile => {
            let profile = store.profile(u.id, on, from, to)?;
            if let Some(y) = (from..=to).find(|y| !profile.iter().any(|p| p.year == *y)) {
                return Err(not_reviewed(u, y));
            }
            let mut built = one(reports::profile_table(u, on, &profile, lang)?);
            built
                .charts
                .push(contributions_chart(store, u, on, to, lang)?);
            built
        }
        ReportKind::Compare => {
            // The units under it with reviews at both ends of the span; the others are counted in a note,
            // not allowed to refuse the whole comparison.
            let ends = review_days(from, to);
            let ends = [ends[0], ends[ends.len() - 1]];
            let mut list = Vec::new();
            let mut left_out = 0;
            for c in store.children_at(u.id, on)? {
                if store
                    .rates(c.id, on, &ends)?
                    .iter()
                    .all(|r| r.standard_id.is_some())
                {
                    list.push(c);
                } else {
                    left_out += 1;
                }
            }
            if list.is_empty() {
                return Err(ReportError::NothingUnder {
                    unit: u.name.clone(),
                });
            }
            let mut t = reports::compare_table(store, list, on, from, to, lang)?;
            if left_out > 0 {
                t.notes.push(match lang {
                    Lang::Vi => format!(
                        "{left_out} đơn vị trực thuộc chưa có kết quả rà soát cả năm {from} và năm {to}, không đưa vào so sánh."
                    ),
                    Lang::En => format!(
                        "{left_out} units under it without reviews in both {from} and {to} are left out."
                    ),
                });
            }
            one(t)
        }
        ReportKind::Ranking => {
            let mut built = one(reports::ranking_table(store, u, on, from, to, lang)?);
            built.charts.push(communes_chart(store, u, on, to, lang)?);
            built
        }
        ReportKind::Summary => one(reports::summary_table(store, u, on, to, lang)?),
        ReportKind::PoorList | ReportKind::NearPoorList => {
            let class = if *kind == ReportKind::PoorList {
                giamngheo_core::Class::Poor
            } else {
                giamngheo_core::Class::NearPoor
            };
            let list = store.household_list(u.id, on, to, class)?;
            one(reports::list_table(u, on, to, class, &list, lang))
        }
    })
}

fn not_reviewed(u: &Unit, year: i32) -> ReportError {
    ReportError::NotReviewed {
        unit: u.name.clone(),
        year,
    }
}

fn review_days(from: i32, to: i32) -> Vec<(i32, Date)> {
    (from..=to)
        .map(|y| (y, giamngheo_core::calendar::review_day(y)))
        .collect()
}

/// The rates of each year of the span, refusing a year without any review in the unit.
pub fn reviewed_rates(
    store: &mut Store,
    u: &Unit,
    on: Date,
    from: i32,
    to: i32,
) -> Result<Vec<YearRate>, ReportError> {
    let rates = store.rates(u.id, on, &review_days(from, to))?;
    if let Some(r) = rates.iter().find(|r| r.standard_id.is_none()) {
        return Err(not_reviewed(u, r.year));
    }
    Ok(rates)
}

/// How a chart names the standard that starts at a break: the national standards by their period
/// ("giai đoạn 2022–2025"), any other by its name; never by its id.
fn standard_label(id: &str, lang: Lang) -> String {
    if let Some((first, last)) = id.strip_prefix("vn-").and_then(|p| p.split_once('-')) {
        return format!("{} {first}–{last}", lang.pick("giai đoạn", "period"));
    }
    match giamngheo_core::standard::builtin::get(id) {
        Ok(s) => s.name(lang).to_owned(),
        Err(_) => id.to_owned(),
    }
}

/// The poor and near-poor rates year by year, the plan targets dashed, broken where the standard changed.
pub fn trend_chart(u: &Unit, rates: &[YearRate], targets: &[Target], lang: Lang) -> LineChart {
    let breaks = standard_breaks(rates);
    let mut series = vec![
        Series {
            name: lang
                .pick("Tỷ lệ hộ nghèo", "Poor-household rate")
                .to_owned(),
            values: rates
                .iter()
                .map(|r| r.standard_id.as_ref().map(|_| r.poor_rate()))
                .collect(),
            dashed: false,
        },
        Series {
            name: lang.pick("Tỷ lệ hộ cận nghèo", "Near-poor rate").to_owned(),
            values: rates
                .iter()
                .map(|r| r.standard_id.as_ref().map(|_| r.near_poor_rate()))
                .collect(),
            dashed: false,
        },
    ];
    if !targets.is_empty() {
        series.push(Series {
            name: lang
                .pick("Chỉ tiêu tỷ lệ hộ nghèo", "Target poor rate")
                .to_owned(),
            values: rates
                .iter()
                .map(|r| {
                    targets
                        .iter()
                        .find(|t| t.year == r.year)
                        .map(|t| t.poor_rate)
                })
                .collect(),
            dashed: true,
        });
    }
    LineChart {
        title: match lang {
            Lang::Vi => format!("Tỷ lệ hộ nghèo, cận nghèo: {}", u.name),
            Lang::En => format!("Poor and near-poor rates: {}", u.name),
        },
        y_label: "%".into(),
        years: rates.iter().map(|r| r.year).collect(),
        series,
        breaks: rates
            .iter()
            .zip(&breaks)
            .filter(|(_, b)| **b)
            .map(|(r, _)| {
                (
                    r.year,
                    standard_label(r.standard_id.as_deref().unwrap_or_default(), lang),
                )
            })
            .collect(),
    }
}

/// The poor rate of each commune under the unit in `year`, highest first.
pub fn communes_chart(
    store: &mut Store,
    u: &Unit,
    on: Date,
    year: i32,
    lang: Lang,
) -> Result<Drawing, ReportError> {
    let day = giamngheo_core::calendar::review_day(year);
    let mut bars = Vec::new();
    for c in reports::communes_under(store, u, on)? {
        let r = store.rates(c.id, on, &[(year, day)])?;
        if let Some(r) = r.first().filter(|r| r.standard_id.is_some()) {
            bars.push((c.name.clone(), r.poor_rate()));
        }
    }
    if bars.is_empty() {
        return Err(not_reviewed(u, year));
    }
    bars.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(BarChart {
        title: match lang {
            Lang::Vi => format!("Tỷ lệ hộ nghèo các xã năm {year}: {}", u.name),
            Lang::En => format!("Poor-household rate by commune, {year}: {}", u.name),
        },
        value_label: lang
            .pick("Tỷ lệ hộ nghèo (%)", "Poor-household rate (%)")
            .to_owned(),
        bars,
    }
    .draw(lang))
}

/// Each indicator's share of the deprivations of poor households in `year`.
pub fn contributions_chart(
    store: &mut Store,
    u: &Unit,
    on: Date,
    year: i32,
    lang: Lang,
) -> Result<Drawing, ReportError> {
    let profile = store.profile(u.id, on, year, year)?;
    let p = profile.first().ok_or_else(|| not_reviewed(u, year))?;
    let standard = giamngheo_core::standard::builtin::get(&p.standard_id)?;
    let total: i64 = p.poor_deprived.iter().sum();
    let mut bars: Vec<(String, f64)> = standard
        .indicators
        .iter()
        .enumerate()
        .map(|(i, ind)| {
            (
                lang.pick(&ind.name_vi, &ind.name_en).to_owned(),
                giamngheo_store::rates::percent(p.poor_deprived[i], total),
            )
        })
        .collect();
    bars.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(BarChart {
        title: match lang {
            Lang::Vi => format!("Cơ cấu thiếu hụt của hộ nghèo năm {year}: {}", u.name),
            Lang::En => format!(
                "Deprivations of poor households by indicator, {year}: {}",
                u.name
            ),
        },
        value_label: lang
            .pick(
                "% trong tổng số thiếu hụt của hộ nghèo",
                "% of all deprivations of poor households",
            )
            .to_owned(),
        bars,
    }
    .draw(lang))
}
