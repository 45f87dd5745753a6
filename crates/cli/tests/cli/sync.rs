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

/// [`province`], with the commune's officer `can-bo-xa` (whose device syncs over HTTP) of that password.
fn province_with_officer(
    test: &str,
    password: &str,
) -> (std::path::PathBuf, String, String, String) {
    let (dir, server, commune, hh) = province(test);
    let add = giamngheo_fed(
        &on_db(
            &server,
            "user add --name can-bo-xa --role commune_officer --password-stdin --unit",
            &[&commune],
        ),
        password,
    );
    assert!(add.status.success(), "{}", text(&add.stderr));
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
    let password = "Dong-bo-xa-qua-mang-2026";
    let (dir, server, commune, hh) = province_with_officer("sync_http", password);
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
    // The last sync's own entry waits for the next one.
    assert!(
        status.contains("Audit log entries waiting to go: 1"),
        "{status}"
    );

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

/// TLS in front of `serve`, as a province runs it: a certificate authority of the test's own, a certificate
/// for 127.0.0.1 signed by it, and a TLS server that hands each request to `backend` and its answer back.
/// Returns the front's port and the authority's certificate (PEM).
fn tls_front(backend: String) -> (u16, String) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&key, &ca, &ca_key)
        .unwrap();
    #[allow(deprecated)]
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = std::sync::Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![leaf.der().clone()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
            )
            .unwrap(),
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let (config, backend) = (config.clone(), backend.clone());
            std::thread::spawn(move || {
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, tcp);
                // The request: its head, then as many bytes as it says (the client sends it whole).
                let mut request = Vec::new();
                let mut byte = [0u8; 1];
                while !request.ends_with(b"\r\n\r\n") {
                    if tls.read(&mut byte).unwrap_or(0) == 0 {
                        return;
                    }
                    request.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&request).to_ascii_lowercase();
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                let mut body = vec![0u8; len];
                if tls.read_exact(&mut body).is_err() {
                    return;
                }
                request.extend(body);
                let mut plain = std::net::TcpStream::connect(&backend).unwrap();
                plain.write_all(&request).unwrap();
                let mut answer = Vec::new();
                let _ = plain.read_to_end(&mut answer);
                let _ = tls.write_all(&answer);
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    (port, ca.pem())
}

#[test]
fn a_commune_syncs_over_https_with_the_provinces_own_authority() {
    let password = "Dong-bo-xa-qua-https-2026";
    let (dir, server, commune, hh) = province_with_officer("sync_https", password);
    let (_serving, addr) = serve(&server);
    let (port, ca) = tls_front(addr);
    let url = format!("https://127.0.0.1:{port}");
    let ca_file = dir.join("tinh-ca.pem");
    std::fs::write(&ca_file, ca).unwrap();
    let xa = db_arg(&dir.join("xa.db"));
    let run = |args: &[&str], ca: Option<&std::path::Path>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_giamngheo"));
        cmd.args(args)
            .env_remove("GIAMNGHEO_CA_FILE")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        if let Some(ca) = ca {
            cmd.env("GIAMNGHEO_CA_FILE", ca);
        }
        let mut child = cmd.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(password.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let init = on_db(
        &xa,
        "--lang en sync init --server",
        &[&url, "--commune", &commune, "--account", "can-bo-xa"],
    );
    // The province's authority is not among the built-in roots: refused, and told what to do.
    let refused = run(&init, None);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stderr));
    assert!(
        text(&refused.stderr).contains("GIAMNGHEO_CA_FILE"),
        "{}",
        text(&refused.stderr)
    );
    let made = run(&init, Some(&ca_file));
    assert!(made.status.success(), "{}", text(&made.stderr));
    birth(&xa, &hh, "Nguyễn Văn Mạng", "nam");
    for _ in 0..2 {
        let o = run(&on_db(&xa, "--lang en sync now", &[]), Some(&ca_file));
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    assert_eq!(digest(&xa, None), digest(&server, Some(&commune)));
    let shown = ok(&on_db(&server, "household show", &[&hh]));
    assert_eq!(shown.matches("] Nguyễn Văn Mạng (").count(), 1, "{shown}");
}
