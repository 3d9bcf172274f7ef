//! What `serve` adds to HTML pages and nothing else does: the live-reload script and, while the
//! last rebuild failed, an overlay with the diagnostics.

use crate::text::escape_html;

pub const SCRIPT_PATH: &str = "/__showpress/livereload.js";
pub const EVENTS_PATH: &str = "/__showpress/events";
pub const SCRIPT: &str = include_str!("livereload.js");
pub const OVERLAY_ID: &str = "__showpress-overlay";

/// Inserts the script (and the overlay, if `error` is set) before the last `</body>`, or at the
/// end of a page that has none.
pub fn inject(html: &[u8], build: &str, error: Option<&str>) -> Vec<u8> {
    let mut extra = String::new();
    if let Some(e) = error {
        extra.push_str(&overlay(e));
    }
    extra.push_str(&format!(
        "<script src=\"{SCRIPT_PATH}\" data-build=\"{}\"></script>",
        escape_html(build)
    ));
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + extra.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
}

/// The error overlay: the same text the terminal shows, over the last good page.
pub fn overlay(error: &str) -> String {
    format!(
        "<div id=\"{OVERLAY_ID}\" role=\"alertdialog\" aria-label=\"showpress: the site did not build\" \
style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,24,.94);color:#f4f4f5;\
padding:2rem;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace\">\
<p style=\"margin:0 0 1rem;font-weight:700;color:#ff8a80\">showpress: the last save did not build. \
The page below is the last good build; fix the file and it reloads.</p>\
<pre style=\"white-space:pre-wrap;margin:0\">{}</pre></div>",
        escape_html(error)
    )
}

/// A page for when no build has ever succeeded: only the overlay.
pub fn error_page(build: &str, error: &str) -> Vec<u8> {
    let page = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>showpress: build failed</title></head><body></body></html>\n";
    inject(page.as_bytes(), build, Some(error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_the_last_body_end() {
        let out = inject(b"<body><p>x</p></body></html>", "7", None);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<body><p>x</p><script src=\"/__showpress/livereload.js\" data-build=\"7\"></script></body></html>"
        );
    }

    #[test]
    fn overlay_text_is_escaped() {
        let out = String::from_utf8(inject(b"<p>x</p>", "1", Some("error: <b> & \"x\""))).unwrap();
        assert!(out.contains("error: &lt;b&gt; &amp; &quot;x&quot;"));
        assert!(out.starts_with("<p>x</p><div id=\"__showpress-overlay\""));
    }
}
