//! Vietnamese text at the boundary: every stored string is NFC, and search compares folded forms.

use unicode_normalization::UnicodeNormalization;

/// Normalises to NFC, the one form stored anywhere in giamngheo. Text typed on macOS or converted from old
/// encodings arrives decomposed, and would otherwise break equality and uniqueness.
pub fn nfc(s: &str) -> String {
    if unicode_normalization::is_nfc(s) {
        s.to_owned()
    } else {
        s.nfc().collect()
    }
}

/// The first character that a reader cannot see or that turns the direction of the text around: zero-width
/// spaces and joiners, the soft hyphen, the byte-order mark, bidirectional controls (a right-to-left
/// override makes "Nguyễn Văn A" display as something else), invisible operators and tag characters. Stored
/// in a name, such a character makes two equal-looking names differ, which defeats duplicate detection and
/// search; input that holds one is refused with the field named. Ordinary controls are refused elsewhere.
pub fn invisible(s: &str) -> Option<char> {
    s.chars().find(|&c| {
        matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFFB}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
    })
}

/// Folds for search and duplicate detection: no diacritics, `đ` as `d`, lower case, spaces collapsed.
/// "Nguyễn Văn Đức" and "nguyen van duc" fold to the same string.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = true;
    let mut push = |c: char, out: &mut String| {
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
            return;
        }
        last_space = false;
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    };
    for c in s.chars() {
        match c {
            // The common case, and the letters with no decomposition, without the decomposition tables.
            c if c.is_ascii() => push(c, &mut out),
            'đ' | 'Đ' => push('d', &mut out),
            c => unicode_normalization::char::decompose_canonical(c, |d| {
                if !('\u{0300}'..='\u{036f}').contains(&d) {
                    push(d, &mut out);
                }
            }),
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The edit distance between two short strings, for "did you mean …?" hints on misspelled names.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a likely misspelling.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = fold(word);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&word, &fold(c)), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Whether a CSV cell's text would be read by a spreadsheet as a formula: it starts with `=`, `+`, `-`, `@`,
/// a tab or a carriage return (OWASP's list for CSV injection). A plain negative number (`-5`, `-1,42`) is a
/// number, not a formula, and stays as it is.
pub fn csv_formula_risk(cell: &[u8]) -> bool {
    match cell.first() {
        Some(b'=' | b'+' | b'@' | b'\t' | b'\r') => true,
        Some(b'-') => {
            // Digits with thousands or decimal separators in either convention (`-1.234.567,5`).
            let rest = &cell[1..];
            let plain = rest.first().is_some_and(u8::is_ascii_digit)
                && rest.last().is_some_and(u8::is_ascii_digit)
                && rest
                    .iter()
                    .all(|&b| b.is_ascii_digit() || b == b'.' || b == b',');
            !plain
        }
        _ => false,
    }
}

/// A text cell as a CSV writer puts it: a cell a spreadsheet would run as a formula gets a leading `'`, which
/// Excel and LibreOffice show as text. Our own readers drop that `'` again (`csv_unescape_formula`).
pub fn csv_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if csv_formula_risk(cell.as_bytes()) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// The cell a CSV writer protected with `csv_safe`, as it was: `'=A1` → `=A1`. Other text is unchanged.
pub fn csv_unescape_formula(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if csv_formula_risk(rest.as_bytes()) => rest,
        _ => cell,
    }
}

/// Orders labels as a reader expects: runs of digits by their value, so "Thôn 2" comes before "Thôn 10";
/// the rest by its folded form (no diacritics, no case), then as written.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    fn runs(s: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in s.chars() {
            let digit = c.is_ascii_digit();
            match out.last_mut() {
                Some((d, run)) if *d == digit => run.push(c),
                _ => out.push((digit, c.to_string())),
            }
        }
        out
    }
    let (ra, rb) = (runs(a), runs(b));
    for (x, y) in ra.iter().zip(rb.iter()) {
        let o = match (x, y) {
            ((true, p), (true, q)) => {
                let (p, q) = (p.trim_start_matches('0'), q.trim_start_matches('0'));
                p.len().cmp(&q.len()).then_with(|| p.cmp(q))
            }
            ((false, p), (false, q)) => fold(p).cmp(&fold(q)),
            ((d, _), _) => {
                if *d {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    ra.len().cmp(&rb.len()).then_with(|| a.cmp(b))
}
