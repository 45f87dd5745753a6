//! One table for both front ends: the rates report the command line writes and the one the web app serves
//! for the same unit and years are the same bytes (both are `giamngheo_app::reports::rates_table`). The web
//! app is started as an officer would start it (`giamngheo serve`) and spoken to over HTTP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use crate::giamngheo_fed;
use crate::registry::{demo_db, ok_on};

/// A server started by the test, stopped when dropped.
pub struct Server(std::process::Child);

/// `giamngheo serve` on `db` at a free port of loopback; its address (`127.0.0.1:PORT`).
pub fn serve(db: &str) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_giamngheo"))
        .args(["--db", db, "serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let server = Server(child);
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("the server's address in {line:?}"))
        .to_owned();
    (server, addr)
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Reply {
    status: u16,
    cookies: Vec<(String, String)>,
    body: String,
}

/// One HTTP/1.1 request over a fresh connection (`Connection: close`), read to its end.
fn http(addr: &str, method: &str, path: &str, cookies: &str, form: Option<&str>) -> Reply {
    let mut s = TcpStream::connect(addr).expect("the server answers");
    let body = form.unwrap_or("");
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nConnection: close\r\n"
    );
    if !cookies.is_empty() {
        req.push_str(&format!("Cookie: {cookies}\r\n"));
    }
    if form.is_some() {
        req.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut payload = raw[split + 4..].to_vec();
    let lines: Vec<&str> = head.split("\r\n").collect();
    let status = lines[0].split(' ').nth(1).unwrap().parse().unwrap();
    let header = |name: &str| -> Vec<String> {
        lines[1..]
            .iter()
            .filter_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
            })
            .collect()
    };
    if header("transfer-encoding")
        .iter()
        .any(|v| v.eq_ignore_ascii_case("chunked"))
    {
        let mut out = Vec::new();
        let mut rest = &payload[..];
        loop {
            let eol = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size = usize::from_str_radix(std::str::from_utf8(&rest[..eol]).unwrap().trim(), 16)
                .unwrap();
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[eol + 2..eol + 2 + size]);
            rest = &rest[eol + 4 + size..];
        }
        payload = out;
    }
    let cookies = header("set-cookie")
        .iter()
        .filter_map(|c| {
            let (k, v) = c.split(';').next()?.split_once('=')?;
            Some((k.to_owned(), v.to_owned()))
        })
        .collect();
    Reply {
        status,
        cookies,
        body: String::from_utf8(payload).unwrap(),
    }
}

/// `GET path` with the `cookies`.
fn get(addr: &str, path: &str, cookies: &str) -> Reply {
    http(addr, "GET", path, cookies, None)
}

fn cookie(r: &Reply, name: &str) -> String {
    let v = &r.cookies.iter().find(|(k, _)| k == name).unwrap().1;
    format!("{name}={v}")
}

/// The `value` of the first hidden form token of a page.
fn form_token(page: &str) -> String {
    let rest = &page[page.find("name=\"csrf\" value=\"").expect("a form token") + 19..];
    rest[..rest.find('"').unwrap()].to_owned()
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn the_cli_and_the_web_write_the_same_rates_table() {
    let (_, db) = demo_db("same_tables", 1520);
    let password = "Song-Chu-chay-qua-Tho-Xuan-2026";
    let add = giamngheo_fed(
        &[
            "--db",
            &db,
            "user",
            "add",
            "--name",
            "bao-cao",
            "--role",
            "administrator",
            "--password-stdin",
        ],
        password,
    );
    assert!(add.status.success());
    // Thanh Hóa (38) on today's boundaries, two reviewed years.
    let cli = ok_on(&db, "report rates --unit 38 --years 2018-2019");

    let (_server, addr) = serve(&db);
    let form = get(&addr, "/login", "");
    let pre = cookie(&form, "gn_pre");
    let login = http(
        &addr,
        "POST",
        "/login",
        &pre,
        Some(&format!(
            "csrf={}&name=bao-cao&password={}",
            url_encode(&form_token(&form.body)),
            url_encode(password)
        )),
    );
    assert_eq!(login.status, 303, "{}", login.body);
    let session = cookie(&login, "gn_session");
    let web = get(
        &addr,
        "/reports/rates.csv?unit=38&from=2018&to=2019",
        &session,
    );
    assert_eq!(web.status, 200, "{}", web.body);
    assert!(cli.lines().count() >= 3, "{cli}");
    assert_eq!(web.body, cli);
}
