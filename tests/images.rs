//! Post bundles and responsive images: files beside a post's `index.md` are published under
//! its URL, relative links and images resolve against the bundle, every raster image becomes
//! a set of variants with the markup that offers them, upright and without metadata that can
//! identify a person or a place, and processed images come from the cache on the next build.

mod common;
#[path = "common/http.rs"]
mod http;
#[path = "common/server.rs"]
mod server;

use common::images::{
    chart_png, dimensions, identifying_metadata, photo_jpeg, pixel, tiny_gif, truncated,
};
use common::{TestSite, assert_contains, assert_not_contains};

const POST: &str = "content/posts/2025/studio";

/// The `bundles` fixture with its images generated: a 3000×2000 photo stored sideways
/// (EXIF orientation 6, so shown 2000×3000) with a GPS position, a PNG chart, a GIF, and a
/// photo in `static/` with GPS too.
fn site() -> TestSite {
    let site = TestSite::fixture("bundles");
    write_bytes(
        &site,
        &format!("{POST}/photo.jpg"),
        &photo_jpeg(3000, 2000, 6, true),
    );
    write_bytes(
        &site,
        &format!("{POST}/charts/chart.png"),
        &chart_png(800, 500),
    );
    write_bytes(&site, &format!("{POST}/anim.gif"), &tiny_gif());
    write_bytes(&site, "content/about/map.png", &chart_png(300, 200));
    write_bytes(
        &site,
        "static/images/banner.jpg",
        &photo_jpeg(1600, 400, 1, true),
    );
    site
}

fn write_bytes(site: &TestSite, rel: &str, bytes: &[u8]) {
    let p = site.path(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

fn output(site: &TestSite, rel: &str) -> Vec<u8> {
    std::fs::read(site.path("public").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn bundle_files_are_published_under_the_post_url_and_temp_files_are_not() {
    let site = site();
    site.write(&format!("{POST}/.index.md.swp"), "vim");
    site.write(&format!("{POST}/table.csv~"), "backup");
    site.write(&format!("{POST}/data/4913"), "vim probe");
    site.build();
    for (src, out) in [
        ("data/table.csv", "posts/studio/data/table.csv"),
        ("logo.svg", "posts/studio/logo.svg"),
        ("anim.gif", "posts/studio/anim.gif"),
    ] {
        assert_eq!(
            output(&site, out),
            std::fs::read(site.path(&format!("{POST}/{src}"))).unwrap(),
            "{out}"
        );
    }
    let files = site.output_files();
    for temp in ["table.csv~", ".index.md.swp", "4913"] {
        assert!(
            !files.iter().any(|f| f.ends_with(temp)),
            "{temp} published: {files:?}"
        );
    }
    // A file outside any bundle stays unpublished, as before bundles.
    site.write("content/posts/notes.txt", "메모");
    site.build();
    assert!(!site.exists("posts/notes.txt"));
    let page = site.read("posts/studio/index.html");
    assert_contains(
        &page,
        "<a href=\"/posts/studio/data/table.csv\">원자료</a>와 <a href=\"/images/banner.jpg\">방송사 배너</a>",
    );
}

#[test]
fn a_photo_becomes_a_picture_with_variants_at_the_widths_it_advertises() {
    let site = site();
    site.build();
    let page = site.read("posts/studio/index.html");
    // Shown upright: 2000×3000, so 960 wide is 1440 high. The first image of the page is
    // not lazy.
    assert_contains(
        &page,
        "<picture><source type=\"image/webp\" srcset=\"/posts/studio/photo-480w.webp 480w, /posts/studio/photo-960w.webp 960w, /posts/studio/photo-1440w.webp 1440w\" sizes=\"(max-width: 42rem) 100vw, 42rem\"><img src=\"/posts/studio/photo-960w.jpg\" srcset=\"/posts/studio/photo-480w.jpg 480w, /posts/studio/photo-960w.jpg 960w, /posts/studio/photo-1440w.jpg 1440w\" sizes=\"(max-width: 42rem) 100vw, 42rem\" width=\"960\" height=\"1440\" alt=\"스튜디오 전경\" decoding=\"async\"></picture>",
    );
    // Narrower than the widest setting: offered at its own width too, never enlarged.
    assert_contains(
        &page,
        "<picture><source type=\"image/webp\" srcset=\"/posts/studio/charts/chart-480w.webp 480w, /posts/studio/charts/chart-800w.webp 800w\" sizes=\"(max-width: 42rem) 100vw, 42rem\"><img src=\"/posts/studio/charts/chart-800w.png\" srcset=\"/posts/studio/charts/chart-480w.png 480w, /posts/studio/charts/chart-800w.png 800w\" sizes=\"(max-width: 42rem) 100vw, 42rem\" width=\"800\" height=\"500\" alt=\"매출 차트\" title=\"2024년 매출\" decoding=\"async\" loading=\"lazy\"></picture>",
    );
    // GIF and SVG pass through, the GIF with its size.
    assert_contains(
        &page,
        "<img src=\"/posts/studio/anim.gif\" width=\"8\" height=\"8\" alt=\"움직이는 로고\" decoding=\"async\" loading=\"lazy\"> <img src=\"/posts/studio/logo.svg\" alt=\"로고\" decoding=\"async\" loading=\"lazy\">",
    );
    // An image of `static/` gets variants beside it.
    assert_contains(
        &page,
        "<img src=\"/images/banner-960w.jpg\" srcset=\"/images/banner-480w.jpg 480w, /images/banner-960w.jpg 960w, /images/banner-1440w.jpg 1440w\" sizes=\"(max-width: 42rem) 100vw, 42rem\" width=\"960\" height=\"240\" alt=\"배너\" decoding=\"async\" loading=\"lazy\">",
    );
    for (file, size) in [
        ("posts/studio/photo.jpg", (2000, 3000)),
        ("posts/studio/photo-480w.jpg", (480, 720)),
        ("posts/studio/photo-960w.jpg", (960, 1440)),
        ("posts/studio/photo-1440w.jpg", (1440, 2160)),
        ("posts/studio/photo-480w.webp", (480, 720)),
        ("posts/studio/photo-960w.webp", (960, 1440)),
        ("posts/studio/photo-1440w.webp", (1440, 2160)),
        ("posts/studio/photo-1200w.jpg", (1200, 1800)),
        ("posts/studio/charts/chart.png", (800, 500)),
        ("posts/studio/charts/chart-480w.png", (480, 300)),
        ("posts/studio/charts/chart-800w.webp", (800, 500)),
        ("images/banner-480w.jpg", (480, 120)),
        ("about/map.png", (300, 200)),
        ("about/map-300w.webp", (300, 200)),
    ] {
        assert_eq!(dimensions(&output(&site, file)), size, "{file}");
    }
    // The summary on the home page shows the first image too, lazily there.
    assert_contains(
        &site.read("index.html"),
        "width=\"960\" height=\"1440\" alt=\"스튜디오 전경\" decoding=\"async\" loading=\"lazy\"></picture>",
    );
    assert!(!site.exists("posts/studio/photo-2000w.jpg"));
}

#[test]
fn photos_are_published_upright_and_without_gps_or_exif() {
    let site = site();
    site.build();
    // The stored photo has its red quarter top left; turned 90° clockwise it is top right.
    for file in [
        "posts/studio/photo.jpg",
        "posts/studio/photo-960w.jpg",
        "posts/studio/photo-480w.webp",
    ] {
        let bytes = output(&site, file);
        let (w, _) = dimensions(&bytes);
        let red = pixel(&bytes, w - 20, 20);
        assert!(
            red[0] > 200 && red[1] < 60 && red[2] < 60,
            "{file}: {red:?}"
        );
        let other = pixel(&bytes, 20, 20);
        assert!(other[0] < 200 || other[1] > 60, "{file}: {other:?}");
    }
    let mut checked = 0;
    for file in site.output_files() {
        if [".jpg", ".png", ".webp"].iter().any(|e| file.ends_with(e)) {
            let found = identifying_metadata(&output(&site, &file));
            assert!(found.is_empty(), "{file} still has {found:?}");
            // Social cards (drawn when a Hangul font is installed) have none either; they
            // are counted in tests/cards.rs.
            checked += usize::from(!file.starts_with("cards/"));
        }
    }
    // Photo (original, 3 widths × 2 formats, share), chart (original, 2 × 2), banner (original,
    // 3 × 2), map (original, 1 × 2).
    assert_eq!(checked, 8 + 5 + 7 + 3);
    // A published photo about 1,000 pixels wide is small enough for a phone.
    let photo = output(&site, "posts/studio/photo-960w.jpg").len();
    assert!(photo < 200_000, "photo-960w.jpg is {photo} bytes");
}

#[test]
fn the_post_image_is_shared_through_its_1200_pixel_variant() {
    let site = site();
    site.build();
    let page = site.read("posts/studio/index.html");
    assert_contains(
        &page,
        "<meta property=\"og:image\" content=\"https://example.com/posts/studio/photo-1200w.jpg\">",
    );
    assert_eq!(
        dimensions(&output(&site, "posts/studio/photo-1200w.jpg")),
        (1200, 1800)
    );
}

#[test]
fn a_missing_relative_image_or_file_is_an_error_at_its_line() {
    let site = site();
    site.write(
        &format!("{POST}/index.md"),
        "+++\ntitle = \"t\"\ndate = 2025-03-11\n+++\n첫 줄\n\n그림 ![없는 차트](charts/nope.png) 과 [자료](data/없음.csv)\n",
    );
    for command in ["build", "check"] {
        let r = site.run(&[command]);
        assert_eq!(r.code, 1, "{command}: {}", r.stderr);
        assert_contains(
            &r.stderr,
            "error: broken image `charts/nope.png`: no file `content/posts/2025/studio/charts/nope.png` in this page's bundle, expected the file beside its index.md (files of other bundles are linked with `../`)\n --> content/posts/2025/studio/index.md:7:4\n",
        );
        assert_contains(
            &r.stderr,
            "error: broken link `data/없음.csv`: no file `content/posts/2025/studio/data/없음.csv` in this page's bundle",
        );
        assert_contains(&r.stderr, " --> content/posts/2025/studio/index.md:7:32\n");
    }
}

#[test]
fn a_relative_image_in_a_post_that_is_not_a_bundle_says_how_to_make_one() {
    let site = site();
    site.write(
        "content/posts/2025/plain.md",
        "+++\ntitle = \"t\"\ndate = 2025-03-01\n+++\n![차트](chart.png)\n",
    );
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1);
    assert_contains(
        &r.stderr,
        "error: broken image `chart.png`: no file `content/posts/2025/chart.png`; a post's or page's files go in its bundle, a folder with the text as `index.md` and the files beside it (`content/posts/2025/plain/index.md`)\n --> content/posts/2025/plain.md:5:1\n",
    );
}

#[test]
fn a_truncated_image_is_an_error_naming_it_and_its_post_and_the_site_stays() {
    let site = site();
    site.build();
    let before = output(&site, "posts/studio/index.html");
    let photo = std::fs::read(site.path(&format!("{POST}/photo.jpg"))).unwrap();
    write_bytes(&site, &format!("{POST}/photo.jpg"), &truncated(&photo));
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_contains(
        &r.stderr,
        "error: this image is cut short (it has no end-of-image marker), expected a whole JPEG file: copy it again\n --> content/posts/2025/studio/photo.jpg\n",
    );
    assert_contains(
        &r.stderr,
        "= note: it is used by content/posts/2025/studio/index.md",
    );
    assert!(!r.stderr.contains("panicked"));
    assert_eq!(output(&site, "posts/studio/index.html"), before);
    assert!(site.exists("posts/studio/photo-960w.jpg"));
}

#[test]
fn an_image_named_for_another_format_is_an_error() {
    let site = site();
    write_bytes(&site, &format!("{POST}/anim.gif"), &chart_png(10, 10));
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1);
    assert_contains(
        &r.stderr,
        "error: this image is PNG data, expected GIF data for its name (rename it or convert it)\n --> content/posts/2025/studio/anim.gif\n",
    );
}

#[test]
fn a_second_build_encodes_nothing_even_into_an_empty_output_folder() {
    let site = site();
    let first = site.build();
    assert_contains(&first.stdout, "Images: 4 processed, 0 from the cache\n");
    let files = common::files_under(&site.path("public"));
    std::fs::remove_dir_all(site.path("public")).unwrap();
    let again = site.build();
    assert_contains(&again.stdout, "Images: 0 processed, 4 from the cache\n");
    assert_eq!(common::files_under(&site.path("public")), files);
    // `--no-cache` keeps processed images: the same bytes and settings make the same files.
    let r = site.build_with(&["--no-cache"]);
    assert_contains(&r.stdout, "Images: 0 processed, 4 from the cache\n");
    assert_eq!(common::files_under(&site.path("public")), files);
}

#[test]
fn replacing_an_image_remakes_only_its_files_and_prunes_the_old_ones() {
    let site = site();
    site.build();
    let cached = || common::files_under(&site.path(".showpress/images")).len();
    let before = cached();
    let old = output(&site, "posts/studio/charts/chart-480w.png");
    write_bytes(
        &site,
        &format!("{POST}/charts/chart.png"),
        &chart_png(900, 500),
    );
    let r = site.build();
    assert_contains(&r.stdout, "Images: 1 processed, 0 from the cache\n");
    assert_ne!(output(&site, "posts/studio/charts/chart-480w.png"), old);
    assert_eq!(
        dimensions(&output(&site, "posts/studio/charts/chart-900w.png")),
        (900, 500)
    );
    assert!(!site.exists("posts/studio/charts/chart-800w.png"));
    assert_contains(
        &site.read("posts/studio/index.html"),
        "width=\"900\" height=\"500\" alt=\"매출 차트\"",
    );
    assert_eq!(cached(), before, "stale variants are pruned from the cache");
    // Deleting the post's bundle removes its files.
    std::fs::remove_dir_all(site.path(POST)).unwrap();
    site.build();
    assert!(!site.exists("posts/studio"));
}

#[test]
fn a_draft_bundle_publishes_no_files() {
    let site = site();
    let text = std::fs::read_to_string(site.path(&format!("{POST}/index.md"))).unwrap();
    site.write(
        &format!("{POST}/index.md"),
        &text.replace("episode = 3\n", "episode = 3\ndraft = true\n"),
    );
    site.build();
    assert!(!site.exists("posts/studio/photo.jpg"));
    assert!(!site.exists("posts/studio/data/table.csv"));
    assert_not_contains(&site.read("index.html"), "photo");
}

#[test]
fn serve_refreshes_the_page_when_a_bundle_image_is_replaced() {
    use http::{Sse, get};
    use server::Server;
    use std::time::Duration;
    let site = site();
    let server = Server::spawn(&site, &[]);
    let serving = loop {
        let line = server
            .lines
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|e| panic!("no Serving line ({e}): {}", server.stderr()));
        if line.starts_with("Serving ") {
            break line;
        }
    };
    let port = Server::port_of(&serving);
    let mut events = Sse::open(port, "/__showpress/events");
    events.expect("hello", Duration::from_secs(30));
    let chart = |name: &str| {
        let r = get(port, &format!("/posts/studio/charts/{name}"));
        assert_eq!(r.status, 200, "{name}");
        dimensions(&r.body)
    };
    assert_eq!(chart("chart-480w.png"), (480, 300));
    // Written through a temp file and renamed, as editors and image tools save.
    let tmp = site.path(&format!("{POST}/charts/.chart.png.tmp"));
    std::fs::write(&tmp, chart_png(900, 500)).unwrap();
    std::fs::rename(&tmp, site.path(&format!("{POST}/charts/chart.png"))).unwrap();
    events.expect("reload", Duration::from_secs(30));
    assert_eq!(chart("chart-480w.png"), (480, 267));
    assert_eq!(chart("chart-900w.webp"), (900, 500));
    assert_contains(
        &get(port, "/posts/studio/").text(),
        "width=\"900\" height=\"500\" alt=\"매출 차트\"",
    );
    assert_eq!(get(port, "/posts/studio/charts/chart-800w.png").status, 404);
}

#[test]
fn templates_resize_theme_images_with_a_function_and_a_filter() {
    let site = site();
    write_bytes(&site, "static/images/logo.png", &chart_png(600, 200));
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}\n{% block content %}{% set logo = resize_image(path=\"/images/logo.png\", width=240) %}<img src=\"{{ logo.url }}\" width=\"{{ logo.width }}\" height=\"{{ logo.height }}\" alt=\"\">\n{{ \"/images/banner.jpg\" | picture(alt=\"방송사 배너\") }}{% endblock content %}\n",
    );
    site.build();
    let page = site.read("404.html");
    assert_contains(
        &page,
        "<img src=\"/images/logo-240w.png\" width=\"240\" height=\"80\" alt=\"\">\n<picture><source type=\"image/webp\" srcset=\"/images/banner-480w.webp 480w, /images/banner-960w.webp 960w, /images/banner-1440w.webp 1440w\" sizes=\"(max-width: 42rem) 100vw, 42rem\"><img src=\"/images/banner-960w.jpg\"",
    );
    assert_eq!(
        dimensions(&output(&site, "images/logo-240w.png")),
        (240, 80)
    );
    assert!(identifying_metadata(&output(&site, "images/logo-240w.png")).is_empty());
    // The logo's size is part of every page's key: a new logo reaches pages not edited.
    write_bytes(&site, "static/images/logo.png", &chart_png(480, 240));
    site.build();
    assert_contains(
        &site.read("404.html"),
        "<img src=\"/images/logo-240w.png\" width=\"240\" height=\"120\" alt=\"\">",
    );
    // A path the templates do not spell out cannot be made before rendering: it says so.
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}\n{% block content %}{% set p = \"/images/logo.png\" %}{{ p | picture }}{% endblock content %}\n",
    );
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1);
    assert_contains(
        &r.stderr,
        "the `picture` filter needs a literal path, such as `\"/images/banner.jpg\" | picture(alt=\"…\")` (showpress makes the files before rendering); got \"/images/logo.png\"",
    );
}
