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
        "check: 0 errors, 0 warnings (5 posts checked, 30 pages rendered)\n"
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
fn disagreeing_air_dates_or_guest_lists_for_one_episode_are_errors_at_the_key_naming_both_files() {
    // Episode 3: a.md (earliest) airs 2025-01-01 with 갑, 을; b.md names 갑, 병; c.md airs a
    // day earlier; d.md agrees with a.md in table form and with a time of day. Episode 4: the
    // `[[guests]]` table form disagrees with a plain list.
    let site = TestSite::fixture("check-conflict");
    let r = site.run(&["check"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "error: 쇼 episode 3: aired 2024-12-31 here, but 2025-01-01 in content/posts/a.md, expected one air date per episode\n \
         --> content/posts/c.md:6:9\n  |\n6 | aired = 2024-12-31\n  |         ^^^^^^^^^^\n  \
         = note: the other post is content/posts/a.md\n\n\
         error: 쇼 episode 3: guests 갑, 병 here, but 갑, 을 in content/posts/a.md, expected the same guests in every post about one episode\n \
         --> content/posts/b.md:6:10\n  |\n6 | guests = [\"갑\", \"병\"]\n  |          ^^^^^^^^^^^^\n  \
         = note: the other post is content/posts/a.md\n\n\
         error: 쇼 episode 4: guests 무 here, but 정 in content/posts/e.md, expected the same guests in every post about one episode\n \
         --> content/posts/f.md:7:1\n  |\n7 | [[guests]]\n  | ^^^^^^^^^^\n  \
         = note: the other post is content/posts/e.md\n\n\
         check: 3 errors, 0 warnings (6 posts checked, 31 pages rendered)\n"
    );
    // A build lets it through: the episode airs on the earliest post's day.
    let r = site.run(&["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let episode = site.read("shows/쇼/3/index.html");
    assert!(
        episode.contains(
            "<p class=\"meta\"><time datetime=\"2025-01-01T00:00:00+09:00\">2025년 1월 1일 (수)</time> 방송</p>"
        ),
        "{episode}"
    );
    assert!(episode.contains("\"datePublished\":\"2025-01-01T00:00:00+09:00\""));
    let post = site.read("posts/d/index.html");
    assert!(
        post.contains(
            "<a href=\"/shows/%EC%87%BC/3/\">3회</a> · <time datetime=\"2025-01-01T20:00:00+09:00\">2025년 1월 1일 (수)</time> 방송</p>"
        ),
        "{post}"
    );
    // An episode no post gives an air date for shows its earliest post's date, unlabelled.
    let episode = site.read("shows/쇼/4/index.html");
    assert!(episode.contains(
        "<p class=\"meta\"><time datetime=\"2025-02-01T00:00:00+09:00\">2025년 2월 1일 (토)</time></p>"
    ));
    assert!(!episode.contains("datePublished"));
}

/// What broke: `check` on the shipped example warned that two posts about one episode cite
/// the same article, which is what this kind of blog does.
#[test]
fn the_shipped_example_passes_check_with_deny_warnings() {
    let site = TestSite::example();
    let r = site.run(&["check", "--deny-warnings"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    assert!(
        r.stdout.starts_with("check: 0 errors, 0 warnings ("),
        "{}",
        r.stdout
    );
}

/// Posts citing one source warn only when they disagree about the show or episode: `d.md`
/// cites `a.md`'s article about the same episode and gets no warning, `b.md` (no episode) does.
#[test]
fn likely_slips_are_warnings_and_deny_warnings_fails_on_them() {
    let site = TestSite::fixture("check-warnings");
    let r = site.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "warning: `서영 주` differs from the profile name `서영주` only in spacing or case: a typo?\n \
         --> content/posts/a.md:6:11\n  |\n6 | guests = [\"서영 주\"]\n  |           ^^^^^^^^^\n  \
         = note: the profile is content/guests/seo.md\n\n\
         warning: the post names a show but no `episode`, so it is listed outside the episode index\n \
         --> content/posts/b.md:4:8\n  |\n4 | show = \"경제토크쇼픽\"\n  |        ^^^^^^^^^^^^^^\n\n\
         warning: the source https://news.example.com/1 is also the source of content/posts/a.md, which is about 경제토크쇼픽 1회 (this post: 경제토크쇼픽, no episode): a copy-paste slip?\n \
         --> content/posts/b.md:5:10\n  |\n5 | source = \"https://news.example.com/1\"\n  |          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n\n\
         warning: dated 2999-01-01T00:00:00+09:00 (in the future): held back until then unless --future\n \
         --> content/posts/c.md:3:8\n  |\n3 | date = 2999-01-01\n  |        ^^^^^^^^^^\n\n"
    );
    assert_eq!(
        r.stdout,
        "check: 0 errors, 4 warnings (4 posts checked, 22 pages rendered)\n"
    );
    let r = site.run(&["check", "--deny-warnings"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .ends_with("check: 0 errors, 4 warnings (4 posts checked, 22 pages rendered)\n")
    );
}

#[test]
fn a_broken_internal_link_is_an_error_in_check_too() {
    let site = TestSite::fixture("errors/broken-anchor");
    let r = site.run(&["check"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.starts_with("error: broken link `b.md#셋째-절`: `content/posts/b.md` has no heading or footnote with the id `셋째-절`\n --> content/posts/a.md:6:1\n"), "{}", r.stderr);
}

/// Found in the engine issue: a front-matter error in one file used to hide a broken `@/`
/// link in another until the first was fixed. Now the file that failed is left out of the
/// model and the links of the others are checked in the same run; a link to the broken file
/// itself is not reported twice (its own error says what is wrong).
#[test]
fn a_broken_file_does_not_hide_a_broken_link_in_another() {
    let site = TestSite::fixture("check-every-stage");
    let r = site.run(&["check"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "error: invalid type: string \"yes\", expected a boolean\n \
         --> content/posts/broken.md:4:9\n  |\n4 | draft = \"yes\"\n  |         ^^^^^\n\n\
         error: broken link `@/posts/missing.md`: no page is made from `content/posts/missing.md` (no such file, or a draft), expected a path under content/ such as `@/posts/2025/a.md`\n \
         --> content/posts/linker.md:5:1\n  |\n5 | [없는 글](@/posts/missing.md)와 [깨진 글](@/posts/broken.md).\n  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n\n\
         check: 2 errors, 0 warnings\n"
    );
    // A build stops at the first stage that fails, as before.
    let b = site.run(&["build"]);
    assert_eq!(b.code, 1);
    assert!(!b.stderr.contains("missing.md"), "{}", b.stderr);
}
