"""Issue 3: every real signer accepted, every forgery refused with AWS's own error."""
import datetime
import json
import subprocess
import time
import urllib.parse

import botocore.auth
import pytest
import requests
from botocore import UNSIGNED

from conftest import INSTANCE, KEY, SECRET, client_error as error
from signing import aws4auth_get, botocore_signed, contact_path, crt_get, curl_get, send

LONDON = "11111111-2222-4333-8444-555555555555"
SPECIAL_IDS = ["with space", "plus+sign", "per%cent", "tilde~x", "colon:x", "equals=x", "amp&x", "quote'x", "paren(x",
               "star*x", "ñandú-é", "all of +%~:=&'(*ü", "Dash-dot.under_score"]
SIMPLE_ID = "c0ffee00-1111-4a2b-9c3d-000000000001"
SESSION_KEY, SESSION_SECRET, SESSION_TOKEN = "ASIATEMPORARYEXAMPLE", "temporarySecretKeyExample0123456789abcdef", "FQoGZXIvYXdzEXAMPLEtokenValue+/=="


@pytest.fixture(scope="module", autouse=True)
def special_contacts(server):
    for cid in SPECIAL_IDS:
        r = server.mock("PUT", "/_mock/contacts/" + INSTANCE + "/" + urllib.parse.quote(cid, safe=""),
                        json={"Channel": "VOICE", "InitiationMethod": "INBOUND", "InitiationTimestamp": "now-1h"})
        assert r.status_code in (200, 201), r.text


def url(server, cid, instance=INSTANCE):
    return server.url + contact_path(instance, cid)


@pytest.mark.parametrize("cid", SPECIAL_IDS + [SIMPLE_ID])
def test_boto3_with_any_id(server, cid):
    answer = server.client().describe_contact(InstanceId=INSTANCE, ContactId=cid)
    assert answer["Contact"]["Id"] == cid


SIGNERS = {
    "awscrt": crt_get,
    "requests-aws4auth": aws4auth_get,
    "botocore-SigV4Auth": lambda u, key, secret: send(botocore_signed(u, key, secret)),
}


@pytest.mark.parametrize("signer", sorted(SIGNERS))
@pytest.mark.parametrize("cid", SPECIAL_IDS + [SIMPLE_ID])
def test_signer_with_any_id(server, signer, cid):
    get = SIGNERS[signer]
    r = get(url(server, cid), KEY, SECRET)
    assert r.status_code == 200, r.text
    assert r.json()["Contact"]["Id"] == cid
    assert get(url(server, cid), KEY, "wrong").headers["x-amzn-ErrorType"] == "InvalidSignatureException"


@pytest.mark.parametrize("cid", ["tilde~x", "Dash-dot.under_score", SIMPLE_ID])
def test_curl_aws_sigv4(server, cid):
    # curl 7.88 signs the path as sent, without AWS's second encoding: only ids made of
    # unreserved characters (A-Z a-z 0-9 - . _ ~) verify.
    status, body = curl_get(url(server, cid), KEY, SECRET)
    assert status == 200, body
    assert json.loads(body)["Contact"]["Id"] == cid
    status, body = curl_get(url(server, cid), KEY, "wrong")
    assert status == 403 and "does not match" in json.loads(body)["message"]


@pytest.mark.parametrize("cid", SPECIAL_IDS + [SIMPLE_ID])
def test_presigned_url_fetched_with_plain_curl(server, cid):
    presigned = server.client().generate_presigned_url("describe_contact", Params={"InstanceId": INSTANCE, "ContactId": cid}, ExpiresIn=300)
    out = subprocess.run(["curl", "-s", "-w", "\n%{http_code}", presigned], capture_output=True, text=True, timeout=30)
    body, _, status = out.stdout.rpartition("\n")
    assert status == "200", body
    assert json.loads(body)["Contact"]["Id"] == cid
    bad = server.client(secret="wrong").generate_presigned_url("describe_contact", Params={"InstanceId": INSTANCE, "ContactId": cid})
    r = requests.get(bad, timeout=10)
    assert (r.status_code, r.headers["x-amzn-ErrorType"]) == (403, "InvalidSignatureException")


def test_session_credentials(server):
    c = server.client(key=SESSION_KEY, secret=SESSION_SECRET, token=SESSION_TOKEN)
    assert c.describe_contact(InstanceId=INSTANCE, ContactId=SIMPLE_ID)["Contact"]["Id"] == SIMPLE_ID
    for token in (None, "wrong-token"):
        bad = server.client(key=SESSION_KEY, secret=SESSION_SECRET, token=token)
        assert error(lambda: bad.describe_contact(InstanceId=INSTANCE, ContactId=SIMPLE_ID)) == (
            403, "UnrecognizedClientException", "The security token included in the request is invalid.")


def test_session_token_added_after_signing(server):
    req = botocore_signed(url(server, SIMPLE_ID), SESSION_KEY, SESSION_SECRET)
    req.headers["X-Amz-Security-Token"] = SESSION_TOKEN
    assert send(req).status_code == 200


def test_presigned_with_session_token(server):
    c = server.client(key=SESSION_KEY, secret=SESSION_SECRET, token=SESSION_TOKEN)
    presigned = c.generate_presigned_url("describe_contact", Params={"InstanceId": INSTANCE, "ContactId": SIMPLE_ID})
    assert requests.get(presigned, timeout=10).status_code == 200


# One test per authentication row of SPEC §3, as botocore surfaces it.

def test_row_missing_authentication_token(server):
    assert error(lambda: server.client(signature_version=UNSIGNED).describe_contact(InstanceId=INSTANCE, ContactId=SIMPLE_ID)) == (
        403, "MissingAuthenticationTokenException", "Missing Authentication Token")


@pytest.mark.parametrize("auth,missing", [
    ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261126/us-east-1/connect/aws4_request, SignedHeaders=host;x-amz-date",
     ["Signature"]),
    ("AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=abc", ["Credential"]),
    ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261126/us-east-1/connect/aws4_request, Signature=abc", ["SignedHeaders"]),
    ("Bearer something", ["Credential", "Signature", "SignedHeaders"]),
])
def test_row_incomplete_signature(server, auth, missing):
    r = requests.get(url(server, SIMPLE_ID), headers={"Authorization": auth, "X-Amz-Date": "20261126T000000Z"}, timeout=10)
    assert (r.status_code, r.headers["x-amzn-ErrorType"]) == (403, "IncompleteSignatureException")
    message = r.json()["message"]
    for part in missing:
        assert f"Authorization header requires '{part}' parameter." in message
    assert message.endswith("Authorization=" + auth)


def test_row_incomplete_signature_without_date(server):
    req = botocore_signed(url(server, SIMPLE_ID), KEY, SECRET)
    del req.headers["X-Amz-Date"]
    r = send(req)
    assert r.headers["x-amzn-ErrorType"] == "IncompleteSignatureException"
    assert "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." in r.json()["message"]


def via_botocore(server, **kw):
    r = send(botocore_signed(url(server, SIMPLE_ID), kw.pop("key", KEY), kw.pop("secret", SECRET), **kw))
    return r.status_code, r.headers["x-amzn-ErrorType"], r.json().get("message") or r.json().get("Message")


def test_row_unknown_key(server):
    assert via_botocore(server, key="AKIAUNKNOWNKEY000000") == (403, "UnrecognizedClientException", "The security token included in the request is invalid.")


def test_row_wrong_service(server):
    assert via_botocore(server, service="s3") == (403, "InvalidSignatureException", "Credential should be scoped to correct service: 'connect'. ")


def test_row_malformed_region(server):
    assert via_botocore(server, region="not_a_region") == (403, "InvalidSignatureException", "Credential should be scoped to a valid region. ")


def test_row_scope_date_mismatch(server):
    req = botocore_signed(url(server, SIMPLE_ID), KEY, SECRET)
    sent = req.headers["X-Amz-Date"]
    day = (datetime.datetime.strptime(sent, "%Y%m%dT%H%M%SZ") - datetime.timedelta(days=1)).strftime("%Y%m%d")
    req.headers["Authorization"] = req.headers["Authorization"].replace("/" + sent[:8] + "/", "/" + day + "/")
    r = send(req)
    assert (r.status_code, r.headers["x-amzn-ErrorType"]) == (403, "InvalidSignatureException")
    assert r.json()["message"] == f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{day}' != '{sent[:8]}', from '{sent}'."


def amz(t):
    return t.strftime("%Y%m%dT%H%M%SZ")


def test_row_skew_in_the_past(server):
    signed_at = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) - datetime.timedelta(minutes=10)
    status, code, message = via_botocore(server, at=signed_at)
    assert (status, code) == (403, "InvalidSignatureException")
    prefix = f"Signature expired: {amz(signed_at)} is now earlier than "
    assert message.startswith(prefix) and message.endswith(" - 5 min.)"), message
    earliest = datetime.datetime.strptime(message[len(prefix):len(prefix) + 16], "%Y%m%dT%H%M%SZ")
    now = datetime.datetime.strptime(message[len(prefix) + 18:len(prefix) + 34], "%Y%m%dT%H%M%SZ")
    assert (now - earliest) == datetime.timedelta(minutes=5)
    assert abs((now.replace(tzinfo=datetime.timezone.utc) - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) < 30


def test_row_skew_in_the_future(server):
    signed_at = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(minutes=10)
    status, code, message = via_botocore(server, at=signed_at)
    assert (status, code) == (403, "InvalidSignatureException")
    assert message.startswith(f"Signature not yet current: {amz(signed_at)} is still later than ") and message.endswith(" + 5 min.)"), message


def test_row_presigned_url_expired(server):
    presigned = server.client().generate_presigned_url("describe_contact", Params={"InstanceId": INSTANCE, "ContactId": SIMPLE_ID}, ExpiresIn=1)
    time.sleep(2.2)
    r = requests.get(presigned, timeout=10)
    assert (r.status_code, r.headers["x-amzn-ErrorType"]) == (403, "InvalidSignatureException")
    assert r.json()["message"].startswith("Signature expired: ")


def test_row_host_not_signed(server):
    class NoHost(botocore.auth.SigV4Auth):
        def headers_to_sign(self, request):
            h = super().headers_to_sign(request)
            del h["host"]
            return h
    status, code, message = via_botocore(server, auth_class=NoHost)
    assert (status, code) == (403, "InvalidSignatureException")
    assert "'Host'" in message and "SignedHeader" in message


def test_row_signature_mismatch_explains(server):
    status, code, message = via_botocore(server, secret="wrong")
    assert (status, code) == (403, "InvalidSignatureException")
    assert message.startswith("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'GET\n/contacts/")
    assert "\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n" in message and message.endswith("'\n")


def test_row_access_denied(server):
    c = server.client(key="AKIALONDONONLYEXAMPLE", secret="londonOnlySecretExample0123456789abcdef")
    status, code, message = error(lambda: c.describe_contact(InstanceId=INSTANCE, ContactId=SIMPLE_ID))
    assert (status, code) == (403, "AccessDeniedException")
    assert message == (f"User: arn:aws:iam::123456789012:user/london-reader is not authorized to perform: connect:DescribeContact on resource: "
                       f"arn:aws:connect:us-east-1:123456789012:instance/{INSTANCE}/contact/{SIMPLE_ID}")


def test_row_invalid_parameter(server):
    status, code, message = error(lambda: server.client().describe_contact(InstanceId=INSTANCE, ContactId="x" * 257))
    assert (status, code) == (400, "InvalidParameterException")
    assert "contactId" in message and "256" in message


def test_row_unknown_instance_and_wrong_region(server):
    assert error(lambda: server.client().describe_contact(InstanceId="no-such-instance", ContactId=SIMPLE_ID)) == (
        404, "ResourceNotFoundException", "Instance not found: no-such-instance")
    assert error(lambda: server.client(region="us-west-2").describe_contact(InstanceId=INSTANCE, ContactId=SIMPLE_ID)) == (
        404, "ResourceNotFoundException", f"Instance not found: {INSTANCE}")


def test_row_unknown_operation(server):
    for path in ("/instance/" + INSTANCE, "/_mockery", "/contacts/" + INSTANCE):
        r = send(botocore_signed(server.url + path, KEY, SECRET))
        assert (r.status_code, r.headers["x-amzn-ErrorType"], r.json()) == (404, "UnknownOperationException", {"message": "Unknown operation"}), path
