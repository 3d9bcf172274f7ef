//! A standalone page: any Markdown file under `content/` that is not a post or a profile
//! (`content/about.md` → `/about/`).

use chrono::{DateTime, FixedOffset};
use serde_json::json;
use tera::Context;

use super::{Job, Kind, Plan, Planned};
use crate::fingerprint;
use crate::render::keys::Keys;
use crate::render::meta::{DESCRIPTION_CHARS, Head, plain_text};
use crate::render::values::Values;
use crate::site::Site;
use crate::urls;

/// The page at this index of `site.pages`.
pub(super) struct Page(pub usize);

pub(super) fn plan(plan: &mut Plan) {
    let site = plan.site;
    for (i, p) in site.pages.iter().enumerate() {
        plan.push(Job::Page(i), urls::page(&p.segments), Some(&p.file));
    }
}

impl Kind for Page {
    fn template(&self) -> &'static str {
        "page.html"
    }

    fn describe(&self) -> &'static str {
        "another page"
    }

    fn context(&self, v: &Values, _: &Planned, _: &[Planned], ctx: &mut Context) {
        ctx.insert_value("page", v.page(self.0));
    }

    fn key(&self, k: &Keys) -> u64 {
        let page = &k.site.pages[self.0];
        fingerprint::of(&(page.hash, &page.file))
    }

    fn title(&self, site: &Site) -> String {
        site.pages[self.0].title.clone()
    }

    fn head(&self, v: &Values, url: &str, head: &mut Head) {
        let c = &v.site.config;
        let page = &v.site.pages[self.0];
        let text = plain_text(
            page.summary
                .as_deref()
                .or(page.body.summary.as_deref())
                .unwrap_or(""),
            DESCRIPTION_CHARS,
        );
        if !text.is_empty() {
            head.description = text;
        }
        head.jsonld = Some(
            json!({"@context": "https://schema.org", "@type": "WebPage", "name": page.title, "url": url, "inLanguage": c.language}),
        );
    }

    fn lastmod(&self, site: &Site) -> Option<DateTime<FixedOffset>> {
        let p = &site.pages[self.0];
        p.updated.or(p.date)
    }
}
