# bench/common.sh: sourced by the bench scripts. Sets repo, shared (../shared beside the
# repo, or $HULL_SHARED), BUILD (absolute) and HULL (the hull-runtime binary), checks that
# the shared file named by $1 exists, and builds hull if needed, quietly unless it fails.
# bench_bundle then makes $work (a temporary directory removed on exit) holding the shared
# yardstick's busybox bundle at $work/b, running /bin/true.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shared=${HULL_SHARED:-$(cd "$repo/.." && pwd)/shared}
[ -f "$shared/$1" ] || { echo "bench: $shared/$1 not found (shared/ must sit beside the repo)" >&2; exit 1; }
BUILD=${BUILD:-$repo/build}
case $BUILD in /*) ;; *) BUILD=$repo/$BUILD ;; esac
HULL=$BUILD/src/hull-runtime/hull-runtime
bench_log=$(mktemp)
if [ ! -f "$BUILD/build.ninja" ]; then meson setup "$BUILD" >"$bench_log" 2>&1 || { cat "$bench_log"; rm -f "$bench_log"; exit 1; }; fi
ninja -C "$BUILD" >"$bench_log" 2>&1 || { cat "$bench_log"; rm -f "$bench_log"; exit 1; }
rm -f "$bench_log"

bench_bundle() {
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  bash "$shared/bench/mkbundle.sh" "$work/b" /bin/true >/dev/null
}

# bench_report UNIT RUNTIME...: with samples[RT] holding each round's microseconds per UNIT,
# print every runtime's median in ms, its ratio to the first runtime's, and the rounds. The
# scripts that measure in a private mount namespace (bash -s) get it with `declare -f`.
bench_report() {
  local unit=$1 first="" med rt
  shift
  for rt in "$@"; do
    med=$(printf '%s\n' ${samples[$rt]} | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    [ -n "$first" ] || first=$med
    awk -v rt="$rt" -v m="$med" -v f="$first" -v s="${samples[$rt]}" -v u="$unit" \
      'BEGIN { printf "%-28s %7.2f ms/%s  (%.2fx first)  rounds(us): %s\n", rt, m / 1000, u, m / f, s }'
  done
}
