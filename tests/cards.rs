//! Social cards: a 1200×630 PNG for every post without its own `image`, every show and every
//! guest, named in `og:image` and `twitter:image`; long Korean titles stay inside the frame;
//! cards come from the cache when nothing on them changed; `[cards]` turns them off or names
//! the font; without a font that has Hangul, one warning and the site image as before.
//!
//! Tests that draw need a Hangul font (Debian: fonts-nanum): without one they say
//! `skipped: no Hangul font` on the terminal, and fail instead when
//! `SHOWPRESS_REQUIRE_HANGUL_FONT=1` (CI). The no-font case is made with `[cards] font`
//! pointing at DejaVu Sans, which has no Hangul.

mod common;

use common::cards::{NO_HANGUL, can_draw};
use common::{TestSite, assert_contains, assert_not_contains};

/// A Latin-only font Debian and Ubuntu install with most desktop and server images.
const LATIN_FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

fn card(site: &TestSite, rel: &str) -> image::RgbaImage {
    let bytes = std::fs::read(site.path("public").join(rel))
        .unwrap_or_else(|e| panic!("cannot read {rel}: {e}"));
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{rel} is not a PNG"
    );
    image::load_from_memory(&bytes).unwrap().to_rgba8()
}

#[test]
fn a_post_without_an_image_gets_a_card_in_og_and_twitter_image() {
    if !can_draw("a_post_without_an_image_gets_a_card_in_og_and_twitter_image") {
        return;
    }
    let site = TestSite::fixture("cards");
    let r = site.build();
    assert_contains(&r.stdout, "Social cards: 4 drawn, 0 from the cache\n");
    let img = card(&site, "cards/posts/busan-12.png");
    assert_eq!(img.dimensions(), (1200, 630));
    let html = site.read("posts/busan-12/index.html");
    assert_contains(
        &html,
        "<meta property=\"og:image\" content=\"https://example.com/cards/posts/busan-12.png\">\n\
         <meta property=\"og:image:width\" content=\"1200\">\n\
         <meta property=\"og:image:height\" content=\"630\">\n",
    );
    assert_contains(
        &html,
        "<meta name=\"twitter:card\" content=\"summary_large_image\">\n\
         <meta name=\"twitter:image\" content=\"https://example.com/cards/posts/busan-12.png\">\n",
    );
    // JSON-LD names the card, not the site's image.
    assert_contains(
        &html,
        "\"image\":[\"https://example.com/cards/posts/busan-12.png\"]",
    );
}

#[test]
fn a_post_with_its_own_image_gets_no_card() {
    if !can_draw("a_post_with_its_own_image_gets_no_card") {
        return;
    }
    let site = TestSite::fixture("cards");
    site.build();
    assert!(!site.exists("cards/posts/with-image.png"));
    let html = site.read("posts/with-image/index.html");
    assert_contains(
        &html,
        "<meta property=\"og:image\" content=\"https://example.com/images/cover.png\">\n<meta property=\"article:published_time\"",
    );
    assert_contains(
        &html,
        "<meta name=\"twitter:image\" content=\"https://example.com/images/cover.png\">",
    );
    assert_not_contains(&html, "og:image:width");
}

#[test]
fn a_120_character_korean_title_stays_inside_the_frame() {
    if !can_draw("a_120_character_korean_title_stays_inside_the_frame") {
        return;
    }
    let site = TestSite::fixture("cards");
    site.build();
    let img = card(&site, "cards/posts/long-title.png");
    assert_eq!(img.dimensions(), (1200, 630));
    let background = *img.get_pixel(0, 0);
    // The frame's margins: 60 pixels left and right (text starts at 80 and is wrapped to end
    // by 1120) and the bottom 40 rows hold nothing but the background.
    for (x, y, p) in img.enumerate_pixels() {
        if !(60..1140).contains(&x) || y >= 590 {
            assert_eq!(*p, background, "ink at ({x}, {y}) in the margin");
        }
    }
    // The title did reach the right part of the frame: it was wrapped, not dropped.
    let inked = |x: u32| (250..500).any(|y| *img.get_pixel(x, y) != background);
    assert!((1000..1140).any(inked), "the title's lines are full width");
}

#[test]
fn show_and_guest_pages_get_cards() {
    if !can_draw("show_and_guest_pages_get_cards") {
        return;
    }
    let site = TestSite::fixture("cards");
    site.build();
    assert_eq!(
        card(&site, "cards/shows/busan.png").dimensions(),
        (1200, 630)
    );
    assert_eq!(
        card(&site, "cards/guests/김해림.png").dimensions(),
        (1200, 630)
    );
    assert_contains(
        &site.read("shows/busan/index.html"),
        "<meta property=\"og:image\" content=\"https://example.com/cards/shows/busan.png\">\n<meta property=\"og:image:width\" content=\"1200\">",
    );
    assert_contains(
        &site.read("guests/김해림/index.html"),
        "<meta property=\"og:image\" content=\"https://example.com/cards/guests/%EA%B9%80%ED%95%B4%EB%A6%BC.png\">",
    );
    // Other pages keep the site's image, whose size showpress does not state.
    let home = site.read("index.html");
    assert_contains(
        &home,
        "<meta property=\"og:image\" content=\"https://example.com/images/site.png\">\n<meta name=\"twitter:card\" content=\"summary_large_image\">\n<meta name=\"twitter:image\" content=\"https://example.com/images/site.png\">\n",
    );
    assert_not_contains(&home, "og:image:width");
}

#[test]
fn cards_come_from_the_cache_and_a_new_title_is_drawn_again() {
    if !can_draw("cards_come_from_the_cache_and_a_new_title_is_drawn_again") {
        return;
    }
    let site = TestSite::fixture("cards");
    site.build();
    let files = common::files_under(&site.path("public/cards"));
    std::fs::remove_dir_all(site.path("public")).unwrap();
    let again = site.build();
    assert_contains(&again.stdout, "Social cards: 0 drawn, 4 from the cache\n");
    assert_eq!(common::files_under(&site.path("public/cards")), files);

    let old = std::fs::read(site.path("public/cards/posts/busan-12.png")).unwrap();
    let post = std::fs::read_to_string(site.path("content/posts/busan-12.md")).unwrap();
    site.write(
        "content/posts/busan-12.md",
        &post.replace("항만 자동화를 묻다", "항만 자동화를 다시 묻다"),
    );
    let r = site.build();
    assert_contains(&r.stdout, "Social cards: 1 drawn, 0 from the cache\n");
    assert_ne!(
        std::fs::read(site.path("public/cards/posts/busan-12.png")).unwrap(),
        old
    );
    // The old card's cached bytes are pruned: four cards, four cache entries.
    assert_eq!(common::files_under(&site.path(".showpress/cards")).len(), 4);
}

#[test]
fn a_site_card_template_restyles_the_cards() {
    if !can_draw("a_site_card_template_restyles_the_cards") {
        return;
    }
    let site = TestSite::fixture("cards");
    site.write(
        "templates/card.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{{ width }}\" height=\"{{ height }}\"><rect width=\"{{ width }}\" height=\"{{ height }}\" fill=\"#ff0000\"/><text x=\"80\" y=\"300\" font-family=\"{{ font }}\" font-size=\"{{ title_size }}\">{{ title_lines | join(sep=\" \") }}</text></svg>\n",
    );
    site.build();
    let img = card(&site, "cards/posts/busan-12.png");
    assert_eq!(img.dimensions(), (1200, 630));
    assert_eq!(*img.get_pixel(5, 5), image::Rgba([255, 0, 0, 255]));
}

#[test]
fn enabled_false_turns_cards_off_without_a_warning() {
    let site = TestSite::fixture("cards");
    let config = std::fs::read_to_string(site.path("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("{config}\n[cards]\nenabled = false\n"),
    );
    let r = site.build();
    assert!(!site.exists("cards"));
    assert_not_contains(&r.stderr, "warning");
    assert_not_contains(&r.stdout, "Social cards");
    let html = site.read("posts/busan-12/index.html");
    assert_contains(
        &html,
        "<meta property=\"og:image\" content=\"https://example.com/images/site.png\">\n<meta property=\"article:published_time\"",
    );
    assert_contains(&html, "\"image\":[\"https://example.com/images/site.png\"]");
}

#[test]
fn without_a_hangul_font_one_warning_and_no_cards() {
    if !std::path::Path::new(LATIN_FONT).is_file() {
        eprintln!("skipped: {LATIN_FONT} is not installed (apt-get install fonts-dejavu-core)");
        return;
    }
    let site = TestSite::fixture("cards");
    let config = std::fs::read_to_string(site.path("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("{config}\n[cards]\nfont = \"{LATIN_FONT}\"\n"),
    );
    let r = site.build_raw(&[]);
    assert_eq!(r.stderr, NO_HANGUL);
    assert!(!site.exists("cards"));
    assert_contains(
        &site.read("posts/busan-12/index.html"),
        "<meta property=\"og:image\" content=\"https://example.com/images/site.png\">\n<meta property=\"article:published_time\"",
    );
    // The next build looks again, and warns again.
    assert_eq!(site.build_raw(&[]).stderr, NO_HANGUL);
}

#[test]
fn a_font_that_cannot_be_used_is_an_error_at_its_key() {
    let site = TestSite::fixture("cards");
    let config = std::fs::read_to_string(site.path("config.toml")).unwrap();
    site.write(
        "config.toml",
        &format!("{config}\n[cards]\nfont = \"fonts/missing.ttf\"\n"),
    );
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1);
    assert_contains(
        &r.stderr,
        "error: [cards] font `fonts/missing.ttf` does not exist or is not a file; expected the path of a font file with Hangul, relative to the site root, such as `font = \"fonts/NanumGothicBold.ttf\"`\n --> config.toml:7:8\n",
    );

    site.write("fonts/notes.ttf", "not a font");
    site.write(
        "config.toml",
        &format!("{config}\n[cards]\nfont = \"fonts/notes.ttf\"\n"),
    );
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1);
    assert_contains(
        &r.stderr,
        "error: [cards] font `fonts/notes.ttf` is not a font (expected a TrueType or OpenType file, .ttf, .otf or .ttc);",
    );
}

#[test]
fn check_draws_no_cards() {
    let site = TestSite::fixture("cards");
    let r = site.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!site.path(".showpress/cards").exists());
}

#[test]
fn markup_in_a_title_is_drawn_as_text() {
    if !can_draw("markup_in_a_title_is_drawn_as_text") {
        return;
    }
    let site = TestSite::fixture("cards");
    site.write(
        "content/posts/busan-12.md",
        &common::post(
            "title = \"<script>&\\\"따옴표\\\" '홑' ]]>\"\ndate = 2025-04-02T09:30:00+09:00",
            "본문.\n",
        ),
    );
    let r = site.build();
    assert_eq!(r.stderr, "");
    assert_eq!(
        card(&site, "cards/posts/busan-12.png").dimensions(),
        (1200, 630)
    );
}
