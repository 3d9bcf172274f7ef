//! Hangul slugs stay readable in file names and are percent-encoded in links; `slug` overrides;
//! decomposed (NFD) and precomposed (NFC) Hangul give one URL; tags that differ only in ASCII
//! case share a page; a `base_url` with a sub-path, or `--base-url`, prefixes every link.

mod common;

use common::{CONFIG, TestSite, assert_contains, assert_not_contains, post};
use unicode_normalization::UnicodeNormalization;

const TAG_DEEPSEEK: &str = "/tags/%EB%94%A5%EC%8B%9C%ED%81%AC/";
const GUEST_SEO: &str = "/guests/%EC%84%9C%EC%98%81%EC%A3%BC/";
const POST_ANALYSIS: &str = "/posts/%EB%94%A5%EC%8B%9C%ED%81%AC-%EB%B6%84%EC%84%9D/";

fn site(config: &str) -> TestSite {
    let site = TestSite::empty();
    site.write("config.toml", config);
    site
}

fn nfd(s: &str) -> String {
    let d: String = s.nfd().collect();
    assert_ne!(d, s, "the test needs a string that decomposes");
    d
}

/// One post, `2025-03-25-딥시크-분석.md`, with a Hangul tag, guest and show.
fn hangul_site(config: &str) -> TestSite {
    let site = site(config);
    site.write(
        "content/posts/2025-03-25-딥시크-분석.md",
        &post(
            "title = \"딥시크 분석\"\ndate = 2025-03-25\nshow = \"경제 토크\"\nepisode = 2\ntags = [\"딥시크\"]\nguests = [\"서영주\"]",
            "본문.\n",
        ),
    );
    site
}

#[test]
fn hangul_tag_is_a_readable_folder_and_an_encoded_link() {
    let site = hangul_site(CONFIG);
    site.build();
    assert!(site.exists("tags/딥시크/index.html"));
    assert_contains(
        &site.read("tags/딥시크/index.html"),
        "<h1>#딥시크 <span class=\"count\">1</span></h1>",
    );
    let link = format!("<a href=\"{TAG_DEEPSEEK}\">#딥시크</a>");
    assert_contains(&site.read("tags/index.html"), &link);
    assert_contains(
        &site.read("posts/딥시크-분석/index.html"),
        &format!("<li>{link}</li>"),
    );
}

#[test]
fn hangul_guest_and_show_are_readable_folders_and_encoded_links() {
    let site = hangul_site(CONFIG);
    site.build();
    assert!(site.exists("guests/서영주/index.html"));
    assert!(site.exists("shows/경제-토크/index.html"));
    assert!(site.exists("shows/경제-토크/2/index.html"));
    let post = site.read("posts/딥시크-분석/index.html");
    assert_contains(
        &post,
        &format!("<li><a href=\"{GUEST_SEO}\">서영주</a></li>"),
    );
    assert_contains(
        &post,
        "<p class=\"kicker\"><a href=\"/shows/%EA%B2%BD%EC%A0%9C-%ED%86%A0%ED%81%AC/\">경제 토크</a> <a href=\"/shows/%EA%B2%BD%EC%A0%9C-%ED%86%A0%ED%81%AC/2/\">2회</a></p>",
    );
    assert_contains(
        &site.read("guests/index.html"),
        &format!("<a href=\"{GUEST_SEO}\">서영주</a>"),
    );
}

#[test]
fn dated_hangul_file_name_gives_a_hangul_post_url() {
    let site = hangul_site(CONFIG);
    site.build();
    assert!(site.exists("posts/딥시크-분석/index.html"));
    assert!(!site.exists("posts/2025-03-25-딥시크-분석"));
    assert_contains(
        &site.read("index.html"),
        &format!("<h2 class=\"card-title\"><a href=\"{POST_ANALYSIS}\">딥시크 분석</a></h2>"),
    );
    assert_contains(
        &site.read("archive/index.html"),
        &format!("<a href=\"{POST_ANALYSIS}\">딥시크 분석</a>"),
    );
}

#[test]
fn slug_in_front_matter_overrides_the_file_name() {
    let site = site(CONFIG);
    site.write(
        "content/posts/2025-03-25-딥시크-분석.md",
        &post(
            "title = \"t\"\ndate = 2025-03-25\nslug = \"DeepSeek Analysis!\"",
            "x\n",
        ),
    );
    site.write(
        "content/posts/other.md",
        &post(
            "title = \"u\"\ndate = 2025-03-26\nslug = \"판교 이야기\"",
            "x\n",
        ),
    );
    site.build();
    assert!(site.exists("posts/deepseek-analysis/index.html"));
    assert!(site.exists("posts/판교-이야기/index.html"));
    assert!(!site.exists("posts/딥시크-분석"));
    assert!(!site.exists("posts/other"));
    let home = site.read("index.html");
    assert_contains(&home, "<a href=\"/posts/deepseek-analysis/\">t</a>");
    assert_contains(
        &home,
        "<a href=\"/posts/%ED%8C%90%EA%B5%90-%EC%9D%B4%EC%95%BC%EA%B8%B0/\">u</a>",
    );
}

#[test]
fn decomposed_file_name_gives_the_same_url_as_precomposed() {
    let site = site(CONFIG);
    site.write(
        &format!("content/posts/2025-03-25-{}.md", nfd("딥시크-분석")),
        &post("title = \"macOS에서 쓴 글\"\ndate = 2025-03-25", "x\n"),
    );
    site.write(
        &format!("content/{}.md", nfd("소개")),
        &post("title = \"소개\"", "x\n"),
    );
    site.build();
    // The folder is written in NFC, and the link is the NFC encoding.
    assert!(site.exists("posts/딥시크-분석/index.html"));
    assert!(!site.exists(&format!("posts/{}", nfd("딥시크-분석"))));
    assert_contains(
        &site.read("index.html"),
        &format!("<a href=\"{POST_ANALYSIS}\">macOS에서 쓴 글</a>"),
    );
    assert!(site.exists("소개/index.html"));
}

#[test]
fn decomposed_names_in_front_matter_merge_with_precomposed_ones() {
    let site = site(CONFIG);
    site.write(
        "content/posts/a.md",
        &post(
            "title = \"a\"\ndate = 2025-03-25\ntags = [\"딥시크\"]\nguests = [\"서영주\"]",
            "x\n",
        ),
    );
    site.write(
        "content/posts/b.md",
        &post(
            &format!(
                "title = \"b\"\ndate = 2025-03-24\ntags = [\"{}\"]\nguests = [\"{}\"]",
                nfd("딥시크"),
                nfd("서영주")
            ),
            "x\n",
        ),
    );
    site.build();
    assert_eq!(
        site.output_files()
            .iter()
            .filter(|f| f.starts_with("tags/") || f.starts_with("guests/"))
            .collect::<Vec<_>>(),
        [
            "guests/index.html",
            "guests/서영주/atom.xml",
            "guests/서영주/index.html",
            "tags/index.html",
            "tags/딥시크/index.html",
        ]
    );
    assert_contains(
        &site.read("tags/딥시크/index.html"),
        "<h1>#딥시크 <span class=\"count\">2</span></h1>",
    );
    assert_contains(
        &site.read("guests/index.html"),
        "<span class=\"count\">출연 2회</span>",
    );
}

#[test]
fn tags_differing_only_in_ascii_case_share_one_page() {
    let site = site(CONFIG);
    site.write(
        "content/posts/new.md",
        &post(
            "title = \"새 글\"\ndate = 2025-03-25\ntags = [\"AI\"]",
            "x\n",
        ),
    );
    site.write(
        "content/posts/old.md",
        &post(
            "title = \"옛 글\"\ndate = 2025-03-24\ntags = [\"ai\"]",
            "x\n",
        ),
    );
    site.build();
    assert!(site.exists("tags/ai/index.html"));
    assert!(!site.exists("tags/AI"));
    let tags = site.read("tags/index.html");
    // The newest post's spelling names the tag.
    assert_contains(
        &tags,
        "<ul class=\"tag-cloud\">\n<li><a href=\"/tags/ai/\">#AI</a> <span class=\"count\">2</span></li>\n</ul>",
    );
    let page = site.read("tags/ai/index.html");
    assert_contains(&page, "<h1>#AI <span class=\"count\">2</span></h1>");
    assert_contains(&page, "<a href=\"/posts/new/\">새 글</a>");
    assert_contains(&page, "<a href=\"/posts/old/\">옛 글</a>");
    // Both posts link to the one page, each showing the shared name.
    assert_contains(
        &site.read("posts/old/index.html"),
        "<li><a href=\"/tags/ai/\">#AI</a></li>",
    );
}

#[test]
fn base_url_with_a_sub_path_prefixes_every_link() {
    let site =
        hangul_site("title = \"t\"\nbase_url = \"https://example.com/blog/\"\npaginate = 2\n");
    site.write("content/about.md", &post("title = \"소개\"", "x\n"));
    site.build();
    // Files are still written at the output root, not under blog/.
    assert!(site.exists("index.html"));
    assert!(!site.exists("blog"));
    let home = site.read("index.html");
    assert_contains(&home, "<link rel=\"stylesheet\" href=\"/blog/style.css\">");
    assert_contains(&home, "<a class=\"site-title\" href=\"/blog/\">t</a>");
    assert_contains(&home, "<li><a href=\"/blog/tags/\">태그</a></li>");
    assert_contains(
        &home,
        &format!("<a href=\"/blog{POST_ANALYSIS}\">딥시크 분석</a>"),
    );
    let post = site.read("posts/딥시크-분석/index.html");
    assert_contains(
        &post,
        &format!("<a href=\"/blog{TAG_DEEPSEEK}\">#딥시크</a>"),
    );
    assert_contains(&post, &format!("<a href=\"/blog{GUEST_SEO}\">서영주</a>"));
    assert_contains(
        &post,
        "<a href=\"/blog/shows/%EA%B2%BD%EC%A0%9C-%ED%86%A0%ED%81%AC/2/\">2회</a>",
    );
    assert_contains(
        &site.read("404.html"),
        "<a href=\"/blog/archive/\">보관함</a>",
    );
    // No link anywhere escapes the sub-path.
    for f in site.output_files().iter().filter(|f| f.ends_with(".html")) {
        let html = site.read(f);
        for (i, _) in html.match_indices("href=\"/") {
            assert!(
                html[i..].starts_with("href=\"/blog/"),
                "{f}: {}",
                &html[i..(i + 60).min(html.len())]
            );
        }
    }
}

#[test]
fn base_url_without_trailing_slash_is_the_same_sub_path() {
    let site = hangul_site("title = \"t\"\nbase_url = \"https://example.com/blog\"\n");
    site.build();
    assert_contains(
        &site.read("index.html"),
        "<link rel=\"stylesheet\" href=\"/blog/style.css\">",
    );
}

#[test]
fn base_url_flag_overrides_the_config() {
    let site = hangul_site("title = \"t\"\nbase_url = \"https://example.com/blog/\"\n");
    // The built-in theme only uses root-relative links; show the absolute ones too.
    site.write(
        "templates/partials/footer.html",
        "<footer>{{ site.base_url }} {{ current_permalink }}</footer>\n",
    );
    site.build_with(&["--base-url", "https://news.example.org/talk"]);
    let post = site.read("posts/딥시크-분석/index.html");
    assert_contains(&post, "<link rel=\"stylesheet\" href=\"/talk/style.css\">");
    assert_contains(
        &post,
        &format!("<a href=\"/talk{TAG_DEEPSEEK}\">#딥시크</a>"),
    );
    assert_contains(
        &post,
        &format!(
            "<footer>https://news.example.org/talk/ https://news.example.org/talk{POST_ANALYSIS}</footer>"
        ),
    );
    assert_not_contains(&post, "/blog/");
    assert_not_contains(&post, "example.com");
}

#[test]
fn base_url_flag_is_validated() {
    let site = hangul_site(CONFIG);
    let r = site.run(&["build", "--base-url", "ftp://example.com/"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "error: --base-url: invalid base_url `ftp://example.com/`, expected an http or https URL\n"
    );
    assert!(!site.exists(""));
}

#[test]
fn decomposed_names_sort_like_precomposed_ones() {
    let site = site(CONFIG);
    site.write(
        "content/posts/a.md",
        &post(
            &format!(
                "title = \"a\"\ndate = 2025-03-25\nguests = [\"나래\", \"{}\"]",
                nfd("다람")
            ),
            "x\n",
        ),
    );
    site.build();
    // Today the list is 다람 (decomposed bytes) then 나래.
    assert_contains(
        &site.read("guests/index.html"),
        "<ul class=\"list guests-index\">\n<li><a href=\"/guests/%EB%82%98%EB%9E%98/\">나래</a> <span class=\"count\">출연 1회</span></li>\n<li><a href=\"/guests/%EB%8B%A4%EB%9E%8C/\">다람</a> <span class=\"count\">출연 1회</span></li>\n</ul>",
    );
}
