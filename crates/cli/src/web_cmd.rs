//! `giamngheo serve`, `giamngheo user add`, and the demo's accounts: glue to the web crate.

use crate::output::outln;
use std::io::IsTerminal;

use clap::{Args, Subcommand};
use giamngheo_core::Lang;
use giamngheo_store::Store;
use giamngheo_store::accounts::Role;

use crate::errors::{CliError, arg};
use crate::registry_cmd::open;

#[derive(Args)]
pub struct ServeArgs {
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: String,
    /// Send Strict-Transport-Security on every answer (the site is reached only over HTTPS); also
    /// GIAMNGHEO_HSTS=1.
    #[arg(long)]
    hsts: bool,
    /// The address of a TLS proxy in front of the app, believed about X-Forwarded-For and
    /// X-Forwarded-Proto (repeatable; also GIAMNGHEO_TRUSTED_PROXIES=a,b).
    #[arg(long = "trusted-proxy")]
    trusted_proxy: Vec<String>,
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account bound to a unit; the password is read from standard input or generated and printed.
    Add {
        #[arg(long)]
        name: String,
        /// administrator, province_staff, commune_officer, village_reviewer or auditor.
        #[arg(long)]
        role: String,
        /// The unit code (province, district, commune or village); none = the whole country (administrator,
        /// auditor only).
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        password_stdin: bool,
    },
}

pub fn run_serve(args: ServeArgs, db: &str, lang: Lang) -> Result<(), CliError> {
    serve(db, &args.bind, args.hsts, &args.trusted_proxy, lang)
}

pub fn run_user(command: UserCommand, db: &str, lang: Lang) -> Result<(), CliError> {
    match command {
        UserCommand::Add {
            name,
            role,
            unit,
            password_stdin,
        } => user_add(db, &name, &role, unit.as_deref(), password_stdin, lang),
    }
}

/// Serves the web app. HSTS and the trusted proxies come from the flags and from `GIAMNGHEO_HSTS=1` and
/// `GIAMNGHEO_TRUSTED_PROXIES=a,b` (for service files), flags and variables together.
pub fn serve(
    db: &str,
    bind: &str,
    hsts: bool,
    trusted_proxies: &[String],
    lang: Lang,
) -> Result<(), CliError> {
    let env_hsts = std::env::var("GIAMNGHEO_HSTS").is_ok_and(|v| v == "1" || v == "true");
    let env_proxies = std::env::var("GIAMNGHEO_TRUSTED_PROXIES").unwrap_or_default();
    let mut proxies = Vec::new();
    for p in trusted_proxies
        .iter()
        .map(String::as_str)
        .chain(env_proxies.split(','))
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        proxies.push(p.parse::<std::net::IpAddr>().map_err(|_| {
            arg(
                "trusted-proxy",
                p,
                "cần một địa chỉ IP, ví dụ 10.0.0.2",
                "an IP address is needed, e.g. 10.0.0.2",
            )
        })?);
    }
    let opts = giamngheo_web::ServeOptions {
        db: db.to_owned(),
        bind: bind.to_owned(),
        connections: 4,
        trust: giamngheo_web::auth::Trust {
            hsts: hsts || env_hsts,
            proxies,
        },
    };
    giamngheo_web::serve(opts, |addr| {
        // The server goes on serving whether or not anyone reads this line.
        let _ = crate::output::write_out(
            format_args!(
                "{} http://{addr}/ ({})",
                lang.pick("Đang phục vụ tại", "Serving at"),
                lang.pick("Ctrl+C để dừng", "Ctrl+C to stop")
            ),
            true,
        );
    })
    .map_err(|e| match e {
        giamngheo_web::ServeError::Store(e) => CliError::Store(e),
        giamngheo_web::ServeError::Bind { addr, error } => CliError::File { path: addr, error },
        giamngheo_web::ServeError::Io(error) => CliError::File {
            path: bind.to_owned(),
            error,
        },
    })
}

/// Creates an account; returns the password when it was generated.
fn add(
    store: &mut Store,
    name: &str,
    role: Role,
    unit: Option<&str>,
    password: Option<String>,
) -> Result<Option<String>, CliError> {
    // The command line acts as the operating-system user who runs it, with full rights over the database.
    let who = std::env::var("USER").unwrap_or_else(|_| "cli".to_owned());
    let by = giamngheo_store::audit::Actor::new(&who, Role::Administrator, "cli");
    giamngheo_app::accounts::create(store, &by, name, role, unit, password).map_err(|e| match e {
        giamngheo_app::accounts::AccountError::Store(e) => CliError::Store(e),
        e => {
            use giamngheo_core::messages::Localized;
            CliError::Argument {
                name: e.field(),
                value: match e.field() {
                    "password" => "…".to_owned(),
                    "unit" => unit.unwrap_or("").to_owned(),
                    _ => name.to_owned(),
                },
                vi: e.message(Lang::Vi),
                en: e.message(Lang::En),
            }
        }
    })
}

pub fn user_add(
    db: &str,
    name: &str,
    role: &str,
    unit: Option<&str>,
    password_stdin: bool,
    lang: Lang,
) -> Result<(), CliError> {
    let role = Role::parse(role).ok_or_else(|| {
        arg(
            "role",
            role,
            "vai trò: administrator, province_staff, commune_officer, village_reviewer, auditor",
            "roles: administrator, province_staff, commune_officer, village_reviewer, auditor",
        )
    })?;
    let password = if password_stdin {
        Some(crate::output::read_stdin_line()?)
    } else {
        None
    };
    let mut store = open(db)?;
    let generated = add(&mut store, name, role, unit, password)?;
    outln!(
        "{} {name} ({})",
        lang.pick("Đã tạo tài khoản", "Created the account"),
        role.code()
    );
    if let Some(p) = generated {
        outln!("{}: {p}", lang.pick("Mật khẩu", "Password"));
    }
    Ok(())
}

/// After `demo`: two accounts (the whole country, and the commune of the first household), then serve when
/// run from a terminal, so scripts and tests that build the demo are never left waiting.
pub fn demo_accounts_and_serve(
    db: &str,
    bind: &str,
    no_serve: bool,
    lang: Lang,
) -> Result<(), CliError> {
    let mut store = open(db)?;
    let admin = add(&mut store, "demo", Role::Administrator, None, None)?.unwrap_or_default();
    let commune = store
        .list_households(None, "", 1)?
        .first()
        .map(|f| f.commune_id)
        .and_then(|id| store.unit(id).ok().flatten());
    let officer = match &commune {
        Some(c) => add(
            &mut store,
            "canbo-xa",
            Role::CommuneOfficer,
            Some(c.code.as_str()),
            None,
        )?,
        None => None,
    };
    drop(store);
    outln!();
    outln!(
        "{}: demo / {admin} ({})",
        lang.pick("Đăng nhập web", "Web login"),
        lang.pick("quản trị, cả nước", "administrator, whole country")
    );
    if let (Some(c), Some(p)) = (&commune, officer) {
        outln!(
            "{}: canbo-xa / {p} ({} {})",
            lang.pick("Đăng nhập web", "Web login"),
            lang.pick("cán bộ", "commune officer,"),
            c.name
        );
    }
    if no_serve || !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        outln!(
            "{}: {} --db {db} serve",
            lang.pick("Mở ứng dụng web", "Start the web app"),
            crate::demo_cmd::program()
        );
        return Ok(());
    }
    serve(db, bind, false, &[], lang)
}
