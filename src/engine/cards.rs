//! Social cards in the engine's output (see [`crate::cards`]): a card's key is a fingerprint
//! of what makes it (its text, `card.svg` with what it includes, the font), so a run renders
//! the SVG of, and looks up in the card cache or draws, only the cards whose key changed, in
//! parallel. Like every output, the bytes go to the sink.

use std::sync::atomic::{AtomicUsize, Ordering};

use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::{Engine, Out, Sink};
use crate::cards::{self, CardFont, Subject};
use crate::config::{CONFIG_FILE, Config};
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::fingerprint::{self, FastSet};
use crate::fs::STATIC_DIR;
use crate::render::Templates;
use crate::site::Site;

/// Bumped when what a card's SVG is drawn into changes (the renderer, the PNG encoding), so
/// cards cached by an older showpress are drawn again.
const CARD_VERSION: u32 = 1;

/// What [`Engine::publish_cards`] did.
#[derive(Default)]
pub(super) struct Cards {
    /// Every card's output path, made this run or kept.
    pub names: FastSet<String>,
    /// (path, record, whether its bytes were handed to the sink).
    pub made: Vec<(String, Out, bool)>,
    /// Cards drawn, and cards whose bytes came from the cache.
    pub drawn: usize,
    pub cached: usize,
}

impl Engine {
    /// Hands the cards of `subjects` whose SVG or font changed to `sink`. `taken` are the
    /// output paths of pages and static files.
    pub(super) fn publish_cards(
        &self,
        site: &Site,
        templates: &Templates,
        subjects: &[Subject],
        taken: &FastSet<&str>,
        sink: Sink,
    ) -> Result<Cards> {
        let Some(font) = self.card_font.as_deref() else {
            return Ok(Cards::default());
        };
        let paths: Vec<String> = subjects.iter().map(|s| cards::path(site, *s)).collect();
        let clashes: Vec<Diagnostic> = paths
            .iter()
            .filter(|p| taken.contains(p.as_str()))
            .map(|p| {
                Diagnostic::file(
                    format!("{STATIC_DIR}/{p}"),
                    format!(
                        "cannot publish `{p}`: the page's social card is published there; move this file, or set `enabled = false` under [cards] in config.toml"
                    ),
                )
            })
            .collect();
        if !clashes.is_empty() {
            return Err(Error::Diagnostics(clashes));
        }
        let template = templates.source_fingerprint("card.svg");
        let (drawn, cached) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let made = Mutex::new(Vec::new());
        subjects
            .par_iter()
            .zip(&paths)
            .try_for_each(|(subject, path)| -> Result<()> {
                let text = cards::text(site, *subject);
                // The SVG is a function of these: a card that did not change costs no
                // wrapping and no template render (a large site has thousands).
                let key = fingerprint::of(&(CARD_VERSION, &text, template, font.fingerprint));
                if self.outputs.get(path).is_some_and(|o| o.key == key) {
                    // Unchanged, and still in the output: only keep its cached bytes.
                    self.card_cache.keep([key]);
                    return Ok(());
                }
                let svg = templates
                    .tera
                    .render("card.svg", &cards::draw::context(&text, font))
                    .map_err(|e| Error::Diagnostics(templates.diagnose(&e, path)))?;
                let (png, from_cache) = self
                    .card_cache
                    .get_or_make(key, || cards::draw::png(&svg, font))
                    .map_err(|why| {
                        Error::Diagnostics(vec![Diagnostic::file(
                            templates.display_name("card.svg"),
                            format!("cannot draw the social card `{path}`: {why}"),
                        )])
                    })?;
                let counter = if from_cache { &cached } else { &drawn };
                counter.fetch_add(1, Ordering::Relaxed);
                let record = Out {
                    key,
                    hash: fingerprint::of_bytes(&png),
                    len: png.len() as u64,
                };
                let same = self
                    .outputs
                    .get(path)
                    .is_some_and(|o| o.hash == record.hash && o.len == record.len);
                if !same {
                    sink(path, &png)?;
                }
                made.lock()
                    .map_err(|_| Error::Message("a card thread failed".into()))?
                    .push((path.clone(), record, !same));
                Ok(())
            })?;
        Ok(Cards {
            names: paths.into_iter().collect(),
            made: made
                .into_inner()
                .map_err(|_| Error::Message("a card thread failed".into()))?,
            drawn: drawn.into_inner(),
            cached: cached.into_inner(),
        })
    }
}

impl Engine {
    /// The font of `config`'s `[cards]`: its `font`, else a system font with Hangul; `None`
    /// when cards are off or no font has Hangul (then the warning waits for the run's end).
    /// A `font` that cannot be used is an error at its value in config.toml.
    pub(super) fn find_card_font(
        &mut self,
        config: &Config,
        text: &[u8],
    ) -> Result<Option<Arc<CardFont>>> {
        self.card_notice = None;
        if !config.cards.enabled {
            return Ok(None);
        }
        let found = match &config.cards.font {
            Some((path, span)) => {
                crate::cards::font::from_file(&self.opts.root.join(path)).map_err(|why| {
                    let text = String::from_utf8_lossy(text);
                    Error::Diagnostics(vec![Diagnostic::at(
                        CONFIG_FILE,
                        &text,
                        span.clone(),
                        format!(
                            "[cards] font `{path}` {why}; expected the path of a font file with Hangul, relative to the site root, such as `font = \"fonts/NanumGothicBold.ttf\"`"
                        ),
                    )])
                })?
            }
            None => crate::cards::font::system(),
        };
        if found.is_none() {
            self.card_notice = Some(crate::cards::font::NO_HANGUL_WARNING.to_string());
        }
        Ok(found)
    }
}
