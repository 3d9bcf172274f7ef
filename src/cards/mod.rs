//! Social cards: a 1200×630 PNG for every post without its own `image`, every show page and
//! every guest page, shown by chat apps and social networks when a link is shared
//! (`og:image`, `twitter:image`). A card is the built-in (or the site's) `card.svg` Tera
//! template rendered with the card's text, drawn with resvg in a font that has Hangul.
//!
//! This file says which pages get a card, where it is published and what it says; [`font`]
//! finds the font, [`wrap`] fits the title into lines with the font's real widths, [`draw`]
//! turns the SVG into PNG bytes. The engine (`engine/cards.rs`) caches and publishes them.

pub mod draw;
pub mod font;
pub mod wrap;

use crate::site::Site;

pub use font::CardFont;

/// Size of every card, in pixels: what Facebook, X and KakaoTalk show largest.
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;
/// The title's font size in pixels, and the longest title line: the frame less 80 pixels of
/// margin on each side (the built-in template's layout; a site's own `card.svg` gets these
/// values too, to lay out what Rust wrapped).
pub const TITLE_SIZE: f32 = 64.0;
pub const TITLE_LINE_HEIGHT: f32 = 84.0;
pub const TEXT_WIDTH: f32 = 1040.0;
/// Most title lines: the last one is cut with "…" when the title is longer.
pub const TITLE_LINES: usize = 3;
/// Font size of the smaller lines (site title, kicker, guests).
pub const SMALL_SIZE: f32 = 34.0;

/// A page with a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// The post at this index of `site.posts` (it has no `image`).
    Post(usize),
    Show(usize),
    Guest(usize),
}

/// The text on one card, before wrapping.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Text {
    pub site_title: String,
    /// Above the title: the show and episode of a post (`부산 쇼 12회`), what a page is.
    pub kicker: String,
    pub title: String,
    /// Below the title: a post's guests, a show's counts, a guest's role.
    pub footer: String,
}

/// Where a card is published: its own folder, so it never collides with a bundle's files.
pub fn path(site: &Site, subject: Subject) -> String {
    match subject {
        Subject::Post(i) => format!("cards/posts/{}.png", site.posts[i].slug),
        Subject::Show(i) => format!("cards/shows/{}.png", site.shows[i].slug),
        Subject::Guest(i) => format!("cards/guests/{}.png", site.guests[i].slug),
    }
}

/// Whether a post gets a card: it has no `image` of its own.
pub fn post_has_card(site: &Site, i: usize) -> bool {
    site.posts[i].image.is_none()
}

/// Every page with a card, posts first.
pub fn all(site: &Site) -> Vec<Subject> {
    (0..site.posts.len())
        .filter(|&i| post_has_card(site, i))
        .map(Subject::Post)
        .chain((0..site.shows.len()).map(Subject::Show))
        .chain((0..site.guests.len()).map(Subject::Guest))
        .collect()
}

/// The cards that show something of post `i`: its own, its show's and its guests'.
pub fn of_post(site: &Site, i: usize) -> Vec<Subject> {
    let mut out = Vec::new();
    if post_has_card(site, i) {
        out.push(Subject::Post(i));
    }
    out.extend(site.links[i].show.map(Subject::Show));
    out.extend(site.links[i].guests.iter().map(|&g| Subject::Guest(g)));
    out
}

/// What a card says.
pub fn text(site: &Site, subject: Subject) -> Text {
    let site_title = site.config.title.clone();
    let (kicker, title, footer) = match subject {
        Subject::Post(i) => {
            let p = &site.posts[i];
            let kicker = site.episode_label(i).unwrap_or_default();
            let guests: Vec<String> = p
                .guests
                .iter()
                .map(|g| match &g.role {
                    Some(r) => format!("{} ({r})", g.name),
                    None => g.name.clone(),
                })
                .collect();
            let footer = if guests.is_empty() {
                String::new()
            } else {
                format!("출연 {}", guests.join(", "))
            };
            (kicker, p.title.clone(), footer)
        }
        Subject::Show(i) => {
            let s = &site.shows[i];
            let footer = if s.episodes.is_empty() {
                format!("글 {}편", s.post_count)
            } else {
                format!("{}회 · 글 {}편", s.episodes.len(), s.post_count)
            };
            ("프로그램".to_string(), s.name.clone(), footer)
        }
        Subject::Guest(i) => {
            let g = &site.guests[i];
            (
                "출연자".to_string(),
                g.name.clone(),
                g.role().unwrap_or_default().to_string(),
            )
        }
    };
    Text {
        site_title: clean(&site_title),
        kicker: clean(&kicker),
        title: clean(&title),
        footer: clean(&footer),
    }
}

/// Whitespace runs made one space, and control characters dropped: XML cannot hold most of
/// them, and a tab or newline would be drawn as a gap the wrapper did not measure.
fn clean(s: &str) -> String {
    s.split_whitespace()
        .map(|w| w.chars().filter(|c| !c.is_control()).collect::<String>())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_collapses_whitespace_and_drops_controls() {
        assert_eq!(clean("  부산\t쇼\n 12회\u{7}  "), "부산 쇼 12회");
    }
}
