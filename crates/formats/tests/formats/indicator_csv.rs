use giamngheo_core::mpi::Decimal;
use giamngheo_formats::indicator_csv::{Plan, Role, plain_weight, word_weight};

/// A weight's text as the fast reader sees it: a word of its first bytes (zeros past its end) and its
/// length, for `word_weight`; `None` past 7 bytes.
fn weight_word(text: &[u8]) -> Option<(u64, usize)> {
    (text.len() < 8).then(|| {
        let mut b = [0u8; 8];
        b[..text.len()].copy_from_slice(text);
        (u64::from_le_bytes(b), text.len())
    })
}
use proptest::prelude::*;

/// The word reader of weights against `str::parse`, and what it leaves to the general reader (`None`).
#[test]
fn weights_read_from_a_word_equal_the_standard_parse() {
    let read = |t: &str| {
        weight_word(t.as_bytes())
            .and_then(|(x, len)| word_weight(x, len))
            .map(Decimal::value)
    };
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
        assert_eq!(
            plain_weight(text.as_bytes()).map(Decimal::value),
            *want,
            "{text:?}"
        );
        if let Some(w) = want {
            assert_eq!(text.parse::<f64>().ok(), Some(*w), "{text:?}");
        }
    }
    // Longer than a word: the byte reader, up to 15 digits.
    let long = |t: &[u8]| plain_weight(t).map(Decimal::value);
    assert_eq!(long(b"12345.678901"), Some(12345.678901));
    assert_eq!(long(b"1234567890.12345"), Some(1234567890.12345));
    assert_eq!(long(b"1234567890.123456"), None);
    // In a tally's units (10^-15), exactly; a weight of 10^9 or more is left to the general reader.
    let units = |t: &[u8]| plain_weight(t).and_then(Decimal::units);
    assert_eq!(units(b"1.5"), Some(1_500_000_000_000_000));
    assert_eq!(units(b".000000000000001"), Some(1));
    assert_eq!(
        units(b"999999999.999999"),
        Some(999_999_999_999_999_000_000_000)
    );
    assert_eq!(units(b"1000000000"), None);
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
        prop_assert_eq!(word_weight(x, len).map(Decimal::value), text.parse::<f64>().ok());
        prop_assert_eq!(plain_weight(text.as_bytes()).map(Decimal::value), text.parse::<f64>().ok());
    }

    /// Random bytes in a word: read only when `str::parse` reads them the same way and they are plain.
    #[test]
    fn any_word_is_read_as_parse_does_or_left(bytes in proptest::collection::vec(prop_oneof![Just(b'.'), Just(b','), b'0'..=b'9', any::<u8>()], 0..8)) {
        let (x, len) = weight_word(&bytes).unwrap();
        if let Some(w) = word_weight(x, len) {
            let text = std::str::from_utf8(&bytes).unwrap();
            prop_assert_eq!(text.parse::<f64>().ok(), Some(w.value()));
            prop_assert!(bytes.iter().all(|b| b.is_ascii_digit() || *b == b'.'));
        }
    }
}

/// Sums of weights per pattern and per subgroup, the slow way, for comparison: `None` when a line is not
/// plain (what the fast reader must also refuse). Weights in a tally's units (10^-15).
pub(crate) type Cells = Vec<u128>;

pub(crate) fn naive(
    roles: &[Vec<Role>],
    text: &str,
    groups: usize,
) -> Option<(Cells, Vec<Vec<(String, Cells)>>)> {
    let indicators = roles
        .iter()
        .flatten()
        .filter(|r| matches!(r, Role::Indicator(_)))
        .count();
    let mut total = vec![0u128; 1 << indicators];
    let mut by: Vec<Vec<(String, Cells)>> = vec![Vec::new(); groups];
    if !text.ends_with('\n') || text.contains(['\r', '"']) {
        return None;
    }
    for line in text.lines() {
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() != roles.len() {
            return None;
        }
        let (mut mask, mut w) = (0usize, 1_000_000_000_000_000u128);
        let mut keys = vec![String::new(); groups];
        for (f, r) in fields.iter().zip(roles) {
            match r.first() {
                Some(Role::Indicator(j)) => match *f {
                    "0" => {}
                    "1" => mask |= 1 << j,
                    _ => return None,
                },
                Some(Role::Weight) => w = plain_weight(f.as_bytes())?.units()?,
                Some(Role::Group(g)) => {
                    // What the general reader would trim: spaces and control bytes at either end.
                    if f.is_empty() || !f.is_ascii() || f.trim_matches(|c: char| c <= ' ') != *f {
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
                    list.push((key, vec![0; 1 << indicators]));
                    list.len() - 1
                }
            };
            list[i].1[mask] += w;
        }
    }
    Some((total, by))
}

/// Layouts: which role each column has, in order.
pub(crate) fn layouts() -> Vec<(&'static str, Vec<Vec<Role>>, usize)> {
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
            prop_oneof![
                Just("north".to_string()),
                Just("south".to_string()),
                Just("central highlands".to_string()),
                Just("b".to_string()),
                Just("seven77".to_string()),
                Just("eight888".to_string()),
                // Many values: more than the hashed table's 64 slots, so some share a slot.
                (0u32..150).prop_map(|n| format!("v{n}")),
            ],
            prop_oneof![Just("2019"), Just("note that is long"), Just("")],
        ), 0..40),
        odd in proptest::option::weighted(0.3, (any::<prop::sample::Index>(), any::<prop::sample::Index>(), prop_oneof![Just("2"), Just(""), Just(" x"), Just("x\u{b}"), Just("1e3"), Just("x\"y"), Just("1000000000")])),
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
        // A CR before each line break is the general reader's to read, unless it ends a column nobody reads
        // (the third layout has none such): then the fast reader may read the lines as they are.
        let want = if text.is_empty() {
            Some((vec![0; 1 << indicators], vec![Vec::new(); *groups]))
        } else if crlf {
            naive(layout, &text.replace('\r', ""), *groups)
        } else {
            naive(layout, &text, *groups)
        };
        match (got, want) {
            (Some(s), Some((total, by))) => {
                prop_assert_eq!(s.records, text.lines().count() as u64);
                prop_assert_eq!(&s.total.0, &total);
                for (g, list) in by.iter().enumerate() {
                    prop_assert_eq!(s.groups[g].list.len(), list.len());
                    for (key, t) in list {
                        let (_, got) = s.groups[g].list.iter().find(|(k, _)| k == key.as_bytes()).unwrap();
                        prop_assert_eq!(&got.0, t);
                    }
                }
            }
            (None, None) => {}
            (None, Some(_)) if crlf => {}
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
/// whole, in exactly one block. A quote anywhere after the start, or a file that changed size since the
/// blocks were planned, sends the reader back to reading in order.
#[cfg(unix)]
#[test]
fn positional_blocks_hold_every_line_once() {
    use giamngheo_formats::csv_scan::{PositionalBlocks, Positioned, SharedBlocks};
    let dir = std::env::temp_dir().join(format!("giamngheo-positional-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::from("header,a\n");
    let start = text.len() as u64;
    for i in 0..500 {
        // Lines of 0 to 39 bytes, and no final newline.
        text += &"x".repeat(i * 7 % 40);
        if i < 499 {
            text.push('\n');
        }
    }
    let late = text.rfind("xxxx\n").unwrap();
    let quoted_late = format!("{}x\"x\n\"x\n{}", &text[..late], &text[late + 5..]);
    let cases: &[(&str, String, bool)] = &[
        ("plain", text.clone(), false),
        ("final newline", format!("{text}\n"), false),
        ("quoted late", quoted_late, true),
        ("one line", "h\nabc".into(), false),
        ("only the header", "h\n".into(), false),
    ];
    let read_all = |blocks: &PositionalBlocks| {
        let mut got: Vec<(u64, Vec<u8>)> = Vec::new();
        let mut in_order = false;
        let mut buf = Vec::new();
        loop {
            match blocks.next(&mut buf).unwrap() {
                Positioned::Block { index, begin } => got.push((index, buf[begin..].to_vec())),
                Positioned::InOrder => in_order = true,
                Positioned::Done => break,
            }
        }
        got.sort_by_key(|(i, _)| *i);
        (got, in_order)
    };
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
            let blocks = PositionalBlocks::new(f, start, size).unwrap();
            let (got, in_order) = read_all(&blocks);
            assert_eq!(in_order, *quoted, "{name} {size}");
            if !quoted {
                for (i, b) in &got {
                    assert!(
                        b.is_empty() || b.ends_with(b"\n") || content.as_bytes().ends_with(b),
                        "{name} {size}: block {i} ends mid-line"
                    );
                }
                let joined: Vec<u8> = got.into_iter().flat_map(|(_, b)| b).collect();
                assert_eq!(
                    String::from_utf8(joined).unwrap(),
                    content[start as usize..],
                    "{name} {size}"
                );
            }
        }
    }
    // The file grows, or shrinks, after the blocks were planned.
    for (name, change) in [("grown", "\nmore,1\n"), ("shrunk", "")] {
        let path = dir.join(format!("{name}.csv"));
        std::fs::write(&path, &text).unwrap();
        let blocks = PositionalBlocks::new(std::fs::File::open(&path).unwrap(), start, 64).unwrap();
        if change.is_empty() {
            std::fs::write(&path, &text[..text.len() / 2]).unwrap();
        } else {
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .unwrap();
            std::io::Write::write_all(&mut f, change.as_bytes()).unwrap();
        }
        assert!(read_all(&blocks).1, "{name}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Where a block may be cut: after the last line break outside a quoted field, quotes read as the scanner
/// reads them.
#[test]
fn blocks_are_cut_after_the_last_line_break_outside_quotes() {
    use giamngheo_formats::csv_scan::last_boundary;
    let cases: &[(&str, Option<usize>)] = &[
        ("a,b\nc,d\ne", Some(8)),
        ("a,b", None),
        ("a,\"x\ny\"\n", Some(8)),
        ("a,\"x\ny", None),
        // A doubled quote inside a quoted field is a quote: the field goes on.
        ("a,\"x\"\"\ny\"\nz", Some(10)),
        // A quote inside an unquoted field is text: the line break after it ends the record.
        ("a,12\" screen\nb,c\n", Some(17)),
        ("a,5\"\nb,\"x\ny\"\n", Some(13)),
        ("\"q\"\n", Some(4)),
        ("x\n\"open\nstill", Some(2)),
    ];
    for (text, want) in cases {
        assert_eq!(last_boundary(text.as_bytes()), *want, "{text:?}");
    }
}
