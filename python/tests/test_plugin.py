"""The pytest plugin, run by pytester in a separate pytest process as a user's suite would be."""
import json
import os

import pytest

TWO_TESTS_ONE_SERVER = """
import os

INSTANCE = "8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01"
seen = []

def test_a_writes_a_contact(connect_mock, connect_mock_server):
    assert connect_mock is connect_mock_server
    seen.append(connect_mock.endpoint_url)
    connect_mock.set_clock(now="2022-03-01T12:00:00Z")
    connect_mock.put_contacts({"Id": "left-behind", "Channel": "VOICE", "InitiationMethod": "INBOUND",
                               "InitiationTimestamp": "now-1h"})
    connect_mock.client().describe_contact(InstanceId=INSTANCE, ContactId="left-behind")

def test_b_starts_from_the_configured_state(connect_mock):
    seen.append(connect_mock.endpoint_url)
    assert seen[0] == seen[1]  # one server for the session
    ids = [c["Id"] for c in connect_mock.api("GET", "/_mock/contacts", query={"limit": 1000})["Contacts"]]
    assert "left-behind" not in ids and len(ids) == 56
    assert connect_mock.api("GET", "/_mock/clock")["mode"] == "system"
    assert connect_mock.requests()["requests"] == []

def test_c_no_aws_variables_are_set(connect_mock):
    assert not [k for k in os.environ if k.startswith("AWS_")]
"""


def clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("AWS_") or name.startswith("CONNECT_MOCK_"):
            monkeypatch.delenv(name)


def test_the_fixtures_share_one_server_and_reset_before_each_test(pytester, monkeypatch):
    clean_env(monkeypatch)
    pytester.makepyfile(test_reset=TWO_TESTS_ONE_SERVER)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


CONFIG_CHECK = """
def test_config(connect_mock):
    assert connect_mock.instance_id == "{instance}"
    assert connect_mock.api("GET", "/_mock/health")["contacts"] == {count}
"""
MINE = "22222222-3333-4444-8555-666666666666"


def write_config(path, count):
    path.write_text(json.dumps({"instances": [{"id": MINE, "region": "us-west-2", "accountId": "123456789012"}],
                                "seed": {"fixtures": [], "synthetic": {"count": count}}}))


def test_the_command_line_option_names_the_config(pytester):
    write_config(pytester.path / "mock.json", 4)
    pytester.makepyfile(test_cfg=CONFIG_CHECK.format(instance=MINE, count=4))
    pytester.runpytest_subprocess("-p", "no:cacheprovider", "--connect-mock-config", "mock.json").assert_outcomes(passed=1)


def test_the_ini_key_names_the_config_relative_to_the_ini_file_and_the_option_wins(pytester):
    (pytester.path / "conf").mkdir()
    write_config(pytester.path / "conf" / "from-ini.json", 2)
    write_config(pytester.path / "from-option.json", 7)
    pytester.makeini("[pytest]\nconnect_mock_config = conf/from-ini.json\n")
    pytester.makepyfile(test_cfg=CONFIG_CHECK.format(instance=MINE, count=2))
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
    pytester.makepyfile(test_cfg=CONFIG_CHECK.format(instance=MINE, count=7))
    pytester.runpytest_subprocess("-p", "no:cacheprovider", "--connect-mock-config",
                                  "from-option.json").assert_outcomes(passed=1)


def test_a_bad_config_fails_the_tests_with_the_servers_message(pytester):
    (pytester.path / "bad.json").write_text(json.dumps({"retention": {"months": -1}}))
    pytester.makepyfile(test_cfg="def test_x(connect_mock):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--connect-mock-config", "bad.json")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*ServerStartError*", "*connect-mock stderr*", "*months*"])


@pytest.mark.parametrize("example,tests", [("test_user_example.py", 3), ("test_user_unfolding.py", 2)])
def test_the_user_examples_pass_as_a_user_runs_them(pytester, example, tests):
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, example)) as f:
        pytester.makepyfile(test_example=f.read())
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=tests)


def test_a_suite_that_asks_for_no_fixture_starts_no_server(pytester):
    pytester.makepyfile(test_plain="def test_nothing():\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--setup-show")
    result.assert_outcomes(passed=1)
    assert "connect_mock_server" not in result.stdout.str()


def test_the_plugin_is_registered_through_its_entry_point(pytester):
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--fixtures")
    result.stdout.fnmatch_lines(["*connect_mock_server*", "*connect_mock *"])
    help_text = pytester.runpytest_subprocess("--help").stdout.str()
    assert "--connect-mock-config" in help_text and "connect_mock_config" in help_text
