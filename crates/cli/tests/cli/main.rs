//! The command line, run as a user runs it: the real binary, real files, exit codes and messages.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod accounts;
mod audit;
#[path = "../../../formats/tests/formats/corpus.rs"]
mod corpus;
mod forecast;
mod hostile;
mod mpi;
mod postgres;
mod registry;
mod report;
mod rounds;
mod same_tables;
mod sync;
mod sync_province;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn giamngheo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_giamngheo"))
        .args(args)
        .current_dir(repo())
        .output()
        .unwrap()
}

/// Runs the command with `input` on its standard input (a password, a CSV stream), then closes it.
fn giamngheo_fed(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_giamngheo"))
        .args(args)
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// The words of `command` (split at spaces), then `rest` as they are: one call as a user types it.
fn words<'a>(command: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args: Vec<&str> = command.split_whitespace().collect();
    args.extend_from_slice(rest);
    args
}

/// `words` against the database `db`.
fn on_db<'a>(db: &'a str, command: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["--db", db];
    args.extend(words(command, rest));
    args
}

/// The call `call` exited with code 2, the code of bad input, and its message says `expect`.
#[track_caller]
fn assert_refused(o: &Output, expect: &str, call: impl std::fmt::Debug) {
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{call:?}: {err}");
    assert!(err.contains(expect), "{call:?}: {err}");
}

/// The call `args` is refused (exit 2) with a message saying `expect`.
fn refuses(args: &[&str], expect: &str) {
    assert_refused(&giamngheo(args), expect, args);
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("giamngheo-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn classify_writes_the_output_file_and_a_summary() {
    let dir = scratch("ok");
    let out = dir.join("ket-qua.csv");
    let o = giamngheo(&words(
        "classify --year 2024 --output",
        &[out.to_str().unwrap(), "samples/households-2024.csv"],
    ));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(
        written.starts_with("household_id,deprivations,class,reason\nTX-XH-001,4,poor,"),
        "{written}"
    );
    assert_eq!(written.lines().count(), 13);
    let err = text(&o.stderr);
    assert!(
        err.contains("Đã phân loại 12 hộ theo chuẩn vn-2022-2025: 6 hộ nghèo, 2 hộ cận nghèo"),
        "{err}"
    );
    assert!(err.contains("chưa xác minh"), "{err}");
    // Nothing but the result is left in the folder.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
}

#[test]
fn classify_reads_standard_input_and_writes_standard_output_in_english() {
    let header = "household_id,area,income_per_capita,health_access,health_insurance,adult_education,child_schooling,housing_quality,floor_area,water,sanitation,telecom,information_assets";
    let input = format!("{header}\nX,urban,900000,0,0,0,0,0,0,0,0,0,0\n");
    let o = giamngheo_fed(
        &[
            "--lang",
            "en",
            "classify",
            "--standard",
            "vn-2016-2020",
            "-q",
        ],
        &input,
    );
    assert!(o.status.success());
    assert_eq!(
        text(&o.stdout),
        "household_id,deprivations,class,reason\nX,0,poor,\"income VND 900,000 ≤ poverty line urban VND 900,000\"\n"
    );
    assert_eq!(text(&o.stderr), "");
}

/// (arguments, file content or None, expected exit code, texts expected on standard error)
type ErrorCase<'a> = (Vec<&'a str>, Option<String>, i32, Vec<&'a str>);

#[test]
fn errors_exit_with_a_code_a_bilingual_message_and_no_output_file() {
    let dir = scratch("bad");
    let header = std::fs::read_to_string(repo().join("samples/households-2024.csv")).unwrap();
    let header = header.lines().next().unwrap().to_owned();
    let cases: Vec<ErrorCase> = vec![
        (
            vec!["classify", "--standard", "vn-2099"],
            Some(format!("{header}\n")),
            2,
            vec![
                "Không có chuẩn nghèo 'vn-2099'",
                "No standard 'vn-2099'. Built-in standards: vn-2016-2020",
            ],
        ),
        (
            vec!["classify", "--year", "2031"],
            Some(format!("{header}\n")),
            2,
            vec!["năm rà soát 2031", "No standard governs review year 2031"],
        ),
        (
            vec!["classify", "--year", "2024"],
            Some(format!(
                "{header}\nA,rural,1000000,0,0,0,0,0,0,0,0,0,0,0,0\nB,rural,1000000,0,0,0,0,0,0,0,0,0,0,0,yes\n"
            )),
            2,
            vec![
                "Lỗi: Tệp",
                "dòng 3, cột information_means (O): giá trị 'yes' không hợp lệ",
                "Error: File",
                "row 3, column information_means (O): 'yes' is not valid",
            ],
        ),
        (
            vec!["classify", "--year", "2024"],
            Some(header.replace("water", "watr")),
            2,
            vec![
                "cột water",
                "column water: the column is missing; there is a column 'watr'",
            ],
        ),
        (
            vec!["classify", "--standard", "does-not-exist.toml"],
            Some(format!("{header}\n")),
            1,
            vec!["does-not-exist.toml"],
        ),
        (
            vec!["classify"],
            Some(format!("{header}\n")),
            2,
            vec!["--standard"],
        ),
    ];
    for (i, (args, content, code, expect)) in cases.into_iter().enumerate() {
        let input = dir.join(format!("in-{i}.csv"));
        if let Some(c) = &content {
            std::fs::write(&input, c).unwrap();
        }
        let out = dir.join(format!("out-{i}.csv"));
        let mut all: Vec<&str> = args.clone();
        let (out_s, in_s) = (
            out.to_str().unwrap().to_owned(),
            input.to_str().unwrap().to_owned(),
        );
        all.extend(["--output", &out_s, &in_s]);
        let o = giamngheo(&all);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
        for e in expect {
            assert!(err.contains(e), "{args:?}: expected {e:?} in {err}");
        }
        assert!(!out.exists(), "{args:?} left an output file");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') || n.starts_with("out-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn standards_list_and_show() {
    let o = giamngheo(&["standards", "list"]);
    assert!(o.status.success());
    let list = text(&o.stdout);
    for id in ["vn-2016-2020", "vn-2022-2025", "vn-2026-2030"] {
        assert!(list.contains(id), "{list}");
    }
    let o = giamngheo(&words("standards show vn-2022-2025", &[]));
    assert!(o.status.success());
    insta::assert_snapshot!(text(&o.stdout));
}

#[test]
fn explain_shows_each_indicator_and_the_reason() {
    let o = giamngheo(&words(
        "explain --year 2024 --area",
        &[
            "nông thôn",
            "--income",
            "1200000",
            "samples/household-facts.toml",
        ],
    ));
    assert!(o.status.success(), "{}", text(&o.stderr));
    insta::assert_snapshot!(text(&o.stdout));
    let o = giamngheo(&words(
        "explain --year 2027 --area rural --score 100 samples/household-facts.toml",
        &[],
    ));
    assert_refused(&o, "standard vn-2026-2030 has no income score lines", "-");
}
