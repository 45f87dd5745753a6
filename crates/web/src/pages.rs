//! The staff pages. Each handler: who is asking (`Ctx`), may their role do this (`require`), is the data
//! inside their units (`sees_*` or the scope join), then one blocking call into the store, then HTML.
//! Review rounds, survey entry and support (issue 4) add their pages here and their links in [`nav`].

use std::fmt::Write;

use axum::extract::rejection::FormRejection;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use giamngheo_core::date::Date;
use giamngheo_core::ids::UnitLevel;
use giamngheo_core::messages::Localized;
use giamngheo_core::{Area, Class, DeprivationSet, Income, Lang};
use giamngheo_store::accounts::Role;
use giamngheo_store::rates::YearRate;
use giamngheo_store::units::Unit;
use serde::Deserialize;

use crate::auth::{self, Caller, Ctx};
use crate::error::{Failure, WebError};
use crate::html::{self, esc, page};
use crate::{AppState, Figures, today};
use giamngheo_core::round::Action;

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

/// The menu for this account.
pub fn nav(state: &AppState, ctx: &Ctx, a: &Caller) -> html::Nav {
    let mut links = vec![("/dashboard", ctx.t("Tổng quan", "Dashboard"))];
    if a.may(Action::ReadHouseholds) {
        links.push(("/households", ctx.t("Hộ gia đình", "Households")));
        links.push(("/rounds", ctx.t("Rà soát", "Review rounds")));
    }
    if a.may(Action::EditRegistry) {
        links.push(("/import", ctx.t("Nhập dữ liệu", "Import")));
    }
    if a.may(Action::ReadReports) {
        links.push(("/reports", ctx.t("Báo cáo", "Reports")));
    }
    if a.may(Action::ReadFeedback) {
        links.push(("/feedback", ctx.t("Góp ý", "Feedback")));
    }
    if a.may(Action::ReadAudit) {
        links.push(("/audit", ctx.t("Nhật ký", "Logs")));
    }
    html::Nav {
        user: a.name.clone(),
        role: auth::role_name(a.role, ctx.lang),
        links,
        logout_token: state.sessions.form_token(&a.token),
    }
}

/// An HTML response; sets the language cookie when the language was chosen in the query.
pub fn respond(ctx: &Ctx, status: StatusCode, body: String) -> Response {
    let mut r = (status, Html(body)).into_response();
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

fn staff_page(state: &AppState, ctx: &Ctx, a: &Caller, title: &str, body: &str) -> Response {
    let n = nav(state, ctx, a);
    respond(ctx, StatusCode::OK, page(ctx.lang, title, Some(&n), body))
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

pub async fn home(ctx: Ctx) -> Response {
    if ctx.actor.is_some() {
        Redirect::to("/dashboard").into_response()
    } else {
        Redirect::to("/login").into_response()
    }
}

fn login_page(ctx: &Ctx, pre: &str, error: Option<&str>, name: &str) -> String {
    let mut body = String::new();
    if let Some(e) = error {
        let _ = write!(body, "<p class=\"error\">{}</p>", esc(e));
    }
    let _ = write!(
        body,
        "<form method=\"post\" action=\"/login\" class=\"box\" style=\"max-width:24rem\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <label for=\"name\">{}</label><input id=\"name\" name=\"name\" autocomplete=\"username\" required value=\"{}\">\
         <label for=\"password\">{}</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
         <p><button type=\"submit\">{}</button></p></form>",
        esc(pre),
        ctx.t("Tên đăng nhập", "User name"),
        esc(name),
        ctx.t("Mật khẩu", "Password"),
        ctx.t("Đăng nhập", "Log in")
    );
    page(ctx.lang, ctx.t("Đăng nhập", "Log in"), None, &body)
}

/// The login form carries a token that must match a cookie set with it (no session exists yet).
pub async fn login_form(ctx: Ctx) -> Response {
    let pre = auth::random_token();
    let mut r = respond(&ctx, StatusCode::OK, login_page(&ctx, &pre, None, ""));
    if let Ok(v) = HeaderValue::from_str(&auth::set_cookie(auth::PRE_COOKIE, &pre, Some(3600))) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    name: String,
    password: String,
}

pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Result<Form<LoginForm>, FormRejection>,
) -> PageResult {
    let f = match form {
        Ok(Form(f)) => f,
        Err(e) => return Err(ctx.fail(WebError::malformed(&e))),
    };
    let pre = auth::cookie(&ctx.headers, auth::PRE_COOKIE).unwrap_or("");
    if !auth::same_origin(&ctx.headers) || pre.is_empty() || pre != f.csrf {
        let pool = state.pool.clone();
        let name = f.name.clone();
        pool.run(move |s| record(s, None, "refused", "login", &format!("csrf {name}")))
            .await
            .map_err(|e| ctx.fail(e))?;
        return Err(ctx.fail(WebError::Csrf));
    }
    // Throttled by the account's own failures (its folded name: "Xã" and "xa" are one account), and by the
    // address only when many accounts fail from it (auth::LoginThrottle).
    let user_key = giamngheo_store::accounts::name_key(&f.name);
    if state
        .sessions
        .login_allowed(&user_key, ctx.peer.as_deref())
        .is_err()
    {
        let name = f.name.clone();
        state
            .pool
            .run(move |s| record(s, None, "refused", "login", &format!("rate limit {name}")))
            .await
            .map_err(|e| ctx.fail(e))?;
        return Err(ctx.fail(WebError::TooManyAttempts));
    }
    let dummy = state.dummy_hash.clone();
    let (name, password) = (f.name.clone(), f.password);
    let found = state
        .pool
        .run(move |s| {
            let acc = s.account_by_name(&name)?;
            let ok = match &acc {
                Some(a) if !a.disabled => auth::verify_password(&password, &a.password_hash),
                _ => {
                    auth::verify_password(&password, &dummy);
                    false
                }
            };
            let Some(a) = acc.filter(|_| ok) else {
                record(s, None, "login_failed", "login", &name)?;
                return Ok(None);
            };
            let scope = match a.unit_id {
                Some(_) => Some(s.refresh_scope(a.id, today())?.into_iter().collect()),
                None => None,
            };
            let unit = match a.unit_id {
                Some(id) => s.unit(id)?.map(|u| (id, u.code)),
                None => None,
            };
            record(s, Some(&pseudo_actor(&a)), "login", "login", "")?;
            Ok(Some((a, unit, scope)))
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    let Some((a, unit, scope)) = found else {
        state.sessions.login_failed(&user_key, ctx.peer.as_deref());
        let pre = auth::random_token();
        let body = login_page(
            &ctx,
            &pre,
            Some(ctx.t(
                "Sai tên đăng nhập hoặc mật khẩu.",
                "Wrong user name or password.",
            )),
            &f.name,
        );
        let mut r = respond(&ctx, StatusCode::UNAUTHORIZED, body);
        if let Ok(v) = HeaderValue::from_str(&auth::set_cookie(auth::PRE_COOKIE, &pre, Some(3600)))
        {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
        return Ok(r);
    };
    state.sessions.login_succeeded(&user_key);
    let token = state
        .sessions
        .create(a.id, a.name, a.role, unit, scope)
        .await
        .map_err(|e| ctx.fail(e))?;
    let mut r = Redirect::to("/dashboard").into_response();
    if let Ok(v) = HeaderValue::from_str(&auth::set_cookie(auth::SESSION_COOKIE, &token, None)) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&auth::set_cookie(auth::PRE_COOKIE, "", Some(0))) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(r)
}

fn pseudo_actor(a: &giamngheo_store::accounts::Account) -> Caller {
    Caller {
        token: String::new(),
        unit_id: a.unit_id,
        unit_code: None,
        who: giamngheo_store::audit::Actor::new(&a.name, a.role, "web")
            .account(a.id, giamngheo_store::scope::Scope::Everywhere),
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    csrf: String,
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

pub async fn logout(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Result<Form<TokenForm>, FormRejection>,
) -> PageResult {
    let a = ctx.actor()?.clone();
    let f = match form {
        Ok(Form(f)) => f,
        Err(e) => return Err(ctx.fail(WebError::malformed(&e))),
    };
    check_post(&state, &ctx, &a, &f.csrf, "logout").await?;
    state
        .sessions
        .end(&a.token)
        .await
        .map_err(|e| ctx.fail(e))?;
    let mut r = Redirect::to("/login").into_response();
    if let Ok(v) = HeaderValue::from_str(&auth::set_cookie(auth::SESSION_COOKIE, "", Some(0))) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(r)
}

#[derive(Deserialize, Default)]
pub struct UnitQuery {
    unit: Option<String>,
}

fn class_word(code: &str, lang: Lang) -> String {
    Class::parse(code).map_or_else(|| code.to_owned(), |c| c.name(lang).to_owned())
}

fn rates_table(out: &mut String, lang: Lang, rates: &[YearRate]) {
    let rows: Vec<Vec<String>> = rates
        .iter()
        .map(|r| {
            vec![
                r.year.to_string(),
                esc(r.standard_id.as_deref().unwrap_or("")),
                html::int(r.households, lang),
                html::int(r.poor, lang),
                html::pct(r.poor_rate(), lang),
                html::int(r.near_poor, lang),
                html::pct(r.near_poor_rate(), lang),
            ]
        })
        .collect();
    html::table(
        out,
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
}

/// The trend chart and the table of rates of a unit.
pub fn rates_section(out: &mut String, lang: Lang, rates: &[YearRate]) {
    if rates.is_empty() {
        let _ = write!(
            out,
            "<p class=\"muted\">{}</p>",
            lang.pick("Chưa có kết quả rà soát.", "No review results yet.")
        );
        return;
    }
    // The shared chart of the reports (crates/report): the same picture as in the PDF reports, the line
    // broken and marked where the standard changes.
    use giamngheo_report::chart::{LineChart, Series};
    let series = |name: &str, f: fn(&YearRate) -> f64| Series {
        name: name.to_owned(),
        values: rates.iter().map(|r| Some(f(r))).collect(),
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
            .map(|w| (w[1].year, w[1].standard_id.clone().unwrap_or_default()))
            .collect(),
    };
    out.push_str("<div class=\"chart\">");
    out.push_str(&chart.draw(lang).to_svg());
    out.push_str("</div>");
    // A change of standard breaks comparability: say so in words too.
    let changes: Vec<String> = rates
        .windows(2)
        .filter(|w| w[0].standard_id != w[1].standard_id)
        .map(|w| {
            format!(
                "{} → {} ({})",
                w[0].year,
                w[1].year,
                w[1].standard_id.as_deref().unwrap_or("")
            )
        })
        .collect();
    if !changes.is_empty() {
        let _ = write!(
            out,
            "<p class=\"muted\">{} {}</p>",
            lang.pick("Đổi chuẩn nghèo:", "Change of standard:"),
            esc(&changes.join("; "))
        );
    }
    rates_table(out, lang, rates);
}

/// Late communes, one row each: the periodic decision and the monthly reports past their deadlines.
fn late_section(out: &mut String, lang: Lang, late: &[giamngheo_store::support::Late]) {
    use giamngheo_store::support::ReportKind;
    let _ = write!(
        out,
        "<h2>{}</h2>",
        lang.pick("Xã chậm tiến độ", "Late communes")
    );
    if late.is_empty() {
        let _ = write!(
            out,
            "<p class=\"muted\">{}</p>",
            lang.pick("Không có xã nào chậm.", "No commune is late.")
        );
        return;
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
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
            format!(
                "<a href=\"/dashboard?unit={}\">{}</a>",
                html::url(&l.commune_code),
                esc(&l.commune_name)
            ),
            esc(&what.join("; ")),
        ]);
    }
    html::table(
        out,
        "late",
        &[lang.pick("Xã", "Commune"), lang.pick("Chậm", "Late with")],
        &rows,
    );
}

/// The unit a dashboard or report is about: the one asked for, if the account sees it, or its own.
async fn chosen_unit(
    state: &AppState,
    ctx: &Ctx,
    a: &Caller,
    code: Option<String>,
) -> Result<Option<Unit>, Failure> {
    let code = code
        .filter(|c| !c.trim().is_empty())
        .or_else(|| a.unit_code.clone());
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

pub async fn dashboard(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<UnitQuery>, QueryRejection>,
) -> PageResult {
    let a = ctx.actor()?.clone();
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
        let mut body = format!("<p>{}</p><ul>", ctx.t("Chọn tỉnh:", "Choose a province:"));
        for p in provinces {
            let _ = write!(
                body,
                "<li><a href=\"/dashboard?unit={}\">{}</a></li>",
                html::url(&p.code),
                esc(&p.name)
            );
        }
        body.push_str("</ul>");
        return Ok(staff_page(
            &state,
            &ctx,
            &a,
            ctx.t("Tổng quan", "Dashboard"),
            &body,
        ));
    };
    let st = state.clone();
    let f: std::sync::Arc<Figures> = state
        .pool
        .run(move |s| st.figures(s, unit))
        .await
        .map_err(|e| ctx.fail(e))?;
    let mut body = String::new();
    let _ = write!(
        body,
        "<p class=\"muted\">{} {} · <a href=\"/units/{}\">{}</a> · {} {}</p>",
        f.unit.level.name(lang),
        esc(&f.unit.code),
        html::url(&f.unit.code),
        ctx.t("đơn vị và lịch sử địa giới", "unit and boundary history"),
        ctx.t("địa giới ngày", "boundaries of"),
        today().vi()
    );
    let _ = write!(
        body,
        "<h2>{}</h2>",
        ctx.t(
            "Tỷ lệ hộ nghèo, cận nghèo theo năm",
            "Poor and near-poor rates by year"
        )
    );
    rates_section(&mut body, lang, &f.rates);
    if !f.children.is_empty() {
        let last = f.rates.last().map(|r| r.year);
        let _ = write!(
            body,
            "<h2>{}{}</h2>",
            ctx.t("Đơn vị trực thuộc", "Units under it"),
            last.map(|y| format!(" ({y})")).unwrap_or_default()
        );
        let rows: Vec<Vec<String>> = f
            .children
            .iter()
            .map(|(c, r)| {
                vec![
                    format!(
                        "<a href=\"/dashboard?unit={}\">{}</a>",
                        html::url(&c.code),
                        esc(&c.name)
                    ),
                    esc(&c.code),
                    r.as_ref()
                        .map(|r| html::int(r.households, lang))
                        .unwrap_or_default(),
                    r.as_ref()
                        .map(|r| html::int(r.poor, lang))
                        .unwrap_or_default(),
                    r.as_ref()
                        .map(|r| html::pct(r.poor_rate(), lang))
                        .unwrap_or_default(),
                    r.as_ref()
                        .map(|r| html::pct(r.near_poor_rate(), lang))
                        .unwrap_or_default(),
                ]
            })
            .collect();
        html::table(
            &mut body,
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
        );
    }
    late_section(&mut body, lang, &f.late);
    let title = format!("{}: {}", ctx.t("Tổng quan", "Dashboard"), f.unit.name);
    Ok(staff_page(&state, &ctx, &a, &title, &body))
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    after: String,
}

const SEARCH_LIMIT: i64 = 200;
const PAGE: i64 = 50;

/// Search results (or a page of the list) for an account: personal data, so the read is recorded.
pub async fn find_households(
    state: &AppState,
    a: &Caller,
    q: &str,
    after: &str,
) -> Result<Vec<giamngheo_store::search::Found>, WebError> {
    let (actor, q, after) = (a.clone(), q.trim().to_owned(), after.to_owned());
    state
        .pool
        .run(move |s| {
            let scope = actor.scope_account();
            let mut found = if q.is_empty() {
                s.list_households(scope, &after, PAGE)?
            } else {
                let mut v = s.search_members(scope, &q, SEARCH_LIMIT)?;
                crate::collate::sort_by_name(&mut v, |f| &f.name);
                v
            };
            // The SQL scope join is the guard; this second check keeps a mistake there from leaking.
            found.retain(|f| actor.sees_household(f.commune_id, f.village_id));
            let detail = if q.is_empty() {
                format!("list after {after}")
            } else {
                format!("q={q}")
            };
            record(
                s,
                Some(&actor),
                "search",
                "households",
                &format!("{detail}; {} rows", found.len()),
            )?;
            Ok(found)
        })
        .await
}

pub async fn households(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<SearchQuery>, QueryRejection>,
) -> PageResult {
    let a = ctx.require(Action::ReadHouseholds)?.clone();
    let q = q
        .map_err(|_| ctx.fail(WebError::bad("Tham số không hợp lệ.", "Malformed query.")))?
        .0;
    if q.q.chars().count() > 100 {
        return Err(ctx.fail(WebError::bad("Từ khoá quá dài.", "The search is too long.")));
    }
    let lang = ctx.lang;
    let found = find_households(&state, &a, &q.q, &q.after)
        .await
        .map_err(|e| ctx.fail(e))?;
    let mut body = String::new();
    let _ = write!(
        body,
        "<form method=\"get\" action=\"/households\" class=\"box\"><label for=\"q\">{}</label>\
         <input id=\"q\" name=\"q\" value=\"{}\" size=\"40\" autofocus> <button type=\"submit\">{}</button></form>",
        ctx.t(
            "Họ tên (có hoặc không dấu) hoặc số định danh",
            "Name (with or without accents) or citizen ID"
        ),
        esc(&q.q),
        ctx.t("Tìm", "Search")
    );
    if found.is_empty() {
        let _ = write!(
            body,
            "<p class=\"muted\">{}</p>",
            ctx.t("Không có hộ nào.", "No households.")
        );
    } else {
        let rows: Vec<Vec<String>> = found
            .iter()
            .map(|f| {
                vec![
                    format!(
                        "<a href=\"/households/{}\">{}</a>",
                        html::url(&f.code),
                        esc(&f.name)
                    ),
                    esc(&relation_word(&f.relation, lang)),
                    esc(&html::date(&f.birth_date)),
                    esc(&f.code),
                    esc(f.village_name.as_deref().unwrap_or("")),
                    esc(&f.commune_name),
                ]
            })
            .collect();
        html::table(
            &mut body,
            "households",
            &[
                ctx.t("Họ tên", "Name"),
                ctx.t("Quan hệ với chủ hộ", "Relation to head"),
                ctx.t("Ngày sinh", "Born"),
                ctx.t("Mã hộ", "Household"),
                ctx.t("Thôn", "Village"),
                ctx.t("Xã", "Commune"),
            ],
            &rows,
        );
        if q.q.trim().is_empty() && found.len() as i64 == PAGE {
            if let Some(last) = found.last() {
                let _ = write!(
                    body,
                    "<p><a href=\"/households?after={}\">{} →</a></p>",
                    html::url(&last.code),
                    ctx.t("Trang sau", "Next page")
                );
            }
        } else if found.len() as i64 == SEARCH_LIMIT {
            let _ = write!(
                body,
                "<p class=\"muted\">{}</p>",
                ctx.t(
                    "Chỉ hiện 200 kết quả đầu: hãy gõ thêm.",
                    "Only the first 200 matches are shown: type more."
                )
            );
        }
    }
    Ok(staff_page(
        &state,
        &ctx,
        &a,
        ctx.t("Hộ gia đình", "Households"),
        &body,
    ))
}

/// A stored code in words: core's `name(lang)` of its type (the code itself if a database holds another).
pub fn relation_word(code: &str, lang: Lang) -> String {
    giamngheo_core::registry::Relation::parse(code)
        .map_or_else(|| code.to_owned(), |r| r.name(lang).to_owned())
}

fn area_word(code: &str, lang: Lang) -> String {
    Area::parse(code).map_or_else(|| code.to_owned(), |a| a.name(lang).to_owned())
}

fn event_word(code: &str, lang: Lang) -> String {
    giamngheo_core::registry::EventKind::parse(code)
        .map_or_else(|| code.to_owned(), |k| k.name(lang).to_owned())
}

/// A household's record for an account, or 404 if it does not exist or lies outside the account's units.
pub async fn load_household(
    state: &AppState,
    a: &Caller,
    code: String,
) -> Result<
    (
        giamngheo_store::households::HouseholdHistory,
        Vec<(i64, String, u32)>,
    ),
    WebError,
> {
    let actor = a.clone();
    state
        .pool
        .run(move |s| {
            let Some(w) = s.whereabouts(&code)? else {
                return Err(WebError::NotFound);
            };
            if !actor.sees_household(w.commune_id, w.village_id) {
                record(
                    s,
                    Some(&actor),
                    "refused",
                    &format!("household {code}"),
                    "outside the account's units",
                )?;
                return Err(WebError::NotFound);
            }
            let h = s.household_history(&code)?;
            let inputs = s.review_inputs(h.id)?;
            record(s, Some(&actor), "read", &format!("household {code}"), "")?;
            Ok((h, inputs))
        })
        .await
}

/// The explanation of a review's class in `lang`, from the classifier of its standard.
pub fn explain(
    state: &AppState,
    r: &giamngheo_store::reviews::ReviewView,
    input: Option<&(i64, String, u32)>,
    lang: Lang,
) -> String {
    let (Some(c), Some((_, area, bits))) = (state.classifier(&r.standard_id), input) else {
        return r.reason.clone();
    };
    let income = match (r.income_per_capita, r.income_score) {
        (Some(v), _) => Income::Vnd(v),
        (None, Some(s)) => Income::Score(s as u32),
        _ => return r.reason.clone(),
    };
    let Some(area) = Area::parse(area) else {
        return r.reason.clone();
    };
    match c.classify(area, income, DeprivationSet(*bits)) {
        Ok(o) => {
            let mut text = c.reason(&o, lang);
            let names: Vec<&str> = DeprivationSet(*bits)
                .iter()
                .filter_map(|i| c.standard().indicators.get(i))
                .map(|ind| lang.pick(&ind.short_vi, &ind.short_en))
                .collect();
            if !names.is_empty() {
                let _ = write!(
                    text,
                    " [{}: {}]",
                    lang.pick("thiếu hụt", "deprived on"),
                    names.join(", ")
                );
            }
            text
        }
        Err(_) => r.reason.clone(),
    }
}

pub async fn household(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> PageResult {
    let a = ctx.require(Action::ReadHouseholds)?.clone();
    let lang = ctx.lang;
    let (h, inputs) = load_household(&state, &a, code)
        .await
        .map_err(|e| ctx.fail(e))?;
    let mut body = String::new();
    let _ = write!(
        body,
        "<p class=\"muted\">{} {} · {} {}</p>",
        ctx.t("Đăng ký ngày", "Registered on"),
        esc(&html::date(&h.registered_on)),
        ctx.t("phiên bản", "version"),
        h.version
    );
    let _ = write!(body, "<h2>{}</h2>", ctx.t("Nơi ở", "Residence"));
    let rows: Vec<Vec<String>> = h
        .residences
        .iter()
        .rev()
        .map(|r| {
            vec![
                esc(&html::date(&r.since)),
                esc(&r.until.as_deref().map(html::date).unwrap_or_default()),
                esc(r.village_name.as_deref().unwrap_or("")),
                format!(
                    "<a href=\"/units/{}\">{}</a>",
                    html::url(&r.commune_code),
                    esc(&r.commune_name)
                ),
                esc(&area_word(&r.area, lang)),
                esc(&r.address),
            ]
        })
        .collect();
    html::table(
        &mut body,
        "residences",
        &[
            ctx.t("Từ", "From"),
            ctx.t("Đến", "Until"),
            ctx.t("Thôn", "Village"),
            ctx.t("Xã", "Commune"),
            ctx.t("Khu vực", "Area"),
            ctx.t("Địa chỉ", "Address"),
        ],
        &rows,
    );
    let _ = write!(body, "<h2>{}</h2>", ctx.t("Thành viên", "Members"));
    let rows: Vec<Vec<String>> = h
        .members
        .iter()
        .map(|m| {
            vec![
                esc(&m.name),
                esc(&relation_word(&m.relation, lang)),
                esc(match m.sex.as_str() {
                    "male" => ctx.t("nam", "male"),
                    "female" => ctx.t("nữ", "female"),
                    s => s,
                }),
                esc(&html::date(&m.birth_date)),
                esc(&m.ethnicity),
                esc(m.citizen_id.as_deref().unwrap_or("")),
                esc(&html::date(&m.since)),
                esc(&m.until.as_deref().map(html::date).unwrap_or_default()),
            ]
        })
        .collect();
    html::table(
        &mut body,
        "members",
        &[
            ctx.t("Họ tên", "Name"),
            ctx.t("Quan hệ", "Relation"),
            ctx.t("Giới tính", "Sex"),
            ctx.t("Ngày sinh", "Born"),
            ctx.t("Dân tộc", "Ethnicity"),
            ctx.t("Số định danh", "Citizen ID"),
            ctx.t("Từ", "From"),
            ctx.t("Đến", "Until"),
        ],
        &rows,
    );
    let _ = write!(body, "<h2>{}</h2>", ctx.t("Kết quả rà soát", "Reviews"));
    if h.reviews.is_empty() {
        let _ = write!(
            body,
            "<p class=\"muted\">{}</p>",
            ctx.t("Chưa có.", "None yet.")
        );
    } else {
        let rows: Vec<Vec<String>> = h
            .reviews
            .iter()
            .rev()
            .map(|r| {
                let input = inputs.iter().find(|i| i.0 == r.id);
                let income = match (r.income_per_capita, r.income_score) {
                    (Some(v), _) => giamngheo_core::vi_format::vnd(v, lang),
                    (None, Some(s)) => format!("{} {}", s, ctx.t("điểm", "points")),
                    _ => String::new(),
                };
                vec![
                    r.year.to_string(),
                    esc(&html::date(&r.review_date)),
                    esc(&r.standard_id),
                    esc(&income),
                    r.deprivation_count.to_string(),
                    format!(
                        "<strong>{}</strong>",
                        esc(&class_word(
                            r.decided_class.as_deref().unwrap_or(&r.computed_class),
                            lang
                        ))
                    ),
                    esc(&r
                        .decided_on
                        .as_deref()
                        .map(html::date)
                        .unwrap_or_else(|| ctx.t("chưa quyết định", "not decided").to_owned())),
                    esc(&explain(&state, r, input, lang)),
                ]
            })
            .collect();
        html::table(
            &mut body,
            "reviews",
            &[
                ctx.t("Năm", "Year"),
                ctx.t("Ngày rà soát", "Reviewed"),
                ctx.t("Chuẩn", "Standard"),
                ctx.t("Thu nhập bình quân", "Income per head"),
                ctx.t("Số chỉ số thiếu hụt", "Deprivations"),
                ctx.t("Phân loại", "Class"),
                ctx.t("Quyết định", "Decided"),
                ctx.t("Vì sao", "Why"),
            ],
            &rows,
        );
    }
    // Issue 4 adds support received and the household's transitions here.
    let _ = write!(body, "<h2>{}</h2>", ctx.t("Biến động", "Events"));
    let rows: Vec<Vec<String>> = h
        .events
        .iter()
        .rev()
        .map(|e| {
            vec![
                esc(&html::date(&e.date)),
                esc(&event_word(&e.kind, lang)),
                esc(e.person.as_deref().unwrap_or("")),
                esc(&e.note),
            ]
        })
        .collect();
    html::table(
        &mut body,
        "events",
        &[
            ctx.t("Ngày", "Date"),
            ctx.t("Sự kiện", "Event"),
            ctx.t("Người", "Person"),
            ctx.t("Ghi chú", "Note"),
        ],
        &rows,
    );
    let title = format!("{} {}", ctx.t("Hộ", "Household"), h.code);
    Ok(staff_page(&state, &ctx, &a, &title, &body))
}

pub async fn unit(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> PageResult {
    let a = ctx.actor()?.clone();
    let lang = ctx.lang;
    let (u, parent, children, lineage) = state
        .pool
        .run(move |s| {
            let Some(u) = s.unit_by_code(&code, today())?.or(s.unit_any(&code)?) else {
                return Err(WebError::NotFound);
            };
            let on = match &u.valid_until {
                Some(d) => Date::parse(d).unwrap_or_else(|_| today()),
                None => today(),
            };
            let parent = s.parent_at(u.id, on)?;
            let children = s.children_at(u.id, on)?;
            let lineage = s.unit_lineage(u.id)?;
            Ok((u, parent, children, lineage))
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    let mut body = String::new();
    let valid = format!(
        "{} – {}",
        u.valid_from
            .as_deref()
            .map(html::date)
            .unwrap_or_else(|| "…".into()),
        u.valid_until
            .as_deref()
            .map(html::date)
            .unwrap_or_else(|| ctx.t("nay", "now").into())
    );
    let _ = write!(
        body,
        "<p>{} · {} {} · {} {}</p>",
        u.level.name(lang),
        ctx.t("mã", "code"),
        esc(&u.code),
        ctx.t("hiệu lực", "valid"),
        esc(&valid)
    );
    if let Some(p) = &parent {
        let _ = write!(
            body,
            "<p>{}: <a href=\"/units/{}\">{}</a></p>",
            ctx.t("Trực thuộc", "Part of"),
            html::url(&p.code),
            esc(&p.name)
        );
    }
    if a.sees_unit(u.id) && u.valid_until.is_none() {
        let _ = write!(
            body,
            "<p><a href=\"/dashboard?unit={}\">{}</a></p>",
            html::url(&u.code),
            ctx.t("Xem tổng quan", "Open the dashboard")
        );
    }
    if !lineage.is_empty() {
        let _ = write!(
            body,
            "<h2>{}</h2>",
            ctx.t("Lịch sử địa giới", "Boundary history")
        );
        let rows: Vec<Vec<String>> = lineage
            .iter()
            .map(|l| {
                vec![
                    esc(&html::date(&l.date)),
                    esc(if l.outgoing {
                        ctx.t("chuyển vào", "went into")
                    } else {
                        ctx.t("nhận từ", "took in")
                    }),
                    format!(
                        "<a href=\"/units/{}\">{}</a> ({})",
                        html::url(&l.other_code),
                        esc(&l.other_name),
                        esc(&l.other_code)
                    ),
                    esc(&l.kind),
                    l.share
                        .map(|s| html::pct(s * 100.0, lang))
                        .unwrap_or_default(),
                ]
            })
            .collect();
        html::table(
            &mut body,
            "lineage",
            &[
                ctx.t("Ngày", "Date"),
                ctx.t("Hướng", "Direction"),
                ctx.t("Đơn vị", "Unit"),
                ctx.t("Loại", "Kind"),
                ctx.t("Tỷ lệ (%)", "Share (%)"),
            ],
            &rows,
        );
    }
    if !children.is_empty() {
        let _ = write!(
            body,
            "<h2>{} ({})</h2><ul>",
            ctx.t("Đơn vị trực thuộc", "Units under it"),
            children.len()
        );
        for c in &children {
            let _ = write!(
                body,
                "<li><a href=\"/units/{}\">{}</a> <span class=\"muted\">{}</span></li>",
                html::url(&c.code),
                esc(&c.name),
                esc(&c.code)
            );
        }
        body.push_str("</ul>");
    }
    Ok(staff_page(&state, &ctx, &a, &u.name, &body))
}

pub async fn import_form(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let a = ctx.require(Action::EditRegistry)?.clone();
    let body = import_form_html(&state, &ctx, &a);
    Ok(staff_page(
        &state,
        &ctx,
        &a,
        ctx.t("Nhập hộ từ tệp", "Import households"),
        &body,
    ))
}

fn import_form_html(state: &AppState, ctx: &Ctx, a: &Caller) -> String {
    format!(
        "<form method=\"post\" action=\"/import\" enctype=\"multipart/form-data\" class=\"box\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <label for=\"file\">{}</label><input id=\"file\" type=\"file\" name=\"file\" accept=\".csv,.xlsx\" required>\
         <label for=\"as_of\">{}</label><input id=\"as_of\" name=\"as_of\" placeholder=\"dd/mm/yyyy\" value=\"{}\">\
         <p><button type=\"submit\">{}</button></p></form><p class=\"muted\">{}</p>",
        esc(&state.sessions.form_token(&a.token)),
        ctx.t("Tệp CSV hoặc XLSX, mỗi dòng một nhân khẩu", "A CSV or XLSX file, one row per member"),
        ctx.t("Dữ liệu tính đến ngày", "The data is as of"),
        today().vi(),
        ctx.t("Kiểm tra và nhập", "Check and import"),
        ctx.t(
            "Cột: household_code, commune_code, village, area, address, full_name, relation, sex, birth_date, ethnicity, citizen_id (chấp nhận tiêu đề tiếng Việt). Nếu có lỗi, không dòng nào được nhập.",
            "Columns: household_code, commune_code, village, area, address, full_name, relation, sex, birth_date, ethnicity, citizen_id (Vietnamese headers accepted). If anything is wrong, nothing is imported."
        )
    )
}

/// An uploaded file, parsed; problems come back with their row and column.
fn parse_upload(
    name: &str,
    bytes: &[u8],
) -> Result<
    Vec<(u64, giamngheo_core::registry::HouseholdRecord)>,
    Vec<giamngheo_formats::households::ImportProblem>,
> {
    if name.to_ascii_lowercase().ends_with(".xlsx") {
        // Read from memory: no temporary file that others could read or that a crash would leave behind.
        let mut t = match giamngheo_formats::xlsx::read_workbook(std::io::Cursor::new(bytes), name)
        {
            Ok(t) => t,
            Err(e) => {
                return Err(vec![giamngheo_formats::households::ImportProblem {
                    file: name.to_owned(),
                    sheet: None,
                    row: e.row.unwrap_or(0),
                    column: None,
                    kind: giamngheo_formats::households::ProblemKind::Unreadable(e.kind),
                }]);
            }
        };
        giamngheo_formats::households::read_households(&mut t, today())
    } else {
        giamngheo_formats::households::read_households_csv(bytes, name, today(), 2)
    }
}

pub async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let a = ctx.require(Action::EditRegistry)?.clone();
    let lang = ctx.lang;
    let Ok(mut mp) = multipart else {
        return Err(ctx.fail(WebError::bad(
            "Biểu mẫu tải lên không hợp lệ (multipart).",
            "Malformed upload form (multipart).",
        )));
    };
    let (mut token, mut as_of, mut file) = (String::new(), String::new(), None);
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                let too_large = e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                let actor = a.clone();
                state
                    .pool
                    .run(move |s| {
                        record(
                            s,
                            Some(&actor),
                            "refused",
                            "import",
                            if too_large { "too large" } else { "malformed" },
                        )
                    })
                    .await
                    .map_err(|e| ctx.fail(e))?;
                return Err(ctx.fail(if too_large {
                    WebError::TooLarge
                } else {
                    WebError::bad(
                        "Tệp tải lên không đọc được (file).",
                        "The upload could not be read (file).",
                    )
                }));
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        let filename = field.file_name().map(str::to_owned);
        let data = match field.bytes().await {
            Ok(d) => d,
            Err(e) => {
                let too_large = e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                return Err(ctx.fail(if too_large {
                    WebError::TooLarge
                } else {
                    WebError::bad(
                        "Tệp tải lên không đọc được (file).",
                        "The upload could not be read (file).",
                    )
                }));
            }
        };
        match name.as_str() {
            "csrf" => token = String::from_utf8_lossy(&data).into_owned(),
            "as_of" => as_of = String::from_utf8_lossy(&data).trim().to_owned(),
            "file" => file = Some((filename.unwrap_or_else(|| "upload.csv".into()), data)),
            _ => {}
        }
    }
    check_post(&state, &ctx, &a, &token, "import").await?;
    let Some((filename, data)) = file.filter(|f| !f.1.is_empty()) else {
        return Err(ctx.fail(WebError::bad("Chưa chọn tệp.", "No file was chosen.")));
    };
    let as_of = if as_of.is_empty() {
        today()
    } else {
        Date::parse(&as_of).map_err(|_| {
            ctx.fail(WebError::bad(
                format!("Ngày không hợp lệ: {as_of}"),
                format!("Not a date: {as_of}"),
            ))
        })?
    };
    let actor = a.clone();
    let fname = filename.clone();
    // What the import says, ready to show: (problems as row, column, message) or the summary.
    let outcome: Result<String, Vec<(u64, String, String)>> = state
        .pool
        .run(move |s| {
            let records = match parse_upload(&fname, &data) {
                Ok(r) => r,
                Err(problems) => {
                    record(
                        s,
                        Some(&actor),
                        "import_refused",
                        &fname,
                        &format!("{} problems", problems.len()),
                    )?;
                    return Ok(Err(problems
                        .iter()
                        .map(|p| (p.row, p.column.clone().unwrap_or_default(), p.message(lang)))
                        .collect()));
                }
            };
            // The store checks the account's units (where each household lives now and where it goes) and
            // records the import under the account's name in the import's own transaction.
            match s.import_households(&actor.writer(), &records, as_of, &mut |_| {}) {
                Ok(sum) => Ok(Ok(format!(
                    "{}: {} {}, {} {}, {} {}, {} {}.",
                    lang.pick("Đã nhập", "Imported"),
                    html::int(sum.added as i64, lang),
                    lang.pick("hộ mới", "new households"),
                    html::int(sum.updated as i64, lang),
                    lang.pick("hộ thay đổi", "changed"),
                    html::int(sum.unchanged as i64, lang),
                    lang.pick("hộ không đổi", "unchanged"),
                    html::int(sum.members_added as i64, lang),
                    lang.pick("nhân khẩu mới", "new members")
                ))),
                Err(giamngheo_store::StoreError::Rejected(rej)) => {
                    record(
                        s,
                        Some(&actor),
                        "import_refused",
                        &fname,
                        &format!("{} rejections", rej.len()),
                    )?;
                    Ok(Err(rej
                        .iter()
                        .map(|r| (r.row, r.field.to_owned(), r.message(lang)))
                        .collect()))
                }
                Err(e) => Err(e.into()),
            }
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    let mut body = String::new();
    let status = match outcome {
        Ok(summary) => {
            let _ = write!(body, "<p class=\"box\">{}</p>", esc(&summary));
            StatusCode::OK
        }
        Err(problems) => {
            let _ = write!(
                body,
                "<p class=\"error\">{} {} — {}</p>",
                esc(&filename),
                ctx.t("có lỗi, chưa nhập gì", "has problems; nothing was imported"),
                html::int(problems.len() as i64, lang)
            );
            let rows: Vec<Vec<String>> = problems
                .iter()
                .take(1000)
                .map(|(r, c, m)| vec![r.to_string(), esc(c), esc(m)])
                .collect();
            html::table(
                &mut body,
                "problems",
                &[
                    ctx.t("Dòng", "Row"),
                    ctx.t("Cột", "Column"),
                    ctx.t("Lỗi", "Problem"),
                ],
                &rows,
            );
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    body.push_str(&import_form_html(&state, &ctx, &a));
    let n = nav(&state, &ctx, &a);
    Ok(respond(
        &ctx,
        status,
        page(
            lang,
            ctx.t("Nhập hộ từ tệp", "Import households"),
            Some(&n),
            &body,
        ),
    ))
}

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    unit: Option<String>,
    from: Option<i32>,
    to: Option<i32>,
}

pub async fn reports(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let a = ctx.require(Action::ReadReports)?.clone();
    let year = today().year();
    let unit = a.unit_code.clone().unwrap_or_default();
    let body = format!(
        "<form method=\"get\" action=\"/reports/rates.csv\" class=\"box\">\
         <label for=\"unit\">{}</label><input id=\"unit\" name=\"unit\" value=\"{}\" required>\
         <label for=\"from\">{}</label><input id=\"from\" name=\"from\" type=\"number\" value=\"2015\">\
         <label for=\"to\">{}</label><input id=\"to\" name=\"to\" type=\"number\" value=\"{}\">\
         <p><button type=\"submit\">{} CSV</button> <button type=\"submit\" formaction=\"/reports/rates.xlsx\">{} XLSX</button> <button type=\"submit\" formaction=\"/reports/rates.pdf\">{} PDF</button></p></form>\
         <p class=\"muted\">{}</p>",
        ctx.t("Mã đơn vị", "Unit code"),
        esc(&unit),
        ctx.t("Từ năm", "From year"),
        ctx.t("Đến năm", "To year"),
        year,
        ctx.t("Tải", "Download"),
        ctx.t("Tải", "Download"),
        ctx.t("Tải", "Download"),
        ctx.t(
            "Tỷ lệ hộ nghèo, cận nghèo theo năm, trên địa giới hôm nay.",
            "Poor and near-poor rates by year, on today's boundaries."
        )
    );
    Ok(staff_page(
        &state,
        &ctx,
        &a,
        ctx.t("Báo cáo", "Reports"),
        &body,
    ))
}

/// The rates of a unit for a report, checked against the account's units.
async fn report_rates(
    state: &AppState,
    ctx: &Ctx,
    q: ReportQuery,
) -> Result<(Unit, Vec<YearRate>), Failure> {
    let a = ctx.require(Action::ReadReports)?.clone();
    let (from, to) = (q.from.unwrap_or(2015), q.to.unwrap_or(today().year()));
    if from > to || from < 1990 || to > 2100 {
        return Err(ctx.fail(WebError::bad(
            "Khoảng năm không hợp lệ.",
            "Bad span of years.",
        )));
    }
    let Some(u) = chosen_unit(state, ctx, &a, q.unit).await? else {
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

fn attachment(name: &str, mime: &'static str, body: Vec<u8>) -> Response {
    let disp = format!("attachment; filename=\"{name}\"");
    let mut r = ([(header::CONTENT_TYPE, mime)], body).into_response();
    if let Ok(v) = HeaderValue::from_str(&disp) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

pub async fn rates_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> PageResult {
    let q = q
        .map_err(|_| ctx.fail(WebError::bad("Tham số không hợp lệ.", "Malformed query.")))?
        .0;
    let (u, rates) = report_rates(&state, &ctx, q).await?;
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
    ctx: Ctx,
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> PageResult {
    let q = q
        .map_err(|_| ctx.fail(WebError::bad("Tham số không hợp lệ.", "Malformed query.")))?
        .0;
    let (u, rates) = report_rates(&state, &ctx, q).await?;
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
    ctx: Ctx,
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> PageResult {
    use giamngheo_report::pdf::{Document, Orientation};
    let q = q
        .map_err(|_| ctx.fail(WebError::bad("Tham số không hợp lệ.", "Malformed query.")))?
        .0;
    let (u, rates) = report_rates(&state, &ctx, q).await?;
    let table = giamngheo_app::reports::rates_table(&u, today(), &rates, ctx.lang);
    let mut doc = Document::new(
        &table.title,
        Orientation::for_table(&table, ctx.lang),
        ctx.lang,
    );
    doc.heading(&table.title);
    doc.table(&table);
    Ok(crate::forms::pdf_response(
        &format!("ty-le-ho-ngheo-{}.pdf", u.code),
        doc.finish(),
    ))
}

pub async fn audit(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let a = ctx.require(Action::ReadAudit)?.clone();
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
    let mut body = String::new();
    // The head, to compare with the checkpoints the province keeps (`giamngheo audit checkpoint`).
    let head = giamngheo_core::audit::short_head(head_count, &head_hash);
    match chain {
        Ok(n) => {
            let _ = write!(
                body,
                "<p class=\"box\">{} {} {} · {} <code>{}</code></p>",
                ctx.t("Chuỗi băm nguyên vẹn:", "Hash chain intact:"),
                html::int(n as i64, ctx.lang),
                ctx.t("mục", "entries"),
                ctx.t("đầu chuỗi", "head"),
                esc(&head)
            );
        }
        Err(b) => {
            let _ = write!(
                body,
                "<p class=\"error\">{} {}</p>",
                ctx.t("Chuỗi băm bị đứt:", "Hash chain broken:"),
                esc(&b.message(ctx.lang))
            );
        }
    }
    if !whole {
        let _ = write!(
            body,
            "<p class=\"muted\" id=\"scope-note\">{}</p>",
            ctx.t(
                "Chỉ hiện các mục về hộ gia đình, đợt rà soát và đơn vị trong địa bàn của bạn. Các mục không gắn với đơn vị nào (tài khoản, danh mục đơn vị, chuẩn nghèo, nhập dữ liệu cả tệp, đăng nhập) và sự kiện bảo mật chỉ quản trị viên xem được.",
                "Only entries about households, review rounds and units inside your area are shown. Entries without a unit (accounts, unit lists, standards, whole-file imports, logins) and security events are shown only to administrators."
            )
        );
    }
    let _ = write!(
        body,
        "<h2>{}</h2>",
        ctx.t(
            "Nhật ký kiểm toán (300 mục mới nhất)",
            "Audit log (latest 300)"
        )
    );
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|(e, _)| {
            vec![
                e.seq.to_string(),
                esc(&e.at),
                esc(&e.actor),
                esc(&e.role),
                esc(&e.origin),
                esc(&e.action),
                esc(&format!("{} {}", e.entity, e.entity_id)),
                esc(e.reason.as_deref().unwrap_or("")),
            ]
        })
        .collect();
    html::table(
        &mut body,
        "log",
        &[
            "#",
            ctx.t("Thời điểm (UTC)", "Time (UTC)"),
            ctx.t("Người", "Who"),
            ctx.t("Vai trò", "Role"),
            ctx.t("Từ", "From"),
            ctx.t("Việc", "Action"),
            ctx.t("Đối tượng", "Target"),
            ctx.t("Chi tiết", "Detail"),
        ],
        &rows,
    );
    if !whole {
        return Ok(staff_page(
            &state,
            &ctx,
            &a,
            ctx.t("Nhật ký", "Logs"),
            &body,
        ));
    }
    let _ = write!(
        body,
        "<h2>{}</h2>",
        ctx.t(
            "Sự kiện bảo mật không gắn tài khoản",
            "Security events without an account"
        )
    );
    let rows: Vec<Vec<String>> = security
        .iter()
        .map(|e| vec![esc(&e.at), esc(&e.action), esc(&e.target), esc(&e.detail)])
        .collect();
    html::table(
        &mut body,
        "security",
        &[
            ctx.t("Thời điểm (UTC)", "Time (UTC)"),
            ctx.t("Việc", "Action"),
            ctx.t("Đối tượng", "Target"),
            ctx.t("Chi tiết", "Detail"),
        ],
        &rows,
    );
    Ok(staff_page(
        &state,
        &ctx,
        &a,
        ctx.t("Nhật ký", "Logs"),
        &body,
    ))
}

/// Feedback and complaints from the public pages of the communes inside the account's units. Issue 4's
/// complaints queue takes the complaints over; until then they are read here.
pub async fn feedback(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let a = ctx.require(Action::ReadFeedback)?.clone();
    let actor = a.clone();
    let items = state
        .pool
        .run(move |s| {
            let items = s.feedback_in_scope(actor.scope_account(), 500)?;
            record(
                s,
                Some(&actor),
                "read",
                "feedback",
                &format!("{} items", items.len()),
            )?;
            Ok(items)
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|(f, commune)| {
            vec![
                esc(&f.received_at),
                esc(commune),
                esc(if f.kind == "complaint" {
                    ctx.t("khiếu nại", "complaint")
                } else {
                    ctx.t("góp ý", "feedback")
                }),
                esc(&f.name),
                esc(&f.contact),
                esc(&f.message),
            ]
        })
        .collect();
    let mut body = String::new();
    if rows.is_empty() {
        let _ = write!(
            body,
            "<p class=\"muted\">{}</p>",
            ctx.t("Chưa có góp ý nào.", "No feedback yet.")
        );
    } else {
        html::table(
            &mut body,
            "feedback",
            &[
                ctx.t("Nhận lúc (UTC)", "Received (UTC)"),
                ctx.t("Xã", "Commune"),
                ctx.t("Loại", "Kind"),
                ctx.t("Người gửi", "From"),
                ctx.t("Liên hệ", "Contact"),
                ctx.t("Nội dung", "Message"),
            ],
            &rows,
        );
    }
    Ok(staff_page(
        &state,
        &ctx,
        &a,
        ctx.t(
            "Góp ý, khiếu nại từ trang công khai",
            "Feedback from the public pages",
        ),
        &body,
    ))
}

/// Roles by name for the command line.
pub fn parse_role(s: &str) -> Option<Role> {
    Role::parse(s)
}
