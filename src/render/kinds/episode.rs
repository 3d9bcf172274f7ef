//! An episode's page (`/shows/<slug>/<number>/`): the episode of a show with its guests,
//! sources and every post about it, and links to the neighbouring episodes.

use chrono::{DateTime, FixedOffset};
use serde_json::{Value as Json, json};
use tera::{Context, Value};

use super::{Job, Kind, Plan, Planned, shows};
use crate::fingerprint;
use crate::render::keys::Keys;
use crate::render::meta::Head;
use crate::render::published;
use crate::render::values::Values;
use crate::site::Site;
use crate::urls;

/// Episode `episode` (an index into the show's `episodes`, newest first) of show `show`.
pub(super) struct Episode {
    pub show: usize,
    pub episode: usize,
}

/// Plans the episode pages of show `si`; `shows::plan` calls it right after the show's index.
pub(super) fn plan_show(plan: &mut Plan, si: usize) {
    let site = plan.site;
    let s = &site.shows[si];
    for (ei, e) in s.episodes.iter().enumerate() {
        plan.push(
            Job::Episode {
                show: si,
                episode: ei,
            },
            urls::episode(&s.slug, e.number),
            None,
        );
    }
}

impl Kind for Episode {
    fn template(&self) -> &'static str {
        "episode.html"
    }

    fn describe(&self) -> &'static str {
        "an episode page"
    }

    fn context(&self, v: &Values, _: &Planned, _: &[Planned], ctx: &mut Context) {
        let (show, episode) = (self.show, self.episode);
        let num = v.site.shows[show].episodes[episode].number;
        let (a, b) = v.site.neighbour_episodes(show, num);
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

    fn key(&self, k: &Keys) -> u64 {
        let num = k.site.shows[self.show].episodes[self.episode].number;
        fingerprint::of(&(
            k.show(self.show),
            k.episode(self.show, self.episode),
            k.neighbours(self.show, num),
        ))
    }

    fn head(&self, v: &Values, url: &str, head: &mut Head) {
        let c = &v.site.config;
        let s = &v.site.shows[self.show];
        shows::show_head(v, self.show, head);
        let e = &s.episodes[self.episode];
        let actors: Vec<Json> = e
            .guests
            .iter()
            .map(|(gi, role)| v.person_json(*gi, role.as_deref()))
            .collect();
        let mut j = json!({
            "@context": "https://schema.org",
            "@type": "TVEpisode",
            "name": format!("{} {}", s.name, e.number),
            "episodeNumber": e.number,
            "url": url,
            "partOfSeries": v.series_json(self.show),
            "actor": actors,
            "inLanguage": c.language,
        });
        if let Some(aired) = &e.aired {
            j["datePublished"] = json!(crate::dates::rfc3339(aired, c.timezone));
        }
        head.jsonld = Some(j);
    }

    fn lastmod(&self, site: &Site) -> Option<DateTime<FixedOffset>> {
        let posts = &site.shows[self.show].episodes[self.episode].posts;
        published::newest(site, posts.iter().copied())
    }
}
