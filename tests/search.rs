//! Site search as published: the `/search/` page, a search box in every page's header, and an
//! index under `search/` in which Korean words are found inside compounds and names, before
//! particles, and English words in any case; `[search] enabled = false` publishes none of it;
//! a rebuild after an edit rewrites only the index files whose bytes changed; `serve` serves
//! the index of what it shows.
//!
//! What the reader's script does with the index (ranking, particles cut from the query,
//! filters, excerpts) is tested in Chromium: tests/browser/search.test.mjs.

mod common;
#[path = "common/http.rs"]
mod http;
#[path = "common/server.rs"]
mod server;

use std::time::{Duration, Instant};

use common::search::{find, urls};
use common::{TestSite, assert_contains, assert_not_contains};

const ENERGY: &str = "/posts/energy/";
const CHIPS: &str = "/posts/chips/";
const RATES: &str = "/posts/rates/";

/// Reads `search/<path>` of the site's built output.
fn on_disk(site: &TestSite) -> impl Fn(&str) -> Option<Vec<u8>> + '_ {
    move |path| std::fs::read(site.path("public/search").join(path)).ok()
}

#[test]
fn build_publishes_the_search_page_and_a_search_box_in_every_header() {
    let site = TestSite::fixture("search_index");
    site.build();
    let page = site.read("search/index.html");
    assert_contains(
        &page,
        "<label for=\"search-q\">검색어</label>\n<input type=\"search\" id=\"search-q\" name=\"q\"",
    );
    assert_contains(
        &page,
        "<noscript><p class=\"search-noscript\">검색은 브라우저에서 자바스크립트가 켜져 있어야 동작합니다. 모든 글은 <a href=\"/archive/\">보관함</a>에서 날짜순으로 볼 수 있습니다.</p></noscript>",
    );
    assert_contains(
        &page,
        "<script src=\"/search/search.js\" data-index=\"/search/\" defer></script>",
    );
    let header = "<form class=\"site-search\" role=\"search\" aria-label=\"사이트 검색\" action=\"/search/\" method=\"get\">\n\
                  <label for=\"site-search-q\" class=\"visually-hidden\">사이트 검색</label>\n\
                  <input type=\"search\" id=\"site-search-q\" name=\"q\" placeholder=\"검색\">";
    for rel in [
        "index.html",
        "posts/energy/index.html",
        "archive/index.html",
        "404.html",
    ] {
        assert_contains(&site.read(rel), header);
    }
    assert!(site.exists("search/search.js"));
    // A tool, not content: the sitemap leaves it out.
    assert_not_contains(&site.read("sitemap.xml"), "/search/");
}

#[test]
fn korean_words_are_found_inside_compounds_and_names_and_before_particles() {
    let site = TestSite::fixture("search_index");
    site.build();
    let get = on_disk(&site);
    // Inside a guest's role: 한국에너지전략연구원.
    assert_eq!(urls(&get, "연구원"), [ENERGY]);
    // Inside the compound 벤처투자 (the title's 투자 too).
    assert_eq!(urls(&get, "투자"), [ENERGY]);
    // A given name: 박희덕.
    assert_eq!(urls(&get, "희덕"), [ENERGY]);
    // Before particles: 반도체의 (title), 반도체를 (body), and the tag 반도체.
    assert_eq!(urls(&get, "반도체"), [CHIPS]);
    // Show names, tags, episode numbers.
    assert_eq!(urls(&get, "경제토크쇼픽"), [ENERGY, RATES]);
    assert_eq!(urls(&get, "금리"), [RATES]);
    // English in any case, as the reader types it (the script lowercases the query).
    assert_eq!(urls(&get, "deepseek"), [CHIPS]);
    assert_eq!(urls(&get, "hbm"), [CHIPS]);
    assert_eq!(urls(&get, "DeepSeek"), Vec::<String>::new());
    // Nothing for a word no post has, and one syllable inside a word is not indexed.
    assert_eq!(urls(&get, "비트코인"), Vec::<String>::new());
    assert_eq!(urls(&get, "덕"), Vec::<String>::new());
}

#[test]
fn a_fragment_holds_what_a_result_shows_and_no_suffix_terms_or_shortcode_tokens() {
    let site = TestSite::fixture("search_index");
    site.build();
    let found = find(&on_disk(&site), "희덕");
    assert_eq!(found.len(), 1);
    let f = &found[0];
    assert_eq!(f["title"], "전력망 투자, 누가 내나");
    assert_eq!(f["show"], "경제토크쇼픽 3회");
    assert_eq!(f["date"], "2025년 3월 4일 (화)");
    // The text as written: the player between the paragraphs leaves a line break, nothing else.
    assert_eq!(
        f["text"],
        "송전망을 늘리려면 벤처투자보다 큰 돈이 필요하다는 이야기가 나왔습니다.\n요금 인상 없이 가능한지가 쟁점입니다."
    );
}

#[test]
fn search_turned_off_publishes_no_search_page_index_or_box() {
    let site = TestSite::fixture("search_index");
    let config = std::fs::read_to_string(site.path("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("{config}\n[search]\nenabled = false\n"),
    );
    site.build();
    let files = site.output_files();
    assert!(!files.iter().any(|f| f.starts_with("search/")), "{files:?}");
    assert_not_contains(&site.read("index.html"), "site-search");

    // Turned on again, in the same output: all of it comes back.
    site.write("config.toml", &config);
    site.build();
    assert!(site.exists("search/index.html"));
    assert_eq!(urls(&on_disk(&site), "희덕"), [ENERGY]);
}

#[test]
fn a_misspelled_search_option_is_an_error_at_its_line() {
    let site = TestSite::fixture("search_index");
    let config = std::fs::read_to_string(site.path("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("{config}\n[search]\nenable = false\n"),
    );
    let r = site.run(&["build"]);
    assert_ne!(r.code, 0);
    assert_contains(&r.stderr, "unknown field `enable`, expected `enabled`");
    assert_contains(&r.stderr, "config.toml:7:1");
}

#[test]
fn a_static_file_where_the_index_goes_is_an_error_naming_it() {
    let site = TestSite::fixture("search_index");
    site.write("static/search/search.js", "alert(1);\n");
    let r = site.run(&["build"]);
    assert_ne!(r.code, 0);
    assert_contains(
        &r.stderr,
        "error: cannot publish `search/search.js`: the site's search index is published there; move this file, or set `enabled = false` under [search] in config.toml\n --> static/search/search.js",
    );
}

/// A cached build patches the last index with the edited post's part instead of making it
/// whole (`src/search/state.rs`); what it publishes must be what a clean build makes, for every
/// kind of edit a post's part depends on. A patch that misses one of them (the post's part not
/// found changed) leaves the old title, date, name or words in the index, and fails here.
#[test]
fn a_cached_build_patches_the_index_into_what_a_clean_build_makes() {
    let site = TestSite::fixture("pages");
    let rel = "content/posts/2025-03-18-rates.md";
    let edits: [(&str, &str, &str); 8] = [
        (
            "body",
            "토론의 핵심을 짚습니다.",
            "토론의 핵심을 짚습니다. 환율전망도 봅니다.",
        ),
        (
            "title",
            "title = \"금리 토론\"",
            "title = \"금리 인하 토론\"",
        ),
        (
            "date",
            "date = 2025-03-18T21:00:00",
            "date = 2025-03-19T21:00:00",
        ),
        (
            "tag",
            "tags = [\"경제\", \"금리\"]",
            "tags = [\"경제\", \"통화정책\"]",
        ),
        ("guest", "name = \"서영주\"", "name = \"서영주기자\""),
        (
            "role",
            "role = \"경제학 교수\"",
            "role = \"거시경제학 교수\"",
        ),
        ("episode", "episode = 3", "episode = 4"),
        (
            "show",
            "show = \"경제토크쇼픽\"\nepisode = 4",
            "show = \"시사토크쇼\"\nepisode = 4",
        ),
    ];
    let timing = [("SHOWPRESS_TIMING", "1")];
    let first = site.run_env(&["build"], &timing);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let clean = site.root().with_extension("clean");
    for (what, from, to) in edits {
        let text = std::fs::read_to_string(site.path(rel)).unwrap();
        assert_contains(&text, from);
        site.write(rel, &text.replace(from, to));
        let run = site.run_env(&["build"], &timing);
        assert_eq!(run.code, 0, "{what}: {}", run.stderr);
        assert_contains(&run.stderr, "timing:   search patched (");
        let _ = std::fs::remove_dir_all(&clean);
        site.build_with(&["--no-cache", "--output", clean.to_str().unwrap()]);
        let index = |dir: &std::path::Path| common::files_under(&dir.join("search"));
        assert!(
            index(&site.path("public")) == index(&clean),
            "{what}: the patched index differs from a clean build's"
        );
    }
}

/// The cache's file of the index is read on a thread of its own while the model is built; one
/// that turns out damaged then cannot stop the build (the cache was already taken as good),
/// so the index is made whole: what is published is still what a clean build makes, and the
/// cache saved names a good file again.
#[test]
fn a_damaged_cache_file_of_the_index_makes_the_index_whole_not_wrong() {
    let site = TestSite::fixture("pages");
    site.build();
    let (name, _) = cached_index(&site).pop().unwrap();
    let path = site.path(&format!(".showpress/{name}"));
    let mut bytes = std::fs::read(&path).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&path, &bytes).unwrap();
    let rel = "content/posts/2025-03-18-rates.md";
    let text = std::fs::read_to_string(site.path(rel)).unwrap();
    site.write(rel, &text.replace("토론의 핵심을", "토론의 요점을"));
    let run = site.run_env(&["build"], &[("SHOWPRESS_TIMING", "1")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stderr.contains("timing:   search patched ("),
        "{}",
        run.stderr
    );
    let clean = site.root().with_extension("clean");
    site.build_with(&["--no-cache", "--output", clean.to_str().unwrap()]);
    let index = |dir: &std::path::Path| common::files_under(&dir.join("search"));
    assert!(index(&site.path("public")) == index(&clean));
    // The next edit patches again, from the file the last build saved.
    let text = std::fs::read_to_string(site.path(rel)).unwrap();
    site.write(rel, &text.replace("토론의 요점을", "토론의 핵심을"));
    let run = site.run_env(&["build"], &[("SHOWPRESS_TIMING", "1")]);
    assert_contains(&run.stderr, "timing:   search patched (");
}

/// The build cache's file of the index (`.showpress/search-<checksum>`): its name and mtime.
fn cached_index(site: &TestSite) -> Vec<(String, std::time::SystemTime)> {
    let mut found: Vec<_> = std::fs::read_dir(site.path(".showpress"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("search-"))
        .map(|e| {
            let mtime = e.metadata().unwrap().modified().unwrap();
            (e.file_name().to_string_lossy().into_owned(), mtime)
        })
        .collect();
    found.sort();
    found
}

/// A build in which no post's part of the index changed (a template edit) names the cache's
/// file of the index again instead of encoding and writing it anew; a body edit replaces it.
#[test]
fn a_build_that_changes_no_posts_part_keeps_the_caches_file_of_the_index() {
    let site = TestSite::fixture("pages");
    let timing = [("SHOWPRESS_TIMING", "1")];
    site.build();
    let first = cached_index(&site);
    assert_eq!(first.len(), 1, "{first:?}");
    site.write(
        "templates/partials/footer.html",
        "<footer>바뀐 바닥글</footer>\n",
    );
    let run = site.run_env(&["build"], &timing);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stderr, "timing:   search patched (0 changed)");
    assert_eq!(cached_index(&site), first);
    let rel = "content/posts/2025-03-18-rates.md";
    let text = std::fs::read_to_string(site.path(rel)).unwrap();
    site.write(rel, &text.replace("토론의 핵심을", "토론의 요점을"));
    site.build();
    let after = cached_index(&site);
    assert_eq!(after.len(), 1, "{after:?}");
    assert_ne!(after[0].0, first[0].0);
}

#[test]
fn a_rebuild_after_one_edit_rewrites_only_the_index_files_whose_bytes_changed() {
    let site = TestSite::fixture("search_index");
    site.build();
    let before = common::stamps_under(&site.path("public"));
    let rel = "content/posts/2025-03-18-rates.md";
    let text = std::fs::read_to_string(site.path(rel)).unwrap();
    // A paragraph after the first: the summary lists show stays as it was.
    site.write(
        rel,
        &text.replace("짚었습니다.", "짚었습니다.\n\n물가가 변수입니다."),
    );
    site.build();
    let after = common::stamps_under(&site.path("public"));
    let changed: Vec<&String> = after
        .iter()
        .filter(|(f, s)| before.get(*f) != Some(*s))
        .map(|(f, _)| f)
        .collect();
    let gone: Vec<&String> = before.keys().filter(|f| !after.contains_key(*f)).collect();
    // The post's page, its new fragment, the docs file naming it, the chunk(s) holding its
    // terms, and meta.json naming those. Nothing else: not the script, not the other
    // fragments, not the search page.
    assert!(
        changed.contains(&&"posts/rates/index.html".to_string()),
        "{changed:?}"
    );
    assert!(
        changed.contains(&&"search/meta.json".to_string()),
        "{changed:?}"
    );
    for f in &changed {
        assert!(
            *f == "posts/rates/index.html"
                || *f == "search/meta.json"
                || f.starts_with("search/doc/")
                || f.starts_with("search/docs/")
                || f.starts_with("search/index/"),
            "{f} was rewritten: {changed:?}"
        );
    }
    // The old fragment file and docs file are gone: the three posts' fragments are in one
    // file, and there is one docs file.
    assert!(gone.iter().all(|f| f.starts_with("search/")), "{gone:?}");
    let docs: Vec<&String> = after
        .keys()
        .filter(|f| f.starts_with("search/doc/") || f.starts_with("search/docs/"))
        .collect();
    assert_eq!(docs.len(), 2, "{docs:?}");
    assert_eq!(urls(&on_disk(&site), "물가"), [RATES]);
}

/// Over HTTP from a running `serve`: `search/<path>`.
fn over_http(port: u16) -> impl Fn(&str) -> Option<Vec<u8>> {
    move |path| {
        let r = http::get(port, &format!("/search/{path}"));
        (r.status == 200).then_some(r.body)
    }
}

#[test]
fn serve_serves_an_index_with_the_text_of_the_last_save() {
    let site = TestSite::fixture("search_index");
    let mut server = server::Server::spawn(&site, &[]);
    let deadline = Instant::now() + Duration::from_secs(30);
    let serving = loop {
        let line = server
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("no Serving line; stderr: {}", server.stderr()));
        if line.starts_with("Serving http://127.0.0.1:") {
            break line;
        }
    };
    let port = server::Server::port_of(&serving);
    assert_eq!(urls(&over_http(port), "희덕"), [ENERGY]);

    // A body edit (serve's fast path) and a title edit (a post's card changes).
    let rel = "content/posts/2025-03-18-rates.md";
    let text = std::fs::read_to_string(site.path(rel)).unwrap();
    site.write(
        rel,
        &text.replace("짚었습니다.", "짚었습니다. 환율도 변수입니다."),
    );
    wait_for(port, "환율", &[RATES]);
    let text = std::fs::read_to_string(site.path(rel)).unwrap();
    site.write(
        rel,
        &text.replace("금리 동결의 속사정", "기준금리 동결의 속사정"),
    );
    wait_for(port, "기준금리", &[RATES]);
    // The body edit before it is still in the index.
    assert_eq!(urls(&over_http(port), "환율"), [RATES]);
    assert!(server.child.try_wait().unwrap().is_none(), "serve exited");
}

/// Polls the served index until `word` finds `expected` (10 s at most).
#[track_caller]
fn wait_for(port: u16, word: &str, expected: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        // A half-updated index can be read between two files: try again then.
        let got = std::panic::catch_unwind(|| urls(&over_http(port), word)).ok();
        if got.as_deref().is_some_and(|g| g == expected) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the served index never found {word:?} in {expected:?}; last: {got:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
