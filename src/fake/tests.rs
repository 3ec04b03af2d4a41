//! Behaviour of the fake cloud, driven in-process through [`CloudController`].

use base64::Engine as _;

use super::test_support::*;
use super::*;
use crate::core::Context;
use crate::ec2::model::Filter;

async fn launch_input(cloud: &FakeCloud, count: i64) -> RunInstancesInput {
    RunInstancesInput {
        image_id: Some(catalog_image(cloud).await),
        min_count: count,
        max_count: count,
        instance_type: Some("t2.micro".into()),
        ..Default::default()
    }
}

async fn launch_in(cloud: &FakeCloud, project: &str, count: i64) -> Vec<String> {
    let input = launch_input(cloud, count).await;
    let output = cloud
        .run_instances(Ec2Call::new(context(project), input))
        .await
        .unwrap();
    output
        .reservation
        .instances
        .iter()
        .map(|instance| instance.instance_id.to_string())
        .collect()
}

async fn launch(cloud: &FakeCloud, count: i64) -> Vec<String> {
    launch_in(cloud, "default", count).await
}

async fn describe(cloud: &FakeCloud, input: DescribeInstancesInput) -> Vec<Shared<Instance>> {
    let output = cloud.describe_instances(call(input)).await.unwrap();
    output
        .reservations
        .into_iter()
        .flat_map(|reservation| reservation.instances)
        .collect()
}

async fn describe_one(cloud: &FakeCloud, instance_id: &str) -> Shared<Instance> {
    let mut instances = describe(
        cloud,
        DescribeInstancesInput {
            instance_ids: vec![instance_id.into()],
            ..Default::default()
        },
    )
    .await;
    assert_eq!(instances.len(), 1);
    instances.remove(0)
}

async fn state_of(cloud: &FakeCloud, instance_id: &str) -> InstanceStateName {
    describe_one(cloud, instance_id).await.state
}

fn ids(list: &[String]) -> Vec<String> {
    list.to_vec()
}

async fn stop(cloud: &FakeCloud, instance_ids: &[String]) -> Result<StopInstancesOutput, Ec2Error> {
    cloud
        .stop_instances(call(StopInstancesInput {
            instance_ids: ids(instance_ids),
            ..Default::default()
        }))
        .await
}

async fn start(
    cloud: &FakeCloud,
    instance_ids: &[String],
) -> Result<StartInstancesOutput, Ec2Error> {
    cloud
        .start_instances(call(StartInstancesInput {
            instance_ids: ids(instance_ids),
            ..Default::default()
        }))
        .await
}

async fn terminate(
    cloud: &FakeCloud,
    instance_ids: &[String],
) -> Result<TerminateInstancesOutput, Ec2Error> {
    cloud
        .terminate_instances(call(TerminateInstancesInput {
            instance_ids: ids(instance_ids),
            ..Default::default()
        }))
        .await
}

async fn reboot(cloud: &FakeCloud, instance_ids: &[String]) -> Result<Return, Ec2Error> {
    cloud
        .reboot_instances(call(RebootInstancesInput {
            instance_ids: ids(instance_ids),
        }))
        .await
}

fn change(
    id: &str,
    previous: InstanceStateName,
    current: InstanceStateName,
) -> InstanceStateChange {
    InstanceStateChange {
        instance_id: id.to_owned().into(),
        current_state: current,
        previous_state: previous,
    }
}

use InstanceStateName::{Pending, Running, ShuttingDown, Stopped, Stopping, Terminated};

// Lifecycle.

#[tokio::test]
async fn run_instances_answers_pending_and_reads_show_running_once_the_delay_passed() {
    let (cloud, clock) = slow_cloud();
    let output = cloud
        .run_instances(call(launch_input(&cloud, 1).await))
        .await
        .unwrap();
    let reservation = output.reservation;
    assert_eq!(reservation.owner_id, "123456789012");
    assert!(ids::is_well_formed(&reservation.reservation_id, "r-"));
    let instance = &reservation.instances[0];
    assert!(ids::is_well_formed(&instance.instance_id, "i-"));
    assert_eq!(instance.state, Pending);
    assert_eq!(instance.launch_time, START);
    let id = instance.instance_id.clone();

    clock.advance(Duration::seconds(4));
    assert_eq!(state_of(&cloud, &id).await, Pending);
    clock.advance(Duration::seconds(1));
    let running = describe_one(&cloud, &id).await;
    assert_eq!(running.state, Running);
    assert_eq!(running.state_reason, None);
    assert_eq!(running.private_ip_address.as_deref(), Some("172.31.0.4"));
    assert_eq!(running.private_dns_name, "ip-172-31-0-4.ec2.internal");
    assert_eq!(running.placement.availability_zone, "us-east-1a");
    let public_ip = running.ip_address.clone().unwrap();
    assert_eq!(
        running.dns_name,
        format!(
            "ec2-{}.compute-1.amazonaws.com",
            public_ip.replace('.', "-")
        )
    );
    assert_eq!(running.network_interfaces.len(), 1);
    assert_eq!(
        running.network_interfaces[0].private_ip_address,
        "172.31.0.4"
    );
    let network = regions::DefaultNetwork::of("123456789012", "us-east-1");
    assert_eq!(running.vpc_id.as_deref(), Some(network.vpc_id.as_str()));
    assert_eq!(
        running.subnet_id.as_deref(),
        Some(network.subnet_ids[0].as_str())
    );
    assert_eq!(running.groups[0].group_name, "default");
    assert_eq!(running.groups[0].group_id, network.security_group_id);
}

#[tokio::test]
async fn stop_start_and_terminate_answer_transient_states_that_settle() {
    let (cloud, clock) = slow_cloud();
    let id = launch(&cloud, 1).await.remove(0);
    clock.advance(Duration::seconds(5));

    let stopping = stop(&cloud, std::slice::from_ref(&id)).await.unwrap();
    assert_eq!(stopping.instances, [change(&id, Running, Stopping)]);
    assert_eq!(state_of(&cloud, &id).await, Stopping);
    clock.advance(Duration::seconds(5));
    let stopped = describe_one(&cloud, &id).await;
    assert_eq!(stopped.state, Stopped);
    assert_eq!(stopped.reason, "User initiated (2026-03-04 05:06:12 GMT)");
    assert_eq!(stopped.ip_address, None);
    assert_eq!(stopped.dns_name, "");
    assert_eq!(
        stopped.state_reason.as_ref().unwrap().code,
        "Client.UserInitiatedShutdown"
    );

    let starting = start(&cloud, std::slice::from_ref(&id)).await.unwrap();
    assert_eq!(starting.instances, [change(&id, Stopped, Pending)]);
    clock.advance(Duration::seconds(5));
    let restarted = describe_one(&cloud, &id).await;
    assert_eq!(restarted.state, Running);
    assert_eq!(restarted.reason, "");
    assert!(restarted.ip_address.is_some());

    let terminating = terminate(&cloud, std::slice::from_ref(&id)).await.unwrap();
    assert_eq!(terminating.instances, [change(&id, Running, ShuttingDown)]);
    clock.advance(Duration::seconds(5));
    let terminated = describe_one(&cloud, &id).await;
    assert_eq!(terminated.state, Terminated);
    assert_eq!(terminated.private_ip_address, None);
    assert!(terminated.network_interfaces.is_empty());
    assert_eq!(
        describe(&cloud, DescribeInstancesInput::default())
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn with_no_delay_any_later_read_shows_the_settled_state() {
    let cloud = quick_cloud();
    let id = launch(&cloud, 1).await.remove(0);
    assert_eq!(state_of(&cloud, &id).await, Running);
    stop(&cloud, std::slice::from_ref(&id)).await.unwrap();
    assert_eq!(state_of(&cloud, &id).await, Stopped);
}

#[tokio::test]
async fn repeated_changes_report_the_unchanged_state_as_previous_and_current() {
    let cloud = quick_cloud();
    let id = launch(&cloud, 1).await.remove(0);
    let one = std::slice::from_ref(&id);

    assert_eq!(
        start(&cloud, one).await.unwrap().instances,
        [change(&id, Running, Running)]
    );
    stop(&cloud, one).await.unwrap();
    assert_eq!(
        stop(&cloud, one).await.unwrap().instances,
        [change(&id, Stopped, Stopped)]
    );
    terminate(&cloud, one).await.unwrap();
    assert_eq!(
        terminate(&cloud, one).await.unwrap().instances,
        [change(&id, Terminated, Terminated)]
    );
}

#[tokio::test]
async fn terminated_instances_cannot_be_started_stopped_or_rebooted() {
    let cloud = quick_cloud();
    let id = launch(&cloud, 1).await.remove(0);
    let one = std::slice::from_ref(&id);
    terminate(&cloud, one).await.unwrap();

    let expected = |verb: &str| {
        Ec2Error::new(
            ErrorCode::IncorrectInstanceState,
            format!("The instance '{id}' is not in a state from which it can be {verb}."),
        )
    };
    assert_eq!(start(&cloud, one).await.unwrap_err(), expected("started"));
    assert_eq!(stop(&cloud, one).await.unwrap_err(), expected("stopped"));
    assert_eq!(reboot(&cloud, one).await.unwrap_err(), expected("rebooted"));
}

#[tokio::test]
async fn rebooting_a_stopped_instance_is_incorrect_instance_state() {
    let cloud = quick_cloud();
    let id = launch(&cloud, 1).await.remove(0);
    let one = std::slice::from_ref(&id);
    assert_eq!(reboot(&cloud, one).await.unwrap(), Return(true));
    stop(&cloud, one).await.unwrap();
    let error = reboot(&cloud, one).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::IncorrectInstanceState);
}

#[tokio::test]
async fn a_refused_change_changes_no_instance() {
    let cloud = quick_cloud();
    let ids = launch(&cloud, 2).await;
    terminate(&cloud, &ids[1..]).await.unwrap();
    let error = stop(&cloud, &ids).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::IncorrectInstanceState);
    assert_eq!(state_of(&cloud, &ids[0]).await, Running);
}

// Attributes.

async fn modify(
    cloud: &FakeCloud,
    input: ModifyInstanceAttributeInput,
) -> Result<Return, Ec2Error> {
    cloud.modify_instance_attribute(call(input)).await
}

async fn attribute(
    cloud: &FakeCloud,
    id: &str,
    attribute: InstanceAttributeName,
) -> InstanceAttributeValue {
    cloud
        .describe_instance_attribute(call(DescribeInstanceAttributeInput {
            instance_id: id.into(),
            attribute,
        }))
        .await
        .unwrap()
        .value
}

#[tokio::test]
async fn termination_protection_blocks_terminate_until_lifted() {
    let cloud = quick_cloud();
    let id = launch(&cloud, 1).await.remove(0);
    let one = std::slice::from_ref(&id);
    modify(
        &cloud,
        ModifyInstanceAttributeInput {
            instance_id: id.clone(),
            disable_api_termination: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    stop(&cloud, one).await.unwrap();

    assert_eq!(
        terminate(&cloud, one).await.unwrap_err(),
        Ec2Error::new(
            ErrorCode::OperationNotPermitted,
            format!(
                "The instance '{id}' may not be terminated. Modify its 'disableApiTermination' \
                 instance attribute and try again."
            )
        )
    );
    assert_eq!(
        attribute(&cloud, &id, InstanceAttributeName::DisableApiTermination).await,
        InstanceAttributeValue::DisableApiTermination(true)
    );

    modify(
        &cloud,
        ModifyInstanceAttributeInput {
            instance_id: id.clone(),
            disable_api_termination: Some(false),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        terminate(&cloud, one).await.unwrap().instances,
        [change(&id, Stopped, ShuttingDown)]
    );
}

#[tokio::test]
async fn instance_type_and_user_data_change_only_when_stopped() {
    let cloud = quick_cloud();
    let id = launch(&cloud, 1).await.remove(0);
    let resize = ModifyInstanceAttributeInput {
        instance_id: id.clone(),
        instance_type: Some("t2.small".into()),
        ..Default::default()
    };
    assert_eq!(
        modify(&cloud, resize.clone()).await.unwrap_err(),
        Ec2Error::new(
            ErrorCode::IncorrectInstanceState,
            format!("The instance '{id}' is not in the 'stopped' state.")
        )
    );
    let user_data = ModifyInstanceAttributeInput {
        instance_id: id.clone(),
        user_data: Some(UserData("IyEvYmluL3NoCg==".into())),
        ..Default::default()
    };
    assert_eq!(
        modify(&cloud, user_data.clone()).await.unwrap_err().code(),
        ErrorCode::IncorrectInstanceState
    );

    stop(&cloud, std::slice::from_ref(&id)).await.unwrap();
    modify(&cloud, resize).await.unwrap();
    modify(&cloud, user_data).await.unwrap();
    assert_eq!(
        attribute(&cloud, &id, InstanceAttributeName::InstanceType).await,
        InstanceAttributeValue::InstanceType("t2.small".into())
    );
    assert_eq!(
        attribute(&cloud, &id, InstanceAttributeName::UserData).await,
        InstanceAttributeValue::UserData(Some(UserData("IyEvYmluL3NoCg==".into())))
    );
    assert_eq!(describe_one(&cloud, &id).await.instance_type, "t2.small");
}

#[tokio::test]
async fn instance_attributes_describe_what_the_launch_set() {
    let cloud = quick_cloud();
    let mut input = launch_input(&cloud, 1).await;
    input.instance_initiated_shutdown_behavior = Some("terminate".into());
    input.user_data = Some(UserData("aGVsbG8=".into()));
    let id = cloud
        .run_instances(call(input))
        .await
        .unwrap()
        .reservation
        .instances[0]
        .instance_id
        .clone();
    assert_eq!(
        attribute(
            &cloud,
            &id,
            InstanceAttributeName::InstanceInitiatedShutdownBehavior
        )
        .await,
        InstanceAttributeValue::InstanceInitiatedShutdownBehavior("terminate".into())
    );
    assert_eq!(
        attribute(&cloud, &id, InstanceAttributeName::RootDeviceName).await,
        InstanceAttributeValue::RootDeviceName("/dev/xvda".into())
    );
    assert_eq!(
        attribute(&cloud, &id, InstanceAttributeName::Kernel).await,
        InstanceAttributeValue::Kernel(None)
    );
    let InstanceAttributeValue::GroupSet(groups) =
        attribute(&cloud, &id, InstanceAttributeName::GroupSet).await
    else {
        panic!("not a group set");
    };
    assert_eq!(groups[0].group_name, "default");
}

// Idempotency.

#[tokio::test]
async fn a_repeated_client_token_returns_the_same_reservation_in_its_current_state() {
    let (cloud, clock) = slow_cloud();
    let mut input = launch_input(&cloud, 2).await;
    input.client_token = Some("token-1".into());
    let first = cloud.run_instances(call(input.clone())).await.unwrap();
    clock.advance(Duration::seconds(5));
    let second = cloud.run_instances(call(input)).await.unwrap();

    assert_eq!(
        second.reservation.reservation_id,
        first.reservation.reservation_id
    );
    let ids_of = |output: &RunInstancesOutput| {
        output
            .reservation
            .instances
            .iter()
            .map(|i| i.instance_id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids_of(&second), ids_of(&first));
    assert!(
        second
            .reservation
            .instances
            .iter()
            .all(|i| i.state == Running)
    );
    assert_eq!(cloud.instance_count(), 2);
}

#[tokio::test]
async fn a_client_token_with_other_parameters_is_idempotent_parameter_mismatch() {
    let cloud = quick_cloud();
    let mut input = launch_input(&cloud, 1).await;
    input.client_token = Some("token-2".into());
    cloud.run_instances(call(input.clone())).await.unwrap();
    input.instance_type = Some("t2.small".into());
    let error = cloud.run_instances(call(input)).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::IdempotentParameterMismatch);
}

// RunInstances validation.

async fn run_error(cloud: &FakeCloud, edit: impl FnOnce(&mut RunInstancesInput)) -> Ec2Error {
    let mut input = launch_input(cloud, 1).await;
    edit(&mut input);
    cloud.run_instances(call(input)).await.unwrap_err()
}

#[tokio::test]
async fn run_instances_refuses_what_aws_refuses() {
    let cloud = quick_cloud();
    assert_eq!(
        run_error(&cloud, |i| i.image_id = Some("ami-12c6146b".into())).await,
        Ec2Error::new(
            ErrorCode::InvalidAmiIdNotFound,
            "The image id '[ami-12c6146b]' does not exist"
        )
    );
    assert_eq!(
        run_error(&cloud, |i| i.instance_type = Some("invalid_type".into())).await,
        Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            "The instance type 'invalid_type' does not exist"
        )
    );
    assert_eq!(
        run_error(&cloud, |i| i.key_name = Some("nokey".into())).await,
        Ec2Error::new(
            ErrorCode::InvalidKeyPairNotFound,
            "The key pair 'nokey' does not exist"
        )
    );
    assert_eq!(
        run_error(&cloud, |i| i.placement.availability_zone =
            Some("us-west-1b".into()))
        .await,
        Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            "Invalid availability zone: [us-west-1b]"
        )
    );
    assert_eq!(
        run_error(&cloud, |i| i.security_group_ids =
            vec!["sg-00000000000000000".into()])
        .await
        .code(),
        ErrorCode::InvalidGroupNotFound
    );
    assert_eq!(
        run_error(&cloud, |i| i.user_data =
            Some(UserData("not base64!".into())))
        .await,
        Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            "Invalid BASE64 encoding of user data."
        )
    );
    assert_eq!(
        run_error(&cloud, |i| {
            i.min_count = 3;
            i.max_count = 2;
        })
        .await
        .code(),
        ErrorCode::InvalidParameterValue
    );
    assert_eq!(
        run_error(&cloud, |i| i.instance_type = Some("t4g.micro".into()))
            .await
            .code(),
        ErrorCode::InvalidParameterValue
    );
    assert_eq!(cloud.instance_count(), 0);
}

#[tokio::test]
async fn unknown_images_launch_when_allowed() {
    let cloud = FakeCloud::builder().allow_unknown_images(true).build();
    let mut input = launch_input(&cloud, 1).await;
    input.image_id = Some("ami-12c6146b".into());
    let output = cloud.run_instances(call(input)).await.unwrap();
    assert_eq!(output.reservation.instances[0].image_id, "ami-12c6146b");
}

#[tokio::test]
async fn launches_past_the_instance_limit_are_refused_or_trimmed() {
    let cloud = FakeCloud::builder().instance_limit(3).build();
    launch(&cloud, 2).await;
    let mut input = launch_input(&cloud, 1).await;
    input.max_count = 5;
    let output = cloud.run_instances(call(input)).await.unwrap();
    assert_eq!(output.reservation.instances.len(), 1);
    let error = cloud
        .run_instances(call(launch_input(&cloud, 1).await))
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InstanceLimitExceeded);
}

#[tokio::test]
async fn placement_and_tags_apply_to_the_launched_instances() {
    let cloud = quick_cloud();
    let mut input = launch_input(&cloud, 3).await;
    input.placement.availability_zone = Some("us-east-1c".into());
    input.tag_specifications = vec![TagSpecification {
        resource_type: "instance".into(),
        tags: vec![Tag {
            key: "Name".into(),
            value: "web".into(),
        }],
    }];
    let output = cloud.run_instances(call(input)).await.unwrap();
    let instances = &output.reservation.instances;
    assert_eq!(
        instances
            .iter()
            .map(|i| i.ami_launch_index)
            .collect::<Vec<_>>(),
        [0, 1, 2]
    );
    for instance in instances {
        assert_eq!(instance.placement.availability_zone, "us-east-1c");
        assert!(
            instance
                .private_ip_address
                .as_deref()
                .unwrap()
                .starts_with("172.31.32.")
        );
        assert_eq!(
            instance.tags,
            [Tag {
                key: "Name".into(),
                value: "web".into()
            }]
        );
    }
}

// DescribeInstances.

#[tokio::test]
async fn filters_match_with_wildcards_and_combine() {
    let cloud = quick_cloud();
    let small = launch(&cloud, 1).await.remove(0);
    let mut input = launch_input(&cloud, 1).await;
    input.instance_type = Some("t3.micro".into());
    let other = cloud
        .run_instances(call(input))
        .await
        .unwrap()
        .reservation
        .instances[0]
        .instance_id
        .to_string();
    stop(&cloud, std::slice::from_ref(&other)).await.unwrap();
    cloud
        .create_tags(call(CreateTagsInput {
            resource_ids: vec![small.clone()],
            tags: vec![Tag {
                key: "filter-a".into(),
                value: "x".into(),
            }],
        }))
        .await
        .unwrap();

    let matching = |filters: Vec<Filter>| {
        let cloud = cloud.clone();
        async move {
            describe(
                &cloud,
                DescribeInstancesInput {
                    filters,
                    ..Default::default()
                },
            )
            .await
            .into_iter()
            .map(|i| i.instance_id.clone())
            .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        matching(vec![filter("instance-type", &["t2.*"])]).await,
        vec![small.clone()]
    );
    assert_eq!(
        matching(vec![filter("instance-type", &["t3.micr?"])]).await,
        vec![other.clone()]
    );
    assert_eq!(
        matching(vec![filter("instance-state-name", &["stopped", "running"])]).await,
        [small.clone(), other.clone()]
    );
    assert_eq!(
        matching(vec![filter("instance-state-code", &["80"])]).await,
        vec![other.clone()]
    );
    assert_eq!(
        matching(vec![
            filter("instance-state-name", &["run*"]),
            filter("instance-type", &["t3.*"])
        ])
        .await,
        Vec::<String>::new()
    );
    assert_eq!(
        matching(vec![filter("tag-key", &["filter-?"])]).await,
        vec![small.clone()]
    );
    assert_eq!(
        matching(vec![filter("tag:filter-a", &["x"])]).await,
        vec![small.clone()]
    );
    assert_eq!(
        matching(vec![filter("availability-zone", &["us-east-1a"])])
            .await
            .len(),
        2
    );
    assert_eq!(
        matching(vec![filter("owner-id", &["123456789012"])])
            .await
            .len(),
        2
    );

    let error = cloud
        .describe_instances(call(DescribeInstancesInput {
            filters: vec![filter("colour", &["red"])],
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            "The filter 'colour' is invalid"
        )
    );
}

#[tokio::test]
async fn pages_of_five_split_twelve_instances_five_five_two() {
    let cloud = FakeCloud::builder().instance_limit(100).build();
    let mut launched = Vec::new();
    for _ in 0..12 {
        launched.extend(launch(&cloud, 1).await);
    }
    let unpaged: Vec<String> = describe(&cloud, DescribeInstancesInput::default())
        .await
        .into_iter()
        .map(|i| i.instance_id.clone().into())
        .collect();
    assert_eq!(unpaged, launched);

    let mut pages = Vec::new();
    let mut next_token = None;
    loop {
        let output = cloud
            .describe_instances(call(DescribeInstancesInput {
                max_results: Some(5),
                next_token: next_token.clone(),
                ..Default::default()
            }))
            .await
            .unwrap();
        let page: Vec<String> = output
            .reservations
            .iter()
            .flat_map(|r| r.instances.iter().map(|i| i.instance_id.to_string()))
            .collect();
        pages.push(page);
        next_token = output.next_token;
        if next_token.is_none() {
            break;
        }
    }
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [5, 5, 2]);
    assert_eq!(pages.concat(), launched);
}

#[tokio::test]
async fn a_page_counts_instances_and_groups_them_into_reservations() {
    let cloud = quick_cloud();
    launch(&cloud, 3).await;
    launch(&cloud, 3).await;
    let output = cloud
        .describe_instances(call(DescribeInstancesInput {
            max_results: Some(5),
            ..Default::default()
        }))
        .await
        .unwrap();
    assert_eq!(
        output
            .reservations
            .iter()
            .map(|r| r.instances.len())
            .collect::<Vec<_>>(),
        [3, 2]
    );
    assert!(output.next_token.is_some());
}

#[tokio::test]
async fn paging_arguments_are_checked() {
    let cloud = quick_cloud();
    let id = launch(&cloud, 1).await.remove(0);
    let error = |input| {
        let cloud = cloud.clone();
        async move { cloud.describe_instances(call(input)).await.unwrap_err() }
    };
    assert_eq!(
        error(DescribeInstancesInput {
            max_results: Some(4),
            ..Default::default()
        })
        .await
        .code(),
        ErrorCode::InvalidParameterValue
    );
    assert_eq!(
        error(DescribeInstancesInput {
            instance_ids: vec![id],
            max_results: Some(5),
            ..Default::default()
        })
        .await,
        Ec2Error::new(
            ErrorCode::InvalidParameterCombination,
            "The parameter instancesSet cannot be used with the parameter maxResults"
        )
    );
    assert_eq!(
        error(DescribeInstancesInput {
            next_token: Some("not-a-token".into()),
            ..Default::default()
        })
        .await
        .code(),
        ErrorCode::InvalidPaginationToken
    );
}

#[tokio::test]
async fn another_projects_instance_answers_exactly_like_a_missing_one() {
    let cloud = quick_cloud();
    let theirs = launch_in(&cloud, "other", 1).await.remove(0);
    let missing = "i-0123456789abcdef0";
    let error_for = |id: &str| {
        let cloud = cloud.clone();
        let id = id.to_owned();
        async move {
            cloud
                .describe_instances(call(DescribeInstancesInput {
                    instance_ids: vec![id],
                    ..Default::default()
                }))
                .await
                .unwrap_err()
        }
    };
    assert_eq!(
        error_for(&theirs).await,
        Ec2Error::new(
            ErrorCode::InvalidInstanceIdNotFound,
            format!("The instance ID '{theirs}' does not exist")
        )
    );
    assert_eq!(
        error_for(missing).await,
        Ec2Error::new(
            ErrorCode::InvalidInstanceIdNotFound,
            format!("The instance ID '{missing}' does not exist")
        )
    );
    assert_eq!(
        stop(&cloud, std::slice::from_ref(&theirs))
            .await
            .unwrap_err(),
        error_for(&theirs).await
    );
    assert!(
        describe(&cloud, DescribeInstancesInput::default())
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn every_missing_id_is_listed() {
    let cloud = quick_cloud();
    let ours = launch(&cloud, 1).await.remove(0);
    let error = cloud
        .describe_instances(call(DescribeInstancesInput {
            instance_ids: vec!["i-1".into(), ours, "i-2".into()],
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(error.message(), "The instance IDs 'i-1, i-2' do not exist");
}

#[tokio::test]
async fn describe_instances_v6_adds_an_ipv6_address_from_the_vpc() {
    let cloud = quick_cloud();
    let id = launch(&cloud, 1).await.remove(0);
    let output = cloud
        .describe_instances_v6(call(DescribeInstancesInput {
            instance_ids: vec![id.clone()],
            ..Default::default()
        }))
        .await
        .unwrap();
    let address = output.reservations[0].instances[0]
        .ipv6_address
        .clone()
        .unwrap();
    assert!(address.starts_with("2600:1f18:"));
    assert!(address.ends_with("::4"));
    assert_eq!(describe_one(&cloud, &id).await.ipv6_address, None);
}

#[tokio::test]
async fn regions_keep_their_instances_apart() {
    let cloud = quick_cloud();
    launch(&cloud, 1).await;
    let west = cloud
        .describe_instances(Ec2Call::new(
            context_in("default", "us-west-2"),
            DescribeInstancesInput::default(),
        ))
        .await
        .unwrap();
    assert!(west.reservations.is_empty());
}

#[tokio::test]
async fn lookups_stay_scoped_with_a_hundred_thousand_instances() {
    let cloud = quick_cloud();
    let seeded = cloud.seed_instances("bench", "us-east-1", 100_000);
    assert_eq!(seeded.len(), 100_000);
    assert_eq!(cloud.instance_count(), 100_000);
    let ours = launch(&cloud, 1).await.remove(0);

    let started = std::time::Instant::now();
    for _ in 0..100 {
        assert_eq!(describe_one(&cloud, &ours).await.instance_id, ours);
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert_eq!(
        describe(&cloud, DescribeInstancesInput::default())
            .await
            .len(),
        1
    );
    let bench = cloud
        .describe_instances(Ec2Call::new(
            context("bench"),
            DescribeInstancesInput {
                instance_ids: vec![seeded[99_999].clone()],
                ..Default::default()
            },
        ))
        .await
        .unwrap();
    assert_eq!(bench.reservations[0].instances[0].state, Running);
}

// Status and console.

#[tokio::test]
async fn instance_status_shows_running_instances_unless_all_are_asked_for() {
    let cloud = quick_cloud();
    let ids = launch(&cloud, 2).await;
    stop(&cloud, &ids[1..]).await.unwrap();
    let statuses = |include_all_instances| {
        let cloud = cloud.clone();
        async move {
            cloud
                .describe_instance_status(call(DescribeInstanceStatusInput {
                    include_all_instances,
                    ..Default::default()
                }))
                .await
                .unwrap()
                .statuses
        }
    };
    let running = statuses(false).await;
    assert_eq!(running.len(), 1);
    assert_eq!(running[0].instance_id, ids[0]);
    assert_eq!(running[0].system_status.status, "ok");
    assert_eq!(running[0].instance_status.details[0].status, "passed");
    assert_eq!(running[0].availability_zone, "us-east-1a");
    let all = statuses(true).await;
    assert_eq!(all.len(), 2);
    assert_eq!(all[1].state, Stopped);
}

#[tokio::test]
async fn console_output_is_a_base64_boot_log_naming_the_instance() {
    let cloud = quick_cloud();
    let id = launch(&cloud, 1).await.remove(0);
    let output = cloud
        .get_console_output(call(GetConsoleOutputInput {
            instance_id: id.clone(),
            latest: false,
        }))
        .await
        .unwrap();
    assert_eq!(output.instance_id, id);
    assert_eq!(output.timestamp, START);
    let log = base64::engine::general_purpose::STANDARD
        .decode(&output.output)
        .unwrap();
    let log = String::from_utf8(log).unwrap();
    assert!(log.contains(&format!("instance-id: {id}")));
    assert!(log.contains("ip-172-31-0-4 login:"));
}

// Key pairs.

const PUBLIC_KEY: &str = concat!(
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDSopFDe/FtuTm47vRy5S3eFnYXh46XigqQAaqY",
    "vw1H/SLEU/owmM775wxPSD7NFL60jMXch9d05QvUcp8nAJAc5ip4J4H9BNVJzFIdcsJSSrf4nliV",
    "n0792y0T/WtHw3Yh+vxNkjLldY0V//Rff0f0vHP4E9eERbg/GqbKZ/FeP7XG41n56g7qhy1IBoIF",
    "9ilSGC7uT2hA4nmf/vARK+9Etj6zHbd+FDk4g8MbIwGAPAt7ulxE3dIFqLvZKzw7QzWhN/0XLL2Y",
    "T5HhLuZwMVt8oBHJ2NuW5ga8Vy6Heb21c/6rRMqHeQsyIvwHMjpQXYblR4NObrEgZlgpu6kt1DZJ",
    " test@fake",
);

// `ssh-keygen -e -m PKCS8 -f k.pub | openssl pkey -pubin -outform DER | openssl md5 -c`
const PUBLIC_KEY_MD5: &str = "37:4a:df:89:88:b3:e2:44:f5:1f:67:82:c7:ec:77:34";

async fn import(cloud: &FakeCloud, name: &str) -> Result<ImportKeyPairOutput, Ec2Error> {
    cloud
        .import_key_pair(call(ImportKeyPairInput {
            key_name: name.into(),
            public_key_material: PUBLIC_KEY.as_bytes().to_vec(),
            tag_specifications: vec![],
        }))
        .await
}

async fn key_pairs(
    cloud: &FakeCloud,
    input: DescribeKeyPairsInput,
) -> Result<Vec<KeyPairInfo>, Ec2Error> {
    Ok(cloud.describe_key_pairs(call(input)).await?.key_pairs)
}

#[tokio::test]
async fn imported_rsa_keys_are_fingerprinted_by_md5_of_the_der_public_key() {
    let cloud = quick_cloud();
    let imported = import(&cloud, "laptop").await.unwrap();
    assert_eq!(imported.key_name, "laptop");
    assert_eq!(imported.key_fingerprint, PUBLIC_KEY_MD5);
    assert!(ids::is_well_formed(&imported.key_pair_id, "key-"));

    let listed = key_pairs(
        &cloud,
        DescribeKeyPairsInput {
            include_public_key: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].key_fingerprint, PUBLIC_KEY_MD5);
    assert_eq!(listed[0].key_type, "rsa");
    assert_eq!(listed[0].create_time, START);
    assert!(
        listed[0]
            .public_key
            .as_deref()
            .unwrap()
            .starts_with("ssh-rsa AAAAB3")
    );
}

#[tokio::test]
async fn key_pair_names_are_unique_per_project() {
    let cloud = quick_cloud();
    import(&cloud, "laptop").await.unwrap();
    assert_eq!(
        import(&cloud, "laptop").await.unwrap_err(),
        Ec2Error::new(
            ErrorCode::InvalidKeyPairDuplicate,
            "The keypair 'laptop' already exists."
        )
    );
    let other = cloud
        .import_key_pair(Ec2Call::new(
            context("other"),
            ImportKeyPairInput {
                key_name: "laptop".into(),
                public_key_material: PUBLIC_KEY.as_bytes().to_vec(),
                tag_specifications: vec![],
            },
        ))
        .await;
    assert!(other.is_ok());
}

#[tokio::test]
async fn malformed_and_dsa_public_keys_are_invalid_key_format() {
    let cloud = quick_cloud();
    // An `ssh-dss` blob: the key type, then p, q, g and y, here one byte each.
    let mut dsa_blob = vec![0, 0, 0, 7];
    dsa_blob.extend_from_slice(b"ssh-dss");
    for _ in 0..4 {
        dsa_blob.extend_from_slice(&[0, 0, 0, 1, 5]);
    }
    let dsa_line = format!(
        "ssh-dss {} me@host",
        base64::engine::general_purpose::STANDARD.encode(&dsa_blob)
    );

    for material in [&b""[..], b"not a key", dsa_line.as_bytes()] {
        let refused = cloud
            .import_key_pair(call(ImportKeyPairInput {
                key_name: "bad".into(),
                public_key_material: material.to_vec(),
                tag_specifications: vec![],
            }))
            .await
            .unwrap_err();
        assert_eq!(
            refused,
            error(
                ErrorCode::InvalidKeyFormat,
                "Key is not in valid OpenSSH public key format"
            ),
            "{material:?}"
        );
    }
}

#[tokio::test]
async fn created_ed25519_key_pairs_return_openssh_material() {
    let cloud = quick_cloud();
    let created = cloud
        .create_key_pair(call(CreateKeyPairInput {
            key_name: "edkey".into(),
            key_type: Some("ed25519".into()),
            ..Default::default()
        }))
        .await
        .unwrap();
    assert!(
        created
            .key_material
            .starts_with("-----BEGIN OPENSSH PRIVATE KEY-----")
    );
    assert!(created.key_fingerprint.ends_with('='));
    let listed = key_pairs(&cloud, DescribeKeyPairsInput::default())
        .await
        .unwrap();
    assert_eq!(listed[0].key_type, "ed25519");
    assert_eq!(listed[0].key_fingerprint, created.key_fingerprint);
}

#[tokio::test]
async fn describing_a_missing_key_pair_is_not_found_and_deleting_one_succeeds() {
    let cloud = quick_cloud();
    let imported = import(&cloud, "laptop").await.unwrap();
    assert_eq!(
        key_pairs(
            &cloud,
            DescribeKeyPairsInput {
                key_names: vec!["nope".into()],
                ..Default::default()
            }
        )
        .await
        .unwrap_err(),
        Ec2Error::new(
            ErrorCode::InvalidKeyPairNotFound,
            "The key pair 'nope' does not exist"
        )
    );
    let deleted = cloud
        .delete_key_pair(call(DeleteKeyPairInput {
            key_name: None,
            key_pair_id: Some(imported.key_pair_id.clone()),
        }))
        .await
        .unwrap();
    assert_eq!(deleted.key_pair_id, Some(imported.key_pair_id));
    let again = cloud
        .delete_key_pair(call(DeleteKeyPairInput {
            key_name: Some("laptop".into()),
            key_pair_id: None,
        }))
        .await
        .unwrap();
    assert_eq!(again, DeleteKeyPairOutput { key_pair_id: None });
    assert!(
        key_pairs(&cloud, DescribeKeyPairsInput::default())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn key_pairs_filter_by_name_and_type() {
    let cloud = quick_cloud();
    import(&cloud, "laptop").await.unwrap();
    import(&cloud, "desktop").await.unwrap();
    let names = |filters| {
        let cloud = cloud.clone();
        async move {
            key_pairs(
                &cloud,
                DescribeKeyPairsInput {
                    filters,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .into_iter()
            .map(|k| k.key_name)
            .collect::<Vec<_>>()
        }
    };
    assert_eq!(names(vec![filter("key-name", &["lap*"])]).await, ["laptop"]);
    assert_eq!(
        names(vec![filter("key-type", &["rsa"])]).await,
        ["desktop", "laptop"]
    );
    assert!(
        names(vec![filter("fingerprint", &["00:*"])])
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn launching_with_a_key_pair_shows_its_name() {
    let cloud = quick_cloud();
    import(&cloud, "laptop").await.unwrap();
    let mut input = launch_input(&cloud, 1).await;
    input.key_name = Some("laptop".into());
    let output = cloud.run_instances(call(input)).await.unwrap();
    assert_eq!(
        output.reservation.instances[0].key_name.as_deref(),
        Some("laptop")
    );
}

// Images.

#[tokio::test]
async fn the_catalog_is_the_same_on_every_run() {
    let ids_of = |cloud: FakeCloud| async move {
        cloud
            .describe_images(call(DescribeImagesInput::default()))
            .await
            .unwrap()
            .images
            .into_iter()
            .map(|i| i.image_id)
            .collect::<Vec<_>>()
    };
    let first = ids_of(FakeCloud::new()).await;
    assert_eq!(first.len(), 6);
    assert_eq!(first, ids_of(FakeCloud::new()).await);
}

#[tokio::test]
async fn images_filter_by_owner_and_name() {
    let cloud = quick_cloud();
    let images = |input| {
        let cloud = cloud.clone();
        async move { cloud.describe_images(call(input)).await.unwrap().images }
    };
    let amazon = images(DescribeImagesInput {
        owners: vec!["amazon".into()],
        ..Default::default()
    })
    .await;
    assert_eq!(amazon.len(), 3);
    assert!(
        amazon
            .iter()
            .all(|i| i.image_owner_alias.as_deref() == Some("amazon"))
    );
    let ubuntu = images(DescribeImagesInput {
        filters: vec![filter("name", &["ubuntu/images/*"])],
        ..Default::default()
    })
    .await;
    assert_eq!(ubuntu.len(), 2);
    assert!(ubuntu.iter().all(|i| i.image_owner_id == "099720109477"));
    let windows = images(DescribeImagesInput {
        filters: vec![filter("platform", &["windows"])],
        ..Default::default()
    })
    .await;
    assert_eq!(windows[0].platform_details.as_deref(), Some("Windows"));
    let own = images(DescribeImagesInput {
        owners: vec!["self".into()],
        ..Default::default()
    })
    .await;
    assert!(own.is_empty());
}

#[tokio::test]
async fn a_missing_image_id_is_not_found() {
    let cloud = quick_cloud();
    let error = cloud
        .describe_images(call(DescribeImagesInput {
            image_ids: vec!["ami-00000000000000000".into()],
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        Ec2Error::new(
            ErrorCode::InvalidAmiIdNotFound,
            "The image id '[ami-00000000000000000]' does not exist"
        )
    );
}

// Regions, zones, account attributes.

#[tokio::test]
async fn regions_are_the_commercial_ones_with_their_endpoints() {
    let cloud = quick_cloud();
    let regions = cloud
        .describe_regions(call(DescribeRegionsInput::default()))
        .await
        .unwrap()
        .regions;
    assert_eq!(regions.len(), 17);
    assert_eq!(
        *regions[0],
        RegionInfo {
            region_name: "us-east-1".into(),
            region_endpoint: "ec2.us-east-1.amazonaws.com".into(),
            opt_in_status: "opt-in-not-required".into(),
        }
    );
    let error = cloud
        .describe_regions(call(DescribeRegionsInput {
            region_names: vec!["mars-1".into()],
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        Ec2Error::new(ErrorCode::InvalidParameterValue, "Invalid region: mars-1")
    );
    let eu = cloud
        .describe_regions(call(DescribeRegionsInput {
            filters: vec![filter("region-name", &["eu-*"])],
            ..Default::default()
        }))
        .await
        .unwrap();
    assert_eq!(eu.regions.len(), 5);
}

#[tokio::test]
async fn zones_are_those_of_the_calls_region() {
    let cloud = quick_cloud();
    let zones = cloud
        .describe_availability_zones(Ec2Call::new(
            context_in("default", "us-west-2"),
            DescribeAvailabilityZonesInput::default(),
        ))
        .await
        .unwrap()
        .zones;
    assert_eq!(
        zones
            .iter()
            .map(|z| (z.zone_name.as_str(), z.zone_id.as_str()))
            .collect::<Vec<_>>(),
        [
            ("us-west-2a", "usw2-az1"),
            ("us-west-2b", "usw2-az2"),
            ("us-west-2c", "usw2-az3")
        ]
    );
    assert!(
        zones
            .iter()
            .all(|z| z.zone_state == "available" && z.region_name == "us-west-2")
    );
    let error = cloud
        .describe_availability_zones(call(DescribeAvailabilityZonesInput {
            zone_names: vec!["us-east-1z".into()],
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        Ec2Error::new(
            ErrorCode::InvalidParameterValue,
            "The zone 'us-east-1z' does not exist."
        )
    );
}

#[tokio::test]
async fn a_call_without_a_region_uses_the_default_and_an_unserved_one_is_refused() {
    let cloud = FakeCloud::builder()
        .regions(["eu-west-1", "us-east-1"])
        .build();
    let no_region = Context {
        project_id: "default".into(),
        ..Context::default()
    };
    let zones = cloud
        .describe_availability_zones(Ec2Call::new(
            no_region,
            DescribeAvailabilityZonesInput::default(),
        ))
        .await
        .unwrap();
    assert_eq!(zones.zones[0].zone_name, "us-east-1a");
    let error = cloud
        .describe_regions(Ec2Call::new(
            context_in("default", "us-west-2"),
            DescribeRegionsInput::default(),
        ))
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidParameterValue);
}

#[tokio::test]
async fn account_attributes_report_vpc_and_the_default_vpc() {
    let cloud = quick_cloud();
    let attributes = cloud
        .describe_account_attributes(call(DescribeAccountAttributesInput::default()))
        .await
        .unwrap()
        .attributes;
    let value = |name: &str| {
        attributes
            .iter()
            .find(|a| a.attribute_name == name)
            .map(|a| a.values.clone())
            .unwrap()
    };
    assert_eq!(value("supported-platforms"), ["VPC"]);
    assert_eq!(
        value("default-vpc"),
        [regions::DefaultNetwork::of("123456789012", "us-east-1").vpc_id]
    );
    assert_eq!(value("max-instances"), ["20"]);
    let selected = cloud
        .describe_account_attributes(call(DescribeAccountAttributesInput {
            attribute_names: vec!["max-elastic-ips".into()],
        }))
        .await
        .unwrap();
    assert_eq!(selected.attributes.len(), 1);
}

#[test]
fn projects_get_stable_account_ids() {
    let cloud = FakeCloud::builder()
        .account_id("team", "210987654321")
        .build();
    assert_eq!(cloud.account_id_of("default"), "123456789012");
    assert_eq!(cloud.account_id_of("team"), "210987654321");
    let derived = cloud.account_id_of("other");
    assert_eq!(derived, FakeCloud::new().account_id_of("other"));
    assert_eq!(derived.len(), 12);
}

// Tags.

async fn describe_tags(cloud: &FakeCloud, filters: Vec<Filter>) -> Vec<TagDescription> {
    cloud
        .describe_tags(call(DescribeTagsInput {
            filters,
            ..Default::default()
        }))
        .await
        .unwrap()
        .tags
}

#[tokio::test]
async fn tags_round_trip_on_an_instance() {
    let cloud = quick_cloud();
    let id = launch(&cloud, 1).await.remove(0);
    cloud
        .create_tags(call(CreateTagsInput {
            resource_ids: vec![id.clone()],
            tags: vec![tag("team", "infra"), tag("Name", "web")],
        }))
        .await
        .unwrap();
    let by_resource = vec![filter("resource-id", &[&id])];
    assert_eq!(
        describe_tags(&cloud, by_resource.clone()).await,
        [
            TagDescription {
                resource_id: id.clone(),
                resource_type: "instance".into(),
                key: "Name".into(),
                value: "web".into(),
            },
            TagDescription {
                resource_id: id.clone(),
                resource_type: "instance".into(),
                key: "team".into(),
                value: "infra".into(),
            },
        ]
    );
    assert_eq!(
        describe_one(&cloud, &id).await.tags,
        [tag("Name", "web"), tag("team", "infra")]
    );

    let delete = |tags| {
        let cloud = cloud.clone();
        let id = id.clone();
        async move {
            cloud
                .delete_tags(call(DeleteTagsInput {
                    resource_ids: vec![id],
                    tags,
                }))
                .await
                .unwrap()
        }
    };
    delete(vec![TagToDelete {
        key: "Name".into(),
        value: Some("other".into()),
    }])
    .await;
    assert_eq!(describe_tags(&cloud, by_resource.clone()).await.len(), 2);
    delete(vec![TagToDelete {
        key: "team".into(),
        value: None,
    }])
    .await;
    assert_eq!(
        describe_tags(&cloud, by_resource.clone())
            .await
            .iter()
            .map(|t| t.key.as_str())
            .collect::<Vec<_>>(),
        ["Name"]
    );
    delete(vec![TagToDelete {
        key: "Name".into(),
        value: Some("web".into()),
    }])
    .await;
    assert!(describe_tags(&cloud, by_resource).await.is_empty());
}

#[tokio::test]
async fn tags_on_key_pairs_are_described_with_their_type() {
    let cloud = quick_cloud();
    let key = import(&cloud, "laptop").await.unwrap();
    cloud
        .create_tags(call(CreateTagsInput {
            resource_ids: vec![key.key_pair_id.clone()],
            tags: vec![tag("env", "dev")],
        }))
        .await
        .unwrap();
    let tags = describe_tags(&cloud, vec![filter("resource-type", &["key-pair"])]).await;
    assert_eq!(tags.len(), 1);
    assert_eq!(tags[0].resource_id, key.key_pair_id);
}

#[tokio::test]
async fn tags_refuse_reserved_keys_too_many_tags_and_foreign_resources() {
    let cloud = quick_cloud();
    let id = launch(&cloud, 1).await.remove(0);
    let create = |resource: &str, tags: Vec<Tag>| {
        let cloud = cloud.clone();
        let resource = resource.to_owned();
        async move {
            cloud
                .create_tags(call(CreateTagsInput {
                    resource_ids: vec![resource],
                    tags,
                }))
                .await
        }
    };
    assert_eq!(
        create(&id, vec![tag("aws:secret", "x")])
            .await
            .unwrap_err()
            .code(),
        ErrorCode::InvalidParameterValue
    );
    let many: Vec<Tag> = (0..51).map(|n| tag(&format!("k{n}"), "v")).collect();
    assert_eq!(
        create(&id, many).await.unwrap_err().code(),
        ErrorCode::TagLimitExceeded
    );
    let theirs = launch_in(&cloud, "other", 1).await.remove(0);
    assert_eq!(
        create(&theirs, vec![tag("a", "b")]).await.unwrap_err(),
        Ec2Error::new(
            ErrorCode::InvalidInstanceIdNotFound,
            format!("The instance ID '{theirs}' does not exist")
        )
    );
    assert_eq!(
        create("eni-0123456789abcdef0", vec![tag("a", "b")])
            .await
            .unwrap_err()
            .code(),
        ErrorCode::InvalidId
    );
    assert!(describe_tags(&cloud, vec![]).await.is_empty());
}

#[tokio::test]
async fn describe_tags_pages_by_resource_then_key() {
    let cloud = quick_cloud();
    let ids = launch(&cloud, 3).await;
    cloud
        .create_tags(call(CreateTagsInput {
            resource_ids: ids.clone(),
            tags: vec![tag("a", "1"), tag("b", "2")],
        }))
        .await
        .unwrap();
    let mut sorted = ids.clone();
    sorted.sort();
    let first = cloud
        .describe_tags(call(DescribeTagsInput {
            max_results: Some(5),
            ..Default::default()
        }))
        .await
        .unwrap();
    assert_eq!(first.tags.len(), 5);
    assert_eq!(first.tags[0].resource_id, sorted[0]);
    assert_eq!(first.tags[1].key, "b");
    let second = cloud
        .describe_tags(call(DescribeTagsInput {
            max_results: Some(5),
            next_token: first.next_token,
            ..Default::default()
        }))
        .await
        .unwrap();
    assert_eq!(second.tags.len(), 1);
    assert_eq!(second.tags[0].resource_id, sorted[2]);
    assert_eq!(second.tags[0].key, "b");
    assert_eq!(second.next_token, None);
}

// State.

#[tokio::test]
async fn saved_state_survives_serde_and_restores() {
    let cloud = quick_cloud();
    let id = launch(&cloud, 1).await.remove(0);
    let json = serde_json::to_string(&cloud.save()).unwrap();
    cloud.reset();
    assert_eq!(cloud.instance_count(), 0);
    cloud.restore(serde_json::from_str(&json).unwrap());
    assert_eq!(describe_one(&cloud, &id).await.state, Running);
}

#[tokio::test]
async fn images_are_listed_in_catalog_order_and_page() {
    let cloud = quick_cloud();
    let first = cloud
        .describe_images(call(DescribeImagesInput {
            max_results: Some(5),
            ..Default::default()
        }))
        .await
        .unwrap();
    assert_eq!(first.images.len(), 5);
    assert_eq!(first.images[0].architecture, "x86_64");
    assert!(
        first.images[0]
            .name
            .as_deref()
            .unwrap()
            .starts_with("al2023-ami-")
    );
    let rest = cloud
        .describe_images(call(DescribeImagesInput {
            max_results: Some(5),
            next_token: first.next_token,
            ..Default::default()
        }))
        .await
        .unwrap();
    assert_eq!(rest.images.len(), 1);
    assert_eq!(rest.images[0].platform.as_deref(), Some("windows"));
    assert_eq!(rest.next_token, None);
}

// Rendering: Describe shares an unchanged instance and renders a changed one afresh.

/// The XML DescribeInstances (or DescribeInstancesV6) writes for one instance.
async fn describe_xml(cloud: &FakeCloud, instance_id: &str, ipv6: bool) -> String {
    let input = DescribeInstancesInput {
        instance_ids: vec![instance_id.into()],
        ..Default::default()
    };
    let output = if ipv6 {
        cloud.describe_instances_v6(call(input)).await
    } else {
        cloud.describe_instances(call(input)).await
    };
    let mut writer = crate::ec2::xml::XmlWriter::default();
    crate::ec2::xml::ToXml::write_xml(&output.unwrap(), &mut writer);
    writer.into_string()
}

#[tokio::test]
async fn an_unchanged_instance_is_shared_between_describes_of_each_flavour() {
    let cloud = quick_cloud();
    let id = launch(&cloud, 1).await.remove(0);
    let first = describe_one(&cloud, &id).await;
    let v6_input = DescribeInstancesInput {
        instance_ids: vec![id.clone()],
        ..Default::default()
    };
    let v6 = cloud.describe_instances_v6(call(v6_input)).await.unwrap();
    let second = describe_one(&cloud, &id).await;
    assert!(Shared::ptr_eq(&first, &second));
    assert_eq!(first.ipv6_address, None);
    assert!(v6.reservations[0].instances[0].ipv6_address.is_some());
    assert!(
        !describe_xml(&cloud, &id, false)
            .await
            .contains("<ipv6Address>")
    );
    assert!(
        describe_xml(&cloud, &id, true)
            .await
            .contains("<ipv6Address>")
    );
}

#[tokio::test]
async fn describe_shows_tags_created_and_deleted_since_the_last_describe() {
    let cloud = quick_cloud();
    let id = launch(&cloud, 1).await.remove(0);
    assert!(!describe_xml(&cloud, &id, false).await.contains("<tagSet>"));

    cloud
        .create_tags(call(CreateTagsInput {
            resource_ids: vec![id.clone()],
            tags: vec![tag("Name", "web")],
        }))
        .await
        .unwrap();
    assert!(
        describe_xml(&cloud, &id, false)
            .await
            .contains("<tagSet><item><key>Name</key><value>web</value></item></tagSet>")
    );

    cloud
        .delete_tags(call(DeleteTagsInput {
            resource_ids: vec![id.clone()],
            tags: vec![],
        }))
        .await
        .unwrap();
    assert!(!describe_xml(&cloud, &id, false).await.contains("<tagSet>"));
}

#[tokio::test]
async fn describe_shows_attributes_modified_since_the_last_describe() {
    let cloud = quick_cloud();
    let id = launch(&cloud, 1).await.remove(0);
    stop(&cloud, std::slice::from_ref(&id)).await.unwrap();
    let before = describe_xml(&cloud, &id, false).await;
    assert!(before.contains("<instanceType>t2.micro</instanceType>"));
    assert!(before.contains("<sourceDestCheck>true</sourceDestCheck>"));

    modify(
        &cloud,
        ModifyInstanceAttributeInput {
            instance_id: id.clone(),
            instance_type: Some("t2.small".into()),
            source_dest_check: Some(false),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let after = describe_xml(&cloud, &id, false).await;
    assert!(after.contains("<instanceType>t2.small</instanceType>"));
    assert!(after.contains("<sourceDestCheck>false</sourceDestCheck>"));
    assert!(!after.contains("<sourceDestCheck>true</sourceDestCheck>"));
}

#[tokio::test]
async fn describe_shows_a_state_that_settled_since_the_last_describe() {
    let (cloud, clock) = slow_cloud();
    let id = launch(&cloud, 1).await.remove(0);
    let pending = describe_xml(&cloud, &id, false).await;
    assert!(pending.contains("<instanceState><code>0</code><name>pending</name></instanceState>"));

    clock.advance(Duration::seconds(5));
    let running = describe_xml(&cloud, &id, false).await;
    assert!(running.contains("<instanceState><code>16</code><name>running</name></instanceState>"));
    assert!(!running.contains("<stateReason>"));
}

#[tokio::test]
async fn describe_shows_state_changes_and_the_new_public_address_since_the_last_describe() {
    let cloud = quick_cloud();
    let id = launch(&cloud, 1).await.remove(0);
    let launched = describe_one(&cloud, &id).await;
    let first_address = launched.ip_address.clone().unwrap();

    stop(&cloud, std::slice::from_ref(&id)).await.unwrap();
    let stopped = describe_one(&cloud, &id).await;
    assert_eq!((stopped.state, stopped.ip_address.clone()), (Stopped, None));
    assert!(stopped.reason.starts_with("User initiated ("));

    start(&cloud, std::slice::from_ref(&id)).await.unwrap();
    let started = describe_one(&cloud, &id).await;
    assert_eq!(started.state, Running);
    assert_eq!(started.reason, "");
    let second_address = started.ip_address.clone().unwrap();
    assert!(
        describe_xml(&cloud, &id, false)
            .await
            .contains(&format!("<ipAddress>{second_address}</ipAddress>"))
    );
    // The new address is random: it may, rarely, be the old one.
    if second_address != first_address {
        assert!(
            !describe_xml(&cloud, &id, false)
                .await
                .contains(&*first_address)
        );
    }

    reboot(&cloud, std::slice::from_ref(&id)).await.unwrap();
    assert_eq!(describe_one(&cloud, &id).await.state, Running);

    terminate(&cloud, std::slice::from_ref(&id)).await.unwrap();
    let terminated = describe_xml(&cloud, &id, false).await;
    assert!(terminated.contains("<name>terminated</name>"));
    assert!(!terminated.contains("<ipAddress>"));
    assert!(!terminated.contains("<privateIpAddress>"));
}

#[tokio::test]
async fn describe_shows_a_restart_that_happened_between_two_describes() {
    let (cloud, clock) = slow_cloud();
    let id = launch(&cloud, 1).await.remove(0);
    clock.advance(Duration::seconds(5));
    let before = describe_one(&cloud, &id).await;
    assert_eq!((before.state, before.launch_time), (Running, START));

    stop(&cloud, std::slice::from_ref(&id)).await.unwrap();
    clock.advance(Duration::seconds(5));
    start(&cloud, std::slice::from_ref(&id)).await.unwrap();
    clock.advance(Duration::seconds(5));
    let after = describe_one(&cloud, &id).await;
    let restarted_at = START + Duration::seconds(10);
    assert_eq!((after.state, after.launch_time), (Running, restarted_at));
    assert!(
        describe_xml(&cloud, &id, false)
            .await
            .contains("<launchTime>2026-03-04T05:06:17.000Z</launchTime>")
    );
}

#[tokio::test]
async fn a_restored_state_describes_its_instances_as_they_were_saved() {
    let cloud = quick_cloud();
    let id = launch(&cloud, 1).await.remove(0);
    assert!(!describe_xml(&cloud, &id, false).await.contains("<tagSet>"));
    let saved = cloud.save();

    cloud
        .create_tags(call(CreateTagsInput {
            resource_ids: vec![id.clone()],
            tags: vec![tag("Name", "web")],
        }))
        .await
        .unwrap();
    assert!(describe_xml(&cloud, &id, false).await.contains("<tagSet>"));

    cloud.restore(saved);
    assert!(!describe_xml(&cloud, &id, false).await.contains("<tagSet>"));
}

#[tokio::test]
async fn launching_onto_a_dedicated_host_is_refused_as_no_host_exists() {
    let cloud = quick_cloud();
    let mut input = launch_input(&cloud, 1).await;
    input.placement.host_id = Some("h-0123456789abcdef0".into());
    let refused = cloud.run_instances(call(input)).await.unwrap_err();
    assert_eq!(
        refused,
        Ec2Error::new(
            ErrorCode::InvalidHostIdNotFound,
            "The specified host ID 'h-0123456789abcdef0' does not exist."
        )
    );
    assert_eq!(
        describe(&cloud, DescribeInstancesInput::default())
            .await
            .len(),
        0
    );
}
