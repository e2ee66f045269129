"""The pattern for a test suite in docs/python.md ("Without the plugin"), run as written: reset, freeze, upsert, call, read the journal."""
import requests

from conftest import INSTANCE


def code_under_test(connect, contact_id):
    """Stands for the application being tested: it reads a contact's channel."""
    return connect.describe_contact(InstanceId=INSTANCE, ContactId=contact_id)["Contact"]["Channel"]


def test_reset_freeze_upsert_call_and_read_the_journal(server):
    mock = server.url
    requests.post(f"{mock}/_mock/reset", timeout=30).raise_for_status()
    requests.put(f"{mock}/_mock/clock", json={"now": "2022-03-01T12:00:00Z"}, timeout=10).raise_for_status()
    requests.put(f"{mock}/_mock/contacts/{INSTANCE}/my-contact", timeout=10,
                 json={"Channel": "VOICE", "InitiationMethod": "INBOUND", "InitiationTimestamp": "now-1h"}).raise_for_status()

    assert code_under_test(server.client(), "my-contact") == "VOICE"

    calls = requests.get(f"{mock}/_mock/requests", timeout=10).json()["requests"]
    assert [(c["path"], c["status"]) for c in calls] == [(f"/contacts/{INSTANCE}/my-contact", 200)]
    contact = server.client().describe_contact(InstanceId=INSTANCE, ContactId="my-contact")["Contact"]
    assert contact["InitiationTimestamp"].isoformat() == "2022-03-01T11:00:00+00:00"
    requests.post(f"{mock}/_mock/reset", timeout=30).raise_for_status()
