//! Calendar dates without time zones: review dates, birth dates, validity of units. Parsed from ISO
//! (`2025-07-01`) and the Vietnamese way (`01/07/2025`), stored as ISO so text order is date order.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateError;

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Result<Date, DateError> {
        if !(1000..=9999).contains(&year)
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
        {
            return Err(DateError);
        }
        Ok(Date { year, month, day })
    }

    /// `2025-07-01`, `01/07/2025` or `1/7/2025`.
    pub fn parse(s: &str) -> Result<Date, DateError> {
        let s = s.trim();
        let num = |t: &str| t.parse::<i32>().map_err(|_| DateError);
        if let Some((y, rest)) = s.split_once('-') {
            let (m, d) = rest.split_once('-').ok_or(DateError)?;
            if y.len() != 4 {
                return Err(DateError);
            }
            return Date::new(num(y)?, num(m)? as u8, num(d)? as u8);
        }
        let mut parts = s.split('/');
        let (d, m, y) = (
            parts.next().ok_or(DateError)?,
            parts.next().ok_or(DateError)?,
            parts.next().ok_or(DateError)?,
        );
        if parts.next().is_some() || y.len() != 4 || m.len() > 2 || d.len() > 2 {
            return Err(DateError);
        }
        let (m, d) = (num(m)?, num(d)?);
        if !(0..=99).contains(&m) || !(0..=99).contains(&d) {
            return Err(DateError);
        }
        Date::new(num(y)?, m as u8, d as u8)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }

    pub fn day(self) -> u8 {
        self.day
    }

    /// The ISO text stored in databases and files.
    pub fn iso(self) -> String {
        // Without the formatting machinery: imports write millions of these.
        let y = self.year.unsigned_abs();
        let digits = [
            (y / 1000 % 10) as u8,
            (y / 100 % 10) as u8,
            (y / 10 % 10) as u8,
            (y % 10) as u8,
            10,
            self.month / 10,
            self.month % 10,
            10,
            self.day / 10,
            self.day % 10,
        ];
        digits
            .iter()
            .map(|&d| if d == 10 { '-' } else { char::from(b'0' + d) })
            .collect()
    }

    /// `29/11/2026`.
    pub fn vi(self) -> String {
        format!("{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }

    /// Completed years of age on `on` of someone born on `self`.
    pub fn age_on(self, on: Date) -> i32 {
        let mut age = on.year - self.year;
        if (on.month, on.day) < (self.month, self.day) {
            age -= 1;
        }
        age
    }

    /// The day before: validity ranges end the day before the next one starts.
    pub fn pred(self) -> Date {
        if self.day > 1 {
            return Date {
                day: self.day - 1,
                ..self
            };
        }
        if self.month > 1 {
            let m = self.month - 1;
            return Date {
                month: m,
                day: days_in_month(self.year, m),
                ..self
            };
        }
        Date {
            year: self.year - 1,
            month: 12,
            day: 31,
        }
    }
}

impl Date {
    /// The date `days` after 1970-01-01 (Howard Hinnant's civil-from-days algorithm). The caller reads the
    /// clock; the core only converts.
    pub fn from_unix_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Days since 1970-01-01 (Hinnant's days-from-civil), the inverse of [`Date::from_unix_days`].
    pub fn unix_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn add_days(self, days: i64) -> Date {
        Date::from_unix_days(self.unix_days() + days)
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.unix_days() - self.unix_days()
    }

    /// Monday = 1 … Sunday = 7 (1970-01-01 was a Thursday).
    pub fn weekday(self) -> u8 {
        ((self.unix_days() + 3).rem_euclid(7) + 1) as u8
    }

    /// The date `n` working days after `self` (Monday to Friday; public holidays are not known to the core).
    pub fn add_working_days(self, n: u32) -> Date {
        let mut d = self;
        let mut left = n;
        while left > 0 {
            d = d.add_days(1);
            if d.weekday() <= 5 {
                left -= 1;
            }
        }
        d
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}
