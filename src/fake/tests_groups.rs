//! Behaviour of the fake cloud's security groups and Elastic IP addresses, driven
//! in-process through [`CloudController`].

use super::test_support::*;
use super::*;
use crate::core::Context;
use crate::ec2::model::Filter;

fn network() -> regions::DefaultNetwork {
    regions::DefaultNetwork::of(DEFAULT_ACCOUNT_ID, "us-east-1")
}

fn assert_error<T: std::fmt::Debug>(result: Result<T, Ec2Error>, code: ErrorCode, message: &str) {
    let error = result.unwrap_err();
    assert_eq!((error.code(), error.message()), (code, message));
}

// Security groups.

async fn create_group_in(cloud: &FakeCloud, project: &str, name: &str) -> String {
    cloud
        .create_security_group(Ec2Call::new(
            context(project),
            CreateSecurityGroupInput {
                group_name: name.into(),
                description: format!("{name} servers"),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .group_id
}

async fn create_group(cloud: &FakeCloud, name: &str) -> String {
    create_group_in(cloud, "default", name).await
}

async fn groups(cloud: &FakeCloud, input: DescribeSecurityGroupsInput) -> Vec<SecurityGroup> {
    cloud
        .describe_security_groups(call(input))
        .await
        .unwrap()
        .security_groups
}

async fn group(cloud: &FakeCloud, group_id: &str) -> SecurityGroup {
    let mut found = groups(
        cloud,
        DescribeSecurityGroupsInput {
            group_ids: vec![group_id.into()],
            ..Default::default()
        },
    )
    .await;
    assert_eq!(found.len(), 1);
    found.remove(0)
}

async fn group_names(cloud: &FakeCloud, filters: Vec<Filter>) -> Vec<String> {
    let mut names: Vec<String> = groups(
        cloud,
        DescribeSecurityGroupsInput {
            filters,
            ..Default::default()
        },
    )
    .await
    .into_iter()
    .map(|group| group.group_name)
    .collect();
    names.sort();
    names
}

fn ingress_by_id(group_id: &str, permissions: Vec<IpPermission>) -> SecurityGroupIngress {
    SecurityGroupIngress {
        group_id: Some(group_id.into()),
        ip_permissions: permissions,
        ..Default::default()
    }
}

fn tcp(from: i32, to: i32, cidrs: &[&str]) -> IpPermission {
    permission("tcp", Some(from), Some(to), cidrs)
}

fn permission(protocol: &str, from: Option<i32>, to: Option<i32>, cidrs: &[&str]) -> IpPermission {
    IpPermission {
        ip_protocol: protocol.into(),
        from_port: from,
        to_port: to,
        ip_ranges: cidrs
            .iter()
            .map(|cidr| IpRange {
                cidr_ip: cidr.to_string(),
                description: None,
            })
            .collect(),
        ..Default::default()
    }
}

fn from_group(protocol: &str, group_id: &str) -> IpPermission {
    IpPermission {
        ip_protocol: protocol.into(),
        user_id_group_pairs: vec![UserIdGroupPair {
            group_id: Some(group_id.into()),
            ..Default::default()
        }],
        ..Default::default()
    }
}

async fn authorize(cloud: &FakeCloud, ingress: SecurityGroupIngress) -> Result<Return, Ec2Error> {
    cloud
        .authorize_security_group_ingress(call(AuthorizeSecurityGroupIngressInput {
            ingress,
            ..Default::default()
        }))
        .await
}

async fn revoke(
    cloud: &FakeCloud,
    ingress: SecurityGroupIngress,
) -> Result<RevokeSecurityGroupIngressOutput, Ec2Error> {
    cloud
        .revoke_security_group_ingress(call(RevokeSecurityGroupIngressInput {
            ingress,
            ..Default::default()
        }))
        .await
}

async fn delete_group(
    cloud: &FakeCloud,
    group_id: &str,
) -> Result<DeleteSecurityGroupOutput, Ec2Error> {
    cloud
        .delete_security_group(call(DeleteSecurityGroupInput {
            group_id: Some(group_id.into()),
            group_name: None,
        }))
        .await
}

fn all_traffic_to_everywhere() -> IpPermission {
    permission("-1", None, None, &["0.0.0.0/0"])
}

#[tokio::test]
async fn every_project_starts_with_a_default_group_and_aws_default_rules() {
    let cloud = quick_cloud();
    let network = network();
    let found = groups(&cloud, DescribeSecurityGroupsInput::default()).await;
    assert_eq!(
        found,
        vec![SecurityGroup {
            owner_id: DEFAULT_ACCOUNT_ID.into(),
            group_id: network.security_group_id.clone(),
            group_name: "default".into(),
            description: "default VPC security group".into(),
            vpc_id: Some(network.vpc_id.clone()),
            ip_permissions: vec![IpPermission {
                ip_protocol: "-1".into(),
                user_id_group_pairs: vec![UserIdGroupPair {
                    user_id: Some(DEFAULT_ACCOUNT_ID.into()),
                    group_id: Some(network.security_group_id.clone()),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ip_permissions_egress: vec![all_traffic_to_everywhere()],
            tags: vec![],
        }]
    );

    let other = cloud
        .describe_security_groups(Ec2Call::new(
            context_in("other", "eu-west-1"),
            DescribeSecurityGroupsInput::default(),
        ))
        .await
        .unwrap()
        .security_groups;
    let other_network = regions::DefaultNetwork::of(&cloud.account_id_of("other"), "eu-west-1");
    assert_eq!(other.len(), 1);
    assert_eq!(other[0].group_id, other_network.security_group_id);
    assert_eq!(
        other[0].vpc_id.as_deref(),
        Some(other_network.vpc_id.as_str())
    );
}

#[tokio::test]
async fn created_groups_get_an_sg_id_their_tags_and_all_traffic_out() {
    let cloud = quick_cloud();
    let output = cloud
        .create_security_group(call(CreateSecurityGroupInput {
            group_name: "web".into(),
            description: "Web servers".into(),
            vpc_id: Some(network().vpc_id),
            tag_specifications: vec![TagSpecification {
                resource_type: "security-group".into(),
                tags: vec![tag("env", "prod")],
            }],
        }))
        .await
        .unwrap();
    assert_eq!(output.group_id.len(), "sg-".len() + 17);
    assert!(ids::is_well_formed(&output.group_id, "sg-"));
    assert_eq!(output.tags, vec![tag("env", "prod")]);

    let web = group(&cloud, &output.group_id).await;
    assert_eq!(
        web,
        SecurityGroup {
            owner_id: DEFAULT_ACCOUNT_ID.into(),
            group_id: output.group_id.clone(),
            group_name: "web".into(),
            description: "Web servers".into(),
            vpc_id: Some(network().vpc_id),
            ip_permissions: vec![],
            ip_permissions_egress: vec![all_traffic_to_everywhere()],
            tags: vec![tag("env", "prod")],
        }
    );
}

#[tokio::test]
async fn create_security_group_refuses_what_aws_refuses() {
    let cloud = quick_cloud();
    create_group(&cloud, "web").await;
    let create = |name: &str, vpc_id: Option<&str>, resource_type: &str| {
        cloud.create_security_group(call(CreateSecurityGroupInput {
            group_name: name.into(),
            description: "d".into(),
            vpc_id: vpc_id.map(str::to_owned),
            tag_specifications: vec![TagSpecification {
                resource_type: resource_type.into(),
                tags: vec![],
            }],
        }))
    };
    let vpc_id = network().vpc_id;
    assert_error(
        create("web", None, "security-group").await,
        ErrorCode::InvalidGroupDuplicate,
        &format!("The security group 'web' already exists for VPC '{vpc_id}'"),
    );
    assert_error(
        create("default", None, "security-group").await,
        ErrorCode::InvalidGroupDuplicate,
        &format!("The security group 'default' already exists for VPC '{vpc_id}'"),
    );
    assert_error(
        create("sg-web", None, "security-group").await,
        ErrorCode::InvalidParameterValue,
        "Value (sg-web) for parameter GroupName is invalid. \
         Group names may not be in the format sg-*.",
    );
    assert_error(
        create("db", Some("vpc-0123456789abcdef0"), "security-group").await,
        ErrorCode::InvalidVpcIdNotFound,
        "The vpc ID 'vpc-0123456789abcdef0' does not exist",
    );
    assert_error(
        create("db", None, "instance").await,
        ErrorCode::InvalidParameterValue,
        "'instance' is not a valid taggable resource type for this operation.",
    );
    // The same name is free in another project.
    create_group_in(&cloud, "other", "web").await;
}

#[tokio::test]
async fn a_vpc_holds_at_most_2500_security_groups_default_included() {
    let cloud = quick_cloud();
    for index in 1..2500 {
        create_group(&cloud, &format!("group-{index}")).await;
    }
    let error = cloud
        .create_security_group(call(CreateSecurityGroupInput {
            group_name: "one-too-many".into(),
            description: "d".into(),
            ..Default::default()
        }))
        .await;
    assert_error(
        error,
        ErrorCode::SecurityGroupLimitExceeded,
        &format!(
            "The maximum number of security groups for VPC '{}' has been reached.",
            network().vpc_id
        ),
    );
    create_group_in(&cloud, "other", "fine").await;
}

#[tokio::test]
async fn groups_are_deleted_by_id_or_by_name() {
    let cloud = quick_cloud();
    let web = create_group(&cloud, "web").await;
    create_group(&cloud, "db").await;
    let deleted = delete_group(&cloud, &web).await.unwrap();
    assert_eq!(deleted.group_id.as_deref(), Some(web.as_str()));
    let by_name = cloud
        .delete_security_group(call(DeleteSecurityGroupInput {
            group_id: None,
            group_name: Some("db".into()),
        }))
        .await
        .unwrap();
    assert!(by_name.group_id.unwrap().starts_with("sg-"));
    assert_eq!(group_names(&cloud, vec![]).await, vec!["default"]);

    assert_error(
        delete_group(&cloud, &web).await,
        ErrorCode::InvalidGroupNotFound,
        &format!("The security group '{web}' does not exist"),
    );
    assert_error(
        cloud
            .delete_security_group(call(DeleteSecurityGroupInput {
                group_id: None,
                group_name: Some("db".into()),
            }))
            .await,
        ErrorCode::InvalidGroupNotFound,
        "The security group 'db' does not exist",
    );
    // The name is free again.
    create_group(&cloud, "web").await;
}

#[tokio::test]
async fn the_default_group_cannot_be_deleted() {
    let cloud = quick_cloud();
    let default_id = network().security_group_id;
    let message = format!(
        "the specified group: \"{default_id}\" name: \"default\" cannot be deleted by a user"
    );
    assert_error(
        delete_group(&cloud, &default_id).await,
        ErrorCode::CannotDelete,
        &message,
    );
    assert_error(
        cloud
            .delete_security_group(call(DeleteSecurityGroupInput {
                group_id: None,
                group_name: Some("default".into()),
            }))
            .await,
        ErrorCode::CannotDelete,
        &message,
    );
}

async fn image_id(cloud: &FakeCloud) -> String {
    cloud
        .describe_images(call(DescribeImagesInput {
            filters: vec![filter("name", &["al2023-ami-*-x86_64"])],
            ..Default::default()
        }))
        .await
        .unwrap()
        .images[0]
        .image_id
        .clone()
}

async fn launch_with(
    cloud: &FakeCloud,
    project: &str,
    edit: impl FnOnce(&mut RunInstancesInput),
) -> Result<Instance, Ec2Error> {
    let mut input = RunInstancesInput {
        image_id: Some(image_id(cloud).await),
        min_count: 1,
        max_count: 1,
        instance_type: Some("t2.micro".into()),
        ..Default::default()
    };
    edit(&mut input);
    let output = cloud
        .run_instances(Ec2Call::new(context(project), input))
        .await?;
    // `Instance::clone` also reads an instance behind a shared handle.
    Ok(Instance::clone(&output.reservation.instances[0]))
}

async fn launch(cloud: &FakeCloud) -> String {
    launch_with(cloud, "default", |_| {})
        .await
        .unwrap()
        .instance_id
        .to_string()
}

async fn describe_instance(cloud: &FakeCloud, instance_id: &str) -> Instance {
    let output = cloud
        .describe_instances(call(DescribeInstancesInput {
            instance_ids: vec![instance_id.into()],
            ..Default::default()
        }))
        .await
        .unwrap();
    Instance::clone(&output.reservations[0].instances[0])
}

async fn terminate(cloud: &FakeCloud, instance_id: &str) {
    cloud
        .terminate_instances(call(TerminateInstancesInput {
            instance_ids: vec![instance_id.into()],
            ..Default::default()
        }))
        .await
        .unwrap();
}

async fn stop(cloud: &FakeCloud, instance_id: &str) {
    cloud
        .stop_instances(call(StopInstancesInput {
            instance_ids: vec![instance_id.into()],
            ..Default::default()
        }))
        .await
        .unwrap();
}

async fn start(cloud: &FakeCloud, instance_id: &str) {
    cloud
        .start_instances(call(StartInstancesInput {
            instance_ids: vec![instance_id.into()],
            ..Default::default()
        }))
        .await
        .unwrap();
}

fn group_identifier(group_id: &str, group_name: &str) -> GroupIdentifier {
    GroupIdentifier {
        group_id: Text::from(group_id.to_owned()),
        group_name: Text::from(group_name.to_owned()),
    }
}

#[tokio::test]
async fn instances_launch_into_created_groups_by_name_or_id() {
    let cloud = quick_cloud();
    let web = create_group(&cloud, "web").await;
    let db = create_group(&cloud, "db").await;
    let launched = launch_with(&cloud, "default", |input| {
        input.security_groups = vec!["web".into()];
        input.security_group_ids = vec![db.clone(), web.clone()];
    })
    .await
    .unwrap();
    let expected = vec![group_identifier(&web, "web"), group_identifier(&db, "db")];
    assert_eq!(launched.groups, expected);
    let instance_id = launched.instance_id.to_string();
    assert_eq!(
        describe_instance(&cloud, &instance_id).await.groups,
        expected
    );

    let by_group_name = cloud
        .describe_instances(call(DescribeInstancesInput {
            filters: vec![filter("group-name", &["db"])],
            ..Default::default()
        }))
        .await
        .unwrap();
    assert_eq!(by_group_name.reservations.len(), 1);

    let plain = launch(&cloud).await;
    assert_eq!(
        describe_instance(&cloud, &plain).await.groups,
        vec![group_identifier(&network().security_group_id, "default")]
    );

    assert_error(
        launch_with(&cloud, "default", |input| {
            input.security_groups = vec!["cache".into()]
        })
        .await,
        ErrorCode::InvalidGroupNotFound,
        &format!(
            "The security group 'cache' does not exist in default VPC '{}'",
            network().vpc_id
        ),
    );
    assert_error(
        launch_with(&cloud, "other", |input| {
            input.security_group_ids = vec![web.clone()]
        })
        .await,
        ErrorCode::InvalidGroupNotFound,
        &format!("The security group '{web}' does not exist"),
    );
}

#[tokio::test]
async fn modify_instance_attribute_moves_an_instance_to_created_groups() {
    let cloud = quick_cloud();
    let web = create_group(&cloud, "web").await;
    let instance_id = launch(&cloud).await;
    cloud
        .modify_instance_attribute(call(ModifyInstanceAttributeInput {
            instance_id: instance_id.clone(),
            group_ids: vec![web.clone()],
            ..Default::default()
        }))
        .await
        .unwrap();
    assert_eq!(
        describe_instance(&cloud, &instance_id).await.groups,
        vec![group_identifier(&web, "web")]
    );
}

#[tokio::test]
async fn a_group_in_use_by_an_instance_is_deleted_only_once_the_instance_terminated() {
    let (cloud, clock) = slow_cloud();
    let web = create_group(&cloud, "web").await;
    let instance = launch_with(&cloud, "default", |input| {
        input.security_group_ids = vec![web.clone()]
    })
    .await
    .unwrap();
    let dependent = format!("resource {web} has a dependent object");
    assert_error(
        delete_group(&cloud, &web).await,
        ErrorCode::DependencyViolation,
        &dependent,
    );

    terminate(&cloud, &instance.instance_id).await;
    assert_error(
        delete_group(&cloud, &web).await,
        ErrorCode::DependencyViolation,
        &dependent,
    );
    clock.advance(Duration::seconds(5));
    delete_group(&cloud, &web).await.unwrap();
}

#[tokio::test]
async fn a_group_another_group_allows_traffic_from_cannot_be_deleted() {
    let cloud = quick_cloud();
    let web = create_group(&cloud, "web").await;
    let db = create_group(&cloud, "db").await;
    authorize(&cloud, ingress_by_id(&db, vec![from_group("tcp", &web)]))
        .await
        .unwrap_err();
    let mut rule = from_group("tcp", &web);
    rule.from_port = Some(5432);
    rule.to_port = Some(5432);
    authorize(&cloud, ingress_by_id(&db, vec![rule]))
        .await
        .unwrap();
    assert_error(
        delete_group(&cloud, &web).await,
        ErrorCode::DependencyViolation,
        &format!("resource {web} has a dependent object"),
    );
    // A rule allowing the group itself does not hold it.
    authorize(&cloud, ingress_by_id(&db, vec![from_group("-1", &db)]))
        .await
        .unwrap();
    delete_group(&cloud, &db).await.unwrap();
    delete_group(&cloud, &web).await.unwrap();
}

#[tokio::test]
async fn describe_security_groups_by_id_and_name_needs_every_one_to_exist() {
    let cloud = quick_cloud();
    let web = create_group(&cloud, "web").await;
    create_group(&cloud, "db").await;
    let found = groups(
        &cloud,
        DescribeSecurityGroupsInput {
            group_ids: vec![web.clone()],
            group_names: vec!["default".into(), "web".into()],
            ..Default::default()
        },
    )
    .await;
    let mut names: Vec<&str> = found.iter().map(|g| g.group_name.as_str()).collect();
    names.sort();
    assert_eq!(names, vec!["default", "web"]);

    assert_error(
        cloud
            .describe_security_groups(call(DescribeSecurityGroupsInput {
                group_ids: vec![web.clone(), "sg-0123456789abcdef0".into()],
                ..Default::default()
            }))
            .await,
        ErrorCode::InvalidGroupNotFound,
        "The security group 'sg-0123456789abcdef0' does not exist",
    );
    assert_error(
        cloud
            .describe_security_groups(call(DescribeSecurityGroupsInput {
                group_names: vec!["cache".into()],
                ..Default::default()
            }))
            .await,
        ErrorCode::InvalidGroupNotFound,
        &format!(
            "The security group 'cache' does not exist in default VPC '{}'",
            network().vpc_id
        ),
    );
}

#[tokio::test]
async fn describe_security_groups_filters_on_groups_and_their_rules() {
    let cloud = quick_cloud();
    let web = create_group(&cloud, "web").await;
    let db = create_group(&cloud, "db").await;
    authorize(
        &cloud,
        ingress_by_id(
            &web,
            vec![
                tcp(443, 443, &["0.0.0.0/0"]),
                tcp(22, 22, &["203.0.113.0/24"]),
            ],
        ),
    )
    .await
    .unwrap();
    let mut from_web = from_group("tcp", &web);
    from_web.from_port = Some(5432);
    from_web.to_port = Some(5432);
    authorize(&cloud, ingress_by_id(&db, vec![from_web]))
        .await
        .unwrap();
    cloud
        .create_tags(call(CreateTagsInput {
            resource_ids: vec![db.clone()],
            tags: vec![tag("tier", "data")],
        }))
        .await
        .unwrap();

    let cases: Vec<(Filter, Vec<&str>)> = vec![
        (filter("group-name", &["w*"]), vec!["web"]),
        (filter("group-id", &[&db]), vec!["db"]),
        (filter("description", &["*servers"]), vec!["db", "web"]),
        (
            filter("vpc-id", &[&network().vpc_id]),
            vec!["db", "default", "web"],
        ),
        (
            filter("owner-id", &[DEFAULT_ACCOUNT_ID]),
            vec!["db", "default", "web"],
        ),
        (
            filter("ip-permission.protocol", &["tcp"]),
            vec!["db", "web"],
        ),
        (filter("ip-permission.protocol", &["-1"]), vec!["default"]),
        (filter("ip-permission.from-port", &["22"]), vec!["web"]),
        (filter("ip-permission.to-port", &["5432"]), vec!["db"]),
        (filter("ip-permission.cidr", &["203.0.113.*"]), vec!["web"]),
        (filter("ip-permission.group-id", &[&web]), vec!["db"]),
        (filter("ip-permission.group-name", &["web"]), vec!["db"]),
        (
            filter("ip-permission.user-id", &[DEFAULT_ACCOUNT_ID]),
            vec!["db", "default"],
        ),
        (
            filter("egress.ip-permission.cidr", &["0.0.0.0/0"]),
            vec!["db", "default", "web"],
        ),
        (filter("egress.ip-permission.protocol", &["tcp"]), vec![]),
        (filter("tag:tier", &["data"]), vec!["db"]),
        (filter("tag-key", &["tier"]), vec!["db"]),
    ];
    for (filter, expected) in cases {
        let name = filter.name.clone();
        assert_eq!(group_names(&cloud, vec![filter]).await, expected, "{name}");
    }
    assert_eq!(
        group_names(
            &cloud,
            vec![
                filter("ip-permission.protocol", &["tcp"]),
                filter("ip-permission.from-port", &["443"])
            ]
        )
        .await,
        vec!["web"]
    );
    assert_error(
        cloud
            .describe_security_groups(call(DescribeSecurityGroupsInput {
                filters: vec![filter("colour", &["red"])],
                ..Default::default()
            }))
            .await,
        ErrorCode::InvalidParameterValue,
        "The filter 'colour' is invalid",
    );
}

#[tokio::test]
async fn describe_security_groups_pages_by_group_id() {
    let cloud = quick_cloud();
    for index in 0..11 {
        create_group(&cloud, &format!("group-{index}")).await;
    }
    let mut seen = Vec::new();
    let mut next_token = None;
    let mut sizes = Vec::new();
    loop {
        let page = cloud
            .describe_security_groups(call(DescribeSecurityGroupsInput {
                max_results: Some(5),
                next_token: next_token.clone(),
                ..Default::default()
            }))
            .await
            .unwrap();
        sizes.push(page.security_groups.len());
        seen.extend(page.security_groups.into_iter().map(|group| group.group_id));
        next_token = page.next_token;
        if next_token.is_none() {
            break;
        }
    }
    assert_eq!(sizes, vec![5, 5, 2]);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen, sorted);
    assert_error(
        cloud
            .describe_security_groups(call(DescribeSecurityGroupsInput {
                max_results: Some(4),
                ..Default::default()
            }))
            .await,
        ErrorCode::InvalidParameterValue,
        "Value (4) for parameter maxResults is invalid. Expecting a value between 5 and 1000.",
    );
    assert_error(
        cloud
            .describe_security_groups(call(DescribeSecurityGroupsInput {
                next_token: Some("garbage".into()),
                ..Default::default()
            }))
            .await,
        ErrorCode::InvalidPaginationToken,
        "The specified pagination token is not valid or is expired.",
    );
}

#[tokio::test]
async fn the_short_form_adds_one_rule_shown_in_ip_permissions() {
    let cloud = quick_cloud();
    create_group(&cloud, "web").await;
    authorize(
        &cloud,
        SecurityGroupIngress {
            group_name: Some("web".into()),
            ip_protocol: Some("tcp".into()),
            from_port: Some(22),
            to_port: Some(22),
            cidr_ip: Some("0.0.0.0/0".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let web = &groups(
        &cloud,
        DescribeSecurityGroupsInput {
            group_names: vec!["web".into()],
            ..Default::default()
        },
    )
    .await[0];
    assert_eq!(web.ip_permissions, vec![tcp(22, 22, &["0.0.0.0/0"])]);
}

#[tokio::test]
async fn rules_of_one_protocol_and_ports_share_one_permission() {
    let cloud = quick_cloud();
    let web = create_group(&cloud, "web").await;
    let lb = create_group(&cloud, "lb").await;
    let mut https = tcp(443, 443, &["198.51.100.0/24", "203.0.113.0/24"]);
    https.user_id_group_pairs = vec![UserIdGroupPair {
        group_name: Some("lb".into()),
        description: Some("load balancers".into()),
        ..Default::default()
    }];
    https.ipv6_ranges = vec![Ipv6Range {
        cidr_ipv6: "2001:db8::/32".into(),
        description: None,
    }];
    authorize(&cloud, ingress_by_id(&web, vec![https]))
        .await
        .unwrap();
    // The short form with a source group by name.
    authorize(
        &cloud,
        SecurityGroupIngress {
            group_id: Some(web.clone()),
            ip_protocol: Some("tcp".into()),
            from_port: Some(80),
            to_port: Some(80),
            source_security_group_name: Some("lb".into()),
            source_security_group_owner_id: Some(DEFAULT_ACCOUNT_ID.into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    authorize(
        &cloud,
        ingress_by_id(&web, vec![tcp(443, 443, &["192.0.2.0/24"])]),
    )
    .await
    .unwrap();

    let lb_pair = |description: Option<&str>| UserIdGroupPair {
        user_id: Some(DEFAULT_ACCOUNT_ID.into()),
        group_id: Some(lb.clone()),
        description: description.map(str::to_owned),
        ..Default::default()
    };
    let mut expected_https = tcp(
        443,
        443,
        &["198.51.100.0/24", "203.0.113.0/24", "192.0.2.0/24"],
    );
    expected_https.user_id_group_pairs = vec![lb_pair(Some("load balancers"))];
    expected_https.ipv6_ranges = vec![Ipv6Range {
        cidr_ipv6: "2001:db8::/32".into(),
        description: None,
    }];
    let mut expected_http = permission("tcp", Some(80), Some(80), &[]);
    expected_http.user_id_group_pairs = vec![lb_pair(None)];
    assert_eq!(
        group(&cloud, &web).await.ip_permissions,
        vec![expected_https, expected_http]
    );
}

#[tokio::test]
async fn protocols_are_kept_by_name_and_only_tcp_udp_and_icmp_keep_ports() {
    let cloud = quick_cloud();
    let web = create_group(&cloud, "web").await;
    authorize(
        &cloud,
        ingress_by_id(
            &web,
            vec![
                permission("6", Some(80), Some(80), &["10.0.0.0/8"]),
                permission("UDP", Some(53), Some(53), &["10.0.0.0/8"]),
                permission("icmp", Some(8), Some(-1), &["10.0.0.0/8"]),
                permission("all", Some(1), Some(2), &["10.0.0.0/8"]),
                permission("50", Some(1), Some(2), &["10.0.0.0/8"]),
            ],
        ),
    )
    .await
    .unwrap();
    assert_eq!(
        group(&cloud, &web).await.ip_permissions,
        vec![
            permission("tcp", Some(80), Some(80), &["10.0.0.0/8"]),
            permission("udp", Some(53), Some(53), &["10.0.0.0/8"]),
            permission("icmp", Some(8), Some(-1), &["10.0.0.0/8"]),
            permission("-1", None, None, &["10.0.0.0/8"]),
            permission("50", None, None, &["10.0.0.0/8"]),
        ]
    );
}

#[tokio::test]
async fn authorizing_an_existing_rule_is_a_duplicate_and_adds_nothing() {
    let cloud = quick_cloud();
    let web = create_group(&cloud, "web").await;
    authorize(
        &cloud,
        ingress_by_id(&web, vec![tcp(22, 22, &["0.0.0.0/0"])]),
    )
    .await
    .unwrap();
    assert_error(
        authorize(
            &cloud,
            ingress_by_id(
                &web,
                vec![tcp(80, 80, &["0.0.0.0/0"]), tcp(22, 22, &["0.0.0.0/0"])],
            ),
        )
        .await,
        ErrorCode::InvalidPermissionDuplicate,
        "the specified rule \"peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW\" \
         already exists",
    );
    assert_error(
        authorize(
            &cloud,
            ingress_by_id(
                &web,
                vec![permission("-1", None, None, &["10.0.0.0/8", "10.0.0.0/8"])],
            ),
        )
        .await,
        ErrorCode::InvalidPermissionDuplicate,
        "the specified rule \"peer: 10.0.0.0/8, ALL, ALLOW\" already exists",
    );
    let default_id = network().security_group_id;
    assert_error(
        authorize(
            &cloud,
            ingress_by_id(&default_id, vec![from_group("-1", &default_id)]),
        )
        .await,
        ErrorCode::InvalidPermissionDuplicate,
        &format!("the specified rule \"peer: {default_id}, ALL, ALLOW\" already exists"),
    );
    assert_eq!(
        group(&cloud, &web).await.ip_permissions,
        vec![tcp(22, 22, &["0.0.0.0/0"])]
    );
}

#[tokio::test]
async fn ports_protocols_and_cidr_blocks_are_checked() {
    let cloud = quick_cloud();
    let web = create_group(&cloud, "web").await;
    let cases = vec![
        (
            tcp(0, 65536, &["0.0.0.0/0"]),
            "Invalid value 'TCP/UDP port (65536) out of range' for portRange.",
        ),
        (
            tcp(-1, -1, &["0.0.0.0/0"]),
            "Invalid value 'TCP/UDP port (-1) out of range' for portRange.",
        ),
        (
            tcp(80, 22, &["0.0.0.0/0"]),
            "Invalid value 'TCP/UDP from port (80) is greater than to port (22)' for portRange.",
        ),
        (
            permission("udp", Some(53), None, &["0.0.0.0/0"]),
            "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.",
        ),
        (
            permission("icmp", None, None, &["0.0.0.0/0"]),
            "Invalid value 'Must specify both from and to ports with ICMP.' for portRange.",
        ),
        (
            permission("icmp", Some(256), Some(0), &["0.0.0.0/0"]),
            "Invalid value 'ICMP type (256) out of range' for portRange.",
        ),
        (
            permission("icmp", Some(8), Some(-2), &["0.0.0.0/0"]),
            "Invalid value 'ICMP code (-2) out of range' for portRange.",
        ),
        (
            permission("gre", None, None, &["0.0.0.0/0"]),
            "Invalid value 'gre' for IP protocol. Unknown protocol.",
        ),
        (
            tcp(22, 22, &["10.0.0.0/33"]),
            "CIDR block 10.0.0.0/33 is malformed",
        ),
        (
            tcp(22, 22, &["10.0.0.256/8"]),
            "CIDR block 10.0.0.256/8 is malformed",
        ),
        (
            tcp(22, 22, &["10.0.0.0"]),
            "CIDR block 10.0.0.0 is malformed",
        ),
    ];
    for (rule, message) in cases {
        assert_error(
            authorize(&cloud, ingress_by_id(&web, vec![rule])).await,
            ErrorCode::InvalidParameterValue,
            message,
        );
    }
    authorize(
        &cloud,
        ingress_by_id(
            &web,
            vec![
                tcp(0, 65535, &["0.0.0.0/0"]),
                permission("icmp", Some(-1), Some(-1), &["0.0.0.0/0"]),
                permission("icmp", Some(255), Some(255), &["0.0.0.0/0"]),
            ],
        ),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn source_groups_and_target_groups_must_exist() {
    let cloud = quick_cloud();
    let web = create_group(&cloud, "web").await;
    let foreign = create_group_in(&cloud, "other", "theirs").await;
    assert_error(
        authorize(
            &cloud,
            ingress_by_id(&web, vec![from_group("-1", &foreign)]),
        )
        .await,
        ErrorCode::InvalidGroupNotFound,
        &format!("The security group '{foreign}' does not exist"),
    );
    assert_error(
        authorize(
            &cloud,
            SecurityGroupIngress {
                group_id: Some(web.clone()),
                source_security_group_name: Some("cache".into()),
                ..Default::default()
            },
        )
        .await,
        ErrorCode::InvalidGroupNotFound,
        "The security group 'cache' does not exist",
    );
    let mut other_account = from_group("-1", &web);
    other_account.user_id_group_pairs[0].user_id = Some("210987654321".into());
    assert_error(
        authorize(&cloud, ingress_by_id(&web, vec![other_account])).await,
        ErrorCode::InvalidGroupNotFound,
        &format!("The security group '{web}' does not exist"),
    );
    assert_error(
        authorize(
            &cloud,
            ingress_by_id(&foreign, vec![tcp(22, 22, &["0.0.0.0/0"])]),
        )
        .await,
        ErrorCode::InvalidGroupNotFound,
        &format!("The security group '{foreign}' does not exist"),
    );
    assert_error(
        revoke(
            &cloud,
            SecurityGroupIngress {
                group_name: Some("cache".into()),
                ip_protocol: Some("tcp".into()),
                from_port: Some(22),
                to_port: Some(22),
                cidr_ip: Some("0.0.0.0/0".into()),
                ..Default::default()
            },
        )
        .await,
        ErrorCode::InvalidGroupNotFound,
        &format!(
            "The security group 'cache' does not exist in default VPC '{}'",
            network().vpc_id
        ),
    );
    assert_error(
        authorize(&cloud, ingress_by_id(&web, vec![])).await,
        ErrorCode::MissingParameter,
        "The request must contain the parameter ipPermissions",
    );
}

#[tokio::test]
async fn a_group_holds_at_most_60_inbound_rules() {
    let cloud = quick_cloud();
    let web = create_group(&cloud, "web").await;
    let cidrs: Vec<String> = (0..61).map(|index| format!("10.0.{index}.0/24")).collect();
    let cidr_refs: Vec<&str> = cidrs.iter().map(String::as_str).collect();
    let limit = "The maximum number of rules per security group has been reached.";
    assert_error(
        authorize(&cloud, ingress_by_id(&web, vec![tcp(22, 22, &cidr_refs)])).await,
        ErrorCode::RulesPerSecurityGroupLimitExceeded,
        limit,
    );
    authorize(
        &cloud,
        ingress_by_id(&web, vec![tcp(22, 22, &cidr_refs[..60])]),
    )
    .await
    .unwrap();
    assert_error(
        authorize(
            &cloud,
            ingress_by_id(&web, vec![tcp(22, 22, &cidr_refs[60..])]),
        )
        .await,
        ErrorCode::RulesPerSecurityGroupLimitExceeded,
        limit,
    );
    assert_eq!(
        group(&cloud, &web).await.ip_permissions[0].ip_ranges.len(),
        60
    );
}

#[tokio::test]
async fn revoking_one_cidr_of_a_rule_keeps_the_others() {
    let cloud = quick_cloud();
    let web = create_group(&cloud, "web").await;
    authorize(
        &cloud,
        ingress_by_id(
            &web,
            vec![
                tcp(22, 22, &["10.0.0.0/8", "192.168.0.0/16"]),
                tcp(80, 80, &["0.0.0.0/0"]),
            ],
        ),
    )
    .await
    .unwrap();
    let revoked = revoke(
        &cloud,
        SecurityGroupIngress {
            group_id: Some(web.clone()),
            ip_protocol: Some("6".into()),
            from_port: Some(22),
            to_port: Some(22),
            cidr_ip: Some("10.0.0.0/8".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(revoked, RevokeSecurityGroupIngressOutput::default());
    assert_eq!(
        group(&cloud, &web).await.ip_permissions,
        vec![
            tcp(22, 22, &["192.168.0.0/16"]),
            tcp(80, 80, &["0.0.0.0/0"])
        ]
    );
    revoke(
        &cloud,
        ingress_by_id(&web, vec![tcp(80, 80, &["0.0.0.0/0"])]),
    )
    .await
    .unwrap();
    assert_eq!(
        group(&cloud, &web).await.ip_permissions,
        vec![tcp(22, 22, &["192.168.0.0/16"])]
    );
}

#[tokio::test]
async fn revoking_a_rule_the_group_lacks_is_not_found_and_revokes_nothing() {
    let cloud = quick_cloud();
    let web = create_group(&cloud, "web").await;
    authorize(
        &cloud,
        ingress_by_id(&web, vec![tcp(22, 22, &["10.0.0.0/8"])]),
    )
    .await
    .unwrap();
    assert_error(
        revoke(
            &cloud,
            ingress_by_id(
                &web,
                vec![tcp(22, 22, &["10.0.0.0/8"]), tcp(22, 23, &["10.0.0.0/8"])],
            ),
        )
        .await,
        ErrorCode::InvalidPermissionNotFound,
        "The specified rule does not exist in this security group.",
    );
    assert_eq!(
        group(&cloud, &web).await.ip_permissions,
        vec![tcp(22, 22, &["10.0.0.0/8"])]
    );
}

#[tokio::test]
async fn the_default_group_keeps_its_rules_once_changed() {
    let cloud = quick_cloud();
    let network = network();
    let default_id = network.security_group_id.clone();
    authorize(
        &cloud,
        ingress_by_id(&default_id, vec![tcp(22, 22, &["0.0.0.0/0"])]),
    )
    .await
    .unwrap();
    revoke(
        &cloud,
        ingress_by_id(&default_id, vec![from_group("-1", &default_id)]),
    )
    .await
    .unwrap();
    let default = group(&cloud, &default_id).await;
    assert_eq!(default.ip_permissions, vec![tcp(22, 22, &["0.0.0.0/0"])]);
    assert_eq!(
        default.ip_permissions_egress,
        vec![all_traffic_to_everywhere()]
    );
    assert_eq!(group_names(&cloud, vec![]).await, vec!["default"]);
}

#[tokio::test]
async fn another_projects_group_answers_like_a_missing_one() {
    let cloud = quick_cloud();
    let theirs = create_group_in(&cloud, "other", "theirs").await;
    let missing = format!("The security group '{theirs}' does not exist");
    assert_error(
        cloud
            .describe_security_groups(call(DescribeSecurityGroupsInput {
                group_ids: vec![theirs.clone()],
                ..Default::default()
            }))
            .await,
        ErrorCode::InvalidGroupNotFound,
        &missing,
    );
    assert_error(
        delete_group(&cloud, &theirs).await,
        ErrorCode::InvalidGroupNotFound,
        &missing,
    );
    assert_error(
        cloud
            .create_tags(call(CreateTagsInput {
                resource_ids: vec![theirs.clone()],
                tags: vec![tag("a", "b")],
            }))
            .await,
        ErrorCode::InvalidGroupNotFound,
        &missing,
    );
    assert_eq!(group_names(&cloud, vec![]).await, vec!["default"]);
}

#[tokio::test]
async fn groups_are_tagged_described_and_untagged() {
    let cloud = quick_cloud();
    let web = create_group(&cloud, "web").await;
    let default_id = network().security_group_id;
    cloud
        .create_tags(call(CreateTagsInput {
            resource_ids: vec![web.clone(), default_id.clone()],
            tags: vec![tag("Name", "front")],
        }))
        .await
        .unwrap();
    let described = cloud
        .describe_tags(call(DescribeTagsInput {
            filters: vec![filter("resource-type", &["security-group"])],
            ..Default::default()
        }))
        .await
        .unwrap();
    let mut expected = vec![
        TagDescription {
            resource_id: web.clone(),
            resource_type: "security-group".into(),
            key: "Name".into(),
            value: "front".into(),
        },
        TagDescription {
            resource_id: default_id.clone(),
            resource_type: "security-group".into(),
            key: "Name".into(),
            value: "front".into(),
        },
    ];
    expected.sort_by(|a, b| a.resource_id.cmp(&b.resource_id));
    assert_eq!(described.tags, expected);
    assert_eq!(
        group(&cloud, &default_id).await.tags,
        vec![tag("Name", "front")]
    );

    cloud
        .delete_tags(call(DeleteTagsInput {
            resource_ids: vec![web.clone()],
            tags: vec![],
        }))
        .await
        .unwrap();
    assert_eq!(group(&cloud, &web).await.tags, vec![]);
}

// Elastic IP addresses.

async fn allocate_in(
    cloud: &FakeCloud,
    context: Context,
) -> Result<AllocateAddressOutput, Ec2Error> {
    cloud
        .allocate_address(Ec2Call::new(context, AllocateAddressInput::default()))
        .await
}

async fn allocate(cloud: &FakeCloud) -> AllocateAddressOutput {
    allocate_in(cloud, context("default")).await.unwrap()
}

async fn associate(
    cloud: &FakeCloud,
    edit: impl FnOnce(&mut AssociateAddressInput),
) -> Result<AssociateAddressOutput, Ec2Error> {
    let mut input = AssociateAddressInput::default();
    edit(&mut input);
    cloud.associate_address(call(input)).await
}

async fn associate_allocation(
    cloud: &FakeCloud,
    allocation_id: &str,
    instance_id: &str,
) -> Result<String, Ec2Error> {
    associate(cloud, |input| {
        input.allocation_id = Some(allocation_id.into());
        input.instance_id = Some(instance_id.into());
    })
    .await
    .map(|output| output.association_id.unwrap())
}

async fn addresses(cloud: &FakeCloud, input: DescribeAddressesInput) -> Vec<Address> {
    cloud
        .describe_addresses(call(input))
        .await
        .unwrap()
        .addresses
}

async fn address(cloud: &FakeCloud, allocation_id: &str) -> Address {
    let mut found = addresses(
        cloud,
        DescribeAddressesInput {
            allocation_ids: vec![allocation_id.into()],
            ..Default::default()
        },
    )
    .await;
    assert_eq!(found.len(), 1);
    found.remove(0)
}

fn unassociated(allocated: &AllocateAddressOutput) -> Address {
    Address {
        public_ip: allocated.public_ip.clone(),
        allocation_id: allocated.allocation_id.clone(),
        domain: AddressDomain::Vpc,
        public_ipv4_pool: Some("amazon".into()),
        network_border_group: Some("us-east-1".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn allocated_addresses_are_vpc_addresses_of_amazons_pool() {
    let cloud = quick_cloud();
    let allocated = allocate(&cloud).await;
    let allocation_id = allocated.allocation_id.clone().unwrap();
    assert_eq!(allocation_id.len(), "eipalloc-".len() + 17);
    assert!(ids::is_well_formed(&allocation_id, "eipalloc-"));
    assert!(allocated.public_ip.parse::<std::net::Ipv4Addr>().is_ok());
    assert_eq!(allocated.domain, AddressDomain::Vpc);
    assert_eq!(allocated.public_ipv4_pool.as_deref(), Some("amazon"));
    assert_eq!(allocated.network_border_group.as_deref(), Some("us-east-1"));
    assert_eq!(
        addresses(&cloud, DescribeAddressesInput::default()).await,
        vec![unassociated(&allocated)]
    );

    let in_ireland = allocate_in(&cloud, context_in("default", "eu-west-1"))
        .await
        .unwrap();
    assert_eq!(
        in_ireland.network_border_group.as_deref(),
        Some("eu-west-1")
    );
}

#[tokio::test]
async fn a_project_holds_at_most_five_addresses_per_region() {
    let cloud = quick_cloud();
    let mut public_ips = Vec::new();
    for _ in 0..5 {
        public_ips.push(allocate(&cloud).await.public_ip);
    }
    public_ips.sort();
    public_ips.dedup();
    assert_eq!(public_ips.len(), 5);
    assert_error(
        allocate_in(&cloud, context("default")).await,
        ErrorCode::AddressLimitExceeded,
        "The maximum number of addresses has been reached.",
    );
    allocate_in(&cloud, context_in("default", "us-west-2"))
        .await
        .unwrap();
    allocate_in(&cloud, context("other")).await.unwrap();
}

#[tokio::test]
async fn an_associated_address_is_the_instances_public_address() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let before = describe_instance(&cloud, &instance_id).await;
    let allocated = allocate(&cloud).await;
    let allocation_id = allocated.allocation_id.clone().unwrap();
    let association_id = associate_allocation(&cloud, &allocation_id, &instance_id)
        .await
        .unwrap();
    assert_eq!(association_id.len(), "eipassoc-".len() + 17);
    assert!(ids::is_well_formed(&association_id, "eipassoc-"));

    let instance = describe_instance(&cloud, &instance_id).await;
    assert_eq!(
        instance.ip_address.as_deref(),
        Some(allocated.public_ip.as_str())
    );
    assert_eq!(
        instance.dns_name.as_str(),
        format!(
            "ec2-{}.compute-1.amazonaws.com",
            allocated.public_ip.replace('.', "-")
        )
    );
    let interface = &instance.network_interfaces[0];
    let association = interface.association.as_ref().unwrap();
    assert_eq!(association.public_ip.as_str(), allocated.public_ip);
    assert_eq!(association.ip_owner_id.as_str(), DEFAULT_ACCOUNT_ID);
    assert_eq!(
        address(&cloud, &allocation_id).await,
        Address {
            instance_id: Some(instance_id.clone()),
            association_id: Some(association_id),
            network_interface_id: Some(
                before.network_interfaces[0]
                    .network_interface_id
                    .to_string()
            ),
            network_interface_owner_id: Some(DEFAULT_ACCOUNT_ID.into()),
            private_ip_address: before.private_ip_address.as_ref().map(|ip| ip.to_string()),
            ..unassociated(&allocated)
        }
    );
    let by_ip = cloud
        .describe_instances(call(DescribeInstancesInput {
            filters: vec![filter("ip-address", &[&allocated.public_ip])],
            ..Default::default()
        }))
        .await
        .unwrap();
    assert_eq!(by_ip.reservations.len(), 1);
}

#[tokio::test]
async fn addresses_are_associated_by_public_ip_or_network_interface() {
    let cloud = quick_cloud();
    let first = launch(&cloud).await;
    let second = launch(&cloud).await;
    let one = allocate(&cloud).await;
    let two = allocate(&cloud).await;
    associate(&cloud, |input| {
        input.public_ip = Some(one.public_ip.clone());
        input.instance_id = Some(first.clone());
    })
    .await
    .unwrap();
    let interface = describe_instance(&cloud, &second).await.network_interfaces[0]
        .network_interface_id
        .to_string();
    associate(&cloud, |input| {
        input.allocation_id = two.allocation_id.clone();
        input.network_interface_id = Some(interface.clone());
    })
    .await
    .unwrap();
    assert_eq!(
        address(&cloud, one.allocation_id.as_deref().unwrap())
            .await
            .instance_id,
        Some(first.clone())
    );
    assert_eq!(
        address(&cloud, two.allocation_id.as_deref().unwrap())
            .await
            .instance_id,
        Some(second.clone())
    );
    assert_error(
        associate(&cloud, |input| {
            input.allocation_id = two.allocation_id.clone();
            input.network_interface_id = Some("eni-0123456789abcdef0".into());
        })
        .await,
        ErrorCode::InvalidNetworkInterfaceIdNotFound,
        "The networkInterface ID 'eni-0123456789abcdef0' does not exist",
    );
}

#[tokio::test]
async fn only_running_instances_take_an_address() {
    let (cloud, clock) = slow_cloud();
    let instance_id = launch(&cloud).await;
    let allocation_id = allocate(&cloud).await.allocation_id.unwrap();
    let message =
        format!("The instance '{instance_id}' is not in a valid state for this operation.");
    assert_error(
        associate_allocation(&cloud, &allocation_id, &instance_id).await,
        ErrorCode::IncorrectInstanceState,
        &message,
    );
    clock.advance(Duration::seconds(5));
    stop(&cloud, &instance_id).await;
    clock.advance(Duration::seconds(5));
    assert_error(
        associate_allocation(&cloud, &allocation_id, &instance_id).await,
        ErrorCode::IncorrectInstanceState,
        &message,
    );
    assert_error(
        associate_allocation(&cloud, &allocation_id, "i-0123456789abcdef0").await,
        ErrorCode::InvalidInstanceIdNotFound,
        "The instance ID 'i-0123456789abcdef0' does not exist",
    );
}

#[tokio::test]
async fn an_address_associated_elsewhere_moves_only_with_allow_reassociation() {
    let cloud = quick_cloud();
    let first = launch(&cloud).await;
    let second = launch(&cloud).await;
    let first_public_ip = describe_instance(&cloud, &first).await.ip_address.unwrap();
    let allocated = allocate(&cloud).await;
    let allocation_id = allocated.allocation_id.clone().unwrap();
    let association_id = associate_allocation(&cloud, &allocation_id, &first)
        .await
        .unwrap();
    assert_error(
        associate_allocation(&cloud, &allocation_id, &second).await,
        ErrorCode::ResourceAlreadyAssociated,
        &format!(
            "resource {allocation_id} is already associated with associationId {association_id}"
        ),
    );
    // Associating again with the same instance is no move.
    associate_allocation(&cloud, &allocation_id, &first)
        .await
        .unwrap();

    associate(&cloud, |input| {
        input.allocation_id = Some(allocation_id.clone());
        input.instance_id = Some(second.clone());
        input.allow_reassociation = true;
    })
    .await
    .unwrap();
    assert_eq!(
        describe_instance(&cloud, &second)
            .await
            .ip_address
            .as_deref(),
        Some(allocated.public_ip.as_str())
    );
    let first_now = describe_instance(&cloud, &first).await.ip_address.unwrap();
    assert_ne!(first_now.as_str(), allocated.public_ip);
    assert_ne!(first_now, first_public_ip);
    assert!(first_now.starts_with("3."));
    assert_eq!(
        address(&cloud, &allocation_id).await.instance_id,
        Some(second)
    );
}

#[tokio::test]
async fn a_second_address_replaces_the_instances_first() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let one = allocate(&cloud).await;
    let two = allocate(&cloud).await;
    let one_id = one.allocation_id.clone().unwrap();
    let two_id = two.allocation_id.clone().unwrap();
    associate_allocation(&cloud, &one_id, &instance_id)
        .await
        .unwrap();
    associate_allocation(&cloud, &two_id, &instance_id)
        .await
        .unwrap();
    assert_eq!(address(&cloud, &one_id).await, unassociated(&one));
    assert_eq!(
        describe_instance(&cloud, &instance_id)
            .await
            .ip_address
            .as_deref(),
        Some(two.public_ip.as_str())
    );
}

#[tokio::test]
async fn disassociating_gives_the_instance_an_address_of_amazons_pool_again() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let allocated = allocate(&cloud).await;
    let allocation_id = allocated.allocation_id.clone().unwrap();
    let association_id = associate_allocation(&cloud, &allocation_id, &instance_id)
        .await
        .unwrap();
    cloud
        .disassociate_address(call(DisassociateAddressInput {
            association_id: Some(association_id.clone()),
            public_ip: None,
        }))
        .await
        .unwrap();
    let public_ip = describe_instance(&cloud, &instance_id)
        .await
        .ip_address
        .unwrap();
    assert!(public_ip.starts_with("3."), "{public_ip}");
    assert_eq!(
        address(&cloud, &allocation_id).await,
        unassociated(&allocated)
    );
    assert_error(
        cloud
            .disassociate_address(call(DisassociateAddressInput {
                association_id: Some(association_id.clone()),
                public_ip: None,
            }))
            .await,
        ErrorCode::InvalidAssociationIdNotFound,
        &format!("The association ID '{association_id}' does not exist"),
    );

    associate_allocation(&cloud, &allocation_id, &instance_id)
        .await
        .unwrap();
    cloud
        .disassociate_address(call(DisassociateAddressInput {
            association_id: None,
            public_ip: Some(allocated.public_ip.clone()),
        }))
        .await
        .unwrap();
    assert_eq!(
        address(&cloud, &allocation_id).await,
        unassociated(&allocated)
    );
}

#[tokio::test]
async fn disassociating_an_unknown_address_is_not_found_and_an_unassociated_one_is_a_no_op() {
    let cloud = quick_cloud();
    let allocated = allocate(&cloud).await;
    assert_error(
        cloud
            .disassociate_address(call(DisassociateAddressInput {
                association_id: None,
                public_ip: Some("198.51.100.7".into()),
            }))
            .await,
        ErrorCode::InvalidAddressNotFound,
        "Address '198.51.100.7' not found.",
    );
    cloud
        .disassociate_address(call(DisassociateAddressInput {
            association_id: None,
            public_ip: Some(allocated.public_ip.clone()),
        }))
        .await
        .unwrap();
    assert_error(
        cloud
            .disassociate_address(call(DisassociateAddressInput {
                association_id: Some("eipassoc-0123456789abcdef0".into()),
                public_ip: None,
            }))
            .await,
        ErrorCode::InvalidAssociationIdNotFound,
        "The association ID 'eipassoc-0123456789abcdef0' does not exist",
    );
}

#[tokio::test]
async fn an_elastic_address_stays_through_stop_and_start() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let allocated = allocate(&cloud).await;
    associate_allocation(
        &cloud,
        allocated.allocation_id.as_deref().unwrap(),
        &instance_id,
    )
    .await
    .unwrap();
    stop(&cloud, &instance_id).await;
    let stopped = describe_instance(&cloud, &instance_id).await;
    assert_eq!(stopped.state, InstanceStateName::Stopped);
    assert_eq!(
        stopped.ip_address.as_deref(),
        Some(allocated.public_ip.as_str())
    );
    start(&cloud, &instance_id).await;
    assert_eq!(
        describe_instance(&cloud, &instance_id)
            .await
            .ip_address
            .as_deref(),
        Some(allocated.public_ip.as_str())
    );
}

#[tokio::test]
async fn terminating_the_instance_ends_the_association() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let allocated = allocate(&cloud).await;
    let allocation_id = allocated.allocation_id.clone().unwrap();
    associate_allocation(&cloud, &allocation_id, &instance_id)
        .await
        .unwrap();
    terminate(&cloud, &instance_id).await;
    assert_eq!(
        address(&cloud, &allocation_id).await,
        unassociated(&allocated)
    );
    cloud
        .release_address(call(ReleaseAddressInput {
            allocation_id: Some(allocation_id),
            ..Default::default()
        }))
        .await
        .unwrap();
}

#[tokio::test]
async fn releasing_needs_an_unassociated_address_of_the_project() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let allocated = allocate(&cloud).await;
    let allocation_id = allocated.allocation_id.clone().unwrap();
    associate_allocation(&cloud, &allocation_id, &instance_id)
        .await
        .unwrap();
    let release = |allocation_id: Option<&str>, public_ip: Option<&str>| {
        cloud.release_address(call(ReleaseAddressInput {
            allocation_id: allocation_id.map(str::to_owned),
            public_ip: public_ip.map(str::to_owned),
            network_border_group: None,
        }))
    };
    assert_error(
        release(Some(&allocation_id), None).await,
        ErrorCode::InvalidIpAddressInUse,
        &format!("Address '{}' is in use.", allocated.public_ip),
    );
    assert_error(
        release(Some("eipalloc-0123456789abcdef0"), None).await,
        ErrorCode::InvalidAllocationIdNotFound,
        "The allocation ID 'eipalloc-0123456789abcdef0' does not exist",
    );
    assert_error(
        release(None, Some("198.51.100.7")).await,
        ErrorCode::InvalidAddressNotFound,
        "Address '198.51.100.7' not found.",
    );
    assert_error(
        release(Some(&allocation_id), Some(&allocated.public_ip)).await,
        ErrorCode::InvalidParameterCombination,
        "You may specify public IP or allocation id, but not both in the same call",
    );
    cloud
        .disassociate_address(call(DisassociateAddressInput {
            association_id: None,
            public_ip: Some(allocated.public_ip.clone()),
        }))
        .await
        .unwrap();
    release(None, Some(&allocated.public_ip)).await.unwrap();
    assert_eq!(
        addresses(&cloud, DescribeAddressesInput::default()).await,
        vec![]
    );
    assert_error(
        release(Some(&allocation_id), None).await,
        ErrorCode::InvalidAllocationIdNotFound,
        &format!("The allocation ID '{allocation_id}' does not exist"),
    );
}

#[tokio::test]
async fn describe_addresses_selects_by_ip_and_allocation_id_and_filters() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let one = allocate(&cloud).await;
    let two = allocate(&cloud).await;
    let three = allocate(&cloud).await;
    let one_id = one.allocation_id.clone().unwrap();
    let association_id = associate_allocation(&cloud, &one_id, &instance_id)
        .await
        .unwrap();
    cloud
        .create_tags(call(CreateTagsInput {
            resource_ids: vec![two.allocation_id.clone().unwrap()],
            tags: vec![tag("Name", "spare")],
        }))
        .await
        .unwrap();
    let described = addresses(&cloud, DescribeAddressesInput::default()).await;
    let interface = described[0].network_interface_id.clone().unwrap();
    let private_ip = described[0].private_ip_address.clone().unwrap();

    let selected = addresses(
        &cloud,
        DescribeAddressesInput {
            public_ips: vec![three.public_ip.clone()],
            allocation_ids: vec![one_id.clone()],
            ..Default::default()
        },
    )
    .await;
    let selected_ips: Vec<&str> = selected.iter().map(|a| a.public_ip.as_str()).collect();
    assert_eq!(
        selected_ips,
        vec![one.public_ip.as_str(), three.public_ip.as_str()]
    );

    let cases: Vec<(Filter, Vec<&str>)> = vec![
        (
            filter("allocation-id", &[&one_id]),
            vec![one.public_ip.as_str()],
        ),
        (
            filter("association-id", &[&association_id]),
            vec![one.public_ip.as_str()],
        ),
        (
            filter("domain", &["vpc"]),
            vec![
                one.public_ip.as_str(),
                two.public_ip.as_str(),
                three.public_ip.as_str(),
            ],
        ),
        (
            filter("instance-id", &[&instance_id]),
            vec![one.public_ip.as_str()],
        ),
        (
            filter("public-ip", &[&two.public_ip]),
            vec![two.public_ip.as_str()],
        ),
        (
            filter("network-interface-id", &[&interface]),
            vec![one.public_ip.as_str()],
        ),
        (
            filter("network-interface-owner-id", &[DEFAULT_ACCOUNT_ID]),
            vec![one.public_ip.as_str()],
        ),
        (
            filter("private-ip-address", &[&private_ip]),
            vec![one.public_ip.as_str()],
        ),
        (filter("tag:Name", &["spare"]), vec![two.public_ip.as_str()]),
        (filter("tag-key", &["Name"]), vec![two.public_ip.as_str()]),
    ];
    for (filter, expected) in cases {
        let name = filter.name.clone();
        let found = addresses(
            &cloud,
            DescribeAddressesInput {
                filters: vec![filter],
                ..Default::default()
            },
        )
        .await;
        let found: Vec<&str> = found.iter().map(|a| a.public_ip.as_str()).collect();
        assert_eq!(found, expected, "{name}");
    }

    assert_error(
        cloud
            .describe_addresses(call(DescribeAddressesInput {
                public_ips: vec!["198.51.100.7".into()],
                ..Default::default()
            }))
            .await,
        ErrorCode::InvalidAddressNotFound,
        "Address '198.51.100.7' not found.",
    );
    assert_error(
        cloud
            .describe_addresses(call(DescribeAddressesInput {
                allocation_ids: vec![one_id.clone(), "eipalloc-0123456789abcdef0".into()],
                ..Default::default()
            }))
            .await,
        ErrorCode::InvalidAllocationIdNotFound,
        "The allocation ID 'eipalloc-0123456789abcdef0' does not exist",
    );
    assert_error(
        cloud
            .describe_addresses(call(DescribeAddressesInput {
                filters: vec![filter("colour", &["red"])],
                ..Default::default()
            }))
            .await,
        ErrorCode::InvalidParameterValue,
        "The filter 'colour' is invalid",
    );
}

#[tokio::test]
async fn another_projects_address_answers_like_a_missing_one() {
    let cloud = quick_cloud();
    let theirs = allocate_in(&cloud, context("other")).await.unwrap();
    let allocation_id = theirs.allocation_id.clone().unwrap();
    let instance_id = launch(&cloud).await;
    let missing = format!("The allocation ID '{allocation_id}' does not exist");
    assert_error(
        associate_allocation(&cloud, &allocation_id, &instance_id).await,
        ErrorCode::InvalidAllocationIdNotFound,
        &missing,
    );
    assert_error(
        cloud
            .release_address(call(ReleaseAddressInput {
                allocation_id: Some(allocation_id.clone()),
                ..Default::default()
            }))
            .await,
        ErrorCode::InvalidAllocationIdNotFound,
        &missing,
    );
    assert_error(
        cloud
            .describe_addresses(call(DescribeAddressesInput {
                public_ips: vec![theirs.public_ip.clone()],
                ..Default::default()
            }))
            .await,
        ErrorCode::InvalidAddressNotFound,
        &format!("Address '{}' not found.", theirs.public_ip),
    );
    assert_error(
        cloud
            .create_tags(call(CreateTagsInput {
                resource_ids: vec![allocation_id.clone()],
                tags: vec![tag("a", "b")],
            }))
            .await,
        ErrorCode::InvalidAllocationIdNotFound,
        &missing,
    );
    // Nor can another project's instance take one's address.
    let mine = allocate(&cloud).await.allocation_id.unwrap();
    let their_instance = launch_with(&cloud, "other", |_| {}).await.unwrap();
    assert_error(
        associate_allocation(&cloud, &mine, &their_instance.instance_id).await,
        ErrorCode::InvalidInstanceIdNotFound,
        &format!(
            "The instance ID '{}' does not exist",
            their_instance.instance_id
        ),
    );
    assert_eq!(
        addresses(&cloud, DescribeAddressesInput::default())
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn addresses_take_tags_from_allocation_and_the_tag_calls() {
    let cloud = quick_cloud();
    let allocated = cloud
        .allocate_address(call(AllocateAddressInput {
            tag_specifications: vec![TagSpecification {
                resource_type: "elastic-ip".into(),
                tags: vec![tag("Name", "web")],
            }],
            ..Default::default()
        }))
        .await
        .unwrap();
    let allocation_id = allocated.allocation_id.clone().unwrap();
    assert_eq!(
        address(&cloud, &allocation_id).await.tags,
        vec![tag("Name", "web")]
    );
    let described = cloud
        .describe_tags(call(DescribeTagsInput {
            filters: vec![filter("resource-id", &[&allocation_id])],
            ..Default::default()
        }))
        .await
        .unwrap();
    assert_eq!(
        described.tags,
        vec![TagDescription {
            resource_id: allocation_id.clone(),
            resource_type: "elastic-ip".into(),
            key: "Name".into(),
            value: "web".into(),
        }]
    );
    cloud
        .delete_tags(call(DeleteTagsInput {
            resource_ids: vec![allocation_id.clone()],
            tags: vec![],
        }))
        .await
        .unwrap();
    assert_eq!(address(&cloud, &allocation_id).await.tags, vec![]);
    assert_error(
        cloud
            .allocate_address(call(AllocateAddressInput {
                tag_specifications: vec![TagSpecification {
                    resource_type: "instance".into(),
                    tags: vec![],
                }],
                ..Default::default()
            }))
            .await,
        ErrorCode::InvalidParameterValue,
        "'instance' is not a valid taggable resource type for this operation.",
    );
}

#[tokio::test]
async fn groups_and_addresses_survive_save_and_restore_and_go_with_reset() {
    let cloud = quick_cloud();
    let web = create_group(&cloud, "web").await;
    let allocated = allocate(&cloud).await;
    let saved = serde_json::to_string(&cloud.save()).unwrap();
    cloud.reset();
    assert_eq!(group_names(&cloud, vec![]).await, vec!["default"]);
    assert_eq!(
        addresses(&cloud, DescribeAddressesInput::default()).await,
        vec![]
    );
    cloud.restore(serde_json::from_str(&saved).unwrap());
    assert_eq!(group(&cloud, &web).await.group_name, "web");
    assert_eq!(
        addresses(&cloud, DescribeAddressesInput::default()).await,
        vec![unassociated(&allocated)]
    );
}

// Through the whole EC2 chain.

/// The text of the first `<{element}>` of `body`.
fn element<'a>(body: &'a str, element: &str) -> &'a str {
    let open = format!("<{element}>");
    let start = body
        .find(&open)
        .unwrap_or_else(|| panic!("no <{element}> in {body}"))
        + open.len();
    let end = body[start..].find(&format!("</{element}>")).unwrap() + start;
    &body[start..end]
}

#[tokio::test]
async fn the_chain_serves_groups_and_addresses_as_ec2_xml() {
    let cloud = crate::testing::TestCloud::new();
    let client = cloud.client();

    let created = client
        .call(
            "CreateSecurityGroup",
            &[("GroupName", "web"), ("GroupDescription", "Web servers")],
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let group_id = element(&created.body, "groupId").to_owned();
    let rule = [
        ("GroupId", group_id.as_str()),
        ("IpPermissions.1.IpProtocol", "tcp"),
        ("IpPermissions.1.FromPort", "22"),
        ("IpPermissions.1.ToPort", "22"),
        ("IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"),
    ];
    let authorized = client.call("AuthorizeSecurityGroupIngress", &rule).await;
    assert_eq!(authorized.status, 200, "{}", authorized.body);
    assert!(authorized.body.contains("<return>true</return>"));
    let again = client.call("AuthorizeSecurityGroupIngress", &rule).await;
    assert_eq!(
        (again.status, again.error_code()),
        (400, Some("InvalidPermission.Duplicate"))
    );
    let described = client
        .call(
            "DescribeSecurityGroups",
            &[("GroupId.1", group_id.as_str())],
        )
        .await;
    assert_eq!(described.status, 200, "{}", described.body);
    assert_eq!(element(&described.body, "groupName"), "web");
    assert!(described.body.contains(
        "<ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort>\
         <toPort>22</toPort>"
    ));
    assert!(
        described
            .body
            .contains("<ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges>")
    );

    let image_id = image_id(cloud.fake()).await;
    let launched = client
        .call(
            "RunInstances",
            &[
                ("ImageId", image_id.as_str()),
                ("MinCount", "1"),
                ("MaxCount", "1"),
                ("InstanceType", "t2.micro"),
                ("SecurityGroupId.1", group_id.as_str()),
            ],
        )
        .await;
    assert_eq!(launched.status, 200, "{}", launched.body);
    let instance_id = element(&launched.body, "instanceId").to_owned();
    assert!(launched.body.contains(&format!(
        "<groupSet><item><groupId>{group_id}</groupId><groupName>web</groupName>"
    )));

    let allocated = client.call("AllocateAddress", &[("Domain", "vpc")]).await;
    assert_eq!(allocated.status, 200, "{}", allocated.body);
    let public_ip = element(&allocated.body, "publicIp").to_owned();
    let allocation_id = element(&allocated.body, "allocationId").to_owned();
    assert_eq!(element(&allocated.body, "domain"), "vpc");
    let associated = client
        .call(
            "AssociateAddress",
            &[
                ("AllocationId", allocation_id.as_str()),
                ("InstanceId", instance_id.as_str()),
            ],
        )
        .await;
    assert_eq!(associated.status, 200, "{}", associated.body);
    assert!(element(&associated.body, "associationId").starts_with("eipassoc-"));
    let instances = client
        .call(
            "DescribeInstances",
            &[("InstanceId.1", instance_id.as_str())],
        )
        .await;
    assert_eq!(element(&instances.body, "ipAddress"), public_ip);

    let in_use = client
        .call(
            "ReleaseAddress",
            &[("AllocationId", allocation_id.as_str())],
        )
        .await;
    assert_eq!(
        (in_use.status, in_use.error_code()),
        (400, Some("InvalidIPAddress.InUse"))
    );
    let addresses = client
        .call("DescribeAddresses", &[("PublicIp.1", public_ip.as_str())])
        .await;
    assert_eq!(element(&addresses.body, "instanceId"), instance_id);
    let in_use_group = client
        .call("DeleteSecurityGroup", &[("GroupId", group_id.as_str())])
        .await;
    assert_eq!(
        (in_use_group.status, in_use_group.error_code()),
        (400, Some("DependencyViolation"))
    );
}

#[tokio::test]
async fn allocation_honours_a_requested_address_and_refuses_other_pools_and_border_groups() {
    let cloud = quick_cloud();
    let requested = cloud
        .allocate_address(call(AllocateAddressInput {
            address: Some("203.0.113.9".into()),
            public_ipv4_pool: Some("amazon".into()),
            network_border_group: Some("us-east-1".into()),
            ..Default::default()
        }))
        .await
        .unwrap();
    assert_eq!(requested.public_ip, "203.0.113.9");
    let allocate_with = |edit: fn(&mut AllocateAddressInput)| {
        let mut input = AllocateAddressInput::default();
        edit(&mut input);
        cloud.allocate_address(call(input))
    };
    assert_error(
        allocate_with(|input| input.address = Some("203.0.113.9".into())).await,
        ErrorCode::InvalidParameterValue,
        "The address 203.0.113.9 is already allocated.",
    );
    assert_error(
        allocate_with(|input| input.network_border_group = Some("us-west-2".into())).await,
        ErrorCode::InvalidParameterValue,
        "Value (us-west-2) for parameter NetworkBorderGroup is invalid. \
         Expecting the region's name.",
    );
    assert_error(
        allocate_with(|input| input.public_ipv4_pool = Some("ipv4pool-ec2-1234".into())).await,
        ErrorCode::InvalidParameterValue,
        "Value (ipv4pool-ec2-1234) for parameter PublicIpv4Pool is invalid. \
         Expecting 'amazon'.",
    );
}

#[tokio::test]
async fn association_checks_the_interface_and_private_address_named() {
    let cloud = quick_cloud();
    let instance_id = launch(&cloud).await;
    let other_id = launch(&cloud).await;
    let other_interface = describe_instance(&cloud, &other_id)
        .await
        .network_interfaces[0]
        .network_interface_id
        .to_string();
    let private_ip = describe_instance(&cloud, &instance_id)
        .await
        .private_ip_address
        .unwrap()
        .to_string();
    let interface = describe_instance(&cloud, &instance_id)
        .await
        .network_interfaces[0]
        .network_interface_id
        .to_string();
    let allocation_id = allocate(&cloud).await.allocation_id.unwrap();
    assert_error(
        associate(&cloud, |input| {
            input.allocation_id = Some(allocation_id.clone());
            input.instance_id = Some(instance_id.clone());
            input.network_interface_id = Some(other_interface.clone());
        })
        .await,
        ErrorCode::InvalidParameterCombination,
        &format!(
            "The network interface '{other_interface}' is not attached to instance \
             '{instance_id}'."
        ),
    );
    assert_error(
        associate(&cloud, |input| {
            input.allocation_id = Some(allocation_id.clone());
            input.instance_id = Some(instance_id.clone());
            input.private_ip_address = Some("172.31.99.99".into());
        })
        .await,
        ErrorCode::InvalidParameterValue,
        &format!(
            "The private IP address 172.31.99.99 is not assigned to the network interface \
             {interface}."
        ),
    );
    associate(&cloud, |input| {
        input.allocation_id = Some(allocation_id.clone());
        input.instance_id = Some(instance_id.clone());
        input.network_interface_id = Some(interface.clone());
        input.private_ip_address = Some(private_ip.clone());
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_rule_naming_no_peer_allows_everywhere_as_nova_read_it() {
    let cloud = quick_cloud();
    let web = create_group(&cloud, "web").await;
    authorize(
        &cloud,
        SecurityGroupIngress {
            group_id: Some(web.clone()),
            ip_protocol: Some("tcp".into()),
            from_port: Some(80),
            to_port: Some(80),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        group(&cloud, &web).await.ip_permissions,
        vec![tcp(80, 80, &["0.0.0.0/0"])]
    );
}

#[tokio::test]
async fn revoking_by_rule_id_is_not_supported() {
    let cloud = quick_cloud();
    let web = create_group(&cloud, "web").await;
    assert_error(
        cloud
            .revoke_security_group_ingress(call(RevokeSecurityGroupIngressInput {
                ingress: ingress_by_id(&web, vec![]),
                security_group_rule_ids: vec!["sgr-0123456789abcdef0".into()],
            }))
            .await,
        ErrorCode::UnsupportedOperation,
        "Revoking rules by SecurityGroupRuleId is not supported by this cloud.",
    );
}
