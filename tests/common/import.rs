//! Helpers for `showpress import` tests: a temp copy of a source fixture, the import run into
//! another temp folder, a check that the source was not changed, and the old URLs of what was
//! written.

use std::collections::BTreeMap;

use super::{Run, TestSite, files_under};

pub struct Imported {
    /// A temp copy of the source fixture.
    pub src: TestSite,
    /// The showpress site written (`--into`).
    pub site: TestSite,
    pub run: Run,
}

/// Runs `showpress import <from> <copy of tests/fixtures/<fixture>> --into <site> <args>` into
/// `site` and asserts the source folder is byte for byte what it was.
pub fn import_into(site: TestSite, fixture: &str, from: &str, args: &[&str]) -> Imported {
    import_site(site, TestSite::fixture(fixture), from, args)
}

/// Imports the source site `src` (written by the test) into `site`.
pub fn import_site(site: TestSite, src: TestSite, from: &str, args: &[&str]) -> Imported {
    let before = files_under(src.root());
    let src_arg = src.root().to_string_lossy().into_owned();
    let into = site.root().to_string_lossy().into_owned();
    let mut all = vec!["import", from, &src_arg, "--into", &into];
    all.extend_from_slice(args);
    let run = site.run(&all);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(
        files_under(src.root()),
        before,
        "import changed its source folder"
    );
    Imported { src, site, run }
}

pub fn import(fixture: &str, from: &str, args: &[&str]) -> Imported {
    import_into(TestSite::empty(), fixture, from, args)
}

impl Imported {
    /// The report with the temp folders written as `SRC` and `DIR`.
    pub fn report(&self) -> String {
        self.run
            .stdout
            .replace(&self.src.root().to_string_lossy().into_owned(), "SRC")
            .replace(&self.site.root().to_string_lossy().into_owned(), "DIR")
    }

    /// A file the import wrote, relative to the new site.
    pub fn file(&self, rel: &str) -> String {
        let p = self.site.path(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
    }

    /// Every post written: its path under the site, its slug and its aliases.
    pub fn aliases(&self) -> BTreeMap<String, (String, Vec<String>)> {
        let mut out = BTreeMap::new();
        for (rel, bytes) in files_under(&self.site.path("content")) {
            if !rel.ends_with(".md") {
                continue;
            }
            let text = String::from_utf8(bytes).unwrap();
            let fm = text.split("+++\n").nth(1).unwrap();
            let table: toml::Table = fm.parse().unwrap();
            let slug = table["slug"].as_str().unwrap().to_string();
            let aliases = table
                .get("aliases")
                .map(|a| {
                    a.as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_str().unwrap().to_string())
                        .collect()
                })
                .unwrap_or_default();
            out.insert(rel, (slug, aliases));
        }
        out
    }
}

/// The file of the built site (under `public/`) that an alias path is written as: a last
/// segment with a dot is that file, anything else a folder's `index.html`.
pub fn alias_file(alias: &str) -> String {
    let path = alias.trim_start_matches('/');
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    if last.contains('.') {
        path.to_string()
    } else {
        format!("{}/index.html", path.trim_end_matches('/'))
    }
}
