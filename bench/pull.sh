#!/usr/bin/env bash
# bench/pull.sh: pull + verify + unpack of a multi-layer image from a local registry
# (Debian's docker-registry on 127.0.0.1, started here and stopped on exit), three ways, each
# from an empty store every round, rounds interleaved:
#   hull     hull --root EMPTY pull --tls-verify=false REF        (layers unpacked, overlay style)
#   skopeo   skopeo copy docker://REF oci:EMPTY + umoci unpack     (a flat rootfs)
#   podman   podman pull --tls-verify=false REF, storage in EMPTY  (overlay driver, else vfs)
# The image: LAYERS gzip layers of MB megabytes each (half random, half compressible text),
# pushed once with skopeo (the defaults: about 210 MB uncompressed, 140 MB compressed). Then
# where hull's time goes: one more `hull pull --timings` (its own clocks: download thread and
# unpacking threads), and the same blobs one pass each by other programs: network (curl of
# every blob to /dev/null), sha256, gunzip.
#     bash bench/pull.sh [-r ROUNDS] [-l LAYERS] [-m MB]      # defaults: -r 3 -l 4 -m 50
# Needs root (owners, podman's storage), docker-registry, skopeo, umoci, podman, curl.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$repo/build}
case $BUILD in /*) ;; *) BUILD=$repo/$BUILD ;; esac
HULLBIN=$BUILD/src/hull/hull
ROUNDS=3 LAYERS=4 MB=50
while getopts r:l:m: o; do
  case $o in r) ROUNDS=$OPTARG ;; l) LAYERS=$OPTARG ;; m) MB=$OPTARG ;; *) exit 2 ;; esac
done
[ -x "$HULLBIN" ] || { echo "bench: $HULLBIN missing: build first (ninja -C build)" >&2; exit 1; }
for t in docker-registry skopeo umoci podman curl; do
  command -v $t >/dev/null || { echo "bench: $t is not installed" >&2; exit 1; }
done

work=$(mktemp -d /var/tmp/hull-bench-pull.XXXXXX)
reg_pid=
cleanup() {
  [ -z "$reg_pid" ] || { kill "$reg_pid" 2>/dev/null; wait "$reg_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT

# --- the registry ------------------------------------------------------------------------
. "$repo/bench/registry.sh"
bench_registry "$work"

# --- the image: an OCI layout made by hand, pushed once ------------------------------------
mk_layer() { # N: a directory of MB/2 random and MB/2 compressible megabytes
  local d=$work/src$1
  mkdir -p "$d/data"
  head -c $((MB * 1024 * 1024 / 2)) /dev/urandom >"$d/data/random-$1"
  (seq "$1" 7 100000000000 || true) | head -c $((MB * 1024 * 1024 / 2)) >"$d/data/text-$1" # gzip -1: about 1/4
  tar -C "$d" --sort=name --mtime=@0 --owner=0 --group=0 -cf - data | gzip -1 >"$work/layer$1.tar.gz"
  rm -rf "$d"
}
lay=$work/oci b=$work/oci/blobs/sha256
mkdir -p "$b"
layers_json= diffs_json= uncompressed=0
for n in $(seq "$LAYERS"); do
  mk_layer "$n"
  h=$(sha256sum <"$work/layer$n.tar.gz" | cut -d' ' -f1) s=$(stat -c %s "$work/layer$n.tar.gz")
  dh=$(gunzip -c "$work/layer$n.tar.gz" | sha256sum | cut -d' ' -f1)
  uncompressed=$((uncompressed + $(gunzip -c "$work/layer$n.tar.gz" | wc -c)))
  mv "$work/layer$n.tar.gz" "$b/$h"
  layers_json+="${layers_json:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$h\",\"size\":$s}"
  diffs_json+="${diffs_json:+,}\"sha256:$dh\""
done
printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[%s]}}' "$diffs_json" >"$work/c"
ch=$(sha256sum <"$work/c" | cut -d' ' -f1) cs=$(stat -c %s "$work/c")
mv "$work/c" "$b/$ch"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
  "$ch" "$cs" "$layers_json" >"$work/m"
mh=$(sha256sum <"$work/m" | cut -d' ' -f1) ms=$(stat -c %s "$work/m")
mv "$work/m" "$b/$mh"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}' \
  "$mh" "$ms" >"$lay/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$lay/oci-layout"
REF=$REG/bench/img:v1
skopeo copy --quiet --dest-tls-verify=false "oci:$lay:v1" "docker://$REF" </dev/null
compressed=$(du -cb "$b" | tail -1 | cut -f1)

# --- podman's environment ------------------------------------------------------------------
export CONTAINERS_CONF=$work/containers.conf CONTAINERS_REGISTRIES_CONF=$work/registries.conf
printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "none"\n' >"$CONTAINERS_CONF"
echo 'unqualified-search-registries = []' >"$CONTAINERS_REGISTRIES_CONF"
driver=overlay
mkdir -p "$work/probe"
podman --root "$work/probe/r" --runroot "$work/probe/rr" --storage-driver overlay info >/dev/null 2>&1 || driver=vfs
podman --root "$work/probe/r" --runroot "$work/probe/rr" --storage-driver "$driver" system reset --force >/dev/null 2>&1 || true
rm -rf "$work/probe"

# --- the rounds ------------------------------------------------------------------------------
now() { date +%s.%N; }
run_hull() { "$HULLBIN" --root "$1/store" pull --quiet --tls-verify=false "$REF" >/dev/null; }
run_skopeo() {
  skopeo copy --quiet --src-tls-verify=false "docker://$REF" "oci:$1/oci:v1" </dev/null &&
    umoci unpack --image "$1/oci:v1" "$1/bundle" >/dev/null
}
run_podman() {
  podman --root "$1/r" --runroot "$1/rr" --storage-driver "$driver" pull --quiet --tls-verify=false "$REF" \
    >/dev/null 2>"$work/podman.err" || { cat "$work/podman.err" >&2; return 1; }
}
tools=(hull skopeo podman)
declare -A times
for r in $(seq "$ROUNDS"); do
  for t in "${tools[@]}"; do
    d=$work/run-$t-$r
    mkdir -p "$d"
    sync
    t0=$(now)
    "run_$t" "$d"
    t1=$(now)
    times[$t]+="$(printf %.3f "$(echo "$t1 - $t0" | bc)") "
    rm -rf "$d"
  done
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf 'image: %d gzip layers, %.1f MB compressed, %.1f MB uncompressed; %d rounds; podman storage: %s\n' \
  "$LAYERS" "$(echo "$compressed / 1000000" | bc -l)" "$(echo "$uncompressed / 1000000" | bc -l)" "$ROUNDS" "$driver"
h=$(echo "${times[hull]}" | median)
for t in "${tools[@]}"; do
  m=$(echo "${times[$t]}" | median)
  printf '%-8s %7.2f s  (%.2fx hull)  rounds(s): %s\n' "$t" "$m" "$(echo "$m / $h" | bc -l)" "${times[$t]}"
done

# --- where hull's time goes: its own clocks ------------------------------------------------------
d=$work/run-timings
mkdir -p "$d"
sync
"$HULLBIN" --root "$d/store" pull --quiet --timings --tls-verify=false "$REF" 2>&1 >/dev/null | sed 's/^/hull /'
rm -rf "$d"

# --- the same blobs, one pass each by other programs, sequential ----------------------------
# network: curl of every blob to /dev/null; sha256 with openssl (hull's libcrypto) of the
# compressed blobs (done as they download) and of the uncompressed streams (the diff_ids);
# gunzip with zlib (libarchive's) from python3. The rest of hull's time is making the tree.
t0=$(now)
for f in "$b"/*; do # the manifest is no blob of the registry's: a 404, quickly
  curl -fs "http://$REG/v2/bench/img/blobs/sha256:$(basename "$f")" -o /dev/null || true
done
t1=$(now)
cat "$b"/* | openssl dgst -sha256 >/dev/null
t2=$(now)
python3 - "$b" "$work/u" <<'PY'
import os, sys, zlib
with open(sys.argv[2], "wb") as out:
    for name in os.listdir(sys.argv[1]):
        data = open(os.path.join(sys.argv[1], name), "rb").read()
        if data[:2] == b"\x1f\x8b":
            out.write(zlib.decompressobj(31).decompress(data))
PY
t3=$(now)
openssl dgst -sha256 "$work/u" >/dev/null
t4=$(now)
rm -f "$work/u"
printf 'one pass each: network (curl) %.2f s, sha256 compressed %.2f s, gunzip (zlib, to a file) %.2f s, sha256 uncompressed %.2f s\n' \
  "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" "$(echo "$t3 - $t2" | bc)" "$(echo "$t4 - $t3" | bc)"
