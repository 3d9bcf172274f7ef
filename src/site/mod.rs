//! The site model: which posts belong to which show, episode, guest and tag, in what order.
//! Pure: no I/O, so `serve` can rebuild it cheaply and tests can build it from values.

mod links;
mod paginate;

use std::sync::Arc;

use chrono::{DateTime, Datelike, FixedOffset};

use crate::config::Config;
use crate::content::{Content, GuestProfile, Page, Post, ShowProfile, Source};
use crate::diagnostic::Diagnostic;
use crate::fingerprint::{FastMap, FastSet};
use crate::slug::slugify;

pub use paginate::{Pager, pager, paginate};

#[derive(Debug)]
pub struct Site {
    pub config: Config,
    /// The moment the site is published at: posts dated later were held back before the
    /// model was built, and the news sitemap lists the posts of the two days before it.
    pub now: DateTime<FixedOffset>,
    /// Newest first (ties broken by file path, so the order is stable).
    pub posts: Vec<Arc<Post>>,
    /// Parallel to `posts`: what each post links to.
    pub links: Vec<PostLinks>,
    /// By name.
    pub shows: Vec<Show>,
    /// By name.
    pub guests: Vec<Guest>,
    /// By name.
    pub tags: Vec<Tag>,
    pub pages: Vec<Arc<Page>>,
    /// Files that failed to parse (`check` goes on without them): links to them are not
    /// reported as broken, their own errors are.
    pub unparsed: crate::fingerprint::FastSet<String>,
    /// What is published with the pages: see [`Files`].
    pub files: Files,
    /// The HTML of every body that has shortcodes, with their output in place, by content
    /// file: filled by `render::shortcodes` once templates are known.
    pub expanded: FastMap<String, String>,
    /// Social cards are drawn (on in config, and a font with Hangul was found): pages without
    /// an image of their own use theirs (see [`crate::cards`]). Set by the engine.
    pub cards: bool,
}

/// Bundle files and images, as the pages use them.
#[derive(Debug, Default, Clone)]
pub struct Files {
    /// Files of the bundles of published posts and pages, each with the path it is published
    /// at (`posts/deepseek/chart.png`, not percent-encoded).
    pub assets: Vec<(Arc<crate::assets::Asset>, String)>,
    /// Images of `static/` (by path under it), read when the model was built.
    pub static_images: FastMap<String, crate::assets::StaticImage>,
    /// Images of `static/` shown in a post through Markdown: their variants are published.
    pub static_shown: crate::fingerprint::FastSet<String>,
    /// Images used as a post's `image` (`og:image`), by root-relative source path
    /// (`content/posts/a/chart.png`, `static/images/x.jpg`): their 1200-pixel variant is
    /// published.
    pub shared: crate::fingerprint::FastSet<String>,
}

impl Files {
    fn new(
        site: &Site,
        assets: Vec<Arc<crate::assets::Asset>>,
        static_images: Vec<crate::assets::StaticImage>,
    ) -> Files {
        // Where each bundle's page is published; a draft left out publishes no files. Only
        // the pages that own a bundle file are looked at (making every post's URL here was a
        // few milliseconds of every build at 10k posts, most of which have no bundle).
        let mut owners: FastMap<&str, String> = FastMap::default();
        {
            let bundles: FastSet<&str> = assets.iter().map(|a| a.owner.as_str()).collect();
            for p in site
                .posts
                .iter()
                .filter(|p| bundles.contains(p.file.as_str()))
            {
                owners.insert(&p.file, crate::urls::post(&p.slug));
            }
            for p in site
                .pages
                .iter()
                .filter(|p| bundles.contains(p.file.as_str()))
            {
                owners.insert(&p.file, crate::urls::page(&p.segments));
            }
        }
        let assets = assets
            .into_iter()
            .filter_map(|a| {
                let dir = owners.get(a.owner.as_str())?;
                let path = format!("{dir}{}", a.rel_in_bundle);
                Some((a, path))
            })
            .collect();
        Files {
            assets,
            static_images: static_images
                .into_iter()
                .map(|i| (i.rel.clone(), i))
                .collect(),
            ..Files::default()
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct PostLinks {
    pub show: Option<usize>,
    /// Parallel to the post's `guests`.
    pub guests: Vec<usize>,
    /// Parallel to the post's `tags`.
    pub tags: Vec<usize>,
}

#[derive(Debug)]
pub struct Show {
    pub name: String,
    pub slug: String,
    pub profile: Option<Arc<ShowProfile>>,
    /// Highest number first.
    pub episodes: Vec<Episode>,
    /// Posts about the show that name no episode, newest first.
    pub other_posts: Vec<usize>,
    pub post_count: usize,
    /// The file that first named this show, for errors.
    pub origin: String,
}

#[derive(Debug)]
pub struct Episode {
    pub number: u32,
    /// Newest first.
    pub posts: Vec<usize>,
    /// Everyone named by any post about the episode, with the first role given.
    pub guests: Vec<(usize, Option<String>)>,
    pub sources: Vec<Source>,
    /// The date of the earliest post about it.
    pub date: DateTime<FixedOffset>,
    /// When it was broadcast: the `aired` of the earliest post that gives one.
    pub aired: Option<DateTime<FixedOffset>>,
}

#[derive(Debug)]
pub struct Guest {
    pub name: String,
    pub slug: String,
    pub profile: Option<Arc<GuestProfile>>,
    /// Newest first.
    pub appearances: Vec<Appearance>,
    pub origin: String,
}

impl Guest {
    /// The profile's role, else the role of the latest appearance that gives one.
    pub fn role(&self) -> Option<&str> {
        self.profile
            .as_ref()
            .and_then(|p| p.role.as_deref())
            .or_else(|| self.appearances.iter().find_map(|a| a.role.as_deref()))
    }
}

/// One episode a guest was on, or one post naming them outside any episode.
#[derive(Debug)]
pub struct Appearance {
    pub show: Option<usize>,
    pub episode: Option<u32>,
    pub role: Option<String>,
    /// Newest first.
    pub posts: Vec<usize>,
    pub date: DateTime<FixedOffset>,
}

#[derive(Debug)]
pub struct Tag {
    pub name: String,
    pub slug: String,
    /// Newest first.
    pub posts: Vec<usize>,
}

/// A group of the archive page.
#[derive(Debug)]
pub struct ArchiveYear {
    pub year: i32,
    /// Newest month first: (month number, posts newest first).
    pub months: Vec<(u32, Vec<usize>)>,
}

impl Site {
    /// Works out every relation. Fails only when two different names would share one URL.
    pub fn build(
        config: Config,
        content: Content,
        now: DateTime<FixedOffset>,
    ) -> Result<Site, Vec<Diagnostic>> {
        let Content {
            mut posts,
            shows: show_profiles,
            guests: guest_profiles,
            mut pages,
            unparsed,
            assets,
            static_images,
        } = content;
        posts.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.file.cmp(&b.file)));
        pages.sort_by(|a, b| a.file.cmp(&b.file));

        let mut shows = Registry::default();
        for p in show_profiles {
            let name = p.name.clone();
            let origin = p.file.clone();
            let i = shows.get_or_insert(&name, &origin, new_show);
            shows.items[i].profile.get_or_insert(p);
        }
        let mut guests = Registry::default();
        for p in guest_profiles {
            let name = p.name.clone();
            let origin = p.file.clone();
            let i = guests.get_or_insert(&name, &origin, new_guest);
            guests.items[i].profile.get_or_insert(p);
        }

        let mut tags: Vec<Tag> = Vec::new();
        let mut tag_by_slug: FastMap<String, usize> = FastMap::default();
        let mut tag_by_name: FastMap<&str, usize> = FastMap::default();
        let mut links = vec![PostLinks::default(); posts.len()];
        // Appearances are keyed by (guest, show, episode), or by post when outside an episode.
        let mut appearance_index: FastMap<AppearanceKey, usize> = FastMap::default();
        // (show, episode number) → the episode's index in its show: a show has hundreds of
        // episodes, and each post and guest mention looks its episode up.
        let mut episode_index: FastMap<(usize, u32), usize> = FastMap::default();

        for (pi, post) in posts.iter().enumerate() {
            let show = post
                .show
                .as_ref()
                .map(|name| shows.get_or_insert(name, &post.file, new_show));
            links[pi].show = show;
            if let Some(si) = show {
                let s = &mut shows.items[si];
                s.post_count += 1;
                match post.episode {
                    None => s.other_posts.push(pi),
                    Some(n) => {
                        let ei = *episode_index.entry((si, n)).or_insert_with(|| {
                            s.episodes.push(Episode {
                                number: n,
                                posts: Vec::new(),
                                guests: Vec::new(),
                                sources: Vec::new(),
                                date: post.date,
                                aired: None,
                            });
                            s.episodes.len() - 1
                        });
                        let e = &mut s.episodes[ei];
                        e.posts.push(pi);
                        // Posts come newest first, so the last one seen is the earliest.
                        e.date = post.date;
                        if post.aired.is_some() {
                            e.aired = post.aired;
                        }
                        if let Some(src) = &post.source
                            && !e.sources.iter().any(|x| x.url == src.url)
                        {
                            e.sources.push(src.clone());
                        }
                    }
                }
            }
            for mention in &post.guests {
                let gi = guests.get_or_insert(&mention.name, &post.file, new_guest);
                links[pi].guests.push(gi);
                if let (Some(si), Some(n)) = (show, post.episode)
                    && let Some(&ei) = episode_index.get(&(si, n))
                {
                    // Added above, with the post.
                    let e = &mut shows.items[si].episodes[ei];
                    match e.guests.iter_mut().find(|(g, _)| *g == gi) {
                        Some((_, role)) => {
                            if role.is_none() {
                                role.clone_from(&mention.role);
                            }
                        }
                        None => e.guests.push((gi, mention.role.clone())),
                    }
                }
                let key = match post.episode {
                    Some(n) => (gi, show, Some(n), None),
                    None => (gi, show, None, Some(pi)),
                };
                let g = &mut guests.items[gi];
                match appearance_index.get(&key) {
                    Some(&ai) => {
                        let a = &mut g.appearances[ai];
                        a.posts.push(pi);
                        a.date = post.date;
                        if a.role.is_none() {
                            a.role.clone_from(&mention.role);
                        }
                    }
                    None => {
                        appearance_index.insert(key, g.appearances.len());
                        g.appearances.push(Appearance {
                            show,
                            episode: post.episode,
                            role: mention.role.clone(),
                            posts: vec![pi],
                            date: post.date,
                        });
                    }
                }
            }
            for name in &post.tags {
                // Slugify each distinct name once, not once per post.
                let ti = match tag_by_name.get(name.as_str()) {
                    Some(&ti) => ti,
                    None => {
                        let slug = slugify(name);
                        let ti = *tag_by_slug.entry(slug.clone()).or_insert_with(|| {
                            tags.push(Tag {
                                name: name.clone(),
                                slug,
                                posts: Vec::new(),
                            });
                            tags.len() - 1
                        });
                        tag_by_name.insert(name, ti);
                        ti
                    }
                };
                if !links[pi].tags.contains(&ti) {
                    links[pi].tags.push(ti);
                    tags[ti].posts.push(pi);
                }
            }
        }

        let mut shows = shows.items;
        let mut guests = guests.items;
        for s in &mut shows {
            s.slug = s
                .profile
                .as_ref()
                .and_then(|p| p.slug.clone())
                .unwrap_or_else(|| slugify(&s.name));
            s.episodes.sort_by_key(|e| std::cmp::Reverse(e.number));
        }
        for g in &mut guests {
            g.slug = g
                .profile
                .as_ref()
                .and_then(|p| p.slug.clone())
                .unwrap_or_else(|| slugify(&g.name));
            g.appearances
                .sort_by(|a, b| b.date.cmp(&a.date).then(a.posts[0].cmp(&b.posts[0])));
        }

        let mut errors = Vec::new();
        check_slugs(
            &shows,
            |s| (&s.slug, &s.name, &s.origin),
            "shows",
            &mut errors,
        );
        check_slugs(
            &guests,
            |g| (&g.slug, &g.name, &g.origin),
            "guests",
            &mut errors,
        );
        if !errors.is_empty() {
            return Err(errors);
        }

        // Sort by name for the index pages, then remap the indices held by posts.
        let show_order = sorted_order(&shows, |s| &s.name);
        let guest_order = sorted_order(&guests, |g| &g.name);
        let tag_order = sorted_order(&tags, |t| &t.name);
        for l in &mut links {
            l.show = l.show.map(|i| show_order[i]);
            l.guests.iter_mut().for_each(|i| *i = guest_order[*i]);
            l.tags.iter_mut().for_each(|i| *i = tag_order[*i]);
        }
        for s in &mut shows {
            for e in &mut s.episodes {
                e.guests.iter_mut().for_each(|(g, _)| *g = guest_order[*g]);
            }
        }
        for g in &mut guests {
            for a in &mut g.appearances {
                a.show = a.show.map(|i| show_order[i]);
            }
        }
        let shows = reorder(shows, &show_order);
        let guests = reorder(guests, &guest_order);
        let tags = reorder(tags, &tag_order);

        let mut site = Site {
            config,
            now,
            posts,
            links,
            shows,
            guests,
            tags,
            pages,
            unparsed: unparsed.into_iter().collect(),
            files: Files::default(),
            expanded: FastMap::default(),
            cards: false,
        };
        site.files = Files::new(&site, assets, static_images);
        links::resolve(&mut site)?;
        Ok(site)
    }

    /// Posts grouped by year and month in the site timezone, newest first.
    /// A post's show and episode as its video and social card name them (`경제토크쇼픽 47회`,
    /// or the show alone), the show spelled as the site knows it; `None` without a show.
    pub fn episode_label(&self, pi: usize) -> Option<String> {
        let p = &self.posts[pi];
        let show = self.links[pi]
            .show
            .map(|si| self.shows[si].name.as_str())
            .or(p.show.as_deref())?;
        Some(match p.episode {
            Some(n) => format!("{show} {n}회"),
            None => show.to_string(),
        })
    }

    pub fn archive(&self) -> Vec<ArchiveYear> {
        let tz = self.config.timezone;
        let mut years: Vec<ArchiveYear> = Vec::new();
        for (i, p) in self.posts.iter().enumerate() {
            let d = p.date.with_timezone(&tz);
            if years.last().is_none_or(|y| y.year != d.year()) {
                years.push(ArchiveYear {
                    year: d.year(),
                    months: Vec::new(),
                });
            }
            let y = years.last_mut().expect("pushed above");
            if y.months.last().is_none_or(|(m, _)| *m != d.month()) {
                y.months.push((d.month(), Vec::new()));
            }
            y.months.last_mut().expect("pushed above").1.push(i);
        }
        years
    }

    /// The episodes before and after `number` in `show`, by number.
    pub fn neighbour_episodes(
        &self,
        show: usize,
        number: u32,
    ) -> (Option<&Episode>, Option<&Episode>) {
        let eps = &self.shows[show].episodes;
        let prev = eps.iter().find(|e| e.number < number);
        let next = eps.iter().rev().find(|e| e.number > number);
        (prev, next)
    }
}

/// (guest, show, episode, post): an appearance is one episode, or one post outside episodes.
type AppearanceKey = (usize, Option<usize>, Option<u32>, Option<usize>);

fn new_show(name: String, origin: String) -> Show {
    Show {
        name,
        slug: String::new(),
        profile: None,
        episodes: Vec::new(),
        other_posts: Vec::new(),
        post_count: 0,
        origin,
    }
}

fn new_guest(name: String, origin: String) -> Guest {
    Guest {
        name,
        slug: String::new(),
        profile: None,
        appearances: Vec::new(),
        origin,
    }
}

/// Items keyed by exact (NFC) name, in the order first seen.
struct Registry<T> {
    items: Vec<T>,
    by_name: FastMap<String, usize>,
}

impl<T> Default for Registry<T> {
    fn default() -> Self {
        Registry {
            items: Vec::new(),
            by_name: FastMap::default(),
        }
    }
}

impl<T> Registry<T> {
    /// Names arrive NFC-normalised from `content`, so equal names are equal strings.
    fn get_or_insert(
        &mut self,
        name: &str,
        origin: &str,
        make: impl FnOnce(String, String) -> T,
    ) -> usize {
        if let Some(&i) = self.by_name.get(name) {
            return i;
        }
        self.items.push(make(name.to_string(), origin.to_string()));
        self.by_name.insert(name.to_string(), self.items.len() - 1);
        self.items.len() - 1
    }
}

/// Two different names that slugify alike would write the same page: say which files.
fn check_slugs<T>(
    items: &[T],
    key: impl Fn(&T) -> (&String, &String, &String),
    section: &str,
    errors: &mut Vec<Diagnostic>,
) {
    let mut seen: FastMap<&str, usize> = FastMap::default();
    for (i, item) in items.iter().enumerate() {
        let (slug, name, origin) = key(item);
        if let Some(&j) = seen.get(slug.as_str()) {
            let (_, other_name, other_origin) = key(&items[j]);
            errors.push(
                Diagnostic::file(
                    origin.clone(),
                    format!(
                        "`{name}` and `{other_name}` would both be written to /{section}/{slug}/, expected different names or a `slug` in a profile"
                    ),
                )
                .with_note(format!("`{other_name}` is named in {other_origin}")),
            );
        } else {
            seen.insert(slug, i);
        }
    }
}

/// `order[old_index] = new_index` for sorting by `key`.
fn sorted_order<T>(items: &[T], key: impl Fn(&T) -> &String) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..items.len()).collect();
    idx.sort_by(|&a, &b| key(&items[a]).cmp(key(&items[b])));
    let mut order = vec![0; items.len()];
    for (new, old) in idx.into_iter().enumerate() {
        order[old] = new;
    }
    order
}

fn reorder<T>(items: Vec<T>, order: &[usize]) -> Vec<T> {
    let mut slots: Vec<Option<T>> = (0..items.len()).map(|_| None).collect();
    for (old, item) in items.into_iter().enumerate() {
        slots[order[old]] = Some(item);
    }
    slots
        .into_iter()
        .map(|s| s.expect("order is a permutation"))
        .collect()
}
