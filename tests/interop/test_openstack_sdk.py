"""openstacksdk and python-novaclient's library against the compute endpoint without
an identity service: openstacksdk with `auth_type: none` and `admin_token`, novaclient
with keystoneauth's NoAuth plugin, and a server created through one API seen by the
other."""

from __future__ import annotations

import time

import openstack
import pytest
from keystoneauth1 import noauth, session
from novaclient import client as nova_client
from openstack import exceptions as sdk_exceptions

from conftest import wait_for_state

FLAVOR = "t3.micro"


def connect(cloud, **auth):
    return openstack.connection.Connection(
        identity_api_version="3",
        image_endpoint_override=cloud.image,
        **auth,
    )


@pytest.fixture(scope="module")
def sdk_none(cloud):
    """auth_type none: the token is `notused`, read by NoAuth as user and project."""
    return connect(cloud, auth_type="none", auth={"endpoint": f"{cloud.compute}/v2.1"})


@pytest.fixture(scope="module")
def sdk_admin_token(cloud):
    """admin_token `sdk:default`: user `sdk` in project `default`, EC2's default one."""
    return connect(
        cloud,
        auth_type="admin_token",
        auth={"token": "sdk:default", "endpoint": f"{cloud.compute}/v2.1"},
    )


def image_id(connection) -> str:
    images = list(connection.image.images())
    assert images, "no images"
    return images[0].id


def wait_for_server_status(connection, server_id: str, status: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    server = connection.compute.get_server(server_id)
    while server.status != status:
        if time.monotonic() > deadline:
            pytest.fail(f"server {server_id} is {server.status}, not {status}")
        time.sleep(0.3)
        server = connection.compute.get_server(server_id)
    return server


def test_sdk_none_lists_flavors_and_limits(sdk_none):
    names = {flavor.name for flavor in sdk_none.compute.flavors()}
    assert FLAVOR in names
    limits = sdk_none.compute.get_limits()
    assert limits.absolute.instances > 0
    assert limits.absolute.instances_used == 0


def test_sdk_none_server_lifecycle(sdk_none, unique):
    flavor = sdk_none.compute.find_flavor(FLAVOR)
    server = sdk_none.compute.create_server(
        name=f"sdk-{unique}", image_id=image_id(sdk_none), flavor_id=flavor.id, networks="none"
    )
    assert server.admin_password
    server = wait_for_server_status(sdk_none, server.id, "ACTIVE")
    assert server.name == f"sdk-{unique}"
    assert server.project_id == "notused"
    assert [s.id for s in sdk_none.compute.servers(name=f"sdk-{unique}")] == [server.id]

    sdk_none.compute.reboot_server(server, "HARD")
    wait_for_server_status(sdk_none, server.id, "ACTIVE")
    sdk_none.compute.stop_server(server)
    wait_for_server_status(sdk_none, server.id, "SHUTOFF")
    sdk_none.compute.start_server(server)
    wait_for_server_status(sdk_none, server.id, "ACTIVE")

    sdk_none.compute.delete_server(server)
    sdk_none.compute.wait_for_delete(server, interval=0.3, wait=30)
    with pytest.raises(sdk_exceptions.NotFoundException) as raised:
        sdk_none.compute.get_server(server.id)
    assert server.id in str(raised.value)


def test_sdk_keypairs(sdk_none, unique):
    created = sdk_none.compute.create_keypair(name=f"sdk-key-{unique}")
    assert created.private_key.startswith("-----BEGIN")
    names = {keypair.name for keypair in sdk_none.compute.keypairs()}
    assert f"sdk-key-{unique}" in names
    sdk_none.compute.delete_keypair(created)
    names = {keypair.name for keypair in sdk_none.compute.keypairs()}
    assert f"sdk-key-{unique}" not in names


def test_sdk_lists_servers_sorted_and_paged_in_that_order(cloud, unique):
    # A project of its own, so that only this test's servers are listed.
    sdk = connect(
        cloud,
        auth_type="admin_token",
        auth={"token": f"sorter:sort-{unique}", "endpoint": f"{cloud.compute}/v2.1"},
    )
    flavor = sdk.compute.find_flavor(FLAVOR)
    for name in ["charlie", "alpha", "bravo"]:
        sdk.compute.create_server(
            name=name, image_id=image_id(sdk), flavor_id=flavor.id, networks="none"
        )
    ascending = sdk.compute.servers(sort_key="display_name", sort_dir="asc", limit=2)
    assert [server.name for server in ascending] == ["alpha", "bravo", "charlie"]
    descending = sdk.compute.servers(sort_key="display_name", sort_dir="desc")
    assert [server.name for server in descending] == ["charlie", "bravo", "alpha"]
    with pytest.raises(sdk_exceptions.BadRequestException) as raised:
        list(sdk.compute.servers(sort_key="bogus"))
    assert raised.value.status_code == 400
    for server in sdk.compute.servers():
        sdk.compute.delete_server(server)


def test_sdk_missing_server_is_not_found(sdk_none):
    missing = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(sdk_exceptions.NotFoundException) as raised:
        sdk_none.compute.get_server(missing)
    assert raised.value.status_code == 404


def test_created_through_openstack_is_an_ec2_instance(sdk_admin_token, cloud_ec2, unique):
    name = f"cross-{unique}"
    server = sdk_admin_token.compute.create_server(
        name=name, image_id=image_id(sdk_admin_token), flavor_id=FLAVOR, networks="none"
    )
    found = cloud_ec2.describe_instances(
        Filters=[{"Name": "tag:Name", "Values": [name]}]
    )["Reservations"]
    instances = [instance for reservation in found for instance in reservation["Instances"]]
    assert len(instances) == 1
    instance = instances[0]
    assert instance["InstanceType"] == FLAVOR
    assert instance["ImageId"] == image_id(sdk_admin_token)
    wait_for_state(cloud_ec2, [instance["InstanceId"]], "running")

    cloud_ec2.stop_instances(InstanceIds=[instance["InstanceId"]])
    wait_for_server_status(sdk_admin_token, server.id, "SHUTOFF")

    cloud_ec2.terminate_instances(InstanceIds=[instance["InstanceId"]])
    sdk_admin_token.compute.wait_for_delete(server, interval=0.3, wait=30)


def test_launched_through_ec2_is_an_openstack_server(
    sdk_admin_token, cloud_ec2, cloud_other_ec2, unique
):
    name = f"from-ec2-{unique}"
    image = cloud_ec2.describe_images()["Images"][0]["ImageId"]
    launched = cloud_ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.small",
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}
        ],
    )["Instances"][0]
    servers = list(sdk_admin_token.compute.servers(name=name))
    assert len(servers) == 1
    server = wait_for_server_status(sdk_admin_token, servers[0].id, "ACTIVE")
    assert server.flavor.name == "t3.small"
    assert server.image.id == image
    assert server.project_id == "default"

    sdk_admin_token.compute.stop_server(server)
    wait_for_state(cloud_ec2, [launched["InstanceId"]], "stopped")

    # Project `other` sees neither the instance nor the server.
    other = cloud_other_ec2.describe_instances(
        Filters=[{"Name": "tag:Name", "Values": [name]}]
    )["Reservations"]
    assert other == []

    sdk_admin_token.compute.delete_server(server)
    wait_for_state(cloud_ec2, [launched["InstanceId"]], "terminated")


def test_key_pairs_are_shared_between_the_apis(sdk_admin_token, cloud_ec2, unique):
    name = f"shared-{unique}"
    cloud_ec2.create_key_pair(KeyName=name)
    keypair = sdk_admin_token.compute.get_keypair(name)
    described = cloud_ec2.describe_key_pairs(KeyNames=[name])["KeyPairs"][0]
    assert keypair.fingerprint
    assert keypair.name == described["KeyName"]
    sdk_admin_token.compute.delete_keypair(name)
    assert cloud_ec2.describe_key_pairs(
        Filters=[{"Name": "key-name", "Values": [name]}]
    )["KeyPairs"] == []


@pytest.fixture(scope="module")
def nova(cloud):
    auth = noauth.NoAuth(endpoint=f"{cloud.compute}/v2.1")
    sess = session.Session(auth=auth)
    return nova_client.Client("2.1", session=sess, endpoint_override=f"{cloud.compute}/v2.1")


def test_novaclient_library(nova, sdk_none, unique):
    flavor_names = {flavor.name for flavor in nova.flavors.list()}
    assert FLAVOR in flavor_names
    keypair = nova.keypairs.create(f"nova-{unique}")
    assert keypair.private_key.startswith("-----BEGIN")
    assert f"nova-{unique}" in {entry.name for entry in nova.keypairs.list()}
    nova.keypairs.delete(keypair)

    server = nova.servers.create(f"nova-{unique}", image_id(sdk_none), FLAVOR)
    assert server.adminPass
    listed = [entry.id for entry in nova.servers.list(search_opts={"name": f"nova-{unique}"})]
    assert listed == [server.id]
    shown = nova.servers.get(server.id)
    assert shown.name == f"nova-{unique}"
    nova.servers.delete(server.id)


def test_novaclient_discovers_the_newest_version(nova, cloud):
    from novaclient import api_versions

    newest = api_versions.discover_version(nova, api_versions.APIVersion("2.latest"))
    assert newest.get_string() == "2.47"
