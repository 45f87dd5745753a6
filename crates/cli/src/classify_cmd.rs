use std::fs::File;
use std::io::Read;
use std::path::PathBuf;

use clap::Args;

use giamngheo_core::{Class, Classifier, Lang, Standard, vi_format};
use giamngheo_formats::{ClassifyOptions, ClassifySummary};

use crate::errors::CliError;
use crate::output::{AtomicFile, stdout};
use crate::standard_arg::{self, StandardChoice};

#[derive(Args)]
pub struct ClassifyArgs {
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

pub fn run(args: ClassifyArgs, lang: Lang) -> Result<(), CliError> {
    let standard = standard_arg::resolve(&args.standard)?;
    let classifier = Classifier::new(standard);
    let opts = ClassifyOptions {
        lang,
        threads: args.threads,
        ..ClassifyOptions::default()
    };
    let (input, name): (Box<dyn Read + Send>, String) = if args.input == "-" {
        (Box::new(std::io::stdin()), "<stdin>".to_owned())
    } else {
        let f = File::open(&args.input).map_err(|error| CliError::File {
            path: args.input.clone(),
            error,
        })?;
        (Box::new(f), args.input.clone())
    };
    let summary = match &args.output {
        Some(path) => {
            let mut out = AtomicFile::create(path)?;
            let summary = giamngheo_formats::classify_csv::classify_to_file(
                input,
                &name,
                out.file(),
                &classifier,
                opts,
            )?;
            out.commit()?;
            summary
        }
        None => giamngheo_formats::classify(input, &name, &mut stdout(), &classifier, opts)?,
    };
    if !args.quiet {
        eprintln!("{}", summary_line(&summary, classifier.standard(), lang));
        if let Some(note) = unverified_note(classifier.standard(), lang) {
            eprintln!("{note}");
        }
    }
    Ok(())
}

fn summary_line(s: &ClassifySummary, standard: &Standard, lang: Lang) -> String {
    let parts: Vec<String> = Class::ALL
        .iter()
        .zip(s.by_class)
        .map(|(c, n)| format!("{} {}", vi_format::int(n as i64, lang), c.name(lang)))
        .collect();
    let n = vi_format::int(s.households as i64, lang);
    match lang {
        Lang::Vi => format!(
            "Đã phân loại {n} hộ theo chuẩn {}: {}.",
            standard.id,
            parts.join(", ")
        ),
        Lang::En => format!(
            "Classified {n} households under {}: {}.",
            standard.id,
            parts.join(", ")
        ),
    }
}

/// The unverified values a flag-based classification relies on (indicator definitions are not used: the
/// flags are given), so the user knows which results rest on them.
pub fn unverified_note(standard: &Standard, lang: Lang) -> Option<String> {
    let used: Vec<String> = standard
        .unverified()
        .into_iter()
        .map(|u| u.path)
        .filter(|p| !p.starts_with("indicators."))
        .collect();
    if used.is_empty() {
        return None;
    }
    let list = used.join(", ");
    let id = &standard.id;
    Some(match lang {
        Lang::Vi => format!(
            "Lưu ý: chuẩn {id} dùng giá trị chưa xác minh với văn bản pháp luật: {list}. Xem nguồn: giamngheo standards show {id}"
        ),
        Lang::En => format!(
            "Note: standard {id} uses values not verified against the legal text: {list}. Sources: giamngheo standards show {id}"
        ),
    })
}
