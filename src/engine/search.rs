//! The search index in the engine's output (see [`crate::search`]): made from the site model
//! after every run that changed it, full and swapped alike, so `serve` always serves an index
//! of what it shows. Like every output, only files whose bytes changed go to the sink; the
//! index's files are named by their bytes, so the files of a previous index that are not part
//! of this one are removed.

use super::{Engine, Out, Sink};
use crate::config::CONFIG_FILE;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::fingerprint::{self, FastSet};
use crate::fs::STATIC_DIR;
use crate::site::Site;
use crate::urls::Linker;

/// What [`Engine::publish_search`] did.
#[derive(Default)]
pub(super) struct Search {
    /// Every file of the index.
    pub names: FastSet<String>,
    /// (path, record, whether its bytes were handed to the sink).
    pub made: Vec<(String, Out, bool)>,
}

impl Engine {
    /// Hands the index files whose bytes changed to `sink`. `statics` are the output paths
    /// of static files, which may not take an index file's place.
    pub(super) fn publish_search(
        &self,
        site: &Site,
        statics: &FastSet<String>,
        sink: Sink,
    ) -> Result<Search> {
        // `check` writes nothing: no index to make.
        if !site.config.search.enabled || self.opts.keep_going {
            return Ok(Search::default());
        }
        let link = Linker::new(&site.config.base_url, site.config.base_path());
        let files = crate::search::build(site, &link);
        let mut clashes: Vec<&String> = files
            .iter()
            .map(|(path, _)| path)
            .filter(|p| statics.contains(*p))
            .collect();
        if !clashes.is_empty() {
            clashes.sort();
            return Err(Error::Diagnostics(
                clashes
                    .into_iter()
                    .map(|p| {
                        Diagnostic::file(
                            format!("{STATIC_DIR}/{p}"),
                            format!(
                                "cannot publish `{p}`: the site's search index is published there; move this file, or set `enabled = false` under [search] in {CONFIG_FILE}"
                            ),
                        )
                    })
                    .collect(),
            ));
        }
        let mut out = Search::default();
        for (path, bytes) in files {
            let hash = fingerprint::of_bytes(&bytes);
            let record = Out {
                key: hash,
                hash,
                len: bytes.len() as u64,
            };
            let same = self
                .outputs
                .get(&path)
                .is_some_and(|o| o.hash == record.hash && o.len == record.len);
            if !same {
                sink(&path, &bytes)?;
            }
            out.names.insert(path.clone());
            out.made.push((path, record, !same));
        }
        Ok(out)
    }
}
