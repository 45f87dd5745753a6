//! The conflicts of a commune's sync (issue 16), for the officer to choose on: a household (or another
//! record) changed both in the commune's offline database and on the province's server since their last sync.
//! Both sides hold the server's version; the commune's waits here. The same page works on the server and on
//! the commune's laptop; a choice made on either side reaches the other with the next sync.

use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use giamngheo_store::sync::ConflictRecord;
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::WebError;
use crate::extract::{Allowed, Ctx, Params, may};
use crate::html::{self, Markup, html};
use crate::layout::{PageResult, chosen_unit, posted, staff_page};
use crate::state::AppState;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UnitQuery {
    unit: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChoiceForm {
    csrf: String,
    step: String,
    unit: String,
}

/// The household code of a household's conflict, as officers know it; other records by their number.
fn label(k: &ConflictRecord) -> String {
    household_code(k).unwrap_or_else(|| format!("#{}", k.key))
}

fn household_code(k: &ConflictRecord) -> Option<String> {
    k.theirs
        .tables
        .get("household")
        .and_then(|rows| rows.first())
        .and_then(|r| r.get(1))
        .and_then(|v| v.text())
        .map(str::to_owned)
}

/// The commune's version in a few words: for a household, its members' names.
fn theirs(k: &ConflictRecord) -> String {
    let t = &k.theirs.tables;
    let names: Vec<String> = t
        .get("person")
        .map(|rows| {
            rows.iter()
                .filter_map(|r| r.get(1)?.text().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    names.join(", ")
}

fn choice(state: &AppState, ctx: &Ctx, a: &Caller, k: &ConflictRecord, unit: &str) -> Markup {
    html! {
        @if k.resolved_at.is_none() && !k.refused {
            form method="post" action={ "/sync/conflicts/" (html::url(&k.id)) } {
                input type="hidden" name="csrf" value=(state.sessions.form_token(&a.token));
                input type="hidden" name="unit" value=(unit);
                button type="submit" name="step" value="keep" { (ctx.t("Giữ bản hiện có", "Keep the version held")) }
                " "
                button type="submit" name="step" value="take" { (ctx.t("Lấy bản của xã", "Take the commune's version")) }
            }
        } @else if k.refused {
            span.muted { (ctx.t("Bị từ chối: làm lại sau thay đổi của tỉnh", "Refused: do it again after the province's change")) }
        }
    }
}

/// `GET /sync/conflicts?unit=CODE`: the open conflicts of the commune (the account's own by default).
pub async fn conflicts(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::EditRegistry>,
    Params(q): Params<UnitQuery>,
) -> PageResult {
    let Some(unit) = chosen_unit(&state, &ctx, &a, q.unit).await? else {
        return Err(ctx.fail(WebError::bad(
            "Hãy chọn một xã (unit).",
            "Choose a commune (unit).",
        )));
    };
    let id = unit.id;
    let list = state
        .pool
        .run(move |s| Ok(s.sync_conflicts(id, true)?))
        .await
        .map_err(|e| ctx.fail(e))?;
    let rows: Vec<Vec<Markup>> = list
        .iter()
        .map(|k| {
            vec![
                html! { (k.entity.name(ctx.lang)) " " (label(k)) },
                html! { (theirs(k)) },
                html! { (html::moment(&k.detected_at)) },
                html! { (k.reason.name(ctx.lang)) },
                choice(&state, &ctx, &a, k, unit.code.as_str()),
            ]
        })
        .collect();
    let body = html! {
        p.muted {
            (ctx.t(
                "Bản ghi đã được sửa ở cả xã và tỉnh kể từ lần đồng bộ trước. Hai bên đang giữ bản của tỉnh; bản của xã chờ ở đây đến khi cán bộ chọn.",
                "Records changed both in the commune and at the province since the last sync. Both sides hold the province's version; the commune's waits here until an officer chooses."
            ))
        }
        @if rows.is_empty() {
            p { (ctx.t("Không có xung đột nào đang chờ.", "No conflict is waiting.")) }
        } @else {
            (html::table(
                "conflicts",
                &[
                    ctx.t("Bản ghi", "Record"),
                    ctx.t("Bản của xã", "The commune's version"),
                    ctx.t("Phát hiện lúc", "Found"),
                    ctx.t("Lý do", "Reason"),
                    ctx.t("Chọn", "Choose"),
                ],
                &rows,
            ))
        }
    };
    let title = format!(
        "{}: {}",
        ctx.t("Xung đột đồng bộ", "Sync conflicts"),
        unit.name
    );
    Ok(staff_page(&state, &ctx, &a, &title, body))
}

/// `POST /sync/conflicts/{id}`: keep the version both sides hold (`step=keep`) or take the commune's
/// (`step=take`); the store checks the commune against the account's units.
pub async fn choose(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::EditRegistry>,
    Path(id): Path<String>,
    form: Result<Form<ChoiceForm>, FormRejection>,
) -> PageResult {
    let target = format!("sync conflict {id}");
    let f = posted(&state, &ctx, &a, form, |f| &f.csrf, &target).await?;
    let take = match f.step.as_str() {
        "keep" => false,
        "take" => true,
        _ => {
            return Err(ctx.fail(WebError::bad(
                "Lựa chọn (step) phải là giữ bản hiện có hoặc lấy bản của xã.",
                "The choice (step) must be keeping the version held or taking the commune's.",
            )));
        }
    };
    let who = a.writer();
    state
        .pool
        .run(move |s| Ok(s.sync_resolve(&who, &id, take)?))
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(Redirect::to(&format!("/sync/conflicts?unit={}", html::url(&f.unit))).into_response())
}

/// This resource's routes, merged into the app's by `crate::router`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sync/conflicts", get(conflicts))
        .route("/sync/conflicts/{id}", axum::routing::post(choose))
}
