//! The feeds: the site's Atom (`/atom.xml`) and RSS (`/rss.xml`) feeds of its newest posts,
//! and an Atom feed per show (`/shows/<slug>/atom.xml`) and per guest
//! (`/guests/<slug>/atom.xml`). Entries are post cards, or whole posts with
//! `feed_full_content`.

use tera::{Context, Value};

use super::{Job, Kind, Plan, Planned};
use crate::fingerprint;
use crate::render::keys::Keys;
use crate::render::published;
use crate::render::values::{self, Values};
use crate::site::Site;
use crate::urls;

/// Which feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Feed {
    Atom,
    Rss,
    Show(usize),
    Guest(usize),
}

/// The posts a feed carries: the newest `feed_limit`.
pub fn feed_posts(site: &Site, feed: Feed) -> Vec<usize> {
    let limit = site.config.feed_limit;
    let mut posts = match feed {
        Feed::Atom | Feed::Rss => (0..site.posts.len().min(limit)).collect(),
        Feed::Show(si) => published::show_posts(site, si),
        Feed::Guest(gi) => published::guest_posts(site, gi),
    };
    posts.truncate(limit);
    posts
}

pub(super) fn plan(plan: &mut Plan) {
    let site = plan.site;
    plan.push(Job::Feed(Feed::Atom), "atom.xml".to_string(), None);
    plan.push(Job::Feed(Feed::Rss), "rss.xml".to_string(), None);
    // Old addresses of the feeds (`[feed_aliases]`): the same feed again, since feed readers
    // do not follow a redirect page. A folder path gets `index.xml`.
    let aliases = &site.config.feed_aliases;
    let again = [(Feed::Atom, &aliases.atom), (Feed::Rss, &aliases.rss)];
    for (feed, paths) in again {
        for path in paths {
            let file = match path.ends_with('/') {
                true => format!("{path}index.xml"),
                false => path.clone(),
            };
            plan.push_file(Job::Feed(feed), path.clone(), file, None);
        }
    }
    for (si, s) in site.shows.iter().enumerate() {
        plan.push(
            Job::Feed(Feed::Show(si)),
            format!("{}atom.xml", urls::show(&s.slug)),
            None,
        );
    }
    for (gi, g) in site.guests.iter().enumerate() {
        plan.push(
            Job::Feed(Feed::Guest(gi)),
            format!("{}atom.xml", urls::guest(&g.slug)),
            None,
        );
    }
}

/// With `feed_full_content` an entry is the whole post: every feed post `post` is in shows
/// its body.
pub(super) fn showing_body(site: &Site, post: usize, out: &mut Vec<Job>) {
    if !site.config.feed_full_content {
        return;
    }
    let l = &site.links[post];
    let feeds = [Feed::Atom, Feed::Rss]
        .into_iter()
        .chain(l.show.map(Feed::Show))
        .chain(l.guests.iter().map(|&gi| Feed::Guest(gi)));
    for feed in feeds {
        let job = Job::Feed(feed);
        // Only the newest `feed_limit` posts are in a feed.
        if !out.contains(&job) && feed_posts(site, feed).contains(&post) {
            out.push(job);
        }
    }
}

impl Kind for Feed {
    fn template(&self) -> &'static str {
        match self {
            Feed::Rss => "rss.xml",
            Feed::Atom | Feed::Show(_) | Feed::Guest(_) => "atom.xml",
        }
    }

    fn describe(&self) -> &'static str {
        "a feed"
    }

    fn is_file(&self) -> bool {
        true
    }

    fn is_page(&self) -> bool {
        false
    }

    fn context(&self, v: &Values, p: &Planned, _: &[Planned], ctx: &mut Context) {
        let site = v.site;
        let c = &site.config;
        let (title, page) = match *self {
            Feed::Atom | Feed::Rss => (c.title.clone(), String::new()),
            Feed::Show(si) => {
                let s = &site.shows[si];
                (format!("{} · {}", s.name, c.title), urls::show(&s.slug))
            }
            Feed::Guest(gi) => {
                let g = &site.guests[gi];
                (format!("{} · {}", g.name, c.title), urls::guest(&g.slug))
            }
        };
        let posts = feed_posts(site, *self);
        let updated = posts
            .iter()
            .map(|&pi| published::post_modified(site, pi))
            .max()
            .map_or_else(Value::none, |d| {
                crate::dates::rfc3339(&d, c.timezone).into()
            });
        let entries: Vec<Value> = posts
            .iter()
            .map(|&pi| {
                if c.feed_full_content {
                    v.post(pi)
                } else {
                    v.card(pi)
                }
            })
            .collect();
        ctx.insert_value(
            "feed",
            values::obj([
                ("title", title.into()),
                ("url", v.link.permalink(&page).into()),
                ("self_url", v.link.permalink(&p.path).into()),
                ("updated", updated),
                ("language", c.language.as_str().into()),
                ("full_content", c.feed_full_content.into()),
            ]),
        );
        ctx.insert_value("entries", entries.into());
    }

    fn key(&self, k: &Keys) -> u64 {
        let site = k.site;
        let scope = match *self {
            Feed::Atom | Feed::Rss => None,
            Feed::Show(si) => Some((&site.shows[si].name, &site.shows[si].slug)),
            Feed::Guest(gi) => Some((&site.guests[gi].name, &site.guests[gi].slug)),
        };
        // With full content an entry shows the post's body too: its whole file counts.
        let full = site.config.feed_full_content;
        let entries: Vec<(u64, Option<u64>)> = feed_posts(site, *self)
            .into_iter()
            .map(|pi| (k.card(pi), full.then(|| site.posts[pi].hash)))
            .collect();
        fingerprint::of(&(scope, entries))
    }
}
