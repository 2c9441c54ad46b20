#!/usr/bin/env bats
# linux.resources observed from inside the container (and read back from the host's cgroup
# files): a memory hog is OOM-killed at its limit, a fork bomb stops at the pids limit, a busy
# loop is throttled to its CPU quota,
# a device no rule allows cannot be opened, block I/O throttles and hugetlb limits reach their
# controllers; bad values are refused by name and leave nothing.

load helpers

setup() {
  hull_setup
  CGPATH=/hull-itest/$CID
  update_config '.linux.cgroupsPath = $p' --arg p "$CGPATH"
}

need_controller() {
  [ -n "$(group_dir "$1")" ] || skip "no $1 controller on this host"
}

@test "resources: a memory hog is OOM-killed at memory.limit" {
  need_controller memory
  update_config '.linux.resources.memory = {limit: 33554432, swap: 33554432}'
  # 64 MiB into a shell variable, against a 32 MiB limit
  set_args 'x=$(head -c 67108864 /dev/zero | tr "\0" a); echo survived ${#x}'
  create_container
  rt start "$CID"
  wait_for_status "$CID" stopped
  local dir kills
  dir=$(group_dir memory)
  [ "$(cat "$dir/memory.limit_in_bytes" 2>/dev/null || cat "$dir/memory.max")" = 33554432 ]
  kills=$(awk '$1 == "oom_kill" { print $2 }' "$dir/memory.oom_control" "$dir/memory.events" 2>/dev/null | head -1)
  [ "${kills:-0}" -ge 1 ] || fail "no OOM kill recorded in $dir"
  ! grep -q survived "$BATS_TEST_TMPDIR/$CID.out" || fail "the hog survived: $(cat "$BATS_TEST_TMPDIR/$CID.out")"
}

@test "resources: a fork bomb stops at pids.limit" {
  need_controller pids
  update_config '.linux.resources.pids = {limit: 16}'
  # every fork past the limit fails; the bomb keeps trying until it has seen a failure
  set_args 'bomb() { while :; do sleep 600 & [ $? -eq 0 ] || return; done; }
            ( bomb ) 2>/dev/null; echo "bomb stopped"; exec sleep 600'
  run_detached
  wait_for_file "$BATS_TEST_TMPDIR/$CID.out" 20
  local dir n refused
  dir=$(group_dir pids)
  n=$(cat "$dir/pids.current")
  refused=$(awk '$1 == "max" { print $2 }' "$dir/pids.events")
  [ "$n" -le 16 ] || fail "$n processes under a limit of 16"
  [ "$n" -ge 10 ] || fail "only $n processes: the bomb did not run"
  [ "${refused:-0}" -ge 1 ] || fail "no fork refused: $(cat "$dir/pids.events")"
  rt delete --force "$CID"
}

@test "resources: a busy loop is throttled to its CPU quota" {
  need_controller cpu
  update_config '.linux.resources.cpu = {quota: 10000, period: 100000}'
  set_args 'end=$(( $(date +%s) + 2 )); while [ $(date +%s) -lt $end ]; do :; done; echo done'
  run run_detached
  assert_success
  wait_for_status "$CID" stopped 20
  local dir throttled
  dir=$(group_dir cpu)
  throttled=$(awk '$1 == "nr_throttled" { print $2 }' "$dir/cpu.stat")
  [ "${throttled:-0}" -gt 0 ] || fail "never throttled: $(cat "$dir/cpu.stat")"
  if [ -f "$dir/cpu.cfs_quota_us" ]; then
    [ "$(cat "$dir/cpu.cfs_quota_us")" = 10000 ] && [ "$(cat "$dir/cpu.cfs_period_us")" = 100000 ]
  else
    [ "$(cat "$dir/cpu.max")" = "10000 100000" ]
  fi
}

@test "resources: a device no rule allows cannot be opened, one allowed can" {
  need_controller devices
  [ -c /dev/fuse ] || skip "no /dev/fuse on the host"
  # the host's /dev/fuse (c 10:229), bound in: not among the default devices, and opening
  # it needs no capability
  add_mount /dev/hull-fuse bind /dev/fuse bind
  set_args '(: </dev/hull-fuse) 2>/dev/null && echo opened || echo refused'
  run run_fg
  assert_output_contains refused
  update_config '.linux.resources.devices += [{allow: true, type: "c", major: 10, minor: 229, access: "rw"}]'
  run run_fg "$CID-2"
  assert_output_contains opened
}

@test "resources: block I/O throttles reach blkio (or io.max)" {
  need_controller blkio
  local dev majmin
  dev=$(lsblk -dno MAJ:MIN "$(findmnt -no SOURCE / | sed 's/[0-9]*$//')" 2>/dev/null | tr -d ' ')
  [ -n "$dev" ] || dev=$(lsblk -dno MAJ:MIN | head -1 | tr -d ' ')
  [ -n "$dev" ] || skip "no block device to throttle"
  majmin=(${dev/:/ })
  update_config '.linux.resources.blockIO = {throttleReadBpsDevice: [{major: $a, minor: $b, rate: 1048576}]}' \
    --argjson a "${majmin[0]}" --argjson b "${majmin[1]}"
  set_args sleep 30
  create_container
  grep -qx "$dev 1048576" "$(group_dir blkio)/blkio.throttle.read_bps_device" ||
    fail "not written: $(cat "$(group_dir blkio)/blkio.throttle.read_bps_device")"
}

@test "resources: hugepage limits reach the hugetlb controller, v1 or v2" {
  need_controller hugetlb
  local dir
  case $(group_dir hugetlb) in
    /sys/fs/cgroup/hugetlb*) ;;
    *) [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || skip_if_runc "runc 1.1 cannot join a v2-only hugetlb on a hybrid host" ;;
  esac
  update_config '.linux.resources.hugepageLimits = [{pageSize: "2MB", limit: 0}]'
  set_args sleep 30
  create_container
  dir=$(group_dir hugetlb)
  [ -f "$dir/hugetlb.2MB.max" ] || [ -f "$dir/hugetlb.2MB.limit_in_bytes" ] || skip "no 2MB huge pages here"
  [ "$(cat "$dir/hugetlb.2MB.max" 2>/dev/null || cat "$dir/hugetlb.2MB.limit_in_bytes")" = 0 ]
}

@test "resources: swap below the memory limit is refused by name, leaving nothing" {
  update_config '.linux.resources.memory = {limit: 67108864, swap: 33554432}'
  expect_create_failure 'linux.resources.memory.swap'
}

@test "resources: a value the kernel refuses is reported by field, leaving nothing" {
  need_controller cpuset
  update_config '.linux.resources.cpu = {cpus: "4095"}'
  expect_create_failure 'linux.resources.cpu.cpus'
}

@test "resources: a controller the host lacks is refused by name" {
  skip_if_not_hull "runc ignores settings whose controller is missing"
  [ -z "$(group_dir rdma)" ] || skip "this host has the rdma controller"
  update_config '.linux.resources.rdma = {mlx5_0: {hcaHandles: 3}}'
  expect_create_failure 'linux.resources.rdma'
}

@test "resources: pids.limit -1 is no limit (max, which v1's pids.max wants as well)" {
  need_controller pids
  update_config '.linux.resources.pids = {limit: -1}'
  set_args sleep 30
  create_container
  [ "$(cat "$(group_dir pids)/pids.max")" = max ]
}
