//! What happened to a household between two reviews: the basis of "sustainable" poverty reduction, which
//! counts not only who escaped but who fell back.
//!
//! A transition compares the decided class of one review with the class of the household's previous review
//! (none when the household was not reviewed before) and whether it was ever poor before that previous
//! review: a household that escaped and is poor again "fell back" (tái nghèo), which the programme must
//! report apart from households poor for the first time (nghèo phát sinh).

use crate::{Class, Lang};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Transition {
    /// Poor in both reviews.
    StayedPoor,
    /// Poor before, above the near-poor line now (thoát nghèo).
    Escaped,
    /// Poor before, near-poor now (thoát nghèo, thành hộ cận nghèo): escaped, still fragile.
    EscapedToNearPoor,
    /// Poor now, never poor before (nghèo phát sinh), whatever the previous class.
    NewlyPoor,
    /// Poor now, poor at some earlier review, not poor at the previous one (tái nghèo).
    RePoor,
    /// Near-poor in both reviews.
    StayedNearPoor,
    /// Near-poor now, neither poor nor near-poor before (cận nghèo phát sinh).
    NewlyNearPoor,
    /// Near-poor before, above the near-poor line now (thoát cận nghèo).
    LeftNearPoor,
    /// Neither poor nor near-poor in both reviews (or at the first one).
    StayedOut,
}

impl Transition {
    pub const ALL: [Transition; 9] = [
        Transition::StayedPoor,
        Transition::Escaped,
        Transition::EscapedToNearPoor,
        Transition::NewlyPoor,
        Transition::RePoor,
        Transition::StayedNearPoor,
        Transition::NewlyNearPoor,
        Transition::LeftNearPoor,
        Transition::StayedOut,
    ];

    /// `previous` is the class at the household's previous review (`None` when there was none);
    /// `poor_earlier` says whether it was poor at any review before the previous one.
    pub fn between(previous: Option<Class>, now: Class, poor_earlier: bool) -> Transition {
        let listed = |c: Class| matches!(c, Class::Poor | Class::NearPoor);
        match (previous, now) {
            (Some(Class::Poor), Class::Poor) => Transition::StayedPoor,
            (Some(Class::Poor), Class::NearPoor) => Transition::EscapedToNearPoor,
            (Some(Class::Poor), _) => Transition::Escaped,
            (_, Class::Poor) if poor_earlier => Transition::RePoor,
            (_, Class::Poor) => Transition::NewlyPoor,
            (Some(Class::NearPoor), Class::NearPoor) => Transition::StayedNearPoor,
            (_, Class::NearPoor) => Transition::NewlyNearPoor,
            (Some(p), _) if listed(p) => Transition::LeftNearPoor,
            _ => Transition::StayedOut,
        }
    }

    /// Left the poor list, whatever the new class.
    pub fn is_escape(self) -> bool {
        matches!(self, Transition::Escaped | Transition::EscapedToNearPoor)
    }

    /// Entered the poor list at this review.
    pub fn entered_poverty(self) -> bool {
        matches!(self, Transition::NewlyPoor | Transition::RePoor)
    }

    /// The stable code written in files and the database.
    pub fn code(self) -> &'static str {
        match self {
            Transition::StayedPoor => "stayed_poor",
            Transition::Escaped => "escaped",
            Transition::EscapedToNearPoor => "escaped_to_near_poor",
            Transition::NewlyPoor => "newly_poor",
            Transition::RePoor => "re_poor",
            Transition::StayedNearPoor => "stayed_near_poor",
            Transition::NewlyNearPoor => "newly_near_poor",
            Transition::LeftNearPoor => "left_near_poor",
            Transition::StayedOut => "stayed_out",
        }
    }

    pub fn parse(s: &str) -> Option<Transition> {
        Transition::ALL.into_iter().find(|t| t.code() == s)
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Transition::StayedPoor => lang.pick("vẫn nghèo", "stayed poor"),
            Transition::Escaped => lang.pick("thoát nghèo", "escaped poverty"),
            Transition::EscapedToNearPoor => lang.pick(
                "thoát nghèo, thành hộ cận nghèo",
                "escaped poverty, now near-poor",
            ),
            Transition::NewlyPoor => lang.pick("nghèo phát sinh", "newly poor"),
            Transition::RePoor => lang.pick("tái nghèo", "fell back into poverty"),
            Transition::StayedNearPoor => lang.pick("vẫn cận nghèo", "stayed near-poor"),
            Transition::NewlyNearPoor => lang.pick("cận nghèo phát sinh", "newly near-poor"),
            Transition::LeftNearPoor => lang.pick("thoát cận nghèo", "left near-poverty"),
            Transition::StayedOut => lang.pick(
                "không thuộc diện nghèo, cận nghèo",
                "neither poor nor near-poor",
            ),
        }
    }
}

/// Folds a household's reviews, oldest first, into one transition per review: the running state a store
/// query or a report keeps per household.
#[derive(Clone, Copy, Debug, Default)]
pub struct TransitionTracker {
    previous: Option<Class>,
    poor_before_previous: bool,
}

impl TransitionTracker {
    pub fn next(&mut self, now: Class) -> Transition {
        let t = Transition::between(self.previous, now, self.poor_before_previous);
        self.poor_before_previous |= self.previous == Some(Class::Poor);
        self.previous = Some(now);
        t
    }
}
