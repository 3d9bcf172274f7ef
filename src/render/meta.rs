//! What machines read on every page: the description, Open Graph and Twitter values, the
//! feeds a page advertises, and its JSON-LD, built from the site model so every value is
//! escaped once, in one place. This file holds the common part (the site's defaults, the
//! JSON-LD pieces several kinds use, the escaping); each kind's file (`kinds/`) overrides
//! what is its own in `Kind::head`.

use serde_json::{Value as Json, json};
use tera::Value;

use super::values::{Values, obj};
use crate::site::Site;
use crate::urls;

/// Longest description, in characters (what search results show).
pub(super) const DESCRIPTION_CHARS: usize = 160;
/// Most items listed in a list page's JSON-LD `ItemList`.
const ITEM_LIST_MAX: usize = 100;

/// The head values of one HTML page: the site's defaults ([`Values::head`]), which the
/// page's kind then overrides, turned into `meta` by [`Values::meta`].
pub(super) struct Head {
    /// The page's name: `meta.title`, and the name of a list page's JSON-LD collection.
    pub title: String,
    pub description: String,
    /// Open Graph type: `website`, `article` or `profile`.
    pub og_type: &'static str,
    pub image: Option<String>,
    /// The image's width and height when known (a social card's), for `og:image:width`.
    pub image_size: Option<(u32, u32)>,
    pub published: Option<String>,
    pub modified: Option<String>,
    pub tags: Vec<String>,
    /// The feeds the page advertises: the site's, and a show's or guest's own.
    pub feeds: Vec<Value>,
    pub jsonld: Option<Json>,
    /// `og:video`: the player or file URL and its type.
    pub video: Option<(String, &'static str)>,
}

/// `ko` or `en`, by the site's language: a page's name for machines in its language.
pub(super) fn localized(site: &Site, ko: &str, en: &str) -> String {
    if site.config.language.starts_with("ko") {
        ko.to_string()
    } else {
        en.to_string()
    }
}

/// Plain text of an HTML fragment: tags dropped, the entities our renderer writes decoded,
/// whitespace collapsed, cut at a character boundary.
pub fn plain_text(html: &str, max_chars: usize) -> String {
    // Pass 1: tags and shortcode tokens (private-use characters, no text) dropped, found by
    // their bytes; each tag leaves a space. A tag's end `>` only counts inside a tag.
    let bytes = html.as_bytes();
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut copied = 0;
    // The lead byte is that of U+E000..U+EFFF, where the tokens (and the range dropped
    // below) are.
    let lead = crate::shortcode::TOKEN_LEAD_BYTE;
    for i in memchr::memchr3_iter(b'<', b'>', lead, bytes) {
        match bytes[i] {
            b'<' => {
                if !in_tag {
                    text.push_str(&html[copied..i]);
                }
                in_tag = true;
            }
            b'>' if in_tag => {
                in_tag = false;
                text.push(' ');
                copied = i + 1;
            }
            b'>' => {}
            _ => {
                let token = html[i..]
                    .chars()
                    .next()
                    .is_some_and(|c| ('\u{E000}'..='\u{E0FF}').contains(&c));
                if token && !in_tag {
                    text.push_str(&html[copied..i]);
                    copied = i + 3;
                }
            }
        }
    }
    if !in_tag {
        text.push_str(&html[copied..]);
    }
    // Pass 2: entities decoded and whitespace collapsed, stopping at the first character past
    // `max_chars` (a description is ~160 characters of a body of thousands). The five
    // entities start with `&` and end with `;` and have neither inside, so decoding them
    // left to right is the same as replacing each in turn.
    let mut out = String::with_capacity(text.len().min(max_chars * 4));
    let mut n = 0;
    let mut space = false;
    let mut over = false;
    let mut rest = text.as_str();
    while let Some(c) = rest.chars().next() {
        let entity = (c == '&')
            .then(|| {
                [
                    ("&lt;", '<'),
                    ("&gt;", '>'),
                    ("&quot;", '"'),
                    ("&#39;", '\''),
                    ("&amp;", '&'),
                ]
                .into_iter()
                .find(|(e, _)| rest.starts_with(e))
            })
            .flatten();
        let (c, len) = entity.map_or((c, c.len_utf8()), |(e, c)| (c, e.len()));
        rest = &rest[len..];
        if c.is_whitespace() {
            space = n > 0;
            continue;
        }
        if n == max_chars || (space && n + 1 == max_chars) {
            over = true;
            break;
        }
        if space {
            out.push(' ');
            n += 1;
            space = false;
        }
        out.push(c);
        n += 1;
    }
    if !over {
        return out;
    }
    // Cut to one character less than the most, and end with an ellipsis.
    while n >= max_chars && out.pop().is_some() {
        n -= 1;
    }
    format!("{}…", out.trim_end())
}

/// JSON for a `<script type="application/ld+json">`: `<`, `>` and `&` become `\u` escapes so
/// no value (a title with `</script>`) can end the script or open a comment.
pub fn script_json(v: &Json) -> String {
    // Into bytes, not through `Display` (which goes through a formatter per piece and was
    // most of the cost of a page's JSON-LD). Serializing a `Value` cannot fail.
    let raw = serde_json::to_vec(v).unwrap_or_default();
    let mut out = Vec::with_capacity(raw.len() + 64);
    let mut copied = 0;
    for i in memchr::memchr3_iter(b'<', b'>', b'&', &raw) {
        out.extend_from_slice(&raw[copied..i]);
        out.extend_from_slice(match raw[i] {
            b'<' => b"\\u003c",
            b'>' => b"\\u003e",
            _ => b"\\u0026",
        });
        copied = i + 1;
    }
    out.extend_from_slice(&raw[copied..]);
    // serde_json writes UTF-8, and the escapes replace whole ASCII characters.
    String::from_utf8(out).unwrap_or_default()
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
    pub(super) fn absolute_image(&self, image: &str) -> String {
        if image.starts_with("http://") || image.starts_with("https://") {
            image.to_string()
        } else {
            self.link.permalink(image.trim_start_matches('/'))
        }
    }

    pub(super) fn site_json(&self) -> (Json, Json) {
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

    pub(super) fn series_json(&self, si: usize) -> Json {
        let s = &self.site.shows[si];
        json!({"@type": "TVSeries", "name": s.name, "url": self.link.permalink(&urls::show(&s.slug))})
    }

    pub(super) fn person_json(&self, gi: usize, role: Option<&str>) -> Json {
        let g = &self.site.guests[gi];
        let mut p = json!({"@type": "Person", "name": g.name, "url": self.guest_link(gi).1});
        if let Some(r) = role {
            p["jobTitle"] = json!(r);
        }
        p
    }

    pub(super) fn collection_json(
        &self,
        name: &str,
        url: &str,
        items: Vec<(String, String)>,
    ) -> Json {
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

    pub(super) fn post_items(&self, posts: impl Iterator<Item = usize>) -> Vec<(String, String)> {
        // Only the first ITEM_LIST_MAX are listed: the archive passes every post.
        posts
            .take(ITEM_LIST_MAX)
            .map(|pi| {
                let p = &self.site.posts[pi];
                (p.title.clone(), self.post_link(pi).1.clone())
            })
            .collect()
    }

    /// A page's head values before its kind has its say: the site's description and image,
    /// its own feeds, and `title` (the kind's name for the page).
    pub(super) fn head(&self, title: String) -> Head {
        let c = &self.site.config;
        Head {
            title,
            description: c.description.clone(),
            og_type: "website",
            image: c.image.as_deref().map(|i| self.absolute_image(i)),
            image_size: None,
            published: None,
            modified: None,
            tags: Vec::new(),
            feeds: self.site_feeds(),
            jsonld: None,
            video: None,
        }
    }

    /// The URL of a page's social card, when cards are drawn.
    pub(super) fn card_image(&self, subject: crate::cards::Subject) -> Option<String> {
        self.site
            .cards
            .then(|| self.link.permalink(&crate::cards::path(self.site, subject)))
    }

    /// Makes `head` show the page's social card, when cards are drawn.
    pub(super) fn use_card(&self, head: &mut Head, subject: crate::cards::Subject) {
        if let Some(url) = self.card_image(subject) {
            head.image = Some(url);
            head.image_size = Some((crate::cards::WIDTH, crate::cards::HEIGHT));
        }
    }

    /// `meta` for an HTML page: `title`, `canonical`, `description`, `og_type`, `locale`,
    /// `image` (with `image_width` and `image_height` when known), `published`, `modified`, `tags`, `feeds` and `jsonld` (a JSON string, safe to
    /// print inside a script element).
    pub(super) fn meta(&self, head: Head, canonical: Option<String>) -> Value {
        let opt = |s: Option<String>| s.map_or_else(Value::none, Value::from);
        obj([
            ("title", head.title.into()),
            ("canonical", opt(canonical)),
            ("description", head.description.into()),
            ("og_type", head.og_type.into()),
            ("locale", og_locale(&self.site.config.language).into()),
            ("image", opt(head.image)),
            (
                "image_width",
                head.image_size.map_or_else(Value::none, |(w, _)| w.into()),
            ),
            (
                "image_height",
                head.image_size.map_or_else(Value::none, |(_, h)| h.into()),
            ),
            ("published", opt(head.published)),
            ("modified", opt(head.modified)),
            ("tags", Value::from(head.tags)),
            ("feeds", Value::from(head.feeds)),
            (
                "video",
                head.video.map_or_else(Value::none, |(url, mime)| {
                    super::values::obj([("url", url.into()), ("type", mime.into())])
                }),
            ),
            (
                "jsonld",
                head.jsonld
                    .map_or_else(Value::none, |j| Value::safe_string(&script_json(&j))),
            ),
        ])
    }

    /// A feed a page advertises in its head (`<link rel="alternate">`).
    pub(super) fn feed_link(&self, title: String, path: &str) -> Value {
        obj([
            ("title", title.into()),
            ("url", self.link.url(path).into()),
            ("type", "application/atom+xml".into()),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_agrees_with_stripping_replacing_and_splitting_in_turn() {
        // plain_text as first written: each step over the whole text.
        fn in_turn(html: &str, max_chars: usize) -> String {
            let mut text = String::new();
            let mut in_tag = false;
            for c in html.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' if in_tag => {
                        in_tag = false;
                        text.push(' ');
                    }
                    '\u{E000}'..='\u{E0FF}' => {}
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
            let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if joined.chars().count() <= max_chars {
                return joined;
            }
            let cut: String = joined.chars().take(max_chars - 1).collect();
            format!("{}…", cut.trim_end())
        }
        let html = "<p>딥시크 <em>성공</em> &amp;amp; 판교 a > b &lt;x&gt; &#39;q&quot;</p>\n\
                    <p>\u{E001}토큰\u{E001}  둘 \u{3000} 셋 <a href=\"x>y\">링크</a> &amp 끝</p>";
        for max in 1..=60 {
            assert_eq!(plain_text(html, max), in_turn(html, max), "{max}");
        }
        for html in ["", "  ", "<b>", "a", "가 나", "<p> 가 </p> <p>나</p>"] {
            for max in 1..=4 {
                assert_eq!(plain_text(html, max), in_turn(html, max), "{html} {max}");
            }
        }
    }

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
