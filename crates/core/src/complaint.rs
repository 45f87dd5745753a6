//! What citizens send about a review: how a complaint reached the commune, how it was answered, and whether
//! a post from the public page is feedback or a complaint. Each is stored by its code and shown by `name`.

use crate::Lang;

/// How a complaint reached the commune.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ComplaintChannel {
    InPerson,
    Letter,
    Phone,
    /// The commune's public page.
    Web,
}

impl ComplaintChannel {
    pub const ALL: [ComplaintChannel; 4] = [
        ComplaintChannel::InPerson,
        ComplaintChannel::Letter,
        ComplaintChannel::Phone,
        ComplaintChannel::Web,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ComplaintChannel::InPerson => "in_person",
            ComplaintChannel::Letter => "letter",
            ComplaintChannel::Phone => "phone",
            ComplaintChannel::Web => "web",
        }
    }

    pub fn parse(s: &str) -> Option<ComplaintChannel> {
        ComplaintChannel::ALL.into_iter().find(|c| c.code() == s)
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            ComplaintChannel::InPerson => lang.pick("trực tiếp", "in person"),
            ComplaintChannel::Letter => lang.pick("đơn, thư", "letter"),
            ComplaintChannel::Phone => lang.pick("điện thoại", "phone"),
            ComplaintChannel::Web => lang.pick("trang công khai", "public page"),
        }
    }
}

/// How a complaint was answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ComplaintOutcome {
    /// The complaint is right: the household goes back to the survey.
    Upheld,
    Rejected,
    Withdrawn,
}

impl ComplaintOutcome {
    pub const ALL: [ComplaintOutcome; 3] = [
        ComplaintOutcome::Upheld,
        ComplaintOutcome::Rejected,
        ComplaintOutcome::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ComplaintOutcome::Upheld => "upheld",
            ComplaintOutcome::Rejected => "rejected",
            ComplaintOutcome::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<ComplaintOutcome> {
        ComplaintOutcome::ALL.into_iter().find(|o| o.code() == s)
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            ComplaintOutcome::Upheld => lang.pick("chấp nhận", "upheld"),
            ComplaintOutcome::Rejected => lang.pick("không chấp nhận", "rejected"),
            ComplaintOutcome::Withdrawn => lang.pick("rút lại", "withdrawn"),
        }
    }
}

/// What a post from a commune's public page is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FeedbackKind {
    Feedback,
    /// A complaint about the review, which also joins the queue of the round under way.
    Complaint,
}

impl FeedbackKind {
    pub const ALL: [FeedbackKind; 2] = [FeedbackKind::Feedback, FeedbackKind::Complaint];

    pub fn code(self) -> &'static str {
        match self {
            FeedbackKind::Feedback => "feedback",
            FeedbackKind::Complaint => "complaint",
        }
    }

    pub fn parse(s: &str) -> Option<FeedbackKind> {
        FeedbackKind::ALL.into_iter().find(|k| k.code() == s)
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            FeedbackKind::Feedback => lang.pick("góp ý", "feedback"),
            FeedbackKind::Complaint => lang.pick("khiếu nại", "complaint"),
        }
    }
}
