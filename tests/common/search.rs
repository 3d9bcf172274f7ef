//! Reading a published search index (`search/` in the output) the way the reader's script
//! does, from files on disk or over HTTP: which posts a query word finds, and what their
//! fragments say. Only prefix matching, the index's one rule; ranking, particles and filters
//! are the script's, tested in Chromium (tests/browser/search.test.mjs).
#![allow(dead_code)]

use serde_json::Value;

/// Reads a file under `search/` (`meta.json`, `index/….json`), or `None` when it is missing.
pub type Get<'a> = &'a dyn Fn(&str) -> Option<Vec<u8>>;

fn json(get: Get, path: &str) -> Value {
    let bytes = get(path).unwrap_or_else(|| panic!("search/{path} is missing"));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("search/{path} is not JSON: {e}"))
}

/// Every post (its fragment) having a term that starts with `word`, sorted by URL.
pub fn find(get: Get, word: &str) -> Vec<Value> {
    let meta = json(get, "meta.json");
    let docs = json(
        get,
        meta["docs"].as_str().expect("meta names the docs file"),
    );
    let mut ids = std::collections::BTreeSet::new();
    for chunk in meta["chunks"].as_array().expect("meta lists chunks") {
        let entries = json(get, chunk[1].as_str().expect("a chunk's file"));
        for e in entries.as_array().expect("a chunk is a list") {
            if !e[0].as_str().expect("a term").starts_with(word) {
                continue;
            }
            let postings = e[1].as_array().expect("postings");
            let mut id = 0;
            for pair in postings.chunks(2) {
                id += pair[0].as_u64().expect("a doc delta");
                ids.insert(id as usize);
            }
        }
    }
    let mut found: Vec<Value> = ids
        .into_iter()
        .map(|id| {
            let per = docs["per_shard"].as_u64().expect("posts per fragment file") as usize;
            let shard = docs["shards"][id / per]
                .as_str()
                .expect("a fragment file's name");
            json(get, &format!("doc/{shard}.json"))[id % per].clone()
        })
        .collect();
    found.sort_by_key(|f| f["url"].as_str().unwrap_or("").to_string());
    found
}

/// The URLs of [`find`]'s posts.
pub fn urls(get: Get, word: &str) -> Vec<String> {
    find(get, word)
        .iter()
        .map(|f| f["url"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Output files with the fingerprint in the names of the search index's files replaced by
/// `*` (`search/doc/*.json`), sorted: what a test can spell out.
pub fn masked<S: AsRef<str>>(files: &[S]) -> Vec<String> {
    let mut out: Vec<String> = files
        .iter()
        .map(|f| {
            let f = f.as_ref();
            for dir in ["search/doc/", "search/docs/", "search/index/"] {
                if f.starts_with(dir) && f.ends_with(".json") {
                    return format!("{dir}*.json");
                }
            }
            f.to_string()
        })
        .collect();
    out.sort();
    out
}

/// `files` (sorted output paths) with what search publishes for `posts` posts whose terms fit
/// one index chunk (every small fixture), masked like [`masked`]: their fragments are in
/// files of four.
pub fn with_index(files: Vec<String>, posts: usize) -> Vec<String> {
    let mut all = files;
    all.extend(std::iter::repeat_n(
        "search/doc/*.json".to_string(),
        posts.div_ceil(4),
    ));
    all.extend(
        [
            "search/docs/*.json",
            "search/index.html",
            "search/index/*.json",
            "search/meta.json",
            "search/search.js",
        ]
        .map(String::from),
    );
    all.sort();
    all
}
