//! The commune's side of sync over HTTP: one POST, its answer read whole. Plain HTTP/1.1 on the standard
//! library: the server sits behind TLS in production, and until this client speaks TLS itself a laptop
//! reaches an `https://` server through a local TLS tunnel (or syncs by file).

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// What went wrong talking to the server.
#[derive(Clone, Debug, PartialEq)]
pub enum HttpError {
    /// A URL this client cannot use (not `http://host[:port]`).
    Url(String),
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
                "Địa chỉ máy chủ {u} không dùng được: cần http://máy[:cổng] (với https, hãy dùng một đường hầm TLS trên máy, hoặc đồng bộ qua tệp)"
            ),
            (HttpError::Url(u), giamngheo_core::Lang::En) => format!(
                "The server address {u} cannot be used: http://host[:port] is needed (for https, use a TLS tunnel on the laptop, or sync by file)"
            ),
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

/// The host, port and path prefix of an `http://` URL.
fn parse(url: &str) -> Result<(String, u16, String), HttpError> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| HttpError::Url(url.to_owned()))?;
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().map_err(|_| HttpError::Url(url.to_owned()))?),
        None => (authority, 80),
    };
    if host.is_empty() {
        return Err(HttpError::Url(url.to_owned()));
    }
    Ok((
        host.to_owned(),
        port,
        format!("/{}", path.trim_end_matches('/')),
    ))
}

/// POSTs `body` to `url` + `path` and returns the answer's body (status 200 only).
pub fn post(url: &str, path: &str, content_type: &str, body: &[u8]) -> Result<Vec<u8>, HttpError> {
    let (host, port, prefix) = parse(url)?;
    let target = format!("{}{path}", prefix.trim_end_matches('/'));
    let addr = (host.as_str(), port)
        .to_socket_addrs()
        .map_err(|e| HttpError::Connect(e.to_string()))?
        .next()
        .ok_or_else(|| HttpError::Connect(format!("{host}: no address")))?;
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(15))
        .map_err(|e| HttpError::Connect(e.to_string()))?;
    let io = |e: std::io::Error| HttpError::Connect(e.to_string());
    s.set_read_timeout(Some(Duration::from_secs(600)))
        .map_err(io)?;
    s.set_write_timeout(Some(Duration::from_secs(600)))
        .map_err(io)?;
    let head = format!(
        "POST {target} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).map_err(io)?;
    s.write_all(body).map_err(io)?;
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).map_err(io)?;
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
            ("http://127.0.0.1:8080", Some(("127.0.0.1", 8080, "/"))),
            (
                "http://tinh.example/giamngheo/",
                Some(("tinh.example", 80, "/giamngheo")),
            ),
            ("https://tinh.example", None),
            ("http://:80", None),
            ("ftp://x", None),
        ] {
            let got = parse(url).ok();
            assert_eq!(
                got.as_ref()
                    .map(|(h, p, path)| (h.as_str(), *p, path.as_str())),
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
