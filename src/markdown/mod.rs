//! Markdown to HTML with pulldown-cmark: unique Hangul-safe heading ids, a table of contents,
//! the summary, and the reading time.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;

pub mod tokens;

use crate::config::MarkdownOptions;
use crate::slug::slugify;

/// Reading rates behind `reading_time`. Korean is counted in words (어절, the space-separated
/// units), Chinese characters and Japanese kana one by one, everything else in words.
pub const HANGUL_WORDS_PER_MINUTE: f64 = 200.0;
pub const LATIN_WORDS_PER_MINUTE: f64 = 230.0;
pub const CJK_CHARS_PER_MINUTE: f64 = 300.0;

/// What the Markdown of one file renders to.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Rendered {
    /// HTML of the text before `<!-- more -->`, else of the first paragraph.
    #[serde(with = "crate::text::big_str_opt")]
    pub summary: Option<String>,
    pub reading: Reading,
    /// Every id a link can point at: headings and footnotes.
    pub ids: Vec<String>,
    /// Links to other content files, in order; the HTML holds [`link_token`]s for them until
    /// the site model knows their URLs.
    pub links: Vec<InternalLink>,
    /// Where each link is in the file (set by `content`, which knows the file).
    pub link_locations: Vec<crate::diagnostic::Location>,
    /// Shortcode calls, in order; the HTML holds their tokens (see [`crate::shortcode`])
    /// until `render` puts the templates' output there.
    #[serde(default)]
    pub shortcodes: Vec<crate::shortcode::Call>,
    /// Where each shortcode is in the file (set by `content`).
    #[serde(default)]
    pub shortcode_locations: Vec<crate::diagnostic::Location>,
    /// Shortcode syntax mistakes: byte range in the Markdown text and message.
    #[serde(default)]
    pub shortcode_errors: Vec<(std::ops::Range<usize>, String)>,
    /// Fingerprint of the plain text and search words: what the search index compares to
    /// know a post's part changed, without decoding [`Full`] from the build cache.
    #[serde(default)]
    pub text_fp: u64,
    /// What only the pages showing the body and the search index read: decoded from the
    /// build cache when first used (see [`crate::lazy`]).
    full: crate::lazy::Lazy<Full>,
    /// Set by the site model: the placeholders' values, put into the HTML when a page first
    /// reads it (kept in memory only: the build cache holds files as they parsed).
    #[serde(skip)]
    resolution: Option<std::sync::Arc<tokens::Resolution>>,
    #[serde(skip)]
    resolved: std::sync::OnceLock<String>,
}

/// The large parts of a [`Rendered`].
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Full {
    #[serde(with = "crate::text::big_str")]
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// The words a reader sees, blocks on lines of their own: what search excerpts show.
    #[serde(with = "crate::text::big_str")]
    pub text: String,
    /// The words of `text` with their weights for the search index (see
    /// [`crate::search::tokenize::body_words`]); set by `content` when search is on, so they
    /// are kept with the parsed file and a rebuild tokenizes only the files that changed.
    pub words: crate::search::tokenize::WordList,
}

impl Rendered {
    /// The HTML, with links and images resolved once the site model has (see
    /// [`Rendered::resolve_later`]).
    pub fn html(&self) -> &str {
        match &self.resolution {
            None => &self.full.get().html,
            Some(r) => self.resolved.get_or_init(|| r.apply(&self.full.get().html)),
        }
    }

    /// Has [`Rendered::html`] put `r`'s values in for the placeholders when first read.
    pub fn resolve_later(&mut self, r: tokens::Resolution) {
        self.resolution = Some(std::sync::Arc::new(r));
        self.resolved = std::sync::OnceLock::new();
    }

    pub fn toc(&self) -> &[TocEntry] {
        &self.full.get().toc
    }

    pub fn text(&self) -> &str {
        &self.full.get().text
    }

    pub fn words(&self) -> &crate::search::tokenize::WordList {
        &self.full.get().words
    }

    /// Sets the search words of the text (and the fingerprint that covers them).
    pub fn set_words(&mut self, words: crate::search::tokenize::WordList) {
        self.full.update(|f| f.words = words);
        self.text_fp = self.full_fingerprint();
    }

    fn full_fingerprint(&self) -> u64 {
        let f = self.full.get();
        crate::fingerprint::of(&(crate::fingerprint::of_bytes(f.text.as_bytes()), &f.words))
    }
}

/// A link to another content file: `@/posts/2025/a.md#anchor`, or a relative `../about.md`;
/// or a file the page uses: `[자료](data/table.csv)`, `![차트](chart.png)`,
/// `![로고](/images/logo.png)`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InternalLink {
    /// As written, without the anchor.
    pub target: String,
    pub anchor: Option<String>,
    /// Byte range of the link in the Markdown text, for errors.
    pub range: std::ops::Range<usize>,
    #[serde(default)]
    pub kind: LinkKind,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LinkKind {
    /// A Markdown file: the page made from it.
    #[default]
    Page,
    /// A file of the page's bundle (a relative path that is not Markdown).
    File,
    /// An image: the HTML holds [`image_token`] in place of the whole `<img>` until the
    /// model knows the image's size and variants.
    Image { alt: String, title: String },
}

/// What stands in the HTML for image `n` of [`Rendered::links`] until it is resolved.
pub fn image_token(n: usize) -> String {
    format!("<showpress-image:{n}>")
}

/// Whether an image or link destination is a file of the site (relative, or a path from the
/// root) rather than a URL elsewhere (`https:`, `//host`, `data:`, `mailto:`) or an anchor.
fn local_target(dest: &str) -> bool {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    let scheme = path
        .split_once(':')
        .is_some_and(|(s, _)| !s.contains('/') && !s.is_empty());
    !path.is_empty() && !scheme && !path.starts_with("//")
}

/// What stands in an `href` for internal link `n` until it is resolved.
pub fn link_token(n: usize) -> String {
    format!("showpress-internal-link:{n}")
}

/// Whether a link destination names a content file rather than a URL.
fn internal_target(dest: &str) -> Option<(String, Option<String>)> {
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a.to_string())),
        None => (dest, None),
    };
    let is_internal = path.starts_with("@/")
        || (path.ends_with(".md") && !path.contains("://") && !path.starts_with('/'));
    is_internal.then(|| (path.to_string(), anchor))
}

#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// Word counts by script and the reading time they add up to.
#[derive(Debug, Default, Clone, Copy, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Reading {
    pub hangul_words: usize,
    pub latin_words: usize,
    pub cjk_chars: usize,
    /// Whole minutes, rounded up; at least 1 for any text.
    pub minutes: u32,
}

thread_local! {
    /// Set while a Markdown render runs under `render_guarded`, so its panic stays quiet.
    static QUIET_PANICS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Renders like [`render`], but a panic inside the Markdown parser (pulldown-cmark has known
/// ones on odd input) becomes an `Err` with its message instead of crashing the build.
pub fn render_guarded(text: &str, opts: &MarkdownOptions) -> Result<Rendered, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET_PANICS.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
    QUIET_PANICS.with(|q| q.set(true));
    let result = std::panic::catch_unwind(|| render(text, opts));
    QUIET_PANICS.with(|q| q.set(false));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown failure".to_string())
    })
}

pub fn render(text: &str, opts: &MarkdownOptions) -> Rendered {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if opts.smart_punctuation {
        options |= Options::ENABLE_SMART_PUNCTUATION;
    }
    // Shortcodes become tokens first, so their arguments are never read as Markdown.
    let found = crate::shortcode::may_contain(text).then(|| crate::shortcode::find(text, options));
    let text = found.as_ref().map_or(text, |f| f.text.as_str());
    let mut links = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    // While inside an image: its index in `links`, and its alt text so far.
    let mut image: Option<(usize, String, usize)> = None;
    for (mut e, range) in Parser::new_ext(text, options).into_offset_iter() {
        if let Some((n, alt, depth)) = &mut image {
            match &e {
                Event::Start(Tag::Image { .. }) => *depth += 1,
                Event::End(TagEnd::Image) if *depth > 0 => *depth -= 1,
                Event::End(TagEnd::Image) => {
                    if let Some(InternalLink {
                        kind: LinkKind::Image { alt: a, .. },
                        ..
                    }) = links.get_mut(*n)
                    {
                        *a = std::mem::take(alt);
                    }
                    events.push(Event::InlineHtml(CowStr::from(image_token(*n))));
                    image = None;
                }
                Event::Text(t) | Event::Code(t) => alt.push_str(t),
                Event::SoftBreak | Event::HardBreak => alt.push(' '),
                _ => {}
            }
            continue;
        }
        match &mut e {
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some((target, anchor)) = internal_target(dest_url) {
                    *dest_url = CowStr::from(link_token(links.len()));
                    links.push(InternalLink {
                        target,
                        anchor,
                        range,
                        kind: LinkKind::Page,
                    });
                } else if local_target(dest_url)
                    && !dest_url.starts_with('/')
                    && !dest_url.starts_with('#')
                    && !dest_url.starts_with('?')
                    && !dest_url
                        .split(['#', '?'])
                        .next()
                        .unwrap_or("")
                        .ends_with('/')
                {
                    let (path, anchor) = match dest_url.split_once('#') {
                        Some((p, a)) => (p.to_string(), Some(a.to_string())),
                        None => (dest_url.to_string(), None),
                    };
                    *dest_url = CowStr::from(link_token(links.len()));
                    links.push(InternalLink {
                        target: path,
                        anchor,
                        range,
                        kind: LinkKind::File,
                    });
                }
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) if local_target(dest_url) && !dest_url.starts_with('#') => {
                image = Some((links.len(), String::new(), 0));
                links.push(InternalLink {
                    target: dest_url.to_string(),
                    anchor: None,
                    range,
                    kind: LinkKind::Image {
                        alt: String::new(),
                        title: title.to_string(),
                    },
                });
                continue;
            }
            // pulldown-cmark writes `<input disabled="" type="checkbox"/>` with no name, and a
            // screen reader then announces an unnamed checkbox (axe: label, critical). The name
            // says what the box means; its checked state says whether it is done.
            Event::TaskListMarker(checked) => {
                events.push(Event::InlineHtml(CowStr::from(task_marker(*checked))));
                continue;
            }
            _ => {}
        }
        events.push(e);
    }
    let mut events = scroll_boxes(events);
    let headings = assign_heading_ids(&mut events);
    let ids = collect_ids(&events);
    let toc = build_toc(&headings, opts.toc_depth);
    let text = plain_text(&events);
    let reading = reading_of(&text);
    let summary = summary_range(&events).map(|r| {
        let mut s = String::new();
        // Footnote references would point at definitions that are not in the summary.
        let events = events[r]
            .iter()
            .filter(|e| !matches!(e, Event::FootnoteReference(_)))
            .cloned();
        html::push_html(&mut s, events);
        s
    });
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    // A code block scrolls sideways by itself (see `scroll_boxes`), so the keyboard must
    // reach it. Done on the HTML: replacing the block's start event would leave its end
    // without a start, and the summary and plain text count on them pairing.
    if out.contains("<pre><code") {
        out = out.replace("<pre><code", "<pre tabindex=\"0\"><code");
    }
    let (shortcodes, shortcode_errors, summary) = match found {
        None => (Vec::new(), Vec::new(), summary),
        Some(f) => {
            for l in &mut links {
                l.range = f.original(l.range.start)..f.original(l.range.end);
            }
            // Lists and descriptions show the words, not players and figures.
            let summary = summary.map(|s| crate::shortcode::strip(&s, &f.calls));
            (f.calls, f.errors, summary)
        }
    };
    let mut r = Rendered {
        summary,
        reading,
        ids,
        links,
        link_locations: Vec::new(),
        shortcodes,
        shortcode_locations: Vec::new(),
        shortcode_errors,
        text_fp: 0,
        resolution: None,
        resolved: Default::default(),
        full: crate::lazy::Lazy::new(Full {
            html: out,
            toc,
            text,
            words: Default::default(),
        }),
    };
    r.text_fp = r.full_fingerprint();
    r
}

/// The HTML of a task list item's box: disabled, since a reader cannot tick a published list,
/// and named 완료 ("done") whatever its state, so the name never contradicts the state a
/// screen reader reads out with it.
fn task_marker(checked: bool) -> &'static str {
    if checked {
        "<input type=\"checkbox\" disabled checked aria-label=\"완료\"> "
    } else {
        "<input type=\"checkbox\" disabled aria-label=\"완료\"> "
    }
}

/// Puts each table in a box that scrolls sideways by itself (a code block scrolls the same
/// way and gets its `tabindex` on the HTML, in [`render`]), so neither widens the page on a
/// narrow screen. A box that scrolls must be
/// reachable by keyboard to be scrolled without a mouse (axe: scrollable-region-focusable),
/// hence `tabindex="0"`; the table's box is a named region so a screen reader says what the
/// stop is: 표 and the table's column headings.
fn scroll_boxes(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    // Labels first: a table's headings come after its start, which is where the box opens.
    let mut labels: std::collections::VecDeque<String> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e, Event::Start(Tag::Table(_))))
        .map(|(i, _)| table_label(&events[i + 1..]))
        .collect();
    let mut out = Vec::with_capacity(events.len() + 2 * labels.len());
    for e in events {
        match e {
            Event::Start(Tag::Table(_)) => {
                let label = labels.pop_front().unwrap_or_default();
                out.push(Event::Html(CowStr::from(format!(
                    "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">\n",
                    crate::text::escape_html(&label)
                ))));
                out.push(e);
            }
            Event::End(TagEnd::Table) => {
                out.push(e);
                out.push(Event::Html(CowStr::from("</div>\n")));
            }
            e => out.push(e),
        }
    }
    out
}

/// "표: " and the column headings of the table whose events follow its start, or "표" when
/// the headings are empty.
fn table_label(events: &[Event]) -> String {
    let mut cells: Vec<String> = Vec::new();
    for e in events {
        match e {
            Event::Start(Tag::TableCell) => cells.push(String::new()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = cells.last_mut() {
                    c.push_str(t);
                }
            }
            Event::End(TagEnd::TableHead) => break,
            _ => {}
        }
    }
    let cells: Vec<&str> = cells
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    if cells.is_empty() {
        "표".to_string()
    } else {
        format!("표: {}", cells.join(", "))
    }
}

fn collect_ids(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            Event::Start(Tag::FootnoteDefinition(label)) => Some(label.to_string()),
            _ => None,
        })
        .collect()
}

struct Heading {
    level: u8,
    id: String,
    title: String,
}

/// Gives every heading an id: its explicit `{#id}` or the slug of its text, made unique in the
/// document with `-1`, `-2`… so links to the second "시청자 질문" go to the second one. Explicit
/// ids and footnote ids (pulldown-cmark uses the footnote's label) are reserved first, so a
/// generated id never takes an anchor the author wrote.
fn assign_heading_ids(events: &mut [Event]) -> Vec<Heading> {
    let mut used: std::collections::HashSet<String> = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            Event::Start(Tag::FootnoteDefinition(label)) => Some(label.to_string()),
            _ => None,
        })
        .collect();
    let mut headings = Vec::new();
    // The next suffix to try per base id, so ten thousand equal headings stay linear.
    let mut next_suffix: std::collections::HashMap<String, usize> =
        std::collections::HashMap::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = heading_level(*level);
            let explicit = id.as_ref().map(|s| s.to_string());
            let mut title = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    title.push_str(t);
                }
                j += 1;
            }
            let unique = match explicit {
                Some(id) => id,
                None => {
                    let base = slugify(title.trim());
                    let mut unique = base.clone();
                    let n = next_suffix.entry(base.clone()).or_insert(1);
                    while !used.insert(unique.clone()) {
                        unique = format!("{base}-{n}");
                        *n += 1;
                    }
                    unique
                }
            };
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(unique.clone()));
            }
            headings.push(Heading {
                level,
                id: unique,
                title: title.trim().to_string(),
            });
            i = j;
        }
        i += 1;
    }
    headings
}

fn heading_level(l: HeadingLevel) -> u8 {
    l as u8
}

/// Nests headings under the nearest shallower one; skipped levels (h2 then h4) still nest.
fn build_toc(headings: &[Heading], max_level: u8) -> Vec<TocEntry> {
    fn insert(list: &mut Vec<TocEntry>, entry: TocEntry) {
        match list.last_mut() {
            Some(last) if last.level < entry.level => insert(&mut last.children, entry),
            _ => list.push(entry),
        }
    }
    let mut toc = Vec::new();
    for h in headings.iter().filter(|h| h.level <= max_level) {
        insert(
            &mut toc,
            TocEntry {
                level: h.level,
                id: h.id.clone(),
                title: h.title.clone(),
                children: Vec::new(),
            },
        );
    }
    toc
}

/// The events that make the summary: up to a `<!-- more -->` block, else the first paragraph.
fn summary_range(events: &[Event]) -> Option<std::ops::Range<usize>> {
    let marker = events
        .iter()
        .position(|e| matches!(e, Event::Html(t) if t.trim() == "<!-- more -->"));
    if let Some(mut m) = marker {
        while m > 0 && matches!(events[m - 1], Event::Start(Tag::HtmlBlock)) {
            m -= 1;
        }
        // A marker at the very top marks nothing: fall back to the first paragraph.
        if m > 0 {
            return Some(0..m);
        }
    }
    let mut depth = 0usize;
    let mut start = None;
    for (i, e) in events.iter().enumerate() {
        match e {
            Event::Start(Tag::Paragraph) if depth == 0 => start = Some(i),
            Event::End(TagEnd::Paragraph) if depth == 1 && start.is_some() => {
                return start.map(|s| s..i + 1);
            }
            _ => {}
        }
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The text of the events, without markup or shortcode tokens: a line break after every
/// block and line, so words of two blocks never run together.
fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    for e in events {
        match e {
            // Text without a shortcode token, nearly all of it, is copied whole instead of
            // character by character.
            Event::Text(t) | Event::Code(t) if !crate::shortcode::may_hold_token(t) => {
                text.push_str(t)
            }
            Event::Text(t) | Event::Code(t) => {
                text.extend(t.chars().filter(|c| !crate::shortcode::is_token_char(*c)))
            }
            // Inline markup ends inside a word (`**굵게**는`): nothing between the parts.
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::Superscript
                | TagEnd::Subscript,
            ) => {}
            Event::SoftBreak if !text.ends_with(['\n', ' ']) => text.push(' '),
            Event::End(_) | Event::HardBreak if !text.ends_with(['\n', ' ']) => text.push('\n'),
            _ => {}
        }
    }
    text.truncate(text.trim_end().len());
    text
}

/// Counts words by script and turns them into minutes at the rates above.
pub fn reading_of(text: &str) -> Reading {
    let mut r = Reading::default();
    // One pass over the characters (a word is a run without whitespace), with Hangul
    // syllables and ASCII tested first: they are nearly all of a Korean post.
    let (mut hangul, mut other) = (false, false);
    let count = |r: &mut Reading, hangul: &mut bool, other: &mut bool| {
        if *hangul {
            r.hangul_words += 1;
        } else if *other {
            r.latin_words += 1;
        }
        (*hangul, *other) = (false, false);
    };
    for c in text.chars() {
        if c.is_ascii() {
            // Not `is_ascii_whitespace`, which leaves out the vertical tab.
            if c.is_whitespace() {
                count(&mut r, &mut hangul, &mut other);
            } else if c.is_ascii_alphanumeric() {
                other = true;
            }
        } else if ('\u{AC00}'..='\u{D7A3}').contains(&c) {
            hangul = true;
        } else if c.is_whitespace() {
            count(&mut r, &mut hangul, &mut other);
        } else if is_cjk(c) {
            r.cjk_chars += 1;
        } else if crate::text::is_hangul(c) {
            hangul = true;
        } else if c.is_alphanumeric() {
            other = true;
        }
    }
    count(&mut r, &mut hangul, &mut other);
    let minutes = r.hangul_words as f64 / HANGUL_WORDS_PER_MINUTE
        + r.latin_words as f64 / LATIN_WORDS_PER_MINUTE
        + r.cjk_chars as f64 / CJK_CHARS_PER_MINUTE;
    r.minutes = minutes.ceil() as u32;
    if r.minutes == 0 && (r.hangul_words + r.latin_words + r.cjk_chars) > 0 {
        r.minutes = 1;
    }
    r
}

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FFFF}' | '\u{3040}'..='\u{30FF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(s: &str) -> Rendered {
        render(s, &MarkdownOptions::default())
    }

    #[test]
    fn heading_ids_are_hangul_and_unique() {
        let r = md("## 시청자 질문\n\n## 시청자 질문\n\n## Custom {#mine}\n");
        assert!(r.html().contains("<h2 id=\"시청자-질문\">시청자 질문</h2>"));
        assert!(
            r.html()
                .contains("<h2 id=\"시청자-질문-1\">시청자 질문</h2>")
        );
        assert!(r.html().contains("<h2 id=\"mine\">Custom</h2>"));
    }

    #[test]
    fn generated_ids_give_way_to_explicit_and_footnote_ids() {
        let r = md("## mine\n\n## Custom {#mine}\n\n## 1\n\ntext[^1]\n\n[^1]: note\n");
        assert!(r.html().contains("<h2 id=\"mine-1\">mine</h2>"));
        assert!(r.html().contains("<h2 id=\"mine\">Custom</h2>"));
        assert!(r.html().contains("<h2 id=\"1-1\">1</h2>"));
    }

    #[test]
    fn summaries_drop_footnote_references_and_ignore_a_leading_marker() {
        let r = md("First[^1].\n\nSecond.\n\n[^1]: note\n");
        assert_eq!(r.summary.unwrap(), "<p>First.</p>\n");
        let r = md("<!-- more -->\n\nOnly paragraph.\n");
        assert_eq!(r.summary.unwrap(), "<p>Only paragraph.</p>\n");
    }

    #[test]
    fn internal_links_become_tokens_and_are_recorded() {
        let r = md(
            "See [a](@/posts/a.md#x), [b](../about.md) and [c](https://e.com/x.md).\n\n## Heading\n",
        );
        assert!(
            r.html()
                .contains("<a href=\"showpress-internal-link:0\">a</a>")
        );
        assert!(
            r.html()
                .contains("<a href=\"showpress-internal-link:1\">b</a>")
        );
        assert!(r.html().contains("<a href=\"https://e.com/x.md\">c</a>"));
        assert_eq!(r.links[0].target, "@/posts/a.md");
        assert_eq!(r.links[0].anchor.as_deref(), Some("x"));
        assert_eq!(r.links[1].target, "../about.md");
        assert_eq!(r.ids, vec!["heading"]);
    }

    #[test]
    fn toc_nests_by_level() {
        let r = md("## A\n### B\n#### too deep\n## C\n");
        assert_eq!(r.toc().len(), 2);
        assert_eq!(r.toc()[0].children[0].title, "B");
        assert!(r.toc()[0].children[0].children.is_empty());
    }

    #[test]
    fn summary_is_text_before_more_else_first_paragraph() {
        let r = md("First.\n\nSecond.\n\n<!-- more -->\n\nThird.\n");
        assert_eq!(r.summary.unwrap(), "<p>First.</p>\n<p>Second.</p>\n");
        let r = md("# Title\n\nFirst *para*.\n\nSecond.\n");
        assert_eq!(r.summary.unwrap(), "<p>First <em>para</em>.</p>\n");
        assert_eq!(md("").summary, None);
    }

    #[test]
    fn extensions_and_raw_html() {
        let r = md(
            "| a |\n|---|\n| 1 |\n\n~~x~~ - [x] done\n\nnote[^1]\n\n[^1]: foot\n\n<div class=\"raw\">ok</div>\n",
        );
        assert!(r.html().contains("<table>"));
        assert!(r.html().contains("<del>x</del>"));
        assert!(r.html().contains("footnote-definition"));
        assert!(r.html().contains("<div class=\"raw\">ok</div>"));
    }

    #[test]
    fn table_boxes_are_named_by_escaped_headings_or_just_표() {
        let r = md("| \"비용\" | `GPU` |\n|---|---|\n| 1 | 2 |\n\n|  |\n|---|\n| x |\n");
        assert!(r.html().contains(
            "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"표: &quot;비용&quot;, GPU\">\n<table>"
        ));
        assert!(r.html().contains(
            "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"표\">\n<table>"
        ));
        assert_eq!(r.html().matches("</table>\n</div>\n").count(), 2);
    }

    #[test]
    fn reading_time_counts_korean_words_english_words_and_hanzi() {
        let r = reading_of("딥시크의 성공은 uncommon but real 漢字");
        assert_eq!((r.hangul_words, r.latin_words, r.cjk_chars), (2, 3, 2));
        assert_eq!(r.minutes, 1);
        // 400 Korean words at 200/min and 230 English words at 230/min: 3 minutes.
        let text = "가나 ".repeat(400) + &"word ".repeat(230);
        assert_eq!(reading_of(&text).minutes, 3);
        assert_eq!(reading_of("").minutes, 0);
    }

    #[test]
    fn reading_counts_in_one_pass_what_splitting_on_whitespace_counts() {
        // The counting as it was written first: split on whitespace, then look at each word.
        fn by_words(text: &str) -> (usize, usize, usize) {
            let (mut h, mut l, mut c) = (0, 0, 0);
            for token in text.split_whitespace() {
                let (mut hangul, mut other) = (false, false);
                for ch in token.chars() {
                    if is_cjk(ch) {
                        c += 1;
                    } else if crate::text::is_hangul(ch) {
                        hangul = true;
                    } else if ch.is_alphanumeric() {
                        other = true;
                    }
                }
                if hangul {
                    h += 1;
                } else if other {
                    l += 1;
                }
            }
            (h, l, c)
        }
        for text in [
            "딥시크의 성공은 uncommon but real 漢字",
            "a漢b 가x\u{0b}y\u{3000}ㄱㄴ 、 — 1,000원 HBM4는 かな",
            "  \t\n",
            "é ß Ǆ\u{00a0}ü 🎙️방송 🎙️",
        ] {
            let r = reading_of(text);
            assert_eq!(
                (r.hangul_words, r.latin_words, r.cjk_chars),
                by_words(text),
                "{text}"
            );
        }
    }

    /// What broke: the code block's start event was replaced by HTML while its end stayed,
    /// and finding the summary counted one level too many ends (a panic in the fuzz test).
    #[test]
    fn a_code_block_before_the_summary_keeps_the_events_paired() {
        let r = md("```\ncode\n```\n\nFirst.\n");
        assert_eq!(r.summary.as_deref(), Some("<p>First.</p>\n"));
        assert!(
            r.html()
                .starts_with("<pre tabindex=\"0\"><code>code\n</code></pre>\n"),
            "{}",
            r.html()
        );
    }
}
