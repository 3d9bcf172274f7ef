//! Watches the site's folders and groups events into batches: one batch per burst of saves
//! (an editor's atomic save, a `git checkout` of many files), so each burst is one rebuild.
//! Events that arrive while a rebuild runs wait in the channel and make the next batch, so no
//! save is ever lost.
//!
//! Editors save through temp files (`sedX1y2Z3`, `.goutputstream-ABC123`, Qt's
//! `post.md.AbCdEf`, JetBrains' `post.md___jb_tmp___`). Names [`classify`] ignores never enter
//! the channel, so they start no burst; a path created during a burst and gone when it ends is
//! dropped from it, whatever its name: it was no file of the site before the burst or after.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::engine::{Change, classify};
use crate::error::{Error, Result};

/// A burst ends after this long without events.
const QUIET: Duration = Duration::from_millis(20);
/// A burst that never goes quiet is cut here, so a busy disk still shows progress.
const MAX_BURST: Duration = Duration::from_millis(300);
/// How long a burst that removed a file waits for it to be written again (not a file it
/// created: see [`batches`]).
const MISSING_GRACE: Duration = Duration::from_millis(120);
/// How often `--poll` looks at the files.
const POLL_INTERVAL: Duration = Duration::from_millis(200);

const WATCHED_DIRS: [&str; 3] = ["content", "templates", "static"];

pub struct Watch {
    /// `None` with `--poll`: a polling thread does the work.
    watcher: Option<Box<dyn Watcher + Send>>,
    root: PathBuf,
    watched: HashSet<PathBuf>,
}

/// One changed path as the watcher reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub path: PathBuf,
    /// The event created it (a new file, or a new name made with `link`): it did not exist just
    /// before.
    pub created: bool,
}

/// Whether a change to `path` can matter to the site under `root`: editor temp files, hidden
/// files of `content/` and the output do not.
fn matters(root: &Path, path: &Path) -> bool {
    path.strip_prefix(root)
        .is_ok_and(|rel| classify(rel) != Change::Ignored)
}

/// Whether an event is about a file created with `O_TMPFILE` that has no name yet (Qt's
/// QSaveFile writes one, then links and renames it over the real file). inotify reports its
/// writes under `#<inode number>`, a name no folder holds. Only writes are taken for it: a real
/// file named `#123` that is written exists, and one removed or renamed is a rename or removal.
fn unnamed_file(kind: &EventKind, path: &Path) -> bool {
    use notify::event::ModifyKind;
    let written = matches!(
        kind,
        EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Metadata(_))
    );
    let inode_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix('#'))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    written && inode_name && std::fs::symlink_metadata(path).is_err()
}

pub fn start(root: &Path, poll: bool, tx: Sender<Changed>) -> Result<Watch> {
    if poll {
        spawn_poller(root.to_path_buf(), tx);
        return Ok(Watch {
            watcher: None,
            root: root.to_path_buf(),
            watched: HashSet::new(),
        });
    }
    let handler_root = root.to_path_buf();
    let handler = move |res: notify::Result<notify::Event>| {
        let Ok(event) = res else { return };
        // Reads and opens change nothing.
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        let created = matches!(event.kind, EventKind::Create(_));
        // A rename reports both names: the temp name is dropped here, the real one is kept.
        for path in event.paths {
            if matters(&handler_root, &path) && !unnamed_file(&event.kind, &path) {
                let _ = tx.send(Changed { path, created });
            }
        }
    };
    let err = |e: notify::Error| Error::Message(format!("cannot watch the site's files: {e}"));
    let mut watcher: Box<dyn Watcher + Send> =
        Box::new(RecommendedWatcher::new(handler, notify::Config::default()).map_err(err)?);
    // The root itself, not recursively: config.toml, and folders created later.
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(err)?;
    let mut w = Watch {
        watcher: Some(watcher),
        root: root.to_path_buf(),
        watched: HashSet::new(),
    };
    w.ensure();
    Ok(w)
}

/// What the poller compares: modification time to the nanosecond, size and inode. notify's
/// PollWatcher compares whole seconds of mtime, so a second save within the same second
/// (or an atomic save right after the first) went unseen.
type Seen = std::collections::HashMap<PathBuf, (Option<std::time::SystemTime>, u64, u64)>;

fn scan(root: &Path) -> Seen {
    use std::os::unix::fs::MetadataExt;
    let mut seen = Seen::new();
    let mut note = |p: &Path| {
        if let Ok(m) = std::fs::metadata(p) {
            seen.insert(p.to_path_buf(), (m.modified().ok(), m.len(), m.ino()));
        }
    };
    note(&root.join("config.toml"));
    for d in WATCHED_DIRS {
        for e in walkdir::WalkDir::new(root.join(d))
            .follow_links(true)
            .into_iter()
            .flatten()
        {
            note(e.path());
        }
    }
    seen
}

/// `--poll`: compares the site's files every POLL_INTERVAL and reports what changed, for file
/// systems that send no notifications (network drives, WSL, some containers).
fn spawn_poller(root: PathBuf, tx: Sender<Changed>) {
    // The first look happens before `serve` says it is serving: a save right after that line
    // must be a change, not part of the starting state.
    let mut before = scan(&root);
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(POLL_INTERVAL);
            let now = scan(&root);
            let changed = now
                .iter()
                .filter(|(p, v)| before.get(*p) != Some(*v))
                .map(|(p, _)| p)
                .chain(before.keys().filter(|p| !now.contains_key(*p)));
            // A poll sees no events, only states: nothing is known to be created just now.
            for path in changed.filter(|p| matters(&root, p)) {
                let changed = Changed {
                    path: path.clone(),
                    created: false,
                };
                if tx.send(changed).is_err() {
                    return;
                }
            }
            before = now;
        }
    });
}

impl Watch {
    /// Watches `content/`, `templates/` and `static/` if they exist and are not watched yet
    /// (a site may create `templates/` while being served).
    pub fn ensure(&mut self) {
        let Some(watcher) = self.watcher.as_mut() else {
            return;
        };
        for d in WATCHED_DIRS {
            let p = self.root.join(d);
            if p.is_dir()
                && !self.watched.contains(&p)
                && watcher.watch(&p, RecursiveMode::Recursive).is_ok()
            {
                self.watched.insert(p);
            } else if !p.is_dir() {
                self.watched.remove(&p);
            }
        }
    }
}

/// The paths of one burst so far, in order, each once.
#[derive(Default)]
struct Batch {
    paths: Vec<PathBuf>,
    /// The same, for de-duplicating (a checkout reports thousands of paths).
    seen: HashSet<PathBuf>,
    /// Those whose first event in the burst created them.
    created: HashSet<PathBuf>,
}

impl Batch {
    fn add(&mut self, c: Changed) {
        if self.seen.insert(c.path.clone()) {
            if c.created {
                self.created.insert(c.path.clone());
            }
            self.paths.push(c.path);
        }
    }

    fn created(&self, p: &Path) -> bool {
        self.created.contains(p)
    }
}

/// Yields one de-duplicated list of paths per burst of events. A path whose first event in the
/// burst created it and that is gone when the burst ends is left out: a temp file an editor
/// wrote and renamed over the real one (which the rename reports), so the site is the same as
/// if it had never been. It does not make the burst wait for a missing file either.
pub fn batches(rx: &Receiver<Changed>) -> impl Iterator<Item = Vec<PathBuf>> + '_ {
    std::iter::from_fn(move || {
        let first = rx.recv().ok()?;
        let started = Instant::now();
        let mut batch = Batch::default();
        batch.add(first);
        let mut waited_for_missing = false;
        let gone = |p: &Path| std::fs::symlink_metadata(p).is_err();
        while started.elapsed() < MAX_BURST {
            match rx.recv_timeout(QUIET) {
                Ok(s) => batch.add(s),
                Err(RecvTimeoutError::Timeout) => {
                    // Some editors (vim by default) rename the file away, then write the new
                    // one. Rebuilding in that gap would serve a 404 for a page that exists
                    // before and after the save: give a missing file a moment to come back.
                    let missing = batch.paths.iter().any(|p| gone(p) && !batch.created(p));
                    if missing && !waited_for_missing {
                        waited_for_missing = true;
                        if let Ok(s) = rx.recv_timeout(MISSING_GRACE) {
                            batch.add(s);
                        }
                        continue;
                    }
                    break;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        let Batch {
            mut paths, created, ..
        } = batch;
        paths.retain(|p| !(created.contains(p) && gone(p)));
        Some(paths)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(path: &Path, created: bool) -> Changed {
        Changed {
            path: path.to_path_buf(),
            created,
        }
    }

    #[test]
    fn a_burst_is_one_batch_and_later_events_make_the_next() {
        let tmp = tempfile::tempdir().unwrap();
        let [a, b, c] = ["a", "b", "c"].map(|n| tmp.path().join(n));
        for p in [&a, &b, &c] {
            std::fs::write(p, "x").unwrap();
        }
        let (tx, rx) = std::sync::mpsc::channel();
        for p in [&a, &b, &a] {
            tx.send(seen(p, false)).unwrap();
        }
        let mut it = batches(&rx);
        assert_eq!(it.next().unwrap(), vec![a.clone(), b]);
        tx.send(seen(&c, false)).unwrap();
        assert_eq!(it.next().unwrap(), vec![c]);
        drop(tx);
        assert!(it.next().is_none());
    }

    /// sed's and Qt's saves: a temp file created, then renamed over the post.
    #[test]
    fn a_file_created_and_gone_within_the_burst_is_left_out() {
        let tmp = tempfile::tempdir().unwrap();
        let post = tmp.path().join("a.md");
        let temp = tmp.path().join("a.md.XyZabc");
        std::fs::write(&temp, "new").unwrap();
        std::fs::rename(&temp, &post).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        tx.send(seen(&temp, true)).unwrap();
        tx.send(seen(&temp, false)).unwrap();
        tx.send(seen(&post, false)).unwrap();
        assert_eq!(batches(&rx).next().unwrap(), vec![post]);
    }

    /// A deleted file stays in its batch (the site must lose it), and so does one that was
    /// there before the burst even if a later event of the burst re-created it.
    #[test]
    fn a_deleted_file_is_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let gone = tmp.path().join("gone.md");
        let (tx, rx) = std::sync::mpsc::channel();
        tx.send(seen(&gone, false)).unwrap();
        tx.send(seen(&gone, true)).unwrap();
        assert_eq!(batches(&rx).next().unwrap(), vec![gone]);
    }

    #[test]
    fn writes_to_an_unnamed_file_are_not_changes() {
        use notify::event::{DataChange, ModifyKind, RemoveKind};
        let tmp = tempfile::tempdir().unwrap();
        let unnamed = tmp.path().join("#10110452");
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        assert!(unnamed_file(&write, &unnamed));
        // A real file of that name: its writes and its removal are changes.
        let real = tmp.path().join("#123");
        std::fs::write(&real, "x").unwrap();
        assert!(!unnamed_file(&write, &real));
        std::fs::remove_file(&real).unwrap();
        assert!(!unnamed_file(&EventKind::Remove(RemoveKind::File), &real));
        assert!(!unnamed_file(&write, &tmp.path().join("#a1#")));
        assert!(!unnamed_file(&write, &tmp.path().join("a.md")));
    }

    #[test]
    fn temp_names_and_the_output_do_not_matter() {
        let root = Path::new("/site");
        assert!(matters(root, Path::new("/site/content/posts/a.md")));
        assert!(matters(root, Path::new("/site/static/sed.css")));
        assert!(!matters(root, Path::new("/site/content/posts/sedAb12Cd")));
        assert!(!matters(
            root,
            Path::new("/site/static/.goutputstream-AB12cd")
        ));
        assert!(!matters(root, Path::new("/site/public/index.html")));
        assert!(!matters(
            Path::new("/other"),
            Path::new("/site/content/a.md")
        ));
    }
}
