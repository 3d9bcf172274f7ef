//! Fitting text into lines by the font's real advance widths. SVG has no text wrapping, so
//! the title is broken into lines here: at spaces when it can be, as Korean is written with
//! spaces between words, and between any two characters when one word is longer than a line
//! (any two Hangul syllables may be split). At most `max_lines` lines; when the text is longer
//! the last line ends with "…", and no line is wider than the width given.

/// The ellipsis that ends a cut line.
pub const ELLIPSIS: char = '…';

/// `text` (words separated by single spaces) in at most `max_lines` lines no wider than
/// `max_width`, measured with `advance` (the width of one character at the size drawn).
pub fn wrap(
    text: &str,
    max_width: f32,
    max_lines: usize,
    advance: &dyn Fn(char) -> f32,
) -> Vec<String> {
    let width = |s: &str| s.chars().map(advance).sum::<f32>();
    let space = advance(' ');
    let mut lines: Vec<String> = Vec::new();
    // Where each line starts in `text`, so the cut last line takes the rest as written (a
    // word broken across lines has no space to put back).
    let mut starts: Vec<usize> = Vec::new();
    let mut line = String::new();
    let mut line_width = 0.0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let at = word.as_ptr() as usize - text.as_ptr() as usize;
        let w = width(word);
        if !line.is_empty() && line_width + space + w <= max_width {
            line.push(' ');
            line.push_str(word);
            line_width += space + w;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        starts.push(at);
        if w <= max_width {
            line.push_str(word);
            line_width = w;
            continue;
        }
        // A word longer than a line: as many characters as fit on each line.
        line_width = 0.0;
        for (i, c) in word.char_indices() {
            let a = advance(c);
            if !line.is_empty() && line_width + a > max_width {
                lines.push(std::mem::take(&mut line));
                starts.push(at + i);
                line_width = 0.0;
            }
            line.push(c);
            line_width += a;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() <= max_lines || max_lines == 0 {
        lines.truncate(max_lines);
        return lines;
    }
    // Too long: the last line shown takes what is left and is cut to fit with the ellipsis.
    let rest = &text[starts[max_lines - 1]..];
    lines.truncate(max_lines - 1);
    lines.push(cut(rest, max_width, advance));
    lines
}

/// `text` on one line no wider than `max_width`: as it is when it fits, else cut with "…".
pub fn fit(text: &str, max_width: f32, advance: &dyn Fn(char) -> f32) -> String {
    if text.trim().is_empty() {
        String::new()
    } else if text.chars().map(advance).sum::<f32>() <= max_width {
        text.to_string()
    } else {
        cut(text, max_width, advance)
    }
}

/// The longest start of `text` that fits in `max_width` with "…" after it (trailing spaces
/// dropped before the ellipsis).
fn cut(text: &str, max_width: f32, advance: &dyn Fn(char) -> f32) -> String {
    let room = max_width - advance(ELLIPSIS);
    let mut out = String::new();
    let mut w = 0.0;
    for c in text.chars() {
        let a = advance(c);
        if w + a > room {
            break;
        }
        out.push(c);
        w += a;
    }
    let mut out = out.trim_end().to_string();
    out.push(ELLIPSIS);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character 1 wide but spaces (0.5) and Hangul syllables (2, as wide as an em).
    fn advance(c: char) -> f32 {
        match c {
            ' ' => 0.5,
            '가'..='힣' => 2.0,
            _ => 1.0,
        }
    }

    fn width(s: &str) -> f32 {
        s.chars().map(advance).sum()
    }

    #[test]
    fn breaks_at_spaces() {
        let lines = wrap("부산 쇼의 새 코너 소개", 10.0, 3, &advance);
        assert_eq!(lines, ["부산 쇼의", "새 코너", "소개"]);
    }

    #[test]
    fn a_word_longer_than_a_line_breaks_between_syllables() {
        let lines = wrap("가나다라마바사아자차 끝", 10.0, 3, &advance);
        assert_eq!(lines, ["가나다라마", "바사아자차", "끝"]);
    }

    #[test]
    fn a_long_title_is_cut_with_an_ellipsis_on_the_last_line() {
        let title = "한국어 제목이 아주 길어서 세 줄에 다 들어가지 않는 경우를 시험합니다";
        let lines = wrap(title, 12.0, 3, &advance);
        assert_eq!(lines.len(), 3);
        assert!(lines[2].ends_with(ELLIPSIS), "{lines:?}");
        for l in &lines {
            assert!(width(l) <= 12.0, "{l} is {} wide", width(l));
        }
    }

    #[test]
    fn the_cut_line_does_not_split_a_broken_word_with_a_space() {
        let lines = wrap("가나다라마바사아자차카타파하", 6.0, 2, &advance);
        assert_eq!(lines, ["가나다", "라마…"]);
    }

    #[test]
    fn lines_never_exceed_the_width_or_the_count() {
        // 120 characters of Hangul with a few spaces, and one without any.
        let spaced: String = (0..120)
            .map(|i| if i % 7 == 6 { ' ' } else { '한' })
            .collect();
        let solid: String = "가".repeat(120);
        for text in [spaced.as_str(), solid.as_str(), "a b c", ""] {
            for max_lines in 1..=4 {
                let lines = wrap(text, 21.0, max_lines, &advance);
                assert!(lines.len() <= max_lines);
                for l in &lines {
                    assert!(width(l) <= 21.0, "{l:?}");
                }
            }
        }
    }

    #[test]
    fn fit_keeps_a_short_line_and_cuts_a_long_one() {
        assert_eq!(fit("출연 김철수", 20.0, &advance), "출연 김철수");
        assert_eq!(fit("", 20.0, &advance), "");
        assert_eq!(fit("출연 김철수 박영희", 10.0, &advance), "출연 김철…");
    }
}
