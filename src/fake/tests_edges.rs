//! Behaviour of the fake cloud at the edges AWS defines: parameters that need each
//! other, the codes and messages of refusals, and what a response leaves out.

use super::test_support::*;
use super::*;

#[tokio::test]
async fn a_kms_key_without_encryption_is_refused() {
    let cloud = quick_cloud();
    let input = CreateVolumeInput {
        encrypted: Some(false),
        kms_key_id: Some("alias/mine".into()),
        ..volume_input(10)
    };
    let refused = cloud.create_volume(call(input)).await.unwrap_err();
    assert_eq!(
        refused,
        error(
            ErrorCode::InvalidParameterDependency,
            "The parameter KmsKeyId requires the parameter Encrypted to be set."
        )
    );
}

#[tokio::test]
async fn multi_attach_is_refused_outside_provisioned_iops_volumes() {
    let cloud = quick_cloud();
    for volume_type in ["gp3", "sc2"] {
        let input = CreateVolumeInput {
            volume_type: Some(volume_type.into()),
            multi_attach_enabled: true,
            ..volume_input(10)
        };
        let refused = cloud.create_volume(call(input)).await.unwrap_err();
        let message = format!(
            "The parameter MultiAttachEnabled is supported only for io1 and io2 volumes, \
             not {volume_type} volumes."
        );
        assert_eq!(
            refused,
            error(ErrorCode::InvalidParameterDependency, &message)
        );
    }
    let input = CreateVolumeInput {
        volume_type: Some("io2".into()),
        iops: Some(1000),
        multi_attach_enabled: true,
        ..volume_input(10)
    };
    let volume = cloud.create_volume(call(input)).await.unwrap();
    assert!(volume.multi_attach_enabled);
}

/// RunInstances of one instance of the well-formed image id the fake does not know.
fn unknown_image_launch() -> RunInstancesInput {
    RunInstancesInput {
        image_id: Some("ami-12c6146b".into()),
        min_count: 1,
        max_count: 1,
        instance_type: Some("t2.micro".into()),
        ..Default::default()
    }
}

fn ebs_mapping(device: &str, ebs: EbsBlockDevice) -> BlockDeviceMapping {
    BlockDeviceMapping {
        device_name: Some(device.into()),
        ebs: Some(ebs),
        ..Default::default()
    }
}

async fn root_volume(cloud: &FakeCloud, input: RunInstancesInput) -> (Instance, Volume) {
    let output = cloud.run_instances(call(input)).await.unwrap();
    let instance_id = output.reservation.instances[0].instance_id.to_string();
    let described = cloud
        .describe_instances(call(DescribeInstancesInput {
            instance_ids: vec![instance_id],
            ..Default::default()
        }))
        .await
        .unwrap();
    let instance = (*described.reservations[0].instances[0]).clone();
    let volume_id = instance.block_device_mappings[0].volume_id.to_string();
    let volumes = cloud
        .describe_volumes(call(DescribeVolumesInput {
            volume_ids: vec![volume_id],
            ..Default::default()
        }))
        .await
        .unwrap();
    (instance, volumes.volumes[0].clone())
}

#[tokio::test]
async fn unknown_images_boot_from_dev_sda1() {
    let cloud = FakeCloud::builder().allow_unknown_images(true).build();
    let (instance, volume) = root_volume(&cloud, unknown_image_launch()).await;
    assert_eq!(instance.root_device_name, "/dev/sda1");
    assert_eq!(instance.block_device_mappings[0].device_name, "/dev/sda1");
    assert_eq!(volume.size, 8);
}

#[tokio::test]
async fn the_root_device_mapping_and_volume_tags_reach_the_root_volume() {
    let cloud = FakeCloud::builder().allow_unknown_images(true).build();
    let root = EbsBlockDevice {
        volume_size: Some(50),
        delete_on_termination: Some(false),
        ..Default::default()
    };
    let input = RunInstancesInput {
        block_device_mappings: vec![ebs_mapping("/dev/sda1", root)],
        tag_specifications: vec![TagSpecification {
            resource_type: "volume".into(),
            tags: vec![tag("team", "storage")],
        }],
        ..unknown_image_launch()
    };
    let (instance, volume) = root_volume(&cloud, input).await;
    assert!(!instance.block_device_mappings[0].delete_on_termination);
    assert_eq!(volume.size, 50);
    assert_eq!(volume.tags, vec![tag("team", "storage")]);
    assert_eq!(volume.attachments[0].delete_on_termination, Some(false));
}

#[tokio::test]
async fn block_device_mappings_are_checked_before_the_key_pair() {
    let cloud = FakeCloud::builder().allow_unknown_images(true).build();
    let launch_with = |mapping: BlockDeviceMapping| RunInstancesInput {
        key_name: Some("no-such-key".into()),
        block_device_mappings: vec![mapping],
        ..unknown_image_launch()
    };
    let bare = BlockDeviceMapping {
        device_name: Some("/dev/sda2".into()),
        ..Default::default()
    };
    let refused = cloud.run_instances(call(launch_with(bare))).await;
    assert_eq!(
        refused.unwrap_err(),
        error(
            ErrorCode::MissingParameter,
            "The request must contain the parameter ebs"
        )
    );
    let sizeless = ebs_mapping(
        "/dev/sda2",
        EbsBlockDevice {
            volume_type: Some("standard".into()),
            ..Default::default()
        },
    );
    let refused = cloud.run_instances(call(launch_with(sizeless))).await;
    assert_eq!(
        refused.unwrap_err(),
        error(
            ErrorCode::MissingParameter,
            "The request must contain the parameter size or snapshotId"
        )
    );
    let shrunk = ebs_mapping(
        "/dev/sda1",
        EbsBlockDevice {
            volume_size: Some(4),
            ..Default::default()
        },
    );
    let refused = cloud.run_instances(call(launch_with(shrunk))).await;
    assert_eq!(
        refused.unwrap_err(),
        error(
            ErrorCode::InvalidBlockDeviceMapping,
            "Volume of size 4GB is smaller than the image's root snapshot, expect size >= 8GB"
        )
    );
}

#[tokio::test]
async fn a_security_group_needs_a_description_and_is_answered_with_its_arn() {
    let cloud = quick_cloud();
    let input = CreateSecurityGroupInput {
        group_name: "web".into(),
        description: String::new(),
        ..Default::default()
    };
    let refused = cloud.create_security_group(call(input)).await.unwrap_err();
    assert_eq!(
        refused,
        error(
            ErrorCode::MissingParameter,
            "The request must contain the parameter GroupDescription"
        )
    );
    let input = CreateSecurityGroupInput {
        group_name: "web".into(),
        description: "web servers".into(),
        ..Default::default()
    };
    let created = cloud.create_security_group(call(input)).await.unwrap();
    assert_eq!(
        created.security_group_arn,
        format!(
            "arn:aws:ec2:us-east-1:123456789012:security-group/{}",
            created.group_id
        )
    );
}

#[tokio::test]
async fn tagging_a_malformed_id_is_invalid_id() {
    let cloud = quick_cloud();
    for resource_id in ["ami-blah", "blah-blah", "i-123"] {
        let input = CreateTagsInput {
            resource_ids: vec![resource_id.into()],
            tags: vec![tag("key", "tag")],
        };
        let refused = cloud.create_tags(call(input)).await.unwrap_err();
        let message = format!("The ID '{resource_id}' is not valid");
        assert_eq!(refused, error(ErrorCode::InvalidId, &message));
    }
}

#[tokio::test]
async fn console_output_begins_with_the_kernel_banner() {
    let cloud = FakeCloud::builder().allow_unknown_images(true).build();
    let (instance, _) = root_volume(&cloud, unknown_image_launch()).await;
    let output = cloud
        .get_console_output(call(GetConsoleOutputInput {
            instance_id: instance.instance_id.to_string(),
            ..Default::default()
        }))
        .await
        .unwrap();
    let log =
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, output.output).unwrap();
    let first_line = log.split(|&b| b == b'\r').next().unwrap();
    assert_eq!(
        first_line,
        b"Linux version 6.1.0-cumulo (builder@cumulo) #1 SMP"
    );
}

#[tokio::test]
async fn opt_in_regions_are_listed_as_not_opted_in_only_when_asked_for() {
    let cloud = quick_cloud();
    let describe = |input: DescribeRegionsInput| cloud.describe_regions(call(input));
    let named = describe(DescribeRegionsInput {
        region_names: vec!["ap-east-1".into()],
        ..Default::default()
    })
    .await
    .unwrap();
    assert_eq!(
        named.regions,
        vec![Shared::new(RegionInfo {
            region_name: "ap-east-1".into(),
            region_endpoint: "ec2.ap-east-1.amazonaws.com".into(),
            opt_in_status: "not-opted-in".into(),
        })]
    );
    let enabled = describe(DescribeRegionsInput::default()).await.unwrap();
    assert_eq!(enabled.regions.len(), regions::DEFAULT_REGIONS.len());
    let all = describe(DescribeRegionsInput {
        all_regions: true,
        ..Default::default()
    })
    .await
    .unwrap();
    assert_eq!(
        all.regions.len(),
        regions::DEFAULT_REGIONS.len() + regions::OPT_IN_REGIONS.len()
    );
    let unknown = describe(DescribeRegionsInput {
        region_names: vec!["xx-nowhere-1".into()],
        ..Default::default()
    })
    .await
    .unwrap_err();
    assert_eq!(
        unknown,
        error(
            ErrorCode::InvalidParameterValue,
            "Invalid region: xx-nowhere-1"
        )
    );
}

#[tokio::test]
async fn instances_filter_by_state_reason_code() {
    let cloud = FakeCloud::builder().allow_unknown_images(true).build();
    let (running, _) = root_volume(&cloud, unknown_image_launch()).await;
    let (stopped, _) = root_volume(&cloud, unknown_image_launch()).await;
    cloud
        .stop_instances(call(StopInstancesInput {
            instance_ids: vec![stopped.instance_id.to_string()],
            ..Default::default()
        }))
        .await
        .unwrap();
    let code = "Client.UserInitiatedShutdown";
    let found = cloud
        .describe_instances(call(DescribeInstancesInput {
            filters: vec![filter("state-reason-code", &[code])],
            ..Default::default()
        }))
        .await
        .unwrap();
    let ids: Vec<_> = found
        .reservations
        .iter()
        .flat_map(|reservation| reservation.instances.iter())
        .map(|instance| instance.instance_id.to_string())
        .collect();
    assert_eq!(ids, vec![stopped.instance_id.to_string()]);
    assert_ne!(running.instance_id, stopped.instance_id);
}

#[tokio::test]
async fn every_paginated_describe_refuses_a_token_it_did_not_hand_out() {
    let cloud = quick_cloud();
    let expected = error(
        ErrorCode::InvalidPaginationToken,
        "The specified pagination token is not valid or is expired.",
    );
    let token = || Some("bm90LWEtdG9rZW4".to_owned());

    let refusals = [
        (
            "DescribeInstances",
            cloud
                .describe_instances(call(DescribeInstancesInput {
                    next_token: token(),
                    ..Default::default()
                }))
                .await
                .map(drop),
        ),
        (
            "DescribeInstancesV6",
            cloud
                .describe_instances_v6(call(DescribeInstancesInput {
                    next_token: token(),
                    ..Default::default()
                }))
                .await
                .map(drop),
        ),
        (
            "DescribeInstanceStatus",
            cloud
                .describe_instance_status(call(DescribeInstanceStatusInput {
                    next_token: token(),
                    ..Default::default()
                }))
                .await
                .map(drop),
        ),
        (
            "DescribeVolumes",
            cloud
                .describe_volumes(call(DescribeVolumesInput {
                    next_token: token(),
                    ..Default::default()
                }))
                .await
                .map(drop),
        ),
        (
            "DescribeSnapshots",
            cloud
                .describe_snapshots(call(DescribeSnapshotsInput {
                    next_token: token(),
                    ..Default::default()
                }))
                .await
                .map(drop),
        ),
        (
            "DescribeSecurityGroups",
            cloud
                .describe_security_groups(call(DescribeSecurityGroupsInput {
                    next_token: token(),
                    ..Default::default()
                }))
                .await
                .map(drop),
        ),
        (
            "DescribeImages",
            cloud
                .describe_images(call(DescribeImagesInput {
                    next_token: token(),
                    ..Default::default()
                }))
                .await
                .map(drop),
        ),
        (
            "DescribeTags",
            cloud
                .describe_tags(call(DescribeTagsInput {
                    next_token: token(),
                    ..Default::default()
                }))
                .await
                .map(drop),
        ),
    ];
    for (action, refused) in refusals {
        assert_eq!(refused, Err(expected.clone()), "{action}");
    }
}

#[tokio::test]
async fn configured_quotas_refuse_one_more_with_each_code_and_free_up_on_delete() {
    let cloud = FakeCloud::builder()
        .clock(Arc::new(crate::core::ManualClock::new(START)))
        .quotas(Quotas {
            instances: 1,
            security_groups: 2,
            rules_per_group: 1,
            addresses: 1,
            key_pairs: 1,
            volumes: 1,
            snapshots: 1,
        })
        .build();
    let refused = |result: Result<(), Ec2Error>| result.unwrap_err();

    // Key pairs.
    let key = |name: &str| CreateKeyPairInput {
        key_name: name.into(),
        key_type: Some("ed25519".into()),
        ..Default::default()
    };
    cloud.create_key_pair(call(key("one"))).await.unwrap();
    assert_eq!(
        refused(cloud.create_key_pair(call(key("two"))).await.map(drop)),
        error(
            ErrorCode::ResourceLimitExceeded,
            "The maximum number of key pairs (1) has been reached."
        )
    );
    // Another project has a quota of its own.
    cloud
        .create_key_pair(call_as("other", key("two")))
        .await
        .unwrap();
    cloud
        .delete_key_pair(call(DeleteKeyPairInput {
            key_name: Some("one".into()),
            ..Default::default()
        }))
        .await
        .unwrap();
    cloud.create_key_pair(call(key("two"))).await.unwrap();

    // Volumes and snapshots.
    let volume = cloud.create_volume(call(volume_input(1))).await.unwrap();
    assert_eq!(
        refused(cloud.create_volume(call(volume_input(1))).await.map(drop)),
        error(
            ErrorCode::VolumeLimitExceeded,
            "The maximum number of volumes (1) has been reached."
        )
    );
    let snapshot = |volume_id: &str| CreateSnapshotInput {
        volume_id: volume_id.into(),
        ..Default::default()
    };
    let first = cloud
        .create_snapshot(call(snapshot(&volume.volume_id)))
        .await
        .unwrap();
    assert_eq!(
        refused(
            cloud
                .create_snapshot(call(snapshot(&volume.volume_id)))
                .await
                .map(drop)
        ),
        error(
            ErrorCode::SnapshotLimitExceeded,
            "The maximum number of snapshots (1) has been reached."
        )
    );
    cloud
        .delete_snapshot(call(DeleteSnapshotInput {
            snapshot_id: first.snapshot_id,
        }))
        .await
        .unwrap();
    cloud
        .create_snapshot(call(snapshot(&volume.volume_id)))
        .await
        .unwrap();

    // Security groups: `default` is the first of two.
    let group = |name: &str| CreateSecurityGroupInput {
        group_name: name.into(),
        description: "quota".into(),
        ..Default::default()
    };
    let web = cloud
        .create_security_group(call(group("web")))
        .await
        .unwrap();
    let over = refused(
        cloud
            .create_security_group(call(group("db")))
            .await
            .map(drop),
    );
    assert_eq!(over.code(), ErrorCode::SecurityGroupLimitExceeded);
    let rule = |cidr: &str| AuthorizeSecurityGroupIngressInput {
        ingress: SecurityGroupIngress {
            group_id: Some(web.group_id.clone()),
            ip_protocol: Some("tcp".into()),
            from_port: Some(22),
            to_port: Some(22),
            cidr_ip: Some(cidr.into()),
            ..Default::default()
        },
        ..Default::default()
    };
    cloud
        .authorize_security_group_ingress(call(rule("10.0.0.0/8")))
        .await
        .unwrap();
    let over = refused(
        cloud
            .authorize_security_group_ingress(call(rule("10.1.0.0/16")))
            .await
            .map(drop),
    );
    assert_eq!(over.code(), ErrorCode::RulesPerSecurityGroupLimitExceeded);

    // Addresses and instances.
    cloud
        .allocate_address(call(AllocateAddressInput::default()))
        .await
        .unwrap();
    let over = refused(
        cloud
            .allocate_address(call(AllocateAddressInput::default()))
            .await
            .map(drop),
    );
    assert_eq!(over.code(), ErrorCode::AddressLimitExceeded);
    let image_id = catalog_image(&cloud).await;
    let launch = || RunInstancesInput {
        image_id: Some(image_id.clone()),
        min_count: 1,
        max_count: 1,
        ..Default::default()
    };
    cloud.run_instances(call(launch())).await.unwrap();
    let over = refused(cloud.run_instances(call(launch())).await.map(drop));
    assert_eq!(over.code(), ErrorCode::InstanceLimitExceeded);
}

#[tokio::test]
async fn an_address_another_project_holds_cannot_be_allocated() {
    let cloud = quick_cloud();
    let held = cloud
        .allocate_address(call(AllocateAddressInput::default()))
        .await
        .unwrap();
    let asking = |project: &str| {
        call_as(
            project,
            AllocateAddressInput {
                address: Some(held.public_ip.to_string()),
                ..Default::default()
            },
        )
    };
    let expected = error(
        ErrorCode::InvalidParameterValue,
        &format!("The address {} is already allocated.", held.public_ip),
    );
    assert_eq!(
        cloud.allocate_address(asking("other")).await.unwrap_err(),
        expected
    );
    assert_eq!(
        cloud.allocate_address(asking("default")).await.unwrap_err(),
        expected
    );
    let described = cloud
        .describe_addresses(call(DescribeAddressesInput::default()))
        .await
        .unwrap();
    assert_eq!(described.addresses.len(), 1);
    assert_eq!(described.addresses[0].allocation_id, held.allocation_id);
    let theirs = cloud
        .describe_addresses(call_as("other", DescribeAddressesInput::default()))
        .await
        .unwrap();
    assert!(theirs.addresses.is_empty());
}
