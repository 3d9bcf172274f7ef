//! What machines read on every page: the description, Open Graph and Twitter values, the
//! feeds a page advertises, and its JSON-LD, built from the site model so every value is
//! escaped once, in one place.

use serde_json::{Value as Json, json};
use tera::Value;

use super::values::{Values, obj};
use super::{Job, Planned};
use crate::urls;

/// Longest description, in characters (what search results show).
const DESCRIPTION_CHARS: usize = 160;
/// Most items listed in a list page's JSON-LD `ItemList`.
const ITEM_LIST_MAX: usize = 100;

/// Plain text of an HTML fragment: tags dropped, the entities our renderer writes decoded,
/// whitespace collapsed, cut at a character boundary.
pub fn plain_text(html: &str, max_chars: usize) -> String {
    let mut text = String::with_capacity(html.len().min(max_chars * 4));
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let words: Vec<&str> = text.split_whitespace().collect();
    let joined = words.join(" ");
    if joined.chars().count() <= max_chars {
        return joined;
    }
    let cut: String = joined.chars().take(max_chars - 1).collect();
    format!("{}…", cut.trim_end())
}

/// JSON for a `<script type="application/ld+json">`: `<`, `>` and `&` become `\u` escapes so
/// no value (a title with `</script>`) can end the script or open a comment.
pub fn script_json(v: &Json) -> String {
    let raw = v.to_string();
    let mut out = String::with_capacity(raw.len() + 64);
    let mut copied = 0;
    // The three characters are ASCII, so byte positions are character boundaries.
    for (i, b) in raw.bytes().enumerate() {
        let escaped = match b {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            b'&' => "\\u0026",
            _ => continue,
        };
        out.push_str(&raw[copied..i]);
        out.push_str(escaped);
        copied = i + 1;
    }
    out.push_str(&raw[copied..]);
    out
}

/// `ko` → `ko_KR`, `en-GB` → `en_GB`: Open Graph wants language_TERRITORY.
pub fn og_locale(language: &str) -> String {
    let mut parts = language.split(['-', '_']);
    let lang = parts.next().unwrap_or("").to_ascii_lowercase();
    if let Some(region) = parts.next() {
        return format!("{lang}_{}", region.to_ascii_uppercase());
    }
    let region = match lang.as_str() {
        "ko" => "KR",
        "en" => "US",
        "ja" => "JP",
        "zh" => "CN",
        "de" => "DE",
        "fr" => "FR",
        "es" => "ES",
        _ => return lang,
    };
    format!("{lang}_{region}")
}

impl Values<'_> {
    /// An image reference made absolute: URLs stay, paths are resolved under the site.
    fn absolute_image(&self, image: &str) -> String {
        if image.starts_with("http://") || image.starts_with("https://") {
            image.to_string()
        } else {
            self.link.permalink(image.trim_start_matches('/'))
        }
    }

    fn site_json(&self) -> (Json, Json) {
        let c = &self.site.config;
        let author = if c.author.is_empty() {
            &c.title
        } else {
            &c.author
        };
        (
            json!({"@type": "Person", "name": author}),
            json!({"@type": "Organization", "name": c.title, "url": c.base_url}),
        )
    }

    fn series_json(&self, si: usize) -> Json {
        let s = &self.site.shows[si];
        json!({"@type": "TVSeries", "name": s.name, "url": self.link.permalink(&urls::show(&s.slug))})
    }

    fn person_json(&self, gi: usize, role: Option<&str>) -> Json {
        let g = &self.site.guests[gi];
        let mut p = json!({"@type": "Person", "name": g.name, "url": self.guest_link(gi).1});
        if let Some(r) = role {
            p["jobTitle"] = json!(r);
        }
        p
    }

    fn post_json(&self, i: usize) -> Json {
        let site = self.site;
        let c = &site.config;
        let p = &site.posts[i];
        let l = &site.links[i];
        let tz = c.timezone;
        let url = &self.post_link(i).1;
        let (author, publisher) = self.site_json();
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
        if let Some(img) = p.image.as_deref().or(c.image.as_deref()) {
            j["image"] = json!([self.absolute_image(img)]);
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
        if let Some(si) = l.show {
            j["about"] = match p.episode {
                Some(n) => {
                    let mut e = json!({
                        "@type": "TVEpisode",
                        "episodeNumber": n,
                        "url": self.link.permalink(&urls::episode(&site.shows[si].slug, n)),
                        "partOfSeries": self.series_json(si),
                    });
                    if let Some(aired) = &p.aired {
                        e["datePublished"] = json!(crate::dates::rfc3339(aired, c.timezone));
                    }
                    e
                }
                None => self.series_json(si),
            };
        }
        if !p.guests.is_empty() {
            let people: Vec<Json> = p
                .guests
                .iter()
                .zip(&l.guests)
                .map(|(m, &gi)| self.person_json(gi, m.role.as_deref()))
                .collect();
            j["mentions"] = json!(people);
        }
        j
    }

    fn collection_json(&self, name: &str, url: &str, items: Vec<(String, String)>) -> Json {
        let list: Vec<Json> = items
            .into_iter()
            .take(ITEM_LIST_MAX)
            .enumerate()
            .map(|(i, (name, url))| json!({"@type": "ListItem", "position": i + 1, "name": name, "url": url}))
            .collect();
        json!({
            "@context": "https://schema.org",
            "@type": "CollectionPage",
            "name": name,
            "url": url,
            "inLanguage": self.site.config.language,
            "mainEntity": {"@type": "ItemList", "numberOfItems": list.len(), "itemListElement": list},
        })
    }

    fn post_items(&self, posts: impl Iterator<Item = usize>) -> Vec<(String, String)> {
        posts
            .map(|pi| {
                let p = &self.site.posts[pi];
                (p.title.clone(), self.post_link(pi).1.clone())
            })
            .collect()
    }

    /// `meta` for an HTML page: `title`, `description`, `og_type`, `locale`, `image`,
    /// `published`, `modified`, `tags`, `feeds` and `jsonld` (a JSON string, safe to print
    /// inside a script element).
    pub fn meta(&self, p: &Planned, title: &str) -> Value {
        let site = self.site;
        let c = &site.config;
        let url = self.link.permalink(&p.path);
        let mut description = c.description.clone();
        let mut og_type = "website";
        let mut image = c.image.as_deref().map(|i| self.absolute_image(i));
        let (mut published, mut modified, mut tags) = (None, None, Vec::new());
        let mut feeds = self.site_feeds.clone();
        let per = c.paginate;
        let jsonld: Option<Json> = match p.job {
            Job::Post(i) => {
                let post = &site.posts[i];
                let text = plain_text(post.summary_html(), DESCRIPTION_CHARS);
                if !text.is_empty() {
                    description = text;
                }
                og_type = "article";
                if let Some(img) = &post.image {
                    image = Some(self.absolute_image(img));
                }
                published = Some(crate::dates::rfc3339(&post.date, c.timezone));
                modified = Some(crate::dates::rfc3339(
                    post.updated.as_ref().unwrap_or(&post.date),
                    c.timezone,
                ));
                tags = post.tags.clone();
                Some(self.post_json(i))
            }
            Job::Page(i) => {
                let page = &site.pages[i];
                let text = plain_text(
                    page.summary
                        .as_deref()
                        .or(page.body.summary.as_deref())
                        .unwrap_or(""),
                    DESCRIPTION_CHARS,
                );
                if !text.is_empty() {
                    description = text;
                }
                Some(
                    json!({"@context": "https://schema.org", "@type": "WebPage", "name": page.title, "url": url, "inLanguage": c.language}),
                )
            }
            Job::Show { show, .. } | Job::Episode { show, .. } => {
                let s = &site.shows[show];
                let about = s.profile.as_ref().map_or(String::new(), |p| {
                    plain_text(&p.body.html, DESCRIPTION_CHARS)
                });
                if !about.is_empty() {
                    description = about.clone();
                }
                let feed_url = self.link.url(&format!("{}atom.xml", urls::show(&s.slug)));
                feeds.push(obj([
                    ("title", format!("{} · {}", s.name, c.title).into()),
                    ("url", feed_url.into()),
                    ("type", "application/atom+xml".into()),
                ]));
                if let Job::Episode { episode, .. } = p.job {
                    let e = &s.episodes[episode];
                    let actors: Vec<Json> = e
                        .guests
                        .iter()
                        .map(|(gi, role)| self.person_json(*gi, role.as_deref()))
                        .collect();
                    let mut j = json!({
                        "@context": "https://schema.org",
                        "@type": "TVEpisode",
                        "name": format!("{} {}", s.name, e.number),
                        "episodeNumber": e.number,
                        "url": url,
                        "partOfSeries": self.series_json(show),
                        "actor": actors,
                        "inLanguage": c.language,
                    });
                    if let Some(aired) = &e.aired {
                        j["datePublished"] = json!(crate::dates::rfc3339(aired, c.timezone));
                    }
                    Some(j)
                } else {
                    let mut j = self.series_json(show);
                    j["@context"] = json!("https://schema.org");
                    j["numberOfEpisodes"] = json!(s.episodes.len());
                    j["inLanguage"] = json!(c.language);
                    if !about.is_empty() {
                        j["description"] = json!(about);
                    }
                    Some(j)
                }
            }
            Job::Guest { guest, .. } => {
                let g = &site.guests[guest];
                let bio = g.profile.as_ref().map_or(String::new(), |p| {
                    plain_text(&p.body.html, DESCRIPTION_CHARS)
                });
                description = if bio.is_empty() {
                    match g.role() {
                        Some(r) => format!("{} ({r})", g.name),
                        None => g.name.clone(),
                    }
                } else {
                    bio
                };
                og_type = "profile";
                let feed_url = self.link.url(&format!("{}atom.xml", urls::guest(&g.slug)));
                feeds.push(obj([
                    ("title", format!("{} · {}", g.name, c.title).into()),
                    ("url", feed_url.into()),
                    ("type", "application/atom+xml".into()),
                ]));
                Some(json!({
                    "@context": "https://schema.org",
                    "@type": "ProfilePage",
                    "url": url,
                    "inLanguage": c.language,
                    "mainEntity": self.person_json(guest, g.role()),
                }))
            }
            Job::Home { page } => {
                let items = crate::site::pager(site.posts.len(), per, page).items;
                Some(self.collection_json(title, &url, self.post_items(items)))
            }
            Job::Tag { tag, page } => {
                let t = &site.tags[tag];
                let items = crate::site::pager(t.posts.len(), per, page).items;
                Some(self.collection_json(
                    title,
                    &url,
                    self.post_items(t.posts[items].iter().copied()),
                ))
            }
            Job::Shows => {
                let items = site
                    .shows
                    .iter()
                    .map(|s| (s.name.clone(), self.link.permalink(&urls::show(&s.slug))))
                    .collect();
                Some(self.collection_json(title, &url, items))
            }
            Job::Guests => {
                let items = site
                    .guests
                    .iter()
                    .enumerate()
                    .map(|(gi, g)| (g.name.clone(), self.guest_link(gi).1.clone()))
                    .collect();
                Some(self.collection_json(title, &url, items))
            }
            Job::Tags => {
                let items = site
                    .tags
                    .iter()
                    .map(|t| (t.name.clone(), self.link.permalink(&urls::tag(&t.slug))))
                    .collect();
                Some(self.collection_json(title, &url, items))
            }
            Job::Archive => {
                Some(self.collection_json(title, &url, self.post_items(0..site.posts.len())))
            }
            Job::NotFound | Job::Feed(_) | Job::Sitemap | Job::NewsSitemap | Job::Robots => None,
        };
        let opt = |s: Option<String>| s.map_or_else(Value::none, Value::from);
        let shown_title = match p.job {
            Job::Post(i) => site.posts[i].title.clone(),
            Job::Page(i) => site.pages[i].title.clone(),
            _ => title.to_string(),
        };
        let canonical = (p.job != Job::NotFound).then_some(url);
        obj([
            ("title", shown_title.into()),
            ("canonical", opt(canonical)),
            ("description", description.into()),
            ("og_type", og_type.into()),
            ("locale", og_locale(&c.language).into()),
            ("image", opt(image)),
            ("published", opt(published)),
            ("modified", opt(modified)),
            ("tags", Value::from(tags)),
            ("feeds", Value::from(feeds)),
            (
                "jsonld",
                jsonld.map_or_else(Value::none, |j| Value::safe_string(&script_json(&j))),
            ),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_strips_tags_and_cuts_at_a_character() {
        assert_eq!(
            plain_text("<p>딥시크 <em>성공</em> &amp; 판교</p>", 160),
            "딥시크 성공 & 판교"
        );
        assert_eq!(plain_text("<p>가나다라마</p>", 4), "가나다…");
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        let s = script_json(&json!({"headline": "</script><!-- & \"q\""}));
        assert_eq!(
            s,
            r#"{"headline":"\u003c/script\u003e\u003c!-- \u0026 \"q\""}"#
        );
    }

    #[test]
    fn locales() {
        assert_eq!(og_locale("ko"), "ko_KR");
        assert_eq!(og_locale("en-gb"), "en_GB");
        assert_eq!(og_locale("xx"), "xx");
    }
}
