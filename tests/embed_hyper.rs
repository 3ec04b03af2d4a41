//! The one-port example, driven over a real socket: EC2 and metadata told apart by the
//! `Host` subdomain through a `UrlMap`, EC2 under `/services/Cloud` on other hosts.
#![cfg(all(feature = "hyper", feature = "fake", feature = "metadata"))]

mod support;

#[allow(dead_code)]
#[path = "../examples/one_port.rs"]
mod example;

use std::net::SocketAddr;

use cumulo::fake::FakeCloud;
use cumulo::server::Server;
use support::{get, send, signed};

async fn serve_example() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(Server::new(example::apis(&FakeCloud::new())).serve(listener));
    address
}

#[tokio::test]
async fn the_ec2_subdomain_answers_ec2() {
    let address = serve_example().await;
    // Signed for host ec2.us-east-1.amazonaws.com, whose first label is `ec2`.
    let answer = send(address, &signed("/", "DescribeRegions", &[])).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.body.contains("<regionName>us-east-1</regionName>"));
}

#[tokio::test]
async fn the_metadata_subdomain_answers_metadata() {
    let address = serve_example().await;
    let versions = send(address, &get("/", &[("host", "metadata.localhost")])).await;
    assert_eq!(versions.status, 200);
    assert!(
        versions.head.contains("content-type: text/plain"),
        "{}",
        versions.head
    );
    assert!(
        versions.body.ends_with("2009-04-04\nlatest"),
        "{}",
        versions.body
    );
    // Nothing runs at 127.0.0.1 in the fake.
    let unknown = get("/latest/meta-data/", &[("host", "metadata.localhost")]);
    let answer = send(address, &unknown).await;
    assert_eq!((answer.status, answer.body.as_str()), (404, "Not Found"));
}

#[tokio::test]
async fn other_hosts_get_ec2_under_services_cloud_only() {
    let address = serve_example().await;
    let mut request = signed("/services/Cloud/", "DescribeRegions", &[]);
    request
        .headers_mut()
        .insert("host", http::HeaderValue::from_static("cloud.localhost"));
    // The signature covered the host, so EC2 refuses it: but EC2 answered, in EC2 XML.
    let answer = send(address, &request).await;
    assert!(
        answer.body.contains("<Errors><Error><Code>"),
        "{}",
        answer.body
    );
    let nowhere = send(address, &get("/elsewhere", &[("host", "cloud.localhost")])).await;
    assert_eq!(nowhere.status, 404);
}
