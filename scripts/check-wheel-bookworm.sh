#!/usr/bin/env bash
# Proof that the wheel needs nothing but python3 (`make wheel-bookworm`; not part of `make test`):
#  1. a bare Debian bookworm root made by debootstrap (minbase, plus python3 and python3-venv:
#     no libuv, no Swift; python3's standard library brings libsqlite3-0 for its sqlite3 module);
#  2. in it, a fresh virtual environment, the wheel installed with pip, and boto3 from
#     e2e/requirements.lock (downloaded here by pip, installed there with --no-index --no-deps:
#     the root itself needs no network);
#  3. libsqlite3.so.0 moved out of the root's library folders, so nothing could load it;
#  4. `connect-mock serve` (the console script) answers a DescribeContact signed by boto3, and
#     connect_mock.Server() does the same; then the library is put back.
# Needs root, debootstrap, and network to Debian's mirror (the one apt uses here) and PyPI.
#   usage: scripts/check-wheel-bookworm.sh WHEEL [ROOT]   (ROOT default .build-wheel/bookworm, reused)
set -euo pipefail
cd "$(dirname "$0")/.."
wheel=$(readlink -f "${1:?usage: check-wheel-bookworm.sh WHEEL [ROOT]}")
root=$(mkdir -p "${2:-.build-wheel/bookworm}" && readlink -f "${2:-.build-wheel/bookworm}")

if [ ! -x "$root/usr/bin/python3" ]; then
    command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }
    mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    [ -n "$mirror" ] || mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list)
    debootstrap --variant=minbase --include=python3,python3-venv bookworm "$root" "$mirror"
fi

lib="$root/usr/lib/x86_64-linux-gnu"
hidden="$root/root/hidden-libs"
cleanup() {
    if [ -d "$hidden" ]; then mv "$hidden"/* "$lib"/ 2>/dev/null || true; rmdir "$hidden"; chroot "$root" ldconfig; fi
    umount "$root/proc" 2>/dev/null || true
}
trap cleanup EXIT
# debootstrap made the root's device nodes; only /proc is mounted (never the host's /dev).
mount -t proc proc "$root/proc"

rm -rf "$root"/tmp/*.whl "$root/tmp/wheels"
cp "$wheel" "$root/tmp/"
grep -E '^(boto3|botocore|s3transfer|jmespath|python-dateutil|six|urllib3)==' e2e/requirements.lock > "$root/tmp/boto3.txt"
python3 -m pip download -q --disable-pip-version-check --no-deps --only-binary :all: -d "$root/tmp/wheels" -r "$root/tmp/boto3.txt"
cat > "$root/tmp/probe.py" <<'PY'
import os, signal, subprocess, sys, tempfile
import boto3, connect_mock

INSTANCE, CONTACT = "8c7f1a52-4b3e-4f0e-9d1a-2f6b7c8d9e01", "c0ffee00-1111-4a2b-9c3d-000000000001"
script = os.path.join(os.path.dirname(sys.executable), "connect-mock")
folder = tempfile.mkdtemp()
proc = subprocess.Popen([script, "serve", "--port", "0", "--database", ":memory:"], cwd=folder,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
line = proc.stdout.readline()
print("serve:", line.strip() or proc.stderr.read())
url = line.split(" on ", 1)[1].strip()
connect = boto3.client("connect", endpoint_url=url, region_name="us-east-1", aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                       aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
contact = connect.describe_contact(InstanceId=INSTANCE, ContactId=CONTACT)["Contact"]
print("signed DescribeContact via the console script's server:", contact["Id"], contact["Channel"])
proc.send_signal(signal.SIGTERM)
print("serve exited with", proc.wait(timeout=15))
with connect_mock.Server() as server:
    contact = server.client().describe_contact(InstanceId=INSTANCE, ContactId=CONTACT)["Contact"]
    print("signed DescribeContact via connect_mock.Server():", server.endpoint_url, contact["Id"])
print("Server() stopped with", server.returncode)
sys.exit(0 if proc.returncode == 0 and server.returncode == 0 else 1)
PY

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
echo "== the root: $(in_root sh -c '. /etc/os-release; echo "$PRETTY_NAME"'), $(in_root python3 --version)"
echo "== Debian packages matching uv, sqlite or swift:"
in_root dpkg-query -W -f '${Package} ${Version}\n' | grep -Ei 'uv|sqlite|swift' || echo "   none"
in_root sh -c 'rm -rf /opt/venv && python3 -m venv /opt/venv'
in_root /opt/venv/bin/pip install -q --disable-pip-version-check --no-index --no-deps --find-links /tmp/wheels -r /tmp/boto3.txt
in_root /opt/venv/bin/pip install -q --disable-pip-version-check --no-index --no-deps /tmp/"$(basename "$wheel")"
in_root /opt/venv/bin/pip check

mkdir -p "$hidden"
mv "$lib"/libsqlite3.so* "$hidden"/
in_root ldconfig
echo "== libraries the root's loader knows matching libuv or libsqlite (after hiding libsqlite3):"
in_root sh -c 'ldconfig -p | grep -E "libuv|libsqlite" || echo "   none"'
binary=$(in_root /opt/venv/bin/python -c 'import connect_mock; print(connect_mock.BUNDLED_BINARY)')
echo "== ldd $binary (in the root):"
in_root ldd "$binary"
echo "== connect-mock --version: $(in_root /opt/venv/bin/connect-mock --version)"
in_root /opt/venv/bin/python /tmp/probe.py
echo "== check-wheel-bookworm: passed"
