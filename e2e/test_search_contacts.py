"""SearchContacts (SPEC §8) through real clients: boto3 and its paginator, the aws CLI, awscrt;
every response checked against botocore's output shape; and a brute-force check that the
search finds exactly what a filter over every contact's DescribeContact finds, in order."""
import datetime
import json
import os
import random
import subprocess

import pytest
import requests

from conftest import INSTANCE, KEY, LONDON_KEY, LONDON_SECRET, SECRET, WIDE, client_error, start_server
from model_check import output_problems, validate
from signing import crt_request

UTC = datetime.timezone.utc


@pytest.fixture(scope="module")
def synthetic():
    s = start_server("search-synthetic", seed={"fixtures": [], "synthetic": {"count": 10000, "seed": 7}})
    yield s
    assert s.stop() == 0


def test_paginator_walks_every_match_once_and_totals_agree(synthetic):
    c = synthetic.client()
    problems = output_problems(c, "SearchContacts")
    pages = list(c.get_paginator("search_contacts").paginate(
        InstanceId=INSTANCE, TimeRange=WIDE, SearchCriteria={"Channels": ["VOICE", "CHAT"]}, PaginationConfig={"PageSize": 100}))
    ids = [x["Id"] for p in pages for x in p["Contacts"]]
    assert len(ids) == len(set(ids)) == pages[0]["TotalCount"] > 100
    assert {p["TotalCount"] for p in pages} == {len(ids)}
    times = [x["InitiationTimestamp"] for p in pages for x in p["Contacts"]]
    assert times == sorted(times, reverse=True)
    assert problems == []


def test_the_same_token_gives_the_same_page(synthetic):
    c = synthetic.client()
    first = c.search_contacts(InstanceId=INSTANCE, TimeRange=WIDE, MaxResults=5)
    a = c.search_contacts(InstanceId=INSTANCE, TimeRange=WIDE, MaxResults=5, NextToken=first["NextToken"])
    b = c.search_contacts(InstanceId=INSTANCE, TimeRange=WIDE, MaxResults=5, NextToken=first["NextToken"])
    assert a["Contacts"] == b["Contacts"] and a["NextToken"] == b["NextToken"]
    status, code, _ = client_error(lambda: c.search_contacts(InstanceId=INSTANCE, TimeRange=WIDE, NextToken=first["NextToken"],
                                                              SearchCriteria={"Channels": ["TASK"]}))
    assert (status, code) == (400, "InvalidParameterException")


def test_summaries_hold_what_the_contact_has(synthetic):
    c = synthetic.client()
    page = c.search_contacts(InstanceId=INSTANCE, TimeRange=WIDE, MaxResults=20)
    shape = c.meta.service_model.shape_for("ContactSearchSummary")
    for s in page["Contacts"]:
        contact = c.describe_contact(InstanceId=INSTANCE, ContactId=s["Id"])["Contact"]
        expected = {k for k in shape.members if k in contact}
        assert set(s) == expected, s["Id"]
        for k in ("Arn", "Channel", "InitiationMethod", "InitiationTimestamp"):
            assert s[k] == contact[k]
        if "QueueInfo" in contact:
            assert s["QueueInfo"] == {k: v for k, v in contact["QueueInfo"].items() if k in ("Id", "EnqueueTimestamp")}


@pytest.mark.parametrize("member,value", [
    ("Name", {"SearchText": ["x"], "MatchType": "MATCH_ALL"}),
    ("ContactAnalysis", {"Transcript": {"Criteria": [{"ParticipantRole": "AGENT", "SearchText": ["refund"], "MatchType": "MATCH_ALL"}]}}),
    ("RoutingCriteria", {"Steps": [{"AgentCriteria": {"AgentIds": ["a"]}}]}),
    ("AdditionalTimeRange", {"Criteria": [{"TimeRange": WIDE}], "MatchType": "MATCH_ALL"}),
    ("ActiveRegions", ["us-east-1"]),
    ("AiAgents", {"Criteria": [{"AiAgentEscalated": True}]}),
])
def test_unevaluated_criteria_are_refused_by_name(server, member, value):
    status, code, message = client_error(lambda: server.client().search_contacts(
        InstanceId=INSTANCE, TimeRange=WIDE, SearchCriteria={member: value}))
    assert (status, code) == (400, "InvalidRequestException")
    assert f"connect-mock does not evaluate SearchCriteria.{member}" in message


def test_modeled_errors(server):
    c = server.client()
    assert client_error(lambda: c.search_contacts(InstanceId="nope", TimeRange=WIDE))[:2] == (404, "ResourceNotFoundException")
    r = server.mock("POST", "/search-contacts", data=b"{}")  # unsigned
    assert r.status_code == 403 and r.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
    for bad in [dict(MaxResults=0), dict(MaxResults=101), dict(TimeRange={**WIDE, "Type": "NOPE"})]:
        args = {"InstanceId": INSTANCE, "TimeRange": WIDE, **bad}
        strict = server.client(parameter_validation=False)
        assert client_error(lambda: strict.search_contacts(**args))[:2] == (400, "InvalidParameterException"), bad
    wrong = server.client(secret="wrong")
    assert client_error(lambda: wrong.search_contacts(InstanceId=INSTANCE, TimeRange=WIDE))[:2] == (403, "InvalidSignatureException")
    other = server.client(key="AKIAUNKNOWNEXAMPLE")
    assert client_error(lambda: other.search_contacts(InstanceId=INSTANCE, TimeRange=WIDE))[:2] == (403, "UnrecognizedClientException")
    london = server.client(key=LONDON_KEY, secret=LONDON_SECRET)
    status, code, message = client_error(lambda: london.search_contacts(InstanceId=INSTANCE, TimeRange=WIDE))
    assert (status, code) == (403, "AccessDeniedException") and "connect:SearchContacts" in message
    server.mock("PUT", "/_mock/faults", json={"faults": [{"match": {"operation": "SearchContacts"}, "error": "ThrottlingException"}]})
    assert client_error(lambda: c.search_contacts(InstanceId=INSTANCE, TimeRange=WIDE))[:2] == (429, "ThrottlingException")
    server.mock("PUT", "/_mock/faults", json={"faults": []})
    server.mock("PUT", "/_mock/faults", json={"faults": [{"match": {"operation": "SearchContacts"}, "error": "InternalServiceException"}]})
    assert client_error(lambda: c.search_contacts(InstanceId=INSTANCE, TimeRange=WIDE))[:2] == (500, "InternalServiceException")
    server.mock("PUT", "/_mock/faults", json={"faults": []})


def test_the_cli_and_awscrt(synthetic):
    env = dict(os.environ, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET, AWS_DEFAULT_REGION="us-east-1")
    r = subprocess.run(["aws", "connect", "search-contacts", "--endpoint-url", synthetic.url, "--instance-id", INSTANCE,
                        "--time-range", "Type=INITIATION_TIMESTAMP,StartTime=2020-01-01T00:00:00Z,EndTime=2027-01-01T00:00:00Z",
                        "--search-criteria", '{"Channels":["EMAIL"]}', "--max-items", "250", "--output", "json"],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert len(out["Contacts"]) == 250 and {x["Channel"] for x in out["Contacts"]} == {"EMAIL"}

    r = crt_request("POST", synthetic.url + "/search-contacts", KEY, SECRET, json_body={
        "InstanceId": INSTANCE, "TimeRange": {"Type": "INITIATION_TIMESTAMP", "StartTime": 1577836800, "EndTime": 1798761600}, "MaxResults": 3})
    assert r.status_code == 200, r.text
    assert len(r.json()["Contacts"]) == 3 and r.json()["TotalCount"] == 10000


# -- brute force -------------------------------------------------------------------------------

def ms(t):
    return None if t is None else round(t * 1000)


def fields(c):
    q, a = c.get("QueueInfo", {}), c.get("AgentInfo", {})
    h = a.get("HierarchyGroups", {})
    steps = c.get("RoutingCriteria", {}).get("Steps", [])
    expiries = [s["Expiry"]["ExpiryTimestamp"] for s in steps if "ExpiryTimestamp" in s.get("Expiry", {})]
    return {
        "Id": c["Id"], "Channel": c["Channel"], "InitiationMethod": c["InitiationMethod"],
        "INITIATION_TIMESTAMP": ms(c["InitiationTimestamp"]), "SCHEDULED_TIMESTAMP": ms(c.get("ScheduledTimestamp")),
        "CONNECTED_TO_AGENT_TIMESTAMP": ms(a.get("ConnectedToAgentTimestamp")), "DISCONNECT_TIMESTAMP": ms(c.get("DisconnectTimestamp")),
        "ENQUEUE_TIMESTAMP": ms(q.get("EnqueueTimestamp")), "EXPIRY_TIMESTAMP": ms(max(expiries)) if expiries else None,
        "Queue": q.get("Id"), "Agent": a.get("Id"),
        "Levels": [h.get(f"Level{k}", {}).get("Arn", "").rsplit("/", 1)[-1] or None for k in range(1, 6)],
        "Attributes": c.get("Attributes", {}), "Segments": {k: v["ValueString"] for k, v in c.get("SegmentAttributes", {}).items() if "ValueString" in v},
        "Tags": c.get("Tags", {}),
    }


def matches(f, q):
    t = f[q["TimeRange"]["Type"]]
    if t is None or not q["start"] <= t <= q["end"]:
        return False
    c = q.get("SearchCriteria", {})
    if c.get("Channels") and f["Channel"] not in c["Channels"]:
        return False
    if c.get("InitiationMethods") and f["InitiationMethod"] not in c["InitiationMethods"]:
        return False
    if c.get("QueueIds") and f["Queue"] not in c["QueueIds"]:
        return False
    if c.get("AgentIds") and f["Agent"] not in c["AgentIds"]:
        return False
    for k in range(1, 6):
        ids = c.get("AgentHierarchyGroups", {}).get(f"L{k}Ids")
        if ids and f["Levels"][k - 1] not in ids:
            return False
    for member, m in (("SearchableContactAttributes", "Attributes"), ("SearchableSegmentAttributes", "Segments")):
        if member in c:
            hits = [x["Key"] in f[m] and (not x["Values"] or f[m][x["Key"]] in x["Values"]) for x in c[member]["Criteria"]]
            if not (all(hits) if c[member].get("MatchType", "MATCH_ALL") == "MATCH_ALL" else any(hits)):
                return False
    if "ContactTags" in c:
        tag = c["ContactTags"]["TagCondition"]
        if f["Tags"].get(tag["TagKey"]) != tag["TagValue"]:
            return False
    return True


def ordered(found, sort):
    key = {"CHANNEL": "Channel", "INITIATION_METHOD": "InitiationMethod"}.get(sort["FieldName"], sort["FieldName"])
    # SQLite's order: NULL first ascending, last descending; ties by id in the sort's direction.
    rows = sorted(found, key=lambda f: (f[key] is not None, f[key] if f[key] is not None else 0, f["Id"]))
    return [f["Id"] for f in (rows if sort["Order"] == "ASCENDING" else reversed(rows))]


def test_search_finds_what_a_brute_force_filter_finds(synthetic):
    ids = [c["Id"] for c in synthetic.listed()]
    assert len(ids) == 10000
    session = requests.Session()
    every = [fields(synthetic.signed_get(cid, session=session).json()["Contact"]) for cid in ids]
    lo, hi = min(f["INITIATION_TIMESTAMP"] for f in every), max(f["INITIATION_TIMESTAMP"] for f in every)
    pick = {k: sorted({v for f in every for v in ([f[k]] if not isinstance(f[k], list) else f[k]) if v is not None})
            for k in ("Channel", "InitiationMethod", "Queue", "Agent", "Levels")}
    tags = sorted({(k, v) for f in every for k, v in f["Tags"].items()})
    segments = sorted({(k, v) for f in every for k, v in f["Segments"].items()})
    rng = random.Random(20261206)
    c = synthetic.client()
    problems = output_problems(c, "SearchContacts")
    paginator = c.get_paginator("search_contacts")
    types = ["INITIATION_TIMESTAMP", "SCHEDULED_TIMESTAMP", "CONNECTED_TO_AGENT_TIMESTAMP", "DISCONNECT_TIMESTAMP", "ENQUEUE_TIMESTAMP"]
    sorts = types[:4] + ["INITIATION_METHOD", "CHANNEL", "EXPIRY_TIMESTAMP"]
    found_some = 0
    for round_ in range(300):
        start = rng.randrange(lo // 1000 - 86400, hi // 1000)
        end = start + rng.choice([86400 * 3, 86400 * 30, 86400 * 120, 86400 * 800])
        q = {"TimeRange": {"Type": rng.choice(types), "StartTime": datetime.datetime.fromtimestamp(start, UTC),
                           "EndTime": datetime.datetime.fromtimestamp(end, UTC)}, "start": start * 1000, "end": end * 1000}
        crit = {}
        for _ in range(rng.choice([0, 1, 1, 2])):
            kind = rng.randrange(8)
            if kind == 0:
                crit["Channels"] = rng.sample(pick["Channel"], rng.randint(1, 2))
            elif kind == 1:
                crit["InitiationMethods"] = rng.sample(pick["InitiationMethod"], rng.randint(1, 3))
            elif kind == 2:
                crit["QueueIds"] = rng.sample(pick["Queue"], 3)
            elif kind == 3:
                crit["AgentIds"] = rng.sample(pick["Agent"], 3)
            elif kind == 4:
                crit["AgentHierarchyGroups"] = {"L1Ids": rng.sample(pick["Levels"], 5)}
            elif kind == 5:
                crit["SearchableContactAttributes"] = {
                    "Criteria": [{"Key": "language", "Values": [rng.choice(["en-US", "es-US", "fr-CA"])]},
                                 {"Key": "accountTier", "Values": rng.choice([[], ["gold", "silver"]])}],
                    "MatchType": rng.choice(["MATCH_ALL", "MATCH_ANY"])}
            elif kind == 6 and segments:
                k, v = rng.choice(segments)
                crit["SearchableSegmentAttributes"] = {"Criteria": [{"Key": k, "Values": [v]}]}
            elif tags:
                k, v = rng.choice(tags)
                crit["ContactTags"] = {"TagCondition": {"TagKey": k, "TagValue": v}}
        if crit:
            q["SearchCriteria"] = crit
        sort = {"FieldName": rng.choice(sorts), "Order": rng.choice(["ASCENDING", "DESCENDING"])}
        expected = ordered([f for f in every if matches(f, q)], sort)
        args = {"InstanceId": INSTANCE, "TimeRange": q["TimeRange"], "Sort": sort,
                "PaginationConfig": {"PageSize": rng.choice([50, 100])}}
        if crit:
            args["SearchCriteria"] = crit
        got, totals = [], set()
        for page in paginator.paginate(**args):
            got += [x["Id"] for x in page["Contacts"]]
            totals.add(page["TotalCount"])
        assert got == expected, f"round {round_}: {json.dumps(q, default=str)} {sort}"
        assert totals == {len(expected)}, f"round {round_}"
        found_some += bool(expected)
    # Rounds where both sides find nothing test little: most must find something.
    assert found_some >= 150, found_some
    assert problems == []
