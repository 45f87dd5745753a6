//! Fuzz targets on stable Rust: proptest generates mutations of valid inputs (bytes flipped, set, inserted,
//! deleted, repeated, cut, and the tokens parsers care about), each target runs for `FUZZ_SECONDS` (default
//! 10) and reports executions, crashes and its slowest input. Ignored in the normal suite; `bench/fuzz.sh`
//! runs them one after another and `docs/fuzzing.md` keeps the figures. A crash writes the input to
//! `target/fuzz-crashes/`.
//!
//! Beyond "no panic", two targets are differential: the households and classify readers must give the same
//! answer on one thread and several (blocks cut elsewhere), and the fast indicator reader must give the sums
//! of a plain reading whenever it answers at all.

use std::fmt::Debug;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use giamngheo_core::date::Date;
use giamngheo_core::standard::builtin;
use giamngheo_formats::ClassifyOptions;
use giamngheo_formats::indicator_csv::Plan;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};

/// Tokens that change how a CSV, XML or TOML parser reads what follows.
const TOKENS: &[&[u8]] = &[
    b",",
    b"\"",
    b"\n",
    b"\r",
    b"\r\n",
    b"\xFF",
    b"\xC3",
    b"0",
    b"1",
    b"=",
    b"<",
    b">",
    b"/>",
    b"&amp;",
    b"&#0;",
    b"&#x110000;",
    b"&bogus;",
    b"<![CDATA[",
    b"]]>",
    b"\"\"",
    b"[",
    b"]",
    b"[[",
    b"#",
    b"'",
    b"\\u0000",
    b"9999999999999999999999",
    b"-",
    b".",
    b" ",
    b"\t",
    b"\0",
];

type Ops = Vec<(u8, Index, u8, usize)>;

fn ops() -> impl Strategy<Value = Ops> {
    proptest::collection::vec((0u8..7, any::<Index>(), any::<u8>(), 1usize..48), 1..12)
}

fn mutate(seed: &[u8], ops: &Ops) -> Vec<u8> {
    let mut v = seed.to_vec();
    for (op, at, b, len) in ops {
        let i = if v.is_empty() {
            0
        } else {
            at.index(v.len() + 1)
        };
        match op {
            0 if i < v.len() => v[i] ^= b | 1,
            1 if i < v.len() => v[i] = *b,
            2 => {
                let fill = vec![*b; *len];
                v.splice(i..i, fill);
            }
            3 => {
                let end = (i + len).min(v.len());
                v.drain(i..end);
            }
            4 => {
                let end = (i + len).min(v.len());
                let piece = v[i..end].to_vec();
                v.splice(i..i, piece);
            }
            5 => {
                let t = TOKENS[usize::from(*b) % TOKENS.len()];
                v.splice(i..i, t.iter().copied());
            }
            6 if *len < 4 => v.truncate(i),
            _ => {}
        }
    }
    v
}

fn budget() -> Duration {
    let secs = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(10.0);
    Duration::from_secs_f64(secs)
}

/// Runs `check` on generated values until the time budget is spent; every panic is a crash.
fn fuzz<T: Debug>(target: &str, strategy: impl Strategy<Value = T>, check: impl Fn(&T)) {
    let budget = budget();
    let mut runner = TestRunner::new(Config::default());
    let start = Instant::now();
    let (mut runs, mut crashes) = (0u64, 0u64);
    let mut slowest = Duration::ZERO;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/fuzz-crashes");
    while start.elapsed() < budget {
        let value = strategy.new_tree(&mut runner).unwrap().current();
        let t0 = Instant::now();
        let r = catch_unwind(AssertUnwindSafe(|| check(&value)));
        slowest = slowest.max(t0.elapsed());
        runs += 1;
        if r.is_err() {
            crashes += 1;
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(
                dir.join(format!("{target}-{crashes}.txt")),
                format!("{value:#?}"),
            )
            .unwrap();
        }
    }
    let line = format!(
        "{target}: {runs} executions in {:.0} s, {crashes} crashes, slowest {:.1} ms",
        start.elapsed().as_secs_f64(),
        slowest.as_secs_f64() * 1e3
    );
    eprintln!("{line}");
    if let Ok(report) = std::env::var("FUZZ_REPORT") {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(report)
            .unwrap();
        writeln!(f, "{line}").unwrap();
    }
    assert_eq!(crashes, 0, "{line}; inputs in {}", dir.display());
}

fn today() -> Date {
    Date::new(2026, 12, 5).unwrap()
}

const HOUSEHOLDS: &str = "household_code,commune_code,village,area,address,full_name,relation,sex,birth_date,ethnicity,citizen_id\n\
XH-001,15493,Thôn 1,nông thôn,\"Xóm Đông, \"\"ngõ 3\"\"\",Lê Văn Hùng,Chủ hộ,Nam,02/03/1975,Kinh,038075000111\n\
XH-002,15493,Thôn 2,thành thị,,Trịnh Văn Đức,chủ hộ,nam,1960-11-11,Kinh,\n\
XH-001,15493,Thôn 1,nông thôn,\"Xóm Đông, \"\"ngõ 3\"\"\",Nguyễn Thị Mai,Vợ,Nữ,15/08/1978,Kinh,038178000222\n";

#[test]
#[ignore = "fuzz: run by bench/fuzz.sh for a fixed time"]
fn fuzz_households_csv() {
    let seed = giamngheo_formats::households::read_households_csv(
        HOUSEHOLDS.as_bytes(),
        "seed.csv",
        today(),
        1,
    );
    assert_eq!(seed.map(|h| h.len()), Ok(2));
    fuzz("households_csv", ops(), |ops| {
        let input = mutate(HOUSEHOLDS.as_bytes(), ops);
        let read = |threads| {
            giamngheo_formats::households::read_households_csv(
                input.as_slice(),
                "f.csv",
                today(),
                threads,
            )
        };
        assert_eq!(read(1), read(3), "one thread and three agree");
    });
}

#[test]
#[ignore = "fuzz: run by bench/fuzz.sh for a fixed time"]
fn fuzz_reviews_csv() {
    let header = giamngheo_formats::reviews::EXPORT_COLUMNS.join(",");
    let seed = format!(
        "{header},decided_on\nXH-001,2024,01/10/2024,vn-2022-2025,nông thôn,1200000,,4,\"employment,health_insurance,housing_quality,sanitation\",poor,poor,,15/11/2024\n\
         XH-002,2024,01/10/2024,vn-2022-2025,thành thị,3000000,,0,,not_poor,,,\n"
    );
    let standard = builtin::get("vn-2022-2025").unwrap();
    // The seed itself is read whole: mutations start from a file that reaches every check.
    let mut t = giamngheo_formats::table::read_csv(seed.as_bytes(), "seed.csv").unwrap();
    let read = giamngheo_formats::reviews::read_reviews(&mut t, &standard);
    assert_eq!(read.map(|r| r.len()).map_err(|p| format!("{p:?}")), Ok(2));
    fuzz("reviews_csv", ops(), |ops| {
        let input = mutate(seed.as_bytes(), ops);
        let from_table = giamngheo_formats::table::read_csv(input.as_slice(), "f.csv")
            .map(|mut t| giamngheo_formats::reviews::read_reviews(&mut t, &standard));
        let streamed = giamngheo_formats::table::CsvRows::open(input.as_slice(), "f.csv")
            .map(|mut t| giamngheo_formats::reviews::read_reviews(&mut t, &standard));
        if let (Ok(a), Ok(b)) = (&from_table, &streamed) {
            assert_eq!(a.is_ok(), b.is_ok(), "the table and the stream agree");
        }
    });
}

#[test]
#[ignore = "fuzz: run by bench/fuzz.sh for a fixed time"]
fn fuzz_classify() {
    let seed = include_bytes!("../../../../samples/households-2024.csv");
    let c = giamngheo_core::Classifier::new(builtin::get("vn-2022-2025").unwrap());
    fuzz("classify", ops(), |ops| {
        let input = mutate(seed, ops);
        let run = |threads, block_size| {
            let mut out = Vec::new();
            let opts = ClassifyOptions {
                threads,
                block_size,
                ..ClassifyOptions::default()
            };
            giamngheo_formats::classify(input.as_slice(), "f.csv", &mut out, &c, opts)
                .map(|s| (out, s.households))
        };
        let one = run(1, 1 << 20);
        let many = run(3, 64);
        match (&one, &many) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "one block and many agree"),
            (Err(a), Err(b)) => assert_eq!(a, b, "the same first problem"),
            _ => panic!("one block {one:?}, many {many:?}"),
        }
    });
}

#[test]
#[ignore = "fuzz: run by bench/fuzz.sh for a fixed time"]
fn fuzz_indicator_csv() {
    use giamngheo_formats::indicator_csv::Role::*;
    let layouts = super::indicator_csv::layouts();
    let seeds: Vec<String> = [
        "0,1,north,1.5,0,1,x\n1,1,south,2,0,0,y\n0,0,north,.25,1,1,z\n",
        "1,0,b,7.,1,0,2019\n0,0,seven77,0.125,0,0,\n",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let layout = vec![
        vec![Indicator(0)],
        vec![Indicator(1)],
        vec![Group(0)],
        vec![Weight],
        vec![Indicator(2)],
        vec![Indicator(3)],
        vec![],
    ];
    fuzz(
        "indicator_csv",
        (0usize..seeds.len(), 0usize..=layouts.len(), ops()),
        |(s, which, ops)| {
            let (layout, groups) = match layouts.get(*which) {
                Some((_, l, g)) => (l.clone(), *g),
                None => (layout.clone(), 1),
            };
            // The seed's lines are cut or padded to the layout's width, then mutated.
            let seed: String = seeds[*s]
                .lines()
                .map(|l| {
                    let mut f: Vec<&str> = l.split(',').collect();
                    f.resize(layout.len(), "1");
                    f.join(",") + "\n"
                })
                .collect();
            let text = mutate(seed.as_bytes(), ops);
            let plan = Plan::new(&layout).unwrap();
            let mut block = text.clone();
            let got = plan.sum(&mut block, 0);
            assert_eq!(block, text, "the block is given back as it was");
            let Some(got) = got else { return };
            // A CR may end a column nobody reads; the plain reading refuses every CR. An empty block has
            // nothing to sum.
            if text.is_empty() || text.contains(&b'\r') {
                return;
            }
            let plain = String::from_utf8(text.clone())
                .ok()
                .and_then(|t| super::indicator_csv::naive(&layout, &t, groups));
            let Some((total, by)) = plain else {
                panic!("the fast reader summed what the plain reading refuses: {text:?}");
            };
            assert_eq!(got.total.0, total, "{text:?}");
            for (g, list) in by.iter().enumerate() {
                assert_eq!(got.groups[g].list.len(), list.len(), "{text:?}");
                for (key, t) in list {
                    let (_, tally) = got.groups[g]
                        .list
                        .iter()
                        .find(|(k, _)| k == key.as_bytes())
                        .unwrap();
                    assert_eq!(&tally.0, t, "{text:?}");
                }
            }
        },
    );
}

#[test]
#[ignore = "fuzz: run by bench/fuzz.sh for a fixed time"]
fn fuzz_xlsx() {
    use crate::corpus;
    let written = {
        let path = std::env::temp_dir().join(format!("giamngheo-fuzz-{}.xlsx", std::process::id()));
        let rows = crate::households::sample_rows();
        giamngheo_formats::households::write_households_xlsx(&path, &rows).unwrap();
        let b = std::fs::read(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        b
    };
    let seeds = [
        corpus::valid_workbook(true),
        corpus::valid_workbook(false),
        written,
    ];
    let sheet = corpus::sheet_xml(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>a &amp; b</t></is></c><c r="B1" t="s"><v>0</v></c></row><row r="2"><c r="A2"><v>1.5</v></c><c r="C2" t="b"><v>1</v></c><c r="D2" s="1"><v>45000</v></c></row>"#,
    );
    fuzz("xlsx", (0usize..seeds.len() + 2, ops()), |(which, ops)| {
        let bytes = match seeds.get(*which) {
            // A whole workbook's bytes mutated: the archive, its deflated parts, the directory.
            Some(seed) => mutate(seed, ops),
            // Valid archives around mutated XML, stored or deflated.
            None => {
                corpus::workbook_with_sheet(&mutate(sheet.as_bytes(), ops), *which == seeds.len())
            }
        };
        let _ = giamngheo_formats::xlsx::read_workbook(std::io::Cursor::new(bytes), "f.xlsx");
    });
}

#[test]
#[ignore = "fuzz: run by bench/fuzz.sh for a fixed time"]
fn fuzz_standard_toml() {
    let seeds = [
        include_str!("../../../../standards/vn-2022-2025.toml"),
        include_str!("../../../../standards/vn-2016-2020.toml"),
    ];
    fuzz("standard_toml", (0usize..2, ops()), |(s, ops)| {
        let text = mutate(seeds[*s].as_bytes(), ops);
        let text = String::from_utf8_lossy(&text);
        let _ = giamngheo_core::Standard::from_toml(&text, "f.toml");
    });
}

#[test]
#[ignore = "fuzz: run by bench/fuzz.sh for a fixed time"]
fn fuzz_mpi_spec_toml() {
    let seed = "[[dimensions]]\nname = \"education\"\nindicators = [\"i1\", \"i2\"]\nweights = [0.5, 0.5]\n[[dimensions]]\nname = \"living\"\nindicators = [\"i3\", \"i4\", \"i5\"]\n";
    fuzz("mpi_spec_toml", ops(), |ops| {
        let text = mutate(seed.as_bytes(), ops);
        let text = String::from_utf8_lossy(&text);
        let _ = giamngheo_core::mpi::MpiSpec::from_toml(&text);
    });
}
