//! The openings of handlers, as extractors: the request's language and session ([`Ctx`]), a logged-in account
//! ([`Staff`]), an account whose role may take an action ([`Allowed`]). Apart from `auth`, which keeps the
//! sessions and passwords, so that the state can hold the sessions and these can read the state without the two
//! files importing each other.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use giamngheo_core::Lang;
use giamngheo_core::round::Action;

use crate::auth::{Caller, SESSION_COOKIE, cookie, request_lang};
use crate::error::{Failure, WebError};
use crate::state::AppState;

/// The request's language (`?lang=` first, then the cookie, Vietnamese by default) and its session.
pub struct Ctx {
    pub lang: Lang,
    /// The language was chosen in the query: the response sets the cookie.
    pub lang_chosen: bool,
    pub api: bool,
    pub actor: Option<Caller>,
    pub headers: HeaderMap,
    pub peer: Option<String>,
}

impl Ctx {
    pub fn fail(&self, error: WebError) -> Failure {
        Failure {
            error,
            lang: self.lang,
            api: self.api,
        }
    }

    /// The logged-in account, or the login page / 401.
    pub fn actor(&self) -> Result<&Caller, Failure> {
        self.actor
            .as_ref()
            .ok_or_else(|| self.fail(WebError::NotLoggedIn { api: self.api }))
    }

    /// The logged-in account if its role may take `action`.
    pub fn require(&self, action: Action) -> Result<&Caller, Failure> {
        let a = self.actor()?;
        if a.may(action) {
            Ok(a)
        } else {
            Err(self.fail(WebError::Forbidden))
        }
    }

    pub fn t<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(vi, en)
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (lang, lang_chosen) = request_lang(&parts.uri, &parts.headers);
        let peer_ip = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        let (peer, _) = state.trust.client(peer_ip, &parts.headers);
        let actor = match cookie(&parts.headers, SESSION_COOKIE) {
            Some(t) if !t.is_empty() => state.sessions.actor(t).await,
            _ => None,
        }
        .map(|mut a| {
            if let Some(p) = &peer {
                a.who.origin = format!("web {p}");
            }
            a
        });
        Ok(Ctx {
            lang,
            lang_chosen,
            api: parts.uri.path().starts_with("/api/"),
            actor,
            headers: parts.headers.clone(),
            peer,
        })
    }
}

/// The opening of a handler for logged-in accounts only: the request's context and its account, or the
/// login page (401 for the API).
pub struct Staff {
    pub ctx: Ctx,
    pub caller: Caller,
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Failure> {
        let Ok(ctx) = Ctx::from_request_parts(parts, state).await;
        let caller = ctx.actor()?.clone();
        Ok(Staff { ctx, caller })
    }
}

/// An action a handler requires of the account's role, as a type: `Allowed<may::ReadHouseholds>`.
pub trait Permission {
    const ACTION: Action;
}

/// The actions handlers open with, one type each (core's `Action` names them).
pub mod may {
    use super::{Action, Permission};

    macro_rules! permissions {
        ($($action:ident),*) => {$(
            pub struct $action;
            impl Permission for $action {
                const ACTION: Action = Action::$action;
            }
        )*};
    }

    permissions!(
        ReadHouseholds,
        EditRegistry,
        ReadReports,
        ReadAudit,
        ReadFeedback,
        AnswerFeedback
    );
}

/// The opening of a handler that reads or writes registry data: the request's context and an account whose
/// role may take `P::ACTION` (core's one table, `Role::may`), or the login page / 401 without a session and 403
/// in the request's language without the right. The account's units are checked by the handler, per record.
pub struct Allowed<P> {
    pub ctx: Ctx,
    pub caller: Caller,
    permission: std::marker::PhantomData<P>,
}

impl<P: Permission> FromRequestParts<AppState> for Allowed<P> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Failure> {
        let Ok(ctx) = Ctx::from_request_parts(parts, state).await;
        let caller = ctx.require(P::ACTION)?.clone();
        Ok(Allowed {
            ctx,
            caller,
            permission: std::marker::PhantomData,
        })
    }
}

/// The query string read as `T`. One that does not read (a letter where a year goes) is the bilingual 400 in
/// the page's language, the same for every page, instead of axum's text naming our field types.
pub struct Params<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send> FromRequestParts<AppState> for Params<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Failure> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(q)) => Ok(Params(q)),
            Err(_) => Err(Failure {
                error: WebError::bad("Tham số không hợp lệ.", "Malformed query."),
                lang: request_lang(&parts.uri, &parts.headers).0,
                api: parts.uri.path().starts_with("/api/"),
            }),
        }
    }
}
