//! The pixel work: decode an image once (EXIF orientation applied to the pixels), resize it to
//! each variant's width and encode it as JPEG, PNG or WebP; publish the original without
//! identifying metadata. Every result is kept in the image cache, named by a fingerprint of
//! the source bytes and of what was asked, so a rebuild (even into an empty output folder)
//! encodes nothing that did not change.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use fast_image_resize as fr;
use image::{DynamicImage, ImageDecoder};

use super::images::{Format, Probe};
use super::strip;
use crate::fingerprint::{self, FastSet};

/// Bumped when what the pixel work produces changes, so cached results made by an older
/// showpress are not reused.
const PIPELINE_VERSION: u32 = 1;

/// What to make of one source image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// The original, upright and without identifying metadata.
    Original,
    /// Resized to this size, in this format.
    Resize {
        width: u32,
        height: u32,
        format: Format,
    },
}

impl Op {
    /// Fingerprint of what this op makes from a source with fingerprint `source`.
    pub fn key(self, source: u64, quality: u8) -> u64 {
        fingerprint::of(&(PIPELINE_VERSION, source, self, quality))
    }

    fn needs_pixels(self, bytes: &[u8], probe: &Probe) -> bool {
        match self {
            Op::Resize { .. } => true,
            // A WebP's metadata cannot be cut out here: encoded again, losslessly.
            Op::Original => {
                probe.turned || (strip::has_metadata(bytes) && strip::strip(bytes).is_none())
            }
        }
    }
}

/// Processed images kept between builds, in the cache folder (`images/` in it). Without a
/// folder (no cache could be made) everything is made afresh.
pub struct ImageCache {
    dir: Option<PathBuf>,
    used: Mutex<FastSet<u64>>,
}

impl ImageCache {
    pub fn new(dir: Option<PathBuf>) -> ImageCache {
        ImageCache {
            dir,
            used: Mutex::new(FastSet::default()),
        }
    }

    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    fn path(&self, key: u64) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| {
            d.join(format!("{:02x}", key >> 56))
                .join(format!("{key:016x}"))
        })
    }

    fn get(&self, key: u64) -> Option<Vec<u8>> {
        let bytes = std::fs::read(self.path(key)?).ok()?;
        // A truncated entry (a build killed while writing it) is not trusted: the stored
        // fingerprint of the bytes must match.
        let (body, sum) = bytes.split_at(bytes.len().checked_sub(8)?);
        (fingerprint::of_bytes(body).to_le_bytes() == sum).then(|| body.to_vec())
    }

    fn put(&self, key: u64, bytes: &[u8]) {
        let Some(path) = self.path(key) else { return };
        // A cache that cannot be written only makes the next build slower.
        let Some(dir) = path.parent() else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let tmp = dir.join(format!("{key:016x}.{}.tmp", std::process::id()));
        let mut body = bytes.to_vec();
        body.extend_from_slice(&fingerprint::of_bytes(bytes).to_le_bytes());
        if std::fs::write(&tmp, &body).is_ok() && std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    /// Marks results as wanted by the current site (see [`ImageCache::prune`]).
    pub fn keep(&self, keys: impl IntoIterator<Item = u64>) {
        if let Ok(mut used) = self.used.lock() {
            used.extend(keys);
        }
    }

    /// Deletes every cached result not marked with [`ImageCache::keep`] since the last prune:
    /// variants of images that changed or are gone. Returns how many were deleted.
    pub fn prune(&self) -> usize {
        let Some(dir) = &self.dir else { return 0 };
        let used = self
            .used
            .lock()
            .map(|mut u| std::mem::take(&mut *u))
            .unwrap_or_default();
        let mut removed = 0;
        for entry in walkdir::WalkDir::new(dir)
            .min_depth(2)
            .max_depth(2)
            .into_iter()
            .flatten()
        {
            let name = entry.file_name().to_string_lossy();
            let stale = match u64::from_str_radix(&name, 16) {
                Ok(key) => name.len() == 16 && !used.contains(&key),
                // Temp files of a killed build.
                Err(_) => name.ends_with(".tmp"),
            };
            if stale && std::fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
        removed
    }

    /// The bytes cached under `key`, else made by `make` and cached; and whether they came
    /// from the cache. For results made of something other than a source image (social cards).
    pub fn get_or_make(
        &self,
        key: u64,
        make: impl FnOnce() -> Result<Vec<u8>, String>,
    ) -> Result<(Vec<u8>, bool), String> {
        self.keep([key]);
        if let Some(bytes) = self.get(key) {
            return Ok((bytes, true));
        }
        let bytes = make()?;
        self.put(key, &bytes);
        Ok((bytes, false))
    }

    /// The bytes of each of `ops` made from `bytes` (a source with fingerprint `source`), from
    /// the cache or made now, decoding the source at most once; and whether all came from the
    /// cache.
    pub fn make(
        &self,
        bytes: &[u8],
        source: u64,
        probe: &Probe,
        ops: &[Op],
        quality: u8,
    ) -> Result<(Vec<Vec<u8>>, bool), String> {
        let keys: Vec<u64> = ops.iter().map(|op| op.key(source, quality)).collect();
        self.keep(keys.iter().copied());
        let mut out: Vec<Option<Vec<u8>>> = keys.iter().map(|k| self.get(*k)).collect();
        if out.iter().all(Option::is_some) {
            return Ok((out.into_iter().flatten().collect(), true));
        }
        let mut pixels: Option<DynamicImage> = None;
        for (i, op) in ops.iter().enumerate() {
            if out[i].is_some() {
                continue;
            }
            let made = if op.needs_pixels(bytes, probe) {
                if pixels.is_none() {
                    pixels = Some(decode(bytes)?);
                }
                let Some(img) = pixels.as_ref() else {
                    return Err("cannot decode".into());
                };
                match *op {
                    Op::Original => encode(
                        img,
                        probe.format,
                        quality.max(90),
                        probe.format == Format::WebP,
                    )?,
                    Op::Resize {
                        width,
                        height,
                        format,
                    } => encode(&resize(img, width, height)?, format, quality, false)?,
                }
            } else {
                // Whole files only get here: `images::probe` refused one cut short.
                strip::strip(bytes).unwrap_or_else(|| bytes.to_vec())
            };
            self.put(keys[i], &made);
            out[i] = Some(made);
        }
        Ok((out.into_iter().flatten().collect(), false))
    }
}

/// Decodes a whole image, turned upright, in 8-bit RGB or RGBA.
fn decode(bytes: &[u8]) -> Result<DynamicImage, String> {
    let mut decoder = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?
        .into_decoder()
        .map_err(|e| e.to_string())?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    img.apply_orientation(orientation);
    Ok(if img.color().has_alpha() {
        match img {
            DynamicImage::ImageRgba8(_) => img,
            other => DynamicImage::ImageRgba8(other.to_rgba8()),
        }
    } else {
        match img {
            DynamicImage::ImageRgb8(_) => img,
            other => DynamicImage::ImageRgb8(other.to_rgb8()),
        }
    })
}

fn resize(img: &DynamicImage, width: u32, height: u32) -> Result<DynamicImage, String> {
    let mut dst = DynamicImage::new(width, height, img.color());
    let options =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    fr::Resizer::new()
        .resize(img, &mut dst, &options)
        .map_err(|e| format!("cannot resize: {e}"))?;
    Ok(dst)
}

fn encode(
    img: &DynamicImage,
    format: Format,
    quality: u8,
    lossless: bool,
) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    match format {
        Format::Jpeg => {
            let rgb = match img {
                DynamicImage::ImageRgb8(_) => None,
                other => Some(DynamicImage::ImageRgb8(other.to_rgb8())),
            };
            let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
            rgb.as_ref()
                .unwrap_or(img)
                .write_with_encoder(enc)
                .map_err(|e| e.to_string())?;
        }
        Format::Png => {
            let enc = image::codecs::png::PngEncoder::new_with_quality(
                &mut out,
                image::codecs::png::CompressionType::Best,
                image::codecs::png::FilterType::Adaptive,
            );
            img.write_with_encoder(enc).map_err(|e| e.to_string())?;
        }
        Format::WebP => {
            let (w, h) = (img.width(), img.height());
            let encoder = match img {
                DynamicImage::ImageRgba8(b) => webp::Encoder::from_rgba(b.as_raw(), w, h),
                DynamicImage::ImageRgb8(b) => webp::Encoder::from_rgb(b.as_raw(), w, h),
                _ => return Err("unexpected pixel layout".into()),
            };
            let mem = encoder
                .encode_simple(lossless, f32::from(quality))
                .map_err(|e| format!("cannot encode WebP: {e:?}"))?;
            out = mem.to_vec();
        }
        Format::Gif | Format::Svg => return Err("not a raster format showpress encodes".into()),
    }
    Ok(out)
}
