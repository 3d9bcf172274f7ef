//! Finds the Markdown files under `content/` and decides what each one is from where it sits;
//! and the other files of bundles (a folder with an `index.md`: `posts/2025/deepseek/index.md`
//! and its `chart.png`), which are published with their page.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;
use crate::error::Result;

pub const CONTENT_DIR: &str = "content";

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Kind {
    /// Any `.md` under `content/posts/`, at any depth.
    Post,
    /// `content/shows/*.md`.
    Show,
    /// `content/guests/*.md`.
    Guest,
    /// Any other `.md`: a standalone page.
    Page,
    /// Any other file in the folder of a post's or page's `index.md` (its bundle), at any
    /// depth: published under that page's URL.
    Asset,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ContentFile {
    pub abs: PathBuf,
    /// Relative to the site root, `/`-separated: what diagnostics print.
    pub rel: String,
    /// Relative to the folder that gives the kind (`2025/deepseek.md` for a post).
    pub rel_in_kind: String,
    pub kind: Kind,
    /// For a bundle file: its bundle's `index.md`, relative to the site root.
    #[serde(default)]
    pub owner: Option<String>,
}

/// Classifies a path relative to `content/` (with `/` separators).
pub fn classify(rel: &str) -> Kind {
    let parts: Vec<&str> = rel.split('/').collect();
    match parts.as_slice() {
        ["posts", _, ..] => Kind::Post,
        ["shows", _] => Kind::Show,
        ["guests", _] => Kind::Guest,
        _ => Kind::Page,
    }
}

/// A folder the walk of `content/` went into, with its modification time when listed. A
/// folder's time changes whenever an entry in it is added, removed or renamed, so when none
/// changed the walk would find the same files (see [`rediscover`]).
pub type WalkedDir = (PathBuf, Option<std::time::SystemTime>);

/// Lists content files in a stable order. Problems with single entries (a name that is not
/// UTF-8, a symlink loop, an unreadable folder) are diagnostics; the walk goes on.
pub fn discover(root: &Path) -> Result<(Vec<ContentFile>, Vec<Diagnostic>)> {
    discover_with_dirs(root).map(|(files, errors, _)| (files, errors))
}

/// [`discover`], and every folder the walk went into.
pub fn discover_with_dirs(
    root: &Path,
) -> Result<(Vec<ContentFile>, Vec<Diagnostic>, Vec<WalkedDir>)> {
    let dir = root.join(CONTENT_DIR);
    if !dir.exists() {
        return Ok((Vec::new(), Vec::new(), Vec::new()));
    }
    if !dir.is_dir() {
        return Err(Diagnostic::file(
            CONTENT_DIR,
            "`content` is not a directory, expected a folder of Markdown files",
        )
        .into());
    }
    let mut found = Found::default();
    let mut dirs = Vec::new();
    let walker = WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                // Loops and unreadable entries are reported; dangling symlinks skipped.
                found.errors.extend(crate::fs::walk_problem(root, &e));
                continue;
            }
        };
        if entry.file_type().is_dir() {
            // Followed through a symlink: the time of the folder it points to.
            let modified = entry.metadata().ok().and_then(|m| m.modified().ok());
            dirs.push((entry.path().to_path_buf(), modified));
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let markdown = path.extension().is_some_and(|e| e == "md");
        if !markdown && crate::fs::is_editor_temp(&entry.file_name().to_string_lossy()) {
            continue;
        }
        found.add(root, &dir, path);
    }
    let (files, errors) = found.finish();
    Ok((files, errors, dirs))
}

/// The files [`discover`] would find, without walking, when every folder of the walk that
/// found `files` (in its order) has the time it had then, from before `trusted_before` (a
/// folder changed within the file system's timestamp granularity of the walk keeps its time).
/// `None` when one changed, or when that walk met a problem (`files` alone cannot repeat it).
pub fn rediscover<'a>(
    root: &Path,
    dirs: &[WalkedDir],
    files: impl IntoIterator<Item = &'a Path>,
    trusted_before: std::time::SystemTime,
) -> Option<Vec<ContentFile>> {
    if dirs.is_empty() {
        return None;
    }
    let same = dirs.iter().all(|(dir, was)| {
        was.is_some_and(|t| t < trusted_before)
            && std::fs::metadata(dir).ok().and_then(|m| m.modified().ok()) == *was
    });
    if !same {
        return None;
    }
    let dir = root.join(CONTENT_DIR);
    // Each path looked at on both threads (~17 ms on one at 10k posts, before anything else
    // of a build could start), then taken in the walk's order.
    use rayon::prelude::*;
    let files: Vec<&Path> = files.into_iter().collect();
    let entries: Vec<Entry> = files
        .par_iter()
        .map(|path| Entry::of(root, &dir, path))
        .collect();
    let mut found = Found::default();
    for e in entries {
        found.take(e);
    }
    let (files, errors) = found.finish();
    errors.is_empty().then_some(files)
}

/// What one path of a walk of `content/` is.
enum Entry {
    Markdown(ContentFile),
    /// Not Markdown: a bundle's file, or nothing, once the bundles are known.
    Other(PathBuf, String),
    Error(Diagnostic),
    /// Outside `content/`.
    None,
}

impl Entry {
    fn of(root: &Path, dir: &Path, path: &Path) -> Entry {
        let markdown = path.extension().is_some_and(|e| e == "md");
        let Ok(rel_content) = path.strip_prefix(dir) else {
            return Entry::None;
        };
        let Some(rel_content) = to_slash(rel_content) else {
            return Entry::Error(Diagnostic::file(
                rel_lossy(root, path),
                "file name is not valid UTF-8, expected a UTF-8 name (it becomes part of a URL)",
            ));
        };
        if !markdown {
            return Entry::Other(path.to_path_buf(), rel_content);
        }
        let kind = classify(&rel_content);
        let rel_in_kind = match kind {
            Kind::Page => rel_content.clone(),
            _ => rel_content.split_once('/').map_or("", |x| x.1).to_string(),
        };
        Entry::Markdown(ContentFile {
            abs: path.to_path_buf(),
            rel: format!("{CONTENT_DIR}/{rel_content}"),
            rel_in_kind,
            kind,
            owner: None,
        })
    }
}

/// The files of a walk of `content/` (`dir`), as they are met.
#[derive(Default)]
struct Found {
    files: Vec<ContentFile>,
    errors: Vec<Diagnostic>,
    /// Files that are not Markdown, with their path under `content/`: bundle files once the
    /// bundles (folders of an `index.md`) are known.
    others: Vec<(PathBuf, String)>,
}

impl Found {
    fn add(&mut self, root: &Path, dir: &Path, path: &Path) {
        self.take(Entry::of(root, dir, path));
    }

    fn take(&mut self, entry: Entry) {
        match entry {
            Entry::Markdown(f) => self.files.push(f),
            Entry::Other(abs, rel_content) => self.others.push((abs, rel_content)),
            Entry::Error(d) => self.errors.push(d),
            Entry::None => {}
        }
    }

    fn finish(self) -> (Vec<ContentFile>, Vec<Diagnostic>) {
        let Found {
            mut files,
            errors,
            others,
        } = self;
        let bundles: std::collections::HashSet<&str> = files
            .iter()
            .filter(|f| matches!(f.kind, Kind::Post | Kind::Page))
            .filter_map(|f| f.rel.strip_suffix("/index.md"))
            .collect();
        let mut assets = Vec::new();
        for (abs, rel_content) in others {
            let rel = format!("{CONTENT_DIR}/{rel_content}");
            // The nearest folder above the file that is a bundle.
            let bundle = rel
                .match_indices('/')
                .map(|(i, _)| &rel[..i])
                .rfind(|d| bundles.contains(d));
            // Files outside bundles are not published (as before bundles existed).
            if let Some(bundle) = bundle {
                assets.push(ContentFile {
                    abs,
                    rel_in_kind: rel[bundle.len() + 1..].to_string(),
                    owner: Some(format!("{bundle}/index.md")),
                    rel,
                    kind: Kind::Asset,
                });
            }
        }
        files.extend(assets);
        (files, errors)
    }
}

fn to_slash(p: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = p.components().map(|c| c.as_os_str().to_str()).collect();
    parts.map(|p| p.join("/"))
}

fn rel_lossy(root: &Path, p: &Path) -> String {
    let rel = p.strip_prefix(root).unwrap_or(p);
    rel.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_folders() {
        assert_eq!(classify("posts/2025/a.md"), Kind::Post);
        assert_eq!(classify("posts/a.md"), Kind::Post);
        assert_eq!(classify("shows/a.md"), Kind::Show);
        assert_eq!(classify("shows/x/a.md"), Kind::Page);
        assert_eq!(classify("guests/a.md"), Kind::Guest);
        assert_eq!(classify("about.md"), Kind::Page);
        assert_eq!(classify("posts.md"), Kind::Page);
    }
}
