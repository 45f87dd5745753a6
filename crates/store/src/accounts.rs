//! Accounts of the web app, the units each may see, and the access log.
//!
//! The store never sees a password: it keeps the Argon2 hash the web crate computed. An account's scope (its
//! unit and every unit under it on a date's boundaries) is materialised into `account_scope`, so every query
//! that must stay inside it joins one small indexed table instead of walking the unit tree.

use giamngheo_core::date::Date;
use giamngheo_core::text::{fold, nfc};

use crate::Store;
use crate::db::{Conn, Value};
use crate::error::StoreError;

/// The roles of the review procedure (core `round`): one list for the procedure and the web app.
pub use giamngheo_core::round::Role;

#[derive(Clone, Debug, PartialEq)]
pub struct Account {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// None: the whole country (administrators and auditors only).
    pub unit_id: Option<i64>,
    pub password_hash: String,
    pub disabled: bool,
}

/// One line of the access log.
#[derive(Clone, Debug, PartialEq)]
pub struct AccessEntry {
    pub id: i64,
    pub at: String,
    pub account: Option<String>,
    pub action: String,
    pub target: String,
    pub detail: String,
}

fn account_from_row(r: Vec<Value>) -> Option<Account> {
    let mut it = r.into_iter();
    Some(Account {
        id: it.next()?.int()?,
        name: it.next()?.into_text()?,
        role: Role::parse(it.next()?.text()?)?,
        unit_id: it.next()?.int(),
        password_hash: it.next()?.into_text()?,
        disabled: it.next()?.int()? != 0,
    })
}

fn next_account_id(c: &mut Conn) -> Result<i64, StoreError> {
    crate::row_ids::next_id(c, crate::row_ids::IdTable::Account)
}

/// The key an account name is unique by: folded (no case, no diacritics, `đ` as `d`, spaces collapsed), so
/// "Xã" and "xa" are one name, and the lockout of one is the lockout of the other.
pub fn name_key(name: &str) -> String {
    fold(&nfc(name.trim()))
}

/// Fills `account.name_key` after migration 0011, in id order: the first account of a folded name keeps the
/// key; a later one that collides (possible only in a database from before 0011) gets "key#id", so the
/// migration never fails and both accounts keep logging in by their exact names.
pub(crate) fn fill_name_keys(c: &mut Conn) -> Result<(), StoreError> {
    let rows = c.query(
        "SELECT id, name FROM account WHERE name_key IS NULL ORDER BY id",
        &[],
    )?;
    let mut taken: std::collections::HashSet<String> = c
        .query(
            "SELECT name_key FROM account WHERE name_key IS NOT NULL",
            &[],
        )?
        .into_iter()
        .filter_map(|r| r[0].text().map(str::to_owned))
        .collect();
    for r in rows {
        let (Some(id), Some(name)) = (r[0].int(), r[1].text()) else {
            continue;
        };
        let mut key = name_key(name);
        if !taken.insert(key.clone()) {
            key = format!("{key}#{id}");
            taken.insert(key.clone());
        }
        c.execute(
            "UPDATE account SET name_key = $2 WHERE id = $1",
            &[id.into(), key.into()],
        )?;
    }
    Ok(())
}

impl Store {
    /// Gives accounts without a folded key one (what migration 0011 does on its way, see [`fill_name_keys`]);
    /// for accounts written into the table by hand, as a restore from an older dump does.
    pub fn fill_account_name_keys(&mut self) -> Result<(), StoreError> {
        self.conn.transaction(fill_name_keys)
    }

    /// Creates an account (the name is unique without regard to case and diacritics: [`name_key`]), recorded in the audit log in the same
    /// transaction.
    pub fn add_account(
        &mut self,
        by: &crate::audit::Actor,
        name: &str,
        role: Role,
        unit_id: Option<i64>,
        password_hash: &str,
    ) -> Result<i64, StoreError> {
        crate::scope::permit(by, giamngheo_core::round::Action::ManageAccounts)?;
        if let Some(u) = unit_id
            && !by.scope.covers_unit(u)
        {
            return Err(StoreError::NotFound {
                what: "unit",
                key: u.to_string(),
            });
        }
        let name = nfc(name.trim());
        let key = name_key(&name);
        self.conn.transaction(|c| {
            if c.query_one(
                "SELECT id FROM account WHERE name = $1 OR name_key = $2",
                &[name.clone().into(), key.clone().into()],
            )?
            .is_some()
            {
                return Err(StoreError::NameTaken {
                    what: "account",
                    key: name.clone(),
                });
            }
            let id = next_account_id(c)?;
            c.execute(
                "INSERT INTO account (id, name, role, unit_id, password_hash, created_on, disabled, name_key) \
                 VALUES ($1, $2, $3, $4, $5, $6, 0, $7)",
                &[
                    id.into(),
                    name.clone().into(),
                    role.code().into(),
                    unit_id.into(),
                    password_hash.into(),
                    crate::today().iso().into(),
                    key.clone().into(),
                ],
            )?;
            crate::audit::record_one(
                c,
                by,
                crate::audit::Change {
                    action: "create",
                    entity: "account",
                    entity_id: name.clone(),
                    old_value: None,
                    new_value: Some(format!(
                        "{} {}",
                        role.code(),
                        unit_id.map_or_else(|| "*".to_owned(), |u| u.to_string())
                    )),
                    reason: None,
                },
            )?;
            Ok(id)
        })
    }

    /// The account of a name as typed at login: the exact name (after NFC) first, then the name without regard
    /// to case and diacritics ([`name_key`]). Exact first, so two accounts that collided before migration 0011
    /// each still log in by their own name.
    pub fn account_by_name(&mut self, name: &str) -> Result<Option<Account>, StoreError> {
        let row = self.conn.query_one(
            "SELECT id, name, role, unit_id, password_hash, disabled FROM account WHERE name = $1",
            &[nfc(name.trim()).into()],
        )?;
        if let Some(a) = row.and_then(account_from_row) {
            return Ok(Some(a));
        }
        let row = self.conn.query_one(
            "SELECT id, name, role, unit_id, password_hash, disabled FROM account WHERE name_key = $1",
            &[name_key(name).into()],
        )?;
        Ok(row.and_then(account_from_row))
    }

    pub fn account(&mut self, id: i64) -> Result<Option<Account>, StoreError> {
        let row = self.conn.query_one(
            "SELECT id, name, role, unit_id, password_hash, disabled FROM account WHERE id = $1",
            &[id.into()],
        )?;
        Ok(row.and_then(account_from_row))
    }

    /// Recomputes the units an account may see: its unit and everything under it on `date`'s boundaries,
    /// and returns their ids. An account without a unit sees everything and has no rows.
    pub fn refresh_scope(&mut self, account_id: i64, date: Date) -> Result<Vec<i64>, StoreError> {
        let d = date.iso();
        self.conn.transaction(|c| {
            c.execute(
                "DELETE FROM account_scope WHERE account_id = $1",
                &[account_id.into()],
            )?;
            c.execute(
                "INSERT INTO account_scope (account_id, unit_id) \
                 WITH RECURSIVE sub(id) AS (SELECT unit_id FROM account WHERE id = $1 AND unit_id IS NOT NULL UNION \
                 SELECT p.unit_id FROM unit_parent p JOIN sub ON p.parent_id = sub.id \
                 WHERE (p.valid_from IS NULL OR p.valid_from <= $2) AND (p.valid_until IS NULL OR p.valid_until >= $2)) \
                 SELECT DISTINCT CAST($1 AS BIGINT), id FROM sub",
                &[account_id.into(), d.clone().into()],
            )?;
            c.query_ints(
                "SELECT unit_id FROM account_scope WHERE account_id = $1 ORDER BY unit_id",
                &[account_id.into()],
            )
        })
    }

    /// Records a security event that no account did (a failed login, a forged post from the public page):
    /// the hash-chained audit log names an actor and a role, which these do not have.
    pub fn log_access(
        &mut self,
        account_id: Option<i64>,
        action: &str,
        target: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        let at = crate::audit::now_utc();
        self.conn.execute(
            "INSERT INTO access_log (at, account_id, action, target, detail) VALUES ($1, $2, $3, $4, $5)",
            &[at.into(), account_id.into(), action.into(), nfc(target).into(), nfc(detail).into()],
        )?;
        Ok(())
    }

    /// The latest entries of the access log, newest first.
    pub fn access_log(&mut self, limit: i64) -> Result<Vec<AccessEntry>, StoreError> {
        let rows = self.conn.query(
            "SELECT l.id, l.at, a.name, l.action, l.target, l.detail FROM access_log l \
             LEFT JOIN account a ON a.id = l.account_id ORDER BY l.id DESC LIMIT $1",
            &[limit.into()],
        )?;
        Ok(rows
            .into_iter()
            .map(|r| AccessEntry {
                id: r[0].int().unwrap_or(0),
                at: r[1].text().unwrap_or_default().to_owned(),
                account: r[2].text().map(str::to_owned),
                action: r[3].text().unwrap_or_default().to_owned(),
                target: r[4].text().unwrap_or_default().to_owned(),
                detail: r[5].text().unwrap_or_default().to_owned(),
            })
            .collect())
    }

    /// The units accounts are bound to, so the web app can prepare their dashboards at start.
    pub fn account_units(&mut self) -> Result<Vec<i64>, StoreError> {
        self
            .conn
            .query_ints(
                "SELECT DISTINCT unit_id FROM account WHERE unit_id IS NOT NULL AND disabled = 0 ORDER BY unit_id",
                &[],
            )
    }
}
