//! The one slug function (page URLs, term URLs, heading ids and the `slugify` template filter)
//! and the percent-encoding of URL paths built from slugs.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use unicode_normalization::UnicodeNormalization;

/// Turns a name into a URL segment that keeps Hangul and other letters readable.
///
/// NFC first, so a name typed on macOS (decomposed jamo) and on Windows (precomposed syllables)
/// gives the same URL. ASCII letters are lowercased; letters of other scripts are kept as they
/// are; every run of whitespace, punctuation or symbols becomes one `-`. A name with no letter or
/// digit at all still gets a stable, non-empty slug: the hex of its UTF-8 bytes.
pub fn slugify(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_dash = false;
    for c in name.nfc() {
        if c.is_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
        } else if c == '_' && !out.is_empty() {
            // Keep underscores: they are common in file names and harmless in URLs.
            if pending_dash {
                out.push('-');
                pending_dash = false;
            }
            out.push('_');
        } else {
            pending_dash = true;
        }
    }
    if out.is_empty() {
        let trimmed = name.trim();
        if trimmed.is_empty() {
            return "-".to_string();
        }
        return trimmed.bytes().map(|b| format!("{b:02x}")).collect();
    }
    out
}

/// Characters left as they are in a URL path: unreserved ones and `/`.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// Percent-encodes a URL path (`/tags/딥시크/` → `/tags/%EB%94%A5%EC%8B%9C%ED%81%AC/`).
pub fn encode_path(path: &str) -> String {
    encode_path_after("", path)
}

/// `prefix` followed by `path` percent-encoded, in one string. The pieces are appended
/// directly: formatting them (`to_string`, `format!`) wrote each `%XX` through the formatter,
/// a visible cost with every link of 27k pages made so.
pub fn encode_path_after(prefix: &str, path: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + path.len() * 3);
    out.push_str(prefix);
    out.extend(utf8_percent_encode(path, PATH));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_hangul_and_lowercases_ascii() {
        assert_eq!(slugify("경제토크쇼픽"), "경제토크쇼픽");
        assert_eq!(slugify("Tech Weekly"), "tech-weekly");
        assert_eq!(slugify("AI 라운드테이블"), "ai-라운드테이블");
        assert_eq!(
            slugify("이유 있는 딥시크의 성공, 판교에서 가능할까?"),
            "이유-있는-딥시크의-성공-판교에서-가능할까"
        );
    }

    #[test]
    fn decomposed_and_precomposed_hangul_give_the_same_slug() {
        let decomposed: String = "딥시크".chars().collect::<String>().nfd().collect();
        assert_ne!(decomposed, "딥시크");
        assert_eq!(slugify(&decomposed), "딥시크");
    }

    #[test]
    fn folds_runs_of_punctuation_and_trims_edges() {
        assert_eq!(slugify("  --Hello,   World!!  "), "hello-world");
        assert_eq!(slugify("C++ & Rust"), "c-rust");
        assert_eq!(slugify("snake_case name"), "snake_case-name");
    }

    #[test]
    fn never_empty() {
        assert_eq!(slugify("!!!"), "212121");
        assert_eq!(slugify(""), "-");
        assert_eq!(slugify("   "), "-");
    }

    #[test]
    fn encodes_non_ascii_but_not_slashes() {
        assert_eq!(
            encode_path("/tags/딥시크/"),
            "/tags/%EB%94%A5%EC%8B%9C%ED%81%AC/"
        );
        assert_eq!(encode_path("/posts/a-b_c.d~/"), "/posts/a-b_c.d~/");
    }
}
