//! Links between content files: `[text](@/posts/2025/a.md#anchor)` (a path under `content/`)
//! or a relative `../about.md`. Markdown leaves a token in the `href`; once every page's URL
//! and heading ids are known, this module puts the URL in, or reports the link as broken at
//! its file, line and column.

use std::sync::Arc;

use super::Site;
use crate::diagnostic::Diagnostic;
use crate::fingerprint::{self, FastMap};
use crate::markdown::{Rendered, link_token};
use crate::urls::{self, Linker};

/// Content-relative path (`posts/2025/a.md`) → (URL path, ids a link may point at).
type Targets<'a> = FastMap<String, (String, &'a [String])>;

fn content_rel(file: &str) -> &str {
    file.strip_prefix("content/").unwrap_or(file)
}

/// `@/x` → `x`; `../about.md` from `posts/2025/a.md` → `about.md`. `None` when `..` climbs
/// out of `content/`.
fn normalise(from_file: &str, target: &str) -> Option<String> {
    let joined = match target.strip_prefix("@/") {
        Some(abs) => abs.to_string(),
        None => {
            let dir = content_rel(from_file)
                .rsplit_once('/')
                .map_or("", |(d, _)| d);
            if dir.is_empty() {
                target.to_string()
            } else {
                format!("{dir}/{target}")
            }
        }
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// The resolved body, or `None` when it has no internal links.
fn resolve_body(
    file: &str,
    body: &Rendered,
    targets: &Targets,
    unparsed: &crate::fingerprint::FastSet<String>,
    link: &Linker,
    errors: &mut Vec<Diagnostic>,
) -> Option<(Rendered, Vec<String>)> {
    if body.links.is_empty() {
        return None;
    }
    let mut urls_out = Vec::with_capacity(body.links.len());
    for (n, l) in body.links.iter().enumerate() {
        let at = |message: String| {
            let mut d = Diagnostic::file(file, message);
            d.location = body.link_locations.get(n).cloned();
            d
        };
        let shown = match &l.anchor {
            Some(a) => format!("{}#{a}", l.target),
            None => l.target.clone(),
        };
        let Some(path) = normalise(file, &l.target) else {
            errors.push(at(format!(
                "broken link `{shown}`: it climbs out of `content/`, expected a path under content/ such as `@/posts/2025/a.md`"
            )));
            urls_out.push(String::new());
            continue;
        };
        let Some((url_path, ids)) = targets.get(&path) else {
            if unparsed.contains(&format!("content/{path}")) {
                urls_out.push(String::new());
                continue;
            }
            errors.push(at(format!(
                "broken link `{shown}`: no page is made from `content/{path}` (no such file, or a draft), expected a path under content/ such as `@/posts/2025/a.md`"
            )));
            urls_out.push(String::new());
            continue;
        };
        let mut url = link.url(url_path);
        if let Some(a) = &l.anchor {
            if !ids.iter().any(|id| id == a) {
                errors.push(at(format!(
                    "broken link `{shown}`: `content/{path}` has no heading or footnote with the id `{a}`"
                )));
            }
            url.push('#');
            url.push_str(a);
        }
        urls_out.push(url);
    }
    let mut r = body.clone();
    r.html = substitute(&r.html, &urls_out);
    if let Some(s) = &r.summary {
        r.summary = Some(substitute(s, &urls_out));
    }
    r.links.clear();
    Some((r, urls_out))
}

/// Replaces every `"<link_token(n)>"` with the quoted, escaped `urls[n]`, in one pass (a post
/// with thousands of links stays linear).
fn substitute(html: &str, urls: &[String]) -> String {
    let prefix = format!("\"{}", link_token(0).trim_end_matches('0'));
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(&prefix) {
        out.push_str(&rest[..i]);
        let after = &rest[i + prefix.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let n = after[..digits].parse::<usize>().ok();
        match (n, after[digits..].starts_with('"')) {
            (Some(n), true) if n < urls.len() => {
                out.push('"');
                out.push_str(&crate::text::escape_html(&urls[n]));
                out.push('"');
                rest = &after[digits + 1..];
            }
            _ => {
                out.push_str(&prefix);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Resolves every internal link in the site's posts, pages and profiles.
pub fn resolve(site: &mut Site) -> Result<(), Vec<Diagnostic>> {
    let link = Linker::new(&site.config.base_url, site.config.base_path());
    let mut targets: Targets = FastMap::default();
    for p in &site.posts {
        targets.insert(
            content_rel(&p.file).to_string(),
            (urls::post(&p.slug), &p.body.ids),
        );
    }
    for p in &site.pages {
        targets.insert(
            content_rel(&p.file).to_string(),
            (urls::page(&p.segments), &p.body.ids),
        );
    }
    for s in &site.shows {
        if let Some(p) = &s.profile {
            targets.insert(
                content_rel(&p.file).to_string(),
                (urls::show(&s.slug), &p.body.ids),
            );
        }
    }
    for g in &site.guests {
        if let Some(p) = &g.profile {
            targets.insert(
                content_rel(&p.file).to_string(),
                (urls::guest(&g.slug), &p.body.ids),
            );
        }
    }

    let mut errors = Vec::new();
    let unparsed = &site.unparsed;
    let posts: Vec<(usize, Rendered, Vec<String>)> = site
        .posts
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            resolve_body(&p.file, &p.body, &targets, unparsed, &link, &mut errors)
                .map(|(r, u)| (i, r, u))
        })
        .collect();
    let pages: Vec<(usize, Rendered, Vec<String>)> = site
        .pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            resolve_body(&p.file, &p.body, &targets, unparsed, &link, &mut errors)
                .map(|(r, u)| (i, r, u))
        })
        .collect();
    let shows: Vec<(usize, Rendered)> = site
        .shows
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let p = s.profile.as_ref()?;
            resolve_body(&p.file, &p.body, &targets, unparsed, &link, &mut errors)
                .map(|(r, _)| (i, r))
        })
        .collect();
    let guests: Vec<(usize, Rendered)> = site
        .guests
        .iter()
        .enumerate()
        .filter_map(|(i, g)| {
            let p = g.profile.as_ref()?;
            resolve_body(&p.file, &p.body, &targets, unparsed, &link, &mut errors)
                .map(|(r, _)| (i, r))
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    // The resolved URLs are part of what the page shows: fold them into its fingerprints so
    // `serve` re-renders a page when a page it links to moves.
    for (i, body, resolved) in posts {
        let mut p = (*site.posts[i]).clone();
        p.body = body;
        p.hash = fingerprint::of(&(p.hash, &resolved));
        p.card_hash = fingerprint::of(&(p.card_hash, &resolved));
        site.posts[i] = Arc::new(p);
    }
    for (i, body, resolved) in pages {
        let mut p = (*site.pages[i]).clone();
        p.body = body;
        p.hash = fingerprint::of(&(p.hash, &resolved));
        site.pages[i] = Arc::new(p);
    }
    for (i, body) in shows {
        if let Some(p) = &mut site.shows[i].profile {
            let mut new = (**p).clone();
            new.hash = fingerprint::of(&(new.hash, &body.html));
            new.body = body;
            *p = Arc::new(new);
        }
    }
    for (i, body) in guests {
        if let Some(p) = &mut site.guests[i].profile {
            let mut new = (**p).clone();
            new.hash = fingerprint::of(&(new.hash, &body.html));
            new.body = body;
            *p = Arc::new(new);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_replaced_in_one_pass() {
        let urls = vec!["/a/".to_string(), "/b/#x\"y".to_string()];
        assert_eq!(
            substitute(
                "<a href=\"showpress-internal-link:1\">b</a><a href=\"showpress-internal-link:0\">a</a>",
                &urls
            ),
            "<a href=\"/b/#x&quot;y\">b</a><a href=\"/a/\">a</a>"
        );
    }

    #[test]
    fn paths_from_at_and_relative_links() {
        assert_eq!(
            normalise("content/posts/2025/a.md", "@/posts/b.md").unwrap(),
            "posts/b.md"
        );
        assert_eq!(
            normalise("content/posts/2025/a.md", "b.md").unwrap(),
            "posts/2025/b.md"
        );
        assert_eq!(
            normalise("content/posts/2025/a.md", "../../about.md").unwrap(),
            "about.md"
        );
        assert_eq!(
            normalise("content/about.md", "./posts/x.md").unwrap(),
            "posts/x.md"
        );
        assert_eq!(normalise("content/about.md", "../../etc/passwd.md"), None);
    }
}
