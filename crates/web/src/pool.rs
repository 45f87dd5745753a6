//! A small pool of synchronous store connections used from tokio's blocking threads: the store's PostgreSQL
//! client must never run on a runtime thread, and SQLite in WAL mode lets each connection read concurrently.

use std::sync::{Arc, Condvar, Mutex};

use giamngheo_store::{Store, StoreError};

use crate::error::WebError;

pub struct Pool {
    stores: Mutex<Vec<Store>>,
    ready: Condvar,
}

/// Returns the store to the pool even when the closure panics.
struct Lease<'a> {
    pool: &'a Pool,
    store: Option<Store>,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(s) = self.store.take() {
            if let Ok(mut v) = self.pool.stores.lock() {
                v.push(s);
            }
            self.pool.ready.notify_one();
        }
    }
}

impl Pool {
    /// Opens `size` connections to the same database (migrations run on the first).
    pub fn open(url: &str, size: usize) -> Result<Arc<Pool>, StoreError> {
        let mut stores = Vec::with_capacity(size);
        for _ in 0..size.max(1) {
            stores.push(Store::open(url)?);
        }
        Ok(Arc::new(Pool {
            stores: Mutex::new(stores),
            ready: Condvar::new(),
        }))
    }

    /// Runs `f` on every connection of the pool, now (before it serves).
    pub fn each(
        &self,
        mut f: impl FnMut(&mut Store) -> Result<(), giamngheo_store::StoreError>,
    ) -> Result<(), giamngheo_store::StoreError> {
        let mut v = self.stores.lock().unwrap_or_else(|e| e.into_inner());
        v.iter_mut().try_for_each(&mut f)
    }

    fn take(&self) -> Store {
        let mut v = self.stores.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(s) = v.pop() {
                return s;
            }
            v = self.ready.wait(v).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Runs `f` with a connection on a blocking thread.
    pub async fn run<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut Store) -> Result<T, WebError> + Send + 'static,
    ) -> Result<T, WebError> {
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let mut lease = Lease {
                store: Some(pool.take()),
                pool: &pool,
            };
            let store = lease.store.as_mut().ok_or(WebError::Internal)?;
            f(store)
        })
        .await
        .map_err(|_| WebError::Internal)?
    }
}
