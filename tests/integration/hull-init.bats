#!/usr/bin/env bats
# hull-init (src/hull-init), the init of `hull run --init`: run directly (as a child
# subreaper) and as pid 1 of a container: the child's exit status passed on (128 + signal when
# killed), signals forwarded to the child, orphans reaped, a static binary.

load helpers

INIT=$BUILD/src/hull-init/hull-init

setup() {
  [ -x "$INIT" ] || skip "no $INIT (build hull first)"
  hull_setup
}

@test "hull-init: the child's exit code is its own" {
  run "$INIT" -- sh -c 'exit 3'
  [ "$status" -eq 3 ]
  run "$INIT" true
  assert_success
}

@test "hull-init: a child killed by a signal gives 128 + the signal" {
  run "$INIT" sh -c 'kill -TERM $$'
  [ "$status" -eq 143 ]
}

@test "hull-init: no program: usage, status 2; a missing program: 127 with a message" {
  run "$INIT"
  [ "$status" -eq 2 ]
  assert_output_contains "usage"
  run -127 "$INIT" /no/such/program
  assert_output_contains "/no/such/program"
}

@test "hull-init: signals sent to it reach the child (TERM and USR1)" {
  local ready=$BATS_TEST_TMPDIR/ready out=$BATS_TEST_TMPDIR/out
  "$INIT" -- sh -c 'trap "echo usr1 >> '"$out"'" USR1; trap "echo term >> '"$out"'; exit 7" TERM
                    echo > '"$ready"'; while :; do sleep 0.05; done' 3>&- &
  local pid=$!
  wait_for_file "$ready"
  kill -USR1 "$pid"
  for ((i = 0; i < 200; i++)); do grep -q usr1 "$out" 2>/dev/null && break; sleep 0.05; done
  kill -TERM "$pid"
  local rc=0
  wait "$pid" || rc=$?
  [ "$rc" -eq 7 ]
  run cat "$out"
  assert_output_equals "$(printf 'usr1\nterm')"
}

@test "hull-init: orphans that end are reaped (no zombies left under it)" {
  # the child leaves 5 orphans that end at once, then waits until hull-init (its parent) has
  # no other child: a zombie nobody reaps would stay its child for good
  run "$INIT" -- sh -c '
    for i in 1 2 3 4 5; do (sleep 0.01 &); done
    for i in $(seq 200); do
      kids=$(grep -l "^PPid:[[:space:]]*$PPID\$" /proc/[0-9]*/status 2>/dev/null | grep -vc "^/proc/$$/")
      [ "$kids" -eq 0 ] && break
      sleep 0.05
    done
    echo "left=$kids"'
  assert_success
  assert_output_equals "left=0"
}

@test "hull-init: statically linked (no program interpreter)" {
  run readelf -l "$INIT"
  assert_success
  [[ $output != *"INTERP"* ]]
}

@test "hull-init: as pid 1 of a container: reaps, forwards the TERM a process sends it, passes the status" {
  own_rootfs
  mkdir -p "$BUNDLE/rootfs/run" && : > "$BUNDLE/rootfs/run/hull-init"
  add_mount /run/hull-init bind "$INIT" bind ro nosuid nodev
  update_config '.root.readonly = true'
  set_args /run/hull-init -- sh -c 'test "$(cat /proc/1/comm)" = hull-init || exit 90
    (sleep 0.01 &)
    trap "exit 9" TERM
    kill -TERM 1
    sleep 5 & wait'
  run run_fg
  [ "$status" -eq 9 ]
}
