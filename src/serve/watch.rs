//! Watches the site's folders and groups events into batches: one batch per burst of saves
//! (an editor's atomic save, a `git checkout` of many files), so each burst is one rebuild.
//! Events that arrive while a rebuild runs wait in the channel and make the next batch, so no
//! save is ever lost.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::error::{Error, Result};

/// A burst ends after this long without events.
const QUIET: Duration = Duration::from_millis(20);
/// A burst that never goes quiet is cut here, so a busy disk still shows progress.
const MAX_BURST: Duration = Duration::from_millis(300);
/// How long a burst that removed a file waits for it to be written again.
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

pub fn start(root: &Path, poll: bool, tx: Sender<PathBuf>) -> Result<Watch> {
    if poll {
        spawn_poller(root.to_path_buf(), tx);
        return Ok(Watch {
            watcher: None,
            root: root.to_path_buf(),
            watched: HashSet::new(),
        });
    }
    let handler = move |res: notify::Result<notify::Event>| {
        let Ok(event) = res else { return };
        // Reads and opens change nothing.
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        for p in event.paths {
            let _ = tx.send(p);
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
fn spawn_poller(root: PathBuf, tx: Sender<PathBuf>) {
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
            for p in changed {
                if tx.send(p.clone()).is_err() {
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

/// Yields one de-duplicated list of paths per burst of events. `relevant` says which paths
/// matter to the site (not editor temp files), for the wait on missing files.
pub fn batches<'a>(
    rx: &'a Receiver<PathBuf>,
    relevant: impl Fn(&Path) -> bool + 'a,
) -> impl Iterator<Item = Vec<PathBuf>> + 'a {
    std::iter::from_fn(move || {
        let first = rx.recv().ok()?;
        let started = Instant::now();
        let mut batch = vec![first];
        let mut waited_for_missing = false;
        while started.elapsed() < MAX_BURST {
            match rx.recv_timeout(QUIET) {
                Ok(p) => batch.push(p),
                Err(RecvTimeoutError::Timeout) => {
                    // Some editors (vim by default) rename the file away, then write the new
                    // one. Rebuilding in that gap would serve a 404 for a page that exists
                    // before and after the save: give a missing file a moment to come back.
                    let missing = batch.iter().any(|p| relevant(p) && !p.exists());
                    if missing && !waited_for_missing {
                        waited_for_missing = true;
                        if let Ok(p) = rx.recv_timeout(MISSING_GRACE) {
                            batch.push(p);
                        }
                        continue;
                    }
                    break;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        let mut seen = HashSet::new();
        batch.retain(|p| seen.insert(p.clone()));
        Some(batch)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_one_batch_and_later_events_make_the_next() {
        let (tx, rx) = std::sync::mpsc::channel();
        for p in ["a", "b", "a"] {
            tx.send(PathBuf::from(p)).unwrap();
        }
        let mut it = batches(&rx, |_| true);
        assert_eq!(
            it.next().unwrap(),
            vec![PathBuf::from("a"), PathBuf::from("b")]
        );
        tx.send(PathBuf::from("c")).unwrap();
        assert_eq!(it.next().unwrap(), vec![PathBuf::from("c")]);
        drop(tx);
        assert!(it.next().is_none());
    }
}
