#!/usr/bin/env python3
"""Builds dist/connect_mock-<VERSION>-py3-none-manylinux_<glibc>_x86_64.whl with the standard
library only: zipfile, a RECORD with sha256 digests, WHEEL, METADATA and entry_points.txt.

    python/build_wheel.py --binary .build/release/connect-mock [--out dist]

The wheel holds the Python package python/connect_mock, a stripped copy of the release binary
as connect_mock/bin/connect-mock (mode 0755, kept through the zip's external attributes), and
the repository's seed-data/ and config.yaml under connect_mock/data/, with defaults.json (the
binary's effective config from that config.yaml, which the package's defaults are read from).
The version is the repository's VERSION file; the platform tag is this machine's glibc (the
binary was linked against it). The builder refuses a binary that needs a shared library outside the manylinux
policy's list, or a glibc symbol newer than the tag. Entries are sorted and dated from
SOURCE_DATE_EPOCH (default: 1980-01-01), so the same inputs give the same bytes.
"""
import argparse
import base64
import hashlib
import io
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME = "connect_mock"
# The libraries the manylinux policies allow for x86_64 that this binary may need: glibc's own
# (libc, libm, libpthread, libdl, librt, the loader) and the compiler's runtimes.
ALLOWED = {"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "ld-linux-x86-64.so.2",
           "libstdc++.so.6", "libgcc_s.so.1"}


def glibc_version():
    name, version = os.confstr("CS_GNU_LIBC_VERSION").split()  # "glibc 2.36"
    assert name == "glibc", name
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


def needed_libraries(binary):
    out = subprocess.run(["readelf", "-d", binary], check=True, capture_output=True, text=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def newest_glibc_symbol(binary):
    out = subprocess.run(["readelf", "--version-info", "-W", binary], check=True, capture_output=True, text=True).stdout
    versions = [tuple(int(p) for p in v.split(".")) for v in re.findall(r"Name: GLIBC_([0-9.]+)", out)]
    return max(versions) if versions else (0, 0)


def check_binary(binary, tag_glibc, shown):
    needed = needed_libraries(binary)
    outside = [lib for lib in needed if lib not in ALLOWED]
    if outside:
        sys.exit(f"build_wheel.py: {shown} needs {', '.join(outside)}, outside the manylinux policy "
                 f"({', '.join(sorted(ALLOWED))}); was it linked with scripts/static-deps.sh (make release)?")
    newest = newest_glibc_symbol(binary)
    if newest[:2] > tag_glibc:
        sys.exit(f"build_wheel.py: {shown} needs GLIBC_{'.'.join(map(str, newest))}, newer than the tag's glibc")
    return needed, newest


def record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{arcname},sha256={digest},{len(data)}"


def metadata(version):
    readme = ("connect-mock: a local Amazon Connect DescribeContact endpoint with real SigV4 checks, "
              "for integration tests.\n\nThis wheel bundles the connect-mock binary (libuv and SQLite linked "
              "statically) and a Python package: the `connect-mock` command, `connect_mock.Server` and a "
              "pytest plugin (fixtures `connect_mock_server` and `connect_mock`). See docs/python.md in the "
              "repository.\n")
    return "\n".join([
        "Metadata-Version: 2.1",
        "Name: connect-mock",
        f"Version: {version}",
        "Summary: A local Amazon Connect DescribeContact mock with SigV4 checks, and a pytest plugin",
        "Classifier: Framework :: Pytest",
        "Classifier: Operating System :: POSIX :: Linux",
        "Classifier: Programming Language :: Python :: 3",
        "Classifier: Topic :: Software Development :: Testing :: Mocking",
        "Requires-Python: >=3.8",
        "Provides-Extra: boto3",
        'Requires-Dist: boto3>=1.31.0; extra == "boto3"',
        "Provides-Extra: yaml",
        'Requires-Dist: PyYAML>=5.1; extra == "yaml"',
        "Description-Content-Type: text/markdown",
        "",
        readme,
    ])


def shipped_defaults_json(binary):
    """The binary's effective config from the repository's config.yaml, secrets included, as the
    package's defaults (connect_mock/_defaults.py reads it): asked of the binary rather than
    written out here, so config.yaml stays their one source."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECT_MOCK_")}
    out = subprocess.run([binary, "check-config", "--config", os.path.join(REPO, "config.yaml"), "--show-secrets"],
                         cwd=REPO, env=env, check=True, capture_output=True).stdout
    return out if out.endswith(b"\n") else out + b"\n"


ENTRY_POINTS = """[console_scripts]
connect-mock = connect_mock.__main__:main

[pytest11]
connect_mock = connect_mock.pytest_plugin
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="the release binary (make release)")
    parser.add_argument("--out", default=os.path.join(REPO, "dist"))
    parser.add_argument("--no-strip", action="store_true", help="bundle the binary as built")
    args = parser.parse_args()

    if platform.machine() != "x86_64":
        sys.exit(f"build_wheel.py: only x86_64 is built here, this is {platform.machine()}")
    with open(os.path.join(REPO, "VERSION"), encoding="utf-8") as f:
        version = f.read().strip()
    major, minor = glibc_version()
    tag = f"py3-none-manylinux_{major}_{minor}_x86_64"
    dist_info = f"{NAME}-{version}.dist-info"
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))
    date_time = max((1980, 1, 1, 0, 0, 0), tuple(time.gmtime(epoch)[:6]))

    with tempfile.TemporaryDirectory() as tmp:
        binary = os.path.join(tmp, "connect-mock")
        shutil.copyfile(args.binary, binary)
        if not args.no_strip:
            subprocess.run(["strip", "--strip-all", binary], check=True)
        needed, newest = check_binary(binary, (major, minor), args.binary)
        with open(binary, "rb") as f:
            binary_bytes = f.read()

        files = []  # (arcname, bytes, mode)
        package = os.path.join(REPO, "python", NAME)
        for name in sorted(os.listdir(package)):
            if name.endswith(".py") and name != "_version.py":
                with open(os.path.join(package, name), "rb") as f:
                    files.append((f"{NAME}/{name}", f.read(), 0o644))
        files.append((f"{NAME}/_version.py", f'__version__ = "{version}"\n'.encode(), 0o644))
        files.append((f"{NAME}/bin/connect-mock", binary_bytes, 0o755))
        with open(os.path.join(REPO, "config.yaml"), "rb") as f:
            files.append((f"{NAME}/data/config.yaml", f.read(), 0o644))
        files.append((f"{NAME}/data/defaults.json", shipped_defaults_json(args.binary), 0o644))
        seed = os.path.join(REPO, "seed-data")
        for root, dirs, names in os.walk(seed):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(root, name)
                with open(path, "rb") as f:
                    files.append((f"{NAME}/data/seed-data/" + os.path.relpath(path, seed).replace(os.sep, "/"), f.read(), 0o644))
        files.append((f"{dist_info}/METADATA", metadata(version).encode(), 0o644))
        files.append((f"{dist_info}/WHEEL", (f"Wheel-Version: 1.0\nGenerator: connect-mock build_wheel.py\n"
                                             f"Root-Is-Purelib: false\nTag: {tag}\n").encode(), 0o644))
        files.append((f"{dist_info}/entry_points.txt", ENTRY_POINTS.encode(), 0o644))
        files.append((f"{dist_info}/top_level.txt", f"{NAME}\n".encode(), 0o644))
        record = "\n".join(record_line(a, d) for a, d, _ in files) + f"\n{dist_info}/RECORD,,\n"
        files.append((f"{dist_info}/RECORD", record.encode(), 0o644))

        os.makedirs(args.out, exist_ok=True)
        wheel = os.path.join(args.out, f"{NAME}-{version}-{tag}.whl")
        partial = wheel + ".partial"
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            for arcname, data, mode in files:
                info = zipfile.ZipInfo(arcname, date_time=date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = (0o100000 | mode) << 16  # a regular file with its permission bits
                info.create_system = 3  # Unix, so installers read the mode
                z.writestr(info, data)
        os.replace(partial, wheel)

    print(wheel)
    print(f"  {os.path.getsize(wheel):,} bytes; binary {len(binary_bytes):,} bytes stripped, "
          f"needs {', '.join(needed)}; newest glibc symbol GLIBC_{'.'.join(map(str, newest))}", file=sys.stderr)


if __name__ == "__main__":
    main()
