//! The ways editors save a file, as the file system calls they make, for tests that drive
//! `serve` with each (`serve_saves.rs`). Names and steps are the editors' own: sed's from
//! `strace sed -i`, the others from their sources (see [`Style`]).
#![allow(dead_code)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Truncate and write (VS Code, nano, Kate with KTextEditor 6).
    InPlace,
    /// A hidden temp file renamed over the file.
    Rename,
    /// vim's default: probe with `4913`, rename the file to `name~`, write a new one, delete
    /// the backup.
    Vim,
    /// `sed -i 's/…/…/' file`: GNU sed writes `sedXXXXXX` and renames it over the file.
    Sed,
    /// gedit (GIO's `g_file_replace`): `.goutputstream-XXXXXX`, renamed over the file.
    Gedit,
    /// JetBrains' "safe write": `name___jb_tmp___` written, the file renamed to
    /// `name___jb_old___`, the temp renamed to the name, the old one deleted.
    JetBrains,
    /// Qt's QSaveFile on Linux (Kate before KTextEditor 6, Qt programs): an `O_TMPFILE` file
    /// written, linked as `name.XXXXXX` (six letters) because the name exists, renamed over it.
    QtUnnamed,
    /// QSaveFile where `O_TMPFILE` is not supported: `name.XXXXXX` created, written, renamed.
    QtNamed,
}

pub const ALL: [Style; 8] = [
    Style::InPlace,
    Style::Rename,
    Style::Vim,
    Style::Sed,
    Style::Gedit,
    Style::JetBrains,
    Style::QtUnnamed,
    Style::QtNamed,
];

/// Saves `text` as `path` the way `style` does. For [`Style::Sed`], `text` must be what
/// replacing `old` by `new` in the file gives: sed makes that change itself.
pub fn save(style: Style, path: &Path, text: &str, (old, new): (&str, &str)) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let beside = |n: String| path.with_file_name(n);
    match style {
        Style::InPlace => fs::write(path, text).unwrap(),
        Style::Rename => {
            let tmp = beside(format!(".{name}.tmp"));
            fs::write(&tmp, text).unwrap();
            fs::rename(&tmp, path).unwrap();
        }
        Style::Vim => {
            let probe = beside("4913".into());
            fs::write(&probe, "").unwrap();
            fs::remove_file(&probe).unwrap();
            let backup = beside(format!("{name}~"));
            fs::rename(path, &backup).unwrap();
            fs::write(path, text).unwrap();
            fs::remove_file(&backup).unwrap();
        }
        Style::Sed => {
            let status = Command::new("sed")
                .arg("-i")
                .arg(format!("s/{old}/{new}/"))
                .arg(path)
                .status()
                .expect("run sed");
            assert!(status.success());
            assert_eq!(
                fs::read_to_string(path).unwrap(),
                text,
                "sed wrote another text"
            );
        }
        Style::Gedit => {
            let tmp = beside(format!(".goutputstream-{}", random(6, true)));
            fs::write(&tmp, text).unwrap();
            fs::rename(&tmp, path).unwrap();
        }
        Style::JetBrains => {
            let tmp = beside(format!("{name}___jb_tmp___"));
            let old = beside(format!("{name}___jb_old___"));
            fs::write(&tmp, text).unwrap();
            fs::rename(path, &old).unwrap();
            fs::rename(&tmp, path).unwrap();
            fs::remove_file(&old).unwrap();
        }
        Style::QtUnnamed => qt_unnamed(path, text),
        Style::QtNamed => {
            let tmp = beside(format!("{name}.{}", random(6, false)));
            fs::write(&tmp, text).unwrap();
            fs::rename(&tmp, path).unwrap();
        }
    }
}

/// QTemporaryFileEngine's unnamed file: written before it has a name, then `linkat` to the
/// template name (the real name exists), then renamed.
fn qt_unnamed(path: &Path, text: &str) {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::io::AsRawFd;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .mode(0o644)
        .custom_flags(libc::O_TMPFILE)
        .open(path.parent().unwrap())
        .expect("O_TMPFILE");
    file.write_all(text.as_bytes()).unwrap();
    let name = path.file_name().unwrap().to_string_lossy();
    let tmp: PathBuf = path.with_file_name(format!("{name}.{}", random(6, false)));
    let src = std::ffi::CString::new(format!("/proc/self/fd/{}", file.as_raw_fd())).unwrap();
    let dst = std::ffi::CString::new(tmp.as_os_str().as_bytes()).unwrap();
    // SAFETY: both are valid NUL-terminated paths; AT_FDCWD needs no open directory.
    let r = unsafe {
        libc::linkat(
            libc::AT_FDCWD,
            src.as_ptr(),
            libc::AT_FDCWD,
            dst.as_ptr(),
            libc::AT_SYMLINK_FOLLOW,
        )
    };
    assert_eq!(r, 0, "linkat: {}", std::io::Error::last_os_error());
    drop(file);
    fs::rename(&tmp, path).unwrap();
}

/// `n` characters as mkstemp (letters and digits) or Qt (letters) pick them.
fn random(n: usize, digits: bool) -> String {
    let alphabet: &[u8] = if digits {
        b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    } else {
        b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    };
    let mut x = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            alphabet[(x % alphabet.len() as u64) as usize] as char
        })
        .collect()
}
