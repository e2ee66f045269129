"""Strict validation of raw DescribeContact JSON against botocore's model, and member-path coverage.

botocore's own parser drops unknown members silently, so this walks the model itself: unknown
members, types, enums, lengths, ranges and patterns are all errors.
"""
import re

from contacts import CONTACT_SHAPE

INT_RANGES = {"integer": (-2**31, 2**31 - 1), "long": (-2**63, 2**63 - 1)}


def validate(value, shape=CONTACT_SHAPE, path="$.Contact", paths=None):
    """Returns a list of problems; adds every member path seen to `paths`."""
    problems = []
    t = shape.type_name
    if paths is not None:
        paths.add(re.sub(r"\[\d+\]", "[]", re.sub(r"\['[^']*'\]", "{}", path)))
    if t == "structure":
        if not isinstance(value, dict):
            return [f"{path}: expected an object"]
        for k, v in value.items():
            if k not in shape.members:
                problems.append(f"{path}.{k}: unknown member")
                continue
            problems += validate(v, shape.members[k], f"{path}.{k}", paths)
        for r in shape.required_members:
            if r not in value:
                problems.append(f"{path}.{r}: required")
        if shape.metadata.get("union", False) and len(value) != 1:
            problems.append(f"{path}: union with {len(value)} members")
    elif t == "list":
        if not isinstance(value, list):
            return [f"{path}: expected a list"]
        problems += check_size(shape, len(value), path)
        for i, v in enumerate(value):
            problems += validate(v, shape.member, f"{path}[{i}]", paths)
    elif t == "map":
        if not isinstance(value, dict):
            return [f"{path}: expected a map"]
        problems += check_size(shape, len(value), path)
        for k, v in value.items():
            problems += validate(k, shape.key, f"{path}['{k}'](key)", None)
            problems += validate(v, shape.value, f"{path}['{k}']", paths)
    elif t == "string":
        if not isinstance(value, str):
            return [f"{path}: expected a string, found {value!r}"]
        if shape.enum and value not in shape.enum:
            problems.append(f"{path}: {value!r} is not one of {shape.enum}")
        problems += check_size(shape, len(value.encode('utf-16-le')) // 2, path)
        pattern = shape.metadata.get("pattern")
        if pattern and not re.fullmatch(pattern, value):
            problems.append(f"{path}: {value!r} does not match {pattern}")
    elif t in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{path}: expected an integer, found {value!r}"]
        lo, hi = INT_RANGES[t]
        lo, hi = shape.metadata.get("min", lo), shape.metadata.get("max", hi)
        if not lo <= value <= hi:
            problems.append(f"{path}: {value} outside {lo}..{hi}")
    elif t in ("float", "double"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return [f"{path}: expected a number"]
        if "min" in shape.metadata and value < shape.metadata["min"] or "max" in shape.metadata and value > shape.metadata["max"]:
            problems.append(f"{path}: {value} out of range")
    elif t == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{path}: expected a boolean")
    elif t == "timestamp":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            problems.append(f"{path}: expected epoch seconds, found {value!r}")
    return problems


def check_size(shape, n, path):
    out = []
    if "min" in shape.metadata and n < shape.metadata["min"]:
        out.append(f"{path}: size {n} below {shape.metadata['min']}")
    if "max" in shape.metadata and n > shape.metadata["max"]:
        out.append(f"{path}: size {n} above {shape.metadata['max']}")
    return out


def all_member_paths(shape=CONTACT_SHAPE, path="$.Contact", seen=()):
    """Every member path of the model, a recursive shape followed to its second visit."""
    out = set()
    if seen.count(shape.name) >= 2:
        return out
    seen = seen + (shape.name,)
    if shape.type_name == "structure":
        for k, m in shape.members.items():
            out.add(f"{path}.{k}")
            out |= all_member_paths(m, f"{path}.{k}", seen)
    elif shape.type_name == "list":
        out |= all_member_paths(shape.member, f"{path}[]", seen)
    elif shape.type_name == "map":
        out |= all_member_paths(shape.value, f"{path}{{}}", seen)
    return out


def full_contact(shape=CONTACT_SHAPE, depth=0, name="x"):
    """A contact with every member filled, within every constraint of the model."""
    t = shape.type_name
    if t == "structure":
        members = shape.members
        if shape.metadata.get("union", False):
            members = dict(list(members.items())[:1])
        out = {}
        for k, m in members.items():
            if depth >= 3 and m.name in ("Expressions", "SegmentAttributeValueMap", "SegmentAttributeValueList"):
                continue
            out[k] = full_contact(m, depth + 1, k)
        return out
    if t == "list":
        return [full_contact(shape.member, depth + 1, name)]
    if t == "map":
        key = "Tag-key_1" if shape.name == "ContactTagMap" else "key-1"
        return {key: full_contact(shape.value, depth + 1, name)}
    if t == "string":
        if shape.enum:
            return shape.enum[-1]
        if shape.metadata.get("pattern", "").startswith("^[a-f0-9]{8}"):
            return "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
        text = name + "-value"
        lo, hi = shape.metadata.get("min", 0), shape.metadata.get("max", 100)
        return (text * 4)[:max(lo, min(hi, len(text)))]
    if t in ("integer", "long"):
        return shape.metadata.get("max", 7) if t == "integer" and shape.metadata.get("max", 99) < 99 else max(shape.metadata.get("min", 0), 7)
    if t in ("float", "double"):
        return 3.5
    if t == "boolean":
        return True
    if t == "timestamp":
        return "2026-05-30T10:00:00.250Z"
    raise AssertionError(t)


def output_problems(client, *operations):
    """Validates each raw 200 response of `operations` against botocore's output shape, through
    `client`'s after-call hook, into the one list returned (botocore's own parser drops unknown
    members, so the raw body is what is checked)."""
    import json
    problems = []
    for operation in operations:
        shape = client.meta.service_model.operation_model(operation).output_shape

        def check(http_response, shape=shape, operation=operation, **_):
            if http_response.status_code == 200:
                problems.extend(validate(json.loads(http_response.content), shape, f"$.{operation}"))
        client.meta.events.register(f"after-call.connect.{operation}", check)
    return problems
