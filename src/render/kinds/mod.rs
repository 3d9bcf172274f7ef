//! The registry of page kinds. Each kind of page (home, post, show, episode, guest, tag,
//! archive, search, standalone page, alias, 404, feeds, sitemaps, robots.txt) lives in a file of its own that
//! holds everything about it: the pages it adds to the plan, its template, the values that
//! template gets, its change key right below them (so the two are reviewed together), its
//! head values and JSON-LD, its sitemap `lastmod`, and which of its pages show a post's body.
//!
//! This file is the one place that lists them: the [`Job`] variants, the [`Kind`] each job
//! dispatches to ([`Job::with_kind`], the only `match` over jobs), and `REGISTRY`, the
//! kinds' files in plan order with what each answers for the whole site. Adding a kind
//! touches its own file and this one.
//!
//! `Job` stays a plain enum because it is what the rest of the program holds: `Copy`, hashed
//! into `serve`'s maps, built by `serve` itself (`Job::Post(i)`). The trait is where the
//! behaviour lives; `with_kind` lends a kind to a closure instead of boxing one, so asking a
//! page for its key on a 10,000-post site allocates nothing.

mod alias;
mod archive;
mod episode;
mod feed;
mod guests;
mod home;
mod not_found;
mod page;
mod post;
mod robots;
mod search;
mod shows;
mod sitemap;
mod tags;

use chrono::{DateTime, FixedOffset};
use tera::Context;

pub use feed::{Feed, feed_posts};
pub use sitemap::{news_posts, sitemap_entries};

use super::keys::Keys;
use super::meta::Head;
use super::values::Values;
use crate::site::Site;
use crate::urls;

/// What one page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    Home {
        page: usize,
    },
    Post(usize),
    Shows,
    Show {
        show: usize,
        page: usize,
    },
    Episode {
        show: usize,
        episode: usize,
    },
    Guests,
    Guest {
        guest: usize,
        page: usize,
    },
    Tags,
    Tag {
        tag: usize,
        page: usize,
    },
    Archive,
    Search,
    Page(usize),
    /// Alias `alias` of a post or page: an old address that redirects to it.
    Alias {
        target: alias::Target,
        alias: usize,
    },
    NotFound,
    Feed(Feed),
    Sitemap,
    NewsSitemap,
    Robots,
}

/// A planned page: where it goes and which file (if any) it comes from.
#[derive(Debug, Clone)]
pub struct Planned {
    pub job: Job,
    /// Site-relative, not encoded: `posts/deepseek/`, or `404.html` for the not-found page.
    pub path: String,
    /// The output file: `posts/deepseek/index.html`.
    pub file: String,
    pub origin: Option<String>,
}

/// Everything one kind of page answers about one of its pages. Each kind's file implements
/// it for a small value holding what the [`Job`] variant holds.
pub(super) trait Kind {
    /// The template that renders it.
    fn template(&self) -> &'static str;

    /// What it is, for the error about two pages on one URL ("the other one is …").
    fn describe(&self) -> &'static str;

    /// Written as a file of its own name (`atom.xml`), not as `path/index.html`.
    fn is_file(&self) -> bool {
        false
    }

    /// An HTML page: it gets `meta`, and the sitemap may list it.
    fn is_page(&self) -> bool {
        true
    }

    /// Which alias of its file put it at its URL (`aliases[i]`); `None`: the file's `slug`
    /// or name did, or it has no file.
    fn alias(&self) -> Option<usize> {
        None
    }

    /// It lists every post or page, so it takes far longer to render than any other: it is
    /// started first, and the small pages render beside it.
    fn lists_everything(&self) -> bool {
        false
    }

    /// Puts the values its template shows into `ctx`; the registry has already put `site`,
    /// `current_url` and `current_permalink`, and adds `meta` after. `all` is the whole plan.
    fn context(&self, v: &Values, p: &Planned, all: &[Planned], ctx: &mut Context);

    /// Its change key: a fingerprint of everything `context` puts in, computed from the
    /// model without building the values (see `keys.rs`). `serve` re-renders the page only
    /// when this changes, so a value `context` adds must be covered here.
    fn key(&self, keys: &Keys) -> u64;

    /// Its name: `meta.title`, and the name machines read in its JSON-LD (in the site's
    /// language where it matters). Pages get the site's title unless they have their own.
    fn title(&self, site: &Site) -> String {
        site.config.title.clone()
    }

    /// The page is the one answer at its URL: it gets a canonical link and a sitemap entry.
    fn canonical(&self) -> bool {
        true
    }

    /// Overrides the site's default head values ([`Head`]) with its own description, image,
    /// feeds and JSON-LD. `url` is the page's permalink. Only called for pages (`is_page`).
    fn head(&self, _v: &Values, _url: &str, _head: &mut Head) {}

    /// Its `lastmod` in the sitemap: the newest change among the posts it shows.
    fn lastmod(&self, _site: &Site) -> Option<DateTime<FixedOffset>> {
        None
    }
}

impl Job {
    /// The one place a job finds its kind.
    pub(super) fn with_kind<R>(self, f: impl FnOnce(&dyn Kind) -> R) -> R {
        match self {
            Job::Home { page } => f(&home::Home { page }),
            Job::Post(i) => f(&post::Post(i)),
            Job::Shows => f(&shows::ShowList),
            Job::Show { show, page } => f(&shows::Show { show, page }),
            Job::Episode { show, episode } => f(&episode::Episode { show, episode }),
            Job::Guests => f(&guests::GuestList),
            Job::Guest { guest, page } => f(&guests::Guest { guest, page }),
            Job::Tags => f(&tags::TagList),
            Job::Tag { tag, page } => f(&tags::Tag { tag, page }),
            Job::Archive => f(&archive::Archive),
            Job::Search => f(&search::Search),
            Job::Page(i) => f(&page::Page(i)),
            Job::Alias { target, alias } => f(&alias::Alias { target, alias }),
            Job::NotFound => f(&not_found::NotFound),
            Job::Feed(feed) => f(&feed),
            Job::Sitemap => f(&sitemap::Sitemap),
            Job::NewsSitemap => f(&sitemap::NewsSitemap),
            Job::Robots => f(&robots::Robots),
        }
    }

    /// Written as a file of its own name (`atom.xml`), not as `path/index.html`.
    pub fn is_file(self) -> bool {
        self.with_kind(|k| k.is_file())
    }

    /// An HTML page (it gets `meta`; the sitemap lists all of them but the not-found page).
    pub fn is_page(self) -> bool {
        self.with_kind(|k| k.is_page())
    }

    /// Which alias of its file put it at its URL (see [`Kind::alias`]).
    pub fn alias(self) -> Option<usize> {
        self.with_kind(|k| k.alias())
    }

    /// It lists every post or page (the archive, the sitemap).
    pub fn lists_everything(self) -> bool {
        self.with_kind(|k| k.lists_everything())
    }

    /// The template that renders this page.
    pub fn template(self) -> &'static str {
        self.with_kind(|k| k.template())
    }

    /// What it is, for the error about two pages on one URL.
    pub fn describe(self) -> &'static str {
        self.with_kind(|k| k.describe())
    }
}

/// The plan being built: each kind appends its pages.
pub(super) struct Plan<'a> {
    pub site: &'a Site,
    /// The site's `static/` has its own `robots.txt`, which then wins over the generated one.
    pub static_robots: bool,
    out: Vec<Planned>,
}

impl Plan<'_> {
    /// Adds a page at site path `path`, made from the file `origin` if it has one.
    pub fn push(&mut self, job: Job, path: String, origin: Option<&str>) {
        let file = if job.is_file() {
            path.clone()
        } else {
            urls::file_for(&path)
        };
        self.push_file(job, path, file, origin);
    }

    /// [`Plan::push`] with the output file given: for a kind whose pages are some written as
    /// files and some as folders (aliases).
    pub fn push_file(&mut self, job: Job, path: String, file: String, origin: Option<&str>) {
        self.out.push(Planned {
            job,
            path,
            file,
            origin: origin.map(str::to_string),
        });
    }
}

/// What the registry knows of a kind's file besides its [`Kind`]: what it answers for the
/// site as a whole rather than for one of its pages.
struct Entry {
    /// Appends its pages to the plan.
    plan: fn(&mut Plan),
    /// Appends those of its pages whose output includes post `post`'s body, not only its
    /// card (see [`pages_showing_body`]).
    showing_body: fn(&Site, usize, &mut Vec<Job>),
}

/// For the kinds whose pages never show a post's body, only cards or less.
fn no_body(_: &Site, _: usize, _: &mut Vec<Job>) {}

/// Every kind's file, in plan order. The order is the order of the sitemap, and decides which
/// of two pages on one URL the error names first. Episodes are planned by `shows`, each show's
/// right after its index pages, so they have no entry of their own.
const REGISTRY: &[Entry] = &[
    Entry {
        plan: home::plan,
        showing_body: no_body,
    },
    Entry {
        plan: post::plan,
        showing_body: post::showing_body,
    },
    Entry {
        plan: shows::plan,
        showing_body: no_body,
    },
    Entry {
        plan: guests::plan,
        showing_body: no_body,
    },
    Entry {
        plan: tags::plan,
        showing_body: no_body,
    },
    Entry {
        plan: archive::plan,
        showing_body: no_body,
    },
    Entry {
        plan: search::plan,
        showing_body: no_body,
    },
    Entry {
        plan: page::plan,
        showing_body: no_body,
    },
    Entry {
        plan: alias::plan,
        showing_body: no_body,
    },
    Entry {
        plan: not_found::plan,
        showing_body: no_body,
    },
    Entry {
        plan: feed::plan,
        showing_body: feed::showing_body,
    },
    Entry {
        plan: sitemap::plan,
        showing_body: no_body,
    },
    Entry {
        plan: robots::plan,
        showing_body: no_body,
    },
];

/// Lists every page and file the site has. `static_robots`: the site's `static/` has its own
/// `robots.txt`, which then wins over the generated one.
pub fn plan(site: &Site, static_robots: bool) -> Vec<Planned> {
    use rayon::prelude::*;
    // Each kind plans its pages on its own, on both threads: at 10k posts, posts and episodes
    // are 10k pages each, and planning them one kind after the other was ~23 ms of a
    // one-post rebuild on one thread. The kinds keep the registry's order.
    let parts: Vec<Vec<Planned>> = REGISTRY
        .par_iter()
        .map(|entry| {
            let mut plan = Plan {
                site,
                static_robots,
                out: Vec::new(),
            };
            (entry.plan)(&mut plan);
            plan.out
        })
        .collect();
    let mut out = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for mut part in parts {
        out.append(&mut part);
    }
    out
}

/// The pages whose output includes post `post`'s body, not only its card: its own page, and
/// with `feed_full_content` every feed it is in. After an edit that changed nothing but a
/// post's body, these are the only pages that can differ. Each kind answers for its own.
pub fn pages_showing_body(site: &Site, post: usize) -> Vec<Job> {
    let mut out = Vec::new();
    for entry in REGISTRY {
        (entry.showing_body)(site, post, &mut out);
    }
    out
}

/// Whether page `job` can show post `post`'s card (title, summary, guests' roles: what a list
/// entry shows) when nothing else of the post changed: its place in every list is the same
/// ([`crate::content::Post::structure_key`]), so only the lists it is in and its neighbours'
/// navigation can differ. A superset: the page keys decide among these. One match over every
/// kind, so a new kind must say.
pub fn may_show_card(site: &Site, job: &Job, post: usize) -> bool {
    let links = &site.links[post];
    let paginate = site.config.paginate;
    match *job {
        Job::Post(i) => i.abs_diff(post) <= 1,
        Job::Home { page } => crate::site::pager(site.posts.len(), paginate, page)
            .items
            .contains(&post),
        // A show's pages list its episodes and the posts naming none: a post about an
        // episode shows on that episode's page and the index page listing the episode.
        Job::Show { show, page } => {
            let s = &site.shows[show];
            links.show == Some(show)
                && (s.other_posts.contains(&post)
                    || s.episodes
                        .iter()
                        .position(|e| e.posts.contains(&post))
                        .is_some_and(|ei| {
                            crate::site::pager(s.episodes.len(), paginate, page)
                                .items
                                .contains(&ei)
                        }))
        }
        Job::Episode { show, episode } => {
            let s = &site.shows[show];
            links.show == Some(show)
                && (s.other_posts.contains(&post)
                    || s.episodes
                        .get(episode)
                        .is_some_and(|e| e.posts.contains(&post)))
        }
        Job::Feed(Feed::Show(show)) => links.show == Some(show),
        Job::Guest { guest, .. } | Job::Feed(Feed::Guest(guest)) => links.guests.contains(&guest),
        // A tag page lists its posts' cards only: the page the post is on.
        Job::Tag { tag, page } => {
            let posts = &site.tags[tag].posts;
            links.tags.contains(&tag)
                && posts.iter().position(|&p| p == post).is_some_and(|i| {
                    crate::site::pager(posts.len(), paginate, page)
                        .items
                        .contains(&i)
                })
        }
        // One page each, listing every post, show, guest or tag (or the newest posts).
        Job::Archive
        | Job::Shows
        | Job::Guests
        | Job::Tags
        | Job::Feed(Feed::Atom | Feed::Rss)
        | Job::Sitemap
        | Job::NewsSitemap => true,
        // An alias shows its post's title.
        Job::Alias { target, .. } => target == alias::Target::Post(post),
        // No post cards on them (their keys read none).
        Job::Search | Job::Page(_) | Job::NotFound | Job::Robots => false,
    }
}

/// The template values of one planned page, and the template that renders them.
pub(super) fn context(v: &Values, p: &Planned, all: &[Planned]) -> (&'static str, Context) {
    p.job.with_kind(|kind| {
        let mut ctx = Context::new();
        ctx.insert_value("site", v.site_value());
        ctx.insert_value("current_url", v.link.url(&p.path).into());
        ctx.insert_value("current_permalink", v.link.permalink(&p.path).into());
        kind.context(v, p, all, &mut ctx);
        if kind.is_page() {
            let url = v.link.permalink(&p.path);
            let mut head = v.head(kind.title(v.site));
            kind.head(v, &url, &mut head);
            ctx.insert_value("meta", v.meta(head, kind.canonical().then_some(url)));
        }
        (kind.template(), ctx)
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::path::Path;

    use super::*;
    use crate::config::Config;
    use crate::render::Templates;

    /// The example site this crate's folder is, as `build` loads it.
    fn example_site(feed_full_content: bool) -> (Site, Templates) {
        example_site_paged(feed_full_content, None)
    }

    /// The example site, with `paginate` items per list page if given.
    fn example_site_paged(feed_full_content: bool, paginate: Option<usize>) -> (Site, Templates) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut config = Config::load(root).expect("config.toml loads");
        config.feed_full_content = feed_full_content;
        if let Some(n) = paginate {
            config.paginate = n;
        }
        let content = crate::content::load(root, &config, false).expect("content loads");
        let now = DateTime::parse_from_rfc3339("2026-11-30T12:00:00+09:00").expect("a date");
        let site = Site::build(config, content, now).expect("the model builds");
        let templates = Templates::load(root, &site.config).expect("templates load");
        (site, templates)
    }

    /// A change to nothing but a post's body (its file fingerprint, not its card's) changes
    /// the keys of exactly the pages `pages_showing_body` names.
    #[test]
    fn pages_showing_body_are_the_pages_whose_keys_a_body_edit_changes() {
        for full in [false, true] {
            let (mut site, templates) = example_site(full);
            let planned = plan(&site, false);
            for post in 0..site.posts.len() {
                let before =
                    Keys::new(&site, &planned, &crate::render::Memo::new(site.posts.len()))
                        .all(&planned, &templates);
                let edit =
                    |site: &mut Site| std::sync::Arc::make_mut(&mut site.posts[post]).hash ^= 1;
                edit(&mut site);
                let after = Keys::new(&site, &planned, &crate::render::Memo::new(site.posts.len()))
                    .all(&planned, &templates);
                edit(&mut site);
                let changed: HashSet<Job> = planned
                    .iter()
                    .zip(before.iter().zip(&after))
                    .filter(|(_, (a, b))| a != b)
                    .map(|(p, _)| p.job)
                    .collect();
                let named = pages_showing_body(&site, post);
                assert_eq!(named.len(), changed.len(), "no job named twice");
                let named: HashSet<Job> = named.into_iter().collect();
                assert_eq!(named, changed, "post {post}, feed_full_content = {full}");
                assert_eq!(named.len() > 1, full, "feeds only with full content");
            }
        }
    }

    /// A change to a post's card (a title edit) changes the keys of pages `may_show_card`
    /// names only: serve's fast path keys no other page. With one item per list page, so
    /// that the show, episode and tag pages it narrows to are a few among many.
    #[test]
    fn pages_a_card_edit_changes_are_among_those_that_may_show_the_card() {
        for paginate in [1, 2, 10] {
            let (mut site, templates) = example_site_paged(false, Some(paginate));
            let planned = plan(&site, false);
            let keys = |site: &Site| {
                Keys::new(site, &planned, &crate::render::Memo::new(site.posts.len()))
                    .all(&planned, &templates)
            };
            for post in 0..site.posts.len() {
                let before = keys(&site);
                let edit = |site: &mut Site| {
                    std::sync::Arc::make_mut(&mut site.posts[post]).card_hash ^= 1
                };
                edit(&mut site);
                let after = keys(&site);
                edit(&mut site);
                let changed: Vec<Job> = planned
                    .iter()
                    .zip(before.iter().zip(&after))
                    .filter(|(_, (a, b))| a != b)
                    .map(|(p, _)| p.job)
                    .collect();
                assert!(changed.contains(&Job::Post(post)), "its own page");
                for job in changed {
                    assert!(
                        may_show_card(&site, &job, post),
                        "post {post}, paginate {paginate}: {job:?} changed"
                    );
                }
            }
        }
    }
}
