//! The placeholders Markdown leaves in a body's HTML for what only the site model knows (a
//! linked page's URL, an image's markup with its sizes), and putting those in.

use super::{image_token, link_token};
use crate::fingerprint::FastMap;

/// What the site model resolved a body's placeholders to: `urls[n]` for
/// [`link_token`]`(n)`, and the markup of image `n` for [`image_token`]`(n)`.
#[derive(Debug, Clone, Default)]
pub struct Resolution {
    pub urls: Vec<String>,
    pub images: Vec<(usize, String)>,
}

impl Resolution {
    /// `html` with every placeholder replaced.
    pub fn apply(&self, html: &str) -> String {
        let out = substitute(html, &self.urls);
        if self.images.is_empty() {
            return out;
        }
        let markup: FastMap<usize, &str> =
            self.images.iter().map(|(n, m)| (*n, m.as_str())).collect();
        substitute_images(&out, &markup)
    }
}

/// Replaces every [`image_token`] with its markup, in one pass.
pub fn substitute_images(html: &str, markup: &FastMap<usize, &str>) -> String {
    let prefix = image_token(0);
    let prefix = prefix.trim_end_matches("0>");
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(prefix) {
        out.push_str(&rest[..i]);
        let after = &rest[i + prefix.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let n = after[..digits].parse::<usize>().ok();
        match (
            n.and_then(|n| markup.get(&n)),
            after[digits..].starts_with('>'),
        ) {
            (Some(m), true) => {
                out.push_str(m);
                rest = &after[digits + 1..];
            }
            _ => {
                out.push_str(prefix);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Replaces every `"<link_token(n)>"` with the quoted, escaped `urls[n]`, in one pass (a post
/// with thousands of links stays linear).
pub fn substitute(html: &str, urls: &[String]) -> String {
    let prefix = format!("\"{}", link_token(0).trim_end_matches('0'));
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(&prefix) {
        out.push_str(&rest[..i]);
        let after = &rest[i + prefix.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let n = after[..digits].parse::<usize>().ok();
        match (n, after[digits..].starts_with('"')) {
            (Some(n), true) if n < urls.len() => {
                out.push('"');
                out.push_str(&crate::text::escape_html(&urls[n]));
                out.push('"');
                rest = &after[digits + 1..];
            }
            _ => {
                out.push_str(&prefix);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_replaced_in_one_pass() {
        let urls = vec!["/a/".to_string(), "/b/#x\"y".to_string()];
        assert_eq!(
            substitute(
                "<a href=\"showpress-internal-link:1\">b</a><a href=\"showpress-internal-link:0\">a</a>",
                &urls
            ),
            "<a href=\"/b/#x&quot;y\">b</a><a href=\"/a/\">a</a>"
        );
    }

    #[test]
    fn a_resolution_puts_urls_then_images_in() {
        let r = Resolution {
            urls: vec!["/a/".into()],
            images: vec![(1, "<img src=\"/i.png\">".into())],
        };
        let html = format!("<a href=\"{}\">a</a>{}", link_token(0), image_token(1));
        assert_eq!(r.apply(&html), "<a href=\"/a/\">a</a><img src=\"/i.png\">");
    }
}
