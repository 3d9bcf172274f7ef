//! Aliases: an old address of a post or standalone page (`aliases = ["/2019/03/old/"]` in its
//! front matter, as in Hugo and Zola) answered by a small page that sends the reader on: a
//! meta refresh, a canonical link to the new address (so search engines move their index to
//! it), and a visible link for readers whose browser does not follow the refresh. Not a page
//! of the site in its own right: no `meta`, not in the sitemap, feeds or search.
//!
//! Old feed addresses (`[feed_aliases]` in config) are not aliases of this kind: feed readers
//! do not follow a page, so the feed itself is written there too (see `feed.rs`).

use tera::Context;

use super::{Job, Kind, Plan, Planned};
use crate::fingerprint;
use crate::render::keys::Keys;
use crate::render::values::{self, Values};
use crate::urls;

/// What an alias points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// The post at this index of `site.posts`.
    Post(usize),
    /// The standalone page at this index of `site.pages`.
    Page(usize),
}

/// Alias `alias` (an index into the target's `aliases`) of `target`.
pub(super) struct Alias {
    pub target: Target,
    pub alias: usize,
}

pub(super) fn plan(plan: &mut Plan) {
    let site = plan.site;
    let posts = site
        .posts
        .iter()
        .enumerate()
        .map(|(i, p)| (Target::Post(i), &p.aliases, &p.file));
    let pages = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (Target::Page(i), &p.aliases, &p.file));
    for (target, aliases, file) in posts.chain(pages) {
        for (alias, path) in aliases.iter().enumerate() {
            // `old.html` is written as that file, `old/` as `old/index.html`.
            let out = match path.ends_with('/') {
                true => urls::file_for(path),
                false => path.clone(),
            };
            plan.push_file(Job::Alias { target, alias }, path.clone(), out, Some(file));
        }
    }
}

impl Alias {
    /// The target's (site path, title).
    fn target<'a>(&self, site: &'a crate::site::Site) -> (String, &'a str) {
        match self.target {
            Target::Post(i) => (urls::post(&site.posts[i].slug), &site.posts[i].title),
            Target::Page(i) => (urls::page(&site.pages[i].segments), &site.pages[i].title),
        }
    }
}

impl Kind for Alias {
    fn template(&self) -> &'static str {
        "alias.html"
    }

    fn describe(&self) -> &'static str {
        "an alias (an old address) of another page"
    }

    /// A redirect, not a page of the site: no `meta`, no sitemap entry.
    fn is_page(&self) -> bool {
        false
    }

    fn canonical(&self) -> bool {
        false
    }

    fn alias(&self) -> Option<usize> {
        Some(self.alias)
    }

    /// `target`: `url` (root-relative), `permalink` (absolute) and `title` of the page the
    /// alias sends readers to.
    fn context(&self, v: &Values, _: &Planned, _: &[Planned], ctx: &mut Context) {
        let (path, title) = self.target(v.site);
        ctx.insert_value(
            "target",
            values::obj([
                ("url", v.link.url(&path).into()),
                ("permalink", v.link.permalink(&path).into()),
                ("title", title.into()),
            ]),
        );
    }

    fn key(&self, k: &Keys) -> u64 {
        fingerprint::of(&self.target(k.site))
    }
}
