#!/usr/bin/env python3
"""Times connect_mock.Server from construction to its first answers, N runs (default 10):
  start   Server(...).start() returned: `serve` printed its port and GET /_mock/health said 200
  first   then a boto3 client made and one signed DescribeContact answered (what a test waits for)
Run it with the interpreter of a virtual environment where the wheel and boto3 are installed:
  .build-wheel/venv/bin/python scripts/measure-startup.py [N]"""
import statistics
import sys
import time

import connect_mock
from botocore.exceptions import ClientError

INSTANCE, CONTACT = "8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01", "c0ffee00-1111-4a2b-9c3d-000000000001"


def once(**settings):
    t0 = time.perf_counter()
    server = connect_mock.Server(**settings).start()
    t1 = time.perf_counter()
    try:
        try:
            server.client().describe_contact(InstanceId=INSTANCE, ContactId=CONTACT)
        except ClientError:  # with no seed: a signed 404 is an answer too
            pass
        t2 = time.perf_counter()
    finally:
        server.stop()
    return (t1 - t0) * 1000, (t2 - t0) * 1000


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    once()  # warm the page cache and boto3's imports
    for label, settings in [("shipped defaults (6 fixture + 50 synthetic contacts)", {}),
                            ("no seed", {"seed": {"fixtures": [], "synthetic": {"count": 0}}})]:
        samples = [once(**settings) for _ in range(runs)]
        start, first = zip(*samples)
        print(f"{label}, {runs} runs: start median {statistics.median(start):.1f} ms "
              f"(min {min(start):.1f}, max {max(start):.1f}); first DescribeContact median "
              f"{statistics.median(first):.1f} ms (min {min(first):.1f}, max {max(first):.1f})")


if __name__ == "__main__":
    main()
