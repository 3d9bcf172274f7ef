//! The list of shows (`/shows/`) and each show's episode index (`/shows/<slug>/`, paginated).
//! A show's episode pages are planned here too, right after its index pages, so the sitemap
//! keeps a show and its episodes together; the episode page itself is `episode.rs`.

use chrono::{DateTime, FixedOffset};
use serde_json::json;
use tera::{Context, Value};

use super::{Job, Kind, Plan, Planned, episode};
use crate::fingerprint;
use crate::render::keys::Keys;
use crate::render::meta::{DESCRIPTION_CHARS, Head, localized, plain_text};
use crate::render::published;
use crate::render::values::Values;
use crate::site::{Site, pager, paginate};
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

    fn title(&self, site: &Site) -> String {
        localized(site, "프로그램", "Shows")
    }

    fn head(&self, v: &Values, url: &str, head: &mut Head) {
        let items = v
            .site
            .shows
            .iter()
            .map(|s| (s.name.clone(), v.link.permalink(&urls::show(&s.slug))))
            .collect();
        head.jsonld = Some(v.collection_json(&head.title, url, items));
    }

    /// It shows (or counts) every post.
    fn lastmod(&self, site: &Site) -> Option<DateTime<FixedOffset>> {
        published::newest(site, 0..site.posts.len())
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

    fn title(&self, site: &Site) -> String {
        site.shows[self.show].name.clone()
    }

    fn head(&self, v: &Values, _: &str, head: &mut Head) {
        let c = &v.site.config;
        let s = &v.site.shows[self.show];
        let about = show_head(v, self.show, head);
        v.use_card(head, crate::cards::Subject::Show(self.show));
        let mut j = v.series_json(self.show);
        j["@context"] = json!("https://schema.org");
        j["numberOfEpisodes"] = json!(s.episodes.len());
        j["inLanguage"] = json!(c.language);
        if !about.is_empty() {
            j["description"] = json!(about);
        }
        head.jsonld = Some(j);
    }

    /// Every page of the index: each shows the show's profile with its post counts.
    fn lastmod(&self, site: &Site) -> Option<DateTime<FixedOffset>> {
        published::newest(site, published::show_posts(site, self.show))
    }
}

/// What a show's index and its episodes' pages share in their head: the show's profile as
/// the description, and the show's feed advertised. Returns that description ("" without a
/// profile).
pub(super) fn show_head(v: &Values, show: usize, head: &mut Head) -> String {
    let s = &v.site.shows[show];
    let about = s.profile.as_ref().map_or(String::new(), |p| {
        plain_text(p.body.html(), DESCRIPTION_CHARS)
    });
    if !about.is_empty() {
        head.description = about.clone();
    }
    head.feeds.push(v.feed_link(
        format!("{} · {}", s.name, v.site.config.title),
        &format!("{}atom.xml", urls::show(&s.slug)),
    ));
    about
}
