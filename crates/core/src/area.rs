use crate::text::fold;

/// Urban or rural: decides which income line applies ("thành thị" / "nông thôn").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Area {
    Rural,
    Urban,
}

impl Area {
    pub const ALL: [Area; 2] = [Area::Rural, Area::Urban];

    pub fn code(self) -> &'static str {
        match self {
            Area::Rural => "rural",
            Area::Urban => "urban",
        }
    }

    /// The area in words, in the interface's language.
    pub fn name(self, lang: crate::Lang) -> &'static str {
        match self {
            Area::Rural => lang.pick("nông thôn", "rural"),
            Area::Urban => lang.pick("thành thị", "urban"),
        }
    }

    /// Parses the code or the Vietnamese name, with or without diacritics, in any case.
    pub fn parse(s: &str) -> Option<Area> {
        match s {
            "rural" => return Some(Area::Rural),
            "urban" => return Some(Area::Urban),
            _ => {}
        }
        match fold(s).as_str() {
            "rural" | "nong thon" | "nt" => Some(Area::Rural),
            "urban" | "thanh thi" | "do thi" | "tt" => Some(Area::Urban),
            _ => None,
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}
