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
    let saved_at = SystemTime::now();
    let target = Target::open(&opts.output, &opts.root)?;
    let engine_opts = Options {
        root: opts.root.clone(),
        drafts: opts.drafts,
        future: opts.future,
        base_url: opts.base_url.clone(),
        clock: opts.clock,
        keep_going: false,
    };
    let cache_dir = match &opts.cache {
        CacheMode::InSite => Some(opts.root.join(CACHE_DIR)),
        CacheMode::Dir(d) => Some(d.clone()),
        CacheMode::Off => None,
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
    let restored = match &cache {
        Some(c) => c.load(&engine_opts, &opts.output).unwrap_or_else(|why| {
            cache_note = Some(format!(
                "ignoring the build cache in {}: it {why}; building everything",
                cache_dir
                    .as_deref()
                    .unwrap_or(std::path::Path::new(""))
                    .display()
            ));
            None
        }),
        None => None,
    };
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
    // Files in the output that are not as this cache left them are made again, or removed.
    // Checking takes a stat per file: done on another thread while the engine loads.
    type Checking = std::thread::JoinHandle<(Verified, DiskManifest)>;
    let checking: Arc<Mutex<Option<Checking>>> = Arc::default();
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
        let handle = std::thread::spawn(move || (crate::output::verify(&out, &known), known));
        if let Ok(mut c) = checking.lock() {
            *c = Some(handle);
        }
        let (from, to) = (checking.clone(), checked.clone());
        engine.forget_outputs_later(Box::new(move || {
            let Some(handle) = from.lock().ok().and_then(|mut h| h.take()) else {
                return Vec::new();
            };
            let Ok(found) = handle.join() else {
                return Vec::new();
            };
            let dirty = found.0.dirty.clone();
            if let Ok(mut slot) = to.lock() {
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
    let stage = target.stage()?;
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
            return Err(e);
        }
    };
    let t = phase("engine", t);
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
        disk.update(&written, &removed);
    } else if adopt {
        disk = DiskManifest {
            files: kept.into_inner().unwrap_or_default().into_iter().collect(),
            dirs: existing.dirs,
        };
        disk.update(&written, &removed);
    } else {
        disk.files = written.iter().cloned().collect();
        disk.dirs = stage.dirs();
    }
    let changed = !written.is_empty() || !removed.is_empty();
    let pending = match &cache {
        Some(c) if changed || run.rendered > 0 || run.reparsed > 0 || !incremental => {
            // A cache that cannot be saved (a full disk) is dropped, and the site still
            // published: the next build renders everything.
            c.write_pending(&engine, &opts.output, &disk, saved_at)
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
                full: !incremental && !adopt,
                removed: removed.clone(),
                cache: pending,
            },
        )?;
    } else {
        target.abandon(stage);
    }
    if let (Some(c), true) = (&cache, saving) {
        c.prune();
    }
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
        cache_note,
        elapsed: start.elapsed(),
    };
    // Freeing the model of a large site takes a tenth of a second the writer would wait
    // for at exit; another thread does it (the process may end first, which frees it too).
    let _ = std::thread::Builder::new().spawn(move || drop((engine, disk)));
    Ok(report)
}
