//! `robots.txt`, generated unless the site's `static/` has its own.

use tera::Context;

use super::{Job, Kind, Plan, Planned};
use crate::render::keys::Keys;
use crate::render::values::Values;

pub(super) struct Robots;

pub(super) fn plan(plan: &mut Plan) {
    if !plan.static_robots {
        plan.push(Job::Robots, "robots.txt".to_string(), None);
    }
}

impl Kind for Robots {
    fn template(&self) -> &'static str {
        "robots.txt"
    }

    fn describe(&self) -> &'static str {
        "robots.txt"
    }

    fn is_file(&self) -> bool {
        true
    }

    fn is_page(&self) -> bool {
        false
    }

    fn context(&self, _: &Values, _: &Planned, _: &[Planned], _: &mut Context) {}

    /// Nothing but `site`, which every key covers.
    fn key(&self, _: &Keys) -> u64 {
        0
    }
}
