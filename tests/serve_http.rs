//! `showpress serve` over real HTTP: the real binary on a free port, a raw HTTP/SSE client, and
//! real file changes in a temp copy of a fixture. Every wait is bounded; no test asserts on
//! timings, only on what arrives and in which order.

mod common;
#[path = "common/http.rs"]
mod http;
#[path = "common/server.rs"]
mod server;

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use common::{TestSite, assert_contains, assert_not_contains, files_under};
use http::{Response, Sse, encode_path, get};
use server::Server;

/// The longest any one wait may take (a rebuild, an event, the server starting).
const WAIT: Duration = Duration::from_secs(10);
const SCRIPT_TAG_START: &str = "<script src=\"/__showpress/livereload.js\" data-build=\"";
const OVERLAY: &str = "<div id=\"__showpress-overlay\"";
const NOT_FOUND_TEXT: &str = "페이지를 찾을 수 없습니다";
const FIRST: &str = "content/posts/2025-03-11-first.md";
const RECAP: &str = "content/posts/2025-03-20-recap.md";

impl Server {
    /// Starts `serve --port 0` on `site` and waits for the `Serving` line.
    fn start(site: &TestSite) -> Server {
        Server::start_with(site, &[])
    }

    /// Like [`Server::start`], with more `serve` options.
    fn start_with(site: &TestSite, extra: &[&str]) -> Server {
        let mut server = Server::spawn(site, extra);
        let serving = server.wait_line("Serving http://127.0.0.1:");
        let port = Server::port_of(&serving);
        assert_eq!(
            serving,
            format!("Serving http://127.0.0.1:{port}/ (Ctrl-C to stop)")
        );
        server.port = port;
        server
    }

    /// The next stdout line starting with `prefix` (earlier lines are kept in `stdout`).
    #[track_caller]
    fn wait_line(&mut self, prefix: &str) -> String {
        self.wait_line_within(prefix, WAIT)
    }

    /// Asserts no stdout line starting with `prefix` arrives within `quiet`.
    #[track_caller]
    fn assert_no_line(&mut self, prefix: &str, quiet: Duration) {
        let deadline = Instant::now() + quiet;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    assert!(!line.starts_with(prefix), "unexpected stdout line: {line}");
                    self.stdout.push(line);
                }
                Err(RecvTimeoutError::Timeout) => return,
                Err(RecvTimeoutError::Disconnected) => panic!("the server's stdout closed"),
            }
        }
    }

    /// Waits until stderr contains `text`.
    #[track_caller]
    fn wait_stderr(&self, text: &str) {
        let deadline = Instant::now() + WAIT;
        while !self.stderr().contains(text) {
            assert!(
                Instant::now() < deadline,
                "stderr never contained:\n{text}\n--- stderr ---\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn get(&self, target: &str) -> Response {
        get(self.port, target)
    }

    /// Opens the event stream and reads its `hello`; returns the stream and the build id.
    fn events(&self) -> (Sse, String) {
        let mut sse = Sse::open(self.port, "/__showpress/events");
        assert_eq!(sse.status, 200);
        assert_eq!(
            header(&sse.headers, "content-type"),
            Some("text/event-stream")
        );
        let hello = sse.expect("hello", WAIT);
        (sse, hello)
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Saves like most editors: a temp file next to the real one, renamed over it.
fn save_atomically(path: &Path, text: &str) {
    let name = path.file_name().unwrap().to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    fs::write(&tmp, text).unwrap();
    fs::rename(&tmp, path).unwrap();
}

fn edit(site: &TestSite, rel: &str, f: impl FnOnce(String) -> String) {
    let path = site.path(rel);
    let text = fs::read_to_string(&path).unwrap();
    let new = f(text.clone());
    assert_ne!(text, new, "the edit of {rel} changed nothing");
    save_atomically(&path, &new);
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

/// A served page without what `serve` adds (script, overlay), to compare with `build`.
fn strip_injected(html: &str) -> String {
    let start = html
        .find(OVERLAY)
        .or_else(|| html.find(SCRIPT_TAG_START))
        .unwrap_or_else(|| panic!("nothing injected in:\n{html}"));
    let end = html[start..].find("</script>").unwrap() + start + "</script>".len();
    format!("{}{}", &html[..start], &html[end..])
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// `showpress build` of the site as it is now, with the server's base URL, into a folder
/// outside the site (so the watcher sees nothing). Returns its files.
fn build_now(site: &TestSite, base_url: &str) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("site");
    let r = site.run(&[
        "build",
        "--output",
        dest.to_str().unwrap(),
        "--base-url",
        base_url,
    ]);
    assert_eq!(r.code, 0, "build failed:\n{}", r.stderr);
    files_under(&dest)
}

/// Every file `build` writes is served with the same bytes (HTML plus only the script), and
/// a page `build` does not write is the 404 page. This is what makes an incremental rebuild
/// trustworthy: it must end where a full build does.
#[track_caller]
fn assert_serves_what_build_writes(server: &Server, site: &TestSite) {
    let built = build_now(site, &server.url());
    assert!(built.contains_key("index.html"));
    let mut problems = Vec::new();
    for (rel, bytes) in &built {
        let r = server.get(&encode_path(&format!("/{rel}")));
        if r.status != 200 {
            problems.push(format!("/{rel}: status {}", r.status));
            continue;
        }
        if rel.ends_with(".html") {
            let served = strip_injected(&r.text());
            let expected = String::from_utf8_lossy(bytes);
            if served != expected {
                problems.push(format!(
                    "/{rel} differs from build:\n--- build ---\n{expected}\n--- served ---\n{served}"
                ));
            }
        } else if r.body != *bytes {
            problems.push(format!("/{rel}: bytes differ from build"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// The overlay text `serve` must show for the site as it is now: what `build` prints.
fn build_errors(site: &TestSite) -> String {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("site");
    let r = site.run(&["build", "--output", dest.to_str().unwrap()]);
    assert_eq!(r.code, 1, "expected the build to fail:\n{}", r.stdout);
    r.stderr.trim_end().to_string()
}

#[test]
fn serves_pages_with_the_reload_script_and_no_store() {
    let site = TestSite::fixture("pages");
    let server = Server::start(&site);
    assert!(
        server
            .stdout
            .iter()
            .any(|l| l.starts_with("Built ") && l.ends_with(" ms")),
        "{:?}",
        server.stdout
    );

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(home.header("cache-control"), Some("no-store"));
    let html = home.text();
    let build = page_build(&html);
    assert!(!build.is_empty());
    let tag = format!("{SCRIPT_TAG_START}{build}\"></script>");
    assert_contains(&html, &format!("{tag}</body>"));
    assert_eq!(html.matches("__showpress").count(), 1, "{html}");
    assert_not_contains(&html, OVERLAY);

    let css = server.get("/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(css.header("cache-control"), Some("no-store"));
    assert_not_contains(&css.text(), "__showpress");

    let svg = server.get("/images/logo.svg");
    assert_eq!(svg.status, 200);
    assert_eq!(svg.header("content-type"), Some("image/svg+xml"));
    assert_eq!(
        svg.body,
        fs::read(site.path("static/images/logo.svg")).unwrap()
    );
    let txt = server.get("/robots.txt");
    assert_eq!(txt.status, 200);
    assert_eq!(
        txt.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(txt.body, fs::read(site.path("static/robots.txt")).unwrap());

    let js = server.get("/__showpress/livereload.js");
    assert_eq!(js.status, 200);
    assert_eq!(
        js.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_contains(&js.text(), "new EventSource(\"/__showpress/events\")");

    // A miss is the site's own 404 page, which reloads like any other.
    let miss = server.get("/no/such/page/");
    assert_eq!(miss.status, 404);
    assert_eq!(miss.header("cache-control"), Some("no-store"));
    assert_contains(&miss.text(), NOT_FOUND_TEXT);
    assert_contains(&miss.text(), &tag);

    let head = http::request(server.port, "HEAD", "/");
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length"), home.header("content-length"));
    assert_eq!(http::request(server.port, "POST", "/").status, 405);

    // Apart from the script, serve serves exactly what build writes, file for file.
    assert_serves_what_build_writes(&server, &site);

    // And build never injects anything: its output of the same site has no trace of serve.
    let built = build_now(&site, "https://example.com/");
    for (rel, bytes) in &built {
        assert!(
            !String::from_utf8_lossy(bytes).contains("__showpress"),
            "build wrote __showpress into {rel}"
        );
    }
    let r = site.build();
    assert!(!r.stdout.contains("__showpress"));
    for rel in site.output_files() {
        let bytes = fs::read(site.path("public").join(&rel)).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("__showpress"),
            "build wrote __showpress into {rel}"
        );
    }
}

#[test]
fn percent_encoded_hangul_paths_and_redirects() {
    let site = TestSite::fixture("pages");
    let server = Server::start(&site);

    let tag = server.get("/tags/%EA%B2%BD%EC%A0%9C/");
    assert_eq!(tag.status, 200);
    assert_contains(&tag.text(), "경제");
    assert_contains(&tag.text(), "href=\"/posts/first/\"");
    // Lowercase hex is the same path.
    assert_eq!(server.get("/tags/%ea%b2%bd%ec%a0%9c/").body, tag.body);

    let guest = server.get("/guests/%EC%84%9C%EC%98%81%EC%A3%BC/");
    assert_eq!(guest.status, 200);
    assert_contains(&guest.text(), "서영주");

    let show = server.get(&encode_path("/shows/ai-라운드테이블/5/"));
    assert_eq!(show.status, 200);

    let r = server.get("/posts/first");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/posts/first/"));
    assert_eq!(r.header("cache-control"), Some("no-store"));

    // The redirect keeps the encoding it was asked with, and the query.
    let r = server.get("/guests/%EC%84%9C%EC%98%81%EC%A3%BC");
    assert_eq!(r.status, 301);
    assert_eq!(
        r.header("location"),
        Some("/guests/%EC%84%9C%EC%98%81%EC%A3%BC/")
    );
    let r = server.get("/posts/first?utm=x");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/posts/first/?utm=x"));

    // A query does not change which page is served.
    let a = server.get("/posts/first/");
    let b = server.get("/posts/first/?x=1");
    assert_eq!((a.status, b.status), (200, 200));
    assert_eq!(a.body, b.body);
    // A directory whose name has no page is not redirected.
    assert_eq!(server.get("/posts").status, 404);
}

#[test]
fn traversal_attempts_get_404() {
    let site = TestSite::fixture("pages");
    let server = Server::start(&site);
    let config = fs::read_to_string(site.path("config.toml")).unwrap();
    let secrets: Vec<&str> = config
        .lines()
        .filter(|l| !l.trim().is_empty())
        .chain([
            "[package]",
            "root:x:0:0",
            "첫 방송에서 나온 이야기를 정리했습니다.",
            "+++",
        ])
        .collect();
    for target in [
        "/../Cargo.toml",
        "/../config.toml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/config.toml",
        "/posts/..%2f..%2fconfig.toml",
        "/posts/%2e%2e/%2e%2e/config.toml",
        "/..\\config.toml",
        "/%2e%2e%5cconfig.toml",
        "/%5c..%5cconfig.toml",
        "//etc/passwd",
        "//config.toml",
        "/posts//first/",
        "/config.toml",
        "/content/posts/2025-03-11-first.md",
        "/posts/2025-03-11-first.md",
        "/static/robots.txt",
        "/%00",
        "/index.html%00",
        "/./config.toml",
        "/posts/first/.",
        "/%ff",
    ] {
        let r = server.get(target);
        let body = r.text();
        assert_eq!(r.status, 404, "{target}:\n{body}");
        assert_contains(&body, NOT_FOUND_TEXT);
        for secret in &secrets {
            assert!(
                !body.contains(secret),
                "{target} leaked {secret:?}:\n{body}"
            );
        }
    }
    // The server is still fine afterwards.
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn poll_mode_sees_edits_too() {
    let site = TestSite::fixture("pages");
    let mut server = Server::start_with(&site, &["--poll"]);
    let (mut events, _) = server.events();
    let sentence = "폴링으로 찾은 문장 91c2입니다.";
    edit(&site, FIRST, |t| format!("{t}\n{sentence}\n"));
    events.expect("reload", WAIT);
    assert_contains(&server.get("/posts/first/").text(), sentence);
    server.wait_line("Rebuilt ");
    // A second save within the same second is seen too (mtime compared to the nanosecond).
    let second = "같은 초에 다시 저장한 문장 5d0e입니다.";
    edit(&site, FIRST, |t| format!("{t}\n{second}\n"));
    events.expect("reload", WAIT);
    assert_contains(&server.get("/posts/first/").text(), second);
}

#[test]
fn an_edit_sends_reload_and_serves_the_new_text() {
    let site = TestSite::fixture("pages");
    let mut server = Server::start(&site);
    let (mut events, hello) = server.events();
    assert_eq!(page_build(&server.get("/posts/first/").text()), hello);

    let sentence = "편집 후에 새로 쓴 문장 7f3a입니다.";
    edit(&site, FIRST, |t| format!("{t}\n{sentence}\n"));
    let reload = events.expect("reload", WAIT);
    assert_ne!(reload, hello);
    // The page is already the new one when the event arrives, and says so.
    let page = server.get("/posts/first/").text();
    assert_contains(&page, sentence);
    assert_eq!(page_build(&page), reload);
    let line = server.wait_line("Rebuilt ");
    assert!(
        line.ends_with(&format!(" ms ({FIRST})")),
        "the rebuild should name the saved file, not the temp file: {line}"
    );

    // A title change reaches every list and neighbour link, exactly as a full build has it.
    edit(&site, FIRST, |t| {
        t.replace("첫 회 정리", "첫 회를 새로 정리")
    });
    events.expect("reload", WAIT);
    for list in ["/", "/archive/", "/shows/pick/", "/posts/rates/"] {
        assert_contains(&server.get(list).text(), "첫 회를 새로 정리");
    }
    assert_serves_what_build_writes(&server, &site);
}

#[test]
fn swap_files_do_not_rebuild() {
    let site = TestSite::fixture("pages");
    let mut server = Server::start(&site);
    let (mut events, _) = server.events();

    for (rel, text) in [
        ("content/posts/.2025-03-11-first.md.swp", "swap"),
        ("content/posts/.2025-03-11-first.md.swx", "swap"),
        ("content/posts/4913", ""),
        ("content/posts/2025-03-11-first.md~", "+++\nbroken"),
        ("content/posts/#2025-03-11-first.md#", "+++\nbroken"),
        (
            "content/posts/2025-03-11-first.md___jb_tmp___",
            "+++\nbroken",
        ),
        ("content/posts/2025-03-11-first.md.kate-swp", "x"),
        ("content/posts/2025-03-11-first.md.bak", "+++\nbroken"),
        ("content/posts/2025-03-11-first.md.tmp", "+++\nbroken"),
        ("static/.robots.txt.swp", "swap"),
        ("static/robots.txt~", "old"),
    ] {
        site.write(rel, text);
    }
    // Emacs' lock file is a dangling symlink.
    std::os::unix::fs::symlink(
        "user@host.1234:1700000000",
        site.path("content/posts/.#2025-03-11-first.md"),
    )
    .unwrap();
    fs::remove_file(site.path("content/posts/4913")).unwrap();

    let quiet = Instant::now() + Duration::from_secs(1);
    if let Some(e) = events.next_before(quiet) {
        panic!("an editor temp file caused {e:?}");
    }
    server.assert_no_line("Rebuilt", quiet.saturating_duration_since(Instant::now()));
    assert_eq!(server.stderr(), "");

    // A real save still rebuilds, and the temp files around it change nothing.
    edit(&site, FIRST, |t| format!("{t}\n진짜 저장.\n"));
    events.expect("reload", WAIT);
    let line = server.wait_line("Rebuilt ");
    assert!(line.ends_with(&format!(" ms ({FIRST})")), "{line}");
    assert_contains(&server.get("/posts/first/").text(), "진짜 저장.");
    assert_eq!(server.stderr(), "");
}

#[test]
fn a_deleted_post_404s_and_leaves_every_list() {
    let site = TestSite::fixture("pages");
    let server = Server::start(&site);
    let (mut events, _) = server.events();
    let lists = [
        "/",
        "/archive/",
        "/tags/%EA%B2%BD%EC%A0%9C/",
        "/shows/pick/",
        "/shows/pick/1/",
        "/guests/%EC%84%9C%EC%98%81%EC%A3%BC/",
        "/posts/rates/",
        "/posts/year-end/",
    ];
    for list in lists {
        assert_contains(&server.get(list).text(), "href=\"/posts/first/\"");
    }

    site.remove(FIRST);
    events.expect("reload", WAIT);
    let gone = server.get("/posts/first/");
    assert_eq!(gone.status, 404);
    assert_contains(&gone.text(), NOT_FOUND_TEXT);
    assert_eq!(
        server.get("/posts/first").status,
        404,
        "no redirect to a gone page"
    );
    for list in lists {
        let r = server.get(list);
        assert_eq!(r.status, 200, "{list}");
        assert_not_contains(&r.text(), "/posts/first/");
        assert_not_contains(&r.text(), "첫 회 정리");
    }
    assert_serves_what_build_writes(&server, &site);

    // A new post with the same slug takes over the URL.
    save_atomically(
        &site.path("content/posts/2025-05-01-first.md"),
        "+++\ntitle = \"새로 쓴 첫 글\"\ndate = 2025-05-01\ntags = [\"새태그\"]\n+++\n새 글의 본문.\n",
    );
    events.expect("reload", WAIT);
    let back = server.get("/posts/first/");
    assert_eq!(back.status, 200);
    assert_contains(&back.text(), "새로 쓴 첫 글");
    assert_contains(&back.text(), "새 글의 본문.");
    assert_contains(&server.get("/").text(), "href=\"/posts/first/\"");
    assert_eq!(server.get(&encode_path("/tags/새태그/")).status, 200);
    assert_serves_what_build_writes(&server, &site);
}

#[test]
fn errors_show_an_overlay_and_fixing_clears_it() {
    let site = TestSite::fixture("pages");
    let mut server = Server::start(&site);
    let (mut events, hello) = server.events();
    let good = fs::read_to_string(site.path(RECAP)).unwrap();
    let good_home = server.get("/").text();
    let mut last = hello;

    // A value missing; then the closing `+++` missing (only the opening one left).
    type Break = (fn(&str) -> String, &'static str);
    let breaks: [Break; 2] = [
        (
            |t| t.replace("title = \"첫 회 다시 보기\"", "title = "),
            ":2:",
        ),
        (|t| format!("+++\n{}", t.replacen("+++\n", "", 2)), ":1:1"),
    ];
    for (break_it, at) in breaks {
        let broken = break_it(&good);
        assert_ne!(broken, good);
        save_atomically(&site.path(RECAP), &broken);
        let expected = build_errors(&site);
        assert_contains(&expected, &format!("--> {RECAP}{at}"));
        let failed = events.expect("reload", WAIT);
        assert_ne!(failed, last);

        for page in ["/", "/posts/recap/", "/no/such/page/"] {
            let r = server.get(page);
            assert_eq!(r.status, if page.starts_with("/no/") { 404 } else { 200 });
            let html = r.text();
            assert_eq!(html.matches(OVERLAY).count(), 1, "{html}");
            // The same text as `build`, escaped.
            assert_contains(&html, &escape_html(&expected));
            assert_eq!(page_build(&html), failed);
        }
        // Under the overlay: the last good site, untouched.
        let home = server.get("/").text();
        assert_eq!(strip_injected(&home), strip_injected(&good_home));
        assert_contains(&home, "첫 회 다시 보기");
        // The terminal shows it too.
        server.wait_stderr(&expected);
        // Not an HTML page: no overlay.
        assert_not_contains(&server.get("/style.css").text(), "__showpress");

        save_atomically(&site.path(RECAP), &good);
        let fixed = events.expect("reload", WAIT);
        assert_ne!(fixed, failed);
        let home = server.get("/").text();
        assert_not_contains(&home, OVERLAY);
        assert_eq!(page_build(&home), fixed);
        assert_contains(&server.get("/posts/recap/").text(), "첫 회 다시 보기");
        let line = server.wait_line("Rebuilt ");
        assert!(line.ends_with(&format!(" ms ({RECAP})")), "{line}");
        assert_serves_what_build_writes(&server, &site);
        last = fixed;
    }
}

/// A body edit takes serve's fast path, which renders only the post's page: a broken link
/// added there is still an error, the same as `build` gives, and fixing it clears it.
#[test]
fn a_broken_link_saved_while_serving_is_the_error_build_gives() {
    let site = TestSite::fixture("pages");
    let mut server = Server::start(&site);
    let (mut events, _) = server.events();
    let good = fs::read_to_string(site.path(RECAP)).unwrap();
    save_atomically(
        &site.path(RECAP),
        &format!("{good}\n[지난 글](/no-such-page/)\n"),
    );
    let expected = build_errors(&site);
    assert_contains(
        &expected,
        &format!(
            "error: broken link `/no-such-page/`: the site has no page or file at /no-such-page/, expected a link to a page or file the build writes\n --> {RECAP}:9:8\n"
        ),
    );
    events.expect("reload", WAIT);
    assert_contains(&server.get("/posts/recap/").text(), &escape_html(&expected));
    server.wait_stderr(&expected);
    save_atomically(&site.path(RECAP), &good);
    events.expect("reload", WAIT);
    assert_not_contains(&server.get("/posts/recap/").text(), OVERLAY);
    server.wait_line("Rebuilt ");
    assert_serves_what_build_writes(&server, &site);
}

#[test]
fn the_first_build_failing_does_not_stop_the_server() {
    let site = TestSite::fixture("pages");
    let good = fs::read_to_string(site.path("config.toml")).unwrap();
    site.write(
        "config.toml",
        "title = \"t\nbase_url = \"https://example.com/\"\n",
    );
    let expected = build_errors(&site);
    assert_contains(&expected, "--> config.toml:1:");
    let mut server = Server::start(&site);
    server.wait_stderr(&expected);
    assert!(
        !server.stdout.iter().any(|l| l.starts_with("Built")),
        "{:?}",
        server.stdout
    );

    for page in ["/", "/posts/first/", "/style.css"] {
        let r = server.get(page);
        assert_eq!(r.status, 503, "{page}");
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        assert_eq!(r.header("cache-control"), Some("no-store"));
        assert_contains(&r.text(), OVERLAY);
        assert_contains(&r.text(), &escape_html(&expected));
        assert_contains(&r.text(), SCRIPT_TAG_START);
    }
    let (mut events, hello) = server.events();
    assert_eq!(page_build(&server.get("/").text()), hello);

    // Still up a moment later.
    std::thread::sleep(Duration::from_millis(200));
    assert!(server.child.try_wait().unwrap().is_none(), "serve exited");

    save_atomically(&site.path("config.toml"), &good);
    let fixed = events.expect("reload", WAIT);
    let line = server.wait_line("Rebuilt ");
    assert!(line.ends_with(" ms (config.toml)"), "{line}");
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_not_contains(&home.text(), OVERLAY);
    assert_eq!(page_build(&home.text()), fixed);
    assert_eq!(server.get("/posts/first/").status, 200);
    assert_serves_what_build_writes(&server, &site);
}

#[test]
fn port_in_use_is_a_clear_error() {
    let site = TestSite::fixture("pages");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_showpress"))
        .arg("--root")
        .arg(site.root())
        .args(["serve", "--port", &port.to_string()])
        .current_dir(site.root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("serve on a taken port did not exit");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(1));
    assert_eq!(
        stderr,
        format!(
            "error: port {port} is already in use on 127.0.0.1: stop the program using it, \
             or choose another port with --port\n"
        )
    );
    assert_eq!(stdout, "");
    drop(taken);
}

#[test]
fn a_css_change_sends_css_not_reload() {
    let site = TestSite::fixture("pages");
    site.write("static/style.css", "body { color: black; }\n");
    let mut server = Server::start(&site);
    assert_eq!(server.get("/style.css").text(), "body { color: black; }\n");
    let (mut events, hello) = server.events();

    save_atomically(&site.path("static/style.css"), "body { color: red; }\n");
    let css = events.expect("css", WAIT);
    assert_ne!(css, hello);
    assert_eq!(server.get("/style.css").text(), "body { color: red; }\n");
    let line = server.wait_line("Rebuilt ");
    assert!(line.ends_with(" ms (static/style.css)"), "{line}");
    // Pages carry the new id, so a reconnecting page does not reload for nothing.
    assert_eq!(page_build(&server.get("/").text()), css);

    // Any other static file reloads.
    save_atomically(
        &site.path("static/robots.txt"),
        "User-agent: *\nDisallow: /x\n",
    );
    let reload = events.expect("reload", WAIT);
    assert_ne!(reload, css);
    assert_eq!(
        server.get("/robots.txt").text(),
        "User-agent: *\nDisallow: /x\n"
    );

    // A stylesheet and a post saved together: the page changed, so reload.
    save_atomically(&site.path("static/style.css"), "body { color: blue; }\n");
    edit(&site, FIRST, |t| format!("{t}\n함께 저장.\n"));
    let mut last = events.expect_any(&["reload", "css"], WAIT);
    // The two saves may land in one rebuild or two; the last word must be a reload.
    while last.0 != "reload" {
        last = events.expect_any(&["reload", "css"], WAIT);
    }
    assert_contains(&server.get("/posts/first/").text(), "함께 저장.");
}

#[test]
fn many_live_reload_connections() {
    const N: usize = 200;
    let site = TestSite::fixture("pages");
    let server = Server::start(&site);
    let mut streams: Vec<Sse> = (0..N)
        .map(|_| Sse::start(server.port, "/__showpress/events"))
        .collect();
    let deadline = Instant::now() + WAIT;
    let mut hello = None;
    for (i, s) in streams.iter_mut().enumerate() {
        s.finish_head(deadline);
        assert_eq!(s.status, 200, "connection {i}");
        let e = s
            .next_before(deadline)
            .unwrap_or_else(|| panic!("connection {i}: no hello"));
        assert_eq!(e.event, "hello", "connection {i}");
        assert_eq!(*hello.get_or_insert(e.data.clone()), e.data);
    }

    edit(&site, FIRST, |t| format!("{t}\n이백 명이 봅니다.\n"));
    let deadline = Instant::now() + WAIT;
    let mut reload = None;
    for (i, s) in streams.iter_mut().enumerate() {
        let e = s
            .next_before(deadline)
            .unwrap_or_else(|| panic!("connection {i} got no reload"));
        assert_eq!(e.event, "reload", "connection {i}");
        assert_eq!(*reload.get_or_insert(e.data.clone()), e.data);
    }
    assert_ne!(reload, hello);
    drop(streams);
    assert_contains(&server.get("/posts/first/").text(), "이백 명이 봅니다.");
    // Still serving events after they all went away.
    let (_, again) = server.events();
    assert_eq!(Some(again), reload);
}

/// Waits until the server serves exactly what a full build of the site as it is now writes:
/// compares after every event, and fails only when no further event comes and it still differs.
/// (One save can take one rebuild or two, depending on how the watcher's events fall.)
#[track_caller]
fn assert_settles_to_a_full_build(server: &Server, site: &TestSite, events: &mut Sse, what: &str) {
    events
        .next(WAIT)
        .unwrap_or_else(|| panic!("{what}: no event within {WAIT:?}"));
    loop {
        let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            assert_serves_what_build_writes(server, site)
        }));
        match attempt {
            Ok(()) => return,
            Err(e) => {
                if events.next(Duration::from_secs(2)).is_none() {
                    let msg = e
                        .downcast_ref::<String>()
                        .cloned()
                        .unwrap_or_else(|| "(no message)".into());
                    panic!("after {what}, serve differs from a full build:\n{msg}");
                }
            }
        }
    }
}

/// `serve` re-renders only pages whose key changed; after each kind of change, what it serves
/// must be what a full build writes.
#[test]
fn every_kind_of_change_ends_where_a_full_build_does() {
    let site = TestSite::fixture("pages");
    let server = Server::start(&site);
    let (mut events, _) = server.events();
    type Step = (&'static str, fn(&TestSite));
    let steps: [Step; 24] = [
        ("a guest profile's role", |s| {
            edit(s, "content/guests/seo.md", |t| {
                t.replace("role = \"기자\"", "role = \"선임기자\"")
            })
        }),
        ("a guest profile's text", |s| {
            edit(s, "content/guests/seo.md", |t| t.replace("IT와", "IT와 AI"))
        }),
        ("a show profile's network", |s| {
            edit(s, "content/shows/econ.md", |t| t.replace("KBS", "MBC"))
        }),
        ("a show's slug", |s| {
            edit(s, "content/shows/econ.md", |t| {
                t.replace("slug = \"pick\"", "slug = \"pick2\"")
            })
        }),
        ("a page's title", |s| {
            edit(s, "content/about.md", |t| {
                t.replace("소개", "이 블로그 소개")
            })
        }),
        ("a post's date (order changes)", |s| {
            edit(s, "content/posts/2024-12-30-year-end.md", |t| {
                t.replace("date = 2024-12-30", "date = 2025-03-19")
            })
        }),
        ("a post's tags", |s| {
            edit(s, RECAP, |t| {
                t.replace("episode = 1\n", "episode = 1\ntags = [\"금리\", \"새\"]\n")
            })
        }),
        ("a post's summary", |s| {
            edit(s, "content/posts/2025-03-18-rates.md", |t| {
                t.replace("금리 인하를 둘러싼 토론 요약", "바뀐 요약")
            })
        }),
        ("a post's episode", |s| {
            edit(s, RECAP, |t| t.replace("episode = 1\n", "episode = 2\n"))
        }),
        ("a guest's role in one post", |s| {
            edit(s, "content/posts/2025-03-18-rates.md", |t| {
                t.replace("산업부 기자", "산업부 부장")
            })
        }),
        ("a post becoming a draft", |s| {
            edit(s, "content/posts/2025-04-02-deepseek.md", |t| {
                t.replace("episode = 5\n", "episode = 5\ndraft = true\n")
            })
        }),
        ("a renamed post file", |s| {
            fs::rename(
                s.path(FIRST),
                s.path("content/posts/2025-03-11-premiere.md"),
            )
            .unwrap()
        }),
        ("the site title in config.toml", |s| {
            edit(s, "config.toml", |t| {
                t.replace("토크쇼 읽기", "토크쇼를 읽다")
            })
        }),
        ("a templates/ folder appearing", |s| {
            let tmp = s.path(".templates-new");
            fs::create_dir_all(tmp.join("partials")).unwrap();
            fs::write(
                tmp.join("partials/footer.html"),
                "<footer>바뀐 꼬리말</footer>\n",
            )
            .unwrap();
            fs::rename(&tmp, s.path("templates")).unwrap();
        }),
        ("a template edit", |s| {
            save_atomically(
                &s.path("templates/partials/footer.html"),
                "<footer>또 바뀐 꼬리말</footer>\n",
            )
        }),
        ("a shortcode template appearing", |s| {
            fs::create_dir_all(s.path("templates/shortcodes")).unwrap();
            save_atomically(
                &s.path("templates/shortcodes/note.html"),
                "<aside class=\"note\">{{ body | safe }}</aside>\n",
            )
        }),
        ("a post using the shortcode and a built-in one", |s| {
            edit(s, "content/posts/2025-03-11-premiere.md", |t| {
                format!(
                    "{t}\n{{% note() %}}\n메모.\n{{% end %}}\n\n{{% quote(speaker=\"없는 사람\", at=\"1:00\") %}}\n말.\n{{% end %}}\n"
                )
            })
        }),
        ("a body edit in a post with shortcodes", |s| {
            edit(s, "content/posts/2025-03-11-premiere.md", |t| {
                t.replace("메모.", "고친 메모.")
            })
        }),
        ("a shortcode template edit", |s| {
            save_atomically(
                &s.path("templates/shortcodes/note.html"),
                "<aside class=\"note changed\">{{ body | safe }}</aside>\n",
            )
        }),
        ("a template override deleted", |s| {
            fs::remove_file(s.path("templates/partials/footer.html")).unwrap()
        }),
        ("a static file deleted", |s| {
            fs::remove_file(s.path("static/robots.txt")).unwrap()
        }),
        ("static/style.css replacing the theme's", |s| {
            save_atomically(&s.path("static/style.css"), "body { margin: 0; }\n")
        }),
        ("static/style.css deleted (the theme's is back)", |s| {
            fs::remove_file(s.path("static/style.css")).unwrap()
        }),
        ("a whole folder of profiles deleted", |s| {
            fs::remove_dir_all(s.path("content/guests")).unwrap()
        }),
    ];
    for (what, step) in steps {
        step(&site);
        assert_settles_to_a_full_build(&server, &site, &mut events, what);
    }
    assert_eq!(server.stderr(), "");
}

// ---------------------------------------------------------------------------------------------
// Bugs found by these tests. Each is a failing test, ignored until the bug is fixed.

/// After config.toml breaks, saving any post rebuilds with the *previous* config and clears
/// the overlay, although config.toml is still broken and `build` fails.
#[test]
fn a_broken_config_stays_reported_after_a_post_is_saved() {
    let site = TestSite::fixture("pages");
    let server = Server::start(&site);
    let (mut events, _) = server.events();
    edit(&site, "config.toml", |t| {
        t.replace("title = \"토크쇼 읽기\"", "title = \"t")
    });
    events.expect("reload", WAIT);
    assert_contains(&server.get("/").text(), OVERLAY);
    let expected = build_errors(&site);

    edit(&site, FIRST, |t| format!("{t}\n덧붙임.\n"));
    events.expect("reload", WAIT);
    let home = server.get("/").text();
    assert_contains(&home, OVERLAY);
    assert_contains(&home, &escape_html(&expected));
}

/// Break a post (overlay), change style.css while it is broken, fix the post: compared with
/// the last good build only the stylesheet differs, so the server sends `css`, and the open
/// page swaps its stylesheet but keeps showing the overlay of an error that is gone.
#[test]
fn fixing_an_error_reloads_even_if_only_css_changed_meanwhile() {
    let site = TestSite::fixture("pages");
    site.write("static/style.css", "body { color: black; }\n");
    let server = Server::start(&site);
    let (mut events, _) = server.events();
    let good = fs::read_to_string(site.path(RECAP)).unwrap();

    edit(&site, RECAP, |t| {
        t.replace("title = \"첫 회 다시 보기\"", "title = ")
    });
    events.expect("reload", WAIT);
    save_atomically(&site.path("static/style.css"), "body { color: red; }\n");
    events.expect("reload", WAIT);
    assert_contains(&server.get("/").text(), OVERLAY);

    save_atomically(&site.path(RECAP), &good);
    // The page on screen shows the overlay: only a reload removes it.
    events.expect("reload", WAIT);
}

/// Ctrl-C stops accepting connections but waits for open connections to finish, and the event
/// stream of an open page never finishes: the server hangs until every tab is closed. A second
/// Ctrl-C does nothing either.
#[test]
fn ctrl_c_stops_the_server_with_a_page_open() {
    let site = TestSite::fixture("pages");
    let mut server = Server::start(&site);
    let (_events, _) = server.events();
    let status = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            assert!(s.success(), "{s:?}");
            return;
        }
        assert!(
            Instant::now() < deadline,
            "serve still running 5 s after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `build` copies every file of `static/`; `serve` leaves out files named like editor temp
/// files, so `slides.bak` or `notes~` are published but 404 in the preview.
#[test]
fn serve_serves_every_static_file_build_writes() {
    let site = TestSite::fixture("pages");
    site.write("static/files/slides.bak", "slides");
    site.write("static/files/notes~", "notes");
    site.write("static/files/export.tmp", "export");
    let server = Server::start(&site);
    assert_serves_what_build_writes(&server, &site);
}

/// Files under a hidden folder of `static/` (`.well-known/`) are served and built, but the
/// watcher ignores every path with a component starting with `.`, so editing them changes
/// nothing until some other file is saved.
#[test]
fn an_edit_under_static_well_known_is_served() {
    let site = TestSite::fixture("pages");
    site.write("static/.well-known/security.txt", "Contact: old\n");
    let server = Server::start(&site);
    assert_eq!(
        server.get("/.well-known/security.txt").text(),
        "Contact: old\n"
    );
    let (mut events, _) = server.events();
    save_atomically(
        &site.path("static/.well-known/security.txt"),
        "Contact: new\n",
    );
    events.expect("reload", WAIT);
    assert_eq!(
        server.get("/.well-known/security.txt").text(),
        "Contact: new\n"
    );
}

/// A folder moved into (or out of) `content/` is reported by the watcher as the folder alone;
/// `classify` treats a name without a dot as a folder, so a folder named `season.3` or
/// `2025.05` is ignored and its posts appear (or disappear) only on some later rebuild.
#[test]
fn a_folder_with_a_dot_moved_into_content_is_seen() {
    let site = TestSite::fixture("pages");
    let server = Server::start(&site);
    let (mut events, _) = server.events();
    let outside = tempfile::tempdir().unwrap();
    let folder = outside.path().join("season.3");
    fs::create_dir_all(&folder).unwrap();
    fs::write(
        folder.join("2025-06-01-s3.md"),
        "+++\ntitle = \"시즌 3\"\ndate = 2025-06-01\n+++\n본문\n",
    )
    .unwrap();
    fs::rename(&folder, site.path("content/posts/season.3")).unwrap();
    events.expect("reload", WAIT);
    assert_eq!(server.get("/posts/s3/").status, 200);
}

#[test]
fn a_static_file_a_page_takes_the_place_of_is_warned_about_as_in_build() {
    let site = TestSite::fixture("pages");
    site.write("static/tags/index.html", "<p>my own tag list</p>\n");
    let mut server = Server::start(&site);
    let warning = "warning: not published: the generated page /tags/ is written to the same file; rename or move this one\n \
                   --> static/tags/index.html\n";
    server.wait_stderr(warning);
    assert!(server.get("/tags/").text().contains("<h1>"));
    // Renaming it is a static change: it is published, and no new warning comes.
    fs::rename(
        site.path("static/tags/index.html"),
        site.path("static/tags/mine.html"),
    )
    .unwrap();
    server.wait_line("Rebuilt ");
    // An HTML file gets the live-reload script like any page.
    assert!(
        server
            .get("/tags/mine.html")
            .text()
            .starts_with("<p>my own tag list</p>\n<script src=\"/__showpress/livereload.js\"")
    );
    assert_eq!(server.stderr().matches(warning).count(), 1);
}

/// `serve` starts from the files the last `build` parsed (its cache in `.showpress/`), reads
/// again the ones changed since, serves what a build would write, and leaves the cache as the
/// build left it for the next build.
#[test]
fn serve_starts_from_the_build_cache_and_leaves_it_as_it_was() {
    let site = TestSite::fixture("pages");
    site.build();
    edit(&site, "content/posts/2025-03-11-first.md", |t| {
        t + "\n빌드 뒤에 고친 문장.\n"
    });
    let cache: BTreeMap<String, Vec<u8>> = files_under(&site.path(".showpress"))
        .into_iter()
        .filter(|(f, _)| f != "lock")
        .collect();
    let server = Server::start(&site);
    assert_contains(&server.get("/posts/first/").text(), "빌드 뒤에 고친 문장.");
    let after: BTreeMap<String, Vec<u8>> = files_under(&site.path(".showpress"))
        .into_iter()
        .filter(|(f, _)| f != "lock")
        .collect();
    assert_eq!(after, cache, "serve changed the build cache");
    assert_serves_what_build_writes(&server, &site);
}
