//! Mapping units across boundary changes, on small made-up lineages.

use giamngheo_core::date::Date;
use giamngheo_core::ids::{UnitCode, UnitLevel};
use giamngheo_core::units::{LineageKind, LineageLink, UnitLineage};

fn c(code: &str) -> UnitCode {
    UnitCode::parse(UnitLevel::Commune, code).unwrap()
}

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn link(
    date: &str,
    kind: LineageKind,
    from: &str,
    to: &str,
    share: Option<f64>,
    default: bool,
) -> LineageLink {
    LineageLink {
        date: d(date),
        kind,
        from: c(from),
        to: c(to),
        share,
        default_successor: default,
    }
}

#[test]
fn merges_splits_with_shares_and_chains() {
    use LineageKind::*;
    let lineage = UnitLineage::new([
        // Three communes merge into 90001 in 2025.
        link("2025-07-01", Merge, "10001", "90001", None, true),
        link("2025-07-01", Merge, "10002", "90001", None, true),
        link("2025-07-01", Merge, "10003", "90001", None, true),
        // A ward split in two with known shares.
        link("2025-07-01", Split, "20001", "90002", Some(0.6), true),
        link("2025-07-01", Split, "20001", "90003", Some(0.4), false),
        // A split without shares.
        link("2025-07-01", Split, "30001", "90004", None, false),
        link("2025-07-01", Split, "30001", "90005", None, true),
        // A merge in 2020 followed by the 2025 merge.
        link("2020-01-01", Merge, "40001", "10001", None, true),
    ]);
    let cases: &[(&str, &str, &str, &[(&str, f64)])] = &[
        ("10002", "2024-01-01", "2026-01-01", &[("90001", 1.0)]),
        ("10002", "2024-01-01", "2025-06-30", &[("10002", 1.0)]),
        (
            "20001",
            "2024-01-01",
            "2026-01-01",
            &[("90002", 0.6), ("90003", 0.4)],
        ),
        ("30001", "2024-01-01", "2026-01-01", &[("90005", 1.0)]),
        ("40001", "2019-01-01", "2021-01-01", &[("10001", 1.0)]),
        ("40001", "2019-01-01", "2026-01-01", &[("90001", 1.0)]),
        ("90001", "2026-01-01", "2027-01-01", &[("90001", 1.0)]),
    ];
    for (from, a, b, expect) in cases {
        let got = lineage.successors(&c(from), d(a), d(b));
        let expect: Vec<(UnitCode, f64)> = expect.iter().map(|(u, w)| (c(u), *w)).collect();
        assert_eq!(got.len(), expect.len(), "{from} {a}→{b}: {got:?}");
        for ((gu, gw), (eu, ew)) in got.iter().zip(&expect) {
            assert_eq!(gu, eu, "{from} {a}→{b}");
            assert!((gw - ew).abs() < 1e-12, "{from} {a}→{b}: {gw} vs {ew}");
        }
    }
    assert_eq!(
        lineage.record_successor(&c("20001"), d("2024-01-01"), d("2026-01-01")),
        c("90002")
    );
    assert_eq!(
        lineage.record_successor(&c("40001"), d("2019-01-01"), d("2026-01-01")),
        c("90001")
    );
}

#[test]
fn dates_parse_both_ways_and_know_the_calendar() {
    let cases = [
        ("2025-07-01", Some("2025-07-01")),
        ("01/07/2025", Some("2025-07-01")),
        ("1/7/2025", Some("2025-07-01")),
        ("29/02/2024", Some("2024-02-29")),
        ("29/02/2023", None),
        ("31/04/2023", None),
        ("2023-13-01", None),
        ("07/2025", None),
        ("", None),
    ];
    for (input, expect) in cases {
        assert_eq!(
            Date::parse(input).ok().map(|d| d.iso()),
            expect.map(str::to_owned),
            "{input}"
        );
    }
    assert_eq!(d("2025-07-01").pred().iso(), "2025-06-30");
    assert_eq!(d("2025-01-01").pred().iso(), "2024-12-31");
    assert_eq!(d("2024-03-01").pred().iso(), "2024-02-29");
    assert_eq!(d("1990-05-20").age_on(d("2025-05-19")), 34);
    assert_eq!(d("1990-05-20").age_on(d("2025-05-20")), 35);
    assert_eq!(Date::from_unix_days(0).iso(), "1970-01-01");
    assert_eq!(Date::from_unix_days(20_271).iso(), "2025-07-02");
    assert_eq!(Date::from_unix_days(19_417).iso(), "2023-03-01");
}
