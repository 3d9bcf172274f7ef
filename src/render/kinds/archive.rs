//! The archive (`/archive/`): every post on one page, grouped by year and month.

use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;
use tera::{Context, Value};

use super::{Job, Kind, Plan, Planned};
use crate::fingerprint;
use crate::render::keys::Keys;
use crate::render::meta::{Head, localized};
use crate::render::published;
use crate::render::values::{self, Values};
use crate::site::Site;
use crate::urls;

pub(super) struct Archive;

pub(super) fn plan(plan: &mut Plan) {
    plan.push(Job::Archive, urls::archive(), None);
}

impl Kind for Archive {
    fn template(&self) -> &'static str {
        "archive.html"
    }

    fn describe(&self) -> &'static str {
        "the archive"
    }

    fn lists_everything(&self) -> bool {
        true
    }

    fn context(&self, v: &Values, _: &Planned, _: &[Planned], ctx: &mut Context) {
        // Every post is on this page: on a large site building its entries is most of its
        // render time, which `serve` pays on every title edit. Months in parallel.
        let years: Vec<Value> = v
            .memo
            .archive(v.site)
            .par_iter()
            .map(|y| {
                let months: Vec<Value> = y
                    .months
                    .par_iter()
                    .map(|(m, posts)| {
                        // After a title edit only the edited post's month is made again.
                        v.memo.month(posts, || {
                            let entries: Vec<Value> = posts.iter().map(|&pi| v.entry(pi)).collect();
                            values::obj([("month", (*m).into()), ("posts", entries.into())])
                        })
                    })
                    .collect();
                values::obj([("year", y.year.into()), ("months", months.into())])
            })
            .collect();
        ctx.insert_value("years", years.into());
    }

    /// Only what an entry shows: a body or tag edit leaves the archive alone.
    fn key(&self, k: &Keys) -> u64 {
        let site = k.site;
        let n = site.posts.len();
        let all: Vec<u64> = site
            .posts
            .iter()
            .zip(&site.links)
            .enumerate()
            .map(|(pi, (p, l))| {
                k.memo.entry_key(pi, n, || {
                    let show = l
                        .show
                        .map(|si| (&site.shows[si].name, &site.shows[si].slug));
                    fingerprint::of(&(&p.title, &p.slug, p.date, show, p.episode))
                })
            })
            .collect();
        fingerprint::of(&all)
    }

    fn title(&self, site: &Site) -> String {
        localized(site, "보관함", "Archive")
    }

    fn head(&self, v: &Values, url: &str, head: &mut Head) {
        let items = v.post_items(0..v.site.posts.len());
        head.jsonld = Some(v.collection_json(&head.title, url, items));
    }

    /// It shows (or counts) every post.
    fn lastmod(&self, site: &Site) -> Option<DateTime<FixedOffset>> {
        published::newest(site, 0..site.posts.len())
    }
}
