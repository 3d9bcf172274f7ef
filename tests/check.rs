//! `showpress check` reports every problem a build would meet, and the ones a build lets
//! through, without writing anything.

mod common;

use common::TestSite;

#[test]
fn a_good_site_checks_clean_and_nothing_is_written() {
    let site = TestSite::fixture("pages");
    let r = site.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "check: 0 errors, 0 warnings (5 posts checked, 29 pages rendered)\n"
    );
    assert_eq!(r.stderr, "");
    assert!(!site.path("public").exists());
}

#[test]
fn every_broken_file_is_reported_in_one_run() {
    let site = TestSite::fixture("errors/several-broken-files");
    let r = site.run(&["check"]);
    assert_eq!(r.code, 1);
    // The same diagnostics as build, then check's own count.
    let build = site.run(&["build"]);
    let diagnostics = build
        .stderr
        .rsplit_once("error: could not build")
        .unwrap()
        .0;
    assert_eq!(
        r.stderr,
        format!("{diagnostics}check: 3 errors, 0 warnings\n")
    );
}

#[test]
fn disagreeing_guest_lists_for_one_episode_are_an_error_naming_both_files() {
    let site = TestSite::fixture("check-conflict");
    let r = site.run(&["check"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "error: 쇼 episode 3: guests 갑, 병 here, but 갑, 을 in content/posts/a.md, expected the same guests in every post about one episode\n \
         --> content/posts/b.md\n  = note: the other post is content/posts/a.md\n\n\
         check: 1 error, 0 warnings (3 posts checked, 22 pages rendered)\n"
    );
}

#[test]
fn likely_slips_are_warnings_and_deny_warnings_fails_on_them() {
    let site = TestSite::fixture("check-warnings");
    let r = site.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "warning: `서영 주` differs from the profile name `서영주` only in spacing or case: a typo?\n \
         --> content/posts/a.md\n  = note: the profile is content/guests/seo.md\n\n\
         warning: the post names a show but no `episode`, so it is listed outside the episode index\n \
         --> content/posts/b.md\n\n\
         warning: the source https://news.example.com/1 is also the source of content/posts/a.md: a copy-paste slip?\n \
         --> content/posts/b.md\n\n\
         warning: dated 2999-01-01T00:00:00+09:00 (in the future): held back until then unless --future\n \
         --> content/posts/c.md\n\n"
    );
    assert_eq!(
        r.stdout,
        "check: 0 errors, 4 warnings (3 posts checked, 20 pages rendered)\n"
    );
    let r = site.run(&["check", "--deny-warnings"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .ends_with("check: 0 errors, 4 warnings (3 posts checked, 20 pages rendered)\n")
    );
}

#[test]
fn a_broken_internal_link_is_an_error_in_check_too() {
    let site = TestSite::fixture("errors/broken-anchor");
    let r = site.run(&["check"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.starts_with("error: broken link `b.md#셋째-절`: `content/posts/b.md` has no heading or footnote with the id `셋째-절`\n --> content/posts/a.md:6:1\n"), "{}", r.stderr);
}
