//! The staff's inbox of what the communes' public pages received: by status (new, being handled, answered)
//! with counts, newest first, and the forms that take an item in hand and answer it. The public side, which
//! writes it without a session, is `public.rs`; the two share only the store.

use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use giamngheo_core::feedback::FeedbackStatus;
use giamngheo_core::round::Action;
use giamngheo_store::feedback::Feedback;
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::WebError;
use crate::extract::{Allowed, Ctx, Params, may};
use crate::html::{self, Markup, html};
use crate::layout::{PageResult, posted, record, staff_page};
use crate::state::AppState;

/// How many items a page of the inbox shows.
const PAGE: i64 = 500;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InboxQuery {
    status: String,
}

/// The inbox's links: every status with its count, the one shown marked.
fn status_links(
    ctx: &Ctx,
    counts: &[(FeedbackStatus, i64)],
    shown: Option<FeedbackStatus>,
) -> Markup {
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    let link = |href: String, label: String, current: bool| {
        html! {
            @if current { strong aria-current="page" { (label) } } @else { a href=(href) { (label) } }
        }
    };
    html! {
        p.statuses {
            (link("/feedback".to_owned(), format!("{} ({})", ctx.t("Tất cả", "All"), html::int(total, ctx.lang)), shown.is_none()))
            @for (s, n) in counts {
                " · "
                (link(
                    format!("/feedback?status={}", s.code()),
                    format!("{} ({})", s.name(ctx.lang), html::int(*n, ctx.lang)),
                    shown == Some(*s),
                ))
            }
        }
    }
}

/// The answer, or who took the item in hand, and the forms for an account that may answer.
fn answer_cell(state: &AppState, ctx: &Ctx, a: &Caller, f: &Feedback) -> Markup {
    html! {
        @if let Some(ans) = &f.answer {
            @if !ans.text.is_empty() { p { (ans.text) } }
            p.muted {
                (ans.by) ", " (html::moment(&ans.at))
            }
        }
        @if f.status != FeedbackStatus::Answered && a.may(Action::AnswerFeedback) {
            @if f.status == FeedbackStatus::New {
                form method="post" action={ "/feedback/" (f.id) } {
                    input type="hidden" name="csrf" value=(state.sessions.form_token(&a.token));
                    button type="submit" name="step" value="handle" { (ctx.t("Nhận xử lý", "Take in hand")) }
                }
            }
            form method="post" action={ "/feedback/" (f.id) } {
                input type="hidden" name="csrf" value=(state.sessions.form_token(&a.token));
                label for={ "answer" (f.id) } { (ctx.t("Trả lời", "Answer")) }
                textarea id={ "answer" (f.id) } name="answer" rows="2" required {}
                button type="submit" name="step" value="answer" { (ctx.t("Gửi trả lời", "Send the answer")) }
            }
        }
    }
}

/// Feedback and complaints from the public pages of the communes inside the account's units. Issue 4's
/// complaints queue takes the complaints over; the inbox keeps them with the feedback.
pub async fn feedback(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadFeedback>,
    Params(q): Params<InboxQuery>,
) -> PageResult {
    let shown = match q.status.trim() {
        "" => None,
        s => Some(FeedbackStatus::parse(s).ok_or_else(|| {
            ctx.fail(WebError::bad(
                "Trạng thái không có (status): mới, đang xử lý hoặc đã trả lời.",
                "No such status (status): new, being handled or answered.",
            ))
        })?),
    };
    let actor = a.clone();
    let inbox = state
        .pool
        .run(move |s| {
            let inbox = s.feedback_inbox(actor.scope_account(), shown, PAGE)?;
            record(
                s,
                Some(&actor),
                "read",
                "feedback",
                &format!("{} items", inbox.items.len()),
            )?;
            Ok(inbox)
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    let rows: Vec<Vec<Markup>> = inbox
        .items
        .iter()
        .map(|(f, commune)| {
            vec![
                html! { span id={ "f" (f.id) } { (html::moment(&f.received_at)) } },
                html! { (commune) },
                html! { (f.kind.name(ctx.lang)) },
                html! { (f.name) },
                html! { (f.contact) },
                html! { (f.message) },
                html! { (f.status.name(ctx.lang)) },
                answer_cell(&state, &ctx, &a, f),
            ]
        })
        .collect();
    let body = html! {
        (status_links(&ctx, &inbox.counts, shown))
        @if rows.is_empty() {
            p.muted { (ctx.t("Chưa có góp ý nào.", "No feedback yet.")) }
        } @else {
            (html::table(
                "feedback",
                &[
                    ctx.t("Nhận lúc (giờ Việt Nam)", "Received (Vietnam time)"),
                    ctx.t("Xã", "Commune"),
                    ctx.t("Loại", "Kind"),
                    ctx.t("Người gửi", "From"),
                    ctx.t("Liên hệ", "Contact"),
                    ctx.t("Nội dung", "Message"),
                    ctx.t("Trạng thái", "Status"),
                    ctx.t("Trả lời", "Answer"),
                ],
                &rows,
            ))
        }
    };
    Ok(staff_page(
        &state,
        &ctx,
        &a,
        ctx.t(
            "Góp ý, khiếu nại từ trang công khai",
            "Feedback from the public pages",
        ),
        body,
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AnswerForm {
    csrf: String,
    step: String,
    answer: String,
}

/// `POST /feedback/{id}`: take the item in hand (`step=handle`) or answer it (`step=answer`), then back to
/// the inbox at the item's new status. The store checks the item's commune against the account's units.
pub async fn answer(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::AnswerFeedback>,
    Path(id): Path<i64>,
    form: Result<Form<AnswerForm>, FormRejection>,
) -> PageResult {
    let target = format!("feedback {id}");
    let f = posted(&state, &ctx, &a, form, |f| &f.csrf, &target).await?;
    let answer = match f.step.as_str() {
        "handle" => None,
        "answer" if !f.answer.trim().is_empty() => Some(f.answer),
        "answer" => {
            return Err(ctx.fail(WebError::bad(
                "Câu trả lời (answer) trống: hãy viết câu trả lời cho người dân.",
                "The answer (answer) is empty: write the answer to the citizen.",
            )));
        }
        _ => {
            return Err(ctx.fail(WebError::bad(
                "Việc cần làm (step) phải là nhận xử lý hoặc trả lời.",
                "The step (step) must be taking in hand or answering.",
            )));
        }
    };
    let who = a.writer();
    let done = state
        .pool
        .run(
            move |s| match s.update_feedback(&who, id, answer.as_deref()) {
                Err(giamngheo_store::StoreError::Conflict { .. }) => Err(WebError::bad(
                    "Góp ý này đã được trả lời; muốn sửa thì gửi câu trả lời mới.",
                    "This feedback is answered already; to change it, send a new answer.",
                )),
                done => Ok(done?),
            },
        )
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(Redirect::to(&format!(
        "/feedback?status={}#f{}",
        done.status.code(),
        done.id
    ))
    .into_response())
}

/// This resource's routes, merged into the app's by `crate::router`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/feedback", get(feedback))
        .route("/feedback/{id}", post(answer))
}
