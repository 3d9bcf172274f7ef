//! Text helpers used by several layers (config, content, templates, render, serve): UTF-8
//! decoding with a located error, HTML escaping, and TOML values carried to templates as JSON.
//! They sit below every layer that uses them, so none of those layers imports another for them.

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};

/// Decodes a file's bytes as UTF-8, or says where the first invalid byte is.
pub fn decode_utf8(rel: &str, bytes: Vec<u8>) -> Result<String> {
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
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Serde adapter for large strings (rendered HTML) in the build cache: written as bytes and
/// checked as UTF-8 with SIMD when read, which is most of the time of reading a large cache
/// with the standard library's check.
/// Hangul syllables, and the jamo a decomposed or half-typed word is made of: what reading
/// time counts as Korean words and search splits words at.
pub fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

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

/// Serde adapter that stores bytes as one byte string (postcard would otherwise write a
/// `Vec<u8>` element by element, and read it back so).
pub mod byte_buf {
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct Bytes;
        impl<'de> serde::de::Visitor<'de> for Bytes {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
        }
        d.deserialize_bytes(Bytes)
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
