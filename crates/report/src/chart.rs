//! Charts as data: a chart model (trend lines, horizontal bars) is drawn into a [`Drawing`] of plain shapes,
//! which renders to SVG (files, the web app) and into PDF pages ([`crate::pdf`]) alike, so every output shows
//! the same picture. Coordinates are points, origin top left, y downwards.

use std::fmt::Write;

use giamngheo_core::{Lang, vi_format};

use crate::fonts::{self, Weight};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const BLACK: Rgb = Rgb(0, 0, 0);
    pub const GREY: Rgb = Rgb(110, 110, 110);
    pub const LIGHT: Rgb = Rgb(220, 220, 220);
    pub const RED: Rgb = Rgb(192, 57, 43);
}

/// Series colours, distinguishable in greyscale print too (dashes tell lines apart as well).
pub const PALETTE: [Rgb; 6] = [
    Rgb(31, 119, 180),
    Rgb(214, 39, 40),
    Rgb(44, 160, 44),
    Rgb(148, 103, 189),
    Rgb(255, 127, 14),
    Rgb(140, 86, 75),
];

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
        color: Rgb,
        dashed: bool,
    },
    Polyline {
        points: Vec<(f32, f32)>,
        width: f32,
        color: Rgb,
        dashed: bool,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Rgb,
    },
    /// A point marker (a small square: the same in SVG and PDF).
    Marker { at: (f32, f32), color: Rgb },
    /// Text on its baseline at `at`.
    Text {
        at: (f32, f32),
        text: String,
        size: f32,
        anchor: Anchor,
        bold: bool,
        color: Rgb,
    },
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Drawing {
    pub width: f32,
    pub height: f32,
    pub shapes: Vec<Shape>,
}

/// A line chart of rates by year: one line per series, broken (not joined) across a change of standard,
/// which a dashed vertical rule marks.
#[derive(Clone, Debug, PartialEq)]
pub struct LineChart {
    pub title: String,
    pub y_label: String,
    pub years: Vec<i32>,
    pub series: Vec<Series>,
    /// The years a new standard starts, with its label ("vn-2022-2025").
    pub breaks: Vec<(i32, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    /// One value per year of the chart; `None` where there is none.
    pub values: Vec<Option<f64>>,
    /// Drawn dashed: targets and projections.
    pub dashed: bool,
}

/// Horizontal bars, one per label, largest first as given: rates by commune, contributions by indicator.
#[derive(Clone, Debug, PartialEq)]
pub struct BarChart {
    pub title: String,
    pub value_label: String,
    pub bars: Vec<(String, f64)>,
}

const W: f32 = 640.0;
const TITLE: f32 = 14.0;
const LABEL: f32 = 10.0;

/// Up to about six steps from 0 to at least `max`: 1, 2 or 5 times a power of ten.
fn nice_axis(max: f64) -> (f64, f64) {
    let max = if max > 0.0 { max } else { 1.0 };
    let raw = max / 5.0;
    let p = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * p);
    (step, (max / step).ceil() * step)
}

fn number(x: f64, step: f64, lang: Lang) -> String {
    let places = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    vi_format::decimal(x, places, lang)
}

/// A straight line from `from` to `to`, solid unless `dashed`.
fn line(from: (f32, f32), to: (f32, f32), width: f32, color: Rgb, dashed: bool) -> Shape {
    Shape::Line {
        from,
        to,
        width,
        color,
        dashed,
    }
}

/// A label (an axis value, a legend entry): the labels' size, regular weight, black.
fn label_text(at: (f32, f32), s: impl Into<String>, anchor: Anchor) -> Shape {
    text(at, s, LABEL, anchor, false)
}

fn text(at: (f32, f32), s: impl Into<String>, size: f32, anchor: Anchor, bold: bool) -> Shape {
    Shape::Text {
        at,
        text: s.into(),
        size,
        anchor,
        bold,
        color: Rgb::BLACK,
    }
}

impl LineChart {
    pub fn draw(&self, lang: Lang) -> Drawing {
        self.draw_width(lang, W)
    }

    /// The chart drawn `width` units wide with text of the same size: a phone's web page shows it at
    /// about 320 units, where the full width scaled down would leave labels of five pixels. The legend
    /// takes as many columns as fit, and the years are labelled every other one when they would touch.
    pub fn draw_width(&self, lang: Lang, width: f32) -> Drawing {
        let columns = (((width - 56.0) / 190.0).floor() as usize).clamp(1, 3);
        let legend_rows = self.series.len().div_ceil(columns) as f32;
        let height = 300.0 + legend_rows * 16.0;
        let (left, right, top) = (56.0, width - 20.0, 50.0);
        let bottom = 250.0;
        let mut d = Drawing {
            width,
            height,
            shapes: vec![text(
                (width / 2.0, 22.0),
                &self.title,
                TITLE,
                Anchor::Middle,
                true,
            )],
        };
        let max = self
            .series
            .iter()
            .flat_map(|s| s.values.iter().flatten())
            .fold(0.0f64, |m, v| m.max(*v));
        let (step, top_value) = nice_axis(max);
        let y_of = |v: f64| bottom - ((v / top_value) as f32) * (bottom - top);
        let n = self.years.len().max(1);
        let x_of = |i: usize| {
            if n == 1 {
                (left + right) / 2.0
            } else {
                left + 10.0 + (right - left - 20.0) * i as f32 / (n - 1) as f32
            }
        };
        let mut v = 0.0;
        while v <= top_value + step / 2.0 {
            let y = y_of(v);
            d.shapes
                .push(line((left, y), (right, y), 0.5, Rgb::LIGHT, false));
            d.shapes.push(label_text(
                (left - 6.0, y + 3.5),
                number(v, step, lang),
                Anchor::End,
            ));
            v += step;
        }
        d.shapes
            .push(label_text((14.0, top - 14.0), &self.y_label, Anchor::Start));
        // A year's label is about 26 units wide: closer than that, every other year is labelled.
        let every = if n > 1 && (right - left - 20.0) / ((n - 1) as f32) < 30.0 {
            2
        } else {
            1
        };
        for (i, y) in self.years.iter().enumerate() {
            if !(n - 1 - i).is_multiple_of(every) {
                continue;
            }
            d.shapes.push(label_text(
                (x_of(i), bottom + 16.0),
                y.to_string(),
                Anchor::Middle,
            ));
        }
        d.shapes.push(line(
            (left, bottom),
            (right, bottom),
            1.0,
            Rgb::BLACK,
            false,
        ));
        let break_at: Vec<usize> = self
            .breaks
            .iter()
            .filter_map(|(y, _)| self.years.iter().position(|x| x == y))
            .filter(|i| *i > 0)
            .collect();
        for ((_, label), i) in self.breaks.iter().zip(&break_at) {
            let x = (x_of(*i - 1) + x_of(*i)) / 2.0;
            d.shapes
                .push(line((x, top - 6.0), (x, bottom), 1.0, Rgb::RED, true));
            let said = format!("{} {label}", lang.pick("Đổi chuẩn:", "New standard:"));
            // Right of the mark, or left of it when it would run past the drawing's edge.
            let (at, anchor) =
                if x + 4.0 + fonts::face(Weight::Regular).width(&said, 9.0) > width - 2.0 {
                    (x - 4.0, Anchor::End)
                } else {
                    (x + 4.0, Anchor::Start)
                };
            d.shapes.push(Shape::Text {
                at: (at, top),
                text: said,
                size: 9.0,
                anchor,
                bold: false,
                color: Rgb::RED,
            });
        }
        for (k, s) in self.series.iter().enumerate() {
            let color = PALETTE[k % PALETTE.len()];
            // A run of consecutive values within one standard is one line.
            let mut run: Vec<(f32, f32)> = Vec::new();
            let flush = |run: &mut Vec<(f32, f32)>, d: &mut Drawing| {
                if run.len() > 1 {
                    d.shapes.push(Shape::Polyline {
                        points: std::mem::take(run),
                        width: 2.0,
                        color,
                        dashed: s.dashed,
                    });
                }
                run.clear();
            };
            for (i, v) in s.values.iter().enumerate() {
                if break_at.contains(&i) {
                    flush(&mut run, &mut d);
                }
                match v {
                    Some(v) => {
                        let p = (x_of(i), y_of(*v));
                        run.push(p);
                        d.shapes.push(Shape::Marker { at: p, color });
                    }
                    None => flush(&mut run, &mut d),
                }
            }
            flush(&mut run, &mut d);
            let (col, row) = (k % columns, k / columns);
            let (lx, ly) = (left + col as f32 * 190.0, bottom + 40.0 + row as f32 * 16.0);
            d.shapes.push(Shape::Line {
                from: (lx, ly - 4.0),
                to: (lx + 22.0, ly - 4.0),
                width: 2.0,
                color,
                dashed: s.dashed,
            });
            d.shapes
                .push(label_text((lx + 28.0, ly), &s.name, Anchor::Start));
        }
        d
    }
}

impl BarChart {
    pub fn draw(&self, lang: Lang) -> Drawing {
        let f = fonts::face(Weight::Regular);
        let label_w = self
            .bars
            .iter()
            .map(|(l, _)| f.width(l, LABEL))
            .fold(40.0f32, f32::max)
            .min(W * 0.4);
        let (left, right, top) = (label_w + 16.0, W - 50.0, 48.0);
        let row = 18.0;
        let bottom = top + row * self.bars.len() as f32;
        let mut d = Drawing {
            width: W,
            height: bottom + 40.0,
            shapes: vec![text(
                (W / 2.0, 22.0),
                &self.title,
                TITLE,
                Anchor::Middle,
                true,
            )],
        };
        let max = self.bars.iter().fold(0.0f64, |m, (_, v)| m.max(*v));
        let (step, top_value) = nice_axis(max);
        let x_of = |v: f64| left + ((v / top_value) as f32) * (right - left);
        let mut v = 0.0;
        while v <= top_value + step / 2.0 {
            let x = x_of(v);
            d.shapes
                .push(line((x, top - 4.0), (x, bottom), 0.5, Rgb::LIGHT, false));
            d.shapes.push(label_text(
                (x, bottom + 14.0),
                number(v, step, lang),
                Anchor::Middle,
            ));
            v += step;
        }
        d.shapes.push(label_text(
            (right, bottom + 30.0),
            &self.value_label,
            Anchor::End,
        ));
        for (i, (label, value)) in self.bars.iter().enumerate() {
            let y = top + row * i as f32;
            let shown = crate::fonts::wrap(label, Weight::Regular, LABEL, label_w)
                .into_iter()
                .next()
                .unwrap_or_default();
            d.shapes
                .push(label_text((left - 6.0, y + 12.5), shown, Anchor::End));
            d.shapes.push(Shape::Rect {
                x: left,
                y: y + 3.0,
                w: x_of(*value) - left,
                h: row - 6.0,
                fill: PALETTE[0],
            });
            d.shapes.push(text(
                (x_of(*value) + 4.0, y + 12.5),
                vi_format::decimal(*value, 2, lang),
                9.0,
                Anchor::Start,
                false,
            ));
        }
        d.shapes.push(line(
            (left, top - 4.0),
            (left, bottom),
            1.0,
            Rgb::BLACK,
            false,
        ));
        d
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn rgb(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

impl Drawing {
    /// A standalone SVG document (UTF-8, text as text so it stays searchable and translatable).
    pub fn to_svg(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" font-family=\"{}\">",
            self.width,
            self.height,
            self.width,
            self.height,
            fonts::FAMILY.replace('\'', "&apos;")
        );
        let _ = writeln!(s, "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
        let dash = |d: bool| if d { " stroke-dasharray=\"5 3\"" } else { "" };
        for shape in &self.shapes {
            let _ = match shape {
                Shape::Line {
                    from,
                    to,
                    width,
                    color,
                    dashed,
                } => writeln!(
                    s,
                    "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{}\" stroke-width=\"{width}\"{}/>",
                    from.0,
                    from.1,
                    to.0,
                    to.1,
                    rgb(*color),
                    dash(*dashed)
                ),
                Shape::Polyline {
                    points,
                    width,
                    color,
                    dashed,
                } => {
                    let pts: Vec<String> = points
                        .iter()
                        .map(|(x, y)| format!("{x:.1},{y:.1}"))
                        .collect();
                    writeln!(
                        s,
                        "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{width}\"{}/>",
                        pts.join(" "),
                        rgb(*color),
                        dash(*dashed)
                    )
                }
                Shape::Rect { x, y, w, h, fill } => writeln!(
                    s,
                    "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{}\"/>",
                    rgb(*fill)
                ),
                Shape::Marker { at, color } => writeln!(
                    s,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"5\" height=\"5\" fill=\"{}\"/>",
                    at.0 - 2.5,
                    at.1 - 2.5,
                    rgb(*color)
                ),
                Shape::Text {
                    at,
                    text,
                    size,
                    anchor,
                    bold,
                    color,
                } => writeln!(
                    s,
                    "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{size}\"{}{} fill=\"{}\">{}</text>",
                    at.0,
                    at.1,
                    match anchor {
                        Anchor::Start => "",
                        Anchor::Middle => " text-anchor=\"middle\"",
                        Anchor::End => " text-anchor=\"end\"",
                    },
                    if *bold { " font-weight=\"bold\"" } else { "" },
                    rgb(*color),
                    esc(text)
                ),
            };
        }
        s.push_str("</svg>\n");
        s
    }
}
