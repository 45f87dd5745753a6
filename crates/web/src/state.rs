//! What every request shares: the store's connections, the sessions, the trusted proxies, and the caches of
//! the dashboards' figures, the classifiers and the public forms' secret.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use giamngheo_core::Classifier;
use giamngheo_core::date::Date;
use giamngheo_store::rates::YearRate;
use giamngheo_store::units::Unit;
use giamngheo_store::{Store, today};

use crate::auth;
use crate::error::WebError;
use crate::pool::Pool;

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
    pub(crate) dummy_hash: Arc<String>,
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

    /// [`Self::figures`] of a unit, run in the pool.
    pub async fn unit_figures(&self, unit: Unit) -> Result<Arc<Figures>, WebError> {
        let st = self.clone();
        self.pool.run(move |s| st.figures(s, unit)).await
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
