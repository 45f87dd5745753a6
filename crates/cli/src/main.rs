//! The `giamngheo` command line: glue between the user's files and the library crates. No domain logic here.

mod classify_cmd;
mod demo_cmd;
mod errors;
mod explain_cmd;
mod mpi_cmd;
mod output;
mod progress;
mod registry_cmd;
mod report_cmd;
mod standard_arg;
mod standards_cmd;
mod web_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
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
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Classify households from a CSV file of indicator flags (phân loại hộ từ tệp CSV).
    Classify(ClassifyArgs),
    /// Explain the classification of one household from its survey facts (giải thích phân loại một hộ).
    Explain(ExplainArgs),
    /// List or show the poverty standards (xem chuẩn nghèo).
    Standards {
        #[command(subcommand)]
        command: StandardsCommand,
    },
    /// Build the synthetic demo registry of Thọ Xuân and Hiệp Đức (tạo dữ liệu mẫu).
    Demo {
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
    },
    /// The web app (ứng dụng web): staff pages, the public commune pages, the JSON API.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
    },
    /// Accounts of the web app (tài khoản).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Administrative units (đơn vị hành chính).
    Units {
        #[command(subcommand)]
        command: UnitsCommand,
    },
    /// Import households and members from CSV or XLSX (nhập hộ).
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Export households and members to CSV or XLSX (xuất hộ).
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// The Alkire-Foster multidimensional poverty index of a CSV of 0/1 indicators (chỉ số nghèo đa chiều).
    Mpi {
        /// The dimensions and indicators (TOML): [[dimensions]] name, indicators, optional weights.
        #[arg(long)]
        spec: PathBuf,
        /// Poverty cutoffs in percent (poor when the weighted deprivation score is at least k/100); repeatable.
        #[arg(long = "k", value_parser = clap::value_parser!(u8).range(1..=100))]
        ks: Vec<u8>,
        /// Subgroup columns; repeatable.
        #[arg(long)]
        over: Vec<String>,
        /// A column of sampling weights.
        #[arg(long)]
        weight: Option<String>,
        #[arg(long, default_value = "csv", value_parser = ["csv", "json"])]
        format: String,
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[arg(default_value = "-")]
        input: String,
    },
    /// Reports: rates by year and their trend (báo cáo).
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// One household: members, residence, events, reviews (xem hộ).
    Household {
        #[command(subcommand)]
        command: HouseholdCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account bound to a unit; the password is read from standard input or generated and printed.
    Add {
        #[arg(long)]
        name: String,
        /// administrator, province_staff, commune_officer, village_reviewer or auditor.
        #[arg(long)]
        role: String,
        /// The unit code (province, district, commune or village); none = the whole country (administrator,
        /// auditor only).
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum ReportCommand {
    /// unit_code,unit_name,year,standard,households,poor,poor_rate,near_poor,near_poor_rate (rates in percent).
    Rates {
        /// A unit code or name (province, district, commune, village).
        #[arg(long)]
        unit: String,
        /// FROM-TO, e.g. 2015-2019.
        #[arg(long)]
        years: String,
        /// Count on the boundaries of this date (default today; old districts exist before 01/07/2025).
        #[arg(long)]
        as_of_boundaries: Option<String>,
        /// .csv or .xlsx (default: CSV on standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// The average annual reduction of the poor-household rate over a span, in percentage points.
    Trend {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        years: String,
        #[arg(long)]
        as_of_boundaries: Option<String>,
    },
}

#[derive(Subcommand)]
enum UnitsCommand {
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
enum ImportCommand {
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
}

#[derive(Subcommand)]
enum ExportCommand {
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
enum HouseholdCommand {
    Show {
        code: String,
        /// Show the household as it was on this date.
        #[arg(long)]
        as_of: Option<String>,
    },
    /// A child born into the household (khai sinh).
    Birth {
        code: String,
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
        code: String,
        #[arg(long)]
        person: i64,
        #[arg(long)]
        date: String,
    },
    /// Members leave to found a new household (tách hộ).
    Split {
        code: String,
        #[arg(long)]
        new_code: String,
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
        code: String,
        #[arg(long)]
        into: String,
        #[arg(long)]
        date: String,
    },
}

/// Which standard to use: an id or a file, or the one in force in a review year.
#[derive(Args, Clone)]
#[group(required = true, multiple = false)]
struct StandardChoice {
    /// A built-in standard id (vn-2016-2020, vn-2022-2025, vn-2026-2030) or a standard file (.toml).
    #[arg(long, value_name = "ID|PATH")]
    standard: Option<String>,
    /// The review year: uses the standard in force that year.
    #[arg(long, value_name = "YYYY")]
    year: Option<u16>,
}

#[derive(Args)]
struct ClassifyArgs {
    #[command(flatten)]
    standard: StandardChoice,
    /// Write the result to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Worker threads (0 = one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Do not print the summary on standard error.
    #[arg(long, short)]
    quiet: bool,
    /// The CSV file to read, or - for standard input.
    #[arg(default_value = "-")]
    input: String,
}

#[derive(Args)]
struct ExplainArgs {
    #[command(flatten)]
    standard: StandardChoice,
    /// rural (nông thôn) or urban (thành thị).
    #[arg(long)]
    area: String,
    /// Per-capita income, đồng per person per month.
    #[arg(long, conflicts_with = "score", required_unless_present = "score")]
    income: Option<String>,
    /// The income score of the review form.
    #[arg(long)]
    score: Option<u32>,
    /// The household's survey facts (TOML).
    facts: PathBuf,
}

#[derive(Subcommand)]
enum StandardsCommand {
    /// List the built-in standards.
    List,
    /// Show a standard: lines, thresholds, indicators, sources, and which values are unverified.
    Show {
        /// A built-in id or a standard file.
        standard: String,
    },
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("'{s}': vi hoặc en / vi or en"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = cli.lang;
    let result = match cli.command {
        Command::Classify(a) => classify_cmd::run(a, lang),
        Command::Explain(a) => explain_cmd::run(a, lang),
        Command::Standards {
            command: StandardsCommand::List,
        } => standards_cmd::list(lang),
        Command::Standards {
            command: StandardsCommand::Show { standard },
        } => standards_cmd::show(&standard, lang),
        Command::Demo {
            households,
            seed,
            no_serve,
            bind,
        } => {
            let db = if cli.db == "giamngheo.db" {
                "giamngheo-demo.db".to_owned()
            } else {
                cli.db.clone()
            };
            demo_cmd::run(&db, households, seed, lang)
                .and_then(|()| web_cmd::demo_accounts_and_serve(&db, &bind, no_serve, lang))
        }
        Command::Serve { bind } => web_cmd::serve(&cli.db, &bind, lang),
        Command::User {
            command:
                UserCommand::Add {
                    name,
                    role,
                    unit,
                    password_stdin,
                },
        } => web_cmd::user_add(&cli.db, &name, &role, unit.as_deref(), password_stdin, lang),
        Command::Units {
            command:
                UnitsCommand::Load {
                    before,
                    after,
                    lineage,
                    reform_date,
                },
        } => registry_cmd::units_load(&cli.db, before.zip(after).zip(lineage), &reform_date, lang),
        Command::Import {
            command: ImportCommand::Households { file, as_of },
        } => registry_cmd::import_households(&cli.db, &file, as_of.as_deref(), lang),
        Command::Export {
            command: ExportCommand::Households { output, as_of },
        } => registry_cmd::export_households(&cli.db, &output, as_of.as_deref(), lang),
        Command::Import {
            command:
                ImportCommand::Reviews {
                    file,
                    year,
                    standard,
                    date,
                },
        } => registry_cmd::import_reviews(
            &cli.db,
            &file,
            year,
            standard.as_deref(),
            date.as_deref(),
            lang,
        ),
        Command::Export {
            command: ExportCommand::Reviews { year, output },
        } => registry_cmd::export_reviews(&cli.db, year, &output, lang),
        Command::Mpi {
            spec,
            ks,
            over,
            weight,
            format,
            output,
            input,
        } => mpi_cmd::run(
            mpi_cmd::MpiArgs {
                spec,
                ks,
                over,
                weight,
                json: format == "json",
                output,
                input,
            },
            lang,
        ),
        Command::Report {
            command:
                ReportCommand::Rates {
                    unit,
                    years,
                    as_of_boundaries,
                    output,
                },
        } => report_cmd::report_rates(
            &cli.db,
            &unit,
            &years,
            as_of_boundaries.as_deref(),
            output,
            lang,
        ),
        Command::Report {
            command:
                ReportCommand::Trend {
                    unit,
                    years,
                    as_of_boundaries,
                },
        } => report_cmd::report_trend(&cli.db, &unit, &years, as_of_boundaries.as_deref(), lang),
        Command::Household {
            command: HouseholdCommand::Show { code, as_of },
        } => registry_cmd::household_show(&cli.db, &code, as_of.as_deref(), lang),
        Command::Household {
            command:
                HouseholdCommand::Birth {
                    code,
                    name,
                    sex,
                    born,
                    ethnicity,
                    relation,
                },
        } => registry_cmd::birth(
            &cli.db, &code, &name, &sex, &born, &ethnicity, &relation, lang,
        ),
        Command::Household {
            command: HouseholdCommand::Death { code, person, date },
        } => registry_cmd::death(&cli.db, &code, person, &date, lang),
        Command::Household {
            command:
                HouseholdCommand::Split {
                    code,
                    new_code,
                    members,
                    head,
                    date,
                },
        } => registry_cmd::split(&cli.db, &code, &new_code, &members, head, &date, lang),
        Command::Household {
            command: HouseholdCommand::Merge { code, into, date },
        } => registry_cmd::merge(&cli.db, &code, &into, &date, lang),
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
