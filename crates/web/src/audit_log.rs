//! The log viewer. Apart from `layout::record`, which writes the logs, because reading them has its own rule:
//! administrators read everything, every other role only the entries about its units. Filters (who, what,
//! unit and the units under it, Vietnam dates) are the store's SQL; pages of 100 are keyed by the entries'
//! sequence numbers ("older" from the last shown, "newer" from the first), never an offset over the log.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use giamngheo_core::date::Date;
use giamngheo_core::messages::Localized;
use giamngheo_store::accounts::Role;
use giamngheo_store::audit::AuditFilter;
use serde::Deserialize;

use crate::error::WebError;
use crate::extract::{Allowed, Ctx, Params, may};
use crate::html::{self, Markup, html};
use crate::layout::{PageResult, staff_page};
use crate::state::AppState;
use giamngheo_store::today;

/// Entries on a page.
const PAGE: i64 = 100;

/// The viewer's form, as typed: dates as dd/mm/yyyy (or a date input's yyyy-mm-dd), the unit by code.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AuditQuery {
    who: String,
    what: String,
    unit: String,
    from: String,
    to: String,
    before: Option<i64>,
    after: Option<i64>,
}

impl AuditQuery {
    /// The query string of the same filters, for the paging links.
    fn filters(&self) -> String {
        [
            ("who", &self.who),
            ("what", &self.what),
            ("unit", &self.unit),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}&", html::url(v.trim())))
        .collect()
    }
}

/// A date field of the form: empty, or a date; the error names the field.
fn date_field(value: &str, vi: &str, en: &str) -> Result<Option<Date>, WebError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    Date::parse(v).map(Some).map_err(|_| {
        WebError::bad(
            format!("{vi}: ghi ngày dd/mm/yyyy (đã ghi '{v}')."),
            format!("{en}: write the date as dd/mm/yyyy (got '{v}')."),
        )
    })
}

/// The filter form, filled with what was asked.
fn filter_form(ctx: &Ctx, q: &AuditQuery) -> Markup {
    let mut actions: Vec<(&str, &str)> = giamngheo_core::audit::action_codes()
        .filter_map(|c| Some((c, giamngheo_core::audit::action_name(c, ctx.lang)?)))
        .collect();
    crate::collate::sort_by_name(&mut actions, |(_, name)| name);
    html! {
        form.filters method="get" action="/audit" {
            label for="who" { (ctx.t("Người", "Who")) }
            input id="who" name="who" value=(q.who);
            label for="what" { (ctx.t("Việc", "Action")) }
            select id="what" name="what" {
                option value="" { (ctx.t("(tất cả)", "(all)")) }
                @for (code, name) in &actions {
                    option value=(code) selected[q.what == *code] { (name) }
                }
            }
            label for="unit" { (ctx.t("Mã đơn vị (cả đơn vị trực thuộc)", "Unit code (and units under it)")) }
            input id="unit" name="unit" value=(q.unit);
            label for="from" { (ctx.t("Từ ngày", "From")) }
            input id="from" name="from" placeholder="dd/mm/yyyy" value=(q.from);
            label for="to" { (ctx.t("Đến ngày", "To")) }
            input id="to" name="to" placeholder="dd/mm/yyyy" value=(q.to);
            button type="submit" { (ctx.t("Lọc", "Filter")) }
            " " a href="/audit" { (ctx.t("Bỏ lọc", "Clear")) }
        }
    }
}

pub async fn audit(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadAudit>,
    Params(q): Params<AuditQuery>,
) -> PageResult {
    // Administrators read the whole log; every other role only what is about its units, chosen in SQL
    // through `account_scope`. Entries naming no unit (accounts, unit lists, whole imports, logins) and the
    // security log (events without an account) stay with administrators.
    let whole =
        a.role == Role::Administrator || a.scope == giamngheo_store::scope::Scope::Everywhere;
    let scope = if whole { None } else { a.account_id };
    let from = date_field(&q.from, "Từ ngày (from)", "From (from)").map_err(|e| ctx.fail(e))?;
    let to = date_field(&q.to, "Đến ngày (to)", "To (to)").map_err(|e| ctx.fail(e))?;
    let unit = match q.unit.trim() {
        "" => None,
        code => {
            let code = code.to_owned();
            let u = state
                .pool
                .run(move |s| Ok(s.unit_by_code(&code, today())?))
                .await
                .map_err(|e| ctx.fail(e))?
                .ok_or_else(|| {
                    ctx.fail(WebError::bad(
                        format!("Không có đơn vị mã '{}' (unit).", q.unit.trim()),
                        format!("No unit has the code '{}' (unit).", q.unit.trim()),
                    ))
                })?;
            if !a.sees_unit(u.id) {
                return Err(ctx.fail(WebError::Forbidden));
            }
            Some(u.id)
        }
    };
    let filter = AuditFilter {
        account: scope,
        actor: Some(q.who.trim())
            .filter(|w| !w.is_empty())
            .map(giamngheo_core::text::nfc),
        action: Some(q.what.trim())
            .filter(|w| !w.is_empty())
            .map(str::to_owned),
        unit,
        from: from.map(giamngheo_core::calendar::vietnam_day_starts),
        until: to.map(|d| giamngheo_core::calendar::vietnam_day_starts(d.add_days(1))),
        before: q.before,
        after: q.after,
        limit: PAGE,
    };
    let (chain, (head_count, head_hash), page, security) = state
        .pool
        .run(move |s| {
            let chain = s.verify_audit()?;
            let head = s.audit_head()?;
            let page = s.audit_page(&filter)?;
            let security = if whole {
                s.access_log(300)?
            } else {
                Vec::new()
            };
            Ok((chain, head, page, security))
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    // The head, to compare with the checkpoints the province keeps (`giamngheo audit checkpoint`).
    let head = giamngheo_core::audit::short_head(head_count, &head_hash);
    let rows: Vec<Vec<Markup>> = page
        .entries
        .iter()
        .map(|e| {
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
                // Recorded text, shown as recorded (a record, not a sentence for translation).
                html! { @if let Some(r) = &e.reason { code { (r) } } },
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
                html! { code { (e.detail) } },
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
        h2 { (ctx.t("Nhật ký kiểm toán", "Audit log")) }
        (filter_form(&ctx, &q))
        @if page.entries.is_empty() {
            p.muted { (ctx.t("Không có mục nào khớp.", "No entry matches.")) }
        } @else {
            (audit)
        }
        @if page.newer.is_some() || page.older.is_some() {
            nav.pages {
                @if let Some(n) = page.newer {
                    a rel="prev" href={ "/audit?" (q.filters()) "after=" (n) } { "← " (ctx.t("Mới hơn", "Newer")) }
                }
                " "
                @if let Some(n) = page.older {
                    a rel="next" href={ "/audit?" (q.filters()) "before=" (n) } { (ctx.t("Cũ hơn", "Older")) " →" }
                }
            }
        }
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
