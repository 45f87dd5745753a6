//! The audit chain from the command line: a signing key pair, a checkpoint sent to the province, and
//! `audit verify` against it before and after the log is cut.

use std::path::Path;
use std::process::Output;

use crate::{assert_refused, giamngheo, on_db, scratch, text, words};

fn run(args: &[&str]) -> Output {
    giamngheo(args)
}

/// The call succeeded and `stream` (its output or its messages) says `needle`.
fn succeeds_saying(o: &Output, stream: &[u8], needle: &str) {
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(stream).contains(needle), "{}", text(stream));
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn audit_keygen_checkpoint_and_verify_against_the_checkpoint() {
    let dir = scratch("audit");
    let db = dir.join("so-ho.db").to_str().unwrap().to_owned();
    let keys = dir.join("tinh");
    let checkpoint = dir.join("diem-moc.txt");
    let (key, public, cp) = (
        dir.join("tinh.key"),
        dir.join("tinh.pub"),
        checkpoint.to_str().unwrap(),
    );
    let o = run(&words("audit keygen --out", &[keys.to_str().unwrap()]));
    succeeds_saying(&o, &o.stdout, "Đã tạo khoá ký");
    #[cfg(unix)]
    assert_eq!(mode(&key), 0o600, "the secret key is the owner's alone");
    // A key is never overwritten: bad input.
    let o = run(&words("audit keygen --out", &[keys.to_str().unwrap()]));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));

    // The first write creates the chain key beside the database, owner-only, and says so.
    let o = run(&on_db(&db, "demo --households 300", &[]));
    succeeds_saying(&o, &o.stderr, "đã tạo khoá nhật ký kiểm toán");
    #[cfg(unix)]
    assert_eq!(mode(Path::new(&format!("{db}.audit-key"))), 0o600);

    let o = run(&on_db(
        &db,
        "audit checkpoint --signing-key",
        &[key.to_str().unwrap(), "-o", cp],
    ));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let signed = std::fs::read_to_string(&checkpoint).unwrap();
    let entries: i64 = signed
        .lines()
        .find_map(|l| l.strip_prefix("entries: "))
        .unwrap()
        .parse()
        .unwrap();
    let head = &signed
        .lines()
        .find_map(|l| l.strip_prefix("head: "))
        .unwrap()[..12];
    let short = format!("{entries} · {head}");
    assert!(entries > 2, "{signed}");
    assert!(text(&o.stdout).contains(&short), "{}", text(&o.stdout));

    let verify = |lang: &str| {
        run(&[
            "--lang",
            lang,
            "--db",
            &db,
            "audit",
            "verify",
            "--checkpoint",
            cp,
            "--public-key",
            public.to_str().unwrap(),
        ])
    };
    let o = verify("vi");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("Nhật ký kiểm toán toàn vẹn"), "{out}");
    assert!(out.contains(&short), "the head on verify's output: {out}");
    assert!(
        out.contains(&format!("điểm mốc {cp}")) && out.contains("khớp"),
        "{out}"
    );

    // (what is given that is not a checkpoint or key, the option named)
    let not_keys: &[(&str, &str)] = &[
        ("--checkpoint", "--checkpoint"),
        ("--public-key", "--public-key"),
    ];
    for (option, named) in not_keys {
        let o = run(&on_db(
            &db,
            "audit verify",
            &[option, key.to_str().unwrap()],
        ));
        assert_refused(&o, named, option);
    }

    // A key file named but missing is a mistyped path (bad input), not a tampered log.
    let missing = dir.join("khong-co.key");
    let o = run(&on_db(
        &db,
        "--audit-key",
        &[missing.to_str().unwrap(), "audit", "verify"],
    ));
    assert_refused(&o, "khong-co.key", "-");

    // An attacker with the database cuts the last two entries, as the append-only triggers allow once dropped.
    let mut store = giamngheo_store::Store::open(&db).unwrap();
    store
        .conn()
        .batch(&format!(
            "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > {}",
            entries - 2
        ))
        .unwrap();
    drop(store);
    // (language, what the message must say)
    let cases: &[(&str, &[&str])] = &[
        (
            "vi",
            &[
                "Nhật ký kiểm toán đã bị sửa",
                "đã bị cắt",
                &format!("#{}", entries - 1),
            ],
        ),
        (
            "en",
            &[
                "The audit log was tampered with",
                "were cut",
                &format!("#{}", entries - 1),
            ],
        ),
    ];
    for (lang, says) in cases {
        let o = verify(lang);
        assert_eq!(o.status.code(), Some(3), "{lang}: {}", text(&o.stdout));
        let err = text(&o.stderr);
        for s in *says {
            assert!(err.contains(s), "{lang}: {s:?} in {err}");
        }
        assert!(err.contains(cp), "names the checkpoint: {err}");
    }
}
