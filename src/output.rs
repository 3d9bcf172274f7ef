//! The only module that writes the site. A build goes into a staging folder next to the
//! output; only when every page rendered is it swapped in, so a failed build leaves the previous
//! output exactly as it was, and a good one leaves no stale file from a deleted post.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A build in progress. Dropping it without [`Staging::commit`] removes what it wrote.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Staging {
    /// Prepares a staging folder beside `target` (same file system, so the swap is a rename).
    pub fn new(target: &Path, root: &Path) -> Result<Staging> {
        refuse_dangerous_target(target, root)?;
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        crate::fs::create_dir_all(parent)?;
        let name = target
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        remove_abandoned(parent, &name);
        let dir = parent.join(format!(".{name}.showpress-{}", std::process::id()));
        if dir.exists() {
            crate::fs::remove_dir_all(&dir)?;
        }
        crate::fs::create_dir_all(&dir)?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    /// Writes one file, `rel` being `/`-separated and relative to the output root.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.dir.join(rel);
        // Name the output path, not the staging folder: a file or folder of `static/` in the
        // way of a page is the usual cause.
        let named = |e: Error| match e {
            Error::Io { source, .. } => Error::Message(format!(
                "cannot write `{rel}` into the output: {source} (is `static/{rel}` a folder or file in its way?)"
            )),
            other => other,
        };
        if let Some(parent) = path.parent() {
            crate::fs::create_dir_all(parent).map_err(named)?;
        }
        crate::fs::write(&path, bytes).map_err(named)
    }

    /// Copies `files` (path relative to `static/`, absolute path) into the staged output,
    /// keeping their paths. Returns how many.
    pub fn copy_static<'a>(
        &self,
        files: impl IntoIterator<Item = &'a (String, PathBuf)>,
    ) -> Result<usize> {
        let mut copied = 0;
        for (rel, abs) in files {
            let to = self.dir.join(rel);
            if let Some(parent) = to.parent() {
                crate::fs::create_dir_all(parent)?;
            }
            crate::fs::copy(abs, &to)?;
            copied += 1;
        }
        Ok(copied)
    }

    /// Whether a file already exists in the staged output (static files win over theme assets).
    pub fn contains(&self, rel: &str) -> bool {
        self.dir.join(rel).exists()
    }

    /// Swaps the staged output in place of the target.
    pub fn commit(mut self) -> Result<()> {
        // Unique per process like the staging folder, so a leftover from a killed build never
        // blocks the next one.
        let mut old = self.dir.clone().into_os_string();
        old.push(".old");
        let old = PathBuf::from(old);
        let had_old = self.target.exists();
        if had_old {
            crate::fs::rename(&self.target, &old)?;
        }
        if let Err(e) = crate::fs::rename(&self.dir, &self.target) {
            if had_old {
                // Put the previous output back rather than leave nothing.
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(e);
        }
        self.committed = true;
        if had_old {
            crate::fs::remove_dir_all(&old)?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
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
        let pid = rest.trim_end_matches(".old");
        let alive = pid
            .parse::<u32>()
            .is_ok_and(|p| Path::new(&format!("/proc/{p}")).exists());
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
}
