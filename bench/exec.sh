#!/usr/bin/env bash
# bench/exec.sh [-n N] [-r ROUNDS]: the time of `RUNTIME exec ID true` into a running
# container, for crun, runc and hull-runtime, interleaved round by round (each round: N execs
# per runtime, back to back). Each runtime gets its own container (the shared yardstick's
# busybox bundle, running sleep), made in a private mount namespace with a hybrid host's
# cgroup2 mount hidden (for Debian's crun 1.8), as the shared yardsticks do. Prints the median
# over rounds of ms per exec, and the ratio to the first runtime. Builds hull first if needed.
# Run as root.
set -euo pipefail
n=20 rounds=7
while getopts n:r: o; do
  case $o in
    n) n=$OPTARG ;;
    r) rounds=$OPTARG ;;
    *) echo "usage: bench/exec.sh [-n EXECS_PER_ROUND] [-r ROUNDS]" >&2; exit 2 ;;
  esac
done
. "$(dirname "$0")/common.sh" bench/mkbundle.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash "$shared/bench/mkbundle.sh" "$work/b" sleep 1000 >/dev/null
export BUNDLE="$work/b" N=$n ROUNDS=$rounds
{ declare -f bench_report; cat <<'INNER'
set -euo pipefail
if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi
i=0
declare -A id samples
for rt in "$@"; do
  id[$rt]=bexec$$-$i; i=$((i + 1))
  "$rt" --root "$BUNDLE/state" run --detach --bundle "$BUNDLE" "${id[$rt]}" </dev/null >/dev/null
done
cleanup() { for rt in "$@"; do "$rt" --root "$BUNDLE/state" delete --force "${id[$rt]}" >/dev/null 2>&1 || true; done; }
trap 'cleanup "$@"' EXIT
for ((round = 0; round < ROUNDS; round++)); do
  for rt in "$@"; do
    start=$(date +%s%N)
    for ((k = 0; k < N; k++)); do
      "$rt" --root "$BUNDLE/state" exec "${id[$rt]}" true </dev/null >/dev/null
    done
    end=$(date +%s%N)
    samples[$rt]+="$(( (end - start) / N / 1000 )) "
  done
done
bench_report exec "$@"
INNER
} | unshare -m --propagation private bash -s /usr/bin/crun /usr/sbin/runc "$HULL"
