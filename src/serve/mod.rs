//! `showpress serve`: builds the site in memory, serves it on 127.0.0.1, watches the site's
//! files and rebuilds on every save, and tells open pages to reload once the new site is
//! completely in place.
//!
//! Three parts: [`crate::engine::classify`] (what a changed path means), [`rebuild`] (the engine
//! kept alive, its output in memory) and
//! [`server`] (HTTP and the live-reload event stream). This module wires them together: the
//! watcher feeds a debounce loop on its own thread; the server runs on tokio.

pub mod inject;
mod listen;
pub mod rebuild;
pub mod server;
mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::diagnostic::Diagnostic;
use crate::engine::{Change, classify};
use crate::error::{Error, Result};
use rebuild::{Rebuilder, Rebuilt};
use server::{Notice, Served, Shared};

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub drafts: bool,
    pub future: bool,
    pub open: bool,
    pub poll: bool,
    pub clock: crate::dates::Clock,
}

pub fn serve(opts: ServeOptions) -> Result<()> {
    let root = opts.root.canonicalize().map_err(|e| Error::Io {
        action: "open the site folder",
        path: opts.root.clone(),
        source: e,
    })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Message(format!("failed to start the server runtime: {e}")))?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(SocketAddr::new(
            opts.bind, opts.port,
        )))
        .map_err(|e| bind_error(&opts, e))?;
    let port = listener
        .local_addr()
        .map_err(|e| Error::Message(format!("failed to read the server address: {e}")))?
        .port();
    let host = if opts.bind.is_unspecified() {
        "127.0.0.1".to_string()
    } else if opts.bind.is_ipv6() {
        format!("[{}]", opts.bind)
    } else {
        opts.bind.to_string()
    };
    let url = format!("http://{host}:{port}/");

    let mut rebuilder = Rebuilder::new(&root, opts.drafts, opts.future, url.clone(), opts.clock);
    let builds = Arc::new(BuildIds::new());
    // Nothing is served until the first build has made the home page; requests wait.
    let shared = Shared::new(Served::default());
    let (tx, rx) = std::sync::mpsc::channel();
    // Watching starts before the first build, so a save while it runs makes the next one.
    let mut watcher = watch::start(&root, opts.poll, tx)?;
    let loop_shared = shared.clone();
    let loop_root = root.clone();
    let open = opts.open;
    // The first build and every rebuild run on this thread; the server answers meanwhile.
    std::thread::spawn(move || {
        let early_shared = loop_shared.clone();
        let early_builds = builds.clone();
        let first = rebuilder.rebuild_first(
            // The page a browser opens first, and the one for every miss.
            vec!["index.html".into(), "404.html".into()],
            move |snapshot| {
                early_shared.publish(
                    Served {
                        snapshot,
                        error: None,
                        build: early_builds.next(),
                        complete: false,
                    },
                    Notice::Reload("early".into()),
                )
            },
        );
        publish(&loop_shared, &rebuilder, &builds, first, &[]);
        refresh_search(&loop_shared, &mut rebuilder);
        println!("Serving {url} (Ctrl-C to stop)");
        if open {
            open_browser(&url);
        }
        for batch in watch::batches(&rx) {
            watcher.ensure();
            let changes: Vec<(PathBuf, Change)> = batch
                .into_iter()
                .filter_map(|p| {
                    let rel = p.strip_prefix(&loop_root).ok()?.to_path_buf();
                    match classify(&rel) {
                        Change::Ignored => None,
                        c => Some((p, c)),
                    }
                })
                .collect();
            if changes.is_empty() {
                continue;
            }
            let result = rebuilder.rebuild(&changes);
            // Name files that exist first: the saved file rather than one moved away; a
            // deleted post still gets named.
            let mut named: Vec<&PathBuf> = changes.iter().map(|(p, _)| p).collect();
            named.sort_by_key(|p| !p.exists());
            let rel: Vec<String> = named
                .into_iter()
                .filter_map(|p| p.strip_prefix(&loop_root).ok())
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            publish(&loop_shared, &rebuilder, &builds, result, &rel);
            refresh_search(&loop_shared, &mut rebuilder);
        }
    });

    let app = server::router(shared);
    // Ctrl-C stops at once: a graceful shutdown would wait for every open page's event
    // stream, which never ends while the tab is open.
    let result = runtime.block_on(async move {
        tokio::select! {
            () = listen::run(listener, app) => Ok(()),
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    });
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    result
}

fn bind_error(opts: &ServeOptions, e: std::io::Error) -> Error {
    match e.kind() {
        std::io::ErrorKind::AddrInUse => Error::Message(format!(
            "port {} is already in use on {}: stop the program using it, or choose another port with --port",
            opts.port, opts.bind
        )),
        std::io::ErrorKind::PermissionDenied => Error::Message(format!(
            "not allowed to listen on port {} of {}: choose a port above 1023 with --port",
            opts.port, opts.bind
        )),
        _ => Error::Message(format!(
            "cannot listen on {}:{}: {e} (see --bind and --port)",
            opts.bind, opts.port
        )),
    }
}

/// Build ids: unique per server process (the start time) and per rebuild, so a page from a
/// previous server reloads too.
struct BuildIds {
    start: u128,
    n: std::sync::atomic::AtomicU64,
}

impl BuildIds {
    fn new() -> Self {
        let start = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        BuildIds {
            start,
            n: std::sync::atomic::AtomicU64::new(0),
        }
    }

    fn next(&self) -> Arc<str> {
        let n = self.n.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        Arc::from(format!("{}-{n}", self.start))
    }
}

/// Serves the search index of the site just published, once its pages are served.
fn refresh_search(shared: &Shared, rebuilder: &mut Rebuilder) {
    match rebuilder.refresh_search() {
        Ok(true) => shared.update_files(rebuilder.snapshot.clone()),
        Ok(false) => {}
        Err(e) => eprintln!("{}", error_text(&e)),
    }
}

/// Serves the outcome of a rebuild, tells open pages, and reports on the terminal.
fn publish(
    shared: &Shared,
    rebuilder: &Rebuilder,
    builds: &BuildIds,
    result: Result<Rebuilt>,
    paths: &[String],
) {
    let build = builds.next();
    let cause = match paths {
        [] => String::new(),
        [one] => format!(" ({one})"),
        [one, rest @ ..] => format!(" ({one} and {} more)", rest.len()),
    };
    match result {
        Ok(r) => {
            for n in &r.notices {
                eprintln!("{n}");
            }
            for w in &r.warnings {
                eprintln!("{w}\n");
            }
            // Pages showing an error overlay must reload to lose it, whatever changed.
            let showing_error = shared.current().error.is_some();
            let notice = if r.css_only && !showing_error {
                Notice::Css(build.clone())
            } else {
                Notice::Reload(build.clone())
            };
            shared.publish(
                Served {
                    snapshot: rebuilder.snapshot.clone(),
                    error: None,
                    build,
                    complete: true,
                },
                notice,
            );
            let what = if r.pages == 0 && r.files > 0 {
                crate::text::count(r.files, "file")
            } else {
                crate::text::count(r.pages, "page")
            };
            let verb = if paths.is_empty() { "Built" } else { "Rebuilt" };
            println!("{verb} {what} in {} ms{cause}", r.elapsed.as_millis());
        }
        Err(e) => {
            let text = error_text(&e);
            eprintln!("{text}");
            shared.publish(
                Served {
                    snapshot: rebuilder.snapshot.clone(),
                    error: Some(Arc::from(text.as_str())),
                    build: build.clone(),
                    complete: true,
                },
                Notice::Reload(build),
            );
        }
    }
}

/// The same text `build` prints for an error, for the terminal and the overlay.
pub fn error_text(e: &Error) -> String {
    match e {
        Error::Diagnostics(d) => diagnostics_text(d),
        other => format!("error: {other}"),
    }
}

/// Diagnostics followed by the one-line count, exactly as `build` prints them.
pub fn diagnostics_text(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&format!("{d}\n\n"));
    }
    out.push_str(&crate::diagnostic::failure_summary(diags));
    out
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(cmd).arg(url).spawn() {
        eprintln!("warning: could not open a browser ({cmd}: {e}); open {url} yourself");
    }
}
