"""boto3 against the server: own images, from CreateImage and RegisterImage to sharing,
attributes and deregistration, with the errors AWS answers."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, REGION

ZONE = f"{REGION}a"
WAITER_CONFIG = {"Delay": 1, "MaxAttempts": 30}


def error_of(call, **params) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    response = raised.value.response
    status = response["ResponseMetadata"]["HTTPStatusCode"]
    return status, response["Error"]["Code"], response["Error"]["Message"]


def launch(ec2, image_id: str) -> str:
    response = ec2.run_instances(
        ImageId=image_id, InstanceType="t2.micro", MinCount=1, MaxCount=1
    )
    instance_id = response["Instances"][0]["InstanceId"]
    ec2.get_waiter("instance_running").wait(
        InstanceIds=[instance_id], WaiterConfig=WAITER_CONFIG
    )
    return instance_id


def account_of(client) -> str:
    groups = client.describe_security_groups(GroupNames=["default"])["SecurityGroups"]
    return groups[0]["OwnerId"]


def snapshot(ec2) -> str:
    volume_id = ec2.create_volume(AvailabilityZone=ZONE, Size=10)["VolumeId"]
    ec2.get_waiter("volume_available").wait(VolumeIds=[volume_id], WaiterConfig=WAITER_CONFIG)
    snapshot_id = ec2.create_snapshot(VolumeId=volume_id)["SnapshotId"]
    ec2.get_waiter("snapshot_completed").wait(
        SnapshotIds=[snapshot_id], WaiterConfig=WAITER_CONFIG
    )
    return snapshot_id


def register(ec2, name: str, snapshot_id: str) -> str:
    return ec2.register_image(
        Name=name,
        RootDeviceName="/dev/xvda",
        Architecture="x86_64",
        VirtualizationType="hvm",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot_id}}],
    )["ImageId"]


def test_create_image_makes_an_ebs_image_and_a_snapshot_of_the_root_volume(
    ec2, image_id, unique
):
    instance_id = launch(ec2, image_id)
    created = ec2.create_image(
        InstanceId=instance_id,
        Name=f"golden-{unique}",
        Description="golden image",
        TagSpecifications=[
            {"ResourceType": "image", "Tags": [{"Key": "Name", "Value": unique}]},
            {"ResourceType": "snapshot", "Tags": [{"Key": "of", "Value": unique}]},
        ],
    )
    new_image_id = created["ImageId"]
    ec2.get_waiter("image_available").wait(ImageIds=[new_image_id], WaiterConfig=WAITER_CONFIG)

    image = ec2.describe_images(ImageIds=[new_image_id])["Images"][0]
    assert image["Name"] == f"golden-{unique}"
    assert image["Description"] == "golden image"
    assert image["OwnerId"] == ACCOUNT_ID
    assert image["ImageLocation"] == f"{ACCOUNT_ID}/golden-{unique}"
    assert image["State"] == "available"
    assert image["Public"] is False
    assert image["RootDeviceType"] == "ebs"
    assert image["RootDeviceName"] == "/dev/xvda"
    assert image["SourceInstanceId"] == instance_id
    assert image["Tags"] == [{"Key": "Name", "Value": unique}]
    root = image["BlockDeviceMappings"][0]
    assert root["DeviceName"] == "/dev/xvda"
    assert root["Ebs"]["VolumeSize"] == 8
    snapshot_id = root["Ebs"]["SnapshotId"]

    snapshots = ec2.describe_snapshots(SnapshotIds=[snapshot_id])["Snapshots"]
    assert snapshots[0]["Description"] == (
        f"Created by CreateImage({instance_id}) for {new_image_id}"
    )
    assert snapshots[0]["OwnerId"] == ACCOUNT_ID
    assert snapshots[0]["Tags"] == [{"Key": "of", "Value": unique}]
    assert error_of(ec2.delete_snapshot, SnapshotId=snapshot_id) == (
        400,
        "InvalidSnapshot.InUse",
        f"The snapshot {snapshot_id} is currently in use by {new_image_id}",
    )

    # The image launches like any other.
    copy = launch(ec2, new_image_id)
    described = ec2.describe_instances(InstanceIds=[copy])["Reservations"][0]["Instances"][0]
    assert described["ImageId"] == new_image_id


def test_create_image_refuses_a_missing_instance_and_a_taken_name(ec2, image_id, unique):
    assert error_of(
        ec2.create_image, InstanceId="i-0123456789abcdef0", Name=f"lost-{unique}"
    ) == (
        400,
        "InvalidInstanceID.NotFound",
        "The instance ID 'i-0123456789abcdef0' does not exist",
    )
    instance_id = launch(ec2, image_id)
    first = ec2.create_image(InstanceId=instance_id, Name=f"once-{unique}")["ImageId"]
    assert error_of(ec2.create_image, InstanceId=instance_id, Name=f"once-{unique}") == (
        400,
        "InvalidAMIName.Duplicate",
        f"AMI name once-{unique} is already in use by AMI {first}",
    )


def test_register_deregister_and_the_ids_that_follow(ec2, unique):
    snapshot_id = snapshot(ec2)
    image_id = register(ec2, f"registered-{unique}", snapshot_id)
    image = ec2.describe_images(ImageIds=[image_id])["Images"][0]
    assert image["State"] == "available"
    assert image["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"] == snapshot_id

    assert ec2.deregister_image(ImageId=image_id)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert ec2.describe_images(ImageIds=[image_id])["Images"] == []
    assert error_of(ec2.deregister_image, ImageId=image_id) == (
        400,
        "InvalidAMIID.Unavailable",
        f"The image '{image_id}' has been deregistered and is no longer available.",
    )
    assert error_of(
        ec2.run_instances, ImageId=image_id, MinCount=1, MaxCount=1, InstanceType="t2.micro"
    ) == (400, "InvalidAMIID.NotFound", f"The image id '[{image_id}]' does not exist")
    ec2.delete_snapshot(SnapshotId=snapshot_id)

    assert error_of(ec2.deregister_image, ImageId="ami-abcd1234") == (
        400,
        "InvalidAMIID.NotFound",
        "The image id '[ami-abcd1234]' does not exist",
    )
    assert error_of(ec2.deregister_image, ImageId="ami-unknown") == (
        400,
        "InvalidAMIID.Malformed",
        'Invalid id: "ami-unknown"',
    )
    assert error_of(ec2.describe_images, ImageIds=["not_an_ami_id"]) == (
        400,
        "InvalidAMIID.Malformed",
        'Invalid id: "not_an_ami_id" (expecting "ami-...")',
    )
    assert error_of(ec2.describe_images, ImageIds=["ami-abcd1234", "ami-1234abcd"]) == (
        400,
        "InvalidAMIID.NotFound",
        "The image ids '[ami-abcd1234, ami-1234abcd]' do not exist",
    )


def test_launch_permissions_share_a_private_image_with_another_project(
    ec2, other_ec2, unique
):
    image_id = register(ec2, f"shared-{unique}", snapshot(ec2))
    other_account = account_of(other_ec2)
    assert error_of(other_ec2.describe_images, ImageIds=[image_id]) == (
        400,
        "InvalidAMIID.NotFound",
        f"The image id '[{image_id}]' does not exist",
    )

    ec2.modify_image_attribute(
        ImageId=image_id,
        Attribute="launchPermission",
        OperationType="add",
        UserIds=[other_account],
    )
    assert ec2.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")[
        "LaunchPermissions"
    ] == [{"UserId": other_account}]
    seen = other_ec2.describe_images(ImageIds=[image_id])["Images"][0]
    assert (seen["OwnerId"], seen["Public"]) == (ACCOUNT_ID, False)
    shared = other_ec2.describe_images(ExecutableUsers=["self"], Owners=[ACCOUNT_ID])["Images"]
    assert image_id in [image["ImageId"] for image in shared]
    launched = other_ec2.run_instances(
        ImageId=image_id, MinCount=1, MaxCount=1, InstanceType="t2.micro"
    )
    assert launched["Instances"][0]["ImageId"] == image_id
    # Seeing is not owning.
    assert error_of(
        other_ec2.describe_image_attribute, ImageId=image_id, Attribute="description"
    ) == (401, "AuthFailure", f"Not authorized for image:{image_id}")
    assert error_of(other_ec2.deregister_image, ImageId=image_id) == (
        401,
        "AuthFailure",
        f"Not authorized for image:{image_id}",
    )

    ec2.modify_image_attribute(
        ImageId=image_id, LaunchPermission={"Add": [{"Group": "all"}]}
    )
    assert ec2.describe_images(ImageIds=[image_id])["Images"][0]["Public"] is True
    ec2.modify_image_attribute(
        ImageId=image_id,
        LaunchPermission={"Remove": [{"Group": "all"}, {"UserId": other_account}]},
    )
    assert ec2.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")[
        "LaunchPermissions"
    ] == []
    assert error_of(other_ec2.describe_images, ImageIds=[image_id])[1] == (
        "InvalidAMIID.NotFound"
    )


def test_image_attribute_errors_are_the_ones_aws_answers(ec2, unique):
    image_id = register(ec2, f"attributes-{unique}", snapshot(ec2))
    assert error_of(
        ec2.modify_image_attribute,
        ImageId=image_id,
        Attribute="launchPermission",
        OperationType="add",
        UserGroups=["everyone"],
    ) == (
        400,
        "InvalidAMIAttributeItemValue",
        'Invalid attribute item value "everyone" for group item type.',
    )
    assert error_of(
        ec2.modify_image_attribute,
        ImageId=image_id,
        Attribute="launchPermission",
        OperationType="add",
        UserIds=["123456789011", "foo"],
    ) == (
        400,
        "InvalidAMIAttributeItemValue",
        'Invalid attribute item value "foo" for userId item type.',
    )
    assert ec2.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")[
        "LaunchPermissions"
    ] == []
    assert error_of(
        ec2.describe_image_attribute, ImageId=image_id, Attribute="blockDeviceMapping"
    ) == (401, "AuthFailure", "Unauthorized attempt to access restricted resource")
    assert error_of(ec2.describe_image_attribute, ImageId=image_id, Attribute="colour") == (
        400,
        "InvalidRequest",
        "The request received was invalid.",
    )

    ec2.modify_image_attribute(ImageId=image_id, Description={"Value": "described"})
    assert ec2.describe_image_attribute(ImageId=image_id, Attribute="description")[
        "Description"
    ] == {"Value": "described"}


@pytest.mark.parametrize(
    "call, params",
    [
        ("create_image", {"InstanceId": "INSTANCE", "Name": "dry"}),
        ("register_image", {"Name": "dry", "ImageLocation": "bucket/dry.manifest.xml"}),
        ("deregister_image", {"ImageId": "IMAGE"}),
        ("describe_images", {}),
        ("describe_image_attribute", {"ImageId": "IMAGE", "Attribute": "description"}),
        ("modify_image_attribute", {"ImageId": "IMAGE", "Description": {"Value": "dry"}}),
    ],
)
def test_every_image_action_answers_dry_run_with_412(ec2, image_id, call, params):
    params = {
        name: value.replace("IMAGE", image_id) if isinstance(value, str) else value
        for name, value in params.items()
    }
    if params.get("InstanceId") == "INSTANCE":
        params["InstanceId"] = launch(ec2, image_id)
    assert error_of(getattr(ec2, call), DryRun=True, **params) == (
        412,
        "DryRunOperation",
        "Request would have succeeded, but DryRun flag is set.",
    )


def test_image_tags_round_trip(ec2, unique):
    image_id = register(ec2, f"tagged-{unique}", snapshot(ec2))
    ec2.create_tags(Resources=[image_id], Tags=[{"Key": "team", "Value": unique}])
    tags = ec2.describe_tags(
        Filters=[
            {"Name": "resource-type", "Values": ["image"]},
            {"Name": "resource-id", "Values": [image_id]},
        ]
    )["Tags"]
    assert tags == [
        {"Key": "team", "ResourceId": image_id, "ResourceType": "image", "Value": unique}
    ]
    found = ec2.describe_images(Filters=[{"Name": "tag:team", "Values": [unique]}])["Images"]
    assert [image["ImageId"] for image in found] == [image_id]
