//! giamngheo-web: the staff pages (server-rendered HTML, Vietnamese first, English second), the public commune
//! page, and a JSON API with its OpenAPI document, over the synchronous store called from a blocking pool.
//!
//! **Architecture invariant:** every handler that reads or writes registry data checks the account's role
//! (`Ctx::require(Action)`, core's one table `Role::may`) and its units on the server (`Caller::sees_*`, or the `account_scope` join in SQL);
//! a household outside them is answered 404, exactly as one that does not exist.

pub mod api;
pub mod audit_log;
pub mod auth;
pub mod collate;
pub mod dashboard;
pub mod error;
pub mod feedback;
pub mod forms;
pub mod households;
pub mod html;
pub mod import;
pub mod layout;
pub mod login;
pub mod pool;
pub mod public;
pub mod reports;
pub mod rounds;
pub mod units;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::routing::{get, post};
use giamngheo_core::Classifier;
use giamngheo_core::date::Date;
use giamngheo_store::rates::YearRate;
use giamngheo_store::units::Unit;
use giamngheo_store::{Store, StoreError};

use crate::error::WebError;
use crate::pool::Pool;

/// Upload limit of the import form; every other request body is limited to 64 KiB.
pub const MAX_UPLOAD: usize = 32 * 1024 * 1024;
const MAX_FORM: usize = 64 * 1024;
/// How long computed rates are reused while the registry does not change.
const CACHE_SECONDS: u64 = 300;

/// The figures of a unit's dashboard, computed once per registry state.
pub struct Figures {
    pub unit: Unit,
    pub rates: Vec<YearRate>,
    pub children: Vec<(Unit, Option<YearRate>)>,
    /// Communes under the unit late with this year's periodic decision or a monthly report.
    pub late: Vec<giamngheo_store::support::Late>,
}

/// Figures with the registry fingerprint they were computed under and when.
type Cached = ((i64, i64, i64), Instant, Arc<Figures>);

#[derive(Clone)]
pub struct AppState {
    pub pool: Arc<Pool>,
    pub sessions: Arc<auth::Sessions>,
    figures: Arc<Mutex<HashMap<i64, Cached>>>,
    classifiers: Arc<Mutex<HashMap<String, Arc<Classifier>>>>,
    /// Compared against when the user name is unknown, so a wrong name takes as long as a wrong password.
    dummy_hash: Arc<String>,
    /// Which proxies are believed, and whether HSTS is always sent.
    pub trust: Arc<auth::Trust>,
    /// The secret that signs the public forms' tokens, read from the database on first use.
    public_secret: Arc<Mutex<Option<String>>>,
}

impl AppState {
    pub fn new(pool: Arc<Pool>) -> AppState {
        AppState {
            sessions: Arc::new(auth::Sessions::new(Arc::clone(&pool))),
            pool,
            figures: Arc::default(),
            classifiers: Arc::default(),
            dummy_hash: Arc::new(auth::hash_password(&auth::random_token())),
            trust: Arc::default(),
            public_secret: Arc::default(),
        }
    }

    /// The same state believing these proxies (see [`auth::Trust`]).
    pub fn with_trust(mut self, trust: auth::Trust) -> AppState {
        self.trust = Arc::new(trust);
        self
    }

    /// The secret that signs the public forms' tokens: kept in the database (`web_secret`), so a form shown
    /// before a restart, or by another server process over the same database, still posts.
    pub async fn public_secret(&self) -> Result<String, WebError> {
        if let Some(s) = self
            .public_secret
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
        {
            return Ok(s);
        }
        let candidate = auth::random_token();
        let secret = self
            .pool
            .run(move |s| Ok(s.web_secret("public_form", &candidate)?))
            .await?;
        *self.public_secret.lock().unwrap_or_else(|e| e.into_inner()) = Some(secret.clone());
        Ok(secret)
    }

    /// A classifier for a built-in standard, prepared once.
    pub fn classifier(&self, id: &str) -> Option<Arc<Classifier>> {
        let mut m = self.classifiers.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = m.get(id) {
            return Some(Arc::clone(c));
        }
        let s = giamngheo_core::standard::builtin::get(id).ok()?;
        let c = Arc::new(Classifier::new(s));
        m.insert(id.to_owned(), Arc::clone(&c));
        Some(c)
    }

    /// The dashboard figures of a unit, from the cache while the registry is unchanged (runs in the pool).
    pub fn figures(&self, store: &mut Store, unit: Unit) -> Result<Arc<Figures>, WebError> {
        let fp = store.registry_fingerprint()?;
        {
            let m = self.figures.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((f, at, v)) = m.get(&unit.id)
                && *f == fp
                && at.elapsed().as_secs() < CACHE_SECONDS
            {
                return Ok(Arc::clone(v));
            }
        }
        let today = today();
        let years: Vec<(i32, Date)> = (2015..=today.year())
            .map(|y| (y, giamngheo_core::calendar::review_day(y)))
            .collect();
        let rates: Vec<YearRate> = store
            .rates(unit.id, today, &years)?
            .into_iter()
            .filter(|r| r.standard_id.is_some())
            .collect();
        let mut children = Vec::new();
        let last = rates.last().map(|r| r.year);
        let by_child = match last {
            Some(y) => {
                store.child_rates(unit.id, today, y, giamngheo_core::calendar::review_day(y))?
            }
            None => Vec::new(),
        };
        for c in store.children_at(unit.id, today)? {
            let r = by_child
                .iter()
                .find(|(id, _)| *id == c.id)
                .map(|(_, r)| r.clone());
            children.push((c, r));
        }
        let late = store.late_communes(unit.id, today.year(), today)?;
        let v = Arc::new(Figures {
            unit,
            rates,
            children,
            late,
        });
        let mut m = self.figures.lock().unwrap_or_else(|e| e.into_inner());
        m.insert(v.unit.id, (fp, Instant::now(), Arc::clone(&v)));
        Ok(v)
    }
}

pub use giamngheo_store::today;

/// Every route of the app.
pub fn router(state: AppState) -> Router {
    let import = Router::new()
        .route("/import", get(import::import_form).post(import::import))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD));
    Router::new()
        .route("/", get(login::home))
        .route("/login", get(login::login_form).post(login::login))
        .route("/logout", post(login::logout))
        .route("/dashboard", get(dashboard::dashboard))
        .route("/households", get(households::households))
        .route("/households/{code}", get(households::household))
        .route("/units/{code}", get(units::unit))
        .route("/rounds", get(rounds::list))
        .route("/rounds/{id}", get(rounds::show))
        .route("/rounds/{id}/decision.pdf", get(forms::decision_pdf))
        .route(
            "/rounds/{id}/certificates.pdf",
            get(forms::certificates_pdf),
        )
        .route("/rounds/{id}/exit/{code}", get(forms::exit_pdf))
        .route("/rounds/{id}/screen", post(rounds::screen))
        .route("/rounds/{id}/request", post(rounds::request))
        .route("/rounds/{id}/{step}", post(rounds::step))
        .route(
            "/rounds/{id}/survey/{code}",
            get(rounds::survey_page).post(rounds::survey_post),
        )
        .route("/reports", get(reports::reports))
        .route("/reports/rates.csv", get(reports::rates_csv))
        .route("/reports/rates.xlsx", get(reports::rates_xlsx))
        .route("/reports/rates.pdf", get(reports::rates_pdf))
        .route("/audit", get(audit_log::audit))
        .route("/feedback", get(feedback::feedback))
        .route("/public/{code}", get(public::commune))
        .route("/public/{code}/feedback", post(public::feedback))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/me", get(api::me))
        .route("/api/households", get(api::households))
        .route("/api/households/{code}", get(api::household))
        .route("/api/units/{code}", get(api::unit))
        .route("/api/units/{code}/rates", get(api::rates))
        .route("/static/app.css", get(layout::css))
        .route("/healthz", get(|| async { "ok" }))
        .layer(DefaultBodyLimit::max(MAX_FORM))
        .merge(import)
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
