//! `sync`: a commune's offline database and its province's server, by file (đồng bộ qua tệp). The server
//! sets up a commune and writes the file that makes its database; from then on each side exports what the
//! other lacks and imports what the other sent, in any order and as often as the officers carry files.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use giamngheo_app::sync_file::{self, Kind};
use giamngheo_core::Lang;
use giamngheo_core::calendar::vietnam_moment;
use giamngheo_core::round::Role;
use giamngheo_store::sync::{self, Peer, SERVER_PEER, SyncProblem};
use giamngheo_store::{Store, StoreError};

use crate::errors::CliError;
use crate::output::{AtomicFile, outln};
use crate::registry_cmd::{cli_actor, open};

/// A bundle file larger than this is refused before it is read (gzip of at most 1 GiB of text).
const MAX_FILE: u64 = 512 << 20;

#[derive(Subcommand)]
pub enum SyncCommand {
    /// On the province's server: set up a commune's database-to-be and write the file that makes it. The file
    /// holds the commune's households and its sync key: carry it as personal data.
    AddCommune {
        /// The commune's code (mã xã).
        #[arg(long)]
        commune: String,
        #[arg(long, short)]
        output: PathBuf,
    },
    /// On a new, empty commune database: make it from the server's file (`sync add-commune`), or from the
    /// server itself with a commune officer's account (`--server URL --commune CODE --account NAME`, the
    /// password on standard input).
    Init {
        #[arg(required_unless_present = "server", conflicts_with = "server")]
        file: Option<PathBuf>,
        /// The province's server, https://host[:port] (http:// inside a local network); a province's own
        /// certificate authority is trusted through GIAMNGHEO_CA_FILE.
        #[arg(long, requires_all = ["commune", "account"])]
        server: Option<String>,
        #[arg(long)]
        commune: Option<String>,
        #[arg(long)]
        account: Option<String>,
    },
    /// On a commune's database made from the server: send what changed here and take what changed there, in
    /// one exchange (đồng bộ ngay).
    Now,
    /// Write what the other side lacks: a commune's changes for its server, or the server's for a commune.
    Export {
        /// On the server: the commune (mã xã).
        #[arg(long)]
        commune: Option<String>,
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Apply a file from the other side (refused whole if changed on the way or meant for another commune).
    Import { file: PathBuf },
    /// Changes waiting to go, conflicts, and both sides' digests of the commune's data.
    Status {
        #[arg(long)]
        commune: Option<String>,
    },
    /// Records changed on both sides, waiting for an officer's choice.
    Conflicts {
        #[arg(long)]
        commune: Option<String>,
        /// Resolved ones too.
        #[arg(long)]
        all: bool,
    },
    /// Choose on a conflict: keep the version both sides hold, or take the commune's.
    Resolve {
        id: String,
        #[arg(
            long,
            conflicts_with = "take_commune",
            required_unless_present = "take_commune"
        )]
        keep: bool,
        #[arg(long)]
        take_commune: bool,
    },
}

pub fn run(command: SyncCommand, db: &str, lang: Lang) -> Result<(), CliError> {
    let actor = cli_actor(Role::Administrator);
    match command {
        SyncCommand::AddCommune { commune, output } => {
            let mut store = open(db)?;
            let unit = commune_id(&mut store, &commune)?;
            let peer = store.sync_add_commune(&actor, unit, None)?;
            let init = store.sync_init_bundle(&peer.peer)?;
            let text = sync::text::bundle_to_text(&init.bundle, Some(&init));
            write(&output, &sync_file::seal(Kind::Init, &text, None)?)?;
            let (origin, records, file) =
                (peer.origin, init.bundle.records.len(), output.display());
            outln!(
                "{}",
                lang.pick(
                    &format!(
                        "Đã thiết lập xã {commune} (nguồn {origin}): {records} bản ghi trong {file}. Tệp chứa dữ liệu cá nhân và khoá đồng bộ của xã: hãy chuyển tận tay."
                    ),
                    &format!(
                        "Commune {commune} set up (origin {origin}): {records} records in {file}. The file holds personal data and the commune's sync key: hand it over in person."
                    )
                )
            );
            Ok(())
        }
        SyncCommand::Init {
            file,
            server,
            commune,
            account,
        } => {
            let (init, url) = match (file, server) {
                (Some(file), _) => {
                    let opened = read(&file)?;
                    (init_of(&opened, &file)?, None)
                }
                (None, Some(url)) => {
                    let password = crate::output::read_stdin_line()?;
                    let body = format!(
                        "{{\"account\":{},\"password\":{},\"commune\":{}}}",
                        json_string(account.as_deref().unwrap_or_default()),
                        json_string(&password),
                        json_string(commune.as_deref().unwrap_or_default())
                    );
                    let bytes = giamngheo_app::sync_http::post(
                        &url,
                        "/api/sync/init",
                        "application/json",
                        body.as_bytes(),
                    )
                    .map_err(remote)?;
                    let shown = PathBuf::from(&url);
                    let opened = sync_file::open(&bytes).map_err(|e| at(&shown, e))?;
                    (init_of(&opened, &shown)?, Some(url))
                }
                (None, None) => unreachable!("clap requires a file or --server"),
            };
            let mut store = open(db)?;
            let report = store.sync_init(&actor, &init, url.as_deref())?;
            let (code, records) = (init.bundle.commune_code, report.applied + report.already);
            outln!(
                "{}",
                lang.pick(
                    &format!("Đã tạo cơ sở dữ liệu của xã {code}: {records} bản ghi."),
                    &format!("The database of commune {code} is made: {records} records.")
                )
            );
            Ok(())
        }
        SyncCommand::Now => {
            let mut store = open(db)?;
            let peer = store
                .sync_peer(SERVER_PEER)
                .map_err(|_| CliError::Argument {
                    name: "sync now",
                    value: db.to_owned(),
                    vi: "cơ sở dữ liệu này không phải của một xã tạo từ máy chủ (sync init)".into(),
                    en: "this is not a commune's database made from a server (sync init)".into(),
                })?;
            let url = peer.url.clone().ok_or_else(|| CliError::Argument {
                name: "sync now",
                value: db.to_owned(),
                vi: "cơ sở dữ liệu này được tạo từ tệp: hãy đồng bộ qua tệp (sync export, sync import)".into(),
                en: "this database was made from a file: sync by file (sync export, sync import)".into(),
            })?;
            let (bundle, sealed) = sealed_bundle(&mut store, &peer)?;
            let sent = bundle.records.len();
            let answer =
                giamngheo_app::sync_http::post(&url, "/api/sync", "application/gzip", &sealed)
                    .map_err(remote)?;
            let shown = PathBuf::from(&url);
            let opened = sync_file::open(&answer).map_err(|e| at(&shown, e))?;
            let r = receive(&mut store, &actor, &peer, &opened, &shown)?;
            let (written, conflicts) = (r.applied, r.conflicts);
            outln!(
                "{}",
                lang.pick(
                    &format!("Đã gửi {sent} bản ghi; đã nhận {written} bản ghi ghi mới, {conflicts} xung đột."),
                    &format!("Sent {sent} records; received {written} records written, {conflicts} conflicts.")
                )
            );
            Ok(())
        }
        SyncCommand::Export { commune, output } => {
            let mut store = open(db)?;
            let peer = peer(&mut store, commune.as_deref())?;
            let (bundle, sealed) = sealed_bundle(&mut store, &peer)?;
            write(&output, &sealed)?;
            let (records, conflicts) = (bundle.records.len(), bundle.conflicts.len());
            let (to, file) = (side(&peer, lang), output.display());
            outln!(
                "{}",
                lang.pick(
                    &format!("{records} bản ghi và {conflicts} xung đột cho {to} trong {file}."),
                    &format!("{records} records and {conflicts} conflicts for {to} in {file}.")
                )
            );
            Ok(())
        }
        SyncCommand::Import { file } => {
            let opened = read(&file)?;
            if opened.kind != Kind::Bundle {
                return Err(malformed(
                    &file,
                    "a file that makes a database: use `sync init` on a new database",
                ));
            }
            let mut store = open(db)?;
            // The sender: this database's server, or (on the server) the commune database whose origin the
            // bundle's head names; nothing else of it is read before its seal is checked with that key.
            let peer = match store.sync_peer(SERVER_PEER) {
                Ok(p) => p,
                Err(_) => {
                    let origin =
                        sync::text::sender_origin(&opened.text).map_err(|e| at(&file, e))?;
                    store
                        .sync_peers()?
                        .into_iter()
                        .find(|p| !p.is_server && p.origin == origin)
                        .ok_or_else(|| {
                            at(
                                &file,
                                StoreError::Sync(SyncProblem::UnknownPeer(format!(
                                    "origin {origin}"
                                ))),
                            )
                        })?
                }
            };
            let r = receive(&mut store, &actor, &peer, &opened, &file)?;
            let (written, held, conflicts, refused) =
                (r.applied, r.already, r.conflicts, r.refused);
            outln!("{}", lang.pick(&format!("Đã nhận: {written} bản ghi ghi mới, {held} đã có, {conflicts} xung đột, {refused} bị từ chối."), &format!("Received: {written} records written, {held} already held, {conflicts} conflicts, {refused} refused.")));
            Ok(())
        }
        SyncCommand::Status { commune } => {
            let mut store = open(db)?;
            let peer = peer(&mut store, commune.as_deref())?;
            let s = store.sync_status(&peer.peer)?;
            let pending: usize = s.pending.values().sum();
            outln!(
                "{}: {}",
                lang.pick("Đồng bộ với", "Sync with"),
                side(&peer, lang)
            );
            outln!(
                "{}: {pending}",
                lang.pick("Bản ghi chờ gửi", "Records waiting to go")
            );
            for (e, n) in &s.pending {
                outln!("  {}: {n}", e.name(lang));
            }
            // A commune's database tells what of its audit log has not reached the server yet (on the
            // server, `audit verify` checks each commune's entries it holds).
            if s.peer.is_server {
                outln!(
                    "{}: {}",
                    lang.pick(
                        "Mục nhật ký kiểm toán chờ gửi",
                        "Audit log entries waiting to go"
                    ),
                    s.audit_waiting
                );
            }
            outln!(
                "{}: {}",
                lang.pick("Xung đột đang chờ", "Conflicts waiting"),
                s.open_conflicts
            );
            outln!(
                "{}: {}",
                lang.pick("Lần gửi cuối", "Last sent"),
                s.peer
                    .log
                    .last_sent_at
                    .as_deref()
                    .map_or("—".to_owned(), vietnam_moment)
            );
            outln!(
                "{}: {}",
                lang.pick("Lần nhận cuối", "Last received"),
                s.peer
                    .log
                    .last_received_at
                    .as_deref()
                    .map_or("—".to_owned(), vietnam_moment)
            );
            outln!(
                "{}: {}",
                lang.pick("Mã tóm tắt ở đây", "Digest here"),
                s.digest
            );
            let theirs = s.peer.log.their_digest.as_deref().unwrap_or("—");
            outln!(
                "{}: {theirs}",
                lang.pick(
                    "Mã tóm tắt bên kia (lần nhận cuối)",
                    "Digest there (last received)"
                )
            );
            outln!(
                "{}",
                if theirs == s.digest {
                    lang.pick(
                        "Hai bên giữ cùng dữ liệu.",
                        "Both sides hold the same data.",
                    )
                } else {
                    lang.pick(
                        "Hai bên chưa khớp: hãy đồng bộ.",
                        "The two sides differ: sync.",
                    )
                }
            );
            Ok(())
        }
        SyncCommand::Conflicts { commune, all } => {
            let mut store = open(db)?;
            let peer = peer(&mut store, commune.as_deref())?;
            let list = store.sync_conflicts(peer.commune_id, !all)?;
            if list.is_empty() {
                outln!("{}", lang.pick("Không có xung đột.", "No conflicts."));
            }
            for k in list {
                let state = match (k.refused, k.took_theirs) {
                    (_, Some(true)) => {
                        lang.pick("đã lấy bản của xã", "the commune's version taken")
                    }
                    (_, Some(false)) => lang.pick("đã giữ bản hiện có", "the version held kept"),
                    (true, None) => lang.pick("bị từ chối", "refused"),
                    (false, None) => lang.pick("chờ chọn", "waiting"),
                };
                outln!(
                    "{}  {} {}  {}  {}  ({})",
                    k.id,
                    k.entity.name(lang),
                    k.key,
                    vietnam_moment(&k.detected_at),
                    state,
                    k.reason.name(lang)
                );
            }
            Ok(())
        }
        SyncCommand::Resolve {
            id, take_commune, ..
        } => {
            let mut store = open(db)?;
            store.sync_resolve(&actor, &id, take_commune)?;
            outln!(
                "{}",
                lang.pick(
                    "Đã ghi lựa chọn; lần đồng bộ sau sẽ mang nó sang bên kia.",
                    "Choice recorded; the next sync carries it to the other side."
                )
            );
            Ok(())
        }
    }
}

fn side(peer: &Peer, lang: Lang) -> String {
    if peer.is_server {
        lang.pick("máy chủ của tỉnh", "the province's server")
            .to_owned()
    } else {
        format!(
            "{} {} ({} {})",
            lang.pick("xã", "commune"),
            peer.commune_code,
            lang.pick("nguồn", "origin"),
            peer.origin
        )
    }
}

fn commune_id(store: &mut Store, code: &str) -> Result<i64, CliError> {
    let today = giamngheo_app::today();
    store
        .unit_by_code(code, today)?
        .filter(|u| u.level == giamngheo_core::ids::UnitLevel::Commune)
        .map(|u| u.id)
        .ok_or_else(|| CliError::Argument {
            name: "--commune",
            value: code.to_owned(),
            vi: "không có xã nào mang mã này hôm nay".into(),
            en: "no commune has this code today".into(),
        })
}

/// The other side: on a commune's database its server; on the server the named commune's database.
fn peer(store: &mut Store, commune: Option<&str>) -> Result<Peer, CliError> {
    if let Ok(p) = store.sync_peer(SERVER_PEER) {
        return Ok(p);
    }
    let Some(code) = commune else {
        return Err(CliError::Argument {
            name: "--commune",
            value: String::new(),
            vi: "trên máy chủ, hãy chỉ ra xã".into(),
            en: "on the server, name the commune".into(),
        });
    };
    store
        .sync_peers()?
        .into_iter()
        .filter(|p| p.commune_code == code)
        .max_by_key(|p| p.origin)
        .ok_or_else(|| CliError::Store(StoreError::Sync(SyncProblem::UnknownPeer(code.to_owned()))))
}

fn read(path: &Path) -> Result<sync_file::Opened, CliError> {
    let bytes = crate::output::read_limited(path, MAX_FILE, "512 MB")?;
    sync_file::open(&bytes).map_err(|e| at(path, e))
}

/// A bundle's problem, with the file it came from.
fn at(path: &Path, e: StoreError) -> CliError {
    match e {
        StoreError::Sync(p) => CliError::Input {
            path: path.display().to_string(),
            vi: p.message(Lang::Vi),
            en: p.message(Lang::En),
        },
        other => CliError::Store(other),
    }
}

fn malformed(path: &Path, what: &str) -> CliError {
    at(
        path,
        StoreError::Sync(SyncProblem::Malformed(what.to_owned())),
    )
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let mut f = AtomicFile::create(path)?;
    f.writer()
        .write_all(bytes)
        .map_err(|error| CliError::File {
            path: path.display().to_string(),
            error,
        })?;
    f.commit()
}

/// The init part of a file (or a server's answer) that makes a commune's database.
fn init_of(opened: &sync_file::Opened, from: &Path) -> Result<sync::Init, CliError> {
    if opened.kind != Kind::Init {
        return Err(malformed(
            from,
            "not the file that makes a commune's database (sync add-commune)",
        ));
    }
    let text = opened.verified(None).map_err(|e| at(from, e))?;
    let (_, init) = sync::text::bundle_from_text(text).map_err(|e| at(from, e))?;
    init.ok_or_else(|| malformed(from, "no init part"))
}

fn remote(e: giamngheo_app::sync_http::HttpError) -> CliError {
    CliError::Remote {
        refused: matches!(
            e,
            giamngheo_app::sync_http::HttpError::Status(..)
                | giamngheo_app::sync_http::HttpError::Url(_)
                | giamngheo_app::sync_http::HttpError::Tls(_)
                | giamngheo_app::sync_http::HttpError::CaFile(..)
        ),
        vi: e.message(Lang::Vi),
        en: e.message(Lang::En),
    }
}

/// A JSON string literal.
fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// What this database sends `peer` now, and its sealed bytes.
fn sealed_bundle(store: &mut Store, peer: &Peer) -> Result<(sync::Bundle, Vec<u8>), CliError> {
    let bundle = store.sync_bundle(&peer.peer)?;
    let text = sync::text::bundle_to_text(&bundle, None);
    let sealed = sync_file::seal(Kind::Bundle, &text, Some(&peer.key_hex))?;
    Ok((bundle, sealed))
}

/// A bundle from `peer` (a file, or the server's answer named by its address), checked against its key,
/// then applied.
fn receive(
    store: &mut Store,
    actor: &giamngheo_store::audit::Actor,
    peer: &Peer,
    opened: &sync_file::Opened,
    from: &Path,
) -> Result<sync::SyncReport, CliError> {
    let text = opened
        .verified(Some(&peer.key_hex))
        .map_err(|e| at(from, e))?;
    let (bundle, _) = sync::text::bundle_from_text(text).map_err(|e| at(from, e))?;
    Ok(store.sync_receive(actor, &peer.peer, &bundle)?)
}
