//! Fingerprints: fast 64-bit hashes that decide whether something changed between two runs,
//! in one process (`serve`) or across processes (the build cache, which is only used by the
//! same binary). Fixed seeds, so equal inputs always give equal fingerprints.

use std::hash::{BuildHasher, Hash};

/// A hash map with a fast hasher, for the maps rebuilt on every build (their keys are the
/// site's own names and paths, not input an attacker chooses to collide). foldhash: ahash
/// runs its fallback (no AES) in a build for any x86-64, which was slower on our short keys.
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// The set form of [`FastMap`].
pub type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// Fixed, so equal inputs give equal fingerprints in every process of this binary (foldhash
/// promises nothing across its versions, nor need we: a cache from another binary is not
/// used). Its quality variant: a fingerprint stands for its input's identity.
const STATE: foldhash::quality::FixedState =
    foldhash::quality::FixedState::with_seed(0x7368_6f77_7072_6573);

/// The fingerprint of any hashable value (use a tuple for several).
pub fn of<T: Hash + ?Sized>(value: &T) -> u64 {
    STATE.hash_one(value)
}

/// The fingerprint of a file's bytes (large: whole pages and static files). XXH3, which is
/// several times faster than [`of`] on long inputs on any x86-64 CPU.
pub fn of_bytes(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn equal_inputs_equal_fingerprints() {
        assert_eq!(super::of("딥시크"), super::of("딥시크"));
        assert_ne!(super::of(&("a", 1)), super::of(&("a", 2)));
    }
}
