//! The tables a commune fills during a round: the village meeting's votes per household, and support
//! received. Every problem names the file, row and column; nothing is returned when any row is wrong.

use giamngheo_core::date::Date;
use giamngheo_core::ids::HouseholdCode;

use crate::error::CsvError;
use crate::households::{ImportProblem, ProblemKind, problem_at};
use crate::table::Rows;

/// One household's votes at a village meeting.
#[derive(Clone, Debug, PartialEq)]
pub struct VoteRow {
    pub row: u64,
    pub household_code: HouseholdCode,
    pub votes_for: u32,
    pub votes_against: u32,
}

/// One support received.
#[derive(Clone, Debug, PartialEq)]
pub struct SupportRow {
    pub row: u64,
    pub household_code: HouseholdCode,
    pub programme: String,
    pub received_on: Date,
    pub amount_vnd: Option<i64>,
    pub quantity: Option<i64>,
    pub provider: String,
    pub citizen_id: Option<String>,
    pub note: Option<String>,
}

struct Columns {
    header: Vec<String>,
}

impl Columns {
    fn of(t: &dyn Rows) -> Columns {
        Columns {
            header: t.header_keys(),
        }
    }

    fn find(&self, names: &[&str]) -> Option<usize> {
        self.header.iter().position(|h| names.contains(&h.as_str()))
    }
}

/// Refuses a table without one of its `required` columns (a problem each, on the header row); else no
/// problem yet, to which the rows' are added.
fn missing_columns(
    problem: &impl Fn(u64, &str, ProblemKind) -> ImportProblem,
    required: &[(Option<usize>, &str)],
) -> Result<Vec<ImportProblem>, Vec<ImportProblem>> {
    let missing: Vec<ImportProblem> = required
        .iter()
        .filter(|(c, _)| c.is_none())
        .map(|(_, name)| problem(1, name, ProblemKind::MissingColumn))
        .collect();
    if missing.is_empty() {
        Ok(missing)
    } else {
        Err(missing)
    }
}

/// The rows read, or every problem found (a table that could not be read to its end adds one): nothing is
/// returned when any row is wrong.
fn rows_or_problems<T>(
    out: Vec<T>,
    mut problems: Vec<ImportProblem>,
    read: Result<(), CsvError>,
    problem: &impl Fn(u64, &str, ProblemKind) -> ImportProblem,
) -> Result<Vec<T>, Vec<ImportProblem>> {
    if let Err(e) = read {
        problems.push(problem(0, "", ProblemKind::Unreadable(e.kind)));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn number(s: &str) -> Option<u64> {
    let s = s.trim();
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Columns `household_code` (mã hộ), `votes_for` (số phiếu đồng ý), `votes_against` (số phiếu không đồng ý).
pub fn read_votes(t: &mut dyn Rows) -> Result<Vec<VoteRow>, Vec<ImportProblem>> {
    let problem = problem_at(t);
    let cols = Columns::of(t);
    let code_c = cols.find(&["household_code", "mã hộ", "ma_ho"]);
    let for_c = cols.find(&["votes_for", "số phiếu đồng ý", "dong_y"]);
    let against_c = cols.find(&["votes_against", "số phiếu không đồng ý", "khong_dong_y"]);
    let mut problems = missing_columns(
        &problem,
        &[(code_c, "household_code"), (for_c, "votes_for")],
    )?;
    let mut out = Vec::new();
    let read = t.each(&mut |row, cells| {
        let get = |c: Option<usize>| c.and_then(|i| cells.get(i)).copied().unwrap_or("").trim();
        let code = match get(code_c) {
            "" => {
                problems.push(problem(row, "household_code", ProblemKind::Empty));
                return;
            }
            v => match HouseholdCode::parse(v) {
                Some(code) => code,
                None => {
                    problems.push(problem(
                        row,
                        "household_code",
                        ProblemKind::BadHouseholdCode(v.to_owned()),
                    ));
                    return;
                }
            },
        };
        let votes = |c: Option<usize>, name: &str, problems: &mut Vec<ImportProblem>| match get(c) {
            "" if name == "votes_against" => Some(0),
            v => match number(v).and_then(|n| u32::try_from(n).ok()) {
                Some(n) => Some(n),
                None => {
                    problems.push(problem(row, name, ProblemKind::BadNumber(v.to_owned())));
                    None
                }
            },
        };
        let yes = votes(for_c, "votes_for", &mut problems);
        let no = votes(against_c, "votes_against", &mut problems);
        if let (Some(votes_for), Some(votes_against)) = (yes, no) {
            out.push(VoteRow {
                row,
                household_code: code,
                votes_for,
                votes_against,
            });
        }
    });
    rows_or_problems(out, problems, read, &problem)
}

/// Columns `household_code`, `programme` (a programme code), `received_on`, optional `amount_vnd`,
/// `quantity`, `provider`, `citizen_id` (the member who received it), `note`.
pub fn read_support(t: &mut dyn Rows) -> Result<Vec<SupportRow>, Vec<ImportProblem>> {
    let problem = problem_at(t);
    let cols = Columns::of(t);
    let c = |names: &[&str]| cols.find(names);
    let code_c = c(&["household_code", "mã hộ"]);
    let prog_c = c(&["programme", "program", "chương trình"]);
    let date_c = c(&["received_on", "ngày nhận"]);
    let amount_c = c(&["amount_vnd", "số tiền"]);
    let qty_c = c(&["quantity", "số lượng"]);
    let provider_c = c(&["provider", "đơn vị hỗ trợ"]);
    let id_c = c(&["citizen_id", "số định danh"]);
    let note_c = c(&["note", "ghi chú"]);
    let mut problems = missing_columns(
        &problem,
        &[
            (code_c, "household_code"),
            (prog_c, "programme"),
            (date_c, "received_on"),
        ],
    )?;
    let mut out = Vec::new();
    let read = t.each(&mut |row, cells| {
        let get = |c: Option<usize>| c.and_then(|i| cells.get(i)).copied().unwrap_or("").trim();
        let before = problems.len();
        let mut required = |c: Option<usize>, name: &str| {
            let v = get(c);
            if v.is_empty() {
                problems.push(problem(row, name, ProblemKind::Empty));
            }
            v.to_owned()
        };
        let code = required(code_c, "household_code");
        let programme = required(prog_c, "programme");
        let day = required(date_c, "received_on");
        let household_code = HouseholdCode::parse(&code);
        if household_code.is_none() && !code.is_empty() {
            problems.push(problem(
                row,
                "household_code",
                ProblemKind::BadHouseholdCode(code.clone()),
            ));
        }
        let received_on = Date::parse(&day).ok();
        if received_on.is_none() && !day.is_empty() {
            problems.push(problem(
                row,
                "received_on",
                ProblemKind::BadDate(day.clone()),
            ));
        }
        let mut optional_number = |c: Option<usize>, name: &str| match get(c) {
            "" => None,
            v => match number(v).and_then(|n| i64::try_from(n).ok()) {
                Some(n) => Some(n),
                None => {
                    problems.push(problem(row, name, ProblemKind::BadNumber(v.to_owned())));
                    None
                }
            },
        };
        let amount_vnd = optional_number(amount_c, "amount_vnd");
        let quantity = optional_number(qty_c, "quantity");
        let text = |c: Option<usize>| {
            Some(get(c))
                .filter(|v| !v.is_empty())
                .map(giamngheo_core::text::nfc)
        };
        if problems.len() == before
            && let (Some(received_on), Some(household_code)) = (received_on, household_code)
        {
            out.push(SupportRow {
                row,
                household_code,
                programme,
                received_on,
                amount_vnd,
                quantity,
                provider: text(provider_c).unwrap_or_default(),
                citizen_id: text(id_c),
                note: text(note_c),
            });
        }
    });
    rows_or_problems(out, problems, read, &problem)
}
