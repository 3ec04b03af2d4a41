//! A bare hyper server that answers every request with the same bytes: the baseline
//! `scripts/bench-http` measures the EC2 server against.
//!
//! ```text
//! cargo run --release --example bare_hyper -- --listen 127.0.0.1:0 response.xml
//! ```
//!
//! It prints `listening on http://ADDR` once bound, then serves HTTP/1.1 and HTTP/2
//! with `content-type: text/xml` and the file's bytes as the body.

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderValue, Request, Response};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;

const USAGE: &str = "usage: bare_hyper [--listen ADDR] RESPONSE_FILE";

struct Options {
    listen: SocketAddr,
    response_file: String,
}

fn parse_options() -> Result<Options, String> {
    let mut listen: SocketAddr = "127.0.0.1:8080".parse().expect("a valid default address");
    let mut response_file = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => {
                let value = args.next().ok_or("--listen needs an address")?;
                listen = value
                    .parse()
                    .map_err(|error| format!("--listen {value}: {error}"))?;
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            _ if response_file.is_none() && !arg.starts_with('-') => response_file = Some(arg),
            _ => return Err(format!("unexpected argument {arg}\n{USAGE}")),
        }
    }
    let response_file = response_file.ok_or(USAGE)?;
    Ok(Options {
        listen,
        response_file,
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let body = Bytes::from(std::fs::read(&options.response_file)?);

    let listener = TcpListener::bind(options.listen).await?;
    println!("listening on http://{}", listener.local_addr()?);
    std::io::stdout().flush()?;

    loop {
        let (stream, _) = listener.accept().await?;
        let body = body.clone();
        tokio::spawn(async move {
            let service = service_fn(move |_request: Request<Incoming>| {
                let mut response = Response::new(Full::new(body.clone()));
                response
                    .headers_mut()
                    .insert(CONTENT_TYPE, HeaderValue::from_static("text/xml"));
                async move { Ok::<_, Infallible>(response) }
            });
            // A client that drops its connection mid-request is no concern of a baseline.
            let _ = auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
