//! The embedded fonts: Liberation Serif (SIL Open Font License 1.1, `assets/fonts/OFL.txt`), metric-compatible
//! with Times New Roman, the face of official Vietnamese documents. Compiled in, so a PDF never depends on the
//! fonts of the machine that makes it; every Vietnamese letter in NFC has its own precomposed glyph, so
//! glyphs are found by code point without shaping.

use std::sync::OnceLock;

static REGULAR: &[u8] = include_bytes!("../assets/fonts/LiberationSerif-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../assets/fonts/LiberationSerif-Bold.ttf");

/// The font family name charts put in SVG, with the generic fallback.
pub const FAMILY: &str = "'Liberation Serif', 'Times New Roman', serif";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

pub struct Face {
    pub data: &'static [u8],
    pub face: ttf_parser::Face<'static>,
    pub units_per_em: f32,
}

impl Face {
    pub fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map_or(0, |g| g.0)
    }

    /// Advance of a glyph in thousandths of the font size (PDF glyph space).
    pub fn advance(&self, glyph: u16) -> f32 {
        let a = self
            .face
            .glyph_hor_advance(ttf_parser::GlyphId(glyph))
            .unwrap_or(0);
        f32::from(a) * 1000.0 / self.units_per_em
    }

    /// Width of a text at a size, in points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance(self.glyph(c)))
            .sum::<f32>()
            * size
            / 1000.0
    }
}

pub fn face(weight: Weight) -> &'static Face {
    static FACES: OnceLock<[Face; 2]> = OnceLock::new();
    let faces = FACES.get_or_init(|| {
        [REGULAR, BOLD].map(|data| {
            let face = ttf_parser::Face::parse(data, 0)
                .unwrap_or_else(|_| unreachable!("the embedded fonts parse"));
            Face {
                data,
                units_per_em: f32::from(face.units_per_em()),
                face,
            }
        })
    });
    &faces[match weight {
        Weight::Regular => 0,
        Weight::Bold => 1,
    }]
}

/// Splits a text into lines no wider than `width` at `size`, at spaces; a word longer than a line is cut.
pub fn wrap(text: &str, weight: Weight, size: f32, width: f32) -> Vec<String> {
    let f = face(weight);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if f.width(&candidate, size) <= width || line.is_empty() && f.width(word, size) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if f.width(word, size) <= width {
            line = word.to_owned();
        } else {
            for c in word.chars() {
                line.push(c);
                if f.width(&line, size) > width && line.chars().count() > 1 {
                    let last = line.pop().unwrap_or(' ');
                    lines.push(std::mem::take(&mut line));
                    line.push(last);
                }
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}
