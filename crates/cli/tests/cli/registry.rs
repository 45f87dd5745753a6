//! The registry from the command line: demo, import, export, crash safety.

use std::path::{Path, PathBuf};

use crate::{assert_refused, giamngheo, on_db, refuses, scratch, text, words};

pub fn db_arg(p: &Path) -> String {
    p.to_str().unwrap().to_owned()
}

/// A scratch folder named `name` and in it a demo registry of `households` households: (folder, database).
pub fn demo_db(name: &str, households: u32) -> (PathBuf, String) {
    let dir = scratch(name);
    let db = db_arg(&dir.join("demo.db"));
    ok(&on_db(&db, &format!("demo --households {households}"), &[]));
    (dir, db)
}

/// `--unit 395 --years YEARS --as-of-boundaries 2020-01-01`: Huyện Thọ Xuân over `years`, on the
/// boundaries of 1 January 2020.
pub fn tho_xuan_2020(years: &str) -> [&str; 6] {
    [
        "--unit",
        "395",
        "--years",
        years,
        "--as-of-boundaries",
        "2020-01-01",
    ]
}

/// [`ok`] of `command` against `db`, with `file` (what it reads or writes) as its last argument.
pub fn ok_with_file(db: &str, command: &str, file: &Path) -> String {
    ok(&on_db(db, command, &[file.to_str().unwrap()]))
}

/// The registry of `db` on day `as_of` exported to `file`.
fn export_households(db: &str, as_of: &str, file: &Path) -> String {
    ok(&on_db(
        db,
        "export households --as-of",
        &[as_of, "--output", file.to_str().unwrap()],
    ))
}

/// The two files hold the same text (a round trip gave back what it started from).
fn assert_same_text(a: &Path, b: &Path) {
    assert_eq!(
        std::fs::read_to_string(a).unwrap(),
        std::fs::read_to_string(b).unwrap()
    );
}

/// Writes to `copy` the lines of `file` with line `i` (0: the header) changed by `change`; returns them.
fn edited_copy(
    file: &Path,
    i: usize,
    copy: &Path,
    change: impl FnOnce(&str) -> String,
) -> Vec<String> {
    let content = std::fs::read_to_string(file).unwrap();
    let mut lines: Vec<String> = content.lines().map(str::to_owned).collect();
    lines[i] = change(&lines[i]);
    std::fs::write(copy, lines.join("\n")).unwrap();
    lines
}

/// [`ok`] of `command` (its words split at spaces) against `db`.
pub fn ok_on(db: &str, command: &str) -> String {
    ok(&on_db(db, command, &[]))
}

pub fn ok(args: &[&str]) -> String {
    let o = giamngheo(args);
    assert!(o.status.success(), "{args:?}: {}", text(&o.stderr));
    text(&o.stdout)
}

#[test]
fn demo_import_export_round_trip_and_idempotent_reimport() {
    let dir = scratch("registry");
    let demo = db_arg(&dir.join("demo.db"));
    let out = ok_on(&demo, "demo --households 1520");
    // The model keeps the published rates at any scale.
    assert!(
        out.contains("2015  vn-2016-2020      1.300        96     7,38"),
        "{out}"
    );
    assert!(out.contains("GIẢ LẬP"), "{out}");
    assert!(!dir.join(".demo.db.tmp").exists());

    let csv1 = dir.join("ho-1.csv");
    let xlsx = dir.join("ho.xlsx");
    export_households(&demo, "2020-01-01", &csv1);
    export_households(&demo, "2020-01-01", &xlsx);

    // The XLSX imported into a new registry exports to the same CSV.
    let fresh = db_arg(&dir.join("fresh.db"));
    let out = ok_with_file(&fresh, "import households --as-of 2020-01-01", &xlsx);
    assert!(
        out.contains("1.520 hộ mới") || out.contains("1520 hộ mới"),
        "{out}"
    );
    let csv2 = dir.join("ho-2.csv");
    export_households(&fresh, "2020-01-01", &csv2);
    assert_same_text(&csv1, &csv2);

    // Importing the same file again changes nothing.
    let out = ok_with_file(&fresh, "import households --as-of 2021-01-01", &csv1);
    assert!(
        out.contains("0 hộ mới, 0 hộ thay đổi, 1520 hộ không đổi"),
        "{out}"
    );
}

#[test]
fn a_bad_file_writes_nothing_and_a_killed_import_leaves_the_database_as_it_was() {
    let (dir, demo) = demo_db("crash", 6000);
    let csv = dir.join("ho.csv");
    export_households(&demo, "2020-01-01", &csv);

    let target = db_arg(&dir.join("target.db"));
    ok_on(&target, "units load");
    // A file with one bad row: exit 2, every problem named, nothing written.
    let bad = dir.join("bad.csv");
    edited_copy(&csv, 40, &bad, |l| {
        l.replacen(",male,", ",đực,", 1)
            .replacen(",female,", ",đực,", 1)
    });
    let o = giamngheo(&on_db(
        &target,
        "import households --as-of 2020-01-01",
        &[bad.to_str().unwrap()],
    ));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("dòng 41, cột sex: giới tính 'đực' không hợp lệ"),
        "{err}"
    );
    assert!(
        err.contains("row 41, column sex: sex 'đực' is not valid"),
        "{err}"
    );

    // An import killed in the middle of its transaction.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_giamngheo"))
        .args([
            "--db",
            &target,
            "import",
            "households",
            "--as-of",
            "2020-01-01",
            csv.to_str().unwrap(),
        ])
        .env("GIAMNGHEO_TEST_ABORT_AFTER", "4096")
        .output()
        .unwrap();
    assert!(!o.status.success(), "the import was to be killed");
    let out = export_households(&target, "2020-01-01", &dir.join("after.csv"));
    assert!(out.contains("Đã xuất 0 hộ"), "{out}");
    // And the database still works: the same import, not killed, goes through.
    let out = ok_with_file(&target, "import households --as-of 2020-01-01", &csv);
    assert!(out.contains("6000 hộ mới"), "{out}");
}

#[test]
fn births_deaths_splits_and_merges_from_the_command_line() {
    let (_, db) = demo_db("events", 800);
    let code = "15493-00002";
    let out = ok(&on_db(
        &db,
        "household birth",
        &[
            code,
            "--name",
            "Lê Thị Hoa",
            "--sex",
            "nữ",
            "--born",
            "01/03/2026",
        ],
    ));
    assert!(out.contains("Đã ghi khai sinh Lê Thị Hoa"), "{out}");
    let show = ok(&on_db(&db, "household show", &[code]));
    assert!(
        show.contains("Lê Thị Hoa (01/03/2026, con, Kinh)") && show.contains("sinh"),
        "{show}"
    );
    let id: String = show
        .lines()
        .find(|l| l.contains("Lê Thị Hoa"))
        .unwrap()
        .split('[')
        .nth(1)
        .unwrap()
        .split(']')
        .next()
        .unwrap()
        .into();
    let out = ok(&on_db(
        &db,
        "household split",
        &[
            code,
            "--new-code",
            "15493-09999",
            "--members",
            &id,
            "--head",
            &id,
            "--date",
            "2026-04-01",
        ],
    ));
    assert!(out.contains("Đã tách hộ 15493-09999"), "{out}");
    let show = ok_on(&db, "household show 15493-09999");
    assert!(
        show.contains("Lê Thị Hoa") && show.contains("tách hộ"),
        "{show}"
    );
    let o = giamngheo(&on_db(
        &db,
        "household merge 15493-09999 --into NO-SUCH --date 2026-05-01",
        &[],
    ));
    assert_refused(&o, "Không tìm thấy hộ NO-SUCH", "-");
    let out = ok(&on_db(
        &db,
        "household merge 15493-09999 --into",
        &[code, "--date", "2026-05-01"],
    ));
    assert!(
        out.contains("Đã nhập hộ 15493-09999 vào hộ 15493-00002"),
        "{out}"
    );
    let out = ok(&on_db(
        &db,
        "household death",
        &[code, "--person", &id, "--date", "2026-06-01"],
    ));
    assert!(out.contains("Đã ghi khai tử"), "{out}");
}

#[test]
fn review_results_export_and_import_round_trip() {
    let (dir, demo) = demo_db("reviews", 900);
    let households = dir.join("ho.csv");
    let reviews = dir.join("rs-2019.csv");
    let reviews_xlsx = dir.join("rs-2019.xlsx");
    export_households(&demo, "2019-11-15", &households);
    let out = ok_with_file(&demo, "export reviews --year 2019 --output", &reviews);
    assert!(out.contains("kết quả rà soát năm 2019"), "{out}");
    ok_with_file(&demo, "export reviews --year 2019 --output", &reviews_xlsx);

    let fresh = db_arg(&dir.join("fresh.db"));
    ok_with_file(&fresh, "import households --as-of 2015-09-01", &households);
    let out = ok_with_file(&fresh, "import reviews --year 2019", &reviews_xlsx);
    assert!(
        out.contains("theo chuẩn vn-2016-2020") && out.contains("0 thay thế, 0 không đổi"),
        "{out}"
    );
    let again = dir.join("rs-2019-again.csv");
    ok_with_file(&fresh, "export reviews --year 2019 --output", &again);
    assert_same_text(&reviews, &again);
    // The same file again changes nothing.
    let out = ok_with_file(&fresh, "import reviews --year 2019", &reviews);
    assert!(out.contains(": 0 mới, 0 thay thế,"), "{out}");

    // A decided review that a file contradicts is refused, naming the row; nothing changes.
    let changed = dir.join("rs-changed.csv");
    let lines = edited_copy(&reviews, 1, &changed, |l| {
        let income = l.split(',').nth(5).unwrap();
        l.replacen(&format!(",{income},"), ",9999999,", 1)
    });
    let o = giamngheo(&on_db(
        &fresh,
        "import reviews --year 2019",
        &[changed.to_str().unwrap()],
    ));
    assert_refused(
        &o,
        "dòng 2, cột household_code: kết quả rà soát năm 2019 của hộ",
        "-",
    );
    // An unknown household and a bad indicator list are named too.
    let bad = dir.join("rs-bad.csv");
    std::fs::write(
        &bad,
        format!(
            "{}\nXX-1,2019,15/11/2019,vn-2016-2020,rural,500000,,1,water moon,poor,,,\n",
            lines[0]
        ),
    )
    .unwrap();
    let o = giamngheo(&on_db(
        &fresh,
        "import reviews --year 2019",
        &[bad.to_str().unwrap()],
    ));
    assert!(
        text(&o.stderr).contains("row 2, column deprived_indicators: no indicator 'moon'"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn rates_and_trend_reports() {
    let (_, db) = demo_db("report", 1520);
    let csv = ok_on(
        &db,
        "report rates --unit 395 --years 2015-2019 --as-of-boundaries 2020-01-01",
    );
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with(
            "unit_code,unit_name,year,households,poor,poor_rate,near_poor,near_poor_rate,standard,standard_changed,urban_households,"
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("395,Huyện Thọ Xuân,2015,1300,96,7.38,88,6.77,vn-2016-2020,0,"),
        "{}",
        lines[1]
    );
    assert_eq!(lines.len(), 6);
    let rate = |l: &str| l.split(',').nth(5).unwrap().parse::<f64>().unwrap();
    let expect = (rate(lines[1]) - rate(lines[5])) / 4.0;
    let out = ok(&words(
        "--lang en --db",
        &[
            &db,
            "report",
            "trend",
            "--unit",
            "Huyện Thọ Xuân",
            "--years",
            "2015-2019",
            "--as-of-boundaries",
            "2020-01-01",
        ],
    ));
    assert!(
        out.contains(&format!("average reduction {expect:.2} points a year")),
        "{out} vs {expect}"
    );
    // The same households on the new boundaries: the communes that took Thọ Xuân's villages.
    let csv = ok_on(
        &db,
        "report rates --unit 15499 --years 2025-2025 --as-of-boundaries 2026-01-01",
    );
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with("15499,Xã Thọ Xuân,2025,"),
        "{csv}"
    );
    // Refused: an unknown unit, a year without reviews, a span of one year.
    for (args, expect) in [
        (
            vec![
                "report",
                "rates",
                "--unit",
                "Hà Nội Mới",
                "--years",
                "2015-2016",
            ],
            "no unit has this code or name",
        ),
        (
            [&["report", "rates"][..], &tho_xuan_2020("2012-2015")].concat(),
            "no review in Huyện Thọ Xuân in 2012",
        ),
        (
            [&["report", "trend"][..], &tho_xuan_2020("2019-2019")].concat(),
            "a span of at least two years",
        ),
    ] {
        let mut all = vec!["--db", db.as_str()];
        all.extend(args);
        refuses(&all, expect);
    }
}

/// The template an officer downloads imports as it is: its headers are the importer's, its example household
/// is valid, its lists hold words the importer reads; in English the headers are the machine names.
#[test]
fn the_households_template_imports_as_written_in_both_languages() {
    let dir = scratch("template");
    for lang in ["vi", "en"] {
        let db = db_arg(&dir.join(format!("{lang}.db")));
        let template = dir.join(format!("mau-{lang}.xlsx"));
        let said = ok(&[
            "--lang",
            lang,
            "import",
            "template",
            "--output",
            template.to_str().unwrap(),
        ]);
        assert!(said.contains("mau-"), "{said}");
        ok_on(&db, "units load");
        let out = ok_with_file(&db, "import households --as-of 2026-01-01", &template);
        // One new household of two members, the citizen ID kept as written (a leading zero).
        assert!(
            out.contains("1 hộ mới") && out.contains("2 nhân khẩu mới"),
            "{out}"
        );
        let shown = ok_on(&db, "household show VD-0001");
        assert!(
            shown.contains("Lê Văn An")
                && shown.contains("Lê Thị Bình")
                && shown.contains("038078001234"),
            "{shown}"
        );
    }
}
