//! The search index in the engine's output (see [`crate::search`]): made from the site model
//! after every run, full and swapped alike. Like every output, only files whose bytes changed
//! go to the sink; the index's files are named by their bytes, so the files of a previous
//! index that are not part of this one are removed.
//!
//! `serve` defers it: a 10,000-post index takes longer to make than the page a writer just
//! saved, and the writer is waiting for that page. Its runs keep the old index and mark it
//! stale, and [`Engine::refresh_search`] makes the new one right after the pages are served.

use super::{Engine, Out, Sink};
use crate::config::CONFIG_FILE;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::fingerprint::{self, FastSet};
use crate::fs::STATIC_DIR;
use crate::site::Site;
use crate::urls::Linker;

/// What [`Engine::publish_search`] did.
#[derive(Default)]
pub(super) struct Search {
    /// Every file of the index.
    pub names: FastSet<String>,
    /// (path, record, whether its bytes were handed to the sink).
    pub made: Vec<(String, Out, bool)>,
    /// What the next run patches; `None` with search off (or deferred).
    pub state: Option<crate::search::State>,
    /// Whether `state` is the last run's, unchanged (the build cache need not save it again).
    pub same_state: bool,
}

impl Search {
    /// The index as the last run left it: nothing made, nothing to remove.
    fn keep(names: FastSet<String>) -> Search {
        Search {
            names,
            made: Vec::new(),
            state: None,
            same_state: false,
        }
    }
}

/// What [`Engine::refresh_search`] changed in the output.
#[derive(Debug, Default)]
pub struct Refreshed {
    pub written: Vec<String>,
    pub removed: Vec<String>,
}

impl Engine {
    /// Has every run leave the search index to [`Engine::refresh_search`] (`serve`).
    pub fn defer_search(&mut self) {
        self.defer_search = true;
    }

    /// What a run's index starts from: the last run's index to patch (`Some`), or `None`
    /// when the index is deferred (marked stale here, kept as it is by
    /// [`Engine::search_or_keep`]).
    pub(super) fn search_start(&mut self) -> Option<Option<crate::search::State>> {
        if self.defer_search {
            self.search_stale = true;
            return None;
        }
        Some(self.take_search_state())
    }

    /// The index of `site` now, patched from `start` (see [`Engine::search_start`]), or the
    /// old one kept when it is deferred.
    pub(super) fn search_or_keep(
        &self,
        site: &Site,
        statics: &FastSet<String>,
        sink: Sink,
        start: Option<Option<crate::search::State>>,
    ) -> Result<Search> {
        match start {
            Some(prev) => self.publish_search(site, statics, sink, prev),
            None => Ok(Search::keep(self.search_files.clone())),
        }
    }

    /// The index as the last run left it, waiting for the build cache's copy to be read.
    fn take_search_state(&mut self) -> Option<crate::search::State> {
        if let Some(loading) = self.search_loading.take() {
            let state = loading.join().ok().flatten();
            if state.is_none() {
                // The cache's file of it is unreadable: not to be named again.
                self.search_saved = None;
            }
            self.search_state = state;
        }
        self.search_state.take()
    }

    /// Makes the index of the last good run's model when a deferred run left it stale, handing
    /// changed files to `sink`. `None` when it was current.
    pub fn refresh_search(&mut self, sink: Sink) -> Result<Option<Refreshed>> {
        if !self.search_stale {
            return Ok(None);
        }
        let prev = self.take_search_state();
        let Some(kept) = self.kept.as_ref() else {
            return Ok(None);
        };
        let t = std::time::Instant::now();
        let search = self.publish_search(&kept.site, &self.statics, sink, prev)?;
        self.phase("search index (deferred)", t);
        self.search_stale = false;
        Ok(Some(self.commit_search(search)))
    }

    /// Keeps the index a run made for the next to patch. A deferred run made none and keeps
    /// the last one, which still matches the index files in the output. `same`: it is the
    /// one the run started from, so the build cache's file of it is still current.
    pub(super) fn keep_search_state(&mut self, state: Option<crate::search::State>, same: bool) {
        if state.is_some() || !self.defer_search {
            self.search_state = state;
            if !same {
                self.search_saved = None;
            }
        }
    }

    /// Records a new index as the output's: its files, and the previous index's files it no
    /// longer has as removed. For runs that change nothing else that can go (the fast path,
    /// the deferred index); a full run finds every file that is gone at once.
    pub(super) fn commit_search(&mut self, search: Search) -> Refreshed {
        self.keep_search_state(search.state, search.same_state);
        let mut done = Refreshed::default();
        for (file, out, written) in search.made {
            if written {
                done.written.push(file.clone());
            }
            self.outputs.insert(file, out);
        }
        done.removed = self
            .search_files
            .iter()
            .filter(|f| !search.names.contains(*f))
            .cloned()
            .collect();
        done.removed.sort_unstable();
        for f in &done.removed {
            self.outputs.remove(f);
        }
        self.search_files = search.names;
        done
    }

    /// Hands the index files whose bytes changed to `sink`. `statics` are the output paths
    /// of static files, which may not take an index file's place. `prev`: the last run's
    /// index, patched when it can be (see [`crate::search::state`]).
    pub(super) fn publish_search(
        &self,
        site: &Site,
        statics: &FastSet<String>,
        sink: Sink,
        prev: Option<crate::search::State>,
    ) -> Result<Search> {
        // `check` writes nothing: no index to make.
        if !site.config.search.enabled || self.opts.keep_going {
            return Ok(Search::default());
        }
        let link = Linker::new(&site.config.base_url, site.config.base_path());
        let present = |f: &str| self.outputs.contains_key(f);
        let index = crate::search::build(site, &link, self.timing, prev, &present);
        let mut clashes: Vec<&String> = index
            .files
            .iter()
            .map(|(path, _)| path)
            .chain(&index.kept)
            .filter(|p| statics.contains(*p))
            .collect();
        if !clashes.is_empty() {
            clashes.sort();
            return Err(Error::Diagnostics(
                clashes
                    .into_iter()
                    .map(|p| {
                        Diagnostic::file(
                            format!("{STATIC_DIR}/{p}"),
                            format!(
                                "cannot publish `{p}`: the site's search index is published there; move this file, or set `enabled = false` under [search] in {CONFIG_FILE}"
                            ),
                        )
                    })
                    .collect(),
            ));
        }
        let mut out = Search::default();
        for path in index.kept {
            // `build` keeps only files the output has.
            if let Some(record) = self.outputs.get(&path) {
                out.made.push((path.clone(), *record, false));
            }
            out.names.insert(path);
        }
        for (path, bytes) in index.files {
            let hash = fingerprint::of_bytes(&bytes);
            let record = Out {
                key: hash,
                hash,
                len: bytes.len() as u64,
            };
            let same = self
                .outputs
                .get(&path)
                .is_some_and(|o| o.hash == record.hash && o.len == record.len);
            if !same {
                sink(&path, &bytes)?;
            }
            out.names.insert(path.clone());
            out.made.push((path, record, !same));
        }
        out.state = Some(index.state);
        out.same_state = index.same_state;
        Ok(out)
    }
}
