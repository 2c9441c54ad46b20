#!/usr/bin/env bats
# cgroups: where the container's cgroup is made in each host layout (v1 only, unified v2,
# hybrid), that the container's process is in it, that delete removes it, and that resource
# limits reach the controllers' files.
#
# The layouts other than the host's are arranged in a private mount namespace (unshare -m):
#   v1      the cgroup2 mount of a hybrid host unmounted;
#   v2      /sys/fs/cgroup replaced by a cgroup2 mount (on a hybrid host the v2 hierarchy
#           then has only the controllers not bound to v1: hugetlb here);
#   hybrid  left as it is, when the host is hybrid.
# Create, inspection and delete all happen inside that namespace.

load helpers

setup() {
  hull_setup
  CGPATH=/hull-itest/$CID
  update_config '.linux.cgroupsPath = $p' --arg p "$CGPATH"
  set_args sleep 100
}

host_layout() {
  if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then echo v2
  elif mountpoint -q /sys/fs/cgroup/unified && [ "$(stat -f -c %T /sys/fs/cgroup/unified)" = cgroup2fs ]; then echo hybrid
  else echo v1; fi
}

# in_layout LAYOUT: run the script on stdin with bash in a private mount namespace arranged
# as LAYOUT. The script sees RUNTIME, ROOT, BUNDLE, CID, CGPATH and the function cg_report.
in_layout() {
  local layout=$1 host
  host=$(host_layout)
  case $layout/$host in
    v1/v2 | hybrid/v2 | hybrid/v1) skip "cannot arrange a $layout layout on a $host host" ;;
  esac
  export RUNTIME ROOT BUNDLE CID CGPATH LAYOUT=$layout
  unshare -m --propagation private bash -c '
    set -e
    '"$CGROUP_LAYOUT_SH"'
    rt() { "$RUNTIME" --root "$ROOT" "$@" 3>&-; }
    # cg_report PID: "MOUNTPOINT REL-PATH IN-PROCS" for each hierarchy mounted here, where
    # REL-PATH is the process cgroup in that hierarchy and IN-PROCS yes/no.
    cg_report() {
      local pid=$1 type mnt opts rel key
      while read -r type mnt opts; do
        if [ "$type" = cgroup2 ]; then key=""
        else key=$(tr , "\n" <<<"$opts" | grep -vxE "rw|ro|nosuid|nodev|noexec|relatime|clone_children|xattr" | paste -sd, -); fi
        if [ -z "$key" ]; then rel=$(awk -F: "\$1 == \"0\" { print \$3 }" /proc/$pid/cgroup)
        else rel=$(awk -F: -v k="$key" "\$2 == k { print \$3 }" /proc/$pid/cgroup); fi
        if grep -qx "$pid" "$mnt$rel/cgroup.procs" 2>/dev/null; then in=yes; else in=no; fi
        echo "$mnt $rel $in"
      done < <(awk "{ for (i = 7; i <= NF; i++) if (\$i == \"-\") break;
                      if (\$(i+1) == \"cgroup\" || \$(i+1) == \"cgroup2\") print \$(i+1), \$5, \$(i+3) }" /proc/self/mountinfo)
    }
    source /dev/stdin
  '
}

# The script every layout runs: create, report, delete, report again.
LAYOUT_SCRIPT='
rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>"$BUNDLE/create.err" || { cat "$BUNDLE/create.err"; exit 1; }
pid=$(rt state "$CID" | jq -r .pid)
echo "pid $pid"
cg_report "$pid"
echo "mounts $(awk "{ for (i = 7; i <= NF; i++) if (\$i == \"-\") break; if (\$(i+1) ~ /^cgroup2?$/) n++ } END { print n }" /proc/self/mountinfo)"
rt delete --force "$CID"
echo deleted
for d in $(awk "{ for (i = 7; i <= NF; i++) if (\$i == \"-\") break; if (\$(i+1) ~ /^cgroup2?$/) print \$5 }" /proc/self/mountinfo); do
  if [ -e "$d$CGPATH" ]; then echo "left $d$CGPATH"; fi
done
'

# check_layout_output: every hierarchy has the process at CGPATH; nothing left after delete.
check_layout_output() {
  [ "${lines[0]%% *}" = pid ] || fail "create failed: $output"
  local n=0 l
  for l in "${lines[@]}"; do
    case $l in
      /sys/fs/cgroup*)
        n=$((n + 1))
        set -- $l
        [ "$2" = "$CGPATH" ] || fail "in $1 the process is in '$2', not $CGPATH" "$output"
        [ "$3" = yes ] || fail "pid not in $1$2/cgroup.procs" "$output"
        ;;
      left*) fail "cgroup not removed by delete: ${l#left }" "$output" ;;
    esac
  done
  [ "$n" -gt 0 ] || fail "no cgroup hierarchy reported" "$output"
  [[ $output == *deleted* ]]
  echo "$n"
}

@test "cgroups, host layout: the container's cgroup is at cgroupsPath in every hierarchy" {
  host=$(host_layout)
  run in_layout "$host" <<<"$LAYOUT_SCRIPT"
  assert_success
  n=$(check_layout_output)
  # every mounted hierarchy, including the named (name=systemd) and the unified one
  [ "$n" -eq "$(cgroup_mounts | wc -l)" ]
}

@test "cgroups, v1-only layout" {
  run in_layout v1 <<<"$LAYOUT_SCRIPT"
  assert_success
  n=$(check_layout_output)
  [ "$n" -ge 1 ]
  [[ $output != *"/sys/fs/cgroup/unified "* ]]
}

@test "cgroups, unified (v2) layout" {
  run in_layout v2 <<<"$LAYOUT_SCRIPT"
  assert_success
  n=$(check_layout_output)
  [ "$n" -eq 1 ]
  [[ $output == *"/sys/fs/cgroup $CGPATH yes"* ]]
}

@test "cgroups, hybrid layout: v1 hierarchies and the unified one" {
  [ "$(host_layout)" = hybrid ] || skip "the host is not hybrid"
  run in_layout hybrid <<<"$LAYOUT_SCRIPT"
  assert_success
  check_layout_output
  [[ $output == *"/sys/fs/cgroup/unified $CGPATH yes"* ]]
  [[ $output == *"/sys/fs/cgroup/memory $CGPATH yes"* ]]
}

@test "cgroups: without cgroupsPath the runtime still gives the container its own cgroup, removed by delete" {
  update_config 'del(.linux.cgroupsPath)'
  create_container
  pid=$(container_pid)
  # in every hierarchy the container is in a cgroup that our shell is not in
  while IFS=: read -r num ctrl path; do
    mine=$(awk -F: -v n="$num" '$1 == n { print $3 }' /proc/self/cgroup)
    [ "$path" != "$mine" ] || fail "hierarchy $num ($ctrl): container shares our cgroup $mine"
  done < "/proc/$pid/cgroup"
  cp "/proc/$pid/cgroup" "$BATS_TEST_TMPDIR/cgroups"
  rt delete --force "$CID"
  # each of those cgroups is gone
  while IFS=: read -r num ctrl path; do
    mnt=$(cgroup_mounts | awk -v c="$ctrl" -v n="$num" '
      { split($2, p, "/"); last = p[length(p)] }
      (c == "" && $1 == "cgroup2") { print $2; exit }
      (c != "" && $1 == "cgroup" && (last == c || index(c, last) || index("name=" last, c))) { print $2; exit }')
    [ -n "$mnt" ] || continue
    [ ! -d "$mnt$path" ] || fail "cgroup left after delete: $mnt$path"
  done < "$BATS_TEST_TMPDIR/cgroups"
}

@test "cgroups: /proc/self/cgroup inside the container names cgroupsPath" {
  set_args 'cat /proc/self/cgroup'
  run run_fg
  assert_success
  grep -q ":pids:$CGPATH\$" <<<"$output" || grep -q "^0::$CGPATH\$" <<<"$output"
}

@test "cgroups v1: memory, pids and cpu limits are written to the controllers" {

  [ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/pids ] && [ -d /sys/fs/cgroup/cpu ] ||
    skip "needs v1 memory, pids and cpu hierarchies"
  update_config '.linux.resources += {memory: {limit: 67108864}, pids: {limit: 77}, cpu: {shares: 512, quota: 50000, period: 100000}}'
  create_container
  [ "$(cat /sys/fs/cgroup/memory$CGPATH/memory.limit_in_bytes)" = 67108864 ]
  [ "$(cat /sys/fs/cgroup/pids$CGPATH/pids.max)" = 77 ]
  [ "$(cat /sys/fs/cgroup/cpu$CGPATH/cpu.shares)" = 512 ]
  [ "$(cat /sys/fs/cgroup/cpu$CGPATH/cpu.cfs_quota_us)" = 50000 ]
  [ "$(cat /sys/fs/cgroup/cpu$CGPATH/cpu.cfs_period_us)" = 100000 ]
}

@test "cgroups: the pids limit is enforced inside the container" {

  [ -d /sys/fs/cgroup/pids ] || grep -qw pids /sys/fs/cgroup/cgroup.controllers 2>/dev/null || skip "no pids controller"
  update_config '.linux.resources.pids = {limit: 5}'
  set_args 'for i in 1 2 3 4 5 6 7 8; do sleep 10 & done; echo all-forked'
  run run_fg
  [[ $output == *"can't fork"* ]]
  [[ $output != *all-forked* ]]
}

@test "cgroups: a memory limit too small to start fails create or run cleanly" {

  [ -d /sys/fs/cgroup/memory ] || skip "no v1 memory hierarchy"
  update_config '.linux.resources.memory = {limit: 4096}'
  set_args true
  run run_fg
  # either refused up front or the process is killed; teardown checks nothing is left
  [ "$status" -ne 0 ]
}

@test "cgroups, unified (v2) layout: device rules become an eBPF program; a device no rule allows is refused" {
  [ -c /dev/fuse ] || skip "no /dev/fuse on the host"
  update_config '.linux.resources.devices = [{allow: false, access: "rwm"}]'
  add_mount /dev/hull-fuse bind /dev/fuse bind
  set_args '(: </dev/null) && echo null-opened; (: </dev/hull-fuse) 2>/dev/null && echo fuse-opened || echo fuse-refused'
  run in_layout v2 <<<'rt run --bundle "$BUNDLE" "$CID" </dev/null'
  if is_runc && [[ $output == *memlock* ]]; then skip "runc 1.1 needs to raise RLIMIT_MEMLOCK for its device program, and root here cannot"; fi
  assert_success
  assert_output_contains null-opened
  assert_output_contains fuse-refused
}

@test "cgroups, unified (v2) layout: pause and resume freeze through cgroup.freeze" {
  run in_layout v2 <<<'
    rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null && rt start "$CID" && rt pause "$CID"
    echo "status $(rt state "$CID" | jq -r .status)"
    grep frozen "/sys/fs/cgroup$CGPATH/cgroup.events"
    rt resume "$CID"
    echo "status $(rt state "$CID" | jq -r .status)"
    grep frozen "/sys/fs/cgroup$CGPATH/cgroup.events"
    rt delete --force "$CID"'
  if is_runc && [[ $output == *memlock* ]]; then skip "runc 1.1 needs to raise RLIMIT_MEMLOCK for its device program, and root here cannot"; fi
  assert_success
  assert_output_contains "status paused"
  assert_output_contains "frozen 1"
  assert_output_contains "status running"
  assert_output_contains "frozen 0"
}

# The runtime killed mid-create (here while a createRuntime hook runs, after the cgroup and
# the init exist, before state.json): delete --force finds the group it was making, kills
# what is in it and removes it.
@test "cgroups: delete --force after the runtime was killed mid-create removes its cgroup and process" {
  skip_if_not_hull "runc leaves such a container's cgroup behind"
  marker=$BATS_TEST_TMPDIR/hook-started
  update_config '.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", "echo $$ > \($m); exec sleep 60"]}]' \
    --arg m "$marker"
  "$RUNTIME" --root "$ROOT" create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 3>&- &
  rtpid=$!
  wait_for_file "$marker"
  hookpid=$(cat "$marker")
  kill -9 "$rtpid"
  wait "$rtpid" || true
  kill "$hookpid" 2>/dev/null || true
  # the group is there (the init, bereft of its runtime, may have ended on its own)
  dir=$(for m in /sys/fs/cgroup/memory /sys/fs/cgroup/pids /sys/fs/cgroup/unified /sys/fs/cgroup; do
          [ -d "$m$CGPATH" ] && { echo "$m$CGPATH"; break; }; done)
  [ -n "$dir" ] || fail "no cgroup $CGPATH was made"
  procs=$(cat "$dir/cgroup.procs")
  [ "$(container_status)" = creating ] || fail "status: $(container_status)"
  rt delete --force "$CID"
  [ ! -d "$dir" ] || fail "$dir left behind"
  for p in $procs; do
    for i in $(seq 100); do [ -e "/proc/$p" ] || break; sleep 0.02; done
    [ ! -e "/proc/$p" ] || fail "the container's process $p survived"
  done
  run rt state "$CID"
  assert_failure
}
