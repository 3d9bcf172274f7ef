//! `showpress check`: everything a build would check (config, every file's front matter, every
//! template rendered against every page) without writing anything, plus the mistakes a build
//! lets through: guest lists that disagree about one episode (errors), and names that differ
//! from a profile only in spacing or case, posts with a show but no episode, future-dated posts
//! and sources cited twice (warnings).

use std::collections::BTreeMap;
use std::path::Path;

use crate::build::join_inputs;
use crate::config::Config;
use crate::content::Content;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::render::{self, Templates};
use crate::site::Site;
use crate::urls::Linker;

/// What a check found.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub posts: usize,
    pub pages: usize,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

fn diagnostics_of(e: Error) -> Result<Vec<Diagnostic>> {
    match e {
        Error::Diagnostics(d) => Ok(d),
        other => Err(other),
    }
}

/// Checks the site in `root`. `Err` only for what stops the check itself (no config.toml, an
/// unreadable folder); problems in the site's files are in the report.
pub fn check(root: &Path) -> Result<Report> {
    let mut report = Report::default();
    let config = match Config::load(root) {
        Ok(c) => c,
        Err(e) => {
            report.diagnostics = diagnostics_of(e)?;
            return Ok(report);
        }
    };
    // Drafts are checked too: they will be published one day.
    let content = crate::content::load(root, &config, true);
    if let Ok(c) = &content {
        report.diagnostics.extend(warnings(c, &config));
    }
    let templates = Templates::load(root, &config);
    let (templates, content) = match join_inputs(templates, content) {
        Ok(x) => x,
        Err(e) => {
            report.diagnostics.extend(diagnostics_of(e)?);
            return Ok(report);
        }
    };
    report.diagnostics.extend(episode_conflicts(&content));
    let link = Linker::new(&config.base_url, config.base_path());
    let site = match Site::build(config, content) {
        Ok(s) => s,
        Err(d) => {
            report.diagnostics.extend(d);
            return Ok(report);
        }
    };
    report.posts = site.posts.len();
    let planned = render::plan(&site, root.join("static/robots.txt").is_file());
    let collisions = render::check_collisions(&planned);
    if !collisions.is_empty() {
        report.diagnostics.extend(collisions);
        return Ok(report);
    }
    report.pages = planned.len();
    if let Err(e) = render::render_all(&site, &templates, link, &planned, &planned, |_, _| Ok(())) {
        report.diagnostics.extend(diagnostics_of(e)?);
    }
    Ok(report)
}

/// Posts about one episode must agree on who was on it.
fn episode_conflicts(content: &Content) -> Vec<Diagnostic> {
    let mut by_episode: BTreeMap<(&str, u32), Vec<&crate::content::Post>> = BTreeMap::new();
    for p in &content.posts {
        if let (Some(show), Some(n)) = (&p.show, p.episode) {
            by_episode.entry((show, n)).or_default().push(p);
        }
    }
    let mut out = Vec::new();
    for ((show, n), posts) in by_episode {
        fn names(p: &crate::content::Post) -> Vec<&str> {
            let mut v: Vec<&str> = p.guests.iter().map(|g| g.name.as_str()).collect();
            v.sort_unstable();
            v
        }
        // Posts that name no guests say nothing about the lineup.
        let with_guests: Vec<_> = posts.iter().filter(|p| !p.guests.is_empty()).collect();
        if let Some(first) = with_guests.first() {
            for other in &with_guests[1..] {
                if names(first) != names(other) {
                    out.push(
                        Diagnostic::file(
                            other.file.clone(),
                            format!(
                                "{show} episode {n}: guests {} here, but {} in {}, expected the same guests in every post about one episode",
                                names(other).join(", "),
                                names(first).join(", "),
                                first.file
                            ),
                        )
                        .with_note(format!("the other post is {}", first.file)),
                    );
                }
            }
        }
    }
    out
}

/// The key two names share when they differ only in spacing or case.
fn loose(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

fn warnings(content: &Content, config: &Config) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut profile_names: BTreeMap<String, (&str, &str)> = BTreeMap::new();
    for s in &content.shows {
        profile_names.insert(loose(&s.name), (&s.name, &s.file));
    }
    for g in &content.guests {
        profile_names.insert(loose(&g.name), (&g.name, &g.file));
    }
    let now = crate::build::now();
    let mut sources: BTreeMap<&str, &str> = BTreeMap::new();
    for p in &content.posts {
        let mut names: Vec<&str> = p.guests.iter().map(|g| g.name.as_str()).collect();
        names.extend(p.show.as_deref());
        for name in names {
            if let Some((profile, file)) = profile_names.get(&loose(name))
                && *profile != name
            {
                out.push(
                    Diagnostic::file(
                        p.file.clone(),
                        format!("`{name}` differs from the profile name `{profile}` only in spacing or case: a typo?"),
                    )
                    .with_note(format!("the profile is {file}"))
                    .warning(),
                );
            }
        }
        if p.show.is_some() && p.episode.is_none() {
            out.push(
                Diagnostic::file(
                    p.file.clone(),
                    "the post names a show but no `episode`, so it is listed outside the episode index",
                )
                .warning(),
            );
        }
        if p.date > now {
            out.push(
                Diagnostic::file(
                    p.file.clone(),
                    format!(
                        "dated {} (in the future): held back until then unless --future",
                        crate::dates::rfc3339(&p.date, config.timezone)
                    ),
                )
                .warning(),
            );
        }
        if let Some(src) = &p.source {
            match sources.get(src.url.as_str()) {
                Some(first) => out.push(
                    Diagnostic::file(
                        p.file.clone(),
                        format!(
                            "the source {} is also the source of {first}: a copy-paste slip?",
                            src.url
                        ),
                    )
                    .warning(),
                ),
                None => {
                    sources.insert(&src.url, &p.file);
                }
            }
        }
    }
    out
}
