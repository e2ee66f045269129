"""Issue 8: thousands of connections, back-pressure, smuggling shapes over the wire, crash safety."""
import json
import re
import resource
import signal
import socket
import sqlite3
import subprocess
import threading
import time

import pytest
import requests

from conftest import BINARY, CONTACT_INDEXES, base_config, index_names, start_server

SEEDED = "c0ffee00-1111-4a2b-9c3d-000000000001"


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) / 1024


def test_three_thousand_connections(server):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))
    socks = []
    try:
        for _ in range(3000):
            socks.append(socket.create_connection(("127.0.0.1", server.port), timeout=5))
        time.sleep(0.5)
        t = time.monotonic()
        r = server.signed_get(SEEDED)
        elapsed_ms = (time.monotonic() - t) * 1000
        assert r.status_code == 200
        assert elapsed_ms < 50, f"{elapsed_ms:.1f} ms with 3,000 connections open"
        assert rss_mb(server.proc.pid) < 64
        assert server.mock("GET", "/_mock/metrics").status_code == 200
    finally:
        for s in socks:
            s.close()


def test_a_reader_that_never_reads_does_not_grow_the_server(server):
    before = rss_mb(server.proc.pid)
    hog = socket.create_connection(("127.0.0.1", server.port))
    hog.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    request = b"GET /_mock/metrics HTTP/1.1\r\nHost: x\r\n\r\n"
    hog.setblocking(False)
    sent = 0
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and sent < 50_000_000:
        try:
            sent += hog.send(request * 256)
        except BlockingIOError:
            time.sleep(0.01)
    assert server.signed_get(SEEDED).status_code == 200, "other clients are still served"
    assert rss_mb(server.proc.pid) - before < 32, "unread responses must not pile up in memory"
    hog.close()


def test_responses_a_slow_reader_leaves_queued_arrive_whole(server):
    """Pipelined DescribeContact calls to a reader with a small receive buffer: most responses
    do not fit in the socket at once, so the server queues what is left of each (head, the
    `{"Contact":` envelope and the stored document copied into one buffer). Read slowly, every
    one must still be the exact bytes a lone call gets."""
    from signing import botocore_signed, contact_path
    expected = server.signed_get(SEEDED)
    assert expected.status_code == 200
    url = server.url + contact_path("8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01", SEEDED)
    signed = botocore_signed(url, "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    path = url.split(str(server.port), 1)[1]
    head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in signed.headers.items() if k.lower() != "host") + "\r\n"
    count = 2000
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(10)
        s.connect(("127.0.0.1", server.port))
        s.sendall(head.encode() * count)
        time.sleep(0.5)
        data = b""
        bodies = []
        while len(bodies) < count:
            chunk = s.recv(65536)
            assert chunk, f"connection closed after {len(bodies)} responses"
            data += chunk
            while b"\r\n\r\n" in data:
                h, _, rest = data.partition(b"\r\n\r\n")
                length = int(re.search(rb"Content-Length: (\d+)", h).group(1))
                if len(rest) < length:
                    break
                assert h.startswith(b"HTTP/1.1 200 OK\r\n"), h
                bodies.append(rest[:length])
                data = rest[length:]
    assert all(b == expected.content for b in bodies)


SMUGGLING = [
    b"POST /_mock/contacts HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /_mock/health HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /_mock/contacts HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 40\r\n\r\nabcd",
    b"GET /_mock/health HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n",
    b"GET /_mock/health HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n",
]


def test_smuggling_shapes_get_400_and_a_closed_connection(server):
    for raw in SMUGGLING:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
            s.sendall(raw)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        assert data.startswith(b"HTTP/1.1 400 "), (raw, data)
        assert data.count(b"HTTP/1.1 ") == 1, "nothing after the refusal is answered"
    assert server.mock("GET", "/_mock/health").status_code == 200


def integrity(db):
    with sqlite3.connect(db) as c:
        return c.execute("PRAGMA integrity_check").fetchone()[0], c.execute("SELECT count(*) FROM contacts").fetchone()[0]


@pytest.mark.parametrize("earlier", [500, 0])
def test_kill_9_during_a_seed_leaves_the_earlier_contacts(tmp_path, earlier):
    """A kill mid-seed leaves the store as it was: with 500 contacts, or empty, where a large seed
    drops two indexes inside its transaction, and every index is still there."""
    db = str(tmp_path / "c.sqlite")
    cfg = tmp_path / "config.yaml"
    cfg.write_text(json.dumps(base_config(database={"path": db}, seed={"fixtures": []})))
    subprocess.run([BINARY, "seed", "--config", str(cfg), "--synthetic", str(earlier), "--seed", "1"], check=True, capture_output=True)
    assert integrity(db) == ("ok", earlier)
    # Large enough that even a release build is still seeding at the last kill (it writes
    # about 200,000 contacts a second); 300,000 could finish first and commit.
    for delay in (0.3, 1.0, 2.0):
        p = subprocess.Popen([BINARY, "seed", "--config", str(cfg), "--synthetic", "3000000", "--seed", "2"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        assert integrity(db) == ("ok", earlier), f"after a kill at {delay}s"
        assert index_names(db) == CONTACT_INDEXES, f"after a kill at {delay}s"
    # A seed into the empty file wrote through the rollback journal; the next open puts the
    # file back in WAL mode.
    subprocess.run([BINARY, "purge", "--config", str(cfg)], check=True, capture_output=True)
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert integrity(db) == ("ok", earlier)


def test_kill_9_of_serve_during_admin_writes_leaves_a_sound_store(tmp_path):
    db = str(tmp_path / "c.sqlite")
    s = start_server("kill9", database={"path": db}, seed={"fixtures": []})
    acknowledged, stop = [], threading.Event()

    def writer(k):
        session = requests.Session()
        n = 0
        while not stop.is_set():
            try:
                r = session.post(s.url + "/_mock/contacts", timeout=5, json=[
                    {"Id": f"w{k}-{n}-{j}", "Channel": "CHAT", "InitiationMethod": "API", "InitiationTimestamp": "now-1m"} for j in range(50)])
                if r.status_code == 200:
                    acknowledged.append(50)
            except requests.RequestException:
                return
            n += 1

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    s.proc.send_signal(signal.SIGKILL)
    s.proc.wait()
    stop.set()
    for t in threads:
        t.join()
    s.log.close()
    status, count = integrity(db)
    assert status == "ok"
    assert count >= sum(acknowledged) > 0
