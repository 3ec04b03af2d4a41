//! The request context: who is asking, for which project, from where.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Who is making a request, as an authentication layer established it (Nova's
/// `RequestContext`). It travels in the request's `http::Extensions`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    /// The request id, `req-` followed by a UUID.
    pub request_id: RequestId,
    /// The user the credential belongs to.
    pub user_id: String,
    /// The project (tenant) whose resources the request may see and change.
    pub project_id: String,
    /// The user's roles in that project.
    pub roles: Vec<String>,
    /// Whether the user is an administrator. Administrators pass role checks but still
    /// act within their own project.
    pub is_admin: bool,
    /// The client's address, when the adapter knows it.
    pub remote_addr: Option<SocketAddr>,
    /// The region the request addressed, when the protocol names one.
    pub region: Option<String>,
}

impl Context {
    /// Whether the context holds `role` (case-insensitive).
    pub fn has_role(&self, role: &str) -> bool {
        self.roles
            .iter()
            .any(|held| held.eq_ignore_ascii_case(role))
    }
}

/// Request extension set by adapters: the peer's socket address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RemoteAddr(pub SocketAddr);

/// Request extension holding the request id, set by the outermost layer that needs one.
///
/// Clones share one string, so every layer that keeps the id pays a reference count.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RequestId(Arc<str>);

impl Default for RequestId {
    fn default() -> Self {
        RequestId(Arc::from(""))
    }
}

impl From<String> for RequestId {
    fn from(id: String) -> Self {
        RequestId(id.into())
    }
}

impl From<&str> for RequestId {
    fn from(id: &str) -> Self {
        RequestId(id.into())
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl RequestId {
    /// A fresh id: `req-` and a random (version 4 layout) UUID.
    ///
    /// Request ids need to be unique, not secret: they mix a per-process random seed
    /// with a counter.
    pub fn generate() -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        static SEED: std::sync::OnceLock<(u64, u64)> = std::sync::OnceLock::new();
        let (high_seed, low_seed) = *SEED.get_or_init(|| {
            use std::hash::{BuildHasher, Hasher};
            let state = std::collections::hash_map::RandomState::new();
            let mut first = state.build_hasher();
            first.write_u64(1);
            let mut second = state.build_hasher();
            second.write_u64(2);
            (first.finish(), second.finish())
        });
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let high = high_seed ^ count.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let low = low_seed.wrapping_add(count);
        let high = (high & 0xffff_ffff_ffff_0fff) | 0x4000;
        let low = (low & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
        let mut id = String::with_capacity(40);
        id.push_str("req-");
        push_hex(&mut id, high >> 32, 8);
        id.push('-');
        push_hex(&mut id, (high >> 16) & 0xffff, 4);
        id.push('-');
        push_hex(&mut id, high & 0xffff, 4);
        id.push('-');
        push_hex(&mut id, low >> 48, 4);
        id.push('-');
        push_hex(&mut id, low & 0xffff_ffff_ffff, 12);
        RequestId(id.into())
    }

    /// The whole id.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id without its `req-` prefix, as AWS shows request ids.
    pub fn uuid(&self) -> &str {
        self.0.strip_prefix("req-").unwrap_or(&self.0)
    }
}

/// Appends the `digits` low hex digits of `value`, zero-padded.
fn push_hex(out: &mut String, value: u64, digits: u32) {
    for position in (0..digits).rev() {
        let nibble = (value >> (position * 4)) & 0xf;
        out.push(char::from(b"0123456789abcdef"[nibble as usize]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_request_ids_are_unique_uuid_v4_layouts() {
        let first = RequestId::generate();
        let second = RequestId::generate();
        assert_ne!(first, second);
        assert_eq!(first.as_str().len(), 40);
        let uuid = first.uuid();
        let groups: Vec<&str> = uuid.split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(groups[2].starts_with('4'));
        assert!(matches!(&groups[3][..1], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn roles_match_without_case() {
        let context = Context {
            roles: vec!["Member".into()],
            ..Context::default()
        };
        assert!(context.has_role("member"));
        assert!(!context.has_role("admin"));
    }
}
