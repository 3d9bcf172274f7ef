//! The list of shows (`/shows/`) and each show's episode index (`/shows/<slug>/`, paginated).
//! A show's episode pages are planned here too, right after its index pages, so the sitemap
//! keeps a show and its episodes together; the episode page itself is `episode.rs`.

use tera::{Context, Value};

use super::{Job, Kind, Plan, Planned, episode};
use crate::fingerprint;
use crate::render::keys::Keys;
use crate::render::values::Values;
use crate::site::{pager, paginate};
use crate::urls;

/// `/shows/`: every show with its profile.
pub(super) struct ShowList;

/// Page `page` (1-based) of show `show`'s episode index.
pub(super) struct Show {
    pub show: usize,
    pub page: usize,
}

pub(super) fn plan(plan: &mut Plan) {
    let site = plan.site;
    plan.push(Job::Shows, urls::shows(), None);
    for (si, s) in site.shows.iter().enumerate() {
        let origin = s.profile.as_ref().map(|p| p.file.as_str());
        for p in paginate(s.episodes.len(), site.config.paginate) {
            plan.push(
                Job::Show {
                    show: si,
                    page: p.number,
                },
                urls::paged(&urls::show(&s.slug), p.number),
                origin,
            );
        }
        episode::plan_show(plan, si);
    }
}

impl Kind for ShowList {
    fn template(&self) -> &'static str {
        "shows.html"
    }

    fn describe(&self) -> &'static str {
        "the list of shows"
    }

    fn context(&self, v: &Values, _: &Planned, _: &[Planned], ctx: &mut Context) {
        let shows: Vec<Value> = (0..v.site.shows.len()).map(|si| v.show(si)).collect();
        ctx.insert_value("shows", shows.into());
    }

    fn key(&self, k: &Keys) -> u64 {
        let all: Vec<u64> = (0..k.site.shows.len()).map(|si| k.show(si)).collect();
        fingerprint::of(&all)
    }
}

impl Kind for Show {
    fn template(&self) -> &'static str {
        "show.html"
    }

    fn describe(&self) -> &'static str {
        "a show's episode index"
    }

    fn context(&self, v: &Values, _: &Planned, _: &[Planned], ctx: &mut Context) {
        let s = &v.site.shows[self.show];
        let pager = pager(s.episodes.len(), v.site.config.paginate, self.page);
        let items: Vec<Value> = pager
            .items
            .clone()
            .map(|ei| v.episode(self.show, ei))
            .collect();
        ctx.insert_value("show", v.show(self.show));
        ctx.insert_value(
            "paginator",
            v.paginator(items.into(), &pager, &urls::show(&s.slug), s.episodes.len()),
        );
    }

    fn key(&self, k: &Keys) -> u64 {
        let s = &k.site.shows[self.show];
        let pg = pager(s.episodes.len(), k.site.config.paginate, self.page);
        let eps: Vec<u64> = pg
            .items
            .clone()
            .map(|ei| k.episode(self.show, ei))
            .collect();
        fingerprint::of(&(k.show(self.show), pg.total_pages, eps))
    }
}
