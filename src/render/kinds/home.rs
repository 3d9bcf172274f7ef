//! The home page: every post, newest first, as cards, split into pages of `paginate`
//! (`/`, `/page/2/`, …).

use chrono::{DateTime, FixedOffset};
use tera::Context;

use super::{Job, Kind, Plan, Planned};
use crate::fingerprint;
use crate::render::keys::Keys;
use crate::render::meta::Head;
use crate::render::published;
use crate::render::values::Values;
use crate::site::{Site, pager, paginate};
use crate::urls;

/// Page `page` (1-based) of the home list.
pub(super) struct Home {
    pub page: usize,
}

pub(super) fn plan(plan: &mut Plan) {
    for p in paginate(plan.site.posts.len(), plan.site.config.paginate) {
        plan.push(
            Job::Home { page: p.number },
            urls::paged("", p.number),
            None,
        );
    }
}

impl Kind for Home {
    fn template(&self) -> &'static str {
        "index.html"
    }

    fn describe(&self) -> &'static str {
        "the home page list"
    }

    fn context(&self, v: &Values, _: &Planned, _: &[Planned], ctx: &mut Context) {
        let site = v.site;
        let pager = pager(site.posts.len(), site.config.paginate, self.page);
        let all: Vec<usize> = pager.items.clone().collect();
        ctx.insert_value(
            "paginator",
            v.paginator(v.cards(&all), &pager, "", site.posts.len()),
        );
    }

    fn key(&self, k: &Keys) -> u64 {
        let site = k.site;
        let pg = pager(site.posts.len(), site.config.paginate, self.page);
        let all: Vec<usize> = pg.items.collect();
        fingerprint::of(&(pg.total_pages, k.cards(&all)))
    }

    fn title(&self, site: &Site) -> String {
        site.config.title.clone()
    }

    fn head(&self, v: &Values, url: &str, head: &mut Head) {
        let site = v.site;
        let items = pager(site.posts.len(), site.config.paginate, self.page).items;
        head.jsonld = Some(v.collection_json(&head.title, url, v.post_items(items)));
    }

    fn lastmod(&self, site: &Site) -> Option<DateTime<FixedOffset>> {
        let items = pager(site.posts.len(), site.config.paginate, self.page).items;
        published::newest(site, items)
    }
}
