//! Links between content files: `[text](@/posts/2025/a.md#anchor)` (a path under `content/`)
//! or a relative `../about.md`. Markdown leaves a token in the `href`; once every page's URL
//! and heading ids are known, this module puts the URL in, or reports the link as broken at
//! its file, line and column.

use std::sync::Arc;

use rayon::prelude::*;

use super::Site;
use crate::diagnostic::Diagnostic;
use crate::fingerprint::{self, FastMap};
use crate::markdown::tokens::{Resolution, substitute, substitute_images};
use crate::markdown::{LinkKind, Rendered};
use crate::urls::{self, Linker};

/// Content-relative path (`posts/2025/a.md`) → (URL path, ids a link may point at).
type Targets<'a> = FastMap<&'a str, (Published<'a>, &'a [String])>;

/// What a content file is published as; its URL is made only when something links to it
/// (making all 10k posts' URLs up front, for the few hundred linked, cost every build).
#[derive(Clone, Copy)]
enum Published<'a> {
    Post(&'a str),
    Page(&'a [String]),
    Show(&'a str),
    Guest(&'a str),
}

impl Published<'_> {
    fn url_path(self) -> String {
        match self {
            Published::Post(slug) => urls::post(slug),
            Published::Page(segments) => urls::page(segments),
            Published::Show(slug) => urls::show(slug),
            Published::Guest(slug) => urls::guest(slug),
        }
    }
}

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

/// What links in bodies resolve against.
struct Ctx<'a> {
    targets: Targets<'a>,
    /// Bundle files by content-relative path: (published path, image header).
    files: FastMap<&'a str, (&'a str, Option<&'a crate::assets::Probe>)>,
    unparsed: &'a crate::fingerprint::FastSet<String>,
    link: Linker,
    images: &'a crate::config::ImageOptions,
    static_images: &'a FastMap<String, crate::assets::StaticImage>,
    /// The path of `base_url`: `/`, or `/blog/` for a site under a sub-path.
    base_path: &'a str,
}

/// Images of `static/` a body shows, and its resolved URLs.
type Resolved = (Rendered, Vec<String>, Vec<String>);

/// `%EC%B0%A8.png` → `차.png`: Markdown destinations may be written percent-encoded (kept as
/// written when the bytes are not UTF-8).
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map_or_else(|_| s.to_string(), |d| d.into_owned())
}

/// What a missing bundle file is called in an error, with what to do about it.
fn missing_file(file: &str, path: &str, what: &str, shown: &str) -> String {
    if file.ends_with("/index.md") {
        format!(
            "broken {what} `{shown}`: no file `content/{path}` in this page's bundle, expected the file beside its index.md (files of other bundles are linked with `../`)"
        )
    } else {
        format!(
            "broken {what} `{shown}`: no file `content/{path}`; a post's or page's files go in its bundle, a folder with the text as `index.md` and the files beside it (`{}/index.md`)",
            file.trim_end_matches(".md")
        )
    }
}

/// The resolved body (with the images of `static/` it shows), or `None` when it has no
/// internal links.
fn resolve_body(
    file: &str,
    body: &Rendered,
    ctx: &Ctx,
    errors: &mut Vec<Diagnostic>,
) -> Option<Resolved> {
    if body.links.is_empty() {
        return None;
    }
    let Ctx {
        targets,
        unparsed,
        link,
        ..
    } = ctx;
    let mut urls_out = Vec::with_capacity(body.links.len());
    let mut pictures: Vec<(usize, String, String)> = Vec::new();
    let mut static_shown = Vec::new();
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
        if let LinkKind::Image { alt, title } = &l.kind {
            let first = !pictures.iter().any(|(_, body, _)| !body.is_empty());
            // `src` is the URL of the original as it goes into the page (for an image
            // showpress does not know); `dir` and `name` where it and its variants are.
            let show =
                |src: String, dir: &str, name: &str, probe: Option<&crate::assets::Probe>| {
                    let dir_url = link.url(dir);
                    let html = |eager: bool| {
                        let shown = crate::assets::images::Shown {
                            dir_url: &dir_url,
                            name,
                            alt,
                            title,
                            eager,
                        };
                        match probe {
                            Some(p) => crate::assets::images::markup(&shown, p, ctx.images),
                            None => crate::assets::images::plain(&src, &shown),
                        }
                    };
                    (html(first), html(false))
                };
            let target = percent_decode(l.target.split('?').next().unwrap_or(""));
            let under_site = target.strip_prefix(ctx.base_path);
            let (in_body, in_summary) = if target.starts_with('/') {
                // A path from the root: an image of `static/` gets variants; anything else
                // (not under the site's base path, or not an image) is left as written.
                let found = under_site.and_then(|rel| Some((rel, ctx.static_images.get(rel)?)));
                match found {
                    Some((rel, img)) => {
                        static_shown.push(rel.to_string());
                        let (dir, name) = crate::assets::images::split_dir(rel);
                        show(String::new(), dir, name, Some(&img.probe))
                    }
                    None => show(l.target.clone(), "", "", None),
                }
            } else {
                let Some(path) = normalise(file, &target) else {
                    errors.push(at(format!(
                        "broken image `{shown}`: it climbs out of `content/`, expected a file beside the page's index.md"
                    )));
                    pictures.push((n, String::new(), String::new()));
                    urls_out.push(String::new());
                    continue;
                };
                match ctx.files.get(path.as_str()) {
                    Some((published, probe)) => {
                        let (dir, name) = crate::assets::images::split_dir(published);
                        show(link.url(published), dir, name, *probe)
                    }
                    None => {
                        errors.push(at(missing_file(file, &path, "image", &shown)));
                        (String::new(), String::new())
                    }
                }
            };
            pictures.push((n, in_body, in_summary));
            urls_out.push(String::new());
            continue;
        }
        if l.kind == LinkKind::File {
            let target = percent_decode(l.target.split('?').next().unwrap_or(""));
            let found = normalise(file, &target).map(|p| (ctx.files.get(p.as_str()).copied(), p));
            match found {
                Some((Some((published, _)), _)) => {
                    let mut url = link.url(published);
                    if let Some(a) = &l.anchor {
                        url.push('#');
                        url.push_str(a);
                    }
                    urls_out.push(url);
                }
                Some((None, path)) => {
                    errors.push(at(missing_file(file, &path, "link", &shown)));
                    urls_out.push(String::new());
                }
                None => {
                    errors.push(at(format!(
                        "broken link `{shown}`: it climbs out of `content/`, expected a file beside the page's index.md"
                    )));
                    urls_out.push(String::new());
                }
            }
            continue;
        }
        let Some(path) = normalise(file, &l.target) else {
            errors.push(at(format!(
                "broken link `{shown}`: it climbs out of `content/`, expected a path under content/ such as `@/posts/2025/a.md`"
            )));
            urls_out.push(String::new());
            continue;
        };
        let Some((page, ids)) = targets.get(path.as_str()) else {
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
        let mut url = link.url(&page.url_path());
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
    if let Some(s) = &r.summary {
        r.summary = Some(substitute(s, &urls_out));
    }
    let mut images = Vec::new();
    if !pictures.is_empty() {
        let summary_html: FastMap<usize, &str> =
            pictures.iter().map(|(n, _, s)| (*n, s.as_str())).collect();
        if let Some(s) = &r.summary {
            r.summary = Some(substitute_images(s, &summary_html));
        }
        images = pictures.iter().map(|(n, b, _)| (*n, b.clone())).collect();
    }
    // The body's HTML is made when a page first reads it: most rebuilds render a few pages,
    // and the bodies of the others stay undecoded in the build cache's bytes.
    r.resolve_later(Resolution {
        urls: urls_out.clone(),
        images,
    });
    // The markup is what the page shows (sizes included): part of its fingerprint.
    urls_out.extend(pictures.into_iter().map(|(_, b, _)| b));
    r.links.clear();
    Some((r, urls_out, static_shown))
}

/// Resolves every internal link in the site's posts, pages and profiles.
pub fn resolve(site: &mut Site) -> Result<(), Vec<Diagnostic>> {
    let link = Linker::new(&site.config.base_url, site.config.base_path());
    let mut targets: Targets = FastMap::default();
    targets.reserve(site.posts.len() + site.pages.len());
    for p in &site.posts {
        targets.insert(
            content_rel(&p.file),
            (Published::Post(&p.slug), &p.body.ids),
        );
    }
    for p in &site.pages {
        targets.insert(
            content_rel(&p.file),
            (Published::Page(&p.segments), &p.body.ids),
        );
    }
    for s in &site.shows {
        if let Some(p) = &s.profile {
            targets.insert(
                content_rel(&p.file),
                (Published::Show(&s.slug), &p.body.ids),
            );
        }
    }
    for g in &site.guests {
        if let Some(p) = &g.profile {
            targets.insert(
                content_rel(&p.file),
                (Published::Guest(&g.slug), &p.body.ids),
            );
        }
    }

    let files = site
        .files
        .assets
        .iter()
        .map(|(a, path)| (content_rel(&a.file), (path.as_str(), a.image.as_ref())))
        .collect();
    let ctx = Ctx {
        targets,
        files,
        unparsed: &site.unparsed,
        link,
        images: &site.config.images,
        static_images: &site.files.static_images,
        base_path: site.config.base_path(),
    };
    let mut errors = Vec::new();
    let mut static_shown = Vec::new();
    let mut shown = |(r, u, s): Resolved| {
        static_shown.extend(s);
        (r, u)
    };
    // Posts on all threads: at 10k posts, ~2k with links or images, resolving them one
    // after the other was ~25 ms of every rebuild. Errors and shown images are gathered in
    // post order afterwards, as the serial loop had them.
    let resolved: Vec<(Option<Resolved>, Vec<Diagnostic>)> = site
        .posts
        .par_iter()
        .map(|p| {
            let mut errors = Vec::new();
            (resolve_body(&p.file, &p.body, &ctx, &mut errors), errors)
        })
        .collect();
    let mut posts: Vec<Option<(Rendered, Vec<String>)>> = Vec::with_capacity(resolved.len());
    for (r, e) in resolved {
        errors.extend(e);
        posts.push(r.map(&mut shown));
    }
    let pages: Vec<(usize, Rendered, Vec<String>)> = site
        .pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            resolve_body(&p.file, &p.body, &ctx, &mut errors)
                .map(&mut shown)
                .map(|(r, u)| (i, r, u))
        })
        .collect();
    let shows: Vec<(usize, Rendered)> = site
        .shows
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let p = s.profile.as_ref()?;
            resolve_body(&p.file, &p.body, &ctx, &mut errors)
                .map(&mut shown)
                .map(|(r, _)| (i, r))
        })
        .collect();
    let guests: Vec<(usize, Rendered)> = site
        .guests
        .iter()
        .enumerate()
        .filter_map(|(i, g)| {
            let p = g.profile.as_ref()?;
            resolve_body(&p.file, &p.body, &ctx, &mut errors)
                .map(&mut shown)
                .map(|(r, _)| (i, r))
        })
        .collect();
    // A post's `image` (for `og:image`): a bundle file or an image of `static/`, published
    // 1200 pixels wide.
    let mut images: Vec<(usize, String, String)> = Vec::new();
    for (i, p) in site.posts.iter().enumerate() {
        let Some(img) = p.image.as_deref() else {
            continue;
        };
        if img.contains("://") || img.starts_with("//") {
            continue;
        }
        let target = percent_decode(img);
        let (source, published, probe) = if let Some(rel) = target.strip_prefix('/') {
            match ctx.static_images.get(rel) {
                Some(s) => (format!("static/{rel}"), rel.to_string(), Some(&s.probe)),
                None => continue,
            }
        } else {
            let found = normalise(&p.file, &target)
                .and_then(|path| ctx.files.get(path.as_str()).map(|f| (path, *f)));
            match found {
                Some((path, (published, probe))) => {
                    (format!("content/{path}"), published.to_string(), probe)
                }
                None => {
                    errors.push(Diagnostic::file(
                        &p.file,
                        format!(
                            "`image = \"{img}\"`: no such file beside this post, expected a file of its bundle (`chart.png` next to its index.md), a path under static/ (`/images/x.jpg`) or a URL"
                        ),
                    ));
                    continue;
                }
            }
        };
        let (dir, name) = crate::assets::images::split_dir(&published);
        let url = match probe.and_then(|pr| crate::assets::images::share_variant(name, pr)) {
            Some(v) => format!("/{dir}{}", v.name),
            None => format!("/{published}"),
        };
        images.push((i, source, url));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // The resolved URLs are part of what the page shows: fold them into its fingerprints so
    // `serve` re-renders a page when a page it links to moves.
    site.files.static_shown = static_shown.into_iter().collect();
    for (i, source, url) in images {
        site.files.shared.insert(source);
        let mut p = (*site.posts[i]).clone();
        // Which file it is (a variant or the original) depends on the image's size.
        p.hash = fingerprint::of(&(p.hash, &url));
        p.card_hash = fingerprint::of(&(p.card_hash, &url));
        p.image = Some(url);
        site.posts[i] = Arc::new(p);
    }
    site.posts
        .par_iter_mut()
        .zip(posts)
        .for_each(|(post, resolved)| {
            let Some((body, resolved)) = resolved else {
                return;
            };
            let mut p = (**post).clone();
            p.body = body;
            p.hash = fingerprint::of(&(p.hash, &resolved));
            p.card_hash = fingerprint::of(&(p.card_hash, &resolved));
            *post = Arc::new(p);
        });
    for (i, body, resolved) in pages {
        let mut p = (*site.pages[i]).clone();
        p.body = body;
        p.hash = fingerprint::of(&(p.hash, &resolved));
        site.pages[i] = Arc::new(p);
    }
    for (i, body) in shows {
        if let Some(p) = &mut site.shows[i].profile {
            let mut new = (**p).clone();
            new.hash = fingerprint::of(&(new.hash, body.html()));
            new.body = body;
            *p = Arc::new(new);
        }
    }
    for (i, body) in guests {
        if let Some(p) = &mut site.guests[i].profile {
            let mut new = (**p).clone();
            new.hash = fingerprint::of(&(new.hash, body.html()));
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
