//! Splits a Markdown file into its `+++` TOML front matter and body, keeping byte offsets so
//! TOML errors point at the right line of the file.

use std::ops::Range;

/// The two parts of a content file, borrowed from its text.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub front_matter: &'a str,
    /// Byte offset of `front_matter` in the file (after a BOM and the opening line).
    pub front_matter_offset: usize,
    pub body: &'a str,
    pub body_offset: usize,
    /// Where the opening `+++` line is, for errors about the front matter as a whole.
    pub opening: Range<usize>,
}

/// Why a file has no usable front matter; the range is where to point.
#[derive(Debug, PartialEq, Eq)]
pub enum SplitError {
    Missing(Range<usize>),
    Unclosed(Range<usize>),
}

impl SplitError {
    pub fn message(&self) -> &'static str {
        match self {
            SplitError::Missing(_) => {
                "missing front matter, expected the file to start with a `+++` line"
            }
            SplitError::Unclosed(_) => {
                "unclosed front matter, expected a closing `+++` line after the TOML"
            }
        }
    }

    pub fn range(&self) -> Range<usize> {
        match self {
            SplitError::Missing(r) | SplitError::Unclosed(r) => r.clone(),
        }
    }
}

fn is_delimiter(line: &str) -> bool {
    line.trim_end_matches(['\n', '\r', ' ', '\t']) == "+++"
}

pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = text[start..].split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    let first_len = first.trim_end_matches(['\n', '\r']).len();
    if !is_delimiter(first) {
        return Err(SplitError::Missing(start..start + first_len.max(1)));
    }
    let fm_start = start + first.len();
    let mut pos = fm_start;
    for line in lines {
        if is_delimiter(line) {
            let body_offset = pos + line.len();
            return Ok(Split {
                front_matter: &text[fm_start..pos],
                front_matter_offset: fm_start,
                body: &text[body_offset..],
                body_offset,
                opening: start..start + first_len,
            });
        }
        pos += line.len();
    }
    Err(SplitError::Unclosed(start..start + first_len))
}

/// Where a multi-line string (`"""` or `\'\'\'`) opens that the front matter never closes:
/// its byte offset in `toml` and its quotes. That happens when a `+++` line inside the string
/// ended the front matter (a line of only `+++` always does, as in Hugo and Zola), so a TOML
/// error about such a string is better explained by that than by TOML's own words.
pub fn unclosed_multiline_string(toml: &str) -> Option<(usize, &'static str)> {
    let bytes = toml.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => i += toml[i..].find('\n').unwrap_or(toml.len() - i),
            q @ (b'"' | b'\'') => {
                let quotes = if q == b'"' { "\"\"\"" } else { "\'\'\'" };
                if toml[i..].starts_with(quotes) {
                    let from = i + 3;
                    match find_closing(&toml[from..], quotes) {
                        Some(end) => i = from + end,
                        None => return Some((i, quotes)),
                    }
                } else {
                    // A one-line string: to its closing quote (a basic string's `\"` does not
                    // close it), or to the end of the line when it has none.
                    let mut j = i + 1;
                    while j < bytes.len() && bytes[j] != q && bytes[j] != b'\n' {
                        j += if q == b'"' && bytes[j] == b'\\' { 2 } else { 1 };
                    }
                    i = j + 1;
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// The end (after the quotes) of the first closing `quotes` in `rest`, skipping a basic
/// string's escapes (by bytes: `j` may sit inside a multi-byte character); TOML lets up to two more quote characters sit before the closing three.
fn find_closing(rest: &str, quotes: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    let q = quotes.as_bytes()[0];
    let mut j = 0;
    while j < bytes.len() {
        if q == b'"' && bytes[j] == b'\\' {
            j += 2;
        } else if bytes[j..].starts_with(quotes.as_bytes()) {
            let mut end = j + 3;
            while end < bytes.len() && bytes[end] == q && end < j + 5 {
                end += 1;
            }
            return Some(end);
        } else {
            j += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_offsets() {
        let s = split("+++\ntitle = \"a\"\n+++\nbody\n").unwrap();
        assert_eq!(s.front_matter, "title = \"a\"\n");
        assert_eq!(s.front_matter_offset, 4);
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_offset, 20);
    }

    #[test]
    fn bom_and_crlf_are_fine() {
        let text = "\u{feff}+++\r\ntitle = \"a\"\r\n+++\r\nbody\r\n";
        let s = split(text).unwrap();
        assert_eq!(s.front_matter, "title = \"a\"\r\n");
        assert_eq!(&text[s.front_matter_offset..][..5], "title");
        assert_eq!(s.body, "body\r\n");
    }

    #[test]
    fn closing_line_at_end_of_file_without_newline() {
        let s = split("+++\na = 1\n+++").unwrap();
        assert_eq!(s.body, "");
    }

    #[test]
    fn missing_and_unclosed() {
        assert_eq!(split("# hi\n"), Err(SplitError::Missing(0..4)));
        assert_eq!(split(""), Err(SplitError::Missing(0..1)));
        assert_eq!(split("+++\ntitle = 1\n"), Err(SplitError::Unclosed(0..3)));
        // `++++` is not a delimiter.
        assert_eq!(split("+++\na = 1\n++++\n"), Err(SplitError::Unclosed(0..3)));
    }

    #[test]
    fn finds_a_multiline_string_left_open() {
        assert_eq!(
            unclosed_multiline_string("a = 1\nb = \"\"\"\nline\n"),
            Some((10, "\"\"\""))
        );
        assert_eq!(
            unclosed_multiline_string("b = \'\'\'\nline\n"),
            Some((4, "\'\'\'"))
        );
        // Closed ones, quotes in one-line strings and comments, escaped quotes: none open.
        for closed in [
            "b = \"\"\"\nx\n\"\"\"\nc = 1\n",
            "b = \"\"\"x \\\"\"\" y\"\"\"\n",
            "b = \"\"\"ends in a quote\"\"\"\"\n",
            "s = 'it''s'\n",
            "s = \"say \\\"\"\n# a comment with \"\"\"\n",
            "s = '\"\"\"'\n",
        ] {
            assert_eq!(unclosed_multiline_string(closed), None, "{closed}");
        }
    }
}
