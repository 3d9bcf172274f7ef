//! Parsed content files kept between rebuilds (for `serve`): a file is read and parsed again
//! only when the watcher named it or its size or modification time changed, so one saved post
//! costs one parse, not ten thousand.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rayon::prelude::*;

use super::discover::{WalkedDir, discover_with_dirs};
use super::{Content, ContentFile, Parsed, assemble, load_file};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::error::Result;
use crate::fingerprint::FastMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Stamp {
    pub len: u64,
    pub modified: Option<SystemTime>,
}

/// The stamps of `files` (in order), stat-ed relative to the site folder `root`.
pub fn stamps(root: &Path, files: &[ContentFile]) -> Vec<Option<Stamp>> {
    let dir = crate::fs::Dir::open(root);
    files
        .par_iter()
        .map(|f| dir.stat(&f.rel, true).map(Stamp::from))
        .collect()
}

pub fn stamp(path: &Path) -> Option<Stamp> {
    Some(crate::fs::Stat::of(&std::fs::metadata(path).ok()?).into())
}

impl From<crate::fs::Stat> for Stamp {
    fn from(s: crate::fs::Stat) -> Stamp {
        Stamp {
            len: s.len,
            modified: s.modified,
        }
    }
}

/// A file parsed, or the diagnostics it gave (kept too: an unchanged broken file stays broken).
pub type Outcome = Result<Parsed, Vec<Diagnostic>>;

#[derive(Default)]
pub struct ContentCache {
    entries: FastMap<PathBuf, (Option<Stamp>, Outcome)>,
    /// The files found by the last full scan, and the problems that scan met.
    scanned: Option<(Vec<ContentFile>, Vec<Diagnostic>)>,
    /// A scan made just before the next load by someone else (`build`'s check that nothing
    /// changed), used by that load instead of walking `content/` (and stat-ing its files)
    /// again.
    discovered: Option<Scan>,
    /// The folders of the last full scan, with their times (see [`super::discover::rediscover`]).
    dirs: Vec<WalkedDir>,
}

/// A walk of `content/`: the files found, the problems met, each file's stamp when the
/// walker took them (before any file was read, so a file changed since is read again next
/// time), and the folders it went into with their times.
pub type Scan = (
    Vec<ContentFile>,
    Vec<Diagnostic>,
    Option<Vec<Option<Stamp>>>,
    Vec<WalkedDir>,
);

/// One content file as the build cache stores it: its place in the scan order, the file, its
/// stamp and what it parsed to.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct SavedFile {
    pub order: usize,
    pub file: ContentFile,
    stamp: Option<Stamp>,
    pub parsed: Parsed,
}

/// A [`SavedFile`] borrowed from the cache, to save it without copying every parsed file
/// (at 10k posts the copies took ~12 ms of a one-post rebuild, and dropping them more).
/// Written exactly as a `SavedFile` is: postcard writes a reference as what it refers to.
#[derive(Clone, Copy, serde::Serialize)]
pub struct SavedRef<'a> {
    order: usize,
    pub file: &'a ContentFile,
    stamp: Option<Stamp>,
    parsed: &'a Parsed,
}

impl SavedRef<'_> {
    /// What decides whether the cache must store this file again: its path, stamp and text.
    pub fn fingerprint(&self) -> u64 {
        let text = match &self.parsed {
            Parsed::Post(p) => p.hash,
            Parsed::Show(p) => p.hash,
            Parsed::Guest(p) => p.hash,
            Parsed::Page(p) => p.hash,
            Parsed::Asset(a) => a.hash,
        };
        crate::fingerprint::of(&(self.order, &self.file.rel, self.stamp, text))
    }
}

impl ContentCache {
    /// What to save, in scan order, or `None` when a file is broken or nothing was scanned.
    pub fn export(&self) -> Option<Vec<SavedRef<'_>>> {
        let (files, errors) = self.scanned.as_ref()?;
        if !errors.is_empty() {
            return None;
        }
        files
            .iter()
            .enumerate()
            .map(|(order, f)| match self.entries.get(&f.abs) {
                Some((stamp, Ok(p))) => Some(SavedRef {
                    order,
                    file: f,
                    stamp: *stamp,
                    parsed: p,
                }),
                _ => None,
            })
            .collect()
    }

    /// A cache holding `saved` (in any order). A stamp from less than `racy` before
    /// `saved_at` is not trusted (dropped, so that file is read again): a file saved twice
    /// within the file system's timestamp granularity, the second time after the scan, keeps
    /// its size and modification time (git calls this "racily clean").
    pub fn import(
        mut saved: Vec<SavedFile>,
        saved_at: SystemTime,
        racy: std::time::Duration,
    ) -> Self {
        saved.sort_unstable_by_key(|f| f.order);
        let trusted_before = saved_at.checked_sub(racy).unwrap_or(SystemTime::UNIX_EPOCH);
        let mut entries = FastMap::with_capacity_and_hasher(saved.len(), Default::default());
        let mut files = Vec::with_capacity(saved.len());
        for f in saved {
            let stamp = f
                .stamp
                .filter(|s| s.modified.is_some_and(|m| m < trusted_before));
            entries.insert(f.file.abs.clone(), (stamp, Ok(f.parsed)));
            files.push(f.file);
        }
        ContentCache {
            entries,
            scanned: Some((files, Vec::new())),
            discovered: None,
            dirs: Vec::new(),
        }
    }

    /// The files of the last scan that parsed (drafts only with `drafts`), with the files that
    /// did not named in `unparsed`: what `check` goes on with after a file failed.
    pub fn partial_content(&self, drafts: bool) -> Content {
        let Some((files, _)) = self.scanned.as_ref() else {
            return Content::default();
        };
        let mut unparsed = Vec::new();
        let mut ok = Vec::new();
        for f in files {
            match self.entries.get(&f.abs) {
                Some((_, Ok(p))) => ok.push(Ok(p.clone())),
                _ => unparsed.push(f.rel.clone()),
            }
        }
        let mut content = assemble(ok, Vec::new(), drafts).unwrap_or_default();
        content.unparsed = unparsed;
        content
    }

    /// The earliest date after `now` of a post the last scan found (drafts only with
    /// `drafts`): when time alone next changes the site.
    pub fn next_due(
        &self,
        drafts: bool,
        now: chrono::DateTime<chrono::FixedOffset>,
    ) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        self.entries
            .values()
            .filter_map(|(_, o)| match o {
                Ok(Parsed::Post(p)) if (drafts || !p.draft) && p.date > now => Some(p.date),
                _ => None,
            })
            .min()
    }

    /// Has the next [`ContentCache::load`] use this scan of `content/`, made a moment ago.
    pub fn use_scan(&mut self, found: Scan) {
        self.discovered = Some(found);
    }

    /// Every file of the last scan with its stamp, when every stamp is known.
    pub fn stamps(&self) -> Option<Vec<(std::path::PathBuf, Stamp)>> {
        let (files, errors) = self.scanned.as_ref()?;
        if !errors.is_empty() {
            return None;
        }
        files
            .iter()
            .map(|f| Some((f.abs.clone(), self.entries.get(&f.abs)?.0?)))
            .collect()
    }

    /// The folders of the last full scan of `content/`, with their times then.
    pub fn dirs(&self) -> &[WalkedDir] {
        &self.dirs
    }

    /// Forgets everything (after a config change, which affects how files parse).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.scanned = None;
        self.dirs.clear();
    }

    /// When every changed path is a file we already know and it still exists, the file list
    /// cannot have changed: parse just those files. A path that is gone and held nothing we
    /// know (the temp file of an atomic save by gedit or `sed -i`, renamed over the post) does
    /// not change the list either. Anything else (a new, deleted or renamed file, a folder, an
    /// empty list) takes the full scan.
    fn only_known_files_changed(&self, changed: &HashSet<PathBuf>) -> bool {
        let known = |p: &PathBuf| self.entries.contains_key(p) && p.is_file();
        let vanished = |p: &PathBuf| {
            !self.entries.contains_key(p)
                && std::fs::symlink_metadata(p).is_err()
                && !self.entries.keys().any(|k| k.starts_with(p))
        };
        self.scanned.is_some()
            && changed.iter().any(known)
            && changed.iter().all(|p| known(p) || vanished(p))
    }

    /// When only known files changed, parses them again and returns their new outcomes, in
    /// the order of the last scan; `None` when a full [`ContentCache::load`] is needed.
    pub fn reparse(&mut self, config: &Config, changed: &HashSet<PathBuf>) -> Option<Vec<Outcome>> {
        if !self.only_known_files_changed(changed) {
            return None;
        }
        let (files, _) = self.scanned.as_ref()?;
        let todo: Vec<&ContentFile> = files.iter().filter(|f| changed.contains(&f.abs)).collect();
        let parsed: Vec<(PathBuf, Option<Stamp>, Outcome)> = todo
            .par_iter()
            .map(|f| (f.abs.clone(), stamp(&f.abs), load_file(f, config)))
            .collect();
        let mut outcomes = Vec::with_capacity(parsed.len());
        for (path, s, outcome) in parsed {
            outcomes.push(outcome.clone());
            self.entries.insert(path, (s, outcome));
        }
        Some(outcomes)
    }

    /// The content of the last scan with the cached outcomes, without touching the disk.
    pub fn assemble_cached(&self, drafts: bool) -> Result<Content> {
        let Some((files, errors)) = self.scanned.as_ref() else {
            return Ok(Content::default());
        };
        let results = files.iter().map(|f| self.entries[&f.abs].1.clone());
        assemble(results, errors.clone(), drafts)
    }

    /// Loads `content/` like [`super::load`], re-reading only files that are new, changed on
    /// disk, or in `changed`. Returns the content and how many files were parsed.
    pub fn load(
        &mut self,
        root: &Path,
        config: &Config,
        drafts: bool,
        changed: &HashSet<PathBuf>,
    ) -> Result<(Content, usize)> {
        if let Some(reparsed) = self.reparse(config, changed) {
            return Ok((self.assemble_cached(drafts)?, reparsed.len()));
        }
        let (files, errors, known, dirs) = match self.discovered.take() {
            Some(found) => found,
            None => {
                let (files, errors, dirs) = discover_with_dirs(root)?;
                (files, errors, None, dirs)
            }
        };
        self.dirs = dirs;
        let stamps: Vec<Option<Stamp>> = match known {
            Some(s) if s.len() == files.len() => s,
            _ => stamps(root, &files),
        };
        let stale: Vec<(usize, &ContentFile)> = files
            .iter()
            .enumerate()
            .filter(|(i, f)| {
                changed.contains(&f.abs)
                    || self
                        .entries
                        .get(&f.abs)
                        .is_none_or(|(s, _)| stamps[*i].is_none() || *s != stamps[*i])
            })
            .collect();
        let parsed: Vec<(usize, Outcome)> = stale
            .par_iter()
            .map(|(i, f)| (*i, load_file(f, config)))
            .collect();
        let reparsed = parsed.len();
        // One pass in scan order: each file's entry is moved from the old map (or its new
        // parse taken) and looked up once; files no longer found simply drop out.
        let mut old = std::mem::take(&mut self.entries);
        self.entries.reserve(files.len());
        let mut parsed = parsed.into_iter().peekable();
        let mut results: Vec<Outcome> = Vec::with_capacity(files.len());
        for (i, f) in files.iter().enumerate() {
            let entry = match parsed.next_if(|(j, _)| *j == i) {
                Some((_, result)) => Some((stamps[i], result)),
                None => old.remove(&f.abs).map(|(s, r)| (s.or(stamps[i]), r)),
            };
            if let Some((s, r)) = entry {
                results.push(r.clone());
                self.entries.insert(f.abs.clone(), (s, r));
            }
        }
        self.scanned = Some((files, errors.clone()));
        Ok((assemble(results, errors, drafts)?, reparsed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, Config) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::write(
            root.join("config.toml"),
            "title = \"t\"\nbase_url = \"https://e.com/\"\n",
        )
        .unwrap();
        for (dir, name) in [("posts", "a"), ("posts", "b"), ("posts/old", "c")] {
            let d = root.join("content").join(dir);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(
                d.join(format!("{name}.md")),
                format!("+++\ntitle = \"{name}\"\ndate = 2025-01-01\n+++\n"),
            )
            .unwrap();
        }
        let config = Config::load(root).unwrap();
        (tmp, config)
    }

    fn titles(c: &Content) -> Vec<String> {
        let mut t: Vec<String> = c.posts.iter().map(|p| p.title.clone()).collect();
        t.sort();
        t
    }

    #[test]
    fn an_atomic_save_through_a_temp_file_reparses_only_the_post() {
        let (tmp, config) = site();
        let root = tmp.path();
        let mut cache = ContentCache::default();
        let (_, n) = cache.load(root, &config, false, &HashSet::new()).unwrap();
        assert_eq!(n, 3);
        let post = root.join("content/posts/a.md");
        let temp = root.join("content/posts/sedX1y2Z3");
        std::fs::write(&temp, "+++\ntitle = \"a2\"\ndate = 2025-01-01\n+++\n").unwrap();
        std::fs::rename(&temp, &post).unwrap();
        let changed: HashSet<PathBuf> = [temp, post].into_iter().collect();
        assert!(cache.only_known_files_changed(&changed));
        let (content, n) = cache.load(root, &config, false, &changed).unwrap();
        assert_eq!(n, 1);
        assert_eq!(titles(&content), ["a2", "b", "c"]);
    }

    #[test]
    fn a_folder_moved_out_of_content_takes_its_posts_with_it() {
        let (tmp, config) = site();
        let root = tmp.path();
        let mut cache = ContentCache::default();
        cache.load(root, &config, false, &HashSet::new()).unwrap();
        let old = root.join("content/posts/old");
        std::fs::rename(&old, root.join("elsewhere")).unwrap();
        let b = root.join("content/posts/b.md");
        std::fs::write(&b, "+++\ntitle = \"b2\"\ndate = 2025-01-01\n+++\n").unwrap();
        // The watcher reports the folder (gone, but it held a known post) and a saved post.
        let changed: HashSet<PathBuf> = [old, b].into_iter().collect();
        assert!(!cache.only_known_files_changed(&changed));
        let (content, _) = cache.load(root, &config, false, &changed).unwrap();
        assert_eq!(titles(&content), ["a", "b2"]);
    }

    #[test]
    fn a_file_saved_borrowed_reads_back_as_an_owned_one() {
        let (tmp, config) = site();
        let mut cache = ContentCache::default();
        cache
            .load(tmp.path(), &config, false, &HashSet::new())
            .unwrap();
        let borrowed = cache.export().unwrap();
        let bytes = postcard::to_stdvec(&borrowed).unwrap();
        let owned: Vec<SavedFile> = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(postcard::to_stdvec(&owned).unwrap(), bytes);
        let rels: Vec<&str> = owned.iter().map(|f| f.file.rel.as_str()).collect();
        assert_eq!(
            rels,
            [
                "content/posts/a.md",
                "content/posts/b.md",
                "content/posts/old/c.md"
            ]
        );
    }
}
