//! Layout for official forms: centred lines, the two-column heading of Vietnamese administrative documents
//! (the issuing body on the left, the national motto on the right), signature blocks and page breaks.

use super::{Document, MARGIN};
use crate::chart::Rgb;
use crate::fonts::{self, Weight, wrap};

impl Document {
    /// Starts a new page (one certificate a page).
    pub fn page_break(&mut self) {
        self.new_page();
    }

    /// A line or wrapped paragraph centred across the page.
    pub fn centered(&mut self, s: &str, size: f32, weight: Weight) {
        let width = self.width();
        self.centered_in(MARGIN, width, s, size, weight);
    }

    fn centered_in(&mut self, x0: f32, width: f32, s: &str, size: f32, weight: Weight) {
        for line in wrap(s, weight, size, width) {
            if self.room() < size * 1.3 {
                self.new_page();
            }
            self.y += size * 1.05;
            let w = fonts::face(weight).width(&line, size);
            self.text_at(
                x0 + (width - w) / 2.0,
                self.y,
                &line,
                size,
                weight,
                Rgb::BLACK,
            );
            self.y += size * 0.35;
        }
    }

    /// Two blocks side by side, each line centred in its half (the left a little narrower), as the heading of
    /// a decision or certificate: the issuing body and number on the left, the motto, place and date on the
    /// right. The page continues below the longer block.
    pub fn two_blocks(&mut self, left: &[(&str, Weight)], right: &[(&str, Weight)], size: f32) {
        let width = self.width();
        let left_w = width * 0.42;
        let top = self.y;
        for (s, w) in left {
            self.centered_in(MARGIN, left_w, s, size, *w);
        }
        let left_end = self.y;
        self.y = top;
        for (s, w) in right {
            self.centered_in(MARGIN + left_w, width - left_w, s, size, *w);
        }
        self.y = self.y.max(left_end) + size;
    }

    /// A signature block on the right half: title, the space to sign and stamp, the name.
    pub fn signature(&mut self, lines: &[&str], name: &str, size: f32) {
        if self.room() < size * 10.0 {
            self.new_page();
        }
        let width = self.width();
        let x0 = MARGIN + width * 0.45;
        let w = width * 0.55;
        for s in lines {
            self.centered_in(x0, w, s, size, Weight::Bold);
        }
        self.y += size * 4.5;
        self.centered_in(x0, w, name, size, Weight::Bold);
    }
}
