//! Site search: the index a reader's browser queries on `/search/`, built in-process from the
//! site model, with no Node and no dictionary.
//!
//! How Korean is split into terms is in [`tokenize`]. The index is made of files under
//! `search/` in the output, so a reader downloads only what a query needs:
//! - `meta.json`: the first term of every index chunk and the chunk's file, and the docs
//!   file's name. The only file with a fixed name besides the script: every other name is a
//!   fingerprint of its bytes, so browsers may cache them for good, and a rebuild writes only
//!   the files whose bytes changed.
//! - `index/<hash>.json`: chunks of the term list, sorted in the order JavaScript compares
//!   strings, each `[[term, [doc delta, weight, doc delta, weight, …]], …]`. A query word
//!   loads the chunks whose range can hold terms starting with it. Chunk boundaries are
//!   chosen by the terms themselves (content-defined), so adding a post changes the chunks
//!   holding its terms, not every chunk after the first new one.
//! - `docs/<hash>.json`: the filter values (show, guests, tags) of every post, to count and
//!   filter results without loading each, and the names of the fragment files.
//! - `doc/<hash>.json`: the fragments of four posts by id (URL, title, show · episode, date
//!   and text), loaded for the results on screen: excerpts are cut from the text, so the
//!   suffix terms the index holds are never shown.
//!
//! The terms of a post's body are made when the file is parsed and kept with it in the
//! content cache: a rebuild after one edit tokenizes that post only, and merges the kept
//! terms of the others.

pub mod state;
pub mod tokenize;

use rayon::prelude::*;

use crate::fingerprint::{self, FastMap};
use crate::site::Site;
use crate::urls::{self, Linker};
use state::Postings;
pub use state::State;

/// The folder of the search page and its files in the output.
pub const DIR: &str = "search";
/// The reader's script, embedded in the binary.
pub const SCRIPT: &str = include_str!("search.js");
/// Bumped when the files' layout changes (the script reads it to refuse an old index).
pub const FORMAT: u32 = 1;

/// A chunk ends at the first term that is a boundary once it holds 12 KiB, and at any term
/// past 48 KiB.
const CHUNK_SIZES: Sizes = Sizes {
    min: 12 * 1024,
    max: 48 * 1024,
};
/// One term in this many is a boundary (by its fingerprint).
const BOUNDARY_EVERY: u64 = 16;
/// Posts per fragment file. One file per post would add a file per post to every build (on
/// this ext4, 10,000 more files cost more than indexing them); more per file make a reader
/// download more for the ten results on screen. Four: a quarter of the files, at most
/// forty fragments for a page of results.
const DOCS_PER_SHARD: usize = 4;
/// Characters of a post's text kept for excerpts.
const EXCERPT_SOURCE_CHARS: usize = 5000;

/// One post as the index sees it.
struct Doc {
    /// Its fragment's JSON (see [`Fragment`]).
    bytes: Vec<u8>,
    /// Its title's, show's, guests' and tags' terms (the body's are kept on the post).
    fields: Vec<(String, u8)>,
}

/// The index's files, made by [`build`].
pub struct Index {
    /// Files made, by path in the output (`search/meta.json`, …), the script included.
    pub files: Vec<(String, Vec<u8>)>,
    /// Files of the last index that are in this one unchanged, not made again (the fragment
    /// files of posts that did not change, when the index was patched).
    pub kept: Vec<String>,
    /// What the next run patches (see [`state`]).
    pub state: State,
    /// Whether `state` is the one it was patched from, unchanged (no post's part changed).
    pub same_state: bool,
}

/// The index of `site`: patched from `prev` when the posts are the same ones in the same order
/// and every file it would keep is still `present` in the output, else made whole.
/// `timing`: print how long each step took (`SHOWPRESS_TIMING`).
pub fn build(
    site: &Site,
    link: &Linker,
    timing: bool,
    prev: Option<State>,
    present: &dyn Fn(&str) -> bool,
) -> Index {
    let mut t = std::time::Instant::now();
    let mut phase = |name: &str| {
        if timing {
            eprintln!("timing:   search {name} {:?}", t.elapsed());
        }
        t = std::time::Instant::now();
    };
    // Doc ids from the oldest post up: a new post takes the next id and the others keep
    // theirs, so posting lists (delta-encoded) change only where the new post's terms are.
    let n = site.posts.len();
    let site_fp = settings_fingerprint(site);
    let inputs: Vec<(String, u64)> = (0..n)
        .into_par_iter()
        .map(|id| post_fingerprint(site, n - 1 - id))
        .collect();
    phase("fingerprints");
    if let Some(prev) = prev
        && let Some(changed) = state::changed(&prev, site_fp, &inputs)
    {
        let untouched = |s: &usize| !changed.iter().any(|id| *id as usize / DOCS_PER_SHARD == *s);
        let kept_shards: Vec<String> = (0..prev.shards.len())
            .filter(untouched)
            .map(|s| format!("{DIR}/doc/{}.json", prev.shards[s]))
            .collect();
        // A patch keeps the chunks its changes do not reach (all of them when none changed).
        let kept_chunks: Vec<String> = prev
            .chunks
            .iter()
            .map(|(_, name)| format!("{DIR}/{name}"))
            .collect();
        if kept_shards.iter().chain(&kept_chunks).all(|f| present(f)) {
            return patched(site, link, prev, changed, inputs, kept_shards, &mut phase);
        }
    }
    whole(site, link, site_fp, inputs, &mut phase)
}

/// The index made from every post.
fn whole(
    site: &Site,
    link: &Linker,
    site_fp: u64,
    inputs: Vec<(String, u64)>,
    phase: &mut dyn FnMut(&str),
) -> Index {
    let n = site.posts.len();
    let docs: Vec<Doc> = (0..n)
        .into_par_iter()
        .map(|id| doc(site, link, n - 1 - id))
        .collect();
    phase("fragments and fields");

    // Postings of whole words, in parallel over runs of posts; each list is put in doc order
    // after (the delta encoding needs ascending ids).
    let mut words: FastMap<&str, Vec<(u32, u8)>> = docs
        .par_iter()
        .zip(site.posts.par_iter().rev())
        .enumerate()
        .fold(
            FastMap::default,
            |mut map: FastMap<&str, Vec<(u32, u8)>>, (id, (d, post))| {
                merge_sorted(
                    post.body.words().iter(),
                    d.fields.iter().map(|(w, n)| (w.as_str(), *n)),
                    |word, w| {
                        map.entry(word).or_default().push((id as u32, w));
                    },
                );
                map
            },
        )
        .reduce(FastMap::default, |a, b| {
            let (mut a, b) = if a.len() >= b.len() { (a, b) } else { (b, a) };
            for (word, mut list) in b {
                a.entry(word).or_default().append(&mut list);
            }
            a
        });
    words.par_iter_mut().for_each(|(_, list)| {
        if !list.is_sorted_by_key(|p| p.0) {
            list.sort_unstable_by_key(|p| p.0);
        }
    });

    phase("word postings");

    // Terms inside words: every suffix of a Hangul word (see `tokenize`) finds the posts of
    // the word, at half its weight. Made from the site's vocabulary, once per distinct word.
    let mut parts: FastMap<&str, Vec<(u32, u8)>> = FastMap::default();
    for (word, list) in &words {
        for s in tokenize::suffixes(word) {
            parts
                .entry(s)
                .or_default()
                .extend(list.iter().map(|&(id, w)| (id, tokenize::suffix_weight(w))));
        }
    }
    let parts: Vec<(&str, Vec<(u32, u8)>)> = parts
        .into_par_iter()
        .map(|(term, mut list)| {
            // One weight per post: the heaviest word it is inside of, or the word itself.
            list.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
            list.dedup_by_key(|p| p.0);
            match words.get(term) {
                Some(whole) => (term, prefer_whole(whole, &list)),
                None => (term, list),
            }
        })
        .collect();
    for (term, list) in parts {
        words.insert(term, list);
    }
    let mut terms: Vec<(&str, Vec<(u32, u8)>)> = words.into_iter().collect();
    phase("suffix postings");
    terms.par_sort_unstable_by(|a, b| js_order(a.0, b.0));
    phase("sort");

    let mut files = Vec::new();
    let chunks = chunk_files(&terms, CHUNK_SIZES, &mut files);
    phase("chunks");
    let mut shards = Vec::with_capacity(docs.len().div_ceil(DOCS_PER_SHARD));
    for group in docs.chunks(DOCS_PER_SHARD) {
        let (name, bytes) = shard(group.iter().map(|d| d.bytes.as_slice()));
        files.push((format!("{DIR}/doc/{name}.json"), bytes));
        shards.push(name);
    }
    let terms: Vec<(String, Postings)> = terms
        .into_par_iter()
        .map(|(t, list)| (t.to_string(), list))
        .collect();
    let state = State {
        site: site_fp,
        docs: inputs,
        shards,
        chunks,
        terms,
    };
    finish(site, state, files, Vec::new(), false)
}

/// The last index with the `changed` posts' parts replaced (see [`state`]).
fn patched(
    site: &Site,
    link: &Linker,
    mut prev: State,
    changed: Vec<u32>,
    inputs: Vec<(String, u64)>,
    mut kept: Vec<String>,
    phase: &mut dyn FnMut(&str),
) -> Index {
    let n = site.posts.len();
    let mut files = Vec::new();
    if !changed.is_empty() {
        let docs: Vec<(u32, Doc)> = changed
            .par_iter()
            .map(|&id| (id, doc(site, link, n - 1 - id as usize)))
            .collect();
        let mut added = Vec::new();
        for (id, d) in &docs {
            let post = &site.posts[n - 1 - *id as usize];
            let mut whole = Vec::new();
            merge_sorted(
                post.body.words().iter(),
                d.fields.iter().map(|(w, n)| (w.as_str(), *n)),
                |word, w| whole.push((word, w)),
            );
            added.extend(
                state::post_terms(&whole)
                    .into_iter()
                    .map(|(term, w)| (term, *id, w)),
            );
        }
        let dirty = state::patch(&mut prev.terms, &changed, added);
        let borrowed: Vec<(&str, &[(u32, u8)])> = prev
            .terms
            .iter()
            .map(|(t, l)| (t.as_str(), l.as_slice()))
            .collect();
        let (chunks, reused) = rechunk(&borrowed, &prev.chunks, &dirty, CHUNK_SIZES, &mut files);
        kept.extend(reused.into_iter().map(|name| format!("{DIR}/{name}")));
        prev.chunks = chunks;
        phase("chunks");
        let mut shards: Vec<usize> = changed
            .iter()
            .map(|id| *id as usize / DOCS_PER_SHARD)
            .collect();
        shards.dedup();
        for s in shards {
            let ids = s * DOCS_PER_SHARD..((s + 1) * DOCS_PER_SHARD).min(n);
            let made: Vec<Vec<u8>> = ids
                .map(|id| match docs.iter().find(|(c, _)| *c as usize == id) {
                    Some((_, d)) => d.bytes.clone(),
                    None => doc(site, link, n - 1 - id).bytes,
                })
                .collect();
            let (name, bytes) = shard(made.iter().map(Vec::as_slice));
            files.push((format!("{DIR}/doc/{name}.json"), bytes));
            prev.shards[s] = name;
        }
    }
    phase(&format!("patched ({} changed)", changed.len()));
    if changed.is_empty() {
        kept.extend(prev.chunks.iter().map(|(_, name)| format!("{DIR}/{name}")));
    }
    prev.docs = inputs;
    let same = changed.is_empty();
    finish(site, prev, files, kept, same)
}

/// Adds the files every index has (the docs file, `meta.json`, the script) to `files`.
fn finish(
    site: &Site,
    state: State,
    mut files: Vec<(String, Vec<u8>)>,
    kept: Vec<String>,
    same_state: bool,
) -> Index {
    let docs_bytes = docs_file(site, &state.shards);
    let docs_name = format!("docs/{}.json", short_hash(&docs_bytes));
    files.push((format!("{DIR}/{docs_name}"), docs_bytes));
    let meta = Meta {
        chunks: &state.chunks,
        docs: &docs_name,
        format: FORMAT,
        posts: site.posts.len(),
    };
    files.push((format!("{DIR}/meta.json"), to_json(&meta)));
    files.push((format!("{DIR}/search.js"), SCRIPT.as_bytes().to_vec()));
    Index {
        files,
        kept,
        state,
        same_state,
    }
}

/// Chunks `terms` into files added to `files`; returns the chunks' (first term, name).
fn chunk_files<T: AsRef<str>, L: AsRef<[(u32, u8)]>>(
    terms: &[(T, L)],
    sizes: Sizes,
    files: &mut Vec<(String, Vec<u8>)>,
) -> Vec<(String, String)> {
    chunk(terms, sizes)
        .into_iter()
        .map(|(first, bytes)| chunk_file(first, bytes, files))
        .collect()
}

/// Adds a chunk's file to `files`, named by its bytes; returns (first term, name).
fn chunk_file(
    first: String,
    bytes: Vec<u8>,
    files: &mut Vec<(String, Vec<u8>)>,
) -> (String, String) {
    let name = format!("index/{}.json", short_hash(&bytes));
    files.push((format!("{DIR}/{name}"), bytes));
    (first, name)
}

/// A fragment file of up to [`DOCS_PER_SHARD`] posts: (name, bytes).
fn shard<'a>(fragments: impl Iterator<Item = &'a [u8]>) -> (String, Vec<u8>) {
    let mut bytes = vec![b'['];
    for (n, f) in fragments.enumerate() {
        if n > 0 {
            bytes.push(b',');
        }
        bytes.extend_from_slice(f);
    }
    bytes.push(b']');
    (short_hash(&bytes), bytes)
}

/// What every post's part of the index depends on besides the post itself.
fn settings_fingerprint(site: &Site) -> u64 {
    let c = &site.config;
    fingerprint::of(&(
        FORMAT,
        DOCS_PER_SHARD,
        EXCERPT_SOURCE_CHARS,
        &c.base_url,
        c.base_path(),
        c.timezone.name(),
        &c.language,
    ))
}

/// Post `i`'s slug, and a fingerprint of everything its fragment and terms are made of.
fn post_fingerprint(site: &Site, i: usize) -> (String, u64) {
    let p = &site.posts[i];
    let l = &site.links[i];
    let guests: Vec<(&str, Option<&str>)> = p
        .guests
        .iter()
        .zip(&l.guests)
        .map(|(g, gi)| (site.guests[*gi].name.as_str(), g.role.as_deref()))
        .collect();
    let tags: Vec<&str> = l.tags.iter().map(|t| site.tags[*t].name.as_str()).collect();
    let fp = fingerprint::of(&(
        &p.title,
        site.episode_label(i),
        p.date,
        guests,
        tags,
        p.body.text_fp,
    ));
    (p.slug.clone(), fp)
}

/// What a result shows: `doc/<hash>.json`.
#[derive(serde::Serialize)]
struct Fragment<'a> {
    url: &'a str,
    title: &'a str,
    show: Option<&'a str>,
    date: &'a str,
    text: &'a str,
}

/// Post `i`'s fragment and the terms of its fields.
fn doc(site: &Site, link: &Linker, i: usize) -> Doc {
    let p = &site.posts[i];
    let l = &site.links[i];
    let mut fields: FastMap<String, u8> = FastMap::default();
    tokenize::field_words(&p.title, tokenize::TITLE, &mut fields);
    let label = site.episode_label(i);
    if let Some(label) = &label {
        tokenize::field_words(label, tokenize::FIELD, &mut fields);
    }
    for (g, gi) in p.guests.iter().zip(&l.guests) {
        tokenize::field_words(&site.guests[*gi].name, tokenize::FIELD, &mut fields);
        if let Some(role) = &g.role {
            tokenize::field_words(role, tokenize::FIELD / 2, &mut fields);
        }
    }
    for ti in &l.tags {
        tokenize::field_words(&site.tags[*ti].name, tokenize::FIELD, &mut fields);
    }
    let mut fields: Vec<(String, u8)> = fields.into_iter().collect();
    fields.sort_unstable();

    let body = p.body.text();
    let cut = body
        .char_indices()
        .nth(EXCERPT_SOURCE_CHARS)
        .map_or(body.len(), |(i, _)| i);
    let text = &body[..cut];
    let date = crate::dates::format(&p.date, site.config.timezone, &site.config.language, None);
    let fragment = Fragment {
        url: &link.url(&urls::post(&p.slug)),
        title: &p.title,
        show: label.as_deref(),
        date: &date,
        text,
    };
    // Plain strings: serializing cannot fail.
    let bytes = serde_json::to_vec(&fragment).unwrap_or_default();
    Doc { bytes, fields }
}

/// Walks two word lists sorted by word, calling `f` once per word with the summed weight.
fn merge_sorted<'a>(
    a: impl Iterator<Item = (&'a str, u8)>,
    b: impl Iterator<Item = (&'a str, u8)>,
    mut f: impl FnMut(&'a str, u8),
) {
    let mut a = a.peekable();
    let mut b = b.peekable();
    loop {
        match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x.0 == y.0 => {
                f(x.0, x.1.saturating_add(y.1));
                a.next();
                b.next();
            }
            (Some(x), Some(y)) if x.0 < y.0 => {
                f(x.0, x.1);
                a.next();
            }
            (_, Some(y)) => {
                f(y.0, y.1);
                b.next();
            }
            (Some(x), None) => {
                f(x.0, x.1);
                a.next();
            }
            (None, None) => break,
        }
    }
}

/// The postings of a term that is a word and also inside words: a post that has the word
/// gets the word's weight, the others the weight from inside.
fn prefer_whole(whole: &[(u32, u8)], part: &[(u32, u8)]) -> Vec<(u32, u8)> {
    let mut out = Vec::with_capacity(whole.len() + part.len());
    let (mut i, mut j) = (0, 0);
    while i < whole.len() || j < part.len() {
        match (whole.get(i), part.get(j)) {
            (Some(w), Some(p)) if w.0 == p.0 => {
                out.push(*w);
                i += 1;
                j += 1;
            }
            (Some(w), Some(p)) if w.0 < p.0 => {
                out.push(*w);
                i += 1;
            }
            (Some(w), None) => {
                out.push(*w);
                i += 1;
            }
            (_, Some(p)) => {
                out.push(*p);
                j += 1;
            }
            (None, None) => break,
        }
    }
    out
}

/// The order of JavaScript's `<` on strings (UTF-16 code units), which the script's binary
/// search over chunks relies on. It differs from Rust's only above U+FFFF.
pub fn js_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Where chunks end: see [`CHUNK_SIZES`] (tests use smaller ones).
#[derive(Clone, Copy)]
struct Sizes {
    min: usize,
    max: usize,
}

/// Writes terms into chunks one at a time. After a chunk ends it holds nothing, so what
/// follows depends only on the terms that follow: [`rechunk`] relies on that.
struct Chunker {
    sizes: Sizes,
    cur: Vec<u8>,
    first: String,
}

impl Chunker {
    fn new(sizes: Sizes) -> Self {
        Chunker {
            sizes,
            cur: Vec::with_capacity(sizes.max + 1024),
            first: String::new(),
        }
    }

    /// Whether the chunk so far ends before `term`.
    fn ends_before(&self, term: &str) -> bool {
        self.cur.len() >= self.sizes.max
            || (self.cur.len() >= self.sizes.min
                && fingerprint::of(term).is_multiple_of(BOUNDARY_EVERY))
    }

    /// The chunk so far, (first term, bytes), if it holds any term; the chunker is empty after.
    fn take(&mut self) -> Option<(String, Vec<u8>)> {
        if self.cur.is_empty() {
            return None;
        }
        self.cur.push(b']');
        Some((
            std::mem::take(&mut self.first),
            std::mem::replace(&mut self.cur, Vec::with_capacity(self.sizes.max + 1024)),
        ))
    }

    fn push(&mut self, term: &str, list: &[(u32, u8)]) {
        let cur = &mut self.cur;
        if cur.is_empty() {
            cur.push(b'[');
            self.first = term.to_string();
        } else {
            cur.push(b',');
        }
        cur.push(b'[');
        // Writing a string into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *cur, term);
        cur.extend_from_slice(b",[");
        let mut last = 0u32;
        for (n, (id, w)) in list.iter().enumerate() {
            if n > 0 {
                cur.push(b',');
            }
            push_num(cur, id - last);
            cur.push(b',');
            push_num(cur, u32::from(*w));
            last = *id;
        }
        cur.extend_from_slice(b"]]");
    }
}

/// Splits the sorted term list into chunk files: (first term, bytes).
fn chunk<T: AsRef<str>, L: AsRef<[(u32, u8)]>>(
    terms: &[(T, L)],
    sizes: Sizes,
) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut c = Chunker::new(sizes);
    for (term, list) in terms {
        if c.ends_before(term.as_ref()) {
            out.extend(c.take());
        }
        c.push(term.as_ref(), list.as_ref());
    }
    out.extend(c.take());
    out
}

/// The chunks of `terms` as [`chunk_files`] makes them, given the last run's `prev` chunks
/// (first term, name) and the terms whose postings differ from that run's (`dirty`: changed,
/// added or gone, in JavaScript's order): only the chunks around dirty terms are made again
/// (added to `files`); returns every chunk and the names of those reused.
///
/// A chunk ends where the chunk so far and the next term decide, and after it ends nothing
/// earlier matters. So the last run's chunks are the same up to the one holding the first
/// dirty term (or the one before, when that term starts its chunk: whether a chunk ends
/// before a term depends on the term); from there terms are chunked again until a chunk ends
/// where one of the last run's began, past every dirty term seen and at a clean term, and the
/// last run's chunks are reused up to the next dirty term.
fn rechunk(
    terms: &[(&str, &[(u32, u8)])],
    prev: &[(String, String)],
    dirty: &[String],
    sizes: Sizes,
    files: &mut Vec<(String, Vec<u8>)>,
) -> (Vec<(String, String)>, Vec<String>) {
    let mut listed: Vec<(String, String)> = Vec::new();
    let mut reused = Vec::new();
    let mut reuse = |chunks: &[(String, String)], listed: &mut Vec<(String, String)>| {
        listed.extend_from_slice(chunks);
        reused.extend(chunks.iter().map(|(_, name)| name.clone()));
    };
    let starts: FastMap<&str, usize> = prev
        .iter()
        .enumerate()
        .map(|(k, (first, _))| (first.as_str(), k))
        .collect();
    let is_dirty = |t: &str| dirty.binary_search_by(|d| js_order(d, t)).is_ok();
    // Where term `t` is, or would be, in `terms`.
    let position = |t: &str| terms.partition_point(|(x, _)| js_order(x, t).is_lt());
    let (mut k, mut d) = (0, 0);
    while d < dirty.len() {
        let e = dirty[d].as_str();
        // The last run's chunk holding `e`, and where to start again.
        let c = prev
            .partition_point(|(first, _)| js_order(first, e).is_le())
            .saturating_sub(1);
        let s = match prev.get(c) {
            Some((first, _)) if c > 0 && js_order(first, e).is_lt() => c,
            _ => c.saturating_sub(1),
        }
        .max(k);
        reuse(&prev[k..s], &mut listed);
        let from = match prev.get(s) {
            Some((first, _)) if s > 0 => position(first),
            _ => 0,
        };
        let mut c = Chunker::new(sizes);
        k = prev.len();
        let mut resumed = false;
        for &(term, list) in &terms[from..] {
            if c.ends_before(term) {
                if let Some((first, bytes)) = c.take() {
                    listed.push(chunk_file(first, bytes, files));
                }
                while d < dirty.len() && js_order(&dirty[d], term).is_lt() {
                    d += 1;
                }
                if let Some(&at) = starts.get(term)
                    && !is_dirty(term)
                {
                    k = at;
                    resumed = true;
                    break;
                }
            }
            c.push(term, list);
        }
        if !resumed {
            if let Some((first, bytes)) = c.take() {
                listed.push(chunk_file(first, bytes, files));
            }
            d = dirty.len();
        }
    }
    reuse(&prev[k..], &mut listed);
    (listed, reused)
}

fn push_num(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// The docs file: names of shows, guests and tags; the fragment files, each holding
/// [`DOCS_PER_SHARD`] posts by id; and per post its filter values as indexes into the names.
fn docs_file(site: &Site, shards: &[String]) -> Vec<u8> {
    let rows: Vec<(i64, &[usize], &[usize])> = site
        .links
        .iter()
        .rev()
        .map(|l| {
            let show = l.show.map_or(-1, |s| s as i64);
            (show, l.guests.as_slice(), l.tags.as_slice())
        })
        .collect();
    to_json(&DocsFile {
        docs: rows,
        guests: site.guests.iter().map(|g| g.name.as_str()).collect(),
        per_shard: DOCS_PER_SHARD,
        shards,
        shows: site.shows.iter().map(|s| s.name.as_str()).collect(),
        tags: site.tags.iter().map(|t| t.name.as_str()).collect(),
    })
}

/// The docs file. Written from borrowed data: built as `serde_json::Value`s, its 10k rows took
/// ~15 ms of every rebuild. Fields in name order, as the first versions' `json!` wrote them.
#[derive(serde::Serialize)]
struct DocsFile<'a> {
    /// Per post, newest first: (show or -1, guests, tags), indexes into the lists below.
    docs: Vec<(i64, &'a [usize], &'a [usize])>,
    guests: Vec<&'a str>,
    per_shard: usize,
    shards: &'a [String],
    shows: Vec<&'a str>,
    tags: Vec<&'a str>,
}

/// `meta.json`, fields in name order (see [`DocsFile`]).
#[derive(serde::Serialize)]
struct Meta<'a> {
    /// (first term, file name) per chunk: serialized as two-element arrays.
    chunks: &'a [(String, String)],
    docs: &'a str,
    format: u32,
    posts: usize,
}

/// Compact JSON of a value made of strings, numbers and lists, which cannot fail to serialize.
fn to_json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// A file name from a fingerprint of the bytes: 48 bits, hex.
fn short_hash(bytes: &[u8]) -> String {
    format!("{:012x}", fingerprint::of_bytes(bytes) >> 16)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rechunking_around_the_changed_terms_makes_what_chunking_all_of_them_makes() {
        let sizes = Sizes { min: 60, max: 240 };
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for round in 0..300 {
            let mut old: Vec<(String, Vec<(u32, u8)>)> = (0..150 + next(150))
                .map(|i| {
                    let list =
                        (0..1 + next(4)).map(|d| ((i * 7 + d * 3) as u32, 1 + next(9) as u8));
                    (format!("t{:05}", i * 10), list.collect())
                })
                .collect();
            old.sort_by(|a, b| js_order(&a.0, &b.0));
            let borrowed: Vec<(&str, &[(u32, u8)])> = old
                .iter()
                .map(|(t, l)| (t.as_str(), l.as_slice()))
                .collect();
            let prev = chunk_files(&borrowed, sizes, &mut Vec::new());
            // A few edits: postings changed, terms gone, terms added (some in a row).
            let mut new = old.clone();
            let mut dirty = Vec::new();
            for _ in 0..next(if round % 10 == 0 { 40 } else { 5 }) {
                let i = next(new.len() as u64) as usize;
                match next(3) {
                    0 => {
                        new[i].1[0].1 = new[i].1[0].1 % 9 + 1;
                        dirty.push(new[i].0.clone());
                    }
                    1 if new.len() > 2 => dirty.push(new.remove(i).0),
                    _ => {
                        let t = format!("{}x{}", new[i].0, next(1000));
                        if new.iter().all(|(x, _)| *x != t) {
                            new.push((t.clone(), vec![(1, 1)]));
                            dirty.push(t);
                        }
                    }
                }
            }
            new.sort_by(|a, b| js_order(&a.0, &b.0));
            dirty.sort_by(|a, b| js_order(a, b));
            dirty.dedup();
            let borrowed: Vec<(&str, &[(u32, u8)])> = new
                .iter()
                .map(|(t, l)| (t.as_str(), l.as_slice()))
                .collect();
            let mut want_files = Vec::new();
            let want = chunk_files(&borrowed, sizes, &mut want_files);
            let mut files = Vec::new();
            let (got, reused) = rechunk(&borrowed, &prev, &dirty, sizes, &mut files);
            assert_eq!(got, want, "round {round}");
            // Every chunk is made or reused, and only the last run's are reused.
            let old_names: Vec<&String> = prev.iter().map(|(_, n)| n).collect();
            assert!(
                reused.iter().all(|n| old_names.contains(&n)),
                "round {round}"
            );
            for (path, bytes) in &files {
                assert!(
                    want_files.contains(&(path.clone(), bytes.clone())),
                    "round {round}"
                );
            }
            assert_eq!(files.len() + reused.len(), want.len(), "round {round}");
            if dirty.is_empty() {
                assert!(files.is_empty());
            }
        }
    }

    #[test]
    fn terms_sort_as_javascript_compares_them() {
        // U+FF5E sorts before U+1F600 in Rust (code points), after it in JavaScript (whose
        // strings hold U+1F600 as the surrogates D83D DE00).
        assert_eq!("～".cmp("😀"), std::cmp::Ordering::Less);
        assert_eq!(js_order("～", "😀"), std::cmp::Ordering::Greater);
        assert_eq!(js_order("a", "가"), std::cmp::Ordering::Less);
    }

    #[test]
    fn chunks_hold_every_term_once_in_order_with_delta_encoded_postings() {
        let terms: Vec<(String, Vec<(u32, u8)>)> = (0..5000)
            .map(|n| (format!("t{n:05}"), vec![(n, 2), (n + 7, 10)]))
            .collect();
        let borrowed: Vec<(&str, Vec<(u32, u8)>)> =
            terms.iter().map(|(t, l)| (t.as_str(), l.clone())).collect();
        let chunks = chunk(&borrowed, CHUNK_SIZES);
        assert!(chunks.len() > 2, "{} chunks", chunks.len());
        let mut seen = Vec::new();
        for (first, bytes) in &chunks {
            assert!(bytes.len() <= CHUNK_SIZES.max + 100);
            let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            let entries = v.as_array().unwrap();
            assert_eq!(entries[0][0], first.as_str());
            for e in entries {
                seen.push(e[0].as_str().unwrap().to_string());
            }
        }
        assert_eq!(seen.len(), 5000);
        assert!(seen.windows(2).all(|w| w[0] < w[1]));
        let v: serde_json::Value = serde_json::from_slice(&chunks[0].1).unwrap();
        assert_eq!(v[3], json!(["t00003", [3, 2, 7, 10]]));
    }

    #[test]
    fn merged_word_lists_add_the_weights_of_a_word_in_both() {
        let a = [("가", 2), ("다", 4)];
        let b = [("나", 12), ("다", 20)];
        let mut out = Vec::new();
        merge_sorted(a.into_iter(), b.into_iter(), |t, w| out.push((t, w)));
        assert_eq!(out, [("가", 2), ("나", 12), ("다", 24)]);
    }

    #[test]
    fn a_post_having_the_word_itself_gets_the_words_weight_not_the_inside_one() {
        let whole = [(1, 8), (4, 2)];
        let part = [(1, 10), (2, 1), (5, 3)];
        assert_eq!(
            prefer_whole(&whole, &part),
            [(1, 8), (2, 1), (4, 2), (5, 3)]
        );
    }
}
