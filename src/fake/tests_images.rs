//! Behaviour of the fake cloud's own images, driven in-process through
//! [`CloudController`]: RegisterImage, CreateImage, DeregisterImage, UpdateImage,
//! DescribeImages and image attributes.

use super::test_support::*;
use super::*;

fn error(code: ErrorCode, message: &str) -> Ec2Error {
    Ec2Error::new(code, message.to_owned())
}

fn only(id: &str) -> Vec<String> {
    vec![id.to_owned()]
}

/// Launches one `t2.micro` of `image_id` for `project`.
async fn launch_of(cloud: &FakeCloud, project: &str, image_id: &str) -> Result<String, Ec2Error> {
    let input = RunInstancesInput {
        image_id: Some(image_id.into()),
        min_count: 1,
        max_count: 1,
        instance_type: Some("t2.micro".into()),
        ..Default::default()
    };
    let output = cloud.run_instances(call_as(project, input)).await?;
    Ok(output.reservation.instances[0].instance_id.to_string())
}

async fn launch(cloud: &FakeCloud) -> String {
    let image_id = catalog_image(cloud).await;
    launch_of(cloud, "default", &image_id).await.unwrap()
}

fn create_input(instance_id: &str, name: &str) -> CreateImageInput {
    CreateImageInput {
        instance_id: instance_id.into(),
        name: name.into(),
        ..Default::default()
    }
}

async fn create_image(cloud: &FakeCloud, input: CreateImageInput) -> Result<String, Ec2Error> {
    Ok(cloud.create_image(call(input)).await?.image_id)
}

/// A completed 10 GiB snapshot of a new volume of project `default`.
async fn snapshot(cloud: &FakeCloud) -> String {
    let volume = cloud
        .create_volume(call(CreateVolumeInput {
            availability_zone: Some("us-east-1a".into()),
            size: Some(10),
            ..Default::default()
        }))
        .await
        .unwrap();
    let snapshot = cloud
        .create_snapshot(call(CreateSnapshotInput {
            volume_id: volume.volume_id,
            ..Default::default()
        }))
        .await
        .unwrap();
    snapshot.snapshot_id
}

fn root_mapping(device: &str, snapshot_id: &str) -> BlockDeviceMapping {
    BlockDeviceMapping {
        device_name: Some(device.into()),
        ebs: Some(EbsBlockDevice {
            snapshot_id: Some(snapshot_id.into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn register_input(name: &str, snapshot_id: &str) -> RegisterImageInput {
    RegisterImageInput {
        name: Some(name.into()),
        root_device_name: Some("/dev/xvda".into()),
        architecture: Some("x86_64".into()),
        virtualization_type: Some("hvm".into()),
        block_device_mappings: vec![root_mapping("/dev/xvda", snapshot_id)],
        ..Default::default()
    }
}

async fn register(cloud: &FakeCloud, input: RegisterImageInput) -> Result<String, Ec2Error> {
    Ok(cloud.register_image(call(input)).await?.image_id)
}

async fn images_as(
    cloud: &FakeCloud,
    project: &str,
    input: DescribeImagesInput,
) -> Result<Vec<Image>, Ec2Error> {
    Ok(cloud.describe_images(call_as(project, input)).await?.images)
}

async fn image(cloud: &FakeCloud, image_id: &str) -> Image {
    let input = DescribeImagesInput {
        image_ids: only(image_id),
        ..Default::default()
    };
    let mut images = images_as(cloud, "default", input).await.unwrap();
    assert_eq!(images.len(), 1);
    images.remove(0)
}

async fn ids_where(cloud: &FakeCloud, project: &str, input: DescribeImagesInput) -> Vec<String> {
    let images = images_as(cloud, project, input).await.unwrap();
    images.into_iter().map(|image| image.image_id).collect()
}

fn launch_users(image_id: &str, operation: &str, users: &[&str]) -> ModifyImageAttributeInput {
    ModifyImageAttributeInput {
        image_id: image_id.into(),
        attribute: Some("launchPermission".into()),
        operation_type: Some(operation.into()),
        user_ids: users.iter().map(|user| user.to_string()).collect(),
        ..Default::default()
    }
}

fn launch_all(image_id: &str, operation: &str) -> ModifyImageAttributeInput {
    ModifyImageAttributeInput {
        image_id: image_id.into(),
        attribute: Some("launchPermission".into()),
        operation_type: Some(operation.into()),
        user_groups: vec!["all".into()],
        ..Default::default()
    }
}

async fn modify_as(
    cloud: &FakeCloud,
    project: &str,
    input: ModifyImageAttributeInput,
) -> Result<(), Ec2Error> {
    cloud
        .modify_image_attribute(call_as(project, input))
        .await?;
    Ok(())
}

async fn attribute_as(
    cloud: &FakeCloud,
    project: &str,
    image_id: &str,
    attribute: ImageAttributeName,
) -> Result<ImageAttributeValue, Ec2Error> {
    let input = DescribeImageAttributeInput {
        image_id: image_id.into(),
        attribute,
    };
    Ok(cloud
        .describe_image_attribute(call_as(project, input))
        .await?
        .value)
}

fn user(id: &str) -> LaunchPermission {
    LaunchPermission {
        user_id: Some(id.into()),
        ..Default::default()
    }
}

fn group_all() -> LaunchPermission {
    LaunchPermission {
        group: Some("all".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn register_image_from_a_snapshot_makes_an_available_private_image() {
    let cloud = quick_cloud();
    let snapshot_id = snapshot(&cloud).await;
    let mut input = register_input("web-2026", &snapshot_id);
    input.description = Some("web server".into());
    let image_id = register(&cloud, input).await.unwrap();

    assert!(ids::is_well_formed(&image_id, "ami-"));
    assert_eq!(image_id.len(), 21);
    assert_eq!(
        image(&cloud, &image_id).await,
        Image {
            image_id: image_id.clone(),
            image_location: "123456789012/web-2026".into(),
            image_state: "available".into(),
            image_owner_id: "123456789012".into(),
            creation_date: "2026-03-04T05:06:07.000Z".into(),
            is_public: false,
            architecture: "x86_64".into(),
            image_type: "machine".into(),
            platform_details: Some("Linux/UNIX".into()),
            usage_operation: Some("RunInstances".into()),
            name: Some("web-2026".into()),
            description: Some("web server".into()),
            root_device_type: "ebs".into(),
            root_device_name: Some("/dev/xvda".into()),
            block_device_mappings: vec![BlockDeviceMapping {
                device_name: Some("/dev/xvda".into()),
                ebs: Some(EbsBlockDevice {
                    snapshot_id: Some(snapshot_id),
                    volume_size: Some(10),
                    delete_on_termination: Some(true),
                    volume_type: Some("gp2".into()),
                    encrypted: Some(false),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            virtualization_type: "hvm".into(),
            hypervisor: "xen".into(),
            ena_support: Some(false),
            ..Default::default()
        }
    );
}

#[tokio::test]
async fn register_image_from_a_manifest_makes_an_instance_store_image() {
    let cloud = quick_cloud();
    let input = RegisterImageInput {
        name: Some("legacy".into()),
        image_location: Some("my-bucket/legacy.manifest.xml".into()),
        ..Default::default()
    };
    let image_id = register(&cloud, input).await.unwrap();

    let image = image(&cloud, &image_id).await;
    assert_eq!(image.image_location, "my-bucket/legacy.manifest.xml");
    assert_eq!(image.root_device_type, "instance-store");
    assert_eq!(image.root_device_name.as_deref(), Some("/dev/sda1"));
    assert_eq!(image.block_device_mappings, []);
    assert_eq!(image.architecture, "i386");
    assert_eq!(image.virtualization_type, "paravirtual");
}

#[tokio::test]
async fn register_image_refuses_what_aws_refuses() {
    let cloud = quick_cloud();
    let snapshot_id = snapshot(&cloud).await;
    let register_error = |input| {
        let cloud = cloud.clone();
        async move { register(&cloud, input).await.unwrap_err() }
    };

    let unnamed = RegisterImageInput {
        name: None,
        ..register_input("x", &snapshot_id)
    };
    assert_eq!(
        register_error(unnamed).await,
        error(
            ErrorCode::MissingParameter,
            "The request must contain the parameter Name"
        )
    );
    let empty = RegisterImageInput {
        name: Some("empty".into()),
        ..Default::default()
    };
    assert_eq!(
        register_error(empty).await,
        error(
            ErrorCode::MissingParameter,
            "The request must contain the parameter ImageLocation or a root device mapping \
             with Ebs.SnapshotId"
        )
    );
    assert_eq!(
        register_error(register_input("a*b", &snapshot_id))
            .await
            .code(),
        ErrorCode::InvalidAmiNameMalformed
    );
    assert_eq!(
        register_error(register_input("ab", &snapshot_id))
            .await
            .code(),
        ErrorCode::InvalidAmiNameMalformed
    );
    assert_eq!(
        register_error(register_input("web", "snap-0123456789abcdef0")).await,
        error(
            ErrorCode::InvalidSnapshotNotFound,
            "The snapshot 'snap-0123456789abcdef0' does not exist."
        )
    );
    let mut bad_architecture = register_input("web", &snapshot_id);
    bad_architecture.architecture = Some("sparc".into());
    assert_eq!(
        register_error(bad_architecture).await,
        error(
            ErrorCode::InvalidParameterValue,
            "Value (sparc) for parameter architecture is invalid. Valid values: i386, x86_64, \
             arm64."
        )
    );
    let mut small = register_input("web", &snapshot_id);
    small.block_device_mappings[0]
        .ebs
        .as_mut()
        .unwrap()
        .volume_size = Some(4);
    assert_eq!(
        register_error(small).await,
        error(
            ErrorCode::InvalidBlockDeviceMapping,
            &format!(
                "Volume of size 4GB is smaller than snapshot '{snapshot_id}', expect size >= 10GB"
            )
        )
    );

    let first = register(&cloud, register_input("web", &snapshot_id))
        .await
        .unwrap();
    assert_eq!(
        register_error(register_input("web", &snapshot_id)).await,
        error(
            ErrorCode::InvalidAmiNameDuplicate,
            &format!("AMI name web is already in use by AMI {first}")
        )
    );
}

#[tokio::test]
async fn another_projects_snapshot_cannot_be_registered() {
    let cloud = quick_cloud();
    let snapshot_id = snapshot(&cloud).await;
    let input = register_input("theirs", &snapshot_id);
    let error = cloud
        .register_image(call_as("other", input))
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidSnapshotNotFound);
}

#[tokio::test]
async fn create_image_snapshots_the_root_volume_of_the_instance() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let mut input = create_input(&instance_id, "web-golden");
    input.description = Some("golden".into());
    input.tag_specifications = vec![
        TagSpecification {
            resource_type: "image".into(),
            tags: vec![tag("role", "web")],
        },
        TagSpecification {
            resource_type: "snapshot".into(),
            tags: vec![tag("of", "web")],
        },
    ];
    let image_id = create_image(&cloud, input).await.unwrap();

    let image = image(&cloud, &image_id).await;
    assert_eq!(image.name.as_deref(), Some("web-golden"));
    assert_eq!(image.description.as_deref(), Some("golden"));
    assert_eq!(image.image_owner_id, "123456789012");
    assert_eq!(image.image_location, "123456789012/web-golden");
    assert_eq!(image.root_device_type, "ebs");
    assert_eq!(image.root_device_name.as_deref(), Some("/dev/xvda"));
    assert_eq!(image.architecture, "x86_64");
    assert_eq!(image.virtualization_type, "hvm");
    assert_eq!(image.boot_mode.as_deref(), Some("uefi-preferred"));
    assert_eq!(
        image.source_instance_id.as_deref(),
        Some(instance_id.as_str())
    );
    assert_eq!(image.tags, [tag("role", "web")]);
    let ebs = image.block_device_mappings[0].ebs.clone().unwrap();
    assert_eq!(ebs.volume_size, Some(8));
    assert_eq!(ebs.volume_type.as_deref(), Some("gp3"));
    let snapshot_id = ebs.snapshot_id.unwrap();

    let snapshots = cloud
        .describe_snapshots(call(DescribeSnapshotsInput {
            snapshot_ids: only(&snapshot_id),
            ..Default::default()
        }))
        .await
        .unwrap()
        .snapshots;
    assert_eq!(snapshots.len(), 1);
    assert_eq!(
        snapshots[0].description,
        format!("Created by CreateImage({instance_id}) for {image_id}")
    );
    assert_eq!(snapshots[0].owner_id, "123456789012");
    assert_eq!(snapshots[0].volume_size, 8);
    assert_eq!(snapshots[0].tags, [tag("of", "web")]);

    // The new image launches, and its instance's root volume comes from the snapshot.
    let copy = launch_of(&cloud, "default", &image_id).await.unwrap();
    let described = cloud
        .describe_instances(call(DescribeInstancesInput {
            instance_ids: only(&copy),
            ..Default::default()
        }))
        .await
        .unwrap();
    assert_eq!(described.reservations[0].instances[0].image_id, image_id);
}

#[tokio::test]
async fn create_image_refuses_missing_foreign_and_unready_instances() {
    let (cloud, clock) = slow_cloud();
    let instance_id = launch(&cloud).await;

    // Still pending.
    assert_eq!(
        create_image(&cloud, create_input(&instance_id, "early"))
            .await
            .unwrap_err(),
        error(
            ErrorCode::IncorrectInstanceState,
            &format!("The instance '{instance_id}' is not in a state from which it can be imaged.")
        )
    );
    clock.advance(time::Duration::seconds(5));

    let missing = "i-0123456789abcdef0";
    assert_eq!(
        create_image(&cloud, create_input(missing, "lost"))
            .await
            .unwrap_err(),
        error(
            ErrorCode::InvalidInstanceIdNotFound,
            "The instance ID 'i-0123456789abcdef0' does not exist"
        )
    );
    let foreign = cloud
        .create_image(call_as("other", create_input(&instance_id, "theirs")))
        .await
        .unwrap_err();
    assert_eq!(
        foreign,
        error(
            ErrorCode::InvalidInstanceIdNotFound,
            &format!("The instance ID '{instance_id}' does not exist")
        )
    );

    let mut wrong_tags = create_input(&instance_id, "tagged");
    wrong_tags.tag_specifications = vec![TagSpecification {
        resource_type: "instance".into(),
        tags: vec![tag("a", "b")],
    }];
    assert_eq!(
        create_image(&cloud, wrong_tags).await.unwrap_err(),
        error(
            ErrorCode::InvalidParameterValue,
            "'instance' is not a valid taggable resource type for this operation."
        )
    );

    let first = create_image(&cloud, create_input(&instance_id, "twice"))
        .await
        .unwrap();
    assert_eq!(
        create_image(&cloud, create_input(&instance_id, "twice"))
            .await
            .unwrap_err(),
        error(
            ErrorCode::InvalidAmiNameDuplicate,
            &format!("AMI name twice is already in use by AMI {first}")
        )
    );
    // Names are unique per account: another project may use the same one.
    let theirs = launch_of(&cloud, "other", &catalog_image(&cloud).await)
        .await
        .unwrap();
    clock.advance(time::Duration::seconds(5));
    assert!(
        cloud
            .create_image(call_as("other", create_input(&theirs, "twice")))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_snapshot_in_use_by_an_image_is_kept_until_the_image_is_deregistered() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let image_id = create_image(&cloud, create_input(&instance_id, "keep"))
        .await
        .unwrap();
    let snapshot_id = image(&cloud, &image_id).await.block_device_mappings[0]
        .ebs
        .clone()
        .unwrap()
        .snapshot_id
        .unwrap();
    let delete = |snapshot_id: String| {
        let cloud = cloud.clone();
        async move {
            cloud
                .delete_snapshot(call(DeleteSnapshotInput { snapshot_id }))
                .await
        }
    };

    assert_eq!(
        delete(snapshot_id.clone()).await.unwrap_err(),
        error(
            ErrorCode::InvalidSnapshotInUse,
            &format!("The snapshot {snapshot_id} is currently in use by {image_id}")
        )
    );
    let deregister = DeregisterImageInput {
        image_id: image_id.clone(),
        delete_associated_snapshots: false,
    };
    cloud.deregister_image(call(deregister)).await.unwrap();
    assert!(delete(snapshot_id.clone()).await.is_ok());
}

#[tokio::test]
async fn a_deregistered_image_describes_as_nothing_and_no_longer_launches() {
    let cloud = quick_cloud();
    let snapshot_id = snapshot(&cloud).await;
    let image_id = register(&cloud, register_input("gone", &snapshot_id))
        .await
        .unwrap();
    let deregister = DeregisterImageInput {
        image_id: image_id.clone(),
        delete_associated_snapshots: false,
    };
    assert_eq!(
        cloud.deregister_image(call(deregister.clone())).await,
        Ok(Return(true))
    );

    let by_id = DescribeImagesInput {
        image_ids: only(&image_id),
        ..Default::default()
    };
    assert_eq!(images_as(&cloud, "default", by_id).await, Ok(vec![]));
    let own = DescribeImagesInput {
        owners: only("self"),
        ..Default::default()
    };
    assert_eq!(
        ids_where(&cloud, "default", own).await,
        Vec::<String>::new()
    );
    assert_eq!(
        cloud.deregister_image(call(deregister)).await.unwrap_err(),
        error(
            ErrorCode::InvalidAmiIdUnavailable,
            &format!("The image '{image_id}' has been deregistered and is no longer available.")
        )
    );
    assert_eq!(
        launch_of(&cloud, "default", &image_id).await.unwrap_err(),
        error(
            ErrorCode::InvalidAmiIdNotFound,
            &format!("The image id '[{image_id}]' does not exist")
        )
    );
    // Its name is free again.
    assert!(
        register(&cloud, register_input("gone", &snapshot_id))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn deregister_can_delete_the_snapshots_no_other_image_uses() {
    let cloud = quick_cloud();
    let snapshot_id = snapshot(&cloud).await;
    let first = register(&cloud, register_input("first", &snapshot_id))
        .await
        .unwrap();
    let second = register(&cloud, register_input("second", &snapshot_id))
        .await
        .unwrap();
    let snapshot_count = || {
        let cloud = cloud.clone();
        async move {
            let input = DescribeSnapshotsInput::default();
            cloud
                .describe_snapshots(call(input))
                .await
                .unwrap()
                .snapshots
                .len()
        }
    };
    let deregister = |image_id: String| {
        let cloud = cloud.clone();
        let input = DeregisterImageInput {
            image_id,
            delete_associated_snapshots: true,
        };
        async move { cloud.deregister_image(call(input)).await.unwrap() }
    };
    // Shared with the second image, the snapshot stays until that one goes too.
    deregister(first).await;
    assert_eq!(snapshot_count().await, 1);
    deregister(second).await;
    assert_eq!(snapshot_count().await, 0);
}

#[tokio::test]
async fn deregistering_a_missing_foreign_or_public_image_is_refused() {
    let cloud = quick_cloud();
    let snapshot_id = snapshot(&cloud).await;
    let image_id = register(&cloud, register_input("mine", &snapshot_id))
        .await
        .unwrap();
    let deregister_as = |project: &'static str, image_id: String| {
        let cloud = cloud.clone();
        async move {
            let input = DeregisterImageInput {
                image_id,
                delete_associated_snapshots: false,
            };
            cloud.deregister_image(call_as(project, input)).await
        }
    };

    assert_eq!(
        deregister_as("default", "ami-12c6146b".into())
            .await
            .unwrap_err(),
        error(
            ErrorCode::InvalidAmiIdNotFound,
            "The image id '[ami-12c6146b]' does not exist"
        )
    );
    assert_eq!(
        deregister_as("other", image_id.clone()).await.unwrap_err(),
        error(
            ErrorCode::InvalidAmiIdNotFound,
            &format!("The image id '[{image_id}]' does not exist")
        )
    );
    let public = catalog_image(&cloud).await;
    assert_eq!(
        deregister_as("default", public.clone()).await.unwrap_err(),
        error(
            ErrorCode::AuthFailure,
            &format!("Not authorized for image:{public}")
        )
    );
    assert_eq!(image(&cloud, &image_id).await.name.as_deref(), Some("mine"));
}

#[tokio::test]
async fn launch_permissions_share_an_image_with_an_account_and_with_everyone() {
    let cloud = quick_cloud();
    let snapshot_id = snapshot(&cloud).await;
    let image_id = register(&cloud, register_input("shared", &snapshot_id))
        .await
        .unwrap();
    let other_account = cloud.account_id_of("other");
    let by_id = || DescribeImagesInput {
        image_ids: only(&image_id),
        ..Default::default()
    };

    // Private: the other project sees nothing and cannot launch it.
    assert_eq!(
        images_as(&cloud, "other", by_id())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::InvalidAmiIdNotFound
    );
    assert_eq!(
        launch_of(&cloud, "other", &image_id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::InvalidAmiIdNotFound
    );

    // Shared with its account: it sees and launches it, but may not change it.
    modify_as(
        &cloud,
        "default",
        launch_users(&image_id, "add", &[&other_account]),
    )
    .await
    .unwrap();
    assert_eq!(ids_where(&cloud, "other", by_id()).await, only(&image_id));
    assert!(launch_of(&cloud, "other", &image_id).await.is_ok());
    assert_eq!(
        modify_as(&cloud, "other", launch_all(&image_id, "add"))
            .await
            .unwrap_err(),
        error(
            ErrorCode::AuthFailure,
            &format!("Not authorized for image:{image_id}")
        )
    );
    assert_eq!(
        attribute_as(
            &cloud,
            "other",
            &image_id,
            ImageAttributeName::LaunchPermission
        )
        .await
        .unwrap_err()
        .code(),
        ErrorCode::AuthFailure
    );

    // Public, then private again.
    modify_as(&cloud, "default", launch_all(&image_id, "add"))
        .await
        .unwrap();
    assert!(image(&cloud, &image_id).await.is_public);
    assert_eq!(
        attribute_as(
            &cloud,
            "default",
            &image_id,
            ImageAttributeName::LaunchPermission
        )
        .await,
        Ok(ImageAttributeValue::LaunchPermission(vec![
            user(&other_account),
            group_all()
        ]))
    );
    modify_as(&cloud, "default", launch_all(&image_id, "remove"))
        .await
        .unwrap();
    modify_as(
        &cloud,
        "default",
        launch_users(&image_id, "remove", &[&other_account]),
    )
    .await
    .unwrap();
    assert!(!image(&cloud, &image_id).await.is_public);
    assert_eq!(
        attribute_as(
            &cloud,
            "default",
            &image_id,
            ImageAttributeName::LaunchPermission
        )
        .await,
        Ok(ImageAttributeValue::LaunchPermission(vec![]))
    );
    assert_eq!(
        images_as(&cloud, "other", by_id())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::InvalidAmiIdNotFound
    );
}

#[tokio::test]
async fn launch_permissions_in_the_add_remove_form_keep_their_order() {
    let cloud = quick_cloud();
    let snapshot_id = snapshot(&cloud).await;
    let image_id = register(&cloud, register_input("ordered", &snapshot_id))
        .await
        .unwrap();
    let input = ModifyImageAttributeInput {
        image_id: image_id.clone(),
        launch_permission_add: vec![
            user("111122223333"),
            group_all(),
            LaunchPermission {
                organization_arn: Some(
                    "arn:aws:organizations::111122223333:organization/o-1".into(),
                ),
                ..Default::default()
            },
            user("444455556666"),
        ],
        ..Default::default()
    };
    modify_as(&cloud, "default", input).await.unwrap();
    let remove = ModifyImageAttributeInput {
        image_id: image_id.clone(),
        launch_permission_remove: vec![user("111122223333")],
        ..Default::default()
    };
    modify_as(&cloud, "default", remove).await.unwrap();

    assert_eq!(
        attribute_as(
            &cloud,
            "default",
            &image_id,
            ImageAttributeName::LaunchPermission
        )
        .await,
        Ok(ImageAttributeValue::LaunchPermission(vec![
            group_all(),
            LaunchPermission {
                organization_arn: Some(
                    "arn:aws:organizations::111122223333:organization/o-1".into()
                ),
                ..Default::default()
            },
            user("444455556666"),
        ]))
    );
}

#[tokio::test]
async fn bad_launch_permission_items_change_nothing() {
    let cloud = quick_cloud();
    let snapshot_id = snapshot(&cloud).await;
    let image_id = register(&cloud, register_input("strict", &snapshot_id))
        .await
        .unwrap();
    let mut everyone = launch_all(&image_id, "add");
    everyone.user_groups = vec!["everyone".into()];
    assert_eq!(
        modify_as(&cloud, "default", everyone).await.unwrap_err(),
        error(
            ErrorCode::InvalidAmiAttributeItemValue,
            "Invalid attribute item value \"everyone\" for group item type."
        )
    );
    for bad in ["12345678901A", "1234567890123", "12345678901", "foo"] {
        let input = launch_users(&image_id, "add", &["123456789011", bad]);
        assert_eq!(
            modify_as(&cloud, "default", input).await.unwrap_err(),
            error(
                ErrorCode::InvalidAmiAttributeItemValue,
                &format!("Invalid attribute item value \"{bad}\" for userId item type.")
            )
        );
    }
    let mut sideways = launch_users(&image_id, "sideways", &["123456789011"]);
    sideways.operation_type = Some("sideways".into());
    assert_eq!(
        modify_as(&cloud, "default", sideways).await.unwrap_err(),
        error(
            ErrorCode::InvalidParameterValue,
            "Value (sideways) for parameter operationType is invalid. Valid values: add, \
             remove."
        )
    );
    let kernel = ModifyImageAttributeInput {
        image_id: image_id.clone(),
        attribute: Some("kernel".into()),
        value: Some("aki-12345678".into()),
        ..Default::default()
    };
    assert_eq!(
        modify_as(&cloud, "default", kernel).await.unwrap_err(),
        error(
            ErrorCode::InvalidParameterValue,
            "Value (kernel) for parameter attribute is invalid. Valid values: description, \
             imdsSupport, launchPermission."
        )
    );
    assert_eq!(
        attribute_as(
            &cloud,
            "default",
            &image_id,
            ImageAttributeName::LaunchPermission
        )
        .await,
        Ok(ImageAttributeValue::LaunchPermission(vec![]))
    );
    let missing = launch_all("ami-abcd1234", "add");
    assert_eq!(
        modify_as(&cloud, "default", missing).await.unwrap_err(),
        error(
            ErrorCode::InvalidAmiIdNotFound,
            "The image id '[ami-abcd1234]' does not exist"
        )
    );
}

#[tokio::test]
async fn image_attributes_show_what_the_owner_set() {
    let cloud = quick_cloud();
    let snapshot_id = snapshot(&cloud).await;
    let mut input = register_input("attributes", &snapshot_id);
    input.kernel_id = Some("aki-12345678".into());
    input.sriov_net_support = Some("simple".into());
    input.boot_mode = Some("uefi".into());
    let image_id = register(&cloud, input).await.unwrap();
    let of = |attribute| attribute_as(&cloud, "default", &image_id, attribute);

    assert_eq!(
        of(ImageAttributeName::Description).await,
        Ok(ImageAttributeValue::Description(None))
    );
    let describe = ModifyImageAttributeInput {
        image_id: image_id.clone(),
        description: Some("now described".into()),
        ..Default::default()
    };
    modify_as(&cloud, "default", describe).await.unwrap();
    assert_eq!(
        of(ImageAttributeName::Description).await,
        Ok(ImageAttributeValue::Description(Some(
            "now described".into()
        )))
    );
    let short_form = ModifyImageAttributeInput {
        image_id: image_id.clone(),
        attribute: Some("description".into()),
        value: Some("short form".into()),
        ..Default::default()
    };
    modify_as(&cloud, "default", short_form).await.unwrap();
    assert_eq!(
        image(&cloud, &image_id).await.description.as_deref(),
        Some("short form")
    );
    assert_eq!(
        of(ImageAttributeName::Kernel).await,
        Ok(ImageAttributeValue::Kernel(Some("aki-12345678".into())))
    );
    assert_eq!(
        of(ImageAttributeName::Ramdisk).await,
        Ok(ImageAttributeValue::Ramdisk(None))
    );
    assert_eq!(
        of(ImageAttributeName::SriovNetSupport).await,
        Ok(ImageAttributeValue::SriovNetSupport(Some("simple".into())))
    );
    assert_eq!(
        of(ImageAttributeName::BootMode).await,
        Ok(ImageAttributeValue::BootMode(Some("uefi".into())))
    );
    assert_eq!(
        of(ImageAttributeName::ProductCodes).await,
        Ok(ImageAttributeValue::ProductCodes(vec![]))
    );
    assert_eq!(
        of(ImageAttributeName::BlockDeviceMapping).await,
        Err(error(
            ErrorCode::AuthFailure,
            "Unauthorized attempt to access restricted resource"
        ))
    );
    let imds = ModifyImageAttributeInput {
        image_id: image_id.clone(),
        imds_support: Some("v2.0".into()),
        ..Default::default()
    };
    modify_as(&cloud, "default", imds).await.unwrap();
    assert_eq!(
        of(ImageAttributeName::ImdsSupport).await,
        Ok(ImageAttributeValue::ImdsSupport(Some("v2.0".into())))
    );
}

#[tokio::test]
async fn attributes_of_images_the_caller_does_not_own_are_refused() {
    let cloud = quick_cloud();
    let public = catalog_image(&cloud).await;
    assert_eq!(
        attribute_as(&cloud, "default", &public, ImageAttributeName::Description).await,
        Err(error(
            ErrorCode::AuthFailure,
            &format!("Not authorized for image:{public}")
        ))
    );
    let snapshot_id = snapshot(&cloud).await;
    let private = register(&cloud, register_input("private", &snapshot_id))
        .await
        .unwrap();
    assert_eq!(
        attribute_as(&cloud, "other", &private, ImageAttributeName::Description).await,
        Err(error(
            ErrorCode::InvalidAmiIdNotFound,
            &format!("The image id '[{private}]' does not exist")
        ))
    );
}

#[tokio::test]
async fn update_image_renames_and_redescribes_the_owners_image() {
    let cloud = quick_cloud();
    let snapshot_id = snapshot(&cloud).await;
    let image_id = register(&cloud, register_input("before", &snapshot_id))
        .await
        .unwrap();
    register(&cloud, register_input("taken", &snapshot_id))
        .await
        .unwrap();
    let update = |project: &'static str, name: &str| {
        let cloud = cloud.clone();
        let input = UpdateImageInput {
            image_id: image_id.clone(),
            name: Some(name.into()),
            description: Some("renamed".into()),
        };
        async move { cloud.update_image(call_as(project, input)).await }
    };

    assert_eq!(update("default", "after").await, Ok(Return(true)));
    let image = image(&cloud, &image_id).await;
    assert_eq!(image.name.as_deref(), Some("after"));
    assert_eq!(image.description.as_deref(), Some("renamed"));
    assert_eq!(
        update("default", "taken").await.unwrap_err().code(),
        ErrorCode::InvalidAmiNameDuplicate
    );
    assert_eq!(
        update("other", "theirs").await.unwrap_err().code(),
        ErrorCode::InvalidAmiIdNotFound
    );
}

#[tokio::test]
async fn describe_images_selects_by_owner_executable_user_and_filters() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let web = create_image(&cloud, create_input(&instance_id, "web-1"))
        .await
        .unwrap();
    let db = create_image(&cloud, create_input(&instance_id, "db-1"))
        .await
        .unwrap();
    cloud
        .create_tags(call(CreateTagsInput {
            resource_ids: only(&db),
            tags: vec![tag("tier", "data")],
        }))
        .await
        .unwrap();
    modify_as(
        &cloud,
        "default",
        launch_users(&db, "add", &["111122223333"]),
    )
    .await
    .unwrap();
    let where_ = |filters: Vec<Filter>| DescribeImagesInput {
        filters,
        ..Default::default()
    };
    let ids = |input| ids_where(&cloud, "default", input);

    let own = DescribeImagesInput {
        owners: only("self"),
        ..Default::default()
    };
    assert_eq!(ids(own).await, [web.clone(), db.clone()]);
    let by_account = DescribeImagesInput {
        owners: only("123456789012"),
        ..where_(vec![filter("name", &["web-*"])])
    };
    assert_eq!(ids(by_account).await, only(&web));
    assert_eq!(
        ids(where_(vec![filter("tag:tier", &["data"])])).await,
        only(&db)
    );
    assert_eq!(
        ids(where_(vec![filter("tag-key", &["tier"])])).await,
        only(&db)
    );
    assert_eq!(
        ids(where_(vec![filter("is-public", &["false"])])).await,
        [web.clone(), db.clone()]
    );
    assert_eq!(
        ids(where_(vec![filter("source-instance-id", &[&instance_id])])).await,
        [web.clone(), db.clone()]
    );
    assert_eq!(
        ids(where_(vec![filter("owner-alias", &["unknown"])]))
            .await
            .len(),
        0
    );
    assert_eq!(
        ids(where_(vec![filter::<&str>("owner-alias", &[])]))
            .await
            .len(),
        0
    );
    let shared = DescribeImagesInput {
        executable_users: only("111122223333"),
        ..where_(vec![filter("is-public", &["false"])])
    };
    assert_eq!(ids(shared).await, only(&db));
    let snapshot_id = image(&cloud, &web).await.block_device_mappings[0]
        .ebs
        .clone()
        .unwrap()
        .snapshot_id
        .unwrap();
    assert_eq!(
        ids(where_(vec![filter(
            "block-device-mapping.snapshot-id",
            &[&snapshot_id]
        )]))
        .await,
        only(&web)
    );
    let amazon = DescribeImagesInput {
        owners: only("amazon"),
        ..Default::default()
    };
    assert_eq!(ids(amazon).await.len(), 3);
    assert_eq!(
        ids(where_(vec![filter("root-device-type", &["ebs"])]))
            .await
            .len(),
        8
    );
}

#[tokio::test]
async fn several_missing_image_ids_are_named_together() {
    let cloud = quick_cloud();
    let input = DescribeImagesInput {
        image_ids: vec!["ami-abcd1234".into(), "ami-1234abcd".into()],
        ..Default::default()
    };
    assert_eq!(
        images_as(&cloud, "default", input).await.unwrap_err(),
        error(
            ErrorCode::InvalidAmiIdNotFound,
            "The image ids '[ami-abcd1234, ami-1234abcd]' do not exist"
        )
    );
}

#[tokio::test]
async fn own_images_follow_the_catalog_in_pages() {
    let cloud = quick_cloud();
    let snapshot_id = snapshot(&cloud).await;
    let mut registered = Vec::new();
    for name in ["one", "two", "three", "four", "five"] {
        registered.push(
            register(&cloud, register_input(name, &snapshot_id))
                .await
                .unwrap(),
        );
    }
    let mut seen = Vec::new();
    let mut next_token = None;
    loop {
        let input = DescribeImagesInput {
            max_results: Some(5),
            next_token: next_token.take(),
            ..Default::default()
        };
        let page = cloud.describe_images(call(input)).await.unwrap();
        assert!(page.images.len() <= 5);
        seen.extend(page.images.into_iter().map(|image| image.image_id));
        match page.next_token {
            Some(token) => next_token = Some(token),
            None => break,
        }
    }
    assert_eq!(seen.len(), 11);
    assert_eq!(seen[6..], registered[..]);
}

#[tokio::test]
async fn tags_on_own_images_are_described_with_their_type() {
    let cloud = quick_cloud();
    let snapshot_id = snapshot(&cloud).await;
    let image_id = register(&cloud, register_input("tagged", &snapshot_id))
        .await
        .unwrap();
    cloud
        .create_tags(call(CreateTagsInput {
            resource_ids: only(&image_id),
            tags: vec![tag("Name", "golden")],
        }))
        .await
        .unwrap();
    let tags = cloud
        .describe_tags(call(DescribeTagsInput {
            filters: vec![filter("resource-type", &["image"])],
            ..Default::default()
        }))
        .await
        .unwrap()
        .tags;
    assert_eq!(
        tags,
        [TagDescription {
            resource_id: image_id.clone(),
            resource_type: "image".into(),
            key: "Name".into(),
            value: "golden".into(),
        }]
    );
    let theirs = cloud
        .create_tags(call_as(
            "other",
            CreateTagsInput {
                resource_ids: only(&image_id),
                tags: vec![tag("Name", "stolen")],
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(theirs.code(), ErrorCode::InvalidAmiIdNotFound);
}

#[tokio::test]
async fn a_registered_i386_image_launches_on_x86_64_types() {
    let cloud = quick_cloud();
    let snapshot_id = snapshot(&cloud).await;
    let mut input = register_input("thirty-two", &snapshot_id);
    input.architecture = None;
    let image_id = register(&cloud, input).await.unwrap();
    assert_eq!(image(&cloud, &image_id).await.architecture, "i386");
    assert!(launch_of(&cloud, "default", &image_id).await.is_ok());
}

#[tokio::test]
async fn describe_images_by_id_lists_each_named_image_once_in_registration_order() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let first = create_image(&cloud, create_input(&instance_id, "first"))
        .await
        .unwrap();
    let second = create_image(&cloud, create_input(&instance_id, "second"))
        .await
        .unwrap();
    create_image(&cloud, create_input(&instance_id, "third"))
        .await
        .unwrap();
    let input = DescribeImagesInput {
        image_ids: vec![second.clone(), first.clone(), second.clone()],
        ..Default::default()
    };
    assert_eq!(ids_where(&cloud, "default", input).await, [first, second]);
}
