//! The not-found page, `404.html`: what a server answers for any URL the site lacks. Its
//! template gets only the values every page gets.

use tera::Context;

use super::{Job, Kind, Plan, Planned};
use crate::render::keys::Keys;
use crate::render::values::Values;

pub(super) struct NotFound;

pub(super) fn plan(plan: &mut Plan) {
    plan.push(Job::NotFound, "404.html".to_string(), None);
}

impl Kind for NotFound {
    fn template(&self) -> &'static str {
        "404.html"
    }

    fn describe(&self) -> &'static str {
        "the not-found page"
    }

    /// Servers look for `404.html` by that name.
    fn is_file(&self) -> bool {
        true
    }

    fn context(&self, _: &Values, _: &Planned, _: &[Planned], _: &mut Context) {}

    /// Nothing but `site`, which every key covers.
    fn key(&self, _: &Keys) -> u64 {
        0
    }

    /// Served for any missing URL, so it is at no address of its own: no canonical link, not
    /// in the sitemap.
    fn canonical(&self) -> bool {
        false
    }
}
