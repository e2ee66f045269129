"""SPEC §8's directory: DescribeUser, DescribeQueue, ListUsers, ListQueues through real clients
(boto3 and its paginators, the aws CLI, awscrt), every response checked against botocore's
output shapes, every modeled error reachable, and the mock API's directory routes."""
import json
import os
import subprocess
import urllib.parse

import requests
from botocore import UNSIGNED

from conftest import BINARY, INSTANCE, KEY, LONDON_KEY, LONDON_SECRET, SECRET, base_config, client_error as error
from contacts import MODEL
from model_check import validate
from signing import botocore_signed, crt_get, send

CONFIG_OVERRIDES = {"seed": {"fixtures": [os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "seed-data")],
                             "synthetic": {"count": 3000, "seed": 42}}}
PREFIX = f"arn:aws:connect:us-east-1:123456789012:instance/{INSTANCE}"
JANE = "a1b2c3d4-0000-4e5f-8a9b-0c1d2e3f4a5b"
SUPPORT = "4c2d5a10-6f1e-4b7a-8e3d-1a2b3c4d5e6f"
BILLING = "0f1e2d3c-4b5a-4697-8877-aabbccddeeff"


def check(operation, body):
    """The raw JSON body holds only members of the operation's output shape, within its rules."""
    problems = validate(body, MODEL.operation_model(operation).output_shape, "$")
    assert problems == [], (operation, problems)


def signed(server, path, key=KEY, secret=SECRET, **kw):
    return send(botocore_signed(server.url + path, key, secret, **kw))


def q(s):
    return urllib.parse.quote(s, safe="")


def test_describe_user_of_the_seed_data(server):
    user = server.client().describe_user(InstanceId=INSTANCE, UserId=JANE)["User"]
    assert user["Arn"] == f"{PREFIX}/agent/{JANE}"
    assert user["Username"] == "jane.doe"
    assert user["IdentityInfo"] == {"FirstName": "Jane", "LastName": "Doe", "Email": "jane.doe@example.com"}
    assert user["HierarchyGroupId"] == "0b6f0c5e-1c1d-4f6e-9a3b-5d4c3b2a1f0e"
    assert user["LastModifiedTime"].isoformat() == "2025-06-02T09:15:00.123000+00:00"
    r = signed(server, f"/users/{INSTANCE}/{JANE}")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/json" and r.headers["x-amzn-RequestId"]
    check("DescribeUser", r.json())


def test_describe_queue_of_the_seed_data(server):
    queue = server.client().describe_queue(InstanceId=INSTANCE, QueueId=SUPPORT)["Queue"]
    assert (queue["Name"], queue["QueueArn"], queue["Status"]) == ("Support", f"{PREFIX}/queue/{SUPPORT}", "ENABLED")
    for qid in (SUPPORT, BILLING):
        r = signed(server, f"/queues/{INSTANCE}/{qid}")
        assert r.status_code == 200
        check("DescribeQueue", r.json())
        assert r.json()["Queue"]["QueueId"] == qid


def test_every_agent_and_queue_of_the_seeded_contacts_is_in_the_directory(server):
    """The seed-data's contacts and 3,000 synthetic ones: each AgentInfo.Id is a user, each
    QueueInfo.Id a queue, and an agent's hierarchy groups end at the user's own group."""
    c = server.client()
    users, queues, agents, grouped = {}, set(), 0, 0
    for row in server.listed():
        contact = c.describe_contact(InstanceId=INSTANCE, ContactId=row["Id"])["Contact"]
        agent = contact.get("AgentInfo", {}).get("Id")
        if agent:
            agents += 1
            if agent not in users:
                users[agent] = c.describe_user(InstanceId=INSTANCE, UserId=agent)["User"]
            groups = contact["AgentInfo"].get("HierarchyGroups")
            if groups and users[agent].get("HierarchyGroupId"):
                grouped += 1
                deepest = groups[max(groups)]["Arn"]
                assert deepest == f"{PREFIX}/agent-group/{users[agent]['HierarchyGroupId']}", row["Id"]
        queue = contact.get("QueueInfo", {}).get("Id")
        if queue and queue not in queues:
            c.describe_queue(InstanceId=INSTANCE, QueueId=queue)
            queues.add(queue)
    assert agents > 1000 and len(users) > 20 and len(queues) >= 3 and grouped > 100, (agents, len(users), len(queues), grouped)


def test_list_users_with_the_boto3_paginator(server):
    c = server.client()
    expected = server.mock("GET", f"/_mock/users?instanceId={INSTANCE}&limit=1000").json()["Users"]
    assert len(expected) == 31  # 30 synthetic (3,000 contacts) and the seed-data's one
    seen = []
    pages = list(c.get_paginator("list_users").paginate(InstanceId=INSTANCE, PaginationConfig={"PageSize": 7}))
    assert len(pages) == 5
    for p in pages:
        assert len(p["UserSummaryList"]) <= 7
        seen += p["UserSummaryList"]
    assert [u["Id"] for u in seen] == [u["Id"] for u in expected]
    assert {u["Username"] for u in seen} == {u["Username"] for u in expected}
    assert all(set(u) <= {"Id", "Arn", "Username", "LastModifiedTime", "LastModifiedRegion"} for u in seen)
    assert len(c.list_users(InstanceId=INSTANCE)["UserSummaryList"]) == 31  # the default page holds 100
    r = signed(server, f"/users-summary/{INSTANCE}?maxResults=4")
    check("ListUsers", r.json())
    assert len(r.json()["UserSummaryList"]) == 4 and r.json()["NextToken"]


def test_list_queues_with_the_paginator_and_queue_types(server):
    c = server.client()
    everything = [x for p in c.get_paginator("list_queues").paginate(InstanceId=INSTANCE, PaginationConfig={"PageSize": 2})
                  for x in p["QueueSummaryList"]]
    assert len(everything) == 5  # 3 synthetic and the seed-data's 2
    assert {SUPPORT, BILLING} <= {x["Id"] for x in everything}
    assert all(x["QueueType"] == "STANDARD" and x["Arn"] == f"{PREFIX}/queue/{x['Id']}" for x in everything)
    standard = [x for p in c.get_paginator("list_queues").paginate(InstanceId=INSTANCE, QueueTypes=["STANDARD"]) for x in p["QueueSummaryList"]]
    assert len(standard) == 5
    assert c.list_queues(InstanceId=INSTANCE, QueueTypes=["AGENT"])["QueueSummaryList"] == []
    r = signed(server, f"/queues-summary/{INSTANCE}?queueTypes=STANDARD&maxResults=3")
    check("ListQueues", r.json())


def test_the_aws_cli(server):
    env = dict(os.environ, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET, AWS_DEFAULT_REGION="us-east-1")

    def aws(*args):
        r = subprocess.run(["aws", "connect", *args, "--endpoint-url", server.url, "--instance-id", INSTANCE, "--output", "json"],
                           capture_output=True, text=True, env=env, timeout=60)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    assert aws("describe-user", "--user-id", JANE)["User"]["Username"] == "jane.doe"
    assert aws("describe-queue", "--queue-id", BILLING)["Queue"]["Name"] == "Billing"
    # The CLI pages on its own: a page size of 10 gathers all 31 users.
    assert len(aws("list-users", "--page-size", "10")["UserSummaryList"]) == 31
    assert len(aws("list-queues", "--queue-types", "STANDARD")["QueueSummaryList"]) == 5


def test_awscrt_signing(server):
    r = crt_get(f"{server.url}/users/{INSTANCE}/{JANE}", KEY, SECRET)
    assert r.status_code == 200, r.text
    check("DescribeUser", r.json())
    r = crt_get(f"{server.url}/queues-summary/{INSTANCE}?maxResults=2&queueTypes=STANDARD", KEY, SECRET)
    assert r.status_code == 200, r.text
    check("ListQueues", r.json())


def test_resource_not_found(server):
    c = server.client()
    assert error(lambda: c.describe_user(InstanceId=INSTANCE, UserId="nobody")) == (404, "ResourceNotFoundException", "User not found: nobody")
    assert error(lambda: c.describe_queue(InstanceId=INSTANCE, QueueId=JANE)) == (404, "ResourceNotFoundException", f"Queue not found: {JANE}")
    assert error(lambda: c.describe_user(InstanceId="no-such-instance", UserId=JANE)) == (
        404, "ResourceNotFoundException", "Instance not found: no-such-instance")
    assert error(lambda: c.list_users(InstanceId="no-such-instance")) == (404, "ResourceNotFoundException", "Instance not found: no-such-instance")
    assert error(lambda: server.client(region="us-west-2").list_queues(InstanceId=INSTANCE))[1] == "ResourceNotFoundException"
    r = signed(server, f"/users/{INSTANCE}/nobody")
    assert (r.status_code, r.headers["x-amzn-ErrorType"], r.headers["x-mock-reason"]) == (404, "ResourceNotFoundException", "unknown")


def test_invalid_parameter(server):
    c = server.client()
    status, code, message = error(lambda: c.describe_user(InstanceId="i" * 101, UserId=JANE))
    assert (status, code) == (400, "InvalidParameterException") and "instanceId" in message and "100" in message
    status, code, message = error(lambda: c.list_queues(InstanceId="i" * 101))
    assert (status, code) == (400, "InvalidParameterException")
    r = signed(server, f"/users-summary/{INSTANCE}?maxResults=1001")
    assert (r.status_code, r.headers["x-amzn-ErrorType"]) == (400, "InvalidParameterException") and "maxResults" in r.json()["Message"]
    r = signed(server, f"/queues-summary/{INSTANCE}?queueTypes=OTHER")
    assert (r.status_code, r.headers["x-amzn-ErrorType"]) == (400, "InvalidParameterException") and "queueTypes" in r.json()["Message"]
    assert error(lambda: c.list_users(InstanceId=INSTANCE, NextToken="not-a-token"))[:2] == (400, "InvalidParameterException")


def test_sigv4_refusals_as_describe_contact(server):
    path = f"/users/{INSTANCE}/{JANE}"
    assert error(lambda: server.client(signature_version=UNSIGNED).describe_user(InstanceId=INSTANCE, UserId=JANE)) == (
        403, "MissingAuthenticationTokenException", "Missing Authentication Token")
    r = signed(server, path, key="AKIAUNKNOWNKEY000000")
    assert (r.status_code, r.headers["x-amzn-ErrorType"], r.json()["message"]) == (
        403, "UnrecognizedClientException", "The security token included in the request is invalid.")
    r = signed(server, path, secret="wrong")
    assert (r.status_code, r.headers["x-amzn-ErrorType"]) == (403, "InvalidSignatureException")
    assert r.json()["message"].startswith("The request signature we calculated does not match")
    assert f"should have been\n'GET\n/users/{INSTANCE}/{JANE}\n" in r.json()["message"]
    r = signed(server, path, service="s3")
    assert r.json()["message"] == "Credential should be scoped to correct service: 'connect'. "
    r = requests.get(server.url + f"/queues-summary/{INSTANCE}", timeout=10)
    assert (r.status_code, r.headers["x-amzn-ErrorType"]) == (403, "MissingAuthenticationTokenException")


def test_access_denied_names_the_operation_and_resource(server):
    c = server.client(key=LONDON_KEY, secret=LONDON_SECRET)
    assert error(lambda: c.describe_user(InstanceId=INSTANCE, UserId=JANE)) == (
        403, "AccessDeniedException", f"User: arn:aws:iam::123456789012:user/london-reader is not authorized to perform: "
                                      f"connect:DescribeUser on resource: {PREFIX}/agent/{JANE}")
    assert error(lambda: c.describe_queue(InstanceId=INSTANCE, QueueId=SUPPORT))[2].endswith(f"connect:DescribeQueue on resource: {PREFIX}/queue/{SUPPORT}")
    assert error(lambda: c.list_users(InstanceId=INSTANCE))[2].endswith(f"connect:ListUsers on resource: {PREFIX}")


def test_injected_faults_and_throttling(server):
    rules = {"faults": [{"match": {"operation": "DescribeUser"}, "error": "ThrottlingException", "count": 1},
                        {"match": {"operation": "ListQueues"}, "error": "InvalidRequestException", "count": 1}]}
    assert server.mock("PUT", "/_mock/faults", json=rules).status_code == 200
    try:
        c = server.client()
        # Raw, since botocore retries a throttled call once whatever max_attempts says.
        r = signed(server, f"/users/{INSTANCE}/{JANE}")
        assert (r.status_code, r.headers["x-amzn-ErrorType"], r.json()) == (429, "ThrottlingException", {"Message": "Rate exceeded"})
        assert error(lambda: c.list_queues(InstanceId=INSTANCE))[:2] == (400, "InvalidRequestException")
        assert c.describe_user(InstanceId=INSTANCE, UserId=JANE)["User"]["Id"] == JANE
        journal = server.mock("GET", "/_mock/requests?operation=DescribeUser").json()["requests"]
        assert [r["status"] for r in journal][-2:] == [429, 200]
    finally:
        server.mock("PUT", "/_mock/faults", json={"faults": []})


def test_mock_api_routes_and_reset(server):
    c = server.client()
    r = server.mock("PUT", f"/_mock/users/{INSTANCE}/new-agent", json={"User": {"Username": "new.agent", "LastModifiedTime": "now"}})
    assert r.status_code == 201, r.text
    assert r.json()["User"]["Arn"] == f"{PREFIX}/agent/new-agent"
    assert c.describe_user(InstanceId=INSTANCE, UserId="new-agent")["User"]["Username"] == "new.agent"
    r = server.mock("PUT", f"/_mock/queues/{INSTANCE}/new-queue", json={"Queue": {"Name": "New", "Status": "PAUSED"}})
    assert (r.status_code, r.json()["path"]) == (400, "$.Queue.Status")
    r = server.mock("POST", "/_mock/directory", json=[{"Queue": {"QueueId": "agent-q", "Name": "new.agent"}, "QueueType": "AGENT"},
                                                     {"User": {"Id": "bulk-1", "Username": "bulk.one"}}])
    assert r.status_code == 200 and r.json() == {"users": 1, "queues": 1, "contacts": 0}, r.text
    assert [x["Id"] for x in c.list_queues(InstanceId=INSTANCE, QueueTypes=["AGENT"])["QueueSummaryList"]] == ["agent-q"]
    listed = server.mock("GET", "/_mock/queues?limit=2").json()
    assert len(listed["Queues"]) == 2 and listed["NextToken"]
    assert server.mock("DELETE", f"/_mock/users/{INSTANCE}/bulk-1").status_code == 204
    assert server.mock("GET", f"/_mock/users/{INSTANCE}/bulk-1").status_code == 404
    assert server.mock("POST", "/_mock/reset").status_code == 200
    assert error(lambda: c.describe_user(InstanceId=INSTANCE, UserId="new-agent"))[1] == "ResourceNotFoundException"
    assert c.list_queues(InstanceId=INSTANCE, QueueTypes=["AGENT"])["QueueSummaryList"] == []
    assert len(c.list_users(InstanceId=INSTANCE)["UserSummaryList"]) == 31


def test_fixture_errors_name_file_line_and_path(tmp_path):
    folder = tmp_path / "fixtures"
    folder.mkdir()
    (folder / "users.jsonl").write_text("\n".join([
        json.dumps({"User": {"Username": "ok"}}),
        json.dumps({"User": {"Id": "a", "Arn": f"{PREFIX}/agent/b"}}),
        json.dumps({"User": {"Username": "x", "PhoneConfig": {"PhoneTyp": "SOFT_PHONE"}}}),
    ]) + "\n")
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps(base_config(database={"path": str(tmp_path / "c.sqlite")}, seed={"fixtures": []})))
    out = subprocess.run([BINARY, "seed", "--config", str(cfg), "--fixtures", str(folder)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert any(line.startswith(f"{folder}/users.jsonl:2: $.User.Id: expected the id in the ARN (b), found a") for line in lines), out.stderr
    assert any(line.startswith(f"{folder}/users.jsonl:3: $.User.PhoneConfig.PhoneTyp: ") and "PhoneType" in line for line in lines), out.stderr
