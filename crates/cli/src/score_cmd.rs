//! The income proxy score of survey answers from a point table: one row per household in, its score and
//! the points of each answer out, ready to paste into the survey sheet's `income_score` column.

use crate::output::out;
use std::path::{Path, PathBuf};

use clap::Args;

use giamngheo_core::Lang;
use giamngheo_core::score_table::{Region, ScoreError, ScoreTable};
use giamngheo_formats::households::{ProblemKind, problem_at};

use crate::errors::CliError;

#[derive(Args)]
pub struct ScoreArgs {
    #[arg(long, default_value = "illustrative")]
    table: String,
    /// The region for rows without a region column.
    #[arg(long)]
    region: Option<String>,
    #[arg(long, short)]
    output: Option<PathBuf>,
    file: PathBuf,
}

pub fn run(args: ScoreArgs, lang: Lang) -> Result<(), CliError> {
    score(
        &args.table,
        args.region.as_deref(),
        &args.file,
        args.output.as_deref(),
        lang,
    )
}

fn score(
    table: &str,
    region: Option<&str>,
    input: &Path,
    output: Option<&Path>,
    lang: Lang,
) -> Result<(), CliError> {
    let table = if table == "illustrative" {
        ScoreTable::illustrative()
    } else {
        let text = crate::output::read_text_file(Path::new(table))?;
        ScoreTable::parse(&text).map_err(|e| CliError::Facts {
            path: table.to_owned(),
            message: e.message(lang),
        })?
    };
    let default_region = match region {
        None => None,
        Some(r) => Some(Region::parse(r).ok_or_else(|| CliError::Argument {
            name: "region",
            value: r.to_owned(),
            vi: "vùng: urban, nt1, nt2, nt3, nt4, nt5, nt6".into(),
            en: "region: urban, nt1, nt2, nt3, nt4, nt5, nt6".into(),
        })?),
    };
    let mut rows = crate::round_cmd::table(input)?;
    let header = rows.header_keys();
    let problem = problem_at(&*rows);
    let code_c = header.iter().position(|h| h == "household_code");
    let region_c = header.iter().position(|h| h == "region");
    let items: Vec<(usize, &str)> = table
        .items
        .iter()
        .filter_map(|it| {
            header
                .iter()
                .position(|h| *h == it.id)
                .map(|c| (c, it.id.as_str()))
        })
        .collect();
    let mut problems = Vec::new();
    if code_c.is_none() {
        problems.push(problem(1, "household_code", ProblemKind::MissingColumn));
    }
    if region_c.is_none() && default_region.is_none() {
        problems.push(problem(1, "region", ProblemKind::MissingColumn));
    }
    if !problems.is_empty() {
        return Err(CliError::Import(problems));
    }
    let mut out = String::from("household_code,region,income_score,explanation\n");
    let mut n = 0;
    rows.each(&mut |row, cells| {
        let get = |c: usize| cells.get(c).copied().unwrap_or("").trim();
        let code = code_c.map(get).unwrap_or("");
        let region = match region_c.map(get).filter(|r| !r.is_empty()) {
            Some(r) => match Region::parse(r) {
                Some(r) => r,
                None => {
                    problems.push(problem(
                        row,
                        "region",
                        ProblemKind::BadChoice {
                            value: r.to_owned(),
                            allowed: Region::ALL.iter().map(|r| r.code().to_owned()).collect(),
                        },
                    ));
                    return;
                }
            },
            None => match default_region {
                Some(r) => r,
                None => {
                    problems.push(problem(row, "region", ProblemKind::Empty));
                    return;
                }
            },
        };
        let answers: Vec<(&str, &str)> = items.iter().map(|(c, id)| (*id, get(*c))).collect();
        match table.score(region, &answers, lang) {
            Ok(s) => {
                let explanation: Vec<String> = s
                    .lines
                    .iter()
                    .map(|(item, answer, p)| format!("{item}: {answer} ({p})"))
                    .collect();
                out.push_str(&crate::round_cmd::csv_line(&[
                    code.to_owned(),
                    region.code().to_owned(),
                    s.total.to_string(),
                    explanation.join("; "),
                ]));
                n += 1;
            }
            Err(ScoreError::UnknownAnswer {
                item,
                answer,
                allowed,
            }) => problems.push(problem(
                row,
                &item,
                ProblemKind::BadChoice {
                    value: answer,
                    allowed,
                },
            )),
            Err(ScoreError::UnknownItem(item)) => {
                problems.push(problem(row, &item, ProblemKind::MissingColumn))
            }
        }
    })?;
    if !problems.is_empty() {
        return Err(CliError::Import(problems));
    }
    match output {
        Some(path) => {
            crate::output::write_file(path, out.as_bytes())?;
        }
        None => out!("{out}"),
    }
    eprintln!(
        "{} {n} {}",
        lang.pick("Đã tính điểm thu nhập của", "Scored"),
        lang.pick("hộ", "households")
    );
    if !table.official {
        eprintln!(
            "{} {} — {}",
            lang.pick(
                "Lưu ý: bảng điểm minh họa, KHÔNG phải bảng chính thức:",
                "Note: an ILLUSTRATIVE point table, NOT the official one:"
            ),
            lang.pick(&table.name_vi, &table.name_en),
            table.source
        );
    }
    Ok(())
}
