#!/usr/bin/env bash
# bench/startup.sh [-n PER_ROUND] [-r ROUNDS]: container start-up time of crun, runc,
# hull-runtime and the kernel floor, measured by the shared yardstick
# (../shared/bench/startup.sh beside the repo). crun comes first, so the ratios printed are
# relative to crun. Builds hull first if needed. Run as root.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${HULL_SHARED:-$(cd "$repo/.." && pwd)/shared}
yardstick=$shared/bench/startup.sh
[ -x "$yardstick" ] || [ -f "$yardstick" ] || { echo "bench: $yardstick not found (shared/ must sit beside the repo)" >&2; exit 1; }
BUILD=${BUILD:-$repo/build}
case $BUILD in /*) ;; *) BUILD=$repo/$BUILD ;; esac
log=$(mktemp)
if [ ! -f "$BUILD/build.ninja" ]; then meson setup "$BUILD" >"$log" 2>&1 || { cat "$log"; rm -f "$log"; exit 1; }; fi
ninja -C "$BUILD" >"$log" 2>&1 || { cat "$log"; rm -f "$log"; exit 1; }
rm -f "$log"
opts=()
while getopts n:r: o; do
  case $o in
    n|r) opts+=("-$o" "$OPTARG") ;;
    *) echo "usage: bench/startup.sh [-n PER_ROUND] [-r ROUNDS]" >&2; exit 2 ;;
  esac
done
exec bash "$yardstick" "${opts[@]}" /usr/bin/crun /usr/sbin/runc "$BUILD/src/hull-runtime/hull-runtime" floor
