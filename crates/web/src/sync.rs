//! Sync over HTTP (issue 16): a commune's database talks to its province's server with the same sealed
//! bundles it can carry as files (`app::sync_file`).
//!
//! - `POST /api/sync/init` with `{"account", "password", "commune"}` (JSON): a commune officer of that
//!   commune (or an administrator) sets up the device. The answer is the file that makes its database; its
//!   key is the device's token from then on, bound to the account and the commune.
//! - `POST /api/sync` with a sealed bundle as the body: checked against the key of the device it names, applied
//!   as the device's account (its role and units bound every record, as on every write), and answered with the
//!   server's bundle for that device, sealed alike. A bundle sent twice changes nothing more.
//!
//! Only bundles sealed with a device's key are read, so these routes take no session or form token; the
//! login throttle guards the password of `init`.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use giamngheo_app::sync_file::{self, Kind};
use giamngheo_core::Lang;
use giamngheo_core::round::Role;
use giamngheo_store::StoreError;
use giamngheo_store::audit::Actor;
use giamngheo_store::scope::Scope;
use giamngheo_store::sync::{self, SyncProblem};
use serde::Deserialize;

use crate::auth;
use crate::error::WebError;
use crate::state::AppState;

/// A sync request's body: a commune's first upload holds all it registered offline (a commune of 10,000
/// households is about 15 MB of text, a third of that gzipped).
pub const MAX_SYNC: usize = 256 << 20;
/// What a sync body may inflate to before its seal is checked: four times the largest first upload
/// measured (a commune of 40,000 households is about 20 MB gzipped).
pub const MAX_SYNC_TEXT: u64 = 512 << 20;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/sync", post(sync_bundle))
        .route("/api/sync/init", post(init))
        .layer(DefaultBodyLimit::max(MAX_SYNC))
}

#[derive(Deserialize)]
pub struct InitRequest {
    account: String,
    password: String,
    commune: String,
}

fn gzip(bytes: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "application/gzip")], bytes).into_response()
}

fn refused(e: WebError) -> Response {
    e.respond(Lang::Vi, true)
}

fn problem(p: SyncProblem) -> WebError {
    let status_vi = p.message(Lang::Vi);
    let status_en = p.message(Lang::En);
    match p {
        SyncProblem::Tampered | SyncProblem::UnknownPeer(_) => WebError::Forbidden,
        _ => WebError::bad(status_vi, status_en),
    }
}

fn web(e: StoreError) -> WebError {
    match e {
        StoreError::Sync(p) => problem(p),
        e => e.into(),
    }
}

/// The acting person of a device: its account, inside the account's units.
fn device_actor(s: &mut giamngheo_store::Store, account: i64) -> Result<Actor, StoreError> {
    let a = s
        .account(account)?
        .filter(|a| !a.disabled)
        .ok_or(StoreError::Sync(SyncProblem::UnknownPeer(format!(
            "account {account}"
        ))))?;
    let scope = match a.unit_id {
        Some(_) => Scope::units(s.refresh_scope(a.id, giamngheo_store::today())?),
        None => Scope::Everywhere,
    };
    Ok(Actor::new(&a.name, a.role, "sync").account(a.id, scope))
}

async fn init(State(state): State<AppState>, body: Bytes) -> Response {
    let Ok(req) = serde_json::from_slice::<InitRequest>(&body) else {
        return refused(WebError::bad(
            "Yêu cầu cần account, password và commune (JSON).",
            "The request needs account, password and commune (JSON).",
        ));
    };
    let user_key = giamngheo_store::accounts::name_key(&req.account);
    if state.sessions.login_allowed(&user_key, None).is_err() {
        return refused(WebError::TooManyAttempts);
    }
    let dummy = state.dummy_hash.clone();
    let result = state
        .pool
        .run(move |s| {
            let acc = s.account_by_name(&req.account)?;
            let ok = match &acc {
                Some(a) if !a.disabled => auth::verify_password(&req.password, &a.password_hash),
                _ => {
                    auth::verify_password(&req.password, &dummy);
                    false
                }
            };
            let Some(a) = acc.filter(|_| ok) else {
                return Ok(Err(WebError::NotLoggedIn { api: true }));
            };
            let commune = s
                .unit_by_code(&req.commune, giamngheo_store::today())?
                .filter(|u| u.level == giamngheo_core::ids::UnitLevel::Commune);
            let actor = device_actor(s, a.id)?;
            // A commune officer of that commune, or an administrator of the whole country; the store checks the
            // commune against the account's units again.
            let allowed = match (&commune, a.role) {
                (Some(c), Role::CommuneOfficer) => actor.scope.covers_unit(c.id),
                (Some(_), Role::Administrator) => a.unit_id.is_none(),
                _ => false,
            };
            let Some(commune) = commune.filter(|_| allowed) else {
                return Ok(Err(WebError::Forbidden));
            };
            let peer = s.sync_add_commune(&actor, commune.id, Some(a.id))?;
            let init = s.sync_init_bundle(&peer.peer)?;
            Ok(Ok(sync::text::bundle_to_text(&init.bundle, Some(&init))))
        })
        .await;
    match result {
        Ok(Ok(text)) => {
            state.sessions.login_succeeded(&user_key);
            match sync_file::seal(Kind::Init, &text, None) {
                Ok(bytes) => gzip(bytes),
                Err(e) => refused(web(e)),
            }
        }
        Ok(Err(e)) => {
            if matches!(e, WebError::NotLoggedIn { .. }) {
                state.sessions.login_failed(&user_key, None);
            }
            refused(e)
        }
        Err(e) => refused(e),
    }
}

async fn sync_bundle(State(state): State<AppState>, body: Bytes) -> Response {
    let opened = match sync_file::open_within(&body, MAX_SYNC_TEXT) {
        Ok(o) if o.kind == Kind::Bundle => o,
        Ok(_) => return refused(problem(SyncProblem::Malformed("an init file".into()))),
        Err(e) => return refused(web(e)),
    };
    let result = state
        .pool
        .run(move |s| {
            let origin = sync::text::sender_origin(&opened.text)?;
            let peer = s.sync_peer_of_origin(origin)?.ok_or(StoreError::Sync(
                SyncProblem::UnknownPeer(format!("origin {origin}")),
            ))?;
            let text = opened.verified(Some(&peer.key_hex))?;
            let (bundle, _) = sync::text::bundle_from_text(text)?;
            let account = peer
                .account_id
                .ok_or(StoreError::Sync(SyncProblem::UnknownPeer(
                    peer.peer.clone(),
                )))?;
            let actor = device_actor(s, account)?;
            s.sync_receive(&actor, &peer.peer, &bundle)?;
            let answer = s.sync_bundle(&peer.peer)?;
            let text = sync::text::bundle_to_text(&answer, None);
            Ok(sync_file::seal(Kind::Bundle, &text, Some(&peer.key_hex))?)
        })
        .await;
    match result {
        Ok(bytes) => gzip(bytes),
        Err(e) => match e {
            WebError::Store(se) => refused(web(se)),
            e => refused(e),
        },
    }
}
