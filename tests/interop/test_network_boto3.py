"""boto3 against the server: security groups and their rules, Elastic IP addresses."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from conftest import REGION

WAITER_CONFIG = {"Delay": 1, "MaxAttempts": 30}


def error_of(call, **params) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def status_of(call, **params) -> int:
    with pytest.raises(ClientError) as raised:
        call(**params)
    return raised.value.response["ResponseMetadata"]["HTTPStatusCode"]


def launch(ec2, image_id: str, **params) -> str:
    response = ec2.run_instances(
        ImageId=image_id, InstanceType="t2.micro", MinCount=1, MaxCount=1, **params
    )
    instance_id = response["Instances"][0]["InstanceId"]
    ec2.get_waiter("instance_running").wait(
        InstanceIds=[instance_id], WaiterConfig=WAITER_CONFIG
    )
    return instance_id


def group_by_id(ec2, group_id: str) -> dict:
    groups = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    assert len(groups) == 1
    return groups[0]


def test_every_project_starts_with_a_default_group_that_cannot_be_deleted(ec2):
    groups = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"]
    assert len(groups) == 1
    default = groups[0]
    assert default["GroupName"] == "default"
    assert default["OwnerId"] == "123456789012"
    assert default["VpcId"].startswith("vpc-")
    assert error_of(ec2.delete_security_group, GroupName="default")[0] == "CannotDelete"


def test_security_group_rules_authorize_and_revoke_in_both_forms(ec2, unique):
    name = f"web-{unique}"
    group_id = ec2.create_security_group(GroupName=name, Description="web servers")["GroupId"]
    assert group_id.startswith("sg-")
    assert error_of(ec2.create_security_group, GroupName=name, Description="again") == (
        "InvalidGroup.Duplicate",
        f"The security group '{name}' already exists for VPC "
        f"'{group_by_id(ec2, group_id)['VpcId']}'",
    )

    # The IpPermissions form, with two ranges in one rule.
    ec2.authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "10.0.0.0/8"}, {"CidrIp": "192.168.0.0/16"}],
            }
        ],
    )
    # The short form.
    ec2.authorize_security_group_ingress(
        GroupName=name, IpProtocol="tcp", FromPort=22, ToPort=22, CidrIp="203.0.113.0/24"
    )
    rules = sorted(
        (rule["FromPort"], sorted(r["CidrIp"] for r in rule["IpRanges"]))
        for rule in group_by_id(ec2, group_id)["IpPermissions"]
    )
    assert rules == [(22, ["203.0.113.0/24"]), (443, ["10.0.0.0/8", "192.168.0.0/16"])]

    duplicate = {
        "GroupId": group_id,
        "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
             "IpRanges": [{"CidrIp": "203.0.113.0/24"}]}
        ],
    }
    assert error_of(ec2.authorize_security_group_ingress, **duplicate)[0] == (
        "InvalidPermission.Duplicate"
    )

    # Revoking one range of a rule that has two leaves the other.
    ec2.revoke_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
             "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}
        ],
    )
    rules = sorted(
        (rule["FromPort"], sorted(r["CidrIp"] for r in rule["IpRanges"]))
        for rule in group_by_id(ec2, group_id)["IpPermissions"]
    )
    assert rules == [(22, ["203.0.113.0/24"]), (443, ["192.168.0.0/16"])]
    assert error_of(
        ec2.revoke_security_group_ingress,
        GroupId=group_id,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
             "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}
        ],
    )[0] == "InvalidPermission.NotFound"

    found = ec2.describe_security_groups(
        Filters=[{"Name": "ip-permission.from-port", "Values": ["22"]},
                 {"Name": "group-name", "Values": [f"web-{unique[:4]}*"]}]
    )["SecurityGroups"]
    assert [group["GroupId"] for group in found] == [group_id]

    ec2.delete_security_group(GroupId=group_id)
    assert error_of(ec2.describe_security_groups, GroupIds=[group_id])[0] == (
        "InvalidGroup.NotFound"
    )


def test_security_group_errors_carry_aws_codes(ec2, unique):
    group_id = ec2.create_security_group(GroupName=f"bad-{unique}", Description="d")["GroupId"]
    bad_rules = [
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "IpRanges": [{"CidrIp": "10.0.0.0/33"}]},
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 70000,
         "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        {"IpProtocol": "nonsense", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
    ]
    for rule in bad_rules:
        code, _ = error_of(
            ec2.authorize_security_group_ingress, GroupId=group_id, IpPermissions=[rule]
        )
        assert code == "InvalidParameterValue", rule
    assert error_of(ec2.delete_security_group, GroupId="sg-0123456789abcdef0")[0] == (
        "InvalidGroup.NotFound"
    )
    assert error_of(ec2.delete_security_group, GroupName=f"missing-{unique}")[0] == (
        "InvalidGroup.NotFound"
    )
    assert error_of(ec2.describe_security_groups, GroupIds=["sg-bogus"])[0] == (
        "InvalidGroupId.Malformed"
    )
    assert status_of(ec2.create_security_group, GroupName="x", Description="d", DryRun=True) == (
        412
    )
    ec2.delete_security_group(GroupId=group_id)


def test_a_group_in_use_by_an_instance_cannot_be_deleted(ec2, image_id, unique):
    group_id = ec2.create_security_group(GroupName=f"used-{unique}", Description="d")["GroupId"]
    instance_id = launch(ec2, image_id, SecurityGroupIds=[group_id])
    assert error_of(ec2.delete_security_group, GroupId=group_id)[0] == "DependencyViolation"
    ec2.terminate_instances(InstanceIds=[instance_id])
    ec2.get_waiter("instance_terminated").wait(
        InstanceIds=[instance_id], WaiterConfig=WAITER_CONFIG
    )
    ec2.delete_security_group(GroupId=group_id)


def test_other_project_cannot_see_or_change_this_projects_groups(ec2, other_ec2, unique):
    group_id = ec2.create_security_group(GroupName=f"mine-{unique}", Description="d")["GroupId"]
    missing = "sg-0123456789abcdef0"
    for call, params in [
        (other_ec2.describe_security_groups, {"GroupIds": [group_id]}),
        (other_ec2.delete_security_group, {"GroupId": group_id}),
        (other_ec2.authorize_security_group_ingress,
         {"GroupId": group_id, "IpProtocol": "tcp", "FromPort": 1, "ToPort": 1,
          "CidrIp": "10.0.0.0/8"}),
    ]:
        foreign = error_of(call, **params)
        absent = error_of(
            call, **{**params, **({"GroupIds": [missing]} if "GroupIds" in params
                                  else {"GroupId": missing})}
        )
        assert foreign[0] == absent[0] == "InvalidGroup.NotFound"
        assert foreign[1] == absent[1].replace(missing, group_id)
    assert group_by_id(ec2, group_id)["IpPermissions"] == []
    ec2.delete_security_group(GroupId=group_id)


def test_an_address_follows_its_instance_until_released(ec2, image_id):
    allocated = ec2.allocate_address(Domain="vpc")
    allocation_id, public_ip = allocated["AllocationId"], allocated["PublicIp"]
    assert allocation_id.startswith("eipalloc-")
    assert allocated["Domain"] == "vpc"
    assert allocated["NetworkBorderGroup"] == REGION

    instance_id = launch(ec2, image_id)
    association_id = ec2.associate_address(AllocationId=allocation_id, InstanceId=instance_id)[
        "AssociationId"
    ]
    assert association_id.startswith("eipassoc-")
    instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0][
        "Instances"
    ][0]
    assert instance["PublicIpAddress"] == public_ip

    described = ec2.describe_addresses(AllocationIds=[allocation_id])["Addresses"]
    assert [(a["PublicIp"], a["InstanceId"], a["AssociationId"]) for a in described] == [
        (public_ip, instance_id, association_id)
    ]
    by_filter = ec2.describe_addresses(Filters=[{"Name": "instance-id", "Values": [instance_id]}])
    assert [a["AllocationId"] for a in by_filter["Addresses"]] == [allocation_id]

    ec2.disassociate_address(AssociationId=association_id)
    described = ec2.describe_addresses(PublicIps=[public_ip])["Addresses"][0]
    assert "InstanceId" not in described and "AssociationId" not in described

    ec2.release_address(AllocationId=allocation_id)
    assert error_of(ec2.describe_addresses, AllocationIds=[allocation_id])[0] == (
        "InvalidAllocationID.NotFound"
    )
    ec2.terminate_instances(InstanceIds=[instance_id])


def test_address_errors_carry_aws_codes(ec2, other_ec2):
    assert error_of(ec2.release_address, AllocationId="eipalloc-0123456789abcdef0")[0] == (
        "InvalidAllocationID.NotFound"
    )
    assert error_of(ec2.describe_addresses, PublicIps=["not-an-ip"])[0] == (
        "InvalidParameterValue"
    )
    assert error_of(ec2.describe_addresses, PublicIps=["198.51.100.7"])[0] == (
        "InvalidAddress.NotFound"
    )
    assert error_of(
        ec2.release_address, AllocationId="eipalloc-0123456789abcdef0", PublicIp="198.51.100.7"
    )[0] == "InvalidParameterCombination"

    allocation_id = ec2.allocate_address(Domain="vpc")["AllocationId"]
    foreign = error_of(other_ec2.release_address, AllocationId=allocation_id)
    absent = error_of(other_ec2.release_address, AllocationId="eipalloc-0123456789abcdef0")
    assert foreign[0] == absent[0] == "InvalidAllocationID.NotFound"
    assert [a["AllocationId"] for a in ec2.describe_addresses(
        AllocationIds=[allocation_id])["Addresses"]] == [allocation_id]
    ec2.release_address(AllocationId=allocation_id)


def test_instance_status_and_attributes(ec2, image_id):
    instance_id = launch(ec2, image_id, UserData="echo hello")
    statuses = ec2.describe_instance_status(InstanceIds=[instance_id])["InstanceStatuses"]
    assert [(s["InstanceId"], s["InstanceState"]["Name"]) for s in statuses] == [
        (instance_id, "running")
    ]
    user_data = ec2.describe_instance_attribute(InstanceId=instance_id, Attribute="userData")
    assert user_data["UserData"]["Value"] == "ZWNobyBoZWxsbw=="
    instance_type = ec2.describe_instance_attribute(
        InstanceId=instance_id, Attribute="instanceType"
    )
    assert instance_type["InstanceType"]["Value"] == "t2.micro"
    ec2.terminate_instances(InstanceIds=[instance_id])
