"""The aws CLI against the server: own images and the errors a user typing
`aws ec2 ...-image...` sees."""

from __future__ import annotations

import re

from conftest import ACCOUNT_ID

# The CLI may add how many retries it made before the message.
ERROR_LINE = re.compile(
    r"^An error occurred \((?P<code>[^)]+)\) when calling the (?P<operation>\w+) operation"
    r"(?: \(reached max retries: \d+\))?: (?P<message>.*)$",
    re.MULTILINE,
)


def launched(aws, image_id: str) -> str:
    reservation = aws(
        "run-instances", "--image-id", image_id, "--instance-type", "t2.micro", "--count", "1"
    )
    instance_id = reservation["Instances"][0]["InstanceId"]
    aws("wait", "instance-running", "--instance-ids", instance_id)
    return instance_id


def error_line(result, code: str, operation: str, message: str) -> None:
    assert result.returncode != 0, result.stdout
    found = ERROR_LINE.search(result.stderr)
    assert found, result.stderr
    assert found.group("code", "operation", "message") == (code, operation, message)


def test_create_image_share_and_deregister_with_the_cli(aws, image_id, unique):
    instance_id = launched(aws, image_id)
    created = aws("create-image", "--instance-id", instance_id, "--name", f"cli-{unique}")
    new_image_id = created["ImageId"]

    own = aws("describe-images", "--owners", "self", "--filters", f"Name=name,Values=cli-{unique}")
    assert [(image["ImageId"], image["OwnerId"]) for image in own["Images"]] == [
        (new_image_id, ACCOUNT_ID)
    ]

    aws(
        "modify-image-attribute",
        "--image-id",
        new_image_id,
        "--launch-permission",
        "Add=[{Group=all}]",
    )
    permissions = aws(
        "describe-image-attribute", "--image-id", new_image_id, "--attribute", "launchPermission"
    )
    assert permissions == {"ImageId": new_image_id, "LaunchPermissions": [{"Group": "all"}]}

    aws("deregister-image", "--image-id", new_image_id)
    assert aws("describe-images", "--image-ids", new_image_id) == {"Images": []}
    error_line(
        aws.run("deregister-image", "--image-id", new_image_id),
        "InvalidAMIID.Unavailable",
        "DeregisterImage",
        f"The image '{new_image_id}' has been deregistered and is no longer available.",
    )


def test_image_errors_through_the_cli(aws, image_id):
    error_line(
        aws.run("describe-images", "--image-ids", "ami-abcd1234"),
        "InvalidAMIID.NotFound",
        "DescribeImages",
        "The image id '[ami-abcd1234]' does not exist",
    )
    error_line(
        aws.run("describe-images", "--image-ids", "bogus"),
        "InvalidAMIID.Malformed",
        "DescribeImages",
        'Invalid id: "bogus" (expecting "ami-...")',
    )
    error_line(
        aws.run("create-image", "--instance-id", "i-0123456789abcdef0", "--name", "nothing"),
        "InvalidInstanceID.NotFound",
        "CreateImage",
        "The instance ID 'i-0123456789abcdef0' does not exist",
    )
    error_line(
        aws.run("register-image", "--name", "nothing"),
        "MissingParameter",
        "RegisterImage",
        "The request must contain the parameter ImageLocation or a root device mapping "
        "with Ebs.SnapshotId",
    )
    error_line(
        aws.run("deregister-image", "--image-id", image_id),
        "AuthFailure",
        "DeregisterImage",
        f"Not authorized for image:{image_id}",
    )
