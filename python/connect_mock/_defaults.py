"""The shipped config.yaml as a dict: the first layer of every config `Server` writes.

Read from data/defaults.json, which the wheel's builder writes by asking the bundled binary for
its effective config from the repository's config.yaml (`connect-mock check-config
--show-secrets`): the values have one source, and this package holds no copy of them. Only
`seed.fixtures` differs: the shipped `seed-data` folder becomes the copy of seed-data/ inside
this package, since a folder relative to the working directory is not there after a pip install.
"""
import copy
import json
import os

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
SEED_DATA = os.path.join(PACKAGE_DIR, "data", "seed-data")

with open(os.path.join(PACKAGE_DIR, "data", "defaults.json"), encoding="utf-8") as _f:
    _DEFAULTS = json.load(_f)
_DEFAULTS["seed"]["fixtures"] = [SEED_DATA if folder == "seed-data" else folder for folder in _DEFAULTS["seed"]["fixtures"]]


def shipped_defaults():
    """A fresh deep copy of the defaults, safe to change."""
    return copy.deepcopy(_DEFAULTS)
