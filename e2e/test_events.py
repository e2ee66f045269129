"""Contacts that unfold on the data clock and their events (SPEC §9): a contact whose moments
lie ahead grows member by member as the test moves the frozen clock, and each moment passed
puts its event in the feed, in EventBridge's envelope, before the clock PUT answers."""
import datetime
import json
import time

import pytest

from conftest import INSTANCE, START

QUEUE = "33333333-dddd-4eee-8fff-444444444444"
AGENT = "55555555-aaaa-4bbb-8ccc-666666666666"


@pytest.fixture(autouse=True)
def fresh(server):
    server.mock("POST", "/_mock/reset")
    yield
    server.mock("POST", "/_mock/reset")


def contact_ahead(cid):
    return {"Contact": {
        "Id": cid, "Channel": "VOICE", "InitiationMethod": "INBOUND",
        "InitiationTimestamp": "now", "ConnectedToSystemTimestamp": "now+2s",
        "QueueInfo": {"Id": QUEUE, "EnqueueTimestamp": "now+10s"},
        "AgentInfo": {"Id": AGENT, "ConnectedToAgentTimestamp": "now+40s"},
        "DisconnectTimestamp": "now+300s", "DisconnectReason": "CUSTOMER_DISCONNECT",
        "LastUpdateTimestamp": "now+300s",
    }}


def events(server, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return server.mock("GET", "/_mock/events" + ("?" + query if query else "")).json()


def test_a_contact_grows_member_by_member_and_its_events_arrive_in_order(server):
    assert server.mock("PUT", f"/_mock/contacts/{INSTANCE}/grow-1", json=contact_ahead("grow-1")).status_code == 201
    client = server.client()

    def shown():
        c = client.describe_contact(InstanceId=INSTANCE, ContactId="grow-1")["Contact"]
        return {k for k in ("ConnectedToSystemTimestamp", "QueueInfo", "AgentInfo", "DisconnectTimestamp") if k in c}, c

    members, c = shown()
    assert members == set() and c["LastUpdateTimestamp"] == START
    # The write made INITIATED (its moment is now); nothing else yet.
    first = events(server)
    assert [e["event"]["detail"]["eventType"] for e in first["events"]] == ["INITIATED"]
    steps = [(2, {"ConnectedToSystemTimestamp"}, []),
             (10, {"ConnectedToSystemTimestamp", "QueueInfo"}, ["QUEUED"]),
             (299, {"ConnectedToSystemTimestamp", "QueueInfo", "AgentInfo"}, ["CONNECTED_TO_AGENT"]),
             (300, {"ConnectedToSystemTimestamp", "QueueInfo", "AgentInfo", "DisconnectTimestamp"}, ["DISCONNECTED", "COMPLETED"])]
    cursor = first["nextCursor"]
    for seconds, expected, types in steps:
        server.at(seconds)
        members, c = shown()
        assert members == expected, seconds
        page = events(server, after=cursor)
        got = [e["event"]["detail"]["eventType"] for e in page["events"]]
        assert got == types, (seconds, got)
        cursor = page["nextCursor"]
        for e in page["events"]:
            ev = e["event"]
            assert (ev["source"], ev["detail-type"], ev["version"]) == ("aws.connect", "Amazon Connect Contact Event", "0")
            assert ev["detail"]["contactId"] == "grow-1" and ev["account"] == "123456789012" and ev["region"] == "us-east-1"
            assert ev["resources"][0].endswith(f"instance/{INSTANCE}")
    # All past now: served as stored.
    assert c["DisconnectTimestamp"] == START + datetime.timedelta(seconds=300)
    # A filtered read, and a reset that clears the feed.
    assert [e["event"]["detail"]["eventType"] for e in events(server, contactId="grow-1", eventType="QUEUED")["events"]] == ["QUEUED"]
    server.mock("POST", "/_mock/reset")
    assert events(server)["events"] == []


def test_a_big_jump_emits_everything_it_passed_in_time_order(server):
    for k in range(3):
        doc = contact_ahead(f"jump-{k}")
        doc["Contact"]["InitiationTimestamp"] = f"now+{k}s"
        server.mock("PUT", f"/_mock/contacts/{INSTANCE}/jump-{k}", json=doc)
    cursor = events(server)["nextCursor"]  # jump-0's INITIATED, made by its write
    server.at(1000)
    got = events(server, after=cursor, limit=1000)["events"]
    # Time order, then contact, then AWS's event order (inbound VOICE has no CONNECTED_TO_SYSTEM).
    assert [(e["event"]["detail"]["contactId"], e["event"]["detail"]["eventType"]) for e in got] == [
        ("jump-1", "INITIATED"), ("jump-2", "INITIATED"),
        ("jump-0", "QUEUED"), ("jump-1", "QUEUED"), ("jump-2", "QUEUED"),
        ("jump-0", "CONNECTED_TO_AGENT"), ("jump-1", "CONNECTED_TO_AGENT"), ("jump-2", "CONNECTED_TO_AGENT"),
        ("jump-0", "DISCONNECTED"), ("jump-0", "COMPLETED"), ("jump-1", "DISCONNECTED"), ("jump-1", "COMPLETED"),
        ("jump-2", "DISCONNECTED"), ("jump-2", "COMPLETED"),
    ]
    times = [e["event"]["time"] for e in got]
    assert times == sorted(times)
    ids = [e["event"]["id"] for e in got]
    assert len(ids) == len(set(ids))


def test_moments_already_past_at_start_make_no_events(server):
    # The seed's fixtures all lie in the past: the feed starts empty after a reset.
    server.at(3600)
    assert events(server)["events"] == []


def test_an_outbound_call_and_stop_contact_give_their_events(server):
    client = server.client()
    cid = client.start_outbound_voice_contact(InstanceId=INSTANCE, ContactFlowId="flow", DestinationPhoneNumber="+12065550100",
                                              QueueId=QUEUE)["ContactId"]
    server.at(5)
    client.stop_contact(InstanceId=INSTANCE, ContactId=cid)
    server.at(100)
    got = [e["event"]["detail"]["eventType"] for e in events(server, contactId=cid)["events"]]
    # Answered at 5 s and stopped then; no after contact work, so COMPLETED follows at once.
    assert got == ["INITIATED", "CONNECTED_TO_SYSTEM", "QUEUED", "DISCONNECTED", "COMPLETED"], got
    bad = server.mock("GET", "/_mock/events?eventType=RINGING")
    assert bad.status_code == 400 and "eventType" in bad.json()["message"]


class Receiver:
    """A webhook receiver the test serves: records each POSTed event; can be down or failing."""

    def __init__(self, port=0):
        import http.server
        import threading
        self.bodies, self.fail_next = [], 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = 500 if outer.fail_next > 0 else 200
                if outer.fail_next > 0:
                    outer.fail_next -= 1
                else:
                    outer.bodies.append(json.loads(body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def wait_for(predicate, seconds=15):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_webhook_gets_every_event_in_order_even_after_being_down_and_failing(server):
    # Down at first: nothing listens on the port (connections are refused) until the receiver
    # is made, after the events; then it fails twice.
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/events"
    assert server.mock("PUT", "/_mock/webhooks", json={"webhooks": [{"url": url}]}).status_code == 200
    receiver = None
    try:
        server.mock("PUT", f"/_mock/contacts/{INSTANCE}/hook-1", json=contact_ahead("hook-1"))
        server.at(400)
        expected = [e["event"]["id"] for e in events(server, contactId="hook-1")["events"]]
        assert len(expected) == 5
        assert wait_for(lambda: server.mock("GET", "/_mock/webhooks").json()["webhooks"][0]["failedAttempts"] >= 2)
        down = server.mock("GET", "/_mock/webhooks").json()["webhooks"][0]
        assert down["delivered"] == 0 and "connect" in down["lastError"], down
        receiver = Receiver(port)
        receiver.fail_next = 2
        receiver.start()
        assert wait_for(lambda: len(receiver.bodies) >= len(expected)), receiver.bodies
        assert [b["id"] for b in receiver.bodies] == expected
        assert receiver.bodies[0]["detail-type"] == "Amazon Connect Contact Event"
        status = server.mock("GET", "/_mock/webhooks").json()["webhooks"][0]
        assert status["url"] == url and status["delivered"] == 5 and status["failedAttempts"] >= 4 and status["pending"] == 0
        metrics = server.mock("GET", "/_mock/metrics").text
        assert f'connect_mock_webhook_deliveries_total{{url="{url}"}} 5' in metrics
    finally:
        server.mock("PUT", "/_mock/webhooks", json={"webhooks": []})
        if receiver:
            receiver.stop()


def test_webhook_urls_are_checked(server):
    r = server.mock("PUT", "/_mock/webhooks", json={"webhooks": [{"url": "https://example.com/hook"}]})
    assert r.status_code == 400 and r.json()["path"] == "$.webhooks[0].url", r.text


def test_search_summaries_show_a_contact_as_it_stands_at_the_clock(server):
    server.mock("PUT", f"/_mock/contacts/{INSTANCE}/summary-1", json=contact_ahead("summary-1"))
    client = server.client()

    def summary():
        found = client.search_contacts(InstanceId=INSTANCE, TimeRange={
            "Type": "INITIATION_TIMESTAMP", "StartTime": START, "EndTime": START + datetime.timedelta(hours=1)})["Contacts"]
        return next(c for c in found if c["Id"] == "summary-1")

    server.at(20)
    s = summary()
    assert "QueueInfo" in s and "AgentInfo" not in s and "DisconnectTimestamp" not in s
    server.at(300)
    s = summary()
    assert "AgentInfo" in s and s["DisconnectTimestamp"] == START + datetime.timedelta(seconds=300)


def test_an_attribute_update_is_a_contact_data_updated_event(server):
    server.mock("PUT", f"/_mock/contacts/{INSTANCE}/attrs-1", json=contact_ahead("attrs-1"))
    cursor = events(server)["nextCursor"]
    server.client().update_contact_attributes(InstanceId=INSTANCE, InitialContactId="attrs-1", Attributes={"k": "v"})
    got = [e["event"] for e in events(server, after=cursor)["events"]]
    assert [(e["detail"]["contactId"], e["detail"]["eventType"]) for e in got] == [("attrs-1", "CONTACT_DATA_UPDATED")]
    assert got[0]["detail"]["updatedProperties"] == ["UserDefinedAttributes"], got[0]["detail"]
