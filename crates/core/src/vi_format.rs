//! Numbers, money and dates written the Vietnamese way: 1.500.000 đ, 7,42 %, 29/11/2026.

use crate::Lang;

/// Writes an integer with a thousands separator: `.` in Vietnamese, `,` in English. No allocation: the
/// classifier writes tens of millions of these.
pub fn push_int(out: &mut String, n: i64, lang: Lang) {
    let mut buf = [0u8; 32];
    out.push_str(format_int(&mut buf, n, lang));
}

/// Formats into a caller's buffer and returns the text.
pub fn format_int(buf: &mut [u8; 32], n: i64, lang: Lang) -> &str {
    std::str::from_utf8(format_ascii(buf, n, lang)).unwrap_or_default()
}

/// Formats into a caller's buffer and returns the bytes (ASCII).
pub fn format_ascii(buf: &mut [u8; 32], n: i64, lang: Lang) -> &[u8] {
    let sep = match lang {
        Lang::Vi => b'.',
        Lang::En => b',',
    };
    let mut v = n.unsigned_abs();
    let mut i = buf.len();
    let mut digits = 0;
    loop {
        if digits > 0 && digits % 3 == 0 {
            i -= 1;
            buf[i] = sep;
        }
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        digits += 1;
        if v == 0 {
            break;
        }
    }
    if n < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    &buf[i..]
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
