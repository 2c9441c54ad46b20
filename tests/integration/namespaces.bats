#!/usr/bin/env bats
# linux.namespaces: each type, read back from inside the container; joining by path.

load helpers

# ns_inside TYPE...: the container's view of /proc/self/ns/TYPE for each TYPE, one a line.
ns_inside() {
  local cmd="" t
  for t in "$@"; do cmd+="readlink /proc/self/ns/$t; "; done
  set_args "$cmd"
  run_fg "${NS_ID:-$CID}"
}

@test "namespaces: the default set gives new pid, net, ipc, uts and mount namespaces" {
  run ns_inside pid net ipc uts mnt cgroup
  assert_success
  i=0
  for t in pid net ipc uts mnt; do
    [ "${lines[$i]}" != "$(readlink /proc/self/ns/$t)" ] || fail "$t namespace is the host's"
    i=$((i + 1))
  done
  # not asked for: the cgroup namespace is the host's
  [ "${lines[5]}" = "$(readlink /proc/self/ns/cgroup)" ]
}

@test "pid namespace: the process is pid 1 and sees only its own processes" {
  set_args 'echo $$; ps -o pid,comm | tail -n +2 | wc -l'
  run run_fg
  assert_success
  [ "${lines[0]}" = 1 ]
  # sh and ps (and wc/tail, which run in the same pipeline) only
  [ "${lines[1]}" -le 4 ]
}

@test "network namespace: only lo" {
  set_args 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
  run run_fg
  assert_success
  assert_output_equals lo
}

@test "ipc namespace: host System V objects are invisible" {
  [ -r /proc/sysvipc/shm ] || skip "no /proc/sysvipc"
  # make a host segment so there is something to hide
  key=$((0x4855 + $$ % 1000))
  perl -e 'use IPC::SysV qw(IPC_CREAT); my $id = shmget($ARGV[0], 4096, IPC_CREAT | 0600) // die; print "$id\n"' "$key" \
    > "$BATS_TEST_TMPDIR/shmid" 2>/dev/null || skip "perl's IPC::SysV not available"
  shmid=$(cat "$BATS_TEST_TMPDIR/shmid")
  set_args 'tail -n +2 /proc/sysvipc/shm | wc -l'
  run run_fg
  perl -e 'shmctl($ARGV[0], 0, 0)' "$shmid"   # IPC_RMID
  assert_success
  assert_output_equals 0
}

@test "uts namespace: hostname does not leak to the host" {
  host=$(hostname)
  update_config '.hostname = "uts-test"'
  set_args 'hostname; readlink /proc/self/ns/uts'
  run run_fg
  assert_success
  [ "${lines[0]}" = uts-test ]
  [ "${lines[1]}" != "$(readlink /proc/self/ns/uts)" ]
  [ "$(hostname)" = "$host" ]
}

@test "mount namespace: the container's mounts are not in the host's table" {
  set_args 'readlink /proc/self/ns/mnt; grep -c . /proc/self/mountinfo'
  run run_fg
  assert_success
  [ "${lines[0]}" != "$(readlink /proc/self/ns/mnt)" ]
  refute grep -q " $ROOTFS_RO/proc " /proc/self/mountinfo
}

@test "cgroup namespace: new namespace, the container's cgroup is its root" {
  skip_unless_kernel_file /proc/self/ns/cgroup
  update_config '.linux.namespaces += [{type: "cgroup"}]'
  set_args 'readlink /proc/self/ns/cgroup; cat /proc/self/cgroup'
  run run_fg
  assert_success
  [ "${lines[0]}" != "$(readlink /proc/self/ns/cgroup)" ]
  # every hierarchy line ends in ":/" inside a cgroup namespace
  for l in "${lines[@]:1}"; do
    [[ $l == *:/ ]] || fail "not rooted: $l"
  done
}

@test "time namespace: timeOffsets shift monotonic and boottime clocks" {
  skip_unless_kernel_file /proc/self/ns/time
  skip_unless_ns_feature time
  update_config '.linux.namespaces += [{type: "time"}] |
    .linux.timeOffsets = {monotonic: {secs: 86400, nanosecs: 0}, boottime: {secs: 864000, nanosecs: 0}}'
  set_args 'cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime; readlink /proc/self/ns/time'
  run run_fg
  assert_success
  grep -qE '^monotonic +86400 +0$' <<<"$output"
  grep -qE '^boottime +864000 +0$' <<<"$output"
  host_up=$(cut -d. -f1 /proc/uptime)
  up=$(sed -n 3p <<<"$output")
  [ "$up" -ge $((host_up + 864000 - 5)) ]
  [ "${lines[3]}" != "$(readlink /proc/self/ns/time)" ]
}

@test "user namespace: uid and gid mappings are installed" {
  skip_unless_kernel_file /proc/self/ns/user
  update_config '.linux.namespaces += [{type: "user"}] |
    .linux.uidMappings = [{containerID: 0, hostID: 200000, size: 65536}] |
    .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]'
  set_args 'cat /proc/self/uid_map /proc/self/gid_map; id -u; readlink /proc/self/ns/user; stat -c %u /bin/busybox'
  run run_fg
  assert_success
  [ "$(echo ${lines[0]})" = "0 200000 65536" ]
  [ "$(echo ${lines[1]})" = "0 200000 65536" ]
  [ "${lines[2]}" = 0 ]
  [ "${lines[3]}" != "$(readlink /proc/self/ns/user)" ]
  # host root's files are unmapped: the overflow uid
  [ "${lines[4]}" = "$(cat /proc/sys/kernel/overflowuid)" ]
}

@test "user namespace: the container process is unprivileged on the host" {
  skip_unless_kernel_file /proc/self/ns/user
  update_config '.linux.namespaces += [{type: "user"}] |
    .linux.uidMappings = [{containerID: 0, hostID: 200000, size: 65536}] |
    .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]'
  set_args sleep 100
  create_container
  pid=$(container_pid)
  awk '/^Uid:/ {print $2}' "/proc/$pid/status" | grep -qx 200000
}

@test "join by path: a second container shares the first one's network, ipc and uts namespaces" {
  set_args sleep 100
  run_detached "$CID-a"
  wait_for_status "$CID-a" running
  pa=$(container_pid "$CID-a")
  update_config '.linux.namespaces |= map(
      if .type == "network" then .path = "/proc/\($p)/ns/net"
      elif .type == "ipc" then .path = "/proc/\($p)/ns/ipc"
      elif .type == "uts" then .path = "/proc/\($p)/ns/uts"
      else . end)' --arg p "$pa"
  NS_ID=$CID-b run ns_inside net ipc uts pid
  assert_success
  [ "${lines[0]}" = "$(readlink /proc/$pa/ns/net)" ]
  [ "${lines[1]}" = "$(readlink /proc/$pa/ns/ipc)" ]
  [ "${lines[2]}" = "$(readlink /proc/$pa/ns/uts)" ]
  [ "${lines[3]}" != "$(readlink /proc/$pa/ns/pid)" ]
  [ "${lines[0]}" != "$(readlink /proc/self/ns/net)" ]
}

@test "join by path: a bind-mounted namespace file works too" {
  ip netns add "$TOKEN" 2>/dev/null || skip "ip netns add failed"
  update_config '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
    --arg p "/run/netns/$TOKEN"
  run ns_inside net
  want=$(ip netns exec "$TOKEN" readlink /proc/self/ns/net)
  ip netns delete "$TOKEN"
  assert_success
  assert_output_equals "$want"
}

@test "join by path: a path that is not a namespace of that type fails" {
  update_config '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/ipc" else . end)'
  set_args true
  run --separate-stderr run_fg
  assert_failure
  update_config '.linux.namespaces |= map(if .type == "network" then .path = "/nonexistent/ns/net" else . end)'
  run --separate-stderr run_fg "$CID-2"
  assert_failure
  [ -n "$stderr" ]
}

@test "no network namespace requested: the container shares the host's" {
  update_config '.linux.namespaces |= map(select(.type != "network"))'
  run ns_inside net
  assert_success
  assert_output_equals "$(readlink /proc/self/ns/net)"
}
