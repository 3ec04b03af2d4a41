"""boto3 against the server: volumes and snapshots, their waiters, filters and errors."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from conftest import REGION

ZONE = f"{REGION}a"
WAITER_CONFIG = {"Delay": 1, "MaxAttempts": 30}


def error_of(call, **params) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def launch(ec2, image_id: str, zone: str = ZONE) -> str:
    response = ec2.run_instances(
        ImageId=image_id,
        InstanceType="t2.micro",
        MinCount=1,
        MaxCount=1,
        Placement={"AvailabilityZone": zone},
    )
    instance_id = response["Instances"][0]["InstanceId"]
    ec2.get_waiter("instance_running").wait(
        InstanceIds=[instance_id], WaiterConfig=WAITER_CONFIG
    )
    return instance_id


def test_create_volume_answers_creating_and_the_waiter_sees_it_available(ec2, unique):
    created = ec2.create_volume(
        AvailabilityZone=ZONE,
        Size=10,
        VolumeType="gp3",
        TagSpecifications=[
            {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": unique}]}
        ],
    )
    assert created["State"] == "creating"
    assert created["Size"] == 10
    assert created["VolumeType"] == "gp3"
    assert created["Iops"] == 3000
    assert created["Throughput"] == 125
    assert created["Encrypted"] is False
    assert created["Tags"] == [{"Key": "Name", "Value": unique}]
    volume_id = created["VolumeId"]

    ec2.get_waiter("volume_available").wait(VolumeIds=[volume_id], WaiterConfig=WAITER_CONFIG)
    found = ec2.describe_volumes(Filters=[{"Name": "tag:Name", "Values": [unique]}])
    assert [volume["VolumeId"] for volume in found["Volumes"]] == [volume_id]
    assert found["Volumes"][0]["State"] == "available"
    assert found["Volumes"][0]["Attachments"] == []

    ec2.delete_volume(VolumeId=volume_id)
    assert error_of(ec2.describe_volumes, VolumeIds=[volume_id]) == (
        "InvalidVolume.NotFound",
        f"The volume '{volume_id}' does not exist.",
    )


def test_attach_and_detach_walk_the_attachment_states(ec2, image_id):
    instance_id = launch(ec2, image_id)
    volume_id = ec2.create_volume(AvailabilityZone=ZONE, Size=5)["VolumeId"]
    ec2.get_waiter("volume_available").wait(VolumeIds=[volume_id], WaiterConfig=WAITER_CONFIG)

    attached = ec2.attach_volume(VolumeId=volume_id, InstanceId=instance_id, Device="/dev/sdf")
    assert attached["State"] == "attaching"
    assert attached["Device"] == "/dev/sdf"
    ec2.get_waiter("volume_in_use").wait(VolumeIds=[volume_id], WaiterConfig=WAITER_CONFIG)
    volume = ec2.describe_volumes(VolumeIds=[volume_id])["Volumes"][0]
    assert volume["Attachments"][0]["InstanceId"] == instance_id
    assert volume["Attachments"][0]["DeleteOnTermination"] is False

    assert error_of(ec2.delete_volume, VolumeId=volume_id) == (
        "VolumeInUse",
        f"Volume {volume_id} is currently attached to {instance_id}",
    )
    detached = ec2.detach_volume(VolumeId=volume_id)
    assert detached["State"] == "detaching"
    ec2.get_waiter("volume_available").wait(VolumeIds=[volume_id], WaiterConfig=WAITER_CONFIG)
    assert error_of(ec2.detach_volume, VolumeId=volume_id) == (
        "IncorrectState",
        f"Volume '{volume_id}' is in the 'available' state.",
    )


def test_describe_instances_maps_the_volumes_attached_since_launch(ec2, image_id):
    instance_id = launch(ec2, image_id)
    volume_id = ec2.create_volume(AvailabilityZone=ZONE, Size=5)["VolumeId"]
    ec2.get_waiter("volume_available").wait(VolumeIds=[volume_id], WaiterConfig=WAITER_CONFIG)
    ec2.attach_volume(VolumeId=volume_id, InstanceId=instance_id, Device="/dev/sdf")
    ec2.get_waiter("volume_in_use").wait(VolumeIds=[volume_id], WaiterConfig=WAITER_CONFIG)

    instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0][
        "Instances"
    ][0]
    mapped = instance["BlockDeviceMappings"][1]
    assert mapped["DeviceName"] == "/dev/sdf"
    assert mapped["Ebs"]["VolumeId"] == volume_id
    assert mapped["Ebs"]["Status"] == "attached"
    assert mapped["Ebs"]["DeleteOnTermination"] is False
    attachment = ec2.describe_volumes(VolumeIds=[volume_id])["Volumes"][0]["Attachments"][0]
    assert mapped["Ebs"]["AttachTime"] == attachment["AttachTime"]
    assert mapped["Ebs"]["AttachTime"].microsecond == 0


def test_a_next_token_the_server_did_not_give_is_an_invalid_pagination_token(ec2):
    for call in (ec2.describe_volumes, ec2.describe_snapshots, ec2.describe_instances):
        with pytest.raises(ClientError) as raised:
            call(NextToken="not-a-token")
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert raised.value.response["Error"] == {
            "Code": "InvalidPaginationToken",
            "Message": "The specified pagination token is not valid or is expired.",
        }


def test_each_instance_lists_its_root_volume(ec2, image_id):
    instance_id = launch(ec2, image_id)
    volumes = ec2.describe_volumes(
        Filters=[{"Name": "attachment.instance-id", "Values": [instance_id]}]
    )["Volumes"]
    assert len(volumes) == 1
    assert volumes[0]["Attachments"][0]["DeleteOnTermination"] is True
    assert volumes[0]["State"] == "in-use"


def test_snapshots_complete_and_restore_to_volumes(ec2, unique):
    volume_id = ec2.create_volume(AvailabilityZone=ZONE, Size=12)["VolumeId"]
    ec2.get_waiter("volume_available").wait(VolumeIds=[volume_id], WaiterConfig=WAITER_CONFIG)
    snapshot = ec2.create_snapshot(VolumeId=volume_id, Description=unique)
    assert snapshot["State"] == "pending"
    assert snapshot["VolumeSize"] == 12
    snapshot_id = snapshot["SnapshotId"]
    ec2.get_waiter("snapshot_completed").wait(
        SnapshotIds=[snapshot_id], WaiterConfig=WAITER_CONFIG
    )
    mine = ec2.describe_snapshots(
        OwnerIds=["self"], Filters=[{"Name": "description", "Values": [unique]}]
    )["Snapshots"]
    assert [(s["SnapshotId"], s["Progress"]) for s in mine] == [(snapshot_id, "100%")]

    restored = ec2.create_volume(AvailabilityZone=ZONE, SnapshotId=snapshot_id)
    assert (restored["Size"], restored["SnapshotId"]) == (12, snapshot_id)
    assert error_of(
        ec2.create_volume, AvailabilityZone=ZONE, SnapshotId=snapshot_id, Size=4
    ) == ("InvalidParameterValue", "Volume of 4GiB is too small; minimum is 12GiB.")

    ec2.delete_snapshot(SnapshotId=snapshot_id)
    assert error_of(ec2.describe_snapshots, SnapshotIds=[snapshot_id]) == (
        "InvalidSnapshot.NotFound",
        f"The snapshot '{snapshot_id}' does not exist.",
    )


def test_other_project_cannot_see_or_name_this_projects_volumes(ec2, other_ec2):
    volume_id = ec2.create_volume(AvailabilityZone=ZONE, Size=1)["VolumeId"]
    assert error_of(other_ec2.delete_volume, VolumeId=volume_id) == (
        "InvalidVolume.NotFound",
        f"The volume '{volume_id}' does not exist.",
    )
    seen = other_ec2.describe_volumes()["Volumes"]
    assert volume_id not in [volume["VolumeId"] for volume in seen]


def test_volume_errors_carry_aws_codes(ec2):
    assert error_of(ec2.create_volume, AvailabilityZone="us-east-1z", Size=1) == (
        "InvalidZone.NotFound",
        "The zone 'us-east-1z' does not exist.",
    )
    assert error_of(ec2.create_volume, AvailabilityZone=ZONE, Size=10, VolumeType="io1") == (
        "MissingParameter",
        "The parameter iops must be specified for io1 volumes.",
    )
    assert error_of(ec2.describe_volumes, MaxResults=4)[0] == "InvalidParameterValue"
    assert error_of(ec2.describe_volumes, VolumeIds=["vol-1"])[0] == "InvalidVolumeID.Malformed"
