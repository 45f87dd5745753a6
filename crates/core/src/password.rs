//! The password policy: one function, [`check`], used wherever a password is set (the command line's
//! `user add`, the demo's accounts, any page that sets one). It refuses what an attacker tries first: short
//! passwords, blank ones, the account's own name, keyboard runs and repeats, and the common passwords of
//! Vietnamese and English speakers. Length counts characters after trimming, so "mật khẩu" counts 8.

use crate::lang::Lang;
use crate::messages::Localized;
use crate::text::fold;

/// The shortest password accepted, in characters after trimming.
pub const MIN_CHARS: usize = 10;

/// Why a password is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    Blank,
    ContainsName,
    Trivial,
    Common,
}

impl Localized for PasswordProblem {
    fn message(&self, lang: Lang) -> String {
        let (vi, en) = match self {
            PasswordProblem::TooShort => (
                "Mật khẩu cần ít nhất 10 ký tự (không kể khoảng trắng ở đầu và cuối).",
                "The password needs at least 10 characters (not counting spaces at either end).",
            ),
            PasswordProblem::Blank => (
                "Mật khẩu không được chỉ gồm khoảng trắng.",
                "The password cannot be only spaces.",
            ),
            PasswordProblem::ContainsName => (
                "Mật khẩu không được là hoặc chứa tên đăng nhập.",
                "The password cannot be or contain the user name.",
            ),
            PasswordProblem::Trivial => (
                "Mật khẩu quá dễ đoán (dãy phím liền nhau, dãy số hoặc ký tự lặp lại).",
                "The password is too easy to guess (a run of keys, a sequence or repeated characters).",
            ),
            PasswordProblem::Common => (
                "Mật khẩu nằm trong danh sách mật khẩu phổ biến; hãy chọn mật khẩu khác.",
                "The password is on the list of common passwords; choose another.",
            ),
        };
        lang.pick(vi, en).to_owned()
    }
}

/// Common passwords, folded (lower case, no diacritics), one a line: the most used passwords in leaked lists,
/// Vietnamese ones among them. A password is refused when it folds to one of them, or to one of them followed
/// by digits and punctuation ("matkhau2024!").
const COMMON: &str = include_str!("password_common.txt");

/// Runs of keys and sequences; a password made of pieces of these (forwards or backwards, wrapping round) is
/// trivial.
const RUNS: [&str; 7] = [
    "1234567890",
    "0123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "qazwsxedcrfvtgbyhnujmikolp",
];

fn common(folded: &str) -> bool {
    let stem = folded
        .trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation() || c == ' ');
    let squeezed: String = folded.chars().filter(|c| !c.is_whitespace()).collect();
    COMMON
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|l| l == folded || l == squeezed || (stem.chars().count() >= 4 && l == stem))
}

/// The longest piece at the start of `s` that lies along a run (either way, wrapping) or repeats one character.
fn run_at(s: &[char]) -> usize {
    let mut best = 1;
    let same = s.iter().take_while(|c| **c == s[0]).count();
    best = best.max(same);
    for run in RUNS {
        let fwd: Vec<char> = run.chars().chain(run.chars()).collect();
        let back: Vec<char> = fwd.iter().rev().copied().collect();
        for seq in [&fwd, &back] {
            for start in 0..run.len() {
                let n = s
                    .iter()
                    .zip(&seq[start..])
                    .take_while(|(a, b)| a == b)
                    .count();
                best = best.max(n);
            }
        }
    }
    best
}

/// Made of at most three pieces of runs or repeats ("qwerty123456", "aaaaaaaaaa", "1234567890"), or of a
/// short piece repeated ("abcabcabca", "12121212"), or of fewer than four different characters.
fn trivial(folded: &str) -> bool {
    let s: Vec<char> = folded
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation())
        .collect();
    if s.is_empty() {
        return true;
    }
    let mut distinct = s.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 4 {
        return true;
    }
    for period in 1..=4 {
        if s.len() > period && (period..s.len()).all(|i| s[i] == s[i - period]) {
            return true;
        }
    }
    let (mut i, mut pieces) = (0, 0);
    while i < s.len() {
        let n = run_at(&s[i..]);
        if n < 3 {
            return false;
        }
        i += n;
        pieces += 1;
    }
    pieces <= 3
}

/// Checks a password for an account name. The name counts when its folded form, without spaces, has at least
/// three characters (shorter names would refuse passwords for containing two letters by chance); a password
/// equal to the name is refused whatever its length.
pub fn check(name: &str, password: &str) -> Result<(), PasswordProblem> {
    let trimmed = password.trim();
    if trimmed.is_empty() {
        return Err(PasswordProblem::Blank);
    }
    if trimmed.chars().count() < MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    let folded = fold(trimmed);
    let squeezed: String = folded.chars().filter(|c| !c.is_whitespace()).collect();
    let name_folded: String = fold(name.trim())
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if !name_folded.is_empty()
        && (squeezed == name_folded
            || (name_folded.chars().count() >= 3 && squeezed.contains(&name_folded)))
    {
        return Err(PasswordProblem::ContainsName);
    }
    if trivial(&folded) {
        return Err(PasswordProblem::Trivial);
    }
    if common(&folded) {
        return Err(PasswordProblem::Common);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::PasswordProblem::*;
    use super::*;

    #[test]
    fn the_policy_refuses_what_is_guessed_first() {
        for (name, password, expect) in [
            ("xa", "short", Err(TooShort)),
            ("xa", "mật khẩu", Err(TooShort)),
            ("xa", "          ", Err(Blank)),
            ("xa", "   abc   ", Err(TooShort)),
            ("canbo-xa", "canbo-xa", Err(TooShort)),
            ("nguyenvanan", "NguyenVanAn", Err(ContainsName)),
            ("Nguyễn Văn An", "nguyenvanan", Err(ContainsName)),
            (
                "Nguyễn Văn An",
                "xin chào nguyễn văn an 7",
                Err(ContainsName),
            ),
            ("canbo-xa", "canbo-xa-2024!", Err(ContainsName)),
            ("xa", "1234567890", Err(Trivial)),
            ("xa", "0987654321", Err(Trivial)),
            ("xa", "aaaaaaaaaa", Err(Trivial)),
            ("xa", "qwertyuiop", Err(Trivial)),
            ("xa", "qwerty123456", Err(Trivial)),
            ("xa", "abcabcabcabc", Err(Trivial)),
            ("xa", "1212121212", Err(Trivial)),
            ("xa", "11112222333", Err(Trivial)),
            ("xa", "matkhau123", Err(Common)),
            ("xa", "MậtKhẩu123", Err(Common)),
            ("xa", "123456789a", Err(Common)),
            ("xa", "password123", Err(Common)),
            ("xa", "matkhau2024!", Err(Common)),
            ("xa", "iloveyou123", Err(Common)),
            ("xa", "anhyeuem123", Err(Common)),
            // Accepted: long enough, not a run, not common, not the name.
            ("xa", "mật-khẩu-thử-1234", Ok(())),
            ("xa", "Trâu ăn cỏ bên sông", Ok(())),
            ("nguyenvanan", "k7Qm2pXw9rTz", Ok(())),
            // A name of two letters inside a password is chance, not a choice.
            ("xa", "taxa-bien-hoa-79", Ok(())),
        ] {
            assert_eq!(check(name, password), expect, "{name:?} / {password:?}");
        }
    }

    #[test]
    fn every_problem_has_both_languages_naming_the_field() {
        for p in [TooShort, Blank, ContainsName, Trivial, Common] {
            assert!(p.message(Lang::Vi).contains("Mật khẩu"), "{p:?}");
            assert!(p.message(Lang::En).contains("password"), "{p:?}");
        }
    }

    #[test]
    fn the_list_is_folded_and_holds_vietnamese_passwords() {
        let lines: Vec<&str> = COMMON
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        assert!(lines.len() >= 200, "{}", lines.len());
        for l in &lines {
            assert_eq!(fold(l), *l, "folded");
        }
        for vi in ["matkhau123", "123456789a", "anhyeuem"] {
            assert!(lines.contains(&vi), "{vi}");
        }
    }
}
