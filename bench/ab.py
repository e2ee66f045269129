"""Old and new release binaries, one worker each, measured alternately (ABBA), serving the same
contact document: the old binary's synthetic contact at offset 500, PUT into both stores
(`run.same_document`, which `make bench BASELINE=...` uses too).

Longer runs than `make bench`'s one-worker pair, with nothing else in between:
    python3 bench/ab.py NEW_BINARY OLD_BINARY PAIRS
"""
import os, sys, subprocess, tempfile, statistics
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run
new, old, pairs = sys.argv[1], sys.argv[2], int(sys.argv[3])
tmp = tempfile.mkdtemp()
setups = []
for name, binary in (("old", old), ("new", new)):
    db = os.path.join(tmp, name + ".sqlite")
    cfg = run.write_config(tmp, db, 1, tag="-" + name)
    subprocess.run([binary, "seed", "--config", cfg, "--synthetic", "100000", "--seed", "1"], check=True, capture_output=True)
    setups.append((name, binary, cfg))
bodies = run.same_document(setups[0][1:], run.contact_at(os.path.join(tmp, "old.sqlite"), 500), [setups[1][1:]])
for (name, _, _), body in zip(setups, bodies):
    print(name, len(body))
assert len(bodies[0]) == len(bodies[1]), "the two binaries serve the one document with different lengths"
res = {"new": [], "old": []}
for k in range(pairs):
    order = setups if k % 2 == 0 else list(reversed(setups))
    for name, binary, cfg in order:
        proc, url = run.start_mock(cfg, binary=binary)
        script = run.wrk_script(tmp, name, run.SAME_PATH, run.signed_headers(url + run.SAME_PATH))
        run.run_wrk(url, script, 2)
        r = run.measured_wrk(url, script, 8, [proc.pid])
        run.stop(proc)
        res[name].append(r["rps"])
        print(k, name, round(r["rps"]), flush=True)
ratios = [a / b for a, b in zip(res["new"], res["old"])]
print("ratios", [round(x, 3) for x in ratios])
print("median ratio", round(statistics.median(ratios), 3), "new median", round(statistics.median(res["new"])), "old median", round(statistics.median(res["old"])))
