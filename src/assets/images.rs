//! What an image is (format, size as displayed) and what it is published as: the widths and
//! formats of its variants, their file names, and the `<picture>`/`<img>` markup that offers
//! them. Pure functions of a [`Probe`] and the `[images]` settings, so the markup a page shows
//! and the files the build writes cannot disagree.

use std::io::Cursor;

use serde::{Deserialize, Serialize};

use crate::config::ImageOptions;
use crate::text::escape_html;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Format {
    Jpeg,
    Png,
    WebP,
    Gif,
    Svg,
}

impl Format {
    /// By file name: what the writer meant the file to be.
    pub fn from_name(name: &str) -> Option<Format> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match ext.as_str() {
            "jpg" | "jpeg" => Format::Jpeg,
            "png" => Format::Png,
            "webp" => Format::WebP,
            "gif" => Format::Gif,
            "svg" => Format::Svg,
            _ => return None,
        })
    }

    /// Formats whose pixels are resized into variants (GIF and SVG pass through untouched).
    pub fn is_raster(self) -> bool {
        matches!(self, Format::Jpeg | Format::Png | Format::WebP)
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::WebP => "WebP",
            Format::Gif => "GIF",
            Format::Svg => "SVG",
        }
    }

    fn of(f: image::ImageFormat) -> Option<Format> {
        Some(match f {
            image::ImageFormat::Jpeg => Format::Jpeg,
            image::ImageFormat::Png => Format::Png,
            image::ImageFormat::WebP => Format::WebP,
            image::ImageFormat::Gif => Format::Gif,
            _ => return None,
        })
    }
}

/// An image file as read from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Probe {
    pub format: Format,
    /// Size as displayed (EXIF orientation applied: a portrait photo stored sideways is
    /// taller than wide here); `None` for SVG.
    pub size: Option<(u32, u32)>,
    /// Whether the stored pixels must be turned or flipped to show the picture upright.
    pub turned: bool,
}

/// Reads the header of image `name` (its format, size and orientation), or says why it is not
/// an image its name promises. `Ok(None)` for files that are not images.
pub fn probe(name: &str, bytes: &[u8]) -> Result<Option<Probe>, String> {
    let Some(format) = Format::from_name(name) else {
        return Ok(None);
    };
    if format == Format::Svg {
        return Ok(Some(Probe {
            format,
            size: None,
            turned: false,
        }));
    }
    let reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let found = reader.format().and_then(Format::of);
    if found != Some(format) {
        let what = found.map_or("not an image showpress can read".to_string(), |f| {
            format!("{} data", f.name())
        });
        return Err(format!(
            "is {what}, expected {} data for its name (rename it or convert it)",
            format.name()
        ));
    }
    if let Some(why) = super::strip::cut_short(bytes) {
        return Err(format!(
            "is cut short ({why}), expected a whole {} file: copy it again",
            format.name()
        ));
    }
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| format!("cannot be read as {}: {e}", format.name()))?;
    let (w, h) = image::ImageDecoder::dimensions(&decoder);
    if w == 0 || h == 0 {
        return Err(format!("is {w}×{h} pixels, expected a picture with pixels"));
    }
    let orientation = image::ImageDecoder::orientation(&mut decoder)
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    use image::metadata::Orientation as O;
    let sideways = matches!(
        orientation,
        O::Rotate90 | O::Rotate270 | O::Rotate90FlipH | O::Rotate270FlipH
    );
    Ok(Some(Probe {
        format,
        size: Some(if sideways { (h, w) } else { (w, h) }),
        turned: orientation != O::NoTransforms,
    }))
}

/// One published file made from an image.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variant {
    /// File name, in the folder of the original: `chart-960w.webp`.
    pub name: String,
    pub width: u32,
    pub height: u32,
    pub format: Format,
}

/// The folder part and file name of a `/`-separated path: `posts/a/chart.png` → (`posts/a/`,
/// `chart.png`).
pub fn split_dir(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(i) => (&path[..=i], &path[i + 1..]),
        None => ("", path),
    }
}

/// `chart.png` → (`chart`, `png`).
fn split_name(name: &str) -> (&str, &str) {
    name.rsplit_once('.').unwrap_or((name, ""))
}

fn variant(name: &str, w: u32, (ow, oh): (u32, u32), format: Format) -> Variant {
    let (stem, ext) = split_name(name);
    let ext = if format == Format::WebP && !ext.eq_ignore_ascii_case("webp") {
        "webp"
    } else {
        ext
    };
    // Rounded, at least one pixel: the aspect ratio is kept.
    let height = ((u64::from(oh) * u64::from(w) + u64::from(ow) / 2) / u64::from(ow)).max(1);
    Variant {
        name: format!("{stem}-{w}w.{ext}"),
        width: w,
        height: height as u32,
        format,
    }
}

/// The widths an image of width `original` is offered at: the configured ones narrower than
/// it, and its own width when it is narrower than the widest configured (never wider than the
/// original, never enlarged).
pub fn widths(original: u32, opts: &ImageOptions) -> Vec<u32> {
    let mut w: Vec<u32> = opts
        .widths
        .iter()
        .copied()
        .filter(|w| *w < original)
        .collect();
    if w.len() < opts.widths.len() {
        w.push(original);
    }
    w.sort_unstable();
    w.dedup();
    w
}

/// Every variant of raster image `name`: each width in its own format, and in WebP unless it
/// is a WebP already (or WebP is turned off).
pub fn variants(name: &str, probe: &Probe, opts: &ImageOptions) -> Vec<Variant> {
    let Some(size) = probe.size.filter(|_| probe.format.is_raster()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for w in widths(size.0, opts) {
        out.push(variant(name, w, size, probe.format));
        if opts.webp && probe.format != Format::WebP {
            out.push(variant(name, w, size, Format::WebP));
        }
    }
    out
}

/// The copy of raster image `name` a template asks for at `width` (no wider than the
/// original), in its own format.
pub fn sized(name: &str, probe: &Probe, width: u32) -> Option<Variant> {
    let size = probe.size.filter(|_| probe.format.is_raster())?;
    Some(variant(name, width.clamp(1, size.0), size, probe.format))
}

/// Width of the picture social networks show for a post (`og:image`).
pub const SHARE_WIDTH: u32 = 1200;

/// The file `og:image` uses for raster image `name`: a 1200-pixel-wide variant in its own
/// format (social networks do not all read WebP), or the original when it is not wider.
pub fn share_variant(name: &str, probe: &Probe) -> Option<Variant> {
    let size = probe.size.filter(|_| probe.format.is_raster())?;
    (size.0 > SHARE_WIDTH).then(|| variant(name, SHARE_WIDTH, size, probe.format))
}

/// How one image is shown in a page.
pub struct Shown<'a> {
    /// URL of the folder the image and its variants are in, ending in `/`.
    pub dir_url: &'a str,
    /// File name of the original.
    pub name: &'a str,
    pub alt: &'a str,
    pub title: &'a str,
    /// The first image of a page is loaded at once; the others when scrolled near.
    pub eager: bool,
}

/// The HTML for an image showpress knows nothing about (not a file of a bundle or of
/// `static/`, or not an image format it reads).
/// `src` is its URL as it goes into the page.
pub fn plain(src: &str, shown: &Shown) -> String {
    let mut html = format!(
        "<img src=\"{}\" alt=\"{}\"",
        escape_html(src),
        escape_html(shown.alt)
    );
    if !shown.title.is_empty() {
        html.push_str(&format!(" title=\"{}\"", escape_html(shown.title)));
    }
    html.push_str(" decoding=\"async\"");
    if !shown.eager {
        html.push_str(" loading=\"lazy\"");
    }
    html.push('>');
    html
}

/// The HTML for an image: `<picture>` with a WebP `<source>` and an `<img>` with `srcset`,
/// `sizes`, `width` and `height` (so nothing moves as it loads) for raster images; `<img>` with
/// its size for a GIF; `<img>` for an SVG.
pub fn markup(shown: &Shown, probe: &Probe, opts: &ImageOptions) -> String {
    let url = |name: &str| escape_html(&format!("{}{}", shown.dir_url, encode_name(name)));
    let mut attrs = String::new();
    attrs.push_str(&format!(" alt=\"{}\"", escape_html(shown.alt)));
    if !shown.title.is_empty() {
        attrs.push_str(&format!(" title=\"{}\"", escape_html(shown.title)));
    }
    attrs.push_str(" decoding=\"async\"");
    if !shown.eager {
        attrs.push_str(" loading=\"lazy\"");
    }
    let all = variants(shown.name, probe, opts);
    if all.is_empty() {
        let size = probe
            .size
            .map(|(w, h)| format!(" width=\"{w}\" height=\"{h}\""))
            .unwrap_or_default();
        return format!("<img src=\"{}\"{size}{attrs}>", url(shown.name));
    }
    let srcset = |format: Format| {
        all.iter()
            .filter(|v| v.format == format)
            .map(|v| format!("{} {}w", url(&v.name), v.width))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let own: Vec<&Variant> = all.iter().filter(|v| v.format == probe.format).collect();
    // The `src` for browsers without `srcset`: the widest variant up to the default width.
    let fallback = own
        .iter()
        .rev()
        .find(|v| v.width <= opts.default_width)
        .or(own.first())
        .copied();
    let Some(fallback) = fallback else {
        return format!("<img src=\"{}\"{attrs}>", url(shown.name));
    };
    let sizes = escape_html(&opts.sizes);
    let img = format!(
        "<img src=\"{}\" srcset=\"{}\" sizes=\"{sizes}\" width=\"{}\" height=\"{}\"{attrs}>",
        url(&fallback.name),
        srcset(probe.format),
        fallback.width,
        fallback.height
    );
    if all.iter().any(|v| v.format != probe.format) {
        format!(
            "<picture><source type=\"image/webp\" srcset=\"{}\" sizes=\"{sizes}\">{img}</picture>",
            srcset(Format::WebP)
        )
    } else {
        img
    }
}

/// A file name made safe for a URL path (Hangul and spaces percent-encoded).
fn encode_name(name: &str) -> String {
    crate::slug::encode_path(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> ImageOptions {
        ImageOptions::default()
    }

    #[test]
    fn widths_never_exceed_the_original() {
        assert_eq!(widths(2400, &opts()), [480, 960, 1440]);
        assert_eq!(widths(1000, &opts()), [480, 960, 1000]);
        assert_eq!(widths(1440, &opts()), [480, 960, 1440]);
        assert_eq!(widths(300, &opts()), [300]);
    }

    #[test]
    fn a_photo_becomes_a_picture_with_webp_and_its_own_size() {
        let probe = Probe {
            format: Format::Jpeg,
            size: Some((2400, 1600)),
            turned: false,
        };
        let html = markup(
            &Shown {
                dir_url: "/posts/a/",
                name: "사진.jpg",
                alt: "스튜디오 \"전경\"",
                title: "",
                eager: false,
            },
            &probe,
            &opts(),
        );
        assert_eq!(
            html,
            "<picture><source type=\"image/webp\" srcset=\"/posts/a/%EC%82%AC%EC%A7%84-480w.webp 480w, /posts/a/%EC%82%AC%EC%A7%84-960w.webp 960w, /posts/a/%EC%82%AC%EC%A7%84-1440w.webp 1440w\" sizes=\"(max-width: 42rem) 100vw, 42rem\">\
<img src=\"/posts/a/%EC%82%AC%EC%A7%84-960w.jpg\" srcset=\"/posts/a/%EC%82%AC%EC%A7%84-480w.jpg 480w, /posts/a/%EC%82%AC%EC%A7%84-960w.jpg 960w, /posts/a/%EC%82%AC%EC%A7%84-1440w.jpg 1440w\" sizes=\"(max-width: 42rem) 100vw, 42rem\" width=\"960\" height=\"640\" alt=\"스튜디오 &quot;전경&quot;\" decoding=\"async\" loading=\"lazy\"></picture>"
        );
    }
}
