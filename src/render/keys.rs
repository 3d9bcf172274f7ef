//! Page keys: a fingerprint of everything a page's template and context depend on, computed
//! from the site model without building the context. `serve` re-renders a page only when its
//! key changed, which turns a one-post edit on a 10,000-post site into a handful of renders.
//!
//! The rule that keeps this correct: every value a kind's `context` puts into a page must be
//! covered by that kind's `key`, which sits right below it in the kind's file (`kinds/`) so
//! the two are reviewed together. This file holds what several kinds' keys share: the
//! memoised fingerprints of post cards, shows, episodes and guests. Post-derived values are
//! covered by the post's file fingerprint (a post's card is a function of its file, the
//! config and the names it links to); config changes rebuild all.

use std::sync::OnceLock;

use rayon::prelude::*;

use super::Planned;
use super::templates::Templates;
use crate::fingerprint;
use crate::site::Site;

pub struct Keys<'a> {
    pub(super) site: &'a Site,
    /// Fingerprints kept with the model between runs.
    pub(super) memo: &'a super::Memo,
    /// The whole plan: the sitemap lists every page.
    pub(super) planned: &'a [Planned],
    cards: Vec<OnceLock<u64>>,
    /// The sitemap's key, computed once: it walks the whole plan.
    pub(super) sitemap: OnceLock<u64>,
}

impl<'a> Keys<'a> {
    pub fn new(site: &'a Site, planned: &'a [Planned], memo: &'a super::Memo) -> Self {
        Keys {
            site,
            memo,
            planned,
            cards: (0..site.posts.len()).map(|_| OnceLock::new()).collect(),
            sitemap: OnceLock::new(),
        }
    }

    /// A post card: the post's file, plus the names, slugs and counts of what it links to.
    pub(super) fn card(&self, pi: usize) -> u64 {
        *self.cards[pi].get_or_init(|| {
            let s = self.site;
            let p = &s.posts[pi];
            let l = &s.links[pi];
            let show = l.show.map(|si| (&s.shows[si].name, &s.shows[si].slug));
            let guests: Vec<_> = p
                .guests
                .iter()
                .zip(&l.guests)
                .map(|(m, &gi)| (&s.guests[gi].name, &s.guests[gi].slug, &m.role))
                .collect();
            let tags: Vec<_> = l
                .tags
                .iter()
                .map(|&ti| (&s.tags[ti].name, &s.tags[ti].slug, s.tags[ti].posts.len()))
                .collect();
            fingerprint::of(&(p.card_hash, show, guests, tags))
        })
    }

    pub(super) fn cards(&self, posts: &[usize]) -> Vec<u64> {
        posts.iter().map(|&pi| self.card(pi)).collect()
    }

    pub(super) fn show(&self, si: usize) -> u64 {
        let s = &self.site.shows[si];
        fingerprint::of(&(
            &s.name,
            &s.slug,
            s.profile.as_ref().map(|p| p.hash),
            s.episodes.len(),
            s.post_count,
            s.episodes.first().map(|e| e.number),
            self.cards(&s.other_posts),
        ))
    }

    pub(super) fn episode(&self, si: usize, ei: usize) -> u64 {
        let s = &self.site.shows[si];
        let e = &s.episodes[ei];
        let guests: Vec<_> = e
            .guests
            .iter()
            .map(|(gi, role)| {
                (
                    &self.site.guests[*gi].name,
                    &self.site.guests[*gi].slug,
                    role,
                )
            })
            .collect();
        fingerprint::of(&(&s.slug, e.number, e.aired, guests, self.cards(&e.posts)))
    }

    pub(super) fn guest(&self, gi: usize) -> u64 {
        let g = &self.site.guests[gi];
        fingerprint::of(&(
            &g.name,
            &g.slug,
            g.role(),
            g.profile.as_ref().map(|p| p.hash),
            g.appearances.len(),
        ))
    }

    pub(super) fn neighbours(&self, si: usize, number: u32) -> (Option<u32>, Option<u32>) {
        let (a, b) = self.site.neighbour_episodes(si, number);
        (a.map(|e| e.number), b.map(|e| e.number))
    }

    /// The key of one planned page: its kind's key, its template with everything that
    /// template extends or includes, and its path.
    pub fn page(&self, p: &Planned, templates: &Templates) -> u64 {
        p.job.with_kind(|kind| {
            // Every page shows `site`, whose only changing part is the post count; posts,
            // shows and guests show a social card or not (`og:image`) by whether cards are
            // drawn, which a font installed or removed changes without config changing.
            fingerprint::of(&(
                templates.fingerprint(kind.template()),
                &p.path,
                self.site.posts.len(),
                self.site.cards,
                kind.key(self),
            ))
        })
    }

    /// Keys of every planned page, in parallel.
    pub fn all(&self, planned: &[Planned], templates: &Templates) -> Vec<u64> {
        planned
            .par_iter()
            .map(|p| self.page(p, templates))
            .collect()
    }
}
