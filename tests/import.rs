//! `showpress import jekyll|hugo|zola SRC --into DIR`: the front matter and bodies it writes
//! for posts and standalone pages, its report, the files it copies, the old URLs it keeps (each
//! resolves in the built site to a page redirecting to its post or page), errors at file:line:col, and that it never changes SRC
//! (checked by every run, in `common::import`) or overwrites a file.

mod common;

use common::import::{Imported, alias_file, import, import_into, import_site};
use common::{TestSite, assert_contains};

const JEKYLL_ARGS: [&str; 6] = [
    "--show-from",
    "categories",
    "--guests-from",
    "participants",
    "--episode-from",
    "title",
];

/// Builds the imported site and asserts every alias of every post and page is a page
/// redirecting to it (`/posts/<slug>/` for a post, `/<slug>/` for a page); returns how many
/// there were.
fn every_old_url_redirects(i: &Imported, base_url: &str) -> usize {
    let check = i.site.run(&["check"]);
    assert_eq!(check.code, 0, "check failed:\n{}", check.stderr);
    assert_contains(&check.stdout, "check: 0 errors");
    i.site.build();
    let mut n = 0;
    for (rel, (slug, aliases)) in i.aliases() {
        let section = if rel.starts_with("posts/") {
            "posts/"
        } else {
            ""
        };
        let target = format!(
            "content=\"0; url={base_url}{section}{}/\"",
            showpress::slug::encode_path(&slug)
        );
        for alias in aliases {
            let page = i.site.read(&alias_file(&alias));
            assert!(
                page.contains(&target),
                "{alias} (of {rel}) does not redirect to its post or page: expected {target} in\n{page}"
            );
            n += 1;
        }
    }
    n
}

#[test]
fn jekyll_front_matter_bodies_and_report() {
    let i = import("import-jekyll", "jekyll", &JEKYLL_ARGS);
    assert_eq!(i.run.code, 0, "{}", i.run.stderr);
    assert_eq!(i.run.stderr, "");
    assert_eq!(
        i.file("content/posts/2024/2024-03-05-deepseek-pangyo.md"),
        r#"+++
title = "경제토크쇼픽 47회: 딥시크는 판교에서 가능할까"
date = 2024-03-05T21:30:00+09:00
show = "경제토크쇼픽"
episode = 47
tags = ["AI", "딥시크"]
summary = "딥시크의 성공 요인을 정리했다"
slug = "deepseek-pangyo"
aliases = ["/경제토크쇼픽/2024/03/05/deepseek-pangyo/"]

[[guests]]
name = "서영주"
role = "포항공대 교수"

[[guests]]
name = "박희덕"

[extra]
author = "한밤의 시청자"
layout = "post"
+++

## 들어가며 {#intro}

방송 링크: {{ youtube(id="dQw4w9WgXcQ") }}

![차트](/assets/img/chart.png)

지난 회차는 [금리 편](@/posts/2024/2024-03-12-rates.md)에서 이어집니다.

```python
print("{{ not liquid }}")
```

이 글의 제목은 {{ page.title }} 입니다.
"#
    );
    // A per-post permalink, `last_modified_at`, `excerpt`, an `image` under the old base
    // path (the file is copied once for both posts), and a link to the other post's
    // old URL (through `relative_url`) pointed at its new one.
    assert_eq!(
        i.file("content/posts/2024/2024-03-12-rates.md"),
        r#"+++
title = "경제토크쇼픽 48회: 금리는 언제 내릴까"
date = 2024-03-12T08:00:00+09:00
updated = 2024-03-13
show = "경제토크쇼픽"
episode = 48
tags = ["금리"]
summary = "금리 인하 시점에 대한 패널의 의견"
slug = "rates"
image = "/assets/img/chart.png"
aliases = ["/money-talk/ep-48/"]
+++
금리 이야기. 이전 글: [딥시크](/posts/deepseek-pangyo/)
"#
    );
    // `published: false` and `_drafts/`: drafts, which had no URL, so no alias.
    assert_eq!(
        i.file("content/posts/2024/2024-04-01-unpublished.md"),
        "+++\ntitle = \"아직 쓰는 중\"\ndate = 2024-04-01\nslug = \"unpublished\"\ndraft = true\n+++\n초안.\n"
    );
    assert_eq!(
        i.file("content/posts/2024/2024-04-10-next-episode.md"),
        "+++\ntitle = \"다음 회차 메모\"\ndate = 2024-04-10\nslug = \"next-episode\"\ndraft = true\n+++\n메모.\n"
    );
    // A page: `layout` kept in `[extra]`, no date (it had none), its permalink an alias, and
    // its Liquid converted as in posts.
    assert_eq!(
        i.file("content/about.md"),
        r#"+++
title = "소개"
summary = "이 블로그에 대하여"
slug = "about"
aliases = ["/about-me/"]

[extra]
layout = "page"
+++
경제 토크쇼를 회차별로 정리합니다. 첫 글은 [딥시크 편](@/posts/2024/2024-03-05-deepseek-pangyo.md)입니다.
"#
    );
    // The home page and a README without front matter are no pages.
    assert!(!i.site.path("content/index.md").exists());
    assert!(!i.site.path("content/readme.md").exists());
    assert_eq!(
        i.file("config.toml"),
        "title = \"토크쇼 노트\"\ndescription = \"경제 토크쇼를 회차별로 정리합니다\"\nbase_url = \"https://notes.example/blog/\"\nlanguage = \"ko\"\ntimezone = \"Asia/Seoul\"\n"
    );
    assert_eq!(
        std::fs::read(i.site.path("static/assets/img/chart.png")).unwrap(),
        std::fs::read(i.src.path("assets/img/chart.png")).unwrap()
    );
    assert_eq!(
        i.report(),
        "Imported 4 posts (2 drafts) and 1 page from the Jekyll site in SRC into DIR (a new site)

Front matter:
  `author` → `[extra]`: 1 post
  `categories` → `show`: 2 posts
  `description` → `summary`: 1 post, 1 page
  `excerpt` → `summary`: 1 post
  `file name` → `date`: 1 post
  `image` → `image`: 1 post
  `last_modified_at` → `updated`: 1 post
  `layout` → `[extra]`: 1 post, 1 page
  `participants` → `guests`: 1 post
  `permalink` → `aliases`: 1 post, 1 page
  `published: false` → `draft`: 1 post
  `title` → `episode`: 2 posts

Converted:
  `{% highlight %}` → fenced code: 1
  `{% include youtube.html %}` → shortcode: 1
  `{% post_url %}` → internal link: 2
  `{{ site.baseurl }}` → removed (links are root-relative): 1
  `| relative_url` → root-relative path: 1
  kramdown `{: #id}` → heading id: 1
  link to an old post URL → its new URL: 1

Not converted (check these by hand):
  _posts/2024-03-05-deepseek-pangyo.md:14: `{:toc}` removed: showpress has no table of contents inside posts
  _posts/2024-03-05-deepseek-pangyo.md:21: kramdown attributes `{: .center}` removed: showpress Markdown has no equivalent
  _posts/2024-03-05-deepseek-pangyo.md:29: `{{ page.title }}` kept as written: no showpress equivalent

Copied 1 file:
  static/assets/img/chart.png

Aliases: 3 old URLs written (`aliases` in the posts' and pages' front matter)

Old feeds: /feed.xml. showpress publishes /atom.xml and /rss.xml; to keep the old addresses, add to config.toml:
  [feed_aliases]
  atom = [\"/feed.xml\"]

Not imported:
  _posts/2023-12-01-old-layout.html: an HTML post: only Markdown posts are imported
  index.md: the home page: showpress makes its own
"
    );
}

#[test]
fn jekyll_old_urls_redirect_to_their_posts_in_the_built_site() {
    let i = import("import-jekyll", "jekyll", &JEKYLL_ARGS);
    assert_eq!(i.run.code, 0, "{}", i.run.stderr);
    assert_eq!(
        every_old_url_redirects(&i, "https://notes.example/blog/"),
        3
    );
}

#[test]
fn hugo_yaml_toml_json_bundles_and_shortcodes() {
    let i = import(
        "import-hugo",
        "hugo",
        &["--show-from", "series", "--episode-from", "title"],
    );
    assert_eq!(i.run.code, 0, "{}", i.run.stderr);
    assert_eq!(
        i.file("content/posts/2024/2024-05-01-ep-1.md"),
        r#"+++
title = "경제토크쇼픽 1회 리뷰"
date = 2024-05-01T20:00:00+09:00
updated = 2024-05-02T09:00:00+09:00
show = "경제토크쇼픽"
episode = 1
tags = ["경제", "리뷰"]
slug = "ep-1"
aliases = ["/2024/05/ep-1/"]

[[guests]]
name = "김도현"
role = "경제학자"

[extra]
image = "/images/missing.png"
weight = 10
+++
{{ youtube(id="abc123XYZ_-") }}

{{ youtube(id="dQw4w9WgXcQ", start=65) }}

코드 예제:

```go
fmt.Println("{{< not a shortcode >}}")
```

다음 글은 [두 번째](@/posts/2024/2024-05-08-second.md)입니다.

[gist spf13/7896402](https://gist.github.com/spf13/7896402)

{{< notice warning >}}주의{{< /notice >}}

![로고](/images/logo.png)
"#
    );
    // TOML: `url`, Hugo's own `aliases` and `[params]`.
    assert_eq!(
        i.file("content/posts/2024/2024-05-08-second.md"),
        r#"+++
title = "두 번째 이야기"
date = 2024-05-08T21:00:00+09:00
summary = "두 번째 글"
slug = "second"
aliases = ["/legacy/second.html", "/old-second/"]

[extra.params]
mood = "차분함"
+++
두 번째 본문.
"#
    );
    // JSON, a page bundle: its file goes with it; Hugo's `:slug` falls back to the title.
    assert_eq!(
        i.file("content/posts/2024/2024-05-15-bundle-post/index.md"),
        r#"+++
title = "현장 사진"
date = 2024-05-15
tags = ["현장"]
summary = "녹화 현장"
slug = "bundle-post"
aliases = ["/2024/05/현장-사진/"]
+++
{{ figure(src="photo.png", alt="사진", caption="녹화 현장") }}
"#
    );
    assert_eq!(
        std::fs::read(
            i.site
                .path("content/posts/2024/2024-05-15-bundle-post/photo.png")
        )
        .unwrap(),
        std::fs::read(i.src.path("content/posts/bundle-post/photo.png")).unwrap()
    );
    assert!(i.site.path("static/images/logo.png").is_file());
    // The page at the top of content/: its `url` an alias, its shortcode converted.
    assert_eq!(
        i.file("content/about.md"),
        r#"+++
title = "소개"
summary = "방송 뒷이야기를 쓰는 사람"
slug = "about"
aliases = ["/profile/"]
+++
소개 글. {{ youtube(id="abc123XYZ_-") }}
"#
    );
    let report = i.report();
    for line in [
        "Imported 4 posts (1 draft) and 1 page from the Hugo site in SRC into DIR (a new site)\n",
        "  `description` → `summary`: 1 post, 1 page\n",
        "  `image` → `[extra]` (no such file in the source): 1 post\n",
        "  `series` → `show`: 1 post\n  `title` → `episode`: 1 post\n  `url` → `aliases`: 1 post, 1 page\n",
        "  `{{< gist >}}` → Markdown link: 1\n  `{{< highlight >}}` → fenced code: 1\n  `{{< ref >}}` → internal link: 1\n  `{{< youtube >}}` → shortcode: 3\n",
        "Not converted (check these by hand):\n  content/posts/bundle-post/index.md: `toc` is empty (null) and was left out\n  content/posts/first-episode.md:29: `{{< notice warning >}}` kept as written: no showpress equivalent\n  content/posts/first-episode.md:29: `{{< /notice >}}` kept as written: no showpress equivalent\n",
        "Aliases: 5 old URLs written (`aliases` in the posts' and pages' front matter)\n",
        "  [feed_aliases]\n  rss = [\"/index.xml\", \"/posts/index.xml\"]\n",
    ] {
        assert_contains(&report, line);
    }
    assert!(!report.contains("Not imported"), "{report}");
    assert_eq!(every_old_url_redirects(&i, "https://hugo.example/"), 5);
}

#[test]
fn zola_taxonomies_extra_and_colocated_assets() {
    let i = import(
        "import-zola",
        "zola",
        &["--show-from", "categories", "--guests-from", "participants"],
    );
    assert_eq!(i.run.code, 0, "{}", i.run.stderr);
    // `[taxonomies]` categories → show, `[extra]` read like top-level keys: its
    // `participants` → guests, its `episode` → episode, the rest stays in `[extra]`.
    assert_eq!(
        i.file("content/posts/2024/2024-06-01-rate-cut.md"),
        r#"+++
title = "금리 인하 12회"
date = 2024-06-01
show = "경제토크쇼픽"
episode = 12
tags = ["금리"]
summary = "12회 정리"
slug = "rate-cut"
aliases = ["/blog/rate-cut/"]

[[guests]]
name = "이수진"
role = "애널리스트"

[extra]
cover = "none"
+++
{{ youtube(id="Zx9_kLm3QpA") }}

[Vimeo 123456](https://vimeo.com/123456)

`{{ note(text="메모") }}`

이전 글: [환율](@/posts/2024/2024-05-20-환율-이야기/index.md)
"#
    );
    assert_eq!(
        i.file("content/posts/2024/2024-04-02-custom.md"),
        "+++\ntitle = \"경로를 정한 글\"\ndate = 2024-04-02\nslug = \"custom\"\naliases = [\"/legacy/custom-path/\"]\n+++\n본문.\n"
    );
    assert!(
        i.site
            .path("content/posts/2024/2024-05-20-환율-이야기/chart.png")
            .is_file()
    );
    // The root section's page: its `aliases` kept (its own URL is the new one), `[extra]` as
    // it was, its `@/` link pointed at the imported post.
    assert_eq!(
        i.file("content/about.md"),
        r#"+++
title = "소개"
summary = "졸라 노트 소개"
slug = "about"
aliases = ["/who/"]

[extra]
contact = "notes@zola.example"
+++
회차 메모를 모읍니다. 첫 글: [금리 인하](@/posts/2024/2024-06-01-rate-cut.md)
"#
    );
    // No timezone in a Zola config: showpress's default is kept, not a guess.
    assert_eq!(
        i.file("config.toml"),
        "title = \"졸라 노트\"\ndescription = \"회차 메모\"\nbase_url = \"https://zola.example/notes/\"\nlanguage = \"ko\"\n"
    );
    let report = i.report();
    for line in [
        "Imported 3 posts (0 drafts) and 1 page from the Zola site in SRC into DIR (a new site)\n",
        "  `aliases` → `aliases`: 1 page\n  `categories` → `show`: 1 post\n  `contact` → `[extra]`: 1 page\n",
        "  content/blog/2024-06-01-rate-cut.md:18: `{{ note(text=\"메모\") }}` kept as written: showpress has no such shortcode (shown as code)\n",
        "  internal link `@/…` → imported post: 2\n",
        "Copied 1 file:\n  content/posts/2024/2024-05-20-환율-이야기/chart.png\n",
        "Aliases: 4 old URLs written",
        "  [feed_aliases]\n  atom = [\"/feed.xml\"]\n",
    ] {
        assert_contains(&report, line);
    }
    assert_eq!(
        every_old_url_redirects(&i, "https://zola.example/notes/"),
        4
    );
}

#[test]
fn bad_posts_are_errors_at_their_line_and_the_rest_is_imported() {
    let i = import("import-bad", "jekyll", &[]);
    assert_eq!(i.run.code, 1);
    assert_eq!(
        i.run.stderr,
        "error: invalid YAML: while parsing a flow sequence, expected ',' or ']'
 --> _posts/2024-01-01-broken-yaml.md:4:1
  |
4 | ---
  | ^

error: invalid date `2024-02-30 10:00`, expected a date such as `2024-03-05` or `2024-03-05 10:00:00 +0900`
 --> _posts/2024-01-02-bad-date.md:3:7
  |
3 | date: 2024-02-30 10:00
  |       ^^^^^^^^^^^^^^^^

error: two posts would have the slug `same` (/posts/same/): this one and _posts/2024-01-03-first.md, expected a different `slug` in one of them
 --> _posts/2024-01-04-same.md:1:1
  |
1 | ---
  | ^^^
  = note: _posts/2024-01-03-first.md is imported; this post is not

error: could not import 3 posts
"
    );
    let written: Vec<String> = i.aliases().into_keys().collect();
    assert_eq!(
        written,
        [
            "posts/2024/2024-01-03-same.md",
            "posts/2024/2024-01-05-good.md"
        ]
    );
    assert_contains(
        &i.report(),
        "Imported 2 posts (0 drafts) from the Jekyll site",
    );
    assert_contains(
        &i.report(),
        "\n3 posts could not be imported (errors above)\n",
    );
    // What was imported is a site that passes `check`.
    let check = i.site.run(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
}

#[test]
fn import_never_overwrites_and_keeps_an_existing_config() {
    let first = import("import-zola", "zola", &[]);
    assert_eq!(first.run.code, 0, "{}", first.run.stderr);
    let site = first.site;
    site.write(
        "config.toml",
        "title = \"내 블로그\"\nbase_url = \"https://mine.example/\"\n",
    );
    let before = common::files_under(site.root());
    let again = import_into(site, "import-zola", "zola", &[]);
    assert_eq!(again.run.code, 1);
    assert_contains(
        &again.run.stderr,
        "error: content/posts/2024/2024-04-02-custom.md already exists in ",
    );
    assert_contains(
        &again.run.stderr,
        "error: content/about.md already exists in ",
    );
    assert_contains(
        &again.run.stderr,
        "error: could not import 3 posts and 1 page\n",
    );
    assert_eq!(common::files_under(again.site.root()), before);
    assert_contains(
        &again.report(),
        "Imported 0 posts (0 drafts) from the Zola site in SRC into DIR\n",
    );
}

#[test]
fn into_defaults_to_the_root_folder() {
    let site = TestSite::empty();
    let src = TestSite::fixture("import-bad");
    let r = site.run(&["import", "jekyll", &src.root().to_string_lossy()]);
    assert_eq!(r.code, 1);
    assert!(site.path("content/posts/2024/2024-01-05-good.md").is_file());
}

/// The README's example, as written there: a mapping file that takes the show from a
/// category (renamed), the guests from `participants` and the episode from the title.
#[test]
fn the_readmes_mapping_file_example() {
    let src = TestSite::empty();
    src.write(
        "_config.yml",
        "title: 옛 블로그\nurl: https://old.example\ntimezone: Asia/Seoul\npermalink: /:categories/:year/:month/:day/:title/\n",
    )
    .write(
        "_posts/2024-03-05-deepseek-pangyo.md",
        "---\ntitle: \"경제토크쇼픽 47회: 딥시크는 판교에서 가능할까\"\ndate: 2024-03-05 21:30:00\ncategories: [money-talk]\ntags: AI 딥시크\nparticipants:\n  - 서영주 (포항공대 교수)\n  - 박희덕\ndescription: 딥시크의 성공 요인을 정리했다\n---\n본문.\n",
    );
    let site = TestSite::empty();
    site.write(
        "mapping.toml",
        "show_from = \"categories\"\nguests_from = \"participants\"\nepisode_from = \"title\"\n[shows]\n\"money-talk\" = \"경제토크쇼픽\"\n",
    );
    let mapping = site.path("mapping.toml").to_string_lossy().into_owned();
    let i = import_site(site, src, "jekyll", &["--mapping", &mapping]);
    assert_eq!(i.run.code, 0, "{}", i.run.stderr);
    let readme = include_str!("../README.md");
    let written = i.file("content/posts/2024/2024-03-05-deepseek-pangyo.md");
    let front_matter = written.split("본문.").next().unwrap();
    assert_contains(readme, &format!("```toml\n{front_matter}```"));
    assert_eq!(every_old_url_redirects(&i, "https://old.example/"), 1);
}

#[test]
fn a_mapping_file_with_an_unknown_key_is_an_error_at_its_line() {
    let site = TestSite::empty();
    site.write("mapping.toml", "show_form = \"categories\"\n");
    let mapping = site.path("mapping.toml").to_string_lossy().into_owned();
    let i = import_into(site, "import-bad", "jekyll", &["--mapping", &mapping]);
    assert_eq!(i.run.code, 1);
    assert_contains(&i.run.stderr, "unknown field `show_form`");
    assert_contains(&i.run.stderr, "mapping.toml:1:1\n");
    assert!(!i.site.path("content").exists());
}

#[test]
fn a_target_inside_the_source_is_refused() {
    let src = TestSite::fixture("import-zola");
    let before = common::files_under(src.root());
    for into in [".", "new-site"] {
        let r = src.run(&["import", "zola", ".", "--into", into]);
        assert_eq!(r.code, 1);
        assert_contains(
            &r.stderr,
            "is inside the source site ., expected another folder: import never changes its source",
        );
    }
    assert_eq!(common::files_under(src.root()), before);
}

#[test]
fn a_slug_the_target_site_already_has_is_an_error_and_the_rest_imports() {
    let site = TestSite::empty();
    site.write(
        "config.toml",
        "title = \"내 블로그\"\nbase_url = \"https://mine.example/\"\n",
    )
    .write(
        "content/posts/2023/rate-cut.md",
        "+++\ntitle = \"예전 글\"\ndate = 2023-01-01\n+++\n본문\n",
    );
    let i = import_into(site, "import-zola", "zola", &[]);
    assert_eq!(i.run.code, 1);
    assert_eq!(
        i.run.stderr.replace(&i.site.root().to_string_lossy().into_owned(), "DIR"),
        "error: the site in DIR already has a post with the slug `rate-cut` (content/posts/2023/rate-cut.md), expected a `slug` that differs
 --> content/blog/2024-06-01-rate-cut.md:1:1
  |
1 | +++
  | ^^^

error: could not import 1 post
"
    );
    assert_contains(
        &i.report(),
        "Imported 2 posts (0 drafts) and 1 page from the Zola site in SRC into DIR\n",
    );
    assert_eq!(
        i.file("config.toml"),
        "title = \"내 블로그\"\nbase_url = \"https://mine.example/\"\n"
    );
}

/// Jekyll pages: one without `permalink` had its path with `.html` (the default `date` style),
/// has no date since it gave none; one on a slug the target site's page has, or on a URL
/// showpress makes itself, is an error and the rest imports; `404.md` is named, not imported.
#[test]
fn jekyll_pages_old_urls_and_pages_that_cannot_be_imported() {
    let src = TestSite::empty();
    src.write(
        "_config.yml",
        "title: 옛 블로그\nurl: https://old.example\n",
    )
    .write(
        "_posts/2024-01-01-a.md",
        "---\ntitle: 글\ndate: 2024-01-01\n---\n글.\n",
    )
    .write("profile.md", "---\ntitle: 프로필\n---\n프로필.\n")
    .write("tags.md", "---\ntitle: 태그\n---\n")
    .write("about.md", "---\ntitle: 소개\n---\n")
    .write("404.md", "---\nlayout: default\n---\n없는 페이지.\n")
    .write("notes.md", "front matter가 없는 파일\n");
    let site = TestSite::empty();
    site.write(
        "config.toml",
        "title = \"내 블로그\"\nbase_url = \"https://mine.example/\"\n",
    )
    .write(
        "content/about/index.md",
        "+++\ntitle = \"소개\"\nslug = \"about\"\n+++\n본문\n",
    );
    let i = import_site(site, src, "jekyll", &[]);
    assert_eq!(i.run.code, 1);
    let stderr = i
        .run
        .stderr
        .replace(&i.site.root().to_string_lossy().into_owned(), "DIR");
    assert_contains(
        &stderr,
        "error: the site in DIR already has a page with the slug `about` (content/about/index.md), expected a `slug` that differs\n --> about.md:1:1\n",
    );
    assert_contains(
        &stderr,
        "error: the page would be at /tags/, where showpress puts the list of tags, expected a `slug` that differs\n --> tags.md:1:1\n",
    );
    assert_contains(&stderr, "error: could not import 2 pages\n");
    assert_eq!(
        i.file("content/profile.md"),
        "+++\ntitle = \"프로필\"\nslug = \"profile\"\naliases = [\"/profile.html\"]\n+++\n프로필.\n"
    );
    assert!(!i.site.path("content/notes.md").exists());
    let report = i.report();
    assert_contains(
        &report,
        "Imported 1 post (0 drafts) and 1 page from the Jekyll site in SRC into DIR\n",
    );
    assert_contains(
        &report,
        "Not imported:\n  404.md: the not-found page: showpress makes its own (template 404.html)\n",
    );
    assert_contains(&report, "\n2 pages could not be imported (errors above)\n");
    assert_eq!(every_old_url_redirects(&i, "https://mine.example/"), 2);
}
