//! Validates one file's front matter into a typed post, profile or page, pointing every
//! mistake at its line and column in the file.

use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::Spanned;
use unicode_normalization::UnicodeNormalization;

use super::frontmatter::{self, Split};
use super::raw::{RawGuestProfile, RawPage, RawPost, RawShowProfile, StrOr};
use super::{GuestMention, GuestProfile, Page, Post, PostSpans, ShowProfile, Source as PostSource};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, from_toml};
use crate::markdown;
use crate::slug::slugify;
use crate::text::{escape_html, toml_to_json};

/// One content file's text, split, with what is needed to report errors in it.
pub struct Source<'a> {
    rel: &'a str,
    text: &'a str,
    split: Split<'a>,
    config: &'a Config,
    errors: Vec<Diagnostic>,
}

type Parsed<T> = Result<T, Vec<Diagnostic>>;

impl<'a> Source<'a> {
    pub fn new(rel: &'a str, text: &'a str, config: &'a Config) -> Parsed<Self> {
        let split = frontmatter::split(text)
            .map_err(|e| vec![Diagnostic::at(rel, text, e.range(), e.message())])?;
        Ok(Source {
            rel,
            text,
            split,
            config,
            errors: Vec::new(),
        })
    }

    fn deserialize<T: DeserializeOwned>(&self) -> Parsed<T> {
        toml::from_str(self.split.front_matter).map_err(|e| {
            let off = self.split.front_matter_offset;
            match super::frontmatter::unclosed_multiline_string(self.split.front_matter) {
                Some((opened, quotes)) => vec![self.string_cut_by_delimiter(off + opened, quotes)],
                None => vec![from_toml(self.rel, self.text, off, &e)],
            }
        })
    }

    /// TOML's own words for a multi-line string cut short by the `+++` line that ended the
    /// front matter ("invalid multi-line basic string") do not say what happened or how to
    /// fix it; this does, pointing at that `+++` line.
    fn string_cut_by_delimiter(&self, opened: usize, quotes: &str) -> Diagnostic {
        let closing = self.split.front_matter_offset + self.split.front_matter.len();
        let line_of = |at: usize| self.text[..at].matches('\n').count() + 1;
        Diagnostic::at(
            self.rel,
            self.text,
            closing..closing + 3,
            format!(
                "this `+++` line ends the front matter inside the multi-line string opened on line {}, expected `{quotes}` to close the string before it",
                line_of(opened)
            ),
        )
        .with_note(
            "a line of only `+++` ends the front matter even inside a string, as in Hugo and Zola: indent it (` +++`) to keep it in the string",
        )
    }

    /// Records an error at a span of the front matter.
    fn error(&mut self, span: Range<usize>, message: String) {
        let off = self.split.front_matter_offset;
        self.errors.push(Diagnostic::at(
            self.rel,
            self.text,
            span.start + off..span.end + off,
            message,
        ));
    }

    fn missing(&mut self, key: &str, example: &str) {
        self.errors.push(Diagnostic::at(
            self.rel,
            self.text,
            self.split.opening.clone(),
            format!("missing `{key}` in front matter, expected a line such as `{example}`"),
        ));
    }

    fn required_text(
        &mut self,
        value: Option<Spanned<String>>,
        key: &str,
        example: &str,
    ) -> String {
        match value {
            None => {
                self.missing(key, example);
                String::new()
            }
            Some(v) => self.non_empty(v, key).unwrap_or_default(),
        }
    }

    fn non_empty(&mut self, v: Spanned<String>, key: &str) -> Option<String> {
        if v.get_ref().trim().is_empty() {
            self.error(v.span(), format!("empty `{key}`, expected some text"));
            None
        } else {
            // NFC, so a name typed on macOS (decomposed jamo) is the same show, guest or tag,
            // sorts and prints like the same name typed elsewhere.
            Some(v.get_ref().trim().nfc().collect())
        }
    }

    fn date(
        &mut self,
        v: Option<Spanned<toml::Value>>,
    ) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        let v = v?;
        match crate::dates::parse(v.get_ref(), self.config.timezone) {
            Ok(d) => Some(d),
            Err(msg) => {
                self.error(v.span(), msg);
                None
            }
        }
    }

    fn slug(&mut self, v: Option<Spanned<String>>) -> Option<String> {
        self.non_empty(v?, "slug").map(|s| slugify(&s))
    }

    /// `aliases = [...]`: each a path on the site; one written twice counts once.
    fn aliases(&mut self, raw: Vec<Spanned<String>>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for a in raw {
            match crate::urls::alias_path(a.get_ref()) {
                Ok(path) if !out.contains(&path) => out.push(path),
                Ok(_) => {}
                Err(why) => self.error(a.span(), why),
            }
        }
        out
    }

    fn url(&mut self, v: &str, span: Range<usize>, what: &str) -> Option<String> {
        match url::Url::parse(v.trim()) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
                Some(v.trim().to_string())
            }
            _ => {
                self.error(
                    span,
                    format!("invalid {what} `{v}`, expected an absolute http(s) URL such as `https://example.com/news/1`"),
                );
                None
            }
        }
    }

    fn finish<T>(self, value: T) -> Parsed<T> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self.errors)
        }
    }

    fn body(&mut self) -> markdown::Rendered {
        let mut r = match markdown::render_guarded(self.split.body, &self.config.markdown) {
            Ok(r) => r,
            Err(why) => {
                self.errors.push(Diagnostic::file(
                    self.rel,
                    format!(
                        "the Markdown parser (pulldown-cmark) failed on this file ({why}), expected Markdown it can read: change the construct it stumbles on (for example a heading attribute `{{#id}}` inside a block quote)"
                    ),
                ));
                return markdown::Rendered::default();
            }
        };
        let off = self.split.body_offset;
        let locator = crate::diagnostic::Locator::new(self.text);
        r.link_locations = r
            .links
            .iter()
            .map(|l| locator.locate(l.range.start + off..l.range.end + off))
            .collect();
        r.shortcode_locations = r
            .shortcodes
            .iter()
            .map(|c| locator.locate(c.range.start + off..c.range.end + off))
            .collect();
        for (range, message) in std::mem::take(&mut r.shortcode_errors) {
            self.errors.push(Diagnostic::at(
                self.rel,
                self.text,
                range.start + off..range.end + off,
                message,
            ));
        }
        if self.config.search.enabled {
            let words = crate::search::tokenize::body_words(r.text());
            r.set_words(words);
        }
        r
    }

    pub fn post(mut self, rel_in_kind: &str) -> Parsed<Post> {
        let raw: RawPost = self.deserialize()?;
        let off = self.split.front_matter_offset;
        let at = |r: Range<usize>| r.start + off..r.end + off;
        let mut spans = PostSpans {
            date: raw.date.as_ref().map(|d| at(d.span())),
            show: raw.show.as_ref().map(|s| at(s.span())),
            aired: raw.aired.as_ref().map(|a| at(a.span())),
            guests: raw.guests.as_ref().map(|g| at(g.span())),
            source: raw.source.as_ref().map(|s| at(s.span())),
            guest_names: Vec::new(),
        };
        let title = self.required_text(raw.title, "title", "title = \"제목\"");
        let date = match raw.date {
            None => {
                self.missing("date", "date = 2025-03-25");
                None
            }
            v => self.date(v),
        };
        let updated = self.date(raw.updated);
        let aired = self.date(raw.aired);
        let show = raw.show.and_then(|s| self.non_empty(s, "show"));
        let episode = raw.episode.and_then(|e| {
            let n = *e.get_ref();
            if n <= 0 || n > i64::from(u32::MAX) {
                self.error(e.span(), format!("invalid episode {n}, expected a positive integer"));
                None
            } else if show.is_none() {
                self.error(
                    e.span(),
                    format!("`episode = {n}` without `show`, expected a `show = \"...\"` line naming the show"),
                );
                None
            } else {
                Some(n as u32)
            }
        });
        let mut tags: Vec<String> = Vec::new();
        for t in raw.tags {
            if let Some(t) = self.non_empty(t, "tag")
                && !tags.contains(&t)
            {
                tags.push(t);
            }
        }
        let mut guests: Vec<GuestMention> = Vec::new();
        for g in raw.guests.map(Spanned::into_inner).unwrap_or_default() {
            let span = g.span();
            let mut name_span = span.clone();
            let mention = match g.into_inner() {
                StrOr::Str(name) => Some(GuestMention { name, role: None }),
                StrOr::Table(t) => t.name.map(|name| GuestMention {
                    name: {
                        name_span = name.span();
                        name.into_inner()
                    },
                    role: t
                        .role
                        .map(|r| r.trim().to_string())
                        .filter(|r| !r.is_empty()),
                }),
            };
            match mention {
                Some(m) if !m.name.trim().is_empty() => {
                    let name: String = m.name.trim().nfc().collect();
                    if !guests.iter().any(|g| g.name == name) {
                        guests.push(GuestMention { name, role: m.role });
                        spans.guest_names.push(at(name_span));
                    }
                }
                _ => self.error(
                    span,
                    "guest without a name, expected `name = \"...\"`".into(),
                ),
            }
        }
        let source = raw.source.and_then(|s| {
            let span = s.span();
            match s.into_inner() {
                StrOr::Str(u) => self.url(&u, span, "source URL").map(|url| PostSource {
                    url,
                    outlet: None,
                    title: None,
                }),
                StrOr::Table(t) => match t.url {
                    None => {
                        self.error(
                            span,
                            "source without a `url`, expected `url = \"https://...\"`".into(),
                        );
                        None
                    }
                    Some(u) => {
                        self.url(u.get_ref(), u.span(), "source URL")
                            .map(|url| PostSource {
                                url,
                                outlet: t.outlet.filter(|s| !s.trim().is_empty()),
                                title: t.title.filter(|s| !s.trim().is_empty()),
                            })
                    }
                },
            }
        });
        let slug = self
            .slug(raw.slug)
            .unwrap_or_else(|| slug_from_file(rel_in_kind));
        let video = raw
            .video
            .and_then(|v| match crate::video::Video::parse(v.get_ref()) {
                Ok(video) => Some(video),
                Err(why) => {
                    self.error(v.span(), why);
                    None
                }
            });
        let aliases = self.aliases(raw.aliases);
        let body = self.body();
        let post = Post {
            file: self.rel.to_string(),
            hash: crate::fingerprint::of(self.text),
            title,
            slug,
            date: date.unwrap_or_default(),
            updated,
            show,
            episode,
            aired,
            tags,
            guests,
            source,
            summary: raw.summary.map(|s| paragraph(&s)),
            draft: raw.draft,
            image: raw
                .image
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
            video,
            aliases,
            extra: toml_to_json(toml::Value::Table(raw.extra)),
            body,
            card_hash: 0,
            spans,
        }
        .with_card_hash();
        self.finish(post)
    }

    pub fn show_profile(mut self) -> Parsed<ShowProfile> {
        let raw: RawShowProfile = self.deserialize()?;
        let name = self.required_text(raw.name, "name", "name = \"경제토크쇼픽\"");
        let homepage = raw.homepage.and_then(|h| {
            let span = h.span();
            self.url(h.get_ref(), span, "homepage")
        });
        let slug = self.slug(raw.slug);
        let profile = ShowProfile {
            file: self.rel.to_string(),
            hash: crate::fingerprint::of(self.text),
            name,
            slug,
            network: raw.network,
            homepage,
            schedule: raw.schedule,
            extra: toml_to_json(toml::Value::Table(raw.extra)),
            body: self.body(),
        };
        self.finish(profile)
    }

    pub fn guest_profile(mut self) -> Parsed<GuestProfile> {
        let raw: RawGuestProfile = self.deserialize()?;
        let name = self.required_text(raw.name, "name", "name = \"서영주\"");
        let slug = self.slug(raw.slug);
        let profile = GuestProfile {
            file: self.rel.to_string(),
            hash: crate::fingerprint::of(self.text),
            name,
            role: raw.role,
            slug,
            extra: toml_to_json(toml::Value::Table(raw.extra)),
            body: self.body(),
        };
        self.finish(profile)
    }

    pub fn page(mut self, rel_in_kind: &str) -> Parsed<Page> {
        let raw: RawPage = self.deserialize()?;
        let title = self.required_text(raw.title, "title", "title = \"소개\"");
        let date = self.date(raw.date);
        let updated = self.date(raw.updated);
        let mut segments = page_segments(rel_in_kind);
        if let Some(slug) = self.slug(raw.slug) {
            match segments.last_mut() {
                Some(last) => *last = slug,
                None => segments.push(slug),
            }
        }
        let aliases = self.aliases(raw.aliases);
        let page = Page {
            file: self.rel.to_string(),
            hash: crate::fingerprint::of(self.text),
            title,
            segments,
            date,
            updated,
            summary: raw.summary.map(|s| paragraph(&s)),
            draft: raw.draft,
            aliases,
            extra: toml_to_json(toml::Value::Table(raw.extra)),
            body: self.body(),
        };
        self.finish(page)
    }
}

/// A front-matter summary is plain text; templates get HTML everywhere, so wrap it.
fn paragraph(text: &str) -> String {
    format!("<p>{}</p>", escape_html(text.trim()))
}

/// `2025/2025-03-25-deepseek.md` → `deepseek`; `deepseek/index.md` → `deepseek`.
pub fn slug_from_file(rel_in_kind: &str) -> String {
    let path = rel_in_kind.strip_suffix(".md").unwrap_or(rel_in_kind);
    let mut parts = path.rsplit('/');
    let mut stem = parts.next().unwrap_or("");
    if stem == "index" {
        stem = parts.next().unwrap_or(stem);
    }
    let b = stem.as_bytes();
    let dated = b.len() > 11
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
        && b[10] == b'-';
    slugify(if dated { &stem[11..] } else { stem })
}

/// `about.md` → `["about"]`; `guide/index.md` → `["guide"]`; `a/b.md` → `["a", "b"]`.
fn page_segments(rel: &str) -> Vec<String> {
    let path = rel.strip_suffix(".md").unwrap_or(rel);
    let mut parts: Vec<&str> = path.split('/').collect();
    if parts
        .last()
        .is_some_and(|p| *p == "index" || *p == "_index")
    {
        parts.pop();
    }
    parts.into_iter().map(slugify).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_file_names() {
        assert_eq!(
            slug_from_file("2025/2025-03-25-deepseek-pangyo.md"),
            "deepseek-pangyo"
        );
        assert_eq!(slug_from_file("2025-03-25-딥시크.md"), "딥시크");
        assert_eq!(slug_from_file("deepseek/index.md"), "deepseek");
        assert_eq!(slug_from_file("2025-03-25.md"), "2025-03-25");
        assert_eq!(slug_from_file("Hello World.md"), "hello-world");
    }

    #[test]
    fn page_urls_from_paths() {
        assert_eq!(page_segments("about.md"), vec!["about"]);
        assert_eq!(page_segments("guide/index.md"), vec!["guide"]);
        assert_eq!(
            page_segments("소개 글/연락처.md"),
            vec!["소개-글", "연락처"]
        );
    }
}
