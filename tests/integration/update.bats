#!/usr/bin/env bats
# update: new limits for a live container, from runc's flags, a linux.resources file (as podman
# passes one: --resources=FILE) or stdin, read back from the host's cgroup files and felt from
# inside (a memory hog, a fork loop); only what is given changes; refusals name the field and
# leave the limits as they were.

load helpers

setup() {
  hull_setup
  CGPATH=/hull-itest/$CID
  update_config '.linux.cgroupsPath = $p' --arg p "$CGPATH"
  with_xdir
}

# need_v1 CONTROLLER: skip unless CONTROLLER is a v1 one here (the tests read v1 files).
need_v1() {
  case $(group_dir "$1") in
    "") skip "no $1 controller on this host" ;;
    /sys/fs/cgroup/unified/* | /sys/fs/cgroup/hull-itest/*) skip "$1 is on cgroup v2 here; these checks read v1 files" ;;
  esac
}

# cg CONTROLLER FILE: the container's FILE in CONTROLLER's hierarchy
cg() {
  cat "$(group_dir "$1")/$2"
}

# need_memsw: skip unless the memory hierarchy accounts swap (memory.memsw.*)
need_memsw() {
  need_v1 memory
  [ -e "$(dirname "$(dirname "$(group_dir memory)")")/memory.memsw.limit_in_bytes" ] || skip "no swap accounting (memsw) here"
}

mem() { cg memory memory.limit_in_bytes; }
memsw() { cg memory memory.memsw.limit_in_bytes; }

# a sleeping container, started
run_sleeper() {
  set_args sleep 600
  run_detached
}

@test "update: --memory raises and lowers the limit: in the cgroup file, and for a hog inside" {
  need_memsw
  update_config '.linux.resources.memory = {limit: 16777216, swap: 16777216}'
  # each round waits for /mnt/goN, then a child shell takes 32 MiB and says whether it survived
  cat > "$XDIR/hog.sh" <<'EOF'
for n in 1 2; do
  while [ ! -e /mnt/go$n ]; do sleep 0.05; done
  # the hog (and its pipe) first in the OOM killer's eyes, never the loop that reports
  sh -c 'echo 1000 > /proc/self/oom_score_adj; x=$(head -c 33554432 /dev/zero | tr "\0" a); echo "survived ${#x}"' > /mnt/out$n 2>&1 || echo "died $?" >> /mnt/out$n
  echo done > /mnt/done$n
done
sleep 600
EOF
  set_args sh /mnt/hog.sh
  run_detached
  [ "$(mem)" = 16777216 ]
  rt update --memory 256m --memory-swap 256m "$CID"
  [ "$(mem)" = 268435456 ] && [ "$(memsw)" = 268435456 ] || fail "raised: memory $(mem), memsw $(memsw)"
  touch "$XDIR/go1"
  wait_for_file "$XDIR/done1" 30
  grep -qx "survived 33554432" "$XDIR/out1" || fail "the hog did not survive under the raised limit: $(cat "$XDIR/out1")"
  rt update --memory 16m --memory-swap 16m "$CID"
  [ "$(mem)" = 16777216 ] && [ "$(memsw)" = 16777216 ] || fail "lowered: memory $(mem), memsw $(memsw)"
  touch "$XDIR/go2"
  wait_for_file "$XDIR/done2" 30
  ! grep -q survived "$XDIR/out2" || fail "the hog survived the lowered limit: $(cat "$XDIR/out2")"
  local kills
  kills=$(awk '$1 == "oom_kill" { print $2 }' "$(group_dir memory)/memory.oom_control")
  [ "${kills:-0}" -ge 1 ] || fail "no OOM kill recorded: $(cat "$(group_dir memory)/memory.oom_control")"
  [ "$(container_status)" = running ] || fail "the container itself died"
}

@test "update: --memory -1 lifts the memory and memory+swap limits" {
  need_memsw
  update_config '.linux.resources.memory = {limit: 33554432, swap: 33554432}'
  run_sleeper
  rt update --memory -1 "$CID"
  [ "$(mem)" -gt 1000000000000 ] && [ "$(memsw)" -gt 1000000000000 ] || fail "memory $(mem), memsw $(memsw)"
}

@test "update: --memory above the memory+swap limit (v1) fails by name, leaving it" {
  need_memsw
  update_config '.linux.resources.memory = {limit: 33554432, swap: 33554432}'
  run_sleeper
  run rt update --memory 64m "$CID"
  assert_failure
  if is_hull; then assert_output_contains "--memory: "; assert_output_contains "memory+swap"; fi
  [ "$(mem)" = 33554432 ] && [ "$(memsw)" = 33554432 ]
}

@test "update: --pids-limit, then a fork loop stops at it" {
  need_v1 pids
  cat > "$XDIR/forks.sh" <<'EOF'
while [ ! -e /mnt/go ]; do sleep 0.05; done
( i=0; while [ $i -lt 40 ]; do sleep 600 & i=$((i+1)); done ) 2> /mnt/err
echo done > /mnt/done
sleep 600
EOF
  set_args sh /mnt/forks.sh
  run_detached
  [ "$(cg pids pids.max)" = max ]
  rt update --pids-limit 10 "$CID"
  [ "$(cg pids pids.max)" = 10 ]
  touch "$XDIR/go"
  wait_for_file "$XDIR/done" 30
  local n refused
  n=$(cg pids pids.current)
  refused=$(awk '$1 == "max" { print $2 }' "$(group_dir pids)/pids.events")
  [ "$n" -le 10 ] || fail "$n processes under a limit of 10"
  [ "$n" -ge 5 ] || fail "only $n processes: the loop did not run"
  [ "${refused:-0}" -ge 1 ] || fail "no fork refused: $(cat "$(group_dir pids)/pids.events")"
  grep -qi fork "$XDIR/err" || fail "the shell saw no fork failure: $(cat "$XDIR/err")"
  rt update --pids-limit -1 "$CID"
  [ "$(cg pids pids.max)" = max ]
}

@test "update: --cpu-quota and --cpu-period reach cpu.cfs_quota_us and cpu.cfs_period_us; one alone keeps the other" {
  need_v1 cpu
  run_sleeper
  rt update --cpu-quota 20000 --cpu-period 100000 "$CID"
  [ "$(cg cpu cpu.cfs_quota_us)" = 20000 ] && [ "$(cg cpu cpu.cfs_period_us)" = 100000 ]
  rt update --cpu-period 50000 "$CID"
  [ "$(cg cpu cpu.cfs_quota_us)" = 20000 ] && [ "$(cg cpu cpu.cfs_period_us)" = 50000 ]
  rt update --cpu-quota 30000 "$CID"
  [ "$(cg cpu cpu.cfs_quota_us)" = 30000 ] && [ "$(cg cpu cpu.cfs_period_us)" = 50000 ]
  rt update --cpu-quota -1 --cpu-share 512 "$CID"
  [ "$(cg cpu cpu.cfs_quota_us)" = -1 ] && [ "$(cg cpu cpu.shares)" = 512 ]
}

@test "update: --cpuset-cpus and --blkio-weight reach their files" {
  need_v1 cpuset
  run_sleeper
  rt update --cpuset-cpus 0 "$CID"
  [ "$(cg cpuset cpuset.cpus)" = 0 ]
  local blk
  blk=$(group_dir blkio)
  if [ -f "$blk/blkio.weight" ] || [ -f "$blk/blkio.bfq.weight" ]; then
    rt update --blkio-weight 300 "$CID"
    [ "$(cat "$blk/blkio.weight" 2>/dev/null || cat "$blk/blkio.bfq.weight")" = 300 ]
  fi
}

# podman 4.3's `podman update --memory 100m --cpus 0.5`
podman_file() {
  echo '{"memory":{"limit":104857600,"swap":209715200},"cpu":{"quota":50000,"period":100000}}' > "$1"
}

@test "update: --resources FILE, --resources=FILE (podman's way) and --resources - (stdin)" {
  need_memsw
  need_v1 cpu
  run_sleeper
  podman_file "$BATS_TEST_TMPDIR/r.json"
  rt update --resources "$BATS_TEST_TMPDIR/r.json" "$CID"
  [ "$(mem)" = 104857600 ] && [ "$(memsw)" = 209715200 ] && [ "$(cg cpu cpu.cfs_quota_us)" = 50000 ]
  echo '{"memory":{"limit":52428800,"swap":104857600},"cpu":{"quota":25000}}' > "$BATS_TEST_TMPDIR/r2.json"
  rt update --resources="$BATS_TEST_TMPDIR/r2.json" "$CID"
  [ "$(mem)" = 52428800 ] && [ "$(memsw)" = 104857600 ] && [ "$(cg cpu cpu.cfs_quota_us)" = 25000 ]
  echo '{"memory":{"limit":209715200,"swap":419430400},"pids":{"limit":42}}' | rt update --resources - "$CID"
  [ "$(mem)" = 209715200 ] && [ "$(memsw)" = 419430400 ] && [ "$(cg pids pids.max)" = 42 ]
  echo '{"cpu":{"quota":10000}}' | rt update -r - "$CID"
  [ "$(cg cpu cpu.cfs_quota_us)" = 10000 ] && [ "$(mem)" = 209715200 ]
}

@test "update: only the fields given change; the others keep the values create set" {
  need_memsw
  need_v1 pids
  update_config '.linux.resources = {memory: {limit: 67108864, swap: 134217728}, pids: {limit: 50}, cpu: {shares: 256}}'
  run_sleeper
  rt update --cpu-quota 40000 "$CID"
  [ "$(cg cpu cpu.cfs_quota_us)" = 40000 ]
  [ "$(mem)" = 67108864 ] && [ "$(memsw)" = 134217728 ] && [ "$(cg pids pids.max)" = 50 ] && [ "$(cg cpu cpu.shares)" = 256 ]
  echo '{"memory":{"limit":0},"pids":{"limit":0}}' | rt update -r - "$CID" # 0: no change
  [ "$(mem)" = 67108864 ] && [ "$(cg pids pids.max)" = 50 ]
}

@test "update: flags override the values of the file" {
  skip_if_not_hull "runc ignores the flags when --resources is given"
  need_memsw
  run_sleeper
  podman_file "$BATS_TEST_TMPDIR/r.json"
  rt update --resources "$BATS_TEST_TMPDIR/r.json" --memory 150m "$CID"
  [ "$(mem)" = 157286400 ] && [ "$(memsw)" = 209715200 ] && [ "$(cg cpu cpu.cfs_quota_us)" = 50000 ]
}

@test "update: a created container and a paused one can be updated" {
  need_v1 pids
  set_args sleep 600
  create_container
  rt update --pids-limit 20 "$CID"
  [ "$(cg pids pids.max)" = 20 ]
  rt start "$CID"
  rt pause "$CID"
  rt update --pids-limit 30 "$CID"
  [ "$(cg pids pids.max)" = 30 ]
  [ "$(container_status)" = paused ]
  rt resume "$CID"
}

# expect_refusal PATTERN ARGS...: `update ARGS... $CID` fails; hull's message matches PATTERN
expect_refusal() {
  local pattern=$1; shift
  run rt update "$@" "$CID"
  assert_failure
  if is_hull; then
    grep -Eq -- "$pattern" <<<"$output" || fail "message does not name '$pattern': $output"
  fi
}

@test "update: bad numbers and unknown flags are refused by name, leaving the limits" {
  need_memsw
  need_v1 pids
  update_config '.linux.resources = {memory: {limit: 67108864, swap: 67108864}, pids: {limit: 50}}'
  run_sleeper
  expect_refusal '--memory: .abc. is not a size' --memory abc
  expect_refusal '--memory: .*not a size' --memory -5
  expect_refusal '--pids-limit: .x. is not' --pids-limit x
  expect_refusal '--cpu-quota: .1.5. is not a number' --cpu-quota 1.5
  expect_refusal '--cpu-period: ' --cpu-period -100
  expect_refusal 'unrecognized option|bogus' --bogus 1
  expect_refusal '--memory: .abc.' --pids-limit 10 --memory abc
  [ "$(mem)" = 67108864 ] && [ "$(memsw)" = 67108864 ] && [ "$(cg pids pids.max)" = 50 ]
}

@test "update: a resources file with a bad value, unknown field or device rules is refused by name, leaving the limits" {
  need_memsw
  update_config '.linux.resources.memory = {limit: 67108864, swap: 67108864}'
  run_sleeper
  local f=$BATS_TEST_TMPDIR/bad.json
  echo '{"memory":{"limit":"100m"}}' > "$f"
  expect_refusal "resources $f: memory.limit: expected a 64-bit integer, got string" --resources "$f"
  echo '{"memory":{"limit":' | rt update -r - "$CID" && fail "bad JSON accepted"
  echo '[]' > "$f"
  expect_refusal "resources $f: expected an object" --resources "$f"
  expect_refusal "resources $BATS_TEST_TMPDIR/none.json: .*No such file" --resources "$BATS_TEST_TMPDIR/none.json"
  [ "$(mem)" = 67108864 ]
  if is_hull; then # runc ignores what it does not know, and device rules
    echo '{"memory":{"limit":33554432,"limt":1}}' > "$f"
    expect_refusal "resources $f: memory.limt: unknown field" --resources "$f"
    echo '{"memory":{"limit":33554432},"devices":[{"allow":true,"access":"rwm"}]}' > "$f"
    expect_refusal "resources $f: devices: device rules cannot be changed" --resources "$f"
    [ "$(mem)" = 67108864 ]
  fi
}

@test "update: a limit the kernel refuses (below the memory in use) fails by name, leaving every limit" {
  need_memsw
  need_v1 cpuset
  update_config '.linux.resources.memory = {limit: 268435456, swap: 268435456}'
  # 32 MiB held in a shell variable, then sleep
  set_args 'x=$(head -c 33554432 /dev/zero | tr "\0" a); echo ready > /mnt/ready; sleep 600; echo ${#x}'
  run_detached
  wait_for_file "$XDIR/ready" 30
  expect_refusal '--memory: write .8388608. to memory.limit_in_bytes.*busy' --memory 8m --memory-swap 8m
  [ "$(mem)" = 268435456 ] && [ "$(memsw)" = 268435456 ] || fail "memory $(mem), memsw $(memsw)"
  echo '{"memory":{"limit":8388608,"swap":16777216}}' > "$BATS_TEST_TMPDIR/r.json"
  expect_refusal "resources $BATS_TEST_TMPDIR/r.json: memory.limit: write" --resources "$BATS_TEST_TMPDIR/r.json"
  [ "$(mem)" = 268435456 ] && [ "$(memsw)" = 268435456 ] || fail "memory $(mem), memsw $(memsw)"
  # a good memory limit with a cpuset the kernel refuses: the memory limit is put back
  expect_refusal '--cpuset-cpus: write .4095. to cpuset.cpus' --memory 128m --memory-swap 128m --cpuset-cpus 4095
  [ "$(mem)" = 268435456 ] && [ "$(memsw)" = 268435456 ] || fail "not put back: memory $(mem), memsw $(memsw)"
  [ "$(container_status)" = running ]
}

@test "update of a stopped or unknown container fails" {
  set_args true
  run_detached
  wait_for_status "$CID" stopped
  run rt update --pids-limit 10 "$CID"
  assert_failure
  is_hull && assert_output_contains "stopped"
  run rt update --pids-limit 10 "$CID-nosuch"
  assert_failure
  is_hull && assert_output_contains "does not exist"
  run rt update --pids-limit 10
  assert_failure
}

@test "update: --help lists the flags; Intel RDT flags are refused" {
  run rt update --help
  assert_success
  local flags=(--resources --blkio-weight --cpu-period --cpu-quota --cpu-share --cpu-rt-period --cpu-rt-runtime
    --cpuset-cpus --cpuset-mems --memory --memory-reservation --memory-swap --pids-limit --l3-cache-schema
    --mem-bw-schema)
  is_hull && flags+=(--kernel-memory --kernel-memory-tcp) # hidden in runc's help
  for f in "${flags[@]}"; do
    assert_output_contains "$f"
  done
  run_sleeper
  [ -d /sys/fs/resctrl/info ] && skip "this host has Intel RDT"
  expect_refusal '--l3-cache-schema: |RDT' --l3-cache-schema 'L3:0=ff'
}

@test "update: the new limits are recorded; a later update builds on them" {
  skip_if_not_hull "hull's record in the state directory"
  need_memsw
  run_sleeper
  rt update --memory 100m --memory-swap 200m --cpu-quota 20000 --cpu-period 50000 "$CID"
  rt update --pids-limit 7 "$CID"
  [ "$(jq -c '{memory, pids, cpu: (.cpu | {quota, period})}' "$ROOT/$CID/resources.json")" = \
    '{"memory":{"limit":104857600,"swap":209715200},"pids":{"limit":7},"cpu":{"quota":20000,"period":50000}}' ] ||
    fail "recorded: $(cat "$ROOT/$CID/resources.json")"
}
