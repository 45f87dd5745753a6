//! Accounts at the door: Argon2 passwords, sessions in HttpOnly SameSite=Strict Secure cookies kept in the
//! database (a restart logs no one out; only a hash of the cookie's token is stored), one-time form tokens
//! signed with the session's CSRF secret (a replayed or forged post is refused), the Origin/Sec-Fetch-Site
//! check, login throttling (by account, and by address only when many accounts fail from it), the signed
//! one-time tokens of the public forms, and what each role may do and see.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use giamngheo_core::Lang;
use giamngheo_core::ids::UnitCode;
use giamngheo_core::round::Action;
use giamngheo_store::accounts::Role;
use giamngheo_store::scope::{Place, Scope};
use sha2::{Digest, Sha256};

use crate::error::WebError;
use crate::pool::Pool;

pub const SESSION_COOKIE: &str = "gn_session";
pub const PRE_COOKIE: &str = "gn_pre";
/// A session unused this long is over; a form token older than this is refused too.
pub const IDLE: Duration = Duration::from_secs(8 * 3600);
/// How often a session in use is marked seen in the database (not on every request: each is a write).
const TOUCH: Duration = Duration::from_secs(60);
/// Wrong passwords of one account before it is slowed down.
const ACCOUNT_FREE_FAILURES: u32 = 5;
/// The first wait after them; each further failure doubles it, up to `ACCOUNT_MAX_WAIT`.
const ACCOUNT_FIRST_WAIT: Duration = Duration::from_secs(60);
const ACCOUNT_MAX_WAIT: Duration = Duration::from_secs(15 * 60);
/// An account's failures are forgotten this long after its last one (or at its next correct login).
const ACCOUNT_MEMORY: Duration = Duration::from_secs(30 * 60);
/// An address (a commune office, a province behind one NAT) is throttled only when this many different
/// accounts, or this many attempts in all, failed from it within `ADDRESS_WINDOW`.
const ADDRESS_DISTINCT_ACCOUNTS: usize = 20;
const ADDRESS_FAILURES: usize = 100;
const ADDRESS_WINDOW: Duration = Duration::from_secs(600);
/// Maps larger than this are swept of forgotten entries, so a stream of invented names cannot grow memory.
const THROTTLE_SWEEP: usize = 10_000;

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

/// Passwords are the accounts' use case, shared with the command line's `user add`.
pub use giamngheo_app::accounts::{hash_password, random_password, verify_password};

/// A logged-in account as held in memory. `scope` holds the ids of its unit and every unit under it on the
/// day of login; `None` is the whole country.
struct Session {
    account_id: i64,
    name: String,
    role: Role,
    unit_id: Option<i64>,
    unit_code: Option<UnitCode>,
    scope: Option<Arc<HashSet<i64>>>,
    /// The secret that signs this session's form tokens (stored with the session).
    csrf: String,
    last_seen: Instant,
    /// When `last_seen` was last written to the database.
    written: Instant,
}

impl Session {
    fn actor(&self, token: &str) -> Caller {
        let scope = match &self.scope {
            None => Scope::Everywhere,
            Some(s) => Scope::Units(s.clone()),
        };
        Caller {
            token: token.to_owned(),
            unit_id: self.unit_id,
            unit_code: self.unit_code.clone(),
            who: giamngheo_store::audit::Actor::new(&self.name, self.role, "web")
                .account(self.account_id, scope),
        }
    }
}

/// What handlers get: the acting person — the one `Actor` type of giamngheo (name, role, origin, account,
/// units), which the store's writes check and record — with the session's token and unit, without its secret.
#[derive(Clone)]
pub struct Caller {
    pub token: String,
    pub unit_id: Option<i64>,
    pub unit_code: Option<UnitCode>,
    pub who: giamngheo_store::audit::Actor,
}

impl std::ops::Deref for Caller {
    type Target = giamngheo_store::audit::Actor;

    fn deref(&self) -> &Self::Target {
        &self.who
    }
}

impl Caller {
    /// Whether the account's role may take this action: core's one table of who may do what. Reads are
    /// further limited to the account's units.
    pub fn may(&self, action: Action) -> bool {
        self.role.may(action)
    }

    /// Whether a unit is inside the account's area.
    pub fn sees_unit(&self, unit_id: i64) -> bool {
        self.who.scope.covers_unit(unit_id)
    }

    /// Whether a household living in this commune and village is inside the account's area.
    pub fn sees_household(&self, commune_id: i64, village_id: Option<i64>) -> bool {
        self.who.scope.covers(Place {
            commune: commune_id,
            village: village_id,
        })
    }

    /// The account id whose scope rows bound a query, or None for the whole country.
    pub fn scope_account(&self) -> Option<i64> {
        match self.who.scope {
            Scope::Everywhere => None,
            Scope::Units(_) => self.who.account_id,
        }
    }

    /// The acting person as the store's writes take it: they check its role and units and record it.
    pub fn writer(&self) -> giamngheo_store::audit::Actor {
        self.who.clone()
    }
}

/// The SHA-256 of a session token, in hex: what the database keeps instead of the token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The signature of a form token: SHA-256 over the session's secret, the token's issue time and nonce.
fn form_mac(csrf: &str, issued: i64, nonce: &str) -> String {
    let mut h = Sha256::new();
    h.update(csrf.as_bytes());
    h.update(b"\0form\0");
    h.update(issued.to_string().as_bytes());
    h.update(b"\0");
    h.update(nonce.as_bytes());
    hex(&h.finalize())
}

/// HMAC-SHA256 (RFC 2104) of the parts, each followed by a zero byte, in hex: the signature of tokens the
/// server issues without a session. A keyed MAC rather than a hash of secret and data, so a token cannot be
/// extended into another.
pub fn hmac(key: &[u8], parts: &[&[u8]]) -> String {
    let mut msg = Vec::new();
    for p in parts {
        msg.extend_from_slice(p);
        msg.push(0);
    }
    // The one HMAC of the project, core's (checked there against RFC 4231).
    hex(&giamngheo_core::audit::hmac_sha256(key, &msg))
}

/// How long a public form's token may be posted after the page was shown.
pub const PUBLIC_TOKEN_LIFE: Duration = Duration::from_secs(2 * 3600);

/// A one-time token for a commune's public form: `commune.issued.nonce.signature`, signed with the server's
/// secret, so the client cannot choose it and it cannot be used for another commune or after two hours.
pub fn public_token(secret: &str, commune_id: i64, issued: i64) -> String {
    let nonce = random_token();
    let mac = hmac(
        secret.as_bytes(),
        &[
            b"public-form",
            commune_id.to_string().as_bytes(),
            issued.to_string().as_bytes(),
            nonce.as_bytes(),
        ],
    );
    format!("{commune_id}.{issued}.{nonce}.{mac}")
}

/// The nonce of a public form token if this server signed it for this commune less than
/// [`PUBLIC_TOKEN_LIFE`] before `now` (whether it was spent is the database's to say).
pub fn check_public_token(secret: &str, token: &str, commune_id: i64, now: i64) -> Option<String> {
    let mut parts = token.splitn(4, '.');
    let (commune, issued, nonce, mac) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if commune.parse::<i64>().ok()? != commune_id || nonce.len() != 43 {
        return None;
    }
    let issued_at = issued.parse::<i64>().ok()?;
    if !(0..PUBLIC_TOKEN_LIFE.as_secs() as i64).contains(&(now - issued_at)) {
        return None;
    }
    let expected = hmac(
        secret.as_bytes(),
        &[
            b"public-form",
            commune.as_bytes(),
            issued.as_bytes(),
            nonce.as_bytes(),
        ],
    );
    constant_eq(&expected, mac).then(|| nonce.to_owned())
}

/// Which proxies are believed about the client (`X-Forwarded-For`, `X-Forwarded-Proto`) and whether HSTS is
/// always sent. The app runs behind a TLS proxy: the connection it sees is plain HTTP from the proxy, so it
/// knows the page was served over TLS only from a proxy it trusts, or from the operator (`serve --hsts`).
#[derive(Clone, Debug, Default)]
pub struct Trust {
    pub hsts: bool,
    pub proxies: Vec<std::net::IpAddr>,
}

impl Trust {
    /// The client's address and whether the request reached the proxy over HTTPS. From a trusted proxy, the
    /// address is the last one of `X-Forwarded-For` (the one the proxy itself appended: earlier ones are
    /// whatever the client wrote); from anyone else the headers are ignored.
    pub fn client(
        &self,
        peer: Option<std::net::IpAddr>,
        headers: &HeaderMap,
    ) -> (Option<String>, bool) {
        let trusted = peer.is_some_and(|p| self.proxies.contains(&p));
        if !trusted {
            return (peer.map(|p| p.to_string()), false);
        }
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|v| !v.is_empty())
            .and_then(|v| v.parse::<std::net::IpAddr>().ok());
        let https = headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
        (forwarded.or(peer).map(|p| p.to_string()), https)
    }
}

/// The language a request asks for: `?lang=` first, then the cookie, Vietnamese by default. Also the second
/// value: whether it was chosen in the query.
pub fn request_lang(uri: &axum::http::Uri, headers: &HeaderMap) -> (Lang, bool) {
    let query_lang = uri.query().and_then(|q| {
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "lang")
            .and_then(|(_, v)| Lang::parse(v))
    });
    let lang = query_lang
        .or_else(|| cookie(headers, "lang").and_then(Lang::parse))
        .unwrap_or_default();
    (lang, query_lang.is_some())
}

/// The sessions: in the database (the truth, which survives a restart) and in memory (so a request needs no
/// query). A session missing from memory, after a restart, is read back from the database once.
pub struct Sessions {
    pool: Arc<Pool>,
    /// By token hash.
    map: Mutex<HashMap<String, Session>>,
    throttle: Mutex<LoginThrottle>,
}

impl Sessions {
    pub fn new(pool: Arc<Pool>) -> Sessions {
        Sessions {
            pool,
            map: Mutex::default(),
            throttle: Mutex::default(),
        }
    }

    /// Starts a session for an account that just logged in: stored, then held in memory. Returns the
    /// cookie's token.
    pub async fn create(
        &self,
        account_id: i64,
        name: String,
        role: Role,
        unit: Option<(i64, UnitCode)>,
        scope: Option<HashSet<i64>>,
    ) -> Result<String, WebError> {
        let token = random_token();
        let csrf = random_token();
        let hash = token_hash(&token);
        let (h, c) = (hash.clone(), csrf.clone());
        self.pool
            .run(move |s| {
                Ok(s.create_session(&h, account_id, &c, unix_now(), IDLE.as_secs() as i64)?)
            })
            .await?;
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
            csrf,
            last_seen: Instant::now(),
            written: Instant::now(),
        };
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, s| s.last_seen.elapsed() < IDLE);
        map.insert(hash, s);
        Ok(token)
    }

    /// The account of a session token, if the session exists and has not been idle too long.
    pub async fn actor(&self, token: &str) -> Option<Caller> {
        let hash = token_hash(token);
        let cached = {
            let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
            match map.get_mut(&hash) {
                Some(s) if s.last_seen.elapsed() >= IDLE => {
                    map.remove(&hash);
                    Some(None)
                }
                Some(s) => {
                    s.last_seen = Instant::now();
                    let touch = s.written.elapsed() >= TOUCH;
                    if touch {
                        s.written = Instant::now();
                    }
                    Some(Some((s.actor(token), touch)))
                }
                None => None,
            }
        };
        match cached {
            Some(Some((actor, touch))) => {
                if touch {
                    let h = hash.clone();
                    // Losing one mark costs at most a minute of idle time: a failure is not the request's.
                    let _ = self
                        .pool
                        .run(move |s| Ok(s.touch_session(&h, unix_now())?))
                        .await;
                }
                Some(actor)
            }
            Some(None) => {
                let h = hash.clone();
                let _ = self.pool.run(move |s| Ok(s.end_session(&h)?)).await;
                None
            }
            None => self.resume(token, hash).await,
        }
    }

    /// A session not in memory (the server restarted): read back with its account, which must still be
    /// enabled, and the scope materialised at its login.
    async fn resume(&self, token: &str, hash: String) -> Option<Caller> {
        let h = hash.clone();
        let loaded = self
            .pool
            .run(move |s| {
                let Some(stored) = s.resume_session(&h, unix_now(), IDLE.as_secs() as i64)? else {
                    return Ok(None);
                };
                let Some(account) = s.account(stored.account_id)?.filter(|a| !a.disabled) else {
                    s.end_session(&h)?;
                    return Ok(None);
                };
                let (unit, scope) = match account.unit_id {
                    Some(id) => (
                        s.unit(id)?.map(|u| (id, u.code)),
                        Some(
                            s.account_scope(account.id)?
                                .into_iter()
                                .collect::<HashSet<i64>>(),
                        ),
                    ),
                    None => (None, None),
                };
                Ok(Some((stored, account, unit, scope)))
            })
            .await
            .ok()
            .flatten()?;
        let (stored, account, unit, scope) = loaded;
        let session = Session {
            account_id: account.id,
            name: account.name,
            role: account.role,
            unit_id: unit.as_ref().map(|u| u.0),
            unit_code: unit.map(|u| u.1),
            scope: scope.map(Arc::new),
            csrf: stored.csrf_token,
            last_seen: Instant::now(),
            written: Instant::now(),
        };
        let actor = session.actor(token);
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(hash, session);
        Some(actor)
    }

    /// Ends a session (logout): deleted from the database, then from memory.
    pub async fn end(&self, token: &str) -> Result<(), WebError> {
        let hash = token_hash(token);
        let h = hash.clone();
        self.pool.run(move |s| Ok(s.end_session(&h)?)).await?;
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&hash);
        Ok(())
    }

    /// A one-time token for one form of this session: `issued.nonce.signature`. It needs no storage until it
    /// is used, so a page rendered before a restart still posts.
    pub fn form_token(&self, session: &str) -> String {
        let csrf = self
            .map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&token_hash(session))
            .map(|s| s.csrf.clone())
            // No such session: a token that no secret signed, refused when posted.
            .unwrap_or_else(random_token);
        let (issued, nonce) = (unix_now(), random_token());
        let mac = form_mac(&csrf, issued, &nonce);
        format!("{issued}.{nonce}.{mac}")
    }

    /// Consumes a form token: true once, for a token this session signed less than `IDLE` ago. The use is
    /// recorded in the database, so a replay is refused after a restart too.
    pub async fn consume(&self, session: &str, token: &str) -> bool {
        let mut parts = token.splitn(3, '.');
        let (Some(issued), Some(nonce), Some(mac)) = (parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        let Ok(issued) = issued.parse::<i64>() else {
            return false;
        };
        let age = unix_now() - issued;
        if !(0..IDLE.as_secs() as i64).contains(&age) || nonce.len() != 43 {
            return false;
        }
        let hash = token_hash(session);
        let Some(csrf) = self
            .map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&hash)
            .map(|s| s.csrf.clone())
        else {
            return false;
        };
        if !constant_eq(&form_mac(&csrf, issued, nonce), mac) {
            return false;
        }
        let nonce = nonce.to_owned();
        self.pool
            .run(move |s| Ok(s.use_form_token(&hash, &nonce, unix_now())?))
            .await
            .unwrap_or(false)
    }

    /// Whether a login for this account (its folded name, `accounts::name_key`) from this address may be
    /// tried now; Err says who is throttled.
    pub fn login_allowed(&self, account: &str, address: Option<&str>) -> Result<(), Throttled> {
        self.throttle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .check(account, address, Instant::now())
    }

    pub fn login_failed(&self, account: &str, address: Option<&str>) {
        self.throttle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .failed(account, address, Instant::now());
    }

    /// A correct login forgets the account's failures (not the address's: others' typos there still count).
    pub fn login_succeeded(&self, account: &str) {
        self.throttle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .accounts
            .remove(account);
    }
}

/// Who a refused login is throttled by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Throttled {
    /// The account's own wrong passwords, from any address, for this long yet.
    Account(Duration),
    /// Many accounts failed from the address.
    Address,
}

/// Failed logins in memory (a restart forgives them: the attacker gains one more round of attempts, while
/// keeping them in the database would make every wrong password a write). Keyed by folded account name, so
/// "Xã" and "xa" share one count, and by address.
#[derive(Default)]
pub struct LoginThrottle {
    /// Failures in a row and the time of the last.
    accounts: HashMap<String, (u32, Instant)>,
    /// The recent failures from each address: when, and for which account.
    addresses: HashMap<String, VecDeque<(Instant, String)>>,
}

impl LoginThrottle {
    fn account_wait(n: u32) -> Duration {
        if n < ACCOUNT_FREE_FAILURES {
            return Duration::ZERO;
        }
        let doublings = (n - ACCOUNT_FREE_FAILURES).min(10);
        (ACCOUNT_FIRST_WAIT * 2u32.pow(doublings)).min(ACCOUNT_MAX_WAIT)
    }

    pub fn check(
        &self,
        account: &str,
        address: Option<&str>,
        now: Instant,
    ) -> Result<(), Throttled> {
        if let Some((n, last)) = self.accounts.get(account) {
            let since = now.saturating_duration_since(*last);
            let wait = Self::account_wait(*n);
            if since < ACCOUNT_MEMORY && since < wait {
                return Err(Throttled::Account(wait - since));
            }
        }
        if let Some(list) = address.and_then(|a| self.addresses.get(a)) {
            let recent: Vec<&(Instant, String)> = list
                .iter()
                .filter(|(at, _)| now.saturating_duration_since(*at) < ADDRESS_WINDOW)
                .collect();
            let distinct: HashSet<&str> = recent.iter().map(|(_, a)| a.as_str()).collect();
            if recent.len() >= ADDRESS_FAILURES || distinct.len() >= ADDRESS_DISTINCT_ACCOUNTS {
                return Err(Throttled::Address);
            }
        }
        Ok(())
    }

    pub fn failed(&mut self, account: &str, address: Option<&str>, now: Instant) {
        if self.accounts.len() > THROTTLE_SWEEP {
            self.accounts
                .retain(|_, (_, last)| now.saturating_duration_since(*last) < ACCOUNT_MEMORY);
        }
        if self.addresses.len() > THROTTLE_SWEEP {
            self.addresses.retain(|_, l| {
                l.back()
                    .is_some_and(|(at, _)| now.saturating_duration_since(*at) < ADDRESS_WINDOW)
            });
        }
        let e = self.accounts.entry(account.to_owned()).or_insert((0, now));
        if now.saturating_duration_since(e.1) >= ACCOUNT_MEMORY {
            e.0 = 0;
        }
        *e = (e.0.saturating_add(1), now);
        if let Some(a) = address {
            let l = self.addresses.entry(a.to_owned()).or_default();
            while l
                .front()
                .is_some_and(|(at, _)| now.saturating_duration_since(*at) >= ADDRESS_WINDOW)
                || l.len() >= ADDRESS_FAILURES
            {
                l.pop_front();
            }
            l.push_back((now, account.to_owned()));
        }
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
    fn public_tokens_hold_only_for_their_commune_and_two_hours() {
        let now = 1_800_000_000;
        let t = public_token("secret", 7, now);
        let later = now + PUBLIC_TOKEN_LIFE.as_secs() as i64;
        let mut tampered = t.clone();
        tampered.pop();
        tampered.push(if t.ends_with('0') { '1' } else { '0' });
        for (secret, token, commune, at, ok) in [
            ("secret", t.as_str(), 7, now, true),
            ("secret", t.as_str(), 7, later - 1, true),
            ("secret", t.as_str(), 7, later, false),
            ("secret", t.as_str(), 7, now - 1, false),
            ("secret", t.as_str(), 8, now, false),
            ("other", t.as_str(), 7, now, false),
            ("secret", tampered.as_str(), 7, now, false),
            ("secret", "7.1800000000.x.y", 7, now, false),
            ("secret", "", 7, now, false),
        ] {
            assert_eq!(
                check_public_token(secret, token, commune, at).is_some(),
                ok,
                "{secret} {token} {commune} {at}"
            );
        }
    }

    #[test]
    fn an_account_is_slowed_by_its_own_failures_an_address_by_many_accounts() {
        let t0 = Instant::now();
        let office = Some("203.0.113.7");
        let mut th = LoginThrottle::default();
        // Four wrong passwords: still free; the fifth: a minute's wait, from any address.
        for _ in 0..4 {
            th.failed("xa", office, t0);
        }
        assert_eq!(th.check("xa", office, t0), Ok(()));
        th.failed("xa", office, t0);
        for (account, address, after, expect) in [
            (
                "xa",
                office,
                0,
                Err(Throttled::Account(Duration::from_secs(60))),
            ),
            (
                "xa",
                Some("198.51.100.1"),
                30,
                Err(Throttled::Account(Duration::from_secs(30))),
            ),
            (
                "xa",
                None,
                59,
                Err(Throttled::Account(Duration::from_secs(1))),
            ),
            ("xa", office, 60, Ok(())),
            // A colleague at the same office is not blocked by these typos.
            ("tinh", office, 0, Ok(())),
        ] {
            assert_eq!(
                th.check(account, address, t0 + Duration::from_secs(after)),
                expect,
                "{account} {address:?} +{after}s"
            );
        }
        // Each further failure doubles the wait, up to fifteen minutes.
        for (n, wait) in [(6, 120), (7, 240), (8, 480), (9, 900), (12, 900)] {
            assert_eq!(
                LoginThrottle::account_wait(n),
                Duration::from_secs(wait),
                "{n}"
            );
        }
        // A correct login forgets them.
        th.accounts.remove("xa");
        assert_eq!(th.check("xa", office, t0), Ok(()));
        // Nineteen accounts failing once from one address leave it open; the twentieth closes it, for
        // everyone there, until the window has passed; other addresses are not touched.
        let mut th = LoginThrottle::default();
        for i in 0..19 {
            th.failed(&format!("acc{i}"), office, t0);
        }
        assert_eq!(th.check("tinh", office, t0), Ok(()));
        th.failed("acc19", office, t0);
        assert_eq!(th.check("tinh", office, t0), Err(Throttled::Address));
        assert_eq!(th.check("tinh", Some("198.51.100.1"), t0), Ok(()));
        assert_eq!(th.check("tinh", office, t0 + ADDRESS_WINDOW), Ok(()));
        // One account's many failures count toward the address's total only at 100.
        let mut th = LoginThrottle::default();
        for i in 0..99 {
            th.failed(&format!("a{}", i % 3), office, t0);
        }
        assert_eq!(th.check("tinh", office, t0), Ok(()));
        th.failed("a0", office, t0);
        assert_eq!(th.check("tinh", office, t0), Err(Throttled::Address));
    }

    #[test]
    fn only_trusted_proxies_say_who_the_client_is() {
        let proxy: std::net::IpAddr = "10.0.0.2".parse().unwrap();
        let other: std::net::IpAddr = "192.0.2.9".parse().unwrap();
        let trust = Trust {
            hsts: false,
            proxies: vec![proxy],
        };
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "1.2.3.4, 203.0.113.5".parse().unwrap());
        h.insert("x-forwarded-proto", "https".parse().unwrap());
        for (peer, headers, expect) in [
            (
                Some(proxy),
                h.clone(),
                (Some("203.0.113.5".to_owned()), true),
            ),
            (
                Some(other),
                h.clone(),
                (Some("192.0.2.9".to_owned()), false),
            ),
            (
                Some(proxy),
                HeaderMap::new(),
                (Some("10.0.0.2".to_owned()), false),
            ),
            (None, h.clone(), (None, false)),
        ] {
            assert_eq!(trust.client(peer, &headers), expect, "{peer:?}");
        }
    }
}
