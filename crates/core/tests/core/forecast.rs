//! The forecast under a new standard, worked by hand: a household's class with the indicators the new standard
//! adds unknown, income carried across a line by growth, survey answers settling what is unknown, and the sample
//! that would settle a unit's rate.

use giamngheo_core::Class::{self, MiddleIncome, NearPoor, NotPoor, Poor};
use giamngheo_core::facts::HouseholdFacts;
use giamngheo_core::forecast::{Bridge, Carried, Driver, Growth, Tally, forecast, sample_size};
use giamngheo_core::standard::{Standard, builtin};
use giamngheo_core::{Area, Classifier, DeprivationSet};
use proptest::prelude::*;

fn standards() -> (Standard, Standard) {
    (
        builtin::get("vn-2022-2025").unwrap(),
        builtin::get("vn-2026-2030").unwrap(),
    )
}

fn idx(s: &Standard, id: &str) -> usize {
    s.indicators
        .iter()
        .position(|i| i.id == id)
        .unwrap_or_else(|| panic!("{} has no indicator {id}", s.id))
}

fn set(s: &Standard, ids: &[&str]) -> DeprivationSet {
    let mut d = DeprivationSet::default();
    for id in ids {
        d.insert(idx(s, id));
    }
    d
}

fn classes(f: &giamngheo_core::forecast::Forecast) -> Vec<Class> {
    Class::ALL.into_iter().filter(|c| f.can_be(*c)).collect()
}

#[test]
fn a_household_is_forecast_as_the_classes_it_could_be_in() {
    let (source, target) = standards();
    let bridge = Bridge::new(&source, &target);
    let classifier = Classifier::new(target.clone());
    let waste = idx(&target, "waste");
    let telecom = idx(&target, "telecom");
    assert!(bridge.added().contains(waste), "waste is new in 2026-2030");
    assert!(
        bridge.added().contains(telecom),
        "telecom keeps its id but asks about internet use: not answered by the 2022-2025 survey"
    );
    assert!(
        bridge.dropped().contains(idx(&source, "information_means")),
        "information means are dropped"
    );
    // The two indicators the 2022-2025 survey does not answer, then `more`: most cases' drivers.
    let unknown = |more: &[Driver]| {
        [
            &[Driver::AddedUnknown(waste), Driver::AddedUnknown(telecom)],
            more,
        ]
        .concat()
    };
    // (what, area, income, deprivations under 2022-2025, class decided now, growth %, years, classes possible, drivers)
    let cases: Vec<(
        &str,
        Area,
        Option<i64>,
        &[&str],
        Class,
        f64,
        u32,
        Vec<Class>,
        Vec<Driver>,
    )> = vec![
        (
            "above the old line, under the new one, three shared deprivations: poor whatever waste is",
            Area::Rural,
            Some(2_000_000),
            &["employment", "health_insurance", "water"],
            MiddleIncome,
            0.0,
            1,
            vec![Poor],
            unknown(&[Driver::IncomeLine]),
        ),
        (
            "two shared deprivations: poor only if its waste handling or internet use is deprived",
            Area::Rural,
            Some(2_000_000),
            &["employment", "water"],
            MiddleIncome,
            0.0,
            1,
            vec![Poor, NearPoor],
            unknown(&[Driver::IncomeLine]),
        ),
        (
            "poor now through information means, which the new standard drops",
            Area::Rural,
            Some(1_400_000),
            &["employment", "water", "information_means"],
            Poor,
            0.0,
            1,
            vec![Poor, NearPoor],
            unknown(&[Driver::Dropped(idx(&source, "information_means"))]),
        ),
        (
            "no deprivation: two unknowns cannot make three, near-poor under the new line",
            Area::Rural,
            Some(2_150_000),
            &[],
            MiddleIncome,
            0.0,
            1,
            vec![NearPoor],
            unknown(&[Driver::IncomeLine]),
        ),
        (
            "the same income grown 5 % for a year crosses the new line (2 257 500 đ): not poor",
            Area::Rural,
            Some(2_150_000),
            &[],
            MiddleIncome,
            5.0,
            1,
            vec![NotPoor],
            unknown(&[]),
        ),
        (
            "urban line 2 800 000 đ: 2 500 000 đ with three deprivations is poor",
            Area::Urban,
            Some(2_500_000),
            &["nutrition", "floor_area", "sanitation"],
            MiddleIncome,
            0.0,
            1,
            vec![Poor],
            unknown(&[Driver::IncomeLine]),
        ),
        (
            "poor now and poor after, with nothing unknown that matters: no drivers",
            Area::Rural,
            Some(1_000_000),
            &["employment", "water", "sanitation", "nutrition"],
            Poor,
            0.0,
            1,
            vec![Poor],
            vec![],
        ),
        (
            "no income recorded (score only): every side of the line is possible",
            Area::Rural,
            None,
            &[],
            NearPoor,
            0.0,
            1,
            vec![NearPoor, NotPoor],
            unknown(&[Driver::IncomeUnknown]),
        ),
    ];
    for (what, area, income, deprived, now, growth, years, expect, drivers) in cases {
        let f = forecast(
            &bridge,
            &classifier,
            &Carried {
                area,
                income_per_capita: income,
                deprivations: set(&source, deprived),
                facts: None,
                years,
                now,
            },
            Growth::percent(growth).unwrap(),
        );
        assert_eq!(classes(&f), expect, "{what}: {f:?}");
        let mut got = f.drivers.clone();
        got.sort();
        let mut want = drivers.clone();
        want.sort();
        assert_eq!(got, want, "{what}: drivers");
        assert_eq!(f.worst(), expect[0], "{what}: worst case");
        assert_eq!(f.best(), *expect.last().unwrap(), "{what}: best case");
    }
}

#[test]
fn survey_answers_settle_the_unknown_indicators() {
    let (source, target) = standards();
    let bridge = Bridge::new(&source, &target);
    let classifier = Classifier::new(target.clone());
    let text = include_str!("../../../../samples/household-facts.toml");
    let facts = HouseholdFacts::from_toml(text).unwrap();
    let burned = facts.clone();
    let mut collected = facts.clone();
    collected.waste = giamngheo_core::facts::Waste::Collected;
    let known = classifier.deprivations(&burned);
    assert!(
        known.contains(idx(&target, "waste")),
        "burning waste is deprived"
    );
    for (what, facts, income) in [
        ("waste burned", &burned, 2_000_000),
        ("waste collected", &collected, 2_000_000),
        ("waste burned, income above the line", &burned, 2_300_000),
    ] {
        let f = forecast(
            &bridge,
            &classifier,
            &Carried {
                area: Area::Rural,
                income_per_capita: Some(income),
                deprivations: DeprivationSet::default(),
                facts: Some(facts),
                years: 1,
                now: NearPoor,
            },
            Growth::NONE,
        );
        assert!(f.settled(), "{what}: answers leave nothing unknown: {f:?}");
        assert!(f.unknown.0 == 0, "{what}");
        let direct = classifier
            .classify(
                Area::Rural,
                giamngheo_core::Income::Vnd(income),
                classifier.deprivations(facts),
            )
            .unwrap()
            .class;
        assert_eq!(f.worst(), direct, "{what}: the class the answers give");
    }
}

#[test]
fn a_tally_counts_ranges_and_the_sample_settles_the_rate() {
    let (source, target) = standards();
    let bridge = Bridge::new(&source, &target);
    let classifier = Classifier::new(target.clone());
    let mut tally = Tally::new(target.indicators.len());
    // Three households: surely poor, maybe poor (waste unknown), surely near-poor; one is poor now.
    for (income, deprived, now) in [
        (1_000_000, &["employment", "water", "sanitation"][..], Poor),
        (2_000_000, &["employment", "water"][..], MiddleIncome),
        (2_100_000, &[][..], NotPoor),
    ] {
        tally.add(&forecast(
            &bridge,
            &classifier,
            &Carried {
                area: Area::Rural,
                income_per_capita: Some(income),
                deprivations: set(&source, deprived),
                facts: None,
                years: 1,
                now,
            },
            Growth::NONE,
        ));
    }
    assert_eq!(tally.households, 3);
    assert_eq!(tally.poor_now, 1);
    assert_eq!((tally.poor.low, tally.poor.high), (1, 2));
    assert_eq!((tally.near_poor.low, tally.near_poor.high), (1, 2));
    assert_eq!((tally.entering_poor.low, tally.entering_poor.high), (0, 1));
    assert_eq!(
        (tally.entering_near_poor.low, tally.entering_near_poor.high),
        (1, 2)
    );
    assert_eq!((tally.leaving_poor.low, tally.leaving_poor.high), (0, 0));
    assert_eq!(tally.unsettled, 1);
    assert_eq!((tally.listed.low, tally.listed.high), (3, 3));
    let water = tally.deprived[idx(&target, "water")];
    assert_eq!((water.low, water.high), (2, 2));
    let waste = tally.deprived[idx(&target, "waste")];
    assert_eq!((waste.low, waste.high), (0, 3));
    let (low, high) = tally.poor.rates(tally.households);
    assert!((low - 33.333).abs() < 0.01 && (high - 66.667).abs() < 0.01);
    // (unsettled, households, margin in points, sample): worked by hand in the doc of `sample_size`.
    for (unsettled, households, margin, n) in [
        (0, 10_000, 0.5, 0),
        (100, 10_000, 0.5, 4),
        (2_000, 10_000, 0.5, 870),
        (10_000, 10_000, 0.5, 7_935),
        (5, 5, 0.5, 5),
    ] {
        assert_eq!(
            sample_size(unsettled, households, margin),
            n,
            "{unsettled} of {households}"
        );
    }
}

proptest! {
    /// Once the unknown indicators are surveyed, whatever the answers, the household's class under the new
    /// standard lies inside its forecast.
    #[test]
    fn a_surveyed_class_lies_inside_the_forecast(
        income in 0i64..4_000_000,
        urban in any::<bool>(),
        bits in 0u32..(1 << 12),
        answers in 0u32..(1 << 12),
        growth in -20.0f64..20.0,
        years in 0u32..3,
        no_income in any::<bool>(),
    ) {
        let (source, target) = standards();
        let bridge = Bridge::new(&source, &target);
        let classifier = Classifier::new(target.clone());
        let area = if urban { Area::Urban } else { Area::Rural };
        let deprivations = DeprivationSet(bits & ((1 << source.indicators.len()) - 1));
        let f = forecast(
            &bridge,
            &classifier,
            &Carried {
                area,
                income_per_capita: (!no_income).then_some(income),
                deprivations,
                facts: None,
                years,
                now: NearPoor,
            },
            Growth::percent(growth).unwrap(),
        );
        // The survey answers the unknown indicators; the known ones stay as recorded.
        let surveyed = DeprivationSet(f.known.0 | (f.unknown.0 & answers));
        let actual_income = f.income.unwrap_or(income);
        let class = classifier
            .classify(area, giamngheo_core::Income::Vnd(actual_income), surveyed)
            .unwrap()
            .class;
        prop_assert!(f.can_be(class), "{class:?} outside {f:?}");
        prop_assert!(f.worst() <= class && class <= f.best());
    }
}
