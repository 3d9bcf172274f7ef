//! `serve`'s side of the [engine](crate::engine): keeps every output file in memory as a
//! [`Snapshot`], feeds the engine the watcher's changes, and swaps in a complete new snapshot
//! after a successful run (or keeps the old one on error), never half of one.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::dates::Clock;
use crate::diagnostic::Diagnostic;
use crate::engine::{Change, Changes, Collect, Engine, Options};
use crate::error::Result;

/// Output path → bytes. A persistent map: the next snapshot starts as a copy of this one in
/// constant time and changes only the pages that changed, so a one-page rebuild does not
/// touch the other 26,000 entries.
pub type FileMap = imbl::HashMap<String, Arc<[u8]>>;

/// One complete built site, as served: output path (`posts/a/index.html`) → bytes.
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    pub files: FileMap,
}

/// What a successful rebuild changed.
#[derive(Debug, Clone)]
pub struct Rebuilt {
    /// Pages written, changed or removed (all of them, the first time).
    pub pages: usize,
    /// Other files (static, theme assets) added, changed or removed.
    pub files: usize,
    /// Only stylesheets changed: the browser can swap them without reloading.
    pub css_only: bool,
    pub elapsed: Duration,
    /// What `build` would warn about (files of `static/` a page takes the place of).
    pub warnings: Vec<Diagnostic>,
    /// One-line warnings printed as they are (no font for social cards).
    pub notices: Vec<String>,
}

pub struct Rebuilder {
    engine: Engine,
    pub snapshot: Arc<Snapshot>,
}

impl Rebuilder {
    pub fn new(root: &Path, drafts: bool, future: bool, base_url: String, clock: Clock) -> Self {
        let mut engine = Engine::new(Options {
            root: root.to_path_buf(),
            drafts,
            future,
            base_url: Some(base_url),
            clock,
            keep_going: false,
            // The same processed images as `build`: a first preview of a site with photos
            // encodes nothing a build already did.
            image_cache: Some(
                root.join(crate::build::CACHE_DIR)
                    .join(crate::build::IMAGE_CACHE_DIR),
            ),
            progress: false,
        });
        // The page a writer saved first, the search index right after (see `refresh_search`).
        engine.defer_search();
        // What the last `build` parsed: the first rebuild reads only files changed since.
        if let Some((config_fp, content)) =
            crate::engine::cache::content_only(&root.join(crate::build::CACHE_DIR), root)
        {
            engine.start_from(config_fp, content);
        }
        Rebuilder {
            engine,
            snapshot: Arc::new(Snapshot::default()),
        }
    }

    /// The first build: renders `first` (output files) before the rest and hands a snapshot
    /// of them to `early` as soon as they are done, so the server can answer for them while
    /// the rest renders.
    pub fn rebuild_first(
        &mut self,
        first: Vec<String>,
        early: impl FnOnce(Arc<Snapshot>) + Send + Sync + 'static,
    ) -> Result<Rebuilt> {
        let collected = Arc::new(Collect::default());
        let so_far = collected.clone();
        self.engine.render_first(
            first,
            Box::new(move || {
                let files: FileMap = so_far.copy().into_iter().collect();
                early(Arc::new(Snapshot { files }));
            }),
        );
        self.apply(&[], &collected)
    }

    /// Applies `changes` (absolute paths with what they are) and rebuilds. On error the previous
    /// snapshot stays as it was.
    pub fn rebuild(&mut self, changes: &[(PathBuf, Change)]) -> Result<Rebuilt> {
        self.apply(changes, &Collect::default())
    }

    /// Makes the search index of the site last built when the rebuild left it stale (it
    /// is deferred so the saved page is served first). Whether the snapshot changed.
    pub fn refresh_search(&mut self) -> Result<bool> {
        let collected = Collect::default();
        let Some(done) = self
            .engine
            .refresh_search(&|file, bytes| collected.push(file, bytes))?
        else {
            return Ok(false);
        };
        let mut files = self.snapshot.files.clone();
        for f in &done.removed {
            files.remove(f);
        }
        for (file, bytes) in collected.take() {
            files.insert(file, bytes);
        }
        self.snapshot = Arc::new(Snapshot { files });
        Ok(!done.removed.is_empty() || !done.written.is_empty())
    }

    fn apply(&mut self, changes: &[(PathBuf, Change)], collected: &Collect) -> Result<Rebuilt> {
        let run = self.engine.run(Changes::Paths(changes), &|file, bytes| {
            collected.push(file, bytes)
        })?;
        let mut files = self.snapshot.files.clone();
        let (mut pages, mut others, mut css_only) = (0, 0, true);
        let mut count = |path: &str| {
            if path.ends_with(".html") {
                pages += 1;
            } else {
                others += 1;
            }
            css_only &= path.ends_with(".css");
        };
        for f in &run.removed {
            if files.remove(f).is_some() {
                count(f);
            }
        }
        for (file, bytes) in collected.take() {
            count(&file);
            files.insert(file, bytes);
        }
        self.snapshot = Arc::new(Snapshot { files });
        Ok(Rebuilt {
            pages,
            files: others,
            css_only: css_only && others > 0 && pages == 0,
            elapsed: run.elapsed,
            warnings: run.warnings,
            notices: run.notices,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_while_rebuilding_is_an_error_the_site_stays_and_the_next_rebuild_starts_afresh() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages");
        let mut r = Rebuilder::new(
            &root,
            false,
            false,
            "http://127.0.0.1:1111/".into(),
            crate::dates::Clock::System,
        );
        let first = r.rebuild(&[]).expect("the fixture builds");
        let served = r.snapshot.clone();

        r.engine.panic_next = true;
        let post = root.join("content/posts/a.md");
        let err = r.rebuild(&[(post.clone(), Change::Content)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "showpress crashed while rebuilding (a panic for the test). This is a bug in \
             showpress: please report it with the change that caused it. Still serving the last \
             good site; the next save rebuilds everything"
        );
        assert!(
            Arc::ptr_eq(&served, &r.snapshot),
            "the snapshot was replaced"
        );
        assert!(!r.engine.has_model());

        // Every page is rendered again and compared: the same site, nothing changed.
        let again = r.rebuild(&[(post, Change::Content)]).expect("rebuilds");
        assert!(first.pages > 10);
        assert_eq!((again.pages, again.files), (0, 0));
        assert_eq!(r.snapshot.files, served.files);
        assert!(r.engine.has_model());
    }
}
