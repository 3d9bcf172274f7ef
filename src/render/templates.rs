//! Loads the Tera templates: the built-in theme compiled into the binary, overridden file by
//! file by the site's `templates/`; registers showpress's filters; turns Tera errors into
//! diagnostics that name the template file, line and column.

use std::collections::HashMap;
use std::path::Path;

use chrono::DateTime;
use tera::{ErrorKind, Kwargs, State, Tera, TeraResult};
use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};

pub const TEMPLATES_DIR: &str = "templates";

macro_rules! builtin {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../theme/templates/", $name)))),*]
    };
}

/// The default theme. Every name here can be replaced by a file of the same name in the site's
/// `templates/`.
pub const BUILTIN: &[(&str, &str)] = builtin!(
    "base.html",
    "index.html",
    "post.html",
    "shows.html",
    "show.html",
    "episode.html",
    "guests.html",
    "guest.html",
    "tags.html",
    "tag.html",
    "archive.html",
    "page.html",
    "404.html",
    "partials/post_card.html",
    "partials/pager.html",
    "partials/guests.html",
    "partials/footer.html",
);

pub struct Templates {
    pub tera: Tera,
    /// Template name → (path shown in diagnostics, source text).
    sources: HashMap<String, (String, String)>,
}

impl Templates {
    pub fn load(root: &Path, config: &Config) -> Result<Templates> {
        let mut sources: HashMap<String, (String, String)> = BUILTIN
            .iter()
            .map(|(name, src)| {
                (
                    name.to_string(),
                    (format!("<built-in>/{name}"), src.to_string()),
                )
            })
            .collect();
        let mut errors = Vec::new();
        let dir = root.join(TEMPLATES_DIR);
        if dir.is_dir() {
            for entry in WalkDir::new(&dir).follow_links(true).sort_by_file_name() {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        errors.push(Diagnostic::file(
                            TEMPLATES_DIR,
                            format!("failed to read: {e}"),
                        ));
                        continue;
                    }
                };
                if !entry.file_type().is_file()
                    || entry.file_name().to_string_lossy().starts_with('.')
                {
                    continue;
                }
                let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
                let name = rel.to_string_lossy().replace('\\', "/");
                let display = format!("{TEMPLATES_DIR}/{name}");
                let bytes = crate::fs::read(entry.path())?;
                match crate::content::decode_utf8(&display, bytes) {
                    Ok(text) => {
                        sources.insert(name, (display, text));
                    }
                    Err(Error::Diagnostics(mut d)) => errors.append(&mut d),
                    Err(e) => return Err(e),
                }
            }
        }

        // Parse each template alone first, so every file with a syntax error is reported, not
        // only the first one Tera meets.
        let mut names: Vec<&String> = sources.keys().collect();
        names.sort();
        for name in &names {
            let mut scratch = Tera::new();
            if let Err(e) = scratch.add_raw_template(name, &sources[*name].1)
                && matches!(e.kind(), ErrorKind::SyntaxError(_))
            {
                errors.push(diagnose(&e, &sources, None));
            }
        }
        if !errors.is_empty() {
            return Err(Error::Diagnostics(errors));
        }

        let mut tera = Tera::new();
        register_filters(&mut tera, config);
        tera.add_raw_templates(names.iter().map(|n| (n.as_str(), sources[*n].1.as_str())))
            .map_err(|e| Error::Diagnostics(vec![diagnose(&e, &sources, None)]))?;
        Ok(Templates { tera, sources })
    }

    /// A diagnostic for an error met while rendering the page at `page`.
    pub fn diagnose(&self, e: &tera::Error, page: &str) -> Diagnostic {
        diagnose(e, &self.sources, Some(page))
    }
}

fn diagnose(
    e: &tera::Error,
    sources: &HashMap<String, (String, String)>,
    page: Option<&str>,
) -> Diagnostic {
    let d = match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            match sources.get(r.filename()) {
                Some((display, src)) => {
                    let s = r.span();
                    let width = if s.end_line == s.start_line {
                        s.end_col.saturating_sub(s.start_col)
                    } else {
                        1
                    };
                    Diagnostic::at_line_col(
                        display.clone(),
                        src,
                        s.start_line,
                        s.start_col,
                        width,
                        r.message(),
                    )
                }
                None => Diagnostic::file(r.filename().to_string(), r.message()),
            }
        }
        ErrorKind::MissingParent { current, parent } => Diagnostic::file(
            display_name(sources, current),
            format!(
                "`{current}` extends `{parent}`, which does not exist, expected a template of that name in `templates/`"
            ),
        ),
        ErrorKind::TemplateNotFound(name) => Diagnostic::file(
            TEMPLATES_DIR,
            format!("template `{name}` not found, expected `templates/{name}`"),
        ),
        _ => Diagnostic::file(TEMPLATES_DIR, e.to_string()),
    };
    match page {
        Some(p) => d.with_note(format!("while rendering {p}")),
        None => d,
    }
}

fn display_name(sources: &HashMap<String, (String, String)>, name: &str) -> String {
    sources
        .get(name)
        .map_or_else(|| name.to_string(), |(d, _)| d.clone())
}

fn register_filters(tera: &mut Tera, config: &Config) {
    let tz = config.timezone;
    let lang = config.language.clone();
    // `{{ post.date | date }}` → `2025년 3월 25일`; `date(format="%Y.%m.%d")` for strftime.
    tera.register_filter(
        "date",
        move |value: &str, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let instant = DateTime::parse_from_rfc3339(value).map_err(|_| {
                tera::Error::message(format!(
                    "the `date` filter expects an RFC 3339 date such as `post.date`, got \"{value}\""
                ))
            })?;
            let format: Option<&str> = kwargs.get("format")?;
            Ok(crate::dates::format(&instant, tz, &lang, format))
        },
    );
    tera.register_filter("slugify", |value: &str, _: Kwargs, _: &State| -> String {
        crate::slug::slugify(value)
    });
}
