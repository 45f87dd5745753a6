/// The language of a message or a report. Vietnamese is the default everywhere.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// Parses `vi`/`en` (also `vie`, `eng`, `tiếng việt`, `english`), case-insensitively.
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_lowercase().as_str() {
            "vi" | "vie" | "vi-vn" | "tiếng việt" | "tieng viet" => Some(Lang::Vi),
            "en" | "eng" | "en-us" | "en-gb" | "english" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the text of this language from a pair.
    pub fn pick<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}
