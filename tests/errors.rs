//! Every case in `tests/fixtures/errors/<case>/` is a broken site. Building it must fail with
//! exactly the text in the case's `expected-stderr.txt` and exit code 1, never panic, and leave
//! an existing `public/` untouched.
//!
//! To add a case: create the folder with the broken site, run with `UPDATE_EXPECT=1`, then read
//! the new `expected-stderr.txt` as a user would before committing it.

mod common;

use std::fs;

use common::{TestSite, fixtures};

const EXPECTED: &str = "expected-stderr.txt";

fn check_case(name: &str) -> Result<(), String> {
    let site = TestSite::fixture(&format!("errors/{name}"));
    let _ = fs::remove_file(site.path(EXPECTED));
    // A previous good build that must survive the failed one.
    site.write("public/index.html", "previous build\n");
    site.write("public/posts/old/index.html", "old post\n");
    let mut r = site.run(&["build"]);
    // Temp folders differ per run; the message shows whatever --root was given.
    r.stderr = r
        .stderr
        .replace(&site.root().display().to_string(), "<site>");
    let expected_path = fixtures().join("errors").join(name).join(EXPECTED);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        fs::write(&expected_path, &r.stderr).unwrap();
    }
    let expected = fs::read_to_string(&expected_path)
        .map_err(|e| format!("{name}: no {EXPECTED} ({e}); run with UPDATE_EXPECT=1"))?;
    let mut problems = Vec::new();
    if r.stderr != expected {
        problems.push(format!(
            "stderr differs.\n--- expected ---\n{expected}\n--- actual ---\n{}",
            r.stderr
        ));
    }
    if r.code != 1 {
        problems.push(format!("exit code {} instead of 1", r.code));
    }
    if r.stderr.contains("panicked") {
        problems.push("panicked".into());
    }
    if site.output_files() != ["index.html", "posts/old/index.html"]
        || site.read("index.html") != "previous build\n"
    {
        problems.push(format!("public/ changed: {:?}", site.output_files()));
    }
    let leftovers: Vec<_> = fs::read_dir(site.root())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".showpress-"))
        .collect();
    if !leftovers.is_empty() {
        problems.push(format!("staging folders left behind: {leftovers:?}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("case `{name}`:\n{}", problems.join("\n")))
    }
}

#[test]
fn every_error_fixture_fails_with_its_exact_message() {
    let mut names: Vec<String> = fs::read_dir(fixtures().join("errors"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 20, "only {} error cases", names.len());
    let failures: Vec<String> = names.iter().filter_map(|n| check_case(n).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        names.len(),
        failures.join("\n\n")
    );
}

/// Bytes that are not UTF-8 cannot sit in a committed fixture comfortably, so this one is made
/// here.
#[test]
fn a_post_that_is_not_utf8_names_the_line_and_column_of_the_bad_byte() {
    let site = TestSite::empty();
    site.write("config.toml", common::CONFIG);
    fs::create_dir_all(site.path("content/posts")).unwrap();
    fs::write(
        site.path("content/posts/latin1.md"),
        b"+++\ntitle = \"caf\xe9\"\ndate = 2025-03-25\n+++\n",
    )
    .unwrap();
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "error: invalid UTF-8 (byte 0xE9), expected the file to be UTF-8 text\n \
         --> content/posts/latin1.md:2:13\n  |\n2 | title = \"caf\u{fffd}\"\n  |             ^\n\n\
         error: could not build the site: 1 error in 1 file\n"
    );
}
