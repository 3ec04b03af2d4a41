"""Two API nodes sharing one memcached lock an access key out together."""

from __future__ import annotations

import os
import secrets
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import EPHEMERAL, REGION, start_server, stop_server

LOCKED = "This access key is temporarily locked after too many failed authentications."
REFUSED = "AWS was not able to validate the provided access credentials"


@pytest.fixture
def two_nodes(tmp_path):
    memcached = os.environ.get("MEMCACHED_ADDR")
    if not memcached:
        pytest.fail("MEMCACHED_ADDR is not set: scripts/test starts memcached and sets it")
    access_key = "node-key-" + secrets.token_hex(8)
    processes, urls = [], []
    for name in ("a", "b"):
        log_path = tmp_path / f"node-{name}.log"
        arguments = [
            *EPHEMERAL,
            "--credential", f"{access_key}:right-secret",
            "--lockout-memcached", memcached,
        ]
        process, started = start_server(log_path, arguments, ("EC2 API",))
        processes.append(process)
        urls.append(started["EC2 API"] + "/")
    yield access_key, urls
    for process in processes:
        stop_server(process)


def client(url: str, access_key: str, secret: str):
    return boto3.session.Session(
        aws_access_key_id=access_key, aws_secret_access_key=secret, region_name=REGION
    ).client(
        "ec2",
        endpoint_url=url,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, max_pool_connections=64),
    )


def message_of(call) -> str:
    try:
        call()
    except ClientError as error:
        assert error.response["Error"]["Code"] == "AuthFailure"
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 401
        return error.response["Error"]["Message"]
    return "ok"


def test_five_failures_spread_over_two_nodes_lock_the_key_on_both(two_nodes):
    access_key, (node_a, node_b) = two_nodes
    wrong_a = client(node_a, access_key, "wrong")
    wrong_b = client(node_b, access_key, "wrong")
    answers = [message_of(wrong_a.describe_regions) for _ in range(3)]
    answers += [message_of(wrong_b.describe_regions) for _ in range(2)]
    assert answers == [REFUSED] * 5

    for node in (node_a, node_b):
        right = client(node, access_key, "right-secret")
        assert message_of(right.describe_regions) == LOCKED


def test_a_burst_of_fifty_bad_requests_over_two_nodes_verifies_five(two_nodes):
    access_key, (node_a, node_b) = two_nodes
    clients = [client(node_a, access_key, "wrong"), client(node_b, access_key, "wrong")]
    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(
            pool.map(lambda n: message_of(clients[n % 2].describe_regions), range(50))
        )
    assert answers.count(REFUSED) == 5
    assert answers.count(LOCKED) == 45
