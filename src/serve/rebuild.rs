//! Rebuilds the site in memory for `serve`: keeps config, templates, parsed content and static
//! files between rebuilds, reloads only what changed, renders with the same code as `build`, and
//! produces a complete new [`Snapshot`] or an error, never half of one.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use walkdir::WalkDir;

use super::classify::Change;
use crate::build::{THEME_ASSETS, join_inputs};
use crate::config::Config;
use crate::content::ContentCache;
use crate::error::{Error, Result};
use crate::render::keys::Keys;
use crate::render::{self, Templates};
use crate::site::Site;
use crate::urls::Linker;

/// Output path → bytes. ahash: these maps hold every page and are rebuilt on every save.
pub type FileMap = HashMap<String, Arc<[u8]>, ahash::RandomState>;

/// One complete built site, as served: output path (`posts/a/index.html`) → bytes.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub files: FileMap,
}

/// What a successful rebuild changed.
#[derive(Debug, Clone)]
pub struct Rebuilt {
    /// Pages whose HTML differs from the previous snapshot (or every page, the first time).
    pub pages: usize,
    /// Other files (static, theme assets) added, changed or removed.
    pub files: usize,
    /// Only stylesheets changed: the browser can swap them without reloading.
    pub css_only: bool,
    pub elapsed: Duration,
}

pub struct Rebuilder {
    root: PathBuf,
    drafts: bool,
    base_url: String,
    config: Option<Config>,
    templates: Option<Templates>,
    content: ContentCache,
    statics: Option<FileMap>,
    /// Page key (see `render::keys`) of every page in the snapshot, by output file.
    keys: HashMap<String, u64, ahash::RandomState>,
    pub snapshot: Arc<Snapshot>,
}

impl Rebuilder {
    pub fn new(root: &Path, drafts: bool, base_url: String) -> Self {
        Rebuilder {
            root: root.to_path_buf(),
            drafts,
            base_url,
            config: None,
            templates: None,
            content: ContentCache::default(),
            statics: None,
            keys: HashMap::default(),
            snapshot: Arc::new(Snapshot::default()),
        }
    }

    /// Applies `changes` (absolute paths with what they are) and rebuilds. On error the previous
    /// snapshot stays as it was.
    pub fn rebuild(&mut self, changes: &[(PathBuf, Change)]) -> Result<Rebuilt> {
        let start = Instant::now();
        let kinds: HashSet<Change> = changes.iter().map(|(_, c)| *c).collect();
        if self.config.is_none() || kinds.contains(&Change::Config) {
            let mut config = Config::load(&self.root)?;
            config.set_base_url(&self.base_url)?;
            self.config = Some(config);
            // Config decides how files parse (timezone, Markdown options): start afresh.
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
        let templates = match self.templates.take() {
            Some(t) => Ok(t),
            None => Templates::load(&self.root, config),
        };
        let t0 = Instant::now();
        let content = self
            .content
            .load(&self.root, config, self.drafts, &changed)
            .map(|(c, _)| c);
        // Keep good templates even when content failed, so the next rebuild need not reload.
        let (templates, content) = match (templates, content) {
            (Ok(t), Err(e)) => {
                self.templates = Some(t);
                return Err(e);
            }
            (t, c) => join_inputs(t, c)?,
        };
        let t_load = t0.elapsed();
        let result = self.render(config, &templates, content);
        if std::env::var_os("SHOWPRESS_TIMING").is_some() {
            eprintln!(
                "timing: load {t_load:?}, render {:?}",
                t0.elapsed() - t_load
            );
        }
        self.templates = Some(templates);
        let files = result?;

        let old = &self.snapshot.files;
        let mut pages = 0;
        let mut others = 0;
        let mut css_only = true;
        for (path, bytes) in &files {
            if old
                .get(path)
                .is_none_or(|o| !Arc::ptr_eq(o, bytes) && o != bytes)
            {
                if path.ends_with(".html") {
                    pages += 1;
                } else {
                    others += 1;
                }
                css_only &= path.ends_with(".css");
            }
        }
        for path in old.keys().filter(|p| !files.contains_key(*p)) {
            if path.ends_with(".html") {
                pages += 1;
            } else {
                others += 1;
            }
            css_only &= path.ends_with(".css");
        }
        css_only &= others > 0;
        self.snapshot = Arc::new(Snapshot { files });
        Ok(Rebuilt {
            pages,
            files: others,
            css_only,
            elapsed: start.elapsed(),
        })
    }

    fn render(
        &mut self,
        config: &Config,
        templates: &Templates,
        content: crate::content::Content,
    ) -> Result<FileMap> {
        let link = Linker::new(&config.base_url, config.base_path());
        let t = Instant::now();
        let site = Site::build(config.clone(), content)?;
        let timing = std::env::var_os("SHOWPRESS_TIMING").is_some();
        if timing {
            eprintln!("timing: site {:?}", t.elapsed());
        }
        let t = Instant::now();
        let planned = render::plan(&site);
        let collisions = render::check_collisions(&planned);
        if !collisions.is_empty() {
            return Err(Error::Diagnostics(collisions));
        }
        if timing {
            eprintln!("timing: plan+collisions {:?}", t.elapsed());
        }
        let t = Instant::now();
        if self.statics.is_none() {
            self.statics = Some(read_statics(&self.root.join("static"))?);
        }
        let mut files = self.statics.clone().unwrap_or_default();
        for (name, body) in THEME_ASSETS {
            files
                .entry(name.to_string())
                .or_insert_with(|| Arc::from(body.as_bytes()));
        }
        // Re-render only pages whose key changed; the others keep their bytes.
        if timing {
            eprintln!("timing: statics {:?}", t.elapsed());
        }
        let t = Instant::now();
        let keys = Keys::new(&site).all(&planned, templates);
        if timing {
            eprintln!("timing: keys {:?}", t.elapsed());
        }
        let mut stale = Vec::new();
        let mut new_keys = HashMap::with_capacity_and_hasher(planned.len(), Default::default());
        for (p, key) in planned.iter().zip(keys) {
            let file = p.file();
            match self.snapshot.files.get(&file) {
                Some(bytes) if self.keys.get(&file) == Some(&key) => {
                    files.insert(file.clone(), bytes.clone());
                }
                _ => stale.push(p.clone()),
            }
            new_keys.insert(file, key);
        }
        if timing {
            eprintln!("timing: reuse {:?}", t.elapsed());
        }
        let t = Instant::now();
        let rendered = Mutex::new(Vec::with_capacity(stale.len()));
        render::render_all(&site, templates, link, &stale, |file, html| {
            rendered
                .lock()
                .expect("no panics while holding it")
                .push((file.to_string(), Arc::<[u8]>::from(html)));
            Ok(())
        })?;
        files.extend(rendered.into_inner().expect("render finished"));
        self.keys = new_keys;
        if timing {
            eprintln!("timing: render {} pages {:?}", stale.len(), t.elapsed());
        }
        Ok(files)
    }
}

/// Every file under `static/`, by its path relative to it.
fn read_statics(dir: &Path) -> Result<FileMap> {
    let mut out = FileMap::default();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in WalkDir::new(dir).follow_links(true) {
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel = rel.to_string_lossy().replace('\\', "/");
        if super::classify::is_editor_temp(rel.rsplit('/').next().unwrap_or("")) {
            continue;
        }
        // A file deleted between the walk and the read is simply not there any more.
        if let Ok(bytes) = std::fs::read(entry.path()) {
            out.insert(rel, Arc::from(bytes));
        }
    }
    Ok(out)
}
