//! The list of tags (`/tags/`) and each tag's page (`/tags/<slug>/`, paginated): the cards
//! of the posts with that tag, newest first.

use chrono::{DateTime, FixedOffset};
use tera::{Context, Value};

use super::{Job, Kind, Plan, Planned};
use crate::fingerprint;
use crate::render::keys::Keys;
use crate::render::meta::{Head, localized};
use crate::render::published;
use crate::render::values::Values;
use crate::site::{Site, pager, paginate};
use crate::urls;

/// `/tags/`: every tag with its post count.
pub(super) struct TagList;

/// Page `page` (1-based) of tag `tag`'s posts.
pub(super) struct Tag {
    pub tag: usize,
    pub page: usize,
}

pub(super) fn plan(plan: &mut Plan) {
    let site = plan.site;
    plan.push(Job::Tags, urls::tags(), None);
    for (ti, t) in site.tags.iter().enumerate() {
        for p in paginate(t.posts.len(), site.config.paginate) {
            plan.push(
                Job::Tag {
                    tag: ti,
                    page: p.number,
                },
                urls::paged(&urls::tag(&t.slug), p.number),
                None,
            );
        }
    }
}

impl Kind for TagList {
    fn template(&self) -> &'static str {
        "tags.html"
    }

    fn describe(&self) -> &'static str {
        "the list of tags"
    }

    fn context(&self, v: &Values, _: &Planned, _: &[Planned], ctx: &mut Context) {
        let tags: Vec<Value> = (0..v.site.tags.len()).map(|ti| v.tag_ref(ti)).collect();
        ctx.insert_value("tags", tags.into());
    }

    fn key(&self, k: &Keys) -> u64 {
        let all: Vec<_> = k
            .site
            .tags
            .iter()
            .map(|t| (&t.name, &t.slug, t.posts.len()))
            .collect();
        fingerprint::of(&all)
    }

    fn title(&self, site: &Site) -> String {
        localized(site, "태그", "Tags")
    }

    fn head(&self, v: &Values, url: &str, head: &mut Head) {
        let items = v
            .site
            .tags
            .iter()
            .map(|t| (t.name.clone(), v.link.permalink(&urls::tag(&t.slug))))
            .collect();
        head.jsonld = Some(v.collection_json(&head.title, url, items));
    }

    /// It shows (or counts) every post.
    fn lastmod(&self, site: &Site) -> Option<DateTime<FixedOffset>> {
        published::newest(site, 0..site.posts.len())
    }
}

impl Kind for Tag {
    fn template(&self) -> &'static str {
        "tag.html"
    }

    fn describe(&self) -> &'static str {
        "a tag's page"
    }

    fn context(&self, v: &Values, _: &Planned, _: &[Planned], ctx: &mut Context) {
        let t = &v.site.tags[self.tag];
        let pager = pager(t.posts.len(), v.site.config.paginate, self.page);
        ctx.insert_value("tag", v.tag_ref(self.tag));
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

    fn key(&self, k: &Keys) -> u64 {
        let t = &k.site.tags[self.tag];
        let pg = pager(t.posts.len(), k.site.config.paginate, self.page);
        fingerprint::of(&(
            &t.name,
            &t.slug,
            t.posts.len(),
            pg.total_pages,
            k.cards(&t.posts[pg.items]),
        ))
    }

    fn title(&self, site: &Site) -> String {
        format!("#{}", site.tags[self.tag].name)
    }

    fn head(&self, v: &Values, url: &str, head: &mut Head) {
        let t = &v.site.tags[self.tag];
        let items = pager(t.posts.len(), v.site.config.paginate, self.page).items;
        head.jsonld = Some(v.collection_json(
            &head.title,
            url,
            v.post_items(t.posts[items].iter().copied()),
        ));
    }

    fn lastmod(&self, site: &Site) -> Option<DateTime<FixedOffset>> {
        let t = &site.tags[self.tag];
        let items = pager(t.posts.len(), site.config.paginate, self.page).items;
        published::newest(site, t.posts[items].iter().copied())
    }
}
