//! The test helpers: the fake behind the chain, in process and on an ephemeral port.
#![cfg(all(feature = "fake", feature = "hyper"))]

use cumulo::testing::{OTHER_ACCESS_KEY, OTHER_SECRET, TestCloud};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn in_process_calls_are_signed_and_scoped_to_their_project() {
    let cloud = TestCloud::new();
    let ids = cloud.fake().seed_instances("default", "us-east-1", 2);
    assert_eq!(ids.len(), 2);

    let mine = cloud.client().call("DescribeInstances", &[]).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert_eq!(mine.body.matches("<instanceId>").count(), 2);

    let other = cloud.client_for(OTHER_ACCESS_KEY, OTHER_SECRET);
    let theirs = other
        .call("DescribeInstances", &[("InstanceId.1", &ids[0])])
        .await;
    assert_eq!(theirs.status, 400);
    assert_eq!(theirs.error_code(), Some("InvalidInstanceID.NotFound"));

    let forged = cloud.client_for(OTHER_ACCESS_KEY, "not-the-secret");
    let refused = forged.call("DescribeRegions", &[]).await;
    assert_eq!(
        (refused.status, refused.error_code()),
        (401, Some("AuthFailure"))
    );
}

#[tokio::test]
async fn served_on_an_ephemeral_port_it_answers_signed_http_requests() {
    let cloud = TestCloud::new();
    let server = cloud.serve().await.unwrap();
    assert_eq!(server.address().ip().to_string(), "127.0.0.1");
    assert_ne!(server.address().port(), 0);
    assert_eq!(server.endpoint(), format!("http://{}", server.address()));

    let request = cloud
        .client()
        .signed_request("DescribeAvailabilityZones", &[]);
    let mut raw = format!("{} {} HTTP/1.1\r\n", request.method(), request.uri());
    for (name, value) in request.headers() {
        raw.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    raw.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        request.body().len()
    ));
    let mut stream = tokio::net::TcpStream::connect(server.address())
        .await
        .unwrap();
    stream.write_all(raw.as_bytes()).await.unwrap();
    stream.write_all(request.body().as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    for zone in ["us-east-1a", "us-east-1b", "us-east-1c"] {
        assert!(
            answer.contains(&format!("<zoneName>{zone}</zoneName>")),
            "{answer}"
        );
    }
    server.shutdown().await;
}
