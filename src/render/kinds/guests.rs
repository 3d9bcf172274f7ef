//! The list of guests (`/guests/`) and each guest's page (`/guests/<slug>/`, paginated): the
//! guest's profile and every appearance, newest first.

use chrono::{DateTime, FixedOffset};
use serde_json::json;
use tera::{Context, Value};

use super::{Job, Kind, Plan, Planned};
use crate::fingerprint;
use crate::render::keys::Keys;
use crate::render::meta::{DESCRIPTION_CHARS, Head, localized, plain_text};
use crate::render::published;
use crate::render::values::Values;
use crate::site::{Site, pager, paginate};
use crate::urls;

/// `/guests/`: every guest.
pub(super) struct GuestList;

/// Page `page` (1-based) of guest `guest`'s appearances.
pub(super) struct Guest {
    pub guest: usize,
    pub page: usize,
}

pub(super) fn plan(plan: &mut Plan) {
    let site = plan.site;
    plan.push(Job::Guests, urls::guests(), None);
    for (gi, g) in site.guests.iter().enumerate() {
        let origin = g.profile.as_ref().map(|p| p.file.as_str());
        for p in paginate(g.appearances.len(), site.config.paginate) {
            plan.push(
                Job::Guest {
                    guest: gi,
                    page: p.number,
                },
                urls::paged(&urls::guest(&g.slug), p.number),
                origin,
            );
        }
    }
}

impl Kind for GuestList {
    fn template(&self) -> &'static str {
        "guests.html"
    }

    fn describe(&self) -> &'static str {
        "the list of guests"
    }

    fn context(&self, v: &Values, _: &Planned, _: &[Planned], ctx: &mut Context) {
        let guests: Vec<Value> = (0..v.site.guests.len()).map(|gi| v.guest(gi)).collect();
        ctx.insert_value("guests", guests.into());
    }

    fn key(&self, k: &Keys) -> u64 {
        let all: Vec<u64> = (0..k.site.guests.len()).map(|gi| k.guest(gi)).collect();
        fingerprint::of(&all)
    }

    fn title(&self, site: &Site) -> String {
        localized(site, "출연자", "Guests")
    }

    fn head(&self, v: &Values, url: &str, head: &mut Head) {
        let items = v
            .site
            .guests
            .iter()
            .enumerate()
            .map(|(gi, g)| (g.name.clone(), v.guest_link(gi).1.clone()))
            .collect();
        head.jsonld = Some(v.collection_json(&head.title, url, items));
    }

    /// It shows (or counts) every post.
    fn lastmod(&self, site: &Site) -> Option<DateTime<FixedOffset>> {
        published::newest(site, 0..site.posts.len())
    }
}

impl Kind for Guest {
    fn template(&self) -> &'static str {
        "guest.html"
    }

    fn describe(&self) -> &'static str {
        "a guest's page"
    }

    fn context(&self, v: &Values, _: &Planned, _: &[Planned], ctx: &mut Context) {
        let g = &v.site.guests[self.guest];
        let pager = pager(g.appearances.len(), v.site.config.paginate, self.page);
        let items: Vec<Value> = g.appearances[pager.items.clone()]
            .iter()
            .map(|a| v.appearance(a))
            .collect();
        ctx.insert_value("guest", v.guest(self.guest));
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

    fn key(&self, k: &Keys) -> u64 {
        let site = k.site;
        let g = &site.guests[self.guest];
        let pg = pager(g.appearances.len(), site.config.paginate, self.page);
        let apps: Vec<_> = g.appearances[pg.items.clone()]
            .iter()
            .map(|a| {
                let show = a
                    .show
                    .map(|si| (&site.shows[si].name, &site.shows[si].slug));
                (show, a.episode, &a.role, k.cards(&a.posts))
            })
            .collect();
        fingerprint::of(&(k.guest(self.guest), pg.total_pages, apps))
    }

    fn title(&self, site: &Site) -> String {
        site.guests[self.guest].name.clone()
    }

    fn head(&self, v: &Values, url: &str, head: &mut Head) {
        let c = &v.site.config;
        let g = &v.site.guests[self.guest];
        let bio = g.profile.as_ref().map_or(String::new(), |p| {
            plain_text(p.body.html(), DESCRIPTION_CHARS)
        });
        head.description = if bio.is_empty() {
            match g.role() {
                Some(r) => format!("{} ({r})", g.name),
                None => g.name.clone(),
            }
        } else {
            bio
        };
        head.og_type = "profile";
        v.use_card(head, crate::cards::Subject::Guest(self.guest));
        head.feeds.push(v.feed_link(
            format!("{} · {}", g.name, c.title),
            &format!("{}atom.xml", urls::guest(&g.slug)),
        ));
        head.jsonld = Some(json!({
            "@context": "https://schema.org",
            "@type": "ProfilePage",
            "url": url,
            "inLanguage": c.language,
            "mainEntity": v.person_json(self.guest, g.role()),
        }));
    }

    fn lastmod(&self, site: &Site) -> Option<DateTime<FixedOffset>> {
        published::newest(site, published::guest_posts(site, self.guest))
    }
}
