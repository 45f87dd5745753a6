//! A unit and its boundary history. Its own module because, unlike the registry pages, it is open to every
//! logged-in role: unit names and boundaries are not personal data, so it reads without recording.

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use giamngheo_core::date::Date;

use crate::error::WebError;
use crate::extract::Staff;
use crate::html::{self, Markup, html};
use crate::layout::{PageResult, staff_page};
use crate::state::AppState;
use giamngheo_store::today;

/// A unit as its page and the API show it: itself (valid today, or the last it was), its parent and the units
/// under it on its last day, and its lineage.
pub struct UnitRecord {
    pub unit: giamngheo_store::units::Unit,
    pub parent: Option<giamngheo_store::units::Unit>,
    pub children: Vec<giamngheo_store::units::Unit>,
    pub lineage: Vec<giamngheo_store::search::LineageView>,
}

pub async fn unit_record(state: &AppState, code: String) -> Result<UnitRecord, WebError> {
    state
        .pool
        .run(move |s| {
            let Some(unit) = s.unit_by_code(&code, today())?.or(s.unit_any(&code)?) else {
                return Err(WebError::NotFound);
            };
            let on = unit.valid_until.unwrap_or_else(today);
            Ok(UnitRecord {
                parent: s.parent_at(unit.id, on)?,
                children: s.children_at(unit.id, on)?,
                lineage: s.unit_lineage(unit.id)?,
                unit,
            })
        })
        .await
}

pub async fn unit(
    State(state): State<AppState>,
    Staff { ctx, caller: a }: Staff,
    Path(code): Path<String>,
) -> PageResult {
    let lang = ctx.lang;
    let UnitRecord {
        unit: u,
        parent,
        children,
        lineage,
    } = unit_record(&state, code).await.map_err(|e| ctx.fail(e))?;
    let valid = format!(
        "{} – {}",
        u.valid_from.map_or_else(|| "…".into(), Date::vi),
        u.valid_until
            .map_or_else(|| ctx.t("nay", "now").into(), Date::vi)
    );
    let rows: Vec<Vec<Markup>> = lineage
        .iter()
        .map(|l| {
            vec![
                html! { (l.date.vi()) },
                html! {
                    (if l.outgoing {
                        ctx.t("chuyển vào", "went into")
                    } else {
                        ctx.t("nhận từ", "took in")
                    })
                },
                html! {
                    a href={ "/units/" (html::url(&l.other_code)) } { (l.other_name) }
                    " (" (l.other_code) ")"
                },
                html! { (l.kind.name(lang)) },
                html! { (l.share.map(|s| html::pct(s * 100.0, lang)).unwrap_or_default()) },
            ]
        })
        .collect();
    let body = html! {
        p {
            (u.level.name(lang)) " · " (ctx.t("mã", "code")) " " (u.code) " · "
            (ctx.t("hiệu lực", "valid")) " " (valid)
        }
        @if let Some(p) = &parent {
            p {
                (ctx.t("Trực thuộc", "Part of")) ": "
                a href={ "/units/" (html::url(&p.code)) } { (p.name) }
            }
        }
        @if a.sees_unit(u.id) && u.valid_until.is_none() {
            p {
                a href={ "/dashboard?unit=" (html::url(&u.code)) } {
                    (ctx.t("Xem tổng quan", "Open the dashboard"))
                }
            }
        }
        @if !lineage.is_empty() {
            h2 { (ctx.t("Lịch sử địa giới", "Boundary history")) }
            (html::table(
                "lineage",
                &[
                    ctx.t("Ngày", "Date"),
                    ctx.t("Hướng", "Direction"),
                    ctx.t("Đơn vị", "Unit"),
                    ctx.t("Loại", "Kind"),
                    ctx.t("Tỷ lệ (%)", "Share (%)"),
                ],
                &rows,
            ))
        }
        @if !children.is_empty() {
            h2 { (ctx.t("Đơn vị trực thuộc", "Units under it")) " (" (children.len()) ")" }
            ul {
                @for c in &children {
                    li {
                        a href={ "/units/" (html::url(&c.code)) } { (c.name) }
                        " "
                        span.muted { (c.code) }
                    }
                }
            }
        }
    };
    Ok(staff_page(&state, &ctx, &a, &u.name, body))
}

/// This resource's routes, merged into the app's by `crate::router`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/units/{code}", get(unit))
}
