//! `config.toml`: the raw serde mirror of the file, validated into [`Config`].

use std::path::Path;

use chrono_tz::Tz;
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};

pub const CONFIG_FILE: &str = "config.toml";

/// The schema.org types a post may be published as (`article_type`).
pub const ARTICLE_TYPES: [&str; 4] = [
    "NewsArticle",
    "OpinionNewsArticle",
    "AnalysisNewsArticle",
    "BlogPosting",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    #[serde(default)]
    description: String,
    base_url: Option<Spanned<String>>,
    language: Option<Spanned<String>>,
    timezone: Option<Spanned<String>>,
    #[serde(default)]
    author: String,
    paginate: Option<Spanned<i64>>,
    feed_limit: Option<Spanned<i64>>,
    #[serde(default)]
    feed_full_content: bool,
    #[serde(default)]
    news_sitemap: bool,
    article_type: Option<Spanned<String>>,
    image: Option<String>,
    twitter_site: Option<String>,
    #[serde(default)]
    markdown: MarkdownOptions,
    #[serde(default)]
    images: ImageOptions,
    #[serde(default)]
    cards: RawCards,
    #[serde(default)]
    search: SearchOptions,
    #[serde(default)]
    links: LinkOptions,
    #[serde(default)]
    feed_aliases: RawFeedAliases,
    #[serde(default)]
    extra: toml::Table,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFeedAliases {
    #[serde(default)]
    atom: Vec<Spanned<String>>,
    #[serde(default)]
    rss: Vec<Spanned<String>>,
}

/// Old addresses of the site's feeds (`[feed_aliases]` in config), as site paths: the feed is
/// written there too, whole, because feed readers do not follow a redirect page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedAliases {
    pub atom: Vec<String>,
    pub rss: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCards {
    #[serde(default = "yes")]
    enabled: bool,
    font: Option<Spanned<String>>,
}

impl Default for RawCards {
    fn default() -> Self {
        RawCards {
            enabled: true,
            font: None,
        }
    }
}

fn yes() -> bool {
    true
}

/// Site search (`[search]` in config): see [`crate::search`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchOptions {
    /// Publish `/search/`, its index and the search box in the header (`false`: none of them).
    #[serde(default = "yes")]
    pub enabled: bool,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions { enabled: true }
    }
}

/// Checking the links of rendered pages (`[links]` in config): see
/// [`crate::engine::links`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkOptions {
    /// What a link to a page or file the site does not have is.
    #[serde(default)]
    pub internal_level: LinkLevel,
    /// Paths under the site's host that something else serves (`"/shop/"`): not checked.
    #[serde(default)]
    pub skip_prefixes: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkLevel {
    /// The build fails, as it does for a broken `@/` link in Markdown.
    #[default]
    Error,
    /// Reported; `check --deny-warnings` fails on it.
    Warning,
}

/// Social cards (`[cards]` in config): see [`crate::cards`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardOptions {
    /// Draw cards at all (`enabled = false` turns them off without a warning).
    pub enabled: bool,
    /// `font = "path"`, relative to the site root, with the span of its value in config.toml
    /// (a font that cannot be used is reported there).
    pub font: Option<(String, std::ops::Range<usize>)>,
}

/// Options for the Markdown renderer (`[markdown]` in config).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownOptions {
    /// Curly quotes, en/em dashes and ellipses (pulldown-cmark's smart punctuation).
    pub smart_punctuation: bool,
    /// Deepest heading level listed in a page's table of contents.
    pub toc_depth: u8,
}

impl Default for MarkdownOptions {
    fn default() -> Self {
        MarkdownOptions {
            smart_punctuation: false,
            toc_depth: 3,
        }
    }
}

/// How images in posts are published (`[images]` in config).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields, default)]
pub struct ImageOptions {
    /// Widths in pixels of the variants of every raster image (never wider than the original).
    pub widths: Vec<u32>,
    /// JPEG and WebP quality, 1–100.
    pub quality: u8,
    /// Also publish every variant as WebP, offered first through `<picture>`.
    pub webp: bool,
    /// The `sizes` attribute: how wide the image is shown, for the browser to pick a width.
    pub sizes: String,
    /// The width of the `src` given to browsers that do not read `srcset`.
    pub default_width: u32,
}

impl Default for ImageOptions {
    fn default() -> Self {
        ImageOptions {
            widths: vec![480, 960, 1440],
            quality: 80,
            webp: true,
            // The built-in theme's text column is 42rem wide.
            sizes: "(max-width: 42rem) 100vw, 42rem".to_string(),
            default_width: 960,
        }
    }
}

/// The validated site configuration the rest of the program sees.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Always ends with `/`.
    pub base_url: String,
    pub language: String,
    pub timezone: Tz,
    pub author: String,
    pub paginate: usize,
    /// Posts in each feed.
    pub feed_limit: usize,
    /// Feeds carry each post's whole body, not only its summary.
    pub feed_full_content: bool,
    /// Write `/news-sitemap.xml` (Google News) with the posts of the last two days.
    pub news_sitemap: bool,
    /// schema.org type of posts in JSON-LD.
    pub article_type: String,
    /// Default `og:image` (absolute URL or a path under the site).
    pub image: Option<String>,
    /// `twitter:site` handle, such as `@showpress`.
    pub twitter_site: Option<String>,
    pub markdown: MarkdownOptions,
    pub images: ImageOptions,
    pub cards: CardOptions,
    pub search: SearchOptions,
    pub links: LinkOptions,
    pub feed_aliases: FeedAliases,
    pub extra: serde_json::Value,
}

impl Config {
    /// Reads and validates `config.toml` in `root`.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        if path.exists() && !path.is_file() {
            return Err(Diagnostic::file(
                CONFIG_FILE,
                "`config.toml` is a folder, expected a TOML file with the site's settings",
            )
            .into());
        }
        if !path.is_file() {
            return Err(Error::Message(format!(
                "no `{CONFIG_FILE}` in `{}`: is this a showpress site? (use --root DIR to point at one)",
                root.display()
            )));
        }
        let bytes = crate::fs::read(&path)?;
        let text = crate::text::decode_utf8(CONFIG_FILE, bytes)?;
        Config::parse(&text).map_err(Error::Diagnostics)
    }

    /// Parses config text; every problem found is returned, not just the first.
    pub fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        let raw: RawConfig = toml::from_str(text)
            .map_err(|e| vec![crate::diagnostic::from_toml(CONFIG_FILE, text, 0, &e)])?;
        let mut errors = Vec::new();
        let at = |s: &std::ops::Range<usize>, msg: String| {
            Diagnostic::at(CONFIG_FILE, text, s.clone(), msg)
        };

        let missing = |key: &str, example: &str| {
            Diagnostic::at(
                CONFIG_FILE,
                text,
                0..text.find('\n').unwrap_or(text.len()).max(1),
                format!("missing `{key}` in config.toml, expected a line such as `{example}`"),
            )
        };
        let title = match raw.title {
            Some(t) => t,
            None => {
                errors.push(missing("title", "title = \"방송 읽기\""));
                String::new()
            }
        };
        let base_url = match &raw.base_url {
            None => {
                errors.push(missing("base_url", "base_url = \"https://example.com/\""));
                String::new()
            }
            Some(b) => match validate_base_url(b.get_ref()) {
                Ok(u) => u,
                Err(msg) => {
                    errors.push(at(&b.span(), msg));
                    String::new()
                }
            },
        };
        let language = match raw.language {
            None => "ko".to_string(),
            Some(l) if is_language_tag(l.get_ref()) => l.into_inner(),
            Some(l) => {
                errors.push(at(
                    &l.span(),
                    format!(
                        "invalid language `{}`, expected a language tag such as `ko` or `en-US`",
                        l.get_ref()
                    ),
                ));
                String::new()
            }
        };
        let timezone = match raw.timezone {
            None => chrono_tz::Asia::Seoul,
            Some(t) => match t.get_ref().parse::<Tz>() {
                Ok(tz) => tz,
                Err(_) => {
                    errors.push(at(
                        &t.span(),
                        format!(
                            "unknown time zone `{}`, expected an IANA name such as `Asia/Seoul`",
                            t.get_ref()
                        ),
                    ));
                    chrono_tz::UTC
                }
            },
        };
        let paginate = match raw.paginate {
            None => 10,
            Some(p) if *p.get_ref() >= 1 => *p.get_ref() as usize,
            Some(p) => {
                errors.push(at(
                    &p.span(),
                    format!(
                        "invalid paginate {}, expected a positive number of posts per page",
                        p.get_ref()
                    ),
                ));
                1
            }
        };
        let feed_limit = match raw.feed_limit {
            None => 20,
            Some(p) if *p.get_ref() >= 1 => *p.get_ref() as usize,
            Some(p) => {
                errors.push(at(
                    &p.span(),
                    format!(
                        "invalid feed_limit {}, expected a positive number of posts per feed",
                        p.get_ref()
                    ),
                ));
                1
            }
        };
        let article_type = match raw.article_type {
            None => "NewsArticle".to_string(),
            Some(t) if ARTICLE_TYPES.contains(&t.get_ref().as_str()) => t.into_inner(),
            Some(t) => {
                errors.push(at(
                    &t.span(),
                    format!(
                        "unknown article_type `{}`, expected one of {}",
                        t.get_ref(),
                        ARTICLE_TYPES.map(|a| format!("`{a}`")).join(", ")
                    ),
                ));
                String::new()
            }
        };
        let images = raw.images;
        let images_problem = if images.widths.is_empty()
            || images.widths.iter().any(|w| !(16..=8192).contains(w))
        {
            Some(format!(
                "invalid [images] widths {:?}, expected a list of widths in pixels from 16 to 8192 such as `widths = [480, 960, 1440]`",
                images.widths
            ))
        } else if !(1..=100).contains(&images.quality) {
            Some(format!(
                "invalid [images] quality {}, expected a number from 1 to 100 such as `quality = 80`",
                images.quality
            ))
        } else {
            None
        };
        if let Some(msg) = images_problem {
            // The table's header: the values inside it carry no spans once deserialized.
            let header = text
                .find("[images]")
                .map_or(0..1, |i| i..i + "[images]".len());
            errors.push(at(&header, msg));
        }
        let mut feed_alias = |list: Vec<Spanned<String>>| -> Vec<String> {
            list.into_iter()
                .filter_map(|a| match crate::urls::alias_path(a.get_ref()) {
                    Ok(path) => Some(path),
                    Err(why) => {
                        errors.push(at(&a.span(), why));
                        None
                    }
                })
                .collect()
        };
        let feed_aliases = FeedAliases {
            atom: feed_alias(raw.feed_aliases.atom),
            rss: feed_alias(raw.feed_aliases.rss),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Config {
            title,
            feed_limit,
            feed_full_content: raw.feed_full_content,
            news_sitemap: raw.news_sitemap,
            article_type,
            image: raw.image.filter(|s| !s.trim().is_empty()),
            twitter_site: raw.twitter_site.filter(|s| !s.trim().is_empty()),
            description: raw.description,
            base_url,
            language,
            timezone,
            author: raw.author,
            paginate,
            markdown: raw.markdown,
            images,
            cards: CardOptions {
                enabled: raw.cards.enabled,
                font: raw
                    .cards
                    .font
                    .filter(|f| !f.get_ref().trim().is_empty())
                    .map(|f| {
                        let span = f.span();
                        (f.into_inner(), span)
                    }),
            },
            search: raw.search,
            links: raw.links,
            feed_aliases,
            extra: crate::text::toml_to_json(toml::Value::Table(raw.extra)),
        })
    }

    /// Replaces `base_url` (the `--base-url` option), with the same validation as the file.
    pub fn set_base_url(&mut self, url: &str) -> Result<()> {
        self.base_url =
            validate_base_url(url).map_err(|m| Error::Message(format!("--base-url: {m}")))?;
        Ok(())
    }

    /// The path part of `base_url`, so links work when a site lives under a sub-path.
    pub fn base_path(&self) -> &str {
        let after_scheme = self.base_url.find("://").map_or(0, |i| i + 3);
        self.base_url[after_scheme..]
            .find('/')
            .map_or("/", |i| &self.base_url[after_scheme + i..])
    }
}

fn validate_base_url(raw: &str) -> Result<String, String> {
    let parsed = url::Url::parse(raw).map_err(|e| {
        format!("invalid base_url `{raw}` ({e}), expected an absolute URL such as `https://example.com/`")
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "invalid base_url `{raw}`, expected an http or https URL"
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(format!(
            "invalid base_url `{raw}`: it has a query or fragment, expected the site's address only, such as `https://example.com/blog/`"
        ));
    }
    let mut s = parsed.to_string();
    if !s.ends_with('/') {
        s.push('/');
    }
    Ok(s)
}

fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_korean_and_seoul() {
        let c = Config::parse("title = \"t\"\nbase_url = \"https://ex.com\"").unwrap();
        assert_eq!(c.language, "ko");
        assert_eq!(c.timezone, chrono_tz::Asia::Seoul);
        assert_eq!(c.paginate, 10);
        assert_eq!(c.base_url, "https://ex.com/");
        assert_eq!(c.base_path(), "/");
    }

    #[test]
    fn base_path_of_a_sub_path_site() {
        let c = Config::parse("title = \"t\"\nbase_url = \"https://ex.com/blog\"").unwrap();
        assert_eq!(c.base_path(), "/blog/");
    }

    #[test]
    fn reports_every_bad_value() {
        let errs = Config::parse(
            "title = \"t\"\nbase_url = \"ftp://x\"\ntimezone = \"Asia/Seol\"\npaginate = 0\n",
        )
        .unwrap_err();
        assert_eq!(errs.len(), 3);
        assert_eq!(
            errs[1].message,
            "unknown time zone `Asia/Seol`, expected an IANA name such as `Asia/Seoul`"
        );
    }
}
