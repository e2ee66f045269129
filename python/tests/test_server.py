"""connect_mock.Server: start and stop, configs, failures, the mock API, env(), two at once."""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.parse

import botocore.config
import pytest
from botocore.exceptions import ClientError

import connect_mock
from conftest import INSTANCE, SCRIPT, SEEDED


def port_of(server):
    return urllib.parse.urlsplit(server.endpoint_url).port


def accepts_connections(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def test_starts_on_a_free_port_answers_and_stops_with_sigterm():
    with connect_mock.Server() as server:
        port = port_of(server)
        assert port not in (0, 8080)
        assert server.endpoint_url == f"http://127.0.0.1:{port}"
        assert server.api("GET", "/_mock/health")["status"] == "ok"
        directory, process = server.directory, server.process
        database = json.load(open(server.config_path))["database"]["path"]
        assert database.startswith(directory)
    assert process.returncode == 0  # SIGTERM drains and exits 0
    assert server.returncode == 0
    assert not os.path.exists(directory)
    assert not accepts_connections(port)
    assert server.endpoint_url is None


def test_start_and_stop_without_a_with_block():
    server = connect_mock.Server().start()
    try:
        assert server.client().describe_contact(InstanceId=INSTANCE, ContactId=SEEDED)["Contact"]["Id"] == SEEDED
    finally:
        assert server.stop() == 0
    assert server.stop() == 0  # twice is harmless


def test_attributes_are_the_shipped_defaults():
    with connect_mock.Server() as server:
        assert server.region == "us-east-1"
        assert server.instance_id == INSTANCE
        assert server.access_key_id == "AKIAIOSFODNN7EXAMPLE"
        assert server.secret_access_key == "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        # the shipped seed: six contacts from the five files of seed-data/, and 50 synthetic ones
        assert server.api("GET", "/_mock/health")["contacts"] == 56


LONDON = {"id": "11111111-2222-4333-8444-555555555555", "region": "eu-west-2", "accountId": "123456789012"}
LONDON_KEY = {"accessKeyId": "AKIALONDONEXAMPLE", "secretAccessKey": "londonSecretExample0123456789abcdef", "name": "ldn"}


def london_config():
    return {"instances": [LONDON], "credentials": [LONDON_KEY], "seed": {"fixtures": [], "synthetic": {"count": 3}}}


def check_london(server):
    assert (server.instance_id, server.region, server.access_key_id) == (LONDON["id"], "eu-west-2", "AKIALONDONEXAMPLE")
    assert server.api("GET", "/_mock/health")["contacts"] == 3
    listed = server.api("GET", "/_mock/contacts")["Contacts"]
    cid = listed[0]["Id"]
    server.set_clock(system=True)
    got = server.client().describe_contact(InstanceId=LONDON["id"], ContactId=cid)
    assert got["Contact"]["Id"] == cid


def test_config_from_a_dict():
    with connect_mock.Server(london_config()) as server:
        check_london(server)


def test_config_from_a_json_file(tmp_path):
    path = tmp_path / "mock.json"
    path.write_text(json.dumps(london_config()))
    with connect_mock.Server(str(path)) as server:
        check_london(server)


YAML = """
instances:
  - {id: 11111111-2222-4333-8444-555555555555, region: eu-west-2, accountId: "123456789012"}
credentials:
  - {accessKeyId: AKIALONDONEXAMPLE, secretAccessKey: londonSecretExample0123456789abcdef, name: ldn}
seed: {fixtures: [], synthetic: {count: 3}}
"""


def test_config_from_a_yaml_file_with_pyyaml(tmp_path):
    path = tmp_path / "mock.yaml"
    path.write_text(YAML)
    with connect_mock.Server(path) as server:  # a pathlib.Path works as well as a str
        check_london(server)


def test_a_yaml_file_without_pyyaml_says_what_to_install(tmp_path):
    path = tmp_path / "mock.yaml"
    path.write_text(YAML)
    code = ("import sys; sys.modules['yaml'] = None\nimport connect_mock\n"
            f"try:\n    connect_mock.Server({str(path)!r})\nexcept connect_mock.ConnectMockError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert "needs PyYAML" in out and "connect-mock[yaml]" in out


def test_settings_go_over_the_config_and_merge_by_key():
    with connect_mock.Server(london_config(), clock={"now": "2022-03-01T12:00:00Z"},
                             server={"idleTimeoutSeconds": 30}, seed={"synthetic": {"count": 5}}) as server:
        assert server.api("GET", "/_mock/clock") == {"mode": "frozen", "now": "2022-03-01T12:00:00Z"}
        assert server.config["server"]["host"] == "127.0.0.1"  # merged, not replaced
        assert server.config["seed"]["fixtures"] == []  # from the config
        assert server.api("GET", "/_mock/health")["contacts"] == 5


def test_a_failed_start_raises_with_the_servers_message():
    with pytest.raises(connect_mock.ServerStartError) as e:
        connect_mock.Server(retention={"months": "two years"}).start()
    assert e.value.returncode == 2
    assert "retention" in e.value.stderr and "months" in e.value.stderr
    assert e.value.stderr.strip() in str(e.value)


def test_an_unknown_section_is_the_servers_error_too():
    with pytest.raises(connect_mock.ServerStartError) as e:
        with connect_mock.Server(webhooks={"url": "http://127.0.0.1:9"}):
            pass
    assert "webhooks" in str(e.value)


def test_a_missing_binary_raises_server_start_error(tmp_path):
    with pytest.raises(connect_mock.ServerStartError, match="cannot run"):
        connect_mock.Server(binary=tmp_path / "nothing-here").start()


def test_connect_mock_variables_in_the_environment_do_not_leak_into_the_server(monkeypatch):
    monkeypatch.setenv("CONNECT_MOCK_PORT", "1")
    monkeypatch.setenv("CONNECT_MOCK_CLOCK", "2020-01-01T00:00:00Z")
    with connect_mock.Server() as server:
        assert port_of(server) != 1
        assert server.api("GET", "/_mock/clock")["mode"] == "system"


def test_two_servers_at_once_are_independent(contact):
    servers = [connect_mock.Server(seed={"fixtures": [], "synthetic": {"count": 0}}) for _ in range(2)]
    threads = [threading.Thread(target=s.start) for s in servers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    a, b = servers
    try:
        assert a.endpoint_url and b.endpoint_url and a.endpoint_url != b.endpoint_url
        a.put_contacts(contact("only-in-a"))
        assert a.client().describe_contact(InstanceId=INSTANCE, ContactId="only-in-a")["Contact"]["Id"] == "only-in-a"
        with pytest.raises(ClientError) as e:
            b.client().describe_contact(InstanceId=INSTANCE, ContactId="only-in-a")
        assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
        assert len(a.requests()["requests"]) == 1 and len(b.requests()["requests"]) == 1
    finally:
        assert a.stop() == 0
        assert b.stop() == 0


def test_the_mock_api_methods(contact):
    with connect_mock.Server() as server:
        assert server.put_contacts(contact("c-1"), contact("c-2", "CHAT")) == {"written": 2}
        connect = server.client(config=botocore.config.Config(retries={"total_max_attempts": 1}))
        assert connect.describe_contact(InstanceId=INSTANCE, ContactId="c-2")["Contact"]["Channel"] == "CHAT"

        assert server.set_clock(now="2022-03-01T12:00:00Z") == {"mode": "frozen", "now": "2022-03-01T12:00:00Z"}
        import datetime
        frozen = server.set_clock(now=datetime.datetime(2023, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc))
        assert frozen["now"] == "2023-05-06T07:08:09Z"
        assert server.set_clock(offset_seconds=-3600)["mode"] == "offset"
        assert server.set_clock(system=True)["mode"] == "system"
        with pytest.raises(TypeError):
            server.set_clock()

        server.set_faults({"match": {"operation": "DescribeContact", "contactId": "c-1"},
                           "error": "ThrottlingException", "message": "slow down"})
        with pytest.raises(ClientError) as e:
            connect.describe_contact(InstanceId=INSTANCE, ContactId="c-1")
        assert e.value.response["Error"]["Code"] == "ThrottlingException"
        assert server.set_faults() == {"faults": []}

        calls = server.requests()["requests"]
        assert [(c["path"].rsplit("/", 1)[1], c["status"]) for c in calls] == [("c-2", 200), ("c-1", 429)]
        assert len(server.requests(operation="DescribeContact")["requests"]) == 2
        assert server.requests(operation="SearchContacts")["requests"] == []

        assert server.reset() == {"contacts": 56}
        assert server.requests()["requests"] == []
        with pytest.raises(ClientError):
            connect.describe_contact(InstanceId=INSTANCE, ContactId="c-1")


def test_events_follow_the_clock():
    with connect_mock.Server(clock={"now": "2026-06-01T12:00:00Z"}) as server:
        server.put_contacts({"Id": "e-1", "Channel": "VOICE", "InitiationMethod": "INBOUND", "InitiationTimestamp": "now",
                             "DisconnectTimestamp": "now+60s"})
        first = server.events()
        assert [e["event"]["detail"]["eventType"] for e in first["events"]] == ["INITIATED"]
        server.set_clock(now="2026-06-01T12:01:00Z")
        later = server.events(after=first["nextCursor"])
        assert [e["event"]["detail"]["eventType"] for e in later["events"]] == ["DISCONNECTED", "COMPLETED"]
        assert server.events(after=later["nextCursor"])["events"] == []


def test_a_4xx_raises_mock_api_error_with_status_and_message():
    with connect_mock.Server() as server:
        with pytest.raises(connect_mock.MockAPIError) as e:
            server.set_clock(now="not a time")
        assert e.value.status == 400 and "ISO 8601" in e.value.message
        with pytest.raises(connect_mock.MockAPIError) as e:
            server.put_contacts({"Id": "x", "Channel": "PIGEON", "InitiationMethod": "INBOUND",
                                 "InitiationTimestamp": "now-1h"})
        assert e.value.status == 400 and e.value.path == "$[0].Channel" and "PIGEON" in str(e.value)
        with pytest.raises(connect_mock.MockAPIError) as e:
            server.api("GET", "/_mock/nothing")
        assert e.value.status == 404


def test_the_admin_token_is_sent_when_configured():
    with connect_mock.Server(admin={"token": "let-me-in"}) as server:
        assert server.requests() == {"requests": []}
        import urllib.request
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(server.endpoint_url + "/_mock/requests")
        assert e.value.code == 401


def test_env_sets_the_variables_for_its_block_only(monkeypatch):
    import boto3
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "outside")
    monkeypatch.delenv("AWS_ENDPOINT_URL_CONNECT", raising=False)
    monkeypatch.setenv("AWS_SESSION_TOKEN", "a-stray-token")
    with connect_mock.Server() as server:
        with connect_mock.env() as values:
            assert os.environ["AWS_ENDPOINT_URL_CONNECT"] == server.endpoint_url == values["AWS_ENDPOINT_URL_CONNECT"]
            assert "AWS_SESSION_TOKEN" not in os.environ
            contact = boto3.client("connect").describe_contact(InstanceId=INSTANCE, ContactId=SEEDED)["Contact"]
            assert contact["Id"] == SEEDED
        assert os.environ["AWS_ACCESS_KEY_ID"] == "outside"
        assert os.environ["AWS_SESSION_TOKEN"] == "a-stray-token"
        assert "AWS_ENDPOINT_URL_CONNECT" not in os.environ
        with server.env():
            assert os.environ["AWS_DEFAULT_REGION"] == "us-east-1"
    with pytest.raises(connect_mock.ConnectMockError):
        with connect_mock.env():
            pass


def test_the_console_script_serves_the_shipped_defaults_from_any_folder(tmp_path):
    """`connect-mock serve` in a folder with no config.yaml and no seed-data/ starts, seeded
    from the package's own copy, and answers a signed DescribeContact."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECT_MOCK_")}
    proc = subprocess.Popen([SCRIPT, "serve", "--port", "0", "--database", ":memory:"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("connect-mock listening on http://127.0.0.1:"), line + proc.stderr.read()
        import boto3
        url = line.split(" on ", 1)[1].strip()
        connect = boto3.client("connect", endpoint_url=url, region_name="us-east-1",
                               aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                               aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        assert connect.describe_contact(InstanceId=INSTANCE, ContactId=SEEDED)["Contact"]["Id"] == SEEDED
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
        proc.stdout.close()
        proc.stderr.close()
    assert os.listdir(tmp_path) == []


def test_the_console_script_leaves_a_local_config_yaml_to_the_binary(tmp_path):
    (tmp_path / "config.yaml").write_text("instances: []\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECT_MOCK_")}
    out = subprocess.run([SCRIPT, "check-config"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode == 2 and "config.yaml" in out.stderr and "instances" in out.stderr


def test_a_server_left_running_is_stopped_when_the_interpreter_exits():
    code = ("import connect_mock, sys\n"
            "server = connect_mock.Server(seed={'fixtures': [], 'synthetic': {'count': 0}}).start()\n"
            "print(server.process.pid, server.directory, flush=True)\n")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=60).stdout
    pid, directory = out.split()
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid), 0)
    assert not os.path.exists(directory)
