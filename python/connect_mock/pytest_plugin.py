"""The pytest plugin (entry point `pytest11`): one connect-mock server per test session.

- `connect_mock_server` (session scope): a running `connect_mock.Server`.
- `connect_mock` (function scope): the same server, reset (`POST /_mock/reset`) before the test.
- `--connect-mock-config PATH` or the ini key `connect_mock_config`: a YAML or JSON config over
  the shipped defaults (the option wins; an ini path is relative to the ini file).

It never sets environment variables; use `with connect_mock.env():` in a test that needs them.
"""
import os

import pytest

from ._server import Server


def pytest_addoption(parser):
    group = parser.getgroup("connect-mock")
    group.addoption("--connect-mock-config", dest="connect_mock_config", default=None, metavar="PATH",
                    help="connect-mock config (YAML or JSON) over the shipped defaults, for the session's server")
    parser.addini("connect_mock_config", default="",
                  help="connect-mock config (YAML or JSON, relative to the ini file) for the session's server")


def _config_path(config):
    option = config.getoption("connect_mock_config")
    if option:
        return os.path.abspath(option)
    ini = config.getini("connect_mock_config")
    if ini:
        base = config.inipath.parent if config.inipath else config.rootpath
        return str(base / ini)
    return None


@pytest.fixture(scope="session")
def connect_mock_server(pytestconfig):
    """One connect-mock for the whole session, on a free port with a temporary store."""
    with Server(_config_path(pytestconfig)) as server:
        yield server


@pytest.fixture
def connect_mock(connect_mock_server):
    """The session's connect-mock, reset before this test: configured clock, faults and seed."""
    connect_mock_server.reset()
    return connect_mock_server
