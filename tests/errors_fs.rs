//! Broken or extreme sites that cannot sit in `tests/fixtures/errors/` as committed files:
//! names that are not UTF-8, symlinks, FIFOs, folders where files belong (and the reverse),
//! huge posts and pathological Markdown. Each is made in a temp folder and built with the real
//! binary under a time limit, so a hang fails the test instead of stalling the suite.
//!
//! Error cases pin the exact stderr and exit code 1, check nothing panicked and that a previous
//! `public/` survived untouched. The others must build, quickly and without a panic.

mod common;

use std::fs;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use common::{CONFIG, TestSite, assert_contains, post};

/// Generous for a debug binary on a slow machine; a hang or a quadratic blow-up still fails.
const LIMIT: Duration = Duration::from_secs(20);

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `showpress --root <site> build`, killing it after `limit`.
fn build_within(site: &TestSite, limit: Duration) -> Outcome {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_showpress"))
        .arg("--root")
        .arg(site.root())
        .arg("build")
        .current_dir(site.root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut r: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut buf = Vec::new();
            r.read_to_end(&mut buf).unwrap();
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`showpress build` still running after {limit:?}; killed it. stderr so far:\n{}",
                stderr.join().unwrap()
            );
        }
        thread::sleep(Duration::from_millis(10));
    };
    let root = site.root().display().to_string();
    Outcome {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap().replace(&root, "<site>"),
    }
}

/// A site with the test config and one good post.
fn site() -> TestSite {
    let site = TestSite::empty();
    site.write("config.toml", CONFIG);
    site.write(
        "content/posts/good.md",
        &post("title = \"멀쩡한 글\"\ndate = 2025-03-25", "본문\n"),
    );
    site
}

/// Builds `site` over a previous output and checks it fails with exactly `expected`.
#[track_caller]
fn assert_fails_with(site: &TestSite, expected: &str) {
    site.write("public/index.html", "previous build\n");
    site.write("public/posts/old/index.html", "old post\n");
    let r = build_within(site, LIMIT);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert_eq!(r.stderr, expected);
    assert_eq!(r.code, 1, "stderr:\n{}", r.stderr);
    assert_eq!(site.output_files(), ["index.html", "posts/old/index.html"]);
    assert_eq!(site.read("index.html"), "previous build\n");
    let leftovers: Vec<_> = fs::read_dir(site.root())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".showpress-"))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
}

/// Builds `site` and checks it succeeded within `limit`.
#[track_caller]
fn assert_builds_within(site: &TestSite, limit: Duration) -> Outcome {
    let r = build_within(site, limit);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert_eq!(
        r.code, 0,
        "build failed:\nstdout:\n{}\nstderr:\n{}",
        r.stdout, r.stderr
    );
    r
}

fn symlink(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo {} failed", path.display());
}

// ---------------------------------------------------------------------------------------------
// File names and file contents

#[test]
fn a_file_name_that_is_not_utf8_is_named_lossily() {
    let site = site();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    fs::write(
        site.path("content/posts").join(name),
        post("title = \"카페\"\ndate = 2025-03-25", ""),
    )
    .unwrap();
    assert_fails_with(
        &site,
        "error: file name is not valid UTF-8, expected a UTF-8 name (it becomes part of a URL)\n \
         --> content/posts/caf\u{fffd}.md\n\n\
         error: could not build the site: 1 error in 1 file\n",
    );
}

#[test]
fn a_post_with_empty_front_matter_names_both_missing_keys() {
    let site = site();
    site.write("content/posts/bare.md", "+++\n+++\n");
    assert_fails_with(
        &site,
        "error: missing `title` in front matter, expected a line such as `title = \"제목\"`\n \
         --> content/posts/bare.md:1:1\n  |\n1 | +++\n  | ^^^\n\n\
         error: missing `date` in front matter, expected a line such as `date = 2025-03-25`\n \
         --> content/posts/bare.md:1:1\n  |\n1 | +++\n  | ^^^\n\n\
         error: could not build the site: 2 errors in 1 file\n",
    );
}

#[test]
fn a_post_of_only_an_opening_line_is_unclosed() {
    let site = site();
    site.write("content/posts/half.md", "+++");
    assert_fails_with(
        &site,
        "error: unclosed front matter, expected a closing `+++` line after the TOML\n \
         --> content/posts/half.md:1:1\n  |\n1 | +++\n  | ^^^\n\n\
         error: could not build the site: 1 error in 1 file\n",
    );
}

#[test]
fn a_50_mb_post_builds() {
    let site = site();
    let paragraph =
        "경제토크쇼픽에서 서영주 원장과 딥시크의 성공을 이야기합니다. DeepSeek, Pangyo.\n\n";
    let body = paragraph.repeat(50 * 1024 * 1024 / paragraph.len() + 1) + "마지막 문단\n";
    assert!(body.len() > 50 * 1024 * 1024);
    site.write(
        "content/posts/big.md",
        &post("title = \"아주 긴 글\"\ndate = 2025-03-25", &body),
    );
    assert_builds_within(&site, Duration::from_secs(40));
    let page = site.read("posts/big/index.html");
    assert!(page.len() > 50 * 1024 * 1024, "{} bytes", page.len());
    assert_contains(&page, "<p>마지막 문단</p>");
}

// ---------------------------------------------------------------------------------------------
// Folders, symlinks, FIFOs

#[test]
fn a_post_100_folders_deep_builds() {
    let site = site();
    let dirs: Vec<String> = (1..=100).map(|i| format!("d{i}")).collect();
    let post_path = format!("content/posts/{}/바닥.md", dirs.join("/"));
    site.write(
        &post_path,
        &post("title = \"바닥\"\ndate = 2025-03-26", "깊은 곳\n"),
    );
    let page_path = format!("content/{}/index.md", dirs.join("/"));
    site.write(&page_path, &post("title = \"깊은 쪽\"", "깊은 쪽\n"));
    assert_builds_within(&site, LIMIT);
    assert_contains(&site.read("posts/바닥/index.html"), "깊은 곳");
    assert_contains(
        &site.read(&format!("{}/index.html", dirs.join("/"))),
        "깊은 쪽",
    );
}

#[test]
fn a_symlink_loop_under_content_is_an_error() {
    let site = site();
    fs::create_dir_all(site.path("content/posts/loop")).unwrap();
    symlink("..", &site.path("content/posts/loop/up"));
    assert_fails_with(
        &site,
        "error: symlink loop: this folder links back to one of its parents\n \
         --> content/posts/loop/up\n\n\
         error: could not build the site: 1 error in 1 file\n",
    );
}

#[test]
fn a_dangling_symlink_under_content_is_ignored() {
    let site = site();
    symlink("nowhere.md", &site.path("content/posts/x.md"));
    // What an editor's lock file looks like (emacs `.#name`).
    symlink(
        "user@host.1234:1700000000",
        &site.path("content/posts/.#good.md"),
    );
    assert_builds_within(&site, LIMIT);
    assert!(site.exists("posts/good/index.html"));
    assert!(!site.exists("posts/x/index.html"));
}

#[test]
fn a_folder_named_like_a_markdown_file_is_walked_not_read() {
    let site = site();
    fs::create_dir_all(site.path("content/posts/post.md")).unwrap();
    fs::create_dir_all(site.path("content/about.md")).unwrap();
    assert_builds_within(&site, LIMIT);
    assert!(site.exists("posts/good/index.html"));
    assert!(!site.exists("posts/post/index.html"));
    assert!(!site.exists("about/index.html"));
}

/// Opening a FIFO for reading blocks until a writer comes: the build must not try.
#[test]
fn fifos_in_content_templates_and_static_do_not_hang_the_build() {
    let site = site();
    fs::create_dir_all(site.path("templates")).unwrap();
    fs::create_dir_all(site.path("static")).unwrap();
    mkfifo(&site.path("content/posts/x.md"));
    mkfifo(&site.path("templates/x.html"));
    mkfifo(&site.path("static/x.css"));
    assert_builds_within(&site, Duration::from_secs(10));
    assert!(site.exists("posts/good/index.html"));
    assert!(!site.exists("x.css"));
}

#[test]
fn config_toml_that_is_a_folder_is_an_error() {
    let site = site();
    fs::remove_file(site.path("config.toml")).unwrap();
    fs::create_dir_all(site.path("config.toml")).unwrap();
    assert_fails_with(
        &site,
        "error: `config.toml` is a folder, expected a TOML file with the site's settings\n --> config.toml\n\nerror: could not build the site: 1 error in 1 file\n",
    );
}

#[test]
fn templates_that_is_a_file_is_an_error() {
    let site = site();
    site.write("templates", "not a folder\n");
    assert_fails_with(
        &site,
        "error: `templates` is not a directory, expected a folder of Tera templates\n \
         --> templates\n\n\
         error: could not build the site: 1 error in 1 file\n",
    );
}

#[test]
fn static_that_is_a_file_is_an_error() {
    let site = site();
    site.write("static", "not a folder\n");
    assert_fails_with(
        &site,
        "error: `static` is not a directory, expected a folder of files to publish as they are\n \
         --> static\n\n\
         error: could not build the site: 1 error in 1 file\n",
    );
}

#[test]
fn a_symlink_loop_under_templates_is_an_error() {
    let site = site();
    fs::create_dir_all(site.path("templates/partials")).unwrap();
    symlink("..", &site.path("templates/partials/up"));
    assert_fails_with(
        &site,
        "error: symlink loop: this folder links back to one of its parents\n --> templates/partials/up\n\n\
         error: could not build the site: 1 error in 1 file\n",
    );
}

#[test]
fn a_symlink_loop_under_static_is_an_error() {
    let site = site();
    fs::create_dir_all(site.path("static/img")).unwrap();
    symlink("..", &site.path("static/img/up"));
    assert_fails_with(
        &site,
        "error: symlink loop: this folder links back to one of its parents\n --> static/img/up\n\n\
         error: could not build the site: 1 error in 1 file\n",
    );
}

#[test]
fn a_dangling_symlink_under_static_is_ignored() {
    let site = site();
    site.write("static/style.css", "body { color: black }\n");
    symlink(
        "user@host.1234:1700000000",
        &site.path("static/.#style.css"),
    );
    assert_builds_within(&site, LIMIT);
    assert_eq!(site.read("style.css"), "body { color: black }\n");
}

#[test]
fn a_dangling_symlink_under_templates_is_ignored() {
    let site = site();
    fs::create_dir_all(site.path("templates")).unwrap();
    symlink(
        "user@host.1234:1700000000",
        &site.path("templates/.#post.html"),
    );
    assert_builds_within(&site, LIMIT);
    assert!(site.exists("posts/good/index.html"));
}

// ---------------------------------------------------------------------------------------------
// Pathological Markdown: must build, without a stack overflow, within the limit.

/// Builds a site whose only post has `body`; returns the post's page.
fn build_markdown(body: &str) -> String {
    let site = TestSite::empty();
    site.write("config.toml", CONFIG);
    site.write(
        "content/posts/a.md",
        &post("title = \"극단\"\ndate = 2025-03-25", body),
    );
    assert_builds_within(&site, LIMIT);
    site.read("posts/a/index.html")
}

#[test]
fn markdown_100_000_nested_blockquotes() {
    let page = build_markdown(&format!("{} 깊다\n", ">".repeat(100_000)));
    assert_contains(&page, "깊다");
}

#[test]
fn markdown_50_000_nested_list_items() {
    let page = build_markdown(&format!("{}항목\n", "- ".repeat(50_000)));
    assert_contains(&page, "<li>항목</li>");
    let page = build_markdown(&format!("{}항목\n", "1. ".repeat(50_000)));
    assert_contains(&page, "<li>항목</li>");
}

#[test]
fn markdown_nested_list_items_by_indentation() {
    let body: String = (0..2_000)
        .map(|i| format!("{}- 항목 {i}\n", "  ".repeat(i)))
        .collect();
    let page = build_markdown(&body);
    assert_contains(&page, "항목 1999");
}

#[test]
fn markdown_a_1_mb_line() {
    let line = "서영주 DeepSeek 판교 ".repeat(41_000);
    assert!(line.len() > 1024 * 1024);
    let page = build_markdown(&format!("{line}끝줄\n"));
    assert_contains(&page, "판교 끝줄</p>");
}

#[test]
fn markdown_a_table_with_10_000_columns() {
    let n = 10_000;
    let row = |f: &dyn Fn(usize) -> String| {
        let cells: Vec<String> = (0..n).map(f).collect();
        format!("|{}|\n", cells.join("|"))
    };
    let body = row(&|i| format!("c{i}")) + &row(&|_| "---".into()) + &row(&|i| i.to_string());
    let page = build_markdown(&body);
    assert_contains(&page, "<th>c9999</th>");
    assert_contains(&page, "<td>9999</td>");
}

#[test]
fn markdown_10_000_footnotes() {
    let n = 10_000;
    let refs: String = (0..n).map(|i| format!("문장 {i}[^n{i}].\n")).collect();
    let defs: String = (0..n).map(|i| format!("[^n{i}]: 각주 {i}\n")).collect();
    let page = build_markdown(&format!("{refs}\n{defs}"));
    assert_contains(&page, "<a href=\"#n9999\">10000</a>");
    assert_contains(&page, "id=\"n9999\"");
}

#[test]
fn markdown_unbalanced_brackets_emphasis_and_backticks() {
    let n = 100_000;
    let body = format!(
        "{}x{}\n\n{}y{}\n\n{}\n\n{}\n",
        "[".repeat(n),
        "]".repeat(n),
        "*".repeat(n),
        "*".repeat(n),
        "`".repeat(n),
        "<".repeat(n),
    );
    build_markdown(&body);
}

#[test]
fn markdown_20_000_headings_with_the_same_text() {
    let page = build_markdown(&"## 같은 제목\n\n".repeat(20_000));
    assert_contains(&page, "id=\"같은-제목-19999\"");
}
