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

/// Where shortcode templates live, under the theme and the site's `templates/`.
pub const SHORTCODES_DIR: &str = "shortcodes/";

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
    "alias.html",
    "search.html",
    "partials/post_card.html",
    "partials/pager.html",
    "partials/guests.html",
    "partials/footer.html",
    "partials/feed_info.html",
    "partials/video.html",
    "shortcodes/youtube.html",
    "shortcodes/video.html",
    "shortcodes/figure.html",
    "shortcodes/quote.html",
    "atom.xml",
    "rss.xml",
    "sitemap.xml",
    "news-sitemap.xml",
    "robots.txt",
    "card.svg",
);

pub struct Templates {
    pub tera: Tera,
    /// Template name → (path shown in diagnostics, source text).
    sources: HashMap<String, (String, String)>,
    /// Template name → fingerprint of its source and of every template it extends, includes
    /// or imports, so `serve` re-renders only the pages a template change can affect.
    fingerprints: HashMap<String, u64>,
    /// Resized copies of `static/` images the templates ask for (see [`super::images`]).
    pub images: super::images::TemplateImages,
    /// Fingerprint of every shortcode template with what it includes: any page can show a
    /// shortcode, so it is part of every page's key.
    shortcodes_fp: u64,
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
        if dir.exists() && !dir.is_dir() {
            errors.push(Diagnostic::file(
                TEMPLATES_DIR,
                "`templates` is not a directory, expected a folder of Tera templates",
            ));
        }
        if dir.is_dir() {
            for entry in WalkDir::new(&dir).follow_links(true).sort_by_file_name() {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        errors.extend(crate::fs::walk_problem(root, &e));
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
                match crate::text::decode_utf8(&display, bytes) {
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
            // Templates using our filters must check out here too.
            register_filters(&mut scratch, config);
            if let Err(e) = scratch.add_raw_template(name, &sources[*name].1)
                && matches!(e.kind(), ErrorKind::SyntaxError(_))
            {
                errors.extend(diagnose(&e, &sources, None));
            }
        }
        if !errors.is_empty() {
            return Err(Error::Diagnostics(errors));
        }

        let mut tera = Tera::new();
        // `card.svg` is XML too: its text must be escaped like the pages'.
        tera.autoescape_on(vec![".html", ".htm", ".xml", ".svg"]);
        register_filters(&mut tera, config);
        let images =
            super::images::TemplateImages::scan(names.iter().map(|n| sources[*n].1.as_str()));
        images.register(
            &mut tera,
            &config.images,
            crate::urls::Linker::new(&config.base_url, config.base_path()),
        );
        tera.add_raw_templates(names.iter().map(|n| (n.as_str(), sources[*n].1.as_str())))
            .map_err(|e| Error::Diagnostics(diagnose(&e, &sources, None)))?;
        let fingerprints: HashMap<String, u64> = sources
            .keys()
            .map(|name| (name.clone(), closure_fingerprint(name, &sources)))
            .collect();
        let mut shortcodes: Vec<(&String, &u64)> = fingerprints
            .iter()
            .filter(|(n, _)| n.starts_with(SHORTCODES_DIR))
            .collect();
        shortcodes.sort();
        let shortcodes_fp = crate::fingerprint::of(&shortcodes);
        Ok(Templates {
            tera,
            sources,
            fingerprints,
            images,
            shortcodes_fp,
        })
    }

    /// Names of the shortcodes there are templates for (`shortcodes/NAME.html`), sorted.
    pub fn shortcode_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .sources
            .keys()
            .filter_map(|n| n.strip_prefix(SHORTCODES_DIR)?.strip_suffix(".html"))
            .collect();
        names.sort_unstable();
        names
    }

    /// Where a template spells out a link: `whole` as an entire quoted attribute value
    /// (`"/about/"`), or `tail` right after an expression (`{{ site.url }}about/"`). Gives
    /// (the path shown, the source, the byte range); the site's own templates are searched
    /// first, then the built-in ones it does not replace.
    pub fn find_spelled(
        &self,
        whole: &[&str],
        tail: &str,
    ) -> Option<(String, &str, std::ops::Range<usize>)> {
        let mut all: Vec<(&String, &(String, String))> = self.sources.iter().collect();
        all.sort_by_key(|(name, (shown, _))| (shown.starts_with("<built-in>"), *name));
        for (_, (shown, text)) in all {
            for w in whole.iter().filter(|w| !w.is_empty()) {
                for q in ['"', '\''] {
                    if let Some(i) = text.find(&format!("{q}{w}{q}")) {
                        return Some((shown.clone(), text, i + 1..i + 1 + w.len()));
                    }
                }
            }
            if !tail.is_empty() {
                for q in ['"', '\''] {
                    if let Some(i) = text.find(&format!("}}}}{tail}{q}")) {
                        let start = text[..i].rfind("{{").unwrap_or(i);
                        return Some((shown.clone(), text, start..i + 2 + tail.len()));
                    }
                }
            }
        }
        None
    }

    /// Whether the site's own `templates/` replaces or adds this template.
    pub fn is_user_template(&self, name: &str) -> bool {
        self.sources
            .get(name)
            .is_some_and(|(shown, _)| !shown.starts_with("<built-in>"))
    }

    /// The fingerprint of `name`'s source and of what it extends, includes or imports, and
    /// nothing else (0 for an unknown name): for output that is not a page (`card.svg`).
    pub fn source_fingerprint(&self, name: &str) -> u64 {
        self.fingerprints.get(name).copied().unwrap_or(0)
    }

    /// The fingerprint of `name` and everything it uses (0 for an unknown name).
    pub fn fingerprint(&self, name: &str) -> u64 {
        let own = crate::fingerprint::of(&(self.source_fingerprint(name), self.shortcodes_fp));
        match self.images.requests.is_empty() {
            true => own,
            // Theme images can be shown by any template: their sizes are part of every key.
            false => crate::fingerprint::of(&(own, self.images.fingerprint())),
        }
    }

    /// The path a template is shown as in diagnostics (`templates/card.svg`, `<built-in>/…`).
    pub fn display_name(&self, name: &str) -> String {
        display_name(&self.sources, name)
    }

    /// Diagnostics for an error met while rendering the page at `page`.
    pub fn diagnose(&self, e: &tera::Error, page: &str) -> Vec<Diagnostic> {
        diagnose(e, &self.sources, Some(page))
    }
}

/// Tera reports some problems (an unknown filter, function or test; an include of a missing
/// template) as plain text holding its own `error: …` / `--> name:line:col` reports. Read them
/// back into diagnostics with our paths, one per report.
fn reports_in_text(text: &str, sources: &HashMap<String, (String, String)>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(message) = line.trim_start().strip_prefix("error: ") else {
            continue;
        };
        let message = message.trim_start_matches("error: ");
        let Some(locus) = lines
            .get(i + 1)
            .and_then(|l| l.trim_start().strip_prefix("--> "))
        else {
            continue;
        };
        let mut parts = locus.rsplitn(3, ':');
        let (Some(col), Some(line_no), Some(name)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let (Ok(col), Ok(line_no)) = (col.parse::<usize>(), line_no.parse::<usize>()) else {
            continue;
        };
        let width = lines
            .get(i + 4)
            .map_or(1, |l| l.matches('^').count().max(1));
        let d = match sources.get(name) {
            Some((display, src)) => Diagnostic::at_line_col(
                display.clone(),
                src,
                line_no,
                col.saturating_sub(1),
                width,
                message,
            ),
            None => Diagnostic::file(format!("{TEMPLATES_DIR}/{name}"), message),
        };
        out.push(d);
    }
    out
}

/// One diagnostic for an error Tera reports with a kind of its own.
fn single(e: &tera::Error, sources: &HashMap<String, (String, String)>) -> Diagnostic {
    let chain = |c: &[String]| c.join(" → ");
    match e.kind() {
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
        ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => Diagnostic::file(
            display_name(sources, tpl),
            format!(
                "`{tpl}` extends itself ({}), expected a chain of `extends` that ends in a template without one",
                chain(inheritance_chain)
            ),
        ),
        ErrorKind::CircularInclude { tpl, include_chain } => Diagnostic::file(
            display_name(sources, tpl),
            format!(
                "`{tpl}` includes itself ({}), expected includes that do not come back to it",
                chain(include_chain)
            ),
        ),
        _ => Diagnostic::file(TEMPLATES_DIR, e.to_string()),
    }
}

fn diagnose(
    e: &tera::Error,
    sources: &HashMap<String, (String, String)>,
    page: Option<&str>,
) -> Vec<Diagnostic> {
    let ds = match e.kind() {
        ErrorKind::Msg(text) => {
            let found = reports_in_text(text, sources);
            if found.is_empty() {
                vec![Diagnostic::file(TEMPLATES_DIR, text.clone())]
            } else {
                found
            }
        }
        _ => vec![single(e, sources)],
    };
    match page {
        Some(p) => ds
            .into_iter()
            .map(|d| d.with_note(format!("while rendering {p}")))
            .collect(),
        None => ds,
    }
}

/// Names a template refers to with `extends`, `include` or `import`: every quoted string in
/// such a tag. A cheap scan rather than Tera's parser, erring on the side of listing too much.
fn dependencies(source: &str) -> Vec<&str> {
    let mut deps = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find("{%") {
        let tag = &rest[start + 2..];
        let end = tag.find("%}").unwrap_or(tag.len());
        let body = tag[..end].trim_start_matches('-').trim();
        if ["extends", "include", "import"]
            .iter()
            .any(|k| body.starts_with(k))
        {
            let mut s = body;
            while let Some(q) = s.find(['"', '\'']) {
                let quote = s.as_bytes()[q] as char;
                let after = &s[q + 1..];
                let Some(close) = after.find(quote) else {
                    break;
                };
                deps.push(&after[..close]);
                s = &after[close + 1..];
            }
        }
        rest = &tag[end..];
    }
    deps
}

fn closure_fingerprint(name: &str, sources: &HashMap<String, (String, String)>) -> u64 {
    let mut seen = std::collections::BTreeSet::new();
    let mut stack = vec![name];
    while let Some(n) = stack.pop() {
        if let Some((_, src)) = sources.get(n)
            && seen.insert(n)
        {
            stack.extend(dependencies(src));
        }
    }
    let parts: Vec<(&str, &str)> = seen.iter().map(|n| (*n, sources[*n].1.as_str())).collect();
    crate::fingerprint::of(&parts)
}

/// `href="/x"` → `href="https://host/x"` (and `src`), leaving `//host` and other URLs alone.
pub fn absolute_urls(html: &str, origin: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(i) = rest.find("=\"/") {
        let attr_start = rest[..i]
            .rfind(|c: char| c.is_whitespace())
            .map_or(0, |p| p + 1);
        let attr = &rest[attr_start..i];
        out.push_str(&rest[..i + 2]);
        let after = &rest[i + 2..];
        if (attr.eq_ignore_ascii_case("href") || attr.eq_ignore_ascii_case("src"))
            && !after.starts_with("//")
        {
            out.push_str(origin);
        }
        rest = after;
    }
    out.push_str(rest);
    out
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
    // Feed readers show entries away from the site: make root-relative links and images in
    // rendered HTML absolute. Only `href="/` and `src="/` (not `//host`) are touched.
    let origin = config.base_url[..config.base_url.len() - config.base_path().len()].to_string();
    tera.register_filter(
        "absolute_urls",
        move |value: &str, _: Kwargs, _: &State| -> tera::Value {
            tera::Value::safe_string(&absolute_urls(value, &origin))
        },
    );
    // Feeds carry HTML as text (`<summary type="html">`): escape the whole rendered HTML once,
    // including parts marked safe, and mark the result safe so autoescaping leaves it alone.
    tera.register_filter(
        "html_as_text",
        |value: &str, _: Kwargs, _: &State| -> tera::Value {
            tera::Value::safe_string(&crate::text::escape_html(value))
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_urls_only_for_root_relative_links() {
        assert_eq!(
            absolute_urls(
                r#"<a href="/blog/p/">x</a><img src="/i.png" alt="a=/b"><a href="//cdn/x">y</a><a href="https://o/">z</a>"#,
                "https://ex.com"
            ),
            r#"<a href="https://ex.com/blog/p/">x</a><img src="https://ex.com/i.png" alt="a=/b"><a href="//cdn/x">y</a><a href="https://o/">z</a>"#
        );
    }

    #[test]
    fn finds_extends_include_and_import() {
        let src = "{% extends \"base.html\" %}{%- include 'partials/a.html' -%}{% if x %}\"no\"{% endif %}{% import \"m.html\" as m %}";
        assert_eq!(
            dependencies(src),
            vec!["base.html", "partials/a.html", "m.html"]
        );
    }

    #[test]
    fn a_partial_change_reaches_the_pages_that_include_it_only() {
        let mut sources: HashMap<String, (String, String)> = BUILTIN
            .iter()
            .map(|(n, s)| (n.to_string(), (n.to_string(), s.to_string())))
            .collect();
        let before: Vec<u64> = ["post.html", "tags.html"]
            .iter()
            .map(|n| closure_fingerprint(n, &sources))
            .collect();
        sources
            .get_mut("partials/post_card.html")
            .unwrap()
            .1
            .push_str("<!-- changed -->");
        // tag.html lists post cards; tags.html does not.
        assert_eq!(closure_fingerprint("tags.html", &sources), before[1]);
        assert_ne!(
            closure_fingerprint("tag.html", &sources),
            closure_fingerprint(
                "tag.html",
                &BUILTIN
                    .iter()
                    .map(|(n, s)| (n.to_string(), (n.to_string(), s.to_string())))
                    .collect()
            )
        );
        assert_eq!(closure_fingerprint("post.html", &sources), before[0]);
    }
}
