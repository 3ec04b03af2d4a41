//! Lockout under concurrency, with the in-process store: however many bad requests
//! arrive at once, exactly `attempts` are verified, and correct requests of a key that
//! does not lock are never refused.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cumulo::core::{
    Application, Body, BoxError, Middleware, Pipeline, Request, Response, SystemClock, from_fn,
};
use cumulo::ec2::auth::{AuthRejected, access_key_of};
use cumulo::ec2::lockout::{InMemoryLockoutStore, Lockout, LockoutPolicy, LockoutRelease};
use cumulo::ec2::{Ec2Error, ErrorCode};

const LOCKED: &str =
    "AuthFailure: This access key is temporarily locked after too many failed authentications.";

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

fn chain(verified: Arc<AtomicUsize>) -> Arc<dyn Application> {
    Pipeline::new()
        .with(Lockout::new(
            Arc::new(InMemoryLockoutStore::default()),
            Arc::new(SystemClock),
            LockoutPolicy::default(),
        ))
        .app(slow_auth(verified))
}

async fn answers(
    app: &Arc<dyn Application>,
    requests: impl IntoIterator<Item = Request>,
) -> Vec<String> {
    let calls: Vec<_> = requests
        .into_iter()
        .map(|request| {
            let app = app.clone();
            tokio::spawn(async move {
                match app.call(request).await {
                    Ok(_) => "ok".to_owned(),
                    Err(error) => error.to_string(),
                }
            })
        })
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_200_concurrent_bad_requests_exactly_5_are_verified() {
    let verified = Arc::new(AtomicUsize::new(0));
    let app = chain(verified.clone());

    let answers = answers(&app, (0..200).map(|_| request("AKIDBAD", "wrong"))).await;

    assert_eq!(verified.load(Ordering::SeqCst), 5);
    assert_eq!(tally(&answers, "AuthFailure: no"), 5);
    assert_eq!(tally(&answers, LOCKED), 195);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn correct_requests_beside_bad_ones_are_never_refused_while_the_key_is_unlocked() {
    let verified = Arc::new(AtomicUsize::new(0));
    let app = chain(verified.clone());

    // Four failures: one short of the lock, all in flight beside 200 correct requests.
    let requests = (0..204).map(|n| {
        let signature = if n % 51 == 0 { "wrong" } else { "right" };
        request("AKIDMIXED", signature)
    });
    let answers = answers(&app, requests).await;

    assert_eq!(tally(&answers, "ok"), 200);
    assert_eq!(tally(&answers, "AuthFailure: no"), 4);
    assert_eq!(tally(&answers, LOCKED), 0);
    assert_eq!(verified.load(Ordering::SeqCst), 204);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_lockout_release_a_slow_action_holds_no_slot() {
    let verified = Arc::new(AtomicUsize::new(0));
    let slow_action = from_fn(|_request: Request| async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        Ok(Response::new(Body::from("ok")))
    });
    let app = Pipeline::new()
        .with(Lockout::new(
            Arc::new(InMemoryLockoutStore::default()),
            Arc::new(SystemClock),
            LockoutPolicy::default(),
        ))
        .with(CountingAuth(verified.clone()))
        .with(LockoutRelease)
        .app(slow_action);

    let started = Instant::now();
    let answers = answers(&app, (0..50).map(|_| request("AKIDSLOW", "right"))).await;

    assert_eq!(tally(&answers, "ok"), 50);
    assert_eq!(verified.load(Ordering::SeqCst), 50);
    // Holding slots through the action would take ten rounds of 200 ms.
    assert!(
        started.elapsed() < Duration::from_millis(1_000),
        "{:?}",
        started.elapsed()
    );
}

/// Authentication that accepts every request, and counts them.
struct CountingAuth(Arc<AtomicUsize>);

#[async_trait::async_trait]
impl Middleware for CountingAuth {
    async fn handle(&self, request: Request, next: &dyn Application) -> Result<Response, BoxError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        next.call(request).await
    }
}
