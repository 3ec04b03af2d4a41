"""boto3 against the server: pagination, filters, idempotency, waiters, errors, signing."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import urllib.error
import urllib.parse
import urllib.request
from xml.etree import ElementTree

import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from conftest import DEFAULT, REGION, make_client, wait_for_state

API_VERSION = "2016-11-15"
EC2_NAMESPACE = f"http://ec2.amazonaws.com/doc/{API_VERSION}/"
WAITER_CONFIG = {"Delay": 1, "MaxAttempts": 30}


def run_one(client, image_id: str, **extra) -> dict:
    params = {
        "ImageId": image_id,
        "InstanceType": "t2.micro",
        "MinCount": 1,
        "MaxCount": 1,
    }
    params.update(extra)
    return client.run_instances(**params)


def tagged(key: str, value: str) -> list[dict]:
    return [{"ResourceType": "instance", "Tags": [{"Key": key, "Value": value}]}]


def instance_ids_of(response: dict) -> list[str]:
    return [
        instance["InstanceId"]
        for reservation in response["Reservations"]
        for instance in reservation["Instances"]
    ]


def error_of(excinfo) -> tuple[str, int]:
    error = excinfo.value.response
    return error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]


# Authentication


def test_wrong_secret_key_is_auth_failure_with_status_401(endpoint):
    client = make_client(endpoint, DEFAULT, secret_key="not-the-secret")

    with pytest.raises(ClientError) as excinfo:
        client.describe_regions()

    assert error_of(excinfo) == ("AuthFailure", 401)


# Errors


def test_unknown_instance_id_is_not_found_with_status_400(ec2):
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_instances(InstanceIds=["i-deadbeef"])

    assert error_of(excinfo) == ("InvalidInstanceID.NotFound", 400)


def test_malformed_instance_id_is_malformed_with_status_400(ec2):
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_instances(InstanceIds=["bogus"])

    assert error_of(excinfo) == ("InvalidInstanceID.Malformed", 400)


def test_unknown_action_is_invalid_action_in_an_xml_error(endpoint):
    request = AWSRequest(
        method="POST",
        url=endpoint,
        data=f"Action=FooBar&Version={API_VERSION}",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials(DEFAULT.access_key, DEFAULT.secret_key), "ec2", REGION).add_auth(request)

    status, headers, body = send(request)

    assert status == 400
    assert headers["Content-Type"].split(";")[0].strip() == "text/xml"
    assert "<Code>InvalidAction</Code>" in body
    assert "<html" not in body.lower()


def test_other_project_cannot_see_or_name_this_projects_instances(ec2, other_ec2, image_id):
    instance_id = run_one(ec2, image_id)["Instances"][0]["InstanceId"]

    assert instance_id not in instance_ids_of(other_ec2.describe_instances())
    with pytest.raises(ClientError) as excinfo:
        other_ec2.describe_instances(InstanceIds=[instance_id])
    assert error_of(excinfo) == ("InvalidInstanceID.NotFound", 400)


# Pagination


def test_paginator_splits_twelve_instances_into_pages_of_five_five_two(
    paging_ec2, image_id, unique
):
    launched = {
        run_one(paging_ec2, image_id, TagSpecifications=tagged("batch", unique))["Instances"][0][
            "InstanceId"
        ]
        for _ in range(12)
    }
    paginator = paging_ec2.get_paginator("describe_instances")

    pages = list(
        paginator.paginate(
            Filters=[{"Name": "tag:batch", "Values": [unique]}],
            PaginationConfig={"PageSize": 5},
        )
    )

    per_page = [len(instance_ids_of(page)) for page in pages]
    assert per_page == [5, 5, 2]
    seen = [instance_id for page in pages for instance_id in instance_ids_of(page)]
    assert len(seen) == 12
    assert set(seen) == launched
    assert "NextToken" not in pages[-1]


def test_max_results_below_five_is_invalid_parameter_value(ec2):
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_instances(MaxResults=4)

    assert error_of(excinfo) == ("InvalidParameterValue", 400)


def test_instance_ids_with_max_results_is_invalid_parameter_combination(ec2, image_id):
    instance_id = run_one(ec2, image_id)["Instances"][0]["InstanceId"]

    with pytest.raises(ClientError) as excinfo:
        ec2.describe_instances(InstanceIds=[instance_id], MaxResults=5)

    assert error_of(excinfo) == ("InvalidParameterCombination", 400)


# Filters


def test_filters_match_state_type_and_tag_key_with_wildcards(ec2, image_id, unique):
    small = run_one(ec2, image_id, TagSpecifications=tagged(f"filter-{unique}-a", "x"))
    other_type = run_one(
        ec2,
        image_id,
        InstanceType="t3.micro",
        TagSpecifications=tagged(f"filter-{unique}-b", "y"),
    )
    small_id = small["Instances"][0]["InstanceId"]
    other_type_id = other_type["Instances"][0]["InstanceId"]
    wait_for_state(ec2, [small_id, other_type_id], "running")
    ec2.stop_instances(InstanceIds=[other_type_id])
    wait_for_state(ec2, [other_type_id], "stopped")
    ours = {"Name": "tag-key", "Values": [f"filter-{unique}-*"]}

    def matching(*filters) -> set[str]:
        return set(instance_ids_of(ec2.describe_instances(Filters=[ours, *filters])))

    assert matching() == {small_id, other_type_id}
    assert matching({"Name": "instance-type", "Values": ["t2.*"]}) == {small_id}
    assert matching({"Name": "instance-type", "Values": ["t3.micr?"]}) == {other_type_id}
    assert matching({"Name": "instance-state-name", "Values": ["run*"]}) == {small_id}
    assert matching({"Name": "instance-state-name", "Values": ["stopped", "running"]}) == {
        small_id,
        other_type_id,
    }
    assert matching({"Name": "tag-key", "Values": [f"filter-{unique}-?"]}) == {
        small_id,
        other_type_id,
    }
    assert matching({"Name": "tag-key", "Values": [f"filter-{unique}-b"]}) == {other_type_id}
    assert matching({"Name": "instance-type", "Values": ["m5.*"]}) == set()


# Idempotency


def test_same_client_token_returns_the_same_reservation(ec2, image_id, unique):
    first = run_one(ec2, image_id, ClientToken=f"token-{unique}")
    second = run_one(ec2, image_id, ClientToken=f"token-{unique}")

    assert second["ReservationId"] == first["ReservationId"]
    assert [i["InstanceId"] for i in second["Instances"]] == [
        i["InstanceId"] for i in first["Instances"]
    ]


def test_same_client_token_with_other_parameters_is_idempotent_parameter_mismatch(
    ec2, image_id, unique
):
    run_one(ec2, image_id, ClientToken=f"token-{unique}")

    with pytest.raises(ClientError) as excinfo:
        run_one(ec2, image_id, ClientToken=f"token-{unique}", InstanceType="t2.small")

    assert error_of(excinfo) == ("IdempotentParameterMismatch", 400)


# DryRun


def test_dry_run_of_run_instances_is_dry_run_operation_with_status_412(ec2, image_id):
    with pytest.raises(ClientError) as excinfo:
        run_one(ec2, image_id, DryRun=True)

    assert error_of(excinfo) == ("DryRunOperation", 412)


def test_dry_run_of_describe_instances_is_dry_run_operation_with_status_412(ec2):
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_instances(DryRun=True)

    assert error_of(excinfo) == ("DryRunOperation", 412)


# Waiters


def test_instance_running_and_stopped_waiters_finish(ec2, image_id):
    instance_id = run_one(ec2, image_id)["Instances"][0]["InstanceId"]

    ec2.get_waiter("instance_running").wait(InstanceIds=[instance_id], WaiterConfig=WAITER_CONFIG)
    ec2.stop_instances(InstanceIds=[instance_id])
    ec2.get_waiter("instance_stopped").wait(InstanceIds=[instance_id], WaiterConfig=WAITER_CONFIG)

    [instance] = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"]
    assert instance["State"] == {"Code": 80, "Name": "stopped"}


# Tags


def test_tags_round_trip_on_an_instance(ec2, image_id, unique):
    instance_id = run_one(ec2, image_id)["Instances"][0]["InstanceId"]
    by_resource = [{"Name": "resource-id", "Values": [instance_id]}]

    ec2.create_tags(
        Resources=[instance_id],
        Tags=[{"Key": "Name", "Value": f"web-{unique}"}, {"Key": "team", "Value": "infra"}],
    )

    described = ec2.describe_tags(Filters=by_resource)["Tags"]
    assert sorted(described, key=lambda tag: tag["Key"]) == [
        {
            "Key": "Name",
            "Value": f"web-{unique}",
            "ResourceId": instance_id,
            "ResourceType": "instance",
        },
        {"Key": "team", "Value": "infra", "ResourceId": instance_id, "ResourceType": "instance"},
    ]
    [instance] = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"]
    assert sorted(instance["Tags"], key=lambda tag: tag["Key"]) == [
        {"Key": "Name", "Value": f"web-{unique}"},
        {"Key": "team", "Value": "infra"},
    ]

    ec2.delete_tags(Resources=[instance_id], Tags=[{"Key": "team"}])
    remaining = ec2.describe_tags(Filters=by_resource)["Tags"]
    assert [(tag["Key"], tag["Value"]) for tag in remaining] == [("Name", f"web-{unique}")]

    ec2.delete_tags(Resources=[instance_id], Tags=[{"Key": "Name", "Value": f"web-{unique}"}])
    assert ec2.describe_tags(Filters=by_resource)["Tags"] == []


# Account


def test_account_attributes_report_vpc_platform_and_a_default_vpc(ec2):
    attributes = {
        attribute["AttributeName"]: [
            value["AttributeValue"] for value in attribute["AttributeValues"]
        ]
        for attribute in ec2.describe_account_attributes()["AccountAttributes"]
    }

    assert attributes["supported-platforms"] == ["VPC"]
    [default_vpc] = attributes["default-vpc"]
    assert default_vpc.startswith("vpc-")


# Instance state rules


def test_termination_protection_blocks_terminate_even_when_stopped(ec2, image_id):
    instance_id = run_one(ec2, image_id)["Instances"][0]["InstanceId"]
    wait_for_state(ec2, [instance_id], "running")
    ec2.modify_instance_attribute(InstanceId=instance_id, DisableApiTermination={"Value": True})
    ec2.stop_instances(InstanceIds=[instance_id])
    wait_for_state(ec2, [instance_id], "stopped")

    with pytest.raises(ClientError) as excinfo:
        ec2.terminate_instances(InstanceIds=[instance_id])

    assert error_of(excinfo) == ("OperationNotPermitted", 400)
    attribute = ec2.describe_instance_attribute(
        InstanceId=instance_id, Attribute="disableApiTermination"
    )
    assert attribute["DisableApiTermination"] == {"Value": True}
    ec2.modify_instance_attribute(InstanceId=instance_id, DisableApiTermination={"Value": False})
    terminating = ec2.terminate_instances(InstanceIds=[instance_id])["TerminatingInstances"]
    assert terminating[0]["PreviousState"] == {"Code": 80, "Name": "stopped"}


def test_changing_instance_type_while_running_is_incorrect_instance_state(ec2, image_id):
    instance_id = run_one(ec2, image_id)["Instances"][0]["InstanceId"]
    wait_for_state(ec2, [instance_id], "running")

    with pytest.raises(ClientError) as excinfo:
        ec2.modify_instance_attribute(InstanceId=instance_id, InstanceType={"Value": "t2.small"})

    assert error_of(excinfo) == ("IncorrectInstanceState", 400)


def test_starting_a_terminated_instance_is_incorrect_instance_state(ec2, image_id):
    instance_id = run_one(ec2, image_id)["Instances"][0]["InstanceId"]
    ec2.terminate_instances(InstanceIds=[instance_id])
    wait_for_state(ec2, [instance_id], "terminated")

    with pytest.raises(ClientError) as excinfo:
        ec2.start_instances(InstanceIds=[instance_id])

    assert error_of(excinfo) == ("IncorrectInstanceState", 400)


# Signing by hand


def send(request: AWSRequest) -> tuple[int, dict, str]:
    prepared = request.prepare()
    body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    outgoing = urllib.request.Request(
        prepared.url,
        data=body or None,
        headers=dict(prepared.headers.items()),
        method=prepared.method,
    )
    return send_urllib(outgoing)


def send_urllib(outgoing: urllib.request.Request) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(outgoing, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_sigv4_presigned_url_describes_regions(endpoint):
    query = urllib.parse.urlencode({"Action": "DescribeRegions", "Version": API_VERSION})
    request = AWSRequest(method="GET", url=f"{endpoint}?{query}")
    SigV4QueryAuth(
        Credentials(DEFAULT.access_key, DEFAULT.secret_key), "ec2", REGION, expires=300
    ).add_auth(request)
    assert "X-Amz-Signature=" in request.url

    status, _, body = send_urllib(urllib.request.Request(request.url, method="GET"))

    assert status == 200, body
    assert "<DescribeRegionsResponse" in body


def rfc3986(value: str) -> str:
    return urllib.parse.quote(value, safe="-_.~")


def test_sigv2_signed_post_describes_regions(endpoint):
    parsed = urllib.parse.urlsplit(endpoint)
    # The Host header urllib sends, port included: the string to sign must use the same.
    host = parsed.netloc.lower()
    path = parsed.path or "/"
    params = {
        "Action": "DescribeRegions",
        "Version": API_VERSION,
        "AWSAccessKeyId": DEFAULT.access_key,
        "SignatureVersion": "2",
        "SignatureMethod": "HmacSHA256",
        "Timestamp": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    canonical_query = "&".join(
        f"{rfc3986(name)}={rfc3986(value)}" for name, value in sorted(params.items())
    )
    string_to_sign = f"POST\n{host}\n{path}\n{canonical_query}"
    signature = base64.b64encode(
        hmac.new(DEFAULT.secret_key.encode(), string_to_sign.encode(), hashlib.sha256).digest()
    ).decode()
    body = f"{canonical_query}&Signature={rfc3986(signature)}"

    status, _, text = send_urllib(
        urllib.request.Request(
            endpoint,
            data=body.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            method="POST",
        )
    )

    assert status == 200, text
    assert "<DescribeRegionsResponse" in text


# Nova's extensions, which no AWS client models: signed by botocore, sent by hand.


def signed_post(endpoint: str, params: dict[str, str]) -> tuple[int, str]:
    request = AWSRequest(
        method="POST",
        url=endpoint,
        data=urllib.parse.urlencode({**params, "Version": API_VERSION}),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials(DEFAULT.access_key, DEFAULT.secret_key), "ec2", REGION).add_auth(
        request
    )
    status, _, body = send(request)
    return status, body


def xml_texts(body: str, element: str) -> list[str]:
    root = ElementTree.fromstring(body)
    return [node.text or "" for node in root.iter(f"{{{EC2_NAMESPACE}}}{element}")]


def test_describe_instances_v6_adds_each_instance_ipv6_address(ec2, endpoint, image_id):
    launched = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1)["Instances"][0]
    instance_id = launched["InstanceId"]
    third, fourth = (int(part) for part in launched["PrivateIpAddress"].split(".")[2:])

    status, body = signed_post(
        endpoint, {"Action": "DescribeInstancesV6", "InstanceId.1": instance_id}
    )

    assert status == 200, body
    assert ElementTree.fromstring(body).tag == f"{{{EC2_NAMESPACE}}}DescribeInstancesV6Response"
    assert xml_texts(body, "instanceId") == [instance_id]
    # The instance and its network interface both show it.
    [ipv6] = set(xml_texts(body, "ipv6Address"))
    assert ipv6.endswith(f"::{third << 8 | fourth:x}"), ipv6
    plain = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    assert "Ipv6Address" not in plain
    ec2.terminate_instances(InstanceIds=[instance_id])


def test_update_image_renames_an_own_image(ec2, endpoint, image_id, unique):
    instance_id = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"
    ]
    wait_for_state(ec2, [instance_id], "running")
    own_image = ec2.create_image(InstanceId=instance_id, Name=f"before-{unique}")["ImageId"]

    status, body = signed_post(
        endpoint,
        {
            "Action": "UpdateImage",
            "ImageId": own_image,
            "Name": f"after-{unique}",
            "Description": "renamed",
        },
    )

    assert status == 200, body
    assert xml_texts(body, "return") == ["true"]
    image = ec2.describe_images(ImageIds=[own_image])["Images"][0]
    assert (image["Name"], image["Description"]) == (f"after-{unique}", "renamed")

    status, body = signed_post(
        endpoint, {"Action": "UpdateImage", "ImageId": image_id, "Name": "not-mine"}
    )
    assert status == 401, body
    assert [node.text for node in ElementTree.fromstring(body).iter("Code")] == ["AuthFailure"]
    ec2.deregister_image(ImageId=own_image)
    ec2.terminate_instances(InstanceIds=[instance_id])


def test_key_pairs_zones_console_and_reboot_through_boto3(ec2, image_id, unique):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    public = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    imported = ec2.import_key_pair(KeyName=f"boto-{unique}", PublicKeyMaterial=public)
    assert imported["KeyName"] == f"boto-{unique}"
    assert imported["KeyFingerprint"].count(":") == 0  # ed25519: base64 SHA-256, no colons
    with pytest.raises(ClientError) as duplicate:
        ec2.import_key_pair(KeyName=f"boto-{unique}", PublicKeyMaterial=public)
    assert duplicate.value.response["Error"]["Code"] == "InvalidKeyPair.Duplicate"
    ec2.delete_key_pair(KeyName=f"boto-{unique}")
    assert ec2.describe_key_pairs(
        Filters=[{"Name": "key-name", "Values": [f"boto-{unique}"]}]
    )["KeyPairs"] == []

    zones = ec2.describe_availability_zones()["AvailabilityZones"]
    assert [zone["ZoneName"] for zone in zones] == [
        "us-east-1a", "us-east-1b", "us-east-1c"
    ]
    assert {zone["State"] for zone in zones} == {"available"}

    instance_id = run_one(ec2, image_id)["Instances"][0]["InstanceId"]
    wait_for_state(ec2, [instance_id], "running")
    ec2.reboot_instances(InstanceIds=[instance_id])
    wait_for_state(ec2, [instance_id], "running")
    console = ec2.get_console_output(InstanceId=instance_id)
    assert console["InstanceId"] == instance_id
    with pytest.raises(ClientError) as missing:
        ec2.reboot_instances(InstanceIds=["i-0123456789abcdef0"])
    assert missing.value.response["Error"]["Code"] == "InvalidInstanceID.NotFound"
    ec2.terminate_instances(InstanceIds=[instance_id])
