//! The staff's reading of what the communes' public pages received. The public side, which writes it without a
//! session, is `public.rs`; the two share only the store.

use std::fmt::Write;

use axum::extract::State;
use giamngheo_core::round::Action;

use crate::AppState;
use crate::auth::Ctx;
use crate::html::{self, esc};
use crate::layout::{PageResult, record, staff_page};

/// Feedback and complaints from the public pages of the communes inside the account's units. Issue 4's
/// complaints queue takes the complaints over; until then they are read here.
pub async fn feedback(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let a = ctx.require(Action::ReadFeedback)?.clone();
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
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|(f, commune)| {
            vec![
                esc(&html::moment(&f.received_at)),
                esc(commune),
                esc(if f.kind == "complaint" {
                    ctx.t("khiếu nại", "complaint")
                } else {
                    ctx.t("góp ý", "feedback")
                }),
                esc(&f.name),
                esc(&f.contact),
                esc(&f.message),
            ]
        })
        .collect();
    let mut body = String::new();
    if rows.is_empty() {
        let _ = write!(
            body,
            "<p class=\"muted\">{}</p>",
            ctx.t("Chưa có góp ý nào.", "No feedback yet.")
        );
    } else {
        html::table(
            &mut body,
            "feedback",
            &[
                ctx.t("Nhận lúc (UTC)", "Received (UTC)"),
                ctx.t("Xã", "Commune"),
                ctx.t("Loại", "Kind"),
                ctx.t("Người gửi", "From"),
                ctx.t("Liên hệ", "Contact"),
                ctx.t("Nội dung", "Message"),
            ],
            &rows,
        );
    }
    Ok(staff_page(
        &state,
        &ctx,
        &a,
        ctx.t(
            "Góp ý, khiếu nại từ trang công khai",
            "Feedback from the public pages",
        ),
        &body,
    ))
}
