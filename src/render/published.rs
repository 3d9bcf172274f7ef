//! Which posts a show or a guest has published, and when a post last changed: what feeds
//! and the sitemaps' `lastmod` are made of, shared by several kinds. The feeds themselves are
//! `kinds/feed.rs`, the sitemaps `kinds/sitemap.rs`; their functions are re-exported here so
//! their paths stay as they were.

use chrono::{DateTime, FixedOffset};

use super::kinds::Job;
pub use super::kinds::{feed_posts, news_posts, sitemap_entries};
use crate::site::Site;

/// A show's posts, newest first.
pub fn show_posts(site: &Site, si: usize) -> Vec<usize> {
    let s = &site.shows[si];
    let mut posts: Vec<usize> = s
        .episodes
        .iter()
        .flat_map(|e| e.posts.iter().copied())
        .chain(s.other_posts.iter().copied())
        .collect();
    // Post indices follow the site's order, newest first.
    posts.sort_unstable();
    posts
}

/// The posts naming a guest, newest first.
pub fn guest_posts(site: &Site, gi: usize) -> Vec<usize> {
    let mut posts: Vec<usize> = site.guests[gi]
        .appearances
        .iter()
        .flat_map(|a| a.posts.iter().copied())
        .collect();
    posts.sort_unstable();
    posts.dedup();
    posts
}

/// When a post last changed: `updated`, else its date.
pub fn post_modified(site: &Site, pi: usize) -> DateTime<FixedOffset> {
    let p = &site.posts[pi];
    p.updated.unwrap_or(p.date)
}

/// The newest change among `posts`.
pub fn newest(
    site: &Site,
    posts: impl IntoIterator<Item = usize>,
) -> Option<DateTime<FixedOffset>> {
    posts.into_iter().map(|pi| post_modified(site, pi)).max()
}

/// The `lastmod` of a page in the sitemap: the newest change among the posts it shows. Each
/// kind answers for its own pages.
pub fn lastmod(site: &Site, job: Job) -> Option<DateTime<FixedOffset>> {
    job.with_kind(|k| k.lastmod(site))
}
