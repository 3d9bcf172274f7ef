//! The search index as the last run made it, kept so that a rebuild after a few posts changed
//! patches the postings of those posts instead of merging the words of every post again.
//!
//! At 10,000 posts, making the whole index took about as long as everything else in a
//! one-post rebuild (merging every post's words, and serializing every post's fragment). A
//! post's part of the index depends only on the post (its words, fields and fragment) and on
//! a few site settings, so when the posts are the same ones in the same order (a body, title
//! or tag edit; not a post added, removed or moved by its date), the index is the last one with
//! the changed posts' postings taken out and their new ones put in. The result is byte for byte
//! what a full build makes: `tests/build_incremental.rs` compares the two after random edits.
//!
//! The engine keeps it between runs and the build cache saves it in its own file, read only by
//! builds that get as far as making the index.

use rayon::prelude::*;

use super::js_order;
use crate::fingerprint::FastMap;

/// One term's postings: (doc id, weight), ids ascending.
pub type Postings = Vec<(u32, u8)>;

/// See the module documentation.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct State {
    /// What every post's part depends on besides the post (base URL, zone, language, layout).
    pub(super) site: u64,
    /// Per doc id: the post's slug and the fingerprint of what its part is made of.
    pub(super) docs: Vec<(String, u64)>,
    /// The fragment files' names, one per [`super::DOCS_PER_SHARD`] ids.
    pub(super) shards: Vec<String>,
    /// The chunk files: (first term, name).
    pub(super) chunks: Vec<(String, String)>,
    /// Every term, in JavaScript's order, with its postings.
    #[serde(with = "packed")]
    pub(super) terms: Vec<(String, Postings)>,
}

/// `terms` as the build cache keeps them: one byte string. Through serde each posting was a
/// varint and a byte written and read one call at a time, ~2.8 million of them at 10k posts:
/// ~35 ms to read the state and as long to write it. Here: the number of terms, then per term
/// its text's length and bytes, its postings' count, and each posting as the gap from the
/// previous id (wrapping, so any order comes back as it was) and its weight. Numbers are
/// LEB128.
mod packed {
    use super::Postings;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(terms: &[(String, Postings)], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&pack(terms))
    }

    pub(super) fn pack(terms: &[(String, Postings)]) -> Vec<u8> {
        let size: usize = terms.iter().map(|(t, l)| t.len() + 2 * l.len() + 4).sum();
        let mut out = Vec::with_capacity(size + size / 4 + 8);
        put(&mut out, terms.len() as u64);
        for (term, list) in terms {
            put(&mut out, term.len() as u64);
            out.extend_from_slice(term.as_bytes());
            put(&mut out, list.len() as u64);
            let mut prev = 0u32;
            for &(id, weight) in list {
                let gap = id.wrapping_sub(prev);
                if gap < 0x80 {
                    out.extend_from_slice(&[gap as u8, weight]);
                } else {
                    put(&mut out, u64::from(gap));
                    out.push(weight);
                }
                prev = id;
            }
        }
        out
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<(String, Postings)>, D::Error> {
        struct Packed;
        impl serde::de::Visitor<'_> for Packed {
            type Value = Vec<(String, Postings)>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("the search index's terms as bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
                unpack(v).ok_or_else(|| E::custom("the search index's terms are damaged"))
            }
        }
        d.deserialize_bytes(Packed)
    }

    pub(super) fn unpack(v: &[u8]) -> Option<Vec<(String, Postings)>> {
        let mut at = 0;
        let n = take(v, &mut at)?;
        // Every term takes at least two bytes: a damaged count cannot reserve much.
        let mut terms = Vec::with_capacity(n.min(v.len() as u64 / 2) as usize);
        for _ in 0..n {
            let len = usize::try_from(take(v, &mut at)?).ok()?;
            let text = v.get(at..at.checked_add(len)?)?;
            at += len;
            let term = std::str::from_utf8(text).ok()?.to_string();
            let count = take(v, &mut at)?;
            let mut list = Vec::with_capacity(count.min(v.len() as u64 / 2) as usize);
            let mut prev = 0u32;
            for _ in 0..count {
                // Most gaps fit one byte: read those and the weight without the loop.
                let gap = match v.get(at..at + 2) {
                    Some(&[gap, weight]) if gap < 0x80 => {
                        at += 2;
                        prev = prev.wrapping_add(u32::from(gap));
                        list.push((prev, weight));
                        continue;
                    }
                    _ => u32::try_from(take(v, &mut at)?).ok()?,
                };
                let &weight = v.get(at)?;
                at += 1;
                prev = prev.wrapping_add(gap);
                list.push((prev, weight));
            }
            terms.push((term, list));
        }
        (at == v.len()).then_some(terms)
    }

    fn put(out: &mut Vec<u8>, mut n: u64) {
        while n >= 0x80 {
            out.push(n as u8 | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }

    fn take(v: &[u8], at: &mut usize) -> Option<u64> {
        let mut n = 0u64;
        let mut shift = 0;
        while shift < 64 {
            let b = *v.get(*at)?;
            *at += 1;
            n |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(n);
            }
            shift += 7;
        }
        None
    }
}

/// Above this share of posts changed, a full build is as quick as patching.
const PATCH_AT_MOST: usize = 4;

/// The doc ids whose posts changed since `prev`, or `None` when `prev` cannot be patched into
/// the index of `docs` (other settings, or other posts or order).
pub(super) fn changed(prev: &State, site: u64, docs: &[(String, u64)]) -> Option<Vec<u32>> {
    if prev.site != site || prev.docs.len() != docs.len() {
        return None;
    }
    let mut changed = Vec::new();
    for (id, (old, new)) in prev.docs.iter().zip(docs).enumerate() {
        if old.0 != new.0 {
            return None;
        }
        if old.1 != new.1 {
            changed.push(id as u32);
        }
    }
    // One post is always patched, on a small site too: a full build would cost nothing there,
    // but then only large sites would ever take (and tests exercise) this path.
    (changed.len() <= (docs.len() / PATCH_AT_MOST).max(1)).then_some(changed)
}

/// A post's terms with their weights: its words (body and fields merged, `whole`, sorted),
/// and every term inside them at the weight of the heaviest word it is inside of, unless the
/// post has the term as a word itself. The same weights the full build gives this post.
pub(super) fn post_terms<'a>(whole: &[(&'a str, u8)]) -> Vec<(&'a str, u8)> {
    let mut parts: FastMap<&str, u8> = FastMap::default();
    for (word, w) in whole {
        for s in super::tokenize::suffixes(word) {
            let e = parts.entry(s).or_default();
            *e = (*e).max(super::tokenize::suffix_weight(*w));
        }
    }
    let mut out: Vec<(&str, u8)> = whole.to_vec();
    out.extend(
        parts
            .into_iter()
            .filter(|(s, _)| whole.binary_search_by(|(w, _)| w.cmp(s)).is_err()),
    );
    out
}

/// Takes the postings of `changed` ids out of `terms` and puts `added` (term, id, weight) in,
/// keeping terms in JavaScript's order and postings in id order; terms left with no postings
/// go. Returns the terms whose postings differ now (changed, new or gone), in JavaScript's
/// order: the index's chunks holding no such term are the same.
pub(super) fn patch(
    terms: &mut Vec<(String, Postings)>,
    changed: &[u32],
    added: Vec<(&str, u32, u8)>,
) -> Vec<String> {
    let max = changed.iter().max().map_or(0, |m| *m as usize + 1);
    let mut gone = vec![false; max];
    for id in changed {
        gone[*id as usize] = true;
    }
    // (term index, postings taken out), for the terms that had any.
    let mut touched: FastMap<usize, (Postings, Postings)> = terms
        .par_iter_mut()
        .enumerate()
        .filter_map(|(i, (_, list))| {
            let mut out = Vec::new();
            list.retain(|p| {
                let keep = gone.get(p.0 as usize).is_none_or(|g| !g);
                if !keep {
                    out.push(*p);
                }
                keep
            });
            (!out.is_empty()).then_some((i, (out, Vec::new())))
        })
        .collect();
    let mut new_terms: FastMap<&str, Postings> = FastMap::default();
    for (term, id, w) in added {
        match terms.binary_search_by(|(t, _)| js_order(t, term)) {
            Ok(i) => {
                let list = &mut terms[i].1;
                let at = list.partition_point(|p| p.0 < id);
                list.insert(at, (id, w));
                touched.entry(i).or_default().1.push((id, w));
            }
            Err(_) => {
                let list = new_terms.entry(term).or_default();
                let at = list.partition_point(|p| p.0 < id);
                list.insert(at, (id, w));
            }
        }
    }
    let mut dirty: Vec<String> = touched
        .into_iter()
        .filter_map(|(i, (mut out, mut put))| {
            out.sort_unstable();
            put.sort_unstable();
            (out != put).then(|| terms[i].0.clone())
        })
        .chain(new_terms.keys().map(|t| t.to_string()))
        .collect();
    dirty.sort_unstable_by(|a, b| js_order(a, b));
    terms.retain(|(_, list)| !list.is_empty());
    if new_terms.is_empty() {
        return dirty;
    }
    let mut fresh: Vec<(String, Postings)> = new_terms
        .into_iter()
        .map(|(t, l)| (t.to_string(), l))
        .collect();
    fresh.sort_unstable_by(|a, b| js_order(&a.0, &b.0));
    let old = std::mem::take(terms);
    terms.reserve(old.len() + fresh.len());
    let mut a = old.into_iter().peekable();
    let mut b = fresh.into_iter().peekable();
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => js_order(&x.0, &y.0).is_lt(),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_a { a.next() } else { b.next() };
        terms.extend(next);
    }
    dirty
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(list: &[(&str, &[(u32, u8)])]) -> Vec<(String, Postings)> {
        list.iter()
            .map(|(t, p)| (t.to_string(), p.to_vec()))
            .collect()
    }

    #[test]
    fn a_patch_replaces_the_changed_posts_postings_and_keeps_the_order() {
        let mut t = terms(&[
            ("가", &[(0, 2), (1, 2)]),
            ("나", &[(1, 4)]),
            ("라", &[(0, 2)]),
        ]);
        // Post 1 now has 가 (heavier), 다 (new) and no 나 any more.
        let dirty = patch(
            &mut t,
            &[1],
            vec![("가", 1, 12), ("다", 1, 2), ("마", 1, 1)],
        );
        // 나 lost its only posting; 가's weight changed; 다 and 마 are new.
        assert_eq!(dirty, ["가", "나", "다", "마"]);
        assert_eq!(
            t,
            terms(&[
                ("가", &[(0, 2), (1, 12)]),
                ("다", &[(1, 2)]),
                ("라", &[(0, 2)]),
                ("마", &[(1, 1)]),
            ])
        );
    }

    #[test]
    fn terms_come_back_from_the_cache_as_they_were_packed() {
        let t = terms(&[
            ("", &[]),
            ("가", &[(0, 2), (1, 2), (300, 0), (70_000, 255)]),
            ("나", &[(u32::MAX, 4), (5, 1)]),
            ("with", &[(12, 9)]),
        ]);
        let state = State {
            terms: t.clone(),
            ..State::default()
        };
        let bytes = postcard::to_stdvec(&state).unwrap();
        let back: State = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back.terms, t);
        // Cut anywhere, or with a byte more, the terms are refused, not misread.
        let packed = packed::pack(&t);
        assert_eq!(packed::unpack(&packed), Some(t));
        for cut in 0..packed.len() {
            assert_eq!(packed::unpack(&packed[..cut]), None, "cut at {cut}");
        }
        let mut longer = packed.clone();
        longer.push(0);
        assert_eq!(packed::unpack(&longer), None);
    }

    #[test]
    fn a_post_has_its_suffixes_at_half_weight_unless_it_has_them_as_words() {
        // 재무장관 (3+ syllables) holds 무장관 and 장관; this post also has 장관 itself.
        let whole = [("장관", 2), ("재무장관", 20)];
        let mut got = post_terms(&whole);
        got.sort_unstable();
        assert_eq!(got, [("무장관", 10), ("장관", 2), ("재무장관", 20)]);
    }

    #[test]
    fn other_settings_or_other_posts_are_not_patched() {
        let prev = State {
            site: 1,
            docs: vec![
                ("a".into(), 10),
                ("b".into(), 20),
                ("c".into(), 30),
                ("d".into(), 40),
            ],
            ..State::default()
        };
        let same = prev.docs.clone();
        assert_eq!(changed(&prev, 1, &same), Some(vec![]));
        assert_eq!(changed(&prev, 2, &same), None);
        let mut edited = same.clone();
        edited[2].1 = 31;
        assert_eq!(changed(&prev, 1, &edited), Some(vec![2]));
        let mut moved = same.clone();
        moved.swap(0, 1);
        assert_eq!(changed(&prev, 1, &moved), None);
        assert_eq!(changed(&prev, 1, &same[..3]), None);
        let mut many = same;
        many[0].1 = 0;
        many[1].1 = 0;
        assert_eq!(changed(&prev, 1, &many), None);
    }
}
