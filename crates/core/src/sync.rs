//! Why a record of a commune's sync waits for an officer (issue 16): stored and sent as its code, shown in
//! words.

use crate::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConflictReason {
    /// Changed in the commune and on the server since the last sync.
    BothChanged,
    /// A round changed on the server (reopened or decided) while the commune changed it offline: refused.
    RoundChangedOnServer,
    /// A decided review, which neither side may change.
    DecidedReview,
    /// A review made in a round the server refused (the round changed there meanwhile): refused with it.
    InRefusedRound,
}

impl ConflictReason {
    pub const ALL: [ConflictReason; 4] = [
        ConflictReason::BothChanged,
        ConflictReason::RoundChangedOnServer,
        ConflictReason::DecidedReview,
        ConflictReason::InRefusedRound,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ConflictReason::BothChanged => "both_changed",
            ConflictReason::RoundChangedOnServer => "round_changed_on_server",
            ConflictReason::DecidedReview => "decided_review",
            ConflictReason::InRefusedRound => "in_refused_round",
        }
    }

    pub fn parse(code: &str) -> Option<ConflictReason> {
        ConflictReason::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            ConflictReason::BothChanged => lang.pick(
                "đã sửa ở cả xã và tỉnh kể từ lần đồng bộ trước",
                "changed in the commune and at the province since the last sync",
            ),
            ConflictReason::RoundChangedOnServer => lang.pick(
                "đợt rà soát đã được tỉnh thay đổi (mở lại hoặc quyết định) kể từ lần đồng bộ trước; thay đổi ngoại tuyến của xã bị từ chối",
                "the round was changed at the province (reopened or decided) since the last sync; the commune's offline change is refused",
            ),
            ConflictReason::DecidedReview => lang.pick(
                "phiếu rà soát đã quyết định không được sửa",
                "a decided review cannot be changed",
            ),
            ConflictReason::InRefusedRound => lang.pick(
                "phiếu thuộc một đợt rà soát mà tỉnh đã thay đổi (mở lại hoặc quyết định) kể từ lần đồng bộ trước; bị từ chối cùng đợt",
                "the review belongs to a round the province changed (reopened or decided) since the last sync; refused with the round",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_and_every_reason_has_words() {
        for r in ConflictReason::ALL {
            assert_eq!(ConflictReason::parse(r.code()), Some(r));
            assert!(!r.name(Lang::Vi).is_empty() && r.name(Lang::Vi) != r.name(Lang::En));
        }
        assert_eq!(ConflictReason::parse("other"), None);
    }
}
