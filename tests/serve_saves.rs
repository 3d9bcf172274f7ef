//! `serve` and the ways editors save: in place, through a temp file renamed over the post
//! (vim, sed, gedit, JetBrains, Qt/Kate). Whatever the editor, the saved text is served and
//! serve's `Rebuilt` line names the saved file alone: no editor temp file in it
//! ("… and 1 more"), which also meant a wait for that "missing" file before rebuilding.

mod common;
#[path = "common/http.rs"]
mod http;
#[path = "common/saves.rs"]
mod saves;
#[path = "common/server.rs"]
mod server;

use std::fs;
use std::time::{Duration, Instant};

use common::{TestSite, assert_contains};
use saves::Style;
use server::Server;

/// The longest any one wait may take (the server starting, a rebuild).
const WAIT: Duration = Duration::from_secs(10);
/// How long without output counts as "no more lines coming".
const QUIET: Duration = Duration::from_millis(700);
const FIRST: &str = "content/posts/2025-03-11-first.md";

/// Waits until GET `target` returns a body containing `text`.
#[track_caller]
fn wait_served(server: &Server, target: &str, text: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let body = http::get(server.port, target).text();
        if body.contains(text) {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "{target} never showed {text:?}; last body:\n{body}\n--- stdout ---\n{}",
            server.stdout.join("\n")
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Every `Rebuilt` line among `lines` names `rel` and nothing else.
#[track_caller]
fn assert_only_names(lines: &[String], rel: &str, what: &str) {
    for line in lines.iter().filter(|l| l.starts_with("Rebuilt ")) {
        assert!(
            line.ends_with(&format!(" ms ({rel})")),
            "{what}: the rebuild should name {rel} alone: {line}"
        );
    }
}

/// Saves with `style`, replacing `old` by `new` in the file, and checks what the writer sees:
/// the new text served, one rebuild line naming the file alone.
fn save_and_check(
    server: &mut Server,
    site: &TestSite,
    rel: &str,
    style: Style,
    old: &str,
    new: &str,
    page: &str,
) {
    // Lines of an earlier save that came late (a second rebuild) must name the file too.
    let late = server.lines_until_quiet(Duration::from_millis(50));
    assert_only_names(&late, rel, "an earlier save");
    let path = site.path(rel);
    let text = fs::read_to_string(&path).unwrap().replacen(old, new, 1);
    saves::save(style, &path, &text, (old, new));
    wait_served(server, page, new);
    let line = server
        .line_before("Rebuilt ", Instant::now() + WAIT)
        .unwrap_or_else(|| panic!("{style:?}: no Rebuilt line; stderr:\n{}", server.stderr()));
    assert_only_names(&[line], rel, &format!("{style:?}"));
}

#[test]
fn every_way_of_saving_a_post_is_served_and_names_only_the_post() {
    let site = TestSite::fixture("pages");
    let mut server = Server::serving(&site, &[], WAIT);
    let mut old = "두 번째 문단입니다.".to_string();
    for (i, style) in saves::ALL.into_iter().enumerate() {
        let new = format!("두 번째 문단, {i}번째 저장입니다.");
        save_and_check(
            &mut server,
            &site,
            FIRST,
            style,
            &old,
            &new,
            "/posts/first/",
        );
        old = new;
    }
    // A title edit (every list showing the post changes) through sed's temp file too.
    save_and_check(
        &mut server,
        &site,
        FIRST,
        Style::Sed,
        "첫 회 정리",
        "첫 회를 sed로 정리",
        "/",
    );
    let rest = server.lines_until_quiet(QUIET);
    assert_only_names(&rest, FIRST, "after the last save");
    assert_eq!(server.stderr(), "");
}

/// `static/` publishes files of any name: its saves go through the same temp files.
#[test]
fn saving_a_static_file_through_a_temp_file_names_only_it() {
    let site = TestSite::fixture("pages");
    let rel = "static/notes.txt";
    site.write(rel, "메모 첫 줄\n");
    let mut server = Server::serving(&site, &[], WAIT);
    let line = "메모 첫 줄";
    let mut old = line.to_string();
    for (i, style) in [Style::Sed, Style::Gedit, Style::QtUnnamed]
        .into_iter()
        .enumerate()
    {
        let new = format!("{line} # {i}");
        save_and_check(&mut server, &site, rel, style, &old, &new, "/notes.txt");
        old = new;
    }
    assert_eq!(server.stderr(), "");
}

/// A temp file that is written and deleted without being renamed (a save given up, Qt's
/// `cancelWriting`) changes nothing; saves right after one another are all served, the last
/// one last.
#[test]
fn a_temp_file_given_up_rebuilds_nothing_and_no_save_is_lost() {
    let site = TestSite::fixture("pages");
    let mut server = Server::serving(&site, &[], WAIT);
    let given_up = site.path("content/posts/2025-03-11-first.md.QxYzAb");
    fs::write(&given_up, "+++\nbroken").unwrap();
    fs::remove_file(&given_up).unwrap();
    let lines = server.lines_until_quiet(QUIET);
    assert!(
        !lines.iter().any(|l| l.starts_with("Rebuilt")),
        "a temp file created and deleted rebuilt the site: {lines:?}"
    );

    // Three saves in a row, in three editors' ways, with no pause: one burst or several,
    // the page ends with the last text.
    let path = site.path(FIRST);
    let mut old = "두 번째 문단입니다.".to_string();
    for (i, style) in [Style::Sed, Style::QtUnnamed, Style::Gedit]
        .into_iter()
        .enumerate()
    {
        let new = format!("연달아 {i}번 저장.");
        let text = fs::read_to_string(&path).unwrap().replacen(&old, &new, 1);
        saves::save(style, &path, &text, (&old, &new));
        old = new;
    }
    let page = wait_served(&server, "/posts/first/", &old);
    assert!(
        !page.contains("연달아 1번"),
        "an earlier save is served after the last"
    );
    let rest = server.lines_until_quiet(QUIET);
    assert_only_names(&rest, FIRST, "saves in a row");
    assert_contains(&http::get(server.port, "/posts/first/").text(), &old);
    assert_eq!(server.stderr(), "");
}
