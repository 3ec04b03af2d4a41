"""The aws CLI (v1) against the server: what a user typing `aws ec2 ...` sees."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from conftest import ACCOUNT_ID, DEFAULT, REGION, instance_states, wait_for_state

IMAGE_ID = re.compile(r"^ami-[0-9a-f]{17}$")
INSTANCE_ID = re.compile(r"^i-[0-9a-f]{17}$")
RESERVATION_ID = re.compile(r"^r-[0-9a-f]{17}$")
SHA1_COLON_HEX = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){19}$")

PENDING = {"Code": 0, "Name": "pending"}
RUNNING = {"Code": 16, "Name": "running"}
SHUTTING_DOWN = {"Code": 32, "Name": "shutting-down"}
TERMINATED = {"Code": 48, "Name": "terminated"}
STOPPING = {"Code": 64, "Name": "stopping"}
STOPPED = {"Code": 80, "Name": "stopped"}


def colon_hex(digest: bytes) -> str:
    return ":".join(f"{byte:02x}" for byte in digest)


def launch(aws, image_id: str, count: int = 1) -> list[str]:
    reservation = aws(
        "run-instances",
        "--image-id",
        image_id,
        "--instance-type",
        "t2.micro",
        "--count",
        str(count),
    )
    return [instance["InstanceId"] for instance in reservation["Instances"]]


def described_instances(aws, instance_ids: list[str]) -> dict[str, dict]:
    output = aws("describe-instances", "--instance-ids", *instance_ids)
    return {
        instance["InstanceId"]: instance
        for reservation in output["Reservations"]
        for instance in reservation["Instances"]
    }


# Images


def test_describe_images_lists_available_public_images(aws):
    images = aws("describe-images")["Images"]

    assert images
    for image in images:
        assert IMAGE_ID.match(image["ImageId"]), image["ImageId"]
        assert image["State"] == "available"
        assert image["Public"] is True


# Instance lifecycle


def test_run_instances_with_count_three_returns_one_pending_reservation(aws, image_id):
    reservation = aws(
        "run-instances",
        "--image-id",
        image_id,
        "--instance-type",
        "t2.micro",
        "--count",
        "3",
    )

    assert RESERVATION_ID.match(reservation["ReservationId"])
    assert reservation["OwnerId"] == ACCOUNT_ID
    instances = reservation["Instances"]
    assert len(instances) == 3
    assert len({instance["InstanceId"] for instance in instances}) == 3
    for instance in instances:
        assert INSTANCE_ID.match(instance["InstanceId"]), instance["InstanceId"]
        assert instance["State"] == PENDING
        assert instance["ImageId"] == image_id
        assert instance["InstanceType"] == "t2.micro"
    assert sorted(instance["AmiLaunchIndex"] for instance in instances) == [0, 1, 2]

    described = aws("describe-instances", "--instance-ids", *[i["InstanceId"] for i in instances])
    assert [r["ReservationId"] for r in described["Reservations"]] == [reservation["ReservationId"]]


def test_instances_go_running_stopped_running_and_terminated(aws, ec2, image_id):
    instance_ids = launch(aws, image_id, count=3)

    wait_for_state(ec2, instance_ids, "running")
    described = described_instances(aws, instance_ids)
    assert sorted(described) == sorted(instance_ids)
    for instance in described.values():
        assert instance["State"] == RUNNING

    stopping = aws("stop-instances", "--instance-ids", *instance_ids)["StoppingInstances"]
    assert sorted(change["InstanceId"] for change in stopping) == sorted(instance_ids)
    for change in stopping:
        assert change["PreviousState"] == RUNNING
        assert change["CurrentState"] == STOPPING

    wait_for_state(ec2, instance_ids, "stopped")
    for instance in described_instances(aws, instance_ids).values():
        assert instance["State"] == STOPPED

    starting = aws("start-instances", "--instance-ids", *instance_ids)["StartingInstances"]
    assert sorted(change["InstanceId"] for change in starting) == sorted(instance_ids)
    for change in starting:
        assert change["PreviousState"] == STOPPED
        assert change["CurrentState"] == PENDING

    wait_for_state(ec2, instance_ids, "running")
    reboot = aws.run("reboot-instances", "--instance-ids", *instance_ids)
    assert reboot.returncode == 0, reboot.stderr
    assert instance_states(ec2, instance_ids) == {i: "running" for i in instance_ids}

    terminating = aws("terminate-instances", "--instance-ids", *instance_ids)[
        "TerminatingInstances"
    ]
    assert sorted(change["InstanceId"] for change in terminating) == sorted(instance_ids)
    for change in terminating:
        assert change["PreviousState"] == RUNNING
        assert change["CurrentState"] == SHUTTING_DOWN

    wait_for_state(ec2, instance_ids, "terminated")
    for instance in described_instances(aws, instance_ids).values():
        assert instance["State"] == TERMINATED


def test_get_console_output_echoes_the_instance(aws, ec2, image_id):
    [instance_id] = launch(aws, image_id)
    wait_for_state(ec2, [instance_id], "running")

    output = aws("get-console-output", "--instance-id", instance_id)

    assert output["InstanceId"] == instance_id
    assert isinstance(output["Output"], str)


# Key pairs


def test_create_key_pair_returns_a_pkcs1_rsa_key_with_its_sha1_fingerprint(aws, unique):
    key_name = f"cli-rsa-{unique}"

    created = aws("create-key-pair", "--key-name", key_name)

    assert created["KeyName"] == key_name
    material = created["KeyMaterial"]
    assert material.startswith("-----BEGIN RSA PRIVATE KEY-----")
    private_key = serialization.load_pem_private_key(material.encode(), password=None)
    assert isinstance(private_key, rsa.RSAPrivateKey)
    # EC2 fingerprints a key it created by the SHA-1 of the private key as PKCS#8 DER.
    pkcs8_der = private_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    assert SHA1_COLON_HEX.match(created["KeyFingerprint"])
    assert created["KeyFingerprint"] == colon_hex(hashlib.sha1(pkcs8_der).digest())


def test_create_ed25519_key_pair_returns_the_sha256_fingerprint_in_base64(aws, unique):
    key_name = f"cli-ed25519-{unique}"

    created = aws("create-key-pair", "--key-name", key_name, "--key-type", "ed25519")

    material = created["KeyMaterial"].encode()
    if b"OPENSSH PRIVATE KEY" in material:
        private_key = serialization.load_ssh_private_key(material, password=None)
    else:
        private_key = serialization.load_pem_private_key(material, password=None)
    assert isinstance(private_key, ed25519.Ed25519PrivateKey)
    # The OpenSSH SHA256 fingerprint: a digest of the public key's SSH wire encoding.
    # EC2 may add the base64 `=` padding that ssh-keygen leaves off.
    openssh_public = private_key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    wire_blob = base64.b64decode(openssh_public.split()[1])
    expected = base64.b64encode(hashlib.sha256(wire_blob).digest()).decode().rstrip("=")
    fingerprint = created["KeyFingerprint"]
    assert len(fingerprint) in (43, 44)
    assert fingerprint.rstrip("=") == expected


def test_import_key_pair_fingerprints_rsa_by_md5_of_the_der_public_key(aws, tmp_path, unique):
    key_file = tmp_path / "imported"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", str(key_file)],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    public_line = (tmp_path / "imported.pub").read_bytes()
    public_key = serialization.load_ssh_public_key(public_line)
    subject_public_key_info = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    expected = colon_hex(hashlib.md5(subject_public_key_info).digest())
    key_name = f"cli-imported-{unique}"

    imported = aws(
        "import-key-pair",
        "--key-name",
        key_name,
        "--public-key-material",
        f"fileb://{tmp_path / 'imported.pub'}",
    )

    assert imported["KeyName"] == key_name
    assert imported["KeyFingerprint"] == expected


def test_describe_key_pairs_lists_created_and_imported_keys_until_deleted(aws, tmp_path, unique):
    created_name = f"cli-listed-{unique}"
    imported_name = f"cli-listed-imported-{unique}"
    created = aws("create-key-pair", "--key-name", created_name)
    key_file = tmp_path / "listed"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", str(key_file)],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    imported = aws(
        "import-key-pair",
        "--key-name",
        imported_name,
        "--public-key-material",
        f"fileb://{tmp_path / 'listed.pub'}",
    )

    listed = {
        key["KeyName"]: key["KeyFingerprint"] for key in aws("describe-key-pairs")["KeyPairs"]
    }
    assert listed[created_name] == created["KeyFingerprint"]
    assert listed[imported_name] == imported["KeyFingerprint"]

    aws("delete-key-pair", "--key-name", created_name)

    missing = aws.run("describe-key-pairs", "--key-names", created_name)
    assert missing.returncode != 0
    assert "InvalidKeyPair.NotFound" in missing.stderr
    still_there = aws("describe-key-pairs", "--key-names", imported_name)["KeyPairs"]
    assert [key["KeyName"] for key in still_there] == [imported_name]


# Regions and zones


def test_describe_regions_names_each_region_endpoint(aws):
    regions = aws("describe-regions")["Regions"]

    names = {region["RegionName"] for region in regions}
    assert {"us-east-1", "us-west-2", "eu-west-1"} <= names
    for region in regions:
        assert region["Endpoint"] == f"ec2.{region['RegionName']}.amazonaws.com"


def test_describe_availability_zones_lists_three_available_zones(aws):
    zones = aws("describe-availability-zones")["AvailabilityZones"]

    assert sorted(zone["ZoneName"] for zone in zones) == [
        f"{REGION}a",
        f"{REGION}b",
        f"{REGION}c",
    ]
    for zone in zones:
        assert zone["State"] == "available"
        assert zone["RegionName"] == REGION
        assert re.match(r"^use1-az\d+$", zone["ZoneId"]), zone["ZoneId"]
    assert len({zone["ZoneId"] for zone in zones}) == 3


# Errors


def test_wrong_secret_key_fails_with_auth_failure(aws):
    result = aws.run("describe-regions", secret_key=DEFAULT.secret_key + "-wrong")

    assert result.returncode != 0
    assert "AuthFailure" in result.stderr


def test_describe_unknown_instance_id_fails_with_not_found(aws):
    result = aws.run("describe-instances", "--instance-ids", "i-deadbeef")

    assert result.returncode != 0
    assert "InvalidInstanceID.NotFound" in result.stderr


def test_describe_malformed_instance_id_fails_with_malformed(aws):
    result = aws.run("describe-instances", "--instance-ids", "bogus")

    assert result.returncode != 0
    assert "InvalidInstanceID.Malformed" in result.stderr


def test_other_project_sees_none_of_this_projects_instances(aws, other_aws, image_id):
    instance_ids = launch(aws, image_id, count=2)

    visible = other_aws("describe-instances")
    visible_ids = {
        instance["InstanceId"]
        for reservation in visible["Reservations"]
        for instance in reservation["Instances"]
    }
    assert visible_ids.isdisjoint(instance_ids)

    explicit = other_aws.run("describe-instances", "--instance-ids", instance_ids[0])
    assert explicit.returncode != 0
    assert "InvalidInstanceID.NotFound" in explicit.stderr


@pytest.fixture(autouse=True, scope="module")
def _cli_is_the_v1_cli(aws):
    version = subprocess.run(
        [aws.executable, "--version"], capture_output=True, text=True, env=aws.env()
    )
    assert (version.stdout + version.stderr).startswith("aws-cli/1."), version
