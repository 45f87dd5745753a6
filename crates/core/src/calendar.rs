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

/// A moment stored as UTC (`2026-12-05T08:02:33Z`) as an officer reads it: Vietnam's date and time,
/// `05/12/2026 15:02:33`. Text that is not such a moment is returned as it is.
pub fn vietnam_moment(utc: &str) -> String {
    let parsed = (|| {
        let (day, time) = utc.strip_suffix('Z')?.split_once('T')?;
        let day = Date::parse(day).ok()?;
        let mut hms = time.split(':').map(|p| p.parse::<i64>().ok());
        let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
        let secs = day.unix_days() * 86_400 + h * 3600 + m * 60 + s + VIETNAM_UTC_OFFSET_SECONDS;
        let local = Date::from_unix_days(secs.div_euclid(86_400));
        let t = secs.rem_euclid(86_400);
        Some(format!(
            "{} {:02}:{:02}:{:02}",
            local.vi(),
            t / 3600,
            t / 60 % 60,
            t % 60
        ))
    })();
    parsed.unwrap_or_else(|| utc.to_owned())
}

#[cfg(test)]
mod moment_tests {
    #[test]
    fn utc_moments_read_as_vietnams_date_and_time() {
        for (utc, shown) in [
            ("2026-12-05T08:02:33Z", "05/12/2026 15:02:33"),
            ("2026-12-31T17:00:00Z", "01/01/2027 00:00:00"),
            ("not a moment", "not a moment"),
        ] {
            assert_eq!(super::vietnam_moment(utc), shown, "{utc}");
        }
    }
}
