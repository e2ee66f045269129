"""Starts the real connect-mock binary for each test module and hands out real clients."""
import datetime
import json
import os
import signal
import sqlite3
import subprocess
import tempfile

import boto3
import botocore.config
import pytest
import requests

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("CONNECT_MOCK_BIN", os.path.join(REPO, ".build", "debug", "connect-mock"))
INSTANCE = "8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01"
KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
FROZEN = "2026-06-01T12:00:00Z"
START = datetime.datetime.fromisoformat(FROZEN.replace("Z", "+00:00"))
# Every contact a store can hold: a SearchContacts TimeRange wider than any retention window.
WIDE = {"Type": "INITIATION_TIMESTAMP", "StartTime": datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc),
        "EndTime": datetime.datetime(2027, 1, 1, tzinfo=datetime.timezone.utc)}
# The configured key limited to the London instance (base_config).
LONDON_KEY, LONDON_SECRET = "AKIALONDONONLYEXAMPLE", "londonOnlySecretExample0123456789abcdef"
LOG_DIR = os.environ.get("CONNECT_MOCK_E2E_LOGS", os.path.join(tempfile.gettempdir(), "connect-mock-e2e-logs"))


def pytest_sessionstart(session):
    """Each run starts with empty server logs (test_zz_no_secrets_in_logs reads them all)."""
    os.makedirs(LOG_DIR, exist_ok=True)
    for name in os.listdir(LOG_DIR):
        os.remove(os.path.join(LOG_DIR, name))


CONTACT_INDEXES = ["contacts_by_agent", "contacts_by_agent_time", "contacts_by_chain", "contacts_by_disconnect", "contacts_by_enqueue", "contacts_by_expiry", "contacts_by_queue", "contacts_by_scheduled", "contacts_by_time", "contacts_key"]


def index_names(db):
    """The contacts table's indexes in a store file, sorted."""
    with sqlite3.connect(db) as c:
        return sorted(r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contacts'"))


def base_config(**overrides):
    """The shipped defaults as a dict, with a frozen data clock and the repo's seed data."""
    cfg = {
        "server": {"host": "127.0.0.1", "port": 0, "idleTimeoutSeconds": 60},
        "database": {"path": ":memory:"},
        "instances": [
            {"id": INSTANCE, "region": "us-east-1", "accountId": "123456789012", "alias": "demo"},
            {"id": "11111111-2222-4333-8444-555555555555", "region": "eu-west-2", "accountId": "123456789012", "alias": "london"},
        ],
        "credentials": [
            {"accessKeyId": KEY, "secretAccessKey": SECRET, "name": "demo"},
            {"accessKeyId": "ASIATEMPORARYEXAMPLE", "secretAccessKey": "temporarySecretKeyExample0123456789abcdef",
             "name": "session-user", "sessionToken": "FQoGZXIvYXdzEXAMPLEtokenValue+/=="},
            {"accessKeyId": LONDON_KEY, "secretAccessKey": LONDON_SECRET,
             "name": "london-reader", "instances": ["11111111-2222-4333-8444-555555555555"]},
        ],
        "auth": {"mode": "verify", "maxSkewSeconds": 300, "explainFailures": True},
        "clock": {"now": FROZEN},
        "seed": {"fixtures": [os.path.join(REPO, "seed-data")], "synthetic": {"count": 0, "seed": 42}},
        "logging": {"level": "debug", "format": "text"},
    }
    for k, v in overrides.items():
        cfg[k] = v
    return cfg


class MockServer:
    def __init__(self, config, name):
        self.dir = tempfile.mkdtemp(prefix="connect-mock-e2e-")
        self.config_path = os.path.join(self.dir, "config.yaml")
        with open(self.config_path, "w") as f:
            json.dump(config, f)  # JSON is YAML
        os.makedirs(LOG_DIR, exist_ok=True)
        self.log_path = os.path.join(LOG_DIR, name + ".log")
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([BINARY, "serve", "--config", self.config_path], stdout=subprocess.PIPE,
                                     stderr=self.log, cwd=self.dir)
        line = self.proc.stdout.readline().decode()
        assert line.startswith("connect-mock listening on http://"), f"unexpected first line {line!r}, see {self.log_path}"
        self.url = line.strip().split(" on ", 1)[1]
        self.port = int(self.url.rsplit(":", 1)[1])

    def client(self, key=KEY, secret=SECRET, token=None, region="us-east-1", **config):
        config.setdefault("retries", {"max_attempts": 1, "mode": "standard"})
        cfg = botocore.config.Config(**config)
        return boto3.client("connect", endpoint_url=self.url, region_name=region, aws_access_key_id=key,
                            aws_secret_access_key=secret, aws_session_token=token, config=cfg)

    def signed_get(self, cid, instance=INSTANCE, key=KEY, secret=SECRET, session=requests):
        """DescribeContact as raw HTTP, signed by botocore: for tests that read bytes and headers."""
        from signing import botocore_signed, contact_path
        url = self.url + contact_path(instance, cid)
        return session.get(url, headers=dict(botocore_signed(url, key, secret).headers), timeout=10)

    def mock(self, method, path, **kw):
        return requests.request(method, self.url + path, timeout=10, **kw)

    def listed(self):
        """Every row of `GET /_mock/contacts`, all pages, each page answered 200."""
        out, token = [], None
        while True:
            r = self.mock("GET", "/_mock/contacts", params={"limit": 1000, **({"nextToken": token} if token else {})})
            assert r.status_code == 200, f"listing answered {r.status_code}: {r.text}"
            out += r.json()["Contacts"]
            token = r.json().get("NextToken")
            if not token:
                return out

    def at(self, seconds):
        """Freezes the data clock `seconds` after FROZEN."""
        t = (START + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert self.mock("PUT", "/_mock/clock", json={"now": t}).status_code == 200

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


@pytest.fixture(scope="module")
def server(request):
    overrides = getattr(request.module, "CONFIG_OVERRIDES", {})
    s = MockServer(base_config(**overrides), request.module.__name__)
    yield s
    assert s.stop() == 0, f"serve did not exit 0 on SIGTERM, see {s.log_path}"


def client_error(call):
    """(status, code, message) of the ClientError a botocore call raises, as botocore surfaces them."""
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError) as e:
        call()
    r = e.value.response
    return r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]["Code"], r["Error"]["Message"]


def start_server(name, **overrides):
    return MockServer(base_config(**overrides), name)
