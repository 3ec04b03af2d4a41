#!/usr/bin/env python3
"""Lists every request parameter of the EC2 actions cumulo implements, as botocore's
model of the EC2 API (2016-11-15) names them on the wire, one per line:
action, parameter (list indexes as 1), a value of its type.

Usage: .venv/bin/python scripts/ec2-input-parameters.py > tests/data/ec2-input-parameters.tsv

The unit test `every_parameter_of_the_aws_shapes_is_accepted` reads the output: each
parameter a client may send must be read by the action's typed input, not refused as
UnknownParameter.
"""
import re
import sys
from pathlib import Path

import botocore.session

ROOT = Path(__file__).resolve().parent.parent
# Nova's own actions, which AWS does not have.
NOT_AWS = {"DescribeInstancesV6", "UpdateImage"}


def cumulo_actions():
    controller = (ROOT / "src/ec2/controller.rs").read_text()
    names = re.findall(r"^    ([A-Z][A-Za-z0-9]*) =>", controller, re.MULTILINE)
    return [name for name in names if name not in NOT_AWS]


def wire_name(member_name, member):
    """The EC2 protocol's name: queryName, else locationName capitalized, else the
    member's own name capitalized."""
    if member.serialization.get("queryName"):
        return member.serialization["queryName"]
    name = member.serialization.get("name") or member_name
    return name[0].upper() + name[1:]


def sample(shape):
    if shape.type_name in ("integer", "long"):
        return "1"
    if shape.type_name == "boolean":
        return "true"
    if shape.type_name in ("double", "float"):
        return "1.0"
    if getattr(shape, "enum", None):
        return shape.enum[0]
    return "x"


def walk(shape, prefix, seen, out):
    if shape.type_name == "structure":
        if shape.name in seen:
            return
        for member_name, member in shape.members.items():
            walk(member, prefix + [wire_name(member_name, member)], seen | {shape.name}, out)
    elif shape.type_name == "list":
        walk(shape.member, prefix + ["1"], seen, out)
    elif shape.type_name == "map":
        out.append((".".join(prefix + ["1", "Key"]), "x"))
    else:
        out.append((".".join(prefix), sample(shape)))


def main():
    model = botocore.session.get_session().get_service_model("ec2")
    for action in cumulo_actions():
        operation = model.operation_model(action)
        parameters = []
        if operation.input_shape is not None:
            walk(operation.input_shape, [], frozenset(), parameters)
        for name, value in parameters:
            sys.stdout.write(f"{action}\t{name}\t{value}\n")


if __name__ == "__main__":
    main()
