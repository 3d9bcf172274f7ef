//! Test harness: copies a fixture site to a temp folder, runs the real `showpress` binary on
//! it, and gives access to what it printed and wrote.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub mod cards;
pub mod images;
pub mod import;
pub mod search;

pub struct TestSite {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let ty = entry.file_type().unwrap();
        if ty.is_dir() {
            copy_dir(&entry.path(), &target);
        } else if ty.is_symlink() {
            let link = fs::read_link(entry.path()).unwrap();
            std::os::unix::fs::symlink(link, &target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

impl TestSite {
    /// A temp copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> TestSite {
        let site = TestSite::empty();
        copy_dir(&fixtures().join(name), site.root());
        site
    }

    /// A temp copy of the example site shipped at the repo root (its config, content,
    /// templates and static files; not its output).
    pub fn example() -> TestSite {
        let site = TestSite::empty();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        fs::copy(repo.join("config.toml"), site.path("config.toml")).unwrap();
        for dir in ["content", "templates", "static"] {
            if repo.join(dir).is_dir() {
                copy_dir(&repo.join(dir), &site.path(dir));
            }
        }
        site
    }

    /// An empty temp folder.
    pub fn empty() -> TestSite {
        TestSite {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Writes a file into the site, creating folders.
    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
        self
    }

    pub fn remove(&self, rel: &str) -> &Self {
        fs::remove_file(self.path(rel)).unwrap();
        self
    }

    /// Runs `showpress --root <site> <args...>` in the site folder.
    /// Runs showpress on the site. The no-Hangul-font notice is taken out of stderr: it says
    /// something about this machine, not the site, and tests that compare stderr exactly must
    /// pass on a machine without Korean fonts too (the card tests use [`TestSite::run_raw`]).
    pub fn run(&self, args: &[&str]) -> Run {
        let mut r = self.run_raw(args);
        r.stderr = r.stderr.replace(cards::NO_HANGUL, "");
        r
    }

    /// Runs showpress on the site, stderr as printed.
    pub fn run_raw(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    /// Runs showpress on the site with environment variables set, stderr as printed.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let out: Output = Command::new(env!("CARGO_BIN_EXE_showpress"))
            .arg("--root")
            .arg(self.root())
            .args(args)
            .envs(env.iter().copied())
            .current_dir(self.root())
            .output()
            .unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `showpress build`, asserting it succeeded.
    pub fn build(&self) -> Run {
        self.build_with(&[])
    }

    pub fn build_with(&self, extra: &[&str]) -> Run {
        let r = self.build_raw(extra);
        Run {
            stderr: r.stderr.replace(cards::NO_HANGUL, ""),
            ..r
        }
    }

    /// `showpress build`, asserting it succeeded; stderr as printed.
    pub fn build_raw(&self, extra: &[&str]) -> Run {
        let mut args = vec!["build"];
        args.extend_from_slice(extra);
        let r = self.run_raw(&args);
        assert_eq!(r.code, 0, "build failed:\n{}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        r
    }

    /// A file of the output, `public/` implied: `read("posts/x/index.html")`.
    pub fn read(&self, rel: &str) -> String {
        let p = self.path("public").join(rel);
        fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path("public").join(rel).exists()
    }

    /// Every file under `public/`, sorted, `/`-separated.
    pub fn output_files(&self) -> Vec<String> {
        let mut out = Vec::new();
        fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
            let Ok(rd) = fs::read_dir(dir) else { return };
            for e in rd {
                let e = e.unwrap();
                if e.file_type().unwrap().is_dir() {
                    walk(&e.path(), base, out);
                } else {
                    out.push(
                        e.path()
                            .strip_prefix(base)
                            .unwrap()
                            .to_string_lossy()
                            .replace('\\', "/"),
                    );
                }
            }
        }
        walk(&self.path("public"), &self.path("public"), &mut out);
        out.sort();
        out
    }
}

/// Asserts `haystack` contains `needle`, showing the page on failure.
#[track_caller]
pub fn assert_contains(haystack: &str, needle: &str) {
    assert!(
        haystack.contains(needle),
        "expected to find:\n{needle}\n--- in ---\n{haystack}"
    );
}

#[track_caller]
pub fn assert_not_contains(haystack: &str, needle: &str) {
    assert!(
        !haystack.contains(needle),
        "expected NOT to find:\n{needle}\n--- in ---\n{haystack}"
    );
}

/// Minimal config for sites written inline by tests.
pub const CONFIG: &str =
    "title = \"테스트 블로그\"\nbase_url = \"https://example.com/\"\npaginate = 2\n";

/// A post with the given front-matter lines and body.
pub fn post(front_matter: &str, body: &str) -> String {
    format!("+++\n{front_matter}\n+++\n{body}")
}

/// Every file under `dir`, by `/`-separated relative path.
fn walk_files(dir: &Path) -> impl Iterator<Item = (String, walkdir::DirEntry)> + '_ {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(move |e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            (rel.replace('\\', "/"), e)
        })
}

/// Every file under `dir` with its bytes, by `/`-separated relative path.
pub fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walk_files(dir)
        .map(|(rel, e)| (rel, fs::read(e.path()).unwrap()))
        .collect()
}

/// Inode and modification time of every file under `dir`: what an unchanged file keeps.
pub fn stamps_under(dir: &Path) -> BTreeMap<String, (u64, std::time::SystemTime)> {
    use std::os::unix::fs::MetadataExt;
    walk_files(dir)
        .map(|(rel, e)| {
            let meta = e.metadata().unwrap();
            (rel, (meta.ino(), meta.modified().unwrap()))
        })
        .collect()
}
