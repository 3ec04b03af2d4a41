//! Behaviour of the fake cloud's volumes and snapshots, driven in-process through
//! [`CloudController`].

use super::test_support::*;
use super::*;
use crate::ec2::model::Filter;

fn only(id: &str) -> Vec<String> {
    vec![id.to_owned()]
}

async fn create_volume(cloud: &FakeCloud, input: CreateVolumeInput) -> Result<Volume, Ec2Error> {
    cloud.create_volume(call(input)).await
}

async fn new_volume(cloud: &FakeCloud, size: i32) -> String {
    create_volume(cloud, volume_input(size))
        .await
        .unwrap()
        .volume_id
}

async fn describe_volumes(cloud: &FakeCloud, input: DescribeVolumesInput) -> Vec<Volume> {
    cloud.describe_volumes(call(input)).await.unwrap().volumes
}

async fn volume(cloud: &FakeCloud, volume_id: &str) -> Volume {
    let mut volumes = describe_volumes(
        cloud,
        DescribeVolumesInput {
            volume_ids: vec![volume_id.into()],
            ..Default::default()
        },
    )
    .await;
    assert_eq!(volumes.len(), 1);
    volumes.remove(0)
}

async fn volume_ids_where(cloud: &FakeCloud, filters: Vec<Filter>) -> Vec<String> {
    describe_volumes(
        cloud,
        DescribeVolumesInput {
            filters,
            ..Default::default()
        },
    )
    .await
    .into_iter()
    .map(|volume| volume.volume_id)
    .collect()
}

/// Launches one `t2.micro` of the catalog's Amazon Linux (root device `/dev/xvda`) in
/// `zone`.
async fn launch_in_zone(cloud: &FakeCloud, zone: &str) -> String {
    let input = RunInstancesInput {
        image_id: Some(catalog_image(cloud).await),
        min_count: 1,
        max_count: 1,
        instance_type: Some("t2.micro".into()),
        placement: PlacementRequest {
            availability_zone: Some(zone.into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let output = cloud.run_instances(call(input)).await.unwrap();
    output.reservation.instances[0].instance_id.to_string()
}

/// The id of the root volume DescribeInstances shows for `instance_id`.
async fn root_volume_of(cloud: &FakeCloud, instance_id: &str) -> String {
    let output = cloud
        .describe_instances(call(DescribeInstancesInput {
            instance_ids: vec![instance_id.into()],
            ..Default::default()
        }))
        .await
        .unwrap();
    let instance = &output.reservations[0].instances[0];
    instance.block_device_mappings[0].volume_id.to_string()
}

async fn launch(cloud: &FakeCloud) -> String {
    launch_in_zone(cloud, "us-east-1a").await
}

async fn attach(
    cloud: &FakeCloud,
    volume_id: &str,
    instance_id: &str,
    device: &str,
) -> Result<VolumeAttachment, Ec2Error> {
    cloud
        .attach_volume(call(AttachVolumeInput {
            device: device.into(),
            instance_id: instance_id.into(),
            volume_id: volume_id.into(),
        }))
        .await
}

async fn detach(cloud: &FakeCloud, input: DetachVolumeInput) -> Result<VolumeAttachment, Ec2Error> {
    cloud.detach_volume(call(input)).await
}

fn detach_input(volume_id: &str) -> DetachVolumeInput {
    DetachVolumeInput {
        volume_id: volume_id.into(),
        ..Default::default()
    }
}

async fn snapshot_of(cloud: &FakeCloud, volume_id: &str, description: &str) -> Snapshot {
    cloud
        .create_snapshot(call(CreateSnapshotInput {
            volume_id: volume_id.into(),
            description: Some(description.into()),
            tag_specifications: vec![],
        }))
        .await
        .unwrap()
}

async fn describe_snapshots(
    cloud: &FakeCloud,
    input: DescribeSnapshotsInput,
) -> Result<DescribeSnapshotsOutput, Ec2Error> {
    cloud.describe_snapshots(call(input)).await
}

async fn snapshot_ids_where(cloud: &FakeCloud, input: DescribeSnapshotsInput) -> Vec<String> {
    describe_snapshots(cloud, input)
        .await
        .unwrap()
        .snapshots
        .into_iter()
        .map(|snapshot| snapshot.snapshot_id)
        .collect()
}

// CreateVolume.

#[tokio::test]
async fn create_volume_answers_creating_with_gp2_defaults() {
    let cloud = quick_cloud();
    let volume = create_volume(&cloud, volume_input(10)).await.unwrap();
    assert!(ids::is_well_formed(&volume.volume_id, "vol-"));
    assert_eq!(volume.volume_id.len(), 21);
    assert_eq!(
        volume,
        Volume {
            volume_id: volume.volume_id.clone(),
            size: 10,
            snapshot_id: None,
            availability_zone: "us-east-1a".into(),
            state: VolumeState::Creating,
            create_time: START,
            attachments: vec![],
            volume_type: "gp2".into(),
            iops: Some(100),
            throughput: None,
            encrypted: false,
            kms_key_id: None,
            multi_attach_enabled: false,
            tags: vec![],
        }
    );
}

#[tokio::test]
async fn a_new_volume_is_available_at_once_without_a_transition_delay() {
    let cloud = quick_cloud();
    let volume_id = new_volume(&cloud, 10).await;
    assert_eq!(
        volume(&cloud, &volume_id).await.state,
        VolumeState::Available
    );
}

#[tokio::test]
async fn a_new_volume_is_creating_until_the_transition_delay_has_passed() {
    let (cloud, clock) = slow_cloud();
    let volume_id = new_volume(&cloud, 10).await;
    clock.advance(Duration::seconds(4));
    assert_eq!(
        volume(&cloud, &volume_id).await.state,
        VolumeState::Creating
    );
    clock.advance(Duration::seconds(1));
    assert_eq!(
        volume(&cloud, &volume_id).await.state,
        VolumeState::Available
    );
}

#[tokio::test]
async fn create_volume_in_a_zone_the_region_lacks_is_invalid_zone_not_found() {
    let cloud = quick_cloud();
    let input = CreateVolumeInput {
        availability_zone: Some("us-east-1z".into()),
        ..volume_input(10)
    };
    assert_eq!(
        create_volume(&cloud, input).await.unwrap_err(),
        error(
            ErrorCode::InvalidZoneNotFound,
            "The zone 'us-east-1z' does not exist."
        )
    );
    let input = CreateVolumeInput {
        availability_zone: Some("us-west-2a".into()),
        ..volume_input(10)
    };
    assert_eq!(
        create_volume(&cloud, input).await.unwrap_err().message(),
        "The zone 'us-west-2a' does not exist."
    );
}

#[tokio::test]
async fn create_volume_takes_the_zone_by_id() {
    let cloud = quick_cloud();
    let input = CreateVolumeInput {
        availability_zone: None,
        availability_zone_id: Some("use1-az1".into()),
        ..volume_input(10)
    };
    let volume = create_volume(&cloud, input).await.unwrap();
    assert_eq!(volume.availability_zone, "us-east-1b");
    let input = CreateVolumeInput {
        availability_zone: None,
        availability_zone_id: Some("use1-az9".into()),
        ..volume_input(10)
    };
    assert_eq!(
        create_volume(&cloud, input).await.unwrap_err(),
        error(
            ErrorCode::InvalidZoneNotFound,
            "The zone 'use1-az9' does not exist."
        )
    );
}

fn typed(volume_type: &str, size: i32, iops: Option<i32>) -> CreateVolumeInput {
    CreateVolumeInput {
        volume_type: Some(volume_type.into()),
        iops,
        ..volume_input(size)
    }
}

#[tokio::test]
async fn each_volume_type_has_its_size_limits() {
    let cloud = quick_cloud();
    let cases = [
        (
            typed("gp2", 0, None),
            "Volume of 0GiB is too small; minimum is 1GiB.",
        ),
        (
            typed("gp3", 16385, None),
            "Volume of 16385GiB is too large; maximum is 16384GiB.",
        ),
        (
            typed("io1", 3, Some(100)),
            "Volume of 3GiB is too small; minimum is 4GiB.",
        ),
        (
            typed("st1", 100, None),
            "Volume of 100GiB is too small; minimum is 125GiB.",
        ),
        (
            typed("sc1", 16385, None),
            "Volume of 16385GiB is too large; maximum is 16384GiB.",
        ),
        (
            typed("standard", 1025, None),
            "Volume of 1025GiB is too large; maximum is 1024GiB.",
        ),
    ];
    for (input, message) in cases {
        assert_eq!(
            create_volume(&cloud, input).await.unwrap_err(),
            error(ErrorCode::InvalidParameterValue, message)
        );
    }
    for input in [
        typed("gp2", 1, None),
        typed("st1", 125, None),
        typed("standard", 1024, None),
        typed("io2", 65536, Some(100)),
    ] {
        assert!(create_volume(&cloud, input).await.is_ok());
    }
}

#[tokio::test]
async fn an_unknown_volume_type_is_invalid() {
    let cloud = quick_cloud();
    assert_eq!(
        create_volume(&cloud, typed("gp9", 10, None))
            .await
            .unwrap_err(),
        error(
            ErrorCode::InvalidParameterValue,
            "Value (gp9) for parameter volumeType is invalid. \
             Valid types are gp2, gp3, io1, io2, st1, sc1 and standard."
        )
    );
}

#[tokio::test]
async fn provisioned_iops_types_need_iops() {
    let cloud = quick_cloud();
    for volume_type in ["io1", "io2"] {
        assert_eq!(
            create_volume(&cloud, typed(volume_type, 10, None))
                .await
                .unwrap_err(),
            error(
                ErrorCode::MissingParameter,
                &format!("The parameter iops must be specified for {volume_type} volumes.")
            )
        );
    }
    let volume = create_volume(&cloud, typed("io1", 10, Some(500)))
        .await
        .unwrap();
    assert_eq!(
        (volume.volume_type.as_str(), volume.iops),
        ("io1", Some(500))
    );
}

#[tokio::test]
async fn iops_are_refused_for_gp2_and_standard() {
    let cloud = quick_cloud();
    for volume_type in ["gp2", "standard"] {
        assert_eq!(
            create_volume(&cloud, typed(volume_type, 10, Some(300)))
                .await
                .unwrap_err(),
            error(
                ErrorCode::InvalidParameterCombination,
                &format!("The parameter iops is not supported for {volume_type} volumes.")
            )
        );
    }
}

#[tokio::test]
async fn io1_iops_may_be_at_most_fifty_per_gib() {
    let cloud = quick_cloud();
    assert_eq!(
        create_volume(&cloud, typed("io1", 10, Some(1000)))
            .await
            .unwrap_err(),
        error(
            ErrorCode::InvalidParameterValue,
            "Iops to volume size ratio of 100.000000 is too high; maximum is 50.000000"
        )
    );
    assert_eq!(
        create_volume(&cloud, typed("io1", 10, Some(99)))
            .await
            .unwrap_err(),
        error(
            ErrorCode::InvalidParameterValue,
            "Value (99) for parameter iops is invalid. \
             Expecting a value between 100 and 64000 for io1 volumes."
        )
    );
}

#[tokio::test]
async fn gp3_volumes_default_to_3000_iops_and_125_mib_per_second() {
    let cloud = quick_cloud();
    let volume = create_volume(&cloud, typed("gp3", 100, None))
        .await
        .unwrap();
    assert_eq!((volume.iops, volume.throughput), (Some(3000), Some(125)));
    let gp2 = create_volume(&cloud, typed("gp2", 100, None))
        .await
        .unwrap();
    assert_eq!((gp2.iops, gp2.throughput), (Some(300), None));
}

#[tokio::test]
async fn an_encrypted_volume_uses_the_accounts_default_key() {
    let cloud = quick_cloud();
    let input = CreateVolumeInput {
        encrypted: Some(true),
        ..volume_input(10)
    };
    let volume = create_volume(&cloud, input).await.unwrap();
    assert!(volume.encrypted);
    let key = volume.kms_key_id.unwrap();
    let key_id = key
        .strip_prefix("arn:aws:kms:us-east-1:123456789012:key/")
        .unwrap();
    assert_eq!(
        key_id.split('-').map(str::len).collect::<Vec<_>>(),
        [8, 4, 4, 4, 12]
    );
}

#[tokio::test]
async fn create_volume_tags_the_volume_and_refuses_other_resource_types() {
    let cloud = quick_cloud();
    let input = CreateVolumeInput {
        tag_specifications: vec![TagSpecification {
            resource_type: "volume".into(),
            tags: vec![tag("Name", "data")],
        }],
        ..volume_input(10)
    };
    let volume = create_volume(&cloud, input).await.unwrap();
    assert_eq!(volume.tags, vec![tag("Name", "data")]);
    let input = CreateVolumeInput {
        tag_specifications: vec![TagSpecification {
            resource_type: "instance".into(),
            tags: vec![tag("Name", "data")],
        }],
        ..volume_input(10)
    };
    assert_eq!(
        create_volume(&cloud, input).await.unwrap_err(),
        error(
            ErrorCode::InvalidParameterValue,
            "'instance' is not a valid taggable resource type for this operation."
        )
    );
}

#[tokio::test]
async fn a_repeated_client_token_answers_with_the_same_volume() {
    let cloud = quick_cloud();
    let input = CreateVolumeInput {
        client_token: Some("token-1".into()),
        ..volume_input(10)
    };
    let first = create_volume(&cloud, input.clone()).await.unwrap();
    let again = create_volume(&cloud, input).await.unwrap();
    assert_eq!(again.volume_id, first.volume_id);
    assert_eq!(again.state, VolumeState::Available);
    assert_eq!(
        describe_volumes(&cloud, DescribeVolumesInput::default())
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn a_client_token_repeated_with_other_parameters_is_a_mismatch() {
    let cloud = quick_cloud();
    let input = CreateVolumeInput {
        client_token: Some("token-1".into()),
        ..volume_input(10)
    };
    create_volume(&cloud, input.clone()).await.unwrap();
    let other = CreateVolumeInput {
        size: Some(20),
        ..input
    };
    assert_eq!(
        create_volume(&cloud, other).await.unwrap_err(),
        error(
            ErrorCode::IdempotentParameterMismatch,
            "Arguments on this idempotent request are inconsistent with arguments used in \
             previous request(s) with client token 'token-1'."
        )
    );
}

#[tokio::test]
async fn client_tokens_belong_to_their_project() {
    let cloud = quick_cloud();
    let input = CreateVolumeInput {
        client_token: Some("token-1".into()),
        ..volume_input(10)
    };
    let mine = create_volume(&cloud, input.clone()).await.unwrap();
    let theirs = cloud.create_volume(call_as("other", input)).await.unwrap();
    assert_ne!(mine.volume_id, theirs.volume_id);
}

// Volumes from snapshots.

#[tokio::test]
async fn a_volume_from_a_snapshot_takes_its_size_and_records_its_id() {
    let cloud = quick_cloud();
    let source = new_volume(&cloud, 10).await;
    let snapshot = snapshot_of(&cloud, &source, "base").await;
    let input = CreateVolumeInput {
        size: None,
        snapshot_id: Some(snapshot.snapshot_id.clone()),
        ..volume_input(10)
    };
    let volume = create_volume(&cloud, input).await.unwrap();
    assert_eq!(volume.size, 10);
    assert_eq!(volume.snapshot_id.as_deref(), Some(&*snapshot.snapshot_id));
    let larger = CreateVolumeInput {
        size: Some(30),
        snapshot_id: Some(snapshot.snapshot_id.clone()),
        ..volume_input(10)
    };
    assert_eq!(create_volume(&cloud, larger).await.unwrap().size, 30);
}

#[tokio::test]
async fn a_volume_may_not_be_smaller_than_its_snapshot() {
    let cloud = quick_cloud();
    let source = new_volume(&cloud, 10).await;
    let snapshot = snapshot_of(&cloud, &source, "base").await;
    let input = CreateVolumeInput {
        size: Some(5),
        snapshot_id: Some(snapshot.snapshot_id),
        ..volume_input(10)
    };
    assert_eq!(
        create_volume(&cloud, input).await.unwrap_err(),
        error(
            ErrorCode::InvalidParameterValue,
            "Volume of 5GiB is too small; minimum is 10GiB."
        )
    );
}

#[tokio::test]
async fn a_volume_from_an_unknown_snapshot_is_snapshot_not_found() {
    let cloud = quick_cloud();
    let input = CreateVolumeInput {
        snapshot_id: Some("snap-0123456789abcdef0".into()),
        ..volume_input(10)
    };
    assert_eq!(
        create_volume(&cloud, input).await.unwrap_err(),
        error(
            ErrorCode::InvalidSnapshotNotFound,
            "The snapshot 'snap-0123456789abcdef0' does not exist."
        )
    );
}

#[tokio::test]
async fn a_volume_from_an_encrypted_snapshot_is_encrypted() {
    let cloud = quick_cloud();
    let input = CreateVolumeInput {
        encrypted: Some(true),
        ..volume_input(10)
    };
    let source = create_volume(&cloud, input).await.unwrap();
    let snapshot = snapshot_of(&cloud, &source.volume_id, "secret").await;
    assert!(snapshot.encrypted);
    let input = CreateVolumeInput {
        size: None,
        snapshot_id: Some(snapshot.snapshot_id),
        ..volume_input(10)
    };
    let volume = create_volume(&cloud, input).await.unwrap();
    assert!(volume.encrypted);
    assert_eq!(volume.kms_key_id, source.kms_key_id);
}

// DeleteVolume.

#[tokio::test]
async fn a_deleted_volume_is_gone() {
    let cloud = quick_cloud();
    let volume_id = new_volume(&cloud, 10).await;
    let output = cloud
        .delete_volume(call(DeleteVolumeInput {
            volume_id: volume_id.clone(),
        }))
        .await
        .unwrap();
    assert_eq!(output, Return(true));
    let not_found = error(
        ErrorCode::InvalidVolumeNotFound,
        &format!("The volume '{volume_id}' does not exist."),
    );
    let describe = cloud
        .describe_volumes(call(DescribeVolumesInput {
            volume_ids: vec![volume_id.clone()],
            ..Default::default()
        }))
        .await;
    assert_eq!(describe.unwrap_err(), not_found);
    let again = cloud
        .delete_volume(call(DeleteVolumeInput {
            volume_id: volume_id.clone(),
        }))
        .await;
    assert_eq!(again.unwrap_err(), not_found);
    assert!(
        describe_volumes(&cloud, DescribeVolumesInput::default())
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn an_attached_volume_cannot_be_deleted() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let volume_id = new_volume(&cloud, 10).await;
    attach(&cloud, &volume_id, &instance_id, "/dev/sdf")
        .await
        .unwrap();
    let refused = cloud
        .delete_volume(call(DeleteVolumeInput {
            volume_id: volume_id.clone(),
        }))
        .await;
    assert_eq!(
        refused.unwrap_err(),
        error(
            ErrorCode::VolumeInUse,
            &format!("Volume {volume_id} is currently attached to {instance_id}")
        )
    );
}

// Projects.

#[tokio::test]
async fn another_projects_volume_answers_like_a_missing_one() {
    let cloud = quick_cloud();
    let theirs = cloud
        .create_volume(call_as("other", volume_input(10)))
        .await
        .unwrap()
        .volume_id;
    let instance_id = launch(&cloud).await;
    let not_found = error(
        ErrorCode::InvalidVolumeNotFound,
        &format!("The volume '{theirs}' does not exist."),
    );
    let describe = cloud
        .describe_volumes(call(DescribeVolumesInput {
            volume_ids: vec![theirs.clone()],
            ..Default::default()
        }))
        .await;
    assert_eq!(describe.unwrap_err(), not_found);
    assert_eq!(
        volume_ids_where(&cloud, vec![]).await,
        only(&root_volume_of(&cloud, &instance_id).await)
    );
    let delete = cloud
        .delete_volume(call(DeleteVolumeInput {
            volume_id: theirs.clone(),
        }))
        .await;
    assert_eq!(delete.unwrap_err(), not_found);
    let attached = attach(&cloud, &theirs, &instance_id, "/dev/sdf").await;
    assert_eq!(attached.unwrap_err(), not_found);
    assert_eq!(
        detach(&cloud, detach_input(&theirs)).await.unwrap_err(),
        not_found
    );
    let snapshot = cloud
        .create_snapshot(call(CreateSnapshotInput {
            volume_id: theirs.clone(),
            ..Default::default()
        }))
        .await;
    assert_eq!(snapshot.unwrap_err(), not_found);
    let tagged = cloud
        .create_tags(call(CreateTagsInput {
            resource_ids: vec![theirs.clone()],
            tags: vec![tag("k", "v")],
        }))
        .await;
    assert_eq!(tagged.unwrap_err(), not_found);
}

#[tokio::test]
async fn a_volume_cannot_attach_to_another_projects_instance() {
    let cloud = quick_cloud();
    let volume_id = new_volume(&cloud, 10).await;
    let images = cloud
        .describe_images(call(DescribeImagesInput::default()))
        .await
        .unwrap();
    let input = RunInstancesInput {
        image_id: Some(images.images[0].image_id.clone()),
        min_count: 1,
        max_count: 1,
        instance_type: Some("t2.micro".into()),
        ..Default::default()
    };
    let theirs = cloud
        .run_instances(call_as("other", input))
        .await
        .unwrap()
        .reservation
        .instances[0]
        .instance_id
        .to_string();
    assert_eq!(
        attach(&cloud, &volume_id, &theirs, "/dev/sdf")
            .await
            .unwrap_err(),
        error(
            ErrorCode::InvalidInstanceIdNotFound,
            &format!("The instance ID '{theirs}' does not exist")
        )
    );
}

// DescribeVolumes.

#[tokio::test]
async fn describe_volumes_filters_on_every_volume_field() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let small = new_volume(&cloud, 10).await;
    let input = CreateVolumeInput {
        volume_type: Some("gp3".into()),
        encrypted: Some(true),
        tag_specifications: vec![TagSpecification {
            resource_type: "volume".into(),
            tags: vec![tag("Name", "web-data")],
        }],
        ..volume_input(20)
    };
    let large = create_volume(&cloud, input).await.unwrap().volume_id;
    let snapshot = snapshot_of(&cloud, &small, "base").await.snapshot_id;
    let input = CreateVolumeInput {
        availability_zone: Some("us-east-1b".into()),
        snapshot_id: Some(snapshot.clone()),
        size: None,
        ..volume_input(10)
    };
    let restored = create_volume(&cloud, input).await.unwrap().volume_id;
    attach(&cloud, &large, &instance_id, "/dev/sdf")
        .await
        .unwrap();

    let root = root_volume_of(&cloud, &instance_id).await;
    let root_and_large = vec![root.clone(), large.clone()];

    let by = |name: &str, values: &[&str]| vec![filter(name, values)];
    assert_eq!(
        volume_ids_where(&cloud, by("volume-id", &[&small])).await,
        only(&small)
    );
    assert_eq!(
        volume_ids_where(&cloud, by("status", &["available"])).await,
        vec![small.clone(), restored.clone()]
    );
    assert_eq!(
        volume_ids_where(&cloud, by("status", &["in-use"])).await,
        root_and_large
    );
    assert_eq!(
        volume_ids_where(&cloud, by("size", &["10"])).await,
        vec![small.clone(), restored.clone()]
    );
    assert_eq!(
        volume_ids_where(&cloud, by("availability-zone", &["us-east-1b"])).await,
        only(&restored)
    );
    assert_eq!(
        volume_ids_where(&cloud, by("volume-type", &["gp3"])).await,
        root_and_large
    );
    assert_eq!(
        volume_ids_where(&cloud, by("snapshot-id", &[&snapshot])).await,
        only(&restored)
    );
    assert_eq!(
        volume_ids_where(&cloud, by("encrypted", &["true"])).await,
        only(&large)
    );
    assert_eq!(
        volume_ids_where(&cloud, by("attachment.instance-id", &[&instance_id])).await,
        root_and_large
    );
    assert_eq!(
        volume_ids_where(&cloud, by("attachment.device", &["/dev/sd?"])).await,
        only(&large)
    );
    assert_eq!(
        volume_ids_where(&cloud, by("attachment.status", &["attached"])).await,
        root_and_large
    );
    assert_eq!(
        volume_ids_where(&cloud, by("attachment.delete-on-termination", &["false"])).await,
        only(&large)
    );
    assert_eq!(
        volume_ids_where(&cloud, by("create-time", &["2026-03-04T05:06:07*"]))
            .await
            .len(),
        4
    );
    assert_eq!(
        volume_ids_where(&cloud, by("tag:Name", &["web-*"])).await,
        only(&large)
    );
    assert_eq!(
        volume_ids_where(&cloud, by("tag-key", &["Name"])).await,
        only(&large)
    );
    assert_eq!(
        volume_ids_where(&cloud, by("tag-value", &["*data"])).await,
        only(&large)
    );
    assert!(
        volume_ids_where(&cloud, by("tag:Name", &["db-*"]))
            .await
            .is_empty()
    );
    let both = vec![filter("size", &["10", "20"]), filter("status", &["in-use"])];
    assert_eq!(volume_ids_where(&cloud, both).await, [large]);
}

#[tokio::test]
async fn describe_volumes_refuses_an_unknown_filter() {
    let cloud = quick_cloud();
    let output = cloud
        .describe_volumes(call(DescribeVolumesInput {
            filters: vec![filter("colour", &["red"])],
            ..Default::default()
        }))
        .await;
    assert_eq!(
        output.unwrap_err(),
        error(
            ErrorCode::InvalidParameterValue,
            "The filter 'colour' is invalid"
        )
    );
}

#[tokio::test]
async fn describe_volumes_pages_in_creation_order() {
    let cloud = quick_cloud();
    let mut created = Vec::new();
    for _ in 0..7 {
        created.push(new_volume(&cloud, 10).await);
    }
    let first = cloud
        .describe_volumes(call(DescribeVolumesInput {
            max_results: Some(5),
            ..Default::default()
        }))
        .await
        .unwrap();
    let first_ids: Vec<String> = first.volumes.iter().map(|v| v.volume_id.clone()).collect();
    assert_eq!(first_ids, created[..5]);
    let token = first.next_token.unwrap();
    let second = cloud
        .describe_volumes(call(DescribeVolumesInput {
            max_results: Some(5),
            next_token: Some(token),
            ..Default::default()
        }))
        .await
        .unwrap();
    let second_ids: Vec<String> = second.volumes.iter().map(|v| v.volume_id.clone()).collect();
    assert_eq!(second_ids, created[5..]);
    assert_eq!(second.next_token, None);
}

#[tokio::test]
async fn describe_volumes_takes_five_to_five_hundred_results() {
    let cloud = quick_cloud();
    for size in [4, 501] {
        let output = cloud
            .describe_volumes(call(DescribeVolumesInput {
                max_results: Some(size),
                ..Default::default()
            }))
            .await;
        assert_eq!(
            output.unwrap_err(),
            error(
                ErrorCode::InvalidParameterValue,
                &format!(
                    "Value ({size}) for parameter maxResults is invalid. \
                     Expecting a value between 5 and 500."
                )
            )
        );
    }
    let bad_token = cloud
        .describe_volumes(call(DescribeVolumesInput {
            next_token: Some("garbage".into()),
            ..Default::default()
        }))
        .await;
    assert_eq!(
        bad_token.unwrap_err(),
        error(
            ErrorCode::InvalidPaginationToken,
            "The specified pagination token is not valid or is expired."
        )
    );
}

#[tokio::test]
async fn volume_ids_cannot_be_combined_with_max_results() {
    let cloud = quick_cloud();
    let volume_id = new_volume(&cloud, 10).await;
    let output = cloud
        .describe_volumes(call(DescribeVolumesInput {
            volume_ids: vec![volume_id],
            max_results: Some(5),
            ..Default::default()
        }))
        .await;
    assert_eq!(
        output.unwrap_err(),
        error(
            ErrorCode::InvalidParameterCombination,
            "The parameter volumeSet cannot be used with the parameter maxResults"
        )
    );
}

// AttachVolume.

#[tokio::test]
async fn attach_volume_answers_attaching_and_the_volume_becomes_in_use() {
    let (cloud, clock) = slow_cloud();
    let instance_id = launch(&cloud).await;
    let volume_id = new_volume(&cloud, 10).await;
    clock.advance(Duration::seconds(5));
    let attach_time = START + Duration::seconds(5);
    let attachment = attach(&cloud, &volume_id, &instance_id, "/dev/sdf")
        .await
        .unwrap();
    assert_eq!(
        attachment,
        VolumeAttachment {
            volume_id: volume_id.clone(),
            instance_id: instance_id.clone(),
            device: "/dev/sdf".into(),
            state: AttachmentState::Attaching,
            attach_time,
            delete_on_termination: None,
        }
    );

    clock.advance(Duration::seconds(4));
    let attaching = volume(&cloud, &volume_id).await;
    assert_eq!(attaching.state, VolumeState::InUse);
    assert_eq!(attaching.attachments[0].state, AttachmentState::Attaching);

    clock.advance(Duration::seconds(1));
    let attached = volume(&cloud, &volume_id).await;
    assert_eq!(attached.state, VolumeState::InUse);
    assert_eq!(
        attached.attachments,
        vec![VolumeAttachment {
            state: AttachmentState::Attached,
            delete_on_termination: Some(false),
            ..attachment
        }]
    );
}

#[tokio::test]
async fn an_attached_volume_cannot_be_attached_again() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let other_instance = launch(&cloud).await;
    let volume_id = new_volume(&cloud, 10).await;
    attach(&cloud, &volume_id, &instance_id, "/dev/sdf")
        .await
        .unwrap();
    assert_eq!(
        attach(&cloud, &volume_id, &other_instance, "/dev/sdg")
            .await
            .unwrap_err(),
        error(
            ErrorCode::VolumeInUse,
            &format!("{volume_id} is already attached to an instance")
        )
    );
}

#[tokio::test]
async fn a_creating_volume_cannot_be_attached() {
    let (cloud, clock) = slow_cloud();
    let instance_id = launch(&cloud).await;
    clock.advance(Duration::seconds(5));
    let volume_id = new_volume(&cloud, 10).await;
    assert_eq!(
        attach(&cloud, &volume_id, &instance_id, "/dev/sdf")
            .await
            .unwrap_err(),
        error(
            ErrorCode::IncorrectState,
            &format!("Volume '{volume_id}' is in the 'creating' state.")
        )
    );
}

#[tokio::test]
async fn a_volume_attaches_only_to_an_instance_in_its_zone() {
    let cloud = quick_cloud();
    let instance_id = launch_in_zone(&cloud, "us-east-1b").await;
    let volume_id = new_volume(&cloud, 10).await;
    assert_eq!(
        attach(&cloud, &volume_id, &instance_id, "/dev/sdf")
            .await
            .unwrap_err(),
        error(
            ErrorCode::InvalidVolumeZoneMismatch,
            &format!(
                "The volume '{volume_id}' is not in the same availability zone as instance \
                 '{instance_id}'"
            )
        )
    );
}

#[tokio::test]
async fn a_device_name_in_use_on_the_instance_is_refused() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let first = new_volume(&cloud, 10).await;
    let second = new_volume(&cloud, 10).await;
    attach(&cloud, &first, &instance_id, "/dev/sdf")
        .await
        .unwrap();
    for device in ["/dev/sdf", "/dev/xvda"] {
        assert_eq!(
            attach(&cloud, &second, &instance_id, device)
                .await
                .unwrap_err(),
            error(
                ErrorCode::InvalidParameterValue,
                &format!(
                    "Invalid value '{device}' for unixDevice. \
                     Attachment point {device} is already in use"
                )
            )
        );
    }
    assert_eq!(
        attach(&cloud, &second, &instance_id, "/dev/nvme1n1")
            .await
            .unwrap_err(),
        error(
            ErrorCode::InvalidParameterValue,
            "Value (/dev/nvme1n1) for parameter device is invalid. \
             /dev/nvme1n1 is not a valid EBS device name."
        )
    );
    assert!(
        attach(&cloud, &second, &instance_id, "/dev/sdg")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_device_name_is_free_again_once_its_volume_is_detached() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let first = new_volume(&cloud, 10).await;
    let second = new_volume(&cloud, 10).await;
    attach(&cloud, &first, &instance_id, "/dev/sdf")
        .await
        .unwrap();
    detach(&cloud, detach_input(&first)).await.unwrap();
    assert!(
        attach(&cloud, &second, &instance_id, "/dev/sdf")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn volumes_attach_only_to_running_or_stopped_instances() {
    let (cloud, clock) = slow_cloud();
    let volume_id = new_volume(&cloud, 10).await;
    clock.advance(Duration::seconds(5));
    let instance_id = launch(&cloud).await;
    clock.advance(Duration::seconds(1));
    let pending = attach(&cloud, &volume_id, &instance_id, "/dev/sdf").await;
    assert_eq!(
        pending.unwrap_err(),
        error(
            ErrorCode::IncorrectInstanceState,
            &format!("Instance '{instance_id}' is not 'running' or 'stopped'; it is 'pending'.")
        )
    );

    clock.advance(Duration::seconds(4));
    cloud
        .stop_instances(call(StopInstancesInput {
            instance_ids: vec![instance_id.clone()],
            ..Default::default()
        }))
        .await
        .unwrap();
    clock.advance(Duration::seconds(5));
    assert!(
        attach(&cloud, &volume_id, &instance_id, "/dev/sdf")
            .await
            .is_ok()
    );

    let gone = launch(&cloud).await;
    clock.advance(Duration::seconds(5));
    cloud
        .terminate_instances(call(TerminateInstancesInput {
            instance_ids: vec![gone.clone()],
            ..Default::default()
        }))
        .await
        .unwrap();
    clock.advance(Duration::seconds(5));
    let other_volume = new_volume(&cloud, 10).await;
    clock.advance(Duration::seconds(5));
    assert_eq!(
        attach(&cloud, &other_volume, &gone, "/dev/sdf")
            .await
            .unwrap_err(),
        error(
            ErrorCode::IncorrectInstanceState,
            &format!("Instance '{gone}' is not 'running' or 'stopped'; it is 'terminated'.")
        )
    );
}

// DetachVolume.

#[tokio::test]
async fn detaching_an_unattached_volume_is_incorrect_state() {
    let cloud = quick_cloud();
    let volume_id = new_volume(&cloud, 10).await;
    assert_eq!(
        detach(&cloud, detach_input(&volume_id)).await.unwrap_err(),
        error(
            ErrorCode::IncorrectState,
            &format!("Volume '{volume_id}' is in the 'available' state.")
        )
    );
}

#[tokio::test]
async fn detach_volume_answers_detaching_and_the_volume_becomes_available() {
    let (cloud, clock) = slow_cloud();
    let instance_id = launch(&cloud).await;
    let volume_id = new_volume(&cloud, 10).await;
    clock.advance(Duration::seconds(5));
    attach(&cloud, &volume_id, &instance_id, "/dev/sdf")
        .await
        .unwrap();
    clock.advance(Duration::seconds(5));
    let detaching = detach(&cloud, detach_input(&volume_id)).await.unwrap();
    assert_eq!(
        detaching,
        VolumeAttachment {
            volume_id: volume_id.clone(),
            instance_id: instance_id.clone(),
            device: "/dev/sdf".into(),
            state: AttachmentState::Detaching,
            attach_time: START + Duration::seconds(5),
            delete_on_termination: None,
        }
    );

    clock.advance(Duration::seconds(4));
    let still = volume(&cloud, &volume_id).await;
    assert_eq!(still.state, VolumeState::InUse);
    assert_eq!(still.attachments[0].state, AttachmentState::Detaching);

    clock.advance(Duration::seconds(1));
    let detached = volume(&cloud, &volume_id).await;
    assert_eq!(detached.state, VolumeState::Available);
    assert!(detached.attachments.is_empty());
}

#[tokio::test]
async fn detach_volume_checks_the_instance_and_device_it_names() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let other_instance = launch(&cloud).await;
    let volume_id = new_volume(&cloud, 10).await;
    attach(&cloud, &volume_id, &instance_id, "/dev/sdf")
        .await
        .unwrap();
    let wrong_instance = DetachVolumeInput {
        instance_id: Some(other_instance.clone()),
        ..detach_input(&volume_id)
    };
    assert_eq!(
        detach(&cloud, wrong_instance).await.unwrap_err(),
        error(
            ErrorCode::InvalidAttachmentNotFound,
            &format!("The volume '{volume_id}' is not attached to instance '{other_instance}'")
        )
    );
    let wrong_device = DetachVolumeInput {
        device: Some("/dev/sdg".into()),
        ..detach_input(&volume_id)
    };
    assert_eq!(
        detach(&cloud, wrong_device).await.unwrap_err(),
        error(
            ErrorCode::InvalidAttachmentNotFound,
            &format!(
                "The volume {volume_id} is not attached to instance {instance_id} as \
                 device /dev/sdg"
            )
        )
    );
    let exact = DetachVolumeInput {
        volume_id: volume_id.clone(),
        instance_id: Some(instance_id),
        device: Some("/dev/sdf".into()),
        force: true,
    };
    assert_eq!(
        detach(&cloud, exact).await.unwrap().state,
        AttachmentState::Detaching
    );
    assert_eq!(
        volume(&cloud, &volume_id).await.state,
        VolumeState::Available
    );
}

#[tokio::test]
async fn terminating_an_instance_detaches_its_volumes() {
    let (cloud, clock) = slow_cloud();
    let instance_id = launch(&cloud).await;
    let volume_id = new_volume(&cloud, 10).await;
    clock.advance(Duration::seconds(5));
    attach(&cloud, &volume_id, &instance_id, "/dev/sdf")
        .await
        .unwrap();
    clock.advance(Duration::seconds(5));
    cloud
        .terminate_instances(call(TerminateInstancesInput {
            instance_ids: vec![instance_id],
            ..Default::default()
        }))
        .await
        .unwrap();
    clock.advance(Duration::seconds(4));
    assert_eq!(volume(&cloud, &volume_id).await.state, VolumeState::InUse);
    clock.advance(Duration::seconds(1));
    let detached = volume(&cloud, &volume_id).await;
    assert_eq!(detached.state, VolumeState::Available);
    assert!(detached.attachments.is_empty());
    let deleted = cloud
        .delete_volume(call(DeleteVolumeInput {
            volume_id: volume_id.clone(),
        }))
        .await;
    assert_eq!(deleted.unwrap(), Return(true));
}

// Root volumes.

#[tokio::test]
async fn each_launched_instance_has_its_root_volume_attached() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let root = root_volume_of(&cloud, &instance_id).await;
    let images = cloud
        .describe_images(call(DescribeImagesInput {
            filters: vec![filter("name", &["al2023-ami-*-x86_64"])],
            ..Default::default()
        }))
        .await
        .unwrap();
    let ebs = images.images[0].block_device_mappings[0]
        .ebs
        .clone()
        .unwrap();
    assert_eq!(
        volume(&cloud, &root).await,
        Volume {
            volume_id: root.clone(),
            size: 8,
            snapshot_id: ebs.snapshot_id,
            availability_zone: "us-east-1a".into(),
            state: VolumeState::InUse,
            create_time: START,
            attachments: vec![VolumeAttachment {
                volume_id: root.clone(),
                instance_id: instance_id.clone(),
                device: "/dev/xvda".into(),
                state: AttachmentState::Attached,
                attach_time: START,
                delete_on_termination: Some(true),
            }],
            volume_type: "gp3".into(),
            iops: Some(3000),
            throughput: Some(125),
            encrypted: false,
            kms_key_id: None,
            multi_attach_enabled: false,
            tags: vec![],
        }
    );
}

#[tokio::test]
async fn a_root_volume_is_attaching_while_its_instance_is_pending() {
    let (cloud, clock) = slow_cloud();
    let instance_id = launch(&cloud).await;
    let root = root_volume_of(&cloud, &instance_id).await;
    clock.advance(Duration::seconds(4));
    let attaching = volume(&cloud, &root).await;
    assert_eq!(attaching.state, VolumeState::InUse);
    assert_eq!(attaching.attachments[0].state, AttachmentState::Attaching);
    clock.advance(Duration::seconds(1));
    let attached = volume(&cloud, &root).await;
    assert_eq!(attached.attachments[0].state, AttachmentState::Attached);
}

#[tokio::test]
async fn a_client_token_repeat_of_run_instances_adds_no_second_root_volume() {
    let cloud = quick_cloud();
    let images = cloud
        .describe_images(call(DescribeImagesInput::default()))
        .await
        .unwrap();
    let input = RunInstancesInput {
        image_id: Some(images.images[0].image_id.clone()),
        min_count: 1,
        max_count: 1,
        instance_type: Some("t2.micro".into()),
        client_token: Some("once".into()),
        ..Default::default()
    };
    cloud.run_instances(call(input.clone())).await.unwrap();
    cloud.run_instances(call(input)).await.unwrap();
    assert_eq!(volume_ids_where(&cloud, vec![]).await.len(), 1);
}

#[tokio::test]
async fn terminating_an_instance_deletes_its_root_volume() {
    let (cloud, clock) = slow_cloud();
    let instance_id = launch(&cloud).await;
    let root = root_volume_of(&cloud, &instance_id).await;
    clock.advance(Duration::seconds(5));
    cloud
        .terminate_instances(call(TerminateInstancesInput {
            instance_ids: vec![instance_id],
            ..Default::default()
        }))
        .await
        .unwrap();
    clock.advance(Duration::seconds(4));
    assert_eq!(volume(&cloud, &root).await.state, VolumeState::InUse);
    clock.advance(Duration::seconds(1));
    assert!(volume_ids_where(&cloud, vec![]).await.is_empty());
    let gone = cloud
        .describe_volumes(call(DescribeVolumesInput {
            volume_ids: vec![root.clone()],
            ..Default::default()
        }))
        .await;
    assert_eq!(
        gone.unwrap_err(),
        error(
            ErrorCode::InvalidVolumeNotFound,
            &format!("The volume '{root}' does not exist.")
        )
    );
}

#[tokio::test]
async fn a_deleted_root_volume_loses_its_tags() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let root = root_volume_of(&cloud, &instance_id).await;
    let tag_root = || {
        cloud.create_tags(call(CreateTagsInput {
            resource_ids: vec![root.clone()],
            tags: vec![tag("role", "boot")],
        }))
    };
    tag_root().await.unwrap();
    assert_eq!(volume(&cloud, &root).await.tags, vec![tag("role", "boot")]);
    cloud
        .terminate_instances(call(TerminateInstancesInput {
            instance_ids: vec![instance_id],
            ..Default::default()
        }))
        .await
        .unwrap();
    let described = cloud
        .describe_tags(call(DescribeTagsInput {
            filters: vec![filter("resource-type", &["volume"])],
            ..Default::default()
        }))
        .await
        .unwrap();
    assert!(described.tags.is_empty());
    assert_eq!(
        tag_root().await.unwrap_err(),
        error(
            ErrorCode::InvalidVolumeNotFound,
            &format!("The volume '{root}' does not exist.")
        )
    );
}

#[tokio::test]
async fn a_root_volume_detaches_only_from_a_stopped_instance() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let root = root_volume_of(&cloud, &instance_id).await;
    assert_eq!(
        detach(&cloud, detach_input(&root)).await.unwrap_err(),
        error(
            ErrorCode::IncorrectState,
            &format!("Unable to detach root volume '{root}' from instance '{instance_id}'")
        )
    );
    let deleted = cloud
        .delete_volume(call(DeleteVolumeInput {
            volume_id: root.clone(),
        }))
        .await;
    assert_eq!(
        deleted.unwrap_err(),
        error(
            ErrorCode::VolumeInUse,
            &format!("Volume {root} is currently attached to {instance_id}")
        )
    );
    cloud
        .stop_instances(call(StopInstancesInput {
            instance_ids: vec![instance_id.clone()],
            ..Default::default()
        }))
        .await
        .unwrap();
    assert_eq!(
        detach(&cloud, detach_input(&root)).await.unwrap().device,
        "/dev/xvda"
    );
    assert_eq!(volume(&cloud, &root).await.state, VolumeState::Available);
}

#[tokio::test]
async fn a_root_volume_can_be_snapshotted() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let root = root_volume_of(&cloud, &instance_id).await;
    let snapshot = snapshot_of(&cloud, &root, "root backup").await;
    assert_eq!(snapshot.volume_id, root);
    assert_eq!(snapshot.volume_size, 8);
}

// Snapshots.

#[tokio::test]
async fn create_snapshot_answers_pending_and_completes_after_the_delay() {
    let (cloud, clock) = slow_cloud();
    let volume_id = new_volume(&cloud, 10).await;
    clock.advance(Duration::seconds(5));
    let snapshot = snapshot_of(&cloud, &volume_id, "nightly").await;
    assert!(ids::is_well_formed(&snapshot.snapshot_id, "snap-"));
    assert_eq!(snapshot.snapshot_id.len(), 22);
    let started = START + Duration::seconds(5);
    assert_eq!(
        snapshot,
        Snapshot {
            snapshot_id: snapshot.snapshot_id.clone(),
            volume_id: volume_id.clone(),
            state: SnapshotState::Pending,
            state_message: None,
            start_time: started,
            progress: 0,
            owner_id: "123456789012".into(),
            owner_alias: None,
            volume_size: 10,
            description: "nightly".into(),
            encrypted: false,
            kms_key_id: None,
            tags: vec![],
        }
    );
    let by_id = || DescribeSnapshotsInput {
        snapshot_ids: vec![snapshot.snapshot_id.clone()],
        ..Default::default()
    };
    clock.advance(Duration::seconds(4));
    let pending = describe_snapshots(&cloud, by_id()).await.unwrap().snapshots;
    assert_eq!(
        (pending[0].state, pending[0].progress),
        (SnapshotState::Pending, 0)
    );
    clock.advance(Duration::seconds(1));
    let completed = describe_snapshots(&cloud, by_id()).await.unwrap().snapshots;
    assert_eq!(
        completed,
        vec![Snapshot {
            state: SnapshotState::Completed,
            progress: 100,
            ..snapshot
        }]
    );
}

#[tokio::test]
async fn create_snapshot_needs_a_volume_of_the_project() {
    let cloud = quick_cloud();
    let output = cloud
        .create_snapshot(call(CreateSnapshotInput {
            volume_id: "vol-0123456789abcdef0".into(),
            ..Default::default()
        }))
        .await;
    assert_eq!(
        output.unwrap_err(),
        error(
            ErrorCode::InvalidVolumeNotFound,
            "The volume 'vol-0123456789abcdef0' does not exist."
        )
    );
}

#[tokio::test]
async fn create_snapshot_tags_the_snapshot_and_refuses_other_resource_types() {
    let cloud = quick_cloud();
    let volume_id = new_volume(&cloud, 10).await;
    let tagged = cloud
        .create_snapshot(call(CreateSnapshotInput {
            volume_id: volume_id.clone(),
            description: None,
            tag_specifications: vec![TagSpecification {
                resource_type: "snapshot".into(),
                tags: vec![tag("backup", "daily")],
            }],
        }))
        .await
        .unwrap();
    assert_eq!(tagged.tags, vec![tag("backup", "daily")]);
    assert_eq!(tagged.description, "");
    let refused = cloud
        .create_snapshot(call(CreateSnapshotInput {
            volume_id,
            description: None,
            tag_specifications: vec![TagSpecification {
                resource_type: "volume".into(),
                tags: vec![tag("backup", "daily")],
            }],
        }))
        .await;
    assert_eq!(
        refused.unwrap_err(),
        error(
            ErrorCode::InvalidParameterValue,
            "'volume' is not a valid taggable resource type for this operation."
        )
    );
}

#[tokio::test]
async fn a_snapshot_outlives_its_volume() {
    let cloud = quick_cloud();
    let volume_id = new_volume(&cloud, 10).await;
    let snapshot = snapshot_of(&cloud, &volume_id, "keep").await;
    cloud
        .delete_volume(call(DeleteVolumeInput {
            volume_id: volume_id.clone(),
        }))
        .await
        .unwrap();
    let listed = describe_snapshots(&cloud, DescribeSnapshotsInput::default())
        .await
        .unwrap()
        .snapshots;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].snapshot_id, snapshot.snapshot_id);
    assert_eq!(listed[0].volume_id, volume_id);
}

#[tokio::test]
async fn a_deleted_snapshot_is_gone() {
    let cloud = quick_cloud();
    let volume_id = new_volume(&cloud, 10).await;
    let snapshot_id = snapshot_of(&cloud, &volume_id, "x").await.snapshot_id;
    let delete = || {
        cloud.delete_snapshot(call(DeleteSnapshotInput {
            snapshot_id: snapshot_id.clone(),
        }))
    };
    assert_eq!(delete().await.unwrap(), Return(true));
    let not_found = error(
        ErrorCode::InvalidSnapshotNotFound,
        &format!("The snapshot '{snapshot_id}' does not exist."),
    );
    assert_eq!(delete().await.unwrap_err(), not_found);
    let describe = describe_snapshots(
        &cloud,
        DescribeSnapshotsInput {
            snapshot_ids: vec![snapshot_id.clone()],
            ..Default::default()
        },
    )
    .await;
    assert_eq!(describe.unwrap_err(), not_found);
}

#[tokio::test]
async fn a_catalog_images_snapshot_belongs_to_its_publisher() {
    let cloud = quick_cloud();
    let images = cloud
        .describe_images(call(DescribeImagesInput::default()))
        .await
        .unwrap();
    let ebs = images.images[0].block_device_mappings[0]
        .ebs
        .clone()
        .unwrap();
    let snapshot_id = ebs.snapshot_id.unwrap();
    let output = cloud
        .delete_snapshot(call(DeleteSnapshotInput {
            snapshot_id: snapshot_id.clone(),
        }))
        .await;
    assert_eq!(
        output.unwrap_err(),
        error(
            ErrorCode::InvalidSnapshotNotFound,
            &format!("The snapshot '{snapshot_id}' does not exist.")
        )
    );
}

#[tokio::test]
async fn a_snapshot_an_own_image_uses_cannot_be_deleted() {
    let cloud = quick_cloud();
    let volume_id = new_volume(&cloud, 10).await;
    let snapshot_id = snapshot_of(&cloud, &volume_id, "root").await.snapshot_id;
    {
        let mut state = cloud.write();
        let images = &mut state.regions.get_mut("us-east-1").unwrap().images;
        let mut image = images.values().next().unwrap().clone();
        image.image_id = "ami-0123456789abcdef0".into();
        image.owner_id = DEFAULT_ACCOUNT_ID.into();
        image.public = false;
        image.snapshot_id = Some(snapshot_id.clone());
        images.insert(image.image_id.clone(), image);
    }
    let output = cloud
        .delete_snapshot(call(DeleteSnapshotInput {
            snapshot_id: snapshot_id.clone(),
        }))
        .await;
    assert_eq!(
        output.unwrap_err(),
        error(
            ErrorCode::InvalidSnapshotInUse,
            &format!("The snapshot {snapshot_id} is currently in use by ami-0123456789abcdef0")
        )
    );
}

#[tokio::test]
async fn describe_snapshots_selects_by_owner_and_restorable_by() {
    let cloud = quick_cloud();
    let volume_id = new_volume(&cloud, 10).await;
    let snapshot_id = snapshot_of(&cloud, &volume_id, "x").await.snapshot_id;
    let with = |owners: &[&str], restorable: &[&str]| DescribeSnapshotsInput {
        owner_ids: owners.iter().map(|o| o.to_string()).collect(),
        restorable_by_user_ids: restorable.iter().map(|o| o.to_string()).collect(),
        ..Default::default()
    };
    let mine = vec![snapshot_id.clone()];
    assert_eq!(snapshot_ids_where(&cloud, with(&["self"], &[])).await, mine);
    assert_eq!(
        snapshot_ids_where(&cloud, with(&[DEFAULT_ACCOUNT_ID], &[])).await,
        mine
    );
    assert!(
        snapshot_ids_where(&cloud, with(&["amazon"], &[]))
            .await
            .is_empty()
    );
    assert!(
        snapshot_ids_where(&cloud, with(&["210987654321"], &[]))
            .await
            .is_empty()
    );
    assert_eq!(snapshot_ids_where(&cloud, with(&[], &["self"])).await, mine);
    assert_eq!(
        snapshot_ids_where(&cloud, with(&[], &[DEFAULT_ACCOUNT_ID])).await,
        mine
    );
    assert!(
        snapshot_ids_where(&cloud, with(&[], &["all"]))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn describe_snapshots_filters_on_every_snapshot_field() {
    let (cloud, clock) = slow_cloud();
    let small = new_volume(&cloud, 10).await;
    let large = new_volume(&cloud, 20).await;
    clock.advance(Duration::seconds(5));
    let first = snapshot_of(&cloud, &small, "nightly small")
        .await
        .snapshot_id;
    clock.advance(Duration::seconds(5));
    let second = cloud
        .create_snapshot(call(CreateSnapshotInput {
            volume_id: large.clone(),
            description: Some("weekly large".into()),
            tag_specifications: vec![TagSpecification {
                resource_type: "snapshot".into(),
                tags: vec![tag("Name", "big-one")],
            }],
        }))
        .await
        .unwrap()
        .snapshot_id;
    let by = |name: &str, values: &[&str]| DescribeSnapshotsInput {
        filters: vec![filter(name, values)],
        ..Default::default()
    };
    let first_only = vec![first.clone()];
    let second_only = vec![second.clone()];
    assert_eq!(
        snapshot_ids_where(&cloud, by("status", &["completed"])).await,
        first_only
    );
    assert_eq!(
        snapshot_ids_where(&cloud, by("status", &["pending"])).await,
        second_only
    );
    assert_eq!(
        snapshot_ids_where(&cloud, by("progress", &["100%"])).await,
        first_only
    );
    assert_eq!(
        snapshot_ids_where(&cloud, by("volume-id", &[&large])).await,
        second_only
    );
    assert_eq!(
        snapshot_ids_where(&cloud, by("snapshot-id", &[&first])).await,
        first_only
    );
    assert_eq!(
        snapshot_ids_where(&cloud, by("owner-id", &[DEFAULT_ACCOUNT_ID]))
            .await
            .len(),
        2
    );
    assert_eq!(
        snapshot_ids_where(&cloud, by("description", &["nightly*"])).await,
        first_only
    );
    assert_eq!(
        snapshot_ids_where(&cloud, by("start-time", &["2026-03-04T05:06:12.000Z"])).await,
        first_only
    );
    assert_eq!(
        snapshot_ids_where(&cloud, by("volume-size", &["20"])).await,
        second_only
    );
    assert_eq!(
        snapshot_ids_where(&cloud, by("encrypted", &["false"]))
            .await
            .len(),
        2
    );
    assert_eq!(
        snapshot_ids_where(&cloud, by("tag:Name", &["big-*"])).await,
        second_only
    );
    assert_eq!(
        snapshot_ids_where(&cloud, by("tag-key", &["Name"])).await,
        second_only
    );
    assert_eq!(
        snapshot_ids_where(&cloud, by("tag-value", &["big-one"])).await,
        second_only
    );
    let unknown = describe_snapshots(&cloud, by("colour", &["red"])).await;
    assert_eq!(
        unknown.unwrap_err(),
        error(
            ErrorCode::InvalidParameterValue,
            "The filter 'colour' is invalid"
        )
    );
}

#[tokio::test]
async fn describe_snapshots_pages_and_refuses_ids_with_max_results() {
    let cloud = quick_cloud();
    let volume_id = new_volume(&cloud, 10).await;
    let mut taken = Vec::new();
    for index in 0..6 {
        let description = format!("snapshot {index}");
        taken.push(
            snapshot_of(&cloud, &volume_id, &description)
                .await
                .snapshot_id,
        );
    }
    let first = describe_snapshots(
        &cloud,
        DescribeSnapshotsInput {
            max_results: Some(5),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let first_ids: Vec<String> = first
        .snapshots
        .iter()
        .map(|s| s.snapshot_id.clone())
        .collect();
    assert_eq!(first_ids, taken[..5]);
    let second = describe_snapshots(
        &cloud,
        DescribeSnapshotsInput {
            max_results: Some(5),
            next_token: first.next_token,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let second_ids: Vec<String> = second
        .snapshots
        .iter()
        .map(|s| s.snapshot_id.clone())
        .collect();
    assert_eq!(second_ids, taken[5..]);
    assert_eq!(second.next_token, None);

    let combined = describe_snapshots(
        &cloud,
        DescribeSnapshotsInput {
            snapshot_ids: vec![taken[0].clone()],
            max_results: Some(5),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        combined.unwrap_err(),
        error(
            ErrorCode::InvalidParameterCombination,
            "The parameter snapshotSet cannot be used with the parameter maxResults"
        )
    );
}

#[tokio::test]
async fn another_projects_snapshot_answers_like_a_missing_one() {
    let cloud = quick_cloud();
    let their_volume = cloud
        .create_volume(call_as("other", volume_input(10)))
        .await
        .unwrap()
        .volume_id;
    let theirs = cloud
        .create_snapshot(call_as(
            "other",
            CreateSnapshotInput {
                volume_id: their_volume,
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .snapshot_id;
    let not_found = error(
        ErrorCode::InvalidSnapshotNotFound,
        &format!("The snapshot '{theirs}' does not exist."),
    );
    let describe = describe_snapshots(
        &cloud,
        DescribeSnapshotsInput {
            snapshot_ids: vec![theirs.clone()],
            ..Default::default()
        },
    )
    .await;
    assert_eq!(describe.unwrap_err(), not_found);
    assert!(
        snapshot_ids_where(&cloud, DescribeSnapshotsInput::default())
            .await
            .is_empty()
    );
    let delete = cloud
        .delete_snapshot(call(DeleteSnapshotInput {
            snapshot_id: theirs.clone(),
        }))
        .await;
    assert_eq!(delete.unwrap_err(), not_found);
    let restore = create_volume(
        &cloud,
        CreateVolumeInput {
            snapshot_id: Some(theirs.clone()),
            ..volume_input(10)
        },
    )
    .await;
    assert_eq!(restore.unwrap_err(), not_found);
    let tagged = cloud
        .create_tags(call(CreateTagsInput {
            resource_ids: vec![theirs],
            tags: vec![tag("k", "v")],
        }))
        .await;
    assert_eq!(tagged.unwrap_err(), not_found);
}

// Tags.

#[tokio::test]
async fn volumes_and_snapshots_take_tags_and_describe_tags_lists_them() {
    let cloud = quick_cloud();
    let volume_id = new_volume(&cloud, 10).await;
    let snapshot_id = snapshot_of(&cloud, &volume_id, "x").await.snapshot_id;
    cloud
        .create_tags(call(CreateTagsInput {
            resource_ids: vec![volume_id.clone(), snapshot_id.clone()],
            tags: vec![tag("env", "prod"), tag("team", "storage")],
        }))
        .await
        .unwrap();
    assert_eq!(
        volume(&cloud, &volume_id).await.tags,
        vec![tag("env", "prod"), tag("team", "storage")]
    );

    let described = cloud
        .describe_tags(call(DescribeTagsInput {
            filters: vec![filter("key", &["env"])],
            ..Default::default()
        }))
        .await
        .unwrap()
        .tags;
    let mut expected = vec![
        TagDescription {
            resource_id: volume_id.clone(),
            resource_type: "volume".into(),
            key: "env".into(),
            value: "prod".into(),
        },
        TagDescription {
            resource_id: snapshot_id.clone(),
            resource_type: "snapshot".into(),
            key: "env".into(),
            value: "prod".into(),
        },
    ];
    expected.sort_by(|a, b| a.resource_id.cmp(&b.resource_id));
    assert_eq!(described, expected);
    let snapshots_only = cloud
        .describe_tags(call(DescribeTagsInput {
            filters: vec![filter("resource-type", &["snapshot"])],
            ..Default::default()
        }))
        .await
        .unwrap()
        .tags;
    assert_eq!(snapshots_only.len(), 2);
    assert!(snapshots_only.iter().all(|t| t.resource_id == snapshot_id));

    cloud
        .delete_tags(call(DeleteTagsInput {
            resource_ids: vec![volume_id.clone(), snapshot_id.clone()],
            tags: vec![],
        }))
        .await
        .unwrap();
    assert!(volume(&cloud, &volume_id).await.tags.is_empty());
    let left = cloud
        .describe_tags(call(DescribeTagsInput::default()))
        .await
        .unwrap()
        .tags;
    assert!(left.is_empty());
}

#[tokio::test]
async fn tagging_a_missing_volume_or_snapshot_names_it() {
    let cloud = quick_cloud();
    for (resource_id, expected) in [
        (
            "vol-0123456789abcdef0",
            error(
                ErrorCode::InvalidVolumeNotFound,
                "The volume 'vol-0123456789abcdef0' does not exist.",
            ),
        ),
        (
            "snap-0123456789abcdef0",
            error(
                ErrorCode::InvalidSnapshotNotFound,
                "The snapshot 'snap-0123456789abcdef0' does not exist.",
            ),
        ),
    ] {
        let output = cloud
            .delete_tags(call(DeleteTagsInput {
                resource_ids: vec![resource_id.into()],
                tags: vec![],
            }))
            .await;
        assert_eq!(output.unwrap_err(), expected);
    }
}

// State.

#[tokio::test]
async fn volumes_and_snapshots_survive_save_and_restore() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let volume_id = new_volume(&cloud, 10).await;
    attach(&cloud, &volume_id, &instance_id, "/dev/sdf")
        .await
        .unwrap();
    let snapshot_id = snapshot_of(&cloud, &volume_id, "saved").await.snapshot_id;
    let json = serde_json::to_string(&cloud.save()).unwrap();
    let before = volume(&cloud, &volume_id).await;

    cloud.reset();
    assert!(
        describe_volumes(&cloud, DescribeVolumesInput::default())
            .await
            .is_empty()
    );
    cloud.restore(serde_json::from_str(&json).unwrap());
    assert_eq!(volume(&cloud, &volume_id).await, before);
    assert_eq!(
        snapshot_ids_where(&cloud, DescribeSnapshotsInput::default()).await,
        [snapshot_id]
    );
}

async fn block_device_mappings(cloud: &FakeCloud, instance_id: &str) -> Vec<(String, String)> {
    let output = cloud
        .describe_instances(call(DescribeInstancesInput {
            instance_ids: vec![instance_id.into()],
            ..Default::default()
        }))
        .await
        .unwrap();
    output.reservations[0].instances[0]
        .block_device_mappings
        .iter()
        .map(|mapping| (mapping.device_name.to_string(), mapping.status.to_string()))
        .collect()
}

#[tokio::test]
async fn describe_instances_shows_attached_volumes_after_the_root_by_device_name() {
    let (cloud, clock) = slow_cloud();
    let instance_id = launch(&cloud).await;
    clock.advance(time::Duration::milliseconds(5_250));
    let first = new_volume(&cloud, 10).await;
    let second = new_volume(&cloud, 10).await;
    clock.advance(time::Duration::seconds(5));

    attach(&cloud, &second, &instance_id, "/dev/sdg")
        .await
        .unwrap();
    attach(&cloud, &first, &instance_id, "/dev/sdf")
        .await
        .unwrap();
    assert_eq!(
        block_device_mappings(&cloud, &instance_id).await,
        [
            ("/dev/xvda".to_owned(), "attached".to_owned()),
            ("/dev/sdf".to_owned(), "attaching".to_owned()),
            ("/dev/sdg".to_owned(), "attaching".to_owned()),
        ]
    );

    clock.advance(time::Duration::seconds(5));
    let output = cloud
        .describe_instances(call(DescribeInstancesInput {
            instance_ids: vec![instance_id.clone()],
            ..Default::default()
        }))
        .await
        .unwrap();
    let mappings = &output.reservations[0].instances[0].block_device_mappings;
    assert_eq!(
        mappings[1],
        InstanceBlockDeviceMapping {
            device_name: "/dev/sdf".into(),
            volume_id: first.clone().into(),
            status: "attached".into(),
            // Attached 10.25 s after START; EC2 keeps attach times to the second.
            attach_time: Some(START + time::Duration::seconds(10)),
            delete_on_termination: false,
        }
    );
    assert_eq!(mappings[2].volume_id.as_ref(), second);

    detach(&cloud, detach_input(&second)).await.unwrap();
    clock.advance(time::Duration::seconds(5));
    assert_eq!(
        block_device_mappings(&cloud, &instance_id).await,
        [
            ("/dev/xvda".to_owned(), "attached".to_owned()),
            ("/dev/sdf".to_owned(), "attached".to_owned()),
        ]
    );
}

#[tokio::test]
async fn the_attach_time_filter_finds_the_root_volume_by_the_time_describe_instances_shows() {
    let (cloud, clock) = slow_cloud();
    clock.advance(time::Duration::milliseconds(750));
    let instance_id = launch(&cloud).await;
    let output = cloud
        .describe_instances(call(DescribeInstancesInput {
            instance_ids: vec![instance_id.clone()],
            ..Default::default()
        }))
        .await
        .unwrap();
    let root = &output.reservations[0].instances[0].block_device_mappings[0];
    let attach_time = root.attach_time.unwrap();
    assert_eq!(attach_time, START);

    let shown = crate::ec2::xml::format_timestamp(attach_time);
    assert_eq!(
        volume_ids_where(&cloud, vec![filter("attachment.attach-time", &[shown])]).await,
        only(root.volume_id.as_ref())
    );
}

#[tokio::test]
async fn a_repeated_launch_client_token_shows_the_volumes_attached_since() {
    let cloud = quick_cloud();
    let input = RunInstancesInput {
        image_id: Some(catalog_image(&cloud).await),
        min_count: 1,
        max_count: 1,
        client_token: Some("launch-1".into()),
        ..Default::default()
    };
    let launched = cloud.run_instances(call(input.clone())).await.unwrap();
    let instance_id = launched.reservation.instances[0].instance_id.to_string();
    let volume_id = new_volume(&cloud, 10).await;
    attach(&cloud, &volume_id, &instance_id, "/dev/sdf")
        .await
        .unwrap();

    let repeated = cloud.run_instances(call(input)).await.unwrap();
    let mappings = &repeated.reservation.instances[0].block_device_mappings;
    assert_eq!(mappings.len(), 2);
    assert_eq!(mappings[1].device_name.as_ref(), "/dev/sdf");
    assert_eq!(mappings[1].volume_id.as_ref(), volume_id);
    assert_eq!(mappings[1].status.as_ref(), "attached");
}

#[tokio::test]
async fn describe_instances_filters_by_the_block_device_mappings_of_attached_volumes() {
    let cloud = quick_cloud();
    let with_volume = launch(&cloud).await;
    let without = launch(&cloud).await;
    let volume_id = new_volume(&cloud, 10).await;
    attach(&cloud, &volume_id, &with_volume, "/dev/sdf")
        .await
        .unwrap();

    let instances_where = |name: &'static str, value: String| {
        let cloud = &cloud;
        async move {
            let output = cloud
                .describe_instances(call(DescribeInstancesInput {
                    filters: vec![filter(name, &[value])],
                    ..Default::default()
                }))
                .await
                .unwrap();
            output
                .reservations
                .iter()
                .flat_map(|reservation| &reservation.instances)
                .map(|instance| instance.instance_id.to_string())
                .collect::<Vec<_>>()
        }
    };
    let only_with_volume = vec![with_volume.clone()];
    assert_eq!(
        instances_where("block-device-mapping.volume-id", volume_id.clone()).await,
        only_with_volume
    );
    assert_eq!(
        instances_where("block-device-mapping.device-name", "/dev/sdf".into()).await,
        only_with_volume
    );
    assert_eq!(
        instances_where("block-device-mapping.delete-on-termination", "false".into()).await,
        only_with_volume
    );
    assert_eq!(
        instances_where("block-device-mapping.status", "attached".into()).await,
        [with_volume.clone(), without.clone()]
    );
    assert_eq!(
        instances_where(
            "block-device-mapping.attach-time",
            crate::ec2::xml::format_timestamp(START)
        )
        .await,
        [with_volume, without]
    );
}
