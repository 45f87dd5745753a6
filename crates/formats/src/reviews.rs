//! Review results in a table: one row per household. The indicators come either as one 0/1 column per
//! indicator of the standard (as `classify` reads them) or as one column `deprived_indicators` listing the ids
//! of those deprived (as the export writes it), so an export reads back.

use std::io::Write;

use giamngheo_core::date::Date;
use giamngheo_core::ids::HouseholdCode;
use giamngheo_core::registry::{ReviewInput, ReviewRow};
use giamngheo_core::standard::Standard;
use giamngheo_core::{Area, Class, DeprivationSet, Income, Vnd};

use crate::csv_scan::push_text_field;
use crate::households::{ImportProblem, ProblemKind};
use crate::table::Rows;

/// The columns of an export, in order.
pub const EXPORT_COLUMNS: [&str; 12] = [
    "household_code",
    "year",
    "review_date",
    "standard",
    "area",
    "income_per_capita",
    "income_score",
    "deprivations",
    "deprived_indicators",
    "computed_class",
    "decided_class",
    "reason",
];

/// Reads reviews checked against the standard's indicators; every problem is reported.
pub fn read_reviews(
    t: &mut dyn Rows,
    standard: &Standard,
) -> Result<Vec<ReviewInput>, Vec<ImportProblem>> {
    let sheet = t.sheet().map(str::to_owned);
    let problem = crate::households::problem_at(t);
    let header = t.header_keys();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (code_c, area_c, income_c, score_c, list_c, decided_c, decided_on_c) = (
        col("household_code"),
        col("area"),
        col("income_per_capita"),
        col("income_score"),
        col("deprived_indicators"),
        col("decided_class"),
        col("decided_on"),
    );
    let flag_cols: Vec<(usize, usize)> = standard
        .indicators
        .iter()
        .enumerate()
        .filter_map(|(i, ind)| col(&ind.id).map(|c| (i, c)))
        .collect();
    let mut missing = Vec::new();
    if code_c.is_none() {
        missing.push(problem(1, "household_code", ProblemKind::MissingColumn));
    }
    if income_c.is_none() && score_c.is_none() {
        missing.push(problem(1, "income_per_capita", ProblemKind::MissingColumn));
    }
    if list_c.is_none() {
        for ind in &standard.indicators {
            if col(&ind.id).is_none() {
                missing.push(problem(1, &ind.id, ProblemKind::MissingColumn));
            }
        }
    }
    if !missing.is_empty() {
        return Err(missing);
    }
    let mut problems = Vec::new();
    let mut out = Vec::new();
    let read = t.each(&mut |row, cells| {
        let get = |c: Option<usize>| c.and_then(|i| cells.get(i)).copied().unwrap_or("");
        let before = problems.len();
        let code = match get(code_c) {
            "" => {
                problems.push(problem(row, "household_code", ProblemKind::Empty));
                None
            }
            v => HouseholdCode::parse(v).or_else(|| {
                problems.push(problem(
                    row,
                    "household_code",
                    ProblemKind::BadHouseholdCode(v.to_owned()),
                ));
                None
            }),
        };
        let area = match get(area_c) {
            "" => None,
            a => Area::parse(a).or_else(|| {
                problems.push(problem(row, "area", ProblemKind::BadArea(a.to_owned())));
                None
            }),
        };
        let income = match (get(income_c), get(score_c)) {
            (v, _) if !v.is_empty() => match Vnd::parse(v) {
                Ok(x) => Some(Income::Vnd(x.get())),
                Err(_) => {
                    problems.push(problem(
                        row,
                        "income_per_capita",
                        ProblemKind::BadNumber(v.to_owned()),
                    ));
                    None
                }
            },
            (_, s) if !s.is_empty() => match s.parse::<u32>() {
                Ok(x) => Some(Income::Score(x)),
                Err(_) => {
                    problems.push(problem(
                        row,
                        "income_score",
                        ProblemKind::BadNumber(s.to_owned()),
                    ));
                    None
                }
            },
            _ => {
                problems.push(problem(row, "income_per_capita", ProblemKind::Empty));
                None
            }
        };
        let mut d = DeprivationSet::default();
        if let Some(c) = list_c {
            for id in get(Some(c))
                .split([' ', ',', ';'])
                .filter(|s| !s.is_empty())
            {
                match standard.indicator(id) {
                    Some((i, _)) => d.insert(i),
                    None => problems.push(problem(
                        row,
                        "deprived_indicators",
                        ProblemKind::UnknownIndicator(id.to_owned()),
                    )),
                }
            }
        } else {
            for (i, c) in &flag_cols {
                match get(Some(*c)) {
                    "1" => d.insert(*i),
                    "0" => {}
                    v => problems.push(problem(
                        row,
                        &standard.indicators[*i].id,
                        ProblemKind::NotZeroOne(v.to_owned()),
                    )),
                }
            }
        }
        let decided = match get(decided_c) {
            "" => None,
            v => match Class::parse(v) {
                Some(class) => {
                    let on = get(decided_on_c);
                    match Date::parse(on) {
                        Ok(day) => Some((class, day)),
                        Err(_) => {
                            problems.push(problem(
                                row,
                                "decided_on",
                                ProblemKind::BadDate(on.to_owned()),
                            ));
                            None
                        }
                    }
                }
                None => {
                    problems.push(problem(
                        row,
                        "decided_class",
                        ProblemKind::BadClass(v.to_owned()),
                    ));
                    None
                }
            },
        };
        if let (true, Some(income), Some(household_code)) = (problems.len() == before, income, code)
        {
            out.push(ReviewInput {
                row,
                household_code,
                income,
                deprivations: d,
                area,
                decided,
            });
        }
    });
    if let Err(e) = read {
        problems.push(ImportProblem {
            file: e.file.clone(),
            sheet: sheet.clone(),
            row: e.row.unwrap_or(0),
            column: None,
            kind: ProblemKind::Unreadable(e.kind),
        });
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn cells(r: &ReviewRow, standard: Option<&Standard>) -> [String; 12] {
    let deprived: Vec<&str> = match standard {
        Some(s) => DeprivationSet(r.deprivations)
            .iter()
            .filter_map(|i| s.indicators.get(i).map(|x| x.id.as_str()))
            .collect(),
        None => Vec::new(),
    };
    let date = |s: &str| {
        Date::parse(s)
            .map(|d| d.vi())
            .unwrap_or_else(|_| s.to_owned())
    };
    [
        r.household_code.clone(),
        r.year.to_string(),
        date(&r.review_date),
        r.standard_id.clone(),
        r.area.clone(),
        r.income_per_capita
            .map(|v| v.to_string())
            .unwrap_or_default(),
        r.income_score.map(|v| v.to_string()).unwrap_or_default(),
        r.deprivations.count_ones().to_string(),
        deprived.join(" "),
        r.computed_class.clone(),
        r.decided_class.clone().unwrap_or_default(),
        r.reason.clone(),
    ]
}

fn decided_on(r: &ReviewRow) -> String {
    r.decided_on
        .as_deref()
        .map(|s| {
            Date::parse(s)
                .map(|d| d.vi())
                .unwrap_or_else(|_| s.to_owned())
        })
        .unwrap_or_default()
}

/// Writes reviews as CSV (with `decided_on` after the columns of [`EXPORT_COLUMNS`]).
pub fn write_reviews_csv<W: Write>(
    out: &mut W,
    rows: &[ReviewRow],
    standard_of: &dyn Fn(&str) -> Option<Standard>,
) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(1 << 16);
    buf.extend_from_slice(EXPORT_COLUMNS.join(",").as_bytes());
    buf.extend_from_slice(b",decided_on\n");
    let mut cache: Option<(String, Option<Standard>)> = None;
    for r in rows {
        if cache.as_ref().is_none_or(|(id, _)| *id != r.standard_id) {
            cache = Some((r.standard_id.clone(), standard_of(&r.standard_id)));
        }
        let std = cache.as_ref().and_then(|(_, s)| s.as_ref());
        for (i, c) in cells(r, std).iter().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            push_text_field(&mut buf, c.as_bytes());
        }
        buf.push(b',');
        push_text_field(&mut buf, decided_on(r).as_bytes());
        buf.push(b'\n');
        if buf.len() > 1 << 16 {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    out.write_all(&buf)
}

/// Writes reviews as XLSX, every cell text.
pub fn write_reviews_xlsx(
    path: &std::path::Path,
    rows: &[ReviewRow],
    standard_of: &dyn Fn(&str) -> Option<Standard>,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name("Kết quả rà soát")?;
    let bold = Format::new().set_bold();
    for (i, c) in EXPORT_COLUMNS
        .iter()
        .chain(["decided_on"].iter())
        .enumerate()
    {
        ws.write_string_with_format(0, i as u16, *c, &bold)?;
    }
    let mut cache: Option<(String, Option<Standard>)> = None;
    for (n, r) in rows.iter().enumerate() {
        if cache.as_ref().is_none_or(|(id, _)| *id != r.standard_id) {
            cache = Some((r.standard_id.clone(), standard_of(&r.standard_id)));
        }
        let std = cache.as_ref().and_then(|(_, s)| s.as_ref());
        let mut all: Vec<String> = cells(r, std).to_vec();
        all.push(decided_on(r));
        for (i, c) in all.iter().enumerate() {
            if !c.is_empty() {
                ws.write_string(n as u32 + 1, i as u16, c)?;
            }
        }
    }
    wb.save(path)
}
