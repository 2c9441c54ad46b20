#!/usr/bin/env bash
# bench/coldstart.sh [-r ROUNDS] [-p PAUSE_S]: the start-up time of ONE container on an idle
# host, which is what a user waits for, for crun, runc, hull-runtime and the kernel floor.
# Each round pauses (default 0.3 s), then times a single `RUNTIME run` of /bin/true, the
# runtimes interleaved within each round. Back-to-back runs (bench/startup.sh) hide costs that
# only an idle host pays: on cgroup v1 the first process moved into a cgroup waits for an RCU
# grace period (10-20 ms), while runs a few ms apart find it already paid.
# Same bundle (../shared/bench/mkbundle.sh) and conditions (a private mount namespace with a
# hybrid host's cgroup2 mount hidden, for Debian's crun 1.8) as the shared yardsticks. Builds
# hull first if needed. Prints the median and the 90th percentile per runtime, and the ratio of
# medians to crun. Run as root.
set -euo pipefail
rounds=15 pause=0.3
while getopts r:p: o; do
  case $o in
    r) rounds=$OPTARG ;;
    p) pause=$OPTARG ;;
    *) echo "usage: bench/coldstart.sh [-r ROUNDS] [-p PAUSE_SECONDS]" >&2; exit 2 ;;
  esac
done
. "$(dirname "$0")/common.sh" bench/mkbundle.sh

bench_bundle
gcc -O2 -o "$work/floor" "$shared/bench/floor.c"
export BUNDLE="$work/b" FLOOR="$work/floor" ROUNDS=$rounds PAUSE=$pause
unshare -m --propagation private bash -s /usr/bin/crun /usr/sbin/runc "$HULL" floor <<'INNER'
set -euo pipefail
if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi
declare -A samples
for ((round = 0; round < ROUNDS; round++)); do
  for rt in "$@"; do
    sleep "$PAUSE"
    start=$(date +%s%N)
    if [ "$rt" = floor ]; then "$FLOOR" "$BUNDLE/rootfs" </dev/null
    else "$rt" --root "$BUNDLE/state" run --bundle "$BUNDLE" "cold$round" </dev/null >/dev/null; fi
    end=$(date +%s%N)
    samples[$rt]+="$(( (end - start) / 1000 )) "
  done
done
first=""
for rt in "$@"; do
  read -r med p90 < <(printf '%s\n' ${samples[$rt]} | sort -n |
    awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)], a[int(NR * 0.9 + 0.5)] }')
  [ -n "$first" ] || first=$med
  awk -v rt="$rt" -v m="$med" -v p="$p90" -v f="$first" \
    'BEGIN { printf "%-28s %7.2f ms median  %7.2f ms p90  (%.2fx first)\n", rt, m / 1000, p / 1000, m / f }'
done
INNER
