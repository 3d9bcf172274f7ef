//! `showpress init` makes a site that builds; `showpress new` writes a post with valid front
//! matter, proposes the next episode, and never overwrites.

mod common;

use std::fs;

use common::{TestSite, assert_contains};

#[test]
fn init_creates_a_site_that_builds() {
    let site = TestSite::empty();
    let dir = site.path("new-site");
    let r = site.run(&["init", dir.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_contains(
        &r.stdout,
        &format!("Created a showpress site in {} (", dir.display()),
    );
    assert_contains(
        &r.stdout,
        "  showpress serve      # preview at http://127.0.0.1:1111/ while you write\n",
    );
    for f in [
        "config.toml",
        "content/about.md",
        "static/style.css",
        "templates/base.html",
        "templates/post.html",
        "templates/partials/pager.html",
        "templates/atom.xml",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_showpress"))
        .arg("--root")
        .arg(&dir)
        .arg("build")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let post = fs::read_to_string(dir.join("public/posts/hello/index.html")).unwrap();
    assert_contains(&post, "<h1>첫 글: 어떤 방송을 다룰까</h1>");
    // The build's output and cache stay out of version control.
    assert_eq!(
        fs::read_to_string(dir.join(".gitignore")).unwrap(),
        "public/\n.showpress/\n"
    );
    assert!(dir.join(".showpress/state").is_file());
    assert_contains(&post, "<span class=\"role\">예시 출연자</span>");
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_unless_forced() {
    let site = TestSite::empty();
    site.write("notes.txt", "mine\n");
    let root = site.root().to_str().unwrap().to_string();
    let r = site.run(&["init", &root]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        format!(
            "error: `{root}` is not empty; showpress init makes a new site in an empty or new folder (--force writes into it anyway, replacing files of the same names)\n"
        )
    );
    assert!(!site.path("config.toml").exists());
    let r = site.run(&["init", &root, "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(site.path("config.toml").exists());
    assert_eq!(
        fs::read_to_string(site.path("notes.txt")).unwrap(),
        "mine\n"
    );
}

#[test]
fn new_writes_a_post_with_valid_front_matter() {
    let site = TestSite::fixture("pages");
    let r = site.run(&[
        "new",
        "딥시크와 \"판교\"",
        "--show",
        "AI 라운드테이블",
        "--episode",
        "6",
        "--guest",
        "서영주:포항공과대학교 인공지능대학원장",
        "--guest",
        "박희덕",
        "--tag",
        "AI",
        "--tag",
        "딥시크",
        "--source",
        "https://news.example.com/1?a=b",
        "--date",
        "2025-03-25T11:46:00",
        "--aired",
        "2025-03-21T18:30:00",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "content/posts/2025/2025-03-25-딥시크와-판교.md\n");
    assert_eq!(r.stderr, "");
    assert_eq!(
        fs::read_to_string(site.path("content/posts/2025/2025-03-25-딥시크와-판교.md")).unwrap(),
        "+++\ntitle = '딥시크와 \"판교\"'\ndate = 2025-03-25T11:46:00+09:00\nshow = \"AI 라운드테이블\"\nepisode = 6\naired = 2025-03-21T18:30:00+09:00\ntags = [\"AI\", \"딥시크\"]\n\n[[guests]]\nname = \"서영주\"\nrole = \"포항공과대학교 인공지능대학원장\"\n\n[[guests]]\nname = \"박희덕\"\n\n[source]\nurl = \"https://news.example.com/1?a=b\"\n+++\n\n첫 문단은 목록과 피드에 요약으로 쓰입니다.\n\n<!-- more -->\n\n## 방송의 요지\n\n\n## 내 생각\n\n"
    );
    site.build();
    let page = site.read("posts/딥시크와-판교/index.html");
    assert_contains(&page, "<h1>딥시크와 &quot;판교&quot;</h1>");
    assert_contains(
        &page,
        "AI 라운드테이블</a> <a href=\"/shows/ai-%EB%9D%BC%EC%9A%B4%EB%93%9C%ED%85%8C%EC%9D%B4%EB%B8%94/6/\">6회</a> · <time datetime=\"2025-03-21T18:30:00+09:00\">2025년 3월 21일 (금)</time> 방송</p>",
    );
}

#[test]
fn new_writes_an_air_day_as_a_day() {
    let site = TestSite::fixture("pages");
    let r = site.run(&[
        "new",
        "방송 메모",
        "--show",
        "쇼",
        "--episode",
        "2",
        "--aired",
        "2025-03-21",
        "--date",
        "2025-03-25",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = fs::read_to_string(site.path("content/posts/2025/2025-03-25-방송-메모.md")).unwrap();
    assert!(
        text.contains("\nshow = \"쇼\"\nepisode = 2\naired = 2025-03-21\n"),
        "{text}"
    );
}

#[test]
fn new_proposes_the_shows_next_episode() {
    let site = TestSite::fixture("pages");
    // 경제토크쇼픽 (profile slug `pick`) has episodes 1 and 3 in the fixture.
    let r = site.run(&[
        "new",
        "다음 회",
        "--show",
        "경제토크쇼픽",
        "--date",
        "2025-04-10",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "note: episode = 4, the next after 3 (edit it if that is not the one)\n"
    );
    let text = fs::read_to_string(site.path("content/posts/2025/2025-04-10-다음-회.md")).unwrap();
    assert_contains(&text, "show = \"경제토크쇼픽\"\nepisode = 4\n");
    let r = site.run(&[
        "new",
        "새 프로그램",
        "--show",
        "처음 보는 쇼",
        "--date",
        "2025-04-11",
    ]);
    assert_eq!(
        r.stderr,
        "note: episode = 1, the show's first in this site (edit it if needed)\n"
    );
    site.build();
    assert!(site.exists("shows/pick/4/index.html"));
}

#[test]
fn new_never_overwrites_a_post() {
    let site = TestSite::fixture("pages");
    let first = site.run(&["new", "같은 제목", "--date", "2025-05-01"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let path = site.path("content/posts/2025/2025-05-01-같은-제목.md");
    fs::write(
        &path,
        "+++\ntitle = \"손으로 고친 글\"\ndate = 2025-05-01\n+++\n",
    )
    .unwrap();
    let r = site.run(&["new", "같은 제목", "--date", "2025-05-01"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "error: `content/posts/2025/2025-05-01-같은-제목.md` already exists; showpress new never overwrites a post (choose another title or --date)\n"
    );
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "+++\ntitle = \"손으로 고친 글\"\ndate = 2025-05-01\n+++\n"
    );
}

#[test]
fn new_rejects_what_would_not_build() {
    let site = TestSite::fixture("pages");
    for (args, message) in [
        (
            vec!["new", "x", "--episode", "3"],
            "error: --episode needs --show: which show is it an episode of?\n",
        ),
        (
            vec!["new", "x", "--source", "javascript:alert(1)"],
            "error: --source `javascript:alert(1)` is not an absolute http(s) URL, expected one such as https://example.com/news/1\n",
        ),
        (
            vec!["new", "x", "--date", "어제"],
            "error: --date: invalid date \"어제\", expected a date such as 2025-03-25, 2025-03-25T11:46:00 or 2025-03-25T11:46:00+09:00\n",
        ),
        (
            vec!["new", "x", "--aired", "2025-03-21"],
            "error: --aired needs --show: which show's episode aired then?\n",
        ),
        (
            vec!["new", "x", "--show", "쇼", "--aired", "지난주"],
            "error: --aired: invalid date \"지난주\", expected a date such as 2025-03-25, 2025-03-25T11:46:00 or 2025-03-25T11:46:00+09:00\n",
        ),
        (
            vec!["new", "x", "--guest", ":역할"],
            "error: --guest `:역할` has no name, expected \"name\" or \"name:role\"\n",
        ),
    ] {
        let r = site.run(&args);
        assert_eq!((r.code, r.stderr.as_str()), (1, message), "{args:?}");
    }
    assert!(
        !site.path("content/posts/2025").exists()
            || fs::read_dir(site.path("content/posts/2025"))
                .unwrap()
                .count()
                == 0
    );
}
