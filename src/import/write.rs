//! Writes what the import made: posts and pages as `+++` TOML front matter and body, copied
//! files, and a `config.toml` for a new site. Nothing that exists is ever replaced: every
//! target is checked before the first byte is written, and each file is created with
//! `create_new`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::post::NewPost;
use super::source::Kind;

fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", inner.join(", "))
}

/// The front matter showpress reads, keys in the README's order.
pub fn front_matter(p: &NewPost) -> String {
    let mut out = String::from("+++\n");
    let mut line = |k: &str, v: String| out.push_str(&format!("{k} = {v}\n"));
    line("title", quote(&p.title));
    if let Some(d) = &p.date {
        line("date", d.toml());
    }
    if let Some(u) = &p.updated {
        line("updated", u.toml());
    }
    if let Some(s) = &p.show {
        line("show", quote(s));
    }
    if let Some(e) = p.episode {
        line("episode", e.to_string());
    }
    if !p.tags.is_empty() {
        line("tags", list(&p.tags));
    }
    if let Some(s) = &p.summary {
        line("summary", quote(s));
    }
    line("slug", quote(&p.slug));
    if p.draft {
        line("draft", "true".into());
    }
    if let Some(i) = &p.image {
        line("image", quote(i));
    }
    if !p.aliases.is_empty() {
        line("aliases", list(&p.aliases));
    }
    for (name, role) in &p.guests {
        out.push_str(&format!("\n[[guests]]\nname = {}\n", quote(name)));
        if let Some(r) = role {
            out.push_str(&format!("role = {}\n", quote(r)));
        }
    }
    if !p.extra.is_empty() {
        let mut wrapper = toml::Table::new();
        wrapper.insert("extra".into(), toml::Value::Table(p.extra.clone()));
        // Serialising a table of tables cannot fail; an empty string would only lose extras
        // that the report already lists.
        let text = toml::to_string(&wrapper).unwrap_or_default();
        out.push('\n');
        out.push_str(&text);
    }
    out.push_str("+++\n");
    out
}

/// Creates `path` with `bytes`, with its folders; fails when it exists.
pub fn create(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(bytes)
}

/// Copies `from` to `to` unless `to` exists; `Ok(false)` when it was there already with the
/// same bytes (two posts using one image), an error when it differs.
pub fn copy(from: &Path, to: &Path) -> std::io::Result<bool> {
    let bytes = fs::read(from)?;
    if to.exists() {
        return if fs::read(to)? == bytes {
            Ok(false)
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "a different file is already there",
            ))
        };
    }
    create(to, &bytes).map(|()| true)
}

/// The new site's `config.toml`.
pub fn config(
    title: &str,
    description: &str,
    base_url: &str,
    language: &str,
    timezone: Option<&str>,
) -> String {
    let mut out = format!("title = {}\n", quote(title));
    if !description.is_empty() {
        out.push_str(&format!("description = {}\n", quote(description)));
    }
    out.push_str(&format!("base_url = {}\n", quote(base_url)));
    out.push_str(&format!("language = {}\n", quote(language)));
    // A source without a timezone leaves showpress's default.
    if let Some(tz) = timezone {
        out.push_str(&format!("timezone = {}\n", quote(tz)));
    }
    out
}

/// Where a post goes: `content/posts/<year>/<date>-<slug>.md`, or for a bundle
/// `content/posts/<year>/<date>-<slug>/index.md` beside its files. A page goes to
/// `content/<slug>.md` (`content/<slug>/index.md`), so its URL is `/<slug>/`; so would a post
/// without a date, which `post::map` never makes.
pub fn out_path(p: &NewPost, kind: Kind, bundle: bool) -> PathBuf {
    let (dir, stem) = match p.date.filter(|_| kind == Kind::Post) {
        Some(date) => {
            let day = date.day();
            let stem = format!("{}-{}", day.format("%Y-%m-%d"), p.slug);
            let dir = PathBuf::from("content/posts").join(day.format("%Y").to_string());
            (dir, stem)
        }
        None => (PathBuf::from("content"), p.slug.clone()),
    };
    if bundle {
        dir.join(stem).join("index.md")
    } else {
        dir.join(format!("{stem}.md"))
    }
}
