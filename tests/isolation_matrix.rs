//! Project isolation through the signed EC2 chain: for every action that takes a resource
//! id, another project's id answers exactly as an id that exists nowhere, and the owner's
//! resource is left as it was. Public catalog images are the exception: every project
//! sees and launches them; a project's own images are private until it shares them.
#![cfg(feature = "fake")]

use std::sync::Arc;

use cumulo::core::SystemClock;
use cumulo::fake::{DEFAULT_ACCOUNT_ID, FakeCloud};
use cumulo::testing::{Ec2Answer, Ec2Client, OTHER_ACCESS_KEY, OTHER_SECRET, TestCloud};
use time::Duration;

const ZONE: &str = "us-east-1a";

/// What the id of a case names, and so which of the owner's resources it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Instance,
    KeyName,
    KeyPairId,
    Volume,
    AttachedVolume,
    Snapshot,
    GroupId,
    GroupName,
    AllocationId,
    PublicIp,
    AssociationId,
    Subnet,
    Vpc,
    Image,
}

impl Kind {
    /// The owner's resource of this kind.
    fn owned(self, owner: &Owned) -> String {
        match self {
            Kind::Instance => owner.instance_id.clone(),
            Kind::KeyName => owner.key_name.clone(),
            Kind::KeyPairId => owner.key_pair_id.clone(),
            Kind::Volume => owner.volume_id.clone(),
            Kind::AttachedVolume => owner.attached_volume_id.clone(),
            Kind::Snapshot => owner.snapshot_id.clone(),
            Kind::GroupId => owner.group_id.clone(),
            Kind::GroupName => owner.group_name.clone(),
            Kind::AllocationId => owner.allocation_id.clone(),
            Kind::PublicIp => owner.public_ip.clone(),
            Kind::AssociationId => owner.association_id.clone(),
            Kind::Subnet => owner.subnet_id.clone(),
            Kind::Vpc => owner.vpc_id.clone(),
            Kind::Image => owner.image_id.clone(),
        }
    }

    /// A well-formed id of this kind that exists in no project.
    fn missing(self) -> String {
        match self {
            Kind::Instance => random_id("i-"),
            Kind::KeyName => random_id("key-name-"),
            Kind::KeyPairId => random_id("key-"),
            Kind::Volume | Kind::AttachedVolume => random_id("vol-"),
            Kind::Snapshot => random_id("snap-"),
            Kind::GroupId => random_id("sg-"),
            Kind::GroupName => random_id("group-"),
            Kind::AllocationId => random_id("eipalloc-"),
            Kind::PublicIp => {
                let bytes: [u8; 3] = rand_bytes();
                format!("54.{}.{}.{}", bytes[0], bytes[1], bytes[2].max(1))
            }
            Kind::AssociationId => random_id("eipassoc-"),
            Kind::Subnet => random_id("subnet-"),
            Kind::Vpc => random_id("vpc-"),
            Kind::Image => random_id("ami-"),
        }
    }
}

/// The parameters of a case's call, given the id under test and the caller's own
/// resources (for actions that take two ids, the other one is the caller's).
type Params = fn(&str, &CallerOwned) -> Vec<(&'static str, String)>;

struct Case {
    action: &'static str,
    kind: Kind,
    params: Params,
}

const fn case(action: &'static str, kind: Kind, params: Params) -> Case {
    Case {
        action,
        kind,
        params,
    }
}

fn one(name: &'static str, value: &str) -> Vec<(&'static str, String)> {
    vec![(name, value.to_owned())]
}

fn two(first: (&'static str, &str), second: (&'static str, &str)) -> Vec<(&'static str, String)> {
    vec![
        (first.0, first.1.to_owned()),
        (second.0, second.1.to_owned()),
    ]
}

fn tag_on(id: &str) -> Vec<(&'static str, String)> {
    vec![
        ("ResourceId.1", id.to_owned()),
        ("Tag.1.Key", "owner".to_owned()),
        ("Tag.1.Value", "other".to_owned()),
    ]
}

fn untag(id: &str) -> Vec<(&'static str, String)> {
    vec![
        ("ResourceId.1", id.to_owned()),
        ("Tag.1.Key", "owner".to_owned()),
    ]
}

fn tags_of(id: &str) -> Vec<(&'static str, String)> {
    filter("resource-id", id)
}

fn filter(name: &str, value: &str) -> Vec<(&'static str, String)> {
    two(("Filter.1.Name", name), ("Filter.1.Value.1", value))
}

fn ssh_rule(group: &'static str, id: &str) -> Vec<(&'static str, String)> {
    vec![
        (group, id.to_owned()),
        ("IpProtocol", "tcp".to_owned()),
        ("FromPort", "22".to_owned()),
        ("ToPort", "22".to_owned()),
        ("CidrIp", "203.0.113.0/24".to_owned()),
    ]
}

fn launch(mine: &CallerOwned, extra: (&'static str, &str)) -> Vec<(&'static str, String)> {
    let mut params = vec![
        ("ImageId", mine.image_id.clone()),
        ("MinCount", "1".to_owned()),
        ("MaxCount", "1".to_owned()),
        ("InstanceType", "t3.micro".to_owned()),
        ("Placement.AvailabilityZone", ZONE.to_owned()),
    ];
    params.extend(one(extra.0, extra.1));
    params
}

/// A rule on the caller's own group that admits HTTPS from the group `source_group_id`.
fn https_from(mine: &CallerOwned, source_group_id: &str) -> Vec<(&'static str, String)> {
    let mut params = two(
        ("GroupId", &mine.group_id),
        ("IpPermissions.1.IpProtocol", "tcp"),
    );
    params.extend(two(
        ("IpPermissions.1.FromPort", "443"),
        ("IpPermissions.1.ToPort", "443"),
    ));
    params.extend(one("IpPermissions.1.Groups.1.GroupId", source_group_id));
    params
}

fn attach(volume_id: &str, instance_id: &str) -> Vec<(&'static str, String)> {
    let mut params = two(("VolumeId", volume_id), ("InstanceId", instance_id));
    params.extend(one("Device", "/dev/sdg"));
    params
}

/// Every action that takes a resource id, once per way of naming the resource.
#[rustfmt::skip]
fn cases() -> Vec<Case> {
    use Kind::*;
    vec![
        // Instances.
        case("DescribeInstances", Instance, |id, _| one("InstanceId.1", id)),
        case("DescribeInstancesV6", Instance, |id, _| one("InstanceId.1", id)),
        case("DescribeInstanceStatus", Instance, |id, _| one("InstanceId.1", id)),
        case("StartInstances", Instance, |id, _| one("InstanceId.1", id)),
        case("StopInstances", Instance, |id, _| one("InstanceId.1", id)),
        case("RebootInstances", Instance, |id, _| one("InstanceId.1", id)),
        case("TerminateInstances", Instance, |id, _| one("InstanceId.1", id)),
        case("GetConsoleOutput", Instance, |id, _| one("InstanceId", id)),
        case("DescribeInstanceAttribute", Instance, |id, _| {
            two(("InstanceId", id), ("Attribute", "instanceType"))
        }),
        case("ModifyInstanceAttribute", Instance, |id, _| {
            two(("InstanceId", id), ("DisableApiTermination.Value", "true"))
        }),
        case("CreateTags", Instance, |id, _| tag_on(id)),
        case("DeleteTags", Instance, |id, _| untag(id)),
        case("DescribeTags", Instance, |id, _| tags_of(id)),
        case("DescribeInstances", Instance, |id, _| filter("instance-id", id)),
        case("DescribeVolumes", Instance, |id, _| filter("attachment.instance-id", id)),
        case("DescribeAddresses", Instance, |id, _| filter("instance-id", id)),
        case("AttachVolume", Instance, |id, mine| attach(&mine.volume_id, id)),
        case("CreateImage", Instance, |id, _| two(("InstanceId", id), ("Name", "probe"))),
        case("AssociateAddress", Instance, |id, mine| {
            two(("AllocationId", &mine.allocation_id), ("InstanceId", id))
        }),
        // Key pairs.
        case("DescribeKeyPairs", KeyName, |id, _| one("KeyName.1", id)),
        case("DescribeKeyPairs", KeyPairId, |id, _| one("KeyPairId.1", id)),
        case("DeleteKeyPair", KeyName, |id, _| one("KeyName", id)),
        case("DeleteKeyPair", KeyPairId, |id, _| one("KeyPairId", id)),
        case("RunInstances", KeyName, |id, mine| launch(mine, ("KeyName", id))),
        case("CreateTags", KeyPairId, |id, _| tag_on(id)),
        case("DeleteTags", KeyPairId, |id, _| untag(id)),
        case("DescribeTags", KeyPairId, |id, _| tags_of(id)),
        case("DescribeKeyPairs", KeyName, |id, _| filter("key-name", id)),
        case("DescribeKeyPairs", KeyPairId, |id, _| filter("key-pair-id", id)),
        // Volumes.
        case("DescribeVolumes", Volume, |id, _| one("VolumeId.1", id)),
        case("DescribeVolumes", AttachedVolume, |id, _| one("VolumeId.1", id)),
        case("DeleteVolume", Volume, |id, _| one("VolumeId", id)),
        case("DeleteVolume", AttachedVolume, |id, _| one("VolumeId", id)),
        case("AttachVolume", Volume, |id, mine| attach(id, &mine.instance_id)),
        case("DetachVolume", AttachedVolume, |id, _| one("VolumeId", id)),
        case("CreateSnapshot", Volume, |id, _| one("VolumeId", id)),
        case("CreateSnapshot", AttachedVolume, |id, _| one("VolumeId", id)),
        case("CreateTags", Volume, |id, _| tag_on(id)),
        case("DeleteTags", Volume, |id, _| untag(id)),
        case("DescribeTags", Volume, |id, _| tags_of(id)),
        case("DescribeVolumes", Volume, |id, _| filter("volume-id", id)),
        case("DescribeSnapshots", Volume, |id, _| filter("volume-id", id)),
        // Snapshots.
        case("DescribeSnapshots", Snapshot, |id, _| one("SnapshotId.1", id)),
        case("DeleteSnapshot", Snapshot, |id, _| one("SnapshotId", id)),
        case("CreateVolume", Snapshot, |id, _| two(("SnapshotId", id), ("AvailabilityZone", ZONE))),
        case("CreateTags", Snapshot, |id, _| tag_on(id)),
        case("DeleteTags", Snapshot, |id, _| untag(id)),
        case("DescribeTags", Snapshot, |id, _| tags_of(id)),
        case("DescribeSnapshots", Snapshot, |id, _| filter("snapshot-id", id)),
        case("DescribeVolumes", Snapshot, |id, _| filter("snapshot-id", id)),
        // Security groups, and the groups a rule or a launch names.
        case("DescribeSecurityGroups", GroupId, |id, _| one("GroupId.1", id)),
        case("DescribeSecurityGroups", GroupName, |id, _| one("GroupName.1", id)),
        case("DeleteSecurityGroup", GroupId, |id, _| one("GroupId", id)),
        case("DeleteSecurityGroup", GroupName, |id, _| one("GroupName", id)),
        case("AuthorizeSecurityGroupIngress", GroupId, |id, _| ssh_rule("GroupId", id)),
        case("AuthorizeSecurityGroupIngress", GroupName, |id, _| ssh_rule("GroupName", id)),
        case("RevokeSecurityGroupIngress", GroupId, |id, _| ssh_rule("GroupId", id)),
        case("RevokeSecurityGroupIngress", GroupName, |id, _| ssh_rule("GroupName", id)),
        case("AuthorizeSecurityGroupIngress", GroupId, |id, mine| https_from(mine, id)),
        case("AuthorizeSecurityGroupIngress", GroupId, |id, mine| {
            let mut rule = https_from(mine, id);
            rule.extend(one("IpPermissions.1.Groups.1.UserId", DEFAULT_ACCOUNT_ID));
            rule
        }),
        case("AuthorizeSecurityGroupIngress", GroupName, |id, mine| {
            two(("GroupId", &mine.group_id), ("SourceSecurityGroupName", id))
        }),
        case("AuthorizeSecurityGroupIngress", GroupName, |id, mine| {
            let mut rule = two(("GroupId", &mine.group_id), ("SourceSecurityGroupName", id));
            rule.extend(one("SourceSecurityGroupOwnerId", DEFAULT_ACCOUNT_ID));
            rule
        }),
        case("RunInstances", GroupId, |id, mine| launch(mine, ("SecurityGroupId.1", id))),
        case("RunInstances", GroupName, |id, mine| launch(mine, ("SecurityGroup.1", id))),
        case("CreateTags", GroupId, |id, _| tag_on(id)),
        case("DeleteTags", GroupId, |id, _| untag(id)),
        case("DescribeTags", GroupId, |id, _| tags_of(id)),
        case("DescribeSecurityGroups", GroupId, |id, _| filter("group-id", id)),
        case("DescribeSecurityGroups", GroupName, |id, _| filter("group-name", id)),
        case("DescribeInstances", GroupId, |id, _| filter("instance.group-id", id)),
        // The default VPC and its subnets.
        case("RunInstances", Subnet, |id, mine| launch(mine, ("SubnetId", id))),
        case("CreateSecurityGroup", Vpc, |id, _| {
            let mut group = two(("GroupName", "probe"), ("GroupDescription", "probe"));
            group.extend(one("VpcId", id));
            group
        }),
        // Elastic IP addresses.
        case("DescribeAddresses", AllocationId, |id, _| one("AllocationId.1", id)),
        case("DescribeAddresses", PublicIp, |id, _| one("PublicIp.1", id)),
        case("AssociateAddress", AllocationId, |id, mine| {
            two(("AllocationId", id), ("InstanceId", &mine.instance_id))
        }),
        case("AssociateAddress", PublicIp, |id, mine| {
            two(("PublicIp", id), ("InstanceId", &mine.instance_id))
        }),
        case("DisassociateAddress", AssociationId, |id, _| one("AssociationId", id)),
        case("DisassociateAddress", PublicIp, |id, _| one("PublicIp", id)),
        case("ReleaseAddress", AllocationId, |id, _| one("AllocationId", id)),
        case("ReleaseAddress", PublicIp, |id, _| one("PublicIp", id)),
        case("CreateTags", AllocationId, |id, _| tag_on(id)),
        case("DeleteTags", AllocationId, |id, _| untag(id)),
        case("DescribeTags", AllocationId, |id, _| tags_of(id)),
        case("DescribeAddresses", AllocationId, |id, _| filter("allocation-id", id)),
        case("DescribeAddresses", PublicIp, |id, _| filter("public-ip", id)),
        case("DescribeAddresses", AssociationId, |id, _| filter("association-id", id)),
        // The owner's private image.
        case("DescribeImages", Image, |id, _| one("ImageId.1", id)),
        case("DescribeImages", Image, |id, _| filter("image-id", id)),
        case("DescribeImages", Image, |id, _| {
            two(("ExecutableBy.1", "self"), ("Filter.1.Name", "image-id"))
                .into_iter()
                .chain(one("Filter.1.Value.1", id))
                .collect()
        }),
        case("DeregisterImage", Image, |id, _| one("ImageId", id)),
        case("DescribeImageAttribute", Image, |id, _| {
            two(("ImageId", id), ("Attribute", "launchPermission"))
        }),
        case("ModifyImageAttribute", Image, |id, _| {
            two(("ImageId", id), ("Description.Value", "taken over"))
        }),
        case("ModifyImageAttribute", Image, |id, _| {
            let mut share = two(("ImageId", id), ("Attribute", "launchPermission"));
            share.extend(two(("OperationType", "add"), ("UserGroup.1", "all")));
            share
        }),
        case("UpdateImage", Image, |id, _| two(("ImageId", id), ("Name", "taken over"))),
        case("RunInstances", Image, |id, _| {
            let mut params = two(("ImageId", id), ("MinCount", "1"));
            params.extend(two(("MaxCount", "1"), ("InstanceType", "t3.micro")));
            params
        }),
        case("CreateTags", Image, |id, _| tag_on(id)),
        case("DeleteTags", Image, |id, _| untag(id)),
        case("DescribeTags", Image, |id, _| tags_of(id)),
    ]
}

/// What project `default` owns when a case starts: a running, tagged instance with a
/// volume attached and an address associated, an available volume and its snapshot, a
/// key pair, a security group with one rule, and a tagged private image of the instance.
#[derive(Debug)]
struct Owned {
    instance_id: String,
    image_id: String,
    key_name: String,
    key_pair_id: String,
    volume_id: String,
    attached_volume_id: String,
    snapshot_id: String,
    group_id: String,
    group_name: String,
    allocation_id: String,
    public_ip: String,
    association_id: String,
    subnet_id: String,
    vpc_id: String,
}

/// What project `other`, the caller, owns: the second id of actions that take two.
#[derive(Debug)]
struct CallerOwned {
    image_id: String,
    instance_id: String,
    volume_id: String,
    group_id: String,
    allocation_id: String,
}

fn cloud() -> TestCloud {
    let fake = FakeCloud::builder()
        .transition_delay(Duration::ZERO)
        .build();
    TestCloud::with_fake(fake, Arc::new(SystemClock))
}

fn other(cloud: &TestCloud) -> Ec2Client {
    cloud.client_for(OTHER_ACCESS_KEY, OTHER_SECRET)
}

async fn call(client: &Ec2Client, action: &str, params: &[(&str, String)]) -> Ec2Answer {
    let params: Vec<(&str, &str)> = params.iter().map(|(n, v)| (*n, v.as_str())).collect();
    client.call(action, &params).await
}

/// Calls `action` and returns the first `<element>` of a successful answer.
async fn create(
    client: &Ec2Client,
    action: &str,
    params: &[(&str, &str)],
    element: &str,
) -> String {
    let answer = client.call(action, params).await;
    assert_eq!(answer.status, 200, "{action}: {}", answer.body);
    first(&answer.body, element)
        .unwrap_or_else(|| panic!("{action}: no <{element}>: {}", answer.body))
}

fn first(body: &str, element: &str) -> Option<String> {
    let open = format!("<{element}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&format!("</{element}>"))? + start;
    Some(body[start..end].to_owned())
}

async fn catalog_image(client: &Ec2Client) -> String {
    create(client, "DescribeImages", &[], "imageId").await
}

async fn launch_one(client: &Ec2Client, image_id: &str) -> String {
    let params = [
        ("ImageId", image_id),
        ("MinCount", "1"),
        ("MaxCount", "1"),
        ("InstanceType", "t3.micro"),
        ("Placement.AvailabilityZone", ZONE),
    ];
    create(client, "RunInstances", &params, "instanceId").await
}

async fn volume(client: &Ec2Client) -> String {
    let params = [("AvailabilityZone", ZONE), ("Size", "8")];
    create(client, "CreateVolume", &params, "volumeId").await
}

async fn owner_resources(owner: &Ec2Client) -> Owned {
    let image_id = catalog_image(owner).await;
    let instance_id = launch_one(owner, &image_id).await;
    let described = owner.call("DescribeInstances", &[]).await;
    let subnet_id = first(&described.body, "subnetId").unwrap();
    let vpc_id = first(&described.body, "vpcId").unwrap();
    let tag = [
        ("ResourceId.1", instance_id.as_str()),
        ("Tag.1.Key", "owner"),
        ("Tag.1.Value", "default"),
    ];
    create(owner, "CreateTags", &tag, "return").await;

    let key_name = "owned-key".to_owned();
    let key = [("KeyName", key_name.as_str()), ("KeyType", "ed25519")];
    let key_pair_id = create(owner, "CreateKeyPair", &key, "keyPairId").await;

    let volume_id = volume(owner).await;
    let attached_volume_id = volume(owner).await;
    let attach = [
        ("VolumeId", attached_volume_id.as_str()),
        ("InstanceId", instance_id.as_str()),
        ("Device", "/dev/sdf"),
    ];
    create(owner, "AttachVolume", &attach, "volumeId").await;
    let from = [("VolumeId", volume_id.as_str())];
    let snapshot_id = create(owner, "CreateSnapshot", &from, "snapshotId").await;

    let group_name = "owned-web".to_owned();
    let group = [
        ("GroupName", group_name.as_str()),
        ("GroupDescription", "web"),
    ];
    let group_id = create(owner, "CreateSecurityGroup", &group, "groupId").await;
    let rule = ssh_rule("GroupId", &group_id);
    let answer = call(owner, "AuthorizeSecurityGroupIngress", &rule).await;
    assert_eq!(answer.status, 200, "{}", answer.body);

    let allocation = [("Domain", "vpc")];
    let answer = owner.call("AllocateAddress", &allocation).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let allocation_id = first(&answer.body, "allocationId").unwrap();
    let public_ip = first(&answer.body, "publicIp").unwrap();
    let associate = [
        ("AllocationId", allocation_id.as_str()),
        ("InstanceId", instance_id.as_str()),
    ];
    let association_id = create(owner, "AssociateAddress", &associate, "associationId").await;

    let image = [
        ("InstanceId", instance_id.as_str()),
        ("Name", "owned-image"),
    ];
    let image_id = create(owner, "CreateImage", &image, "imageId").await;
    let tag = [
        ("ResourceId.1", image_id.as_str()),
        ("Tag.1.Key", "owner"),
        ("Tag.1.Value", "default"),
    ];
    create(owner, "CreateTags", &tag, "return").await;

    Owned {
        instance_id,
        image_id,
        key_name,
        key_pair_id,
        volume_id,
        attached_volume_id,
        snapshot_id,
        group_id,
        group_name,
        allocation_id,
        public_ip,
        association_id,
        subnet_id,
        vpc_id,
    }
}

async fn caller_resources(other: &Ec2Client) -> CallerOwned {
    let image_id = catalog_image(other).await;
    let instance_id = launch_one(other, &image_id).await;
    let volume_id = volume(other).await;
    let group = [("GroupName", "mine"), ("GroupDescription", "mine")];
    let group_id = create(other, "CreateSecurityGroup", &group, "groupId").await;
    let allocation_id = create(
        other,
        "AllocateAddress",
        &[("Domain", "vpc")],
        "allocationId",
    )
    .await;
    CallerOwned {
        image_id,
        instance_id,
        volume_id,
        group_id,
        allocation_id,
    }
}

/// Everything project `default` sees of its resources, as one text.
async fn owner_view(owner: &Ec2Client, owned: &Owned) -> String {
    let attribute = [
        ("InstanceId", owned.instance_id.as_str()),
        ("Attribute", "disableApiTermination"),
    ];
    let permissions = [
        ("ImageId", owned.image_id.as_str()),
        ("Attribute", "launchPermission"),
    ];
    let mut view = String::new();
    for (action, params) in [
        ("DescribeInstances", &[][..]),
        ("DescribeInstanceAttribute", &attribute[..]),
        ("DescribeKeyPairs", &[][..]),
        ("DescribeVolumes", &[][..]),
        ("DescribeSnapshots", &[("Owner.1", "self")][..]),
        ("DescribeSecurityGroups", &[][..]),
        ("DescribeAddresses", &[][..]),
        ("DescribeTags", &[][..]),
        ("DescribeImages", &[("Owner.1", "self")][..]),
        ("DescribeImageAttribute", &permissions[..]),
    ] {
        let answer = owner.call(action, params).await;
        view.push_str(&format!(
            "{action} {}\n{}\n",
            answer.status,
            without_request_id(&answer.body)
        ));
    }
    view
}

/// What the owner's view shows while its resources are as set up.
fn intact(owned: &Owned) -> Vec<String> {
    let Owned {
        instance_id,
        image_id,
        key_name,
        volume_id,
        attached_volume_id,
        snapshot_id,
        group_id,
        group_name,
        allocation_id,
        association_id,
        ..
    } = owned;
    vec![
        format!("<instanceId>{instance_id}</instanceId><imageId>"),
        "<instanceState><code>16</code><name>running</name></instanceState>".to_owned(),
        format!(
            "<resourceId>{instance_id}</resourceId><resourceType>instance</resourceType>\
             <key>owner</key><value>default</value>"
        ),
        "<disableApiTermination><value>false</value></disableApiTermination>".to_owned(),
        format!("<keyName>{key_name}</keyName>"),
        format!("<volumeId>{volume_id}</volumeId><size>8</size>"),
        format!(
            "<volumeId>{attached_volume_id}</volumeId><instanceId>{instance_id}</instanceId>\
             <device>/dev/sdf</device><status>attached</status>"
        ),
        format!(
            "<snapshotId>{snapshot_id}</snapshotId><volumeId>{volume_id}</volumeId>\
             <status>completed</status>"
        ),
        format!("<groupId>{group_id}</groupId><groupName>{group_name}</groupName>"),
        "<fromPort>22</fromPort><toPort>22</toPort><groups></groups><ipRanges><item>\
         <cidrIp>203.0.113.0/24</cidrIp>"
            .to_owned(),
        format!(
            "<allocationId>{allocation_id}</allocationId><domain>vpc</domain>\
             <instanceId>{instance_id}</instanceId><associationId>{association_id}</associationId>"
        ),
        format!("<imageId>{image_id}</imageId><imageLocation>{DEFAULT_ACCOUNT_ID}/owned-image"),
        "<isPublic>false</isPublic>".to_owned(),
        "<name>owned-image</name>".to_owned(),
        format!(
            "<resourceId>{image_id}</resourceId><resourceType>image</resourceType>\
             <key>owner</key><value>default</value>"
        ),
        format!("<imageId>{image_id}</imageId><launchPermission></launchPermission>"),
    ]
}

/// `body` with its request id blanked, so two answers compare on what they say.
fn without_request_id(body: &str) -> String {
    let mut text = body.to_owned();
    for element in ["RequestID", "requestId"] {
        let (open, close) = (format!("<{element}>"), format!("</{element}>"));
        if let Some(start) = text.find(&open)
            && let Some(end) = text[start..].find(&close)
        {
            text.replace_range(start + open.len()..start + end, "…");
        }
    }
    text
}

/// `answer` as it compares: status and body, request id blanked, `id` written `{id}`.
fn generic(answer: &Ec2Answer, id: &str) -> String {
    format!(
        "{} {}",
        answer.status,
        without_request_id(&answer.body).replace(id, "{id}")
    )
}

fn random_id(prefix: &str) -> String {
    let bytes: [u8; 9] = rand_bytes();
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("{prefix}{}", &hex[..17])
}

/// Bytes random enough for ids no project holds: each `RandomState` has fresh keys.
fn rand_bytes<const N: usize>() -> [u8; N] {
    use std::hash::{BuildHasher, Hasher};
    let mut bytes = [0u8; N];
    for (position, byte) in bytes.iter_mut().enumerate() {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_usize(position);
        *byte = hasher.finish() as u8;
    }
    bytes
}

#[tokio::test]
async fn another_projects_resource_answers_exactly_like_a_missing_one_and_stays_unchanged() {
    let mut failures = Vec::new();
    let cases = cases();
    for case in &cases {
        let cloud = cloud();
        let owner = cloud.client();
        let other = other(&cloud);
        let owned = owner_resources(&owner).await;
        let mine = caller_resources(&other).await;
        let before = owner_view(&owner, &owned).await;
        for fact in intact(&owned) {
            assert!(before.contains(&fact), "set-up lacks {fact}:\n{before}");
        }

        let missing_id = case.kind.missing();
        let missing = call(&other, case.action, &(case.params)(&missing_id, &mine)).await;
        let foreign_id = case.kind.owned(&owned);
        let foreign = call(&other, case.action, &(case.params)(&foreign_id, &mine)).await;

        let label = format!("{} with {:?} {foreign_id}", case.action, case.kind);
        let (missing, foreign) = (
            generic(&missing, &missing_id),
            generic(&foreign, &foreign_id),
        );
        eprintln!(
            "DBG {label} F {}",
            &foreign[..90.min(foreign.len())].replace('\n', " ")
        );
        if foreign != missing {
            failures.push(format!(
                "{label}: foreign and missing ids answer differently\n  \
                 foreign: {foreign}\n  missing: {missing}"
            ));
        }
        let after = owner_view(&owner, &owned).await;
        for fact in intact(&owned) {
            if !after.contains(&fact) {
                failures.push(format!(
                    "{label}: the owner no longer sees {fact}\n  {after}"
                ));
            }
        }
        if after != before {
            failures.push(format!(
                "{label}: the owner's view changed\n  before: {before}\n  after: {after}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn public_catalog_images_are_visible_to_and_launchable_by_every_project() {
    let cloud = cloud();
    let owner = cloud.client();
    let other = other(&cloud);

    let owners_catalog = owner.call("DescribeImages", &[]).await;
    let others_catalog = other.call("DescribeImages", &[]).await;
    assert_eq!(owners_catalog.status, 200, "{}", owners_catalog.body);
    assert_eq!(
        without_request_id(&others_catalog.body),
        without_request_id(&owners_catalog.body)
    );
    let image_ids: Vec<&str> = owners_catalog
        .body
        .split("<imageId>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</imageId>"))
        .map(|(id, _)| id)
        .collect();
    assert_eq!(image_ids.len(), 6, "{}", owners_catalog.body);

    for image_id in image_ids {
        let owners = owner
            .call("DescribeImages", &[("ImageId.1", image_id)])
            .await;
        let others = other
            .call("DescribeImages", &[("ImageId.1", image_id)])
            .await;
        assert_eq!(others.status, 200, "{image_id}: {}", others.body);
        assert!(
            others.body.contains("<isPublic>true</isPublic>"),
            "{}",
            others.body
        );
        assert_eq!(
            without_request_id(&others.body),
            without_request_id(&owners.body)
        );
        let instance_type = match first(&others.body, "architecture").as_deref() {
            Some("arm64") => "t4g.micro",
            _ => "t3.micro",
        };
        let launch = [
            ("ImageId", image_id),
            ("MinCount", "1"),
            ("MaxCount", "1"),
            ("InstanceType", instance_type),
        ];
        let instance_id = create(&other, "RunInstances", &launch, "instanceId").await;
        assert!(instance_id.starts_with("i-"), "{instance_id}");
    }

    let missing_id = random_id("ami-");
    let missing = other
        .call("DescribeImages", &[("ImageId.1", &missing_id)])
        .await;
    assert_eq!(
        (missing.status, missing.error_code()),
        (400, Some("InvalidAMIID.NotFound"))
    );
}

#[tokio::test]
async fn names_taken_in_one_project_are_free_in_another() {
    let cloud = cloud();
    let owner = cloud.client();
    let other = other(&cloud);
    let owned = owner_resources(&owner).await;

    let key = [("KeyName", owned.key_name.as_str()), ("KeyType", "ed25519")];
    let key_pair_id = create(&other, "CreateKeyPair", &key, "keyPairId").await;
    assert_ne!(key_pair_id, owned.key_pair_id);
    let group = [
        ("GroupName", owned.group_name.as_str()),
        ("GroupDescription", "theirs"),
    ];
    let group_id = create(&other, "CreateSecurityGroup", &group, "groupId").await;
    assert_ne!(group_id, owned.group_id);

    let view = owner_view(&owner, &owned).await;
    for fact in intact(&owned) {
        assert!(
            view.contains(&fact),
            "the owner no longer sees {fact}:\n{view}"
        );
    }
}
