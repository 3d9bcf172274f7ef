//! Cargo-style diagnostics: a message, `--> path:line:col`, the source line and a caret.
//!
//! Every mistake in a user's file becomes a [`Diagnostic`]; they are collected rather than
//! returned one at a time so a single run reports every broken file.

use std::fmt;
use std::ops::Range;

use unicode_width::UnicodeWidthStr;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A position in a file, already resolved to what a person reads in an editor.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters (so Hangul counts one per syllable).
    pub col: usize,
    /// The whole source line, without its line ending.
    pub source_line: String,
    /// Display width before the caret and of the caret, so wide (Hangul) characters line up.
    caret_offset: usize,
    caret_width: usize,
}

/// One problem found in a site's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// Path relative to the site root, with `/` separators.
    pub path: String,
    pub location: Option<Location>,
    /// Other places the problem involves (the other file of a clash), printed after the main
    /// snippet as cargo does, each under ` ::: path:line:col`.
    pub also: Vec<Secondary>,
    /// Extra lines printed after the snippets (`= note: ...`).
    pub notes: Vec<String>,
}

/// A second place a diagnostic points at, underlined with `-` and labelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secondary {
    pub path: String,
    /// `None` points at the file as a whole.
    pub location: Option<Location>,
    pub label: String,
}

impl Diagnostic {
    /// An error about a whole file, with no position in it.
    pub fn file(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            path: path.into(),
            location: None,
            also: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// An error at a byte range of `source`, the full text of the file at `path`.
    pub fn at(
        path: impl Into<String>,
        source: &str,
        range: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let mut d = Diagnostic::file(path, message);
        d.location = Some(locate(source, range));
        d
    }

    /// An error at a 1-based line and 0-based character column of `source`.
    pub fn at_line_col(
        path: impl Into<String>,
        source: &str,
        line: usize,
        col0: usize,
        width_chars: usize,
        message: impl Into<String>,
    ) -> Self {
        let start_of_line: usize = source
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum();
        let rest = &source[start_of_line.min(source.len())..];
        let start = rest.char_indices().nth(col0).map_or(rest.len(), |(i, _)| i);
        let end = rest[start..]
            .char_indices()
            .take_while(|(_, c)| *c != '\n')
            .nth(width_chars.max(1))
            .map_or_else(
                || start + rest[start..].find('\n').unwrap_or(rest.len() - start),
                |(i, _)| start + i,
            );
        Diagnostic::at(
            path,
            source,
            start_of_line + start..start_of_line + end,
            message,
        )
    }

    /// Adds a second place: `range` of `source`, the text of the file at `path`, or the whole
    /// file when `at` is `None`.
    pub fn with_secondary(
        mut self,
        path: impl Into<String>,
        at: Option<(&str, Range<usize>)>,
        label: impl Into<String>,
    ) -> Self {
        self.also.push(Secondary {
            path: path.into(),
            location: at.map(|(source, range)| locate(source, range)),
            label: label.into(),
        });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Converts a TOML error in text that starts at byte `offset` of the file `source`.
pub fn from_toml(path: &str, source: &str, offset: usize, err: &toml::de::Error) -> Diagnostic {
    let mut message = plain_serde_message(err.message().trim_end());
    if message == "duplicate key"
        && let Some(span) = err.span()
    {
        let key = source
            .get(span.start + offset..span.end + offset)
            .unwrap_or("")
            .trim();
        message = format!("duplicate key `{key}`, expected each key once in a table");
    }
    match err.span() {
        Some(span) => Diagnostic::at(
            path,
            source,
            span.start + offset..span.end + offset,
            message,
        ),
        None => Diagnostic::file(path, message),
    }
}

/// serde's words for types (`i64`, `a sequence`) in words a writer knows.
fn plain_serde_message(m: &str) -> String {
    let mut m = m.to_string();
    if let Some(i) = m.find(" as i128") {
        m.replace_range(i..i + " as i128".len(), "");
    }
    for (from, to) in [
        ("expected i64", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected u8", "expected a small whole number (0 to 255)"),
        (
            "expected a sequence",
            "expected an array such as [\"a\", \"b\"]",
        ),
        ("expected a map", "expected a table"),
        ("floating point", "number"),
    ] {
        m = m.replace(from, to);
    }
    m
}

/// Resolves a byte range to line, column and caret. Out-of-range or mid-character offsets are
/// clamped rather than trusted, since spans come from several parsers.
/// Locates many ranges of one source in increasing order without rescanning it for each:
/// line starts are found once, and columns counted on from the previous range on the same
/// line. Long lines are clipped around the range in the snippet.
pub struct Locator<'a> {
    source: &'a str,
    line_starts: Vec<usize>,
    /// (byte offset, 0-based column in characters) of the last range located.
    last: std::cell::Cell<(usize, usize)>,
}

/// Longest source line a diagnostic shows whole; longer ones are clipped around the caret.
const SNIPPET_BYTES: usize = 240;

impl<'a> Locator<'a> {
    pub fn new(source: &'a str) -> Self {
        let bom = if source.starts_with('\u{feff}') { 3 } else { 0 };
        let line_starts = std::iter::once(bom)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Locator {
            source,
            line_starts,
            last: std::cell::Cell::new((0, 0)),
        }
    }

    pub fn locate(&self, range: Range<usize>) -> Location {
        let source = self.source;
        let mut start = range.start.min(source.len());
        while !source.is_char_boundary(start) {
            start -= 1;
        }
        let line_ix = self.line_starts.partition_point(|&s| s <= start).max(1) - 1;
        let line_start = self.line_starts[line_ix];
        let start = start.max(line_start);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let (last_at, last_col) = self.last.get();
        let col0 = if last_at >= line_start && last_at <= start {
            last_col + source[last_at..start].chars().count()
        } else {
            source[line_start..start].chars().count()
        };
        self.last.set((start, col0));
        // A very long line shows a window around the range; a normal one shows whole.
        let (mut from, mut to) = if line_end - line_start <= SNIPPET_BYTES {
            (line_start, line_end)
        } else {
            (
                start.saturating_sub(SNIPPET_BYTES / 2).max(line_start),
                (start + SNIPPET_BYTES / 2).min(line_end),
            )
        };
        while !source.is_char_boundary(from) {
            from += 1;
        }
        while !source.is_char_boundary(to) {
            to -= 1;
        }
        let end = range.end.clamp(start, to);
        let window = source[from..to].trim_end_matches('\r');
        Location {
            line: line_ix + 1,
            col: col0 + 1,
            source_line: window.to_string(),
            caret_offset: source[from..start].width(),
            caret_width: source[start..end].width().max(1),
        }
    }
}

pub fn locate(source: &str, range: Range<usize>) -> Location {
    let mut start = range.start.min(source.len());
    while !source.is_char_boundary(start) {
        start -= 1;
    }
    // A UTF-8 byte-order mark is not a column anyone sees.
    let bom = if source.starts_with('\u{feff}') { 3 } else { 0 };
    let line_start = source[..start].rfind('\n').map_or(bom, |i| i + 1);
    let start = start.max(line_start);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    let line_text = source[line_start..line_end].trim_end_matches('\r');
    let line = source[..line_start].matches('\n').count() + 1;
    let before = &source[line_start..start.min(line_start + line_text.len())];
    let col = before.chars().count() + 1;
    // A span may start on the `\r` or `\n` that ends a line: never let the end fall before it.
    let mut end = range
        .end
        .clamp(start, (line_start + line_text.len()).max(start));
    while !source.is_char_boundary(end) {
        end -= 1;
    }
    let caret_width = source[start.min(end)..end].width().max(1);
    Location {
        line,
        col,
        source_line: line_text.to_string(),
        caret_offset: before.width(),
        caret_width,
    }
}

/// The last line after a failed build's diagnostics: how many errors, in how many files.
pub fn failure_summary(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let mut files: Vec<&str> = diags.iter().map(|d| d.path.as_str()).collect();
    files.sort_unstable();
    files.dedup();
    format!(
        "error: could not build the site: {} in {}",
        crate::text::count(errors, "error"),
        crate::text::count(files.len(), "file")
    )
}

/// Adds `new` to `list`, leaving out those already there (same file, place and message): a
/// broken template breaks every page or body that uses it, and is reported once.
pub fn extend_unique(list: &mut Vec<Diagnostic>, new: impl IntoIterator<Item = Diagnostic>) {
    for d in new {
        let same =
            |x: &Diagnostic| x.path == d.path && x.location == d.location && x.message == d.message;
        if !list.iter().any(same) {
            list.push(d);
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        // One gutter for every snippet, wide enough for the longest line number.
        let width = std::iter::once(&self.location)
            .chain(self.also.iter().map(|a| &a.location))
            .flatten()
            .map(|loc| loc.line.to_string().len())
            .max()
            .unwrap_or(1);
        let gutter = " ".repeat(width);
        match &self.location {
            Some(loc) => {
                writeln!(f, "{gutter}--> {}:{}:{}", self.path, loc.line, loc.col)?;
                snippet(f, &gutter, loc, '^', "")?;
            }
            None => write!(f, "{gutter}--> {}", self.path)?,
        }
        for also in &self.also {
            match &also.location {
                Some(loc) => {
                    write!(
                        f,
                        "\n{gutter} |\n{gutter}::: {}:{}:{}\n",
                        also.path, loc.line, loc.col
                    )?;
                    snippet(f, &gutter, loc, '-', &also.label)?;
                }
                None => write!(f, "\n{gutter}::: {}: {}", also.path, also.label)?,
            }
        }
        for note in &self.notes {
            write!(f, "\n{gutter} = note: {note}")?;
        }
        Ok(())
    }
}

/// The source line of `loc` with `mark` under its range and an optional label after it.
fn snippet(
    f: &mut fmt::Formatter<'_>,
    gutter: &str,
    loc: &Location,
    mark: char,
    label: &str,
) -> fmt::Result {
    writeln!(f, "{gutter} |")?;
    writeln!(
        f,
        "{:>w$} | {}",
        loc.line,
        loc.source_line,
        w = gutter.len()
    )?;
    write!(
        f,
        "{gutter} | {}{}",
        " ".repeat(loc.caret_offset),
        mark.to_string().repeat(loc.caret_width)
    )?;
    if !label.is_empty() {
        write!(f, " {label}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_the_value_with_a_caret() {
        let src = "+++\ntitle = \"x\"\ndraft = \"yes\"\n+++\n";
        let start = src.find("\"yes\"").unwrap();
        let d = Diagnostic::at(
            "content/posts/a.md",
            src,
            start..start + 5,
            "invalid type: string \"yes\", expected a boolean",
        );
        assert_eq!(
            d.to_string(),
            "error: invalid type: string \"yes\", expected a boolean\n \
             --> content/posts/a.md:3:9\n  |\n3 | draft = \"yes\"\n  |         ^^^^^"
        );
    }

    #[test]
    fn hangul_columns_count_characters_and_carets_use_display_width() {
        let src = "show = \"경제\" x";
        let start = src.find('x').unwrap();
        let loc = locate(src, start..start + 1);
        assert_eq!(loc.col, 13);
        // "show = \"" is 8 columns, each Hangul syllable 2, the quote and space 2 more.
        assert_eq!(loc.caret_offset, 14);
    }

    #[test]
    fn the_locator_agrees_with_locate() {
        let src = "\u{feff}+++\ntitle = \"딥시크\"\n+++\n[a](b.md) 그리고 [c](d.md)\n";
        let locator = Locator::new(src);
        for needle in ["+++", "[a]", "[c]", "title"] {
            let i = src.find(needle).unwrap();
            assert_eq!(locator.locate(i..i + 3), locate(src, i..i + 3), "{needle}");
        }
    }

    #[test]
    fn a_bom_is_not_a_column() {
        let loc = locate("\u{feff}+++\n", 0..6);
        assert_eq!((loc.line, loc.col), (1, 1));
        assert_eq!(loc.source_line, "+++");
    }

    #[test]
    fn crlf_is_not_part_of_the_source_line() {
        let loc = locate("a = 1\r\nb = ?\r\n", 11..12);
        assert_eq!((loc.line, loc.col), (2, 5));
        assert_eq!(loc.source_line, "b = ?");
    }

    #[test]
    fn a_span_on_a_crlf_line_ending_does_not_panic() {
        let src = "a = 1\r\nb = 2\r\n";
        let loc = locate(src, 6..7);
        assert_eq!((loc.line, loc.col, loc.caret_width), (1, 6, 1));
        let loc = locate(src, 5..40);
        assert_eq!(loc.line, 1);
    }

    #[test]
    fn line_col_positions_map_to_the_same_location() {
        let src = "one\ntwo {{ x }}\n";
        let d = Diagnostic::at_line_col("t.html", src, 2, 4, 2, "m");
        let loc = d.location.unwrap();
        assert_eq!((loc.line, loc.col, loc.caret_width), (2, 5, 2));
    }
}
