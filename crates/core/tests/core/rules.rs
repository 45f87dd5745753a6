//! Indicator rules over household facts, and the errors of rules that do not parse.

use giamngheo_core::Lang;
use giamngheo_core::facts::HouseholdFacts;
use giamngheo_core::messages::Localized;
use giamngheo_core::rules::Rule;
use giamngheo_core::standard::builtin;
use giamngheo_core::{Area, Class, Classifier, Income};

/// A household that is deprived on nothing under any standard; each case changes a few facts.
const BASE: &str = r#"
walls = "durable"
columns = "durable"
roof = "durable"
floor_area = 60.0
water_source = "piped"
latrine = "septic"
waste = "collected"
uses_phone = true
uses_internet = true
tv = true
smartphone = true
loudspeaker = true
[[members]]
age = 40
birth_year = 1985
sex = "male"
education = "upper_secondary"
health_insurance = true
employment = "wage_with_contract"
[[members]]
age = 38
birth_year = 1987
sex = "female"
education = "lower_secondary"
health_insurance = true
employment = "farming"
"#;

fn facts(change: &str) -> HouseholdFacts {
    // Appended top-level keys must come before the [[members]] tables, so split there.
    let (head, members) = BASE.split_once("[[members]]").unwrap();
    let (extra_head, extra_members) = match change.split_once("[[members]]") {
        Some((h, m)) => (h, format!("[[members]]{m}")),
        None => (change, String::new()),
    };
    let mut head: String = head.to_owned();
    for line in extra_head.lines() {
        if let Some((key, _)) = line.split_once('=') {
            let key = key.trim();
            head = head
                .lines()
                .filter(|l| !l.starts_with(&format!("{key} ")))
                .collect::<Vec<_>>()
                .join("\n");
            head.push('\n');
        }
        head.push_str(line);
        head.push('\n');
    }
    let text = format!("{head}[[members]]{members}{extra_members}");
    HouseholdFacts::from_toml(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn deprived_ids(standard: &str, f: &HouseholdFacts) -> Vec<String> {
    let c = Classifier::new(builtin::get(standard).unwrap());
    let d = c.deprivations(f);
    d.iter()
        .map(|i| c.standard().indicators[i].id.clone())
        .collect()
}

/// Each (standard, change to the base facts, the indicators deprived, by id and in order).
fn assert_deprived(cases: Vec<(&str, String, &str)>) {
    for (standard, change, expect) in cases {
        let f = facts(&change);
        assert_eq!(
            deprived_ids(standard, &f).join(" "),
            expect,
            "{standard} with {change:?}"
        );
    }
}

#[test]
fn facts_become_deprivations() {
    let child = |extra: &str| {
        let base = "age = 10\nbirth_year = 2015\nsex = \"female\"\neducation = \"primary\"\nemployment = \"not_in_labour_force\"\nhealth_insurance = true\nin_school = true";
        let overridden = |l: &&str| {
            extra
                .lines()
                .any(|e| e.split('=').next() == l.split('=').next())
        };
        let kept: Vec<&str> = base.lines().filter(|l| !overridden(l)).collect();
        format!("[[members]]\n{}\n{extra}\n", kept.join("\n"))
    };
    // (standard, change to the base household, deprived indicators)
    let cases: Vec<(&str, String, &str)> = vec![
        ("vn-2022-2025", String::new(), ""),
        ("vn-2016-2020", String::new(), ""),
        ("vn-2026-2030", String::new(), ""),
        (
            "vn-2022-2025",
            "water_source = \"surface_water\"".into(),
            "water",
        ),
        ("vn-2022-2025", "latrine = \"hanging\"".into(), "sanitation"),
        ("vn-2022-2025", "floor_area = 15.9".into(), "floor_area"),
        ("vn-2022-2025", "floor_area = 16.0".into(), ""),
        ("vn-2022-2025", "walls = \"non_durable\"".into(), ""),
        (
            "vn-2022-2025",
            "walls = \"non_durable\"\nroof = \"non_durable\"".into(),
            "housing_quality",
        ),
        ("vn-2022-2025", "uses_internet = false".into(), "telecom"),
        ("vn-2016-2020", "uses_internet = false".into(), ""),
        (
            "vn-2016-2020",
            "uses_internet = false\nuses_phone = false".into(),
            "telecom",
        ),
        (
            "vn-2022-2025",
            "tv = false\nsmartphone = false".into(),
            "information_means",
        ),
        ("vn-2016-2020", "tv = false\nsmartphone = false".into(), ""),
        (
            "vn-2016-2020",
            "tv = false\nloudspeaker = false".into(),
            "information_assets",
        ),
        ("vn-2026-2030", "waste = \"dumped\"".into(), "waste"),
        ("vn-2022-2025", "waste = \"dumped\"".into(), ""),
        (
            "vn-2022-2025",
            child("health_insurance = false"),
            "health_insurance",
        ),
        ("vn-2022-2025", child("malnourished = true"), "nutrition"),
        (
            "vn-2022-2025",
            child("in_school = false"),
            "child_schooling",
        ),
        (
            "vn-2016-2020",
            child("in_school = false"),
            "child_schooling",
        ),
        (
            "vn-2016-2020",
            child("sick_untreated = true"),
            "health_access",
        ),
        // Two adults, one child: one dependant of three is not more than half.
        ("vn-2022-2025", child(""), ""),
        // Two adults, two children: two of four is not more than half; three of five is.
        ("vn-2022-2025", format!("{}{}", child(""), child("")), ""),
        (
            "vn-2022-2025",
            format!("{}{}{}", child(""), child(""), child("")),
            "dependants",
        ),
    ];
    assert_deprived(cases);
}

#[test]
fn employment_and_adult_education_rules() {
    let adult = |fields: &str| {
        format!("[[members]]\nbirth_year = 2000\nsex = \"male\"\nhealth_insurance = true\n{fields}")
    };
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "vn-2022-2025",
            adult("age = 25\neducation = \"upper_secondary\"\nemployment = \"unemployed\""),
            "employment",
        ),
        (
            "vn-2022-2025",
            adult("age = 25\neducation = \"upper_secondary\"\nemployment = \"wage_no_contract\""),
            "employment",
        ),
        (
            "vn-2022-2025",
            adult("age = 65\neducation = \"upper_secondary\"\nemployment = \"unemployed\""),
            "",
        ),
        (
            "vn-2022-2025",
            adult("age = 25\neducation = \"lower_secondary\"\nemployment = \"farming\""),
            "adult_education",
        ),
        (
            "vn-2022-2025",
            adult(
                "age = 25\neducation = \"lower_secondary\"\nemployment = \"farming\"\non_the_job_training = true",
            ),
            "",
        ),
        (
            "vn-2022-2025",
            adult("age = 17\neducation = \"lower_secondary\"\nemployment = \"farming\""),
            "",
        ),
        (
            "vn-2022-2025",
            adult("age = 17\neducation = \"primary\"\nemployment = \"farming\""),
            "adult_education",
        ),
        (
            "vn-2016-2020",
            adult("age = 25\neducation = \"primary\"\nemployment = \"farming\""),
            "adult_education",
        ),
        (
            "vn-2016-2020",
            adult("age = 25\neducation = \"lower_secondary\"\nemployment = \"farming\""),
            "",
        ),
    ];
    assert_deprived(cases);
}

#[test]
fn facts_classify_with_an_explanation() {
    let f = facts("water_source = \"surface_water\"\nlatrine = \"none\"\nuses_internet = false");
    let c = Classifier::new(builtin::get("vn-2022-2025").unwrap());
    let d = c.deprivations(&f);
    let o = c.classify(Area::Rural, Income::Vnd(1_000_000), d).unwrap();
    assert_eq!(o.class, Class::Poor);
    assert_eq!(
        c.reason(&o, Lang::Vi),
        "thu nhập 1.000.000 đ ≤ chuẩn nghèo nông thôn 1.500.000 đ; thiếu hụt 3 ≥ 3 chỉ số: nước sinh hoạt, nhà tiêu, viễn thông"
    );
}

#[test]
fn rules_that_do_not_parse_say_where() {
    let cases = [
        (
            "any member where age >= 6 and not health_insurence",
            "no member field 'health_insurence' (did you mean 'health_insurance'?), at character 35",
        ),
        (
            "any member where water_source = piped",
            "field 'water_source' is not a member field",
        ),
        (
            "household where water_source in [piped, pipe]",
            "'pipe' is not a value of 'water_source'",
        ),
        (
            "household where floor_area < small",
            "'floor_area' must be compared with a number",
        ),
        (
            "every member where age > 3",
            "expected 'household | any member | no member | more than N% of members', found 'every'",
        ),
        ("household where (tv or radio", "expected ')', found 'end'"),
        ("household where tv or", "expected 'field', found 'end'"),
        (
            "more than 150% of members where age < 16",
            "the share must be a percentage",
        ),
        ("household where tv # radio", "unexpected character '#'"),
        (
            "household where tv radio",
            "expected 'and | or | end', found 'radio'",
        ),
    ];
    for (text, expect) in cases {
        let err = Rule::parse(&[text]).unwrap_err();
        let msg = err.message(Lang::En);
        assert!(
            msg.contains(expect),
            "{text:?}: expected {expect:?} in {msg:?}"
        );
    }
}
