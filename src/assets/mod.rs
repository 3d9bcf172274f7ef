//! Files published with the content: the files beside a post's or page's `index.md` (its
//! bundle, at any depth below that folder), and the images posts show, from a bundle or from
//! `static/`.
//!
//! This layer sits below `content` (which finds bundle files and reads them) and `engine`
//! (which publishes them): [`images`] says what an image is published as and how a page shows
//! it, [`process`] does the pixel work and keeps its results, [`strip`] removes identifying
//! metadata from the files themselves.

pub mod images;
pub mod process;
pub mod strip;

use std::path::PathBuf;

pub use images::{Format, Probe};

/// One file of a bundle, read.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Asset {
    /// Relative to the site root: `content/posts/2025/deepseek/chart.png`.
    pub file: String,
    pub abs: PathBuf,
    /// The bundle's Markdown file: `content/posts/2025/deepseek/index.md`.
    pub owner: String,
    /// Path inside the bundle folder: `chart.png`, `data/table.csv`.
    pub rel_in_bundle: String,
    /// Fingerprint of the bytes.
    pub hash: u64,
    pub len: u64,
    /// For images: what the header says.
    pub image: Option<Probe>,
}

/// Reads bundle file `abs` (`rel` from the site root) and, for an image, its header.
pub fn load(
    abs: &std::path::Path,
    rel: &str,
    owner: &str,
    rel_in_bundle: &str,
) -> Result<Asset, String> {
    let bytes = std::fs::read(abs).map_err(|e| format!("failed to read file: {e}"))?;
    let image = images::probe(rel_in_bundle, &bytes).map_err(|why| format!("this image {why}"))?;
    Ok(Asset {
        file: rel.to_string(),
        abs: abs.to_path_buf(),
        owner: owner.to_string(),
        rel_in_bundle: rel_in_bundle.to_string(),
        hash: crate::fingerprint::of_bytes(&bytes),
        len: bytes.len() as u64,
        image,
    })
}

/// An image of `static/` that a post shows (its header read).
#[derive(Debug, Clone)]
pub struct StaticImage {
    /// Relative to `static/`: `images/logo.png`.
    pub rel: String,
    pub abs: PathBuf,
    pub hash: u64,
    pub probe: Probe,
}
