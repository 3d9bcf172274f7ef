//! The episode on the page: a post's `video` as a click-to-play facade, its JSON-LD and
//! `og:video`, and the shortcodes (`youtube`, `video`, `figure`, `quote`, the site's own), on
//! the fixture site `tests/fixtures/episode_video/`. Bad videos and bad shortcodes are error
//! fixtures in `tests/fixtures/errors/` (`video-*`, `shortcode-*`).

mod common;

use common::{TestSite, assert_contains, assert_not_contains};

fn built() -> TestSite {
    let site = TestSite::fixture("episode_video");
    site.build();
    site
}

const YT_FACADE: &str = r#"<figure class="video">
<a class="video-play" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=90s" data-embed="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&amp;start=90" aria-label="동영상 재생: 경제쇼 12회"><span class="video-poster" aria-hidden="true"><span class="video-icon">▶</span><span class="video-title">경제쇼 12회</span><span class="video-site">YouTube</span></span></a><script>"#;

#[test]
fn a_posts_video_is_a_facade_with_no_player_until_the_click() {
    let site = built();
    let html = site.read("posts/watch/index.html");
    assert_contains(&html, YT_FACADE);
    // The facade comes before the body, and the page holds no player or third-party resource.
    assert!(html.find(YT_FACADE).unwrap() < html.find("<div class=\"content\">").unwrap());
    assert_not_contains(&html, "<iframe");
    assert_not_contains(&html, "src=\"https://i.ytimg.com");
    assert_not_contains(&html, "<img src=\"https://");
    // The script only builds the player when the button is clicked.
    assert_contains(
        &html,
        "b.addEventListener(\"click\",function(){var f=document.createElement(\"iframe\");f.src=a.dataset.embed;",
    );

    let naver = site.read("posts/naver/index.html");
    assert_contains(
        &naver,
        r#"<a class="video-play" href="https://tv.naver.com/v/31415926" data-embed="https://tv.naver.com/embed/31415926?autoPlay=true" aria-label="동영상 재생: 토론쇼 3회">"#,
    );
    assert_contains(&naver, r#"<span class="video-site">네이버 TV</span>"#);

    let file = site.read("posts/file/index.html");
    assert_contains(
        &file,
        r#"<video controls preload="none" aria-label="직접 올린 영상"><source src="https://media.example.com/ep7.webm" type="video/webm"><a href="https://media.example.com/ep7.webm">직접 올린 영상</a></video>"#,
    );
    assert_not_contains(&file, "video-play");

    // A post without `video` has no facade.
    assert_not_contains(&site.read("posts/quotes/index.html"), "class=\"video\"");
}

#[test]
fn the_video_is_in_json_ld_tied_to_the_episode_and_in_og_video() {
    let site = built();
    let html = site.read("posts/watch/index.html");
    assert_contains(
        &html,
        r#""video":{"@type":"VideoObject","description":"딥시크 이후의 AI 반도체","embedUrl":"https://www.youtube.com/embed/dQw4w9WgXcQ","name":"경제쇼 12회","thumbnailUrl":["https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"],"uploadDate":"2025-03-24T22:00:00+09:00"}}"#,
    );
    // Inside `about` (the TVEpisode), not beside it.
    let about = html.find("\"about\":{\"@type\":\"TVEpisode\"").unwrap();
    assert!(html.find("\"@type\":\"VideoObject\"").unwrap() > about);
    assert_contains(
        &html,
        "<meta property=\"og:video\" content=\"https://www.youtube.com/embed/dQw4w9WgXcQ\">\n<meta property=\"og:video:type\" content=\"text/html\">",
    );
    // No episode: the article carries the video; a file has a contentUrl and no thumbnail.
    let file = site.read("posts/file/index.html");
    assert_contains(
        &file,
        r#""video":{"@type":"VideoObject","contentUrl":"https://media.example.com/ep7.webm","description":"직접 올린 영상","name":"직접 올린 영상","uploadDate":"2025-03-18T00:00:00+09:00"}"#,
    );
    assert_contains(
        &file,
        "<meta property=\"og:video\" content=\"https://media.example.com/ep7.webm\">\n<meta property=\"og:video:type\" content=\"video/webm\">",
    );
    assert_not_contains(&site.read("posts/quotes/index.html"), "og:video");
}

#[test]
fn a_quote_links_the_guest_with_their_role_and_the_moment_of_the_video() {
    let site = built();
    let html = site.read("posts/watch/index.html");
    assert_contains(
        &html,
        "<figure class=\"quote\">\n<blockquote>\n<p>AI는 결국 _사람_의 문제입니다.</p>\n</blockquote>\n<figcaption>— <a href=\"/guests/%EB%B0%95%ED%9D%AC%EB%8D%95/\">박희덕</a> <span class=\"role\">포스텍 AI대학원장</span> · <a class=\"timestamp\" href=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=754s\">12:34</a></figcaption>\n</figure>",
    );
    // A body of several paragraphs; an hour-long timestamp; a guest without a role.
    assert_contains(
        &html,
        "<blockquote>\n<p>첫째.</p>\n<p>둘째.</p>\n</blockquote>\n<figcaption>— <a href=\"/guests/%EA%B9%80%EC%A7%84%ED%96%89/\">김진행</a> · <a class=\"timestamp\" href=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=3723s\">1:02:03</a></figcaption>",
    );
    // Not one of the post's guests: the name alone.
    assert_contains(&html, "<figcaption>— 시청자 · <a class=\"timestamp\"");
    // No video: the moment is plain text.
    assert_contains(
        &site.read("posts/novideo/index.html"),
        "<figcaption>— <a href=\"/guests/%EB%B0%95%ED%9D%AC%EB%8D%95/\">박희덕</a> · <span class=\"timestamp\">12:34</span></figcaption>",
    );
    // A file: the media fragment.
    assert_contains(
        &site.read("posts/file/index.html"),
        "<a class=\"timestamp\" href=\"https://media.example.com/ep7.webm#t=180\">3:00</a>",
    );
    // Never a <figure> inside a <p>.
    assert_not_contains(&html, "<p><figure");
}

#[test]
fn youtube_video_and_figure_shortcodes() {
    let site = built();
    let html = site.read("posts/watch/index.html");
    assert_contains(
        &html,
        r#"<a class="video-play" href="https://www.youtube.com/watch?v=M7lc1UVf-VE&amp;t=125s" data-embed="https://www.youtube-nocookie.com/embed/M7lc1UVf-VE?autoplay=1&amp;start=125" aria-label="동영상 재생: 예고편">"#,
    );
    assert_contains(
        &site.read("posts/novideo/index.html"),
        r#"<a class="video-play" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ" data-embed="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1" aria-label="동영상 재생: 영상 없는 글">"#,
    );
    // The figure's image comes from the bundle, through the image pipeline.
    assert_contains(
        &site.read("posts/quotes/index.html"),
        "<figure class=\"figure\"><img src=\"/posts/quotes/chart.svg\" alt=\"전력 수요 그래프\" decoding=\"async\">\n<figcaption>데이터센터 전력 수요 (단위: GW)</figcaption></figure>",
    );
    assert!(site.exists("posts/quotes/chart.svg"));
}

#[test]
fn shortcodes_in_code_stay_literal_and_summaries_show_words_only() {
    let site = built();
    let html = site.read("posts/watch/index.html");
    assert_contains(&html, "<code>{{ youtube(id=\"dQw4w9WgXcQ\") }}</code>");
    assert_contains(
        &html,
        "<pre tabindex=\"0\"><code>{% quote(speaker=\"박희덕\") %}\n{% end %}\n</code></pre>",
    );
    // No token or private-use character reaches any page.
    for f in site.output_files() {
        if f.ends_with(".html") || f.ends_with(".xml") {
            let text = site.read(&f);
            assert!(
                !text.chars().any(|c| ('\u{E000}'..='\u{E0FF}').contains(&c)),
                "{f} has a shortcode token"
            );
        }
    }
    // A summary (here everything before `<!-- more -->`: a quote and a player) keeps the
    // quote's words and leaves the player and the figures out, in lists and descriptions.
    let home = site.read("index.html");
    assert_contains(&home, "<p>요약에 남는 말.</p>");
    assert_not_contains(&home, "video-play");
    assert_not_contains(&home, "<figure");
    assert_contains(
        &site.read("posts/summary/index.html"),
        "<meta name=\"description\" content=\"요약에 남는 말.\">",
    );
}

#[test]
fn a_sites_own_shortcode_templates_add_and_override() {
    let site = TestSite::fixture("episode_video");
    site.write(
        "templates/shortcodes/note.html",
        "<aside class=\"note\" data-n=\"{{ nth }}\" data-level=\"{{ level }}\">{{ body | safe }}</aside>",
    );
    site.write(
        "templates/shortcodes/quote.html",
        "<blockquote class=\"mine\" data-speaker=\"{{ speaker }}\" data-at=\"{{ at_url }}\">{{ body | safe }}</blockquote>",
    );
    site.write(
        "content/posts/note.md",
        "+++\ntitle = \"노트\"\ndate = 2025-03-10\n+++\n첫 문단.\n\n{% note(level=2) %}\n*메모* 하나.\n{% end %}\n\n{% note(level=3) %}둘.{% end %}\n",
    );
    site.build();
    assert_contains(
        &site.read("posts/note/index.html"),
        "<aside class=\"note\" data-n=\"1\" data-level=\"2\"><p><em>메모</em> 하나.</p></aside>\n<aside class=\"note\" data-n=\"2\" data-level=\"3\"><p>둘.</p></aside>",
    );
    assert_contains(
        &site.read("posts/watch/index.html"),
        "<blockquote class=\"mine\" data-speaker=\"박희덕\" data-at=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=754s\"><p>AI는 결국 _사람_의 문제입니다.</p></blockquote>",
    );

    // Editing the template re-renders the pages that use it on the next build.
    site.write(
        "templates/shortcodes/note.html",
        "<aside class=\"note2\">{{ body | safe }}</aside>",
    );
    site.build();
    assert_contains(
        &site.read("posts/note/index.html"),
        "<aside class=\"note2\"><p><em>메모</em> 하나.</p></aside>",
    );
}

#[test]
fn check_reports_every_bad_shortcode_with_other_problems() {
    let site = TestSite::fixture("episode_video");
    site.write(
        "content/posts/bad.md",
        "+++\ntitle = \"나쁜 글\"\ndate = 2025-03-10\n+++\n첫 문단.\n\n{{ youtube(id=\"short\") }}\n\n{{ figure(alt=\"그림\") }}\n",
    );
    site.write(
        "content/posts/bad-date.md",
        "+++\ntitle = \"날짜\"\ndate = \"어제\"\n+++\n본문.\n",
    );
    let r = site.run(&["check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_contains(
        &r.stderr,
        "error: `id` of shortcode `youtube` is `short`, expected the 11-character id of a YouTube video (as in https://youtu.be/dQw4w9WgXcQ)\n --> content/posts/bad.md:7:1\n",
    );
    assert_contains(
        &r.stderr,
        "error: shortcode `figure` is missing `src`, expected `{{ figure(src=\"…\") }}`\n --> content/posts/bad.md:9:1\n",
    );
    assert_contains(&r.stderr, "content/posts/bad-date.md:3:8");
}

#[test]
fn every_video_url_form_is_accepted_and_the_rest_rejected_at_the_key() {
    let site = TestSite::fixture("episode_video");
    let forms = [
        (
            "youtu-be",
            "https://youtu.be/dQw4w9WgXcQ?si=AbC_1&t=42",
            "dQw4w9WgXcQ?autoplay=1&amp;start=42",
        ),
        (
            "live",
            "https://www.youtube.com/live/M7lc1UVf-VE?si=x",
            "M7lc1UVf-VE?autoplay=1\"",
        ),
        (
            "shorts",
            "https://youtube.com/shorts/M7lc1UVf-VE",
            "M7lc1UVf-VE?autoplay=1\"",
        ),
        (
            "mobile",
            "https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=1m5s",
            "dQw4w9WgXcQ?autoplay=1&amp;start=65",
        ),
    ];
    for (slug, url, _) in forms {
        site.write(
            &format!("content/posts/{slug}.md"),
            &format!("+++\ntitle = \"{slug}\"\ndate = 2025-03-01\nvideo = \"{url}\"\n+++\n본문.\n"),
        );
    }
    site.write(
        "content/posts/mp4.md",
        "+++\ntitle = \"mp4\"\ndate = 2025-03-01\nvideo = \"https://cdn.example.com/a/ep1.MP4?v=2\"\n+++\n본문.\n",
    );
    site.build();
    for (slug, _, embed) in forms {
        assert_contains(
            &site.read(&format!("posts/{slug}/index.html")),
            &format!("data-embed=\"https://www.youtube-nocookie.com/embed/{embed}"),
        );
    }
    assert_contains(
        &site.read("posts/mp4/index.html"),
        "<source src=\"https://cdn.example.com/a/ep1.MP4?v=2\" type=\"video/mp4\">",
    );

    let rejected = [
        "https://vimeo.com/76979871",
        "https://www.youtube.com/watch?v=tooshort",
        "https://www.youtube.com/@channel",
        "https://tv.naver.com/v/abc",
        "https://example.com/clip.avi",
        "www.youtube.com/watch?v=dQw4w9WgXcQ",
    ];
    for (n, url) in rejected.iter().enumerate() {
        site.write(
            &format!("content/posts/bad-{n}.md"),
            &format!("+++\ntitle = \"bad\"\ndate = 2025-03-01\nvideo = \"{url}\"\n+++\n본문.\n"),
        );
    }
    let r = site.run(&["check"]);
    assert_eq!(r.code, 1);
    for (n, url) in rejected.iter().enumerate() {
        assert_contains(
            &r.stderr,
            &format!("error: unsupported video URL `{url}`, expected a YouTube URL"),
        );
        assert_contains(&r.stderr, &format!(" --> content/posts/bad-{n}.md:4:9\n"));
    }
}
