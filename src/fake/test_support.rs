//! What the fake's behaviour tests share: a fixed start time, contexts, calls, clouds on
//! a manual clock, filters and tags.

use std::sync::Arc;

use time::macros::datetime;

use super::FakeCloud;
use crate::core::{Context, ManualClock};
use crate::ec2::controller::{CloudController, Ec2Call};
use crate::ec2::error::{Ec2Error, ErrorCode};
use crate::ec2::model::{CreateVolumeInput, DescribeImagesInput, Filter, Tag};

pub(super) const START: time::OffsetDateTime = datetime!(2026-03-04 05:06:07 UTC);

pub(super) fn context(project: &str) -> Context {
    context_in(project, "us-east-1")
}

pub(super) fn context_in(project: &str, region: &str) -> Context {
    Context {
        project_id: project.into(),
        region: Some(region.into()),
        ..Context::default()
    }
}

/// A call of project `default` in us-east-1.
pub(super) fn call<I>(input: I) -> Ec2Call<I> {
    Ec2Call::new(context("default"), input)
}

/// A call of `project` in us-east-1.
pub(super) fn call_as<I>(project: &str, input: I) -> Ec2Call<I> {
    Ec2Call::new(context(project), input)
}

/// A cloud on a manual clock with a five-second transition delay.
pub(super) fn slow_cloud() -> (FakeCloud, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(START));
    let cloud = FakeCloud::builder()
        .clock(clock.clone())
        .transition_delay(time::Duration::seconds(5))
        .build();
    (cloud, clock)
}

/// A cloud on a manual clock whose transitions settle at once.
pub(super) fn quick_cloud() -> FakeCloud {
    FakeCloud::builder()
        .clock(Arc::new(ManualClock::new(START)))
        .build()
}

pub(super) fn filter<V: AsRef<str>>(name: &str, values: &[V]) -> Filter {
    Filter {
        name: name.into(),
        values: values.iter().map(|v| v.as_ref().to_owned()).collect(),
    }
}

pub(super) fn tag(key: &str, value: &str) -> Tag {
    Tag {
        key: key.to_owned().into(),
        value: value.to_owned().into(),
    }
}

/// The id of the catalog's x86_64 Amazon Linux in us-east-1.
pub(super) async fn catalog_image(cloud: &FakeCloud) -> String {
    let images = cloud
        .describe_images(call(DescribeImagesInput {
            filters: vec![filter("name", &["al2023-ami-*-x86_64"])],
            ..Default::default()
        }))
        .await
        .unwrap();
    images.images[0].image_id.clone()
}

/// The error with `code` and `message`, to compare refusals with.
pub(super) fn error(code: ErrorCode, message: &str) -> Ec2Error {
    Ec2Error::new(code, message.to_owned())
}

/// CreateVolume of a `size` GiB volume in us-east-1a.
pub(super) fn volume_input(size: i32) -> CreateVolumeInput {
    CreateVolumeInput {
        availability_zone: Some("us-east-1a".into()),
        size: Some(size),
        ..Default::default()
    }
}
