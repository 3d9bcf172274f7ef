//! Metadata that can identify a person or a place (EXIF with its GPS position, XMP, IPTC,
//! comments, text chunks), found and removed at the level of the file's container, without
//! touching the pixels: a JPEG's segments before its image data, a PNG's chunks, a WebP's RIFF
//! chunks. The colour profile (JPEG `APP2 ICC_PROFILE`, PNG `iCCP`) stays: it changes how the
//! picture looks and says nothing about who took it.
//!
//! Why at the container level: a photo without rotation is published with its metadata cut
//! out and its compressed data byte for byte, so cleaning it costs no quality and no time.

/// Whether `bytes` carry identifying metadata (see the module docs).
pub fn has_metadata(bytes: &[u8]) -> bool {
    if is_jpeg(bytes) {
        jpeg_segments(bytes).is_some_and(|segs| segs.iter().any(|s| s.identifying))
    } else if is_png(bytes) {
        png_chunks(bytes).is_some_and(|chunks| chunks.iter().any(|c| c.identifying))
    } else if is_webp(bytes) {
        webp_chunks(bytes).is_some_and(|chunks| {
            chunks
                .iter()
                .any(|(name, _)| name == b"EXIF" || name == b"XMP ")
        })
    } else {
        false
    }
}

/// `bytes` without identifying metadata, or `None` when the container cannot be cleaned this
/// way (a WebP, a file whose structure is not understood): then the pixels must be encoded
/// again.
pub fn strip(bytes: &[u8]) -> Option<Vec<u8>> {
    if is_jpeg(bytes) {
        let segs = jpeg_segments(bytes)?;
        let mut out = Vec::with_capacity(bytes.len());
        out.extend_from_slice(&bytes[..2]);
        let mut end = 2;
        for s in &segs {
            if !s.identifying {
                out.extend_from_slice(&bytes[s.range.clone()]);
            }
            end = s.range.end;
        }
        // From the start of scan on: the compressed image, kept as it is.
        out.extend_from_slice(&bytes[end..]);
        Some(out)
    } else if is_png(bytes) {
        let chunks = png_chunks(bytes)?;
        let mut out = Vec::with_capacity(bytes.len());
        out.extend_from_slice(&bytes[..8]);
        for c in &chunks {
            if !c.identifying {
                out.extend_from_slice(&bytes[c.range.clone()]);
            }
        }
        Some(out)
    } else {
        None
    }
}

/// Why `bytes` are not a whole file, when their container shows it was cut short (a copy or
/// download that stopped): decoders fill the missing part with grey instead of failing.
pub fn cut_short(bytes: &[u8]) -> Option<&'static str> {
    if is_jpeg(bytes) {
        // Padding after the end-of-image marker is common; the marker itself is required.
        let tail = &bytes[bytes.len().saturating_sub(64)..];
        (!tail.windows(2).any(|w| w == [0xFF, 0xD9])).then_some("it has no end-of-image marker")
    } else if is_png(bytes) {
        let complete = png_chunks(bytes).is_some_and(|c| {
            c.last().is_some_and(|last| {
                bytes.get(last.range.start + 4..last.range.start + 8) == Some(b"IEND")
            })
        });
        (!complete).then_some("its chunks stop before the IEND chunk")
    } else if is_webp(bytes) {
        let declared = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
        (bytes.len() < declared + 8).then_some("it is shorter than its RIFF header says")
    } else {
        None
    }
}

fn is_jpeg(b: &[u8]) -> bool {
    b.starts_with(&[0xFF, 0xD8])
}

fn is_png(b: &[u8]) -> bool {
    b.starts_with(b"\x89PNG\r\n\x1a\n")
}

fn is_webp(b: &[u8]) -> bool {
    b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP"
}

struct Part {
    range: std::ops::Range<usize>,
    identifying: bool,
}

/// The segments of a JPEG from after SOI up to (not including) the start of scan; `None` when
/// the structure is broken.
fn jpeg_segments(b: &[u8]) -> Option<Vec<Part>> {
    let mut parts = Vec::new();
    let mut i = 2;
    loop {
        // Fill bytes (0xFF runs) may precede a marker.
        while b.get(i) == Some(&0xFF) && b.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        if b.get(i) != Some(&0xFF) {
            return None;
        }
        let marker = *b.get(i + 1)?;
        // Start of scan: compressed data follows; end of image: nothing does.
        if marker == 0xDA || marker == 0xD9 {
            return Some(parts);
        }
        // Markers without a length.
        if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            parts.push(Part {
                range: i..i + 2,
                identifying: false,
            });
            i += 2;
            continue;
        }
        let len = u16::from_be_bytes([*b.get(i + 2)?, *b.get(i + 3)?]) as usize;
        if len < 2 || i + 2 + len > b.len() {
            return None;
        }
        let body = &b[i + 4..i + 2 + len];
        let identifying = match marker {
            // APP1: EXIF or XMP (anything else in APP1 is dropped too: it is metadata).
            0xE1 => true,
            // APP13: Photoshop IRB with IPTC (by-line, location).
            0xED => true,
            // Comments.
            0xFE => true,
            // APP2 holds the ICC profile (kept) but also FlashPix and MPF (thumbnails and
            // their EXIF): only ICC stays.
            0xE2 => !body.starts_with(b"ICC_PROFILE\0"),
            // APP3..APP15 but APP14 (Adobe colour transform, needed to decode): vendor data.
            0xE3..=0xEC | 0xEF => true,
            _ => false,
        };
        parts.push(Part {
            range: i..i + 2 + len,
            identifying,
        });
        i += 2 + len;
    }
}

/// The chunks of a PNG after its signature; `None` when the structure is broken.
fn png_chunks(b: &[u8]) -> Option<Vec<Part>> {
    let mut parts = Vec::new();
    let mut i = 8;
    while i < b.len() {
        let len = u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?) as usize;
        let name = b.get(i + 4..i + 8)?;
        let end = i.checked_add(12)?.checked_add(len)?;
        if end > b.len() {
            return None;
        }
        let identifying = matches!(name, b"eXIf" | b"tEXt" | b"iTXt" | b"zTXt" | b"tIME");
        parts.push(Part {
            range: i..end,
            identifying,
        });
        i = end;
        if name == b"IEND" {
            break;
        }
    }
    Some(parts)
}

/// The chunk names and bodies of a WebP's RIFF container.
fn webp_chunks(b: &[u8]) -> Option<Vec<([u8; 4], std::ops::Range<usize>)>> {
    let mut out = Vec::new();
    let mut i = 12;
    while i + 8 <= b.len() {
        let name: [u8; 4] = b[i..i + 4].try_into().ok()?;
        let len = u32::from_le_bytes(b[i + 4..i + 8].try_into().ok()?) as usize;
        let end = (i + 8).checked_add(len)?;
        if end > b.len() {
            return None;
        }
        out.push((name, i + 8..end));
        // Chunks are padded to an even size.
        i = end + (len & 1);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(body);
        s
    }

    #[test]
    fn jpeg_exif_and_comments_go_the_icc_profile_and_the_scan_stay() {
        let mut jpeg = vec![0xFF, 0xD8];
        jpeg.extend(segment(0xE0, b"JFIF\0\x01\x01"));
        jpeg.extend(segment(0xE1, b"Exif\0\0GPS here"));
        jpeg.extend(segment(0xE2, b"ICC_PROFILE\0\x01\x01icc"));
        jpeg.extend(segment(0xFE, b"taken at home"));
        jpeg.extend(segment(0xDB, b"\0quant"));
        jpeg.extend([0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9]);
        assert!(has_metadata(&jpeg));
        let clean = strip(&jpeg).unwrap();
        assert!(!has_metadata(&clean));
        let mut want = vec![0xFF, 0xD8];
        want.extend(segment(0xE0, b"JFIF\0\x01\x01"));
        want.extend(segment(0xE2, b"ICC_PROFILE\0\x01\x01icc"));
        want.extend(segment(0xDB, b"\0quant"));
        want.extend([0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9]);
        assert_eq!(clean, want);
    }

    #[test]
    fn a_broken_jpeg_is_not_cleaned_by_guesswork() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x40, b'E'];
        assert_eq!(strip(&jpeg), None);
    }
}
