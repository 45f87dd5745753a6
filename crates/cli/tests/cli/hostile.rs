//! Hostile files through the command line: every one refused with exit 2 and a message naming it, and no
//! output file left behind; small TOML files that are too large or not UTF-8; a closed pipe.

use std::io::Read;
use std::process::{Command, Stdio};

use crate::corpus;
use crate::{giamngheo, on_db, repo, scratch, text, words};

fn refused(args: &[&str], name: &str) {
    let o = giamngheo(args);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    // Vietnamese first, then English, each naming the file.
    let (vi, en) = err.split_once("Error:").unwrap_or(("", ""));
    assert!(vi.contains("Tệp ") && vi.contains(name), "{args:?}: {err}");
    assert!(en.contains("File ") && en.contains(name), "{args:?}: {err}");
}

/// An MPI specification with one dimension of two indicators, `i1` and `i2`, written into `dir`.
fn one_dimension_spec(dir: &std::path::Path) -> std::path::PathBuf {
    let spec = dir.join("spec.toml");
    std::fs::write(
        &spec,
        "[[dimensions]]\nname = \"a\"\nindicators = [\"i1\", \"i2\"]\n",
    )
    .unwrap();
    spec
}

/// `explain` for a rural household of 2024 with 1,200,000 đồng a person a month, its facts in `facts`.
fn explain_2024(facts: &str) -> [&str; 8] {
    [
        "explain",
        "--year",
        "2024",
        "--area",
        "nông thôn",
        "--income",
        "1200000",
        facts,
    ]
}

#[test]
fn every_hostile_file_is_refused_by_every_import_with_exit_2() {
    let dir = scratch("hostile");
    let db = dir.join("r.db");
    let db = db.to_str().unwrap();
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    let mut files = Vec::new();
    for case in corpus::xlsx_cases().into_iter().chain(corpus::csv_cases()) {
        let path = inputs.join(case.name);
        std::fs::write(&path, &case.bytes).unwrap();
        files.push((case.name, path));
    }
    for (name, path) in &files {
        let p = path.to_str().unwrap();
        refused(&on_db(db, "import households", &[p]), name);
        refused(&on_db(db, "import targets", &[p]), name);
        if name.ends_with(".xlsx") {
            refused(&on_db(db, "import reviews", &[p, "--year", "2024"]), name);
        }
    }
    // The registry was never written: no household in it.
    let out = dir.join("export.csv");
    let o = giamngheo(&on_db(
        db,
        "export households --output",
        &[out.to_str().unwrap()],
    ));
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 1);
}

#[test]
fn classify_and_mpi_refuse_hostile_csv_and_leave_no_output() {
    let dir = scratch("hostile-classify");
    let spec = one_dimension_spec(&dir);
    let header = "household_id,area,income_per_capita,employment,dependants,nutrition,health_insurance,adult_education,child_schooling,housing_quality,floor_area,water,sanitation,telecom,information_means";
    let row = "H1,nông thôn,1000000,0,0,0,0,0,0,0,0,0,0,0,0";
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "long.csv",
            format!("{header}\n{row}\nH2,{}\n", "9".repeat(10 << 20)).into_bytes(),
        ),
        (
            "wide.csv",
            format!("{}\n", ",".repeat(1_000_000)).into_bytes(),
        ),
        ("cr.csv", format!("{header}\r{row}\r").into_bytes()),
        ("mpi-long.csv", {
            let mut b = b"id,i1,i2,r\n1,0,1,n\n2,".to_vec();
            b.extend(std::iter::repeat_n(b'0', 10 << 20));
            b.extend_from_slice(b",1,n\n");
            b
        }),
        ("mpi-cr.csv", b"id,i1,i2,r\r1,0,1,n\r2,1,1,s\r".to_vec()),
        ("mpi-latin.csv", b"id,i1,i2,r\n1,0,1,n\xF4ng\n".to_vec()),
    ];
    let spec = spec.to_str().unwrap();
    for (name, bytes) in &cases {
        let input = dir.join(name);
        std::fs::write(&input, bytes).unwrap();
        let out = dir.join(format!("out-{name}"));
        let (i, o) = (input.to_str().unwrap(), out.to_str().unwrap());
        if name.starts_with("mpi-") {
            refused(
                &["mpi", "--spec", spec, "--over", "r", "--output", o, i],
                name,
            );
            refused(
                &["mpi", "--spec", spec, "--over", "r", "--format", "json", i],
                name,
            );
        } else {
            refused(&words("classify --year 2024 --output", &[o, i]), name);
        }
        assert!(!out.exists(), "{name}: no output file");
    }
    // Only the inputs and the spec are left in the folder: no temporary file either.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), cases.len() + 1);
}

#[test]
fn toml_files_too_large_or_not_utf8_exit_2() {
    let dir = scratch("hostile-toml");
    let latin = dir.join("latin.toml");
    std::fs::write(&latin, b"id = \"vn\"\nname_vi = \"Chu\xE2n ngh\xE8o\"\n").unwrap();
    let big = dir.join("big.toml");
    std::fs::write(&big, format!("# {}\n", "x".repeat(2 << 20))).unwrap();
    let (l, b) = (latin.to_str().unwrap(), big.to_str().unwrap());
    for path in [l, b] {
        let name = std::path::Path::new(path).display().to_string();
        refused(
            &[
                "classify",
                "--standard",
                path,
                "samples/households-2024.csv",
            ],
            &name,
        );
        refused(
            &["mpi", "--spec", path, "samples/households-2024.csv"],
            &name,
        );
        refused(
            &["score", "--table", path, "samples/score-answers.csv"],
            &name,
        );
        refused(&explain_2024(path), &name);
    }
    let o = giamngheo(&["classify", "--standard", l, "samples/households-2024.csv"]);
    assert!(text(&o.stderr).contains("dòng 2"), "{}", text(&o.stderr));
}

/// `giamngheo … | head -1`: the reader goes away and the command ends quietly with exit 0.
#[test]
fn a_closed_pipe_ends_every_printing_command_quietly() {
    let cases: &[&[&str]] = &[
        &["standards", "show", "vn-2022-2025"],
        &["standards", "list"],
        &explain_2024("samples/household-facts.toml"),
        &["classify", "--year", "2024", "samples/households-2024.csv"],
    ];
    for args in cases {
        let mut child = Command::new(env!("CARGO_BIN_EXE_giamngheo"))
            .args(*args)
            .current_dir(repo())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Closed before the command writes a byte: its first write meets a closed pipe.
        drop(child.stdout.take());
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// A subgroup value with control characters: JSON stays valid, CSV quotes the bare CR.
#[test]
fn mpi_output_escapes_control_characters() {
    let dir = scratch("hostile-mpi-out");
    let spec = one_dimension_spec(&dir);
    let data = dir.join("d.csv");
    std::fs::write(
        &data,
        "id,r,i1,i2\n1,\"a\rb\",0,1\n2,\"c\u{1}d\",1,1\n3,=cmd,1,0\n",
    )
    .unwrap();
    let (s, d) = (spec.to_str().unwrap(), data.to_str().unwrap());
    let o = giamngheo(&["mpi", "--spec", s, "--over", "r", "--format", "json", d]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let json = text(&o.stdout);
    assert!(json.contains(r#""subgroup": "a\rb""#), "{json}");
    assert!(json.contains(r#""subgroup": "c\u0001d""#), "{json}");
    assert!(
        !json.chars().any(|c| c.is_control() && c != '\n'),
        "raw control characters in {json:?}"
    );
    let o = giamngheo(&["mpi", "--spec", s, "--over", "r", d]);
    let csv = text(&o.stdout);
    assert!(csv.contains(",r,\"a\rb\",H,"), "{csv:?}");
    assert!(csv.contains(",r,'=cmd,H,"), "{csv:?}");
}
