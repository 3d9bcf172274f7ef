//! The first step of an import: each post and page of the source read, its front matter parsed
//! and mapped, and the checks that it gets a URL of its own: no two imported files on one
//! slug, none on a post or page the target site has, no page on a URL showpress makes itself.
//! A file that fails is an error at its file:line:col, and the others go on.

use std::collections::HashMap;
use std::path::Path;

use super::source::{Kind, Site, SourceFile};
use super::{Options, Prepared, frontmatter, locate, post, target, write};
use crate::diagnostic::Diagnostic;

/// How many posts and pages could not be imported.
#[derive(Debug, Default, Clone, Copy)]
pub struct Failed {
    pub posts: usize,
    pub pages: usize,
}

impl Failed {
    pub fn add(&mut self, kind: Kind) {
        match kind {
            Kind::Post => self.posts += 1,
            Kind::Page => self.pages += 1,
        }
    }

    pub fn any(&self) -> bool {
        self.posts + self.pages > 0
    }

    /// `3 posts`, `1 page`, `3 posts and 1 page`.
    pub fn text(&self) -> String {
        use crate::text::count;
        match (self.posts, self.pages) {
            (n, 0) => count(n, "post"),
            (0, n) => count(n, "page"),
            (a, b) => format!("{} and {}", count(a, "post"), count(b, "page")),
        }
    }
}

/// The URL showpress gives an imported file with `slug`.
pub(crate) fn new_url(kind: Kind, slug: &str) -> String {
    match kind {
        Kind::Post => format!("/{}", crate::urls::post(slug)),
        Kind::Page => format!("/{}", crate::urls::page(&[slug.to_string()])),
    }
}

fn noun(kind: Kind) -> &'static str {
    match kind {
        Kind::Post => "post",
        Kind::Page => "page",
    }
}

/// Reads and maps `files` (posts, then pages); what cannot be imported goes to `diagnostics`.
pub(crate) fn prepare(
    files: &[(Kind, &SourceFile)],
    site: &Site,
    opts: &Options,
    diagnostics: &mut Vec<Diagnostic>,
    failed: &mut Failed,
) -> Vec<Prepared> {
    let mut prepared: Vec<Prepared> = Vec::new();
    // Posts and pages have URLs of their own (`/posts/x/`, `/x/`): one may share a slug.
    let mut slugs: HashMap<(Kind, String), usize> = HashMap::new();
    let existing_posts = target::existing_slugs(&opts.into);
    let existing_pages = target::existing_pages(&opts.into);
    for (i, &(kind, f)) in files.iter().enumerate() {
        let text = match std::fs::read(&f.abs).map(String::from_utf8) {
            Ok(Ok(t)) => t,
            Ok(Err(_)) => {
                diagnostics.push(Diagnostic::file(
                    &f.rel,
                    "not UTF-8 text, expected a Markdown file in UTF-8",
                ));
                failed.add(kind);
                continue;
            }
            Err(e) => {
                diagnostics.push(Diagnostic::file(&f.rel, format!("cannot read: {e}")));
                failed.add(kind);
                continue;
            }
        };
        let parsed = match frontmatter::parse(&text) {
            Ok(p) => p,
            Err(e) => {
                diagnostics.push(Diagnostic::at_line_col(
                    &f.rel, &text, e.line, e.col, 1, e.message,
                ));
                failed.add(kind);
                continue;
            }
        };
        let facts = post::FileFacts {
            kind,
            tz: site.timezone,
            file_date: f.file_date,
            file_slug: &f.file_slug,
            draft_by_place: f.draft_by_place,
            mapping: &opts.mapping,
        };
        let mapped = match post::map(parsed.fields, &facts) {
            Ok(m) => m,
            Err(e) => {
                diagnostics.push(locate(&f.rel, &text, &e.key, e.message));
                failed.add(kind);
                continue;
            }
        };
        let slug = &mapped.post.slug;
        let url = new_url(kind, slug);
        // A slug from the file name is pointed at the file's first line.
        let key = if mapped.source_slug.is_some() {
            "slug"
        } else {
            ""
        };
        let what = noun(kind);
        if let Some(&other) = slugs.get(&(kind, slug.clone())) {
            let first = &files[prepared[other].file].1.rel;
            diagnostics.push(
                locate(
                    &f.rel,
                    &text,
                    key,
                    format!(
                        "two {what}s would have the slug `{slug}` ({url}): this one and {first}, expected a different `slug` in one of them"
                    ),
                )
                .with_note(format!("{first} is imported; this {what} is not")),
            );
            failed.add(kind);
            continue;
        }
        if let Some(theirs) = target::reserved(slug).filter(|_| kind == Kind::Page) {
            diagnostics.push(locate(
                &f.rel,
                &text,
                key,
                format!(
                    "the page would be at {url}, where showpress puts {theirs}, expected a `slug` that differs"
                ),
            ));
            failed.add(kind);
            continue;
        }
        let out = write::out_path(&mapped.post, kind, f.bundle.is_some());
        // A post or page of the target site on that URL; the same file is the overwrite
        // check's.
        let existing = match kind {
            Kind::Post => &existing_posts,
            Kind::Page => &existing_pages,
        };
        if let Some(other) = existing.get(slug)
            && Path::new(other) != out
        {
            diagnostics.push(locate(
                &f.rel,
                &text,
                key,
                format!(
                    "the site in {} already has a {what} with the slug `{slug}` ({other}), expected a `slug` that differs",
                    opts.into.display(),
                ),
            ));
            failed.add(kind);
            continue;
        }
        slugs.insert((kind, slug.clone()), prepared.len());
        prepared.push(Prepared {
            file: i,
            kind,
            body: parsed.body,
            body_line: parsed.body_line,
            nulls: parsed.nulls,
            text,
            mapped,
            out,
        });
    }
    prepared
}
