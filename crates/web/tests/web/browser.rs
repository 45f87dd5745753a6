//! In headless Chromium (Debian's `chromium` and `chromium-driver`, which `.ci/run` installs): log in, find a
//! household by its name typed without accents, open it, enter a survey and see the class explained, download
//! the rates report. `officer_year` walks a commune officer's year in both languages; `screens` checks the
//! pages at a phone's and a tablet's width. The browser is driven through chromedriver's WebDriver HTTP API
//! with a small client, to keep a WebDriver crate out of the build.
//!
//! Screenshots go to `target/screenshots/` (git-ignored): test artefacts to look at, and the source of the
//! officer's guide's pictures (`docs/guide/`).

mod officer_year;
mod screens;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{PASSWORD, app};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One WebDriver command: an HTTP/1.1 request with a JSON body, the JSON answer's `value`.
fn wd(port: u16, method: &str, path: &str, body: Option<Value>) -> Value {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("chromedriver");
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    // Read the head, then exactly Content-Length bytes: chromedriver may keep the connection open.
    let mut buf = Vec::new();
    let mut byte = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut byte).expect("chromedriver answer");
        assert!(n > 0, "{method} {path}: connection closed");
        buf.extend_from_slice(&byte[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("Content-Length");
    while buf.len() < head_end + len {
        let n = s.read(&mut byte).expect("chromedriver answer");
        assert!(n > 0, "{method} {path}: connection closed");
        buf.extend_from_slice(&byte[..n]);
    }
    let json = String::from_utf8_lossy(&buf[head_end..head_end + len]).into_owned();
    let json = json.as_str();
    let text = json;
    let v: Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{method} {path}: {e}: {text}"));
    if v["value"].get("error").is_some() {
        panic!("{method} {path}: {}", v["value"]);
    }
    v["value"].clone()
}

pub(crate) struct Driver {
    child: Child,
    port: u16,
    session: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = std::panic::catch_unwind(|| {
                wd(
                    self.port,
                    "DELETE",
                    &format!("/session/{}", self.session),
                    None,
                )
            });
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    pub(crate) fn start(downloads: &Path) -> Driver {
        Driver::start_in(downloads, "en-US")
    }

    /// A browser whose own interface (the file picker's button, say) is in `locale`.
    pub(crate) fn start_in(downloads: &Path, locale: &str) -> Driver {
        let port = free_port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian packages chromium and chromium-driver; .ci/run installs them)");
        let mut d = Driver {
            child,
            port,
            session: String::new(),
        };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1024,768", format!("--lang={locale}")],
                "prefs": {"intl.accept_languages": locale, "download.default_directory": downloads.display().to_string(), "download.prompt_for_download": false}
            }
        }}});
        let v = wd(port, "POST", "/session", Some(caps));
        d.session = v["sessionId"].as_str().unwrap().to_owned();
        d
    }

    pub(crate) fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        wd(
            self.port,
            method,
            &format!("/session/{}{path}", self.session),
            body,
        )
    }

    pub(crate) fn go(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    pub(crate) fn find(&self, css: &str) -> String {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub(crate) fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.cmd(
            "POST",
            &format!("/element/{e}/value"),
            Some(json!({ "text": text })),
        );
    }

    pub(crate) fn click(&self, css: &str) {
        let e = self.find(css);
        self.cmd("POST", &format!("/element/{e}/click"), Some(json!({})));
    }

    pub(crate) fn source(&self) -> String {
        self.cmd("GET", "/source", None)
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub(crate) fn url(&self) -> String {
        self.cmd("GET", "/url", None).as_str().unwrap().to_owned()
    }

    /// Waits until the page holds `needle`, and returns it.
    pub(crate) fn wait_source(&self, needle: &str) -> String {
        let started = Instant::now();
        loop {
            let s = self.source();
            if s.contains(needle) {
                return s;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "no {needle} in {s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the page's address contains `part`: a click returns before the navigation it starts ends.
    pub(crate) fn wait_url(&self, part: &str) {
        let started = Instant::now();
        while !self.url().contains(part) {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "still at {} waiting for {part}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    /// Runs `js` in the page (WebDriver's scripts are not subject to the page's CSP) and returns its value.
    pub(crate) fn script(&self, js: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({ "script": js, "args": [] })),
        )
    }

    /// Sets the window's size; the page's `innerWidth` follows (headless Chromium has no window frame).
    pub(crate) fn resize(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        );
    }

    /// Saves what the window shows as `target/screenshots/<name>.png` and returns the file's path.
    pub(crate) fn screenshot(&self, name: &str) -> PathBuf {
        let b64 = self.cmd("GET", "/screenshot", None);
        let png = base64_decode(b64.as_str().expect("a screenshot"));
        assert_eq!(&png[1..4], b"PNG", "{name}: a PNG");
        let dir = screenshots_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Scrolls the element `css` to the top of the window, for a screenshot of that part of a long page.
    pub(crate) fn scroll_to(&self, css: &str) {
        let js = format!(
            "document.querySelector({}).scrollIntoView({{block: 'start'}}); return true;",
            json!(css)
        );
        self.script(&js);
    }

    /// Whether the page is wider than the window: something runs off the screen.
    pub(crate) fn overflow(&self) -> Option<(i64, i64)> {
        let v = self.script("return [document.documentElement.scrollWidth, window.innerWidth];");
        let (scroll, inner) = (v[0].as_i64().unwrap(), v[1].as_i64().unwrap());
        (scroll > inner).then_some((scroll, inner))
    }
}

/// The screenshots' folder: `target/screenshots` of the workspace (git-ignored).
pub(crate) fn screenshots_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .join("screenshots")
}

/// Standard base64 (WebDriver's screenshots), to keep a crate out of the build for one call.
fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let bytes: Vec<u8> = s
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= u32::from(value(*c)) << (18 - 6 * i);
        }
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

/// The real server on a free port over the test's registry, on a thread of its own; returns its address.
pub(crate) fn serve(app: &crate::harness::App) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    let db = app.url.clone();
    std::thread::spawn(move || {
        let opts = giamngheo_web::ServeOptions {
            db,
            bind: "127.0.0.1:0".into(),
            connections: 2,
            trust: Default::default(),
        };
        let _ = giamngheo_web::serve(opts, |addr| tx.send(addr.port()).unwrap());
    });
    let port = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("server started");
    // Browsers treat localhost as a secure context, so the Secure session cookie works over plain HTTP there.
    format!("http://localhost:{port}")
}

fn wait_for_file(dir: &Path, ext: &str) -> PathBuf {
    let started = Instant::now();
    loop {
        if let Some(p) = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|e| e == ext))
        {
            return p;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no .{ext} downloaded"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn login_find_without_accents_open_enter_a_survey_and_download_a_report_in_chromium() {
    let app = app();
    let base = serve(&app);
    let downloads =
        std::env::temp_dir().join(format!("giamngheo-downloads-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&downloads);
    std::fs::create_dir_all(&downloads).unwrap();
    let d = Driver::start(&downloads);
    d.go(&format!("{base}/login"));
    d.type_into("#name", "xa");
    d.type_into("#password", PASSWORD);
    d.click("button[type=submit]");
    d.wait_url("/dashboard");
    d.wait_source("Tổng quan");
    d.go(&format!("{base}/households"));
    d.type_into("#q", "nguyen van");
    d.click("form.box button");
    d.wait_url("q=nguyen");
    d.wait_source("Nguyễn Văn");
    d.click("table.households a");
    d.wait_url("/households/");
    let page = d.wait_source("Thành viên");
    assert!(page.contains("Nguyễn Văn"), "{page}");
    // Enter a survey in this month's round and see the class explained.
    d.go(&format!("{base}/rounds/{}", app.round_in));
    d.wait_source("Nhập phiếu");
    d.go(&format!(
        "{base}/rounds/{}/survey/{}",
        app.round_in, app.hh_in
    ));
    d.type_into("#income", "1200000");
    for box_ in ["input[name=d0]", "input[name=d2]", "input[name=d5]"] {
        d.click(box_);
    }
    d.click("form.box button[type=submit]");
    let result = d.wait_source("Đã ghi phiếu rà soát");
    assert!(
        result.contains("hộ nghèo") && result.contains("1.200.000"),
        "{result}"
    );
    // The reports page opens on the officer's commune: the chart and the table on screen, then the workbook.
    d.go(&format!("{base}/reports"));
    let page = d.wait_source("figure class=\"chart\"");
    assert!(
        page.contains("<svg") && page.contains("table class=\"data\""),
        "{page}"
    );
    d.click("button[formaction$='.xlsx']");
    let file = wait_for_file(&downloads, "xlsx");
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(&bytes[..2], b"PK", "an XLSX file");
    drop(d);
    let _ = std::fs::remove_dir_all(&downloads);
}
