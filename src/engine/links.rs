//! The links of rendered pages, checked against what the run publishes. Every root-relative
//! or same-site `href`, `src`, `srcset` and `poster` of every page (links written in templates
//! included, which the Markdown checks of [`crate::site`] never see) must name a page or file
//! of the output. External links are not fetched.
//!
//! Pages are scanned as they are rendered, and the targets each links to are kept (here and in
//! the build cache), so a run that re-renders one page still checks every page against the new
//! set of files: deleting `about.md` breaks the footer link of pages that were not rendered
//! again. A broken target is reported once, at the Markdown or template text that spells it
//! (found only then: the common run finds nothing broken and reads nothing), with the pages it
//! is on.

use std::borrow::Cow;

use crate::config::{Config, LinkLevel};
use crate::diagnostic::Diagnostic;
use crate::fingerprint::FastMap;

/// What a page links to: output-relative paths (`about/`, `style.css`, `` for the home page)
/// with the first spelling of each as the page has it (`/about/`), for messages.
/// A page's output file and the ids of the targets it links to.
pub type OfPage = (String, Vec<u32>);

/// Which links are the site's own, and how to turn them into output paths.
#[derive(Debug, Clone)]
pub struct Scope {
    /// `https://showpress.example`: an absolute link starting with it (and `/`) is the site's.
    origin: String,
    /// `/` or `/blog/`: a root-relative link outside it is not the site's to check.
    base_path: String,
    /// Paths something else serves (`[links] skip_prefixes`), as written: `/shop/`.
    skip: Vec<String>,
}

impl Scope {
    pub fn new(config: &Config) -> Scope {
        let url = &config.base_url;
        let after_scheme = url.find("://").map_or(0, |i| i + 3);
        let host_end = url[after_scheme..]
            .find('/')
            .map_or(url.len(), |i| after_scheme + i);
        Scope {
            origin: url[..host_end].to_string(),
            base_path: config.base_path().to_string(),
            skip: config.links.skip_prefixes.clone(),
        }
    }

    /// The path on the site's host that `raw` (an attribute value as the page has it) names,
    /// still percent-encoded, without query and fragment; `None` for a link elsewhere, a
    /// relative link or an anchor. Borrowed: pages are scanned with no allocation per link.
    fn site_path<'a>(&self, raw: &'a str) -> Option<&'a str> {
        let raw = raw.trim();
        let path = if let Some(rest) = raw.strip_prefix("//") {
            // Protocol-relative: the site's when its host is.
            let host = self.origin.split_once("://").map_or("", |(_, h)| h);
            rest.strip_prefix(host).filter(|p| p.starts_with('/'))?
        } else if raw.starts_with('/') {
            raw
        } else {
            raw.strip_prefix(self.origin.as_str())
                .filter(|p| p.starts_with('/'))?
        };
        // Up to a fragment or query: found bytewise, not by decoding every character.
        let end = memchr::memchr2(b'#', b'?', path.as_bytes()).unwrap_or(path.len());
        Some(&path[..end])
    }

    /// The output path `raw` points at (`about/`, `` for the home page), or `None` when it is
    /// not a link into the site (elsewhere, relative, an anchor, outside the base path, a
    /// skipped prefix).
    pub fn target<'a>(&self, raw: &'a str) -> Option<Cow<'a, str>> {
        // Borrowed unless the path has an entity or a percent-escape: a check looks up every
        // target of the site (~30k at 10k posts), most of them plain.
        let path = self.site_path(raw)?;
        let path = if path.contains("&amp;") {
            Cow::Owned(path.replace("&amp;", "&"))
        } else {
            Cow::Borrowed(path)
        };
        let path = match decode(&path) {
            Cow::Borrowed(_) => path,
            Cow::Owned(decoded) => Cow::Owned(decoded),
        };
        if self.skip.iter().any(|s| path.starts_with(s.as_str())) {
            return None;
        }
        let base = self.base_path.as_str();
        if path.starts_with(base) {
            Some(match path {
                Cow::Borrowed(p) => Cow::Borrowed(&p[base.len()..]),
                Cow::Owned(p) => Cow::Owned(p[base.len()..].to_string()),
            })
        } else if path.len() + 1 == base.len() && base.starts_with(&*path) {
            Some(Cow::Borrowed(""))
        } else {
            None
        }
    }

    /// Every link of `html` to the site's host, interned in `index` by its path as written
    /// (what it points at is worked out once per distinct path, in [`LinkIndex::broken`]).
    pub fn scan(&self, html: &[u8], index: &LinkIndex) -> Vec<u32> {
        let mut found: Vec<(&str, &str)> = Vec::new();
        for value in attribute_values(html) {
            // Pages are UTF-8 (Tera renders strings): only the attribute values are checked,
            // not the whole page again.
            let Ok(value) = std::str::from_utf8(value) else {
                continue;
            };
            // `srcset`: "url 480w, url 960w"; URLs have no spaces or (unescaped) commas that
            // matter here. HTML splits these at ASCII whitespace only (and testing bytes for
            // it is cheaper than decoding every character of every link).
            for raw in value
                .split(',')
                .filter_map(|c| c.split_ascii_whitespace().next())
            {
                if let Some(path) = self.site_path(raw) {
                    found.push((path, raw));
                }
            }
        }
        let mut ids = index.intern(found);
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// Values of the `href`, `src`, `srcset` and `poster` attributes in `html`, quoted with `"`
/// or `'` (showpress's templates and Markdown always quote). Text outside tags escapes its
/// quotes, so `href="` in a paragraph or code block is not matched.
fn attribute_values(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    // The `memchr` crate's SIMD search: most of a page is text with no `=` in it.
    memchr::memchr_iter(b'=', bytes).filter_map(move |i| {
        let quote = *bytes.get(i + 1)?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        // The name must follow whitespace inside a tag: `data-src=` is not `src=`.
        let before = &bytes[..i];
        // Most `=` of a page end other names (`class`, `id`, `content`): the four names end
        // in f, c, t or r, whatever their case.
        if !matches!(before.last()? | 0x20, b'f' | b'c' | b't' | b'r') {
            return None;
        }
        let named = |name: &[u8]| {
            before.len() > name.len()
                && before[before.len() - name.len()..].eq_ignore_ascii_case(name)
                && before[before.len() - name.len() - 1].is_ascii_whitespace()
        };
        if !(named(b"href") || named(b"src") || named(b"srcset") || named(b"poster")) {
            return None;
        }
        let start = i + 2;
        let len = memchr::memchr(quote, &bytes[start..])?;
        Some(&bytes[start..start + len])
    })
}

fn decode(path: &str) -> Cow<'_, str> {
    percent_encoding::percent_decode_str(path).decode_utf8_lossy()
}

/// Whether output path `target` is published: `x/` is `x/index.html`; `x` is a file, or a
/// folder with an index (servers redirect `/x` to `/x/`).
pub fn resolves(target: &str, exists: &impl Fn(&str) -> bool) -> bool {
    if target.is_empty() || target.ends_with('/') {
        exists(&format!("{target}index.html"))
    } else {
        exists(target) || exists(&format!("{target}/index.html"))
    }
}

/// The targets of every page's links, kept between runs (and in the build cache).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct LinkIndex {
    /// Distinct targets, locked so render threads add to it as they scan: read-locked to
    /// look targets up, which most links of a page are, so the threads do that at once.
    targets: std::sync::RwLock<Targets>,
    /// Output file of a page → the targets it links to.
    pages: FastMap<String, Vec<u32>>,
    /// What the last committed run found (kept in the build cache too); `None` when not
    /// known. A run that publishes the same files as that one need only look at the pages it
    /// rendered and at the targets the files it adds or removes answer
    /// ([`LinkIndex::broken_after`]).
    #[serde(default)]
    known: Option<Findings>,
}

/// What a check found, kept by [`LinkIndex::commit`].
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Findings {
    /// Page → the targets broken on it.
    broken_by_page: FastMap<String, Vec<u32>>,
    /// By target id: whether it resolves, for the targets looked up.
    verdicts: Vec<Option<bool>>,
}

/// The result of a check: the broken targets, and what [`LinkIndex::findings`] keeps.
pub struct Checked<'a> {
    pub broken: Vec<Broken<'a>>,
    verdicts: Vec<Option<bool>>,
}

#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
struct Targets {
    /// (path on the site's host as written, the first whole spelling seen, for messages).
    list: Vec<(String, String)>,
    #[serde(skip)]
    ids: FastMap<String, u32>,
}

impl Clone for LinkIndex {
    fn clone(&self) -> Self {
        LinkIndex {
            targets: std::sync::RwLock::new(self.targets().clone()),
            pages: self.pages.clone(),
            known: self.known.clone(),
        }
    }
}

/// The links of the pages rendered in one run, not yet part of the index.
#[derive(Default)]
pub struct Fresh(FastMap<String, Vec<u32>>);

/// One broken target: what pages link to it.
pub struct Broken<'a> {
    pub target: String,
    pub spelling: String,
    /// Output files of the pages, sorted.
    pub pages: Vec<&'a str>,
    /// The targets' ids: two spellings of one target are one report.
    ids: Vec<u32>,
}

impl LinkIndex {
    fn targets(&self) -> std::sync::RwLockReadGuard<'_, Targets> {
        // A render thread that panicked while holding the lock left a list that is still
        // whole (pushes are single calls): go on with it.
        self.targets.read().unwrap_or_else(|e| e.into_inner())
    }

    fn targets_mut(&self) -> std::sync::RwLockWriteGuard<'_, Targets> {
        self.targets.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The ids of `found` (target, spelling), adding targets not seen before.
    fn intern(&self, found: Vec<(&str, &str)>) -> Vec<u32> {
        // Known targets are looked up under the shared lock; the page's new ones (a few: most
        // links are to the menu, tags and neighbours earlier pages had) under the exclusive one.
        let mut ids = vec![u32::MAX; found.len()];
        let mut new = 0;
        {
            let t = self.targets();
            if t.ids.len() == t.list.len() {
                for (id, (path, _)) in ids.iter_mut().zip(&found) {
                    match t.ids.get(*path) {
                        Some(&known) => *id = known,
                        None => new += 1,
                    }
                }
            } else {
                new = found.len();
            }
        }
        if new == 0 {
            return ids;
        }
        let mut t = self.targets_mut();
        if t.ids.len() != t.list.len() {
            // Restored from the cache: the lookup is not saved.
            let lookup = (0..)
                .zip(&t.list)
                .map(|(i, (s, _))| (s.clone(), i))
                .collect();
            t.ids = lookup;
        }
        for (id, (path, spelling)) in ids.iter_mut().zip(&found) {
            if *id != u32::MAX {
                continue;
            }
            *id = match t.ids.get(*path) {
                Some(&known) => known,
                None => {
                    let next = t.list.len() as u32;
                    t.ids.insert(path.to_string(), next);
                    t.list.push((path.to_string(), spelling.to_string()));
                    next
                }
            };
        }
        ids
    }

    /// Gathers the links of pages rendered this run, apart from the index until
    /// [`LinkIndex::commit`]: a run that fails leaves the pages' links as they were.
    pub fn fresh(rendered: Vec<(String, Vec<u32>)>) -> Fresh {
        Fresh(rendered.into_iter().collect())
    }

    /// The targets no published file answers, with the pages linking to them; `fresh` stands
    /// in for what the index has of those pages, and only pages for which `is_page` holds
    /// count.
    pub fn broken<'a>(
        &'a self,
        scope: &Scope,
        fresh: &'a Fresh,
        is_page: impl Fn(&str) -> bool,
        exists: impl Fn(&str) -> bool,
    ) -> Checked<'a> {
        let pages = fresh.0.iter().chain(
            self.pages
                .iter()
                .filter(|(page, _)| !fresh.0.contains_key(*page)),
        );
        let verdicts = vec![None; self.targets().list.len()];
        self.check(
            scope,
            pages.filter(|(page, _)| is_page(page)),
            verdicts,
            exists,
        )
    }

    /// [`LinkIndex::broken`] for a run whose published files differ from the last committed
    /// run's by `changed` (added or removed output files; none for serve's swap of a post).
    /// A page not rendered again links where it did, so only the fresh pages are looked at,
    /// and the targets the last run found broken on the others are reported again. A target
    /// that run looked up keeps its verdict, unless one of `changed` could answer it; those
    /// are looked up again. `None` when the last run's findings are not known, or when a
    /// target that resolved no longer does (the pages linking to it are not known without
    /// walking them all). At 10,000 posts the full check took ~35–50 ms of a one-post
    /// rebuild (walking every page's links, looking up the archive's 10,000 again).
    pub fn broken_after<'a>(
        &'a self,
        scope: &Scope,
        fresh: &'a Fresh,
        changed: &[&str],
        is_page: impl Fn(&str) -> bool,
        exists: impl Fn(&str) -> bool + Sync,
    ) -> Option<Checked<'a>> {
        let known = self.known.as_ref()?;
        // The targets a file answers (see `resolves`): itself, and for `x/index.html` also
        // `x/` and `x`.
        let mut answered: crate::fingerprint::FastSet<&str> = Default::default();
        for f in changed {
            answered.insert(f);
            if let Some(dir) = f.strip_suffix("index.html") {
                answered.insert(dir);
                if let Some(bare) = dir.strip_suffix('/') {
                    answered.insert(bare);
                }
            }
        }
        let mut verdicts = known.verdicts.clone();
        verdicts.resize(self.targets().list.len(), None);
        if !answered.is_empty() {
            use rayon::prelude::*;
            let targets = self.targets();
            // Every target is looked at (~30k at 10k posts: search files have new names
            // after any edit), on both threads.
            let lost =
                verdicts
                    .par_iter_mut()
                    .zip(targets.list.par_iter())
                    .any(|(slot, (path, _))| {
                        let Some(was) = *slot else {
                            return false;
                        };
                        let Some(target) = scope.target(path) else {
                            return false;
                        };
                        if !answered.contains(&*target) {
                            return false;
                        }
                        let now = resolves(&target, &exists);
                        *slot = Some(now);
                        was && !now
                    });
            if lost {
                return None;
            }
        }
        let pages = fresh.0.iter().chain(
            known
                .broken_by_page
                .iter()
                .filter(|(page, _)| !fresh.0.contains_key(*page) && is_page(page)),
        );
        Some(self.check(scope, pages, verdicts, exists))
    }

    /// Forgets what the last run found: the next check looks at every page (the config,
    /// which decides what a link points at, changed).
    pub fn forget_findings(&mut self) {
        self.known = None;
    }

    /// What `checked` found, page by page, for [`LinkIndex::commit`].
    pub fn findings(&self, fresh: &Fresh, checked: Checked) -> Findings {
        let mut out: FastMap<String, Vec<u32>> = FastMap::default();
        for b in &checked.broken {
            for &page in &b.pages {
                let Some(links) = fresh.0.get(page).or_else(|| self.pages.get(page)) else {
                    continue;
                };
                let ids = out.entry(page.to_string()).or_default();
                ids.extend(b.ids.iter().filter(|id| links.contains(id)));
            }
        }
        Findings {
            broken_by_page: out,
            verdicts: checked.verdicts,
        }
    }

    fn check<'a>(
        &'a self,
        scope: &Scope,
        pages: impl Iterator<Item = (&'a String, &'a Vec<u32>)>,
        mut verdict: Vec<Option<bool>>,
        exists: impl Fn(&str) -> bool,
    ) -> Checked<'a> {
        // Each target is looked up once however many pages link to it.
        let targets = self.targets();
        // What a path points at (`None`: not the site's to check) and whether it is published.
        let verdict_of = |path: &str| match scope.target(path) {
            None => true,
            Some(t) => resolves(&t, &exists),
        };
        let mut broken: FastMap<u32, Vec<&str>> = FastMap::default();
        for (page, ids) in pages {
            for &id in ids {
                let Some(slot) = verdict.get_mut(id as usize) else {
                    continue;
                };
                let ok = *slot.get_or_insert_with(|| verdict_of(&targets.list[id as usize].0));
                if !ok {
                    broken.entry(id).or_default().push(page);
                }
            }
        }
        let mut out: Vec<Broken> = broken
            .into_iter()
            .map(|(id, mut pages)| {
                pages.sort_unstable();
                let (path, spelling) = targets.list[id as usize].clone();
                let target = scope.target(&path).map(Cow::into_owned);
                Broken {
                    target: target.unwrap_or(path),
                    spelling,
                    pages,
                    ids: vec![id],
                }
            })
            .collect();
        out.sort_by(|a, b| a.target.cmp(&b.target));
        // Two spellings of one target (`/태그/` and `/%ED%83%9C%EA%B7%B8/`) are one report.
        out.dedup_by(|later, first| {
            let same = later.target == first.target;
            if same {
                first.ids.append(&mut later.ids);
                first.pages.append(&mut later.pages);
                first.pages.sort_unstable();
                first.pages.dedup();
            }
            same
        });
        Checked {
            broken: out,
            verdicts: verdict,
        }
    }

    /// Makes `fresh` part of the index and forgets pages for which `is_page` does not hold;
    /// `found` is what the run's check found ([`LinkIndex::findings`]). `pages`, when known,
    /// is how many pages the run has.
    pub fn commit(
        &mut self,
        fresh: Fresh,
        is_page: impl Fn(&str) -> bool,
        pages: Option<usize>,
        found: Findings,
    ) {
        self.pages.extend(fresh.0);
        // The index holds every page of the run: each was rendered in it or in a run
        // before (whose links were kept). So when it holds no more than the run's pages, it
        // holds no other, and the 27k lookups at 10k posts are not needed.
        if pages != Some(self.pages.len()) {
            self.pages.retain(|page, _| is_page(page));
        }
        self.known = Some(found);
    }
}

/// Where a broken target is spelled out: a content file's Markdown or a template.
pub struct Source {
    pub path: String,
    pub text: String,
    pub range: std::ops::Range<usize>,
}

/// The diagnostic for one broken target. `url_of` turns a page's output file into its URL;
/// `found` are the places that spell the target (the first is pointed at, the others shown
/// below it).
pub fn diagnostic(
    b: &Broken,
    found: Vec<Source>,
    level: LinkLevel,
    url_of: impl Fn(&str) -> String,
) -> Diagnostic {
    let message = format!(
        "broken link `{}`: the site has no page or file at /{}, expected a link to a page or file the build writes",
        b.spelling, b.target
    );
    let mut found = found.into_iter();
    let mut d = match found.next() {
        Some(s) => Diagnostic::at(s.path, &s.text, s.range, message),
        None => Diagnostic::file(url_of(b.pages[0]), message).with_note(
            "no Markdown file or template spells it out: a template makes it from a value (config.toml's [extra], a front-matter field)",
        ),
    };
    for s in found {
        d = d.with_secondary(s.path, Some((&s.text, s.range)), "also here");
    }
    const SHOWN: usize = 3;
    let mut on: Vec<String> = b.pages.iter().take(SHOWN).map(|p| url_of(p)).collect();
    if b.pages.len() > SHOWN {
        on.push(format!("{} more", b.pages.len() - SHOWN));
    }
    d = d.with_note(format!(
        "it is on {}: {}",
        crate::text::count(b.pages.len(), "page"),
        on.join(", ")
    ));
    if level == LinkLevel::Warning {
        d = d.warning();
    }
    d
}

/// Files every run with this config publishes though a run may not make them (`check` and
/// `serve` leave the search index for later): links to them are not broken.
pub fn always_published(config: &Config, file: &str) -> bool {
    config.search.enabled && (file == "search/search.js" || file == "search/meta.json")
}

impl super::Engine {
    /// A diagnostic for each broken target, at the Markdown or template text that spells it
    /// when one does. Files are read only here, when something is broken.
    pub(super) fn link_diagnostics(
        &self,
        site: &crate::site::Site,
        templates: &crate::render::Templates,
        planned: &[crate::render::Planned],
        broken: &[Broken],
    ) -> Vec<Diagnostic> {
        let origin: FastMap<&str, &str> = planned
            .iter()
            .filter_map(|p| Some((p.file.as_str(), p.origin.as_deref()?)))
            .collect();
        let base = site.config.base_path();
        let url_of =
            |file: &str| format!("{base}{}", file.strip_suffix("index.html").unwrap_or(file));
        let level = site.config.links.internal_level;
        broken
            .iter()
            .map(|b| {
                let decoded = decode(&b.spelling).into_owned();
                let rooted = format!("{base}{}", b.target);
                let spellings = [b.spelling.as_str(), decoded.as_str(), rooted.as_str()];
                // A few Markdown files that spell it (of the pages showing it), and the
                // template that does.
                let mut files: Vec<&str> = b
                    .pages
                    .iter()
                    .filter_map(|p| origin.get(p).copied())
                    .collect();
                files.sort_unstable();
                files.dedup();
                let mut found: Vec<Source> = files
                    .into_iter()
                    .take(20)
                    .filter_map(|file| self.spelled_in_file(file, &spellings))
                    .take(3)
                    .collect();
                found.extend(templates.find_spelled(&spellings, &b.target).map(
                    |(path, text, range)| Source {
                        path,
                        text: text.to_string(),
                        range,
                    },
                ));
                diagnostic(b, found, level, url_of)
            })
            .collect()
    }

    /// The first place after the front matter where content file `file` spells one of
    /// `spellings`.
    fn spelled_in_file(&self, file: &str, spellings: &[&str]) -> Option<Source> {
        let text = std::fs::read_to_string(self.opts.root.join(file)).ok()?;
        let body_start = crate::content::frontmatter::split(&text).map_or(0, |s| s.body_offset);
        let at = spellings.iter().filter(|s| !s.is_empty()).find_map(|s| {
            text[body_start..]
                .find(s)
                .map(|i| (body_start + i, s.len()))
        })?;
        Some(Source {
            path: file.to_string(),
            range: at.0..at.0 + at.1,
            text,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> Scope {
        Scope {
            origin: "https://showpress.example".into(),
            base_path: "/blog/".into(),
            skip: vec!["/blog/shop/".into()],
        }
    }

    fn scope_root() -> Scope {
        Scope {
            origin: "https://showpress.example".into(),
            base_path: "/".into(),
            skip: Vec::new(),
        }
    }

    #[test]
    fn targets_are_output_paths_of_the_sites_own_links() {
        let s = scope();
        for (raw, want) in [
            ("/blog/about/", Some("about/")),
            ("/blog/", Some("")),
            ("/blog", Some("")),
            ("/blog/style.css?v=3#x", Some("style.css")),
            (
                "https://showpress.example/blog/tags/%EA%B2%BD%EC%A0%9C/",
                Some("tags/경제/"),
            ),
            ("//showpress.example/blog/a/", Some("a/")),
            ("/other/", None),
            ("/blag", None),
            ("/blog/shop/cart/", None),
            ("https://elsewhere.example/blog/a/", None),
            ("https://showpress.example.evil/blog/a/", None),
            ("#main", None),
            ("a/", None),
            ("mailto:a@b.c", None),
            ("data:,", None),
        ] {
            assert_eq!(s.target(raw).as_deref(), want, "{raw}");
        }
    }

    #[test]
    fn scans_quoted_link_attributes_only() {
        let s = scope();
        let html = br#"<a href="/blog/a/">a</a><img src='/blog/i.png' data-src="/blog/no/" srcset="/blog/i-480.webp 480w, /blog/i-960.webp 960w"><p>href="/blog/text/" and <code>src=&quot;/blog/x/&quot;</code></p><a href="/blog/a/">again</a><a href="/blog/q/?a=1&amp;b=2">q</a>"#;
        let index = LinkIndex::default();
        let ids = s.scan(html, &index);
        let targets = index.targets();
        let found: Vec<&str> = ids
            .iter()
            .map(|&i| targets.list[i as usize].0.as_str())
            .collect();
        // By path as written; what each points at is worked out when checking.
        assert_eq!(
            found,
            [
                "/blog/a/",
                "/blog/i.png",
                "/blog/i-480.webp",
                "/blog/i-960.webp",
                "/blog/q/"
            ]
        );
    }

    #[test]
    fn a_folder_resolves_through_its_index() {
        let files: crate::fingerprint::FastSet<&str> =
            ["index.html", "about/index.html", "style.css"]
                .into_iter()
                .collect();
        let exists = |f: &str| files.contains(f);
        for (t, ok) in [
            ("", true),
            ("about/", true),
            ("about", true),
            ("style.css", true),
            ("style.css/", false),
            ("missing/", false),
        ] {
            assert_eq!(resolves(t, &exists), ok, "{t}");
        }
    }

    #[test]
    fn unchanged_pages_are_checked_against_the_new_files() {
        let mut index = LinkIndex::default();
        let about = index.intern(vec![("/about/", "/about/")]);
        let fresh = LinkIndex::fresh(vec![
            ("index.html".into(), about.clone()),
            ("a/index.html".into(), about),
        ]);
        index.commit(fresh, |_| true, None, Findings::default());
        // Next run: only the home page is rendered again, and about/ is gone.
        let fresh = LinkIndex::fresh(vec![("index.html".into(), vec![])]);
        let broken = index
            .broken(&scope_root(), &fresh, |_| true, |f| f != "about/index.html")
            .broken;
        assert_eq!(broken.len(), 1);
        assert_eq!(
            (broken[0].target.as_str(), broken[0].pages.clone()),
            ("about/", vec!["a/index.html"])
        );
        // A page no longer published does not count.
        let broken = index.broken(
            &scope_root(),
            &fresh,
            |p| p != "a/index.html",
            |f| f != "about/index.html",
        );
        assert!(broken.broken.is_empty());
    }

    /// serve's fast path renders a few pages and publishes the same files: it looks only at
    /// those pages and at what the last run found broken elsewhere, and finds the same.
    #[test]
    fn a_run_with_the_same_files_reports_what_a_full_check_would() {
        let scope = scope_root();
        let exists = |f: &str| f != "gone/index.html";
        let mut index = LinkIndex::default();
        let (gone, about) = (
            index.intern(vec![("/gone/", "/gone/")]),
            index.intern(vec![("/about/", "/about/")]),
        );
        let fresh = LinkIndex::fresh(vec![
            ("a/index.html".into(), gone.clone()),
            ("b/index.html".into(), about.clone()),
        ]);
        assert!(
            index
                .broken_after(&scope, &fresh, &[], |_| true, exists)
                .is_none(),
            "nothing known yet"
        );
        let checked = index.broken(&scope, &fresh, |_| true, exists);
        let found = index.findings(&fresh, checked);
        index.commit(fresh, |_| true, None, found);

        // b/ is rendered again and now links to /gone/ too; a/ is not rendered.
        let fresh = LinkIndex::fresh(vec![("b/index.html".into(), gone.clone())]);
        let quick = index
            .broken_after(&scope, &fresh, &[], |_| true, exists)
            .expect("known");
        let full = index.broken(&scope, &fresh, |_| true, exists);
        let pages = |b: &[Broken]| -> Vec<(String, Vec<String>)> {
            b.iter()
                .map(|b| {
                    (
                        b.target.clone(),
                        b.pages.iter().map(|p| p.to_string()).collect(),
                    )
                })
                .collect()
        };
        assert_eq!(
            pages(&quick.broken),
            [(
                "gone/".to_string(),
                vec!["a/index.html".to_string(), "b/index.html".to_string()]
            )]
        );
        assert_eq!(pages(&quick.broken), pages(&full.broken));

        // Fixed on both: nothing left.
        drop(full);
        let found = index.findings(&fresh, quick);
        index.commit(fresh, |_| true, None, found);
        let fresh = LinkIndex::fresh(vec![
            ("a/index.html".into(), about.clone()),
            ("b/index.html".into(), about),
        ]);
        assert!(
            index
                .broken_after(&scope, &fresh, &[], |_| true, exists)
                .expect("known")
                .broken
                .is_empty()
        );
    }

    /// `build` after a one-post edit publishes other search files than the last run: only
    /// the targets the added and removed files answer are looked up again, and the result
    /// is the full check's; a linked file that went away needs the full check.
    #[test]
    fn a_run_with_other_files_reports_what_a_full_check_would() {
        let scope = scope_root();
        let mut index = LinkIndex::default();
        let (new, old, about) = (
            index.intern(vec![("/new/", "/new/")]),
            index.intern(vec![("/old.json", "/old.json")]),
            index.intern(vec![("/about/", "/about/")]),
        );
        let first = |f: &str| f == "old.json" || f == "about/index.html";
        let fresh = LinkIndex::fresh(vec![
            ("a/index.html".into(), [new.clone(), about.clone()].concat()),
            ("b/index.html".into(), about.clone()),
        ]);
        let checked = index.broken(&scope, &fresh, |_| true, first);
        let found = index.findings(&fresh, checked);
        index.commit(fresh, |_| true, None, found);

        // new/ appears and old.json goes; nothing links to old.json any more, and only b/
        // is rendered again.
        let second = |f: &str| f == "new/index.html" || f == "about/index.html";
        let fresh = LinkIndex::fresh(vec![("b/index.html".into(), about.clone())]);
        let changed = ["new/index.html", "old.json"];
        let quick = index
            .broken_after(&scope, &fresh, &changed, |_| true, second)
            .expect("known");
        assert!(quick.broken.is_empty(), "a/'s link to /new/ resolves now");
        let full = index.broken(&scope, &fresh, |_| true, second);
        assert!(full.broken.is_empty());
        drop(full);
        let found = index.findings(&fresh, quick);
        index.commit(fresh, |_| true, None, found);

        // about/ goes: a/ links to it and is not rendered again, so the quick check gives up.
        let third = |f: &str| f == "new/index.html";
        let fresh = LinkIndex::fresh(vec![("b/index.html".into(), old)]);
        assert!(
            index
                .broken_after(&scope, &fresh, &["about/index.html"], |_| true, third)
                .is_none()
        );
        let full = index.broken(&scope, &fresh, |_| true, third);
        let pages: Vec<(&str, Vec<&str>)> = full
            .broken
            .iter()
            .map(|b| (b.target.as_str(), b.pages.clone()))
            .collect();
        assert_eq!(
            pages,
            [
                ("about/", vec!["a/index.html"]),
                ("old.json", vec!["b/index.html"])
            ]
        );
    }
}
