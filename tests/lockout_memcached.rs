//! Lockout with the memcached store: several nodes sharing one server lock a key out
//! together, exactly, and a server that goes away fails open or closed within the
//! timeout.
//!
//! Runs against the memcached at `MEMCACHED_ADDR` (scripts/test starts one), and starts
//! its own `memcached` processes for the tests that stop the server.

#![cfg(feature = "memcached")]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cumulo::core::{Application, Body, Pipeline, Request, Response, SystemClock, from_fn};
use cumulo::ec2::auth::{AuthRejected, access_key_of};
use cumulo::ec2::lockout::{
    Lockout, LockoutPolicy, LockoutStore, MemcachedLockoutStore, StoreFailureMode,
};
use cumulo::ec2::{Ec2Error, ErrorCode};
use sha2::{Digest, Sha256};

const LOCKED: &str =
    "AuthFailure: This access key is temporarily locked after too many failed authentications.";

fn memcached_addr() -> String {
    std::env::var("MEMCACHED_ADDR").unwrap_or_else(|_| {
        panic!(
            "MEMCACHED_ADDR is not set: these tests need a running memcached. \
             Run scripts/test, or start `memcached -l 127.0.0.1 -p 11211 -u root` and \
             export MEMCACHED_ADDR=127.0.0.1:11211"
        )
    })
}

/// An access key no earlier run has used: the shared server keeps counts between runs.
fn fresh_access_key(name: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    format!("AKID-{name}-{}-{nanos}-{n}", std::process::id())
}

fn request(access_key: &str, signature: &str) -> Request {
    http::Request::builder()
        .uri(format!(
            "/?Action=DescribeRegions&AWSAccessKeyId={access_key}&Signature={signature}"
        ))
        .body(Body::empty())
        .unwrap()
}

/// An authentication layer that takes a few milliseconds, so that requests overlap,
/// rejects `Signature=wrong`, and counts what it verifies.
fn slow_auth(verified: Arc<AtomicUsize>) -> impl Application {
    from_fn(move |mut request: Request| {
        let verified = verified.clone();
        async move {
            verified.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(5)).await;
            let access_key = access_key_of(&mut request).unwrap();
            if request.uri().query().unwrap().ends_with("Signature=wrong") {
                let error = Ec2Error::new(ErrorCode::AuthFailure, "no");
                Err(AuthRejected::new(access_key, error).into())
            } else {
                Ok(Response::new(Body::from("ok")))
            }
        }
    })
}

/// One API node: its own store (its own connections) on the shared server.
fn node(
    store: MemcachedLockoutStore,
    mode: StoreFailureMode,
    verified: Arc<AtomicUsize>,
) -> Arc<dyn Application> {
    let policy = LockoutPolicy {
        on_store_error: mode,
        ..LockoutPolicy::default()
    };
    Pipeline::new()
        .with(Lockout::new(
            Arc::new(store) as Arc<dyn LockoutStore>,
            Arc::new(SystemClock),
            policy,
        ))
        .app(slow_auth(verified))
}

/// A node with generous timeouts, failing closed: a slow store shows as an error, never
/// as an extra verification.
fn patient_node(verified: Arc<AtomicUsize>) -> Arc<dyn Application> {
    let store = MemcachedLockoutStore::new(memcached_addr())
        .operation_timeout(Duration::from_secs(2))
        .connect_timeout(Duration::from_secs(2))
        .max_wait(Duration::from_secs(10));
    node(store, StoreFailureMode::Closed, verified)
}

async fn answer(app: &Arc<dyn Application>, request: Request) -> String {
    match app.call(request).await {
        Ok(_) => "ok".to_owned(),
        Err(error) => error.to_string(),
    }
}

async fn answers(calls: Vec<(Arc<dyn Application>, Request)>) -> Vec<String> {
    let calls: Vec<_> = calls
        .into_iter()
        .map(|(app, request)| tokio::spawn(async move { answer(&app, request).await }))
        .collect();
    let mut answers = Vec::new();
    for call in calls {
        answers.push(call.await.unwrap());
    }
    answers
}

fn tally(answers: &[String], answer: &str) -> usize {
    answers.iter().filter(|seen| *seen == answer).count()
}

/// Reads a key with a raw connection, as another memcached client would.
fn raw_get(address: &str, key: &str) -> String {
    let mut connection = TcpStream::connect(address).unwrap();
    connection
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    connection
        .write_all(format!("get {key}\r\n").as_bytes())
        .unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0; 512];
    while !answer.ends_with(b"END\r\n") {
        let read = connection.read(&mut buffer).unwrap();
        assert!(read > 0, "memcached closed the connection");
        answer.extend_from_slice(&buffer[..read]);
    }
    String::from_utf8(answer).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_failures_lock_the_key_under_its_hashed_name() {
    let verified = Arc::new(AtomicUsize::new(0));
    let app = patient_node(verified.clone());
    let access_key = fresh_access_key("sequential");

    for _ in 0..5 {
        assert_eq!(
            answer(&app, request(&access_key, "wrong")).await,
            "AuthFailure: no"
        );
    }
    assert_eq!(answer(&app, request(&access_key, "wrong")).await, LOCKED);
    assert_eq!(answer(&app, request(&access_key, "right")).await, LOCKED);
    assert_eq!(verified.load(Ordering::SeqCst), 5);

    let key = format!("lockout:{}", hex::encode(Sha256::digest(&access_key)));
    assert_eq!(
        raw_get(&memcached_addr(), &key),
        format!("VALUE {key} 0 1\r\n5\r\nEND\r\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_success_does_not_reset_the_count() {
    let verified = Arc::new(AtomicUsize::new(0));
    let app = patient_node(verified.clone());
    let access_key = fresh_access_key("success");

    for _ in 0..4 {
        assert_eq!(
            answer(&app, request(&access_key, "wrong")).await,
            "AuthFailure: no"
        );
    }
    assert_eq!(answer(&app, request(&access_key, "right")).await, "ok");
    assert_eq!(
        answer(&app, request(&access_key, "wrong")).await,
        "AuthFailure: no"
    );
    assert_eq!(answer(&app, request(&access_key, "right")).await, LOCKED);
    assert_eq!(verified.load(Ordering::SeqCst), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_verify_exactly_5_of_200_concurrent_bad_requests() {
    let verified = Arc::new(AtomicUsize::new(0));
    let nodes = [
        patient_node(verified.clone()),
        patient_node(verified.clone()),
    ];
    let access_key = fresh_access_key("burst");

    let calls = (0..200)
        .map(|n| (nodes[n % 2].clone(), request(&access_key, "wrong")))
        .collect();
    let answers = answers(calls).await;

    assert_eq!(verified.load(Ordering::SeqCst), 5);
    assert_eq!(tally(&answers, "AuthFailure: no"), 5);
    assert_eq!(tally(&answers, LOCKED), 195);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_never_refuse_correct_requests_of_a_key_that_does_not_lock() {
    let verified = Arc::new(AtomicUsize::new(0));
    let nodes = [
        patient_node(verified.clone()),
        patient_node(verified.clone()),
    ];
    let access_key = fresh_access_key("mixed");

    // Four failures, one short of the lock, in flight beside 200 correct requests.
    let calls = (0..204)
        .map(|n| {
            let signature = if n % 51 == 0 { "wrong" } else { "right" };
            (nodes[n % 2].clone(), request(&access_key, signature))
        })
        .collect();
    let answers = answers(calls).await;

    assert_eq!(tally(&answers, "ok"), 200);
    assert_eq!(tally(&answers, "AuthFailure: no"), 4);
    assert_eq!(verified.load(Ordering::SeqCst), 204);
}

/// A memcached process of this test's own, on a free port, killed when dropped.
struct OwnMemcached {
    child: Child,
    address: String,
}

impl OwnMemcached {
    fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("memcached")
            .args(["-p", &port.to_string(), "-l", "127.0.0.1", "-u", "root"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!("cannot start memcached ({error}): apt-get install memcached")
            });
        let address = format!("127.0.0.1:{port}");
        let started = Instant::now();
        while TcpStream::connect(&address).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "memcached did not listen on {address}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        OwnMemcached { child, address }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for OwnMemcached {
    fn drop(&mut self) {
        self.stop();
    }
}

fn status_of(result: Result<Response, cumulo::core::BoxError>) -> Option<http::StatusCode> {
    match result {
        Ok(_) => None,
        Err(error) => Some(error.downcast_ref::<Ec2Error>().unwrap().status()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_memcached_stops_fail_open_lets_requests_through_and_fail_closed_refuses() {
    let mut server = OwnMemcached::start();
    let verified = Arc::new(AtomicUsize::new(0));
    let store = MemcachedLockoutStore::new(server.address.clone());
    let open = node(store.clone(), StoreFailureMode::Open, verified.clone());
    let closed = node(store, StoreFailureMode::Closed, verified.clone());
    let access_key = fresh_access_key("stopped");

    assert_eq!(answer(&open, request(&access_key, "right")).await, "ok");
    assert_eq!(answer(&closed, request(&access_key, "right")).await, "ok");
    server.stop();

    let started = Instant::now();
    assert_eq!(answer(&open, request(&access_key, "right")).await, "ok");
    assert!(started.elapsed() < Duration::from_millis(500));

    let started = Instant::now();
    let refused = closed.call(request(&access_key, "right")).await;
    assert!(started.elapsed() < Duration::from_millis(500));
    assert_eq!(
        status_of(refused),
        Some(http::StatusCode::SERVICE_UNAVAILABLE)
    );
    assert_eq!(verified.load(Ordering::SeqCst), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_memcached_that_never_answers_costs_at_most_the_timeout() {
    // Connections are accepted (by the backlog) and never answered.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = silent.local_addr().unwrap().to_string();
    let verified = Arc::new(AtomicUsize::new(0));
    let store = MemcachedLockoutStore::new(address)
        .connect_timeout(Duration::from_millis(200))
        .operation_timeout(Duration::from_millis(200));
    let open = node(store.clone(), StoreFailureMode::Open, verified.clone());
    let closed = node(store, StoreFailureMode::Closed, verified.clone());
    let access_key = fresh_access_key("silent");

    let started = Instant::now();
    assert_eq!(answer(&open, request(&access_key, "right")).await, "ok");
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(600), "{elapsed:?}");

    let started = Instant::now();
    let refused = closed.call(request(&access_key, "right")).await;
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(600), "{elapsed:?}");
    assert_eq!(
        status_of(refused),
        Some(http::StatusCode::SERVICE_UNAVAILABLE)
    );
    assert_eq!(verified.load(Ordering::SeqCst), 1);
    drop(silent);
}
