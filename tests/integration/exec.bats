#!/usr/bin/env bats
# exec: a new process in a running container. It must land in every namespace and the cgroup
# of the container, under the container's seccomp filter and Landlock rules, with its own
# user, capabilities, environment and working directory, and report its exit status.

load helpers

setup() {
  hull_setup
  set_args sleep 1000
}

# ns_of PID TYPE: the namespace link of a host process
ns_of() { readlink "/proc/$1/ns/$2"; }

# cgroups_of PID: its cgroup lines, sorted
cgroups_of() { sort "/proc/$1/cgroup"; }

@test "exec: the process joins every namespace of the container and prints in the foreground" {
  run_detached
  pid=$(container_pid)
  run rt exec "$CID" sh -c 'for t in mnt pid net ipc uts cgroup user; do echo "$t $(readlink /proc/self/ns/$t)"; done; hostname; cat /proc/1/comm'
  assert_success
  for t in mnt pid net ipc uts user; do
    want="$t $(ns_of "$pid" "$t")"
    grep -qxF "$want" <<<"$output" || fail "not in the container's $t namespace (want '$want')" "$output"
  done
  assert_output_contains hull
  [ "${lines[-1]}" = sleep ] || fail "/proc/1 is not the container's init: ${lines[-1]}"
}

@test "exec: the exit status is the process's; a missing command fails clearly" {
  run_detached
  run rt exec "$CID" sh -c 'exit 7'
  assert_failure 7
  run rt exec "$CID" sh -c 'kill -9 $$'
  assert_failure 137
  run rt exec "$CID" /no/such/program
  assert_failure
  is_hull || return 0
  assert_output_contains "/no/such/program"
}

@test "exec --detach --pid-file: the process runs on in the container's cgroup" {
  run_detached
  pid=$(container_pid)
  rt exec --detach --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$CID" sleep 1000 </dev/null >/dev/null
  epid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
  [ -n "$epid" ] && [ "$epid" != "$pid" ]
  [ "$(cat /proc/$epid/comm)" = sleep ]
  [ "$(cgroups_of "$epid")" = "$(cgroups_of "$pid")" ] || fail "cgroups differ" "$(cgroups_of "$epid")" "init: $(cgroups_of "$pid")"
  [ "$(ns_of "$epid" pid)" = "$(ns_of "$pid" pid)" ]
  [ "$(ns_of "$epid" mnt)" = "$(ns_of "$pid" mnt)" ]
  # it dies with the container
  rt delete --force "$CID"
  for i in $(seq 100); do [ -e "/proc/$epid" ] || break; sleep 0.05; done
  [ ! -e "/proc/$epid" ] || fail "the exec'd process outlived its container"
}

@test "exec: --env, --cwd, --user and --additional-gids set the process" {
  run_detached
  run rt exec --env HULL_A=1 --env PATH=/bin:/usr/bin --cwd /tmp --user 1000:1000 --additional-gids 10 --additional-gids 20 "$CID" \
    sh -c 'echo "$HULL_A $PATH $(pwd) $(id -u):$(id -g) $(id -G)"'
  assert_success
  assert_output_equals "1 /bin:/usr/bin /tmp 1000:1000 1000 10 20"
}

@test "exec: capabilities are the config's, and --cap adds one" {
  run_detached
  pid=$(container_pid)
  run rt exec "$CID" grep -E '^Cap(Eff|Bnd)' /proc/self/status
  assert_success
  [ "$(grep CapBnd <<<"$output" | cut -f2)" = "$(awk '/^CapBnd/ { print $2 }' /proc/$pid/status)" ] ||
    fail "bounding set differs from the init's" "$output"
  # CAP_CHOWN is bit 0, not in the template's sets
  [ $((0x$(grep CapEff <<<"$output" | cut -f2) & 1)) -eq 0 ]
  run rt exec --cap CAP_CHOWN "$CID" grep '^CapEff' /proc/self/status
  assert_success
  [ $((0x$(cut -f2 <<<"$output") & 1)) -eq 1 ] || fail "--cap CAP_CHOWN not effective: $output"
  # runc warns and goes on without it; hull refuses a capability it cannot grant
  is_hull || return 0
  run rt exec --cap CAP_NO_SUCH "$CID" true
  assert_failure
  assert_output_contains CAP_NO_SUCH
}

@test "exec: noNewPrivileges follows the process; --no-new-privs sets it" {
  update_config '.process.noNewPrivileges = false'
  run_detached
  run rt exec "$CID" grep '^NoNewPrivs' /proc/self/status
  assert_success
  [[ $output == *0 ]] || fail "$output"
  run rt exec --no-new-privs "$CID" grep '^NoNewPrivs' /proc/self/status
  assert_success
  [[ $output == *1 ]] || fail "$output"
}

@test "exec: the container's seccomp filter applies to the exec'd process" {
  update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
  own_rootfs
  run_detached
  run rt exec "$CID" sh -c 'grep "^Seccomp:" /proc/self/status; mkdir /tmp/blocked 2>&1; echo "mkdir=$?"'
  assert_success
  [[ $output == *"Seccomp:"*2* ]] || fail "no filter: $output"
  assert_output_contains "mkdir=1"
}

@test "exec: the container's Landlock rules apply to the exec'd process" {
  skip_if_not_hull "org.hull.landlock is hull-runtime's annotation"
  rt features | jq -e '.annotations["org.hull.landlock"]' >/dev/null || skip "this kernel has no Landlock"
  update_config '.annotations["org.hull.landlock"] = "{\"/bin\": \"rx\", \"/proc\": \"r\"}"'
  run_detached
  run rt exec "$CID" sh -c 'cat /etc/hostname 2>&1; echo "cat=$?"; [ "$(ls /bin | wc -l)" -gt 0 ] && echo bin-ok'
  assert_success
  assert_output_contains "cat=1"
  assert_output_contains "bin-ok"
}

@test "exec --process FILE: the process is read from JSON; a bad one is refused naming the field" {
  run_detached
  cat >"$BATS_TEST_TMPDIR/p.json" <<'EOF'
{"args": ["sh", "-c", "echo from-file $HULL_F $(id -u) $(pwd)"], "env": ["HULL_F=yes", "PATH=/bin"], "cwd": "/tmp", "user": {"uid": 1000, "gid": 1000}}
EOF
  run rt exec --process "$BATS_TEST_TMPDIR/p.json" "$CID"
  assert_success
  assert_output_equals "from-file yes 1000 /tmp"
  echo '{"args": ["true"]}' >"$BATS_TEST_TMPDIR/nocwd.json"
  run rt exec --process "$BATS_TEST_TMPDIR/nocwd.json" "$CID"
  assert_failure
  is_hull && assert_output_contains "process.cwd"
  echo '{"args": ["true"], "cwd": "/", ' >"$BATS_TEST_TMPDIR/broken.json"
  run rt exec --process "$BATS_TEST_TMPDIR/broken.json" "$CID"
  assert_failure
  is_hull && assert_output_contains "broken.json"
  return 0
}

@test "exec: refused in a stopped, paused or unknown container, and without a command" {
  run rt exec "$CID-none" true
  assert_failure
  is_hull && assert_output_contains "$CID-none"
  run_detached
  run rt exec "$CID"
  assert_failure
  rt pause "$CID"
  run rt exec "$CID" true
  assert_failure
  is_hull && assert_output_contains paused
  rt resume "$CID"
  rt kill "$CID" KILL
  wait_for_status "$CID" stopped
  run rt exec "$CID" true
  assert_failure
  is_hull && assert_output_contains stopped
  return 0
}

@test "exec: signals sent to a foreground exec reach the process" {
  run_detached
  # the runtime itself in the background (not the rt function's subshell), so it gets the signal
  "$RUNTIME" --root "$ROOT" exec "$CID" sh -c 'trap "echo got-term; exit 3" TERM; echo trapped; while :; do sleep 0.05; done' \
    </dev/null >"$BATS_TEST_TMPDIR/exec.out" 2>&1 3>&- &
  epid=$!
  for ((i = 0; i < HULL_WAIT * 20; i++)); do grep -q trapped "$BATS_TEST_TMPDIR/exec.out" && break; sleep 0.05; done
  kill -TERM "$epid"
  status=0
  wait "$epid" || status=$?
  [ "$status" -eq 3 ] || fail "exit status $status" "$(cat "$BATS_TEST_TMPDIR/exec.out")"
  grep -q got-term "$BATS_TEST_TMPDIR/exec.out"
}

@test "exec: works in a container with its own user namespace" {
  update_config '.linux.namespaces += [{type: "user"}] | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}] | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
  run_detached
  pid=$(container_pid)
  rt exec --detach --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$CID" sleep 1000 </dev/null >/dev/null
  epid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
  [ "$(ns_of "$epid" user)" = "$(ns_of "$pid" user)" ]
  # container root is host uid 100000
  [ "$(awk '/^Uid:/ { print $2 }' /proc/$epid/status)" = 100000 ]
  run rt exec "$CID" id -u
  assert_success
  assert_output_equals 0
}

@test "exec: a --no-pivot container's process gets the container's root" {
  rt_bg run --detach --no-pivot --bundle "$BUNDLE" "$CID"
  run rt exec "$CID" sh -c 'ls /; cat /etc/hostname 2>/dev/null; echo done'
  assert_success
  assert_output_contains "bin"
  [[ $output != *boot* ]] || fail "the host's root is visible: $output"
}

@test "exec: no descriptor of the runtime reaches the exec'd process (CVE-2024-21626)" {
  run_detached
  run rt exec "$CID" sh -c 'for f in /proc/self/fd/*; do echo "$f -> $(readlink "$f")"; done'
  assert_success
  echo "$output" | awk -F' -> ' '{ n = $1; sub(".*/", "", n) } n > 2 && $2 != "" { print; bad = 1 } END { exit bad }' ||
    fail "descriptors beyond stdio: $output"
}

# CVE-2019-5736 as it was first shown: a container process, root with CAP_SYS_PTRACE and
# CAP_DAC_OVERRIDE, watches for the runtime's process that `exec` puts into the container
# and tries to write the binary behind its /proc/PID/exe before it becomes the program.
@test "CVE-2019-5736: an exec'd process's binary cannot be rewritten from inside the container" {
  copy=$BATS_TEST_TMPDIR/runtime-copy
  cp "$(readlink -f "$RUNTIME")" "$copy"
  before=$(sha256sum "$copy" | cut -d' ' -f1)
  with_xdir
  update_config '.process.capabilities.bounding += ["CAP_SYS_PTRACE", "CAP_DAC_OVERRIDE"] |
                 .process.capabilities.effective += ["CAP_SYS_PTRACE", "CAP_DAC_OVERRIDE"] |
                 .process.capabilities.permitted += ["CAP_SYS_PTRACE", "CAP_DAC_OVERRIDE"]'
  set_args 'while :; do for p in /proc/[0-9]*; do
              [ "$(readlink $p/exe 2>/dev/null)" = /bin/busybox ] && continue
              { echo overwritten >> $p/exe; } 2>/dev/null && echo "wrote through $p" >> /mnt/hits
            done; done'
  "$copy" --root "$ROOT" run --detach --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 3>&-
  for i in $(seq 20); do
    "$copy" --root "$ROOT" exec "$CID" true </dev/null 3>&- || fail "exec $i failed"
  done
  [ ! -s "$XDIR/hits" ] || fail "the container wrote: $(cat "$XDIR/hits")"
  [ "$(sha256sum "$copy" | cut -d' ' -f1)" = "$before" ] || fail "the runtime's binary changed"
}

@test "exec --preserve-fds: descriptors from 3 on reach the process, and no others" {
  run_detached
  echo preserved-data >"$BATS_TEST_TMPDIR/fd3"
  run "$RUNTIME" --root "$ROOT" exec --preserve-fds 1 "$CID" sh -c 'cat <&3; ls /proc/self/fd | sort -n | tr "\n" " "' \
    3<"$BATS_TEST_TMPDIR/fd3" 5<"$BATS_TEST_TMPDIR/fd3"
  assert_success
  [ "${lines[0]}" = preserved-data ] || fail "$output"
  # 0-3, and 4 for the directory ls reads; never 5, which was not preserved
  [[ " ${lines[1]} " != *" 5 "* ]] || fail "fd 5 leaked: ${lines[1]}"
}
