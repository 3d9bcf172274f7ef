//! Links between content files become the URLs of the pages made from them.

mod common;

use common::{TestSite, assert_contains};

#[test]
fn at_paths_and_relative_md_links_become_page_urls() {
    let site = TestSite::fixture("links");
    site.build();
    let a = site.read("posts/a/index.html");
    assert_contains(
        &a,
        "<a href=\"/blog/posts/bee/#둘째-절\">B의 둘째 절</a>과 <a href=\"/blog/about/\">소개</a>, 그리고 <a href=\"/blog/posts/bee/\">B</a>.",
    );
    let b = site.read("posts/bee/index.html");
    assert_contains(&b, "<h2 id=\"둘째-절\">둘째 절</h2>");
    assert_contains(
        &site.read("about/index.html"),
        "<a href=\"/blog/posts/a/\">글 A</a>를 보세요.",
    );
    // The summary on the home page carries the resolved links too.
    assert_contains(
        &site.read("index.html"),
        "<a href=\"/blog/posts/bee/#둘째-절\">B의 둘째 절</a>",
    );
    for file in site.output_files() {
        if file.ends_with(".html") || file.ends_with(".xml") {
            assert!(
                !site.read(&file).contains("showpress-internal-link"),
                "{file}"
            );
        }
    }
}

#[test]
fn a_link_follows_its_target_when_the_slug_changes() {
    let site = TestSite::fixture("links");
    let b = site.path("content/posts/2025/2025-03-02-b.md");
    let text = std::fs::read_to_string(&b)
        .unwrap()
        .replace("slug = \"bee\"", "slug = \"bravo\"");
    std::fs::write(&b, text).unwrap();
    site.build();
    assert_contains(
        &site.read("posts/a/index.html"),
        "<a href=\"/blog/posts/bravo/#둘째-절\">B의 둘째 절</a>",
    );
}
