//! The target site: the posts and pages it already has (their slugs), the page URLs showpress
//! keeps for itself, where it is on disk (so a target inside the source is refused), and
//! whether a post's `image` can be used there.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::{Prepared, source, urls};

/// The slugs of the posts already in the target site (`content/posts/`), by slug, with their
/// paths: the front matter's `slug`, else the file name as showpress reads it. A file that
/// cannot be read is left to `check`.
pub(crate) fn existing_slugs(into: &Path) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let posts = into.join("content/posts");
    for abs in source::markdown_files(&posts) {
        let Ok(text) = std::fs::read_to_string(&abs) else {
            continue;
        };
        let from_front_matter = front_matter_slug(&text);
        let stem = if abs.file_name().is_some_and(|n| n == "index.md") {
            abs.parent().and_then(Path::file_name)
        } else {
            abs.file_stem()
        };
        let stem = stem
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = from_front_matter.unwrap_or_else(|| source::dated(&stem).1.to_string());
        out.insert(crate::slug::slugify(&name), source::rel(into, &abs));
    }
    out
}

/// The slug in a file's front matter, if it has one that parses.
fn front_matter_slug(text: &str) -> Option<String> {
    let split = crate::content::frontmatter::split(text).ok()?;
    let table = split.front_matter.parse::<toml::Table>().ok()?;
    table.get("slug")?.as_str().map(String::from)
}

/// The standalone pages of the target site at `/<slug>/` (`content/<name>.md`,
/// `content/<name>/index.md`, a front matter `slug` replacing the name), by slug, with their
/// paths: an imported page there would be a second page at one URL. A file that cannot be
/// read is left to `check`.
pub(crate) fn existing_pages(into: &Path) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let content = into.join("content");
    let Ok(entries) = std::fs::read_dir(&content) else {
        return out;
    };
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for e in entries.filter_map(std::result::Result::ok) {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            if !matches!(name.as_str(), "posts" | "shows" | "guests") {
                files.push((path.join("index.md"), name));
            }
        } else if let Some(stem) = name.strip_suffix(".md") {
            files.push((path.clone(), stem.to_string()));
        }
    }
    for (abs, name) in files {
        let Ok(text) = std::fs::read_to_string(&abs) else {
            continue;
        };
        let name = front_matter_slug(&text).unwrap_or(name);
        out.insert(crate::slug::slugify(&name), source::rel(into, &abs));
    }
    out
}

/// What showpress itself writes at `/<slug>/`, for a page slug that would clash with it.
pub(crate) fn reserved(slug: &str) -> Option<&'static str> {
    Some(match slug {
        "posts" => "the posts",
        "shows" => "the list of shows",
        "guests" => "the list of guests",
        "tags" => "the list of tags",
        "archive" => "the archive",
        "search" => "search",
        "page" => "the home page's later pages",
        _ => return None,
    })
}

/// `path` made absolute through its nearest existing ancestor (the target may not exist yet).
pub(crate) fn nearest_existing(path: &Path) -> PathBuf {
    let mut missing = Vec::new();
    let mut p = path.to_path_buf();
    loop {
        if let Ok(abs) = std::fs::canonicalize(&p) {
            return missing
                .iter()
                .rev()
                .fold(abs, |acc: PathBuf, m| acc.join(m));
        }
        match (p.file_name().map(|n| n.to_os_string()), p.parent()) {
            (Some(name), Some(parent)) => {
                missing.push(name);
                p = if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                };
            }
            _ => return path.to_path_buf(),
        }
    }
}

/// Keeps a post's `image` when showpress can use it (a URL, a file of the old site's static
/// folder, which is copied, or a file of the post's bundle); otherwise it goes back to
/// `[extra]`, and the report's line for `image` says where it went.
pub(crate) fn check_image(
    p: &mut Prepared,
    f: &source::SourceFile,
    site: &source::Site,
    copies: &mut BTreeMap<PathBuf, PathBuf>,
) {
    let Some(image) = p.mapped.post.image.clone() else {
        return;
    };
    let usable = if image.starts_with("http://") || image.starts_with("https://") {
        true
    } else if image.starts_with('/') {
        let under_base = urls::site_path(&image, &site.base_path);
        let file = site.static_dir.join(under_base.trim_start_matches('/'));
        let found = file.is_file();
        if found {
            copies.insert(
                PathBuf::from("static").join(under_base.trim_start_matches('/')),
                file,
            );
            p.mapped.post.image = Some(under_base);
        }
        found
    } else {
        f.bundle
            .as_ref()
            .is_some_and(|dir| dir.join(&image).is_file())
    };
    if usable {
        p.mapped.notes.push("`image` → `image`".into());
    } else {
        p.mapped.post.image = None;
        p.mapped
            .post
            .extra
            .insert("image".into(), toml::Value::String(image));
        p.mapped
            .notes
            .push("`image` → `[extra]` (no such file in the source)".into());
    }
}
