//! Accounts, the use case both front ends share: the rules of a new account (a name, a unit for the roles
//! bound to one, a password that passes the policy), its Argon2 hash, and its creation in the store under the
//! acting person (the store checks that person's role and units and audits the creation).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use giamngheo_core::Lang;
use giamngheo_core::messages::Localized;
use giamngheo_core::password::PasswordProblem;
use giamngheo_core::round::Role;
use giamngheo_store::audit::Actor;
use giamngheo_store::{Store, StoreError};

/// Why an account was not created; `field` names the input at fault.
#[derive(Debug, PartialEq)]
pub enum AccountError {
    /// No unit has this code today.
    UnknownUnit(String),
    /// The role works inside one unit (province, commune, village), and none was given.
    UnitNeeded(Role),
    /// Empty, longer than 64 characters, or holding control or invisible characters.
    BadName(String),
    Password(PasswordProblem),
    Store(StoreError),
}

impl AccountError {
    /// The input at fault, as the command line names its options.
    pub fn field(&self) -> &'static str {
        match self {
            AccountError::UnknownUnit(_) | AccountError::UnitNeeded(_) => "unit",
            AccountError::BadName(_) => "name",
            AccountError::Password(_) => "password",
            AccountError::Store(_) => "db",
        }
    }
}

impl From<StoreError> for AccountError {
    fn from(e: StoreError) -> Self {
        AccountError::Store(e)
    }
}

impl Localized for AccountError {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (AccountError::UnknownUnit(code), Lang::Vi) => {
                format!("không có đơn vị nào mã {code} hôm nay")
            }
            (AccountError::UnknownUnit(code), Lang::En) => {
                format!("no unit has the code {code} today")
            }
            (AccountError::UnitNeeded(role), Lang::Vi) => {
                format!("vai trò {} cần một đơn vị (--unit MÃ)", role.name(Lang::Vi))
            }
            (AccountError::UnitNeeded(role), Lang::En) => {
                format!(
                    "the role {} needs a unit (--unit CODE)",
                    role.name(Lang::En)
                )
            }
            (AccountError::BadName(_), Lang::Vi) => {
                "tên tài khoản phải có từ 1 đến 64 ký tự, không có ký tự điều khiển hay ký tự ẩn"
                    .to_owned()
            }
            (AccountError::BadName(_), Lang::En) => {
                "an account name has 1 to 64 characters, without control or invisible characters"
                    .to_owned()
            }
            (AccountError::Password(p), lang) => p.message(lang),
            (AccountError::Store(e), lang) => e.message(lang),
        }
    }
}

/// Which roles work inside one unit: all but the administrator's and the auditor's, which may see the country.
pub fn needs_unit(role: Role) -> bool {
    !matches!(role, Role::Administrator | Role::Auditor)
}

/// Creates an account; returns its password when none was given (a generated one, which passes the policy
/// too). `unit_code` is a unit's code on today's boundaries.
pub fn create(
    store: &mut Store,
    by: &Actor,
    name: &str,
    role: Role,
    unit_code: Option<&str>,
    password: Option<String>,
) -> Result<Option<String>, AccountError> {
    let unit_id = match unit_code {
        Some(code) => Some(
            store
                .unit_by_code(code.trim(), giamngheo_store::today())?
                .ok_or_else(|| AccountError::UnknownUnit(code.trim().to_owned()))?
                .id,
        ),
        None if needs_unit(role) => return Err(AccountError::UnitNeeded(role)),
        None => None,
    };
    if name.trim().is_empty()
        || name.chars().count() > 64
        || name.chars().any(char::is_control)
        || giamngheo_core::text::invisible(name).is_some()
    {
        return Err(AccountError::BadName(name.to_owned()));
    }
    let generated = password.is_none();
    // A random password could by chance contain the name: draw again until the policy passes.
    let password = match password {
        Some(p) => p,
        None => loop {
            let p = random_password();
            if giamngheo_core::password::check(name, &p).is_ok() {
                break p;
            }
        },
    };
    giamngheo_core::password::check(name, &password).map_err(AccountError::Password)?;
    store.add_account(by, name, role, unit_id, &hash_password(&password))?;
    Ok(generated.then_some(password))
}

/// A password for a new account: 16 characters from an alphabet without look-alikes.
pub fn random_password() -> String {
    const A: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut b = [0u8; 16];
    if getrandom::fill(&mut b).is_err() {
        panic!("giamngheo: the operating system gave no random bytes");
    }
    b.iter()
        .map(|x| char::from(A[usize::from(*x) % A.len()]))
        .collect()
}

/// The Argon2id hash of a password as a PHC string (salt and parameters included).
pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    if getrandom::fill(&mut salt).is_err() {
        panic!("giamngheo: the operating system gave no random bytes");
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
