"""StartOutboundVoiceContact (SPEC §9): a VOICE contact made at the data clock's now, laid out
by the outcome rules, idempotent by ClientToken, and the model's errors."""
import pytest

from conftest import INSTANCE, START, client_error
from contacts import CONTACT_SHAPE
from model_check import validate

FLOW = "11111111-aaaa-4bbb-8ccc-222222222222"
QUEUE = "33333333-dddd-4eee-8fff-444444444444"


def start(client, destination="+12065550100", **kw):
    kw.setdefault("QueueId", QUEUE)
    return client.start_outbound_voice_contact(InstanceId=INSTANCE, ContactFlowId=FLOW, DestinationPhoneNumber=destination, **kw)


@pytest.fixture(autouse=True)
def frozen_at_start(server):
    server.at(0)
    yield
    server.at(0)


def test_an_outbound_call_is_a_voice_contact_initiated_now_by_the_api(server):
    client = server.client()
    r = start(client, Name="renewal", Description="call about the renewal", Attributes={"plan": "gold"},
              SourcePhoneNumber="+18005550199", CampaignId="c-1")
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
    raw = server.signed_get(r["ContactId"]).json()["Contact"]
    assert validate(raw, CONTACT_SHAPE) == []
    c = client.describe_contact(InstanceId=INSTANCE, ContactId=r["ContactId"])["Contact"]
    assert (c["Channel"], c["InitiationMethod"], c["Name"], c["Attributes"]) == ("VOICE", "API", "renewal", {"plan": "gold"})
    assert c["InitiationTimestamp"] == START
    assert c["CustomerEndpoint"] == {"Type": "TELEPHONE_NUMBER", "Address": "+12065550100"}
    assert c["SystemEndpoint"] == {"Type": "TELEPHONE_NUMBER", "Address": "+18005550199"}
    assert c["Campaign"] == {"CampaignId": "c-1"}
    # Ringing: not yet answered, queued or ended.
    assert not {"ConnectedToSystemTimestamp", "QueueInfo", "DisconnectTimestamp"} & set(c)
    server.at(5)
    c = client.describe_contact(InstanceId=INSTANCE, ContactId=r["ContactId"])["Contact"]
    assert c["QueueInfo"]["Id"] == QUEUE and "DisconnectTimestamp" not in c
    entry = server.mock("GET", "/_mock/requests?operation=StartOutboundVoiceContact").json()["requests"][-1]
    assert (entry["operation"], entry["status"], entry["method"]) == ("StartOutboundVoiceContact", 200, "PUT")


def test_the_same_client_token_gives_the_same_contact_while_it_is_in_progress(server):
    client = server.client()
    a = start(client, ClientToken="retry-1")["ContactId"]
    b = start(client, ClientToken="retry-1")["ContactId"]
    c = start(client, ClientToken="retry-2")["ContactId"]
    assert a == b != c
    # Past its end (the default rule: 5 s ringing, 60 s talk) the token starts a new contact.
    server.at(66)
    assert start(client, ClientToken="retry-1")["ContactId"] != a


@pytest.mark.parametrize("outcome,ring,end,reason", [
    ("answered", 7, 7 + 30, "CUSTOMER_DISCONNECT"),
    ("machine", 3, 3 + 30, "CONTACT_FLOW_DISCONNECT"),
    ("no-answer", None, 60, "TELECOM_PROBLEM"),
    ("busy", None, 2, "TELECOM_PROBLEM"),
])
def test_each_outcome_rule_lays_out_the_call(server, outcome, ring, end, reason):
    rule = {"match": {"destination": "+4420*"}, "outcome": outcome, "talkSeconds": 30}
    if ring is not None:
        rule["ringSeconds"] = ring
    assert server.mock("PUT", "/_mock/outbound", json={"rules": [rule]}).status_code == 200
    try:
        client = server.client()
        cid = start(client, destination="+442071838750")["ContactId"]
        default = start(client)["ContactId"]
        assert "DisconnectTimestamp" not in server.signed_get(cid).json()["Contact"]
        server.at(end - 1)
        assert "DisconnectTimestamp" not in server.signed_get(cid).json()["Contact"]
        server.at(end)
        c = server.signed_get(cid).json()["Contact"]
        assert validate(c, CONTACT_SHAPE) == []
        assert c["DisconnectReason"] == reason
        assert c["DisconnectTimestamp"] - c["InitiationTimestamp"] == end
        answered = outcome in ("answered", "machine")
        assert ("ConnectedToSystemTimestamp" in c) == answered
        assert (c.get("AnsweringMachineDetectionStatus") == "VOICEMAIL_BEEP") == (outcome == "machine")
        # Other destinations take the default: answered after 5 s, 60 s of talk.
        server.at(65)
        other = server.signed_get(default).json()["Contact"]
        assert other["DisconnectTimestamp"] - other["InitiationTimestamp"] == 65
    finally:
        server.mock("PUT", "/_mock/outbound", json={"rules": []})


def test_a_destination_not_allowed_gets_the_modeled_error(server):
    server.mock("PUT", "/_mock/outbound", json={"rules": [{"match": {"destination": "+447*"}, "outcome": "not-allowed"}]})
    try:
        client = server.client()
        with pytest.raises(client.exceptions.DestinationNotAllowedException) as e:
            start(client, destination="+447700900123")
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    finally:
        server.mock("PUT", "/_mock/outbound", json={"rules": []})


def test_input_the_model_refuses_names_the_member(server):
    client = server.client()
    # botocore does not check patterns; the mock does, as the service does.
    status, code, message = client_error(lambda: start(client, destination="555-0100"))
    assert (status, code) == (400, "InvalidParameterException") and "destinationPhoneNumber" in message, message
    # Neither a queue nor a source number: AWS needs one of them for the caller id.
    status, code, message = client_error(lambda: client.start_outbound_voice_contact(
        InstanceId=INSTANCE, ContactFlowId=FLOW, DestinationPhoneNumber="+12065550100"))
    assert (status, code) == (400, "InvalidRequestException"), message
    status, code, _ = client_error(lambda: client.start_outbound_voice_contact(
        InstanceId="not-configured", ContactFlowId=FLOW, DestinationPhoneNumber="+12065550100", QueueId=QUEUE))
    assert (status, code) == (404, "ResourceNotFoundException")


def test_outbound_rules_are_checked_and_a_reset_restores_the_configured_ones(server):
    r = server.mock("PUT", "/_mock/outbound", json={"rules": [{"match": {"destination": "+1*"}, "outcome": "ringing"}]})
    assert r.status_code == 400 and r.json()["path"] == "$.rules[0].outcome", r.text
    server.mock("PUT", "/_mock/outbound", json={"rules": [{"match": {"destination": "+1*"}, "outcome": "busy"}]})
    assert server.mock("POST", "/_mock/reset").status_code == 200
    assert server.mock("GET", "/_mock/outbound").json() == {"rules": []}


def test_a_poller_follows_an_outbound_call_to_its_disconnect_by_moving_the_clock(server):
    """The polling pattern: describe until DisconnectTimestamp appears, the test moving the
    data clock instead of sleeping."""
    client = server.client()
    cid = start(client)["ContactId"]
    seen, t = [], 0
    while True:
        c = client.describe_contact(InstanceId=INSTANCE, ContactId=cid)["Contact"]
        seen.append(sorted(k for k in ("ConnectedToSystemTimestamp", "QueueInfo", "DisconnectTimestamp") if k in c))
        if "DisconnectTimestamp" in c:
            break
        t += 10
        server.at(t)
    assert t == 70 and seen[0] == [] and seen[1] == ["ConnectedToSystemTimestamp", "QueueInfo"]
    assert c["LastUpdateTimestamp"] == c["DisconnectTimestamp"]


def test_stop_contact_ends_a_call_in_progress_at_now_and_refuses_an_ended_one(server):
    client = server.client()
    cid = start(client)["ContactId"]
    server.at(20)
    assert client.stop_contact(InstanceId=INSTANCE, ContactId=cid)["ResponseMetadata"]["HTTPStatusCode"] == 200
    c = server.signed_get(cid).json()["Contact"]
    assert validate(c, CONTACT_SHAPE) == []
    assert c["DisconnectTimestamp"] - c["InitiationTimestamp"] == 20 and c["DisconnectReason"] == "API"
    assert c["LastUpdateTimestamp"] == c["DisconnectTimestamp"]
    # Later moments are gone: at the old end the contact still ended at 20 s.
    server.at(65)
    assert server.signed_get(cid).json()["Contact"]["DisconnectTimestamp"] - c["InitiationTimestamp"] == 20
    with pytest.raises(client.exceptions.ContactNotFoundException) as e:
        client.stop_contact(InstanceId=INSTANCE, ContactId=cid)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 410
    with pytest.raises(client.exceptions.ContactNotFoundException):
        client.stop_contact(InstanceId=INSTANCE, ContactId="no-such-contact")


def test_stop_contact_before_the_answer_drops_the_answer_and_keeps_the_reason_given(server):
    client = server.client()
    cid = start(client)["ContactId"]
    server.at(2)
    client.stop_contact(InstanceId=INSTANCE, ContactId=cid, DisconnectReason={"Code": "CUSTOMER_NOT_AVAILABLE"})
    server.at(100)
    c = server.signed_get(cid).json()["Contact"]
    assert "ConnectedToSystemTimestamp" not in c and "QueueInfo" not in c
    assert c["DisconnectReason"] == "CUSTOMER_NOT_AVAILABLE"


def test_a_client_token_whose_contact_was_stopped_starts_a_new_one(server):
    """AWS: "If the contact is disconnected, a new contact is started" - StopContact included."""
    client = server.client()
    a = start(client, ClientToken="stopped-1")["ContactId"]
    server.at(10)
    client.stop_contact(InstanceId=INSTANCE, ContactId=a)
    assert start(client, ClientToken="stopped-1")["ContactId"] != a
