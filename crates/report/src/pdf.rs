//! PDF reports: A4 pages, the embedded Liberation Serif subset to the glyphs used, tables laid out here
//! (columns sized to their contents, text wrapped, the header repeated on every page, a rule where the standard
//! changed), charts from [`crate::chart`], page numbers. Text is written as glyph ids with a ToUnicode map, so
//! it can be searched and copied. Streams are left uncompressed: reports are small, and a deflate dependency
//! would cost more build time than the bytes are worth.

use std::collections::BTreeMap;

use giamngheo_core::Lang;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Finish, Name, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;

use crate::chart::{Anchor, Drawing, Rgb, Shape};
use crate::fonts::{self, Weight, wrap};
use crate::table::{Cell, Table};

mod layout;

/// A4 in points.
const A4: (f32, f32) = (595.28, 841.89);
const MARGIN: f32 = 42.0;
const FOOTER: f32 = 28.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Orientation {
    Portrait,
    Landscape,
}

impl Orientation {
    fn size(self) -> (f32, f32) {
        match self {
            Orientation::Portrait => A4,
            Orientation::Landscape => (A4.1, A4.0),
        }
    }

    /// Landscape when the table's natural width does not fit a portrait page at 8 points.
    pub fn for_table(t: &Table, lang: Lang) -> Orientation {
        let natural: f32 = natural_widths(t, 8.0, lang).iter().sum();
        if natural > A4.0 - 2.0 * MARGIN {
            Orientation::Landscape
        } else {
            Orientation::Portrait
        }
    }
}

/// A font as used in one document: the glyphs used, renumbered for the subset, and their text.
struct UsedFont {
    weight: Weight,
    remap: GlyphRemapper,
    text: BTreeMap<u16, char>,
}

impl UsedFont {
    fn encode(&mut self, s: &str) -> Vec<u8> {
        let f = fonts::face(self.weight);
        let mut out = Vec::with_capacity(s.len() * 2);
        for c in s.chars() {
            let new = self.remap.remap(f.glyph(c));
            self.text.entry(new).or_insert(c);
            out.extend(new.to_be_bytes());
        }
        out
    }
}

pub struct Document {
    lang: Lang,
    orientation: Orientation,
    title: String,
    fonts: [UsedFont; 2],
    pages: Vec<Content>,
    /// Distance from the top of the current page.
    y: f32,
}

fn font_name(w: Weight) -> Name<'static> {
    match w {
        Weight::Regular => Name(b"F1"),
        Weight::Bold => Name(b"F2"),
    }
}

impl Document {
    pub fn new(title: &str, orientation: Orientation, lang: Lang) -> Document {
        let font = |weight| UsedFont {
            weight,
            remap: GlyphRemapper::new(),
            text: BTreeMap::new(),
        };
        let mut d = Document {
            lang,
            orientation,
            title: title.to_owned(),
            fonts: [font(Weight::Regular), font(Weight::Bold)],
            pages: Vec::new(),
            y: 0.0,
        };
        d.new_page();
        d
    }

    fn page_size(&self) -> (f32, f32) {
        self.orientation.size()
    }

    fn width(&self) -> f32 {
        self.page_size().0 - 2.0 * MARGIN
    }

    fn room(&self) -> f32 {
        self.page_size().1 - MARGIN - FOOTER - self.y
    }

    fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.y = MARGIN;
    }

    fn content(&mut self) -> &mut Content {
        self.pages
            .last_mut()
            .unwrap_or_else(|| unreachable!("a document has a page from the start"))
    }

    /// Text with its baseline at `(x, y)` from the page's top left.
    fn text_at(&mut self, x: f32, y: f32, s: &str, size: f32, weight: Weight, color: Rgb) {
        let bytes = self.fonts[weight as usize].encode(s);
        let h = self.page_size().1;
        let c = self.content();
        c.set_fill_rgb(
            f32::from(color.0) / 255.0,
            f32::from(color.1) / 255.0,
            f32::from(color.2) / 255.0,
        );
        c.begin_text();
        c.set_font(font_name(weight), size);
        c.set_text_matrix([1.0, 0.0, 0.0, 1.0, x, h - y]);
        c.show(Str(&bytes));
        c.end_text();
    }

    /// A paragraph across the page, wrapped.
    pub fn paragraph(&mut self, s: &str, size: f32, weight: Weight) {
        let width = self.width();
        for line in wrap(s, weight, size, width) {
            if self.room() < size * 1.3 {
                self.new_page();
            }
            self.y += size * 1.05;
            self.text_at(MARGIN, self.y, &line, size, weight, Rgb::BLACK);
            self.y += size * 0.35;
        }
    }

    pub fn heading(&mut self, s: &str) {
        self.paragraph(s, 13.0, Weight::Bold);
        self.y += 6.0;
    }

    pub fn space(&mut self, points: f32) {
        self.y += points;
    }

    /// A table: columns sized to their contents (shrinking the type down to 5.5 points, then wrapping text
    /// columns), the header repeated on each page, a thicker rule above each break row, notes after it.
    pub fn table(&mut self, t: &Table) {
        let avail = self.width();
        let mut size = 9.0f32;
        let mut widths = natural_widths(t, size, self.lang);
        let total: f32 = widths.iter().sum();
        if total > avail {
            size = (size * avail / total).max(5.5);
            widths = natural_widths(t, size, self.lang);
        }
        let total: f32 = widths.iter().sum();
        if total > avail {
            // Still too wide: text columns give up width and wrap.
            let text_cols: Vec<usize> = (0..widths.len())
                .filter(|c| {
                    !t.rows
                        .iter()
                        .all(|r| r.get(*c).is_none_or(Cell::is_numeric))
                })
                .collect();
            let text_w: f32 = text_cols.iter().map(|c| widths[*c]).sum();
            let scale = ((text_w - (total - avail)) / text_w).max(0.2);
            for c in text_cols {
                widths[c] *= scale;
            }
        } else {
            // Room to spare: give it to headers that would wrap.
            let mut spare = avail - total;
            for (c, label) in t.labels().iter().enumerate() {
                let want = fonts::face(Weight::Bold).width(label, size) + 2.0 * PAD;
                let more = (want - widths[c]).max(0.0).min(spare);
                widths[c] += more;
                spare -= more;
            }
        }
        let leading = size * 1.25;
        let header: Vec<Vec<String>> = t
            .labels()
            .iter()
            .zip(&widths)
            .map(|(l, w)| wrap(l, Weight::Bold, size, w - 2.0 * PAD))
            .collect();
        let header_h = header.iter().map(Vec::len).max().unwrap_or(1) as f32 * leading + 2.0 * PAD;
        let draw_header = |d: &mut Document| {
            let y0 = d.y;
            d.fill_rect(MARGIN, y0, widths.iter().sum(), header_h, 0.9);
            let mut x = MARGIN;
            for (lines, w) in header.iter().zip(&widths) {
                for (i, line) in lines.iter().enumerate() {
                    let baseline = y0 + PAD + size + i as f32 * leading;
                    d.text_at(x + PAD, baseline, line, size, Weight::Bold, Rgb::BLACK);
                }
                d.stroke_rect(x, y0, *w, header_h, 0.5);
                x += w;
            }
            d.y += header_h;
        };
        if self.room() < header_h + leading * 2.0 + 2.0 * PAD {
            self.new_page();
        }
        draw_header(self);
        for (r, row) in t.rows.iter().enumerate() {
            let cells: Vec<(Vec<String>, bool)> = row
                .iter()
                .zip(&widths)
                .map(|(c, w)| {
                    let s = c.display(self.lang);
                    if c.is_numeric() {
                        (vec![s], true)
                    } else {
                        (wrap(&s, Weight::Regular, size, w - 2.0 * PAD), false)
                    }
                })
                .collect();
            let h =
                cells.iter().map(|(l, _)| l.len()).max().unwrap_or(1) as f32 * leading + 2.0 * PAD;
            if self.room() < h {
                self.new_page();
                draw_header(self);
            }
            let y0 = self.y;
            let mut x = MARGIN;
            for ((lines, numeric), w) in cells.iter().zip(&widths) {
                for (i, line) in lines.iter().enumerate() {
                    let baseline = y0 + PAD + size + i as f32 * leading;
                    let tx = if *numeric {
                        x + w - PAD - fonts::face(Weight::Regular).width(line, size)
                    } else {
                        x + PAD
                    };
                    self.text_at(tx, baseline, line, size, Weight::Regular, Rgb::BLACK);
                }
                self.stroke_rect(x, y0, *w, h, 0.5);
                x += w;
            }
            if t.breaks.contains(&r) {
                self.rule(MARGIN, MARGIN + widths.iter().sum::<f32>(), y0, 2.0);
            }
            self.y += h;
        }
        self.y += 8.0;
        for n in &t.notes {
            self.paragraph(n, 8.5, Weight::Regular);
        }
        self.y += 8.0;
    }

    /// A chart scaled to the page width, on a new page if it does not fit.
    pub fn drawing(&mut self, d: &Drawing) {
        let scale = (self.width() / d.width).min(1.0);
        if self.room() < d.height * scale {
            self.new_page();
        }
        let (ox, oy) = (MARGIN, self.y);
        let h = self.page_size().1;
        let tr = |p: (f32, f32)| (ox + p.0 * scale, h - (oy + p.1 * scale));
        for shape in &d.shapes {
            match shape {
                Shape::Line {
                    from,
                    to,
                    width,
                    color,
                    dashed,
                } => self.path(&[tr(*from), tr(*to)], *width * scale, *color, *dashed),
                Shape::Polyline {
                    points,
                    width,
                    color,
                    dashed,
                } => {
                    let pts: Vec<(f32, f32)> = points.iter().map(|p| tr(*p)).collect();
                    self.path(&pts, *width * scale, *color, *dashed);
                }
                Shape::Rect {
                    x,
                    y,
                    w,
                    h: rh,
                    fill,
                } => {
                    let (px, py) = tr((*x, *y + *rh));
                    let c = self.content();
                    set_fill(c, *fill);
                    c.rect(px, py, w * scale, rh * scale);
                    c.fill_nonzero();
                }
                Shape::Marker { at, color } => {
                    let (px, py) = tr(*at);
                    let c = self.content();
                    set_fill(c, *color);
                    c.rect(px - 2.5 * scale, py - 2.5 * scale, 5.0 * scale, 5.0 * scale);
                    c.fill_nonzero();
                }
                Shape::Text {
                    at,
                    text,
                    size,
                    anchor,
                    bold,
                    color,
                } => {
                    let weight = if *bold { Weight::Bold } else { Weight::Regular };
                    let s = size * scale;
                    let w = fonts::face(weight).width(text, s);
                    let x = ox + at.0 * scale
                        - match anchor {
                            Anchor::Start => 0.0,
                            Anchor::Middle => w / 2.0,
                            Anchor::End => w,
                        };
                    self.text_at(x, oy + at.1 * scale, text, s, weight, *color);
                }
            }
        }
        self.y += d.height * scale + 10.0;
    }

    fn path(&mut self, pts: &[(f32, f32)], width: f32, color: Rgb, dashed: bool) {
        let c = self.content();
        c.save_state();
        c.set_line_width(width);
        c.set_stroke_rgb(
            f32::from(color.0) / 255.0,
            f32::from(color.1) / 255.0,
            f32::from(color.2) / 255.0,
        );
        if dashed {
            c.set_dash_pattern([4.0, 2.5], 0.0);
        }
        for (i, (x, y)) in pts.iter().enumerate() {
            if i == 0 {
                c.move_to(*x, *y);
            } else {
                c.line_to(*x, *y);
            }
        }
        c.stroke();
        c.restore_state();
    }

    fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, gray: f32) {
        let ph = self.page_size().1;
        let c = self.content();
        c.set_fill_gray(gray);
        c.rect(x, ph - y - h, w, h);
        c.fill_nonzero();
        c.set_fill_gray(0.0);
    }

    fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
        let ph = self.page_size().1;
        let c = self.content();
        c.set_line_width(width);
        c.set_stroke_gray(0.0);
        c.rect(x, ph - y - h, w, h);
        c.stroke();
    }

    fn rule(&mut self, x0: f32, x1: f32, y: f32, width: f32) {
        let ph = self.page_size().1;
        self.path(&[(x0, ph - y), (x1, ph - y)], width, Rgb::BLACK, false);
    }

    /// The finished file: page numbers added ("Trang 2/5"), fonts subset and embedded.
    pub fn finish(mut self) -> Vec<u8> {
        let n = self.pages.len();
        let (w, h) = self.page_size();
        let mut pages = std::mem::take(&mut self.pages);
        for (i, page) in pages.iter_mut().enumerate() {
            let label = match self.lang {
                Lang::Vi => format!("Trang {}/{n}", i + 1),
                Lang::En => format!("Page {} of {n}", i + 1),
            };
            let size = 9.0;
            let bytes = self.fonts[0].encode(&label);
            let x = (w - fonts::face(Weight::Regular).width(&label, size)) / 2.0;
            page.set_fill_gray(0.0);
            page.begin_text();
            page.set_font(font_name(Weight::Regular), size);
            page.set_text_matrix([1.0, 0.0, 0.0, 1.0, x, MARGIN - 14.0]);
            page.show(Str(&bytes));
            page.end_text();
        }
        let mut pdf = pdf_writer::Pdf::new();
        let mut next = 1;
        let mut alloc = || {
            next += 1;
            Ref::new(next - 1)
        };
        let (catalog, tree, info) = (alloc(), alloc(), alloc());
        let font_refs: Vec<Ref> = (0..2).map(|_| alloc()).collect();
        let page_refs: Vec<(Ref, Ref)> = (0..n).map(|_| (alloc(), alloc())).collect();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(page_refs.iter().map(|(p, _)| *p))
            .count(n as i32);
        pdf.document_info(info)
            .title(TextStr(&self.title))
            .producer(TextStr("giamngheo"));
        for ((page_ref, content_ref), content) in page_refs.iter().zip(pages) {
            let mut page = pdf.page(*page_ref);
            page.media_box(Rect::new(0.0, 0.0, w, h));
            page.parent(tree);
            page.contents(*content_ref);
            let mut res = page.resources();
            let mut f = res.fonts();
            f.pair(Name(b"F1"), font_refs[0]);
            f.pair(Name(b"F2"), font_refs[1]);
            f.finish();
            res.finish();
            page.finish();
            pdf.stream(*content_ref, &content.finish());
        }
        for (used, font_ref) in self.fonts.iter().zip(&font_refs) {
            write_font(&mut pdf, used, *font_ref, &mut alloc);
        }
        pdf.finish()
    }
}

const PAD: f32 = 2.5;

/// Each column's width: its widest body cell, and at least the longest word of its header.
fn natural_widths(t: &Table, size: f32, lang: Lang) -> Vec<f32> {
    let (reg, bold) = (fonts::face(Weight::Regular), fonts::face(Weight::Bold));
    t.labels()
        .iter()
        .enumerate()
        .map(|(c, label)| {
            let head = label
                .split_whitespace()
                .map(|w| bold.width(w, size))
                .fold(0.0f32, f32::max);
            let body = t
                .rows
                .iter()
                .filter_map(|r| r.get(c))
                .map(|cell| reg.width(&cell.display(lang), size))
                .fold(0.0f32, f32::max);
            head.max(body) + 2.0 * PAD
        })
        .collect()
}

fn set_fill(c: &mut Content, color: Rgb) {
    c.set_fill_rgb(
        f32::from(color.0) / 255.0,
        f32::from(color.1) / 255.0,
        f32::from(color.2) / 255.0,
    );
}

fn write_font(
    pdf: &mut pdf_writer::Pdf,
    used: &UsedFont,
    font_ref: Ref,
    alloc: &mut impl FnMut() -> Ref,
) {
    let face = fonts::face(used.weight);
    let (cid_ref, desc_ref, file_ref, cmap_ref) = (alloc(), alloc(), alloc(), alloc());
    // Subset fonts are named with six capital letters and a plus, by the PDF rules.
    let base = match used.weight {
        Weight::Regular => Name(b"GIAMNG+LiberationSerif"),
        Weight::Bold => Name(b"GIAMNB+LiberationSerif-Bold"),
    };
    let info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    pdf.type0_font(font_ref)
        .base_font(base)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_ref)
        .to_unicode(cmap_ref);
    let old: Vec<u16> = used.remap.remapped_gids().collect();
    let mut cid = pdf.cid_font(cid_ref);
    cid.subtype(CidFontType::Type2)
        .base_font(base)
        .system_info(info)
        .font_descriptor(desc_ref)
        .default_width(0.0)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    cid.widths()
        .consecutive(0, old.iter().map(|g| face.advance(*g)));
    cid.finish();
    let scale = |v: i16| f32::from(v) * 1000.0 / face.units_per_em;
    let bbox = face.face.global_bounding_box();
    pdf.font_descriptor(desc_ref)
        .name(base)
        .flags(FontFlags::SERIF | FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(
            scale(bbox.x_min),
            scale(bbox.y_min),
            scale(bbox.x_max),
            scale(bbox.y_max),
        ))
        .italic_angle(0.0)
        .ascent(scale(face.face.ascender()))
        .descent(scale(face.face.descender()))
        .cap_height(scale(face.face.capital_height().unwrap_or(662)))
        .stem_v(if used.weight == Weight::Bold {
            140.0
        } else {
            80.0
        })
        .font_file2(file_ref);
    let data = subsetter::subset(face.data, 0, &used.remap).unwrap_or_else(|_| face.data.to_vec());
    pdf.stream(file_ref, &data)
        .pair(Name(b"Length1"), data.len() as i32);
    let mut cmap = UnicodeCmap::new(Name(b"Custom"), info);
    for (g, c) in &used.text {
        cmap.pair(*g, *c);
    }
    pdf.cmap(cmap_ref, &cmap.finish());
}
