# helpers.bash: shared setup, teardown and helpers for the integration tests.
#
# Environment:
#   RUNTIME          runtime under test (default: $BUILD/src/hull-runtime/hull-runtime);
#                    any runc-compatible binary works, e.g. RUNTIME=/usr/sbin/runc.
#   BUILD            meson build directory (default: <repo>/build).
#   HULL_TEST_CACHE  where the fixture rootfs is cached (default: tests/fixtures/out).
#
# Every test gets, in $BATS_TEST_TMPDIR:
#   $ROOT     the runtime's --root state directory
#   $BUNDLE   a bundle whose config.json is the default template (args: sh) and whose
#             root.path points at the shared read-only rootfs ($ROOTFS_RO). Tests that need
#             to change the rootfs call own_rootfs first.
#   $CID      a container ID unique to the test; further containers use "$CID-<suffix>".
#             Every ID contains $TOKEN, which teardown uses to find leftovers.
#
# Test files `load helpers`; the setup/teardown defined here run unless a file overrides
# them (it should then call hull_setup / hull_teardown itself).

HULL_REPO=$(cd "${BATS_TEST_DIRNAME:-$(dirname "${BASH_SOURCE[0]}")}/../.." && pwd)
BUILD=${BUILD:-$HULL_REPO/build}
RUNTIME=${RUNTIME:-$BUILD/src/hull-runtime/hull-runtime}
FIXTURES=$HULL_REPO/tests/fixtures
HULL_TEST_CACHE=${HULL_TEST_CACHE:-$FIXTURES/out}
ROOTFS_SRC=$HULL_TEST_CACHE/rootfs
ROOTFS_RO=$HULL_TEST_CACHE/rootfs.ro
SPECS=${SPECS:-$(cd "$HULL_REPO/.." && pwd)/shared/specs/runtime-spec}
export RUNTIME BUILD HULL_TEST_CACHE

bats_require_minimum_version 1.5.0

# Seconds to wait for a status change before giving up.
HULL_WAIT=${HULL_WAIT:-10}

hull_check_runtime() {
  if [ ! -x "$RUNTIME" ]; then
    echo "RUNTIME=$RUNTIME is not an executable; build hull first (tests/run.sh does) or set RUNTIME=/usr/sbin/runc" >&2
    return 1
  fi
}

# True when the runtime under test is hull-runtime (asserts that go beyond runc's behaviour).
is_hull() {
  case ${RUNTIME##*/} in
    hull-runtime*) return 0 ;;
  esac
  "$RUNTIME" --version 2>/dev/null | head -1 | grep -qi hull
}

runtime_name() {
  if is_hull; then echo hull-runtime; else basename "$RUNTIME"; fi
}

# Shell lines for a `bash -c` run under `unshare -m --propagation private` that lay the
# cgroups out as $LAYOUT there: v1 (a hybrid host's cgroup2 mount hidden) or v2 (cgroup2
# mounted over /sys/fs/cgroup); anything else leaves them as they are.
CGROUP_LAYOUT_SH='
    case $LAYOUT in
      v1) if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi ;;
      v2) if [ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ]; then
            umount -R /sys/fs/cgroup 2>/dev/null || umount -l /sys/fs/cgroup
            mount -t cgroup2 none /sys/fs/cgroup
          fi ;;
    esac
'

# --- per-test setup / teardown -----------------------------------------------------------

hull_setup() {
  hull_check_runtime
  [ -d "$ROOTFS_RO/bin" ] || { echo "fixture rootfs missing: setup_suite did not run?" >&2; return 1; }
  TOKEN=hullt$(printf '%03d' "${BATS_SUITE_TEST_NUMBER:-0}")x$$
  CID=$TOKEN
  ROOT=$BATS_TEST_TMPDIR/state
  BUNDLE=$BATS_TEST_TMPDIR/bundle
  mkdir -p "$ROOT" "$BUNDLE"
  cp "$HULL_TEST_CACHE/template/config.json" "$BUNDLE/config.json"
}

setup() {
  hull_setup
}

teardown() {
  hull_teardown
}

# Delete every container under $ROOT, then fail if anything of the test is left over:
# processes of the deleted containers (or any process whose cgroup or command line names the
# test's token), state entries, cgroups named after the test's IDs, mounts under the test's
# directory. Whatever is found is cleaned up as well as possible, so one failure does not
# cascade into the next tests.
hull_teardown() {
  [ -n "${ROOT:-}" ] || return 0
  local problems=() ids pids id pid d i
  local listed
  if listed=$("$RUNTIME" --root "$ROOT" list --format json 2>/dev/null </dev/null 3>&-); then
    ids=$(jq -r '.[]?.id' <<<"$listed" 2>/dev/null || true)
    pids=$(jq -r '.[]?.pid // empty' <<<"$listed" 2>/dev/null || true)
  else
    ids=$(rt_list_ids) pids=
  fi
  for id in $ids; do
    "$RUNTIME" --root "$ROOT" delete --force "$id" </dev/null >/dev/null 2>&1 3>&- || true
  done
  ids=$(rt_list_ids)
  if [ -n "$ids" ]; then
    problems+=("containers still listed after delete --force: $ids")
    for id in $ids; do
      pid=$("$RUNTIME" --root "$ROOT" state "$id" 2>/dev/null </dev/null 3>&- | jq -r '.pid // empty' || true)
      [ -n "$pid" ] && [ "$pid" -gt 0 ] && kill -9 "$pid" 2>/dev/null || true
    done
  fi
  # processes: gone, or at worst zombies waiting for their reaper
  for pid in $pids; do
    [ "$pid" -gt 0 ] 2>/dev/null || continue
    for ((i = 0; i < 100; i++)); do
      pid_alive "$pid" || break
      sleep 0.02
    done
    if pid_alive "$pid"; then
      problems+=("container process $pid still alive after delete --force")
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  # processes in a cgroup, or with a command line, naming one of the test's containers
  local leaked
  leaked=$(procs_of_token)
  if [ -n "$leaked" ]; then
    problems+=("processes left: $(for p in $leaked; do printf '%s(%s) ' "$p" "$(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null | cut -c1-60)"; done)")
    kill -9 $leaked 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do [ -z "$(procs_of_token)" ] && break; sleep 0.02; done
  fi
  # state directory entries (dot files such as lock files, and hull's @seccomp-cache of
  # compiled filters, which outlives containers by design, are allowed)
  if [ -d "$ROOT" ]; then
    local left
    left=$(find "$ROOT" -mindepth 1 -maxdepth 1 ! -name '.*' ! -name '@seccomp-cache' -printf '%f ' 2>/dev/null)
    [ -z "$left" ] || problems+=("state entries left in --root: $left")
  fi
  # cgroups named after the test's containers, in any hierarchy
  local cgs
  cgs=$(find /sys/fs/cgroup -mindepth 1 -type d -name "*$TOKEN*" 2>/dev/null | sort -r)
  if [ -n "$cgs" ]; then
    problems+=("cgroups left: $(echo $cgs)")
    for d in $cgs; do rmdir "$d" 2>/dev/null || true; done
  fi
  # empty parents the tests asked for via cgroupsPath
  for d in /sys/fs/cgroup/*/hull-itest /sys/fs/cgroup/*/*/hull-itest /sys/fs/cgroup/hull-itest; do
    [ -d "$d" ] && rmdir "$d" 2>/dev/null || true
  done
  # mounts in the host's namespace under the test's directory or naming a container
  local mnts
  mnts=$(awk -v p="$BATS_TEST_TMPDIR" -v t="$TOKEN" 'index($5, p) == 1 || index($5, t) { print $5 }' /proc/self/mountinfo | sort -r)
  if [ -n "$mnts" ]; then
    problems+=("mounts left: $(echo $mnts)")
    for d in $mnts; do umount -l "$d" 2>/dev/null || true; done
  fi
  if [ ${#problems[@]} -gt 0 ]; then
    printf 'teardown: %s\n' "${problems[@]}" >&2
    return 1
  fi
}

# procs_of_token: live processes whose cgroup path or command line contains $TOKEN.
procs_of_token() {
  # the bracket keeps grep from matching its own command line
  local pat="${TOKEN%?}[${TOKEN: -1}]" p
  for p in $(grep -l -- "$pat" /proc/[0-9]*/cgroup /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3 | sort -un); do
    pid_alive "$p" && echo "$p"
  done
}

pid_alive() {
  local st
  st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# --- running the runtime -----------------------------------------------------------------

# rt ARGS...: the runtime with this test's --root. fd 3 (bats' own) is closed so a process
# left running cannot hold bats up.
rt() {
  "$RUNTIME" --root "$ROOT" "$@" 3>&-
}

rt_list_ids() {
  [ -d "$ROOT" ] || return 0
  "$RUNTIME" --root "$ROOT" list --quiet </dev/null 2>/dev/null 3>&- || true
}

# rt_bg SUBCOMMAND [OPTIONS] ID: create or run --detach with the container's stdio on files
# ($BATS_TEST_TMPDIR/ID.out, ID.err) so it does not hold the pipe bats reads `run`'s output
# from. On failure the runtime's messages are copied to stderr.
rt_bg() {
  local id=${*: -1}
  local out=$BATS_TEST_TMPDIR/$id.out err=$BATS_TEST_TMPDIR/$id.err
  if rt "$@" </dev/null >"$out" 2>"$err"; then
    return 0
  else
    local rc=$?
    cat "$err" >&2
    return $rc
  fi
}

# create_container [ID]: create from $BUNDLE (ID defaults to $CID)
create_container() {
  rt_bg create --bundle "$BUNDLE" "${1:-$CID}"
}

# run_detached [ID]: run --detach from $BUNDLE
run_detached() {
  rt_bg run --detach --bundle "$BUNDLE" "${1:-$CID}"
}

# run_fg [ID]: run in the foreground from $BUNDLE, stdin closed; prints the container's output.
run_fg() {
  rt run --bundle "$BUNDLE" "${1:-$CID}" </dev/null
}

# run_in_container CMD...: run CMD as the container's process (via sh -c when given one
# string), in the foreground; for `run run_in_container ...`.
run_in_container() {
  set_args "$@"
  run_fg "$CID"
}

# state_field ID FIELD: one field of `state ID`.
state_field() {
  rt state "$1" </dev/null | jq -r ".$2"
}

container_pid() {
  state_field "${1:-$CID}" pid
}

container_status() {
  rt state "${1:-$CID}" </dev/null 2>/dev/null | jq -r .status
}

# wait_for_status ID STATUS [SECONDS]: poll state until it reports STATUS.
wait_for_status() {
  local id=$1 want=$2 secs=${3:-$HULL_WAIT} i st=
  for ((i = 0; i < secs * 50; i++)); do
    st=$(container_status "$id")
    [ "$st" = "$want" ] && return 0
    sleep 0.02
  done
  echo "container $id: status '$st' after ${secs}s, wanted '$want'" >&2
  return 1
}

# wait_for_file PATH [SECONDS]: poll until PATH exists and is not empty.
wait_for_file() {
  local f=$1 secs=${2:-$HULL_WAIT} i
  for ((i = 0; i < secs * 50; i++)); do
    [ -s "$f" ] && return 0
    sleep 0.02
  done
  echo "$f did not appear within ${secs}s" >&2
  return 1
}

# --- editing the bundle ------------------------------------------------------------------

# update_config FILTER [JQ OPTIONS...]: apply a jq filter to $BUNDLE/config.json,
# e.g. update_config '.process.cwd = $d' --arg d /tmp
update_config() {
  local filter=$1; shift
  local cfg=${CONFIG:-$BUNDLE/config.json}
  jq "$filter" "$@" "$cfg" > "$cfg.new" && mv "$cfg.new" "$cfg"
}

# json_array ARGS...: the arguments as a JSON array of strings (jq 1.6's --args would
# swallow arguments such as -c, so each goes through its own --arg).
json_array() {
  local i=0 a=() x
  for x in "$@"; do a+=(--arg "$i" "$x"); i=$((i + 1)); done
  jq -cn "${a[@]}" '[$ARGS.named | to_entries[] | .key |= tonumber] | sort_by(.key) | map(.value)'
}

# set_args ARGS...: process.args. A single argument is run through `sh -c`.
set_args() {
  if [ $# -eq 1 ]; then set -- sh -c "$1"; fi
  update_config '.process.args = $a' --argjson a "$(json_array "$@")"
}

# add_mount DEST TYPE SOURCE [OPTIONS...]
add_mount() {
  local dest=$1 type=$2 src=$3; shift 3
  update_config '.mounts += [{destination: $d, type: $t, source: $s, options: $o}]' \
    --arg d "$dest" --arg t "$type" --arg s "$src" --argjson o "$(json_array "$@")"
}

# own_rootfs: give this test a private, writable copy of the fixture rootfs (cheap: ~2 MB).
own_rootfs() {
  cp -a "$ROOTFS_SRC" "$BUNDLE/rootfs"
  update_config '.root.path = "rootfs" | .root.readonly = false'
}

# with_xdir: a bind-mounted exchange directory; host $XDIR is /mnt inside the container.
with_xdir() {
  XDIR=$BATS_TEST_TMPDIR/x
  mkdir -p "$XDIR"
  chmod 777 "$XDIR"
  add_mount /mnt bind "$XDIR" rbind rw
}

# --- skips -------------------------------------------------------------------------------

skip_unless_root() {
  [ "$(id -u)" -eq 0 ] || skip "needs root"
}

features_json() {
  if [ -z "${_FEATURES_JSON:-}" ]; then
    _FEATURES_JSON=$("$RUNTIME" features 2>/dev/null </dev/null 3>&-) || _FEATURES_JSON='{}'
  fi
  printf '%s\n' "$_FEATURES_JSON"
}

# skip_unless_ns_feature TYPE: skip when the runtime's `features` does not list namespace TYPE.
skip_unless_ns_feature() {
  features_json | jq -e --arg n "$1" '(.linux.namespaces // []) | index($n)' >/dev/null ||
    skip "$(runtime_name) does not support the $1 namespace (not listed by 'features')"
}

skip_unless_kernel_file() {
  [ -e "$1" ] || skip "kernel lacks $1"
}

# skip_if_not_hull REASON: for behaviour the spec requires but runc (the reference used to
# validate these tests) does not implement.
skip_if_not_hull() {
  is_hull || skip "$(runtime_name) deviates: $*"
}

# skip_if_old_runc REASON: for features runc 1.1 (Debian 12's, the reference these tests are
# validated with) lacks or gets wrong; newer runc, crun and hull-runtime must pass.
skip_if_old_runc() {
  if "$RUNTIME" --version 2>/dev/null | head -1 | grep -qE '^runc version 1\.[01]\.'; then
    skip "runc < 1.2: $*"
  fi
}

is_runc() {
  "$RUNTIME" --version 2>/dev/null | head -1 | grep -q '^runc version'
}

# skip_if_runc REASON: for spec behaviour that runc (any version) does not implement.
skip_if_runc() {
  if is_runc; then skip "runc: $*"; fi
}

# expect_create_failure [PATTERN]: create $CID from $BUNDLE inside a private mount namespace
# (a config without namespaces must not get the chance to touch the host's mounts), expect
# failure with a message; with PATTERN, hull-runtime's message must match it (grep -E -i).
expect_create_failure() {
  local out=$BATS_TEST_TMPDIR/create.out err=$BATS_TEST_TMPDIR/create.err stderr
  # stdio on files: should create wrongly succeed, the container must not hold bats' pipes
  status=0
  unshare -m --propagation private \
    "$RUNTIME" --root "$ROOT" create --bundle "$BUNDLE" "$CID" </dev/null >"$out" 2>"$err" 3>&- || status=$?
  stderr=$(cat "$err")
  [ "$status" -ne 0 ] || fail "create succeeded" "stdout: $(cat "$out")" "stderr: $stderr"
  [ -n "$stderr" ] || fail "create failed (status $status) without a message on stderr"
  if [ -n "${1:-}" ] && is_hull; then
    grep -Eqi -- "$1" <<<"$stderr" || fail "message does not name '$1': $stderr"
  fi
  run rt state "$CID"
  [ "$status" -ne 0 ] || fail "state of the failed container works: $output"
}

# --- cgroups -----------------------------------------------------------------------------

# cgroup_mounts: "TYPE MOUNTPOINT" for every cgroup hierarchy mounted in this namespace.
cgroup_mounts() {
  awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { t = $(i+1); break }
         if (t == "cgroup" || t == "cgroup2") print t, $5 }' /proc/self/mountinfo
}

# group_dir CONTROLLER: the directory of the container's cgroup ($CGPATH) in the hierarchy holding CONTROLLER (a v1
# hierarchy named after it, else the cgroup2 one if it offers it), or nothing.
group_dir() {
  local type mnt
  while read -r type mnt; do
    if [ "$type" = cgroup ] && [[ ,$(basename "$mnt"), == *,$1,* ]]; then echo "$mnt$CGPATH"; return; fi
  done < <(cgroup_mounts)
  while read -r type mnt; do
    if [ "$type" = cgroup2 ] && grep -qw "$1" "$mnt/cgroup.controllers" 2>/dev/null; then echo "$mnt$CGPATH"; return; fi
  done < <(cgroup_mounts)
}

# --- assertions --------------------------------------------------------------------------

fail() {
  printf '%s\n' "$@" >&2
  return 1
}

# refute CMD...: fail if CMD succeeds. (A bare `! cmd` does not fail a bats test unless it is
# the test's last command: errexit ignores negated commands.)
refute() {
  if "$@"; then fail "unexpectedly succeeded: $*"; fi
}

# assert_success / assert_failure [STATUS] for the last `run`.
assert_success() {
  [ "$status" -eq 0 ] || fail "expected success, got status $status" "output: $output"
}

assert_failure() {
  if [ $# -gt 0 ]; then
    [ "$status" -eq "$1" ] || fail "expected status $1, got $status" "output: $output"
  else
    [ "$status" -ne 0 ] || fail "expected failure, got status 0" "output: $output"
  fi
}

# assert_output_contains STRING / assert_output_equals STRING
assert_output_contains() {
  [[ $output == *"$1"* ]] || fail "output does not contain '$1'" "output: $output"
}

assert_output_equals() {
  [ "$output" = "$1" ] || fail "expected output '$1'" "got: '$output'"
}
