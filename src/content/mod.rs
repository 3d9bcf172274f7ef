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

pub use cache::{ContentCache, Outcome, SavedFile, SavedRef, Scan, Stamp, stamp, stamps};
pub use discover::{
    CONTENT_DIR, ContentFile, Kind, WalkedDir, classify, discover, discover_with_dirs, rediscover,
};

/// A guest as named in one post, with their role at the time of that episode.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct GuestMention {
    pub name: String,
    pub role: Option<String>,
}

/// The article a post is based on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Source {
    pub url: String,
    pub outlet: Option<String>,
    pub title: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
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
    /// The episode's video, shown on the post's page (not in lists).
    pub video: Option<crate::video::Video>,
    /// Old addresses that redirect here, as site paths ([`crate::urls::alias_path`]).
    pub aliases: Vec<String>,
    /// Kept as JSON text in the build cache, whose binary format cannot hold a free-form value.
    #[serde(with = "crate::text::json_text")]
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
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
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
            (&self.file, &self.slug, self.date, self.draft, &self.aliases),
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

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ShowProfile {
    pub file: String,
    /// Fingerprint of the file's text: what `serve` compares to know the file changed.
    pub hash: u64,
    pub name: String,
    pub slug: Option<String>,
    pub network: Option<String>,
    pub homepage: Option<String>,
    pub schedule: Option<String>,
    /// Kept as JSON text in the build cache, whose binary format cannot hold a free-form value.
    #[serde(with = "crate::text::json_text")]
    pub extra: serde_json::Value,
    pub body: Rendered,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct GuestProfile {
    pub file: String,
    /// Fingerprint of the file's text: what `serve` compares to know the file changed.
    pub hash: u64,
    pub name: String,
    pub role: Option<String>,
    pub slug: Option<String>,
    /// Kept as JSON text in the build cache, whose binary format cannot hold a free-form value.
    #[serde(with = "crate::text::json_text")]
    pub extra: serde_json::Value,
    pub body: Rendered,
}

/// A standalone page such as `content/about.md`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
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
    /// Old addresses that redirect here, as site paths ([`crate::urls::alias_path`]).
    pub aliases: Vec<String>,
    /// Kept as JSON text in the build cache, whose binary format cannot hold a free-form value.
    #[serde(with = "crate::text::json_text")]
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
    /// Files that failed to parse, left out (`check` goes on without them): a link to one is
    /// not reported, its own error is.
    pub unparsed: Vec<String>,
    /// Files of bundles (their owner may be a draft left out above).
    pub assets: Vec<Arc<crate::assets::Asset>>,
    /// Images of `static/` with their headers read (the engine fills this in).
    pub static_images: Vec<crate::assets::StaticImage>,
}

impl Content {
    /// Drops posts dated after `now` (scheduled, not published yet); returns how many.
    pub fn hold_back_future(&mut self, now: DateTime<FixedOffset>) -> usize {
        let before = self.posts.len();
        self.posts.retain(|p| p.date <= now);
        before - self.posts.len()
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum Parsed {
    Post(Arc<Post>),
    Show(Arc<ShowProfile>),
    Guest(Arc<GuestProfile>),
    Page(Arc<Page>),
    Asset(Arc<crate::assets::Asset>),
}

/// Loads every content file under `root/content`. Drafts are dropped unless `drafts` is set.
/// Where a content file sets `slug`: its text and the value's byte range, read back from disk
/// for the error about two pages on one URL (an error path, so nothing is kept for it while
/// loading). `None` when the file has no `slug` (its URL comes from its name) or cannot be
/// read.
pub fn slug_span(root: &Path, rel: &str) -> Option<(String, Range<usize>)> {
    #[derive(serde::Deserialize)]
    struct SlugOnly {
        slug: Option<toml::Spanned<toml::Value>>,
    }
    front_matter_span(root, rel, |fm| {
        Some(toml::from_str::<SlugOnly>(fm).ok()?.slug?.span())
    })
}

/// Where content file `rel` lists its alias number `index`: the file's text and the value's
/// byte range in it. Read only for an error about that alias.
pub fn alias_span(root: &Path, rel: &str, index: usize) -> Option<(String, Range<usize>)> {
    #[derive(serde::Deserialize)]
    struct AliasesOnly {
        #[serde(default)]
        aliases: Vec<toml::Spanned<toml::Value>>,
    }
    front_matter_span(root, rel, |fm| {
        let found: AliasesOnly = toml::from_str(fm).ok()?;
        Some(found.aliases.get(index)?.span())
    })
}

/// The text of content file `rel` and the range `find` gives in its front matter, moved to
/// the whole text.
fn front_matter_span(
    root: &Path,
    rel: &str,
    find: impl FnOnce(&str) -> Option<Range<usize>>,
) -> Option<(String, Range<usize>)> {
    let text = std::fs::read_to_string(root.join(rel)).ok()?;
    let range = {
        let split = frontmatter::split(&text).ok()?;
        let span = find(split.front_matter)?;
        span.start + split.front_matter_offset..span.end + split.front_matter_offset
    };
    Some((text, range))
}

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
            Ok(Parsed::Asset(a)) => content.assets.push(a),
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
    if file.kind == Kind::Asset {
        let owner = file.owner.as_deref().unwrap_or_default();
        return crate::assets::load(&file.abs, &file.rel, owner, &file.rel_in_kind)
            .map(|a| Parsed::Asset(Arc::new(a)))
            .map_err(|why| {
                vec![
                    Diagnostic::file(file.rel.clone(), why)
                        .with_note(format!("it is used by {owner}")),
                ]
            });
    }
    let bytes = std::fs::read(&file.abs).map_err(|e| {
        vec![Diagnostic::file(
            file.rel.clone(),
            format!("failed to read file: {e}"),
        )]
    })?;
    let text = crate::text::decode_utf8(&file.rel, bytes).map_err(|e| match e {
        Error::Diagnostics(d) => d,
        other => vec![Diagnostic::file(file.rel.clone(), other.to_string())],
    })?;
    let source = parse::Source::new(&file.rel, &text, config)?;
    Ok(match file.kind {
        Kind::Post => Parsed::Post(Arc::new(source.post(&file.rel_in_kind)?)),
        Kind::Show => Parsed::Show(Arc::new(source.show_profile()?)),
        Kind::Guest => Parsed::Guest(Arc::new(source.guest_profile()?)),
        // Bundle files returned above, before their bytes were taken for text.
        Kind::Page | Kind::Asset => Parsed::Page(Arc::new(source.page(&file.rel_in_kind)?)),
    })
}
