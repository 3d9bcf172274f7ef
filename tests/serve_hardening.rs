//! Hardening of `showpress serve`: hostile request targets, malformed and oversized requests,
//! hundreds of live-reload streams across many rebuilds, and load from another process while
//! the site is being rebuilt. The real binary on 127.0.0.1 only; every loop is bounded in count
//! and every wait in time, so a hung server fails a test instead of hanging it.

mod common;
#[path = "common/http.rs"]
mod http;
#[path = "common/server.rs"]
mod server;

use std::collections::BTreeMap;
use std::fs;
use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::TestSite;
use http::{Sse, encode_path};
use server::Server;

/// The longest any one wait may take (a rebuild, an event, the server starting).
const WAIT: Duration = Duration::from_secs(10);
const SCRIPT_TAG_START: &str = "<script src=\"/__showpress/livereload.js\" data-build=\"";
const NOT_FOUND_TEXT: &str = "페이지를 찾을 수 없습니다";
const FIRST: &str = "content/posts/2025-03-11-first.md";
const RECAP: &str = "content/posts/2025-03-20-recap.md";
const RATES: &str = "content/posts/2025-03-18-rates.md";

impl Server {
    /// Starts `serve --port 0` on `site` and waits for the `Serving` line.
    fn start(site: &TestSite) -> Server {
        let mut server = Server::spawn(site, &[]);
        let serving = server.wait_line("Serving http://127.0.0.1:", WAIT);
        server.port = Server::port_of(&serving);
        server
    }

    /// The next stdout line starting with `prefix` (earlier lines are kept in `stdout`).
    #[track_caller]
    fn wait_line(&mut self, prefix: &str, timeout: Duration) -> String {
        self.wait_line_within(prefix, timeout)
    }

    /// Collects stdout lines until none arrives for `quiet`; returns them.
    fn drain(&mut self, quiet: Duration) -> Vec<String> {
        let mut got = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(quiet) {
            self.stdout.push(line.clone());
            got.push(line);
        }
        got
    }

    /// Asserts the process is still running and never panicked.
    #[track_caller]
    fn assert_alive(&mut self, after: &str) {
        let status = self.child.try_wait().expect("try_wait");
        assert!(
            status.is_none(),
            "the server exited ({status:?}) after {after}\n--- stderr ---\n{}",
            self.stderr()
        );
        let err = self.stderr();
        assert!(!err.contains("panicked"), "panic after {after}:\n{err}");
    }

    /// `GET /` answers with the home page.
    #[track_caller]
    fn assert_home_works(&mut self, after: &str) {
        self.assert_alive(after);
        let r = http::get(self.port, "/");
        assert_eq!(r.status, 200, "GET / after {after}");
        assert!(
            r.text().contains(SCRIPT_TAG_START),
            "GET / after {after} is not the home page:\n{}",
            r.text()
        );
    }

    /// A memory figure of the server process from /proc (`VmRSS`, `VmHWM`), in KiB.
    fn mem_kib(&self, field: &str) -> u64 {
        let status = fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("read /proc/PID/status");
        status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc status"))
    }
}

/// Saves like most editors: a temp file next to the real one, renamed over it.
fn save_atomically(path: &Path, text: &str) {
    let name = path.file_name().unwrap().to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    fs::write(&tmp, text).unwrap();
    fs::rename(&tmp, path).unwrap();
}

/// Saves like vim with its defaults: the original is renamed to a backup, the new text written
/// under the real name `gap` later, then the backup deleted.
fn save_like_vim(path: &Path, text: &str, gap: Duration) {
    let name = path.file_name().unwrap().to_string_lossy();
    let backup = path.with_file_name(format!("{name}~"));
    fs::rename(path, &backup).unwrap();
    std::thread::sleep(gap);
    fs::write(path, text).unwrap();
    fs::remove_file(&backup).unwrap();
}

/// The build id a served page carries.
#[track_caller]
fn page_build(html: &str) -> String {
    let start = html
        .find(SCRIPT_TAG_START)
        .unwrap_or_else(|| panic!("no live-reload script in:\n{html}"))
        + SCRIPT_TAG_START.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// The rebuild counter at the end of a build id (`<start>-<n>`).
#[track_caller]
fn build_number(id: &str) -> u64 {
    id.rsplit_once('-')
        .and_then(|(_, n)| n.parse().ok())
        .unwrap_or_else(|| panic!("not a build id: {id:?}"))
}

fn fmt_mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

// --- a raw client that writes any bytes and reports whatever happens ------------------------

/// What came back for a raw request.
#[derive(Debug)]
enum Outcome {
    /// A response head arrived (the body may be cut short if the server then closed).
    Response { status: u16, body: Vec<u8> },
    /// The server closed or reset the connection without sending a response head.
    Closed { got: Vec<u8> },
    /// Nothing conclusive before the deadline: neither a complete response nor a close.
    Hung { got: Vec<u8> },
}

impl Outcome {
    fn short(&self) -> String {
        match self {
            Outcome::Response { status, body } => format!("{status} ({} bytes)", body.len()),
            Outcome::Closed { got } if got.is_empty() => "closed".to_string(),
            Outcome::Closed { got } => format!("closed after {:?}", String::from_utf8_lossy(got)),
            Outcome::Hung { got } => format!("HUNG ({:?})", String::from_utf8_lossy(got)),
        }
    }
}

fn head_end(raw: &[u8]) -> Option<usize> {
    raw.windows(4).position(|w| w == b"\r\n\r\n")
}

fn status_of(head: &[u8]) -> Option<u16> {
    let head = String::from_utf8_lossy(head);
    head.split("\r\n").next()?.split(' ').nth(1)?.parse().ok()
}

fn header_of(head: &[u8], name: &str) -> Option<String> {
    let head = String::from_utf8_lossy(head);
    head.split("\r\n").skip(1).find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_string())
    })
}

/// Decodes a complete chunked body, or `None` while the last chunk has not arrived.
fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let nl = raw.windows(2).position(|w| w == b"\r\n")?;
        let size_text = String::from_utf8_lossy(&raw[..nl]).into_owned();
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        let data = nl + 2;
        if raw.len() < data + size + 2 {
            return None;
        }
        out.extend_from_slice(&raw[data..data + size]);
        raw = &raw[data + size + 2..];
        if size == 0 {
            return Some(out);
        }
    }
}

/// The response in `raw`, once it is complete by its own framing (length or chunks).
fn complete_response(raw: &[u8], head_only: bool) -> Option<Outcome> {
    let end = head_end(raw)?;
    let head = &raw[..end];
    let rest = &raw[end + 4..];
    let status = status_of(head)?;
    if head_only || status == 304 || status == 204 {
        return Some(Outcome::Response {
            status,
            body: Vec::new(),
        });
    }
    if let Some(len) = header_of(head, "content-length").and_then(|v| v.parse::<usize>().ok()) {
        return (rest.len() >= len).then(|| Outcome::Response {
            status,
            body: rest[..len].to_vec(),
        });
    }
    if header_of(head, "transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        return dechunk(rest).map(|body| Outcome::Response { status, body });
    }
    None
}

/// Connects to 127.0.0.1:`port`, writes `request` byte for byte (a failed write is not the end:
/// the server may refuse before reading everything), optionally shuts down the writing half,
/// and reads until a complete response, a close, or the deadline.
fn exchange(port: u16, request: &[u8], half_close: bool) -> Outcome {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut s = TcpStream::connect_timeout(&addr, WAIT)
        .unwrap_or_else(|e| panic!("cannot connect to 127.0.0.1:{port}: {e}"));
    s.set_nodelay(true).unwrap();
    s.set_write_timeout(Some(WAIT)).unwrap();
    let _ = s.write_all(request);
    if half_close {
        let _ = s.shutdown(Shutdown::Write);
    }
    let head_only = request.starts_with(b"HEAD ");
    let deadline = Instant::now() + WAIT;
    let mut raw = Vec::new();
    let mut buf = [0u8; 16384];
    loop {
        if let Some(done) = complete_response(&raw, head_only) {
            return done;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Outcome::Hung { got: raw };
        }
        s.set_read_timeout(Some(left)).unwrap();
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                ) => {}
            // Reset (or any other failure): the server is done with this connection.
            Err(_) => break,
        }
    }
    match head_end(&raw).and_then(|end| Some((status_of(&raw[..end])?, end))) {
        Some((status, end)) => Outcome::Response {
            status,
            body: raw[end + 4..].to_vec(),
        },
        None => Outcome::Closed { got: raw },
    }
}

/// A well-formed GET of `target` (any bytes), on a connection the server closes after.
fn raw_get(port: u16, method: &str, target: &[u8]) -> Outcome {
    let mut req = format!("{method} ").into_bytes();
    req.extend_from_slice(target);
    req.extend_from_slice(
        format!(" HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    exchange(port, &req, false)
}

// --- 1. path traversal --------------------------------------------------------------------

/// Texts that must never appear in any response to a traversal attempt: lines of the site's
/// config.toml, of the repository's Cargo.toml, of /etc/passwd, and the front matter of the
/// site's Markdown sources.
fn secrets(site: &TestSite) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let config = fs::read_to_string(site.path("config.toml")).unwrap();
    out.extend(
        config
            .lines()
            .map(str::trim)
            .filter(|l| l.contains(" = "))
            .map(String::from),
    );
    let cargo = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let cargo = fs::read_to_string(cargo).unwrap();
    out.push("[package]".to_string());
    out.push("[dependencies]".to_string());
    out.extend(
        cargo
            .lines()
            .filter(|l| l.starts_with("name = ") || l.starts_with("edition = "))
            .map(String::from),
    );
    out.push("root:x:0:0".to_string());
    if let Ok(passwd) = fs::read_to_string("/etc/passwd") {
        out.extend(passwd.lines().take(3).map(String::from));
    }
    for e in walkdir::WalkDir::new(site.path("content")) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "md") {
            let text = fs::read_to_string(e.path()).unwrap();
            out.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| l.contains(" = "))
                    .map(String::from),
            );
        }
    }
    out.push("+++".to_string());
    out.sort();
    out.dedup();
    out
}

/// Every spelling of `..` worth trying: plain, percent-encoded in any case, double- and
/// triple-encoded, overlong UTF-8, %u, full-width, with NUL or `;` or spaces attached.
const DOTS: &[&str] = &[
    "..",
    "%2e%2e",
    "%2E%2E",
    "%2E%2e",
    "%2e.",
    ".%2e",
    "%252e%252e",
    "%25252e%25252e",
    "%c0%ae%c0%ae",
    "%C0%AE%C0%AE",
    "%e0%80%ae%e0%80%ae",
    "%f0%80%80%ae%f0%80%80%ae",
    "%c0%2e%c0%2e",
    "%u002e%u002e",
    "%ef%bc%8e%ef%bc%8e",
    "..%00",
    "..%01",
    "..;",
    "..%3b",
    "...",
    "..%20",
    "%20..",
    ".%00.",
];

/// Every spelling of the separator after it.
const SEPS: &[&str] = &[
    "/",
    "%2f",
    "%2F",
    "%252f",
    "\\",
    "%5c",
    "%5C",
    "%255c",
    "%c0%af",
    "%e0%80%af",
    "%c1%9c",
    "%ef%bc%8f",
    "/./",
    "//",
    ";/",
    "%00/",
    "/%2e/",
];

/// What a traversal attempt may get: 404 (the site's own not-found page) or 400; never a body
/// carrying any secret.
#[track_caller]
fn assert_refused(port: u16, method: &str, target: &[u8], secrets: &[String], tally: &mut Tally) {
    let shown = String::from_utf8_lossy(target).into_owned();
    let outcome = raw_get(port, method, target);
    let Outcome::Response { status, body } = &outcome else {
        panic!("{method} {shown:?}: no response ({})", outcome.short());
    };
    let text = String::from_utf8_lossy(body);
    for s in secrets {
        assert!(
            !text.contains(s.as_str()),
            "LEAK: {method} {shown:?} -> {status}; the body contains {s:?}:\n{text}"
        );
    }
    match status {
        404 => {
            if method == "GET" {
                assert!(
                    text.contains(NOT_FOUND_TEXT),
                    "{method} {shown:?}: a 404 that is not the site's 404 page:\n{text}"
                );
            }
            tally.not_found += 1;
        }
        400 => tally.bad_request.push(format!("{method} {shown:?}")),
        other => panic!("{method} {shown:?}: status {other}, expected 404 or 400:\n{text}"),
    }
}

#[derive(Default, Debug)]
struct Tally {
    not_found: usize,
    /// The targets answered 400 (hyper refused the request line).
    bad_request: Vec<String>,
}

#[test]
fn traversal_in_every_encoding_is_refused() {
    let started = Instant::now();
    let site = TestSite::fixture("pages");
    let mut server = Server::start(&site);
    let port = server.port;
    let secrets = secrets(&site);
    assert!(secrets.len() > 10, "{secrets:?}");

    // The harness sees real content when there is some: an encoded path that exists is served,
    // and what it serves contains none of the secrets (or every check below would fail).
    match raw_get(port, "GET", b"/%70osts/first/") {
        Outcome::Response { status: 200, body } => {
            let text = String::from_utf8_lossy(&body);
            assert!(text.contains("첫 방송에서 나온 이야기를 정리했습니다."));
            for s in &secrets {
                assert!(!text.contains(s.as_str()), "{s:?} is in a normal page");
            }
        }
        other => panic!("GET /%70osts/first/: {}", other.short()),
    }

    let site_root = site.root().canonicalize().unwrap();
    let site_root = site_root.to_str().unwrap().trim_start_matches('/');
    let repo = env!("CARGO_MANIFEST_DIR").trim_start_matches('/');
    // From the site's folder, a climb of 12 reaches / whatever the temp folder's depth.
    let files = [
        "config.toml".to_string(),
        "etc/passwd".to_string(),
        format!("{repo}/Cargo.toml"),
        FIRST.to_string(),
    ];
    let mut tally = Tally::default();
    let mut count = 0;

    for dots in DOTS {
        for sep in SEPS {
            for (prefix, depth) in [("/", 1), ("/posts/first/", 2), ("/", 12)] {
                let climb = format!("{dots}{sep}").repeat(depth);
                for file in &files {
                    // The file's own slashes in the same encoding as the climb's.
                    let file = file.replace('/', sep);
                    let target = format!("{prefix}{climb}{file}");
                    assert_refused(port, "GET", target.as_bytes(), &secrets, &mut tally);
                    count += 1;
                }
            }
        }
    }

    // Absolute paths, the site's own sources by name, and odd request targets.
    let mut special: Vec<String> = [
        "/etc/passwd",
        "//etc/passwd",
        "///etc/passwd",
        "/%2fetc%2fpasswd",
        "/%2Fetc/passwd",
        "/%252fetc%252fpasswd",
        "/./config.toml",
        "/.%2fconfig.toml",
        "/%2e/config.toml",
        "/%2e%2fconfig.toml",
        "/config.toml",
        "/config.toml%00",
        "/config.toml%00.html",
        "/config.toml%2500",
        "/index.html%00/../config.toml",
        "/posts/first/index.html%00",
        "/;/../config.toml",
        "/..;/config.toml",
        "/posts/first/..;/..;/config.toml",
        "/posts/first/;/../../config.toml",
        "/posts/first/%3b/%2e%2e/%2e%2e/config.toml",
        "/content/posts/2025-03-11-first.md",
        "/posts/2025-03-11-first.md",
        "/posts/first/index.md",
        "/posts/first.md",
        "/static/robots.txt",
        "/public/index.html",
        "/C:\\config.toml",
        "/C:\\Windows\\win.ini",
        "/C:/etc/passwd",
        "/c%3a%5cconfig.toml",
        "/C%3A%5CWindows%5Cwin.ini",
        "/\\\\?\\C:\\config.toml",
        "/%5c%5c127.0.0.1%5cc$%5cconfig.toml",
        "/..%5c..%5c..%5c..%5c..%5c..%5cetc%5cpasswd",
        "/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/.%2e/.%2e/.%2e/.%2e/.%2e/.%2e/etc/passwd",
        "/posts/first/.",
        "/posts/first/./",
        "/posts/first/%2e",
        "/posts/first/%2e/",
        "/posts/./first/",
        "/posts/%2e/first/",
        "/posts//first/",
        "/posts/first//",
        "/%00",
        "/%00/etc/passwd",
        "/%ff",
        "/%ff/../config.toml",
        "/%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afetc%c0%afpasswd",
        "/~/config.toml",
        "/~root/.bashrc",
        "/proc/self/environ",
        "/proc/self/cwd/config.toml",
        "/dev/stdin",
        "/.git/config",
        "/.env",
        "/__showpress/../config.toml",
        "/__showpress/%2e%2e/config.toml",
        "/__showpress/events/../../config.toml",
        "/__showpress/livereload.js/../../config.toml",
        "/__showpress/livereload.js%00",
        "/__showpress/",
        "/__showpress/config.toml",
        "/__showpress/../../../../../../etc/passwd",
        "/__SHOWPRESS/../config.toml",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for abs in [
        format!("/{repo}/Cargo.toml"),
        format!("//{repo}/Cargo.toml"),
        format!("/{site_root}/config.toml"),
        format!("//{site_root}/config.toml"),
        format!("/{}", encode_path(&format!("/{site_root}/config.toml"))),
        format!("/{}", encode_path(&format!("/{repo}/Cargo.toml"))),
    ] {
        special.push(abs);
    }
    for target in &special {
        for method in ["GET", "HEAD"] {
            assert_refused(port, method, target.as_bytes(), &secrets, &mut tally);
            count += 1;
        }
    }

    // Targets that are not origin-form at all: absolute-form with a traversal in its path,
    // other schemes, a relative path, `*`, and raw bytes the URI grammar forbids.
    let mut odd: Vec<Vec<u8>> = [
        format!("http://127.0.0.1:{port}/../config.toml"),
        format!("http://127.0.0.1:{port}/%2e%2e/%2e%2e/etc/passwd"),
        format!("http://127.0.0.1:{port}//etc/passwd"),
        format!("http://127.0.0.1:{port}/..%5cconfig.toml"),
        "http://localhost/../config.toml".to_string(),
        "file:///etc/passwd".to_string(),
        format!("file:///{site_root}/config.toml"),
        "config.toml".to_string(),
        "../config.toml".to_string(),
        "..\\config.toml".to_string(),
        "C:\\config.toml".to_string(),
        "C:\\\\Windows\\\\win.ini".to_string(),
        "\\config.toml".to_string(),
        "*".to_string(),
        "etc/passwd".to_string(),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect();
    odd.push(b"/\0/etc/passwd".to_vec());
    odd.push(b"/config.toml\0.html".to_vec());
    odd.push(b"/\xc0\xae\xc0\xae/config.toml".to_vec());
    odd.push(b"/\xff\xfe/../config.toml".to_vec());
    odd.push(b"/\xef\xbc\x8e\xef\xbc\x8e/config.toml".to_vec());
    odd.push(b"/..\x00/config.toml".to_vec());
    odd.push(b"/..\t/config.toml".to_vec());
    odd.push(b"/..\r/config.toml".to_vec());
    for target in &odd {
        assert_refused(port, "GET", target, &secrets, &mut tally);
        count += 1;
    }

    // A query or fragment may carry anything: it never chooses what is served.
    for target in [
        "/?../../config.toml",
        "/?file=../../../../etc/passwd",
        "/posts/first/?../../../config.toml",
        "/posts/first/?path=%2e%2e%2fconfig.toml",
        "/#/../config.toml",
    ] {
        match raw_get(port, "GET", target.as_bytes()) {
            Outcome::Response { status, body } => {
                let text = String::from_utf8_lossy(&body);
                for s in &secrets {
                    assert!(!text.contains(s.as_str()), "LEAK: {target} -> {status}");
                }
                assert!(
                    [200, 400, 404].contains(&status),
                    "{target}: status {status}"
                );
            }
            other => panic!("{target}: {}", other.short()),
        }
        count += 1;
    }

    server.assert_home_works("the traversal attempts");
    println!(
        "traversal: {count} requests, {} answered 404, {} answered 400, no leak ({:.1} s); 400 for: {}",
        tally.not_found,
        tally.bad_request.len(),
        started.elapsed().as_secs_f64(),
        tally.bad_request.join(", ")
    );
}

// --- 2. malformed and oversized requests -------------------------------------------------------

/// What a malformed request may get.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// An error status (4xx/5xx) or a close without an answer.
    Refused,
    /// Any answer or a close: the request is odd but arguably valid; only surviving matters.
    Survives,
}

/// Deterministic pseudo-random bytes (xorshift64).
fn junk(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

#[test]
fn malformed_and_oversized_requests_never_break_the_server() {
    let started = Instant::now();
    let site = TestSite::fixture("pages");
    let mut server = Server::start(&site);
    let port = server.port;
    let host = format!("Host: 127.0.0.1:{port}\r\n");

    let long_path = format!("/{}", "a".repeat(100 * 1024));
    let long_climb = format!("/{}config.toml", "../".repeat(100 * 1024 / 3));
    let many_headers: String = (0..1024)
        .map(|i| format!("X-Pad-{i:04}: {}\r\n", "v".repeat(1000)))
        .collect();
    let one_huge_header = format!("X-Huge: {}\r\n", "h".repeat(1024 * 1024));
    let count_headers: String = (0..500).map(|i| format!("X-N{i}: {i}\r\n")).collect();
    let mut tls_hello = vec![
        0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03,
    ];
    tls_hello.extend(junk(508, 7));

    // (name, bytes, half-close after writing, expectation)
    let mut cases: Vec<(String, Vec<u8>, bool, Expect)> = Vec::new();
    let mut add = |name: &str, bytes: Vec<u8>, half: bool, expect: Expect| {
        cases.push((name.to_string(), bytes, half, expect));
    };
    use Expect::*;
    add(
        "100 KB path",
        format!("GET {long_path} HTTP/1.1\r\n{host}Connection: close\r\n\r\n").into_bytes(),
        false,
        Refused,
    );
    add(
        "100 KB of ../",
        format!("GET {long_climb} HTTP/1.1\r\n{host}Connection: close\r\n\r\n").into_bytes(),
        false,
        Refused,
    );
    add(
        "1 MB of headers (1024 x 1 KB)",
        format!("GET / HTTP/1.1\r\n{host}{many_headers}Connection: close\r\n\r\n").into_bytes(),
        false,
        Refused,
    );
    add(
        "one 1 MB header",
        format!("GET / HTTP/1.1\r\n{host}{one_huge_header}Connection: close\r\n\r\n").into_bytes(),
        false,
        Refused,
    );
    add(
        "500 small headers",
        format!("GET / HTTP/1.1\r\n{host}{count_headers}Connection: close\r\n\r\n").into_bytes(),
        false,
        Refused,
    );
    add("GET, then EOF", b"GET".to_vec(), true, Refused);
    add("GET\\r\\n\\r\\n", b"GET\r\n\r\n".to_vec(), false, Refused);
    add("GET /, then EOF", b"GET /".to_vec(), true, Refused);
    add(
        "GET /\\r\\n\\r\\n (no version)",
        b"GET /\r\n\r\n".to_vec(),
        false,
        Refused,
    );
    add(
        "GET /\\r\\n then EOF (HTTP/0.9)",
        b"GET /\r\n".to_vec(),
        true,
        Refused,
    );
    add(
        "HTTP/0.9 version",
        b"GET / HTTP/0.9\r\n\r\n".to_vec(),
        false,
        Refused,
    );
    add(
        "HTTP/1.2 version",
        format!("GET / HTTP/1.2\r\n{host}\r\n").into_bytes(),
        true,
        Survives,
    );
    add(
        "HTTP/2.0 version on HTTP/1",
        format!("GET / HTTP/2.0\r\n{host}\r\n").into_bytes(),
        true,
        Refused,
    );
    add(
        "HTTP/9.9 version",
        format!("GET / HTTP/9.9\r\n{host}\r\n").into_bytes(),
        true,
        Refused,
    );
    add(
        "lowercase http/1.1",
        format!("GET / http/1.1\r\n{host}\r\n").into_bytes(),
        true,
        Refused,
    );
    add(
        "HTTX/1.1",
        format!("GET / HTTX/1.1\r\n{host}\r\n").into_bytes(),
        true,
        Refused,
    );
    add(
        "GARBAGE\\r\\n\\r\\n",
        b"GARBAGE\r\n\r\n".to_vec(),
        false,
        Refused,
    );
    add("64 KB of binary junk", junk(64 * 1024, 42), true, Refused);
    add(
        "binary junk then CRLFCRLF",
        [junk(4096, 9), b"\r\n\r\n".to_vec()].concat(),
        false,
        Refused,
    );
    add("4 KB of NUL", vec![0; 4096], true, Refused);
    add("TLS ClientHello", tls_hello, true, Refused);
    add(
        "HTTP/2 preface",
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec(),
        true,
        Refused,
    );
    add(
        "invalid method G@T",
        format!("G@T / HTTP/1.1\r\n{host}\r\n").into_bytes(),
        true,
        Refused,
    );
    add(
        "method with NUL",
        format!("GE\0T / HTTP/1.1\r\n{host}\r\n").into_bytes(),
        true,
        Refused,
    );
    add(
        "method of 10 KB",
        format!("{} / HTTP/1.1\r\n{host}\r\n", "X".repeat(10 * 1024)).into_bytes(),
        true,
        Refused,
    );
    add(
        "unknown method FOO",
        format!("FOO / HTTP/1.1\r\n{host}Connection: close\r\n\r\n").into_bytes(),
        false,
        Refused,
    );
    add(
        "DELETE",
        format!("DELETE /posts/first/ HTTP/1.1\r\n{host}Connection: close\r\n\r\n").into_bytes(),
        false,
        Refused,
    );
    add(
        "PUT with a body",
        format!(
            "PUT /posts/first/index.html HTTP/1.1\r\n{host}Content-Length: 5\r\nConnection: close\r\n\r\nhello"
        )
        .into_bytes(),
        false,
        Refused,
    );
    add(
        "TRACE",
        format!("TRACE / HTTP/1.1\r\n{host}Connection: close\r\n\r\n").into_bytes(),
        false,
        Refused,
    );
    add(
        "OPTIONS *",
        format!("OPTIONS * HTTP/1.1\r\n{host}Connection: close\r\n\r\n").into_bytes(),
        false,
        Refused,
    );
    add(
        "CONNECT",
        b"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n".to_vec(),
        true,
        Refused,
    );
    add(
        "non-UTF-8 bytes in the path",
        [
            b"GET /posts/\xff\xfe\xc0\xaf/ HTTP/1.1\r\n".to_vec(),
            host.clone().into_bytes(),
            b"Connection: close\r\n\r\n".to_vec(),
        ]
        .concat(),
        false,
        Refused,
    );
    add(
        "raw UTF-8 (Hangul) in the path",
        format!("GET /tags/경제/ HTTP/1.1\r\n{host}Connection: close\r\n\r\n").into_bytes(),
        false,
        Survives,
    );
    add(
        "space inside the path",
        format!("GET /posts/ first/ HTTP/1.1\r\n{host}Connection: close\r\n\r\n").into_bytes(),
        false,
        Refused,
    );
    add(
        "no space before the version",
        format!("GET /HTTP/1.1\r\n{host}\r\n").into_bytes(),
        true,
        Refused,
    );
    add(
        "LF-only line ends",
        format!("GET / HTTP/1.1\n{}Connection: close\n\n", host.trim_end()).into_bytes(),
        false,
        Survives,
    );
    add(
        "bare CR line ends",
        format!("GET / HTTP/1.1\r{}\rConnection: close\r\r", host.trim_end()).into_bytes(),
        true,
        Refused,
    );
    add(
        "header without a colon",
        format!("GET / HTTP/1.1\r\n{host}NoColonHere\r\n\r\n").into_bytes(),
        true,
        Refused,
    );
    add(
        "space before the colon",
        format!("GET / HTTP/1.1\r\n{host}X-Bad : 1\r\n\r\n").into_bytes(),
        true,
        Refused,
    );
    add(
        "obsolete line folding",
        format!("GET / HTTP/1.1\r\n{host}X-Fold: a\r\n b\r\nConnection: close\r\n\r\n")
            .into_bytes(),
        false,
        Survives,
    );
    add(
        "NUL in a header value",
        format!("GET / HTTP/1.1\r\n{host}X-Nul: a\0b\r\n\r\n").into_bytes(),
        true,
        Refused,
    );
    add(
        "two different Content-Lengths",
        format!("POST / HTTP/1.1\r\n{host}Content-Length: 3\r\nContent-Length: 5\r\n\r\nabcde")
            .into_bytes(),
        true,
        Refused,
    );
    add(
        "negative Content-Length",
        format!("POST / HTTP/1.1\r\n{host}Content-Length: -1\r\n\r\n").into_bytes(),
        true,
        Refused,
    );
    add(
        "huge Content-Length, no body",
        format!("GET / HTTP/1.1\r\n{host}Content-Length: 99999999999999999999\r\n\r\n")
            .into_bytes(),
        true,
        Refused,
    );
    add(
        "bad chunked body",
        format!(
            "POST / HTTP/1.1\r\n{host}Transfer-Encoding: chunked\r\n\r\nZZZ\r\nnot hex\r\n0\r\n\r\n"
        )
        .into_bytes(),
        true,
        Refused,
    );
    add(
        "Content-Length and chunked together",
        format!(
            "POST / HTTP/1.1\r\n{host}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /config.toml HTTP/1.1\r\n{host}\r\n"
        )
        .into_bytes(),
        true,
        Refused,
    );
    add(
        "Transfer-Encoding: gzip only",
        format!("POST / HTTP/1.1\r\n{host}Transfer-Encoding: gzip\r\n\r\nxx").into_bytes(),
        true,
        Refused,
    );
    add(
        "events with a 1 MB header",
        format!("GET /__showpress/events HTTP/1.1\r\n{host}{one_huge_header}\r\n").into_bytes(),
        false,
        Refused,
    );
    add("just CRLFs", b"\r\n\r\n\r\n\r\n".to_vec(), true, Survives);
    add("nothing at all", Vec::new(), true, Survives);

    let mut report = Vec::new();
    for (name, bytes, half, expect) in &cases {
        let outcome = exchange(port, bytes, *half);
        report.push(format!("  {name:<40} -> {}", outcome.short()));
        match (&outcome, expect) {
            (Outcome::Hung { .. }, _) => panic!(
                "{name}: neither an answer nor a close within {WAIT:?}: {}",
                outcome.short()
            ),
            (Outcome::Response { status, .. }, Expect::Refused) => {
                assert!(*status >= 400, "{name}: status {status}, expected an error")
            }
            _ => {}
        }
        if let Outcome::Response { body, .. } = &outcome {
            let text = String::from_utf8_lossy(body);
            assert!(
                !text.contains("[package]") && !text.contains("base_url ="),
                "{name}"
            );
        }
        server.assert_home_works(name);
    }

    // 100 pipelined requests on one connection are all answered, in order.
    {
        let mut req = Vec::new();
        for i in 0..100 {
            let path = if i % 2 == 0 { "/" } else { "/posts/first/" };
            req.extend_from_slice(format!("GET {path} HTTP/1.1\r\n{host}\r\n").as_bytes());
        }
        req.extend_from_slice(
            format!("GET /style.css HTTP/1.1\r\n{host}Connection: close\r\n\r\n").as_bytes(),
        );
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let mut s = TcpStream::connect_timeout(&addr, WAIT).unwrap();
        s.set_read_timeout(Some(WAIT)).unwrap();
        s.write_all(&req).unwrap();
        let mut all = Vec::new();
        s.read_to_end(&mut all).expect("read the pipelined answers");
        let text = String::from_utf8_lossy(&all);
        assert_eq!(
            text.matches("HTTP/1.1 200 OK\r\n").count(),
            101,
            "pipelined"
        );
        report.push(format!("  {:<40} -> 101 x 200", "101 pipelined requests"));
    }

    // Connections that never finish their request (slowloris): hold 300 of them, the server
    // keeps answering others, and drops each once its headers are overdue (10 s), not before.
    {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let before = server.mem_kib("VmRSS");
        let opened = Instant::now();
        let mut held: Vec<TcpStream> = (0..300)
            .map(|i| {
                let mut s = TcpStream::connect_timeout(&addr, WAIT).unwrap();
                let partial = match i % 3 {
                    0 => "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".to_string(),
                    1 => "GET /posts/fir".to_string(),
                    _ => String::new(),
                };
                s.write_all(partial.as_bytes()).unwrap();
                s
            })
            .collect();
        std::thread::sleep(Duration::from_millis(200));
        for i in 0..20 {
            server.assert_home_works(&format!("300 unfinished requests held open ({i})"));
        }
        let holding = server.mem_kib("VmRSS");
        // Still open a few seconds in: a slow client on a busy machine is not cut off at once.
        std::thread::sleep(Duration::from_secs(3).saturating_sub(opened.elapsed()));
        let mut b = [0u8; 256];
        for (i, s) in held.iter_mut().enumerate() {
            s.set_nonblocking(true).unwrap();
            match s.read(&mut b) {
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                other => panic!("unfinished request {i} ended after 3 s: {other:?}"),
            }
            s.set_nonblocking(false).unwrap();
        }
        // Then closed (hyper may answer 408 first) by 10 s plus slack for a loaded machine.
        let deadline = opened + Duration::from_secs(16);
        let mut answers = BTreeMap::new();
        for (i, s) in held.iter_mut().enumerate() {
            let mut got = Vec::new();
            let state = loop {
                let left = deadline.saturating_duration_since(Instant::now());
                assert!(
                    !left.is_zero(),
                    "unfinished request {i} still open after 16 s"
                );
                s.set_read_timeout(Some(left)).unwrap();
                match s.read(&mut b) {
                    Ok(0) => break "closed",
                    Ok(n) => got.extend_from_slice(&b[..n]),
                    Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                    Err(e) if e.kind() == ErrorKind::ConnectionReset => break "reset",
                    Err(e) => panic!("unfinished request {i}: {e}"),
                }
            };
            let first_line = String::from_utf8_lossy(&got)
                .lines()
                .next()
                .unwrap_or("")
                .to_string();
            *answers.entry(format!("{first_line} {state}")).or_insert(0) += 1;
        }
        let closed_after = opened.elapsed();
        drop(held);
        server.assert_home_works("the unfinished requests timed out");
        let after = server.mem_kib("VmRSS");
        report.push(format!(
            "  {:<40} -> served meanwhile; still open at 3 s; all ended by {:.1} s ({answers:?}); \
             VmRSS {} before, {} holding, {} after",
            "300 unfinished requests held",
            closed_after.as_secs_f64(),
            fmt_mib(before),
            fmt_mib(holding),
            fmt_mib(after),
        ));
    }
    server.assert_home_works("closing the unfinished requests");

    println!(
        "malformed requests ({} cases, {:.1} s):\n{}",
        cases.len() + 2,
        started.elapsed().as_secs_f64(),
        report.join("\n")
    );
}

// --- 3. many live-reload streams across many rebuilds -----------------------------------------

#[test]
fn two_hundred_streams_get_every_reload_of_fifty_edits() {
    const STREAMS: usize = 200;
    const EDITS: usize = 50;
    let started = Instant::now();
    let site = TestSite::fixture("pages");
    let mut server = Server::start(&site);
    let port = server.port;
    // Baseline after the first requests, so lazily allocated buffers are counted in it.
    for _ in 0..20 {
        assert_eq!(http::get(port, "/posts/first/").status, 200);
    }
    let baseline = server.mem_kib("VmRSS");

    let mut streams: Vec<Sse> = (0..STREAMS)
        .map(|_| Sse::start(port, "/__showpress/events"))
        .collect();
    let deadline = Instant::now() + WAIT;
    let mut hello: Option<String> = None;
    for (i, s) in streams.iter_mut().enumerate() {
        s.finish_head(deadline);
        assert_eq!(s.status, 200, "stream {i}");
        let e = s
            .next_before(deadline)
            .unwrap_or_else(|| panic!("stream {i}: no hello"));
        assert_eq!(e.event, "hello", "stream {i}");
        assert_eq!(*hello.get_or_insert(e.data.clone()), e.data, "stream {i}");
    }
    let hello = hello.unwrap();
    let with_streams = server.mem_kib("VmRSS");
    let mut peak = with_streams;

    // Every event every stream received, in order.
    let mut received: Vec<Vec<(String, String)>> = vec![Vec::new(); STREAMS];
    let mut rebuilt_lines = 0;
    let original = fs::read_to_string(site.path(FIRST)).unwrap();
    for n in 0..EDITS {
        let marker = format!("편집 번호 {n} 완료.");
        save_atomically(&site.path(FIRST), &format!("{original}\n{marker}\n"));
        let line = server.wait_line("Rebuilt ", WAIT);
        rebuilt_lines += 1;
        assert!(line.contains("2025-03-11-first.md"), "{line}");
        let page = http::get(port, "/posts/first/");
        assert_eq!(page.status, 200);
        // That Rebuilt line may be a late second rebuild of the previous save (one save can
        // make one rebuild or two): then the next one brings this save.
        let mut html = page.text();
        while !html.contains(&marker) {
            server.wait_line("Rebuilt ", WAIT);
            rebuilt_lines += 1;
            html = http::get(port, "/posts/first/").text();
        }
        let build = page_build(&html);
        let deadline = Instant::now() + WAIT;
        for (i, s) in streams.iter_mut().enumerate() {
            loop {
                let e = s
                    .next_before(deadline)
                    .unwrap_or_else(|| panic!("stream {i}: no event for build {build} (edit {n})"));
                received[i].push((e.event.clone(), e.data.clone()));
                if e.data == build {
                    break;
                }
            }
        }
        peak = peak.max(server.mem_kib("VmRSS"));
    }
    // Any rebuild still on its way, then the build a fresh page carries.
    rebuilt_lines += server
        .drain(Duration::from_millis(500))
        .iter()
        .filter(|l| l.starts_with("Rebuilt "))
        .count();
    let last = page_build(&http::get(port, "/posts/first/").text());
    for (i, s) in streams.iter_mut().enumerate() {
        while received[i].last().map(|e| e.1.as_str()) != Some(last.as_str()) {
            let e = s
                .next(WAIT)
                .unwrap_or_else(|| panic!("stream {i}: never got the last build {last}"));
            received[i].push((e.event, e.data));
        }
    }

    // Every stream got the same events: one reload per rebuild, numbered without a gap from
    // the build it said hello with to the one a fresh page carries.
    let expected: Vec<(String, String)> = ((build_number(&hello) + 1)..=build_number(&last))
        .map(|n| {
            let prefix = hello.rsplit_once('-').unwrap().0;
            ("reload".to_string(), format!("{prefix}-{n}"))
        })
        .collect();
    assert_eq!(expected.len(), rebuilt_lines, "one reload per Rebuilt line");
    assert!(expected.len() >= EDITS);
    for (i, got) in received.iter().enumerate() {
        assert_eq!(got, &expected, "stream {i}");
    }

    drop(streams);
    server.assert_home_works("200 streams closed");
    std::thread::sleep(Duration::from_millis(1500));
    let after = server.mem_kib("VmRSS");
    let hwm = server.mem_kib("VmHWM");
    // The server still streams: a new page says hello with the last build.
    let again = Sse::open(port, "/__showpress/events").expect("hello", WAIT);
    assert_eq!(again, last);
    assert!(
        after <= baseline + 50 * 1024,
        "VmRSS {} after closing the streams, baseline {}",
        fmt_mib(after),
        fmt_mib(baseline)
    );
    println!(
        "{STREAMS} streams x {} reloads ({EDITS} edits, {:.1} s): VmRSS baseline {}, \
         with streams open {}, peak sampled {}, after closing {}; VmHWM {}",
        expected.len(),
        started.elapsed().as_secs_f64(),
        fmt_mib(baseline),
        fmt_mib(with_streams),
        fmt_mib(peak),
        fmt_mib(after),
        fmt_mib(hwm)
    );
}

// --- 4. load from another process during rebuilds ---------------------------------------------

/// Every file of the fixture's output that exists before and after the edits below, as
/// request targets.
const PAGES: &[&str] = &[
    "/",
    "/posts/first/",
    "/posts/recap/",
    "/posts/rates/",
    "/posts/deepseek/",
    "/posts/year-end/",
    "/about/",
    "/archive/",
    "/guests/",
    "/guests/%EC%84%9C%EC%98%81%EC%A3%BC/",
    "/guests/%EB%B0%95%EB%AF%BC%EC%88%98/",
    "/shows/",
    "/shows/pick/",
    "/shows/pick/1/",
    "/shows/pick/3/",
    "/shows/ai-%EB%9D%BC%EC%9A%B4%EB%93%9C%ED%85%8C%EC%9D%B4%EB%B8%94/",
    "/shows/ai-%EB%9D%BC%EC%9A%B4%EB%93%9C%ED%85%8C%EC%9D%B4%EB%B8%94/5/",
    "/tags/",
    "/tags/%EA%B2%BD%EC%A0%9C/",
    "/tags/%EA%B8%88%EB%A6%AC/",
    "/tags/ai/",
    "/style.css",
    "/images/logo.svg",
    "/robots.txt",
    "/rss.xml",
    "/atom.xml",
    "/sitemap.xml",
];

/// wrk's figures, from its text output.
#[derive(Debug, Default)]
struct WrkReport {
    requests: u64,
    rps: String,
    p50: String,
    p99: String,
    non_2xx: Option<String>,
    socket_errors: Option<String>,
}

fn parse_wrk(out: &str) -> WrkReport {
    let mut r = WrkReport::default();
    let mut in_distribution = false;
    for line in out.lines() {
        let t = line.trim();
        if t.starts_with("Latency Distribution") {
            in_distribution = true;
            continue;
        }
        if in_distribution {
            if let Some(v) = t.strip_prefix("50%") {
                r.p50 = v.trim().to_string();
            } else if let Some(v) = t.strip_prefix("99%") {
                r.p99 = v.trim().to_string();
                in_distribution = false;
            }
        }
        if let Some(v) = t.strip_prefix("Requests/sec:") {
            r.rps = v.trim().to_string();
        } else if let Some(v) = t.strip_prefix("Non-2xx or 3xx responses:") {
            r.non_2xx = Some(v.trim().to_string());
        } else if let Some(v) = t.strip_prefix("Socket errors:") {
            r.socket_errors = Some(v.trim().to_string());
        } else if t.contains(" requests in ") {
            r.requests = t.split_whitespace().next().unwrap().parse().unwrap_or(0);
        }
    }
    r
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
}

#[test]
fn pages_never_404_under_load_during_rebuilds() {
    const EDITS: usize = 20;
    let started = Instant::now();
    let site = TestSite::fixture("pages");
    let mut server = Server::start(&site);
    let port = server.port;
    for p in PAGES {
        assert_eq!(http::get(port, p).status, 200, "{p} before the edits");
    }

    // Load from another process (wrk) if it is installed; from this process in any case: a
    // checker that names any page that fails.
    let wrk_dir = tempfile::tempdir().unwrap();
    let mut wrk = if on_path("wrk") {
        let lua = wrk_dir.path().join("rotate.lua");
        let list: Vec<String> = PAGES.iter().map(|p| format!("\"{p}\"")).collect();
        fs::write(
            &lua,
            format!(
                "local paths = {{ {} }}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format(\"GET\", paths[(i % #paths) + 1])\nend\n",
                list.join(", ")
            ),
        )
        .unwrap();
        let child = Command::new("wrk")
            .args(["-t2", "-c50", "-d5s", "--latency", "-s"])
            .arg(&lua)
            .arg(format!("http://127.0.0.1:{port}/"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start wrk");
        Some(child)
    } else {
        println!(
            "note: wrk is not on PATH: skipping the load from another process \
             (apt-get install -y wrk); checking from this process only"
        );
        None
    };

    let load_started = Instant::now();
    let running = Arc::new(AtomicBool::new(true));
    let checkers: Vec<_> = (0..2)
        .map(|k| {
            let running = running.clone();
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                let mut n = 0u64;
                let t0 = Instant::now();
                while running.load(Ordering::Relaxed) {
                    let p = PAGES[(n as usize + k * 7) % PAGES.len()];
                    let r = http::get(port, p);
                    if r.status != 200 {
                        failures.push(format!(
                            "{p}: {} at {:.3} s",
                            r.status,
                            t0.elapsed().as_secs_f64()
                        ));
                    }
                    n += 1;
                }
                (n, failures)
            })
        })
        .collect();

    // The edits: a post's body (its page only), another post's title (every list showing it),
    // the site's description (a full rebuild), and a vim-style save (the file briefly missing).
    std::thread::sleep(Duration::from_millis(300));
    let first = fs::read_to_string(site.path(FIRST)).unwrap();
    let recap = fs::read_to_string(site.path(RECAP)).unwrap();
    let rates = fs::read_to_string(site.path(RATES)).unwrap();
    let config = fs::read_to_string(site.path("config.toml")).unwrap();
    let edits_started = Instant::now();
    let mut rebuild_ms = Vec::new();
    let mut done_at = Vec::new();
    for n in 0..EDITS {
        match n % 4 {
            0 => save_atomically(&site.path(FIRST), &format!("{first}\n부하 중 편집 {n}.\n")),
            1 => save_atomically(
                &site.path(RECAP),
                &recap.replacen("title = \"", &format!("title = \"{n}번째 "), 1),
            ),
            2 => save_atomically(
                &site.path("config.toml"),
                &config.replacen("description = \"", &format!("description = \"{n} "), 1),
            ),
            _ => save_like_vim(
                &site.path(RATES),
                &format!("{rates}\n빔으로 저장 {n}.\n"),
                Duration::from_millis(30),
            ),
        }
        let line = server.wait_line("Rebuilt ", Duration::from_secs(30));
        if let Some(ms) = line
            .split(" in ")
            .nth(1)
            .and_then(|r| r.split(' ').next()?.parse::<u64>().ok())
        {
            rebuild_ms.push(ms);
        }
        done_at.push(load_started.elapsed());
        std::thread::sleep(Duration::from_millis(50));
    }
    let edits_took = edits_started.elapsed();
    let extra = server.drain(Duration::from_millis(300));

    let wrk_out = wrk.as_mut().map(|child| {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("wrk did not finish within 30 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        (out, err)
    });
    if wrk_out.is_none() {
        // Without wrk, keep the checkers on for as long as wrk would have run.
        std::thread::sleep(Duration::from_millis(500));
    }
    running.store(false, Ordering::Relaxed);
    let mut checked = 0;
    let mut failures = Vec::new();
    for c in checkers {
        let (n, f) = c.join().expect("a checker thread panicked");
        checked += n;
        failures.extend(f);
    }

    server.assert_home_works("the load");
    for p in PAGES {
        assert_eq!(http::get(port, p).status, 200, "{p} after the edits");
    }
    // Every kind of save was seen: the last of each is served.
    assert!(
        http::get(port, "/posts/first/")
            .text()
            .contains("부하 중 편집 16.")
    );
    assert!(http::get(port, "/posts/recap/").text().contains("17번째 "));
    assert!(
        http::get(port, "/posts/rates/")
            .text()
            .contains("빔으로 저장 19.")
    );
    assert!(
        http::get(port, "/")
            .text()
            .contains("18 방송 토론을 글로 읽습니다")
    );
    let extra_rebuilds = extra.iter().filter(|l| l.starts_with("Rebuilt ")).count();
    rebuild_ms.sort_unstable();
    println!(
        "{EDITS} edits in {:.2} s ({} more rebuilds after), rebuilds median {} ms, max {} ms; \
         checker: {checked} GETs, {} failures",
        edits_took.as_secs_f64(),
        extra_rebuilds,
        rebuild_ms.get(rebuild_ms.len() / 2).copied().unwrap_or(0),
        rebuild_ms.last().copied().unwrap_or(0),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "pages that exist before and after the edits failed during them:\n{}",
        failures.join("\n")
    );
    if let Some((out, err)) = wrk_out {
        let r = parse_wrk(&out);
        println!(
            "wrk -t2 -c50 -d5s --latency, {} pages in rotation, debug build: {} requests, \
             {} req/s, latency p50 {} p99 {}\n{out}",
            PAGES.len(),
            r.requests,
            r.rps,
            r.p50,
            r.p99
        );
        assert!(r.requests > 0, "wrk made no requests:\n{out}\n{err}");
        assert!(
            r.non_2xx.is_none(),
            "wrk saw non-2xx/3xx responses ({:?}) during the edits:\n{out}",
            r.non_2xx
        );
        assert!(
            r.socket_errors.is_none(),
            "wrk saw socket errors ({:?}):\n{out}",
            r.socket_errors
        );
        // wrk runs 5 s from its start: most edits must have been rebuilt while it ran (all of
        // them take under 2 s here, but a busy machine may stretch the last few).
        let under_load = done_at
            .iter()
            .filter(|t| **t < Duration::from_millis(4900))
            .count();
        println!("{under_load} of {EDITS} edits were rebuilt while wrk ran");
        assert!(
            under_load >= EDITS / 2,
            "only {under_load} of {EDITS} edits were rebuilt while wrk ran ({done_at:?})"
        );
    }
    println!("load test: {:.1} s", started.elapsed().as_secs_f64());
}
