use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use giamngheo_core::Class;
use giamngheo_core::date::Date;
use giamngheo_core::registry::HouseholdRecord;
use giamngheo_core::round::RoundKind;
use giamngheo_core::units::{ReformLink, UnitRecord};
use giamngheo_store::audit::Actor;
use giamngheo_store::db::Value;
use giamngheo_store::households::ImportSummary;
use giamngheo_store::reviews::NewReview;
use giamngheo_store::units::UnitLoadSummary;
use giamngheo_store::{Store, StoreError};

pub fn pg_url() -> String {
    std::env::var("GIAMNGHEO_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

static N: AtomicU32 = AtomicU32::new(0);

/// A database for one test; the PostgreSQL schema or SQLite file is removed when it is dropped.
pub struct TestDb {
    pub name: &'static str,
    pub store: Store,
    cleanup: Cleanup,
}

impl TestDb {
    /// A second connection to the same database: another officer at another desk.
    pub fn second(&self) -> Store {
        match &self.cleanup {
            Cleanup::File(p) => Store::open(p.to_str().unwrap()).unwrap(),
            Cleanup::Schema(s) => Store::open_postgres(&pg_url(), Some(s)).unwrap(),
        }
    }
}

enum Cleanup {
    File(std::path::PathBuf),
    Schema(String),
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(p) => {
                for suffix in ["", "-wal", "-shm", ".audit-key"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
                }
            }
            Cleanup::Schema(s) => {
                if let Ok(mut c) = postgres::Client::connect(&pg_url(), postgres::NoTls) {
                    let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {s} CASCADE"));
                }
            }
        }
    }
}

/// Runs `f` on a fresh SQLite database and a fresh PostgreSQL schema.
/// [`on_both`], the administrative units loaded first.
pub fn on_both_with_units(test: &str, f: impl Fn(&mut TestDb)) {
    on_both(test, |db| {
        load_units(&mut db.store);
        f(db)
    })
}

pub fn on_both(test: &str, f: impl Fn(&mut TestDb)) {
    let n = N.fetch_add(1, Ordering::SeqCst);
    let pid = std::process::id();
    let path = std::env::temp_dir().join(format!("giamngheo-store-{test}-{pid}-{n}.db"));
    let _ = std::fs::remove_file(&path);
    let store = Store::open(path.to_str().unwrap()).expect("open SQLite");
    let mut db = TestDb {
        name: "sqlite",
        store,
        cleanup: Cleanup::File(path),
    };
    f(&mut db);
    drop(db);
    let schema = format!("t_{}_{pid}_{n}", test.replace('-', "_"));
    let store = Store::open_postgres(&pg_url(), Some(&schema)).unwrap_or_else(|e| {
        panic!(
            "PostgreSQL at {} is needed for the store suite: {e:?}",
            pg_url()
        )
    });
    let mut db = TestDb {
        name: "postgres",
        store,
        cleanup: Cleanup::Schema(schema),
    };
    f(&mut db);
}

pub struct Units {
    pub before: Vec<UnitRecord>,
    pub after: Vec<UnitRecord>,
    pub links: Vec<ReformLink>,
}

/// The shipped national unit lists, parsed once.
pub fn units() -> &'static Units {
    static U: OnceLock<Units> = OnceLock::new();
    U.get_or_init(|| {
        use giamngheo_formats::units::{read_lineage, read_units};
        Units {
            before: read_units(
                include_str!("../../../../data/units/units-before-2025-07-01.csv"),
                "before",
            )
            .unwrap(),
            after: read_units(
                include_str!("../../../../data/units/units-from-2025-07-01.csv"),
                "after",
            )
            .unwrap(),
            links: read_lineage(
                include_str!("../../../../data/units/lineage-2025-07-01.csv"),
                "lineage",
            )
            .unwrap(),
        }
    })
}

pub fn reform() -> Date {
    Date::new(2025, 7, 1).unwrap()
}

pub fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// The unit of `level` with `code` on day `on` (ISO); it must exist.
pub fn unit(
    store: &mut Store,
    level: giamngheo_core::ids::UnitLevel,
    code: &str,
    on: &str,
) -> giamngheo_store::units::Unit {
    store.unit_at(level, code, date(on)).unwrap().unwrap()
}

/// [`unit`]'s id.
pub fn unit_id(
    store: &mut Store,
    level: giamngheo_core::ids::UnitLevel,
    code: &str,
    on: &str,
) -> i64 {
    unit(store, level, code, on).id
}

/// The unit directly above unit `id` on day `on` (ISO); it must have one.
pub fn parent(store: &mut Store, id: i64, on: &str) -> giamngheo_store::units::Unit {
    store.parent_at(id, date(on)).unwrap().unwrap()
}

pub fn hh(code: &str) -> giamngheo_core::ids::HouseholdCode {
    giamngheo_core::ids::HouseholdCode::parse(code).unwrap()
}

pub fn load_units(store: &mut Store) -> UnitLoadSummary {
    let u = units();
    store
        .load_units(&Actor::system(), &u.before, &u.after, &u.links, reform())
        .unwrap()
}

/// The demo district of 400 households (seed 3): enough units and rounds for the tests that compare sums.
pub fn demo_district(store: &mut Store) {
    giamngheo_demo::build(
        store,
        giamngheo_demo::DemoOptions {
            households: 400,
            seed: 3,
            ..Default::default()
        },
        &mut |_, _, _| {},
    )
    .unwrap();
}

/// Imports `rows` as `who` on `day`, with no progress report.
pub fn import_as(
    store: &mut Store,
    who: &Actor,
    rows: &[(u64, HouseholdRecord)],
    day: &str,
) -> Result<ImportSummary, StoreError> {
    store.import_households(who, rows, date(day), &mut |_| {})
}

/// Imports `rows` as the system on `day`; the import must succeed.
pub fn import(store: &mut Store, rows: &[(u64, HouseholdRecord)], day: &str) -> ImportSummary {
    import_as(store, &Actor::system(), rows, day).unwrap()
}

/// Most tests' registry: the national units and `three_households`, imported on 1 October 2019.
pub fn seed_registry(store: &mut Store) {
    load_units(store);
    import(store, &crate::households::three_households(), "2019-10-01");
}

/// A periodic review of `year` under `standard`, surveyed on 15 November: one rural member, no income, no
/// deprivation, `class` computed and undecided. Each test sets what it is about with `..review_of(…)`.
pub fn review_of(
    household_id: i64,
    commune_id: i64,
    year: i32,
    standard: &str,
    class: Class,
) -> NewReview {
    NewReview {
        household_id,
        year,
        round: RoundKind::Periodic,
        review_date: date(&format!("{year}-11-15")),
        commune_id,
        village_id: None,
        area: "rural".into(),
        ethnic_minority: false,
        members: 1,
        standard_id: standard.into(),
        income_per_capita: None,
        income_score: None,
        deprivations: 0,
        computed_class: class,
        reason: String::new(),
        decided: None,
        corrects: None,
        facts: None,
    }
}

/// The search table (migration 0006) holds exactly one row per open membership, with the household's open
/// residence and the person's folded name: what its triggers, and a bulk write's rebuild, must keep.
pub fn assert_member_search_kept(db: &mut TestDb, when: &str) {
    // A bulk write leaves it to be rebuilt, as the web server does before it listens.
    db.store.prepare_search().unwrap();
    let kept = db
        .store
        .conn()
        .query(
            "SELECT household_id, person_id, commune_id, village_id, name_fold FROM member_search ORDER BY 1, 2",
            &[],
        )
        .unwrap();
    let truth = db
        .store
        .conn()
        .query(
            "SELECT m.household_id, m.person_id, r.commune_id, r.village_id, p.name_fold \
             FROM membership m JOIN residence r ON r.household_id = m.household_id AND r.valid_until IS NULL \
             JOIN person p ON p.id = m.person_id WHERE m.valid_until IS NULL ORDER BY 1, 2",
            &[],
        )
        .unwrap();
    assert!(
        !truth.is_empty(),
        "{}: {when}: an empty registry proves nothing",
        db.name
    );
    assert_eq!(kept, truth, "{}: member_search after {when}", db.name);
    // Each name's tail from each later word, with the 1-based position of the space before it (migration 0019).
    let words = db
        .store
        .conn()
        .query(
            "SELECT household_id, person_id, word_at, commune_id, village_id, tail FROM member_word ORDER BY 1, 2, 3",
            &[],
        )
        .unwrap();
    let mut expected = Vec::new();
    for r in &truth {
        let name = r[4].text().unwrap_or_default();
        for (i, (_, c)) in name.char_indices().enumerate() {
            if c == ' ' {
                let tail: String = name.chars().skip(i + 1).collect();
                expected.push(vec![
                    r[0].clone(),
                    r[1].clone(),
                    Value::Int(i as i64 + 1),
                    r[2].clone(),
                    r[3].clone(),
                    Value::Text(tail),
                ]);
            }
        }
    }
    assert!(
        expected.len() > truth.len(),
        "{}: {when}: names of one word prove nothing",
        db.name
    );
    assert_eq!(words, expected, "{}: member_word after {when}", db.name);
}
