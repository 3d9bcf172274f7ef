//! The sitemaps: `sitemap.xml`, every page with the `lastmod` of the newest post it shows,
//! and with `news_sitemap` the Google News sitemap `news-sitemap.xml` of the last two days'
//! posts.

use chrono::{DateTime, Duration, FixedOffset};
use tera::{Context, Value};

use super::{Job, Kind, Plan, Planned};
use crate::fingerprint;
use crate::render::keys::Keys;
use crate::render::values::{self, Values};
use crate::site::Site;

pub(super) struct Sitemap;

pub(super) struct NewsSitemap;

/// The pages the sitemap lists, with their `lastmod`: every page at an address of its own.
pub fn sitemap_entries<'a>(
    site: &Site,
    planned: &'a [Planned],
) -> Vec<(&'a Planned, Option<DateTime<FixedOffset>>)> {
    planned
        .iter()
        .filter_map(|p| {
            p.job
                .with_kind(|k| (k.is_page() && k.canonical()).then(|| (p, k.lastmod(site))))
        })
        .collect()
}

/// Posts of the last two days (Google News only wants those), newest first.
pub fn news_posts(site: &Site, now: DateTime<FixedOffset>) -> Vec<usize> {
    let since = now - Duration::days(2);
    (0..site.posts.len())
        .filter(|&i| site.posts[i].date >= since && site.posts[i].date <= now)
        .collect()
}

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

    fn lists_everything(&self) -> bool {
        true
    }

    fn is_file(&self) -> bool {
        true
    }

    fn is_page(&self) -> bool {
        false
    }

    fn context(&self, v: &Values, _: &Planned, all: &[Planned], ctx: &mut Context) {
        let site = v.site;
        let entries: Vec<Value> = sitemap_entries(site, all)
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
            let entries: Vec<(&String, Option<_>)> = sitemap_entries(k.site, k.planned)
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
        let entries: Vec<Value> = news_posts(v.site, v.site.now)
            .into_iter()
            .map(|pi| v.card(pi))
            .collect();
        ctx.insert_value("entries", entries.into());
    }

    fn key(&self, k: &Keys) -> u64 {
        let news = news_posts(k.site, k.site.now);
        fingerprint::of(&k.cards(&news))
    }
}
