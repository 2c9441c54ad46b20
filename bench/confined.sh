#!/usr/bin/env bash
# bench/confined.sh [-n PER_ROUND] [-r ROUNDS]: start-up time of a fully confined container,
# crun against hull-runtime with the same config: the shared yardstick's busybox bundle (crun
# spec's masked and read-only paths, runc's default capabilities, noNewPrivileges) plus
# podman's default seccomp profile as podman passes it (bench/oci-seccomp.jq over
# /usr/share/containers/seccomp.json: about 430 syscalls, three architectures). Sequential
# `run` of /bin/true, runtimes interleaved round by round, in a private mount namespace with a
# hybrid host's cgroup2 mount hidden (Debian's crun 1.8 refuses hybrid hosts). Prints the
# median ms/container over rounds and the ratio to crun. Run as root.
set -euo pipefail
n=20 r=5
while getopts n:r: o; do
  case $o in
    n) n=$OPTARG ;;
    r) r=$OPTARG ;;
    *) echo "usage: bench/confined.sh [-n PER_ROUND] [-r ROUNDS]" >&2; exit 2 ;;
  esac
done
. "$(dirname "$0")/common.sh" bench/mkbundle.sh
profile=/usr/share/containers/seccomp.json
[ -f "$profile" ] || { echo "bench: $profile not found (Debian's containers-common, with podman)" >&2; exit 1; }

bench_bundle
jq --slurpfile p <(jq -f "$repo/bench/oci-seccomp.jq" "$profile") '.linux.seccomp = $p[0]' \
  "$work/b/config.json" >"$work/b/config.json.new"
mv "$work/b/config.json.new" "$work/b/config.json"
echo "seccomp: $(jq '[.linux.seccomp.syscalls[].names | length] | add' "$work/b/config.json") syscalls in the profile"
export BUNDLE="$work/b" N=$n R=$r
{ declare -f bench_report; cat <<'INNER'
set -euo pipefail
if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi
declare -A samples
for ((round = 0; round < R; round++)); do
  for rt in "$@"; do
    start=$(date +%s%N)
    for ((i = 0; i < N; i++)); do
      "$rt" --root "$BUNDLE/state" run --bundle "$BUNDLE" "c$round-$i" </dev/null >/dev/null
    done
    end=$(date +%s%N)
    samples[$rt]+="$(( (end - start) / N / 1000 )) "
  done
done
bench_report container "$@"
INNER
} | unshare -m --propagation private bash -s /usr/bin/crun "$HULL"
