#!/usr/bin/env bash
# bench/footprint.sh: peak RSS of `run`, smallest memory cgroup limit that still runs
# /bin/true, and binary size, for crun, runc and hull-runtime, by the shared yardstick
# (../shared/bench/footprint.sh beside the repo). Builds hull first if needed. Run as root.
set -euo pipefail
. "$(dirname "$0")/common.sh" bench/footprint.sh
[ $# -eq 0 ] || { echo "usage: bench/footprint.sh (no options)" >&2; exit 2; }
exec bash "$shared/bench/footprint.sh" /usr/bin/crun /usr/sbin/runc "$HULL"
