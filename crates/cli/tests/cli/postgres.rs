//! PostgreSQL as a newcomer meets it: the demo built on a server, and a connection problem named by its cause.

use crate::{assert_refused, giamngheo, on_db, text};

const SERVER: &str = "postgres://127.0.0.1:5432/test";

/// A URL whose connections work in `schema` (the demo's target).
fn in_schema(schema: &str) -> String {
    format!("{SERVER}?options=-c%20search_path%3D{schema}")
}

/// Runs SQL on the test database (through the store's test connection, in a scratch schema of this test).
pub(crate) fn sql(batch: &str) {
    let scratch = format!("cli_pg_scratch_{}", std::process::id());
    let mut store = giamngheo_store::Store::open_postgres(SERVER, Some(&scratch)).unwrap();
    store.conn().batch(batch).unwrap();
    store
        .conn()
        .batch(&format!("DROP SCHEMA {scratch} CASCADE"))
        .unwrap();
}

#[test]
fn a_connection_problem_names_its_cause() {
    // (URL, what the English message must say, what the Vietnamese one must say)
    let cases: &[(&str, &str, &str)] = &[
        (
            "postgres://127.0.0.1:5432/giamngheo_no_such_db",
            "the server has no database \"giamngheo_no_such_db\"",
            "máy chủ không có cơ sở dữ liệu",
        ),
        (
            "postgres://127.0.0.1:1/test?connect_timeout=5",
            "no PostgreSQL server listens at 127.0.0.1:1",
            "không có máy chủ PostgreSQL nào nghe",
        ),
        (
            "postgres://127.0.0.1:5432/test?sslmode=bogus",
            "the URL is not of the form",
            "địa chỉ không đúng dạng",
        ),
        (
            "postgres://giamngheo_no_role:hunter2secret@127.0.0.1:5432/test",
            "the server refused user \"giamngheo_no_role\"",
            "máy chủ từ chối người dùng",
        ),
    ];
    for (url, en, vi) in cases {
        let o = giamngheo(&on_db(url, "audit verify", &[]));
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{url}: {err}");
        assert!(err.contains(en) && err.contains(vi), "{url}: {err}");
        assert!(!err.contains("db error"), "{url}: {err}");
        assert!(
            !err.contains("hunter2secret"),
            "the password is shown: {err}"
        );
    }
}

#[test]
fn the_demo_builds_on_postgresql_and_replaces_only_a_registry_of_ours() {
    let schema = format!("cli_demo_pg_{}", std::process::id());
    let foreign = format!("cli_demo_foreign_{}", std::process::id());
    sql(&format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; DROP SCHEMA IF EXISTS {foreign} CASCADE; \
         CREATE SCHEMA {schema}; CREATE SCHEMA {foreign}; CREATE TABLE {foreign}.ledger (x int)"
    ));
    let url = in_schema(&schema);
    for households in ["1200", "1500"] {
        let o = giamngheo(&on_db(
            &url,
            "demo --households",
            &[households, "--no-serve"],
        ));
        assert!(o.status.success(), "{}", text(&o.stderr));
        // The second build replaced the first: the registry holds the new count, read back through the URL.
        let o = giamngheo(&on_db(&url, "--lang en audit verify", &[]));
        assert!(o.status.success(), "{}", text(&o.stderr));
        let o = giamngheo(&on_db(&url, "report rates --unit 38 --years 2025", &[]));
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    let mut store = giamngheo_store::Store::open(&url).unwrap();
    let n = store
        .conn()
        .query("SELECT count(*) FROM household", &[])
        .unwrap()[0][0]
        .int();
    assert_eq!(n, Some(1500));
    drop(store);
    // A schema holding somebody else's tables is refused before anything is written.
    let o = giamngheo(&on_db(
        &in_schema(&foreign),
        "--lang en demo --households 1000 --no-serve",
        &[],
    ));
    assert_refused(&o, "holds tables that are not giamngheo's", "-");
    sql(&format!(
        "DROP SCHEMA {schema} CASCADE; DROP SCHEMA {foreign} CASCADE"
    ));
}
