//! The search page (`/search/`, when `[search] enabled`): a form, and the script that queries
//! the index [`crate::search`] writes beside it. What it shows depends on the query in its
//! address, so its template gets only the values every page gets.

use tera::Context;

use super::{Job, Kind, Plan, Planned};
use crate::render::keys::Keys;
use crate::render::meta::localized;
use crate::render::values::Values;
use crate::site::Site;

pub(super) struct Search;

pub(super) fn plan(plan: &mut Plan) {
    if plan.site.config.search.enabled {
        plan.push(Job::Search, crate::urls::search(), None);
    }
}

impl Kind for Search {
    fn template(&self) -> &'static str {
        "search.html"
    }

    fn describe(&self) -> &'static str {
        "the search page"
    }

    fn context(&self, _: &Values, _: &Planned, _: &[Planned], _: &mut Context) {}

    /// Nothing but `site`, which every key covers.
    fn key(&self, _: &Keys) -> u64 {
        0
    }

    fn title(&self, site: &Site) -> String {
        localized(site, "검색", "Search")
    }

    /// A tool rather than content (its results are made in the browser): not in the sitemap.
    fn canonical(&self) -> bool {
        false
    }
}
