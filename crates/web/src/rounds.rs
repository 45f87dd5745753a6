//! The review round in the browser: the rounds of the account's communes, one round's steps and households,
//! and the survey form of one household, whose result comes back with its class explained. Every handler
//! checks the round's commune against the account's units and the step against the procedure's table of
//! who may do what (core `round::Role::may`); the store checks the household's state and version again
//! inside its transaction.

use axum::Router;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use giamngheo_core::complaint::ComplaintOutcome;
use giamngheo_core::ids::HouseholdCode;
use giamngheo_core::round::{Action, CaseState, RoundStatus};
use giamngheo_core::{Area, Class, DeprivationSet, Income, Lang, Vnd};
use giamngheo_store::StoreError;
use giamngheo_store::rounds::{CaseSource, CaseView, ComplaintView, RoundView, SurveyInput};

use crate::auth::Caller;
use crate::error::WebError;
use crate::extract::{Allowed, Ctx, may};
use crate::html::{self, Markup, html};
use crate::layout::{PageResult, nav, posted, record, respond, staff_page};
use crate::state::AppState;
use giamngheo_store::today;

mod page;

use page::{Filter, RoundQuery, Todo};

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
            let mut cases: Vec<CaseView> = s
                .round_cases(id)?
                .into_iter()
                .filter(|c| actor.sees_household(round.commune_id, c.village_id))
                .collect();
            // By village as officers count them (Thôn 2 before Thôn 10), then by code: the order of the
            // page's table and of the row numbers a refusal names.
            cases.sort_by_cached_key(|c| {
                (
                    crate::collate::sort_key(c.village.as_deref().unwrap_or("")),
                    c.household_code.clone(),
                )
            });
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
                (html::head(ctx.lang, &[
                    ("Số", "No."),
                    ("Xã", "Commune"),
                    ("Năm", "Year"),
                    ("Trạng thái", "Status"),
                    ("Hạn quyết định", "Decision due"),
                ]))
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
    query: Result<Query<RoundQuery>, QueryRejection>,
) -> PageResult {
    // A malformed query opens the round unfiltered rather than an error page.
    let query = query.map(|Query(q)| q).unwrap_or_default();
    render(&state, &ctx, &a, id, &query, None).await
}

/// A step form refused: shown again on the round's page with what was typed and the reason beside the field.
pub(crate) struct Refusal {
    step: &'static str,
    form: StepForm,
    message: String,
    /// The field the reason is about; `None` puts it at the top of the form.
    field: Option<&'static str>,
}

impl Refusal {
    fn of<'a>(refusal: Option<&'a Refusal>, step: &str) -> Option<&'a Refusal> {
        refusal.filter(|r| r.step == step)
    }

    /// What was typed in `field` of `step`'s form, or `default` on a fresh page.
    fn value<'a>(
        refusal: Option<&'a Refusal>,
        step: &str,
        field: impl Fn(&'a StepForm) -> &'a str,
        default: &'a str,
    ) -> &'a str {
        Refusal::of(refusal, step).map_or(default, |r| field(&r.form))
    }

    /// The reason beside `field` of `step`'s form (`None`: the form's own place, at its top).
    fn problem(refusal: Option<&Refusal>, step: &str, field: Option<&str>) -> Markup {
        html! {
            @if let Some(r) = Refusal::of(refusal, step).filter(|r| r.field == field) {
                p.error role="alert" { (r.message) }
            }
        }
    }
}

/// The round's page: what is left to do first, the decision once taken, the open steps' forms, then the
/// households filtered and paged. A refused step comes back as the same page with its form as it was typed.
async fn render(
    state: &AppState,
    ctx: &Ctx,
    a: &Caller,
    id: i64,
    query: &RoundQuery,
    refusal: Option<Refusal>,
) -> PageResult {
    let (round, cases) = load_round(state, a, id).await.map_err(|e| ctx.fail(e))?;
    let lang = ctx.lang;
    let p = round.procedure();
    let (complaints, places) = state
        .pool
        .run(move |s| Ok((s.complaints(id)?, s.complaint_places(id)?)))
        .await
        .map_err(|e| ctx.fail(e))?;
    let visible: Vec<&ComplaintView> = complaints
        .iter()
        .filter(|k| {
            let village = places.get(&k.id).and_then(|p| p.village_id);
            a.sees_household(round.commune_id, village)
        })
        .collect();
    let today = today();
    let todo = Todo::count(
        &cases,
        visible.iter().filter(|k| k.outcome.is_none()).count(),
    );
    let filter = Filter::from_query(query);
    let shown = page::shown(&cases, &filter);
    let standard = state
        .classifier(&round.standard_id)
        .map_or(round.standard_id.clone(), |c| {
            c.standard().name(lang).to_owned()
        });
    let refusal = refusal.as_ref();
    let head = html! {
        p {
            (lang.pick(&p.name_vi, &p.name_en)) " · " (standard) " · "
            (ctx.t("hạn quyết định", "decision due")) ": " (round.deadline().vi())
        }
        @if let (Some(on), Some(number), Some(signer)) =
            (round.decided_on, round.decision_number.as_deref(), round.signed_by.as_deref())
        {
            p.decision {
                strong { (ctx.t("Quyết định công nhận", "Decision")) } " "
                (ctx.t("số", "no.")) " " span.code { (number) } " "
                (ctx.t("ngày", "of")) " " (on.vi()) ", "
                (ctx.t("người ký", "signed by")) " " (signer)
                " · " (ctx.t("đợt rà soát đã khóa", "the round is locked"))
            }
        }
        @if let (Some(on), Some(ends)) = (round.posted_on, round.posting_ends) {
            p { (ctx.t("Niêm yết công khai:", "Posted publicly:")) " " (on.vi()) " → " (ends.vi()) }
        }
        @if !p.posting_working_days.verified {
            p.muted {
                (lang.pick(
                    &format!(
                        "Thời gian niêm yết ({} ngày làm việc) chưa được đối chiếu với văn bản quy định: hãy kiểm tra trước khi ra quyết định.",
                        p.posting_working_days.value
                    ),
                    &format!(
                        "The posting period ({} working days) has not been checked against the legal text: check it before the decision.",
                        p.posting_working_days.value
                    ),
                ))
            }
        }
        (page::todo_panel(ctx, &round, &cases, &todo, today))
        ol.steps {
            @for (step, done) in round.steps_done(&cases) {
                li { (if done { "✔" } else { "○" }) " " (step.name(lang)) }
            }
        }
        (downloads(ctx, a, &round, &cases))
    };
    let body = html! {
        (head)
        (complaints_section(state, ctx, a, &round, &visible, &places, refusal))
        (step_forms(state, ctx, a, &round, &cases, refusal))
        (households_section(ctx, a, &round, &cases, &shown, &filter))
        (screening_and_request_forms(state, ctx, a, &round, &shown.rows))
    };
    let title = format!(
        "{} {} — {} {}",
        ctx.t("Đợt rà soát", "Review round"),
        round.id,
        round.commune_name,
        round.year
    );
    let status = if refusal.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let n = nav(state, ctx, a);
    Ok(respond(
        ctx,
        status,
        html::page(lang, &title, Some(&n), body),
    ))
}

/// The households of the round the account sees, one page of the filtered rows; household codes on one line.
fn households_section(
    ctx: &Ctx,
    a: &Caller,
    round: &RoundView,
    cases: &[CaseView],
    shown: &page::Shown,
    filter: &Filter,
) -> Markup {
    let lang = ctx.lang;
    let open = round.status != RoundStatus::Decided;
    let may_survey = a.role.may(Action::Survey) && open;
    html! {
        h2 id="households" {
            (ctx.t("Hộ trong đợt rà soát", "Households of the round")) " (" (html::int(cases.len() as i64, lang)) ")"
        }
        (page::filters(ctx, round, cases, filter))
        (page::pager(ctx, round, shown, filter))
        @if !shown.rows.is_empty() {
            table.cases {
                (html::head(ctx.lang, &[
                    ("Mã hộ", "Household"),
                    ("Chủ hộ", "Head"),
                    ("Thôn", "Village"),
                    ("Trước", "Before"),
                    ("Bước", "Step"),
                    ("Kết quả", "Result"),
                    ("Biến động", "Transition"),
                    ("", ""),
                ]))
                tbody {
                    @for c in &shown.rows {
                        tr {
                            td.code { a href={ "/households/" (html::url(&c.household_code)) } { (c.household_code) } }
                            td { (c.head_name.as_deref().unwrap_or("")) }
                            td.code { (c.village.as_deref().unwrap_or("")) }
                            td { (class_name(c.previous_class, lang)) }
                            td { (c.state.name(lang)) }
                            td { (class_name(c.decided_class.or(c.computed_class), lang)) }
                            td { (c.transition.map_or("", |t| t.name(lang))) }
                            td {
                                @if may_survey && page::to_survey(c) {
                                    a href={ "/rounds/" (round.id) "/survey/" (html::url(&c.household_code)) } {
                                        (ctx.t("Nhập phiếu", "Enter survey"))
                                    }
                                } @else if a.role.may(Action::Survey) && c.computed_class.is_some() {
                                    a href={ "/rounds/" (round.id) "/survey/" (html::url(&c.household_code)) } {
                                        (ctx.t("Xem phiếu", "View survey"))
                                    }
                                }
                                @if c.source == CaseSource::ExitRequest {
                                    " "
                                    a href={ "/rounds/" (round.id) "/exit/" (html::url(&c.household_code)) } {
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
        }
    }
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
    visible: &[&ComplaintView],
    places: &std::collections::HashMap<i64, giamngheo_store::public_feedback::ComplaintPlace>,
    refusal: Option<&Refusal>,
) -> Markup {
    if visible.is_empty() {
        return html! {};
    }
    let may_answer = round.status != RoundStatus::Decided && a.role.may(Action::AnswerComplaint);
    // An answer refused for a complaint no longer open here (answered meanwhile): its reason at the top.
    let orphan = Refusal::of(refusal, "answer").filter(|r| {
        !may_answer
            || !visible
                .iter()
                .any(|k| k.outcome.is_none() && r.form.complaint.trim() == k.id.to_string())
    });
    html! {
        h2 id="complaints" { (ctx.t("Khiếu nại, phản ánh", "Complaints and feedback")) }
        @if let Some(r) = orphan {
            p.error role="alert" { (r.message) }
        }
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
                        @let this = refusal.filter(|r| r.form.complaint.trim() == k.id.to_string());
                        @let outcome = Refusal::value(this, "answer", |f| f.outcome.as_str(), "");
                        form method="post" action={ "/rounds/" (round.id) "/answer" } id={ "complaint" (k.id) } {
                            input type="hidden" name="csrf" value=(state.sessions.form_token(&a.token));
                            input type="hidden" name="complaint" value=(k.id);
                            (Refusal::problem(this, "answer", None))
                            label for={ "answer" (k.id) } { (ctx.t("Trả lời", "Answer")) }
                            (Refusal::problem(this, "answer", Some("answer")))
                            textarea id={ "answer" (k.id) } name="answer" rows="2" required {
                                (Refusal::value(this, "answer", |f| f.answer.as_str(), ""))
                            }
                            label for={ "outcome" (k.id) } { (ctx.t("Kết quả", "Outcome")) }
                            (Refusal::problem(this, "answer", Some("outcome")))
                            select id={ "outcome" (k.id) } name="outcome" {
                                @for o in [ComplaintOutcome::Rejected, ComplaintOutcome::Upheld, ComplaintOutcome::Withdrawn] {
                                    option value=(o.code()) selected[outcome == o.code()] { (outcome_label(o, ctx.lang)) }
                                }
                            }
                            " "
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

/// A complaint's outcome as the answer form offers it: what each choice does to the household.
fn outcome_label(o: ComplaintOutcome, lang: Lang) -> &'static str {
    match o {
        ComplaintOutcome::Rejected => lang.pick("không chấp nhận", "rejected"),
        ComplaintOutcome::Upheld => lang.pick(
            "chấp nhận (rà soát lại hộ)",
            "upheld (survey the household again)",
        ),
        ComplaintOutcome::Withdrawn => lang.pick("người khiếu nại rút", "withdrawn"),
    }
}

/// The households a screening may take: those of the page's rows still to survey. A refusal's row numbers
/// count the rows of the round's whole list, in the order of `load_round`.
fn to_screen<'a>(rows: &[&'a CaseView]) -> impl Iterator<Item = &'a CaseView> {
    rows.iter().copied().filter(|c| page::to_survey(c))
}

/// The quick screening (Phiếu A: households plainly above the lines, recorded not poor without the full
/// survey) and the requests to enter (Mẫu 01) or leave (Mẫu 04) the lists, for the roles the procedure lets
/// survey and add requests (a village reviewer too, for their village's households). The screening offers the
/// households of the table's page, so a filtered page is screened village by village.
fn screening_and_request_forms(
    state: &AppState,
    ctx: &Ctx,
    a: &Caller,
    round: &RoundView,
    rows: &[&CaseView],
) -> Markup {
    if round.status == RoundStatus::Decided {
        return html! {};
    }
    let today = today().vi();
    // Each form its own one-time token.
    html! {
        @if a.role.may(Action::Survey) && to_screen(rows).next().is_some() {
            form method="post" action={ "/rounds/" (round.id) "/screen" } class="box" id="screening" {
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
                    @for c in to_screen(rows) {
                        label.check {
                            input type="checkbox" name={ "screen_" (c.household_code) } value="1";
                            " " span.code { (c.household_code) } " " (c.head_name.as_deref().unwrap_or(""))
                        }
                    }
                }
                p { button type="submit" { (ctx.t("Ghi kết quả nhận diện nhanh", "Record the screening")) } }
            }
        }
        @if a.role.may(Action::AddRequest) {
            form method="post" action={ "/rounds/" (round.id) "/request" } class="box" id="request" {
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
/// the role, the lock, the dates and every household again. The steps that cannot be undone (the posting,
/// the decision, the certificates) each carry a box to tick, which the server requires too.
fn step_forms(
    state: &AppState,
    ctx: &Ctx,
    a: &Caller,
    round: &RoundView,
    cases: &[CaseView],
    refusal: Option<&Refusal>,
) -> Markup {
    let form = |step: &'static str, fields: Markup, button: &str| {
        html! {
            form method="post" action={ "/rounds/" (round.id) "/" (step) } class="box" id=(step) {
                input type="hidden" name="csrf" value=(state.sessions.form_token(&a.token));
                (Refusal::problem(refusal, step, None))
                (fields)
                p { button type="submit" { (button) } }
            }
        }
    };
    let confirm = |step: &'static str, vi: &str, en: &str| {
        html! {
            (Refusal::problem(refusal, step, Some("confirm")))
            label.check.confirm {
                input type="checkbox" name="confirm" value="1" required;
                " " (ctx.t(vi, en))
            }
        }
    };
    let today = today().vi();
    let v =
        |step, field: fn(&StepForm) -> &str, default| Refusal::value(refusal, step, field, default);
    let surveyed: Vec<&CaseView> = cases
        .iter()
        .filter(|c| c.state == CaseState::Surveyed)
        .collect();
    let vote = |key: String| {
        Refusal::of(refusal, "meeting")
            .and_then(|r| r.form.votes.get(&key))
            .map_or("", String::as_str)
    };
    let meeting = html! {
        h2 { (ctx.t("Họp dân", "Village meeting")) }
        label for="held_on" { (ctx.t("Ngày họp", "Held on")) }
        (Refusal::problem(refusal, "meeting", Some("date")))
        input id="held_on" name="date" value=(v("meeting", |f| &f.date, &today));
        label for="attendees" { (ctx.t("Số người dự họp", "Attendees")) }
        (Refusal::problem(refusal, "meeting", Some("attendees")))
        input id="attendees" name="attendees" inputmode="numeric" required value=(v("meeting", |f| &f.attendees, ""));
        label for="chair" { (ctx.t("Chủ trì", "Chair")) }
        input id="chair" name="chair" required value=(v("meeting", |f| &f.chair, ""));
        label for="secretary" { (ctx.t("Thư ký", "Secretary")) }
        input id="secretary" name="secretary" required value=(v("meeting", |f| &f.secretary, ""));
        (Refusal::problem(refusal, "meeting", Some("votes")))
        table {
            (html::head(ctx.lang, &[
                ("Hộ", "Household"),
                ("Kết quả rà soát", "Survey result"),
                ("Đồng ý", "For"),
                ("Không đồng ý", "Against"),
            ]))
            tbody {
                @for c in &surveyed {
                    tr {
                        td { span.code { (c.household_code) } " " (c.head_name.as_deref().unwrap_or("")) }
                        td { (class_name(c.computed_class, ctx.lang)) }
                        td {
                            input name={ "for_" (c.household_code) } inputmode="numeric" size="4"
                                value=(vote(format!("for_{}", c.household_code)));
                        }
                        td {
                            input name={ "against_" (c.household_code) } inputmode="numeric" size="4"
                                value=(vote(format!("against_{}", c.household_code)));
                        }
                    }
                }
            }
        }
    };
    let post = html! {
        h2 { (ctx.t("Niêm yết công khai", "Public posting")) }
        label for="places" { (ctx.t("Nơi niêm yết", "Posted at")) }
        input id="places" name="places"
            value=(v("post", |f| &f.places, ctx.t("Trụ sở UBND xã và nhà văn hóa thôn", "Commune office and village halls")));
        (confirm(
            "post",
            "Tôi xác nhận niêm yết từ hôm nay: thời gian niêm yết bắt đầu tính và không thể hủy.",
            "I confirm the posting from today: the posting period starts and cannot be undone.",
        ))
    };
    let decide = html! {
        h2 { (ctx.t("Quyết định công nhận", "The decision")) }
        label for="date" { (ctx.t("Ngày quyết định", "Decision date")) }
        (Refusal::problem(refusal, "decide", Some("date")))
        input id="date" name="date" value=(v("decide", |f| &f.date, &today));
        label for="number" { (ctx.t("Số quyết định", "Decision number")) }
        (Refusal::problem(refusal, "decide", Some("number")))
        input id="number" name="number" placeholder="…/QĐ-UBND" value=(v("decide", |f| &f.number, ""));
        label for="signed_by" { (ctx.t("Chủ tịch UBND xã ký", "Signed by the commune chairman")) }
        (Refusal::problem(refusal, "decide", Some("signed_by")))
        input id="signed_by" name="signed_by" value=(v("decide", |f| &f.signed_by, ""));
        (confirm(
            "decide",
            "Tôi xác nhận ghi quyết định: kết quả của các hộ được công nhận và đợt rà soát bị khóa.",
            "I confirm the decision: the households' results are recognised and the round is locked.",
        ))
    };
    let certificates = html! {
        h2 { (ctx.t("Giấy chứng nhận", "Certificates")) }
        p {
            (ctx.t(
                "Cấp giấy chứng nhận hộ nghèo, hộ cận nghèo (Mẫu 03) cho các hộ được công nhận chưa có giấy, ghi ngày hôm nay.",
                "Issue the poor and near-poor certificates (form 03), dated today, to the recognised households without one."
            ))
        }
        (confirm(
            "certificates",
            "Tôi xác nhận cấp giấy chứng nhận: giấy đã cấp không thể thu hồi tại đây.",
            "I confirm the certificates: an issued certificate cannot be withdrawn here.",
        ))
    };
    let reopen = html! {
        h2 { (ctx.t("Mở lại đợt rà soát", "Reopen the round")) }
        label for="reason" { (ctx.t("Lý do mở lại", "Why it is reopened")) }
        (Refusal::problem(refusal, "reopen", Some("reason")))
        input id="reason" name="reason" required value=(v("reopen", |f| &f.reason, ""));
    };
    let todo = Todo::count(cases, 0);
    let open = round.status != RoundStatus::Decided;
    let decided = round.status == RoundStatus::Decided;
    // A posted round is posted again only for results agreed since (after an upheld complaint); otherwise
    // the button would restart the posting period.
    let may_post = match round.status {
        RoundStatus::Open => true,
        RoundStatus::Posted => todo.to_post > 0,
        RoundStatus::Decided => false,
    };
    let shown = [
        (
            "meeting",
            open && !surveyed.is_empty() && a.role.may(Action::RecordMeeting),
        ),
        ("post", may_post && a.role.may(Action::Post)),
        (
            "decide",
            round.status == RoundStatus::Posted && a.role.may(Action::Decide),
        ),
        (
            "certificates",
            decided && todo.uncertified > 0 && a.role.may(Action::IssueCertificates),
        ),
        ("reopen", decided && a.role.may(Action::Reopen)),
    ];
    let on = |step: &str| shown.iter().any(|(s, on)| *s == step && *on);
    // A step refused whose form the page no longer offers (posting a posted round again): its reason at the top.
    let orphan = refusal.filter(|r| r.step != "answer" && !on(r.step));
    html! {
        @if let Some(r) = orphan {
            p.error role="alert" { (r.message) }
        }
        @if on("meeting") {
            (form("meeting", meeting, ctx.t("Ghi biên bản họp dân", "Record the meeting")))
        }
        @if on("post") {
            (form("post", post, ctx.t("Niêm yết công khai từ hôm nay", "Post the results from today")))
        }
        @if on("decide") {
            (form("decide", decide, ctx.t("Ghi quyết định công nhận (Mẫu 02)", "Record the decision (form 02)")))
        }
        @if on("certificates") {
            (form(
                "certificates",
                certificates,
                ctx.t("Cấp giấy chứng nhận (Mẫu 03)", "Issue the certificates (form 03)"),
            ))
        }
        @if on("reopen") {
            (form("reopen", reopen, ctx.t("Mở lại đợt rà soát", "Reopen the round")))
        }
    }
}

/// The fields of the step forms; each step reads the ones it needs.
#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct StepForm {
    csrf: String,
    /// "1" when the box confirming a step that cannot be undone is ticked.
    confirm: String,
    places: String,
    date: String,
    number: String,
    signed_by: String,
    reason: String,
    complaint: String,
    outcome: String,
    answer: String,
    attendees: String,
    chair: String,
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
    let (action, step): (Action, &'static str) = match step.as_str() {
        "post" => (Action::Post, "post"),
        "meeting" => (Action::RecordMeeting, "meeting"),
        "decide" => (Action::Decide, "decide"),
        "reopen" => (Action::Reopen, "reopen"),
        "answer" => (Action::AnswerComplaint, "answer"),
        "certificates" => (Action::IssueCertificates, "certificates"),
        _ => return Err(ctx.fail(WebError::NotFound)),
    };
    let (round, _) = load_round(&state, &a, id).await.map_err(|e| ctx.fail(e))?;
    if !a.role.may(action) || !a.sees_unit(round.commune_id) {
        return Err(ctx.fail(WebError::Forbidden));
    }
    let target = format!("review_round {id} {step}");
    let f = posted(&state, &ctx, &a, form, |f| &f.csrf, &target).await?;
    let lang = ctx.lang;
    let checked = match check_step(lang, action, &f) {
        Ok(c) => c,
        Err((field, message)) => {
            let refusal = Refusal {
                step,
                form: f,
                message,
                field,
            };
            return render(&state, &ctx, &a, id, &RoundQuery::default(), Some(refusal)).await;
        }
    };
    if let Some((complaint, _)) = checked.answer {
        // Only a complaint of this round, whose commune was checked above.
        let known = state
            .pool
            .run(move |s| Ok(s.complaints(id)?.iter().any(|k| k.id == complaint)))
            .await
            .map_err(|e| ctx.fail(e))?;
        if !known {
            return Err(ctx.fail(WebError::NotFound));
        }
    }
    let who = a.writer();
    let kept = f.clone();
    let Checked {
        date,
        attendees,
        votes,
        answer,
    } = checked;
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
                    let (complaint, outcome) = answer.ok_or(WebError::NotFound)?;
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
        Ok((vi, en)) => Ok(Reply::new(&state, &ctx, &a, id).done(lang.pick(&vi, &en))),
        Err(e) => {
            let refusal = Refusal {
                step,
                form: kept,
                message: e.message(lang),
                field: None,
            };
            render(&state, &ctx, &a, id, &RoundQuery::default(), Some(refusal)).await
        }
    }
}

/// A step form's fields read and checked before the store is asked.
struct Checked {
    date: giamngheo_core::date::Date,
    attendees: u32,
    votes: Vec<giamngheo_store::rounds::VoteInput>,
    answer: Option<(i64, ComplaintOutcome)>,
}

/// Reads `action`'s fields; a refusal names the field it is about and says why, in `lang`.
fn check_step(
    lang: Lang,
    action: Action,
    f: &StepForm,
) -> Result<Checked, (Option<&'static str>, String)> {
    let say = |field, vi: &str, en: &str| (field, lang.pick(vi, en).to_owned());
    if matches!(
        action,
        Action::Post | Action::Decide | Action::IssueCertificates
    ) && f.confirm != "1"
    {
        return Err(say(
            Some("confirm"),
            "Hãy đánh dấu ô xác nhận (confirm): bước này không thể hoàn tác.",
            "Tick the confirmation box (confirm): this step cannot be undone.",
        ));
    }
    let date = if f.date.trim().is_empty() {
        today()
    } else {
        giamngheo_core::date::Date::parse(f.date.trim()).map_err(|_| {
            say(
                Some("date"),
                &format!("Ngày (date): ghi dd/mm/yyyy (đã ghi '{}').", f.date.trim()),
                &format!("Date (date): write dd/mm/yyyy (got '{}').", f.date.trim()),
            )
        })?
    };
    let mut checked = Checked {
        date,
        attendees: 0,
        votes: Vec::new(),
        answer: None,
    };
    match action {
        Action::RecordMeeting => {
            let number =
                |field, name: &str, v: &str| -> Result<u32, (Option<&'static str>, String)> {
                    v.trim().parse::<u32>().map_err(|_| {
                        say(
                            field,
                            &format!("{name}: cần một số nguyên (đã ghi '{v}')."),
                            &format!("{name}: a whole number is needed (got '{v}')."),
                        )
                    })
                };
            checked.attendees = number(Some("attendees"), "attendees", &f.attendees)?;
            let mut codes: Vec<&String> =
                f.votes.keys().filter(|k| k.starts_with("for_")).collect();
            codes.sort();
            for (row, key) in codes.into_iter().enumerate() {
                let code = &key["for_".len()..];
                let yes = f.votes.get(key).map(String::as_str).unwrap_or("");
                let against = format!("against_{code}");
                let no = f.votes.get(&against).map(String::as_str).unwrap_or("");
                if yes.trim().is_empty() && no.trim().is_empty() {
                    continue;
                }
                let household_code = HouseholdCode::parse(code).ok_or_else(|| {
                    say(
                        Some("votes"),
                        &format!("{key}: mã hộ không hợp lệ."),
                        &format!("{key}: not a household code."),
                    )
                })?;
                checked.votes.push(giamngheo_store::rounds::VoteInput {
                    row: row as u64 + 1,
                    household_code,
                    votes_for: number(Some("votes"), key, yes)?,
                    votes_against: if no.trim().is_empty() {
                        0
                    } else {
                        number(Some("votes"), &against, no)?
                    },
                });
            }
            if checked.votes.is_empty()
                || f.chair.trim().is_empty()
                || f.secretary.trim().is_empty()
            {
                return Err(say(
                    None,
                    "Cần ghi chủ trì (chair), thư ký (secretary) và số phiếu của ít nhất một hộ.",
                    "The chair, the secretary and the votes of at least one household are needed.",
                ));
            }
        }
        Action::AnswerComplaint => {
            let Ok(complaint) = f.complaint.trim().parse::<i64>() else {
                return Err(say(
                    None,
                    "Biểu mẫu không hợp lệ (complaint).",
                    "Malformed form (complaint).",
                ));
            };
            if f.answer.trim().is_empty() {
                return Err(say(
                    Some("answer"),
                    "Cần nội dung trả lời (answer).",
                    "An answer (answer) is needed.",
                ));
            }
            let Some(outcome) = ComplaintOutcome::parse(&f.outcome) else {
                return Err(say(
                    Some("outcome"),
                    "Cần chọn kết quả (outcome).",
                    "Choose an outcome (outcome).",
                ));
            };
            checked.answer = Some((complaint, outcome));
        }
        Action::Decide => {
            if f.number.trim().is_empty() {
                return Err(say(
                    Some("number"),
                    "Cần ghi số quyết định (number).",
                    "The decision number (number) is needed.",
                ));
            }
            if f.signed_by.trim().is_empty() {
                return Err(say(
                    Some("signed_by"),
                    "Cần ghi người ký (signed_by).",
                    "The signatory (signed_by) is needed.",
                ));
            }
        }
        _ => {}
    }
    Ok(checked)
}

/// The pages that answer a step of round `id`, each linking back to the round.
struct Reply<'a> {
    state: &'a AppState,
    ctx: &'a Ctx,
    a: &'a Caller,
    id: i64,
}

impl<'a> Reply<'a> {
    fn new(state: &'a AppState, ctx: &'a Ctx, a: &'a Caller, id: i64) -> Reply<'a> {
        Reply { state, ctx, a, id }
    }

    /// A refused step: its reason, in the account's language.
    fn refused(&self, message: &str) -> Response {
        let (ctx, id) = (self.ctx, self.id);
        let n = nav(self.state, ctx, self.a);
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

    /// A step done: what happened.
    fn done(&self, message: &str) -> Response {
        let (ctx, id) = (self.ctx, self.id);
        let body = html! {
            p class="box" { (message) }
            p { a href={ "/rounds/" (id) } { (ctx.t("Về đợt rà soát", "Back to the round")) } }
        };
        staff_page(
            self.state,
            ctx,
            self.a,
            ctx.t("Đợt rà soát", "Review round"),
            body,
        )
    }
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
#[serde(default)]
pub struct ScreenForm {
    csrf: String,
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
    let target = format!("review_round {id} screen");
    let f = posted(&state, &ctx, &a, form, |f| &f.csrf, &target).await?;
    let reply = Reply::new(&state, &ctx, &a, id);
    let lang = ctx.lang;
    let on = match date_field(&f.date, "Ngày nhận diện", "Screened on") {
        Ok(d) => d,
        Err(e) => return Ok(reply.refused(&e.message(lang))),
    };
    let mut ticked: Vec<&str> = f
        .ticked
        .iter()
        .filter(|(_, v)| v.as_str() == "1")
        .filter_map(|(k, _)| k.strip_prefix("screen_"))
        .collect();
    ticked.sort_unstable();
    if ticked.is_empty() {
        return Ok(reply.refused(ctx.t(
            "Hộ (household_code): hãy đánh dấu ít nhất một hộ để nhận diện nhanh.",
            "Households (household_code): tick at least one household to screen.",
        )));
    }
    // Rows as the page numbered them; a code the page did not offer this account keeps row 0.
    let mut codes = Vec::with_capacity(ticked.len());
    for code in &ticked {
        if let Some(i) = cases.iter().position(|c| c.household_code == *code) {
            codes.push((i as u64 + 1, cases[i].household_code.clone()));
            continue;
        }
        return Ok(reply.refused(&format!(
            "{} {code} (household_code): {}",
            ctx.t("Hộ", "Household"),
            ctx.t(
                "không có trong danh sách rà soát của đợt này trong địa bàn của bạn.",
                "is not on this round's list in your area."
            )
        )));
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
        Ok(n) => Ok(reply.done(lang.pick(
            &format!("Đã ghi nhận diện nhanh (Phiếu A) của {n} hộ: không nghèo."),
            &format!("Screening (form A) recorded for {n} households: not poor."),
        ))),
        Err(e) => Ok(reply.refused(&e.message(lang))),
    }
}

/// The request form's fields.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct RequestForm {
    csrf: String,
    household_code: String,
    /// "request" (Mẫu 01) or "exit" (Mẫu 04).
    kind: String,
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
    let target = format!("review_round {id} request");
    let f = posted(&state, &ctx, &a, form, |f| &f.csrf, &target).await?;
    let reply = Reply::new(&state, &ctx, &a, id);
    let lang = ctx.lang;
    let source = match f.kind.as_str() {
        "request" => CaseSource::Request,
        "exit" => CaseSource::ExitRequest,
        other => {
            return Ok(reply.refused(lang.pick(
                &format!("Loại giấy (kind): chọn Mẫu 01 hoặc Mẫu 04 (đã gửi '{other}')."),
                &format!("Request (kind): choose form 01 or form 04 (got '{other}')."),
            )));
        }
    };
    let on = match date_field(&f.date, "Ngày nhận giấy", "Received on") {
        Ok(d) => d,
        Err(e) => return Ok(reply.refused(&e.message(lang))),
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
        return Ok(reply.refused(ctx.t(
            "Mã hộ (household_code): cần ghi mã hộ.",
            "Household code (household_code): a household code is needed.",
        )));
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
        Ok(Some(_)) => Ok(reply.done(lang.pick(
            &format!("Đã ghi nhận hộ {code}: {}.", source.name(Lang::Vi)),
            &format!("Recorded household {code}: {}.", source.name(Lang::En)),
        ))),
        Ok(None) => Ok(reply.refused(&unknown(&code))),
        Err(e) => Ok(reply.refused(&e.message(lang))),
    }
}

fn case_of<'a>(cases: &'a [CaseView], code: &str) -> Result<&'a CaseView, WebError> {
    cases
        .iter()
        .find(|c| c.household_code == code)
        .ok_or(WebError::NotFound)
}

/// A household's survey may still be entered: the round is not locked and the household waits for it.
fn survey_open(round: &RoundView, case: &CaseView) -> bool {
    round.status != RoundStatus::Decided && page::to_survey(case)
}

/// A refused survey's reason, and the field it is about (`None`: the top of the form).
struct Problem<'a> {
    message: &'a str,
    field: Option<&'static str>,
}

fn survey_form(
    state: &AppState,
    ctx: &Ctx,
    a: &Caller,
    round: &RoundView,
    case: &CaseView,
    values: &SurveyForm,
    problem: Option<&Problem>,
) -> Result<Markup, WebError> {
    let classifier = state
        .classifier(&round.standard_id)
        .ok_or(WebError::Internal)?;
    let lang = ctx.lang;
    let urban = values.area == "urban";
    let beside = |field: Option<&str>| {
        html! {
            @if let Some(p) = problem.filter(|p| p.field == field) {
                p.error role="alert" { (p.message) }
            }
        }
    };
    Ok(html! {
        h2 { (ctx.t("Hộ", "Household")) " " span.code { (case.household_code) } }
        p {
            (case.head_name.as_deref().unwrap_or("")) " · " (case.village.as_deref().unwrap_or(""))
            " · " (classifier.standard().name(lang))
        }
        (beside(None))
        form method="post" action={ "/rounds/" (round.id) "/survey/" (html::url(&case.household_code)) } class="box" {
            input type="hidden" name="csrf" value=(state.sessions.form_token(&a.token));
            input type="hidden" name="version" value=(case.version);
            label for="area" { (ctx.t("Khu vực", "Area")) }
            (beside(Some("area")))
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
            (beside(Some("income")))
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

/// A survey that can no longer be changed (the round is locked, or the household is past the survey step):
/// what was recorded, as values to read, with no form.
fn survey_read_only(ctx: &Ctx, round: &RoundView, case: &CaseView) -> Markup {
    let lang = ctx.lang;
    html! {
        h2 { (ctx.t("Hộ", "Household")) " " span.code { (case.household_code) } }
        p {
            (case.head_name.as_deref().unwrap_or("")) " · " (case.village.as_deref().unwrap_or(""))
        }
        p.muted {
            @if round.status == RoundStatus::Decided {
                (ctx.t(
                    "Đợt rà soát đã có quyết định và bị khóa: phiếu chỉ để xem.",
                    "The round is decided and locked: the survey can only be read."
                ))
            } @else {
                (ctx.t("Hộ đang ở bước", "The household is at the step")) " \"" (case.state.name(lang)) "\": "
                (ctx.t("phiếu chỉ để xem.", "the survey can only be read."))
            }
        }
        dl.readonly {
            dt { (ctx.t("Bước", "Step")) }
            dd { (case.state.name(lang)) }
            dt { (ctx.t("Kết quả", "Result")) }
            dd { (class_name(case.decided_class.or(case.computed_class), lang)) }
            @if let Some(income) = case.income_per_capita {
                dt { (ctx.t("Thu nhập bình quân đầu người/tháng", "Income per person per month")) }
                dd { (giamngheo_core::vi_format::vnd(income, lang)) }
            }
            @if let Some(n) = case.deprivation_count {
                dt { (ctx.t("Số chỉ số thiếu hụt", "Deprivations")) }
                dd { (n) }
            }
            @if let Some(reason) = &case.reason {
                dt { (ctx.t("Lý do", "Reason")) }
                dd { (reason) }
            }
        }
        p { a href={ "/rounds/" (round.id) } { (ctx.t("Về đợt rà soát", "Back to the round")) } }
    }
}

/// The survey form's fields. Checkboxes come as d0, d1, … only when ticked.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct SurveyForm {
    csrf: String,
    version: String,
    area: String,
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
    let body = if survey_open(&round, &case) {
        survey_form(&state, &ctx, &a, &round, &case, &values, None).map_err(|e| ctx.fail(e))?
    } else {
        survey_read_only(&ctx, &round, &case)
    };
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
    let target = format!("survey {code}");
    let f = posted(&state, &ctx, &a, form, |f| &f.csrf, &target).await?;
    let lang = ctx.lang;
    // Validation names the field, and the form comes back filled as it was sent.
    let refuse = |field: Option<&'static str>, msg: String| -> PageResult {
        let problem = Problem {
            message: &msg,
            field,
        };
        let body = survey_form(&state, &ctx, &a, &round, &case, &f, Some(&problem))
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
            return refuse(
                Some("income"),
                format!(
                    "{}: {}",
                    ctx.t(
                        "Thu nhập bình quân đầu người (income)",
                        "Income per person (income)"
                    ),
                    e.message(lang)
                ),
            );
        }
    };
    let Some(area) = Area::parse(&f.area) else {
        return refuse(
            Some("area"),
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
    if let Err(e) = saved {
        return refuse(None, e.message(lang));
    }
    let outcome = classifier
        .classify(area, Income::Vnd(income), set)
        .map_err(|_| ctx.fail(WebError::Internal))?;
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
