//! What the embedding tests share: signed EC2 requests and a raw HTTP/1.1 exchange over a
//! real socket.
// Each test file uses a part of it.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use cumulo::core::{Body, Request};
use cumulo::ec2::auth::signer::sign_v4;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The credential the examples accept.
pub const ACCESS_KEY: &str = "cumulo";
/// Its secret.
pub const SECRET: &str = "cumulo-secret";

/// A SigV4-signed EC2 POST of `action` to `path`, as an SDK sends it.
pub fn signed(path: &str, action: &str, params: &[(&str, &str)]) -> Request {
    let mut body = form_urlencoded::Serializer::new(String::new());
    body.append_pair("Action", action)
        .append_pair("Version", "2016-11-15");
    for (name, value) in params {
        body.append_pair(name, value);
    }
    let mut request = http::Request::builder()
        .method("POST")
        .uri(path)
        .header("host", "ec2.us-east-1.amazonaws.com")
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(Body::from(body.finish()))
        .unwrap();
    let now = time::OffsetDateTime::now_utc();
    sign_v4(
        &mut request,
        ACCESS_KEY,
        SECRET.as_bytes(),
        "us-east-1",
        "ec2",
        now,
    );
    request
}

/// A GET of `path` with `headers`.
pub fn get(path: &str, headers: &[(&str, &str)]) -> Request {
    let mut builder = http::Request::builder().uri(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Body::empty()).unwrap()
}

/// What the server answered.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    /// The head, lowercased.
    pub head: String,
    pub body: String,
}

/// Sends `request` over a new connection and reads the answer to its end.
pub async fn send(address: SocketAddr, request: &Request) -> Answer {
    let mut raw = format!("{} {} HTTP/1.1\r\n", request.method(), request.uri());
    for (name, value) in request.headers() {
        raw.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    if !request.headers().contains_key("host") {
        raw.push_str("host: localhost\r\n");
    }
    raw.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        request.body().len()
    ));
    let mut bytes = raw.into_bytes();
    bytes.extend_from_slice(request.body().as_bytes());
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(&bytes).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("the server answers")
        .unwrap();
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a response head");
    Answer {
        status: head[9..12].parse().unwrap(),
        head: head.to_ascii_lowercase(),
        body: decode_chunked(&head.to_ascii_lowercase(), body),
    }
}

/// The body of a chunked answer, or the body as it came.
fn decode_chunked(head: &str, body: &str) -> String {
    if !head.contains("transfer-encoding: chunked") {
        return body.to_owned();
    }
    let mut decoded = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        decoded.push_str(&after[..size]);
        rest = &after[size + 2..];
    }
    decoded
}

/// The text between `start` and `end` in `text`.
pub fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).expect(start) + start.len();
    let to = text[from..].find(end).expect(end) + from;
    &text[from..to]
}
