#!/usr/bin/env python3
"""Instructions per signed DescribeContact, counted by callgrind (repeatable, unlike timings).

Runs the given binary under `valgrind --tool=callgrind` twice, answering 0 and then N signed
requests over one keep-alive connection, and prints (Ir(N) - Ir(0)) / N.
    python3 bench/callgrind.py [BINARY] [N]
"""
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (the bench's config and signing helpers)


def instructions(binary, config, path, n):
    out = tempfile.mktemp(prefix="callgrind.")
    proc = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", binary, "serve", "--config", config],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    url = proc.stdout.readline().decode().strip().split(" on ", 1)[1]
    port = int(url.rsplit(":", 1)[1])
    headers = run.signed_headers(url + path)
    raw = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items() if k.lower() != "host") + "\r\n"
    with socket.create_connection(("127.0.0.1", port)) as s:
        for _ in range(n):
            s.sendall(raw.encode())
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
        total = int(re.search(r"^summary: (\d+)", f.read(), re.M).group(1))
    os.remove(out)
    return total


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else run.BIN
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    tmp = tempfile.mkdtemp(prefix="connect-mock-callgrind-")
    # valgrind 3.19 cannot read the DWARF of the static release binary; counting needs none.
    stripped = os.path.join(tmp, "connect-mock")
    subprocess.run(["strip", "-o", stripped, binary], check=True)
    label, binary = binary, stripped
    db = os.path.join(tmp, "c.sqlite")
    config = run.write_config(tmp, db, 1)
    subprocess.run([binary, "seed", "--config", config, "--synthetic", "1000", "--seed", "1"], check=True, capture_output=True)
    cid = sqlite3.connect(db).execute("SELECT contact_id FROM contacts ORDER BY contact_id LIMIT 1").fetchone()[0]
    path = f"/contacts/{run.INSTANCE}/{cid}"
    base = instructions(binary, config, path, 0)
    loaded = instructions(binary, config, path, n)
    print(f"{label}: {(loaded - base) / n:,.0f} instructions per signed DescribeContact ({n} requests)")


if __name__ == "__main__":
    main()
