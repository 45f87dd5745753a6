//! The log viewer. Apart from `layout::record`, which writes the logs, because reading them has its own rule:
//! administrators read everything, every other role only the entries about its units.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use giamngheo_core::messages::Localized;
use giamngheo_store::accounts::Role;

use crate::extract::{Allowed, may};
use crate::html::{self, Markup, html};
use crate::layout::{PageResult, staff_page};
use crate::state::AppState;

pub async fn audit(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadAudit>,
) -> PageResult {
    // Administrators read the whole log; every other role only what is about its units, chosen in SQL
    // through `account_scope`. Entries naming no unit (accounts, unit lists, whole imports, logins) and the
    // security log (events without an account) stay with administrators.
    let whole =
        a.role == Role::Administrator || a.scope == giamngheo_store::scope::Scope::Everywhere;
    let scope = if whole { None } else { a.account_id };
    let (chain, (head_count, head_hash), entries, security) = state
        .pool
        .run(move |s| {
            let chain = s.verify_audit()?;
            let head = s.audit_head()?;
            let entries = s.audit_entries_in_scope(scope, 300)?;
            let security = if whole {
                s.access_log(300)?
            } else {
                Vec::new()
            };
            Ok((chain, head, entries, security))
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    // The head, to compare with the checkpoints the province keeps (`giamngheo audit checkpoint`).
    let head = giamngheo_core::audit::short_head(head_count, &head_hash);
    let rows: Vec<Vec<Markup>> = entries
        .iter()
        .map(|(e, _)| {
            vec![
                html! { (e.seq) },
                html! { (html::moment(&e.at)) },
                html! { (e.actor) },
                html! {
                    (giamngheo_store::accounts::Role::parse(&e.role)
                        .map_or(e.role.as_str(), |r| r.name(ctx.lang)))
                },
                html! { (e.origin) },
                html! { (giamngheo_core::audit::action_name(&e.action, ctx.lang).unwrap_or(&e.action)) },
                html! {
                    (giamngheo_core::audit::entity_name(&e.entity, ctx.lang).unwrap_or(&e.entity))
                    " " (e.entity_id)
                },
                html! { (e.reason.as_deref().unwrap_or("")) },
            ]
        })
        .collect();
    let audit = html::table(
        "log",
        &[
            "#",
            ctx.t("Thời điểm (giờ Việt Nam)", "Time (Vietnam)"),
            ctx.t("Người", "Who"),
            ctx.t("Vai trò", "Role"),
            ctx.t("Từ", "From"),
            ctx.t("Việc", "Action"),
            ctx.t("Đối tượng", "Target"),
            ctx.t("Chi tiết", "Detail"),
        ],
        &rows,
    );
    let rows: Vec<Vec<Markup>> = security
        .iter()
        .map(|e| {
            vec![
                html! { (html::moment(&e.at)) },
                html! { (e.action) },
                html! { (e.target) },
                html! { (e.detail) },
            ]
        })
        .collect();
    let body = html! {
        @match &chain {
            Ok(n) => {
                p class="box" {
                    (ctx.t("Chuỗi băm nguyên vẹn:", "Hash chain intact:")) " "
                    (html::int(*n as i64, ctx.lang)) " " (ctx.t("mục", "entries")) " · "
                    (ctx.t("đầu chuỗi", "head")) " " code { (head) }
                }
            }
            Err(b) => {
                p.error { (ctx.t("Chuỗi băm bị đứt:", "Hash chain broken:")) " " (b.message(ctx.lang)) }
            }
        }
        @if !whole {
            p.muted id="scope-note" {
                (ctx.t(
                    "Chỉ hiện các mục về hộ gia đình, đợt rà soát và đơn vị trong địa bàn của bạn. Các mục không gắn với đơn vị nào (tài khoản, danh mục đơn vị, chuẩn nghèo, nhập dữ liệu cả tệp, đăng nhập) và sự kiện bảo mật chỉ quản trị viên xem được.",
                    "Only entries about households, review rounds and units inside your area are shown. Entries without a unit (accounts, unit lists, standards, whole-file imports, logins) and security events are shown only to administrators."
                ))
            }
        }
        h2 { (ctx.t("Nhật ký kiểm toán (300 mục mới nhất)", "Audit log (latest 300)")) }
        (audit)
        @if whole {
            h2 { (ctx.t("Sự kiện bảo mật không gắn tài khoản", "Security events without an account")) }
            (html::table(
                "security",
                &[
                    ctx.t("Thời điểm (giờ Việt Nam)", "Time (Vietnam)"),
                    ctx.t("Việc", "Action"),
                    ctx.t("Đối tượng", "Target"),
                    ctx.t("Chi tiết", "Detail"),
                ],
                &rows,
            ))
        }
    };
    Ok(staff_page(&state, &ctx, &a, ctx.t("Nhật ký", "Logs"), body))
}

/// This resource's routes, merged into the app's by `crate::router`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/audit", get(audit))
}
