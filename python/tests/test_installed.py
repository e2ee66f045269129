"""The wheel as installed: where the package comes from, what it imports, the binary it bundles."""
import os
import re

import pytest
import subprocess
import sys
import sysconfig
import zipfile
import glob

import connect_mock
from conftest import REPO, SCRIPT, repo_version

# glibc's libraries, the loader, and the compiler's runtimes: what the manylinux policy allows.
ALLOWED = {"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "ld-linux-x86-64.so.2",
           "libstdc++.so.6", "libgcc_s.so.1"}


def test_the_package_is_the_installed_wheel_not_the_source_tree():
    site = sysconfig.get_paths()["platlib"]
    assert connect_mock.__file__.startswith(site), connect_mock.__file__
    assert sys.prefix != sys.base_prefix, "expected to run in the fresh virtual environment"


def test_importing_the_package_loads_only_the_standard_library():
    code = ("import sys; before = set(sys.modules); import connect_mock; "
            "print(sorted(m.split('.')[0] for m in set(sys.modules) - before))")
    loaded = eval(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)
    outside = [m for m in loaded if m != "connect_mock" and m not in sys.stdlib_module_names]
    assert outside == [], outside


def test_the_bundled_binary_is_executable_and_needs_only_allowed_libraries():
    binary = connect_mock.BUNDLED_BINARY
    assert os.access(binary, os.X_OK)
    dynamic = subprocess.run(["readelf", "-d", binary], check=True, capture_output=True, text=True).stdout
    needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic))
    assert needed and needed <= ALLOWED, needed - ALLOWED
    assert re.findall(r"R(?:UN)?PATH\)\s+Library r(?:un)?path: \[([^\]]*)\]", dynamic) in ([], ["$ORIGIN"])  # SwiftPM's own
    ldd = subprocess.run(["ldd", binary], check=True, capture_output=True, text=True).stdout
    assert "libuv" not in ldd and "libsqlite3" not in ldd, ldd


def test_one_version_everywhere(tmp_path):
    version = repo_version()
    assert connect_mock.__version__ == version
    out = subprocess.run([SCRIPT, "--version"], check=True, capture_output=True, text=True).stdout
    assert out.strip() == f"connect-mock {version}"
    wheels = glob.glob(os.path.join(REPO, "dist", f"connect_mock-{version}-py3-none-manylinux_*_x86_64.whl"))
    assert len(wheels) == 1, wheels
    with zipfile.ZipFile(wheels[0]) as z:
        meta = z.read(f"connect_mock-{version}.dist-info/METADATA").decode()
    assert f"\nVersion: {version}\n" in meta


def test_the_wheel_names_its_glibc_and_keeps_the_binary_mode():
    version = repo_version()
    (wheel,) = glob.glob(os.path.join(REPO, "dist", f"connect_mock-{version}-*.whl"))
    major, minor = os.confstr("CS_GNU_LIBC_VERSION").split()[1].split(".")[:2]
    assert wheel.endswith(f"-py3-none-manylinux_{major}_{minor}_x86_64.whl")
    with zipfile.ZipFile(wheel) as z:
        info = z.getinfo("connect_mock/bin/connect-mock")
        assert (info.external_attr >> 16) & 0o777 == 0o755
        record = z.read(f"connect_mock-{version}.dist-info/RECORD").decode().splitlines()
        names = set(z.namelist())
    listed = {line.split(",")[0] for line in record}
    assert listed == names
    assert all(line.split(",")[1].startswith("sha256=") for line in record if not line.endswith("RECORD,,"))


def test_the_python_defaults_are_the_shipped_config(tmp_path):
    """The binary's effective config from the package's defaults (written as JSON) is the same
    as from its built-in defaults (the shipped config.yaml), but for the seed folder."""
    import json
    from connect_mock._defaults import SEED_DATA, shipped_defaults
    (tmp_path / "defaults.json").write_text(json.dumps(shipped_defaults()))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECT_MOCK_")}

    def effective(*args):
        out = subprocess.run([connect_mock.BUNDLED_BINARY, "check-config", *args], cwd=tmp_path, env=env,
                             check=True, capture_output=True, text=True).stdout
        return json.loads(out)

    ours, builtin = effective("--config", "defaults.json"), effective()
    assert ours["seed"]["fixtures"] == [SEED_DATA]
    ours["seed"]["fixtures"] = ["seed-data"]
    assert ours == builtin
    assert sorted(os.listdir(SEED_DATA)) == sorted(os.listdir(os.path.join(REPO, "seed-data")))


@pytest.mark.parametrize("example", ["test_user_example.py", "test_user_unfolding.py"])
def test_the_readme_shows_the_user_examples_as_they_run_here(example):
    """README's pytest examples are these files (less their docstrings), which this suite runs."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, example)) as f:
        code = f.read().split('"""', 2)[2].lstrip("\n")
    with open(os.path.join(REPO, "README.md")) as f:
        blocks = re.findall(r"```python\n(.*?)```", f.read(), re.S)
    assert code in blocks
