//! The axum example, driven over a real socket: EC2 routed at `/services/Cloud` through
//! tower-http's `TraceLayer`, the Compute API under `/compute`, and an instance reading
//! its metadata under `/metadata`.
#![cfg(all(
    feature = "tower",
    feature = "fake",
    feature = "metadata",
    feature = "openstack"
))]

mod support;

#[allow(dead_code)]
#[path = "../examples/axum_apis.rs"]
mod example;

use std::net::SocketAddr;
use std::sync::Arc;

use cumulo::core::Application;
use cumulo::fake::{FakeCloud, LoopbackAsNewest};
use cumulo::metadata::MetadataService;
use support::{between, get, send, signed};

async fn serve_example() -> SocketAddr {
    let fake = FakeCloud::new();
    let ec2 = example::ec2_api(&fake);
    let provider = LoopbackAsNewest::new(fake.clone(), "default");
    let metadata: Arc<dyn Application> =
        Arc::new(MetadataService::builder(Arc::new(provider)).build());
    let compute = example::compute_api(&fake);
    let router = example::router(ec2, compute, metadata);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await });
    address
}

#[tokio::test]
async fn a_signed_ec2_call_is_answered_under_services_cloud() {
    let address = serve_example().await;
    for path in ["/services/Cloud", "/services/Cloud/"] {
        let answer = send(address, &signed(path, "DescribeRegions", &[])).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        assert!(
            answer.body.contains("<regionName>us-east-1</regionName>"),
            "{}",
            answer.body
        );
    }
    let elsewhere = send(address, &signed("/other", "DescribeRegions", &[])).await;
    assert_eq!(elsewhere.status, 404);
}

#[tokio::test]
async fn an_instance_reads_its_metadata_under_metadata() {
    let address = serve_example().await;
    let images = send(address, &signed("/services/Cloud/", "DescribeImages", &[])).await;
    let image_id = between(&images.body, "<imageId>", "</imageId>").to_owned();
    let launch = [
        ("ImageId", image_id.as_str()),
        ("MinCount", "1"),
        ("MaxCount", "1"),
        ("MetadataOptions.HttpTokens", "optional"),
    ];
    let run = send(
        address,
        &signed("/services/Cloud/", "RunInstances", &launch),
    )
    .await;
    assert_eq!(run.status, 200, "{}", run.body);
    let instance_id = between(&run.body, "<instanceId>", "</instanceId>");

    let answer = send(address, &get("/metadata/latest/meta-data/instance-id", &[])).await;
    assert_eq!((answer.status, answer.body.as_str()), (200, instance_id));
}

#[tokio::test]
async fn compute_answers_under_compute_with_links_that_keep_the_prefix() {
    let address = serve_example().await;
    let document = send(address, &get("/compute/v2.1/", &[])).await;
    assert_eq!(document.status, 200, "{}", document.body);
    assert!(
        document
            .body
            .contains(r#"{"href":"http://localhost/compute/v2.1/","rel":"self"}"#),
        "{}",
        document.body
    );
    let versions = send(address, &get("/compute/", &[])).await;
    assert_eq!(versions.status, 200, "{}", versions.body);
    assert!(
        versions
            .body
            .contains(r#"{"href":"http://localhost/compute/v2.1/","rel":"self"}"#),
        "{}",
        versions.body
    );

    // An instance launched through EC2 is a server of the same project in Compute.
    let images = send(address, &signed("/services/Cloud/", "DescribeImages", &[])).await;
    let image_id = between(&images.body, "<imageId>", "</imageId>").to_owned();
    let launch = [
        ("ImageId", image_id.as_str()),
        ("MinCount", "1"),
        ("MaxCount", "1"),
    ];
    let run = send(
        address,
        &signed("/services/Cloud/", "RunInstances", &launch),
    )
    .await;
    assert_eq!(run.status, 200, "{}", run.body);
    let instance_id = between(&run.body, "<instanceId>", "</instanceId>");
    let token = [("X-Auth-Token", "demo:default")];
    let servers = send(address, &get("/compute/v2.1/servers", &token)).await;
    assert_eq!(servers.status, 200, "{}", servers.body);
    // A server without a Name tag is named after its instance id.
    assert!(
        servers.body.contains(&format!(r#""name":"{instance_id}""#)),
        "{}",
        servers.body
    );
    let missing = send(address, &get("/compute/v2.1/servers/nothing", &token)).await;
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert!(
        missing.body.contains(r#"{"itemNotFound":{"code":404,"#),
        "{}",
        missing.body
    );
}
