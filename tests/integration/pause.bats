#!/usr/bin/env bats
# pause and resume: the container's cgroup frozen (v1 freezer, or cgroup.freeze on v2) and
# thawed; state says paused; a paused container can still be killed and deleted.

load helpers

setup() {
  hull_setup
  # a counter the test can watch from the host: it stops moving while paused
  with_xdir
  set_args 'i=0; while :; do i=$((i+1)); echo $i > /mnt/count; sleep 0.05; done'
}

count() { cat "$XDIR/count" 2>/dev/null; }

# task_states PID: the state letters of the container's processes (D, S, R...); frozen
# tasks show as sleeping, so the cgroup's own report is read instead where it exists
frozen_report() {
  local pid=$1 rel
  rel=$(awk -F: '$2 ~ /(^|,)freezer(,|$)/ { print $3 }' /proc/"$pid"/cgroup)
  if [ -n "$rel" ] && [ -f "/sys/fs/cgroup/freezer$rel/freezer.state" ]; then
    cat "/sys/fs/cgroup/freezer$rel/freezer.state"
    return
  fi
  rel=$(awk -F: '$1 == "0" { print $3 }' /proc/"$pid"/cgroup)
  for m in /sys/fs/cgroup /sys/fs/cgroup/unified; do
    [ -f "$m$rel/cgroup.events" ] && { awk '$1 == "frozen" { print ($2 ? "FROZEN" : "THAWED") }' "$m$rel/cgroup.events"; return; }
  done
}

@test "pause freezes the container, state says paused, resume thaws it" {
  run_detached
  wait_for_file "$XDIR/count"
  rt pause "$CID"
  [ "$(container_status)" = paused ]
  local pid
  pid=$(container_pid)
  [ "$(frozen_report "$pid")" = FROZEN ] || fail "cgroup not frozen: $(frozen_report "$pid")"
  local a b
  a=$(count); sleep 0.3; b=$(count)
  [ "$a" = "$b" ] || fail "the counter moved while paused: $a -> $b"
  rt resume "$CID"
  [ "$(container_status)" = running ]
  [ "$(frozen_report "$pid")" = THAWED ]
  local i
  for ((i = 0; i < HULL_WAIT * 20; i++)); do [ "$(count)" != "$b" ] && break; sleep 0.05; done
  [ "$(count)" != "$b" ] || fail "the counter did not move after resume"
}

@test "pause of a paused or created container, resume of a running one, fail with the status" {
  create_container
  if is_hull; then # runc pauses a created container too
    run rt pause "$CID"
    assert_failure
    assert_output_contains "created"
  fi
  rt start "$CID"
  run rt resume "$CID"
  assert_failure
  rt pause "$CID"
  run rt pause "$CID"
  assert_failure
  if is_hull; then assert_output_contains paused; fi
  rt resume "$CID"
}

@test "a paused container is killed and removed by delete --force" {
  run_detached
  wait_for_file "$XDIR/count"
  rt pause "$CID"
  run rt delete "$CID"
  assert_failure
  rt delete --force "$CID"
  run rt state "$CID"
  assert_failure
}
