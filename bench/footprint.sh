#!/usr/bin/env bash
# bench/footprint.sh: peak RSS of `run`, smallest memory cgroup limit that still runs
# /bin/true, and binary size, for crun, runc and hull-runtime, by the shared yardstick
# (../shared/bench/footprint.sh beside the repo). Builds hull first if needed. Run as root.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${HULL_SHARED:-$(cd "$repo/.." && pwd)/shared}
yardstick=$shared/bench/footprint.sh
[ -f "$yardstick" ] || { echo "bench: $yardstick not found (shared/ must sit beside the repo)" >&2; exit 1; }
BUILD=${BUILD:-$repo/build}
case $BUILD in /*) ;; *) BUILD=$repo/$BUILD ;; esac
log=$(mktemp)
if [ ! -f "$BUILD/build.ninja" ]; then meson setup "$BUILD" >"$log" 2>&1 || { cat "$log"; rm -f "$log"; exit 1; }; fi
ninja -C "$BUILD" >"$log" 2>&1 || { cat "$log"; rm -f "$log"; exit 1; }
rm -f "$log"
[ $# -eq 0 ] || { echo "usage: bench/footprint.sh (no options)" >&2; exit 2; }
exec bash "$yardstick" /usr/bin/crun /usr/sbin/runc "$BUILD/src/hull-runtime/hull-runtime"
