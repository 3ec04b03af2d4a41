//! Several APIs on one port, told apart by `Host`: EC2 on `ec2.*`, instance metadata on
//! `metadata.*`, and EC2 again under `/services/Cloud` on any other host, all over one
//! `FakeCloud`, through a `UrlMap` served by hyper.
//!
//! ```text
//! cargo run --example one_port -- --listen 127.0.0.1:8780
//! curl -H 'Host: metadata.localhost' http://127.0.0.1:8780/
//! AWS_ACCESS_KEY_ID=cumulo AWS_SECRET_ACCESS_KEY=cumulo-secret \
//!     aws ec2 describe-regions --endpoint-url http://127.0.0.1:8780/services/Cloud \
//!     --region us-east-1
//! ```
//!
//! The aws CLI reaches the `ec2.*` mount too, through a name that resolves to this host
//! (`--endpoint-url http://ec2.localhost:8780` where `*.localhost` resolves to loopback).

use std::net::SocketAddr;
use std::sync::Arc;

use cumulo::core::{Application, BoxError, HostPattern, Request, Response, UrlMap, from_fn};
use cumulo::ec2::Ec2Api;
use cumulo::ec2::auth::{Credential, StaticCredentials};
use cumulo::fake::FakeCloud;
use cumulo::metadata::MetadataService;
use cumulo::server::Server;

/// One `UrlMap` over one fake: EC2 and metadata by subdomain, EC2 by path elsewhere, 404
/// for the rest.
pub fn apis(fake: &FakeCloud) -> Arc<dyn Application> {
    let credentials = StaticCredentials::new().with(Credential::new(
        "cumulo",
        "cumulo-secret",
        "cumulo",
        "default",
    ));
    let ec2 = Ec2Api::builder(Arc::new(fake.clone()))
        .signature(Arc::new(credentials))
        .build();
    let metadata: Arc<dyn Application> =
        Arc::new(MetadataService::builder(Arc::new(fake.clone())).build());
    let map = UrlMap::new()
        .mount_host(HostPattern::Subdomain("ec2".into()), "/", ec2.clone())
        .mount_host(HostPattern::Subdomain("metadata".into()), "/", metadata)
        .mount("/services/Cloud", ec2)
        .mount("/", Arc::new(from_fn(not_found)));
    Arc::new(map)
}

/// What every other path answers.
async fn not_found(_request: Request) -> Result<Response, BoxError> {
    let mut response = Response::new("Not Found".into());
    *response.status_mut() = http::StatusCode::NOT_FOUND;
    Ok(response)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut listen: SocketAddr = "127.0.0.1:8780".parse().expect("a valid address");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--listen", Some(address)) => {
                listen = address.parse().map_err(|_| {
                    std::io::Error::new(std::io::ErrorKind::InvalidInput, "--listen ADDR")
                })?;
            }
            _ => {
                eprintln!("usage: one_port [--listen ADDR]");
                std::process::exit(2);
            }
        }
    }
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let address = listener.local_addr()?;
    println!("listening on http://{address}");
    println!("  Host ec2.*: EC2 (access key cumulo, secret cumulo-secret)");
    println!("  Host metadata.*: instance metadata");
    println!("  any other host: EC2 under /services/Cloud");
    Server::new(apis(&FakeCloud::new())).serve(listener).await
}
