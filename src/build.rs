//! `showpress build`: config → content → site model → render → output, in that order, with
//! every diagnostic from config, content and templates gathered before giving up.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::content::Content;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::fingerprint::FastMap;
use crate::fs::STATIC_DIR;
use crate::output::Staging;
use crate::render::{self, Templates};
use crate::site::Site;
use crate::urls::Linker;

/// Assets of the built-in theme, written unless the site's `static/` has a file of that name.
pub const THEME_ASSETS: &[(&str, &str)] = &[("style.css", include_str!("theme/static/style.css"))];

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output: PathBuf,
    pub drafts: bool,
    /// Publish posts dated in the future too.
    pub future: bool,
    pub base_url: Option<String>,
    /// When the build publishes at: posts dated later are scheduled, not published.
    pub clock: crate::dates::Clock,
}

#[derive(Debug, Clone)]
pub struct BuildReport {
    pub posts: usize,
    pub pages: usize,
    pub static_files: usize,
    /// Posts dated in the future, left out.
    pub scheduled: usize,
    /// Warnings for files of `static/` not published because a generated page has their name.
    pub shadowed: Vec<Diagnostic>,
    pub bytes: u64,
    pub elapsed: Duration,
}

/// Pairs loaded templates and content, or gathers the diagnostics of both.
pub fn join_inputs(
    templates: Result<Templates>,
    content: Result<Content>,
) -> Result<(Templates, Content)> {
    match (templates, content) {
        (Ok(t), Ok(c)) => Ok((t, c)),
        (Err(Error::Diagnostics(mut a)), Err(Error::Diagnostics(b))) => {
            a.extend(b);
            Err(Error::Diagnostics(a))
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

/// Warnings for the files of `static/` (`names`, relative to it) that a generated page is
/// written in place of, so they are not published. `pages` is [`render::pages_by_file`].
pub fn shadowed_statics<'a>(
    names: impl IntoIterator<Item = &'a str>,
    pages: &FastMap<&str, &str>,
) -> Vec<Diagnostic> {
    let mut hidden: Vec<&str> = names
        .into_iter()
        .filter(|n| pages.contains_key(n))
        .collect();
    hidden.sort_unstable();
    hidden
        .into_iter()
        .map(|rel| {
            Diagnostic::file(
                format!("{STATIC_DIR}/{rel}"),
                format!(
                    "not published: the generated page /{} is written to the same file; rename or move this one",
                    pages[rel]
                ),
            )
            .warning()
        })
        .collect()
}

pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let start = Instant::now();
    let mut config = Config::load(&opts.root)?;
    if let Some(url) = &opts.base_url {
        config.set_base_url(url)?;
    }
    let (templates, content) = rayon::join(
        || Templates::load(&opts.root, &config),
        || crate::content::load(&opts.root, &config, opts.drafts),
    );
    let (templates, mut content) = join_inputs(templates, content)?;
    let now = opts.clock.now();
    let scheduled = if opts.future {
        0
    } else {
        content.hold_back_future(now)
    };
    let link = Linker::new(&config.base_url, config.base_path());
    let site = Site::build(config, content, now)?;
    let planned = render::plan(&site, opts.root.join("static/robots.txt").is_file());
    let collisions = render::check_collisions(&planned);
    if !collisions.is_empty() {
        return Err(Error::Diagnostics(collisions));
    }

    let staging = Staging::new(&opts.output, &opts.root)?;
    let pages = render::pages_by_file(&planned);
    let statics = crate::fs::static_files(&opts.root)?;
    let shadowed = shadowed_statics(statics.iter().map(|(rel, _)| rel.as_str()), &pages);
    let mut static_files = staging.copy_static(
        statics
            .iter()
            .filter(|(rel, _)| !pages.contains_key(rel.as_str())),
    )?;
    for (name, body) in THEME_ASSETS {
        if !staging.contains(name) {
            staging.write(name, body.as_bytes())?;
            static_files += 1;
        }
    }
    let rendered =
        render::render_all(&site, &templates, link, &planned, &planned, |file, html| {
            staging.write(file, html)
        })?;
    staging.commit()?;
    Ok(BuildReport {
        posts: site.posts.len(),
        pages: rendered.pages,
        static_files,
        scheduled,
        shadowed,
        bytes: rendered.bytes,
        elapsed: start.elapsed(),
    })
}
