//! `giamngheo demo`: a deterministic synthetic registry modelled on the two districts of the 2019 news report
//! the project grew from. **Everything here is synthetic** except the administrative units (the official
//! lists) and the published figures the model is calibrated to: Thọ Xuân's poor-household rate of 7.42 % at
//! the end of 2015 falling to 1.74 % at the end of 2019, 1.42 points a year. Every other rate, every name and
//! every household is invented, and the demo says so.
//!
//! Households are real rows of the registry and every class comes out of the classifier: the generator only
//! chooses incomes and deprivations so that, year by year, the classifier finds the calibrated number of poor
//! households.

mod names;
mod rng;

use giamngheo_core::date::Date;
use giamngheo_core::facts::Sex;
use giamngheo_core::ids::{CitizenId, HouseholdCode, PersonName, UnitLevel};
use giamngheo_core::registry::{HouseholdRecord, MemberRecord, Relation};
use giamngheo_core::round::RoundKind;
use giamngheo_core::standard::{CombiningRule, builtin};
use giamngheo_core::{Area, Class, Classifier, DeprivationSet, Income, Lang, StandardError};
use giamngheo_store::audit::Actor;
use giamngheo_store::rates::YearRate;
use giamngheo_store::reviews::NewReview;
use giamngheo_store::{Store, StoreError};

use crate::rng::Rng;

pub const FIRST_YEAR: i32 = 2015;
pub const LAST_YEAR: i32 = 2025;

/// A district of the model and its calibration. `poor` and `near_poor` are rates in percent for the reviews
/// at the end of 2015 … 2025.
pub struct DistrictModel {
    pub code: &'static str,
    pub name: &'static str,
    /// Households in the default demo.
    pub households: u64,
    pub mountain: bool,
    pub poor: [f64; 11],
    pub near_poor: [f64; 11],
    /// Which of the rates are published figures (the rest are synthetic).
    pub published: &'static str,
}

pub const DISTRICTS: [DistrictModel; 2] = [
    DistrictModel {
        code: "395",
        name: "Thọ Xuân",
        households: 65_000,
        mountain: false,
        poor: [
            7.42, 6.00, 4.58, 3.16, 1.74, 1.45, 1.20, 2.90, 2.20, 1.60, 1.10,
        ],
        near_poor: [
            6.80, 6.10, 5.40, 4.70, 4.00, 3.60, 3.20, 4.10, 3.50, 2.90, 2.40,
        ],
        published: "2015: 7,42 %; 2019: 1,74 %; giảm bình quân 1,42 điểm %/năm (báo cáo năm 2019)",
    },
    DistrictModel {
        code: "512",
        name: "Hiệp Đức",
        households: 11_000,
        mountain: true,
        poor: [
            28.00, 23.60, 19.40, 15.30, 11.90, 9.80, 8.10, 14.50, 11.80, 9.20, 7.00,
        ],
        near_poor: [
            11.50, 11.00, 10.40, 9.80, 9.10, 8.60, 8.00, 9.50, 8.80, 8.10, 7.40,
        ],
        published: "không có số liệu công bố: toàn bộ là số liệu giả lập",
    },
];

#[derive(Clone, Copy, Debug)]
pub struct DemoOptions {
    pub households: u64,
    pub seed: u64,
    /// The day the demo is built on (Vietnam's date): its last round is placed around it, so the demo never
    /// expires (see [`RoundSchedule`]).
    pub today: Date,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            households: DISTRICTS.iter().map(|d| d.households).sum(),
            seed: 2019,
            today: giamngheo_store::today(),
        }
    }
}

#[derive(Debug)]
pub enum DemoError {
    Store(StoreError),
    Standard(StandardError),
    Units(giamngheo_formats::CsvError),
    /// The classifier did not find the calibrated number of poor households (a bug in the generator).
    Calibration {
        district: &'static str,
        year: i32,
        expected: u64,
        found: u64,
    },
}

impl From<StoreError> for DemoError {
    fn from(e: StoreError) -> Self {
        DemoError::Store(e)
    }
}

impl From<StandardError> for DemoError {
    fn from(e: StandardError) -> Self {
        DemoError::Standard(e)
    }
}

pub struct DistrictResult {
    pub model: &'static DistrictModel,
    pub unit_id: i64,
    pub rates: Vec<YearRate>,
}

/// The last round the demo runs, in its posting period or awaiting its decision.
pub struct RoundSummary {
    pub round_id: i64,
    pub year: i32,
    pub commune: String,
    pub households: u64,
    pub posted_on: Date,
    pub posting_ends: Date,
    /// Whether the demo's day falls inside the posting period (else the round awaits its decision).
    pub posting_now: bool,
    pub open_complaint: i64,
}

/// When the demo's last round happened, from the day the demo is built on, so that a demo built on any day shows
/// a round posted since yesterday: the public page shows its list and takes complaints, and the decision waits
/// for the posting to end. From 10 October it is that year's periodic round; before, last year's, posted late
/// (a round of the year has not reached its posting before October).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoundSchedule {
    pub year: i32,
    pub opened: Date,
    pub surveyed: Date,
    /// The first village meeting; the others follow a day apart, all before the posting.
    pub meetings_from: Date,
    pub posted: Date,
    pub complaint: Date,
}

impl RoundSchedule {
    pub fn around(today: Date) -> RoundSchedule {
        let d = |y, m, day| Date::new(y, m, day).unwrap_or_else(|_| unreachable!("a valid date"));
        let this_year = today.year();
        let year = if today >= d(this_year, 10, 10) {
            this_year
        } else {
            this_year - 1
        };
        let posted = today.add_days(-1);
        RoundSchedule {
            year,
            opened: d(year, 9, 1),
            surveyed: posted.add_days(-30),
            meetings_from: posted.add_days(-15),
            posted,
            complaint: posted.add_days(1),
        }
    }
}

pub struct DemoSummary {
    /// A household to look at: poor in the first review, no longer poor in 2019.
    pub example: Option<String>,
    /// The last round of one commune, posted (see [`RoundSchedule`]) and awaiting its decision.
    pub round: Option<RoundSummary>,
    pub households: u64,
    pub members: u64,
    pub reviews: u64,
    pub districts: Vec<DistrictResult>,
}

/// The periodic review date of a year (the round runs 1 September to 14 December).
pub fn review_date(year: i32) -> Date {
    giamngheo_core::calendar::review_day(year)
}

fn decision_date(year: i32) -> Date {
    Date::new(year, 12, 10).unwrap_or_else(|_| unreachable!("a valid date"))
}

/// One generated household, kept for the reviews.
struct Hh {
    code: String,
    district: usize,
    base: f64,
    minority: bool,
}

/// Builds the demo registry in `store` (which should be empty). `progress(phase, done, total)`.
pub fn build(
    store: &mut Store,
    opts: DemoOptions,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<DemoSummary, DemoError> {
    let units = giamngheo_formats::units::national().map_err(DemoError::Units)?;
    let reform = giamngheo_formats::units::reform_2025();
    progress("units", 0, 1);
    // The demo builds the registry as the system would: everything it writes is recorded under that name.
    let system = Actor::system();
    store.load_units(&system, &units.before, &units.after, &units.links, reform)?;
    progress("units", 1, 1);

    let registered = Date::new(FIRST_YEAR, 9, 1).unwrap_or_else(|_| unreachable!("a valid date"));
    let default_total: u64 = DISTRICTS.iter().map(|d| d.households).sum();
    let mut records: Vec<(u64, HouseholdRecord)> = Vec::new();
    let mut hhs: Vec<Hh> = Vec::new();
    let mut district_ids = Vec::new();
    let mut ids = CitizenIds::default();
    for (di, model) in DISTRICTS.iter().enumerate() {
        let district = store
            .unit_at(UnitLevel::District, model.code, registered)?
            .ok_or(StoreError::NotFound {
                what: "district",
                key: model.code.to_owned(),
            })?;
        district_ids.push(district.id);
        let communes = store.children_at(district.id, registered)?;
        let n = ((model.households as f64) * opts.households as f64 / default_total as f64)
            .round()
            .max(communes.len() as f64) as u64;
        let mut rng = Rng::derive(opts.seed, &[1, di as u64]);
        let weights: Vec<f64> = communes.iter().map(|_| 0.6 + 0.8 * rng.unit()).collect();
        let total_w: f64 = weights.iter().sum();
        let mut assigned = 0u64;
        for (ci, commune) in communes.iter().enumerate() {
            let share = if ci + 1 == communes.len() {
                n - assigned
            } else {
                ((n as f64) * weights[ci] / total_w).round() as u64
            };
            assigned += share;
            let urban = commune.name.starts_with("Thị trấn") || commune.name.starts_with("Phường");
            let villages = share.div_ceil(180).max(1);
            for k in 0..share {
                let mut r = Rng::derive(opts.seed, &[2, di as u64, ci as u64, k]);
                let code = format!("{}-{:05}", commune.code, k + 1);
                let village = village_name(model.mountain, (k % villages) as usize);
                let (members, minority) = family(&mut r, &mut ids, model.mountain);
                let record = HouseholdRecord::new(
                    HouseholdCode::parse(&code)
                        .unwrap_or_else(|| unreachable!("generated codes are valid")),
                    commune.code.clone(),
                    Some(village),
                    if urban { Area::Urban } else { Area::Rural },
                    "",
                    members,
                )
                .unwrap_or_else(|_| unreachable!("a generated family has one head"));
                records.push((records.len() as u64 + 2, record));
                hhs.push(Hh {
                    code,
                    district: di,
                    base: r.normal(),
                    minority,
                });
            }
        }
    }
    let total = records.len() as u64;
    let members: u64 = records.iter().map(|(_, r)| r.members().len() as u64).sum();
    store.import_households(&system, &records, registered, &mut |done| {
        progress("households", done, total)
    })?;
    drop(records);

    let mut reviews = 0u64;
    let years: Vec<i32> = (FIRST_YEAR..=LAST_YEAR).collect();
    let mut last_listed: Vec<bool> = vec![false; hhs.len()];
    let mut poor_first: Vec<bool> = vec![false; hhs.len()];
    let mut example: Option<String> = None;
    let codes: std::collections::HashMap<&str, usize> = hhs
        .iter()
        .enumerate()
        .map(|(i, h)| (h.code.as_str(), i))
        .collect();
    for (yi, &year) in years.iter().enumerate() {
        if year == reform.year() {
            store.apply_reform(&system, reform)?;
        }
        progress("reviews", yi as u64, years.len() as u64);
        let day = review_date(year);
        let classifier = Classifier::new(builtin::for_year(year as u16)?);
        let located = store.households_on(day)?;
        let mut batch = Vec::new();
        let mut listed = vec![false; hhs.len()];
        for (di, model) in DISTRICTS.iter().enumerate() {
            // This year's welfare: the household's lasting position plus this year's luck.
            let mut order: Vec<(f64, &giamngheo_store::households::Located)> = located
                .iter()
                .filter_map(|l| codes.get(l.code.as_str()).map(|&i| (i, l)))
                .filter(|(i, _)| hhs[*i].district == di)
                .map(|(i, l)| {
                    let mut r = Rng::derive(opts.seed, &[3, year as u64, i as u64]);
                    (hhs[i].base + 0.45 * r.normal(), l)
                })
                .collect();
            order.sort_by(|a, b| a.0.total_cmp(&b.0));
            let n = order.len() as f64;
            let k_poor = (model.poor[yi] / 100.0 * n).round() as usize;
            let k_near = (model.near_poor[yi] / 100.0 * n).round() as usize;
            let k_middle = k_poor + k_near + (0.10 * n).round() as usize;
            let mut found_poor = 0u64;
            for (rank, (_, l)) in order.iter().enumerate() {
                let i = codes[l.code.as_str()];
                let target = if rank < k_poor {
                    Class::Poor
                } else if rank < k_poor + k_near {
                    Class::NearPoor
                } else if rank < k_middle {
                    Class::MiddleIncome
                } else {
                    Class::NotPoor
                };
                // Reviewed: the households on last year's lists and those the quick screening brings in.
                if target == Class::NotPoor && !last_listed[i] {
                    continue;
                }
                let area = l.area;
                let mut r = Rng::derive(opts.seed, &[4, year as u64, i as u64]);
                let (income, d) = draw(&mut r, &classifier, area, target, model.mountain);
                let outcome = classifier
                    .classify(area, Income::Vnd(income), d)
                    .unwrap_or_else(|_| unreachable!("income mode always classifies"));
                if outcome.class == Class::Poor {
                    found_poor += 1;
                }
                if year == FIRST_YEAR && outcome.class == Class::Poor {
                    poor_first[i] = true;
                }
                if year == 2019
                    && poor_first[i]
                    && outcome.class != Class::Poor
                    && example.as_ref().is_none_or(|e| hhs[i].code < *e)
                {
                    example = Some(hhs[i].code.clone());
                }
                listed[i] = matches!(outcome.class, Class::Poor | Class::NearPoor);
                batch.push(NewReview {
                    household_id: l.id,
                    year,
                    round: RoundKind::Periodic,
                    review_date: day,
                    commune_id: l.commune_id,
                    village_id: l.village_id,
                    area: area.code().to_owned(),
                    ethnic_minority: hhs[i].minority,
                    members: l.members,
                    standard_id: classifier.standard().id.clone(),
                    income_per_capita: Some(income),
                    income_score: None,
                    deprivations: d.0,
                    computed_class: outcome.class,
                    reason: classifier.reason(&outcome, Lang::Vi),
                    decided: Some((outcome.class, decision_date(year))),
                    corrects: None,
                    facts: None,
                });
            }
            if found_poor != k_poor as u64 {
                return Err(DemoError::Calibration {
                    district: model.name,
                    year,
                    expected: k_poor as u64,
                    found: found_poor,
                });
            }
        }
        reviews += batch.len() as u64;
        store.insert_reviews(&system, &batch)?;
        last_listed = listed;
    }
    progress("reviews", years.len() as u64, years.len() as u64);

    // The rates as any report computes them, on the boundaries of 2020 (the districts as they were).
    let boundaries = Date::new(2020, 1, 1).unwrap_or_else(|_| unreachable!("a valid date"));
    let year_days: Vec<(i32, Date)> = years.iter().map(|&y| (y, review_date(y))).collect();
    let mut districts = Vec::new();
    for (model, unit_id) in DISTRICTS.iter().zip(district_ids) {
        let rates = store.rates(unit_id, boundaries, &year_days)?;
        districts.push(DistrictResult {
            model,
            unit_id,
            rates,
        });
    }
    progress("round", 0, 1);
    let round = last_round(store, opts.seed, RoundSchedule::around(opts.today))?.map(|mut r| {
        r.posting_now = opts.today <= r.posting_ends;
        r
    });
    progress("round", 1, 1);
    // One household of each district tells where the district's households live now: their provinces get costs.
    let samples: Vec<String> = DISTRICTS
        .iter()
        .enumerate()
        .filter_map(|(di, _)| {
            hhs.iter()
                .find(|h| h.district == di)
                .map(|h| h.code.clone())
        })
        .collect();
    demo_costs(store, &system, opts.today, &samples)?;
    // The bulk import left the search tables to be rebuilt: done here, so the first `serve` starts at once.
    progress("search", 0, 1);
    store.prepare_search()?;
    progress("search", 1, 1);
    Ok(DemoSummary {
        example,
        households: total,
        members,
        reviews,
        districts,
        round,
    })
}

/// The commune whose last round the demo runs: Xuân Lập's successor after the 2025 merger (15493 → 15499).
pub const ROUND_COMMUNE: &str = "15499";

/// The last periodic round of one commune, run as far as the public posting (dated by `when`): the list, a
/// survey of every listed household, the village meetings, one complaint being answered, and support received
/// during the year. The decision is left to the user.
fn last_round(
    store: &mut Store,
    seed: u64,
    when: RoundSchedule,
) -> Result<Option<RoundSummary>, DemoError> {
    use giamngheo_core::registry::ReviewInput;
    use giamngheo_core::round::Role;
    use giamngheo_store::rounds::{NewComplaint, NewMeeting, NewRound, SurveyInput, VoteInput};
    let d = |y, m, day| Date::new(y, m, day).unwrap_or_else(|_| unreachable!("a valid date"));
    let opened = when.opened;
    let Some(commune) = store.unit_at(UnitLevel::Commune, ROUND_COMMUNE, opened)? else {
        return Ok(None);
    };
    let officer = Actor::new(
        "Lê Thị Hương (cán bộ giảm nghèo, dữ liệu mẫu)",
        Role::CommuneOfficer,
        "demo",
    );
    let reviewer = Actor::new(
        "Trịnh Văn Bình (rà soát viên, dữ liệu mẫu)",
        Role::VillageReviewer,
        "demo",
    );
    let standard = builtin::for_year(u16::try_from(when.year).unwrap_or(u16::MAX))?;
    let classifier = Classifier::new(standard);
    let round = store.open_round(
        &officer,
        &NewRound {
            commune_id: commune.id,
            kind: RoundKind::Periodic,
            year: when.year,
            month: None,
            opened_on: opened,
            standard_id: classifier.standard().id.clone(),
        },
    )?;
    let cases = store.round_cases(round)?;
    if cases.is_empty() {
        return Ok(None);
    }
    // Last year's income and deprivations of each listed household, moved on by a year of growth or shock.
    let mut inputs = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let last = store
            .household_history(c.household_code.as_str())?
            .reviews
            .into_iter()
            .rev()
            .find(|r| r.decided_class.is_some());
        let mut r = Rng::derive(seed, &[9, i as u64]);
        let income = last
            .as_ref()
            .and_then(|l| l.income_per_capita)
            .unwrap_or(1_400_000);
        let factor = 0.85 + 0.6 * r.unit();
        let deprived = last.as_ref().map_or(2, |l| l.deprivation_count as usize);
        let mut set = DeprivationSet::default();
        for k in 0..deprived.min(classifier.standard().indicators.len()) {
            set.insert(k);
        }
        inputs.push(SurveyInput {
            input: ReviewInput {
                row: i as u64 + 2,
                household_code: c.household_code.clone(),
                income: Income::Vnd(((income as f64) * factor / 1000.0).round() as i64 * 1000),
                deprivations: set,
                area: None,
                decided: None,
            },
            expected_version: None,
        });
    }
    store.record_survey(&reviewer, round, &classifier, when.surveyed, &inputs)?;
    let mut by_village: std::collections::BTreeMap<
        String,
        Vec<&giamngheo_store::rounds::CaseView>,
    > = std::collections::BTreeMap::new();
    for c in &cases {
        by_village
            .entry(c.village.clone().unwrap_or_default())
            .or_default()
            .push(c);
    }
    for (n, (village, list)) in by_village.iter().enumerate() {
        let attendees = 30 + (n as u32 % 12);
        store.record_meeting(
            &officer,
            round,
            &NewMeeting {
                village_id: None,
                held_on: when.meetings_from.add_days(n as i64 % 8),
                chair: format!("Trưởng {village}"),
                secretary: "Thư ký cuộc họp".to_owned(),
                attendees,
                minutes: Some(format!(
                    "Họp dân {village} thống nhất kết quả rà soát năm {} (dữ liệu mẫu).",
                    when.year
                )),
                votes: list
                    .iter()
                    .enumerate()
                    .map(|(k, c)| VoteInput {
                        row: k as u64 + 2,
                        household_code: c.household_code.clone(),
                        votes_for: attendees - 3,
                        votes_against: 2,
                    })
                    .collect(),
            },
        )?;
    }
    let posting_ends = store.post_results(
        &officer,
        round,
        when.posted,
        "Trụ sở UBND xã và nhà văn hóa các thôn",
    )?;
    let complaint = store.add_complaint(
        &reviewer,
        round,
        &NewComplaint {
            household_code: Some(cases[0].household_code.clone()),
            received_on: when.complaint,
            complainant: "Người dân trong thôn (dữ liệu mẫu)".to_owned(),
            channel: giamngheo_core::complaint::ComplaintChannel::InPerson,
            content: "Đề nghị xem lại thu nhập của hộ, hộ đã có thêm người đi làm.".to_owned(),
        },
    )?;
    let mut support = Vec::new();
    for (i, c) in cases.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
        support.push(giamngheo_store::support::NewSupport {
            programme_code: [
                "health_insurance",
                "livelihood",
                "credit",
                "vocational_training",
            ][i % 4]
                .to_owned(),
            household_code: c.household_code.clone(),
            person_citizen_id: None,
            received_on: d(when.year, 1 + (i % 9) as u8, 10),
            amount_vnd: Some([1_105_000, 8_000_000, 30_000_000, 3_000_000][i % 4]),
            quantity: Some(1),
            provider: [
                "BHXH tỉnh",
                "Hội Nông dân xã",
                "Ngân hàng Chính sách xã hội",
                "Trung tâm dạy nghề",
            ][i % 4]
                .to_owned(),
            note: None,
        });
    }
    store.record_support(&officer, &support)?;
    Ok(Some(RoundSummary {
        round_id: round,
        year: when.year,
        commune: commune.name,
        households: cases.len() as u64,
        posted_on: when.posted,
        posting_ends,
        // Set by the caller, who knows the day.
        posting_now: false,
        open_complaint: complaint,
    }))
}

/// Unit costs of the national programmes for the provinces the demo's households live in (found from one
/// household of each district), this year and next, so that the forecast and the graduation plans price their
/// support. Synthetic figures of a plausible size, and the note says so.
fn demo_costs(
    store: &mut Store,
    system: &Actor,
    today: Date,
    households: &[String],
) -> Result<(), DemoError> {
    const COSTS: [(&str, i64); 8] = [
        ("health_insurance", 1_105_000),
        ("tuition", 1_500_000),
        ("housing", 40_000_000),
        ("credit", 50_000_000),
        ("livelihood", 8_000_000),
        ("vocational_training", 3_000_000),
        ("water_sanitation", 5_000_000),
        ("information", 2_000_000),
    ];
    let mut provinces: Vec<giamngheo_store::units::Unit> = Vec::new();
    for code in households {
        let Some(home) = store.whereabouts(code)? else {
            continue;
        };
        // The village: after the 2025 merger it lies under the new commune, while the residence names the old one.
        let Some(mut u) = store.unit(home.village_id.unwrap_or(home.commune_id))? else {
            continue;
        };
        while let Some(p) = store.parent_at(u.id, today)? {
            u = p;
        }
        if u.level == UnitLevel::Province && !provinces.iter().any(|p| p.id == u.id) {
            provinces.push(u);
        }
    }
    let mut costs = Vec::new();
    for province in provinces {
        for year in [today.year(), today.year() + 1] {
            for (code, cost) in COSTS {
                costs.push(giamngheo_store::costs::ProgrammeCost {
                    programme_code: code.to_owned(),
                    unit_id: province.id,
                    year,
                    cost_vnd: cost,
                    note: "Định mức mẫu, không phải số liệu thật (synthetic)".to_owned(),
                });
            }
        }
    }
    store.set_programme_costs(system, &costs)?;
    Ok(())
}

fn village_name(mountain: bool, k: usize) -> String {
    if mountain {
        let base = names::VILLAGE_MOUNTAIN[k % names::VILLAGE_MOUNTAIN.len()];
        if k < names::VILLAGE_MOUNTAIN.len() {
            format!("Thôn {base}")
        } else {
            format!("Thôn {base} {}", k / names::VILLAGE_MOUNTAIN.len() + 1)
        }
    } else {
        format!("Thôn {}", k + 1)
    }
}

fn person_name(r: &mut Rng, family: &str, sex: Sex) -> PersonName {
    let (middle, given) = match sex {
        Sex::Male => (*r.pick(names::MIDDLE_MALE), *r.pick(names::GIVEN_MALE)),
        Sex::Female => (*r.pick(names::MIDDLE_FEMALE), *r.pick(names::GIVEN_FEMALE)),
    };
    PersonName::parse(&format!("{family} {middle} {given}"))
        .unwrap_or_else(|| unreachable!("generated names are valid"))
}

/// Citizen IDs in the national layout: province of birth (3 digits), a digit for sex and century, the last
/// two digits of the birth year, six more digits. The six digits count people of the same prefix through a
/// fixed permutation, so no two synthetic people share an ID.
#[derive(Default)]
struct CitizenIds(std::collections::HashMap<String, u64>);

impl CitizenIds {
    fn next(&mut self, province: &str, sex: Sex, born: Date) -> Option<CitizenId> {
        let century = if born.year() >= 2000 { 2 } else { 0 };
        let s = century + if sex == Sex::Female { 1 } else { 0 };
        let prefix = format!("0{province}{s}{:02}", born.year() % 100);
        let n = self.0.entry(prefix.clone()).or_insert(0);
        *n += 1;
        CitizenId::parse(&format!("{prefix}{:06}", (*n * 7919 + 104_729) % 1_000_000))
    }
}

fn family(r: &mut Rng, ids: &mut CitizenIds, mountain: bool) -> (Vec<MemberRecord>, bool) {
    let province = if mountain { "49" } else { "38" };
    let eth_table = if mountain {
        names::ETHNICITY_MOUNTAIN
    } else {
        names::ETHNICITY_LOWLAND
    };
    let ethnicity = eth_table[r.weighted(&eth_table.iter().map(|e| e.1).collect::<Vec<_>>())].0;
    let fam = names::FAMILY[r.weighted(&names::FAMILY.iter().map(|f| f.1).collect::<Vec<_>>())].0;
    let size = 1 + r.weighted(&[8.0, 17.0, 20.0, 27.0, 15.0, 8.0, 5.0]);
    let head_sex = if r.unit() < 0.8 {
        Sex::Male
    } else {
        Sex::Female
    };
    let head_age = r.range(24, 82) as i32;
    let review = review_date(FIRST_YEAR);
    let born = |r: &mut Rng, age: i32| {
        Date::new(
            review.year() - age - 1,
            r.range(1, 12) as u8,
            r.range(1, 28) as u8,
        )
        .unwrap_or(review)
    };
    let mut members = Vec::with_capacity(size);
    let head_born = born(r, head_age);
    let cid = ids.next(province, head_sex, head_born);
    members.push(MemberRecord::new(
        person_name(r, fam, head_sex),
        head_sex,
        head_born,
        ethnicity,
        cid,
        Relation::Head,
    ));
    if size >= 2 && head_age < 78 {
        let sex = if head_sex == Sex::Male {
            Sex::Female
        } else {
            Sex::Male
        };
        let spouse_family =
            names::FAMILY[r.weighted(&names::FAMILY.iter().map(|f| f.1).collect::<Vec<_>>())].0;
        let age = (head_age + r.range(-4, 3) as i32).max(20);
        let b = born(r, age);
        let cid = ids.next(province, sex, b);
        members.push(MemberRecord::new(
            person_name(r, spouse_family, sex),
            sex,
            b,
            ethnicity,
            cid,
            Relation::Spouse,
        ));
    }
    while members.len() < size {
        let sex = if r.unit() < 0.51 {
            Sex::Male
        } else {
            Sex::Female
        };
        let (relation, age) = if head_age > 55 && r.unit() < 0.3 {
            (Relation::Grandchild, r.range(0, 15) as i32)
        } else if head_age < 45 && r.unit() < 0.15 {
            (
                Relation::Parent,
                (head_age + r.range(22, 32) as i32).min(95),
            )
        } else {
            (Relation::Child, (head_age - r.range(20, 38) as i32).max(0))
        };
        let b = born(r, age);
        let cid = if age >= 14 {
            ids.next(province, sex, b)
        } else {
            None
        };
        members.push(MemberRecord::new(
            person_name(r, fam, sex),
            sex,
            b,
            ethnicity,
            cid,
            relation,
        ));
    }
    (
        members,
        giamngheo_core::registry::is_ethnic_minority(ethnicity),
    )
}

/// Deprivation weights by indicator position: the lowland's poor lack insurance and sanitation more often
/// than housing; the mountain's lack housing, water and sanitation.
fn indicator_weights(n: usize, mountain: bool) -> Vec<f64> {
    (0..n)
        .map(|i| {
            let w = [3.0, 2.0, 1.5, 2.5, 2.0, 1.0, 2.0, 1.5, 2.5, 3.0, 2.0, 1.0];
            let m = [2.0, 2.0, 2.5, 1.5, 2.5, 1.5, 3.5, 2.0, 3.5, 3.5, 3.0, 2.0];
            if mountain { m[i % 12] } else { w[i % 12] }
        })
        .collect()
}

fn deprivations(r: &mut Rng, n_indicators: usize, count: usize, mountain: bool) -> DeprivationSet {
    let mut weights = indicator_weights(n_indicators, mountain);
    let mut d = DeprivationSet::default();
    for _ in 0..count.min(n_indicators) {
        let i = r.weighted(&weights);
        d.insert(i);
        weights[i] = 0.0;
    }
    d
}

/// An income and deprivations for which the standard gives `target`.
fn draw(
    r: &mut Rng,
    c: &Classifier,
    area: Area,
    target: Class,
    mountain: bool,
) -> (i64, DeprivationSet) {
    let s = c.standard();
    let lines = s.lines(area);
    let p = lines.poverty.value.get();
    let near = lines.near_poverty.as_ref().map(|v| v.value.get());
    let top = near.unwrap_or(p);
    let middle = lines
        .middle_income
        .as_ref()
        .map_or(top + top / 2, |v| v.value.get());
    let k = s.min_deprivations.value as usize;
    let n = s.indicators.len();
    let kk = k as i64;
    // (income range, range of the count of deprivations)
    let ((lo, hi), (dlo, dhi)) = match (target, s.combining.value) {
        (Class::Poor, CombiningRule::TwoTier) if r.unit() < 0.75 => ((p / 2, p), (0, 4)),
        (Class::Poor, _) => (near.map_or((p / 2, p), |nl| (p + 1, nl)), (kk, kk + 2)),
        (Class::NearPoor, CombiningRule::TwoTier) => ((p + 1, top), (0, kk - 1)),
        (Class::NearPoor, CombiningRule::SingleTier) => ((p / 2, p), (0, kk - 1)),
        (Class::MiddleIncome, _) => ((top + 1, middle), (0, 2)),
        (Class::NotPoor, _) => ((middle + 1, middle * 3), (0, 1)),
    };
    let income = r.range(lo, hi);
    let count = r.range(dlo, dhi) as usize;
    (income, deprivations(r, n, count, mountain))
}
