use giamngheo_core::messages::Localized;
use giamngheo_core::standard::{CombiningRule, builtin};
use giamngheo_core::{Area, Standard};

#[test]
fn builtin_standards_load_with_the_required_indicator_ids() {
    let cases: &[(&str, CombiningRule, (u16, u16), &str)] = &[
        (
            "vn-2016-2020",
            CombiningRule::TwoTier,
            (2016, 2021),
            "health_access health_insurance adult_education child_schooling housing_quality floor_area water sanitation telecom information_assets",
        ),
        (
            "vn-2022-2025",
            CombiningRule::SingleTier,
            (2022, 2026),
            "employment dependants nutrition health_insurance adult_education child_schooling housing_quality floor_area water sanitation telecom information_means",
        ),
        (
            "vn-2026-2030",
            CombiningRule::SingleTier,
            (2027, 2030),
            "employment dependants nutrition health_insurance adult_education child_schooling housing_quality floor_area water sanitation waste telecom",
        ),
    ];
    for (id, combining, years, indicators) in cases {
        let s = builtin::get(id).unwrap_or_else(|e| panic!("{}", e.bilingual()));
        assert_eq!(&s.id, id);
        assert_eq!(s.combining.value, *combining, "{id}");
        assert_eq!(s.years.value, *years, "{id}");
        let ids: Vec<&str> = s.indicators.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids.join(" "), *indicators, "{id}");
        assert_eq!(s.min_deprivations.value, 3, "{id}");
    }
}

#[test]
fn income_lines_match_the_legal_texts() {
    // (standard, area, poverty, near-poverty, middle-income ceiling)
    let cases: &[(&str, Area, i64, Option<i64>, Option<i64>)] = &[
        (
            "vn-2016-2020",
            Area::Rural,
            700_000,
            Some(1_000_000),
            Some(1_500_000),
        ),
        (
            "vn-2016-2020",
            Area::Urban,
            900_000,
            Some(1_300_000),
            Some(1_950_000),
        ),
        (
            "vn-2022-2025",
            Area::Rural,
            1_500_000,
            None,
            Some(2_250_000),
        ),
        (
            "vn-2022-2025",
            Area::Urban,
            2_000_000,
            None,
            Some(3_000_000),
        ),
        ("vn-2026-2030", Area::Rural, 2_200_000, None, None),
        ("vn-2026-2030", Area::Urban, 2_800_000, None, None),
    ];
    for (id, area, poverty, near, middle) in cases {
        let s = builtin::get(id).unwrap();
        let l = s.lines(*area);
        assert_eq!(l.poverty.value.get(), *poverty, "{id} {area:?}");
        assert_eq!(
            l.near_poverty.as_ref().map(|v| v.value.get()),
            *near,
            "{id} {area:?}"
        );
        assert_eq!(
            l.middle_income.as_ref().map(|v| v.value.get()),
            *middle,
            "{id} {area:?}"
        );
    }
}

#[test]
fn the_standard_in_force_for_each_review_year() {
    let cases: &[(u16, Option<&str>)] = &[
        (2014, None),
        (2015, Some("vn-2016-2020")),
        (2016, Some("vn-2016-2020")),
        (2021, Some("vn-2016-2020")),
        (2022, Some("vn-2022-2025")),
        (2025, Some("vn-2022-2025")),
        (2026, Some("vn-2022-2025")),
        (2027, Some("vn-2026-2030")),
        (2030, Some("vn-2026-2030")),
        (2031, None),
    ];
    for (year, expect) in cases {
        let got = builtin::for_year(*year).ok().map(|s| s.id);
        assert_eq!(got.as_deref(), *expect, "year {year}");
    }
}

#[test]
fn unverified_values_are_listed_with_their_source() {
    let s = builtin::get("vn-2016-2020").unwrap();
    let paths: Vec<String> = s.unverified().into_iter().map(|u| u.path).collect();
    assert!(paths.contains(&"income.rural.middle_income".to_owned()));
    assert!(!paths.contains(&"income.rural.poverty".to_owned()));
    assert!(paths.contains(&"indicators.water".to_owned()));
    assert!(s.unverified().iter().all(|u| !u.source.is_empty()));
}

fn load_err(text: &str) -> String {
    Standard::from_toml(text, "tinh.toml")
        .unwrap_err()
        .message(giamngheo_core::Lang::En)
}

#[test]
fn a_provincial_standard_extends_a_national_one() {
    let text = r#"
id = "ha-noi-2022-2025"
extends = "vn-2022-2025"
name_vi = "Chuẩn nghèo Hà Nội 2022-2025"
name_en = "Hà Nội poverty standard 2022-2025"
[income.rural]
poverty = { value = 2_000_000, verified = false, source = "test" }
middle_income = { value = 2_800_000, verified = false, source = "test" }
[income.urban]
poverty = { value = 2_800_000, verified = false, source = "test" }
middle_income = { value = 3_900_000, verified = false, source = "test" }
"#;
    let s = Standard::from_toml(text, "ha-noi.toml").unwrap();
    assert_eq!(s.id, "ha-noi-2022-2025");
    assert_eq!(s.extends.as_deref(), Some("vn-2022-2025"));
    assert_eq!(s.lines(Area::Rural).poverty.value.get(), 2_000_000);
    assert_eq!(s.indicators.len(), 12);
}

#[test]
fn bad_standard_files_are_refused_naming_the_field() {
    let base = builtin::source("vn-2022-2025").unwrap();
    let cases: &[(String, &str)] = &[
        ("id = ".into(), "tinh.toml cannot be read"),
        (format!("{base}\nextra = 1"), "unknown field `extra`"),
        (
            "id = \"x\"\nextends = \"vn-1999\"\nname_vi = \"x\"\nname_en = \"x\"".into(),
            "extends = \"vn-1999\" is not a built-in standard",
        ),
        (
            base.replace("value = 1_500_000", "value = 2_500_000"),
            "field income.rural.middle_income: must be above income.rural.poverty",
        ),
        (
            base.replace("value = \"single_tier\"", "value = \"three_tier\""),
            "'three_tier' is not two_tier or single_tier",
        ),
        (
            base.replace("value = \"single_tier\"", "value = \"two_tier\""),
            "field income.rural.near_poverty: is required",
        ),
        (
            base.replace(
                "rule = \"household where not uses_internet\"",
                "rule = \"household where uses_internett\"",
            ),
            "rule of indicator telecom: no household field 'uses_internett' (did you mean 'uses_internet'?)",
        ),
        (
            base.replace(
                "dimension = \"information\"\nname_vi = \"Phương",
                "dimension = \"info\"\nname_vi = \"Phương",
            ),
            "field indicators.information_means.dimension: no dimension 'info'",
        ),
    ];
    for (text, expect) in cases {
        let msg = load_err(text);
        assert!(msg.contains(expect), "expected {expect:?} in {msg:?}");
    }
}
