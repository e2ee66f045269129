"""Runs last (by name): every server log of this run, at debug level, holds none of the configured secrets."""
import glob
import os

from conftest import LOG_DIR, SECRET, base_config

SECRETS = [SECRET]
for cred in base_config()["credentials"]:
    SECRETS.append(cred["secretAccessKey"])
    if cred.get("sessionToken"):
        SECRETS.append(cred["sessionToken"])
SECRETS.append("let-me-in")  # the admin token of test_mock_api's throttle server


def test_no_secret_in_any_log_line():
    logs = glob.glob(os.path.join(LOG_DIR, "*.log"))
    assert logs, "no server logs were written"
    for path in logs:
        with open(path, errors="replace") as f:
            for number, line in enumerate(f, 1):
                for secret in SECRETS:
                    assert secret not in line, f"{path}:{number} holds a secret"
