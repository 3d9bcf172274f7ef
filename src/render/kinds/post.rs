//! A post's own page (`/posts/<slug>/`): the whole post with its body, and links to the
//! older and newer post and to the neighbouring episodes of its show.

use chrono::{DateTime, FixedOffset};
use serde_json::{Value as Json, json};
use tera::{Context, Value};

use super::{Job, Kind, Plan, Planned};
use crate::fingerprint;
use crate::render::keys::Keys;
use crate::render::meta::{DESCRIPTION_CHARS, Head, plain_text};
use crate::render::published;
use crate::render::values::Values;
use crate::site::Site;
use crate::urls;

/// The post at this index of `site.posts` (newest first).
pub(super) struct Post(pub usize);

pub(super) fn plan(plan: &mut Plan) {
    let site = plan.site;
    for (i, p) in site.posts.iter().enumerate() {
        plan.push(Job::Post(i), urls::post(&p.slug), Some(&p.file));
    }
}

/// Its own page shows its body; nothing else does but full-content feeds (`feed.rs`).
pub(super) fn showing_body(_: &Site, post: usize, out: &mut Vec<Job>) {
    out.push(Job::Post(post));
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

    fn title(&self, site: &Site) -> String {
        site.posts[self.0].title.clone()
    }

    fn head(&self, v: &Values, _: &str, head: &mut Head) {
        let c = &v.site.config;
        let post = &v.site.posts[self.0];
        let text = plain_text(post.summary_html(), DESCRIPTION_CHARS);
        if !text.is_empty() {
            head.description = text;
        }
        head.og_type = "article";
        match &post.image {
            Some(img) => head.image = Some(v.absolute_image(img)),
            None => v.use_card(head, crate::cards::Subject::Post(self.0)),
        }
        head.published = Some(crate::dates::rfc3339(&post.date, c.timezone));
        head.modified = Some(crate::dates::rfc3339(
            post.updated.as_ref().unwrap_or(&post.date),
            c.timezone,
        ));
        head.tags = post.tags.clone();
        head.jsonld = Some(post_json(v, self.0));
        if let Some(vid) = &post.video {
            head.video = Some(match vid.player_url() {
                Some(embed) => (embed, "text/html"),
                None => (vid.id.clone(), vid.mime().unwrap_or("video/mp4")),
            });
        }
    }

    fn lastmod(&self, site: &Site) -> Option<DateTime<FixedOffset>> {
        Some(published::post_modified(site, self.0))
    }
}

/// The post's JSON-LD: an article (`article_type`) about its episode or show, based on its
/// source, mentioning its guests.
fn post_json(v: &Values, i: usize) -> Json {
    let site = v.site;
    let c = &site.config;
    let p = &site.posts[i];
    let l = &site.links[i];
    let tz = c.timezone;
    let url = &v.post_link(i).1;
    let (author, publisher) = v.site_json();
    let published = crate::dates::rfc3339(&p.date, tz);
    let modified = p
        .updated
        .as_ref()
        .map_or_else(|| published.clone(), |u| crate::dates::rfc3339(u, tz));
    let mut j = json!({
        "@context": "https://schema.org",
        "@type": c.article_type,
        "headline": p.title,
        "datePublished": published,
        "dateModified": modified,
        "author": author,
        "publisher": publisher,
        "inLanguage": c.language,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "keywords": p.tags,
    });
    // Its own image, else its social card, else the site's.
    let image = match p.image.as_deref() {
        Some(img) => Some(v.absolute_image(img)),
        None => v
            .card_image(crate::cards::Subject::Post(i))
            .or_else(|| c.image.as_deref().map(|img| v.absolute_image(img))),
    };
    if let Some(img) = image {
        j["image"] = json!([img]);
    }
    if let Some(src) = &p.source {
        let mut based = json!({"@type": "CreativeWork", "url": src.url});
        if let Some(t) = &src.title {
            based["headline"] = json!(t);
        }
        if let Some(o) = &src.outlet {
            based["publisher"] = json!({"@type": "Organization", "name": o});
        }
        j["isBasedOn"] = based;
        j["citation"] = json!(src.url);
    }
    let video = p.video.as_ref().map(|vid| {
        let mut o = json!({
            "@type": "VideoObject",
            "name": crate::render::shortcodes::video_title(site, i),
            "description": p.title,
            "uploadDate": crate::dates::rfc3339(p.aired.as_ref().unwrap_or(&p.date), tz),
        });
        match vid.player_url() {
            Some(embed) => o["embedUrl"] = json!(embed),
            None => o["contentUrl"] = json!(vid.id),
        }
        if let Some(t) = vid.thumbnail_url() {
            o["thumbnailUrl"] = json!([t]);
        }
        o
    });
    if let Some(si) = l.show {
        j["about"] = match p.episode {
            Some(n) => {
                let mut e = json!({
                    "@type": "TVEpisode",
                    "episodeNumber": n,
                    "url": v.link.permalink(&urls::episode(&site.shows[si].slug, n)),
                    "partOfSeries": v.series_json(si),
                });
                if let Some(aired) = &p.aired {
                    e["datePublished"] = json!(crate::dates::rfc3339(aired, c.timezone));
                }
                // The video is the episode's: tied to it, not to the commentary.
                if let Some(vo) = &video {
                    e["video"] = vo.clone();
                }
                e
            }
            None => v.series_json(si),
        };
    }
    if let Some(vo) = video
        && !(l.show.is_some() && p.episode.is_some())
    {
        j["video"] = vo;
    }
    if !p.guests.is_empty() {
        let people: Vec<Json> = p
            .guests
            .iter()
            .zip(&l.guests)
            .map(|(m, &gi)| v.person_json(gi, m.role.as_deref()))
            .collect();
        j["mentions"] = json!(people);
    }
    j
}
