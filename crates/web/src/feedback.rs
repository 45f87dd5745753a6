//! The staff's reading of what the communes' public pages received. The public side, which writes it without a
//! session, is `public.rs`; the two share only the store.

use axum::Router;
use axum::extract::State;
use axum::routing::get;

use crate::extract::{Allowed, may};
use crate::html::{self, Markup, html};
use crate::layout::{PageResult, record, staff_page};
use crate::state::AppState;

/// Feedback and complaints from the public pages of the communes inside the account's units. Issue 4's
/// complaints queue takes the complaints over; until then they are read here.
pub async fn feedback(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadFeedback>,
) -> PageResult {
    let actor = a.clone();
    let items = state
        .pool
        .run(move |s| {
            let items = s.feedback_in_scope(actor.scope_account(), 500)?;
            record(
                s,
                Some(&actor),
                "read",
                "feedback",
                &format!("{} items", items.len()),
            )?;
            Ok(items)
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    let rows: Vec<Vec<Markup>> = items
        .iter()
        .map(|(f, commune)| {
            vec![
                html! { (html::moment(&f.received_at)) },
                html! { (commune) },
                html! { (f.kind.name(ctx.lang)) },
                html! { (f.name) },
                html! { (f.contact) },
                html! { (f.message) },
            ]
        })
        .collect();
    let body = if rows.is_empty() {
        html! { p.muted { (ctx.t("Chưa có góp ý nào.", "No feedback yet.")) } }
    } else {
        html::table(
            "feedback",
            &[
                ctx.t("Nhận lúc (giờ Việt Nam)", "Received (Vietnam time)"),
                ctx.t("Xã", "Commune"),
                ctx.t("Loại", "Kind"),
                ctx.t("Người gửi", "From"),
                ctx.t("Liên hệ", "Contact"),
                ctx.t("Nội dung", "Message"),
            ],
            &rows,
        )
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

/// This resource's routes, merged into the app's by `crate::router`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/feedback", get(feedback))
}
