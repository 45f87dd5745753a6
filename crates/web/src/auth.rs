//! Accounts at the door: Argon2 passwords, sessions in HttpOnly SameSite=Strict Secure cookies, one-time
//! form tokens bound to the session (a replayed or forged post is refused), the Origin/Sec-Fetch-Site check,
//! login rate limits, and what each role may do and see.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use giamngheo_core::Lang;
use giamngheo_store::accounts::Role;

use crate::AppState;
use crate::error::{Failure, WebError};

pub const SESSION_COOKIE: &str = "gn_session";
pub const PRE_COOKIE: &str = "gn_pre";
const IDLE: Duration = Duration::from_secs(2 * 3600);
const MAX_TOKENS: usize = 64;
const MAX_FAILURES: u32 = 5;
const FAILURE_WINDOW: Duration = Duration::from_secs(600);

/// Random bytes as 43 URL-safe characters (256 bits).
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    if getrandom::fill(&mut b).is_err() {
        // No entropy source means no safe session: refuse to go on rather than hand out guessable tokens.
        panic!("giamngheo-web: the operating system gave no random bytes");
    }
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(43);
    let mut acc = 0u32;
    let mut bits = 0;
    for x in b {
        acc = (acc << 8) | u32::from(x);
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            out.push(char::from(A[((acc >> bits) & 63) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(A[((acc << (6 - bits)) & 63) as usize]));
    }
    out
}

/// A password for a new account: 16 characters from an alphabet without look-alikes.
pub fn random_password() -> String {
    const A: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut b = [0u8; 16];
    if getrandom::fill(&mut b).is_err() {
        panic!("giamngheo-web: the operating system gave no random bytes");
    }
    b.iter()
        .map(|x| char::from(A[usize::from(*x) % A.len()]))
        .collect()
}

/// The Argon2id hash of a password as a PHC string (salt and parameters included).
pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    if getrandom::fill(&mut salt).is_err() {
        panic!("giamngheo-web: the operating system gave no random bytes");
    }
    let salt = SaltString::encode_b64(&salt).unwrap_or_else(|_| unreachable!("16 bytes encode"));
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .unwrap_or_else(|_| unreachable!("default parameters hash any password"))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// What a role may do. Reads are further limited to the account's units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Perm {
    /// Households with their members: personal data.
    ReadHouseholds,
    Import,
    Reports,
    AuditLog,
}

pub fn allows(role: Role, perm: Perm) -> bool {
    use Perm::*;
    use Role::*;
    if perm == AuditLog {
        // The procedure's table decides who reads the audit log.
        return role.may(giamngheo_core::round::Action::ReadAudit);
    }
    matches!(
        (role, perm),
        (Administrator, _)
            | (ProvinceStaff, ReadHouseholds | Reports)
            | (CommuneOfficer, ReadHouseholds | Import | Reports)
            | (VillageReviewer, ReadHouseholds)
            | (Auditor, ReadHouseholds | Reports)
    )
}

pub fn role_name(role: Role, lang: Lang) -> &'static str {
    role.name(lang)
}

/// A logged-in account. `scope` holds the ids of its unit and every unit under it on the day of login;
/// `None` is the whole country.
pub struct Session {
    pub account_id: i64,
    pub name: String,
    pub role: Role,
    pub unit_id: Option<i64>,
    pub unit_code: Option<String>,
    pub scope: Option<Arc<HashSet<i64>>>,
    tokens: VecDeque<String>,
    last_seen: Instant,
}

/// What handlers get: a snapshot of the session without its tokens.
#[derive(Clone)]
pub struct Actor {
    pub token: String,
    pub account_id: i64,
    pub name: String,
    pub role: Role,
    pub unit_id: Option<i64>,
    pub unit_code: Option<String>,
    pub scope: Option<Arc<HashSet<i64>>>,
    /// Where the request came from, as the audit log records it.
    pub origin: String,
}

impl Actor {
    pub fn may(&self, perm: Perm) -> bool {
        allows(self.role, perm)
    }

    /// Whether a unit is inside the account's area.
    pub fn sees_unit(&self, unit_id: i64) -> bool {
        self.scope.as_ref().is_none_or(|s| s.contains(&unit_id))
    }

    /// Whether a household living in this commune and village is inside the account's area.
    pub fn sees_household(&self, commune_id: i64, village_id: Option<i64>) -> bool {
        self.scope
            .as_ref()
            .is_none_or(|s| s.contains(&commune_id) || village_id.is_some_and(|v| s.contains(&v)))
    }

    /// The account id whose scope rows bound a query, or None for the whole country.
    pub fn scope_account(&self) -> Option<i64> {
        self.scope.as_ref().map(|_| self.account_id)
    }
}

#[derive(Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Session>>,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Sessions {
    pub fn create(
        &self,
        account_id: i64,
        name: String,
        role: Role,
        unit: Option<(i64, String)>,
        scope: Option<HashSet<i64>>,
    ) -> String {
        let token = random_token();
        let (unit_id, unit_code) = match unit {
            Some((id, code)) => (Some(id), Some(code)),
            None => (None, None),
        };
        let s = Session {
            account_id,
            name,
            role,
            unit_id,
            unit_code,
            scope: scope.map(Arc::new),
            tokens: VecDeque::new(),
            last_seen: Instant::now(),
        };
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, s| s.last_seen.elapsed() < IDLE);
        map.insert(token.clone(), s);
        token
    }

    pub fn actor(&self, token: &str) -> Option<Actor> {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let s = map.get_mut(token)?;
        if s.last_seen.elapsed() >= IDLE {
            map.remove(token);
            return None;
        }
        s.last_seen = Instant::now();
        Some(Actor {
            token: token.to_owned(),
            account_id: s.account_id,
            name: s.name.clone(),
            role: s.role,
            unit_id: s.unit_id,
            unit_code: s.unit_code.clone(),
            scope: s.scope.clone(),
            origin: "web".to_owned(),
        })
    }

    pub fn end(&self, token: &str) {
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(token);
    }

    /// A one-time token for one form of this session.
    pub fn form_token(&self, session: &str) -> String {
        let t = random_token();
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = map.get_mut(session) {
            if s.tokens.len() >= MAX_TOKENS {
                s.tokens.pop_front();
            }
            s.tokens.push_back(t.clone());
        }
        t
    }

    /// Consumes a form token: true once, for a token this session was given.
    pub fn consume(&self, session: &str, token: &str) -> bool {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let Some(s) = map.get_mut(session) else {
            return false;
        };
        match s.tokens.iter().position(|t| constant_eq(t, token)) {
            Some(i) => {
                s.tokens.remove(i);
                true
            }
            None => false,
        }
    }

    /// Whether logins for this key (a folded user name, or an address) are blocked for now.
    pub fn blocked(&self, key: &str) -> bool {
        let f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        f.get(key)
            .is_some_and(|(n, since)| *n >= MAX_FAILURES && since.elapsed() < FAILURE_WINDOW)
    }

    pub fn failed(&self, key: &str) {
        let mut f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let e = f.entry(key.to_owned()).or_insert((0, Instant::now()));
        if e.1.elapsed() >= FAILURE_WINDOW {
            *e = (0, Instant::now());
        }
        e.0 += 1;
    }

    pub fn succeeded(&self, key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
}

fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A cookie only this site's pages send back, never to scripts, never over plain connections elsewhere
/// than the local machine (browsers treat localhost as secure).
pub fn set_cookie(name: &str, value: &str, max_age: Option<u64>) -> String {
    match max_age {
        Some(a) => {
            format!("{name}={value}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={a}")
        }
        None => format!("{name}={value}; Path=/; HttpOnly; Secure; SameSite=Strict"),
    }
}

/// A post from another site is refused: browsers say where a request comes from in Sec-Fetch-Site, and
/// in Origin, which must name this host.
pub fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site != "same-origin"
        && site != "none"
    {
        return false;
    }
    if let Some(origin) = headers
        .get(axum::http::header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    {
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let o = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
            .unwrap_or("");
        if o != host {
            return false;
        }
    }
    true
}

/// The request's language (`?lang=` first, then the cookie, Vietnamese by default) and its session.
pub struct Ctx {
    pub lang: Lang,
    /// The language was chosen in the query: the response sets the cookie.
    pub lang_chosen: bool,
    pub api: bool,
    pub actor: Option<Actor>,
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
    pub fn actor(&self) -> Result<&Actor, Failure> {
        self.actor
            .as_ref()
            .ok_or_else(|| self.fail(WebError::NotLoggedIn { api: self.api }))
    }

    /// The logged-in account if its role allows `perm`.
    pub fn require(&self, perm: Perm) -> Result<&Actor, Failure> {
        let a = self.actor()?;
        if a.may(perm) {
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
        let query_lang = parts.uri.query().and_then(|q| {
            q.split('&')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| *k == "lang")
                .and_then(|(_, v)| Lang::parse(v))
        });
        let lang = query_lang
            .or_else(|| cookie(&parts.headers, "lang").and_then(Lang::parse))
            .unwrap_or_default();
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        let actor = cookie(&parts.headers, SESSION_COOKIE)
            .and_then(|t| state.sessions.actor(t))
            .map(|mut a| {
                if let Some(p) = &peer {
                    a.origin = format!("web {p}");
                }
                a
            });
        Ok(Ctx {
            lang,
            lang_chosen: query_lang.is_some(),
            api: parts.uri.path().starts_with("/api/"),
            actor,
            headers: parts.headers.clone(),
            peer,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let h = hash_password("đúng mật khẩu");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("đúng mật khẩu", &h));
        assert!(!verify_password("sai", &h));
        assert!(!verify_password("đúng mật khẩu", "not a hash"));
    }

    #[test]
    fn tokens_are_long_and_distinct() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
    }

    #[test]
    fn form_tokens_are_single_use() {
        let s = Sessions::default();
        let id = s.create(1, "a".into(), Role::Auditor, None, None);
        let t = s.form_token(&id);
        assert!(!s.consume(&id, "forged"));
        assert!(s.consume(&id, &t));
        assert!(!s.consume(&id, &t), "a replayed token is refused");
        assert!(!s.consume("another session", &s.form_token(&id)));
    }
}
