//! The output folder is only ever replaced by a complete build: a failed build leaves the
//! previous one exactly as it was, a good one leaves nothing stale, and no staging folder is
//! left behind either way.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{CONFIG, TestSite, assert_contains, files_under, post};

/// Names in `dir` that look like staging folders of an output called `name`.
fn staging_folders(dir: &Path, name: &str) -> Vec<String> {
    let prefix = format!(".{name}.showpress-");
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix))
        .collect()
}

/// Everything in `dir` whose name starts with `.{name}.`: staging or swap leftovers.
fn hidden_siblings(dir: &Path, name: &str) -> Vec<String> {
    let prefix = format!(".{name}.");
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix))
        .collect()
}

/// A site with two posts, built once.
fn built_site() -> TestSite {
    let site = TestSite::empty();
    site.write("config.toml", CONFIG);
    site.write(
        "content/posts/keep.md",
        &post(
            "title = \"남는 글\"\ndate = 2025-03-25\ntags = [\"남음\"]",
            "x\n",
        ),
    );
    site.write(
        "content/posts/gone.md",
        &post(
            "title = \"지울 글\"\ndate = 2025-03-24\ntags = [\"지움\"]",
            "x\n",
        ),
    );
    site.write("static/img/a.txt", "static file\n");
    site.build();
    assert!(site.exists("posts/gone/index.html"));
    site
}

#[test]
fn failed_content_build_leaves_the_previous_output_untouched() {
    let site = built_site();
    let before = files_under(&site.path("public"));
    site.write(
        "content/posts/broken.md",
        &post("title = 1\ndate = 2025-03-26", "x\n"),
    );
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("content/posts/broken.md"), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert_eq!(files_under(&site.path("public")), before);
    assert!(staging_folders(site.root(), "public").is_empty());
}

#[test]
fn failed_render_leaves_the_previous_output_untouched_and_no_staging_folder() {
    let site = built_site();
    let before = files_under(&site.path("public"));
    // Fails while rendering, after the staging folder has been created and partly written.
    site.write(
        "templates/post.html",
        "{% extends \"base.html\" %}{% block content %}{{ post.no_such_field.x }}{% endblock content %}",
    );
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("templates/post.html"), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert_eq!(files_under(&site.path("public")), before);
    assert_eq!(hidden_siblings(site.root(), "public"), Vec::<String>::new());
}

#[test]
fn failed_first_build_creates_no_output() {
    let site = TestSite::empty();
    site.write("config.toml", CONFIG);
    site.write(
        "content/posts/broken.md",
        &post("title = 1\ndate = 2025-03-26", "x\n"),
    );
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1);
    assert!(!site.path("public").exists());
    assert!(staging_folders(site.root(), "public").is_empty());
}

#[test]
fn good_build_after_deleting_a_post_leaves_no_stale_files() {
    let site = built_site();
    // A file put in the output by hand is not part of the site either.
    site.write("public/stray.txt", "by hand\n");
    site.remove("content/posts/gone.md");
    site.build();
    assert!(!site.path("public/posts/gone").exists());
    assert!(!site.path("public/tags/지움").exists());
    assert!(!site.exists("stray.txt"));
    assert!(site.exists("posts/keep/index.html"));
    assert!(!site.read("index.html").contains("지울 글"));
    assert_eq!(
        common::search::masked(&site.output_files()),
        common::search::with_index(
            common::cards::with_cards(
                &[
                    "404.html",
                    "archive/index.html",
                    "atom.xml",
                    "guests/index.html",
                    "img/a.txt",
                    "index.html",
                    "posts/keep/index.html",
                    "robots.txt",
                    "rss.xml",
                    "shows/index.html",
                    "sitemap.xml",
                    "style.css",
                    "tags/index.html",
                    "tags/남음/index.html",
                ],
                &["cards/posts/keep.png"],
            ),
            1,
        )
    );
    assert_eq!(hidden_siblings(site.root(), "public"), Vec::<String>::new());
}

#[test]
fn output_flag_writes_to_that_folder_only() {
    let site = built_site();
    fs::remove_dir_all(site.path("public")).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let out: PathBuf = elsewhere.path().join("deep/dist");
    let r = site.build_with(&["--output", out.to_str().unwrap()]);
    assert_contains(&r.stdout, &format!("into {}", out.display()));
    assert!(!site.path("public").exists());
    assert_contains(
        &fs::read_to_string(out.join("posts/keep/index.html")).unwrap(),
        "<h1>남는 글</h1>",
    );
    assert_eq!(
        fs::read_to_string(out.join("img/a.txt")).unwrap(),
        "static file\n"
    );
    assert_eq!(
        hidden_siblings(out.parent().unwrap(), "dist"),
        Vec::<String>::new()
    );
    assert_eq!(
        fs::read_dir(elsewhere.path().join("deep")).unwrap().count(),
        1,
        "only dist/ next to the output"
    );
}

#[test]
fn relative_output_is_relative_to_the_working_directory() {
    let site = built_site();
    let cwd = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_showpress"))
        .args(["--root"])
        .arg(site.root())
        .args(["build", "--output", "dist"])
        .current_dir(cwd.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(cwd.path().join("dist/posts/keep/index.html").is_file());
    assert!(!site.path("dist").exists());
}

#[test]
fn no_staging_folder_is_left_after_success_or_failure() {
    let site = built_site();
    assert_eq!(hidden_siblings(site.root(), "public"), Vec::<String>::new());
    site.build();
    assert_eq!(hidden_siblings(site.root(), "public"), Vec::<String>::new());
    site.write(
        "content/posts/broken.md",
        &post("title = 1\ndate = 2025-03-26", "x\n"),
    );
    assert_eq!(site.run(&["build"]).code, 1);
    assert_eq!(hidden_siblings(site.root(), "public"), Vec::<String>::new());
    // Staging folders are hidden from content discovery and from the output.
    assert!(
        site.output_files()
            .iter()
            .all(|f| !f.contains("showpress-"))
    );
}

#[test]
fn leftover_swap_folder_from_an_interrupted_build_does_not_break_the_next_build() {
    let site = built_site();
    // What a build killed between moving public/ aside and deleting it leaves behind.
    site.write(".public.old/index.html", "an older build\n");
    let r = site.run(&["build"]);
    // Today: exit 1, "error: failed to move `<site>/public`: Directory not empty (os error 39)".
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(site.exists("posts/keep/index.html"));
}
