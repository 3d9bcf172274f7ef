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
//! - `docs/<hash>.json`: the filter values (show, guests, tags) of every post and the name of
//!   its fragment, to count and filter results without loading each.
//! - `doc/<hash>.json`: one post's URL, title, show · episode, date and text, loaded for the
//!   results on screen: excerpts are cut from the text, so the suffix terms the index holds
//!   are never shown.
//!
//! The terms of a post's body are made when the file is parsed and kept with it in the
//! content cache: a rebuild after one edit tokenizes that post only, and merges the kept
//! terms of the others.

pub mod tokenize;

use rayon::prelude::*;
use serde_json::json;

use crate::fingerprint::{self, FastMap};
use crate::site::Site;
use crate::urls::{self, Linker};

/// The folder of the search page and its files in the output.
pub const DIR: &str = "search";
/// The reader's script, embedded in the binary.
pub const SCRIPT: &str = include_str!("search.js");
/// Bumped when the files' layout changes (the script reads it to refuse an old index).
pub const FORMAT: u32 = 1;

/// A chunk ends at the first term that is a boundary once it holds this many bytes…
const CHUNK_MIN: usize = 12 * 1024;
/// …and at any term past this many.
const CHUNK_MAX: usize = 48 * 1024;
/// One term in this many is a boundary (by its fingerprint).
const BOUNDARY_EVERY: u64 = 16;
/// Characters of a post's text kept for excerpts.
const EXCERPT_SOURCE_CHARS: usize = 5000;

/// One post as the index sees it.
struct Doc {
    /// The fragment's file name (without `doc/` and `.json`).
    fragment: String,
    bytes: Vec<u8>,
    show: Option<usize>,
    guests: Vec<usize>,
    tags: Vec<usize>,
    /// Its title's, show's, guests' and tags' terms (the body's are kept on the post).
    fields: Vec<(String, u8)>,
}

/// Every file of the index, by path in the output (`search/meta.json`, …), the script
/// included.
pub fn build(site: &Site, link: &Linker) -> Vec<(String, Vec<u8>)> {
    // Doc ids from the oldest post up: a new post takes the next id and the others keep
    // theirs, so posting lists (delta-encoded) change only where the new post's terms are.
    let n = site.posts.len();
    let docs: Vec<Doc> = (0..n)
        .into_par_iter()
        .map(|id| doc(site, link, n - 1 - id))
        .collect();

    // Postings by term, in parallel over runs of posts; each list is put in doc order after
    // (the delta encoding needs ascending ids).
    let postings: FastMap<&str, Vec<(u32, u8)>> = docs
        .par_iter()
        .zip(site.posts.par_iter().rev())
        .enumerate()
        .fold(
            FastMap::default,
            |mut map: FastMap<&str, Vec<(u32, u8)>>, (id, (d, post))| {
                merge_sorted(&post.body.terms, &d.fields, |term, w| {
                    map.entry(term).or_default().push((id as u32, w));
                });
                map
            },
        )
        .reduce(FastMap::default, |a, b| {
            let (mut a, b) = if a.len() >= b.len() { (a, b) } else { (b, a) };
            for (term, mut list) in b {
                a.entry(term).or_default().append(&mut list);
            }
            a
        });
    let mut terms: Vec<(&str, Vec<(u32, u8)>)> = postings.into_iter().collect();
    terms.par_iter_mut().for_each(|(_, list)| {
        if !list.is_sorted_by_key(|p| p.0) {
            list.sort_unstable_by_key(|p| p.0);
        }
    });
    terms.par_sort_unstable_by(|a, b| js_order(a.0, b.0));

    let mut files = Vec::new();
    let chunks = chunk(&terms);
    let mut listed = Vec::with_capacity(chunks.len());
    for (first, bytes) in chunks {
        let name = format!("index/{}.json", short_hash(&bytes));
        listed.push(json!([first, name]));
        files.push((format!("{DIR}/{name}"), bytes));
    }

    let docs_bytes = docs_file(site, &docs);
    let docs_name = format!("docs/{}.json", short_hash(&docs_bytes));
    files.push((format!("{DIR}/{docs_name}"), docs_bytes));
    for d in docs {
        files.push((format!("{DIR}/doc/{}.json", d.fragment), d.bytes));
    }
    let meta = json!({
        "format": FORMAT,
        "posts": site.posts.len(),
        "docs": docs_name,
        "chunks": listed,
    });
    files.push((format!("{DIR}/meta.json"), meta.to_string().into_bytes()));
    files.push((format!("{DIR}/search.js"), SCRIPT.as_bytes().to_vec()));
    files
}

/// Post `i`'s fragment and the terms of its fields.
fn doc(site: &Site, link: &Linker, i: usize) -> Doc {
    let p = &site.posts[i];
    let l = &site.links[i];
    let mut fields: FastMap<String, u8> = FastMap::default();
    tokenize::field_terms(&p.title, tokenize::TITLE, &mut fields);
    let label = site.episode_label(i);
    if let Some(label) = &label {
        tokenize::field_terms(label, tokenize::FIELD, &mut fields);
    }
    for (g, gi) in p.guests.iter().zip(&l.guests) {
        tokenize::field_terms(&site.guests[*gi].name, tokenize::FIELD, &mut fields);
        if let Some(role) = &g.role {
            tokenize::field_terms(role, tokenize::FIELD / 2, &mut fields);
        }
    }
    for ti in &l.tags {
        tokenize::field_terms(&site.tags[*ti].name, tokenize::FIELD, &mut fields);
    }
    let mut fields: Vec<(String, u8)> = fields.into_iter().collect();
    fields.sort_unstable();

    let text: String = p.body.text.chars().take(EXCERPT_SOURCE_CHARS).collect();
    let date = crate::dates::format(&p.date, site.config.timezone, &site.config.language, None);
    let fragment = json!({
        "url": link.url(&urls::post(&p.slug)),
        "title": p.title,
        "show": label,
        "date": date,
        "text": text,
    });
    let bytes = fragment.to_string().into_bytes();
    Doc {
        fragment: short_hash(&bytes),
        bytes,
        show: l.show,
        guests: l.guests.clone(),
        tags: l.tags.clone(),
        fields,
    }
}

/// Walks two term lists sorted by term, calling `f` once per term with the summed weight.
fn merge_sorted<'a>(a: &'a [(String, u8)], b: &'a [(String, u8)], mut f: impl FnMut(&'a str, u8)) {
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let order = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => x.0.cmp(&y.0),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Less => {
                f(&a[i].0, a[i].1);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                f(&b[j].0, b[j].1);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                f(&a[i].0, a[i].1.saturating_add(b[j].1));
                i += 1;
                j += 1;
            }
        }
    }
}

/// The order of JavaScript's `<` on strings (UTF-16 code units), which the script's binary
/// search over chunks relies on. It differs from Rust's only above U+FFFF.
pub fn js_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Splits the sorted term list into chunk files: (first term, bytes).
fn chunk(terms: &[(&str, Vec<(u32, u8)>)]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut cur: Vec<u8> = Vec::with_capacity(CHUNK_MAX + 1024);
    let mut first = "";
    for (term, list) in terms {
        let boundary = cur.len() >= CHUNK_MAX
            || (cur.len() >= CHUNK_MIN && fingerprint::of(term) % BOUNDARY_EVERY == 0);
        if boundary {
            cur.push(b']');
            out.push((first.to_string(), std::mem::take(&mut cur)));
        }
        if cur.is_empty() {
            cur.push(b'[');
            first = term;
        } else {
            cur.push(b',');
        }
        cur.extend_from_slice(b"[");
        cur.extend_from_slice(serde_json::Value::from(*term).to_string().as_bytes());
        cur.extend_from_slice(b",[");
        let mut last = 0u32;
        for (n, (id, w)) in list.iter().enumerate() {
            if n > 0 {
                cur.push(b',');
            }
            push_num(&mut cur, id - last);
            cur.push(b',');
            push_num(&mut cur, u32::from(*w));
            last = *id;
        }
        cur.extend_from_slice(b"]]");
    }
    if !cur.is_empty() {
        cur.push(b']');
        out.push((first.to_string(), cur));
    }
    out
}

fn push_num(out: &mut Vec<u8>, n: u32) {
    use std::io::Write;
    // Writing into a Vec cannot fail.
    let _ = write!(out, "{n}");
}

/// The docs file: names of shows, guests and tags, and per post its fragment and filter
/// values as indexes into them.
fn docs_file(site: &Site, docs: &[Doc]) -> Vec<u8> {
    let names = |v: Vec<&str>| serde_json::Value::from(v);
    let rows: Vec<serde_json::Value> = docs
        .iter()
        .map(|d| {
            json!([
                d.fragment,
                d.show.map_or(-1, |s| s as i64),
                d.guests,
                d.tags
            ])
        })
        .collect();
    json!({
        "shows": names(site.shows.iter().map(|s| s.name.as_str()).collect()),
        "guests": names(site.guests.iter().map(|g| g.name.as_str()).collect()),
        "tags": names(site.tags.iter().map(|t| t.name.as_str()).collect()),
        "docs": rows,
    })
    .to_string()
    .into_bytes()
}

/// A file name from a fingerprint of the bytes: 48 bits, hex.
fn short_hash(bytes: &[u8]) -> String {
    format!("{:012x}", fingerprint::of_bytes(bytes) >> 16)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let chunks = chunk(&borrowed);
        assert!(chunks.len() > 2, "{} chunks", chunks.len());
        let mut seen = Vec::new();
        for (first, bytes) in &chunks {
            assert!(bytes.len() <= CHUNK_MAX + 100);
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
    fn merged_term_lists_add_the_weights_of_a_term_in_both() {
        let a = vec![("가".to_string(), 2), ("다".to_string(), 4)];
        let b = vec![("나".to_string(), 12), ("다".to_string(), 20)];
        let mut out = Vec::new();
        merge_sorted(&a, &b, |t, w| out.push((t.to_string(), w)));
        assert_eq!(
            out,
            [
                ("가".to_string(), 2),
                ("나".to_string(), 12),
                ("다".to_string(), 24)
            ]
        );
    }
}
