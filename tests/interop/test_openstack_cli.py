"""The openstack CLI (python-openstackclient), unchanged, against the example server:
password authentication through its Identity v3 endpoint, the compute endpoint from the
token's catalog, images through its read-only image endpoint."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.request

import pytest

from conftest import CLOUD_METADATA_SECRET, DEMO

FLAVOR = "t3.micro"
BIGGER_FLAVOR = "t3.small"


def wait_for_status(cli, server: str, status: str, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    shown = cli("server", "show", server, "-f", "json")
    while shown["status"] != status:
        if time.monotonic() > deadline:
            pytest.fail(f"server {server} is {shown['status']}, not {status}, after {timeout}s")
        time.sleep(0.3)
        shown = cli("server", "show", server, "-f", "json")
    return shown


@pytest.fixture(scope="module")
def image(openstack_cli) -> dict:
    images = openstack_cli("image", "list", "-f", "json")
    assert images, "the image endpoint listed no images"
    return images[0]


def test_flavor_list_shows_instance_types(openstack_cli):
    flavors = {flavor["Name"]: flavor for flavor in openstack_cli("flavor", "list", "-f", "json")}
    assert FLAVOR in flavors
    assert BIGGER_FLAVOR in flavors
    assert flavors[FLAVOR]["ID"] == FLAVOR
    assert flavors[FLAVOR]["VCPUs"] == 2
    assert flavors[FLAVOR]["RAM"] == 1024


def test_flavor_show_and_long_list_read_extra_specs(openstack_cli):
    shown = openstack_cli("flavor", "show", FLAVOR, "-f", "json")
    assert shown["name"] == FLAVOR
    assert shown["vcpus"] == 2
    assert shown["properties"] == {"hw:cpu_arch": "x86_64"}
    listed = openstack_cli("flavor", "list", "--long", "-f", "json")
    by_name = {flavor["Name"]: flavor for flavor in listed}
    assert by_name[FLAVOR]["Properties"] == {"hw:cpu_arch": "x86_64"}


def test_image_list_matches_the_image_endpoint_and_ec2(openstack_cli, cloud_ec2, image):
    ids = {entry["ID"] for entry in openstack_cli("image", "list", "-f", "json")}
    amis = {entry["ImageId"] for entry in cloud_ec2.describe_images()["Images"]}
    assert ids == amis
    assert image["Status"] == "active"


def test_server_lifecycle(openstack_cli, image, unique):
    name = f"cli-{unique}"
    created = openstack_cli(
        "server", "create", "--image", image["ID"], "--flavor", FLAVOR,
        "--no-network", name, "-f", "json",
    )
    server_id = created["id"]
    assert created["name"] == name
    assert created["adminPass"]

    listed = openstack_cli("server", "list", "--name", name, "-f", "json")
    assert [entry["ID"] for entry in listed] == [server_id]

    shown = wait_for_status(openstack_cli, server_id, "ACTIVE")
    assert shown["name"] == name
    assert shown["flavor"]["original_name"] == FLAVOR
    assert shown["flavor"]["vcpus"] == 2

    openstack_cli("server", "reboot", server_id)
    wait_for_status(openstack_cli, server_id, "ACTIVE")

    openstack_cli("server", "stop", server_id)
    wait_for_status(openstack_cli, server_id, "SHUTOFF")
    openstack_cli("server", "start", server_id)
    wait_for_status(openstack_cli, server_id, "ACTIVE")

    openstack_cli("server", "resize", "--flavor", BIGGER_FLAVOR, server_id)
    resized = wait_for_status(openstack_cli, server_id, "VERIFY_RESIZE")
    assert resized["flavor"]["original_name"] == BIGGER_FLAVOR
    openstack_cli("server", "resize", "confirm", server_id)
    confirmed = wait_for_status(openstack_cli, server_id, "ACTIVE")
    assert confirmed["flavor"]["original_name"] == BIGGER_FLAVOR

    openstack_cli("server", "delete", server_id)
    deadline = time.monotonic() + 30
    while openstack_cli("server", "list", "--name", name, "-f", "json"):
        assert time.monotonic() < deadline, "the deleted server is still listed"
        time.sleep(0.3)
    missing = openstack_cli.run("server", "show", server_id)
    assert missing.returncode == 1
    assert "No Server found" in missing.stderr


def test_server_show_by_name(openstack_cli, image, unique):
    name = f"byname-{unique}"
    created = openstack_cli(
        "server", "create", "--image", image["Name"], "--flavor", FLAVOR,
        "--no-network", name, "-f", "json",
    )
    shown = openstack_cli("server", "show", name, "-f", "json")
    assert shown["id"] == created["id"]
    openstack_cli("server", "delete", created["id"])


def test_keypair_create_list_delete(openstack_cli, unique):
    name = f"key-{unique}"
    private_key = openstack_cli("keypair", "create", name)
    assert "PRIVATE KEY" in private_key
    listed = {entry["Name"]: entry for entry in openstack_cli("keypair", "list", "-f", "json")}
    assert name in listed
    assert listed[name]["Fingerprint"]
    openstack_cli("keypair", "delete", name)
    listed = {entry["Name"] for entry in openstack_cli("keypair", "list", "-f", "json")}
    assert name not in listed


def test_limits_show_counts_the_project_servers(openstack_cli, image, unique):
    def used() -> int:
        limits = openstack_cli("limits", "show", "--absolute", "-f", "json")
        values = {entry["Name"]: entry["Value"] for entry in limits}
        assert values["max_total_instances"] == 1000
        return values["total_instances_used"]

    before = used()
    created = openstack_cli(
        "server", "create", "--image", image["ID"], "--flavor", FLAVOR,
        "--no-network", f"limits-{unique}", "-f", "json",
    )
    assert used() == before + 1
    openstack_cli("server", "delete", created["id"])


def test_another_project_does_not_see_the_server(
    openstack_cli, other_openstack_cli, image, unique
):
    created = openstack_cli(
        "server", "create", "--image", image["ID"], "--flavor", FLAVOR,
        "--no-network", f"private-{unique}", "-f", "json",
    )
    other_ids = {entry["ID"] for entry in other_openstack_cli("server", "list", "-f", "json")}
    assert created["id"] not in other_ids
    refused = other_openstack_cli.run("server", "show", created["id"])
    assert refused.returncode == 1
    openstack_cli("server", "delete", created["id"])


def test_wrong_password_is_refused(cloud):
    from conftest import DEMO, OpenStackCli, User

    cli = OpenStackCli(cloud, User(DEMO.name, "not-the-password", DEMO.project))
    result = cli.run("server", "list")
    assert result.returncode == 1
    assert "401" in result.stderr


def test_a_server_reads_its_openstack_metadata_through_a_signed_proxy(
    openstack_cli, cloud, image, unique
):
    name = f"cli-meta-{unique}"
    created = openstack_cli(
        "server", "create", "--image", image["ID"], "--flavor", FLAVOR, "--no-network",
        "--property", "role=web", name, "-f", "json",
    )
    server_id = created["id"]
    wait_for_status(openstack_cli, server_id, "ACTIVE")

    # Neutron's metadata proxy names the instance by its server id, signed with the
    # shared secret; Nova asks for no session token.
    signature = hmac.new(
        CLOUD_METADATA_SECRET.encode(), server_id.encode(), hashlib.sha256
    ).hexdigest()
    request = urllib.request.Request(
        f"{cloud.metadata}/openstack/latest/meta_data.json",
        headers={
            "X-Instance-ID": server_id,
            "X-Tenant-ID": DEMO.project,
            "X-Instance-ID-Signature": signature,
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        document = json.load(response)
    assert document["uuid"] == server_id
    assert document["name"] == name
    assert document["meta"] == {"role": "web"}
    assert document["project_id"] == DEMO.project
    openstack_cli("server", "delete", server_id)
