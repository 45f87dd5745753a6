//! The registry from the command line: units, household import and export, one household's history.

use std::path::Path;

use giamngheo_core::Lang;
use giamngheo_core::date::Date;
use giamngheo_formats::households::{read_households, write_households_csv, write_households_xlsx};
use giamngheo_formats::table::read_xlsx;
use giamngheo_store::Store;

use crate::errors::CliError;
use crate::output::AtomicFile;
use crate::progress::Progress;

pub fn today() -> Date {
    Date::parse(&giamngheo_store::today())
        .unwrap_or_else(|_| unreachable!("the store formats ISO dates"))
}

pub fn parse_date(name: &'static str, s: &str) -> Result<Date, CliError> {
    Date::parse(s).map_err(|_| CliError::Argument {
        name,
        value: s.to_owned(),
        vi: "ngày không hợp lệ (dd/mm/yyyy hoặc yyyy-mm-dd)".into(),
        en: "not a valid date (dd/mm/yyyy or yyyy-mm-dd)".into(),
    })
}

pub fn open(db: &str) -> Result<Store, CliError> {
    Ok(Store::open(db)?)
}

pub fn units_load(db: &str, lang: Lang) -> Result<(), CliError> {
    let mut store = open(db)?;
    let units = giamngheo_formats::units::national()?;
    let s = store.load_units(
        &units.before,
        &units.after,
        &units.links,
        giamngheo_formats::units::reform_2025(),
    )?;
    match lang {
        Lang::Vi if s.communes == 0 => {
            println!("Danh mục đơn vị hành chính đã có sẵn trong {db}; không thay đổi gì.")
        }
        Lang::En if s.communes == 0 => {
            println!("The unit lists are already in {db}; nothing changed.")
        }
        Lang::Vi => println!(
            "Đã nạp {} tỉnh, {} huyện, {} xã và {} liên kết sắp xếp ngày 01/07/2025 vào {db}.",
            s.provinces, s.districts, s.communes, s.links
        ),
        Lang::En => println!(
            "Loaded {} provinces, {} districts, {} communes and {} links of the 1 July 2025 reform into {db}.",
            s.provinces, s.districts, s.communes, s.links
        ),
    }
    Ok(())
}

fn is_xlsx(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

pub fn import_households(
    db: &str,
    file: &Path,
    as_of: Option<&str>,
    lang: Lang,
) -> Result<(), CliError> {
    let as_of = match as_of {
        Some(s) => parse_date("as-of", s)?,
        None => today(),
    };
    let name = file.display().to_string();
    let started = std::time::Instant::now();
    let records = if is_xlsx(file) {
        let mut table = read_xlsx(file, &name)?;
        read_households(&mut table, today())
    } else {
        let f = std::fs::File::open(file).map_err(|error| CliError::File {
            path: name.clone(),
            error,
        })?;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        giamngheo_formats::households::read_households_csv(f, &name, today(), threads)
    }
    .map_err(CliError::Import)?;
    if std::env::var_os("GIAMNGHEO_TIMING").is_some() {
        eprintln!("timing read: {:.2} s", started.elapsed().as_secs_f64());
    }
    let mut store = open(db)?;
    if store
        .unit_at(
            giamngheo_core::ids::UnitLevel::Province,
            "38",
            Date::new(2020, 1, 1).unwrap_or(as_of),
        )?
        .is_none()
    {
        let units = giamngheo_formats::units::national()?;
        store.load_units(
            &units.before,
            &units.after,
            &units.links,
            giamngheo_formats::units::reform_2025(),
        )?;
    }
    let total = records.len() as u64;
    let mut bar = Progress::new();
    // Fault injection for the crash test: abort (no unwinding, no cleanup) in the middle of the transaction.
    let abort_after: Option<u64> = std::env::var("GIAMNGHEO_TEST_ABORT_AFTER")
        .ok()
        .and_then(|v| v.parse().ok());
    let summary = store.import_households(&records, as_of, &mut |done| {
        bar.update("import", done, total);
        if abort_after.is_some_and(|n| done >= n && done < total) {
            std::process::abort();
        }
    })?;
    bar.finish();
    match lang {
        Lang::Vi => println!(
            "Đã nhập {name}: {} hộ mới, {} hộ thay đổi, {} hộ không đổi, {} nhân khẩu mới.",
            summary.added, summary.updated, summary.unchanged, summary.members_added
        ),
        Lang::En => println!(
            "Imported {name}: {} new households, {} changed, {} unchanged, {} new members.",
            summary.added, summary.updated, summary.unchanged, summary.members_added
        ),
    }
    if !summary.possible_duplicates.is_empty() {
        println!(
            "{}",
            lang.pick(
                "Có thể trùng người (cùng họ tên, ngày sinh ở hộ khác) — hãy kiểm tra:",
                "Possible duplicates (same name and birth date in another household) — please check:"
            )
        );
        for d in summary.possible_duplicates.iter().take(50) {
            match lang {
                Lang::Vi => println!(
                    "  dòng {}: {} ({}) cũng có ở hộ {}",
                    d.row, d.name, d.birth_date, d.other_household
                ),
                Lang::En => println!(
                    "  row {}: {} ({}) also in household {}",
                    d.row, d.name, d.birth_date, d.other_household
                ),
            }
        }
        if summary.possible_duplicates.len() > 50 {
            println!("  … {}", summary.possible_duplicates.len() - 50);
        }
    }
    Ok(())
}

pub fn export_households(
    db: &str,
    output: &Path,
    as_of: Option<&str>,
    lang: Lang,
) -> Result<(), CliError> {
    let as_of = match as_of {
        Some(s) => parse_date("as-of", s)?,
        None => today(),
    };
    let mut store = open(db)?;
    let rows = store.export_members(as_of)?;
    let mut out = AtomicFile::create(output)?;
    let path = output.display().to_string();
    if is_xlsx(output) {
        // The XLSX writer needs a path: write beside the temporary file, then move it over.
        let tmp = out.path().to_owned();
        write_households_xlsx(&tmp, &rows).map_err(|e| CliError::File {
            path: path.clone(),
            error: std::io::Error::other(e.to_string()),
        })?;
        out.commit_written()?;
    } else {
        write_households_csv(out.writer(), &rows).map_err(|error| CliError::File {
            path: path.clone(),
            error,
        })?;
        out.commit()?;
    }
    let households = rows
        .iter()
        .map(|r| r.household_code.as_str())
        .collect::<std::collections::HashSet<_>>()
        .len();
    match lang {
        Lang::Vi => println!(
            "Đã xuất {households} hộ, {} nhân khẩu (ngày {}) ra {path}.",
            rows.len(),
            as_of.vi()
        ),
        Lang::En => println!(
            "Exported {households} households, {} members (as of {}) to {path}.",
            rows.len(),
            as_of.vi()
        ),
    }
    Ok(())
}

pub fn household_show(
    db: &str,
    code: &str,
    as_of: Option<&str>,
    lang: Lang,
) -> Result<(), CliError> {
    let mut store = open(db)?;
    let h = store.household_history(code)?;
    let d = |s: &str| {
        Date::parse(s)
            .map(|d| d.vi())
            .unwrap_or_else(|_| s.to_owned())
    };
    println!(
        "{} {} ({} {})",
        lang.pick("Hộ", "Household"),
        h.code,
        lang.pick("đăng ký", "registered"),
        d(&h.registered_on)
    );
    if let Some(a) = as_of {
        let date = parse_date("as-of", a)?;
        match h.as_of(date) {
            None => println!(
                "{}",
                lang.pick(
                    "Chưa có trong sổ vào ngày này.",
                    "Not in the registry on that date."
                )
            ),
            Some((res, members)) => {
                println!("{} {}:", lang.pick("Ngày", "On"), date.vi());
                println!(
                    "  {} {} ({}), {}",
                    res.village_name.unwrap_or_default(),
                    res.commune_name,
                    res.commune_code,
                    res.area
                );
                for m in members {
                    println!(
                        "  - {} ({}, {}), {}",
                        m.name,
                        d(&m.birth_date),
                        m.relation,
                        m.ethnicity
                    );
                }
            }
        }
        return Ok(());
    }
    println!("{}", lang.pick("Nơi ở:", "Residence:"));
    for r in &h.residences {
        let until = r.until.as_deref().map(d).unwrap_or_default();
        println!(
            "  {} – {}: {} {} ({}), {}",
            d(&r.since),
            until,
            r.village_name.clone().unwrap_or_default(),
            r.commune_name,
            r.commune_code,
            r.area
        );
    }
    println!("{}", lang.pick("Thành viên:", "Members:"));
    for m in &h.members {
        let until = m.until.as_deref().map(d).unwrap_or_default();
        let cid = m.citizen_id.as_deref().unwrap_or("");
        println!(
            "  {} – {}: {} ({}, {}, {}) {cid}",
            d(&m.since),
            until,
            m.name,
            d(&m.birth_date),
            m.relation,
            m.ethnicity
        );
    }
    println!("{}", lang.pick("Sự kiện:", "Events:"));
    for e in &h.events {
        println!(
            "  {} {} {} {}",
            d(&e.date),
            e.kind,
            e.person.clone().unwrap_or_default(),
            e.note
        );
    }
    println!("{}", lang.pick("Kết quả rà soát:", "Reviews:"));
    for r in &h.reviews {
        let decided = r
            .decided_class
            .clone()
            .unwrap_or_else(|| lang.pick("chưa quyết định", "undecided").to_owned());
        println!(
            "  {} {} {}: {} ({})",
            r.year,
            r.standard_id,
            decided,
            r.reason,
            d(&r.review_date)
        );
    }
    Ok(())
}
