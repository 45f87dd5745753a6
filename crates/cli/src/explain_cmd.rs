use crate::output::outln;
use std::path::PathBuf;

use clap::Args;
use giamngheo_core::facts::HouseholdFacts;
use giamngheo_core::text::nfc;
use giamngheo_core::{Area, Classifier, Income, Lang, Vnd};

use crate::errors::CliError;
use crate::standard_arg::{self, StandardChoice};

#[derive(Args)]
pub struct ExplainArgs {
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

/// Prints each indicator of the standard with the household's result and the rule used, then the class
/// with its reason: the "why" a household officer is asked for.
pub fn run(args: ExplainArgs, lang: Lang) -> Result<(), CliError> {
    let standard = standard_arg::resolve(&args.standard)?;
    let area = Area::parse(&nfc(&args.area)).ok_or_else(|| CliError::Argument {
        name: "area",
        value: args.area.clone(),
        vi: "ghi nông thôn (rural) hoặc thành thị (urban)".into(),
        en: "write rural (nông thôn) or urban (thành thị)".into(),
    })?;
    let income = match (&args.income, args.score) {
        (Some(v), _) => Income::Vnd(
            Vnd::parse(v)
                .map_err(|why| {
                    use giamngheo_core::messages::Localized;
                    CliError::Argument {
                        name: "income",
                        value: v.clone(),
                        vi: why.message(Lang::Vi),
                        en: why.message(Lang::En),
                    }
                })?
                .get(),
        ),
        (None, Some(s)) => Income::Score(s),
        (None, None) => unreachable!("clap requires --income or --score"),
    };
    let path = args.facts.display().to_string();
    let text = crate::output::read_text_file(&args.facts)?;
    let facts =
        HouseholdFacts::from_toml(&text).map_err(|message| CliError::Facts { path, message })?;
    let classifier = Classifier::new(standard);
    let d = classifier.deprivations(&facts);
    let outcome = classifier
        .classify(area, income, d)
        .map_err(CliError::NoScoreLines)?;
    let std = classifier.standard();
    outln!("{} ({})", std.name(lang), std.id);
    for (i, ind) in std.indicators.iter().enumerate() {
        let mark = if d.contains(i) {
            lang.pick("THIẾU HỤT", "DEPRIVED")
        } else {
            lang.pick("đạt", "ok")
        };
        let unverified = if ind.verified {
            ""
        } else {
            lang.pick(" (định nghĩa chưa xác minh)", " (definition unverified)")
        };
        outln!("  [{mark}] {}{unverified}", ind.name(lang));
        outln!("      {}", lang.pick(&ind.deprived_vi, &ind.deprived_en));
    }
    outln!();
    outln!(
        "{}: {}",
        lang.pick("Kết quả", "Result"),
        outcome.class.name(lang)
    );
    outln!(
        "{}: {}",
        lang.pick("Lý do", "Reason"),
        classifier.reason(&outcome, lang)
    );
    Ok(())
}
