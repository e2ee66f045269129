"""Issue 25 (current with AWS) and the fixture half of issue 30: every error the model lists for
DescribeContact can be injected, ids as AWS allows them survive the CLI and a seed, members newer
than the model, per-account quotas, and times the mock cannot hold refused aloud."""
import json
import os
import subprocess
import urllib.parse

import botocore
import pytest
import requests

from conftest import BINARY, INSTANCE, KEY, SECRET, base_config, client_error, start_server
from contacts import MODEL

DESCRIBE = MODEL.operation_model("DescribeContact")
LONDON = "11111111-2222-4333-8444-555555555555"


def contact(**members):
    c = {"Channel": "VOICE", "InitiationMethod": "INBOUND", "InitiationTimestamp": "now-1h"}
    c.update(members)
    return {"Contact": c}


def mock_path(instance, cid):
    return f"/_mock/contacts/{urllib.parse.quote(instance, safe='')}/{urllib.parse.quote(cid, safe='')}"


@pytest.mark.parametrize("shape", DESCRIBE.error_shapes, ids=lambda s: s.name)
def test_every_error_the_model_lists_for_describe_contact_can_be_injected(server, shape):
    """A test suite makes DescribeContact fail with each modeled error, and boto3 raises it as
    that modeled exception, with the model's status and the rule's message."""
    rule = {"match": {"operation": "DescribeContact", "contactId": "target"}, "error": shape.name,
            "message": f"injected {shape.name}", "count": 1}
    assert server.mock("PUT", "/_mock/faults", json={"faults": [rule]}).status_code == 200
    client = server.client(retries={"total_max_attempts": 1})  # no retry of the 429 and the 500
    with pytest.raises(getattr(client.exceptions, shape.name)) as e:
        client.describe_contact(InstanceId=INSTANCE, ContactId="target")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == shape.metadata["error"]["httpStatusCode"]
    assert e.value.response["Error"]["Message"] == f"injected {shape.name}"
    # count 1: the next call reaches the lookup (this id is not stored).
    assert client_error(lambda: client.describe_contact(InstanceId=INSTANCE, ContactId="target"))[:2] == (404, "ResourceNotFoundException")
    entry = server.mock("GET", "/_mock/requests?limit=2").json()["requests"][0]
    assert (entry["errorCode"], entry["reason"]) == (shape.name, "fault")


def test_a_rule_for_another_operation_does_not_fire_and_errors_outside_the_model_are_refused(server):
    r = server.mock("PUT", "/_mock/faults", json={"faults": [{"error": "InvalidRequestException"}]})
    assert r.status_code == 400 and "match.operation" in r.json()["message"], r.text
    r = server.mock("PUT", "/_mock/faults", json={"faults": [{"match": {"operation": "DescribeContact"}, "error": "AccessDeniedException"}]})
    assert r.status_code == 400 and "InvalidRequestException" in r.json()["message"], r.text
    r = server.mock("PUT", "/_mock/faults", json={"faults": [{"match": {"operation": "CreateContactFlow"}, "error": "ThrottlingException"}]})
    assert r.status_code == 400 and r.json()["path"] == "$.faults[0].match.operation", r.text
    server.mock("PUT", "/_mock/faults", json={"faults": []})


IDS = ["with space", "a/b/c", "colon:id:x", "ünïcødé/日本 x:y", "trailing/"]


def test_ids_with_spaces_slashes_colons_and_non_ascii_survive_the_cli_and_a_seed(tmp_path):
    """Served, saved by the CLI, seeded back, served again byte for byte."""
    first = start_server("ids-first", seed={"fixtures": []})
    env = dict(os.environ, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET, AWS_DEFAULT_REGION="us-east-1")
    served = {}
    try:
        for k, cid in enumerate(IDS):
            r = first.mock("PUT", mock_path(INSTANCE, cid), json=contact(InitiationTimestamp="2026-05-01T10:00:00.5Z", Name=f"n{k}"))
            assert r.status_code == 201, r.text
            out = subprocess.run(["aws", "connect", "describe-contact", "--endpoint-url", first.url, "--instance-id", INSTANCE,
                                  "--contact-id", cid, "--output", "json"], capture_output=True, text=True, env=env, timeout=60)
            assert out.returncode == 0, out.stderr
            assert json.loads(out.stdout)["Contact"]["Id"] == cid
            (tmp_path / "saved").mkdir(exist_ok=True)
            (tmp_path / "saved" / f"{k}.json").write_text(out.stdout)
            served[cid] = first.signed_get(cid).content
    finally:
        first.stop()
    db = str(tmp_path / "again.sqlite")
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps(base_config(database={"path": db}, seed={"fixtures": []})))
    seeded = subprocess.run([BINARY, "seed", "--config", str(cfg), "--fixtures", str(tmp_path / "saved")], capture_output=True, text=True, timeout=60)
    assert seeded.returncode == 0, seeded.stderr
    assert seeded.stdout.startswith(f"wrote {len(IDS)} contacts"), seeded.stdout
    again = start_server("ids-again", database={"path": db}, seed={"fixtures": []})
    try:
        for cid in IDS:
            assert again.signed_get(cid).content == served[cid], cid
    finally:
        again.stop()


def test_unknown_members_are_refused_naming_the_model_or_kept_as_given(server):
    body = contact(FutureMember={"Nested": [1, "two"]}, QueueInfo={"Id": "q1", "NewQueueThing": True})
    r = server.mock("PUT", mock_path(INSTANCE, "future"), json=body)
    assert r.status_code == 400 and r.json()["path"] == "$.Contact.FutureMember", r.text
    assert f"botocore {botocore.__version__}" in r.json()["message"] and "unknownMembers: keep" in r.json()["message"]

    keeping = start_server("unknown-keep", validation={"unknownMembers": "keep"}, seed={"fixtures": []})
    try:
        assert keeping.mock("PUT", mock_path(INSTANCE, "future"), json=body).status_code == 201
        raw = keeping.signed_get("future").json()["Contact"]
        assert raw["FutureMember"] == {"Nested": [1, "two"]}
        assert raw["QueueInfo"] == {"Id": "q1", "NewQueueThing": True}
        parsed = keeping.client().describe_contact(InstanceId=INSTANCE, ContactId="future")["Contact"]
        assert parsed["QueueInfo"] == {"Id": "q1"} and "FutureMember" not in parsed  # botocore drops what its model lacks
        r = keeping.mock("PUT", mock_path(INSTANCE, "null"), json=contact(FutureMember=None))
        assert r.status_code == 400 and r.json()["path"] == "$.Contact.FutureMember"
    finally:
        keeping.stop()


def test_throttle_per_account_is_one_bucket_for_every_key_in_a_region():
    s = start_server("throttle-account", throttle={"ratePerSecond": 0.001, "burst": 2, "per": "account"})
    try:
        demo = s.client()
        session_user = s.client(key="ASIATEMPORARYEXAMPLE", secret="temporarySecretKeyExample0123456789abcdef",
                                token="FQoGZXIvYXdzEXAMPLEtokenValue+/==")
        for c in (demo, session_user):
            assert client_error(lambda: c.describe_contact(InstanceId=INSTANCE, ContactId="none"))[1] == "ResourceNotFoundException"
        assert client_error(lambda: demo.describe_contact(InstanceId=INSTANCE, ContactId="none"))[:2] == (429, "ThrottlingException")
        assert client_error(lambda: session_user.describe_contact(InstanceId=INSTANCE, ContactId="none"))[1] == "ThrottlingException"
        # The same account in another region has a bucket of its own.
        london = s.client(region="eu-west-2")
        assert client_error(lambda: london.describe_contact(InstanceId=LONDON, ContactId="none"))[1] == "ResourceNotFoundException"
    finally:
        s.stop()
    s = start_server("throttle-key", throttle={"ratePerSecond": 0.001, "burst": 1})
    try:
        assert client_error(lambda: s.client().describe_contact(InstanceId=INSTANCE, ContactId="none"))[1] == "ResourceNotFoundException"
        other = s.client(key="ASIATEMPORARYEXAMPLE", secret="temporarySecretKeyExample0123456789abcdef",
                         token="FQoGZXIvYXdzEXAMPLEtokenValue+/==")
        assert client_error(lambda: other.describe_contact(InstanceId=INSTANCE, ContactId="none"))[1] == "ResourceNotFoundException"
    finally:
        s.stop()


def test_invalid_utf8_escapes_in_an_id_are_refused_not_merged(server):
    from signing import botocore_signed
    for raw in ["%FF", "%FE", "ok%C3", "%C3%28"]:
        url = f"{server.url}/contacts/{INSTANCE}/{raw}"
        r = requests.get(url, headers=dict(botocore_signed(url, KEY, SECRET).headers), timeout=10)
        assert r.status_code == 400, (raw, r.text)
        assert r.headers["x-amzn-ErrorType"] == "InvalidParameterException"
        assert "contactId" in r.json()["Message"]


def test_invalid_utf8_escapes_in_a_mock_api_path_are_refused(server):
    for raw in ["%FF", "%FE"]:
        r = server.mock("PUT", f"/_mock/contacts/{INSTANCE}/{raw}", json=contact())
        assert r.status_code == 400 and "not UTF-8" in r.json()["message"], r.text
    assert server.mock("GET", f"/_mock/contacts?instanceId={INSTANCE}").status_code == 200


HUGE = "now+" + "999999999d" * 107


def test_a_time_past_what_can_be_stored_is_a_400_and_the_server_stays_up(server):
    """Issue 30: this PUT ended the process (SIGILL), and `now+999999999d` was silently dropped."""
    for when in [HUGE, "now+999999999d", "now-" + "999999999d" * 107]:
        r = server.mock("PUT", mock_path(INSTANCE, "far"), json=contact(InitiationTimestamp=when))
        assert r.status_code == 400 and r.json()["path"] == "$.Contact.InitiationTimestamp", r.text
    before = server.mock("GET", "/_mock/health").json()["contacts"]
    r = server.mock("POST", "/_mock/contacts", json=[contact(Id="fine"), contact(Id="far", InitiationTimestamp="now+999999999d")])
    assert r.status_code == 400 and r.json()["path"] == "$[1].Contact.InitiationTimestamp", r.text
    assert server.mock("GET", "/_mock/health").json()["contacts"] == before


def test_seed_of_a_time_past_what_can_be_stored_exits_2_naming_the_line(tmp_path):
    fixture = tmp_path / "far.jsonl"
    fixture.write_text(json.dumps(contact(Id="ok")) + "\n" + json.dumps(contact(Id="far", InitiationTimestamp=HUGE)) + "\n")
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps(base_config(database={"path": str(tmp_path / "s.sqlite")}, seed={"fixtures": []})))
    out = subprocess.run([BINARY, "seed", "--config", str(cfg), "--fixtures", str(fixture)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert f"{fixture}:2: $.Contact.InitiationTimestamp: expected a timestamp from 1970-01-01T00:00:00Z" in out.stderr
