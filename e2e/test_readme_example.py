"""The README's pytest example, taken from the README and run as a user would run it."""
import os
import re
import subprocess
import sys

from conftest import BINARY, REPO


def readme_block(containing):
    text = open(os.path.join(REPO, "README.md")).read()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    return next(b for b in blocks if containing in b)


def test_the_readme_pytest_example_passes(tmp_path):
    code = readme_block("def test_reads_the_contact").replace(".build/debug/connect-mock", BINARY)
    (tmp_path / "test_from_readme.py").write_text(code)
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path / "test_from_readme.py")],
                         cwd=REPO, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 passed" in out.stdout


def test_the_readme_search_describe_update_example_runs():
    from conftest import start_server
    s = start_server("readme-search", clock={}, seed={"fixtures": [], "synthetic": {"count": 2000, "seed": 5}})
    try:
        client = readme_block('connect.describe_contact(InstanceId="8c7f').replace("http://127.0.0.1:8080", s.url)
        client = client[:client.index("connect.describe_contact(")]
        scope = {}
        exec(client + readme_block("connect.search_contacts("), scope)
        assert scope["connect"].get_contact_attributes(InstanceId=scope["INSTANCE"], InitialContactId=scope["chain"])["Attributes"]["caseId"] == "C-42"
    finally:
        assert s.stop() == 0
