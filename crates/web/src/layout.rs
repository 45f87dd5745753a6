//! The pieces every staff and public page shares: the one writer of the logs, the menu, the response with its
//! language cookie, the post check, the rates chart and table, the downloads' headers. They live here, and this
//! module imports no resource module, so that each resource can use them without the resources importing one
//! another: the files of the crate form no circle.

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use giamngheo_core::Lang;
use giamngheo_core::round::Action;
use giamngheo_store::rates::YearRate;
use giamngheo_store::units::Unit;

use crate::auth::{self, Caller};
use crate::error::{Failure, WebError};
use crate::extract::Ctx;
use crate::html::{self, Markup, PreEscaped, html, page};
use crate::state::AppState;
use giamngheo_store::today;

pub type PageResult = Result<Response, Failure>;

/// Records a read of personal data, a change or a refusal: the one place the web app writes its logs. What
/// an account did goes to the hash-chained audit log (`target` is "entity id"); what no account did (a
/// failed login, a forged public post) to the security log, since the audit log names an actor and a role.
pub fn record(
    store: &mut giamngheo_store::Store,
    actor: Option<&Caller>,
    action: &str,
    target: &str,
    detail: &str,
) -> Result<(), WebError> {
    let Some(a) = actor else {
        store.log_access(None, action, target, detail)?;
        return Ok(());
    };
    let who = a.writer();
    let (entity, id) = target.split_once(' ').unwrap_or((target, ""));
    // One transaction, which on SQLite takes the write lock first (`Conn::transaction`): a read
    // transaction that later writes fails at once, not after the busy timeout, when another request wrote.
    store.record(
        &who,
        giamngheo_store::audit::Change {
            action,
            entity,
            entity_id: id.to_owned(),
            old_value: None,
            new_value: None,
            reason: (!detail.is_empty()).then(|| detail.to_owned()),
        },
    )?;
    Ok(())
}

/// The menu's entries after the dashboard, in order, each for the accounts that may do its action.
const MENU: [(&str, Action, &str, &str); 8] = [
    (
        "/households",
        Action::ReadHouseholds,
        "Hộ gia đình",
        "Households",
    ),
    (
        "/rounds",
        Action::ReadHouseholds,
        "Rà soát",
        "Review rounds",
    ),
    ("/import", Action::EditRegistry, "Nhập dữ liệu", "Import"),
    ("/reports", Action::ReadReports, "Báo cáo", "Reports"),
    ("/forecast", Action::ReadReports, "Dự báo", "Forecast"),
    ("/plan", Action::ReadReports, "Kế hoạch", "Plan"),
    ("/feedback", Action::ReadFeedback, "Góp ý", "Feedback"),
    ("/audit", Action::ReadAudit, "Nhật ký", "Logs"),
];

/// The menu for this account.
pub fn nav(state: &AppState, ctx: &Ctx, a: &Caller) -> html::Nav {
    let mut links = vec![("/dashboard", ctx.t("Tổng quan", "Dashboard"))];
    links.extend(
        MENU.iter()
            .filter(|(_, action, ..)| a.may(*action))
            .map(|(href, _, vi, en)| (*href, ctx.t(vi, en))),
    );
    html::Nav {
        user: a.name.clone(),
        role: a.role.name(ctx.lang),
        links,
        logout_token: state.sessions.form_token(&a.token),
    }
}

/// An HTML response; sets the language cookie when the language was chosen in the query.
pub fn respond(ctx: &Ctx, status: StatusCode, body: Markup) -> Response {
    let mut r = (status, Html(body.into_string())).into_response();
    if ctx.lang_chosen {
        let v = format!(
            "lang={}; Path=/; SameSite=Lax; Max-Age=31536000",
            ctx.lang.pick("vi", "en")
        );
        if let Ok(v) = HeaderValue::from_str(&v) {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    r
}

pub fn staff_page(state: &AppState, ctx: &Ctx, a: &Caller, title: &str, body: Markup) -> Response {
    let n = nav(state, ctx, a);
    respond(ctx, StatusCode::OK, page(ctx.lang, title, Some(&n), body))
}

/// Checks a post: same origin and a one-time token this session was given. Refusals are logged.
pub async fn check_post(
    state: &AppState,
    ctx: &Ctx,
    a: &Caller,
    token: &str,
    what: &str,
) -> Result<(), Failure> {
    if auth::same_origin(&ctx.headers) && state.sessions.consume(&a.token, token).await {
        return Ok(());
    }
    let (actor, what) = (a.clone(), what.to_owned());
    state
        .pool
        .run(move |s| record(s, Some(&actor), "refused", &what, "csrf"))
        .await
        .map_err(|e| ctx.fail(e))?;
    Err(ctx.fail(WebError::Csrf))
}

/// A posted staff form, read (a malformed one is refused) and the session's one-use token in it (`token`)
/// spent by [`check_post`]; `what` names the target in the log of a refusal.
pub async fn posted<F>(
    state: &AppState,
    ctx: &Ctx,
    a: &Caller,
    form: Result<axum::extract::Form<F>, axum::extract::rejection::FormRejection>,
    token: impl Fn(&F) -> &str,
    what: &str,
) -> Result<F, Failure> {
    let f = match form {
        Ok(axum::extract::Form(f)) => f,
        Err(e) => return Err(ctx.fail(WebError::malformed(&e))),
    };
    check_post(state, ctx, a, token(&f), what).await?;
    Ok(f)
}

/// The unit a dashboard or report is about: the one asked for, if the account sees it, or its own.
pub async fn chosen_unit(
    state: &AppState,
    ctx: &Ctx,
    a: &Caller,
    code: Option<String>,
) -> Result<Option<Unit>, Failure> {
    let code = code
        .filter(|c| !c.trim().is_empty())
        .or_else(|| a.unit_code.as_ref().map(String::from));
    let Some(code) = code else {
        return Ok(None);
    };
    let u = state
        .pool
        .run(move |s| Ok(s.unit_by_code(code.trim(), today())?))
        .await
        .map_err(|e| ctx.fail(e))?
        .ok_or_else(|| ctx.fail(WebError::NotFound))?;
    if !a.sees_unit(u.id) {
        return Err(ctx.fail(WebError::Forbidden));
    }
    Ok(Some(u))
}

/// A standard in words ("Chuẩn nghèo đa chiều giai đoạn 2022-2025"), as every page names it: its id only
/// for a standard this program does not carry.
pub fn standard_name(id: &str, lang: Lang) -> &str {
    giamngheo_core::standard::builtin::name(id, lang).unwrap_or(id)
}

/// The marks after a year's or a unit's figures: some communes not reported, or not yet decided.
pub fn coverage_marks(lang: Lang, r: &YearRate) -> Markup {
    html! {
        @if r.partial() {
            " "
            span.partial {
                "(" (r.communes_reported) "/" (r.communes) " "
                (lang.pick("xã có kết quả", "communes reported")) ")"
            }
        }
        @if r.provisional() {
            " "
            span.partial { "(" (lang.pick("tạm tính", "provisional")) ")" }
        }
    }
}

fn rates_table(lang: Lang, rates: &[YearRate]) -> Markup {
    let rows: Vec<Vec<Markup>> = rates
        .iter()
        .map(|r| {
            vec![
                // A year some communes have not reported, or not yet decided, says so where the figure stands.
                html! { (r.year) (coverage_marks(lang, r)) },
                html! { (standard_name(r.standard_id.as_deref().unwrap_or(""), lang)) },
                html! { (html::int(r.households, lang)) },
                html! { (html::int(r.poor, lang)) },
                html! { (html::pct(r.poor_rate(), lang)) },
                html! { (html::int(r.near_poor, lang)) },
                html! { (html::pct(r.near_poor_rate(), lang)) },
            ]
        })
        .collect();
    let table = html::table(
        "rates",
        &[
            lang.pick("Năm", "Year"),
            lang.pick("Chuẩn nghèo", "Standard"),
            lang.pick("Số hộ", "Households"),
            lang.pick("Hộ nghèo", "Poor"),
            lang.pick("Tỷ lệ nghèo (%)", "Poor (%)"),
            lang.pick("Hộ cận nghèo", "Near-poor"),
            lang.pick("Tỷ lệ cận nghèo (%)", "Near-poor (%)"),
        ],
        &rows,
    );
    html! {
        (table)
        @if let Some(r) = rates.iter().find(|r| r.provisional()) {
            p.muted id="provisional-note" {
                @match lang {
                    Lang::Vi => {
                        "Năm " (r.year) ": " (html::int(r.undecided, lang))
                        " hộ được tính theo kết quả rà soát chưa có quyết định công nhận (đợt rà soát đang làm hoặc đang niêm yết): số liệu tạm tính."
                    }
                    Lang::En => {
                        (r.year) ": " (html::int(r.undecided, lang))
                        " households are counted by review results not yet decided (a round still open or posted): provisional figures."
                    }
                }
            }
        }
        @if let Some(r) = rates.iter().find(|r| r.partial()) {
            p.muted id="partial-note" {
                @match lang {
                    Lang::Vi => {
                        "Năm " (r.year) ": mới có " (r.communes_reported) "/" (r.communes)
                        " xã có kết quả rà soát; số liệu của năm chỉ tính các xã đó (chưa đầy đủ), không vẽ trên biểu đồ."
                    }
                    Lang::En => {
                        (r.year) ": only " (r.communes_reported) " of " (r.communes)
                        " communes have review results; the year's figures cover those communes only (incomplete) and are left off the chart."
                    }
                }
            }
        }
    }
}

/// The trend chart and the table of rates of a unit.
pub fn rates_section(lang: Lang, rates: &[YearRate]) -> Markup {
    if rates.is_empty() {
        return html! {
            p.muted { (lang.pick("Chưa có kết quả rà soát.", "No review results yet.")) }
        };
    }
    // The shared chart of the reports (crates/report): the same picture as in the PDF reports, the line
    // broken and marked where the standard changes.
    use giamngheo_report::chart::{LineChart, Series};
    let series = |name: &str, f: fn(&YearRate) -> f64| Series {
        name: name.to_owned(),
        // A year not all communes have reported is no point on the unit's line.
        values: rates.iter().map(|r| (!r.partial()).then(|| f(r))).collect(),
        dashed: false,
    };
    let chart = LineChart {
        title: lang
            .pick(
                "Tỷ lệ hộ nghèo, cận nghèo theo năm",
                "Poor and near-poor rates by year",
            )
            .to_owned(),
        y_label: "%".to_owned(),
        years: rates.iter().map(|r| r.year).collect(),
        series: vec![
            series(
                lang.pick("Tỷ lệ hộ nghèo (%)", "Poor-household rate (%)"),
                YearRate::poor_rate,
            ),
            series(
                lang.pick("Tỷ lệ hộ cận nghèo (%)", "Near-poor rate (%)"),
                YearRate::near_poor_rate,
            ),
        ],
        breaks: rates
            .windows(2)
            .filter(|w| w[0].standard_id != w[1].standard_id)
            .map(|w| {
                let id = w[1].standard_id.as_deref().unwrap_or("");
                (w[1].year, standard_name(id, lang).to_owned())
            })
            .collect(),
    };
    // A change of standard breaks comparability: say so in words too.
    let changes: Vec<String> = rates
        .windows(2)
        .filter(|w| w[0].standard_id != w[1].standard_id)
        .map(|w| {
            format!(
                "{} → {} ({})",
                w[0].year,
                w[1].year,
                standard_name(w[1].standard_id.as_deref().unwrap_or(""), lang)
            )
        })
        .collect();
    html! {
        // The SVG writer of crates/report escapes its own text: the one piece of HTML not written here.
        // Two drawings, one shown per screen: a phone gets the chart drawn narrow, with text of the same
        // size, rather than the wide one scaled down to labels of five pixels (app.css).
        div.chart.wide { (PreEscaped(chart.draw(lang).to_svg())) }
        div.chart.narrow { (PreEscaped(chart.draw_width(lang, 320.0).to_svg())) }
        @if !changes.is_empty() {
            p.muted { (lang.pick("Đổi chuẩn nghèo:", "Change of standard:")) " " (changes.join("; ")) }
        }
        (rates_table(lang, rates))
    }
}

pub fn attachment(name: &str, mime: &'static str, body: Vec<u8>) -> Response {
    let disp = format!("attachment; filename=\"{name}\"");
    let mut r = ([(header::CONTENT_TYPE, mime)], body).into_response();
    if let Ok(v) = HeaderValue::from_str(&disp) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// A PDF to download; `inline` lets the browser show it.
pub fn pdf_response(name: &str, body: Vec<u8>) -> Response {
    let mut r = ([(header::CONTENT_TYPE, "application/pdf")], body).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

pub async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        html::CSS,
    )
        .into_response()
}

pub async fn not_found(ctx: Ctx) -> Failure {
    ctx.fail(WebError::NotFound)
}

/// This resource's routes, merged into the app's by `crate::router`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/static/app.css", get(css))
}
