"""GetContactAttributes and UpdateContactAttributes (SPEC §8) through boto3 and the aws CLI: the
chain shares one map, an update is seen at once by DescribeContact, GetContactAttributes and
SearchContacts on every worker, and AWS's 32,768-byte limit holds."""
import json
import os
import subprocess

import pytest

from conftest import INSTANCE, KEY, LONDON_KEY, LONDON_SECRET, SECRET, START, WIDE, client_error, start_server
from contacts import MODEL
from model_check import output_problems, validate


@pytest.fixture(scope="module")
def workers(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("attrs") / "c.sqlite")
    s = start_server("attributes", server={"host": "127.0.0.1", "port": 0, "workers": 2}, database={"path": db},
                     seed={"fixtures": [], "synthetic": {"count": 3000, "seed": 11}})
    yield s
    assert s.stop() == 0


def a_chain(client, length):
    """A synthetic chain of `length` contacts: (initial id, every id)."""
    chains = {}
    for page in client.get_paginator("search_contacts").paginate(InstanceId=INSTANCE, TimeRange=WIDE):
        for s in page["Contacts"]:
            chains.setdefault(s.get("InitialContactId", s["Id"]), []).append(s["Id"])
    initial, ids = next((k, v) for k, v in chains.items() if len(v) == length)
    return initial, ids


def test_an_update_is_seen_everywhere_at_once(workers):
    c = workers.client()
    problems = output_problems(c, "GetContactAttributes", "UpdateContactAttributes", "SearchContacts")
    initial, ids = a_chain(c, 3)
    before = c.get_contact_attributes(InstanceId=INSTANCE, InitialContactId=initial)["Attributes"]
    c.update_contact_attributes(InstanceId=INSTANCE, InitialContactId=initial, Attributes={"caseId": "C-42", "language": "de-DE"})
    want = {**before, "caseId": "C-42", "language": "de-DE"}
    # Two workers share the file: a new client (connection) each time, enough times that both answer.
    for _ in range(20):
        c2 = workers.client()
        problems += output_problems(c2, "GetContactAttributes", "SearchContacts")
        assert c2.get_contact_attributes(InstanceId=INSTANCE, InitialContactId=initial)["Attributes"] == want
        for cid in ids:
            contact = c2.describe_contact(InstanceId=INSTANCE, ContactId=cid)["Contact"]
            assert contact["Attributes"] == want, cid
            assert contact["LastUpdateTimestamp"] == START
        found = c2.search_contacts(InstanceId=INSTANCE, TimeRange=WIDE,
                                   SearchCriteria={"SearchableContactAttributes": {"Criteria": [{"Key": "caseId", "Values": ["C-42"]}]}})
        assert sorted(x["Id"] for x in found["Contacts"]) == sorted(ids)
    assert validate(workers.signed_get(ids[-1]).json()["Contact"]) == []
    assert problems == []


def test_the_size_limit_and_errors(workers):
    c = workers.client()
    initial, _ = a_chain(c, 1)
    current = c.get_contact_attributes(InstanceId=INSTANCE, InitialContactId=initial)["Attributes"]
    used = sum(len(k.encode()) + len(v.encode()) for k, v in current.items())
    room = 32768 - used - len("big")
    c.update_contact_attributes(InstanceId=INSTANCE, InitialContactId=initial, Attributes={"big": "é" * (room // 2) + "x" * (room % 2)})
    status, code, message = client_error(lambda: c.update_contact_attributes(InstanceId=INSTANCE, InitialContactId=initial, Attributes={"k": "v"}))
    assert (status, code) == (400, "InvalidParameterException") and "32768" in message
    # A key already there takes the new value: shrinking it fits again.
    c.update_contact_attributes(InstanceId=INSTANCE, InitialContactId=initial, Attributes={"big": "", "k": "v"})
    assert c.get_contact_attributes(InstanceId=INSTANCE, InitialContactId=initial)["Attributes"] == {**current, "big": "", "k": "v"}
    for call in (lambda: c.get_contact_attributes(InstanceId=INSTANCE, InitialContactId="nobody"),
                 lambda: c.update_contact_attributes(InstanceId=INSTANCE, InitialContactId="nobody", Attributes={"a": "b"})):
        assert client_error(call)[:2] == (404, "ResourceNotFoundException")
    london = workers.client(key=LONDON_KEY, secret=LONDON_SECRET)
    status, code, message = client_error(lambda: london.get_contact_attributes(InstanceId=INSTANCE, InitialContactId=initial))
    assert (status, code) == (403, "AccessDeniedException") and "connect:GetContactAttributes" in message
    wrong = workers.client(secret="wrong")
    assert client_error(lambda: wrong.update_contact_attributes(InstanceId=INSTANCE, InitialContactId=initial, Attributes={"a": "b"}))[:2] \
        == (403, "InvalidSignatureException")
    workers.mock("PUT", "/_mock/faults", json={"faults": [{"match": {"operation": "UpdateContactAttributes"}, "error": "InvalidRequestException"}]})
    assert client_error(lambda: c.update_contact_attributes(InstanceId=INSTANCE, InitialContactId=initial, Attributes={"a": "b"}))[:2] \
        == (400, "InvalidRequestException")
    workers.mock("PUT", "/_mock/faults", json={"faults": []})
    workers.mock("PUT", "/_mock/faults", json={"faults": [{"match": {"operation": "GetContactAttributes"}, "error": "InternalServiceException"}]})
    assert client_error(lambda: c.get_contact_attributes(InstanceId=INSTANCE, InitialContactId=initial))[:2] == (500, "InternalServiceException")
    workers.mock("PUT", "/_mock/faults", json={"faults": []})


def test_the_cli(workers):
    c = workers.client()
    initial, _ = a_chain(c, 2)
    env = dict(os.environ, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET, AWS_DEFAULT_REGION="us-east-1")
    base = ["aws", "connect", "--endpoint-url", workers.url, "--output", "json"]
    r = subprocess.run(base[:2] + ["update-contact-attributes"] + base[2:] + ["--instance-id", INSTANCE, "--initial-contact-id", initial,
                       "--attributes", "fromCli=yes"], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    r = subprocess.run(base[:2] + ["get-contact-attributes"] + base[2:] + ["--instance-id", INSTANCE, "--initial-contact-id", initial],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["Attributes"]["fromCli"] == "yes"


def test_fixture_chains_must_agree(tmp_path):
    f = tmp_path / "chain.jsonl"
    f.write_text("\n".join([
        json.dumps({"Contact": {"Id": "a", "Channel": "VOICE", "InitiationMethod": "INBOUND", "InitiationTimestamp": "now-1h", "Attributes": {"k": "1"}}}),
        json.dumps({"Contact": {"Id": "b", "InitialContactId": "a", "Channel": "VOICE", "InitiationMethod": "TRANSFER",
                                "InitiationTimestamp": "now-50m", "Attributes": {"k": "2"}}}),
    ]))
    from conftest import BINARY, base_config
    cfg = tmp_path / "config.yaml"
    cfg.write_text(json.dumps(base_config(database={"path": str(tmp_path / "c.sqlite")}, seed={"fixtures": []})))
    r = subprocess.run([BINARY, "seed", "--config", str(cfg), "--fixtures", str(f)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert f"\n{f}:2: $.Contact.Attributes: expected the attributes given for chain a at {f}:1" in r.stderr, r.stderr


@pytest.mark.parametrize("operation,error,status", [
    (op, e.name, e.metadata["error"]["httpStatusCode"])
    for op in ("GetContactAttributes", "UpdateContactAttributes") for e in MODEL.operation_model(op).error_shapes
], ids=lambda v: str(v))
def test_every_modeled_error_can_be_injected(workers, operation, error, status):
    c = workers.client()
    workers.mock("PUT", "/_mock/faults", json={"faults": [{"match": {"operation": operation}, "error": error}]})
    try:
        call = (lambda: c.get_contact_attributes(InstanceId=INSTANCE, InitialContactId="x")) if operation == "GetContactAttributes" \
            else (lambda: c.update_contact_attributes(InstanceId=INSTANCE, InitialContactId="x", Attributes={"a": "b"}))
        assert client_error(call)[:2] == (status, error)
    finally:
        workers.mock("PUT", "/_mock/faults", json={"faults": []})
