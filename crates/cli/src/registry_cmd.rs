//! The registry from the command line: units, household import and export, one household's history.

use crate::output::outln;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use giamngheo_core::Lang;
use giamngheo_core::date::Date;
use giamngheo_core::ids::HouseholdCode;
use giamngheo_formats::households::read_households;
use giamngheo_formats::table::read_xlsx;
use giamngheo_store::Store;

use crate::errors::CliError;
use crate::output::AtomicFile;
use crate::progress::Progress;

pub use giamngheo_store::today;

#[derive(Subcommand)]
pub enum UnitsCommand {
    /// Load the national unit lists before and after the reform of 1 July 2025 (shipped with the program), or
    /// lists of your own in the same CSV layout (see data/units/README.md).
    Load {
        #[arg(long, requires_all = ["after", "lineage"])]
        before: Option<PathBuf>,
        #[arg(long)]
        after: Option<PathBuf>,
        #[arg(long)]
        lineage: Option<PathBuf>,
        /// The first day of the lists given with --after.
        #[arg(long, default_value = "2025-07-01")]
        reform_date: String,
    },
}

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Plan targets from CSV or XLSX: unit_code, year, poor_rate, optional near_poor_rate and note.
    Targets {
        file: PathBuf,
        /// Find the units on the boundaries of this date (default today).
        #[arg(long)]
        as_of_boundaries: Option<String>,
    },
    /// Review results of a year, one row per household: household_code, income_per_capita or income_score,
    /// then one 0/1 column per indicator or a column deprived_indicators; optional area, decided_class and
    /// decided_on. Classified under the standard in force that year.
    Reviews {
        file: PathBuf,
        #[arg(long)]
        year: u16,
        /// Another standard than the one in force (an id or a file).
        #[arg(long)]
        standard: Option<String>,
        /// The review date (default 15/11 of the year).
        #[arg(long)]
        date: Option<String>,
    },
    /// One row per member: household_code, commune_code, village, area, address, full_name, relation, sex,
    /// birth_date, ethnicity, citizen_id (Vietnamese headers accepted).
    Households {
        file: PathBuf,
        /// The date the import describes (default today); changes are recorded as of this date.
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Write the households import's template: an XLSX with the headers, an example household and lists to
    /// pick from (mẫu nhập hộ).
    Template {
        /// Where to write it (default mau-nhap-ho.xlsx).
        #[arg(long, short, default_value = "mau-nhap-ho.xlsx")]
        output: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// The latest periodic review of each household for a year.
    Reviews {
        #[arg(long)]
        year: u16,
        /// .csv or .xlsx
        #[arg(long, short)]
        output: PathBuf,
    },
    Households {
        /// .csv or .xlsx
        #[arg(long, short)]
        output: PathBuf,
        /// The registry as it was on this date (default today).
        #[arg(long)]
        as_of: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum HouseholdCommand {
    Show {
        code: HouseholdCode,
        /// Show the household as it was on this date.
        #[arg(long)]
        as_of: Option<String>,
    },
    /// A child born into the household (khai sinh).
    Birth {
        code: HouseholdCode,
        #[arg(long)]
        name: String,
        /// nam/nữ (male/female)
        #[arg(long)]
        sex: String,
        /// The birth date, which is also the date of the event.
        #[arg(long)]
        born: String,
        #[arg(long, default_value = "Kinh")]
        ethnicity: String,
        #[arg(long, default_value = "con")]
        relation: String,
    },
    /// A member died (khai tử); the person id is shown by `household show`.
    Death {
        code: HouseholdCode,
        #[arg(long)]
        person: i64,
        #[arg(long)]
        date: String,
    },
    /// Members leave to found a new household (tách hộ).
    Split {
        code: HouseholdCode,
        #[arg(long)]
        new_code: HouseholdCode,
        /// Person ids, comma-separated.
        #[arg(long, value_delimiter = ',')]
        members: Vec<i64>,
        #[arg(long)]
        head: i64,
        #[arg(long)]
        date: String,
    },
    /// The household joins another one (nhập hộ).
    Merge {
        code: HouseholdCode,
        #[arg(long)]
        into: HouseholdCode,
        #[arg(long)]
        date: String,
    },
}

pub fn run_units(command: UnitsCommand, db: &str, lang: Lang) -> Result<(), CliError> {
    match command {
        UnitsCommand::Load {
            before,
            after,
            lineage,
            reform_date,
        } => units_load(db, before.zip(after).zip(lineage), &reform_date, lang),
    }
}

pub fn run_import(command: ImportCommand, db: &str, lang: Lang) -> Result<(), CliError> {
    match command {
        ImportCommand::Households { file, as_of } => {
            import_households(db, &file, as_of.as_deref(), lang)
        }
        ImportCommand::Reviews {
            file,
            year,
            standard,
            date,
        } => import_reviews(db, &file, year, standard.as_deref(), date.as_deref(), lang),
        ImportCommand::Targets {
            file,
            as_of_boundaries,
        } => crate::report_cmd::import_targets(db, &file, as_of_boundaries.as_deref(), lang),
        ImportCommand::Template { output } => import_template(&output, lang),
    }
}

/// `giamngheo import template`: the workbook an officer fills, written whole or not at all.
fn import_template(output: &std::path::Path, lang: Lang) -> Result<(), CliError> {
    let bytes =
        giamngheo_formats::template::households_template(lang).map_err(|e| CliError::File {
            path: output.display().to_string(),
            error: std::io::Error::other(e.to_string()),
        })?;
    let mut out = crate::output::AtomicFile::create(output)?;
    std::io::Write::write_all(out.writer(), &bytes).map_err(|error| CliError::File {
        path: output.display().to_string(),
        error,
    })?;
    out.commit()?;
    outln!(
        "{} {}",
        lang.pick("Đã ghi tệp mẫu nhập hộ:", "Wrote the households template:"),
        output.display()
    );
    Ok(())
}

pub fn run_export(command: ExportCommand, db: &str, lang: Lang) -> Result<(), CliError> {
    match command {
        ExportCommand::Households { output, as_of } => {
            export_households(db, &output, as_of.as_deref(), lang)
        }
        ExportCommand::Reviews { year, output } => export_reviews(db, year, &output, lang),
    }
}

pub fn run_household(command: HouseholdCommand, db: &str, lang: Lang) -> Result<(), CliError> {
    match command {
        HouseholdCommand::Show { code, as_of } => {
            household_show(db, code.as_str(), as_of.as_deref(), lang)
        }
        HouseholdCommand::Birth {
            code,
            name,
            sex,
            born,
            ethnicity,
            relation,
        } => birth(
            db,
            code.as_str(),
            &name,
            &sex,
            &born,
            &ethnicity,
            &relation,
            lang,
        ),
        HouseholdCommand::Death { code, person, date } => {
            death(db, code.as_str(), person, &date, lang)
        }
        HouseholdCommand::Split {
            code,
            new_code,
            members,
            head,
            date,
        } => split(db, code.as_str(), &new_code, &members, head, &date, lang),
        HouseholdCommand::Merge { code, into, date } => {
            merge(db, code.as_str(), into.as_str(), &date, lang)
        }
    }
}

pub fn parse_date(name: &'static str, s: &str) -> Result<Date, CliError> {
    Date::parse(s).map_err(|_| CliError::Argument {
        name,
        value: s.to_owned(),
        vi: "ngày không hợp lệ (dd/mm/yyyy hoặc yyyy-mm-dd)".into(),
        en: "not a valid date (dd/mm/yyyy or yyyy-mm-dd)".into(),
    })
}

/// The date given for option `name`, or today when none was.
pub fn date_or_today(name: &'static str, s: Option<&str>) -> Result<Date, CliError> {
    s.map_or_else(|| Ok(today()), |s| parse_date(name, s))
}

pub fn open(db: &str) -> Result<Store, CliError> {
    Ok(Store::open(db)?)
}

/// Who the command line's registry changes are recorded as: its user (GIAMNGHEO_ACTOR or the system user) in
/// the given role, over the whole database (whoever holds the file holds all of it); `round` and `support`
/// name their own actor with `--as`/`--role`.
pub fn cli_actor(role: giamngheo_core::round::Role) -> giamngheo_store::audit::Actor {
    let name = std::env::var("GIAMNGHEO_ACTOR")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "cli".to_owned());
    giamngheo_store::audit::Actor::new(&name, role, "cli")
}

/// The command line's user changing the registry (a commune officer's work).
fn registrar() -> giamngheo_store::audit::Actor {
    cli_actor(giamngheo_core::round::Role::CommuneOfficer)
}

/// The command line's user loading units (an administrator's work).
fn administrator() -> giamngheo_store::audit::Actor {
    cli_actor(giamngheo_core::round::Role::Administrator)
}

pub fn units_load(
    db: &str,
    files: Option<((PathBuf, PathBuf), PathBuf)>,
    reform_date: &str,
    lang: Lang,
) -> Result<(), CliError> {
    let reform = parse_date("reform-date", reform_date)?;
    let mut store = open(db)?;
    let units = match files {
        None => giamngheo_formats::units::national()?,
        Some(((before, after), lineage)) => {
            // Bytes that are not UTF-8 are the file's problem (exit 2, its row named), not the machine's.
            let read = |p: &PathBuf| {
                let bytes = std::fs::read(p).map_err(|error| CliError::File {
                    path: p.display().to_string(),
                    error,
                })?;
                String::from_utf8(bytes).map_err(|e| {
                    let at = e.utf8_error().valid_up_to();
                    let row = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
                    CliError::Csv(giamngheo_formats::CsvError {
                        row: Some(row),
                        ..giamngheo_formats::CsvError::file(
                            &p.display().to_string(),
                            giamngheo_formats::CsvErrorKind::NotUtf8,
                        )
                    })
                })
            };
            let name = |p: &PathBuf| p.display().to_string();
            giamngheo_formats::units::NationalUnits {
                before: giamngheo_formats::units::read_units(&read(&before)?, &name(&before))?,
                after: giamngheo_formats::units::read_units(&read(&after)?, &name(&after))?,
                links: giamngheo_formats::units::read_lineage(&read(&lineage)?, &name(&lineage))?,
            }
        }
    };
    let s = store.load_units(
        &administrator(),
        &units.before,
        &units.after,
        &units.links,
        reform,
    )?;
    match lang {
        Lang::Vi if s.communes == 0 => {
            outln!("Danh mục đơn vị hành chính đã có sẵn trong {db}; không thay đổi gì.")
        }
        Lang::En if s.communes == 0 => {
            outln!("The unit lists are already in {db}; nothing changed.")
        }
        Lang::Vi => outln!(
            "Đã nạp {} tỉnh, {} huyện, {} xã và {} liên kết sắp xếp ngày 01/07/2025 vào {db}.",
            s.provinces,
            s.districts,
            s.communes,
            s.links
        ),
        Lang::En => outln!(
            "Loaded {} provinces, {} districts, {} communes and {} links of the 1 July 2025 reform into {db}.",
            s.provinces,
            s.districts,
            s.communes,
            s.links
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
    let as_of = date_or_today("as-of", as_of)?;
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
            &administrator(),
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
    let summary = store.import_households(&registrar(), &records, as_of, &mut |done| {
        bar.update("import", done, total);
        if abort_after.is_some_and(|n| done >= n && done < total) {
            std::process::abort();
        }
    })?;
    bar.finish();
    let (added, updated) = (summary.added, summary.updated);
    let (unchanged, members) = (summary.unchanged, summary.members_added);
    match lang {
        Lang::Vi => outln!(
            "Đã nhập {name}: {added} hộ mới, {updated} hộ thay đổi, {unchanged} hộ không đổi, {members} nhân khẩu mới."
        ),
        Lang::En => outln!(
            "Imported {name}: {added} new households, {updated} changed, {unchanged} unchanged, {members} new members."
        ),
    }
    if !summary.possible_duplicates.is_empty() {
        outln!(
            "{}",
            lang.pick(
                "Có thể trùng người (cùng họ tên, ngày sinh ở hộ khác) — hãy kiểm tra:",
                "Possible duplicates (same name and birth date in another household) — please check:"
            )
        );
        for d in summary.possible_duplicates.iter().take(50) {
            let (row, name, born) = (d.row, &d.name, d.birth_date.vi());
            let other = d.other_household.as_deref().unwrap_or("?");
            match lang {
                Lang::Vi => outln!("  dòng {row}: {name} ({born}) cũng có ở hộ {other}"),
                Lang::En => outln!("  row {row}: {name} ({born}) also in household {other}"),
            }
        }
        if summary.possible_duplicates.len() > 50 {
            outln!("  … {}", summary.possible_duplicates.len() - 50);
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
    use giamngheo_formats::households::{MembersCsv, MembersXlsx};
    let as_of = date_or_today("as-of", as_of)?;
    let mut store = open(db)?;
    let total = store.household_count()? as u64;
    let mut out = AtomicFile::create(output)?;
    let path = output.display().to_string();
    let io_err = |e: std::io::Error| giamngheo_store::StoreError::Db(e.to_string());
    let xlsx_err = |e: rust_xlsxwriter::XlsxError| CliError::File {
        path: path.clone(),
        error: std::io::Error::other(e.to_string()),
    };
    let mut bar = Progress::new();
    let (mut members, mut households, mut last) = (0u64, 0u64, String::new());
    // Rows stream from the database into the file: a million households never sit in memory.
    let mut count = |r: &giamngheo_core::registry::MemberRow| {
        members += 1;
        if r.household_code != last {
            households += 1;
            last.clone_from(&r.household_code);
            if households % 4096 == 0 {
                bar.update("export", households, total);
            }
        }
    };
    if is_xlsx(output) {
        let mut w = MembersXlsx::new().map_err(xlsx_err)?;
        let mut failed = None;
        store.each_member(as_of, &mut |r| {
            count(&r);
            if let Err(e) = w.row(&r) {
                failed.get_or_insert(e);
            }
            Ok(())
        })?;
        if let Some(e) = failed {
            return Err(xlsx_err(e));
        }
        let tmp = out.path().to_owned();
        w.save(&tmp).map_err(xlsx_err)?;
        out.commit_written()?;
    } else {
        let mut w = MembersCsv::new(out.writer());
        store.each_member(as_of, &mut |r| {
            count(&r);
            w.row(&r).map_err(io_err)
        })?;
        w.finish().map_err(|error| CliError::File {
            path: path.clone(),
            error,
        })?;
        out.commit()?;
    }
    bar.finish();
    let on = as_of.vi();
    match lang {
        Lang::Vi => outln!("Đã xuất {households} hộ, {members} nhân khẩu (ngày {on}) ra {path}."),
        Lang::En => {
            outln!("Exported {households} households, {members} members (as of {on}) to {path}.")
        }
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
    outln!(
        "{} {} ({} {})",
        lang.pick("Hộ", "Household"),
        h.code,
        lang.pick("đăng ký", "registered"),
        h.registered_on.vi()
    );
    if let Some(a) = as_of {
        let date = parse_date("as-of", a)?;
        match h.as_of(date) {
            None => outln!(
                "{}",
                lang.pick(
                    "Chưa có trong sổ vào ngày này.",
                    "Not in the registry on that date."
                )
            ),
            Some((res, members)) => {
                outln!("{} {}:", lang.pick("Ngày", "On"), date.vi());
                outln!(
                    "  {} {} ({}), {}",
                    res.village_name.unwrap_or_default(),
                    res.commune_name,
                    res.commune_code,
                    res.area.name(lang)
                );
                for m in members {
                    outln!(
                        "  - {} ({}, {}), {}",
                        m.name,
                        m.birth_date.vi(),
                        m.relation.name(lang),
                        m.ethnicity
                    );
                }
            }
        }
        return Ok(());
    }
    outln!("{}", lang.pick("Nơi ở:", "Residence:"));
    for r in &h.residences {
        let until = r.until.map(Date::vi).unwrap_or_default();
        outln!(
            "  {} – {}: {} {} ({}), {}",
            r.since.vi(),
            until,
            r.village_name.clone().unwrap_or_default(),
            r.commune_name,
            r.commune_code,
            r.area.name(lang)
        );
    }
    outln!("{}", lang.pick("Thành viên:", "Members:"));
    for m in &h.members {
        let until = m.until.map(Date::vi).unwrap_or_default();
        let cid = m.citizen_id.as_deref().unwrap_or("");
        outln!(
            "  {} – {}: [{}] {} ({}, {}, {}) {cid}",
            m.since.vi(),
            until,
            m.person_id,
            m.name,
            m.birth_date.vi(),
            m.relation.name(lang),
            m.ethnicity
        );
    }
    outln!("{}", lang.pick("Sự kiện:", "Events:"));
    for e in &h.events {
        outln!(
            "  {} {} {} {}",
            e.date.vi(),
            e.kind.name(lang),
            e.person.clone().unwrap_or_default(),
            e.note
        );
    }
    outln!("{}", lang.pick("Kết quả rà soát:", "Reviews:"));
    for r in &h.reviews {
        let decided = match r.decided_class {
            Some(class) => class.name(lang),
            None => lang.pick("chưa quyết định", "undecided"),
        };
        outln!(
            "  {} {} {}: {} ({})",
            r.year,
            r.standard_id,
            decided,
            r.reason,
            r.review_date.vi()
        );
    }
    Ok(())
}

fn done(lang: Lang, vi: String, en: String) -> Result<(), CliError> {
    outln!("{}", lang.pick(&vi, &en));
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn birth(
    db: &str,
    code: &str,
    name: &str,
    sex: &str,
    born: &str,
    ethnicity: &str,
    relation: &str,
    lang: Lang,
) -> Result<(), CliError> {
    use giamngheo_core::ids::PersonName;
    use giamngheo_core::registry::{MemberRecord, Relation};
    let arg = |name: &'static str, value: &str, vi: &str, en: &str| CliError::Argument {
        name,
        value: value.to_owned(),
        vi: vi.to_owned(),
        en: en.to_owned(),
    };
    let born_on = parse_date("born", born)?;
    let member = MemberRecord::new(
        PersonName::parse(name)
            .ok_or_else(|| arg("name", name, "họ tên không hợp lệ", "not a valid name"))?,
        giamngheo_core::facts::Sex::parse_any(sex)
            .ok_or_else(|| arg("sex", sex, "nam hoặc nữ", "male or female"))?,
        born_on,
        ethnicity,
        None,
        Relation::parse(relation).ok_or_else(|| {
            arg(
                "relation",
                relation,
                "quan hệ không hợp lệ",
                "not a valid relation",
            )
        })?,
    );
    let id = open(db)?.record_birth(&registrar(), code, &member, born_on)?;
    done(
        lang,
        format!("Đã ghi khai sinh {name} (mã người {id}) vào hộ {code}."),
        format!("Recorded the birth of {name} (person {id}) in household {code}."),
    )
}

pub fn death(db: &str, code: &str, person: i64, date: &str, lang: Lang) -> Result<(), CliError> {
    let d = parse_date("date", date)?;
    open(db)?.record_death(&registrar(), code, person, d)?;
    done(
        lang,
        format!(
            "Đã ghi khai tử người {person} của hộ {code}, ngày {}.",
            d.vi()
        ),
        format!(
            "Recorded the death of person {person} of household {code} on {}.",
            d.vi()
        ),
    )
}

pub fn split(
    db: &str,
    code: &str,
    new_code: &HouseholdCode,
    members: &[i64],
    head: i64,
    date: &str,
    lang: Lang,
) -> Result<(), CliError> {
    let d = parse_date("date", date)?;
    open(db)?.split_household(&registrar(), code, new_code.as_str(), members, head, d)?;
    done(
        lang,
        format!("Đã tách hộ {new_code} từ hộ {code}, ngày {}.", d.vi()),
        format!("Household {new_code} split from {code} on {}.", d.vi()),
    )
}

pub fn merge(db: &str, code: &str, into: &str, date: &str, lang: Lang) -> Result<(), CliError> {
    let d = parse_date("date", date)?;
    open(db)?.merge_households(&registrar(), code, into, d)?;
    done(
        lang,
        format!("Đã nhập hộ {code} vào hộ {into}, ngày {}.", d.vi()),
        format!("Household {code} merged into {into} on {}.", d.vi()),
    )
}

pub fn import_reviews(
    db: &str,
    file: &Path,
    year: u16,
    standard: Option<&str>,
    date: Option<&str>,
    lang: Lang,
) -> Result<(), CliError> {
    use giamngheo_core::standard::builtin;
    let standard = match standard {
        Some(s) => crate::standard_arg::load(s)?,
        None => builtin::for_year(year)?,
    };
    let day = match date {
        Some(d) => parse_date("date", d)?,
        None => giamngheo_core::calendar::review_day(i32::from(year)),
    };
    let name = file.display().to_string();
    let reviews = if is_xlsx(file) {
        let mut table = read_xlsx(file, &name)?;
        giamngheo_formats::reviews::read_reviews(&mut table, &standard)
    } else {
        let f = std::fs::File::open(file).map_err(|error| CliError::File {
            path: name.clone(),
            error,
        })?;
        let mut rows = giamngheo_formats::table::CsvRows::open(f, &name)?;
        giamngheo_formats::reviews::read_reviews(&mut rows, &standard)
    }
    .map_err(CliError::Import)?;
    let classifier = giamngheo_core::Classifier::new(standard);
    let s = open(db)?.import_reviews(&registrar(), i32::from(year), day, &classifier, &reviews)?;
    let [poor, near, middle, not_poor] = s.by_class;
    let (added, replaced, unchanged) = (s.added, s.replaced, s.unchanged);
    let standard = &classifier.standard().id;
    match lang {
        Lang::Vi => outln!(
            "Đã nhập kết quả rà soát năm {year} theo chuẩn {standard}: {added} mới, {replaced} thay thế, {unchanged} không đổi ({poor} hộ nghèo, {near} hộ cận nghèo, {middle} hộ có mức sống trung bình, {not_poor} không nghèo)."
        ),
        Lang::En => outln!(
            "Imported the {year} reviews under {standard}: {added} new, {replaced} replaced, {unchanged} unchanged ({poor} poor, {near} near-poor, {middle} middle-income, {not_poor} not poor)."
        ),
    }
    if let Some(note) = crate::classify_cmd::unverified_note(classifier.standard(), lang) {
        eprintln!("{note}");
    }
    Ok(())
}

pub fn export_reviews(db: &str, year: u16, output: &Path, lang: Lang) -> Result<(), CliError> {
    let rows = open(db)?.export_reviews(i32::from(year))?;
    let standard_of = |id: &str| giamngheo_core::standard::builtin::get(id).ok();
    let mut out = AtomicFile::create(output)?;
    let path = output.display().to_string();
    if is_xlsx(output) {
        let tmp = out.path().to_owned();
        giamngheo_formats::reviews::write_reviews_xlsx(&tmp, &rows, &standard_of).map_err(|e| {
            CliError::File {
                path: path.clone(),
                error: std::io::Error::other(e.to_string()),
            }
        })?;
        out.commit_written()?;
    } else {
        giamngheo_formats::reviews::write_reviews_csv(out.writer(), &rows, &standard_of).map_err(
            |error| CliError::File {
                path: path.clone(),
                error,
            },
        )?;
        out.commit()?;
    }
    done(
        lang,
        format!(
            "Đã xuất {} kết quả rà soát năm {year} ra {path}.",
            rows.len()
        ),
        format!("Exported {} reviews of {year} to {path}.", rows.len()),
    )
}
