//! A province's server on PostgreSQL (`serve`, a real process) and two communes' databases on SQLite, end to
//! end over HTTP: both communes work offline (a conflict on one household, a round decided offline), sync,
//! and end holding what the server holds (equal digests), the conflict waiting for the officer and every audit
//! chain verifying on the server. Then faults, at random points chosen from a seed that a failure prints: the
//! client or the server killed (SIGKILL) in the middle of a sync, and the connection cut mid-transfer, 20
//! times; each time the next sync completes and the digests agree, with nothing lost or doubled.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::registry::{db_arg, ok};
use crate::{giamngheo, giamngheo_fed, scratch, text};

const PG: &str = "postgres://127.0.0.1:5432/test";

/// The province's database: a schema of its own on the test server, dropped at the end.
struct Province {
    url: String,
    log: std::path::PathBuf,
    key: String,
    schema: String,
}

impl Province {
    fn new(name: &str, dir: &std::path::Path) -> Province {
        let schema = format!("cli_{name}_{}", std::process::id());
        crate::postgres::sql(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ));
        Province {
            url: format!("{PG}?options=-c%20search_path%3D{schema}"),
            key: dir.join("tinh.audit-key").to_str().unwrap().to_owned(),
            log: dir.join("serve.log"),
            schema,
        }
    }

    /// The arguments of `command` run on the server's database with its audit key.
    fn args<'a>(&'a self, command: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
        let mut a = vec!["--db", &self.url, "--audit-key", &self.key];
        a.extend(command.split_whitespace());
        a.extend_from_slice(rest);
        a
    }

    fn ok(&self, command: &str, rest: &[&str]) -> String {
        ok(&self.args(command, rest))
    }
}

impl Drop for Province {
    fn drop(&mut self) {
        crate::postgres::sql(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
    }
}

/// `giamngheo serve` on the province's database at a fixed port (so that it can be killed and started again).
struct Server {
    child: Child,
}

impl Server {
    fn start(p: &Province, port: u16) -> Server {
        let bind = format!("127.0.0.1:{port}");
        // A port just freed by a killed server may take a moment to be bound again.
        for _ in 0..50 {
            let mut child = Command::new(env!("CARGO_BIN_EXE_giamngheo"))
                .args(p.args("serve --bind", &[&bind]))
                .stdout(Stdio::piped())
                .stderr(log(p))
                .spawn()
                .unwrap();
            let mut line = String::new();
            BufReader::new(child.stdout.take().unwrap())
                .read_line(&mut line)
                .unwrap();
            if line.contains("http://") {
                return Server { child };
            }
            let _ = child.kill();
            let _ = child.wait();
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("the server did not start on {bind}");
    }

    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The server's standard error, kept across restarts and shown when a sync fails.
fn log(p: &Province) -> std::fs::File {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&p.log)
        .unwrap()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A TCP relay between the communes and the server that cuts a connection after a set number of bytes of
/// the request (`up`) or of the answer (`down`); `u64::MAX` lets everything through.
struct Relay {
    port: u16,
    up: Arc<AtomicU64>,
    down: Arc<AtomicU64>,
}

impl Relay {
    fn start(server_port: u16) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicU64::new(u64::MAX));
        let down = Arc::new(AtomicU64::new(u64::MAX));
        let (u, d) = (up.clone(), down.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(("127.0.0.1", server_port)) else {
                    continue;
                };
                let (up_budget, down_budget) = (u.load(Ordering::SeqCst), d.load(Ordering::SeqCst));
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                std::thread::spawn(move || pipe(c2, s2, up_budget));
                std::thread::spawn(move || pipe(server, client, down_budget));
            }
        });
        Relay { port, up, down }
    }

    fn cut(&self, up: u64, down: u64) {
        self.up.store(up, Ordering::SeqCst);
        self.down.store(down, Ordering::SeqCst);
    }
}

/// Copies `from` to `to` until the end or `budget` bytes, then closes both ways of both.
fn pipe(mut from: TcpStream, mut to: TcpStream, budget: u64) {
    let mut left = budget;
    let mut buf = [0u8; 1024];
    while left > 0 {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let take = n.min(usize::try_from(left).unwrap_or(usize::MAX));
        if to.write_all(&buf[..take]).is_err() {
            break;
        }
        left -= take as u64;
    }
    if left == 0 {
        let _ = from.shutdown(Shutdown::Both);
        let _ = to.shutdown(Shutdown::Both);
    } else {
        let _ = to.shutdown(Shutdown::Write);
    }
}

/// The first two communes of the server's registry today, each with a household.
fn two_communes(p: &Province, dir: &std::path::Path) -> Vec<(String, String)> {
    let csv = dir.join("ho.csv");
    p.ok(
        "export households --as-of 2026-12-01 --output",
        &[csv.to_str().unwrap()],
    );
    let body = std::fs::read_to_string(&csv).unwrap();
    let mut out: Vec<(String, String)> = Vec::new();
    for line in body.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        if !out.iter().any(|(c, _)| c == cells[1]) {
            out.push((cells[1].to_owned(), cells[0].to_owned()));
        }
    }
    assert!(out.len() >= 2, "{out:?}");
    out.truncate(2);
    out
}

fn digest(args: &[&str]) -> String {
    let out = ok(args);
    out.lines()
        .find_map(|l| l.strip_prefix("Digest here: "))
        .unwrap_or_else(|| panic!("{out}"))
        .to_owned()
}

fn same_data(p: &Province, commune: &str, xa: &str, when: &str) {
    let there = digest(&p.args("--lang en sync status --commune", &[commune]));
    let here = digest(&["--db", xa, "--lang", "en", "sync", "status"]);
    assert_eq!(
        here, there,
        "{when}: commune {commune} and the server differ"
    );
}

/// How many members of household `hh` are named `name`, as `db` shows it.
fn named(args: &[&str], name: &str) -> usize {
    ok(args).matches(&format!("] {name} (")).count()
}

fn birth(xa: &str, hh: &str, name: &str) {
    ok(&[
        "--db",
        xa,
        "household",
        "birth",
        hh,
        "--name",
        name,
        "--sex",
        "nam",
        "--born",
        "2026-11-30",
    ]);
}

/// Runs a round from its opening to its decision in the commune's database, offline; returns its number.
fn round_decided_offline(xa: &str, commune: &str, dir: &std::path::Path) -> String {
    let on = |args: &[&str]| {
        let mut a = vec!["--db", xa];
        a.extend_from_slice(args);
        ok(&a)
    };
    let opened = on(&[
        "round",
        "open",
        "--commune",
        commune,
        "--year",
        "2026",
        "--date",
        "01/09/2026",
    ]);
    let number = opened
        .split("đợt rà soát số ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("{opened}"))
        .to_owned();
    let sheet = dir.join("phieu.csv");
    on(&["round", "sheet", &number, "-o", sheet.to_str().unwrap()]);
    let body = std::fs::read_to_string(&sheet).unwrap();
    let mut lines = body.trim_start_matches('\u{feff}').lines();
    let head = lines.next().unwrap();
    let income = head
        .split(',')
        .position(|c| c == "income_per_capita")
        .unwrap();
    let (mut filled, mut votes) = (
        vec![head.to_owned()],
        vec!["household_code,votes_for,votes_against".to_owned()],
    );
    for line in lines {
        let mut cells: Vec<String> = line.split(',').map(str::to_owned).collect();
        cells[income] = "3500000".into();
        for c in cells.iter_mut().skip(income + 1) {
            *c = "0".into();
        }
        votes.push(format!("{},30,2", cells[0]));
        filled.push(cells.join(","));
    }
    assert!(filled.len() > 1, "the round has households: {body}");
    let (filled_path, votes_path) = (dir.join("ket-qua.csv"), dir.join("bieu-quyet.csv"));
    std::fs::write(&filled_path, filled.join("\n") + "\n").unwrap();
    std::fs::write(&votes_path, votes.join("\n") + "\n").unwrap();
    let f = filled_path.to_str().unwrap();
    let v = votes_path.to_str().unwrap();
    on(&[
        "round",
        "survey",
        "--as",
        "Đỗ Văn Minh",
        "--role",
        "village-reviewer",
        &number,
        f,
        "--date",
        "01/10/2026",
    ]);
    on(&[
        "round",
        "meeting",
        &number,
        v,
        "--date",
        "20/10/2026",
        "--attendees",
        "45",
        "--chair",
        "Lê Văn Tám",
        "--secretary",
        "Nguyễn Thị Hoa",
    ]);
    on(&["round", "post", &number, "--date", "12/11/2026"]);
    on(&[
        "round",
        "decide",
        &number,
        "--date",
        "17/11/2026",
        "--number",
        "7/QĐ-UBND",
        "--signed-by",
        "Nguyễn Văn Chủ",
    ]);
    number
}

fn sync_now(xa: &str) -> std::process::Output {
    giamngheo(&["--db", xa, "--lang", "en", "sync", "now"])
}

#[test]
fn a_province_on_postgresql_and_two_communes_offline_end_with_the_same_data() {
    let dir = scratch("sync_province");
    let p = Province::new("sync_province", &dir);
    let built = giamngheo(&p.args("demo --households 1520 --no-serve", &[]));
    assert!(built.status.success(), "{}", text(&built.stderr));
    let communes = two_communes(&p, &dir);
    let password = "Dong-bo-tinh-2026";
    for (i, (commune, _)) in communes.iter().enumerate() {
        let name = format!("can-bo-xa-{i}");
        let add = giamngheo_fed(
            &p.args(
                "user add --role commune_officer --password-stdin --name",
                &[&name, "--unit", commune],
            ),
            password,
        );
        assert!(add.status.success(), "{}", text(&add.stderr));
    }
    let server_port = free_port();
    let mut server = Some(Server::start(&p, server_port));
    let relay = Relay::start(server_port);
    let url = format!("http://127.0.0.1:{}", relay.port);
    let xas: Vec<String> = (0..2)
        .map(|i| db_arg(&dir.join(format!("xa{i}.db"))))
        .collect();
    for (i, ((commune, _), xa)) in communes.iter().zip(&xas).enumerate() {
        let made = giamngheo_fed(
            &[
                "--db",
                xa,
                "sync",
                "init",
                "--server",
                &url,
                "--commune",
                commune,
                "--account",
                &format!("can-bo-xa-{i}"),
            ],
            password,
        );
        assert!(made.status.success(), "{}", text(&made.stderr));
    }
    let ((commune_a, hh_a), (commune_b, hh_b)) = (communes[0].clone(), communes[1].clone());

    // Offline: commune A registers a birth in a household the province changes too (a conflict); commune B
    // registers a birth and runs a round to its decision.
    birth(&xas[0], &hh_a, "Lê Văn Khôi");
    p.ok(
        "household birth",
        &[
            &hh_a,
            "--name",
            "Trịnh Thị Hoa",
            "--sex",
            "nữ",
            "--born",
            "2026-11-29",
        ],
    );
    birth(&xas[1], &hh_b, "Phan Văn Bình");
    let round = round_decided_offline(&xas[1], &commune_b, &dir);

    // Each syncs, then once more to carry the acknowledgements.
    for xa in xas.iter().chain(&xas) {
        let o = sync_now(xa);
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    same_data(&p, &commune_a, &xas[0], "after the first syncs");
    same_data(&p, &commune_b, &xas[1], "after the first syncs");
    for (args, side) in [
        (
            p.args("--lang en sync conflicts --commune", &[&commune_a]),
            "server",
        ),
        (
            vec!["--db", xas[0].as_str(), "--lang", "en", "sync", "conflicts"],
            "commune",
        ),
    ] {
        let out = ok(&args);
        assert_eq!(
            out.lines().filter(|l| l.contains("household")).count(),
            1,
            "{side}: the conflict waits for the officer: {out}"
        );
    }
    let show_b = p.args("household show", &[&hh_b]);
    assert_eq!(named(&show_b, "Phan Văn Bình"), 1, "commune B's birth");
    let status = p.ok("round status", &[&round]);
    assert!(
        status.contains("[x] Chủ tịch UBND xã ra quyết định công nhận"),
        "the round decided offline is decided on the server: {status}"
    );
    let audit = p.ok("--lang en audit verify", &[]);
    for c in [&commune_a, &commune_b] {
        assert!(
            audit.contains(&format!("The log of commune {c} (origin"))
                && audit.contains("is intact"),
            "{audit}"
        );
    }

    // Faults, from a seed (printed on failure): each time a new birth in commune A, a sync broken by a kill or
    // a cut, then one sync that must complete.
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut rng = seed | 1;
    let mut next = |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    };
    let xa = &xas[0];
    const GIVEN: [&str; 20] = [
        "An", "Bảo", "Cường", "Dũng", "Đức", "Giang", "Hải", "Hùng", "Khang", "Lâm", "Long",
        "Minh", "Nam", "Phúc", "Quang", "Sơn", "Tâm", "Thắng", "Trung", "Vĩnh",
    ];
    for (i, given) in GIVEN.iter().enumerate() {
        let name = format!("Hoàng Văn {given}");
        birth(xa, &hh_a, &name);
        let fault = next(4);
        let at = next(400);
        let what = match fault {
            0 | 1 => {
                let mut client = Command::new(env!("CARGO_BIN_EXE_giamngheo"))
                    .args(["--db", xa, "sync", "now"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap();
                std::thread::sleep(std::time::Duration::from_millis(at));
                if fault == 0 {
                    let _ = client.kill();
                } else {
                    server.take().unwrap().kill();
                    server = Some(Server::start(&p, server_port));
                }
                let _ = client.wait();
                if fault == 0 {
                    "client killed"
                } else {
                    "server killed"
                }
            }
            _ => {
                let bytes = next(6000);
                if fault == 2 {
                    relay.cut(bytes, u64::MAX);
                } else {
                    relay.cut(u64::MAX, bytes);
                }
                let _ = sync_now(xa);
                relay.cut(u64::MAX, u64::MAX);
                if fault == 2 {
                    "request cut"
                } else {
                    "answer cut"
                }
            }
        };
        let when = format!("fault {i} ({what} at {at} ms or byte; seed {seed})");
        for _ in 0..2 {
            let o = sync_now(xa);
            assert!(
                o.status.success(),
                "{when}: {}\nthe server said: {}",
                text(&o.stderr),
                std::fs::read_to_string(&p.log).unwrap_or_default()
            );
        }
        same_data(&p, &commune_a, xa, &when);
        let on_server = p.args("household show", &[&hh_a]);
        assert_eq!(named(&on_server, &name), 1, "{when}: on the server once");
        assert_eq!(
            named(&["--db", xa, "household", "show", &hh_a], &name),
            1,
            "{when}: in the commune once"
        );
    }
    let audit = p.ok("--lang en audit verify", &[]);
    assert!(
        audit.contains(&format!("The log of commune {commune_a} (origin")),
        "{audit}"
    );
    drop(server);
}
