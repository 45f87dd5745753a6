//! The Alkire-Foster measures against a table computed by hand.

use giamngheo_core::mpi::{MpiAccumulator, MpiSpec, MpiSpecError};

const SPEC: &str = r#"
[[dimensions]]
name = "education"
indicators = ["i1", "i2"]
[[dimensions]]
name = "living"
indicators = ["i3", "i4"]
"#;

/// Four people, nested equal weights of 1/4: scores 0, 1/2, 1, 1/4.
const PEOPLE: [[bool; 4]; 4] = [
    [false, false, false, false],
    [true, false, false, true],
    [true, true, true, true],
    [false, false, false, true],
];

fn value(ms: &[giamngheo_core::mpi::Measure], k: u8, measure: &str, indicator: &str) -> f64 {
    ms.iter()
        .find(|m| m.k == k && m.measure == measure && m.indicator == indicator)
        .unwrap()
        .value
}

#[test]
fn measures_match_the_hand_computed_table() {
    let spec = MpiSpec::from_toml(SPEC).unwrap();
    assert!(
        spec.indicators
            .iter()
            .all(|(_, _, w)| (*w - 0.25).abs() < 1e-12)
    );
    let ks = [25, 33, 100];
    let mut acc = MpiAccumulator::new(&spec, &ks);
    for p in PEOPLE {
        acc.add(1.0, &p);
    }
    let ms = acc.measures(&spec, &ks);
    // (k, measure, indicator, value)
    let cases: &[(u8, &str, &str, f64)] = &[
        (33, "H", "", 0.5),
        (33, "A", "", 0.75),
        (33, "M0", "", 0.375),
        (33, "hd", "i1", 0.5),
        (33, "hd", "i4", 0.75),
        (33, "hdk", "i1", 0.5),
        (33, "hdk", "i2", 0.25),
        (33, "hdk", "i4", 0.5),
        (33, "actb", "i1", 0.125),
        (33, "actb", "i3", 0.0625),
        (33, "pctb", "i1", 1.0 / 3.0),
        (33, "pctb", "i2", 1.0 / 6.0),
        (25, "H", "", 0.75),
        (25, "A", "", 1.75 / 3.0),
        (25, "M0", "", 0.4375),
        (25, "hdk", "i4", 0.75),
        (100, "H", "", 0.25),
        (100, "A", "", 1.0),
        (100, "M0", "", 0.25),
        (100, "hdk", "i4", 0.25),
    ];
    for (k, measure, indicator, expect) in cases {
        let got = value(&ms, *k, measure, indicator);
        assert!(
            (got - expect).abs() < 1e-12,
            "k={k} {measure} {indicator}: {got} vs {expect}"
        );
    }
    // Contributions add up to M0.
    for k in ks {
        let sum: f64 = ["i1", "i2", "i3", "i4"]
            .iter()
            .map(|i| value(&ms, k, "actb", i))
            .sum();
        assert!((sum - value(&ms, k, "M0", "")).abs() < 1e-12);
    }
}

#[test]
fn sampling_weights_and_merging_give_the_same_measures() {
    let spec = MpiSpec::from_toml(SPEC).unwrap();
    let ks = [33];
    // Person 3 counted twice by weight equals person 3 listed twice.
    let mut weighted = MpiAccumulator::new(&spec, &ks);
    let mut listed = MpiAccumulator::new(&spec, &ks);
    let mut half = MpiAccumulator::new(&spec, &ks);
    for (i, p) in PEOPLE.iter().enumerate() {
        weighted.add(if i == 2 { 2.0 } else { 1.0 }, p);
        listed.add(1.0, p);
        if i < 2 {
            half.add(1.0, p);
        }
    }
    listed.add(1.0, &PEOPLE[2]);
    let mut rest = MpiAccumulator::new(&spec, &ks);
    for p in &PEOPLE[2..] {
        rest.add(1.0, p);
    }
    rest.add(1.0, &PEOPLE[2]);
    half.merge(&rest);
    assert_eq!(weighted.measures(&spec, &ks), listed.measures(&spec, &ks));
    assert_eq!(half.measures(&spec, &ks), listed.measures(&spec, &ks));
}

#[test]
fn specs_that_do_not_add_up_are_refused() {
    let cases: &[(&str, MpiSpecError)] = &[
        (
            "[[dimensions]]\nname = \"a\"\nindicators = [\"x\", \"y\"]\nweights = [0.5, 0.4]",
            MpiSpecError::WeightsSum(0.9),
        ),
        (
            "[[dimensions]]\nname = \"a\"\nindicators = [\"x\", \"x\"]",
            MpiSpecError::DuplicateIndicator("x".into()),
        ),
        ("dimensions = []", MpiSpecError::NoIndicators),
        (
            "[[dimensions]]\nname = \"a\"\nindicators = [\"x\"]\nweights = [0.5]\n[[dimensions]]\nname = \"b\"\nindicators = [\"y\"]",
            MpiSpecError::MissingWeight("y".into()),
        ),
    ];
    for (text, expect) in cases {
        match (MpiSpec::from_toml(text), expect) {
            (Err(MpiSpecError::WeightsSum(s)), MpiSpecError::WeightsSum(e)) => {
                assert!((s - e).abs() < 1e-9)
            }
            (got, expect) => assert_eq!(got.unwrap_err(), *expect, "{text}"),
        }
    }
}

#[test]
fn change_over_time_absolute_relative_and_annualised() {
    use giamngheo_core::mpi::change;
    // (from, to, years) → absolute, annualised absolute, relative %, annualised relative %.
    for (from, to, years, abs, ann, rel, ann_rel) in [
        // M0 halves in 4 years: -50 %, and (1/2)^(1/4) - 1 = -15.91 % a year.
        (
            0.2,
            0.1,
            4.0,
            -0.1,
            -0.025,
            Some(-50.0),
            Some(-15.910_358_474_628_55),
        ),
        (0.1, 0.121, 2.0, 0.021, 0.0105, Some(21.0), Some(10.0)),
        (0.0, 0.05, 5.0, 0.05, 0.01, None, None),
    ] {
        let c = change(from, to, years);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(c.absolute, abs), "{from} {to}: {c:?}");
        assert!(close(c.annualised_absolute, ann), "{from} {to}: {c:?}");
        assert_eq!(c.relative.is_some(), rel.is_some(), "{c:?}");
        assert_eq!(c.annualised_relative.is_some(), ann_rel.is_some(), "{c:?}");
        if let (Some(a), Some(b)) = (c.relative, rel) {
            assert!(close(a, b), "{c:?}");
        }
        if let (Some(a), Some(b)) = (c.annualised_relative, ann_rel) {
            assert!(close(a, b), "{c:?}");
        }
    }
}
