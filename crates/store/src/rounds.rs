//! Review rounds: the procedure of core `round` applied to the registry. Each step checks the actor's role,
//! the round's lock and every household's state, then writes the change, the review records and one audit
//! entry per change in one transaction: a refused step changes nothing.

use std::collections::HashMap;

use giamngheo_core::complaint::{ComplaintChannel, ComplaintOutcome};
use giamngheo_core::date::Date;
use giamngheo_core::ids::{HouseholdCode, UnitCode, UnitLevel};
use giamngheo_core::registry::ReviewInput;
use giamngheo_core::round::{
    Action, CaseEvent, CaseState, Procedure, RoundError, RoundKind, RoundStatus, Step,
    meeting_agrees, procedure_on, procedures,
};
use giamngheo_core::transition::Transition;
use giamngheo_core::{Area, Class, Classifier, Income, Lang, Outcome};

use crate::Store;
use crate::audit::{Actor, AuditWriter, Change};
use crate::db::{Conn, Row, Value, parse_date};
use crate::error::{Rejection, RejectionKind, StoreError};
use crate::reviews::NewReview;
use crate::row_ids::{IdTable, next_id};
use crate::scope::Place;

#[derive(Clone, Debug, PartialEq)]
pub struct RoundView {
    pub id: i64,
    pub commune_id: i64,
    pub commune_code: UnitCode,
    pub commune_name: String,
    pub kind: RoundKind,
    pub year: i32,
    pub month: Option<u8>,
    pub procedure_id: String,
    pub standard_id: String,
    pub opened_on: Date,
    pub status: RoundStatus,
    pub posted_on: Option<Date>,
    pub posting_ends: Option<Date>,
    pub district_opinion_on: Option<Date>,
    pub decided_on: Option<Date>,
    pub decision_number: Option<String>,
    pub signed_by: Option<String>,
    pub version: i64,
}

impl RoundView {
    pub fn procedure(&self) -> &'static Procedure {
        procedures()
            .iter()
            .find(|p| p.id == self.procedure_id)
            .or_else(|| procedure_on(self.opened_on))
            .unwrap_or(&procedures()[0])
    }

    /// Each step of the round's procedure with whether it is done, judged from the round and `cases` (its
    /// households): what the command line and the web page show.
    pub fn steps_done(&self, cases: &[CaseView]) -> Vec<(Step, bool)> {
        let decided = self.status == RoundStatus::Decided;
        let all = |ok: &dyn Fn(&CaseView) -> bool| cases.iter().all(ok);
        self.procedure()
            .steps
            .iter()
            .map(|&step| {
                let done = match step {
                    Step::List => true,
                    Step::Survey => {
                        all(&|c| !matches!(c.state, CaseState::Listed | CaseState::Resurvey))
                    }
                    Step::Meeting => all(&|c| {
                        matches!(
                            c.state,
                            CaseState::Agreed | CaseState::Posted | CaseState::Decided
                        )
                    }),
                    Step::Posting => self.posted_on.is_some() || decided,
                    Step::DistrictOpinion => self.district_opinion_on.is_some(),
                    Step::Decision => decided,
                    Step::Certificates => {
                        decided
                            && all(&|c| {
                                c.certificate.is_some()
                                    || !matches!(
                                        c.decided_class,
                                        Some(Class::Poor | Class::NearPoor)
                                    )
                            })
                    }
                };
                (step, done)
            })
            .collect()
    }

    pub fn deadline(&self) -> Date {
        self.procedure()
            .decision_deadline(self.kind, self.year, self.opened_on)
    }
}

/// How a household came onto a round's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseSource {
    PoorList,
    NearPoorList,
    /// A review request (Mẫu 01).
    Request,
    /// A request to be recognised as escaped (Mẫu 04).
    ExitRequest,
}

impl CaseSource {
    pub fn code(self) -> &'static str {
        match self {
            CaseSource::PoorList => "poor_list",
            CaseSource::NearPoorList => "near_poor_list",
            CaseSource::Request => "request",
            CaseSource::ExitRequest => "exit_request",
        }
    }

    pub fn parse(s: &str) -> Option<CaseSource> {
        [
            CaseSource::PoorList,
            CaseSource::NearPoorList,
            CaseSource::Request,
            CaseSource::ExitRequest,
        ]
        .into_iter()
        .find(|c| c.code() == s)
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            CaseSource::PoorList => lang.pick("danh sách hộ nghèo", "poor list"),
            CaseSource::NearPoorList => lang.pick("danh sách hộ cận nghèo", "near-poor list"),
            CaseSource::Request => {
                lang.pick("giấy đề nghị rà soát (Mẫu 01)", "review request (form 01)")
            }
            CaseSource::ExitRequest => lang.pick(
                "giấy đề nghị thoát nghèo (Mẫu 04)",
                "exit request (form 04)",
            ),
        }
    }
}

/// One household in a round, with what the lists and certificates need.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseView {
    pub id: i64,
    pub household_id: i64,
    pub household_code: HouseholdCode,
    pub head_name: Option<String>,
    pub village_id: Option<i64>,
    pub village: Option<String>,
    pub source: CaseSource,
    pub previous_class: Option<Class>,
    pub state: CaseState,
    pub computed_class: Option<Class>,
    pub decided_class: Option<Class>,
    pub income_score: Option<i64>,
    pub income_per_capita: Option<i64>,
    pub deprivation_count: Option<i64>,
    pub reason: Option<String>,
    pub transition: Option<Transition>,
    pub certificate: Option<String>,
    pub version: i64,
}

impl CaseView {
    /// The list of the chairman's decision (Mẫu 02) a decided household goes on, as (key, Vietnamese title,
    /// English title): poor, near-poor, escaped poverty, left near-poverty; None for a household on none.
    /// One definition for the command line's lists and PDFs and the web's.
    pub fn decision_list(&self) -> Option<(&'static str, &'static str, &'static str)> {
        match (self.decided_class, self.transition) {
            (Some(Class::Poor), _) => Some(("poor", "Danh sách hộ nghèo", "Poor households")),
            (Some(Class::NearPoor), _) if self.transition.is_some_and(Transition::is_escape) => {
                Some((
                    "escaped_poor",
                    "Danh sách hộ thoát nghèo",
                    "Households that escaped poverty",
                ))
            }
            (Some(Class::NearPoor), _) => Some((
                "near_poor",
                "Danh sách hộ cận nghèo",
                "Near-poor households",
            )),
            (Some(_), Some(Transition::Escaped)) => Some((
                "escaped_poor",
                "Danh sách hộ thoát nghèo",
                "Households that escaped poverty",
            )),
            (Some(_), Some(Transition::LeftNearPoor)) => Some((
                "escaped_near_poor",
                "Danh sách hộ thoát cận nghèo",
                "Households that left near-poverty",
            )),
            _ => None,
        }
    }
}

/// A survey result to record, with the case version the officer saw (when the form carried one): a
/// different version means someone else changed the household meanwhile.
#[derive(Clone, Debug)]
pub struct SurveyInput {
    pub input: ReviewInput,
    pub expected_version: Option<i64>,
}

/// One household's survey as recorded: its class as the store computed it, so a caller shows the result
/// it stored rather than classifying again.
#[derive(Clone, Debug, PartialEq)]
pub struct Surveyed {
    pub household_code: HouseholdCode,
    pub outcome: Outcome,
}

/// A round to open.
#[derive(Clone, Debug)]
pub struct NewRound {
    pub commune_id: i64,
    pub kind: RoundKind,
    pub year: i32,
    /// The month of an in-year round (the opening date's month when absent).
    pub month: Option<u8>,
    pub opened_on: Date,
    pub standard_id: String,
}

/// A complaint or feedback, optionally about one household on the round's list.
#[derive(Clone, Debug)]
pub struct NewComplaint {
    pub household_code: Option<HouseholdCode>,
    pub received_on: Date,
    pub complainant: String,
    pub channel: ComplaintChannel,
    pub content: String,
}

/// One household's votes at a village meeting.
#[derive(Clone, Debug)]
pub struct VoteInput {
    pub row: u64,
    pub household_code: HouseholdCode,
    pub votes_for: u32,
    pub votes_against: u32,
}

#[derive(Clone, Debug)]
pub struct NewMeeting {
    pub village_id: Option<i64>,
    pub held_on: Date,
    pub chair: String,
    pub secretary: String,
    pub attendees: u32,
    pub minutes: Option<String>,
    pub votes: Vec<VoteInput>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct MeetingSummary {
    pub meeting_id: i64,
    pub agreed: u64,
    pub disagreed: u64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct DecisionSummary {
    pub decided: u64,
    pub by_class: [u64; 4],
    pub transitions: Vec<(Transition, u64)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ComplaintView {
    pub id: i64,
    pub household_code: Option<HouseholdCode>,
    pub received_on: Date,
    pub complainant: String,
    pub channel: ComplaintChannel,
    pub content: String,
    pub answer: Option<String>,
    pub outcome: Option<ComplaintOutcome>,
}

fn refuse(e: RoundError) -> StoreError {
    StoreError::Procedure(e)
}

/// A step's date may not lie after today: a round cannot be decided, posted or answered ahead of time.
fn not_in_future(date: Date) -> Result<(), StoreError> {
    let today = crate::today();
    if date > today {
        Err(refuse(RoundError::InFuture { date, today }))
    } else {
        Ok(())
    }
}

fn date_of(v: &Value) -> Option<Date> {
    v.text().and_then(|t| Date::parse(t).ok())
}

/// A round the actor may take this action in: the role may (core's table), and the round's commune lies in
/// the actor's units — or, for what a village's reviewer does (requests, surveys, complaints), one of the
/// commune's villages does; each household is then checked on its own ([`cases_by_code`]). A round outside is
/// answered as not found.
fn round_for(
    c: &mut Conn,
    actor: &Actor,
    action: Action,
    id: i64,
) -> Result<RoundView, StoreError> {
    crate::scope::permit(actor, action)?;
    let round = round_in(c, id)?;
    if actor.scope.covers_unit(round.commune_id) {
        return Ok(round);
    }
    let by_household = matches!(
        action,
        Action::AddRequest | Action::Survey | Action::RecordComplaint
    );
    if by_household {
        let villages = c.query(
            "SELECT unit_id FROM unit_parent WHERE parent_id = $1",
            &[round.commune_id.into()],
        )?;
        if villages
            .iter()
            .any(|v| v[0].int().is_some_and(|v| actor.scope.covers_unit(v)))
        {
            return Ok(round);
        }
    }
    Err(StoreError::NotFound {
        what: "review round",
        key: id.to_string(),
    })
}

fn round_in(c: &mut Conn, id: i64) -> Result<RoundView, StoreError> {
    let r = c
        .query_one(
            "SELECT r.id, r.commune_id, u.code, u.name, r.kind, r.year, r.month, r.procedure_id, r.standard_id, r.opened_on, \
             r.status, r.posted_on, r.posting_ends, r.district_opinion_on, r.decided_on, r.decision_number, r.signed_by, r.version \
             FROM review_round r JOIN unit u ON u.id = r.commune_id WHERE r.id = $1",
            &[id.into()],
        )?
        .ok_or(StoreError::NotFound {
            what: "review round",
            key: id.to_string(),
        })?;
    round_from_row(&r)
}

/// A round from the eighteen columns `round_in` and `rounds_in_scope` select, in that order.
fn round_from_row(r: &[Value]) -> Result<RoundView, StoreError> {
    Ok(RoundView {
        id: r[0].int().unwrap_or(0),
        commune_id: r[1].int().unwrap_or(0),
        commune_code: r[2]
            .clone()
            .decode("unit", "code", |c| UnitCode::parse(UnitLevel::Commune, c))?,
        commune_name: r[3].text().unwrap_or_default().to_owned(),
        kind: r[4]
            .text()
            .and_then(RoundKind::parse)
            .unwrap_or(RoundKind::Periodic),
        year: r[5].int().unwrap_or(0) as i32,
        month: r[6].int().map(|m| m as u8),
        procedure_id: r[7].text().unwrap_or_default().to_owned(),
        standard_id: r[8].text().unwrap_or_default().to_owned(),
        opened_on: date_of(&r[9]).unwrap_or(Date::from_unix_days(0)),
        // The column's CHECK holds the three codes; anything else would be a database written by hand.
        status: r[10]
            .text()
            .and_then(RoundStatus::parse)
            .unwrap_or(RoundStatus::Open),
        posted_on: date_of(&r[11]),
        posting_ends: date_of(&r[12]),
        district_opinion_on: date_of(&r[13]),
        decided_on: date_of(&r[14]),
        decision_number: r[15].text().map(str::to_owned),
        signed_by: r[16].text().map(str::to_owned),
        version: r[17].int().unwrap_or(0),
    })
}

fn unlocked(round: &RoundView) -> Result<(), StoreError> {
    if round.status == RoundStatus::Decided {
        Err(refuse(RoundError::Locked))
    } else {
        Ok(())
    }
}

/// Each household's decided classes before `on` (oldest first), for the households living in the commune
/// then: the previous class and whether it was poor before that.
fn class_histories(
    c: &mut Conn,
    commune_id: i64,
    on: Date,
) -> Result<HashMap<i64, (Option<i64>, Vec<Class>)>, StoreError> {
    let day = on.iso();
    let mut out: HashMap<i64, (Option<i64>, Vec<Class>)> = HashMap::new();
    c.query_each(
        "SELECT r.household_id, r.village_id FROM residence r WHERE r.commune_id = $1 AND r.valid_from <= $2 \
         AND (r.valid_until IS NULL OR r.valid_until >= $2)",
        &[commune_id.into(), day.clone().into()],
        &mut |r| {
            out.insert(r[0].int().unwrap_or(0), (r[1].int(), Vec::new()));
            Ok(())
        },
    )?;
    c.query_each(
        "SELECT v.household_id, v.decided_class FROM residence r JOIN review v ON v.household_id = r.household_id \
         WHERE r.commune_id = $1 AND r.valid_from <= $2 AND (r.valid_until IS NULL OR r.valid_until >= $2) \
         AND v.decided_on IS NOT NULL AND v.decided_on <= $2 \
         AND NOT EXISTS (SELECT 1 FROM review w WHERE w.corrects_id = v.id) \
         ORDER BY v.household_id, v.year, v.decided_on, v.id",
        &[commune_id.into(), day.into()],
        &mut |r| {
            if let (Some(h), Some(class)) = (r[0].int(), r[1].text().and_then(Class::parse))
                && let Some(e) = out.get_mut(&h)
            {
                e.1.push(class);
            }
            Ok(())
        },
    )?;
    Ok(out)
}

fn previous_and_earlier(history: &[Class]) -> (Option<Class>, bool) {
    match history.split_last() {
        None => (None, false),
        Some((last, before)) => (Some(*last), before.contains(&Class::Poor)),
    }
}

struct CaseRow {
    id: i64,
    household_id: i64,
    state: CaseState,
    review_id: Option<i64>,
    previous: Option<Class>,
    poor_earlier: bool,
    version: i64,
    village_id: Option<i64>,
}

/// The columns of a case as `case_row` reads them, from `round_case k` joined to its household `h`.
macro_rules! case_select {
    () => {
        "SELECT h.code, k.id, k.household_id, k.state, k.review_id, k.previous_class, k.poor_earlier, k.version, k.village_id \
         FROM round_case k JOIN household h ON h.id = k.household_id"
    };
}

/// A case and its household's code, from a row of `case_select!`.
fn case_row(r: &Row) -> (String, CaseRow) {
    (
        r[0].text().unwrap_or_default().to_owned(),
        CaseRow {
            id: r[1].int().unwrap_or(0),
            household_id: r[2].int().unwrap_or(0),
            state: r[3]
                .text()
                .and_then(CaseState::parse)
                .unwrap_or(CaseState::Listed),
            review_id: r[4].int(),
            previous: r[5].text().and_then(Class::parse),
            poor_earlier: r[6].int().unwrap_or(0) != 0,
            version: r[7].int().unwrap_or(0),
            village_id: r[8].int(),
        },
    )
}

/// The round's cases the actor may act on, by household code: all of them for an actor whose units hold the
/// round's commune, those of the actor's villages for a village's reviewer. A case outside is absent, as if
/// the household were not on the list.
fn cases_by_code(
    c: &mut Conn,
    actor: &Actor,
    round: &RoundView,
) -> Result<HashMap<String, CaseRow>, StoreError> {
    let mut out = HashMap::new();
    c.query_each(
        concat!(case_select!(), " WHERE k.round_id = $1"),
        &[round.id.into()],
        &mut |r| {
            let (code, case) = case_row(&r);
            if actor.scope.covers(Place {
                commune: round.commune_id,
                village: case.village_id,
            }) {
                out.insert(code, case);
            }
            Ok(())
        },
    )?;
    Ok(out)
}

/// One case of a round, by its id.
fn case_by_id(c: &mut Conn, round_id: i64, case_id: i64) -> Result<Option<CaseRow>, StoreError> {
    Ok(c.query_one(
        concat!(case_select!(), " WHERE k.id = $1 AND k.round_id = $2"),
        &[case_id.into(), round_id.into()],
    )?
    .map(|r| case_row(&r).1))
}

/// Records a household's move in the audit log and queues it for [`move_cases`].
fn set_state(
    c: &mut Conn,
    audit: &mut AuditWriter,
    actor: &Actor,
    case: &CaseRow,
    to: CaseState,
    reason: Option<String>,
    moves: &mut Vec<Move>,
) -> Result<(), StoreError> {
    moves.push((case.id, case.version, to, None, None));
    audit.record(
        c,
        actor,
        Change {
            action: "case_state",
            entity: "round_case",
            entity_id: case.id.to_string(),
            old_value: Some(case.state.code().to_owned()),
            new_value: Some(to.code().to_owned()),
            reason,
        },
    )?;
    Ok(())
}

/// Moves many cases at once, each only if it is still at the version that was read: a temporary table of
/// moves joined in one UPDATE (one round trip instead of one a household). Fewer rows changed than moves
/// given means someone else changed a case meanwhile: the caller's transaction is then rolled back.
type Move = (i64, i64, CaseState, Option<Transition>, Option<i64>);

fn move_cases(c: &mut Conn, moves: &[Move]) -> Result<(), StoreError> {
    if moves.is_empty() {
        return Ok(());
    }
    c.batch(
        "CREATE TEMP TABLE IF NOT EXISTS case_move (id BIGINT PRIMARY KEY, version BIGINT NOT NULL, state TEXT NOT NULL, transition TEXT, review_id BIGINT)",
    )?;
    c.batch("DELETE FROM case_move")?;
    let mut batch = crate::db::BatchInsert::new(
        c.backend(),
        "INSERT INTO case_move (id, version, state, transition, review_id)",
        5,
    );
    for (id, version, state, transition, review_id) in moves {
        batch.push(
            c,
            [
                Value::Int(*id),
                Value::Int(*version),
                state.code().into(),
                transition.map(Transition::code).into(),
                (*review_id).into(),
            ],
        )?;
    }
    batch.flush(c)?;
    let n = c.execute(
        "UPDATE round_case SET state = m.state, transition = coalesce(m.transition, round_case.transition), \
         review_id = coalesce(m.review_id, round_case.review_id), version = round_case.version + 1 FROM case_move m WHERE m.id = round_case.id AND m.version = round_case.version",
        &[],
    )?;
    if n != moves.len() as u64 {
        return Err(StoreError::Conflict {
            what: "round case",
            key: format!("{} / {}", moves.len() as u64 - n, moves.len()),
        });
    }
    Ok(())
}

fn round_change(
    c: &mut Conn,
    actor: &Actor,
    round: &RoundView,
    action: &str,
    new_value: String,
    reason: Option<String>,
) -> Result<(), StoreError> {
    crate::audit::record_one(
        c,
        actor,
        Change {
            action,
            entity: "review_round",
            entity_id: round.id.to_string(),
            old_value: Some(round.status.code().to_owned()),
            new_value: Some(new_value),
            reason,
        },
    )?;
    Ok(())
}

impl Store {
    /// Opens a round for a commune. A periodic round lists every household on the commune's poor and
    /// near-poor lists (its last decided class) on the opening date; an in-year round starts empty and fills
    /// with requests.
    pub fn open_round(&mut self, actor: &Actor, new: &NewRound) -> Result<i64, StoreError> {
        crate::scope::permit(actor, Action::OpenRound)?;
        not_in_future(new.opened_on)?;
        if !actor.scope.covers_unit(new.commune_id) {
            return Err(StoreError::NotFound {
                what: "commune",
                key: new.commune_id.to_string(),
            });
        }
        let NewRound {
            commune_id,
            kind,
            year,
            month,
            opened_on,
            ref standard_id,
        } = *new;
        let standard_id = standard_id.as_str();
        let procedure = procedure_on(opened_on).ok_or_else(|| {
            refuse(RoundError::NoSuchStep {
                procedure: String::from("-"),
                step: Step::List,
            })
        })?;
        if kind == RoundKind::Periodic
            && let Some((from, to)) = procedure.periodic_window(year)
            && (opened_on < from || opened_on > to)
        {
            return Err(refuse(RoundError::OutsideWindow { from, to }));
        }
        let month = if kind == RoundKind::InYear {
            Some(month.unwrap_or(opened_on.month()))
        } else {
            None
        };
        // The in-year review runs monthly from the 15th (Decision 24/2021 Art. 3): a month's round opens on or
        // after the 15th of that month.
        if let Some(m) = month
            && let Ok(from) = Date::new(year, m, 15)
            && opened_on < from
        {
            let to = Date::new(
                if m == 12 { year + 1 } else { year },
                if m == 12 { 1 } else { m + 1 },
                1,
            )
            .map_or(from, Date::pred);
            return Err(refuse(RoundError::OutsideWindow { from, to }));
        }
        self.conn.transaction(|c| {
            let exists = match month {
                None => c.query_one(
                    "SELECT id FROM review_round WHERE commune_id = $1 AND year = $2 AND kind = 'periodic'",
                    &[commune_id.into(), Value::from(year)],
                )?,
                Some(m) => c.query_one(
                    "SELECT id FROM review_round WHERE commune_id = $1 AND year = $2 AND kind = 'in_year' AND month = $3",
                    &[commune_id.into(), Value::from(year), Value::from(u32::from(m))],
                )?,
            };
            if let Some(r) = exists {
                return Err(StoreError::Conflict {
                    what: "review round",
                    key: r[0].int().unwrap_or(0).to_string(),
                });
            }
            let id = next_id(c, IdTable::ReviewRound)?;
            c.execute(
                    "INSERT INTO review_round (id, commune_id, kind, year, month, procedure_id, standard_id, opened_on, status) \
                     VALUES ($8, $1, $2, $3, $4, $5, $6, $7, 'open')",
                    &[
                        commune_id.into(),
                        kind.code().into(),
                        Value::from(year),
                        month.map(u32::from).into(),
                        procedure.id.clone().into(),
                        standard_id.into(),
                        opened_on.iso().into(),
                        id.into(),
                    ],
                )?;
            let mut audit = AuditWriter::start(c)?;
            audit.record(
                c,
                actor,
                Change {
                    action: "open_round",
                    entity: "review_round",
                    entity_id: id.to_string(),
                    old_value: None,
                    new_value: Some(format!(
                        "{} {year}{} {}",
                        kind.code(),
                        month.map(|m| format!("-{m:02}")).unwrap_or_default(),
                        procedure.id
                    )),
                    reason: None,
                },
            )?;
            if kind == RoundKind::Periodic {
                let histories = class_histories(c, commune_id, opened_on)?;
                let mut listed: Vec<(i64, Option<i64>, Option<Class>, bool)> = histories
                    .into_iter()
                    .filter_map(|(h, (village, classes))| {
                        let (prev, earlier) = previous_and_earlier(&classes);
                        matches!(prev, Some(Class::Poor | Class::NearPoor))
                            .then_some((h, village, prev, earlier))
                    })
                    .collect();
                listed.sort_unstable_by_key(|l| l.0);
                let mut batch = crate::db::BatchInsert::new(
                    c.backend(),
                    "INSERT INTO round_case (id, round_id, household_id, village_id, source, previous_class, poor_earlier, state)",
                    8,
                );
                let first_case = next_id(c, IdTable::RoundCase)?;
                for (case_id, (h, village, prev, earlier)) in (first_case..).zip(listed) {
                    let source = if prev == Some(Class::Poor) {
                        CaseSource::PoorList
                    } else {
                        CaseSource::NearPoorList
                    };
                    batch.push(
                        c,
                        [
                            case_id.into(),
                            id.into(),
                            h.into(),
                            village.into(),
                            source.code().into(),
                            prev.map(Class::code).into(),
                            earlier.into(),
                            "listed".into(),
                        ],
                    )?;
                }
                batch.flush(c)?;
            }
            audit.finish(c)?;
            Ok(id)
        })
    }

    /// The commune's rounds not yet decided, newest first: where a complaint from the public page goes.
    pub fn undecided_rounds(&mut self, commune_id: i64) -> Result<Vec<RoundView>, StoreError> {
        let ids: Vec<i64> = self
            .conn
            .query_ints(
                "SELECT id FROM review_round WHERE commune_id = $1 AND status <> 'decided' ORDER BY opened_on DESC, id DESC",
                &[commune_id.into()],
            )?;
        ids.into_iter()
            .map(|id| round_in(&mut self.conn, id))
            .collect()
    }

    /// The rounds an account may see, newest year first: those of a commune in its `account_scope`, and those
    /// of the commune a unit of its scope lies in on `on` (a village reviewer works in their commune's round,
    /// on their village's households). `scope` None is the whole country. Filtered in SQL, so a province
    /// account does not read the country's rounds to keep its own.
    pub fn rounds_in_scope(
        &mut self,
        scope: Option<i64>,
        on: Date,
    ) -> Result<Vec<RoundView>, StoreError> {
        let rows = self.conn.query(
            "SELECT r.id, r.commune_id, u.code, u.name, r.kind, r.year, r.month, r.procedure_id, r.standard_id, r.opened_on, \
             r.status, r.posted_on, r.posting_ends, r.district_opinion_on, r.decided_on, r.decision_number, r.signed_by, r.version \
             FROM review_round r JOIN unit u ON u.id = r.commune_id \
             WHERE $1 = 0 OR EXISTS (SELECT 1 FROM account_scope s WHERE s.account_id = $1 AND (s.unit_id = r.commune_id \
             OR EXISTS (SELECT 1 FROM unit_parent p WHERE p.unit_id = s.unit_id AND p.parent_id = r.commune_id \
             AND (p.valid_from IS NULL OR p.valid_from <= $2) AND (p.valid_until IS NULL OR p.valid_until >= $2)))) \
             ORDER BY r.year DESC, r.id DESC",
            &[Value::Int(scope.unwrap_or(0)), on.iso().into()],
        )?;
        rows.iter().map(|r| round_from_row(r)).collect()
    }

    pub fn round(&mut self, id: i64) -> Result<RoundView, StoreError> {
        round_in(&mut self.conn, id)
    }

    /// The round of a commune for a year (and month, for in-year rounds).
    pub fn find_round(
        &mut self,
        commune_id: i64,
        kind: RoundKind,
        year: i32,
        month: Option<u8>,
    ) -> Result<Option<i64>, StoreError> {
        let row = match kind {
            RoundKind::Periodic => self.conn.query_one(
                "SELECT id FROM review_round WHERE commune_id = $1 AND year = $2 AND kind = 'periodic'",
                &[commune_id.into(), Value::from(year)],
            )?,
            RoundKind::InYear => self.conn.query_one(
                "SELECT id FROM review_round WHERE commune_id = $1 AND year = $2 AND kind = 'in_year' AND month = $3",
                &[
                    commune_id.into(),
                    Value::from(year),
                    Value::from(u32::from(month.unwrap_or(0))),
                ],
            )?,
        };
        Ok(row.and_then(|r| r[0].int()))
    }

    /// Adds a household on its request (Mẫu 01) or exit request (Mẫu 04). A household already on the list
    /// keeps its place; the request is recorded in the audit log.
    pub fn add_request(
        &mut self,
        actor: &Actor,
        round_id: i64,
        household_code: &str,
        source: CaseSource,
        on: Date,
    ) -> Result<i64, StoreError> {
        crate::scope::permit(actor, Action::AddRequest)?;
        not_in_future(on)?;
        self.conn.transaction(|c| {
            let round = round_for(c, actor, Action::AddRequest, round_id)?;
            unlocked(&round)?;
            let h = c
                .query_one(
                    "SELECT h.id, r.village_id FROM household h JOIN residence r ON r.household_id = h.id \
                     WHERE h.code = $1 AND r.commune_id = $2 AND r.valid_from <= $3 AND (r.valid_until IS NULL OR r.valid_until >= $3)",
                    &[household_code.into(), round.commune_id.into(), on.iso().into()],
                )?
                .filter(|h| {
                    actor.scope.covers(Place {
                        commune: round.commune_id,
                        village: h[1].int(),
                    })
                })
                .ok_or_else(|| StoreError::NotFound {
                    what: "household in the commune",
                    key: household_code.to_owned(),
                })?;
            let household_id = h[0].int().unwrap_or(0);
            if let Some(r) = c.query_one(
                "SELECT id FROM round_case WHERE round_id = $1 AND household_id = $2",
                &[round_id.into(), household_id.into()],
            )? {
                return Ok(r[0].int().unwrap_or(0));
            }
            let histories = class_histories(c, round.commune_id, on)?;
            let (prev, earlier) = histories
                .get(&household_id)
                .map_or((None, false), |(_, classes)| previous_and_earlier(classes));
            let id = next_id(c, IdTable::RoundCase)?;
            c.execute(
                "INSERT INTO round_case (id, round_id, household_id, village_id, source, requested_on, previous_class, poor_earlier, state) \
                     VALUES ($8, $1, $2, $3, $4, $5, $6, $7, 'listed')",
                    &[
                        round_id.into(),
                        household_id.into(),
                        h[1].clone(),
                        source.code().into(),
                        on.iso().into(),
                        prev.map(Class::code).into(),
                        earlier.into(),
                        id.into(),
                    ],
            )?;
            crate::audit::record_one(
                c,
                actor,
                Change {
                    action: "add_request",
                    entity: "round_case",
                    entity_id: id.to_string(),
                    old_value: None,
                    new_value: Some(format!("{household_code} {}", source.code())),
                    reason: None,
                },
            )?;
            Ok(id)
        })
    }

    /// Records the quick screening (Phiếu A) of households on the list that plainly live above the lines and
    /// need no full survey: each gets a review record "not poor" with the screening as its reason, and goes on
    /// to the village meeting like a surveyed household (a listed household screened out leaves its list only
    /// by the decision). All rows are checked first; all are written, or none.
    pub fn record_screening(
        &mut self,
        actor: &Actor,
        round_id: i64,
        screened_on: Date,
        households: &[(u64, HouseholdCode)],
    ) -> Result<u64, StoreError> {
        crate::scope::permit(actor, Action::Survey)?;
        not_in_future(screened_on)?;
        self.conn.transaction(|c| {
            let round = round_for(c, actor, Action::Survey, round_id)?;
            unlocked(&round)?;
            let cases = cases_by_code(c, actor, &round)?;
            let mut rejections = Vec::new();
            let mut planned = Vec::new();
            for (row, code) in households {
                match cases.get(code.as_str()) {
                    None => rejections.push(Rejection {
                        row: *row,
                        field: "household_code",
                        kind: RejectionKind::NotOnList { code: code.clone() },
                    }),
                    Some(case) => match case.state.after(CaseEvent::Survey) {
                        Ok(_) => planned.push(case),
                        Err(error) => rejections.push(Rejection {
                            row: *row,
                            field: "household_code",
                            kind: RejectionKind::Procedure { code: code.clone(), error },
                        }),
                    },
                }
            }
            if !rejections.is_empty() {
                return Err(StoreError::Rejected(rejections));
            }
            let day = screened_on.iso();
            let mut audit = AuditWriter::start(c)?;
            let mut moves = Vec::with_capacity(planned.len());
            let first = crate::row_ids::next_id(c, crate::row_ids::IdTable::Review)?;
            let mut reviews =
                crate::db::BatchInsert::new(c.backend(), crate::reviews::REVIEW_COLUMNS, 21);
            for (review_id, case) in (first..).zip(planned.iter()) {
                let home = c
                    .query_one(
                        "SELECT commune_id, village_id, area FROM residence WHERE household_id = $1 AND valid_from <= $2 \
                         AND (valid_until IS NULL OR valid_until >= $2)",
                        &[case.household_id.into(), day.clone().into()],
                    )?
                    .ok_or_else(|| StoreError::NotFound {
                        what: "residence on the survey date",
                        key: case.household_id.to_string(),
                    })?;
                let review = NewReview {
                    household_id: case.household_id,
                    year: round.year,
                    round: round.kind,
                    review_date: screened_on,
                    commune_id: home[0].int().unwrap_or(round.commune_id),
                    village_id: home[1].int(),
                    area: home[2].text().unwrap_or("rural").to_owned(),
                    ethnic_minority: false,
                    members: 0,
                    standard_id: round.standard_id.clone(),
                    income_per_capita: None,
                    income_score: None,
                    deprivations: 0,
                    computed_class: Class::NotPoor,
                    reason: "Nhận diện nhanh (Phiếu A): điều kiện sống vượt chuẩn rõ ràng, không rà soát chi tiết".to_owned(),
                    decided: None,
                    corrects: match case.state {
                        CaseState::Decided => case.review_id,
                        _ => None,
                    },
                    facts: None,
                };
                reviews.push(c, crate::reviews::review_values(review_id, &review))?;
                if let Some(old) = case.review_id.filter(|_| case.state != CaseState::Decided) {
                    c.execute("UPDATE round_case SET review_id = NULL WHERE id = $1", &[case.id.into()])?;
                    c.execute("DELETE FROM review WHERE id = $1", &[old.into()])?;
                }
                moves.push((case.id, case.version, CaseState::Surveyed, None, Some(review_id)));
                audit.record(
                    c,
                    actor,
                    Change {
                        action: "screening",
                        entity: "round_case",
                        entity_id: case.id.to_string(),
                        old_value: Some(case.state.code().to_owned()),
                        new_value: Some(format!("surveyed review={review_id} class=not_poor (Phiếu A)")),
                        reason: None,
                    },
                )?;
            }
            // The new records exist before the cases point to them (PostgreSQL checks at once).
            reviews.flush(c)?;
            move_cases(c, &moves)?;
            audit.finish(c)?;
            Ok(planned.len() as u64)
        })
    }

    /// Records survey results for households on the round's list, classified by `classifier` (the
    /// round's standard). Every row is checked first: on the list, not surveyed already in this round,
    /// unchanged since the officer read it; then all are written, or none.
    pub fn record_survey(
        &mut self,
        actor: &Actor,
        round_id: i64,
        classifier: &Classifier,
        surveyed_on: Date,
        inputs: &[SurveyInput],
    ) -> Result<Vec<Surveyed>, StoreError> {
        crate::scope::permit(actor, Action::Survey)?;
        not_in_future(surveyed_on)?;
        self.conn.transaction(|c| {
            let round = round_for(c, actor, Action::Survey, round_id)?;
            unlocked(&round)?;
            if classifier.standard().id != round.standard_id {
                return Err(StoreError::WrongStandard {
                    expected: round.standard_id.clone(),
                    got: classifier.standard().id.clone(),
                });
            }
            let cases = cases_by_code(c, actor, &round)?;
            let mut rejections = Vec::new();
            let mut seen: HashMap<&str, u64> = HashMap::new();
            let mut planned = Vec::new();
            for s in inputs {
                let r = &s.input;
                let code = r.household_code.as_str();
                if let Some(repeated) = Rejection::repeated(&mut seen, &r.household_code, r.row) {
                    rejections.push(repeated);
                    continue;
                }
                let Some(case) = cases.get(code) else {
                    rejections.push(Rejection {
                        row: r.row,
                        field: "household_code",
                        kind: RejectionKind::NotOnList {
                            code: r.household_code.clone(),
                        },
                    });
                    continue;
                };
                if let Some(v) = s.expected_version
                    && v != case.version
                {
                    return Err(StoreError::Conflict {
                        what: "round case",
                        key: code.to_owned(),
                    });
                }
                if let Err(e) = case.state.after(CaseEvent::Survey) {
                    rejections.push(Rejection {
                        row: r.row,
                        field: "household_code",
                        kind: RejectionKind::Procedure {
                            code: r.household_code.clone(),
                            error: e,
                        },
                    });
                    continue;
                }
                planned.push((s, case));
            }
            if !rejections.is_empty() {
                rejections.sort_by_key(|r| r.row);
                return Err(StoreError::Rejected(rejections));
            }
            let day = surveyed_on.iso();
            // Where each listed household lives, its size and its head's ethnicity on the survey date: one
            // query for the round rather than one a household.
            let mut homes: HashMap<i64, Vec<Value>> = HashMap::new();
            c.query_each(
                "SELECT r.household_id, r.commune_id, r.village_id, r.area, \
                 (SELECT count(*) FROM membership m WHERE m.household_id = r.household_id AND m.valid_from <= $2 AND (m.valid_until IS NULL OR m.valid_until >= $2)), \
                 (SELECT p.ethnicity FROM membership m JOIN person p ON p.id = m.person_id WHERE m.household_id = r.household_id AND m.relation = 'head' \
                  AND m.valid_from <= $2 AND (m.valid_until IS NULL OR m.valid_until >= $2) LIMIT 1) \
                 FROM round_case k JOIN residence r ON r.household_id = k.household_id \
                 WHERE k.round_id = $1 AND r.valid_from <= $2 AND (r.valid_until IS NULL OR r.valid_until >= $2)",
                &[round_id.into(), day.clone().into()],
                &mut |r| {
                    homes.insert(r[0].int().unwrap_or(0), r[1..].to_vec());
                    Ok(())
                },
            )?;
            let mut audit = AuditWriter::start(c)?;
            let first_review = crate::row_ids::next_id(c, crate::row_ids::IdTable::Review)?;
            let mut reviews = crate::db::BatchInsert::new(c.backend(), crate::reviews::REVIEW_COLUMNS, 21);
            let mut replaced_reviews = Vec::new();
            let mut case_updates: Vec<(i64, i64, i64, &str)> = Vec::new();
            let mut surveyed = Vec::with_capacity(planned.len());
            for (review_id, (s, case)) in (first_review..).zip(planned.iter()) {
                let r = &s.input;
                let h = homes.get(&case.household_id).ok_or_else(|| StoreError::NotFound {
                    what: "residence on the survey date",
                    key: r.household_code.to_string(),
                })?;
                let area = r
                    .area
                    .or_else(|| h[2].text().and_then(Area::parse))
                    .unwrap_or(Area::Rural);
                let outcome = classifier
                    .classify(area, r.income, r.deprivations)
                    .map_err(|_| {
                        StoreError::Rejected(vec![Rejection {
                            row: r.row,
                            field: "income_score",
                            kind: RejectionKind::NoScoreLines,
                        }])
                    })?;
                let (income_per_capita, income_score) = match r.income {
                    Income::Vnd(v) => (Some(v), None),
                    Income::Score(s) => (None, Some(i64::from(s))),
                };
                // A resurvey replaces the undecided record; a survey in a reopened round corrects the
                // decided one, which stays as the legal record it is.
                let (corrects, replaced) = match case.review_id {
                    Some(old) if case.state == CaseState::Decided => (Some(old), None),
                    other => (None, other),
                };
                let review = NewReview {
                    household_id: case.household_id,
                    year: round.year,
                    round: round.kind,
                    review_date: surveyed_on,
                    commune_id: h[0].int().unwrap_or(round.commune_id),
                    village_id: h[1].int(),
                    area: area.code().to_owned(),
                    ethnic_minority: h[4]
                        .text()
                        .is_some_and(giamngheo_core::registry::is_ethnic_minority),
                    members: h[3].int().unwrap_or(0),
                    standard_id: round.standard_id.clone(),
                    income_per_capita,
                    income_score,
                    deprivations: r.deprivations.0,
                    computed_class: outcome.class,
                    reason: classifier.reason(&outcome, Lang::Vi),
                    decided: None,
                    corrects,
                    facts: None,
                };
                reviews.push(c, crate::reviews::review_values(review_id, &review))?;
                surveyed.push(Surveyed {
                    household_code: r.household_code.clone(),
                    outcome,
                });
                case_updates.push((review_id, case.id, case.version, r.household_code.as_str()));
                replaced_reviews.extend(replaced);
                audit.record(
                    c,
                    actor,
                    Change {
                        action: "survey",
                        entity: "round_case",
                        entity_id: case.id.to_string(),
                        old_value: Some(case.state.code().to_owned()),
                        new_value: Some(format!(
                            "surveyed review={review_id} class={} score={} income={} deprivations={}",
                            outcome.class.code(),
                            income_score.map_or(String::from("-"), |v| v.to_string()),
                            income_per_capita.map_or(String::from("-"), |v| v.to_string()),
                            r.deprivations.0.count_ones()
                        )),
                        reason: None,
                    },
                )?;
            }
            reviews.flush(c)?;
            // The new records exist now, so the cases may point to them (PostgreSQL checks at once).
            let moves: Vec<Move> = case_updates
                .iter()
                .map(|&(review_id, case_id, version, _)| {
                    (case_id, version, CaseState::Surveyed, None, Some(review_id))
                })
                .collect();
            move_cases(c, &moves)?;
            // After the cases point to their new records, the undecided records they replace can go.
            for old in replaced_reviews {
                c.execute("DELETE FROM review WHERE id = $1", &[old.into()])?;
            }
            audit.finish(c)?;
            Ok(surveyed)
        })
    }

    /// Records a village meeting and its votes: each household's result is agreed when at least the
    /// procedure's share of the attendees voted for it; otherwise the household goes back to the survey.
    pub fn record_meeting(
        &mut self,
        actor: &Actor,
        round_id: i64,
        meeting: &NewMeeting,
    ) -> Result<MeetingSummary, StoreError> {
        crate::scope::permit(actor, Action::RecordMeeting)?;
        not_in_future(meeting.held_on)?;
        self.conn.transaction(|c| {
            let round = round_for(c, actor, Action::RecordMeeting, round_id)?;
            unlocked(&round)?;
            let quorum = round.procedure().meeting_quorum_percent.value;
            if meeting.attendees == 0 {
                return Err(refuse(RoundError::NoAttendees));
            }
            let cases = cases_by_code(c, actor, &round)?;
            let mut rejections = Vec::new();
            let mut planned = Vec::new();
            for v in &meeting.votes {
                let Some(case) = cases.get(v.household_code.as_str()) else {
                    rejections.push(Rejection {
                        row: v.row,
                        field: "household_code",
                        kind: RejectionKind::NotOnList {
                            code: v.household_code.clone(),
                        },
                    });
                    continue;
                };
                let agreed = match meeting_agrees(
                    meeting.attendees,
                    v.votes_for,
                    v.votes_against,
                    quorum,
                ) {
                    Ok(a) => a,
                    Err(e) => {
                        rejections.push(Rejection {
                            row: v.row,
                            field: "votes_for",
                            kind: RejectionKind::Procedure {
                                code: v.household_code.clone(),
                                error: e,
                            },
                        });
                        continue;
                    }
                };
                let event = if agreed {
                    CaseEvent::MeetingAgreed
                } else {
                    CaseEvent::MeetingDisagreed
                };
                match case.state.after(event) {
                    Ok(to) => planned.push((v, case, agreed, to)),
                    Err(e) => rejections.push(Rejection {
                        row: v.row,
                        field: "household_code",
                        kind: RejectionKind::Procedure {
                            code: v.household_code.clone(),
                            error: e,
                        },
                    }),
                }
            }
            if !rejections.is_empty() {
                rejections.sort_by_key(|r| r.row);
                return Err(StoreError::Rejected(rejections));
            }
            let meeting_id = next_id(c, IdTable::VillageMeeting)?;
            c.execute(
                "INSERT INTO village_meeting (id, round_id, village_id, held_on, chair, secretary, attendees, minutes) \
                     VALUES ($8, $1, $2, $3, $4, $5, $6, $7)",
                    &[
                        round_id.into(),
                        meeting.village_id.into(),
                        meeting.held_on.iso().into(),
                        giamngheo_core::text::nfc(&meeting.chair).into(),
                        giamngheo_core::text::nfc(&meeting.secretary).into(),
                        Value::from(meeting.attendees),
                        meeting
                            .minutes
                            .as_deref()
                            .map(giamngheo_core::text::nfc)
                            .into(),
                        meeting_id.into(),
                    ],
            )?;
            let mut audit = AuditWriter::start(c)?;
            audit.record(
                c,
                actor,
                Change {
                    action: "record_meeting",
                    entity: "village_meeting",
                    entity_id: meeting_id.to_string(),
                    old_value: None,
                    new_value: Some(format!(
                        "round={round_id} held_on={} attendees={} households={}",
                        meeting.held_on.iso(),
                        meeting.attendees,
                        planned.len()
                    )),
                    reason: None,
                },
            )?;
            let mut summary = MeetingSummary {
                meeting_id,
                ..Default::default()
            };
            let mut moves = Vec::with_capacity(planned.len());
            let mut votes = crate::db::BatchInsert::new(
                c.backend(),
                "INSERT INTO meeting_vote (meeting_id, case_id, votes_for, votes_against, agreed)",
                5,
            );
            for (v, case, agreed, to) in planned {
                votes.push(
                    c,
                    [
                        meeting_id.into(),
                        case.id.into(),
                        Value::from(v.votes_for),
                        Value::from(v.votes_against),
                        agreed.into(),
                    ],
                )?;
                set_state(
                    c,
                    &mut audit,
                    actor,
                    case,
                    to,
                    Some(format!(
                        "{}/{} phiếu đồng ý",
                        v.votes_for, meeting.attendees
                    )),
                    &mut moves,
                )?;
                if agreed {
                    summary.agreed += 1;
                } else {
                    summary.disagreed += 1;
                }
            }
            votes.flush(c)?;
            move_cases(c, &moves)?;
            audit.finish(c)?;
            Ok(summary)
        })
    }

    /// Posts the results publicly: every household must be through the meeting. Returns the last day of
    /// the posting period.
    pub fn post_results(
        &mut self,
        actor: &Actor,
        round_id: i64,
        posted_on: Date,
        places: &str,
    ) -> Result<Date, StoreError> {
        crate::scope::permit(actor, Action::Post)?;
        not_in_future(posted_on)?;
        self.conn.transaction(|c| {
            let round = round_for(c, actor, Action::Post, round_id)?;
            unlocked(&round)?;
            let procedure = round.procedure();
            if !procedure.has(Step::Posting) {
                return Err(refuse(RoundError::NoSuchStep {
                    procedure: procedure.id.clone(),
                    step: Step::Posting,
                }));
            }
            let cases = cases_by_code(c, actor, &round)?;
            for state in [CaseState::Listed, CaseState::Surveyed, CaseState::Resurvey] {
                let count = cases.values().filter(|k| k.state == state).count() as u32;
                if count > 0 {
                    return Err(refuse(RoundError::Unfinished { count, state }));
                }
            }
            // One click must not restart a posting: only results agreed since are posted again.
            if let (RoundStatus::Posted, Some(ends)) = (round.status, round.posting_ends)
                && !cases.values().any(|k| k.state == CaseState::Agreed)
            {
                return Err(refuse(RoundError::AlreadyPosted { ends }));
            }
            let ends = procedure.posting_ends(posted_on, procedure.posting_working_days.value);
            c.execute(
                "UPDATE review_round SET status = 'posted', posted_on = $1, posting_ends = $2, posting_places = $3, version = version + 1 WHERE id = $4",
                &[posted_on.iso().into(), ends.iso().into(), giamngheo_core::text::nfc(places).into(), round_id.into()],
            )?;
            round_change(c, actor, &round, "post", format!("posted {} until {}", posted_on.iso(), ends.iso()), None)?;
            let mut audit = AuditWriter::start(c)?;
            let mut agreed: Vec<&CaseRow> = cases.values().filter(|k| k.state == CaseState::Agreed).collect();
            agreed.sort_unstable_by_key(|k| k.id);
            let mut moves = Vec::with_capacity(agreed.len());
            for case in agreed {
                set_state(c, &mut audit, actor, case, CaseState::Posted, None, &mut moves)?;
            }
            move_cases(c, &moves)?;
            audit.finish(c)?;
            Ok(ends)
        })
    }

    /// Records the district chairman's opinion where the procedure still has the step (before 1 July 2025).
    pub fn record_district_opinion(
        &mut self,
        actor: &Actor,
        round_id: i64,
        on: Date,
    ) -> Result<(), StoreError> {
        crate::scope::permit(actor, Action::Decide)?;
        not_in_future(on)?;
        self.conn.transaction(|c| {
            let round = round_for(c, actor, Action::Decide, round_id)?;
            unlocked(&round)?;
            let procedure = round.procedure();
            if !procedure.has(Step::DistrictOpinion) {
                return Err(refuse(RoundError::NoSuchStep {
                    procedure: procedure.id.clone(),
                    step: Step::DistrictOpinion,
                }));
            }
            c.execute(
                "UPDATE review_round SET district_opinion_on = $1, version = version + 1 WHERE id = $2",
                &[on.iso().into(), round_id.into()],
            )?;
            round_change(c, actor, &round, "district_opinion", on.iso(), None)
        })
    }

    /// Records a complaint or feedback about a round (optionally about one household on its list).
    pub fn add_complaint(
        &mut self,
        actor: &Actor,
        round_id: i64,
        complaint: &NewComplaint,
    ) -> Result<i64, StoreError> {
        crate::scope::permit(actor, Action::RecordComplaint)?;
        not_in_future(complaint.received_on)?;
        let household_code = complaint.household_code.as_ref().map(HouseholdCode::as_str);
        let (received_on, complainant, channel, content) = (
            complaint.received_on,
            complaint.complainant.as_str(),
            complaint.channel.code(),
            complaint.content.as_str(),
        );
        self.conn.transaction(|c| {
            let round = round_for(c, actor, Action::RecordComplaint, round_id)?;
            unlocked(&round)?;
            let case_id = match household_code {
                None => None,
                Some(code) => {
                    let cases = cases_by_code(c, actor, &round)?;
                    Some(cases.get(code).map(|k| k.id).ok_or_else(|| {
                        StoreError::NotFound {
                            what: "household on the round's list",
                            key: code.to_owned(),
                        }
                    })?)
                }
            };
            let id = next_id(c, IdTable::Complaint)?;
            c.execute(
                "INSERT INTO complaint (id, round_id, case_id, received_on, complainant, channel, content) \
                     VALUES ($7, $1, $2, $3, $4, $5, $6)",
                    &[
                        round_id.into(),
                        case_id.into(),
                        received_on.iso().into(),
                        giamngheo_core::text::nfc(complainant).into(),
                        channel.into(),
                        giamngheo_core::text::nfc(content).into(),
                        id.into(),
                    ],
            )?;
            crate::audit::record_one(
                c,
                actor,
                Change {
                    action: "add_complaint",
                    entity: "complaint",
                    entity_id: id.to_string(),
                    old_value: None,
                    new_value: Some(giamngheo_core::text::nfc(content)),
                    reason: None,
                },
            )?;
            Ok(id)
        })
    }

    /// Answers and closes a complaint. An upheld complaint about a posted household sends it back to the
    /// survey (it then needs a meeting and a new posting).
    pub fn answer_complaint(
        &mut self,
        actor: &Actor,
        complaint_id: i64,
        answer: &str,
        answered_on: Date,
        outcome: ComplaintOutcome,
    ) -> Result<(), StoreError> {
        crate::scope::permit(actor, Action::AnswerComplaint)?;
        not_in_future(answered_on)?;
        if answer.trim().is_empty() {
            return Err(refuse(RoundError::NoReason));
        }
        self.conn.transaction(|c| {
            let k = c
                .query_one(
                    "SELECT round_id, case_id, outcome, version FROM complaint WHERE id = $1",
                    &[complaint_id.into()],
                )?
                .ok_or(StoreError::NotFound {
                    what: "complaint",
                    key: complaint_id.to_string(),
                })?;
            let round = round_for(c, actor, Action::AnswerComplaint, k[0].int().unwrap_or(0))?;
            unlocked(&round)?;
            if k[2].text().is_some() {
                return Err(StoreError::Conflict {
                    what: "complaint (already answered)",
                    key: complaint_id.to_string(),
                });
            }
            let n = c.execute(
                "UPDATE complaint SET answer = $1, answered_on = $2, outcome = $3, version = version + 1 WHERE id = $4 AND version = $5",
                &[
                    giamngheo_core::text::nfc(answer).into(),
                    answered_on.iso().into(),
                    outcome.code().into(),
                    complaint_id.into(),
                    k[3].clone(),
                ],
            )?;
            if n == 0 {
                return Err(StoreError::Conflict {
                    what: "complaint",
                    key: complaint_id.to_string(),
                });
            }
            let mut audit = AuditWriter::start(c)?;
            audit.record(
                c,
                actor,
                Change {
                    action: "answer_complaint",
                    entity: "complaint",
                    entity_id: complaint_id.to_string(),
                    old_value: None,
                    new_value: Some(format!("{}: {}", outcome.code(), giamngheo_core::text::nfc(answer))),
                    reason: None,
                },
            )?;
            if outcome == ComplaintOutcome::Upheld
                && let Some(case_id) = k[1].int()
                && let Some(case) = case_by_id(c, round.id, case_id)?
                && case.state == CaseState::Posted
            {
                let to = case
                    .state
                    .after(CaseEvent::ComplaintUpheld)
                    .map_err(refuse)?;
                let mut moves = Vec::new();
                set_state(c, &mut audit, actor, &case, to, Some(format!("complaint {complaint_id}")), &mut moves)?;
                move_cases(c, &moves)?;
            }
            audit.finish(c)?;
            Ok(())
        })
    }

    pub fn complaints(&mut self, round_id: i64) -> Result<Vec<ComplaintView>, StoreError> {
        let rows = self.conn.query(
            "SELECT k.id, h.code, k.received_on, k.complainant, k.channel, k.content, k.answer, k.outcome \
             FROM complaint k LEFT JOIN round_case c ON c.id = k.case_id LEFT JOIN household h ON h.id = c.household_id \
             WHERE k.round_id = $1 ORDER BY k.id",
            &[round_id.into()],
        )?;
        rows.into_iter()
            .map(|r| {
                Ok(ComplaintView {
                    id: r[0].int().unwrap_or(0),
                    household_code: r[1].clone().decode_opt(
                        "household",
                        "code",
                        HouseholdCode::parse,
                    )?,
                    received_on: r[2]
                        .clone()
                        .decode("complaint", "received_on", parse_date)?,
                    complainant: r[3].text().unwrap_or_default().to_owned(),
                    channel: r[4].clone().decode(
                        "complaint",
                        "channel",
                        ComplaintChannel::parse,
                    )?,
                    content: r[5].text().unwrap_or_default().to_owned(),
                    answer: r[6].text().map(str::to_owned),
                    outcome: r[7].clone().decode_opt(
                        "complaint",
                        "outcome",
                        ComplaintOutcome::parse,
                    )?,
                })
            })
            .collect()
    }

    /// The commune chairman's decision (Mẫu 02): after the posting period, with every complaint answered,
    /// each posted household's class is recognised, its review record decided (and from then immutable) and
    /// its transition since the previous review recorded. The round locks.
    pub fn decide_round(
        &mut self,
        actor: &Actor,
        round_id: i64,
        decided_on: Date,
        decision_number: &str,
        signed_by: &str,
    ) -> Result<DecisionSummary, StoreError> {
        crate::scope::permit(actor, Action::Decide)?;
        not_in_future(decided_on)?;
        self.conn.transaction(|c| {
            let round = round_for(c, actor, Action::Decide, round_id)?;
            unlocked(&round)?;
            let procedure = round.procedure();
            let Some(ends) = round.posting_ends.filter(|_| round.status == RoundStatus::Posted) else {
                return Err(refuse(RoundError::StepNotDone { step: Step::Posting }));
            };
            if decided_on <= ends {
                return Err(refuse(RoundError::PostingNotOver { ends }));
            }
            let open = c
                .query_int(
                    "SELECT count(*) FROM complaint WHERE round_id = $1 AND outcome IS NULL",
                    &[round_id.into()],
                )?
                .unwrap_or(0);
            if open > 0 {
                return Err(refuse(RoundError::OpenComplaints { count: open as u32 }));
            }
            let cases = cases_by_code(c, actor, &round)?;
            for state in [CaseState::Listed, CaseState::Surveyed, CaseState::Resurvey, CaseState::Agreed] {
                let count = cases.values().filter(|k| k.state == state).count() as u32;
                if count > 0 {
                    return Err(refuse(RoundError::Unfinished { count, state }));
                }
            }
            if procedure.has(Step::DistrictOpinion) && round.district_opinion_on.is_none() {
                return Err(refuse(RoundError::StepNotDone {
                    step: Step::DistrictOpinion,
                }));
            }
            let mut posted: Vec<&CaseRow> = cases.values().filter(|k| k.state == CaseState::Posted).collect();
            posted.sort_unstable_by_key(|k| k.id);
            let classes: HashMap<i64, Class> = {
                let mut m = HashMap::new();
                c.query_each(
                    "SELECT v.id, v.computed_class FROM round_case k JOIN review v ON v.id = k.review_id WHERE k.round_id = $1 AND k.state = 'posted'",
                    &[round_id.into()],
                    &mut |r| {
                        if let (Some(id), Some(class)) = (r[0].int(), r[1].text().and_then(Class::parse)) {
                            m.insert(id, class);
                        }
                        Ok(())
                    },
                )?;
                m
            };
            c.execute(
                "UPDATE review_round SET status = 'decided', decided_on = $1, decision_number = $2, signed_by = $3, version = version + 1 WHERE id = $4",
                &[decided_on.iso().into(), giamngheo_core::text::nfc(decision_number).into(), giamngheo_core::text::nfc(signed_by).into(), round_id.into()],
            )?;
            round_change(c, actor, &round, "decide", format!("decided {} {}", decided_on.iso(), decision_number), None)?;
            let day = decided_on.iso();
            // Every posted household is recognised with the class its survey computed: one statement.
            c.execute(
                "UPDATE review SET decided_class = computed_class, decided_on = $1 \
                 WHERE id IN (SELECT review_id FROM round_case WHERE round_id = $2 AND state = 'posted')",
                &[day.clone().into(), round_id.into()],
            )?;
            let mut audit = AuditWriter::start(c)?;
            let mut summary = DecisionSummary::default();
            let mut counts: HashMap<Transition, u64> = HashMap::new();
            let mut moves = Vec::with_capacity(posted.len());
            for case in posted {
                let review_id = case.review_id.ok_or_else(|| StoreError::Db(format!("case {} has no review", case.id)))?;
                let class = *classes.get(&review_id).ok_or_else(|| StoreError::Db(format!("review {review_id}")))?;
                let t = Transition::between(case.previous, class, case.poor_earlier);
                moves.push((case.id, case.version, CaseState::Decided, Some(t), None));
                audit.record(
                    c,
                    actor,
                    Change {
                        action: "decide",
                        entity: "round_case",
                        entity_id: case.id.to_string(),
                        old_value: Some(case.previous.map_or("-", Class::code).to_owned()),
                        new_value: Some(format!("{} {}", class.code(), t.code())),
                        reason: Some(decision_number.to_owned()),
                    },
                )?;
                summary.decided += 1;
                summary.by_class[class as usize] += 1;
                *counts.entry(t).or_default() += 1;
            }
            move_cases(c, &moves)?;
            summary.transitions = Transition::ALL
                .into_iter()
                .filter_map(|t| counts.get(&t).map(|n| (t, *n)))
                .collect();
            audit.finish(c)?;
            Ok(summary)
        })
    }

    /// Reopens a decided round: a higher role, with a reason, recorded. Decided households keep their
    /// records; one surveyed again gets a correcting record.
    pub fn reopen_round(
        &mut self,
        actor: &Actor,
        round_id: i64,
        on: Date,
        reason: &str,
    ) -> Result<(), StoreError> {
        crate::scope::permit(actor, Action::Reopen)?;
        not_in_future(on)?;
        if reason.trim().is_empty() {
            return Err(refuse(RoundError::NoReason));
        }
        self.conn.transaction(|c| {
            let round = round_for(c, actor, Action::Reopen, round_id)?;
            if round.status != RoundStatus::Decided {
                return Err(StoreError::Conflict {
                    what: "review round (not decided)",
                    key: round_id.to_string(),
                });
            }
            c.execute(
                "UPDATE review_round SET status = 'open', posted_on = NULL, posting_ends = NULL, version = version + 1 WHERE id = $1",
                &[round_id.into()],
            )?;
            let reopening = next_id(c, IdTable::RoundReopening)?;
            c.execute(
                "INSERT INTO round_reopening (id, round_id, reopened_on, actor, role, reason) VALUES ($6, $1, $2, $3, $4, $5)",
                &[round_id.into(), on.iso().into(), actor.name.clone().into(), actor.role.code().into(), giamngheo_core::text::nfc(reason).into(), reopening.into()],
            )?;
            round_change(c, actor, &round, "reopen", "open".into(), Some(giamngheo_core::text::nfc(reason)))
        })
    }

    /// Certificates (Mẫu 03) for every household of the round decided poor or near-poor that has none yet,
    /// numbered in order within the round ("1/GCN-HN.HCN", …). Returns the new certificates' case ids.
    pub fn issue_certificates(
        &mut self,
        actor: &Actor,
        round_id: i64,
        issued_on: Date,
        only: Option<&str>,
    ) -> Result<u64, StoreError> {
        crate::scope::permit(actor, Action::IssueCertificates)?;
        not_in_future(issued_on)?;
        self.conn.transaction(|c| {
            let round = round_for(c, actor, Action::IssueCertificates, round_id)?;
            if round.status != RoundStatus::Decided {
                return Err(refuse(RoundError::StepNotDone { step: Step::Decision }));
            }
            let cases = self_cases(c, round_id)?;
            if let Some(code) = only {
                let case = cases.iter().find(|k| k.household_code == code).ok_or_else(|| StoreError::NotFound {
                    what: "household on the round's list",
                    key: code.to_owned(),
                })?;
                if !matches!(case.decided_class, Some(Class::Poor | Class::NearPoor)) || case.state != CaseState::Decided {
                    return Err(refuse(RoundError::NotCertifiable));
                }
            }
            let mut next = c
                .query_int("SELECT count(*) FROM certificate WHERE round_id = $1", &[round_id.into()])?
                .unwrap_or(0)
                + 1;
            let mut audit = AuditWriter::start(c)?;
            let mut issued = 0;
            for case in &cases {
                if case.certificate.is_some()
                    || case.state != CaseState::Decided
                    || !matches!(case.decided_class, Some(Class::Poor | Class::NearPoor))
                    || only.is_some_and(|o| case.household_code != o)
                {
                    continue;
                }
                let number = format!("{next}/GCN-HN.HCN");
                let class = case.decided_class.map_or("", Class::code);
                let certificate = next_id(c, IdTable::Certificate)?;
                c.execute(
                    "INSERT INTO certificate (id, round_id, case_id, household_id, number, class, issued_on) VALUES ($7, $1, $2, $3, $4, $5, $6)",
                    &[round_id.into(), case.id.into(), case.household_id.into(), number.clone().into(), class.into(), issued_on.iso().into(), certificate.into()],
                )?;
                audit.record(
                    c,
                    actor,
                    Change {
                        action: "issue_certificate",
                        entity: "round_case",
                        entity_id: case.id.to_string(),
                        old_value: None,
                        new_value: Some(format!("{number} {class}")),
                        reason: None,
                    },
                )?;
                next += 1;
                issued += 1;
            }
            audit.finish(c)?;
            Ok(issued)
        })
    }

    /// The support each household of the round received between its previous decided review and this
    /// round's decision (or today, while undecided): count, total đồng, and the programmes, by case id. With
    /// the transitions, the basis of "sustainable" reduction: who escaped with what, who fell back despite what.
    pub fn support_between_reviews(
        &mut self,
        round_id: i64,
    ) -> Result<HashMap<i64, (i64, i64, Vec<String>)>, StoreError> {
        let round = round_in(&mut self.conn, round_id)?;
        let until = round.decided_on.unwrap_or_else(crate::today).iso();
        let mut out: HashMap<i64, (i64, i64, Vec<String>)> = HashMap::new();
        self.conn.query_each(
            "SELECT k.id, p.code, s.amount_vnd FROM round_case k JOIN support s ON s.household_id = k.household_id \
             JOIN support_programme p ON p.id = s.programme_id \
             WHERE k.round_id = $1 AND s.received_on <= $2 AND s.received_on > coalesce(( \
                SELECT max(v.decided_on) FROM review v WHERE v.household_id = k.household_id AND v.decided_on < $3 \
                AND (k.review_id IS NULL OR v.id <> k.review_id)), '0000') \
             ORDER BY k.id, s.received_on",
            &[round_id.into(), until.into(), round.opened_on.iso().into()],
            &mut |r| {
                let e = out.entry(r[0].int().unwrap_or(0)).or_default();
                e.0 += 1;
                e.1 += r[2].int().unwrap_or(0);
                let code = r[1].text().unwrap_or_default().to_owned();
                if !e.2.contains(&code) {
                    e.2.push(code);
                }
                Ok(())
            },
        )?;
        Ok(out)
    }

    /// Every household of a round with its head, village, classes, transition and certificate, ordered by
    /// village and household code: the lists of the decision and the certificates read from this.
    pub fn round_cases(&mut self, round_id: i64) -> Result<Vec<CaseView>, StoreError> {
        self_cases(&mut self.conn, round_id)
    }
}

/// The head is the one of the day the round opened, or for a household registered since (imported after
/// the opening, then put on the round by its request) its first head.
fn self_cases(c: &mut Conn, round_id: i64) -> Result<Vec<CaseView>, StoreError> {
    let round = round_in(c, round_id)?;
    let day = round.opened_on.iso();
    let mut out = Vec::new();
    c.query_each(
        "SELECT k.id, k.household_id, h.code, \
         (SELECT p.full_name FROM membership m JOIN person p ON p.id = m.person_id WHERE m.household_id = k.household_id \
          AND m.relation = 'head' AND (m.valid_until IS NULL OR m.valid_until >= $2) \
          ORDER BY CASE WHEN m.valid_from <= $2 THEN 0 ELSE 1 END, m.valid_from LIMIT 1), \
         u.name, k.source, k.previous_class, k.state, v.computed_class, v.decided_class, v.income_score, v.income_per_capita, \
         v.deprivation_count, v.reason, k.transition, (SELECT number FROM certificate c WHERE c.case_id = k.id), k.version, k.village_id \
         FROM round_case k JOIN household h ON h.id = k.household_id LEFT JOIN unit u ON u.id = k.village_id \
         LEFT JOIN review v ON v.id = k.review_id WHERE k.round_id = $1",
        &[round_id.into(), day.into()],
        &mut |r| {
            let class = |v: &Value| v.text().and_then(Class::parse);
            out.push(CaseView {
                id: r[0].int().unwrap_or(0),
                household_id: r[1].int().unwrap_or(0),
                household_code: r[2].clone().decode("household", "code", HouseholdCode::parse)?,
                head_name: r[3].text().map(str::to_owned),
                village: r[4].text().map(str::to_owned),
                source: r[5].text().and_then(CaseSource::parse).unwrap_or(CaseSource::Request),
                previous_class: class(&r[6]),
                state: r[7].text().and_then(CaseState::parse).unwrap_or(CaseState::Listed),
                computed_class: class(&r[8]),
                decided_class: class(&r[9]),
                income_score: r[10].int(),
                income_per_capita: r[11].int(),
                deprivation_count: r[12].int(),
                reason: r[13].text().map(str::to_owned),
                transition: r[14].text().and_then(Transition::parse),
                certificate: r[15].text().map(str::to_owned),
                version: r[16].int().unwrap_or(0),
                village_id: r[17].int(),
            });
            Ok(())
        },
    )?;
    // Sorted here: the two databases order text differently.
    // Villages as people count them (Thôn 2 before Thôn 10), then households by code.
    out.sort_by(|a, b| {
        let village = |c: &CaseView| c.village.clone().unwrap_or_default();
        giamngheo_core::text::natural_cmp(&village(a), &village(b)).then_with(|| {
            giamngheo_core::text::natural_cmp(a.household_code.as_str(), b.household_code.as_str())
        })
    });
    Ok(out)
}
