use giamngheo_formats::indicator_csv::{Plan, Role, plain_weight, weight_word, word_weight};
use proptest::prelude::*;

/// The word reader of weights against `str::parse`, and what it leaves to the general reader (`None`).
#[test]
fn weights_read_from_a_word_equal_the_standard_parse() {
    let read = |t: &str| weight_word(t.as_bytes()).and_then(|(x, len)| word_weight(x, len));
    let cases: &[(&str, Option<f64>)] = &[
        ("1.234", Some(1.234)),
        ("2", Some(2.0)),
        (".5", Some(0.5)),
        ("1.", Some(1.0)),
        ("0.001", Some(0.001)),
        ("1234567", Some(1_234_567.0)),
        ("123456.", Some(123_456.0)),
        ("000.100", Some(0.1)),
        ("0", Some(0.0)),
        ("", None),
        (".", None),
        ("1.2.3", None),
        ("1..2", None),
        ("1a", None),
        (" 1", None),
        ("1 ", None),
        ("-1", None),
        ("+1", None),
        ("1e5", None),
        ("1/2", None),
        ("1:2", None),
        ("é", None),
    ];
    for (text, want) in cases {
        assert_eq!(read(text), *want, "{text:?}");
        assert_eq!(plain_weight(text.as_bytes()), *want, "{text:?}");
        if let Some(w) = want {
            assert_eq!(text.parse::<f64>().ok(), Some(*w), "{text:?}");
        }
    }
    // Longer than a word: the byte reader, up to 15 digits.
    assert_eq!(plain_weight(b"12345.678901"), Some(12345.678901));
    assert_eq!(plain_weight(b"1234567890.12345"), Some(1234567890.12345));
    assert_eq!(plain_weight(b"1234567890.123456"), None);
}

proptest! {
    #[test]
    fn any_plain_weight_of_a_word_reads_as_parse_does(m in 0u32..1_000_000, scale in 0usize..7, point in any::<bool>()) {
        let digits = m.to_string();
        let text = if scale == 0 || scale > digits.len() {
            if point { format!("{digits}.") } else { digits }
        } else {
            let (a, b) = digits.split_at(digits.len() - scale);
            format!("{a}.{b}")
        };
        prop_assume!(text.len() < 8);
        let (x, len) = weight_word(text.as_bytes()).unwrap();
        prop_assert_eq!(word_weight(x, len), text.parse::<f64>().ok());
        prop_assert_eq!(plain_weight(text.as_bytes()), text.parse::<f64>().ok());
    }

    /// Random bytes in a word: read only when `str::parse` reads them the same way and they are plain.
    #[test]
    fn any_word_is_read_as_parse_does_or_left(bytes in proptest::collection::vec(prop_oneof![Just(b'.'), Just(b','), b'0'..=b'9', any::<u8>()], 0..8)) {
        let (x, len) = weight_word(&bytes).unwrap();
        if let Some(w) = word_weight(x, len) {
            let text = std::str::from_utf8(&bytes).unwrap();
            prop_assert_eq!(text.parse::<f64>().ok(), Some(w));
            prop_assert!(bytes.iter().all(|b| b.is_ascii_digit() || *b == b'.'));
        }
    }
}

/// Sums of weights per pattern and per subgroup, the slow way, for comparison: `None` when a line is not
/// plain (what the fast reader must also refuse).
fn naive(
    roles: &[Vec<Role>],
    text: &str,
    groups: usize,
) -> Option<(Vec<f64>, Vec<Vec<(String, Vec<f64>)>>)> {
    let indicators = roles
        .iter()
        .flatten()
        .filter(|r| matches!(r, Role::Indicator(_)))
        .count();
    let mut total = vec![0.0; 1 << indicators];
    let mut by: Vec<Vec<(String, Vec<f64>)>> = vec![Vec::new(); groups];
    if !text.ends_with('\n') || text.contains(['\r', '"']) {
        return None;
    }
    for line in text.lines() {
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() != roles.len() {
            return None;
        }
        let (mut mask, mut w) = (0usize, 1.0);
        let mut keys = vec![String::new(); groups];
        for (f, r) in fields.iter().zip(roles) {
            match r.first() {
                Some(Role::Indicator(j)) => match *f {
                    "0" => {}
                    "1" => mask |= 1 << j,
                    _ => return None,
                },
                Some(Role::Weight) => w = plain_weight(f.as_bytes())?,
                Some(Role::Group(g)) => {
                    if f.is_empty() || !f.is_ascii() || f.trim() != *f {
                        return None;
                    }
                    keys[*g] = f.to_string();
                }
                None => {}
            }
        }
        total[mask] += w;
        for (g, key) in keys.into_iter().enumerate() {
            let list = &mut by[g];
            let i = match list.iter().position(|(k, _)| *k == key) {
                Some(i) => i,
                None => {
                    list.push((key, vec![0.0; 1 << indicators]));
                    list.len() - 1
                }
            };
            list[i].1[mask] += w;
        }
    }
    Some((total, by))
}

/// Layouts: which role each column has, in order.
fn layouts() -> Vec<(&'static str, Vec<Vec<Role>>, usize)> {
    use Role::*;
    let ind = |j| vec![Indicator(j)];
    vec![
        (
            "groups and weight first, ten indicators last",
            vec![
                vec![Group(0)],
                vec![Weight],
                vec![],
                ind(0),
                ind(1),
                ind(2),
                ind(3),
                ind(4),
                ind(5),
                ind(6),
                ind(7),
                ind(8),
                ind(9),
            ],
            1,
        ),
        (
            "indicators first and between, weight last",
            vec![
                ind(2),
                ind(0),
                vec![Group(1)],
                ind(1),
                vec![],
                ind(3),
                ind(4),
                ind(5),
                vec![Group(0)],
                vec![Weight],
            ],
            2,
        ),
        ("one indicator, nothing else", vec![ind(0)], 0),
    ]
}

fn line(layout: &[Vec<Role>], cells: &[String]) -> String {
    assert_eq!(layout.len(), cells.len());
    cells.join(",") + "\n"
}

proptest! {
    /// The fast reader gives the slow sums on plain lines with long fields among them; a block with one odd
    /// cell, a CRLF or no final newline is refused by both.
    #[test]
    fn the_plan_sums_as_the_slow_reading_does(
        which in 0usize..3,
        rows in proptest::collection::vec((
            proptest::collection::vec(prop_oneof![Just("0"), Just("1")], 10),
            prop_oneof![Just("1.5"), Just("2"), Just("0.125"), Just("1234.5678901"), Just(".25"), Just("7.")],
            prop_oneof![Just("north"), Just("south"), Just("central highlands"), Just("b")],
            prop_oneof![Just("2019"), Just("note that is long"), Just("")],
        ), 0..40),
        odd in proptest::option::weighted(0.3, (any::<prop::sample::Index>(), any::<prop::sample::Index>(), prop_oneof![Just("2"), Just(""), Just(" x"), Just("1e3"), Just("x\"y")])),
        crlf in proptest::bool::weighted(0.05),
        final_newline in proptest::bool::weighted(0.95),
    ) {
        let (_, layout, groups) = &layouts()[which];
        let mut table: Vec<Vec<String>> = rows
            .iter()
            .map(|(inds, w, g, other)| {
                layout
                    .iter()
                    .map(|r| match r.first() {
                        Some(Role::Indicator(j)) => inds[*j].to_string(),
                        Some(Role::Weight) => w.to_string(),
                        Some(Role::Group(0)) => g.to_string(),
                        Some(Role::Group(_)) => g.chars().rev().collect(),
                        None => other.to_string(),
                    })
                    .collect()
            })
            .collect();
        if let (Some((r, c, value)), false) = (odd, table.is_empty()) {
            let r = r.index(table.len());
            let c = c.index(layout.len());
            table[r][c] = value.to_string();
        }
        let mut text: String = table.iter().map(|cells| line(layout, cells)).collect();
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        if !final_newline && text.ends_with('\n') {
            text.pop();
        }
        let plan = Plan::new(layout).unwrap();
        let mut block = text.clone().into_bytes();
        let got = plan.sum(&mut block, 0);
        prop_assert_eq!(&block, &text.as_bytes().to_vec(), "the block is given back as it was");
        let indicators = layout.iter().flatten().filter(|r| matches!(r, Role::Indicator(_))).count();
        let want = if text.is_empty() {
            Some((vec![0.0; 1 << indicators], vec![Vec::new(); *groups]))
        } else {
            naive(layout, &text, *groups)
        };
        match (got, want) {
            (Some(s), Some((total, by))) => {
                prop_assert_eq!(s.records, text.lines().count() as u64);
                for (a, b) in s.total.0.iter().zip(&total) {
                    prop_assert!((a - b).abs() < 1e-9, "total {} vs {}", a, b);
                }
                for (g, list) in by.iter().enumerate() {
                    prop_assert_eq!(s.groups[g].list.len(), list.len());
                    for (key, t) in list {
                        let (_, got) = s.groups[g].list.iter().find(|(k, _)| k == key.as_bytes()).unwrap();
                        prop_assert_eq!(&got.0, t);
                    }
                }
            }
            (None, None) => {}
            (got, want) => prop_assert!(false, "fast {:?} vs slow {:?} on {:?}", got.is_some(), want.is_some(), text),
        }
    }
}

/// A column with two roles, or more indicators than a tally holds: no plan, the general reader reads.
#[test]
fn no_plan_where_the_fast_reader_cannot_go() {
    assert!(Plan::new(&[vec![Role::Indicator(0), Role::Group(0)]]).is_none());
    let many: Vec<Vec<Role>> = (0..17).map(|j| vec![Role::Indicator(j)]).collect();
    assert!(Plan::new(&many).is_none());
    assert!(Plan::new(&many[..16]).is_some());
    assert!(Plan::new(&[]).is_none());
}

/// Blocks cut by position, at any size, put back in order give the file from the start offset: every line
/// whole, in exactly one block. A quote anywhere after the start is reported.
#[test]
fn positional_blocks_hold_every_line_once() {
    use giamngheo_formats::csv_scan::{PositionalBlocks, Positioned};
    if !cfg!(unix) {
        return;
    }
    let dir = std::env::temp_dir().join(format!("giamngheo-positional-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::from("header,a\n");
    let start = text.len() as u64;
    for i in 0..500 {
        // Lines of 1 to 40 bytes, an empty one now and then, and no final newline.
        text += &"x".repeat(i * 7 % 40);
        if i < 499 {
            text.push('\n');
        }
    }
    let cases: &[(&str, String, bool)] = &[
        ("plain", text.clone(), false),
        ("final newline", format!("{text}\n"), false),
        (
            "quoted late",
            text.replacen("xxxx\n", "x\"x\n\"x\n", 1) + "\n",
            true,
        ),
        ("one line", "h\nabc".into(), false),
        ("only the header", "h\n".into(), false),
    ];
    for (name, content, quoted) in cases {
        let path = dir.join(format!("{name}.csv"));
        std::fs::write(&path, content).unwrap();
        let start = if content.starts_with("header") {
            start
        } else {
            2
        };
        for size in [1u64, 2, 3, 7, 40, 41, 64, 1000, 1 << 20] {
            let f = std::fs::File::open(&path).unwrap();
            let blocks = PositionalBlocks::new(f, start, size).unwrap().unwrap();
            let mut got: Vec<(u64, Vec<u8>)> = Vec::new();
            let mut saw_quote = false;
            let mut buf = Vec::new();
            loop {
                match blocks.next(&mut buf).unwrap() {
                    Positioned::Block { index: i, begin } => {
                        let buf = buf[begin..].to_vec();
                        assert!(
                            buf.is_empty()
                                || buf.ends_with(b"\n")
                                || content.as_bytes().ends_with(&buf),
                            "{name} {size}: block {i} ends mid-line"
                        );
                        got.push((i, buf.clone()));
                    }
                    Positioned::Quoted => saw_quote = true,
                    Positioned::Done => break,
                }
            }
            assert_eq!(saw_quote, *quoted, "{name} {size}");
            if !quoted {
                got.sort_by_key(|(i, _)| *i);
                let joined: Vec<u8> = got.into_iter().flat_map(|(_, b)| b).collect();
                assert_eq!(
                    String::from_utf8(joined).unwrap(),
                    content[start as usize..],
                    "{name} {size}"
                );
            }
        }
    }
}
