//! The app crate's suite: the use cases both front ends share.

use giamngheo_app::reports::rates_table;
use giamngheo_core::Lang;
use giamngheo_core::calendar::{review_day, vietnam_date};
use giamngheo_core::date::Date;
use giamngheo_core::ids::UnitLevel;
use giamngheo_report::table::Cell;
use giamngheo_store::rates::{Counts, YearRate};
use giamngheo_store::units::Unit;

fn year(year: i32, standard: &str, households: i64, poor: i64) -> YearRate {
    YearRate {
        year,
        standard_id: Some(standard.to_owned()),
        households,
        poor,
        near_poor: poor / 2,
        urban: Counts::default(),
        rural: Counts {
            households,
            poor,
            near_poor: poor / 2,
        },
        ethnic_minority: Counts::default(),
        communes: 2,
        communes_reported: 2,
        undecided: 0,
    }
}

#[test]
fn the_rates_table_marks_a_change_of_standard_and_says_why() {
    let unit = Unit {
        id: 1,
        level: UnitLevel::District,
        code: giamngheo_core::ids::UnitCode::parse(UnitLevel::District, "395").unwrap(),
        name: "Huyện Thọ Xuân".into(),
        short_name: "Thọ Xuân".into(),
        valid_from: None,
        valid_until: None,
    };
    let rates = [
        year(2020, "vn-2016-2020", 1000, 20),
        year(2021, "vn-2016-2020", 1000, 15),
        year(2022, "vn-2022-2025", 1000, 40),
    ];
    let on = Date::new(2026, 12, 5).unwrap();
    let cases: &[(Lang, &str, &str)] = &[
        (
            Lang::Vi,
            "Tỷ lệ nghèo (%)",
            "Từ năm 2022 áp dụng Chuẩn nghèo đa chiều giai đoạn 2022-2025 (trước đó: Chuẩn nghèo tiếp cận đa chiều giai đoạn 2016-2020)",
        ),
        (
            Lang::En,
            "Poor rate (%)",
            "From 2022 the standard is the Multidimensional poverty standard 2022-2025",
        ),
    ];
    for (lang, label, note) in cases {
        let t = rates_table(&unit, on, &rates, *lang);
        assert_eq!(
            t.columns[..6],
            [
                "unit_code",
                "unit_name",
                "year",
                "households",
                "poor",
                "poor_rate"
            ]
        );
        assert_eq!(t.labels[5], *label);
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.breaks, [2], "{lang:?}");
        assert!(t.notes.iter().any(|n| n.starts_with(note)), "{:?}", t.notes);
        assert_eq!(t.rows[1][5], Cell::rate(1.5));
        assert!(t.title.contains("05/12/2026"), "{}", t.title);
    }
}

#[test]
fn the_review_day_and_the_date_in_vietnam() {
    assert_eq!(review_day(2019), Date::new(2019, 11, 15).unwrap());
    // 2026-12-04 17:00 UTC is already 5 December in Vietnam; 16:59 is not.
    let five_pm = Date::new(2026, 12, 4).unwrap().unix_days() * 86_400 + 17 * 3600;
    let cases = [(five_pm, (2026, 12, 5)), (five_pm - 60, (2026, 12, 4))];
    for (secs, (y, m, d)) in cases {
        assert_eq!(vietnam_date(secs), Date::new(y, m, d).unwrap(), "{secs}");
    }
}

#[test]
fn accounts_are_created_only_by_their_rules() {
    use giamngheo_app::accounts::{AccountError, create, verify_password};
    use giamngheo_core::round::Role;
    use giamngheo_store::audit::Actor;
    let path =
        std::env::temp_dir().join(format!("giamngheo-app-accounts-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let mut store = giamngheo_store::Store::open(path.to_str().unwrap()).unwrap();
    let units = giamngheo_formats::units::national().unwrap();
    store
        .load_units(
            &Actor::system(),
            &units.before,
            &units.after,
            &units.links,
            giamngheo_formats::units::reform_2025(),
        )
        .unwrap();
    let by = Actor::new("quản trị", Role::Administrator, "test");
    let strong = || Some("Song-Chu-chay-qua-Tho-Xuan".to_owned());
    // (name, role, unit, password, the field refused or None)
    let cases: &[(&str, Role, Option<&str>, Option<String>, Option<&str>)] = &[
        (
            "tinh-thanh-hoa",
            Role::ProvinceStaff,
            Some("38"),
            strong(),
            None,
        ),
        ("kiem-toan", Role::Auditor, None, strong(), None),
        ("sinh-mat-khau", Role::Administrator, None, None, None),
        (
            "khong-don-vi",
            Role::CommuneOfficer,
            None,
            strong(),
            Some("unit"),
        ),
        (
            "sai-don-vi",
            Role::CommuneOfficer,
            Some("99999"),
            strong(),
            Some("unit"),
        ),
        ("", Role::Administrator, None, strong(), Some("name")),
        (
            "ẩn\u{200B}danh",
            Role::Administrator,
            None,
            strong(),
            Some("name"),
        ),
        (
            "yeu",
            Role::Administrator,
            None,
            Some("1234567890".to_owned()),
            Some("password"),
        ),
        (
            "trung-ten",
            Role::Administrator,
            None,
            Some("trung-ten-2026-abc".to_owned()),
            Some("password"),
        ),
        // The same name without regard to case and diacritics is taken.
        ("TINH-THANH-HOA", Role::Auditor, None, strong(), Some("db")),
    ];
    for (name, role, unit, password, refused) in cases {
        let got = create(&mut store, &by, name, *role, *unit, password.clone());
        match (got, refused) {
            (Ok(generated), None) => {
                let account = store.account_by_name(name).unwrap().unwrap();
                let pw = generated.or(password.clone()).unwrap();
                assert!(verify_password(&pw, &account.password_hash), "{name}");
                assert!(giamngheo_core::password::check(name, &pw).is_ok(), "{name}");
            }
            (Err(e), Some(field)) => assert_eq!(e.field(), *field, "{name}: {e:?}"),
            (got, _) => panic!("{name}: {got:?}"),
        }
    }
    assert!(matches!(
        create(
            &mut store,
            &by,
            "x-y",
            Role::VillageReviewer,
            None,
            strong()
        ),
        Err(AccountError::UnitNeeded(Role::VillageReviewer))
    ));
    drop(store);
    for suffix in ["", "-wal", "-shm", ".audit-key"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// The forecast under the 2026-2030 standard on a small demo: the ranges hold together, the children add up to
/// the unit, the CSV has the columns, and a unit cost entered for the province prices its communes'
/// support.
/// A demo registry of 800 households built with `seed` on 5 December 2026, in a file of its own named for
/// `test`; the test removes the file.
fn small_demo(test: &str, seed: u64) -> (std::path::PathBuf, giamngheo_store::Store) {
    let path = std::env::temp_dir().join(format!("giamngheo-app-{test}-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let mut store = giamngheo_store::Store::open(path.to_str().unwrap()).unwrap();
    giamngheo_demo::build(
        &mut store,
        giamngheo_demo::DemoOptions {
            households: 800,
            seed,
            today: Date::new(2026, 12, 5).unwrap(),
        },
        &mut |_, _, _| {},
    )
    .unwrap();
    (path, store)
}

#[test]
fn the_forecast_adds_up_and_prices_support_with_the_costs_entered() {
    use giamngheo_app::forecast::{ForecastRequest, forecast};
    use giamngheo_core::forecast::Growth;
    use giamngheo_core::standard::builtin;
    let (path, mut store) = small_demo("forecast", 11);
    let on = Date::new(2026, 12, 5).unwrap();
    let province = store.unit_by_code("38", on).unwrap().unwrap();
    let request = |growth| ForecastRequest {
        unit: province.clone(),
        on,
        from_year: 2026,
        target: builtin::get("vn-2026-2030").unwrap(),
        growth,
        survey_list: true,
    };
    let flat = forecast(&mut store, request(Growth::NONE)).unwrap();
    let t = &flat.total;
    assert_eq!(flat.data_year, Some(2025), "the 2026 round is not decided");
    assert!(t.households > 0);
    assert!(t.poor.low <= t.poor.high && t.near_poor.low <= t.near_poor.high);
    assert!(t.poor.high + t.near_poor.low <= t.households);
    assert_eq!(
        flat.children.iter().map(|(_, c)| c.households).sum::<u64>(),
        t.households,
        "the communes add up to the province"
    );
    assert_eq!(
        flat.children.iter().map(|(_, c)| c.poor.high).sum::<u64>(),
        t.poor.high
    );
    assert_eq!(t.unsettled as usize, flat.unsettled.len());
    // Growth only lifts incomes: fewer poor at the top of the range, never more.
    let grown = forecast(&mut store, request(Growth::percent(10.0).unwrap())).unwrap();
    assert!(grown.total.poor.high <= t.poor.high);
    assert!(grown.total.poor.low <= t.poor.low);
    let units = flat.units_table(Lang::En);
    assert_eq!(
        units.columns[..11],
        [
            "unit_code",
            "unit_name",
            "households",
            "poor_now",
            "near_poor_now",
            "poor_low",
            "poor_high",
            "near_poor_low",
            "near_poor_high",
            "poor_rate_low",
            "poor_rate_high"
        ]
    );
    assert_eq!(units.rows.len(), 1 + flat.children.len());
    assert!(
        units.notes.iter().any(|n| n.contains("0.0 % a year")),
        "{:?}",
        units.notes
    );
    // The demo enters synthetic unit costs for every province: each programme is priced, and says where from.
    let support = flat.support_table(Lang::Vi);
    assert!(
        support.rows.iter().all(|r| r[4] != Cell::Empty),
        "{:?}",
        support.rows
    );
    assert!(
        support
            .rows
            .iter()
            .all(|r| matches!(&r[6], Cell::Text(t) if t.contains("synthetic")))
    );
    // A cost set again for the province replaces it and prices its programme for every household counted.
    let planner = giamngheo_store::audit::Actor::new(
        "Sở Nông nghiệp và Môi trường",
        giamngheo_core::round::Role::ProvinceStaff,
        "test",
    );
    store
        .set_programme_costs(
            &planner,
            &[giamngheo_store::costs::ProgrammeCost {
                programme_code: "water_sanitation".into(),
                unit_id: province.id,
                year: 2027,
                cost_vnd: 6_000_000,
                note: "Kế hoạch 2027 (thử)".into(),
            }],
        )
        .unwrap();
    let priced = forecast(&mut store, request(Growth::NONE)).unwrap();
    let water = priced
        .support
        .iter()
        .find(|n| n.programme.code == "water_sanitation")
        .unwrap();
    assert_eq!(
        water.budget(),
        Some((
            6_000_000 * water.households.low as i64,
            6_000_000 * water.households.high as i64
        ))
    );
    assert_eq!(water.cost_unit.as_deref(), Some(province.name.as_str()));
    // A commune officer cannot set a province's costs.
    let commune = store
        .units_at_level(UnitLevel::Commune, on)
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    let officer = giamngheo_store::audit::Actor::new(
        "Cán bộ xã",
        giamngheo_core::round::Role::CommuneOfficer,
        "test",
    )
    .account(
        1,
        giamngheo_store::scope::Scope::Units(std::sync::Arc::new(
            [commune.id].into_iter().collect(),
        )),
    );
    assert!(
        store
            .set_programme_costs(
                &officer,
                &[giamngheo_store::costs::ProgrammeCost {
                    programme_code: "water_sanitation".into(),
                    unit_id: province.id,
                    year: 2027,
                    cost_vnd: 1,
                    note: String::new(),
                }],
            )
            .is_err()
    );
    drop(store);
    let _ = std::fs::remove_file(&path);
}

/// A commune's graduation plan on a small demo: every poor and near-poor household has a route with its class
/// after, cheapest first; a budget buys a prefix of that order and never more than it holds; the rate after is
/// the poor rate less the poor it lifts; every household is explained in both languages.
#[test]
fn a_plan_orders_households_by_cost_and_spends_the_budget_from_the_cheapest() {
    use giamngheo_app::plan::{PlanRequest, plan};
    let (path, mut store) = small_demo("plan", 5);
    let on = Date::new(2026, 12, 5).unwrap();
    let commune = store.unit_by_code("15499", on).unwrap().unwrap();
    let request = |budget| PlanRequest {
        unit: commune.clone(),
        on,
        year: 2025,
        budget,
        target_rate: Some(1.0),
    };
    let all = plan(&mut store, request(None)).unwrap();
    assert!(!all.planned.is_empty());
    let costs: Vec<i64> = all
        .planned
        .iter()
        .map(|p| p.assessment.route.as_ref().unwrap().cost_vnd)
        .collect();
    assert!(costs.windows(2).all(|w| w[0] <= w[1]), "cheapest first");
    assert!(all.planned.iter().all(|p| p.in_plan), "no budget: everyone");
    assert!(
        all.planned
            .iter()
            .all(|p| p.assessment.route.as_ref().unwrap().class_after > p.class)
    );
    let budget = costs[costs.len() / 2];
    let some = plan(&mut store, request(Some(budget))).unwrap();
    assert!(some.spent <= budget);
    let bought = some.planned.iter().filter(|p| p.in_plan).count();
    assert!(some.planned[..bought].iter().all(|p| p.in_plan), "a prefix");
    assert!(bought < some.planned.len());
    assert!(some.rate_after() <= some.rate_now());
    let expected = giamngheo_store::rates::percent(
        (some.poor_now - some.poor_lifted()) as i64,
        some.households as i64,
    );
    assert_eq!(some.rate_after(), expected);
    let vi = some.households_table(Lang::Vi);
    let en = some.households_table(Lang::En);
    assert_eq!(vi.rows.len(), some.planned.len());
    for (v, e) in vi.rows.iter().zip(&en.rows) {
        let (Cell::Text(v), Cell::Text(e)) = (&v[12], &e[12]) else {
            panic!("explanations are text");
        };
        assert!(
            v.contains("Cách ít tốn nhất") && e.contains("Cheapest way"),
            "{v} / {e}"
        );
    }
    // The commune, then its villages: theirs add up to it.
    let summary = some.summary_table(Lang::Vi);
    assert!(summary.rows.len() > 1);
    let sum = |col: usize| -> i64 {
        summary.rows[1..]
            .iter()
            .map(|r| match r[col] {
                Cell::Int(n) => n,
                _ => 0,
            })
            .sum()
    };
    assert_eq!(Cell::Int(sum(6)), summary.rows[0][6], "spent");
    assert_eq!(Cell::Int(sum(8)), summary.rows[0][8], "poor lifted");
    drop(store);
    let _ = std::fs::remove_file(&path);
}
