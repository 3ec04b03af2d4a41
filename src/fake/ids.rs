//! Resource ids: random ones for what clients create, derived ones for what the fake
//! ships (catalog images, default VPCs, subnets, security groups), and account ids.

use sha2::{Digest, Sha256};

/// `prefix` and 17 random lowercase hex digits, as AWS's long ids look (`i-0123…`).
pub(crate) fn random_id(prefix: &str) -> String {
    let mut bytes = [0u8; 9];
    if getrandom::fill(&mut bytes).is_err() {
        // The system generator failing is not worth failing a fake call: fall back to
        // the hasher's per-process random keys mixed with a counter.
        fallback_fill(&mut bytes);
    }
    with_hex(prefix, &bytes)
}

/// `prefix` and 17 hex digits derived from `seed`: the same seed gives the same id on
/// every run.
pub(crate) fn derived_id(prefix: &str, seed: &str) -> String {
    let digest = Sha256::digest(seed.as_bytes());
    with_hex(prefix, &digest[..9])
}

/// Random bytes for addresses (public IPs, MAC addresses).
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if getrandom::fill(&mut bytes).is_err() {
        fallback_fill(&mut bytes);
    }
    bytes
}

/// A random UUID in the version 4 layout (`0e44…-…-4…-…-…`), as Nova's server ids look.
pub(crate) fn random_uuid() -> String {
    let mut bytes = random_bytes::<16>();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

fn with_hex(prefix: &str, bytes: &[u8]) -> String {
    let mut id = String::with_capacity(prefix.len() + 17);
    id.push_str(prefix);
    id.push_str(&hex::encode(bytes)[..17]);
    id
}

fn fallback_fill(bytes: &mut [u8]) {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let state = std::collections::hash_map::RandomState::new();
    for chunk in bytes.chunks_mut(8) {
        let mut hasher = state.build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        let value = hasher.finish().to_le_bytes();
        chunk.copy_from_slice(&value[..chunk.len()]);
    }
}

/// The 12-digit account id of a project without a configured one: the first eight bytes
/// of SHA-256 of `cumulo-account:{project}`, as a big-endian number, modulo 10¹², written
/// with leading zeros. Stable across runs and machines.
pub(crate) fn derived_account_id(project: &str) -> String {
    let digest = Sha256::digest(format!("cumulo-account:{project}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    format!("{:012}", u64::from_be_bytes(first) % 1_000_000_000_000)
}

/// Whether `id` is `prefix` followed by 8 or 17 lowercase hex digits.
pub(crate) fn is_well_formed(id: &str, prefix: &str) -> bool {
    match id.strip_prefix(prefix) {
        Some(rest) => {
            matches!(rest.len(), 8 | 17)
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_ids_have_seventeen_hex_digits_and_differ() {
        let first = random_id("i-");
        let second = random_id("i-");
        assert_eq!(first.len(), 19);
        assert!(is_well_formed(&first, "i-"));
        assert_ne!(first, second);
    }

    #[test]
    fn uuids_have_the_version_four_layout_and_differ() {
        let uuid = random_uuid();
        assert_eq!(uuid.len(), 36);
        assert_eq!(uuid.as_bytes()[14], b'4');
        assert!(matches!(uuid.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
        assert_eq!(uuid.matches('-').count(), 4);
        assert_ne!(uuid, random_uuid());
    }

    #[test]
    fn derived_ids_are_stable() {
        assert_eq!(derived_id("ami-", "x"), derived_id("ami-", "x"));
        assert_ne!(derived_id("ami-", "x"), derived_id("ami-", "y"));
        assert!(is_well_formed(&derived_id("vpc-", "x"), "vpc-"));
    }

    #[test]
    fn derived_account_ids_have_twelve_digits_and_are_stable() {
        let account = derived_account_id("other");
        assert_eq!(account.len(), 12);
        assert!(account.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(account, derived_account_id("other"));
        assert_ne!(account, derived_account_id("paging"));
    }
}
