//! The pieces of HTML every page is made of, written in maud's `html!`: a value spliced in as `(value)` is
//! escaped by its `Render`, so a name with `<script>` in it is text; raw HTML goes in only through an explicit
//! `PreEscaped` (the report crate's SVG chart). Pages are light (one small stylesheet, no script), usable on a
//! 1024-px tablet, and print without the menu.

use std::fmt::Write;

use giamngheo_core::{Lang, vi_format};
pub use maud::{Markup, PreEscaped, html};

/// Percent-encodes a query value.
pub fn url(s: impl AsRef<str>) -> String {
    let s = s.as_ref();
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

/// A moment stored as UTC (`2026-12-05T08:02:33Z`) as an officer reads it: Vietnam's time, `05/12/2026 15:02:33`.
pub fn moment(utc: &str) -> String {
    giamngheo_core::calendar::vietnam_moment(utc)
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
pub fn page(lang: Lang, title: &str, nav: Option<&Nav>, body: Markup) -> Markup {
    html! {
        // maud's `DOCTYPE` is upper case; the pages have always said it in lower case.
        (PreEscaped("<!doctype html>"))
        html lang=(lang.pick("vi", "en")) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Giảm nghèo" }
                link rel="stylesheet" href="/static/app.css";
            }
            body {
                header.top {
                    a.brand href="/" { "Giảm nghèo" }
                    nav {
                        @if let Some(nav) = nav {
                            @for (href, label) in &nav.links {
                                a href=(href) { (label) }
                            }
                        }
                    }
                    div.who {
                        a href={ "?lang=" (lang.pick("en", "vi")) } hreflang=(lang.pick("en", "vi")) {
                            (lang.pick("English", "Tiếng Việt"))
                        }
                        @if let Some(nav) = nav {
                            " "
                            span { (nav.user) " (" (nav.role) ")" }
                            form method="post" action="/logout" class="inline" {
                                input type="hidden" name="csrf" value=(nav.logout_token);
                                button { (lang.pick("Đăng xuất", "Log out")) }
                            }
                        }
                    }
                }
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// A table's header row: each cell's text `(vi, en)` in `lang`.
pub fn head(lang: Lang, cells: &[(&str, &str)]) -> Markup {
    html! {
        thead { tr { @for (vi, en) in cells { th { (lang.pick(vi, en)) } } } }
    }
}

/// A table: header cells are text, body cells markup.
pub fn table(class: &str, header: &[&str], rows: &[Vec<Markup>]) -> Markup {
    html! {
        table class=(class) {
            thead { tr { @for h in header { th { (h) } } } }
            tbody {
                @for r in rows {
                    tr { @for c in r { td { (c) } } }
                }
            }
        }
    }
}

pub const CSS: &str = include_str!("app.css");
