//! The in-process lockout store: exact, and bounded in memory.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::{LockoutPolicy, LockoutStore, LockoutStoreError, Reservation};
use crate::core::Clock;

/// Access keys come from clients, at any length: entries are keyed by their SHA-256.
type KeyDigest = [u8; 32];

fn digest(access_key: &str) -> KeyDigest {
    Sha256::digest(access_key.as_bytes()).into()
}

/// An in-process [`LockoutStore`]: one mutex makes every reservation atomic, and a
/// request waiting for a slot is woken when one of the key's slots settles.
///
/// It tracks at most `max_keys` keys with failures or locks (plus, briefly, those with
/// requests in flight, which are never dropped). When full, it drops expired entries,
/// then an eighth of its capacity: failure counts with the oldest windows first, then
/// the locks that end soonest.
///
/// # Limitations
///
/// A flood of distinct keys that fills the store drops the oldest failure counts, and
/// then the oldest locks, early: memory stays bounded at the price of letting those
/// keys try again.
#[derive(Debug)]
pub struct InMemoryLockoutStore {
    entries: Mutex<HashMap<KeyDigest, Entry>>,
    max_keys: usize,
}

#[derive(Debug)]
struct Entry {
    in_flight: u32,
    failures: u32,
    window_start: OffsetDateTime,
    locked_until: Option<OffsetDateTime>,
    waiters: Vec<Waker>,
}

impl Entry {
    fn new(now: OffsetDateTime) -> Self {
        Entry {
            in_flight: 0,
            failures: 0,
            window_start: now,
            locked_until: None,
            waiters: Vec::new(),
        }
    }

    /// Ends a lock or a window that is over at `now`.
    fn refresh(&mut self, now: OffsetDateTime, policy: &LockoutPolicy) {
        let over = match self.locked_until {
            Some(until) => now >= until,
            None => self.failures > 0 && now >= self.window_start + policy.window,
        };
        if over {
            self.failures = 0;
            self.locked_until = None;
        }
    }

    fn is_idle(&self) -> bool {
        self.in_flight == 0
            && self.failures == 0
            && self.locked_until.is_none()
            && self.waiters.is_empty()
    }

    fn wake_waiters(&mut self) {
        for waker in self.waiters.drain(..) {
            waker.wake();
        }
    }

    fn wait(&mut self, waker: &Waker) {
        if !self.waiters.iter().any(|waiting| waiting.will_wake(waker)) {
            self.waiters.push(waker.clone());
        }
    }
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

    /// The most keys it tracks, requests in flight aside.
    pub fn capacity(&self) -> usize {
        self.max_keys
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<KeyDigest, Entry>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn entry<'a>(
        &self,
        entries: &'a mut HashMap<KeyDigest, Entry>,
        key: KeyDigest,
        now: OffsetDateTime,
        policy: &LockoutPolicy,
    ) -> &'a mut Entry {
        if !entries.contains_key(&key) && entries.len() >= self.max_keys {
            self.make_room(entries, now, policy);
        }
        let entry = entries.entry(key).or_insert_with(|| Entry::new(now));
        entry.refresh(now, policy);
        entry
    }

    fn make_room(
        &self,
        entries: &mut HashMap<KeyDigest, Entry>,
        now: OffsetDateTime,
        policy: &LockoutPolicy,
    ) {
        entries.retain(|_, entry| {
            entry.refresh(now, policy);
            !entry.is_idle()
        });
        if entries.len() < self.max_keys {
            return;
        }

        // Dropping a batch keeps the cost of a flood linear in its size. Entries with
        // requests in flight stay: their slots must settle where they were reserved.
        let target = self.max_keys - (self.max_keys / 8).max(1);
        let mut candidates: Vec<(bool, OffsetDateTime, KeyDigest)> = entries
            .iter()
            .filter(|(_, entry)| entry.in_flight == 0 && entry.waiters.is_empty())
            .map(|(key, entry)| match entry.locked_until {
                None => (false, entry.window_start, *key),
                Some(until) => (true, until, *key),
            })
            .collect();
        let excess = entries.len().saturating_sub(target).min(candidates.len());
        if excess == 0 {
            return;
        }
        candidates.select_nth_unstable(excess - 1);
        for (_, _, key) in &candidates[..excess] {
            entries.remove(key);
        }
    }

    fn poll_reserve(
        &self,
        key: KeyDigest,
        now: OffsetDateTime,
        policy: &LockoutPolicy,
        context: &mut Context<'_>,
    ) -> Poll<Reservation> {
        let mut entries = self.lock();
        let entry = self.entry(&mut entries, key, now, policy);
        let budget = policy.budget();
        if entry.locked_until.is_some() {
            return Poll::Ready(Reservation::Locked);
        }
        if entry.in_flight + entry.failures < budget {
            entry.in_flight += 1;
            return Poll::Ready(Reservation::Granted);
        }
        if entry.in_flight == 0 {
            return Poll::Ready(Reservation::Locked);
        }
        entry.wait(context.waker());
        Poll::Pending
    }
}

#[async_trait]
impl LockoutStore for InMemoryLockoutStore {
    async fn reserve(
        &self,
        access_key: &str,
        clock: &dyn Clock,
        policy: &LockoutPolicy,
    ) -> Result<Reservation, LockoutStoreError> {
        let key = digest(access_key);
        let reservation =
            std::future::poll_fn(|context| self.poll_reserve(key, clock.now(), policy, context))
                .await;
        Ok(reservation)
    }

    async fn release(
        &self,
        access_key: &str,
        now: OffsetDateTime,
        policy: &LockoutPolicy,
    ) -> Result<(), LockoutStoreError> {
        let key = digest(access_key);
        let mut entries = self.lock();
        if let Some(entry) = entries.get_mut(&key) {
            entry.in_flight = entry.in_flight.saturating_sub(1);
            entry.refresh(now, policy);
            entry.wake_waiters();
            if entry.is_idle() {
                entries.remove(&key);
            }
        }
        Ok(())
    }

    async fn record_failure(
        &self,
        access_key: &str,
        now: OffsetDateTime,
        policy: &LockoutPolicy,
    ) -> Result<(), LockoutStoreError> {
        let key = digest(access_key);
        let mut entries = self.lock();
        let entry = self.entry(&mut entries, key, now, policy);
        entry.in_flight = entry.in_flight.saturating_sub(1);
        if entry.locked_until.is_none() {
            if entry.failures == 0 {
                entry.window_start = now;
            }
            entry.failures += 1;
            if entry.failures >= policy.budget() {
                entry.locked_until = Some(now + policy.lockout);
            }
        }
        entry.wake_waiters();
        Ok(())
    }

    fn abandon(&self, access_key: &str, _policy: &LockoutPolicy) {
        let key = digest(access_key);
        let mut entries = self.lock();
        if let Some(entry) = entries.get_mut(&key) {
            entry.in_flight = entry.in_flight.saturating_sub(1);
            entry.wake_waiters();
            if entry.is_idle() {
                entries.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ManualClock;
    use time::Duration;
    use time::macros::datetime;

    fn clock() -> ManualClock {
        ManualClock::new(datetime!(2026-03-01 12:00:00 UTC))
    }

    async fn fail(store: &InMemoryLockoutStore, access_key: &str, clock: &ManualClock) {
        let policy = LockoutPolicy::default();
        assert_eq!(
            store.reserve(access_key, clock, &policy).await.unwrap(),
            Reservation::Granted
        );
        store
            .record_failure(access_key, clock.now(), &policy)
            .await
            .unwrap();
    }

    async fn reserve(
        store: &InMemoryLockoutStore,
        access_key: &str,
        clock: &ManualClock,
    ) -> Reservation {
        store
            .reserve(access_key, clock, &LockoutPolicy::default())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn five_failures_lock_the_key_until_the_lockout_ends() {
        let store = InMemoryLockoutStore::default();
        let clock = clock();
        for _ in 0..5 {
            fail(&store, "AKID", &clock).await;
        }
        assert_eq!(reserve(&store, "AKID", &clock).await, Reservation::Locked);

        clock.advance(Duration::minutes(15) - Duration::seconds(1));
        assert_eq!(reserve(&store, "AKID", &clock).await, Reservation::Locked);
        clock.advance(Duration::seconds(1));
        assert_eq!(reserve(&store, "AKID", &clock).await, Reservation::Granted);
    }

    #[tokio::test]
    async fn a_release_resets_neither_failures_nor_a_lock() {
        let store = InMemoryLockoutStore::default();
        let clock = clock();
        let policy = LockoutPolicy::default();
        for _ in 0..4 {
            fail(&store, "AKID", &clock).await;
        }
        assert_eq!(reserve(&store, "AKID", &clock).await, Reservation::Granted);
        store.release("AKID", clock.now(), &policy).await.unwrap();
        fail(&store, "AKID", &clock).await;
        assert_eq!(reserve(&store, "AKID", &clock).await, Reservation::Locked);
    }

    #[tokio::test]
    async fn the_sixth_reservation_waits_while_five_are_in_flight() {
        let store = InMemoryLockoutStore::default();
        let clock = clock();
        let policy = LockoutPolicy::default();
        for _ in 0..5 {
            assert_eq!(reserve(&store, "AKID", &clock).await, Reservation::Granted);
        }
        let mut sixth = Box::pin(store.reserve("AKID", &clock, &policy));
        let waker = std::task::Waker::noop();
        let mut context = Context::from_waker(waker);
        assert!(sixth.as_mut().poll(&mut context).is_pending());

        store.release("AKID", clock.now(), &policy).await.unwrap();
        assert!(matches!(
            sixth.as_mut().poll(&mut context),
            Poll::Ready(Ok(Reservation::Granted))
        ));
    }

    #[tokio::test]
    async fn a_waiting_reservation_is_refused_when_the_key_locks() {
        let store = InMemoryLockoutStore::default();
        let clock = clock();
        let policy = LockoutPolicy::default();
        for _ in 0..5 {
            assert_eq!(reserve(&store, "AKID", &clock).await, Reservation::Granted);
        }
        let mut sixth = Box::pin(store.reserve("AKID", &clock, &policy));
        let mut context = Context::from_waker(std::task::Waker::noop());
        assert!(sixth.as_mut().poll(&mut context).is_pending());

        for _ in 0..5 {
            store
                .record_failure("AKID", clock.now(), &policy)
                .await
                .unwrap();
        }
        assert!(matches!(
            sixth.as_mut().poll(&mut context),
            Poll::Ready(Ok(Reservation::Locked))
        ));
    }

    #[tokio::test]
    async fn successes_leave_no_entry_behind() {
        let store = InMemoryLockoutStore::default();
        let clock = clock();
        let policy = LockoutPolicy::default();
        for n in 0..1_000 {
            let access_key = format!("AKID{n}");
            assert_eq!(
                reserve(&store, &access_key, &clock).await,
                Reservation::Granted
            );
            store
                .release(&access_key, clock.now(), &policy)
                .await
                .unwrap();
        }
        assert!(store.is_empty());
    }

    #[tokio::test]
    async fn a_flood_of_100_000_distinct_keys_stays_within_capacity() {
        let store = InMemoryLockoutStore::with_capacity(10_000);
        let clock = clock();
        for n in 0..100_000 {
            fail(&store, &format!("flood-{n}"), &clock).await;
            assert!(store.len() <= 10_000, "{} keys after {n}", store.len());
        }
        assert!(store.len() <= store.capacity());
        assert!(store.len() > 8_000, "{} keys", store.len());
    }

    #[tokio::test]
    async fn a_full_store_drops_failure_counts_before_locks() {
        let store = InMemoryLockoutStore::with_capacity(8);
        let clock = clock();
        for _ in 0..5 {
            fail(&store, "locked", &clock).await;
        }
        for n in 0..100 {
            clock.advance(Duration::seconds(1));
            fail(&store, &format!("flood-{n}"), &clock).await;
        }
        assert_eq!(reserve(&store, "locked", &clock).await, Reservation::Locked);
    }

    #[tokio::test]
    async fn a_megabyte_access_key_is_stored_as_its_digest() {
        let store = InMemoryLockoutStore::default();
        let clock = clock();
        let huge = "A".repeat(1 << 20);
        for _ in 0..5 {
            fail(&store, &huge, &clock).await;
        }
        assert_eq!(reserve(&store, &huge, &clock).await, Reservation::Locked);
        assert_eq!(
            reserve(&store, &huge[1..], &clock).await,
            Reservation::Granted
        );
    }
}
