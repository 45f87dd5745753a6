//! Trends of the poor-household rate and plan targets: the average annual reduction and whether a unit is on
//! track for its target. Rates are in percent and, as published, rounded to two decimals before comparing.

/// A rate rounded to two decimals, as reports publish it.
pub fn round2(rate: f64) -> f64 {
    (rate * 100.0).round() / 100.0
}

/// The average annual reduction in percentage points: (rate at the end of the first year − rate at the end of
/// the last year) ÷ the years between them. `None` for a span of less than two years.
pub fn average_annual_reduction(first: (i32, f64), last: (i32, f64)) -> Option<f64> {
    let years = last.0 - first.0;
    (years > 0).then(|| (round2(first.1) - round2(last.1)) / f64::from(years))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetStatus {
    /// The year is reviewed and its rate is at or below the target.
    Met,
    /// The year is reviewed and its rate is above the target.
    Missed,
    /// A future year: the rate projected at the average annual reduction so far reaches the target.
    OnTrack,
    /// A future year the projection does not reach.
    OffTrack,
    /// Nothing to judge by: a year before the first review, or a single reviewed year above the target.
    NoData,
}

impl TargetStatus {
    pub fn code(self) -> &'static str {
        match self {
            TargetStatus::Met => "met",
            TargetStatus::Missed => "missed",
            TargetStatus::OnTrack => "on_track",
            TargetStatus::OffTrack => "off_track",
            TargetStatus::NoData => "no_data",
        }
    }

    pub fn name(self, lang: crate::Lang) -> &'static str {
        lang.pick(
            match self {
                TargetStatus::Met => "đạt",
                TargetStatus::Missed => "không đạt",
                TargetStatus::OnTrack => "đúng tiến độ",
                TargetStatus::OffTrack => "chậm tiến độ",
                TargetStatus::NoData => "chưa đủ số liệu",
            },
            match self {
                TargetStatus::Met => "met",
                TargetStatus::Missed => "missed",
                TargetStatus::OnTrack => "on track",
                TargetStatus::OffTrack => "off track",
                TargetStatus::NoData => "no data",
            },
        )
    }
}

/// Judges a target for `year` against the reviewed rates `actual` (year, rate; sorted by year). Returns the
/// status and the rate it was judged by: the reviewed rate, or for a later year the projection from the last
/// reviewed year at the average annual reduction from the first (never below zero).
pub fn target_status(year: i32, target: f64, actual: &[(i32, f64)]) -> (TargetStatus, Option<f64>) {
    if let Some(&(_, r)) = actual.iter().find(|(y, _)| *y == year) {
        let r = round2(r);
        let s = if r <= target {
            TargetStatus::Met
        } else {
            TargetStatus::Missed
        };
        return (s, Some(r));
    }
    let (Some(&first), Some(&last)) = (actual.first(), actual.last()) else {
        return (TargetStatus::NoData, None);
    };
    if year < last.0 {
        return (TargetStatus::NoData, None);
    }
    match average_annual_reduction(first, last) {
        Some(per_year) => {
            let projected = round2((round2(last.1) - per_year * f64::from(year - last.0)).max(0.0));
            let s = if projected <= target {
                TargetStatus::OnTrack
            } else {
                TargetStatus::OffTrack
            };
            (s, Some(projected))
        }
        // One reviewed year: on track only if already there.
        None if round2(last.1) <= target => (TargetStatus::OnTrack, Some(round2(last.1))),
        None => (TargetStatus::NoData, None),
    }
}
