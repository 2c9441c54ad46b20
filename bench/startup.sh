#!/usr/bin/env bash
# bench/startup.sh [-n PER_ROUND] [-r ROUNDS]: container start-up time of crun, runc,
# hull-runtime and the kernel floor, measured by the shared yardstick
# (../shared/bench/startup.sh beside the repo). crun comes first, so the ratios printed are
# relative to crun. Builds hull first if needed. Run as root.
set -euo pipefail
. "$(dirname "$0")/common.sh" bench/startup.sh
opts=()
while getopts n:r: o; do
  case $o in
    n|r) opts+=("-$o" "$OPTARG") ;;
    *) echo "usage: bench/startup.sh [-n PER_ROUND] [-r ROUNDS]" >&2; exit 2 ;;
  esac
done
exec bash "$shared/bench/startup.sh" "${opts[@]}" /usr/bin/crun /usr/sbin/runc "$HULL" floor
