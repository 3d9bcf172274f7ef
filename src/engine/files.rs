//! Bundle files and images in the engine's output: every file of a published bundle under its
//! page's URL (an image cleaned of identifying metadata and turned upright), and the variants
//! of every raster image a page shows, made through the image cache. An output whose key (the
//! source's fingerprint and what is made of it) is unchanged is not looked at again.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::{Engine, Out, Sink};
use crate::assets::images::{self, Format, Probe};
use crate::assets::process::Op;
use crate::assets::{Asset, StaticImage};
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::fingerprint::{self, FastMap, FastSet};
use crate::fs::STATIC_DIR;
use crate::render::images::Request;
use crate::site::Site;

/// An output file made this run: its path, its record, whether its bytes were handed to the
/// sink (they changed).
type Made = (String, Out, bool);

/// What [`Engine::publish_files`] did.
#[derive(Default)]
pub(super) struct Published {
    /// Every output path of bundle files and images, made this run or kept.
    pub names: FastSet<String>,
    pub made: Vec<Made>,
    /// Source images processed, and those whose every file came from the image cache.
    pub processed: usize,
    pub reused: usize,
}

/// One source file and the outputs made from it.
struct Source<'a> {
    /// Root-relative path, for errors: `content/posts/a/chart.png`.
    file: String,
    abs: &'a std::path::Path,
    hash: u64,
    probe: Option<Probe>,
    /// (output path, what to make; `None`: the bytes as they are).
    outputs: Vec<(String, Option<Op>)>,
    /// The page that owns or shows it, for errors.
    used_by: String,
}

impl Engine {
    /// The images of `static/` with their headers read; files read before and unchanged since
    /// (size and modification time) are not read again.
    pub(super) fn static_images(&mut self) -> Vec<StaticImage> {
        // `static/` changed only when the watcher said so (or in a new engine).
        if !self.statics_stale {
            return self
                .static_probes
                .values()
                .map(|(_, img)| img.clone())
                .collect();
        }
        let Ok(files) = crate::fs::static_files(&self.opts.root) else {
            // `publish_statics` reports a broken `static/`.
            return Vec::new();
        };
        let mut known = std::mem::take(&mut self.static_probes);
        let mut out = Vec::new();
        for (rel, abs) in files {
            if Format::from_name(&rel).is_none() {
                continue;
            }
            let stamp = crate::content::stamp(&abs);
            if let Some((s, img)) = known.remove(&rel)
                && s.is_some()
                && s == stamp
            {
                self.static_probes.insert(rel, (s, img.clone()));
                out.push(img);
                continue;
            }
            let Ok(bytes) = std::fs::read(&abs) else {
                continue;
            };
            // An image that cannot be read is published as it is and shown as a plain
            // `<img>`: `static/` is the place for files showpress does not touch.
            let Ok(Some(probe)) = images::probe(&rel, &bytes) else {
                continue;
            };
            let img = StaticImage {
                rel: rel.clone(),
                abs,
                hash: fingerprint::of_bytes(&bytes),
                probe,
            };
            self.static_probes.insert(rel, (stamp, img.clone()));
            out.push(img);
        }
        out
    }

    /// Hands the bundle files and image variants whose key changed to `sink`; returns the
    /// paths of all of them. `taken` are the output paths of pages and static files.
    pub(super) fn publish_files(
        &self,
        site: &Site,
        taken: &FastSet<&str>,
        requests: &[Request],
        sink: Sink,
    ) -> Result<Published> {
        let opts = &site.config.images;
        let sources = sources(site, requests);
        let mut names: FastMap<&str, &str> = FastMap::default();
        let mut errors = Vec::new();
        for s in &sources {
            for (out, _) in &s.outputs {
                if taken.contains(out.as_str()) {
                    errors.push(Diagnostic::file(
                        &s.file,
                        format!(
                            "cannot publish `{out}`: a page or a file of static/ is written there; rename this file"
                        ),
                    ));
                } else if let Some(other) = names.insert(out, &s.file)
                    && other != s.file
                {
                    errors.push(Diagnostic::file(
                        &s.file,
                        format!("cannot publish `{out}`: `{other}` is published there too; rename one of them"),
                    ));
                }
            }
        }
        if !errors.is_empty() {
            return Err(Error::Diagnostics(errors));
        }
        let key_of = |s: &Source, op: Option<Op>| match op {
            Some(op) => op.key(s.hash, opts.quality),
            None => s.hash,
        };
        // Only sources with an output whose key changed are read.
        let todo: Vec<&Source> = sources
            .iter()
            .filter(|s| {
                s.outputs.iter().any(|(out, op)| {
                    self.outputs
                        .get(out)
                        .is_none_or(|o| o.key != key_of(s, *op))
                })
            })
            .collect();
        // The cache keeps what the site uses, unchanged or not.
        for s in &sources {
            self.images.keep(
                s.outputs
                    .iter()
                    .filter_map(|(_, op)| op.map(|op| op.key(s.hash, opts.quality))),
            );
        }
        let done = Arc::new(AtomicUsize::new(0));
        // Images decoded or encoded, and images whose every file came from the cache.
        let (processed, reused) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let progress = Progress::start(self.opts.progress, todo.len(), done.clone());
        let made = Mutex::new(Vec::new());
        let result: Result<()> = todo.par_iter().try_for_each(|s| {
            let bytes = std::fs::read(s.abs).map_err(|e| Error::Io {
                action: "read",
                path: s.abs.to_path_buf(),
                source: e,
            })?;
            let ops: Vec<Op> = s.outputs.iter().filter_map(|(_, op)| *op).collect();
            let (made_ops, cached) = match (&s.probe, ops.is_empty()) {
                (Some(probe), false) => self
                    .images
                    .make(&bytes, s.hash, probe, &ops, opts.quality)
                    .map_err(|why| {
                        Error::Diagnostics(vec![
                            Diagnostic::file(
                                &s.file,
                                format!(
                                    "cannot decode this image ({why}), expected a whole {} file",
                                    probe.format.name()
                                ),
                            )
                            .with_note(format!("it is used by {}", s.used_by)),
                        ])
                    })?,
                _ => (Vec::new(), false),
            };
            if !ops.is_empty() {
                let counter = if cached { &reused } else { &processed };
                counter.fetch_add(1, Ordering::Relaxed);
            }
            let mut made_ops = made_ops.into_iter();
            for (out, op) in &s.outputs {
                let data = match op {
                    Some(_) => made_ops.next().unwrap_or_default(),
                    None => bytes.clone(),
                };
                let record = Out {
                    key: key_of(s, *op),
                    hash: fingerprint::of_bytes(&data),
                    len: data.len() as u64,
                };
                let same = self
                    .outputs
                    .get(out)
                    .is_some_and(|o| o.hash == record.hash && o.len == record.len);
                if !same {
                    sink(out, &data)?;
                }
                made.lock()
                    .map_err(|_| Error::Message("an image thread failed".into()))?
                    .push((out.clone(), record, !same));
            }
            done.fetch_add(1, Ordering::Relaxed);
            Ok(())
        });
        progress.finish();
        result?;
        let made = made
            .into_inner()
            .map_err(|_| Error::Message("an image thread failed".into()))?;
        let names = sources
            .iter()
            .flat_map(|s| s.outputs.iter().map(|(o, _)| o.clone()))
            .collect();
        Ok(Published {
            names,
            made,
            processed: processed.into_inner(),
            reused: reused.into_inner(),
        })
    }
}

/// Every source file with what is published from it.
/// The output paths of every bundle file and image variant, without reading any: what
/// `check` (which makes no images) checks links against.
pub(super) fn names(site: &Site, requests: &[Request]) -> FastSet<String> {
    sources(site, requests)
        .into_iter()
        .flat_map(|s| s.outputs.into_iter().map(|(out, _)| out))
        .collect()
}

fn sources<'a>(site: &'a Site, requests: &[Request]) -> Vec<Source<'a>> {
    let opts = &site.config.images;
    let mut out = Vec::new();
    let resized = |name: &str, dir: &str, probe: &Probe, shared: bool| {
        let mut outs: Vec<(String, Option<Op>)> = images::variants(name, probe, opts)
            .into_iter()
            .map(|v| (format!("{dir}{}", v.name), Some(resize(&v))))
            .collect();
        if shared && let Some(v) = images::share_variant(name, probe) {
            let o = (format!("{dir}{}", v.name), Some(resize(&v)));
            if !outs.contains(&o) {
                outs.push(o);
            }
        }
        outs
    };
    for (a, path) in &site.files.assets {
        let Asset { image, .. } = &**a;
        let (dir, name) = images::split_dir(path);
        let mut outputs = Vec::new();
        match image {
            Some(p) if p.format.is_raster() => {
                outputs.push((path.clone(), Some(Op::Original)));
                outputs.extend(resized(name, dir, p, site.files.shared.contains(&a.file)));
            }
            _ => outputs.push((path.clone(), None)),
        }
        out.push(Source {
            file: a.file.clone(),
            abs: &a.abs,
            hash: a.hash,
            probe: *image,
            outputs,
            used_by: a.owner.clone(),
        });
    }
    // Images of `static/`: the original is published by the static stage; variants when a
    // post shows one (every width), uses one as its `image` (1200 wide) or a template asks
    // for one (`resize_image`, `picture`).
    let mut wanted: std::collections::BTreeMap<&str, Vec<(String, Option<Op>)>> =
        std::collections::BTreeMap::new();
    let mut add = |rel: &str, every: bool, share: bool, width: Option<u32>| {
        let Some((rel, img)) = site.files.static_images.get_key_value(rel) else {
            return;
        };
        let (dir, name) = images::split_dir(rel);
        let outs = wanted.entry(rel.as_str()).or_default();
        let mut push = |v: images::Variant| {
            let o = (format!("{dir}{}", v.name), Some(resize(&v)));
            if !outs.contains(&o) {
                outs.push(o);
            }
        };
        if every {
            images::variants(name, &img.probe, opts)
                .into_iter()
                .for_each(&mut push);
        }
        if share && let Some(v) = images::share_variant(name, &img.probe) {
            push(v);
        }
        if let Some(v) = width.and_then(|w| images::sized(name, &img.probe, w)) {
            push(v);
        }
    };
    for rel in &site.files.static_shown {
        add(rel, true, false, None);
    }
    for s in &site.files.shared {
        if let Some(rel) = s.strip_prefix(&format!("{STATIC_DIR}/")) {
            add(rel, false, true, None);
        }
    }
    for (rel, width) in requests {
        add(rel, width.is_none(), false, *width);
    }
    for (rel, outputs) in wanted {
        let Some(img) = site.files.static_images.get(rel) else {
            continue;
        };
        if outputs.is_empty() {
            continue;
        }
        out.push(Source {
            file: format!("{STATIC_DIR}/{rel}"),
            abs: &img.abs,
            hash: img.hash,
            probe: Some(img.probe),
            outputs,
            used_by: "a page".to_string(),
        });
    }
    out
}

fn resize(v: &images::Variant) -> Op {
    Op::Resize {
        width: v.width,
        height: v.height,
        format: v.format,
    }
}

/// A progress bar on a terminal (plain lines otherwise) for image work that takes more than
/// a second; nothing for quick work.
struct Progress {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(enabled: bool, total: usize, done: Arc<AtomicUsize>) -> Progress {
        if !enabled || total == 0 {
            return Progress {
                stop: None,
                thread: None,
            };
        }
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("showpress-progress".into())
            .spawn(move || {
                if rx.recv_timeout(Duration::from_secs(1)).is_ok() {
                    return;
                }
                let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
                let bar = indicatif::ProgressBar::new(total as u64);
                if tty {
                    bar.set_style(
                        indicatif::ProgressStyle::with_template(
                            "{msg} [{bar:30}] {pos}/{len} ({eta} left)",
                        )
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                    );
                    bar.set_message("processing images");
                }
                let mut last_line = Instant::now() - Duration::from_secs(10);
                loop {
                    let n = done.load(Ordering::Relaxed);
                    if tty {
                        bar.set_position(n as u64);
                    } else if last_line.elapsed() >= Duration::from_secs(2) {
                        eprintln!("processing images: {n}/{total}");
                        last_line = Instant::now();
                    }
                    if rx.recv_timeout(Duration::from_millis(200)).is_ok() {
                        break;
                    }
                }
                bar.finish_and_clear();
            })
            .ok();
        Progress {
            stop: Some(tx),
            thread,
        }
    }

    fn finish(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
