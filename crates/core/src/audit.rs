//! The audit log's hash chain: each entry's hash covers its own fields and the previous entry's hash, so
//! changing, removing or inserting any row breaks every hash after it and the auditor sees where.
//!
//! The encoding is length-prefixed so no choice of field values can make two different entries hash alike.
//!
//! A plain SHA-256 chain can be rewritten by anyone who can write the table: change a row, recompute every
//! later hash. So entries are now chained with HMAC-SHA256 under a key the database does not hold
//! ([`ChainKey`]); entries written before the key existed keep their plain hashes and still verify, and a
//! plain entry after a keyed one is a forgery ([`ChainBreak::Unkeyed`]). Whoever holds the key and the
//! database can still rewrite both: signed checkpoints of the head ([`Checkpoint`]), kept elsewhere, are what
//! catches that.

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
    /// The hash of this entry chained to `previous`, as 64 lowercase hex digits: the plain chain, kept for
    /// entries written before the chain was keyed.
    pub fn hash(&self, previous: &str) -> String {
        let mut h = Sha256::new();
        self.feed(previous, &mut h);
        hex(&h.finalize())
    }

    /// The keyed hash (HMAC-SHA256 under `key`) of the same bytes as [`AuditEntry::hash`], as 64 lowercase hex
    /// digits: without the key nobody can compute it, so a row rewritten in the table shows.
    pub fn keyed_hash(&self, key: &ChainKey, previous: &str) -> String {
        let mut inner = Sha256::new();
        inner.update(key.pad(IPAD));
        self.feed(previous, &mut inner);
        let mut outer = Sha256::new();
        outer.update(key.pad(OPAD));
        outer.update(inner.finalize());
        hex(&outer.finalize())
    }

    fn feed(&self, previous: &str, h: &mut Sha256) {
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
    }
}

const IPAD: u8 = 0x36;
const OPAD: u8 = 0x5c;

/// The key of the keyed chain: 32 random bytes, held outside the database (a file beside a SQLite database,
/// or wherever `--audit-key` says).
#[derive(Clone, PartialEq, Eq)]
pub struct ChainKey([u8; 32]);

impl ChainKey {
    pub fn from_bytes(bytes: [u8; 32]) -> ChainKey {
        ChainKey(bytes)
    }

    /// The key as 64 hex digits (its file's content).
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    pub fn from_hex(text: &str) -> Option<ChainKey> {
        Some(ChainKey(unhex::<32>(text.trim())?))
    }

    /// A name for the key, stored with each entry it hashed: 16 hex digits of a hash of the key, so a wrong
    /// key is told apart from a tampered entry and the key itself is not revealed.
    pub fn id(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"giamngheo audit chain key id\0");
        h.update(self.0);
        hex(&h.finalize()[..8])
    }

    /// A key made from this one for `label`: a province's server gives each commune database set up from
    /// it the key derived for that database, so that the server can check the chain the commune sends up
    /// while the commune never holds the server's own key.
    pub fn derive(&self, label: &str) -> ChainKey {
        ChainKey(hmac_sha256(&self.0, label.as_bytes()))
    }

    /// The key XORed with HMAC's pad byte (RFC 2104; a 32-byte key fits SHA-256's 64-byte block unhashed).
    fn pad(&self, byte: u8) -> [u8; 64] {
        let mut block = [byte; 64];
        for (b, k) in block.iter_mut().zip(self.0) {
            *b ^= k;
        }
        block
    }
}

impl std::fmt::Debug for ChainKey {
    // Never the key's bytes in a log or a panic message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ChainKey({})", self.id())
    }
}

/// HMAC-SHA256 of `message` under a key of any length (RFC 2104), for the test vectors of RFC 4231.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ IPAD));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ OPAD));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// `N` bytes from exactly `2N` hex digits (either case).
pub fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let t = text.as_bytes();
    if t.len() != 2 * N {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = digit(t[2 * i])? << 4 | digit(t[2 * i + 1])?;
    }
    Some(out)
}

pub fn hex(bytes: &[u8]) -> String {
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
    /// A plain (unkeyed) entry after a keyed one: written by someone without the key.
    Unkeyed { seq: i64 },
    /// A keyed entry, and no key to check it with.
    NoKey { seq: i64 },
    /// A keyed entry whose key is not the one given (`key_id` is the id stored with the entry).
    WrongKey { seq: i64, key_id: String },
}

impl ChainBreak {
    /// The entry where the chain first fails.
    pub fn seq(&self) -> i64 {
        match self {
            ChainBreak::HashMismatch { seq }
            | ChainBreak::Unkeyed { seq }
            | ChainBreak::NoKey { seq }
            | ChainBreak::WrongKey { seq, .. } => *seq,
            ChainBreak::Gap { after, .. } => after + 1,
        }
    }
}

impl crate::messages::Localized for ChainBreak {
    fn message(&self, lang: crate::Lang) -> String {
        use crate::Lang::{En, Vi};
        match (self, lang) {
            (ChainBreak::HashMismatch { seq }, Vi) => format!(
                "mục #{seq}: mã băm lưu không khớp nội dung và mục trước (mục này hoặc mục trước đã bị sửa)"
            ),
            (ChainBreak::HashMismatch { seq }, En) => format!(
                "entry #{seq}: the stored hash does not match its content and the previous entry (this entry or the one before was altered)"
            ),
            (ChainBreak::Gap { after, found }, Vi) => format!(
                "sau mục #{after} là mục #{found}: mục #{} đã bị xoá hoặc chèn",
                after + 1
            ),
            (ChainBreak::Gap { after, found }, En) => format!(
                "entry #{found} follows #{after}: entry #{} was removed or inserted",
                after + 1
            ),
            (ChainBreak::Unkeyed { seq }, Vi) => format!(
                "mục #{seq} không có khoá sau các mục có khoá: mục giả, ghi bởi người không giữ khoá"
            ),
            (ChainBreak::Unkeyed { seq }, En) => format!(
                "entry #{seq} is unkeyed after keyed entries: a forgery by someone without the key"
            ),
            (ChainBreak::NoKey { seq }, Vi) => {
                format!("mục #{seq} được băm có khoá nhưng không có khoá để kiểm tra (--audit-key)")
            }
            (ChainBreak::NoKey { seq }, En) => {
                format!("entry #{seq} is keyed but no key was given to check it (--audit-key)")
            }
            (ChainBreak::WrongKey { seq, key_id }, Vi) => {
                format!("mục #{seq} được băm bằng khoá {key_id}, không phải khoá đã cho")
            }
            (ChainBreak::WrongKey { seq, key_id }, En) => {
                format!("entry #{seq} was hashed with key {key_id}, not the key given")
            }
        }
    }
}

/// Walks a chain entry by entry, oldest first: the one set of rules for the plain and the keyed chain, used
/// by the store's verification as it streams rows.
pub struct ChainWalk<'k> {
    key: Option<&'k ChainKey>,
    key_id: Option<String>,
    head: String,
    last: i64,
    keyed_from: Option<i64>,
}

impl<'k> ChainWalk<'k> {
    pub fn new(key: Option<&'k ChainKey>) -> ChainWalk<'k> {
        ChainWalk {
            key,
            key_id: key.map(ChainKey::id),
            head: GENESIS.to_owned(),
            last: 0,
            keyed_from: None,
        }
    }

    /// A walk that goes on from entry `last`, whose hash is `head` (a chain held in part already: a
    /// commune's entries that reached its server earlier); `keyed` if that entry was keyed.
    pub fn resume(key: Option<&'k ChainKey>, last: i64, head: &str, keyed: bool) -> ChainWalk<'k> {
        ChainWalk {
            last,
            head: head.to_owned(),
            keyed_from: keyed.then_some(last),
            ..ChainWalk::new(key)
        }
    }

    /// Checks the next entry, its stored hash and the id of the key stored with it (None: a plain entry).
    pub fn push(
        &mut self,
        entry: &AuditEntry,
        stored: &str,
        key_id: Option<&str>,
    ) -> Result<(), ChainBreak> {
        let seq = entry.seq;
        if seq != self.last + 1 {
            return Err(ChainBreak::Gap {
                after: self.last,
                found: seq,
            });
        }
        let want = match key_id {
            None if self.keyed_from.is_some() => return Err(ChainBreak::Unkeyed { seq }),
            None => entry.hash(&self.head),
            Some(id) => match (self.key, self.key_id.as_deref()) {
                (None, _) => return Err(ChainBreak::NoKey { seq }),
                (Some(key), Some(mine)) if mine == id => entry.keyed_hash(key, &self.head),
                _ => {
                    return Err(ChainBreak::WrongKey {
                        seq,
                        key_id: id.to_owned(),
                    });
                }
            },
        };
        if want != stored {
            return Err(ChainBreak::HashMismatch { seq });
        }
        if key_id.is_some() && self.keyed_from.is_none() {
            self.keyed_from = Some(seq);
        }
        self.head = want;
        self.last = seq;
        Ok(())
    }

    /// Entries accepted so far.
    pub fn count(&self) -> i64 {
        self.last
    }

    /// The hash of the last entry accepted (`GENESIS` before any).
    pub fn head(&self) -> &str {
        &self.head
    }

    /// The first keyed entry, if any.
    pub fn keyed_from(&self) -> Option<i64> {
        self.keyed_from
    }
}

/// A statement of the chain's head at one moment, to be signed and kept outside the database: whoever later
/// holds it can tell whether the log still begins with those `entries` ending in `head`. Its text form is
/// what is signed, so it is written and read in exactly one way ([`Checkpoint::body`], [`Checkpoint::parse`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The database's identity (`audit_database.id`), so a checkpoint is not held against another database.
    pub database: String,
    pub entries: i64,
    pub head: String,
    /// UTC, ISO 8601 to the second.
    pub at: String,
    /// The Ed25519 public key that signs it, 64 hex digits.
    pub public_key: String,
}

/// A checkpoint's text with its signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedCheckpoint {
    pub checkpoint: Checkpoint,
    /// The Ed25519 signature of [`Checkpoint::body`], 128 hex digits.
    pub signature: String,
}

const CHECKPOINT_MAGIC: &str = "giamngheo audit checkpoint v1";

impl Checkpoint {
    /// The signed bytes: one field a line, in a fixed order.
    pub fn body(&self) -> String {
        format!(
            "{CHECKPOINT_MAGIC}\ndatabase: {}\nentries: {}\nhead: {}\nat: {}\npublic-key: {}\n",
            self.database, self.entries, self.head, self.at, self.public_key
        )
    }

    /// The head's short form shown on screens and forms: count and the first 12 hex digits.
    pub fn short(&self) -> String {
        short_head(self.entries, &self.head)
    }
}

/// "1234 · 3fa9c01b7e2d": how the head is shown on `audit verify`, the decision PDF and the web.
pub fn short_head(entries: i64, head: &str) -> String {
    format!("{entries} · {}", head.get(..12).unwrap_or(head))
}

impl SignedCheckpoint {
    /// The file's text: the body, then the signature line.
    pub fn to_text(&self) -> String {
        format!("{}signature: {}\n", self.checkpoint.body(), self.signature)
    }

    /// Reads the text [`SignedCheckpoint::to_text`] writes (line ends CRLF or LF); None if it is not one.
    pub fn parse(text: &str) -> Option<SignedCheckpoint> {
        let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
        if lines.next()? != CHECKPOINT_MAGIC {
            return None;
        }
        let mut field = |name: &str| -> Option<String> {
            let line = lines.next()?;
            let value = line.strip_prefix(name)?.strip_prefix(": ")?;
            Some(value.to_owned())
        };
        let database = field("database")?;
        let entries = field("entries")?.parse().ok()?;
        let head = field("head")?;
        let at = field("at")?;
        let public_key = field("public-key")?;
        let signature = field("signature")?;
        let hexlen = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
        if !hexlen(&head, 64) || !hexlen(&public_key, 64) || !hexlen(&signature, 128) || entries < 0
        {
            return None;
        }
        Some(SignedCheckpoint {
            checkpoint: Checkpoint {
                database,
                entries,
                head: head.to_ascii_lowercase(),
                at,
                public_key: public_key.to_ascii_lowercase(),
            },
            signature: signature.to_ascii_lowercase(),
        })
    }
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

/// The audit log's action codes with their Vietnamese and English words.
const ACTION_WORDS: &[(&str, &str, &str)] = &[
    ("add_complaint", "nhận khiếu nại", "complaint received"),
    (
        "add_lineage",
        "thêm quan hệ kế thừa đơn vị",
        "unit lineage added",
    ),
    (
        "add_programme",
        "thêm chương trình hỗ trợ",
        "support programme added",
    ),
    (
        "add_request",
        "nhận đề nghị rà soát",
        "review request received",
    ),
    (
        "answer_complaint",
        "trả lời khiếu nại",
        "complaint answered",
    ),
    (
        "apply_reform",
        "áp dụng sắp xếp đơn vị hành chính",
        "administrative reform applied",
    ),
    ("read", "xem", "read"),
    ("report", "lập báo cáo", "report made"),
    ("refused", "từ chối (bị chặn)", "refused"),
    ("login", "đăng nhập", "logged in"),
    ("answer_feedback", "trả lời góp ý", "feedback answered"),
    ("birth", "khai sinh", "birth"),
    (
        "case_state",
        "chuyển bước hộ trong đợt",
        "household's step in the round",
    ),
    ("create", "tạo", "created"),
    ("death", "khai tử", "death"),
    ("decide", "quyết định kết quả đợt", "round decided"),
    (
        "decide_review",
        "quyết định kết quả của hộ",
        "household's result decided",
    ),
    (
        "delete_review",
        "xóa kết quả chưa quyết định",
        "undecided result deleted",
    ),
    (
        "import_households",
        "nhập dữ liệu hộ từ tệp",
        "households imported",
    ),
    (
        "import_reviews",
        "nhập kết quả rà soát",
        "review results imported",
    ),
    (
        "issue_certificate",
        "cấp giấy chứng nhận",
        "certificate issued",
    ),
    (
        "handle_feedback",
        "nhận xử lý góp ý",
        "feedback taken in hand",
    ),
    (
        "insert_reviews",
        "ghi kết quả rà soát",
        "review results recorded",
    ),
    ("load_units", "nạp danh mục đơn vị", "unit list loaded"),
    (
        "sync_add_commune",
        "thiết lập đồng bộ cho xã",
        "commune sync set up",
    ),
    ("sync_receive", "nhận gói đồng bộ", "sync bundle received"),
    (
        "sync_resolve",
        "chọn bản trong xung đột đồng bộ",
        "sync conflict resolved",
    ),
    (
        "sync_withdraw",
        "rút bản ghi bị tỉnh từ chối",
        "record refused by the province withdrawn",
    ),
    ("merge", "nhập hộ", "households merged"),
    ("open_round", "mở đợt rà soát", "review round opened"),
    (
        "record_meeting",
        "ghi biên bản họp dân",
        "village meeting recorded",
    ),
    ("record_support", "ghi nhận hỗ trợ", "support recorded"),
    ("screening", "sàng lọc", "screening"),
    ("search", "tìm kiếm", "search"),
    (
        "set_programme_cost",
        "đặt định mức hỗ trợ",
        "programme cost set",
    ),
    (
        "set_review_reason",
        "ghi lý do kết quả",
        "review reason recorded",
    ),
    ("set_target", "đặt chỉ tiêu kế hoạch", "plan target set"),
    ("split", "tách hộ", "household split"),
    ("submit_report", "gửi báo cáo", "report sent"),
    ("survey", "ghi phiếu rà soát", "survey recorded"),
    ("post", "niêm yết công khai", "results posted"),
    ("reopen", "mở lại đợt", "round reopened"),
];

/// Every action code the log records that has words, for the log viewer's picker.
pub fn action_codes() -> impl Iterator<Item = &'static str> {
    ACTION_WORDS.iter().map(|(c, _, _)| *c)
}

/// What an audit entry's action code means, in words (the codes are the store's and stay in the log as
/// written; unknown codes are shown as they are).
pub fn action_name(code: &str, lang: crate::Lang) -> Option<&'static str> {
    ACTION_WORDS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, vi, en)| lang.pick(vi, en))
}

/// What an audit entry is about, in words.
pub fn entity_name(code: &str, lang: crate::Lang) -> Option<&'static str> {
    const WORDS: &[(&str, &str, &str)] = &[
        ("account", "tài khoản", "account"),
        ("complaint", "khiếu nại", "complaint"),
        ("feedback", "góp ý", "feedback"),
        ("household", "hộ", "household"),
        ("residence", "nơi ở", "residence"),
        ("review", "kết quả rà soát", "review"),
        ("review_round", "đợt rà soát", "review round"),
        ("round_case", "hộ trong đợt", "household in a round"),
        ("support", "hỗ trợ", "support"),
        (
            "support_programme",
            "chương trình hỗ trợ",
            "support programme",
        ),
        ("unit", "đơn vị", "unit"),
        ("village_meeting", "cuộc họp thôn", "village meeting"),
    ];
    WORDS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, vi, en)| lang.pick(vi, en))
}
