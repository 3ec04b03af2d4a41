"""The metadata service over plain HTTP: an instance launched through boto3 reads its id,
public key and user data, without a token, with an IMDSv2 session token, and through a
metadata proxy's signed headers.

The server runs with `--metadata-caller newest`, so these requests, coming from
loopback, read as the newest running instance of project `default`: each test launches
the instance it then reads. It is a server of its own, so no other test launches in
between.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request

import pytest

from conftest import DEFAULT, EPHEMERAL, REGION, make_client, start_server, stop_server

PROXY_SECRET = "interop-proxy-secret"
WAITER_CONFIG = {"Delay": 1, "MaxAttempts": 30}
USER_DATA = b"#!/bin/sh\necho from-user-data\n\x00\xff\xfe binary tail"


@pytest.fixture(scope="module")
def metadata_server(tmp_path_factory):
    log_path = tmp_path_factory.mktemp("metadata-server") / "cloud_server.log"
    arguments = [
        *EPHEMERAL,
        "--metadata-caller", "newest",
        "--metadata-secret", PROXY_SECRET,
        "--region", REGION,
        "--credential", DEFAULT.flag(),
    ]
    process, urls = start_server(log_path, arguments, ("EC2 API", "Metadata"))
    yield {"ec2": urls["EC2 API"], "metadata": urls["Metadata"]}
    stop_server(process)


@pytest.fixture(scope="module")
def ec2(metadata_server):
    return make_client(metadata_server["ec2"], DEFAULT)


@pytest.fixture(scope="module")
def metadata(metadata_server) -> str:
    return metadata_server["metadata"]


@pytest.fixture(scope="module")
def key_pair(ec2) -> tuple[str, str]:
    name = "metadata-interop"
    ec2.create_key_pair(KeyName=name, KeyType="ed25519")
    described = ec2.describe_key_pairs(KeyNames=[name], IncludePublicKey=True)
    return name, described["KeyPairs"][0]["PublicKey"]


def launch(ec2, key_name: str, http_tokens: str) -> str:
    image_id = ec2.describe_images()["Images"][0]["ImageId"]
    response = ec2.run_instances(
        ImageId=image_id,
        InstanceType="t2.micro",
        MinCount=1,
        MaxCount=1,
        KeyName=key_name,
        UserData=USER_DATA,
        MetadataOptions={"HttpTokens": http_tokens},
    )
    instance_id = response["Instances"][0]["InstanceId"]
    ec2.get_waiter("instance_running").wait(InstanceIds=[instance_id], WaiterConfig=WAITER_CONFIG)
    return instance_id


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None):
    """(status, headers, body) of a plain HTTP request, error statuses included."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_without_a_token_the_instance_reads_its_id_key_and_user_data(ec2, metadata, key_pair):
    key_name, public_key = key_pair
    instance_id = launch(ec2, key_name, "optional")

    assert fetch(f"{metadata}/latest/meta-data/instance-id")[::2] == (200, instance_id.encode())
    assert fetch(f"{metadata}/latest/meta-data/public-keys/")[::2] == (
        200,
        f"0={key_name}".encode(),
    )
    status, _, key = fetch(f"{metadata}/latest/meta-data/public-keys/0/openssh-key")
    assert (status, key.decode().strip()) == (200, public_key.strip())
    assert fetch(f"{metadata}/latest/user-data")[::2] == (200, USER_DATA)


def test_with_a_session_token_the_instance_reads_its_id_key_and_user_data(
    ec2, metadata, key_pair
):
    key_name, public_key = key_pair
    instance_id = launch(ec2, key_name, "required")

    status, _, body = fetch(f"{metadata}/latest/meta-data/instance-id")
    assert (status, body) == (401, b"Unauthorized")

    ttl = {"X-aws-ec2-metadata-token-ttl-seconds": "60"}
    status, headers, token = fetch(f"{metadata}/latest/api/token", "PUT", ttl)
    assert status == 200
    assert headers["X-aws-ec2-metadata-token-ttl-seconds"] == "60"
    with_token = {"X-aws-ec2-metadata-token": token.decode()}

    assert fetch(f"{metadata}/latest/meta-data/instance-id", headers=with_token)[::2] == (
        200,
        instance_id.encode(),
    )
    status, _, key = fetch(
        f"{metadata}/latest/meta-data/public-keys/0/openssh-key", headers=with_token
    )
    assert (status, key.decode().strip()) == (200, public_key.strip())
    assert fetch(f"{metadata}/latest/user-data", headers=with_token)[::2] == (200, USER_DATA)

    forged = {"X-aws-ec2-metadata-token": "forged"}
    assert fetch(f"{metadata}/latest/meta-data/instance-id", headers=forged)[0] == 401
    assert fetch(f"{metadata}/latest/api/token", "PUT")[0] == 400
    proxied = {**ttl, "X-Forwarded-For": "10.0.0.9"}
    assert fetch(f"{metadata}/latest/api/token", "PUT", proxied)[0] == 403


def test_through_signed_headers_a_proxy_reads_any_instance(ec2, metadata, key_pair):
    key_name, public_key = key_pair
    instance_id = launch(ec2, key_name, "optional")
    # Launched after it, so the signed headers, not the loopback caller, pick the instance.
    launch(ec2, key_name, "optional")
    signature = hmac.new(PROXY_SECRET.encode(), instance_id.encode(), hashlib.sha256).hexdigest()
    signed = {
        "X-Instance-ID": instance_id,
        "X-Tenant-ID": DEFAULT.project,
        "X-Instance-ID-Signature": signature,
    }

    assert fetch(f"{metadata}/latest/meta-data/instance-id", headers=signed)[::2] == (
        200,
        instance_id.encode(),
    )
    status, _, key = fetch(
        f"{metadata}/latest/meta-data/public-keys/0/openssh-key", headers=signed
    )
    assert (status, key.decode().strip()) == (200, public_key.strip())
    assert fetch(f"{metadata}/latest/user-data", headers=signed)[::2] == (200, USER_DATA)

    status, _, document = fetch(f"{metadata}/openstack/latest/meta_data.json", headers=signed)
    assert status == 200
    meta_data = json.loads(document)
    assert meta_data["public_keys"] == {key_name: public_key}
    assert meta_data["project_id"] == DEFAULT.project

    other_tenant = {**signed, "X-Tenant-ID": "other"}
    assert fetch(f"{metadata}/latest/meta-data/instance-id", headers=other_tenant)[0] == 404
    bad = {**signed, "X-Instance-ID-Signature": "0" * 64}
    assert fetch(f"{metadata}/latest/meta-data/instance-id", headers=bad)[0] == 403
    missing = {k: v for k, v in signed.items() if k != "X-Tenant-ID"}
    assert fetch(f"{metadata}/latest/meta-data/instance-id", headers=missing)[0] == 400
