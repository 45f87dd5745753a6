//! Vietnam's days against UTC: a day begins at 17:00 UTC the day before.

use giamngheo_core::calendar::{vietnam_date, vietnam_day_starts};
use giamngheo_core::date::Date;

#[test]
fn a_vietnam_day_begins_at_17_utc_the_day_before() {
    // (Vietnam's day, the UTC instant it begins)
    let cases = [
        ("2026-12-06", "2026-12-05T17:00:00Z"),
        ("2026-01-01", "2025-12-31T17:00:00Z"),
        ("2024-03-01", "2024-02-29T17:00:00Z"),
    ];
    for (day, starts) in cases {
        assert_eq!(
            vietnam_day_starts(Date::parse(day).unwrap()),
            starts,
            "{day}"
        );
    }
    // 2026-12-05T16:59:59Z is still the 5th in Vietnam, 17:00:00Z the 6th.
    let at_17 = Date::parse("2026-12-05").unwrap().unix_days() * 86_400 + 17 * 3600;
    assert_eq!(vietnam_date(at_17 - 1).iso(), "2026-12-05");
    assert_eq!(vietnam_date(at_17).iso(), "2026-12-06");
}
