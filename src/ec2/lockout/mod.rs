//! Lockout: after too many failed authentications for one access key within a window,
//! refuse that key for a while, without verifying its requests.
//!
//! Follows Nova's Lockout: the window starts at the first failure; reaching `attempts`
//! failures locks the key for `lockout`; a successful request resets nothing. Unlike
//! Nova it counts the authentication layer's typed rejections ([`AuthRejected`]), not
//! HTTP statuses, and answers a locked key with `AuthFailure`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use time::{Duration, OffsetDateTime};

use super::auth::{AuthRejected, access_key_of};
use super::error::{Ec2Error, ErrorCode};
use crate::core::{Application, BoxError, Middleware, Request, Response, SharedClock};

/// When keys lock out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Failures within `window` that lock a key (default 5).
    pub attempts: u32,
    /// The window the failures must fall in, from the first one (default 15 minutes).
    pub window: Duration,
    /// How long a key stays locked (default 15 minutes).
    pub lockout: Duration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy {
            attempts: 5,
            window: Duration::minutes(15),
            lockout: Duration::minutes(15),
        }
    }
}

/// Where failure counts live. In-process by default; a shared store lets several API
/// nodes lock a key out together.
#[async_trait]
pub trait LockoutStore: Send + Sync + 'static {
    /// Whether `access_key` is locked at `now`.
    async fn is_locked(
        &self,
        access_key: &str,
        now: OffsetDateTime,
        policy: &LockoutPolicy,
    ) -> bool;

    /// Records one failed authentication of `access_key` at `now`.
    async fn record_failure(&self, access_key: &str, now: OffsetDateTime, policy: &LockoutPolicy);
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    failures: u32,
    window_start: OffsetDateTime,
    locked_until: Option<OffsetDateTime>,
}

impl Entry {
    fn expired(&self, now: OffsetDateTime, policy: &LockoutPolicy) -> bool {
        match self.locked_until {
            Some(until) => now >= until,
            None => now >= self.window_start + policy.window,
        }
    }
}

/// An in-process [`LockoutStore`], bounded in memory: when it holds `max_keys` keys it
/// drops expired entries, then, if still full, the oldest windows.
#[derive(Debug)]
pub struct InMemoryLockoutStore {
    entries: Mutex<HashMap<String, Entry>>,
    max_keys: usize,
}

impl Default for InMemoryLockoutStore {
    fn default() -> Self {
        InMemoryLockoutStore::with_capacity(100_000)
    }
}

impl InMemoryLockoutStore {
    /// A store that tracks at most `max_keys` access keys at once.
    pub fn with_capacity(max_keys: usize) -> Self {
        InMemoryLockoutStore {
            entries: Mutex::new(HashMap::new()),
            max_keys: max_keys.max(1),
        }
    }

    /// Number of access keys tracked now.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no access key is tracked.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl LockoutStore for InMemoryLockoutStore {
    async fn is_locked(
        &self,
        access_key: &str,
        now: OffsetDateTime,
        _policy: &LockoutPolicy,
    ) -> bool {
        let entries = self.lock();
        entries
            .get(access_key)
            .and_then(|entry| entry.locked_until)
            .is_some_and(|until| now < until)
    }

    async fn record_failure(&self, access_key: &str, now: OffsetDateTime, policy: &LockoutPolicy) {
        let mut entries = self.lock();
        if !entries.contains_key(access_key) && entries.len() >= self.max_keys {
            entries.retain(|_, entry| !entry.expired(now, policy));
            if entries.len() >= self.max_keys {
                let oldest = entries
                    .iter()
                    .filter(|(_, entry)| entry.locked_until.is_none())
                    .min_by_key(|(_, entry)| entry.window_start)
                    .or_else(|| entries.iter().min_by_key(|(_, entry)| entry.window_start))
                    .map(|(key, _)| key.clone());
                if let Some(oldest) = oldest {
                    entries.remove(&oldest);
                }
            }
        }
        let entry = entries.entry(access_key.to_owned()).or_insert(Entry {
            failures: 0,
            window_start: now,
            locked_until: None,
        });
        if entry.expired(now, policy) {
            *entry = Entry {
                failures: 0,
                window_start: now,
                locked_until: None,
            };
        }
        if entry.locked_until.is_some() {
            return;
        }
        entry.failures += 1;
        if entry.failures >= policy.attempts {
            entry.locked_until = Some(now + policy.lockout);
        }
    }
}

/// The lockout middleware. It sits outside the authentication layer.
pub struct Lockout {
    store: Arc<dyn LockoutStore>,
    clock: SharedClock,
    policy: LockoutPolicy,
}

impl std::fmt::Debug for Lockout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lockout")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl Lockout {
    /// A lockout over `store`, reading time from `clock`.
    pub fn new(store: Arc<dyn LockoutStore>, clock: SharedClock, policy: LockoutPolicy) -> Self {
        Lockout {
            store,
            clock,
            policy,
        }
    }

    /// The error a locked key gets.
    pub fn locked_error() -> Ec2Error {
        Ec2Error::new(
            ErrorCode::AuthFailure,
            "This access key is temporarily locked after too many failed authentications.",
        )
    }
}

#[async_trait]
impl Middleware for Lockout {
    async fn handle(
        &self,
        mut request: Request,
        next: &dyn Application,
    ) -> Result<Response, BoxError> {
        let Some(access_key) = access_key_of(&mut request) else {
            return next.call(request).await;
        };
        if self
            .store
            .is_locked(&access_key, self.clock.now(), &self.policy)
            .await
        {
            tracing::info!(target: "cumulo::ec2::lockout", "refused a locked access key");
            return Err(Lockout::locked_error().into());
        }
        let result = next.call(request).await;
        if let Err(error) = &result
            && let Some(rejected) = error.downcast_ref::<AuthRejected>()
        {
            let now = self.clock.now();
            self.store
                .record_failure(&rejected.access_key, now, &self.policy)
                .await;
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Body, ManualClock, Pipeline, from_fn};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use time::macros::datetime;

    fn signed_by(access_key: &str) -> Request {
        http::Request::builder()
            .uri(format!(
                "/?Action=DescribeRegions&AWSAccessKeyId={access_key}"
            ))
            .body(Body::empty())
            .unwrap()
    }

    struct Fixture {
        clock: Arc<ManualClock>,
        verified: Arc<AtomicUsize>,
        app: Arc<dyn Application>,
    }

    /// A chain whose authentication rejects the access key `bad` and counts every
    /// request it verifies.
    fn fixture() -> Fixture {
        let clock = Arc::new(ManualClock::new(datetime!(2026-03-01 12:00:00 UTC)));
        let verified = Arc::new(AtomicUsize::new(0));
        let counter = verified.clone();
        let auth = from_fn(move |mut request: Request| {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                let access_key = access_key_of(&mut request).unwrap();
                if access_key == "bad" {
                    Err(
                        AuthRejected::new(access_key, Ec2Error::new(ErrorCode::AuthFailure, "no"))
                            .into(),
                    )
                } else {
                    Ok(Response::new(Body::from("ok")))
                }
            }
        });
        let store = Arc::new(InMemoryLockoutStore::default());
        let app = Pipeline::new()
            .with(Lockout::new(store, clock.clone(), LockoutPolicy::default()))
            .app(auth);
        Fixture {
            clock,
            verified,
            app,
        }
    }

    fn message(result: Result<Response, BoxError>) -> String {
        match result {
            Ok(_) => "ok".into(),
            Err(error) => error.to_string(),
        }
    }

    #[tokio::test]
    async fn five_failures_lock_the_key_for_fifteen_minutes() {
        let fixture = fixture();
        for _ in 0..5 {
            assert_eq!(
                message(fixture.app.call(signed_by("bad")).await),
                "AuthFailure: no"
            );
        }
        assert_eq!(fixture.verified.load(Ordering::SeqCst), 5);
        let locked = message(fixture.app.call(signed_by("bad")).await);
        assert_eq!(
            locked,
            "AuthFailure: This access key is temporarily locked after too many failed \
             authentications."
        );
        assert_eq!(
            fixture.verified.load(Ordering::SeqCst),
            5,
            "a locked key is not verified"
        );
        assert_eq!(message(fixture.app.call(signed_by("good")).await), "ok");

        fixture.clock.advance(Duration::minutes(15));
        assert_eq!(
            message(fixture.app.call(signed_by("bad")).await),
            "AuthFailure: no"
        );
        assert_eq!(fixture.verified.load(Ordering::SeqCst), 7);
    }

    #[tokio::test]
    async fn the_window_starts_at_the_first_failure() {
        let fixture = fixture();
        for _ in 0..4 {
            let _ = fixture.app.call(signed_by("bad")).await;
        }
        fixture.clock.advance(Duration::minutes(15));
        let _ = fixture.app.call(signed_by("bad")).await;
        assert_eq!(
            message(fixture.app.call(signed_by("bad")).await),
            "AuthFailure: no"
        );
    }

    #[tokio::test]
    async fn store_stays_bounded_under_a_flood_of_keys() {
        let store = InMemoryLockoutStore::with_capacity(100);
        let now = datetime!(2026-03-01 12:00:00 UTC);
        let policy = LockoutPolicy::default();
        for n in 0..10_000 {
            store
                .record_failure(&format!("key-{n}"), now, &policy)
                .await;
        }
        assert_eq!(store.len(), 100);
    }
}
