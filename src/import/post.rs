//! One imported post or standalone page: its front matter mapped from the source's (see
//! `mapping.rs` for the value rules), what each key became (for the report), and its old URL's
//! ingredients. A page takes the same keys as a post except what only posts have in showpress
//! (show, episode, guests, tags, image), which stays in its `[extra]`.

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::mapping::{self, Mapping, When};
use super::source::Kind;

/// A post or a standalone page as showpress will read it.
#[derive(Debug, Clone)]
pub struct NewPost {
    pub title: String,
    /// Always set for a post (`map` refuses one without a date); a page may have none.
    pub date: Option<When>,
    pub updated: Option<When>,
    pub show: Option<String>,
    pub episode: Option<i64>,
    pub guests: Vec<(String, Option<String>)>,
    pub tags: Vec<String>,
    pub summary: Option<String>,
    pub slug: String,
    pub draft: bool,
    /// `og:image`: checked by the caller (a URL, or a file it copies), else put back in
    /// `[extra]`.
    pub image: Option<String>,
    pub aliases: Vec<String>,
    pub extra: toml::Table,
}

/// What the source file says beyond the fields: for the report and for its old URL.
pub struct Mapped {
    pub post: NewPost,
    /// `source key → showpress key` for each key used, e.g. "`description` → `summary`".
    pub notes: Vec<String>,
    /// The categories as written (Jekyll's `:categories`).
    pub categories: Vec<String>,
    /// An explicit old URL: Jekyll's `permalink`, Hugo's `url`, Zola's `path`.
    pub permalink: Option<String>,
    /// The source slug as written (before showpress's slug rules).
    pub source_slug: Option<String>,
}

/// What the importer knows about a file apart from its front matter.
pub struct FileFacts<'a> {
    pub kind: Kind,
    pub tz: Tz,
    /// Jekyll's and Zola's `YYYY-MM-DD-` file-name prefix.
    pub file_date: Option<NaiveDate>,
    /// The file name without extension and date prefix (or the bundle folder's name).
    pub file_slug: &'a str,
    /// Jekyll's `_drafts/`.
    pub draft_by_place: bool,
    pub mapping: &'a Mapping,
}

/// A key whose value cannot be used, with why: the caller points at its line.
pub struct KeyError {
    pub key: String,
    pub message: String,
}

fn take(f: &mut toml::Table, keys: &[&str]) -> Option<(String, toml::Value)> {
    keys.iter()
        .find_map(|k| f.remove(*k).map(|v| ((*k).to_string(), v)))
}

fn note(notes: &mut Vec<String>, from: &str, to: &str) {
    notes.push(format!("`{from}` → `{to}`"));
}

fn text(v: &toml::Value) -> Option<String> {
    match v {
        toml::Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        toml::Value::Integer(i) => Some(i.to_string()),
        toml::Value::Float(x) => Some(x.to_string()),
        _ => None,
    }
}

pub fn map(mut f: toml::Table, facts: &FileFacts) -> Result<Mapped, KeyError> {
    let mut notes = Vec::new();
    // Zola keeps its own extras and taxonomies in tables; they are read like top-level keys.
    if let Some(toml::Value::Table(extra)) = f.remove("extra") {
        for (k, v) in extra {
            f.entry(k).or_insert(v);
        }
    }
    if let Some(toml::Value::Table(tax)) = f.remove("taxonomies") {
        for (k, v) in tax {
            f.entry(k).or_insert(v);
        }
    }

    let title = match take(&mut f, &["title"]).and_then(|(_, v)| text(&v)) {
        Some(t) => t,
        None => {
            note(&mut notes, "file name", "title");
            facts.file_slug.replace(['-', '_'], " ")
        }
    };
    let date = match take(&mut f, &["date", "publishDate", "pubdate", "published_at"]) {
        Some((key, v)) => Some(
            mapping::read_date(&v, facts.tz).map_err(|message| KeyError {
                key: key.clone(),
                message,
            })?,
        ),
        None => match facts.file_date {
            Some(d) => {
                note(&mut notes, "file name", "date");
                Some(When::Day(d))
            }
            // showpress pages need no date, and a made-up one would show on the page.
            None if facts.kind == Kind::Page => None,
            None => {
                return Err(KeyError {
                    key: String::new(),
                    message: "no date: neither a `date` in the front matter nor a `YYYY-MM-DD-` file name, expected a line such as `date: 2024-03-05`".into(),
                });
            }
        },
    };
    // A file-name date and a front-matter time on another day: Jekyll takes the front matter.
    let updated = match take(
        &mut f,
        &["updated", "lastmod", "last_modified_at", "modified"],
    ) {
        Some((key, v)) => {
            if key != "updated" {
                note(&mut notes, &key, "updated");
            }
            Some(mapping::read_date(&v, facts.tz).map_err(|message| KeyError { key, message })?)
        }
        None => None,
    };

    // Only posts have these in showpress: a page keeps the keys in `[extra]`.
    let Roles {
        tags,
        categories,
        show,
        guests,
    } = match facts.kind {
        Kind::Post => roles(&mut f, facts.mapping, &mut notes),
        Kind::Page => Roles::default(),
    };

    let mut summary = None;
    for key in ["summary", "description", "excerpt"] {
        if summary.is_none()
            && let Some(s) = f.get(key).and_then(text)
        {
            f.remove(key);
            if key != "summary" {
                note(&mut notes, key, "summary");
            }
            summary = Some(s);
        }
    }

    let mut draft = facts.draft_by_place;
    if let Some(toml::Value::Boolean(d)) = f.get("draft") {
        draft |= *d;
        f.remove("draft");
    }
    if let Some(toml::Value::Boolean(p)) = f.get("published") {
        if !*p {
            draft = true;
            note(&mut notes, "published: false", "draft");
        }
        f.remove("published");
    }

    let source_slug = f.get("slug").and_then(text);
    if source_slug.is_some() {
        f.remove("slug");
    }
    let slug = crate::slug::slugify(source_slug.as_deref().unwrap_or(facts.file_slug));
    let permalink = take(&mut f, &["permalink", "url", "path"]).and_then(|(k, v)| {
        note(&mut notes, &k, "aliases");
        text(&v)
    });
    let image = match f.get("image") {
        Some(toml::Value::String(s)) if facts.kind == Kind::Post && !s.trim().is_empty() => {
            Some(s.trim().to_string())
        }
        _ => None,
    };
    if image.is_some() {
        f.remove("image");
    }
    let mut aliases = Vec::new();
    if let Some(v) = f.remove("aliases") {
        aliases = mapping::strings(&v);
        note(&mut notes, "aliases", "aliases");
    }

    let mut episode = None;
    let episode_key = facts
        .mapping
        .episode_from
        .clone()
        .unwrap_or_else(|| "episode".into());
    let found = match episode_key.as_str() {
        "title" => mapping::episode_in(&title),
        "permalink" => permalink.as_deref().and_then(mapping::episode_in),
        k => match f.get(k) {
            Some(toml::Value::Integer(n)) if *n > 0 => Some(*n),
            Some(toml::Value::String(s)) => s
                .trim()
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .or_else(|| mapping::episode_in(s)),
            _ => None,
        },
    };
    if let Some(n) = found
        && show.is_some()
    {
        episode = Some(n);
        if !matches!(episode_key.as_str(), "title" | "permalink") {
            f.remove(&episode_key);
        }
        if episode_key != "episode" {
            note(&mut notes, &episode_key, "episode");
        }
    }

    for key in f.keys() {
        notes.push(format!("`{key}` → `[extra]`"));
    }
    Ok(Mapped {
        post: NewPost {
            title,
            date,
            updated,
            show,
            episode,
            guests,
            tags,
            summary,
            slug,
            draft,
            image,
            aliases,
            extra: f,
        },
        notes,
        categories,
        permalink,
        source_slug,
    })
}

/// What only posts have: tags (with the categories), the show and the guests.
#[derive(Default)]
struct Roles {
    tags: Vec<String>,
    categories: Vec<String>,
    show: Option<String>,
    guests: Vec<(String, Option<String>)>,
}

fn roles(f: &mut toml::Table, m: &Mapping, notes: &mut Vec<String>) -> Roles {
    let mut tags = Vec::new();
    let mut categories = Vec::new();
    if let Some((_, v)) = take(f, &["tags"]) {
        tags = mapping::strings(&v);
    }
    let mut category_key = None;
    for key in ["categories", "category"] {
        if let Some(v) = f.remove(key) {
            categories.extend(mapping::strings(&v));
            category_key = Some(key);
        }
    }

    let mut show = None;
    let mut show_source: Option<(String, String)> = None;
    if let Some(s) = &m.show {
        show = Some(s.clone());
    } else if let Some(key) = &m.show_from {
        let value = match key.as_str() {
            "categories" | "category" => categories.first().cloned(),
            "tags" => tags.first().cloned(),
            k => f
                .get(k)
                .and_then(|v| mapping::strings(v).into_iter().next()),
        };
        if let Some(v) = value {
            if !matches!(key.as_str(), "categories" | "category" | "tags") {
                f.remove(key);
            }
            show = Some(m.shows.get(&v).cloned().unwrap_or_else(|| v.clone()));
            show_source = Some((key.clone(), v));
            note(notes, key, "show");
        }
    } else if let Some(v) = f.get("show").and_then(text) {
        f.remove("show");
        show = Some(m.shows.get(&v).cloned().unwrap_or(v));
    }
    // Categories become tags, but not the one that became the show.
    let mut to_tags = false;
    for c in &categories {
        let is_show = show_source.as_ref().is_some_and(|(_, v)| v == c);
        if !is_show && !tags.contains(c) {
            tags.push(c.clone());
            to_tags = true;
        }
    }
    if let Some(key) = category_key.filter(|_| to_tags) {
        note(notes, key, "tags");
    }
    if let Some((key, v)) = &show_source
        && key == "tags"
    {
        tags.retain(|t| t != v);
    }

    let mut guests = Vec::new();
    // The chosen key, else our own name for it.
    let guests_key = m
        .guests_from
        .clone()
        .filter(|k| f.contains_key(k))
        .unwrap_or_else(|| "guests".into());
    if let Some(v) = f.get(&guests_key) {
        let list: Vec<_> = match v {
            toml::Value::Array(a) => a.iter().filter_map(mapping::guest).collect(),
            other => mapping::guest(other).into_iter().collect(),
        };
        if !list.is_empty() {
            guests = list;
            f.remove(&guests_key);
            if guests_key != "guests" {
                note(notes, &guests_key, "guests");
            }
        }
    }

    Roles {
        tags,
        categories,
        show,
        guests,
    }
}
