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
use giamngheo_store::Store;
use giamngheo_store::today;
use giamngheo_store::units::Unit;
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

/// `build` run in the pool for the unit the query asks for (or the account's own; `None` when it sees
/// neither), the read recorded in the audit log as a report of that unit with `detail`.
async fn for_chosen_unit<T: Send + 'static>(
    state: &AppState,
    ctx: &Ctx,
    a: &Caller,
    unit: Option<String>,
    detail: String,
    build: impl FnOnce(&mut Store, Unit) -> Result<T, WebError> + Send + 'static,
) -> Result<Option<T>, Failure> {
    let Some(unit) = chosen_unit(state, ctx, a, unit).await? else {
        return Ok(None);
    };
    let actor = a.clone();
    let result = state
        .pool
        .run(move |s| {
            let target = format!("unit {}", unit.code);
            record(s, Some(&actor), "report", &target, &detail)?;
            build(s, unit)
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(Some(result))
}

/// What tells the forecast page and the plan page apart around their own fields and results.
struct OutlookPage<'a> {
    /// The page's path; its workbook is the same with `.xlsx`.
    path: &'a str,
    title: &'a str,
    /// The submit button's label.
    button: &'a str,
    /// What the page does, under the form.
    about: &'a str,
}

impl OutlookPage<'_> {
    /// The page: the form (the unit, then `fields`, then the buttons), what it does, and the results.
    fn render(
        &self,
        state: &AppState,
        ctx: &Ctx,
        a: &Caller,
        unit: &str,
        fields: Markup,
        results: Option<Markup>,
    ) -> axum::response::Response {
        let body = html! {
            form method="get" action=(self.path) class="box" {
                label for="unit" { (ctx.t("Mã đơn vị", "Unit code")) }
                input id="unit" name="unit" value=(unit) required;
                (fields)
                p {
                    button type="submit" { (self.button) }
                    " "
                    button type="submit" formaction={ (self.path) ".xlsx" } { (ctx.t("Tải Excel", "Download XLSX")) }
                }
            }
            p.muted { (self.about) }
            @if let Some(results) = results {
                (results)
            }
        };
        staff_page(state, ctx, a, self.title, body)
    }
}

/// The unit field of a form: the unit asked for, else the account's own.
fn unit_field(asked: &Option<String>, a: &Caller) -> String {
    asked
        .clone()
        .or_else(|| a.unit_code.as_ref().map(String::from))
        .unwrap_or_default()
}

/// A workbook asked for without a unit.
fn no_unit(ctx: &Ctx) -> Failure {
    ctx.fail(WebError::bad("Cần chọn đơn vị.", "Choose a unit."))
}

/// The tables as a workbook download named `name`.
fn workbook_download(ctx: &Ctx, name: &str, tables: &[Table]) -> PageResult {
    let bytes =
        giamngheo_report::bundle::workbook(tables).map_err(|_| ctx.fail(WebError::Internal))?;
    Ok(attachment(
        name,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
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
    let detail = format!("forecast {}", target.id);
    for_chosen_unit(state, ctx, a, q.unit.clone(), detail, move |s, unit| {
        let request = ForecastRequest {
            unit,
            on: today(),
            from_year,
            target,
            growth,
            survey_list: true,
        };
        forecast(s, request).map_err(WebError::from)
    })
    .await
}

pub async fn forecast_page(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadReports>,
    Params(q): Params<ForecastQuery>,
) -> PageResult {
    let result = run_forecast(&state, &ctx, &a, &q).await?;
    let standards: Vec<&str> = builtin::ids().collect();
    let chosen = q
        .standard
        .clone()
        .unwrap_or_else(|| "vn-2026-2030".to_owned());
    let from = q.from.unwrap_or(today().year() - 1);
    let fields = html! {
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
    };
    let results = result.map(|r| {
        html! {
            p.headline { strong { (r.headline(ctx.lang)) } }
            div.chart { (PreEscaped(r.chart(ctx.lang).to_svg())) }
            @for t in r.tables(ctx.lang) {
                (report_table(&t, ctx.lang, ROWS_SHOWN))
            }
        }
    });
    let page = OutlookPage {
        path: "/forecast",
        title: ctx.t("Dự báo theo chuẩn mới", "Forecast under a new standard"),
        button: ctx.t("Dự báo", "Forecast"),
        about: ctx.t(
            "Mỗi hộ được xếp lại theo chuẩn mới từ kết quả rà soát đã có quyết định gần nhất. Chỉ số chuẩn mới có mà chưa ai rà soát cho ra một khoảng: thấp (không thiếu hụt) và cao (thiếu hụt).",
            "Each household's last decided review is reclassified under the new standard. Indicators the new standard adds that nobody surveyed give a range: low (not deprived) and high (deprived).",
        ),
    };
    Ok(page.render(&state, &ctx, &a, &unit_field(&q.unit, &a), fields, results))
}

pub async fn forecast_xlsx(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadReports>,
    Params(q): Params<ForecastQuery>,
) -> PageResult {
    let r = run_forecast(&state, &ctx, &a, &q)
        .await?
        .ok_or_else(|| no_unit(&ctx))?;
    let name = format!("du-bao-{}-{}.xlsx", r.unit.code, r.target.id);
    workbook_download(&ctx, &name, &r.tables(ctx.lang))
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
    let detail = format!("plan {year}");
    for_chosen_unit(state, ctx, a, q.unit.clone(), detail, move |s, unit| {
        let request = PlanRequest {
            unit,
            on: today(),
            year,
            budget: budget.map(|b| b.round() as i64),
            target_rate,
        };
        plan(s, request).map_err(WebError::from)
    })
    .await
}

pub async fn plan_page(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadReports>,
    Params(q): Params<PlanQuery>,
) -> PageResult {
    let result = run_plan(&state, &ctx, &a, &q).await?;
    let year = q.year.unwrap_or(today().year() - 1);
    let fields = html! {
        label for="year" { (ctx.t("Từ kết quả năm", "From the results of")) }
        input id="year" name="year" type="number" value=(year);
        label for="budget" { (ctx.t("Kinh phí (đồng, để trống: không giới hạn)", "Budget (VND, empty: no limit)")) }
        input id="budget" name="budget" inputmode="numeric" value=(q.budget.clone().unwrap_or_default());
        label for="target" { (ctx.t("Chỉ tiêu tỷ lệ nghèo (%)", "Poor-rate target (%)")) }
        input id="target" name="target" inputmode="decimal" value=(q.target.clone().unwrap_or_default());
    };
    let results = result.map(|r| {
        html! {
            p.headline { strong { (r.headline(ctx.lang)) } }
            (report_table(&r.summary_table(ctx.lang), ctx.lang, ROWS_SHOWN))
            (report_table(&r.households_table(ctx.lang), ctx.lang, ROWS_SHOWN))
        }
    });
    let page = OutlookPage {
        path: "/plan",
        title: ctx.t("Kế hoạch thoát nghèo", "Graduation plan"),
        button: ctx.t("Lập kế hoạch", "Plan"),
        about: ctx.t(
            "Với mỗi hộ nghèo, cận nghèo: điều gì giữ hộ trong diện, cách hỗ trợ ít tốn nhất để ra khỏi diện, và hộ thuộc nhóm nào sau đó. Kinh phí được dùng cho các hộ ít tốn nhất trước.",
            "For each poor and near-poor household: what keeps it there, the cheapest support that moves it out, and its class after. The budget goes to the cheapest households first.",
        ),
    };
    Ok(page.render(&state, &ctx, &a, &unit_field(&q.unit, &a), fields, results))
}

pub async fn plan_xlsx(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadReports>,
    Params(q): Params<PlanQuery>,
) -> PageResult {
    let r = run_plan(&state, &ctx, &a, &q)
        .await?
        .ok_or_else(|| no_unit(&ctx))?;
    let name = format!("ke-hoach-thoat-ngheo-{}-{}.xlsx", r.unit.code, r.year);
    let tables = [r.summary_table(ctx.lang), r.households_table(ctx.lang)];
    workbook_download(&ctx, &name, &tables)
}

/// This resource's routes, merged into the app's by `crate::router`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/forecast", get(forecast_page))
        .route("/forecast.xlsx", get(forecast_xlsx))
        .route("/plan", get(plan_page))
        .route("/plan.xlsx", get(plan_xlsx))
}
