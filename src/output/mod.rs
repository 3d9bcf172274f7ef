//! The only module that writes the site. A build writes the files whose bytes changed into a
//! staging folder beside the output, then records in a journal what the commit does (move
//! those files into place, delete the files that are gone, swap in the new cache) and only
//! then does it. A journal left by a build that was killed is completed by the next one, and
//! a staging folder without a journal is thrown away, so the output is always the old site or
//! the new one: never a mix, never a failed build's half. Unchanged files are not touched:
//! same inode, same modification time, so `rsync` and object-store syncs send only what
//! changed. Without a usable cache every file is staged and the folder swapped whole.
//!
//! A build that changes files of an existing output does not make a new file for each:
//! - A file the output has already (a plain file, linked nowhere else) is rewritten in place
//!   by the commit, keeping its inode. Its new bytes wait in one redo file in the staging
//!   folder, and the journal says where each file's bytes are there and what time it gets, so
//!   a commit cut short is redone the same. A new inode for each changed file meant freeing the
//!   old one; after a template edit (every page changed) that was 26k files created and 26k
//!   deleted per build, and on ext4 each creation soon after many deletions is slow.
//! - A new file is staged flat, under a number in one of a few folders of the staging folder,
//!   and moved into place; the journal says where each goes. Moving is done on every thread; a
//!   move that needs room made (a file or folder in the way) is done after the others, on one
//!   thread.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;

mod manifest;

pub use manifest::{DiskManifest, DiskStamp, Verified, existing, verify};

use crate::error::{Error, Result};
use crate::fingerprint::{FastMap, FastSet};

/// The output folder of a build, locked for this process until dropped.
pub struct Target {
    out: PathBuf,
    stage: PathBuf,
    old: PathBuf,
    journal: PathBuf,
    _lock: crate::fs::LockFile,
}

/// What a commit does besides moving the staged files into place.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Commit {
    /// The staging folder is the whole new output (a build without a usable cache).
    pub full: bool,
    /// Output files to delete, `/`-separated and relative to the output.
    pub removed: Vec<String>,
    /// (pending cache file, cache file): renamed together with the output's change.
    pub cache: Option<(PathBuf, PathBuf)>,
    /// (name in the staging folder, output file): the files of a flat stage to move into place.
    /// Filled in by [`Target::commit`] from the stage.
    #[serde(default)]
    pub moves: Vec<(String, String)>,
    /// Files rewritten in place from the staging folder's redo file (see the module's
    /// documentation); filled in by [`Target::commit`].
    #[serde(default)]
    pub rewrites: Vec<Rewrite>,
    /// The modification time every rewritten file gets: the one its stamp in the build cache
    /// says, whenever the rewrite is done (or redone). `None` in a journal of a showpress that
    /// staged files at their paths: the staging folder is then walked.
    #[serde(default)]
    pub modified: Option<std::time::SystemTime>,
}

/// A file of the output to rewrite in place: its new bytes are `len` bytes at `at` in the redo
/// file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rewrite {
    pub file: String,
    pub at: u64,
    pub len: u64,
}

/// The file in a flat stage that holds the bytes of the files rewritten in place.
const REDO_FILE: &str = "redo";

impl Target {
    /// Locks the output folder `out` of the site in `root` (waiting while another build
    /// holds it) and completes or rolls back what a killed build left.
    pub fn open(out: &Path, root: &Path) -> Result<Target> {
        refuse_dangerous_target(out, root)?;
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        crate::fs::create_dir_all(parent)?;
        let name = out
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let beside = |what: &str| parent.join(format!(".{name}.showpress-{what}"));
        let lock = crate::fs::lock_file(&beside("lock"), || {
            eprintln!(
                "note: waiting for another showpress build into {} to finish",
                out.display()
            )
        })?;
        remove_abandoned(parent, &name);
        let target = Target {
            out: out.to_path_buf(),
            stage: beside("stage"),
            old: beside("old"),
            journal: beside("journal"),
            _lock: lock,
        };
        target.recover()?;
        Ok(target)
    }

    pub fn exists(&self) -> bool {
        self.out.is_dir()
    }

    /// Compares the output with what the last build left (`known`): files changed or gone
    /// (`dirty`) and files that build did not write (`stray`). Every known file is checked,
    /// in parallel; only folders whose modification time changed are listed, since adding or
    /// removing an entry changes it.
    pub fn verify(&self, known: &DiskManifest) -> Verified {
        verify(&self.out, known)
    }

    pub fn path(&self) -> &Path {
        &self.out
    }
}

impl Target {
    /// A fresh staging folder for this build's files: laid out as the output when it is to
    /// become the output `whole` (see [`Commit::full`]), else flat.
    pub fn stage(&self, whole: bool) -> Result<Stage> {
        if self.stage.exists() {
            crate::fs::remove_dir_all(&self.stage)?;
        }
        crate::fs::create_dir_all(&self.stage)?;
        let mut redo = None;
        let mut modified = std::time::SystemTime::now();
        if !whole {
            for b in 0..FLAT_FOLDERS {
                crate::fs::create_dir_all(&self.stage.join(b.to_string()))?;
            }
            let path = self.stage.join(REDO_FILE);
            let file = std::fs::File::create(&path).map_err(|e| Error::Io {
                action: "create",
                path,
                source: e,
            })?;
            // The time as this file system keeps it (whole seconds on some): the stamps
            // recorded for rewritten files must be what a stat will give. The staging folder is
            // on the output's file system, since files are moved from one to the other.
            if let Ok(kept) = file
                .set_modified(modified)
                .and_then(|()| file.metadata())
                .and_then(|m| m.modified())
            {
                modified = kept;
            }
            redo = Some(file);
        }
        Ok(Stage {
            dir: self.stage.clone(),
            out: self.out.clone(),
            next: AtomicUsize::new(0),
            redo,
            redo_len: AtomicU64::new(0),
            modified,
            written: Mutex::new(Vec::new()),
            moves: Mutex::new(Vec::new()),
            rewrites: Mutex::new(Vec::new()),
        })
    }

    /// Makes the staged build the output: writes the journal (the point after which the
    /// build counts as done), then carries it out.
    pub fn commit(&self, stage: Stage, commit: Commit) -> Result<()> {
        let commit = stage.into_commit(commit);
        let text = serde_json::to_vec(&commit)
            .map_err(|e| Error::Message(format!("cannot write the build journal: {e}")))?;
        let pending = self.journal.with_extension("new");
        crate::fs::write(&pending, &text)?;
        crate::fs::rename(&pending, &self.journal)?;
        self.apply(&commit)?;
        crate::fs::remove_file(&self.journal)
    }

    /// Throws away a staged build (it failed).
    pub fn abandon(&self, stage: Stage) {
        drop(stage);
        let _ = std::fs::remove_dir_all(&self.stage);
    }

    /// Completes a journal a killed build left, or throws away its staging folder.
    fn recover(&self) -> Result<()> {
        match std::fs::read(&self.journal) {
            Ok(text) => {
                let commit: Commit = serde_json::from_slice(&text).map_err(|e| {
                    Error::Message(format!(
                        "the journal {} of an interrupted build is unreadable ({e}); delete it and the output folder, then build again",
                        self.journal.display()
                    ))
                })?;
                self.apply(&commit)?;
                crate::fs::remove_file(&self.journal)?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if self.stage.exists() {
                    crate::fs::remove_dir_all(&self.stage)?;
                }
            }
            Err(e) => {
                return Err(Error::Io {
                    action: "read the build journal",
                    path: self.journal.clone(),
                    source: e,
                });
            }
        }
        if self.old.exists() {
            crate::fs::remove_dir_all(&self.old)?;
        }
        Ok(())
    }

    /// Carries out a journal. Every step can run again after an interruption: what is done
    /// is skipped.
    fn apply(&self, commit: &Commit) -> Result<()> {
        if commit.full {
            if self.stage.exists() {
                if self.out.exists() {
                    if self.old.exists() {
                        crate::fs::remove_dir_all(&self.old)?;
                    }
                    crate::fs::rename(&self.out, &self.old)?;
                }
                crate::fs::rename(&self.stage, &self.out)?;
            }
        } else if commit.modified.is_some() {
            // A flat stage (every journal of this showpress has the time).
            self.move_staged(&commit.moves)?;
            self.rewrite_in_place(&commit.rewrites, commit.modified)?;
            if self.stage.exists() {
                crate::fs::remove_dir_all(&self.stage)?;
            }
        } else if self.stage.exists() {
            let staged: Vec<PathBuf> = walkdir::WalkDir::new(&self.stage)
                .min_depth(1)
                .into_iter()
                .filter_map(|e| e.ok())
                .filter(|e| !e.file_type().is_dir())
                .map(|e| e.into_path())
                .collect();
            for from in staged {
                let Ok(rel) = from.strip_prefix(&self.stage) else {
                    continue;
                };
                let to = self.out.join(rel);
                make_room(&self.out, &to)?;
                crate::fs::rename(&from, &to)?;
                die_here_for_tests();
            }
            crate::fs::remove_dir_all(&self.stage)?;
        }
        if !commit.full {
            let mut dirs: FastSet<PathBuf> = FastSet::default();
            for rel in &commit.removed {
                let path = self.out.join(rel);
                match std::fs::remove_file(&path) {
                    Ok(()) => {}
                    // Gone already, or made room for a file or folder of the new site: a folder
                    // above it is a file now, or it is a folder now.
                    Err(e)
                        if matches!(
                            e.kind(),
                            std::io::ErrorKind::NotFound
                                | std::io::ErrorKind::NotADirectory
                                | std::io::ErrorKind::IsADirectory
                        ) => {}
                    Err(e) => {
                        return Err(Error::Io {
                            action: "remove",
                            path,
                            source: e,
                        });
                    }
                }
                let mut p = self.out.join(rel);
                while p.pop() && p != self.out {
                    dirs.insert(p.clone());
                }
            }
            // Folders left empty go too, deepest first (a failure means not empty).
            let mut dirs: Vec<PathBuf> = dirs.into_iter().collect();
            dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
            for d in dirs {
                let _ = std::fs::remove_dir(d);
            }
        }
        if let Some((pending, cache)) = &commit.cache
            && pending.exists()
        {
            crate::fs::rename(pending, cache)?;
        }
        if self.old.exists() {
            crate::fs::remove_dir_all(&self.old)?;
        }
        Ok(())
    }
}

impl Target {
    /// Moves the files of a flat stage into place. A file already moved (the journal is being
    /// completed after a kill) is skipped. Most moves are a plain `rename` over the old file,
    /// done on every thread; those that fail for want of room (a missing folder, a file or
    /// folder in the way) are done afterwards one by one, so making room never races another
    /// move.
    fn move_staged(&self, moves: &[(String, String)]) -> Result<()> {
        let left: Vec<&(String, String)> = moves
            .par_iter()
            .filter(|(name, rel)| {
                let from = self.stage.join(name);
                match std::fs::rename(&from, self.out.join(rel)) {
                    Ok(()) => {
                        die_here_for_tests();
                        false
                    }
                    // Moved before the build was killed.
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound && !from.exists() => false,
                    Err(_) => true,
                }
            })
            .collect();
        for (name, rel) in left {
            let from = self.stage.join(name);
            if !from.exists() {
                continue;
            }
            let to = self.out.join(rel);
            make_room(&self.out, &to)?;
            crate::fs::rename(&from, &to)?;
            die_here_for_tests();
        }
        Ok(())
    }

    /// Rewrites files of the output in place from the redo file, on every thread. Doing it
    /// again gives the same files, so a journal is completed by redoing every rewrite. No redo
    /// file means the staging folder is gone: the commit was done.
    fn rewrite_in_place(
        &self,
        rewrites: &[Rewrite],
        modified: Option<std::time::SystemTime>,
    ) -> Result<()> {
        use std::os::unix::fs::FileExt;
        if rewrites.is_empty() {
            return Ok(());
        }
        let path = self.stage.join(REDO_FILE);
        let redo = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => {
                return Err(Error::Io {
                    action: "read",
                    path,
                    source: e,
                });
            }
        };
        rewrites.par_iter().try_for_each(|r| {
            let mut bytes = vec![0; r.len as usize];
            redo.read_exact_at(&mut bytes, r.at)
                .map_err(|e| Error::Io {
                    action: "read",
                    path: path.clone(),
                    source: e,
                })?;
            self.rewrite(&r.file, &bytes, modified)?;
            die_here_for_tests();
            Ok(())
        })
    }

    /// Gives output file `rel` these bytes and time, in place when it is a plain file linked
    /// nowhere else; otherwise (changed behind the build's back since it was staged) as a new
    /// file, whose other inode the next build notices.
    fn rewrite(
        &self,
        rel: &str,
        bytes: &[u8],
        modified: Option<std::time::SystemTime>,
    ) -> Result<()> {
        use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt};
        let path = self.out.join(rel);
        let io = |action: &'static str| {
            let path = path.clone();
            move |e: std::io::Error| Error::Io {
                action,
                path,
                source: e,
            }
        };
        // Not through a symlink put there since staging: nothing outside the output is written.
        let file = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
            .open(&path)
            .ok()
            .filter(|f| f.metadata().is_ok_and(|m| m.is_file() && m.nlink() == 1));
        let file = match file {
            Some(f) => {
                f.write_all_at(bytes, 0).map_err(io("write"))?;
                f.set_len(bytes.len() as u64).map_err(io("write"))?;
                f
            }
            None => {
                if path.symlink_metadata().is_ok_and(|m| !m.is_dir()) {
                    crate::fs::remove_file(&path)?;
                }
                make_room(&self.out, &path)?;
                let mut f = std::fs::File::create(&path).map_err(io("write"))?;
                std::io::Write::write_all(&mut f, bytes).map_err(io("write"))?;
                f
            }
        };
        if let Some(t) = modified {
            file.set_modified(t).map_err(io("set the time of"))?;
        }
        Ok(())
    }
}

/// The tests of a build killed while it commits (`tests/build_cache.rs`) set
/// `__SHOWPRESS_TEST_ABORT_AFTER_RENAMES=N`: the process dies on the spot after the N-th file
/// moved into place, as a `kill -9` would leave it. No effect without that variable.
fn die_here_for_tests() {
    static LEFT: std::sync::OnceLock<Option<std::sync::atomic::AtomicUsize>> =
        std::sync::OnceLock::new();
    let left = LEFT.get_or_init(|| {
        std::env::var("__SHOWPRESS_TEST_ABORT_AFTER_RENAMES")
            .ok()?
            .parse()
            .ok()
            .map(std::sync::atomic::AtomicUsize::new)
    });
    if let Some(left) = left
        && left.fetch_sub(1, std::sync::atomic::Ordering::SeqCst) <= 1
    {
        std::process::abort();
    }
}

/// Clears the way for a file at `to` inside `out`: a file where a folder must go (an old
/// `a` where `a/index.html` goes) or a folder where the file goes is removed.
fn make_room(out: &Path, to: &Path) -> Result<()> {
    if let Ok(meta) = to.symlink_metadata()
        && meta.is_dir()
    {
        crate::fs::remove_dir_all(to)?;
    }
    let Some(parent) = to.parent() else {
        return Ok(());
    };
    if parent.is_dir() {
        return Ok(());
    }
    let mut p = parent.to_path_buf();
    while p != out && p.starts_with(out) {
        if let Ok(meta) = p.symlink_metadata()
            && !meta.is_dir()
        {
            crate::fs::remove_file(&p)?;
            break;
        }
        if !p.pop() {
            break;
        }
    }
    crate::fs::create_dir_all(parent)
}

/// The folders of a flat stage, file `n` going into folder `n % FLAT_FOLDERS`. Files created
/// in one folder take turns on its lock, and on ext4 soon after many deletions each creation
/// can hold it for long (see bench/README.md): one folder made a template edit's build wait
/// there on every thread.
const FLAT_FOLDERS: usize = 64;

/// A lock of the stage poisoned by a writer thread that panicked.
fn writer_failed() -> Error {
    Error::Message("a writer thread failed".into())
}

/// Files of a build being written, in the staging folder.
pub struct Stage {
    dir: PathBuf,
    /// The next number of a flat stage.
    next: AtomicUsize,
    /// The output folder: a flat stage rewrites in place the files it has.
    out: PathBuf,
    /// The bytes of the files to rewrite in place, and their length so far (see [`Rewrite`]);
    /// `None` in a stage laid out as the output.
    redo: Option<std::fs::File>,
    redo_len: AtomicU64,
    /// The modification time the files rewritten in place get.
    modified: std::time::SystemTime,
    written: Mutex<Vec<(String, DiskStamp)>>,
    /// (name in the staging folder, output file) of a flat stage.
    moves: Mutex<Vec<(String, String)>>,
    rewrites: Mutex<Vec<Rewrite>>,
}

impl Stage {
    /// Writes one file, `rel` being `/`-separated and relative to the output root, and
    /// records its stamp: the one a rename into place keeps, or the one a rewrite in place
    /// gives.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let stamp = match &self.redo {
            Some(redo) => match self.rewritable(rel) {
                Some(inode) => self.stage_rewrite(redo, rel, bytes, inode)?,
                None => self.stage_file(rel, bytes)?,
            },
            None => self.stage_file(rel, bytes)?,
        };
        self.written
            .lock()
            .map_err(|_| writer_failed())?
            .push((rel.to_string(), stamp));
        Ok(())
    }

    /// Files are staged under numbers (see the module's documentation), not at their paths.
    fn flat(&self) -> bool {
        self.redo.is_some()
    }

    /// Appends the new bytes of output file `rel` to the redo file, for the commit to rewrite
    /// it in place; returns the stamp the file will have then.
    fn stage_rewrite(
        &self,
        redo: &std::fs::File,
        rel: &str,
        bytes: &[u8],
        inode: u64,
    ) -> Result<DiskStamp> {
        use std::os::unix::fs::FileExt;
        let at = self
            .redo_len
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        redo.write_all_at(bytes, at).map_err(|e| Error::Io {
            action: "write",
            path: self.dir.join(REDO_FILE),
            source: e,
        })?;
        self.rewrites
            .lock()
            .map_err(|_| writer_failed())?
            .push(Rewrite {
                file: rel.to_string(),
                at,
                len: bytes.len() as u64,
            });
        Ok(DiskStamp {
            len: bytes.len() as u64,
            modified: Some(self.modified),
            inode,
        })
    }

    /// Writes output file `rel` as a file of the staging folder, to be moved into place (or
    /// to become part of the output whole); returns its stamp.
    fn stage_file(&self, rel: &str, bytes: &[u8]) -> Result<DiskStamp> {
        let name = match self.flat() {
            true => {
                let n = self.next.fetch_add(1, Ordering::Relaxed);
                format!("{}/{n}", n % FLAT_FOLDERS)
            }
            false => rel.to_string(),
        };
        let path = self.dir.join(&name);
        // Name the output path, not the staging folder: a file or folder of `static/` in the
        // way of a page is the usual cause.
        let named = |e: Error| match e {
            Error::Io { source, .. } => Error::Message(format!(
                "cannot write `{rel}` into the output: {source} (is `static/{rel}` a folder or file in its way?)"
            )),
            other => other,
        };
        if !self.flat()
            && let Some(parent) = path.parent()
        {
            crate::fs::create_dir_all(parent).map_err(named)?;
        }
        // The stamp from the open file (no second path lookup per file).
        let io = |e: std::io::Error| {
            named(Error::Io {
                action: "write",
                path: path.clone(),
                source: e,
            })
        };
        let mut file = std::fs::File::create(&path).map_err(io)?;
        std::io::Write::write_all(&mut file, bytes).map_err(io)?;
        let meta = file.metadata().map_err(io)?;
        if self.flat() {
            self.moves
                .lock()
                .map_err(|_| writer_failed())?
                .push((name, rel.to_string()));
        }
        Ok(DiskStamp::of(&meta))
    }

    /// The inode of output file `rel` when the commit can rewrite it in place: a plain file
    /// linked nowhere else (a hard link elsewhere, a backup made with `cp -al`, must not change).
    fn rewritable(&self, rel: &str) -> Option<u64> {
        use std::os::unix::fs::MetadataExt;
        let meta = self.out.join(rel).symlink_metadata().ok()?;
        (meta.is_file() && meta.nlink() == 1).then(|| meta.ino())
    }

    /// The commit of this stage: `commit` with the stage's moves and rewrites.
    fn into_commit(self, mut commit: Commit) -> Commit {
        commit.moves = self.moves.into_inner().unwrap_or_else(|e| e.into_inner());
        commit.rewrites = self
            .rewrites
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        // Sorted for a journal that reads in order; the steps themselves are independent.
        commit.moves.sort_unstable_by(|a, b| a.1.cmp(&b.1));
        commit.rewrites.sort_unstable_by(|a, b| a.file.cmp(&b.file));
        commit.modified = Some(self.modified);
        commit
    }

    /// The output files this stage rewrites in place: the times of their folders do not change.
    pub fn rewritten(&self) -> FastSet<String> {
        let rewrites = self.rewrites.lock().unwrap_or_else(|e| e.into_inner());
        rewrites.iter().map(|r| r.file.clone()).collect()
    }

    /// Every folder staged, with its modification time: in a build that replaces the output
    /// whole, the times they keep after the swap.
    pub fn dirs(&self) -> FastMap<String, Option<std::time::SystemTime>> {
        // Every file of the stage went through `write`, so its folders are the written files'
        // parents. Stat-ed on all threads relative to the stage: walking the tree (12k folders
        // at 10k posts) on one thread was ~0.4 s of a clean build.
        let mut dirs: FastSet<&str> = FastSet::default();
        let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        for (rel, _) in written.iter() {
            // A folder seen before had its own parents added then.
            for dir in manifest::parents(rel) {
                if !dirs.insert(dir) {
                    break;
                }
            }
        }
        let under = crate::fs::Dir::open(&self.dir);
        let dirs: Vec<&str> = dirs.into_iter().collect();
        dirs.par_iter()
            .map(|rel| {
                (
                    rel.to_string(),
                    under.stat(rel, false).and_then(|s| s.modified),
                )
            })
            .collect()
    }

    /// What was written: (file, stamp).
    pub fn written(&self) -> Vec<(String, DiskStamp)> {
        self.written.lock().map(|w| w.clone()).unwrap_or_default()
    }
}

/// Removes staging folders left by builds that were killed: those whose process is gone.
/// A build still running (its pid alive) keeps its folder.
fn remove_abandoned(parent: &Path, name: &str) {
    let prefix = format!(".{name}.showpress-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let file_name = e.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        // Only the per-process folders of showpress before the journal (`-<pid>`): the lock,
        // stage and journal of today's builds have names, not numbers.
        let Ok(pid) = rest.trim_end_matches(".old").parse::<u32>() else {
            continue;
        };
        let alive = Path::new(&format!("/proc/{pid}")).exists();
        if !alive && Path::new("/proc/self").exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// The output folder is replaced wholesale, so it must never be the site itself or hold it.
fn refuse_dangerous_target(target: &Path, root: &Path) -> Result<()> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // Canonicalize what exists so `..` and symlinks cannot hide an overlap.
        let mut existing = p.as_path();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_os_string());
                    existing = parent;
                }
                _ => break,
            }
        }
        let mut base = existing
            .canonicalize()
            .unwrap_or_else(|_| existing.to_path_buf());
        for r in rest.into_iter().rev() {
            base.push(r);
        }
        base
    };
    let target_abs = abs(target);
    let root_abs = abs(root);
    if root_abs.starts_with(&target_abs) {
        return Err(Error::Message(format!(
            "refusing to use `{}` as the output folder: it holds the site itself, and the output folder is replaced on every build",
            target.display()
        )));
    }
    for protected in ["content", "templates", "static"] {
        if target_abs.starts_with(root_abs.join(protected)) {
            return Err(Error::Message(format!(
                "refusing to use `{}` as the output folder: it is inside the site's `{protected}/`",
                target.display()
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_replace_the_site() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert!(refuse_dangerous_target(root, root).is_err());
        assert!(refuse_dangerous_target(&root.join("content/x"), root).is_err());
        assert!(refuse_dangerous_target(&root.join(".."), root).is_err());
        assert!(refuse_dangerous_target(&root.join("public"), root).is_ok());
    }

    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                (rel, std::fs::read_to_string(e.path()).unwrap())
            })
            .collect();
        out.sort();
        out
    }

    /// The output of the tests below before the commit: a page folder `a/`, a file `b`, an
    /// unchanged page and a changed one.
    fn old_output(root: &Path) -> Target {
        let out = root.join("public");
        for (rel, text) in [
            ("a/index.html", "old a"),
            ("b", "old b"),
            ("same/index.html", "same"),
            ("changed/index.html", "old"),
        ] {
            let path = out.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Target::open(&out, root).unwrap()
    }

    /// The new site: `a` is a file, `b/` a folder, one page changed and one new.
    fn stage_new_site(target: &Target) -> Stage {
        let stage = target.stage(false).unwrap();
        for (rel, text) in [
            ("a", "new a"),
            ("b/index.html", "new b"),
            ("changed/index.html", "new"),
            ("new/deep/index.html", "deep"),
        ] {
            stage.write(rel, text.as_bytes()).unwrap();
        }
        stage
    }

    fn new_site() -> Vec<(String, String)> {
        [
            ("a", "new a"),
            ("b/index.html", "new b"),
            ("changed/index.html", "new"),
            ("new/deep/index.html", "deep"),
            ("same/index.html", "same"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .to_vec()
    }

    fn stamp(path: &Path) -> DiskStamp {
        DiskStamp::of(&std::fs::metadata(path).unwrap())
    }

    #[test]
    fn a_flat_stage_rewrites_changed_files_in_place_and_moves_new_ones_where_folders_were() {
        let dir = tempfile::tempdir().unwrap();
        let target = old_output(dir.path());
        let out = dir.path().join("public");
        let same = stamp(&out.join("same/index.html"));
        let changed_inode = stamp(&out.join("changed/index.html")).inode;
        let stage = stage_new_site(&target);
        // Flat: no folder of the output's is made in the staging folder.
        assert!(!target.stage.join("new").exists());
        let written: FastMap<String, DiskStamp> = stage.written().into_iter().collect();
        assert_eq!(stage.rewritten().len(), 1);
        let commit = Commit {
            removed: vec!["a/index.html".into(), "b".into()],
            ..Commit::default()
        };
        target.commit(stage, commit).unwrap();
        assert_eq!(tree(&out), new_site());
        assert!(!target.stage.exists());
        assert!(!target.journal.exists());
        assert_eq!(
            stamp(&out.join("same/index.html")),
            same,
            "an unchanged file was touched"
        );
        // Rewritten in place: the same inode, and the stamp the build cache records for it.
        let changed = stamp(&out.join("changed/index.html"));
        assert_eq!(changed.inode, changed_inode);
        assert_eq!(changed, written["changed/index.html"]);
        for (rel, recorded) in &written {
            assert_eq!(stamp(&out.join(rel)), *recorded, "{rel}");
        }
    }

    #[test]
    fn a_file_linked_elsewhere_is_replaced_not_rewritten_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let target = old_output(dir.path());
        let out = dir.path().join("public");
        // A backup made with `cp -al` shares the output's inodes.
        let backup = dir.path().join("backup.html");
        std::fs::hard_link(out.join("changed/index.html"), &backup).unwrap();
        let stage = stage_new_site(&target);
        assert!(stage.rewritten().is_empty());
        let written: FastMap<String, DiskStamp> = stage.written().into_iter().collect();
        let commit = Commit {
            removed: vec!["a/index.html".into(), "b".into()],
            ..Commit::default()
        };
        target.commit(stage, commit).unwrap();
        assert_eq!(tree(&out), new_site());
        assert_eq!(std::fs::read_to_string(&backup).unwrap(), "old");
        assert_eq!(
            stamp(&out.join("changed/index.html")),
            written["changed/index.html"]
        );
    }

    #[test]
    fn a_symlink_put_in_place_of_a_changed_file_after_staging_is_replaced_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let target = old_output(dir.path());
        let out = dir.path().join("public");
        let stage = stage_new_site(&target);
        assert_eq!(stage.rewritten().len(), 1);
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, "mine").unwrap();
        std::fs::remove_file(out.join("changed/index.html")).unwrap();
        std::os::unix::fs::symlink(&outside, out.join("changed/index.html")).unwrap();
        let commit = Commit {
            removed: vec!["a/index.html".into(), "b".into()],
            ..Commit::default()
        };
        target.commit(stage, commit).unwrap();
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "mine");
        assert_eq!(tree(&out), new_site());
        let meta = std::fs::symlink_metadata(out.join("changed/index.html")).unwrap();
        assert!(meta.is_file());
    }

    #[test]
    fn a_journal_of_a_flat_stage_half_done_is_completed_by_the_next_open() {
        let dir = tempfile::tempdir().unwrap();
        let target = old_output(dir.path());
        let stage = stage_new_site(&target);
        let written: FastMap<String, DiskStamp> = stage.written().into_iter().collect();
        let commit = stage.into_commit(Commit {
            removed: vec!["a/index.html".into(), "b".into()],
            ..Commit::default()
        });
        assert_eq!(commit.rewrites.len(), 1);
        // Killed after the journal was written, two files moved and the rewrite begun (its
        // file truncated).
        std::fs::write(&target.journal, serde_json::to_vec(&commit).unwrap()).unwrap();
        for (name, rel) in &commit.moves[1..] {
            let to = target.out.join(rel);
            make_room(&target.out, &to).unwrap();
            std::fs::rename(target.stage.join(name), to).unwrap();
        }
        let changed = std::fs::OpenOptions::new()
            .write(true)
            .open(target.out.join("changed/index.html"))
            .unwrap();
        changed.set_len(0).unwrap();
        drop(changed);
        let out = target.out.clone();
        drop(target);
        let target = Target::open(&out, dir.path()).unwrap();
        assert_eq!(tree(&out), new_site());
        assert!(!target.stage.exists());
        assert!(!target.journal.exists());
        for (rel, recorded) in &written {
            assert_eq!(stamp(&out.join(rel)), *recorded, "{rel}");
        }
    }
}
