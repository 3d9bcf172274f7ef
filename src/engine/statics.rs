//! The files of `static/` and the built-in theme's assets in the engine's output: read, checked
//! against the pages (a page wins over a static file of its name, with a warning; a file and a
//! page on one path as file and folder is an error), and handed to the sink when their bytes
//! changed.

use super::{Engine, Out, Sink};
use crate::assets::process::Op;
use crate::assets::strip;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::fingerprint::{self, FastMap, FastSet};
use crate::fs::STATIC_DIR;
use crate::render::Planned;

/// Assets of the built-in theme, published unless the site's `static/` has a file of that name.
pub const THEME_ASSETS: &[(&str, &str)] =
    &[("style.css", include_str!("../theme/static/style.css"))];

/// Warnings for the files of `static/` (`names`, relative to it) that a generated page is
/// written in place of, so they are not published. `pages`: (output file, page path) of the
/// pages, at least those written where a static file goes.
pub fn shadowed_statics<'a>(
    names: impl IntoIterator<Item = &'a str>,
    pages: &FastMap<&str, &str>,
) -> Vec<Diagnostic> {
    let mut hidden: Vec<&str> = names
        .into_iter()
        .filter(|n| pages.contains_key(n))
        .collect();
    hidden.sort_unstable();
    hidden
        .into_iter()
        .map(|rel| {
            Diagnostic::file(
                format!("{STATIC_DIR}/{rel}"),
                format!(
                    "not published: the generated page /{} is written to the same file; rename or move this one",
                    pages[rel]
                ),
            )
            .warning()
        })
        .collect()
}

impl Engine {
    /// A photo or picture of `static/` as published: upright and without identifying
    /// metadata (see [`crate::assets::strip`]); other files as they are.
    fn clean_image(&self, rel: &str, bytes: Vec<u8>) -> Result<Vec<u8>> {
        let Some((_, img)) = self.static_probes.get(rel) else {
            return Ok(bytes);
        };
        if !img.probe.format.is_raster() || !(img.probe.turned || strip::has_metadata(&bytes)) {
            return Ok(bytes);
        }
        if !img.probe.turned
            && let Some(clean) = strip::strip(&bytes)
        {
            return Ok(clean);
        }
        let hash = crate::fingerprint::of_bytes(&bytes);
        let quality = self.config.as_ref().map_or(80, |c| c.images.quality);
        let (mut made, _) = self
            .images
            .make(&bytes, hash, &img.probe, &[Op::Original], quality)
            .map_err(|why| {
                Error::Diagnostics(vec![Diagnostic::file(
                    format!("{STATIC_DIR}/{rel}"),
                    format!(
                        "cannot decode this image ({why}), expected a whole {} file",
                        img.probe.format.name()
                    ),
                )])
            })?;
        Ok(made.pop().unwrap_or(bytes))
    }

    /// Reads `static/` and the theme assets, hands the files whose bytes changed to `sink`,
    /// and returns the names published and the warnings for files a page takes the place of.
    pub(super) fn publish_statics(
        &self,
        planned: &[Planned],
        sink: Sink,
        new_outputs: &mut Vec<(String, Out)>,
    ) -> Result<(FastSet<String>, Vec<Diagnostic>)> {
        let files = crate::fs::static_files(&self.opts.root)?;
        // Static files are few and pages many (27k at 10k posts): only the pages that meet a
        // static file's path are gathered, instead of indexing every page and every page's
        // folder (~10 ms of each run).
        let names: FastSet<&str> = files
            .iter()
            .map(|(rel, _)| rel.as_str())
            .chain(THEME_ASSETS.iter().map(|(name, _)| *name))
            .collect();
        let folders: FastSet<&str> = files
            .iter()
            .flat_map(|(rel, _)| rel.match_indices('/').map(move |(i, _)| &rel[..i]))
            .collect();
        // Pages written where a static file or one of its folders goes (file -> page path),
        // and static files where a page's folder goes.
        let mut pages: FastMap<&str, &str> = FastMap::default();
        let mut page_dirs: FastSet<&str> = FastSet::default();
        for p in planned {
            let file = p.file.as_str();
            if names.contains(file) || folders.contains(file) {
                pages.insert(file, p.path.as_str());
            }
            for (i, _) in file.match_indices('/') {
                if names.contains(&file[..i]) {
                    page_dirs.insert(&file[..i]);
                }
            }
        }
        let warnings = shadowed_statics(files.iter().map(|(rel, _)| rel.as_str()), &pages);
        // A static file and a page cannot share a path as file and folder (`static/index.html/`
        // where the home page goes, or `static/posts` where the posts' folder goes): say so
        // before anything is written, whatever the output holds already.
        for (rel, _) in &files {
            let under_page = rel
                .match_indices('/')
                .map(|(i, _)| &rel[..i])
                .find(|dir| pages.contains_key(dir));
            if let Some(page) = under_page {
                return Err(Error::Message(format!(
                    "cannot write `{page}` into the output: `{STATIC_DIR}/{page}` is a folder where that page goes; rename or move it"
                )));
            }
            if page_dirs.contains(rel.as_str()) {
                return Err(Error::Message(format!(
                    "cannot write the pages under `{rel}/` into the output: `{STATIC_DIR}/{rel}` is a file where their folder goes; rename or move it"
                )));
            }
        }
        let mut names = FastSet::default();
        let mut publish = |names: &mut FastSet<String>, rel: &str, bytes: &[u8]| -> Result<()> {
            names.insert(rel.to_string());
            let hash = fingerprint::of_bytes(bytes);
            let out = Out {
                key: hash,
                hash,
                len: bytes.len() as u64,
            };
            if self
                .outputs
                .get(rel)
                .is_none_or(|o| o.hash != out.hash || o.len != out.len)
            {
                sink(rel, bytes)?;
                new_outputs.push((rel.to_string(), out));
            }
            Ok(())
        };
        for (rel, abs) in &files {
            if pages.contains_key(rel.as_str()) {
                continue;
            }
            // A file deleted between the walk and the read is simply not there any more.
            let Ok(bytes) = std::fs::read(abs) else {
                continue;
            };
            let bytes = self.clean_image(rel, bytes)?;
            publish(&mut names, rel, &bytes)?;
        }
        for (name, body) in THEME_ASSETS {
            if !names.contains(*name) && !pages.contains_key(name) {
                publish(&mut names, name, body.as_bytes())?;
            }
        }
        Ok((names, warnings))
    }
}
