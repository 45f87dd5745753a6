//! `giamngheo mpi` from the command line: output rows, subgroups, and the errors of issue 5.

use crate::{assert_refused, giamngheo, refuses, scratch, text, words};

const SPEC: &str = "[[dimensions]]\nname = \"education\"\nindicators = [\"i1\", \"i2\"]\n[[dimensions]]\nname = \"living\"\nindicators = [\"i3\", \"i4\"]\n";
const DATA: &str = "id,region,w,i1,i2,i3,i4\n1,north,1,0,0,0,0\n2,north,1,1,0,0,1\n3,south,1,1,1,1,1\n4,south,1,0,0,0,1\n";

#[test]
fn mpi_rows_for_the_population_and_subgroups() {
    let dir = scratch("mpi");
    let spec = dir.join("spec.toml");
    let data = dir.join("data.csv");
    std::fs::write(&spec, SPEC).unwrap();
    std::fs::write(&data, DATA).unwrap();
    let (s, d) = (spec.to_str().unwrap(), data.to_str().unwrap());
    let o = giamngheo(&[
        "mpi", "--spec", s, "--k", "33", "--over", "region", "--weight", "w", d,
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "k,over,subgroup,measure,indicator,value");
    assert_eq!(
        &lines[1..4],
        ["33,,,H,,0.5", "33,,,A,,0.75", "33,,,M0,,0.375"]
    );
    assert!(lines.contains(&"33,,,pctb,i1,0.3333333333333333"), "{out}");
    assert!(lines.contains(&"33,region,north,H,,0.5"), "{out}");
    assert!(lines.contains(&"33,region,south,M0,,0.5"), "{out}");
    // 1 + 3 + 16 rows for the population, the same for each of two subgroups.
    assert_eq!(lines.len(), 1 + 3 * 19);
    let json = giamngheo(&["mpi", "--spec", s, "--format", "json", d]);
    assert!(text(&json.stdout).contains("{\"k\": 33, \"over\": \"\", \"subgroup\": \"\", \"measure\": \"H\", \"indicator\": \"\", \"value\": 0.5},"));
}

#[test]
fn mpi_errors_exit_2_and_name_the_problem() {
    let dir = scratch("mpi-bad");
    let spec = dir.join("spec.toml");
    let bad_spec = dir.join("bad.toml");
    let data = dir.join("data.csv");
    let bad_data = dir.join("bad.csv");
    std::fs::write(&spec, SPEC).unwrap();
    std::fs::write(
        &bad_spec,
        "[[dimensions]]\nname = \"a\"\nindicators = [\"i1\", \"i2\"]\nweights = [0.5, 0.6]\n",
    )
    .unwrap();
    std::fs::write(&data, DATA).unwrap();
    std::fs::write(
        &bad_data,
        DATA.replace("3,south,1,1,1,1,1", "3,south,1,1,2,1,1"),
    )
    .unwrap();
    let (s, bs, d, bd) = (
        spec.to_str().unwrap(),
        bad_spec.to_str().unwrap(),
        data.to_str().unwrap(),
        bad_data.to_str().unwrap(),
    );
    for (args, expect) in [
        (vec!["mpi", "--spec", bs, d], "the weights sum to 1.1"),
        (
            vec!["mpi", "--spec", s, "--over", "province", d],
            "column province: the column is missing",
        ),
        (
            vec!["mpi", "--spec", s, bd],
            "row 4, column i2 (E): '2' is not valid",
        ),
        (
            vec!["mpi", "--spec", s, "--k", "0", d],
            "0 is not in 1..=100",
        ),
        (
            vec!["mpi", "--spec", s, "--k", "101", d],
            "101 is not in 1..=100",
        ),
    ] {
        let o = giamngheo(&args);
        assert_refused(&o, expect, &args);
    }
}

/// `n` generated households: `id,region,w,i1,i2,i3,i4` (regions r0-r2 in turn, the weight of line i as
/// `weight` writes it, indicators by a fixed rule), with a last column `note` of `x` when asked.
fn households_csv(n: usize, weight: impl Fn(usize) -> String, note: bool) -> String {
    let mut csv = String::from(if note {
        "id,region,w,i1,i2,i3,i4,note\n"
    } else {
        "id,region,w,i1,i2,i3,i4\n"
    });
    for i in 0..n {
        let d =
            |k: usize| usize::from((i * 7 + k * 3).is_multiple_of(5) || (i + k).is_multiple_of(11));
        csv.push_str(&format!(
            "{i},r{},{},{},{},{},{}{}\n",
            i % 3,
            weight(i),
            d(1),
            d(2),
            d(3),
            d(4),
            if note { ",x" } else { "" }
        ));
    }
    csv
}

#[test]
fn mpi_over_many_blocks_names_the_row_of_a_late_problem() {
    let dir = scratch("mpi-big");
    let spec = dir.join("spec.toml");
    std::fs::write(&spec, SPEC).unwrap();
    let n = 60_000;
    let csv = households_csv(n, |_| "1".into(), false);
    assert!(csv.len() > 1 << 20, "more than one block");
    let data = dir.join("data.csv");
    std::fs::write(&data, &csv).unwrap();
    let o = giamngheo(&[
        "mpi",
        "--spec",
        spec.to_str().unwrap(),
        "--over",
        "region",
        data.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    // The weighted mean over all rows equals the mean of the subgroup means weighted by their sizes.
    let value = |over: &str, sub: &str, measure: &str| -> f64 {
        out.lines()
            .find(|l| l.starts_with(&format!("33,{over},{sub},{measure},,")))
            .unwrap()
            .rsplit(',')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let h = value("", "", "H");
    let hs = (value("region", "r0", "H") * 20_000.0
        + value("region", "r1", "H") * 20_000.0
        + value("region", "r2", "H") * 20_000.0)
        / 60_000.0;
    assert!((h - hs).abs() < 1e-12, "{h} vs {hs}");
    let bad = csv.replace(&format!("{},r2,1,", n - 1), &format!("{},r2,x,", n - 1));
    let bad_path = dir.join("bad.csv");
    std::fs::write(&bad_path, bad).unwrap();
    let o = giamngheo(&[
        "mpi",
        "--spec",
        spec.to_str().unwrap(),
        "--weight",
        "w",
        bad_path.to_str().unwrap(),
    ]);
    assert_refused(&o, &format!("row {}, column w (C)", n + 1), "-");
}

/// Agreement with the mpitb Python package, measure by measure and for the change over time, to 1e-9
/// (`bench/mpi_vs_mpitb.py` on 20,000 generated households). Skipped, saying why, where mpitb is missing.
#[test]
fn agrees_with_mpitb_when_it_is_installed() {
    let probe = std::process::Command::new("python3")
        .args(["-c", "import mpitb, pandas, numpy"])
        .output();
    match probe {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            skipped(&format!(
                "python3 cannot import mpitb (pip install mpitb): {}",
                String::from_utf8_lossy(&o.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            ));
            return;
        }
        Err(e) => {
            skipped(&format!("python3 is not available: {e}"));
            return;
        }
    }
    let o = std::process::Command::new("python3")
        .arg(crate::repo().join("bench/mpi_vs_mpitb.py"))
        .args([
            "20000",
            "--runs",
            "1",
            "--binary",
            env!("CARGO_BIN_EXE_giamngheo"),
        ])
        .output()
        .unwrap();
    let out = crate::text(&o.stdout);
    assert!(o.status.success(), "{out}{}", crate::text(&o.stderr));
    assert!(out.contains("unmatched=0"), "{out}");
    assert!(
        out.contains("change over time 2019-2023: measures compared=18"),
        "{out}"
    );
}

#[test]
fn change_over_time_between_two_years_and_its_errors() {
    let dir = scratch("mpi-time");
    let spec = dir.join("spec.toml");
    let data = dir.join("data.csv");
    std::fs::write(&spec, SPEC).unwrap();
    // The four people of 2019, and in 2023 the third person is deprived in two indicators only.
    let later = "5,north,1,0,0,0,0,2023\n6,north,1,1,0,0,1,2023\n7,south,1,1,1,0,0,2023\n8,south,1,0,0,0,1,2023\n";
    let body: String = DATA
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l},year\n")
            } else {
                format!("{l},2019\n")
            }
        })
        .collect();
    std::fs::write(&data, format!("{body}{later}")).unwrap();
    let (s, d) = (spec.to_str().unwrap(), data.to_str().unwrap());
    let o = giamngheo(&["mpi", "--spec", s, "--k", "50", "--time", "year", d]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let value = |sub: &str, measure: &str| -> f64 {
        out.lines()
            .find(|l| l.starts_with(&format!("50,year,{sub},{measure},,")))
            .unwrap_or_else(|| panic!("{sub} {measure}: {out}"))
            .rsplit(',')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    // k = 50: in 2019 two of four are poor with scores 1/2 and 1 (M0 = 3/8); in 2023 two with 1/2 (M0 = 1/4).
    assert!((value("2019", "M0") - 0.375).abs() < 1e-12, "{out}");
    assert!((value("2023", "M0") - 0.25).abs() < 1e-12, "{out}");
    assert!((value("2019-2023", "M0_abs") + 0.125).abs() < 1e-12);
    assert!((value("2019-2023", "M0_abs_ann") + 0.03125).abs() < 1e-12);
    assert!((value("2019-2023", "M0_rel") + 100.0 / 3.0).abs() < 1e-9);
    let ann_rel = 100.0 * ((0.25f64 / 0.375).powf(0.25) - 1.0);
    assert!((value("2019-2023", "M0_rel_ann") - ann_rel).abs() < 1e-9);
    for (args, expect) in [
        (
            vec!["--time", "year", "--change", "2019-2020"],
            "no rows for 2019 or 2020",
        ),
        (vec!["--time", "region"], "needs at least two years"),
        (vec!["--time", "nam"], "column nam"),
    ] {
        let mut all = vec!["--lang", "en", "mpi", "--spec", s];
        all.extend(args);
        all.push(d);
        refuses(&all, expect);
    }
}

/// The same households written in the ways files come: the column-by-column reader and the general reader
/// must give the same measures, whichever takes a block.
#[test]
fn mpi_reads_the_same_measures_from_every_shape_of_the_same_file() {
    let dir = scratch("mpi-shapes");
    let spec = dir.join("spec.toml");
    std::fs::write(&spec, SPEC).unwrap();
    let crlf = DATA.replace('\n', "\r\n");
    let blank_lines = DATA
        .replace("\n2,", "\n\n2,")
        .replace("\n4,", "\n,,,,,,\n4,");
    let extra_column = DATA
        .lines()
        .enumerate()
        .map(|(i, l)| format!("{l},{}\n", if i == 0 { "note" } else { "x" }))
        .collect::<String>();
    let no_final_newline = DATA.trim_end().to_owned();
    let quoted = DATA.replace("north", "\"north\"");
    let run = |name: &str, content: &str| {
        let f = dir.join(name);
        std::fs::write(&f, content).unwrap();
        let o = giamngheo(&[
            "mpi",
            "--spec",
            spec.to_str().unwrap(),
            "--k",
            "33",
            "--k",
            "50",
            "--over",
            "region",
            "--weight",
            "w",
            f.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{name}: {}", text(&o.stderr));
        text(&o.stdout)
    };
    let want = run("plain.csv", DATA);
    for (name, content) in [
        ("crlf.csv", crlf.as_str()),
        ("blank.csv", blank_lines.as_str()),
        ("extra.csv", extra_column.as_str()),
        ("no-final-newline.csv", no_final_newline.as_str()),
        ("quoted.csv", quoted.as_str()),
    ] {
        assert_eq!(run(name, content), want, "{name}");
    }
    // Four indicators in a row, not last on the line, are read as one word: a bad one among them is still
    // named by row and column.
    let bad = dir.join("bad-word.csv");
    std::fs::write(
        &bad,
        extra_column.replace("\n2,north,1,1,0,", "\n2,north,1,1,7,"),
    )
    .unwrap();
    let o = giamngheo(&words(
        "--lang en mpi --spec",
        &[spec.to_str().unwrap(), bad.to_str().unwrap()],
    ));
    assert_refused(&o, "row 3, column i2", "-");
}

/// A file of several megabytes is read by position on every core; from standard input, in order; with a
/// quoted field that holds a line break late in the file, in order again after the first block. The file and
/// the pipe give the same output to the last digit; with the quote, the measures are the same to 1e-12 (the
/// quoted block is added in floating point); a late problem is named by the same row in every case.
#[test]
fn mpi_reads_a_large_file_by_position_from_a_pipe_and_with_quotes_alike() {
    let dir = scratch("mpi-positional");
    let spec = dir.join("spec.toml");
    std::fs::write(&spec, SPEC).unwrap();
    let n = 150_000;
    let csv = households_csv(n, |i| format!("{}.{}", 1 + i % 4, i % 1000), true);
    assert!(csv.len() > 3 << 20, "several blocks");
    // A quoted line break in the first block (read in order) and one late in the file, the 100,000th line's
    // note (which sends the readers by position back to reading in order).
    let quoted = csv.replacen(",x\n", ",\"two\nlines\"\n", 1);
    let at = quoted.match_indices(",x\n").nth(100_000).unwrap().0;
    let quoted = format!(
        "{},\"a \"\"note\"\"\nover lines\"\n{}",
        &quoted[..at],
        &quoted[at + 3..]
    );
    let run = |name: &str, content: &str, stdin: bool| {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        let mut args = vec![
            "--lang",
            "en",
            "mpi",
            "--spec",
            spec.to_str().unwrap(),
            "--k",
            "50",
            "--over",
            "region",
            "--weight",
            "w",
        ];
        if stdin {
            args.push("-");
            let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_giamngheo"))
                .args(&args)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let mut input = child.stdin.take().unwrap();
            let bytes = content.as_bytes().to_vec();
            let writer = std::thread::spawn(move || {
                let _ = std::io::Write::write_all(&mut input, &bytes);
            });
            let o = child.wait_with_output().unwrap();
            writer.join().unwrap();
            o
        } else {
            args.push(path.to_str().unwrap());
            giamngheo(&args)
        }
    };
    let values = |o: &std::process::Output| -> Vec<(String, f64)> {
        assert!(o.status.success(), "{}", text(&o.stderr));
        text(&o.stdout)
            .lines()
            .skip(1)
            .map(|l| {
                let (key, v) = l.rsplit_once(',').unwrap();
                (key.to_owned(), v.parse().unwrap())
            })
            .collect()
    };
    // The plan's sums are exact: the same lines give the same digits however the file was cut into blocks.
    let by_position = run("plain.csv", &csv, false);
    assert_eq!(
        text(&run("piped.csv", &csv, true).stdout),
        text(&by_position.stdout)
    );
    assert_eq!(
        text(&run("quoted.csv", &quoted, false).stdout),
        text(&run("quoted-piped.csv", &quoted, true).stdout)
    );
    let want = values(&by_position);
    assert!(want.len() > 20);
    for (name, content, stdin) in [
        ("piped.csv", csv.as_str(), true),
        ("quoted.csv", quoted.as_str(), false),
        ("quoted-piped.csv", quoted.as_str(), true),
    ] {
        let got = values(&run(name, content, stdin));
        assert_eq!(got.len(), want.len(), "{name}");
        for ((k1, v1), (k2, v2)) in got.iter().zip(&want) {
            assert_eq!(k1, k2, "{name}");
            assert!((v1 - v2).abs() < 1e-12, "{name} {k1}: {v1} vs {v2}");
        }
    }
    // A bad weight on the line of id 140000: row 140,002 of the file (the header is row 1), counted the
    // same by position, in order, and with a quoted line break before it (one row over two lines).
    let bad = |content: &str| content.replacen("\n140000,r2,", "\n140000,r2,x", 1);
    for (name, content, stdin) in [
        ("bad.csv", bad(&csv), false),
        ("bad-piped.csv", bad(&csv), true),
        ("bad-quoted.csv", bad(&quoted), false),
    ] {
        let o = run(name, &content, stdin);
        assert_refused(&o, "row 140002, column w (C)", name);
    }
}

/// Says on the real standard error, past the test harness's capture, that a test did not run and why.
fn skipped(why: &str) {
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED agrees_with_mpitb_when_it_is_installed: {why}"
    );
}
