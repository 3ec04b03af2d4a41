//! The hyper adapter over a real socket: body cap, limits, slow clients, graceful
//! shutdown.
#![cfg(feature = "hyper")]

use std::sync::Arc;
use std::time::Duration;

use cumulo::core::{Application, Body, BoxError, Request, Response, from_fn};
use cumulo::ec2::{CloudController, Ec2Api};
use cumulo::server::{Server, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

struct Nothing;
impl CloudController for Nothing {}

async fn start(
    app: Arc<dyn Application>,
    config: ServerConfig,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        Server::new(app)
            .config(config)
            .serve_with_shutdown(listener, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
    });
    (address, stop, task)
}

async fn exchange(address: std::net::SocketAddr, raw: &[u8]) -> String {
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(raw).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_body_over_the_cap_gets_ec2_error_xml_with_413() {
    let app = Ec2Api::builder(Arc::new(Nothing)).build();
    let config = ServerConfig {
        body_limit: 64,
        ..ServerConfig::default()
    };
    let (address, _stop, _task) = start(app, config).await;
    let body = "Action=DescribeRegions&Version=2016-11-15&Padding=".to_owned() + &"x".repeat(100);
    let raw = format!(
        "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let answer = exchange(address, raw.as_bytes()).await;
    assert!(
        answer.starts_with("HTTP/1.1 413 Payload Too Large\r\n"),
        "{answer}"
    );
    assert!(
        answer.contains("<Code>RequestEntityTooLarge</Code>"),
        "{answer}"
    );
    assert!(
        answer.contains("The request body exceeds the limit of 64 bytes."),
        "{answer}"
    );
}

#[tokio::test]
async fn an_unsigned_request_gets_ec2_error_xml_not_html() {
    let app = Ec2Api::builder(Arc::new(Nothing)).build();
    let (address, _stop, _task) = start(app, ServerConfig::default()).await;
    let answer = exchange(
        address,
        concat!(
            "GET /?Action=DescribeRegions&Version=2016-11-15 HTTP/1.1\r\n",
            "Host: x\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    )
    .await;
    assert!(
        answer.starts_with("HTTP/1.1 401 Unauthorized\r\n"),
        "{answer}"
    );
    assert!(
        answer.contains("content-type: text/xml;charset=UTF-8"),
        "{answer}"
    );
    assert!(answer.contains("<Code>AuthFailure</Code>"), "{answer}");
    assert!(!answer.to_ascii_lowercase().contains("<html"), "{answer}");
}

#[tokio::test]
async fn too_many_headers_are_refused_and_slow_heads_time_out() {
    let app = Ec2Api::builder(Arc::new(Nothing)).build();
    let config = ServerConfig {
        max_headers: 10,
        header_read_timeout: Duration::from_millis(300),
        ..ServerConfig::default()
    };
    let (address, _stop, _task) = start(app, config).await;
    let mut raw = "GET / HTTP/1.1\r\nHost: x\r\n".to_owned();
    for n in 0..20 {
        raw.push_str(&format!("X-Filler-{n}: y\r\n"));
    }
    raw.push_str("\r\n");
    let answer = exchange(address, raw.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 431 "), "{answer}");

    let mut slow = TcpStream::connect(address).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut answer)).await;
    assert!(
        read.is_ok(),
        "the server closed the slow connection within its timeout"
    );
}

#[tokio::test]
async fn a_body_slower_than_the_read_timeout_gets_ec2_error_xml_with_408() {
    let app = Ec2Api::builder(Arc::new(Nothing)).build();
    let config = ServerConfig {
        body_read_timeout: Duration::from_millis(200),
        ..ServerConfig::default()
    };
    let (address, _stop, _task) = start(app, config).await;
    let raw = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc";
    let answer = exchange(address, raw).await;
    assert!(
        answer.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
        "{answer}"
    );
    assert!(answer.contains("<Code>RequestTimeout</Code>"), "{answer}");
}

#[tokio::test]
async fn a_malformed_chunked_body_gets_ec2_error_xml_with_400() {
    let app = Ec2Api::builder(Arc::new(Nothing)).build();
    let (address, _stop, _task) = start(app, ServerConfig::default()).await;
    let raw = b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
    let answer = exchange(address, raw).await;
    assert!(
        answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{answer}"
    );
    assert!(answer.contains("<Code>InvalidRequest</Code>"), "{answer}");
    assert!(
        answer.contains("<Message>The request body is malformed or incomplete.</Message>"),
        "{answer}"
    );
}

#[tokio::test]
async fn shutdown_lets_a_request_in_flight_finish() {
    let app: Arc<dyn Application> = Arc::new(from_fn(|_request: Request| async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        Ok::<_, BoxError>(Response::new(Body::from("finished")))
    }));
    let (address, stop, task) = start(app, ServerConfig::default()).await;
    let request = tokio::spawn(exchange(
        address,
        b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ));
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).unwrap();
    let answer = request.await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with("finished"), "{answer}");
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap();
    assert!(
        TcpStream::connect(address).await.is_err(),
        "the listener is closed"
    );
}
