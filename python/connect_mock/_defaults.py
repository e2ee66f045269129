"""The shipped config.yaml as a dict: the first layer of every config `Server` writes.

The same values as the repository's config.yaml (the binary's built-in defaults), but for
`seed.fixtures`, which names the copy of seed-data/ inside this package rather than a folder
relative to the working directory. The package's tests hold the two equal by asking the binary
(`connect-mock check-config`) for its effective config from each.
"""
import copy
import os

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
SEED_DATA = os.path.join(PACKAGE_DIR, "data", "seed-data")

_DEFAULTS = {
    "server": {"host": "127.0.0.1", "port": 8080, "workers": 1, "idleTimeoutSeconds": 60,
               "maxHeaderBytes": 16384, "maxBodyBytes": 1048576},
    "database": {"path": ".connect-mock/contacts.sqlite"},
    "instances": [
        {"id": "8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01", "region": "us-east-1", "accountId": "123456789012",
         "alias": "demo"},
    ],
    "credentials": [
        {"accessKeyId": "AKIAIOSFODNN7EXAMPLE", "secretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
         "name": "demo"},
    ],
    "auth": {"mode": "verify", "maxSkewSeconds": 300, "explainFailures": True},
    "retention": {"months": 24, "cutoff": "2021-11-12T00:00:00Z", "purgeIntervalSeconds": 3600},
    "clock": {},
    "seed": {"fixtures": [SEED_DATA], "synthetic": {"count": 50, "seed": 42}},
    "throttle": {"ratePerSecond": 0, "burst": 0, "per": "accessKey"},
    "validation": {"unknownMembers": "reject"},
    "faults": [],
    "admin": {"enabled": True, "token": None, "journalSize": 1000},
    "logging": {"level": "info", "format": "text"},
}


def shipped_defaults():
    """A fresh deep copy of the defaults, safe to change."""
    return copy.deepcopy(_DEFAULTS)
