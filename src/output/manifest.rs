//! What a build knows of its output folder: every file's size, time and inode and every
//! folder's time as the last build left them, and how the output is compared with that (a
//! stat per file, folders listed only when their time changed) to find files changed, deleted
//! or added behind showpress's back.

use std::path::Path;

use rayon::prelude::*;

use crate::fingerprint::{FastMap, FastSet};

/// What is known of a file in the output, to notice it changed behind showpress's back: its
/// size, modification time and inode.
pub type DiskStamp = crate::fs::Stat;

/// What the last build left in the output: every file with its stamp, and every folder with
/// its modification time (`None`: not known, list it next time).
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct DiskManifest {
    pub files: FastMap<String, DiskStamp>,
    pub dirs: FastMap<String, Option<std::time::SystemTime>>,
}

impl DiskManifest {
    /// Records the files written and removed by an incremental build: the folders whose times
    /// the commit changes are listed again next time. Files `in_place` were rewritten in
    /// place, which changes no folder's time.
    pub fn update(
        &mut self,
        written: &[(String, DiskStamp)],
        removed: &[String],
        in_place: &FastSet<String>,
    ) {
        for f in removed {
            self.files.remove(f);
        }
        for (f, s) in written {
            self.files.insert(f.clone(), *s);
        }
        // A removal can empty and remove folders up the path.
        for f in removed {
            for dir in parents(f) {
                self.dirs.insert(dir.to_string(), None);
            }
        }
        // A file moved into a folder changes that folder's time, and a folder the commit
        // creates its parent's, but no folder above: `posts/` (10k entries) is not listed again
        // after one post's page was written.
        for (f, _) in written.iter().filter(|(f, _)| !in_place.contains(f)) {
            for dir in parents(f) {
                let known = self.dirs.contains_key(dir);
                self.dirs.insert(dir.to_string(), None);
                if known {
                    break;
                }
            }
        }
    }
}

/// The folders above output file `rel` (`/`-separated), nearest first: `a/b/c.html` gives
/// `a/b`, then `a`.
pub fn parents(rel: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(rel.rsplit_once('/').map(|(p, _)| p), |dir| {
        dir.rsplit_once('/').map(|(p, _)| p)
    })
}

/// What [`super::Target::verify`] found.
#[derive(Debug, Default)]
pub struct Verified {
    /// Known files changed or deleted behind showpress's back.
    pub dirty: Vec<String>,
    /// Files no build made (put there by hand, or left by an older showpress).
    pub stray: Vec<String>,
    /// Folders listed, with their time from before the listing: known from now on.
    pub listed: Vec<(String, Option<std::time::SystemTime>)>,
}

/// Every file and folder in the output folder `out` as it is, for a build without a usable
/// cache that keeps the files whose bytes it would write anyway.
pub fn existing(out: &Path) -> DiskManifest {
    let entries: Vec<walkdir::DirEntry> = walkdir::WalkDir::new(out)
        .min_depth(1)
        .into_iter()
        .filter_map(|e| e.ok())
        .collect();
    let stamps: Vec<(String, bool, Option<std::fs::Metadata>)> = entries
        .par_iter()
        .filter_map(|e| {
            let rel = e
                .path()
                .strip_prefix(out)
                .ok()?
                .to_str()?
                .replace('\\', "/");
            Some((
                rel,
                e.file_type().is_dir(),
                e.path().symlink_metadata().ok(),
            ))
        })
        .collect();
    let mut m = DiskManifest::default();
    for (rel, is_dir, meta) in stamps {
        match (is_dir, meta) {
            (true, meta) => {
                m.dirs.insert(rel, meta.and_then(|m| m.modified().ok()));
            }
            (false, Some(meta)) => {
                m.files.insert(rel, DiskStamp::of(&meta));
            }
            (false, None) => {}
        }
    }
    m
}

/// [`super::Target::verify`] for the output folder `out`, callable from another thread.
pub fn verify(out: &Path, known: &DiskManifest) -> Verified {
    {
        // At 10k posts the check stats ~58k paths: relative to the open folder.
        let under = crate::fs::Dir::open(out);
        let files: Vec<(&String, &DiskStamp)> = known.files.iter().collect();
        let dirty: Vec<String> = on_own_threads(&files, |(rel, stamp)| {
            (under.stat(rel, false) != Some(**stamp)).then(|| (*rel).clone())
        });
        let mut dirs: Vec<(&String, &Option<std::time::SystemTime>)> = known.dirs.iter().collect();
        // The output folder itself is always listed (its time changes with every commit).
        let root = String::new();
        dirs.push((&root, &None));
        // (folder, its time now) for the folders whose time is not the one known.
        let changed: Vec<(&String, Option<std::time::SystemTime>)> =
            on_own_threads(&dirs, |(rel, mtime)| {
                let now = under.stat(rel, true)?.modified;
                (mtime.is_none() || now != **mtime).then_some((*rel, now))
            });
        let mut stray = Vec::new();
        let mut listed = Vec::new();
        for (rel, now) in changed {
            if !rel.is_empty() {
                listed.push((rel.clone(), now));
            }
            let dir = out.join(rel);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let Some(name) = e.file_name().to_str().map(str::to_string) else {
                    continue;
                };
                let child = if rel.is_empty() {
                    name
                } else {
                    format!("{rel}/{name}")
                };
                let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                if is_dir && !known.dirs.contains_key(&child) {
                    // A folder no build made: every file in it is stray.
                    for f in walkdir::WalkDir::new(e.path()).into_iter().flatten() {
                        if !f.file_type().is_dir()
                            && let Ok(r) = f.path().strip_prefix(out)
                        {
                            stray.push(r.to_string_lossy().replace('\\', "/"));
                        }
                    }
                } else if !is_dir && !known.files.contains_key(&child) {
                    stray.push(child);
                }
            }
        }
        Verified {
            dirty,
            stray,
            listed,
        }
    }
}

/// `f` of every item that gives `Some`, in order, on threads of their own. Not on rayon's
/// pool: a build checks its output while the engine loads, and the engine's own parallel work
/// (`rayon::join` from the main thread) would queue behind thousands of stats there: at 10k
/// posts the load waited ~50 ms for the check to drain the pool.
fn on_own_threads<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> Option<R> + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = items.len().div_ceil(threads).max(1);
    if items.len() <= per {
        return items.iter().filter_map(&f).collect();
    }
    std::thread::scope(|s| {
        let f = &f;
        let running: Vec<_> = items
            .chunks(per)
            .map(|chunk| s.spawn(move || chunk.iter().filter_map(f).collect::<Vec<R>>()))
            .collect();
        // A panic there (a bug) goes on here, as it would from rayon's pool.
        let mut out = Vec::new();
        for r in running {
            match r.join() {
                Ok(found) => out.extend(found),
                Err(p) => std::panic::resume_unwind(p),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_has_each_folder_above_it_once_nearest_first() {
        assert_eq!(
            parents("shows/x/1/index.html").collect::<Vec<_>>(),
            ["shows/x/1", "shows/x", "shows"]
        );
        assert_eq!(parents("index.html").count(), 0);
    }

    #[test]
    fn a_commit_marks_only_the_folders_whose_times_it_changes() {
        let t = Some(std::time::SystemTime::UNIX_EPOCH);
        let mut disk = DiskManifest::default();
        for dir in ["posts", "posts/a", "shows", "shows/x", "shows/x/1", "tags"] {
            disk.dirs.insert(dir.to_string(), t);
        }
        let stamp = DiskStamp {
            len: 1,
            modified: t,
            inode: 1,
        };
        disk.update(
            &[
                ("posts/a/index.html".to_string(), stamp),
                ("posts/new/index.html".to_string(), stamp),
            ],
            &["shows/x/1/index.html".to_string()],
            &FastSet::default(),
        );
        let marked = |disk: &DiskManifest, dir: &str| disk.dirs[dir].is_none();
        // Written into: the folder; created: the folder and the one it was created in.
        assert!(marked(&disk, "posts/a") && marked(&disk, "posts/new") && marked(&disk, "posts"));
        // A removal may empty folders up the path.
        assert!(marked(&disk, "shows/x/1") && marked(&disk, "shows/x") && marked(&disk, "shows"));
        assert!(!marked(&disk, "tags"));
        disk.dirs.insert("posts".to_string(), t);
        disk.update(
            &[("posts/a/index.html".to_string(), stamp)],
            &[],
            &FastSet::default(),
        );
        assert!(
            !marked(&disk, "posts"),
            "a page written into its folder leaves posts/ alone"
        );
        disk.dirs.insert("posts/a".to_string(), t);
        let in_place: FastSet<String> = ["posts/a/index.html".to_string()].into_iter().collect();
        disk.update(&[("posts/a/index.html".to_string(), stamp)], &[], &in_place);
        assert!(
            !marked(&disk, "posts/a"),
            "a page rewritten in place leaves its folder alone"
        );
    }
}
