//! Issue 12 at the store, on both backends: account names unique without regard to case and diacritics
//! (and what a database from before that keeps), and the public form's posts: spent once, limited per address
//! and per commune, about a household or village of the commune, merged when identical, and written whole
//! or not at all.

use giamngheo_core::round::{Role, RoundKind};
use giamngheo_store::StoreError;
use giamngheo_store::audit::Actor;
use giamngheo_store::db::Backend;
use giamngheo_store::public_feedback::{PublicLimits, PublicOutcome, PublicPost, Subject};
use giamngheo_store::rounds::{CaseSource, NewRound};

use crate::harness::{TestDb, date, on_both, seed_registry};

#[test]
fn account_names_are_one_name_without_case_and_diacritics() {
    on_both("trust_names", |db| {
        let s = &mut db.store;
        let by = Actor::new("quản trị", Role::Administrator, "cli");
        let first = s
            .add_account(&by, "Cán bộ xã", Role::Auditor, None, "h")
            .unwrap();
        for (name, taken) in [
            ("Cán bộ xã", true),
            ("cán bộ xã", true),
            ("CAN BO XA", true),
            ("Can  bo xa", true),
            // Decomposed (as typed on macOS): the same name.
            ("Ca\u{301}n bo\u{323}\u{302} xa\u{303}", true),
            ("Cán bộ xã 2", false),
            ("Cán bộ", false),
        ] {
            let r = s.add_account(&by, name, Role::Auditor, None, "h");
            assert_eq!(
                matches!(r, Err(StoreError::NameTaken { .. })),
                taken,
                "{}: {name:?} → {r:?}",
                db.name
            );
        }
        // Login finds the account whichever way the name is typed.
        for typed in ["Cán bộ xã", "can bo xa", "CÁN BỘ XÃ", " cán bộ xã "] {
            assert_eq!(
                s.account_by_name(typed).unwrap().map(|a| a.id),
                Some(first),
                "{}: {typed:?}",
                db.name
            );
        }
        assert_eq!(
            s.account_by_name("can bo huyen").unwrap(),
            None,
            "{}",
            db.name
        );
        // A database from before migration 0011 may hold two names that fold alike: both are kept and each
        // logs in by its exact name; the folded name finds the older; a third is refused.
        let next = s
            .conn()
            .query_one("SELECT max(id) FROM account", &[])
            .unwrap()
            .and_then(|r| r[0].int())
            .unwrap();
        for (i, name) in ["Thôn", "thon"].iter().enumerate() {
            s.conn()
                .execute(
                    "INSERT INTO account (id, name, role, password_hash, created_on, disabled) \
                     VALUES ($1, $2, 'auditor', 'h', '2025-01-01', 0)",
                    &[(next + 1 + i as i64).into(), (*name).into()],
                )
                .unwrap();
        }
        s.fill_account_name_keys().unwrap();
        for (typed, id) in [("Thôn", next + 1), ("thon", next + 2), ("THON", next + 1)] {
            assert_eq!(
                s.account_by_name(typed).unwrap().map(|a| a.id),
                Some(id),
                "{}: {typed:?}",
                db.name
            );
        }
        assert!(
            matches!(
                s.add_account(&by, "THÔN", Role::Auditor, None, "h"),
                Err(StoreError::NameTaken { .. })
            ),
            "{}",
            db.name
        );
    });
}

/// The commune of `three_households`' first two (villages "Thôn 1" and "Thôn 2") with a round under way
/// listing XH-001: (commune, round, village of XH-001, village of XH-002, a village of another commune).
fn commune_with_a_round(db: &mut TestDb) -> (i64, i64, i64, i64, i64) {
    let s = &mut db.store;
    seed_registry(s);
    let w = |s: &mut giamngheo_store::Store, code: &str| s.whereabouts(code).unwrap().unwrap();
    let (one, two, other) = (w(s, "XH-001"), w(s, "XH-002"), w(s, "HD-001"));
    let officer = Actor::new("cán bộ", Role::CommuneOfficer, "cli");
    let round = s
        .open_round(
            &officer,
            &NewRound {
                commune_id: one.commune_id,
                kind: RoundKind::Periodic,
                year: 2024,
                month: None,
                opened_on: date("2024-09-03"),
                standard_id: "vn-2022-2025".into(),
            },
        )
        .unwrap();
    s.add_request(
        &officer,
        round,
        "XH-001",
        CaseSource::Request,
        date("2024-09-04"),
    )
    .unwrap();
    (
        one.commune_id,
        round,
        one.village_id.unwrap(),
        two.village_id.unwrap(),
        other.village_id.unwrap(),
    )
}

fn post<'a>(
    commune_id: i64,
    nonce: &'a str,
    address: &'a str,
    now: i64,
    complaint: Option<Subject>,
    message: &'a str,
) -> PublicPost<'a> {
    PublicPost {
        commune_id,
        nonce,
        address,
        now,
        received_on: date("2024-10-01"),
        complaint,
        name: "Bà Hoa",
        contact: "0912 345 678",
        message,
        origin: "203.0.113.7",
    }
}

fn count(db: &mut TestDb, table: &str) -> i64 {
    // The store's SQL is static text (its statements are cached).
    let sql = match table {
        "feedback" => "SELECT count(*) FROM feedback",
        "complaint" => "SELECT count(*) FROM complaint",
        "public_post" => "SELECT count(*) FROM public_post",
        "public_token_use" => "SELECT count(*) FROM public_token_use",
        "audit_log" => "SELECT count(*) FROM audit_log",
        _ => unreachable!("{table}"),
    };
    db.store
        .conn()
        .query_one(sql, &[])
        .unwrap()
        .and_then(|r| r[0].int())
        .unwrap()
}

#[test]
fn public_posts_are_spent_once_limited_merged_and_about_the_commune() {
    on_both("trust_posts", |db| {
        let (commune, round, v1, v2, v_other) = commune_with_a_round(db);
        let limits = PublicLimits {
            per_address: 3,
            address_window: 600,
            per_commune: 5,
            commune_window: 3600,
            token_life: 7200,
        };
        let hh = |c: &str| Some(Subject::Household(c.to_owned()));
        let t = 1_800_000_000;
        use PublicOutcome::{NotInCommune, TokenSpent, TooMany};
        // (nonce, address, seconds after t, subject, text, outcome: None = accepted, with the queue entry's
        // copies when it is a complaint)
        let steps: Vec<(
            &str,
            &str,
            i64,
            Option<Subject>,
            &str,
            Result<Option<i64>, PublicOutcome>,
        )> = vec![
            ("n1", "A", 0, hh("XH-001"), "Hộ tôi bị xếp sai", Ok(Some(1))),
            (
                "n1",
                "B",
                1,
                hh("XH-001"),
                "Hộ tôi bị xếp sai",
                Err(TokenSpent),
            ),
            // The same words, spaced and cased otherwise: merged.
            (
                "n2",
                "B",
                2,
                hh("XH-001"),
                "  hộ TÔI bị   xếp sai\n",
                Ok(Some(2)),
            ),
            // Another word: a complaint of its own; the same text about a village: its own too.
            (
                "n3",
                "A",
                3,
                hh("XH-001"),
                "Hộ tôi bị xếp sai hạng",
                Ok(Some(1)),
            ),
            (
                "n4",
                "A",
                4,
                Some(Subject::Village(v2)),
                "Hộ tôi bị xếp sai",
                Ok(Some(1)),
            ),
            (
                "n5",
                "A",
                5,
                hh("XH-001"),
                "Lần thứ tư",
                Err(TooMany { address: true }),
            ),
            (
                "n6",
                "C",
                6,
                hh("HD-001"),
                "Hộ ở xã khác",
                Err(NotInCommune),
            ),
            (
                "n7",
                "C",
                7,
                hh("XX-404"),
                "Không có hộ này",
                Err(NotInCommune),
            ),
            (
                "n8",
                "C",
                8,
                Some(Subject::Village(v_other)),
                "Thôn xã khác",
                Err(NotInCommune),
            ),
            ("n9", "C", 9, None, "Góp ý về nhà văn hóa", Ok(None)),
            (
                "n10",
                "D",
                10,
                hh("XH-002"),
                "Hộ tôi chưa được rà soát",
                Err(TooMany { address: false }),
            ),
            // After the address's window, A is let in again, but the commune's hour is still full.
            (
                "n11",
                "A",
                601,
                hh("XH-001"),
                "Sau mười phút",
                Err(TooMany { address: false }),
            ),
            // After the hour, the commune takes posts again; a spent nonce is still refused while its token lives.
            (
                "n1",
                "E",
                3601,
                hh("XH-002"),
                "Hộ tôi chưa được rà soát",
                Err(TokenSpent),
            ),
            (
                "n12",
                "E",
                3602,
                hh("XH-002"),
                "Hộ tôi chưa được rà soát",
                Ok(Some(1)),
            ),
        ];
        for (nonce, address, after, subject, text, expect) in steps {
            let got = db
                .store
                .add_public_post(
                    &post(commune, nonce, address, t + after, subject, text),
                    limits,
                )
                .unwrap();
            match (&got, &expect) {
                (PublicOutcome::Accepted { complaint, .. }, Ok(copies)) => assert_eq!(
                    complaint.map(|k| k.1),
                    *copies,
                    "{}: {nonce} {text}",
                    db.name
                ),
                (got, Err(e)) => assert_eq!(got, e, "{}: {nonce} {text}", db.name),
                (got, Ok(_)) => panic!("{}: {nonce} {text}: {got:?}", db.name),
            }
        }
        // Six posts taken (five in the first hour), four queue entries: the merged one counts two.
        assert_eq!(count(db, "feedback"), 6, "{}", db.name);
        let queue = db.store.complaints(round).unwrap();
        assert_eq!(queue.len(), 4, "{}: {queue:?}", db.name);
        let places = db.store.complaint_places(round).unwrap();
        let mut seen: Vec<(Option<String>, Option<i64>, i64)> = queue
            .iter()
            .map(|k| {
                let p = places[&k.id];
                (
                    k.household_code.as_ref().map(|c| c.to_string()),
                    p.village_id,
                    p.copies,
                )
            })
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            vec![
                // XH-002 is not on the round's list: its village is kept.
                (None, Some(v2), 1),
                (None, Some(v2), 1),
                (Some("XH-001".to_owned()), Some(v1), 1),
                (Some("XH-001".to_owned()), Some(v1), 2),
            ],
            "{}",
            db.name
        );
        assert!(
            queue
                .iter()
                .all(|k| k.complainant == "Bà Hoa (0912 345 678)"
                    && k.channel == giamngheo_core::complaint::ComplaintChannel::Web),
            "{}: {queue:?}",
            db.name
        );
        // Each accepted complaint, and the merge, is in the audit log as the citizen.
        let entries = db
            .store
            .conn()
            .query(
                "SELECT action FROM audit_log WHERE entity = 'complaint' AND role = 'citizen' ORDER BY seq",
                &[],
            )
            .unwrap();
        let actions: Vec<String> = entries
            .into_iter()
            .filter_map(|r| r[0].text().map(str::to_owned))
            .collect();
        assert_eq!(
            actions,
            [
                "add_complaint",
                "merge_complaint",
                "add_complaint",
                "add_complaint",
                "add_complaint"
            ],
            "{}",
            db.name
        );
    });
}

#[test]
fn a_public_complaint_and_its_queue_entry_are_written_together_or_not_at_all() {
    on_both("trust_whole", |db| {
        let (commune, round, _, _, _) = commune_with_a_round(db);
        let postgres = db.store.backend() == Backend::Postgres;
        if postgres {
            db.store
                .conn()
                .batch(
                    "CREATE FUNCTION forced_failure() RETURNS trigger LANGUAGE plpgsql AS \
                     $$ BEGIN RAISE EXCEPTION 'forced failure'; END $$",
                )
                .unwrap();
        }
        // The rows a public post writes: feedback, complaint, the post, its token's use and the audit entry.
        let written = |db: &mut TestDb| -> Vec<i64> {
            [
                "feedback",
                "complaint",
                "public_post",
                "public_token_use",
                "audit_log",
            ]
            .iter()
            .map(|t| count(db, t))
            .collect()
        };
        // The queue entry is written first, the feedback row second: a failure in either leaves neither, no
        // spent token, no count toward the limits and no audit entry.
        for table in ["complaint", "feedback"] {
            let create = if postgres {
                format!(
                    "CREATE TRIGGER forced BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION forced_failure()"
                )
            } else {
                format!(
                    "CREATE TRIGGER forced BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, 'forced failure'); END"
                )
            };
            db.store.conn().batch(&create).unwrap();
            let before = written(db);
            let text = format!("Khiếu nại khi {table} hỏng");
            let p = post(
                commune,
                table,
                "A",
                1_800_000_000,
                Some(Subject::Household("XH-001".into())),
                &text,
            );
            let r = db.store.add_public_post(&p, PublicLimits::default());
            assert!(r.is_err(), "{} {table}: {r:?}", db.name);
            let after = written(db);
            assert_eq!(before, after, "{} {table}", db.name);
            let drop = if postgres {
                format!("DROP TRIGGER forced ON {table}")
            } else {
                "DROP TRIGGER forced".to_owned()
            };
            db.store.conn().batch(&drop).unwrap();
            // The same token then goes through: the failed post did not spend it.
            let r = db
                .store
                .add_public_post(&p, PublicLimits::default())
                .unwrap();
            let PublicOutcome::Accepted {
                feedback_id,
                complaint: Some((complaint, 1)),
            } = r
            else {
                panic!("{} {table}: {r:?}", db.name);
            };
            let linked = db
                .store
                .conn()
                .query_one(
                    "SELECT complaint_id FROM feedback WHERE id = $1",
                    &[feedback_id.into()],
                )
                .unwrap()
                .and_then(|r| r[0].int());
            assert_eq!(linked, Some(complaint), "{} {table}", db.name);
            assert!(
                db.store
                    .complaints(round)
                    .unwrap()
                    .iter()
                    .any(|k| k.id == complaint),
                "{} {table}",
                db.name
            );
        }
    });
}

#[test]
fn the_web_secret_is_created_once() {
    on_both("trust_secret", |db| {
        let a = db.store.web_secret("public_form", "first").unwrap();
        let b = db.store.web_secret("public_form", "second").unwrap();
        let c = db.second().web_secret("public_form", "third").unwrap();
        assert_eq!(
            (a.as_str(), b.as_str(), c.as_str()),
            ("first", "first", "first"),
            "{}",
            db.name
        );
    });
}

/// The migration scripts of a backend before 0011, in order: a database as it was before this issue.
fn scripts_before_0011(backend: &str) -> Vec<(i64, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    let mut out: Vec<(i64, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            let version: i64 = name.get(..4)?.parse().ok()?;
            (version < 11).then(|| (version, std::fs::read_to_string(dir.join(&name)).unwrap()))
        })
        .collect();
    out.sort();
    out
}

/// An account table as a database from before migration 0011 may hold it: two names that fold alike.
const OLD_ACCOUNTS: &str = "CREATE TABLE IF NOT EXISTS schema_migration (version BIGINT PRIMARY KEY, applied_on TEXT NOT NULL); \
    INSERT INTO account (id, name, role, password_hash, created_on, disabled) VALUES \
    (1, 'Thôn Đông', 'auditor', 'h1', '2025-01-01', 0), (2, 'thon dong', 'auditor', 'h2', '2025-01-01', 0), \
    (3, 'xa', 'auditor', 'h3', '2025-01-01', 0);";

/// What the migrated store says about the old accounts.
fn after_upgrade(s: &mut giamngheo_store::Store, name: &str) {
    let by = Actor::new("quản trị", Role::Administrator, "cli");
    for (typed, id) in [
        ("Thôn Đông", 1),
        ("thon dong", 2),
        ("THON DONG", 1),
        ("XA", 3),
    ] {
        assert_eq!(
            s.account_by_name(typed).unwrap().map(|a| a.id),
            Some(id),
            "{name}: {typed:?}"
        );
    }
    for (new, taken) in [("THÔN ĐÔNG", true), ("Xã", true), ("thôn tây", false)] {
        let r = s.add_account(&by, new, Role::Auditor, None, "h");
        assert_eq!(
            matches!(r, Err(StoreError::NameTaken { .. })),
            taken,
            "{name}: {new:?} → {r:?}"
        );
    }
}

/// A database as migrated by hand to just before 0011, through `run` (one batch of statements a call): the
/// migrations, the old accounts, then their rows in `schema_migration`.
fn install_before_0011(backend: &str, mut run: impl FnMut(&str)) {
    let mut done = String::new();
    for (v, script) in scripts_before_0011(backend) {
        run(&script);
        done.push_str(&format!(
            "INSERT INTO schema_migration (version, applied_on) VALUES ({v}, '2025-01-01');"
        ));
    }
    run(OLD_ACCOUNTS);
    run(&done);
}

#[test]
fn migration_0011_keeps_accounts_whose_names_collide() {
    // SQLite: a file migrated to before 0011 by hand, then opened by the store.
    let path = std::env::temp_dir().join(format!(
        "giamngheo-store-trust-upgrade-{}.db",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        install_before_0011("sqlite", |sql| c.execute_batch(sql).unwrap());
    }
    let mut s = giamngheo_store::Store::open(path.to_str().unwrap()).unwrap();
    after_upgrade(&mut s, "sqlite");
    drop(s);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    // PostgreSQL: a schema of its own, the same way.
    let schema = format!("t_trust_upgrade_{}", std::process::id());
    let mut c = postgres::Client::connect(&crate::harness::pg_url(), postgres::NoTls).unwrap();
    c.batch_execute(&format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}; SET search_path TO {schema}; SET client_min_messages TO WARNING"
    ))
    .unwrap();
    install_before_0011("postgres", |sql| c.batch_execute(sql).unwrap());
    let mut s =
        giamngheo_store::Store::open_postgres(&crate::harness::pg_url(), Some(&schema)).unwrap();
    after_upgrade(&mut s, "postgres");
    drop(s);
    c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .unwrap();
}
