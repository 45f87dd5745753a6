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

/// A moment stored as UTC (`2026-12-05T08:02:33Z`) as an officer reads it: Vietnam's time, `05/12/2026 15:02:33`.
pub fn moment(utc: &str) -> String {
    let parsed = (|| {
        let (day, time) = utc.strip_suffix('Z')?.split_once('T')?;
        let day = Date::parse(day).ok()?;
        let mut hms = time.split(':').map(|p| p.parse::<i64>().ok());
        let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
        let secs = day.unix_days() * 86_400
            + h * 3600
            + m * 60
            + s
            + giamngheo_core::calendar::VIETNAM_UTC_OFFSET_SECONDS;
        let local = Date::from_unix_days(secs.div_euclid(86_400));
        let t = secs.rem_euclid(86_400);
        Some(format!(
            "{} {:02}:{:02}:{:02}",
            local.vi(),
            t / 3600,
            t / 60 % 60,
            t % 60
        ))
    })();
    parsed.unwrap_or_else(|| utc.to_owned())
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

pub const CSS: &str = include_str!("app.css");
