//! Turns the site model into pages: plans every page (its URL, template and where it came
//! from), refuses two pages on one URL, then renders in parallel and hands each page to the
//! output writer as soon as it is ready, so the whole site is never held in memory.

pub mod keys;
mod meta;
pub mod published;
mod templates;
pub mod values;

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use tera::{Context, Value};

pub use templates::{BUILTIN, TEMPLATES_DIR, Templates};
use values::Values;

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::fingerprint::FastMap;
use crate::site::{Site, pager, paginate};
use crate::urls::{self, Linker};

/// What one page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    Home { page: usize },
    Post(usize),
    Shows,
    Show { show: usize, page: usize },
    Episode { show: usize, episode: usize },
    Guests,
    Guest { guest: usize, page: usize },
    Tags,
    Tag { tag: usize, page: usize },
    Archive,
    Page(usize),
    NotFound,
    Feed(Feed),
    Sitemap,
    NewsSitemap,
    Robots,
}

/// Which feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Feed {
    Atom,
    Rss,
    Show(usize),
    Guest(usize),
}

impl Job {
    /// Written as a file of its own name (`atom.xml`), not as `path/index.html`.
    pub fn is_file(self) -> bool {
        matches!(
            self,
            Job::NotFound | Job::Feed(_) | Job::Sitemap | Job::NewsSitemap | Job::Robots
        )
    }

    /// An HTML page (it gets `meta`; the sitemap lists all of them but the not-found page).
    pub fn is_page(self) -> bool {
        !matches!(
            self,
            Job::Feed(_) | Job::Sitemap | Job::NewsSitemap | Job::Robots
        )
    }
}

/// Output file → site path of every planned page.
pub fn pages_by_file(planned: &[Planned]) -> crate::fingerprint::FastMap<&str, &str> {
    planned
        .iter()
        .map(|p| (p.file.as_str(), p.path.as_str()))
        .collect()
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

/// Lists every page the site has.
/// Lists every page and file the site has. `static_robots`: the site's `static/` has its own
/// `robots.txt`, which then wins over the generated one.
pub fn plan(site: &Site, static_robots: bool) -> Vec<Planned> {
    let per = site.config.paginate;
    let mut out = Vec::new();
    let mut push = |job, path: String, origin: Option<&str>| {
        let file = if Job::is_file(job) {
            path.clone()
        } else {
            urls::file_for(&path)
        };
        out.push(Planned {
            job,
            path,
            file,
            origin: origin.map(str::to_string),
        })
    };
    for p in paginate(site.posts.len(), per) {
        push(
            Job::Home { page: p.number },
            urls::paged("", p.number),
            None,
        );
    }
    for (i, p) in site.posts.iter().enumerate() {
        push(Job::Post(i), urls::post(&p.slug), Some(&p.file));
    }
    push(Job::Shows, urls::shows(), None);
    for (si, s) in site.shows.iter().enumerate() {
        let origin = s.profile.as_ref().map(|p| p.file.as_str());
        for p in paginate(s.episodes.len(), per) {
            push(
                Job::Show {
                    show: si,
                    page: p.number,
                },
                urls::paged(&urls::show(&s.slug), p.number),
                origin,
            );
        }
        for (ei, e) in s.episodes.iter().enumerate() {
            push(
                Job::Episode {
                    show: si,
                    episode: ei,
                },
                urls::episode(&s.slug, e.number),
                None,
            );
        }
    }
    push(Job::Guests, urls::guests(), None);
    for (gi, g) in site.guests.iter().enumerate() {
        let origin = g.profile.as_ref().map(|p| p.file.as_str());
        for p in paginate(g.appearances.len(), per) {
            push(
                Job::Guest {
                    guest: gi,
                    page: p.number,
                },
                urls::paged(&urls::guest(&g.slug), p.number),
                origin,
            );
        }
    }
    push(Job::Tags, urls::tags(), None);
    for (ti, t) in site.tags.iter().enumerate() {
        for p in paginate(t.posts.len(), per) {
            push(
                Job::Tag {
                    tag: ti,
                    page: p.number,
                },
                urls::paged(&urls::tag(&t.slug), p.number),
                None,
            );
        }
    }
    push(Job::Archive, urls::archive(), None);
    for (i, p) in site.pages.iter().enumerate() {
        push(Job::Page(i), urls::page(&p.segments), Some(&p.file));
    }
    push(Job::NotFound, "404.html".to_string(), None);
    push(Job::Feed(Feed::Atom), "atom.xml".to_string(), None);
    push(Job::Feed(Feed::Rss), "rss.xml".to_string(), None);
    for (si, s) in site.shows.iter().enumerate() {
        push(
            Job::Feed(Feed::Show(si)),
            format!("{}atom.xml", urls::show(&s.slug)),
            None,
        );
    }
    for (gi, g) in site.guests.iter().enumerate() {
        push(
            Job::Feed(Feed::Guest(gi)),
            format!("{}atom.xml", urls::guest(&g.slug)),
            None,
        );
    }
    push(Job::Sitemap, "sitemap.xml".to_string(), None);
    if site.config.news_sitemap {
        push(Job::NewsSitemap, "news-sitemap.xml".to_string(), None);
    }
    if !static_robots {
        push(Job::Robots, "robots.txt".to_string(), None);
    }
    out
}

/// Two pages on one URL: name both files, or say which generated page the file would replace.
pub fn check_collisions(planned: &[Planned]) -> Vec<Diagnostic> {
    let mut seen: FastMap<&str, &Planned> = FastMap::default();
    let mut errors = Vec::new();
    for p in planned {
        if let Some(first) = seen.get(p.path.as_str()) {
            let (file, other) = match (&first.origin, &p.origin) {
                (Some(a), Some(b)) => (b.clone(), a.clone()),
                (Some(a), None) => (a.clone(), describe(p.job)),
                (None, Some(b)) => (b.clone(), describe(first.job)),
                (None, None) => (describe(p.job), describe(first.job)),
            };
            errors.push(
                Diagnostic::file(
                    file,
                    format!(
                        "two pages would be written to /{}, expected each page to have its own URL",
                        p.path
                    ),
                )
                .with_note(format!("the other one is {other}")),
            );
        } else {
            seen.insert(&p.path, p);
        }
    }
    errors
}

fn describe(job: Job) -> String {
    match job {
        Job::Home { .. } => "the home page list".into(),
        Job::Shows => "the list of shows".into(),
        Job::Show { .. } => "a show's episode index".into(),
        Job::Episode { .. } => "an episode page".into(),
        Job::Guests => "the list of guests".into(),
        Job::Guest { .. } => "a guest's page".into(),
        Job::Tags => "the list of tags".into(),
        Job::Tag { .. } => "a tag's page".into(),
        Job::Archive => "the archive".into(),
        Job::NotFound => "the not-found page".into(),
        Job::Feed(_) => "a feed".into(),
        Job::Sitemap | Job::NewsSitemap => "the sitemap".into(),
        Job::Robots => "robots.txt".into(),
        Job::Post(_) | Job::Page(_) => "another page".into(),
    }
}

/// Totals of a render, for the build summary.
#[derive(Debug, Default, Clone, Copy)]
pub struct Rendered {
    pub pages: usize,
    pub bytes: u64,
}

/// Renders the pages in `todo` (all of `all`, the site's whole plan, for a build) and passes
/// `(file, bytes)` to `write`, in parallel.
pub fn render_all(
    site: &Site,
    templates: &Templates,
    link: Linker,
    all: &[Planned],
    todo: &[Planned],
    write: impl Fn(&str, &[u8]) -> Result<()> + Sync,
) -> Result<Rendered> {
    let values = Values::new(site, link);
    let bytes = AtomicU64::new(0);
    let results: Vec<Result<(), Error>> = todo
        .par_iter()
        .map(|p| {
            let (template, ctx) = context(&values, p, all);
            // Rendering to bytes skips re-validating 300 MB of UTF-8 on a large site.
            let mut html = Vec::with_capacity(16 * 1024);
            templates
                .tera
                .render_to(template, &ctx, &mut html)
                .map_err(|e| {
                    let page = match &p.origin {
                        Some(f) => format!("/{} ({f})", p.path),
                        None => format!("/{}", p.path),
                    };
                    Error::Diagnostics(templates.diagnose(&e, &page))
                })?;
            bytes.fetch_add(html.len() as u64, Ordering::Relaxed);
            write(&p.file, &html)
        })
        .collect();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for r in results {
        match r {
            Ok(()) => {}
            Err(Error::Diagnostics(d)) => {
                // A broken template breaks every page that uses it: report it once.
                for d in d {
                    let same = |x: &Diagnostic| {
                        x.path == d.path && x.location == d.location && x.message == d.message
                    };
                    if !diagnostics.iter().any(same) {
                        diagnostics.push(d);
                    }
                }
            }
            Err(other) => return Err(other),
        }
    }
    if !diagnostics.is_empty() {
        return Err(Error::Diagnostics(diagnostics));
    }
    Ok(Rendered {
        pages: todo.len(),
        bytes: bytes.into_inner(),
    })
}

/// The template that renders a kind of page.
pub fn template_for(job: Job) -> &'static str {
    match job {
        Job::Home { .. } => "index.html",
        Job::Post(_) => "post.html",
        Job::Shows => "shows.html",
        Job::Show { .. } => "show.html",
        Job::Episode { .. } => "episode.html",
        Job::Guests => "guests.html",
        Job::Guest { .. } => "guest.html",
        Job::Tags => "tags.html",
        Job::Tag { .. } => "tag.html",
        Job::Archive => "archive.html",
        Job::Page(_) => "page.html",
        Job::NotFound => "404.html",
        Job::Feed(Feed::Rss) => "rss.xml",
        Job::Feed(_) => "atom.xml",
        Job::Sitemap => "sitemap.xml",
        Job::NewsSitemap => "news-sitemap.xml",
        Job::Robots => "robots.txt",
    }
}

fn context(v: &Values, p: &Planned, planned: &[Planned]) -> (&'static str, Context) {
    let site = v.site;
    let mut ctx = Context::new();
    ctx.insert_value("site", v.site_value.clone());
    ctx.insert_value("current_url", v.link.url(&p.path).into());
    ctx.insert_value("current_permalink", v.link.permalink(&p.path).into());
    let per = site.config.paginate;
    let pager_of = |total: usize, page: usize| pager(total, per, page);
    match p.job {
        Job::Home { page } => {
            let pager = pager_of(site.posts.len(), page);
            let all: Vec<usize> = pager.items.clone().collect();
            ctx.insert_value(
                "paginator",
                v.paginator(v.cards(&all), &pager, "", site.posts.len()),
            );
        }
        Job::Post(i) => {
            let n = site.posts.len();
            ctx.insert_value("post", v.post(i));
            // Posts are newest first: the previous (older) post is the next index.
            ctx.insert_value(
                "previous",
                if i + 1 < n {
                    v.card(i + 1)
                } else {
                    Value::none()
                },
            );
            ctx.insert_value("next", if i > 0 { v.card(i - 1) } else { Value::none() });
            let (prev_ep, next_ep) = match (site.links[i].show, site.posts[i].episode) {
                (Some(si), Some(num)) => {
                    let (a, b) = site.neighbour_episodes(si, num);
                    (
                        a.map_or_else(Value::none, |e| v.episode_link(si, e.number)),
                        b.map_or_else(Value::none, |e| v.episode_link(si, e.number)),
                    )
                }
                _ => (Value::none(), Value::none()),
            };
            ctx.insert_value("previous_episode", prev_ep);
            ctx.insert_value("next_episode", next_ep);
        }
        Job::Shows => {
            let shows: Vec<Value> = (0..site.shows.len()).map(|si| v.show(si)).collect();
            ctx.insert_value("shows", shows.into());
        }
        Job::Show { show, page } => {
            let s = &site.shows[show];
            let pager = pager_of(s.episodes.len(), page);
            let items: Vec<Value> = pager.items.clone().map(|ei| v.episode(show, ei)).collect();
            ctx.insert_value("show", v.show(show));
            ctx.insert_value(
                "paginator",
                v.paginator(items.into(), &pager, &urls::show(&s.slug), s.episodes.len()),
            );
        }
        Job::Episode { show, episode } => {
            let num = site.shows[show].episodes[episode].number;
            let (a, b) = site.neighbour_episodes(show, num);
            ctx.insert_value("show", v.show(show));
            ctx.insert_value("episode", v.episode(show, episode));
            ctx.insert_value(
                "previous_episode",
                a.map_or_else(Value::none, |e| v.episode_link(show, e.number)),
            );
            ctx.insert_value(
                "next_episode",
                b.map_or_else(Value::none, |e| v.episode_link(show, e.number)),
            );
        }
        Job::Guests => {
            let guests: Vec<Value> = (0..site.guests.len()).map(|gi| v.guest(gi)).collect();
            ctx.insert_value("guests", guests.into());
        }
        Job::Guest { guest, page } => {
            let g = &site.guests[guest];
            let pager = pager_of(g.appearances.len(), page);
            let items: Vec<Value> = g.appearances[pager.items.clone()]
                .iter()
                .map(|a| v.appearance(a))
                .collect();
            ctx.insert_value("guest", v.guest(guest));
            ctx.insert_value(
                "paginator",
                v.paginator(
                    items.into(),
                    &pager,
                    &urls::guest(&g.slug),
                    g.appearances.len(),
                ),
            );
        }
        Job::Tags => {
            let tags: Vec<Value> = (0..site.tags.len()).map(|ti| v.tag_ref(ti)).collect();
            ctx.insert_value("tags", tags.into());
        }
        Job::Tag { tag, page } => {
            let t = &site.tags[tag];
            let pager = pager_of(t.posts.len(), page);
            ctx.insert_value("tag", v.tag_ref(tag));
            ctx.insert_value(
                "paginator",
                v.paginator(
                    v.cards(&t.posts[pager.items.clone()]),
                    &pager,
                    &urls::tag(&t.slug),
                    t.posts.len(),
                ),
            );
        }
        Job::Archive => {
            // Every post is on this page: on a large site building its entries is most of
            // its render time, which `serve` pays on every title edit. Months in parallel.
            let years: Vec<Value> = site
                .archive()
                .par_iter()
                .map(|y| {
                    let months: Vec<Value> = y
                        .months
                        .par_iter()
                        .map(|(m, posts)| {
                            let entries: Vec<Value> = posts.iter().map(|&pi| v.entry(pi)).collect();
                            values::obj([("month", (*m).into()), ("posts", entries.into())])
                        })
                        .collect();
                    values::obj([("year", y.year.into()), ("months", months.into())])
                })
                .collect();
            ctx.insert_value("years", years.into());
        }
        Job::Page(i) => {
            ctx.insert_value("page", v.page(i));
        }
        Job::NotFound => {}
        Job::Feed(feed) => {
            let c = &site.config;
            let (title, page) = match feed {
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
            let posts = published::feed_posts(site, feed);
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
        Job::Sitemap => {
            let entries: Vec<Value> = published::sitemap_entries(site, planned)
                .into_iter()
                .map(|(q, lastmod)| {
                    values::obj([
                        ("loc", v.link.permalink(&q.path).into()),
                        (
                            "lastmod",
                            lastmod.map_or_else(Value::none, |d| {
                                crate::dates::rfc3339(&d, site.config.timezone).into()
                            }),
                        ),
                    ])
                })
                .collect();
            ctx.insert_value("entries", entries.into());
        }
        Job::NewsSitemap => {
            let entries: Vec<Value> = published::news_posts(site, site.now)
                .into_iter()
                .map(|pi| v.card(pi))
                .collect();
            ctx.insert_value("entries", entries.into());
        }
        Job::Robots => {}
    }
    if p.job.is_page() {
        ctx.insert_value("meta", v.meta(p, &page_title(site, p.job)));
    }
    (template_for(p.job), ctx)
}

/// A page's name for machines (JSON-LD), in the site's language where it matters.
fn page_title(site: &Site, job: Job) -> String {
    let ko = site.config.language.starts_with("ko");
    let pick = |k: &str, e: &str| if ko { k.to_string() } else { e.to_string() };
    match job {
        Job::Home { .. } => site.config.title.clone(),
        Job::Shows => pick("프로그램", "Shows"),
        Job::Guests => pick("출연자", "Guests"),
        Job::Tags => pick("태그", "Tags"),
        Job::Archive => pick("보관함", "Archive"),
        Job::Tag { tag, .. } => format!("#{}", site.tags[tag].name),
        Job::Show { show, .. } => site.shows[show].name.clone(),
        Job::Guest { guest, .. } => site.guests[guest].name.clone(),
        _ => site.config.title.clone(),
    }
}
