//! Everything under `content/`: finds the Markdown files, reads them, and turns each into a
//! typed post, show profile, guest profile or standalone page.
//!
//! Files are read and parsed in parallel; every broken file becomes a diagnostic and all of them
//! are returned together.

mod cache;
mod discover;
pub mod frontmatter;
mod parse;
mod raw;

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::markdown::Rendered;

pub use cache::{ContentCache, Outcome};
pub use discover::{CONTENT_DIR, ContentFile, Kind, classify, discover};

/// A guest as named in one post, with their role at the time of that episode.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GuestMention {
    pub name: String,
    pub role: Option<String>,
}

/// The article a post is based on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Source {
    pub url: String,
    pub outlet: Option<String>,
    pub title: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Post {
    /// Path relative to the site root, `/`-separated.
    pub file: String,
    /// Fingerprint of the file's text: what `serve` compares to know the file changed.
    pub hash: u64,
    pub title: String,
    pub slug: String,
    pub date: DateTime<FixedOffset>,
    pub updated: Option<DateTime<FixedOffset>>,
    pub show: Option<String>,
    pub episode: Option<u32>,
    /// When the episode was broadcast, if the post says.
    pub aired: Option<DateTime<FixedOffset>>,
    pub tags: Vec<String>,
    pub guests: Vec<GuestMention>,
    pub source: Option<Source>,
    /// From front matter, already HTML.
    pub summary: Option<String>,
    pub draft: bool,
    /// For `og:image` and JSON-LD: an absolute URL or a path under the site.
    pub image: Option<String>,
    pub extra: serde_json::Value,
    pub body: Rendered,
    /// Fingerprint of what the post shows in lists (everything but its body): a body edit
    /// that leaves the summary alone re-renders only the post's own page in `serve`.
    pub card_hash: u64,
    /// Where the keys `check` reports on are written, for its diagnostics.
    pub spans: PostSpans,
}

/// Byte ranges in a post's file (the whole text, not the front matter) of the keys that
/// `check` compares across posts.
#[derive(Debug, Clone, Default)]
pub struct PostSpans {
    pub date: Option<Range<usize>>,
    pub show: Option<Range<usize>>,
    pub aired: Option<Range<usize>>,
    pub guests: Option<Range<usize>>,
    /// One per entry of `guests`, in the same order.
    pub guest_names: Vec<Range<usize>>,
    pub source: Option<Range<usize>>,
}

impl Post {
    /// The summary lists show: front matter's, else the Markdown's.
    pub fn summary_html(&self) -> &str {
        self.summary
            .as_deref()
            .or(self.body.summary.as_deref())
            .unwrap_or("")
    }

    fn compute_card_hash(&self) -> u64 {
        crate::fingerprint::of(&(
            (&self.file, &self.title, &self.slug, self.date, self.updated),
            (
                &self.show,
                self.episode,
                self.aired,
                &self.tags,
                &self.guests,
                &self.source,
            ),
            (
                self.summary_html(),
                self.body.reading.minutes,
                self.draft,
                &self.image,
            ),
            self.extra.to_string(),
        ))
    }

    /// Fingerprint of everything the site model is built from (where the post is listed and
    /// in what order, what it links to and can be linked at), but not of what it shows: posts
    /// with equal keys can be swapped in a built model without building it again.
    pub fn structure_key(&self) -> u64 {
        crate::fingerprint::of(&(
            (&self.file, &self.slug, self.date, self.draft),
            (
                &self.show,
                self.episode,
                self.aired,
                &self.tags,
                &self.guests,
            ),
            (&self.source, &self.body.ids, self.body.links.len()),
        ))
    }

    /// Sets `card_hash` from the other fields.
    pub fn with_card_hash(mut self) -> Self {
        self.card_hash = self.compute_card_hash();
        self
    }
}

#[derive(Debug, Clone)]
pub struct ShowProfile {
    pub file: String,
    /// Fingerprint of the file's text: what `serve` compares to know the file changed.
    pub hash: u64,
    pub name: String,
    pub slug: Option<String>,
    pub network: Option<String>,
    pub homepage: Option<String>,
    pub schedule: Option<String>,
    pub extra: serde_json::Value,
    pub body: Rendered,
}

#[derive(Debug, Clone)]
pub struct GuestProfile {
    pub file: String,
    /// Fingerprint of the file's text: what `serve` compares to know the file changed.
    pub hash: u64,
    pub name: String,
    pub role: Option<String>,
    pub slug: Option<String>,
    pub extra: serde_json::Value,
    pub body: Rendered,
}

/// A standalone page such as `content/about.md`.
#[derive(Debug, Clone)]
pub struct Page {
    pub file: String,
    /// Fingerprint of the file's text: what `serve` compares to know the file changed.
    pub hash: u64,
    pub title: String,
    /// URL path segments, already slugs (`["about"]`).
    pub segments: Vec<String>,
    pub date: Option<DateTime<FixedOffset>>,
    pub updated: Option<DateTime<FixedOffset>>,
    pub summary: Option<String>,
    pub draft: bool,
    pub extra: serde_json::Value,
    pub body: Rendered,
}

/// Everything loaded from `content/`, before relations are worked out.
/// Shared (`Arc`) so `serve` can keep parsed files between rebuilds and hand them to a new
/// site model without copying bodies.
#[derive(Debug, Default, Clone)]
pub struct Content {
    pub posts: Vec<Arc<Post>>,
    pub shows: Vec<Arc<ShowProfile>>,
    pub guests: Vec<Arc<GuestProfile>>,
    pub pages: Vec<Arc<Page>>,
}

impl Content {
    /// Drops posts dated after `now` (scheduled, not published yet); returns how many.
    pub fn hold_back_future(&mut self, now: DateTime<FixedOffset>) -> usize {
        let before = self.posts.len();
        self.posts.retain(|p| p.date <= now);
        before - self.posts.len()
    }
}

#[derive(Debug, Clone)]
pub enum Parsed {
    Post(Arc<Post>),
    Show(Arc<ShowProfile>),
    Guest(Arc<GuestProfile>),
    Page(Arc<Page>),
}

/// Loads every content file under `root/content`. Drafts are dropped unless `drafts` is set.
pub fn load(root: &Path, config: &Config, drafts: bool) -> Result<Content> {
    let (files, errors) = discover::discover(root)?;
    let results: Vec<Result<Parsed, Vec<Diagnostic>>> =
        files.par_iter().map(|f| load_file(f, config)).collect();
    assemble(results, errors, drafts)
}

/// Puts parsed files together, dropping drafts unless `drafts`; fails with every diagnostic.
pub fn assemble(
    results: impl IntoIterator<Item = Result<Parsed, Vec<Diagnostic>>>,
    mut errors: Vec<Diagnostic>,
    drafts: bool,
) -> Result<Content> {
    let mut content = Content::default();
    for r in results {
        match r {
            Ok(Parsed::Post(p)) if drafts || !p.draft => content.posts.push(p),
            Ok(Parsed::Page(p)) if drafts || !p.draft => content.pages.push(p),
            Ok(Parsed::Post(_) | Parsed::Page(_)) => {}
            Ok(Parsed::Show(s)) => content.shows.push(s),
            Ok(Parsed::Guest(g)) => content.guests.push(g),
            Err(mut d) => errors.append(&mut d),
        }
    }
    if errors.is_empty() {
        Ok(content)
    } else {
        Err(Error::Diagnostics(errors))
    }
}

/// Reads and parses one content file.
pub fn load_file(file: &ContentFile, config: &Config) -> Result<Parsed, Vec<Diagnostic>> {
    let bytes = std::fs::read(&file.abs).map_err(|e| {
        vec![Diagnostic::file(
            file.rel.clone(),
            format!("failed to read file: {e}"),
        )]
    })?;
    let text = decode_utf8(&file.rel, bytes).map_err(|e| match e {
        Error::Diagnostics(d) => d,
        other => vec![Diagnostic::file(file.rel.clone(), other.to_string())],
    })?;
    let source = parse::Source::new(&file.rel, &text, config)?;
    Ok(match file.kind {
        Kind::Post => Parsed::Post(Arc::new(source.post(&file.rel_in_kind)?)),
        Kind::Show => Parsed::Show(Arc::new(source.show_profile()?)),
        Kind::Guest => Parsed::Guest(Arc::new(source.guest_profile()?)),
        Kind::Page => Parsed::Page(Arc::new(source.page(&file.rel_in_kind)?)),
    })
}

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
