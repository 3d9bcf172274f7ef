//! Fingerprints: fast 64-bit hashes that decide whether something changed between two runs,
//! in one process (`serve`) or across processes (the build cache, which is only used by the
//! same binary). Fixed seeds, so equal inputs always give equal fingerprints.

use std::hash::Hash;

/// A hash map with a fast hasher, for the maps rebuilt on every build (their keys are the
/// site's own names and paths, not input an attacker chooses to collide).
pub type FastMap<K, V> = std::collections::HashMap<K, V, ahash::RandomState>;
/// The set form of [`FastMap`].
pub type FastSet<K> = std::collections::HashSet<K, ahash::RandomState>;

const STATE: ahash::RandomState = ahash::RandomState::with_seeds(
    0x7368_6f77_7072_6573,
    0x7320_6669_6e67_6572,
    0x7072_696e_7473_2121,
    0x2d2d_2d2d_2d2d_2d2d,
);

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
