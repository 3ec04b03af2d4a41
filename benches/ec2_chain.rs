//! The whole EC2 chain in process, SigV4 verification included: DescribeInstances over
//! 100 instances, DescribeRegions (a small action), and lookups by id (DescribeInstances,
//! DescribeVolumes) with 10 and with 100,000 resources stored.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use cumulo::core::{Body, Request, SystemClock};
use cumulo::fake::{FakeCloud, Quotas};
use cumulo::testing::TestCloud;

/// A request that can be sent again and again: `http::Request` is not `Clone`.
struct Template {
    parts: http::request::Parts,
    body: Body,
}

impl Template {
    fn new(request: Request) -> Self {
        let (parts, body) = request.into_parts();
        Template { parts, body }
    }

    fn request(&self) -> Request {
        let mut builder = http::Request::builder()
            .method(self.parts.method.clone())
            .uri(self.parts.uri.clone());
        for (name, value) in &self.parts.headers {
            builder = builder.header(name, value);
        }
        builder.body(self.body.clone()).expect("a valid request")
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

fn chain(c: &mut Criterion) {
    let runtime = runtime();
    let cloud = TestCloud::new();
    cloud.fake().seed_instances("default", "us-east-1", 100);
    let app = cloud.app();
    let client = cloud.client();

    let describe_instances = Template::new(client.signed_request("DescribeInstances", &[]));
    let check = runtime
        .block_on(app.call(describe_instances.request()))
        .expect("an answer");
    assert_eq!(check.status(), 200, "{:?}", check.body());
    let xml = String::from_utf8_lossy(check.body().as_bytes()).into_owned();
    assert_eq!(xml.matches("<instanceId>").count(), 100);

    c.bench_function("chain/describe_instances_100", |b| {
        b.to_async(&runtime).iter(|| async {
            black_box(
                app.call(describe_instances.request())
                    .await
                    .expect("an answer"),
            )
        })
    });

    let describe_regions = Template::new(client.signed_request("DescribeRegions", &[]));
    c.bench_function("chain/describe_regions", |b| {
        b.to_async(&runtime).iter(|| async {
            black_box(
                app.call(describe_regions.request())
                    .await
                    .expect("an answer"),
            )
        })
    });
}

fn lookup_by_id(c: &mut Criterion) {
    let runtime = runtime();
    let mut group = c.benchmark_group("lookup_by_id");
    for stored in [10usize, 100_000] {
        let cloud = TestCloud::new();
        let ids = cloud.fake().seed_instances("default", "us-east-1", stored);
        let target = ids[ids.len() / 2].clone();
        let app = cloud.app();
        let request = Template::new(
            cloud
                .client()
                .signed_request("DescribeInstances", &[("InstanceId.1", &target)]),
        );
        let check = runtime
            .block_on(app.call(request.request()))
            .expect("an answer");
        assert_eq!(check.status(), 200);
        group.bench_function(format!("describe_one_of_{stored}"), |b| {
            b.to_async(&runtime)
                .iter(|| async { black_box(app.call(request.request()).await.expect("an answer")) })
        });
    }
    for stored in [10usize, 100_000] {
        // Room for every volume: the default quota is EC2's 5,000.
        let quotas = Quotas {
            volumes: stored,
            ..Quotas::default()
        };
        let fake = FakeCloud::builder().quotas(quotas).build();
        let cloud = TestCloud::with_fake(fake, Arc::new(SystemClock));
        let client = cloud.client();
        let mut target = String::new();
        for n in 0..stored {
            let answer = runtime.block_on(client.call(
                "CreateVolume",
                &[("AvailabilityZone", "us-east-1a"), ("Size", "8")],
            ));
            assert_eq!(answer.status, 200, "{}", answer.body);
            if n == stored / 2 {
                target = between(&answer.body, "<volumeId>", "</volumeId>").to_owned();
            }
        }
        let app = cloud.app();
        let request =
            Template::new(client.signed_request("DescribeVolumes", &[("VolumeId.1", &target)]));
        let check = runtime
            .block_on(app.call(request.request()))
            .expect("an answer");
        assert_eq!(check.status(), 200);
        let xml = String::from_utf8_lossy(check.body().as_bytes()).into_owned();
        assert_eq!(xml.matches("<volumeId>").count(), 1, "{xml}");
        group.bench_function(format!("describe_volume_one_of_{stored}"), |b| {
            b.to_async(&runtime)
                .iter(|| async { black_box(app.call(request.request()).await.expect("an answer")) })
        });
    }
    group.finish();
}

/// The text between the first `start` and the `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).expect("the start marker") + start.len();
    let to = from + text[from..].find(end).expect("the end marker");
    &text[from..to]
}

criterion_group!(benches, chain, lookup_by_id);
criterion_main!(benches);
