//! A post's own page (`/posts/<slug>/`): the whole post with its body, and links to the
//! older and newer post and to the neighbouring episodes of its show.

use tera::{Context, Value};

use super::{Job, Kind, Plan, Planned};
use crate::fingerprint;
use crate::render::keys::Keys;
use crate::render::values::Values;
use crate::urls;

/// The post at this index of `site.posts` (newest first).
pub(super) struct Post(pub usize);

pub(super) fn plan(plan: &mut Plan) {
    let site = plan.site;
    for (i, p) in site.posts.iter().enumerate() {
        plan.push(Job::Post(i), urls::post(&p.slug), Some(&p.file));
    }
}

impl Kind for Post {
    fn template(&self) -> &'static str {
        "post.html"
    }

    fn describe(&self) -> &'static str {
        "another page"
    }

    fn context(&self, v: &Values, _: &Planned, _: &[Planned], ctx: &mut Context) {
        let (site, i) = (v.site, self.0);
        let n = site.posts.len();
        ctx.insert_value("post", v.post(i));
        // Posts are newest first: the previous (older) post is the next index.
        ctx.insert_value(
            "previous",
            if i + 1 < n {
                v.card(i + 1)
            } else {
                Value::none()
            },
        );
        ctx.insert_value("next", if i > 0 { v.card(i - 1) } else { Value::none() });
        let (prev_ep, next_ep) = match (site.links[i].show, site.posts[i].episode) {
            (Some(si), Some(num)) => {
                let (a, b) = site.neighbour_episodes(si, num);
                (
                    a.map_or_else(Value::none, |e| v.episode_link(si, e.number)),
                    b.map_or_else(Value::none, |e| v.episode_link(si, e.number)),
                )
            }
            _ => (Value::none(), Value::none()),
        };
        ctx.insert_value("previous_episode", prev_ep);
        ctx.insert_value("next_episode", next_ep);
    }

    fn key(&self, k: &Keys) -> u64 {
        let (site, i) = (k.site, self.0);
        let n = site.posts.len();
        let prev = (i + 1 < n).then(|| k.card(i + 1));
        let next = (i > 0).then(|| k.card(i - 1));
        let eps = match (site.links[i].show, site.posts[i].episode) {
            (Some(si), Some(num)) => Some((&site.shows[si].slug, k.neighbours(si, num))),
            _ => None,
        };
        // The post's whole file, not only its card: its body shows on this page.
        fingerprint::of(&(site.posts[i].hash, k.card(i), prev, next, eps))
    }
}
