//! Sync bundles as bytes, for files (places with no connection) and HTTP bodies alike: gzip of a head line
//! and the bundle's text (`giamngheo_store::sync::text`). The head names the kind and seals the text: a
//! bundle with the HMAC-SHA256 of the commune's sync key, so a file changed on the way or forged is refused;
//! the bundle that makes a commune's database carries that key itself, so it can only be hashed (SHA-256,
//! against damage) and must travel as the personal data it holds does (by hand, on the officer's device).

use std::io::{Read, Write};

use giamngheo_core::audit::{hex, hmac_sha256, unhex};
use giamngheo_store::StoreError;
use giamngheo_store::sync::SyncProblem;
use sha2::{Digest, Sha256};

/// A bundle larger than this, once inflated, is refused before it is read further (a commune of 100,000
/// households is about 150 MB of text).
pub const MAX_TEXT: u64 = 1 << 30;

const HEAD: &str = "giamngheo-sync-file 1";

/// What a sealed bundle is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Changes between a commune's database and its server, sealed with their key.
    Bundle,
    /// What makes a commune's database, hashed.
    Init,
}

impl Kind {
    fn code(self) -> &'static str {
        match self {
            Kind::Bundle => "bundle",
            Kind::Init => "init",
        }
    }
}

/// A sealed bundle read back, its seal not yet checked against a key.
pub struct Opened {
    pub kind: Kind,
    seal: String,
    pub text: String,
}

fn malformed(what: &str) -> StoreError {
    StoreError::Sync(SyncProblem::Malformed(what.to_owned()))
}

fn seal_of(kind: Kind, text: &str, key_hex: Option<&str>) -> Result<String, StoreError> {
    Ok(match (kind, key_hex) {
        (Kind::Bundle, Some(k)) => {
            let key: [u8; 32] = unhex(k).ok_or_else(|| malformed("the sync key"))?;
            hex(&hmac_sha256(&key, text.as_bytes()))
        }
        _ => hex(&Sha256::digest(text.as_bytes())),
    })
}

/// The bytes of a bundle: sealed with the key (hex) for [`Kind::Bundle`], hashed for [`Kind::Init`].
pub fn seal(kind: Kind, text: &str, key_hex: Option<&str>) -> Result<Vec<u8>, StoreError> {
    let head = format!("{HEAD} {} {}\n", kind.code(), seal_of(kind, text, key_hex)?);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(head.as_bytes())
        .and_then(|()| gz.write_all(text.as_bytes()))
        .map_err(|e| malformed(&e.to_string()))?;
    gz.finish().map_err(|e| malformed(&e.to_string()))
}

/// Reads a bundle's bytes (at most [`MAX_TEXT`] once inflated).
pub fn open(bytes: &[u8]) -> Result<Opened, StoreError> {
    open_within(bytes, MAX_TEXT)
}

/// Reads a bundle's bytes, refused once they inflate past `max_text` (a server reads a body before it can
/// check its seal, so it keeps a small file from inflating into a large allocation).
pub fn open_within(bytes: &[u8], max_text: u64) -> Result<Opened, StoreError> {
    let mut text = String::new();
    let mut gz = flate2::read::GzDecoder::new(bytes).take(max_text + 1);
    gz.read_to_string(&mut text)
        .map_err(|_| malformed("not a gzip file of text (is it a sync bundle?)"))?;
    if text.len() as u64 > max_text {
        return Err(malformed(&format!(
            "larger than {} MiB once inflated",
            max_text >> 20
        )));
    }
    let (head, body) = text
        .split_once('\n')
        .ok_or_else(|| malformed("no head line"))?;
    let words: Vec<&str> = head.split(' ').collect();
    let (kind, seal) = match words.as_slice() {
        [a, b, kind, seal] if format!("{a} {b}") == HEAD => {
            let kind = match *kind {
                "bundle" => Kind::Bundle,
                "init" => Kind::Init,
                _ => return Err(malformed("an unknown kind of bundle")),
            };
            (kind, (*seal).to_owned())
        }
        _ => return Err(malformed("not a giamngheo sync bundle")),
    };
    let body = body.to_owned();
    Ok(Opened {
        kind,
        seal,
        text: body,
    })
}

impl Opened {
    /// The text, if its seal matches (`key_hex` for a bundle; an init is checked against its hash).
    pub fn verified(&self, key_hex: Option<&str>) -> Result<&str, StoreError> {
        let expected = seal_of(self.kind, &self.text, key_hex)?;
        // Compared in constant time: a comparison that stopped at the first wrong byte would tell whoever posts
        // forged bundles to the server how much of a seal they had right.
        if same(expected.as_bytes(), self.seal.as_bytes()) {
            Ok(&self.text)
        } else {
            Err(StoreError::Sync(SyncProblem::Tampered))
        }
    }
}

/// Whether two seals are equal, looking at every byte whatever the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
