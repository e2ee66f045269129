"""The package's own tests. `make python-test` runs them against the built wheel installed in a
fresh virtual environment: `connect_mock` here is the installed package, never the source tree."""
import os
import sysconfig

import pytest

pytest_plugins = ["pytester"]

REPO = os.environ.get("CONNECT_MOCK_REPO") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INSTANCE = "8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01"
# the console script pip installed beside this interpreter
SCRIPT = os.path.join(sysconfig.get_path("scripts"), "connect-mock")
SEEDED = "c0ffee00-1111-4a2b-9c3d-000000000001"  # seed-data/voice-inbound.json


def repo_version():
    with open(os.path.join(REPO, "VERSION")) as f:
        return f.read().strip()


@pytest.fixture
def contact():
    """A contact one hour old at the data clock."""
    def make(contact_id, channel="VOICE"):
        return {"Id": contact_id, "Channel": channel, "InitiationMethod": "INBOUND", "InitiationTimestamp": "now-1h"}
    return make
