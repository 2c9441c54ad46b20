#!/usr/bin/env bats
# linux.seccomp: the filter is read from inside the container (/proc/self/status, syscalls
# failing with the configured errno, a process killed by SIGSYS), not taken on trust from the
# config. Written against runc's behaviour; where runc differs the test says so.

load helpers

# seccomp JSON: linux.seccomp
set_seccomp() {
  update_config '.linux.seccomp = $s' --argjson s "$1"
}

allow_but() { # NAMES_JSON [ERRNO_RET]: default ALLOW, SCMP_ACT_ERRNO for NAMES
  local rule='{names: $n, action: "SCMP_ACT_ERRNO"}'
  [ -z "${2:-}" ] || rule='{names: $n, action: "SCMP_ACT_ERRNO", errnoRet: ($e | tonumber)}'
  set_seccomp "$(jq -n --argjson n "$1" --arg e "${2:-0}" "{defaultAction: \"SCMP_ACT_ALLOW\", syscalls: [$rule]}")"
}

@test "seccomp: the filter is installed, with and without noNewPrivileges" {
  allow_but '["mkdir", "mkdirat"]'
  set_args 'grep -E "^(Seccomp|Seccomp_filters|NoNewPrivs):" /proc/self/status'
  for nnp in true false; do
    update_config '.process.noNewPrivileges = ($v == "true")' --arg v "$nnp"
    run run_fg "$CID-$nnp"
    assert_success
    [[ $output == *"Seccomp:"*2* ]] || fail "no filter (noNewPrivileges $nnp): $output"
    [[ $output == *"Seccomp_filters:"*1* ]] || fail "not exactly one filter (noNewPrivileges $nnp): $output"
  done
}

@test "seccomp: SCMP_ACT_ERRNO returns EPERM by default, errnoRet when given" {
  allow_but '["mkdir", "mkdirat"]'
  set_args 'mkdir /tmp/x 2>&1; echo "rc=$?"'
  run run_fg
  assert_success
  assert_output_contains "Operation not permitted"
  allow_but '["mkdir", "mkdirat"]' 38
  run run_fg "$CID-2"
  assert_success
  assert_output_contains "Function not implemented"
}

@test "seccomp: argument conditions select which calls are refused" {
  # kill(pid, SIGUSR1) refused, kill(pid, 0) allowed; MASKED_EQ on umask's mode
  set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
    {"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]},
    {"names": ["fchmodat", "chmod"], "action": "SCMP_ACT_ERRNO",
     "args": [{"index": 1, "value": 2048, "valueTwo": 2048, "op": "SCMP_CMP_MASKED_EQ"}]}]}'
  set_args 'kill -0 $$ && echo zero-ok; kill -USR1 $$ 2>/dev/null || echo usr1-refused;
            touch /dev/shm/f; chmod 0755 /dev/shm/f && echo plain-chmod-ok; chmod 4755 /dev/shm/f 2>/dev/null || echo setuid-refused'
  run run_fg
  assert_success
  assert_output_contains zero-ok
  assert_output_contains usr1-refused
  assert_output_contains plain-chmod-ok
  assert_output_contains setuid-refused
}

@test "seccomp: two conditions on one argument each refuse (rules split, as runc does)" {
  set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
    {"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [
      {"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 12, "op": "SCMP_CMP_EQ"}]}]}'
  set_args 'kill -USR1 $$ 2>/dev/null || echo usr1-refused; kill -USR2 $$ 2>/dev/null || echo usr2-refused; kill -0 $$ && echo zero-ok'
  run run_fg
  assert_success
  assert_output_contains usr1-refused
  assert_output_contains usr2-refused
  assert_output_contains zero-ok
}

@test "seccomp: defaultAction ERRNO with defaultErrnoRet and an allow list" {
  profile=/usr/share/containers/seccomp.json
  [ -f "$profile" ] || skip "no $profile to take an allow list from"
  # every syscall podman's profile names, but mkdir: that one meets the default action
  set_seccomp "$(jq '{defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 38,
                      syscalls: [{names: ([.syscalls[].names[]] | unique - ["mkdir", "mkdirat"]),
                                  action: "SCMP_ACT_ALLOW"}]}' "$profile")"
  set_args 'mkdir /tmp/x 2>&1; echo done'
  run run_fg
  assert_success
  assert_output_contains "Function not implemented"
  assert_output_contains done
}

@test "seccomp: SCMP_ACT_KILL_PROCESS kills the container with SIGSYS" {
  set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
  set_args 'echo before; exec mkdir /tmp/x'
  run run_fg
  [ "$status" -eq 159 ] || fail "exit status $status, wanted 159 (128+SIGSYS): $output"
  assert_output_contains before
}

@test "seccomp: the runtime's own set-up is not filtered" {
  # with noNewPrivileges the filter goes in right before execve: mount, pivot_root and the
  # rest of the set-up ran before it, so refusing them does not stop the container
  update_config '.process.noNewPrivileges = true'
  allow_but '["mount", "umount2", "pivot_root", "sethostname", "setns", "unshare", "openat2", "fsopen", "fsmount",
              "move_mount", "open_tree", "mount_setattr", "capset", "setresuid", "setgroups", "close_range", "mknodat"]'
  set_args 'echo started; hostname x 2>/dev/null || echo sethostname-refused'
  run run_fg
  assert_success
  assert_output_contains started
  assert_output_contains sethostname-refused
}

@test "seccomp: without noNewPrivileges the filter is in before a non-root user gives up CAP_SYS_ADMIN" {
  update_config '.process.noNewPrivileges = false | .process.user = {uid: 1000, gid: 1000}'
  allow_but '["mkdir", "mkdirat"]'
  set_args 'grep "^Seccomp:" /proc/self/status; id -u; mkdir /tmp/x 2>&1; true'
  run run_fg
  assert_success
  [[ $output == *"Seccomp:"*2* ]] || fail "no filter: $output"
  assert_output_contains 1000
  assert_output_contains "Operation not permitted"
}

@test "seccomp: unknown syscall names are skipped" {
  allow_but '["hull_no_such_syscall", "mkdir", "mkdirat"]'
  set_args 'mkdir /tmp/x 2>&1; echo done'
  run run_fg
  assert_success
  assert_output_contains "Operation not permitted"
  assert_output_contains done
}

@test "seccomp: flags LOG and SPEC_ALLOW are taken" {
  skip_if_old_runc "runc 1.1 refuses every seccomp flag"
  set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
                "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
  set_args 'mkdir /tmp/x 2>&1; echo done'
  run run_fg
  assert_success
  assert_output_contains "Operation not permitted"
  assert_output_contains done
}

@test "seccomp: architectures name the native one and its companions" {
  set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
                "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
  [ "$(uname -m)" = x86_64 ] || skip "the architectures named are x86's"
  set_args 'mkdir /tmp/x 2>&1'
  run run_fg
  assert_output_contains "Operation not permitted"
}

@test "seccomp: an errnoRet beyond 16 bits fails create, naming the entry, and leaves nothing" {
  allow_but '["mkdir"]' 70000
  expect_create_failure 'syscalls\[0\].*errnoRet'
}

# notify_config SOCKET: mkdir and mkdirat go to the agent at SOCKET
notify_config() {
  set_seccomp "$(jq -n --arg s "$1" '{defaultAction: "SCMP_ACT_ALLOW", listenerPath: $s, listenerMetadata: "hull-test",
                                       syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}')"
}

# start_agent SOCKET STATE_OUT ERRNO: the test agent, in the background ($agent is its pid)
start_agent() {
  command -v gcc >/dev/null || skip "gcc is needed to build the test agent"
  [ -x "$BATS_TEST_TMPDIR/agent" ] || gcc -O2 -o "$BATS_TEST_TMPDIR/agent" "$BATS_TEST_DIRNAME/../fixtures/seccomp-agent.c"
  "$BATS_TEST_TMPDIR/agent" "$@" 3>&- &
  agent=$!
  for ((i = 0; i < 250; i++)); do [ -S "$1" ] && return 0; sleep 0.02; done
  fail "the agent did not listen on $1"
}

@test "seccomp: SCMP_ACT_NOTIFY sends the listener to listenerPath with the container process state" {
  # seen with strace: runc 1.1 sends the state and fd, then keeps the connection open, so an
  # agent reading one state per connection (as the spec has it) never gets to the end
  skip_if_old_runc "runc 1.1 does not close its connection to listenerPath after sending the state"
  for how in run create-start; do
    sock=$BATS_TEST_TMPDIR/agent-$how.sock
    start_agent "$sock" "$BATS_TEST_TMPDIR/state-$how.json" 95 # EOPNOTSUPP
    notify_config "$sock"
    set_args 'mkdir /tmp/x 2>&1; echo done'
    if [ "$how" = run ]; then
      run run_fg "$CID-$how"
    else
      rt create --bundle "$BUNDLE" "$CID-$how" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1
      rt start "$CID-$how"
      wait "$agent" || true
      run cat "$BATS_TEST_TMPDIR/out"
      rt delete --force "$CID-$how"
    fi
    wait "$agent" || true
    assert_output_contains "not supported"
    assert_output_contains done
    jq -e --arg id "$CID-$how" '.fds == ["seccompFd"] and .metadata == "hull-test" and .pid > 0
                                and .state.id == $id and .state.pid == .pid and (.state.bundle | length) > 0' \
      "$BATS_TEST_TMPDIR/state-$how.json" || fail "$how: state sent: $(cat "$BATS_TEST_TMPDIR/state-$how.json")"
  done
}

@test "seccomp: SCMP_ACT_NOTIFY with nobody at listenerPath fails the start, naming listenerPath" {
  notify_config "$BATS_TEST_TMPDIR/nobody.sock"
  set_args 'echo started'
  run run_fg
  assert_failure
  [[ $output != *started* ]] || fail "the program ran: $output"
  if is_hull; then assert_output_contains listenerPath; fi
}

@test "seccomp: SCMP_ACT_NOTIFY without listenerPath fails create, and leaves nothing" {
  set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
  expect_create_failure 'listenerPath.*required'
}

@test "seccomp: features says enabled, with the actions, operators, architectures and flags applied" {
  skip_if_not_hull "runc's features list is its own"
  run rt features
  assert_success
  jq -e '.linux.seccomp.enabled == true
         and (.linux.seccomp.actions | index("SCMP_ACT_ERRNO") != null)
         and (.linux.seccomp.actions | index("SCMP_ACT_NOTIFY") != null)
         and (.linux.seccomp.operators | length) == 7
         and (.linux.seccomp.archs | index("SCMP_ARCH_X86_64") != null)
         and (.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_LOG") != null)' <<<"$output"
}

@test "seccomp: the profile of hull-runtime spec allows ordinary calls, refuses the dangerous ones, not unknown ones" {
  skip_if_not_hull "the profile is hull's own"
  command -v gcc >/dev/null || skip "gcc is needed to build the probe"
  own_rootfs
  gcc -static -O2 -o "$BUNDLE/rootfs/probe" "$BATS_TEST_DIRNAME/../fixtures/syscall-probe.c"
  mkdir "$BATS_TEST_TMPDIR/spec"
  rt spec --bundle "$BATS_TEST_TMPDIR/spec"
  set_seccomp "$(jq .linux.seccomp "$BATS_TEST_TMPDIR/spec/config.json")"
  set_args /probe
  run run_fg
  assert_success
  for want in getpid=ok clone=ok personality_linux32=ok \
              clone_newuser=EPERM unshare_newuser=EPERM personality_norandom=ENOSYS keyctl=EPERM \
              io_uring_setup=EPERM ptrace=EPERM clone3=ENOSYS unknown_999=ENOSYS; do
    grep -qx "$want" <<<"$output" || fail "wanted $want in: $output"
  done
}

@test "seccomp: a container from hull-runtime spec's config runs ordinary programs under its profile" {
  skip_if_not_hull "the profile is hull's own"
  mkdir "$BATS_TEST_TMPDIR/spec"
  rt spec --bundle "$BATS_TEST_TMPDIR/spec"
  set_seccomp "$(jq .linux.seccomp "$BATS_TEST_TMPDIR/spec/config.json")"
  set_args 'grep "^Seccomp:" /proc/self/status; ls / >/dev/null && echo ls-ok; ps >/dev/null && echo ps-ok
            echo data > /dev/shm/f && cat /dev/shm/f; sleep 0.1 && echo sleep-ok; date >/dev/null && echo date-ok
            (echo sub) | cat; uname -a >/dev/null && echo uname-ok; linux32 true && echo linux32-ok'
  run run_fg
  assert_success
  [[ $output == *"Seccomp:"*2* ]] || fail "$output"
  for want in ls-ok ps-ok data sleep-ok date-ok sub uname-ok linux32-ok; do
    assert_output_contains "$want"
  done
}

@test "seccomp: an architecture of the other byte order fails create, naming it" {
  [ "$(uname -m)" = x86_64 ] || skip "checked on x86_64 (little-endian) hosts"
  set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_S390X"]}'
  expect_create_failure 'architectures\[0\].*S390X.*byte order'
}
