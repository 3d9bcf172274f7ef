//! `showpress import jekyll|hugo|zola SRC`: reads another generator's site and writes its
//! posts and standalone pages as a showpress site (or into one), keeping every old URL as an
//! alias, and reports what it did. The source is only read. Nothing that exists is
//! overwritten. A post or page that cannot be imported is an error at its file:line:col, and
//! the others are imported anyway.
//!
//! Orchestration and the report live here; each step has its own file.

pub mod body;
pub mod cli;
pub mod frontmatter;
pub mod hugo;
pub mod jekyll;
pub mod mapping;
pub mod post;
mod prepare;
mod report;
pub mod source;
mod tags;
mod target;
pub mod urls;
pub mod write;
pub mod zola;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};

pub use mapping::Mapping;
pub use prepare::Failed;
use source::Kind;

/// The generator that made the source site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum From {
    Jekyll,
    Hugo,
    Zola,
}

pub struct Options {
    pub from: From,
    pub src: PathBuf,
    /// The showpress site to write (created when it has no `config.toml`).
    pub into: PathBuf,
    pub mapping: Mapping,
}

/// Why the source's config could not be read.
pub enum ConfigError {
    At {
        rel: String,
        text: String,
        error: frontmatter::FmError,
    },
    Io(String, std::io::Error),
    Message(String),
}

impl ConfigError {
    fn into_error(self) -> Error {
        match self {
            ConfigError::At { rel, text, error } => {
                Error::Diagnostics(vec![Diagnostic::at_line_col(
                    rel,
                    &text,
                    error.line,
                    error.col,
                    1,
                    error.message,
                )])
            }
            ConfigError::Io(rel, e) => Error::Message(format!("cannot read {rel}: {e}")),
            ConfigError::Message(m) => Error::Message(m),
        }
    }
}

/// What an import did: the report for stdout and the errors for stderr.
pub struct Outcome {
    pub report: String,
    pub diagnostics: Vec<Diagnostic>,
    /// Posts and pages that could not be imported.
    pub failed: prepare::Failed,
}

pub(crate) enum Generator {
    Jekyll(jekyll::Jekyll),
    Hugo(hugo::Hugo),
    Zola(zola::Zola),
}

impl Generator {
    pub(crate) fn site(&self) -> &source::Site {
        match self {
            Generator::Jekyll(g) => &g.site,
            Generator::Hugo(g) => &g.site,
            Generator::Zola(g) => &g.site,
        }
    }

    pub(crate) fn name(&self) -> &'static str {
        match self {
            Generator::Jekyll(_) => "Jekyll",
            Generator::Hugo(_) => "Hugo",
            Generator::Zola(_) => "Zola",
        }
    }

    fn old_url(
        &self,
        kind: Kind,
        f: &source::SourceFile,
        m: &post::Mapped,
    ) -> std::result::Result<Option<String>, String> {
        match self {
            Generator::Jekyll(g) if kind == Kind::Page => g.page_url(f, m),
            Generator::Jekyll(g) => g.old_url(f, m, !m.post.draft),
            Generator::Hugo(g) => g.old_url(f, m),
            Generator::Zola(g) => g.old_url(f, m),
        }
    }
}

/// A post or page read and mapped, ready for its body to be converted and written.
pub(crate) struct Prepared {
    /// Its index in the list of files read (posts, then pages).
    pub(crate) file: usize,
    pub(crate) kind: Kind,
    pub(crate) text: String,
    pub(crate) body: String,
    pub(crate) body_line: usize,
    pub(crate) mapped: post::Mapped,
    pub(crate) nulls: Vec<String>,
    /// Relative to the target site.
    pub(crate) out: PathBuf,
}

/// The path `@/…` of a post or page written at `out` (`content/posts/…`, `content/about.md`).
fn at_path(out: &Path) -> String {
    format!(
        "@/{}",
        out.strip_prefix("content")
            .unwrap_or(out)
            .to_string_lossy()
            .replace('\\', "/")
    )
}

fn locate(rel: &str, text: &str, key: &str, message: String) -> Diagnostic {
    let (line, col) = if key.is_empty() {
        (1, 0)
    } else {
        frontmatter::key_line(text, key).unwrap_or((1, 0))
    };
    let width = text
        .lines()
        .nth(line - 1)
        .map_or(1, |l| l.chars().count().saturating_sub(col).max(1));
    Diagnostic::at_line_col(rel, text, line, col, width, message)
}

pub fn import(opts: &Options) -> Result<Outcome> {
    if !opts.src.is_dir() {
        return Err(Error::Message(format!(
            "{} is not a folder, expected the folder of a {:?} site",
            opts.src.display(),
            opts.from
        )));
    }
    // The source is only read: a target inside it (a Zola site's own folder, which has a
    // `config.toml` too) would change it.
    let src_abs = std::fs::canonicalize(&opts.src)
        .map_err(|e| Error::Message(format!("cannot read {}: {e}", opts.src.display())))?;
    let into_abs = target::nearest_existing(&opts.into);
    if into_abs.starts_with(&src_abs) {
        return Err(Error::Message(format!(
            "--into {} is inside the source site {}, expected another folder: import never changes its source",
            opts.into.display(),
            opts.src.display()
        )));
    }
    let generator = match opts.from {
        From::Jekyll => jekyll::read(&opts.src).map(Generator::Jekyll),
        From::Hugo => hugo::read(&opts.src).map(Generator::Hugo),
        From::Zola => zola::read(&opts.src).map(Generator::Zola),
    }
    .map_err(ConfigError::into_error)?;
    let site = generator.site();
    let mut diagnostics = Vec::new();
    let mut failed = prepare::Failed::default();

    // 1. Read and map every post and page.
    let files: Vec<(Kind, &source::SourceFile)> = (site.posts.iter().map(|f| (Kind::Post, f)))
        .chain(site.pages.iter().map(|f| (Kind::Page, f)))
        .collect();
    let mut prepared = prepare::prepare(&files, site, opts, &mut diagnostics, &mut failed);

    // 2. Old URLs, and what links between posts and pages resolve to.
    let mut by_name: HashMap<String, String> = HashMap::new();
    let mut old_to_new: HashMap<String, String> = HashMap::new();
    let mut url_notes: Vec<(String, String)> = Vec::new();
    for p in &mut prepared {
        let f = files[p.file].1;
        let at = at_path(&p.out);
        let in_content = f.rel.strip_prefix("content/").unwrap_or(&f.rel).to_string();
        for key in [
            f.rel.clone(),
            in_content.clone(),
            f.stem.clone(),
            in_content.trim_end_matches(".md").to_string(),
        ] {
            by_name.entry(key).or_insert_with(|| at.clone());
        }
        if let Some(dir) = in_content.strip_suffix("/index.md") {
            by_name.entry(dir.to_string()).or_insert_with(|| at.clone());
        }
        let new_url = prepare::new_url(p.kind, &p.mapped.post.slug);
        let mut olds = Vec::new();
        match generator.old_url(p.kind, f, &p.mapped) {
            Ok(Some(u)) => olds.push(urls::site_path(&u, &site.base_path)),
            Ok(None) => {}
            Err(why) => url_notes.push((f.rel.clone(), why)),
        }
        for a in std::mem::take(&mut p.mapped.post.aliases) {
            olds.push(urls::site_path(
                &format!("/{}", a.trim_start_matches('/')),
                &site.base_path,
            ));
        }
        for old in olds {
            if !urls::same_url(&old, &new_url) && !p.mapped.post.aliases.contains(&old) {
                old_to_new.insert(old.clone(), new_url.clone());
                p.mapped.post.aliases.push(old);
            }
        }
    }
    let resolve = |t: body::Target| -> Option<String> {
        let name = match t {
            body::Target::PostUrl(n) | body::Target::File(n) => n.trim().trim_start_matches('/'),
        };
        let name = name.trim_matches(['"', '\'']);
        by_name
            .get(name)
            .or_else(|| by_name.get(name.trim_end_matches('/')))
            .or_else(|| by_name.get(&format!("content/{name}")))
            .cloned()
    };

    // 3. Bodies, files to copy, and the checks that nothing is overwritten.
    let mut report = report::Report::default();
    let into = &opts.into;
    let mut writes: Vec<(PathBuf, String)> = Vec::new();
    let mut copies: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    for p in &mut prepared {
        let f = files[p.file].1;
        target::check_image(p, f, site, &mut copies);
        let ctx = body::Ctx {
            dialect: site.dialect,
            first_line: p.body_line,
            resolve: &resolve,
        };
        let mut conv = body::convert(&p.body, &ctx);
        for (line, path) in body::root_paths(&conv.text, p.body_line) {
            let decoded = percent_encoding::percent_decode_str(&path)
                .decode_utf8_lossy()
                .into_owned();
            let under_base = urls::site_path(&decoded, &site.base_path);
            if let Some(new) = old_to_new.get(&under_base) {
                conv.text = conv
                    .text
                    .replace(&format!("]({path})"), &format!("]({new})"));
                conv.text = conv
                    .text
                    .replace(&format!("href=\"{path}\""), &format!("href=\"{new}\""));
                conv.converted
                    .push("link to an old post URL → its new URL".into());
                continue;
            }
            let file = site.static_dir.join(under_base.trim_start_matches('/'));
            if file.is_file() {
                copies.insert(
                    PathBuf::from("static").join(under_base.trim_start_matches('/')),
                    file,
                );
            } else {
                conv.issues.push((
                    line,
                    format!("`{path}` is not a file of the source site: the link will be broken"),
                ));
            }
        }
        if let Some(dir) = &f.bundle {
            let out_dir = p.out.parent().map(Path::to_path_buf).unwrap_or_default();
            for e in walkdir::WalkDir::new(dir)
                .into_iter()
                .filter_map(std::result::Result::ok)
            {
                let is_md = e.path().extension().is_some_and(|x| x == "md");
                if e.file_type().is_file() && !is_md {
                    let rel = e.path().strip_prefix(dir).unwrap_or(e.path());
                    copies.insert(out_dir.join(rel), e.path().to_path_buf());
                }
            }
        }
        if into.join(&p.out).exists() {
            diagnostics.push(Diagnostic::file(
                &f.rel,
                format!("{} already exists in {}, expected a target that does not exist: import never overwrites", p.out.display(), into.display()),
            ));
            failed.add(p.kind);
            continue;
        }
        let mut text = write::front_matter(&p.mapped.post);
        text.push_str(&conv.text);
        writes.push((p.out.clone(), text));
        report.add(f, p, conv);
    }
    for (rel, why) in url_notes {
        report
            .issues
            .push(format!("{rel}: old URL unknown, no alias written: {why}"));
    }

    // 4. Write: the config of a new site, the posts, the files.
    let new_site = !into.join("config.toml").exists();
    if new_site {
        let base = if site.base_url.is_empty() {
            report.issues.push("config.toml: the source names no site URL; base_url is https://example.com/, set it".into());
            "https://example.com/".to_string()
        } else {
            site.base_url.clone()
        };
        let title = if site.title.is_empty() {
            "블로그"
        } else {
            &site.title
        };
        let tz = site.timezone_known.then(|| site.timezone.name());
        let cfg = write::config(title, &site.description, &base, &site.language, tz);
        write::create(&into.join("config.toml"), cfg.as_bytes()).map_err(|e| {
            Error::Message(format!(
                "cannot write {}: {e}",
                into.join("config.toml").display()
            ))
        })?;
    }
    for (rel, text) in &writes {
        write::create(&into.join(rel), text.as_bytes()).map_err(|e| {
            Error::Message(format!("cannot write {}: {e}", into.join(rel).display()))
        })?;
    }
    for (to, from) in &copies {
        match write::copy(from, &into.join(to)) {
            Ok(true) => report.copied.push(to.to_string_lossy().replace('\\', "/")),
            Ok(false) => {}
            Err(e) => report.issues.push(format!(
                "{}: not copied to {}: {e}",
                source::rel(&opts.src, from),
                to.display()
            )),
        }
    }
    let text = report.render(&generator, opts, new_site, failed);
    Ok(Outcome {
        report: text,
        diagnostics,
        failed,
    })
}
