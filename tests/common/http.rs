//! A deliberately small HTTP/1.1 and server-sent-events client for the `serve` tests. It writes
//! request lines exactly as given (HTTP client libraries normalise `..` and `//`, which is the
//! point of some tests) and every read is bounded by a deadline, so a hung server fails a test
//! instead of hanging it.
#![allow(dead_code)]

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// The longest any single request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Names lowercased, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn addr(port: u16) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect_timeout(&addr(port), REQUEST_TIMEOUT)
        .unwrap_or_else(|e| panic!("cannot connect to 127.0.0.1:{port}: {e}"));
    s.set_write_timeout(Some(REQUEST_TIMEOUT)).unwrap();
    s.set_nodelay(true).unwrap();
    s
}

/// `GET <target>`; `target` goes on the request line byte for byte.
pub fn get(port: u16, target: &str) -> Response {
    request(port, "GET", target)
}

/// Any method, any request target, written as is; the connection is closed after the response.
pub fn request(port: u16, method: &str, target: &str) -> Response {
    let mut s = connect(port);
    let req = format!(
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).unwrap();
    let deadline = Instant::now() + REQUEST_TIMEOUT;
    let mut raw = Vec::new();
    let mut buf = [0u8; 16384];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "{method} {target}: no complete response within {REQUEST_TIMEOUT:?}; got so far:\n{}",
            String::from_utf8_lossy(&raw)
        );
        s.set_read_timeout(Some(left)).unwrap();
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            // A server may reset after sending a full response to a request it refused.
            Err(e) if e.kind() == ErrorKind::ConnectionReset && !raw.is_empty() => break,
            Err(e) => panic!("{method} {target}: read failed: {e}"),
        }
    }
    let (status, headers, rest) = parse_head(&raw)
        .unwrap_or_else(|| panic!("{method} {target}: no HTTP response head in {raw:?}"));
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = if method == "HEAD" {
        Vec::new()
    } else if chunked {
        let mut out = Vec::new();
        let (_, complete) = decode_chunks(rest, &mut out);
        assert!(complete, "{method} {target}: truncated chunked body");
        out
    } else {
        rest.to_vec()
    };
    if let Some(len) = headers.iter().find(|(n, _)| n == "content-length")
        && method != "HEAD"
    {
        assert_eq!(
            len.1.parse::<usize>().ok(),
            Some(body.len()),
            "{method} {target}: content-length does not match the body"
        );
    }
    Response {
        status,
        headers,
        body,
    }
}

type Headers = Vec<(String, String)>;

/// Status, headers and the bytes after the head, once the whole head is in `raw`.
fn parse_head(raw: &[u8]) -> Option<(u16, Headers, &[u8])> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let status = status_line.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Some((status, headers, &raw[end + 4..]))
}

/// Decodes as many complete chunks of `raw` as there are into `out`. Returns how many bytes of
/// `raw` were used and whether the last (empty) chunk was seen.
fn decode_chunks(raw: &[u8], out: &mut Vec<u8>) -> (usize, bool) {
    let mut at = 0;
    loop {
        let Some(nl) = raw[at..].windows(2).position(|w| w == b"\r\n") else {
            return (at, false);
        };
        let size_text = String::from_utf8_lossy(&raw[at..at + nl]).into_owned();
        let size_text = size_text.split(';').next().unwrap_or("").trim().to_string();
        let size = usize::from_str_radix(&size_text, 16)
            .unwrap_or_else(|_| panic!("bad chunk size line {size_text:?}"));
        let data = at + nl + 2;
        if raw.len() < data + size + 2 {
            return (at, false);
        }
        out.extend_from_slice(&raw[data..data + size]);
        at = data + size + 2;
        if size == 0 {
            return (at, true);
        }
    }
}

/// Percent-encodes a path for a request line: everything but unreserved characters and `/`.
pub fn encode_path(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One server-sent event. Comments (keep-alives) are not events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub event: String,
    pub data: String,
}

/// An open `text/event-stream` response, read incrementally.
pub struct Sse {
    stream: TcpStream,
    /// Bytes received but not yet de-chunked.
    raw: Vec<u8>,
    /// De-chunked stream text not yet parsed into events.
    text: Vec<u8>,
    chunked: bool,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    closed: bool,
}

impl Sse {
    /// Opens `path` and waits for the response head.
    pub fn open(port: u16, path: &str) -> Sse {
        let mut sse = Sse::start(port, path);
        sse.finish_head(Instant::now() + REQUEST_TIMEOUT);
        sse
    }

    /// Connects and sends the request without waiting for an answer; call
    /// [`Sse::finish_head`] later (for opening many streams at once).
    pub fn start(port: u16, path: &str) -> Sse {
        let mut stream = connect(port);
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
        );
        stream.write_all(req.as_bytes()).unwrap();
        Sse {
            stream,
            raw: Vec::new(),
            text: Vec::new(),
            chunked: false,
            status: 0,
            headers: Vec::new(),
            closed: false,
        }
    }

    pub fn finish_head(&mut self, deadline: Instant) {
        loop {
            if let Some((status, headers, rest)) = parse_head(&self.raw) {
                self.status = status;
                self.chunked = headers
                    .iter()
                    .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
                self.headers = headers;
                self.raw = rest.to_vec();
                return;
            }
            assert!(
                self.fill(deadline),
                "event stream: no response head before the deadline (or closed); got {:?}",
                String::from_utf8_lossy(&self.raw)
            );
        }
    }

    /// Reads more bytes; false when the deadline passed or the server closed the stream.
    fn fill(&mut self, deadline: Instant) -> bool {
        if self.closed {
            return false;
        }
        let mut buf = [0u8; 8192];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            self.stream.set_read_timeout(Some(left)).unwrap();
            match self.stream.read(&mut buf) {
                Ok(0) => {
                    self.closed = true;
                    return false;
                }
                Ok(n) => {
                    self.raw.extend_from_slice(&buf[..n]);
                    return true;
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                    ) => {}
                Err(_) => {
                    self.closed = true;
                    return false;
                }
            }
        }
    }

    fn dechunk(&mut self) {
        if self.chunked {
            let (used, _) = decode_chunks(&self.raw, &mut self.text);
            self.raw.drain(..used);
        } else {
            self.text.append(&mut self.raw);
        }
    }

    /// Parses one complete event out of what has been received, skipping comment-only blocks.
    fn parse_one(&mut self) -> Option<Event> {
        loop {
            let end = self.text.windows(2).position(|w| w == b"\n\n")?;
            let block = String::from_utf8_lossy(&self.text[..end]).into_owned();
            self.text.drain(..end + 2);
            let mut event = String::from("message");
            let mut data: Vec<&str> = Vec::new();
            let mut any = false;
            for line in block.split('\n') {
                let line = line.strip_suffix('\r').unwrap_or(line);
                if line.starts_with(':') {
                    continue;
                }
                let (field, value) = line.split_once(':').unwrap_or((line, ""));
                let value = value.strip_prefix(' ').unwrap_or(value);
                match field {
                    "event" => {
                        event = value.to_string();
                        any = true;
                    }
                    "data" => {
                        data.push(value);
                        any = true;
                    }
                    _ => {}
                }
            }
            if any {
                return Some(Event {
                    event,
                    data: data.join("\n"),
                });
            }
        }
    }

    /// The next event, or `None` if none arrives before `deadline`.
    pub fn next_before(&mut self, deadline: Instant) -> Option<Event> {
        loop {
            self.dechunk();
            if let Some(e) = self.parse_one() {
                return Some(e);
            }
            if !self.fill(deadline) {
                return None;
            }
        }
    }

    /// The next event within `timeout`.
    pub fn next(&mut self, timeout: Duration) -> Option<Event> {
        self.next_before(Instant::now() + timeout)
    }

    /// Waits for the next event and asserts it is called `name`; returns its data.
    #[track_caller]
    pub fn expect(&mut self, name: &str, timeout: Duration) -> String {
        match self.next(timeout) {
            Some(e) if e.event == name => e.data,
            Some(e) => panic!("expected event {name:?}, got {e:?}"),
            None => panic!("expected event {name:?}, got nothing within {timeout:?}"),
        }
    }

    /// Waits for the next event, which must be one of `names`; returns its name and data.
    #[track_caller]
    pub fn expect_any(&mut self, names: &[&str], timeout: Duration) -> (String, String) {
        match self.next(timeout) {
            Some(e) if names.contains(&e.event.as_str()) => (e.event, e.data),
            Some(e) => panic!("expected one of {names:?}, got {e:?}"),
            None => panic!("expected one of {names:?}, got nothing within {timeout:?}"),
        }
    }

    pub fn is_closed(&self) -> bool {
        self.closed
    }
}
