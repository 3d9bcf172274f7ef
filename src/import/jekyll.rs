//! Jekyll sources: `_config.yml`, posts in `_posts/` (and `<category>/_posts/`), drafts in
//! `_drafts/`, files at the site root; URLs from `permalink` (a post's, or the config's
//! pattern or named style) with the site's `baseurl`.

use std::path::Path;

use super::frontmatter;
use super::post::Mapped;
use super::source::{self, Site, SourceFile, conf};
use super::urls::{self, UrlParts};
use super::{ConfigError, body::Dialect};

pub struct Jekyll {
    pub site: Site,
    permalink: String,
}

pub fn read(src: &Path) -> Result<Jekyll, ConfigError> {
    let config_path = src.join("_config.yml");
    let config = match std::fs::read_to_string(&config_path) {
        Ok(text) => frontmatter::yaml_config(&text).map_err(|e| ConfigError::At {
            rel: "_config.yml".into(),
            text,
            error: e,
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => toml::Table::new(),
        Err(e) => return Err(ConfigError::Io("_config.yml".into(), e)),
    };
    let tz = source::timezone(conf(&config, "timezone")).map_err(ConfigError::Message)?;
    let url = conf(&config, "url").unwrap_or("");
    let baseurl = conf(&config, "baseurl").unwrap_or("");
    let base_url = if url.is_empty() {
        String::new()
    } else {
        source::with_slash(&format!("{}{}", url.trim_end_matches('/'), baseurl))
    };
    let plugins = config
        .get("plugins")
        .or_else(|| config.get("gems"))
        .map(super::mapping::strings)
        .unwrap_or_default();
    let mut feeds = Vec::new();
    if plugins.iter().any(|p| p == "jekyll-feed") || src.join("feed.xml").is_file() {
        // jekyll-feed writes Atom.
        let path = conf(&config, "feed.path").map_or("/feed.xml".to_string(), urls::clean);
        feeds.push(("atom", path));
    }
    let mut posts = Vec::new();
    for abs in source::markdown_files(src) {
        let rel = source::rel(src, &abs);
        let parts: Vec<&str> = rel.split('/').collect();
        let Some(at) = parts.iter().position(|p| *p == "_posts" || *p == "_drafts") else {
            continue;
        };
        let stem = abs
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (file_date, slug) = source::dated(&stem);
        posts.push(SourceFile {
            rel: rel.clone(),
            file_date,
            file_slug: slug.to_string(),
            stem: stem.clone(),
            draft_by_place: parts[at] == "_drafts",
            bundle: None,
            section: parts[..at].join("/"),
            abs,
        });
    }
    // Jekyll also takes HTML posts; they have no Markdown to convert, so the report names
    // them instead of leaving them out unsaid.
    let skipped = source::files(src, &["html"])
        .into_iter()
        .map(|abs| source::rel(src, &abs))
        .filter(|rel| rel.split('/').any(|p| p == "_posts" || p == "_drafts"))
        .map(|rel| {
            (
                rel,
                "an HTML post: only Markdown posts are imported".to_string(),
            )
        })
        .collect();
    Ok(Jekyll {
        site: Site {
            title: conf(&config, "title").unwrap_or("").to_string(),
            description: conf(&config, "description").unwrap_or("").to_string(),
            base_url,
            base_path: urls::clean(&format!("{baseurl}/")),
            language: conf(&config, "lang")
                .or(conf(&config, "locale"))
                .unwrap_or("ko")
                .to_string(),
            timezone: tz,
            timezone_known: conf(&config, "timezone").is_some(),
            feeds,
            static_dir: src.to_path_buf(),
            dialect: Dialect::Jekyll,
            posts,
            skipped,
        },
        permalink: posts_default_permalink(&config)
            .or(conf(&config, "permalink"))
            .unwrap_or("date")
            .to_string(),
    })
}

/// A `permalink` that `defaults:` gives every post (`scope: {type: posts}` with an empty or
/// `_posts` path), as themes such as Chirpy set it; it wins over the top-level one.
fn posts_default_permalink(config: &toml::Table) -> Option<&str> {
    let defaults = config.get("defaults")?.as_array()?;
    defaults.iter().rev().find_map(|d| {
        let scope = d.get("scope")?.as_table()?;
        let for_posts = scope.get("type").and_then(|t| t.as_str()) == Some("posts")
            || scope.get("path").and_then(|p| p.as_str()) == Some("_posts");
        let path_ok = matches!(
            scope.get("path").and_then(|p| p.as_str()),
            None | Some("" | "_posts")
        );
        if !(for_posts && path_ok) {
            return None;
        }
        d.get("values")?.get("permalink")?.as_str()
    })
}

impl Jekyll {
    /// The post's URL on the Jekyll site (under its base path); `None` for drafts and
    /// unpublished posts, which had none.
    pub fn old_url(
        &self,
        f: &SourceFile,
        m: &Mapped,
        published: bool,
    ) -> Result<Option<String>, String> {
        if f.draft_by_place || !published {
            return Ok(None);
        }
        let pattern = m
            .permalink
            .clone()
            .unwrap_or_else(|| urls::jekyll_style(&self.permalink).to_string());
        // The date in the site's timezone, as Jekyll computes `:year`/`:month`/`:day`.
        let date = m
            .post
            .date
            .at(self.site.timezone)
            .map(|d| d.with_timezone(&self.site.timezone).fixed_offset());
        let mut categories: Vec<String> = f
            .section
            .split('/')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        categories.extend(m.categories.iter().cloned());
        let slug = m.source_slug.clone().unwrap_or_else(|| f.file_slug.clone());
        let parts = UrlParts {
            date,
            slug: &slug,
            title: &slug,
            categories: &categories,
            section: &f.section,
            filename: &f.file_slug,
        };
        urls::fill(&pattern, &parts, ".html").map(Some)
    }
}
