"""Contacts that unfold on the data clock, as a user's tests follow them: poll until the
disconnect, and read the events a handler would get. README.md shows this file; it runs here
against the installed wheel."""
INSTANCE = "8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01"


def test_a_poller_follows_an_outbound_call_to_its_end(connect_mock):
    connect_mock.set_clock(now="2026-06-01T12:00:00Z")
    connect = connect_mock.client()
    contact_id = connect.start_outbound_voice_contact(
        InstanceId=INSTANCE, ContactFlowId="flow-1", DestinationPhoneNumber="+12065550100",
        QueueId="queue-1")["ContactId"]
    seconds = 0
    while "DisconnectTimestamp" not in connect.describe_contact(InstanceId=INSTANCE, ContactId=contact_id)["Contact"]:
        seconds += 10  # move the data clock instead of sleeping
        connect_mock.set_clock(now=f"2026-06-01T12:{seconds // 60:02d}:{seconds % 60:02d}Z")
    assert seconds == 70  # the default outcome: answered after 5 s, 60 s of talk


def test_a_handler_gets_the_contact_events(connect_mock):
    connect_mock.set_clock(now="2026-06-01T12:00:00Z")
    connect_mock.put_contacts({"Id": "c-1", "Channel": "VOICE", "InitiationMethod": "INBOUND",
                               "InitiationTimestamp": "now", "DisconnectTimestamp": "now+5m"})
    connect_mock.set_clock(now="2026-06-01T12:05:00Z")  # events of every moment passed, in order
    events = [e["event"] for e in connect_mock.events()["events"]]
    assert [e["detail"]["eventType"] for e in events] == ["INITIATED", "DISCONNECTED", "COMPLETED"]
    assert events[0]["detail-type"] == "Amazon Connect Contact Event"  # EventBridge's envelope
