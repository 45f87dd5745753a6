//! Transitions between reviews and the date arithmetic the review procedure counts deadlines with.

use giamngheo_core::Class::{self, *};
use giamngheo_core::date::Date;
use giamngheo_core::transition::{Transition, TransitionTracker};

#[test]
fn one_step_table() {
    use Transition as T;
    #[rustfmt::skip]
    let cases: &[(Option<Class>, Class, bool, Transition)] = &[
        (Some(Poor),         Poor,         false, T::StayedPoor),
        (Some(Poor),         NearPoor,     false, T::EscapedToNearPoor),
        (Some(Poor),         NotPoor,      false, T::Escaped),
        (Some(Poor),         MiddleIncome, true,  T::Escaped),
        (None,               Poor,         false, T::NewlyPoor),
        (Some(NearPoor),     Poor,         false, T::NewlyPoor),
        (Some(NotPoor),      Poor,         false, T::NewlyPoor),
        (Some(NotPoor),      Poor,         true,  T::RePoor),
        (Some(NearPoor),     Poor,         true,  T::RePoor),
        (Some(NearPoor),     NearPoor,     false, T::StayedNearPoor),
        (Some(NotPoor),      NearPoor,     true,  T::NewlyNearPoor),
        (None,               NearPoor,     false, T::NewlyNearPoor),
        (Some(NearPoor),     NotPoor,      false, T::LeftNearPoor),
        (Some(NearPoor),     MiddleIncome, false, T::LeftNearPoor),
        (Some(NotPoor),      NotPoor,      true,  T::StayedOut),
        (None,               MiddleIncome, false, T::StayedOut),
    ];
    for &(prev, now, earlier, want) in cases {
        assert_eq!(
            Transition::between(prev, now, earlier),
            want,
            "{prev:?} -> {now:?} ({earlier})"
        );
        assert_eq!(Transition::parse(want.code()), Some(want));
    }
}

#[test]
fn tracker_over_a_household_history() {
    use Transition as T;
    let cases: &[(&[Class], &[Transition])] = &[
        (
            &[Poor, Poor, NotPoor, NotPoor, Poor],
            &[
                T::NewlyPoor,
                T::StayedPoor,
                T::Escaped,
                T::StayedOut,
                T::RePoor,
            ],
        ),
        (
            &[NearPoor, Poor, NearPoor, Poor],
            &[
                T::NewlyNearPoor,
                T::NewlyPoor,
                T::EscapedToNearPoor,
                T::RePoor,
            ],
        ),
        (
            &[NotPoor, NearPoor, NotPoor],
            &[T::StayedOut, T::NewlyNearPoor, T::LeftNearPoor],
        ),
    ];
    for (history, want) in cases {
        let mut tracker = TransitionTracker::default();
        let got: Vec<Transition> = history.iter().map(|&c| tracker.next(c)).collect();
        assert_eq!(&got, want, "{history:?}");
    }
}

#[test]
fn date_arithmetic() {
    let d = |s: &str| Date::parse(s).unwrap();
    // (start, working days, expected end, weekday of start)
    let cases = [
        ("2026-11-27", 3, "2026-12-02", 5), // Friday + 3 working days skips the weekend
        ("2026-11-30", 3, "2026-12-03", 1),
        ("2024-02-28", 1, "2024-02-29", 3),
        ("1970-01-01", 0, "1970-01-01", 4),
    ];
    for (start, n, end, weekday) in cases {
        assert_eq!(d(start).add_working_days(n), d(end), "{start} + {n}");
        assert_eq!(d(start).weekday(), weekday, "{start}");
    }
    for days in [-800_000i64, -1, 0, 1, 59, 365, 20_000, 2_000_000] {
        assert_eq!(Date::from_unix_days(days).unix_days(), days);
    }
    assert_eq!(d("2026-12-14").days_until(d("2026-12-20")), 6);
    assert_eq!(d("2026-12-31").add_days(1), d("2027-01-01"));
}
