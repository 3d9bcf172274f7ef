//! The fast path for the most common save while writing: a post whose place in the site did
//! not change (equal [`crate::content::Post::structure_key`]: same place in every list, same
//! links). The parsed post is swapped into the kept model instead of building the model and
//! plan again, and only the pages whose key changed are rendered: the post's own page (and its
//! feeds, with full-content feeds) after a body edit, every page showing its card after a title
//! or summary edit.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;

use super::{Engine, Kept, Out, Run, Sink};
use crate::config::Config;
use crate::content::Parsed;
use crate::error::Result;
use crate::fingerprint::FastMap;
use crate::render::keys::Keys;
use crate::render::{Job, Planned};

impl Engine {
    /// `Ok(Ok(run))` when the fast path applied, `Ok(Err(kept))` (handing the model back)
    /// when the full path must run, `Err` when rendering failed.
    #[allow(clippy::type_complexity)]
    pub(super) fn swap_posts(
        &mut self,
        mut kept: Box<Kept>,
        config: &Config,
        changed: &HashSet<PathBuf>,
        sink: Sink,
        start: Instant,
    ) -> Result<Result<Run, Box<Kept>>> {
        if self.templates.is_none() || self.statics_stale {
            return Ok(Err(kept));
        }
        let now = self.opts.clock.now();
        // Time passing changes the site only when a scheduled post comes due or a post
        // leaves the news sitemap's two days; until then the kept model, with the moment it
        // was built at, shows the same site (serve's clock moves between every two saves).
        if kept.next_due.is_some_and(|d| now >= d) || kept.news_until.is_some_and(|d| now > d) {
            return Ok(Err(kept));
        }
        let Kept {
            site,
            planned,
            memo,
            ..
        } = &mut *kept;
        let Some(outcomes) = self.content.reparse(config, changed) else {
            return Ok(Err(kept));
        };
        let t = self.phase("reparse", start);
        let mut swaps = Vec::new();
        let mut cards_changed = false;
        // Dates are part of the structure key, `updated` is not: it moves the sitemap's lastmod.
        let mut updated_changed = false;
        for o in &outcomes {
            let Ok(Parsed::Post(new)) = o else {
                return Ok(Err(kept));
            };
            // Links in its body are resolved by building the model.
            if !new.body.links.is_empty() || (new.date > now && !self.opts.future) {
                return Ok(Err(kept));
            }
            match site.posts.iter().position(|p| p.file == new.file) {
                // A post that gains or loses its `image` loses or gains its social card:
                // files appear or go, which the full path handles.
                Some(i) if site.posts[i].image.is_some() != new.image.is_some() => {
                    return Ok(Err(kept));
                }
                Some(i) if site.posts[i].structure_key() == new.structure_key() => {
                    cards_changed |= site.posts[i].card_hash != new.card_hash;
                    updated_changed |= site.posts[i].updated != new.updated;
                    swaps.push((i, new.clone()));
                }
                _ => return Ok(Err(kept)),
            }
        }
        for (i, new) in &swaps {
            site.posts[*i] = new.clone();
            memo.forget_post(*i);
        }
        let Some(templates) = self.templates.as_ref() else {
            return Ok(Err(kept));
        };
        let swapped: Vec<usize> = swaps.iter().map(|(i, _)| *i).collect();
        if let Err(d) = crate::render::shortcodes::expand(site, templates, Some(&swapped)) {
            // The kept model now holds the new posts: the next run must build it again.
            return Err(crate::error::Error::Diagnostics(d));
        }
        let t = self.phase("shortcodes", t);
        let keys = Keys::new(site, planned, memo);
        let stale: Vec<(Planned, u64)> = if cards_changed {
            // Lists, feeds, neighbours' navigation: the keys find them among the pages that
            // can show the posts' cards. Keying only those skips most of a large site's pages
            // (and the cards of posts no such page lists): at 10,000 posts, keying all 26,000
            // pages took about 20 ms of a title edit's rebuild.
            let swapped: Vec<usize> = swaps.iter().map(|(i, _)| *i).collect();
            let candidates: Vec<&Planned> = planned
                .iter()
                .filter(|p| {
                    // The sitemap shows no card, only when pages changed: keying it walks the
                    // whole plan.
                    let sitemap = matches!(p.job, crate::render::Job::Sitemap);
                    (!sitemap || updated_changed)
                        && swapped
                            .iter()
                            .any(|&i| crate::render::may_show_card(site, &p.job, i))
                })
                .collect();
            candidates
                .par_iter()
                .map(|p| (*p, keys.page(p, templates)))
                .filter(|(p, key)| self.outputs.get(&p.file).map(|o| o.key) != Some(*key))
                .map(|(p, key)| (p.clone(), key))
                .collect()
        } else {
            // The kinds say which pages show a post's body: its own page, and with
            // full-content feeds the feeds it is in.
            let jobs: Vec<Job> = swaps
                .iter()
                .flat_map(|(i, _)| crate::render::pages_showing_body(site, *i))
                .collect();
            planned
                .iter()
                .filter(|p| jobs.contains(&p.job))
                .map(|p| (p, keys.page(p, templates)))
                .filter(|(p, key)| self.outputs.get(&p.file).map(|o| o.key) != Some(*key))
                .map(|(p, key)| (p.clone(), key))
                .collect()
        };
        let t = self.phase("keys of swapped posts", t);
        let todo: Vec<Planned> = stale.iter().map(|(p, _)| p.clone()).collect();
        let key_of: FastMap<&str, u64> = stale.iter().map(|(p, k)| (p.file.as_str(), *k)).collect();
        let (rendered, page_links) = self.render_into(
            super::Model {
                site,
                planned,
                memo,
            },
            templates,
            &todo,
            &key_of,
            sink,
        )?;
        let t = self.phase(&format!("render {} pages", todo.len()), t);
        // The files are those of the last run: a swap adds or removes no page.
        let fresh = super::links::LinkIndex::fresh(page_links);
        let scope = super::links::Scope::new(&site.config);
        let exists = |f: &str| {
            self.outputs.contains_key(f) || super::links::always_published(&site.config, f)
        };
        // A swap adds or removes no file: the pages not rendered again are as the last run
        // found them.
        let checked = match self
            .links
            .broken_after(&scope, &fresh, &[], |_| true, exists)
        {
            Some(checked) => checked,
            None => self.links.broken(&scope, &fresh, |_| true, exists),
        };
        let mut warnings = Vec::new();
        if !checked.broken.is_empty() {
            let found = self.link_diagnostics(site, templates, planned, &checked.broken);
            match site.config.links.internal_level {
                // The kept model holds the new posts: the next run builds it again.
                crate::config::LinkLevel::Error => {
                    return Err(crate::error::Error::Diagnostics(found));
                }
                crate::config::LinkLevel::Warning => warnings = found,
            }
        }
        let findings = self.links.findings(&fresh, checked);
        let t = self.phase("links", t);
        // A new title or guest list shows on the post's card (and a guest's role on theirs).
        let cards = if cards_changed && site.cards {
            let mut subjects: Vec<crate::cards::Subject> = swaps
                .iter()
                .flat_map(|(i, _)| crate::cards::of_post(site, *i))
                .collect();
            subjects.sort_unstable();
            subjects.dedup();
            let taken = self.statics.iter().map(String::as_str).collect();
            self.publish_cards(site, templates, &subjects, &taken, sink)?
        } else {
            super::cards::Cards::default()
        };
        let t = self.phase("social cards", t);
        let from = self.search_start();
        let search = self.search_or_keep(site, &self.statics, sink, from)?;
        self.phase("search index", t);
        let mut run = Run {
            posts: site.posts.len(),
            pages: planned.len(),
            statics: self.statics.len(),
            rendered: todo.len(),
            reparsed: outcomes.len(),
            cards: cards.drawn,
            cards_cached: cards.cached,
            warnings,
            ..Run::default()
        };
        for (file, out, written) in rendered.into_iter().chain(cards.made) {
            if written {
                run.written.push(file.clone());
            }
            self.outputs.insert(file, out);
        }
        let index = self.commit_search(search);
        run.written.extend(index.written);
        run.removed = index.removed;
        run.written.sort_unstable();
        run.bytes = self.outputs.values().map(|o: &Out| o.len).sum();
        run.elapsed = start.elapsed();
        self.links.commit(fresh, |_| true, None, findings);
        self.kept = Some(kept);
        Ok(Ok(run))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Change, Changes, Options};
    use super::*;
    use crate::dates::Clock;

    fn at(s: &str) -> Clock {
        Clock::Fixed(chrono::DateTime::parse_from_rfc3339(s).unwrap())
    }

    /// serve's clock moves between every two saves; a body edit after a scheduled post came due
    /// must not be swapped into the model built before it (the post would stay unpublished).
    #[test]
    fn a_save_after_a_scheduled_post_came_due_publishes_it() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let write = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write(
            "config.toml",
            "title = \"t\"\nbase_url = \"https://e.com/\"\n",
        );
        write(
            "content/posts/a.md",
            "+++\ntitle = \"a\"\ndate = 2025-01-01\n+++\n첫 문단.\n\n본문.\n",
        );
        write(
            "content/posts/later.md",
            "+++\ntitle = \"later\"\ndate = 2025-06-01T09:00:00+09:00\n+++\n곧.\n",
        );
        let mut engine = Engine::new(Options {
            root: root.to_path_buf(),
            drafts: false,
            future: false,
            base_url: None,
            clock: at("2025-05-31T00:00:00+09:00"),
            keep_going: false,
            image_cache: None,
            progress: false,
        });
        engine.run(Changes::Unknown, &|_, _| Ok(())).unwrap();
        assert!(!engine.outputs().contains_key("posts/later/index.html"));

        // A body edit (the fast path's case) before the post is due: swapped, still held back.
        write(
            "content/posts/a.md",
            "+++\ntitle = \"a\"\ndate = 2025-01-01\n+++\n첫 문단.\n\n고친 본문.\n",
        );
        let change = [(root.join("content/posts/a.md"), Change::Content)];
        engine.opts.clock = at("2025-05-31T12:00:00+09:00");
        let run = engine.run(Changes::Paths(&change), &|_, _| Ok(())).unwrap();
        // The post's page, and the search index's files that hold its text.
        let pages: Vec<&String> = run
            .written
            .iter()
            .filter(|f| !f.starts_with("search/"))
            .collect();
        assert_eq!(pages, ["posts/a/index.html"]);
        assert!(run.written.contains(&"search/meta.json".to_string()));
        assert!(!engine.outputs().contains_key("posts/later/index.html"));

        // Another body edit once it is due: the model is built again and the post published.
        write(
            "content/posts/a.md",
            "+++\ntitle = \"a\"\ndate = 2025-01-01\n+++\n첫 문단.\n\n또 고친 본문.\n",
        );
        engine.opts.clock = at("2025-06-01T09:00:00+09:00");
        engine.run(Changes::Paths(&change), &|_, _| Ok(())).unwrap();
        assert!(engine.outputs().contains_key("posts/later/index.html"));
    }
}
