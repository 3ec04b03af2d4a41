"""`cloud_server --single-port`: EC2, Compute, Identity and images on one port, told
apart by path (what the identity catalog lists) and by Host subdomain."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from conftest import DEFAULT, DEMO, REGION, Cloud, OpenStackCli, make_client, start_server
from conftest import stop_server


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    log_path = tmp_path_factory.mktemp("single-port") / "cloud_server.log"
    arguments = [
        "--single-port", "127.0.0.1:0",
        "--metadata-listen", "127.0.0.1:0",
        "--region", REGION,
        "--credential", DEFAULT.flag(),
        "--user", DEMO.flag(),
    ]
    process, urls = start_server(log_path, arguments, ("EC2 API",))
    base = urls["EC2 API"]
    yield Cloud(
        ec2=base,
        compute=f"{base}/compute",
        identity=f"{base}/identity",
        image=f"{base}/image",
    )
    stop_server(process)


def get(url: str, host: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_openstack_cli_works_through_the_paths_of_the_catalog(single):
    cli = OpenStackCli(single, DEMO)
    images = cli("image", "list", "-f", "json")
    assert images
    created = cli(
        "server", "create", "--image", images[0]["ID"], "--flavor", "t3.micro",
        "--no-network", "single-port-server", "-f", "json",
    )
    listed = cli("server", "list", "-f", "json")
    assert [entry["ID"] for entry in listed] == [created["id"]]
    # The same instance through EC2 on the same port.
    ec2 = make_client(f"{single.ec2}/services/Cloud", DEFAULT)
    reservations = ec2.describe_instances(
        Filters=[{"Name": "tag:Name", "Values": ["single-port-server"]}]
    )["Reservations"]
    assert len(reservations) == 1
    cli("server", "delete", created["id"])


def test_hosts_pick_the_service(single):
    root = single.ec2 + "/"
    status, compute = get(root, "compute.cloud.test")
    assert status == 200
    assert [version["id"] for version in compute["versions"]] == ["v2.0", "v2.1"]
    status, identity = get(root, "identity.cloud.test")
    assert status == 300
    assert [version["id"] for version in identity["versions"]["values"]] == ["v3.14"]
    status, image = get(root, "image.cloud.test")
    assert status == 300
    assert image["versions"][0]["links"][0]["href"] == "http://image.cloud.test/v2/"
    status, by_path = get(f"{single.compute}/v2.1/")
    assert status == 200
    assert by_path["version"]["links"][0]["href"] == f"{single.compute}/v2.1/"
