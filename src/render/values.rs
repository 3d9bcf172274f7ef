//! Turns the site model into the values templates see. A post's card (everything but its body)
//! is built once and shared by every list that shows it: tera values are reference-counted, so a
//! card in ten lists costs one allocation, not ten.

use std::sync::OnceLock;

use tera::{Map, Value};

use crate::content::Source;
use crate::markdown::{Reading, Rendered};
use crate::site::{Appearance, Pager, Site};
use crate::urls::{self, Linker};

/// Builds a map value from `(key, value)` pairs.
pub fn obj<const N: usize>(pairs: [(&'static str, Value); N]) -> Value {
    let mut m = Map::with_capacity(N);
    for (k, v) in pairs {
        m.insert(k.into(), v);
    }
    Value::from(m)
}

fn list(items: impl IntoIterator<Item = Value>) -> Value {
    Value::from(items.into_iter().collect::<Vec<_>>())
}

fn opt_str(s: &Option<String>) -> Value {
    s.as_deref().map_or_else(Value::none, Value::from)
}

fn json(v: &serde_json::Value) -> Value {
    Value::from_serializable(v)
}

/// How many page numbers the paginator lists on each side of the current page.
pub const PAGER_WINDOW: usize = 3;

pub struct Values<'a> {
    pub site: &'a Site,
    /// Values kept with the model between runs.
    pub(super) memo: &'a super::Memo,
    pub link: Linker,
    /// What every page may show of the site as a whole, kept in the memo.
    base: &'a Base,
    /// Built on first use: `serve` renders a few pages and needs a few cards.
    cards: Vec<OnceLock<Value>>,
    /// (url, permalink) of each post, on first use: percent-encoding Hangul paths once, not
    /// on every page that links them.
    post_links: Vec<OnceLock<(String, String)>>,
}

/// The values built from the whole site (its `site` variable, shows, tags, feeds, guests'
/// links), the same for every page of one model: made once and kept in the memo, since at
/// 10,000 posts making them took about 2 ms of every `serve` rebuild.
#[derive(Debug)]
pub struct Base {
    /// The `site` variable every template gets.
    site_value: Value,
    shows: Vec<Value>,
    tags: Vec<Value>,
    /// The site's own feeds, which every page advertises.
    site_feeds: Vec<Value>,
    /// (url, permalink) of each guest.
    guest_links: Vec<(String, String)>,
}

impl<'a> Values<'a> {
    pub fn new(site: &'a Site, link: Linker, memo: &'a super::Memo) -> Self {
        let base = memo.base(|| Base::new(site, &link));
        Values {
            site,
            memo,
            link,
            base,
            cards: (0..site.posts.len()).map(|_| OnceLock::new()).collect(),
            post_links: (0..site.posts.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The `site` variable every template gets.
    pub fn site_value(&self) -> Value {
        self.base.site_value.clone()
    }

    /// The site's own feeds, which every page advertises.
    pub(super) fn site_feeds(&self) -> Vec<Value> {
        self.base.site_feeds.clone()
    }
}

impl Base {
    fn new(site: &Site, link: &Linker) -> Base {
        let c = &site.config;
        let site_value = obj([
            ("title", c.title.as_str().into()),
            ("description", c.description.as_str().into()),
            ("base_url", c.base_url.as_str().into()),
            ("url", link.url("").into()),
            ("language", c.language.as_str().into()),
            ("author", c.author.as_str().into()),
            ("extra", json(&c.extra)),
            ("post_count", site.posts.len().into()),
            (
                "search_url",
                match c.search.enabled {
                    true => link.url(&urls::search()).into(),
                    false => Value::none(),
                },
            ),
            (
                "twitter_site",
                c.twitter_site
                    .as_deref()
                    .map_or_else(Value::none, Value::from),
            ),
        ]);
        let shows = site
            .shows
            .iter()
            .map(|s| {
                let path = urls::show(&s.slug);
                obj([
                    ("name", s.name.as_str().into()),
                    ("slug", s.slug.as_str().into()),
                    ("url", link.url(&path).into()),
                    ("permalink", link.permalink(&path).into()),
                ])
            })
            .collect();
        let tags = site
            .tags
            .iter()
            .map(|t| {
                let path = urls::tag(&t.slug);
                obj([
                    ("name", t.name.as_str().into()),
                    ("slug", t.slug.as_str().into()),
                    ("url", link.url(&path).into()),
                    ("permalink", link.permalink(&path).into()),
                    ("count", t.posts.len().into()),
                ])
            })
            .collect();
        let site_feeds = vec![
            obj([
                ("title", c.title.as_str().into()),
                ("url", link.url("atom.xml").into()),
                ("type", "application/atom+xml".into()),
            ]),
            obj([
                ("title", c.title.as_str().into()),
                ("url", link.url("rss.xml").into()),
                ("type", "application/rss+xml".into()),
            ]),
        ];
        let guest_links = site
            .guests
            .iter()
            .map(|g| {
                let path = urls::guest(&g.slug);
                (link.url(&path), link.permalink(&path))
            })
            .collect();
        Base {
            site_value,
            shows,
            tags,
            site_feeds,
            guest_links,
        }
    }
}

impl<'a> Values<'a> {
    /// (url, permalink) of a post.
    pub fn post_link(&self, pi: usize) -> &(String, String) {
        self.post_links[pi].get_or_init(|| {
            let path = urls::post(&self.site.posts[pi].slug);
            (self.link.url(&path), self.link.permalink(&path))
        })
    }

    /// (url, permalink) of a guest.
    /// A body's HTML with its shortcodes' output in place.
    pub fn body_html<'b>(&'b self, file: &str, body: &'b Rendered) -> &'b str {
        match body.shortcodes.is_empty() {
            true => body.html(),
            false => self
                .site
                .expanded
                .get(file)
                .map_or(body.html(), String::as_str),
        }
    }

    pub fn guest_link(&self, gi: usize) -> &(String, String) {
        &self.base.guest_links[gi]
    }

    fn date(&self, d: &chrono::DateTime<chrono::FixedOffset>) -> Value {
        crate::dates::rfc3339(d, self.site.config.timezone).into()
    }

    pub fn show_ref(&self, si: usize) -> Value {
        self.base.shows[si].clone()
    }

    pub fn tag_ref(&self, ti: usize) -> Value {
        self.base.tags[ti].clone()
    }

    pub fn guest_ref(&self, gi: usize, role: &Option<String>) -> Value {
        let g = &self.site.guests[gi];
        obj([
            ("name", g.name.as_str().into()),
            ("slug", g.slug.as_str().into()),
            ("url", self.guest_link(gi).0.as_str().into()),
            ("role", opt_str(role)),
        ])
    }

    fn episode_url(&self, si: usize, n: u32) -> Value {
        self.link
            .url(&urls::episode(&self.site.shows[si].slug, n))
            .into()
    }

    fn source(s: &Option<Source>) -> Value {
        s.as_ref().map_or_else(Value::none, |s| {
            obj([
                ("url", s.url.as_str().into()),
                ("outlet", opt_str(&s.outlet)),
                ("title", opt_str(&s.title)),
            ])
        })
    }

    fn build_card(&self, pi: usize) -> Value {
        let p = &self.site.posts[pi];
        let l = &self.site.links[pi];
        let (url, permalink) = self.post_link(pi);
        let summary = p.summary_html();
        obj([
            ("title", p.title.as_str().into()),
            ("slug", p.slug.as_str().into()),
            ("url", url.as_str().into()),
            ("permalink", permalink.as_str().into()),
            ("date", self.date(&p.date)),
            (
                "updated",
                p.updated
                    .as_ref()
                    .map_or_else(Value::none, |d| self.date(d)),
            ),
            (
                "show",
                l.show.map_or_else(Value::none, |si| self.show_ref(si)),
            ),
            ("episode", p.episode.map_or_else(Value::none, Value::from)),
            (
                "aired",
                p.aired.as_ref().map_or_else(Value::none, |d| self.date(d)),
            ),
            (
                "episode_url",
                match (l.show, p.episode) {
                    (Some(si), Some(n)) => self.episode_url(si, n),
                    _ => Value::none(),
                },
            ),
            (
                "guests",
                list(
                    p.guests
                        .iter()
                        .zip(&l.guests)
                        .map(|(m, &gi)| self.guest_ref(gi, &m.role)),
                ),
            ),
            ("tags", list(l.tags.iter().map(|&ti| self.tag_ref(ti)))),
            ("source", Self::source(&p.source)),
            ("summary", summary.into()),
            ("reading_time", p.body.reading.minutes.into()),
            ("draft", p.draft.into()),
            ("extra", json(&p.extra)),
            ("file", p.file.as_str().into()),
        ])
    }

    /// The short form of a post the archive lists: every post on one page, so only what a
    /// line of the archive needs. Kept in the memo: a swap re-renders the archive for one
    /// changed entry.
    pub fn entry(&self, pi: usize) -> Value {
        self.memo
            .entry(pi, self.site.posts.len(), || self.build_entry(pi))
    }

    fn build_entry(&self, pi: usize) -> Value {
        let p = &self.site.posts[pi];
        let l = &self.site.links[pi];
        obj([
            ("title", p.title.as_str().into()),
            ("url", self.post_link(pi).0.as_str().into()),
            ("date", self.date(&p.date)),
            // What the archive prints: formatting it here once per post is cheaper than
            // Tera's `date` filter, which parses the date again on every render (about 10
            // ms of the archive's 22 at 10,000 posts).
            (
                "month_day",
                p.date
                    .with_timezone(&self.site.config.timezone)
                    .format("%m.%d")
                    .to_string()
                    .into(),
            ),
            (
                "show",
                l.show.map_or_else(Value::none, |si| self.show_ref(si)),
            ),
            ("episode", p.episode.map_or_else(Value::none, Value::from)),
            (
                "episode_url",
                match (l.show, p.episode) {
                    (Some(si), Some(n)) => self.episode_url(si, n),
                    _ => Value::none(),
                },
            ),
        ])
    }

    pub fn card(&self, pi: usize) -> Value {
        self.cards[pi].get_or_init(|| self.build_card(pi)).clone()
    }

    pub fn cards(&self, posts: &[usize]) -> Value {
        list(posts.iter().map(|&pi| self.card(pi)))
    }

    fn reading(r: &Reading) -> Value {
        Value::from_serializable(r)
    }

    fn toc(body: &Rendered) -> Value {
        Value::from_serializable(&body.toc())
    }

    /// The card plus the body: what `post.html` gets as `post`.
    pub fn post(&self, pi: usize) -> Value {
        let p = &self.site.posts[pi];
        let mut m = self.card(pi).into_map().unwrap_or_default();
        m.insert("content".into(), self.body_html(&p.file, &p.body).into());
        m.insert(
            "video".into(),
            p.video.as_ref().map_or_else(Value::none, |v| {
                super::shortcodes::video_value(v, &super::shortcodes::video_title(self.site, pi))
            }),
        );
        m.insert("toc".into(), Self::toc(&p.body));
        m.insert("reading".into(), Self::reading(&p.body.reading));
        Value::from(m)
    }

    pub fn page(&self, i: usize) -> Value {
        let p = &self.site.pages[i];
        let path = urls::page(&p.segments);
        obj([
            ("title", p.title.as_str().into()),
            ("url", self.link.url(&path).into()),
            ("permalink", self.link.permalink(&path).into()),
            ("content", self.body_html(&p.file, &p.body).into()),
            (
                "summary",
                p.summary
                    .as_deref()
                    .or(p.body.summary.as_deref())
                    .unwrap_or("")
                    .into(),
            ),
            ("toc", Self::toc(&p.body)),
            ("reading", Self::reading(&p.body.reading)),
            (
                "date",
                p.date.as_ref().map_or_else(Value::none, |d| self.date(d)),
            ),
            (
                "updated",
                p.updated
                    .as_ref()
                    .map_or_else(Value::none, |d| self.date(d)),
            ),
            ("extra", json(&p.extra)),
            ("file", p.file.as_str().into()),
        ])
    }

    /// A show with its profile, for `show.html`, `episode.html` and `shows.html`.
    pub fn show(&self, si: usize) -> Value {
        let s = &self.site.shows[si];
        let prof = s.profile.as_ref();
        let mut m = self.base.shows[si].clone().into_map().unwrap_or_default();
        let extra = [
            (
                "network",
                prof.map_or_else(Value::none, |p| opt_str(&p.network)),
            ),
            (
                "homepage",
                prof.map_or_else(Value::none, |p| opt_str(&p.homepage)),
            ),
            (
                "schedule",
                prof.map_or_else(Value::none, |p| opt_str(&p.schedule)),
            ),
            (
                "description",
                prof.map_or("", |p| self.body_html(&p.file, &p.body)).into(),
            ),
            (
                "extra",
                prof.map_or_else(|| Value::from(Map::new()), |p| json(&p.extra)),
            ),
            ("episode_count", s.episodes.len().into()),
            ("post_count", s.post_count.into()),
            (
                "latest_episode",
                s.episodes
                    .first()
                    .map_or_else(Value::none, |e| e.number.into()),
            ),
            ("other_posts", self.cards(&s.other_posts)),
        ];
        for (k, v) in extra {
            m.insert(k.into(), v);
        }
        Value::from(m)
    }

    pub fn episode(&self, si: usize, ei: usize) -> Value {
        let e = &self.site.shows[si].episodes[ei];
        let path = urls::episode(&self.site.shows[si].slug, e.number);
        obj([
            ("number", e.number.into()),
            ("url", self.link.url(&path).into()),
            ("permalink", self.link.permalink(&path).into()),
            ("date", self.date(&e.date)),
            (
                "aired",
                e.aired.as_ref().map_or_else(Value::none, |d| self.date(d)),
            ),
            (
                "guests",
                list(e.guests.iter().map(|(gi, role)| self.guest_ref(*gi, role))),
            ),
            (
                "sources",
                list(e.sources.iter().map(|s| Self::source(&Some(s.clone())))),
            ),
            ("posts", self.cards(&e.posts)),
            ("post_count", e.posts.len().into()),
        ])
    }

    /// The short form of an episode used for previous/next links.
    pub fn episode_link(&self, si: usize, number: u32) -> Value {
        obj([
            ("number", number.into()),
            ("url", self.episode_url(si, number)),
        ])
    }

    pub fn guest(&self, gi: usize) -> Value {
        let g = &self.site.guests[gi];
        let path = urls::guest(&g.slug);
        let prof = g.profile.as_ref();
        obj([
            ("name", g.name.as_str().into()),
            ("slug", g.slug.as_str().into()),
            ("url", self.link.url(&path).into()),
            ("permalink", self.link.permalink(&path).into()),
            ("role", g.role().map_or_else(Value::none, Value::from)),
            (
                "bio",
                prof.map_or("", |p| self.body_html(&p.file, &p.body)).into(),
            ),
            (
                "extra",
                prof.map_or_else(|| Value::from(Map::new()), |p| json(&p.extra)),
            ),
            ("appearance_count", g.appearances.len().into()),
        ])
    }

    pub fn appearance(&self, a: &Appearance) -> Value {
        obj([
            (
                "show",
                a.show.map_or_else(Value::none, |si| self.show_ref(si)),
            ),
            ("episode", a.episode.map_or_else(Value::none, Value::from)),
            (
                "episode_url",
                match (a.show, a.episode) {
                    (Some(si), Some(n)) => self.episode_url(si, n),
                    _ => Value::none(),
                },
            ),
            ("role", opt_str(&a.role)),
            ("date", self.date(&a.date)),
            ("posts", self.cards(&a.posts)),
        ])
    }

    /// `paginator` for a list page at `base` (site-relative path).
    pub fn paginator(&self, items: Value, pager: &Pager, base: &str, total_items: usize) -> Value {
        let url = |n: usize| -> Value { self.link.url(&urls::paged(base, n)).into() };
        // A window around the current page, not every page: listing all of them would make a
        // 1,000-page home list cost a million values.
        let window = pager.number.saturating_sub(PAGER_WINDOW).max(1)
            ..=(pager.number + PAGER_WINDOW).min(pager.total_pages);
        let pages = list(window.map(|n| {
            obj([
                ("number", n.into()),
                ("url", url(n)),
                ("current", (n == pager.number).into()),
            ])
        }));
        obj([
            ("items", items),
            ("number", pager.number.into()),
            ("total_pages", pager.total_pages.into()),
            ("total_items", total_items.into()),
            ("per_page", self.site.config.paginate.into()),
            ("first_url", url(1)),
            ("last_url", url(pager.total_pages)),
            (
                "previous_url",
                if pager.number > 1 {
                    url(pager.number - 1)
                } else {
                    Value::none()
                },
            ),
            (
                "next_url",
                if pager.number < pager.total_pages {
                    url(pager.number + 1)
                } else {
                    Value::none()
                },
            ),
            ("pages", pages),
        ])
    }
}
