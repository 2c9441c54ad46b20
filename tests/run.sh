#!/usr/bin/env bash
# tests/run.sh: build hull, build the test fixtures, run the unit tests (meson test, TAP) and
# the integration tests (bats, TAP), and end with one line:
#     N passed, N failed, N skipped
# summed over everything that ran. Exits non-zero if anything failed (a build failure counts
# as one failure).
#
# Environment:
#   RUNTIME=/path   run the integration tests against this runtime instead of the one just
#                   built (e.g. RUNTIME=/usr/sbin/runc to check the tests themselves)
#   SANITIZE=1      also build in build-asan (or $ASAN_BUILD) with -Db_sanitize=address,undefined and run the
#                   unit and integration tests again there (against that build's runtime)
#   BUILD=dir       build directory of the normal pass (default: build)
#   BATS_FILTER=re  only integration tests whose name matches (bats --filter)
# Run as root: the integration tests create containers.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
BUILD=${BUILD:-build}
export HULL_TEST_CACHE=${HULL_TEST_CACHE:-$repo/tests/fixtures/out}

total_pass=0 total_fail=0 total_skip=0
failures=() # "LABEL: what failed", repeated at the end, where a CI log's tail shows them

abspath() { case $1 in /*) echo "$1" ;; *) echo "$repo/$1" ;; esac; }

note() { printf '\n=== %s\n' "$*"; }

failed() { failures+=("$*"); }

add_counts() { # PASS FAIL SKIP LABEL
  total_pass=$((total_pass + $1)) total_fail=$((total_fail + $2)) total_skip=$((total_skip + $3))
  printf '=== %s: %d ok, %d not ok, %d skipped\n' "$4" "$1" "$2" "$3"
}

# tap_counts FILE: "PASS FAIL SKIP" from a TAP stream
tap_counts() {
  awk '
    /^ok / { if (tolower($0) ~ /# skip/) s++; else p++; next }
    /^not ok / { if (tolower($0) ~ /# todo/) next; f++ }
    END { printf "%d %d %d\n", p, f, s }' "$1"
}

# build DIR [MESON OPTIONS...]
build() {
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" || return 1
  fi
  ninja -C "$dir"
}

# unit_tests DIR LABEL: meson test, counted per TAP line of each test binary
unit_tests() {
  local dir=$1 label=$2 counts
  meson test -C "$dir" --no-rebuild --print-errorlogs
  local log=$dir/meson-logs/testlog.json
  if [ ! -s "$log" ]; then
    failed "$label unit: no test log"
    add_counts 0 1 0 "$label unit (no test log)"
    return
  fi
  local line
  while IFS= read -r line; do failed "$label unit: $line"; done < <(jq -r '
      .name as $n | (.stdout // "" | split("\n")) as $l
      | ([$l[] | select(test("^not ok ")) | select(test("# (todo|TODO)") | not)]) as $bad
      | if ($bad | length) > 0 then $bad[] | "\($n): \(.)"
        elif (.result != "OK" and .result != "SKIP" and .result != "EXPECTEDFAIL")
        then "\($n): \(.result)" else empty end' "$log")
  # per test binary: its TAP lines; a binary that failed without a 'not ok' line counts once
  counts=$(jq -r '
      (.stdout // "" | split("\n")) as $l
      | ([$l[] | select(test("^ok ")) | select(test("# (skip|SKIP)") | not)] | length) as $p
      | ([$l[] | select(test("^not ok ")) | select(test("# (todo|TODO)") | not)] | length) as $f
      | ([$l[] | select(test("^ok .*# (skip|SKIP)"))] | length) as $s
      | if (.result != "OK" and .result != "SKIP" and .result != "EXPECTEDFAIL" and $f == 0)
        then "\($p) 1 \($s)"
        elif (.result == "SKIP" and ($p + $f + $s) == 0) then "0 0 1"
        else "\($p) \($f) \($s)" end' "$log" |
    awk '{ p += $1; f += $2; s += $3 } END { printf "%d %d %d\n", p, f, s }')
  # shellcheck disable=SC2086
  add_counts $counts "$label unit"
}

# integration_tests RUNTIME BUILD LABEL
integration_tests() {
  local rt=$1 dir=$2 label=$3 tap
  tap=$dir/integration.tap
  mkdir -p "$dir"
  local filter=()
  [ -z "${BATS_FILTER:-}" ] || filter=(--filter "$BATS_FILTER")
  RUNTIME=$rt BUILD=$(abspath "$dir") bats --tap --timing --print-output-on-failure "${filter[@]}" \
    tests/integration </dev/null 2>&1 | tee "$tap"
  # each failure with the first lines bats printed of it
  local line
  while IFS= read -r line; do failed "$label integration: $line"; done < <(awk '
    /^not ok / && tolower($0) !~ /# todo/ { print; n = 12; next }
    /^(ok|not ok) / { n = 0; next }
    n > 0 && /^#/ { print "    " $0; n--; if (n == 0) print "    # ..." }' "$tap")
  # shellcheck disable=SC2046
  add_counts $(tap_counts "$tap") "$label integration ($rt)"
}

# pass DIR LABEL RUNTIME [MESON OPTIONS...]
pass() {
  local dir=$1 label=$2 rt=$3; shift 3
  local t0=$SECONDS
  note "$label: build in $dir"
  if ! build "$dir" "$@"; then
    failed "$label: build"
    add_counts 0 1 0 "$label build"
    return
  fi
  note "$label: unit tests"
  unit_tests "$dir" "$label"
  note "$label: integration tests"
  integration_tests "${rt:-$(abspath "$dir")/src/hull-runtime/hull-runtime}" "$dir" "$label"
  note "$label: $((SECONDS - t0)) s"
}

if [ "$(id -u)" -ne 0 ]; then
  echo "tests/run.sh: run as root (the integration tests create containers)" >&2
fi

note "fixtures"
if ! tests/fixtures/prepare.sh "$HULL_TEST_CACHE"; then
  failed "fixtures"
  add_counts 0 1 0 "fixtures"
fi

pass "$BUILD" "$BUILD" "${RUNTIME:-}"

if [ "${SANITIZE:-0}" = 1 ]; then
  # UBSan reports are fatal; ASan's always are. Leak checking stays on.
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
  pass "${ASAN_BUILD:-build-asan}" "${ASAN_BUILD:-build-asan}" "" -Db_sanitize=address,undefined -Db_lundef=false
  unset UBSAN_OPTIONS ASAN_OPTIONS
fi

echo
if [ "${#failures[@]}" -gt 0 ]; then
  echo "=== failed:"
  printf '  %s\n' "${failures[@]}"
fi
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
