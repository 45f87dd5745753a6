//! `audit keygen`, `audit checkpoint`, `audit verify`: the audit chain and its signed checkpoints.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use giamngheo_core::Lang;
use giamngheo_core::audit::{SignedCheckpoint, short_head};
use giamngheo_core::messages::Localized;
use giamngheo_store::checkpoint::{CheckpointOutcome, SigningKey, parse_public_key};

use crate::errors::CliError;
use crate::output::{outln, write_file};
use crate::registry_cmd::open;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain end to end, and against every checkpoint stored and given (exit 3 if broken).
    Verify {
        /// A checkpoint file (made by `audit checkpoint`, kept by the province); repeatable.
        #[arg(long = "checkpoint")]
        checkpoints: Vec<PathBuf>,
        /// A public key file (made by `audit keygen`) that checkpoints must be signed with; repeatable.
        #[arg(long = "public-key")]
        public_keys: Vec<PathBuf>,
    },
    /// Make a key pair for signing checkpoints: NAME.key (secret) and NAME.pub.
    Keygen {
        #[arg(long)]
        out: PathBuf,
    },
    /// Sign a checkpoint of the chain's head, store it and write it to a file for the province.
    Checkpoint {
        /// The secret key file made by `audit keygen`.
        #[arg(long)]
        signing_key: PathBuf,
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Every entry as CSV, with its hash.
    Export {
        #[arg(long, short)]
        output: PathBuf,
    },
}

pub fn run(command: AuditCommand, db: &str, lang: Lang) -> Result<(), CliError> {
    match command {
        AuditCommand::Verify {
            checkpoints,
            public_keys,
        } => verify(db, &checkpoints, &public_keys, lang),
        AuditCommand::Keygen { out } => keygen(&out, lang),
        AuditCommand::Checkpoint {
            signing_key,
            output,
        } => checkpoint(db, &signing_key, &output, lang),
        AuditCommand::Export { output } => crate::round_cmd::audit_export(db, &output, lang),
    }
}

/// A key or checkpoint file: text, read under the same limit as every small file a user names.
fn read(path: &Path) -> Result<String, CliError> {
    crate::output::read_text_file(path)
}

fn not_a(name: &'static str, path: &Path, vi: &str, en: &str) -> CliError {
    CliError::Argument {
        name,
        value: path.display().to_string(),
        vi: vi.to_owned(),
        en: en.to_owned(),
    }
}

/// Writes a new file that only its owner can read; an existing file is never overwritten (a lost signing
/// key cannot be replaced, and a new one would not match the public key already sent).
fn create_new(path: &Path, text: &str, private: bool) -> Result<(), CliError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    options
        .open(path)
        .and_then(|mut f| {
            f.write_all(text.as_bytes())?;
            f.sync_all()
        })
        .map_err(|error| CliError::File {
            path: path.display().to_string(),
            error,
        })
}

/// `audit keygen --out NAME`: NAME.key (secret, 0600) and NAME.pub.
pub fn keygen(out: &Path, lang: Lang) -> Result<(), CliError> {
    let secret = out.with_extension("key");
    let public = out.with_extension("pub");
    for p in [&secret, &public] {
        if p.exists() {
            return Err(not_a(
                "out",
                p,
                "tệp đã có; không ghi đè một khoá",
                "the file exists; a key is never overwritten",
            ));
        }
    }
    let key = SigningKey::generate()?;
    create_new(&secret, &key.secret_text(), true)?;
    create_new(&public, &key.public_text(), false)?;
    match lang {
        Lang::Vi => outln!(
            "Đã tạo khoá ký {} (bí mật: cất ngoài máy chứa cơ sở dữ liệu) và khoá công khai {} (gửi cho tỉnh).",
            secret.display(),
            public.display()
        ),
        Lang::En => outln!(
            "Created the signing key {} (secret: keep it off the database's machine) and the public key {} (send it to the province).",
            secret.display(),
            public.display()
        ),
    }
    Ok(())
}

/// `audit checkpoint --signing-key FILE -o FILE`: verifies the chain, signs its head, stores the checkpoint
/// and writes it to the file sent to the province.
pub fn checkpoint(db: &str, signing_key: &Path, output: &Path, lang: Lang) -> Result<(), CliError> {
    let key = SigningKey::parse(&read(signing_key)?).ok_or_else(|| {
        not_a(
            "signing-key",
            signing_key,
            "không phải tệp khoá ký (tạo bằng audit keygen)",
            "not a signing key file (made by audit keygen)",
        )
    })?;
    let mut store = open(db)?;
    let signed = match store.audit_checkpoint(&key)? {
        Ok(s) => s,
        Err(b) => {
            return Err(CliError::AuditBroken(
                format!(
                    "Không ký điểm mốc vì nhật ký kiểm toán bị đứt: {}",
                    b.message(Lang::Vi)
                ),
                format!(
                    "No checkpoint signed: the audit log is broken: {}",
                    b.message(Lang::En)
                ),
            ));
        }
    };
    write_file(output, signed.to_text().as_bytes())?;
    let head = signed.checkpoint.short();
    let file = output.display();
    match lang {
        Lang::Vi => outln!(
            "Đã ký điểm mốc nhật ký kiểm toán: {head} (số mục · đầu chuỗi), ghi vào {file}; hãy gửi tệp này cho tỉnh."
        ),
        Lang::En => outln!(
            "Signed an audit checkpoint: {head} (entries · head), written to {file}; send this file to the province."
        ),
    }
    Ok(())
}

/// `audit verify [--checkpoint FILE]... [--public-key FILE]...`: the chain with its key, against every
/// checkpoint given and stored. Broken: exit 3 (errors.rs).
pub fn verify(
    db: &str,
    checkpoints: &[std::path::PathBuf],
    public_keys: &[std::path::PathBuf],
    lang: Lang,
) -> Result<(), CliError> {
    let mut files = Vec::new();
    for p in checkpoints {
        let text = read(p)?;
        if SignedCheckpoint::parse(&text).is_none() {
            return Err(not_a(
                "checkpoint",
                p,
                "không phải tệp điểm mốc (tạo bằng audit checkpoint)",
                "not a checkpoint file (made by audit checkpoint)",
            ));
        }
        files.push((p.display().to_string(), text));
    }
    let mut trusted = Vec::new();
    for p in public_keys {
        trusted.push(parse_public_key(&read(p)?).ok_or_else(|| {
            not_a(
                "public-key",
                p,
                "không phải tệp khoá công khai (tạo bằng audit keygen)",
                "not a public key file (made by audit keygen)",
            )
        })?);
    }
    let mut store = open(db)?;
    let check = store.verify_audit_anchored(&files, &trusted)?;
    // On a province's server: the chain of every commune database set up from it, as far as it came up.
    let communes = store.verify_commune_audits()?;
    let commune_broken = communes.iter().any(|c| c.verified.is_err());
    let head = short_head(check.entries, &check.head);
    let keyed = match (check.keyed_from, lang) {
        (Some(k), Lang::Vi) => format!("băm có khoá từ mục #{k}"),
        (Some(k), Lang::En) => format!("keyed from entry #{k}"),
        (None, Lang::Vi) => "chưa băm có khoá".to_owned(),
        (None, Lang::En) => "not keyed".to_owned(),
    };
    let held = check.checkpoints.len();
    let says = match lang {
        Lang::Vi => format!(
            "{} mục, đầu chuỗi {head} (số mục · mã băm), {keyed}; {held} điểm mốc",
            check.entries
        ),
        Lang::En => format!(
            "{} entries, head {head} (entries · hash), {keyed}; {held} checkpoint{}",
            check.entries,
            if held == 1 { "" } else { "s" }
        ),
    };
    if check.is_intact() {
        outln!(
            "{} {says}",
            lang.pick("Nhật ký kiểm toán toàn vẹn:", "The audit log is intact:")
        );
        for c in &check.checkpoints {
            outln!("  {}", c.message(lang));
        }
        // Someone without the key can rewrite the whole log as a plain chain, which reads like a log from before
        // the key: only a checkpoint vouches for plain entries.
        let plain = check.keyed_from.map_or(check.entries, |k| k - 1);
        let vouched = check.checkpoints.iter().any(|c| {
            c.outcome == CheckpointOutcome::Holds
                && c.checkpoint.as_ref().is_some_and(|cp| cp.entries >= plain)
        });
        if plain > 0 && !vouched {
            match lang {
                Lang::Vi => outln!(
                    "  Các mục #1–#{plain} không băm có khoá (ghi trước khi có khoá, hoặc cơ sở dữ liệu chưa có khoá): không điểm mốc nào bảo đảm chúng chưa bị viết lại."
                ),
                Lang::En => outln!(
                    "  Entries #1–#{plain} are not keyed (written before the key, or the database has none): no checkpoint vouches that they were not rewritten."
                ),
            }
        }
        if trusted.is_empty() && held > 0 {
            outln!(
                "  {}",
                lang.pick(
                    "Chữ ký chỉ được kiểm bằng khoá ghi trong chính điểm mốc: hãy cho --public-key để biết ai đã ký.",
                    "Signatures were checked only against the key each checkpoint names: give --public-key to know who signed."
                )
            );
        }
        for c in &communes {
            if let Ok(n) = c.verified {
                let (code, origin) = (&c.commune_code, c.origin);
                outln!(
                    "{}",
                    lang.pick(
                        &format!("Nhật ký của xã {code} (nguồn {origin}) toàn vẹn: {n} mục đã lên máy chủ."),
                        &format!("The log of commune {code} (origin {origin}) is intact: {n} entries reached the server.")
                    )
                );
            }
        }
        if !commune_broken {
            return Ok(());
        }
    }
    let (mut vi, mut en) = (Vec::new(), Vec::new());
    if !check.is_intact() {
        vi.push(format!(
            "Nhật ký kiểm toán đã bị sửa: {}",
            says_in(&check, Lang::Vi)
        ));
        en.push(format!(
            "The audit log was tampered with: {}",
            says_in(&check, Lang::En)
        ));
        if let Err(b) = &check.chain {
            vi.push(format!("  {}", b.message(Lang::Vi)));
            en.push(format!("  {}", b.message(Lang::En)));
        }
        for c in &check.checkpoints {
            vi.push(format!("  {}", c.message(Lang::Vi)));
            en.push(format!("  {}", c.message(Lang::En)));
        }
    }
    for c in &communes {
        if let Err(b) = &c.verified {
            let (code, origin) = (&c.commune_code, c.origin);
            vi.push(format!(
                "Nhật ký của xã {code} (nguồn {origin}) trên máy chủ đã bị sửa: {}",
                b.message(Lang::Vi)
            ));
            en.push(format!(
                "The log of commune {code} (origin {origin}) on the server was tampered with: {}",
                b.message(Lang::En)
            ));
        }
    }
    Err(CliError::AuditBroken(vi.join("\n"), en.join("\n")))
}

fn says_in(check: &giamngheo_store::checkpoint::AuditCheck, lang: Lang) -> String {
    let head = short_head(check.entries, &check.head);
    match lang {
        Lang::Vi => format!("{} mục đầu kiểm được, đầu chuỗi {head}", check.entries),
        Lang::En => format!("the first {} entries check, head {head}", check.entries),
    }
}
