//! The metadata service over a real socket: an instance launched through the EC2 chain
//! reads its id, key and user data, with and without a session token and through a
//! metadata proxy's signed headers.
#![cfg(all(feature = "hyper", feature = "fake", feature = "metadata"))]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use cumulo::fake::LoopbackAsNewest;
use cumulo::metadata::{MetadataService, instance_id_signature};
use cumulo::server::Server;
use cumulo::testing::TestCloud;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const PROXY_SECRET: &str = "proxy-secret";
const USER_DATA: &[u8] = b"#!/bin/sh\necho \xff\x00binary\n";

/// A cloud with one launched instance, and its metadata service on a loopback port where
/// local callers play that instance.
struct Launched {
    cloud: TestCloud,
    metadata: SocketAddr,
    instance_id: String,
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).expect(start) + start.len();
    let to = text[from..].find(end).expect(end) + from;
    &text[from..to]
}

async fn launch(http_tokens: &str) -> Launched {
    use base64::Engine;
    let cloud = TestCloud::new();
    let client = cloud.client();
    let images = client.call("DescribeImages", &[]).await;
    let image_id = between(&images.body, "<imageId>", "</imageId>").to_owned();
    let key = client
        .call(
            "CreateKeyPair",
            &[("KeyName", "deployer"), ("KeyType", "ed25519")],
        )
        .await;
    assert_eq!(key.status, 200, "{}", key.body);
    let user_data = base64::engine::general_purpose::STANDARD.encode(USER_DATA);
    let run = client
        .call(
            "RunInstances",
            &[
                ("ImageId", &image_id),
                ("MinCount", "1"),
                ("MaxCount", "1"),
                ("KeyName", "deployer"),
                ("UserData", &user_data),
                ("MetadataOptions.HttpTokens", http_tokens),
            ],
        )
        .await;
    assert_eq!(run.status, 200, "{}", run.body);
    let instance_id = between(&run.body, "<instanceId>", "</instanceId>").to_owned();

    let provider = LoopbackAsNewest::new(cloud.fake().clone(), "default");
    let service = MetadataService::builder(Arc::new(provider))
        .shared_secret(PROXY_SECRET)
        .build();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let metadata = listener.local_addr().unwrap();
    tokio::spawn(Server::new(Arc::new(service)).serve(listener));
    Launched {
        cloud,
        metadata,
        instance_id,
    }
}

struct Answer {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

async fn http(address: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut raw = format!("{method} {path} HTTP/1.1\r\nHost: 169.254.169.254\r\n");
    for (name, value) in headers {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str("Content-Length: 0\r\nConnection: close\r\n\r\n");
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(raw.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .expect("the server answers")
        .unwrap();
    let split = answer
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&answer[..split]).into_owned();
    let status = head[9..12].parse().unwrap();
    Answer {
        status,
        headers: head.to_ascii_lowercase(),
        body: answer[split + 4..].to_vec(),
    }
}

#[tokio::test]
async fn an_instance_reads_its_id_key_and_user_data_without_a_token() {
    let launched = launch("optional").await;
    let get = |path: &'static str| http(launched.metadata, "GET", path, &[]);

    let id = get("/latest/meta-data/instance-id").await;
    assert_eq!((id.status, id.text()), (200, launched.instance_id.clone()));
    assert!(
        id.headers.contains("content-type: text/plain"),
        "{}",
        id.headers
    );

    let keys = get("/latest/meta-data/public-keys/").await;
    assert_eq!((keys.status, keys.text()), (200, "0=deployer".to_owned()));
    let key = get("/latest/meta-data/public-keys/0/openssh-key").await;
    assert_eq!(key.status, 200);
    assert!(key.text().starts_with("ssh-ed25519 AAAA"), "{}", key.text());
    let described = launched
        .cloud
        .client()
        .call(
            "DescribeKeyPairs",
            &[("KeyName.1", "deployer"), ("IncludePublicKey", "true")],
        )
        .await;
    let public_key = between(&described.body, "<publicKey>", "</publicKey>");
    assert_eq!(key.text().trim(), public_key.trim());

    let user_data = get("/latest/user-data").await;
    assert_eq!(
        (user_data.status, user_data.body.as_slice()),
        (200, USER_DATA)
    );
    let openstack = get("/openstack/latest/user_data").await;
    assert_eq!(openstack.body, USER_DATA);

    let missing = get("/latest/meta-data/no-such-key").await;
    assert_eq!(
        (missing.status, missing.text()),
        (404, "Not Found".to_owned())
    );
}

#[tokio::test]
async fn with_http_tokens_required_only_a_session_token_opens_the_tree() {
    let launched = launch("required").await;
    let address = launched.metadata;

    let without = http(address, "GET", "/latest/meta-data/instance-id", &[]).await;
    assert_eq!(
        (without.status, without.text()),
        (401, "Unauthorized".to_owned())
    );

    let ttl = ("X-aws-ec2-metadata-token-ttl-seconds", "300");
    let token = http(address, "PUT", "/latest/api/token", &[ttl]).await;
    assert_eq!(token.status, 200, "{}", token.text());
    assert!(
        token
            .headers
            .contains("x-aws-ec2-metadata-token-ttl-seconds: 300")
    );
    let token = token.text();

    let with = [("X-aws-ec2-metadata-token", token.as_str())];
    let id = http(address, "GET", "/latest/meta-data/instance-id", &with).await;
    assert_eq!((id.status, id.text()), (200, launched.instance_id.clone()));

    let forwarded = http(
        address,
        "PUT",
        "/latest/api/token",
        &[ttl, ("X-Forwarded-For", "10.1.2.3")],
    )
    .await;
    assert_eq!(forwarded.status, 403);
    let no_ttl = http(address, "PUT", "/latest/api/token", &[]).await;
    assert_eq!(no_ttl.status, 400);
    let forged = [("X-aws-ec2-metadata-token", "forged")];
    let refused = http(address, "GET", "/latest/meta-data/instance-id", &forged).await;
    assert_eq!(refused.status, 401);
}

#[tokio::test]
async fn a_metadata_proxy_names_the_instance_with_signed_headers() {
    let launched = launch("optional").await;
    let id = launched.instance_id.as_str();
    let signature = instance_id_signature(PROXY_SECRET.as_bytes(), id);
    let signed = |tenant: &'static str, signature: String| {
        let headers = [
            ("X-Instance-ID", id.to_owned()),
            ("X-Tenant-ID", tenant.to_owned()),
            ("X-Instance-ID-Signature", signature),
        ];
        async move {
            let headers: Vec<(&str, &str)> =
                headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
            http(
                launched.metadata,
                "GET",
                "/latest/meta-data/instance-id",
                &headers,
            )
            .await
        }
    };

    let answer = signed("default", signature.clone()).await;
    assert_eq!((answer.status, answer.text()), (200, id.to_owned()));
    let wrong_tenant = signed("other", signature).await;
    assert_eq!(wrong_tenant.status, 404);
    let forged = signed("default", instance_id_signature(b"guess", id)).await;
    assert_eq!(forged.status, 403);
}
