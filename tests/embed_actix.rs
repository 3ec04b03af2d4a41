//! The actix-web example, driven over a real socket: a signed EC2 call, an EC2 error that
//! stays EC2 XML, the body cap, and an instance reading its metadata.
#![cfg(all(
    feature = "actix",
    feature = "fake",
    feature = "metadata",
    feature = "openstack"
))]

mod support;

#[allow(dead_code)]
#[path = "../examples/actix_apis.rs"]
mod example;

use std::net::SocketAddr;
use std::sync::Arc;

use actix_web::{App, HttpServer};
use cumulo::core::Application;
use cumulo::fake::{FakeCloud, LoopbackAsNewest};
use cumulo::metadata::MetadataService;
use support::{between, get, send, signed};

/// The example's app over a new fake, on an ephemeral port.
fn serve_example() -> SocketAddr {
    let fake = FakeCloud::new();
    let ec2 = example::ec2_api(&fake);
    let compute = example::compute_api(&fake);
    let provider = LoopbackAsNewest::new(fake, "default");
    let metadata: Arc<dyn Application> =
        Arc::new(MetadataService::builder(Arc::new(provider)).build());
    let apis = example::Apis {
        ec2,
        compute,
        metadata,
    };
    let server = HttpServer::new(move || {
        let apis = apis.clone();
        App::new().configure(move |config| example::mount(config, apis))
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let address = server.addrs()[0];
    tokio::spawn(server.run());
    address
}

#[tokio::test]
async fn a_signed_ec2_call_is_answered_at_the_root_and_under_services_cloud() {
    let address = serve_example();
    for path in ["/", "/services/Cloud/"] {
        let answer = send(address, &signed(path, "DescribeRegions", &[])).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        assert!(
            answer.body.contains("<regionName>us-east-1</regionName>"),
            "{}",
            answer.body
        );
        assert!(
            answer.head.contains("content-type: text/xml"),
            "{}",
            answer.head
        );
    }
}

#[tokio::test]
async fn an_unsigned_call_gets_ec2_error_xml_not_html() {
    let address = serve_example();
    let mut request = signed("/", "DescribeRegions", &[]);
    request.headers_mut().remove("authorization");
    let answer = send(address, &request).await;
    assert!(answer.status >= 400, "{answer:?}");
    assert!(
        answer.body.starts_with("<?xml") || answer.body.starts_with("<Response>"),
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("<Errors><Error><Code>"),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn a_body_over_the_cap_is_413_in_the_protocols_format() {
    let fake = FakeCloud::new();
    let ec2 = example::ec2_api(&fake);
    let server = HttpServer::new(move || {
        let route = cumulo::actix::ActixService::new(ec2.clone())
            .body_limit(64)
            .into_route();
        App::new().default_service(route)
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let address = server.addrs()[0];
    tokio::spawn(server.run());
    let padding = "x".repeat(200);
    let answer = send(
        address,
        &signed("/", "DescribeRegions", &[("Padding", &padding)]),
    )
    .await;
    assert_eq!(answer.status, 413, "{}", answer.body);
    assert!(
        answer.body.contains("<Code>RequestEntityTooLarge</Code>"),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn an_instance_reads_its_metadata_under_the_metadata_scope() {
    let address = serve_example();
    let images = send(address, &signed("/", "DescribeImages", &[])).await;
    let image_id = between(&images.body, "<imageId>", "</imageId>").to_owned();
    let launch = [
        ("ImageId", image_id.as_str()),
        ("MinCount", "1"),
        ("MaxCount", "1"),
        ("MetadataOptions.HttpTokens", "optional"),
    ];
    let run = send(address, &signed("/", "RunInstances", &launch)).await;
    assert_eq!(run.status, 200, "{}", run.body);
    let instance_id = between(&run.body, "<instanceId>", "</instanceId>");

    let answer = send(address, &get("/metadata/latest/meta-data/instance-id", &[])).await;
    assert_eq!((answer.status, answer.body.as_str()), (200, instance_id));
    let versions = send(address, &get("/metadata/", &[])).await;
    assert!(
        versions.body.ends_with("2009-04-04\nlatest"),
        "{}",
        versions.body
    );
}

#[tokio::test]
async fn compute_answers_under_compute_and_sees_ec2_instances() {
    let address = serve_example();
    let document = send(address, &get("/compute/v2.1/", &[])).await;
    assert_eq!(document.status, 200, "{}", document.body);
    assert!(
        document
            .body
            .contains(r#"{"href":"http://localhost/compute/v2.1/","rel":"self"}"#),
        "{}",
        document.body
    );

    let images = send(address, &signed("/", "DescribeImages", &[])).await;
    let image_id = between(&images.body, "<imageId>", "</imageId>").to_owned();
    let launch = [
        ("ImageId", image_id.as_str()),
        ("MinCount", "1"),
        ("MaxCount", "1"),
    ];
    let run = send(address, &signed("/", "RunInstances", &launch)).await;
    assert_eq!(run.status, 200, "{}", run.body);
    let instance_id = between(&run.body, "<instanceId>", "</instanceId>");
    let token = [("X-Auth-Token", "demo:default")];
    let servers = send(address, &get("/compute/v2.1/servers", &token)).await;
    assert_eq!(servers.status, 200, "{}", servers.body);
    assert!(
        servers.body.contains(&format!(r#""name":"{instance_id}""#)),
        "{}",
        servers.body
    );
    let other = [("X-Auth-Token", "eve:other")];
    let hidden = send(address, &get("/compute/v2.1/servers", &other)).await;
    assert_eq!(hidden.body, r#"{"servers":[]}"#);
}
