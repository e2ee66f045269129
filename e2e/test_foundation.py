"""Issue 2: real clients read seeded contacts; the four basic refusals as botocore surfaces them."""
import datetime
import json
import os
import subprocess

import pytest
from botocore import UNSIGNED

from conftest import FROZEN, INSTANCE, KEY, REPO, SECRET, client_error as error_of
from contacts import assert_same, fixture_contacts

NOW = datetime.datetime.fromisoformat(FROZEN.replace("Z", "+00:00"))
SEEDED = fixture_contacts(os.path.join(REPO, "seed-data"))


def test_seed_data_has_the_five_kinds():
    channels = {c["Channel"] for _, c, _ in SEEDED}
    assert channels == {"VOICE", "CHAT", "TASK", "EMAIL"}
    assert any("RoutingCriteria" in c for _, c, _ in SEEDED)
    by_id = {c["Id"]: c for _, c, _ in SEEDED}
    pairs = [c for c in by_id.values() if c.get("PreviousContactId") in by_id
             and any(n["NextContactMetadata"]["QuickConnectContactData"]["ContactId"] == c["Id"]
                     for n in by_id[c["PreviousContactId"]].get("NextContacts", []))]
    assert pairs, "a transfer pair whose contacts point at each other"


@pytest.mark.parametrize("path,contact", [(p, c) for p, c, _ in SEEDED], ids=[c["Id"] for _, c, _ in SEEDED])
def test_boto3_reads_each_fixture_unchanged(server, path, contact):
    answer = server.client().describe_contact(InstanceId=INSTANCE, ContactId=contact["Id"])
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    expected = dict(contact)
    expected.setdefault("Arn", f"arn:aws:connect:us-east-1:123456789012:instance/{INSTANCE}/contact/{contact['Id']}")
    assert_same(expected, answer["Contact"], NOW)


@pytest.mark.parametrize("path,contact", [(p, c) for p, c, _ in SEEDED], ids=[c["Id"] for _, c, _ in SEEDED])
def test_aws_cli_reads_each_fixture_unchanged(server, path, contact):
    env = dict(os.environ, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET, AWS_DEFAULT_REGION="us-east-1")
    env.pop("AWS_SESSION_TOKEN", None)
    out = subprocess.run(["aws", "connect", "describe-contact", "--endpoint-url", server.url, "--instance-id", INSTANCE,
                          "--contact-id", contact["Id"], "--output", "json"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    expected = dict(contact)
    expected.setdefault("Arn", f"arn:aws:connect:us-east-1:123456789012:instance/{INSTANCE}/contact/{contact['Id']}")
    assert_same(expected, json.loads(out.stdout)["Contact"], NOW)


def test_wrong_secret_is_invalid_signature(server):
    status, code, message = error_of(lambda: server.client(secret="not-the-secret").describe_contact(
        InstanceId=INSTANCE, ContactId=SEEDED[0][1]["Id"]))
    assert (status, code) == (403, "InvalidSignatureException")
    assert message.startswith("The request signature we calculated does not match the signature you provided.")


def test_unknown_key_is_unrecognized_client(server):
    status, code, message = error_of(lambda: server.client(key="AKIANOTCONFIGURED000").describe_contact(
        InstanceId=INSTANCE, ContactId=SEEDED[0][1]["Id"]))
    assert (status, code, message) == (403, "UnrecognizedClientException", "The security token included in the request is invalid.")


def test_unsigned_request_is_missing_authentication_token(server):
    status, code, message = error_of(lambda: server.client(signature_version=UNSIGNED).describe_contact(
        InstanceId=INSTANCE, ContactId=SEEDED[0][1]["Id"]))
    assert (status, code, message) == (403, "MissingAuthenticationTokenException", "Missing Authentication Token")


def test_unknown_contact_is_resource_not_found(server):
    status, code, message = error_of(lambda: server.client().describe_contact(InstanceId=INSTANCE, ContactId="no-such-contact"))
    assert (status, code, message) == (404, "ResourceNotFoundException", "Contact not found: no-such-contact")


def test_health_answers(server):
    r = server.mock("GET", "/_mock/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok" and r.json()["contacts"] == len(SEEDED)


def test_date_header_follows_the_system_clock(server):
    """The Date header is formatted once a second (its second's end is found from the loop's
    clock): on one keep-alive connection it must still name the current second, and move on."""
    import email.utils
    import time
    import requests

    with requests.Session() as s:
        seen = []
        for _ in range(3):
            before = time.time()
            r = s.get(server.url + "/_mock/health")
            after = time.time()
            sent = email.utils.parsedate_to_datetime(r.headers["Date"]).timestamp()
            assert int(before) <= sent <= after, (r.headers["Date"], before, after)
            seen.append(sent)
            time.sleep(1.1 - (after % 1.0))
        assert seen[0] < seen[1] < seen[2]
