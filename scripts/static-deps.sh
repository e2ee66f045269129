#!/usr/bin/env bash
# Writes DIR/libuv.pc and DIR/sqlite3.pc naming DIR first, and links DIR/libuv.a and
# DIR/libsqlite3.a to Debian's static archives (libuv1-dev ships libuv_a.a, libsqlite3-dev
# libsqlite3.a). A release build run with PKG_CONFIG_PATH=DIR then links both libraries
# statically: SwiftPM puts a systemLibrary's pkg-config -L flags before the toolchain's
# library folders, and the linker takes the first folder holding libuv.* (here only the .a).
# Package.swift and its systemLibrary targets stay as they are; no unsafeFlags.
#   usage: scripts/static-deps.sh DIR
set -euo pipefail
dir=${1:?usage: static-deps.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
libdir=$(pkg-config --variable=libdir libuv 2>/dev/null || echo /usr/lib/x86_64-linux-gnu)

find_archive() { # first existing file among the names given, in $libdir
    for name in "$@"; do
        if [ -f "$libdir/$name" ]; then echo "$libdir/$name"; return 0; fi
    done
    echo "static-deps.sh: none of $* in $libdir (install libuv1-dev and libsqlite3-dev)" >&2
    return 1
}
uv=$(find_archive libuv_a.a libuv.a)
sqlite=$(find_archive libsqlite3.a)
ln -sfn "$uv" "$dir/libuv.a"
ln -sfn "$sqlite" "$dir/libsqlite3.a"

# libuv.a needs pthread, dl and rt (part of libc since glibc 2.34); libsqlite3.a needs libm.
# Debian's sqlite3.pc also names -lz in Libs.private, but its libsqlite3.a uses no zlib symbol.
cat > "$dir/libuv.pc" <<PC
Name: libuv
Description: libuv from $uv, linked statically
Version: $(pkg-config --modversion libuv 2>/dev/null || echo 0)
Libs: -L$dir -luv -lpthread -ldl -lrt
Cflags:
PC
cat > "$dir/sqlite3.pc" <<PC
Name: SQLite
Description: SQLite from $sqlite, linked statically
Version: $(pkg-config --modversion sqlite3 2>/dev/null || echo 0)
Libs: -L$dir -lsqlite3 -lm
Cflags:
PC
echo "$dir"
