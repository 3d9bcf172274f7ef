//! Splitting text into the terms of the search index, without a dictionary.
//!
//! Korean writes particles and endings onto the word (`반도체의`, `반도체를`) and runs nouns
//! together into compounds (`한국에너지전략연구원`, `벤처투자`), and a guest is written as one
//! word, family name first (`박희덕`). A dictionary-based analyser (mecab-ko, lindera's ko-dic)
//! would split these, but its dictionary cannot be built offline, and names of people and new
//! companies are exactly what it lacks. So the index holds, besides every word, every suffix of
//! a Hangul word two syllables or longer: `연구원` is a suffix of `한국에너지전략연구원`, `희덕`
//! of `박희덕`. The reader's browser matches query words as prefixes of index terms, so a
//! query finds its word at the start of any suffix, that is, anywhere inside a word; and a
//! particle after it (`반도체의`) is just more of the term.
//!
//! Suffixes weigh half of whole words, so a post that has `투자` as a word ranks above one
//! that only has `벤처투자`. Single-syllable suffixes are not indexed: they would be mostly
//! particles (`의`, `를`) matching every post. Text outside Hangul is split into words of
//! letters and digits and lowercased, so `DeepSeek`, `deepseek` and `HBM` match as readers
//! type them.
//!
//! `search.js` splits queries with the same rules (see `words` there): the two must agree.

use crate::text::is_hangul;

/// Letters and digits, with the common cases first: Rust's own test looks Hangul up in a
/// table, which was the tokenizer's largest cost.
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || ('\u{AC00}'..='\u{D7A3}').contains(&c)
        || (!c.is_ascii() && c.is_alphanumeric())
}

/// What a character is to [`words`]: between words, or a letter or digit of Hangul or of
/// another script.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Gap,
    Hangul,
    Other,
}

/// The class and UTF-8 length of the character at byte `i` of `text` (a character boundary),
/// or `None` at the end. ASCII is told from its byte without decoding: with Hangul, nearly all
/// of what posts are written in.
#[inline]
fn class_at(text: &str, i: usize) -> Option<(Class, usize)> {
    let b = *text.as_bytes().get(i)?;
    if b.is_ascii() {
        let class = if b.is_ascii_alphanumeric() {
            Class::Other
        } else {
            Class::Gap
        };
        return Some((class, 1));
    }
    // A Hangul syllable (U+AC00..U+D7A3, lead byte 0xEA..0xED) decoded from its three bytes:
    // most characters of a Korean post.
    if (0xEA..=0xED).contains(&b)
        && let [b1, b2] = text.as_bytes().get(i + 1..i + 3)?
    {
        let c = (u32::from(b & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
        if (0xAC00..=0xD7A3).contains(&c) {
            return Some((Class::Hangul, 3));
        }
    }
    let c = text.get(i..)?.chars().next()?;
    let class = if !is_word_char(c) {
        Class::Gap
    } else if is_hangul(c) {
        Class::Hangul
    } else {
        Class::Other
    };
    Some((class, c.len_utf8()))
}

/// Splits `text` (already lowercased) into words: runs of letters and digits, cut where
/// Hangul meets other letters (`HBM4는` is `hbm4` and `는`: a reader types the Latin part).
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    let mut i = 0;
    std::iter::from_fn(move || {
        let (start, class) = loop {
            let (class, len) = class_at(text, i)?;
            if class != Class::Gap {
                break (i, class);
            }
            i += len;
        };
        while let Some((c, len)) = class_at(text, i) {
            if c != class {
                break;
            }
            i += len;
        }
        Some(&text[start..i])
    })
}

/// The longest word whose suffixes are indexed, in syllables: longer runs are rare in prose
/// (URLs and run-together lists) and would add many terms for nothing a reader types.
const MAX_SUFFIX_WORD: usize = 16;

/// The suffixes of two syllables or more of a Hangul word of three to [`MAX_SUFFIX_WORD`]
/// syllables, longest first; none for other words.
pub fn suffixes(word: &str) -> impl Iterator<Item = &str> {
    let hangul = word.chars().next().is_some_and(is_hangul);
    let n = if hangul { word.chars().count() } else { 0 };
    let take = if (3..=MAX_SUFFIX_WORD).contains(&n) {
        n - 2
    } else {
        0
    };
    // From the second syllable to the one before last: each suffix keeps two or more.
    word.char_indices()
        .skip(1)
        .take(take)
        .map(move |(i, _)| &word[i..])
}

/// How much a field weighs per occurrence of a word: a word in the title says more about the
/// post than one in its body; a show, guest or tag is what the post is about.
pub const BODY: u8 = 2;
pub const FIELD: u8 = 12;
pub const TITLE: u8 = 20;

/// A term found inside a word weighs half of the word.
pub fn suffix_weight(word: u8) -> u8 {
    (word / 2).max(1)
}

/// The distinct words of a text with their weights, sorted: what the index keeps of a post's
/// body. One string and one byte per word, because a site keeps 10,000 of these in memory and
/// in its build cache; the suffixes are made from the site's vocabulary when the index is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct WordList {
    /// The words, each followed by `\n`.
    words: String,
    weights: Vec<u8>,
}

impl WordList {
    /// (word, weight), sorted by word.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u8)> {
        self.words
            .split_terminator('\n')
            .zip(self.weights.iter().copied())
    }
}

/// The words of a body with their weights: [`BODY`] for each time a word occurs, up to four.
pub fn body_words(text: &str) -> WordList {
    let lower = crate::text::lowercase(text);
    // About one distinct word per 20 bytes of a post's text: sized so the map rarely grows.
    let mut counts: crate::fingerprint::FastMap<&str, u8> =
        crate::fingerprint::FastMap::with_capacity_and_hasher(text.len() / 20, Default::default());
    for w in words(&lower) {
        let c = counts.entry(w).or_default();
        *c = c.saturating_add(1);
    }
    let mut sorted: Vec<(&str, u8)> = counts.into_iter().collect();
    sorted.sort_unstable();
    let mut list = WordList {
        words: String::with_capacity(sorted.iter().map(|(w, _)| w.len() + 1).sum()),
        weights: Vec::with_capacity(sorted.len()),
    };
    for (w, count) in sorted {
        list.words.push_str(w);
        list.words.push('\n');
        list.weights.push(BODY * count.min(4));
    }
    list
}

/// The words of a short field (a title, a name, a tag) with weight `field`, added into `out`:
/// the weights of the fields a word is in add up.
pub fn field_words(text: &str, field: u8, out: &mut crate::fingerprint::FastMap<String, u8>) {
    let lower = crate::text::lowercase(text);
    let mut seen: Vec<&str> = words(&lower).collect();
    seen.sort_unstable();
    seen.dedup();
    for w in seen {
        let e = out.entry(w.to_string()).or_default();
        *e = e.saturating_add(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_words(text: &str) -> Vec<&str> {
        words(text).collect()
    }

    /// A word and its suffixes: the terms the index holds for it.
    fn terms(word: &str) -> Vec<String> {
        let mut out = Vec::new();
        for w in words(word) {
            out.push(w.to_string());
            out.extend(suffixes(w).map(str::to_string));
        }
        out
    }

    #[test]
    fn korean_words_split_on_spaces_and_punctuation_keep_their_particles() {
        assert_eq!(
            all_words("반도체의 미래, \"딥시크\"를 말하다."),
            ["반도체의", "미래", "딥시크", "를", "말하다"]
        );
    }

    #[test]
    fn hangul_and_latin_in_one_word_are_two_words() {
        assert_eq!(
            all_words("hbm4는 sk하이닉스"),
            ["hbm4", "는", "sk", "하이닉스"]
        );
        assert_eq!(all_words("gpt-4o와 r1"), ["gpt", "4o", "와", "r1"]);
    }

    #[test]
    fn a_compound_noun_is_indexed_with_every_suffix_of_two_syllables_or_more() {
        assert_eq!(
            terms("한국에너지전략연구원"),
            [
                "한국에너지전략연구원",
                "국에너지전략연구원",
                "에너지전략연구원",
                "너지전략연구원",
                "지전략연구원",
                "전략연구원",
                "략연구원",
                "연구원",
                "구원"
            ]
        );
        // A given name is a suffix of the full name.
        assert_eq!(terms("박희덕"), ["박희덕", "희덕"]);
        assert_eq!(terms("벤처투자"), ["벤처투자", "처투자", "투자"]);
        // Two syllables: the word alone (its one-syllable suffix would be a particle).
        assert_eq!(terms("반도체를"), ["반도체를", "도체를", "체를"]);
        assert_eq!(terms("미래"), ["미래"]);
    }

    #[test]
    fn latin_words_and_numbers_get_no_suffixes() {
        assert_eq!(terms("deepseek"), ["deepseek"]);
        assert_eq!(terms("2025"), ["2025"]);
    }

    #[test]
    fn body_words_are_lowercased_and_counted_up_to_four_times() {
        let list = body_words("DeepSeek 벤처투자 투자 투자 DEEPSEEK 투자 투자 투자");
        let got: Vec<(&str, u8)> = list.iter().collect();
        assert_eq!(
            got,
            [
                ("deepseek", 2 * BODY),
                ("벤처투자", BODY),
                ("투자", 4 * BODY)
            ]
        );
    }

    #[test]
    fn field_weights_add_up_across_fields() {
        let mut out = crate::fingerprint::FastMap::default();
        field_words("딥시크 쇼크 딥시크", TITLE, &mut out);
        field_words("딥시크", FIELD, &mut out);
        assert_eq!(out.get("딥시크"), Some(&(TITLE + FIELD)));
        assert_eq!(out.get("쇼크"), Some(&TITLE));
        assert_eq!(suffix_weight(TITLE + FIELD), (TITLE + FIELD) / 2);
        assert_eq!(suffix_weight(1), 1);
    }

    #[test]
    fn words_split_as_the_character_by_character_rules_say() {
        // The rules as first written, with `str::find` over characters.
        fn by_chars(text: &str) -> Vec<&str> {
            let mut out = Vec::new();
            let mut rest = text;
            while let Some(start) = rest.find(is_word_char) {
                let from = &rest[start..];
                let hangul = from.chars().next().is_some_and(is_hangul);
                let len = from
                    .find(|c: char| !is_word_char(c) || is_hangul(c) != hangul)
                    .unwrap_or(from.len());
                out.push(&from[..len]);
                rest = &from[len..];
            }
            out
        }
        for text in [
            "hbm4는 반도체의 미래, \"딥시크\"를 말하다.",
            "ㄱㄴ가 é1ß 漢字가 かな 🎙️방송 a·b 1,000원 _x_ ǅ",
            "",
            "   ",
        ] {
            assert_eq!(all_words(text), by_chars(text), "{text}");
        }
    }

    #[test]
    fn words_never_split_inside_a_character() {
        // Emoji, Hanja and punctuation between words: every word is a whole str slice.
        assert_eq!(all_words("🎙️방송 漢字 a·b"), ["방송", "漢字", "a", "b"]);
    }
}
