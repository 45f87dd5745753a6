//! Numbers, money and dates written the Vietnamese way: 1.500.000 đ, 7,42 %, 29/11/2026.

use crate::Lang;

/// Writes an integer with a thousands separator: `.` in Vietnamese, `,` in English.
pub fn push_int(out: &mut String, n: i64, lang: Lang) {
    let sep = match lang {
        Lang::Vi => '.',
        Lang::En => ',',
    };
    if n < 0 {
        out.push('-');
    }
    let digits = n.unsigned_abs().to_string();
    let first = digits.len() % 3;
    for (i, d) in digits.chars().enumerate() {
        if i != 0 && (i + 3 - first).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(d);
    }
}

/// An integer with thousands separators: `1.500.000` (vi) or `1,500,000` (en).
pub fn int(n: i64, lang: Lang) -> String {
    let mut s = String::new();
    push_int(&mut s, n, lang);
    s
}

/// An amount of money: `1.500.000 đ` (vi) or `VND 1,500,000` (en).
pub fn vnd(n: i64, lang: Lang) -> String {
    match lang {
        Lang::Vi => format!("{} đ", int(n, lang)),
        Lang::En => format!("VND {}", int(n, lang)),
    }
}

/// A decimal with a fixed number of places: `7,42` (vi) or `7.42` (en).
pub fn decimal(x: f64, places: usize, lang: Lang) -> String {
    let s = format!("{x:.places$}");
    match lang {
        Lang::Vi => s.replace('.', ","),
        Lang::En => s,
    }
}
