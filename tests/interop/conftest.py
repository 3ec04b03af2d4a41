"""Starts the example EC2 server once per session and hands tests real AWS clients for it.

The server binary comes from CUMULO_SERVER_BIN (scripts/test builds it and sets it).
Every client talks to it over loopback with credentials given on its command line;
nothing from the host's AWS configuration is read.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
STARTUP_TIMEOUT_SECONDS = 30

# Keep the host's AWS settings (profiles, endpoints, regions) out of every client.
for _name in [name for name in os.environ if name.startswith("AWS_")]:
    del os.environ[_name]
os.environ["AWS_CONFIG_FILE"] = "/dev/null"
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"


@dataclasses.dataclass(frozen=True)
class Credential:
    access_key: str
    secret_key: str
    project: str

    def flag(self) -> str:
        return f"{self.access_key}:{self.secret_key}:{self.project}"


DEFAULT = Credential("cumulo", "cumulo-secret", "default")
OTHER = Credential("other", "other-secret", "other")
# A project of its own for the tests that count every instance they can see.
PAGING = Credential("paging", "paging-secret", "paging")
CREDENTIALS = [DEFAULT, OTHER, PAGING]

_SERVER_LOGS: list[Path] = []


@dataclasses.dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path


def _server_binary() -> str:
    binary = os.environ.get("CUMULO_SERVER_BIN")
    if not binary:
        pytest.fail(
            "CUMULO_SERVER_BIN is not set: run scripts/test, or build "
            "`cargo build --release --example cloud_server` and point it at the binary",
            pytrace=False,
        )
    if not os.access(binary, os.X_OK):
        pytest.fail(f"CUMULO_SERVER_BIN={binary} is not an executable file", pytrace=False)
    return binary


# Every listener on a port of its own choosing, so that no test needs a fixed port.
EPHEMERAL = [
    "--ec2-listen", "127.0.0.1:0",
    "--metadata-listen", "127.0.0.1:0",
    "--compute-listen", "127.0.0.1:0",
    "--identity-listen", "127.0.0.1:0",
    "--image-listen", "127.0.0.1:0",
]


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Server:
    log_path = tmp_path_factory.mktemp("server") / "cloud_server.log"
    _SERVER_LOGS.append(log_path)
    arguments = [*EPHEMERAL, "--region", REGION]
    for credential in CREDENTIALS:
        arguments += ["--credential", credential.flag()]
    process, urls = start_server(log_path, arguments, ("EC2 API",))
    yield Server(url=urls["EC2 API"] + "/", process=process, log_path=log_path)
    stop_server(process)


@pytest.fixture(scope="session")
def endpoint(server: Server) -> str:
    return server.url


def make_client(endpoint: str, credential: Credential, secret_key: str | None = None):
    session = boto3.session.Session(
        aws_access_key_id=credential.access_key,
        aws_secret_access_key=secret_key or credential.secret_key,
        region_name=REGION,
    )
    # One attempt only, so that a server error shows as it is instead of being retried.
    config = Config(
        retries={"total_max_attempts": 1, "mode": "standard"},
        connect_timeout=5,
        read_timeout=60,
    )
    return session.client("ec2", endpoint_url=endpoint, config=config)


@pytest.fixture(scope="session")
def ec2(endpoint):
    return make_client(endpoint, DEFAULT)


@pytest.fixture(scope="session")
def other_ec2(endpoint):
    return make_client(endpoint, OTHER)


@pytest.fixture(scope="session")
def paging_ec2(endpoint):
    return make_client(endpoint, PAGING)


@pytest.fixture(scope="session")
def image_id(ec2) -> str:
    images = ec2.describe_images()["Images"]
    assert images, "DescribeImages returned no images"
    return images[0]["ImageId"]


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:12]


class AwsCli:
    """Runs the aws CLI against the server with only the given credential in its env."""

    def __init__(self, endpoint: str, credential: Credential):
        self.endpoint = endpoint
        self.credential = credential
        self.executable = _aws_executable()

    def env(self, secret_key: str | None = None) -> dict[str, str]:
        env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
        env.update(
            AWS_ACCESS_KEY_ID=self.credential.access_key,
            AWS_SECRET_ACCESS_KEY=secret_key or self.credential.secret_key,
            AWS_DEFAULT_REGION=REGION,
            AWS_CONFIG_FILE="/dev/null",
            AWS_SHARED_CREDENTIALS_FILE="/dev/null",
            AWS_EC2_METADATA_DISABLED="true",
            AWS_RETRY_MODE="standard",
            AWS_MAX_ATTEMPTS="1",
            AWS_PAGER="",
        )
        return env

    def run(self, *args: str, secret_key: str | None = None) -> subprocess.CompletedProcess:
        command = [
            self.executable,
            "--endpoint-url",
            self.endpoint,
            "--output",
            "json",
            "ec2",
            *args,
        ]
        return subprocess.run(
            command,
            env=self.env(secret_key),
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )

    def __call__(self, *args: str) -> dict:
        """Runs a command that must succeed and returns its JSON output ({} if none)."""
        result = self.run(*args)
        assert result.returncode == 0, (
            f"aws ec2 {' '.join(args)} exited {result.returncode}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}"
        )
        return json.loads(result.stdout) if result.stdout.strip() else {}


def _aws_executable() -> str:
    beside_python = Path(sys.executable).parent / "aws"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("aws")
    if not found:
        pytest.fail("the aws CLI is not installed (pip install awscli)", pytrace=False)
    return found


@pytest.fixture(scope="session")
def aws(endpoint) -> AwsCli:
    return AwsCli(endpoint, DEFAULT)


@pytest.fixture(scope="session")
def other_aws(endpoint) -> AwsCli:
    return AwsCli(endpoint, OTHER)


def instance_states(client, instance_ids: list[str]) -> dict[str, str]:
    reservations = client.describe_instances(InstanceIds=instance_ids)["Reservations"]
    return {
        instance["InstanceId"]: instance["State"]["Name"]
        for reservation in reservations
        for instance in reservation["Instances"]
    }


def wait_for_state(client, instance_ids: list[str], state: str, timeout: float = 30.0) -> None:
    """Polls DescribeInstances until every instance is in `state`, as a client of EC2 must."""
    deadline = time.monotonic() + timeout
    states = instance_states(client, instance_ids)
    while any(states.get(i) != state for i in instance_ids):
        if time.monotonic() > deadline:
            pytest.fail(f"instances did not reach {state!r} within {timeout}s: {states}")
        time.sleep(0.2)
        states = instance_states(client, instance_ids)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if exitstatus not in (0, 5):
        for log in _SERVER_LOGS:
            terminalreporter.write_line(f"server log: {log}")


# The OpenStack side: one server with every API on its own port, shared by the
# OpenStack tests, with Identity users for the password flow and NoAuth tokens
# (`user:project`) for openstacksdk's `auth_type: none` and `admin_token`.
SERVICE_LINE = re.compile(
    r"^(EC2 API|Compute API|Identity API|Image API|Metadata): (http://127\.0\.0\.1:\d+)/$"
)
OPENSTACK_SERVICES = ("EC2 API", "Compute API", "Identity API", "Image API", "Metadata")
# The secret a metadata proxy signs X-Instance-ID with, on the `cloud` server.
CLOUD_METADATA_SECRET = "cloud-proxy-secret"


@dataclasses.dataclass(frozen=True)
class User:
    name: str
    password: str
    project: str

    def flag(self) -> str:
        return f"{self.name}:{self.password}:{self.project}"


DEMO = User("demo", "demo-password", "default")
OTHER_USER = User("otheruser", "other-password", "other")


@dataclasses.dataclass
class Cloud:
    """The URLs of one server's APIs, without a trailing slash."""

    ec2: str
    compute: str
    identity: str
    image: str
    metadata: str | None = None


def start_server(log_path: Path, arguments: list[str], wanted: tuple[str, ...]):
    """Starts cloud_server with `arguments` and waits until it has printed the URL line
    of every service in `wanted`; answers the process and the URLs by service name."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [_server_binary(), *arguments],
            stdout=subprocess.PIPE,
            stderr=log,
            stdin=subprocess.DEVNULL,
        )
    urls: dict[str, str] = {}
    ready = threading.Event()

    def read_stdout() -> None:
        for raw in process.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            match = SERVICE_LINE.match(line)
            if match:
                urls[match.group(1)] = match.group(2)
            if all(name in urls for name in wanted):
                ready.set()
        ready.set()

    threading.Thread(target=read_stdout, daemon=True).start()
    ready.wait(STARTUP_TIMEOUT_SECONDS)
    missing = [name for name in wanted if name not in urls]
    if missing:
        process.kill()
        process.wait()
        pytest.fail(
            f"server printed no line for {missing}; stderr:\n"
            f"{log_path.read_text(errors='replace')[-4000:]}",
            pytrace=False,
        )
    return process, urls


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def cloud(tmp_path_factory) -> Cloud:
    log_path = tmp_path_factory.mktemp("openstack-server") / "cloud_server.log"
    _SERVER_LOGS.append(log_path)
    arguments = [
        *EPHEMERAL,
        "--compute-noauth",
        "--region", REGION,
        "--credential", DEFAULT.flag(),
        "--credential", OTHER.flag(),
        "--user", DEMO.flag(),
        "--user", OTHER_USER.flag(),
        "--metadata-secret", CLOUD_METADATA_SECRET,
    ]
    process, urls = start_server(log_path, arguments, OPENSTACK_SERVICES)
    yield Cloud(
        ec2=urls["EC2 API"],
        compute=urls["Compute API"],
        identity=urls["Identity API"],
        image=urls["Image API"],
        metadata=urls["Metadata"],
    )
    stop_server(process)


@pytest.fixture(scope="session")
def cloud_ec2(cloud):
    return make_client(cloud.ec2, DEFAULT)


@pytest.fixture(scope="session")
def cloud_other_ec2(cloud):
    return make_client(cloud.ec2, OTHER)


class OpenStackCli:
    """Runs the openstack CLI with password authentication through the Identity
    endpoint, with only its own OS_* variables in the environment."""

    def __init__(self, cloud: Cloud, user: User):
        self.cloud = cloud
        self.user = user
        beside_python = Path(sys.executable).parent / "openstack"
        self.executable = str(beside_python) if beside_python.exists() else "openstack"

    def env(self) -> dict[str, str]:
        env = {name: value for name, value in os.environ.items() if not name.startswith("OS_")}
        env.update(
            OS_AUTH_URL=f"{self.cloud.identity}/v3",
            OS_IDENTITY_API_VERSION="3",
            OS_USERNAME=self.user.name,
            OS_PASSWORD=self.user.password,
            OS_PROJECT_NAME=self.user.project,
            OS_USER_DOMAIN_NAME="Default",
            OS_PROJECT_DOMAIN_NAME="Default",
            OS_REGION_NAME="RegionOne",
            OS_INTERFACE="public",
        )
        return env

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [self.executable, *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )

    def __call__(self, *args: str):
        """Runs a command that must succeed; JSON output (`-f json`) comes back parsed."""
        result = self.run(*args)
        assert result.returncode == 0, (
            f"openstack {' '.join(args)} exited {result.returncode}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}"
        )
        if "-f" in args and result.stdout.strip():
            return json.loads(result.stdout)
        return result.stdout


@pytest.fixture(scope="session")
def openstack_cli(cloud) -> OpenStackCli:
    return OpenStackCli(cloud, DEMO)


@pytest.fixture(scope="session")
def other_openstack_cli(cloud) -> OpenStackCli:
    return OpenStackCli(cloud, OTHER_USER)
