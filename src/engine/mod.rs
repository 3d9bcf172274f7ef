//! The one engine behind `build`, `check` and `serve`. It owns the stages, written once —
//! config → templates and content → schedule → site model → plan → static files → page keys →
//! render — and what it keeps between runs: the config, the compiled templates, every parsed
//! content file, the site model and plan of the last good run, and for every output file the
//! key it was made from and the fingerprint of its bytes.
//!
//! A run hands the files whose bytes changed to a sink and says which files are gone; it never
//! writes anything itself. `build` runs it once (from the cache in `.showpress/`, see
//! [`cache`]) and gives the result to [`crate::output`]; `check` runs it with a sink that drops
//! everything; `serve` keeps it alive and feeds it the watcher's changes.

pub mod cache;
mod cards;
mod change;
mod files;
mod keep_going;
pub mod links;
mod search;
mod sink;
mod statics;
mod swap;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub use change::{Change, classify};
pub use search::Refreshed;
pub use sink::{Collect, Sink};
pub use statics::{THEME_ASSETS, shadowed_statics};

use crate::config::Config;
use crate::content::ContentCache;
use crate::dates::Clock;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::fingerprint::{self, FastMap, FastSet};
use crate::fs::STATIC_DIR;
use crate::render::keys::Keys;
use crate::render::{self, Planned, Templates};
use crate::site::Site;
use crate::urls::Linker;

/// What a run builds: the same values for every run of one engine.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    /// Include posts and pages with `draft = true`.
    pub drafts: bool,
    /// Publish posts dated in the future too.
    pub future: bool,
    /// Instead of `base_url` from config.toml.
    pub base_url: Option<String>,
    /// When the site is published at: posts dated later are held back.
    pub clock: Clock,
    /// Go on after a stage fails, to report every problem (`check`); nothing is kept.
    pub keep_going: bool,
    /// Where processed images are kept between runs (`None`: made afresh every time).
    pub image_cache: Option<PathBuf>,
    /// Show a progress bar (or lines) for image work that takes more than a second.
    pub progress: bool,
}

impl Options {
    /// Fingerprint of the options that change what a build produces (the root is checked on
    /// its own, the clock is an input of every run).
    pub fn fingerprint(&self) -> u64 {
        fingerprint::of(&(self.drafts, self.future, &self.base_url))
    }
}

/// What changed since the last run.
#[derive(Debug, Clone, Copy)]
pub enum Changes<'a> {
    /// Unknown (a new process): look at every file, trusting size and modification time.
    Unknown,
    /// What the watcher saw: absolute paths and what they are.
    Paths(&'a [(PathBuf, Change)]),
}

/// One output file as the last good run left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Out {
    /// The page key (see [`crate::render::keys`]) or the fingerprint of a static file's bytes;
    /// [`STALE`] when unknown, which makes the next run make the file again.
    pub key: u64,
    /// Fingerprint of the bytes: a re-rendered page whose bytes are equal is not written.
    pub hash: u64,
    pub len: u64,
}

/// An output file made by a run: its path, its record, whether its bytes went to the sink.
pub(crate) type Made = (String, Out, bool);

/// See [`Engine::render_first`].
pub type Announce = Box<dyn FnOnce() + Send + Sync>;

/// See [`Engine::forget_outputs_later`].
pub type LateForget = Box<dyn FnOnce() -> Vec<String> + Send + Sync>;

/// The card cache's folder, beside the image cache's in the cache folder.
pub const CARD_CACHE_DIR: &str = "cards";

/// A key no page has: set on every output after a config change (keys do not cover config).
const STALE: u64 = 0;

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Run {
    pub posts: usize,
    /// Posts dated after the clock, left out.
    pub scheduled: usize,
    /// Entries of the plan: pages, feeds, sitemaps, robots.txt.
    pub pages: usize,
    /// Files of `static/` and theme assets published.
    pub statics: usize,
    /// Source images processed this run, and those whose every file came from the cache.
    pub images: usize,
    pub images_cached: usize,
    /// Social cards drawn this run, and those whose bytes came from the card cache.
    pub cards: usize,
    pub cards_cached: usize,
    /// One-line warnings to print as they are (no file to point at): no font for cards.
    pub notices: Vec<String>,
    /// Pages rendered this run (their key changed).
    pub rendered: usize,
    /// Content files read and parsed this run.
    pub reparsed: usize,
    /// Time alone changes the site at this moment (a scheduled post is due), or
    /// `news_until`: after it (a post leaves the news sitemap's two days).
    pub next_due: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub news_until: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Files handed to the sink: new, or bytes changed.
    pub written: Vec<String>,
    /// Files of the previous run that the site no longer has.
    pub removed: Vec<String>,
    /// Size of the whole output.
    pub bytes: u64,
    /// What `build` warns about (files of `static/` a generated page takes the place of).
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
}

/// The site model and page plan of the last good run, kept for the fast path of `serve`.
pub(crate) struct Kept {
    site: Site,
    planned: Vec<Planned>,
    /// Template values built from `site`, which the fast path reuses.
    memo: render::Memo,
    /// When time alone changes this site (see [`Run::next_due`]).
    next_due: Option<chrono::DateTime<chrono::FixedOffset>>,
    news_until: Option<chrono::DateTime<chrono::FixedOffset>>,
}

/// What a run renders from: the site model, its page plan, and the values kept with them.
#[derive(Clone, Copy)]
struct Model<'a> {
    site: &'a Site,
    planned: &'a [Planned],
    memo: &'a render::Memo,
}

pub struct Engine {
    opts: Options,
    config: Option<Config>,
    /// Fingerprint of config.toml's bytes and the options: what parsed files and page keys
    /// were made with.
    config_fp: u64,
    templates: Option<Templates>,
    content: ContentCache,
    /// Whether `static/` must be read again.
    statics_stale: bool,
    /// Files of `static/` and theme assets of the last run.
    statics: FastSet<String>,
    /// Images of `static/` read before, by path under it, with the stamp they had.
    static_probes: FastMap<String, (Option<crate::content::Stamp>, crate::assets::StaticImage)>,
    /// Processed images (see [`crate::assets::process`]).
    images: crate::assets::process::ImageCache,
    /// Drawn social cards, in the same kind of cache beside the images' (`cards/`).
    card_cache: crate::assets::process::ImageCache,
    /// The font cards are drawn in; `None`: no cards (turned off, or no font with Hangul).
    card_font: Option<std::sync::Arc<crate::cards::CardFont>>,
    /// The warning that no font has Hangul, to print with the next good run.
    card_notice: Option<String>,
    /// Every output file of the last good run.
    outputs: FastMap<String, Out>,
    /// What every page of the last good run links to (see [`links`]).
    links: links::LinkIndex,
    /// The files of the search index among them: a swapped post's new index removes the
    /// ones it no longer has.
    search_files: FastSet<String>,
    /// The index as the last run made it, patched by the next (see [`crate::search::state`]).
    search_state: Option<crate::search::State>,
    /// `search_state` being read from the build cache on a thread of its own (set by
    /// [`cache::CacheDir::restore`]): it is needed only once the pages are rendered, and the
    /// model's single-threaded stages leave the other core idle meanwhile. `None` from the
    /// thread when the file could not be read: the index is then made whole.
    search_loading: Option<std::thread::JoinHandle<Option<crate::search::State>>>,
    /// The build cache's file holding `search_state` as it is now (checksum, length), if any:
    /// saving the cache then names it again instead of encoding the state anew.
    search_saved: Option<(u64, u64)>,
    /// `serve`: runs leave the search index as it was and mark it stale; the index of the new
    /// model is made by [`Engine::refresh_search`] once the pages are served.
    defer_search: bool,
    search_stale: bool,
    kept: Option<Box<Kept>>,
    /// Output files to render first, and what to call once they are handed to the sink
    /// (the next run only): `serve` starts serving its home page before the rest is done.
    early: Option<(Vec<String>, Announce)>,
    /// Output files to forget just before keys are compared, found while the run loaded
    /// (`build` checks the output folder on another thread meanwhile).
    late_forget: Option<LateForget>,
    timing: bool,
    /// Makes the next run panic, to test that a panic is survived.
    #[cfg(test)]
    pub(crate) panic_next: bool,
}

impl Engine {
    pub fn new(mut opts: Options) -> Engine {
        // One spelling of the root, so parsed files (keyed by path) are found again whatever
        // `--root` said (`.`, a relative or an absolute path, `serve`'s canonical one).
        opts.root = absolute(&opts.root);
        let image_cache = opts.image_cache.clone();
        let card_cache = image_cache
            .as_deref()
            .and_then(Path::parent)
            .map(|d| d.join(CARD_CACHE_DIR));
        Engine {
            opts,
            config: None,
            config_fp: 0,
            templates: None,
            content: ContentCache::default(),
            statics_stale: true,
            statics: FastSet::default(),
            static_probes: FastMap::default(),
            images: crate::assets::process::ImageCache::new(image_cache),
            card_cache: crate::assets::process::ImageCache::new(card_cache),
            card_font: None,
            card_notice: None,
            outputs: FastMap::default(),
            links: links::LinkIndex::default(),
            search_files: FastSet::default(),
            search_state: None,
            search_loading: None,
            search_saved: None,
            defer_search: false,
            search_stale: false,
            kept: None,
            late_forget: None,
            early: None,
            timing: std::env::var_os("SHOWPRESS_TIMING").is_some(),
            #[cfg(test)]
            panic_next: false,
        }
    }

    /// Starts from content files parsed by an earlier process (see [`cache::content_only`]):
    /// they are used while config.toml has the text they were parsed with.
    pub fn start_from(&mut self, config_fp: u64, content: ContentCache) {
        self.config_fp = config_fp;
        self.content = content;
    }

    /// Has the next run use this scan of `content/` (made a moment ago) instead of its own.
    pub fn use_content_scan(&mut self, found: crate::content::Scan) {
        self.content.use_scan(found);
    }

    /// The folders of the last walk of `content/`, with their times then.
    pub fn content_dirs(&self) -> Vec<crate::content::WalkedDir> {
        self.content.dirs().to_vec()
    }

    /// Every content file of the last run with its stamp, when all are known.
    pub fn content_stamps(&self) -> Option<Vec<(PathBuf, crate::content::Stamp)>> {
        self.content.stamps()
    }

    /// Every output file of the last good run.
    pub fn outputs(&self) -> &FastMap<String, Out> {
        &self.outputs
    }

    /// Deletes processed images the last run did not use (see
    /// [`crate::assets::process::ImageCache::prune`]).
    pub fn prune_images(&self) -> usize {
        self.images.prune() + self.card_cache.prune()
    }

    /// Forgets what is known of these output files, so the next run makes them again (they
    /// were changed or deleted behind the engine's back).
    pub fn forget_outputs<'a>(&mut self, files: impl IntoIterator<Item = &'a String>) {
        for f in files {
            self.outputs.remove(f);
        }
    }

    /// Has the next run render `files` before every other page, then call `announce`.
    pub fn render_first(&mut self, files: Vec<String>, announce: Announce) {
        self.early = Some((files, announce));
    }

    /// Has the next run call `f` just before it compares page keys and forget the output
    /// files it returns, so slow work that finds them overlaps with loading.
    pub fn forget_outputs_later(&mut self, f: LateForget) {
        self.late_forget = Some(f);
    }

    fn phase(&self, name: &str, since: Instant) -> Instant {
        if self.timing {
            eprintln!("timing: {name} {:?}", since.elapsed());
        }
        Instant::now()
    }

    /// Runs the stages for what changed, handing new or changed files to `sink`. On error
    /// nothing kept is updated but the parsed files (a broken file stays known as broken),
    /// so the next run compares against the last good one.
    ///
    /// A panic (a bug in showpress or in a library) becomes an error too, so one bad run does
    /// not end a `serve` session; everything kept may be half-updated then, so it is dropped
    /// and the next run starts from the files.
    pub fn run(&mut self, changes: Changes, sink: Sink) -> Result<Run> {
        let failures = crate::lazy::failures();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            #[cfg(test)]
            if std::mem::take(&mut self.panic_next) {
                panic!("a panic for the test");
            }
            self.run_stages(changes, sink)
        }));
        // What to render first and what to forget late apply to one run, whether it got that
        // far or not.
        self.early = None;
        self.late_forget = None;
        if matches!(outcome, Ok(Ok(_))) && crate::lazy::failures() != failures {
            // A body kept in the build cache's bytes did not decode (see `crate::lazy`): the
            // pages made from it are wrong, so none of them is published.
            self.forget();
            return Err(Error::Message(
                "the build cache is damaged: a post's body kept in it could not be read. \
                 Nothing was published; run the build again (it starts from scratch)"
                    .into(),
            ));
        }
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

    /// Drops everything kept between runs but what is known of the output.
    pub fn forget(&mut self) {
        self.config = None;
        self.config_fp = 0;
        self.templates = None;
        self.content.clear();
        self.statics_stale = true;
        for o in self.outputs.values_mut() {
            o.key = STALE;
        }
        self.kept = None;
        self.search_state = None;
        self.search_loading = None;
        self.search_saved = None;
        self.links.forget_findings();
    }

    /// Every content file that parsed in the last run, drafts included, even when others
    /// failed: what `check` looks at across posts.
    pub fn parsed_content(&self) -> crate::content::Content {
        self.content.partial_content(true)
    }

    /// Whether the last run succeeded and left a model (what `serve`'s tests look at).
    pub fn has_model(&self) -> bool {
        self.kept.is_some()
    }

    fn run_stages(&mut self, changes: Changes, sink: Sink) -> Result<Run> {
        let start = Instant::now();
        let (kinds, changed): (HashSet<Change>, HashSet<PathBuf>) = match changes {
            Changes::Unknown => (
                [Change::Config, Change::Template, Change::Static].into(),
                HashSet::new(),
            ),
            Changes::Paths(paths) => (
                paths.iter().map(|(_, c)| *c).collect(),
                paths
                    .iter()
                    .filter(|(_, c)| *c == Change::Content)
                    .map(|(p, _)| p.clone())
                    .collect(),
            ),
        };
        if self.config.is_none() || kinds.contains(&Change::Config) {
            self.load_config()?;
        }
        let config = self.config.clone().expect("loaded above");
        if kinds.contains(&Change::Template) {
            self.templates = None;
        }
        if kinds.contains(&Change::Static) {
            self.statics_stale = true;
        }
        let kept = self.kept.take();
        let kept = match kept {
            // The common case while writing: a saved post that did not move in the site.
            Some(k) if kinds.len() == 1 && kinds.contains(&Change::Content) => {
                match self.swap_posts(k, &config, &changed, sink, start)? {
                    Ok(run) => return Ok(run),
                    Err(k) => Some(k),
                }
            }
            other => other,
        };
        // The old model is not needed any more; freeing a large one takes milliseconds the
        // writer would wait for.
        if let Some(k) = kept {
            drop_later(k);
        }

        let t = Instant::now();
        let root = self.opts.root.clone();
        let templates = self.templates.take();
        let content = &mut self.content;
        let drafts = self.opts.drafts;
        let timing = self.timing;
        let (templates, content) = rayon::join(
            || {
                let t = Instant::now();
                let r = templates.map_or_else(|| Templates::load(&root, &config), Ok);
                if timing {
                    eprintln!("timing: templates {:?}", t.elapsed());
                }
                r
            },
            || {
                let t = Instant::now();
                let r = content.load(&root, &config, drafts, &changed);
                if timing {
                    eprintln!("timing: content {:?}", t.elapsed());
                }
                r
            },
        );
        if self.opts.keep_going {
            return self.keep_going(&config, templates, content, sink, start);
        }
        // Keep good templates even when content failed, so the next run need not reload.
        let (templates, (mut content, reparsed)) = match (templates, content) {
            (Ok(t), Err(e)) => {
                self.templates = Some(t);
                return Err(e);
            }
            (t, c) => join_inputs(t, c)?,
        };
        let now = self.opts.clock.now();
        let scheduled = if self.opts.future {
            0
        } else {
            content.hold_back_future(now)
        };
        let t = self.phase("load", t);
        let result = self.model_and_render(&config, Some(&templates), content, now, sink, t);
        self.templates = Some(templates);
        let mut run = result?;
        run.scheduled = scheduled;
        run.reparsed = reparsed;
        run.elapsed = start.elapsed();
        Ok(run)
    }

    /// Loads config.toml; when it (or the options) changed since the files were parsed and the
    /// pages keyed, starts afresh: config decides how files parse and how every page looks.
    fn load_config(&mut self) -> Result<()> {
        // Forget the old config first: while config.toml is broken every run must report it,
        // as `build` would, not quietly use the last good one.
        self.config = None;
        let mut config = Config::load(&self.opts.root)?;
        if let Some(url) = &self.opts.base_url {
            config.set_base_url(url)?;
        }
        let text =
            std::fs::read(self.opts.root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
        self.card_font = self.find_card_font(&config, &text)?;
        // The text alone: options are constant for one engine, and a build cache made with
        // other options is not used at all.
        let fp = fingerprint::of(&text);
        if fp != self.config_fp {
            // Page keys do not cover config: every page is rendered again (and written only
            // where its bytes changed).
            self.forget();
            self.config_fp = fp;
        }
        self.config = Some(config);
        Ok(())
    }

    /// Everything after loading: the model, the plan, static files, keys, rendering. Leaves
    /// `self` untouched on error.
    fn model_and_render(
        &mut self,
        config: &Config,
        templates: Option<&Templates>,
        mut content: crate::content::Content,
        now: chrono::DateTime<chrono::FixedOffset>,
        sink: Sink,
        t: Instant,
    ) -> Result<Run> {
        content.static_images = self.static_images();
        let mut site = Site::build(config.clone(), content, now)?;
        site.cards = self.card_font.is_some();
        // `check` goes on to report the other stages' problems too; nothing is kept then.
        let mut shortcode_errors = Vec::new();
        if let Some(t) = templates
            && let Err(d) = render::shortcodes::expand(&mut site, t, None)
        {
            if !self.opts.keep_going {
                return Err(Error::Diagnostics(d));
            }
            shortcode_errors = d;
        }
        if let Some(t) = templates {
            // Before page keys: theme images' sizes are part of them.
            t.images.set_probes(
                site.files
                    .static_images
                    .iter()
                    .map(|(rel, img)| (rel.clone(), img.probe))
                    .collect(),
            );
        }
        let t = self.phase("site", t);
        let static_robots = self.opts.root.join(STATIC_DIR).join("robots.txt").is_file();
        let planned = render::plan(&site, static_robots);
        let root = &self.opts.root;
        let collisions = render::check_collisions(&planned, |file, alias| match alias {
            Some(i) => crate::content::alias_span(root, file, i),
            None => crate::content::slug_span(root, file),
        });
        if !collisions.is_empty() {
            return Err(Error::Diagnostics(collisions));
        }
        let t = self.phase("plan", t);

        // Before anything is compared with what the output holds (static files too).
        if let Some(f) = self.late_forget.take() {
            let files = f();
            self.forget_outputs(&files);
        }
        let t = self.phase("wait for the output check", t);

        let mut run = Run {
            posts: site.posts.len(),
            pages: planned.len(),
            ..Run::default()
        };
        let mut new_outputs: Vec<(String, Out)> = Vec::new();
        let wanted: FastSet<&str> = planned.iter().map(|p| p.file.as_str()).collect();
        let statics = if self.statics_stale {
            let (names, warnings) = self.publish_statics(&planned, sink, &mut new_outputs)?;
            run.warnings = warnings;
            names
        } else {
            self.statics.clone()
        };
        run.statics = statics.len();
        let t = self.phase("static", t);

        // `check` reads every image's header but does not spend time on pixels.
        let published = if self.opts.keep_going {
            let requests = templates.map_or(&[][..], |t| t.images.requests.as_slice());
            files::Published {
                names: files::names(&site, requests),
                ..files::Published::default()
            }
        } else {
            let taken: FastSet<&str> = wanted
                .iter()
                .copied()
                .chain(statics.iter().map(String::as_str))
                .collect();
            let requests = templates.map_or(&[][..], |t| t.images.requests.as_slice());
            self.publish_files(&site, &taken, requests, sink)?
        };
        run.images = published.processed;
        run.images_cached = published.reused;
        let t = self.phase("bundle files and images", t);

        // Cards are pixel work too: `check` draws none.
        let cards = match templates {
            Some(tpl) if !self.opts.keep_going => {
                let taken: FastSet<&str> = statics.iter().map(String::as_str).collect();
                self.publish_cards(&site, tpl, &crate::cards::all(&site), &taken, sink)?
            }
            _ => cards::Cards::default(),
        };
        run.cards = cards.drawn;
        run.cards_cached = cards.cached;
        let t = self.phase("social cards", t);

        // Only `check` goes on without templates (they failed): nothing to render then.
        let Some(templates) = templates else {
            return Ok(run);
        };
        if !shortcode_errors.is_empty() {
            return Err(Error::Diagnostics(shortcode_errors));
        }
        // Made with this model, kept with it for the fast path.
        let memo = render::Memo::new(site.posts.len());
        let keys = Keys::new(&site, &planned, &memo).all(&planned, templates);
        let t = self.phase("keys", t);
        let stale: Vec<(&Planned, u64)> = planned
            .iter()
            .zip(&keys)
            .filter(|(p, key)| self.outputs.get(&p.file).is_none_or(|o| o.key != **key))
            .map(|(p, key)| (p, *key))
            .collect();
        // The keys of the pages rendered only: after a one-post edit a few, not 27k.
        let key_of: FastMap<&str, u64> = stale.iter().map(|(p, k)| (p.file.as_str(), *k)).collect();
        let todo: Vec<Planned> = stale.iter().map(|(p, _)| (*p).clone()).collect();
        // Pages wanted first (serve's home page) are rendered, then announced, then the rest.
        let early = self.early.take();
        let (first, rest): (Vec<Planned>, Vec<Planned>) = match &early {
            Some((wanted, _)) => todo.into_iter().partition(|p| wanted.contains(&p.file)),
            None => (Vec::new(), todo),
        };
        run.rendered = first.len() + rest.len();
        let model = Model {
            site: &site,
            planned: &planned,
            memo: &memo,
        };
        let search_from = self.search_start();
        // The index needs the model, not the pages: it is made while they render. After a
        // one-post edit both are short and mostly on one thread each, and the last run's
        // files are compared with this run's pages beside them.
        let ((pages, search), last) = rayon::join(
            || {
                rayon::join(
                    || {
                        let (mut rendered, mut page_links) =
                            self.render_into(model, templates, &first, &key_of, sink)?;
                        if let Some((_, announce)) = early {
                            announce();
                        }
                        let (more, more_links) =
                            self.render_into(model, templates, &rest, &key_of, sink)?;
                        rendered.extend(more);
                        page_links.extend(more_links);
                        Ok::<_, Error>((rendered, page_links))
                    },
                    || self.search_or_keep(&site, &statics, sink, search_from),
                )
            },
            || self.files_beyond(&wanted),
        );
        let (rendered, page_links) = pages?;
        let search = search?;
        let t = self.phase(
            &format!("render {} pages and the search index", run.rendered),
            t,
        );

        // Every page's links against every file this run publishes.
        let fresh = links::LinkIndex::fresh(page_links);
        let is_page = |f: &str| wanted.contains(f);
        let publishes = |f: &str| {
            wanted.contains(f)
                || statics.contains(f)
                || published.names.contains(f)
                || cards.names.contains(f)
                || search.names.contains(f)
        };
        let exists = |f: &str| publishes(f) || links::always_published(&site.config, f);
        let scope = links::Scope::new(&site.config);
        // The files the last run published and this one does not, and the other way round.
        let (beyond, every_page_known) = last;
        run.removed = beyond
            .into_iter()
            .filter(|f| !publishes(f))
            .cloned()
            .collect();
        run.removed.sort_unstable();
        let mut changed: Vec<&str> = run.removed.iter().map(String::as_str).collect();
        // New pages: none when the last run had every one (most runs), and then the 27k
        // pages need not be looked up again.
        let new_pages = (!every_page_known).then_some(wanted.iter().copied());
        changed.extend(
            new_pages
                .into_iter()
                .flatten()
                .chain(statics.iter().map(String::as_str))
                .chain(published.names.iter().map(String::as_str))
                .chain(cards.names.iter().map(String::as_str))
                .chain(search.names.iter().map(String::as_str))
                .filter(|f| !self.outputs.contains_key(*f)),
        );
        let checked = match self
            .links
            .broken_after(&scope, &fresh, &changed, is_page, exists)
        {
            Some(checked) => checked,
            None => self.links.broken(&scope, &fresh, is_page, exists),
        };
        if !checked.broken.is_empty() {
            let found = self.link_diagnostics(&site, templates, &planned, &checked.broken);
            match site.config.links.internal_level {
                crate::config::LinkLevel::Error => return Err(Error::Diagnostics(found)),
                crate::config::LinkLevel::Warning => run.warnings.extend(found),
            }
        }
        let findings = self.links.findings(&fresh, checked);
        let t = self.phase("links", t);

        // Nothing failed: commit to the new state.
        for f in &run.removed {
            self.outputs.remove(f);
        }
        for (file, out, written) in rendered {
            if written {
                run.written.push(file.clone());
            }
            self.outputs.insert(file, out);
        }
        for (file, out) in new_outputs {
            run.written.push(file.clone());
            self.outputs.insert(file, out);
        }
        for (file, out, written) in published
            .made
            .into_iter()
            .chain(cards.made)
            .chain(search.made)
        {
            if written {
                run.written.push(file.clone());
            }
            self.outputs.insert(file, out);
        }
        self.links
            .commit(fresh, |f| wanted.contains(f), Some(wanted.len()), findings);
        run.notices.extend(self.card_notice.take());
        // Keys of pages whose bytes did not need rendering are current already; a config
        // change set them all to STALE, and the render above made every page again.
        run.written.sort_unstable();
        run.bytes = self.outputs.values().map(|o| o.len).sum();
        if !self.opts.future {
            run.next_due = self.content.next_due(self.opts.drafts, now);
        }
        if site.config.news_sitemap {
            run.news_until = site
                .posts
                .iter()
                .map(|p| p.date + chrono::Duration::days(2))
                .filter(|t| *t >= now)
                .min();
        }
        self.statics = statics;
        self.statics_stale = false;
        self.search_files = search.names;
        self.keep_search_state(search.state, search.same_state);
        self.kept = Some(Box::new(Kept {
            site,
            planned,
            memo,
            next_due: run.next_due,
            news_until: run.news_until,
        }));
        self.phase("commit", t);
        Ok(run)
    }

    /// The last run's files that are not pages of this run (removed, or another kind of
    /// file now), and whether each page of this run was one of the last run's files. One pass
    /// over the last run's files (~30k at 10k posts), on both threads.
    fn files_beyond(&self, pages: &FastSet<&str>) -> (Vec<&String>, bool) {
        use rayon::prelude::*;
        let (beyond, known) = self
            .outputs
            .par_iter()
            .fold(
                || (Vec::new(), 0usize),
                |(mut beyond, known), (file, _)| {
                    if pages.contains(file.as_str()) {
                        (beyond, known + 1)
                    } else {
                        beyond.push(file);
                        (beyond, known)
                    }
                },
            )
            .reduce(
                || (Vec::new(), 0),
                |(mut a, n), (b, m)| {
                    a.extend(b);
                    (a, n + m)
                },
            );
        (beyond, known == pages.len())
    }

    /// Renders `todo` and hands every page whose bytes differ from the last run's to `sink`.
    /// Returns (file, its new record, whether it was written) and what each page links to.
    fn render_into(
        &self,
        model: Model,
        templates: &Templates,
        todo: &[Planned],
        key_of: &FastMap<&str, u64>,
        sink: Sink,
    ) -> Result<(Vec<Made>, Vec<links::OfPage>)> {
        let Model {
            site,
            planned,
            memo,
        } = model;
        let link = Linker::new(&site.config.base_url, site.config.base_path());
        let scope = links::Scope::new(&site.config);
        let done = Mutex::new(Vec::with_capacity(todo.len()));
        let found = Mutex::new(Vec::with_capacity(todo.len()));
        render::render_all(site, templates, memo, link, planned, todo, |file, bytes| {
            // Scanned here, on the render threads, while the page is in the cache.
            let page_links = scope.scan(bytes, &self.links);
            let out = Out {
                key: key_of.get(file).copied().unwrap_or(STALE),
                hash: fingerprint::of_bytes(bytes),
                len: bytes.len() as u64,
            };
            let same = self
                .outputs
                .get(file)
                .is_some_and(|o| o.hash == out.hash && o.len == out.len);
            if !same {
                sink(file, bytes)?;
            }
            let failed = || Error::Message("a render thread failed".into());
            done.lock()
                .map_err(|_| failed())?
                .push((file.to_string(), out, !same));
            found
                .lock()
                .map_err(|_| failed())?
                .push((file.to_string(), page_links));
            Ok(())
        })?;
        let failed = || Error::Message("a render thread failed".into());
        Ok((
            done.into_inner().map_err(|_| failed())?,
            found.into_inner().map_err(|_| failed())?,
        ))
    }
}

/// Pairs loaded templates and content, or gathers the diagnostics of both.
pub fn join_inputs<T, C>(templates: Result<T>, content: Result<C>) -> Result<(T, C)> {
    match (templates, content) {
        (Ok(t), Ok(c)) => Ok((t, c)),
        (Err(Error::Diagnostics(mut a)), Err(Error::Diagnostics(b))) => {
            a.extend(b);
            Err(Error::Diagnostics(a))
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

/// Frees `value` on another thread, off the path from a save to the reloaded page.
fn drop_later<T: Send + 'static>(value: T) {
    // If no thread can be started, the value is dropped here instead, as before.
    let _ = std::thread::Builder::new()
        .name("showpress-free".into())
        .spawn(move || drop(value));
}

/// `root` made absolute, for comparing where a cache was made.
/// The part that exists is canonicalized (`..`, symlinks) and the rest appended, so a folder
/// about to be created (a first build's output) is spelled as it will be once it exists.
pub fn absolute(root: &Path) -> PathBuf {
    let full = if root.is_absolute() {
        root.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(root)
    };
    let mut existing = full.as_path();
    let mut rest = Vec::new();
    while existing.canonicalize().is_err() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return full,
        }
    }
    let mut out = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    for r in rest.into_iter().rev() {
        out.push(r);
    }
    out
}
