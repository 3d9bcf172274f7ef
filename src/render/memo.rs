//! Template values kept from one run to the next while the site model stays the same.
//!
//! `serve`'s fast path swaps an edited post into the kept model and renders the pages that
//! show it; on a large site one of them lists every post (the archive), and building its
//! 10,000 entries again took more time than everything else a title edit does. A [`Memo`]
//! belongs to one model: it is made with it, told which posts were swapped
//! ([`Memo::forget_post`]), and dropped with it. Everything else an entry shows (the post's
//! show, the base URL) is part of the model's structure, which a swap does not change.

use std::sync::{Mutex, OnceLock};

use tera::Value;

use super::values::Base;
use crate::fingerprint::FastMap;
use crate::site::{ArchiveYear, Site};

/// Values built from one site model, by post.
#[derive(Debug, Default)]
pub struct Memo {
    /// A post's archive entry ([`super::values::Values::entry`]).
    entries: Vec<OnceLock<Value>>,
    /// The fingerprint of what that entry shows, for the archive's page key.
    entry_keys: Vec<OnceLock<u64>>,
    /// An archive month's value, by its first post: (its number of posts, the value). A
    /// month's posts are a run of post indices (posts are in date order).
    months: Mutex<FastMap<usize, (usize, Value)>>,
    /// The posts by year and month: dates are part of the structure a swap keeps, and
    /// converting 10,000 dates to the site's time zone took 4 to 8 ms.
    archive: OnceLock<Vec<ArchiveYear>>,
    /// What every page shows of the site as a whole.
    base: OnceLock<Base>,
}

impl Memo {
    /// An empty memo for a model of `posts` posts.
    pub fn new(posts: usize) -> Memo {
        Memo {
            entries: (0..posts).map(|_| OnceLock::new()).collect(),
            entry_keys: (0..posts).map(|_| OnceLock::new()).collect(),
            months: Mutex::default(),
            archive: OnceLock::new(),
            base: OnceLock::new(),
        }
    }

    /// Post `i` was replaced: what was built from it is built again when next asked for.
    pub fn forget_post(&mut self, i: usize) {
        if let Some(slot) = self.entries.get_mut(i) {
            *slot = OnceLock::new();
        }
        if let Some(slot) = self.entry_keys.get_mut(i) {
            *slot = OnceLock::new();
        }
        let months = self.months.get_mut().unwrap_or_else(|e| e.into_inner());
        months.retain(|&first, (len, _)| !(first..first + *len).contains(&i));
    }

    /// Post `pi`'s archive entry, made by `make` unless kept. A memo of another size than
    /// the model (a bug) keeps nothing rather than show another post's entry.
    pub(super) fn entry(&self, pi: usize, posts: usize, make: impl FnOnce() -> Value) -> Value {
        match self.entries.get(pi) {
            Some(slot) if self.entries.len() == posts => slot.get_or_init(make).clone(),
            _ => make(),
        }
    }

    /// The fingerprint of post `pi`'s archive entry, as [`Memo::entry`] keeps the entry.
    pub(super) fn entry_key(&self, pi: usize, posts: usize, make: impl FnOnce() -> u64) -> u64 {
        match self.entry_keys.get(pi) {
            Some(slot) if self.entry_keys.len() == posts => *slot.get_or_init(make),
            _ => make(),
        }
    }

    /// The site-wide values of this memo's model, made by `make` the first time.
    pub(super) fn base(&self, make: impl FnOnce() -> Base) -> &Base {
        self.base.get_or_init(make)
    }

    /// [`Site::archive`] of this memo's model.
    pub(super) fn archive(&self, site: &Site) -> &[ArchiveYear] {
        self.archive.get_or_init(|| site.archive())
    }

    /// The archive month whose posts are `posts` (a run of indices, in order), made by
    /// `make` unless kept.
    pub(super) fn month(&self, posts: &[usize], make: impl FnOnce() -> Value) -> Value {
        let (Some(&first), Some(&last)) = (posts.first(), posts.last()) else {
            return make();
        };
        // Only a run can be forgotten by index.
        let run = last.checked_sub(first) == Some(posts.len() - 1) && posts.is_sorted();
        if !run || last >= self.entries.len() {
            return make();
        }
        let kept = self
            .months
            .lock()
            .ok()
            .and_then(|m| m.get(&first).filter(|(n, _)| *n == posts.len()).cloned());
        if let Some((_, v)) = kept {
            return v;
        }
        let v = make();
        if let Ok(mut m) = self.months.lock() {
            m.insert(first, (posts.len(), v.clone()));
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_made_once_until_its_post_is_forgotten() {
        let mut memo = Memo::new(2);
        let made = std::cell::Cell::new(0);
        let make = |s: &str| {
            made.set(made.get() + 1);
            Value::from(s)
        };
        assert_eq!(memo.entry(1, 2, || make("a")).as_str(), Some("a"));
        assert_eq!(memo.entry(1, 2, || make("b")).as_str(), Some("a"));
        assert_eq!(made.get(), 1);
        memo.forget_post(1);
        assert_eq!(memo.entry(1, 2, || make("b")).as_str(), Some("b"));
        // Another model's size: nothing kept, nothing wrong shown.
        assert_eq!(memo.entry(1, 3, || make("c")).as_str(), Some("c"));
    }

    #[test]
    fn a_month_is_made_again_when_one_of_its_posts_is_forgotten() {
        let mut memo = Memo::new(5);
        assert_eq!(memo.month(&[1, 2], || "a".into()).as_str(), Some("a"));
        assert_eq!(memo.month(&[3, 4], || "b".into()).as_str(), Some("b"));
        assert_eq!(memo.month(&[1, 2], || "x".into()).as_str(), Some("a"));
        memo.forget_post(2);
        assert_eq!(memo.month(&[1, 2], || "c".into()).as_str(), Some("c"));
        assert_eq!(memo.month(&[3, 4], || "x".into()).as_str(), Some("b"));
        // Not a run of indices: never kept.
        assert_eq!(memo.month(&[0, 4], || "d".into()).as_str(), Some("d"));
        assert_eq!(memo.month(&[0, 4], || "e".into()).as_str(), Some("e"));
    }
}
