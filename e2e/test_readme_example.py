"""The pytest example that runs the binary without the Python package, taken from docs/python.md
(README links it) and run as a user would run it."""
import os
import re
import subprocess
import sys

from conftest import BINARY, REPO


def readme_block(containing):
    text = open(os.path.join(REPO, "docs", "python.md")).read()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    return next(b for b in blocks if containing in b)


def test_the_readme_pytest_example_passes(tmp_path):
    code = readme_block("def test_reads_the_contact").replace(".build/debug/connect-mock", BINARY)
    (tmp_path / "test_from_readme.py").write_text(code)
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path / "test_from_readme.py")],
                         cwd=REPO, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 passed" in out.stdout
