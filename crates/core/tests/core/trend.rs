use giamngheo_core::trend::{TargetStatus, average_annual_reduction, target_status};

#[test]
fn average_annual_reduction_is_points_per_year_between_rounded_rates() {
    for (first, last, expect) in [
        // The example: 7.42 % in 2015 to 1.74 % in 2019 is 1.42 points a year.
        ((2015, 7.42), (2019, 1.74), Some(1.42)),
        // Rates are rounded as published before the difference: 7.4249 → 7.42, 1.7351 → 1.74.
        ((2015, 7.4249), (2019, 1.7351), Some(1.42)),
        // A rise is a negative reduction.
        ((2021, 1.0), (2023, 2.0), Some(-0.5)),
        ((2019, 3.0), (2019, 2.0), None),
    ] {
        let got = average_annual_reduction(first, last);
        match (got, expect) {
            (Some(g), Some(e)) => assert!((g - e).abs() < 1e-9, "{first:?} {last:?}: {g}"),
            _ => assert_eq!(got, expect, "{first:?} {last:?}"),
        }
    }
}

#[test]
fn a_target_is_met_missed_or_judged_by_the_projection() {
    let actual = [(2021, 4.0), (2022, 3.0), (2023, 2.0)];
    for (year, target, data, status, by) in [
        (2022, 3.0, &actual[..], TargetStatus::Met, Some(3.0)),
        (2022, 2.99, &actual[..], TargetStatus::Missed, Some(3.0)),
        // One point a year from 2.00 % in 2023: 0.00 % in 2025, never below zero.
        (2025, 0.5, &actual[..], TargetStatus::OnTrack, Some(0.0)),
        (2026, 0.0, &actual[..], TargetStatus::OnTrack, Some(0.0)),
        (2024, 0.9, &actual[..], TargetStatus::OffTrack, Some(1.0)),
        (2020, 5.0, &actual[..], TargetStatus::NoData, None),
        (2025, 1.0, &[][..], TargetStatus::NoData, None),
        (2025, 2.5, &actual[2..], TargetStatus::OnTrack, Some(2.0)),
        (2025, 1.5, &actual[2..], TargetStatus::NoData, None),
    ] {
        assert_eq!(
            target_status(year, target, data),
            (status, by),
            "{year} {target} {data:?}"
        );
    }
}
