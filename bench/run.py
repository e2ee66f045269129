#!/usr/bin/env python3
"""`make bench`: connect-mock side by side with nginx and moto_server in one run.

Seeds 100,000 synthetic contacts, starts the release build, signs one DescribeContact with
botocore into a wrk Lua script and runs wrk (-t1 -c50, keep-alive) against connect-mock with 1
and 2 workers, nginx with 1 and 2 workers serving the same response bytes as a static file, and
moto_server's DescribeInstance. Two workers run both unpinned and pinned one to a CPU
(server.pinWorkers, nginx's worker_cpu_affinity auto): nginx's rows show what two server
processes beside wrk's thread on a 2-core machine do to any server's tail latency. One worker
also runs with auth.mode off, the same signed requests unverified: the difference is what
verifying every signature costs. One-worker nginx also runs with open_file_cache, which spares
it opening the file for each request: the tuned static server, beside the default one. Also measures
exec-to-first-200, the seed rate for 1,000,000 contacts, what SQLite alone writes with the
seed's schema and settings (the ceiling for any seed), and RSS with 3,000 open connections.
Prints one table.

The machine this runs on is shared and noisy (nginx alone varies by a third between runs), so
the servers are measured in interleaved rounds: each round runs connect-mock and nginx with one
worker, then both with two, then both with two pinned, back to back (nginx first in every other
round). A ratio is taken within each round, and the table shows the median round, with every
round's figures below it.

With --baseline OLD, each round also measures the old binary with one worker beside this one with
one worker, both serving one document (`same_document`): the old binary's synthetic contact, PUT
into both stores, since each version's generator makes documents of its own size. The new-against-
old ratio is the median round's ratio of those two rows.
"""
import argparse
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import requests

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("CONNECT_MOCK_BENCH_BIN", os.path.join(REPO, ".build", "release", "connect-mock"))
INSTANCE = "8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01"


# (workers, pinned): each server runs in each; pinned is pinWorkers for connect-mock and
# worker_cpu_affinity auto for nginx, one worker per CPU.
SETUPS = [(1, False), (2, False), (2, True)]


def mock_name(workers, pinned=False, auth_off=False):
    return f"connect-mock (workers={workers}{', pinned' if pinned else ''}{', auth off' if auth_off else ''})"


def nginx_name(workers, pinned=False, cached=False):
    return f"nginx ({workers} worker{'s' if workers > 1 else ''}{', pinned' if pinned else ''}, static{', file cache' if cached else ''})"


NGINX = nginx_name(1)
BASELINE = "baseline binary (workers=1)"
# With --baseline, both binaries also serve one document: the baseline's synthetic contact, PUT
# into each store under this id (`same_document`).
SAME_CONTACT = "same-contact"
SAME_PATH = f"/contacts/{INSTANCE}/{SAME_CONTACT}"
SAME_DOCUMENT = "connect-mock (workers=1, baseline doc)"
NGINX_CACHED = nginx_name(1, cached=True)
KEY, SECRET = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(folder, db, workers=1, port=0, pinned=False, auth_off=False, tag="", extra=None):
    cfg = {
        "server": {"host": "127.0.0.1", "port": port, "workers": workers, "pinWorkers": pinned},
        "database": {"path": db},
        "instances": [{"id": INSTANCE, "region": "us-east-1", "accountId": "123456789012"}],
        "credentials": [{"accessKeyId": KEY, "secretAccessKey": SECRET, "name": "bench"}],
        "seed": {"fixtures": []},
        "logging": {"level": "warning"},
    }
    if auth_off:
        cfg["auth"] = {"mode": "off"}
    cfg.update(extra or {})
    path = os.path.join(folder, f"config-{workers}{'-pinned' if pinned else ''}{'-auth-off' if auth_off else ''}{tag}.yaml")
    with open(path, "w") as f:
        json.dump(cfg, f)
    return path


def signed_headers(url, service="connect"):
    req = botocore.awsrequest.AWSRequest(method="GET", url=url)
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(KEY, SECRET), service, "us-east-1").add_auth(req)
    return dict(req.headers)


def wrk_script(folder, name, path, headers):
    lines = ['wrk.method = "GET"', f'wrk.path = "{path}"']
    for k, v in headers.items():
        if k.lower() != "host":
            lines.append(f'wrk.headers["{k}"] = "{v}"')
    p = os.path.join(folder, name + ".lua")
    with open(p, "w") as f:
        f.write("\n".join(lines) + "\n")
    return p


def distinct_script(folder, url, paths):
    """A wrk script that sends each of `paths`, signed, in turn: with more paths than the
    server's document cache holds, every request is a miss."""
    host = url.split("//", 1)[1]
    lines = ["local reqs = {}"]
    for k, path in enumerate(paths):
        headers = dict(signed_headers(url + path), Host=host)
        fields = ", ".join(f'["{name}"] = "{value}"' for name, value in headers.items())
        lines.append(f'reqs[{k + 1}] = wrk.format("GET", "{path}", {{{fields}}})')
    lines.append(f"local i = 0\nrequest = function() i = i % {len(paths)} + 1; return reqs[i] end")
    p = os.path.join(folder, "distinct.lua")
    with open(p, "w") as f:
        f.write("\n".join(lines) + "\n")
    return p


def run_wrk(url, script, seconds, connections=50):
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, url],
                         capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    def lat(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": lat(50), "p99": lat(99), "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "errors": errors.group(1) if errors else ""}


def cpu_seconds(pids):
    """User and system CPU seconds the processes have used, all their threads together."""
    user = system = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        user, system = user + int(fields[11]), system + int(fields[12])
    tick = os.sysconf("SC_CLK_TCK")
    return user / tick, system / tick


def measured_wrk(url, script, seconds, pids):
    """`run_wrk`, plus the server's CPU per request, where a gap to nginx comes from, and wrk's:
    on two cores the client uses most of the second, so it limits every server's rate too."""
    u0, s0 = cpu_seconds(pids)
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = run_wrk(url, script, seconds)
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    u1, s1 = cpu_seconds(pids)
    n = r["rps"] * seconds
    r["user_us"], r["sys_us"] = 1e6 * (u1 - u0) / n, 1e6 * (s1 - s0) / n
    # wrk is the only child that ends while it runs: the servers are stopped after.
    r["client_us"] = 1e6 * (c1.ru_utime - c0.ru_utime + c1.ru_stime - c0.ru_stime) / n
    r["rss_mb"] = sum(rss_kb(pid) for pid in pids) / 1024
    return r


def median_ratio(runs, baseline):
    """The median of each round's ratio: rounds run back to back, so a slow minute on the
    machine slows both sides of one ratio."""
    ratios = sorted(r["rps"] / n["rps"] for r, n in zip(runs, baseline))
    return ratios[len(ratios) // 2]


def start_nginx(tmp, www, workers, pinned, cached=False):
    """nginx serving `www` with `workers` processes on SO_REUSEPORT, as connect-mock's workers
    share their port, each pinned to a CPU of its own when `pinned`; returns the master, its URL
    and the workers' pids. nginx's defaults open, stat and close the file for every request;
    `cached` adds `open_file_cache`, which keeps it open, the tuning a static site would use."""
    port = free_port()
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""worker_processes {workers}; {'worker_cpu_affinity auto; ' if pinned else ''}daemon off; pid {tmp}/nginx.pid; error_log {tmp}/nginx.err;
events {{ worker_connections 4096; }}
http {{ access_log off; default_type application/json; keepalive_requests 1000000;
  {'open_file_cache max=16 inactive=600s; open_file_cache_valid 600s;' if cached else ''}
  server {{ listen 127.0.0.1:{port} reuseport; root {www}; }} }}
""")
    nginx = subprocess.Popen(["nginx", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with open(f"/proc/{nginx.pid}/task/{nginx.pid}/children") as f:
                children = [int(c) for c in f.read().split()]
            if len(children) == workers:
                requests.get(url, timeout=1)
                return nginx, url, children
        except (requests.ConnectionError, FileNotFoundError):
            pass
        time.sleep(0.05)
    nginx.kill()
    raise RuntimeError(f"nginx with {workers} workers did not start; see {tmp}/nginx.err")


def start_mock(config, binary=BIN):
    proc = subprocess.Popen([binary, "serve", "--config", config], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    url = proc.stdout.readline().decode().strip().split(" on ", 1)[1]
    return proc, url


def contact_at(db, offset):
    """The id of the contact at `offset` in id order in the store file `db`."""
    with sqlite3.connect(db) as c:
        return c.execute("SELECT contact_id FROM contacts ORDER BY contact_id LIMIT 1 OFFSET ?", (offset,)).fetchone()[0]


def same_document(source, contact_id, others):
    """One document for an old-against-new comparison, since each version's generator makes its
    own (version 3's are about twice version 2's bytes). `source` and each of `others` are
    (binary, config) pairs. The source binary serves its contact `contact_id`; that document,
    fetched signed as JSON and without its Id and Arn, is PUT as SAME_CONTACT through the mock API
    into the source's store and into each of the others', every binary started for it (not under
    valgrind) and stopped after. Returns the body bytes each then serves at SAME_PATH, signed,
    the source's first."""
    served = []
    for k, (binary, config) in enumerate([source] + list(others)):
        proc, url = start_mock(config, binary=binary)
        try:
            if k == 0:
                p = f"/contacts/{INSTANCE}/{contact_id}"
                r = requests.get(url + p, headers=signed_headers(url + p), timeout=5)
                assert r.status_code == 200, r.text
                contact = {key: v for key, v in r.json()["Contact"].items() if key not in ("Id", "Arn")}
            r = requests.put(f"{url}/_mock/contacts/{INSTANCE}/{SAME_CONTACT}", json={"Contact": contact}, timeout=10)
            assert r.status_code in (200, 201), r.text
            r = requests.get(url + SAME_PATH, headers=signed_headers(url + SAME_PATH), timeout=5)
            assert r.status_code == 200, r.text
            served.append(r.content)
        finally:
            stop(proc)
    return served


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def startup_ms(config, port, path):
    """From exec to the first 200 answer for a signed DescribeContact."""
    url = f"http://127.0.0.1:{port}{path}"
    headers = signed_headers(url)
    start = time.monotonic()
    proc = subprocess.Popen([BIN, "serve", "--config", config, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                if requests.get(url, headers=headers, timeout=1).status_code == 200:
                    return (time.monotonic() - start) * 1000
            except requests.ConnectionError:
                time.sleep(0.001)
            if time.monotonic() - start > 10:
                return float("nan")
    finally:
        stop(proc)


def connections_test(url, path, count=3000):
    parsed = urllib.parse.urlsplit(url)
    socks = []
    for _ in range(count):
        s = socket.create_connection((parsed.hostname, parsed.port))
        socks.append(s)
    time.sleep(0.5)
    headers = signed_headers(url + path)
    t = time.monotonic()
    ok = requests.get(url + path, headers=headers, timeout=5).status_code == 200
    latency = (time.monotonic() - t) * 1000
    return socks, ok, latency


def sqlite_ceiling(tmp, source_db, n):
    """What SQLite alone does with a large seed's work: rows/s, and seconds inserting and building
    the indexes. Into a fresh store with the schema `connect-mock seed` made, the way its bulk path
    writes: the rollback journal for the transaction and WAL mode again after it, synchronous=OFF,
    a 64 MiB cache, plain inserts with every index dropped and the three built after the rows, one
    transaction. The rows are made inside SQLite by one INSERT ... SELECT (random 36-character ids,
    random times, the bodies of 1,000 real synthetic rows in turn: an empty document and a
    recipe), so no driver's per-row cost and no synthesis is counted: no seed through this schema
    can be faster on this machine."""
    db = os.path.join(tmp, "ceiling.sqlite")
    subprocess.run([BIN, "seed", "--config", write_config(tmp, db, 8)], check=True, capture_output=True)
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("PRAGMA cache_size=-65536")
    c.execute("PRAGMA synchronous=OFF")
    c.execute("CREATE TEMP TABLE bodies (k INTEGER PRIMARY KEY, document BLOB NOT NULL, synthesis_run INTEGER, recipe BLOB)")
    c.execute("ATTACH DATABASE ? AS source", (source_db,))
    c.execute("INSERT INTO bodies SELECT row_number() OVER () - 1, document, synthesis_run, recipe FROM source.contacts LIMIT 1000")
    c.execute("DETACH DATABASE source")
    # The indexes exactly as `connect-mock seed` created them, dropped and rebuilt as its bulk path does.
    indexes = c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contacts' AND sql IS NOT NULL").fetchall()
    assert indexes, "the seed made no index"
    t = time.monotonic()
    assert c.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
    c.execute("BEGIN IMMEDIATE")
    for name, _ in indexes:
        c.execute(f"DROP INDEX {name}")
    # Each random value is drawn in the one place it is used: SQLite flattens a CTE into the
    # INSERT, so a random column named in a CTE and used twice would be drawn twice.
    c.execute("""WITH RECURSIVE r(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM r WHERE k + 1 < ?1)
                 INSERT INTO contacts (instance_id, contact_id, initiated_at, expires_at, document, synthesis_run, recipe)
                 SELECT ?2, lower(hex(randomblob(18))), 1700000000000 + abs(random() % 100000000000),
                        1800000000000 + abs(random() % 100000000000), b.document, b.synthesis_run, b.recipe
                 FROM r JOIN bodies b ON b.k = r.k % 1000""", (n, INSTANCE))
    inserted = time.monotonic()
    for _, sql in indexes:
        c.execute(sql)
    indexed = time.monotonic()
    c.execute("COMMIT")
    c.execute("PRAGMA journal_mode=WAL")
    c.close()
    done = time.monotonic()
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    return {"rate": n / (done - t), "insert_s": inserted - t, "index_s": indexed - inserted, "commit_s": done - indexed}


def slow_receiver(seconds=1.0):
    """A webhook receiver that answers each POST after `seconds`: what a slow consumer is."""
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            time.sleep(seconds)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def contacts_unfolding(seconds):
    """Contacts whose moments fall in each of the next `seconds` seconds, so the system clock's
    tick makes events all through a run."""
    out = []
    for k in range(200):
        start = 1 + k % max(1, seconds)
        out.append({"Id": f"unfolding-{k}", "Channel": "VOICE", "InitiationMethod": "INBOUND",
                    "InitiationTimestamp": f"now+{start}s", "QueueInfo": {"Id": "q", "EnqueueTimestamp": f"now+{start + 1}s"},
                    "DisconnectTimestamp": f"now+{start + 2}s"})
    return out


def signed_post(url, body):
    req = botocore.awsrequest.AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": "application/json"})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(KEY, SECRET), "connect", "us-east-1").add_auth(req)
    return dict(req.headers)


def search_latency(tmp, db, requests_count=2000, days=7):
    """SearchContacts on one worker over the store in `db` (SPEC §8: a TimeRange and one
    criterion, a page of 100): sequential requests over keep-alive, each a random `days`-day
    window of the retention window and one criterion in turn (a channel, two initiation methods,
    or three queue ids of the store), signed before the clock starts; client-side latency."""
    with sqlite3.connect(db) as c:
        lo, hi = c.execute("SELECT min(initiated_at), max(initiated_at) FROM contacts").fetchone()
        queues = [r[0] for r in c.execute("SELECT DISTINCT queue_id FROM contacts WHERE queue_id IS NOT NULL LIMIT 200")]
    config = write_config(tmp, db, 1, tag="-search")
    with open(config) as f:
        cfg = json.load(f)
    # The data clock at the newest contact: every stored contact is visible, whenever the store was seeded.
    cfg["clock"] = {"now": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(hi // 1000 + 60))}
    with open(config, "w") as f:
        json.dump(cfg, f)
    proc, url = start_mock(config)
    try:
        rng = random.Random(7)
        criteria = [lambda: {"Channels": [rng.choice(["VOICE", "CHAT", "TASK", "EMAIL"])]},
                    lambda: {"InitiationMethods": rng.sample(["INBOUND", "OUTBOUND", "TRANSFER", "API", "CALLBACK"], 2)},
                    lambda: {"QueueIds": rng.sample(queues, 3)}]
        session = requests.Session()
        bodies = []
        for k in range(requests_count + 100):
            start = rng.randrange(lo // 1000, hi // 1000 - days * 86400)
            bodies.append(json.dumps({"InstanceId": INSTANCE, "MaxResults": 100, "SearchCriteria": criteria[k % 3](),
                                      "TimeRange": {"Type": "INITIATION_TIMESTAMP", "StartTime": start, "EndTime": start + days * 86400}}))
        times, hits, totals = [], 0, []
        for k, body in enumerate(bodies):
            headers = signed_post(url + "/search-contacts", body)
            t = time.perf_counter()
            r = session.post(url + "/search-contacts", data=body, headers=headers, timeout=30)
            elapsed = time.perf_counter() - t
            assert r.status_code == 200, r.text
            if k >= 100:  # the first 100 warm the page cache
                times.append(elapsed * 1000)
                hits += len(r.json()["Contacts"])
                totals.append(r.json()["TotalCount"])
        times.sort()
        return {"p50": times[len(times) // 2], "p99": times[int(len(times) * 0.99)], "max": times[-1],
                "mean_page": hits / len(times), "mean_total": sum(totals) / len(totals), "n": len(times), "days": days}
    finally:
        stop(proc)


def same_text(ratio):
    return "-" if ratio is None else f"{ratio:.2f}x"


def note(text):
    print(f"[bench] {text}", file=sys.stderr, flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--contacts", type=int, default=100_000)
    ap.add_argument("--seed-rate-contacts", type=int, default=1_000_000)
    ap.add_argument("--search-only", metavar="DB", help="only measure SearchContacts over an existing store file, then exit")
    ap.add_argument("--distinct-contacts", type=int, default=10_000)
    ap.add_argument("--baseline", help="an older connect-mock release binary, measured with one worker beside this one in every "
                                       "round, both serving the same document: the baseline's synthetic contact, from a store it "
                                       "seeds itself, PUT into both stores (each version's generator makes its own documents, "
                                       "of different sizes)")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="connect-mock-bench-")
    os.chmod(tmp, 0o755)  # nginx's worker runs as another user
    try:
        if args.search_only:
            r = search_latency(tmp, args.search_only)
            print(f"SearchContacts, {r['days']}-day TimeRange and one criterion, pages of 100 ({r['mean_page']:.0f} a page, "
                  f"{r['mean_total']:,.0f} matches on average): p50 {r['p50']:.2f} ms, p99 {r['p99']:.2f} ms, max {r['max']:.2f} ms, {r['n']:,} requests")
            return
        db = os.path.join(tmp, "bench.sqlite")
        cfg1 = write_config(tmp, db, 1)
        t = time.monotonic()
        subprocess.run([BIN, "seed", "--config", cfg1, "--synthetic", str(args.contacts), "--seed", "1"], check=True, capture_output=True)
        seed100k = args.contacts / (time.monotonic() - t)
        note(f"seeded {args.contacts} contacts at {seed100k:,.0f}/s")
        contact_id = contact_at(db, 500)
        path = f"/contacts/{INSTANCE}/{contact_id}"
        # The file holds the synthetic contact's recipe; its bytes are what the mock serves.
        proc, url = start_mock(cfg1)
        try:
            served = requests.get(url + path, headers=signed_headers(url + path), timeout=5)
            assert served.status_code == 200, served.text
            response_bytes = served.content
        finally:
            stop(proc)

        start = min(startup_ms(cfg1, free_port(), path) for _ in range(5))

        www = os.path.join(tmp, "www")
        os.makedirs(os.path.join(www, "contacts", INSTANCE))
        with open(os.path.join(www, "contacts", INSTANCE, contact_id), "wb") as f:
            f.write(response_bytes)
        connections = {}

        def measure_mock(k, workers, pinned, auth_off=False):
            proc, url = start_mock(write_config(tmp, db, workers, pinned=pinned, auth_off=auth_off))
            try:
                script = wrk_script(tmp, f"mock{workers}", path, signed_headers(url + path))
                assert requests.get(url + path, headers=signed_headers(url + path), timeout=5).status_code == 200
                run_wrk(url, script, 2)
                r = measured_wrk(url, script, args.seconds, [proc.pid])
                if (workers, pinned, auth_off) == (1, False, False) and k == 0:
                    socks, connections["ok"], connections["latency"] = connections_test(url, path)
                    connections["rss"] = rss_kb(proc.pid) / 1024
                    for sock in socks:
                        sock.close()
            finally:
                stop(proc)
            return mock_name(workers, pinned, auth_off), r

        def measure_nginx(k, workers, pinned, cached=False):
            nginx, nurl, nginx_workers = start_nginx(tmp, www, workers, pinned, cached)
            try:
                assert requests.get(nurl + path, timeout=5).status_code == 200
                nscript = wrk_script(tmp, "nginx", path, signed_headers(nurl + path))
                run_wrk(nurl, nscript, 2)
                r = measured_wrk(nurl, nscript, args.seconds, nginx_workers)
            finally:
                nginx.terminate()
                nginx.wait()
            return nginx_name(workers, pinned, cached), r

        # The baseline serves its own store, seeded with the same count and seed (a store made by
        # another generator version is refused), and the new binary beside it serves the same
        # document: the baseline's contact at the same offset, PUT as SAME_CONTACT into both
        # stores (after the startup measurement, so that one still counts the seeded contacts).
        baseline = None
        if args.baseline:
            bdb = os.path.join(tmp, "baseline.sqlite")
            bcfg = write_config(tmp, bdb, 1, tag="-baseline")
            subprocess.run([args.baseline, "seed", "--config", bcfg, "--synthetic", str(args.contacts), "--seed", "1"],
                           check=True, capture_output=True)
            old_body, new_body = same_document((args.baseline, bcfg), contact_at(bdb, 500), [(BIN, cfg1)])
            baseline = {"old": len(old_body), "new": len(new_body), "identical": old_body == new_body}
            note(f"the baseline's document as {SAME_CONTACT}: {len(old_body)} bytes served by the baseline, {len(new_body)} by this binary"
                 f"{'' if old_body == new_body else ' (not byte for byte the same)'}")
            assert len(old_body) == len(new_body), f"the two binaries serve {len(old_body)} and {len(new_body)} bytes for one document"

        with sqlite3.connect(db) as c:
            user_id = c.execute("SELECT id FROM directory_users ORDER BY id LIMIT 1").fetchone()[0]
            queue_id = c.execute("SELECT id FROM directory_queues ORDER BY id LIMIT 1").fetchone()[0]
        receiver = slow_receiver()
        hook_cfg = write_config(tmp, db, 1, tag="-webhook", extra={"events": {"retain": 10000, "webhooks": [
            {"url": f"http://127.0.0.1:{receiver.server_address[1]}/events"}]}})

        def measure_path(name, p, config=cfg1, binary=BIN):
            proc, url = start_mock(config, binary=binary)
            try:
                script = wrk_script(tmp, "path", p, signed_headers(url + p))
                assert requests.get(url + p, headers=signed_headers(url + p), timeout=5).status_code == 200
                run_wrk(url, script, 2)
                return name, measured_wrk(url, script, args.seconds, [proc.pid])
            finally:
                stop(proc)

        def measure_with_slow_webhook():
            proc, url = start_mock(hook_cfg)
            try:
                r = requests.post(url + "/_mock/contacts", json={"Contacts": contacts_unfolding(args.seconds + 2)}, timeout=30)
                assert r.status_code == 200, r.text
                script = wrk_script(tmp, "hook", path, signed_headers(url + path))
                r = measured_wrk(url, script, args.seconds, [proc.pid])
                hooks = requests.get(url + "/_mock/webhooks", timeout=5).json()["webhooks"][0]
                assert hooks["delivered"] + hooks["pending"] > 0, hooks
                return mock_name(1) + " with a webhook answering after 1 s", r
            finally:
                stop(proc)

        rounds = {}
        for k in range(args.rounds):
            for workers, pinned in SETUPS:
                # Every other round runs nginx first, so that a machine slowing down or speeding
                # up within a round does not always favour the same side of the ratio. With a
                # baseline, this binary and the old one, each serving the baseline's document,
                # run back to back between this binary's own-contact row and nginx (one worker),
                # this binary first in even rounds.
                order = [measure_mock, measure_nginx]
                if baseline and (workers, pinned) == (1, False):
                    order[1:1] = [lambda k, workers, pinned: measure_path(SAME_DOCUMENT, SAME_PATH),
                                  lambda k, workers, pinned: measure_path(BASELINE, SAME_PATH, bcfg, args.baseline)]
                for measure in order if k % 2 == 0 else reversed(order):
                    name, r = measure(k, workers, pinned)
                    rounds.setdefault(name, []).append(r)
                    note(f"round {k + 1} {name}: {r}")
            # DescribeUser and DescribeQueue beside DescribeContact (SPEC §8: as fast), and
            # DescribeContact while events go to a webhook that takes 1 s per event (§9).
            for name, p in [("connect-mock DescribeUser (workers=1)", f"/users/{INSTANCE}/{user_id}"),
                            ("connect-mock DescribeQueue (workers=1)", f"/queues/{INSTANCE}/{queue_id}")]:
                name, r = measure_path(name, p)
                rounds.setdefault(name, []).append(r)
                note(f"round {k + 1} {name}: {r}")
            name, r = measure_with_slow_webhook()
            rounds.setdefault(name, []).append(r)
            note(f"round {k + 1} {name}: {r}")
            # The same requests with auth.mode off: what verifying each signature costs.
            name, r = measure_mock(k, 1, False, auth_off=True)
            rounds.setdefault(name, []).append(r)
            note(f"round {k + 1} {name}: {r}")
            # nginx tuned for one file: what connect-mock's one worker is also compared with.
            name, r = measure_nginx(k, 1, False, cached=True)
            rounds.setdefault(name, []).append(r)
            note(f"round {k + 1} {name}: {r}")

        same_workers = {name(*setup): nginx_name(*setup) for setup in SETUPS for name in (mock_name, nginx_name)}
        same_workers[mock_name(1, auth_off=True)] = NGINX
        same_workers[NGINX_CACHED] = NGINX
        same_workers[BASELINE] = same_workers[SAME_DOCUMENT] = NGINX
        extra_rows = [n for n in rounds if n.startswith("connect-mock Describe") or "webhook" in n]
        for n in extra_rows:
            same_workers[n] = NGINX
        results = {}
        for name, rs in rounds.items():
            median = sorted(rs, key=lambda r: r["rps"])[len(rs) // 2]
            results[name] = dict(median, ratio=median_ratio(rs, rounds[NGINX]), same=median_ratio(rs, rounds[same_workers[name]]), rounds=rs)

        if shutil.which("moto_server"):
            mport = free_port()
            moto = subprocess.Popen(["moto_server", "-p", str(mport)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            murl = f"http://127.0.0.1:{mport}"
            for _ in range(100):
                try:
                    requests.get(murl, timeout=1)
                    break
                except requests.ConnectionError:
                    time.sleep(0.1)
            client = boto3.client("connect", endpoint_url=murl, region_name="us-east-1", aws_access_key_id=KEY, aws_secret_access_key=SECRET)
            iid = client.create_instance(IdentityManagementType="CONNECT_MANAGED", InstanceAlias="bench", InboundCallsEnabled=True,
                                         OutboundCallsEnabled=True)["Id"]
            mpath = f"/instance/{iid}"
            mscript = wrk_script(tmp, "moto", mpath, signed_headers(murl + mpath))
            r = measured_wrk(murl, mscript, args.seconds, [moto.pid])
            r["ratio"] = r["rps"] / results[NGINX]["rps"]
            r["same"] = None
            r["rounds"] = [r]
            results["moto_server (DescribeInstance)"] = r
            moto.terminate()
            moto.wait()

        # Every request a different contact: synthetic documents are made from their recipes
        # on a cache miss, which the replayed request above never has.
        with sqlite3.connect(db) as c:
            # Not the baseline's document: the synthetic contacts alone, as without a baseline.
            every = [row[0] for row in c.execute("SELECT contact_id FROM contacts WHERE contact_id != ? ORDER BY contact_id", (SAME_CONTACT,))]
        ids = random.Random(1).sample(every, args.distinct_contacts)
        proc, url = start_mock(cfg1)
        dscript = distinct_script(tmp, url, [f"/contacts/{INSTANCE}/{cid}" for cid in ids])
        run_wrk(url, dscript, 2)
        distinct = measured_wrk(url, dscript, args.seconds, [proc.pid])
        stop(proc)
        note(f"distinct contacts: {distinct}")

        # Last: a million contacts write gigabytes, whose write-back would disturb the latencies above.
        big_db = os.path.join(tmp, "million.sqlite")
        t = time.monotonic()
        subprocess.run([BIN, "seed", "--config", write_config(tmp, big_db, 9), "--synthetic", str(args.seed_rate_contacts), "--seed", "2"],
                       check=True, capture_output=True)
        seed_rate = args.seed_rate_contacts / (time.monotonic() - t)
        note(f"seeded {args.seed_rate_contacts} contacts at {seed_rate:,.0f}/s")
        search = search_latency(tmp, big_db)
        note(f"SearchContacts over {args.seed_rate_contacts} contacts: p99 {search['p99']:.2f} ms")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(big_db + suffix):
                os.remove(big_db + suffix)
        ceiling = sqlite_ceiling(tmp, db, args.seed_rate_contacts)
        note(f"SQLite alone wrote {args.seed_rate_contacts} rows at {ceiling['rate']:,.0f}/s")

        print()
        print(f"median of {args.rounds} interleaved rounds; 'vs nginx' is the median of each round's ratio to that round's nginx")
        print("CPU per request is the server's own (all its threads), user and kernel, in microseconds; 'wrk us' is the client's, both together")
        print("'vs same N' is against nginx with as many workers as the row, pinned when it is")
        print(f"{'server':38} {'req/s':>10} {'vs nginx':>9} {'vs same N':>10} {'p50 ms':>8} {'p99 ms':>8} {'user us':>8} {'sys us':>7} {'wrk us':>7} {'RSS MB':>7} {'non-2xx':>8}")
        for name, r in results.items():
            print(f"{name:38} {r['rps']:>10.0f} {r['ratio']:>8.2f}x {same_text(r['same']):>10} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['user_us']:>8.2f} {r['sys_us']:>7.2f}"
                  f" {r['client_us']:>7.2f} {r['rss_mb']:>7.1f} {r['non2xx']:>8}")
        print(f"connect-mock (workers=1) against {NGINX_CACHED}: {median_ratio(rounds[mock_name(1)], rounds[NGINX_CACHED]):.2f}x (median round);"
              f" with auth off: {median_ratio(rounds[mock_name(1, auth_off=True)], rounds[NGINX_CACHED]):.2f}x")
        for n in extra_rows:
            print(f"{n} against connect-mock (workers=1) DescribeContact: {median_ratio(rounds[n], rounds[mock_name(1)]):.2f}x (median round)")
        if baseline:
            print(f"connect-mock (workers=1) against {BASELINE} ({args.baseline}), both serving the baseline's document"
                  f" ({baseline['new']:,} and {baseline['old']:,} bytes{'' if baseline['identical'] else ', not byte for byte the same'};"
                  f" this binary's own contact in the rows against nginx is {len(response_bytes):,}):"
                  f" {median_ratio(rounds[SAME_DOCUMENT], rounds[BASELINE]):.2f}x"
                  " (median round; each round measures one worker of each, back to back)")
        print()
        for name, r in results.items():
            print(f"  {name:38} rounds: " + ", ".join(f"{x['rps']:.0f} req/s p99 {x['p99']:.2f} ms" for x in r["rounds"]))
        print()
        print(f"connect-mock (workers=1), each request a different contact ({args.distinct_contacts:,} in turn, every one a cache miss):"
              f" {distinct['rps']:.0f} req/s, p50 {distinct['p50']:.2f} ms, p99 {distinct['p99']:.2f} ms,"
              f" {distinct['user_us']:.2f} + {distinct['sys_us']:.2f} us CPU, non-2xx {distinct['non2xx']}")
        print(f"exec to first 200, {args.contacts:,} contacts stored: {start:.1f} ms (best of 5)")
        print(f"seed --synthetic {args.contacts:,}: {seed100k:,.0f} contacts/s; --synthetic {args.seed_rate_contacts:,}: {seed_rate:,.0f} contacts/s")
        print(f"SearchContacts, {args.seed_rate_contacts:,} contacts, one worker, a {search['days']}-day TimeRange and one criterion, pages of 100"
              f" ({search['mean_page']:.0f} contacts a page, {search['mean_total']:,.0f} matches on average): p50 {search['p50']:.2f} ms,"
              f" p99 {search['p99']:.2f} ms, max {search['max']:.2f} ms over {search['n']:,} requests (target: p99 <= 25 ms)")
        print(f"SQLite alone, the seed's schema, settings and rows, no synthesis, {args.seed_rate_contacts:,} rows: {ceiling['rate']:,.0f} rows/s"
              f" (insert {ceiling['insert_s']:.1f} s, indexes {ceiling['index_s']:.1f} s, commit {ceiling['commit_s']:.1f} s)")
        print(f"3,000 open connections: RSS {connections['rss']:.1f} MB, a signed request answered {'200' if connections['ok'] else 'NOT 200'}"
              f" in {connections['latency']:.1f} ms")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
