"""Measures the EC2 server's HTTP throughput against a bare hyper server sending the same bytes.

Run by scripts/bench-http, which builds both binaries and installs wrk. For each action it
signs one request with SigV4, captures the server's exact response, serves those bytes
from the bare hyper example, and replays the signed request with wrk against both.
Everything stays on loopback, and every wrk run is bounded by --duration.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

ACCESS_KEY = "cumulo"
SECRET_KEY = "cumulo-secret"
REGION = "us-east-1"
API_VERSION = "2016-11-15"
INSTANCE_COUNT = 100
LAUNCH_BATCH = 10
STARTUP_TIMEOUT_SECONDS = 30
CONNECTION_SETTINGS = [(1, 1), (64, 2)]  # (connections, wrk threads)
ACTIONS = [
    ("DescribeInstances", f"{INSTANCE_COUNT} instances"),
    ("DescribeRegions", "a small action"),
]


def start(command: list[str], ready: re.Pattern, stack: ExitStack) -> str:
    """Starts a server, waits for its ready line, returns the URL in it."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL
    )
    stack.callback(stop, process)
    found: dict[str, str] = {}
    event = threading.Event()

    def read_stdout() -> None:
        for raw in process.stdout:
            match = ready.match(raw.decode("utf-8", "replace").strip())
            if match and not event.is_set():
                found["url"] = match.group(1)
                event.set()
        event.set()

    threading.Thread(target=read_stdout, daemon=True).start()
    event.wait(STARTUP_TIMEOUT_SECONDS)
    if "url" not in found:
        sys.exit(f"{command[0]} printed no ready line within {STARTUP_TIMEOUT_SECONDS}s")
    return found["url"]


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def launch_instances(endpoint: str) -> None:
    client = boto3.session.Session(
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION
    ).client("ec2", endpoint_url=endpoint, config=Config(retries={"total_max_attempts": 1}))
    image_id = client.describe_images()["Images"][0]["ImageId"]
    instance_ids = []
    for _ in range(INSTANCE_COUNT // LAUNCH_BATCH):
        reservation = client.run_instances(
            ImageId=image_id, InstanceType="t2.micro", MinCount=LAUNCH_BATCH, MaxCount=LAUNCH_BATCH
        )
        instance_ids += [instance["InstanceId"] for instance in reservation["Instances"]]

    # Measure a settled response: states no longer change under the benchmark.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pages = client.get_paginator("describe_instances").paginate(InstanceIds=instance_ids)
        states = {
            instance["State"]["Name"]
            for page in pages
            for reservation in page["Reservations"]
            for instance in reservation["Instances"]
        }
        if states == {"running"}:
            return
        time.sleep(0.5)
    sys.exit(f"instances were not all running after 60s: {states}")


def signed_request(endpoint: str, action: str) -> tuple[str, dict[str, str]]:
    body = f"Action={action}&Version={API_VERSION}"
    request = AWSRequest(
        method="POST",
        url=endpoint,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "ec2", REGION).add_auth(request)
    headers = {name: value for name, value in request.prepare().headers.items()}
    return body, headers


def capture_response(endpoint: str, body: str, headers: dict[str, str]) -> bytes:
    request = urllib.request.Request(endpoint, data=body.encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 200:
            sys.exit(f"signed request answered {response.status}")
        return response.read()


def lua_string(value: str) -> str:
    escaped = []
    for char in value:
        if char in '"\\':
            escaped.append("\\" + char)
        elif 32 <= ord(char) < 127:
            escaped.append(char)
        else:
            escaped.append("".join(f"\\{byte}" for byte in char.encode()))
    return '"' + "".join(escaped) + '"'


def wrk_script(body: str, headers: dict[str, str]) -> str:
    lines = ['wrk.method = "POST"', f"wrk.body = {lua_string(body)}"]
    for name, value in headers.items():
        # wrk writes Host and Content-Length itself.
        if name.lower() in ("host", "content-length"):
            continue
        lines.append(f"wrk.headers[{lua_string(name)}] = {lua_string(value)}")
    return "\n".join(lines) + "\n"


def run_wrk(url: str, script: Path, connections: int, threads: int, duration: int) -> float:
    output = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "5s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=True,
    ).stdout
    non_success = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_success:
        sys.exit(f"{url} answered {non_success.group(1)} requests with an error:\n{output}")
    errors = re.search(r"Socket errors: (.*)", output)
    if errors:
        print(f"  note: {url}: socket errors: {errors.group(1)}", file=sys.stderr)
    requests_per_second = re.search(r"Requests/sec:\s+([0-9.]+)", output)
    if not requests_per_second:
        sys.exit(f"wrk printed no Requests/sec:\n{output}")
    return float(requests_per_second.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--server-bin", required=True, help="the cloud_server example binary")
    parser.add_argument("--baseline-bin", required=True, help="the bare_hyper example binary")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    options = parser.parse_args()

    rows = []
    with ExitStack() as stack, tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        endpoint = start(
            [options.server_bin, "--ec2-listen", "127.0.0.1:0"],
            re.compile(r"^EC2 API: (http://127\.0\.0\.1:\d+/)$"),
            stack,
        )
        print(f"cumulo at {endpoint}; launching {INSTANCE_COUNT} instances", flush=True)
        launch_instances(endpoint)

        for action, description in ACTIONS:
            body, headers = signed_request(endpoint, action)
            response = capture_response(endpoint, body, headers)
            response_file = scratch / f"{action}.xml"
            response_file.write_bytes(response)
            script = scratch / f"{action}.lua"
            script.write_text(wrk_script(body, headers))

            with ExitStack() as baseline_stack:
                baseline = start(
                    [options.baseline_bin, "--listen", "127.0.0.1:0", str(response_file)],
                    re.compile(r"^listening on (http://127\.0\.0\.1:\d+)$"),
                    baseline_stack,
                )
                for connections, threads in CONNECTION_SETTINGS:
                    print(
                        f"{action} ({len(response)} bytes), {connections} connection(s)", flush=True
                    )
                    cumulo = run_wrk(endpoint, script, connections, threads, options.duration)
                    bare = run_wrk(baseline + "/", script, connections, threads, options.duration)
                    rows.append((f"{action} ({description})", connections, cumulo, bare))

    print()
    header = ("action", "connections", "cumulo req/s", "bare hyper req/s", "cumulo/bare")
    widths = [max(len(header[0]), *(len(row[0]) for row in rows)), 11, 12, 16, 11]
    print(
        "  ".join(title.ljust(width) for title, width in zip(header, widths, strict=True)).rstrip()
    )
    for action, connections, cumulo, bare in rows:
        cells = [
            action,
            str(connections),
            f"{cumulo:.0f}",
            f"{bare:.0f}",
            f"{cumulo / bare:.2f}" if bare else "-",
        ]
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()
        )


if __name__ == "__main__":
    main()
