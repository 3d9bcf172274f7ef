//! A standalone page: any Markdown file under `content/` that is not a post or a profile
//! (`content/about.md` → `/about/`).

use tera::Context;

use super::{Job, Kind, Plan, Planned};
use crate::fingerprint;
use crate::render::keys::Keys;
use crate::render::values::Values;
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
}
