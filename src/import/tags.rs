//! What each Liquid tag, Hugo shortcode or Zola shortcode becomes: a showpress shortcode
//! (`youtube`, `figure`), a Markdown link, an `@/` link to an imported post, or nothing
//! (`None`: the caller keeps it as written and reports it).

use super::body::{Converted, Ctx, Target};

/// Arguments of a Liquid include or a Hugo shortcode: named (`id="x"`, `id=x`) and
/// positional, in order.
fn args(s: &str) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let (key, after) = match rest.find(['=', ' ', '"', '\'']) {
            Some(i) if rest.as_bytes()[i] == b'=' => (
                Some(rest[..i].trim().to_string()),
                rest[i + 1..].trim_start(),
            ),
            _ => (None, rest),
        };
        let (value, next) = match after.chars().next() {
            Some(q @ ('"' | '\'' | '`')) => match after[1..].find(q) {
                Some(end) => (after[1..1 + end].to_string(), &after[end + 2..]),
                None => (after[1..].to_string(), ""),
            },
            _ => {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                (after[..end].to_string(), &after[end..])
            }
        };
        out.push((key, value));
        // Zola separates arguments with commas, Liquid and Hugo with spaces.
        rest = next.trim_start().trim_start_matches(',').trim_start();
    }
    out
}

fn get<'a>(a: &'a [(Option<String>, String)], keys: &[&str], pos: usize) -> Option<&'a str> {
    a.iter()
        .find(|(k, _)| k.as_deref().is_some_and(|k| keys.contains(&k)))
        .or_else(|| a.iter().filter(|(k, _)| k.is_none()).nth(pos))
        .map(|(_, v)| v.as_str())
}

/// A showpress shortcode call with text arguments, empty ones left out.
fn call(name: &str, a: &[(&str, Option<&str>)]) -> String {
    let args: Vec<String> = a
        .iter()
        .filter_map(|(k, v)| {
            let v = v.filter(|v| !v.is_empty())?;
            Some(format!("{k}={}", toml::Value::String(v.to_string())))
        })
        .collect();
    format!("{{{{ {name}({}) }}}}", args.join(", "))
}

fn figure(a: &[(Option<String>, String)]) -> Option<String> {
    let src = get(a, &["src", "url", "file", "path", "image"], 0)?;
    Some(call(
        "figure",
        &[
            ("src", Some(src)),
            ("alt", get(a, &["alt"], 99)),
            ("caption", get(a, &["caption", "title"], 99)),
        ],
    ))
}

fn youtube(a: &[(Option<String>, String)]) -> Option<String> {
    let id = get(a, &["id"], 0)?;
    // showpress checks ids; one it would reject stays as written, and is reported.
    let valid = id.len() == 11
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid {
        return None;
    }
    let start = get(a, &["start"], 99);
    let mut s = call("youtube", &[("id", Some(id))]);
    if let Some(n) = start.and_then(|s| s.parse::<u32>().ok()) {
        s = s.replace(") }}", &format!(", start={n}) }}}}"));
    }
    Some(s)
}

/// The Markdown a Hugo or Zola embed becomes when showpress has no player for it: a link.
fn embed_link(name: &str, a: &[(Option<String>, String)]) -> Option<String> {
    Some(match name {
        "gist" => match get(a, &["url"], 99) {
            Some(url) => format!("[{url}]({url})"),
            None => {
                let user = get(a, &["user", "username"], 0)?;
                let id = get(a, &["id"], 1)?;
                format!("[gist {user}/{id}](https://gist.github.com/{user}/{id})")
            }
        },
        "vimeo" => {
            let id = get(a, &["id"], 0)?;
            format!("[Vimeo {id}](https://vimeo.com/{id})")
        }
        "tweet" | "twitter" | "x" => {
            let user = get(a, &["user"], 99);
            let id = get(a, &["id"], 0)?;
            let user = user.unwrap_or("i/web");
            format!("[x.com/{user}/status/{id}](https://x.com/{user}/status/{id})")
        }
        "instagram" => {
            let id = get(a, &["id"], 0)?;
            format!("[Instagram {id}](https://www.instagram.com/p/{id}/)")
        }
        "streamable" => {
            let id = get(a, &["id"], 0)?;
            format!("[Streamable {id}](https://streamable.com/{id})")
        }
        _ => return None,
    })
}

pub(super) fn jekyll_tag(inner: &str, ctx: &Ctx, c: &mut Converted) -> Option<String> {
    let (name, rest) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
    match name {
        "raw" | "endraw" => {
            c.converted
                .push("`{% raw %}` → removed (its text kept)".into());
            Some(String::new())
        }
        "post_url" | "link" => {
            let target = rest.trim();
            let r = if name == "post_url" {
                Target::PostUrl(target)
            } else {
                Target::File(target)
            };
            let p = (ctx.resolve)(r)?;
            c.converted
                .push(format!("`{{% {name} %}}` → internal link"));
            Some(p)
        }
        "include" => {
            let (file, params) = rest
                .trim()
                .split_once(char::is_whitespace)
                .unwrap_or((rest.trim(), ""));
            let a = args(params);
            let stem = file.trim_end_matches(".html").to_lowercase();
            let r = if stem.contains("youtube") {
                youtube(&a)
            } else if stem.contains("figure") || stem.contains("image") || stem.contains("img") {
                figure(&a)
            } else {
                None
            }?;
            c.converted
                .push(format!("`{{% include {file} %}}` → shortcode"));
            Some(r)
        }
        _ => None,
    }
}

pub(super) fn jekyll_output(inner: &str, c: &mut Converted) -> Option<String> {
    let compact: String = inner.split_whitespace().collect::<Vec<_>>().join(" ");
    if matches!(
        compact.as_str(),
        "site.baseurl" | "site.url" | "site.url | append: site.baseurl"
    ) {
        c.converted
            .push("`{{ site.baseurl }}` → removed (links are root-relative)".into());
        return Some(String::new());
    }
    // `"/x" | relative_url`, `'/x' | absolute_url`, `"/x" | prepend: site.baseurl`.
    let (value, filter) = compact.split_once('|')?;
    let filter = filter.trim();
    if matches!(
        filter,
        "relative_url" | "absolute_url" | "prepend: site.baseurl"
    ) {
        let v = value.trim();
        let v = v.strip_prefix(['"', '\''])?.strip_suffix(['"', '\''])?;
        c.converted
            .push(format!("`| {filter}` → root-relative path"));
        let v = if v.starts_with('/') {
            v.to_string()
        } else {
            format!("/{v}")
        };
        return Some(v);
    }
    None
}

pub(super) fn hugo_shortcode(inner: &str, ctx: &Ctx, c: &mut Converted) -> Option<String> {
    let (name, rest) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
    let a = args(rest);
    let r = match name {
        "youtube" => youtube(&a),
        "figure" => figure(&a),
        "ref" | "relref" => {
            let target = get(&a, &["path"], 0)?;
            let (path, anchor) = target.split_once('#').unwrap_or((target, ""));
            (ctx.resolve)(Target::File(path)).map(|p| {
                if anchor.is_empty() {
                    p
                } else {
                    format!("{p}#{anchor}")
                }
            })
        }
        other => embed_link(other, &a),
    }?;
    c.converted.push(format!(
        "`{{{{< {name} >}}}}` → {}",
        if r.starts_with("{{") {
            "shortcode"
        } else if r.starts_with('@') {
            "internal link"
        } else {
            "Markdown link"
        }
    ));
    Some(r)
}

pub(super) fn zola_shortcode(inner: &str, body: bool, c: &mut Converted) -> Option<String> {
    if body {
        return None;
    }
    let open = inner.find('(')?;
    let name = inner[..open].trim();
    let params = inner[open + 1..].strip_suffix(')')?;
    let a = args(params);
    let r = match name {
        "youtube" => youtube(&a),
        "figure" | "image" => figure(&a),
        other => embed_link(other, &a),
    }?;
    c.converted.push(format!(
        "`{{{{ {name}() }}}}` → {}",
        if r.starts_with("{{") {
            "shortcode"
        } else {
            "Markdown link"
        }
    ));
    Some(r)
}
