//! A unit's overview for staff: the cached figures (`AppState::figures`, shared with the public page and the
//! API) with the units under it and the late communes, which only staff see.

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use giamngheo_core::Lang;
use giamngheo_core::ids::UnitLevel;
use serde::Deserialize;

use crate::error::WebError;
use crate::extract::Staff;
use crate::html::{self, Markup, html};
use crate::layout::{PageResult, chosen_unit, coverage_marks, rates_section, staff_page};
use crate::state::AppState;
use crate::state::Figures;
use giamngheo_store::today;

#[derive(Deserialize, Default)]
pub struct UnitQuery {
    unit: Option<String>,
}

/// Late communes, one row each: the periodic decision and the monthly reports past their deadlines.
fn late_section(lang: Lang, late: &[giamngheo_store::support::Late]) -> Markup {
    use giamngheo_store::support::ReportKind;
    let heading = html! { h2 { (lang.pick("Xã chậm tiến độ", "Late communes")) } };
    if late.is_empty() {
        return html! {
            (heading)
            p.muted { (lang.pick("Không có xã nào chậm.", "No commune is late.")) }
        };
    }
    let mut rows: Vec<Vec<Markup>> = Vec::new();
    let mut i = 0;
    while i < late.len() {
        let code = &late[i].commune_code;
        let mut what = Vec::new();
        let mut months = Vec::new();
        while i < late.len() && &late[i].commune_code == code {
            let l = &late[i];
            match l.kind {
                ReportKind::Periodic => what.push(format!(
                    "{} {} ({} {})",
                    lang.pick("quyết định rà soát định kỳ", "periodic review decision"),
                    l.year,
                    lang.pick("hạn", "due"),
                    l.deadline.vi()
                )),
                ReportKind::Monthly => months.push(l.month.unwrap_or(0).to_string()),
                ReportKind::Preliminary | ReportKind::Official => what.push(format!(
                    "{} {} ({} {})",
                    if l.kind == ReportKind::Preliminary {
                        lang.pick(
                            "kết quả sơ bộ gửi Bộ",
                            "preliminary results to the ministry",
                        )
                    } else {
                        lang.pick(
                            "kết quả chính thức gửi Bộ",
                            "official results to the ministry",
                        )
                    },
                    l.year,
                    lang.pick("hạn", "due"),
                    l.deadline.vi()
                )),
            }
            i += 1;
        }
        if !months.is_empty() {
            what.push(format!(
                "{} {}",
                lang.pick("báo cáo tháng", "monthly reports for"),
                months.join(", ")
            ));
        }
        let l = &late[i - 1];
        rows.push(vec![
            html! { a href={ "/dashboard?unit=" (html::url(&l.commune_code)) } { (l.commune_name) } },
            html! { (what.join("; ")) },
        ]);
    }
    html! {
        (heading)
        (html::table(
            "late",
            &[lang.pick("Xã", "Commune"), lang.pick("Chậm", "Late with")],
            &rows,
        ))
    }
}

pub async fn dashboard(
    State(state): State<AppState>,
    Staff { ctx, caller: a }: Staff,
    q: Result<Query<UnitQuery>, QueryRejection>,
) -> PageResult {
    let q = q
        .map_err(|_| ctx.fail(WebError::bad("Tham số không hợp lệ.", "Malformed query.")))?
        .0;
    let lang = ctx.lang;
    let Some(unit) = chosen_unit(&state, &ctx, &a, q.unit).await? else {
        // The whole country: the provinces to choose from.
        let provinces = state
            .pool
            .run(|s| Ok(s.units_at_level(UnitLevel::Province, today())?))
            .await
            .map_err(|e| ctx.fail(e))?;
        let body = html! {
            p { (ctx.t("Chọn tỉnh:", "Choose a province:")) }
            ul {
                @for p in &provinces {
                    li { a href={ "/dashboard?unit=" (html::url(&p.code)) } { (p.name) } }
                }
            }
        };
        return Ok(staff_page(
            &state,
            &ctx,
            &a,
            ctx.t("Tổng quan", "Dashboard"),
            body,
        ));
    };
    let st = state.clone();
    let f: std::sync::Arc<Figures> = state
        .pool
        .run(move |s| st.figures(s, unit))
        .await
        .map_err(|e| ctx.fail(e))?;
    let last = f.rates.last().map(|r| r.year);
    let rows: Vec<Vec<Markup>> = f
        .children
        .iter()
        .map(|(c, r)| {
            let figure = |f: &dyn Fn(&giamngheo_store::rates::YearRate) -> String| {
                html! { (r.as_ref().map(f).unwrap_or_default()) }
            };
            vec![
                html! {
                    a href={ "/dashboard?unit=" (html::url(&c.code)) } { (c.name) }
                    @if let Some(r) = r { (coverage_marks(lang, r)) }
                },
                html! { (c.code) },
                figure(&|r| html::int(r.households, lang)),
                figure(&|r| html::int(r.poor, lang)),
                figure(&|r| html::pct(r.poor_rate(), lang)),
                figure(&|r| html::pct(r.near_poor_rate(), lang)),
            ]
        })
        .collect();
    let body = html! {
        p.muted {
            (f.unit.level.name(lang)) " " (f.unit.code) " · "
            a href={ "/units/" (html::url(&f.unit.code)) } {
                (ctx.t("đơn vị và lịch sử địa giới", "unit and boundary history"))
            }
            " · " (ctx.t("địa giới ngày", "boundaries of")) " " (today().vi())
        }
        h2 { (ctx.t("Tỷ lệ hộ nghèo, cận nghèo theo năm", "Poor and near-poor rates by year")) }
        (rates_section(lang, &f.rates))
        @if !f.children.is_empty() {
            h2 {
                (ctx.t("Đơn vị trực thuộc", "Units under it"))
                @if let Some(y) = last { " (" (y) ")" }
            }
            (html::table(
                "children",
                &[
                    ctx.t("Đơn vị", "Unit"),
                    ctx.t("Mã", "Code"),
                    ctx.t("Số hộ", "Households"),
                    ctx.t("Hộ nghèo", "Poor"),
                    ctx.t("Tỷ lệ nghèo (%)", "Poor (%)"),
                    ctx.t("Tỷ lệ cận nghèo (%)", "Near-poor (%)"),
                ],
                &rows,
            ))
        }
        (late_section(lang, &f.late))
    };
    let title = format!("{}: {}", ctx.t("Tổng quan", "Dashboard"), f.unit.name);
    Ok(staff_page(&state, &ctx, &a, &title, body))
}

/// This resource's routes, merged into the app's by `crate::router`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/dashboard", get(dashboard))
}
