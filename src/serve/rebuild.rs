//! Rebuilds the site in memory for `serve`: keeps config, templates, parsed content, static
//! files and every page's bytes between rebuilds, reloads only what changed, re-renders only
//! pages whose key changed (see `render::keys`), and produces a complete new [`Snapshot`] or an
//! error, never half of one.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::classify::Change;
use crate::build::{THEME_ASSETS, join_inputs};
use crate::config::Config;
use crate::content::{Content, ContentCache, Outcome, Parsed};
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::fingerprint::FastSet;
use crate::render::keys::Keys;
use crate::render::{self, Feed, Job, Planned, Templates};
use crate::site::Site;
use crate::urls::Linker;

/// Output path → bytes. A persistent map: the next snapshot starts as a copy of this one in
/// constant time and changes only the pages that changed, so a one-page rebuild does not
/// touch the other 26,000 entries.
pub type FileMap = imbl::HashMap<String, Arc<[u8]>>;

/// One complete built site, as served: output path (`posts/a/index.html`) → bytes.
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    pub files: FileMap,
}

/// What a successful rebuild changed.
#[derive(Debug, Clone)]
pub struct Rebuilt {
    /// Pages written, changed or removed (all of them, the first time).
    pub pages: usize,
    /// Other files (static, theme assets) added, changed or removed.
    pub files: usize,
    /// Only stylesheets changed: the browser can swap them without reloading.
    pub css_only: bool,
    pub elapsed: Duration,
    /// What `build` would warn about (files of `static/` a page takes the place of).
    pub warnings: Vec<Diagnostic>,
}

#[derive(Default)]
struct Tally {
    pages: usize,
    others: usize,
    css_only: bool,
    warnings: Vec<Diagnostic>,
}

impl Tally {
    fn new() -> Self {
        Tally {
            css_only: true,
            ..Tally::default()
        }
    }

    fn count(&mut self, path: &str) {
        if path.ends_with(".html") {
            self.pages += 1;
        } else {
            self.others += 1;
        }
        self.css_only &= path.ends_with(".css");
    }
}

pub struct Rebuilder {
    root: PathBuf,
    drafts: bool,
    future: bool,
    base_url: String,
    clock: crate::dates::Clock,
    config: Option<Config>,
    templates: Option<Templates>,
    content: ContentCache,
    /// Names of the non-page files in the snapshot (static files and theme assets); `None`
    /// when `static/` must be read again.
    statics: Option<HashSet<String>>,
    /// Page key of every page in the snapshot, by output file.
    keys: HashMap<String, u64, ahash::RandomState>,
    pub snapshot: Arc<Snapshot>,
    /// The model and page plan behind `snapshot`, kept for the body-edit fast path; `None`
    /// while the last rebuild failed (a broken file elsewhere must keep failing).
    kept: Option<Box<Kept>>,
    timing: bool,
    /// Makes the next rebuild panic, to test that a panic is survived.
    #[cfg(test)]
    panic_next: bool,
}

/// The site model and page plan of the snapshot being served.
pub struct Kept {
    site: Site,
    planned: Vec<Planned>,
}

impl Rebuilder {
    pub fn new(
        root: &Path,
        drafts: bool,
        future: bool,
        base_url: String,
        clock: crate::dates::Clock,
    ) -> Self {
        Rebuilder {
            root: root.to_path_buf(),
            drafts,
            future,
            base_url,
            clock,
            config: None,
            templates: None,
            content: ContentCache::default(),
            statics: None,
            keys: HashMap::default(),
            snapshot: Arc::new(Snapshot::default()),
            kept: None,
            timing: std::env::var_os("SHOWPRESS_TIMING").is_some(),
            #[cfg(test)]
            panic_next: false,
        }
    }

    fn phase(&self, name: &str, since: Instant) -> Instant {
        if self.timing {
            eprintln!("timing: {name} {:?}", since.elapsed());
        }
        Instant::now()
    }

    /// Applies `changes` (absolute paths with what they are) and rebuilds. On error the previous
    /// snapshot stays as it was.
    ///
    /// A panic (a bug in showpress or in a library) becomes an error too, so one bad rebuild
    /// does not end rebuilding for the rest of the session; everything kept between rebuilds
    /// may be half-updated then, so it is dropped and the next rebuild starts from the files.
    pub fn rebuild(&mut self, changes: &[(PathBuf, Change)]) -> Result<Rebuilt> {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            #[cfg(test)]
            if std::mem::take(&mut self.panic_next) {
                panic!("a panic for the test");
            }
            self.rebuild_changes(changes)
        }));
        outcome.unwrap_or_else(|panic| {
            self.forget();
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".into());
            Err(Error::Message(format!(
                "showpress crashed while rebuilding ({what}). This is a bug in showpress: please \
                 report it with the change that caused it. Still serving the last good site; \
                 the next save rebuilds everything"
            )))
        })
    }

    /// Drops everything kept between rebuilds but the snapshot being served.
    fn forget(&mut self) {
        self.config = None;
        self.templates = None;
        self.content.clear();
        self.statics = None;
        self.keys.clear();
        self.kept = None;
    }

    fn rebuild_changes(&mut self, changes: &[(PathBuf, Change)]) -> Result<Rebuilt> {
        let start = Instant::now();
        let kept = self.kept.take();
        let result = self.rebuild_from(changes, kept, start);
        result.map(|(tally, kept)| {
            self.kept = Some(kept);
            Rebuilt {
                pages: tally.pages,
                files: tally.others,
                css_only: tally.css_only && tally.others > 0 && tally.pages == 0,
                elapsed: start.elapsed(),
                warnings: tally.warnings,
            }
        })
    }

    fn rebuild_from(
        &mut self,
        changes: &[(PathBuf, Change)],
        kept: Option<Box<Kept>>,
        start: Instant,
    ) -> Result<(Tally, Box<Kept>)> {
        let kinds: HashSet<Change> = changes.iter().map(|(_, c)| *c).collect();
        if self.config.is_none() || kinds.contains(&Change::Config) {
            // Forget the old config first: while config.toml is broken every rebuild must
            // report it, as `build` would, not quietly use the last good one.
            self.config = None;
            let mut config = Config::load(&self.root)?;
            config.set_base_url(&self.base_url)?;
            self.config = Some(config);
            // Config decides how files parse and how every page looks: start afresh.
            self.templates = None;
            self.content.clear();
            self.statics = None;
            self.keys.clear();
        }
        let config = &self.config.clone().expect("loaded above");
        if kinds.contains(&Change::Template) {
            self.templates = None;
        }
        if kinds.contains(&Change::Static) {
            self.statics = None;
        }
        let changed: HashSet<PathBuf> = changes
            .iter()
            .filter(|(_, c)| *c == Change::Content)
            .map(|(p, _)| p.clone())
            .collect();
        let t = Instant::now();
        // The common case while writing: the saved post changed but not its place in the site.
        let mut kept = kept;
        if kinds.len() == 1
            && kinds.contains(&Change::Content)
            // Both or neither: taking one alone would drop it.
            && kept.is_some()
            && self.templates.is_some()
            && let (Some(k), Some(templates)) = (kept.take(), self.templates.take())
        {
            let outcome = match self.content.reparse(config, &changed) {
                Some(outcomes) => self.swap_posts(k, &outcomes, &templates),
                None => Err(k),
            };
            self.templates = Some(templates);
            // The post moved in the site (or it is not a post): the full path below (the files
            // are parsed already).
            match outcome {
                Ok(done) => {
                    self.phase("swapped posts", start);
                    return done;
                }
                Err(k) => kept = Some(k),
            }
        }
        // The old model is not needed any more; freeing a large one takes milliseconds the
        // writer would wait for.
        if let Some(k) = kept {
            drop_later(k);
        }
        let templates = match self.templates.take() {
            Some(t) => Ok(t),
            None => Templates::load(&self.root, config),
        };
        let content = self
            .content
            .load(&self.root, config, self.drafts, &changed)
            .map(|(c, _)| c);
        // Keep good templates even when content failed, so the next rebuild need not reload.
        let (templates, mut content) = match (templates, content) {
            (Ok(t), Err(e)) => {
                self.templates = Some(t);
                return Err(e);
            }
            (t, c) => join_inputs(t, c)?,
        };
        let now = self.clock.now();
        if !self.future {
            content.hold_back_future(now);
        }
        self.phase("load", t);
        let result = self.render(config, &templates, content, now);
        self.templates = Some(templates);
        let (snapshot, tally, kept) = result?;
        self.snapshot = Arc::new(snapshot);
        Ok((tally, kept))
    }

    /// Swaps re-parsed posts into the kept model when the model would come out the same
    /// (equal [`Post::structure_key`]: same place in every list, same links) and renders only
    /// the pages whose key changed: the post's own page (and its feeds, with full-content
    /// feeds) after a body edit, every page showing its card after a title or summary edit.
    /// Hands `kept` back when the edit is anything else.
    #[allow(clippy::type_complexity)] // Ok(result of the fast path) or Err(not applicable)
    fn swap_posts(
        &mut self,
        mut kept: Box<Kept>,
        outcomes: &[Outcome],
        templates: &Templates,
    ) -> Result<Result<(Tally, Box<Kept>)>, Box<Kept>> {
        let Kept { site, planned } = &mut *kept;
        let mut swaps = Vec::new();
        let mut cards_changed = false;
        for o in outcomes {
            let Ok(Parsed::Post(new)) = o else {
                return Err(kept);
            };
            // Links in its body are resolved by building the model.
            if !new.body.links.is_empty() {
                return Err(kept);
            }
            match site.posts.iter().position(|p| p.file == new.file) {
                Some(i) if site.posts[i].structure_key() == new.structure_key() => {
                    cards_changed |= site.posts[i].card_hash != new.card_hash;
                    swaps.push((i, new.clone()));
                }
                _ => return Err(kept),
            }
        }
        for (i, new) in &swaps {
            site.posts[*i] = new.clone();
        }
        let t = Instant::now();
        let keys = Keys::new(site, planned);
        let mut stale: Vec<(Planned, u64)> = Vec::new();
        if cards_changed {
            // Lists, feeds, neighbours' navigation: the keys find them.
            for (p, key) in planned.iter().zip(keys.all(planned, templates)) {
                if self.keys.get(&p.file) != Some(&key) {
                    stale.push((p.clone(), key));
                }
            }
        } else {
            for (i, _) in &swaps {
                // Its own page; and with full-content feeds, every feed it may be in.
                let mut jobs = vec![Job::Post(*i)];
                if site.config.feed_full_content {
                    let l = &site.links[*i];
                    jobs.extend([Job::Feed(Feed::Atom), Job::Feed(Feed::Rss)]);
                    jobs.extend(l.show.map(|si| Job::Feed(Feed::Show(si))));
                    jobs.extend(l.guests.iter().map(|&gi| Job::Feed(Feed::Guest(gi))));
                }
                for p in planned.iter().filter(|p| jobs.contains(&p.job)) {
                    let key = keys.page(p, templates);
                    if self.keys.get(&p.file) != Some(&key)
                        && !stale.iter().any(|(s, _)| s.file == p.file)
                    {
                        stale.push((p.clone(), key));
                    }
                }
            }
        }
        let pages: Vec<Planned> = stale.iter().map(|(p, _)| p.clone()).collect();
        let t = self.phase("keys of swapped posts", t);
        let result = render_pages(site, templates, planned, &pages);
        self.phase(&format!("render {} pages", pages.len()), t);
        let rendered = match result {
            Ok(r) => r,
            Err(e) => return Ok(Err(e)),
        };
        let mut files = self.snapshot.files.clone();
        let mut tally = Tally::new();
        put_pages(&mut files, &mut tally, rendered);
        for (p, key) in stale {
            self.keys.insert(p.file, key);
        }
        self.snapshot = Arc::new(Snapshot { files });
        Ok(Ok((tally, kept)))
    }

    /// Everything after loading. Leaves `self` untouched on error.
    fn render(
        &mut self,
        config: &Config,
        templates: &Templates,
        content: Content,
        now: chrono::DateTime<chrono::FixedOffset>,
    ) -> Result<(Snapshot, Tally, Box<Kept>)> {
        let t = Instant::now();
        let site = Site::build(config.clone(), content, now)?;
        let t = self.phase("site", t);
        let planned = render::plan(&site, self.root.join("static/robots.txt").is_file());
        let collisions = render::check_collisions(&planned);
        if !collisions.is_empty() {
            return Err(Error::Diagnostics(collisions));
        }
        let t = self.phase("plan", t);

        let mut files = self.snapshot.files.clone();
        let mut tally = Tally::new();
        let wanted: FastSet<&str> = planned.iter().map(|p| p.file.as_str()).collect();
        let statics = match &self.statics {
            Some(s) => s.clone(),
            None => {
                // Static files, then theme assets where `static/` has no file of that name;
                // a page of the same name wins over both, as in `build`.
                let mut want = read_statics(&self.root)?;
                tally.warnings = crate::build::shadowed_statics(
                    want.keys().map(String::as_str),
                    &render::pages_by_file(&planned),
                );
                for (name, body) in THEME_ASSETS {
                    want.entry(name.to_string())
                        .or_insert_with(|| Arc::from(body.as_bytes()));
                }
                want.retain(|k, _| !wanted.contains(k.as_str()));
                let old: Vec<String> = self
                    .snapshot
                    .files
                    .keys()
                    .filter(|k| {
                        // Pages still planned are compared when rendered below, also when
                        // their keys were dropped (a config change): not removed here.
                        !self.keys.contains_key(*k)
                            && !wanted.contains(k.as_str())
                            && !want.contains_key(*k)
                    })
                    .cloned()
                    .collect();
                for k in old {
                    files.remove(&k);
                    tally.count(&k);
                }
                let names: HashSet<String> = want.keys().cloned().collect();
                for (k, v) in want {
                    if files.get(&k).is_none_or(|o| **o != *v) {
                        tally.count(&k);
                        files.insert(k, v);
                    }
                }
                names
            }
        };

        // Pages: re-render those whose key changed, drop those no longer planned.
        let keys = Keys::new(&site, &planned).all(&planned, templates);
        let t = self.phase("keys", t);
        let mut stale = Vec::new();
        for (p, key) in planned.iter().zip(&keys) {
            if self.keys.get(&p.file) != Some(key) || !files.contains_key(&p.file) {
                stale.push(p.clone());
            }
        }
        let gone: Vec<String> = self
            .keys
            .keys()
            .filter(|f| !wanted.contains(f.as_str()))
            .cloned()
            .collect();
        let rendered = render_pages(&site, templates, &planned, &stale)?;
        let t = self.phase(&format!("render {} pages", stale.len()), t);

        // Nothing failed: commit to the new state.
        for f in &gone {
            self.keys.remove(f);
            if !statics.contains(f) && files.remove(f).is_some() {
                tally.count(f);
            }
        }
        put_pages(&mut files, &mut tally, rendered);
        for (p, key) in planned.iter().zip(keys) {
            if self.keys.get(&p.file) != Some(&key) {
                self.keys.insert(p.file.clone(), key);
            }
        }
        self.statics = Some(statics);
        self.phase("commit", t);
        Ok((Snapshot { files }, tally, Box::new(Kept { site, planned })))
    }
}

/// Renders `pages` of the site planned as `planned` into memory: (output file, bytes).
fn render_pages(
    site: &Site,
    templates: &Templates,
    planned: &[Planned],
    pages: &[Planned],
) -> Result<Vec<(String, Arc<[u8]>)>> {
    let link = Linker::new(&site.config.base_url, site.config.base_path());
    let rendered = Mutex::new(Vec::with_capacity(pages.len()));
    render::render_all(site, templates, link, planned, pages, |file, html| {
        rendered
            .lock()
            .expect("no panics while holding it")
            .push((file.to_string(), Arc::<[u8]>::from(html)));
        Ok(())
    })?;
    Ok(rendered.into_inner().expect("render finished"))
}

/// Puts rendered pages into `files`, counting those whose bytes changed.
fn put_pages(files: &mut FileMap, tally: &mut Tally, rendered: Vec<(String, Arc<[u8]>)>) {
    for (file, html) in rendered {
        if files.get(&file).is_none_or(|o| **o != *html) {
            tally.count(&file);
        }
        files.insert(file, html);
    }
}

/// Frees `value` on another thread, off the path from a save to the reloaded page.
fn drop_later<T: Send + 'static>(value: T) {
    // If no thread can be started, the value is dropped here instead, as before.
    let _ = std::thread::Builder::new()
        .name("showpress-free".into())
        .spawn(move || drop(value));
}

/// Every file of the site's `static/`, by its path relative to it.
fn read_statics(root: &Path) -> Result<HashMap<String, Arc<[u8]>>> {
    let mut out = HashMap::new();
    for (rel, abs) in crate::fs::static_files(root)? {
        // A file deleted between the walk and the read is simply not there any more.
        if let Ok(bytes) = std::fs::read(&abs) {
            out.insert(rel, Arc::from(bytes));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_while_rebuilding_is_an_error_the_site_stays_and_the_next_rebuild_starts_afresh() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages");
        let mut r = Rebuilder::new(
            &root,
            false,
            false,
            "http://127.0.0.1:1111/".into(),
            crate::dates::Clock::System,
        );
        let first = r.rebuild(&[]).expect("the fixture builds");
        let served = r.snapshot.clone();

        r.panic_next = true;
        let post = root.join("content/posts/a.md");
        let err = r.rebuild(&[(post.clone(), Change::Content)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "showpress crashed while rebuilding (a panic for the test). This is a bug in \
             showpress: please report it with the change that caused it. Still serving the last \
             good site; the next save rebuilds everything"
        );
        assert!(
            Arc::ptr_eq(&served, &r.snapshot),
            "the snapshot was replaced"
        );
        assert!(r.kept.is_none() && r.config.is_none() && r.keys.is_empty());

        // Every page is rendered again and compared: the same site, nothing changed.
        let again = r.rebuild(&[(post, Change::Content)]).expect("rebuilds");
        assert!(first.pages > 10);
        assert_eq!((again.pages, again.files), (0, 0));
        assert_eq!(r.snapshot.files, served.files);
        assert!(r.kept.is_some());
    }
}
