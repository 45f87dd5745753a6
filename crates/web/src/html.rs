//! HTML written by hand: every piece of data goes through [`esc`], so a name with `<script>` in it is text.
//! Pages are light (one small stylesheet, no script), usable on a 1024-px tablet, and print without the menu.

use std::fmt::Write;

use giamngheo_core::date::Date;
use giamngheo_core::{Lang, vi_format};

/// Escapes text for HTML content and double-quoted attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    push_esc(&mut out, s);
    out
}

pub fn push_esc(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// Percent-encodes a query value.
pub fn url(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// 1.234.567 (vi) or 1,234,567 (en).
pub fn int(n: i64, lang: Lang) -> String {
    vi_format::int(n, lang)
}

/// 7,42 (vi) or 7.42 (en).
pub fn pct(x: f64, lang: Lang) -> String {
    vi_format::decimal(x, 2, lang)
}

/// An ISO date as dd/mm/yyyy (both languages: the programme's documents use it); other text unchanged.
pub fn date(iso: &str) -> String {
    Date::parse(iso).map_or_else(|_| iso.to_owned(), Date::vi)
}

/// The menu entries a page shows, already filtered by what the account may do.
pub struct Nav {
    pub user: String,
    pub role: &'static str,
    pub links: Vec<(&'static str, &'static str)>,
    /// The one-time token of the logout form.
    pub logout_token: String,
}

/// A full page around `body`.
pub fn page(lang: Lang, title: &str, nav: Option<&Nav>, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 2048);
    let _ = write!(
        out,
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · Giảm nghèo</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head><body>",
        lang.pick("vi", "en"),
        esc(title)
    );
    out.push_str("<header class=\"top\"><a class=\"brand\" href=\"/\">Giảm nghèo</a><nav>");
    if let Some(nav) = nav {
        for (href, label) in &nav.links {
            let _ = write!(out, "<a href=\"{href}\">{}</a>", esc(label));
        }
    }
    out.push_str("</nav><div class=\"who\">");
    let _ = write!(
        out,
        "<a href=\"?lang={0}\" hreflang=\"{0}\">{1}</a>",
        lang.pick("en", "vi"),
        lang.pick("English", "Tiếng Việt")
    );
    if let Some(nav) = nav {
        let _ = write!(
            out,
            " <span>{} ({})</span><form method=\"post\" action=\"/logout\" class=\"inline\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\"><button>{}</button></form>",
            esc(&nav.user),
            esc(nav.role),
            esc(&nav.logout_token),
            lang.pick("Đăng xuất", "Log out")
        );
    }
    out.push_str("</div></header><main>");
    let _ = write!(out, "<h1>{}</h1>", esc(title));
    out.push_str(body);
    out.push_str("</main></body></html>");
    out
}

/// A table: header cells are text, body cells are HTML the caller has escaped.
pub fn table(out: &mut String, class: &str, header: &[&str], rows: &[Vec<String>]) {
    let _ = write!(out, "<table class=\"{class}\"><thead><tr>");
    for h in header {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            let _ = write!(out, "<td>{c}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

/// A line chart of one or two series over years, inline SVG (no script), readable when printed.
pub fn trend_svg(lang: Lang, years: &[i32], series: &[(&str, &str, Vec<f64>)]) -> String {
    let (w, h, left, bottom, top, right) = (640.0, 240.0, 44.0, 28.0, 12.0, 12.0);
    let mut out = String::new();
    if years.is_empty() {
        return out;
    }
    let max = series
        .iter()
        .flat_map(|s| s.2.iter().copied())
        .fold(1.0_f64, f64::max);
    let ymax = (max / 5.0).ceil() * 5.0;
    let n = years.len().max(2) - 1;
    let x = |i: usize| left + (w - left - right) * i as f64 / n as f64;
    let y = |v: f64| top + (h - top - bottom) * (1.0 - v / ymax);
    let _ = write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\">",
        esc(lang.pick("Tỷ lệ theo năm", "Rates by year"))
    );
    for k in 0..=5 {
        let v = ymax * f64::from(k) / 5.0;
        let _ = write!(
            out,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\" class=\"grid\"/>\
             <text x=\"{}\" y=\"{:.1}\" class=\"axis\" text-anchor=\"end\">{}</text>",
            w - right,
            y(v),
            y(v),
            left - 4.0,
            y(v) + 4.0,
            vi_format::decimal(v, 0, lang)
        );
    }
    for (i, yr) in years.iter().enumerate() {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{}\" class=\"axis\" text-anchor=\"middle\">{yr}</text>",
            x(i),
            h - 8.0
        );
    }
    for (name, class, values) in series {
        let pts: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
            .collect();
        let _ = write!(
            out,
            "<polyline class=\"{class}\" fill=\"none\" points=\"{}\"><title>{}</title></polyline>",
            pts.join(" "),
            esc(name)
        );
    }
    out.push_str("</svg><p class=\"legend\">");
    for (name, class, _) in series {
        let _ = write!(out, "<span class=\"key {class}\"></span>{} ", esc(name));
    }
    out.push_str("</p>");
    out
}

pub const CSS: &str = include_str!("app.css");
