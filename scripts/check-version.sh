#!/usr/bin/env bash
# The repository's VERSION file is the one place the version is written. This checks that every
# copy follows it: the Swift constant behind `connect-mock --version` and the mock API's health
# answer, and the Docker image's label (the wheel's name and the Python package's __version__
# are read from VERSION by python/build_wheel.py, and the package's tests compare them with the
# binary's --version). With --write, it rewrites the copies from VERSION instead.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(tr -d '[:space:]' < VERSION)
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([.-]?[A-Za-z0-9.]+)?$ ]] || { echo "VERSION: not a version: '$version'" >&2; exit 1; }

# file, what the line holding the version looks like (a sed regex with the version as (...))
copies=(
    'Sources/ConnectMock/Version.swift|^public let connectMockVersion = "([^"]*)"$'
    'docker/Dockerfile|^LABEL org.opencontainers.image.version="([^"]*)"$'
)
fail=0
for entry in "${copies[@]}"; do
    file=${entry%%|*}
    pattern=${entry#*|}
    found=$(sed -nE "s/${pattern}/\\1/p" "$file")
    if [ -z "$found" ]; then
        echo "$file: no line matching $pattern" >&2
        fail=1
    elif [ "$found" != "$version" ]; then
        if [ "${1:-}" = "--write" ]; then
            prefix=${pattern#^}; prefix=${prefix%%\"*}
            sed -i -E "s/${pattern}/${prefix}\"${version}\"/" "$file"
            echo "$file: $found -> $version"
        else
            echo "$file: version $found, but VERSION says $version (scripts/check-version.sh --write)" >&2
            fail=1
        fi
    else
        echo "$file: $version"
    fi
done
exit $fail
