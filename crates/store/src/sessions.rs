//! The web app's sessions (migration 0008): a SHA-256 of each cookie token with its account, its CSRF secret,
//! when it was created and last seen, and the one-time form tokens it has used. The web app keeps a copy of
//! live sessions in memory and comes here at login, logout, after a restart, about once a minute to mark a
//! session seen, and when a form is posted.

use crate::Store;
use crate::db::Value;
use crate::error::StoreError;

/// A session as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSession {
    pub account_id: i64,
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen: i64,
}

impl Store {
    /// Records a new session, seen `now` (Unix seconds). Sessions idle for `idle` seconds or more and form
    /// tokens used that long ago (a form token expires with that idle limit) are deleted in the same
    /// transaction: logins are what keep the tables small.
    pub fn create_session(
        &mut self,
        token_hash: &str,
        account_id: i64,
        csrf_token: &str,
        now: i64,
        idle: i64,
    ) -> Result<(), StoreError> {
        let cut = Value::Int(now - idle);
        self.conn.transaction(|c| {
            c.execute(
                "DELETE FROM web_form_use WHERE used_at <= $1 OR token_hash IN (SELECT token_hash FROM web_session WHERE last_seen <= $1)",
                std::slice::from_ref(&cut),
            )?;
            c.execute("DELETE FROM web_session WHERE last_seen <= $1", &[cut])?;
            c.execute(
                "INSERT INTO web_session (token_hash, account_id, csrf_token, created_at, last_seen) VALUES ($1, $2, $3, $4, $4)",
                &[
                    token_hash.into(),
                    account_id.into(),
                    csrf_token.into(),
                    Value::Int(now),
                ],
            )?;
            Ok(())
        })
    }

    /// The session of this token hash if it was seen less than `idle` seconds before `now`, marked seen now;
    /// an idle one is deleted and None returned, as for one that does not exist. A token that matches no
    /// session (a stale or forged cookie) costs one read and takes no write lock.
    pub fn resume_session(
        &mut self,
        token_hash: &str,
        now: i64,
        idle: i64,
    ) -> Result<Option<StoredSession>, StoreError> {
        let Some(r) = self.conn.query_one(
            "SELECT account_id, csrf_token, created_at, last_seen FROM web_session WHERE token_hash = $1",
            &[token_hash.into()],
        )?
        else {
            return Ok(None);
        };
        let s = StoredSession {
            account_id: r[0].int().unwrap_or(0),
            csrf_token: r[1].text().unwrap_or_default().to_owned(),
            created_at: r[2].int().unwrap_or(0),
            last_seen: r[3].int().unwrap_or(0),
        };
        if s.last_seen <= now - idle {
            self.end_session(token_hash)?;
            return Ok(None);
        }
        self.touch_session(token_hash, now)?;
        Ok(Some(s))
    }

    /// Marks a session seen at `now`.
    pub fn touch_session(&mut self, token_hash: &str, now: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE web_session SET last_seen = $2 WHERE token_hash = $1 AND last_seen < $2",
            &[token_hash.into(), Value::Int(now)],
        )?;
        Ok(())
    }

    /// Deletes a session and the form tokens it used (logout).
    pub fn end_session(&mut self, token_hash: &str) -> Result<(), StoreError> {
        self.conn.transaction(|c| end_in(c, token_hash))
    }

    /// Records that a session used a form token (by its nonce): true the first time, for a session that
    /// exists; false for a token used before or a session that is gone.
    pub fn use_form_token(
        &mut self,
        token_hash: &str,
        nonce: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        // The WHERE is required by SQLite before ON CONFLICT in INSERT … SELECT; the casts tell PostgreSQL the
        // parameters' types, which a bare SELECT list does not.
        let n = self.conn.execute(
            "INSERT INTO web_form_use (token_hash, nonce, used_at) \
             SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS BIGINT) \
             WHERE EXISTS (SELECT 1 FROM web_session WHERE token_hash = $1) \
             ON CONFLICT DO NOTHING",
            &[token_hash.into(), nonce.into(), Value::Int(now)],
        )?;
        Ok(n == 1)
    }

    /// The units in an account's scope as materialised at its last login (`refresh_scope`).
    pub fn account_scope(&mut self, account_id: i64) -> Result<Vec<i64>, StoreError> {
        self.conn.query_ints(
            "SELECT unit_id FROM account_scope WHERE account_id = $1 ORDER BY unit_id",
            &[account_id.into()],
        )
    }
}

fn end_in(c: &mut crate::db::Conn, token_hash: &str) -> Result<(), StoreError> {
    c.execute(
        "DELETE FROM web_form_use WHERE token_hash = $1",
        &[token_hash.into()],
    )?;
    c.execute(
        "DELETE FROM web_session WHERE token_hash = $1",
        &[token_hash.into()],
    )?;
    Ok(())
}
