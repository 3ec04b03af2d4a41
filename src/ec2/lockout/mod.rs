//! Lockout: after too many failed authentications for one access key within a window,
//! refuse that key for a while, without verifying its requests.
//!
//! Follows Nova's Lockout: the window starts at the first failure; reaching `attempts`
//! failures locks the key for `lockout`; a successful request resets nothing. Unlike
//! Nova it counts the authentication layer's typed rejections ([`AuthRejected`]), not
//! HTTP statuses, answers a locked key with `AuthFailure`, and is exact under
//! concurrency, where Nova lets every request that arrives before the lock through.
//!
//! # Exact under concurrency
//!
//! Nova checks the count, verifies, then counts the failure: N requests that check
//! before any of them fails are all verified. Here a request must first **reserve** a
//! verification slot for its access key. The store keeps, per key, `in_flight` (slots
//! reserved, not yet settled) and `failures` (slots that became failures in the current
//! window), and grants a slot only while `in_flight + failures < attempts`. After the
//! answer the slot is settled: a success **releases** it (`in_flight - 1`), a failure
//! **converts** it (`in_flight - 1`, `failures + 1`, locking the key when `failures`
//! reaches `attempts`).
//!
//! - *Many bad requests at once.* Every granted bad request stays counted, first in
//!   `in_flight`, then in `failures`, so at most `attempts` of them are granted in one
//!   window. The others find the budget full: while some of it is still in flight they
//!   wait for a settlement (the in-flight ones may yet succeed and free their slots);
//!   once failures fill it the key is locked and they are refused unverified.
//! - *Lock and in-flight requests.* When `failures` reaches `attempts`,
//!   `in_flight + failures <= attempts` means nothing is in flight, so no request of a
//!   locked key is ever verified.
//! - *Correct requests.* A correct request for a key that is not locked is granted at
//!   once, or waits only while the budget is held by requests in flight; each of those
//!   either succeeds (freeing a slot) or fails (and the key locks, so the waiting
//!   request is refused: its key is now locked). It is never refused while the key is
//!   unlocked.
//! - *Cancelled requests.* A request dropped before it settles gives its slot back
//!   ([`LockoutStore::abandon`]): its client never saw an answer, so it learnt nothing.
//!   A request dropped while settling may leave its slot reserved; stores bound that
//!   leak in time (the memcached store by a lease). A leaked slot can only make
//!   requests wait, never let one more through.
//!
//! The middleware holds a slot from before the authentication layer until the answer.
//! Put [`LockoutRelease`] right after the authentication layer to release it as soon as
//! a request is authenticated, so slow actions do not hold slots.
//!
//! How each store makes the reservation atomic, and where it is less than exact, is in
//! its own docs: [`InMemoryLockoutStore`] (a mutex) and, with the `memcached` feature,
//! `MemcachedLockoutStore` (`add`, `incr` and `decr`).
//!
//! # When the store fails
//!
//! [`LockoutPolicy::on_store_error`] decides: [`StoreFailureMode::Open`] lets the
//! request through unreserved, [`StoreFailureMode::Closed`] answers `Unavailable`
//! (HTTP 503). Either way a warning is logged, without the access key.

mod memory;

#[cfg(feature = "memcached")]
mod memcached;

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use time::{Duration, OffsetDateTime};

use super::auth::{AuthRejected, access_key_of};
use super::error::{Ec2Error, ErrorCode};
use crate::core::{Application, BoxError, Clock, Middleware, Request, Response, SharedClock};

#[cfg(feature = "memcached")]
pub use memcached::MemcachedLockoutStore;
pub use memory::InMemoryLockoutStore;

/// When keys lock out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Failures within `window` that lock a key (default 5; 0 counts as 1).
    pub attempts: u32,
    /// The window the failures must fall in, from the first one (default 15 minutes).
    pub window: Duration,
    /// How long a key stays locked (default 15 minutes).
    pub lockout: Duration,
    /// What to do with a request when the store fails (default: let it through).
    pub on_store_error: StoreFailureMode,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy {
            attempts: 5,
            window: Duration::minutes(15),
            lockout: Duration::minutes(15),
            on_store_error: StoreFailureMode::Open,
        }
    }
}

impl LockoutPolicy {
    /// The number of failures that locks a key, at least 1.
    pub fn budget(&self) -> u32 {
        self.attempts.max(1)
    }
}

/// What the middleware does with a request when the lockout store fails or cannot
/// answer in time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StoreFailureMode {
    /// Let the request through without a reservation: the service stays up, and no key
    /// locks while the store is down.
    #[default]
    Open,
    /// Refuse the request with `Unavailable` (HTTP 503): no verification escapes the
    /// count, and the service is down while the store is.
    Closed,
}

/// A store's answer to a reservation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reservation {
    /// A verification slot is the caller's: it must settle it with
    /// [`LockoutStore::release`] or [`LockoutStore::record_failure`].
    Granted,
    /// The key is locked: the request must be refused without verification.
    Locked,
}

/// Why a lockout store could not answer.
#[derive(Debug)]
#[non_exhaustive]
pub enum LockoutStoreError {
    /// The store could not be reached, or the connection broke.
    Unreachable(std::io::Error),
    /// An operation did not finish within the store's timeout.
    TimedOut {
        /// The operation that timed out (`connect`, `get`, `incr`…).
        operation: &'static str,
    },
    /// The store answered something unexpected.
    Protocol(String),
    /// Requests in flight held the key's slots for longer than the store waits.
    Congested,
}

impl fmt::Display for LockoutStoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LockoutStoreError::Unreachable(error) => {
                write!(f, "lockout store unreachable: {error}")
            }
            LockoutStoreError::TimedOut { operation } => {
                write!(f, "lockout store timed out on {operation}")
            }
            LockoutStoreError::Protocol(answer) => {
                write!(f, "lockout store answered unexpectedly: {answer}")
            }
            LockoutStoreError::Congested => {
                f.write_str("lockout slots stayed reserved for longer than the store waits")
            }
        }
    }
}

impl std::error::Error for LockoutStoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LockoutStoreError::Unreachable(error) => Some(error),
            _ => None,
        }
    }
}

/// Where verification slots and failure counts live. In-process by default; a shared
/// store lets several API nodes lock a key out together.
///
/// A store must make [`reserve`](LockoutStore::reserve) atomic with respect to every
/// other call for the same access key, on every node sharing it: grant a slot only
/// while `in_flight + failures < attempts` (see the [module docs](self)).
#[async_trait]
pub trait LockoutStore: Send + Sync + 'static {
    /// Reserves a verification slot for `access_key`. Waits while the budget is held by
    /// requests in flight; answers [`Reservation::Locked`] when failures fill it or the
    /// key is locked.
    async fn reserve(
        &self,
        access_key: &str,
        clock: &dyn Clock,
        policy: &LockoutPolicy,
    ) -> Result<Reservation, LockoutStoreError>;

    /// Gives back a granted slot: the request was not a failed authentication.
    async fn release(
        &self,
        access_key: &str,
        now: OffsetDateTime,
        policy: &LockoutPolicy,
    ) -> Result<(), LockoutStoreError>;

    /// Turns a granted slot into a failure at `now`, locking the key when failures reach
    /// the policy's attempts.
    async fn record_failure(
        &self,
        access_key: &str,
        now: OffsetDateTime,
        policy: &LockoutPolicy,
    ) -> Result<(), LockoutStoreError>;

    /// Gives back a granted slot whose request was dropped before it settled. Must not
    /// block: a store that needs I/O may do it in the background, or leave the slot to
    /// expire.
    fn abandon(&self, access_key: &str, policy: &LockoutPolicy);
}

/// The lockout middleware. It sits outside the authentication layer.
pub struct Lockout {
    store: Arc<dyn LockoutStore>,
    clock: SharedClock,
    policy: LockoutPolicy,
}

impl fmt::Debug for Lockout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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

    /// The error a request gets when the store fails and the policy fails closed.
    pub fn unavailable_error() -> Ec2Error {
        Ec2Error::new(
            ErrorCode::Unavailable,
            "Authentication is temporarily unavailable. Try again later.",
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

        let reserved = self
            .store
            .reserve(&access_key, &*self.clock, &self.policy)
            .await;
        match reserved {
            Ok(Reservation::Granted) => {}
            Ok(Reservation::Locked) => {
                tracing::info!(target: "cumulo::ec2::lockout", "refused a locked access key");
                return Err(Lockout::locked_error().into());
            }
            Err(error) => {
                return match self.policy.on_store_error {
                    StoreFailureMode::Open => {
                        tracing::warn!(
                            target: "cumulo::ec2::lockout",
                            %error,
                            "lockout store failed: letting the request through unreserved"
                        );
                        next.call(request).await
                    }
                    StoreFailureMode::Closed => {
                        tracing::warn!(
                            target: "cumulo::ec2::lockout",
                            %error,
                            "lockout store failed: refusing the request"
                        );
                        Err(Lockout::unavailable_error().into())
                    }
                };
            }
        }

        let slot = Arc::new(Slot {
            store: self.store.clone(),
            clock: self.clock.clone(),
            access_key,
            policy: self.policy,
            settled: AtomicBool::new(false),
        });
        request.extensions_mut().insert(PendingSlot(slot.clone()));
        let result = next.call(request).await;
        let rejected = matches!(&result, Err(error) if error.is::<AuthRejected>());
        slot.settle(rejected).await;
        result
    }
}

/// Releases the request's lockout slot once the request gets this far: put it right
/// after the authentication layer, so that a request holds its slot only while it is
/// verified, not while a slow action runs.
///
/// Without it, [`Lockout`] settles the slot when the whole chain has answered.
#[derive(Clone, Copy, Debug, Default)]
pub struct LockoutRelease;

#[async_trait]
impl Middleware for LockoutRelease {
    async fn handle(
        &self,
        mut request: Request,
        next: &dyn Application,
    ) -> Result<Response, BoxError> {
        if let Some(PendingSlot(slot)) = request.extensions_mut().remove::<PendingSlot>() {
            slot.settle(false).await;
        }
        next.call(request).await
    }
}

/// A granted reservation, settled once: by [`LockoutRelease`], by [`Lockout`] after the
/// answer, or, if neither ran, abandoned when the last handle on it drops.
struct Slot {
    store: Arc<dyn LockoutStore>,
    clock: SharedClock,
    access_key: String,
    policy: LockoutPolicy,
    settled: AtomicBool,
}

impl Slot {
    async fn settle(&self, rejected: bool) {
        // Marked first: if this future is dropped mid-way, the slot leaks (the safe
        // direction) rather than being given back twice.
        if self.settled.swap(true, Ordering::AcqRel) {
            return;
        }
        let now = self.clock.now();
        let settled = if rejected {
            self.store
                .record_failure(&self.access_key, now, &self.policy)
                .await
        } else {
            self.store
                .release(&self.access_key, now, &self.policy)
                .await
        };
        if let Err(error) = settled {
            tracing::warn!(
                target: "cumulo::ec2::lockout",
                %error,
                rejected,
                "lockout store failed to settle a reservation"
            );
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if !*self.settled.get_mut() {
            self.store.abandon(&self.access_key, &self.policy);
        }
    }
}

/// The request's pending slot, carried in its extensions for [`LockoutRelease`].
#[derive(Clone)]
struct PendingSlot(Arc<Slot>);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Body, ManualClock, Pipeline, from_fn};
    use std::sync::atomic::AtomicUsize;
    use time::macros::datetime;

    const LOCKED: &str = "AuthFailure: This access key is temporarily locked after too many \
                          failed authentications.";

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

    impl Fixture {
        fn verified(&self) -> usize {
            self.verified.load(Ordering::SeqCst)
        }

        async fn answer(&self, access_key: &str) -> String {
            match self.app.call(signed_by(access_key)).await {
                Ok(_) => "ok".into(),
                Err(error) => error.to_string(),
            }
        }
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
                let Some(access_key) = access_key_of(&mut request) else {
                    return Err(Ec2Error::new(ErrorCode::AuthFailure, "unsigned").into());
                };
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

    #[tokio::test]
    async fn five_failures_lock_the_key_for_fifteen_minutes() {
        let fixture = fixture();
        for _ in 0..5 {
            assert_eq!(fixture.answer("bad").await, "AuthFailure: no");
        }
        assert_eq!(fixture.verified(), 5);

        assert_eq!(fixture.answer("bad").await, LOCKED);
        assert_eq!(fixture.verified(), 5, "a locked key is not verified");
        assert_eq!(fixture.answer("good").await, "ok");

        fixture
            .clock
            .advance(Duration::minutes(15) - Duration::seconds(1));
        assert_eq!(fixture.answer("bad").await, LOCKED);
        fixture.clock.advance(Duration::seconds(1));
        assert_eq!(fixture.answer("bad").await, "AuthFailure: no");
        assert_eq!(fixture.verified(), 7);
    }

    #[tokio::test]
    async fn the_window_starts_at_the_first_failure() {
        let fixture = fixture();
        fixture.clock.advance(Duration::minutes(10));
        assert_eq!(fixture.answer("good").await, "ok");
        for _ in 0..4 {
            assert_eq!(fixture.answer("bad").await, "AuthFailure: no");
        }

        fixture
            .clock
            .advance(Duration::minutes(15) - Duration::seconds(1));
        assert_eq!(fixture.answer("bad").await, "AuthFailure: no");
        assert_eq!(fixture.answer("bad").await, LOCKED);
    }

    #[tokio::test]
    async fn failures_outside_the_window_do_not_add_up() {
        let fixture = fixture();
        for _ in 0..4 {
            assert_eq!(fixture.answer("bad").await, "AuthFailure: no");
        }
        fixture.clock.advance(Duration::minutes(15));
        for _ in 0..4 {
            assert_eq!(fixture.answer("bad").await, "AuthFailure: no");
        }
        assert_eq!(fixture.answer("bad").await, "AuthFailure: no");
        assert_eq!(fixture.answer("bad").await, LOCKED);
        assert_eq!(fixture.verified(), 9);
    }

    #[tokio::test]
    async fn a_success_resets_neither_the_count_nor_a_lock() {
        let clock = Arc::new(ManualClock::new(datetime!(2026-03-01 12:00:00 UTC)));
        let verified = Arc::new(AtomicUsize::new(0));
        let counter = verified.clone();
        // The same access key, failing or passing by the signature it carries.
        let auth = from_fn(move |request: Request| {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                if request
                    .uri()
                    .query()
                    .unwrap_or("")
                    .contains("Signature=wrong")
                {
                    Err(
                        AuthRejected::new("AKID", Ec2Error::new(ErrorCode::AuthFailure, "no"))
                            .into(),
                    )
                } else {
                    Ok(Response::new(Body::from("ok")))
                }
            }
        });
        let app = Pipeline::new()
            .with(Lockout::new(
                Arc::new(InMemoryLockoutStore::default()),
                clock.clone(),
                LockoutPolicy::default(),
            ))
            .app(auth);
        let call = |signature: &'static str| {
            let app = app.clone();
            async move {
                let request = http::Request::builder()
                    .uri(format!("/?AWSAccessKeyId=AKID&Signature={signature}"))
                    .body(Body::empty())
                    .unwrap();
                match app.call(request).await {
                    Ok(_) => "ok".to_owned(),
                    Err(error) => error.to_string(),
                }
            }
        };

        for _ in 0..4 {
            assert_eq!(call("wrong").await, "AuthFailure: no");
        }
        assert_eq!(call("right").await, "ok");
        assert_eq!(call("wrong").await, "AuthFailure: no");
        assert_eq!(
            call("right").await,
            LOCKED,
            "a correct request of a locked key"
        );
        assert_eq!(verified.load(Ordering::SeqCst), 6);
    }

    #[tokio::test]
    async fn requests_without_an_access_key_pass_through_uncounted() {
        let fixture = fixture();
        let request = http::Request::builder()
            .uri("/?Action=DescribeRegions")
            .body(Body::empty())
            .unwrap();
        let answer = fixture.app.call(request).await.unwrap_err();
        assert_eq!(answer.to_string(), "AuthFailure: unsigned");
        assert_eq!(fixture.verified(), 1);
    }

    #[tokio::test]
    async fn a_dropped_request_gives_its_slot_back() {
        let store = Arc::new(InMemoryLockoutStore::default());
        let clock = Arc::new(ManualClock::new(datetime!(2026-03-01 12:00:00 UTC)));
        let hangs = from_fn(|_request: Request| std::future::pending());
        let app = Pipeline::new()
            .with(Lockout::new(store.clone(), clock, LockoutPolicy::default()))
            .app(hangs);
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        for _ in 0..10 {
            let mut call = app.call(signed_by("AKID"));
            assert!(call.as_mut().poll(&mut context).is_pending());
            drop(call);
        }
        assert!(store.is_empty());
    }

    #[tokio::test]
    async fn lockout_release_frees_the_slot_before_the_action_runs() {
        let store = Arc::new(InMemoryLockoutStore::default());
        let clock = Arc::new(ManualClock::new(datetime!(2026-03-01 12:00:00 UTC)));
        let seen = Arc::new(std::sync::Mutex::new(None));
        let observed = seen.clone();
        let observer = store.clone();
        let action = from_fn(move |_request: Request| {
            *observed.lock().unwrap() = Some(observer.len());
            async { Ok(Response::new(Body::from("ok"))) }
        });
        let app = Pipeline::new()
            .with(Lockout::new(store.clone(), clock, LockoutPolicy::default()))
            .with(LockoutRelease)
            .app(action);
        assert!(app.call(signed_by("AKID")).await.is_ok());
        assert_eq!(
            *seen.lock().unwrap(),
            Some(0),
            "no slot held during the action"
        );
        assert!(store.is_empty());
    }
}
