//! The `giamngheo` command line: glue between the user's files and the library crates. No domain logic here.

mod audit_cmd;
mod classify_cmd;
mod demo_cmd;
mod errors;
mod explain_cmd;
mod mpi_cmd;
mod output;
mod progress;
mod registry_cmd;
mod report_cmd;
mod round_cmd;
mod score_cmd;
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
        /// Send Strict-Transport-Security on every answer (the site is reached only over HTTPS); also
        /// GIAMNGHEO_HSTS=1.
        #[arg(long)]
        hsts: bool,
        /// The address of a TLS proxy in front of the app, believed about X-Forwarded-For and
        /// X-Forwarded-Proto (repeatable; also GIAMNGHEO_TRUSTED_PROXIES=a,b).
        #[arg(long = "trusted-proxy")]
        trusted_proxy: Vec<String>,
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
        /// A column of years: measures per year, and their change (absolute, relative, annualised).
        #[arg(long)]
        time: Option<String>,
        /// The two years to compare, FROM-TO (default the first and last years of --time).
        #[arg(long, requires = "time")]
        change: Option<String>,
        #[arg(default_value = "-")]
        input: String,
    },
    /// Reports: rates by year and their trend (báo cáo).
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Plan targets of a unit (chỉ tiêu kế hoạch).
    Target {
        #[command(subcommand)]
        command: TargetCommand,
    },
    /// One household: members, residence, events, reviews (xem hộ).
    Household {
        #[command(subcommand)]
        command: HouseholdCommand,
    },
    /// The review round step by step: open, request, survey, meeting, post, complaints, decide,
    /// certificates, lists (đợt rà soát).
    Round {
        #[command(flatten)]
        actor: ActorArgs,
        #[command(subcommand)]
        command: RoundCommand,
    },
    /// Support programmes and what households received (hỗ trợ).
    Support {
        #[command(flatten)]
        actor: ActorArgs,
        #[command(subcommand)]
        command: SupportCommand,
    },
    /// The income proxy score of survey answers from a point table (chấm điểm thu nhập): household_code,
    /// region (urban, nt1-nt6) and one column per item of the table; `illustrative` is the shipped example.
    Score {
        #[arg(long, default_value = "illustrative")]
        table: String,
        /// The region for rows without a region column.
        #[arg(long)]
        region: Option<String>,
        #[arg(long, short)]
        output: Option<PathBuf>,
        file: PathBuf,
    },
    /// The audit log: verify its hash chain, export it (nhật ký kiểm toán).
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

/// Who acts: recorded in the audit log with every change.
#[derive(Args)]
struct ActorArgs {
    /// Your name as the audit log records it (default GIAMNGHEO_ACTOR or the system user).
    #[arg(long = "as", global = true)]
    actor: Option<String>,
    /// Your role: commune-officer (default), village-reviewer, province-staff, administrator, auditor.
    #[arg(long, global = true, default_value = "commune-officer")]
    role: String,
}

#[derive(Subcommand)]
enum RoundCommand {
    /// Open a round for a commune; a periodic round lists its poor and near-poor households.
    Open {
        #[arg(long)]
        commune: String,
        #[arg(long)]
        year: u16,
        /// An in-year (monthly) round instead of the periodic one.
        #[arg(long)]
        in_year: bool,
        #[arg(long)]
        month: Option<u8>,
        /// The opening date (default today).
        #[arg(long)]
        date: Option<String>,
        /// Another standard than the one in force in the year.
        #[arg(long)]
        standard: Option<String>,
    },
    /// Where the round stands: its steps, households per state, complaints, deadline.
    Status { round: i64 },
    /// The survey sheet: the households still to survey, with empty income and indicator columns (.csv, .xlsx).
    Sheet {
        round: i64,
        #[arg(long, short)]
        output: PathBuf,
    },
    /// A household's request to be reviewed (Mẫu 01) or to be recognised as escaped (Mẫu 04, --exit).
    Request {
        round: i64,
        #[arg(long)]
        household: String,
        #[arg(long)]
        exit: bool,
        #[arg(long)]
        date: Option<String>,
    },
    /// Survey results (CSV/XLSX as `import reviews` reads them), classified under the round's standard.
    Survey {
        round: i64,
        file: PathBuf,
        #[arg(long)]
        date: Option<String>,
    },
    /// A village meeting: a file of household_code,votes_for,votes_against.
    Meeting {
        round: i64,
        file: PathBuf,
        #[arg(long)]
        date: String,
        #[arg(long)]
        attendees: u32,
        #[arg(long)]
        chair: String,
        #[arg(long)]
        secretary: String,
        #[arg(long)]
        village: Option<String>,
        #[arg(long)]
        minutes: Option<String>,
    },
    /// Post the results publicly.
    Post {
        round: i64,
        #[arg(long)]
        date: Option<String>,
        #[arg(long, default_value = "Trụ sở UBND xã và nhà văn hóa thôn")]
        places: String,
    },
    /// Record a complaint or feedback.
    Complaint {
        round: i64,
        #[arg(long)]
        household: Option<String>,
        #[arg(long = "from")]
        complainant: String,
        #[arg(long)]
        text: String,
        #[arg(long, default_value = "in_person")]
        channel: String,
        #[arg(long)]
        date: Option<String>,
    },
    /// Answer a complaint: upheld, rejected or withdrawn.
    Answer {
        complaint: i64,
        #[arg(long)]
        outcome: String,
        #[arg(long)]
        text: String,
        #[arg(long)]
        date: Option<String>,
    },
    /// The district chairman's opinion (procedures before 1 July 2025).
    DistrictOpinion {
        round: i64,
        #[arg(long)]
        date: Option<String>,
    },
    /// The commune chairman's decision (Mẫu 02): recognises every posted household; the round locks.
    Decide {
        round: i64,
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        number: String,
        #[arg(long)]
        signed_by: String,
    },
    /// Reopen a decided round (province staff or administrator, with a reason).
    Reopen {
        round: i64,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        date: Option<String>,
    },
    /// Certificates (Mẫu 03) for the poor and near-poor households of a decided round.
    Certificates {
        round: i64,
        #[arg(long)]
        household: Option<String>,
        #[arg(long)]
        date: Option<String>,
    },
    /// Each household's transition with the support it received since its previous review (.csv, .xlsx).
    Transitions {
        round: i64,
        #[arg(long, short)]
        output: PathBuf,
    },
    /// The chairman's decision with its lists (Mẫu 02) as PDF.
    Decision {
        round: i64,
        #[arg(long, short)]
        output: PathBuf,
    },
    /// The issued certificates (Mẫu 03) as one PDF, a page each.
    CertificatesPdf {
        round: i64,
        #[arg(long, short)]
        output: PathBuf,
    },
    /// A household's exit request (Mẫu 04) filled from the registry, as PDF.
    ExitForm {
        #[arg(long)]
        household: String,
        #[arg(long)]
        date: Option<String>,
        #[arg(long, short)]
        output: PathBuf,
    },
    /// The lists of the decision: poor, near-poor, escaped (.csv or .xlsx).
    Lists {
        round: i64,
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Communes under a unit that are late with their round or monthly reports.
    Late {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        year: u16,
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Record that a commune sent its report upward (monthly with --month, else the periodic results).
    ReportSent {
        #[arg(long, conflicts_with = "province")]
        commune: Option<String>,
        /// A province's periodic results to the ministry: --preliminary (before 15/11) or the official ones.
        #[arg(long)]
        province: Option<String>,
        #[arg(long, requires = "province")]
        preliminary: bool,
        #[arg(long)]
        year: u16,
        #[arg(long)]
        month: Option<u8>,
        #[arg(long)]
        date: Option<String>,
    },
    /// The quick screening (Phiếu A): a file of household_code plainly above the lines (no full survey).
    Screen {
        round: i64,
        file: PathBuf,
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Subcommand)]
enum SupportCommand {
    /// The programmes.
    Programmes,
    /// Support received: household_code, programme, received_on, amount_vnd, quantity, provider, citizen_id.
    Import { file: PathBuf },
    /// What one household received.
    Show { household: String },
    /// A programme of the province's own (province staff).
    AddProgramme {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name_vi: String,
        #[arg(long)]
        name_en: String,
        /// The deprivation indicator it addresses (an indicator id of the standard).
        #[arg(long)]
        indicator: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain end to end, and against every checkpoint stored and given (exit 3 if broken).
    Verify {
        /// A checkpoint file (made by `audit checkpoint`, kept by the province); repeatable.
        #[arg(long = "checkpoint")]
        checkpoints: Vec<PathBuf>,
        /// A public key file (made by `audit keygen`) that checkpoints must be signed with; repeatable.
        #[arg(long = "public-key")]
        public_keys: Vec<PathBuf>,
    },
    /// Make a key pair for signing checkpoints: NAME.key (secret) and NAME.pub.
    Keygen {
        #[arg(long)]
        out: PathBuf,
    },
    /// Sign a checkpoint of the chain's head, store it and write it to a file for the province.
    Checkpoint {
        /// The secret key file made by `audit keygen`.
        #[arg(long)]
        signing_key: PathBuf,
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Every entry as CSV, with its hash.
    Export {
        #[arg(long, short)]
        output: PathBuf,
    },
}

#[derive(Args)]
struct SpanArgs {
    /// A unit code or name (province, district, commune, village).
    #[arg(long)]
    unit: String,
    /// FROM-TO, e.g. 2015-2019.
    #[arg(long)]
    years: String,
    /// Count on the boundaries of this date (default today; old districts exist before 01/07/2025).
    #[arg(long)]
    as_of_boundaries: Option<String>,
}

impl SpanArgs {
    fn span(&self) -> report_cmd::Span<'_> {
        report_cmd::Span {
            unit: &self.unit,
            years: &self.years,
            boundaries: self.as_of_boundaries.as_deref(),
        }
    }
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
    /// unit_code,unit_name,year,households,poor,poor_rate,near_poor,near_poor_rate (rates in percent), then the
    /// standard, its change, and urban, rural and ethnic-minority households.
    Rates {
        #[command(flatten)]
        span: SpanArgs,
        /// csv, xlsx, pdf (default: from the output's extension, else CSV).
        #[arg(long)]
        format: Option<String>,
        /// The output file (default: CSV on standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Each year's plan target against the reviewed rate, or the projected one for years not yet reviewed.
    Targets {
        #[command(flatten)]
        span: SpanArgs,
        #[arg(long)]
        format: Option<String>,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Per year: households escaped, newly poor, re-poor, stayed… since their previous review.
    Transitions {
        #[command(flatten)]
        span: SpanArgs,
        #[arg(long)]
        format: Option<String>,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Per year and indicator: the share of reviewed households deprived, and poor and deprived.
    Profile {
        #[command(flatten)]
        span: SpanArgs,
        #[arg(long)]
        format: Option<String>,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Localities side by side: rates year by year, average reduction, escaped, newly poor, re-poor.
    Compare {
        /// Unit codes or names separated by commas.
        #[arg(long)]
        units: String,
        #[arg(long)]
        years: String,
        #[arg(long)]
        as_of_boundaries: Option<String>,
        #[arg(long)]
        format: Option<String>,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// The communes under a unit ranked by average annual reduction, fastest first.
    Ranking {
        #[command(flatten)]
        span: SpanArgs,
        #[arg(long)]
        format: Option<String>,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// A chart as SVG: trend (rates by year, targets dashed), communes (rates in the last year), contributions
    /// (indicators' shares of the deprivations of poor households in the last year).
    Chart {
        #[arg(value_parser = ["trend", "communes", "contributions"])]
        kind: String,
        #[command(flatten)]
        span: SpanArgs,
        /// The SVG file (default: standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// The review summary table of a year: the unit, urban, rural, then each unit under it.
    Summary {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        year: u16,
        #[arg(long)]
        as_of_boundaries: Option<String>,
        #[arg(long)]
        format: Option<String>,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// The list of poor or near-poor households of a year.
    List {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        year: u16,
        #[arg(long, default_value = "poor", value_parser = ["poor", "near-poor"])]
        class: String,
        #[arg(long)]
        as_of_boundaries: Option<String>,
        #[arg(long)]
        format: Option<String>,
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
enum TargetCommand {
    /// Sets the poor-household rate (percent) a unit plans to reach at the end of a year.
    Set {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        year: u16,
        #[arg(long)]
        poor_rate: f64,
        #[arg(long)]
        near_poor_rate: Option<f64>,
        /// Where the target comes from (a resolution, a plan).
        #[arg(long)]
        note: Option<String>,
        /// Find the unit on the boundaries of this date (default today).
        #[arg(long)]
        as_of_boundaries: Option<String>,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
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
    if let Some(key) = &cli.audit_key {
        giamngheo_store::audit::use_key_file(key.clone());
    }
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
        Command::Serve {
            bind,
            hsts,
            trusted_proxy,
        } => web_cmd::serve(&cli.db, &bind, hsts, &trusted_proxy, lang),
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
            time,
            change,
            input,
        } => change
            .as_deref()
            .map(report_cmd::parse_years)
            .transpose()
            .and_then(|change| {
                mpi_cmd::run(
                    mpi_cmd::MpiArgs {
                        spec,
                        ks,
                        over,
                        weight,
                        json: format == "json",
                        output,
                        input,
                        time,
                        change,
                    },
                    lang,
                )
            }),
        Command::Report {
            command:
                ReportCommand::Rates {
                    span,
                    format,
                    output,
                },
        } => report_cmd::report_rates(&cli.db, &span.span(), format.as_deref(), output, lang),
        Command::Report {
            command:
                ReportCommand::Trend {
                    unit,
                    years,
                    as_of_boundaries,
                },
        } => report_cmd::report_trend(&cli.db, &unit, &years, as_of_boundaries.as_deref(), lang),
        Command::Report {
            command:
                ReportCommand::Targets {
                    span,
                    format,
                    output,
                },
        } => report_cmd::report_targets(&cli.db, &span.span(), format.as_deref(), output, lang),
        Command::Report {
            command:
                ReportCommand::Transitions {
                    span,
                    format,
                    output,
                },
        } => report_cmd::report_transitions(&cli.db, &span.span(), format.as_deref(), output, lang),
        Command::Report {
            command:
                ReportCommand::Profile {
                    span,
                    format,
                    output,
                },
        } => report_cmd::report_profile(&cli.db, &span.span(), format.as_deref(), output, lang),
        Command::Report {
            command:
                ReportCommand::Compare {
                    units,
                    years,
                    as_of_boundaries,
                    format,
                    output,
                },
        } => report_cmd::report_compare(
            &cli.db,
            &units,
            &years,
            as_of_boundaries.as_deref(),
            format.as_deref(),
            output,
            lang,
        ),
        Command::Report {
            command:
                ReportCommand::Ranking {
                    span,
                    format,
                    output,
                },
        } => report_cmd::report_ranking(&cli.db, &span.span(), format.as_deref(), output, lang),
        Command::Report {
            command: ReportCommand::Chart { kind, span, output },
        } => report_cmd::report_chart(
            &cli.db,
            match kind.as_str() {
                "communes" => report_cmd::ChartKind::Communes,
                "contributions" => report_cmd::ChartKind::Contributions,
                _ => report_cmd::ChartKind::Trend,
            },
            &span.span(),
            output,
            lang,
        ),
        Command::Report {
            command:
                ReportCommand::Summary {
                    unit,
                    year,
                    as_of_boundaries,
                    format,
                    output,
                },
        } => report_cmd::report_summary(
            &cli.db,
            &unit,
            year,
            as_of_boundaries.as_deref(),
            format.as_deref(),
            output,
            lang,
        ),
        Command::Report {
            command:
                ReportCommand::List {
                    unit,
                    year,
                    class,
                    as_of_boundaries,
                    format,
                    output,
                },
        } => report_cmd::report_list(
            &cli.db,
            &report_cmd::YearArgs {
                unit: &unit,
                year,
                boundaries: as_of_boundaries.as_deref(),
            },
            &class,
            format.as_deref(),
            output,
            lang,
        ),
        Command::Target {
            command:
                TargetCommand::Set {
                    unit,
                    year,
                    poor_rate,
                    near_poor_rate,
                    note,
                    as_of_boundaries,
                },
        } => report_cmd::target_set(
            &cli.db,
            &report_cmd::TargetArgs {
                unit: &unit,
                year,
                poor_rate,
                near_poor_rate,
                note: note.as_deref(),
                boundaries: as_of_boundaries.as_deref(),
            },
            lang,
        ),
        Command::Import {
            command:
                ImportCommand::Targets {
                    file,
                    as_of_boundaries,
                },
        } => report_cmd::import_targets(&cli.db, &file, as_of_boundaries.as_deref(), lang),
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
        Command::Round { actor, command } => run_round(&cli.db, actor, command, lang),
        Command::Support { actor, command } => {
            round_cmd::actor(actor.actor.as_deref(), &actor.role).and_then(|who| match command {
                SupportCommand::Programmes => round_cmd::support_programmes(&cli.db, lang),
                SupportCommand::Import { file } => {
                    round_cmd::support_import(&cli.db, &who, &file, lang)
                }
                SupportCommand::Show { household } => {
                    round_cmd::support_show(&cli.db, &household, lang)
                }
                SupportCommand::AddProgramme {
                    code,
                    name_vi,
                    name_en,
                    indicator,
                } => round_cmd::add_programme(
                    &cli.db,
                    &who,
                    &code,
                    &name_vi,
                    &name_en,
                    indicator.as_deref(),
                    lang,
                ),
            })
        }
        Command::Score {
            table,
            region,
            output,
            file,
        } => score_cmd::run(&table, region.as_deref(), &file, output.as_deref(), lang),
        Command::Audit {
            command:
                AuditCommand::Verify {
                    checkpoints,
                    public_keys,
                },
        } => audit_cmd::verify(&cli.db, &checkpoints, &public_keys, lang),
        Command::Audit {
            command: AuditCommand::Keygen { out },
        } => audit_cmd::keygen(&out, lang),
        Command::Audit {
            command:
                AuditCommand::Checkpoint {
                    signing_key,
                    output,
                },
        } => audit_cmd::checkpoint(&cli.db, &signing_key, &output, lang),
        Command::Audit {
            command: AuditCommand::Export { output },
        } => round_cmd::audit_export(&cli.db, &output, lang),
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

fn run_round(
    db: &str,
    actor: ActorArgs,
    command: RoundCommand,
    lang: Lang,
) -> Result<(), CliError> {
    let who = round_cmd::actor(actor.actor.as_deref(), &actor.role)?;
    match command {
        RoundCommand::Open {
            commune,
            year,
            in_year,
            month,
            date,
            standard,
        } => round_cmd::open_round(
            db,
            &who,
            round_cmd::OpenArgs {
                commune: &commune,
                year,
                in_year,
                month,
                date: date.as_deref(),
                standard: standard.as_deref(),
            },
            lang,
        ),
        RoundCommand::Status { round } => round_cmd::status(db, round, lang),
        RoundCommand::Sheet { round, output } => round_cmd::sheet(db, round, &output, lang),
        RoundCommand::Request {
            round,
            household,
            exit,
            date,
        } => round_cmd::request(db, &who, round, &household, exit, date.as_deref(), lang),
        RoundCommand::Survey { round, file, date } => {
            round_cmd::survey(db, &who, round, &file, date.as_deref(), lang)
        }
        RoundCommand::Meeting {
            round,
            file,
            date,
            attendees,
            chair,
            secretary,
            village,
            minutes,
        } => round_cmd::meeting(
            db,
            &who,
            round,
            round_cmd::MeetingArgs {
                file: &file,
                date: &date,
                attendees,
                chair: &chair,
                secretary: &secretary,
                village: village.as_deref(),
                minutes: minutes.as_deref(),
            },
            lang,
        ),
        RoundCommand::Post {
            round,
            date,
            places,
        } => round_cmd::post(db, &who, round, date.as_deref(), &places, lang),
        RoundCommand::Complaint {
            round,
            household,
            complainant,
            text,
            channel,
            date,
        } => {
            let received_on = match date {
                Some(d) => registry_cmd::parse_date("date", &d)?,
                None => registry_cmd::today(),
            };
            round_cmd::complaint(
                db,
                &who,
                round,
                giamngheo_store::rounds::NewComplaint {
                    household_code: household,
                    received_on,
                    complainant,
                    channel,
                    content: text,
                },
                lang,
            )
        }
        RoundCommand::Answer {
            complaint,
            outcome,
            text,
            date,
        } => round_cmd::answer(db, &who, complaint, &outcome, &text, date.as_deref(), lang),
        RoundCommand::DistrictOpinion { round, date } => {
            round_cmd::district_opinion(db, &who, round, date.as_deref(), lang)
        }
        RoundCommand::Decide {
            round,
            date,
            number,
            signed_by,
        } => round_cmd::decide(db, &who, round, date.as_deref(), &number, &signed_by, lang),
        RoundCommand::Reopen {
            round,
            reason,
            date,
        } => round_cmd::reopen(db, &who, round, date.as_deref(), &reason, lang),
        RoundCommand::Certificates {
            round,
            household,
            date,
        } => round_cmd::certificates(db, &who, round, date.as_deref(), household.as_deref(), lang),
        RoundCommand::Lists { round, output } => round_cmd::lists(db, round, &output, lang),
        RoundCommand::Transitions { round, output } => {
            round_cmd::transitions(db, round, &output, lang)
        }
        RoundCommand::Decision { round, output } => {
            round_cmd::decision_pdf(db, round, &output, lang)
        }
        RoundCommand::CertificatesPdf { round, output } => {
            round_cmd::certificates_pdf(db, round, &output, lang)
        }
        RoundCommand::ExitForm {
            household,
            date,
            output,
        } => round_cmd::exit_form(db, &household, date.as_deref(), &output, lang),
        RoundCommand::Late { unit, year, as_of } => {
            round_cmd::late(db, &unit, year, as_of.as_deref(), lang)
        }
        RoundCommand::ReportSent {
            commune,
            province,
            preliminary,
            year,
            month,
            date,
        } => round_cmd::report_sent(
            db,
            &who,
            round_cmd::ReportSent {
                commune: commune.as_deref(),
                province: province.as_deref(),
                preliminary,
                year,
                month,
                date: date.as_deref(),
            },
            lang,
        ),
        RoundCommand::Screen { round, file, date } => {
            round_cmd::screen(db, &who, round, &file, date.as_deref(), lang)
        }
    }
}
