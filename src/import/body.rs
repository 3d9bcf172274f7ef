//! Converts a post's body: Jekyll's Liquid (`{% highlight %}`, includes, `post_url`,
//! `site.baseurl`), Hugo's shortcodes (`{{< youtube >}}`, `figure`, `gist`, `ref`, …) and
//! Zola's (`{{ youtube() }}`, `@/` links) become showpress shortcodes or plain Markdown; kramdown
//! attribute lists are folded into headings or removed. What has no equivalent is kept as
//! written and reported with its line. Fenced code is never touched: it shows code. What each
//! tag or shortcode becomes is in `tags.rs`; this file walks the lines.

use super::tags;

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
            (Dialect::Jekyll, '%') => tags::jekyll_tag(inner, ctx, c),
            (Dialect::Jekyll, _) => tags::jekyll_output(inner, c),
            (Dialect::Hugo, _) => tags::hugo_shortcode(inner, ctx, c),
            (Dialect::Zola, _) => tags::zola_shortcode(inner, kind == '%', c),
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
