"""Issue 6: graceful SIGTERM/SIGINT, the healthcheck command, the exposure warning."""
import signal
import socket
import subprocess
import threading
import time

import pytest
import requests

from conftest import BINARY, start_server

SEEDED = "c0ffee00-1111-4a2b-9c3d-000000000001"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_during_a_slow_request_finishes_it_and_exits_0(sig):
    s = start_server("drain-" + sig.name, faults=[{"match": {"contactId": SEEDED}, "latencyMs": 1000}])
    result = {}

    def call():
        r = s.signed_get(SEEDED)
        result["status"], result["body"] = r.status_code, r.json()

    idle = socket.create_connection(("127.0.0.1", s.port))  # an idle keep-alive connection must not hold shutdown
    t = threading.Thread(target=call)
    t.start()
    time.sleep(0.3)
    sent = time.monotonic()
    s.proc.send_signal(sig)
    t.join(timeout=10)
    s.proc.wait(timeout=10)
    elapsed = time.monotonic() - sent
    idle.close()
    assert result.get("status") == 200 and result["body"]["Contact"]["Id"] == SEEDED
    assert s.proc.returncode == 0
    assert elapsed < 2.0, f"took {elapsed:.2f}s to exit"
    s.log.close()


def test_healthcheck_command():
    s = start_server("healthcheck")
    try:
        assert subprocess.run([BINARY, "healthcheck", "--url", s.url + "/_mock/health"], timeout=10).returncode == 0
    finally:
        assert s.stop() == 0
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    out = subprocess.run([BINARY, "healthcheck", "--url", f"http://127.0.0.1:{port}/_mock/health"], capture_output=True, text=True, timeout=10)
    assert out.returncode == 1 and "nothing answered" in out.stderr


def test_warns_when_exposed_without_an_admin_token():
    s = start_server("exposed", server={"host": "0.0.0.0", "port": 0})
    try:
        assert requests.get(f"http://127.0.0.1:{s.port}/_mock/health", timeout=5).status_code == 200
    finally:
        assert s.stop() == 0
    with open(s.log_path) as f:
        assert "listening on 0.0.0.0 with the mock API open and no admin.token" in f.read()


def test_stdout_is_one_line_and_logs_go_to_stderr():
    s = start_server("stdout")
    assert s.stop() == 0
    assert s.proc.stdout.read() == b""
