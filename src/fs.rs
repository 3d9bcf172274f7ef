//! File-system calls that always name the path they failed on.

use std::fs;
use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> Error + 'a {
    move |source| Error::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// A folder whose files are stat-ed by paths relative to it. On Unix the folder is opened
/// once and each path looked up from it (`fstatat`): a build stats every content file and
/// every output file and folder (~68k paths at 10k posts), and walking each absolute path's
/// every component again in the kernel was the largest part of the output check's time.
pub struct Dir {
    path: std::path::PathBuf,
    #[cfg(unix)]
    fd: Option<rustix::fd::OwnedFd>,
}

/// What [`Dir::stat`] gives: the parts of `std::fs::Metadata` showpress compares (the
/// build cache keeps one per output file: [`crate::output::DiskStamp`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stat {
    pub len: u64,
    pub modified: Option<std::time::SystemTime>,
    pub inode: u64,
}

impl Stat {
    pub fn of(meta: &fs::Metadata) -> Stat {
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(meta);
        #[cfg(not(unix))]
        let inode = 0;
        Stat {
            len: meta.len(),
            modified: meta.modified().ok(),
            inode,
        }
    }
}

impl Dir {
    /// Never fails: a folder that cannot be opened is stat-ed through full paths.
    pub fn open(path: &Path) -> Dir {
        #[cfg(unix)]
        let fd = {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            rustix::fs::open(path, flags, Mode::empty()).ok()
        };
        Dir {
            path: path.to_path_buf(),
            #[cfg(unix)]
            fd,
        }
    }

    /// `rel` (`/`-separated; `""` is the folder itself), following a final symlink when
    /// `follow`; `None` when it cannot be stat-ed.
    pub fn stat(&self, rel: &str, follow: bool) -> Option<Stat> {
        #[cfg(unix)]
        if let Some(fd) = &self.fd {
            use rustix::fs::AtFlags;
            let flags = if follow {
                AtFlags::empty()
            } else {
                AtFlags::SYMLINK_NOFOLLOW
            };
            let path = if rel.is_empty() { "." } else { rel };
            let st = rustix::fs::statat(fd, path, flags).ok()?;
            return Some(Stat {
                len: st.st_size as u64,
                modified: unix_time(st.st_mtime as i64, st.st_mtime_nsec as u32),
                inode: st.st_ino as u64,
            });
        }
        let full = self.path.join(rel);
        let meta = if follow {
            full.metadata()
        } else {
            full.symlink_metadata()
        };
        Some(Stat::of(&meta.ok()?))
    }
}

/// A file time as `std::fs::Metadata::modified` gives it (stamps taken either way are
/// compared with each other).
#[cfg(unix)]
fn unix_time(secs: i64, nanos: u32) -> Option<std::time::SystemTime> {
    let epoch = std::time::UNIX_EPOCH;
    if secs >= 0 {
        epoch.checked_add(std::time::Duration::new(secs as u64, nanos))
    } else {
        // Before 1970: `secs` whole seconds back, then `nanos` forward.
        epoch
            .checked_sub(std::time::Duration::from_secs(secs.unsigned_abs()))?
            .checked_add(std::time::Duration::from_nanos(nanos.into()))
    }
}

pub fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(io("read", path))
}

pub fn remove_file(path: &Path) -> Result<()> {
    fs::remove_file(path).map_err(io("remove", path))
}

pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).map_err(io("write", path))
}

pub fn create_dir_all(path: &Path) -> Result<()> {
    fs::create_dir_all(path).map_err(io("create directory", path))
}

pub fn remove_dir_all(path: &Path) -> Result<()> {
    fs::remove_dir_all(path).map_err(io("remove", path))
}

pub fn rename(from: &Path, to: &Path) -> Result<()> {
    fs::rename(from, to).map_err(io("move", from))
}

pub fn copy(from: &Path, to: &Path) -> Result<()> {
    fs::copy(from, to).map(|_| ()).map_err(io("copy", from))
}

/// What a failed step of a folder walk means for the user: `None` for a dangling symlink (an
/// editor's lock file, nothing to read), else a diagnostic naming the path relative to `root`.
pub fn walk_problem(root: &Path, e: &walkdir::Error) -> Option<Diagnostic> {
    let path = e.path()?;
    let rel = path
        .strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    if e.loop_ancestor().is_some() {
        return Some(Diagnostic::file(
            rel,
            "symlink loop: this folder links back to one of its parents",
        ));
    }
    if path.symlink_metadata().is_ok() && !path.exists() {
        return None;
    }
    let msg = e
        .io_error()
        .map_or_else(|| e.to_string(), |io| io.to_string());
    Some(Diagnostic::file(rel, format!("failed to read: {msg}")))
}

pub const STATIC_DIR: &str = "static";

/// The files of the site's `static/`, as (path relative to it, absolute path), in a stable
/// order: what `build` copies and `serve` serves. Editor temp files are left out, dangling
/// symlinks skipped; a `static` that is a file, a symlink loop or an unreadable entry is an
/// error.
pub fn static_files(root: &Path) -> Result<Vec<(String, std::path::PathBuf)>> {
    let dir = root.join(STATIC_DIR);
    if !dir.exists() {
        return Ok(Vec::new());
    }
    if !dir.is_dir() {
        return Err(Diagnostic::file(
            STATIC_DIR,
            "`static` is not a directory, expected a folder of files to publish as they are",
        )
        .into());
    }
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for entry in walkdir::WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                errors.extend(walk_problem(root, &e));
                continue;
            }
        };
        if !entry.file_type().is_file() || is_editor_temp(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        files.push((
            rel.to_string_lossy().replace('\\', "/"),
            entry.path().to_path_buf(),
        ));
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(Error::Diagnostics(errors))
    }
}

/// Files editors write next to the real one while saving or as locks. A change to them never
/// rebuilds; the rename or write of the real file does. Each rule is narrow enough not to take
/// a file a site would publish (`static/` files can have any name): temp names that are only a
/// pattern of random characters are matched by their exact shape, and a temp name that looks
/// like an ordinary file (Qt's `post.md.AbCdEf`, which `nginx.conf.sample` would match too) has
/// no rule here: `serve` drops it because it was created and gone within one save (see
/// `serve::watch`).
pub fn is_editor_temp(name: &str) -> bool {
    name.ends_with('~')                                   // vim, emacs, gedit backups
        || name == "4913"                                 // vim's write-permission probe
        || name.ends_with(".swp") || name.ends_with(".swx") || name.ends_with(".swo")
        || name.starts_with(".#")                         // emacs lock links
        || (name.starts_with('#') && name.ends_with('#')) // emacs auto-save
        || name.contains("___jb_tmp___") || name.contains("___jb_old___") // JetBrains
        || name.ends_with(".kate-swp")
        || name.ends_with(".bak") || name.ends_with(".tmp") || name.ends_with(".bck")
        || name == ".DS_Store"
        || name.ends_with(".crswap") // Chrome-based editors
        || random_suffix(name, "sed")                     // `sed -i`: mkstemp's `sedXXXXXX`
        || random_suffix(name, ".goutputstream-") // gedit and every GIO program
}

/// `name` is `prefix` and the six letters or digits `mkstemp` puts for `XXXXXX`, nothing more:
/// `sed` alone, `sed.css` or `sedation` are not temp files. An extensionless file of exactly that
/// shape (`sedations`) is taken for one: a chance accepted so that sed's temp file never starts a
/// rebuild, and never gets published by a build that runs while sed writes it.
fn random_suffix(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix)
        .is_some_and(|rest| rest.len() == 6 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// An exclusive lock held through a file, removed when dropped so no lock file is left
/// behind beside the user's folders.
#[derive(Debug)]
pub struct LockFile {
    path: std::path::PathBuf,
    _file: std::fs::File,
}

impl Drop for LockFile {
    fn drop(&mut self) {
        // Removed while still held: a process waiting on this file notices below that the
        // path no longer names it and starts over with a new one.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Takes an exclusive lock through the file `path` (creating it). When another process holds
/// it, calls `waiting` once and waits for it.
pub fn lock_file(path: &Path, waiting: impl FnOnce()) -> Result<LockFile> {
    let io = |e| Error::Io {
        action: "lock",
        path: path.to_path_buf(),
        source: e,
    };
    let mut waiting = Some(waiting);
    loop {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                if let Some(w) = waiting.take() {
                    w();
                }
                file.lock().map_err(io)?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        // The holder removes the file when done: the lock counts only if the path still
        // names the file we locked.
        if same_file(&file, path) {
            return Ok(LockFile {
                path: path.to_path_buf(),
                _file: file,
            });
        }
    }
}

#[cfg(unix)]
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::is_editor_temp;

    #[test]
    fn temp_names_editors_save_through() {
        for name in [
            "sedismO9D", // GNU sed -i (seen with strace)
            "sed0AbZ9x",
            ".goutputstream-K3ZQ91", // gedit (GIO's g_file_replace)
            "a.md___jb_tmp___",      // JetBrains safe write
            "a.md___jb_old___",
            "a.md~", // vim's backup while writing
            "4913",
            ".a.md.swp",
            ".a.md.kate-swp",
            ".#a.md",
            "#a.md#",
        ] {
            assert!(is_editor_temp(name), "{name} should be a temp file");
        }
    }

    #[test]
    fn real_files_that_look_alike_are_not_temp_files() {
        for name in [
            "sed",
            "sed.css",
            "sedation",     // five after `sed`
            "sed12345",     // five after `sed`
            "sed1234567",   // seven
            "sed123456.md", // a post
            "sed-12345",    // not alphanumeric
            "a.md",
            "nginx.conf.sample",
            "post.md.AbCdEf", // Qt's temp shape: left to serve's created-and-gone rule
            ".goutputstream",
            ".goutputstream-12345",
            ".well-known",
            "4914",
        ] {
            assert!(!is_editor_temp(name), "{name} is a real file name");
        }
    }
}

#[cfg(test)]
mod dir_tests {
    use super::*;

    #[test]
    fn a_relative_stat_equals_what_std_gives_for_the_full_path() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("a/b")).unwrap();
        std::fs::write(tmp.path().join("a/b/x.html"), "<p>x</p>").unwrap();
        let dir = Dir::open(tmp.path());
        let meta = std::fs::symlink_metadata(tmp.path().join("a/b/x.html")).unwrap();
        assert_eq!(dir.stat("a/b/x.html", false), Some(Stat::of(&meta)));
        let meta = std::fs::metadata(tmp.path()).unwrap();
        assert_eq!(dir.stat("", true), Some(Stat::of(&meta)));
        assert_eq!(dir.stat("a/missing", false), None);
        // A folder that cannot be opened falls back to full paths, and finds nothing.
        assert_eq!(
            Dir::open(&tmp.path().join("nope")).stat("a/b/x.html", false),
            None
        );
    }
}
