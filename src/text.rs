//! Text helpers used by several layers (config, content, templates, render, serve): UTF-8
//! decoding with a located error, HTML escaping, and TOML values carried to templates as JSON.
//! They sit below every layer that uses them, so none of those layers imports another for them.

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};

/// Decodes a file's bytes as UTF-8, or says where the first invalid byte is.
pub fn decode_utf8(rel: &str, bytes: Vec<u8>) -> Result<String> {
    // Korean text is mostly multi-byte characters, which the standard library's check takes
    // one at a time: SIMD first (every content file is read through here), and the standard
    // check only to locate an error.
    if simdutf8::basic::from_utf8(&bytes).is_ok() {
        // SAFETY: `bytes` was just checked to be UTF-8.
        return Ok(unsafe { String::from_utf8_unchecked(bytes) });
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let bad = bytes[valid];
        let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
        let line_start = prefix.rfind('\n').map_or(0, |i| i + 1);
        let rest_end = bytes[valid..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| valid + i);
        let lossy_line = format!(
            "{}{}",
            &prefix[line_start..],
            String::from_utf8_lossy(&bytes[valid..rest_end])
        );
        let col = prefix[line_start..].chars().count();
        let line = prefix.matches('\n').count() + 1;
        Error::Diagnostics(vec![Diagnostic::at_line_col(
            rel,
            &lossy_line_as_source(line, &lossy_line),
            line,
            col,
            1,
            format!("invalid UTF-8 (byte 0x{bad:02X}), expected the file to be UTF-8 text"),
        )])
    })
}

/// A stand-in source with `line - 1` empty lines before `text`, so line numbers stay right.
fn lossy_line_as_source(line: usize, text: &str) -> String {
    let mut s = "\n".repeat(line - 1);
    s.push_str(text);
    s
}

/// Front-matter `[extra]` tables reach templates as JSON-like values; dates become strings.
pub fn toml_to_json(v: toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s),
        toml::Value::Integer(i) => J::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(J::Null, J::Number),
        toml::Value::Boolean(b) => J::Bool(b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            J::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    // Copies the runs between special characters whole: pages are mostly text without any, and
    // pushing char by char was a visible part of rendering 27k pages.
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // ASCII bytes never occur inside a multi-byte character: `i` is a char boundary.
        out.push_str(&s[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out
}

/// `str::to_lowercase`, without its per-character table lookup for Hangul syllables and
/// ASCII, which have no case or a simple one; borrowed when nothing changes. Search indexes
/// every post's lowercased body, and Korean text spent most of that time in the lookup.
pub fn lowercase(text: &str) -> std::borrow::Cow<'_, str> {
    let mut out = String::new();
    // `text[done..start]` is copied as it is once a character that changes is found.
    let mut done = 0;
    for (i, c) in text.char_indices() {
        let same = if c.is_ascii() {
            !c.is_ascii_uppercase()
        } else if ('\u{AC00}'..='\u{D7A3}').contains(&c) {
            true
        } else if c == '\u{03A3}' {
            // Capital sigma lowers by its context (final or not): leave it to the standard
            // library, which knows the rule.
            return std::borrow::Cow::Owned(text.to_lowercase());
        } else {
            let mut lower = c.to_lowercase();
            lower.next() == Some(c) && lower.next().is_none()
        };
        if same {
            continue;
        }
        if out.is_empty() {
            out.reserve(text.len());
        }
        out.push_str(&text[done..i]);
        out.extend(c.to_lowercase());
        done = i + c.len_utf8();
    }
    if done == 0 {
        return std::borrow::Cow::Borrowed(text);
    }
    out.push_str(&text[done..]);
    std::borrow::Cow::Owned(out)
}

/// Hangul syllables, and the jamo a decomposed or half-typed word is made of: what reading
/// time counts as Korean words and search splits words at.
pub fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

/// Serde adapter for large strings (rendered HTML) in the build cache: written as bytes and
/// checked as UTF-8 with SIMD when read, which is most of the time of reading a large cache
/// with the standard library's check.
pub mod big_str {
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &str, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v.as_bytes())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        struct Bytes;
        impl<'de> serde::de::Visitor<'de> for Bytes {
            type Value = String;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("UTF-8 bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<String, E> {
                simdutf8::basic::from_utf8(v)
                    .map(str::to_string)
                    .map_err(|_| E::custom("invalid UTF-8"))
            }
        }
        d.deserialize_bytes(Bytes)
    }
}

/// [`big_str`] for an optional string (a post's summary HTML, read for every post when the
/// build cache is restored). Postcard writes a string and a byte string alike, so the cache's
/// bytes are the same either way.
pub mod big_str_opt {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    struct Big<'a>(&'a str);

    impl Serialize for Big<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            super::big_str::serialize(self.0, s)
        }
    }

    #[derive(Deserialize)]
    struct Owned(#[serde(with = "super::big_str")] String);

    pub fn serialize<S: Serializer>(v: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_some(&Big(v)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(Option::<Owned>::deserialize(d)?.map(|o| o.0))
    }
}

/// Serde adapter that stores a free-form JSON value as its text, for formats (the build cache's
/// postcard) that cannot describe a value whose shape is not known ahead.
pub mod json_text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &serde_json::Value, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<serde_json::Value, D::Error> {
        let text = String::deserialize(d)?;
        serde_json::from_str(&text).map_err(serde::de::Error::custom)
    }
}

/// `n` and an English noun that takes `s` in the plural: "1 static file", "2 static files",
/// "0 errors". Every count in a message goes through here so none reads "1 files".
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercase_agrees_with_the_standard_library() {
        for text in [
            "",
            "반도체의 미래",
            "DeepSeek HBM4는 ΣΑΣ Σ aΣ b İstanbul Ǆ ÀÉ 漢字 🎙️ ß",
            "ÀB",
            "abc 방송",
            "ΌΣΟΣ",
        ] {
            assert_eq!(lowercase(text), text.to_lowercase(), "{text}");
        }
        assert!(matches!(
            lowercase("방송 abc"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn escape_html_escapes_the_five_characters_between_runs_of_text() {
        assert_eq!(
            escape_html(r#"방송 <b class="x">A & B's</b>"#),
            "방송 &lt;b class=&quot;x&quot;&gt;A &amp; B&#39;s&lt;/b&gt;"
        );
    }

    #[test]
    fn an_optional_big_string_has_the_bytes_of_a_plain_one_in_the_cache() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct Plain(Option<String>, u8);
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct Big(#[serde(with = "big_str_opt")] Option<String>, u8);
        for v in [Some("<p>요약</p>".to_string()), None, Some(String::new())] {
            let plain = postcard::to_allocvec(&Plain(v.clone(), 7)).unwrap();
            let big = postcard::to_allocvec(&Big(v.clone(), 7)).unwrap();
            assert_eq!(plain, big);
            assert_eq!(postcard::from_bytes::<Big>(&plain).unwrap(), Big(v, 7));
        }
        assert!(postcard::from_bytes::<Big>(&[1, 1, 0xff, 7]).is_err());
    }

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let err = decode_utf8("content/a.md", b"+++\ntitle = \"\xff\"\n".to_vec()).unwrap_err();
        let Error::Diagnostics(d) = err else { panic!() };
        let loc = d[0].location.as_ref().unwrap();
        assert_eq!((loc.line, loc.col), (2, 10));
        assert_eq!(
            d[0].message,
            "invalid UTF-8 (byte 0xFF), expected the file to be UTF-8 text"
        );
    }
}
