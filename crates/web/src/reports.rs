//! The report form and the rates downloads (CSV, XLSX, PDF). The table is built by `giamngheo_app::reports`,
//! the one the command line writes too, so this module only checks the unit and years and picks the format.

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use giamngheo_core::date::Date;
use giamngheo_store::rates::YearRate;
use giamngheo_store::units::Unit;
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::{Failure, WebError};
use crate::extract::{Allowed, Ctx, may};
use crate::html::html;
use crate::layout::{PageResult, attachment, chosen_unit, pdf_response, record, staff_page};
use crate::state::AppState;
use giamngheo_store::today;

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    unit: Option<String>,
    from: Option<i32>,
    to: Option<i32>,
}

pub async fn reports(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadReports>,
) -> PageResult {
    let year = today().year();
    let unit = a.unit_code.as_ref().map(String::from).unwrap_or_default();
    let download = ctx.t("Tải", "Download");
    let body = html! {
        form method="get" action="/reports/rates.csv" class="box" {
            label for="unit" { (ctx.t("Mã đơn vị", "Unit code")) }
            input id="unit" name="unit" value=(unit) required;
            label for="from" { (ctx.t("Từ năm", "From year")) }
            input id="from" name="from" type="number" value="2015";
            label for="to" { (ctx.t("Đến năm", "To year")) }
            input id="to" name="to" type="number" value=(year);
            p {
                button type="submit" { (download) " CSV" }
                " "
                button type="submit" formaction="/reports/rates.xlsx" { (download) " XLSX" }
                " "
                button type="submit" formaction="/reports/rates.pdf" { (download) " PDF" }
            }
        }
        p.muted {
            (ctx.t(
                "Tỷ lệ hộ nghèo, cận nghèo theo năm, trên địa giới hôm nay.",
                "Poor and near-poor rates by year, on today's boundaries."
            ))
        }
    };
    Ok(staff_page(
        &state,
        &ctx,
        &a,
        ctx.t("Báo cáo", "Reports"),
        body,
    ))
}

/// The rates of a unit for a report, checked against the account's units.
async fn report_rates(
    state: &AppState,
    ctx: &Ctx,
    a: &Caller,
    q: ReportQuery,
) -> Result<(Unit, Vec<YearRate>), Failure> {
    let (from, to) = (q.from.unwrap_or(2015), q.to.unwrap_or(today().year()));
    if from > to || from < 1990 || to > 2100 {
        return Err(ctx.fail(WebError::bad(
            "Khoảng năm không hợp lệ.",
            "Bad span of years.",
        )));
    }
    let Some(u) = chosen_unit(state, ctx, a, q.unit).await? else {
        return Err(ctx.fail(WebError::bad("Cần chọn đơn vị.", "Choose a unit.")));
    };
    let actor = a.clone();
    state
        .pool
        .run(move |s| {
            let years: Vec<(i32, Date)> = (from..=to)
                .map(|y| (y, giamngheo_core::calendar::review_day(y)))
                .collect();
            let rates = s
                .rates(u.id, today(), &years)?
                .into_iter()
                .filter(|r| r.standard_id.is_some())
                .collect();
            record(
                s,
                Some(&actor),
                "report",
                &format!("rates {}", u.code),
                &format!("{from}-{to}"),
            )?;
            Ok((u, rates))
        })
        .await
        .map_err(|e| ctx.fail(e))
}

pub async fn rates_csv(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadReports>,
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> PageResult {
    let q = q
        .map_err(|_| ctx.fail(WebError::bad("Tham số không hợp lệ.", "Malformed query.")))?
        .0;
    let (u, rates) = report_rates(&state, &ctx, &a, q).await?;
    let mut out = Vec::new();
    giamngheo_app::reports::rates_table(&u, today(), &rates, ctx.lang)
        .write_csv(&mut out)
        .map_err(|_| ctx.fail(WebError::Internal))?;
    Ok(attachment(
        &format!("ty-le-ho-ngheo-{}.csv", u.code),
        "text/csv; charset=utf-8",
        out,
    ))
}

pub async fn rates_xlsx(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadReports>,
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> PageResult {
    let q = q
        .map_err(|_| ctx.fail(WebError::bad("Tham số không hợp lệ.", "Malformed query.")))?
        .0;
    let (u, rates) = report_rates(&state, &ctx, &a, q).await?;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let bytes = giamngheo_app::reports::rates_table(&u, today(), &rates, ctx.lang)
        .add_sheet(&mut wb)
        .and_then(|()| wb.save_to_buffer())
        .map_err(|_| ctx.fail(WebError::Internal))?;
    Ok(attachment(
        &format!("ty-le-ho-ngheo-{}.xlsx", u.code),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}

/// The rates as a PDF: the same table as the CSV and XLSX, laid out by the reports' PDF module as
/// `giamngheo report rates --format pdf` does.
pub async fn rates_pdf(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadReports>,
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> PageResult {
    use giamngheo_report::pdf::{Document, Orientation};
    let q = q
        .map_err(|_| ctx.fail(WebError::bad("Tham số không hợp lệ.", "Malformed query.")))?
        .0;
    let (u, rates) = report_rates(&state, &ctx, &a, q).await?;
    let table = giamngheo_app::reports::rates_table(&u, today(), &rates, ctx.lang);
    let mut doc = Document::new(
        &table.title,
        Orientation::for_table(&table, ctx.lang),
        ctx.lang,
    );
    doc.heading(&table.title);
    doc.table(&table);
    Ok(pdf_response(
        &format!("ty-le-ho-ngheo-{}.pdf", u.code),
        doc.finish(),
    ))
}

/// This resource's routes, merged into the app's by `crate::router`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports", get(reports))
        .route("/reports/rates.csv", get(rates_csv))
        .route("/reports/rates.xlsx", get(rates_xlsx))
        .route("/reports/rates.pdf", get(rates_pdf))
}
