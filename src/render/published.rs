//! What the site publishes for machines besides pages: which posts each feed carries, the
//! `lastmod` of every page in the sitemap, and the recent posts of the news sitemap.

use chrono::{DateTime, Duration, FixedOffset};

use super::{Feed, Job, Planned};
use crate::site::{Site, pager};

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

/// The posts a feed carries: the newest `feed_limit`.
pub fn feed_posts(site: &Site, feed: Feed) -> Vec<usize> {
    let limit = site.config.feed_limit;
    let mut posts = match feed {
        Feed::Atom | Feed::Rss => (0..site.posts.len().min(limit)).collect(),
        Feed::Show(si) => show_posts(site, si),
        Feed::Guest(gi) => guest_posts(site, gi),
    };
    posts.truncate(limit);
    posts
}

/// When a post last changed: `updated`, else its date.
pub fn post_modified(site: &Site, pi: usize) -> DateTime<FixedOffset> {
    let p = &site.posts[pi];
    p.updated.unwrap_or(p.date)
}

fn newest(site: &Site, posts: impl IntoIterator<Item = usize>) -> Option<DateTime<FixedOffset>> {
    posts.into_iter().map(|pi| post_modified(site, pi)).max()
}

/// The `lastmod` of a page in the sitemap: the newest change among the posts it shows.
pub fn lastmod(site: &Site, job: Job) -> Option<DateTime<FixedOffset>> {
    let per = site.config.paginate;
    match job {
        Job::Post(i) => Some(post_modified(site, i)),
        Job::Page(i) => {
            let p = &site.pages[i];
            p.updated.or(p.date)
        }
        Job::Home { page } => newest(site, pager(site.posts.len(), per, page).items),
        Job::Tag { tag, page } => {
            let t = &site.tags[tag];
            newest(
                site,
                t.posts[pager(t.posts.len(), per, page).items]
                    .iter()
                    .copied(),
            )
        }
        Job::Show { show, .. } => newest(site, show_posts(site, show)),
        Job::Episode { show, episode } => newest(
            site,
            site.shows[show].episodes[episode].posts.iter().copied(),
        ),
        Job::Guest { guest, .. } => newest(site, guest_posts(site, guest)),
        Job::Shows | Job::Guests | Job::Tags | Job::Archive => newest(site, 0..site.posts.len()),
        Job::NotFound | Job::Feed(_) | Job::Sitemap | Job::NewsSitemap | Job::Robots => None,
    }
}

/// The pages the sitemap lists, with their `lastmod`.
pub fn sitemap_entries<'a>(
    site: &Site,
    planned: &'a [Planned],
) -> Vec<(&'a Planned, Option<DateTime<FixedOffset>>)> {
    planned
        .iter()
        .filter(|p| p.job.is_page() && p.job != Job::NotFound)
        .map(|p| (p, lastmod(site, p.job)))
        .collect()
}

/// Posts of the last two days (Google News only wants those), newest first.
pub fn news_posts(site: &Site, now: DateTime<FixedOffset>) -> Vec<usize> {
    let since = now - Duration::days(2);
    (0..site.posts.len())
        .filter(|&i| site.posts[i].date >= since && site.posts[i].date <= now)
        .collect()
}
