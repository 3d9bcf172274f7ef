//! Zola sources: `config.toml`, pages under `content/<section>/` as files (a `YYYY-MM-DD-`
//! name prefix gives the date) or folders with `index.md` and colocated assets, imported as
//! posts; pages of the root section (`content/about.md`, `content/about/index.md`) imported as
//! standalone pages. URLs from a page's `path`, else `/<section path>/<slug>/` under the
//! config's slug rules.

use std::path::Path;

use super::frontmatter;
use super::post::Mapped;
use super::source::{self, Site, SourceFile, conf};
use super::urls;
use super::{ConfigError, body::Dialect};

pub struct Zola {
    pub site: Site,
    /// `[slugify] paths`: `on` (Zola's default), `safe` or `off`.
    slugify: String,
}

pub fn read(src: &Path) -> Result<Zola, ConfigError> {
    let config = match std::fs::read_to_string(src.join("config.toml")) {
        Ok(text) => text.parse::<toml::Table>().map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            let line = text[..at.min(text.len())].matches('\n').count() + 1;
            ConfigError::At {
                rel: "config.toml".into(),
                error: frontmatter::FmError {
                    line,
                    col: 0,
                    message: e.message().trim_end().to_string(),
                },
                text,
            }
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => toml::Table::new(),
        Err(e) => return Err(ConfigError::Io("config.toml".into(), e)),
    };
    let base_url = source::with_slash(conf(&config, "base_url").unwrap_or(""));
    let content = src.join("content");
    let mut posts = Vec::new();
    let mut pages = Vec::new();
    let mut skipped = Vec::new();
    for abs in source::markdown_files(&content) {
        let rel = source::rel(src, &abs);
        let in_content = source::rel(&content, &abs);
        let name = abs
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with("_index.") {
            continue;
        }
        let parts: Vec<&str> = in_content.split('/').collect();
        let is_bundle = name == "index.md";
        let dir_parts = &parts[..parts.len() - 1];
        let (section_parts, stem) = if is_bundle && !dir_parts.is_empty() {
            (
                &dir_parts[..dir_parts.len() - 1],
                dir_parts[dir_parts.len() - 1].to_string(),
            )
        } else {
            (
                dir_parts,
                abs.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            )
        };
        // A bundle needs a folder: `content/index.md` would be the home page, which showpress
        // makes itself.
        if is_bundle && dir_parts.is_empty() {
            skipped.push((rel, "the home page: showpress makes its own".to_string()));
            continue;
        }
        // The root section's pages are the site's standalone pages.
        let list = if section_parts.is_empty() {
            &mut pages
        } else {
            &mut posts
        };
        let (file_date, slug) = source::dated(&stem);
        list.push(SourceFile {
            rel,
            file_date,
            file_slug: slug.to_string(),
            stem: in_content.clone(),
            draft_by_place: false,
            bundle: is_bundle
                .then(|| abs.parent().map(Path::to_path_buf))
                .flatten(),
            section: section_parts.join("/"),
            abs,
        });
    }
    let feeds_on = config
        .get("generate_feeds")
        .or_else(|| config.get("generate_feed"))
        .and_then(toml::Value::as_bool)
        .unwrap_or(false);
    let mut feeds = Vec::new();
    if feeds_on {
        let names = config
            .get("feed_filenames")
            .map(super::mapping::strings)
            .or_else(|| conf(&config, "feed_filename").map(|f| vec![f.to_string()]))
            .unwrap_or_else(|| vec!["atom.xml".to_string()]);
        for n in names {
            let kind = if n.contains("rss") { "rss" } else { "atom" };
            feeds.push((kind, format!("/{n}")));
        }
    }
    Ok(Zola {
        site: Site {
            title: conf(&config, "title").unwrap_or("").to_string(),
            description: conf(&config, "description").unwrap_or("").to_string(),
            base_path: source::path_of(&base_url),
            base_url,
            language: conf(&config, "default_language")
                .unwrap_or("ko")
                .to_string(),
            // Zola reads a date without an offset as UTC.
            timezone: chrono_tz::Tz::UTC,
            timezone_known: false,
            feeds,
            static_dir: src.join("static"),
            dialect: Dialect::Zola,
            posts,
            pages,
            skipped,
        },
        slugify: conf(&config, "slugify.paths").unwrap_or("on").to_string(),
    })
}

impl Zola {
    /// The page's URL on the Zola site; drafts had none.
    pub fn old_url(&self, f: &SourceFile, m: &Mapped) -> Result<Option<String>, String> {
        if m.post.draft {
            return Ok(None);
        }
        if let Some(p) = &m.permalink {
            return Ok(Some(urls::clean(&format!("/{p}/"))));
        }
        let raw = m.source_slug.clone().unwrap_or_else(|| f.file_slug.clone());
        let slug = path_slug(&self.slugify, raw);
        Ok(Some(urls::clean(&format!("/{}/{slug}/", f.section))))
    }
}

/// A page's URL segment from its file name or `slug` under Zola's `[slugify] paths`.
fn path_slug(strategy: &str, raw: String) -> String {
    match strategy {
        "off" => raw,
        "safe" => raw
            .chars()
            .filter(|c| {
                !matches!(
                    c,
                    '<' | '>'
                        | ':'
                        | '/'
                        | '|'
                        | '?'
                        | '*'
                        | '#'
                        | '\\'
                        | '('
                        | ')'
                        | '['
                        | ']'
                        | '"'
                )
            })
            .collect::<String>()
            .replace(char::is_whitespace, "-"),
        // Zola's default: its `slug` crate transliterates to ASCII (Hangul to its
        // romanization), so a Korean file name's old URL is the same crate's answer.
        _ => slug::slugify(&raw),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Korean Zola blog with the default settings has romanized URLs; the alias must be
    /// the same address.
    #[test]
    fn default_slugify_romanizes_hangul_as_zola_does() {
        assert_eq!(path_slug("on", "환율-이야기".into()), "hwanyul-iyagi");
        assert_eq!(path_slug("on", "Rate Cut!".into()), "rate-cut");
        assert_eq!(path_slug("off", "환율 이야기".into()), "환율 이야기");
    }
}
