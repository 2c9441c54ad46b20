#!/usr/bin/env bats
# The engine's containers: hull run, create, start, stop, kill, rm, ps, logs, exec, wait and
# inspect on a store and run root of the test's own, with the fixture busybox rootfs imported
# as the image. After every test nothing may be left: no record, container directory, mount,
# runtime state or monitor process.

load helpers
load engine-helpers

setup() { engine_setup; }
teardown() { engine_teardown; }

@test "engine: run --rm prints the output, passes the exit code on, leaves nothing" {
  run hq run --rm busybox sh -c 'echo out; echo err >&2; exit 7'
  [ "$status" -eq 7 ] || fail "status $status" "$output"
  [[ $output == *out* && $output == *err* ]] || fail "output: $output"
  [ "$(records_count)" -eq 0 ] || fail "a record is left: $(hull ps -a)"
}

@test "engine: run -d, ps, logs, stop, ps -a, rm" {
  run -0 hq run -d --name web busybox sh -c 'echo started; trap "echo bye; exit 0" TERM; while :; do sleep 0.1; done'
  ID=$output
  [[ $ID =~ ^[0-9a-f]{64}$ ]] || fail "run -d printed '$ID'"
  run -0 hull ps
  [[ ${lines[0]} =~ ^CONTAINER\ ID ]] || fail "$output"
  [[ ${lines[1]} == ${ID:0:12}*web* ]] || fail "$output"
  run -0 hull ps --format json
  [ "$(jq -r '.[0].State' <<<"$output")" = running ]
  [ "$(jq -r '.[0].Names[0]' <<<"$output")" = web ]
  pid=$(jq -r '.[0].Pid' <<<"$output")
  [ "$pid" -gt 0 ] && kill -0 "$pid"
  for ((i = 0; i < 100; i++)); do hull logs web | grep -q started && break; sleep 0.05; done
  run -0 hull logs web
  [ "$output" = started ]
  run -0 hull stop web
  [ "$output" = web ]
  run -0 hull ps -q
  [ -z "$output" ]
  run -0 hull ps -a --format json
  [ "$(jq -r '.[0].State' <<<"$output")" = exited ]
  [ "$(jq -r '.[0].ExitCode' <<<"$output")" = 0 ]
  run -0 hull logs web
  [ "$(echo $output)" = "started bye" ]
  # the k8s-file format underneath: timestamp, stream, F, text
  run -0 hull logs -t web
  [[ ${lines[0]} =~ ^20[0-9-]+T[0-9:.]+Z\ started$ ]] || fail "logs -t: $output"
  grep -Eq '^20[0-9-]+T[0-9:.]+Z stdout F started$' "$STORE/containers/$ID/ctr.log"
  run -0 hull rm web
  [ "$(records_count)" -eq 0 ]
}

@test "engine: create, start -a, start again, wait" {
  run -0 hq create --name c1 busybox sh -c 'echo run-$$; exit 3'
  ID=$output
  run -0 hull ps -a --format json
  [ "$(jq -r '.[0].State' <<<"$output")" = created ]
  run hull start -a c1
  [ "$status" -eq 3 ] && [ "$output" = run-1 ] || fail "status $status: $output"
  run -0 hull wait c1
  [ "$output" = 3 ]
  run -0 hull start c1
  [ "$output" = c1 ]
  run -0 hull wait c1
  [ "$output" = 3 ]
  run -0 hull logs c1
  [ "$(echo $output)" = "run-1 run-1" ]
  run -0 hull rm "${ID:0:8}"
}

@test "engine: exit codes: 127 no such command, 126 not runnable, 125 engine errors" {
  run -127 hq run --rm busybox /no/such/thing
  [[ $output == *"/no/such/thing"* ]] || fail "$output"
  run hq run --rm busybox /etc/passwd
  [ "$status" -eq 126 ] || fail "status $status: $output"
  run hq run --rm no-such-image true
  [ "$status" -eq 125 ] || fail "status $status: $output"
  [[ $output == *"no-such-image"* ]] || fail "$output"
  run hq run --rm --no-such-flag busybox true
  [ "$status" -eq 125 ] || fail "status $status: $output"
  [[ $output == *"--no-such-flag"* ]] || fail "$output"
  [ "$(records_count)" -eq 0 ] || fail "records left: $(hull ps -a)"
}

@test "engine: names are unique; rm of a running container needs -f; rmi keeps an image in use" {
  run -0 hq run -d --name dup busybox sleep 100
  run hq run -d --name dup busybox sleep 100
  [ "$status" -eq 125 ] && [[ $output == *dup*"in use"* ]] || fail "status $status: $output"
  [ "$(records_count)" -eq 1 ]
  run hull rm dup
  [ "$status" -ne 0 ] && [[ $output == *running* ]] || fail "status $status: $output"
  run hull rmi busybox
  [ "$status" -ne 0 ] && [[ $output == *"in use by container dup"* ]] || fail "status $status: $output"
  run -0 hull images -q
  [ -n "$output" ]
  run -0 hull rm -f dup
  [ "$(records_count)" -eq 0 ]
  run -0 hull rmi busybox
}

@test "engine: exec runs in the container, with its exit code" {
  run -0 hq run -d --name ex busybox sleep 100
  run hull exec ex sh -c 'echo in-$(hostname); cat /proc/1/comm; exit 4'
  [ "$status" -eq 4 ] || fail "status $status: $output"
  [ "${lines[1]}" = sleep ]
  run -0 hull exec -e X=1 -w /tmp ex sh -c 'echo $X $(pwd)'
  [ "$output" = "1 /tmp" ]
  run -127 hull exec ex /no/such
  hull stop -t 1 ex
}

@test "engine: run -it and exec -it on a terminal" {
  command -v script >/dev/null || skip "script(1) is not installed"
  local holder=$T/holder
  output=$({ printf 'tty\necho typed-$((6*7))\nexit 3\n'; sleep 30 </dev/null 2>/dev/null 3>&- & echo $! >"$holder"; } |
    timeout 60 script -qec "$HULL --root $STORE --runroot $RUNROOT run -it --rm busybox sh" /dev/null 2>&1 3>&-) && status=0 || status=$?
  kill "$(cat "$holder")" 2>/dev/null || true
  output=$(tr -d '\r' <<<"$output")
  [ "$status" -eq 3 ] || fail "status $status" "$output"
  [[ $output == *typed-42* ]] || fail "typed input did not reach the shell" "$output"
  grep -q '^/dev/pts/[0-9]' <<<"$output" || fail "no terminal" "$output"
  run -0 hq run -d --name tt busybox sleep 100
  output=$({ printf 'echo exec-$((5*5))\nexit\n'; sleep 30 </dev/null 2>/dev/null 3>&- & echo $! >"$holder"; } |
    timeout 60 script -qec "$HULL --root $STORE --runroot $RUNROOT exec -it tt sh" /dev/null 2>&1 3>&-) && status=0 || status=$?
  kill "$(cat "$holder")" 2>/dev/null || true
  [ "$status" -eq 0 ] && [[ $output == *exec-25* ]] || fail "status $status" "$output"
}

@test "engine: run -i passes stdin; without -i the container reads nothing" {
  run -0 bash -c "echo piped | $HULL --root $STORE --runroot $RUNROOT run --rm -i busybox cat 2>/dev/null"
  [ "$output" = piped ]
  run -0 bash -c "echo piped | $HULL --root $STORE --runroot $RUNROOT run --rm busybox cat 2>/dev/null"
  [ -z "$output" ]
}

@test "engine: kill sends a signal; the exit code says which" {
  run -0 hq run -d --name k busybox sh -c 'trap "exit 42" USR1; touch /tmp/trapped; while :; do sleep 0.05; done'
  # the trap is set (a fixed sleep is not enough on a loaded machine)
  for ((i = 0; i < HULL_WAIT * 20; i++)); do hull exec k test -e /tmp/trapped 2>/dev/null && break; sleep 0.05; done
  run -0 hull kill -s USR1 k
  [ "$output" = k ]
  run -0 hull wait k
  [ "$output" = 42 ] || fail "wait said: $output" "record: $(hull inspect k | jq -c '.[0].State')" \
    "log: $(hull logs k 2>&1 | tail -5)"
  run -0 hq run -d --name k9 busybox sleep 100
  run -0 hull kill k9
  run -0 hull wait k9
  [ "$output" = 137 ]
  run hull kill k9
  [ "$status" -ne 0 ] && [[ $output == *"not running"* ]] || fail "status $status: $output"
}

@test "engine: the monitor outlives hull; a killed attached hull leaves the container running" {
  hq run --name fg busybox sh -c 'echo up; sleep 100' >"$T/out" 2>&1 &
  local front=$!
  until_state fg running
  kill -9 "$front"
  wait "$front" 2>/dev/null || true
  sleep 0.2
  run -0 hull ps --format json
  [ "$(jq -r '.[0].State' <<<"$output")" = running ] || fail "$output"
  [ "$(jq -r '.[0].Names[0]' <<<"$output")" = fg ]
  run -0 hull rm -f fg
  [ "$(records_count)" -eq 0 ]
}

@test "engine: kill -9 of the monitor mid-run leaves state that rm -f cleans up" {
  run -0 hq run -d --name mon busybox sleep 100
  mpid=$(hull inspect mon | jq -r '.[0].State.Pid')
  monitor=$(ps -o ppid= -p "$mpid" | tr -d ' ')
  [ -n "$monitor" ] && [ "$monitor" -gt 1 ]
  [[ $(tr '\0' ' ' </proc/$monitor/cmdline) == *hull* ]] || fail "parent of the init: $(cat /proc/$monitor/cmdline)"
  kill -9 "$monitor"
  for ((i = 0; i < HULL_WAIT * 20; i++)); do
    [ "$(hull inspect mon | jq -r '.[0].State.MonitorAlive')" = false ] && break
    sleep 0.05
  done
  # the container runs on without its monitor; the engine says so
  kill -0 "$mpid"
  run -0 hull inspect mon
  [ "$(jq -r '.[0].State.Status' <<<"$output")" = running ]
  [ "$(jq -r '.[0].State.MonitorAlive' <<<"$output")" = false ]
  run -0 hull rm -f mon
  for ((i = 0; i < 100; i++)); do kill -0 "$mpid" 2>/dev/null || break; sleep 0.05; done
  ! kill -0 "$mpid" 2>/dev/null || fail "the container's init $mpid still runs"
  [ "$(records_count)" -eq 0 ]
}

@test "engine: a monitor killed after the container ended: ps shows it exited, rm cleans up" {
  run -0 hq run -d --name gone busybox sleep 100
  mpid=$(hull inspect gone | jq -r '.[0].State.Pid')
  monitor=$(ps -o ppid= -p "$mpid" | tr -d ' ')
  kill -STOP "$monitor"
  kill -9 "$mpid"
  kill -9 "$monitor"
  for ((i = 0; i < HULL_WAIT * 20; i++)); do
    [ "$(hull ps -a --format json | jq -r '.[0].State')" = exited ] && break
    sleep 0.05
  done
  run -0 hull ps -a --format json
  [ "$(jq -r '.[0].State' <<<"$output")" = exited ] || fail "$output"
  run -0 hull rm gone
}

@test "engine: logs -f follows until the container ends" {
  run -0 hq run -d --name f busybox sh -c 'for i in 1 2 3; do echo line$i; sleep 0.2; done'
  run -0 timeout 20 "$HULL" --root "$STORE" --runroot "$RUNROOT" logs -f f
  [ "$(echo $output)" = "line1 line2 line3" ]
  run -0 hull logs --tail 1 f
  [ "$output" = line3 ]
}

@test "engine: inspect shows the container and its OCI config" {
  run -0 hq create --name ins busybox echo hi
  run -0 hull inspect ins
  [ "$(jq -r '.[0].Name' <<<"$output")" = ins ]
  [ "$(jq -r '.[0].Image' <<<"$output")" = "sha256:$IMAGE_ID" ]
  [ "$(jq -r '.[0].ImageName' <<<"$output")" = localhost/busybox:latest ]
  [ "$(jq -c '.[0].Args' <<<"$output")" = '["echo","hi"]' ]
  [ "$(jq -r '.[0].Spec.process.noNewPrivileges' <<<"$output")" = true ]
  # an image is still inspected by name
  run -0 hull inspect busybox
  [ "$(jq -r '.[0].Id' <<<"$output")" = "$IMAGE_ID" ]
}

@test "engine: 100 containers started at once by parallel run -d: none lost, ps consistent" {
  local n=100 i
  for ((i = 0; i < n; i++)); do
    "$HULL" --root "$STORE" --runroot "$RUNROOT" run -d --name "p$i" busybox sleep 300 >"$T/id.$i" 2>"$T/err.$i" &
  done
  wait
  for ((i = 0; i < n; i++)); do
    grep -Eqx '[0-9a-f]{64}' "$T/id.$i" || fail "run -d --name p$i printed '$(cat "$T/id.$i")': $(cat "$T/err.$i")"
  done
  run -0 hull ps --format json
  [ "$(jq length <<<"$output")" -eq $n ] || fail "ps lists $(jq length <<<"$output") running"
  [ "$(jq -r '.[].Id' <<<"$output" | sort -u | wc -l)" -eq $n ]
  [ "$(jq -r '.[].Names[0]' <<<"$output" | sort -u | wc -l)" -eq $n ]
  # each is really running: its init is alive
  for pid in $(jq -r '.[].Pid' <<<"$output"); do kill -0 "$pid" || fail "pid $pid of ps is not alive"; done
  [ "$(cat "$T"/id.* | sort -u)" = "$(jq -r '.[].Id' <<<"$output" | sort)" ]
  run hull rm -af; [ "$status" -eq 0 ] || fail "rm -af: $output"
  [ "$(records_count)" -eq 0 ]
}

# in_cgroup_view v1|v2 SCRIPT: SCRIPT run by bash in a private mount namespace whose cgroups are
# laid out as a v1-only host (the hybrid's cgroup2 mount hidden) or a pure v2 host (cgroup2
# over /sys/fs/cgroup); H runs hull there.
in_cgroup_view() {
  local view=$1 script=$2
  if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] && [ "$view" = v1 ]; then
    skip "a v1 layout cannot be made on a v2 host"
  fi
  LAYOUT=$view HULL=$HULL STORE=$STORE RUNROOT=$RUNROOT unshare -m --propagation private bash -c '
    set -e
    '"$CGROUP_LAYOUT_SH"'
    H() { "$HULL" --root "$STORE" --runroot "$RUNROOT" "$@" 2>/dev/null; }
    '"$script"
}

@test "engine: the default pids limit holds on a v1-only host" {
  [ -d /sys/fs/cgroup/pids ] || skip "no v1 pids hierarchy on this host"
  run -0 in_cgroup_view v1 'H run --rm busybox cat /sys/fs/cgroup/pids/pids.max'
  [ "$output" = 2048 ] || fail "pids.max: $output"
}

@test "engine: a container runs on a pure cgroup v2 host, limited where the controller is there" {
  run -0 in_cgroup_view v2 'H run --rm busybox sh -c "cat /proc/self/cgroup; ls /sys/fs/cgroup | grep -c ^cgroup\\."'
  # (a hybrid kernel still lists its v1 hierarchies; the v2 line is the container's own group)
  grep -qx "0::/" <<<"$output" || fail "not in a cgroup namespace of a v2 group: $output"
  # pids is a v1 controller on this host; where the v2 hierarchy has it, the limit is there too
  if grep -qw pids /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null || [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
    run -0 in_cgroup_view v2 'H run --rm busybox cat /sys/fs/cgroup/pids.max'
    [ "$output" = 2048 ]
  fi
}

# CVE-2019-5736 through the engine: the monitor (and the container's init, its fork, until it
# execs the container's program) runs from a read-only view of hull's binary, so holding
# /proc/PID/exe gives nothing to write to. A copy of hull, so a failure cannot ruin the build.
@test "engine: CVE-2019-5736: hull's binary cannot be rewritten through the monitor's /proc/PID/exe" {
  local copy=$T/hull-copy before monitor written
  cp "$(readlink -f "$HULL")" "$copy"
  before=$(sha256sum "$copy" | cut -d' ' -f1)
  run -0 "$copy" --root "$STORE" --runroot "$RUNROOT" run -d --name cve busybox sleep 100
  pid=$(hull inspect cve | jq -r '.[0].State.Pid')
  monitor=$(ps -o ppid= -p "$pid" | tr -d ' ')
  # held while the monitor runs; written once it has gone (no text-busy binary any more)
  exec 5<"/proc/$monitor/exe"
  run -0 hull rm -f cve
  # (gone, or a zombie: this machine's pid 1 may not reap the orphans it inherits)
  [[ $(ps -o stat= -p "$monitor" || echo Z) == Z* ]] || fail "the monitor $monitor still runs after rm -f"
  if (echo overwritten >>/proc/self/fd/5) 2>"$T/write.err"; then written=yes; else written=no; fi
  exec 5<&-
  [ "$written" = no ] || fail "the write through the monitor's /proc/PID/exe succeeded"
  grep -qi "read-only" "$T/write.err" || fail "refused, but not as read-only: $(cat "$T/write.err")"
  [ "$(sha256sum "$copy" | cut -d' ' -f1)" = "$before" ] || fail "hull's binary changed"
}

# CVE-2024-21626 through the engine: no descriptor of hull or its monitor reaches the
# container, and a working directory through /proc/self/fd cannot leave the rootfs.
@test "engine: CVE-2024-21626: no descriptor leaks into the container; -w /proc/self/fd/N stays inside" {
  run -0 hq run --rm busybox sh -c 'for f in /proc/self/fd/*; do echo "$f -> $(readlink "$f")"; done'
  echo "$output" | awk -F' -> ' '{ n = $1; sub(".*/", "", n) } n > 2 && $2 != "" { print; bad = 1 } END { exit bad }' ||
    fail "descriptors beyond stdio: $output"
  for n in 3 4 5 6 7 8 9; do
    run hq run --rm -w /proc/self/fd/$n busybox readlink /proc/self/cwd
    if [ "$status" -eq 0 ]; then
      case $output in /proc/* | /) ;; *) fail "-w /proc/self/fd/$n: cwd outside the container: $output" ;; esac
    fi
  done
  [ "$(records_count)" -eq 0 ]
}
