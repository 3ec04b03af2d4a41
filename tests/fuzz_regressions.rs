//! Inputs the fuzz targets in `fuzz/` found or lean on, replayed through the whole chain
//! with the protocol error each must get.
#![cfg(feature = "fake")]

use cumulo::testing::TestCloud;

#[tokio::test]
async fn a_list_index_of_nineteen_digits_is_invalid_parameter_value() {
    let cloud = TestCloud::new();

    let answer = cloud
        .client()
        .call(
            "DescribeInstances",
            &[("InstanceId.1234567890123456789", "i-1")],
        )
        .await;

    assert_eq!(answer.status, 400);
    assert_eq!(answer.error_code(), Some("InvalidParameterValue"));
}

#[tokio::test]
async fn a_parameter_name_of_thirteen_segments_is_unknown_parameter() {
    let cloud = TestCloud::new();

    let answer = cloud
        .client()
        .call(
            "DescribeInstances",
            &[("Filter.1.a.b.c.d.e.f.g.h.i.j.k", "x")],
        )
        .await;

    assert_eq!(answer.status, 400);
    assert_eq!(answer.error_code(), Some("UnknownParameter"));
}

#[tokio::test]
async fn an_empty_segment_in_a_parameter_name_is_unknown_parameter() {
    let cloud = TestCloud::new();

    let answer = cloud
        .client()
        .call("DescribeInstances", &[("Filter..Name", "x")])
        .await;

    assert_eq!(answer.status, 400);
    assert_eq!(answer.error_code(), Some("UnknownParameter"));
}
