//! `showpress new` (a post with valid front matter) and `showpress init` (a working site):
//! the files a writer starts from.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::render::BUILTIN;
use crate::slug::slugify;

/// What `showpress new` was asked for.
#[derive(Debug, Clone, Default)]
pub struct NewPost {
    pub title: String,
    pub show: Option<String>,
    pub episode: Option<u32>,
    /// `name` or `name:role`.
    pub guests: Vec<String>,
    pub source: Option<String>,
    pub tags: Vec<String>,
    /// A date in any front-matter form; default: now in the site timezone.
    pub date: Option<String>,
    /// When the episode was broadcast, in any front-matter date form.
    pub aired: Option<String>,
}

/// What `new` wrote.
#[derive(Debug)]
pub struct Created {
    pub path: PathBuf,
    /// The episode number `new` chose for `--show` without `--episode`, and the one before it.
    pub proposed_episode: Option<(u32, Option<u32>)>,
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Writes `content/posts/<YYYY>/<date>-<slug>.md` under `root`; never overwrites a file.
pub fn new_post(root: &Path, req: &NewPost) -> Result<Created> {
    let config = Config::load(root)?;
    let title = req.title.trim();
    if title.is_empty() {
        return Err(Error::Message(
            "the title is empty, expected some text".into(),
        ));
    }
    let date = match &req.date {
        Some(d) => crate::dates::parse(&toml::Value::String(d.clone()), config.timezone)
            .map_err(|m| Error::Message(format!("--date: {m}")))?,
        None => chrono::Utc::now()
            .with_timezone(&config.timezone)
            .fixed_offset(),
    };
    let date = date
        .with_timezone(&config.timezone)
        .fixed_offset()
        .with_nanosecond_zero();
    if req.episode.is_some() && req.show.is_none() {
        return Err(Error::Message(
            "--episode needs --show: which show is it an episode of?".into(),
        ));
    }
    let aired = match &req.aired {
        None => None,
        Some(_) if req.show.is_none() => {
            return Err(Error::Message(
                "--aired needs --show: which show's episode aired then?".into(),
            ));
        }
        Some(a) => {
            let d = crate::dates::parse(&toml::Value::String(a.clone()), config.timezone)
                .map_err(|m| Error::Message(format!("--aired: {m}")))?;
            // A day stays a day; a time is written with its offset.
            Some(if a.trim().contains('T') {
                d.with_timezone(&config.timezone)
                    .format("%Y-%m-%dT%H:%M:%S%:z")
                    .to_string()
            } else {
                d.format("%Y-%m-%d").to_string()
            })
        }
    };
    if req.episode == Some(0) {
        return Err(Error::Message(
            "--episode 0: episodes are numbered from 1".into(),
        ));
    }
    if let Some(url) = &req.source {
        let ok = url::Url::parse(url)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
        if !ok {
            return Err(Error::Message(format!(
                "--source `{url}` is not an absolute http(s) URL, expected one such as https://example.com/news/1"
            )));
        }
    }
    let mut proposed = None;
    let episode = match (&req.show, req.episode) {
        (Some(show), None) => {
            let last = last_episode(root, &config, show)?;
            let next = last.map_or(1, |n| n + 1);
            proposed = Some((next, last));
            Some(next)
        }
        (_, e) => e,
    };

    let mut fm = format!(
        "title = {}\ndate = {}\n",
        toml_str(title),
        date.format("%Y-%m-%dT%H:%M:%S%:z")
    );
    if let Some(show) = &req.show {
        fm.push_str(&format!("show = {}\n", toml_str(show.trim())));
    }
    if let Some(n) = episode {
        fm.push_str(&format!("episode = {n}\n"));
    }
    if let Some(a) = &aired {
        fm.push_str(&format!("aired = {a}\n"));
    }
    if !req.tags.is_empty() {
        let tags: Vec<String> = req.tags.iter().map(|t| toml_str(t.trim())).collect();
        fm.push_str(&format!("tags = [{}]\n", tags.join(", ")));
    }
    for g in &req.guests {
        let (name, role) = match g.split_once(':') {
            Some((n, r)) => (n.trim(), Some(r.trim())),
            None => (g.trim(), None),
        };
        if name.is_empty() {
            return Err(Error::Message(format!(
                "--guest `{g}` has no name, expected \"name\" or \"name:role\""
            )));
        }
        fm.push_str(&format!("\n[[guests]]\nname = {}\n", toml_str(name)));
        if let Some(r) = role.filter(|r| !r.is_empty()) {
            fm.push_str(&format!("role = {}\n", toml_str(r)));
        }
    }
    if let Some(url) = &req.source {
        fm.push_str(&format!("\n[source]\nurl = {}\n", toml_str(url)));
    }
    let body = "\n첫 문단은 목록과 피드에 요약으로 쓰입니다.\n\n<!-- more -->\n\n## 방송의 요지\n\n\n## 내 생각\n\n";
    let text = format!("+++\n{fm}+++\n{body}");

    let day = date.format("%Y-%m-%d").to_string();
    let rel = format!(
        "content/posts/{}/{day}-{}.md",
        date.format("%Y"),
        slugify(title)
    );
    let path = root.join(&rel);
    if let Some(parent) = path.parent() {
        crate::fs::create_dir_all(parent)?;
    }
    // create_new: never overwrite, even if the file appeared since we looked.
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => Error::Message(format!(
                "`{rel}` already exists; showpress new never overwrites a post (choose another title or --date)"
            )),
            _ => Error::Io {
                action: "create",
                path: path.clone(),
                source: e,
            },
        })?;
    file.write_all(text.as_bytes()).map_err(|e| Error::Io {
        action: "write",
        path: path.clone(),
        source: e,
    })?;
    Ok(Created {
        path: PathBuf::from(rel),
        proposed_episode: proposed,
    })
}

trait ZeroNanos {
    fn with_nanosecond_zero(self) -> Self;
}

impl ZeroNanos for chrono::DateTime<chrono::FixedOffset> {
    fn with_nanosecond_zero(self) -> Self {
        use chrono::Timelike;
        self.with_nanosecond(0).unwrap_or(self)
    }
}

/// The highest episode number of `show` among the site's posts (drafts included: a number
/// already drafted is taken).
fn last_episode(root: &Path, config: &Config, show: &str) -> Result<Option<u32>> {
    use unicode_normalization::UnicodeNormalization;
    let show: String = show.trim().nfc().collect();
    let content = crate::content::load(root, config, true)?;
    Ok(content
        .posts
        .iter()
        .filter(|p| p.show.as_deref() == Some(show.as_str()))
        .filter_map(|p| p.episode)
        .max())
}

/// Creates a working site in `dir` (new, or empty unless `force`). Returns the files written.
pub fn init_site(dir: &Path, force: bool) -> Result<Vec<String>> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(Error::Message(format!(
                "`{}` is a file, expected a folder for the new site",
                dir.display()
            )));
        }
        let has_entries = std::fs::read_dir(dir)
            .map_err(|e| Error::Io {
                action: "read",
                path: dir.to_path_buf(),
                source: e,
            })?
            .next()
            .is_some();
        if has_entries && !force {
            return Err(Error::Message(format!(
                "`{}` is not empty; showpress init makes a new site in an empty or new folder (--force writes into it anyway, replacing files of the same names)",
                dir.display()
            )));
        }
    }
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Seoul)
        .date_naive();
    let mut files: Vec<(String, String)> = vec![
        ("config.toml".into(), INIT_CONFIG.into()),
        (
            format!("content/posts/{}/{today}-hello.md", today.format("%Y")),
            INIT_POST.replace("{date}", &today.to_string()),
        ),
        ("content/about.md".into(), INIT_ABOUT.into()),
        // What builds make: the output and the build cache are not sources.
        (".gitignore".into(), "public/\n.showpress/\n".into()),
        (
            "static/style.css".into(),
            crate::engine::THEME_ASSETS[0].1.into(),
        ),
    ];
    for (name, src) in BUILTIN {
        files.push((format!("templates/{name}"), src.to_string()));
    }
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            crate::fs::create_dir_all(parent)?;
        }
        crate::fs::write(&path, text.as_bytes())?;
        written.push(rel);
    }
    Ok(written)
}

const INIT_CONFIG: &str = r#"title = "새 토크쇼 해설 블로그"
description = "방송 한 회차를 골라 다시 보고 정리합니다."
base_url = "https://example.com/"
language = "ko"
timezone = "Asia/Seoul"
author = ""
paginate = 10
"#;

const INIT_POST: &str = r#"+++
title = "첫 글: 어떤 방송을 다룰까"
date = {date}
show = "예시 토크쇼"
episode = 1
tags = ["시작"]

[[guests]]
name = "홍길동"
role = "예시 출연자"

[source]
url = "https://news.example.com/articles/1"
outlet = "예시 방송"
+++

showpress로 만든 첫 글입니다. 이 첫 문단은 목록과 피드에 요약으로 쓰입니다.

<!-- more -->

## 방송의 요지

출연자가 한 말을 내 말로 정리합니다.

## 내 생각

`showpress new "제목" --show "프로그램"`으로 다음 글을 만들 수 있습니다.
"#;

const INIT_ABOUT: &str = r#"+++
title = "소개"
+++

이 블로그는 방송 한 회차씩 골라 해설합니다.
"#;
