//! `giamngheo forecast`, `plan` and `support cost` as an officer runs them on the demo: the CSV columns,
//! every table to a workbook, the chart, and bad values refused in both languages with nothing written.

use crate::registry::{db_arg, ok, ok_on, ok_with_file};
use crate::{giamngheo, on_db, scratch, text};

#[test]
fn forecast_plan_and_costs_on_the_demo() {
    let dir = scratch("forecast");
    let db = db_arg(&dir.join("demo.db"));
    ok_on(&db, "demo --households 1520 --no-serve");
    let csv = ok_on(&db, "forecast --unit 15499 --from-year 2026");
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with(
            "unit_code,unit_name,households,poor_now,near_poor_now,poor_low,poor_high,near_poor_low,\
             near_poor_high,poor_rate_low,poor_rate_high"
        ),
        "{header}"
    );
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with("15499,Xã Thọ Xuân,"),
        "{csv}"
    );
    for (table, first) in [
        ("drivers", "driver,households"),
        ("support", "programme,households_low"),
        ("survey", "household_code,commune"),
    ] {
        let out = ok(&on_db(&db, "forecast --unit 15499 --table", &[table]));
        assert!(out.starts_with(first), "{table}: {out}");
    }
    let xlsx = dir.join("du-bao.xlsx");
    let o = giamngheo(&on_db(
        &db,
        "forecast --unit",
        &[
            "Xã Thọ Xuân",
            "--income-growth",
            "4",
            "-o",
            xlsx.to_str().unwrap(),
        ],
    ));
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("Xã Thọ Xuân:"), "the headline");
    assert!(
        text(&o.stderr).contains("chưa kiểm chứng"),
        "unverified values are said"
    );
    let svg = dir.join("du-bao.svg");
    ok_with_file(&db, "forecast --unit 15499 -o", &svg);
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));
    // Bad values: exit 2, both languages, no file.
    let bad = dir.join("khong-co.xlsx");
    for (args, vi, en) in [
        (
            vec![
                "forecast",
                "--unit",
                "15499",
                "--income-growth",
                "-100",
                "-o",
                bad.to_str().unwrap(),
            ],
            "tăng trưởng thu nhập",
            "income growth",
        ),
        (
            vec![
                "forecast",
                "--unit",
                "15499",
                "--standard",
                "vn-2031",
                "-o",
                bad.to_str().unwrap(),
            ],
            "không có chuẩn này",
            "no such standard",
        ),
        (
            vec!["forecast", "--unit", "15499", "--table", "tat-ca"],
            "bảng phải là",
            "the table must be",
        ),
        (
            vec!["plan", "--unit", "15499", "--target-rate", "120"],
            "chỉ tiêu phải là",
            "the target must be",
        ),
        (
            vec!["plan", "--unit", "15499", "--budget", "-5"],
            "kinh phí không được âm",
            "a budget cannot be negative",
        ),
        (
            vec![
                "support",
                "cost",
                "--programme",
                "khong-co",
                "--unit",
                "38",
                "--year",
                "2027",
                "--vnd",
                "1",
            ],
            "support programme",
            "support programme",
        ),
    ] {
        let mut full = vec!["--db", db.as_str()];
        full.extend(args.iter().copied());
        let o = giamngheo(&full);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(vi) && err.contains(en), "{args:?}: {err}");
        assert!(!bad.exists(), "{args:?}: nothing written");
    }
    // A village reviewer cannot set a cost; the province's staff can, and the plan uses it.
    let o = giamngheo(&on_db(
        &db,
        "support --role village-reviewer cost --programme livelihood --unit 38 --year 2026 --vnd 9000000",
        &[],
    ));
    assert!(!o.status.success());
    ok(&on_db(
        &db,
        "support --role province-staff cost --programme livelihood --unit 38 --year 2026 --vnd 9000000 --note",
        &["Kế hoạch số 12/KH-UBND"],
    ));
    let plan = ok_on(&db, "plan --unit 15499 --year 2025 --budget 500000000");
    let rows: Vec<&str> = plan.lines().collect();
    assert!(
        rows[0].starts_with("rank,household_code,head,commune,village,class_now"),
        "{}",
        rows[0]
    );
    assert!(rows.len() > 2, "{plan}");
    assert!(plan.contains("Cách ít tốn nhất"), "{plan}");
    let summary = ok_on(
        &db,
        "plan --unit 15499 --year 2025 --budget 500000000 --table summary --target-rate 0.5",
    );
    assert!(
        summary
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("15499,Xã Thọ Xuân,"),
        "{summary}"
    );
}
