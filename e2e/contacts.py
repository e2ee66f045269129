"""Reading fixtures and comparing them with DescribeContact answers, member by member."""
import datetime
import glob
import json
import os
import re

import botocore.session

MODEL = botocore.session.get_session().get_service_model("connect")
CONTACT_SHAPE = MODEL.operation_model("DescribeContact").output_shape.members["Contact"]


CLI_MEMBER_TREE = r"""
import json
from awscli.clidriver import create_clidriver
def tree(shape, depth=0):
    if depth > 12:
        return None
    if shape.type_name == "structure":
        return {k: tree(v, depth + 1) for k, v in shape.members.items()}
    if shape.type_name == "list":
        return [tree(shape.member, depth + 1)]
    if shape.type_name == "map":
        return {"{}": tree(shape.value, depth + 1)}
    return None
model = create_clidriver().session.get_service_model("connect")
print(json.dumps(tree(model.operation_model("DescribeContact").output_shape.members["Contact"])))
"""


def cli_member_tree():
    """The Contact members of the model the `aws` CLI parses with, asked of a fresh interpreter as
    the CLI starts (awscli 1.46 carries its own copy of the model, which can lag the botocore
    pinned beside it, and which module a process gets depends on what it imported first)."""
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-c", CLI_MEMBER_TREE], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def known_to(tree, value):
    """`value` with only the members of a `cli_member_tree()`: what a client parsing with that
    model keeps."""
    if isinstance(tree, dict) and list(tree) == ["{}"] and isinstance(value, dict):
        return {k: known_to(tree["{}"], v) for k, v in value.items()}
    if isinstance(tree, dict) and isinstance(value, dict):
        return {k: known_to(tree[k], v) for k, v in value.items() if k in tree}
    if isinstance(tree, list) and isinstance(value, list):
        return [known_to(tree[0], v) for v in value]
    return value


def fixture_contacts(folder):
    """Every contact in a fixture folder, as (file, contact dict, instance id or None); users and queues are skipped."""
    out = []
    for path in sorted(glob.glob(os.path.join(folder, "**", "*.json*"), recursive=True)):
        with open(path) as f:
            if path.endswith(".jsonl"):
                docs = [json.loads(line) for line in f if line.strip()]
            else:
                doc = json.load(f)
                if isinstance(doc, dict) and list(doc) == ["Contacts"]:
                    docs = doc["Contacts"]
                elif isinstance(doc, list):
                    docs = doc
                else:
                    docs = [doc]
        for d in docs:
            if "User" in d or "Queue" in d:
                continue  # the directory's users and queues (test_directory.py)
            contact = d["Contact"] if "Contact" in d else d
            out.append((path, contact, d.get("InstanceId")))
    return out


RELATIVE = re.compile(r"^now(?:([+-])((?:\d+[dhms])+))?$")


def instant(value, now):
    """A fixture timestamp (epoch, ISO 8601 or now±N) as an aware datetime."""
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    if isinstance(value, datetime.datetime):
        return value
    m = RELATIVE.match(value)
    if m:
        seconds = 0
        if m.group(2):
            for n, unit in re.findall(r"(\d+)([dhms])", m.group(2)):
                seconds += int(n) * {"d": 86400, "h": 3600, "m": 60, "s": 1}[unit]
        return now + datetime.timedelta(seconds=seconds if m.group(1) == "+" else -seconds)
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


def assert_same(expected, actual, now, shape=CONTACT_SHAPE, path="$.Contact"):
    """Fails unless `actual` (botocore- or CLI-parsed) equals the fixture member for member."""
    if shape.type_name == "structure":
        assert isinstance(actual, dict), f"{path}: expected an object, got {actual!r}"
        for name in set(expected) | set(actual):
            if name == "ResponseMetadata":
                continue
            assert name in expected, f"{path}.{name}: present in the answer but not in the fixture"
            assert name in actual, f"{path}.{name}: in the fixture but missing from the answer"
            assert_same(expected[name], actual[name], now, shape.members[name], f"{path}.{name}")
    elif shape.type_name == "list":
        assert len(expected) == len(actual), f"{path}: {len(expected)} items expected, {len(actual)} found"
        for k, (e, a) in enumerate(zip(expected, actual)):
            assert_same(e, a, now, shape.member, f"{path}[{k}]")
    elif shape.type_name == "map":
        assert set(expected) == set(actual), f"{path}: keys differ"
        for k in expected:
            assert_same(expected[k], actual[k], now, shape.value, f"{path}[{k!r}]")
    elif shape.type_name == "timestamp":
        e, a = instant(expected, now), instant(actual, now)
        assert abs((e - a).total_seconds()) < 0.001, f"{path}: {e.isoformat()} expected, {a.isoformat()} found"
    elif shape.type_name in ("float", "double"):
        assert abs(float(expected) - float(actual)) < 1e-9, f"{path}: {expected} expected, {actual} found"
    else:
        assert expected == actual, f"{path}: {expected!r} expected, {actual!r} found"
