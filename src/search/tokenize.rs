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

/// A word of the text: letters and digits of one kind, lowercased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word<'a> {
    pub text: &'a str,
    pub hangul: bool,
}

/// Hangul syllables, and the jamo a decomposed or half-typed word is made of.
pub fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

/// Splits `text` (already lowercased) into words: runs of letters and digits, cut where
/// Hangul meets other letters (`HBM4는` is `hbm4` and `는`: a reader types the Latin part).
pub fn words(text: &str) -> impl Iterator<Item = Word<'_>> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let start = rest.find(|c: char| c.is_alphanumeric())?;
        let from = &rest[start..];
        let hangul = from.chars().next().is_some_and(is_hangul);
        let len = from
            .find(|c: char| !c.is_alphanumeric() || is_hangul(c) != hangul)
            .unwrap_or(from.len());
        rest = &from[len..];
        Some(Word {
            text: &from[..len],
            hangul,
        })
    })
}

/// The longest word whose suffixes are indexed, in syllables: longer runs are rare in prose
/// (URLs and run-together lists) and would add many terms for nothing a reader types.
const MAX_SUFFIX_WORD: usize = 16;

/// Calls `f(term, whole)` for every term of `word`: the word itself (`whole` true), then for
/// a Hangul word its suffixes of two syllables or more (`whole` false).
pub fn terms_of<'a>(word: Word<'a>, mut f: impl FnMut(&'a str, bool)) {
    f(word.text, true);
    if !word.hangul {
        return;
    }
    let starts: Vec<usize> = word.text.char_indices().map(|(i, _)| i).collect();
    if starts.len() < 3 || starts.len() > MAX_SUFFIX_WORD {
        return;
    }
    // From the second syllable to the one before last: each suffix keeps two or more.
    for &i in &starts[1..starts.len() - 1] {
        f(&word.text[i..], false);
    }
}

/// Every term of `text` with how much it weighs in it, the same scale as [`weigh`]: whole
/// words count each time they occur (up to four), suffixes half. Sorted by term.
pub fn body_terms(text: &str) -> Vec<(String, u8)> {
    let lower = text.to_lowercase();
    let mut counts: crate::fingerprint::FastMap<&str, (u8, u8)> = Default::default();
    for w in words(&lower) {
        terms_of(w, |term, whole| {
            let c = counts.entry(term).or_default();
            if whole {
                c.0 = c.0.saturating_add(1);
            } else {
                c.1 = c.1.saturating_add(1);
            }
        });
    }
    let mut out: Vec<(String, u8)> = counts
        .into_iter()
        .map(|(term, (whole, part))| (term.to_string(), weigh(BODY, whole, part)))
        .collect();
    out.sort_unstable();
    out
}

/// How much a field weighs per occurrence of a whole word: a word in the title says more
/// about the post than one in its body; a show, guest or tag is what the post is about.
pub const BODY: u8 = 2;
pub const FIELD: u8 = 12;
pub const TITLE: u8 = 20;

/// The weight of a term seen `whole` times as a word and `part` times inside words of a
/// field weighing `field`: up to four occurrences count, a suffix half a word.
pub fn weigh(field: u8, whole: u8, part: u8) -> u8 {
    let whole = whole.min(4);
    let part = part.min(4);
    let w = if whole > 0 {
        u16::from(field) * u16::from(whole)
    } else {
        u16::from(field / 2).max(1) * u16::from(part)
    };
    w.min(u16::from(u8::MAX)) as u8
}

/// The terms of a short field (a title, a name, a tag) with weight `field`, added into `out`
/// by term: the weights of the fields a term is in add up.
pub fn field_terms(text: &str, field: u8, out: &mut crate::fingerprint::FastMap<String, u8>) {
    let lower = text.to_lowercase();
    let mut seen: crate::fingerprint::FastMap<&str, bool> = Default::default();
    for w in words(&lower) {
        terms_of(w, |term, whole| {
            let e = seen.entry(term).or_insert(whole);
            *e |= whole;
        });
    }
    for (term, whole) in seen {
        let w = if whole { field } else { (field / 2).max(1) };
        let e = out.entry(term.to_string()).or_default();
        *e = e.saturating_add(w);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_words(text: &str) -> Vec<&str> {
        words(text).map(|w| w.text).collect()
    }

    fn terms(word: &str) -> Vec<String> {
        let mut out = Vec::new();
        for w in words(word) {
            terms_of(w, |t, _| out.push(t.to_string()));
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
    fn body_terms_are_lowercased_counted_and_suffixes_weigh_half() {
        let t = body_terms("DeepSeek 벤처투자 투자 투자 DEEPSEEK");
        let get = |term: &str| t.iter().find(|(s, _)| s == term).map(|(_, w)| *w);
        assert_eq!(get("deepseek"), Some(2 * BODY));
        // `투자` twice as a word: the suffix of `벤처투자` adds nothing then.
        assert_eq!(get("투자"), Some(2 * BODY));
        assert_eq!(get("처투자"), Some(BODY / 2));
        assert_eq!(get("DeepSeek"), None);
    }

    #[test]
    fn field_weights_add_up_across_fields() {
        let mut out = crate::fingerprint::FastMap::default();
        field_terms("딥시크 쇼크", TITLE, &mut out);
        field_terms("딥시크", FIELD, &mut out);
        assert_eq!(out.get("딥시크"), Some(&(TITLE + FIELD)));
        assert_eq!(out.get("시크"), Some(&(TITLE / 2 + FIELD / 2)));
    }

    #[test]
    fn words_never_split_inside_a_character() {
        // Emoji, Hanja and punctuation between words: every word is a whole str slice.
        assert_eq!(all_words("🎙️방송 漢字 a·b"), ["방송", "漢字", "a", "b"]);
    }
}
