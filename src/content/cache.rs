//! Parsed content files kept between rebuilds (for `serve`): a file is read and parsed again
//! only when the watcher named it or its size or modification time changed, so one saved post
//! costs one parse, not ten thousand.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rayon::prelude::*;

use super::{Content, ContentFile, Parsed, assemble, discover, load_file};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some(Stamp {
        len: m.len(),
        modified: m.modified().ok(),
    })
}

/// A file parsed, or the diagnostics it gave (kept too: an unchanged broken file stays broken).
pub type Outcome = Result<Parsed, Vec<Diagnostic>>;

#[derive(Default)]
pub struct ContentCache {
    entries: HashMap<PathBuf, (Option<Stamp>, Outcome)>,
    /// The files found by the last full scan, and the problems that scan met.
    scanned: Option<(Vec<ContentFile>, Vec<Diagnostic>)>,
}

impl ContentCache {
    /// Forgets everything (after a config change, which affects how files parse).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.scanned = None;
    }

    /// When every changed path is a file we already know and it still exists, the file list
    /// cannot have changed: parse just those files. Anything else (a new, deleted or renamed
    /// file, a folder, an empty list) takes the full scan.
    fn only_known_files_changed(&self, changed: &HashSet<PathBuf>) -> bool {
        !changed.is_empty()
            && self.scanned.is_some()
            && changed
                .iter()
                .all(|p| self.entries.contains_key(p) && p.is_file())
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
        let (files, errors) = discover(root)?;
        let stamps: Vec<Option<Stamp>> = files.par_iter().map(|f| stamp(&f.abs)).collect();
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
        let mut old = std::mem::take(&mut self.entries);
        for (i, result) in parsed {
            old.insert(files[i].abs.clone(), (stamps[i], result));
        }
        // Keep only files that still exist; a deleted post simply drops out.
        for (i, f) in files.iter().enumerate() {
            if let Some((s, r)) = old.remove(&f.abs) {
                self.entries.insert(f.abs.clone(), (s.or(stamps[i]), r));
            }
        }
        let results: Vec<Outcome> = files
            .iter()
            .map(|f| self.entries[&f.abs].1.clone())
            .collect();
        self.scanned = Some((files, errors.clone()));
        Ok((assemble(results, errors, drafts)?, reparsed))
    }
}
