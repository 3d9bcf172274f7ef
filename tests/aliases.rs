//! `aliases = [...]` in front matter: each old address of a post or page is a small page that
//! sends readers (and search engines) to the new one, and old feed addresses
//! (`[feed_aliases]`) serve the feed itself. Errors (an alias over another page, a malformed
//! alias) are pinned in `tests/fixtures/errors/alias-*`.

mod common;

use common::{TestSite, assert_contains, assert_not_contains};

/// The page an alias of the `deepseek` post is, under the site's base path `/blog/`.
const REDIRECT: &str = "<link rel=\"canonical\" href=\"https://example.com/blog/posts/deepseek/\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url=https://example.com/blog/posts/deepseek/\">\n</head>\n<body>\n<p>이 글은 <a href=\"/blog/posts/deepseek/\">딥시크 충격, 방송은 무엇을 놓쳤나</a>(으)로 옮겼습니다.</p>";

#[test]
fn every_old_address_of_a_post_redirects_to_it() {
    let site = TestSite::fixture("aliases");
    let r = site.build();
    assert_eq!(r.stderr, "");
    // A file, a folder written in Hangul, the same folder percent-encoded.
    for file in [
        "2025/03/25/deepseek.html",
        "category/경제/deepseek/index.html",
        "딥시크/index.html",
    ] {
        assert_contains(&site.read(file), REDIRECT);
    }
    // A standalone page's alias.
    assert_contains(
        &site.read("about-me/index.html"),
        "<a href=\"/blog/about/\">소개</a>",
    );
}

#[test]
fn aliases_are_not_pages_of_the_site() {
    let site = TestSite::fixture("aliases");
    site.build();
    let sitemap = site.read("sitemap.xml");
    assert_contains(
        &sitemap,
        "<loc>https://example.com/blog/posts/deepseek/</loc>",
    );
    assert_not_contains(&sitemap, "deepseek.html");
    assert_not_contains(&sitemap, "about-me");
    // No header, search box or feed links: only the way on.
    assert_not_contains(&site.read("2025/03/25/deepseek.html"), "<header");
    assert_not_contains(&site.read("atom.xml"), "deepseek.html");
}

#[test]
fn old_feed_addresses_serve_the_feeds_themselves() {
    let site = TestSite::fixture("aliases");
    site.build();
    let (atom, old_atom) = (site.read("atom.xml"), site.read("feed.xml"));
    let (rss, old_rss) = (site.read("rss.xml"), site.read("index.xml"));
    // Feed readers subscribed to the old address keep its id and self link.
    assert_contains(
        &old_atom,
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"https://example.com/blog/feed.xml\"/>",
    );
    let entries = |feed: &str| feed[feed.find("<entry>").unwrap()..].to_string();
    assert_eq!(entries(&atom), entries(&old_atom));
    let items = |feed: &str| feed[feed.find("<item>").unwrap()..].to_string();
    assert_eq!(items(&rss), items(&old_rss));
}

/// A title edit shows on the alias page too, also when `build` renders from its cache.
#[test]
fn an_alias_follows_its_posts_title() {
    let site = TestSite::fixture("aliases");
    site.build();
    let file = "content/posts/2025-03-25-deepseek.md";
    let text = std::fs::read_to_string(site.path(file)).unwrap();
    site.write(file, &text.replace("딥시크 충격", "딥시크의 충격"));
    site.build();
    assert_contains(
        &site.read("2025/03/25/deepseek.html"),
        "<title>딥시크의 충격, 방송은 무엇을 놓쳤나</title>",
    );
}

/// Removing an alias removes its page; the site passes `check`.
#[test]
fn a_removed_alias_leaves_no_page_behind() {
    let site = TestSite::fixture("aliases");
    site.build();
    let r = site.run(&["check", "--deny-warnings"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let file = "content/posts/2025-03-25-deepseek.md";
    let text = std::fs::read_to_string(site.path(file)).unwrap();
    site.write(
        file,
        &text.replace("  \"/2025/03/25/deepseek.html\",\n", ""),
    );
    site.build();
    assert!(!site.exists("2025/03/25/deepseek.html"));
    assert!(site.exists("딥시크/index.html"));
}
