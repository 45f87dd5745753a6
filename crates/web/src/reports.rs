//! The reports page: every report of the command line on screen (its tables and charts), for a unit picked by
//! name or code, a span of years and the boundaries of a date, with the CSV, XLSX and PDF of what is shown.
//! The reports are built by `giamngheo_app::catalog`, the same the command line writes; this module reads the
//! form, finds the unit inside the account's area and lays out the page.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use giamngheo_app::catalog::{self, Built, ReportKind, ReportRequest};
use giamngheo_core::Lang;
use giamngheo_core::date::Date;
use giamngheo_core::ids::UnitLevel;
use giamngheo_store::today;
use giamngheo_store::units::Unit;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::{Failure, WebError};
use crate::extract::{Allowed, Ctx, Params, may};
use crate::layout::{PageResult, attachment, pdf_response, record, staff_page};
use crate::outlook::report_table;
use crate::state::AppState;

/// Rows of a table shown on the page; the files hold them all.
const ROWS_SHOWN: usize = 300;

/// The first year the registry's reports go back to by default.
const FIRST_YEAR: i32 = 2015;

#[derive(Deserialize, Default, Clone)]
pub struct ReportQuery {
    kind: Option<String>,
    unit: Option<String>,
    from: Option<i32>,
    to: Option<i32>,
    /// The boundaries' date (yyyy-mm-dd, as a date input sends it, or dd/mm/yyyy).
    on: Option<String>,
}

/// The form, read: what to build, the unit still as typed.
struct Asked {
    kind: ReportKind,
    unit: String,
    from: Option<i32>,
    to: Option<i32>,
    on: Date,
}

fn read_query(ctx: &Ctx, q: ReportQuery) -> Result<Asked, Failure> {
    let bad = |vi: &str, en: &str| ctx.fail(WebError::bad(vi, en));
    let kind = match q.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        None => ReportKind::Rates,
        Some(k) => {
            ReportKind::parse(k).ok_or_else(|| bad("Không có báo cáo này.", "No such report."))?
        }
    };
    let on = match q.on.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => today(),
        Some(d) => Date::parse(d).map_err(|_| {
            bad(
                "Ngày địa giới phải có dạng dd/mm/yyyy.",
                "The boundaries' date must be dd/mm/yyyy.",
            )
        })?,
    };
    for y in [q.from, q.to].into_iter().flatten() {
        if !(1990..=2100).contains(&y) {
            return Err(bad("Khoảng năm không hợp lệ.", "Bad span of years."));
        }
    }
    if let (Some(f), Some(t)) = (q.from, q.to)
        && f > t
    {
        return Err(bad(
            "Năm đầu phải trước năm cuối.",
            "The first year must come before the last.",
        ));
    }
    Ok(Asked {
        kind,
        unit: q.unit.unwrap_or_default().trim().to_owned(),
        from: q.from,
        to: q.to,
        on,
    })
}

/// The unit the form names, as the account may see it.
enum Pick {
    /// Nothing typed and the account has no unit of its own (the whole country).
    Nothing,
    One(Unit),
    /// Several units answer to the name: the officer chooses.
    Several(Vec<Unit>),
}

/// A unit by code, by "Name (code)" as the list offers it, or by name; only units inside the account's area.
async fn pick_unit(
    state: &AppState,
    ctx: &Ctx,
    a: &Caller,
    typed: &str,
    on: Date,
) -> Result<Pick, Failure> {
    let key = match typed.rsplit_once('(') {
        Some((_, code)) if typed.ends_with(')') => code.trim_end_matches(')').trim().to_owned(),
        _ => typed.to_owned(),
    };
    let own = a.unit_id;
    let found: Vec<Unit> = state
        .pool
        .run(move |s| {
            if key.is_empty() {
                return Ok(match own {
                    Some(id) => s.unit(id)?.into_iter().collect(),
                    None => Vec::new(),
                });
            }
            Ok(giamngheo_app::units::find(
                s,
                &key,
                on,
                &giamngheo_app::units::ALL_LEVELS,
            )?)
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    if typed.is_empty() && found.is_empty() {
        return Ok(Pick::Nothing);
    }
    let any = !found.is_empty();
    let seen: Vec<Unit> = found.into_iter().filter(|u| a.sees_unit(u.id)).collect();
    match seen.len() {
        // The unit exists, outside the account's area.
        0 if any => Err(ctx.fail(WebError::Forbidden)),
        0 => Err(ctx.fail(WebError::bad(
            format!("Không có đơn vị nào tên hoặc mã \"{typed}\" trong địa bàn của bạn."),
            format!("No unit named or coded \"{typed}\" in your area."),
        ))),
        1 => Ok(Pick::One(seen.into_iter().next().expect("one unit"))),
        _ => Ok(Pick::Several(seen)),
    }
}

/// Builds the report for a unit, on the pool; the read is recorded in the audit log.
async fn build(
    state: &AppState,
    ctx: &Ctx,
    a: &Caller,
    asked: &Asked,
    unit: Unit,
) -> Result<(ReportRequest, Built), Failure> {
    let (kind, on, from, to) = (asked.kind, asked.on, asked.from, asked.to);
    let (actor, lang) = (a.clone(), ctx.lang);
    state
        .pool
        .run(move |s| {
            // Without a last year: the latest with decided reviews in the unit, so the report opens on figures.
            let to = match to {
                Some(t) => t,
                None => s
                    .last_decided_year(unit.id, on, today().year())?
                    .unwrap_or(today().year()),
            };
            let from = match (kind.one_year(), from) {
                (true, _) => to,
                (false, Some(f)) => f.min(to),
                (false, None) => FIRST_YEAR.min(to),
            };
            record(
                s,
                Some(&actor),
                "report",
                &format!("unit {}", unit.code),
                &format!("{} {from}-{to}", kind.code()),
            )?;
            let request = ReportRequest {
                kind,
                unit,
                on,
                from,
                to,
            };
            let built = catalog::build(s, &request, lang).map_err(WebError::from)?;
            Ok((request, built))
        })
        .await
        .map_err(|e| ctx.fail(e))
}

/// The units offered as the officer types: the account's unit and those right under it; the provinces for
/// the whole country.
async fn offered_units(state: &AppState, ctx: &Ctx, a: &Caller) -> Result<Vec<Unit>, Failure> {
    let own = a.unit_id;
    state
        .pool
        .run(move |s| {
            let on = today();
            Ok(match own {
                Some(id) => {
                    let mut v: Vec<Unit> = s.unit(id)?.into_iter().collect();
                    v.extend(s.children_at(id, on)?);
                    v
                }
                None => s.units_at_level(UnitLevel::Province, on)?,
            })
        })
        .await
        .map_err(|e| ctx.fail(e))
}

fn form(ctx: &Ctx, asked: &Asked, offered: &[Unit], shown: Option<&ReportRequest>) -> Markup {
    let unit_value = match shown {
        Some(r) => format!("{} ({})", r.unit.name, r.unit.code),
        None => asked.unit.clone(),
    };
    let (from, to) = match shown {
        Some(r) => (Some(r.from), Some(r.to)),
        None => (asked.from, asked.to),
    };
    let download = ctx.t("Tải", "Download");
    html! {
        form method="get" action="/reports" class="box report-form" {
            div.field {
                label for="kind" { (ctx.t("Báo cáo", "Report")) }
                select id="kind" name="kind" {
                    @for k in ReportKind::ALL {
                        option value=(k.code()) selected[k == asked.kind] { (k.name(ctx.lang)) }
                    }
                }
            }
            div.field {
                label for="unit" { (ctx.t("Đơn vị (gõ tên hoặc mã)", "Unit (type its name or code)")) }
                input id="unit" name="unit" list="units" value=(unit_value) autocomplete="off";
                datalist id="units" {
                    @for u in offered { option value=(format!("{} ({})", u.name, u.code)) {} }
                }
            }
            div.field {
                label for="from" { (ctx.t("Từ năm", "From year")) }
                input.year id="from" name="from" type="number" min="1990" max="2100" value=[from];
            }
            div.field {
                label for="to" { (ctx.t("Đến năm", "To year")) }
                input.year id="to" name="to" type="number" min="1990" max="2100" value=[to];
            }
            // A text box, not a date picker: a picker shows the browser's order (12/05/2026 for 5 December
            // in an English browser), the officer reads dd/mm/yyyy.
            div.field {
                label for="on" { (ctx.t("Theo địa giới ngày", "On the boundaries of")) }
                input.date id="on" name="on" placeholder="dd/mm/yyyy" value=(asked.on.vi());
            }
            p {
                button type="submit" { (ctx.t("Xem", "Show")) }
                " "
                button type="submit" formaction="/reports/download.csv" { (download) " CSV" }
                " "
                button type="submit" formaction="/reports/download.xlsx" { (download) " XLSX" }
                " "
                button type="submit" formaction="/reports/download.pdf" { (download) " PDF" }
            }
        }
    }
}

fn shown(ctx: &Ctx, req: &ReportRequest, built: &Built) -> Markup {
    let span = if req.from == req.to {
        req.to.to_string()
    } else {
        format!("{}–{}", req.from, req.to)
    };
    html! {
        p.muted {
            (req.kind.name(ctx.lang)) " · " (req.unit.name) " · " (span) " · "
            (ctx.t("địa giới ngày", "boundaries of")) " " (req.on.vi())
        }
        @for c in &built.charts {
            figure.chart { (PreEscaped(c.to_svg())) }
        }
        @for t in &built.tables { (report_table(t, ctx.lang, ROWS_SHOWN)) }
    }
}

pub async fn reports(
    State(state): State<AppState>,
    Allowed { ctx, caller: a, .. }: Allowed<may::ReadReports>,
    Params(q): Params<ReportQuery>,
) -> PageResult {
    let asked = read_query(&ctx, q)?;
    let offered = offered_units(&state, &ctx, &a).await?;
    // A refusal (no such unit, a year without reviews) is said on the page, above the form kept as typed.
    let (result, problem): (Option<(ReportRequest, Built)>, Option<Markup>) =
        match pick_unit(&state, &ctx, &a, &asked.unit, asked.on).await {
            Ok(Pick::Nothing) => (None, None),
            Ok(Pick::One(u)) => match build(&state, &ctx, &a, &asked, u).await {
                Ok(r) => (Some(r), None),
                Err(f) => (None, Some(refusal(ctx.lang, &f))),
            },
            Ok(Pick::Several(list)) => (None, Some(choices(&ctx, &asked, &list))),
            Err(f) => (None, Some(refusal(ctx.lang, &f))),
        };
    let body = html! {
        @if let Some(p) = &problem { (p) }
        (form(&ctx, &asked, &offered, result.as_ref().map(|(r, _)| r)))
        @if let Some((req, built)) = &result { (shown(&ctx, req, built)) }
        @else if problem.is_none() {
            p.muted { (ctx.t("Chọn báo cáo và đơn vị rồi bấm Xem.", "Choose a report and a unit, then Show.")) }
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

fn refusal(lang: Lang, f: &Failure) -> Markup {
    html! { p.error role="alert" { (f.error.message(lang)) } }
}

/// Several units answer to the name typed: each a link to the same report for that one.
fn choices(ctx: &Ctx, asked: &Asked, list: &[Unit]) -> Markup {
    let link = |u: &Unit| {
        let mut q = format!(
            "/reports?kind={}&unit={}&on={}",
            asked.kind.code(),
            u.code,
            asked.on.iso()
        );
        for (name, v) in [("from", asked.from), ("to", asked.to)] {
            if let Some(v) = v {
                q.push_str(&format!("&{name}={v}"));
            }
        }
        q
    };
    html! {
        div.box role="alert" {
            p { (ctx.t("Nhiều đơn vị trùng tên; chọn một:", "Several units have this name; choose one:")) }
            ul {
                @for u in list.iter().take(30) {
                    li { a href=(link(u)) { (u.name) } " (" (u.level.name(ctx.lang)) ", " (ctx.t("mã", "code")) " " (u.code) ")" }
                }
            }
        }
    }
}

/// What a download holds, by the extension asked for.
#[derive(Clone, Copy)]
enum FileKind {
    Csv,
    Xlsx,
    Pdf,
}

async fn download(
    state: AppState,
    ctx: Ctx,
    a: Caller,
    q: ReportQuery,
    file: FileKind,
) -> PageResult {
    let asked = read_query(&ctx, q)?;
    let unit = match pick_unit(&state, &ctx, &a, &asked.unit, asked.on).await? {
        Pick::One(u) => u,
        Pick::Nothing => return Err(ctx.fail(WebError::bad("Cần chọn đơn vị.", "Choose a unit."))),
        Pick::Several(_) => {
            return Err(ctx.fail(WebError::bad(
                "Nhiều đơn vị trùng tên; hãy dùng mã đơn vị.",
                "Several units have this name; use the unit's code.",
            )));
        }
    };
    let (req, built) = build(&state, &ctx, &a, &asked, unit).await?;
    let name = match req.kind {
        ReportKind::Rates => format!("ty-le-ho-ngheo-{}", req.unit.code),
        k => format!("bao-cao-{}-{}", k.code(), req.unit.code),
    };
    match file {
        FileKind::Csv => {
            let mut out = Vec::new();
            if let Some(t) = built.tables.first() {
                t.write_csv(&mut out)
                    .map_err(|_| ctx.fail(WebError::Internal))?;
            }
            Ok(attachment(
                &format!("{name}.csv"),
                "text/csv; charset=utf-8",
                out,
            ))
        }
        FileKind::Xlsx => {
            let bytes = giamngheo_report::bundle::workbook(&built.tables)
                .map_err(|_| ctx.fail(WebError::Internal))?;
            Ok(attachment(
                &format!("{name}.xlsx"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                bytes,
            ))
        }
        FileKind::Pdf => Ok(pdf_response(
            &format!("{name}.pdf"),
            giamngheo_report::bundle::pdf(&built.tables, &built.charts, ctx.lang),
        )),
    }
}

macro_rules! download_route {
    ($name:ident, $file:expr) => {
        pub async fn $name(
            State(state): State<AppState>,
            Allowed { ctx, caller: a, .. }: Allowed<may::ReadReports>,
            Params(q): Params<ReportQuery>,
        ) -> PageResult {
            download(state, ctx, a, q, $file).await
        }
    };
}

download_route!(download_csv, FileKind::Csv);
download_route!(download_xlsx, FileKind::Xlsx);
download_route!(download_pdf, FileKind::Pdf);

/// This resource's routes, merged into the app's by `crate::router`. The rates' own addresses stay: a
/// report without a kind is the rates.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports", get(reports))
        .route("/reports/download.csv", get(download_csv))
        .route("/reports/download.xlsx", get(download_xlsx))
        .route("/reports/download.pdf", get(download_pdf))
        .route("/reports/rates.csv", get(download_csv))
        .route("/reports/rates.xlsx", get(download_xlsx))
        .route("/reports/rates.pdf", get(download_pdf))
}
