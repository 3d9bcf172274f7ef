//! For the social card tests: whether this machine has a font that can draw Korean (asked of
//! showpress itself, so the tests and the program agree), and skipping or failing without one.
#![allow(dead_code)]

use std::io::Write;
use std::sync::OnceLock;

use super::TestSite;

/// The warning `build` prints when no font has Hangul.
pub const NO_HANGUL: &str = "warning: no font with Hangul found, social cards are off; install one (Debian: fonts-nanum) or set [cards] font = \"path\"\n";

/// Whether showpress finds a system font with Hangul: a one-post site is built once per test
/// process and its output looked at.
pub fn hangul_font_installed() -> bool {
    static FOUND: OnceLock<bool> = OnceLock::new();
    *FOUND.get_or_init(|| {
        let site = TestSite::empty();
        site.write(
            "config.toml",
            "title = \"t\"\nbase_url = \"https://example.com/\"\n",
        );
        site.write(
            "content/posts/a.md",
            "+++\ntitle = \"가\"\ndate = 2025-01-01\n+++\n본문.\n",
        );
        let r = site.build_raw(&[]);
        !r.stderr.contains("no font with Hangul")
    })
}

/// True when a test that draws cards can run. Without a Hangul font it says so on the
/// terminal (past the test harness's capture) and returns false; with
/// `SHOWPRESS_REQUIRE_HANGUL_FONT=1` (CI) it fails instead, so CI cannot pass by skipping.
pub fn can_draw(test: &str) -> bool {
    if hangul_font_installed() {
        return true;
    }
    if std::env::var("SHOWPRESS_REQUIRE_HANGUL_FONT").as_deref() == Ok("1") {
        panic!(
            "{test}: no Hangul font found and SHOWPRESS_REQUIRE_HANGUL_FONT=1 (apt-get install fonts-nanum)"
        );
    }
    let _ = writeln!(
        std::io::stderr().lock(),
        "{test}: skipped: no Hangul font (apt-get install fonts-nanum)"
    );
    false
}

/// The output files a test expects, with `cards` (social cards) among them when this machine
/// can draw them: sorted like [`TestSite::output_files`].
pub fn with_cards(files: &[&str], cards: &[&str]) -> Vec<String> {
    let mut all: Vec<String> = files.iter().map(|f| f.to_string()).collect();
    if hangul_font_installed() {
        all.extend(cards.iter().map(|c| c.to_string()));
        all.sort();
    }
    all
}
