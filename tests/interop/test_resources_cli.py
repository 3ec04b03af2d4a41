"""The aws CLI against the server: volumes, snapshots, security groups, addresses, tags,
instance status and attributes, account attributes, and the errors each shows a user."""

from __future__ import annotations

import base64

from conftest import ACCOUNT_ID, REGION
from test_images_cli import error_line, launched

ZONE = f"{REGION}a"


def test_volume_and_snapshot_lifecycle_with_the_cli(aws, image_id, unique):
    volume = aws(
        "create-volume",
        "--availability-zone", ZONE,
        "--size", "8",
        "--volume-type", "gp3",
        "--tag-specifications", f"ResourceType=volume,Tags=[{{Key=Name,Value={unique}}}]",
    )
    volume_id = volume["VolumeId"]
    assert (volume["State"], volume["Size"], volume["AvailabilityZone"]) == ("creating", 8, ZONE)
    aws("wait", "volume-available", "--volume-ids", volume_id)

    instance_id = launched(aws, image_id)
    attachment = aws(
        "attach-volume", "--volume-id", volume_id, "--instance-id", instance_id,
        "--device", "/dev/sdf",
    )
    assert (attachment["State"], attachment["Device"], attachment["InstanceId"]) == (
        "attaching", "/dev/sdf", instance_id
    )
    aws("wait", "volume-in-use", "--volume-ids", volume_id)
    error_line(
        aws.run("delete-volume", "--volume-id", volume_id),
        "VolumeInUse",
        "DeleteVolume",
        f"Volume {volume_id} is currently attached to {instance_id}",
    )
    detached = aws("detach-volume", "--volume-id", volume_id)
    assert detached["State"] == "detaching"
    aws("wait", "volume-available", "--volume-ids", volume_id)
    error_line(
        aws.run("detach-volume", "--volume-id", volume_id),
        "IncorrectState",
        "DetachVolume",
        f"Volume '{volume_id}' is in the 'available' state.",
    )

    snapshot = aws("create-snapshot", "--volume-id", volume_id, "--description", unique)
    snapshot_id = snapshot["SnapshotId"]
    assert (snapshot["VolumeId"], snapshot["VolumeSize"], snapshot["OwnerId"]) == (
        volume_id, 8, ACCOUNT_ID
    )
    aws("wait", "snapshot-completed", "--snapshot-ids", snapshot_id)
    found = aws(
        "describe-snapshots", "--owner-ids", "self",
        "--filters", f"Name=volume-id,Values={volume_id}",
    )
    assert [(s["SnapshotId"], s["State"], s["Description"]) for s in found["Snapshots"]] == [
        (snapshot_id, "completed", unique)
    ]
    restored = aws(
        "create-volume", "--availability-zone", ZONE, "--snapshot-id", snapshot_id
    )
    assert (restored["SnapshotId"], restored["Size"]) == (snapshot_id, 8)

    by_tag = aws("describe-volumes", "--filters", f"Name=tag:Name,Values={unique}")
    assert [v["VolumeId"] for v in by_tag["Volumes"]] == [volume_id]

    aws("wait", "volume-available", "--volume-ids", restored["VolumeId"])
    aws("delete-volume", "--volume-id", restored["VolumeId"])
    aws("delete-snapshot", "--snapshot-id", snapshot_id)
    aws("delete-volume", "--volume-id", volume_id)
    error_line(
        aws.run("describe-volumes", "--volume-ids", volume_id),
        "InvalidVolume.NotFound",
        "DescribeVolumes",
        f"The volume '{volume_id}' does not exist.",
    )
    error_line(
        aws.run("describe-snapshots", "--snapshot-ids", snapshot_id),
        "InvalidSnapshot.NotFound",
        "DescribeSnapshots",
        f"The snapshot '{snapshot_id}' does not exist.",
    )
    aws("terminate-instances", "--instance-ids", instance_id)


def test_volume_errors_through_the_cli(aws):
    error_line(
        aws.run("describe-volumes", "--volume-ids", "vol-bogus"),
        "InvalidVolumeID.Malformed",
        "DescribeVolumes",
        'Invalid id: "vol-bogus"',
    )
    error_line(
        aws.run("create-volume", "--availability-zone", "us-east-1q", "--size", "8"),
        "InvalidZone.NotFound",
        "CreateVolume",
        "The zone 'us-east-1q' does not exist.",
    )


def test_security_group_rules_with_the_cli(aws, unique):
    name = f"cli-{unique}"
    group_id = aws("create-security-group", "--group-name", name, "--description", "cli")[
        "GroupId"
    ]
    aws(
        "authorize-security-group-ingress", "--group-id", group_id,
        "--protocol", "tcp", "--port", "22", "--cidr", "198.51.100.0/24",
    )
    aws(
        "authorize-security-group-ingress", "--group-id", group_id,
        "--ip-permissions",
        "IpProtocol=tcp,FromPort=80,ToPort=81,IpRanges=[{CidrIp=10.0.0.0/8},{CidrIp=10.1.0.0/16}]",
    )
    error_line(
        aws.run(
            "authorize-security-group-ingress", "--group-id", group_id,
            "--protocol", "tcp", "--port", "22", "--cidr", "198.51.100.0/24",
        ),
        "InvalidPermission.Duplicate",
        "AuthorizeSecurityGroupIngress",
        "the specified rule \"peer: 198.51.100.0/24, TCP, from port: 22, to port: 22, ALLOW\" "
        "already exists",
    )
    groups = aws("describe-security-groups", "--group-names", name)["SecurityGroups"]
    assert [g["GroupId"] for g in groups] == [group_id]
    rules = sorted(
        (p["FromPort"], p["ToPort"], sorted(r["CidrIp"] for r in p["IpRanges"]))
        for p in groups[0]["IpPermissions"]
    )
    assert rules == [(22, 22, ["198.51.100.0/24"]), (80, 81, ["10.0.0.0/8", "10.1.0.0/16"])]

    aws(
        "revoke-security-group-ingress", "--group-id", group_id,
        "--protocol", "tcp", "--port", "80-81", "--cidr", "10.0.0.0/8",
    )
    rules = [
        (p["FromPort"], sorted(r["CidrIp"] for r in p["IpRanges"]))
        for p in aws("describe-security-groups", "--group-ids", group_id)["SecurityGroups"][0][
            "IpPermissions"
        ]
    ]
    assert sorted(rules) == [(22, ["198.51.100.0/24"]), (80, ["10.1.0.0/16"])]

    aws("delete-security-group", "--group-name", name)
    error_line(
        aws.run("describe-security-groups", "--group-ids", group_id),
        "InvalidGroup.NotFound",
        "DescribeSecurityGroups",
        f"The security group '{group_id}' does not exist",
    )
    default_id = aws("describe-security-groups", "--group-names", "default")[
        "SecurityGroups"
    ][0]["GroupId"]
    error_line(
        aws.run("delete-security-group", "--group-name", "default"),
        "CannotDelete",
        "DeleteSecurityGroup",
        f'the specified group: "{default_id}" name: "default" cannot be deleted by a user',
    )


def test_addresses_with_the_cli(aws, image_id):
    allocated = aws("allocate-address", "--domain", "vpc")
    allocation_id, public_ip = allocated["AllocationId"], allocated["PublicIp"]
    instance_id = launched(aws, image_id)
    association_id = aws(
        "associate-address", "--allocation-id", allocation_id, "--instance-id", instance_id
    )["AssociationId"]
    described = aws("describe-addresses", "--public-ips", public_ip)["Addresses"]
    assert [(a["AllocationId"], a["InstanceId"], a["AssociationId"]) for a in described] == [
        (allocation_id, instance_id, association_id)
    ]
    reservation = aws("describe-instances", "--instance-ids", instance_id)["Reservations"][0]
    assert reservation["Instances"][0]["PublicIpAddress"] == public_ip

    aws("disassociate-address", "--association-id", association_id)
    aws("release-address", "--allocation-id", allocation_id)
    error_line(
        aws.run("release-address", "--allocation-id", allocation_id),
        "InvalidAllocationID.NotFound",
        "ReleaseAddress",
        f"The allocation ID '{allocation_id}' does not exist",
    )
    error_line(
        aws.run("describe-addresses", "--public-ips", "300.1.2.3"),
        "InvalidParameterValue",
        "DescribeAddresses",
        "Value (300.1.2.3) for parameter PublicIp is invalid. Invalid IPv4 address.",
    )
    aws("terminate-instances", "--instance-ids", instance_id)


def test_tags_with_the_cli(aws, image_id, unique):
    instance_id = launched(aws, image_id)
    volume_id = aws("create-volume", "--availability-zone", ZONE, "--size", "1")["VolumeId"]
    aws(
        "create-tags", "--resources", instance_id, volume_id,
        "--tags", f"Key=team,Value={unique}", "Key=tier,Value=web",
    )
    described = aws("describe-tags", "--filters", f"Name=value,Values={unique}")["Tags"]
    assert sorted((t["ResourceId"], t["ResourceType"], t["Key"]) for t in described) == sorted(
        [(instance_id, "instance", "team"), (volume_id, "volume", "team")]
    )
    aws("delete-tags", "--resources", volume_id, "--tags", "Key=team")
    described = aws(
        "describe-tags",
        "--filters", f"Name=resource-id,Values={instance_id},{volume_id}",
    )["Tags"]
    assert sorted((t["ResourceId"], t["Key"], t["Value"]) for t in described) == sorted(
        [(instance_id, "team", unique), (instance_id, "tier", "web"), (volume_id, "tier", "web")]
    )
    error_line(
        aws.run("create-tags", "--resources", "i-0123456789abcdef0", "--tags", "Key=a,Value=b"),
        "InvalidInstanceID.NotFound",
        "CreateTags",
        "The instance ID 'i-0123456789abcdef0' does not exist",
    )
    aws("terminate-instances", "--instance-ids", instance_id)
    aws("wait", "volume-available", "--volume-ids", volume_id)
    aws("delete-volume", "--volume-id", volume_id)


def test_instance_status_and_attributes_with_the_cli(aws, image_id):
    instance_id = launched(aws, image_id)
    statuses = aws("describe-instance-status", "--instance-ids", instance_id)["InstanceStatuses"]
    assert [(s["InstanceId"], s["InstanceState"]["Name"]) for s in statuses] == [
        (instance_id, "running")
    ]
    placement = aws("describe-instances", "--instance-ids", instance_id)["Reservations"][0][
        "Instances"
    ][0]["Placement"]["AvailabilityZone"]
    assert statuses[0]["AvailabilityZone"] == placement

    aws(
        "modify-instance-attribute", "--instance-id", instance_id,
        "--disable-api-termination",
    )
    protected = aws(
        "describe-instance-attribute", "--instance-id", instance_id,
        "--attribute", "disableApiTermination",
    )
    assert protected == {"InstanceId": instance_id, "DisableApiTermination": {"Value": True}}
    error_line(
        aws.run("terminate-instances", "--instance-ids", instance_id),
        "OperationNotPermitted",
        "TerminateInstances",
        f"The instance '{instance_id}' may not be terminated. Modify its "
        "'disableApiTermination' instance attribute and try again.",
    )
    aws("stop-instances", "--instance-ids", instance_id)
    aws("wait", "instance-stopped", "--instance-ids", instance_id)
    aws(
        "modify-instance-attribute", "--instance-id", instance_id,
        "--instance-type", "Value=t2.small",
    )
    user_data = base64.b64encode(b"#!/bin/sh\necho hi\n").decode()
    aws(
        "modify-instance-attribute", "--instance-id", instance_id,
        "--attribute", "userData", "--value", user_data,
    )
    assert aws(
        "describe-instance-attribute", "--instance-id", instance_id, "--attribute", "instanceType"
    )["InstanceType"] == {"Value": "t2.small"}
    assert aws(
        "describe-instance-attribute", "--instance-id", instance_id, "--attribute", "userData"
    )["UserData"] == {"Value": user_data}
    aws(
        "modify-instance-attribute", "--instance-id", instance_id,
        "--no-disable-api-termination",
    )
    aws("terminate-instances", "--instance-ids", instance_id)


def test_account_attributes_with_the_cli(aws):
    attributes = aws("describe-account-attributes")["AccountAttributes"]
    by_name = {
        a["AttributeName"]: [v["AttributeValue"] for v in a["AttributeValues"]]
        for a in attributes
    }
    assert by_name["supported-platforms"] == ["VPC"]
    assert by_name["default-vpc"][0].startswith("vpc-")
