#!/usr/bin/env bash
# Static checks of the image that need no Docker engine:
#  1. hadolint finds nothing in docker/Dockerfile;
#  2. the image's binary is built with `make release`'s flags (the second argument) and, as
#     `make release` does, with libuv and SQLite linked statically (scripts/static-deps.sh), so
#     the binary checked here is the one the image ships;
#  3. every library the release binary links (ldd) comes from a package the runtime stage
#     installs or that debian:bookworm-slim already has;
#  4. the image's version label is the repository's VERSION.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/release/connect-mock}
FLAGS=${2:?usage: check-docker.sh BINARY "RELEASE FLAGS"}

hadolint docker/Dockerfile
echo "hadolint: docker/Dockerfile clean"

if ! grep -qF -- "PKG_CONFIG_PATH=\"\$(scripts/static-deps.sh /tmp/static-deps)\" swift build $FLAGS " docker/Dockerfile; then
    echo "docker/Dockerfile does not run 'PKG_CONFIG_PATH=\"\$(scripts/static-deps.sh ...)\" swift build $FLAGS' as make release does" >&2
    exit 1
fi
echo "docker/Dockerfile: built with make release's flags ($FLAGS), libuv and SQLite static"

version=$(tr -d '[:space:]' < VERSION)
if ! grep -qxF "LABEL org.opencontainers.image.version=\"$version\"" docker/Dockerfile; then
    echo "docker/Dockerfile: no LABEL org.opencontainers.image.version=\"$version\" (VERSION)" >&2
    exit 1
fi
echo "docker/Dockerfile: labelled version $version"

runtime=$(sed -n '/^FROM debian:bookworm-slim/,$p' docker/Dockerfile | { grep -o 'install -y --no-install-recommends [^\\&]*' || true; } | sed 's/.*recommends //')
# Packages every debian:bookworm-slim image carries (essential set and apt's own dependencies).
base="libc6 libgcc-s1 libstdc++6 zlib1g libzstd1 liblzma5 libbz2-1.0 libcrypt1 libselinux1 libpcre2-8-0 libmd0 libacl1 libattr1 libgmp10"
fail=0
while read -r lib path; do
    [ -z "$path" ] && continue
    pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1 || true)
    [ -z "$pkg" ] && pkg=$(dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1 || true)
    if [[ " $runtime $base " == *" $pkg "* ]]; then
        echo "ldd: $lib from $pkg: provided"
    else
        echo "ldd: $lib from ${pkg:-an unknown package} is not installed by the runtime stage" >&2
        fail=1
    fi
done < <(ldd "$BIN" | awk '/=>/ {print $1, $3}')
exit $fail
