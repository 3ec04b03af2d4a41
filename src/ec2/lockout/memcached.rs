//! A memcached lockout store, so that several API nodes lock a key out together.

use std::io::{self, ErrorKind};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use memcache_async::ascii::Protocol;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use tokio::net::TcpStream;

use super::{LockoutPolicy, LockoutStore, LockoutStoreError, Reservation};
use crate::core::Clock;

/// memcached reads an expiry above 30 days as a Unix timestamp.
const MAX_RELATIVE_EXPIRY: u64 = 30 * 24 * 60 * 60;

/// The longest pause between two looks at a key whose slots are all taken.
const MAX_POLL_INTERVAL: Duration = Duration::from_millis(20);

/// Idle connections kept for reuse.
const MAX_IDLE_CONNECTIONS: usize = 32;

/// A [`LockoutStore`] in memcached, shared by every API node that points at the same
/// server.
///
/// For each access key it keeps two counters, both created with `add` and a TTL, then
/// changed with `incr` and `decr`, which memcached applies atomically:
///
/// - `lockout:<hex>` — failures in the current window, where `<hex>` is the lowercase
///   hex SHA-256 of the access key (access keys come from clients, at any length and
///   with any bytes). Created at the first failure with the window as TTL; when a
///   failure brings it to the policy's attempts it is set again with the lockout as
///   TTL, so the key stays locked for `lockout` from that failure (as Nova does).
/// - `lockout:<hex>:in-flight` — slots reserved and not yet settled, with a lease as
///   TTL (default 60 seconds) so that slots of a crashed node come back.
///
/// # Reservation
///
/// 1. Read both counters (one `get`); if failures fill the budget the key is locked; if
///    the budget is held by requests in flight, wait (step 4) without touching them.
/// 2. `incr in-flight`: the reserved count, this request included.
/// 3. Read `failures` again. If `in-flight + failures` is within the budget, the slot
///    is granted; otherwise `decr in-flight`, and the key is locked if failures fill
///    the budget.
/// 4. Otherwise pause (2 ms, doubling up to 20 ms, with jitter so that waiting requests
///    do not retry in step) and start again, for at most `max_wait`.
///
/// A failure is settled as `incr failures` *then* `decr in-flight`; a success as
/// `decr in-flight`. Take the granted bad request whose `incr in-flight` came last:
/// every other granted bad request either had not settled yet (it is in `in-flight`)
/// or had done its `incr failures` before its `decr in-flight`, so before this `incr`
/// and before step 3's read (it is in `failures`). Both counts include them, so at most
/// `attempts` bad requests are granted in one window, across all nodes. Requests
/// refused in step 3 add to `in-flight` only until their `decr`, which can make others
/// wait a pause, never pass; step 1 keeps waiting requests from doing so all the time.
///
/// Every operation has a timeout (200 ms by default, and as much to connect), and a
/// request polls for a slot for at most `max_wait` (1 second by default); past either
/// the store answers an error, and the policy's
/// [`on_store_error`](super::LockoutPolicy::on_store_error) decides.
///
/// # Limitations
///
/// - Windows and locks run on memcached's clock, in whole seconds (rounded up, at most
///   30 days): the injected [`Clock`] does not move them.
/// - The counters expire on their own: a request in flight when `in-flight` expires
///   (its lease is counted from its creation, not renewed) or when the window ends is
///   no longer counted, so at those instants a few more requests than `attempts` may be
///   verified. Within a window the count is exact.
/// - While memcached is unreachable, each request spends up to a connect timeout
///   finding out: there is no circuit breaker.
#[derive(Clone)]
pub struct MemcachedLockoutStore {
    inner: Arc<Inner>,
}

struct Inner {
    address: String,
    connect_timeout: Duration,
    operation_timeout: Duration,
    max_wait: Duration,
    poll_interval: Duration,
    in_flight_lease: Duration,
    idle: Mutex<Vec<Protocol<TcpStream>>>,
}

impl std::fmt::Debug for MemcachedLockoutStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemcachedLockoutStore")
            .field("address", &self.inner.address)
            .field("connect_timeout", &self.inner.connect_timeout)
            .field("operation_timeout", &self.inner.operation_timeout)
            .field("max_wait", &self.inner.max_wait)
            .field("in_flight_lease", &self.inner.in_flight_lease)
            .finish_non_exhaustive()
    }
}

/// The memcached keys of one access key.
struct Keys {
    failures: String,
    in_flight: String,
}

impl Keys {
    fn of(access_key: &str) -> Self {
        let failures = format!("lockout:{}", hex::encode(Sha256::digest(access_key)));
        let in_flight = format!("{failures}:in-flight");
        Keys {
            failures,
            in_flight,
        }
    }
}

fn expiry(duration: time::Duration) -> u32 {
    let seconds = duration.whole_seconds() + i64::from(duration.subsec_nanoseconds() > 0);
    let seconds = u64::try_from(seconds).unwrap_or(0);
    // At most 30 days, so it fits in a u32.
    seconds.clamp(1, MAX_RELATIVE_EXPIRY) as u32
}

fn classify(error: io::Error) -> LockoutStoreError {
    match error.kind() {
        ErrorKind::InvalidData => LockoutStoreError::Protocol("a malformed answer".to_owned()),
        ErrorKind::Other => LockoutStoreError::Protocol(error.to_string().trim().to_owned()),
        _ => LockoutStoreError::Unreachable(error),
    }
}

fn parse_count(value: &[u8]) -> Result<u64, LockoutStoreError> {
    std::str::from_utf8(value)
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .ok_or_else(|| LockoutStoreError::Protocol("a counter that is not a number".to_owned()))
}

impl MemcachedLockoutStore {
    /// A store on the memcached server at `address` (`host:port`). Connects lazily.
    pub fn new(address: impl Into<String>) -> Self {
        MemcachedLockoutStore {
            inner: Arc::new(Inner {
                address: address.into(),
                connect_timeout: Duration::from_millis(200),
                operation_timeout: Duration::from_millis(200),
                max_wait: Duration::from_secs(1),
                poll_interval: Duration::from_millis(2),
                in_flight_lease: Duration::from_secs(60),
                idle: Mutex::new(Vec::new()),
            }),
        }
    }

    fn configure(mut self, change: impl FnOnce(&mut Inner)) -> Self {
        match Arc::get_mut(&mut self.inner) {
            Some(inner) => change(inner),
            None => {
                let mut inner = Inner {
                    address: self.inner.address.clone(),
                    idle: Mutex::new(Vec::new()),
                    ..*self.inner
                };
                change(&mut inner);
                self.inner = Arc::new(inner);
            }
        }
        self
    }

    /// How long to wait for a connection (default 200 ms).
    pub fn connect_timeout(self, timeout: Duration) -> Self {
        self.configure(|inner| inner.connect_timeout = timeout)
    }

    /// How long to wait for each operation's answer (default 200 ms).
    pub fn operation_timeout(self, timeout: Duration) -> Self {
        self.configure(|inner| inner.operation_timeout = timeout)
    }

    /// How long a request may wait for a slot held by requests in flight (default 1 s).
    pub fn max_wait(self, max_wait: Duration) -> Self {
        self.configure(|inner| inner.max_wait = max_wait)
    }

    /// How long a reserved slot counts at most when its request never settles, for
    /// instance because its node stopped (default 60 s). Make it longer than the
    /// slowest verification.
    pub fn in_flight_lease(self, lease: Duration) -> Self {
        self.configure(|inner| inner.in_flight_lease = lease)
    }
}

impl Inner {
    async fn connect(&self) -> Result<Protocol<TcpStream>, LockoutStoreError> {
        let connecting = TcpStream::connect(self.address.as_str());
        let stream = tokio::time::timeout(self.connect_timeout, connecting)
            .await
            .map_err(|_| LockoutStoreError::TimedOut {
                operation: "connect",
            })?
            .map_err(LockoutStoreError::Unreachable)?;
        let _ = stream.set_nodelay(true);
        Ok(Protocol::new(stream))
    }

    fn pooled(&self) -> Option<Protocol<TcpStream>> {
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .pop()
    }

    fn put_back(&self, connection: Protocol<TcpStream>) {
        let mut idle = self
            .idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if idle.len() < MAX_IDLE_CONNECTIONS {
            idle.push(connection);
        }
    }

    /// Runs one operation with a timeout, on an idle connection or a new one. A pooled
    /// connection that turns out broken (the server restarted) is replaced once; a
    /// connection whose operation failed or timed out is never reused, since answers may
    /// still be on their way.
    async fn run<T, F, Fut>(
        &self,
        operation: &'static str,
        command: F,
    ) -> Result<T, LockoutStoreError>
    where
        F: Fn(Protocol<TcpStream>) -> Fut,
        Fut: Future<Output = (Protocol<TcpStream>, io::Result<T>)>,
    {
        let mut retried = false;
        loop {
            let (connection, pooled) = match self.pooled() {
                Some(connection) => (connection, true),
                None => (self.connect().await?, false),
            };
            match tokio::time::timeout(self.operation_timeout, command(connection)).await {
                Err(_) => return Err(LockoutStoreError::TimedOut { operation }),
                Ok((connection, Ok(answer))) => {
                    self.put_back(connection);
                    return Ok(answer);
                }
                Ok((_, Err(error))) => {
                    let error = classify(error);
                    let broken = matches!(error, LockoutStoreError::Unreachable(_));
                    if pooled && broken && !retried {
                        retried = true;
                        continue;
                    }
                    return Err(error);
                }
            }
        }
    }

    async fn count(&self, key: &str) -> Result<u64, LockoutStoreError> {
        let value = self
            .run("get", |mut connection| async move {
                let answer = match connection.get(key).await {
                    Ok(value) => Ok(Some(value)),
                    Err(error) if error.kind() == ErrorKind::NotFound => Ok(None),
                    Err(error) => Err(error),
                };
                (connection, answer)
            })
            .await?;
        value.map_or(Ok(0), |value| parse_count(&value))
    }

    /// Both counters of a key, in one round trip.
    async fn counts(&self, keys: &Keys) -> Result<(u64, u64), LockoutStoreError> {
        let names = [keys.failures.as_str(), keys.in_flight.as_str()];
        let mut values = self
            .run("get", |mut connection| async move {
                let answer = connection.get_multi(&names).await;
                (connection, answer)
            })
            .await?;
        let mut count = |name: &str| {
            values
                .remove(name)
                .map_or(Ok(0), |value| parse_count(&value))
        };
        Ok((count(names[0])?, count(names[1])?))
    }

    async fn increment(&self, key: &str) -> Result<Option<u64>, LockoutStoreError> {
        self.run("incr", |mut connection| async move {
            let answer = match connection.increment(key, 1).await {
                Ok(value) => Ok(Some(value)),
                Err(error) if error.kind() == ErrorKind::NotFound => Ok(None),
                Err(error) => Err(error),
            };
            (connection, answer)
        })
        .await
    }

    async fn add_one(&self, key: &str, expiry: u32) -> Result<bool, LockoutStoreError> {
        self.run("add", |mut connection| async move {
            let answer = match connection.add(key, b"1", expiry).await {
                Ok(()) => Ok(true),
                Err(error) if error.kind() == ErrorKind::AlreadyExists => Ok(false),
                Err(error) => Err(error),
            };
            (connection, answer)
        })
        .await
    }

    /// Adds one to the counter at `key`, creating it with `expiry` if it is missing.
    async fn increment_or_create(&self, key: &str, expiry: u32) -> Result<u64, LockoutStoreError> {
        for _ in 0..3 {
            if let Some(value) = self.increment(key).await? {
                return Ok(value);
            }
            if self.add_one(key, expiry).await? {
                return Ok(1);
            }
            // Another node created it between our `incr` and `add`: increment that one.
        }
        Err(LockoutStoreError::Protocol(
            "a counter that kept disappearing".to_owned(),
        ))
    }

    async fn decrement(&self, key: &str) -> Result<(), LockoutStoreError> {
        self.run("decr", |mut connection| async move {
            let answer = match connection.decrement(key, 1).await {
                Ok(_) => Ok(()),
                // Expired: the slot went with it.
                Err(error) if error.kind() == ErrorKind::NotFound => Ok(()),
                Err(error) => Err(error),
            };
            (connection, answer)
        })
        .await
    }

    async fn set_count(&self, key: &str, value: u64, expiry: u32) -> Result<(), LockoutStoreError> {
        let value = value.to_string();
        self.run("set", |mut connection| {
            let value = value.clone();
            async move {
                let answer = connection.set(key, value.as_bytes(), expiry).await;
                (connection, answer)
            }
        })
        .await
    }

    fn lease(&self) -> u32 {
        let seconds =
            self.in_flight_lease.as_secs() + u64::from(self.in_flight_lease.subsec_nanos() > 0);
        seconds.clamp(1, MAX_RELATIVE_EXPIRY) as u32
    }

    async fn try_reserve(
        &self,
        keys: &Keys,
        budget: u64,
    ) -> Result<Option<Reservation>, LockoutStoreError> {
        // A look first, so that waiting requests do not crowd the counter.
        let (failures, in_flight) = self.counts(keys).await?;
        if failures >= budget {
            return Ok(Some(Reservation::Locked));
        }
        if in_flight + failures >= budget {
            return Ok(None);
        }

        let in_flight = self
            .increment_or_create(&keys.in_flight, self.lease())
            .await?;
        let failures = match self.count(&keys.failures).await {
            Ok(failures) => failures,
            Err(error) => {
                let _ = self.decrement(&keys.in_flight).await;
                return Err(error);
            }
        };
        if in_flight + failures <= budget {
            return Ok(Some(Reservation::Granted));
        }

        self.decrement(&keys.in_flight).await?;
        if failures >= budget {
            return Ok(Some(Reservation::Locked));
        }
        Ok(None)
    }
}

/// A pause of about `base`, from half to one and a half times it, so that requests
/// waiting for the same key do not retry in step.
fn jittered(base: Duration) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let base_micros = base.as_micros().max(2) as u64;
    Duration::from_micros(base_micros / 2 + random % base_micros)
}

#[async_trait]
impl LockoutStore for MemcachedLockoutStore {
    async fn reserve(
        &self,
        access_key: &str,
        _clock: &dyn Clock,
        policy: &LockoutPolicy,
    ) -> Result<Reservation, LockoutStoreError> {
        let inner = &self.inner;
        let keys = Keys::of(access_key);
        let budget = u64::from(policy.budget());
        let deadline = tokio::time::Instant::now() + inner.max_wait;
        let mut pause = inner.poll_interval;
        loop {
            if let Some(reservation) = inner.try_reserve(&keys, budget).await? {
                return Ok(reservation);
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Err(LockoutStoreError::Congested);
            }
            tokio::time::sleep(jittered(pause).min(deadline - now)).await;
            pause = (pause * 2).min(MAX_POLL_INTERVAL);
        }
    }

    async fn release(
        &self,
        access_key: &str,
        _now: OffsetDateTime,
        _policy: &LockoutPolicy,
    ) -> Result<(), LockoutStoreError> {
        self.inner.decrement(&Keys::of(access_key).in_flight).await
    }

    async fn record_failure(
        &self,
        access_key: &str,
        _now: OffsetDateTime,
        policy: &LockoutPolicy,
    ) -> Result<(), LockoutStoreError> {
        let inner = &self.inner;
        let keys = Keys::of(access_key);
        let budget = u64::from(policy.budget());

        // The failure is counted before the slot is given back: see the type's docs.
        let failures = inner
            .increment_or_create(&keys.failures, expiry(policy.window))
            .await?;
        if failures == budget {
            inner
                .set_count(&keys.failures, failures, expiry(policy.lockout))
                .await?;
        }
        inner.decrement(&keys.in_flight).await
    }

    fn abandon(&self, access_key: &str, _policy: &LockoutPolicy) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            // No runtime to give the slot back on: its lease will.
            return;
        };
        let inner = self.inner.clone();
        let in_flight = Keys::of(access_key).in_flight;
        runtime.spawn(async move {
            if let Err(error) = inner.decrement(&in_flight).await {
                tracing::warn!(
                    target: "cumulo::ec2::lockout",
                    %error,
                    "could not give back the slot of a dropped request"
                );
            }
        });
    }
}
