"""Old and new release binaries, one worker each, measured alternately (ABBA), serving the same
contact document: the old binary's synthetic contact at offset 500, PUT into both stores.

`make bench BASELINE=...` lets each binary serve its own synthetic contact, and a generator change
changes that document (generator version 3's is twice version 2's size), so its old-against-new
ratio also measures the bytes. This compares the request paths alone:
    python3 bench/ab.py NEW_BINARY OLD_BINARY PAIRS
"""
import os, sys, sqlite3, subprocess, tempfile, statistics, requests, json
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run
new, old, pairs = sys.argv[1], sys.argv[2], int(sys.argv[3])
tmp = tempfile.mkdtemp()
setups = []
doc = None
for name, binary in (("old", old), ("new", new)):
    db = os.path.join(tmp, name + ".sqlite")
    cfg = run.write_config(tmp, db, 1, tag="-" + name)
    subprocess.run([binary, "seed", "--config", cfg, "--synthetic", "100000", "--seed", "1"], check=True, capture_output=True)
    proc, url = run.start_mock(cfg, binary=binary)
    if doc is None:
        cid = sqlite3.connect(db).execute("SELECT contact_id FROM contacts ORDER BY contact_id LIMIT 1 OFFSET 500").fetchone()[0]
        p = f"/contacts/{run.INSTANCE}/{cid}"
        doc = requests.get(url + p, headers=run.signed_headers(url + p)).json()
    r = requests.put(url + f"/_mock/contacts/{run.INSTANCE}/same-contact", json={"Contact": {k: v for k, v in doc["Contact"].items() if k not in ("Id", "Arn")}})
    assert r.status_code in (200, 201), r.text
    path = f"/contacts/{run.INSTANCE}/same-contact"
    body = requests.get(url + path, headers=run.signed_headers(url + path)).content
    print(name, len(body))
    run.stop(proc)
    setups.append((name, binary, cfg, path))
res = {"new": [], "old": []}
for k in range(pairs):
    order = setups if k % 2 == 0 else list(reversed(setups))
    for name, binary, cfg, path in order:
        proc, url = run.start_mock(cfg, binary=binary)
        script = run.wrk_script(tmp, name, path, run.signed_headers(url + path))
        run.run_wrk(url, script, 2)
        r = run.measured_wrk(url, script, 8, [proc.pid])
        run.stop(proc)
        res[name].append(r["rps"])
        print(k, name, round(r["rps"]), flush=True)
ratios = [a / b for a, b in zip(res["new"], res["old"])]
print("ratios", [round(x, 3) for x in ratios])
print("median ratio", round(statistics.median(ratios), 3), "new median", round(statistics.median(res["new"])), "old median", round(statistics.median(res["old"])))
