//! Routes out of poverty worked by hand under the 2022-2025 standard (rural line 1 500 000 đ, middle-income
//! ceiling 2 250 000 đ, poor with three deprivations or more).

use giamngheo_core::Class::{self, MiddleIncome, NearPoor, Poor};
use giamngheo_core::graduation::{Fix, Household, assess, spend};
use giamngheo_core::standard::{Standard, builtin};
use giamngheo_core::{Area, Classifier, DeprivationSet};

fn idx(s: &Standard, id: &str) -> usize {
    s.indicators.iter().position(|i| i.id == id).unwrap()
}

#[test]
fn the_cheapest_route_out_of_each_class() {
    let standard = builtin::get("vn-2022-2025").unwrap();
    let classifier = Classifier::new(standard.clone());
    let fix = |id: &str, programme: &str, cost: i64| Fix {
        indicator: idx(&standard, id),
        programme: programme.to_owned(),
        cost_vnd: cost,
    };
    let fixes = vec![
        fix("water", "water_sanitation", 5_000_000),
        fix("health_insurance", "health_insurance", 1_105_000),
        fix("employment", "livelihood", 8_000_000),
    ];
    let set = |ids: &[&str]| {
        let mut d = DeprivationSet::default();
        for id in ids {
            d.insert(idx(&standard, id));
        }
        d
    };
    // (what, income, members, deprivations, class, programmes bought, income gap a person, class after, cost)
    let cases: Vec<(&str, i64, u32, &[&str], Class, Vec<&str>, i64, Class, i64)> = vec![
        (
            "poor with four deprivations: the two cheapest fixes leave two, near-poor (cheaper than 14 400 048 đ of income)",
            1_200_000,
            4,
            &["water", "sanitation", "health_insurance", "employment"],
            Poor,
            vec!["health_insurance", "water_sanitation"],
            0,
            NearPoor,
            6_105_000,
        ),
        (
            "near-poor 50 001 đ a person under the line: only income lifts it, 50 001 × 3 × 12",
            1_450_000,
            3,
            &["water", "sanitation"],
            NearPoor,
            vec![],
            50_001,
            MiddleIncome,
            1_800_036,
        ),
        (
            "poor on deprivations nobody prices: income above the line is the way",
            1_490_000,
            2,
            &["sanitation", "floor_area", "adult_education"],
            Poor,
            vec![],
            10_001,
            MiddleIncome,
            240_024,
        ),
    ];
    for (what, income, members, deprived, class, bought, gap, after, cost) in cases {
        let h = Household {
            area: Area::Rural,
            members,
            income_per_capita: income,
            deprivations: set(deprived),
            class,
        };
        let a = assess(&classifier, &h, &fixes);
        let route = a.route.unwrap_or_else(|| panic!("{what}: no route"));
        let programmes: Vec<&str> = route.fixes.iter().map(|f| f.programme.as_str()).collect();
        assert_eq!(programmes, bought, "{what}");
        assert_eq!(route.income_gap_per_capita, gap, "{what}");
        assert_eq!(route.class_after, after, "{what}");
        assert_eq!(route.cost_vnd, cost, "{what}");
        assert_eq!(
            a.income_gap_per_capita,
            1_500_000 - income + 1,
            "{what}: the gap to the line"
        );
    }
    // What no priced programme fixes is named.
    let h = Household {
        area: Area::Rural,
        members: 2,
        income_per_capita: 1_490_000,
        deprivations: set(&["sanitation", "water"]),
        class: NearPoor,
    };
    let a = assess(&classifier, &h, &fixes);
    assert_eq!(a.unfixable, set(&["sanitation"]));
}

#[test]
fn a_budget_buys_the_cheapest_routes_first() {
    // (costs, budget, chosen, spent)
    let cases: Vec<(Vec<Option<i64>>, Option<i64>, Vec<usize>, i64)> = vec![
        (
            vec![Some(5), None, Some(3), Some(10)],
            Some(8),
            vec![2, 0],
            8,
        ),
        (vec![Some(5), None, Some(3), Some(10)], Some(7), vec![2], 3),
        (
            vec![Some(5), None, Some(3), Some(10)],
            None,
            vec![2, 0, 3],
            18,
        ),
        (vec![Some(5), Some(5)], Some(5), vec![0], 5),
        (vec![], Some(100), vec![], 0),
    ];
    for (costs, budget, chosen, spent) in cases {
        assert_eq!(
            spend(&costs, budget),
            (chosen, spent),
            "{costs:?} {budget:?}"
        );
    }
}
