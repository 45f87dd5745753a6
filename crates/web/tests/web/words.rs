//! Every page in both languages, read as a person reads it: its visible text must hold no code that was meant
//! to be translated (`in_person`, `rejected`, `vn-2022-2025`, a UTC time stamp).

use crate::harness::app;
use crate::run;

/// (account, page) — every page of the staff app and the public page, with a report shown where a page can.
const PAGES: &[(&str, &str)] = &[
    ("-", "/login"),
    ("-", "/public/{commune}"),
    ("admin", "/dashboard"),
    ("admin", "/dashboard?unit={province}"),
    ("tinh", "/dashboard"),
    ("xa", "/dashboard"),
    ("xa", "/households"),
    ("xa", "/households?q=nguyen"),
    ("xa", "/households/{hh_in}"),
    ("xa", "/units/{commune}"),
    ("xa", "/units/{province}"),
    ("xa", "/import"),
    ("xa", "/rounds"),
    ("xa", "/rounds/{round_in}"),
    ("xa", "/rounds/{round_in}/survey/{hh_in}"),
    ("xa", "/reports"),
    (
        "tinh",
        "/reports?kind=transitions&unit={province}&from=2020&to=2024",
    ),
    (
        "tinh",
        "/reports?kind=profile&unit={province}&from=2020&to=2024",
    ),
    ("tinh", "/reports?kind=summary&unit={province}&to=2024"),
    (
        "tinh",
        "/reports?kind=ranking&unit={province}&from=2020&to=2024",
    ),
    ("xa", "/reports?kind=poor&unit={commune}&to=2024"),
    ("xa", "/forecast?unit={commune}"),
    ("xa", "/plan?unit={commune}"),
    ("xa", "/feedback"),
    ("admin", "/audit"),
    ("kiemtoan", "/audit"),
];

/// Codes that are English words or ours, wrong on a Vietnamese page when standing alone.
const CODES_VI: &[&str] = &[
    "rejected",
    "upheld",
    "pending",
    "merge",
    "split",
    "administrator",
    "periodic",
    "decided",
    "posted",
    "surveyed",
    "poor",
    "near-poor",
    "urban",
    "rural",
    "head",
    "complaint",
];

/// The text a reader sees: tags, scripts and styles removed, entities decoded.
fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        out.push(' ');
        let tail = &rest[i..];
        // Scripts and styles are not read; <code> holds what a person types or a record kept as written.
        let skip_to = ["<script", "<style", "<code"]
            .iter()
            .find(|t| tail.starts_with(**t))
            .map(|t| format!("</{}>", &t[1..]));
        rest = match skip_to {
            Some(end) => tail.find(&end).map_or("", |j| &tail[j + end.len()..]),
            None => tail.find('>').map_or("", |j| &tail[j + 1..]),
        };
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
}

/// The codes left in a page's text.
fn untranslated(text: &str, vi: bool) -> Vec<String> {
    let mut found = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || ",.;:()[]\"'«»·/".contains(c)) {
        let w = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '_' && c != '-');
        if w.is_empty() {
            continue;
        }
        let snake = w.contains('_')
            && w.chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit());
        let standard_id =
            (w.starts_with("vn-20") || w.starts_with("qd24-") || w.starts_with("tt17-"))
                && w.chars().any(|c| c.is_ascii_digit());
        let english = vi && CODES_VI.contains(&w);
        if snake || standard_id || english {
            found.push(w.to_owned());
        }
    }
    // A UTC time stamp: 2026-12-05T08:02:33Z (cut by the split above at its colons).
    let b = text.as_bytes();
    for i in 0..b.len().saturating_sub(13) {
        let digits = |r: std::ops::Range<usize>| r.into_iter().all(|j| b[j].is_ascii_digit());
        if digits(i..i + 4)
            && b[i + 4] == b'-'
            && digits(i + 5..i + 7)
            && b[i + 7] == b'-'
            && digits(i + 8..i + 10)
            && b[i + 10] == b'T'
            && digits(i + 11..i + 13)
        {
            let end = text[i..]
                .find(|c: char| c.is_whitespace() || c == '<')
                .map_or(text.len(), |e| i + e);
            found.push(text[i..end].to_owned());
        }
    }
    found.sort();
    found.dedup();
    found
}

#[test]
fn the_word_check_finds_the_codes_it_looks_for() {
    let cases: &[(&str, bool, &[&str])] = &[
        (
            "<td>in_person</td><td>Đã trả lời</td>",
            true,
            &["in_person"],
        ),
        (
            "<p>áp dụng vn-2022-2025 từ năm 2022</p>",
            true,
            &["vn-2022-2025"],
        ),
        (
            "<td>2026-12-05T08:02:33Z</td>",
            true,
            &["2026-12-05T08:02:33Z"],
        ),
        ("<td>rejected</td>", true, &["rejected"]),
        ("<td>rejected</td>", false, &[]),
        (
            "<script>let in_person = 1;</script><p>Hộ nghèo</p>",
            true,
            &[],
        ),
        ("<p>Cột: Mã hộ (<code>household_code</code>)</p>", true, &[]),
        (
            "<a href=\"/x?unit_code=1\">Xã Thọ Xuân (15499)</a>",
            true,
            &[],
        ),
    ];
    for (html, vi, want) in cases {
        assert_eq!(untranslated(&visible_text(html), *vi), *want, "{html}");
    }
}

#[test]
fn every_page_in_both_languages_shows_words_not_codes() {
    let app = app();
    run(async {
        let mut cookies = std::collections::HashMap::new();
        let mut problems = Vec::new();
        for (account, page) in PAGES {
            let cookie = match *account {
                "-" => None,
                a => {
                    if !cookies.contains_key(a) {
                        cookies.insert(a, app.login(a).await);
                    }
                    cookies.get(a).cloned()
                }
            };
            for (lang, vi) in [("vi", true), ("en", false)] {
                let path = app.fill(page);
                let sep = if path.contains('?') { '&' } else { '?' };
                let r = app
                    .get(&format!("{path}{sep}lang={lang}"), cookie.as_deref())
                    .await;
                assert_eq!(r.status, 200, "{account} {path} {lang}: {}", r.body);
                let codes = untranslated(&visible_text(&r.body), vi);
                if !codes.is_empty() {
                    problems.push(format!("{account} {path} ({lang}): {}", codes.join(", ")));
                }
            }
        }
        assert!(
            problems.is_empty(),
            "codes shown untranslated:\n{}",
            problems.join("\n")
        );
    });
}
