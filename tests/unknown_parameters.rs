//! A parameter the action does not have is refused with `UnknownParameter` (HTTP 400)
//! before the action runs, as AWS does, rather than dropped to widen or change the call.
#![cfg(feature = "fake")]

use cumulo::testing::{Ec2Answer, TestCloud};

fn assert_unknown(answer: &Ec2Answer, key: &str) {
    assert_eq!(
        (answer.status, answer.error_code()),
        (400, Some("UnknownParameter")),
        "{key}: {}",
        answer.body
    );
    let message = format!("<Message>The parameter {key} is not recognized</Message>");
    assert!(answer.body.contains(&message), "{key}: {}", answer.body);
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).expect("the start tag") + start.len();
    let to = text[from..].find(end).expect("the end tag") + from;
    &text[from..to]
}

#[tokio::test]
async fn describe_instances_with_a_parameter_it_lacks_is_refused_not_answered_with_all() {
    let cloud = TestCloud::new();
    cloud.fake().seed_instances("default", "us-east-1", 2);

    for key in [
        "InstXanceId.1",
        "InstanceId.-1",
        "InstanceId.abc",
        "InstanceId.+1",
        "Instance\u{e9}Id.1",
    ] {
        let answer = cloud
            .client()
            .call("DescribeInstances", &[(key, "i-12345678")])
            .await;
        assert_unknown(&answer, key);
    }
    let misspelled_filter = [("Filter.1.Name", "instance-id"), ("Filter.1.Nmae", "x")];
    let answer = cloud
        .client()
        .call("DescribeInstances", &misspelled_filter)
        .await;
    assert_unknown(&answer, "Filter.1.Nmae");

    let all = cloud.client().call("DescribeInstances", &[]).await;
    assert_eq!(all.body.matches("<instanceId>").count(), 2);
}

#[tokio::test]
async fn describe_images_with_a_negative_index_is_refused() {
    let cloud = TestCloud::new();

    let answer = cloud
        .client()
        .call("DescribeImages", &[("ImageId.-1", "ami-12345678")])
        .await;

    assert_unknown(&answer, "ImageId.-1");
}

#[tokio::test]
async fn run_instances_with_a_misspelled_parameter_launches_nothing() {
    let cloud = TestCloud::new();
    let images = cloud.client().call("DescribeImages", &[]).await;
    let image_id = between(&images.body, "<imageId>", "</imageId>").to_owned();
    let launch = |extra: (&'static str, &'static str)| {
        [
            ("ImageId", image_id.clone()),
            ("MinCount", "1".to_owned()),
            ("MaxCount", "1".to_owned()),
            (extra.0, extra.1.to_owned()),
        ]
    };

    let misspelled = launch(("InstanceTpye", "t3.micro"));
    let pairs: Vec<(&str, &str)> = misspelled.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = cloud.client().call("RunInstances", &pairs).await;

    assert_unknown(&refused, "InstanceTpye");
    let described = cloud.client().call("DescribeInstances", &[]).await;
    assert_eq!(described.status, 200, "{}", described.body);
    assert_eq!(described.body.matches("<instanceId>").count(), 0);

    // A parameter of RunInstances' AWS shape that the fake does not act on is accepted.
    let spot = launch(("InstanceMarketOptions.SpotOptions.MaxPrice", "0.01"));
    let pairs: Vec<(&str, &str)> = spot.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let launched = cloud.client().call("RunInstances", &pairs).await;
    assert_eq!(launched.status, 200, "{}", launched.body);
}

#[tokio::test]
async fn dry_run_and_the_common_parameters_stay_accepted() {
    let cloud = TestCloud::new();

    let dry_run = cloud
        .client()
        .call("DescribeInstances", &[("DryRun", "true")])
        .await;

    assert_eq!(
        (dry_run.status, dry_run.error_code()),
        (412, Some("DryRunOperation"))
    );
}
