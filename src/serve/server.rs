//! The preview HTTP server. It serves only the in-memory snapshot of the last good build, so no
//! request can reach a file outside the output, and a rebuild in progress is never visible: the
//! snapshot is swapped whole.

use std::convert::Infallible;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, Response, StatusCode, Uri, header};
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use percent_encoding::percent_decode_str;
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use super::inject::{self, EVENTS_PATH, SCRIPT, SCRIPT_PATH};
use super::rebuild::Snapshot;

/// What is being served right now; replaced whole after each rebuild.
#[derive(Clone, Default)]
pub struct Served {
    pub snapshot: Arc<Snapshot>,
    /// The diagnostics of the last rebuild, when it failed.
    pub error: Option<Arc<str>>,
    /// Changes with every rebuild (and every server start): pages carry it, and a page whose
    /// build is not the current one reloads.
    pub build: Arc<str>,
    /// False while the first build is still rendering: a page not in the snapshot yet is
    /// waited for, not answered with 404.
    pub complete: bool,
}

/// A message to every open page.
#[derive(Clone, Debug)]
pub enum Notice {
    Reload(Arc<str>),
    Css(Arc<str>),
}

pub struct Shared {
    pub served: RwLock<Served>,
    pub notices: broadcast::Sender<Notice>,
}

impl Shared {
    pub fn new(served: Served) -> Arc<Shared> {
        let (notices, _) = broadcast::channel(64);
        Arc::new(Shared {
            served: RwLock::new(served),
            notices,
        })
    }

    pub fn current(&self) -> Served {
        self.served
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Swaps in new files for the site being served, without telling the pages: files no
    /// page shows (the search index made after the pages).
    pub fn update_files(&self, snapshot: Arc<Snapshot>) {
        self.served
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .snapshot = snapshot;
    }

    /// Swaps in what to serve, then tells the pages: the order is what guarantees no page
    /// reloads into the old site.
    pub fn publish(&self, served: Served, notice: Notice) {
        *self.served.write().unwrap_or_else(|e| e.into_inner()) = served;
        // No open page is not an error.
        let _ = self.notices.send(notice);
    }
}

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(EVENTS_PATH, axum::routing::get(events))
        .route(SCRIPT_PATH, axum::routing::get(script))
        .fallback(page)
        .with_state(shared)
}

async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>>> {
    // Subscribe before reading the build id, so a rebuild in between is not missed.
    let rx = shared.notices.subscribe();
    let hello = Event::default()
        .event("hello")
        .data(&*shared.current().build)
        .retry(Duration::from_millis(500));
    let updates = BroadcastStream::new(rx).filter_map(|n| match n {
        Ok(Notice::Reload(b)) => Some(Ok(Event::default().event("reload").data(&*b))),
        Ok(Notice::Css(b)) => Some(Ok(Event::default().event("css").data(&*b))),
        // A page that fell behind many rebuilds only needs the latest: reload.
        Err(_) => Some(Ok(Event::default().event("reload").data("lagged"))),
    });
    Sse::new(tokio_stream::once(Ok(hello)).chain(updates)).keep_alive(KeepAlive::default())
}

/// What to serve `path` from: the current site, or while the first build is still rendering and
/// `path` is not in it yet, the site once it is (or the first build is done).
async fn wait_for(shared: &Shared, path: &str) -> Served {
    loop {
        // Subscribe before looking, so a publish in between is not missed.
        let mut rx = shared.notices.subscribe();
        let served = shared.current();
        let found = matches!(
            resolve(path, |p| served.snapshot.files.contains_key(p)),
            Lookup::File(_) | Lookup::Redirect(_)
        );
        if served.complete || found {
            return served;
        }
        // A lagged receiver has missed a publish: look again.
        let _ = rx.recv().await;
    }
}

async fn script() -> impl IntoResponse {
    respond(StatusCode::OK, "js", Body::from(SCRIPT))
}

async fn page(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response<Body> {
    if method != Method::GET && method != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
    }
    let served = wait_for(&shared, uri.path()).await;
    let files = &served.snapshot.files;
    if files.is_empty() {
        // No build has succeeded yet: every page is the error.
        let error = served.error.as_deref().unwrap_or("the site is being built");
        return respond(
            StatusCode::SERVICE_UNAVAILABLE,
            "html",
            Body::from(inject::error_page(&served.build, error)),
        );
    }
    let lookup = match resolve(uri.path(), |p| files.contains_key(p)) {
        Lookup::File(key) => Some((StatusCode::OK, key)),
        Lookup::Redirect(to) => {
            let location = match uri.query() {
                Some(q) => format!("{to}?{q}"),
                None => to,
            };
            let mut r = plain(StatusCode::MOVED_PERMANENTLY, "");
            if let Ok(v) = HeaderValue::from_str(&location) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            return r;
        }
        Lookup::NotFound => files
            .contains_key("404.html")
            .then(|| (StatusCode::NOT_FOUND, "404.html".to_string())),
    };
    let Some((status, key)) = lookup else {
        return plain(StatusCode::NOT_FOUND, "not found\n");
    };
    let bytes = files[&key].clone();
    let ext = key.rsplit_once('.').map_or("", |(_, e)| e);
    let body = if ext == "html" {
        Body::from(inject::inject(
            &bytes,
            &served.build,
            served.error.as_deref(),
        ))
    } else {
        Body::from(bytes.to_vec())
    };
    respond(status, ext, body)
}

/// Where a request path leads, decided on the decoded path alone.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    File(String),
    Redirect(String),
    NotFound,
}

/// Maps a raw request path to a key of the snapshot. Anything that could climb out of the
/// site (`..` in any encoding, backslashes, NUL) is simply not found.
pub fn resolve(raw: &str, exists: impl Fn(&str) -> bool) -> Lookup {
    let Ok(path) = percent_decode_str(raw).decode_utf8() else {
        return Lookup::NotFound;
    };
    if !path.starts_with('/')
        || path.contains('\\')
        || path.contains('\0')
        || path.split('/').any(|s| s == ".." || s == ".")
        || path.contains("//")
    {
        return Lookup::NotFound;
    }
    let rel = &path[1..];
    if rel.is_empty() || rel.ends_with('/') {
        let key = format!("{rel}index.html");
        return if exists(&key) {
            Lookup::File(key)
        } else {
            Lookup::NotFound
        };
    }
    if exists(rel) {
        return Lookup::File(rel.to_string());
    }
    if exists(&format!("{rel}/index.html")) {
        return Lookup::Redirect(format!("{}/", crate::slug::encode_path(&path)));
    }
    Lookup::NotFound
}

fn content_type(ext: &str) -> &'static str {
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn respond(status: StatusCode, ext: &str, body: Body) -> Response<Body> {
    let mut r = Response::new(body);
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(ext)),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    respond(status, "txt", Body::from(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(raw: &str) -> Lookup {
        let files = [
            "index.html",
            "posts/a/index.html",
            "style.css",
            "tags/딥시크/index.html",
        ];
        resolve(raw, |p| files.contains(&p))
    }

    #[test]
    fn pages_files_and_redirects() {
        assert_eq!(lookup("/"), Lookup::File("index.html".into()));
        assert_eq!(
            lookup("/posts/a/"),
            Lookup::File("posts/a/index.html".into())
        );
        assert_eq!(lookup("/style.css"), Lookup::File("style.css".into()));
        assert_eq!(lookup("/posts/a"), Lookup::Redirect("/posts/a/".into()));
        assert_eq!(
            lookup("/tags/%EB%94%A5%EC%8B%9C%ED%81%AC/"),
            Lookup::File("tags/딥시크/index.html".into())
        );
        assert_eq!(lookup("/nope/"), Lookup::NotFound);
    }

    #[test]
    fn traversal_in_any_encoding_is_not_found() {
        for raw in [
            "/../etc/passwd",
            "/posts/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/posts/%2e%2e/%2e%2e/Cargo.toml",
            "/..%5cCargo.toml",
            "/posts\\..\\..\\Cargo.toml",
            "/%00",
            "//etc/passwd",
            "/%ff",
            "/./index.html",
        ] {
            assert_eq!(lookup(raw), Lookup::NotFound, "{raw}");
        }
    }
}
