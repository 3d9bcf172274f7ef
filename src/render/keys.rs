//! Page keys: a fingerprint of everything a page's template and context depend on, computed
//! from the site model without building the context. `serve` re-renders a page only when its
//! key changed, which turns a one-post edit on a 10,000-post site into a handful of renders.
//!
//! The rule that keeps this correct: every value `context()` puts into a page must be covered
//! here. Post-derived values are covered by the post's file fingerprint (a post's card is a
//! function of its file, the config and the names it links to); config changes rebuild all.

use std::sync::OnceLock;

use rayon::prelude::*;

use super::templates::Templates;
use super::{Feed, Job, Planned, published, template_for};
use crate::fingerprint;
use crate::site::{Site, pager};

/// The post's whole file: its body shows only on its own page.
fn p_hash(site: &Site, i: usize) -> u64 {
    site.posts[i].hash
}

pub struct Keys<'a> {
    site: &'a Site,
    /// The whole plan: the sitemap lists every page.
    planned: &'a [Planned],
    cards: Vec<OnceLock<u64>>,
    sitemap: OnceLock<u64>,
}

impl<'a> Keys<'a> {
    pub fn new(site: &'a Site, planned: &'a [Planned]) -> Self {
        Keys {
            site,
            planned,
            cards: (0..site.posts.len()).map(|_| OnceLock::new()).collect(),
            sitemap: OnceLock::new(),
        }
    }

    /// A post card: the post's file, plus the names, slugs and counts of what it links to.
    fn card(&self, pi: usize) -> u64 {
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

    fn cards(&self, posts: &[usize]) -> Vec<u64> {
        posts.iter().map(|&pi| self.card(pi)).collect()
    }

    fn show(&self, si: usize) -> u64 {
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

    fn episode(&self, si: usize, ei: usize) -> u64 {
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

    fn guest(&self, gi: usize) -> u64 {
        let g = &self.site.guests[gi];
        fingerprint::of(&(
            &g.name,
            &g.slug,
            g.role(),
            g.profile.as_ref().map(|p| p.hash),
            g.appearances.len(),
        ))
    }

    fn neighbours(&self, si: usize, number: u32) -> (Option<u32>, Option<u32>) {
        let (a, b) = self.site.neighbour_episodes(si, number);
        (a.map(|e| e.number), b.map(|e| e.number))
    }

    /// The key of one planned page.
    pub fn page(&self, p: &Planned, templates: &Templates) -> u64 {
        let site = self.site;
        let per = site.config.paginate;
        let job = match p.job {
            Job::Home { page } => {
                let pg = pager(site.posts.len(), per, page);
                let all: Vec<usize> = pg.items.collect();
                fingerprint::of(&(pg.total_pages, self.cards(&all)))
            }
            Job::Post(i) => {
                let n = site.posts.len();
                let prev = (i + 1 < n).then(|| self.card(i + 1));
                let next = (i > 0).then(|| self.card(i - 1));
                let eps = match (site.links[i].show, site.posts[i].episode) {
                    (Some(si), Some(num)) => Some((&site.shows[si].slug, self.neighbours(si, num))),
                    _ => None,
                };
                fingerprint::of(&(p_hash(site, i), self.card(i), prev, next, eps))
            }
            Job::Shows => {
                let all: Vec<u64> = (0..site.shows.len()).map(|si| self.show(si)).collect();
                fingerprint::of(&all)
            }
            Job::Show { show, page } => {
                let s = &site.shows[show];
                let pg = pager(s.episodes.len(), per, page);
                let eps: Vec<u64> = pg.items.clone().map(|ei| self.episode(show, ei)).collect();
                fingerprint::of(&(self.show(show), pg.total_pages, eps))
            }
            Job::Episode { show, episode } => {
                let num = site.shows[show].episodes[episode].number;
                fingerprint::of(&(
                    self.show(show),
                    self.episode(show, episode),
                    self.neighbours(show, num),
                ))
            }
            Job::Guests => {
                let all: Vec<u64> = (0..site.guests.len()).map(|gi| self.guest(gi)).collect();
                fingerprint::of(&all)
            }
            Job::Guest { guest, page } => {
                let g = &site.guests[guest];
                let pg = pager(g.appearances.len(), per, page);
                let apps: Vec<_> = g.appearances[pg.items.clone()]
                    .iter()
                    .map(|a| {
                        let show = a
                            .show
                            .map(|si| (&site.shows[si].name, &site.shows[si].slug));
                        (show, a.episode, &a.role, self.cards(&a.posts))
                    })
                    .collect();
                fingerprint::of(&(self.guest(guest), pg.total_pages, apps))
            }
            Job::Tags => {
                let all: Vec<_> = site
                    .tags
                    .iter()
                    .map(|t| (&t.name, &t.slug, t.posts.len()))
                    .collect();
                fingerprint::of(&all)
            }
            Job::Tag { tag, page } => {
                let t = &site.tags[tag];
                let pg = pager(t.posts.len(), per, page);
                fingerprint::of(&(
                    &t.name,
                    &t.slug,
                    t.posts.len(),
                    pg.total_pages,
                    self.cards(&t.posts[pg.items]),
                ))
            }
            Job::Archive => {
                let all: Vec<_> = site
                    .posts
                    .iter()
                    .zip(&site.links)
                    .map(|(p, l)| {
                        let show = l
                            .show
                            .map(|si| (&site.shows[si].name, &site.shows[si].slug));
                        (&p.title, &p.slug, p.date, show, p.episode)
                    })
                    .collect();
                fingerprint::of(&all)
            }
            Job::Page(i) => fingerprint::of(&(site.pages[i].hash, &site.pages[i].file)),
            Job::NotFound | Job::Robots => 0,
            Job::Feed(feed) => {
                let scope = match feed {
                    Feed::Atom | Feed::Rss => None,
                    Feed::Show(si) => Some((&site.shows[si].name, &site.shows[si].slug)),
                    Feed::Guest(gi) => Some((&site.guests[gi].name, &site.guests[gi].slug)),
                };
                let full = site.config.feed_full_content;
                let entries: Vec<(u64, Option<u64>)> = published::feed_posts(site, feed)
                    .into_iter()
                    .map(|pi| (self.card(pi), full.then(|| site.posts[pi].hash)))
                    .collect();
                fingerprint::of(&(scope, entries))
            }
            Job::Sitemap => *self.sitemap.get_or_init(|| {
                let entries: Vec<(&String, Option<_>)> =
                    published::sitemap_entries(site, self.planned)
                        .into_iter()
                        .map(|(q, lastmod)| (&q.path, lastmod))
                        .collect();
                fingerprint::of(&entries)
            }),
            Job::NewsSitemap => {
                let news = published::news_posts(site, site.now);
                fingerprint::of(&self.cards(&news))
            }
        };
        // Every page shows `site`, whose only changing part is the post count.
        fingerprint::of(&(
            templates.fingerprint(template_for(p.job)),
            &p.path,
            site.posts.len(),
            job,
        ))
    }

    /// Keys of every planned page, in parallel.
    pub fn all(&self, planned: &[Planned], templates: &Templates) -> Vec<u64> {
        planned
            .par_iter()
            .map(|p| self.page(p, templates))
            .collect()
    }
}
