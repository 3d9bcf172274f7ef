//! Pagination edges with `paginate = 2` (from `common::CONFIG`): the home page with 0, 1, 2 and
//! 3 posts, and tag, guest and show pages that need a second page.

mod common;

use common::{CONFIG, TestSite, assert_contains, assert_not_contains, post};

/// A site with `n` posts dated 2025-03-01, 03-02, … (so `p{n}` is the newest), each with the
/// given extra front-matter lines.
fn site_with_posts(n: usize, extra: impl Fn(usize) -> String) -> TestSite {
    let site = TestSite::empty();
    site.write("config.toml", CONFIG);
    for i in 1..=n {
        site.write(
            &format!("content/posts/p{i}.md"),
            &post(
                &format!("title = \"글 {i}\"\ndate = 2025-03-{i:02}\n{}", extra(i)),
                &format!("본문 {i}.\n"),
            ),
        );
    }
    site.build();
    site
}

fn no_extra(_: usize) -> String {
    String::new()
}

fn card(i: usize) -> String {
    format!("<h2 class=\"card-title\"><a href=\"/posts/p{i}/\">글 {i}</a></h2>")
}

#[test]
fn no_posts_home_exists_with_an_empty_message_and_no_second_page() {
    let site = site_with_posts(0, no_extra);
    let html = site.read("index.html");
    assert_contains(&html, "<p class=\"empty\">아직 글이 없습니다.</p>");
    assert_not_contains(&html, "class=\"card\"");
    assert_not_contains(&html, "class=\"pager\"");
    assert!(!site.exists("page"));
    assert!(!site.exists("posts"));
    // The lists exist too, saying they are empty.
    assert_contains(
        &site.read("archive/index.html"),
        "<p class=\"empty\">아직 글이 없습니다.</p>",
    );
    assert_contains(
        &site.read("tags/index.html"),
        "<p class=\"empty\">아직 태그가 없습니다.</p>",
    );
    assert_contains(
        &site.read("guests/index.html"),
        "<p class=\"empty\">아직 출연자가 없습니다.</p>",
    );
    assert_contains(
        &site.read("shows/index.html"),
        "<p class=\"empty\">아직 프로그램이 없습니다.</p>",
    );
}

#[test]
fn one_post_fits_on_the_home_page() {
    let site = site_with_posts(1, no_extra);
    let html = site.read("index.html");
    assert_contains(&html, &card(1));
    assert_not_contains(&html, "아직 글이 없습니다.");
    assert_not_contains(&html, "class=\"pager\"");
    assert!(!site.exists("page"));
}

#[test]
fn exactly_two_posts_fill_one_page_and_make_no_second() {
    let site = site_with_posts(2, no_extra);
    let html = site.read("index.html");
    assert_contains(&html, &card(2));
    assert_contains(&html, &card(1));
    assert_not_contains(&html, "class=\"pager\"");
    assert_not_contains(&html, "rel=\"next\"");
    assert!(!site.exists("page/2/index.html"));
    assert!(!site.exists("page"));
}

#[test]
fn three_posts_make_a_second_page_linked_both_ways() {
    let site = site_with_posts(3, no_extra);
    let first = site.read("index.html");
    assert_contains(&first, "<title>테스트 블로그</title>");
    assert_contains(&first, &card(3));
    assert_contains(&first, &card(2));
    assert_not_contains(&first, &card(1));
    assert_contains(
        &first,
        "<nav class=\"pager\" aria-label=\"페이지\">\n\n<span class=\"pages\"><span aria-current=\"page\">1</span> <a href=\"/page/2/\">2</a> </span>\n<a rel=\"next\" href=\"/page/2/\">다음 →</a>\n</nav>",
    );
    assert_not_contains(&first, "rel=\"prev\"");

    let second = site.read("page/2/index.html");
    assert_contains(&second, "<title>2쪽 · 테스트 블로그</title>");
    assert_contains(&second, &card(1));
    assert_not_contains(&second, &card(3));
    assert_not_contains(&second, &card(2));
    assert_contains(
        &second,
        "<nav class=\"pager\" aria-label=\"페이지\">\n<a rel=\"prev\" href=\"/\">← 이전</a>\n<span class=\"pages\"><a href=\"/\">1</a> <span aria-current=\"page\">2</span> </span>\n\n</nav>",
    );
    assert_not_contains(&second, "rel=\"next\"");
    assert!(!site.exists("page/3/index.html"));
    // Page 1 lives at `/`, never at /page/1/.
    assert!(!site.exists("page/1/index.html"));
}

#[test]
fn tag_page_paginates_under_its_own_url() {
    let site = site_with_posts(3, |_| "tags = [\"경제\"]".into());
    let first = site.read("tags/경제/index.html");
    assert_contains(&first, "<h1>#경제 <span class=\"count\">3</span></h1>");
    assert_contains(&first, &card(3));
    assert_contains(&first, &card(2));
    assert_not_contains(&first, &card(1));
    assert_contains(
        &first,
        "<a rel=\"next\" href=\"/tags/%EA%B2%BD%EC%A0%9C/page/2/\">다음 →</a>",
    );

    let second = site.read("tags/경제/page/2/index.html");
    assert_contains(&second, "<title>#경제 (2쪽) · 테스트 블로그</title>");
    assert_contains(&second, &card(1));
    assert_not_contains(&second, &card(2));
    assert_contains(
        &second,
        "<a rel=\"prev\" href=\"/tags/%EA%B2%BD%EC%A0%9C/\">← 이전</a>",
    );
    assert!(!site.exists("tags/경제/page/3/index.html"));
    // The tag index counts posts, not pages.
    assert_contains(
        &site.read("tags/index.html"),
        "<li><a href=\"/tags/%EA%B2%BD%EC%A0%9C/\">#경제</a> <span class=\"count\">3</span></li>",
    );
}

#[test]
fn tag_with_two_posts_has_no_second_page() {
    let site = site_with_posts(3, |i| {
        if i > 1 {
            "tags = [\"ai\"]".into()
        } else {
            String::new()
        }
    });
    assert!(site.exists("tags/ai/index.html"));
    assert!(!site.exists("tags/ai/page"));
    assert_not_contains(&site.read("tags/ai/index.html"), "class=\"pager\"");
}

#[test]
fn guest_page_paginates_appearances() {
    // Three episodes of one show, the same guest on each: three appearances.
    let site = site_with_posts(3, |i| {
        format!("show = \"토크쇼\"\nepisode = {i}\nguests = [\"서영주\"]")
    });
    let base = "/guests/%EC%84%9C%EC%98%81%EC%A3%BC/";
    let first = site.read("guests/서영주/index.html");
    assert_contains(
        &first,
        "<a href=\"/shows/%ED%86%A0%ED%81%AC%EC%87%BC/3/\">3회</a>",
    );
    assert_contains(
        &first,
        "<a href=\"/shows/%ED%86%A0%ED%81%AC%EC%87%BC/2/\">2회</a>",
    );
    assert_not_contains(&first, "/1/\">1회</a>");
    assert_contains(
        &first,
        &format!("<a rel=\"next\" href=\"{base}page/2/\">다음 →</a>"),
    );

    let second = site.read("guests/서영주/page/2/index.html");
    assert_contains(&second, "<title>서영주 (2쪽) · 테스트 블로그</title>");
    assert_contains(
        &second,
        "<a href=\"/shows/%ED%86%A0%ED%81%AC%EC%87%BC/1/\">1회</a>",
    );
    assert_contains(&second, "<ul><li><a href=\"/posts/p1/\">글 1</a></li></ul>");
    assert_not_contains(&second, "3회</a>");
    assert_contains(
        &second,
        &format!("<a rel=\"prev\" href=\"{base}\">← 이전</a>"),
    );
    // The guest list counts appearances across pages.
    assert_contains(
        &site.read("guests/index.html"),
        "<span class=\"count\">출연 3회</span>",
    );
}

#[test]
fn show_page_paginates_episodes_but_not_episode_pages() {
    let site = site_with_posts(3, |i| format!("show = \"토크쇼\"\nepisode = {i}"));
    let first = site.read("shows/토크쇼/index.html");
    assert_contains(
        &first,
        "<h3><a href=\"/shows/%ED%86%A0%ED%81%AC%EC%87%BC/3/\">3회</a>",
    );
    assert_not_contains(
        &first,
        "<h3><a href=\"/shows/%ED%86%A0%ED%81%AC%EC%87%BC/1/\">1회</a>",
    );
    let second = site.read("shows/토크쇼/page/2/index.html");
    assert_contains(&second, "<title>토크쇼 (2쪽) · 테스트 블로그</title>");
    assert_contains(
        &second,
        "<h3><a href=\"/shows/%ED%86%A0%ED%81%AC%EC%87%BC/1/\">1회</a>",
    );
    assert_contains(
        &second,
        "<a rel=\"prev\" href=\"/shows/%ED%86%A0%ED%81%AC%EC%87%BC/\">← 이전</a>",
    );
    // Episode pages are not lists: each exists once.
    for n in 1..=3 {
        assert!(site.exists(&format!("shows/토크쇼/{n}/index.html")));
    }
}
