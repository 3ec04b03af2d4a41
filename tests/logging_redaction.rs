//! Logs never carry secrets: signatures, tokens, secret keys or user data, whatever the
//! chain logs at any level.

use std::io::Write;
use std::sync::{Arc, Mutex};

use cumulo::core::{Application, Body, Clock, ManualClock};
use cumulo::ec2::auth::signer::sign_v4;
use cumulo::ec2::auth::{Credential, StaticCredentials};
use cumulo::ec2::{CloudController, Ec2Api};
use time::macros::datetime;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct Nothing;
impl CloudController for Nothing {}

#[tokio::test(flavor = "current_thread")]
async fn no_secret_reaches_the_logs_at_trace_level() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let clock = Arc::new(ManualClock::new(datetime!(2026-03-01 12:00:00 UTC)));
    let credentials = StaticCredentials::new().with(
        Credential::new("AKIDLOG", "SECRET-KEY-VALUE", "alice", "p1")
            .with_session_token("SESSION-TOKEN-VALUE"),
    );
    let app = Ec2Api::builder(Arc::new(Nothing))
        .signature(Arc::new(credentials))
        .clock(clock.clone())
        .debug(true)
        .build();

    // A signed RunInstances whose user data is secret, and a presigned-looking GET.
    let body = "Action=RunInstances&Version=2016-11-15&ImageId=ami-12345678&MinCount=1\
                &MaxCount=1&UserData=U0VDUkVULVVTRVItREFUQQ%3D%3D";
    let mut request = http::Request::builder()
        .method("POST")
        .uri("/")
        .header("host", "ec2.test")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-amz-security-token", "SESSION-TOKEN-VALUE")
        .body(Body::from(body))
        .unwrap();
    sign_v4(
        &mut request,
        "AKIDLOG",
        b"SECRET-KEY-VALUE",
        "us-east-1",
        "ec2",
        clock.now(),
    );
    let signature = request.headers()["authorization"]
        .to_str()
        .unwrap()
        .rsplit("Signature=")
        .next()
        .unwrap()
        .to_owned();
    let response = app.call(request).await.unwrap();
    assert_eq!(response.status(), 400, "the controller implements nothing");

    let presigned = http::Request::builder()
        .uri(
            "/?Action=DescribeRegions&Version=2016-11-15&X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential=AKIDLOG%2F20260301%2Fus-east-1%2Fec2%2Faws4_request\
             &X-Amz-Date=20260301T120000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host\
             &X-Amz-Signature=PRESIGNED-SIGNATURE-VALUE&X-Amz-Security-Token=QUERY-TOKEN-VALUE",
        )
        .header("host", "ec2.test")
        .body(Body::empty())
        .unwrap();
    let response = app.call(presigned).await.unwrap();
    assert_eq!(response.status(), 401);

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("cumulo::ec2::access"),
        "the access log was written: {logs}"
    );
    assert!(logs.contains("RunInstances"), "{logs}");
    for secret in [
        "SECRET-KEY-VALUE",
        "SESSION-TOKEN-VALUE",
        signature.as_str(),
        "U0VDUkVULVVTRVItREFUQQ",
        "PRESIGNED-SIGNATURE-VALUE",
        "QUERY-TOKEN-VALUE",
    ] {
        assert!(
            !logs.contains(secret),
            "{secret} leaked into the logs:\n{logs}"
        );
    }
}
