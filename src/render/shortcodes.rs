//! Shortcodes, once templates are known: checks every call against the shortcodes there are
//! (the built-ins' arguments and types), renders each with its Tera template
//! (`templates/shortcodes/NAME.html`, else the theme's) and puts the output where the call's
//! tokens are (see [`crate::shortcode`]). The result goes into [`Site::expanded`], which every
//! page showing a body reads, so a body is expanded once however many pages show it.
//!
//! Built-ins get values computed here besides their arguments: `youtube` and `video` a `video`
//! object (the same facade as a post's `video =`), `quote` the speaker's guest page, role and
//! a link to the moment, `figure` the image the pipeline made.

use rayon::prelude::*;
use tera::{Context, Value};

use super::templates::{SHORTCODES_DIR, Templates};
use super::values::obj;
use crate::diagnostic::Diagnostic;
use crate::markdown::Rendered;
use crate::shortcode::{Arg, Call, spot};
use crate::site::Site;
use crate::urls::{self, Linker};
use crate::video::{self, Video};

#[derive(Clone, Copy, PartialEq)]
enum Ty {
    Text,
    /// Seconds (`754`) or a time (`"12:34"`, `"1:02:03"`).
    Moment,
}

struct Param {
    name: &'static str,
    ty: Ty,
    required: bool,
}

struct Builtin {
    name: &'static str,
    params: &'static [Param],
    /// Written with a body (`{% … %}…{% end %}`) rather than inline.
    body: bool,
}

const fn p(name: &'static str, ty: Ty, required: bool) -> Param {
    Param { name, ty, required }
}

const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "youtube",
        params: &[
            p("id", Ty::Text, true),
            p("start", Ty::Moment, false),
            p("title", Ty::Text, false),
        ],
        body: false,
    },
    Builtin {
        name: "video",
        params: &[
            p("url", Ty::Text, true),
            p("start", Ty::Moment, false),
            p("title", Ty::Text, false),
        ],
        body: false,
    },
    Builtin {
        name: "figure",
        params: &[
            p("src", Ty::Text, true),
            p("alt", Ty::Text, false),
            p("caption", Ty::Text, false),
        ],
        body: false,
    },
    Builtin {
        name: "quote",
        params: &[p("speaker", Ty::Text, true), p("at", Ty::Moment, false)],
        body: true,
    },
];

/// A built-in's `how to write it`, for errors.
fn usage(b: &Builtin) -> String {
    let args: Vec<String> = b
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| format!("{}=\"…\"", p.name))
        .collect();
    if b.body {
        format!("{{% {}({}) %}}…{{% end %}}", b.name, args.join(", "))
    } else {
        format!("{{{{ {}({}) }}}}", b.name, args.join(", "))
    }
}

fn moment(a: &Arg) -> Option<u32> {
    match a {
        Arg::Int(n) => u32::try_from(*n).ok(),
        Arg::Str(s) => video::timestamp(s),
        _ => None,
    }
}

/// What is wrong with one call, if anything.
fn check_call(call: &Call, names: &[&str], templates: &Templates) -> Option<String> {
    let builtin = BUILTINS.iter().find(|b| b.name == call.name);
    if !names.contains(&call.name.as_str()) {
        return Some(format!(
            "unknown shortcode `{}`, expected one of {} (or a template `templates/{SHORTCODES_DIR}{}.html`)",
            call.name,
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
            call.name
        ));
    }
    // A site's own template for a name is free to take other arguments; the built-in's
    // required ones and their types still hold (its values are computed from them).
    let b = builtin?;
    let own = templates.is_user_template(&format!("{SHORTCODES_DIR}{}.html", call.name));
    if b.body != call.body {
        return Some(if b.body {
            format!(
                "shortcode `{}` takes a body, expected `{}`",
                b.name,
                usage(b)
            )
        } else {
            format!(
                "shortcode `{}` takes no body, expected `{}`",
                b.name,
                usage(b)
            )
        });
    }
    for param in b.params {
        match (call.arg(param.name), param.required) {
            (None, true) => {
                return Some(format!(
                    "shortcode `{}` is missing `{}`, expected `{}`",
                    b.name,
                    param.name,
                    usage(b)
                ));
            }
            (Some(a), _) => {
                let ok = match param.ty {
                    Ty::Text => matches!(a, Arg::Str(_)),
                    Ty::Moment => moment(a).is_some(),
                };
                if !ok {
                    let expected = match param.ty {
                        Ty::Text => "text in quotes".to_string(),
                        Ty::Moment => "seconds (754) or a time (\"12:34\", \"1:02:03\")".into(),
                    };
                    return Some(format!(
                        "`{}` of shortcode `{}` is {} `{}`, expected {expected}",
                        param.name,
                        b.name,
                        a.type_name(),
                        a.shown()
                    ));
                }
            }
            (None, false) => {}
        }
    }
    if !own
        && let Some((k, _)) = call
            .args
            .iter()
            .find(|(k, _)| !b.params.iter().any(|p| p.name == k))
    {
        return Some(format!(
            "shortcode `{}` has no argument `{k}`, expected {}",
            b.name,
            b.params
                .iter()
                .map(|p| format!("`{}`", p.name))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    match b.name {
        "youtube" => {
            let id = call.text("id").unwrap_or("");
            Video::youtube(id).is_none().then(|| format!("`id` of shortcode `youtube` is `{id}`, expected the 11-character id of a YouTube video (as in https://youtu.be/dQw4w9WgXcQ)"))
        }
        "video" => Video::parse(call.text("url").unwrap_or(""))
            .err()
            .map(|why| format!("`url` of shortcode `video`: {why}")),
        _ => None,
    }
}

/// What a body's shortcodes can know about the post they are in.
struct Host<'a> {
    title: &'a str,
    /// The name a video shortcode's facade goes by: the show and episode, else the title.
    label: String,
    file: &'a str,
    /// The post's own video.
    video: Option<&'a Video>,
    /// (name, guest page URL, role in this post)
    guests: Vec<(&'a str, String, Option<&'a str>)>,
}

/// The value the facade template (`partials/video.html`) gets.
pub fn video_value(v: &Video, title: &str) -> Value {
    let site = match v.provider {
        video::Provider::YouTube => "YouTube",
        video::Provider::Naver => "네이버 TV",
        video::Provider::File => "",
    };
    let opt = |s: Option<String>| s.map_or_else(Value::none, Value::from);
    obj([
        ("provider", v.provider_name().into()),
        ("id", v.id.as_str().into()),
        ("url", v.watch_url(None).into()),
        ("embed", opt(v.embed_url())),
        ("thumbnail", opt(v.thumbnail_url())),
        ("mime", v.mime().map_or_else(Value::none, Value::from)),
        ("title", title.into()),
        ("site", site.into()),
        ("caption", Value::none()),
    ])
}

/// The name a post's video goes by: its show and episode, else the post's title.
pub fn video_title(site: &Site, pi: usize) -> String {
    site.episode_label(pi)
        .unwrap_or_else(|| site.posts[pi].title.clone())
}

fn render_call(
    call: &Call,
    nth: usize,
    inner: String,
    host: &Host,
    templates: &Templates,
) -> Result<String, tera::Error> {
    let mut ctx = Context::new();
    for (k, a) in &call.args {
        let v: Value = match a {
            Arg::Str(s) => s.as_str().into(),
            Arg::Int(n) => (*n).into(),
            Arg::Float(f) => (*f).into(),
            Arg::Bool(b) => (*b).into(),
        };
        ctx.insert_value(k.clone(), v);
    }
    ctx.insert_value("nth", nth.into());
    ctx.insert_value(
        "page",
        obj([("title", host.title.into()), ("file", host.file.into())]),
    );
    let start = call.arg("start").and_then(moment);
    match call.name.as_str() {
        "youtube" | "video" => {
            let video = match call.name.as_str() {
                "youtube" => Video::youtube(call.text("id").unwrap_or("")),
                _ => Video::parse(call.text("url").unwrap_or("")).ok(),
            };
            if let Some(mut v) = video {
                v.start = start.or(v.start);
                let title = call.text("title").unwrap_or(&host.label);
                ctx.insert_value("video", video_value(&v, title));
            }
        }
        "quote" => {
            let speaker = call.text("speaker").unwrap_or("");
            let guest = host.guests.iter().find(|(n, _, _)| *n == speaker.trim());
            ctx.insert_value(
                "speaker_url",
                guest.map_or_else(Value::none, |(_, u, _)| u.as_str().into()),
            );
            ctx.insert_value(
                "role",
                guest
                    .and_then(|(_, _, r)| *r)
                    .map_or_else(Value::none, Value::from),
            );
            let at = call.arg("at");
            ctx.insert_value(
                "at",
                match at {
                    Some(Arg::Str(s)) => s.as_str().into(),
                    Some(Arg::Int(n)) => n.to_string().into(),
                    _ => Value::none(),
                },
            );
            let at_url = at
                .and_then(moment)
                .zip(host.video.as_ref())
                .map(|(s, v)| v.watch_url(Some(s)));
            ctx.insert_value("at_url", at_url.map_or_else(Value::none, Value::from));
        }
        "figure" => ctx.insert_value("image", Value::safe_string(&inner)),
        _ => {}
    }
    ctx.insert_value("body", Value::safe_string(&inner));
    templates
        .tera
        .render(&format!("{SHORTCODES_DIR}{}.html", call.name), &ctx)
}

/// One body with its shortcodes' output in place, or the problems found, located in `file`.
fn expand_body(
    body: &Rendered,
    host: &Host,
    names: &[&str],
    templates: &Templates,
) -> Result<String, Vec<Diagnostic>> {
    let at = |n: usize, message: String| {
        let mut d = Diagnostic::file(host.file, message);
        d.location = body.shortcode_locations.get(n).cloned();
        d
    };
    let errors: Vec<Diagnostic> = body
        .shortcodes
        .iter()
        .enumerate()
        .filter_map(|(n, c)| check_call(c, names, templates).map(|m| at(n, m)))
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut html = body.html().to_string();
    // Last first: a body's shortcodes (numbered after it) are in place before it is rendered.
    for (n, call) in body.shortcodes.iter().enumerate().rev() {
        let Some(s) = spot(&html, n, call.body) else {
            continue;
        };
        let nth = body.shortcodes[..n]
            .iter()
            .filter(|c| c.name == call.name)
            .count()
            + 1;
        let out = render_call(call, nth, s.inner, host, templates).map_err(|e| {
            let mut d = templates.diagnose(&e, host.file);
            if d.is_empty() {
                d.push(at(n, format!("shortcode `{}` failed: {e}", call.name)));
            }
            d
        })?;
        html.replace_range(s.outer, out.trim());
    }
    Ok(html)
}

/// Expands the shortcodes of the posts at `posts` (all posts, pages and profiles when `None`)
/// into `site.expanded`. Reports every bad call of every file at once.
pub fn expand(
    site: &mut Site,
    templates: &Templates,
    posts: Option<&[usize]>,
) -> Result<(), Vec<Diagnostic>> {
    let link = Linker::new(&site.config.base_url, site.config.base_path());
    let names = templates.shortcode_names();
    // A swapped post may have lost its shortcodes.
    for &pi in posts.unwrap_or(&[]) {
        let file = site.posts[pi].file.clone();
        site.expanded.remove(&file);
    }
    let s = &*site;
    let post_host = |pi: usize| {
        let p = &s.posts[pi];
        Host {
            title: &p.title,
            label: video_title(s, pi),
            file: &p.file,
            video: p.video.as_ref(),
            guests: p
                .guests
                .iter()
                .zip(&s.links[pi].guests)
                .map(|(m, &gi)| {
                    (
                        m.name.as_str(),
                        link.url(&urls::guest(&s.guests[gi].slug)),
                        m.role.as_deref(),
                    )
                })
                .collect(),
        }
    };
    let mut jobs: Vec<(Host, &Rendered)> = Vec::new();
    let all: Vec<usize> = (0..s.posts.len()).collect();
    for &pi in posts.unwrap_or(&all) {
        if !s.posts[pi].body.shortcodes.is_empty() {
            jobs.push((post_host(pi), &s.posts[pi].body));
        }
    }
    if posts.is_none() {
        let bodies = s
            .pages
            .iter()
            .map(|p| (p.title.as_str(), p.file.as_str(), &p.body))
            .chain(s.shows.iter().filter_map(|sh| {
                let p = sh.profile.as_ref()?;
                Some((sh.name.as_str(), p.file.as_str(), &p.body))
            }))
            .chain(s.guests.iter().filter_map(|g| {
                let p = g.profile.as_ref()?;
                Some((g.name.as_str(), p.file.as_str(), &p.body))
            }));
        for (title, file, body) in bodies {
            if !body.shortcodes.is_empty() {
                jobs.push((
                    Host {
                        title,
                        label: title.to_string(),
                        file,
                        video: None,
                        guests: Vec::new(),
                    },
                    body,
                ));
            }
        }
    }
    let results: Vec<(String, Result<String, Vec<Diagnostic>>)> = jobs
        .par_iter()
        .map(|(host, body)| {
            (
                host.file.to_string(),
                expand_body(body, host, &names, templates),
            )
        })
        .collect();
    let mut errors = Vec::new();
    for (file, r) in results {
        match r {
            Ok(html) => {
                site.expanded.insert(file, html);
            }
            Err(d) => crate::diagnostic::extend_unique(&mut errors, d),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
