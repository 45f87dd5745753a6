use crate::Lang;

/// The result of classifying a household, ordered from poorest to richest, so `a < b` means "a is poorer".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    Poor,
    NearPoor,
    MiddleIncome,
    NotPoor,
}

impl Class {
    pub const ALL: [Class; 4] = [
        Class::Poor,
        Class::NearPoor,
        Class::MiddleIncome,
        Class::NotPoor,
    ];

    /// The stable code written in files and the database.
    pub fn code(self) -> &'static str {
        match self {
            Class::Poor => "poor",
            Class::NearPoor => "near_poor",
            Class::MiddleIncome => "middle_income",
            Class::NotPoor => "not_poor",
        }
    }

    pub fn parse(s: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.code() == s)
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Class::Poor => lang.pick("hộ nghèo", "poor"),
            Class::NearPoor => lang.pick("hộ cận nghèo", "near-poor"),
            Class::MiddleIncome => lang.pick("hộ có mức sống trung bình", "middle-income"),
            Class::NotPoor => lang.pick("không nghèo", "not poor"),
        }
    }
}
