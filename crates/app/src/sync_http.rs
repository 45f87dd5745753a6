//! The commune's side of sync over HTTP: one POST, its answer read whole. HTTP/1.1 on the standard library,
//! over TLS (rustls) for an `https://` server, which in production sits behind the TLS in front of `serve`.
//! The server's certificate is checked against Mozilla's roots, built in, and the certificates of the file
//! `GIAMNGHEO_CA_FILE` names (a province's own certificate authority).

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

/// The environment variable naming a PEM file of certificate authorities to trust besides the built-in ones.
pub const CA_FILE_VAR: &str = "GIAMNGHEO_CA_FILE";

/// The most of that file read.
const CA_FILE_LIMIT: u64 = 1 << 20;

/// What went wrong talking to the server.
#[derive(Clone, Debug, PartialEq)]
pub enum HttpError {
    /// A URL this client cannot use (not `http://` or `https://host[:port]`).
    Url(String),
    /// The server's certificate is not trusted, or TLS failed; what rustls said.
    Tls(String),
    /// The file of certificate authorities cannot be read: its path and why.
    CaFile(String, String),
    /// No connection (the server down, no network), or it broke.
    Connect(String),
    /// The server answered with an error status; its message (JSON with both languages, as sent).
    Status(u16, String),
    /// An answer that is not HTTP.
    Garbled,
}

impl HttpError {
    pub fn message(&self, lang: giamngheo_core::Lang) -> String {
        match (self, lang) {
            (HttpError::Url(u), giamngheo_core::Lang::Vi) => format!(
                "Địa chỉ máy chủ {u} không dùng được: cần https://máy[:cổng] (hoặc http:// trong mạng nội bộ)"
            ),
            (HttpError::Url(u), giamngheo_core::Lang::En) => format!(
                "The server address {u} cannot be used: https://host[:port] is needed (or http:// inside a local network)"
            ),
            (HttpError::Tls(m), giamngheo_core::Lang::Vi) => format!(
                "Không thiết lập được kết nối an toàn (TLS) với máy chủ: {m}. Nếu tỉnh dùng chứng chỉ riêng, hãy đặt {CA_FILE_VAR} là tệp chứng chỉ gốc của tỉnh"
            ),
            (HttpError::Tls(m), giamngheo_core::Lang::En) => format!(
                "No secure (TLS) connection to the server: {m}. If the province uses its own certificates, set {CA_FILE_VAR} to the province's root certificate file"
            ),
            (HttpError::CaFile(path, m), giamngheo_core::Lang::Vi) => {
                format!("Tệp chứng chỉ gốc {path} ({CA_FILE_VAR}) không đọc được: {m}")
            }
            (HttpError::CaFile(path, m), giamngheo_core::Lang::En) => {
                format!("The root certificate file {path} ({CA_FILE_VAR}) cannot be read: {m}")
            }
            (HttpError::Connect(m), giamngheo_core::Lang::Vi) => {
                format!("Không kết nối được tới máy chủ ({m}); dữ liệu vẫn ở máy, hãy thử lại sau")
            }
            (HttpError::Connect(m), giamngheo_core::Lang::En) => {
                format!(
                    "Cannot reach the server ({m}); the data stays on this laptop, try again later"
                )
            }
            (HttpError::Status(code, body), giamngheo_core::Lang::Vi) => {
                format!("Máy chủ từ chối ({code}): {}", error_text(body, "vi"))
            }
            (HttpError::Status(code, body), giamngheo_core::Lang::En) => {
                format!("The server refused ({code}): {}", error_text(body, "en"))
            }
            (HttpError::Garbled, giamngheo_core::Lang::Vi) => {
                "Máy chủ trả lời không đúng giao thức".to_owned()
            }
            (HttpError::Garbled, giamngheo_core::Lang::En) => {
                "The server's answer is not HTTP".to_owned()
            }
        }
    }
}

/// The error's text in one language from the server's JSON (`{"error": {"vi": …, "en": …}}` or similar), or
/// the body as it is.
fn error_text(body: &str, lang: &str) -> String {
    let key = format!("\"{lang}\":\"");
    body.find(&key)
        .map(|i| &body[i + key.len()..])
        .and_then(|rest| rest.find('"').map(|j| rest[..j].to_owned()))
        .unwrap_or_else(|| body.chars().take(300).collect())
}

/// Where a URL points: whether over TLS, the host, the port and the path prefix.
#[derive(Debug, PartialEq)]
struct Target {
    tls: bool,
    host: String,
    port: u16,
    prefix: String,
}

fn parse(url: &str) -> Result<Target, HttpError> {
    let (tls, rest) = if let Some(r) = url.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = url.strip_prefix("http://") {
        (false, r)
    } else {
        return Err(HttpError::Url(url.to_owned()));
    };
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().map_err(|_| HttpError::Url(url.to_owned()))?),
        None => (authority, if tls { 443 } else { 80 }),
    };
    if host.is_empty() {
        return Err(HttpError::Url(url.to_owned()));
    }
    Ok(Target {
        tls,
        host: host.to_owned(),
        port,
        prefix: format!("/{}", path.trim_end_matches('/')),
    })
}

/// A connection, plain or over TLS.
trait Stream: Read + Write {}
impl<T: Read + Write> Stream for T {}

/// The client's TLS settings: the built-in roots and those of `GIAMNGHEO_CA_FILE`.
fn tls_config() -> Result<Arc<rustls::ClientConfig>, HttpError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = std::env::var_os(CA_FILE_VAR) {
        let shown = std::path::Path::new(&path).display().to_string();
        let bad = |m: String| HttpError::CaFile(shown.clone(), m);
        // A file of root certificates is small: read at most 1 MiB of it.
        let mut pem = Vec::new();
        std::fs::File::open(&path)
            .and_then(|f| f.take(CA_FILE_LIMIT + 1).read_to_end(&mut pem))
            .map_err(|e| bad(e.to_string()))?;
        if pem.len() as u64 > CA_FILE_LIMIT {
            return Err(bad(format!("larger than {CA_FILE_LIMIT} bytes")));
        }
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(&pem) {
            roots
                .add(cert.map_err(|e| bad(e.to_string()))?)
                .map_err(|e| bad(e.to_string()))?;
            added += 1;
        }
        if added == 0 {
            return Err(bad("no certificate in it".to_owned()));
        }
    }
    // ring, not aws-lc-rs: it builds with a plain C compiler in seconds. rustls marks it deprecated for its
    // lack of post-quantum key exchange; what a sync carries is sealed with the commune's own key anyway.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| HttpError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// An IO error as the sync's error: a TLS failure by its own name.
fn io_error(e: std::io::Error) -> HttpError {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        Some(tls) => HttpError::Tls(tls.to_string()),
        None => HttpError::Connect(e.to_string()),
    }
}

/// POSTs `body` to `url` + `path` and returns the answer's body (status 200 only).
pub fn post(url: &str, path: &str, content_type: &str, body: &[u8]) -> Result<Vec<u8>, HttpError> {
    let Target {
        tls,
        host,
        port,
        prefix,
    } = parse(url)?;
    let target = format!("{}{path}", prefix.trim_end_matches('/'));
    let addr = (host.as_str(), port)
        .to_socket_addrs()
        .map_err(|e| HttpError::Connect(e.to_string()))?
        .next()
        .ok_or_else(|| HttpError::Connect(format!("{host}: no address")))?;
    let tcp = TcpStream::connect_timeout(&addr, Duration::from_secs(15))
        .map_err(|e| HttpError::Connect(e.to_string()))?;
    tcp.set_read_timeout(Some(Duration::from_secs(600)))
        .map_err(io_error)?;
    tcp.set_write_timeout(Some(Duration::from_secs(600)))
        .map_err(io_error)?;
    let mut s: Box<dyn Stream> = if tls {
        let name = rustls::pki_types::ServerName::try_from(host.clone())
            .map_err(|_| HttpError::Url(url.to_owned()))?;
        let conn = rustls::ClientConnection::new(tls_config()?, name)
            .map_err(|e| HttpError::Tls(e.to_string()))?;
        Box::new(rustls::StreamOwned::new(conn, tcp))
    } else {
        Box::new(tcp)
    };
    let head = format!(
        "POST {target} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).map_err(io_error)?;
    s.write_all(body).map_err(io_error)?;
    let mut answer = Vec::new();
    match s.read_to_end(&mut answer) {
        Ok(_) => {}
        // A TLS server that closes without saying so: the length checks below tell a cut answer.
        Err(e) if tls && e.kind() == std::io::ErrorKind::UnexpectedEof => {}
        Err(e) => return Err(io_error(e)),
    }
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or(HttpError::Garbled)?;
    let head = String::from_utf8_lossy(&answer[..split]).to_string();
    let mut rest = answer[split + 4..].to_vec();
    let status: u16 = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or(HttpError::Garbled)?;
    let lower = head.to_ascii_lowercase();
    if lower.contains("transfer-encoding: chunked") {
        rest = dechunk(&rest).ok_or(HttpError::Garbled)?;
    } else if let Some(len) = lower
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        // A connection cut mid-answer is a failed sync, never a short bundle.
        if rest.len() < len {
            return Err(HttpError::Connect(format!(
                "the answer was cut after {} of {len} bytes",
                rest.len()
            )));
        }
        rest.truncate(len);
    }
    if status != 200 {
        return Err(HttpError::Status(
            status,
            String::from_utf8_lossy(&rest).into_owned(),
        ));
    }
    Ok(rest)
}

fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = b.windows(2).position(|w| w == b"\r\n")?;
        let size = usize::from_str_radix(
            std::str::from_utf8(&b[..line_end])
                .ok()?
                .split(';')
                .next()?
                .trim(),
            16,
        )
        .ok()?;
        b = &b[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(..size)?);
        b = b.get(size + 2..)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_chunks() {
        for (url, expect) in [
            (
                "http://127.0.0.1:8080",
                Some((false, "127.0.0.1", 8080, "/")),
            ),
            (
                "http://tinh.example/giamngheo/",
                Some((false, "tinh.example", 80, "/giamngheo")),
            ),
            (
                "https://tinh.example",
                Some((true, "tinh.example", 443, "/")),
            ),
            (
                "https://tinh.example:8443/gn",
                Some((true, "tinh.example", 8443, "/gn")),
            ),
            ("http://:80", None),
            ("ftp://x", None),
        ] {
            let got = parse(url).ok();
            assert_eq!(
                got.as_ref()
                    .map(|t| (t.tls, t.host.as_str(), t.port, t.prefix.as_str())),
                expect,
                "{url}"
            );
        }
        assert_eq!(
            dechunk(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"),
            Some(b"abcde".to_vec())
        );
        assert_eq!(dechunk(b"5\r\nab"), None);
    }
}
