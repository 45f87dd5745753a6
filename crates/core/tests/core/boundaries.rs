//! Every line of every standard at its boundary: exactly at, one đồng (or point) below and above.

use giamngheo_core::classify::NoScoreLines;
use giamngheo_core::standard::builtin;
use giamngheo_core::{Area, Class, Classifier, DeprivationSet, Income, Lang};

fn deprived(n: u32) -> DeprivationSet {
    DeprivationSet((1u32 << n) - 1)
}

/// One case a line: `standard area measure value deprivations class`. The measure is `vnd` or `score`.
#[track_caller]
fn check(table: &str) {
    for (no, line) in table
        .lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
    {
        let f: Vec<&str> = line.split_whitespace().collect();
        let [id, area, measure, value, d, expect] = f[..] else {
            panic!("bad case line {no}: {line}")
        };
        let c = Classifier::new(builtin::get(id).unwrap());
        let area = Area::parse(area).unwrap();
        let value: i64 = value.replace('_', "").parse().unwrap();
        let income = match measure {
            "vnd" => Income::Vnd(value),
            "score" => Income::Score(value as u32),
            _ => panic!("bad measure in {line}"),
        };
        let o = c
            .classify(area, income, deprived(d.parse().unwrap()))
            .unwrap();
        assert_eq!(
            o.class,
            Class::parse(expect).unwrap(),
            "case {line}: {}",
            c.reason(&o, Lang::En)
        );
    }
}

#[test]
fn two_tier_2016_2020_income_lines() {
    check(
        "
        vn-2016-2020 rural vnd 0         0 poor
        vn-2016-2020 rural vnd 699_999   0 poor
        vn-2016-2020 rural vnd 700_000   0 poor
        vn-2016-2020 rural vnd 700_001   0 near_poor
        vn-2016-2020 rural vnd 700_001   2 near_poor
        vn-2016-2020 rural vnd 700_001   3 poor
        vn-2016-2020 rural vnd 999_999   3 poor
        vn-2016-2020 rural vnd 1_000_000 2 near_poor
        vn-2016-2020 rural vnd 1_000_000 3 poor
        vn-2016-2020 rural vnd 1_000_001 3 middle_income
        vn-2016-2020 rural vnd 1_000_001 9 middle_income
        vn-2016-2020 rural vnd 1_499_999 0 middle_income
        vn-2016-2020 rural vnd 1_500_000 0 middle_income
        vn-2016-2020 rural vnd 1_500_001 0 not_poor
        vn-2016-2020 urban vnd 899_999   0 poor
        vn-2016-2020 urban vnd 900_000   0 poor
        vn-2016-2020 urban vnd 900_001   0 near_poor
        vn-2016-2020 urban vnd 900_001   3 poor
        vn-2016-2020 urban vnd 1_299_999 2 near_poor
        vn-2016-2020 urban vnd 1_300_000 2 near_poor
        vn-2016-2020 urban vnd 1_300_000 3 poor
        vn-2016-2020 urban vnd 1_300_001 3 middle_income
        vn-2016-2020 urban vnd 1_949_999 0 middle_income
        vn-2016-2020 urban vnd 1_950_000 0 middle_income
        vn-2016-2020 urban vnd 1_950_001 0 not_poor
        ",
    );
}

#[test]
fn single_tier_2022_2025_income_lines() {
    check(
        "
        vn-2022-2025 rural vnd 0         0 near_poor
        vn-2022-2025 rural vnd 0         3 poor
        vn-2022-2025 rural vnd 1_499_999 2 near_poor
        vn-2022-2025 rural vnd 1_499_999 3 poor
        vn-2022-2025 rural vnd 1_500_000 2 near_poor
        vn-2022-2025 rural vnd 1_500_000 3 poor
        vn-2022-2025 rural vnd 1_500_000 12 poor
        vn-2022-2025 rural vnd 1_500_001 3 middle_income
        vn-2022-2025 rural vnd 2_249_999 0 middle_income
        vn-2022-2025 rural vnd 2_250_000 0 middle_income
        vn-2022-2025 rural vnd 2_250_001 0 not_poor
        vn-2022-2025 urban vnd 1_999_999 3 poor
        vn-2022-2025 urban vnd 2_000_000 3 poor
        vn-2022-2025 urban vnd 2_000_000 2 near_poor
        vn-2022-2025 urban vnd 2_000_001 3 middle_income
        vn-2022-2025 urban vnd 2_999_999 0 middle_income
        vn-2022-2025 urban vnd 3_000_000 0 middle_income
        vn-2022-2025 urban vnd 3_000_001 0 not_poor
        ",
    );
}

#[test]
fn single_tier_2026_2030_income_lines_without_a_middle_band() {
    check(
        "
        vn-2026-2030 rural vnd 2_199_999 3 poor
        vn-2026-2030 rural vnd 2_200_000 3 poor
        vn-2026-2030 rural vnd 2_200_000 2 near_poor
        vn-2026-2030 rural vnd 2_200_001 3 not_poor
        vn-2026-2030 urban vnd 2_799_999 2 near_poor
        vn-2026-2030 urban vnd 2_800_000 3 poor
        vn-2026-2030 urban vnd 2_800_001 12 not_poor
        ",
    );
}

#[test]
fn score_mode_lines() {
    check(
        "
        vn-2016-2020 rural score 119 0 poor
        vn-2016-2020 rural score 120 0 poor
        vn-2016-2020 rural score 121 0 near_poor
        vn-2016-2020 rural score 121 3 poor
        vn-2016-2020 rural score 150 2 near_poor
        vn-2016-2020 rural score 150 3 poor
        vn-2016-2020 rural score 151 3 not_poor
        vn-2016-2020 urban score 140 0 poor
        vn-2016-2020 urban score 141 0 near_poor
        vn-2016-2020 urban score 175 3 poor
        vn-2016-2020 urban score 176 3 not_poor
        vn-2022-2025 rural score 139 3 poor
        vn-2022-2025 rural score 140 3 poor
        vn-2022-2025 rural score 140 2 near_poor
        vn-2022-2025 rural score 141 9 not_poor
        vn-2022-2025 urban score 175 3 poor
        vn-2022-2025 urban score 175 0 near_poor
        vn-2022-2025 urban score 176 3 not_poor
        ",
    );
}

#[test]
fn score_mode_is_refused_where_the_standard_has_no_score_lines() {
    let c = Classifier::new(builtin::get("vn-2026-2030").unwrap());
    let got = c.classify(Area::Rural, Income::Score(100), DeprivationSet(0));
    assert_eq!(
        got,
        Err(NoScoreLines {
            standard: "vn-2026-2030".into()
        })
    );
}

#[test]
fn transition_years_2021_and_2026_use_the_standard_in_force() {
    // (review year, area, income, deprivations, class)
    let cases: &[(u16, Area, i64, u32, Class)] = &[
        // 2021 still uses Decision 59: 1.2M rural is above its near-poverty line.
        (2021, Area::Rural, 1_200_000, 0, Class::MiddleIncome),
        (2022, Area::Rural, 1_200_000, 0, Class::NearPoor),
        (2021, Area::Rural, 650_000, 0, Class::Poor),
        (2022, Area::Rural, 650_000, 0, Class::NearPoor),
        // 2026 still uses Decree 07: 2.1M rural is above its 1.5M line.
        (2026, Area::Rural, 2_100_000, 3, Class::MiddleIncome),
        (2027, Area::Rural, 2_100_000, 3, Class::Poor),
        (2026, Area::Urban, 2_500_000, 3, Class::MiddleIncome),
        (2027, Area::Urban, 2_500_000, 3, Class::Poor),
    ];
    for (year, area, income, d, expect) in cases {
        let c = Classifier::new(builtin::for_year(*year).unwrap());
        let o = c
            .classify(*area, Income::Vnd(*income), deprived(*d))
            .unwrap();
        assert_eq!(o.class, *expect, "{year} {area:?} {income} {d}");
    }
}

#[test]
fn reasons_name_the_line_and_the_indicators() {
    let s = builtin::get("vn-2022-2025").unwrap();
    let c = Classifier::new(s);
    let mut d = DeprivationSet(0);
    for i in [0, 2, 8] {
        d.insert(i);
    }
    // (area, income, lang, reason)
    let cases: &[(Area, Income, DeprivationSet, Lang, &str)] = &[
        (
            Area::Rural,
            Income::Vnd(1_200_000),
            d,
            Lang::Vi,
            "thu nhập 1.200.000 đ ≤ chuẩn nghèo nông thôn 1.500.000 đ; thiếu hụt 3 ≥ 3 chỉ số: việc làm, dinh dưỡng, nước sinh hoạt",
        ),
        (
            Area::Urban,
            Income::Vnd(2_000_000),
            DeprivationSet(0),
            Lang::En,
            "income VND 2,000,000 ≤ poverty line urban VND 2,000,000; deprived on 0 < 3 indicators",
        ),
        (
            Area::Rural,
            Income::Vnd(1_600_000),
            d,
            Lang::Vi,
            "thu nhập 1.600.000 đ > chuẩn nghèo nông thôn 1.500.000 đ ≤ mức sống trung bình nông thôn 2.250.000 đ (chưa xác minh)",
        ),
        (
            Area::Rural,
            Income::Vnd(5_000_000),
            d,
            Lang::En,
            "income VND 5,000,000 > middle-income ceiling rural VND 2,250,000 (unverified)",
        ),
        (
            Area::Rural,
            Income::Score(120),
            d,
            Lang::Vi,
            "điểm thu nhập 120 ≤ ngưỡng điểm nghèo nông thôn 140; điểm thiếu hụt 30 ≥ 30: việc làm, dinh dưỡng, nước sinh hoạt",
        ),
    ];
    for (area, income, d, lang, expect) in cases {
        let o = c.classify(*area, *income, *d).unwrap();
        assert_eq!(c.reason(&o, *lang), *expect);
    }
}

#[test]
fn two_tier_reasons() {
    let c = Classifier::new(builtin::get("vn-2016-2020").unwrap());
    let cases: &[(i64, u32, &str)] = &[
        (
            650_000,
            0,
            "thu nhập 650.000 đ ≤ chuẩn nghèo nông thôn 700.000 đ",
        ),
        (
            800_000,
            1,
            "thu nhập 800.000 đ > chuẩn nghèo nông thôn 700.000 đ ≤ chuẩn cận nghèo nông thôn 1.000.000 đ; thiếu hụt 1 < 3 chỉ số: khám chữa bệnh",
        ),
        (
            1_200_000,
            0,
            "thu nhập 1.200.000 đ > chuẩn cận nghèo nông thôn 1.000.000 đ ≤ mức sống trung bình nông thôn 1.500.000 đ (chưa xác minh)",
        ),
    ];
    for (income, d, expect) in cases {
        let o = c
            .classify(Area::Rural, Income::Vnd(*income), deprived(*d))
            .unwrap();
        assert_eq!(c.reason(&o, Lang::Vi), *expect);
    }
}

#[test]
fn a_household_code_prints_and_compares_as_the_text_it_was_read_from() {
    use giamngheo_core::ids::HouseholdCode;
    // (typed, parsed and printed as)
    let good = [
        ("TX-XH-001", "TX-XH-001"),
        (" HD/0123 ", "HD/0123"),
        ("15499-000001", "15499-000001"),
        ("a.b_c", "a.b_c"),
    ];
    for (typed, shown) in good {
        let code: HouseholdCode = typed.parse().unwrap();
        assert_eq!(code.to_string(), shown, "{typed:?}");
        assert_eq!(code, shown, "{typed:?}");
        assert_eq!(String::from(code), shown, "{typed:?}");
    }
    for bad in ["", "   ", "XH 001", "Hộ-1", "x;y", &"9".repeat(41)] {
        let err = bad.parse::<HouseholdCode>().unwrap_err();
        assert_eq!(err.0, bad, "{bad:?}");
    }
}
