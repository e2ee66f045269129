"""Issue 30, hardening round two (HTTP parts): what one connection may cost the server.

Item 6: a pipelined stream whose reads never end on a request boundary, and an endless trailer
section, must not grow the server. Item 7: empty lines must not hold a connection open past
`server.idleTimeoutSeconds`. Item 8: a 413 or 431 must reach Python's http.client (requests)
as a status, not a connection reset; `maxHeaderBytes` is exact; a target longer than the head
limit is 414.

The soak at the end runs for CONNECT_MOCK_SOAK_SECONDS (3 by default; 30 for a longer look).
Every loop here is bounded in time or in bytes, and every socket is loopback.
"""
import http.client
import multiprocessing
import os
import queue
import re
import resource
import selectors
import socket
import threading
import time

import requests

IDLE_SECONDS = 1
MAX_HEADER_BYTES = 16384
MAX_BODY_BYTES = 1048576
SOAK_SECONDS = float(os.environ.get("CONNECT_MOCK_SOAK_SECONDS", "3"))
# Time for the server to act on a deadline, on a busy two-core machine running a debug build.
SLACK = 1.5

CONFIG_OVERRIDES = {
    "server": {"host": "127.0.0.1", "port": 0, "idleTimeoutSeconds": IDLE_SECONDS,
               "maxHeaderBytes": MAX_HEADER_BYTES, "maxBodyBytes": MAX_BODY_BYTES},
}


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) / 1024


def raise_fd_limit(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, n)), hard))


def connect(server, timeout=5):
    return socket.create_connection(("127.0.0.1", server.port), timeout=timeout)


def read_until_closed(s, limit_seconds):
    """Everything the server sends until it closes (EOF or reset), within `limit_seconds`;
    returns (bytes, seconds taken, closed)."""
    t = time.monotonic()
    data = b""
    s.settimeout(0.2)
    while time.monotonic() - t < limit_seconds:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return data, time.monotonic() - t, True
        if not chunk:
            return data, time.monotonic() - t, True
        data += chunk
    return data, time.monotonic() - t, False


def head_of(size, target="/_mock/health"):
    """A GET head of exactly `size` bytes, request line through the empty line."""
    bare = f"GET {target} HTTP/1.1\r\nHost: x\r\nX-Pad: \r\n\r\n"
    return f"GET {target} HTTP/1.1\r\nHost: x\r\nX-Pad: {'p' * (size - len(bare))}\r\n\r\n".encode()


# Item 8 -------------------------------------------------------------------------------------

def test_a_head_of_exactly_max_header_bytes_is_served_and_one_byte_more_is_431(server):
    for size, status in [(MAX_HEADER_BYTES, b"200"), (MAX_HEADER_BYTES + 1, b"431")]:
        raw = head_of(size)
        assert len(raw) == size
        with connect(server) as s:
            s.sendall(raw)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = s.recv(65536)
                assert chunk, f"closed without an answer to a {size}-byte head"
                data += chunk
        assert data.startswith(b"HTTP/1.1 " + status), (size, data[:80])


def test_a_target_longer_than_max_header_bytes_is_414(server):
    r = requests.get(server.url + "/_mock/health?x=" + "a" * (MAX_HEADER_BYTES + 4000), timeout=10)
    assert r.status_code == 414


def test_a_body_over_max_body_bytes_reaches_requests_as_413(server):
    """requests sends the whole 4 MB body before it reads; the server answers at the head and
    keeps reading (dropping) the rest, so the 413 is there to read, not a reset."""
    for _ in range(3):
        r = requests.post(server.url + "/_mock/contacts", data=b"x" * (4 * MAX_BODY_BYTES), timeout=10,
                          headers={"Content-Type": "application/json"})
        assert r.status_code == 413


def http_client_status(server, method, url, **kw):
    """The status http.client reads, or the exception it raised (a reset, a broken pipe)."""
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        c.request(method, url, **kw)
        return c.getresponse().status
    except OSError as e:
        return repr(e)
    finally:
        c.close()


def test_a_body_over_max_body_bytes_reaches_http_client_as_413(server):
    """http.client sends the whole body before it reads the answer: 16 MB does not fit in the
    sockets' buffers, so a server that closed at once broke its pipe before it read the 413."""
    for _ in range(3):
        assert http_client_status(server, "POST", "/_mock/contacts", body=b"x" * (16 << 20)) == 413


def test_a_head_over_max_header_bytes_reaches_http_client_as_431(server):
    for _ in range(3):
        assert http_client_status(server, "GET", "/_mock/health", headers={"X-Big": "b" * (16 << 20)}) == 431


def test_a_head_over_max_header_bytes_reaches_requests_as_431(server):
    for _ in range(3):
        r = requests.get(server.url + "/_mock/health", headers={"X-Big": "b" * (1 << 20)}, timeout=10)
        assert r.status_code == 431


def test_after_a_refusal_the_server_ends_its_side_and_closes_when_the_peer_does(server):
    """Lingering: the 413, then end of stream (the write side shut), while the rest of the body is
    still being read; the connection is gone once the client closes."""
    with connect(server) as s:
        s.sendall(b"POST /_mock/contacts HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n")
        s.sendall(b"x" * (1 << 20))  # more than the socket buffers hold: the server is reading it
        data, _, closed = read_until_closed(s, 5)
        assert data.startswith(b"HTTP/1.1 413 "), data[:80]
        assert b"Connection: close" in data or b"connection: close" in data.lower()
        assert closed
    assert server.mock("GET", "/_mock/health").status_code == 200


# Item 6 -------------------------------------------------------------------------------------

def pipelined_stream(kind="get"):
    """Pipelined requests, sent in prime-sized pieces so the sender never stops on a request
    boundary. "get": health checks of about 3 KB (what the soak sends). "post": requests with
    a 256 KiB body, whose boundaries are so rare that none of the server's reads ends on one
    either (with 3 KB requests one read in a few thousand did, and emptied the buffer)."""
    if kind == "post":
        body = b"b" * (256 << 10)
        return (b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body) + body) * 4
    return f"GET /_mock/health HTTP/1.1\r\nHost: x\r\nX-Pad: {'p' * 3000}\r\n\r\n".encode() * 64


def run_pipeline(server, seconds, max_bytes=None, kind="get"):
    """Sends the stream for `seconds` (or `max_bytes`) while a second thread reads the answers;
    stops mid-request and returns (bytes sent, answers, what came last, seconds from the last
    byte sent to the close, closed)."""
    stream = pipelined_stream(kind)
    unit = len(stream) // 4 if kind == "post" else len(stream) // 64
    piece = 65521
    s = connect(server, timeout=10)
    answers = [0, b""]

    def reader():
        tail = b""
        try:
            while True:
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                tail = (tail + chunk)[-4096:]
                answers[0] += chunk.count(b"HTTP/1.1 ")
        except OSError:
            pass
        answers[1] = tail
        answers.append(time.monotonic())

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    sent, offset = 0, 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and (max_bytes is None or sent < max_bytes):
        end = offset + piece
        chunk = stream[offset:end] if end <= len(stream) else stream[offset:] + stream[:end - len(stream)]
        offset = end % len(stream)
        s.sendall(chunk)
        sent += len(chunk)
    if offset % unit == 0:
        s.sendall(b"GET /_mock/health HTTP/1.1\r\n")  # end mid-request in any case
    stopped = time.monotonic()
    t.join(IDLE_SECONDS + 2 * SLACK)
    closed = not t.is_alive()
    s.close()
    return sent, answers[0], answers[1], (answers[2] - stopped) if closed else None, closed


def test_a_pipelined_stream_that_never_ends_on_a_boundary_does_not_grow_the_server(server):
    """The parser kept every byte of such a stream until the connection closed (1 GB RSS after
    1 GB). 160 MB is far beyond the 32 MB allowed to grow."""
    before = rss_mb(server.proc.pid)
    sent, answered, tail, took, closed = run_pipeline(server, seconds=30, max_bytes=160 << 20, kind="post")
    grew = rss_mb(server.proc.pid) - before
    assert sent >= 160 << 20
    assert answered >= sent // (len(pipelined_stream("post")) // 4) - 1
    assert grew < 32, f"RSS grew {grew:.1f} MB after {sent >> 20} MB pipelined"
    # Left mid-request, the connection gets 408 at the idle timeout and is closed.
    assert closed and b"HTTP/1.1 408 " in tail, tail[-300:]


def trailer_flood(server, limit_seconds):
    """A chunked POST whose trailer section never ends; returns (status line, bytes of trailers
    sent before the answer, closed)."""
    line = b"X-Trailer: " + b"t" * 100 + b"\r\n"
    with connect(server) as s:
        s.sendall(b"POST /_mock/contacts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n")
        s.setblocking(False)
        sent = 0
        data = b""
        t = time.monotonic()
        while time.monotonic() - t < limit_seconds:
            try:
                data += s.recv(65536)
            except BlockingIOError:
                pass
            except ConnectionResetError:
                break
            if b"\r\n" in data:
                break
            try:
                sent += s.send(line * 64)
            except BlockingIOError:
                time.sleep(0.001)
            except (BrokenPipeError, ConnectionResetError):
                break
        s.setblocking(True)
        rest, _, closed = read_until_closed(s, IDLE_SECONDS + 2 * SLACK)
        return (data + rest).split(b"\r\n", 1)[0], sent, closed


def test_an_endless_trailer_section_gets_431(server):
    """It was not limited at all (10 GB accepted in 15 s)."""
    status, sent, closed = trailer_flood(server, limit_seconds=5)
    assert status.startswith(b"HTTP/1.1 431 "), status
    assert closed
    assert sent < 64 << 20


# Item 7 -------------------------------------------------------------------------------------

def test_empty_lines_do_not_hold_a_connection_open(server):
    """A CRLF every 0.3 s, before any request and after one: closed at the idle timeout
    (1 s), not kept open by the lines."""
    first = connect(server)
    second = connect(server)
    second.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: x\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        data += second.recv(65536)
    assert data.startswith(b"HTTP/1.1 200 ")
    opened = time.monotonic()
    socks = {first: None, second: None}
    for s in socks:
        s.setblocking(False)
    while time.monotonic() - opened < IDLE_SECONDS + 2 * SLACK and any(v is None for v in socks.values()):
        for s in socks:
            if socks[s] is not None:
                continue
            try:
                if s.recv(65536) == b"":
                    socks[s] = time.monotonic() - opened
                    continue
            except BlockingIOError:
                pass
            except ConnectionResetError:
                socks[s] = time.monotonic() - opened
                continue
            try:
                s.send(b"\r\n")
            except (BrokenPipeError, ConnectionResetError):
                socks[s] = time.monotonic() - opened
        time.sleep(0.3)
    for s in socks:
        s.close()
    assert all(v is not None for v in socks.values()), "a connection sending empty lines outlived the idle timeout"
    assert all(v < IDLE_SECONDS + SLACK for v in socks.values()), socks.values()


def test_many_empty_lines_at_once_are_refused(server):
    with connect(server) as s:
        s.sendall(b"\r\n" * 1000)
        data, took, closed = read_until_closed(s, 3)
    assert data.startswith(b"HTTP/1.1 400 "), data[:80]
    assert closed and took < IDLE_SECONDS


# Soak ---------------------------------------------------------------------------------------

class EmptyLineCrowd:
    """`size` connections that send nothing but CRLFs (half of them after one request),
    replaced as the server closes them, for `seconds`; notes how long each one lived past its
    last request's answer (or its opening). Nothing here blocks: a busy server answers slowly,
    and a crowd that waited on each answer watched its other connections late."""

    class Peer:
        def __init__(self, asked):
            self.since = time.monotonic()
            self.awaiting = asked
            self.data = b""

    def __init__(self, server, size, seconds):
        self.server, self.size, self.seconds = server, size, seconds
        self.sel = selectors.DefaultSelector()
        self.lifetimes = []
        self.opened = 0
        self.errors = []

    def open_one(self):
        s = connect(self.server)
        asked = self.opened % 2 == 1
        if asked:
            s.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: x\r\n\r\n")
        s.setblocking(False)
        self.sel.register(s, selectors.EVENT_READ, EmptyLineCrowd.Peer(asked))
        self.opened += 1

    def finish(self, key):
        peer = key.data
        if peer.awaiting:
            self.errors.append(f"closed before answering its request: {peer.data[:80]!r}")
        self.lifetimes.append(time.monotonic() - peer.since)
        self.sel.unregister(key.fileobj)
        key.fileobj.close()

    def readable(self, key):
        peer = key.data
        try:
            chunk = key.fileobj.recv(65536)
        except BlockingIOError:
            return
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.finish(key)
        elif peer.awaiting:
            peer.data += chunk
            if b"\r\n\r\n" in peer.data:
                if not peer.data.startswith(b"HTTP/1.1 200 "):
                    self.errors.append(peer.data[:80])
                peer.awaiting = False
                peer.since = time.monotonic()
        else:
            self.errors.append(f"answered an empty line: {chunk[:80]!r}")

    def run(self):
        end = time.monotonic() + self.seconds
        last_send = 0.0
        hard_stop = end + IDLE_SECONDS + 3 * SLACK
        self.open_one()
        while self.sel.get_map() and time.monotonic() < hard_stop:
            for key, _ in self.sel.select(timeout=0.05):
                self.readable(key)
            now = time.monotonic()
            if now - last_send >= 0.3:
                last_send = now
                for key in list(self.sel.get_map().values()):
                    if key.data.awaiting:
                        continue
                    try:
                        key.fileobj.send(b"\r\n")
                    except BlockingIOError:
                        pass
                    except (BrokenPipeError, ConnectionResetError):
                        self.finish(key)
            while time.monotonic() < end and len(self.sel.get_map()) < self.size:
                self.open_one()
        for key in list(self.sel.get_map().values()):
            self.errors.append("still open at the end")
            self.sel.unregister(key.fileobj)
            key.fileobj.close()


def _soak_part(name, server, out):
    """One load of the soak, in its own process: three Python load generators in one process
    starved each other of the interpreter lock, and the crowd noticed its closes seconds late."""
    if name == "pipeline":
        out.put((name, run_pipeline(server, seconds=SOAK_SECONDS)))
    elif name == "floods":
        floods = []
        end = time.monotonic() + SOAK_SECONDS
        while time.monotonic() < end:
            floods.append(trailer_flood(server, limit_seconds=5))
        out.put((name, floods))
    else:
        raise_fd_limit(4096)
        crowd = EmptyLineCrowd(server, 500, SOAK_SECONDS)
        crowd.run()
        out.put((name, (crowd.opened, crowd.lifetimes, crowd.errors)))


def test_soak_pipeline_trailer_floods_and_empty_line_crowd_keep_rss_small(server):
    """All three at once for CONNECT_MOCK_SOAK_SECONDS: the server's RSS stays under 64 MB, and
    every connection is closed by its limit (431) or by the idle timeout (408, or silently)."""
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    procs = [ctx.Process(target=_soak_part, args=(name, server, out), daemon=True) for name in ("pipeline", "floods", "crowd")]
    for p in procs:
        p.start()
    pid = server.proc.pid
    samples = []
    results = {}
    deadline = time.monotonic() + SOAK_SECONDS + 60
    while len(results) < len(procs) and time.monotonic() < deadline:
        samples.append(rss_mb(pid))
        try:
            name, value = out.get(timeout=0.1)
            results[name] = value
        except queue.Empty:
            pass
    for p in procs:
        p.join(5)
        if p.is_alive():
            p.kill()
    assert len(results) == len(procs), f"soak parts that did not report: {set(('pipeline', 'floods', 'crowd')) - set(results)}"

    peak = max(samples)
    sent, answered, tail, took, closed = results["pipeline"]
    floods = results["floods"]
    opened, lifetimes, errors = results["crowd"]
    print(f"\nsoak {SOAK_SECONDS:.0f} s: RSS start {samples[0]:.1f} MB, peak {peak:.1f} MB, end {samples[-1]:.1f} MB; "
          f"pipelined {sent / 1e6:.0f} MB ({answered} answers, closed {took:.2f} s after the last byte), "
          f"{len(floods)} trailer floods, {opened} empty-line connections, "
          f"longest lived {max(lifetimes):.2f} s, median {sorted(lifetimes)[len(lifetimes) // 2]:.2f} s")
    assert peak < 64, f"RSS peaked at {peak:.1f} MB"
    assert closed and b"HTTP/1.1 408 " in tail, tail[-300:]
    assert floods and all(status.startswith(b"HTTP/1.1 431 ") and c for status, _, c in floods), floods[:3]
    assert not errors, errors[:5]
    assert len(lifetimes) == opened >= 500
    assert max(lifetimes) < IDLE_SECONDS + SLACK, sorted(lifetimes)[-5:]
    assert server.mock("GET", "/_mock/health").status_code == 200
