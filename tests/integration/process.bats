#!/usr/bin/env bats
# config.json's process object and the process-related linux fields, each read back from
# inside the container.

load helpers

@test "process.args: passed verbatim (spaces, empty strings, quotes)" {
  update_config '.process.args = ["sh", "-c", "printf \"[%s]\" \"$@\"", "sh", "a b", "", "c'"'"'d", "-n"]'
  run run_fg
  assert_success
  assert_output_equals "[a b][][c'd][-n]"
}

@test "process.args: args[0] is looked up in the container's PATH" {
  update_config '.process.args = ["echo", "via", "PATH"]'
  run run_fg
  assert_success
  assert_output_equals "via PATH"
}

@test "process.args: a missing executable fails with a message" {
  update_config '.process.args = ["/no/such/binary"]'
  run --separate-stderr run_fg
  assert_failure
  [ -n "$stderr" ]
}

@test "process.env: the container sees exactly the configured environment" {
  update_config '.process.env = ["PATH=/bin:/usr/bin", "HULL_A=one", "HULL_B=with space=and equals"]'
  set_args 'env | sort'
  HULL_HOST_ONLY=leak run run_fg
  assert_success
  [[ $output == *"HULL_A=one"* ]]
  [[ $output == *"HULL_B=with space=and equals"* ]]
  [[ $output != *HULL_HOST_ONLY* ]]
}

@test "process.cwd: the process starts in cwd" {
  update_config '.process.cwd = "/tmp"'
  set_args pwd
  run run_fg
  assert_success
  assert_output_equals /tmp
}

@test "process.cwd: a missing cwd is created inside the rootfs (runc's behaviour)" {
  own_rootfs
  update_config '.process.cwd = "/made/by/runtime"'
  set_args pwd
  run run_fg
  assert_success
  assert_output_equals /made/by/runtime
  [ -d "$BUNDLE/rootfs/made/by/runtime" ]
}

@test "process.user: uid, gid and additionalGids" {
  update_config '.process.user = {uid: 1000, gid: 1000, additionalGids: [5, 65534]}'
  set_args 'id; grep -E "^(Uid|Gid|Groups):" /proc/self/status'
  run run_fg
  assert_success
  [ "${lines[0]}" = "uid=1000(user) gid=1000(user) groups=5(tty),65534(nogroup)" ]
  [[ $output == *"$(printf 'Uid:\t1000\t1000\t1000\t1000')"* ]]
  [[ $output == *"$(printf 'Gid:\t1000\t1000\t1000\t1000')"* ]]
  grep -qE '^Groups:\s+5 65534\s*$' <<<"$output"
}

@test "process.user: root without additionalGids has no supplementary groups" {
  set_args 'grep "^Groups:" /proc/self/status'
  run run_fg
  assert_success
  grep -qE '^Groups:\s*$' <<<"$output"
}

@test "process.user: a uid with no passwd entry works" {
  update_config '.process.user = {uid: 4242, gid: 4343}'
  set_args 'grep -E "^(Uid|Gid):" /proc/self/status'
  run run_fg
  assert_success
  [[ ${lines[0]} == "$(printf 'Uid:\t4242\t4242\t4242\t4242')" ]]
  [[ ${lines[1]} == "$(printf 'Gid:\t4343\t4343\t4343\t4343')" ]]
}

@test "process.user.umask: applied; 0022 when unset" {
  set_args umask
  run run_fg
  assert_success
  assert_output_equals 0022
  update_config '.process.user.umask = 63'
  run run_fg "$CID-2"
  assert_success
  assert_output_equals 0077
}

@test "process.rlimits: soft and hard limits (ulimit inside)" {
  update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 512, hard: 1000},
                                     {type: "RLIMIT_NPROC", soft: 300, hard: 400},
                                     {type: "RLIMIT_CORE", soft: 0, hard: 0}]'
  set_args 'ulimit -n; ulimit -Hn; ulimit -u; ulimit -Hu; ulimit -c'
  run run_fg
  assert_success
  [ "$(echo $output)" = "512 1000 300 400 0" ]
}

@test "process.rlimits: a limit above the runtime's hard limit fails (no CAP_SYS_RESOURCE here)" {
  hard=$(ulimit -Hn)
  [ "$hard" != unlimited ] || skip "the host's nofile hard limit is unlimited"
  capeff=$(awk '/^CapEff:/ {print $2}' /proc/self/status)
  if (( (0x$capeff >> 24) & 1 )); then   # CAP_SYS_RESOURCE
    skip "the test process has CAP_SYS_RESOURCE, so raising the hard limit would succeed"
  fi
  update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: ($h + 1), hard: ($h + 1)}]' --argjson h "$hard"
  set_args true
  run --separate-stderr run_fg
  assert_failure
  [ -n "$stderr" ]
}

@test "process.capabilities: the default set is exactly what the process holds" {
  set_args 'grep -E "^Cap(Prm|Eff|Bnd):" /proc/self/status'
  run run_fg
  assert_success
  # CAP_KILL (5), CAP_NET_BIND_SERVICE (10), CAP_AUDIT_WRITE (29)
  [ "$(echo $output)" = "CapPrm: 0000000020000420 CapEff: 0000000020000420 CapBnd: 0000000020000420" ]
}

@test "process.capabilities: an empty set drops everything" {
  update_config '.process.capabilities = {bounding: [], effective: [], permitted: [], ambient: []}'
  set_args 'grep -E "^Cap(Inh|Prm|Eff|Bnd|Amb):" /proc/self/status'
  run run_fg
  assert_success
  [ "$(echo $output)" = "CapInh: 0000000000000000 CapPrm: 0000000000000000 CapEff: 0000000000000000 CapBnd: 0000000000000000 CapAmb: 0000000000000000" ]
}

@test "hostname" {
  update_config '.hostname = "box-one"'
  set_args 'hostname; cat /proc/sys/kernel/hostname'
  run run_fg
  assert_success
  [ "$(echo $output)" = "box-one box-one" ]
  [ "$(hostname)" != box-one ]
}

@test "domainname" {
  skip_if_old_runc "runc before 1.2 ignores domainname"
  update_config '.hostname = "box-one" | .domainname = "example.test"'
  set_args 'cat /proc/sys/kernel/domainname'
  run run_fg
  assert_success
  assert_output_equals example.test
}

@test "process.oomScoreAdj: raised value visible in /proc/self/oom_score_adj" {
  cur=$(cat /proc/self/oom_score_adj)
  want=$((cur + 500 > 1000 ? 1000 : cur + 500))
  update_config '.process.oomScoreAdj = $v' --argjson v "$want"
  set_args 'cat /proc/self/oom_score_adj'
  run run_fg
  assert_success
  assert_output_equals "$want"
}

@test "linux.sysctl: net.ipv4.ip_forward in a new network namespace" {
  [ -e /proc/sys/net/ipv4/ip_forward ] || skip "no IPv4 sysctls"
  host_before=$(cat /proc/sys/net/ipv4/ip_forward)
  update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmni": "1000"}'
  set_args 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni'
  run run_fg
  assert_success
  [ "$(echo $output)" = "1 1000" ]
  [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_before" ]
}

@test "linux.sysctl: a net.* sysctl without a network namespace is refused" {
  update_config '.linux.namespaces |= map(select(.type != "network")) | .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
  set_args true
  run --separate-stderr run_fg
  assert_failure
  [ -n "$stderr" ]
}

@test "linux.sysctl: a sysctl that is not namespaced is refused" {
  update_config '.linux.sysctl = {"kernel.panic": "5"}'
  before=$(cat /proc/sys/kernel/panic)
  set_args true
  run --separate-stderr run_fg
  assert_failure
  [ "$(cat /proc/sys/kernel/panic)" = "$before" ]
}

@test "process.noNewPrivileges: NoNewPrivs in /proc/self/status follows the config" {
  set_args 'grep NoNewPrivs /proc/self/status'
  run run_fg
  assert_success
  [[ $output == *"NoNewPrivs:"*1 ]]
  update_config '.process.noNewPrivileges = false'
  run run_fg "$CID-2"
  assert_success
  [[ $output == *"NoNewPrivs:"*0 ]]
}

@test "stdout and stderr of the process are kept apart" {
  set_args 'echo to-out; echo to-err >&2'
  run --separate-stderr run_fg
  assert_success
  assert_output_equals to-out
  [[ $stderr == *to-err* ]]
}

@test "exit codes up to 255 are passed through" {
  set_args 'exit 255'
  run run_fg
  assert_failure 255
}

@test "process.ioPriority: the class and level reach the process" {
  skip_if_old_runc "runc 1.1 does not apply process.ioPriority (the process stays at none: prio 0)"
  update_config '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 6}'
  set_args 'ionice -p $$'
  run run_fg
  assert_success
  assert_output_contains "best-effort: prio 6"
  update_config '.process.ioPriority = {class: "IOPRIO_CLASS_IDLE"}'
  run run_fg "$CID-idle"
  assert_success
  assert_output_contains idle
}

@test "process.scheduler: the policy and nice value reach the process" {
  skip_if_old_runc "runc 1.1 has no process.scheduler"
  update_config '.process.scheduler = {policy: "SCHED_BATCH", nice: 7}'
  set_args 'grep "^policy" /proc/self/sched; echo "nice $(cut -d" " -f19 /proc/self/stat)"'
  run run_fg
  assert_success
  [[ $output =~ policy[[:space:]]+:[[:space:]]+3 ]] || fail "not SCHED_BATCH (3): $output"
  assert_output_contains "nice 7"
  update_config '.process.scheduler = {policy: "SCHED_IDLE"}'
  run run_fg "$CID-idle"
  assert_success
  [[ $output =~ policy[[:space:]]+:[[:space:]]+5 ]] || fail "not SCHED_IDLE (5): $output"
}

@test "process.scheduler: SCHED_ISO, which Linux lacks, fails create" {
  skip_if_old_runc "runc 1.1 ignores process.scheduler and creates the container"
  update_config '.process.scheduler = {policy: "SCHED_ISO"}'
  expect_create_failure 'SCHED_ISO'
}

@test "linux.personality: LINUX32 makes the machine 32-bit for the process" {
  skip_if_old_runc "runc 1.1 does not apply linux.personality (uname -m stays x86_64)"
  [ "$(uname -m)" = x86_64 ] || skip "the 32-bit personality of x86_64 is checked here"
  update_config '.linux.personality = {domain: "LINUX32"}'
  set_args 'uname -m'
  run run_fg
  assert_success
  [[ $output == i?86 ]] || fail "uname -m says $output"
}

@test "linux.personality: flags, which the spec does not define, fail create" {
  skip_if_old_runc "runc 1.1 ignores linux.personality and creates the container"
  update_config '.linux.personality = {domain: "LINUX", flags: ["ADDR_NO_RANDOMIZE"]}'
  expect_create_failure 'personality.flags'
}
