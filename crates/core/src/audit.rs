//! The audit log's hash chain: each entry's hash covers its own fields and the previous entry's hash, so
//! changing, removing or inserting any row breaks every hash after it and the auditor sees where.
//!
//! The encoding is length-prefixed so no choice of field values can make two different entries hash alike.

use sha2::{Digest, Sha256};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One change: who did what, when, from where, to which record, the old and new values and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    /// UTC, ISO 8601 to the second.
    pub at: String,
    pub actor: String,
    pub role: String,
    /// Where the change came from: "cli", or the web client's address.
    pub origin: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: Option<String>,
}

impl AuditEntry {
    /// The hash of this entry chained to `previous`, as 64 lowercase hex digits.
    pub fn hash(&self, previous: &str) -> String {
        let mut h = Sha256::new();
        h.update(previous.as_bytes());
        let seq = self.seq.to_string();
        let fields: [Option<&str>; 11] = [
            Some(&seq),
            Some(&self.at),
            Some(&self.actor),
            Some(&self.role),
            Some(&self.origin),
            Some(&self.action),
            Some(&self.entity),
            Some(&self.entity_id),
            self.old_value.as_deref(),
            self.new_value.as_deref(),
            self.reason.as_deref(),
        ];
        for f in fields {
            match f {
                // "-" for absent and a length prefix for present keep None and Some("") apart.
                None => h.update(b"-;"),
                Some(s) => {
                    h.update(s.len().to_string().as_bytes());
                    h.update(b":");
                    h.update(s.as_bytes());
                    h.update(b";");
                }
            }
        }
        hex(&h.finalize())
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// Where a chain first fails to verify.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainBreak {
    /// The stored hash of entry `seq` is not the hash of its fields and the previous hash: the entry (or
    /// the one before it) was altered.
    HashMismatch { seq: i64 },
    /// Entry numbers are not consecutive: rows were removed or inserted.
    Gap { after: i64, found: i64 },
}

/// Checks a run of entries with their stored hashes, oldest first, starting after `previous`
/// (`GENESIS` for the whole log).
pub fn verify<'a>(
    previous: &str,
    entries: impl IntoIterator<Item = (&'a AuditEntry, &'a str)>,
) -> Result<u64, ChainBreak> {
    let mut prev = previous.to_owned();
    let mut last_seq: Option<i64> = None;
    let mut n = 0;
    for (entry, stored) in entries {
        if last_seq.is_none() && previous == GENESIS && entry.seq != 1 {
            return Err(ChainBreak::Gap {
                after: 0,
                found: entry.seq,
            });
        }
        if let Some(last) = last_seq
            && entry.seq != last + 1
        {
            return Err(ChainBreak::Gap {
                after: last,
                found: entry.seq,
            });
        }
        let want = entry.hash(&prev);
        if want != stored {
            return Err(ChainBreak::HashMismatch { seq: entry.seq });
        }
        prev = want;
        last_seq = Some(entry.seq);
        n += 1;
    }
    Ok(n)
}
