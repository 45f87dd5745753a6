//! Signed checkpoints of the audit chain's head: the anchor outside the table. A checkpoint states "this
//! database's log had N entries ending in hash H at time T", signed with an Ed25519 key the database does not
//! hold; kept by the province (the file) and in the database (`audit_checkpoint`, migration 0012). Verifying
//! the chain against every checkpoint shows truncation below a checkpoint, and any rewrite, reordering or
//! rehash of the entries it covers, even by someone holding the chain's HMAC key.
//!
//! What it does not do: whoever holds the database, the chain key and the signing key can rewrite the log and
//! sign new checkpoints; only the checkpoints already sent elsewhere then disagree. Entries after the last
//! checkpoint are guarded by the keyed chain alone.

use std::collections::BTreeMap;

use ed25519_dalek::{Signer, Verifier};
use giamngheo_core::audit::{
    ChainBreak, ChainWalk, Checkpoint, GENESIS, SignedCheckpoint, hex, unhex,
};

use crate::Store;
use crate::audit::{KeyProblem, now_utc, walk_chain};
use crate::error::StoreError;

const SECRET_LABEL: &str = "giamngheo audit signing key (Ed25519, secret)";
const PUBLIC_LABEL: &str = "giamngheo audit public key (Ed25519)";

/// The key that signs checkpoints. Kept off the database's machine (a USB key, the commune chair's laptop):
/// `audit checkpoint` needs it only for the moment it signs.
pub struct SigningKey(ed25519_dalek::SigningKey);

impl SigningKey {
    /// A new key from the operating system's random source.
    pub fn generate() -> Result<SigningKey, StoreError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| StoreError::AuditKey {
            path: String::new(),
            problem: KeyProblem::Unreadable(e.to_string()),
        })?;
        Ok(SigningKey::from_seed(seed))
    }

    pub fn from_seed(seed: [u8; 32]) -> SigningKey {
        SigningKey(ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    /// The public key, 64 hex digits.
    pub fn public_hex(&self) -> String {
        hex(self.0.verifying_key().as_bytes())
    }

    /// The secret key file's text: a label line, then the seed in hex.
    pub fn secret_text(&self) -> String {
        format!("{SECRET_LABEL}\n{}\n", hex(self.0.as_bytes()))
    }

    /// The public key file's text: a label line, then the key in hex.
    pub fn public_text(&self) -> String {
        format!("{PUBLIC_LABEL}\n{}\n", self.public_hex())
    }

    /// Reads [`SigningKey::secret_text`].
    pub fn parse(text: &str) -> Option<SigningKey> {
        Some(SigningKey::from_seed(labelled(text, SECRET_LABEL)?))
    }

    /// Signs a checkpoint.
    pub fn sign(&self, checkpoint: Checkpoint) -> SignedCheckpoint {
        let signature = self.0.sign(checkpoint.body().as_bytes());
        SignedCheckpoint {
            checkpoint,
            signature: hex(&signature.to_bytes()),
        }
    }
}

/// Reads a public key file ([`SigningKey::public_text`]) to its 64 hex digits.
pub fn parse_public_key(text: &str) -> Option<String> {
    labelled::<32>(text, PUBLIC_LABEL).map(|k| hex(&k))
}

fn labelled<const N: usize>(text: &str, label: &str) -> Option<[u8; N]> {
    let mut lines = text.lines().map(str::trim);
    if lines.next()? != label {
        return None;
    }
    unhex::<N>(lines.next()?)
}

/// Whether the checkpoint's signature is its public key's signature of its body.
pub fn signature_holds(signed: &SignedCheckpoint) -> bool {
    let (Some(key), Some(sig)) = (
        unhex::<32>(&signed.checkpoint.public_key),
        unhex::<64>(&signed.signature),
    ) else {
        return false;
    };
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&key) else {
        return false;
    };
    key.verify(
        signed.checkpoint.body().as_bytes(),
        &ed25519_dalek::Signature::from_bytes(&sig),
    )
    .is_ok()
}

/// Where a checkpoint came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckpointSource {
    /// A file given to `audit verify` (its path).
    File(String),
    /// A row of `audit_checkpoint`.
    Stored(i64),
}

/// What one checkpoint says about the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckpointOutcome {
    /// The chain's first `entries` end in the checkpoint's head.
    Holds,
    /// Not a checkpoint's text.
    Unreadable,
    /// The signature is not its key's signature of its content: the checkpoint was altered or forged.
    BadSignature,
    /// Signed by a key that is not among the public keys given.
    Untrusted,
    /// A checkpoint of another database.
    OtherDatabase,
    /// The head differs: some entry from `since + 1` up to the checkpoint's count was altered, removed,
    /// inserted or moved (`since`: the last checkpoint below that still holds, or 0). Only the head is signed,
    /// so the entry itself cannot be named more closely.
    HeadDiffers { since: i64 },
    /// The log has only `have` entries: entries from `have + 1` on were cut.
    Truncated { have: i64 },
    /// The chain breaks before the checkpoint's count (the break is reported).
    NotReached,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckpointCheck {
    pub source: CheckpointSource,
    pub checkpoint: Option<Checkpoint>,
    pub outcome: CheckpointOutcome,
}

/// The chain checked against its key and its checkpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditCheck {
    /// Entries that verified (all of them when the chain holds).
    pub entries: i64,
    /// The hash of the last entry that verified.
    pub head: String,
    /// The first keyed entry.
    pub keyed_from: Option<i64>,
    pub chain: Result<(), ChainBreak>,
    /// In order: the files given, then the database's, oldest first.
    pub checkpoints: Vec<CheckpointCheck>,
}

impl AuditCheck {
    pub fn is_intact(&self) -> bool {
        self.chain.is_ok()
            && self
                .checkpoints
                .iter()
                .all(|c| c.outcome == CheckpointOutcome::Holds)
    }
}

impl Store {
    /// The database's identity, named in its checkpoints.
    pub fn audit_database_id(&mut self) -> Result<String, StoreError> {
        let row = self
            .conn
            .query_one("SELECT id FROM audit_database", &[])?
            .ok_or(StoreError::NotFound {
                what: "audit database identity",
                key: String::new(),
            })?;
        Ok(row[0].text().unwrap_or_default().to_owned())
    }

    /// Verifies the chain and, if it holds, signs a checkpoint of its head and stores it. A broken chain is
    /// not signed: a checkpoint would bless the tampering.
    pub fn audit_checkpoint(
        &mut self,
        key: &SigningKey,
    ) -> Result<Result<SignedCheckpoint, ChainBreak>, StoreError> {
        let chain_key = self.conn.audit_key.for_read()?.cloned();
        let mut walk = ChainWalk::new(chain_key.as_ref());
        if let Some(b) = walk_chain(&mut self.conn, &mut walk, &mut |_| {})? {
            return Ok(Err(b));
        }
        let signed = key.sign(Checkpoint {
            database: self.audit_database_id()?,
            entries: walk.count(),
            head: walk.head().to_owned(),
            at: now_utc(),
            public_key: key.public_hex(),
        });
        let c = &signed.checkpoint;
        self.conn.execute(
            "INSERT INTO audit_checkpoint (entries, head, at, public_key, text) VALUES ($1, $2, $3, $4, $5)",
            &[
                c.entries.into(),
                c.head.clone().into(),
                c.at.clone().into(),
                c.public_key.clone().into(),
                signed.to_text().into(),
            ],
        )?;
        Ok(Ok(signed))
    }

    /// The checkpoints stored here, oldest first: (id, signed text).
    pub fn audit_checkpoints(&mut self) -> Result<Vec<(i64, String)>, StoreError> {
        Ok(self
            .conn
            .query("SELECT id, text FROM audit_checkpoint ORDER BY id", &[])?
            .into_iter()
            .map(|r| {
                (
                    r[0].int().unwrap_or(0),
                    r[1].text().unwrap_or_default().to_owned(),
                )
            })
            .collect())
    }

    /// Walks the chain with the connection's key and checks it against every checkpoint: the `files` given
    /// (path, text) and those stored here. `trusted`: public keys (hex) a checkpoint must be signed with; empty,
    /// any valid signature counts (then a checkpoint proves only that its key's holder saw that head).
    pub fn verify_audit_anchored(
        &mut self,
        files: &[(String, String)],
        trusted: &[String],
    ) -> Result<AuditCheck, StoreError> {
        let database = self.audit_database_id()?;
        let mut checks: Vec<CheckpointCheck> = Vec::new();
        let stored = self.audit_checkpoints()?;
        let all = files
            .iter()
            .map(|(path, text)| (CheckpointSource::File(path.clone()), text.as_str()))
            .chain(
                stored
                    .iter()
                    .map(|(id, text)| (CheckpointSource::Stored(*id), text.as_str())),
            );
        for (source, text) in all {
            let (checkpoint, outcome) = match SignedCheckpoint::parse(text) {
                None => (None, CheckpointOutcome::Unreadable),
                Some(s) => {
                    let outcome = if !signature_holds(&s) {
                        CheckpointOutcome::BadSignature
                    } else if !trusted.is_empty() && !trusted.contains(&s.checkpoint.public_key) {
                        CheckpointOutcome::Untrusted
                    } else if s.checkpoint.database != database {
                        CheckpointOutcome::OtherDatabase
                    } else {
                        // Settled by the walk below.
                        CheckpointOutcome::NotReached
                    };
                    (Some(s.checkpoint), outcome)
                }
            };
            checks.push(CheckpointCheck {
                source,
                checkpoint,
                outcome,
            });
        }
        // Entry count → the checkpoints to compare when the walk has accepted that many entries.
        let mut at: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
        for (i, c) in checks.iter().enumerate() {
            if let (Some(cp), CheckpointOutcome::NotReached) = (&c.checkpoint, &c.outcome) {
                at.entry(cp.entries).or_default().push(i);
            }
        }
        let mut heads: Vec<(usize, bool)> = Vec::new();
        let mut compare = |count: i64, head: &str| {
            for &i in at.get(&count).into_iter().flatten() {
                let cp = checks[i].checkpoint.as_ref().map(|c| c.head.as_str());
                heads.push((i, cp == Some(head)));
            }
        };
        compare(0, GENESIS);
        let key = self.conn.audit_key.for_read()?.cloned();
        let mut walk = ChainWalk::new(key.as_ref());
        let broken = walk_chain(&mut self.conn, &mut walk, &mut |w| {
            compare(w.count(), w.head())
        })?;
        for (i, holds) in heads {
            checks[i].outcome = if holds {
                CheckpointOutcome::Holds
            } else {
                CheckpointOutcome::HeadDiffers { since: 0 }
            };
        }
        let held: Vec<i64> = checks
            .iter()
            .filter(|c| c.outcome == CheckpointOutcome::Holds)
            .filter_map(|c| c.checkpoint.as_ref().map(|cp| cp.entries))
            .collect();
        for c in &mut checks {
            let Some(cp) = &c.checkpoint else { continue };
            match c.outcome {
                CheckpointOutcome::HeadDiffers { .. } => {
                    let since = held
                        .iter()
                        .copied()
                        .filter(|&n| n < cp.entries)
                        .max()
                        .unwrap_or(0);
                    c.outcome = CheckpointOutcome::HeadDiffers { since };
                }
                CheckpointOutcome::NotReached if broken.is_none() => {
                    c.outcome = CheckpointOutcome::Truncated { have: walk.count() };
                }
                _ => {}
            }
        }
        Ok(AuditCheck {
            entries: walk.count(),
            head: walk.head().to_owned(),
            keyed_from: walk.keyed_from(),
            chain: broken.map_or(Ok(()), Err),
            checkpoints: checks,
        })
    }
}
