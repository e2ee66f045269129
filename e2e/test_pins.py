"""The suite runs against exactly the clients e2e/requirements.lock names, and the shapes the
mock validates with were generated from that botocore."""
import importlib.metadata
import os
import shutil
import subprocess
import sys

from conftest import REPO

LOCK = os.path.join(REPO, "e2e", "requirements.lock")


def locked():
    pins = {}
    for line in open(LOCK):
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[name] = version
    return pins


def test_every_locked_client_is_installed_at_its_pinned_version():
    wrong = {name: importlib.metadata.version(name) for name, version in locked().items()
             if importlib.metadata.version(name) != version}
    assert not wrong, f"installed versions differ from {LOCK}: {wrong}; run make test (it rebuilds .venv)"


def test_the_aws_cli_on_path_is_the_locked_one():
    aws = shutil.which("aws")
    assert aws and os.path.dirname(aws) == os.path.dirname(sys.executable), f"aws on PATH is {aws}, not the venv's"
    out = subprocess.run([aws, "--version"], capture_output=True, text=True, check=True)
    assert f"aws-cli/{locked()['awscli']} " in out.stdout + out.stderr


def test_generated_shapes_match_the_pinned_botocore():
    out = subprocess.run([sys.executable, os.path.join(REPO, "scripts", "gen-contact-shapes.py"), "--check"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
