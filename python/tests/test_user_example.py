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
