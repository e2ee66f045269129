#!/usr/bin/env python3
"""Instructions per signed DescribeContact, counted by callgrind (repeatable, unlike timings).

Runs each binary under `valgrind --tool=callgrind` twice, each time waiting SETTLE_SECONDS after
it listens, then answering WARM_UP and, the second time, WARM_UP + N signed requests over one
keep-alive connection; prints the difference over N: the instructions of a request in steady
state, without the first requests' one-off work.
    python3 bench/callgrind.py [BINARY] [N] [BASELINE]

Alone, the binary answers for the first synthetic contact of a store it seeds (1,000, --seed 1).
With BASELINE, an older release binary, both are counted on one document, since each version's
generator makes documents of its own size: the baseline's first synthetic contact, PUT as
`same-contact` into each binary's own store (`run.same_document`, each binary started normally
for it); one line for each binary, then the difference.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (the bench's config and signing helpers)


SETTLE_SECONDS = 3
# Requests answered in both runs, so that the work a binary does once, on its first requests
# (the Swift runtime making type metadata), is not charged to the N counted (BENCHMARKS.md has
# its size).
WARM_UP = 200


def instructions(binary, config, path, n, tmp):
    out = os.path.join(tmp, f"callgrind.{n}.out")
    proc = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", binary, "serve", "--config", config],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    url = proc.stdout.readline().decode().strip().split(" on ", 1)[1]
    port = int(url.rsplit(":", 1)[1])
    # Both runs wait out the work a server does once after it starts listening (reading the
    # store's contacts ahead on a thread of its own for the event schedule), which depends on
    # time, not on requests: counted in one run and not the other, it was charged to them.
    time.sleep(SETTLE_SECONDS)
    headers = run.signed_headers(url + path)
    raw = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items() if k.lower() != "host")
           + "\r\n").encode()
    with socket.create_connection(("127.0.0.1", port)) as s:
        for _ in range(WARM_UP + n):
            s.sendall(raw)
            data = b""
            while b"\r\n\r\n" not in data:
                data += s.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200"), head
            length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
            while len(body) < length:
                body += s.recv(65536)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=120)
    with open(out) as f:
        return int(re.search(r"^summary: (\d+)", f.read(), re.M).group(1))


def prepare(tmp, name, binary):
    """The binary stripped (valgrind 3.19 cannot read the DWARF of the static release binary;
    counting needs none), a config and a store of its own seeded with 1,000 synthetic contacts."""
    stripped = os.path.join(tmp, name)
    subprocess.run(["strip", "-o", stripped, binary], check=True)
    db = os.path.join(tmp, name + ".sqlite")
    config = run.write_config(tmp, db, 1, tag="-" + name)
    subprocess.run([stripped, "seed", "--config", config, "--synthetic", "1000", "--seed", "1"], check=True, capture_output=True)
    return stripped, config, db


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else run.BIN
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    baseline = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
    tmp = tempfile.mkdtemp(prefix="connect-mock-callgrind-")
    try:
        new = prepare(tmp, "connect-mock", binary)
        if baseline is None:
            path = f"/contacts/{run.INSTANCE}/{run.contact_at(new[2], 0)}"
            counted = [(binary, new)]
            what = ""
        else:
            old = prepare(tmp, "baseline", baseline)
            old_body, new_body = run.same_document(old[:2], run.contact_at(old[2], 0), [new[:2]])
            assert len(old_body) == len(new_body), f"the baseline serves {len(old_body)} bytes, this binary {len(new_body)}"
            path = run.SAME_PATH
            counted = [(binary, new), (f"{baseline} (baseline)", old)]
            what = f", the baseline's first synthetic contact as {run.SAME_CONTACT}, {len(new_body):,} bytes from both"
        per_request = []
        for label, (stripped, config, _) in counted:
            base = instructions(stripped, config, path, 0, tmp)
            loaded = instructions(stripped, config, path, n, tmp)
            per_request.append((loaded - base) / n)
            print(f"{label}: {per_request[-1]:,.0f} instructions per signed DescribeContact ({n} requests after {WARM_UP}{what})", flush=True)
        if baseline is not None:
            new_ir, old_ir = per_request
            print(f"difference: {new_ir - old_ir:+,.0f} instructions per request ({100 * (new_ir / old_ir - 1):+.2f}%) against the baseline")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
