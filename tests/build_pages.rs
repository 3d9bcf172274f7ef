//! Builds the `pages` fixture (a small Korean site: two shows, five posts, two guests, three
//! tags, an about page, static files) and checks what a reader sees on every kind of page.
//!
//! The fixture in short:
//! - 경제토크쇼픽 (profile `shows/econ.md`, `slug = "pick"`): episode 1 (posts `first` 03-11 and
//!   `recap` 03-20) and episode 3 (post `rates` 03-18, guests as tables with roles, source as a
//!   table, a summary and headings).
//! - AI 라운드테이블 (no profile): episode 5 (post `deepseek` 04-02).
//! - `year-end` (2024-12-30): no show.
//! - 서영주 has a profile (role 기자); 박민수 is only named in `rates`.

mod common;

use std::fs;

use common::{TestSite, assert_contains, assert_not_contains};

/// The fixture, built.
fn built() -> TestSite {
    let site = TestSite::fixture("pages");
    site.build();
    site
}

/// Asserts each needle occurs in `haystack`, each after the previous one.
#[track_caller]
fn assert_in_order(haystack: &str, needles: &[&str]) {
    let mut from = 0;
    for n in needles {
        match haystack[from..].find(n) {
            Some(i) => from += i + n.len(),
            None => panic!(
                "expected to find, after byte {from}:\n{n}\n(order: {needles:#?})\n--- in ---\n{haystack}"
            ),
        }
    }
}

const SEO: &str = "/guests/%EC%84%9C%EC%98%81%EC%A3%BC/";
const PARK: &str = "/guests/%EB%B0%95%EB%AF%BC%EC%88%98/";
const AI_SHOW: &str = "/shows/ai-%EB%9D%BC%EC%9A%B4%EB%93%9C%ED%85%8C%EC%9D%B4%EB%B8%94/";
const TAG_ECONOMY: &str = "/tags/%EA%B2%BD%EC%A0%9C/";
const TAG_RATES: &str = "/tags/%EA%B8%88%EB%A6%AC/";

#[test]
fn writes_exactly_one_file_per_page_plus_assets() {
    let site = built();
    assert_eq!(
        common::search::masked(&site.output_files()),
        common::search::with_index(
            common::cards::with_cards(
                &[
                    "404.html",
                    "about/index.html",
                    "archive/index.html",
                    "atom.xml",
                    "guests/index.html",
                    "guests/박민수/atom.xml",
                    "guests/박민수/index.html",
                    "guests/서영주/atom.xml",
                    "guests/서영주/index.html",
                    "images/logo.svg",
                    "index.html",
                    "posts/deepseek/index.html",
                    "posts/first/index.html",
                    "posts/rates/index.html",
                    "posts/recap/index.html",
                    "posts/year-end/index.html",
                    "robots.txt",
                    "rss.xml",
                    "shows/ai-라운드테이블/5/index.html",
                    "shows/ai-라운드테이블/atom.xml",
                    "shows/ai-라운드테이블/index.html",
                    "shows/index.html",
                    "shows/pick/1/index.html",
                    "shows/pick/3/index.html",
                    "shows/pick/atom.xml",
                    "shows/pick/index.html",
                    "sitemap.xml",
                    "style.css",
                    "tags/ai/index.html",
                    "tags/index.html",
                    "tags/경제/index.html",
                    "tags/금리/index.html",
                ],
                &[
                    "cards/guests/박민수.png",
                    "cards/guests/서영주.png",
                    "cards/posts/deepseek.png",
                    "cards/posts/first.png",
                    "cards/posts/rates.png",
                    "cards/posts/recap.png",
                    "cards/posts/year-end.png",
                    "cards/shows/ai-라운드테이블.png",
                    "cards/shows/pick.png"
                ],
            ),
            5,
        )
    );
}

#[test]
fn every_page_is_korean_and_has_the_site_chrome() {
    let site = built();
    for file in site.output_files().iter().filter(|f| f.ends_with(".html")) {
        let html = site.read(file);
        assert!(
            html.starts_with("<!doctype html>\n<html lang=\"ko\">\n"),
            "{file}:\n{html}"
        );
        assert_contains(&html, "<link rel=\"stylesheet\" href=\"/style.css\">");
        assert_contains(&html, "<a class=\"site-title\" href=\"/\">토크쇼 읽기</a>");
        assert_contains(
            &html,
            "<li><a href=\"/shows/\">프로그램</a></li>\n<li><a href=\"/guests/\">출연자</a></li>\n<li><a href=\"/tags/\">태그</a></li>\n<li><a href=\"/archive/\">보관함</a></li>",
        );
        assert_contains(
            &html,
            "<footer class=\"site-footer\">\n<p>© 김기자 · 토크쇼 읽기</p>\n</footer>",
        );
    }
}

#[test]
fn home_lists_every_post_newest_first_with_show_episode_and_summary() {
    let html = built().read("index.html");
    assert_contains(&html, "<title>토크쇼 읽기</title>");
    assert_contains(
        &html,
        "<meta name=\"description\" content=\"방송 토론을 글로 읽습니다\">",
    );
    assert_contains(&html, "<p class=\"lede\">방송 토론을 글로 읽습니다</p>");
    assert_in_order(
        &html,
        &[
            "<h2 class=\"card-title\"><a href=\"/posts/deepseek/\">딥시크 이야기</a></h2>",
            "<h2 class=\"card-title\"><a href=\"/posts/recap/\">첫 회 다시 보기</a></h2>",
            "<h2 class=\"card-title\"><a href=\"/posts/rates/\">금리 토론</a></h2>",
            "<h2 class=\"card-title\"><a href=\"/posts/first/\">첫 회 정리</a></h2>",
            "<h2 class=\"card-title\"><a href=\"/posts/year-end/\">연말 결산</a></h2>",
        ],
    );
    assert_contains(
        &html,
        &format!(
            "<p class=\"meta\"><time datetime=\"2025-04-02T09:30:00+09:00\">2025년 4월 2일 (수)</time> · <a href=\"{AI_SHOW}\">AI 라운드테이블</a> <a href=\"{AI_SHOW}5/\">5회</a> · 1분 분량</p>"
        ),
    );
    // A post without a show has no show link in its card.
    assert_contains(
        &html,
        "<p class=\"meta\"><time datetime=\"2024-12-30T00:00:00+09:00\">2024년 12월 30일 (월)</time> · 1분 분량</p>",
    );
    // Summary from front matter, else the first paragraph only.
    assert_contains(
        &html,
        "<div class=\"summary\"><p>금리 인하를 둘러싼 토론 요약</p></div>",
    );
    assert_contains(
        &html,
        "<div class=\"summary\"><p>첫 방송에서 나온 이야기를 정리했습니다.</p>\n</div>",
    );
    assert_not_contains(&html, "두 번째 문단입니다.");
    // Five posts fit on one page of ten: no pager.
    assert_not_contains(&html, "class=\"pager\"");
}

#[test]
fn post_page_links_show_episode_guests_with_roles_source_and_tags() {
    let html = built().read("posts/rates/index.html");
    assert_contains(&html, "<title>금리 토론 · 토크쇼 읽기</title>");
    assert_contains(
        &html,
        "<p class=\"kicker\"><a href=\"/shows/pick/\">경제토크쇼픽</a> <a href=\"/shows/pick/3/\">3회</a></p>\n<h1>금리 토론</h1>",
    );
    // A local datetime is read in Asia/Seoul; one short post is one minute.
    assert_contains(
        &html,
        "<p class=\"meta\"><time datetime=\"2025-03-18T21:00:00+09:00\">2025년 3월 18일 (화)</time> · <span class=\"reading-time\">1분 분량</span></p>",
    );
    assert_contains(
        &html,
        &format!(
            "<ul class=\"guests\">\n<li><a href=\"{SEO}\">서영주</a> <span class=\"role\">산업부 기자</span></li>\n<li><a href=\"{PARK}\">박민수</a> <span class=\"role\">경제학 교수</span></li>\n</ul>"
        ),
    );
    assert_contains(
        &html,
        "<aside class=\"source\">\n<h2>원문</h2>\n<p><a href=\"https://news.example.com/b/2\" rel=\"noopener\">금리 인하 논쟁</a> <span class=\"outlet\">한국일보</span></p>\n</aside>",
    );
    assert_contains(
        &html,
        &format!(
            "<ul class=\"tags\" aria-label=\"태그\"><li><a href=\"{TAG_ECONOMY}\">#경제</a></li><li><a href=\"{TAG_RATES}\">#금리</a></li></ul>"
        ),
    );
}

#[test]
fn post_page_has_a_nested_table_of_contents_matching_heading_ids() {
    let site = built();
    let html = site.read("posts/rates/index.html");
    assert_contains(
        &html,
        "<nav class=\"toc\" aria-label=\"목차\">\n<h2>목차</h2>\n<ol><li><a href=\"#쟁점\">쟁점</a><ol><li><a href=\"#물가\">물가</a></li></ol></li><li><a href=\"#전망\">전망</a></li></ol>\n</nav>",
    );
    assert_contains(
        &html,
        "<div class=\"content\">\n<p>토론의 핵심을 짚습니다.</p>\n<h2 id=\"쟁점\">쟁점</h2>\n<p>물가와 성장이 부딪칩니다.</p>\n<h3 id=\"물가\">물가</h3>\n<p>물가 이야기.</p>\n<h2 id=\"전망\">전망</h2>\n<p>하반기 전망.</p>\n\n</div>",
    );
    // A post without headings has no table of contents.
    assert_not_contains(&site.read("posts/first/index.html"), "class=\"toc\"");
}

#[test]
fn post_page_links_previous_and_next_posts_and_episodes() {
    let site = built();
    let rates = site.read("posts/rates/index.html");
    // Episode 2 does not exist: the previous episode of 3 is 1, and there is no next one.
    assert_contains(
        &rates,
        "<nav class=\"episode-nav\" aria-label=\"같은 프로그램의 다른 회\">\n<a rel=\"prev\" href=\"/shows/pick/1/\">← 경제토크쇼픽 1회</a>\n\n</nav>",
    );
    assert_contains(
        &rates,
        "<nav class=\"post-nav\" aria-label=\"이전 글과 다음 글\">\n<a class=\"prev-post\" href=\"/posts/first/\"><span>이전 글</span> 첫 회 정리</a>\n<a class=\"next-post\" href=\"/posts/recap/\"><span>다음 글</span> 첫 회 다시 보기</a>\n</nav>",
    );

    let first = site.read("posts/first/index.html");
    assert_contains(
        &first,
        "<nav class=\"episode-nav\" aria-label=\"같은 프로그램의 다른 회\">\n\n<a rel=\"next\" href=\"/shows/pick/3/\">경제토크쇼픽 3회 →</a>\n</nav>",
    );

    // The newest post has no next post, the oldest no previous one.
    let newest = site.read("posts/deepseek/index.html");
    assert_contains(
        &newest,
        "<a class=\"prev-post\" href=\"/posts/recap/\"><span>이전 글</span> 첫 회 다시 보기</a>",
    );
    assert_not_contains(&newest, "class=\"next-post\"");
    // Its show has a single episode: no episode navigation.
    assert_not_contains(&newest, "class=\"episode-nav\"");
    let oldest = site.read("posts/year-end/index.html");
    assert_contains(
        &oldest,
        "<a class=\"next-post\" href=\"/posts/first/\"><span>다음 글</span> 첫 회 정리</a>",
    );
    assert_not_contains(&oldest, "class=\"prev-post\"");
}

#[test]
fn post_page_with_string_forms_of_guests_and_source() {
    let site = built();
    let html = site.read("posts/first/index.html");
    // `guests = ["서영주"]`: a link, no role.
    assert_contains(
        &html,
        &format!("<ul class=\"guests\">\n<li><a href=\"{SEO}\">서영주</a></li>\n</ul>"),
    );
    // `source = "https://..."`: the URL is the link text, no outlet.
    assert_contains(
        &html,
        "<p><a href=\"https://news.example.com/a/1\" rel=\"noopener\">https://news.example.com/a/1</a></p>",
    );
    assert_not_contains(&html, "class=\"outlet\"");

    // A post with no show, guests, source or tags shows none of those parts.
    let plain = site.read("posts/year-end/index.html");
    assert_contains(
        &plain,
        "<header class=\"post-header\">\n\n<h1>연말 결산</h1>",
    );
    assert_not_contains(&plain, "class=\"kicker\"");
    assert_not_contains(&plain, "class=\"post-guests\"");
    assert_not_contains(&plain, "class=\"source\"");
}

#[test]
fn shows_index_lists_shows_by_name_with_counts() {
    let html = built().read("shows/index.html");
    assert_contains(&html, "<title>프로그램 · 토크쇼 읽기</title>");
    assert_contains(
        &html,
        &format!(
            "<ul class=\"list shows\">\n<li><a href=\"{AI_SHOW}\">AI 라운드테이블</a> <span class=\"count\">1회 · 글 1편</span></li>\n<li><a href=\"/shows/pick/\">경제토크쇼픽</a> <span class=\"network\">KBS</span> <span class=\"count\">2회 · 글 3편</span></li>\n</ul>"
        ),
    );
}

#[test]
fn show_profile_slug_decides_the_url_not_the_file_name_or_the_name() {
    let site = built();
    assert!(site.exists("shows/pick/index.html"));
    assert!(!site.exists("shows/econ"));
    assert!(!site.exists("shows/경제토크쇼픽"));
}

#[test]
fn show_page_has_profile_and_episodes_newest_number_first() {
    let html = built().read("shows/pick/index.html");
    assert_contains(&html, "<title>경제토크쇼픽 · 토크쇼 읽기</title>");
    assert_contains(
        &html,
        "<header class=\"profile\">\n<h1>경제토크쇼픽</h1>\n<p class=\"meta\">KBS · 매주 화요일 밤 10시 · 2회 · 글 3편 · <a href=\"https://tv.example.com/pick\" rel=\"noopener\">공식 홈페이지</a></p>\n<div class=\"description\"><p>매주 경제 뉴스를 짚는 <strong>토론</strong> 프로그램.</p>\n</div>\n</header>",
    );
    // Episode 3 before episode 1, although episode 1 has the newest post. Each episode is dated
    // by its earliest post and lists its guests (with roles) and its posts, newest first.
    assert_in_order(
        &html,
        &[
            "<section class=\"episode\">\n<h3><a href=\"/shows/pick/3/\">3회</a> <time datetime=\"2025-03-18T21:00:00+09:00\">2025년 3월 18일 (화)</time></h3>",
            &format!(
                "<li><a href=\"{SEO}\">서영주</a> <span class=\"role\">산업부 기자</span></li>\n<li><a href=\"{PARK}\">박민수</a> <span class=\"role\">경제학 교수</span></li>"
            ),
            "<ul class=\"list\"><li><a href=\"/posts/rates/\">금리 토론</a></li></ul>\n</section>",
            "<section class=\"episode\">\n<h3><a href=\"/shows/pick/1/\">1회</a> <time datetime=\"2025-03-11T00:00:00+09:00\">2025년 3월 11일 (화)</time></h3>",
            &format!("<ul class=\"guests\">\n<li><a href=\"{SEO}\">서영주</a></li>\n</ul>"),
            "<ul class=\"list\"><li><a href=\"/posts/recap/\">첫 회 다시 보기</a></li><li><a href=\"/posts/first/\">첫 회 정리</a></li></ul>\n</section>",
        ],
    );
    assert_not_contains(&html, "회차 밖의 글");
}

#[test]
fn show_without_profile_still_gets_its_page() {
    let html = built().read("shows/ai-라운드테이블/index.html");
    assert_contains(
        &html,
        "<header class=\"profile\">\n<h1>AI 라운드테이블</h1>\n<p class=\"meta\">1회 · 글 1편</p>\n\n</header>",
    );
    assert_contains(
        &html,
        &format!(
            "<h3><a href=\"{AI_SHOW}5/\">5회</a> <time datetime=\"2025-04-02T09:30:00+09:00\">2025년 4월 2일 (수)</time></h3>"
        ),
    );
    assert_not_contains(&html, "class=\"description\"");
    assert_not_contains(&html, "공식 홈페이지");
}

#[test]
fn episode_page_lists_guests_sources_posts_and_neighbours() {
    let site = built();
    let one = site.read("shows/pick/1/index.html");
    assert_contains(&one, "<title>경제토크쇼픽 1회 · 토크쇼 읽기</title>");
    assert_contains(
        &one,
        "<header>\n<p class=\"kicker\"><a href=\"/shows/pick/\">경제토크쇼픽</a></p>\n<h1>경제토크쇼픽 1회</h1>\n<p class=\"meta\"><time datetime=\"2025-03-11T00:00:00+09:00\">2025년 3월 11일 (화)</time> · KBS</p>\n</header>",
    );
    assert_contains(
        &one,
        &format!(
            "<h2>출연</h2>\n<ul class=\"guests\">\n<li><a href=\"{SEO}\">서영주</a></li>\n</ul>"
        ),
    );
    assert_contains(
        &one,
        "<h2>원문</h2>\n<ul class=\"list sources\"><li><a href=\"https://news.example.com/a/1\" rel=\"noopener\">https://news.example.com/a/1</a></li></ul>",
    );
    assert_in_order(
        &one,
        &[
            "<h2>이 회차를 다룬 글</h2>",
            "<a href=\"/posts/recap/\">첫 회 다시 보기</a>",
            "<a href=\"/posts/first/\">첫 회 정리</a>",
        ],
    );
    assert_contains(
        &one,
        "<nav class=\"episode-nav\" aria-label=\"이전 회와 다음 회\">\n\n<a rel=\"next\" href=\"/shows/pick/3/\">3회 →</a>\n</nav>",
    );

    let three = site.read("shows/pick/3/index.html");
    assert_contains(
        &three,
        "<ul class=\"list sources\"><li><a href=\"https://news.example.com/b/2\" rel=\"noopener\">금리 인하 논쟁</a> <span class=\"outlet\">한국일보</span></li></ul>",
    );
    assert_contains(
        &three,
        &format!(
            "<h2>출연</h2>\n<ul class=\"guests\">\n<li><a href=\"{SEO}\">서영주</a> <span class=\"role\">산업부 기자</span></li>\n<li><a href=\"{PARK}\">박민수</a> <span class=\"role\">경제학 교수</span></li>\n</ul>"
        ),
    );
    assert_contains(
        &three,
        "<nav class=\"episode-nav\" aria-label=\"이전 회와 다음 회\">\n<a rel=\"prev\" href=\"/shows/pick/1/\">← 1회</a>\n\n</nav>",
    );

    // A show without profile: no network in the meta, no source section, no neighbours.
    let five = site.read("shows/ai-라운드테이블/5/index.html");
    assert_contains(
        &five,
        "<p class=\"meta\"><time datetime=\"2025-04-02T09:30:00+09:00\">2025년 4월 2일 (수)</time></p>",
    );
    assert_not_contains(&five, "<h2>원문</h2>");
    assert_not_contains(&five, "class=\"episode-nav\"");
}

#[test]
fn guests_index_lists_everyone_by_name_with_role_and_count() {
    let html = built().read("guests/index.html");
    assert_contains(&html, "<title>출연자 · 토크쇼 읽기</title>");
    // 서영주's profile role wins over the roles given in posts.
    assert_contains(
        &html,
        &format!(
            "<ul class=\"list guests-index\">\n<li><a href=\"{PARK}\">박민수</a> <span class=\"role\">경제학 교수</span> <span class=\"count\">출연 1회</span></li>\n<li><a href=\"{SEO}\">서영주</a> <span class=\"role\">기자</span> <span class=\"count\">출연 3회</span></li>\n</ul>"
        ),
    );
}

#[test]
fn guest_profile_page_lists_appearances_newest_first_with_role_at_the_time() {
    let html = built().read("guests/서영주/index.html");
    assert_contains(&html, "<title>서영주 · 토크쇼 읽기</title>");
    assert_contains(
        &html,
        "<header class=\"profile\">\n<h1>서영주</h1>\n<p class=\"role\">기자</p>\n<div class=\"description\"><p>IT와 산업을 취재하는 기자.</p>\n</div>\n</header>",
    );
    assert_contains(
        &html,
        &format!(
            "<ul class=\"list appearances\">\n\
<li><a href=\"{AI_SHOW}\">AI 라운드테이블</a> <a href=\"{AI_SHOW}5/\">5회</a> <time datetime=\"2025-04-02T09:30:00+09:00\">2025년 4월 2일 (수)</time> <span class=\"role\">IT 전문기자</span>\n\
<ul><li><a href=\"/posts/deepseek/\">딥시크 이야기</a></li></ul></li>\n\
<li><a href=\"/shows/pick/\">경제토크쇼픽</a> <a href=\"/shows/pick/3/\">3회</a> <time datetime=\"2025-03-18T21:00:00+09:00\">2025년 3월 18일 (화)</time> <span class=\"role\">산업부 기자</span>\n\
<ul><li><a href=\"/posts/rates/\">금리 토론</a></li></ul></li>\n\
<li><a href=\"/shows/pick/\">경제토크쇼픽</a> <a href=\"/shows/pick/1/\">1회</a> <time datetime=\"2025-03-11T00:00:00+09:00\">2025년 3월 11일 (화)</time>\n\
<ul><li><a href=\"/posts/first/\">첫 회 정리</a></li></ul></li>\n\
</ul>"
        ),
    );
}

#[test]
fn guest_named_only_in_a_post_gets_a_page() {
    let html = built().read("guests/박민수/index.html");
    // No profile: the role comes from the post, and there is no description.
    assert_contains(
        &html,
        "<header class=\"profile\">\n<h1>박민수</h1>\n<p class=\"role\">경제학 교수</p>\n\n</header>",
    );
    assert_contains(
        &html,
        "<li><a href=\"/shows/pick/\">경제토크쇼픽</a> <a href=\"/shows/pick/3/\">3회</a> <time datetime=\"2025-03-18T21:00:00+09:00\">2025년 3월 18일 (화)</time> <span class=\"role\">경제학 교수</span>\n<ul><li><a href=\"/posts/rates/\">금리 토론</a></li></ul></li>",
    );
}

#[test]
fn tags_index_lists_tags_by_name_with_counts() {
    let html = built().read("tags/index.html");
    assert_contains(&html, "<title>태그 · 토크쇼 읽기</title>");
    assert_contains(
        &html,
        &format!(
            "<ul class=\"tag-cloud\">\n<li><a href=\"/tags/ai/\">#AI</a> <span class=\"count\">1</span></li>\n<li><a href=\"{TAG_ECONOMY}\">#경제</a> <span class=\"count\">3</span></li>\n<li><a href=\"{TAG_RATES}\">#금리</a> <span class=\"count\">1</span></li>\n</ul>"
        ),
    );
}

#[test]
fn tag_page_lists_its_posts_newest_first() {
    let html = built().read("tags/경제/index.html");
    assert_contains(&html, "<title>#경제 · 토크쇼 읽기</title>");
    assert_contains(&html, "<h1>#경제 <span class=\"count\">3</span></h1>");
    assert_in_order(
        &html,
        &[
            "<a href=\"/posts/rates/\">금리 토론</a>",
            "<a href=\"/posts/first/\">첫 회 정리</a>",
            "<a href=\"/posts/year-end/\">연말 결산</a>",
        ],
    );
    assert_not_contains(&html, "/posts/deepseek/");
    assert_not_contains(&html, "/posts/recap/");
}

#[test]
fn archive_groups_posts_by_year_and_month_newest_first() {
    let html = built().read("archive/index.html");
    assert_contains(&html, "<title>보관함 · 토크쇼 읽기</title>");
    assert_contains(
        &html,
        "<h1>보관함</h1>\n<section class=\"archive-year\">\n<h2>2025년</h2>\n\
<h3>4월</h3>\n<ul class=\"list\"><li><time datetime=\"2025-04-02T09:30:00+09:00\">04.02</time> <a href=\"/posts/deepseek/\">딥시크 이야기</a></li></ul>\n\
<h3>3월</h3>\n<ul class=\"list\"><li><time datetime=\"2025-03-20T00:00:00+09:00\">03.20</time> <a href=\"/posts/recap/\">첫 회 다시 보기</a></li><li><time datetime=\"2025-03-18T21:00:00+09:00\">03.18</time> <a href=\"/posts/rates/\">금리 토론</a></li><li><time datetime=\"2025-03-11T00:00:00+09:00\">03.11</time> <a href=\"/posts/first/\">첫 회 정리</a></li></ul>\n\
</section>\n<section class=\"archive-year\">\n<h2>2024년</h2>\n\
<h3>12월</h3>\n<ul class=\"list\"><li><time datetime=\"2024-12-30T00:00:00+09:00\">12.30</time> <a href=\"/posts/year-end/\">연말 결산</a></li></ul>\n\
</section>",
    );
}

#[test]
fn about_page_renders_its_markdown() {
    let html = built().read("about/index.html");
    assert_contains(&html, "<title>소개 · 토크쇼 읽기</title>");
    assert_contains(
        &html,
        "<article class=\"page\">\n<h1>소개</h1>\n<div class=\"content\">\n<p>이 블로그는 토크쇼를 글로 정리합니다.</p>\n\n</div>\n</article>",
    );
}

#[test]
fn not_found_page_links_home_and_archive() {
    let html = built().read("404.html");
    assert_contains(
        &html,
        "<title>페이지를 찾을 수 없습니다 · 토크쇼 읽기</title>",
    );
    assert_contains(
        &html,
        "<h1>페이지를 찾을 수 없습니다</h1>\n<p>주소가 바뀌었거나 삭제된 글일 수 있습니다. <a href=\"/\">첫 페이지</a>나 <a href=\"/archive/\">보관함</a>에서 찾아보세요.</p>",
    );
}

#[test]
fn theme_stylesheet_and_static_files_are_copied_byte_for_byte() {
    let site = built();
    let theme_css = fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/theme/static/style.css"
    ))
    .unwrap();
    assert_eq!(fs::read(site.path("public/style.css")).unwrap(), theme_css);
    for f in ["robots.txt", "images/logo.svg"] {
        assert_eq!(
            fs::read(site.path("public").join(f)).unwrap(),
            fs::read(site.path("static").join(f)).unwrap(),
            "{f}"
        );
    }
    assert!(!site.exists("static"));
}

#[test]
fn a_static_style_css_replaces_the_theme_one() {
    let site = TestSite::fixture("pages");
    site.write("static/style.css", "body { color: red; }\n");
    site.build();
    assert_eq!(site.read("style.css"), "body { color: red; }\n");
}

#[test]
fn a_static_file_named_like_a_generated_page_is_left_out_with_a_warning() {
    let site = TestSite::fixture("pages");
    let statics = |out: &str| {
        let (_, rest) = out.split_once(" posts, ").unwrap();
        rest.split(' ').next().unwrap().parse::<usize>().unwrap()
    };
    let before = statics(&site.build().stdout);
    site.write("static/tags/index.html", "<p>my own tag list</p>\n");
    site.write("static/tags/extra.txt", "kept\n");
    let r = site.build();
    assert_eq!(
        r.stderr,
        "warning: not published: the generated page /tags/ is written to the same file; rename or move this one\n \
         --> static/tags/index.html\n\n"
    );
    // Only extra.txt is counted as published.
    assert_eq!(statics(&r.stdout), before + 1, "{}", r.stdout);
    assert!(site.read("tags/index.html").contains("<h1>"));
    assert_eq!(site.read("tags/extra.txt"), "kept\n");
    // check says the same, as a warning.
    let c = site.run(&["check"]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    assert!(c.stderr.starts_with(
        "warning: not published: the generated page /tags/ is written to the same file; rename or move this one\n \
         --> static/tags/index.html\n"
    ), "{}", c.stderr);
}

/// What broke: the build line read "1 static files" and "1 posts".
#[test]
fn counts_in_the_build_line_read_right() {
    let site = TestSite::empty();
    site.write("config.toml", common::CONFIG);
    site.write(
        "content/posts/a.md",
        &common::post("title = \"하나\"\ndate = 2025-01-01", "본문\n"),
    );
    // The theme's style.css is the one static file.
    let r = site.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(" (1 post, 1 static file, "),
        "{}",
        r.stdout
    );
    site.write(
        "content/posts/b.md",
        &common::post("title = \"둘\"\ndate = 2025-01-02", "본문\n"),
    );
    site.write("static/favicon.ico", "icon");
    let r = site.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(" (2 posts, 2 static files, "),
        "{}",
        r.stdout
    );
}
