//! The sitemaps: `sitemap.xml`, every page with the `lastmod` of the newest post it shows,
//! and with `news_sitemap` the Google News sitemap `news-sitemap.xml` of the last two days'
//! posts.

use tera::{Context, Value};

use super::{Job, Kind, Plan, Planned};
use crate::fingerprint;
use crate::render::keys::Keys;
use crate::render::published;
use crate::render::values::{self, Values};

pub(super) struct Sitemap;

pub(super) struct NewsSitemap;

pub(super) fn plan(plan: &mut Plan) {
    plan.push(Job::Sitemap, "sitemap.xml".to_string(), None);
    if plan.site.config.news_sitemap {
        plan.push(Job::NewsSitemap, "news-sitemap.xml".to_string(), None);
    }
}

impl Kind for Sitemap {
    fn template(&self) -> &'static str {
        "sitemap.xml"
    }

    fn describe(&self) -> &'static str {
        "the sitemap"
    }

    fn is_file(&self) -> bool {
        true
    }

    fn is_page(&self) -> bool {
        false
    }

    fn context(&self, v: &Values, _: &Planned, all: &[Planned], ctx: &mut Context) {
        let site = v.site;
        let entries: Vec<Value> = published::sitemap_entries(site, all)
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

    fn key(&self, k: &Keys) -> u64 {
        *k.sitemap.get_or_init(|| {
            let entries: Vec<(&String, Option<_>)> = published::sitemap_entries(k.site, k.planned)
                .into_iter()
                .map(|(q, lastmod)| (&q.path, lastmod))
                .collect();
            fingerprint::of(&entries)
        })
    }
}

impl Kind for NewsSitemap {
    fn template(&self) -> &'static str {
        "news-sitemap.xml"
    }

    fn describe(&self) -> &'static str {
        "the sitemap"
    }

    fn is_file(&self) -> bool {
        true
    }

    fn is_page(&self) -> bool {
        false
    }

    fn context(&self, v: &Values, _: &Planned, _: &[Planned], ctx: &mut Context) {
        let entries: Vec<Value> = published::news_posts(v.site, v.site.now)
            .into_iter()
            .map(|pi| v.card(pi))
            .collect();
        ctx.insert_value("entries", entries.into());
    }

    fn key(&self, k: &Keys) -> u64 {
        let news = published::news_posts(k.site, k.site.now);
        fingerprint::of(&k.cards(&news))
    }
}
