//! Images made by code for the image tests (post bundles, responsive images): a phone-like
//! JPEG whose pixels show its orientation and whose EXIF/XMP carry a camera, a date and a GPS
//! position, a chart PNG with `tEXt` and `eXIf`, a GIF, an SVG, a truncated file, and readers:
//! the identifying metadata a file's container holds (found by walking its segments or chunks,
//! not by decoding), its stored dimensions and one stored pixel.
//!
//! Nothing here is downloaded or vendored. The EXIF blocks are written by hand: a little-endian
//! TIFF header, IFDs whose offsets count from the header's first byte, and values longer than
//! four bytes stored after each IFD at even offsets.
#![allow(dead_code)]

use std::io::Cursor;

use image::codecs::gif::GifEncoder;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder, ImageReader, Rgb, RgbImage};

/// The camera that `photo_jpeg` claims in EXIF.
pub const MAKE: &str = "Samsung";
pub const MODEL: &str = "SM-S928N";
/// `DateTimeOriginal` of `photo_jpeg`, in EXIF's own format.
pub const DATE_TIME_ORIGINAL: &str = "2025:03:07 18:30:00";
/// The GPS position written by `photo_jpeg(.., true)` and `chart_png`: 37°33'40.00" N,
/// 126°58'12.00" E (central Seoul), as EXIF rationals.
pub const GPS_LATITUDE: [(u32, u32); 3] = [(37, 1), (33, 1), (4000, 100)];
pub const GPS_LONGITUDE: [(u32, u32); 3] = [(126, 1), (58, 1), (1200, 100)];
/// The `tEXt` chunk of `chart_png`.
pub const PNG_AUTHOR: &str = "Hong Gildong";
/// XMP's namespace header in a JPEG APP1 segment.
pub const XMP_HEADER: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";

/// The pure red of `photo_jpeg`'s stored top-left quadrant.
pub const RED: [u8; 3] = [255, 0, 0];

/// A JPEG (quality 90) of `width`×`height` stored pixels, as a phone writes it: an APP1 `Exif`
/// segment right after SOI with Orientation = `orientation` (1–8; other values are written
/// as given), Make, Model, an Exif sub-IFD with DateTimeOriginal and, when `gps`, a GPS IFD
/// (`GPS_LATITUDE` N, `GPS_LONGITUDE` E) plus a second APP1 segment with an XMP packet that
/// repeats the position.
///
/// The stored (unrotated) image's top-left quadrant (`x < width / 2 && y < height / 2`) is
/// pure red; the rest is a noisy gradient that is never close to red (green ≥ 60), so where
/// the red corner ends up after applying the orientation tells whether it was applied. The
/// noise makes the file about as large as a photo of that size.
pub fn photo_jpeg(width: u32, height: u32, orientation: u16, gps: bool) -> Vec<u8> {
    let img = photo_pixels(width, height);
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 90)
        .write_image(img.as_raw(), width, height, ExtendedColorType::Rgb8)
        .expect("encode JPEG");
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "JPEG starts with SOI");

    let mut segments = Vec::new();
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend(photo_tiff(width, height, orientation, gps));
    segments.extend(jpeg_segment(0xE1, &exif));
    if gps {
        let mut xmp = XMP_HEADER.to_vec();
        xmp.extend(xmp_packet().as_bytes());
        segments.extend(jpeg_segment(0xE1, &xmp));
    }
    let mut out = Vec::with_capacity(jpeg.len() + segments.len());
    out.extend_from_slice(&jpeg[..2]);
    out.extend(segments);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The stored pixels of `photo_jpeg`: a red top-left quadrant, the rest gradients with noise.
fn photo_pixels(width: u32, height: u32) -> RgbImage {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15 ^ (u64::from(width) << 32) ^ u64::from(height));
    let (w, h) = (width.max(1) as f32, height.max(1) as f32);
    RgbImage::from_fn(width, height, |x, y| {
        if x < width / 2 && y < height / 2 {
            return Rgb(RED);
        }
        let (fx, fy) = (x as f32 / w, y as f32 / h);
        // Soft low-frequency shapes, like light falling across a scene.
        let wave = ((fx * 7.0).sin() * (fy * 5.0).cos() * 25.0) as i32;
        let mut noise = || (rng.next() % 33) as i32 - 16;
        let r = 40 + (110.0 * fx) as i32 + wave / 2 + noise();
        let g = 80 + (100.0 * fy) as i32 + wave + noise();
        let b = 140 + (70.0 * (1.0 - fx)) as i32 - wave / 2 + noise();
        Rgb([clamp(r), clamp(g), clamp(b)])
    })
}

fn clamp(v: i32) -> u8 {
    v.clamp(0, 255) as u8
}

/// A fixed-seed xorshift generator: the same image bytes on every run and machine.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// A JPEG marker segment: FF `marker`, a big-endian length that counts itself, the payload.
fn jpeg_segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let len = u16::try_from(payload.len() + 2).expect("JPEG segment under 64 KiB");
    let mut out = vec![0xFF, marker];
    out.extend(len.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

fn xmp_packet() -> String {
    // XMP writes GPS coordinates as "DD,MM.mmmmR".
    concat!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n",
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n",
        " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n",
        "  <rdf:Description rdf:about=\"\"\n",
        "    xmlns:exif=\"http://ns.adobe.com/exif/1.0/\"\n",
        "    xmlns:tiff=\"http://ns.adobe.com/tiff/1.0/\"\n",
        "    tiff:Make=\"Samsung\" tiff:Model=\"SM-S928N\"\n",
        "    exif:GPSLatitude=\"37,33.6667N\"\n",
        "    exif:GPSLongitude=\"126,58.2000E\"/>\n",
        " </rdf:RDF>\n",
        "</x:xmpmeta>\n",
        "<?xpacket end=\"w\"?>"
    )
    .to_string()
}

// ---- TIFF (EXIF) writing ----

/// One IFD entry's value. TIFF field types: BYTE 1, ASCII 2, SHORT 3, LONG 4, RATIONAL 5,
/// UNDEFINED 7.
enum Value {
    Bytes(Vec<u8>),
    /// Written with its terminating NUL; the count includes it.
    Ascii(String),
    Short(u16),
    Long(u32),
    Rationals(Vec<(u32, u32)>),
    Undefined(Vec<u8>),
}

impl Value {
    fn field_type(&self) -> u16 {
        match self {
            Value::Bytes(_) => 1,
            Value::Ascii(_) => 2,
            Value::Short(_) => 3,
            Value::Long(_) => 4,
            Value::Rationals(_) => 5,
            Value::Undefined(_) => 7,
        }
    }

    /// (count, little-endian bytes)
    fn encoded(&self) -> (u32, Vec<u8>) {
        match self {
            Value::Bytes(b) | Value::Undefined(b) => (b.len() as u32, b.clone()),
            Value::Ascii(s) => {
                let mut b = s.as_bytes().to_vec();
                b.push(0);
                (b.len() as u32, b)
            }
            Value::Short(v) => (1, v.to_le_bytes().to_vec()),
            Value::Long(v) => (1, v.to_le_bytes().to_vec()),
            Value::Rationals(rs) => {
                let mut b = Vec::with_capacity(rs.len() * 8);
                for (n, d) in rs {
                    b.extend(n.to_le_bytes());
                    b.extend(d.to_le_bytes());
                }
                (rs.len() as u32, b)
            }
        }
    }
}

/// The bytes an IFD with `entries` takes: count, 12 bytes an entry, next-IFD offset, then the
/// values longer than 4 bytes, each padded to an even length.
fn ifd_len(entries: &[(u16, Value)]) -> usize {
    let data: usize = entries
        .iter()
        .map(|(_, v)| v.encoded().1.len())
        .filter(|&n| n > 4)
        .map(|n| n + n % 2)
        .sum();
    2 + 12 * entries.len() + 4 + data
}

/// Appends an IFD to `tiff` at its current length (the offset from the TIFF header), with no
/// next IFD. `entries` must be sorted by tag, as TIFF requires.
fn write_ifd(tiff: &mut Vec<u8>, entries: &[(u16, Value)]) {
    assert!(
        tiff.len().is_multiple_of(2),
        "an IFD starts at an even offset"
    );
    assert!(
        entries.windows(2).all(|w| w[0].0 < w[1].0),
        "IFD entries sorted by tag"
    );
    let start = tiff.len();
    let mut data_at = start + 2 + 12 * entries.len() + 4;
    let mut data = Vec::new();
    tiff.extend((entries.len() as u16).to_le_bytes());
    for (tag, value) in entries {
        let (count, bytes) = value.encoded();
        tiff.extend(tag.to_le_bytes());
        tiff.extend(value.field_type().to_le_bytes());
        tiff.extend(count.to_le_bytes());
        if bytes.len() <= 4 {
            let mut inline = [0u8; 4];
            inline[..bytes.len()].copy_from_slice(&bytes);
            tiff.extend(inline);
        } else {
            tiff.extend((data_at as u32).to_le_bytes());
            data.extend_from_slice(&bytes);
            if bytes.len() % 2 == 1 {
                data.push(0);
            }
            data_at += bytes.len() + bytes.len() % 2;
        }
    }
    tiff.extend(0u32.to_le_bytes()); // no next IFD
    tiff.extend(data);
    assert_eq!(tiff.len() - start, ifd_len(entries));
}

fn gps_entries() -> Vec<(u16, Value)> {
    vec![
        (0x0000, Value::Bytes(vec![2, 3, 0, 0])), // GPSVersionID 2.3.0.0
        (0x0001, Value::Ascii("N".into())),       // GPSLatitudeRef
        (0x0002, Value::Rationals(GPS_LATITUDE.to_vec())),
        (0x0003, Value::Ascii("E".into())), // GPSLongitudeRef
        (0x0004, Value::Rationals(GPS_LONGITUDE.to_vec())),
    ]
}

/// A little-endian TIFF block: header, IFD0, then each sub-IFD in turn. `ifd0` gets the
/// pointer entries for the sub-IFDs (ExifIFD 0x8769, GPSInfo 0x8825) added in tag order.
fn tiff(mut ifd0: Vec<(u16, Value)>, exif: Option<Vec<(u16, Value)>>, gps: bool) -> Vec<u8> {
    let gps = gps.then(gps_entries);
    // Pointer entries take 12 bytes whatever their value: add placeholders, size IFD0, then set.
    if exif.is_some() {
        ifd0.push((0x8769, Value::Long(0)));
    }
    if gps.is_some() {
        ifd0.push((0x8825, Value::Long(0)));
    }
    ifd0.sort_by_key(|(tag, _)| *tag);
    let ifd0_at = 8;
    let mut next = ifd0_at + ifd_len(&ifd0);
    let exif_at = next;
    if let Some(e) = &exif {
        next += ifd_len(e);
    }
    let gps_at = next;
    for (tag, value) in &mut ifd0 {
        match tag {
            0x8769 => *value = Value::Long(exif_at as u32),
            0x8825 => *value = Value::Long(gps_at as u32),
            _ => {}
        }
    }

    let mut out = b"II".to_vec();
    out.extend(42u16.to_le_bytes());
    out.extend((ifd0_at as u32).to_le_bytes());
    write_ifd(&mut out, &ifd0);
    if let Some(e) = &exif {
        assert_eq!(out.len(), exif_at);
        write_ifd(&mut out, e);
    }
    if let Some(g) = &gps {
        assert_eq!(out.len(), gps_at);
        write_ifd(&mut out, g);
    }
    out
}

/// The TIFF block of `photo_jpeg`'s APP1 segment (without the `Exif\0\0` prefix), with the
/// tags that the EXIF standard requires of a JPEG's IFD0 and Exif IFD.
fn photo_tiff(width: u32, height: u32, orientation: u16, gps: bool) -> Vec<u8> {
    let ifd0 = vec![
        (0x010F, Value::Ascii(MAKE.into())),
        (0x0110, Value::Ascii(MODEL.into())),
        (0x0112, Value::Short(orientation)),
        (0x011A, Value::Rationals(vec![(72, 1)])), // XResolution
        (0x011B, Value::Rationals(vec![(72, 1)])), // YResolution
        (0x0128, Value::Short(2)),                 // ResolutionUnit: inches
        (0x0213, Value::Short(1)),                 // YCbCrPositioning: centred
    ];
    let exif = vec![
        (0x9000, Value::Undefined(b"0232".to_vec())), // ExifVersion
        (0x9003, Value::Ascii(DATE_TIME_ORIGINAL.into())),
        (0x9101, Value::Undefined(vec![1, 2, 3, 0])), // ComponentsConfiguration: YCbCr
        (0xA000, Value::Undefined(b"0100".to_vec())), // FlashpixVersion
        (0xA001, Value::Short(1)),                    // ColorSpace: sRGB
        (0xA002, Value::Long(width)),                 // PixelXDimension
        (0xA003, Value::Long(height)),                // PixelYDimension
    ];
    tiff(ifd0, Some(exif), gps)
}

// ---- PNG ----

/// A flat-colour bar chart on white, `width`×`height`, as a PNG with a `tEXt` chunk
/// (`Author` = `PNG_AUTHOR`) and an `eXIf` chunk (a TIFF block with a GPS IFD), both inserted
/// just before IEND (after the image data, where a reader that stops at IDAT misses them).
pub fn chart_png(width: u32, height: u32) -> Vec<u8> {
    const BARS: [[u8; 3]; 4] = [[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40]];
    const HEIGHTS: [f32; 4] = [0.45, 0.8, 0.3, 0.65];
    let img = RgbImage::from_fn(width, height, |x, y| {
        let slot = (x as usize * 9) / width.max(1) as usize; // 9 slots: gap, bar, gap, bar, ...
        if slot % 2 == 1 {
            let bar = slot / 2;
            let top = (height as f32 * (1.0 - HEIGHTS[bar])) as u32;
            if y >= top {
                return Rgb(BARS[bar]);
            }
        }
        if y + 1 == height {
            Rgb([60, 60, 60]) // baseline
        } else {
            Rgb([255, 255, 255])
        }
    });
    let mut png = Vec::new();
    PngEncoder::new(&mut png)
        .write_image(img.as_raw(), width, height, ExtendedColorType::Rgb8)
        .expect("encode PNG");
    let iend = png.len() - 12;
    assert_eq!(&png[iend + 4..iend + 8], b"IEND", "PNG ends with IEND");

    let mut text = b"Author\0".to_vec();
    text.extend(PNG_AUTHOR.as_bytes());
    let exif = tiff(vec![(0x0112, Value::Short(1))], None, true);
    let mut out = png[..iend].to_vec();
    out.extend(png_chunk(b"tEXt", &text));
    out.extend(png_chunk(b"eXIf", &exif));
    out.extend_from_slice(&png[iend..]);
    out
}

/// A PNG chunk: big-endian data length, type, data, CRC-32 of type and data.
pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend(kind);
    out.extend_from_slice(data);
    out.extend(crc32(&out[4..]).to_be_bytes());
    out
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as PNG uses it.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

// ---- GIF, SVG, broken files ----

/// An 8×8 two-colour GIF (a checkerboard of 4×4 squares), no extensions.
pub fn tiny_gif() -> Vec<u8> {
    let img = image::RgbaImage::from_fn(8, 8, |x, y| {
        if (x / 4 + y / 4) % 2 == 0 {
            image::Rgba([0, 90, 200, 255])
        } else {
            image::Rgba([255, 255, 255, 255])
        }
    });
    let mut out = Vec::new();
    GifEncoder::new(&mut out)
        .encode(img.as_raw(), 8, 8, ExtendedColorType::Rgba8)
        .expect("encode GIF");
    out
}

/// A small valid SVG logo, 120×40, with `width`, `height` and `viewBox`.
pub fn svg_logo() -> String {
    concat!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" height=\"40\" ",
        "viewBox=\"0 0 120 40\">\n",
        "  <title>showpress</title>\n",
        "  <rect x=\"0\" y=\"0\" width=\"120\" height=\"40\" rx=\"6\" fill=\"#1f3a5f\"/>\n",
        "  <circle cx=\"20\" cy=\"20\" r=\"10\" fill=\"#f2b632\"/>\n",
        "  <text x=\"38\" y=\"26\" font-family=\"sans-serif\" font-size=\"16\" ",
        "fill=\"#ffffff\">show</text>\n",
        "</svg>\n"
    )
    .to_string()
}

/// The first 40% of `bytes`: a file cut off mid-way, as an interrupted copy leaves it.
pub fn truncated(bytes: &[u8]) -> Vec<u8> {
    bytes[..bytes.len() * 2 / 5].to_vec()
}

// ---- Reading ----

/// The identifying metadata in a file's container, in file order, found by walking its
/// structure (not by decoding):
///
/// - JPEG, segments from SOI up to SOS: `APP1 Exif`, `APP1 XMP` (also extended XMP),
///   `APP1` (any other APP1), `APP13 IPTC` (any APP13), `COM`.
/// - PNG, chunks up to IEND: `eXIf`, `tEXt`, `iTXt`, `zTXt`, `tIME`.
/// - WebP (RIFF), chunks: `EXIF`, `XMP `.
/// - GIF, blocks up to the trailer: `GIF comment`, `GIF XMP`.
///
/// An ICC profile (JPEG APP2 `ICC_PROFILE`, PNG `iCCP`, WebP `ICCP`) is not reported: it may
/// stay. An empty Vec means clean. A structure cut short ends the walk with what was found so
/// far. Panics on any other format.
pub fn identifying_metadata(bytes: &[u8]) -> Vec<String> {
    if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg_metadata(bytes)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png_metadata(bytes)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        webp_metadata(bytes)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        gif_metadata(bytes)
    } else {
        panic!(
            "identifying_metadata: not a JPEG, PNG, WebP or GIF (starts {:02x?})",
            &bytes[..bytes.len().min(12)]
        )
    }
}

fn jpeg_metadata(b: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut i = 2;
    loop {
        // Markers may be preceded by any number of 0xFF fill bytes.
        while i < b.len() && b[i] == 0xFF && b.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (b.get(i), b.get(i + 1)) else {
            break;
        };
        i += 2;
        match marker {
            0xD8 | 0x01 | 0xD0..=0xD7 => continue, // no length
            0xD9 | 0xDA => break,                  // EOI, SOS: the header is over
            _ => {}
        }
        let Some(len) = b
            .get(i..i + 2)
            .map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))
        else {
            break;
        };
        if len < 2 {
            break;
        }
        let payload = &b[(i + 2).min(b.len())..(i + len).min(b.len())];
        match marker {
            0xE1 if payload.starts_with(b"Exif\0") => found.push("APP1 Exif".to_string()),
            0xE1 if payload.starts_with(XMP_HEADER)
                || payload.starts_with(b"http://ns.adobe.com/xmp/extension/\0") =>
            {
                found.push("APP1 XMP".to_string())
            }
            0xE1 => found.push("APP1".to_string()),
            0xED => found.push("APP13 IPTC".to_string()),
            0xFE => found.push("COM".to_string()),
            _ => {} // APP0 JFIF, APP2 ICC_PROFILE/MPF, APP14 Adobe, tables, SOF...
        }
        i += len;
    }
    found
}

fn png_metadata(b: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut i = 8;
    while i + 8 <= b.len() {
        let len = u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as usize;
        let kind = &b[i + 4..i + 8];
        if matches!(kind, b"eXIf" | b"tEXt" | b"iTXt" | b"zTXt" | b"tIME") {
            found.push(String::from_utf8_lossy(kind).into_owned());
        }
        if kind == b"IEND" {
            break;
        }
        i += 12 + len;
    }
    found
}

fn webp_metadata(b: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut i = 12;
    while i + 8 <= b.len() {
        let kind = &b[i..i + 4];
        let len = u32::from_le_bytes([b[i + 4], b[i + 5], b[i + 6], b[i + 7]]) as usize;
        if matches!(kind, b"EXIF" | b"XMP ") {
            found.push(String::from_utf8_lossy(kind).into_owned());
        }
        i += 8 + len + len % 2;
    }
    found
}

fn gif_metadata(b: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    // Header (6) and logical screen descriptor (7), then the global colour table if flagged.
    let Some(&flags) = b.get(10) else {
        return found;
    };
    let mut i = 13;
    if flags & 0x80 != 0 {
        i += 3 << ((flags & 7) + 1);
    }
    // Skips data sub-blocks (length-prefixed, ended by a zero length) from `i`.
    let skip_sub_blocks = |mut i: usize| {
        while let Some(&n) = b.get(i) {
            i += 1 + usize::from(n);
            if n == 0 {
                break;
            }
        }
        i
    };
    while let Some(&block) = b.get(i) {
        match block {
            0x21 => {
                let Some(&label) = b.get(i + 1) else { break };
                if label == 0xFE {
                    found.push("GIF comment".to_string());
                } else if label == 0xFF && b.get(i + 3..i + 14) == Some(b"XMP DataXMP") {
                    found.push("GIF XMP".to_string());
                }
                i = skip_sub_blocks(i + 2);
            }
            0x2C => {
                let Some(&f) = b.get(i + 9) else { break };
                i += 10;
                if f & 0x80 != 0 {
                    i += 3 << ((f & 7) + 1);
                }
                i = skip_sub_blocks(i + 1); // LZW minimum code size, then the data
            }
            _ => break, // 0x3B trailer, or garbage
        }
    }
    found
}

/// The stored width and height from the file's header, with no EXIF orientation applied.
pub fn dimensions(bytes: &[u8]) -> (u32, u32) {
    ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .expect("read from memory")
        .into_dimensions()
        .expect("image header")
}

/// The stored pixel at (`x`, `y`) as RGB, decoding the whole file (any format `image` reads
/// here: JPEG, PNG, GIF, WebP), with no EXIF orientation applied.
pub fn pixel(bytes: &[u8], x: u32, y: u32) -> [u8; 3] {
    let img = image::load_from_memory(bytes)
        .expect("decode image")
        .to_rgb8();
    img.get_pixel(x, y).0
}

/// Whether two colours are within `tolerance` on every channel (JPEG moves them a little).
pub fn close(a: [u8; 3], b: [u8; 3], tolerance: u8) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= tolerance)
}
