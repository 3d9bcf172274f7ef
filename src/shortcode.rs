//! Shortcodes in Markdown, as Zola writes them: inline `{{ name(arg="value", n=3) }}` and with
//! a body `{% name(arg="x") %}Markdown{% end %}`. This module finds them (never inside code
//! spans or fenced code: those stay literal), parses their arguments, and swaps each for
//! placeholder tokens before the Markdown is parsed, so quotes and underscores in arguments
//! are never read as Markdown. The body of a shortcode stays in the text and is parsed with the
//! rest of the document (its links, images and footnotes work as anywhere else); the tokens
//! around it tell `render::shortcodes` where to put the template's output.
//!
//! Tokens are made of private-use characters: nothing a writer types, not letters or digits
//! (so they count as no words for the reading time), and left alone by the Markdown parser and
//! HTML escaping.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};

/// A value given to a shortcode argument.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Arg {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Arg {
    pub fn type_name(&self) -> &'static str {
        match self {
            Arg::Str(_) => "text",
            Arg::Int(_) => "an integer",
            Arg::Float(_) => "a number",
            Arg::Bool(_) => "true or false",
        }
    }

    /// As the writer wrote it, for error messages.
    pub fn shown(&self) -> String {
        match self {
            Arg::Str(s) => format!("{s:?}"),
            Arg::Int(n) => n.to_string(),
            Arg::Float(f) => f.to_string(),
            Arg::Bool(b) => b.to_string(),
        }
    }
}

/// One shortcode call found in a file.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Call {
    pub name: String,
    pub args: Vec<(String, Arg)>,
    /// Written as `{% name() %}…{% end %}`.
    pub body: bool,
    /// Byte range of the opening `{{ … }}` or `{% … %}` in the Markdown text.
    pub range: Range<usize>,
}

impl Call {
    pub fn arg(&self, key: &str) -> Option<&Arg> {
        self.args.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The argument `key` when it is text.
    pub fn text(&self, key: &str) -> Option<&str> {
        match self.arg(key) {
            Some(Arg::Str(s)) => Some(s),
            _ => None,
        }
    }
}

/// What [`find`] makes of a text.
#[derive(Debug, Default)]
pub struct Found {
    /// The text with shortcodes replaced by tokens (and figure images by Markdown images).
    pub text: String,
    pub calls: Vec<Call>,
    /// Mistakes, with their byte range in the original text.
    pub errors: Vec<(Range<usize>, String)>,
    /// (range in the original text, range in `text`) of each replacement, in order.
    edits: Vec<(Range<usize>, Range<usize>)>,
}

impl Found {
    /// Maps a byte offset in [`Found::text`] back to the original text: inside a replacement,
    /// to where the replaced shortcode starts.
    pub fn original(&self, pos: usize) -> usize {
        let mut delta: isize = 0;
        for (orig, new) in &self.edits {
            if pos < new.start {
                break;
            }
            if pos < new.end {
                return orig.start;
            }
            delta = orig.end as isize - new.end as isize;
        }
        (pos as isize + delta).max(0) as usize
    }
}

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';
const END: char = '\u{E002}';
const DIGIT0: u32 = 0xE010;

/// Whether `c` belongs to a shortcode token (the reader never sees these characters).
pub fn is_token_char(c: char) -> bool {
    (OPEN..=char::from_u32(DIGIT0 + 9).unwrap_or(END)).contains(&c)
}

/// The first byte of every token character in UTF-8 (they are all in U+E000..U+EFFF): text
/// without this byte has no token, which is found with a byte search instead of decoding.
pub const TOKEN_LEAD_BYTE: u8 = 0xEE;

/// Whether `text` may hold a token character (it holds [`TOKEN_LEAD_BYTE`]).
pub fn may_hold_token(text: &str) -> bool {
    memchr::memchr(TOKEN_LEAD_BYTE, text.as_bytes()).is_some()
}

fn number(n: usize) -> String {
    n.to_string()
        .bytes()
        .filter_map(|b| char::from_u32(DIGIT0 + u32::from(b - b'0')))
        .collect()
}

/// The token before shortcode `n`'s output (or body).
pub fn open_token(n: usize) -> String {
    format!("{OPEN}{}{END}", number(n))
}

/// The token after shortcode `n`'s body.
pub fn close_token(n: usize) -> String {
    format!("{CLOSE}{}{END}", number(n))
}

/// Whether a text may hold shortcodes at all (the cheap test done on every file).
pub fn may_contain(text: &str) -> bool {
    text.contains("{{") || text.contains("{%")
}

/// Byte ranges of code spans and code blocks: shortcode syntax there is literal text.
fn code_ranges(text: &str, options: Options) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for (e, r) in Parser::new_ext(text, options).into_offset_iter() {
        match e {
            Event::Code(_) | Event::Start(Tag::CodeBlock(_)) => out.push(r),
            _ => {}
        }
    }
    out
}

/// Finds the shortcodes in Markdown `text` (see the module doc). `options` are the Markdown
/// options the text will be rendered with, so code spans are found as the renderer sees them.
pub fn find(text: &str, options: Options) -> Found {
    let mut found = Found::default();
    if !may_contain(text) {
        found.text = text.to_string();
        return found;
    }
    let code = code_ranges(text, options);
    let in_code = |pos: usize| code.iter().any(|r| r.contains(&pos));
    let mut out = String::with_capacity(text.len() + 64);
    let mut last = 0;
    // The open body shortcode: (its call index, where it starts).
    let mut open: Option<(usize, usize)> = None;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i + 1 < bytes.len() {
        let two = &bytes[i..i + 2];
        if (two != b"{{" && two != b"{%") || in_code(i) {
            i += 1;
            continue;
        }
        let body = two == b"{%";
        let closer = if body { "%}" } else { "}}" };
        let Some(len) = text[i + 2..].find(closer) else {
            if body {
                found.errors.push((
                    i..i + 2,
                    "unclosed `{%`, expected `{% name(...) %}` or `{% end %}`".into(),
                ));
            }
            i += 2;
            continue;
        };
        let inner = &text[i + 2..i + 2 + len];
        let end = i + 2 + len + 2;
        let trimmed = inner.trim();
        let replace = |out: &mut String, with: &str, found: &mut Found| {
            out.push_str(&text[last..i]);
            let start = out.len();
            out.push_str(with);
            found.edits.push((i..end, start..out.len()));
        };
        if body && trimmed == "end" {
            match open.take() {
                Some((n, _)) => {
                    replace(&mut out, &close_token(n), &mut found);
                    last = end;
                }
                None => found.errors.push((
                    i..end,
                    "`{% end %}` without a shortcode to end, expected it after `{% name(...) %}` and its body".into(),
                )),
            }
            i = end;
            continue;
        }
        let Some((name, args)) = call_syntax(trimmed) else {
            // `{{ x }}` without parentheses is prose (or a template example), not a call.
            i += 2;
            continue;
        };
        let args = match parse_args(args) {
            Ok(a) => a,
            Err(why) => {
                found.errors.push((
                    i..end,
                    format!("invalid arguments to shortcode `{name}`: {why}, expected `{name}(key=\"text\", n=3)`"),
                ));
                i = end;
                continue;
            }
        };
        let n = found.calls.len();
        if body {
            if let Some((other, at)) = open {
                found.errors.push((
                    at..at + 2,
                    format!(
                        "shortcode `{}` is not closed before `{name}` starts, expected `{{% end %}}` after its body (shortcodes with a body do not nest)",
                        found.calls[other].name
                    ),
                ));
            }
            open = Some((n, i));
            replace(&mut out, &open_token(n), &mut found);
        } else {
            // A figure's image goes through the Markdown image path (bundle files, sizes,
            // variants) like `![alt](src)`; the template wraps what it becomes.
            let image = match (name, args.iter().find(|(k, _)| k == "src")) {
                ("figure", Some((_, Arg::Str(src)))) => {
                    let alt = match args.iter().find(|(k, _)| k == "alt") {
                        Some((_, Arg::Str(a))) => a.as_str(),
                        _ => "",
                    };
                    format!(
                        "![{}](<{}>)",
                        escape_markdown(alt),
                        src.replace(['<', '>'], "")
                    )
                }
                _ => String::new(),
            };
            let with = format!("{}{image}{}", open_token(n), close_token(n));
            replace(&mut out, &with, &mut found);
        }
        found.calls.push(Call {
            name: name.to_string(),
            args,
            body,
            range: i..end,
        });
        last = end;
        i = end;
    }
    if let Some((n, at)) = open {
        found.errors.push((
            at..at + 2,
            format!(
                "shortcode `{}` has no `{{% end %}}`, expected one after its body",
                found.calls[n].name
            ),
        ));
    }
    out.push_str(&text[last..]);
    found.text = out;
    found
}

/// Backslash-escapes what Markdown would read in an image's alt text.
fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `name(args)`: the name and the text between the parentheses.
fn call_syntax(s: &str) -> Option<(&str, &str)> {
    let open = s.find('(')?;
    let name = s[..open].trim();
    let first = name.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '_')
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return None;
    }
    let args = s[open + 1..].strip_suffix(')')?;
    Some((name, args))
}

fn parse_args(s: &str) -> Result<Vec<(String, Arg)>, String> {
    let mut out: Vec<(String, Arg)> = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        let key_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let key = &rest[..key_len];
        if key.is_empty() {
            return Err(format!("expected an argument name at `{}`", head(rest)));
        }
        rest = rest[key_len..].trim_start();
        rest = rest
            .strip_prefix('=')
            .ok_or_else(|| format!("expected `=` after `{key}`"))?
            .trim_start();
        let (value, after) = parse_value(rest).ok_or_else(|| {
            format!(
                "the value of `{key}` (`{}`) is not text in quotes, a number or true/false",
                head(rest)
            )
        })?;
        if out.iter().any(|(k, _)| k == key) {
            return Err(format!("`{key}` is given twice"));
        }
        out.push((key.to_string(), value));
        rest = after.trim_start();
        if let Some(r) = rest.strip_prefix(',') {
            rest = r.trim_start();
        } else if !rest.is_empty() {
            return Err(format!("expected `,` before `{}`", head(rest)));
        }
    }
    Ok(out)
}

fn head(s: &str) -> &str {
    let end = s.char_indices().nth(12).map_or(s.len(), |(i, _)| i);
    &s[..end]
}

fn parse_value(s: &str) -> Option<(Arg, &str)> {
    let quote = s.chars().next()?;
    if matches!(quote, '"' | '\'' | '`') {
        let mut value = String::new();
        let mut chars = s[1..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    let (_, next) = chars.next()?;
                    value.push(match next {
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    });
                }
                c if c == quote => return Some((Arg::Str(value), &s[1 + i + 1..])),
                c => value.push(c),
            }
        }
        return None;
    }
    let len = s
        .find(|c: char| c == ',' || c.is_whitespace())
        .unwrap_or(s.len());
    let word = &s[..len];
    let value = match word {
        "true" => Arg::Bool(true),
        "false" => Arg::Bool(false),
        w => match w.parse::<i64>() {
            Ok(n) => Arg::Int(n),
            Err(_) => Arg::Float(w.parse::<f64>().ok().filter(|f| f.is_finite())?),
        },
    };
    Some((value, &s[len..]))
}

/// Where shortcode `n`'s tokens are in rendered HTML, and what lies between them.
pub struct Spot {
    /// The range to replace: the tokens, and a paragraph that holds nothing else.
    pub outer: Range<usize>,
    /// The HTML between the tokens (a body's paragraphs whole).
    pub inner: String,
}

/// Finds shortcode `n` in `html`. A shortcode alone in its paragraph (or a body whose tokens
/// open and close paragraphs) takes the paragraph's place, so a `<figure>` is never put inside
/// a `<p>`.
pub fn spot(html: &str, n: usize, body: bool) -> Option<Spot> {
    let open = open_token(n);
    let close = close_token(n);
    let start = html.find(&open)?;
    let close_at = start + open.len() + html[start + open.len()..].find(&close)?;
    let mut inner = String::new();
    let mut outer = start..close_at + close.len();
    let before = &html[..start];
    let after = &html[outer.end..];
    let p_open = before.ends_with("<p>");
    let p_close = after.starts_with("</p>");
    // An inline shortcode takes a paragraph's place only when it is all the paragraph holds
    // (its content, a figure's image, is not a paragraph); a body's tokens may open and close
    // paragraphs of their own.
    let (take_open, take_close) = match body {
        true => (p_open, p_close),
        false => (p_open && p_close, p_open && p_close),
    };
    if take_open {
        outer.start -= 3;
        if body {
            inner.push_str("<p>");
        }
    }
    inner.push_str(&html[start + open.len()..close_at]);
    if take_close {
        outer.end += 4;
        if body {
            inner.push_str("</p>");
        }
    }
    if body && take_open && !take_close {
        // The paragraph goes on after the body: keep its opening tag.
        outer.start += 3;
        inner.drain(..3);
    }
    Some(Spot {
        outer,
        inner: tidy(&inner),
    })
}

/// Drops empty paragraphs at either end (left by tokens on lines of their own).
/// and the line breaks that followed `{% name() %}` or preceded `{% end %}`.
fn tidy(html: &str) -> String {
    let mut s = html.trim();
    loop {
        let before = s.len();
        s = s.strip_prefix("<p></p>").unwrap_or(s).trim_start();
        s = s.strip_suffix("<p></p>").unwrap_or(s).trim_end();
        if s.len() == before {
            break;
        }
    }
    let mut out = String::with_capacity(s.len());
    if let Some(rest) = s.strip_prefix("<p>\n") {
        out.push_str("<p>");
        s = rest;
    }
    match s.strip_suffix("\n</p>") {
        Some(rest) => {
            out.push_str(rest);
            out.push_str("</p>");
        }
        None => out.push_str(s),
    }
    out
}

/// The HTML with every shortcode's tokens removed: inline shortcodes with their output's
/// content, bodies kept (what summaries show).
pub fn strip(html: &str, calls: &[Call]) -> String {
    let mut out = html.to_string();
    for (n, call) in calls.iter().enumerate() {
        let Some(s) = spot(&out, n, call.body) else {
            continue;
        };
        let keep = if call.body { s.inner } else { String::new() };
        out.replace_range(s.outer, &keep);
    }
    out.replace("<p></p>\n", "").replace("<p></p>", "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> Options {
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES
    }

    #[test]
    fn every_token_character_starts_with_the_lead_byte_text_is_searched_for() {
        let tokens: Vec<char> = (0xE000..0xE100)
            .filter_map(char::from_u32)
            .filter(|c| is_token_char(*c))
            .collect();
        assert!(tokens.contains(&OPEN) && tokens.contains(&CLOSE) && tokens.contains(&END));
        for c in tokens {
            let mut buf = [0; 4];
            assert_eq!(
                c.encode_utf8(&mut buf).as_bytes()[0],
                TOKEN_LEAD_BYTE,
                "{c:?}"
            );
            assert!(may_hold_token(&format!("글{c}자")));
        }
        assert!(!may_hold_token("딥시크 쇼크 é 🎙️"));
    }

    #[test]
    fn inline_and_body_calls_with_typed_arguments() {
        let f = find(
            "a {{ youtube(id=\"x_y\", start=30) }} b\n\n{% quote(speaker='박희덕', at=\"12:34\", n=1.5, ok=true) %}\n말.\n{% end %}\n",
            opts(),
        );
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        assert_eq!(f.calls.len(), 2);
        assert_eq!(f.calls[0].name, "youtube");
        assert_eq!(f.calls[0].arg("id"), Some(&Arg::Str("x_y".into())));
        assert_eq!(f.calls[0].arg("start"), Some(&Arg::Int(30)));
        assert!(f.calls[1].body);
        assert_eq!(f.calls[1].arg("n"), Some(&Arg::Float(1.5)));
        assert_eq!(f.calls[1].arg("ok"), Some(&Arg::Bool(true)));
        assert!(!f.text.contains("{{") && !f.text.contains("{%"));
        assert!(f.text.contains("\n말.\n"));
    }

    #[test]
    fn code_stays_literal() {
        let text = "`{{ youtube(id=\"a\") }}`\n\n```\n{% quote() %}\n```\n\n    {{ x() }}\n";
        let f = find(text, opts());
        assert!(f.calls.is_empty() && f.errors.is_empty());
        assert_eq!(f.text, text);
    }

    #[test]
    fn mistakes_are_reported_where_they_are() {
        let f = find("x {{ youtube(id=) }}", opts());
        assert_eq!(f.errors[0].0, 2..20);
        assert!(
            f.errors[0].1.contains("the value of `id`"),
            "{}",
            f.errors[0].1
        );
        let f = find("{% quote(speaker=\"a\") %}\n말\n", opts());
        assert_eq!(f.errors[0].0, 0..2);
        assert!(f.errors[0].1.contains("has no `{% end %}`"));
        let f = find("말 {% end %}", opts());
        assert!(f.errors[0].1.contains("without a shortcode"));
        let f = find("{{ a(x=1, x=2) }}", opts());
        assert!(f.errors[0].1.contains("`x` is given twice"));
    }

    #[test]
    fn offsets_map_back_to_the_original() {
        let f = find("ab {{ y(a=1) }} [l](x.md)", opts());
        let l = f.text.find("[l]").unwrap();
        assert_eq!(f.original(l), "ab {{ y(a=1) }} ".len());
        assert_eq!(f.original(4), 3);
        assert_eq!(f.original(1), 1);
    }

    #[test]
    fn a_lone_shortcode_takes_its_paragraphs_place() {
        let html = format!("<p>{}{}</p>\n<p>x</p>", open_token(0), close_token(0));
        let s = spot(&html, 0, false).unwrap();
        assert_eq!(&html[s.outer.clone()], &html[..html.find('\n').unwrap()]);
        let html = format!(
            "<p>{}\n말.</p>\n<p>둘.\n{}</p>",
            open_token(3),
            close_token(3)
        );
        let s = spot(&html, 3, true).unwrap();
        assert_eq!(s.outer, 0..html.len());
        assert_eq!(s.inner, "<p>말.</p>\n<p>둘.</p>");
        let html = format!("<p>{}{} 뒤</p>", open_token(0), close_token(0));
        let s = spot(&html, 0, false).unwrap();
        assert_eq!(&html[..s.outer.start], "<p>");
    }
}
