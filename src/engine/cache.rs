//! The build cache: what an [`Engine`] keeps between runs, saved in a folder (`.showpress/` in
//! the site by default) so the next `build` re-reads only files whose size or modification
//! time changed and renders only pages whose key changed.
//!
//! A cache can make a build faster, never different: one written by another showpress binary,
//! for another site folder, output folder or options, or one that is damaged, is ignored with a
//! one-line note and the build runs from scratch. The file is a header (magic, format, the
//! binary's identity, a checksum of the rest) and a postcard body; it is replaced by rename, so
//! a reader sees the old or the new one. A lock file keeps two builds from using one cache at
//! once: the second waits.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rayon::prelude::*;

use super::{Engine, Options, Out};
use crate::content::{ContentCache, SavedFile, SavedRef, Stamp};
use crate::error::{Error, Result};
use crate::fingerprint::{self, FastMap, FastSet};
use crate::output::DiskManifest;

const MAGIC: &[u8; 16] = b"showpress-cache\n";
/// Bumped whenever the saved layout or the meaning of a key changes.
const FORMAT: u32 = 9;
const STATE_FILE: &str = "state";
/// Parsed content files are kept in this many files, by a hash of their path, so saving after
/// a one-post edit writes one small file instead of all of them.
const SHARDS: u64 = 64;
/// A file modified less than this before the cache was saved is read again next time.
const RACY: Duration = Duration::from_secs(2);

#[derive(serde::Serialize, serde::Deserialize)]
struct Saved {
    root: PathBuf,
    output: PathBuf,
    options: u64,
    config_fp: u64,
    saved_at: SystemTime,
    /// The files holding the parsed content files: (shard fingerprint, checksum of its bytes).
    shards: Vec<(u64, u64)>,
    /// The file holding the search index's state (see [`crate::search::state`]): (its
    /// checksum, which names it, and its length). In a file of its own because a build that
    /// finds nothing changed reads this state alone, and the index's is as large.
    search: Option<(u64, u64)>,
    statics: Vec<String>,
    unchanged: Option<Unchanged>,
    /// The three large parts, each encoded on its own (postcard) into a file named by its
    /// checksum ([`Part`]), so that they are encoded, written and decoded in parallel, and a
    /// build that finds nothing changed reads only `disk`:
    /// `Vec<(String, Out)>`, every output file's record;
    outputs: Part,
    /// [`super::links::LinkIndex`], what every page links to, so a build that renders a few
    /// pages checks all of them;
    links: Part,
    /// [`DiskManifest`]: size, modification time and inode of every output file as this build
    /// left it, to notice files changed, deleted or added in the output behind showpress's
    /// back.
    disk: Part,
}

/// A file of the cache named by the checksum of its bytes: (checksum, length). Such a file
/// is written under a new name and renamed into place, never rewritten (it is mapped while
/// read, see `lazy::Buffer`).
type Part = (u64, u64);

/// An open cache folder, locked for this process until dropped.
pub struct CacheDir {
    dir: PathBuf,
    /// Shards the state on disk names, by fingerprint: those need not be written again.
    known: std::sync::Mutex<FastMap<u64, u64>>,
    /// Shards the state this process wrote names: the others can go once it is in place.
    written: std::sync::Mutex<Vec<u64>>,
    /// The search file the state this process wrote names (checksum): the others can go.
    search_written: std::sync::Mutex<Option<u64>>,
    /// The part files the state this process wrote names (checksums): the others can go.
    parts_written: std::sync::Mutex<Vec<u64>>,
    /// Set when a state is loaded.
    hints: std::sync::Mutex<Hints>,
    _lock: crate::fs::LockFile,
}

/// A usable cache's state, before the parsed files it names are read.
pub struct State {
    saved: Saved,
    opts: Options,
    /// The cache folder, which holds the parts.
    dir: PathBuf,
    /// `saved.disk`, decoded when first asked for.
    disk: std::sync::OnceLock<std::result::Result<DiskManifest, String>>,
}

impl State {
    /// What lets a build see that nothing changed without reading the parsed files.
    pub fn unchanged(&self) -> Option<&Unchanged> {
        self.saved.unchanged.as_ref()
    }

    /// The output as the last build left it; `Err` (why) when that part is damaged.
    pub fn disk(&self) -> std::result::Result<&DiskManifest, String> {
        self.disk
            .get_or_init(|| read_part(&self.dir, self.saved.disk))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// When a file modified before this moment can be trusted by its size and time.
    pub fn trusted_before(&self) -> SystemTime {
        self.saved
            .saved_at
            .checked_sub(RACY)
            .unwrap_or(SystemTime::UNIX_EPOCH)
    }

    pub fn config_fp(&self) -> u64 {
        self.saved.config_fp
    }
}

/// What the next build compares to see, without reading the parsed files or building the
/// model, that nothing changed: every content file's stamp, the templates' and static files'
/// bytes, and when time alone changes the site; and what to report then.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Unchanged {
    pub files: Vec<(PathBuf, Stamp)>,
    /// The folders of the walk of `content/` that found `files`, with their times: when none
    /// changed, the next build need not walk it again.
    pub dirs: Vec<crate::content::WalkedDir>,
    pub templates: u64,
    pub statics: u64,
    /// Valid while the clock is before this (a scheduled post).
    pub next_due: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Valid while the clock is at or before this (the news sitemap's window).
    pub news_until: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub posts: usize,
    pub pages: usize,
    pub statics_published: usize,
    pub scheduled: usize,
    pub bytes: u64,
    /// Notices the run printed (no font with Hangul): printed again, since nothing changed.
    #[serde(default)]
    pub notices: Vec<String>,
}

/// What a usable cache gives a build.
pub struct Restored {
    pub engine: Engine,
    pub disk: DiskManifest,
}

impl CacheDir {
    /// Opens (creating) the cache folder and locks it; waits while another build holds it.
    pub fn open(dir: &Path) -> Result<CacheDir> {
        crate::fs::create_dir_all(dir)?;
        let lock = crate::fs::lock_file(&dir.join("lock"), || {
            eprintln!(
                "note: waiting for another showpress build using the cache {} to finish",
                dir.display()
            )
        })?;
        Ok(CacheDir {
            dir: dir.to_path_buf(),
            known: Default::default(),
            written: Default::default(),
            search_written: Default::default(),
            parts_written: Default::default(),
            hints: Default::default(),
            _lock: lock,
        })
    }

    fn state(&self) -> PathBuf {
        self.dir.join(STATE_FILE)
    }

    /// The saved state when it is usable for this build, else why not (a note for the user).
    /// No cache at all is neither: `Ok(None)`.
    pub fn load_state(
        &self,
        opts: &Options,
        output: &Path,
    ) -> std::result::Result<Option<State>, String> {
        let path = self.state();
        let bytes = match crate::lazy::Buffer::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot be read ({e})")),
        };
        let t = std::time::Instant::now();
        let saved = decode(&bytes)?;
        if let Ok(mut h) = self.hints.lock() {
            *h = Hints {
                outputs: saved.outputs.1 as usize,
                links: saved.links.1 as usize,
                disk: saved.disk.1 as usize,
                search: saved.search.map_or(0, |(_, len)| len as usize),
                rest: bytes.len(),
            };
        }
        if std::env::var_os("SHOWPRESS_TIMING").is_some() {
            eprintln!(
                "timing: decode the cache ({} bytes) {:?}",
                bytes.len(),
                t.elapsed()
            );
        }
        if saved.root != super::absolute(&opts.root) {
            return Err(format!(
                "was made for another site folder ({})",
                saved.root.display()
            ));
        }
        if saved.output != super::absolute(output) {
            return Err(format!(
                "was made for another output folder ({})",
                saved.output.display()
            ));
        }
        if saved.options != opts.fingerprint() {
            return Err("was made with other options (--drafts, --future or --base-url)".into());
        }
        Ok(Some(State {
            saved,
            opts: opts.clone(),
            dir: self.dir.clone(),
            disk: Default::default(),
        }))
    }

    /// Everything the state names, read: the engine as the last build left it.
    pub fn restore(&self, state: State) -> std::result::Result<Restored, String> {
        let State {
            saved, opts, disk, ..
        } = state;
        let (files, ((outputs, links), disk)) = rayon::join(
            || read_shards(&self.dir, &saved.shards),
            || {
                rayon::join(
                    || {
                        rayon::join(
                            || read_part::<Vec<(String, Out)>>(&self.dir, saved.outputs),
                            || read_part::<super::links::LinkIndex>(&self.dir, saved.links),
                        )
                    },
                    || match disk.into_inner() {
                        Some(d) => d,
                        None => read_part(&self.dir, saved.disk),
                    },
                )
            },
        );
        let (files, outputs, links, disk) = (files?, outputs?, links?, disk?);
        // The search index's state is needed last: read on a thread of its own while the
        // engine builds the model (started after the parts above, which use both cores).
        let search = saved.search.map(|s| {
            let dir = self.dir.clone();
            std::thread::spawn(move || read_search(&dir, s).ok())
        });
        if let Ok(mut known) = self.known.lock() {
            *known = saved.shards.iter().copied().collect();
        }
        let content = ContentCache::import(files, saved.saved_at, RACY);
        let mut engine = Engine::new(opts);
        engine.config_fp = saved.config_fp;
        engine.content = content;
        engine.outputs = outputs.into_iter().collect();
        engine.links = links;
        engine.statics = saved.statics.into_iter().collect::<FastSet<String>>();
        engine.search_loading = search;
        engine.search_saved = saved.search;
        Ok(Restored { engine, disk })
    }

    /// Writes the engine's state beside the cache file and returns (that file, the cache
    /// file): the output's commit renames one onto the other, so the cache and the output
    /// change together. `None` when the state cannot be saved (a file failed to parse).
    pub fn write_pending(
        &self,
        engine: &Engine,
        output: &Path,
        disk: &DiskManifest,
        saved_at: SystemTime,
        unchanged: impl FnOnce() -> Option<Unchanged> + Send,
    ) -> Result<Option<(PathBuf, PathBuf)>> {
        let Some(files) = engine.content.export() else {
            return Ok(None);
        };
        let hints = self.hints.lock().map(|h| *h).unwrap_or_default();
        // Still being read: this run did not use it, so the file it is read from holds it.
        let unused = engine.search_loading.is_some();
        // The shards, the search state, the three large parts and the record of an unchanged
        // site (10k content stamps copied) are independent: made and written at once, on both
        // threads (one after the other they were ~80 ms of a one-post rebuild at 10k posts,
        // the search state alone ~40).
        let (((shards, unchanged), search), (outputs, (links, disk))) = rayon::join(
            || {
                rayon::join(
                    || rayon::join(|| self.write_shards(files), unchanged),
                    || match (&engine.search_state, engine.search_saved) {
                        (_, Some(named)) if unused => Ok(Some(named)),
                        (Some(_), Some(named)) if search_path(&self.dir, named.0).is_file() => {
                            Ok(Some(named))
                        }
                        (Some(state), _) => self.write_search(state, hints.search).map(Some),
                        (None, _) => Ok(None),
                    },
                )
            },
            || {
                // Borrowed, not cloned (at 10k posts cloning them and dropping the clones
                // was ~40 ms of a one-post rebuild).
                rayon::join(
                    || {
                        let outputs: Vec<(&String, &Out)> = engine.outputs.iter().collect();
                        self.write_part(encode_part(&outputs, hints.outputs)?)
                    },
                    || {
                        rayon::join(
                            || self.write_part(encode_part(&engine.links, hints.links)?),
                            || self.write_part(encode_part(disk, hints.disk)?),
                        )
                    },
                )
            },
        );
        let (shards, search) = (shards?, search?);
        let (outputs, links, disk) = (outputs?, links?, disk?);
        if let Ok(mut w) = self.parts_written.lock() {
            *w = vec![outputs.0, links.0, disk.0];
        }
        if let Ok(mut w) = self.written.lock() {
            *w = shards.iter().map(|(fp, _)| *fp).collect();
        }
        if let Ok(mut w) = self.search_written.lock() {
            *w = search.map(|s| s.0);
        }
        let saved = Saved {
            root: super::absolute(&engine.opts.root),
            output: super::absolute(output),
            options: engine.opts.fingerprint(),
            config_fp: engine.config_fp,
            saved_at,
            shards,
            search,
            statics: engine.statics.iter().cloned().collect(),
            unchanged,
            outputs,
            links,
            disk,
        };
        let body = encode_part(&saved, hints.rest)?;
        let pending = self.dir.join(format!("{STATE_FILE}.new"));
        let mut file = File::create(&pending).map_err(|e| Error::Io {
            action: "write the build cache",
            path: pending.clone(),
            source: e,
        })?;
        let head = header(checksum(&body));
        file.write_all(&head)
            .and_then(|()| file.write_all(&body))
            .map_err(|e| Error::Io {
                action: "write the build cache",
                path: pending.clone(),
                source: e,
            })?;
        Ok(Some((pending, self.state())))
    }

    fn shard_path(&self, fp: u64) -> PathBuf {
        shard_path(&self.dir, fp)
    }

    /// Writes the shards whose files changed since the state this cache was loaded from
    /// (names are fingerprints, so a shard already on disk is the same); returns all of them.
    fn write_shards(&self, files: Vec<SavedRef<'_>>) -> Result<Vec<(u64, u64)>> {
        let mut groups: Vec<Vec<SavedRef<'_>>> = vec![Vec::new(); SHARDS as usize];
        for f in files {
            let i = (fingerprint::of(&f.file.rel) % SHARDS) as usize;
            groups[i].push(f);
        }
        let known = self.known.lock().map(|k| k.clone()).unwrap_or_default();
        groups
            .into_par_iter()
            .filter(|g| !g.is_empty())
            .map(|group| {
                let fps: Vec<u64> = group.iter().map(SavedRef::fingerprint).collect();
                let fp = fingerprint::of(&fps);
                let path = self.shard_path(fp);
                let sum = match known.get(&fp) {
                    Some(sum) if path.is_file() => *sum,
                    _ => {
                        let bytes = postcard::to_stdvec(&group).map_err(|e| {
                            Error::Message(format!("cannot encode the build cache: {e}"))
                        })?;
                        // Under a new name, then renamed: a shard is mapped while read (see
                        // `lazy::Buffer`), so one is never rewritten in place.
                        let new = path.with_extension("new");
                        crate::fs::write(&new, &bytes)?;
                        crate::fs::rename(&new, &path)?;
                        checksum(&bytes)
                    }
                };
                Ok((fp, sum))
            })
            .collect()
    }

    /// Writes the search index's state into the file its checksum names; returns (checksum,
    /// length).
    fn write_search(&self, state: &crate::search::State, hint: usize) -> Result<Part> {
        write_named(&self.dir, search_path, &encode_part(state, hint)?)
    }

    /// Writes one of the state's large parts into the file its checksum names.
    fn write_part(&self, bytes: Vec<u8>) -> Result<Part> {
        write_named(&self.dir, part_path, &bytes)
    }

    /// Removes the saved state, so no later build uses it (saving a new one failed). What
    /// cannot be removed stays correct: the output check finds every file this build changed.
    pub fn discard(&self) {
        let _ = std::fs::remove_file(self.state());
        let _ = std::fs::remove_file(self.dir.join(format!("{STATE_FILE}.new")));
    }

    /// Deletes the shards the current state does not name (left by earlier builds).
    /// Call only after the state written by [`CacheDir::write_pending`] is in place.
    pub fn prune(&self) {
        let Ok(written) = self.written.lock() else {
            return;
        };
        let keep: FastSet<PathBuf> = written.iter().map(|fp| self.shard_path(*fp)).collect();
        if keep.is_empty() {
            return;
        }
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let search = self
            .search_written
            .lock()
            .ok()
            .and_then(|w| *w)
            .map(|sum| search_path(&self.dir, sum));
        let parts: FastSet<PathBuf> = self
            .parts_written
            .lock()
            .map(|w| w.iter().map(|sum| part_path(&self.dir, *sum)).collect())
            .unwrap_or_default();
        for e in entries.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            let old_search = name.starts_with("search-") && search.as_ref() != Some(&e.path());
            // Kept when the parts are not known (nothing saved): the state may name them.
            let old_part =
                name.starts_with("part-") && !parts.is_empty() && !parts.contains(&e.path());
            if (name.starts_with("content-") && !keep.contains(&e.path())) || old_search || old_part
            {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// One of [`Saved`]'s large parts, encoded (postcard encodes a `&T` as it encodes `T`, and a
/// slice of pairs as the `Vec` of pairs [`part`] decodes), into a buffer sized for about
/// `hint` bytes (its size last time): growing megabytes by doubling copied them and faulted
/// in fresh pages at every step.
fn encode_part<T: serde::Serialize + ?Sized>(value: &T, hint: usize) -> Result<Vec<u8>> {
    let buf = Vec::with_capacity(hint + hint / 16);
    postcard::to_extend(value, buf)
        .map_err(|e| Error::Message(format!("cannot encode the build cache: {e}")))
}

/// The sizes of what the loaded state held, to size the buffers the next one is encoded in.
#[derive(Clone, Copy, Default)]
struct Hints {
    outputs: usize,
    links: usize,
    disk: usize,
    search: usize,
    /// The state's body (its large parts are files of their own).
    rest: usize,
}

/// One of [`Saved`]'s large parts, decoded.
fn part<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> std::result::Result<T, String> {
    postcard::from_bytes(bytes).map_err(|e| format!("is damaged ({e})"))
}

fn shard_path(dir: &Path, fp: u64) -> PathBuf {
    dir.join(format!("content-{fp:016x}"))
}

fn search_path(dir: &Path, sum: u64) -> PathBuf {
    dir.join(format!("search-{sum:016x}"))
}

fn part_path(dir: &Path, sum: u64) -> PathBuf {
    dir.join(format!("part-{sum:016x}"))
}

/// Writes `bytes` into the file of `dir` that `path_of` names by their checksum: under a new
/// name, then renamed, since such a file is mapped while read. Returns (checksum, length).
fn write_named(dir: &Path, path_of: fn(&Path, u64) -> PathBuf, bytes: &[u8]) -> Result<Part> {
    let named = (checksum(bytes), bytes.len() as u64);
    let path = path_of(dir, named.0);
    let new = path.with_extension("new");
    crate::fs::write(&new, bytes)?;
    crate::fs::rename(&new, &path)?;
    Ok(named)
}

/// The bytes of the file at `path`, named by (checksum, length), once checked against both.
/// Mapped, not read into the heap: they are decoded out of it at once.
fn read_named(path: &Path, (sum, len): Part) -> std::result::Result<crate::lazy::Buffer, String> {
    let bytes = crate::lazy::Buffer::read(path).map_err(|e| format!("is missing a part ({e})"))?;
    if bytes.len() as u64 != len || checksum(&bytes) != sum {
        return Err("is damaged (checksum mismatch: truncated or changed)".into());
    }
    Ok(bytes)
}

/// Reads one of the state's large parts.
fn read_part<T: serde::de::DeserializeOwned>(
    dir: &Path,
    named: Part,
) -> std::result::Result<T, String> {
    part(&read_named(&part_path(dir, named.0), named)?)
}

/// Reads the search index's state named by a state (checksum, length).
fn read_search(dir: &Path, named: Part) -> std::result::Result<crate::search::State, String> {
    part(&read_named(&search_path(dir, named.0), named)?)
}

/// Reads the shards named by a state, in parallel, each checked against its checksum.
fn read_shards(dir: &Path, shards: &[(u64, u64)]) -> std::result::Result<Vec<SavedFile>, String> {
    let parts: Vec<std::result::Result<Vec<SavedFile>, String>> = shards
        .par_iter()
        .map(|&(fp, sum)| {
            let bytes = crate::lazy::Buffer::read(&shard_path(dir, fp))
                .map_err(|e| format!("is missing a part ({e})"))?;
            if checksum(&bytes) != sum {
                return Err("is damaged (checksum mismatch: truncated or changed)".into());
            }
            // Bodies stay in these bytes until a page or the index needs them.
            crate::lazy::decode_shared(std::sync::Arc::new(bytes))
                .map_err(|e| format!("is damaged ({e})"))
        })
        .collect();
    let mut files = Vec::new();
    for p in parts {
        files.extend(p?);
    }
    Ok(files)
}

/// The parsed content files of the build cache in `dir`, for `serve` to start from instead of
/// parsing every file, with the fingerprint of the config they were parsed with. Read without
/// the lock (a build replaces the state by rename and never changes a shard; one it prunes
/// meanwhile makes this `None`), and whatever the options and output folder, which decide only
/// how pages are rendered. `None` when there is no usable cache.
pub fn content_only(dir: &Path, root: &Path) -> Option<(u64, ContentCache)> {
    let bytes = crate::lazy::Buffer::read(&dir.join(STATE_FILE)).ok()?;
    let saved = decode(&bytes).ok()?;
    if saved.root != super::absolute(root) {
        return None;
    }
    let files = read_shards(dir, &saved.shards).ok()?;
    Some((
        saved.config_fp,
        ContentCache::import(files, saved.saved_at, RACY),
    ))
}

/// The identity of the running binary: a cache from another build of showpress (a newer
/// release, or a developer's rebuild) may key pages differently.
fn binary_identity() -> u64 {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| (m.len(), m.modified().ok()));
    fingerprint::of(&(env!("CARGO_PKG_VERSION"), exe))
}

/// XXH3: a fast checksum for the cache's tens of megabytes, on any CPU.
fn checksum(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

fn header(checksum: u64) -> Vec<u8> {
    let mut head = Vec::with_capacity(36);
    head.extend_from_slice(MAGIC);
    head.extend_from_slice(&FORMAT.to_le_bytes());
    head.extend_from_slice(&binary_identity().to_le_bytes());
    head.extend_from_slice(&checksum.to_le_bytes());
    head
}

fn decode(bytes: &[u8]) -> std::result::Result<Saved, String> {
    const HEAD: usize = 16 + 4 + 8 + 8;
    let damaged = |why: &str| format!("is damaged ({why})");
    if bytes.len() < HEAD || &bytes[..16] != MAGIC {
        return Err(damaged("not a showpress cache file"));
    }
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default());
    let format = u32::from_le_bytes(bytes[16..20].try_into().unwrap_or_default());
    if format != FORMAT || word(20) != binary_identity() {
        return Err("was written by another version of showpress".into());
    }
    let body = &bytes[HEAD..];
    if word(28) != checksum(body) {
        return Err(damaged("checksum mismatch: truncated or changed"));
    }
    postcard::from_bytes(body).map_err(|e| damaged(&e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outputs_encoded_borrowed_decode_as_owned() {
        let out = Out {
            key: 1,
            hash: 2,
            len: 3,
        };
        let path = "posts/a/index.html".to_string();
        let bytes = encode_part(&vec![(&path, &out)], 0).unwrap();
        let back: Vec<(String, Out)> = part(&bytes).unwrap();
        assert_eq!(back, vec![(path, out)]);
        assert_eq!(
            part::<Vec<(String, Out)>>(&bytes[..bytes.len() - 1])
                .err()
                .unwrap(),
            "is damaged (Hit the end of buffer, expected more data)"
        );
    }

    #[test]
    fn damaged_and_foreign_caches_are_refused_with_a_reason() {
        assert_eq!(
            decode(b"hello").err().unwrap(),
            "is damaged (not a showpress cache file)"
        );
        let mut other = header(0);
        other[16] = 99;
        assert_eq!(
            decode(&other).err().unwrap(),
            "was written by another version of showpress"
        );
        let mut cut = header(checksum(b"abc"));
        cut.extend_from_slice(b"ab");
        assert_eq!(
            decode(&cut).err().unwrap(),
            "is damaged (checksum mismatch: truncated or changed)"
        );
    }
}
