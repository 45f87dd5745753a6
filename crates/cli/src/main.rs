//! The `giamngheo` command line: glue between the user's files and the library crates. No domain logic here.

mod classify_cmd;
mod errors;
mod explain_cmd;
mod output;
mod standard_arg;
mod standards_cmd;

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
