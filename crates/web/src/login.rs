//! Logging in and out: the only staff handlers that run before a session exists (the login form is bound to a
//! cookie instead of a session), so their origin checks and throttling are read in one place.

use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::auth::{self, Caller};
use crate::error::WebError;
use crate::extract::{Ctx, Staff};
use crate::html::{Markup, html, page};
use crate::layout::{PageResult, posted, record, respond};
use crate::state::AppState;
use giamngheo_store::today;

pub async fn home(ctx: Ctx) -> Response {
    if ctx.actor.is_some() {
        Redirect::to("/dashboard").into_response()
    } else {
        Redirect::to("/login").into_response()
    }
}

fn login_page(ctx: &Ctx, pre: &str, error: Option<&str>, name: &str) -> Markup {
    let body = html! {
        @if let Some(e) = error {
            p.error { (e) }
        }
        form method="post" action="/login" class="box" style="max-width:24rem" {
            input type="hidden" name="csrf" value=(pre);
            label for="name" { (ctx.t("Tên đăng nhập", "User name")) }
            input id="name" name="name" autocomplete="username" required value=(name);
            label for="password" { (ctx.t("Mật khẩu", "Password")) }
            input id="password" name="password" type="password" autocomplete="current-password" required;
            p { button type="submit" { (ctx.t("Đăng nhập", "Log in")) } }
        }
    };
    page(ctx.lang, ctx.t("Đăng nhập", "Log in"), None, body)
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

pub async fn logout(
    State(state): State<AppState>,
    Staff { ctx, caller: a }: Staff,
    form: Result<Form<TokenForm>, FormRejection>,
) -> PageResult {
    posted(&state, &ctx, &a, form, |f| &f.csrf, "logout").await?;
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

/// This resource's routes, merged into the app's by `crate::router`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
}
