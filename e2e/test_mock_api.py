"""Issue 5: the mock's own API, route by route, through a real HTTP client."""
import os
import sqlite3
import threading
import urllib.parse

import pytest
import requests
from botocore.exceptions import ClientError

from conftest import FROZEN, INSTANCE, KEY, client_error, start_server

SEEDED = "c0ffee00-1111-4a2b-9c3d-000000000001"


def contact(**extra):
    c = {"Channel": "CHAT", "InitiationMethod": "API", "InitiationTimestamp": "now-1h"}
    c.update(extra)
    return c


def test_health(server):
    r = server.mock("GET", "/_mock/health")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/json"
    body = r.json()
    assert body["status"] == "ok" and isinstance(body["contacts"], int) and body["version"]


def test_put_creates_then_replaces_and_delete(server):
    path = f"/_mock/contacts/{INSTANCE}/api-put-1"
    r = server.mock("PUT", path, json=contact())
    assert r.status_code == 201
    assert r.json()["Contact"]["Id"] == "api-put-1"
    assert r.json()["Contact"]["Arn"].endswith(f"instance/{INSTANCE}/contact/api-put-1")
    r = server.mock("PUT", path, json={"Contact": contact(Name="renamed")})
    assert r.status_code == 200 and r.json()["Contact"]["Name"] == "renamed"
    assert server.client().describe_contact(InstanceId=INSTANCE, ContactId="api-put-1")["Contact"]["Name"] == "renamed"
    assert server.mock("DELETE", path).status_code == 204
    assert server.mock("DELETE", path).status_code == 404


def test_put_refuses_bad_contacts_with_a_path(server):
    r = server.mock("PUT", f"/_mock/contacts/{INSTANCE}/bad", json=contact(Channel="FAX"))
    assert r.status_code == 400
    assert r.json()["path"] == "$.Contact.Channel" and "FAX" in r.json()["message"]
    r = server.mock("PUT", f"/_mock/contacts/{INSTANCE}/bad", json=contact(Id="other"))
    assert r.status_code == 400 and r.json()["path"] == "$.Contact.Id"
    r = server.mock("PUT", f"/_mock/contacts/{INSTANCE}/bad", data="{not json")
    assert r.status_code == 400 and "invalid JSON" in r.json()["message"]
    assert server.mock("PUT", "/_mock/contacts/no-such-instance/x", json=contact()).status_code == 404


def test_bulk_upsert_any_form_and_list_pages(server):
    r = server.mock("POST", "/_mock/contacts", json={"Contacts": [contact(Id=f"bulk-{k}") for k in range(7)]})
    assert r.status_code == 200 and r.json() == {"written": 7}
    r = server.mock("POST", "/_mock/contacts", json=[{"Contact": contact(Id="bulk-x")}, contact(Id="bulk-y", Channel="NOPE")])
    assert r.status_code == 400 and r.json()["path"] == "$[1].Channel"
    assert server.mock("GET", f"/_mock/contacts?instanceId={INSTANCE}&limit=1000").json()["Contacts"]
    seen, token = [], None
    while True:
        q = f"?instanceId={INSTANCE}&limit=3" + (f"&nextToken={urllib.parse.quote(token, safe='')}" if token else "")
        page = server.mock("GET", "/_mock/contacts" + q).json()
        assert set(page) <= {"Contacts", "NextToken"}
        seen += page["Contacts"]
        token = page.get("NextToken")
        if not token:
            break
    keys = [(c["InstanceId"], c["InitiationTimestamp"], c["Id"]) for c in seen]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert {"bulk-0", "bulk-6"} <= {c["Id"] for c in seen}
    assert all(set(c) == {"InstanceId", "Id", "InitiationTimestamp", "Channel"} for c in seen)
    assert server.mock("GET", "/_mock/contacts?limit=0").status_code == 400


def test_clock_modes(server):
    assert server.mock("PUT", "/_mock/clock", json={"offsetSeconds": -86400}).json()["mode"] == "offset"
    assert server.mock("GET", "/_mock/clock").json()["offsetSeconds"] == -86400
    assert server.mock("PUT", "/_mock/clock", json={"mode": "system"}).json()["mode"] == "system"
    r = server.mock("PUT", "/_mock/clock", json={"now": "2022-01-01T00:00:00Z"})
    assert r.json() == {"mode": "frozen", "now": "2022-01-01T00:00:00Z"}
    r = server.mock("PUT", "/_mock/clock", json={"now": "tomorrow"})
    assert r.status_code == 400 and r.json()["path"] == "$.now"
    server.mock("PUT", "/_mock/clock", json={"now": FROZEN})


def test_journal_records_verdicts(server):
    assert server.mock("DELETE", "/_mock/requests").status_code == 204
    server.client().describe_contact(InstanceId=INSTANCE, ContactId=SEEDED)
    with pytest.raises(ClientError):
        server.client(secret="wrong").describe_contact(InstanceId=INSTANCE, ContactId=SEEDED)
    entries = server.mock("GET", "/_mock/requests").json()["requests"]
    assert [(e["status"], e["errorCode"], e["accessKeyId"]) for e in entries] == [
        (200, None, KEY), (403, "InvalidSignatureException", KEY)]
    assert entries[1]["reason"] == "signature-mismatch"
    assert set(entries[0]) == {"time", "operation", "method", "path", "accessKeyId", "status", "errorCode", "reason", "requestId", "durationMicros"}
    assert [e["operation"] for e in entries] == ["DescribeContact", "DescribeContact"]
    requests.get(server.url + "/no/such/operation", timeout=10)
    unknown = server.mock("GET", "/_mock/requests").json()["requests"][-1]
    assert unknown["errorCode"] == "UnknownOperationException" and "operation" not in unknown
    entries = entries + [unknown]
    assert server.mock("GET", "/_mock/requests?limit=1").json()["requests"] == entries[2:]
    assert server.mock("GET", "/_mock/requests?operation=DescribeContact").json()["requests"] == entries[:2]
    assert server.mock("GET", "/_mock/requests?operation=DescribeContact&limit=1").json()["requests"] == entries[1:2]
    assert server.mock("GET", "/_mock/requests?operation=SearchContacts").json()["requests"] == []


def test_faults_and_standard_retries(server):
    rule = {"match": {"contactId": SEEDED}, "error": "ThrottlingException", "count": 2}
    assert server.mock("PUT", "/_mock/faults", json={"faults": [rule]}).status_code == 200
    retrying = server.client(retries={"mode": "standard", "max_attempts": 3})
    assert retrying.describe_contact(InstanceId=INSTANCE, ContactId=SEEDED)["Contact"]["Id"] == SEEDED
    assert server.mock("GET", "/_mock/faults").json()["faults"][0]["remaining"] == 0
    rule["count"] = 5
    server.mock("PUT", "/_mock/faults", json={"faults": [rule]})
    with pytest.raises(ClientError) as e:
        retrying.describe_contact(InstanceId=INSTANCE, ContactId=SEEDED)
    assert e.value.response["Error"]["Code"] == "ThrottlingException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    server.mock("PUT", "/_mock/faults", json={"faults": [{"error": "InternalServiceException", "match": {"accessKeyId": KEY}}]})
    with pytest.raises(ClientError) as e:
        server.client().describe_contact(InstanceId=INSTANCE, ContactId=SEEDED)
    assert (e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]) == ("InternalServiceException", "An internal error occurred.")
    r = server.mock("PUT", "/_mock/faults", json={"faults": [{"match": {}}]})
    assert r.status_code == 400 and "error" in r.json()["message"]
    server.mock("PUT", "/_mock/faults", json={"faults": []})


def test_metrics(server):
    server.client().describe_contact(InstanceId=INSTANCE, ContactId=SEEDED)
    r = server.mock("GET", "/_mock/metrics")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = r.text
    assert 'connect_mock_requests_total{route="DescribeContact",status="200"}' in text
    assert "connect_mock_request_duration_seconds_bucket{le=\"+Inf\"}" in text
    assert "\nconnect_mock_contacts " in text
    # Prometheus buckets are cumulative: counts never fall as the bound rises, and every
    # request here took well under the last finite bound, so it holds them all.
    buckets = [int(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("connect_mock_request_duration_seconds_bucket")]
    total = int(next(line for line in text.splitlines() if line.startswith("connect_mock_request_duration_seconds_count ")).split()[1])
    assert len(buckets) == 15 and buckets == sorted(buckets) and buckets[-2] == buckets[-1] == total >= 1


def test_unknown_route_and_wrong_method(server):
    assert server.mock("GET", "/_mock/nothing").status_code == 404
    r = server.mock("POST", "/_mock/health")
    assert r.status_code == 405 and r.json()["message"]


def test_reset_restores_everything(server):
    server.mock("PUT", f"/_mock/contacts/{INSTANCE}/temporary", json=contact())
    server.mock("PUT", "/_mock/clock", json={"offsetSeconds": 5})
    server.mock("PUT", "/_mock/faults", json={"faults": [{"error": "ThrottlingException"}]})
    before = server.mock("GET", "/_mock/health").json()["contacts"]
    r = server.mock("POST", "/_mock/reset")
    assert r.status_code == 200
    assert r.json()["contacts"] < before
    assert server.mock("GET", "/_mock/clock").json() == {"mode": "frozen", "now": FROZEN}
    assert server.mock("GET", "/_mock/faults").json() == {"faults": []}
    assert server.mock("GET", "/_mock/requests").json() == {"requests": []}
    assert server.client().describe_contact(InstanceId=INSTANCE, ContactId=SEEDED)
    assert server.mock("DELETE", "/_mock/contacts").json()["deleted"] > 0
    assert server.mock("POST", "/_mock/reset").json()["contacts"] == r.json()["contacts"]


def test_throttle_bucket_and_admin_token():
    s = start_server("throttle", throttle={"ratePerSecond": 0.001, "burst": 2}, admin={"enabled": True, "token": "let-me-in"})
    try:
        c = s.client()
        c.describe_contact(InstanceId=INSTANCE, ContactId=SEEDED)
        c.describe_contact(InstanceId=INSTANCE, ContactId=SEEDED)
        with pytest.raises(ClientError) as e:
            c.describe_contact(InstanceId=INSTANCE, ContactId=SEEDED)
        assert (e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]) == ("ThrottlingException", "Rate exceeded")
        assert s.mock("GET", "/_mock/health").status_code == 200
        assert s.mock("GET", "/_mock/clock").status_code == 401
        assert s.mock("GET", "/_mock/clock", headers={"X-Mock-Admin-Token": "wrong"}).status_code == 401
        assert s.mock("GET", "/_mock/clock", headers={"X-Mock-Admin-Token": "let-me-in"}).status_code == 200
    finally:
        assert s.stop() == 0


def test_admin_writes_while_readers_hammer(server):
    errors, stop = [], threading.Event()

    def reader():
        c = server.client()
        while not stop.is_set():
            try:
                c.describe_contact(InstanceId=INSTANCE, ContactId=SEEDED)
            except Exception as e:  # noqa: BLE001 - collected and asserted below
                errors.append(repr(e))

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        for k in range(200):
            r = server.mock("PUT", f"/_mock/contacts/{INSTANCE}/hammer-{k}", json=contact())
            assert r.status_code == 201, r.text
        r = server.mock("POST", "/_mock/contacts", json=[contact(Id=f"hammer-bulk-{k}") for k in range(500)])
        assert r.json() == {"written": 500}
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert errors == []
    listed = {c["Id"] for c in server.mock("GET", f"/_mock/contacts?instanceId={INSTANCE}&limit=1000").json()["Contacts"]}
    assert {f"hammer-{k}" for k in range(200)} <= listed


def test_a_write_while_another_process_holds_the_file_is_503_and_changes_nothing():
    s = start_server("mock-api-busy-store", database={"path": "busy.sqlite"})
    try:
        path = f"/_mock/contacts/{INSTANCE}/written-after-the-lock"
        holder = sqlite3.connect(os.path.join(s.dir, "busy.sqlite"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # what a `connect-mock seed` run holds while it writes
        try:
            r = s.mock("PUT", path, json=contact())
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert r.status_code == 503 and r.headers["Retry-After"] == "1"
        assert "being written by another process" in r.json()["message"]
        assert client_error(lambda: s.client().describe_contact(InstanceId=INSTANCE, ContactId="written-after-the-lock"))[:2] == (404, "ResourceNotFoundException")
        assert s.mock("PUT", path, json=contact()).status_code == 201
        assert s.client().describe_contact(InstanceId=INSTANCE, ContactId="written-after-the-lock")["Contact"]["Channel"] == "CHAT"
    finally:
        assert s.stop() == 0
