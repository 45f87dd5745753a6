//! giamngheo-web: the staff pages (server-rendered HTML, Vietnamese first, English second), the public commune
//! page, and a JSON API with its OpenAPI document, over the synchronous store called from a blocking pool.
//!
//! **Architecture invariant:** every handler that reads or writes registry data checks the account's role
//! (it opens with the extractor `extract::Allowed<may::Action>`, core's one table `Role::may`) and its units
//! on the server (`Caller::sees_*`, or the `account_scope` join in SQL); a household outside them is answered
//! 404, exactly as one that does not exist.
//!
//! Each resource module (login, dashboard, households, units, rounds, forms, reports, audit_log, feedback,
//! public, api, import) has its handlers and its `routes()`; the pieces they share are in `layout` and `html`,
//! the openings of handlers in `extract`, what requests share in `state`. No module imports the crate root and
//! none imports one that imports it back, however indirectly: the files of the crate form no circle.

pub mod api;
pub mod audit_log;
pub mod auth;
pub mod collate;
pub mod dashboard;
pub mod error;
pub mod extract;
pub mod feedback;
pub mod forms;
pub mod households;
pub mod html;
pub mod import;
pub mod layout;
pub mod login;
pub mod outlook;
pub mod pool;
pub mod public;
pub mod reports;
pub mod rounds;
pub mod state;
pub mod sync;
pub mod sync_conflicts;
pub mod units;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::routing::get;
use giamngheo_store::StoreError;

use crate::error::WebError;
use crate::pool::Pool;

/// Every request body but the import's (`MAX_UPLOAD`) is limited to 64 KiB.
const MAX_FORM: usize = 64 * 1024;
pub use giamngheo_store::today;
pub use import::MAX_UPLOAD;
pub use state::{AppState, Figures};

/// Every route of the app: each resource's own (`routes()` in its module), under the forms' body limit but
/// for the import, which sets its own.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(login::routes())
        .merge(dashboard::routes())
        .merge(households::routes())
        .merge(units::routes())
        .merge(rounds::routes())
        .merge(forms::routes())
        .merge(reports::routes())
        .merge(outlook::routes())
        .merge(audit_log::routes())
        .merge(feedback::routes())
        .merge(public::routes())
        .merge(api::routes())
        .merge(sync_conflicts::routes())
        .merge(layout::routes())
        .route("/healthz", get(|| async { "ok" }))
        .layer(DefaultBodyLimit::max(MAX_FORM))
        .merge(import::routes())
        .merge(sync::routes())
        .fallback(layout::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard_responses,
        ))
        .with_state(state)
}

/// Every response on its way out: a framework rejection (axum answers a path, query, form or JSON body it
/// cannot read, or a method a route does not take, with its own plain-text message such as "Cannot parse
/// `abc` to a `i64`") is replaced by our bilingual page or JSON error with the same status (415 and 422 as
/// 400); then the security headers, and HSTS when the page was served over TLS.
async fn guard_responses(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let (lang, _) = auth::request_lang(req.uri(), req.headers());
    let api = req.uri().path().starts_with("/api/");
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let https = state.trust.hsts || state.trust.client(peer, req.headers()).1;
    let mut res = next.run(req).await;
    if res.status().is_client_error() && !ours(&res) {
        res = WebError::from_status(res.status()).respond(lang, api);
    }
    if https {
        res.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    security_headers(res)
}

/// Whether a response was written by this app: every page and error is HTML or JSON (or a file), while axum's
/// rejections are plain text or empty.
fn ours(res: &axum::response::Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| !t.starts_with("text/plain"))
}

fn security_headers(mut res: axum::response::Response) -> axum::response::Response {
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: &'static str, v: &'static str| {
        h.entry(k).or_insert(HeaderValue::from_static(v));
    };
    set(
        h,
        "content-security-policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; frame-ancestors 'none'; form-action 'self'",
    );
    set(h, "x-content-type-options", "nosniff");
    set(h, "referrer-policy", "same-origin");
    set(h, "x-frame-options", "DENY");
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// The options of `giamngheo serve`.
pub struct ServeOptions {
    pub db: String,
    pub bind: String,
    /// Store connections (and so requests reading the database at once).
    pub connections: usize,
    /// HSTS and the proxies believed about the client (README: "Behind a TLS proxy").
    pub trust: auth::Trust,
}

#[derive(Debug)]
pub enum ServeError {
    Store(StoreError),
    Bind { addr: String, error: std::io::Error },
    Io(std::io::Error),
}

/// Opens the database and serves until the process is stopped; `ready` is told the address once listening.
pub fn serve(opts: ServeOptions, ready: impl FnOnce(SocketAddr)) -> Result<(), ServeError> {
    let pool = Pool::open(&opts.db, opts.connections).map_err(ServeError::Store)?;
    // The search table, if a large import left it to be rebuilt: before listening, so no request waits on it.
    pool.each(|s| s.prepare_search().map(|_| ()))
        .map_err(ServeError::Store)?;
    // SQLite: the log is copied back into the database by a thread of its own, not by a request's commit.
    let mut checkpointer = giamngheo_store::Store::open(&opts.db).map_err(ServeError::Store)?;
    if checkpointer.backend() == giamngheo_store::db::Backend::Sqlite {
        pool.each(|s| s.defer_checkpoints())
            .map_err(ServeError::Store)?;
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(std::time::Duration::from_secs(1));
                if let Err(e) = checkpointer.checkpoint() {
                    eprintln!("giamngheo-web: checkpoint: {e:?}");
                }
            }
        });
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(opts.connections.max(1) * 2)
        .build()
        .map_err(ServeError::Io)?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&opts.bind)
            .await
            .map_err(|error| ServeError::Bind {
                addr: opts.bind.clone(),
                error,
            })?;
        let addr = listener.local_addr().map_err(ServeError::Io)?;
        ready(addr);
        let state = AppState::new(pool).with_trust(opts.trust);
        // A province's figures take seconds to compute on a large registry (every review of eleven years):
        // compute the dashboards of the accounts' units once now, on one connection, while requests are served.
        let warm = state.clone();
        let pool = Arc::clone(&state.pool);
        tokio::spawn(async move {
            let _ = pool
                .run(move |s| {
                    for id in s.account_units()? {
                        if let Some(u) = s.unit(id)? {
                            warm.figures(s, u)?;
                        }
                    }
                    Ok(())
                })
                .await;
        });
        let app = router(state);
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .map_err(ServeError::Io)
    })
}
