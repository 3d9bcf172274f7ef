//! `showpress check`: everything a build would check (config, every file's front matter, every
//! template rendered against every page) without writing anything, plus the mistakes a build
//! lets through: air dates or guest lists that disagree about one episode (errors), and names
//! that differ from a profile only in spacing or case, posts with a show but no episode,
//! future-dated posts, sources cited twice and static files a page replaces (warnings).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use chrono_tz::Tz;

use crate::config::Config;
use crate::content::{Content, Post};
use crate::dates::Clock;
use crate::diagnostic::Diagnostic;
use crate::engine::{Changes, Engine, Options};
use crate::error::{Error, Result};

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

/// Checks the site in `root`. `Err` only for what stops the check itself (an unreadable
/// folder); problems in the site's files are in the report. The engine runs every stage with
/// drafts and future posts included and its output dropped; the checks across posts then look
/// at every file that parsed, even when others did not.
pub fn check(root: &Path, now: chrono::DateTime<chrono::FixedOffset>) -> Result<Report> {
    let mut report = Report::default();
    let mut engine = Engine::new(Options {
        root: root.to_path_buf(),
        // Drafts and scheduled posts are checked too: they will be published one day.
        drafts: true,
        future: true,
        base_url: None,
        clock: Clock::Fixed(now),
        keep_going: true,
        image_cache: None,
        progress: false,
    });
    let run = engine.run(Changes::Unknown, &|_, _| Ok(()));
    let content = engine.parsed_content();
    let config = Config::load(root).ok();
    let mut at = Pointer::new(root);
    if let Some(config) = &config {
        report
            .diagnostics
            .extend(warnings(&content, config, now, &mut at));
    }
    match run {
        Ok(run) => {
            report.posts = run.posts;
            report.pages = run.pages;
            report.diagnostics.extend(run.warnings);
        }
        Err(e) => report.diagnostics.extend(diagnostics_of(e)?),
    }
    if let Some(config) = &config {
        report
            .diagnostics
            .extend(episode_conflicts(&content, config.timezone, &mut at));
    }
    Ok(report)
}

/// Points diagnostics at keys of post files, reading each file once (only when it has
/// something to report, so a clean check reads nothing twice).
struct Pointer<'a> {
    root: &'a Path,
    texts: BTreeMap<String, Option<String>>,
}

impl<'a> Pointer<'a> {
    fn new(root: &'a Path) -> Self {
        Pointer {
            root,
            texts: BTreeMap::new(),
        }
    }

    /// A diagnostic at `span` of `file`, or on the whole file when it cannot be read back (it
    /// changed or vanished since it was loaded).
    fn at(&mut self, file: &str, span: Option<&Range<usize>>, message: String) -> Diagnostic {
        let text = self
            .texts
            .entry(file.to_string())
            .or_insert_with(|| std::fs::read_to_string(self.root.join(file)).ok());
        match (text, span) {
            (Some(text), Some(span)) if span.end <= text.len() => {
                Diagnostic::at(file, text, span.clone(), message)
            }
            _ => Diagnostic::file(file, message),
        }
    }
}

/// Posts about one episode must agree on when it aired and who was on it.
fn episode_conflicts(content: &Content, tz: Tz, at: &mut Pointer) -> Vec<Diagnostic> {
    let mut by_episode: BTreeMap<(&str, u32), Vec<&Post>> = BTreeMap::new();
    for p in &content.posts {
        if let (Some(show), Some(n)) = (&p.show, p.episode) {
            by_episode.entry((show, n)).or_default().push(p);
        }
    }
    let mut out = Vec::new();
    for ((show, n), mut posts) in by_episode {
        // The earliest post is the reference the others are compared with.
        posts.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.file.cmp(&b.file)));
        // "{show} episode {n}: {what} {here} here, but {there} in {first}, expected {expected}"
        let mut report = |(other, here, first, there): (&Post, String, &Post, String),
                          span: Option<&Range<usize>>,
                          what: &str,
                          expected: &str| {
            out.push(
                at.at(
                    &other.file,
                    span,
                    format!(
                        "{show} episode {n}: {what} {here} here, but {there} in {}, expected {expected}",
                        first.file
                    ),
                )
                .with_note(format!("the other post is {}", first.file)),
            );
        };
        // Days in the site's time zone: `2025-03-25` and `2025-03-25T20:00:00+09:00` agree.
        let day = |p: &Post| {
            p.aired
                .map(|d| d.with_timezone(&tz).format("%Y-%m-%d").to_string())
        };
        for d in disagreeing(&posts, day) {
            let span = d.0.spans.aired.as_ref();
            report(d, span, "aired", "one air date per episode");
        }
        let names = |p: &Post| {
            let mut v: Vec<String> = p.guests.iter().map(|g| g.name.clone()).collect();
            v.sort_unstable();
            (!v.is_empty()).then_some(v)
        };
        for (other, v, first, r) in disagreeing(&posts, names) {
            report(
                (other, v.join(", "), first, r.join(", ")),
                other.spans.guests.as_ref(),
                "guests",
                "the same guests in every post about one episode",
            );
        }
    }
    out
}

/// The posts that say something about one property of an episode (`value` is `Some`) and
/// disagree with the first one that does: (post, its value, that first post, its value).
fn disagreeing<'p, T: PartialEq + Clone>(
    posts: &[&'p Post],
    value: impl Fn(&Post) -> Option<T>,
) -> Vec<(&'p Post, T, &'p Post, T)> {
    let said: Vec<(&Post, T)> = posts.iter().filter_map(|p| Some((*p, value(p)?))).collect();
    let Some((first, reference)) = said.first().cloned() else {
        return Vec::new();
    };
    said.into_iter()
        .skip(1)
        .filter(|(_, v)| *v != reference)
        .map(|(p, v)| (p, v, first, reference.clone()))
        .collect()
}

/// The key two names share when they differ only in spacing or case.
fn loose(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

fn warnings(
    content: &Content,
    config: &Config,
    now: chrono::DateTime<chrono::FixedOffset>,
    at: &mut Pointer,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut profile_names: BTreeMap<String, (&str, &str)> = BTreeMap::new();
    for s in &content.shows {
        profile_names.insert(loose(&s.name), (&s.name, &s.file));
    }
    for g in &content.guests {
        profile_names.insert(loose(&g.name), (&g.name, &g.file));
    }
    let mut sources: BTreeMap<&str, (&str, About)> = BTreeMap::new();
    for p in &content.posts {
        let names = p
            .guests
            .iter()
            .map(|g| g.name.as_str())
            .zip(
                p.spans
                    .guest_names
                    .iter()
                    .map(Some)
                    .chain(std::iter::repeat(None)),
            )
            .chain(p.show.as_deref().map(|s| (s, p.spans.show.as_ref())));
        for (name, span) in names {
            if let Some((profile, file)) = profile_names.get(&loose(name))
                && *profile != name
            {
                out.push(
                    at.at(
                        &p.file,
                        span,
                        format!("`{name}` differs from the profile name `{profile}` only in spacing or case: a typo?"),
                    )
                    .with_note(format!("the profile is {file}"))
                    .warning(),
                );
            }
        }
        if p.show.is_some() && p.episode.is_none() {
            out.push(
                at.at(
                    &p.file,
                    p.spans.show.as_ref(),
                    "the post names a show but no `episode`, so it is listed outside the episode index".into(),
                )
                .warning(),
            );
        }
        if p.date > now {
            out.push(
                at.at(
                    &p.file,
                    p.spans.date.as_ref(),
                    format!(
                        "dated {} (in the future): held back until then unless --future",
                        crate::dates::rfc3339(&p.date, config.timezone)
                    ),
                )
                .warning(),
            );
        }
        // Several posts about one episode often cite the same article; a post citing an
        // article that another post ties to a different show or episode is the likely slip.
        if let Some(src) = &p.source {
            let about = (p.show.as_deref(), p.episode);
            match sources.get(src.url.as_str()) {
                Some((first, first_about)) if *first_about != about => out.push(
                    at.at(
                        &p.file,
                        p.spans.source.as_ref(),
                        format!(
                            "the source {} is also the source of {first}, which is about {} (this post: {}): a copy-paste slip?",
                            src.url,
                            describe(*first_about),
                            describe(about)
                        ),
                    )
                    .warning(),
                ),
                Some(_) => {}
                None => {
                    sources.insert(&src.url, (&p.file, about));
                }
            }
        }
    }
    out
}

/// The show and episode a post is about, as the same-source warning compares them.
type About<'a> = (Option<&'a str>, Option<u32>);

fn describe((show, episode): About) -> String {
    match (show, episode) {
        (Some(s), Some(e)) => format!("{s} {e}회"),
        (Some(s), None) => format!("{s}, no episode"),
        (None, _) => "no show".into(),
    }
}
