//! Property-based fuzzing of the real build pipeline.
//!
//! cargo-fuzz needs a nightly toolchain, which a new machine of this project (and so CI) does
//! not have, so this is the proptest suite the issue allows. Every target feeds arbitrary bytes
//! or structured-random input (a grammar of what it imitates, mixed with garbage) through the
//! library as the binary uses it: `build::build` on a temp site (`config.toml`, content files
//! of every kind, template overrides, `static/`), `Config::parse`, `markdown::render`,
//! `frontmatter::split`, the diagnostic renderer and `check::check`.
//!
//! What every case asserts:
//! - no panic (a panic in the build thread is re-raised here, so proptest shrinks it);
//! - no hang or blowup: each build or render runs in its own thread and must answer within
//!   `FUZZ_TIMEOUT_SECS` (10 s; 30 s unoptimised); a case slower than `FUZZ_SLOW_MS` (2 s) is
//!   printed with its input;
//! - an `Err` renders (`{e}`, `{e:?}`, every diagnostic) without panicking, has at least one
//!   diagnostic, and no diagnostic is a whole report passed through as its message;
//! - a failed build leaves the previously built output exactly as it was, a good one writes an
//!   `index.html`, and no build leaves a staging folder behind; where the author wrote no
//!   literal token, no `showpress-internal-link:` placeholder reaches the output;
//! - `check` finds an error on every site `build` rejects, and its diagnostics point inside
//!   the files they name.
//!
//! The default `cargo test` run is short (a few dozen cases per target, a few seconds). A long
//! run: `PROPTEST_CASES=20000 cargo test --release --test fuzz -- --nocapture` (each target
//! prints its case count and slowest case). `PROPTEST_FORK=true` runs the cases in a child
//! process, so an abort such as a stack overflow is caught and shrunk too (the counts are then
//! the child's, not printed). `FUZZ_VERBOSE=1` prints the first diagnostic of each failed build.
//!
//! Findings are kept as regression tests at the end of this file, each with its minimal input
//! in `tests/fuzz_corpus/`. One is a bug of pulldown-cmark that showpress can only contain: the
//! build catches it (`markdown::render_guarded`), but `markdown::render`, which the render target
//! calls directly, still panics; that target counts such a case as "known bug" and goes on, so a
//! long run can find others. `FUZZ_KNOWN_BUGS=1` makes it fail instead.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{OnceLock, mpsc};
use std::time::{Duration, Instant};

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::BoxedStrategy;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestRunner};

use showpress::build::{BuildOptions, BuildReport, build};
use showpress::config::{Config, MarkdownOptions};
use showpress::content::frontmatter;
use showpress::diagnostic::{Diagnostic, locate};
use showpress::markdown;

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// 10 s per build or render (30 s in an unoptimised build), or `FUZZ_TIMEOUT_SECS`.
fn timeout() -> Duration {
    let default = if cfg!(debug_assertions) { 30 } else { 10 };
    Duration::from_secs(env_u64("FUZZ_TIMEOUT_SECS").unwrap_or(default))
}

fn slow() -> Duration {
    Duration::from_millis(env_u64("FUZZ_SLOW_MS").unwrap_or(2000))
}

/// `PROPTEST_CASES` when set, else `default` (kept small so `cargo test` stays fast).
fn runner(test_name: &'static str, default_cases: u32) -> TestRunner {
    let cases = env_u64("PROPTEST_CASES").map_or(default_cases, |n| n as u32);
    TestRunner::new(ProptestConfig {
        cases,
        // Minimal inputs are saved by hand under tests/fuzz_corpus/ with a regression test;
        // proptest's own seed files would land in a folder of their own.
        failure_persistence: None,
        max_shrink_iters: 2048,
        test_name: Some(test_name),
        ..ProptestConfig::default()
    })
}

/// What one target did, printed when it ends (`--nocapture` shows it).
#[derive(Default)]
struct Stats {
    cases: AtomicU64,
    /// Cases that hit a known bug (see [`known_bug`]) and were let pass.
    known: AtomicU64,
    ok: AtomicU64,
    err: AtomicU64,
    max_ms: AtomicU64,
    total_ms: AtomicU64,
}

impl Stats {
    fn record(&self, ok: Option<bool>, took: Duration) {
        self.cases.fetch_add(1, Ordering::Relaxed);
        match ok {
            Some(true) => self.ok.fetch_add(1, Ordering::Relaxed),
            Some(false) => self.err.fetch_add(1, Ordering::Relaxed),
            None => 0,
        };
        let ms = took.as_millis() as u64;
        self.max_ms.fetch_max(ms, Ordering::Relaxed);
        self.total_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

fn run_target<S: Strategy>(
    name: &'static str,
    default_cases: u32,
    strategy: S,
    test: impl Fn(S::Value, &Stats) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    install_panic_hook();
    let stats = Stats::default();
    let start = Instant::now();
    let result = runner(name, default_cases).run(&strategy, |v| {
        let upstream_before = UPSTREAM_PANICS.load(Ordering::SeqCst);
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| test(v, &stats))) {
            Ok(r) => r,
            Err(payload) => {
                let upstream = UPSTREAM_PANICS.load(Ordering::SeqCst) > upstream_before;
                if upstream && known_bug(payload.as_ref()) {
                    stats.known.fetch_add(1, Ordering::Relaxed);
                    Ok(())
                } else {
                    std::panic::resume_unwind(payload)
                }
            }
        }
    });
    println!(
        "fuzz target {name}: {} cases (ok {}, err {}, known bug {}), slowest {} ms, {} ms in the library, {:.1} s wall",
        stats.cases.load(Ordering::Relaxed),
        stats.ok.load(Ordering::Relaxed),
        stats.err.load(Ordering::Relaxed),
        stats.known.load(Ordering::Relaxed),
        stats.max_ms.load(Ordering::Relaxed),
        stats.total_ms.load(Ordering::Relaxed),
        start.elapsed().as_secs_f64(),
    );
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
}

/// Panics raised inside pulldown-cmark, counted by the panic hook.
static UPSTREAM_PANICS: AtomicU64 = AtomicU64::new(0);

/// Counts panics located in pulldown-cmark; prints those of a known bug in one line (unless
/// `FUZZ_KNOWN_BUGS` is set) and every other panic as usual.
fn install_panic_hook() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let upstream = info
                .location()
                .is_some_and(|l| l.file().contains("pulldown-cmark"));
            if upstream {
                UPSTREAM_PANICS.fetch_add(1, Ordering::SeqCst);
                if known_bug(info.payload()) {
                    eprintln!("known bug hit: {}", info.location().unwrap());
                    return;
                }
            }
            default(info)
        }));
    });
}

/// A panic of a bug already reported, which a long run should step over to look for others:
/// pulldown-cmark 0.13.6 with heading attributes on, on a setext heading inside a block quote
/// or list item whose text ends in a hard break (see
/// `regression_setext_heading_attributes_in_blockquote_*`). `FUZZ_KNOWN_BUGS=1` turns this off.
fn known_bug(payload: &(dyn std::any::Any + Send)) -> bool {
    if std::env::var_os("FUZZ_KNOWN_BUGS").is_some() {
        return false;
    }
    let msg = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("");
    msg.contains("self[child_ix].item.start < end_byte_ix")
        || (msg.starts_with("begin > end") && msg.contains("when slicing"))
}

/// Runs `f` in a thread with the main thread's stack size (the binary builds on its main
/// thread) and waits at most [`timeout`]. A panic in `f` is re-raised here, unchanged.
fn bounded<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> (T, Duration) {
    let (tx, rx) = mpsc::channel();
    let start = Instant::now();
    let handle = std::thread::Builder::new()
        .name(format!("fuzz-{what}"))
        .stack_size(8 << 20)
        .spawn(move || {
            let _ = tx.send(f());
        })
        .expect("spawn");
    match rx.recv_timeout(timeout()) {
        Ok(v) => {
            let took = start.elapsed();
            let _ = handle.join();
            if took > slow() {
                eprintln!("SLOW: {what} took {took:?}");
            }
            (v, took)
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            // The thread is left running: there is no way to stop it. The case fails.
            panic!(
                "{what} did not finish within {:?}: a hang or a blowup",
                timeout()
            )
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => match handle.join() {
            Err(payload) => std::panic::resume_unwind(payload),
            Ok(()) => unreachable!("the thread sends before it ends"),
        },
    }
}

/// Renders an error the ways the binary does and checks it is sensible.
fn render_error(e: &showpress::Error) -> String {
    let mut text = String::new();
    if let showpress::Error::Diagnostics(diags) = e {
        assert!(!diags.is_empty(), "an error with no diagnostic: {e:?}");
        for d in diags {
            check_diagnostic(d);
            text.push_str(&format!("{d}\n"));
        }
    }
    text.push_str(&format!("{e}\n{e:?}\n"));
    text
}

fn check_diagnostic(d: &Diagnostic) {
    let shown = d.to_string();
    // A message that is itself a rendered report (a library's error text passed through whole).
    assert!(
        !d.message.starts_with("error:") && !d.message.contains("\n -->"),
        "a diagnostic holding a whole report: {shown}"
    );
    assert!(
        shown.contains(&d.message),
        "diagnostic does not show its message: {shown}"
    );
    if let Some(loc) = &d.location {
        assert!(loc.line >= 1 && loc.col >= 1, "0-based location in {shown}");
        assert!(
            !loc.source_line.contains('\n'),
            "source line spans lines: {shown}"
        );
    }
}

/// Every file under `dir` (hidden ones too), path → bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.insert(format!("{}/", rel(base, &p)), Vec::new());
                walk(base, &p, out);
            } else {
                out.insert(rel(base, &p), fs::read(&p).unwrap_or_default());
            }
        }
    }
    fn rel(base: &Path, p: &Path) -> String {
        p.strip_prefix(base).unwrap().to_string_lossy().into_owned()
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn write_file(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, bytes).unwrap();
}

/// Like [`write_file`], for fuzzed names: one the file system refuses (too long, or a file in
/// the way of a folder) is left out.
fn try_write_file(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    if let Some(parent) = p.parent()
        && fs::create_dir_all(parent).is_ok()
        && !p.is_dir()
    {
        let _ = fs::write(p, bytes);
    }
}

const BASE_CONFIG: &str = "title = \"Fuzz\"\nbase_url = \"https://fuzz.example/\"\n";

/// A small valid site every case starts from; a case's own files replace or join these.
const BASE_FILES: &[(&str, &str)] = &[
    ("config.toml", BASE_CONFIG),
    (
        "content/posts/base.md",
        "+++\ntitle = \"Base\"\ndate = 2024-01-01\nshow = \"Show\"\nepisode = 1\ntags = [\"t\"]\nguests = [\"G\"]\n+++\nIntro.\n\n## Intro {#intro}\n\n[self](@/posts/base.md#intro)\n",
    ),
    (
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\n## A\n\n[base](posts/base.md)\n",
    ),
];

/// The output of building [`BASE_FILES`]: what each case starts with as "the previous build".
fn baseline() -> &'static BTreeMap<String, Vec<u8>> {
    static BASELINE: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    BASELINE.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        for (rel, text) in BASE_FILES {
            write_file(&root, rel, text.as_bytes());
        }
        let output = tmp.path().join("out/public");
        build(&BuildOptions {
            root,
            output: output.clone(),
            drafts: false,
            future: false,
            base_url: None,
            clock: showpress::dates::Clock::from_env(),
            cache: showpress::build::CacheMode::Off,
        })
        .unwrap_or_else(|e| panic!("the base site must build: {}", render_error(&e)));
        let snap = snapshot(&output);
        assert!(snap.contains_key("index.html"));
        snap
    })
}

#[derive(Debug, Clone, Default)]
struct Opts {
    drafts: bool,
    future: bool,
    base_url: Option<String>,
}

fn opts() -> impl Strategy<Value = Opts> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::option::weighted(
            0.1,
            prop_oneof![
                select(BASE_URLS).prop_map(str::to_string),
                ".{0,20}".prop_map(String::from)
            ],
        ),
    )
        .prop_map(|(drafts, future, base_url)| Opts {
            drafts,
            future,
            base_url,
        })
}

/// Names the input of a slow case (its size and start), to find blowups.
fn report_slow(files: &[(&str, &[u8])], took: Duration) {
    if took > slow() {
        for (rel, bytes) in files {
            let head = String::from_utf8_lossy(&bytes[..bytes.len().min(160)]);
            eprintln!(
                "SLOW INPUT {took:?}: {rel} ({} bytes) {head:?}",
                bytes.len()
            );
        }
    }
}

/// `FUZZ_VERBOSE=1` prints each failed build's first diagnostic, to see where cases stop.
fn verbose(result: &Built) {
    if std::env::var_os("FUZZ_VERBOSE").is_some()
        && let Err(msg) = result
    {
        let first: Vec<&str> = msg.lines().take(2).collect();
        eprintln!("ERR {}", first.join(" | "));
    }
}

/// What a build did: `Ok` with the report, or the rendered error.
type Built = Result<BuildReport, String>;

/// Builds the base site with `files` written over it, into an output folder that holds the
/// baseline build, and checks what every build must do.
fn build_site(files: &[(&str, &[u8])], opts: &Opts, stats: &Stats) -> Built {
    build_site_inner(files, opts, stats, false)
}

fn build_site_inner(
    files: &[(&str, &[u8])],
    opts: &Opts,
    stats: &Stats,
    check_tokens: bool,
) -> Built {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    for (rel, text) in BASE_FILES {
        write_file(&root, rel, text.as_bytes());
    }
    for (rel, bytes) in files {
        try_write_file(&root, rel, bytes);
    }
    let out_parent = tmp.path().join("out");
    let output = out_parent.join("public");
    let before = baseline();
    for (rel, bytes) in before {
        if let Some(dir) = rel.strip_suffix('/') {
            fs::create_dir_all(output.join(dir)).unwrap();
        } else {
            write_file(&output, rel, bytes);
        }
    }
    let options = BuildOptions {
        root,
        output: output.clone(),
        drafts: opts.drafts,
        future: opts.future,
        base_url: opts.base_url.clone(),
        clock: showpress::dates::Clock::from_env(),
        cache: showpress::build::CacheMode::Off,
    };
    let (result, took) = bounded("build", move || {
        build(&options).map_err(|e| render_error(&e))
    });
    stats.record(Some(result.is_ok()), took);
    verbose(&result);
    report_slow(files, took);
    let leftovers: Vec<String> = fs::read_dir(&out_parent)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "public")
        .collect();
    assert!(
        leftovers.is_empty(),
        "left beside the output: {leftovers:?}"
    );
    match &result {
        Ok(_) => {
            assert!(
                output.join("index.html").is_file(),
                "a successful build wrote no index.html"
            );
            if check_tokens {
                for (rel, bytes) in snapshot(&output) {
                    assert!(
                        !String::from_utf8_lossy(&bytes).contains("showpress-internal-link:"),
                        "an unresolved internal-link token is left in {rel}"
                    );
                }
            }
        }
        Err(msg) => {
            let after = snapshot(&output);
            if &after != before {
                let changed: Vec<&String> = before
                    .keys()
                    .chain(after.keys())
                    .filter(|k| before.get(*k) != after.get(*k))
                    .collect();
                panic!("a failed build changed the previous output: {changed:?}\nerror: {msg}");
            }
        }
    }
    drop(tmp);
    result
}

/// [`build_site`], and on success also checks that no unresolved internal-link token reached
/// the output.
fn build_site_checking_links(files: &[(&str, &[u8])], opts: &Opts, stats: &Stats) -> Built {
    build_site_inner(files, opts, stats, true)
}

// ---------------------------------------------------------------------------------------------
// Shared vocabulary
// ---------------------------------------------------------------------------------------------

const BASE_URLS: &[&str] = &[
    "https://ex.com",
    "https://ex.com/",
    "https://ex.com/blog",
    "https://ex.com/blog/sub/",
    "http://localhost:1111",
    "http://127.0.0.1:8080/x/",
    "http://[::1]/",
    "https://user:pw@ex.com:8443/a%20b/",
    "https://ex.com/?q=1",
    "https://ex.com/#frag",
    "https://ex.com/a b/",
    "https://例え.jp/블로그/",
    "https://ex.com//double//",
    "https://ex.com/../up/",
    "https://",
    "http://",
    "ftp://ex.com/",
    "file:///tmp/x",
    "mailto:a@b.c",
    "ex.com",
    "/relative/",
    "",
    " https://ex.com/ ",
    "https://ex.com/\u{0}",
];

/// Bytes that matter to TOML, Markdown, front matter and Tera, plus UTF-8 troublemakers.
fn interesting_byte() -> BoxedStrategy<u8> {
    prop_oneof![
        3 => select(b"+\n\r =\"'[]{}#%<>`*-_.:@/\\\t0123456789abctz|!~^&".to_vec()),
        1 => any::<u8>(),
        1 => select(vec![0x00u8, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xEB, 0xEF, 0xBB, 0xF0, 0xFF]),
    ]
    .boxed()
}

/// A short fragment of text: plain words, scripts with wide or combining characters, and
/// characters that mean something to one of the parsers.
fn word() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "[a-zA-Z0-9]{1,8}".prop_map(String::from),
        3 => select(WORDS).prop_map(str::to_string),
        1 => ".{0,6}".prop_map(String::from),
    ]
    .boxed()
}

const WORDS: &[&str] = &[
    "시청자",
    "질문",
    "딥시크의",
    "漢字",
    "かな",
    "🎉",
    "e\u{301}",
    "\u{1100}\u{1161}",
    "&amp;",
    "&",
    "<",
    ">",
    "\"",
    "'",
    "\\",
    "*",
    "**",
    "_",
    "~~",
    "`",
    "|",
    "#",
    "[",
    "]",
    "(",
    ")",
    "!",
    "{#x}",
    "{.c}",
    "{#}",
    "<!-- more -->",
    "\t",
    "\u{feff}",
    "\u{200b}",
    "\u{0}",
    "\r",
    "--",
    "...",
    "  \n",
    "\n",
    "$",
    "%",
    "{{",
    "}}",
    "{%",
    "%}",
    "+++",
    "=",
];

// ---------------------------------------------------------------------------------------------
// Markdown grammar
// ---------------------------------------------------------------------------------------------

/// Links that resolve in the fuzzed site (posts/x.md and posts/y.md are the fuzzed posts).
const GOOD_DESTS: &[&str] = &[
    "@/posts/base.md",
    "@/posts/base.md#intro",
    "@/about.md",
    "@/about.md#a",
    "../about.md",
    "../about.md#a",
    "base.md#intro",
    "./base.md",
    "@/posts/x.md",
    "x.md",
    "@/posts/../about.md",
    "@//posts//base.md",
    "https://e.com/x.md",
    "/abs.md",
    "#intro",
    "mailto:a@b.c",
];

const DESTS: &[&str] = &[
    "@/posts/base.md#nope",
    "@/posts/base.md#",
    "@/posts/x.md",
    "@/posts/x.md#a",
    "@/posts/x.md#intro",
    "@/posts/x.md#1",
    "@/about.md",
    "@/about.md#a",
    "../about.md",
    "../about.md#a",
    "../../about.md",
    "about.md",
    "./x.md",
    "x.md",
    "base.md#intro",
    "../../../../etc/passwd.md",
    "@/",
    "@/posts/",
    "@/posts/missing.md",
    "@/posts/../about.md",
    "@/../x.md",
    "@/.md",
    "@//posts//base.md",
    "https://e.com/x.md",
    "/abs.md",
    "#intro",
    "#",
    "",
    "<a b.md>",
    "<@/posts/base.md>",
    "mailto:a@b.c",
    "javascript:alert(1)",
    "%2e%2e/x.md",
    ".md",
    "x.md#a#b",
    "@/posts/BASE.md",
    "@/posts/base.md?x=1",
    "showpress-internal-link:0",
    "@/posts/%EB%94%A5.md",
    "@/posts/딥시크.md",
];

fn md_dest(good: bool) -> BoxedStrategy<String> {
    if good {
        return select(GOOD_DESTS).prop_map(str::to_string).boxed();
    }
    prop_oneof![
        8 => select(GOOD_DESTS).prop_map(str::to_string),
        2 => select(DESTS).prop_map(str::to_string),
        1 => "(@/|\\.\\./|\\./)?(posts/)?[a-z.]{0,4}\\.md(#[a-z0-9-]{0,4})?".prop_map(String::from),
        1 => ".{0,10}".prop_map(String::from),
    ]
    .boxed()
}

fn md_inline(good: bool) -> BoxedStrategy<String> {
    let w = word();
    let title = prop_oneof![
        Just(String::new()),
        Just(" \"t\"".to_string()),
        Just(" 'x y'".to_string()),
        Just(" (p)".to_string()),
    ];
    prop_oneof![
        8 => w.clone(),
        1 => w.clone().prop_map(|s| format!("*{s}*")),
        1 => w.clone().prop_map(|s| format!("**{s}**")),
        1 => w.clone().prop_map(|s| format!("_{s}_")),
        1 => w.clone().prop_map(|s| format!("~~{s}~~")),
        1 => w.clone().prop_map(|s| format!("`{s}`")),
        4 => (w.clone(), md_dest(good), title).prop_map(|(t, d, ti)| format!("[{t}]({d}{ti})")),
        1 => (w.clone(), md_dest(good)).prop_map(|(t, d)| format!("![{t}]({d})")),
        1 => (w.clone(), md_dest(good), md_dest(good)).prop_map(|(t, a, b)| format!("[![{t}]({a})]({b})")),
        1 => (w.clone(), md_dest(good), md_dest(good)).prop_map(|(t, a, b)| format!("![x [{t}]({a})]({b})")),
        1 => (w.clone(), md_dest(good)).prop_map(|(t, d)| format!("[**{t}** `c`]({d})")),
        2 => "[a-c0-9]{1,2}".prop_map(|l| format!("[^{l}]")),
        1 => "[a-c]{1,2}".prop_map(|l| format!("[{l}]")),
        1 => ("[a-c]{1,2}", w).prop_map(|(l, t)| format!("[{t}][{l}]")),
        2 => select(&[
            "<https://e.com/x.md>",
            "<span>",
            "</span>",
            "<b>x</b>",
            "<a href=\"@/posts/base.md\">raw</a>",
            "&#x0;",
            "&#xD800;",
            "&nbsp;",
            "\\*",
            "  \n",
            "\\\n",
            "\n",
            "$x$",
            "--- ",
            "\"quotes\" and 'single'",
        ][..])
        .prop_map(str::to_string),
    ]
    .boxed()
}

fn md_line(good: bool) -> BoxedStrategy<String> {
    (vec(md_inline(good), 0..8), select(&[" ", "", " "][..]))
        .prop_map(|(v, sep)| v.join(sep))
        .boxed()
}

fn prefix_lines(text: &str, first: &str, rest: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(if i == 0 { first } else { rest });
        out.push_str(line);
    }
    out
}

fn md_leaf(good: bool) -> BoxedStrategy<String> {
    let attr = prop_oneof![
        3 => Just(String::new()),
        1 => "[a-z0-9-]{0,4}".prop_map(|id| format!(" {{#{id}}}")),
        1 => select(&[" {.c}", " {#intro}", " {#a .b key=v}", " {#}", " {", " {#a}}", " {#시청자}", " {#1}"][..])
            .prop_map(str::to_string),
    ];
    let fence = (
        select(&["```", "~~~", "````", "``"][..]),
        "[a-z{}# ]{0,5}",
        vec(".{0,20}", 0..4),
        any::<bool>(),
    )
        .prop_map(|(f, lang, lines, close)| {
            let mut s = format!("{f}{lang}\n{}", lines.join("\n"));
            if close {
                s.push('\n');
                s.push_str(f);
            }
            s
        });
    let table = (1..5usize, vec(vec(word(), 0..6), 0..4), any::<bool>()).prop_map(
        |(cols, rows, aligned)| {
            let head: Vec<String> = (0..cols).map(|i| format!("h{i}")).collect();
            let sep: Vec<&str> = (0..cols)
                .map(|i| {
                    if aligned {
                        [":--", "--:", ":-:", "---"][i % 4]
                    } else {
                        "-"
                    }
                })
                .collect();
            let mut s = format!("| {} |\n|{}|", head.join(" | "), sep.join("|"));
            for r in rows {
                s.push_str(&format!("\n| {} |", r.join(" | ")));
            }
            s
        },
    );
    prop_oneof![
        3 => (1..=7usize, md_line(good), attr).prop_map(|(n, t, a)| format!("{} {t}{a}", "#".repeat(n))),
        1 => (md_line(good), select(&["===", "---", "-", "= ="][..])).prop_map(|(t, u)| format!("{t}\n{u}")),
        6 => vec(md_line(good), 1..4).prop_map(|l| l.join("\n")),
        1 => fence,
        1 => vec(".{0,16}", 1..3).prop_map(|l| prefix_lines(&l.join("\n"), "    ", "    ")),
        1 => select(&[
            "<div>",
            "<div class=\"x\">\n\n*md* [l](@/posts/base.md)\n\n</div>",
            "<!-- more -->",
            "<!--more-->",
            "  <!-- more -->  ",
            "<!-- more",
            "<!-- more --> trailing",
            "<script>alert(1)</script>",
            "<details><summary>s</summary>\n\nx\n</details>",
            "<pre>\n\n</pre>",
            "<?php ?>",
            "<![CDATA[ x ]]>",
            "<!DOCTYPE html>",
            "<table><tr><td>",
        ][..])
        .prop_map(str::to_string),
        1 => table,
        2 => ("[a-c0-9]{1,2}", md_line(good)).prop_map(|(l, t)| format!("[^{l}]: {t}")),
        1 => ("[a-c]{1,2}", md_dest(good)).prop_map(|(l, d)| format!("[{l}]: {d}")),
        1 => select(&["***", "---", "___", "* * *", "+++"][..]).prop_map(str::to_string),
        1 => Just("<!-- more -->".to_string()),
    ]
    .boxed()
}

fn md_block(good: bool) -> BoxedStrategy<String> {
    md_leaf(good)
        .prop_recursive(5, 48, 5, |inner| {
            prop_oneof![
                (vec(inner.clone(), 1..4), 1..4usize).prop_map(|(bs, depth)| {
                    let p = "> ".repeat(depth);
                    prefix_lines(&bs.join("\n\n"), &p, &p)
                }),
                (
                    vec(inner.clone(), 1..4),
                    select(&["- ", "* ", "+ ", "1. ", "2) ", "- [ ] ", "- [x] ", "10. "][..]),
                    any::<bool>(),
                )
                    .prop_map(|(items, marker, tight)| {
                        let pad = " ".repeat(marker.len());
                        items
                            .iter()
                            .map(|it| prefix_lines(it, marker, &pad))
                            .collect::<Vec<_>>()
                            .join(if tight { "\n" } else { "\n\n" })
                    }),
                ("[a-c0-9]{1,2}", vec(inner, 1..3)).prop_map(|(l, bs)| {
                    prefix_lines(&bs.join("\n\n"), &format!("[^{l}]: "), "    ")
                }),
            ]
        })
        .boxed()
}

fn md_doc(good: bool) -> BoxedStrategy<String> {
    (
        vec(md_block(good), 0..10),
        select(&["\n\n", "\n", "\r\n\r\n", "\n\n\n"][..]),
    )
        .prop_map(|(bs, sep)| bs.join(sep))
        .boxed()
}

/// A small piece repeated many times: where quadratic behaviour shows.
fn md_repetitive() -> BoxedStrategy<Repeated> {
    (
        prop_oneof![
            3 => select(&[
                "[",
                "](",
                "[a](",
                "*a",
                "_a",
                "**",
                "> ",
                "- ",
                "1. ",
                "## a\n",
                "# 시청자 질문\n\n",
                "## a {#a}\n",
                "[a](@/posts/base.md) ",
                "[a](@/posts/base.md#intro)\n",
                "[a](../about.md#nope) ",
                "[^1]",
                "[^1]: x\n",
                "<!-- more -->\n",
                "`",
                "|a|\n",
                "\t",
                "[a]: b\n",
                "***",
                "&amp;",
                "<",
                "<div>",
                "{#a}",
                "    ",
                "~~~\n",
                "![",
                "\\",
                "a  \n",
                "\n",
            ][..])
            .prop_map(str::to_string),
            1 => md_inline(false),
            1 => md_leaf(false).prop_map(|s| s + "\n"),
        ],
        1..4000usize,
        prop::option::of(md_line(false)),
    )
        .prop_map(|(piece, n, tail)| Repeated {
            piece,
            n,
            tail: tail.unwrap_or_default(),
        })
        .boxed()
}

/// `piece` written `n` times, then `tail`.
#[derive(Debug, Clone)]
struct Repeated {
    piece: String,
    n: usize,
    tail: String,
}

impl Repeated {
    fn text(&self) -> String {
        let mut s = self.piece.repeat(self.n);
        s.push_str(&self.tail);
        s
    }
}

const VALID_FRONT: &str = "+++\ntitle = \"X\"\ndate = 2024-02-01T10:00:00+09:00\n+++\n";

// ---------------------------------------------------------------------------------------------
// TOML grammar (front matter and config)
// ---------------------------------------------------------------------------------------------

fn toml_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_string() -> BoxedStrategy<String> {
    prop_oneof![
        3 => word().prop_map(|s| toml_quote(&s)),
        1 => ".{0,16}".prop_map(|s| toml_quote(&s)),
        2 => select(&[
            "\"\"",
            "\"  \"",
            "\"2025-03-25\"",
            "\"2025-02-30\"",
            "\"2025-03-25T11:46:00\"",
            "\" 2025-03-25 \"",
            "\"yesterday\"",
            "\"https://e.com/n/1\"",
            "\"https://e.com/a b\"",
            "\"ftp://x\"",
            "\"http://\"",
            "\"https:///x\"",
            "\"https://[::1]:0/\"",
            "\"/img.png\"",
            "\"경제토크쇼픽\"",
            "\"Show\"",
            "\"G\"",
            "\"t\"",
            "\"\\u0000\"",
            "'lit'",
            "'''multi\nline'''",
            "\"\"\"multi\n\"\"\"",
            "\"\\ud800\"",
            "\"\\x41\"",
            "\"unterminated",
            "\"\u{1100}\u{1161}\u{11a8}\"",
            "\"{{ x }}\"",
            "\"<b>x</b>\"",
        ][..])
        .prop_map(str::to_string),
    ]
    .boxed()
}

fn plausible_date() -> BoxedStrategy<String> {
    (
        1990u32..2030,
        1u32..=12,
        1u32..=28,
        prop::option::of((
            0u32..24,
            0u32..60,
            select(&["", "Z", "+09:00", "-04:00"][..]),
        )),
    )
        .prop_map(|(y, m, d, t)| match t {
            Some((h, mi, o)) => format!("{y}-{m:02}-{d:02}T{h:02}:{mi:02}:00{o}"),
            None => format!("{y}-{m:02}-{d:02}"),
        })
        .boxed()
}

fn toml_datetime() -> BoxedStrategy<String> {
    let date =
        (0u32..=10000, 0u32..=13, 0u32..=32).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
    let time = (
        0u32..=25,
        0u32..=61,
        0u32..=61,
        prop::option::of(0u32..=999_999_999u32),
    )
        .prop_map(|(h, m, s, f)| match f {
            Some(f) => format!("{h:02}:{m:02}:{s:02}.{f}"),
            None => format!("{h:02}:{m:02}:{s:02}"),
        });
    let offset = prop_oneof![
        Just(String::new()),
        Just("Z".to_string()),
        Just("z".to_string()),
        (select(&["+", "-"][..]), 0u32..=99, 0u32..=99)
            .prop_map(|(s, h, m)| format!("{s}{h:02}:{m:02}")),
    ];
    prop_oneof![
        6 => plausible_date(),
        3 => (date.clone(), prop::option::of((select(&["T", " ", "t"][..]), time.clone(), offset)))
            .prop_map(|(d, t)| match t {
                Some((sep, t, o)) => format!("{d}{sep}{t}{o}"),
                None => d,
            }),
        1 => time,
        1 => select(&[
            "2025-03-25",
            "2024-02-29",
            "2023-02-29",
            "1970-01-01T00:00:00Z",
            "9999-12-31T23:59:59+14:00",
            "0000-01-01T00:00:00-23:59",
            "2025-03-09T02:30:00",
            "2025-03-25T11:46:00.123456789+09:00",
            "2025-03-25T24:00:00",
            "2262-04-12",
        ][..])
        .prop_map(str::to_string),
    ]
    .boxed()
}

fn toml_scalar() -> BoxedStrategy<String> {
    prop_oneof![
        4 => toml_string(),
        1 => any::<i64>().prop_map(|i| i.to_string()),
        2 => select(&[
            "0", "-1", "1", "2", "255", "256", "4294967295", "4294967296", "9223372036854775807",
            "-9223372036854775808", "9223372036854775808", "0x10", "1_000", "+1", "01",
        ][..])
        .prop_map(str::to_string),
        1 => select(&["nan", "inf", "-inf", "-0.0", "1e308", "1.5", "3.0", "1e400"][..])
            .prop_map(str::to_string),
        1 => any::<bool>().prop_map(|b| b.to_string()),
        3 => toml_datetime(),
        1 => toml_datetime().prop_map(|d| toml_quote(&d)),
    ]
    .boxed()
}

const TOML_KEYS: &[&str] = &[
    "title", "date", "updated", "aired", "show", "episode", "tags", "summary", "slug", "draft",
    "guests", "source", "extra", "image", "name", "role", "url", "outlet", "network", "homepage",
    "schedule",
];

fn toml_key() -> BoxedStrategy<String> {
    prop_oneof![
        12 => select(TOML_KEYS).prop_map(str::to_string),
        1 => select(&[
            "bogus", "\"title\"", "'date'", "title.x", "extra.a", "extra.a.b", "source.url",
            "guests.name", "tItle", "\"\"", "a-b", "키",
        ][..])
        .prop_map(str::to_string),
        1 => "[a-z_]{1,6}".prop_map(String::from),
    ]
    .boxed()
}

fn toml_value() -> BoxedStrategy<String> {
    toml_scalar()
        .prop_recursive(3, 24, 5, |inner| {
            prop_oneof![
                vec(inner.clone(), 0..5).prop_map(|v| format!("[{}]", v.join(", "))),
                vec((toml_key(), inner), 0..4).prop_map(|kv| {
                    let items: Vec<String> = kv.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                    format!("{{ {} }}", items.join(", "))
                }),
            ]
        })
        .boxed()
}

/// A value of the type a front-matter key expects, most of the time.
fn typed_value(key: &str) -> BoxedStrategy<String> {
    let typed: BoxedStrategy<String> = match key {
        "date" | "updated" | "aired" => {
            prop_oneof![3 => toml_datetime(), 1 => toml_datetime().prop_map(|d| toml_quote(&d))]
                .boxed()
        }
        "episode" => prop_oneof![
            any::<i64>().prop_map(|i| i.to_string()),
            (0i64..5).prop_map(|i| i.to_string()),
            select(&["4294967295", "4294967296", "0", "-1"][..]).prop_map(str::to_string)
        ]
        .boxed(),
        "draft" => any::<bool>().prop_map(|b| b.to_string()).boxed(),
        "tags" => vec(toml_string(), 0..5)
            .prop_map(|v| format!("[{}]", v.join(", ")))
            .boxed(),
        "guests" => vec(
            prop_oneof![
                toml_string(),
                (toml_string(), prop::option::of(toml_string())).prop_map(|(n, r)| match r {
                    Some(r) => format!("{{ name = {n}, role = {r} }}"),
                    None => format!("{{ name = {n} }}"),
                }),
                Just("{ role = \"r\" }".to_string()),
                Just("{}".to_string()),
            ],
            0..4,
        )
        .prop_map(|v| format!("[{}]", v.join(", ")))
        .boxed(),
        "source" => prop_oneof![
            toml_string(),
            (toml_string(), prop::option::of(toml_string())).prop_map(|(u, o)| match o {
                Some(o) => format!("{{ url = {u}, outlet = {o}, title = {o} }}"),
                None => format!("{{ url = {u} }}"),
            }),
            Just("{ outlet = \"o\" }".to_string()),
        ]
        .boxed(),
        "extra" => vec((toml_key(), toml_value()), 0..4)
            .prop_map(|kv| {
                let items: Vec<String> = kv.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                format!("{{ {} }}", items.join(", "))
            })
            .boxed(),
        _ => toml_string(),
    };
    prop_oneof![14 => typed, 1 => toml_value()].boxed()
}

fn fm_line() -> BoxedStrategy<String> {
    prop_oneof![
        10 => toml_key().prop_flat_map(|k| typed_value(&k).prop_map(move |v| format!("{k} = {v}"))),
        2 => select(&[
            "[source]",
            "[extra]",
            "[[guests]]",
            "[extra.nested]",
            "[[tags]]",
            "[title]",
            "[guests]",
            "[[source]]",
            "[",
            "]]",
            "",
            "# comment",
            "+++ ",
            "++++",
            " +++",
            "\u{feff}",
        ][..])
        .prop_map(str::to_string),
        1 => ".{0,20}".prop_map(String::from),
    ]
    .boxed()
}

/// Front matter text, free-form: any key, any number of times, headers and garbage.
fn front_matter() -> BoxedStrategy<String> {
    (
        select(
            &[
                "",
                "",
                "title = \"T\"\ndate = 2024-05-01\n",
                "title = \"T\"\n",
                "name = \"N\"\n",
            ][..],
        ),
        vec(fm_line(), 0..12),
        select(&["\n", "\n", "\r\n"][..]),
    )
        .prop_map(|(head, lines, eol)| format!("{head}{}", lines.join(eol)))
        .boxed()
}

const POST_REQUIRED: &[&str] = &["title", "date"];
const POST_OPTIONAL: &[&str] = &[
    "updated", "aired", "show", "episode", "tags", "summary", "slug", "draft", "guests", "source",
    "extra", "image",
];
const PAGE_REQUIRED: &[&str] = &["title"];
const PAGE_OPTIONAL: &[&str] = &["date", "updated", "summary", "slug", "draft", "extra"];
const SHOW_REQUIRED: &[&str] = &["name"];
const SHOW_OPTIONAL: &[&str] = &["network", "homepage", "schedule", "slug", "extra"];
const GUEST_REQUIRED: &[&str] = &["name"];
const GUEST_OPTIONAL: &[&str] = &["role", "slug", "extra"];

fn clean_text() -> BoxedStrategy<String> {
    vec(word(), 1..4)
        .prop_map(|w| {
            let t = w.join(" ");
            toml_quote(if t.trim().is_empty() { "t" } else { &t })
        })
        .boxed()
}

fn clean_url() -> BoxedStrategy<String> {
    prop_oneof![
        select(
            &[
                "https://e.com/n/1",
                "http://例.kr/뉴스?b=c#d",
                "https://e.com/a%20b",
                "https://user@e.com:8080/",
                "HTTPS://E.COM/X",
            ][..]
        )
        .prop_map(toml_quote),
        "[a-z]{1,8}".prop_map(|p| toml_quote(&format!("https://news.example/{p}"))),
    ]
    .boxed()
}

/// A value of the right type for `key`, and nearly always a valid one.
fn clean_value(key: &str) -> BoxedStrategy<String> {
    match key {
        "date" | "updated" | "aired" => plausible_date(),
        "episode" => prop_oneof![
            (1i64..300).prop_map(|i| i.to_string()),
            (1i64..=i64::from(u32::MAX)).prop_map(|i| i.to_string())
        ]
        .boxed(),
        "draft" => any::<bool>().prop_map(|b| b.to_string()).boxed(),
        "tags" => vec(clean_text(), 0..5)
            .prop_map(|v| format!("[{}]", v.join(", ")))
            .boxed(),
        "guests" => vec(
            prop_oneof![
                clean_text(),
                (clean_text(), prop::option::of(clean_text())).prop_map(|(n, r)| match r {
                    Some(r) => format!("{{ name = {n}, role = {r} }}"),
                    None => format!("{{ name = {n} }}"),
                }),
            ],
            0..4,
        )
        .prop_map(|v| format!("[{}]", v.join(", ")))
        .boxed(),
        "source" => prop_oneof![
            clean_url(),
            (
                clean_url(),
                prop::option::of(clean_text()),
                prop::option::of(clean_text())
            )
                .prop_map(|(u, o, t)| {
                    let mut s = format!("{{ url = {u}");
                    if let Some(o) = o {
                        s.push_str(&format!(", outlet = {o}"));
                    }
                    if let Some(t) = t {
                        s.push_str(&format!(", title = {t}"));
                    }
                    s + " }"
                }),
        ]
        .boxed(),
        "homepage" => clean_url(),
        "extra" => vec(("[a-z]{1,3}", toml_value()), 0..4)
            .prop_map(|kv| {
                let kv: BTreeMap<String, String> = kv.into_iter().collect();
                let items: Vec<String> = kv.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                format!("{{ {} }}", items.join(", "))
            })
            .boxed(),
        _ => clean_text(),
    }
}

/// Front matter that mostly fits the kind of file at `path`: each key at most once, the
/// required ones nearly always, values mostly of the right type; now and then one odd line.
fn front_matter_for(path: &str) -> BoxedStrategy<String> {
    let (required, optional) = if path.starts_with("content/posts/") {
        (POST_REQUIRED, POST_OPTIONAL)
    } else if path.starts_with("content/shows/") {
        (SHOW_REQUIRED, SHOW_OPTIONAL)
    } else if path.starts_with("content/guests/") {
        (GUEST_REQUIRED, GUEST_OPTIONAL)
    } else {
        (PAGE_REQUIRED, PAGE_OPTIONAL)
    };
    let keys = (
        vec(prop::bool::weighted(0.92), required.len()),
        prop::sample::subsequence(optional.to_vec(), 0..=optional.len()),
    )
        .prop_map(move |(keep, opt)| {
            let mut keys: Vec<&'static str> = required
                .iter()
                .zip(keep)
                .filter_map(|(k, keep)| keep.then_some(*k))
                .collect();
            keys.extend(opt);
            keys
        });
    let lines = keys.clone().prop_flat_map(|keys| {
        keys.into_iter()
            .map(|k| typed_value(k).prop_map(move |v| format!("{k} = {v}")))
            .collect::<Vec<_>>()
    });
    let clean = keys.prop_flat_map(|mut keys| {
        if keys.contains(&"episode") && !keys.contains(&"show") {
            keys.push("show");
        }
        keys.into_iter()
            .map(|k| clean_value(k).prop_map(move |v| format!("{k} = {v}")))
            .collect::<Vec<_>>()
    });
    prop_oneof![
        4 => clean.prop_map(|lines| lines.join("\n")),
        4 => (lines, prop::option::weighted(0.1, (fm_line(), any::<prop::sample::Index>())))
            .prop_map(|(mut lines, odd)| {
                if let Some((line, at)) = odd {
                    let i = at.index(lines.len() + 1);
                    lines.insert(i, line);
                }
                lines.join("\n")
            }),
        1 => front_matter(),
    ]
    .boxed()
}

/// A content file's path and front matter.
fn content_file() -> BoxedStrategy<(String, String)> {
    content_path()
        .prop_flat_map(|path| {
            let fm = front_matter_for(&path);
            (Just(path), fm)
        })
        .boxed()
}

/// Where a fuzzed content file goes: every kind of content file.
fn content_path() -> BoxedStrategy<String> {
    prop_oneof![
        8 => Just("content/posts/x.md".to_string()),
        1 => Just("content/posts/2025/2025-03-25-x.md".to_string()),
        1 => Just("content/posts/x/index.md".to_string()),
        1 => Just("content/shows/x.md".to_string()),
        1 => Just("content/guests/x.md".to_string()),
        1 => Just("content/page.md".to_string()),
        1 => Just("content/section/index.md".to_string()),
    ]
    .boxed()
}

// ---------------------------------------------------------------------------------------------
// Config grammar
// ---------------------------------------------------------------------------------------------

fn config_value(key: &str) -> BoxedStrategy<String> {
    let typed: BoxedStrategy<String> = match key {
        "base_url" => select(BASE_URLS).prop_map(toml_quote).boxed(),
        "language" => select(
            &[
                "ko",
                "en",
                "en-US",
                "zh-Hant-TW",
                "ja",
                "x",
                "toolong",
                "ko-",
                "",
                "de-DE-1996",
                "a1",
                "ko--KR",
            ][..],
        )
        .prop_map(toml_quote)
        .boxed(),
        "timezone" => select(
            &[
                "Asia/Seoul",
                "UTC",
                "America/New_York",
                "Pacific/Kiritimati",
                "Etc/GMT+12",
                "Etc/GMT-14",
                "Asia/Seol",
                "",
                "Local",
                "Europe/London",
                "America/Sao_Paulo",
            ][..],
        )
        .prop_map(toml_quote)
        .boxed(),
        "paginate" | "feed_limit" => prop_oneof![
            (0i64..4).prop_map(|i| i.to_string()),
            any::<i64>().prop_map(|i| i.to_string()),
            Just("9223372036854775807".to_string()),
        ]
        .boxed(),
        "feed_full_content" | "news_sitemap" => any::<bool>().prop_map(|b| b.to_string()).boxed(),
        "article_type" => select(
            &[
                "NewsArticle",
                "OpinionNewsArticle",
                "AnalysisNewsArticle",
                "BlogPosting",
                "Blog",
                "",
            ][..],
        )
        .prop_map(toml_quote)
        .boxed(),
        "markdown" => (
            prop::option::of(any::<bool>()),
            prop::option::of(prop_oneof![
                (0i64..8),
                any::<i64>(),
                Just(255i64),
                Just(256i64)
            ]),
            any::<bool>(),
        )
            .prop_map(|(sp, depth, bogus)| {
                let mut items = Vec::new();
                if let Some(sp) = sp {
                    items.push(format!("smart_punctuation = {sp}"));
                }
                if let Some(d) = depth {
                    items.push(format!("toc_depth = {d}"));
                }
                if bogus {
                    items.push("bogus = 1".to_string());
                }
                format!("{{ {} }}", items.join(", "))
            })
            .boxed(),
        "extra" => vec((toml_key(), toml_value()), 0..4)
            .prop_map(|kv| {
                let items: Vec<String> = kv.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                format!("{{ {} }}", items.join(", "))
            })
            .boxed(),
        _ => toml_string(),
    };
    prop_oneof![6 => typed, 1 => toml_value()].boxed()
}

const CONFIG_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "timezone",
    "author",
    "paginate",
    "feed_limit",
    "feed_full_content",
    "news_sitemap",
    "article_type",
    "image",
    "twitter_site",
    "markdown",
    "extra",
    "bogus",
];

fn config_text() -> BoxedStrategy<String> {
    let line = prop_oneof![
        8 => select(CONFIG_KEYS).prop_flat_map(|k| config_value(k).prop_map(move |v| format!("{k} = {v}"))),
        1 => select(&["[markdown]", "[extra]", "smart_punctuation = true", "toc_depth = 1", "[x]", "[[extra]]", ""][..]).prop_map(str::to_string),
        1 => ".{0,20}".prop_map(String::from),
    ];
    (
        prop_oneof![
            3 => Just(BASE_CONFIG.to_string()),
            1 => Just("title = \"T\"\n".to_string()),
            1 => Just(String::new()),
        ],
        vec(line, 0..8),
    )
        .prop_map(|(head, lines)| format!("{head}{}", lines.join("\n")))
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// Tera grammar
// ---------------------------------------------------------------------------------------------

const TPL_NAMES: &[&str] = &[
    "base.html",
    "post.html",
    "index.html",
    "page.html",
    "atom.xml",
    "partials/footer.html",
    "partials/guests.html",
    "partials/post_card.html",
    "partials/fuzz.html",
    "nonexistent.html",
    "",
    "../config.toml",
    "/etc/passwd",
    "post.html ",
    "templates/post.html",
];

const TPL_VARS: &[&str] = &[
    "post.title",
    "post.date",
    "post.updated",
    "post.content",
    "post.summary",
    "post.tags",
    "post.toc",
    "post.show",
    "post.show.name",
    "post.guests",
    "post.extra",
    "post.reading_time",
    "post.url",
    "post.source",
    "site.title",
    "site.url",
    "site.extra",
    "meta.description",
    "meta.jsonld",
    "current_permalink",
    "page",
    "paginator",
    "x",
    "guests",
    "loop.index",
    "nope.deep.path",
    "\"2025-03-25T00:00:00+09:00\"",
    "\"not a date\"",
    "\"<a href=\\\"/x\\\">x</a>\"",
    "\"\"",
    "1",
    "-1",
    "1.5",
    "true",
    "none",
    "[1, 2]",
    "{\"a\": 1}",
    "post.tags[0]",
    "post.tags[99]",
    "post[\"title\"]",
    "1 / 0",
    "1 % 0",
    "1 + \"a\"",
    "post.title ~ \"x\"",
    "not post",
    "post and site",
    "post.title is defined",
    "post.title in \"abc\"",
    "9223372036854775807 + 1",
    "range(end=3)",
    "now()",
    "throw(message=\"boom\")",
    "<mac n={1}/>",
    "<nope/>",
    "post.title[1:]",
    "post.tags[::-1]",
    "post.title if post else \"x\"",
];

const TPL_FILTERS: &[&str] = &[
    "date",
    "date(format=\"%Y.%m.%d\")",
    "date(format=\"%Q\")",
    "date(format=\"%\")",
    "date(format=\"%-\")",
    "date(format=\"%Y년 %-m월\")",
    "date(format=1)",
    "date(fmt=\"x\")",
    "slugify",
    "html_as_text",
    "absolute_urls",
    "safe",
    "escape",
    "upper",
    "lower",
    "length",
    "first",
    "last",
    "join(sep=\", \")",
    "default(value=\"d\")",
    "truncate(length=3)",
    "nonexistent_filter",
    "json_encode",
    "reverse",
    "sort",
    "round",
    "int",
    "float",
    "abs",
    "trim",
    "replace(from=\"a\", to=\"b\")",
    "split(pat=\",\")",
    "wordcount",
    "striptags",
    "urlencode",
    "indent",
    "get(key=\"x\")",
    "map(attribute=\"name\")",
    "unique",
    "pluralize",
];

/// Defined on every page the theme renders with `base.html`.
const TPL_SAFE_VARS: &[&str] = &[
    "site.title",
    "site.url",
    "site.language",
    "meta.title",
    "meta.description",
    "current_permalink",
    "\"2025-03-25T00:00:00+09:00\"",
    "\"<a href=\\\"/x\\\">x</a>\"",
    "\"시청자 질문\"",
    "1",
    "true",
    "[1, 2]",
];

/// Filters that exist and take a string.
const TPL_SAFE_FILTERS: &[&str] = &[
    "slugify",
    "html_as_text",
    "absolute_urls",
    "safe",
    "escape",
    "upper",
    "length",
    "date(format=\"%Y.%m.%d\")",
];

fn tpl_expr() -> BoxedStrategy<String> {
    let var = prop_oneof![3 => select(TPL_SAFE_VARS), 2 => select(TPL_VARS)];
    let filter = prop_oneof![3 => select(TPL_SAFE_FILTERS), 1 => select(TPL_FILTERS)];
    (var, vec(filter, 0..3))
        .prop_map(|(v, fs)| {
            let mut s = v.to_string();
            for f in fs {
                s.push_str(" | ");
                s.push_str(f);
            }
            s
        })
        .boxed()
}

fn tpl_leaf() -> BoxedStrategy<String> {
    let name = select(TPL_NAMES);
    prop_oneof![
        4 => tpl_expr().prop_map(|e| format!("{{{{ {e} }}}}")),
        1 => tpl_expr().prop_map(|e| format!("{{{{- {e} -}}}}")),
        4 => select(&[
            "<p>", "</p>", "hello", "\n", "{", "}", "%", "#", "-", "시청자", "<a href=\"/x\">",
            "<img src=\"/i.png\">", " ",
        ][..])
        .prop_map(str::to_string),
        1 => prop_oneof![
            select(&[
                "{{", "}}", "{%", "%}", "{#", "#}", "{% endblock %}", "{% endif %}", "{% else %}",
                "{% endfor %}", "{% elif true %}", "{{}}", "{%%}", "{% %}", "{{ }}", "{% if %}",
                "{% block %}", "{% endraw %}", "{% endmacro %}",
            ][..])
            .prop_map(str::to_string),
            ".{0,5}".prop_map(String::from),
        ],
        2 => name.clone().prop_map(|n| format!("{{% include \"{n}\" %}}")),
        1 => name.clone().prop_map(|n| format!("{{% include \"{n}\" ignore missing %}}")),
        1 => name.clone().prop_map(|n| format!("{{% include [\"{n}\", \"base.html\"] %}}")),
        1 => name.clone().prop_map(|n| format!("{{% extends \"{n}\" %}}")),
        1 => name.prop_map(|n| format!("{{% import \"{n}\" as m %}}")),
        1 => tpl_expr().prop_map(|e| format!("{{% set x = {e} %}}")),
        1 => tpl_expr().prop_map(|e| format!("{{% set_global y = {e} %}}")),
        1 => select(&[
            "{{ <mac n={1}/> }}",
            "{{<mac n={post}/>}}",
            "{% <mac n={2}> %}body{% </mac> %}",
            "{% set v = <mac n={3}/> %}{{ v }}",
            "{% component rec(n) %}{% if n > 0 %}{{ <rec n={n - 1}/> }}{% endif %}{% endcomponent rec %}{{ <rec n={30}/> }}",
            "{% set c %}captured {{ site.title }}{% endset %}{{ c }}",
            "{% break %}",
            "{% continue %}",
            "{# comment #}",
            "{# unclosed",
            "{% raw %}{{ x }}{% endraw %}",
            "{{ super() }}",
        ][..])
        .prop_map(str::to_string),
    ]
    .boxed()
}

fn tpl_node() -> BoxedStrategy<String> {
    tpl_leaf()
        .prop_recursive(4, 40, 6, |inner| {
            let body = vec(inner, 0..5).prop_map(|v| v.concat());
            prop_oneof![
                (tpl_expr(), body.clone(), prop::option::of(body.clone())).prop_map(|(e, a, b)| {
                    match b {
                        Some(b) => format!("{{% if {e} %}}{a}{{% else %}}{b}{{% endif %}}"),
                        None => format!("{{% if {e} %}}{a}{{% endif %}}"),
                    }
                }),
                (tpl_expr(), body.clone())
                    .prop_map(|(e, b)| format!("{{% for x in {e} %}}{b}{{% endfor %}}")),
                (select(&["content", "title", "head", "x"][..]), body.clone())
                    .prop_map(|(n, b)| format!("{{% block {n} %}}{b}{{% endblock {n} %}}")),
                body.clone().prop_map(|b| {
                    format!("{{% component mac(n) %}}{b}{{{{ n }}}}{{% endcomponent mac %}}")
                }),
                body.prop_map(|b| format!("{{% filter upper %}}{b}{{% endfilter %}}")),
            ]
        })
        .boxed()
}

fn tpl_doc() -> BoxedStrategy<String> {
    prop_oneof![
        6 => (any::<bool>(), vec(tpl_node(), 0..8)).prop_map(|(extends, nodes)| {
            let body = nodes.concat();
            if extends {
                format!("{{% extends \"base.html\" %}}{{% block content %}}{body}{{% endblock content %}}")
            } else {
                body
            }
        }),
        1 => ".{0,200}".prop_map(String::from),
        1 => vec(select(&["{{", "}}", "{%", "%}", "{#", "#}", " ", "x", "|", "\"", "(", ")", "-", "\n", "if", "endif", "block", "extends"][..]), 0..40)
            .prop_map(|v| v.concat()),
    ]
    .boxed()
}

// ---------------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------------

/// Bytes for display in a failure report: valid UTF-8 shows as text.
#[derive(Clone)]
struct Bytes(Vec<u8>);

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match std::str::from_utf8(&self.0) {
            Ok(s) => write!(f, "{s:?}"),
            Err(_) => write!(f, "b\"{}\"", self.0.escape_ascii()),
        }
    }
}

fn bytes(max: usize) -> BoxedStrategy<Bytes> {
    prop_oneof![
        vec(any::<u8>(), 0..max),
        vec(interesting_byte(), 0..max),
        ".{0,64}".prop_map(|s: String| s.into_bytes()),
    ]
    .prop_map(Bytes)
    .boxed()
}

#[test]
fn fuzz_post_file_arbitrary_bytes() {
    run_target(
        "fuzz::fuzz_post_file_arbitrary_bytes",
        24,
        (bytes(2048), opts()),
        |(b, o), stats| {
            let _ = build_site(&[("content/posts/x.md", &b.0)], &o, stats);
            Ok(())
        },
    );
}

#[test]
fn fuzz_post_body_arbitrary_bytes() {
    run_target(
        "fuzz::fuzz_post_body_arbitrary_bytes",
        24,
        (bytes(2048), content_path(), opts()),
        |(b, path, o), stats| {
            let mut file = VALID_FRONT.as_bytes().to_vec();
            file.extend_from_slice(&b.0);
            let _ = build_site(&[(path.as_str(), &file)], &o, stats);
            Ok(())
        },
    );
}

#[test]
fn fuzz_post_front_matter() {
    run_target(
        "fuzz::fuzz_post_front_matter",
        48,
        (
            content_file(),
            select(&["+++\n", "+++\n", "+++\r\n", "\u{feff}+++\n", "+++ \t\n"][..]),
            prop_oneof![3 => Just(String::from("Body [b](@/posts/base.md#intro).\n")), 1 => md_doc(false)],
            opts(),
        ),
        |((path, fm), open, body, o), stats| {
            let file = format!("{open}{fm}\n+++\n{body}");
            let _ = build_site(&[(path.as_str(), file.as_bytes())], &o, stats);
            Ok(())
        },
    );
}

#[test]
fn fuzz_config_text() {
    run_target(
        "fuzz::fuzz_config_text",
        32,
        (
            prop_oneof![
                4 => config_text(),
                1 => ".{0,200}".prop_map(String::from),
                1 => vec(interesting_byte(), 0..200).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
            ],
            opts(),
        ),
        |(text, o), stats| {
            // The parser alone, then the whole build with it.
            let t = text.clone();
            let (parsed, _) = bounded("config", move || match Config::parse(&t) {
                Ok(c) => Ok(c.base_path().to_string()),
                Err(diags) => {
                    assert!(!diags.is_empty(), "Config::parse failed with no diagnostic");
                    for d in &diags {
                        check_diagnostic(d);
                    }
                    Err(diags.len())
                }
            });
            if let Ok(base_path) = parsed {
                prop_assert!(
                    base_path.starts_with('/') && base_path.ends_with('/'),
                    "base_path {base_path:?}"
                );
            }
            let _ = build_site(&[("config.toml", text.as_bytes())], &o, stats);
            Ok(())
        },
    );
}

#[test]
fn fuzz_config_arbitrary_bytes() {
    run_target(
        "fuzz::fuzz_config_arbitrary_bytes",
        16,
        bytes(512),
        |b, stats| {
            let _ = build_site(&[("config.toml", &b.0)], &Opts::default(), stats);
            Ok(())
        },
    );
}

#[test]
fn fuzz_templates() {
    let which = select(
        &[
            "templates/post.html",
            "templates/post.html",
            "templates/index.html",
            "templates/atom.xml",
            "templates/rss.xml",
            "templates/partials/post_card.html",
            "templates/page.html",
            "templates/new.html",
            "templates/base.html",
            "both",
            "partial",
        ][..],
    );
    run_target(
        "fuzz::fuzz_templates",
        48,
        (which, tpl_doc(), tpl_doc(), opts()),
        |(which, a, b, o), stats| {
            let files: Vec<(&str, &[u8])> = match which {
                "both" => vec![
                    ("templates/post.html", a.as_bytes()),
                    ("templates/base.html", b.as_bytes()),
                ],
                "partial" => vec![
                    ("templates/post.html", a.as_bytes()),
                    ("templates/partials/fuzz.html", b.as_bytes()),
                ],
                one => vec![(one, a.as_bytes())],
            };
            let _ = build_site(&files, &o, stats);
            Ok(())
        },
    );
}

#[test]
fn fuzz_markdown_render() {
    run_target(
        "fuzz::fuzz_markdown_render",
        128,
        (
            prop_oneof![4 => md_doc(false), 1 => ".{0,300}".prop_map(String::from)],
            any::<bool>(),
            prop_oneof![(0u8..8), any::<u8>()],
        ),
        |(text, smart, depth), stats| {
            let (r, took) = bounded("render", move || {
                let r = markdown::render(
                    &text,
                    &MarkdownOptions {
                        smart_punctuation: smart,
                        toc_depth: depth,
                    },
                );
                (r, text)
            });
            stats.record(None, took);
            let (r, text) = r;
            report_slow(&[("render", text.as_bytes())], took);
            fn check_toc(entries: &[markdown::TocEntry], depth: u8, parent: u8) {
                for e in entries {
                    assert!(
                        e.level <= depth && e.level > parent,
                        "toc level {} under {parent}, depth {depth}",
                        e.level
                    );
                    check_toc(&e.children, depth, e.level);
                }
            }
            check_toc(r.toc(), depth, 0);
            if !text.contains("showpress-internal-link") {
                let tokens = r.html().matches("showpress-internal-link:").count();
                prop_assert!(
                    tokens <= r.links.len(),
                    "{tokens} tokens for {} links",
                    r.links.len()
                );
            }
            Ok(())
        },
    );
}

#[test]
fn fuzz_markdown_build() {
    run_target(
        "fuzz::fuzz_markdown_build",
        32,
        (
            any::<bool>().prop_flat_map(|good| (md_doc(good), prop::option::of(md_doc(good)))),
            opts(),
        ),
        |((body, other), o), stats| {
            let post = format!("{VALID_FRONT}{body}");
            let mut files: Vec<(&str, Vec<u8>)> = vec![("content/posts/x.md", post.into_bytes())];
            if let Some(other) = other {
                files.push((
                    "content/posts/y.md",
                    format!("+++\ntitle = \"Y\"\ndate = 2023-01-01\n+++\n{other}").into_bytes(),
                ));
            }
            let files: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (*p, b.as_slice())).collect();
            // A token written by hand stays: only check when the author wrote none.
            if files
                .iter()
                .any(|(_, b)| String::from_utf8_lossy(b).contains("showpress-internal-link:"))
            {
                let _ = build_site(&files, &o, stats);
            } else {
                let _ = build_site_checking_links(&files, &o, stats);
            }
            Ok(())
        },
    );
}

#[test]
fn fuzz_markdown_repetitive() {
    run_target(
        "fuzz::fuzz_markdown_repetitive",
        12,
        (md_repetitive(), any::<bool>()),
        |(rep, through_build), stats| {
            let text = rep.text();
            if through_build {
                let post = format!("{VALID_FRONT}{text}");
                let _ = build_site(
                    &[("content/posts/x.md", post.as_bytes())],
                    &Opts::default(),
                    stats,
                );
            } else {
                let t = text.clone();
                let (_, took) = bounded("render", move || {
                    markdown::render(&t, &MarkdownOptions::default())
                        .html()
                        .len()
                });
                report_slow(&[("render", text.as_bytes())], took);
                stats.record(None, took);
            }
            Ok(())
        },
    );
}

#[test]
fn fuzz_frontmatter_split() {
    run_target(
        "fuzz::fuzz_frontmatter_split",
        512,
        prop_oneof![
            ".{0,40}".prop_map(String::from),
            vec(
                select(
                    &[
                        "+++", "+++ ", "++++", "\n", "\r\n", "\r", "\u{feff}", "a = 1", "é", " ",
                        "\t"
                    ][..]
                ),
                0..12
            )
            .prop_map(|v| v.concat()),
            (front_matter(), md_line(false)).prop_map(|(f, b)| format!("+++\n{f}\n+++\n{b}")),
        ],
        |text, stats| {
            let start = Instant::now();
            match frontmatter::split(&text) {
                Ok(s) => {
                    let fm = s.front_matter_offset;
                    prop_assert_eq!(
                        text.get(fm..fm + s.front_matter.len()),
                        Some(s.front_matter)
                    );
                    prop_assert_eq!(text.get(s.body_offset..), Some(s.body));
                    prop_assert!(text.get(s.opening.clone()).is_some());
                    prop_assert!(fm + s.front_matter.len() <= s.body_offset);
                }
                Err(e) => {
                    let r = e.range();
                    prop_assert!(r.start <= r.end && r.start <= text.len());
                    check_diagnostic(&Diagnostic::at("content/x.md", &text, r, e.message()));
                }
            }
            stats.record(None, start.elapsed());
            Ok(())
        },
    );
}

#[test]
fn fuzz_diagnostic_positions() {
    run_target(
        "fuzz::fuzz_diagnostic_positions",
        512,
        (
            prop_oneof![
                ".{0,40}".prop_map(String::from),
                vec(
                    select(&["a", "\n", "\r\n", "\r", "한", "🎉", "e\u{301}", "\t", ""][..]),
                    0..16
                )
                .prop_map(|v| v.concat())
            ],
            0usize..64,
            0usize..64,
            0usize..8,
            0usize..64,
        ),
        |(text, a, b, line, col), stats| {
            let start = Instant::now();
            let loc = locate(&text, a..b);
            prop_assert!(loc.line >= 1 && loc.col >= 1);
            check_diagnostic(&Diagnostic::at("f", &text, a..b, "m"));
            check_diagnostic(&Diagnostic::at_line_col("f", &text, line, col, b, "m"));
            stats.record(None, start.elapsed());
            Ok(())
        },
    );
}

/// Names from a small vocabulary, so that files of one site meet: the same show, guest or
/// tag written differently, slugs that clash, episodes shared by several posts.
const SHOW_NAMES: &[&str] = &["Show", "경제토크쇼픽", "Tech Weekly", "!!!"];
const SHOW_CLASHES: &[&str] = &["show", "SHOW", " Show ", "tech-weekly", "쇼!", "Show!"];
const GUEST_NAMES: &[&str] = &["G", "서영주", "Dr. Kim", "김 도현"];
const GUEST_CLASHES: &[&str] = &["g", "dr kim", "G!", "ｇ"];
const TAG_NAMES: &[&str] = &[
    "t",
    "T",
    "AI",
    "ai",
    "A.I.",
    "딥시크",
    "C++",
    "c",
    "???",
    "tag one",
    "tag-one",
    "Tag_One",
    "ＡＩ",
];
const SLUGS: &[&str] = &[
    "a", "b", "base", "A", "가", "page", "tags", "2", "x", "-", "show",
];

/// Mostly distinct names, now and then one that clashes with another's slug.
fn names(
    names: &'static [&'static str],
    clashes: &'static [&'static str],
) -> BoxedStrategy<String> {
    prop_oneof![12 => vocab(names), 1 => vocab(clashes)].boxed()
}

fn site_body() -> BoxedStrategy<String> {
    vec(
        select(
            &[
                "Intro.",
                "## H",
                "## H",
                "[b](@/posts/base.md#intro)",
                "[a](@/about.md#a)",
                "[p](@/posts/p1.md)",
                "<!-- more -->",
                "Note[^1]\n\n[^1]: n",
                "| a |\n|---|\n| 1 |",
                "시청자 질문 漢字 words",
            ][..],
        ),
        0..6,
    )
    .prop_map(|v| v.join("\n\n"))
    .boxed()
}

fn vocab(words: &'static [&'static str]) -> BoxedStrategy<String> {
    select(words).prop_map(toml_quote).boxed()
}

fn site_post() -> BoxedStrategy<(String, String)> {
    (
        select(
            &[
                "content/posts/p1.md",
                "content/posts/p2.md",
                "content/posts/p3.md",
                "content/posts/2024/2024-01-02-p5.md",
                "content/posts/p4/index.md",
            ][..],
        ),
        (
            0u32..6,
            0u32..24,
            prop::option::of(select(&["Z", "+09:00", "-12:00"][..])),
        ),
        prop::option::weighted(
            0.7,
            (
                names(SHOW_NAMES, SHOW_CLASHES),
                prop::option::of(prop_oneof![1u32..4, Just(u32::MAX)]),
            ),
        ),
        vec(vocab(TAG_NAMES), 0..4),
        vec(
            prop_oneof![
                names(GUEST_NAMES, GUEST_CLASHES),
                (names(GUEST_NAMES, GUEST_CLASHES), vocab(WORDS))
                    .prop_map(|(n, r)| format!("{{ name = {n}, role = {r} }}")),
            ],
            0..3,
        ),
        (
            prop::option::weighted(0.2, vocab(SLUGS)),
            prop::option::weighted(0.15, any::<bool>()),
            prop::option::weighted(0.3, clean_url()),
            prop::option::weighted(0.2, (0u32..6).prop_map(|d| format!("2024-01-{:02}", d + 1))),
        ),
        // Few values, so posts about one episode often agree and sometimes do not.
        prop::option::weighted(
            0.4,
            select(
                &[
                    "2023-12-31",
                    "2024-01-01",
                    "2024-01-01T23:30:00+09:00",
                    "2024-01-01T23:30:00Z",
                    "\"2024-01-01\"",
                    "\"어제\"",
                    "2024-02-30",
                ][..],
            ),
        ),
        site_body(),
    )
        .prop_map(
            |(
                path,
                (day, hour, off),
                show,
                tags,
                guests,
                (slug, draft, source, updated),
                aired,
                body,
            )| {
                let mut fm = format!(
                    "title = \"P\"\ndate = 2024-01-{:02}T{hour:02}:00:00{}\n",
                    day + 1,
                    off.unwrap_or("")
                );
                if let Some((show, ep)) = show {
                    fm.push_str(&format!("show = {show}\n"));
                    if let Some(ep) = ep {
                        fm.push_str(&format!("episode = {ep}\n"));
                    }
                }
                if let Some(a) = aired {
                    fm.push_str(&format!("aired = {a}\n"));
                }
                fm.push_str(&format!(
                    "tags = [{}]\nguests = [{}]\n",
                    tags.join(", "),
                    guests.join(", ")
                ));
                if let Some(s) = slug {
                    fm.push_str(&format!("slug = {s}\n"));
                }
                if let Some(d) = draft {
                    fm.push_str(&format!("draft = {d}\n"));
                }
                if let Some(u) = source {
                    fm.push_str(&format!("source = {u}\n"));
                }
                if let Some(u) = updated {
                    fm.push_str(&format!("updated = {u}\n"));
                }
                (path.to_string(), format!("+++\n{fm}+++\n{body}"))
            },
        )
        .boxed()
}

fn site_profile() -> BoxedStrategy<(String, String)> {
    prop_oneof![
        (
            select(
                &[
                    "content/shows/s1.md",
                    "content/shows/s2.md",
                    "content/shows/show.md"
                ][..]
            ),
            names(SHOW_NAMES, SHOW_CLASHES),
            prop::option::weighted(0.3, vocab(SLUGS)),
            prop::option::of(clean_url()),
        )
            .prop_map(|(path, name, slug, home)| {
                let mut fm = format!("name = {name}\nnetwork = \"N\"\n");
                if let Some(s) = slug {
                    fm.push_str(&format!("slug = {s}\n"));
                }
                if let Some(h) = home {
                    fm.push_str(&format!("homepage = {h}\n"));
                }
                (
                    path.to_string(),
                    format!("+++\n{fm}+++\nProfile [p](@/posts/p1.md).\n"),
                )
            }),
        (
            select(&["content/guests/g1.md", "content/guests/g2.md"][..]),
            names(GUEST_NAMES, GUEST_CLASHES),
            prop::option::weighted(0.3, vocab(SLUGS)),
        )
            .prop_map(|(path, name, slug)| {
                let mut fm = format!("name = {name}\nrole = \"R\"\n");
                if let Some(s) = slug {
                    fm.push_str(&format!("slug = {s}\n"));
                }
                (path.to_string(), format!("+++\n{fm}+++\n## Bio\n"))
            }),
        (
            select(
                &[
                    "content/p.md",
                    "content/tags.md",
                    "content/shows.md",
                    "content/d/index.md",
                    "content/d/e.md",
                    "content/archive.md",
                    "content/page/2.md"
                ][..]
            ),
            prop::option::weighted(0.3, vocab(SLUGS)),
            any::<bool>(),
        )
            .prop_map(|(path, slug, draft)| {
                let mut fm = format!("title = \"Pg\"\ndraft = {draft}\n");
                if let Some(s) = slug {
                    fm.push_str(&format!("slug = {s}\n"));
                }
                (
                    path.to_string(),
                    format!("+++\n{fm}+++\n[home](@/posts/base.md#intro)\n"),
                )
            }),
    ]
    .boxed()
}

fn site_config() -> BoxedStrategy<String> {
    (
        select(&["https://fuzz.example/", "https://fuzz.example/blog/", "http://localhost:1111", "https://例え.jp/블로그/"][..]),
        1u32..4,
        1u32..4,
        any::<bool>(),
        any::<bool>(),
        select(&["Asia/Seoul", "UTC", "America/New_York", "Pacific/Kiritimati", "Etc/GMT+12"][..]),
        select(&["ko", "en", "ja", "en-US"][..]),
        select(&["NewsArticle", "BlogPosting"][..]),
        (any::<bool>(), 0u8..7),
    )
        .prop_map(|(url, paginate, feed_limit, full, news, tz, lang, article, (smart, depth))| {
            format!(
                "title = \"Fuzz\"\nbase_url = \"{url}\"\npaginate = {paginate}\nfeed_limit = {feed_limit}\nfeed_full_content = {full}\nnews_sitemap = {news}\ntimezone = \"{tz}\"\nlanguage = \"{lang}\"\narticle_type = \"{article}\"\nimage = \"/og.png\"\ntwitter_site = \"@fuzz\"\n[markdown]\nsmart_punctuation = {smart}\ntoc_depth = {depth}\n"
            )
        })
        .boxed()
}

#[test]
fn fuzz_site_model() {
    run_target(
        "fuzz::fuzz_site_model",
        24,
        (
            site_config(),
            vec(prop_oneof![3 => site_post(), 1 => site_profile()], 1..8),
            opts(),
        ),
        |(config, files, o), stats| {
            let mut all: Vec<(&str, &[u8])> = vec![("config.toml", config.as_bytes())];
            all.extend(files.iter().map(|(p, t)| (p.as_str(), t.as_bytes())));
            let _ = build_site_checking_links(&all, &o, stats);
            Ok(())
        },
    );
}

/// `check` on the same sites: it must not panic or hang, its diagnostics must point inside
/// their files, and it must find an error whenever `build` (with drafts and future posts, as
/// `check` sees them) fails: check is meant to catch before a build what the build would reject.
#[test]
fn fuzz_check() {
    run_target(
        "fuzz::fuzz_check",
        24,
        (
            site_config(),
            vec(prop_oneof![3 => site_post(), 1 => site_profile()], 1..8),
        ),
        |(config, files), stats| {
            let tmp = tempfile::tempdir().unwrap();
            let root = tmp.path().join("site");
            for (rel, text) in BASE_FILES {
                write_file(&root, rel, text.as_bytes());
            }
            write_file(&root, "config.toml", config.as_bytes());
            for (rel, text) in &files {
                try_write_file(&root, rel, text.as_bytes());
            }
            let r = root.clone();
            let (report, took) = bounded("check", move || {
                showpress::check::check(&r, showpress::dates::Clock::from_env().now())
            });
            let Ok(report) = report else {
                stats.record(None, took);
                return Ok(());
            };
            // "ok" in the summary: sites check found no error in.
            stats.record(Some(report.errors() == 0), took);
            for d in &report.diagnostics {
                let path = root.join(&d.path);
                prop_assert!(
                    path.exists() || d.path.is_empty(),
                    "diagnostic names a file that does not exist: {d}"
                );
                if let (Some(loc), Ok(text)) = (&d.location, fs::read_to_string(&path)) {
                    prop_assert!(
                        loc.line >= 1 && loc.line <= text.lines().count().max(1),
                        "line {} outside {} ({} lines): {d}",
                        loc.line,
                        d.path,
                        text.lines().count()
                    );
                }
            }
            let out = tmp.path().join("out");
            let options = BuildOptions {
                root,
                output: out,
                drafts: true,
                future: true,
                base_url: None,
                clock: showpress::dates::Clock::from_env(),
                cache: showpress::build::CacheMode::Off,
            };
            let (built, _) = bounded("build", move || {
                build(&options).map_err(|e| render_error(&e))
            });
            if let Err(e) = built {
                prop_assert!(
                    report.errors() > 0,
                    "build failed but check found no error:\n{e}"
                );
            }
            Ok(())
        },
    );
}

/// A content file name: the name is input too (slugs, page URLs, diagnostics).
fn content_name() -> BoxedStrategy<String> {
    let dir = select(
        &[
            "content/posts/",
            "content/posts/2025/",
            "content/posts/a b/",
            "content/",
            "content/shows/",
            "content/guests/",
            "content/소개 글/",
            "content/d/e/",
        ][..],
    );
    let stem = prop_oneof![
        3 => "[a-zA-Z0-9 ._~%#-]{0,12}".prop_map(String::from),
        2 => select(&[
            "index", "_index", "2025-03-25-x", "2025-03-25-", "2025-03-25", "2025-13-45-x",
            "2025-03-25-딥시크", "딥시크", "\u{1100}\u{1161}", "e\u{301}", "é", "!!!", " ", "-", "..",
            ".x", "x.y", "CON", "a\u{0}b", "tags", "page", "404", "atom.xml", "style.css",
        ][..])
        .prop_map(str::to_string),
        1 => ".{1,8}".prop_map(String::from),
        1 => (1usize..60).prop_map(|n| "가".repeat(n)),
    ];
    let ext = select(&[".md", ".md", ".md", ".MD", ".md.md", ".markdown", ""][..]);
    (dir, stem, ext)
        .prop_map(|(d, s, e)| format!("{d}{s}{e}"))
        .boxed()
}

const STATIC_NAMES: &[&str] = &[
    "static/index.html",
    "static/posts",
    "static/posts/base/index.html",
    "static/style.css",
    "static/robots.txt",
    "static/404.html",
    "static/tags",
    "static/atom.xml",
    "static/.hidden",
    "static/a b.txt",
    "static/x~",
    "static/.#lock",
    "static/shows/index.html",
    "static/sitemap.xml",
    "static/딥시크.png",
];

#[test]
fn fuzz_file_names_and_static_files() {
    run_target(
        "fuzz::fuzz_file_names_and_static_files",
        32,
        (
            vec(
                content_name().prop_flat_map(|path| {
                    let fm = front_matter_for(&path);
                    (Just(path), fm)
                }),
                0..4,
            ),
            vec((select(STATIC_NAMES), any::<bool>()), 0..4),
            opts(),
        ),
        |(contents, statics, o), stats| {
            let mut files: Vec<(String, Vec<u8>)> = contents
                .iter()
                .map(|(p, fm)| {
                    (
                        p.clone(),
                        format!("+++\n{fm}\n+++\n## H\n\nBody.\n").into_bytes(),
                    )
                })
                .collect();
            for (name, as_dir) in &statics {
                if *as_dir {
                    files.push((format!("{name}/inner.txt"), b"dir".to_vec()));
                } else {
                    files.push((name.to_string(), b"static file".to_vec()));
                }
            }
            // Names the file system refuses, or a file where another needs a folder, are not
            // part of the input.
            let files: Vec<(&str, &[u8])> = files
                .iter()
                .map(|(p, b)| (p.as_str(), b.as_slice()))
                .filter(|(p, _)| !p.contains('\0'))
                .collect();
            let _ = build_site(&files, &o, stats);
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Regressions: minimal inputs of past findings, saved in tests/fuzz_corpus/
// ---------------------------------------------------------------------------------------------

fn corpus(name: &str) -> Vec<u8> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests/fuzz_corpus", name]
        .iter()
        .collect();
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn baseline_site_builds() {
    assert!(baseline().contains_key("posts/base/index.html"));
}

/// `many-internal-links.md` is one link; a post of 8000 of them (168 KB) renders in a few
/// milliseconds but took 10 s to build (44 s for 16000): `site::links::resolve_body` ran one
/// `str::replace` over the whole HTML, and another over the summary, per link. Found by the
/// repetition target; fixed in c058bcd.
#[test]
fn regression_many_internal_links_build_in_linear_time() {
    let unit = String::from_utf8(corpus("many-internal-links.md")).unwrap();
    let post = format!("{VALID_FRONT}{}", unit.repeat(8000));
    let render_start = Instant::now();
    let rendered = markdown::render(&post, &MarkdownOptions::default());
    let render = render_start.elapsed();
    assert_eq!(rendered.links.len(), 8000);
    let start = Instant::now();
    let built = build_site(
        &[("content/posts/x.md", post.as_bytes())],
        &Opts::default(),
        &Stats::default(),
    );
    let took = start.elapsed();
    assert!(built.is_ok(), "{built:?}");
    assert!(
        took < Duration::from_secs(3) + render * 20,
        "building a post with 8000 internal links took {took:?} (rendering its Markdown: {render:?})"
    );
}

/// pulldown-cmark 0.13.6 (the newest release) panics on a setext heading with heading
/// attributes inside a block quote or list item when a line ends in a hard break:
/// `begin > end (… > …) when slicing` at pulldown-cmark src/parse.rs:2327 in release builds,
/// `assertion failed: self[child_ix].item.start < end_byte_ix` at src/tree.rs:237 in debug
/// ones. showpress enables `ENABLE_HEADING_ATTRIBUTES` (src/markdown.rs `render`), so one such
/// post made `showpress build` panic (exit 101), and made `serve` stop rebuilding for good (its
/// rebuild thread died; later saves were never picked up), instead of reporting a diagnostic.
/// Found by the render target; contained since c058bcd (`markdown::render_guarded`).
#[test]
fn regression_setext_heading_attributes_in_blockquote_render() {
    let file = String::from_utf8(corpus("setext-heading-attributes-in-blockquote.md")).unwrap();
    let body = frontmatter::split(&file).unwrap().body.to_string();
    for text in [
        body.as_str(),
        "- A   \n   {#x}\n  ===",
        "> A  \n>  {#x}\n> ===",
    ] {
        // The parser's panic cannot be fixed here: showpress catches it and reports the file.
        let t = text.to_string();
        let (result, _) = bounded("render", move || {
            markdown::render_guarded(&t, &MarkdownOptions::default()).map(|r| r.html().to_string())
        });
        if let Ok(html) = result {
            assert!(html.contains("<h1"), "{text:?} → {html}");
        }
    }
}

/// The same input as a whole post: the build must end in `Ok` or in diagnostics, not a panic.
#[test]
fn regression_setext_heading_attributes_in_blockquote_build() {
    let file = corpus("setext-heading-attributes-in-blockquote.md");
    let _ = build_site(
        &[("content/posts/x.md", &file)],
        &Opts::default(),
        &Stats::default(),
    );
}

/// Builds the base site with `files` over it and returns the diagnostics it failed with.
fn diagnostics_of(files: &[(&str, &[u8])], future: bool) -> Vec<Diagnostic> {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    for (rel, text) in BASE_FILES {
        write_file(&root, rel, text.as_bytes());
    }
    for (rel, bytes) in files {
        write_file(&root, rel, bytes);
    }
    let options = BuildOptions {
        root,
        output: tmp.path().join("out/public"),
        drafts: false,
        future,
        base_url: None,
        clock: showpress::dates::Clock::from_env(),
        cache: showpress::build::CacheMode::Off,
    };
    let (result, _) = bounded("build", move || build(&options));
    match result {
        Err(showpress::Error::Diagnostics(d)) => d,
        other => panic!("expected diagnostics, got {other:?}"),
    }
}

/// A `base.html` without the blocks the built-in pages fill. Found by the template target on
/// the tree before cd1a7c4, where Tera's validation errors reached the user as one raw-text
/// diagnostic on `templates` reading `error: error: Block `title` is not defined in any parent
/// template`; fixed there. Guards the fix: one diagnostic per problem, at a template file.
#[test]
fn regression_template_validation_errors_are_diagnostics() {
    let base = corpus("base-without-title-block.html");
    let diags = diagnostics_of(&[("templates/base.html", &base)], false);
    assert!(
        diags.len() > 1,
        "one diagnostic for many problems: {diags:?}"
    );
    for d in &diags {
        check_diagnostic(d);
        assert!(
            !d.message.starts_with("error:"),
            "the message repeats the label: {d}"
        );
        assert!(
            d.path.starts_with("<built-in>/") || d.path.starts_with("templates/"),
            "not at a template file: {d}"
        );
        assert!(d.location.is_some(), "no line and column: {d}");
    }
}

/// A date TOML accepts and front-matter validation lets through, but that is before year 1
/// once put in the site time zone: every page using `| date` fails with an error in a built-in
/// template (`the date filter expects an RFC 3339 date ... got "-0001-12-31T18:27:52+08:28"`),
/// none pointing at the post. The same happens after year 9999 (`9999-12-31T23:00:00Z` with
/// `--future` becomes `+10000-01-01T08:00:00+09:00`). Either the post's `date` line should be
/// the error (src/dates.rs parse, src/content/parse.rs) or the date should render. Found by
/// reading the date code while fuzzing; fixed in c058bcd.
#[test]
fn regression_date_before_year_1_is_reported_at_the_post() {
    let post = corpus("date-before-year-1.md");
    let diags = diagnostics_of(&[("content/posts/x.md", &post)], false);
    for d in &diags {
        assert_eq!(d.path, "content/posts/x.md", "not at the post: {d}");
    }
}

/// `base_url` with a query or fragment passes validation (src/config.rs validate_base_url) and
/// the build succeeded, but every link then read `/?q=1#frag/style.css`. Fixed in c058bcd.
#[test]
fn regression_base_url_with_query_is_rejected() {
    let text = String::from_utf8(corpus("base-url-with-query.toml")).unwrap();
    assert!(Config::parse(&text).is_err(), "accepted base_url {text:?}");
}

/// A folder in `static/` named like a page the build writes (`static/index.html/`): the build
/// fails, as it must, and leaves the previous output alone, but the error names the hidden
/// staging folder (`failed to write `…/out/.public.showpress-4501/index.html`: Is a directory`)
/// rather than the site's `static/index.html` that is in the way. Found by the file-name and
/// static-file target; fixed in c058bcd.
#[test]
fn regression_static_folder_in_the_way_of_a_page_is_named() {
    let marker = corpus("static-folder-named-index.html.txt");
    let result = build_site(
        &[("static/index.html/inner.txt", &marker)],
        &Opts::default(),
        &Stats::default(),
    );
    let msg = result.expect_err("a folder where index.html goes cannot build");
    assert!(
        msg.contains("static/index.html") && !msg.contains(".showpress-"),
        "{msg}"
    );
}
