//! The review's calendar, written once: the periodic review's reference day and the date in Vietnam.

use crate::date::Date;

/// Vietnam's offset from UTC: a commune office lives in UTC+7 all year (no summer time).
pub const VIETNAM_UTC_OFFSET_SECONDS: i64 = 7 * 3600;

/// The reference day of the periodic review of `year`: 15 November, the day on which each year's poor and
/// near-poor households are counted (the results' "as of" in reports and rates).
pub fn review_day(year: i32) -> Date {
    Date::new(year, 11, 15).unwrap_or_else(|_| unreachable!("15 November exists every year"))
}

/// The date in Vietnam at `unix_seconds` (seconds since 1970-01-01 UTC).
pub fn vietnam_date(unix_seconds: i64) -> Date {
    Date::from_unix_days((unix_seconds + VIETNAM_UTC_OFFSET_SECONDS).div_euclid(86_400))
}

/// The UTC instant (`2026-12-05T17:00:00Z`) at which `day` begins in Vietnam: the bound a filter by Vietnam's
/// days puts on UTC time stamps (the audit log's).
pub fn vietnam_day_starts(day: Date) -> String {
    let secs = day.unix_days() * 86_400 - VIETNAM_UTC_OFFSET_SECONDS;
    let d = Date::from_unix_days(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        d.iso(),
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}
