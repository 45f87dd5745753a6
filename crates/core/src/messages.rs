//! Every message of the core's errors, in Vietnamese and English, in one place.

use crate::Lang;
use crate::classify::NoScoreLines;
use crate::money::VndError;
use crate::rules::{RuleError, RuleErrorKind, Scope};
use crate::standard::{Problem, StandardError, StandardErrorKind};

/// An error that can say what is wrong in either language.
pub trait Localized {
    fn message(&self, lang: Lang) -> String;

    /// Both languages, Vietnamese first, as the command line prints them.
    fn bilingual(&self) -> String {
        format!("{}\n{}", self.message(Lang::Vi), self.message(Lang::En))
    }
}

impl Localized for VndError {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (VndError::Empty, Lang::Vi) => "trống (cần số đồng, ví dụ 1500000)".into(),
            (VndError::Empty, Lang::En) => {
                "empty (a whole number of đồng is needed, e.g. 1500000)".into()
            }
            (VndError::Negative, Lang::Vi) => "là số âm".into(),
            (VndError::Negative, Lang::En) => "is negative".into(),
            (VndError::NotAnInteger, Lang::Vi) => {
                "không phải số nguyên đồng (chỉ gồm chữ số, không dấu chấm, phẩy)".into()
            }
            (VndError::NotAnInteger, Lang::En) => {
                "is not a whole number of đồng (digits only, no separators)".into()
            }
            (VndError::TooLarge, Lang::Vi) => "quá lớn".into(),
            (VndError::TooLarge, Lang::En) => "is too large".into(),
        }
    }
}

impl Localized for NoScoreLines {
    fn message(&self, lang: Lang) -> String {
        let standard = &self.standard;
        match lang {
            Lang::Vi => format!(
                "chuẩn {standard} không có ngưỡng điểm thu nhập; hãy dùng cột income_per_capita (thu nhập bình quân)"
            ),
            Lang::En => format!(
                "standard {standard} has no income score lines; use the income_per_capita column instead"
            ),
        }
    }
}

fn scope_name(scope: Scope, lang: Lang) -> &'static str {
    match scope {
        Scope::Member => lang.pick("thành viên", "member"),
        Scope::Household => lang.pick("hộ", "household"),
    }
}

impl Localized for RuleError {
    fn message(&self, lang: Lang) -> String {
        let what = match (&self.kind, lang) {
            (RuleErrorKind::Empty, Lang::Vi) => "quy tắc trống".to_owned(),
            (RuleErrorKind::Empty, Lang::En) => "the rule is empty".to_owned(),
            (RuleErrorKind::UnexpectedChar(c), Lang::Vi) => format!("ký tự không hợp lệ '{c}'"),
            (RuleErrorKind::UnexpectedChar(c), Lang::En) => format!("unexpected character '{c}'"),
            (RuleErrorKind::Expected { expected, found }, Lang::Vi) => {
                format!("cần '{expected}', gặp '{found}'")
            }
            (RuleErrorKind::Expected { expected, found }, Lang::En) => {
                format!("expected '{expected}', found '{found}'")
            }
            (
                RuleErrorKind::UnknownField {
                    name,
                    scope,
                    suggestion,
                },
                _,
            ) => {
                let mut s = match lang {
                    Lang::Vi => {
                        format!("không có trường '{name}' của {}", scope_name(*scope, lang))
                    }
                    Lang::En => format!("no {} field '{name}'", scope_name(*scope, lang)),
                };
                if let Some(g) = suggestion {
                    s.push_str(&match lang {
                        Lang::Vi => format!(" (có phải '{g}'?)"),
                        Lang::En => format!(" (did you mean '{g}'?)"),
                    });
                }
                s
            }
            (RuleErrorKind::WrongScope { name, scope }, Lang::Vi) => {
                format!("trường '{name}' không thuộc {}", scope_name(*scope, lang))
            }
            (RuleErrorKind::WrongScope { name, scope }, Lang::En) => {
                format!("field '{name}' is not a {} field", scope_name(*scope, lang))
            }
            (
                RuleErrorKind::UnknownChoice {
                    field,
                    value,
                    allowed,
                },
                Lang::Vi,
            ) => {
                format!(
                    "'{value}' không phải giá trị của '{field}' (hợp lệ: {})",
                    allowed.join(", ")
                )
            }
            (
                RuleErrorKind::UnknownChoice {
                    field,
                    value,
                    allowed,
                },
                Lang::En,
            ) => {
                format!(
                    "'{value}' is not a value of '{field}' (allowed: {})",
                    allowed.join(", ")
                )
            }
            (RuleErrorKind::NotANumber { field }, Lang::Vi) => {
                format!("'{field}' cần so sánh với một số")
            }
            (RuleErrorKind::NotANumber { field }, Lang::En) => {
                format!("'{field}' must be compared with a number")
            }
            (RuleErrorKind::NotABool { field }, Lang::Vi) => {
                format!("'{field}' là có/không (true/false)")
            }
            (RuleErrorKind::NotABool { field }, Lang::En) => {
                format!("'{field}' is yes/no (true/false)")
            }
            (RuleErrorKind::NotAChoice { field }, Lang::Vi) => {
                format!("'{field}' không dùng được với 'in'")
            }
            (RuleErrorKind::NotAChoice { field }, Lang::En) => {
                format!("'{field}' cannot be used with 'in'")
            }
            (RuleErrorKind::BadShare, Lang::Vi) => {
                "tỷ lệ phải là số phần trăm từ 0 đến dưới 100".to_owned()
            }
            (RuleErrorKind::BadShare, Lang::En) => {
                "the share must be a percentage from 0 to below 100".to_owned()
            }
        };
        match lang {
            Lang::Vi => format!(
                "{what}, tại ký tự {} của \"{}\"",
                self.offset + 1,
                self.text
            ),
            Lang::En => format!(
                "{what}, at character {} of \"{}\"",
                self.offset + 1,
                self.text
            ),
        }
    }
}

fn problem(p: &Problem, lang: Lang) -> String {
    match (p, lang) {
        (Problem::NotPositive, Lang::Vi) => "phải lớn hơn 0".into(),
        (Problem::NotPositive, Lang::En) => "must be above 0".into(),
        (Problem::NotAbove { other }, Lang::Vi) => format!("phải lớn hơn {other}"),
        (Problem::NotAbove { other }, Lang::En) => format!("must be above {other}"),
        (Problem::MissingForTwoTier, Lang::Vi) => "bắt buộc với quy tắc hai tầng (two_tier)".into(),
        (Problem::MissingForTwoTier, Lang::En) => "is required by the two-tier rule".into(),
        (Problem::NotAllowedForSingleTier, Lang::Vi) => {
            "không dùng với quy tắc một tầng (single_tier)".into()
        }
        (Problem::NotAllowedForSingleTier, Lang::En) => {
            "is not used by the single-tier rule".into()
        }
        (Problem::UnknownCombining(v), Lang::Vi) => {
            format!("'{v}' không hợp lệ (two_tier hoặc single_tier)")
        }
        (Problem::UnknownCombining(v), Lang::En) => format!("'{v}' is not two_tier or single_tier"),
        (Problem::Duplicate(v), Lang::Vi) => format!("'{v}' bị trùng"),
        (Problem::Duplicate(v), Lang::En) => format!("'{v}' appears twice"),
        (Problem::UnknownDimension(v), Lang::Vi) => {
            format!("không có chiều '{v}' trong [[dimensions]]")
        }
        (Problem::UnknownDimension(v), Lang::En) => format!("no dimension '{v}' in [[dimensions]]"),
        (Problem::TooManyIndicators, Lang::Vi) => "tối đa 32 chỉ số".into(),
        (Problem::TooManyIndicators, Lang::En) => "at most 32 indicators".into(),
        (Problem::NoIndicators, Lang::Vi) => "cần ít nhất một chỉ số".into(),
        (Problem::NoIndicators, Lang::En) => "needs at least one indicator".into(),
        (Problem::BadId, Lang::Vi) => "mã chỉ gồm chữ thường, số, '-' và '_'".into(),
        (Problem::BadId, Lang::En) => "ids use lower-case letters, digits, '-' and '_' only".into(),
        (Problem::YearsReversed, Lang::Vi) => "năm đầu sau năm cuối".into(),
        (Problem::YearsReversed, Lang::En) => "the first year is after the last".into(),
        (Problem::BadSameAs(v), Lang::Vi) => {
            format!("'{v}' phải có dạng chuẩn:chỉ_số và chỉ tới một chuẩn khác")
        }
        (Problem::BadSameAs(v), Lang::En) => {
            format!("'{v}' must be standard:indicator, naming another standard")
        }
    }
}

impl Localized for StandardError {
    fn message(&self, lang: Lang) -> String {
        let o = &self.origin;
        match (&self.kind, lang) {
            (StandardErrorKind::Syntax(m), Lang::Vi) => {
                format!("Tệp chuẩn nghèo {o} không đọc được: {m}")
            }
            (StandardErrorKind::Syntax(m), Lang::En) => {
                format!("Standard file {o} cannot be read: {m}")
            }
            (StandardErrorKind::UnknownBase(b), Lang::Vi) => {
                format!("Tệp chuẩn nghèo {o}: extends = \"{b}\" không phải chuẩn có sẵn")
            }
            (StandardErrorKind::UnknownBase(b), Lang::En) => {
                format!("Standard file {o}: extends = \"{b}\" is not a built-in standard")
            }
            (StandardErrorKind::Invalid { field, problem: p }, Lang::Vi) => {
                format!("Tệp chuẩn nghèo {o}, trường {field}: {}", problem(p, lang))
            }
            (StandardErrorKind::Invalid { field, problem: p }, Lang::En) => {
                format!("Standard file {o}, field {field}: {}", problem(p, lang))
            }
            (StandardErrorKind::Rule { indicator, error }, Lang::Vi) => {
                format!(
                    "Tệp chuẩn nghèo {o}, quy tắc của chỉ số {indicator}: {}",
                    error.message(lang)
                )
            }
            (StandardErrorKind::Rule { indicator, error }, Lang::En) => {
                format!(
                    "Standard file {o}, rule of indicator {indicator}: {}",
                    error.message(lang)
                )
            }
            (StandardErrorKind::UnknownId { id, known }, Lang::Vi) => {
                format!(
                    "Không có chuẩn nghèo '{id}'. Các chuẩn có sẵn: {}",
                    known.join(", ")
                )
            }
            (StandardErrorKind::UnknownId { id, known }, Lang::En) => {
                format!(
                    "No standard '{id}'. Built-in standards: {}",
                    known.join(", ")
                )
            }
            (StandardErrorKind::NoStandardForYear(y), Lang::Vi) => {
                format!("Không có chuẩn nghèo nào áp dụng cho năm rà soát {y}")
            }
            (StandardErrorKind::NoStandardForYear(y), Lang::En) => {
                format!("No standard governs review year {y}")
            }
        }
    }
}
