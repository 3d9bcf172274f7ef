//! From a card's text to PNG bytes: the lines fitted with the font's widths, the values the
//! `card.svg` template is rendered with, and the SVG drawn by resvg.

use resvg::{tiny_skia, usvg};
use tera::Context;

use super::font::CardFont;
use super::wrap::{fit, wrap};
use super::{
    HEIGHT, SMALL_SIZE, TEXT_WIDTH, TITLE_LINE_HEIGHT, TITLE_LINES, TITLE_SIZE, Text, WIDTH,
};

/// The template's values: `site_title`, `kicker`, `title_lines` (wrapped, the last one cut
/// with "…" when the title is longer), `footer` (one line each, cut likewise), `width`,
/// `height`, `font` and `title_font` (family names), `title_weight`, `title_size`,
/// `title_line_height`, `small_size`, `margin` and `text_width`.
pub fn context(text: &Text, font: &CardFont) -> Context {
    let small = font.measure(false, SMALL_SIZE);
    let big = font.measure(true, TITLE_SIZE);
    // A face skrifa cannot read (fontdb could) is measured a whole em per character: the
    // text is cut sooner, but stays in the frame.
    let small_advance = |c: char| small.as_ref().map_or(SMALL_SIZE, |m| m.advance(c));
    let big_advance = |c: char| big.as_ref().map_or(TITLE_SIZE, |m| m.advance(c));
    let (title_font, title_weight) = font.title_face();
    let mut ctx = Context::new();
    ctx.insert(
        "site_title",
        &fit(&text.site_title, TEXT_WIDTH, &small_advance),
    );
    ctx.insert("kicker", &fit(&text.kicker, TEXT_WIDTH, &small_advance));
    ctx.insert(
        "title_lines",
        &wrap(&text.title, TEXT_WIDTH, TITLE_LINES, &big_advance),
    );
    ctx.insert("footer", &fit(&text.footer, TEXT_WIDTH, &small_advance));
    ctx.insert("width", &WIDTH);
    ctx.insert("height", &HEIGHT);
    ctx.insert("font", font.family());
    ctx.insert("title_font", title_font);
    ctx.insert("title_weight", &title_weight);
    ctx.insert("title_size", &TITLE_SIZE);
    ctx.insert("title_line_height", &TITLE_LINE_HEIGHT);
    ctx.insert("small_size", &SMALL_SIZE);
    ctx.insert("margin", &((WIDTH as f32 - TEXT_WIDTH) / 2.0));
    ctx.insert("text_width", &TEXT_WIDTH);
    ctx
}

/// Draws the SVG (a rendered `card.svg`) into a `WIDTH`×`HEIGHT` PNG, with only `font`'s
/// faces available to its text.
pub fn png(svg: &str, font: &CardFont) -> Result<Vec<u8>, String> {
    let options = usvg::Options {
        fontdb: font.db.clone(),
        font_family: font.family().to_string(),
        languages: vec!["ko".to_string(), "en".to_string()],
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| e.to_string())?;
    let mut pixmap =
        tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or_else(|| "cannot make a canvas".to_string())?;
    // The drawing is scaled to fill the card whatever size the template's SVG says.
    let size = tree.size();
    let transform = tiny_skia::Transform::from_scale(
        WIDTH as f32 / size.width(),
        HEIGHT as f32 / size.height(),
    );
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    encode(&pixmap)
}

/// PNG of the canvas (opaque: see [`png`]), so its premultiplied pixels are plain RGBA. Fast
/// compression with adaptive filters: a 65 KB card in about a millisecond, where the default
/// compression makes a 33 KB one in several times the time (measured, see bench/README.md).
fn encode(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(80 * 1024);
    let encoder = image::codecs::png::PngEncoder::new_with_quality(
        &mut out,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::Adaptive,
    );
    image::ImageEncoder::write_image(
        encoder,
        pixmap.data(),
        WIDTH,
        HEIGHT,
        image::ExtendedColorType::Rgba8,
    )
    .map_err(|e| e.to_string())?;
    Ok(out)
}
