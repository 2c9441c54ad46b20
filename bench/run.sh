#!/usr/bin/env bash
# bench/run.sh: `hull run --rm IMAGE true` against `podman run --rm IMAGE true` (podman with
# runc: Debian's crun 1.8 refuses this hybrid cgroup host), rounds interleaved. The image is
# the project's busybox, imported into hull, pushed to a local registry (Debian's
# docker-registry on 127.0.0.1, started here and stopped on exit) and pulled from there by
# both first, so both run the same image from their own stores.
#     bash bench/run.sh [-n PER_ROUND] [-r ROUNDS]      # defaults: -n 10 -r 5
# podman runs with --network none: hull's default network is a private namespace with
# loopback only, which is what --network none gives podman. podman-bridge is podman with its
# own default (a netavark bridge), for reference; ratios are to podman with --network none.
# Needs root, docker-registry, podman, runc, curl.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$repo/build}
case $BUILD in /*) ;; *) BUILD=$repo/$BUILD ;; esac
HULLBIN=$BUILD/src/hull/hull
N=10 ROUNDS=5
while getopts n:r: o; do
  case $o in n) N=$OPTARG ;; r) ROUNDS=$OPTARG ;; *) exit 2 ;; esac
done
[ -x "$HULLBIN" ] || { echo "bench: $HULLBIN missing: build first (ninja -C build)" >&2; exit 1; }
for t in docker-registry podman runc curl; do
  command -v $t >/dev/null || { echo "bench: $t is not installed" >&2; exit 1; }
done
RUNC=$(command -v runc)

work=$(mktemp -d /var/tmp/hull-bench-run.XXXXXX)
reg_pid=
cleanup() {
  [ -z "$reg_pid" ] || { kill "$reg_pid" 2>/dev/null; wait "$reg_pid" 2>/dev/null || true; }
  "$HULLBIN" --root "$work/hull" --runroot "$work/hullrun" rm -af >/dev/null 2>&1 || true
  podman --root "$work/podman" --runroot "$work/podmanrun" rm -af >/dev/null 2>&1 || true
  umount -R "$work/podman/overlay" 2>/dev/null || true
  rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT

# --- the registry and the image -------------------------------------------------------------
. "$repo/bench/registry.sh"
bench_registry "$work"

bash "$repo/tests/fixtures/mkrootfs.sh" "$work/rootfs" >/dev/null
tar -C "$work/rootfs" --numeric-owner -cf "$work/rootfs.tar" .
REF=$REG/bench/busybox:latest
H() { "$HULLBIN" --root "$work/hull" --runroot "$work/hullrun" "$@"; }
H import --change 'CMD=["/bin/sh"]' "$work/rootfs.tar" "$REF" >/dev/null
H push --quiet --tls-verify=false "$REF" >/dev/null
H rmi "$REF" >/dev/null
H pull --quiet --tls-verify=false "$REF" >/dev/null

# podman: cgroupfs (no systemd here), no events, ulimits within this host's hard limits
export CONTAINERS_CONF=$work/containers.conf CONTAINERS_REGISTRIES_CONF=$work/registries.conf
printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "none"\n[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n' \
  >"$CONTAINERS_CONF"
echo 'unqualified-search-registries = []' >"$CONTAINERS_REGISTRIES_CONF"
P() { podman --root "$work/podman" --runroot "$work/podmanrun" --runtime "$RUNC" "$@"; }
P pull --quiet --tls-verify=false "$REF" >/dev/null

# each once, so both are warm and both work
H run --rm "$REF" true 2>/dev/null || { echo "bench: hull run failed" >&2; H run --rm "$REF" true; exit 1; }
P run --rm --network none "$REF" true || { echo "bench: podman run failed" >&2; exit 1; }

# --- the rounds ----------------------------------------------------------------------------
now() { date +%s%N; }
run_hull() { for _ in $(seq "$N"); do H run --rm "$REF" true 2>/dev/null; done; }
run_podman() { for _ in $(seq "$N"); do P run --rm --network none "$REF" true; done; }
run_podman-bridge() { for _ in $(seq "$N"); do P run --rm "$REF" true 2>/dev/null; done; }
tools=(podman hull)
# the bridge only where podman's default network works here
if P run --rm "$REF" true >/dev/null 2>&1; then tools+=(podman-bridge); fi
declare -A times
for r in $(seq "$ROUNDS"); do
  for t in "${tools[@]}"; do
    t0=$(now)
    "run_$t"
    t1=$(now)
    times[$t]+="$(((t1 - t0) / N / 1000)) "
  done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
p=$(echo "${times[podman]}" | median)
printf 'hull run --rm vs podman run --rm --network none (runtime %s), %d per round, %d rounds\n' "$RUNC" "$N" "$ROUNDS"
for t in "${tools[@]}"; do
  m=$(echo "${times[$t]}" | median)
  printf '%-14s %8.2f ms/container  (%.2fx podman)  rounds(us): %s\n' "$t" "$(echo "$m / 1000" | bc -l)" \
    "$(echo "$m / $p" | bc -l)" "${times[$t]}"
done
