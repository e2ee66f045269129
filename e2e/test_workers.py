"""Issue 7: server.workers event loops on one port, and server.pinWorkers."""
import os
import re

import pytest
import requests

from conftest import start_server

SEEDED = "c0ffee00-1111-4a2b-9c3d-000000000001"


def cpu_list(text):
    """A Cpus_allowed_list ("0-3,6") as a set of CPU numbers."""
    cpus = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        cpus.update(range(int(first), int(last or first) + 1))
    return frozenset(cpus)


def thread_cpus(pid):
    """Each thread of `pid` with the CPUs it may run on, as the kernel reports them."""
    found = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/status") as f:
            found.append(cpu_list(re.search(r"^Cpus_allowed_list:\s*(\S+)", f.read(), re.M).group(1)))
    return found


@pytest.mark.parametrize("pin", [False, True])
def test_two_workers_answer_and_are_pinned_only_when_asked(pin, tmp_path):
    allowed = sorted(os.sched_getaffinity(0))  # the server inherits this process's CPUs
    if len(allowed) < 2:
        pytest.skip("needs two CPUs to tell a pinned thread from an unpinned one")
    s = start_server(f"workers-pin-{pin}", server={"host": "127.0.0.1", "port": 0, "workers": 2, "pinWorkers": pin},
                     database={"path": str(tmp_path / "contacts.sqlite")})
    try:
        for _ in range(20):  # a new connection each time: SO_REUSEPORT spreads connections, not requests
            with requests.Session() as session:
                r = s.signed_get(SEEDED, session=session)
                assert r.status_code == 200 and r.json()["Contact"]["Id"] == SEEDED
        threads = thread_cpus(s.proc.pid)
        single = sorted(min(c) for c in threads if len(c) == 1)
        if pin:
            assert single == allowed[:2], f"each worker alone on one of the first two CPUs: {threads}"
        else:
            assert single == [] and all(c == frozenset(allowed) for c in threads), threads
    finally:
        assert s.stop() == 0
