//! `sync` by file, as two officers run it: the province's server (a demo registry) and a commune's new
//! database; changes on both sides, files carried both ways, a file imported twice, a file changed on the way
//! and a file for another commune.

use std::io::{Read, Write};

use crate::registry::{db_arg, ok};
use crate::same_tables::serve;
use crate::{assert_refused, giamngheo, giamngheo_fed, on_db, scratch, text};

/// The commune code and a household code of the server's registry today (from its own export).
fn a_household(server: &str, dir: &std::path::Path) -> (String, String) {
    let csv = dir.join("ho.csv");
    let today = giamngheo_app_today();
    ok(&on_db(
        server,
        "export households --as-of",
        &[&today, "--output", csv.to_str().unwrap()],
    ));
    let body = std::fs::read_to_string(&csv).unwrap();
    let mut lines = body.lines().filter(|l| l.contains(','));
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| {
        head.iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("{name} in {head:?}"))
    };
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    (
        row[col("commune_code")].to_owned(),
        row[col("household_code")].to_owned(),
    )
}

fn giamngheo_app_today() -> String {
    let o = std::process::Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .unwrap();
    text(&o.stdout).trim().to_owned()
}

/// A province's server (a small demo registry) in a fresh directory, with a commune and a household of it.
fn province(test: &str) -> (std::path::PathBuf, String, String, String) {
    let dir = scratch(test);
    let server = db_arg(&dir.join("tinh.db"));
    ok(&on_db(&server, "demo --households 1520 --no-serve", &[]));
    let (commune, hh) = a_household(&server, &dir);
    (dir, server, commune, hh)
}

/// A child born today into household `hh` of the database `db`.
fn birth(db: &str, hh: &str, name: &str, sex: &str) {
    let today = giamngheo_app_today();
    ok(&on_db(
        db,
        "household birth",
        &[hh, "--name", name, "--sex", sex, "--born", &today],
    ));
}

/// The digest a side shows in `sync status`.
fn digest(db: &str, commune: Option<&str>) -> String {
    let mut args = vec!["--db", db, "--lang", "en", "sync", "status"];
    if let Some(c) = commune {
        args.extend(["--commune", c]);
    }
    let out = ok(&args);
    out.lines()
        .find_map(|l| l.strip_prefix("Digest here: "))
        .unwrap_or_else(|| panic!("{out}"))
        .to_owned()
}

/// The file's text, changed by `f`, gzipped again: a bundle edited on the way.
fn edited(from: &std::path::Path, to: &std::path::Path, f: impl Fn(String) -> String) {
    let mut s = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(from).unwrap())
        .read_to_string(&mut s)
        .unwrap();
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(to).unwrap(),
        flate2::Compression::fast(),
    );
    gz.write_all(f(s).as_bytes()).unwrap();
    gz.finish().unwrap();
}

#[test]
fn a_commune_and_its_server_sync_by_file() {
    let (dir, server, commune, hh) = province("sync");
    let init = dir.join("xa-init.gz");
    let out = ok(&on_db(
        &server,
        "sync add-commune --commune",
        &[&commune, "--output", init.to_str().unwrap()],
    ));
    assert!(out.contains("nguồn 1"), "{out}");
    let xa = db_arg(&dir.join("xa.db"));
    ok(&on_db(&xa, "sync init", &[init.to_str().unwrap()]));
    assert_eq!(
        digest(&xa, None),
        digest(&server, Some(&commune)),
        "the commune's database holds the commune"
    );
    // Made once: the file again, on the same database, is refused.
    assert_refused(
        &giamngheo(&on_db(&xa, "sync init", &[init.to_str().unwrap()])),
        "đã có dữ liệu",
        "init twice",
    );

    // Offline, the commune records a birth; then the files go up and down.
    birth(&xa, &hh, "Lê Thị Đồng Bộ", "nữ");
    let status = ok(&on_db(&xa, "--lang en sync status", &[]));
    assert!(status.contains("Records waiting to go: 1"), "{status}");
    let up = dir.join("len.gz");
    ok(&on_db(&xa, "sync export --output", &[up.to_str().unwrap()]));
    let got = ok(&on_db(
        &server,
        "--lang en sync import",
        &[up.to_str().unwrap()],
    ));
    assert!(got.contains("1 records written"), "{got}");
    let again = ok(&on_db(
        &server,
        "--lang en sync import",
        &[up.to_str().unwrap()],
    ));
    assert!(
        again.contains("0 records written, 1 already held"),
        "a file imported twice: {again}"
    );
    let shown = ok(&on_db(&server, "household show", &[&hh]));
    assert!(shown.contains("Lê Thị Đồng Bộ"), "{shown}");
    let down = dir.join("xuong.gz");
    ok(&on_db(
        &server,
        "sync export --commune",
        &[&commune, "--output", down.to_str().unwrap()],
    ));
    ok(&on_db(&xa, "sync import", &[down.to_str().unwrap()]));
    assert_eq!(
        digest(&xa, None),
        digest(&server, Some(&commune)),
        "both sides hold the same data"
    );

    // A file changed on the way, or not a bundle at all, is refused whole and named.
    let forged = dir.join("sua.gz");
    edited(&up, &forged, |s| {
        s.replace("Lê Thị Đồng Bộ", "Lê Thị Giả Mạo")
    });
    let o = giamngheo(&on_db(&server, "sync import", &[forged.to_str().unwrap()]));
    assert_refused(&o, "sua.gz", "forged");
    assert_refused(&o, "đã bị sửa", "forged");
    let junk = dir.join("rac.gz");
    std::fs::write(&junk, b"not a bundle").unwrap();
    assert_refused(
        &giamngheo(&on_db(&server, "sync import", &[junk.to_str().unwrap()])),
        "rac.gz",
        "junk",
    );

    // A second commune's file reaches the first commune's database: signed with another key, refused.
    let (other, _) = {
        let csv = std::fs::read_to_string(dir.join("ho.csv")).unwrap();
        let head: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
        let c = head.iter().position(|h| *h == "commune_code").unwrap();
        let code = csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(c).unwrap_or("").to_owned())
            .find(|code| *code != commune && !code.is_empty())
            .expect("a second commune");
        (code, ())
    };
    let init2 = dir.join("xa2-init.gz");
    ok(&on_db(
        &server,
        "sync add-commune --commune",
        &[&other, "--output", init2.to_str().unwrap()],
    ));
    let for_other = dir.join("xa2.gz");
    ok(&on_db(
        &server,
        "sync export --commune",
        &[&other, "--output", for_other.to_str().unwrap()],
    ));
    assert_refused(
        &giamngheo(&on_db(&xa, "sync import", &[for_other.to_str().unwrap()])),
        "xa2.gz",
        "another commune's file",
    );
    assert_eq!(
        digest(&xa, None),
        digest(&server, Some(&commune)),
        "nothing changed by the refused files"
    );
}

#[test]
fn a_commune_syncs_over_http_and_a_killed_sync_loses_nothing() {
    let (dir, server, commune, hh) = province("sync_http");
    let password = "Dong-bo-xa-qua-mang-2026";
    let add = giamngheo_fed(
        &on_db(
            &server,
            "user add --name can-bo-xa --role commune_officer --password-stdin --unit",
            &[&commune],
        ),
        password,
    );
    assert!(add.status.success(), "{}", text(&add.stderr));
    let (_serving, addr) = serve(&server);
    let url = format!("http://{addr}");

    // A wrong password, then the officer's own.
    let xa = db_arg(&dir.join("xa.db"));
    let init = |pw: &str| {
        giamngheo_fed(
            &on_db(
                &xa,
                "sync init --server",
                &[&url, "--commune", &commune, "--account", "can-bo-xa"],
            ),
            pw,
        )
    };
    let wrong = init("sai-mat-khau");
    assert_eq!(wrong.status.code(), Some(2), "{}", text(&wrong.stderr));
    let made = init(password);
    assert!(made.status.success(), "{}", text(&made.stderr));

    // Offline work, then a sync killed at once several times (before, during or after the server's commit),
    // then one left to finish: nothing lost, nothing doubled, both sides the same.
    birth(&xa, &hh, "Nguyễn Văn Mạng", "nam");
    for wait_ms in [0u64, 5, 20, 60, 150] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_giamngheo"))
            .args(on_db(&xa, "sync now", &[]))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(wait_ms));
        let _ = child.kill();
        let _ = child.wait();
    }
    let done = ok(&on_db(&xa, "--lang en sync now", &[]));
    assert!(done.contains("received"), "{done}");
    let shown = ok(&on_db(&server, "household show", &[&hh]));
    assert_eq!(
        shown.matches("] Nguyễn Văn Mạng (").count(),
        1,
        "the birth reached the server once: {shown}"
    );
    // The acknowledgements go with the next sync; then both sides agree and nothing waits.
    ok(&on_db(&xa, "sync now", &[]));
    assert_eq!(
        digest(&xa, None),
        digest(&server, Some(&commune)),
        "both sides hold the same data"
    );
    let status = ok(&on_db(&xa, "--lang en sync status", &[]));
    assert!(status.contains("Records waiting to go: 0"), "{status}");

    // Another commune's officer cannot set up this commune's device.
    let refused = giamngheo_fed(
        &on_db(
            &db_arg(&dir.join("xa3.db")),
            "sync init --server",
            &[&url, "--commune", "00001", "--account", "can-bo-xa"],
        ),
        password,
    );
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stderr));
}
