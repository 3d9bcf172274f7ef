//! What content files can do: drafts, summaries, reading time, escaping, Markdown extensions,
//! BOM and CRLF files, date forms, and template overrides.

mod common;

use common::{CONFIG, TestSite, assert_contains, assert_not_contains, post};

fn site() -> TestSite {
    let site = TestSite::empty();
    site.write("config.toml", CONFIG);
    site
}

/// A published post and a draft that shares nothing with it: its own show, episode, guest and
/// tag, so any page the draft leaks into is a page that should not exist.
fn site_with_draft() -> TestSite {
    let site = site();
    site.write(
        "content/posts/public.md",
        &post(
            "title = \"공개 글\"\ndate = 2025-03-01\ntags = [\"공개\"]",
            "공개 본문.\n",
        ),
    );
    site.write(
        "content/posts/secret.md",
        &post(
            "title = \"비공개 초안\"\ndate = 2025-03-02\ndraft = true\nshow = \"비밀쇼\"\nepisode = 1\nguests = [\"김초안\"]\ntags = [\"공개\", \"초안\"]",
            "초안 본문.\n",
        ),
    );
    site.write(
        "content/wip.md",
        &post("title = \"준비 중\"\ndraft = true", "x\n"),
    );
    site
}

#[test]
fn drafts_are_left_out_of_every_page_and_list() {
    let site = site_with_draft();
    site.build();
    assert_eq!(
        common::search::masked(&site.output_files()),
        common::search::with_index(
            common::cards::with_cards(
                &[
                    "404.html",
                    "archive/index.html",
                    "atom.xml",
                    "guests/index.html",
                    "index.html",
                    "posts/public/index.html",
                    "robots.txt",
                    "rss.xml",
                    "shows/index.html",
                    "sitemap.xml",
                    "style.css",
                    "tags/index.html",
                    "tags/공개/index.html",
                ],
                &["cards/posts/public.png"],
            ),
            1,
        )
    );
    for f in site.output_files().iter().filter(|f| f.ends_with(".html")) {
        let html = site.read(f);
        assert_not_contains(&html, "비공개 초안");
        assert_not_contains(&html, "/posts/secret/");
    }
    // Nor is the draft in the search index.
    let get = |p: &str| std::fs::read(site.path("public/search").join(p)).ok();
    assert_eq!(common::search::urls(&get, "초안"), Vec::<String>::new());
    assert_eq!(common::search::urls(&get, "공개"), ["/posts/public/"]);
    assert_contains(
        &site.read("tags/공개/index.html"),
        "<h1>#공개 <span class=\"count\">1</span></h1>",
    );
    assert_contains(
        &site.read("guests/index.html"),
        "<p class=\"empty\">아직 출연자가 없습니다.</p>",
    );
    assert_contains(
        &site.read("shows/index.html"),
        "<p class=\"empty\">아직 프로그램이 없습니다.</p>",
    );
    // The public post has no neighbours: the draft is not "next".
    assert_not_contains(&site.read("posts/public/index.html"), "class=\"post-nav\"");
}

#[test]
fn drafts_flag_publishes_drafts_everywhere() {
    let site = site_with_draft();
    site.build_with(&["--drafts"]);
    let card = "<a href=\"/posts/secret/\">비공개 초안</a>";
    assert_contains(
        &site.read("posts/secret/index.html"),
        "<h1>비공개 초안</h1>",
    );
    assert_contains(&site.read("index.html"), card);
    assert_contains(&site.read("archive/index.html"), card);
    assert_contains(&site.read("tags/초안/index.html"), card);
    assert_contains(
        &site.read("tags/공개/index.html"),
        "<h1>#공개 <span class=\"count\">2</span></h1>",
    );
    assert_contains(&site.read("shows/비밀쇼/index.html"), card);
    assert_contains(&site.read("shows/비밀쇼/1/index.html"), card);
    assert_contains(&site.read("guests/김초안/index.html"), card);
    assert_contains(&site.read("wip/index.html"), "<h1>준비 중</h1>");
}

#[test]
fn summary_from_front_matter_then_more_marker_then_first_paragraph() {
    let site = site();
    site.write(
        "content/posts/a.md",
        &post(
            "title = \"a\"\ndate = 2025-03-03\nsummary = \"앞부분 요약\"",
            "본문 첫 문단.\n",
        ),
    );
    site.write(
        "content/posts/b.md",
        &post(
            "title = \"b\"\ndate = 2025-03-02",
            "첫 문단.\n\n둘째 문단.\n\n<!-- more -->\n\n셋째 문단.\n",
        ),
    );
    site.write(
        "content/posts/c.md",
        &post(
            "title = \"c\"\ndate = 2025-03-01",
            "## 제목\n\n처음 *강조* 문단.\n\n다음 문단.\n",
        ),
    );
    site.build();
    let home = site.read("index.html");
    assert_contains(&home, "<div class=\"summary\"><p>앞부분 요약</p></div>");
    assert_not_contains(&home, "본문 첫 문단.");
    let second = site.read("page/2/index.html");
    assert_contains(
        &second,
        "<div class=\"summary\"><p>처음 <em>강조</em> 문단.</p>\n</div>",
    );
    assert_not_contains(&second, "다음 문단.");
    assert_contains(
        &home,
        "<div class=\"summary\"><p>첫 문단.</p>\n<p>둘째 문단.</p>\n</div>",
    );
    assert_not_contains(&home, "셋째 문단.");
    // The marker itself stays in the post as an invisible comment; the whole text is shown.
    assert_contains(
        &site.read("posts/b/index.html"),
        "<p>첫 문단.</p>\n<p>둘째 문단.</p>\n<!-- more -->\n<p>셋째 문단.</p>",
    );
}

#[test]
fn reading_time_counts_korean_and_english_words() {
    let site = site();
    // 400 Korean words at 200 a minute plus 230 English words at 230 a minute.
    let body = format!("{}\n\n{}\n", "한국어 ".repeat(400), "word ".repeat(230));
    site.write(
        "content/posts/long.md",
        &post("title = \"긴 글\"\ndate = 2025-03-25", &body),
    );
    // 201 Korean words: just over a minute, rounded up.
    site.write(
        "content/posts/mid.md",
        &post(
            "title = \"중간 글\"\ndate = 2025-03-24",
            &"단어 ".repeat(201),
        ),
    );
    site.build();
    assert_contains(
        &site.read("posts/long/index.html"),
        "<span class=\"reading-time\">3분 분량</span>",
    );
    assert_contains(
        &site.read("posts/mid/index.html"),
        "<span class=\"reading-time\">2분 분량</span>",
    );
    assert_contains(
        &site.read("index.html"),
        "<time datetime=\"2025-03-25T00:00:00+09:00\">2025년 3월 25일 (화)</time> · 3분 분량</p>",
    );
}

#[test]
fn front_matter_text_is_html_escaped() {
    let site = site();
    site.write(
        "content/posts/x.md",
        &post(
            "title = \"<b>&\\\"</b> 'q'\"\ndate = 2025-03-25\nsummary = \"<i>요약</i> & 끝\"\ntags = [\"<x>\"]\n\
[[guests]]\nname = \"A&B\"\nrole = \"<r>\"\n\
[source]\nurl = \"https://news.example.com/?a=1&b=2\"\noutlet = \"O&O\"\ntitle = \"T<t>\"",
            "본문.\n",
        ),
    );
    site.build();
    // tera 2 escapes & < > " and ' (as &#39;).
    let title = "&lt;b&gt;&amp;&quot;&lt;/b&gt; &#39;q&#39;";
    let page = site.read("posts/x/index.html");
    assert_contains(&page, &format!("<title>{title} · 테스트 블로그</title>"));
    assert_contains(&page, &format!("<h1>{title}</h1>"));
    assert_not_contains(&page, "<b>");
    assert_contains(
        &page,
        "<li><a href=\"/guests/a-b/\">A&amp;B</a> <span class=\"role\">&lt;r&gt;</span></li>",
    );
    assert_contains(
        &page,
        "<p><a href=\"https://news.example.com/?a=1&amp;b=2\" rel=\"noopener\">T&lt;t&gt;</a> <span class=\"outlet\">O&amp;O</span></p>",
    );
    assert_contains(&page, "<li><a href=\"/tags/x/\">#&lt;x&gt;</a></li>");
    let home = site.read("index.html");
    assert_contains(&home, &format!("<a href=\"/posts/x/\">{title}</a>"));
    assert_contains(
        &home,
        "<div class=\"summary\"><p>&lt;i&gt;요약&lt;/i&gt; &amp; 끝</p></div>",
    );
    assert_not_contains(&home, "<i>");
}

#[test]
fn raw_html_in_the_body_passes_through() {
    let site = site();
    site.write(
        "content/posts/raw.md",
        &post(
            "title = \"raw\"\ndate = 2025-03-25",
            "<div class=\"embed\"><iframe src=\"https://video.example.com/1\"></iframe></div>\n\n문단에 <mark>표시</mark>.\n",
        ),
    );
    site.build();
    let html = site.read("posts/raw/index.html");
    assert_contains(
        &html,
        "<div class=\"embed\"><iframe src=\"https://video.example.com/1\"></iframe></div>\n<p>문단에 <mark>표시</mark>.</p>",
    );
}

#[test]
fn heading_ids_are_unique_and_explicit_ids_are_kept() {
    let site = site();
    site.write(
        "content/posts/h.md",
        &post(
            "title = \"h\"\ndate = 2025-03-25",
            "## 시청자 질문\n\n## 시청자 질문\n\n## 시청자 질문\n\n## Custom {#mine}\n",
        ),
    );
    site.build();
    let html = site.read("posts/h/index.html");
    assert_contains(
        &html,
        "<h2 id=\"시청자-질문\">시청자 질문</h2>\n<h2 id=\"시청자-질문-1\">시청자 질문</h2>\n<h2 id=\"시청자-질문-2\">시청자 질문</h2>\n<h2 id=\"mine\">Custom</h2>",
    );
    assert_contains(
        &html,
        "<ol><li><a href=\"#시청자-질문\">시청자 질문</a></li><li><a href=\"#시청자-질문-1\">시청자 질문</a></li><li><a href=\"#시청자-질문-2\">시청자 질문</a></li><li><a href=\"#mine\">Custom</a></li></ol>",
    );
}

#[test]
fn heading_ids_do_not_collide_with_footnote_ids() {
    let site = site();
    site.write(
        "content/posts/fn.md",
        &post(
            "title = \"fn\"\ndate = 2025-03-25",
            "## 1\n\n본문[^1]\n\n[^1]: 각주\n",
        ),
    );
    site.build();
    let html = site.read("posts/fn/index.html");
    // Today both are `id="1"`, and the footnote link `#1` lands on the heading.
    let ids = html.matches(" id=\"1\"").count();
    assert_eq!(ids, 1, "two elements with id=\"1\":\n{html}");
}

#[test]
fn footnotes_tables_strikethrough_and_task_lists_render() {
    let site = site();
    site.write(
        "content/posts/ext.md",
        &post(
            "title = \"ext\"\ndate = 2025-03-25",
            "| 이름 | 역할 |\n|---|---|\n| 서영주 | 기자 |\n\n~~지운 말~~\n\n- [x] 완료\n- [ ] 미완\n\n각주가 있는 문장[^note].\n\n```rust\nlet a = 1;\n```\n\n    들여 쓴 코드\n\n[^note]: 각주 내용\n",
        ),
    );
    site.build();
    let html = site.read("posts/ext/index.html");
    // The table scrolls inside its own box, which the keyboard can reach and a screen reader
    // names by the columns.
    assert_contains(
        &html,
        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"표: 이름, 역할\">\n<table><thead><tr><th>이름</th><th>역할</th></tr></thead><tbody>\n<tr><td>서영주</td><td>기자</td></tr>\n</tbody></table>\n</div>",
    );
    assert_contains(&html, "<p><del>지운 말</del></p>");
    assert_contains(
        &html,
        "<li><input type=\"checkbox\" disabled checked aria-label=\"완료\"> 완료</li>\n<li><input type=\"checkbox\" disabled aria-label=\"완료\"> 미완</li>",
    );
    // Code blocks scroll sideways too, so they take the keyboard as well.
    assert_contains(
        &html,
        "<pre tabindex=\"0\"><code class=\"language-rust\">let a = 1;\n</code></pre>",
    );
    assert_contains(
        &html,
        "<pre tabindex=\"0\"><code>들여 쓴 코드\n</code></pre>",
    );
    assert_contains(
        &html,
        "<p>각주가 있는 문장<sup class=\"footnote-reference\"><a href=\"#note\">1</a></sup>.</p>",
    );
    assert_contains(
        &html,
        "<div class=\"footnote-definition\" id=\"note\"><sup class=\"footnote-definition-label\">1</sup>\n<p>각주 내용</p>\n</div>",
    );
}

#[test]
fn bom_and_crlf_files_parse() {
    let site = site();
    site.write(
        "content/posts/win.md",
        "\u{feff}+++\r\ntitle = \"윈도우에서 쓴 글\"\r\ndate = 2025-03-25\r\ntags = [\"메모\"]\r\n+++\r\n## 소제목\r\n\r\n첫 문단\r\n둘째 줄.\r\n",
    );
    site.write(
        "content/about.md",
        "\u{feff}+++\r\ntitle = \"소개\"\r\n+++\r\n소개 글.\r\n",
    );
    site.build();
    let html = site.read("posts/win/index.html");
    assert_contains(&html, "<h1>윈도우에서 쓴 글</h1>");
    assert_contains(
        &html,
        "<h2 id=\"소제목\">소제목</h2>\n<p>첫 문단\n둘째 줄.</p>",
    );
    assert_contains(
        &html,
        "<li><a href=\"/tags/%EB%A9%94%EB%AA%A8/\">#메모</a></li>",
    );
    assert!(!html.contains('\r') && !html.contains('\u{feff}'));
    assert_contains(
        &site.read("about/index.html"),
        "<h1>소개</h1>\n<div class=\"content\">\n<p>소개 글.</p>",
    );
}

#[test]
fn every_date_form_shows_the_day_in_seoul() {
    let site = site();
    let forms = [
        ("plain", "2025-03-25", "2025-03-25T00:00:00+09:00"),
        ("string", "\"2025-03-25\"", "2025-03-25T00:00:00+09:00"),
        // Read in Asia/Seoul: 23:30 stays on the 25th (read as UTC it would be the 26th).
        ("local", "2025-03-25T23:30:00", "2025-03-25T23:30:00+09:00"),
        // 20:00 in New York on the 24th is the morning of the 25th in Seoul.
        (
            "offset",
            "2025-03-24T20:00:00-04:00",
            "2025-03-25T09:00:00+09:00",
        ),
        ("utc", "2025-03-24T15:30:00Z", "2025-03-25T00:30:00+09:00"),
    ];
    for (slug, date, _) in forms {
        site.write(
            &format!("content/posts/{slug}.md"),
            &post(&format!("title = \"{slug}\"\ndate = {date}"), "x\n"),
        );
    }
    site.build();
    for (slug, _, rfc3339) in forms {
        assert_contains(
            &site.read(&format!("posts/{slug}/index.html")),
            &format!("<time datetime=\"{rfc3339}\">2025년 3월 25일 (화)</time>"),
        );
    }
    assert_contains(
        &site.read("archive/index.html"),
        "<h2>2025년</h2>\n<h3>3월</h3>",
    );
}

#[test]
fn site_post_template_replaces_the_built_in_one() {
    let site = site();
    site.write(
        "content/posts/a.md",
        &post("title = \"가\"\ndate = 2025-03-25", "본문.\n"),
    );
    site.write(
        "templates/post.html",
        "{% extends \"base.html\" %}{% block content %}<p class=\"mine\">{{ post.title }} / {{ post.reading_time }}</p>{% endblock content %}",
    );
    site.build();
    let html = site.read("posts/a/index.html");
    assert_contains(
        &html,
        "<main id=\"main\">\n<p class=\"mine\">가 / 1</p>\n</main>",
    );
    assert_not_contains(&html, "<article class=\"post\">");
    // Still inside the built-in base, and other pages are untouched.
    assert_contains(
        &html,
        "<a class=\"site-title\" href=\"/\">테스트 블로그</a>",
    );
    assert_contains(
        &site.read("index.html"),
        "<h2 class=\"card-title\"><a href=\"/posts/a/\">가</a></h2>",
    );
}

#[test]
fn site_footer_partial_overrides_only_the_footer() {
    let site = site();
    site.write(
        "content/posts/a.md",
        &post("title = \"가\"\ndate = 2025-03-25", "본문.\n"),
    );
    site.write(
        "templates/partials/footer.html",
        "<footer class=\"mine\">{{ site.title }} 푸터</footer>\n",
    );
    site.build();
    for f in [
        "index.html",
        "posts/a/index.html",
        "tags/index.html",
        "404.html",
    ] {
        let html = site.read(f);
        assert_contains(
            &html,
            "</main>\n<footer class=\"mine\">테스트 블로그 푸터</footer>\n\n</body>",
        );
        assert_not_contains(&html, "site-footer");
        assert_contains(
            &html,
            "<a class=\"site-title\" href=\"/\">테스트 블로그</a>",
        );
    }
    assert_contains(&site.read("posts/a/index.html"), "<h1>가</h1>");
}

#[test]
fn site_without_templates_folder_uses_the_built_in_theme() {
    let site = site();
    site.write(
        "content/posts/a.md",
        &post("title = \"가\"\ndate = 2025-03-25", "본문.\n"),
    );
    assert!(!site.path("templates").exists());
    site.build();
    let html = site.read("posts/a/index.html");
    assert_contains(&html, "<article class=\"post\">");
    assert_contains(
        &html,
        "<footer class=\"site-footer\">\n<p>테스트 블로그</p>\n</footer>",
    );
}

/// The fix the `+++`-inside-a-string error suggests works: an indented ` +++` does not end
/// the front matter and stays in the string (with its space).
#[test]
fn an_indented_delimiter_stays_inside_a_multiline_string() {
    let site = site();
    site.write(
        "content/posts/a.md",
        "+++\ntitle = \"더하기\"\ndate = 2025-01-01\nsummary = \"\"\"\n요약 첫 줄\n +++\n요약 끝\"\"\"\n+++\n본문.\n",
    );
    let r = site.build();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_contains(&site.read("index.html"), "요약 첫 줄\n +++\n요약 끝");
}
