//! What every source generator gives the importer: the old site's settings and its post and
//! page files, found on disk; and the walk that finds them.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::body::Dialect;

/// The old site, as its config describes it.
pub struct Site {
    pub title: String,
    pub description: String,
    /// Absolute, ending in `/`; empty when the config has none.
    pub base_url: String,
    /// The path the old site lived under (`/blog/`), taken off old URLs.
    pub base_path: String,
    pub language: String,
    pub timezone: Tz,
    /// Whether the config named the timezone (else `timezone` is UTC, a guess).
    pub timezone_known: bool,
    /// Feeds the old site published: (`atom` or `rss`, path), e.g. `("rss", "/index.xml")`.
    pub feeds: Vec<(&'static str, String)>,
    /// Where root-relative paths (`/assets/x.png`) are found.
    pub static_dir: PathBuf,
    pub dialect: Dialect,
    pub posts: Vec<SourceFile>,
    /// Standalone pages (`about.md`), imported as showpress pages at the top of `content/`.
    pub pages: Vec<SourceFile>,
    /// Files found but not imported, with why, for the report.
    pub skipped: Vec<(String, String)>,
}

/// What a source file becomes: a post under `content/posts/`, or a standalone page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Post,
    Page,
}

/// One post or page file of the old site.
pub struct SourceFile {
    pub abs: PathBuf,
    /// Relative to the source folder, `/`-separated: what reports print.
    pub rel: String,
    /// The date of a `YYYY-MM-DD-name.md` file name.
    pub file_date: Option<NaiveDate>,
    /// The name without extension and date (a bundle's folder name).
    pub file_slug: String,
    /// The file name without extension, date included (Jekyll's `post_url` name).
    pub stem: String,
    /// Jekyll's `_drafts/`: a draft, and never published, so it had no URL.
    pub draft_by_place: bool,
    /// A folder whose other files go with the post (Hugo page bundles, Zola colocated
    /// assets).
    pub bundle: Option<PathBuf>,
    /// Hugo's and Zola's section path (`posts`, `blog/2024`; empty for a page); Jekyll's
    /// categories from the folders above `_posts`, or a page's folder (`:path`).
    pub section: String,
}

/// Splits a `YYYY-MM-DD-` (or `_`) prefix off a file stem.
pub fn dated(stem: &str) -> (Option<NaiveDate>, &str) {
    if stem.len() > 11 && stem.is_char_boundary(10) && stem.is_char_boundary(11) {
        let (d, rest) = stem.split_at(10);
        if let Ok(date) = NaiveDate::parse_from_str(d, "%Y-%m-%d")
            && rest.starts_with(['-', '_'])
        {
            return (Some(date), &rest[1..]);
        }
    }
    (None, stem)
}

/// Markdown files under `dir`, sorted, skipping hidden folders and Jekyll's output.
pub fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    files(dir, &["md", "markdown"])
}

/// Files under `dir` with one of `extensions`, sorted, skipping hidden folders and Jekyll's
/// output.
pub fn files(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0
                || !(name.starts_with('.')
                    || matches!(
                        name.as_ref(),
                        "_site" | "node_modules" | "vendor" | "public"
                    ))
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| extensions.contains(&e))
        })
        .collect();
    out.sort();
    out
}

/// `path` relative to `root`, `/`-separated.
pub fn rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The path part of a base URL: `https://a.example/blog` → `/blog/`.
pub fn path_of(base_url: &str) -> String {
    super::urls::site_path(base_url, "/")
}

/// A timezone by name; UTC when there is none or it is unknown (reported by the caller).
pub fn timezone(name: Option<&str>) -> Result<Tz, String> {
    match name {
        None => Ok(Tz::UTC),
        Some(n) => n.parse::<Tz>().map_err(|_| {
            format!("unknown timezone `{n}`, expected an IANA name such as `Asia/Seoul`")
        }),
    }
}

/// A base URL that ends in `/`.
pub fn with_slash(u: &str) -> String {
    if u.is_empty() || u.ends_with('/') {
        u.to_string()
    } else {
        format!("{u}/")
    }
}

/// A string value of a config table, by a dotted path.
pub fn conf<'a>(t: &'a toml::Table, path: &str) -> Option<&'a str> {
    let mut parts = path.split('.');
    let mut v = t.get(parts.next()?)?;
    for p in parts {
        v = v.as_table()?.get(p)?;
    }
    v.as_str()
}
