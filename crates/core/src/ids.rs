//! Identifiers parsed at the edge: once built, always valid.

use crate::text::nfc;

/// A household's code in the registry: 1 to 40 letters, digits, `-`, `_`, `.` or `/`, as communes write them
/// ("TX-XH-001", "HD/0123").
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HouseholdCode(String);

impl HouseholdCode {
    pub fn parse(s: &str) -> Option<HouseholdCode> {
        let s = s.trim();
        let ok = !s.is_empty()
            && s.len() <= 40
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'));
        ok.then(|| HouseholdCode(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A 12-digit citizen identity number (số định danh cá nhân / CCCD). Personal data: masked in public.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CitizenId(String);

impl CitizenId {
    pub fn parse(s: &str) -> Option<CitizenId> {
        let s: String = s
            .trim()
            .chars()
            .filter(|c| *c != ' ' && *c != '.')
            .collect();
        (s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())).then_some(CitizenId(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last three digits only, for lists shown to people who need to tell two records apart.
    pub fn masked(&self) -> String {
        format!("*********{}", &self.0[9..])
    }
}

/// The code of an administrative unit: 2 digits (province), 3 (district), 5 (commune); a village's code is
/// its commune's code, a dash and a number the commune gives it ("15493-07").
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitCode(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UnitLevel {
    Province,
    District,
    Commune,
    Village,
}

impl UnitLevel {
    pub const ALL: [UnitLevel; 4] = [
        UnitLevel::Province,
        UnitLevel::District,
        UnitLevel::Commune,
        UnitLevel::Village,
    ];

    pub fn code(self) -> &'static str {
        match self {
            UnitLevel::Province => "province",
            UnitLevel::District => "district",
            UnitLevel::Commune => "commune",
            UnitLevel::Village => "village",
        }
    }

    pub fn parse(s: &str) -> Option<UnitLevel> {
        UnitLevel::ALL.into_iter().find(|l| l.code() == s.trim())
    }

    /// The level in words, capitalised as a label, in the interface's language.
    pub fn name(self, lang: crate::Lang) -> &'static str {
        match (self, lang) {
            (UnitLevel::Province, crate::Lang::Vi) => "Tỉnh",
            (UnitLevel::District, crate::Lang::Vi) => "Huyện",
            (UnitLevel::Commune, crate::Lang::Vi) => "Xã",
            (UnitLevel::Village, crate::Lang::Vi) => "Thôn",
            (UnitLevel::Province, crate::Lang::En) => "Province",
            (UnitLevel::District, crate::Lang::En) => "District",
            (UnitLevel::Commune, crate::Lang::En) => "Commune",
            (UnitLevel::Village, crate::Lang::En) => "Village",
        }
    }
}

impl UnitCode {
    pub fn parse(level: UnitLevel, s: &str) -> Option<UnitCode> {
        let s = s.trim();
        let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
        let ok = match level {
            UnitLevel::Province => digits(s, 2),
            UnitLevel::District => digits(s, 3),
            UnitLevel::Commune => digits(s, 5),
            UnitLevel::Village => match s.split_once('-') {
                Some((c, v)) => {
                    digits(c, 5)
                        && !v.is_empty()
                        && v.len() <= 8
                        && v.bytes().all(|b| b.is_ascii_alphanumeric())
                }
                None => false,
            },
        };
        ok.then(|| UnitCode(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's name: NFC, single spaces, not empty, at most 100 characters; with its folded form for search
/// and duplicate checks, computed once.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonName {
    text: String,
    folded: String,
}

impl PersonName {
    pub fn parse(s: &str) -> Option<PersonName> {
        let normalized = nfc(s);
        let text = if normalized.split(' ').all(|w| !w.is_empty())
            && !normalized.chars().any(|c| c.is_whitespace() && c != ' ')
        {
            normalized
        } else {
            normalized.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        let ok = !text.is_empty()
            && text.chars().count() <= 100
            && !text.chars().any(|c| c.is_control() || c.is_ascii_digit())
            && crate::text::invisible(&text).is_none();
        ok.then(|| PersonName {
            folded: crate::text::fold(&text),
            text,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn folded(&self) -> &str {
        &self.folded
    }
}

/// The code as written, so it prints, compares and keys a map like the text it was parsed from: output stays
/// byte for byte what it was when codes were strings.
macro_rules! code_as_text {
    ($t:ty) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl std::borrow::Borrow<str> for $t {
            fn borrow(&self) -> &str {
                self.as_str()
            }
        }

        impl PartialEq<str> for $t {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $t {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl PartialEq<String> for $t {
            fn eq(&self, other: &String) -> bool {
                self.as_str() == other
            }
        }

        impl From<$t> for String {
            fn from(code: $t) -> String {
                code.0
            }
        }

        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl From<&$t> for String {
            fn from(code: &$t) -> String {
                code.0.clone()
            }
        }
    };
}

code_as_text!(HouseholdCode);
code_as_text!(UnitCode);

/// A household code that failed [`HouseholdCode::parse`], holding what was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadHouseholdCode(pub String);

impl std::fmt::Display for BadHouseholdCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "'{}': mã hộ gồm 1–40 chữ, số, '-', '_', '.', '/' / a household code is 1 to 40 letters, digits, '-', '_', '.' or '/'",
            self.0
        )
    }
}

impl std::error::Error for BadHouseholdCode {}

impl std::str::FromStr for HouseholdCode {
    type Err = BadHouseholdCode;

    fn from_str(s: &str) -> Result<HouseholdCode, BadHouseholdCode> {
        HouseholdCode::parse(s).ok_or_else(|| BadHouseholdCode(s.to_owned()))
    }
}
