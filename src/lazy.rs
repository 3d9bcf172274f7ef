//! A value the build cache keeps in its encoded bytes until something first uses it.
//!
//! A rebuild after a one-post edit at 10,000 posts needs every post's title, date and summary
//! (lists, keys, the model) but the HTML, plain text and search words of only the few posts
//! whose pages it renders or whose part of the index changed. Decoding those for every post
//! was most of the time spent opening the cache (~230 ms of CPU at 10k, mostly allocating
//! and faulting in 80 MB). A [`Lazy`] read from a shard keeps a range of the shard's bytes,
//! shared, not copied (see [`decode_shared`]), and decodes it on first [`Lazy::get`].
//!
//! Encoding a `Lazy` that was never decoded writes its bytes back as they were, so saving a
//! shard that holds one edited post does not decode the others either.
//!
//! The bytes were checksummed with their shard and written by this same binary (the cache
//! header names it), so decoding them cannot fail short of a bug. Should it fail, the value is
//! the type's default and [`failures`] counts it; the engine's run fails then instead of
//! publishing a page without its body, and `build` removes the cache.

use std::cell::RefCell;
use std::fmt;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

static FAILURES: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// The buffer [`decode_shared`] is decoding on this thread: byte strings inside it are
    /// kept as ranges of it.
    static SOURCE: RefCell<Option<Arc<Buffer>>> = const { RefCell::new(None) };
}

/// The bytes a shard was decoded from, shared by the values kept in them.
pub enum Buffer {
    Heap(Vec<u8>),
    /// A read-only map of a cache file: a one-post rebuild at 10k posts reads ~90 MB of
    /// shards, and copying them into fresh heap pages (faulting and zeroing each one) was a
    /// large part of opening the cache; a map shares the kernel's cached pages.
    Mapped(memmap2::Mmap),
}

impl std::ops::Deref for Buffer {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Buffer::Heap(v) => v,
            Buffer::Mapped(m) => m,
        }
    }
}

impl Buffer {
    /// The file's bytes, mapped when it is not empty (mapping an empty file fails).
    ///
    /// Mapping is sound only while no one changes the file: the build cache writes every
    /// file it maps under a new name and renames it into place, never rewriting one, and a
    /// lock keeps two builds apart. A file truncated behind showpress's back during a build
    /// would end the process with SIGBUS, not a wrong page.
    pub fn read(path: &std::path::Path) -> std::io::Result<Buffer> {
        let file = std::fs::File::open(path)?;
        if file.metadata()?.len() == 0 {
            return Ok(Buffer::Heap(Vec::new()));
        }
        // Populated (MAP_POPULATE): every byte is read at once (checksummed, decoded), and
        // mapping the pages in one call is cheaper than a fault for each few of them.
        // SAFETY: see above: cache files are replaced by rename, never changed in place.
        let map = unsafe { memmap2::MmapOptions::new().populate().map(&file)? };
        Ok(Buffer::Mapped(map))
    }
}

/// How many lazily kept values failed to decode in this process so far (the cache was
/// damaged in a way its checksum did not catch): a run compares it before and after.
pub fn failures() -> usize {
    FAILURES.load(Ordering::Relaxed)
}

/// Decodes `bytes` (postcard), keeping each [`Lazy`] inside as a range of `bytes` instead of
/// a copy.
pub fn decode_shared<T: DeserializeOwned>(bytes: Arc<Buffer>) -> Result<T, postcard::Error> {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            SOURCE.with(|s| *s.borrow_mut() = None);
        }
    }
    SOURCE.with(|s| *s.borrow_mut() = Some(bytes.clone()));
    let _reset = Reset;
    postcard::from_bytes(&bytes)
}

/// Encoded bytes: part of a shared buffer, or a copy of their own.
#[derive(Clone)]
enum Raw {
    Shared(Arc<Buffer>, Range<usize>),
    Owned(Box<[u8]>),
}

impl Raw {
    fn bytes(&self) -> &[u8] {
        match self {
            Raw::Shared(buf, r) => buf.get(r.clone()).unwrap_or_default(),
            Raw::Owned(b) => b,
        }
    }
}

/// A value decoded on first use (see the module's doc).
pub struct Lazy<T> {
    value: OnceLock<T>,
    raw: Option<Raw>,
}

impl<T> Lazy<T> {
    pub fn new(value: T) -> Self {
        Lazy {
            value: OnceLock::from(value),
            raw: None,
        }
    }
}

impl<T: DeserializeOwned + Default> Lazy<T> {
    pub fn get(&self) -> &T {
        self.value.get_or_init(|| self.decode())
    }

    /// Changes the value (decoding it first if need be); the kept bytes are dropped.
    pub fn update(&mut self, f: impl FnOnce(&mut T)) {
        let mut v = self.value.take().unwrap_or_else(|| self.decode());
        f(&mut v);
        self.raw = None;
        self.value = OnceLock::from(v);
    }

    fn decode(&self) -> T {
        let Some(raw) = &self.raw else {
            return T::default();
        };
        postcard::from_bytes(raw.bytes()).unwrap_or_else(|_| {
            FAILURES.fetch_add(1, Ordering::Relaxed);
            T::default()
        })
    }
}

impl<T: Default> Default for Lazy<T> {
    fn default() -> Self {
        Lazy::new(T::default())
    }
}

impl<T: Clone> Clone for Lazy<T> {
    fn clone(&self) -> Self {
        Lazy {
            value: self.value.clone(),
            raw: self.raw.clone(),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Lazy<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.value.get(), &self.raw) {
            (Some(v), _) => v.fmt(f),
            (None, Some(r)) => write!(f, "Lazy({} bytes)", r.bytes().len()),
            (None, None) => f.write_str("Lazy(empty)"),
        }
    }
}

impl<T: Serialize> Serialize for Lazy<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // The bytes it was read from, when it has not changed since: no decoding to save it.
        if let Some(raw) = &self.raw {
            return s.serialize_bytes(raw.bytes());
        }
        match self.value.get() {
            Some(v) => {
                let bytes = postcard::to_allocvec(v).map_err(serde::ser::Error::custom)?;
                s.serialize_bytes(&bytes)
            }
            None => s.serialize_bytes(&[]),
        }
    }
}

impl<'de, T> Deserialize<'de> for Lazy<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = d.deserialize_bytes(RawBytes)?;
        Ok(Lazy {
            value: OnceLock::new(),
            raw: Some(raw),
        })
    }
}

/// Reads a byte string as a range of the buffer [`decode_shared`] is decoding, when it lies
/// inside it; else as a copy.
struct RawBytes;

impl<'de> serde::de::Visitor<'de> for RawBytes {
    type Value = Raw;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("bytes")
    }
    fn visit_borrowed_bytes<E: serde::de::Error>(self, v: &'de [u8]) -> Result<Raw, E> {
        let shared = SOURCE.with(|s| {
            let s = s.borrow();
            let buf = s.as_ref()?;
            // Only the address is compared: `v` is a slice of the buffer being decoded when
            // it lies inside it.
            let start = (v.as_ptr() as usize).checked_sub(buf.as_ptr() as usize)?;
            let end = start + v.len();
            (end <= buf.len()).then(|| Raw::Shared(buf.clone(), start..end))
        });
        Ok(shared.unwrap_or_else(|| Raw::Owned(v.into())))
    }
    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Raw, E> {
        Ok(Raw::Owned(v.into()))
    }
    fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Raw, E> {
        Ok(Raw::Owned(v.into_boxed_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Body {
        html: String,
        n: Vec<u32>,
    }

    #[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
    struct Post {
        title: String,
        body: Lazy<Body>,
    }

    fn post(i: u32) -> Post {
        Post {
            title: format!("t{i}"),
            body: Lazy::new(Body {
                html: format!("<p>{i}</p>"),
                n: vec![i, i + 1],
            }),
        }
    }

    #[test]
    fn a_shared_decode_keeps_ranges_of_the_buffer_and_reencodes_them_unchanged() {
        let posts: Vec<Post> = (0..3).map(post).collect();
        let bytes = postcard::to_allocvec(&posts).unwrap();
        let buf = Arc::new(Buffer::Heap(bytes.clone()));
        let back: Vec<Post> = decode_shared(buf.clone()).unwrap();
        assert!(matches!(back[1].body.raw, Some(Raw::Shared(..))));
        assert!(back[1].body.value.get().is_none());
        // Saving without decoding gives the same bytes.
        assert_eq!(postcard::to_allocvec(&back).unwrap(), bytes);
        assert_eq!(back[2].body.get(), posts[2].body.get());
        assert_eq!(back[0].title, "t0");
        assert!(SOURCE.with(|s| s.borrow().is_none()));
    }

    #[test]
    fn an_updated_value_is_encoded_anew() {
        let bytes = postcard::to_allocvec(&post(7)).unwrap();
        let mut back: Post = postcard::from_bytes(&bytes).unwrap();
        assert!(matches!(back.body.raw, Some(Raw::Owned(_))));
        back.body.update(|b| b.html.push('!'));
        let again: Post = postcard::from_bytes(&postcard::to_allocvec(&back).unwrap()).unwrap();
        assert_eq!(again.body.get().html, "<p>7</p>!");
        assert_eq!(again.body.get().n, vec![7, 8]);
    }
}
