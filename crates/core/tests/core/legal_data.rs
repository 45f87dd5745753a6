//! The law's data as corrected by the third reading (issue 15, docs/legal-sources.md): which procedure is in
//! force on the days the instruments changed, the deadlines they set, the confidence of each value, the exact
//! list of unverified values `classify` warns about, and which 2026-2030 indicators continue 2022-2025 ones.

use giamngheo_core::date::Date;
use giamngheo_core::messages::Localized;
use giamngheo_core::round::{Period, RoundKind, procedure_on, procedures};
use giamngheo_core::standard::builtin;
use giamngheo_core::{Lang, Standard};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap_or_else(|_| panic!("bad date {s}"))
}

#[test]
fn the_procedure_in_force_follows_the_instruments_dates() {
    let cases: &[(&str, Option<&str>)] = &[
        // Circular 17/2016 applies from 15 August 2016; nothing is known before.
        ("2016-08-14", None),
        ("2016-08-15", Some("tt17-2016-original")),
        // Circular 14/2018 amends it from 10 November 2018.
        ("2018-11-09", Some("tt17-2016-original")),
        ("2018-11-10", Some("tt17-2016")),
        // Decision 24/2021 is in force from 1 September 2021, not from its signing on 16 July.
        ("2021-07-16", Some("tt17-2016")),
        ("2021-08-31", Some("tt17-2016")),
        ("2021-09-01", Some("qd24-2021")),
        ("2025-06-30", Some("qd24-2021")),
        ("2025-07-01", Some("qd24-2021-after-2025-reform")),
        ("2027-12-01", Some("qd24-2021-after-2025-reform")),
    ];
    for (day, want) in cases {
        let got = procedure_on(d(day)).map(|p| p.id.as_str());
        assert_eq!(got, *want, "{day}");
    }
}

#[test]
fn the_in_year_deadline_is_the_one_of_the_procedure_in_force() {
    // (round opened on, procedure's period, decided by at the latest)
    let cases: &[(&str, Period, &str)] = &[
        // The original Circular 17/2016 (its own figure not read: Decision 24's 15 days stand in).
        ("2018-11-09", Period::Days(15), "2018-11-24"),
        // Circular 14/2018: 7 working days. Opened on a Saturday: Mon 12 … Fri 16, Mon 19, Tue 20.
        ("2018-11-10", Period::WorkingDays(7), "2018-11-20"),
        // Tuesday 31 August 2021: still Circular 14/2018's 7 working days.
        ("2021-08-31", Period::WorkingDays(7), "2021-09-09"),
        // Decision 24/2021: 15 days, not working days.
        ("2021-09-01", Period::Days(15), "2021-09-16"),
        ("2026-03-15", Period::Days(15), "2026-03-30"),
    ];
    for (opened, period, by) in cases {
        let p = procedure_on(d(opened)).unwrap_or_else(|| panic!("no procedure on {opened}"));
        assert_eq!(p.in_year_deadline.value, *period, "{opened}: {}", p.id);
        let year = d(opened).year();
        assert_eq!(
            p.decision_deadline(RoundKind::InYear, year, d(opened)),
            d(by),
            "{opened}: {}",
            p.id
        );
    }
}

#[test]
fn each_procedure_value_carries_the_confidence_of_what_was_read() {
    // (procedure, value, verified, words its source must name)
    let cases: &[(&str, &str, bool, &[&str])] = &[
        ("tt17-2016-original", "validity", false, &["15/08/2016"]),
        (
            "tt17-2016-original",
            "meeting_quorum_percent",
            false,
            &["Not found"],
        ),
        (
            "tt17-2016",
            "validity",
            false,
            &["10/11/2018", "01/09/2021"],
        ),
        (
            "tt17-2016",
            "in_year_deadline",
            false,
            &["Circular 14/2018", "7 working days"],
        ),
        (
            "tt17-2016",
            "meeting_quorum_percent",
            false,
            &["no percentage"],
        ),
        (
            "tt17-2016",
            "periodic_from",
            false,
            &["Set by each province", "1/9–5/12"],
        ),
        ("tt17-2016", "periodic_to", false, &["Set by each province"]),
        ("qd24-2021", "validity", true, &["01/09/2021", "16/07/2021"]),
        ("qd24-2021", "periodic_from", true, &["Art. 3"]),
        (
            "qd24-2021",
            "in_year_deadline",
            false,
            &["Art. 5", "15 days"],
        ),
        ("qd24-2021", "monthly_report_day", true, &["Art. 7"]),
        ("qd24-2021", "official_report", true, &["Art. 7"]),
        ("qd24-2021", "posting_working_days", false, &["Art. 4"]),
        (
            "qd24-2021-after-2025-reform",
            "monthly_report_day",
            false,
            &["131/2025/NĐ-CP", "13/2025/TT-BNNMT", "not read"],
        ),
        (
            "qd24-2021-after-2025-reform",
            "preliminary_report",
            false,
            &["131/2025/NĐ-CP", "13/2025/TT-BNNMT"],
        ),
        (
            "qd24-2021-after-2025-reform",
            "official_report",
            false,
            &["131/2025/NĐ-CP", "13/2025/TT-BNNMT"],
        ),
    ];
    for (id, key, verified, words) in cases {
        let p = procedures()
            .iter()
            .find(|p| p.id == *id)
            .unwrap_or_else(|| panic!("no procedure {id}"));
        let values = p.values(Lang::En);
        let v = values
            .iter()
            .find(|v| v.key == *key)
            .unwrap_or_else(|| panic!("{id} has no {key}"));
        assert_eq!(v.verified, *verified, "{id}.{key}");
        for w in *words {
            assert!(
                v.source.contains(w),
                "{id}.{key}: '{w}' not in {}",
                v.source
            );
        }
        assert_eq!(
            p.unverified().iter().any(|u| u.path == *key),
            !verified,
            "{id}.{key}"
        );
    }
    for p in procedures() {
        assert!(
            p.values(Lang::Vi)
                .iter()
                .all(|v| !v.source.trim().is_empty()),
            "{}: a value without a source",
            p.id
        );
    }
}

#[test]
fn classify_warns_about_exactly_the_unverified_values() {
    // What a classification from given flags relies on and is not verified: the list `classify` prints.
    let cases: &[(&str, &[&str])] = &[
        (
            "vn-2016-2020",
            &[
                "years",
                "income.rural.middle_income",
                "income.urban.middle_income",
            ],
        ),
        (
            "vn-2022-2025",
            &[
                "years",
                "income.rural.middle_income",
                "income.urban.middle_income",
            ],
        ),
        (
            "vn-2026-2030",
            &[
                "instrument",
                "years",
                "combining",
                "min_deprivations",
                "income.rural.poverty",
                "income.urban.poverty",
            ],
        ),
    ];
    for (id, want) in cases {
        let s = builtin::get(id).unwrap();
        let got: Vec<String> = s
            .unverified_for_flags()
            .into_iter()
            .map(|u| u.path)
            .collect();
        assert_eq!(got, *want, "{id}");
        // Every other unverified value is an indicator definition, which flags do not use.
        for u in s.unverified() {
            assert!(
                want.contains(&u.path.as_str()) || u.path.starts_with("indicators."),
                "{id}: {}",
                u.path
            );
            assert!(!u.source.trim().is_empty(), "{id}: {}", u.path);
        }
    }
    // Decree 07/2021 Art. 3 was read: its lines, single tier and threshold of three are verified.
    let s = builtin::get("vn-2022-2025").unwrap();
    assert!(s.combining.verified && s.min_deprivations.verified);
    assert_eq!(s.min_deprivations.value, 3);
    for area in giamngheo_core::Area::ALL {
        assert!(s.lines(area).poverty.verified, "{area:?}");
        assert!(s.lines(area).poverty.source.contains("Art. 3"), "{area:?}");
    }
}

#[test]
fn the_2026_2030_standard_says_which_indicators_it_adds() {
    let new = builtin::get("vn-2026-2030").unwrap();
    let old = builtin::get("vn-2022-2025").unwrap();
    let ids = |v: Vec<&giamngheo_core::standard::Indicator>| -> Vec<String> {
        v.into_iter().map(|i| i.id.clone()).collect()
    };
    assert_eq!(ids(new.added_since(&old)), ["waste", "telecom"]);
    assert_eq!(
        ids(new.not_continued(&old)),
        ["telecom", "information_means"]
    );
    let shared: Vec<(&str, &str)> = new
        .shared_with(&old)
        .into_iter()
        .map(|(i, at, e)| {
            assert_eq!(old.indicators[at].id, e);
            (i.id.as_str(), e)
        })
        .collect();
    let want = [
        "employment",
        "dependants",
        "nutrition",
        "health_insurance",
        "adult_education",
        "child_schooling",
        "housing_quality",
        "floor_area",
        "water",
        "sanitation",
    ];
    assert_eq!(shared, want.map(|w| (w, w)));
    // Against a standard it does not name, every indicator is new.
    let older = builtin::get("vn-2016-2020").unwrap();
    assert_eq!(new.added_since(&older).len(), new.indicators.len());
    // A provincial standard answers for the national one it extends.
    assert!(!new.shared_with(&extended("vn-2022-2025")).is_empty());
    // Every `same_as` of the built-in standards names a built-in indicator.
    for s in builtin::all().unwrap() {
        for i in &s.indicators {
            if let Some(r) = &i.same_as {
                let base = builtin::get(&r.standard).unwrap();
                assert!(base.indicator(&r.indicator).is_some(), "{}: {r}", s.id);
            }
        }
    }
}

fn extended(base: &str) -> Standard {
    Standard::from_toml(
        &format!("id = \"tinh-x\"\nextends = \"{base}\"\n"),
        "tinh.toml",
    )
    .unwrap()
}

#[test]
fn a_same_as_must_name_an_indicator_of_another_standard() {
    let base = builtin::source("vn-2026-2030").unwrap();
    let cases: &[(&str, Option<&str>)] = &[
        ("vn-2022-2025:water", None),
        ("vn-2026-2030:water", Some("indicators.water.same_as")),
        ("water", Some("indicators.water.same_as")),
        ("vn-2022-2025:", Some("indicators.water.same_as")),
        ("VN:water", Some("indicators.water.same_as")),
    ];
    for (same_as, problem) in cases {
        let text = base.replacen(
            "same_as = \"vn-2022-2025:water\"",
            &format!("same_as = \"{same_as}\""),
            1,
        );
        match (Standard::from_toml(&text, "x.toml"), problem) {
            (Ok(s), None) => assert!(s.indicator("water").unwrap().1.same_as.is_some()),
            (Err(e), Some(field)) => {
                let m = e.message(Lang::En);
                assert!(m.contains(field) && m.contains(same_as), "{same_as}: {m}");
            }
            (got, _) => panic!("{same_as}: {:?}", got.map(|s| s.id)),
        }
    }
}

#[test]
fn procedure_values_read_as_the_law_writes_them() {
    // (procedure, value, language, as shown)
    let cases: &[(&str, &str, Lang, &str)] = &[
        ("qd24-2021", "validity", Lang::Vi, "01/09/2021 → 30/06/2025"),
        ("qd24-2021", "validity", Lang::En, "2021-09-01 → 2025-06-30"),
        (
            "qd24-2021-after-2025-reform",
            "validity",
            Lang::Vi,
            "01/07/2025 →",
        ),
        ("tt17-2016", "in_year_deadline", Lang::Vi, "7 ngày làm việc"),
        ("tt17-2016", "in_year_deadline", Lang::En, "7 working days"),
        ("qd24-2021", "in_year_deadline", Lang::Vi, "15 ngày"),
        ("qd24-2021", "periodic_to", Lang::Vi, "14/12"),
        ("qd24-2021", "meeting_quorum_percent", Lang::En, "≥ 50 %"),
    ];
    for (id, key, lang, want) in cases {
        let p = procedures().iter().find(|p| p.id == *id).unwrap();
        let got = p.values(*lang).into_iter().find(|v| v.key == *key).unwrap();
        assert_eq!(got.value, *want, "{id}.{key} {lang:?}");
    }
}
