//! The review round from the command line: a commune without the web app runs its round from Excel files,
//! step by step. Each command is one step of the procedure; the store refuses a step out of order and
//! changes nothing.

use crate::output::{out, outln};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use giamngheo_core::complaint::{ComplaintChannel, ComplaintOutcome};
use giamngheo_core::date::Date;
use giamngheo_core::ids::HouseholdCode;
use giamngheo_core::ids::UnitLevel;
use giamngheo_core::round::{CaseState, Role, RoundKind, RoundStatus, Step};
use giamngheo_core::transition::Transition;
use giamngheo_core::{Class, Classifier, Lang};
use giamngheo_formats::households::{ProblemKind, problem_at};
use giamngheo_formats::table::{CsvRows, Rows, read_xlsx};
use giamngheo_store::Store;
use giamngheo_store::audit::Actor;
use giamngheo_store::rounds::{
    CaseSource, CaseView, NewComplaint, NewMeeting, NewRound, RoundView, SurveyInput, VoteInput,
};

use crate::errors::{CliError, arg};
use crate::output::AtomicFile;
use crate::registry_cmd::{date_or_today, open, parse_date};

fn parse_channel(s: &str) -> Result<ComplaintChannel, String> {
    ComplaintChannel::parse(s).ok_or_else(|| {
        format!("'{s}': in_person, letter, phone hoặc web / in_person, letter, phone or web")
    })
}

/// Who runs the command: a name (default the system user) and a role (default commune officer). The
/// command line has the database file in hand, so this records who acted rather than guarding access: the
/// web app is where accounts are checked.
/// Who acts: recorded in the audit log with every change.
#[derive(Args)]
pub struct ActorArgs {
    /// Your name as the audit log records it (default GIAMNGHEO_ACTOR or the system user).
    #[arg(long = "as", global = true)]
    actor: Option<String>,
    /// Your role: commune-officer (default), village-reviewer, province-staff, administrator, auditor.
    #[arg(long, global = true, default_value = "commune-officer")]
    role: String,
}

#[derive(Subcommand)]
pub enum RoundCommand {
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
        household: Option<HouseholdCode>,
        #[arg(long = "from")]
        complainant: String,
        #[arg(long)]
        text: String,
        /// in_person, letter, phone or web.
        #[arg(long, default_value = "in_person", value_parser = parse_channel)]
        channel: ComplaintChannel,
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
pub enum SupportCommand {
    /// The programmes.
    Programmes,
    /// Support received: household_code, programme, received_on, amount_vnd, quantity, provider, citizen_id.
    Import { file: PathBuf },
    /// What one household received.
    Show { household: HouseholdCode },
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
    /// A programme's cost per household for a unit and a year (province staff): prices the forecast's and the
    /// plans' support.
    Cost(crate::forecast_cmd::CostArgs),
}

pub fn run(db: &str, actor: ActorArgs, command: RoundCommand, lang: Lang) -> Result<(), CliError> {
    let who = self::actor(actor.actor.as_deref(), &actor.role)?;
    match command {
        RoundCommand::Open {
            commune,
            year,
            in_year,
            month,
            date,
            standard,
        } => open_round(
            db,
            &who,
            OpenArgs {
                commune: &commune,
                year,
                in_year,
                month,
                date: date.as_deref(),
                standard: standard.as_deref(),
            },
            lang,
        ),
        RoundCommand::Status { round } => status(db, round, lang),
        RoundCommand::Sheet { round, output } => sheet(db, round, &output, lang),
        RoundCommand::Request {
            round,
            household,
            exit,
            date,
        } => request(db, &who, round, &household, exit, date.as_deref(), lang),
        RoundCommand::Survey { round, file, date } => {
            survey(db, &who, round, &file, date.as_deref(), lang)
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
        } => meeting(
            db,
            &who,
            round,
            MeetingArgs {
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
        } => post(db, &who, round, date.as_deref(), &places, lang),
        RoundCommand::Complaint {
            round,
            household,
            complainant,
            text,
            channel,
            date,
        } => {
            let received_on = date_or_today("date", date.as_deref())?;
            complaint(
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
        } => answer(db, &who, complaint, &outcome, &text, date.as_deref(), lang),
        RoundCommand::DistrictOpinion { round, date } => {
            district_opinion(db, &who, round, date.as_deref(), lang)
        }
        RoundCommand::Decide {
            round,
            date,
            number,
            signed_by,
        } => decide(db, &who, round, date.as_deref(), &number, &signed_by, lang),
        RoundCommand::Reopen {
            round,
            reason,
            date,
        } => reopen(db, &who, round, date.as_deref(), &reason, lang),
        RoundCommand::Certificates {
            round,
            household,
            date,
        } => certificates(db, &who, round, date.as_deref(), household.as_deref(), lang),
        RoundCommand::Lists { round, output } => lists(db, round, &output, lang),
        RoundCommand::Transitions { round, output } => transitions(db, round, &output, lang),
        RoundCommand::Decision { round, output } => decision_pdf(db, round, &output, lang),
        RoundCommand::CertificatesPdf { round, output } => {
            certificates_pdf(db, round, &output, lang)
        }
        RoundCommand::ExitForm {
            household,
            date,
            output,
        } => exit_form(db, &household, date.as_deref(), &output, lang),
        RoundCommand::Late { unit, year, as_of } => late(db, &unit, year, as_of.as_deref(), lang),
        RoundCommand::ReportSent {
            commune,
            province,
            preliminary,
            year,
            month,
            date,
        } => report_sent(
            db,
            &who,
            ReportSent {
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
            screen(db, &who, round, &file, date.as_deref(), lang)
        }
    }
}

pub fn run_support(
    db: &str,
    actor: ActorArgs,
    command: SupportCommand,
    lang: Lang,
) -> Result<(), CliError> {
    let who = self::actor(actor.actor.as_deref(), &actor.role)?;
    match command {
        SupportCommand::Programmes => support_programmes(db, lang),
        SupportCommand::Import { file } => support_import(db, &who, &file, lang),
        SupportCommand::Show { household } => support_show(db, household.as_str(), lang),
        SupportCommand::AddProgramme {
            code,
            name_vi,
            name_en,
            indicator,
        } => add_programme(
            db,
            &who,
            &code,
            &name_vi,
            &name_en,
            indicator.as_deref(),
            lang,
        ),
        SupportCommand::Cost(a) => crate::forecast_cmd::set_cost(db, &who, a, lang),
    }
}

pub fn actor(name: Option<&str>, role: &str) -> Result<Actor, CliError> {
    let role = Role::parse(role).ok_or_else(|| {
        arg(
            "role",
            role,
            "vai trò: administrator, province-staff, commune-officer, village-reviewer, auditor",
            "role: administrator, province-staff, commune-officer, village-reviewer, auditor",
        )
    })?;
    let name = name
        .map(str::to_owned)
        .or_else(|| std::env::var("GIAMNGHEO_ACTOR").ok())
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "cli".to_owned());
    Ok(Actor::new(&name, role, "cli"))
}

/// One CSV line, quoted where needed, with its newline.
pub fn csv_line(cells: &[String]) -> String {
    let mut line = Vec::new();
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            line.push(b',');
        }
        giamngheo_formats::csv_scan::push_text_field(&mut line, cell.as_bytes());
    }
    line.push(b'\n');
    String::from_utf8(line).unwrap_or_default()
}

pub fn table(file: &Path) -> Result<Box<dyn Rows>, CliError> {
    let name = file.display().to_string();
    let xlsx = file
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if xlsx {
        Ok(Box::new(read_xlsx(file, &name)?))
    } else {
        let f = std::fs::File::open(file).map_err(|error| CliError::File {
            path: name.clone(),
            error,
        })?;
        Ok(Box::new(CsvRows::open(f, &name)?))
    }
}

fn commune(store: &mut Store, key: &str, on: Date) -> Result<i64, CliError> {
    crate::report_cmd::find_unit_in(store, key, on, &[UnitLevel::Commune], "commune").map(|u| u.id)
}

pub struct OpenArgs<'a> {
    pub commune: &'a str,
    pub year: u16,
    pub in_year: bool,
    pub month: Option<u8>,
    pub date: Option<&'a str>,
    pub standard: Option<&'a str>,
}

pub fn open_round(db: &str, who: &Actor, a: OpenArgs<'_>, lang: Lang) -> Result<(), CliError> {
    let opened_on = date_or_today("date", a.date)?;
    let standard = match a.standard {
        Some(s) => crate::standard_arg::load(s)?,
        None => giamngheo_core::standard::builtin::for_year(a.year)?,
    };
    let mut store = open(db)?;
    let commune_id = commune(&mut store, a.commune, opened_on)?;
    let kind = if a.in_year {
        RoundKind::InYear
    } else {
        RoundKind::Periodic
    };
    let id = store.open_round(
        who,
        &NewRound {
            commune_id,
            kind,
            year: i32::from(a.year),
            month: a.month,
            opened_on,
            standard_id: standard.id.clone(),
        },
    )?;
    let round = store.round(id)?;
    let cases = store.round_cases(id)?;
    let poor = cases
        .iter()
        .filter(|c| c.source == CaseSource::PoorList)
        .count();
    match lang {
        Lang::Vi => outln!(
            "Đã mở đợt rà soát số {id} ({}, năm {}) của {} theo {} và chuẩn {}: {} hộ cần rà soát ({poor} hộ nghèo, {} hộ cận nghèo). Hạn quyết định: {}.",
            kind.name(lang),
            a.year,
            round.commune_name,
            round.procedure().name_vi,
            standard.id,
            cases.len(),
            cases.len() - poor,
            round.deadline().vi()
        ),
        Lang::En => outln!(
            "Opened review round {id} ({}, {}) of {} under {} and standard {}: {} households to review ({poor} poor, {} near-poor). Decision due by {}.",
            kind.name(lang),
            a.year,
            round.commune_name,
            round.procedure().name_en,
            standard.id,
            cases.len(),
            cases.len() - poor,
            round.deadline().vi()
        ),
    }
    print_unverified(&round, lang);
    Ok(())
}

/// Says which of the procedure's legal values the round relies on are not verified.
fn print_unverified(round: &RoundView, lang: Lang) {
    let p = round.procedure();
    let mut notes = Vec::new();
    if !p.posting_working_days.verified {
        notes.push(match lang {
            Lang::Vi => format!(
                "thời gian niêm yết {} ngày làm việc (chưa xác minh: {})",
                p.posting_working_days.value, p.posting_working_days.source
            ),
            Lang::En => format!(
                "posting period of {} working days (unverified: {})",
                p.posting_working_days.value, p.posting_working_days.source
            ),
        });
    }
    if !p.meeting_quorum_percent.verified {
        notes.push(match lang {
            Lang::Vi => format!(
                "họp dân cần {} % người dự đồng ý (chưa xác minh: {})",
                p.meeting_quorum_percent.value, p.meeting_quorum_percent.source
            ),
            Lang::En => format!(
                "the meeting needs {} % of attendees to agree (unverified: {})",
                p.meeting_quorum_percent.value, p.meeting_quorum_percent.source
            ),
        });
    }
    for n in notes {
        eprintln!("{} {n}", lang.pick("Lưu ý:", "Note:"));
    }
}

pub fn status(db: &str, round_id: i64, lang: Lang) -> Result<(), CliError> {
    let mut store = open(db)?;
    let round = store.round(round_id)?;
    let cases = store.round_cases(round_id)?;
    let complaints = store.complaints(round_id)?;
    let p = round.procedure();
    outln!(
        "{} {} — {} {} — {}",
        lang.pick("Đợt rà soát", "Review round"),
        round.id,
        round.commune_name,
        round.year,
        round.kind.name(lang)
    );
    outln!(
        "{}: {} ({})",
        lang.pick("Quy trình", "Procedure"),
        lang.pick(&p.name_vi, &p.name_en),
        round.standard_id
    );
    for (i, (step, done)) in round.steps_done(&cases).into_iter().enumerate() {
        outln!(
            "  {}. [{}] {}",
            i + 1,
            if done { "x" } else { " " },
            step.name(lang)
        );
    }
    for state in CaseState::ALL {
        let n = cases.iter().filter(|c| c.state == state).count();
        if n > 0 {
            outln!("  {:>6}  {}", n, state.name(lang));
        }
    }
    if let (Some(on), Some(ends)) = (round.posted_on, round.posting_ends) {
        outln!(
            "{} {} → {}",
            lang.pick("Niêm yết:", "Posted:"),
            on.vi(),
            ends.vi()
        );
    }
    let open_complaints = complaints.iter().filter(|c| c.outcome.is_none()).count();
    outln!(
        "{} {} ({} {})",
        lang.pick("Khiếu nại:", "Complaints:"),
        complaints.len(),
        open_complaints,
        lang.pick("chưa giải quyết", "open")
    );
    if let Some(d) = round.decided_on {
        outln!(
            "{} {} {}, {} {}",
            lang.pick("Quyết định số", "Decision"),
            round.decision_number.as_deref().unwrap_or("-"),
            d.vi(),
            lang.pick("người ký", "signed by"),
            round.signed_by.as_deref().unwrap_or("-")
        );
    } else {
        outln!(
            "{} {}",
            lang.pick("Hạn quyết định:", "Decision due by:"),
            round.deadline().vi()
        );
    }
    Ok(())
}

/// Writes a table as CSV (UTF-8 with a byte-order mark, so Excel shows the diacritics) or XLSX, through a
/// temporary file renamed into place.
fn write_table(output: &Path, header: &[&str], rows: &[Vec<String>]) -> Result<(), CliError> {
    let mut out = AtomicFile::create(output)?;
    let path = output.display().to_string();
    let io = |error: std::io::Error| CliError::File {
        path: path.clone(),
        error,
    };
    let xlsx = output
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if xlsx {
        use rust_xlsxwriter::{Format, Workbook};
        let xerr = |e: rust_xlsxwriter::XlsxError| io(std::io::Error::other(e.to_string()));
        let mut book = Workbook::new();
        let bold = Format::new().set_bold();
        let sheet = book.add_worksheet();
        for (i, h) in header.iter().enumerate() {
            sheet
                .write_string_with_format(0, i as u16, *h, &bold)
                .map_err(xerr)?;
        }
        for (r, row) in rows.iter().enumerate() {
            for (i, cell) in row.iter().enumerate() {
                sheet
                    .write_string(r as u32 + 1, i as u16, cell)
                    .map_err(xerr)?;
            }
        }
        let bytes = book.save_to_buffer().map_err(xerr)?;
        std::io::Write::write_all(out.writer(), &bytes).map_err(io)?;
    } else {
        let mut text = String::from("\u{feff}");
        let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
        text.push_str(&csv_line(&header));
        for row in rows {
            text.push_str(&csv_line(row));
        }
        std::io::Write::write_all(out.writer(), text.as_bytes()).map_err(io)?;
    }
    out.commit()
}

/// The survey sheet: the round's households to visit, with empty columns for the income (or score) and
/// each indicator of the round's standard, to fill in Excel and read back with `round survey`.
pub fn sheet(db: &str, round_id: i64, output: &Path, lang: Lang) -> Result<(), CliError> {
    let mut store = open(db)?;
    let round = store.round(round_id)?;
    let standard = crate::standard_arg::load(&round.standard_id)?;
    let cases = store.round_cases(round_id)?;
    let mut header = vec![
        "household_code",
        "head_name",
        "village",
        "source",
        "previous_class",
        "state",
        "income_per_capita",
    ];
    header.extend(standard.indicators.iter().map(|i| i.id.as_str()));
    let open_states = [CaseState::Listed, CaseState::Resurvey];
    let rows: Vec<Vec<String>> = cases
        .iter()
        .filter(|c| open_states.contains(&c.state))
        .map(|c| {
            let mut row = vec![
                c.household_code.to_string(),
                c.head_name.clone().unwrap_or_default(),
                c.village.clone().unwrap_or_default(),
                c.source.name(lang).to_owned(),
                c.previous_class.map_or("", |k| k.name(lang)).to_owned(),
                c.state.name(lang).to_owned(),
                String::new(),
            ];
            row.extend(standard.indicators.iter().map(|_| String::new()));
            row
        })
        .collect();
    write_table(output, &header, &rows)?;
    outln!(
        "{} {}: {} {}",
        lang.pick("Đã ghi", "Wrote"),
        output.display(),
        rows.len(),
        lang.pick(
            "hộ cần rà soát; điền thu nhập và các chỉ số (0/1) rồi nhập lại bằng `round survey`",
            "households to survey; fill in the income and the 0/1 indicators, then read it back with `round survey`"
        )
    );
    Ok(())
}

pub fn request(
    db: &str,
    who: &Actor,
    round_id: i64,
    household: &str,
    exit: bool,
    date: Option<&str>,
    lang: Lang,
) -> Result<(), CliError> {
    let on = date_or_today("date", date)?;
    let source = if exit {
        CaseSource::ExitRequest
    } else {
        CaseSource::Request
    };
    let id = open(db)?.add_request(who, round_id, household, source, on)?;
    outln!(
        "{} {household}: {} ({} {id})",
        lang.pick("Đã ghi nhận hộ", "Recorded household"),
        source.name(lang),
        lang.pick("hồ sơ", "case")
    );
    Ok(())
}

pub fn survey(
    db: &str,
    who: &Actor,
    round_id: i64,
    file: &Path,
    date: Option<&str>,
    lang: Lang,
) -> Result<(), CliError> {
    let on = date_or_today("date", date)?;
    let mut store = open(db)?;
    let round = store.round(round_id)?;
    let standard = crate::standard_arg::load(&round.standard_id)?;
    let mut rows = table(file)?;
    let inputs = giamngheo_formats::reviews::read_reviews(rows.as_mut(), &standard)
        .map_err(CliError::Import)?;
    let classifier = Classifier::new(standard);
    let inputs: Vec<SurveyInput> = inputs
        .into_iter()
        .map(|input| SurveyInput {
            input,
            expected_version: None,
        })
        .collect();
    let n = store
        .record_survey(who, round_id, &classifier, on, &inputs)?
        .len();
    let cases = store.round_cases(round_id)?;
    let count = |c: Class| {
        cases
            .iter()
            .filter(|k| k.state == CaseState::Surveyed && k.computed_class == Some(c))
            .count()
    };
    match lang {
        Lang::Vi => outln!(
            "Đã ghi kết quả rà soát {n} hộ. Chờ họp dân: {} hộ nghèo, {} hộ cận nghèo, {} hộ khác.",
            count(Class::Poor),
            count(Class::NearPoor),
            count(Class::MiddleIncome) + count(Class::NotPoor)
        ),
        Lang::En => outln!(
            "Recorded {n} surveys. Waiting for the meeting: {} poor, {} near-poor, {} other.",
            count(Class::Poor),
            count(Class::NearPoor),
            count(Class::MiddleIncome) + count(Class::NotPoor)
        ),
    }
    if let Some(note) = crate::classify_cmd::unverified_note(classifier.standard(), lang) {
        eprintln!("{note}");
    }
    Ok(())
}

pub struct MeetingArgs<'a> {
    pub file: &'a Path,
    pub date: &'a str,
    pub attendees: u32,
    pub chair: &'a str,
    pub secretary: &'a str,
    pub village: Option<&'a str>,
    pub minutes: Option<&'a str>,
}

pub fn meeting(
    db: &str,
    who: &Actor,
    round_id: i64,
    a: MeetingArgs<'_>,
    lang: Lang,
) -> Result<(), CliError> {
    let held_on = parse_date("date", a.date)?;
    let mut store = open(db)?;
    let round = store.round(round_id)?;
    let village_id = match a.village {
        None => None,
        Some(v) => {
            let found = store
                .children_at(round.commune_id, held_on)?
                .into_iter()
                .find(|u| {
                    u.level == UnitLevel::Village
                        && (u.code == v
                            || giamngheo_core::text::fold(&u.name) == giamngheo_core::text::fold(v))
                });
            Some(found.map(|u| u.id).ok_or_else(|| {
                arg(
                    "village",
                    v,
                    "không có thôn này trong xã",
                    "no such village in the commune",
                )
            })?)
        }
    };
    let mut rows = table(a.file)?;
    let votes = giamngheo_formats::rounds::read_votes(rows.as_mut()).map_err(CliError::Import)?;
    let summary = store.record_meeting(
        who,
        round_id,
        &NewMeeting {
            village_id,
            held_on,
            chair: a.chair.to_owned(),
            secretary: a.secretary.to_owned(),
            attendees: a.attendees,
            minutes: a.minutes.map(str::to_owned),
            votes: votes
                .into_iter()
                .map(|v| VoteInput {
                    row: v.row,
                    household_code: v.household_code,
                    votes_for: v.votes_for,
                    votes_against: v.votes_against,
                })
                .collect(),
        },
    )?;
    match lang {
        Lang::Vi => outln!(
            "Đã ghi biên bản họp dân ngày {} ({} người dự): {} hộ được thống nhất, {} hộ chưa đạt 50 % phải rà soát lại.",
            held_on.vi(),
            a.attendees,
            summary.agreed,
            summary.disagreed
        ),
        Lang::En => outln!(
            "Recorded the village meeting of {} ({} attendees): {} households agreed, {} below 50 % to survey again.",
            held_on.vi(),
            a.attendees,
            summary.agreed,
            summary.disagreed
        ),
    }
    print_unverified(&round, lang);
    Ok(())
}

pub fn post(
    db: &str,
    who: &Actor,
    round_id: i64,
    date: Option<&str>,
    places: &str,
    lang: Lang,
) -> Result<(), CliError> {
    let on = date_or_today("date", date)?;
    let mut store = open(db)?;
    let ends = store.post_results(who, round_id, on, places)?;
    outln!(
        "{} {} {} {}; {}",
        lang.pick("Niêm yết công khai từ", "Posted publicly from"),
        on.vi(),
        lang.pick("đến hết ngày", "to the end of"),
        ends.vi(),
        lang.pick(
            "quyết định công nhận từ ngày hôm sau, khi mọi khiếu nại đã được giải quyết.",
            "the decision may follow the day after, once every complaint is answered."
        )
    );
    print_unverified(&store.round(round_id)?, lang);
    Ok(())
}

pub fn complaint(
    db: &str,
    who: &Actor,
    round_id: i64,
    new: NewComplaint,
    lang: Lang,
) -> Result<(), CliError> {
    let id = open(db)?.add_complaint(who, round_id, &new)?;
    outln!(
        "{} {id}",
        lang.pick("Đã ghi nhận khiếu nại số", "Recorded complaint")
    );
    Ok(())
}

pub fn answer(
    db: &str,
    who: &Actor,
    complaint_id: i64,
    outcome: &str,
    text: &str,
    date: Option<&str>,
    lang: Lang,
) -> Result<(), CliError> {
    let on = date_or_today("date", date)?;
    let outcome = ComplaintOutcome::parse(outcome).ok_or_else(|| {
        arg(
            "outcome",
            outcome,
            "upheld (chấp nhận), rejected (không chấp nhận) hoặc withdrawn (rút)",
            "upheld, rejected or withdrawn",
        )
    })?;
    open(db)?.answer_complaint(who, complaint_id, text, on, outcome)?;
    outln!(
        "{} {complaint_id}{}",
        lang.pick("Đã trả lời khiếu nại số", "Answered complaint"),
        if outcome == ComplaintOutcome::Upheld {
            lang.pick(
                "; hộ được rà soát lại, họp dân và niêm yết lại",
                "; the household is surveyed, met on and posted again",
            )
        } else {
            ""
        }
    );
    Ok(())
}

pub fn district_opinion(
    db: &str,
    who: &Actor,
    round_id: i64,
    date: Option<&str>,
    lang: Lang,
) -> Result<(), CliError> {
    let on = date_or_today("date", date)?;
    open(db)?.record_district_opinion(who, round_id, on)?;
    outln!(
        "{} {}",
        lang.pick(
            "Đã ghi ý kiến của Chủ tịch UBND cấp huyện ngày",
            "Recorded the district chairman's opinion of"
        ),
        on.vi()
    );
    Ok(())
}

pub fn decide(
    db: &str,
    who: &Actor,
    round_id: i64,
    date: Option<&str>,
    number: &str,
    signed_by: &str,
    lang: Lang,
) -> Result<(), CliError> {
    let on = date_or_today("date", date)?;
    let mut store = open(db)?;
    let s = store.decide_round(who, round_id, on, number, signed_by)?;
    let [poor, near, middle, not_poor] = s.by_class;
    match lang {
        Lang::Vi => outln!(
            "Quyết định số {number} ngày {}: công nhận {} hộ ({poor} hộ nghèo, {near} hộ cận nghèo, {middle} hộ có mức sống trung bình, {not_poor} không nghèo). Đợt rà soát đã khóa.",
            on.vi(),
            s.decided
        ),
        Lang::En => outln!(
            "Decision {number} of {}: {} households recognised ({poor} poor, {near} near-poor, {middle} middle-income, {not_poor} not poor). The round is locked.",
            on.vi(),
            s.decided
        ),
    }
    for (t, n) in &s.transitions {
        outln!("  {:>6}  {}", n, t.name(lang));
    }
    Ok(())
}

pub fn reopen(
    db: &str,
    who: &Actor,
    round_id: i64,
    date: Option<&str>,
    reason: &str,
    lang: Lang,
) -> Result<(), CliError> {
    let on = date_or_today("date", date)?;
    open(db)?.reopen_round(who, round_id, on, reason)?;
    outln!(
        "{} {round_id} ({})",
        lang.pick("Đã mở lại đợt rà soát", "Reopened review round"),
        reason
    );
    Ok(())
}

pub fn certificates(
    db: &str,
    who: &Actor,
    round_id: i64,
    date: Option<&str>,
    household: Option<&str>,
    lang: Lang,
) -> Result<(), CliError> {
    let on = date_or_today("date", date)?;
    let n = open(db)?.issue_certificates(who, round_id, on, household)?;
    outln!(
        "{} {n} {}",
        lang.pick("Đã cấp", "Issued"),
        lang.pick(
            "giấy chứng nhận hộ nghèo, hộ cận nghèo (Mẫu 03)",
            "certificates (form 03)"
        )
    );
    Ok(())
}

/// Which list of the decision (Mẫu 02) a household is on.
fn list_of(c: &CaseView) -> Option<(&'static str, &'static str, &'static str)> {
    c.decision_list()
}

const LISTS: [&str; 4] = ["poor", "near_poor", "escaped_poor", "escaped_near_poor"];

/// The lists of the decision (Mẫu 02) as CSV (one table, a `list` column) or XLSX (one sheet per list,
/// Vietnamese headers).
pub fn lists(db: &str, round_id: i64, output: &Path, lang: Lang) -> Result<(), CliError> {
    let mut store = open(db)?;
    let round = store.round(round_id)?;
    let cases = store.round_cases(round_id)?;
    let mut out = AtomicFile::create(output)?;
    let path = output.display().to_string();
    let file_err = |error: std::io::Error| CliError::File {
        path: path.clone(),
        error,
    };
    let xlsx = output
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let score = |c: &CaseView| {
        c.income_score.map_or_else(
            || {
                c.income_per_capita
                    .map_or(String::new(), |v| giamngheo_core::vi_format::vnd(v, lang))
            },
            |s| s.to_string(),
        )
    };
    if xlsx {
        use rust_xlsxwriter::{Format, Workbook};
        let mut book = Workbook::new();
        let bold = Format::new().set_bold();
        for key in LISTS {
            let members: Vec<&CaseView> = cases
                .iter()
                .filter(|c| list_of(c).is_some_and(|l| l.0 == key))
                .collect();
            let Some((_, title_vi, title_en)) =
                cases.iter().find_map(|c| list_of(c).filter(|l| l.0 == key))
            else {
                continue;
            };
            let sheet = book.add_worksheet();
            let xerr = |e: rust_xlsxwriter::XlsxError| CliError::File {
                path: output.display().to_string(),
                error: std::io::Error::other(e.to_string()),
            };
            sheet.set_name(key).map_err(xerr)?;
            let title = format!(
                "{} — {} {} ({} {})",
                lang.pick(title_vi, title_en),
                round.commune_name,
                round.year,
                lang.pick("Quyết định số", "Decision"),
                round.decision_number.as_deref().unwrap_or("-")
            );
            sheet
                .write_string_with_format(0, 0, &title, &bold)
                .map_err(xerr)?;
            let header = [
                lang.pick("TT", "No."),
                lang.pick("Mã hộ", "Household code"),
                lang.pick("Họ tên chủ hộ", "Head of household"),
                lang.pick("Thôn", "Village"),
                lang.pick("Phân loại trước", "Previous class"),
                lang.pick("Kết quả", "Result"),
                lang.pick("Biến động", "Transition"),
                lang.pick("Điểm / thu nhập", "Score / income"),
                lang.pick("Số chỉ số thiếu hụt", "Deprivations"),
                lang.pick("Giấy chứng nhận", "Certificate"),
            ];
            for (i, h) in header.iter().enumerate() {
                sheet
                    .write_string_with_format(2, i as u16, *h, &bold)
                    .map_err(xerr)?;
            }
            for (i, c) in members.iter().enumerate() {
                let r = 3 + i as u32;
                sheet.write_number(r, 0, (i + 1) as f64).map_err(xerr)?;
                sheet
                    .write_string(r, 1, c.household_code.as_str())
                    .map_err(xerr)?;
                sheet
                    .write_string(r, 2, c.head_name.as_deref().unwrap_or(""))
                    .map_err(xerr)?;
                sheet
                    .write_string(r, 3, c.village.as_deref().unwrap_or(""))
                    .map_err(xerr)?;
                sheet
                    .write_string(r, 4, c.previous_class.map_or("", |k| k.name(lang)))
                    .map_err(xerr)?;
                sheet
                    .write_string(r, 5, c.decided_class.map_or("", |k| k.name(lang)))
                    .map_err(xerr)?;
                sheet
                    .write_string(r, 6, c.transition.map_or("", |t| t.name(lang)))
                    .map_err(xerr)?;
                sheet.write_string(r, 7, score(c)).map_err(xerr)?;
                sheet
                    .write_number(r, 8, c.deprivation_count.unwrap_or(0) as f64)
                    .map_err(xerr)?;
                sheet
                    .write_string(r, 9, c.certificate.as_deref().unwrap_or(""))
                    .map_err(xerr)?;
            }
            sheet.set_column_width(2, 28).map_err(xerr)?;
            sheet.set_column_width(3, 18).map_err(xerr)?;
            sheet.set_column_width(6, 30).map_err(xerr)?;
        }
        let bytes = book.save_to_buffer().map_err(|e| CliError::File {
            path: output.display().to_string(),
            error: std::io::Error::other(e.to_string()),
        })?;
        std::io::Write::write_all(out.writer(), &bytes).map_err(file_err)?;
    } else {
        let mut text = String::from(
            "list,household_code,head_name,village,previous_class,decided_class,transition,income_score,income_per_capita,deprivations,certificate\n",
        );
        for key in LISTS {
            for c in cases
                .iter()
                .filter(|c| list_of(c).is_some_and(|l| l.0 == key))
            {
                let cells = [
                    key.to_owned(),
                    c.household_code.to_string(),
                    c.head_name.clone().unwrap_or_default(),
                    c.village.clone().unwrap_or_default(),
                    c.previous_class.map_or("", Class::code).to_owned(),
                    c.decided_class.map_or("", Class::code).to_owned(),
                    c.transition.map_or("", Transition::code).to_owned(),
                    c.income_score.map_or(String::new(), |v| v.to_string()),
                    c.income_per_capita.map_or(String::new(), |v| v.to_string()),
                    c.deprivation_count.map_or(String::new(), |v| v.to_string()),
                    c.certificate.clone().unwrap_or_default(),
                ];
                text.push_str(&csv_line(&cells));
            }
        }
        std::io::Write::write_all(out.writer(), text.as_bytes()).map_err(file_err)?;
    }
    out.commit()?;
    let count = |k: &str| {
        cases
            .iter()
            .filter(|c| list_of(c).is_some_and(|l| l.0 == k))
            .count()
    };
    match lang {
        Lang::Vi => outln!(
            "Đã ghi {path}: {} hộ nghèo, {} hộ cận nghèo, {} hộ thoát nghèo, {} hộ thoát cận nghèo.",
            count("poor"),
            count("near_poor"),
            count("escaped_poor"),
            count("escaped_near_poor")
        ),
        Lang::En => outln!(
            "Wrote {path}: {} poor, {} near-poor, {} escaped poverty, {} left near-poverty.",
            count("poor"),
            count("near_poor"),
            count("escaped_poor"),
            count("escaped_near_poor")
        ),
    }
    Ok(())
}

pub fn late(
    db: &str,
    unit: &str,
    year: u16,
    as_of: Option<&str>,
    lang: Lang,
) -> Result<(), CliError> {
    let on = date_or_today("as-of", as_of)?;
    let mut store = open(db)?;
    let u = crate::report_cmd::find_unit_in(
        &mut store,
        unit,
        on,
        &[UnitLevel::Province, UnitLevel::District, UnitLevel::Commune],
        "unit",
    )?;
    let late = store.late_communes(u.id, i32::from(year), on)?;
    outln!("commune_code,commune_name,what,deadline,round_open");
    for l in &late {
        let what = match (l.kind, l.month) {
            (giamngheo_store::support::ReportKind::Periodic, _) => lang
                .pick(
                    "chưa có quyết định rà soát định kỳ",
                    "periodic round not decided",
                )
                .to_owned(),
            (giamngheo_store::support::ReportKind::Preliminary, _) => lang
                .pick(
                    "tỉnh chưa gửi kết quả sơ bộ lên Bộ",
                    "the province's preliminary results not sent to the ministry",
                )
                .to_owned(),
            (giamngheo_store::support::ReportKind::Official, _) => lang
                .pick(
                    "tỉnh chưa gửi kết quả chính thức lên Bộ",
                    "the province's official results not sent to the ministry",
                )
                .to_owned(),
            (_, Some(m)) => format!(
                "{} {m:02}/{}",
                lang.pick("chưa gửi báo cáo tháng", "monthly report missing for"),
                l.year
            ),
            (_, None) => String::new(),
        };
        out!(
            "{}",
            csv_line(&[
                l.commune_code.to_string(),
                l.commune_name.clone(),
                what,
                l.deadline.vi(),
                l.round_open.to_string(),
            ])
        );
    }
    eprintln!("{} {}", late.len(), lang.pick("việc trễ hạn", "late items"));
    Ok(())
}

pub struct ReportSent<'a> {
    pub commune: Option<&'a str>,
    pub province: Option<&'a str>,
    pub preliminary: bool,
    pub year: u16,
    pub month: Option<u8>,
    pub date: Option<&'a str>,
}

pub fn report_sent(db: &str, who: &Actor, a: ReportSent<'_>, lang: Lang) -> Result<(), CliError> {
    let on = date_or_today("date", a.date)?;
    let mut store = open(db)?;
    match (a.commune, a.province) {
        (Some(c), None) => {
            let id = commune(&mut store, c, on)?;
            store.submit_report(who, id, i32::from(a.year), a.month, on)?;
        }
        (None, Some(p)) => {
            let mut found = store.find_units(UnitLevel::Province, p, on)?;
            if found.len() != 1 {
                return Err(arg(
                    "province",
                    p,
                    "cần đúng một tỉnh (mã hoặc tên)",
                    "exactly one province (code or name) is needed",
                ));
            }
            store.submit_province_report(
                who,
                found.remove(0).id,
                i32::from(a.year),
                a.preliminary,
                on,
            )?;
        }
        _ => {
            return Err(arg(
                "commune",
                a.commune.unwrap_or(""),
                "cần --commune (báo cáo của xã) hoặc --province (báo cáo của tỉnh)",
                "give --commune (a commune's report) or --province (a province's)",
            ));
        }
    }
    outln!("{}", lang.pick("Đã ghi nhận báo cáo.", "Report recorded."));
    Ok(())
}

pub fn audit_export(db: &str, output: &Path, lang: Lang) -> Result<(), CliError> {
    let mut store = open(db)?;
    let mut out = AtomicFile::create(output)?;
    let path = output.display().to_string();
    let mut text = String::from(
        "seq,at,actor,role,origin,action,entity,entity_id,old_value,new_value,reason,hash\n",
    );
    let mut from = 1;
    let mut n = 0;
    loop {
        let page = store.audit_entries(from, 10_000, None)?;
        if page.is_empty() {
            break;
        }
        for (e, hash) in &page {
            let cells = [
                e.seq.to_string(),
                e.at.clone(),
                e.actor.clone(),
                e.role.clone(),
                e.origin.clone(),
                e.action.clone(),
                e.entity.clone(),
                e.entity_id.clone(),
                e.old_value.clone().unwrap_or_default(),
                e.new_value.clone().unwrap_or_default(),
                e.reason.clone().unwrap_or_default(),
                hash.clone(),
            ];
            text.push_str(&csv_line(&cells));
            from = e.seq + 1;
            n += 1;
        }
    }
    std::io::Write::write_all(out.writer(), text.as_bytes()).map_err(|error| CliError::File {
        path: path.clone(),
        error,
    })?;
    out.commit()?;
    outln!(
        "{} {path}: {n} {}",
        lang.pick("Đã ghi", "Wrote"),
        lang.pick("mục", "entries")
    );
    Ok(())
}

pub fn support_import(db: &str, who: &Actor, file: &Path, lang: Lang) -> Result<(), CliError> {
    let mut rows = table(file)?;
    let items = giamngheo_formats::rounds::read_support(rows.as_mut()).map_err(CliError::Import)?;
    let items: Vec<giamngheo_store::support::NewSupport> = items
        .into_iter()
        .map(|s| giamngheo_store::support::NewSupport {
            programme_code: s.programme,
            household_code: s.household_code,
            person_citizen_id: s.citizen_id,
            received_on: s.received_on,
            amount_vnd: s.amount_vnd,
            quantity: s.quantity,
            provider: s.provider,
            note: s.note,
        })
        .collect();
    let n = open(db)?.record_support(who, &items)?;
    outln!(
        "{} {n} {}",
        lang.pick("Đã ghi", "Recorded"),
        lang.pick("lượt hỗ trợ", "support items")
    );
    Ok(())
}

pub fn support_programmes(db: &str, lang: Lang) -> Result<(), CliError> {
    outln!("code,name,indicator");
    for p in open(db)?.programmes()? {
        out!(
            "{}",
            csv_line(&[
                p.code.clone(),
                lang.pick(&p.name_vi, &p.name_en).to_owned(),
                p.indicator.clone().unwrap_or_default(),
            ])
        );
    }
    Ok(())
}

pub fn support_show(db: &str, household: &str, lang: Lang) -> Result<(), CliError> {
    let items = open(db)?.support_of(household)?;
    outln!("received_on,programme,member,amount_vnd,quantity,provider,indicator");
    for s in &items {
        out!(
            "{}",
            csv_line(&[
                s.received_on.vi(),
                lang.pick(&s.programme_vi, &s.programme_code).to_owned(),
                s.person.clone().unwrap_or_default(),
                s.amount_vnd
                    .map_or(String::new(), |a| giamngheo_core::vi_format::vnd(a, lang)),
                s.quantity.map_or(String::new(), |q| q.to_string()),
                s.provider.clone(),
                s.indicator.clone().unwrap_or_default(),
            ])
        );
    }
    Ok(())
}

fn decided_round(store: &mut Store, round_id: i64) -> Result<RoundView, CliError> {
    let round = store.round(round_id)?;
    if round.status != RoundStatus::Decided {
        return Err(CliError::Store(giamngheo_store::StoreError::Procedure(
            giamngheo_core::round::RoundError::StepNotDone {
                step: Step::Decision,
            },
        )));
    }
    Ok(round)
}

/// The chairman's decision with its lists (Mẫu 02) as PDF.
pub fn decision_pdf(db: &str, round_id: i64, output: &Path, lang: Lang) -> Result<(), CliError> {
    let mut store = open(db)?;
    let round = decided_round(&mut store, round_id)?;
    let cases = store.round_cases(round_id)?;
    let standard = crate::standard_arg::load(&round.standard_id)?;
    // The same model as the web's download (giamngheo_web::forms).
    let model =
        giamngheo_app::forms::decision(&mut store, &round, &cases, &standard.instrument.name_vi)?;
    let pdf = giamngheo_report::forms::decision(&model);
    crate::output::write_file(output, &pdf)?;
    outln!(
        "{} {} ({})",
        lang.pick("Đã ghi", "Wrote"),
        output.display(),
        lang.pick(
            "Mẫu 02: quyết định và danh sách",
            "form 02: decision and lists"
        )
    );
    Ok(())
}

/// Every certificate of the round (Mẫu 03) as one PDF, a page each.
pub fn certificates_pdf(
    db: &str,
    round_id: i64,
    output: &Path,
    lang: Lang,
) -> Result<(), CliError> {
    let mut store = open(db)?;
    let round = decided_round(&mut store, round_id)?;
    let cases = store.round_cases(round_id)?;
    let list = giamngheo_app::forms::certificates(&mut store, &round, &cases)?;
    if list.is_empty() {
        return Err(arg(
            "round",
            &round_id.to_string(),
            "đợt rà soát chưa cấp giấy chứng nhận nào (chạy `round certificates` trước)",
            "the round has issued no certificates yet (run `round certificates` first)",
        ));
    }
    crate::output::write_file(output, &giamngheo_report::forms::certificates(&list))?;
    outln!(
        "{} {}: {} {}",
        lang.pick("Đã ghi", "Wrote"),
        output.display(),
        list.len(),
        lang.pick("giấy chứng nhận (Mẫu 03)", "certificates (form 03)")
    );
    Ok(())
}

/// A household's exit request (Mẫu 04), filled from the registry, to print and sign.
pub fn exit_form(
    db: &str,
    household: &str,
    date: Option<&str>,
    output: &Path,
    lang: Lang,
) -> Result<(), CliError> {
    let on = date_or_today("date", date)?;
    let mut store = open(db)?;
    let history = store.household_history(household)?;
    let last = history.reviews.iter().rev().find_map(|r| r.decided_class);
    let pdf = match giamngheo_app::forms::exit_request(&mut store, household, on, last)? {
        Ok(model) => giamngheo_report::forms::exit_request(&model),
        Err(why) => {
            return Err(arg(
                "household",
                household,
                why.message(Lang::Vi),
                why.message(Lang::En),
            ));
        }
    };
    crate::output::write_file(output, &pdf)?;
    outln!(
        "{} {} ({})",
        lang.pick("Đã ghi", "Wrote"),
        output.display(),
        lang.pick(
            "Mẫu 04: giấy đề nghị công nhận hộ thoát nghèo",
            "form 04: exit request"
        )
    );
    Ok(())
}

/// Every household of the round with its transition and the support it received since its previous
/// review: the table that shows whether escapes last and what came before a fall back.
pub fn transitions(db: &str, round_id: i64, output: &Path, lang: Lang) -> Result<(), CliError> {
    let mut store = open(db)?;
    let cases = store.round_cases(round_id)?;
    let support = store.support_between_reviews(round_id)?;
    let header = [
        "household_code",
        "head_name",
        "village",
        "previous_class",
        "class",
        "transition",
        "support_items",
        "support_vnd",
        "programmes",
    ];
    let rows: Vec<Vec<String>> = cases
        .iter()
        .map(|c| {
            let (n, amount, programmes) = support.get(&c.id).cloned().unwrap_or_default();
            vec![
                c.household_code.to_string(),
                c.head_name.clone().unwrap_or_default(),
                c.village.clone().unwrap_or_default(),
                c.previous_class.map_or("", |k| k.name(lang)).to_owned(),
                c.decided_class
                    .or(c.computed_class)
                    .map_or("", |k| k.name(lang))
                    .to_owned(),
                c.transition.map_or("", |t| t.name(lang)).to_owned(),
                n.to_string(),
                amount.to_string(),
                programmes.join(" "),
            ]
        })
        .collect();
    write_table(output, &header, &rows)?;
    let mut counts: Vec<(Transition, usize)> = Transition::ALL
        .into_iter()
        .map(|t| (t, cases.iter().filter(|c| c.transition == Some(t)).count()))
        .filter(|x| x.1 > 0)
        .collect();
    counts.sort_by_key(|x| std::cmp::Reverse(x.1));
    outln!("{} {}", lang.pick("Đã ghi", "Wrote"), output.display());
    for (t, n) in counts {
        let supported = cases
            .iter()
            .filter(|c| c.transition == Some(t) && support.contains_key(&c.id))
            .count();
        outln!(
            "  {n:>6}  {} ({supported} {})",
            t.name(lang),
            lang.pick("hộ được hỗ trợ", "supported")
        );
    }
    Ok(())
}

/// The quick screening (Phiếu A): a file of household_code of those plainly above the lines.
pub fn screen(
    db: &str,
    who: &Actor,
    round_id: i64,
    file: &Path,
    date: Option<&str>,
    lang: Lang,
) -> Result<(), CliError> {
    let on = date_or_today("date", date)?;
    let mut rows = table(file)?;
    let header = rows.header_keys();
    let problem = problem_at(&*rows);
    let Some(code_c) = header
        .iter()
        .position(|h| h == "household_code" || h == "mã hộ")
    else {
        return Err(CliError::Import(vec![problem(
            1,
            "household_code",
            ProblemKind::MissingColumn,
        )]));
    };
    let mut codes = Vec::new();
    let mut problems = Vec::new();
    rows.each(&mut |row, cells| {
        if let Some(c) = cells
            .get(code_c)
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
        {
            match HouseholdCode::parse(c) {
                Some(code) => codes.push((row, code)),
                None => problems.push(problem(
                    row,
                    "household_code",
                    ProblemKind::BadHouseholdCode(c.to_owned()),
                )),
            }
        }
    })?;
    if !problems.is_empty() {
        return Err(CliError::Import(problems));
    }
    let n = open(db)?.record_screening(who, round_id, on, &codes)?;
    outln!(
        "{} {n} {}",
        lang.pick(
            "Đã ghi nhận diện nhanh (Phiếu A)",
            "Recorded the quick screening (form A) of"
        ),
        lang.pick(
            "hộ: không thuộc diện rà soát chi tiết, chờ họp dân",
            "households: no full survey, waiting for the meeting"
        )
    );
    Ok(())
}

pub fn add_programme(
    db: &str,
    who: &Actor,
    code: &str,
    name_vi: &str,
    name_en: &str,
    indicator: Option<&str>,
    lang: Lang,
) -> Result<(), CliError> {
    let id = open(db)?.add_programme(who, code, name_vi, name_en, indicator)?;
    outln!(
        "{} {code} ({id})",
        lang.pick("Đã thêm chương trình hỗ trợ", "Added programme")
    );
    Ok(())
}
