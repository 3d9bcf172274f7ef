//! Jekyll sources: `_config.yml`, posts in `_posts/` (and `<category>/_posts/`), drafts in
//! `_drafts/`, files at the site root; pages: Markdown files with front matter outside the
//! `_` folders (`about.md`), but not the home page or `404.md`. URLs from `permalink` (a
//! post's, or the config's pattern or named style; a page's, or its path with `.html` or `/`
//! as the config's style says) with the site's `baseurl`.

use std::path::Path;

use super::frontmatter;
use super::post::Mapped;
use super::source::{self, Site, SourceFile, conf};
use super::urls::{self, UrlParts};
use super::{ConfigError, body::Dialect};

pub struct Jekyll {
    pub site: Site,
    /// The posts' permalink style or pattern.
    permalink: String,
    /// The config's own `permalink` (not a `defaults:` one): whether pages end in `.html`.
    page_style: String,
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
    let exclude = config
        .get("exclude")
        .map(super::mapping::strings)
        .unwrap_or_default();
    let mut posts = Vec::new();
    let mut pages = Vec::new();
    let mut skipped = Vec::new();
    for abs in source::markdown_files(src) {
        let rel = source::rel(src, &abs);
        let parts: Vec<&str> = rel.split('/').collect();
        let Some(at) = parts.iter().position(|p| *p == "_posts" || *p == "_drafts") else {
            match page(&abs, &rel, &exclude) {
                Some(Ok(f)) => pages.push(f),
                Some(Err(why)) => skipped.push((rel, why.to_string())),
                None => {}
            }
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
    // Jekyll also takes HTML posts and pages; they have no Markdown to convert, so the report
    // names them instead of leaving them out unsaid.
    for abs in source::files(src, &["html"]) {
        let rel = source::rel(src, &abs);
        if rel.split('/').any(|p| p == "_posts" || p == "_drafts") {
            let why = "an HTML post: only Markdown posts are imported";
            skipped.push((rel, why.to_string()));
        } else if let Some(why) = page(&abs, &rel, &exclude) {
            let why = why
                .err()
                .unwrap_or("an HTML page: only Markdown pages are imported");
            skipped.push((rel, why.to_string()));
        }
    }
    skipped.sort();
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
            pages,
            skipped,
        },
        permalink: posts_default_permalink(&config)
            .or(conf(&config, "permalink"))
            .unwrap_or("date")
            .to_string(),
        page_style: conf(&config, "permalink").unwrap_or("date").to_string(),
    })
}

/// A Jekyll page at `rel`: `None` when Jekyll would not render it (a `_`, `#` or `~` name on
/// the way, a path the config's `exclude` names, or no front matter: Jekyll copies such a file
/// as it is), `Err` with why for one it renders that is not imported.
fn page(abs: &Path, rel: &str, exclude: &[String]) -> Option<Result<SourceFile, &'static str>> {
    let parts: Vec<&str> = rel.split('/').collect();
    if parts.iter().any(|p| p.starts_with(['_', '.', '#', '~'])) {
        return None;
    }
    let excluded = exclude.iter().any(|e| {
        let e = e.trim_matches('/');
        !e.is_empty() && (rel == e || rel.starts_with(&format!("{e}/")))
    });
    if excluded {
        return None;
    }
    // Jekyll renders a file only when its first line opens YAML front matter; one it cannot
    // read is kept, so the import names the error.
    let has_front_matter = std::fs::read(abs).map_or(true, |b| {
        let b = b.strip_prefix(b"\xef\xbb\xbf".as_slice()).unwrap_or(&b);
        b.starts_with(b"---\n") || b.starts_with(b"---\r\n")
    });
    if !has_front_matter {
        return None;
    }
    let stem = abs
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = &parts[..parts.len() - 1];
    if stem == "index" && dir.is_empty() {
        return Some(Err("the home page: showpress makes its own"));
    }
    if stem == "404" {
        return Some(Err(
            "the not-found page: showpress makes its own (template 404.html)",
        ));
    }
    if stem.eq_ignore_ascii_case("readme") {
        return Some(Err("a README, not a page of the site"));
    }
    // `docs/index.md` is the page `/docs/`: named after its folder.
    let name = match dir.last() {
        Some(d) if stem == "index" => (*d).to_string(),
        _ => stem.clone(),
    };
    Some(Ok(SourceFile {
        abs: abs.to_path_buf(),
        rel: rel.to_string(),
        file_date: None,
        file_slug: name,
        stem,
        draft_by_place: false,
        bundle: None,
        section: dir.join("/"),
    }))
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
    /// A page's URL on the Jekyll site: its `permalink`, else its folder and name with `.html`
    /// (or `/`, as the config's permalink style says; an `index.md` is its folder's URL);
    /// `None` when unpublished.
    pub fn page_url(&self, f: &SourceFile, m: &Mapped) -> Result<Option<String>, String> {
        if m.post.draft {
            return Ok(None);
        }
        let pattern = match &m.permalink {
            Some(p) => p.clone(),
            None if f.stem == "index" => "/:path/".to_string(),
            None => format!("/:path/:basename{}", page_suffix(&self.page_style)),
        };
        fill_page(&pattern, &f.section, &f.stem).map(Some)
    }

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
            .and_then(|d| d.at(self.site.timezone))
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

/// Jekyll's `Utils.add_permalink_suffix`: what a page's path gets after it under the site's
/// permalink style.
fn page_suffix(style: &str) -> &'static str {
    match style {
        "pretty" => "/",
        "date" | "ordinal" | "none" => ":output_ext",
        s if s.ends_with('/') => "/",
        s if s.ends_with(":output_ext") => ":output_ext",
        _ => "",
    }
}

/// Fills a page's permalink: a page knows only `:path`, `:basename` and `:output_ext`.
fn fill_page(pattern: &str, path: &str, basename: &str) -> Result<String, String> {
    urls::substitute(pattern, |name| match name {
        "path" => Ok(path.to_string()),
        "basename" => Ok(basename.to_string()),
        "output_ext" => Ok(".html".to_string()),
        name => Err(format!(
            "unknown placeholder `:{name}` in a page's permalink"
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page without `permalink` keeps its path, with `.html` unless the site's permalink
    /// style ends in `/`, as Jekyll's `Page#template` does.
    #[test]
    fn page_urls_follow_the_permalink_style() {
        let default = |style: &str| format!("/:path/:basename{}", page_suffix(style));
        let url = |pattern: &str, dir: &str| fill_page(pattern, dir, "about").unwrap();
        assert_eq!(url(&default("date"), ""), "/about.html");
        assert_eq!(url(&default("pretty"), ""), "/about/");
        assert_eq!(url(&default("/:year/:title/"), "docs"), "/docs/about/");
        assert_eq!(url(&default("/:year/:title:output_ext"), ""), "/about.html");
        assert_eq!(url("/about-me/", ""), "/about-me/");
        assert!(fill_page("/:title/", "", "about").is_err());
    }
}
