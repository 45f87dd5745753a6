//! Where a citizen's feedback stands in the commune's inbox. The order is the one way it moves: new, taken in
//! hand, answered (an answer can also be written straight away, skipping the middle step).

use crate::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FeedbackStatus {
    New,
    Handling,
    Answered,
}

impl FeedbackStatus {
    pub const ALL: [FeedbackStatus; 3] = [
        FeedbackStatus::New,
        FeedbackStatus::Handling,
        FeedbackStatus::Answered,
    ];

    /// The code stored in `feedback.status` and used in the inbox's links.
    pub fn code(self) -> &'static str {
        match self {
            FeedbackStatus::New => "new",
            FeedbackStatus::Handling => "handling",
            FeedbackStatus::Answered => "answered",
        }
    }

    pub fn parse(s: &str) -> Option<FeedbackStatus> {
        FeedbackStatus::ALL.into_iter().find(|f| f.code() == s)
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            FeedbackStatus::New => lang.pick("mới", "new"),
            FeedbackStatus::Handling => lang.pick("đang xử lý", "being handled"),
            FeedbackStatus::Answered => lang.pick("đã trả lời", "answered"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FeedbackStatus;
    use crate::Lang;

    #[test]
    fn codes_read_back_and_every_status_has_two_names() {
        for s in FeedbackStatus::ALL {
            assert_eq!(FeedbackStatus::parse(s.code()), Some(s));
            assert_ne!(s.name(Lang::Vi), s.name(Lang::En));
        }
        assert_eq!(FeedbackStatus::parse("done"), None);
    }
}
