//! What machines read: feeds, sitemaps, robots.txt, canonical URLs, Open Graph and JSON-LD,
//! pinned on the `publishing` fixture (a site under a sub-path, a post with every field, and a
//! post whose title, tag, guest and source are made of `</script>`, `<`, `&` and quotes).

mod common;

use common::{TestSite, assert_contains, assert_not_contains};
use serde_json::{Value, json};

/// The fixture built as of 2025-03-27 00:00 in Seoul (the news sitemap keeps two days).
fn built() -> TestSite {
    let site = TestSite::fixture("publishing");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_showpress"))
        .args(["--root"])
        .arg(site.root())
        .arg("build")
        .env("SHOWPRESS_NOW", "2025-03-27T00:00:00+09:00")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    site
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let s = text
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in\n{text}"));
    let e = text[s..]
        .find(end)
        .unwrap_or_else(|| panic!("no {end} after {start}"))
        + s
        + end.len();
    &text[s..e]
}

/// Every JSON-LD block of a page, parsed.
fn json_ld(html: &str) -> Vec<Value> {
    html.split("<script type=\"application/ld+json\">")
        .skip(1)
        .map(|rest| {
            let json = &rest[..rest.find("</script>").unwrap()];
            serde_json::from_str(json).unwrap_or_else(|e| panic!("invalid JSON-LD ({e}): {json}"))
        })
        .collect()
}

const SHOW: &str =
    "https://example.com/blog/shows/%EA%B2%BD%EC%A0%9C%ED%86%A0%ED%81%AC%EC%87%BC%ED%94%BD/";

#[test]
fn atom_entry_of_a_post_carries_show_episode_guests_and_source() {
    let site = built();
    let atom = site.read("atom.xml");
    assert_contains(
        &atom,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"ko\" xml:base=\"https://example.com/blog/\">",
    );
    assert_contains(
        &atom,
        "<id>https://example.com/blog/atom.xml</id>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"https://example.com/blog/atom.xml\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"https://example.com/blog/\"/>\n<updated>2025-03-26T00:00:00+09:00</updated>",
    );
    let entry = between(&atom, "<entry>", "</entry>");
    assert_eq!(
        entry,
        format!(
            "<entry>\n<title>딥시크와 판교</title>\n<id>https://example.com/blog/posts/deepseek/</id>\n\
<link rel=\"alternate\" type=\"text/html\" href=\"https://example.com/blog/posts/deepseek/\"/>\n\
<published>2025-03-25T11:46:00+09:00</published>\n<updated>2025-03-26T00:00:00+09:00</updated>\n\
<category term=\"AI\" label=\"AI\"/>\n<category term=\"딥시크\" label=\"딥시크\"/>\n\
<category term=\"경제토크쇼픽\" label=\"경제토크쇼픽\"/>\n\
<category term=\"경제토크쇼픽 47\" label=\"경제토크쇼픽 47회\"/>\n<category term=\"서영주\" label=\"서영주\"/>\n\
<summary type=\"html\">&lt;p&gt;딥시크의 성공을 두고 나눈 이야기.&lt;/p&gt;&lt;p&gt;&lt;a href=&quot;{SHOW}&quot;&gt;경제토크쇼픽&lt;/a&gt; 47회 · \
출연: 서영주 (포항공과대학교 인공지능대학원장) · 원문: &lt;a href=&quot;https://news.example.com/view?id=1&amp;amp;lang=ko&quot;&gt;\
이유 있는 딥시크의 성공&lt;/a&gt; (매일경제TV)&lt;/p&gt;\n</summary>\n</entry>"
        )
    );
    // feed_limit = 2: the third, oldest post is left out.
    assert_eq!(atom.matches("<entry>").count(), 2);
    assert_not_contains(&atom, "오래된 글");
}

#[test]
fn rss_item_and_per_show_and_guest_feeds() {
    let site = built();
    let rss = site.read("rss.xml");
    assert_contains(
        &rss,
        "<link>https://example.com/blog/</link>\n<description>경제 토크쇼 해설</description>\n<language>ko</language>\n<atom:link href=\"https://example.com/blog/rss.xml\" rel=\"self\" type=\"application/rss+xml\"/>",
    );
    assert_contains(
        &rss,
        "<item>\n<title>딥시크와 판교</title>\n<link>https://example.com/blog/posts/deepseek/</link>\n<guid isPermaLink=\"true\">https://example.com/blog/posts/deepseek/</guid>\n<pubDate>Tue, 25 Mar 2025 11:46:00 +0900</pubDate>\n<category>AI</category>\n<category>딥시크</category>\n<category>경제토크쇼픽</category>\n<category>서영주</category>\n",
    );
    let show_feed = site.read("shows/경제토크쇼픽/atom.xml");
    assert_contains(&show_feed, "<title>경제토크쇼픽 · 토크쇼 읽기</title>");
    assert_contains(
        &show_feed,
        &format!("<link rel=\"alternate\" type=\"text/html\" href=\"{SHOW}\"/>"),
    );
    assert_eq!(show_feed.matches("<entry>").count(), 2);
    let guest_feed = site.read("guests/서영주/atom.xml");
    assert_eq!(guest_feed.matches("<entry>").count(), 1);
    // Every page advertises the site's feeds; a show's pages also advertise the show's.
    let show_page = site.read("shows/경제토크쇼픽/index.html");
    assert_contains(
        &show_page,
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"토크쇼 읽기\" href=\"/blog/atom.xml\">",
    );
    assert_contains(
        &show_page,
        "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"토크쇼 읽기\" href=\"/blog/rss.xml\">",
    );
    assert_contains(
        &show_page,
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"경제토크쇼픽 · 토크쇼 읽기\" href=\"/blog/shows/%EA%B2%BD%EC%A0%9C%ED%86%A0%ED%81%AC%EC%87%BC%ED%94%BD/atom.xml\">",
    );
}

#[test]
fn canonical_urls_are_absolute_and_each_page_has_its_own() {
    let site = built();
    for (file, url) in [
        (
            "posts/deepseek/index.html",
            "https://example.com/blog/posts/deepseek/",
        ),
        ("index.html", "https://example.com/blog/"),
        ("page/2/index.html", "https://example.com/blog/page/2/"),
        ("tags/ai/index.html", "https://example.com/blog/tags/ai/"),
        ("shows/경제토크쇼픽/47/index.html", &format!("{SHOW}47/")),
    ] {
        let html = site.read(file);
        assert_eq!(html.matches("rel=\"canonical\"").count(), 1, "{file}");
        assert_contains(&html, &format!("<link rel=\"canonical\" href=\"{url}\">"));
        assert_contains(
            &html,
            &format!("<meta property=\"og:url\" content=\"{url}\">"),
        );
    }
    assert_not_contains(&site.read("404.html"), "rel=\"canonical\"");
}

#[test]
fn post_metadata_and_json_ld() {
    let site = built();
    let html = site.read("posts/deepseek/index.html");
    // The post has no `image`: its social card when one can be drawn, else the site's image.
    let image = if common::cards::hangul_font_installed() {
        "https://example.com/blog/cards/posts/deepseek.png"
    } else {
        "https://example.com/blog/images/cover.png"
    };
    assert_contains(
        &html,
        &format!("<meta property=\"og:image\" content=\"{image}\">"),
    );
    assert_contains(
        &html,
        &format!("<meta name=\"twitter:image\" content=\"{image}\">"),
    );
    for line in [
        "<meta name=\"description\" content=\"딥시크의 성공을 두고 나눈 이야기.\">",
        "<meta property=\"og:type\" content=\"article\">",
        "<meta property=\"og:title\" content=\"딥시크와 판교\">",
        "<meta property=\"og:site_name\" content=\"토크쇼 읽기\">",
        "<meta property=\"og:locale\" content=\"ko_KR\">",
        "<meta property=\"article:published_time\" content=\"2025-03-25T11:46:00+09:00\">",
        "<meta property=\"article:modified_time\" content=\"2025-03-26T00:00:00+09:00\">",
        "<meta property=\"article:tag\" content=\"AI\">",
        "<meta property=\"article:tag\" content=\"딥시크\">",
        "<meta name=\"twitter:card\" content=\"summary_large_image\">",
        "<time datetime=\"2025-03-25T11:46:00+09:00\">2025년 3월 25일 (화)</time>",
    ] {
        assert_contains(&html, line);
    }
    assert_eq!(
        json_ld(&html),
        vec![json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": "딥시크와 판교",
            "datePublished": "2025-03-25T11:46:00+09:00",
            "dateModified": "2025-03-26T00:00:00+09:00",
            "author": {"@type": "Person", "name": "시청자"},
            "publisher": {"@type": "Organization", "name": "토크쇼 읽기", "url": "https://example.com/blog/"},
            "inLanguage": "ko",
            "mainEntityOfPage": {"@type": "WebPage", "@id": "https://example.com/blog/posts/deepseek/"},
            "url": "https://example.com/blog/posts/deepseek/",
            "keywords": ["AI", "딥시크"],
            "image": [image],
            "isBasedOn": {
                "@type": "CreativeWork",
                "url": "https://news.example.com/view?id=1&lang=ko",
                "headline": "이유 있는 딥시크의 성공",
                "publisher": {"@type": "Organization", "name": "매일경제TV"}
            },
            "citation": "https://news.example.com/view?id=1&lang=ko",
            "about": {
                "@type": "TVEpisode",
                "episodeNumber": 47,
                "url": format!("{SHOW}47/"),
                "partOfSeries": {"@type": "TVSeries", "name": "경제토크쇼픽", "url": SHOW}
            },
            "mentions": [{
                "@type": "Person",
                "name": "서영주",
                "jobTitle": "포항공과대학교 인공지능대학원장",
                "url": "https://example.com/blog/guests/%EC%84%9C%EC%98%81%EC%A3%BC/"
            }]
        })]
    );
}

#[test]
fn show_episode_guest_and_list_pages_have_their_json_ld_types() {
    let site = built();
    let ty = |file: &str| json_ld(&site.read(file))[0]["@type"].clone();
    assert_eq!(ty("shows/경제토크쇼픽/index.html"), "TVSeries");
    assert_eq!(ty("shows/경제토크쇼픽/47/index.html"), "TVEpisode");
    assert_eq!(ty("guests/서영주/index.html"), "ProfilePage");
    assert_eq!(ty("index.html"), "CollectionPage");
    assert_eq!(ty("tags/index.html"), "CollectionPage");
    let episode = &json_ld(&site.read("shows/경제토크쇼픽/47/index.html"))[0];
    assert_eq!(episode["episodeNumber"], 47);
    assert_eq!(episode["partOfSeries"]["name"], "경제토크쇼픽");
    let profile = &json_ld(&site.read("guests/서영주/index.html"))[0];
    assert_eq!(profile["mainEntity"]["name"], "서영주");
    assert_eq!(
        profile["mainEntity"]["jobTitle"],
        "포항공과대학교 인공지능대학원장"
    );
}

#[test]
fn hostile_names_come_out_escaped_everywhere() {
    let site = built();
    let html = site.read("posts/escape/index.html");
    let escaped = "&lt;/script&gt;&lt;b&gt;&quot;따옴표&quot; &amp; &#39;A&#39;&lt;/b&gt;";
    assert_contains(&html, &format!("<title>{escaped} · 토크쇼 읽기</title>"));
    assert_contains(&html, &format!("<h1>{escaped}</h1>"));
    assert_contains(
        &html,
        &format!("<meta property=\"og:title\" content=\"{escaped}\">"),
    );
    assert_contains(&html, "A&amp;B &lt;C&gt; &quot;D&quot;</a>");
    // The only `</script>` tags are the ones that close real scripts.
    assert_eq!(
        html.matches("</script>").count(),
        html.matches("<script").count()
    );
    assert_not_contains(&html, "<b>");
    let ld = &json_ld(&html)[0];
    assert_eq!(ld["headline"], "</script><b>\"따옴표\" & 'A'</b>");
    assert_eq!(ld["mentions"][0]["name"], "A&B <C> \"D\"");
    assert_eq!(ld["keywords"], json!(["<태그>"]));
    assert_eq!(ld["citation"], "https://news.example.com/a?x=1&y=<2>");
    let raw_ld = between(&html, "<script type=\"application/ld+json\">", "</script>");
    assert_contains(
        raw_ld,
        "\\u003c/script\\u003e\\u003cb\\u003e\\\"따옴표\\\" \\u0026 'A'\\u003c/b\\u003e",
    );

    let atom = site.read("atom.xml");
    assert_contains(&atom, &format!("<title>{escaped}</title>"));
    assert_contains(
        &atom,
        "<category term=\"A&amp;B &lt;C&gt; &quot;D&quot;\" label=\"A&amp;B &lt;C&gt; &quot;D&quot;\"/>",
    );
    assert_contains(
        &atom,
        "출연: A&amp;amp;B &amp;lt;C&amp;gt; &amp;quot;D&amp;quot;",
    );
    assert_contains(&site.read("rss.xml"), &format!("<title>{escaped}</title>"));
    assert_contains(
        &site.read("sitemap.xml"),
        "<loc>https://example.com/blog/tags/%ED%83%9C%EA%B7%B8/</loc>",
    );
}

#[test]
fn sitemap_robots_and_news_sitemap() {
    let site = built();
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"));
    assert_contains(
        &sitemap,
        "<url><loc>https://example.com/blog/</loc><lastmod>2025-03-26T00:00:00+09:00</lastmod></url>",
    );
    assert_contains(
        &sitemap,
        "<url><loc>https://example.com/blog/posts/older/</loc><lastmod>2025-03-01T00:00:00+09:00</lastmod></url>",
    );
    assert_not_contains(&sitemap, "404.html");
    assert_not_contains(&sitemap, "atom.xml");
    assert_eq!(
        site.read("robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://example.com/blog/sitemap.xml\n"
    );
    let news = site.read("news-sitemap.xml");
    assert_eq!(
        news.matches("<url>").count(),
        1,
        "only the post of the last two days:\n{news}"
    );
    assert_contains(
        &news,
        "<url><loc>https://example.com/blog/posts/deepseek/</loc><news:news><news:publication><news:name>토크쇼 읽기</news:name><news:language>ko</news:language></news:publication><news:publication_date>2025-03-25T11:46:00+09:00</news:publication_date><news:title>딥시크와 판교</news:title></news:news></url>",
    );
}

#[test]
fn a_static_robots_txt_wins_over_the_generated_one() {
    let site = TestSite::fixture("publishing");
    site.write("static/robots.txt", "User-agent: *\nDisallow: /\n");
    site.build();
    assert_eq!(site.read("robots.txt"), "User-agent: *\nDisallow: /\n");
}

#[test]
fn future_posts_are_held_back_unless_asked_for() {
    let site = TestSite::fixture("publishing");
    site.write(
        "content/posts/2999-01-01-later.md",
        "+++\ntitle = \"예약된 글\"\ndate = 2999-01-01\ntags = [\"예약\"]\n+++\n본문\n",
    );
    let r = site.build();
    assert_contains(
        &r.stdout,
        "Held back 1 scheduled post dated in the future (--future includes them)",
    );
    assert!(!site.exists("posts/later/index.html"));
    assert!(!site.exists("tags/예약/index.html"));
    for file in [
        "index.html",
        "atom.xml",
        "rss.xml",
        "sitemap.xml",
        "archive/index.html",
    ] {
        assert_not_contains(&site.read(file), "예약된 글");
    }
    let r = site.build_with(&["--future"]);
    assert_not_contains(&r.stdout, "Held back");
    assert!(site.exists("posts/later/index.html"));
    assert_contains(&site.read("atom.xml"), "예약된 글");
}

#[test]
fn full_content_feeds_carry_the_body() {
    let site = TestSite::fixture("publishing");
    let config = std::fs::read_to_string(site.path("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("{config}feed_full_content = true\n"),
    );
    site.write(
        "content/posts/2025-03-26-links.md",
        "+++\ntitle = \"링크\"\ndate = 2025-03-26\n+++\n[이전 글](/blog/posts/older/) ![표](/images/t.png) [외부](https://other.example/x)\n",
    );
    site.build();
    let atom = site.read("atom.xml");
    assert_contains(
        &atom,
        "<content type=\"html\">&lt;p&gt;본문 첫 문단.&lt;/p&gt;\n&lt;p&gt;&lt;a href=",
    );
    // Links inside entries are absolute: readers show them away from the site.
    assert_contains(
        &atom,
        "&lt;a href=&quot;https://example.com/blog/posts/older/&quot;&gt;이전 글&lt;/a&gt; &lt;img src=&quot;https://example.com/images/t.png&quot; alt=&quot;표&quot; decoding=&quot;async&quot;&gt; &lt;a href=&quot;https://other.example/x&quot;&gt;외부&lt;/a&gt;",
    );
}
