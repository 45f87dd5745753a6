//! The keyed audit chain: HMAC-SHA256 against RFC 4231, a chain that turns from plain to keyed, what the walk
//! finds in each tampered copy, and the checkpoint's text.

use giamngheo_core::audit::{
    AuditEntry, ChainBreak, ChainKey, ChainWalk, Checkpoint, GENESIS, SignedCheckpoint, hex,
    hmac_sha256,
};

#[test]
fn hmac_sha256_matches_rfc_4231() {
    // (key, data, HMAC-SHA256) from RFC 4231 test cases 1, 2, 3 and 6 (a key longer than the block).
    let cases: &[(Vec<u8>, &[u8], &str)] = &[
        (
            vec![0x0b; 20],
            b"Hi There",
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        ),
        (
            b"Jefe".to_vec(),
            b"what do ya want for nothing?",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (
            vec![0xaa; 20],
            &[0xdd; 50],
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        ),
        (
            vec![0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First",
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        ),
    ];
    for (key, data, want) in cases {
        assert_eq!(
            hex(&hmac_sha256(key, data)),
            *want,
            "key of {} bytes",
            key.len()
        );
    }
}

#[test]
fn keyed_hash_is_hmac_of_the_plain_encoding() {
    // The keyed hash is HMAC over exactly the bytes the plain hash digests: checked against the general HMAC
    // on a 32-byte key, and against a different key.
    let key = ChainKey::from_bytes([7; 32]);
    let e = entry(1, "surveyed");
    let keyed = e.keyed_hash(&key, GENESIS);
    assert_ne!(keyed, e.hash(GENESIS));
    assert_ne!(keyed, e.keyed_hash(&ChainKey::from_bytes([8; 32]), GENESIS));
    let mut bytes = GENESIS.as_bytes().to_vec();
    bytes.extend_from_slice(b"1:1;20:2026-11-29T10:00:01Z;");
    bytes.extend_from_slice("16:Nguyễn Văn An;".as_bytes());
    bytes.extend_from_slice(b"15:commune_officer;3:cli;6:survey;10:round_case;1:1;-;8:surveyed;-;");
    assert_eq!(keyed, hex(&hmac_sha256(&[7; 32], &bytes)));
    assert_eq!(ChainKey::from_hex(&key.to_hex()), Some(key.clone()));
    assert_eq!(key.id().len(), 16);
    assert!(
        !format!("{key:?}").contains(&key.to_hex()),
        "Debug hides the key"
    );
}

/// A stored row: the entry, its hash, the id of its key (None: plain).
type Row = (AuditEntry, String, Option<String>);

/// A survey entry of the commune officer, numbered `seq` (shared with the rounds tests).
pub fn entry(seq: i64, new_value: &str) -> AuditEntry {
    AuditEntry {
        seq,
        at: format!("2026-11-29T10:00:{:02}Z", seq % 60),
        actor: "Nguyễn Văn An".into(),
        role: "commune_officer".into(),
        origin: "cli".into(),
        action: "survey".into(),
        entity: "round_case".into(),
        entity_id: seq.to_string(),
        old_value: None,
        new_value: Some(new_value.into()),
        reason: None,
    }
}

/// Entries 1..=plain hashed plainly, then keyed up to `n`.
fn chain(key: &ChainKey, plain: i64, n: i64) -> Vec<Row> {
    let mut prev = GENESIS.to_owned();
    (1..=n)
        .map(|seq| {
            let e = entry(seq, "surveyed");
            let (h, id) = if seq <= plain {
                (e.hash(&prev), None)
            } else {
                (e.keyed_hash(key, &prev), Some(key.id()))
            };
            prev = h.clone();
            (e, h, id)
        })
        .collect()
}

fn walk(key: Option<&ChainKey>, rows: &[Row]) -> Result<(i64, Option<i64>), ChainBreak> {
    let mut w = ChainWalk::new(key);
    for (e, h, id) in rows {
        w.push(e, h, id.as_deref())?;
    }
    Ok((w.count(), w.keyed_from()))
}

/// Recomputes every plain hash from `from` (0-based) on: the attacker without the key.
fn rehash_plain(rows: &mut [Row], from: usize) {
    let mut prev = if from == 0 {
        GENESIS.to_owned()
    } else {
        rows[from - 1].1.clone()
    };
    for r in &mut rows[from..] {
        r.1 = r.0.hash(&prev);
        r.2 = None;
        prev = r.1.clone();
    }
}

#[test]
fn keyed_chain_walk_finds_each_tampering() {
    let key = ChainKey::from_bytes([42; 32]);
    let other = ChainKey::from_bytes([43; 32]);
    // Entries 1-3 from before the key, 4-8 keyed.
    let rows = chain(&key, 3, 8);
    assert_eq!(walk(Some(&key), &rows), Ok((8, Some(4))));
    assert_eq!(
        walk(Some(&key), &rows[..3]),
        Ok((3, None)),
        "plain entries alone"
    );
    assert_eq!(
        walk(None, &rows[..3]),
        Ok((3, None)),
        "plain entries need no key"
    );
    // Rewritten as plain from the first entry, the rows alone look like a log from before the key: only a
    // checkpoint shows it (the store's tamper tests).
    let mut rewritten = rows.clone();
    rewritten[5].0.actor = "Trần Thị Bình".into();
    rehash_plain(&mut rewritten, 0);
    assert_eq!(walk(Some(&key), &rewritten), Ok((8, None)));
    type Tamper = fn(&mut Vec<Row>);
    // (what is done, the key the verifier holds, where the walk stops)
    let cases: &[(&str, Tamper, Option<&ChainKey>, ChainBreak)] = &[
        (
            "keyed entry altered, every later hash recomputed without the key",
            |r| {
                r[4].0.new_value = Some("decided".into());
                rehash_plain(r, 4);
            },
            Some(&key),
            ChainBreak::Unkeyed { seq: 5 },
        ),
        (
            "keyed entry altered, plain hashes recomputed but still marked keyed",
            |r| {
                r[4].0.new_value = Some("decided".into());
                let ids: Vec<_> = r.iter().map(|x| x.2.clone()).collect();
                rehash_plain(r, 4);
                for (x, id) in r.iter_mut().zip(ids) {
                    x.2 = id;
                }
            },
            Some(&key),
            ChainBreak::HashMismatch { seq: 5 },
        ),
        (
            "forged entry appended with a correct plain hash",
            |r| {
                let e = entry(9, "forged");
                let h = e.hash(&r[7].1);
                r.push((e, h, None));
            },
            Some(&key),
            ChainBreak::Unkeyed { seq: 9 },
        ),
        (
            "forged entry appended, marked with the key's id",
            |r| {
                let e = entry(9, "forged");
                let h = e.hash(&r[7].1);
                r.push((e, h, r[7].2.clone()));
            },
            Some(&key),
            ChainBreak::HashMismatch { seq: 9 },
        ),
        (
            "middle entry deleted",
            |r| {
                r.remove(5);
            },
            Some(&key),
            ChainBreak::Gap { after: 5, found: 7 },
        ),
        (
            "checked with another key",
            |_| {},
            Some(&other),
            ChainBreak::WrongKey {
                seq: 4,
                key_id: ChainKey::from_bytes([42; 32]).id(),
            },
        ),
        (
            "checked with no key",
            |_| {},
            None,
            ChainBreak::NoKey { seq: 4 },
        ),
        (
            "two entries swapped",
            |r| r.swap(5, 6),
            Some(&key),
            ChainBreak::Gap { after: 5, found: 7 },
        ),
    ];
    for (what, tamper, verifier, want) in cases {
        let mut r = rows.clone();
        tamper(&mut r);
        assert_eq!(walk(*verifier, &r), Err(want.clone()), "{what}");
    }
}

#[test]
fn checkpoint_text_round_trips_and_refuses_damage() {
    let signed = SignedCheckpoint {
        checkpoint: Checkpoint {
            database: "3f1c9e0a5b7d4c2e8a6f1b3d5c7e9a0b".into(),
            entries: 1234,
            head: "ab".repeat(32),
            at: "2026-12-05T09:30:00Z".into(),
            public_key: "cd".repeat(32),
        },
        signature: "ef".repeat(64),
    };
    let text = signed.to_text();
    assert_eq!(SignedCheckpoint::parse(&text), Some(signed.clone()));
    assert_eq!(
        SignedCheckpoint::parse(&text.replace('\n', "\r\n")),
        Some(signed.clone()),
        "CRLF"
    );
    assert_eq!(signed.checkpoint.short(), "1234 · abababababab");
    // (damage, why it is refused)
    let cases: &[(&str, String)] = &[
        ("other magic", text.replace("v1", "v2")),
        ("count not a number", text.replace("1234", "12x4")),
        ("short head", text.replace(&"ab".repeat(32), "abab")),
        (
            "signature missing",
            text.replace(&format!("signature: {}\n", "ef".repeat(64)), ""),
        ),
        (
            "fields reordered",
            text.replace("entries: 1234\nhead", "head")
                .replace("at:", "entries: 1234\nat:"),
        ),
        ("empty", String::new()),
    ];
    for (what, damaged) in cases {
        assert_eq!(SignedCheckpoint::parse(damaged), None, "{what}");
    }
}
