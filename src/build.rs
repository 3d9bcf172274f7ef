//! `showpress build`: runs the [engine](crate::engine) once and commits what changed to the
//! output folder. With a usable build cache (`.showpress/` by default) only files whose size or
//! modification time changed are read again, only pages whose key changed are rendered, and
//! only files whose bytes changed are written; without one, everything is, into a staging
//! folder that replaces the output whole.

use std::path::PathBuf;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use crate::dates::Clock;
use crate::diagnostic::Diagnostic;
use crate::engine::cache::CacheDir;
use crate::engine::{Changes, Engine, Options};
use crate::error::{Error, Result};
use crate::output::{Commit, DiskManifest, Target, Verified};

/// The cache folder's name inside the site, by default.
/// Under the cache folder: processed images (see [`crate::assets::process`]).
pub const IMAGE_CACHE_DIR: &str = "images";

pub const CACHE_DIR: &str = ".showpress";

/// Where a build keeps its cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheMode {
    /// `.showpress/` in the site's folder.
    InSite,
    Dir(PathBuf),
    /// Build everything and write no cache (`--no-cache`).
    Off,
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output: PathBuf,
    pub drafts: bool,
    /// Publish posts dated in the future too.
    pub future: bool,
    pub base_url: Option<String>,
    /// When the build publishes at: posts dated later are scheduled, not published.
    pub clock: Clock,
    pub cache: CacheMode,
}

#[derive(Debug, Clone)]
pub struct BuildReport {
    pub posts: usize,
    /// Pages (and feeds, sitemaps) the site has.
    pub pages: usize,
    pub static_files: usize,
    /// Posts dated in the future, left out.
    pub scheduled: usize,
    /// Warnings for files of `static/` not published because a generated page has their name.
    pub shadowed: Vec<Diagnostic>,
    /// Size of the whole output.
    pub bytes: u64,
    /// Files written (new or changed) and removed.
    pub written: usize,
    pub removed: usize,
    /// Pages rendered (their key changed, or there was no usable cache).
    pub rendered: usize,
    /// Source images processed (decoded, cleaned or encoded), and those whose every file came
    /// from the image cache, in this build.
    pub images: usize,
    pub images_cached: usize,
    /// Social cards drawn, and those that came from the card cache, in this build.
    pub cards: usize,
    pub cards_cached: usize,
    /// One-line warnings printed as they are (no font for social cards).
    pub notices: Vec<String>,
    /// Why a cache that was there could not be used.
    pub cache_note: Option<String>,
    pub elapsed: Duration,
}

/// Prints how long a phase took when `SHOWPRESS_TIMING` is set; returns the next start.
fn phase(name: &str, since: Instant) -> Instant {
    if std::env::var_os("SHOWPRESS_TIMING").is_some() {
        eprintln!("timing: {name} {:?}", since.elapsed());
    }
    Instant::now()
}

pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let start = Instant::now();
    // The engine keys parsed files by absolute path; the shortcut below compares the same.
    let opts = &BuildOptions {
        root: crate::engine::absolute(&opts.root),
        ..opts.clone()
    };
    let saved_at = SystemTime::now();
    let target = Target::open(&opts.output, &opts.root)?;
    let cache_dir = match &opts.cache {
        CacheMode::InSite => Some(opts.root.join(CACHE_DIR)),
        CacheMode::Dir(d) => Some(d.clone()),
        CacheMode::Off => None,
    };
    // Processed images are kept even with `--no-cache`: the same source bytes and settings
    // always make the same files, so encoding them again cannot make a site more correct.
    let image_cache = cache_dir
        .clone()
        .unwrap_or_else(|| opts.root.join(CACHE_DIR))
        .join(IMAGE_CACHE_DIR);
    let engine_opts = Options {
        root: opts.root.clone(),
        drafts: opts.drafts,
        future: opts.future,
        base_url: opts.base_url.clone(),
        clock: opts.clock,
        keep_going: false,
        image_cache: Some(image_cache),
        progress: true,
    };
    if let Some(dir) = &cache_dir
        && crate::engine::absolute(dir).starts_with(crate::engine::absolute(&opts.output))
    {
        return Err(Error::Message(format!(
            "refusing to keep the build cache in `{}`: it is inside the output folder, which is replaced by builds",
            dir.display()
        )));
    }
    let mut cache_note = None;
    // A cache folder that cannot be used (read-only, not a folder) makes a build without it,
    // not a failed one: a cache can only make a build faster.
    let cache = match cache_dir.as_deref().map(CacheDir::open).transpose() {
        Ok(c) => c,
        Err(e) => {
            cache_note = Some(format!(
                "cannot use the build cache: {e}; building everything without it"
            ));
            None
        }
    };
    let ignoring = |why: String| {
        format!(
            "ignoring the build cache in {}: it {why}; building everything",
            cache_dir
                .as_deref()
                .unwrap_or(std::path::Path::new(""))
                .display()
        )
    };
    let state = match &cache {
        Some(c) => c
            .load_state(&engine_opts, &opts.output)
            .unwrap_or_else(|why| {
                cache_note = Some(ignoring(why));
                None
            }),
        None => None,
    };
    // Templates and static files are fingerprinted before the engine reads them: a record
    // of an unchanged site must describe what this build used (one saved mid-build is then
    // seen by the next build). Only a build that saves a cache needs them.
    let inputs = cache.as_ref().and_then(|_| Inputs::of(&opts.root));
    // The common case of all: nothing changed since the last build. Seen from the state
    // alone (stamps, templates, static files, the clock, the output), without reading the
    // parsed files or building the model.
    let mut scan = None;
    if let Some(state) = &state
        && target.exists()
    {
        match nothing_changed(state, opts, &target, start, inputs) {
            Ok(report) => return Ok(report),
            // The walk of `content/` it made is reused below instead of walking it again.
            Err(found) => scan = found,
        }
    }
    let t = phase("  state and the check that nothing changed", start);
    let restored = match (&cache, state) {
        (Some(c), Some(state)) => c.restore(state).map(Some).unwrap_or_else(|why| {
            cache_note = Some(ignoring(why));
            None
        }),
        _ => None,
    };
    phase("  restore", t);
    let t = phase("open and load the cache", start);
    let incremental = restored.is_some() && target.exists();
    // No usable cache but an output already there (a new showpress, `--no-cache`, another
    // machine's checkout): everything is rendered, and a file whose bytes equal the one in
    // the output is left as it is, so it keeps its inode and time and nothing is deleted
    // wholesale.
    let adopt = !incremental && target.exists();
    let (mut engine, mut disk) = match restored {
        Some(r) => (r.engine, r.disk),
        None => (Engine::new(engine_opts), DiskManifest::default()),
    };
    if let Some(found) = scan {
        engine.use_content_scan(found);
    }
    // Files in the output that are not as this cache left them are made again, or removed.
    // Checking takes a stat per file: done on another thread while the engine loads.
    let checked: Arc<Mutex<Option<(Verified, DiskManifest)>>> = Arc::default();
    if incremental {
        let unknown: Vec<String> = engine
            .outputs()
            .keys()
            .filter(|f| !disk.files.contains_key(*f))
            .cloned()
            .collect();
        engine.forget_outputs(&unknown);
        let out = target.path().to_path_buf();
        let known = std::mem::take(&mut disk);
        let checking = std::thread::spawn(move || (crate::output::verify(&out, &known), known));
        let slot = checked.clone();
        engine.forget_outputs_later(Box::new(move || {
            let Ok(found) = checking.join() else {
                return Vec::new();
            };
            let dirty = found.0.dirty.clone();
            if let Ok(mut slot) = slot.lock() {
                *slot = Some(found);
            }
            dirty
        }));
    } else {
        let all: Vec<String> = engine.outputs().keys().cloned().collect();
        engine.forget_outputs(&all);
        disk = DiskManifest::default();
    }

    let existing = if adopt {
        crate::output::existing(target.path())
    } else {
        DiskManifest::default()
    };
    let t = phase("check the output", t);
    // Without a cache or an output the stage becomes the output whole (see `Commit::full`).
    let whole = !incremental && !adopt;
    let stage = target.stage(whole)?;
    let kept: Mutex<Vec<(String, crate::output::DiskStamp)>> = Mutex::default();
    let sink = |rel: &str, bytes: &[u8]| {
        if let Some(stamp) = existing.files.get(rel)
            && stamp.len == bytes.len() as u64
            && std::fs::read(target.path().join(rel)).is_ok_and(|b| b == bytes)
        {
            if let Ok(mut k) = kept.lock() {
                k.push((rel.to_string(), *stamp));
            }
            return Ok(());
        }
        stage.write(rel, bytes)
    };
    let run = match engine.run(Changes::Unknown, &sink) {
        Ok(run) => run,
        Err(e) => {
            target.abandon(stage);
            if crate::lazy::failures() > 0
                && let Some(c) = &cache
            {
                // The cache itself is what failed (see `Engine::run`): the next build must not
                // use it again.
                c.discard();
            }
            return Err(e);
        }
    };
    let t = phase("engine", t);
    pause_here_for_tests();
    let mut stray = Vec::new();
    if incremental {
        // The engine took the check's result before comparing anything with the output.
        let found = checked.lock().ok().and_then(|mut c| c.take());
        let Some((found, known)) = found else {
            target.abandon(stage);
            return Err(Error::Message(
                "checking the output folder failed; run the build again".into(),
            ));
        };
        disk = known;
        for f in &found.dirty {
            disk.files.remove(f);
        }
        disk.dirs.extend(found.listed);
        // A dirty file the site no longer has must go too.
        stray = found.stray;
        stray.extend(found.dirty);
    }
    if adopt {
        stray = existing
            .files
            .keys()
            .filter(|f| !engine.outputs().contains_key(*f))
            .cloned()
            .collect();
    }
    let written = stage.written();
    let in_place = stage.rewritten();
    let mut removed = run.removed.clone();
    // A stray file the site still has was just written again; the others go.
    removed.extend(
        stray
            .into_iter()
            .filter(|f| !engine.outputs().contains_key(f)),
    );
    removed.sort_unstable();
    removed.dedup();
    if incremental {
        disk.update(&written, &removed, &in_place);
    } else if adopt {
        disk = DiskManifest {
            files: kept.into_inner().unwrap_or_default().into_iter().collect(),
            dirs: existing.dirs,
        };
        disk.update(&written, &removed, &in_place);
    } else {
        disk.files = written.iter().cloned().collect();
        disk.dirs = stage.dirs();
    }
    let changed = !written.is_empty() || !removed.is_empty();
    let pending = match &cache {
        Some(c) if changed || run.rendered > 0 || run.reparsed > 0 || !incremental => {
            // A cache that cannot be saved (a full disk) is dropped, and the site still
            // published: the next build renders everything.
            c.write_pending(&engine, &opts.output, &disk, saved_at, || {
                unchanged_record(&engine, inputs, &run)
            })
            .unwrap_or_else(|e| {
                c.discard();
                cache_note = Some(format!(
                    "could not save the build cache ({e}); the next build renders everything"
                ));
                None
            })
        }
        _ => None,
    };
    let t = phase("save the cache", t);
    let saving = pending.is_some();
    if changed || pending.is_some() || !target.exists() {
        target.commit(
            stage,
            Commit {
                full: whole,
                removed: removed.clone(),
                cache: pending,
                // Filled in from the stage.
                ..Commit::default()
            },
        )?;
    } else {
        target.abandon(stage);
    }
    if let (Some(c), true) = (&cache, saving) {
        c.prune();
    }
    // Variants of images that changed or are gone (the engine ran: it marked what is used).
    engine.prune_images();
    phase("commit", t);
    let report = BuildReport {
        posts: run.posts,
        pages: run.pages,
        static_files: run.statics,
        scheduled: run.scheduled,
        shadowed: run.warnings,
        bytes: run.bytes,
        written: written.len(),
        removed: removed.len(),
        rendered: run.rendered,
        images: run.images,
        images_cached: run.images_cached,
        cards: run.cards,
        cards_cached: run.cards_cached,
        notices: run.notices,
        cache_note,
        elapsed: start.elapsed(),
    };
    // Freeing the model of a large site takes a tenth of a second the writer would wait
    // for at exit; another thread does it (the process may end first, which frees it too).
    let _ = std::thread::Builder::new().spawn(move || drop((engine, disk)));
    Ok(report)
}

/// The walk of `content/` made by the check that nothing changed, with every file's stamp
/// when it got that far: the engine's load uses it instead of walking and stat-ing again.
type ContentScan = crate::content::Scan;

/// Fingerprint of every file under `dir` (path and bytes), or `None` when one cannot be read.
fn tree_fingerprint(files: &[(String, PathBuf)]) -> Option<u64> {
    let mut parts = Vec::with_capacity(files.len());
    for (rel, abs) in files {
        parts.push((
            rel.as_str(),
            crate::fingerprint::of(&std::fs::read(abs).ok()?),
        ));
    }
    Some(crate::fingerprint::of(&parts))
}

/// Fingerprints of the files of `templates/` and `static/` (paths and bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Inputs {
    templates: u64,
    statics: u64,
}

impl Inputs {
    /// `None` when a file cannot be read (the shortcut is then not taken or recorded).
    fn of(root: &std::path::Path) -> Option<Inputs> {
        let statics = crate::fs::static_files(root).ok()?;
        Some(Inputs {
            templates: tree_fingerprint(&template_files(root))?,
            statics: tree_fingerprint(&statics)?,
        })
    }
}

/// The test of a file saved while a build runs (`tests/build_cache.rs`) sets
/// `__SHOWPRESS_TEST_PAUSE_AFTER_RENDER=FILE`: the build creates FILE once the engine is done
/// and goes on when FILE is gone (after a minute at most). No effect without that variable.
fn pause_here_for_tests() {
    let Some(flag) = std::env::var_os("__SHOWPRESS_TEST_PAUSE_AFTER_RENDER") else {
        return;
    };
    let flag = PathBuf::from(flag);
    if std::fs::write(&flag, b"").is_err() {
        return;
    }
    let until = Instant::now() + std::time::Duration::from_secs(60);
    while flag.exists() && Instant::now() < until {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// The files of `templates/` (all of them: a change to any disables the shortcut).
fn template_files(root: &std::path::Path) -> Vec<(String, PathBuf)> {
    let dir = root.join(crate::render::TEMPLATES_DIR);
    walkdir::WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e
                .path()
                .strip_prefix(&dir)
                .ok()?
                .to_string_lossy()
                .into_owned();
            Some((rel, e.into_path()))
        })
        .collect()
}

/// What the next build needs to see that nothing changed, when this run can vouch for it:
/// every content file's stamp is known and old enough to trust, and no warning must be
/// printed again.
fn unchanged_record(
    engine: &Engine,
    inputs: Option<Inputs>,
    run: &crate::engine::Run,
) -> Option<crate::engine::cache::Unchanged> {
    // Warnings about the site are worked out again. The no-font notice is kept and printed
    // again: a site that did not change is not rebuilt for it, so a font installed later is
    // looked for by the next build that has something to do (or one with `--no-cache`).
    if !run.warnings.is_empty() {
        return None;
    }
    let files = engine.content_stamps()?;
    let inputs = inputs?;
    Some(crate::engine::cache::Unchanged {
        files,
        dirs: engine.content_dirs(),
        templates: inputs.templates,
        statics: inputs.statics,
        next_due: run.next_due,
        news_until: run.news_until,
        posts: run.posts,
        pages: run.pages,
        statics_published: run.statics,
        scheduled: run.scheduled,
        bytes: run.bytes,
        notices: run.notices.clone(),
    })
}

/// The report of a build that has nothing to do; else, when it got as far as walking
/// `content/`, that walk, for the build to reuse.
fn nothing_changed(
    state: &crate::engine::cache::State,
    opts: &BuildOptions,
    target: &Target,
    start: Instant,
    inputs: Option<Inputs>,
) -> std::result::Result<BuildReport, Option<ContentScan>> {
    let why = |what: &str| {
        if std::env::var_os("SHOWPRESS_TIMING").is_some() {
            eprintln!("timing: not unchanged: {what}");
        }
    };
    let Some(u) = state.unchanged() else {
        why("no record");
        return Err(None);
    };
    let now = opts.clock.now();
    if u.next_due.is_some_and(|d| now >= d) || u.news_until.is_some_and(|d| now > d) {
        why("time");
        return Err(None);
    }
    // Cheapest first; the output is checked last, and only when the inputs are unchanged (a
    // build after an edit would otherwise check it twice).
    let config = std::fs::read(opts.root.join(crate::config::CONFIG_FILE)).map_err(|_| None)?;
    if crate::fingerprint::of(&config) != state.config_fp() {
        why("config");
        return Err(None);
    }
    let recorded = Inputs {
        templates: u.templates,
        statics: u.statics,
    };
    if inputs != Some(recorded) {
        why("templates or static files");
        return Err(None);
    }
    let trusted = state.trusted_before();
    // Walking `content/` (~40 ms at 10k posts) is needed only when one of its folders changed.
    let listed = u.files.iter().map(|(abs, _)| abs.as_path());
    let (files, errors, dirs) =
        match crate::content::rediscover(&opts.root, &u.dirs, listed, trusted) {
            Some(files) => {
                if std::env::var_os("SHOWPRESS_TIMING").is_some() {
                    eprintln!("timing: content folders unchanged: not walked again");
                }
                (files, Vec::new(), u.dirs.clone())
            }
            None => crate::content::discover_with_dirs(&opts.root).map_err(|_| None)?,
        };
    if !errors.is_empty() || files.len() != u.files.len() {
        why("content files");
        return Err(Some((files, errors, None, dirs)));
    }
    // Every file's stamp, not only up to the first that changed: the load that follows then
    // need not stat them again (10,000 files: tens of milliseconds).
    let stamps = crate::content::stamps(&opts.root, &files);
    let same = files
        .iter()
        .zip(&u.files)
        .zip(&stamps)
        .all(|((f, (abs, stamp)), now)| {
            f.abs == *abs
                && now.is_some_and(|s| s == *stamp && s.modified.is_some_and(|m| m < trusted))
        });
    if !same {
        why("content stamps");
        return Err(Some((files, errors, Some(stamps), dirs)));
    }
    let Ok(disk) = state.disk() else {
        why("output record");
        return Err(Some((files, errors, Some(stamps), dirs)));
    };
    let found = target.verify(disk);
    let output_ok = found.dirty.is_empty() && found.stray.is_empty();
    if !output_ok {
        why("output");
        return Err(Some((files, errors, Some(stamps), dirs)));
    }
    Ok(BuildReport {
        posts: u.posts,
        pages: u.pages,
        static_files: u.statics_published,
        scheduled: u.scheduled,
        shadowed: Vec::new(),
        bytes: u.bytes,
        written: 0,
        removed: 0,
        rendered: 0,
        images: 0,
        images_cached: 0,
        cards: 0,
        cards_cached: 0,
        notices: u.notices.clone(),
        cache_note: None,
        elapsed: start.elapsed(),
    })
}
