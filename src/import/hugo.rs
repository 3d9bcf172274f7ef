//! Hugo sources: `hugo.toml` / `hugo.yaml` / `config.toml` (and the `.yaml`/`.json` forms),
//! posts under `content/<section>/` as files or page bundles (`index.md` with its files), and
//! standalone pages at the top of `content/` (`about.md`, `about/index.md`); URLs from a
//! file's `url`, the config's `[permalinks]` per section, or Hugo's default
//! `/<section>/<slug or file name>/` (`/<slug or file name>/` for a page), lowercased, with
//! `uglyURLs`.

use std::path::Path;

use super::frontmatter;
use super::post::Mapped;
use super::source::{self, Site, SourceFile, conf};
use super::urls::{self, UrlParts};
use super::{ConfigError, body::Dialect};

pub struct Hugo {
    pub site: Site,
    permalinks: toml::Table,
    ugly: bool,
}

const CONFIGS: [&str; 6] = [
    "hugo.toml",
    "hugo.yaml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "config.json",
];

fn read_config(src: &Path) -> Result<toml::Table, ConfigError> {
    for name in CONFIGS {
        let text = match std::fs::read_to_string(src.join(name)) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(ConfigError::Io(name.into(), e)),
        };
        let parsed = if name.ends_with(".toml") {
            text.parse::<toml::Table>().map_err(|e| {
                let at = e.span().map_or(0, |s| s.start);
                let line = text[..at.min(text.len())].matches('\n').count() + 1;
                frontmatter::FmError {
                    line,
                    col: 0,
                    message: e.message().trim_end().to_string(),
                }
            })
        } else if name.ends_with(".yaml") {
            frontmatter::yaml_config(&text)
        } else {
            frontmatter::parse(&format!("{text}\n")).map(|p| p.fields)
        };
        return parsed.map_err(|error| ConfigError::At {
            rel: name.into(),
            text,
            error,
        });
    }
    Ok(toml::Table::new())
}

pub fn read(src: &Path) -> Result<Hugo, ConfigError> {
    let config = read_config(src)?;
    let tz = source::timezone(conf(&config, "timeZone").or(conf(&config, "timezone")))
        .map_err(ConfigError::Message)?;
    let base_url = source::with_slash(
        conf(&config, "baseURL")
            .or(conf(&config, "baseurl"))
            .unwrap_or(""),
    );
    let content = src.join("content");
    let mut posts = Vec::new();
    let mut pages = Vec::new();
    let mut skipped = Vec::new();
    let mut sections = std::collections::BTreeSet::new();
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
        let is_bundle = name.starts_with("index.");
        // A bundle needs a folder: `content/index.md` would be the home page, which showpress
        // makes itself.
        if is_bundle && parts.len() < 2 {
            skipped.push((rel, "the home page: showpress makes its own".to_string()));
            continue;
        }
        let dir_parts = &parts[..parts.len() - 1];
        let (section_parts, stem) = if is_bundle {
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
        // A file at the top of `content/`, or a bundle there: a standalone page.
        let list = if section_parts.is_empty() {
            &mut pages
        } else {
            sections.insert(section_parts[0].to_string());
            &mut posts
        };
        list.push(SourceFile {
            rel,
            file_date: None,
            file_slug: stem.clone(),
            stem,
            draft_by_place: false,
            bundle: is_bundle
                .then(|| abs.parent().map(Path::to_path_buf))
                .flatten(),
            section: section_parts.join("/"),
            abs,
        });
    }
    // Hugo's feeds are RSS: the home page's and each section's.
    let mut feeds = vec![("rss", "/index.xml".to_string())];
    feeds.extend(sections.iter().map(|s| ("rss", format!("/{s}/index.xml"))));
    let permalinks = config
        .get("permalinks")
        .and_then(|v| v.as_table())
        .cloned()
        .unwrap_or_default();
    Ok(Hugo {
        site: Site {
            title: conf(&config, "title").unwrap_or("").to_string(),
            description: conf(&config, "params.description")
                .unwrap_or("")
                .to_string(),
            base_path: source::path_of(&base_url),
            base_url,
            language: conf(&config, "languageCode")
                .or(conf(&config, "defaultContentLanguage"))
                .unwrap_or("ko")
                .to_string(),
            timezone: tz,
            timezone_known: conf(&config, "timeZone")
                .or(conf(&config, "timezone"))
                .is_some(),
            feeds,
            static_dir: src.join("static"),
            dialect: Dialect::Hugo,
            posts,
            pages,
            skipped,
        },
        permalinks,
        ugly: config
            .get("uglyURLs")
            .and_then(toml::Value::as_bool)
            .unwrap_or(false),
    })
}

impl Hugo {
    /// The post's or page's URL on the Hugo site; drafts had none.
    pub fn old_url(&self, f: &SourceFile, m: &Mapped) -> Result<Option<String>, String> {
        if m.post.draft {
            return Ok(None);
        }
        if let Some(u) = &m.permalink {
            return Ok(Some(urls::clean(u)));
        }
        let top = f.section.split('/').next().unwrap_or("");
        // `[permalinks] posts = "…"`, or Hugo ≥ 0.112's `[permalinks.page] posts = "…"`.
        let pattern = self
            .permalinks
            .get(top)
            .and_then(|v| v.as_str())
            .or_else(|| source::conf(&self.permalinks, &format!("page.{top}")));
        let title = urls::urlize(&m.post.title);
        let slug = m.source_slug.clone().unwrap_or_else(|| title.clone());
        let date = m.post.date.and_then(|d| d.at(self.site.timezone));
        let url = match pattern {
            Some(p) => {
                let parts = UrlParts {
                    date,
                    slug: &slug,
                    title: &title,
                    categories: &m.categories,
                    section: top,
                    filename: &f.file_slug,
                };
                urls::fill(p, &parts, "")?
            }
            None => {
                let last = m.source_slug.clone().unwrap_or_else(|| f.file_slug.clone());
                format!("/{}/{}/", f.section, last)
            }
        };
        // Hugo lowercases paths it makes (not a `url` written by hand).
        let url = url.to_lowercase();
        Ok(Some(if self.ugly && url.ends_with('/') && url != "/" {
            format!("{}.html", url.trim_end_matches('/'))
        } else {
            urls::clean(&url)
        }))
    }
}
