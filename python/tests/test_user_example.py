"""A test file as a user writes it: only the plugin's fixture and client(), no setup of our own.
README.md shows this file; it runs here against the installed wheel."""
import pytest

INSTANCE = "8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01"


def test_describe_contact(connect_mock):
    connect_mock.put_contacts({"Id": "my-contact", "Channel": "VOICE", "InitiationMethod": "INBOUND",
                               "InitiationTimestamp": "now-1h"})
    connect = connect_mock.client()  # boto3, SigV4-signed with the mock's key
    contact = connect.describe_contact(InstanceId=INSTANCE, ContactId="my-contact")["Contact"]
    assert contact["Channel"] == "VOICE"
    assert [c["status"] for c in connect_mock.requests("DescribeContact")["requests"]] == [200]


def test_contact_before_the_cutoff_is_not_found(connect_mock):
    connect_mock.set_clock(now="2022-03-01T12:00:00Z")
    connect_mock.put_contacts({"Id": "old", "Channel": "CHAT", "InitiationMethod": "API",
                               "InitiationTimestamp": "2020-06-01T00:00:00Z"})
    connect = connect_mock.client()
    with pytest.raises(connect.exceptions.ResourceNotFoundException):
        connect.describe_contact(InstanceId=INSTANCE, ContactId="old")


def test_search_then_describe_then_update_attributes(connect_mock):
    connect_mock.set_clock(now="2026-06-01T12:00:00Z")
    connect_mock.put_contacts({"Id": "call-1", "Channel": "VOICE", "InitiationMethod": "INBOUND",
                               "InitiationTimestamp": "now-2h", "DisconnectTimestamp": "now-1h"})
    connect = connect_mock.client()
    found = connect.search_contacts(
        InstanceId=INSTANCE, SearchCriteria={"Channels": ["VOICE"]},
        TimeRange={"Type": "INITIATION_TIMESTAMP", "StartTime": "2026-06-01T09:00:00Z", "EndTime": "2026-06-01T12:00:00Z"})
    assert [c["Id"] for c in found["Contacts"]] == ["call-1"] and found["TotalCount"] == 1
    contact = connect.describe_contact(InstanceId=INSTANCE, ContactId="call-1")["Contact"]  # the summary lacks most members
    chain = contact.get("InitialContactId", contact["Id"])
    connect.update_contact_attributes(InstanceId=INSTANCE, InitialContactId=chain, Attributes={"caseId": "C-42"})
    assert connect.get_contact_attributes(InstanceId=INSTANCE, InitialContactId=chain)["Attributes"] == {"caseId": "C-42"}
    assert connect.describe_contact(InstanceId=INSTANCE, ContactId="call-1")["Contact"]["Attributes"] == {"caseId": "C-42"}
