//! The `giamngheo` command line: glue between the user's files and the library crates. No domain logic here.

mod audit_cmd;
mod classify_cmd;
mod demo_cmd;
mod errors;
mod explain_cmd;
mod forecast_cmd;
mod mpi_cmd;
mod output;
mod progress;
mod registry_cmd;
mod report_cmd;
mod round_cmd;
mod score_cmd;
mod standard_arg;
mod standards_cmd;
mod sync_cmd;
mod web_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use giamngheo_core::Lang;
use giamngheo_core::messages::Localized;

use crate::errors::CliError;

#[derive(Parser)]
#[command(
    name = "giamngheo",
    version,
    about = "Giảm nghèo: rà soát, phân loại hộ nghèo, cận nghèo / poverty review and classification"
)]
struct Cli {
    /// Language of messages and explanations: vi (default) or en.
    #[arg(long, global = true, default_value = "vi", value_parser = parse_lang)]
    lang: Lang,
    /// The database: a SQLite file (default giamngheo.db) or postgres://… (also from GIAMNGHEO_DB).
    #[arg(
        long,
        global = true,
        env = "GIAMNGHEO_DB",
        default_value = "giamngheo.db"
    )]
    db: String,
    /// The audit chain's key file (also GIAMNGHEO_AUDIT_KEY_FILE; default DB.audit-key beside a SQLite file,
    /// created at the first write). Keep it off the database's machine in production.
    #[arg(long, global = true, env = "GIAMNGHEO_AUDIT_KEY_FILE")]
    audit_key: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Classify households from a CSV file of indicator flags (phân loại hộ từ tệp CSV).
    Classify(classify_cmd::ClassifyArgs),
    /// Explain the classification of one household from its survey facts (giải thích phân loại một hộ).
    Explain(explain_cmd::ExplainArgs),
    /// List or show the poverty standards (xem chuẩn nghèo).
    Standards {
        #[command(subcommand)]
        command: standards_cmd::StandardsCommand,
    },
    /// Build the synthetic demo registry of Thọ Xuân and Hiệp Đức (tạo dữ liệu mẫu).
    Demo(demo_cmd::DemoArgs),
    /// The web app (ứng dụng web): staff pages, the public commune pages, the JSON API.
    Serve(web_cmd::ServeArgs),
    /// Accounts of the web app (tài khoản).
    User {
        #[command(subcommand)]
        command: web_cmd::UserCommand,
    },
    /// Administrative units (đơn vị hành chính).
    Units {
        #[command(subcommand)]
        command: registry_cmd::UnitsCommand,
    },
    /// Import households and members from CSV or XLSX (nhập hộ).
    Import {
        #[command(subcommand)]
        command: registry_cmd::ImportCommand,
    },
    /// Export households and members to CSV or XLSX (xuất hộ).
    Export {
        #[command(subcommand)]
        command: registry_cmd::ExportCommand,
    },
    /// The Alkire-Foster multidimensional poverty index of a CSV of 0/1 indicators (chỉ số nghèo đa chiều).
    Mpi(mpi_cmd::MpiArgs),
    /// Reports: rates by year and their trend (báo cáo).
    Report {
        #[command(subcommand)]
        command: report_cmd::ReportCommand,
    },
    /// Plan targets of a unit (chỉ tiêu kế hoạch).
    Target {
        #[command(subcommand)]
        command: report_cmd::TargetCommand,
    },
    /// One household: members, residence, events, reviews (xem hộ).
    Household {
        #[command(subcommand)]
        command: registry_cmd::HouseholdCommand,
    },
    /// The review round step by step: open, request, survey, meeting, post, complaints, decide,
    /// certificates, lists (đợt rà soát).
    Round {
        #[command(flatten)]
        actor: round_cmd::ActorArgs,
        #[command(subcommand)]
        command: round_cmd::RoundCommand,
    },
    /// Support programmes and what households received (hỗ trợ).
    Support {
        #[command(flatten)]
        actor: round_cmd::ActorArgs,
        #[command(subcommand)]
        command: round_cmd::SupportCommand,
    },
    /// The income proxy score of survey answers from a point table (chấm điểm thu nhập): household_code,
    /// region (urban, nt1-nt6) and one column per item of the table; `illustrative` is the shipped example.
    Score(score_cmd::ScoreArgs),
    /// How many households would be poor under another standard (dự báo theo chuẩn mới): ranges where new
    /// indicators were never surveyed, what drives the change, the support and budget it implies.
    Forecast(forecast_cmd::ForecastArgs),
    /// The graduation plan of a unit (kế hoạch thoát nghèo): each poor and near-poor household's cheapest way
    /// out, what a budget buys and the rate it reaches against the plan target.
    Plan(forecast_cmd::PlanArgs),
    /// The audit log: verify its hash chain, export it (nhật ký kiểm toán).
    Audit {
        #[command(subcommand)]
        command: audit_cmd::AuditCommand,
    },
    /// Sync a commune's offline database with its province's server by file (đồng bộ).
    Sync {
        #[command(subcommand)]
        command: sync_cmd::SyncCommand,
    },
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("'{s}': vi hoặc en / vi or en"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(key) = &cli.audit_key {
        giamngheo_store::audit::use_key_file(key.clone());
    }
    let (db, lang) = (cli.db.as_str(), cli.lang);
    let result = match cli.command {
        Command::Classify(a) => classify_cmd::run(a, lang),
        Command::Explain(a) => explain_cmd::run(a, lang),
        Command::Standards { command } => standards_cmd::run(command, lang),
        Command::Demo(a) => demo_cmd::run(a, db, lang),
        Command::Serve(a) => web_cmd::run_serve(a, db, lang),
        Command::User { command } => web_cmd::run_user(command, db, lang),
        Command::Units { command } => registry_cmd::run_units(command, db, lang),
        Command::Import { command } => registry_cmd::run_import(command, db, lang),
        Command::Export { command } => registry_cmd::run_export(command, db, lang),
        Command::Mpi(a) => mpi_cmd::run(a, lang),
        Command::Report { command } => report_cmd::run(command, db, lang),
        Command::Target { command } => report_cmd::run_target(command, db, lang),
        Command::Household { command } => registry_cmd::run_household(command, db, lang),
        Command::Round { actor, command } => round_cmd::run(db, actor, command, lang),
        Command::Support { actor, command } => round_cmd::run_support(db, actor, command, lang),
        Command::Score(a) => score_cmd::run(a, lang),
        Command::Forecast(a) => forecast_cmd::run(a, db, lang),
        Command::Plan(a) => forecast_cmd::run_plan(a, db, lang),
        Command::Audit { command } => audit_cmd::run(command, db, lang),
        Command::Sync { command } => sync_cmd::run(command, db, lang),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::BrokenPipe) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", e.bilingual());
            ExitCode::from(e.exit_code())
        }
    }
}
