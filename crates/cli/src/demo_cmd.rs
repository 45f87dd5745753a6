//! `giamngheo demo`: builds the synthetic registry into a database file, atomically, and shows what it holds.

use crate::output::outln;
use std::path::Path;

use clap::Args;

use giamngheo_core::{Lang, vi_format};
use giamngheo_demo::{DemoError, DemoOptions};

use crate::errors::CliError;
use crate::progress::Progress;

#[derive(Args)]
pub struct DemoArgs {
    /// Households in all (default about 76,000: 65,000 in Thọ Xuân, 11,000 in Hiệp Đức).
    #[arg(long)]
    households: Option<u64>,
    /// The seed: the same seed builds the same registry.
    #[arg(long, default_value_t = 2019)]
    seed: u64,
    /// Do not start the web app afterwards (it starts only from a terminal anyway).
    #[arg(long)]
    no_serve: bool,
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: String,
}

/// Builds the demo registry (into giamngheo-demo.db unless `--db` names another database), then its accounts,
/// and serves it.
pub fn run(args: DemoArgs, db: &str, lang: Lang) -> Result<(), CliError> {
    let db = if db == "giamngheo.db" {
        "giamngheo-demo.db"
    } else {
        db
    };
    build(db, args.households, args.seed, lang)
        .and_then(|()| crate::web_cmd::demo_accounts_and_serve(db, &args.bind, args.no_serve, lang))
}

/// SQLite: built under a temporary name and renamed, so an interrupted demo leaves no half-built database.
fn build_sqlite(db: &str, opts: DemoOptions) -> Result<giamngheo_demo::DemoSummary, CliError> {
    let dest = Path::new(db);
    let tmp = dest.with_file_name(format!(
        ".{}.{}.tmp",
        dest.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    let remove = |p: &Path| {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
        }
    };
    remove(&tmp);
    let result = giamngheo_store::Store::open(&tmp.display().to_string())
        .map_err(CliError::Store)
        .and_then(|mut store| fill(&mut store, db, opts));
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            remove(&tmp);
            return Err(e);
        }
    };
    remove(dest);
    std::fs::rename(&tmp, dest).map_err(|error| CliError::File {
        path: db.to_owned(),
        error,
    })?;
    Ok(summary)
}

/// PostgreSQL: built in a schema of its own, swapped for the URL's schema in one transaction at the end (a
/// schema holding other tables than ours is refused before anything is written).
fn build_postgres(url: &str, opts: DemoOptions) -> Result<giamngheo_demo::DemoSummary, CliError> {
    let build = giamngheo_store::SchemaBuild::start(url)?;
    let result = giamngheo_store::Store::open_postgres(url, Some(&build.building))
        .map_err(CliError::Store)
        .and_then(|mut store| fill(&mut store, url, opts));
    match result {
        Ok(summary) => {
            build.finish()?;
            Ok(summary)
        }
        Err(e) => {
            build.abandon();
            Err(e)
        }
    }
}

fn fill(
    store: &mut giamngheo_store::Store,
    db: &str,
    opts: DemoOptions,
) -> Result<giamngheo_demo::DemoSummary, CliError> {
    // The chain is keyed with the key of the database's final name, not of the temporary file.
    match giamngheo_store::audit::key_file_for(db) {
        Some(key) => store.set_audit_key_file(&key),
        None => store.set_audit_key(None),
    }
    let mut bar = Progress::new();
    let r = giamngheo_demo::build(store, opts, &mut |phase, done, total| {
        bar.update(phase, done, total)
    });
    bar.finish();
    r.map_err(|e| match e {
        DemoError::Store(e) => CliError::Store(e),
        DemoError::Standard(e) => CliError::Standard(e),
        DemoError::Units(e) => CliError::Csv(e),
        DemoError::Calibration {
            district,
            year,
            expected,
            found,
        } => CliError::Demo(
            format!(
                "Lỗi hiệu chỉnh dữ liệu mẫu: {district} năm {year} cần {expected} hộ nghèo, bộ phân loại cho {found}"
            ),
            format!(
                "Demo calibration failed: {district} {year} needs {expected} poor households, the classifier found {found}"
            ),
        ),
    })
}

fn build(db: &str, households: Option<u64>, seed: u64, lang: Lang) -> Result<(), CliError> {
    let mut opts = DemoOptions {
        seed,
        ..DemoOptions::default()
    };
    if let Some(n) = households {
        opts.households = n;
    }
    let started = std::time::Instant::now();
    let summary = if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        build_postgres(db, opts)?
    } else {
        build_sqlite(db, opts)?
    };
    let n = |x: u64| vi_format::int(x as i64, lang);
    let secs = vi_format::decimal(started.elapsed().as_secs_f64(), 1, lang);
    let (households, members) = (n(summary.households), n(summary.members));
    let reviews = n(summary.reviews);
    let (first, last) = (giamngheo_demo::FIRST_YEAR, giamngheo_demo::LAST_YEAR);
    match lang {
        Lang::Vi => outln!(
            "Đã tạo sổ hộ mẫu {db} trong {secs} giây: {households} hộ, {members} nhân khẩu, {reviews} kết quả rà soát {first}-{last}."
        ),
        Lang::En => outln!(
            "Built the demo registry {db} in {secs} s: {households} households, {members} members, {reviews} review records {first}-{last}."
        ),
    }
    for d in &summary.districts {
        outln!();
        let district = &d.model.name;
        match lang {
            Lang::Vi => {
                outln!("Huyện {district} (địa giới năm 2020), tỷ lệ hộ nghèo cuối mỗi năm:")
            }
            Lang::En => outln!(
                "{district} district (2020 boundaries), poor-household rate at the end of each year:"
            ),
        }
        outln!(
            "  {:<5} {:<13} {:>9} {:>9} {:>8} {:>10} {:>8}",
            lang.pick("Năm", "Year"),
            lang.pick("Chuẩn", "Standard"),
            lang.pick("Số hộ", "Households"),
            lang.pick("Hộ nghèo", "Poor"),
            "%",
            lang.pick("Cận nghèo", "Near-poor"),
            "%"
        );
        let mut last_standard = None;
        for r in &d.rates {
            let standard = r.standard_id.clone().unwrap_or_default();
            if last_standard.as_ref().is_some_and(|s| *s != standard) {
                outln!(
                    "  {}",
                    lang.pick("—— đổi chuẩn nghèo ——", "—— change of standard ——")
                );
            }
            last_standard = Some(standard.clone());
            outln!(
                "  {:<5} {:<13} {:>9} {:>9} {:>8} {:>10} {:>8}",
                r.year,
                standard,
                n(r.households as u64),
                n(r.poor as u64),
                vi_format::decimal(r.poor_rate(), 2, lang),
                n(r.near_poor as u64),
                vi_format::decimal(r.near_poor_rate(), 2, lang)
            );
        }
        let at = |y: i32| d.rates.iter().find(|r| r.year == y).map(|r| r.poor_rate());
        if let (Some(a), Some(b)) = (at(2015), at(2019)) {
            let fall = vi_format::decimal((round2(a) - round2(b)) / 4.0, 2, lang);
            match lang {
                Lang::Vi => outln!("  Giảm bình quân 2015-2019: {fall} điểm %/năm."),
                Lang::En => outln!("  Average annual reduction 2015-2019: {fall} points a year."),
            }
        }
        let published = &d.model.published;
        match lang {
            Lang::Vi => outln!("  Số liệu công bố dùng để hiệu chỉnh: {published}"),
            Lang::En => outln!("  Published figures used for calibration: {published}"),
        }
    }
    outln!();
    outln!(
        "{}",
        lang.pick(
            "Lưu ý: mọi hộ, họ tên, thu nhập và thiếu hụt là dữ liệu GIẢ LẬP. Chỉ danh mục đơn vị hành chính và các số liệu công bố nêu trên là thật.",
            "Note: every household, name, income and deprivation is SYNTHETIC. Only the administrative units and the published figures above are real."
        )
    );
    let prog = program();
    if let Some(code) = &summary.example {
        match lang {
            Lang::Vi => {
                outln!("Xem một hộ đã thoát nghèo: {prog} --db {db} household show {code}")
            }
            Lang::En => outln!(
                "See a household that escaped poverty: {prog} --db {db} household show {code}"
            ),
        }
    }
    if let Some(r) = &summary.round {
        // Where the round stands on the day the demo was built: in its posting period (the public page shows
        // the list) or past it (the decision can be taken once the complaint is answered).
        let (from, to) = (r.posted_on.vi(), r.posting_ends.vi());
        let (state_vi, state_en) = if r.posting_now {
            (
                format!("đang niêm yết từ {from} đến hết {to}"),
                format!("posted from {from} until the end of {to}"),
            )
        } else {
            (
                format!("đã niêm yết từ {from} đến {to}, chờ quyết định"),
                format!("posted from {from} to {to}, awaiting its decision"),
            )
        };
        let (year, commune, id) = (r.year, &r.commune, r.round_id);
        let (households, complaint) = (r.households, r.open_complaint);
        match lang {
            Lang::Vi => outln!(
                "Đợt rà soát năm {year} của {commune} (số {id}): {households} hộ đã rà soát, họp dân, {state_vi}; một khiếu nại chờ trả lời. \
                 Xem: {prog} --db {db} round status {id}; trả lời: round answer {complaint} --outcome rejected --text …; rồi round decide {id} --number … --signed-by …"
            ),
            Lang::En => outln!(
                "The {year} round of {commune} (no. {id}): {households} households surveyed and met on, {state_en}; one complaint awaits its answer. \
                 See: {prog} --db {db} round status {id}; answer: round answer {complaint} --outcome rejected --text …; then round decide {id} --number … --signed-by …"
            ),
        }
    }
    Ok(())
}

/// How to call this program again from here: its path relative to the working directory when it lies below
/// it (`target/release/giamngheo` after `cargo run --release`), else its name (installed on the PATH).
pub(crate) fn program() -> String {
    let exe = std::env::current_exe().ok();
    let cwd = std::env::current_dir().ok();
    match (exe, cwd) {
        (Some(exe), Some(cwd)) => match exe.strip_prefix(&cwd) {
            Ok(rel) => format!("./{}", rel.display()),
            Err(_) => "giamngheo".to_owned(),
        },
        _ => "giamngheo".to_owned(),
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
