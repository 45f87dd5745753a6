//! The review round in the browser: the rounds of the account's communes, one round's steps and households,
//! and the survey form of one household, whose result comes back with its class explained. Every handler
//! checks the round's commune against the account's units and the step against the procedure's table of
//! who may do what (core `round::Role::may`); the store checks the household's state and version again
//! inside its transaction.

use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use giamngheo_core::complaint::ComplaintOutcome;
use giamngheo_core::ids::HouseholdCode;
use giamngheo_core::round::{Action, CaseState, RoundStatus};
use giamngheo_core::{Area, Class, DeprivationSet, Income, Lang, Vnd};
use giamngheo_store::StoreError;
use giamngheo_store::rounds::{CaseSource, CaseView, RoundView, SurveyInput};

use crate::auth::Caller;
use crate::error::WebError;
use crate::extract::{Allowed, Ctx, may};
use crate::html::{self, Markup, html};
use crate::layout::{PageResult, check_post, nav, record, respond, staff_page};
use crate::state::AppState;
use giamngheo_store::today;

fn store_error(e: StoreError) -> WebError {
    use giamngheo_core::messages::Localized;
    match e {
        StoreError::Procedure(_)
        | StoreError::Conflict { .. }
        | StoreError::Rejected(_)
        | StoreError::WrongStandard { .. } => {
            WebError::bad(e.message(Lang::Vi), e.message(Lang::En))
        }
        e => WebError::from(e),
    }
}

/// A round and the households of it the account may see, or 404 when it does not exist or none of it lies in
/// the account's units (a village reviewer sees their village's households of their commune's round).
pub(crate) async fn load_round(
    state: &AppState,
    a: &Caller,
    id: i64,
) -> Result<(RoundView, Vec<CaseView>), WebError> {
    let actor = a.clone();
    state
        .pool
        .run(move |s| {
            let round = s.round(id)?;
            let cases: Vec<CaseView> = s
                .round_cases(id)?
                .into_iter()
                .filter(|c| actor.sees_household(round.commune_id, c.village_id))
                .collect();
            if !actor.sees_unit(round.commune_id) && cases.is_empty() {
                record(
                    s,
                    Some(&actor),
                    "refused",
                    &format!("review_round {id}"),
                    "outside the account's units",
                )?;
                return Err(WebError::NotFound);
            }
            record(s, Some(&actor), "read", &format!("review_round {id}"), "")?;
            Ok((round, cases))
        })
        .await
}

fn class_name(c: Option<Class>, lang: Lang) -> &'static str {
    c.map_or("", |c| c.name(lang))
}

pub async fn list(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadHouseholds>,
) -> PageResult {
    let actor = a.clone();
    let rounds = state
        .pool
        .run(move |s| Ok(s.rounds_in_scope(actor.scope_account(), today())?))
        .await
        .map_err(|e| ctx.fail(e))?;
    let lang = ctx.lang;
    let body = html! {
        h1 { (ctx.t("Các đợt rà soát", "Review rounds")) }
        @if rounds.is_empty() {
            p.muted {
                (ctx.t(
                    "Chưa có đợt rà soát nào trong địa bàn của bạn.",
                    "No review round in your area yet."
                ))
            }
        } @else {
            table {
                thead {
                    tr {
                        th { (ctx.t("Số", "No.")) }
                        th { (ctx.t("Xã", "Commune")) }
                        th { (ctx.t("Năm", "Year")) }
                        th { (ctx.t("Trạng thái", "Status")) }
                        th { (ctx.t("Hạn quyết định", "Decision due")) }
                    }
                }
                tbody {
                    @for r in &rounds {
                        tr {
                            td { a href={ "/rounds/" (r.id) } { (r.id) } }
                            td { (r.commune_name) }
                            td {
                                (r.year)
                                @if let Some(m) = r.month { " (" (lang.pick("tháng", "month")) " " (m) ")" }
                            }
                            td { (r.status.name(lang)) }
                            td { (r.deadline().vi()) }
                        }
                    }
                }
            }
        }
    };
    Ok(staff_page(
        &state,
        &ctx,
        &a,
        ctx.t("Đợt rà soát", "Review rounds"),
        body,
    ))
}

pub async fn show(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadHouseholds>,
    Path(id): Path<i64>,
) -> PageResult {
    let (round, cases) = load_round(&state, &a, id).await.map_err(|e| ctx.fail(e))?;
    let lang = ctx.lang;
    let p = round.procedure();
    let may_survey = a.role.may(Action::Survey) && round.status != RoundStatus::Decided;
    let cases_table = html! {
        table {
            thead {
                tr {
                    th { (ctx.t("Mã hộ", "Household")) }
                    th { (ctx.t("Chủ hộ", "Head")) }
                    th { (ctx.t("Thôn", "Village")) }
                    th { (ctx.t("Trước", "Before")) }
                    th { (ctx.t("Bước", "Step")) }
                    th { (ctx.t("Kết quả", "Result")) }
                    th { (ctx.t("Biến động", "Transition")) }
                    th {}
                }
            }
            tbody {
                @for c in &cases {
                    tr {
                        td { a href={ "/households/" (html::url(c.household_code.as_str())) } { (c.household_code) } }
                        td { (c.head_name.as_deref().unwrap_or("")) }
                        td { (c.village.as_deref().unwrap_or("")) }
                        td { (class_name(c.previous_class, lang)) }
                        td { (c.state.name(lang)) }
                        td { (class_name(c.decided_class.or(c.computed_class), lang)) }
                        td { (c.transition.map_or("", |t| t.name(lang))) }
                        td {
                            @if may_survey && matches!(c.state, CaseState::Listed | CaseState::Resurvey) {
                                a href={ "/rounds/" (round.id) "/survey/" (html::url(c.household_code.as_str())) } {
                                    (ctx.t("Nhập phiếu", "Enter survey"))
                                }
                            }
                            @if c.source == CaseSource::ExitRequest {
                                " "
                                a href={ "/rounds/" (round.id) "/exit/" (html::url(c.household_code.as_str())) } {
                                    (ctx.t(
                                        "Giấy đề nghị thoát nghèo (Mẫu 04, PDF)",
                                        "Exit request (form 04, PDF)"
                                    ))
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let head = html! {
        h1 {
            (ctx.t("Đợt rà soát", "Review round")) " " (round.id) " — " (round.commune_name) " "
            (round.year)
        }
        p {
            (lang.pick(&p.name_vi, &p.name_en)) " · " (round.standard_id) " · "
            (ctx.t("hạn quyết định", "decision due")) ": " (round.deadline().vi())
        }
        ol.steps {
            @for (step, done) in round.steps_done(&cases) {
                li { (if done { "✔" } else { "○" }) " " (step.name(lang)) }
            }
        }
        @if let (Some(on), Some(ends)) = (round.posted_on, round.posting_ends) {
            p { (ctx.t("Niêm yết công khai:", "Posted publicly:")) " " (on.vi()) " → " (ends.vi()) }
        }
        @if !p.posting_working_days.verified {
            p.muted {
                (ctx.t("Thời gian niêm yết", "Posting period")) " " (p.posting_working_days.value) " "
                (ctx.t("ngày làm việc: chưa xác minh", "working days: unverified")) " ("
                (p.posting_working_days.source) ")"
            }
        }
        (cases_table)
        (downloads(&ctx, &a, &round, &cases))
    };
    let (complaints, places) = state
        .pool
        .run(move |s| Ok((s.complaints(id)?, s.complaint_places(id)?)))
        .await
        .map_err(|e| ctx.fail(e))?;
    let body = html! {
        (head)
        (complaints_section(&state, &ctx, &a, &round, &complaints, &places))
        (screening_and_request_forms(&state, &ctx, &a, &round, &cases))
        (step_forms(&state, &ctx, &a, &round, &cases))
    };
    Ok(staff_page(
        &state,
        &ctx,
        &a,
        ctx.t("Đợt rà soát", "Review round"),
        body,
    ))
}

/// The decided round's forms as PDF: the decision (Mẫu 02) and, once issued, the certificates (Mẫu 03). They
/// cover the whole commune, so only accounts whose units hold the commune see the links (the routes check it
/// again).
fn downloads(ctx: &Ctx, a: &Caller, round: &RoundView, cases: &[CaseView]) -> Markup {
    if round.status != RoundStatus::Decided || !a.sees_unit(round.commune_id) {
        return html! {};
    }
    html! {
        h2 { (ctx.t("Tải về", "Downloads")) }
        ul.downloads {
            li {
                a href={ "/rounds/" (round.id) "/decision.pdf" } {
                    (ctx.t(
                        "Quyết định công nhận và danh sách (Mẫu 02, PDF)",
                        "Decision and lists (form 02, PDF)"
                    ))
                }
            }
            @if cases.iter().any(|c| c.certificate.is_some()) {
                li {
                    a href={ "/rounds/" (round.id) "/certificates.pdf" } {
                        (ctx.t(
                            "Giấy chứng nhận hộ nghèo, hộ cận nghèo (Mẫu 03, PDF)",
                            "Poor and near-poor certificates (form 03, PDF)"
                        ))
                    }
                }
            }
        }
    }
}

/// The round's complaints the account may see, each open one with a form to answer it for the roles allowed
/// to. A complaint carries the complainant's name and phone: an account of a village (a village reviewer) sees
/// only those about its villages' households or its villages, never those of the rest of the commune; one
/// naming no village is the commune's.
fn complaints_section(
    state: &AppState,
    ctx: &Ctx,
    a: &Caller,
    round: &RoundView,
    complaints: &[giamngheo_store::rounds::ComplaintView],
    places: &std::collections::HashMap<i64, giamngheo_store::public_feedback::ComplaintPlace>,
) -> Markup {
    let visible: Vec<_> = complaints
        .iter()
        .filter(|k| {
            let village = places.get(&k.id).and_then(|p| p.village_id);
            a.sees_household(round.commune_id, village)
        })
        .collect();
    if visible.is_empty() {
        return html! {};
    }
    let may_answer = round.status != RoundStatus::Decided && a.role.may(Action::AnswerComplaint);
    html! {
        h2 { (ctx.t("Khiếu nại, phản ánh", "Complaints and feedback")) }
        @for k in visible {
            @let copies = places.get(&k.id).map_or(1, |p| p.copies);
            div class="box" {
                p {
                    strong { (k.complainant) }
                    " · " (k.received_on.vi())
                    " · " (k.channel.name(ctx.lang))
                    @if let Some(c) = &k.household_code { " · " (c) }
                    @if copies > 1 { " · " (ctx.t("gửi", "sent")) " " (copies) " " (ctx.t("lần", "times")) }
                }
                p { (k.content) }
                @match (&k.outcome, &k.answer) {
                    (Some(o), answer) => {
                        p {
                            (ctx.t("Đã trả lời", "Answered")) ": "
                            (o.name(ctx.lang))
                            " — " (answer.as_deref().unwrap_or(""))
                        }
                    }
                    (None, _) if may_answer => {
                        form method="post" action={ "/rounds/" (round.id) "/answer" } {
                            input type="hidden" name="csrf" value=(state.sessions.form_token(&a.token));
                            input type="hidden" name="complaint" value=(k.id);
                            label for={ "answer" (k.id) } { (ctx.t("Trả lời", "Answer")) }
                            textarea id={ "answer" (k.id) } name="answer" rows="2" required {}
                            select name="outcome" {
                                option value=(ComplaintOutcome::Rejected.code()) { (ctx.t("không chấp nhận", "rejected")) }
                                option value=(ComplaintOutcome::Upheld.code()) {
                                    (ctx.t("chấp nhận (rà soát lại hộ)", "upheld (survey the household again)"))
                                }
                                option value=(ComplaintOutcome::Withdrawn.code()) { (ctx.t("người khiếu nại rút", "withdrawn")) }
                            }
                            button type="submit" { (ctx.t("Gửi trả lời", "Send the answer")) }
                        }
                    }
                    (None, _) => {
                        p.muted { (ctx.t("Chưa trả lời", "Not answered yet")) }
                    }
                }
            }
        }
    }
}

/// The households a screening may take: those still to survey. A refusal's row numbers count the rows of
/// the round's table, which lists every household the account sees.
fn to_screen(cases: &[CaseView]) -> impl Iterator<Item = &CaseView> {
    cases
        .iter()
        .filter(|c| matches!(c.state, CaseState::Listed | CaseState::Resurvey))
}

/// The quick screening (Phiếu A: households plainly above the lines, recorded not poor without the full
/// survey) and the requests to enter (Mẫu 01) or leave (Mẫu 04) the lists, for the roles the procedure lets
/// survey and add requests (a village reviewer too, for their village's households).
fn screening_and_request_forms(
    state: &AppState,
    ctx: &Ctx,
    a: &Caller,
    round: &RoundView,
    cases: &[CaseView],
) -> Markup {
    if round.status == RoundStatus::Decided {
        return html! {};
    }
    let today = today().vi();
    // Each form its own one-time token.
    html! {
        @if a.role.may(Action::Survey) && to_screen(cases).next().is_some() {
            form method="post" action={ "/rounds/" (round.id) "/screen" } class="box" {
                input type="hidden" name="csrf" value=(state.sessions.form_token(&a.token));
                h2 { (ctx.t("Nhận diện nhanh (Phiếu A)", "Quick screening (form A)")) }
                p.muted {
                    (ctx.t(
                        "Đánh dấu các hộ có điều kiện sống rõ ràng vượt chuẩn: được ghi là không nghèo, không rà soát chi tiết.",
                        "Tick the households plainly above the lines: they are recorded as not poor without the full survey."
                    ))
                }
                label for="screen_date" { (ctx.t("Ngày nhận diện", "Screened on")) }
                input id="screen_date" name="date" value=(today);
                fieldset {
                    legend { (ctx.t("Hộ", "Households")) }
                    @for c in to_screen(cases) {
                        label.check {
                            input type="checkbox" name={ "screen_" (c.household_code) } value="1";
                            " " (c.household_code) " " (c.head_name.as_deref().unwrap_or(""))
                        }
                    }
                }
                p { button type="submit" { (ctx.t("Ghi kết quả nhận diện nhanh", "Record the screening")) } }
            }
        }
        @if a.role.may(Action::AddRequest) {
            form method="post" action={ "/rounds/" (round.id) "/request" } class="box" {
                input type="hidden" name="csrf" value=(state.sessions.form_token(&a.token));
                h2 { (ctx.t("Giấy đề nghị của hộ", "A household's request")) }
                label for="household_code" { (ctx.t("Mã hộ", "Household code")) }
                input id="household_code" name="household_code" required;
                label for="kind" { (ctx.t("Loại giấy", "Request")) }
                select id="kind" name="kind" {
                    option value="request" {
                        (ctx.t(
                            "đề nghị rà soát, xét vào danh sách (Mẫu 01)",
                            "review request, to enter the lists (form 01)"
                        ))
                    }
                    option value="exit" {
                        (ctx.t(
                            "đề nghị công nhận thoát nghèo, thoát cận nghèo (Mẫu 04)",
                            "exit request (form 04)"
                        ))
                    }
                }
                label for="request_date" { (ctx.t("Ngày nhận giấy", "Received on")) }
                input id="request_date" name="date" value=(today);
                p { button type="submit" { (ctx.t("Ghi nhận giấy đề nghị", "Record the request")) } }
            }
        }
    }
}

/// The round's next steps as forms, each shown only to a role the procedure lets take it; the store checks
/// the role, the lock, the dates and every household again.
fn step_forms(
    state: &AppState,
    ctx: &Ctx,
    a: &Caller,
    round: &RoundView,
    cases: &[CaseView],
) -> Markup {
    let form = |step: &str, fields: Markup, button: &str| {
        html! {
            form method="post" action={ "/rounds/" (round.id) "/" (step) } class="box" {
                input type="hidden" name="csrf" value=(state.sessions.form_token(&a.token));
                (fields)
                p { button type="submit" { (button) } }
            }
        }
    };
    let today = today().vi();
    let surveyed: Vec<&CaseView> = cases
        .iter()
        .filter(|c| c.state == CaseState::Surveyed)
        .collect();
    let meeting = html! {
        h2 { (ctx.t("Họp dân", "Village meeting")) }
        label for="held_on" { (ctx.t("Ngày họp", "Held on")) }
        input id="held_on" name="date" value=(today);
        label for="attendees" { (ctx.t("Số người dự họp", "Attendees")) }
        input id="attendees" name="attendees" inputmode="numeric" required;
        label for="chair" { (ctx.t("Chủ trì", "Chair")) }
        input id="chair" name="chair" required;
        label for="secretary" { (ctx.t("Thư ký", "Secretary")) }
        input id="secretary" name="secretary" required;
        table {
            thead {
                tr {
                    th { (ctx.t("Hộ", "Household")) }
                    th { (ctx.t("Kết quả rà soát", "Survey result")) }
                    th { (ctx.t("Đồng ý", "For")) }
                    th { (ctx.t("Không đồng ý", "Against")) }
                }
            }
            tbody {
                @for c in &surveyed {
                    tr {
                        td { (c.household_code) " " (c.head_name.as_deref().unwrap_or("")) }
                        td { (class_name(c.computed_class, ctx.lang)) }
                        td { input name={ "for_" (c.household_code) } inputmode="numeric" size="4"; }
                        td { input name={ "against_" (c.household_code) } inputmode="numeric" size="4"; }
                    }
                }
            }
        }
    };
    let post = html! {
        label for="places" { (ctx.t("Nơi niêm yết", "Posted at")) }
        input id="places" name="places"
            value=(ctx.t("Trụ sở UBND xã và nhà văn hóa thôn", "Commune office and village halls"));
    };
    let decide = html! {
        label for="date" { (ctx.t("Ngày quyết định", "Decision date")) }
        input id="date" name="date" value=(today);
        label for="number" { (ctx.t("Số quyết định", "Decision number")) }
        input id="number" name="number" placeholder="…/QĐ-UBND";
        label for="signed_by" { (ctx.t("Chủ tịch UBND xã ký", "Signed by the commune chairman")) }
        input id="signed_by" name="signed_by";
    };
    let certificates = html! {
        h2 { (ctx.t("Giấy chứng nhận", "Certificates")) }
        p {
            (ctx.t(
                "Cấp giấy chứng nhận hộ nghèo, hộ cận nghèo (Mẫu 03) cho các hộ được công nhận chưa có giấy, ghi ngày hôm nay.",
                "Issue the poor and near-poor certificates (form 03), dated today, to the recognised households without one."
            ))
        }
    };
    let reopen = html! {
        label for="reason" { (ctx.t("Lý do mở lại", "Why it is reopened")) }
        input id="reason" name="reason" required;
    };
    let uncertified = cases.iter().any(|c| {
        c.state == CaseState::Decided
            && c.certificate.is_none()
            && matches!(c.decided_class, Some(Class::Poor | Class::NearPoor))
    });
    let open = round.status != RoundStatus::Decided;
    let decided = round.status == RoundStatus::Decided;
    html! {
        @if open && !surveyed.is_empty() && a.role.may(Action::RecordMeeting) {
            (form("meeting", meeting, ctx.t("Ghi biên bản họp dân", "Record the meeting")))
        }
        @if open && a.role.may(Action::Post) {
            (form("post", post, ctx.t("Niêm yết công khai từ hôm nay", "Post the results from today")))
        }
        @if round.status == RoundStatus::Posted && a.role.may(Action::Decide) {
            (form("decide", decide, ctx.t("Ghi quyết định công nhận (Mẫu 02)", "Record the decision (form 02)")))
        }
        @if decided && uncertified && a.role.may(Action::IssueCertificates) {
            (form(
                "certificates",
                certificates,
                ctx.t("Cấp giấy chứng nhận (Mẫu 03)", "Issue the certificates (form 03)"),
            ))
        }
        @if decided && a.role.may(Action::Reopen) {
            (form("reopen", reopen, ctx.t("Mở lại đợt rà soát", "Reopen the round")))
        }
    }
}

/// The fields of the step forms; each step reads the ones it needs.
#[derive(serde::Deserialize, Default)]
pub struct StepForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    places: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    signed_by: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    complaint: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    answer: String,
    #[serde(default)]
    attendees: String,
    #[serde(default)]
    chair: String,
    #[serde(default)]
    secretary: String,
    /// The meeting's votes: `for_CODE` and `against_CODE` for each household.
    #[serde(flatten)]
    votes: std::collections::HashMap<String, String>,
}

/// `POST /rounds/{id}/{post|decide|reopen}`: one step of the round, then back to the round's page with what
/// happened, or the reason it was refused.
pub async fn step(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadHouseholds>,
    Path((id, step)): Path<(i64, String)>,
    form: Result<Form<StepForm>, FormRejection>,
) -> PageResult {
    let action = match step.as_str() {
        "post" => Action::Post,
        "meeting" => Action::RecordMeeting,
        "decide" => Action::Decide,
        "reopen" => Action::Reopen,
        "answer" => Action::AnswerComplaint,
        "certificates" => Action::IssueCertificates,
        _ => return Err(ctx.fail(WebError::NotFound)),
    };
    let (round, _) = load_round(&state, &a, id).await.map_err(|e| ctx.fail(e))?;
    if !a.role.may(action) || !a.sees_unit(round.commune_id) {
        return Err(ctx.fail(WebError::Forbidden));
    }
    let f = match form {
        Ok(Form(f)) => f,
        Err(e) => return Err(ctx.fail(WebError::malformed(&e))),
    };
    check_post(
        &state,
        &ctx,
        &a,
        &f.csrf,
        &format!("review_round {id} {step}"),
    )
    .await?;
    let lang = ctx.lang;
    let date = if f.date.trim().is_empty() {
        today()
    } else {
        match giamngheo_core::date::Date::parse(f.date.trim()) {
            Ok(d) => d,
            Err(_) => {
                return Err(ctx.fail(WebError::bad(
                    "Ngày quyết định (date): ghi dd/mm/yyyy.",
                    "Decision date (date): write dd/mm/yyyy.",
                )));
            }
        }
    };
    let mut votes = Vec::new();
    let mut attendees = 0;
    if action == Action::RecordMeeting {
        let number = |name: &str, v: &str| -> Result<u32, crate::error::Failure> {
            v.trim().parse::<u32>().map_err(|_| {
                ctx.fail(WebError::bad(
                    format!("{name}: cần một số nguyên (đã ghi '{v}')."),
                    format!("{name}: a whole number is needed (got '{v}')."),
                ))
            })
        };
        attendees = number("attendees", &f.attendees)?;
        let mut codes: Vec<&String> = f.votes.keys().filter(|k| k.starts_with("for_")).collect();
        codes.sort();
        for (row, key) in codes.into_iter().enumerate() {
            let code = &key["for_".len()..];
            let yes = f.votes.get(key).map(String::as_str).unwrap_or("");
            let no = f
                .votes
                .get(&format!("against_{code}"))
                .map(String::as_str)
                .unwrap_or("");
            if yes.trim().is_empty() && no.trim().is_empty() {
                continue;
            }
            let Some(household_code) = HouseholdCode::parse(code) else {
                return Err(ctx.fail(WebError::bad(
                    format!("{key}: mã hộ không hợp lệ."),
                    format!("{key}: not a household code."),
                )));
            };
            votes.push(giamngheo_store::rounds::VoteInput {
                row: row as u64 + 1,
                household_code,
                votes_for: number(key, yes)?,
                votes_against: if no.trim().is_empty() {
                    0
                } else {
                    number(&format!("against_{code}"), no)?
                },
            });
        }
        if votes.is_empty() || f.chair.trim().is_empty() || f.secretary.trim().is_empty() {
            return Err(ctx.fail(WebError::bad(
                "Cần ghi chủ trì (chair), thư ký (secretary) và số phiếu của ít nhất một hộ.",
                "The chair, the secretary and the votes of at least one household are needed.",
            )));
        }
    }
    let mut answer_to = None;
    if action == Action::AnswerComplaint {
        let outcome = ComplaintOutcome::parse(&f.outcome);
        let Some(outcome) = outcome.filter(|_| !f.answer.trim().is_empty()) else {
            return Err(ctx.fail(WebError::bad(
                "Cần nội dung trả lời (answer) và kết quả (outcome).",
                "An answer (answer) and an outcome (outcome) are needed.",
            )));
        };
        let complaint: i64 = f
            .complaint
            .trim()
            .parse()
            .map_err(|_| ctx.fail(WebError::NotFound))?;
        // Only a complaint of this round, whose commune was checked above.
        let known = state
            .pool
            .run(move |s| Ok(s.complaints(id)?.iter().any(|k| k.id == complaint)))
            .await
            .map_err(|e| ctx.fail(e))?;
        if !known {
            return Err(ctx.fail(WebError::NotFound));
        }
        answer_to = Some((complaint, outcome));
    }
    if action == Action::Decide && (f.number.trim().is_empty() || f.signed_by.trim().is_empty()) {
        return Err(ctx.fail(WebError::bad(
            "Cần ghi số quyết định (number) và người ký (signed_by).",
            "The decision number (number) and the signatory (signed_by) are needed.",
        )));
    }
    let who = a.writer();
    let done = state
        .pool
        .run(move |s| {
            let said = match action {
                Action::Post => {
                    let ends = s
                        .post_results(&who, id, today(), &f.places)
                        .map_err(store_error)?;
                    (
                        format!("Đã niêm yết công khai đến hết ngày {}.", ends.vi()),
                        format!("Posted until the end of {}.", ends.vi()),
                    )
                }
                Action::RecordMeeting => {
                    let m = s
                        .record_meeting(
                            &who,
                            id,
                            &giamngheo_store::rounds::NewMeeting {
                                village_id: None,
                                held_on: date,
                                chair: f.chair.clone(),
                                secretary: f.secretary.clone(),
                                attendees,
                                minutes: None,
                                votes,
                            },
                        )
                        .map_err(store_error)?;
                    (
                        format!("Đã ghi biên bản họp dân: {} hộ được thống nhất, {} hộ phải rà soát lại.", m.agreed, m.disagreed),
                        format!("Meeting recorded: {} households agreed, {} to survey again.", m.agreed, m.disagreed),
                    )
                }
                Action::Decide => {
                    let d = s
                        .decide_round(&who, id, date, &f.number, &f.signed_by)
                        .map_err(store_error)?;
                    (
                        format!(
                            "Đã ghi quyết định: {} hộ được công nhận; đợt rà soát đã khóa.",
                            d.decided
                        ),
                        format!(
                            "Decision recorded: {} households recognised; the round is locked.",
                            d.decided
                        ),
                    )
                }
                Action::IssueCertificates => {
                    let n = s
                        .issue_certificates(&who, id, today(), None)
                        .map_err(store_error)?;
                    (
                        format!("Đã cấp {n} giấy chứng nhận (Mẫu 03)."),
                        format!("{n} certificates (form 03) issued."),
                    )
                }
                Action::AnswerComplaint => {
                    let (complaint, outcome) = answer_to.ok_or(WebError::NotFound)?;
                    s.answer_complaint(&who, complaint, &f.answer, today(), outcome)
                        .map_err(store_error)?;
                    ("Đã trả lời khiếu nại.".to_owned(), "The complaint is answered.".to_owned())
                }
                _ => {
                    s.reopen_round(&who, id, today(), &f.reason)
                        .map_err(store_error)?;
                    (
                        "Đã mở lại đợt rà soát.".to_owned(),
                        "The round is reopened.".to_owned(),
                    )
                }
            };
            Ok(said)
        })
        .await;
    match done {
        Ok((vi, en)) => Ok(done_page(&state, &ctx, &a, id, lang.pick(&vi, &en))),
        Err(e) => Ok(refused(&state, &ctx, &a, id, &e.message(lang))),
    }
}

/// A refused step: its reason, in the account's language, on a page linking back to the round.
fn refused(state: &AppState, ctx: &Ctx, a: &Caller, id: i64, message: &str) -> Response {
    let n = nav(state, ctx, a);
    let body = html! {
        p.error role="alert" { (message) }
        p { a href={ "/rounds/" (id) } { (ctx.t("Về đợt rà soát", "Back to the round")) } }
    };
    respond(
        ctx,
        StatusCode::UNPROCESSABLE_ENTITY,
        html::page(
            ctx.lang,
            ctx.t("Đợt rà soát", "Review round"),
            Some(&n),
            body,
        ),
    )
}

/// A step done: what happened, on a page linking back to the round.
fn done_page(state: &AppState, ctx: &Ctx, a: &Caller, id: i64, message: &str) -> Response {
    let body = html! {
        p class="box" { (message) }
        p { a href={ "/rounds/" (id) } { (ctx.t("Về đợt rà soát", "Back to the round")) } }
    };
    staff_page(state, ctx, a, ctx.t("Đợt rà soát", "Review round"), body)
}

/// A date field: today when left empty, else dd/mm/yyyy or ISO; the error names the field.
fn date_field(value: &str, vi: &str, en: &str) -> Result<giamngheo_core::date::Date, WebError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(today());
    }
    giamngheo_core::date::Date::parse(v).map_err(|_| {
        WebError::bad(
            format!("{vi} (date): ghi ngày dạng dd/mm/yyyy (đã ghi '{v}')."),
            format!("{en} (date): write the date as dd/mm/yyyy (got '{v}')."),
        )
    })
}

/// The screening form's fields: `screen_CODE=1` for each ticked household.
#[derive(serde::Deserialize, Default)]
pub struct ScreenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    date: String,
    #[serde(flatten)]
    ticked: std::collections::HashMap<String, String>,
}

/// `POST /rounds/{id}/screen`: the quick screening (Phiếu A) of the ticked households through the store's
/// `record_screening`, as `giamngheo round screen` does with a file. A household the account does not see
/// in this round is refused exactly like one not on the list.
pub async fn screen(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadHouseholds>,
    Path(id): Path<i64>,
    form: Result<Form<ScreenForm>, FormRejection>,
) -> PageResult {
    if !a.role.may(Action::Survey) {
        return Err(ctx.fail(WebError::Forbidden));
    }
    let (_, cases) = load_round(&state, &a, id).await.map_err(|e| ctx.fail(e))?;
    let f = match form {
        Ok(Form(f)) => f,
        Err(e) => return Err(ctx.fail(WebError::malformed(&e))),
    };
    check_post(
        &state,
        &ctx,
        &a,
        &f.csrf,
        &format!("review_round {id} screen"),
    )
    .await?;
    let lang = ctx.lang;
    let on = match date_field(&f.date, "Ngày nhận diện", "Screened on") {
        Ok(d) => d,
        Err(e) => return Ok(refused(&state, &ctx, &a, id, &e.message(lang))),
    };
    let mut ticked: Vec<&str> = f
        .ticked
        .iter()
        .filter(|(_, v)| v.as_str() == "1")
        .filter_map(|(k, _)| k.strip_prefix("screen_"))
        .collect();
    ticked.sort_unstable();
    if ticked.is_empty() {
        return Ok(refused(
            &state,
            &ctx,
            &a,
            id,
            ctx.t(
                "Hộ (household_code): hãy đánh dấu ít nhất một hộ để nhận diện nhanh.",
                "Households (household_code): tick at least one household to screen.",
            ),
        ));
    }
    // Rows as the page numbered them; a code the page did not offer this account keeps row 0.
    let mut codes = Vec::with_capacity(ticked.len());
    for code in &ticked {
        if let Some(i) = cases.iter().position(|c| c.household_code == *code) {
            codes.push((i as u64 + 1, cases[i].household_code.clone()));
            continue;
        }
        return Ok(refused(
            &state,
            &ctx,
            &a,
            id,
            &format!(
                "{} {code} (household_code): {}",
                ctx.t("Hộ", "Household"),
                ctx.t(
                    "không có trong danh sách rà soát của đợt này trong địa bàn của bạn.",
                    "is not on this round's list in your area."
                )
            ),
        ));
    }
    let who = a.writer();
    let saved = state
        .pool
        .run(move |s| {
            s.record_screening(&who, id, on, &codes)
                .map_err(store_error)
        })
        .await;
    match saved {
        Ok(n) => Ok(done_page(
            &state,
            &ctx,
            &a,
            id,
            lang.pick(
                &format!("Đã ghi nhận diện nhanh (Phiếu A) của {n} hộ: không nghèo."),
                &format!("Screening (form A) recorded for {n} households: not poor."),
            ),
        )),
        Err(e) => Ok(refused(&state, &ctx, &a, id, &e.message(lang))),
    }
}

/// The request form's fields.
#[derive(serde::Deserialize, Default)]
pub struct RequestForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    household_code: String,
    /// "request" (Mẫu 01) or "exit" (Mẫu 04).
    #[serde(default)]
    kind: String,
    #[serde(default)]
    date: String,
}

/// `POST /rounds/{id}/request`: a household's request to be reviewed (Mẫu 01) or recognised as escaped
/// (Mẫu 04) through the store's `add_request`, as `giamngheo round request` does. The household must live
/// inside the account's units; one outside them is refused exactly like one that does not exist.
pub async fn request(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadHouseholds>,
    Path(id): Path<i64>,
    form: Result<Form<RequestForm>, FormRejection>,
) -> PageResult {
    if !a.role.may(Action::AddRequest) {
        return Err(ctx.fail(WebError::Forbidden));
    }
    let (round, _) = load_round(&state, &a, id).await.map_err(|e| ctx.fail(e))?;
    let f = match form {
        Ok(Form(f)) => f,
        Err(e) => return Err(ctx.fail(WebError::malformed(&e))),
    };
    check_post(
        &state,
        &ctx,
        &a,
        &f.csrf,
        &format!("review_round {id} request"),
    )
    .await?;
    let lang = ctx.lang;
    let source = match f.kind.as_str() {
        "request" => CaseSource::Request,
        "exit" => CaseSource::ExitRequest,
        other => {
            return Ok(refused(
                &state,
                &ctx,
                &a,
                id,
                lang.pick(
                    &format!("Loại giấy (kind): chọn Mẫu 01 hoặc Mẫu 04 (đã gửi '{other}')."),
                    &format!("Request (kind): choose form 01 or form 04 (got '{other}')."),
                ),
            ));
        }
    };
    let on = match date_field(&f.date, "Ngày nhận giấy", "Received on") {
        Ok(d) => d,
        Err(e) => return Ok(refused(&state, &ctx, &a, id, &e.message(lang))),
    };
    let code = giamngheo_core::text::nfc(f.household_code.trim());
    let unknown = |code: &str| {
        lang.pick(
            &format!(
                "Mã hộ (household_code): không có hộ '{code}' ở {} trong địa bàn của bạn vào ngày {}.",
                round.commune_name,
                on.vi()
            ),
            &format!(
                "Household code (household_code): no household '{code}' in {} inside your area on {}.",
                round.commune_name,
                on.vi()
            ),
        )
        .to_owned()
    };
    if code.is_empty() {
        return Ok(refused(
            &state,
            &ctx,
            &a,
            id,
            ctx.t(
                "Mã hộ (household_code): cần ghi mã hộ.",
                "Household code (household_code): a household code is needed.",
            ),
        ));
    }
    let who = a.writer();
    let actor = a.clone();
    let c2 = code.clone();
    let saved = state
        .pool
        .run(move |s| {
            // Inside the account's units first: a household elsewhere is not told apart from none.
            let inside = s
                .whereabouts(&c2)?
                .is_some_and(|w| actor.sees_household(w.commune_id, w.village_id));
            if !inside {
                return Ok(None);
            }
            match s.add_request(&who, id, &c2, source, on) {
                Ok(case) => Ok(Some(case)),
                Err(StoreError::NotFound { .. }) => Ok(None),
                Err(e) => Err(store_error(e)),
            }
        })
        .await;
    match saved {
        Ok(Some(_)) => Ok(done_page(
            &state,
            &ctx,
            &a,
            id,
            lang.pick(
                &format!("Đã ghi nhận hộ {code}: {}.", source.name(Lang::Vi)),
                &format!("Recorded household {code}: {}.", source.name(Lang::En)),
            ),
        )),
        Ok(None) => Ok(refused(&state, &ctx, &a, id, &unknown(&code))),
        Err(e) => Ok(refused(&state, &ctx, &a, id, &e.message(lang))),
    }
}

fn case_of<'a>(cases: &'a [CaseView], code: &str) -> Result<&'a CaseView, WebError> {
    cases
        .iter()
        .find(|c| c.household_code == code)
        .ok_or(WebError::NotFound)
}

fn survey_form(
    state: &AppState,
    ctx: &Ctx,
    a: &Caller,
    round: &RoundView,
    case: &CaseView,
    values: &SurveyForm,
    problem: Option<&str>,
) -> Result<Markup, WebError> {
    let classifier = state
        .classifier(&round.standard_id)
        .ok_or(WebError::Internal)?;
    let lang = ctx.lang;
    let urban = values.area == "urban";
    Ok(html! {
        h1 { (ctx.t("Phiếu rà soát hộ", "Survey of household")) " " (case.household_code) }
        p {
            (case.head_name.as_deref().unwrap_or("")) " · " (case.village.as_deref().unwrap_or(""))
            " · " (round.standard_id)
        }
        @if let Some(p) = problem {
            p.error role="alert" { (p) }
        }
        form method="post" action={ "/rounds/" (round.id) "/survey/" (html::url(case.household_code.as_str())) } class="box" {
            input type="hidden" name="csrf" value=(state.sessions.form_token(&a.token));
            input type="hidden" name="version" value=(case.version);
            label for="area" { (ctx.t("Khu vực", "Area")) }
            select id="area" name="area" {
                option value="rural" selected[!urban] { (ctx.t("nông thôn", "rural")) }
                option value="urban" selected[urban] { (ctx.t("thành thị", "urban")) }
            }
            label for="income" {
                (ctx.t(
                    "Thu nhập bình quân đầu người/tháng (đồng)",
                    "Income per person per month (đồng)"
                ))
            }
            input id="income" name="income" inputmode="numeric" value=(values.income) placeholder="1500000";
            fieldset {
                legend {
                    (ctx.t(
                        "Chỉ số thiếu hụt (đánh dấu nếu thiếu hụt)",
                        "Deprivations (tick if deprived)"
                    ))
                }
                @for (i, ind) in classifier.standard().indicators.iter().enumerate() {
                    label.check {
                        input type="checkbox" name={ "d" (i) } value="1" checked[values.deprived(i)];
                        " " (lang.pick(&ind.short_vi, &ind.short_en))
                    }
                }
            }
            p { button type="submit" { (ctx.t("Ghi kết quả và phân loại", "Record and classify")) } }
        }
    })
}

/// The survey form's fields. Checkboxes come as d0, d1, … only when ticked.
#[derive(serde::Deserialize, Default)]
pub struct SurveyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    income: String,
    #[serde(flatten)]
    rest: std::collections::HashMap<String, String>,
}

impl SurveyForm {
    fn deprived(&self, i: usize) -> bool {
        self.rest.get(&format!("d{i}")).is_some_and(|v| v == "1")
    }
}

async fn survey_context(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    code: &str,
) -> Result<(Caller, RoundView, CaseView), crate::error::Failure> {
    let a = ctx.require(Action::ReadHouseholds)?.clone();
    if !a.role.may(Action::Survey) {
        return Err(ctx.fail(WebError::Forbidden));
    }
    let (round, cases) = load_round(state, &a, id).await.map_err(|e| ctx.fail(e))?;
    let case = case_of(&cases, code).map_err(|e| ctx.fail(e))?.clone();
    Ok((a, round, case))
}

pub async fn survey_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, code)): Path<(i64, String)>,
) -> PageResult {
    let (a, round, case) = survey_context(&state, &ctx, id, &code).await?;
    let values = SurveyForm {
        area: "rural".into(),
        ..SurveyForm::default()
    };
    let body =
        survey_form(&state, &ctx, &a, &round, &case, &values, None).map_err(|e| ctx.fail(e))?;
    Ok(staff_page(
        &state,
        &ctx,
        &a,
        ctx.t("Phiếu rà soát", "Survey"),
        body,
    ))
}

pub async fn survey_post(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, code)): Path<(i64, String)>,
    form: Result<Form<SurveyForm>, FormRejection>,
) -> PageResult {
    let (a, round, case) = survey_context(&state, &ctx, id, &code).await?;
    let f = match form {
        Ok(Form(f)) => f,
        Err(e) => return Err(ctx.fail(WebError::malformed(&e))),
    };
    check_post(&state, &ctx, &a, &f.csrf, &format!("survey {code}")).await?;
    let lang = ctx.lang;
    // Validation names the field, and the form comes back filled as it was sent.
    let refuse = |msg: String| -> PageResult {
        let body = survey_form(&state, &ctx, &a, &round, &case, &f, Some(&msg))
            .map_err(|e| ctx.fail(e))?;
        let n = nav(&state, &ctx, &a);
        Ok(respond(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            html::page(lang, ctx.t("Phiếu rà soát", "Survey"), Some(&n), body),
        ))
    };
    let income = match Vnd::parse(f.income.trim()) {
        Ok(v) => v.get(),
        Err(e) => {
            use giamngheo_core::messages::Localized;
            return refuse(format!(
                "{}: {}",
                ctx.t(
                    "Thu nhập bình quân đầu người (income)",
                    "Income per person (income)"
                ),
                e.message(lang)
            ));
        }
    };
    let Some(area) = Area::parse(&f.area) else {
        return refuse(
            ctx.t(
                "Khu vực (area): chọn nông thôn hoặc thành thị",
                "Area (area): rural or urban",
            )
            .to_owned(),
        );
    };
    let Ok(version) = f.version.parse::<i64>() else {
        return Err(ctx.fail(WebError::bad(
            "Biểu mẫu không hợp lệ (version).",
            "Malformed form (version).",
        )));
    };
    let Some(classifier) = state.classifier(&round.standard_id) else {
        return Err(ctx.fail(WebError::Internal));
    };
    let mut set = DeprivationSet::default();
    for i in 0..classifier.standard().indicators.len() {
        if f.deprived(i) {
            set.insert(i);
        }
    }
    let input = SurveyInput {
        input: giamngheo_core::registry::ReviewInput {
            row: 1,
            household_code: case.household_code.clone(),
            income: Income::Vnd(income),
            deprivations: set,
            area: Some(area),
            decided: None,
        },
        expected_version: Some(version),
    };
    let who = a.writer();
    let c2 = std::sync::Arc::clone(&classifier);
    let saved = state
        .pool
        .run(move |s| {
            s.record_survey(&who, id, &c2, today(), &[input])
                .map_err(store_error)
        })
        .await;
    // The class the store computed and recorded, shown as it is: the page never classifies again.
    let outcome = match saved.map(|mut done| done.pop()) {
        Ok(Some(done)) => done.outcome,
        Ok(None) => return Err(ctx.fail(WebError::Internal)),
        Err(e) => return refuse(e.message(lang)),
    };
    let body = html! {
        h1 { (ctx.t("Đã ghi phiếu rà soát hộ", "Survey recorded for household")) " " (code) }
        p.result { strong { (outcome.class.name(lang)) } }
        p { (classifier.reason(&outcome, lang)) }
        p { a href={ "/rounds/" (id) } { (ctx.t("Về đợt rà soát", "Back to the round")) } }
    };
    Ok(staff_page(
        &state,
        &ctx,
        &a,
        ctx.t("Phiếu rà soát", "Survey"),
        body,
    ))
}

/// This resource's routes, merged into the app's by `crate::router`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rounds", get(list))
        .route("/rounds/{id}", get(show))
        .route("/rounds/{id}/screen", post(screen))
        .route("/rounds/{id}/request", post(request))
        .route("/rounds/{id}/{step}", post(step))
        .route(
            "/rounds/{id}/survey/{code}",
            get(survey_page).post(survey_post),
        )
}
