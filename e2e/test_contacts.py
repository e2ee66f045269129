"""Issue 4: the whole DescribeContact shape, retention at its edges, strict fixtures, synthesis."""
import datetime
import hashlib
import json
import os
import random
import sqlite3
import subprocess
import time
import urllib.parse

import pytest
import requests

from conftest import BINARY, CONTACT_INDEXES, FROZEN, INSTANCE, KEY, REPO, SECRET, base_config, index_names, start_server
from contacts import assert_same, cli_member_tree, known_to
from model_check import all_member_paths, full_contact, validate

NOW = datetime.datetime.fromisoformat(FROZEN.replace("Z", "+00:00"))


def write_config(folder, **overrides):
    path = os.path.join(folder, "config.yaml")
    with open(path, "w") as f:
        json.dump(base_config(**overrides), f)
    return path


def cli(*args, env=None):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=300, env=env)


def store_digest(db):
    if not os.path.exists(db):
        return None
    with sqlite3.connect(db) as c:
        rows = c.execute("SELECT instance_id, contact_id, initiated_at, document, recipe FROM contacts ORDER BY 1, 2").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest(), len(rows)


def test_a_seed_run_by_another_process_is_served_at_once(tmp_path):
    """The server caches documents it has read; a `seed` run against its file by another
    process replaces one, and the next DescribeContact answers the new version."""
    db = str(tmp_path / "c.sqlite")
    cfg = write_config(str(tmp_path), database={"path": db}, seed={"fixtures": []})
    fixture = tmp_path / "one.json"

    def seed(name):
        fixture.write_text(json.dumps({"Contact": {"Id": "replaced", "Name": name, "Channel": "VOICE",
                                                   "InitiationMethod": "INBOUND", "InitiationTimestamp": "now-1h"}}))
        out = cli("seed", "--config", cfg, "--fixtures", str(fixture))
        assert out.returncode == 0, out.stderr

    seed("first")
    s = start_server("reseeded", database={"path": db}, seed={"fixtures": []})
    try:
        client = s.client()
        for _ in range(3):
            assert client.describe_contact(InstanceId=INSTANCE, ContactId="replaced")["Contact"]["Name"] == "first"
        seed("second")
        assert client.describe_contact(InstanceId=INSTANCE, ContactId="replaced")["Contact"]["Name"] == "second"
    finally:
        s.stop()


def test_a_bulk_seed_into_an_empty_served_file_keeps_its_indexes(tmp_path):
    """A synthetic seed of 20,000 or more into an empty store builds its indexes after the rows;
    a server already reading that file answers the new contacts, and the file ends with every
    index."""
    db = str(tmp_path / "bulk.sqlite")
    cfg = write_config(str(tmp_path), database={"path": db}, seed={"fixtures": []})
    s = start_server("bulk", database={"path": db}, seed={"fixtures": []})
    try:
        out = cli("seed", "--config", cfg, "--synthetic", "20000", "--seed", "5")
        assert out.returncode == 0, out.stderr
        with sqlite3.connect(db) as c:
            ids = [r[0] for r in c.execute("SELECT contact_id FROM contacts ORDER BY contact_id LIMIT 3")]
            count = c.execute("SELECT count(*) FROM contacts").fetchone()[0]
        assert count == 20000
        assert index_names(db) == CONTACT_INDEXES
        client = s.client()
        for cid in ids:
            assert client.describe_contact(InstanceId=INSTANCE, ContactId=cid)["Contact"]["Id"] == cid
    finally:
        s.stop()


def test_a_server_started_during_a_large_seed_waits_for_it(tmp_path):
    """A large seed into an empty file writes through SQLite's rollback journal and holds the file
    until it commits. A server started meanwhile says that it waits, then serves what the seed
    wrote (rather than failing on a locked file), and the file is in WAL mode again."""
    db = str(tmp_path / "during.sqlite")
    cfg = write_config(str(tmp_path), database={"path": db}, seed={"fixtures": []})
    seed = subprocess.Popen([BINARY, "seed", "--config", cfg, "--synthetic", "30000", "--seed", "9"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not os.path.exists(db + "-journal"):
        assert seed.poll() is None, seed.communicate()
        assert time.monotonic() < deadline, "the seed never started writing"
        time.sleep(0.005)
    s = start_server("during-seed", database={"path": db}, seed={"fixtures": []})
    try:
        out, err = seed.communicate(timeout=300)
        assert seed.returncode == 0, err
        assert out.startswith("wrote 30000 contacts"), out
        with sqlite3.connect(db) as c:
            assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            ids = [r[0] for r in c.execute("SELECT contact_id FROM contacts ORDER BY contact_id LIMIT 3")]
        client = s.client()
        for cid in ids:
            assert client.describe_contact(InstanceId=INSTANCE, ContactId=cid)["Contact"]["Id"] == cid
    finally:
        s.stop()
    with open(s.log_path) as log:
        assert f"{db} is being written by another process" in log.read()


def test_every_member_round_trips_through_boto3_and_the_cli(tmp_path):
    contact = full_contact()
    contact["Id"] = "every-member"
    contact["Arn"] = f"arn:aws:connect:us-east-1:123456789012:instance/{INSTANCE}/contact/every-member"
    contact["InitiationTimestamp"] = "2026-05-30T10:00:00.250Z"
    fixture = tmp_path / "every.json"
    fixture.write_text(json.dumps({"Contact": contact}))
    db = str(tmp_path / "c.sqlite")
    cfg = write_config(str(tmp_path), database={"path": db}, seed={"fixtures": []})
    out = cli("seed", "--config", cfg, "--fixtures", str(fixture))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "wrote 1 contacts; all visible at the data clock"
    s = start_server("every-member", database={"path": db}, seed={"fixtures": []})
    try:
        answer = s.client().describe_contact(InstanceId=INSTANCE, ContactId="every-member")["Contact"]
        assert_same(contact, answer, NOW)
        assert validate(s.signed_get("every-member").json()["Contact"]) == []
        env = dict(os.environ, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET, AWS_DEFAULT_REGION="us-east-1")
        r = subprocess.run(["aws", "connect", "describe-contact", "--endpoint-url", s.url, "--instance-id", INSTANCE,
                            "--contact-id", "every-member", "--output", "json"], capture_output=True, text=True, env=env, timeout=60)
        assert r.returncode == 0, r.stderr
        # The CLI keeps only the members its own copy of the model knows; the mock sent them all
        # (checked above with boto3), so compare with what that model can carry.
        assert_same(known_to(cli_member_tree(), contact), json.loads(r.stdout)["Contact"], NOW)
    finally:
        assert s.stop() == 0


RETENTION_CASES = [
    ("exactly-24-months", "2024-01-15T00:00:00Z", "2026-01-15T00:00:00Z", 404, "retention"),
    ("one-second-before-expiry", "2024-01-15T00:00:00Z", "2026-01-14T23:59:59Z", 200, None),
    ("one-second-after-expiry", "2024-01-15T00:00:00Z", "2026-01-15T00:00:01Z", 404, "retention"),
    ("leap-day-last-second", "2024-02-29T10:00:00Z", "2026-02-28T09:59:59Z", 200, None),
    ("leap-day-expired", "2024-02-29T10:00:00Z", "2026-02-28T10:00:00Z", 404, "retention"),
    ("at-the-cutoff", "2021-11-12T00:00:00Z", "2022-06-01T00:00:00Z", 200, None),
    ("before-the-cutoff", "2021-11-11T23:59:59Z", "2022-06-01T00:00:00Z", 404, "cutoff"),
    ("not-yet-initiated", "2026-06-01T00:00:01Z", "2026-06-01T00:00:00Z", 404, "future"),
    ("initiated-now", "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", 200, None),
    ("cutoff-wins-over-retention", "2021-01-01T00:00:00Z", "2026-01-01T00:00:00Z", 404, "cutoff"),
]


@pytest.mark.parametrize("name,initiated,now,status,reason", RETENTION_CASES, ids=[c[0] for c in RETENTION_CASES])
def test_retention_edges_through_the_endpoint(server, name, initiated, now, status, reason):
    r = server.mock("PUT", f"/_mock/contacts/{INSTANCE}/{name}",
                    json={"Channel": "VOICE", "InitiationMethod": "INBOUND", "InitiationTimestamp": initiated})
    assert r.status_code in (200, 201), r.text
    assert server.mock("PUT", "/_mock/clock", json={"now": now}).status_code == 200
    r = server.signed_get(name)
    assert r.status_code == status, r.text
    if reason:
        assert r.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
        assert r.headers["x-mock-reason"] == reason
        assert r.json() == {"Message": f"Contact not found: {name}"}
    server.mock("PUT", "/_mock/clock", json={"now": FROZEN})


BAD_FIXTURES = {
    "unknown-member.json": ('{"Contact":{"Id":"a","Channel":"VOICE","InitiationMethod":"INBOUND",\n"InitiationTimestamp":"now","Chanel":"VOICE"}}', ":2: $.Contact.Chanel: "),
    "wrong-enum.json": ('{"Id":"a","Channel":"FAX","InitiationMethod":"INBOUND","InitiationTimestamp":"now"}', ":1: $.Contact.Channel: expected one of"),
    "wrong-type.json": ('{"Id":"a","Channel":"VOICE","InitiationMethod":"INBOUND","InitiationTimestamp":"now",\n"QueuePriority":"high"}', ":2: $.Contact.QueuePriority: expected an integer"),
    "out-of-range.json": ('{"Id":"a","Channel":"VOICE","InitiationMethod":"INBOUND","InitiationTimestamp":"now",\n"QueuePriority":0}', ":2: $.Contact.QueuePriority: expected an integer from 1 to"),
    "bad-timestamp.json": ('{"Id":"a","Channel":"VOICE","InitiationMethod":"INBOUND",\n"InitiationTimestamp":"2026-13-01T00:00:00Z"}', ":2: $.Contact.InitiationTimestamp: expected a timestamp"),
    "arn-id.json": ('{"Contact":{"Arn":"arn:aws:connect:us-east-1:123456789012:instance/' + INSTANCE + '/contact/one",\n"Id":"two","Channel":"VOICE","InitiationMethod":"INBOUND","InitiationTimestamp":"now"}}', ":2: $.Contact.Id: expected the Id in the Arn (one), found two"),
    "syntax.json": ('{"Id":"a",\n"Channel":"VOICE" "InitiationMethod":"INBOUND"}', ":2: invalid JSON at column 19"),
}


@pytest.mark.parametrize("name", sorted(BAD_FIXTURES))
def test_bad_fixture_exits_2_and_leaves_the_store(tmp_path, name):
    db = str(tmp_path / "c.sqlite")
    cfg = write_config(str(tmp_path), database={"path": db}, seed={"fixtures": []})
    assert cli("seed", "--config", cfg, "--fixtures", os.path.join(REPO, "seed-data")).returncode == 0
    before = store_digest(db)
    text, expected = BAD_FIXTURES[name]
    bad = tmp_path / name
    bad.write_text(text)
    good = tmp_path / "a-good.json"
    good.write_text('{"Id":"fine","Channel":"CHAT","InitiationMethod":"API","InitiationTimestamp":"now"}')
    out = cli("seed", "--config", cfg, "--fixtures", str(good), "--fixtures", str(bad))
    assert out.returncode == 2, out.stderr
    assert str(bad) + expected in out.stderr, out.stderr
    assert store_digest(db) == before


def test_seed_reports_hidden_contacts_by_reason(tmp_path):
    db = str(tmp_path / "c.sqlite")
    cfg = write_config(str(tmp_path), database={"path": db}, seed={"fixtures": []})
    f = tmp_path / "old.jsonl"
    f.write_text("\n".join(json.dumps({"Id": f"c{k}", "Channel": "VOICE", "InitiationMethod": "INBOUND", "InitiationTimestamp": t})
                           for k, t in enumerate(["2020-01-01T00:00:00Z", "2023-01-01T00:00:00Z", "now+1d", "now-1d"])))
    out = cli("seed", "--config", cfg, "--fixtures", str(f))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "wrote 4 contacts; 3 hidden at the data clock (retention 1, cutoff 1, future 1)"
    purged = cli("purge", "--config", cfg)
    assert purged.stdout.strip() == "purged 2 contacts"
    assert store_digest(db)[1] == 2


@pytest.fixture(scope="module")
def synthetic_server():
    s = start_server("synthetic", seed={"fixtures": [], "synthetic": {"count": 10000, "seed": 42}})
    yield s
    assert s.stop() == 0


def listed_ids(server):
    ids, token = [], None
    while True:
        q = "?limit=1000" + ("&nextToken=" + urllib.parse.quote(token, safe="") if token else "")
        page = server.mock("GET", "/_mock/contacts" + q).json()
        ids += [(c["InstanceId"], c["Id"]) for c in page["Contacts"]]
        token = page.get("NextToken")
        if not token:
            return ids


def test_ten_thousand_synthetic_contacts_validate_and_cover_the_shape(synthetic_server):
    ids = listed_ids(synthetic_server)
    assert len(ids) == 10000
    seen, problems = set(), []
    session = requests.Session()
    for instance, cid in ids:
        r = synthetic_server.signed_get(cid, instance=instance, session=session)
        assert r.status_code == 200, r.text
        problems += validate(r.json()["Contact"], paths=seen)
    assert problems == [], problems[:20]
    model = all_member_paths()
    covered = model & seen
    assert len(covered) / len(model) >= 0.9, sorted(model - seen)


def test_same_seed_and_clock_give_the_same_bytes(tmp_path, synthetic_server):
    """Two seed runs write the same rows, and a server on one file answers with the bytes of
    a server that seeded the same contacts in memory at start."""
    digests = []
    for k in range(2):
        db = str(tmp_path / f"s{k}.sqlite")
        cfg = write_config(str(tmp_path), database={"path": db}, seed={"fixtures": []})
        out = cli("seed", "--config", cfg, "--synthetic", "10000", "--seed", "42")
        assert out.returncode == 0, out.stderr
        digests.append(store_digest(db))
    assert digests[0] == digests[1] and digests[0][1] == 10000
    with sqlite3.connect(str(tmp_path / "s0.sqlite")) as c:
        sample = random.Random(1).sample([r[0] for r in c.execute("SELECT contact_id FROM contacts")], 200)
    s = start_server("from-file", database={"path": str(tmp_path / "s0.sqlite")}, seed={"fixtures": []})
    try:
        for cid in sample:
            served = s.signed_get(cid)
            assert served.status_code == 200
            assert served.content == synthetic_server.signed_get(cid).content
            assert json.loads(served.content)["Contact"]["Id"] == cid
    finally:
        assert s.stop() == 0


def test_purge_timer_runs_only_on_the_system_clock():
    old = {"Channel": "VOICE", "InitiationMethod": "INBOUND", "InitiationTimestamp": "2022-01-01T00:00:00Z"}
    for clock, survives in (({}, False), ({"now": "2022-06-01T00:00:00Z"}, True)):
        s = start_server("purge-timer", clock=clock, retention={"months": 24, "cutoff": "2021-11-12T00:00:00Z", "purgeIntervalSeconds": 1})
        try:
            assert s.mock("PUT", f"/_mock/contacts/{INSTANCE}/old-one", json=old).status_code == 201
            time.sleep(2.5)
            ids = {c["Id"] for c in s.mock("GET", "/_mock/contacts?limit=1000").json()["Contacts"]}
            assert ("old-one" in ids) == survives, f"clock {clock}"
        finally:
            assert s.stop() == 0


def test_a_store_made_by_another_generator_version_stops_serve_with_the_fix(tmp_path):
    """Synthetic contacts are stored as recipes; a file whose recipes another generator version
    wrote must not be served as different contacts under the same ids."""
    db = str(tmp_path / "c.sqlite")
    cfg = write_config(str(tmp_path), database={"path": db}, seed={"fixtures": []})
    assert cli("seed", "--config", cfg, "--synthetic", "100", "--seed", "5").returncode == 0
    with sqlite3.connect(db) as c:
        c.execute("UPDATE synthesis_runs SET generator = generator + 1")
    out = subprocess.run([BINARY, "serve", "--config", cfg], capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert "were made by generator version" in out.stderr and "connect-mock seed --replace" in out.stderr, out.stderr
    out = cli("seed", "--config", cfg, "--replace", "--synthetic", "100", "--seed", "5")
    assert out.returncode == 0, out.stderr
    s = start_server("reseeded-generator", database={"path": db}, seed={"fixtures": []})
    try:
        with sqlite3.connect(db) as c:
            cid = c.execute("SELECT contact_id FROM contacts LIMIT 1").fetchone()[0]
        assert s.signed_get(cid).status_code == 200
    finally:
        assert s.stop() == 0


def test_an_old_generator_run_that_no_contact_names_does_not_stop_serve(tmp_path):
    """Seeding the same ids again leaves the first run with no contacts: an upgrade that
    changes the generator must not refuse a file whose every contact it can make."""
    db = str(tmp_path / "c.sqlite")
    cfg = write_config(str(tmp_path), database={"path": db}, seed={"fixtures": []})
    for _ in range(2):
        assert cli("seed", "--config", cfg, "--synthetic", "50", "--seed", "8").returncode == 0
    with sqlite3.connect(db) as c:
        c.execute("UPDATE synthesis_runs SET generator = generator + 1 WHERE id = (SELECT min(id) FROM synthesis_runs)")
        cid = c.execute("SELECT contact_id FROM contacts LIMIT 1").fetchone()[0]
    s = start_server("orphan-run", database={"path": db}, seed={"fixtures": []})
    try:
        assert s.signed_get(cid).status_code == 200
    finally:
        assert s.stop() == 0


def test_a_long_purge_does_not_hold_up_requests(tmp_path):
    """The purge timer's purge runs on a thread of its own: while it deletes several hundred
    thousand contacts, DescribeContact keeps answering at once."""
    db = str(tmp_path / "c.sqlite")
    # Made at a data clock in 2023: all of them are past 24 months of retention by the system clock.
    cfg = write_config(str(tmp_path), database={"path": db}, seed={"fixtures": []}, clock={"now": "2023-06-01T00:00:00Z"})
    out = cli("seed", "--config", cfg, "--synthetic", "400000", "--seed", "3")
    assert out.returncode == 0, out.stderr
    recent = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    fixture = tmp_path / "stays.json"
    fixture.write_text(json.dumps({"Contact": {"Id": "stays", "Channel": "VOICE", "InitiationMethod": "INBOUND", "InitiationTimestamp": recent}}))
    assert cli("seed", "--config", cfg, "--fixtures", str(fixture)).returncode == 0

    # How long the same purge takes on a copy, so that the test can tell a held-up loop.
    copy = str(tmp_path / "copy.sqlite")
    with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    os.makedirs(tmp_path / "copy")
    copy_cfg = write_config(str(tmp_path / "copy"), database={"path": copy}, seed={"fixtures": []}, clock={})
    t = time.monotonic()
    out = cli("purge", "--config", copy_cfg)
    purge_seconds = time.monotonic() - t
    assert out.returncode == 0 and "purged 400000" in out.stdout, out.stdout + out.stderr
    assert purge_seconds > 0.5, f"a purge of 400,000 took only {purge_seconds:.2f} s: too short to tell"

    s = start_server("long-purge", database={"path": db}, seed={"fixtures": []}, clock={},
                     retention={"months": 24, "cutoff": "2021-11-12T00:00:00Z", "purgeIntervalSeconds": 1})
    try:
        worst, started = 0.0, time.monotonic()
        while True:
            t = time.monotonic()
            remaining = s.mock("GET", "/_mock/health").json()["contacts"]
            assert s.signed_get("stays").status_code == 200
            worst = max(worst, time.monotonic() - t)
            if remaining == 1:
                break
            assert time.monotonic() - started < 120, "the purge never finished"
        assert worst < purge_seconds / 3, f"two requests took {worst:.2f} s during a purge that takes {purge_seconds:.2f} s"
        assert s.signed_get("stays").status_code == 200
    finally:
        assert s.stop() == 0
