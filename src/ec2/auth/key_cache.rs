//! A small cache of SigV4 signing keys.
//!
//! A signing key depends only on the secret and the credential scope (date, region,
//! service), so a client signing many requests in a day uses one key: deriving it takes
//! four HMACs, checking a signature with it one. The cache is direct-mapped: a fixed
//! number of slots, each behind its own lock, so memory stays bounded and requests for
//! different keys rarely meet on a lock.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Mutex;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// How many signing keys are kept at most.
const SLOTS: usize = 256;

struct Slot {
    access_key: Box<str>,
    scope: [Box<str>; 3],
    secret: Zeroizing<Vec<u8>>,
    key: Zeroizing<[u8; 32]>,
}

/// Signing keys by access key, secret and credential scope, wiped when replaced.
pub(crate) struct SigningKeyCache {
    hasher: RandomState,
    slots: Box<[Mutex<Option<Slot>>]>,
}

impl std::fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKeyCache")
            .field("slots", &self.slots.len())
            .finish_non_exhaustive()
    }
}

impl Default for SigningKeyCache {
    fn default() -> Self {
        SigningKeyCache {
            hasher: RandomState::new(),
            slots: (0..SLOTS).map(|_| Mutex::new(None)).collect(),
        }
    }
}

impl SigningKeyCache {
    /// The signing key of `secret` for `scope` (date, region, service), derived with
    /// `derive` unless a slot already holds it. The secret is part of the match, so a
    /// rotated secret never meets an old key.
    pub(crate) fn get(
        &self,
        access_key: &str,
        secret: &[u8],
        scope: [&str; 3],
        derive: impl FnOnce() -> Zeroizing<[u8; 32]>,
    ) -> Zeroizing<[u8; 32]> {
        let mut hasher = self.hasher.build_hasher();
        access_key.hash(&mut hasher);
        scope.hash(&mut hasher);
        // The modulo keeps the index below SLOTS, so it fits in usize.
        let index = (hasher.finish() % SLOTS as u64) as usize;
        let mut slot = self.slots[index]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(held) = slot.as_ref()
            && &*held.access_key == access_key
            && held.scope.iter().map(|part| &**part).eq(scope)
            && bool::from(held.secret.as_slice().ct_eq(secret))
        {
            return held.key.clone();
        }
        let key = derive();
        *slot = Some(Slot {
            access_key: access_key.into(),
            scope: scope.map(Box::from),
            secret: Zeroizing::new(secret.to_vec()),
            key: key.clone(),
        });
        key
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    fn key(byte: u8) -> Zeroizing<[u8; 32]> {
        Zeroizing::new([byte; 32])
    }

    #[test]
    fn a_key_is_derived_once_per_secret_and_scope() {
        let cache = SigningKeyCache::default();
        let derived = Cell::new(0);
        let get = |access_key: &str, secret: &[u8], date: &str, byte: u8| {
            let scope = [date, "us-east-1", "ec2"];
            *cache.get(access_key, secret, scope, || {
                derived.set(derived.get() + 1);
                key(byte)
            })
        };
        assert_eq!(get("AKID", b"s1", "20260101", 1), [1; 32]);
        assert_eq!(get("AKID", b"s1", "20260101", 2), [1; 32]);
        assert_eq!(derived.get(), 1);
        // Another day, another secret or another key: derived afresh.
        assert_eq!(get("AKID", b"s1", "20260102", 3), [3; 32]);
        assert_eq!(get("AKID", b"s2", "20260102", 4), [4; 32]);
        assert_eq!(get("AKID2", b"s2", "20260102", 5), [5; 32]);
        assert_eq!(derived.get(), 4);
        assert_eq!(get("AKID2", b"s2", "20260102", 6), [5; 32]);
        assert_eq!(derived.get(), 4);
    }
}
