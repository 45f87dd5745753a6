//! Looking ahead (issue 15): the forecast of a unit under the next standard, and the graduation plan of a unit's
//! poor and near-poor households. Both are built by `giamngheo_app` (`forecast`, `plan`), the same tables the
//! command line writes; this module reads the form, shows the tables and the chart, and offers the workbook.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use giamngheo_app::forecast::{ForecastRequest, ForecastResult, forecast};
use giamngheo_app::plan::{PlanRequest, PlanResult, plan};
use giamngheo_core::forecast::Growth;
use giamngheo_core::standard::builtin;
use giamngheo_report::table::Table;
use giamngheo_store::today;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::{Failure, WebError};
use crate::extract::{Allowed, Ctx, Params, may};
use crate::layout::{PageResult, attachment, chosen_unit, record, staff_page};
use crate::state::AppState;

/// Rows shown on the page; the workbook holds them all.
const ROWS_SHOWN: usize = 300;

/// A report table as a page shows it: the readers' labels, the values the Vietnamese way, the notes below.
pub fn report_table(t: &Table, lang: giamngheo_core::Lang, limit: usize) -> Markup {
    html! {
        h2 { (t.title) }
        div.scroll {
            table.data {
                thead { tr { @for l in t.labels() { th { (l) } } } }
                tbody {
                    @for r in t.rows.iter().take(limit) {
                        tr { @for c in r { td { (c.display(lang)) } } }
                    }
                }
            }
        }
        @if t.rows.len() > limit {
            p.muted {
                (match lang {
                    giamngheo_core::Lang::Vi => format!("Hiện {} trong {} dòng; tải tệp Excel để xem đủ.", limit, t.rows.len()),
                    giamngheo_core::Lang::En => format!("Showing {} of {} rows; download the workbook for all.", limit, t.rows.len()),
                })
            }
        }
        @for n in &t.notes { p.muted { (n) } }
    }
}

#[derive(Deserialize, Default)]
pub struct ForecastQuery {
    unit: Option<String>,
    standard: Option<String>,
    growth: Option<String>,
    from: Option<i32>,
}

fn bad_query(ctx: &Ctx) -> Failure {
    ctx.fail(WebError::bad("Tham số không hợp lệ.", "Malformed query."))
}

async fn run_forecast(
    state: &AppState,
    ctx: &Ctx,
    a: &Caller,
    q: &ForecastQuery,
) -> Result<Option<ForecastResult>, Failure> {
    if q.unit.as_deref().is_none_or(|u| u.trim().is_empty()) {
        return Ok(None);
    }
    let growth = match q.growth.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
        None => Growth::NONE,
        Some(g) => g
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .and_then(Growth::percent)
            .ok_or_else(|| {
                ctx.fail(WebError::bad(
                    "Tăng trưởng thu nhập phải là một số phần trăm lớn hơn -100.",
                    "The income growth must be a percentage above -100.",
                ))
            })?,
    };
    let target = builtin::get(q.standard.as_deref().unwrap_or("vn-2026-2030"))
        .map_err(|_| ctx.fail(WebError::bad("Không có chuẩn này.", "No such standard.")))?;
    let from_year = q.from.unwrap_or(today().year() - 1);
    if !(1990..=2100).contains(&from_year) {
        return Err(bad_query(ctx));
    }
    let Some(unit) = chosen_unit(state, ctx, a, q.unit.clone()).await? else {
        return Ok(None);
    };
    let actor = a.clone();
    let result = state
        .pool
        .run(move |s| {
            record(
                s,
                Some(&actor),
                "report",
                &format!("unit {}", unit.code),
                &format!("forecast {}", target.id),
            )?;
            forecast(
                s,
                ForecastRequest {
                    unit,
                    on: today(),
                    from_year,
                    target,
                    growth,
                    survey_list: true,
                },
            )
            .map_err(WebError::from)
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(Some(result))
}

pub async fn forecast_page(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadReports>,
    Params(q): Params<ForecastQuery>,
) -> PageResult {
    let result = run_forecast(&state, &ctx, &a, &q).await?;
    let unit = q
        .unit
        .clone()
        .or_else(|| a.unit_code.as_ref().map(String::from))
        .unwrap_or_default();
    let standards: Vec<&str> = builtin::ids().collect();
    let chosen = q
        .standard
        .clone()
        .unwrap_or_else(|| "vn-2026-2030".to_owned());
    let from = q.from.unwrap_or(today().year() - 1);
    let body = html! {
        form method="get" action="/forecast" class="box" {
            label for="unit" { (ctx.t("Mã đơn vị", "Unit code")) }
            input id="unit" name="unit" value=(unit) required;
            label for="standard" { (ctx.t("Chuẩn nghèo", "Standard")) }
            select id="standard" name="standard" {
                @for s in &standards {
                    option value=(s) selected[*s == chosen] { (builtin::name(s, ctx.lang).unwrap_or(s)) }
                }
            }
            label for="from" { (ctx.t("Kết quả đến năm", "Results up to")) }
            input id="from" name="from" type="number" value=(from);
            label for="growth" { (ctx.t("Tăng thu nhập (%/năm)", "Income growth (% a year)")) }
            input id="growth" name="growth" inputmode="decimal" value=(q.growth.clone().unwrap_or_else(|| "0".into()));
            p {
                button type="submit" { (ctx.t("Dự báo", "Forecast")) }
                " "
                button type="submit" formaction="/forecast.xlsx" { (ctx.t("Tải Excel", "Download XLSX")) }
            }
        }
        p.muted {
            (ctx.t(
                "Mỗi hộ được xếp lại theo chuẩn mới từ kết quả rà soát đã có quyết định gần nhất. Chỉ số chuẩn mới có mà chưa ai rà soát cho ra một khoảng: thấp (không thiếu hụt) và cao (thiếu hụt).",
                "Each household's last decided review is reclassified under the new standard. Indicators the new standard adds that nobody surveyed give a range: low (not deprived) and high (deprived)."
            ))
        }
        @if let Some(r) = &result {
            p.headline { strong { (r.headline(ctx.lang)) } }
            div.chart { (PreEscaped(r.chart(ctx.lang).to_svg())) }
            @for t in r.tables(ctx.lang) {
                (report_table(&t, ctx.lang, ROWS_SHOWN))
            }
        }
    };
    Ok(staff_page(
        &state,
        &ctx,
        &a,
        ctx.t("Dự báo theo chuẩn mới", "Forecast under a new standard"),
        body,
    ))
}

pub async fn forecast_xlsx(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadReports>,
    Params(q): Params<ForecastQuery>,
) -> PageResult {
    let Some(r) = run_forecast(&state, &ctx, &a, &q).await? else {
        return Err(ctx.fail(WebError::bad("Cần chọn đơn vị.", "Choose a unit.")));
    };
    let bytes = giamngheo_report::bundle::workbook(&r.tables(ctx.lang))
        .map_err(|_| ctx.fail(WebError::Internal))?;
    Ok(attachment(
        &format!("du-bao-{}-{}.xlsx", r.unit.code, r.target.id),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}

#[derive(Deserialize, Default)]
pub struct PlanQuery {
    unit: Option<String>,
    year: Option<i32>,
    budget: Option<String>,
    target: Option<String>,
}

/// A number as officers type it: `500.000.000`, `500 000 000`, `1,5`.
fn number(s: Option<&str>) -> Option<Option<f64>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(s) => {
            let cleaned: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            // Dots between groups of three digits are thousands separators; a comma is the decimal mark.
            let grouped = cleaned.contains('.')
                && !cleaned.contains(',')
                && cleaned.split('.').skip(1).all(|g| g.len() == 3);
            let normal = if grouped {
                cleaned.replace('.', "")
            } else {
                cleaned.replace(',', ".")
            };
            normal
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && *x >= 0.0)
                .map(Some)
        }
    }
}

async fn run_plan(
    state: &AppState,
    ctx: &Ctx,
    a: &Caller,
    q: &PlanQuery,
) -> Result<Option<PlanResult>, Failure> {
    if q.unit.as_deref().is_none_or(|u| u.trim().is_empty()) {
        return Ok(None);
    }
    let budget = number(q.budget.as_deref()).ok_or_else(|| {
        ctx.fail(WebError::bad(
            "Kinh phí phải là một số tiền (đồng).",
            "The budget must be an amount in đồng.",
        ))
    })?;
    let target_rate = number(q.target.as_deref())
        .filter(|t| t.is_none_or(|t| t <= 100.0))
        .ok_or_else(|| {
            ctx.fail(WebError::bad(
                "Chỉ tiêu phải là một tỷ lệ phần trăm từ 0 đến 100.",
                "The target must be a percentage from 0 to 100.",
            ))
        })?;
    let year = q.year.unwrap_or(today().year() - 1);
    if !(1990..=2100).contains(&year) {
        return Err(bad_query(ctx));
    }
    let Some(unit) = chosen_unit(state, ctx, a, q.unit.clone()).await? else {
        return Ok(None);
    };
    let actor = a.clone();
    let result = state
        .pool
        .run(move |s| {
            record(
                s,
                Some(&actor),
                "report",
                &format!("unit {}", unit.code),
                &format!("plan {year}"),
            )?;
            plan(
                s,
                PlanRequest {
                    unit,
                    on: today(),
                    year,
                    budget: budget.map(|b| b.round() as i64),
                    target_rate,
                },
            )
            .map_err(WebError::from)
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(Some(result))
}

pub async fn plan_page(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadReports>,
    Params(q): Params<PlanQuery>,
) -> PageResult {
    let result = run_plan(&state, &ctx, &a, &q).await?;
    let unit = q
        .unit
        .clone()
        .or_else(|| a.unit_code.as_ref().map(String::from))
        .unwrap_or_default();
    let year = q.year.unwrap_or(today().year() - 1);
    let body = html! {
        form method="get" action="/plan" class="box" {
            label for="unit" { (ctx.t("Mã đơn vị", "Unit code")) }
            input id="unit" name="unit" value=(unit) required;
            label for="year" { (ctx.t("Từ kết quả năm", "From the results of")) }
            input id="year" name="year" type="number" value=(year);
            label for="budget" { (ctx.t("Kinh phí (đồng, để trống: không giới hạn)", "Budget (VND, empty: no limit)")) }
            input id="budget" name="budget" inputmode="numeric" value=(q.budget.clone().unwrap_or_default());
            label for="target" { (ctx.t("Chỉ tiêu tỷ lệ nghèo (%)", "Poor-rate target (%)")) }
            input id="target" name="target" inputmode="decimal" value=(q.target.clone().unwrap_or_default());
            p {
                button type="submit" { (ctx.t("Lập kế hoạch", "Plan")) }
                " "
                button type="submit" formaction="/plan.xlsx" { (ctx.t("Tải Excel", "Download XLSX")) }
            }
        }
        p.muted {
            (ctx.t(
                "Với mỗi hộ nghèo, cận nghèo: điều gì giữ hộ trong diện, cách hỗ trợ ít tốn nhất để ra khỏi diện, và hộ thuộc nhóm nào sau đó. Kinh phí được dùng cho các hộ ít tốn nhất trước.",
                "For each poor and near-poor household: what keeps it there, the cheapest support that moves it out, and its class after. The budget goes to the cheapest households first."
            ))
        }
        @if let Some(r) = &result {
            p.headline { strong { (r.headline(ctx.lang)) } }
            (report_table(&r.summary_table(ctx.lang), ctx.lang, ROWS_SHOWN))
            (report_table(&r.households_table(ctx.lang), ctx.lang, ROWS_SHOWN))
        }
    };
    Ok(staff_page(
        &state,
        &ctx,
        &a,
        ctx.t("Kế hoạch thoát nghèo", "Graduation plan"),
        body,
    ))
}

pub async fn plan_xlsx(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadReports>,
    Params(q): Params<PlanQuery>,
) -> PageResult {
    let Some(r) = run_plan(&state, &ctx, &a, &q).await? else {
        return Err(ctx.fail(WebError::bad("Cần chọn đơn vị.", "Choose a unit.")));
    };
    let bytes = giamngheo_report::bundle::workbook(&[
        r.summary_table(ctx.lang),
        r.households_table(ctx.lang),
    ])
    .map_err(|_| ctx.fail(WebError::Internal))?;
    Ok(attachment(
        &format!("ke-hoach-thoat-ngheo-{}-{}.xlsx", r.unit.code, r.year),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}

/// This resource's routes, merged into the app's by `crate::router`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/forecast", get(forecast_page))
        .route("/forecast.xlsx", get(forecast_xlsx))
        .route("/plan", get(plan_page))
        .route("/plan.xlsx", get(plan_xlsx))
}
