//! Vietnamese alphabetical order without ICU: a sort key compared byte by byte.
//!
//! The alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y. Letters decide first; tones
//! (ngang, huyền, hỏi, ngã, sắc, nặng, the dictionary order) only between names equal without them; case last.
//! Numbers compare by value, as officers count villages: Thôn 1, Thôn 2, …, Thôn 10.
//! Chosen over `icu_collator` to keep the web crate's build small: names only need this much of CLDR's `vi`
//! tailoring, and the tests below pin the order.

use unicode_normalization::UnicodeNormalization;

const BREVE: char = '\u{0306}';
const CIRCUMFLEX: char = '\u{0302}';
const HORN: char = '\u{031B}';

fn tone(c: char) -> Option<u8> {
    Some(match c {
        '\u{0300}' => 1, // huyền
        '\u{0309}' => 2, // hỏi
        '\u{0303}' => 3, // ngã
        '\u{0301}' => 4, // sắc
        '\u{0323}' => 5, // nặng
        _ => return None,
    })
}

/// The sort key of a name: primary (letters) ‖ 0 ‖ secondary (tones) ‖ 0 ‖ tertiary (case).
pub fn sort_key(s: &str) -> Vec<u8> {
    let mut primary = Vec::with_capacity(s.len() * 2);
    let mut secondary = Vec::with_capacity(s.len());
    let mut tertiary = Vec::with_capacity(s.len());
    let mut chars = s.nfd().peekable();
    while let Some(c) = chars.next() {
        let (base, mut modifier, upper) = match c {
            'đ' => ('d', 1u8, false),
            'Đ' => ('d', 1, true),
            _ => (c.to_lowercase().next().unwrap_or(c), 0, c.is_uppercase()),
        };
        let mut t = 0u8;
        while let Some(&m) = chars.peek() {
            if m == BREVE {
                modifier = 1;
            } else if m == CIRCUMFLEX {
                modifier = 2;
            } else if m == HORN {
                modifier = 3;
            } else if let Some(x) = tone(m) {
                t = x;
            } else if !('\u{0300}'..='\u{036F}').contains(&m) {
                break;
            }
            chars.next();
        }
        if base.is_ascii_digit() {
            // A run of digits compares as a number, so "Thôn 2" comes before "Thôn 10": a marker, the run's
            // length without leading zeros, then its digits.
            let mut digits = vec![base as u8];
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(d as u8);
                chars.next();
            }
            let first = digits
                .iter()
                .position(|&d| d != b'0')
                .unwrap_or(digits.len() - 1);
            let digits = &digits[first..];
            primary.push(b'0');
            primary.push(u8::try_from(digits.len()).unwrap_or(u8::MAX));
            primary.extend_from_slice(digits);
            primary.push(2);
            secondary.push(1);
            tertiary.push(1);
            continue;
        }
        if base.is_whitespace() {
            // A space sorts before every letter, so "An" comes before "Anh".
            primary.push(1);
            continue;
        }
        let mut buf = [0u8; 4];
        for b in base.encode_utf8(&mut buf).bytes() {
            primary.push(b);
        }
        primary.push(2 + modifier);
        secondary.push(1 + t);
        tertiary.push(u8::from(upper) + 1);
    }
    primary.push(0);
    primary.extend(secondary);
    primary.push(0);
    primary.extend(tertiary);
    primary
}

/// Vietnamese names in a person's usual order: by given name first is the official lists' convention only in
/// some provinces, so whole names are compared from the family name, as the household registers do.
pub fn sort_by_name<T>(items: &mut [T], name: impl Fn(&T) -> &str) {
    items.sort_by_cached_key(|x| sort_key(name(x)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_alphabet_order() {
        let mut names = vec![
            "Zoe", "Ưng", "Uông", "Ơn", "Ôn", "On", "Đinh", "Đặng", "Dương", "Do", "Bình", "Ba",
            "Âu", "Ăn", "Ánh", "An",
        ];
        sort_by_name(&mut names, |s| s);
        assert_eq!(
            names,
            [
                "An", "Ánh", "Ăn", "Âu", "Ba", "Bình", "Do", "Dương", "Đặng", "Đinh", "On", "Ôn",
                "Ơn", "Uông", "Ưng", "Zoe"
            ]
        );
    }

    #[test]
    fn tones_in_dictionary_order_and_decomposed_input_the_same() {
        let mut names = vec!["Mạ", "Má", "Mã", "Mả", "Mà", "Ma"];
        sort_by_name(&mut names, |s| s);
        assert_eq!(names, ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]);
        let nfd: String = "Nguyễn Thị Hằng".nfd().collect();
        assert_eq!(sort_key(&nfd), sort_key("Nguyễn Thị Hằng"));
        assert!(sort_key("Nguyễn An") < sort_key("Nguyễn Anh"));
    }

    #[test]
    fn numbers_in_names_in_counting_order() {
        let mut names = vec![
            "Thôn 10",
            "Thôn 2",
            "Xóm 1",
            "Thôn 1",
            "Thôn 11",
            "Thôn 005",
            "Thôn",
            "Thôn 9A",
            "Thôn 9",
            "Thôn Đông",
        ];
        sort_by_name(&mut names, |s| s);
        assert_eq!(
            names,
            [
                "Thôn",
                "Thôn 1",
                "Thôn 2",
                "Thôn 005",
                "Thôn 9",
                "Thôn 9A",
                "Thôn 10",
                "Thôn 11",
                "Thôn Đông",
                "Xóm 1"
            ]
        );
    }
}
