//! Reports from the command line: targets, and the refusals of bad input.

use crate::registry::{demo_db, ok, tho_xuan_2020};
use crate::{assert_refused, giamngheo, on_db, refuses, text};

/// The column `name` of a CSV output, row by row.
fn column<'a>(csv: &'a str, name: &str) -> Vec<&'a str> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let i = header.iter().position(|h| *h == name).unwrap();
    lines.map(|l| l.split(',').nth(i).unwrap()).collect()
}

#[test]
fn targets_are_set_imported_and_judged_against_the_reviewed_rates() {
    let (dir, db) = demo_db("targets", 1520);
    let b = ["--as-of-boundaries", "2020-01-01"];
    // `ok` with this test's common arguments `b` after the command's own.
    let on = |command: &str, rest: &[&str]| ok(&[&on_db(&db, command, rest)[..], &b].concat());
    let rates = on("report rates --unit 395 --years 2018-2019", &[]);
    let reviewed: Vec<f64> = column(&rates, "poor_rate")
        .iter()
        .map(|r| r.parse().unwrap())
        .collect();
    // The targets report: a row for each year with a target, 2018, 2019 and 2021.
    let targets_report = || {
        let report = on("report targets --unit 395 --years 2015-2021", &[]);
        assert_eq!(
            column(&report, "year"),
            ["2018", "2019", "2021"],
            "{report}"
        );
        report
    };
    // 2018 just at its rate (met), 2019 a hundredth below (missed), 2021 far above (met).
    let set = |year: &str, rate: String| {
        on(
            "target set --unit 395 --year",
            &[year, "--poor-rate", &rate],
        );
    };
    set("2018", format!("{:.2}", reviewed[0]));
    let file = dir.join("chi-tieu.csv");
    std::fs::write(
        &file,
        format!(
            "unit_code,year,poor_rate,note\n395,2019,\"{}\",NQ 01\nHuyện Thọ Xuân,2021,50,\n",
            format!("{:.2}", reviewed[1] - 0.01).replace('.', ",")
        ),
    )
    .unwrap();
    let out = on("import targets", &[file.to_str().unwrap()]);
    assert!(out.contains("Đã nhập 2 chỉ tiêu"), "{out}");
    let report = targets_report();
    assert_eq!(
        column(&report, "status"),
        ["met", "missed", "met"],
        "{report}"
    );
    // The trend says the same.
    let trend = on("--lang en report trend --unit 395 --years 2015-2021", &[]);
    assert!(
        trend.contains("Target for 2018: poor-household rate"),
        "{trend}"
    );
    assert!(
        trend.contains(": met (") && trend.contains(": missed ("),
        "{trend}"
    );
    // Setting a target again replaces it.
    set("2019", "100".into());
    let report = on("report targets --unit 395 --years 2019-2019", &[]);
    assert_eq!(column(&report, "status"), ["met"], "{report}");
    // XLSX through the same table, written whole or not at all.
    let xlsx = dir.join("chi-tieu.xlsx");
    on(
        "report targets --unit 395 --years 2015-2021 -o",
        &[xlsx.to_str().unwrap()],
    );
    assert_eq!(&std::fs::read(&xlsx).unwrap()[..2], b"PK");

    let bad_file = |name: &str, body: &str| {
        let p = dir.join(name);
        std::fs::write(&p, body).unwrap();
        p.to_str().unwrap().to_owned()
    };
    let unknown = bad_file(
        "unknown.csv",
        "unit_code,year,poor_rate\n395,2019,1\nXYZ,2020,1\n",
    );
    let too_high = bad_file("high.csv", "unit_code,year,poor_rate\n395,2019,150\n");
    let no_rate = bad_file("norate.csv", "unit_code,year\n395,2019\n");
    for (args, expect) in [
        (
            vec!["import", "targets", &unknown],
            "unknown.csv, row 3, column unit_code (A): 'XYZ' is not a valid value",
        ),
        (
            vec!["import", "targets", &too_high],
            "high.csv, row 2, column poor_rate (C): '150' is not a valid value",
        ),
        (
            vec!["import", "targets", &no_rate],
            "norate.csv, row 1, column poor_rate",
        ),
        (
            vec![
                "target",
                "set",
                "--unit",
                "395",
                "--year",
                "2020",
                "--poor-rate=-1",
            ],
            "between 0 and 100",
        ),
        (
            vec!["report", "targets", "--unit", "395", "--years", "2010-2012"],
            "has no target in these years",
        ),
        (
            vec![
                "report",
                "rates",
                "--unit",
                "395",
                "--years",
                "2019-2019",
                "--format",
                "odt",
            ],
            "csv",
        ),
    ] {
        let mut all = vec!["--db", db.as_str()];
        all.extend(args);
        all.extend(b);
        refuses(&all, expect);
    }
    // Nothing was written by the refused imports: 2019 is still the target set last.
    let report = targets_report();
    assert_eq!(
        column(&report, "target_poor_rate")[1..],
        ["100.00", "50.00"],
        "{report}"
    );
}

#[test]
fn transitions_and_profile_agree_with_the_rates() {
    let (_, db) = demo_db("transitions", 1520);
    let span = tho_xuan_2020("2015-2021");
    let run = |report: &str| ok(&[&on_db(&db, "report", &[report])[..], &span].concat());
    let nums = |csv: &str, name: &str| -> Vec<i64> {
        column(csv, name)
            .iter()
            .map(|v| v.parse().unwrap())
            .collect()
    };
    let rates = run("rates");
    let moves = run("transitions");
    assert_eq!(column(&moves, "year").len(), 7);
    let (poor, near) = (nums(&rates, "poor"), nums(&rates, "near_poor"));
    let m = |name| nums(&moves, name);
    for y in 0..7 {
        // Every poor household of a year was reviewed that year: it stayed, is new, or fell back.
        assert_eq!(
            m("stayed_poor")[y] + m("newly_poor")[y] + m("re_poor")[y],
            poor[y],
            "{moves}"
        );
        assert_eq!(
            m("stayed_near_poor")[y] + m("newly_near_poor")[y] + m("escaped_to_near_poor")[y],
            near[y],
            "{moves}"
        );
        if y > 0 {
            // Every poor household of the year before was reviewed again.
            assert_eq!(
                m("stayed_poor")[y] + m("escaped")[y] + m("escaped_to_near_poor")[y],
                poor[y - 1],
                "{moves}"
            );
        }
    }
    // The demo's first year has no history: everyone on a list is new.
    assert_eq!(m("stayed_poor")[0] + m("re_poor")[0], 0);

    let profile = run("profile");
    let (deprived, poor_deprived) = (nums(&profile, "deprived"), nums(&profile, "poor_deprived"));
    let years = column(&profile, "year");
    assert_eq!(
        years.iter().filter(|y| **y == "2015").count(),
        10,
        "vn-2016-2020 has ten indicators"
    );
    for i in 0..deprived.len() {
        assert!(poor_deprived[i] <= deprived[i]);
        let year: i32 = years[i].parse().unwrap();
        assert!(poor_deprived[i] <= poor[(year - 2015) as usize]);
    }
    assert!(deprived.iter().any(|d| *d > 0));
}

#[test]
fn compare_and_ranking_agree_with_each_unit_s_rates() {
    let (_, db) = demo_db("compare", 1520);
    let b = ["--years", "2015-2019", "--as-of-boundaries", "2020-01-01"];
    // `ok` with this test's common arguments `b` after the command's own.
    let on = |command: &str, rest: &[&str]| ok(&[&on_db(&db, command, rest)[..], &b].concat());
    let rates_of = |unit: &str| -> Vec<f64> {
        let csv = on("report rates --unit", &[unit]);
        column(&csv, "poor_rate")
            .iter()
            .map(|v| v.parse().unwrap())
            .collect()
    };
    let per_year = |r: &[f64]| (r[0] - r[r.len() - 1]) / (r.len() - 1) as f64;
    let cmp = on("report compare --units", &["395, Huyện Hiệp Đức"]);
    assert_eq!(column(&cmp, "unit_code"), ["395", "512"], "{cmp}");
    // Every row has every column: the rates, the movements, support, the deprivation profile.
    let width = cmp.lines().next().unwrap().split(',').count();
    assert!(cmp.lines().all(|l| l.split(',').count() == width), "{cmp}");
    assert_eq!(
        column(&cmp, "supported_households"),
        ["0", "0"],
        "no support in the demo"
    );
    let profile = on("report profile --unit 512", &[]);
    let last: Vec<&str> = profile.lines().filter(|l| l.contains(",2019,")).collect();
    let share = last[0].rsplit(',').next().unwrap();
    let indicator = last[0].split(',').nth(4).unwrap();
    assert_eq!(
        column(&cmp, &format!("poor_deprived_{indicator}"))[1],
        share,
        "{cmp}"
    );
    for (i, unit) in ["395", "512"].iter().enumerate() {
        let r = rates_of(unit);
        for (k, y) in (2015..=2019).enumerate() {
            let got: f64 = column(&cmp, &format!("poor_rate_{y}"))[i].parse().unwrap();
            assert_eq!(got, r[k], "{unit} {y}");
        }
        let got: f64 = column(&cmp, "reduction_per_year")[i].parse().unwrap();
        assert!((got - per_year(&r)).abs() < 0.006, "{unit}: {got}");
    }
    let ranking = on("report ranking --unit 395", &[]);
    let speeds: Vec<f64> = column(&ranking, "reduction_per_year")
        .iter()
        .filter(|v| !v.is_empty())
        .map(|v| v.parse().unwrap())
        .collect();
    assert!(speeds.len() > 5, "{ranking}");
    assert!(speeds.windows(2).all(|w| w[0] >= w[1]), "{ranking}");
    let codes = column(&ranking, "unit_code");
    for (code, speed) in codes.iter().zip(&speeds).take(3) {
        assert!((per_year(&rates_of(code)) - speed).abs() < 0.006, "{code}");
    }
    for (args, expect) in [
        (
            vec!["report", "compare", "--units", "395"],
            "at least two units",
        ),
        (
            vec!["report", "compare", "--units", "395,Không Có"],
            "no unit has this code or name",
        ),
        (
            vec!["report", "ranking", "--unit", "395", "--years", "2019-2019"],
            "at least two years",
        ),
    ] {
        let mut all = vec!["--db", db.as_str(), "--lang", "en"];
        all.extend(args);
        all.extend(["--as-of-boundaries", "2020-01-01"]);
        if !all.contains(&"--years") {
            all.extend(["--years", "2015-2019"]);
        }
        refuses(&all, expect);
    }
}

#[test]
fn pdf_and_svg_outputs() {
    let (dir, db) = demo_db("pdf", 1520);
    let b = tho_xuan_2020("2015-2025");
    // `ok` with this test's common arguments `b` after the command's own.
    let on = |command: &str, rest: &[&str]| ok(&[&on_db(&db, command, rest)[..], &b].concat());
    let pdf = dir.join("ty-le.pdf");
    on("report rates --format pdf -o", &[pdf.to_str().unwrap()]);
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(String::from_utf8_lossy(&bytes).contains("/FontFile2"));
    match std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
    {
        Err(e) => {
            println!("skipped the text check: pdftotext is not installed (poppler-utils): {e}")
        }
        Ok(o) => {
            let t = text(&o.stdout);
            for expect in [
                "Huyện Thọ Xuân",
                "vn-2022-2025",
                "Đổi chuẩn: vn-2022-2025",
                "Trang 1/",
            ] {
                assert!(t.contains(expect), "{expect}: {t}");
            }
        }
    }
    // Only the PDF is left in the folder besides the database: no temporary file.
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("demo.db"))
        .collect();
    assert_eq!(names, ["ty-le.pdf"]);

    let trend = on("report chart trend", &[]);
    assert!(
        trend.starts_with("<svg") && trend.contains("Đổi chuẩn: giai đoạn 2022–2025"),
        "{trend}"
    );
    let communes = on("report chart communes", &[]);
    assert!(communes.contains("Xã Xuân Hồng"), "{communes}");
    let contributions = on("--lang en report chart contributions", &[]);
    assert!(
        contributions.contains("Health insurance"),
        "{contributions}"
    );
    // A PDF needs a file to go to.
    let o = giamngheo(&[&on_db(&db, "report rates --format pdf", &[])[..], &b].concat());
    assert_refused(&o, "need --output FILE", "-");
}

#[test]
fn summary_table_and_lists_add_up() {
    let (dir, db) = demo_db("summary", 1520);
    let b = ["--unit", "395", "--as-of-boundaries", "2020-01-01"];
    // `ok` with this test's common arguments `b` after the command's own.
    let on = |command: &str, rest: &[&str]| ok(&[&on_db(&db, command, rest)[..], &b].concat());
    let rates = on("report rates --years 2019-2019", &[]);
    let summary = on("report summary --year 2019", &[]);
    let nums = |name: &str| -> Vec<i64> {
        column(&summary, name)
            .iter()
            .map(|v| v.parse().unwrap_or(0))
            .collect()
    };
    for name in ["households", "poor", "near_poor"] {
        let v = nums(name);
        let total: i64 = column(&rates, name)[0].parse().unwrap();
        assert_eq!(v[0], total, "{name}");
        // Urban and rural, then the communes: each set adds up to the district.
        assert_eq!(v[1] + v[2], total, "{name}");
        assert_eq!(v[3..].iter().sum::<i64>(), total, "{name}");
    }
    for name in [
        "ethnic_minority_households",
        "escaped",
        "newly_poor",
        "re_poor",
    ] {
        let v = nums(name);
        assert_eq!(v[3..].iter().sum::<i64>(), v[0], "{name}");
    }
    for (class, column_name) in [("poor", "poor"), ("near-poor", "near_poor")] {
        let list = on("report list --year 2019 --class", &[class]);
        let n = column(&list, "household_code").len() as i64;
        assert_eq!(n, nums(column_name)[0], "{class}");
        let numbers: Vec<i64> = column(&list, "no")
            .iter()
            .map(|v| v.parse().unwrap())
            .collect();
        assert_eq!(numbers, (1..=n).collect::<Vec<_>>());
    }
    let xlsx = dir.join("tong-hop.xlsx");
    on("report summary --year 2019 -o", &[xlsx.to_str().unwrap()]);
    assert_eq!(&std::fs::read(&xlsx).unwrap()[..2], b"PK");
}
