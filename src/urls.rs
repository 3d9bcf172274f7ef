//! Where each kind of page lives. Paths here are site-relative and not percent-encoded
//! (`tags/딥시크/`); [`Linker`] turns them into the encoded links that go into HTML.

use crate::slug::encode_path_after;

pub fn post(slug: &str) -> String {
    format!("posts/{slug}/")
}
/// The search page, where its index files are published too.
pub fn search() -> String {
    format!("{}/", crate::search::DIR)
}
pub fn shows() -> String {
    "shows/".to_string()
}
pub fn show(slug: &str) -> String {
    format!("shows/{slug}/")
}
pub fn episode(show_slug: &str, number: u32) -> String {
    format!("shows/{show_slug}/{number}/")
}
pub fn guests() -> String {
    "guests/".to_string()
}
pub fn guest(slug: &str) -> String {
    format!("guests/{slug}/")
}
pub fn tags() -> String {
    "tags/".to_string()
}
pub fn tag(slug: &str) -> String {
    format!("tags/{slug}/")
}
pub fn archive() -> String {
    "archive/".to_string()
}
pub fn page(segments: &[String]) -> String {
    segments.iter().map(|s| format!("{s}/")).collect()
}
/// Page `n` of a paginated list at `base`: the list itself for page 1, else `base/page/n/`.
pub fn paged(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}
/// An old address kept working (`aliases = ["/2019/03/old/"]` in front matter, or a feed's
/// old name in config): the site path it names, percent-decoded, `old/path/` for a folder
/// (written as `old/path/index.html`) or `old.html` for a file (a last segment with a dot).
/// Like a `slug`, it is under the site's base path. `Err` says what was expected.
pub fn alias_path(raw: &str) -> Result<String, String> {
    let example = "expected a path on this site starting with `/`, such as \"/2019/03/old-post/\"";
    let raw = raw.trim();
    let bad = |why: &str| Err(format!("invalid alias \"{raw}\" ({why}), {example}"));
    // An old URL pasted whole: say which part to keep.
    if let Some(after) = raw.split_once("://").map(|(_, rest)| rest) {
        let path = after.find('/').map_or("/", |i| &after[i..]);
        return Err(format!(
            "invalid alias \"{raw}\" (a whole URL), expected only its path on this site: \"{path}\""
        ));
    }
    if !raw.starts_with('/') || raw.starts_with("//") {
        return bad("not a path");
    }
    if raw.contains(['?', '#']) || raw.chars().any(char::is_whitespace) {
        return bad("a query, fragment or space");
    }
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
    let segments: Vec<&str> = decoded.split('/').filter(|s| !s.is_empty()).collect();
    if segments.is_empty() {
        return bad("the home page");
    }
    if segments.iter().any(|s| *s == "." || *s == "..") {
        return bad("`.` or `..`");
    }
    let joined = segments.join("/");
    let is_file = segments.last().is_some_and(|s| s.contains('.'));
    Ok(if is_file {
        joined
    } else {
        format!("{joined}/")
    })
}

/// The file a page path is written to, relative to the output folder.
pub fn file_for(path: &str) -> String {
    format!("{path}index.html")
}

/// Makes links from site-relative paths, honouring a `base_url` with a sub-path.
#[derive(Debug, Clone)]
pub struct Linker {
    base_path: String,
    base_url: String,
}

impl Linker {
    pub fn new(base_url: &str, base_path: &str) -> Self {
        Linker {
            base_path: base_path.to_string(),
            base_url: base_url.to_string(),
        }
    }

    /// Root-relative, percent-encoded: `/blog/tags/%EB%94%A5.../`.
    pub fn url(&self, path: &str) -> String {
        encode_path_after(&self.base_path, path)
    }

    /// Absolute, percent-encoded.
    pub fn permalink(&self, path: &str) -> String {
        encode_path_after(&self.base_url, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_encoded_and_under_the_base_path() {
        let l = Linker::new("https://ex.com/blog/", "/blog/");
        assert_eq!(
            l.url(&tag("딥시크")),
            "/blog/tags/%EB%94%A5%EC%8B%9C%ED%81%AC/"
        );
        assert_eq!(l.permalink(&post("a")), "https://ex.com/blog/posts/a/");
        assert_eq!(l.url(""), "/blog/");
        assert_eq!(paged("tags/ai/", 1), "tags/ai/");
        assert_eq!(paged("", 3), "page/3/");
    }
}
