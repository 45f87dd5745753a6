//! Reports from the registry: rates broken down by area and ethnicity, on a small registry whose every figure
//! can be counted by hand from the table below.

use giamngheo_core::facts::Sex;
use giamngheo_core::ids::{HouseholdCode, PersonName, UnitCode, UnitLevel};
use giamngheo_core::registry::{HouseholdRecord, MemberRecord, Relation};
use giamngheo_core::{Area, Class};
use giamngheo_store::Store;
use giamngheo_store::rates::Counts;
use giamngheo_store::reviews::NewReview;

use crate::harness::{date, import, load_units, on_both, on_both_with_units, review_of};

pub const YEARS: [i32; 3] = [2021, 2022, 2023];

/// Code, area, the head's ethnicity, the periodic review class of 2021, 2022 and 2023 (None: not reviewed
/// that year), and the indicators the household is deprived in (bits). All in Xã Xuân Hồng (15493) of
/// Huyện Thọ Xuân (395).
type Story = (&'static str, Area, &'static str, [Option<Class>; 3], u32);
pub const STORY: &[Story] = &[
    (
        "H1",
        Area::Rural,
        "Kinh",
        [
            Some(Class::Poor),
            Some(Class::NearPoor),
            Some(Class::NotPoor),
        ],
        0b011,
    ),
    (
        "H2",
        Area::Rural,
        "Mường",
        [Some(Class::Poor), Some(Class::Poor), Some(Class::Poor)],
        0b001,
    ),
    (
        "H3",
        Area::Urban,
        "kinh",
        [Some(Class::NearPoor), Some(Class::Poor), None],
        0b100,
    ),
    (
        "H4",
        Area::Urban,
        "Thái",
        [None, Some(Class::Poor), Some(Class::NearPoor)],
        0b110,
    ),
    (
        "H5",
        Area::Rural,
        "Kinh",
        [Some(Class::NotPoor), None, Some(Class::Poor)],
        0,
    ),
    (
        "H6",
        Area::Rural,
        "Kinh",
        [Some(Class::Poor), Some(Class::NotPoor), Some(Class::Poor)],
        0b001,
    ),
];

/// The head of each household of the story, in order.
pub const HEADS: [&str; 6] = [
    "Lê Văn An",
    "Hà Văn Bình",
    "Lê Văn Chung",
    "Lò Văn Dũng",
    "Lê Văn Em",
    "Lê Văn Giang",
];

/// The standard in force for a review year of the story.
pub fn standard(year: i32) -> &'static str {
    if year < 2022 {
        "vn-2016-2020"
    } else {
        "vn-2022-2025"
    }
}

/// The household `i` of the story, living in `commune` and `village`.
pub fn record(i: usize, commune: &str, village: &str) -> HouseholdRecord {
    let (code, area, ethnicity, ..) = STORY[i];
    let head = MemberRecord::new(
        PersonName::parse(HEADS[i]).unwrap(),
        Sex::Male,
        date("1970-01-01"),
        ethnicity,
        None,
        Relation::Head,
    );
    HouseholdRecord::new(
        HouseholdCode::parse(code).unwrap(),
        UnitCode::parse(UnitLevel::Commune, commune).unwrap(),
        Some(village.into()),
        area,
        "",
        vec![head],
    )
    .unwrap()
}

/// Loads the story: households registered in 2020, reviews as the table says, decided.
pub fn load_story(store: &mut Store) {
    load_units(store);
    let recs: Vec<(u64, HouseholdRecord)> = (0..STORY.len())
        .map(|i| (i as u64 + 2, record(i, "15493", "Thôn 1")))
        .collect();
    import(store, &recs, "2020-01-01");
    let mut reviews = Vec::new();
    for (code, area, ethnicity, classes, deprivations) in STORY {
        let h = store.household_history(code).unwrap();
        for (year, class) in YEARS.iter().zip(classes) {
            let Some(class) = class else { continue };
            let r = &h.residences[0];
            reviews.push(NewReview {
                village_id: r.village_id,
                area: area.code().into(),
                ethnic_minority: giamngheo_core::registry::is_ethnic_minority(ethnicity),
                income_per_capita: Some(1_000_000),
                deprivations: *deprivations,
                decided: Some((*class, date(&format!("{year}-12-10")))),
                ..review_of(h.id, r.commune_id, *year, standard(*year), *class)
            });
        }
    }
    store
        .insert_reviews(&giamngheo_store::audit::Actor::system(), &reviews)
        .unwrap();
}

/// The counts of one group in one year, counted from the story table: `keep` picks the households.
fn expected(year_index: usize, keep: impl Fn(Area, &str) -> bool) -> Counts {
    let mut c = Counts::default();
    for (_, area, ethnicity, classes, _) in STORY {
        if !keep(*area, ethnicity) {
            continue;
        }
        c.households += 1;
        match classes[year_index] {
            Some(Class::Poor) => c.poor += 1,
            Some(Class::NearPoor) => c.near_poor += 1,
            _ => {}
        }
    }
    c
}

#[test]
fn rates_by_area_and_ethnicity_with_the_standard_break() {
    on_both("rates_groups", |db| {
        load_story(&mut db.store);
        let district =
            crate::harness::unit(&mut db.store, UnitLevel::District, "395", "2024-01-01");
        let years: Vec<_> = YEARS
            .iter()
            .map(|y| (*y, date(&format!("{y}-11-15"))))
            .collect();
        let rates = db
            .store
            .rates(district.id, date("2024-01-01"), &years)
            .unwrap();
        let em = giamngheo_core::registry::is_ethnic_minority;
        for (i, r) in rates.iter().enumerate() {
            let ctx = format!("{} {}", db.name, r.year);
            assert_eq!(r.all(), expected(i, |_, _| true), "{ctx}");
            assert_eq!(r.urban, expected(i, |a, _| a == Area::Urban), "{ctx}");
            assert_eq!(r.rural, expected(i, |a, _| a == Area::Rural), "{ctx}");
            assert_eq!(r.ethnic_minority, expected(i, |_, e| em(e)), "{ctx}");
            assert_eq!(r.standard_id.as_deref(), Some(standard(r.year)), "{ctx}");
        }
        assert_eq!(
            giamngheo_store::rates::standard_breaks(&rates),
            [false, true, false]
        );
    });
}

#[test]
fn targets_are_replaced_by_unit_and_year() {
    use giamngheo_store::targets::Target;
    on_both_with_units("targets", |db| {
        let (a, b) = (db_unit(&mut db.store, "395"), db_unit(&mut db.store, "396"));
        let t = |unit_id, year, poor_rate, near: Option<f64>| Target {
            unit_id,
            year,
            poor_rate,
            near_poor_rate: near,
            note: "Nghị quyết số 01".into(),
        };
        db.store
            .set_targets(
                &giamngheo_store::audit::Actor::system(),
                &[
                    t(a, 2021, 3.5, Some(4.0)),
                    t(a, 2022, 3.0, None),
                    t(b, 2022, 9.0, None),
                ],
            )
            .unwrap();
        db.store
            .set_targets(
                &giamngheo_store::audit::Actor::system(),
                &[t(a, 2022, 2.75, None)],
            )
            .unwrap();
        assert_eq!(
            db.store.targets(a, 2020, 2030).unwrap(),
            [t(a, 2021, 3.5, Some(4.0)), t(a, 2022, 2.75, None)],
            "{}",
            db.name
        );
        assert_eq!(
            db.store.targets(a, 2022, 2022).unwrap(),
            [t(a, 2022, 2.75, None)]
        );
        assert_eq!(db.store.targets(b, 2020, 2021).unwrap(), []);
        // The database refuses a rate outside 0-100 whatever the caller checked.
        assert!(
            db.store
                .set_targets(
                    &giamngheo_store::audit::Actor::system(),
                    &[t(a, 2023, 101.0, None)]
                )
                .is_err()
        );
        assert_eq!(db.store.targets(a, 2023, 2023).unwrap(), []);
    });
}

/// The head (first member) of household `code` dies on day `on`.
fn head_dies(db: &mut crate::harness::TestDb, code: &str, on: &str) {
    let head = db.store.household_history(code).unwrap().members[0].person_id;
    db.store
        .record_death(
            &giamngheo_store::audit::Actor::system(),
            code,
            head,
            date(on),
        )
        .unwrap();
}

fn db_unit(store: &mut Store, district: &str) -> i64 {
    crate::harness::unit_id(store, UnitLevel::District, district, "2024-01-01")
}

#[test]
fn transitions_follow_each_household_from_review_to_review() {
    use giamngheo_core::transition::Transition::*;
    // Counted by hand from STORY: each household's class against its previous review.
    let by_year = [
        (
            2021,
            vec![(NewlyPoor, 3), (NewlyNearPoor, 1), (StayedOut, 1)],
        ),
        (
            2022,
            vec![
                (EscapedToNearPoor, 1),
                (StayedPoor, 1),
                (NewlyPoor, 2),
                (Escaped, 1),
            ],
        ),
        (
            2023,
            vec![
                (LeftNearPoor, 1),
                (StayedPoor, 1),
                (EscapedToNearPoor, 1),
                (NewlyPoor, 1),
                (RePoor, 1),
            ],
        ),
    ];
    on_both("transitions", |db| {
        load_story(&mut db.store);
        let d = db_unit(&mut db.store, "395");
        // The whole span, and a span that starts after the first reviews (they still count as history).
        for from in [2021, 2022] {
            let got = db
                .store
                .transitions(d, date("2024-01-01"), from, 2023)
                .unwrap();
            let expect: Vec<_> = by_year.iter().filter(|(y, _)| *y >= from).collect();
            assert_eq!(got.len(), expect.len());
            for (g, (year, counts)) in got.iter().zip(expect) {
                assert_eq!(g.year, *year);
                assert_eq!(
                    g.reviewed,
                    counts.iter().map(|(_, n)| n).sum::<i64>(),
                    "{} {year}",
                    db.name
                );
                let want: std::collections::BTreeMap<_, _> = counts.iter().copied().collect();
                assert_eq!(g.counts, want, "{} {year}", db.name);
            }
        }
        // Another district has none of these households.
        let other = db_unit(&mut db.store, "396");
        let got = db
            .store
            .transitions(other, date("2024-01-01"), 2021, 2023)
            .unwrap();
        assert!(got.iter().all(|y| y.reviewed == 0 && y.counts.is_empty()));
    });
}

#[test]
fn profile_counts_households_deprived_and_poor_and_deprived() {
    on_both("profile", |db| {
        load_story(&mut db.store);
        let d = db_unit(&mut db.store, "395");
        let got = db.store.profile(d, date("2024-01-01"), 2021, 2023).unwrap();
        assert_eq!(got.len(), 3);
        for (i, p) in got.iter().enumerate() {
            assert_eq!(p.year, YEARS[i]);
            assert_eq!(p.standard_id, standard(p.year));
            let reviewed: Vec<_> = STORY
                .iter()
                .filter_map(|s| s.3[i].map(|c| (c, s.4)))
                .collect();
            assert_eq!(p.reviewed, reviewed.len() as i64, "{} {}", db.name, p.year);
            for bit in 0..32 {
                let deprived = reviewed.iter().filter(|(_, b)| b & (1 << bit) != 0);
                assert_eq!(
                    p.deprived[bit],
                    deprived.clone().count() as i64,
                    "{} {} {bit}",
                    db.name,
                    p.year
                );
                assert_eq!(
                    p.poor_deprived[bit],
                    deprived.filter(|(c, _)| *c == Class::Poor).count() as i64,
                    "{} {} {bit}",
                    db.name,
                    p.year
                );
            }
        }
    });
}

#[test]
fn lists_of_poor_and_near_poor_households() {
    on_both("lists", |db| {
        load_story(&mut db.store);
        let d = db_unit(&mut db.store, "395");
        for (i, year) in YEARS.iter().enumerate() {
            for class in [Class::Poor, Class::NearPoor] {
                let got = db
                    .store
                    .household_list(d, date("2024-01-01"), *year, class)
                    .unwrap();
                let codes: Vec<&str> = got.iter().map(|h| h.code.as_str()).collect();
                let expect: Vec<&str> = STORY
                    .iter()
                    .filter(|s| s.3[i] == Some(class))
                    .map(|s| s.0)
                    .collect();
                assert_eq!(codes, expect, "{} {year} {class:?}", db.name);
                for h in &got {
                    let k = STORY.iter().position(|s| h.code == s.0).unwrap();
                    let s = &STORY[k];
                    assert_eq!(h.head, HEADS[k]);
                    assert_eq!(h.area, s.1);
                    assert_eq!(
                        h.ethnic_minority,
                        giamngheo_core::registry::is_ethnic_minority(s.2)
                    );
                    assert_eq!(h.commune, "Xã Xuân Hồng");
                    assert_eq!(h.village, "Thôn 1");
                    assert_eq!(h.decided_on, Some(date(&format!("{year}-12-10"))));
                }
            }
        }
    });
}

#[test]
fn a_province_summed_in_one_pass_equals_its_district_probed_unit_by_unit() {
    on_both("rates_paths", |db| {
        load_story(&mut db.store);
        let years = [(2021, date("2021-11-15")), (2022, date("2022-11-15"))];
        // Every household of the story lives in district 395 of province 38.
        let district = db_unit(&mut db.store, "395");
        let by_probe = db
            .store
            .rates(district, date("2024-01-01"), &years)
            .unwrap();
        let units = |db: &mut crate::harness::TestDb| {
            db.store
                .conn()
                .query("SELECT count(*) FROM rate_units", &[])
                .unwrap()[0][0]
                .int()
                .unwrap()
        };
        assert!(units(db) <= 500, "{}: the district is probed", db.name);
        let province =
            crate::harness::unit(&mut db.store, UnitLevel::Province, "38", "2024-01-01").id;
        let by_pass = db
            .store
            .rates(province, date("2024-01-01"), &years)
            .unwrap();
        assert!(
            units(db) > 500,
            "{}: the province is summed in one pass",
            db.name
        );
        assert_eq!(by_pass, by_probe, "{}", db.name);
        assert!(by_pass[1].households > 0, "{}", db.name);
    });
}

#[test]
fn the_rates_cache_follows_every_change_to_the_registry() {
    on_both("rates_cache", |db| {
        load_story(&mut db.store);
        let d = db_unit(&mut db.store, "395");
        let hd = db_unit(&mut db.store, "512");
        let years = [(2022, date("2022-11-15"))];
        let before = db.store.rates(d, date("2024-01-01"), &years).unwrap();
        db.store.rates(hd, date("2024-01-01"), &years).unwrap();
        // What the cache gives equals a count from nothing.
        let recount = |db: &mut crate::harness::TestDb, unit: i64, when: &str| {
            let kept = db.store.rates(unit, date("2024-01-01"), &years).unwrap();
            db.store
                .conn()
                .batch("DELETE FROM rate_cached; DELETE FROM rate_results; DELETE FROM rate_stale")
                .unwrap();
            let truth = db.store.rates(unit, date("2024-01-01"), &years).unwrap();
            assert_eq!(kept, truth, "{}: after {when}", db.name);
        };
        let remembered = |db: &mut crate::harness::TestDb, unit: i64| {
            db.store
                .conn()
                .query(
                    "SELECT count(*) FROM rate_results WHERE unit_id = $1",
                    &[unit.into()],
                )
                .unwrap()[0][0]
                .int()
        };
        // Read twice: the second from the cache, the same.
        assert_eq!(
            db.store.rates(d, date("2024-01-01"), &years).unwrap(),
            before
        );
        // A correction: H1 (near-poor in 2022) is poor after all.
        let h1 = db.store.household_history("H1").unwrap();
        let first = h1.reviews.iter().find(|r| r.year == 2022).unwrap().id;
        let r = &h1.residences[0];
        let mut fix = NewReview {
            village_id: r.village_id,
            income_per_capita: Some(1_000_000),
            ..review_of(h1.id, r.commune_id, 2022, standard(2022), Class::Poor)
        };
        fix.decided = Some((Class::Poor, date("2023-01-10")));
        db.store
            .correct_review(&giamngheo_store::audit::Actor::system(), first, fix)
            .unwrap();
        // Only the corrected commune was marked: Hiệp Đức's remembered results are kept.
        assert_eq!(remembered(db, hd), Some(1), "{}", db.name);
        let after = db.store.rates(d, date("2024-01-01"), &years).unwrap();
        assert_eq!(after[0].poor, before[0].poor + 1, "{}", db.name);
        assert_eq!(after[0].near_poor, before[0].near_poor - 1, "{}", db.name);
        // A household leaves the district: one fewer resident household from then on.
        import(
            &mut db.store,
            &[(2, record(1, "20764", "Thôn Trung An"))],
            "2022-06-01",
        );
        let moved = db.store.rates(d, date("2024-01-01"), &years).unwrap();
        assert_eq!(moved[0].households, before[0].households - 1, "{}", db.name);
        recount(db, d, "a correction and a move");
        // The Thái head of H4 dies before the review: the household has no head, so no ethnicity, that day.
        let em = db.store.rates(d, date("2024-01-01"), &years).unwrap()[0]
            .ethnic_minority
            .households;
        head_dies(db, "H4", "2022-01-01");
        let now = db.store.rates(d, date("2024-01-01"), &years).unwrap()[0]
            .ethnic_minority
            .households;
        assert_eq!(now, em - 1, "{}", db.name);
        recount(db, d, "a death");
        // And the Mường head of H2, now in Hiệp Đức.
        db.store.rates(hd, date("2024-01-01"), &years).unwrap();
        db.store.rates(d, date("2024-01-01"), &years).unwrap();
        head_dies(db, "H2", "2022-01-01");
        recount(db, hd, "a death in another district");
        recount(db, d, "a death in another district, seen from the first");
    });
}

#[test]
fn support_is_counted_where_the_household_lived_when_it_received_it() {
    use giamngheo_core::round::Role;
    use giamngheo_store::audit::Actor;
    use giamngheo_store::support::NewSupport;
    on_both("support_received", |db| {
        load_story(&mut db.store);
        let officer = Actor::new("Phạm Thị Lan", Role::CommuneOfficer, "cli");
        let item = |code: &str, on: &str, amount| NewSupport {
            programme_code: "health_insurance".into(),
            household_code: giamngheo_core::ids::HouseholdCode::parse(code).unwrap(),
            person_citizen_id: None,
            received_on: date(on),
            amount_vnd: amount,
            quantity: Some(1),
            provider: "BHXH huyện Thọ Xuân".into(),
            note: None,
        };
        db.store
            .record_support(
                &officer,
                &[
                    item("H1", "2021-03-01", Some(1_000_000)),
                    item("H1", "2022-03-01", Some(500_000)),
                    item("H2", "2022-04-01", None),
                    // After H2 moved to Hiệp Đức: counted there, not in Thọ Xuân.
                    item("H2", "2023-04-01", Some(700_000)),
                ],
            )
            .unwrap();
        import(
            &mut db.store,
            &[(2, record(1, "20764", "Thôn Trung An"))],
            "2022-06-01",
        );
        let tx = db_unit(&mut db.store, "395");
        let hd = db_unit(&mut db.store, "512");
        let b = date("2024-01-01");
        for (unit, from, to, expect) in [
            (tx, "2021-01-01", "2023-12-31", (2, 3, 1_500_000)),
            (tx, "2022-01-01", "2022-12-31", (2, 2, 500_000)),
            (hd, "2021-01-01", "2023-12-31", (1, 1, 700_000)),
        ] {
            assert_eq!(
                db.store
                    .support_received(unit, b, date(from), date(to))
                    .unwrap(),
                expect,
                "{} {unit} {from}",
                db.name
            );
        }
    });
}

/// A year in which only some communes have results is their figure, said to be partial: one commune of two
/// reporting never reads as the district's rate with the other commune's households in the denominator.
#[test]
fn a_year_with_some_communes_unreported_covers_only_those_that_reported() {
    use crate::households::{household, member};
    on_both_with_units("rates_coverage", |db| {
        let sys = giamngheo_store::audit::Actor::system();
        let h = |code: &str, commune: &str, name: &str| {
            household(
                code,
                commune,
                "Thôn 1",
                vec![member(name, Relation::Head, "1970-01-01", None)],
            )
        };
        let rows = vec![
            (2, h("A-1", "15493", "Lê Văn Một")),
            (3, h("A-2", "15493", "Lê Văn Hai")),
            (4, h("B-1", "15499", "Lê Văn Ba")),
            (5, h("B-2", "15499", "Lê Văn Bốn")),
            (6, h("B-3", "15499", "Lê Văn Năm")),
        ];
        import(&mut db.store, &rows, "2019-01-01");
        // 2019: both communes reviewed; 2020: only Xuân Hồng (15493), one of its two households poor.
        let review = |s: &mut Store, code: &str, year: i32, class: Class| {
            let h = s.household_history(code).unwrap();
            let r = &h.residences[0];
            NewReview {
                village_id: r.village_id,
                income_per_capita: Some(600_000),
                decided: Some((class, date(&format!("{year}-12-10")))),
                ..review_of(h.id, r.commune_id, year, "vn-2016-2020", class)
            }
        };
        let mut reviews = Vec::new();
        for code in ["A-1", "A-2", "B-1", "B-2", "B-3"] {
            let class = if code == "B-1" {
                Class::Poor
            } else {
                Class::NotPoor
            };
            reviews.push(review(&mut db.store, code, 2019, class));
        }
        reviews.push(review(&mut db.store, "A-1", 2020, Class::Poor));
        // Still in its round's posting period: counted by its computed class, provisionally.
        let mut pending = review(&mut db.store, "A-2", 2020, Class::NotPoor);
        pending.decided = None;
        reviews.push(pending);
        db.store.insert_reviews(&sys, &reviews).unwrap();
        let district = db_unit(&mut db.store, "395");
        let years = [(2019, date("2019-11-15")), (2020, date("2020-11-15"))];
        // Twice: counted, then read back from the remembered results.
        for pass in ["counted", "remembered"] {
            let rates = db
                .store
                .rates(district, date("2020-01-01"), &years)
                .unwrap();
            let got: Vec<(i32, i64, i64, i64, i64, bool, i64)> = rates
                .iter()
                .map(|r| {
                    (
                        r.year,
                        r.communes_reported,
                        r.communes,
                        r.households,
                        r.poor,
                        r.partial(),
                        r.undecided,
                    )
                })
                .collect();
            assert_eq!(
                got,
                [(2019, 2, 2, 5, 1, false, 0), (2020, 1, 2, 2, 1, true, 1)],
                "{} {pass}",
                db.name
            );
            assert_eq!(rates[1].poor_rate(), 50.0, "{} {pass}", db.name);
        }
        // The dashboard's children: each commune of the district, itself complete or not reported at all.
        let children = db
            .store
            .child_rates(district, date("2020-01-01"), 2020, date("2020-11-15"))
            .unwrap();
        let got: Vec<(i64, i64, i64, i64)> = children
            .iter()
            .map(|(_, r)| (r.communes_reported, r.communes, r.households, r.undecided))
            .collect();
        assert_eq!(got, [(1, 1, 2, 1)], "{}", db.name);
    });
}

#[test]
fn the_last_decided_review_of_each_household_is_its_latest_uncorrected_one_with_its_facts() {
    on_both("last_decided", |db| {
        load_story(&mut db.store);
        // H1's 2023 review is corrected to poor, with the survey's facts; the correction is what counts.
        let h1 = db.store.household_history("H1").unwrap();
        let original = h1.reviews.iter().find(|r| r.year == 2023).unwrap().id;
        let r = &h1.residences[0];
        let correction = NewReview {
            village_id: r.village_id,
            area: Area::Rural.code().into(),
            income_per_capita: Some(900_000),
            deprivations: 0b111,
            decided: Some((Class::Poor, date("2023-12-20"))),
            corrects: Some(original),
            facts: Some("ho_ten = \"Lê Văn An\"".into()),
            ..review_of(h1.id, r.commune_id, 2023, standard(2023), Class::Poor)
        };
        db.store
            .insert_reviews(&giamngheo_store::audit::Actor::system(), &[correction])
            .unwrap();
        let d = db_unit(&mut db.store, "395");
        let mut got = Vec::new();
        db.store
            .last_decided_reviews(d, date("2024-01-01"), 2022, 2023, &mut |r| got.push(r))
            .unwrap();
        // (household, year, class, deprivations, has facts), by hand from STORY and the correction.
        let want: Vec<(&str, i32, Class, u32, bool)> = vec![
            ("H1", 2023, Class::Poor, 0b111, true),
            ("H2", 2023, Class::Poor, 0b001, false),
            ("H3", 2022, Class::Poor, 0b100, false),
            ("H4", 2023, Class::NearPoor, 0b110, false),
            ("H5", 2023, Class::Poor, 0, false),
            ("H6", 2023, Class::Poor, 0b001, false),
        ];
        assert_eq!(got.len(), want.len(), "{}", db.name);
        for (code, year, class, deprivations, facts) in want {
            let id = db.store.household_history(code).unwrap().id;
            let r = got.iter().find(|r| r.household_id == id).unwrap();
            assert_eq!(
                (r.year, r.class, r.deprivations, r.facts.is_some()),
                (year, class, deprivations, facts),
                "{} {code}",
                db.name
            );
        }
        // Another district has none of them.
        let other = db_unit(&mut db.store, "396");
        let mut none = 0;
        db.store
            .last_decided_reviews(other, date("2024-01-01"), 2022, 2023, &mut |_| none += 1)
            .unwrap();
        assert_eq!(none, 0);
    });
}
