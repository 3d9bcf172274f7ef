//! The generated test images are what they claim: `photo_jpeg`'s EXIF is read back by the
//! `image` crate (orientation, EXIF present) and by a strict TIFF reader here (every offset,
//! count and type), its pixels show the red corner where they should, `chart_png`'s chunks
//! carry correct CRCs, and `identifying_metadata` finds what a file holds and nothing more.

mod common;

use std::collections::BTreeMap;
use std::io::Cursor;

use common::images::{
    DATE_TIME_ORIGINAL, GPS_LATITUDE, GPS_LONGITUDE, MAKE, MODEL, PNG_AUTHOR, RED, chart_png,
    close, crc32, dimensions, identifying_metadata, photo_jpeg, pixel, png_chunk, svg_logo,
    tiny_gif, truncated,
};
use image::metadata::Orientation;
use image::{ImageDecoder, ImageReader};

fn decoder(bytes: &[u8]) -> Box<dyn ImageDecoder + '_> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .unwrap();
    Box::new(reader.into_decoder().unwrap())
}

/// One IFD entry read back: field type, count, and the value's bytes (inline or at the offset).
#[derive(Debug, Clone)]
struct Field {
    ty: u16,
    count: u32,
    value: Vec<u8>,
}

/// Reads one IFD of a little-endian TIFF block strictly: the IFD and every value lie inside
/// the block, at even offsets, with the byte length that type × count implies.
fn read_ifd(tiff: &[u8], at: usize) -> BTreeMap<u16, Field> {
    let u16_at = |i: usize| u16::from_le_bytes([tiff[i], tiff[i + 1]]);
    let u32_at = |i: usize| u32::from_le_bytes([tiff[i], tiff[i + 1], tiff[i + 2], tiff[i + 3]]);
    assert_eq!(at % 2, 0, "IFD at an even offset");
    assert!(at + 2 <= tiff.len(), "IFD inside the block");
    let n = usize::from(u16_at(at));
    assert!(
        at + 2 + 12 * n + 4 <= tiff.len(),
        "IFD entries inside the block"
    );
    assert_eq!(u32_at(at + 2 + 12 * n), 0, "no next IFD");
    let mut out = BTreeMap::new();
    let mut last = None;
    for e in 0..n {
        let p = at + 2 + 12 * e;
        let (tag, ty, count) = (u16_at(p), u16_at(p + 2), u32_at(p + 4));
        assert!(last < Some(tag), "tags ascending");
        last = Some(tag);
        let size = match ty {
            1 | 2 | 7 => 1,
            3 => 2,
            4 => 4,
            5 => 8,
            other => panic!("unexpected field type {other}"),
        } * count as usize;
        let value = if size <= 4 {
            tiff[p + 8..p + 8 + size].to_vec()
        } else {
            let off = u32_at(p + 8) as usize;
            assert_eq!(off % 2, 0, "tag {tag:#06x}: value at an even offset");
            assert!(
                off + size <= tiff.len(),
                "tag {tag:#06x}: value inside the block"
            );
            assert!(
                off >= at + 2 + 12 * n + 4,
                "tag {tag:#06x}: value after its IFD"
            );
            tiff[off..off + size].to_vec()
        };
        out.insert(tag, Field { ty, count, value });
    }
    out
}

fn ascii(f: &Field) -> &str {
    assert_eq!(f.ty, 2);
    assert_eq!(f.value.last(), Some(&0), "ASCII ends with NUL");
    std::str::from_utf8(&f.value[..f.value.len() - 1]).unwrap()
}

fn short(f: &Field) -> u16 {
    assert_eq!((f.ty, f.count), (3, 1));
    u16::from_le_bytes([f.value[0], f.value[1]])
}

fn long(f: &Field) -> usize {
    assert_eq!((f.ty, f.count), (4, 1));
    u32::from_le_bytes([f.value[0], f.value[1], f.value[2], f.value[3]]) as usize
}

fn rationals(f: &Field) -> Vec<(u32, u32)> {
    assert_eq!(f.ty, 5);
    f.value
        .chunks(8)
        .map(|c| {
            (
                u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
                u32::from_le_bytes([c[4], c[5], c[6], c[7]]),
            )
        })
        .collect()
}

/// Checks a TIFF block's header and returns its IFD0.
fn ifd0(tiff: &[u8]) -> BTreeMap<u16, Field> {
    assert_eq!(&tiff[..4], b"II\x2a\x00", "little-endian TIFF header");
    let at = u32::from_le_bytes([tiff[4], tiff[5], tiff[6], tiff[7]]) as usize;
    read_ifd(tiff, at)
}

fn check_gps(tiff: &[u8], ifd0: &BTreeMap<u16, Field>) {
    let gps = read_ifd(tiff, long(&ifd0[&0x8825]));
    assert_eq!(ascii(&gps[&0x0001]), "N");
    assert_eq!(rationals(&gps[&0x0002]), GPS_LATITUDE);
    assert_eq!(ascii(&gps[&0x0003]), "E");
    assert_eq!(rationals(&gps[&0x0004]), GPS_LONGITUDE);
    assert_eq!(gps[&0x0002].count, 3);
}

#[test]
fn photo_jpeg_orientation_is_read_back_for_all_eight() {
    for o in 1..=8u16 {
        let bytes = photo_jpeg(96, 64, o, false);
        let mut d = decoder(&bytes);
        let want = Orientation::from_exif(o as u8).unwrap();
        assert_eq!(d.orientation().unwrap(), want, "orientation {o}");
        assert!(
            d.exif_metadata().unwrap().is_some(),
            "orientation {o}: EXIF present"
        );
        assert_eq!(
            dimensions(&bytes),
            (96, 64),
            "stored size, no rotation applied"
        );
    }
}

#[test]
fn photo_jpeg_exif_layout_is_exact() {
    for gps in [false, true] {
        let bytes = photo_jpeg(64, 48, 6, gps);
        let tiff = decoder(&bytes).exif_metadata().unwrap().unwrap();
        let ifd0 = ifd0(&tiff);
        assert_eq!(ascii(&ifd0[&0x010F]), MAKE);
        assert_eq!(ascii(&ifd0[&0x0110]), MODEL);
        assert_eq!(short(&ifd0[&0x0112]), 6);
        let exif = read_ifd(&tiff, long(&ifd0[&0x8769]));
        assert_eq!(ascii(&exif[&0x9003]), DATE_TIME_ORIGINAL);
        assert_eq!(exif[&0x9000].value, b"0232");
        assert_eq!(long(&exif[&0xA002]), 64);
        assert_eq!(long(&exif[&0xA003]), 48);
        assert_eq!(rationals(&ifd0[&0x011A]), [(72, 1)]);
        assert_eq!(
            ifd0.contains_key(&0x8825),
            gps,
            "GPS pointer only when asked"
        );
        if gps {
            check_gps(&tiff, &ifd0);
        }
    }
}

#[test]
fn photo_jpeg_segments_and_xmp() {
    let plain = photo_jpeg(64, 48, 1, false);
    assert_eq!(&plain[2..4], &[0xFF, 0xE1], "APP1 right after SOI");
    assert_eq!(&plain[6..12], b"Exif\0\0");
    assert_eq!(identifying_metadata(&plain), ["APP1 Exif"]);
    assert!(decoder(&plain).xmp_metadata().unwrap().is_none());

    let located = photo_jpeg(64, 48, 1, true);
    assert_eq!(identifying_metadata(&located), ["APP1 Exif", "APP1 XMP"]);
    let xmp = decoder(&located)
        .xmp_metadata()
        .unwrap()
        .expect("XMP read back");
    let xmp = String::from_utf8(xmp).unwrap();
    assert!(xmp.contains("<x:xmpmeta") && xmp.contains("exif:GPSLatitude=\"37,33.6667N\""));
}

#[test]
fn photo_jpeg_pixels_show_the_stored_orientation() {
    let (w, h) = (120, 80);
    let bytes = photo_jpeg(w, h, 8, true);
    let img = image::load_from_memory(&bytes).unwrap();
    assert_eq!((img.width(), img.height()), (w, h));
    // Well inside the red quadrant, and well inside each other quadrant (JPEG blurs edges).
    assert!(
        close(pixel(&bytes, 10, 10), RED, 12),
        "{:?}",
        pixel(&bytes, 10, 10)
    );
    assert!(close(pixel(&bytes, w / 2 - 10, h / 2 - 10), RED, 12));
    for (x, y) in [
        (w - 10, 10),
        (10, h - 10),
        (w - 10, h - 10),
        (w / 2 + 10, h / 2 + 10),
    ] {
        let p = pixel(&bytes, x, y);
        assert!(p[1] >= 40, "({x}, {y}) is {p:?}, not near red");
    }
}

#[test]
fn photo_jpeg_is_photo_sized_and_deterministic() {
    let bytes = photo_jpeg(640, 480, 1, false);
    // A flat 640×480 JPEG at quality 90 is ~10 KB; noise makes it photo-like.
    assert!(bytes.len() > 60_000, "{} bytes", bytes.len());
    assert_eq!(bytes, photo_jpeg(640, 480, 1, false));
}

#[test]
fn crc32_matches_known_values() {
    assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    assert_eq!(png_chunk(b"IEND", b""), b"\0\0\0\0IEND\xAE\x42\x60\x82");
}

#[test]
fn chart_png_chunks_are_valid() {
    let bytes = chart_png(90, 60);
    assert_eq!(dimensions(&bytes), (90, 60));
    let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
    assert_eq!(img.get_pixel(0, 0).0, [255, 255, 255], "white background");
    assert_eq!(pixel(&bytes, 15, 58), [31, 119, 180], "first bar");
    assert_eq!(identifying_metadata(&bytes), ["tEXt", "eXIf"]);

    // Walk every chunk: lengths add up to the file, each CRC is right, IEND is last.
    let mut i = 8;
    let mut kinds = Vec::new();
    let mut exif = None;
    let mut text = None;
    while i < bytes.len() {
        let len = u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap()) as usize;
        let kind = &bytes[i + 4..i + 8];
        let data = &bytes[i + 8..i + 8 + len];
        let crc = u32::from_be_bytes(bytes[i + 8 + len..i + 12 + len].try_into().unwrap());
        assert_eq!(crc32(&bytes[i + 4..i + 8 + len]), crc, "CRC of {kind:?}");
        match kind {
            b"eXIf" => exif = Some(data.to_vec()),
            b"tEXt" => text = Some(data.to_vec()),
            _ => {}
        }
        kinds.push(String::from_utf8_lossy(kind).into_owned());
        i += 12 + len;
    }
    assert_eq!(i, bytes.len());
    assert_eq!(kinds.first().map(String::as_str), Some("IHDR"));
    assert_eq!(kinds.last().map(String::as_str), Some("IEND"));
    assert_eq!(text.unwrap(), format!("Author\0{PNG_AUTHOR}").into_bytes());
    let exif = exif.unwrap();
    let ifd0 = ifd0(&exif);
    check_gps(&exif, &ifd0);
}

#[test]
fn gif_svg_and_truncated() {
    let gif = tiny_gif();
    assert_eq!(dimensions(&gif), (8, 8));
    assert!(close(pixel(&gif, 0, 0), [0, 90, 200], 8));
    assert!(close(pixel(&gif, 5, 0), [255, 255, 255], 8));
    assert!(identifying_metadata(&gif).is_empty());
    assert_eq!(gif.last(), Some(&0x3B), "GIF trailer");

    let svg = svg_logo();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("width=\"120\"") && svg.contains("height=\"40\""));
    assert!(svg.trim_end().ends_with("</svg>"));

    let jpeg = photo_jpeg(64, 48, 1, false);
    let cut = truncated(&jpeg);
    assert_eq!(cut.len(), jpeg.len() * 2 / 5);
    assert!(jpeg.starts_with(&cut));
    // The header survives the cut: the scanner still sees EXIF and stops without panicking.
    assert_eq!(identifying_metadata(&cut), ["APP1 Exif"]);
    assert_eq!(
        identifying_metadata(&truncated(&chart_png(40, 40))),
        Vec::<String>::new()
    );
}

/// Inserts JPEG marker segments right after SOI.
fn with_segments(jpeg: &[u8], segments: &[(u8, &[u8])]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    for (marker, payload) in segments {
        out.extend([0xFF, *marker]);
        out.extend(((payload.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(payload);
    }
    out.extend_from_slice(&jpeg[2..]);
    out
}

#[test]
fn identifying_metadata_in_jpeg_skips_icc() {
    let base = image_jpeg_without_metadata();
    assert!(
        identifying_metadata(&base).is_empty(),
        "JFIF alone is clean"
    );
    let icc = with_segments(
        &base,
        &[(0xE2, &b"ICC_PROFILE\0\x01\x01fake profile bytes"[..])],
    );
    assert!(
        identifying_metadata(&icc).is_empty(),
        "an ICC profile may stay"
    );
    let all = with_segments(
        &base,
        &[
            (0xE2, &b"ICC_PROFILE\0\x01\x01fake"[..]),
            (0xED, &b"Photoshop 3.0\08BIM\x04\x04\0\0\0\0\0\0"[..]),
            (0xFE, "촬영: 홍길동".as_bytes()),
            (0xE1, &b"http://ns.adobe.com/xmp/extension/\0GUID..."[..]),
        ],
    );
    assert_eq!(
        identifying_metadata(&all),
        ["APP13 IPTC", "COM", "APP1 XMP"]
    );
    // Segments after SOS are image data, not looked at.
    let mut tail = base.clone();
    tail.truncate(tail.len() - 2);
    tail.extend([0xFF, 0xFE, 0x00, 0x04, b'h', b'i', 0xFF, 0xD9]);
    assert!(identifying_metadata(&tail).is_empty());
}

fn image_jpeg_without_metadata() -> Vec<u8> {
    let img = image::RgbImage::from_pixel(16, 16, image::Rgb([10, 200, 30]));
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .unwrap();
    out
}

#[test]
fn identifying_metadata_in_png_and_webp() {
    // A PNG with every kind of chunk the scanner knows, and an ICC profile that it skips.
    let mut plain = Vec::new();
    image::RgbImage::from_pixel(4, 4, image::Rgb([0, 0, 0]))
        .write_to(&mut Cursor::new(&mut plain), image::ImageFormat::Png)
        .unwrap();
    assert!(identifying_metadata(&plain).is_empty());
    let iend = plain.len() - 12;
    let mut png = plain[..33].to_vec(); // signature and IHDR
    for (kind, data) in [
        (b"iCCP", &b"icc\0\0x"[..]),
        (b"tIME", &b"\x07\xe9\x03\x07\x12\x1e\0"[..]),
        (b"iTXt", &b"Author\0\0\0\0\0Hong"[..]),
        (b"zTXt", &b"Comment\0\0x"[..]),
    ] {
        png.extend(png_chunk(kind, data));
    }
    png.extend_from_slice(&plain[33..iend]);
    png.extend_from_slice(&plain[iend..]);
    assert_eq!(identifying_metadata(&png), ["tIME", "iTXt", "zTXt"]);

    // A WebP container: VP8X, ICCP (kept), EXIF and XMP (reported), an odd-sized chunk padded.
    let mut chunks = Vec::new();
    for (kind, data) in [
        (b"VP8X", &[0x2C, 0, 0, 0, 3, 0, 0, 3, 0, 0][..]),
        (b"ICCP", &b"odd"[..]),
        (b"VP8L", &b"\x2f\x03\xc0\x00"[..]),
        (b"EXIF", &b"II*\0\x08\0\0\0\0\0"[..]),
        (b"XMP ", &b"<x:xmpmeta/>"[..]),
    ] {
        chunks.extend(kind);
        chunks.extend((data.len() as u32).to_le_bytes());
        chunks.extend_from_slice(data);
        if data.len() % 2 == 1 {
            chunks.push(0);
        }
    }
    let mut webp = b"RIFF".to_vec();
    webp.extend(((chunks.len() + 4) as u32).to_le_bytes());
    webp.extend(b"WEBP");
    webp.extend(chunks);
    assert_eq!(identifying_metadata(&webp), ["EXIF", "XMP "]);
}

#[test]
#[should_panic(expected = "not a JPEG, PNG, WebP or GIF")]
fn identifying_metadata_refuses_other_formats() {
    identifying_metadata(svg_logo().as_bytes());
}
