//! Turns the site model into pages: plans every page (its URL, template and where it came
//! from), refuses two pages on one URL, then renders in parallel and hands each page to the
//! output writer as soon as it is ready, so the whole site is never held in memory.
//!
//! Every kind of page has its own file under `kinds/` (plan entries, template values, change
//! key, head and JSON-LD, sitemap `lastmod`), listed once in `kinds/mod.rs`. What several
//! kinds share stays here: `values.rs` (cards, shows, episodes, guests, the paginator as
//! template values), `meta.rs` (the head values every page starts from, JSON-LD pieces,
//! escaping), `keys.rs` (memoised fingerprints of cards, shows, episodes, guests), `memo.rs`
//! (values and fingerprints kept with one model between `serve`'s runs), `published.rs`
//! (which posts a show or guest has, when a post last changed) and
//! `templates.rs` (loading Tera templates, turning their errors into diagnostics).

pub mod images;
pub mod keys;
mod kinds;
mod memo;
mod meta;
pub mod published;
pub mod shortcodes;
mod templates;
pub mod values;

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

pub use kinds::{Feed, Job, Planned, may_show_card, pages_showing_body, plan};
pub use memo::Memo;
pub use templates::{BUILTIN, TEMPLATES_DIR, Templates};
use values::Values;

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::fingerprint::FastMap;
use crate::site::Site;
use crate::urls::Linker;

/// Two pages on one URL: name both files, or say which generated page the file would replace.
/// `slug_at(file, alias)` finds where a content file sets `slug` (or `aliases[alias]`, for an
/// alias): its text and the value's range, so the error can point at that line in both files;
/// a file without a `slug` gets its URL from its name.
pub fn check_collisions(
    planned: &[Planned],
    slug_at: impl Fn(&str, Option<usize>) -> Option<(String, std::ops::Range<usize>)>,
) -> Vec<Diagnostic> {
    // An alias is pointed at (`aliases = [...]`); a page's own URL is the file's (as before).
    let at_alias = |file: &str, job: Job, message: String| match job
        .alias()
        .and_then(|_| slug_at(file, job.alias()))
    {
        Some((text, range)) => Diagnostic::at(file, &text, range, message),
        None => Diagnostic::file(file, message),
    };
    let mut seen: FastMap<&str, &Planned> = FastMap::default();
    let mut errors = Vec::new();
    for p in planned {
        let Some(first) = seen.get(p.path.as_str()) else {
            seen.insert(&p.path, p);
            continue;
        };
        let message = format!(
            "two pages would be written to /{}, expected each page to have its own URL",
            p.path
        );
        let d = match (&first.origin, &p.origin) {
            (Some(a), Some(b)) => {
                let (a_at, b_at) = (slug_at(a, first.job.alias()), slug_at(b, p.job.alias()));
                let d = match &b_at {
                    Some((text, range)) => Diagnostic::at(b, text, range.clone(), message),
                    None => Diagnostic::file(b, message),
                };
                let label = match &a_at {
                    Some(_) => "the other page with this URL",
                    None => "the other page with this URL (from its file name)",
                };
                let d = d.with_secondary(
                    a,
                    a_at.as_ref().map(|(t, r)| (t.as_str(), r.clone())),
                    label,
                );
                if a_at.is_none() && b_at.is_none() {
                    d.with_note("both URLs come from the file names; set `slug = \"…\"` in one of them to give it its own URL")
                } else if first.job.alias().is_some() || p.job.alias().is_some() {
                    d.with_note("an alias must not be the address of another page: remove it, or give the page another `slug`")
                } else {
                    d.with_note("give one of them another `slug`")
                }
            }
            (Some(a), None) => at_alias(a, first.job, message)
                .with_note(format!("the other one is {}", p.job.describe())),
            (None, Some(b)) => at_alias(b, p.job, message)
                .with_note(format!("the other one is {}", first.job.describe())),
            (None, None) => Diagnostic::file(p.job.describe(), message)
                .with_note(format!("the other one is {}", first.job.describe())),
        };
        errors.push(d);
    }
    errors
}

/// Totals of a render, for the build summary.
#[derive(Debug, Default, Clone, Copy)]
pub struct Rendered {
    pub pages: usize,
    pub bytes: u64,
}

/// Renders the pages in `todo` (all of `all`, the site's whole plan, for a build) and passes
/// `(file, bytes)` to `write`, in parallel. `memo` keeps values between runs on one model.
pub fn render_all(
    site: &Site,
    templates: &Templates,
    memo: &Memo,
    link: Linker,
    all: &[Planned],
    todo: &[Planned],
    write: impl Fn(&str, &[u8]) -> Result<()> + Sync,
) -> Result<Rendered> {
    let values = Values::new(site, link, memo);
    let bytes = AtomicU64::new(0);
    let render_one = |p: &Planned| -> Result<()> {
        let (template, ctx) = kinds::context(&values, p, all);
        // Rendering to bytes skips re-validating 300 MB of UTF-8 on a large site.
        let mut html = Vec::with_capacity(16 * 1024);
        templates
            .tera
            .render_to(template, &ctx, &mut html)
            .map_err(|e| {
                let page = match &p.origin {
                    Some(f) => format!("/{} ({f})", p.path),
                    None => format!("/{}", p.path),
                };
                Error::Diagnostics(templates.diagnose(&e, &page))
            })?;
        bytes.fetch_add(html.len() as u64, Ordering::Relaxed);
        write(&p.file, &html)
    };
    // The pages listing everything first: on a large site one of them takes longer than all
    // the others together, which then render beside it instead of before it. Errors are
    // still reported in plan order (a broken partial names the home page, not the archive
    // that rendered first).
    let mut order: Vec<(usize, &Planned)> = todo.iter().enumerate().collect();
    order.sort_by_key(|(_, p)| !p.job.lists_everything());
    let mut results: Vec<(usize, Result<()>)> =
        order.par_iter().map(|&(i, p)| (i, render_one(p))).collect();
    results.sort_by_key(|(i, _)| *i);
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for (_, r) in results {
        match r {
            Ok(()) => {}
            Err(Error::Diagnostics(d)) => crate::diagnostic::extend_unique(&mut diagnostics, d),
            Err(other) => return Err(other),
        }
    }
    if !diagnostics.is_empty() {
        return Err(Error::Diagnostics(diagnostics));
    }
    Ok(Rendered {
        pages: todo.len(),
        bytes: bytes.into_inner(),
    })
}

/// The template that renders a kind of page.
pub fn template_for(job: Job) -> &'static str {
    job.template()
}
