//! Converts a post's body: Jekyll's Liquid (`{% highlight %}`, includes, `post_url`,
//! `site.baseurl`), Hugo's shortcodes (`{{< youtube >}}`, `figure`, `gist`, `ref`, …) and
//! Zola's (`{{ youtube() }}`, `@/` links) become showpress shortcodes or plain Markdown; kramdown
//! attribute lists are folded into headings or removed. What has no equivalent is kept as
//! written and reported with its line. Fenced code is never touched: it shows code.

/// Which generator wrote the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Jekyll,
    Hugo,
    Zola,
}

/// A link to another post, as the source spells it.
pub enum Target<'a> {
    /// Jekyll `{% post_url 2024-03-05-name %}`.
    PostUrl(&'a str),
    /// A source file path: Jekyll `{% link _posts/x.md %}`, Hugo `ref`, Zola `@/x.md`.
    File(&'a str),
}

/// What the body became.
#[derive(Debug, Default)]
pub struct Converted {
    pub text: String,
    /// (1-based line in the source file, what was kept or removed and why).
    pub issues: Vec<(usize, String)>,
    /// What was converted, one entry per construct (`{% highlight %}` → fenced code).
    pub converted: Vec<String>,
}

pub struct Ctx<'a> {
    pub dialect: Dialect,
    /// The line of the file the body starts on.
    pub first_line: usize,
    /// The `@/…` path of another imported post, if the link names one.
    pub resolve: &'a dyn Fn(Target) -> Option<String>,
}

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

/// A span `open`…`close` at the start of `s`: its inside and its length.
fn span<'a>(s: &'a str, open: &str, close: &str) -> Option<(&'a str, usize)> {
    let inner = s.strip_prefix(open)?;
    let end = inner.find(close)?;
    Some((&inner[..end], open.len() + end + close.len()))
}

pub fn convert(body: &str, ctx: &Ctx) -> Converted {
    let mut c = Converted::default();
    let mut out: Vec<String> = Vec::new();
    // The fence that closes the open code block: its marker line as Markdown writes it, or
    // the Liquid/Hugo tag that ends a highlight block.
    let mut fence: Option<String> = None;
    for (i, line) in body.lines().enumerate() {
        let n = ctx.first_line + i;
        let t = line.trim();
        if let Some(close) = &fence {
            if t == close.as_str()
                || (close.starts_with('`') || close.starts_with('~'))
                    && t.starts_with(close.as_str())
                    && t.trim_start_matches(close.chars().next().unwrap_or('`'))
                        .is_empty()
            {
                out.push(if close.starts_with("{%") || close.starts_with("{{<") {
                    "```".to_string()
                } else {
                    line.to_string()
                });
                fence = None;
            } else {
                out.push(line.to_string());
            }
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            let ch = t.chars().next().unwrap_or('`');
            let len = t.chars().take_while(|c| *c == ch).count();
            fence = Some(std::iter::repeat_n(ch, len).collect());
            out.push(line.to_string());
            continue;
        }
        // Highlight blocks: Jekyll's tag and Hugo's shortcode.
        let hl = match ctx.dialect {
            Dialect::Jekyll => {
                span(t, "{%", "%}")
                    .filter(|(_, l)| *l == t.len())
                    .and_then(|(s, _)| {
                        let s = s.trim_matches('-').trim();
                        s.strip_prefix("highlight ")
                            .map(|lang| (lang.to_string(), "{% endhighlight %}"))
                    })
            }
            Dialect::Hugo => span(t, "{{<", ">}}")
                .filter(|(_, l)| *l == t.len())
                .and_then(|(s, _)| {
                    s.trim()
                        .strip_prefix("highlight ")
                        .map(|lang| (lang.to_string(), "{{< /highlight >}}"))
                }),
            Dialect::Zola => None,
        };
        if let Some((lang, close)) = hl {
            let lang = lang
                .split([' ', ','])
                .next()
                .unwrap_or("")
                .trim_matches('"');
            out.push(format!("```{lang}"));
            fence = Some(close.to_string());
            c.converted.push(format!(
                "{} → fenced code",
                if ctx.dialect == Dialect::Jekyll {
                    "`{% highlight %}`"
                } else {
                    "`{{< highlight >}}`"
                }
            ));
            continue;
        }
        // Kramdown block attribute lists and the table-of-contents marker.
        if ctx.dialect == Dialect::Jekyll && t.starts_with("{:") && t.ends_with('}') {
            if t == "{:toc}" || t == "{:.no_toc}" || t.contains("toc") {
                if out.last().is_some_and(|l| {
                    let l = l.trim();
                    l.ends_with("TOC")
                        && (l.starts_with('*') || l.starts_with('-') || l.starts_with("1."))
                }) {
                    out.pop();
                }
                c.issues.push((
                    n,
                    format!("`{t}` removed: showpress has no table of contents inside posts"),
                ));
                continue;
            }
            let inner = &t[2..t.len() - 1];
            let id = inner.split_whitespace().find_map(|w| w.strip_prefix('#'));
            let prev_heading = out.last().is_some_and(|l| l.starts_with('#'));
            match id {
                Some(id) if prev_heading => {
                    if let Some(h) = out.last_mut() {
                        h.push_str(&format!(" {{#{id}}}"));
                    }
                    c.converted.push("kramdown `{: #id}` → heading id".into());
                    let rest: Vec<&str> = inner.split_whitespace().filter(|w| !w.starts_with('#')).collect();
                    if !rest.is_empty() {
                        c.issues.push((n, format!("kramdown attributes `{}` removed (only a heading's id has an equivalent)", rest.join(" "))));
                    }
                }
                _ => c.issues.push((n, format!("kramdown attribute list `{t}` removed: showpress Markdown has no equivalent"))),
            }
            continue;
        }
        let mut line = inline(line, n, ctx, &mut c);
        if line.trim() == "<!--more-->" {
            line = "<!-- more -->".into();
        }
        out.push(line);
    }
    let mut text = out.join("\n");
    if body.ends_with('\n') {
        text.push('\n');
    }
    c.text = text;
    c
}

/// Converts the inline constructs of one line.
fn inline(line: &str, n: usize, ctx: &Ctx, c: &mut Converted) -> String {
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    let keep = |c: &mut Converted, what: &str, why: &str| {
        c.issues
            .push((n, format!("`{what}` kept as written: {why}")));
    };
    while i < line.len() {
        let rest = &line[i..];
        // Zola internal links, also written by hand in Hugo and Jekyll posts rarely.
        if rest.starts_with("](@/") {
            let end = rest[2..].find(')').map(|e| e + 2);
            if let Some(end) = end {
                let target = &rest[2..end];
                let (path, anchor) = target.split_once('#').map_or((target, ""), |(p, a)| (p, a));
                let file = path.trim_start_matches("@/");
                out.push_str("](");
                match (ctx.resolve)(Target::File(file)) {
                    Some(p) => {
                        out.push_str(&p);
                        if !anchor.is_empty() {
                            out.push('#');
                            out.push_str(anchor);
                        }
                        c.converted
                            .push("internal link `@/…` → imported post".into());
                    }
                    None => {
                        out.push_str(target);
                        keep(c, target, "it names no imported post");
                    }
                }
                out.push(')');
                i += end + 1;
                continue;
            }
        }
        let tag = match ctx.dialect {
            Dialect::Jekyll => span(rest, "{%", "%}")
                .map(|(s, l)| (s, l, '%'))
                .or_else(|| span(rest, "{{", "}}").map(|(s, l)| (s, l, '{'))),
            Dialect::Hugo => span(rest, "{{<", ">}}")
                .or_else(|| span(rest, "{{%", "%}}"))
                .map(|(s, l)| (s, l, '<')),
            Dialect::Zola => span(rest, "{{", "}}")
                .map(|(s, l)| (s, l, '{'))
                .or_else(|| span(rest, "{%", "%}").map(|(s, l)| (s, l, '%'))),
        };
        let Some((inner, len, kind)) = tag else {
            let ch = rest.chars().next().map_or(1, char::len_utf8);
            out.push_str(&rest[..ch]);
            i += ch;
            continue;
        };
        let whole = &rest[..len];
        // Liquid's whitespace control (`{%- x -%}`) is Jekyll's alone: a Hugo argument may
        // end in `-` (a YouTube id).
        let inner = match ctx.dialect {
            Dialect::Jekyll => inner.trim().trim_matches('-').trim(),
            _ => inner.trim(),
        };
        let replaced = match (ctx.dialect, kind) {
            (Dialect::Jekyll, '%') => jekyll_tag(inner, ctx, c),
            (Dialect::Jekyll, _) => jekyll_output(inner, c),
            (Dialect::Hugo, _) => hugo_shortcode(inner, ctx, c),
            (Dialect::Zola, _) => zola_shortcode(inner, kind == '%', c),
        };
        match replaced {
            Some(r) => out.push_str(&r),
            None => {
                // Zola-style calls would be run by showpress as shortcodes it does not have:
                // a code span keeps them visible and inert.
                let looks_like_call = inner.contains('(') && inner.ends_with(')');
                if looks_like_call || (ctx.dialect == Dialect::Zola && inner == "end") {
                    out.push('`');
                    out.push_str(whole);
                    out.push('`');
                    keep(c, whole, "showpress has no such shortcode (shown as code)");
                } else {
                    out.push_str(whole);
                    keep(c, whole, "no showpress equivalent");
                }
            }
        }
        i += len;
    }
    // Kramdown span attributes after a link or image: `![x](y){: .center}`.
    if ctx.dialect == Dialect::Jekyll
        && let Some(at) = out.rfind("{:")
        && out.trim_end().ends_with('}')
    {
        let attr = out[at..].trim_end().to_string();
        out.truncate(at);
        c.issues.push((
            n,
            format!("kramdown attributes `{attr}` removed: showpress Markdown has no equivalent"),
        ));
    }
    out
}

fn jekyll_tag(inner: &str, ctx: &Ctx, c: &mut Converted) -> Option<String> {
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

fn jekyll_output(inner: &str, c: &mut Converted) -> Option<String> {
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

fn hugo_shortcode(inner: &str, ctx: &Ctx, c: &mut Converted) -> Option<String> {
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

fn zola_shortcode(inner: &str, body: bool, c: &mut Converted) -> Option<String> {
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

/// Root-relative paths the Markdown refers to (`](/x.png)`, `src="/x"`, `href="/x"`), with
/// their 1-based line in the source file: the files to copy from the old site.
pub fn root_paths(text: &str, first_line: usize) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for opener in ["](/", "src=\"/", "href=\"/", "src='/", "href='/", "src=/"] {
            let mut from = 0;
            while let Some(at) = line[from..].find(opener) {
                let start = from + at + opener.len() - 1;
                let rest = &line[start..];
                let end = rest.find([')', '"', '\'', ' ', '>']).unwrap_or(rest.len());
                let path = rest[..end].split(['?', '#']).next().unwrap_or("");
                if !path.starts_with("//") && path.len() > 1 {
                    out.push((first_line + i, path.to_string()));
                }
                from = start + end.max(1);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn run(dialect: Dialect, body: &str) -> Converted {
        let resolve = |t: Target| match t {
            Target::PostUrl("2024-01-01-a") | Target::File("blog/a.md") => {
                Some("@/posts/2024/2024-01-01-a.md".to_string())
            }
            _ => None,
        };
        convert(
            body,
            &Ctx {
                dialect,
                first_line: 5,
                resolve: &resolve,
            },
        )
    }

    #[test]
    fn liquid_inside_fenced_code_is_code() {
        let c = run(
            Dialect::Jekyll,
            "```\n{% include x.html %}\n```\n{% foo %}\n",
        );
        assert_eq!(c.text, "```\n{% include x.html %}\n```\n{% foo %}\n");
        assert_eq!(
            c.issues,
            [(
                8,
                "`{% foo %}` kept as written: no showpress equivalent".to_string()
            )]
        );
    }

    #[test]
    fn links_to_posts_resolve_and_unknown_ones_are_reported() {
        let c = run(
            Dialect::Jekyll,
            "[a]({% post_url 2024-01-01-a %}) [b]({% post_url nope %})",
        );
        assert_eq!(
            c.text,
            "[a](@/posts/2024/2024-01-01-a.md) [b]({% post_url nope %})"
        );
        assert_eq!(c.issues.len(), 1);
        let c = run(Dialect::Zola, "[a](@/blog/a.md#x) [b](@/blog/b.md)\n");
        assert_eq!(
            c.text,
            "[a](@/posts/2024/2024-01-01-a.md#x) [b](@/blog/b.md)\n"
        );
        assert_eq!(c.issues[0].0, 5);
    }

    #[test]
    fn zola_body_shortcodes_without_an_equivalent_are_inert() {
        let c = run(Dialect::Zola, "{% note(kind=\"x\") %}\n본문\n{% end %}\n");
        assert_eq!(c.text, "`{% note(kind=\"x\") %}`\n본문\n`{% end %}`\n");
        assert_eq!(c.issues.len(), 2);
    }

    proptest! {
        // Bodies are user input: whatever they hold, conversion ends without a panic.
        #[test]
        fn never_panics(body in "(\\{\\{|\\{%|%\\}|\\}\\}|<|>|\\(|\\)|\\[|\\]|@/|\"|'|`|=|-|:|#|\n|[a-z가 ]){0,60}") {
            for d in [Dialect::Jekyll, Dialect::Hugo, Dialect::Zola] {
                let _ = run(d, &body);
            }
            let _ = root_paths(&body, 1);
            let _ = super::super::frontmatter::parse(&format!("---\n{body}\n---\n"));
            let _ = super::super::frontmatter::parse(&body);
            let _ = super::super::mapping::episode_in(&body);
        }
    }
}
